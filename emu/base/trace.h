/* The trace: every timeline event with its virtual time, actor and stable text, streamed as a
 * human timeline and as JSON Lines, and handed in time order to the sinks (the scenario judge, the
 * recorder: they keep what they need, bounded). A library user may also keep the events in memory
 * (`max_kept`, the default for the machine's trace); the CLI keeps none, so that its memory does not
 * grow with the run length. */
#ifndef H7_TRACE_H
#define H7_TRACE_H

#include <stdio.h>

#include "h7types.h"

typedef struct h7_trace_event {
    h7_time_ps t;
    char src[12];
    char *text;
    const char *kind;        /* the typed event's kind name (static), NULL for none */
    char *fields;            /* its typed fields as a JSON object, NULL for none */
} h7_trace_event;

/* A consumer of the events as they are written out, in time order; `index` counts every event
 * written (0, 1, 2...). The event and its text belong to the trace: copy what is kept. */
typedef void (*h7_trace_sink_fn)(void *ctx, const h7_trace_event *e, size_t index);

#define H7_TRACE_MAX_SINKS 4

typedef struct h7_trace {
    h7_trace_event *ev;      /* the kept events (the first max_kept of them) */
    size_t n, cap;
    size_t max_kept;         /* keep at most this many in `ev` (0 = none: streaming only) */
    size_t emitted;          /* events written out so far */
    h7_trace_sink_fn sink[H7_TRACE_MAX_SINKS];
    void *sink_ctx[H7_TRACE_MAX_SINKS];
    unsigned nsinks;
    FILE *timeline;          /* human readable, may be NULL */
    FILE *jsonl;             /* JSON Lines, may be NULL */
    bool color;
    /* While `defer` is set (the machine inside a scheduling window), events are held and written
     * out -- timeline, JSON Lines, the kept list -- by h7_trace_flush, in time order (stable), so
     * that the two cores' events of one window read in time order. (Observers of the typed events
     * are not deferred: they follow the machine's event bus.) */
    bool defer;
    h7_trace_event *pending;
    size_t npending, cappending;
    /* Size cap of each stream (timeline, JSON Lines) in bytes, 0 = none: past it one note line
     * says where the stream was cut, and nothing more is written to it. */
    unsigned long long max_bytes;
    unsigned long long timeline_bytes, jsonl_bytes;
    bool timeline_cut, jsonl_cut;
} h7_trace;

/* Default for --max-trace-size: 1 GiB per stream. */
#define H7_TRACE_DEFAULT_MAX_BYTES (1ull << 30)
/* "4096", "64k", "100M", "2G" (powers of 1024) -> bytes; false if malformed or 0. */
bool h7_parse_size(const char *s, unsigned long long *out);

void h7_trace_init(h7_trace *t);
void h7_trace_free(h7_trace *t);
/* Add a sink; the events already kept are handed to it first (false if there are too many sinks).
 * h7_trace_stream_only then frees the kept events and keeps no more. */
bool h7_trace_add_sink(h7_trace *t, h7_trace_sink_fn fn, void *ctx);
void h7_trace_stream_only(h7_trace *t);
/* A copy of an event (its text duplicated, no fields) / its release. */
h7_trace_event h7_trace_event_copy(const h7_trace_event *e);
void h7_trace_event_release(h7_trace_event *e);
void h7_trace_add(h7_trace *t, h7_time_ps when, const char *src, const char *text);
/* The same with the typed event's kind name and JSON fields (JSON Lines writes them). */
void h7_trace_add_typed(h7_trace *t, h7_time_ps when, const char *src, const char *text, const char *kind,
                        const char *fields);
/* Write out the held events in time order (see `defer`). */
void h7_trace_flush(h7_trace *t);
/* The same for the held events up to `limit`; later ones stay held (written before the next
 * event added after them). */
void h7_trace_flush_until(h7_trace *t, h7_time_ps limit);
/* "   1234.567 us" right-aligned (microseconds with nanosecond precision). */
void h7_trace_format_time(h7_time_ps t, char *buf, size_t len);
/* Returns the bytes written (fprintf's count). */
int h7_trace_print_event(const h7_trace_event *e, FILE *out, bool color);
/* Writes text as a JSON string (with quotes); returns the bytes written. */
size_t h7_json_write_string(FILE *out, const char *s);

#endif

/* The trace: every timeline event with its virtual time, actor and stable text.
 * Kept in memory (scenarios match expectations on it) and optionally streamed as a human
 * timeline and as JSON Lines. */
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

typedef struct h7_trace {
    h7_trace_event *ev;
    size_t n, cap;
    size_t max_kept;         /* beyond this only streaming happens (0 = unlimited) */
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
void h7_trace_add(h7_trace *t, h7_time_ps when, const char *src, const char *text);
/* The same with the typed event's kind name and JSON fields (JSON Lines writes them). */
void h7_trace_add_typed(h7_trace *t, h7_time_ps when, const char *src, const char *text, const char *kind,
                        const char *fields);
/* Write out the held events in time order (see `defer`). */
void h7_trace_flush(h7_trace *t);
/* "   1234.567 us" right-aligned (microseconds with nanosecond precision). */
void h7_trace_format_time(h7_time_ps t, char *buf, size_t len);
/* Returns the bytes written (fprintf's count). */
int h7_trace_print_event(const h7_trace_event *e, FILE *out, bool color);
/* Writes text as a JSON string (with quotes); returns the bytes written. */
size_t h7_json_write_string(FILE *out, const char *s);

#endif

#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "textsafe.h"

void h7_trace_init(h7_trace *t)
{
    memset(t, 0, sizeof *t);
    t->max_kept = 2000000;
    t->max_bytes = H7_TRACE_DEFAULT_MAX_BYTES;
}

static void free_kept(h7_trace *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->ev[i].text);
    free(t->ev);
    t->ev = NULL;
    t->n = t->cap = 0;
}

bool h7_trace_add_sink(h7_trace *t, h7_trace_sink_fn fn, void *ctx)
{
    if (t->nsinks == H7_TRACE_MAX_SINKS)
        return false;
    for (size_t i = 0; i < t->n; i++)
        fn(ctx, &t->ev[i], i);
    t->sink[t->nsinks] = fn;
    t->sink_ctx[t->nsinks++] = ctx;
    return true;
}

void h7_trace_stream_only(h7_trace *t)
{
    free_kept(t);
    t->max_kept = 0;
}

h7_trace_event h7_trace_event_copy(const h7_trace_event *e)
{
    h7_trace_event c = *e;
    c.fields = NULL;
    c.text = strdup(e->text ? e->text : "");
    if (!c.text) {
        fputs("h7emu: out of memory\n", stderr);
        exit(70);
    }
    return c;
}

void h7_trace_event_release(h7_trace_event *e)
{
    free(e->text);
    memset(e, 0, sizeof *e);
}

void h7_trace_free(h7_trace *t)
{
    free_kept(t);
    for (size_t i = 0; i < t->npending; i++) {
        free(t->pending[i].text);
        free(t->pending[i].fields);
    }
    free(t->pending);
    t->pending = NULL;
    t->npending = t->cappending = 0;
}

void h7_trace_format_time(h7_time_ps t, char *buf, size_t len)
{
    unsigned long long us = t / H7_PS_PER_US;
    unsigned long long ns = (t % H7_PS_PER_US) / 1000u;
    snprintf(buf, len, "%11llu.%03llu us", us, ns);
}

size_t h7_json_write_string(FILE *out, const char *s)
{
    size_t n = 2;
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p);
            n += 2;
        } else if (*p < 0x20) {
            fprintf(out, "\\u%04x", *p);
            n += 6;
        } else {
            fputc(*p, out);
            n++;
        }
    }
    fputc('"', out);
    return n;
}

static const char *src_color(const char *src)
{
    if (!strcmp(src, "cm7"))
        return "\033[36m";
    if (!strcmp(src, "cm4"))
        return "\033[35m";
    if (!strcmp(src, "debug") || !strcmp(src, "board") || !strcmp(src, "rule"))
        return "\033[1;31m";
    return "\033[33m";
}

int h7_trace_print_event(const h7_trace_event *e, FILE *out, bool color)
{
    char tb[40];
    h7_trace_format_time(e->t, tb, sizeof tb);
    if (color)
        return fprintf(out, "\033[2m%s\033[0m  %s%-6s\033[0m %s\n", tb, src_color(e->src), e->src, e->text);
    return fprintf(out, "%s  %-6s %s\n", tb, e->src, e->text);
}

bool h7_parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-')
        return false;
    unsigned shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10;
    else if (*end == 'm' || *end == 'M')
        shift = 20;
    else if (*end == 'g' || *end == 'G')
        shift = 30;
    if (shift)
        end++;
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end || v == 0 || v > (~0ull >> shift))
        return false;
    *out = v << shift;
    return true;
}

static bool stream_open(h7_trace *t, FILE *f, unsigned long long *bytes, bool *cut, h7_time_ps when, bool json)
{
    if (*cut)
        return false;
    if (!t->max_bytes || *bytes < t->max_bytes)
        return true;
    *cut = true;
    char tb[40];
    h7_trace_format_time(when, tb, sizeof tb);
    if (json)
        fprintf(f, "{\"t_ps\":%llu,\"src\":\"h7emu\",\"text\":\"trace truncated: --max-trace-size %llu bytes reached\","
                   "\"truncated\":true}\n", (unsigned long long)when, t->max_bytes);
    else
        fprintf(f, "%s  h7emu  trace truncated here: --max-trace-size %llu bytes reached (the run goes on)\n", tb,
                t->max_bytes);
    return false;
}

/* Timeline, JSON Lines and the kept list; takes ownership of e->text. */
static void emit(h7_trace *t, h7_trace_event *e)
{
    if (t->timeline && stream_open(t, t->timeline, &t->timeline_bytes, &t->timeline_cut, e->t, false)) {
        int k = h7_trace_print_event(e, t->timeline, t->color);
        t->timeline_bytes += k > 0 ? (unsigned long long)k : 0;
    }
    if (t->jsonl && stream_open(t, t->jsonl, &t->jsonl_bytes, &t->jsonl_cut, e->t, true)) {
        int k = fprintf(t->jsonl, "{\"t_ps\":%llu,\"src\":", (unsigned long long)e->t);
        size_t n = (k > 0 ? (size_t)k : 0) + h7_json_write_string(t->jsonl, e->src) + 8;
        fputs(",\"text\":", t->jsonl);
        n += h7_json_write_string(t->jsonl, e->text) + 2;
        if (e->kind) {
            fputs(",\"kind\":", t->jsonl);
            n += 8 + h7_json_write_string(t->jsonl, e->kind);
            int f = fprintf(t->jsonl, ",\"fields\":%s", e->fields ? e->fields : "{}");
            n += f > 0 ? (size_t)f : 0;
        }
        fputs("}\n", t->jsonl);
        t->jsonl_bytes += n;
    }
    free(e->fields);   /* the sinks and the kept list match on text; the fields live in JSON Lines */
    e->fields = NULL;
    for (unsigned i = 0; i < t->nsinks; i++)
        t->sink[i](t->sink_ctx[i], e, t->emitted);
    t->emitted++;
    if (t->n >= t->max_kept) {
        free(e->text);
        return;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        h7_trace_event *ev = realloc(t->ev, cap * sizeof *ev);
        if (!ev) {
            free(e->text);
            return;
        }
        t->ev = ev;
        t->cap = cap;
    }
    t->ev[t->n++] = *e;
}

void h7_trace_add(h7_trace *t, h7_time_ps when, const char *src, const char *text)
{
    h7_trace_add_typed(t, when, src, text, NULL, NULL);
}

void h7_trace_add_typed(h7_trace *t, h7_time_ps when, const char *src, const char *text, const char *kind,
                        const char *fields)
{
    h7_trace_event e = {.t = when, .kind = kind};
    snprintf(e.src, sizeof e.src, "%s", src);
    /* One event is one line: a control character or a byte that is not UTF-8 (from a symbol
     * name, a file name, UART data) is shown as \xNN, so no text can forge another event. */
    char *safe = NULL;
    if (!h7_text_is_clean(text)) {
        if (!(safe = h7_text_sanitize(text)))
            return;
        text = safe;
    }
    if (!h7_text_is_clean(e.src))
        snprintf(e.src, sizeof e.src, "?");
    e.text = safe ? safe : strdup(text);
    if (!e.text)
        return;
    if (fields && t->jsonl) {
        e.fields = strdup(fields);
        if (!e.fields) {
            free(e.text);
            return;
        }
    }
    if (!t->defer && !t->npending) {
        emit(t, &e);
        return;
    }
    if (t->npending == t->cappending) {
        size_t cap = t->cappending ? t->cappending * 2 : 64;
        h7_trace_event *p = realloc(t->pending, cap * sizeof *p);
        if (!p) {
            emit(t, &e);   /* out of memory: write it out of order rather than lose it */
            return;
        }
        t->pending = p;
        t->cappending = cap;
    }
    t->pending[t->npending++] = e;
    if (!t->defer)   /* events held from a cut window (h7_trace_flush_until) go out first */
        h7_trace_flush_until(t, when);
}

void h7_trace_flush_until(h7_trace *t, h7_time_ps limit)
{
    /* stable insertion sort by time: a window holds a handful of events */
    for (size_t i = 1; i < t->npending; i++) {
        h7_trace_event e = t->pending[i];
        size_t j = i;
        while (j > 0 && t->pending[j - 1].t > e.t) {
            t->pending[j] = t->pending[j - 1];
            j--;
        }
        t->pending[j] = e;
    }
    size_t n = 0;
    while (n < t->npending && t->pending[n].t <= limit)
        emit(t, &t->pending[n++]);
    if (n && n < t->npending)
        memmove(t->pending, t->pending + n, (t->npending - n) * sizeof *t->pending);
    t->npending -= n;
}

void h7_trace_flush(h7_trace *t) { h7_trace_flush_until(t, UINT64_MAX); }

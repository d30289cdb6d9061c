#include "trace.h"

#include <stdlib.h>
#include <string.h>

void h7_trace_init(h7_trace *t)
{
    memset(t, 0, sizeof *t);
    t->max_kept = 2000000;
}

void h7_trace_free(h7_trace *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->ev[i].text);
    free(t->ev);
    t->ev = NULL;
    t->n = t->cap = 0;
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

void h7_json_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
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

void h7_trace_print_event(const h7_trace_event *e, FILE *out, bool color)
{
    char tb[40];
    h7_trace_format_time(e->t, tb, sizeof tb);
    if (color)
        fprintf(out, "\033[2m%s\033[0m  %s%-6s\033[0m %s\n", tb, src_color(e->src), e->src, e->text);
    else
        fprintf(out, "%s  %-6s %s\n", tb, e->src, e->text);
}

/* Timeline, JSON Lines and the kept list; takes ownership of e->text. */
static void emit(h7_trace *t, h7_trace_event *e)
{
    if (t->timeline)
        h7_trace_print_event(e, t->timeline, t->color);
    if (t->jsonl) {
        fprintf(t->jsonl, "{\"t_ps\":%llu,\"src\":", (unsigned long long)e->t);
        h7_json_write_string(t->jsonl, e->src);
        fputs(",\"text\":", t->jsonl);
        h7_json_write_string(t->jsonl, e->text);
        if (e->kind) {
            fputs(",\"kind\":", t->jsonl);
            h7_json_write_string(t->jsonl, e->kind);
            fprintf(t->jsonl, ",\"fields\":%s", e->fields ? e->fields : "{}");
        }
        fputs("}\n", t->jsonl);
    }
    free(e->fields);   /* the kept list matches on text; the fields live in JSON Lines */
    e->fields = NULL;
    if ((t->max_kept && t->n >= t->max_kept)) {
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
    e.text = strdup(text);
    if (!e.text)
        return;
    if (fields && t->jsonl) {
        e.fields = strdup(fields);
        if (!e.fields) {
            free(e.text);
            return;
        }
    }
    if (!t->defer) {
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
}

void h7_trace_flush(h7_trace *t)
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
    for (size_t i = 0; i < t->npending; i++)
        emit(t, &t->pending[i]);
    t->npending = 0;
}

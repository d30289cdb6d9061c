/* Expected-vs-observed sequence diff (declared in scenario.h). Greedy in-order matching, as the judge does,
 * but carrying on past a missing item so that every difference is shown at once: at[i] = the first
 * event matching item i after the last matched item's event (none: item i is missing). */
#define _GNU_SOURCE
#include "scenario.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLUS 3   /* events shown per missing item */

/* The part of an item that names the kind of event: up to " = " or the first digit
 * ("cm7: writes PWR_D3CR.VOS = VOS1" -> "cm7: writes PWR_D3CR.VOS", "pwr: vos1 ready" -> "pwr: vos"). */
static size_t kind_len(const char *text)
{
    const char *colon = strstr(text, ": ");
    size_t start = colon ? (size_t)(colon - text) + 2 : 0;
    for (size_t i = start; text[i]; i++)
        if (isdigit((unsigned char)text[i]) || !strncmp(text + i, " = ", 3))
            return i;
    return strlen(text);
}

static void print_event(const h7_trace_event *e, FILE *out)
{
    char line[1200], tb[40];
    snprintf(line, sizeof line, "%s: %s", e->src, e->text);
    h7_trace_format_time(e->t, tb, sizeof tb);
    const char *t = tb;
    while (*t == ' ')
        t++;
    fprintf(out, "    + %-70.100s at %s\n", line, t);
}

/* An observed event worth showing as "+": a rule that fired, or an event of a kind the sequence
 * names somewhere (same source and leading words). */
static bool relevant(const h7_trace_event *e, const h7_expect_item *seq, size_t nseq)
{
    if (!strcmp(e->src, "rule"))
        return true;
    char line[1200];
    snprintf(line, sizeof line, "%s: %s", e->src, e->text);
    for (size_t i = 0; i < nseq; i++) {
        size_t kl = kind_len(seq[i].text);
        if (kl && !strncmp(line, seq[i].text, kl))
            return true;
    }
    return false;
}

/* The "+" lines of the gap between two matched items (observed indices lo < e < hi). */
static void show_gap_kept(const h7_trace *t, long lo, long hi, const h7_expect_item *seq, size_t nseq, FILE *out)
{
    unsigned shown = 0, more = 0;
    for (long e = lo + 1; e < hi; e++) {
        if (!relevant(&t->ev[e], seq, nseq))
            continue;
        if (shown < MAX_PLUS)
            print_event(&t->ev[e], out), shown++;
        else
            more++;
    }
    if (more)
        fprintf(out, "    + ... %u more\n", more);
}

/* The expected-vs-observed listing both diffs print: `seen[i]` says whether item i was matched in
 * order; gap(ctx, i) prints what came instead before item i, gap(ctx, nseq) after the last match. */
typedef void (*gap_fn)(void *ctx, size_t i, FILE *out);

static void print_diff(const h7_expect_item *seq, size_t nseq, const bool *seen, size_t missing, gap_fn gap,
                       void *ctx, FILE *out)
{
    fprintf(out, "  expected vs observed sequence (= seen, - expected but not seen in this order, + seen instead):\n");
    size_t run = 0;          /* matched items in a row not printed yet */
    bool in_gap = false;     /* some items since the last match are missing */
    for (size_t i = 0; i < nseq; i++) {
        if (!seen[i]) {
            if (run) {
                fprintf(out, "    = ... %zu more seen in order\n", run);
                run = 0;
            }
            fprintf(out, "    - %-70.100s line %u\n", seq[i].text, seq[i].line);
            in_gap = true;
            continue;
        }
        if (in_gap) {   /* what came instead, before this match */
            gap(ctx, i, out);
            in_gap = false;
        }
        bool near_miss = (i + 1 < nseq && !seen[i + 1]) || (i > 0 && !seen[i - 1]);
        if (near_miss || i == 0 || i + 1 == nseq) {
            if (run)
                fprintf(out, "    = ... %zu more seen in order\n", run);
            run = 0;
            fprintf(out, "    = %-70.100s line %u\n", seq[i].text, seq[i].line);
        } else {
            run++;
        }
    }
    if (run)
        fprintf(out, "    = ... %zu more seen in order\n", run);
    if (in_gap)
        gap(ctx, nseq, out);
    fprintf(out, "  %zu of %zu expected events not seen in order\n", missing, nseq);
}

typedef struct kept_gap { const h7_trace *t; const long *at; const h7_expect_item *seq; size_t nseq; } kept_gap;

/* The kept trace between the last match before item i (or the start) and item i (or the end). */
static void kept_gap_show(void *ctx, size_t i, FILE *out)
{
    const kept_gap *g = ctx;
    long lo = -1;
    for (size_t j = i; j-- > 0;)
        if (g->at[j] >= 0) {
            lo = g->at[j];
            break;
        }
    show_gap_kept(g->t, lo, i < g->nseq ? g->at[i] : (long)g->t->n, g->seq, g->nseq, out);
}

void h7_seq_diff(const h7_expect_item *seq, size_t nseq, const h7_trace *t, h7_seq_match_fn match, FILE *out)
{
    long *at = malloc((nseq ? nseq : 1) * sizeof *at);
    if (!at)
        return;
    size_t pos = 0, missing = 0;
    for (size_t i = 0; i < nseq; i++) {
        size_t j = pos;
        while (j < t->n && !match(&t->ev[j], &seq[i]))
            j++;
        at[i] = j < t->n ? (long)j : -1;
        if (j < t->n)
            pos = j + 1;
        else
            missing++;
    }
    bool *seen = malloc((nseq ? nseq : 1) * sizeof *seen);
    if (seen) {
        for (size_t i = 0; i < nseq; i++)
            seen[i] = at[i] >= 0;
        kept_gap g = {t, at, seq, nseq};
        print_diff(seq, nseq, seen, missing, kept_gap_show, &g, out);
    }
    free(seen);
    free(at);
}

/* Streaming (one pass over the events, memory bounded by the sequence, not by the run): the
 * greedy diff above "carries on past a missing item", i.e. searches item i+1 from where item i's
 * search began. Whether item i is missing is known only at the end, so each hypothesis runs at
 * once: node k+1 assumes node k's awaited item is missing and waits for the next item from the
 * same place. A match of node k ends its hypotheses (its descendants) and starts new ones after
 * the match. A node remembers the "+" lines of the gap before its first match (MAX_PLUS events
 * and a count): what the diff shows before an item that follows missing ones. At most nseq + 1
 * nodes live at once. Node 0 is the judge's greedy match (scenario.c). */
typedef struct node {
    size_t item;                     /* the item it waits for (nseq: none left) */
    bool matched_any;
    h7_trace_event plus[MAX_PLUS];   /* the first relevant events before its first match */
    unsigned nplus, more;
} node;

struct h7_seq_stream {
    const h7_expect_item *seq;
    size_t nseq;
    h7_seq_match_fn match;
    node *nodes;
    size_t depth;
    size_t root_last;                /* index of node 0's last match */
};

static void kill_from(h7_seq_stream *d, size_t k)
{
    for (size_t j = k; j < d->depth; j++)
        for (unsigned i = 0; i < d->nodes[j].nplus; i++)
            h7_trace_event_release(&d->nodes[j].plus[i]);
    d->depth = k;
}

/* New hypotheses at the end of the chain, from here on: waiting for `item`, for item + 1 (`item`
 * missing too), ... up to a node with no item left. */
static void spawn_from(h7_seq_stream *d, size_t item)
{
    for (;;) {
        d->nodes[d->depth++] = (node){.item = item};
        if (item >= d->nseq)
            return;
        item++;
    }
}

h7_seq_stream *h7_seq_stream_new(const h7_expect_item *seq, size_t nseq, h7_seq_match_fn match)
{
    h7_seq_stream *d = calloc(1, sizeof *d);
    if (!d || !(d->nodes = calloc(nseq + 2, sizeof *d->nodes))) {
        free(d);
        return NULL;
    }
    d->seq = seq;
    d->nseq = nseq;
    d->match = match;
    spawn_from(d, 0);
    return d;
}

void h7_seq_stream_free(h7_seq_stream *d)
{
    if (!d)
        return;
    kill_from(d, 0);
    free(d->nodes);
    free(d);
}

void h7_seq_stream_feed(h7_seq_stream *d, const h7_trace_event *e, size_t index)
{
    int rel = -1;
    for (size_t k = 0; k < d->depth; k++) {
        node *n = &d->nodes[k];
        if (n->item < d->nseq && d->match(e, &d->seq[n->item])) {
            n->item++;
            n->matched_any = true;
            if (k == 0)
                d->root_last = index;
            kill_from(d, k + 1);
            if (n->item < d->nseq)
                spawn_from(d, n->item + 1);
            return;
        }
        if (!n->matched_any) {
            if (rel < 0)
                rel = relevant(e, d->seq, d->nseq);
            if (rel && n->nplus < MAX_PLUS)
                n->plus[n->nplus++] = h7_trace_event_copy(e);
            else if (rel)
                n->more++;
        }
    }
}

size_t h7_seq_stream_root(const h7_seq_stream *d, size_t *last_match)
{
    *last_match = d->root_last;
    return d->nodes[0].item;
}

static void show_gap(const node *n, FILE *out)
{
    for (unsigned i = 0; i < n->nplus; i++)
        print_event(&n->plus[i], out);
    if (n->more)
        fprintf(out, "    + ... %u more\n", n->more);
}

typedef struct stream_gap { const node **by; const node *tail; size_t nseq; } stream_gap;

/* The "+" lines a node kept of the gap before its first match (item i's node, or the last one). */
static void stream_gap_show(void *ctx, size_t i, FILE *out)
{
    const stream_gap *g = ctx;
    const node *n = i < g->nseq ? g->by[i] : g->tail;
    if (n)
        show_gap(n, out);
}

void h7_seq_stream_diff(const h7_seq_stream *d, FILE *out)
{
    const h7_expect_item *seq = d->seq;
    size_t nseq = d->nseq;
    /* Resolve the hypotheses: follow node k while its awaited item is missing. */
    bool *seen = calloc(nseq ? nseq : 1, sizeof *seen);
    const node **by = calloc(nseq + 1, sizeof *by);   /* the node that matched item i / followed it */
    if (!seen || !by) {
        free(seen);
        free(by);
        return;
    }
    size_t k = 0, first = 0, missing = 0;
    for (; k < d->depth; k++) {
        const node *n = &d->nodes[k];
        for (size_t i = first; i < n->item && i < nseq; i++) {
            seen[i] = true;
            by[i] = n;
        }
        if (n->item >= nseq)
            break;
        missing++;
        first = n->item + 1;
    }
    const node *tail = k < d->depth ? &d->nodes[k] : NULL;   /* the last hypothesis: the gap to the end */
    stream_gap g = {by, tail, nseq};
    print_diff(seq, nseq, seen, missing, stream_gap_show, &g, out);
    free(seen);
    free(by);
}

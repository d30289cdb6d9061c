/* Expected-vs-observed sequence diff (declared in scenario.h). Greedy in-order matching, as the judge does,
 * but carrying on past a missing item so that every difference is shown at once. */
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
static void show_gap(const h7_trace *t, long lo, long hi, const h7_expect_item *seq, size_t nseq, FILE *out)
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
    fprintf(out, "  expected vs observed sequence (= seen, - expected but not seen in this order, + seen instead):\n");
    size_t run = 0;          /* matched items in a row not printed yet */
    long last_at = -1;       /* observed index of the last matched item */
    bool in_gap = false;     /* some items since the last match are missing */
    for (size_t i = 0; i < nseq; i++) {
        if (at[i] < 0) {
            if (run) {
                fprintf(out, "    = ... %zu more seen in order\n", run);
                run = 0;
            }
            fprintf(out, "    - %-70.100s line %u\n", seq[i].text, seq[i].line);
            in_gap = true;
            continue;
        }
        if (in_gap) {   /* what came instead, before this match */
            show_gap(t, last_at, at[i], seq, nseq, out);
            in_gap = false;
        }
        bool near_miss = (i + 1 < nseq && at[i + 1] < 0) || (i > 0 && at[i - 1] < 0);
        if (near_miss || i == 0 || i + 1 == nseq) {
            if (run)
                fprintf(out, "    = ... %zu more seen in order\n", run);
            run = 0;
            fprintf(out, "    = %-70.100s line %u\n", seq[i].text, seq[i].line);
        } else {
            run++;
        }
        last_at = at[i];
    }
    if (run)
        fprintf(out, "    = ... %zu more seen in order\n", run);
    if (in_gap)
        show_gap(t, last_at, (long)t->n, seq, nseq, out);
    fprintf(out, "  %zu of %zu expected events not seen in order\n", missing, nseq);
    free(at);
}

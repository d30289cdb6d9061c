/* The expected-vs-observed view of a scenario's `expect.sequence` when it fails: every item in
 * order, marked matched (=) or missing (-), with the events seen instead (+) -- those of the same
 * kind between the neighbouring matches (e.g. "VOS = VOS3" where "VOS = VOS1" was expected). */
#ifndef H7_SEQDIFF_H
#define H7_SEQDIFF_H

#include <stdio.h>

#include "scenario.h"
#include "trace.h"

typedef bool (*h7_seq_match_fn)(const h7_trace_event *e, const h7_expect_item *item);

void h7_seq_diff(const h7_expect_item *seq, size_t nseq, const h7_trace *t, h7_seq_match_fn match, FILE *out);

#endif

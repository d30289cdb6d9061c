/* Deterministic schedule variations ("interleavings") derived from a seed, to explore the races a
 * dual-core boot can have: on silicon the two cores' relative progress depends on flash wait
 * states, caches and bus contention that the quantum scheduler (machine.h) does not model, so
 * each variation is one plausible timing. Four explicit knobs:
 *   - quantum: the scheduling window (1..20 us instead of 5 us),
 *   - CM4 start offset: the CM4 (or, negative, the CM7) leaves reset up to 4 us later,
 *   - core order inside a window: CM7 first, CM4 first, or a seeded coin flip per window,
 *   - phase: the first window after a reset is shortened, shifting every window boundary.
 * Seed 0 is the default schedule (none of the knobs), byte-identical to a run without --seed.
 * The same seed always gives the same variation and so the same trace. */
#ifndef H7_VARIATION_H
#define H7_VARIATION_H

#include <stddef.h>

#include "h7types.h"

typedef enum { H7_ORDER_CM7_FIRST, H7_ORDER_CM4_FIRST, H7_ORDER_RANDOM } h7_core_order;

typedef struct h7_variation {
    uint64_t seed;              /* 0 = default schedule */
    h7_time_ps quantum;         /* 0 = the machine's */
    int64_t cm4_offset_ps;      /* > 0: CM4 starts later; < 0: CM7 starts later */
    h7_core_order order;
    h7_time_ps phase_ps;        /* first window after a reset shortened to this (0 = not) */
    uint64_t rng;               /* coin flips of H7_ORDER_RANDOM */
    bool phase_pending;
} h7_variation;

void h7_variation_from_seed(uint64_t seed, h7_variation *v);
/* "quantum 2us, cm4 starts +1.300us, cm4 first in each window, first window 0.700us". */
void h7_variation_describe(const h7_variation *v, char *buf, size_t len);
/* The core that runs first in the next window (0 = CM7). */
int h7_variation_first_core(h7_variation *v);

#endif

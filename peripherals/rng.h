/* True random number generator (RM0399 chapter "True random number generator (RNG)"), modelled
 * as a deterministic generator: the values come from a per-run seed (h7_soc_config.rng_seed), so
 * two runs of the same scenario read the same numbers. DRDY follows the RM processing time;
 * CECS/SECS are set only when h7_rng_inject_error asks for them (or when the RNG has no kernel
 * clock at all, see rng.c). */
#ifndef H7_RNG_H
#define H7_RNG_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(RNG_CR, 0x00)
    H7_FIELD(RNG_CR, RNGEN, 2, 1)
    H7_FIELD(RNG_CR, IE, 3, 1)
    H7_FIELD(RNG_CR, CED, 5, 1)
H7_REG32(RNG_SR, 0x04)
    H7_FIELD(RNG_SR, DRDY, 0, 1)
    H7_FIELD(RNG_SR, CECS, 1, 1)
    H7_FIELD(RNG_SR, SECS, 2, 1)
    H7_FIELD(RNG_SR, CEIS, 5, 1)
    H7_FIELD(RNG_SR, SEIS, 6, 1)
H7_REG32(RNG_DR, 0x08)

#define H7_RNG_IRQN 80          /* HASH_RNG_IRQn */
#define H7_RNG_FIFO 4           /* the conditioning stage delivers four 32-bit words at a time */
#define H7_RNG_DEFAULT_SEED 0x48375F524E475345ull

extern const h7_regdesc h7_rng_regs[];
extern const size_t h7_rng_nregs;

struct h7_soc;
typedef struct h7_rng {
    struct h7_soc *soc;
    uint32_t cr, sr;           /* SR: CECS/SECS/CEIS/SEIS; DRDY comes from the FIFO */
    uint32_t fifo[H7_RNG_FIFO];
    unsigned nfifo;
    bool started;              /* first block since RNGEN produced (the longer first delay is over) */
    uint64_t state;            /* splitmix64 state */
    h7_event ev_fill;
} h7_rng;

void h7_rng_init(h7_rng *s, struct h7_soc *soc);   /* seed: soc->cfg.rng_seed */
void h7_rng_reset(h7_rng *s, h7_reset_kind kind);
uint32_t h7_rng_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_rng_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Kernel clock rng_ker_ck from RCC_D2CCIP2R.RNGSEL (0 when the selected source is off). */
uint32_t h7_rng_kernel_hz(const h7_rng *s);
/* Scenario/test hook: raise a clock error (CECS/CEIS) and/or a seed error (SECS/SEIS, which also
 * empties the FIFO as the RM describes); clock=false,seed=false clears the current-status bits. */
void h7_rng_inject_error(h7_rng *s, bool clock, bool seed);

#endif

/* True random number generator (RM0399 RNG chapter; sections cited by title).
 *
 * Trace texts: 'rng: seed error injected' / 'rng: clock error injected' (scenario hook only).
 *
 * Decisions (docs/models.md):
 * - Values: splitmix64 over a per-run seed (h7_soc_config.rng_seed, a fixed default when 0);
 *   the seed is reapplied at each power-on reset, so a run is reproducible byte for byte.
 * - Timing ("RNG processing time"): after RNGEN the first four words are ready after
 *   128 RNG clock cycles + 426 AHB cycles; each following block of four after
 *   max(16 RNG cycles, 213 AHB cycles). The RM0399 figures were not read; these are the
 *   RNG-processing-time figures of the same RNG IP in RM0440 (unconfirmed for the H755).
 * - A DR read pops one word; DRDY = FIFO not empty. Reading DR with DRDY = 0 returns 0
 *   ("when data is not ready RNG_DR returns zero").
 * - No kernel clock at all (RNGSEL source off): no data, and with CED = 0 the clock checker
 *   flags CECS/CEIS ("Clock error detection": rng_clk below hclk/32). A running clock never
 *   gives an error: CECS/SECS come only from h7_rng_inject_error. */
#include "rng.h"

#include "soc.h"

const h7_regdesc h7_rng_regs[] = {
    {A_RNG_CR, "RNG_CR", 0, 0x0000002Cu, 0, 0, 0},
    {A_RNG_SR, "RNG_SR", 0, 0x00000060u, 0, 0x00000007u, 0},   /* CEIS/SEIS cleared by writing 0 */
    {A_RNG_DR, "RNG_DR", 0, 0, 0, 0xFFFFFFFFu, 0},
};
const size_t h7_rng_nregs = sizeof h7_rng_regs / sizeof h7_rng_regs[0];

static uint32_t next_word(h7_rng *s)
{
    uint64_t z = (s->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 16);
}

uint32_t h7_rng_kernel_hz(const h7_rng *s)
{
    const h7_rcc *r = &s->soc->rcc;
    switch ((r->d2ccip2r >> 8) & 3u) {
    case 0: return r->osc[H7_OSC_HSI48].ready ? H7_RCC_HSI48_HZ : 0;
    case 1: return h7_rcc_pll_hz(r, 1, 'q');
    case 2: return (r->bdcr & 2u) ? 32768u : 0;        /* LSERDY */
    default: return (r->csr & 2u) ? 32000u : 0;        /* LSIRDY */
    }
}

static bool enabled(const h7_rng *s) { return s->cr & R_RNG_CR_RNGEN_MASK; }

static uint32_t sr_value(const h7_rng *s) { return s->sr | (s->nfifo ? R_RNG_SR_DRDY_MASK : 0); }

static void update_irq(h7_rng *s)
{
    uint32_t sr = sr_value(s);
    bool level = (s->cr & R_RNG_CR_IE_MASK) && enabled(s) &&
                 (sr & (R_RNG_SR_DRDY_MASK | R_RNG_SR_CEIS_MASK | R_RNG_SR_SEIS_MASK));
    if (s->soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, H7_RNG_IRQN, level);
}

static h7_time_ps cycles_ps(uint64_t cycles, uint32_t hz) { return hz ? (h7_time_ps)(cycles * H7_PS_PER_S / hz) : 0; }

/* Schedule the next block of four words (or flag the clock error when there is no clock). */
static void schedule_fill(h7_rng *s)
{
    if (!enabled(s) || s->nfifo || (s->sr & R_RNG_SR_SECS_MASK) || s->ev_fill.queued)
        return;
    uint32_t rng_hz = h7_rng_kernel_hz(s), ahb_hz = h7_rcc_hclk_hz(&s->soc->rcc);
    if (!rng_hz) {
        if (!(s->cr & R_RNG_CR_CED_MASK) && !(s->sr & R_RNG_SR_CECS_MASK)) {
            s->sr |= R_RNG_SR_CECS_MASK | R_RNG_SR_CEIS_MASK;
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RNG", "RNG enabled with no kernel clock (RCC_D2CCIP2R.RNGSEL = %u, "
                       "source off): no random data, clock error flagged", (s->soc->rcc.d2ccip2r >> 8) & 3u);
        }
        return;
    }
    h7_time_ps t = s->started ? (cycles_ps(16, rng_hz) > cycles_ps(213, ahb_hz) ? cycles_ps(16, rng_hz)
                                                                              : cycles_ps(213, ahb_hz))
                              : cycles_ps(128, rng_hz) + cycles_ps(426, ahb_hz);
    h7_sched_add(s->soc->sched, &s->ev_fill, h7_soc_now(s->soc) + t);
}

static void fill_done(void *opaque, h7_time_ps when)
{
    h7_rng *s = opaque;
    (void)when;
    if (!enabled(s) || (s->sr & R_RNG_SR_SECS_MASK))
        return;
    for (unsigned i = 0; i < H7_RNG_FIFO; i++)
        s->fifo[i] = next_word(s);
    s->nfifo = H7_RNG_FIFO;
    s->started = true;
    update_irq(s);
}

void h7_rng_init(h7_rng *s, struct h7_soc *soc)
{
    *s = (h7_rng){0};
    s->soc = soc;
    s->state = soc->cfg.rng_seed ? soc->cfg.rng_seed : H7_RNG_DEFAULT_SEED;
    h7_event_init(&s->ev_fill, "rng.fill", fill_done, s);
}

void h7_rng_reset(h7_rng *s, h7_reset_kind kind)
{
    h7_sched_cancel(s->soc->sched, &s->ev_fill);
    s->cr = s->sr = 0;
    s->nfifo = 0;
    s->started = false;
    if (kind == H7_RESET_POWER_ON)
        s->state = s->soc->cfg.rng_seed ? s->soc->cfg.rng_seed : H7_RNG_DEFAULT_SEED;
    update_irq(s);
}

uint32_t h7_rng_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_rng *s = dev;
    uint32_t v;
    switch (offset & ~3u) {
    case A_RNG_CR: v = s->cr; break;
    case A_RNG_SR: v = sr_value(s); break;
    case A_RNG_DR:
        if (!s->nfifo) {
            v = 0;   /* "When data is not ready (DRDY = 0) RNG_DR returns zero" */
            if (m != H7_MASTER_DEBUG)
                h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RNG", "%s reads RNG_DR with DRDY = 0: reads 0", h7_master_name(m));
            break;
        }
        v = s->fifo[H7_RNG_FIFO - s->nfifo];
        if (m != H7_MASTER_DEBUG) {
            s->nfifo--;
            schedule_fill(s);
            update_irq(s);
        }
        break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RNG", "%s read of RNG+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

void h7_rng_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_rng *s = dev;
    switch (offset & ~3u) {
    case A_RNG_CR: {
        bool was = enabled(s);
        s->cr = h7_subword_merge(s->cr, offset, size, value) & h7_rng_regs[0].rw_mask;
        if (was && !enabled(s)) {   /* RNGEN = 0 stops the generator and resets the conditioning */
            h7_sched_cancel(s->soc->sched, &s->ev_fill);
            s->nfifo = 0;
            s->started = false;
            s->sr &= ~(R_RNG_SR_SECS_MASK | R_RNG_SR_CECS_MASK);
        }
        schedule_fill(s);
        break;
    }
    case A_RNG_SR: {
        /* CEIS/SEIS: "cleared by writing it to 0"; writing 1 keeps them. */
        uint32_t v = h7_subword_merge(sr_value(s), offset, size, value);
        s->sr &= ~(~v & (R_RNG_SR_CEIS_MASK | R_RNG_SR_SEIS_MASK));
        break;
    }
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RNG", "%s write of 0x%08X to RNG+0x%03X ignored (%s)", h7_master_name(m),
                   value, offset, (offset & ~3u) == A_RNG_DR ? "RNG_DR is read-only" : "no register there");
        return;
    }
    update_irq(s);
}

void h7_rng_inject_error(h7_rng *s, bool clock, bool seed)
{
    if (clock) {
        s->sr |= R_RNG_SR_CECS_MASK | R_RNG_SR_CEIS_MASK;
        h7_soc_trace(s->soc, "rng", "clock error injected");
    }
    if (seed) {
        /* "Error management": a seed error empties the output and stops generation until
         * software clears SEIS and restarts the RNG (RNGEN 0 -> 1). */
        s->sr |= R_RNG_SR_SECS_MASK | R_RNG_SR_SEIS_MASK;
        s->nfifo = 0;
        h7_sched_cancel(s->soc->sched, &s->ev_fill);
        h7_soc_trace(s->soc, "rng", "seed error injected");
    }
    if (!clock && !seed) {
        s->sr &= ~(R_RNG_SR_CECS_MASK | R_RNG_SR_SECS_MASK);
        schedule_fill(s);
    }
    update_irq(s);
}

/* System window watchdogs WWDG1/WWDG2 (RM0399 ch.44).
 *
 * Trace text: "wwdg1: timeout, cm7 reset" (WW1RSC = 0; then "cm7: reset alone (wwdg1)") or
 * "wwdg1: timeout, system reset" (WW1RSC = 1; then "machine: system reset (wwdg1)"), and
 * "... refreshed outside the window, ..." (typed event reset_request).
 *
 * Decisions (docs/models.md):
 * - The counter is computed from time: it drops by one every 4096 x 2^WDGTB PCLK cycles (PCLK3 for
 *   WWDG1, PCLK1 for WWDG2); a clock change keeps its value.
 * - The reset fires when T6 clears (0x40 -> 0x3F), when CR is written while the counter is above
 *   the window W, or when CR is written with T6 = 0 (RM0399 §44.3.x).
 * - RCC_GCR.WWxRSC = 0 (reset value) resets CPUx alone (the machine restarts that core, the other
 *   core and the peripherals go on; RCC_RSR WWDGxRSTF + CxRSTF); WWxRSC = 1 resets the system.
 * - DBGMCU APB3FZ1/2 bit 6 (WWDG1) and APB1LFZ1/2 bit 11 (WWDG2) freeze it while the CPU is halted:
 *   the model works in its own time (virtual time minus the frozen spans, h7_freeze): the counter
 *   holds and the early-wakeup/reset deadlines move by the halt's length. */
#include "wwdg.h"

#include "soc.h"

/* The register list (reset values, writable bits) is the SVD table of WWDG1/WWDG2 (h755_regs.c,
 * with the RM0399 correction of CFR.WDGTB); the model adds the behaviour. SR.EWIF is rc_w0. */

static uint32_t pclk(const h7_wwdg *s) { return h7_rcc_pclk_hz(&s->soc->rcc, s->index == 1 ? 3 : 1); }
static uint64_t tick_cycles(const h7_wwdg *s) { return 4096ull << H7_FIELD_EX(s->cfr, WWDG_CFR, WDGTB); }
static const char *name(const h7_wwdg *s) { return s->index == 1 ? "wwdg1" : "wwdg2"; }

/* The watchdog's own time: virtual time minus the time it spent frozen by the debugger. */
static h7_time_ps wwdg_now(const h7_wwdg *s) { return h7_freeze_local(&s->fz, h7_soc_now(s->soc)); }

uint32_t h7_wwdg_counter(const h7_wwdg *s)
{
    if (!s->active || !s->hz)
        return s->t0;
    h7_time_ps now = wwdg_now(s);
    uint64_t ticks = now > s->load_t ? (uint64_t)((unsigned __int128)(now - s->load_t) * s->hz / H7_PS_PER_S / tick_cycles(s)) : 0;
    return ticks >= s->t0 ? 0 : s->t0 - (uint32_t)ticks;   /* past 0x3F the reset has happened */
}

/* Time at which the counter reaches `v` (from t0 at load_t). */
static h7_time_ps time_of(const h7_wwdg *s, uint32_t v)
{
    uint64_t ticks = s->t0 > v ? s->t0 - v : 0;
    return s->load_t + (h7_time_ps)(((unsigned __int128)ticks * tick_cycles(s) * H7_PS_PER_S + s->hz - 1) / s->hz);
}

static void update_irq(h7_wwdg *s)
{
    bool level = (s->sr & R_WWDG_SR_EWIF_MASK) && (s->cfr & R_WWDG_CFR_EWI_MASK);
    if (s->soc->ops.set_irq)
        s->soc->ops.set_irq(s->soc->host, s->index == 1 ? H7_CM7 : H7_CM4, H7_WWDG_IRQN, level);
}

static void schedule(h7_wwdg *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_ewi);
    h7_sched_cancel(s->soc->sched, &s->ev_reset);
    if (!s->active || !s->hz || s->fz.on)
        return;
    if ((s->cfr & R_WWDG_CFR_EWI_MASK) && s->t0 > 0x40u)
        h7_sched_add(s->soc->sched, &s->ev_ewi, h7_freeze_global(&s->fz, time_of(s, 0x40u)));
    h7_sched_add(s->soc->sched, &s->ev_reset, h7_freeze_global(&s->fz, time_of(s, 0x3Fu)));
}

static void load(h7_wwdg *s, uint32_t t, h7_time_ps now)
{
    s->t0 = t & 0x7Fu;
    s->load_t = now;
    s->hz = pclk(s);
    schedule(s);
}

/* RCC_GCR.WW1RSC (b0) / WW2RSC (b1): 1 = the watchdog resets the system, 0 (reset value) = its
 * CPU only (RM0399 §9.4.4, §9.7.x RCC_GCR). */
static void fire_reset(h7_wwdg *s, const char *why)
{
    bool core_only = !(s->soc->rcc.gcr & (1u << (s->index - 1)));
    h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_RESET_REQUEST, .core = s->index == 1 ? H7_CM7 : H7_CM4,
                                 .u.rstreq = {name(s), why, s->index == 1 ? H7_CAUSE_WWDG1 : H7_CAUSE_WWDG2, core_only}});
    s->active = false;
    h7_sched_cancel(s->soc->sched, &s->ev_ewi);
    h7_sched_cancel(s->soc->sched, &s->ev_reset);
}

/* DBGMCU freeze: APB3FZ1/2 b6 (WWDG1), APB1LFZ1/2 b11 (WWDG2), RM0399 §63.5.x. */
void h7_wwdg_debug_halt_changed(h7_wwdg *s)
{
    bool frozen = s->index == 1 ? h7_dbgmcu_freezes(s->soc, A_DBGMCU_APB3FZ1, 1u << 6)
                                : h7_dbgmcu_freezes(s->soc, A_DBGMCU_APB1LFZ1, 1u << 11);
    if (h7_freeze_set(&s->fz, frozen, h7_soc_now(s->soc)))
        schedule(s);
}

static void on_ewi(void *opaque, h7_time_ps when)
{
    h7_wwdg *s = opaque;
    s->sr |= R_WWDG_SR_EWIF_MASK;
    update_irq(s);
}

static void on_reset(void *opaque, h7_time_ps when)
{
    h7_wwdg *s = opaque;
    fire_reset(s, "timeout");
}

void h7_wwdg_init(h7_wwdg *s, struct h7_soc *soc, int index)
{
    *s = (h7_wwdg){0};
    s->soc = soc;
    s->index = index;
    s->map = h7_h755_regmap(index == 1 ? "WWDG1" : "WWDG2");
    h7_event_init(&s->ev_ewi, index == 1 ? "wwdg1.ewi" : "wwdg2.ewi", on_ewi, s);
    h7_event_init(&s->ev_reset, index == 1 ? "wwdg1.reset" : "wwdg2.reset", on_reset, s);
}

void h7_wwdg_reset(h7_wwdg *s, h7_reset_kind kind)
{
    h7_sched_cancel(s->soc->sched, &s->ev_ewi);
    h7_sched_cancel(s->soc->sched, &s->ev_reset);
    s->cfr = h7_regmap_reset(s->map, A_WWDG_CFR);
    s->sr = h7_regmap_reset(s->map, A_WWDG_SR);
    s->active = false;
    s->t0 = h7_regmap_reset(s->map, A_WWDG_CR) & 0x7Fu;
    s->load_t = 0;
    s->hz = 0;
    update_irq(s);
}

uint32_t h7_wwdg_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_wwdg *s = dev;
    uint32_t v;
    switch (offset & ~3u) {
    case A_WWDG_CR: v = h7_wwdg_counter(s) | (s->active ? R_WWDG_CR_WDGA_MASK : 0); break;
    case A_WWDG_CFR: v = s->cfr; break;
    case A_WWDG_SR: v = s->sr; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "WWDG", "%s read of WWDG%d+0x%03X: no register there", h7_master_name(m),
                   s->index, offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

void h7_wwdg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_wwdg *s = dev;
    uint32_t off = offset & ~3u;
    h7_time_ps now = wwdg_now(s);
    switch (off) {
    case A_WWDG_CR: {
        uint32_t v = h7_subword_merge(h7_wwdg_counter(s) | (s->active ? 0x80u : 0), offset, size, value);
        if (s->active) {
            uint32_t cnt = h7_wwdg_counter(s), w = H7_FIELD_EX(s->cfr, WWDG_CFR, W);
            if (cnt > w) {
                h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "WWDG", "%s refreshes WWDG%d with the counter at 0x%02X above the "
                           "window 0x%02X (RM0399 §44.3.x): reset", h7_master_name(m), s->index, cnt, w);
                fire_reset(s, "refreshed outside the window");
                return;
            }
        }
        if ((v & R_WWDG_CR_WDGA_MASK) || s->active) {
            s->active = true;   /* WDGA is set-only; cleared by a reset */
            if (!(v & 0x40u)) {
                fire_reset(s, "written with T6 = 0");
                return;
            }
        }
        load(s, v & 0x7Fu, now);
        break;
    }
    case A_WWDG_CFR: {
        uint32_t cnt = h7_wwdg_counter(s);
        s->cfr = h7_subword_merge(s->cfr, offset, size, value) & h7_regmap_row(s->map, A_WWDG_CFR)->rw_mask;
        if (s->active)
            load(s, cnt, now);   /* a new prescaler counts from the current value */
        break;
    }
    case A_WWDG_SR:
        s->sr &= h7_subword_merge(0xFFFFFFFFu, offset, size, value) | ~R_WWDG_SR_EWIF_MASK;   /* rc_w0 */
        update_irq(s);
        break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "WWDG", "%s write of 0x%08X to WWDG%d+0x%03X ignored: no register there",
                   h7_master_name(m), value, s->index, offset);
    }
}

void h7_wwdg_clocks_changed(struct h7_soc *soc)
{
    for (int i = 0; i < 2; i++) {
        h7_wwdg *s = &soc->wwdg[i];
        if (!s->active || pclk(s) == s->hz)
            continue;
        load(s, h7_wwdg_counter(s), wwdg_now(s));
    }
}

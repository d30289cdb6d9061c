/* Low-power timers LPTIM1-LPTIM5 (RM0399 ch.43).
 *
 * No trace text; errors go to the log.
 *
 * Decisions (docs/models.md):
 * - Internal clock only (CFGR.CKSEL = 0; COUNTMODE = 1, encoder and external triggers are not
 *   modelled): the kernel clock comes from the RCC mux at the moment counting starts (rcc_pclk1 /
 *   rcc_pclk4, LSE, LSI; PLL2P, PLL3R, per_ck) divided by 2^PRESC; a later mux change is not seen
 *   until the timer is restarted.
 * - The counter is computed from time: it counts 0..ARR (ARRM at ARR, then 0 in continuous mode;
 *   single mode stops at ARR). CMPM when CNT reaches CMP.
 * - CMP/ARR writes land after 3 kernel clock periods (CMPOK/ARROK; RM0399 §43.4.x: the APB to
 *   kernel clock synchronisation). With CFGR.PRELOAD they take effect at the end of the period.
 * - Interrupts go straight to the NVIC line (LPTIM1 93, LPTIM2-5 138-141) of both cores; the EXTI
 *   wake-up lines are not driven.
 * - DBGMCU freeze (APB1LFZx b9 LPTIM1, APB4FZx b9-12 LPTIM2-5, RM0399 §63.5): while the CPU whose
 *   register has the bit is halted by the debugger, the counter stops (the model's own time stands
 *   still, h7_freeze); it goes on from the same value when the core resumes. */
#include "lptim.h"

#include "soc.h"

/* The register list (names, reset values, access masks) is the SVD table of LPTIMn (h755_regs.c):
 * LPTIM1/LPTIM2 have CFGR2.IN2SEL, LPTIM3-5 do not. The model adds the behaviour. */
static const char *const lptim_window[6] = {NULL, "LPTIM1", "LPTIM2", "LPTIM3", "LPTIM4", "LPTIM5"};

static const int lptim_irq[6] = {-1, 93, 138, 139, 140, 141};

uint32_t h7_lptim_kernel_hz(const struct h7_soc *soc, int index)
{
    const h7_rcc *r = &soc->rcc;
    unsigned sel = index == 1 ? (r->d2ccip2r >> 28) & 7u : index == 2 ? (r->d3ccipr >> 10) & 7u : (r->d3ccipr >> 13) & 7u;
    switch (sel) {
    case 0: return h7_rcc_pclk_hz(r, index == 1 ? 1 : 4);
    case 1: return h7_rcc_pll_hz(r, 2, 'p');
    case 2: return h7_rcc_pll_hz(r, 3, 'r');
    case 3: return h7_rcc_lse_ready(r) ? soc->cfg.lse_hz : 0;
    case 4: return (r->csr & 2u) ? 32000u : 0;
    default: return 0;   /* per_ck: not modelled */
    }
}

static uint64_t elapsed_ticks(const h7_lptim *s, h7_time_ps now)
{
    if (!s->running || !s->hz || now <= s->t0)
        return 0;
    return (uint64_t)((unsigned __int128)(now - s->t0) * s->hz / H7_PS_PER_S);
}

static h7_time_ps time_of(const h7_lptim *s, uint64_t ticks)
{
    return s->t0 + (h7_time_ps)(((unsigned __int128)ticks * H7_PS_PER_S + s->hz - 1u) / s->hz);
}

static void update_irq(h7_lptim *s)
{
    bool level = (s->isr & s->ier & 0x7Fu) != 0;
    if (s->soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, lptim_irq[s->index], level);
}

/* Ticks from (t0, cnt0) until the counter shows ARR (it runs to 0xFFFF and wraps if above ARR). */
static uint64_t ticks_to_arr(const h7_lptim *s)
{
    return s->cnt0 <= s->arr_act ? (uint64_t)s->arr_act - s->cnt0 : 0x10000u - s->cnt0 + s->arr_act;
}

/* CMPM if the counter took the value CMP in ticks 1..k after t0. */
static void cmp_in(h7_lptim *s, uint64_t k)
{
    uint64_t to_cmp = (uint64_t)((s->cmp_act - s->cnt0) & 0xFFFFu);
    if (to_cmp >= 1 && to_cmp <= k)
        s->isr |= R_LPTIM_ISR_CMPM_MASK;
}

/* Bring the counter to `now`: CMPM/ARRM for the values passed, preload at each period end. */
static void sync(h7_lptim *s, h7_time_ps now)
{
    while (s->running && s->hz) {
        uint64_t n = elapsed_ticks(s, now), to_arr = ticks_to_arr(s);
        if (n < to_arr || (to_arr == 0 && n == 0)) {
            cmp_in(s, n);
            return;
        }
        /* The counter shows ARR at tick to_arr, and 0 one tick later (continuous mode). */
        cmp_in(s, to_arr);
        s->isr |= R_LPTIM_ISR_ARRM_MASK;
        if (s->single) {
            s->running = false;   /* one-shot: stops once ARR is reached */
            s->cnt0 = 0;
            return;
        }
        if (s->cfgr & R_LPTIM_CFGR_PRELOAD_MASK) {
            s->arr_act = s->arr;
            s->cmp_act = s->cmp;
        }
        if (n == to_arr) {
            s->hold_arr = true;   /* CNT reads ARR until the next tick */
            s->t0 = time_of(s, to_arr + 1u);
            s->cnt0 = 0;
            return;
        }
        s->t0 = time_of(s, to_arr + 1u);
        s->cnt0 = 0;
        s->hold_arr = false;
        /* Whole periods (0..ARR) with nothing pending change only the time. */
        uint64_t rem = elapsed_ticks(s, now), period = (uint64_t)s->arr_act + 1u;
        if (rem >= period && s->arr == s->arr_act && s->cmp == s->cmp_act) {
            uint64_t k = rem / period;
            s->t0 = time_of(s, k * period);
            s->isr |= R_LPTIM_ISR_ARRM_MASK | (s->cmp_act >= 1 && s->cmp_act <= s->arr_act ? R_LPTIM_ISR_CMPM_MASK : 0);
        }
    }
}

static uint32_t counter(const h7_lptim *s, h7_time_ps now)
{
    if (!s->running)
        return s->cnt0;
    if (now < s->t0)
        return s->hold_arr ? s->arr_act : s->cnt0;
    return (uint32_t)((s->cnt0 + elapsed_ticks(s, now)) & 0xFFFFu);
}

/* The timer's own time: virtual time minus the time it spent frozen by the debugger (DBGMCU). */
static h7_time_ps lptim_now(const h7_lptim *s) { return h7_freeze_local(&s->fz, h7_soc_now(s->soc)); }

static void reschedule(h7_lptim *s, h7_time_ps now)
{
    h7_sched_cancel(s->soc->sched, &s->ev);
    if (s->fz.on || !s->running || !s->hz || !(s->ier & (R_LPTIM_ISR_CMPM_MASK | R_LPTIM_ISR_ARRM_MASK)))
        return;
    uint64_t n = elapsed_ticks(s, now), to_arr = ticks_to_arr(s);
    uint64_t k = to_arr > n ? to_arr : n + 1u;   /* the next ARR (sync moved t0 past the last one) */
    uint64_t to_cmp = (uint64_t)((s->cmp_act - s->cnt0) & 0xFFFFu);
    if ((s->ier & R_LPTIM_ISR_CMPM_MASK) && to_cmp > n && to_cmp < k)
        k = to_cmp;
    if (now < s->t0)
        k = to_arr > 0 ? to_arr : 1;   /* holding ARR: the next period starts at t0 */
    h7_sched_add(s->soc->sched, &s->ev, h7_freeze_global(&s->fz, time_of(s, k)));
}

static void on_event(void *opaque, h7_time_ps when)
{
    h7_lptim *s = opaque;
    h7_time_ps local = h7_freeze_local(&s->fz, when);
    sync(s, local);
    update_irq(s);
    reschedule(s, local);
}

void h7_lptim_debug_halt_changed(h7_lptim *s)
{
    bool frozen = s->index == 1 ? h7_dbgmcu_freezes(s->soc, A_DBGMCU_APB1LFZ1, 1u << 9)
                                : h7_dbgmcu_freezes(s->soc, A_DBGMCU_APB4FZ1, 1u << (7 + s->index));
    if (frozen == s->fz.on)
        return;
    h7_time_ps local = lptim_now(s);
    if (frozen)
        sync(s, local);   /* the counter stops at the value it has now */
    h7_freeze_set(&s->fz, frozen, h7_soc_now(s->soc));
    update_irq(s);
    reschedule(s, local);
}

static void on_ok(void *opaque, h7_time_ps when)
{
    h7_lptim *s = opaque;
    s->isr |= s->ok_pending;
    s->ok_pending = 0;
    update_irq(s);
}

void h7_lptim_init(h7_lptim *s, struct h7_soc *soc, int index)
{
    *s = (h7_lptim){0};
    s->soc = soc;
    s->index = index;
    s->map = h7_h755_regmap(lptim_window[index]);
    h7_event_init(&s->ev, "lptim", on_event, s);
    h7_event_init(&s->ev_ok, "lptim.ok", on_ok, s);
}

void h7_lptim_reset(h7_lptim *s, h7_reset_kind kind)
{
    h7_sched_cancel(s->soc->sched, &s->ev);
    h7_sched_cancel(s->soc->sched, &s->ev_ok);
    s->isr = h7_regmap_reset(s->map, A_LPTIM_ISR);
    s->ier = h7_regmap_reset(s->map, A_LPTIM_IER);
    s->cfgr = h7_regmap_reset(s->map, A_LPTIM_CFGR);
    s->cr = h7_regmap_reset(s->map, A_LPTIM_CR);
    s->cmp = s->cmp_act = h7_regmap_reset(s->map, A_LPTIM_CMP);
    s->arr = s->arr_act = h7_regmap_reset(s->map, A_LPTIM_ARR);   /* 1 */
    s->cfgr2 = h7_regmap_reset(s->map, A_LPTIM_CFGR2);
    s->running = s->single = false;
    s->cnt0 = 0;
    s->ok_pending = 0;
    update_irq(s);
}

uint32_t h7_lptim_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_lptim *s = dev;
    h7_time_ps now = lptim_now(s);
    sync(s, now);
    uint32_t v;
    switch (offset & ~3u) {
    case A_LPTIM_ISR: v = s->isr; break;
    case A_LPTIM_ICR: v = 0; break;
    case A_LPTIM_IER: v = s->ier; break;
    case A_LPTIM_CFGR: v = s->cfgr; break;
    case A_LPTIM_CR: v = s->cr & ~(R_LPTIM_CR_SNGSTRT_MASK | R_LPTIM_CR_CNTSTRT_MASK | R_LPTIM_CR_COUNTRST_MASK); break;
    case A_LPTIM_CMP: v = s->cmp; break;
    case A_LPTIM_ARR: v = s->arr; break;
    case A_LPTIM_CNT: v = counter(s, now); break;
    case A_LPTIM_CFGR2: v = s->cfgr2; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "LPTIM", "%s read of LPTIM%d+0x%03X: no register there", h7_master_name(m),
                   s->index, offset);
        return 0;
    }
    update_irq(s);
    return h7_subword_read(v, offset, size);
}

static void start(h7_lptim *s, bool single, h7_time_ps now)
{
    uint32_t ker = h7_lptim_kernel_hz(s->soc, s->index);
    if (!ker)
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "LPTIM", "LPTIM%d started with no kernel clock: it does not count", s->index);
    if (s->cfgr & (R_LPTIM_CFGR_CKSEL_MASK | R_LPTIM_CFGR_COUNTMODE_MASK))
        h7_soc_log(s->soc, H7_LOG_UNIMP, "LPTIM", "LPTIM%d external clock / external counting not modelled", s->index);
    s->hz = ker >> H7_FIELD_EX(s->cfgr, LPTIM_CFGR, PRESC);
    if (!s->running) {
        s->t0 = now;
        s->cnt0 = 0;
        s->hold_arr = false;
    }
    s->running = true;
    s->single = single;
}

void h7_lptim_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_lptim *s = dev;
    uint32_t off = offset & ~3u;
    const h7_regdesc *r = h7_regmap_row(s->map, off);
    h7_time_ps now = lptim_now(s);
    if (!r || off == A_LPTIM_ISR || off == A_LPTIM_CNT) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "LPTIM", "%s write of 0x%08X to LPTIM%d+0x%03X ignored: %s", h7_master_name(m),
                   value, s->index, offset, r ? "read-only register" : "no register there");
        return;
    }
    sync(s, now);
    uint32_t v = h7_subword_merge(0, offset, size, value);
    bool enabled = s->cr & R_LPTIM_CR_ENABLE_MASK;
    switch (off) {
    case A_LPTIM_ICR: s->isr &= ~(v & r->wo_mask); break;   /* ICR bits are w: each clears its ISR flag */
    case A_LPTIM_IER: case A_LPTIM_CFGR:
        if (enabled)
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "LPTIM", "LPTIM%d_%s written while ENABLE = 1 (RM0399 §43.7.x: only "
                       "with the timer disabled)", s->index, r->name);
        *(off == A_LPTIM_IER ? &s->ier : &s->cfgr) = v & r->rw_mask;
        break;
    case A_LPTIM_CFGR2: s->cfgr2 = v & r->rw_mask; break;
    case A_LPTIM_CMP: case A_LPTIM_ARR: {
        if (!enabled) {
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "LPTIM", "LPTIM%d_%s written with ENABLE = 0: ignored (RM0399 §43.7.x)",
                       s->index, r->name);
            return;
        }
        bool is_arr = off == A_LPTIM_ARR;
        *(is_arr ? &s->arr : &s->cmp) = v & 0xFFFFu;
        if (!(s->cfgr & R_LPTIM_CFGR_PRELOAD_MASK))
            *(is_arr ? &s->arr_act : &s->cmp_act) = v & 0xFFFFu;
        s->ok_pending |= is_arr ? R_LPTIM_ISR_ARROK_MASK : R_LPTIM_ISR_CMPOK_MASK;
        uint32_t ker = h7_lptim_kernel_hz(s->soc, s->index);
        h7_sched_add(s->soc->sched, &s->ev_ok, h7_freeze_global(&s->fz, now + (ker ? 3u * H7_PS_PER_S / ker : H7_PS_PER_US)));
        break;
    }
    case A_LPTIM_CR: {
        uint32_t nv = v & r->rw_mask;
        if (!(nv & R_LPTIM_CR_ENABLE_MASK)) {
            s->running = false;   /* disabling resets the counter */
            s->cnt0 = 0;
            s->cr = 0;
            break;
        }
        s->cr = nv & (R_LPTIM_CR_ENABLE_MASK | (1u << 4));
        if (nv & R_LPTIM_CR_COUNTRST_MASK) {
            s->cnt0 = 0;
            s->t0 = now;
        }
        if (nv & R_LPTIM_CR_CNTSTRT_MASK)
            start(s, false, now);
        else if (nv & R_LPTIM_CR_SNGSTRT_MASK)
            start(s, true, now);
        break;
    }
    default: break;
    }
    update_irq(s);
    reschedule(s, now);
}

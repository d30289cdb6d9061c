/* Timers TIM1-TIM17 (RM0399 ch.38-41): one model for the basic, general-purpose and advanced
 * timers, the differences coming from h7_tim_infos (channels, 32-bit, up/down, repetition counter).
 *
 * No trace text (a 1 kHz time base would flood the timeline); errors go to the log.
 *
 * How time works: the counter is never ticked. An epoch (start time t0, kernel clock hz, active
 * prescaler) maps time to prescaled ticks; the counter is known at one tick (ref_tick, cnt) and
 * sync() advances it analytically to `now`, crossing overflows/underflows (update events, preload
 * transfer, repetition counter, one-pulse stop) and compare matches (CCxIF). Whole periods with
 * nothing pending are skipped in one step. An event is queued only at the next update or compare
 * match somebody listens to (UIE/CCxIE, UDE/CCxDE, OPM).
 *
 * Decisions (docs/models.md):
 * - Kernel clock: the APB x2 rule of RM0399 §9.5.x (h7_rcc_tim_hz: x1 when the APB prescaler is
 *   1, else x2, or x4 with RCC_CFGR.TIMPRE, never above HCLK).
 * - Only the internal clock (SMCR.SMS = 000) is modelled: slave modes, external clocks, encoder,
 *   input capture, break and the trigger/COM events of the pins are stored, not acted on.
 * - CCxIF is set on every compare match of a channel in output mode (CCxS = 00) whatever the
 *   counting direction; in up-counting with CNT > ARR the counter runs to its maximum and wraps
 *   to 0 without an update event (RM0399 §39.3.2).
 * - A clock change keeps the counter value and restarts the prescaler phase.
 * - DBGMCU freeze (APB1LFZx/APB2FZx DBG_TIMx, RM0399 §63.5): while the CPU whose freeze register
 *   has the timer's bit is halted by the debugger, the counter stops; the model works in its own
 *   time (virtual time minus the frozen spans, h7_freeze), so it resumes from the same value and
 *   phase. The machine reports halts at its run-loop boundaries (h7_soc_debug_halt_changed): the
 *   freeze starts within one scheduling window of the halt.
 * - DMA burst (DCR/DMAR, RM0399 §38.3.x "DMA burst mode"): one timer request asks for DBL + 1
 *   transfers (the DMAMUX line stays high for that many acknowledges), and the n-th access to DMAR
 *   in a burst reads/writes the register at (DBA + n) x 4; the index wraps after DBL and restarts
 *   at a DCR write.
 * - Channel outputs (OCxREF of PWM1/PWM2, forced, and active/inactive/toggle on match; CCxP; CCxE
 *   and MOE) drive the pins of af_routes[] that select them as alternate function: the GPIO trace
 *   and the VCD show the PWM. Edges of such a channel are events (one per compare and update). */
#include "tim.h"

#include "soc.h"

#define PS_PER_S 1000000000000ull

/* NVIC lines from the CMSIS stm32h755xx.h vector table (same numbers on the CM7 and the CM4). */
const h7_tim_info h7_tim_infos[H7_TIM_COUNT] = {
    [H7_TIM1] = {1, "TIM1", 2, 6, false, true, true, 16, 25, 27, 24, 26},
    [H7_TIM2] = {2, "TIM2", 1, 4, true, true, false, 0, 28, 28, 28, 28},
    [H7_TIM3] = {3, "TIM3", 1, 4, false, true, false, 0, 29, 29, 29, 29},
    [H7_TIM4] = {4, "TIM4", 1, 4, false, true, false, 0, 30, 30, 30, 30},
    [H7_TIM5] = {5, "TIM5", 1, 4, true, true, false, 0, 50, 50, 50, 50},
    [H7_TIM6] = {6, "TIM6", 1, 0, false, false, false, 0, 54, 54, 54, 54},
    [H7_TIM7] = {7, "TIM7", 1, 0, false, false, false, 0, 55, 55, 55, 55},
    [H7_TIM8] = {8, "TIM8", 2, 6, false, true, true, 16, 44, 46, 43, 45},
    [H7_TIM12] = {12, "TIM12", 1, 2, false, false, false, 0, 43, 43, 43, 43},
    [H7_TIM13] = {13, "TIM13", 1, 1, false, false, false, 0, 44, 44, 44, 44},
    [H7_TIM14] = {14, "TIM14", 1, 1, false, false, false, 0, 45, 45, 45, 45},
    [H7_TIM15] = {15, "TIM15", 2, 2, false, false, true, 8, 116, 116, 116, 116},
    [H7_TIM16] = {16, "TIM16", 2, 1, false, false, true, 8, 117, 117, 117, 117},
    [H7_TIM17] = {17, "TIM17", 2, 1, false, false, true, 8, 118, 118, 118, 118},
};

/* Which pins carry which timer channel, and with which alternate function (DS12919 Table
 * "Port A..E alternate functions"; the F4-compatible AF1 = TIM1/TIM2, AF2 = TIM3/TIM4/TIM12 subset
 * that the Nucleo headers expose). Complementary outputs (CHxN) are not modelled. */
typedef struct af_route { uint8_t port, pin, af; h7_tim_id tim; uint8_t ch; } af_route;
#define PA 0
#define PB 1
#define PC 2
#define PD 3
#define PE 4
static const af_route af_routes[] = {
    {PA, 8, 1, H7_TIM1, 0}, {PA, 9, 1, H7_TIM1, 1}, {PA, 10, 1, H7_TIM1, 2}, {PA, 11, 1, H7_TIM1, 3},
    {PE, 9, 1, H7_TIM1, 0}, {PE, 11, 1, H7_TIM1, 1}, {PE, 13, 1, H7_TIM1, 2}, {PE, 14, 1, H7_TIM1, 3},
    {PA, 0, 1, H7_TIM2, 0}, {PA, 5, 1, H7_TIM2, 0}, {PA, 15, 1, H7_TIM2, 0}, {PA, 1, 1, H7_TIM2, 1},
    {PB, 3, 1, H7_TIM2, 1}, {PA, 2, 1, H7_TIM2, 2}, {PB, 10, 1, H7_TIM2, 2}, {PA, 3, 1, H7_TIM2, 3},
    {PB, 11, 1, H7_TIM2, 3},
    {PA, 6, 2, H7_TIM3, 0}, {PB, 4, 2, H7_TIM3, 0}, {PC, 6, 2, H7_TIM3, 0}, {PA, 7, 2, H7_TIM3, 1},
    {PB, 5, 2, H7_TIM3, 1}, {PC, 7, 2, H7_TIM3, 1}, {PB, 0, 2, H7_TIM3, 2}, {PC, 8, 2, H7_TIM3, 2},
    {PB, 1, 2, H7_TIM3, 3}, {PC, 9, 2, H7_TIM3, 3},
    {PB, 6, 2, H7_TIM4, 0}, {PD, 12, 2, H7_TIM4, 0}, {PB, 7, 2, H7_TIM4, 1}, {PD, 13, 2, H7_TIM4, 1},
    {PB, 8, 2, H7_TIM4, 2}, {PD, 14, 2, H7_TIM4, 2}, {PB, 9, 2, H7_TIM4, 3}, {PD, 15, 2, H7_TIM4, 3},
    {PB, 14, 2, H7_TIM12, 0}, {PB, 15, 2, H7_TIM12, 1},
};
#define N_AF_ROUTES (sizeof af_routes / sizeof af_routes[0])

static uint32_t max_cnt(const h7_tim *s) { return s->info->bits32 ? 0xFFFFFFFFu : 0xFFFFu; }
static bool running(const h7_tim *s) { return s->cr1 & R_TIM_CR1_CEN_MASK; }
static unsigned cms(const h7_tim *s) { return s->info->updown ? H7_FIELD_EX(s->cr1, TIM_CR1, CMS) : 0; }

/* Does this timer have the register at `off`? Its row in the SVD table of the instance, and the
 * instance's features (the SVD derives TIM3/4 and TIM12-14 from TIM2: the channel count of
 * h7_tim_infos removes the registers a smaller timer does not have). */
static bool has_feature_reg(const h7_tim *s, uint32_t off)
{
    const h7_tim_info *i = s->info;
    switch (off) {
    case A_TIM_CR1: case A_TIM_CR2: case A_TIM_DIER: case A_TIM_SR: case A_TIM_EGR: case A_TIM_CNT:
    case A_TIM_PSC: case A_TIM_ARR:
        return true;
    case A_TIM_RCR: return i->rcr;
    case A_TIM_BDTR: return i->rcr;   /* TIM1/8/15/16/17 have the break and dead-time register */
    case A_TIM_CCMR1: case A_TIM_CCER: case A_TIM_CCR1: case A_TIM_DCR: case A_TIM_DMAR: case A_TIM_AF1:
    case A_TIM_TISEL:
        return i->channels >= 1;
    case A_TIM_SMCR: return i->channels >= 2;
    case A_TIM_CCR1 + 4: return i->channels >= 2;
    case A_TIM_CCMR2: case A_TIM_CCR1 + 8: case A_TIM_CCR4: case A_TIM_AF2: return i->channels >= 4;
    case A_TIM_CCMR3: case A_TIM_CCR5: case A_TIM_CCR6: return i->channels >= 6;
    default: return false;
    }
}

static const h7_regdesc *reg_row(const h7_tim *s, uint32_t off)
{
    const h7_regdesc *r = h7_regmap_row(s->map, off);
    return r && has_feature_reg(s, off) ? r : NULL;
}

static bool has_reg(const h7_tim *s, uint32_t off) { return reg_row(s, off) != NULL; }

static uint32_t *reg_ptr(h7_tim *s, uint32_t off)
{
    switch (off) {
    case A_TIM_CR1: return &s->cr1;
    case A_TIM_CR2: return &s->cr2;
    case A_TIM_SMCR: return &s->smcr;
    case A_TIM_DIER: return &s->dier;
    case A_TIM_SR: return &s->sr;
    case A_TIM_CCMR1: return &s->ccmr[0];
    case A_TIM_CCMR2: return &s->ccmr[1];
    case A_TIM_CCMR3: return &s->ccmr[2];
    case A_TIM_CCER: return &s->ccer;
    case A_TIM_PSC: return &s->psc;
    case A_TIM_ARR: return &s->arr;
    case A_TIM_RCR: return &s->rcr;
    case A_TIM_CCR1: case A_TIM_CCR1 + 4: case A_TIM_CCR1 + 8: case A_TIM_CCR4:
        return &s->ccr[(off - A_TIM_CCR1) / 4u];
    case A_TIM_CCR5: return &s->ccr[4];
    case A_TIM_CCR6: return &s->ccr[5];
    case A_TIM_BDTR: return &s->bdtr;
    case A_TIM_DCR: return &s->dcr;
    case A_TIM_AF1: return &s->af1;
    case A_TIM_AF2: return &s->af2;
    case A_TIM_TISEL: return &s->tisel;
    default: return NULL;
    }
}

/* Bits software can write: the SVD row of the instance, narrowed where the SVD's derivation from
 * TIM2 is wider than the timer (16-bit TIM3/4/12-14, no DIR/CMS on TIM12-14). */
static uint32_t write_mask(const h7_tim *s, const h7_regdesc *r)
{
    const h7_tim_info *i = s->info;
    switch (r->offset) {
    case A_TIM_CR1:
        return i->updown ? r->rw_mask : r->rw_mask & ~(R_TIM_CR1_DIR_MASK | R_TIM_CR1_CMS_MASK);
    case A_TIM_CNT: case A_TIM_ARR: case A_TIM_CCR1: case A_TIM_CCR1 + 4: case A_TIM_CCR1 + 8: case A_TIM_CCR4:
        return max_cnt(s);
    case A_TIM_RCR: return i->rcr_bits == 8 ? 0xFFu : 0xFFFFu;
    default: return r->rw_mask;
    }
}

/* ------------------------------------------------------------------ time <-> ticks */

/* The timer's own time: virtual time minus the time it spent frozen by the debugger (DBGMCU). All
 * times of the model (t0, event times before conversion) are in this time. */
static h7_time_ps tim_now(const h7_tim *s) { return h7_freeze_local(&s->fz, h7_soc_now(s->soc)); }

static uint32_t kernel_hz(const h7_tim *s) { return h7_rcc_tim_hz(&s->soc->rcc, s->info->apb); }

static uint64_t ticks_at(const h7_tim *s, h7_time_ps t)
{
    if (!s->hz || t <= s->t0)
        return 0;
    unsigned __int128 num = (unsigned __int128)(t - s->t0) * s->hz;
    return (uint64_t)(num / ((unsigned __int128)(s->psc_sh + 1u) * PS_PER_S));
}

static h7_time_ps time_of_tick(const h7_tim *s, uint64_t n)
{
    unsigned __int128 num = (unsigned __int128)n * (s->psc_sh + 1u) * PS_PER_S;
    return s->t0 + (h7_time_ps)((num + s->hz - 1u) / s->hz);
}

/* Start a new epoch at time t: the prescaler restarts, tick 0 is `t`. */
static void new_epoch(h7_tim *s, h7_time_ps t)
{
    s->t0 = t;
    s->hz = kernel_hz(s);
    s->ref_tick = 0;
}

/* ------------------------------------------------------------------ flags, interrupts, DMA */

static void dma_request(h7_tim *s, h7_tim_dma_req req)
{
    if (s->soc->tim_dma_fn)
        s->soc->tim_dma_fn(s->soc->tim_dma_opaque, s->id, req);
}

/* Interrupt sources of this timer that drive NVIC line `irqn` (RM0399 §38.6.4 DIER / §38.6.5 SR). */
static bool drives_line(const h7_tim *s, int irqn)
{
    const h7_tim_info *i = s->info;
    uint32_t act = s->sr & s->dier & 0xFFu;
    if (s->sr & (1u << 8))   /* B2IF shares BIE */
        act |= s->dier & (1u << 7);
    bool any = false;
    if (i->irq_up == irqn) any |= act & 0x01u;
    if (i->irq_cc == irqn) any |= (act & 0x1Eu) != 0;
    if (i->irq_trg == irqn) any |= (act & 0x60u) != 0;
    if (i->irq_brk == irqn) any |= (act & 0x80u) != 0;
    return any;
}

static void update_irq(h7_tim *s)
{
    if (!s->soc->ops.set_irq)
        return;
    const h7_tim_info *i = s->info;
    int lines[4] = {i->irq_up, i->irq_cc, i->irq_brk, i->irq_trg};
    for (int l = 0; l < 4; l++) {
        bool dup = false;
        for (int j = 0; j < l; j++)
            dup |= lines[j] == lines[l];
        if (dup)
            continue;
        /* Lines shared between timers (TIM8_UP/TIM13 ...): the level is the OR of all of them. */
        bool level = false;
        for (int t = 0; t < H7_TIM_COUNT; t++)
            level |= drives_line(&s->soc->tim[t], lines[l]);
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, lines[l], level);
    }
}

/* Channel c (0-based) is in output compare mode (CCxS = 00). */
static bool oc_channel(const h7_tim *s, int c)
{
    if (c >= s->info->channels)
        return false;
    uint32_t ccmr = s->ccmr[c / 2];
    return ((ccmr >> (8 * (c % 2))) & 3u) == 0;
}

static uint32_t ccif_bit(int c) { return c < 4 ? 1u << (1 + c) : 1u << (16 + c - 4); }

/* OCxM (CCMRx bits 6:4 and 16, per channel; RM0399 §38.6.7). */
static unsigned oc_mode(const h7_tim *s, int c)
{
    uint32_t ccmr = s->ccmr[c / 2] >> (8 * (c % 2));
    return ((ccmr >> 4) & 7u) | (((ccmr >> 16) & 1u) << 3);
}

static void compare_match(h7_tim *s, int c)
{
    if (c < 4) {
        unsigned mode = oc_mode(s, c);
        if (mode == 1)
            s->ocref[c] = true;    /* active on match */
        else if (mode == 2)
            s->ocref[c] = false;   /* inactive on match */
        else if (mode == 3)
            s->ocref[c] = !s->ocref[c];   /* toggle */
    }
    s->sr |= ccif_bit(c);
    if (c < 4 && (s->dier & (1u << (9 + c))) && !(s->cr2 & R_TIM_CR2_CCDS_MASK))
        dma_request(s, (h7_tim_dma_req)(H7_TIM_DMA_CC1 + c));
}

/* The counter took every value in [lo, hi]: compare matches. */
static void matches_in(h7_tim *s, uint32_t lo, uint32_t hi)
{
    for (int c = 0; c < s->info->channels; c++)
        if (oc_channel(s, c) && s->ccr_sh[c] >= lo && s->ccr_sh[c] <= hi)
            compare_match(s, c);
}

/* Update event (RM0399 §38.3.2): preload transfer, repetition counter reload, UIF, UDE request. */
static void update_event(h7_tim *s, h7_time_ps when, bool software)
{
    bool new_psc = s->psc != s->psc_sh;
    s->psc_sh = s->psc;
    s->arr_sh = s->arr;
    s->rcr_sh = s->rcr;
    s->rep = s->rcr_sh;
    for (int c = 0; c < 6; c++)
        s->ccr_sh[c] = s->ccr[c];
    if (!(software && (s->cr1 & R_TIM_CR1_URS_MASK))) {
        s->sr |= R_TIM_SR_UIF_MASK;
        if (s->dier & R_TIM_DIER_UDE_MASK)
            dma_request(s, H7_TIM_DMA_UP);
    }
    /* CR2.CCDS = 1: the CCx DMA requests go out at the update event (RM0399 §38.6.2). */
    for (int c = 0; c < 4 && c < s->info->channels && (s->cr2 & R_TIM_CR2_CCDS_MASK); c++)
        if (s->dier & (1u << (9 + c)))
            dma_request(s, (h7_tim_dma_req)(H7_TIM_DMA_CC1 + c));
    if (new_psc && !software) {
        s->t0 = when;   /* the new prescaler counts from the update on */
        s->ref_tick = 0;
    }
}

/* Ticks from the current state to the next overflow/underflow, 0 if the counter is blocked. */
static uint64_t ticks_to_wrap(const h7_tim *s)
{
    if (s->arr_sh == 0)
        return 0;   /* "the counter is blocked while the auto-reload value is null" */
    if (cms(s))
        return s->down ? s->cnt : (s->cnt >= s->arr_sh ? 1 : s->arr_sh - s->cnt);
    if (s->down)
        return (uint64_t)s->cnt + 1u;
    if (s->cnt > s->arr_sh)
        return (uint64_t)max_cnt(s) - s->cnt + 1u;
    return (uint64_t)s->arr_sh - s->cnt + 1u;
}

/* Count k ticks without reaching the wrap point. */
static void count(h7_tim *s, uint64_t k)
{
    if (!k)
        return;
    if (s->down) {
        matches_in(s, (uint32_t)(s->cnt - k), s->cnt - 1u);
        s->cnt -= (uint32_t)k;
    } else {
        matches_in(s, s->cnt + 1u, (uint32_t)(s->cnt + k));
        s->cnt += (uint32_t)k;
    }
}

/* The wrap point: returns true when the counter stopped (one-pulse mode). */
static bool wrap(h7_tim *s, h7_time_ps when)
{
    bool center = cms(s) != 0;
    bool beyond_arr = !center && !s->down && s->cnt > s->arr_sh;
    if (center) {
        s->cnt = s->down ? 0 : s->arr_sh;
        s->down = !s->down;
        matches_in(s, s->cnt, s->cnt);
    } else if (s->down) {
        s->cnt = 0;
    } else {
        s->cnt = 0;
        matches_in(s, 0, 0);
    }
    if (beyond_arr)
        return false;   /* rolled over from the maximum: no update event */
    bool uev = true;
    if (s->info->rcr) {
        uev = s->rep == 0;
        if (!uev)
            s->rep--;
    }
    if (uev && !(s->cr1 & R_TIM_CR1_UDIS_MASK))
        update_event(s, when, false);
    else if (uev)
        s->rep = s->rcr_sh;
    if (!center && s->down) {
        s->cnt = s->arr_sh;   /* underflow reloads the (new) auto-reload value */
        matches_in(s, s->cnt, s->cnt);
    }
    if (uev && (s->cr1 & R_TIM_CR1_OPM_MASK)) {
        s->cr1 &= ~R_TIM_CR1_CEN_MASK;   /* one-pulse: the counter stops at the update event */
        return true;
    }
    return false;
}

/* Bring the counter to `now`. */
static void sync(h7_tim *s, h7_time_ps now)
{
    if (!running(s) || !s->hz)
        return;
    for (unsigned guard = 0; guard < 1000000u; guard++) {
        uint64_t n = ticks_at(s, now);
        if (n <= s->ref_tick)
            return;
        uint64_t rem = n - s->ref_tick, d = ticks_to_wrap(s);
        if (d == 0) {
            s->ref_tick = n;
            return;
        }
        if (rem < d) {
            count(s, rem);
            s->ref_tick = n;
            return;
        }
        count(s, d - 1);
        s->ref_tick += d;
        h7_time_ps at = time_of_tick(s, s->ref_tick);
        uint32_t psc_before = s->psc_sh;
        if (wrap(s, at))
            return;
        /* Whole periods with nothing pending change nothing but the time: skip them. A full period
         * visits every value 0..ARR once (up/down) or twice (center-aligned). */
        bool udis = s->cr1 & R_TIM_CR1_UDIS_MASK;   /* no transfer: pending preloads never land */
        bool steady = (udis || (s->psc == s->psc_sh && s->arr == s->arr_sh)) && s->psc_sh == psc_before &&
                      (!s->info->rcr || s->rep == s->rcr_sh);
        for (int c = 0; c < 6 && steady && !udis; c++)
            steady = s->ccr[c] == s->ccr_sh[c];
        bool at_start = cms(s) ? s->cnt == 0 || s->cnt == s->arr_sh : s->cnt == (s->down ? s->arr_sh : 0);
        if (steady && at_start && s->arr_sh) {
            uint64_t period = cms(s) ? 2ull * s->arr_sh : (uint64_t)s->arr_sh + 1u;
            if (s->info->rcr)
                period *= (uint64_t)s->rcr_sh + 1u;
            uint64_t n2 = ticks_at(s, now);
            if (n2 > s->ref_tick && (n2 - s->ref_tick) / period >= 1) {
                uint64_t k = (n2 - s->ref_tick) / period;
                s->ref_tick += k * period;
                if (!(s->cr1 & R_TIM_CR1_UDIS_MASK))
                    s->sr |= R_TIM_SR_UIF_MASK;
                matches_in(s, 0, s->arr_sh);
            }
        }
    }
}

/* ------------------------------------------------------------------ outputs on the pins */

bool h7_tim_channel_output(h7_tim *s, int c, bool *enabled)
{
    *enabled = c < s->info->channels && c < 4 && oc_channel(s, c) && (s->ccer & (1u << (4 * c))) &&
               (!s->info->rcr || (s->bdtr & (1u << 15)));   /* CCxE, and MOE on TIM1/8/15-17 */
    if (c >= 4)
        return false;
    bool ref;
    switch (oc_mode(s, c)) {
    case 4: ref = false; break;   /* force inactive */
    case 5: ref = true; break;    /* force active */
    case 6: ref = s->down ? s->cnt <= s->ccr_sh[c] : s->cnt < s->ccr_sh[c]; break;   /* PWM mode 1 */
    case 7: ref = !(s->down ? s->cnt <= s->ccr_sh[c] : s->cnt < s->ccr_sh[c]); break;   /* PWM mode 2 */
    default: ref = s->ocref[c]; break;   /* frozen, on-match modes; the others are not modelled */
    }
    return ref ^ ((s->ccer >> (4 * c + 1)) & 1u);   /* CCxP */
}

static bool pin_selects(const h7_soc *soc, const af_route *r)
{
    const h7_gpio *g = &soc->gpio[r->port];
    return ((g->moder >> (2 * r->pin)) & 3u) == 2u && ((g->afr[r->pin / 8] >> (4 * (r->pin % 8))) & 0xFu) == r->af;
}

/* Drive one pin from whichever timer channel its alternate function selects. */
static void refresh_pin(h7_soc *soc, int port, int pin)
{
    bool driven = false, level = false;
    for (size_t i = 0; i < N_AF_ROUTES; i++) {
        const af_route *r = &af_routes[i];
        if (r->port != port || r->pin != pin || !pin_selects(soc, r))
            continue;
        bool en;
        bool lv = h7_tim_channel_output(&soc->tim[r->tim], r->ch, &en);
        if (en) {
            driven = true;
            level = lv;
        }
    }
    h7_gpio_set_af_output(&soc->gpio[port], pin, driven, level);
}

static void route_timer(h7_tim *s)
{
    for (size_t i = 0; i < N_AF_ROUTES; i++)
        if (af_routes[i].tim == s->id)
            refresh_pin(s->soc, af_routes[i].port, af_routes[i].pin);
}

void h7_tim_route_outputs(struct h7_soc *soc)
{
    for (size_t i = 0; i < N_AF_ROUTES; i++)
        refresh_pin(soc, af_routes[i].port, af_routes[i].pin);
}

/* Channel c drives a pin now: its edges need events. */
static bool channel_on_pin(const h7_tim *s, int c)
{
    bool en;
    h7_tim_channel_output((h7_tim *)s, c, &en);
    if (!en)
        return false;
    for (size_t i = 0; i < N_AF_ROUTES; i++)
        if (af_routes[i].tim == s->id && af_routes[i].ch == c && pin_selects(s->soc, &af_routes[i]))
            return true;
    return false;
}

/* ------------------------------------------------------------------ scheduling */

/* Ticks to the next point something listens to, 0 = none. */
static uint64_t ticks_to_interest(const h7_tim *s)
{
    if (!running(s) || !s->hz)
        return 0;
    uint64_t d = ticks_to_wrap(s);
    if (!d)
        return 0;
    bool want_wrap = (s->dier & (R_TIM_DIER_UIE_MASK | R_TIM_DIER_UDE_MASK)) || (s->cr1 & R_TIM_CR1_OPM_MASK);
    for (int c = 0; c < s->info->channels && c < 4; c++)
        want_wrap |= channel_on_pin(s, c);   /* a PWM output changes level at the update */
    uint64_t best = want_wrap ? d : 0;
    for (int c = 0; c < s->info->channels && c < 4; c++) {
        if (!oc_channel(s, c) || (!(s->dier & ((1u << (1 + c)) | (1u << (9 + c)))) && !channel_on_pin(s, c)))
            continue;
        uint32_t v = s->ccr_sh[c];
        uint64_t k = d;   /* at the latest, look again at the wrap point */
        if (!s->down && v > s->cnt && (uint64_t)(v - s->cnt) < d)
            k = v - s->cnt;
        else if (s->down && v < s->cnt && (uint64_t)(s->cnt - v) < d)
            k = s->cnt - v;
        if (!best || k < best)
            best = k;
    }
    return best;
}

static void reschedule(h7_tim *s)
{
    uint64_t k = s->fz.on ? 0 : ticks_to_interest(s);
    if (!k) {
        h7_sched_cancel(s->soc->sched, &s->ev);
        return;
    }
    h7_sched_add(s->soc->sched, &s->ev, h7_freeze_global(&s->fz, time_of_tick(s, s->ref_tick + k)));
}

static void on_event(void *opaque, h7_time_ps when)
{
    h7_tim *s = opaque;
    sync(s, h7_freeze_local(&s->fz, when));
    update_irq(s);
    route_timer(s);
    reschedule(s);
}

/* ------------------------------------------------------------------ bus interface */

void h7_tim_init(h7_tim *s, struct h7_soc *soc, h7_tim_id id)
{
    *s = (h7_tim){0};
    s->soc = soc;
    s->id = id;
    s->info = &h7_tim_infos[id];
    s->map = h7_h755_regmap(s->info->name);
    h7_event_init(&s->ev, s->info->name, on_event, s);
}

void h7_tim_reset(h7_tim *s, h7_reset_kind kind)
{
    h7_sched_cancel(s->soc->sched, &s->ev);
    s->cr1 = s->cr2 = s->smcr = s->dier = s->sr = s->ccer = s->psc = s->rcr = s->arr = 0;
    s->ccmr[0] = s->ccmr[1] = s->ccmr[2] = 0;
    s->bdtr = s->dcr = s->tisel = s->af1 = s->af2 = 0;
    s->burst_idx = 0;
    for (int c = 0; c < 6; c++)
        s->ccr[c] = 0;
    /* Reset values: the SVD rows of the instance (ARR 0xFFFF / 0xFFFF_FFFF, AFx.BKINE = 1 on
     * TIM1/8/15-17: RM0399 corrections in tools/svd_corrections.txt). */
    for (size_t k = 0; s->map && k < s->map->nregs; k++) {
        uint32_t *p = has_reg(s, s->map->regs[k].offset) ? reg_ptr(s, s->map->regs[k].offset) : NULL;
        if (p)
            *p = s->map->regs[k].reset & (s->map->regs[k].offset == A_TIM_ARR ? max_cnt(s) : 0xFFFFFFFFu);
    }
    for (int c = 0; c < 6; c++)
        s->ccr_sh[c] = s->ccr[c];
    s->psc_sh = 0;
    s->arr_sh = s->arr;
    s->rcr_sh = s->rep = 0;
    s->cnt = 0;
    s->down = false;
    for (int c = 0; c < 4; c++)
        s->ocref[c] = false;
    new_epoch(s, tim_now(s));
    update_irq(s);
}

uint32_t h7_tim_counter(h7_tim *s)
{
    sync(s, tim_now(s));
    return s->cnt;
}

unsigned h7_tim_dma_burst_length(const h7_tim *s) { return H7_FIELD_EX(s->dcr, TIM_DCR, DBL) + 1u; }

/* DMAR: the register the current burst access goes to, and the index moves on (RM0399 TIM1/TIM8
 * registers, TIMx_DMAR and TIMx_DCR: an access to DMAR reaches the register at TIMx_CR1 +
 * (DBA + burst index) x 4). 0 when that is DMAR itself or no register (a guest error). */
static uint32_t burst_target(h7_tim *s)
{
    uint32_t target = 4u * (H7_FIELD_EX(s->dcr, TIM_DCR, DBA) + s->burst_idx);
    s->burst_idx = s->burst_idx + 1u >= h7_tim_dma_burst_length(s) ? 0 : s->burst_idx + 1u;
    if (target == A_TIM_DMAR || !has_reg(s, target)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, s->info->name, "%s_DMAR burst access to +0x%03X: no register there "
                   "(DCR.DBA/DBL, RM0399 TIMx_DCR)", s->info->name, target);
        return 0;
    }
    return target;
}

uint32_t h7_tim_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_tim *s = dev;
    uint32_t off = offset & ~3u, v = 0;
    if (off == A_TIM_DMAR && has_reg(s, off)) {
        uint32_t target = burst_target(s);
        return target ? h7_tim_read(s, target | (offset & 3u), size, m) : 0;
    }
    if (!has_reg(s, off)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, s->info->name, "%s read of %s+0x%03X: no register there, reads 0",
                   h7_master_name(m), s->info->name, offset);
        return 0;
    }
    uint32_t sr = s->sr;
    sync(s, tim_now(s));
    if (s->sr != sr)
        update_irq(s);   /* flags set by counting nobody listened to (no event was queued) */
    switch (off) {
    case A_TIM_EGR: v = 0; break;
    case A_TIM_CNT:
        v = s->cnt;
        if ((s->cr1 & R_TIM_CR1_UIFREMAP_MASK) && !s->info->bits32 && (s->sr & R_TIM_SR_UIF_MASK))
            v |= 1u << 31;   /* UIFCPY (RM0399 §38.6.11) */
        break;
    case A_TIM_CR1:
        v = s->cr1;
        if (cms(s))
            v = (v & ~R_TIM_CR1_DIR_MASK) | (s->down ? R_TIM_CR1_DIR_MASK : 0);   /* DIR reads the direction */
        break;
    default: v = *reg_ptr(s, off); break;
    }
    return h7_subword_read(v, offset, size);
}

/* TIMx_EGR: software events (RM0399 §38.6.6). */
static void write_egr(h7_tim *s, uint32_t v, h7_time_ps now)
{
    if (v & R_TIM_EGR_UG_MASK) {
        /* Counter and prescaler reinitialised; 0 when counting up or center-aligned, ARR when down. */
        new_epoch(s, now);
        if (!(s->cr1 & R_TIM_CR1_UDIS_MASK)) {
            update_event(s, now, true);
        } else {
            s->rep = s->rcr_sh;
        }
        s->down = !cms(s) && (s->cr1 & R_TIM_CR1_DIR_MASK);
        s->cnt = s->down ? s->arr_sh : 0;
    }
    for (int c = 0; c < 4 && c < s->info->channels; c++)
        if (v & (1u << (1 + c)))
            compare_match(s, c);
    s->sr |= v & 0x1E0u & (s->info->rcr ? 0x1E0u : 0x040u);   /* COMG, TG, BG, B2G set their flags */
}

static void write_cr1(h7_tim *s, uint32_t nv, h7_time_ps now)
{
    uint32_t old = s->cr1;
    if (cms(s) && ((old ^ nv) & R_TIM_CR1_DIR_MASK))
        nv = (nv & ~R_TIM_CR1_DIR_MASK) | (old & R_TIM_CR1_DIR_MASK);   /* DIR is read-only in center mode */
    if ((old & R_TIM_CR1_CEN_MASK) && ((old ^ nv) & R_TIM_CR1_CMS_MASK) && !(old & R_TIM_CR1_CMS_MASK))
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, s->info->name,
                   "%s_CR1.CMS changed from edge-aligned while CEN = 1 (RM0399 §38.6.1 forbids it)", s->info->name);
    s->cr1 = nv;
    if (!cms(s))
        s->down = (nv & R_TIM_CR1_DIR_MASK) != 0;
    if (!(old & R_TIM_CR1_CEN_MASK) && (nv & R_TIM_CR1_CEN_MASK)) {
        /* Counting starts one kernel clock later; the prescaler phase restarts. */
        new_epoch(s, now);
        if (!s->hz)
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, s->info->name, "%s enabled with no kernel clock: it does not count",
                       s->info->name);
    }
}

void h7_tim_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_tim *s = dev;
    uint32_t off = offset & ~3u;
    const h7_regdesc *r = reg_row(s, off);
    if (!r) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, s->info->name, "%s write of 0x%08X to %s+0x%03X ignored: no register there",
                   h7_master_name(m), value, s->info->name, offset);
        return;
    }
    if (off == A_TIM_DMAR) {
        uint32_t target = burst_target(s);
        if (target)
            h7_tim_write(s, target | (offset & 3u), value, size, m);
        return;
    }
    h7_time_ps now = tim_now(s);
    sync(s, now);
    uint32_t cur = off == A_TIM_CNT ? s->cnt : off == A_TIM_EGR ? 0 : *reg_ptr(s, off);
    uint32_t v = h7_subword_merge(cur, offset, size, value);
    uint32_t mask = write_mask(s, r);
    switch (off) {
    case A_TIM_CR1: write_cr1(s, v & mask, now); break;
    case A_TIM_SR:
        /* rc_w0: writing 0 clears a flag, writing 1 leaves it (RM0399 §38.6.5). */
        s->sr &= v | ~r->rw_mask;   /* the SVD marks the rc_w0 flags read-write */
        break;
    case A_TIM_EGR: write_egr(s, v, now); break;
    case A_TIM_CNT: s->cnt = v & mask; break;
    case A_TIM_ARR:
        s->arr = v & mask;
        if (!(s->cr1 & R_TIM_CR1_ARPE_MASK))
            s->arr_sh = s->arr;   /* no preload: takes effect at once */
        break;
    case A_TIM_CCR1: case A_TIM_CCR1 + 4: case A_TIM_CCR1 + 8: case A_TIM_CCR4: case A_TIM_CCR5: case A_TIM_CCR6: {
        int c = off <= A_TIM_CCR4 ? (int)((off - A_TIM_CCR1) / 4u) : off == A_TIM_CCR5 ? 4 : 5;
        s->ccr[c] = v & mask;
        bool preload = (s->ccmr[c / 2] >> (8 * (c % 2) + 3)) & 1u;   /* OCxPE */
        if (!preload)
            s->ccr_sh[c] = s->ccr[c];
        break;
    }
    case A_TIM_DCR:
        s->dcr = v & mask;
        s->burst_idx = 0;   /* a new burst configuration starts at DBA */
        break;
    default: *reg_ptr(s, off) = v & mask; break;   /* PSC and RCR are always preloaded */
    }
    update_irq(s);
    route_timer(s);
    reschedule(s);
}

void h7_tim_clocks_changed(struct h7_soc *soc)
{
    for (int t = 0; t < H7_TIM_COUNT; t++) {
        h7_tim *s = &soc->tim[t];
        if (kernel_hz(s) == s->hz)
            continue;
        h7_time_ps now = tim_now(s);
        sync(s, now);
        new_epoch(s, now);
        reschedule(s);
    }
}

/* DBGMCU freeze bit of a timer (RM0399 §63.5.x): APB1LFZx DBG_TIM2..7 b0-5, TIM12..14 b6-8;
 * APB2FZx DBG_TIM1 b0, TIM8 b1, TIM15..17 b16-18. */
static void freeze_bit(const h7_tim *s, uint32_t *fz1, uint32_t *bit)
{
    int n = s->info->number;
    if (s->info->apb == 2) {
        *fz1 = A_DBGMCU_APB2FZ1;
        *bit = n == 1 ? 1u : n == 8 ? 2u : 1u << (16 + n - 15);
    } else {
        *fz1 = A_DBGMCU_APB1LFZ1;
        *bit = n <= 7 ? 1u << (n - 2) : 1u << (6 + n - 12);
    }
}

void h7_tim_debug_halt_changed(struct h7_soc *soc)
{
    for (int t = 0; t < H7_TIM_COUNT; t++) {
        h7_tim *s = &soc->tim[t];
        uint32_t fz1, bit;
        freeze_bit(s, &fz1, &bit);
        bool frozen = h7_dbgmcu_freezes(soc, fz1, bit);
        if (frozen == s->fz.on)
            continue;
        if (frozen)
            sync(s, tim_now(s));   /* the counter stops at the value it has now */
        h7_freeze_set(&s->fz, frozen, h7_soc_now(soc));
        update_irq(s);
        reschedule(s);
    }
}

void h7_tim_set_dma_hook(struct h7_soc *soc, h7_tim_dma_fn fn, void *opaque)
{
    soc->tim_dma_fn = fn;
    soc->tim_dma_opaque = opaque;
}

/* NVIC, SCB and SysTick of one Cortex-M core (ARMv7-M Architecture Reference Manual B3.2-B3.4;
 * Cortex-M7 / Cortex-M4 TRMs for the identification values).
 * SysTick is lazy (mGBA style): the counter is computed from an anchor time and the core clock;
 * only the 1->0 transition is an event in the queue. */
#include "nvic.h"

#include <stdio.h>
#include <string.h>

#include "periph.h"

#define PPB_ICTR      0xE004u
#define PPB_ACTLR     0xE008u
#define PPB_SYST_CSR  0xE010u
#define PPB_SYST_RVR  0xE014u
#define PPB_SYST_CVR  0xE018u
#define PPB_SYST_CALIB 0xE01Cu
#define PPB_ISER      0xE100u
#define PPB_ICER      0xE180u
#define PPB_ISPR      0xE200u
#define PPB_ICPR      0xE280u
#define PPB_IABR      0xE300u
#define PPB_IPR       0xE400u
#define PPB_IPR_END   0xE4F0u
#define PPB_CPUID     0xED00u
#define PPB_ICSR      0xED04u
#define PPB_VTOR      0xED08u
#define PPB_AIRCR     0xED0Cu
#define PPB_SCR       0xED10u
#define PPB_CCR       0xED14u
#define PPB_SHPR1     0xED18u
#define PPB_SHPR_END  0xED24u
#define PPB_SHCSR     0xED24u
#define PPB_CFSR      0xED28u
#define PPB_HFSR      0xED2Cu
#define PPB_DFSR      0xED30u
#define PPB_MMFAR     0xED34u
#define PPB_BFAR      0xED38u
#define PPB_AFSR      0xED3Cu
#define PPB_ID_PFR0   0xED40u
#define PPB_CLIDR     0xED78u
#define PPB_CTR       0xED7Cu
#define PPB_CCSIDR    0xED80u
#define PPB_CSSELR    0xED84u
#define PPB_CPACR     0xED88u
#define PPB_MPU_TYPE  0xED90u
#define PPB_MPU_END   0xEDBCu
#define PPB_DHCSR     0xEDF0u
#define PPB_DEMCR     0xEDFCu
#define PPB_STIR      0xEF00u
#define PPB_FPCCR     0xEF34u
#define PPB_FPCAR     0xEF38u
#define PPB_FPDSCR    0xEF3Cu
#define PPB_MVFR0     0xEF40u
#define PPB_MVFR1     0xEF44u
#define PPB_MVFR2     0xEF48u
#define PPB_CACHE_OPS 0xEF50u   /* ICIALLU .. BPIALL (Cortex-M7 cache maintenance) */
#define PPB_CACHE_END 0xEF7Cu
#define PPB_DWT_CTRL  0x1000u
#define PPB_DWT_CYCCNT 0x1004u

#define SYST_ENABLE    (1u << 0)
#define SYST_TICKINT   (1u << 1)
#define SYST_CLKSOURCE (1u << 2)
#define SYST_COUNTFLAG (1u << 16)

#define SCR_SEVONPEND  (1u << 4)

/* ---------------------------------------------------------------- priorities */

static unsigned exc_of_irq(int irqn) { return 16u + (unsigned)irqn; }

static int raw_prio(const h7_nvic *n, unsigned exc)
{
    switch (exc) {
    case H7_EXC_RESET: return -3;
    case H7_EXC_NMI: return -2;
    case H7_EXC_HARDFAULT: return -1;
    default: return n->prio[exc];
    }
}

static uint32_t group_mask(const h7_nvic *n)
{
    /* PRIGROUP p: bits [p:0] of the priority byte are subpriority (ARMv7-M B1.5.4). */
    return ~((2u << n->aircr_prigroup) - 1u) & 0xFFu;
}

int h7_nvic_group_prio(const h7_nvic *n, unsigned exc)
{
    int p = raw_prio(n, exc);
    return p < 0 ? p : (int)((uint32_t)p & group_mask(n));
}

int h7_nvic_exec_prio(const h7_nvic *n, const h7_masks *m)
{
    int prio = 256;
    for (unsigned e = 1; e < H7_NUM_EXC; e++)
        if (n->active[e]) {
            int g = h7_nvic_group_prio(n, e);
            if (g < prio)
                prio = g;
        }
    if (m) {
        if (m->basepri) {
            int b = (int)(m->basepri & group_mask(n));
            if (b < prio)
                prio = b;
        }
        if (m->primask && prio > 0)
            prio = 0;
        if (m->faultmask && prio > -1)
            prio = -1;
    }
    return prio;
}

unsigned h7_nvic_best_pending(const h7_nvic *n)
{
    unsigned best = 0;
    int best_prio = 1000;
    for (unsigned e = 1; e < H7_NUM_EXC; e++) {
        if (!n->pending[e] || !n->enabled[e])
            continue;
        int p = raw_prio(n, e);
        if (p < best_prio) {  /* equal priority: the lower exception number wins */
            best_prio = p;
            best = e;
        }
    }
    return best;
}

unsigned h7_nvic_should_take(const h7_nvic *n, const h7_masks *m)
{
    unsigned e = h7_nvic_best_pending(n);
    if (!e)
        return 0;
    return h7_nvic_group_prio(n, e) < h7_nvic_exec_prio(n, m) ? e : 0;
}

bool h7_nvic_any_pending(const h7_nvic *n)
{
    return h7_nvic_best_pending(n) != 0;
}

unsigned h7_nvic_active_count(const h7_nvic *n)
{
    unsigned c = 0;
    for (unsigned e = 1; e < H7_NUM_EXC; e++)
        c += n->active[e];
    return c;
}

void h7_nvic_acknowledge(h7_nvic *n, unsigned exc)
{
    n->pending[exc] = false;
    n->active[exc] = true;
}

void h7_nvic_complete(h7_nvic *n, unsigned exc)
{
    if (exc >= H7_NUM_EXC)
        return;
    n->active[exc] = false;
    /* A level-sensitive line still asserted pends again (ARMv7-M B3.4.1). */
    if (exc >= 16 && n->level[exc]) {
        n->pending[exc] = true;
        n->host.pending_changed(n->host.ctx);
    }
}

bool h7_nvic_fault_escalates(const h7_nvic *n, unsigned exc, const h7_masks *m)
{
    if (exc == H7_EXC_HARDFAULT || exc == H7_EXC_NMI)
        return false;
    if (!n->enabled[exc])
        return true;
    return h7_nvic_group_prio(n, exc) >= h7_nvic_exec_prio(n, m);
}

void h7_nvic_set_pending(h7_nvic *n, unsigned exc)
{
    if (exc == 0 || exc >= H7_NUM_EXC)
        return;
    bool was = n->pending[exc];
    n->pending[exc] = true;
    if (!was) {
        /* SCR.SEVONPEND: an interrupt going pending is a wake-up event for WFE even when it is
         * disabled (ARMv7-M B1.5.18). */
        if ((n->scr & SCR_SEVONPEND) && exc >= 16)
            n->host.sev_on_pend(n->host.ctx);
        n->host.pending_changed(n->host.ctx);
    }
}

void h7_nvic_set_level(h7_nvic *n, int irqn, bool level)
{
    if (irqn < 0 || irqn >= H7_NUM_IRQS)
        return;
    unsigned e = exc_of_irq(irqn);
    bool rising = level && !n->level[e];
    n->level[e] = level;
    if (rising && !n->active[e])
        h7_nvic_set_pending(n, e);
}

/* ---------------------------------------------------------------- SysTick */

static uint64_t st_tick_hz(const h7_nvic *n)
{
    if (!n->core_hz)
        return 0;
    /* CLKSOURCE = 0: the external reference, which on the STM32H7 is the core clock / 8
     * (RM0399 §9.5 clock tree: "to Cortex system timer"). */
    return (n->systick.csr & SYST_CLKSOURCE) ? n->core_hz : n->core_hz / 8u;
}

static bool st_running(const h7_nvic *n)
{
    return (n->systick.csr & SYST_ENABLE) && st_tick_hz(n) != 0;
}

static uint64_t st_ticks_between(const h7_nvic *n, h7_time_ps from, h7_time_ps to)
{
    if (to <= from)
        return 0;
    return (uint64_t)((unsigned __int128)(to - from) * st_tick_hz(n) / H7_PS_PER_S);
}

static h7_time_ps st_time_of_ticks(const h7_nvic *n, uint64_t ticks)
{
    uint64_t hz = st_tick_hz(n);
    unsigned __int128 ps = ((unsigned __int128)ticks * H7_PS_PER_S + hz - 1) / hz;
    return n->systick.anchor_time + (h7_time_ps)ps;
}

static uint32_t st_value_after(const h7_nvic *n, uint64_t elapsed)
{
    const h7_systick *st = &n->systick;
    if (elapsed < st->cvr_at_anchor)
        return st->cvr_at_anchor - (uint32_t)elapsed;
    if (st->rvr == 0)
        return 0;
    uint64_t period = (uint64_t)st->rvr + 1;
    return (uint32_t)((period - (elapsed - st->cvr_at_anchor) % period) % period);
}

uint32_t h7_systick_current(h7_nvic *n)
{
    if (!st_running(n))
        return n->systick.cvr_at_anchor;
    return st_value_after(n, st_ticks_between(n, n->systick.anchor_time, n->host.now(n->host.ctx)));
}

static void st_schedule(h7_nvic *n)
{
    h7_systick *st = &n->systick;
    h7_sched_cancel(n->sched, &st->ev_wrap);
    if (!st_running(n))
        return;
    if (st->cvr_at_anchor > 0)
        st->next_wrap_ticks = st->cvr_at_anchor;
    else if (st->rvr > 0)
        st->next_wrap_ticks = (uint64_t)st->rvr + 1;
    else
        return;   /* RVR = 0 and counter 0: the timer stays at 0 (ARMv7-M B3.3.1) */
    h7_sched_add(n->sched, &st->ev_wrap, st_time_of_ticks(n, st->next_wrap_ticks));
}

/* Freeze the counter value at `now` and restart counting from there. */
static void st_reanchor(h7_nvic *n, h7_time_ps now)
{
    h7_systick *st = &n->systick;
    if (st_running(n))
        st->cvr_at_anchor = st_value_after(n, st_ticks_between(n, st->anchor_time, now));
    st->anchor_time = now;
}

static void st_wrap(void *opaque, h7_time_ps when)
{
    h7_nvic *n = opaque;
    h7_systick *st = &n->systick;
    st->csr |= SYST_COUNTFLAG;
    if (st->csr & SYST_TICKINT)
        h7_nvic_set_pending(n, H7_EXC_SYSTICK);
    if (st->rvr == 0)
        return;
    st->next_wrap_ticks += (uint64_t)st->rvr + 1;
    /* Re-anchor now and then so that the tick arithmetic stays small. */
    if (st->next_wrap_ticks > (1ull << 40)) {
        st->anchor_time = when;
        st->cvr_at_anchor = 0;
        st->next_wrap_ticks = (uint64_t)st->rvr + 1;
    }
    h7_sched_add(n->sched, &st->ev_wrap, st_time_of_ticks(n, st->next_wrap_ticks));
}

void h7_nvic_set_core_hz(h7_nvic *n, uint32_t hz)
{
    if (hz == n->core_hz)
        return;
    st_reanchor(n, n->host.now(n->host.ctx));
    n->core_hz = hz;
    st_schedule(n);
}

static void systick_write(h7_nvic *n, uint32_t offset, uint32_t value)
{
    h7_systick *st = &n->systick;
    h7_time_ps now = n->host.now(n->host.ctx);
    switch (offset) {
    case PPB_SYST_CSR:
        st_reanchor(n, now);
        st->csr = (st->csr & SYST_COUNTFLAG) | (value & (SYST_ENABLE | SYST_TICKINT | SYST_CLKSOURCE));
        st_schedule(n);
        break;
    case PPB_SYST_RVR:
        /* Takes effect at the next reload. */
        st_reanchor(n, now);
        st->rvr = value & 0x00FFFFFFu;
        st_schedule(n);
        break;
    case PPB_SYST_CVR:
        /* Any write clears the counter and COUNTFLAG (ARMv7-M B3.3.4). */
        st->anchor_time = now;
        st->cvr_at_anchor = 0;
        st->csr &= ~SYST_COUNTFLAG;
        st_schedule(n);
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------- registers */

static uint32_t cpuid(const h7_nvic *n)
{
    /* Cortex-M7 r1p1 / Cortex-M4 r0p1 (facts §1.4, CMSIS __CM7_REV / __CM4_REV). */
    return n->core == H7_CM7 ? 0x411FC271u : 0x410FC241u;
}

static unsigned vect_active(const h7_nvic *n)
{
    /* The active exception with the highest priority is the one running (nesting). */
    unsigned best = 0;
    int bp = 1000;
    for (unsigned e = 1; e < H7_NUM_EXC; e++)
        if (n->active[e] && h7_nvic_group_prio(n, e) <= bp) {
            bp = h7_nvic_group_prio(n, e);
            best = e;
        }
    return best;
}

static uint32_t icsr_read(const h7_nvic *n)
{
    uint32_t v = vect_active(n) & 0x1FFu;
    if (h7_nvic_active_count(n) <= 1)
        v |= 1u << 11;                       /* RETTOBASE */
    v |= (h7_nvic_best_pending(n) & 0x1FFu) << 12;
    for (unsigned e = 16; e < H7_NUM_EXC; e++)
        if (n->pending[e]) {
            v |= 1u << 22;                   /* ISRPENDING */
            break;
        }
    if (n->pending[H7_EXC_SYSTICK])
        v |= 1u << 26;
    if (n->pending[H7_EXC_PENDSV])
        v |= 1u << 28;
    if (n->pending[H7_EXC_NMI])
        v |= 1u << 31;
    return v;
}

static void icsr_write(h7_nvic *n, uint32_t v)
{
    if (v & (1u << 31))
        h7_nvic_set_pending(n, H7_EXC_NMI);
    if (v & (1u << 28))
        h7_nvic_set_pending(n, H7_EXC_PENDSV);
    if (v & (1u << 27))
        n->pending[H7_EXC_PENDSV] = false;
    if (v & (1u << 26))
        h7_nvic_set_pending(n, H7_EXC_SYSTICK);
    if (v & (1u << 25))
        n->pending[H7_EXC_SYSTICK] = false;
}

static uint32_t shcsr_read(const h7_nvic *n)
{
    uint32_t v = n->shcsr & (7u << 16);      /* MEMFAULTENA, BUSFAULTENA, USGFAULTENA */
    v |= (uint32_t)n->active[H7_EXC_MEMMANAGE] << 0 | (uint32_t)n->active[H7_EXC_BUSFAULT] << 1 |
         (uint32_t)n->active[H7_EXC_USAGEFAULT] << 3 | (uint32_t)n->active[H7_EXC_SVCALL] << 7 |
         (uint32_t)n->active[H7_EXC_DEBUGMON] << 8 | (uint32_t)n->active[H7_EXC_PENDSV] << 10 |
         (uint32_t)n->active[H7_EXC_SYSTICK] << 11 | (uint32_t)n->pending[H7_EXC_USAGEFAULT] << 12 |
         (uint32_t)n->pending[H7_EXC_MEMMANAGE] << 13 | (uint32_t)n->pending[H7_EXC_BUSFAULT] << 14 |
         (uint32_t)n->pending[H7_EXC_SVCALL] << 15;
    return v;
}

static void shcsr_write(h7_nvic *n, uint32_t v)
{
    n->shcsr = v & (7u << 16);
    n->enabled[H7_EXC_MEMMANAGE] = (v >> 16) & 1;
    n->enabled[H7_EXC_BUSFAULT] = (v >> 17) & 1;
    n->enabled[H7_EXC_USAGEFAULT] = (v >> 18) & 1;
    n->host.pending_changed(n->host.ctx);
}

static uint32_t ccsidr(const h7_nvic *n)
{
    if (n->core != H7_CM7)
        return 0;
    /* Cortex-M7 with 16 KB D-cache (4-way, 128 sets) and 16 KB I-cache (2-way, 256 sets),
     * 32-byte lines: what SCB_EnableDCache() walks. WT|WB|RA|WA = 0xF0000000. */
    return (n->csselr & 1) ? 0xF01FE009u : 0xF00FE019u;
}

static uint32_t bitmap_word(const bool *bits, unsigned first_exc, unsigned word)
{
    uint32_t v = 0;
    for (unsigned b = 0; b < 32; b++) {
        unsigned e = first_exc + word * 32 + b;
        if (e < H7_NUM_EXC && bits[e])
            v |= 1u << b;
    }
    return v;
}

static uint32_t prio_word(const h7_nvic *n, unsigned first_exc)
{
    uint32_t v = 0;
    for (unsigned b = 0; b < 4; b++)
        if (first_exc + b < H7_NUM_EXC)
            v |= (uint32_t)n->prio[first_exc + b] << (8 * b);
    return v;
}

static uint32_t ppb_read_word(h7_nvic *n, uint32_t off)
{
    switch (off) {
    case PPB_ICTR: return (H7_NUM_IRQS + 31) / 32 - 1;
    case PPB_ACTLR: return 0;
    case PPB_SYST_CSR: {
        uint32_t v = n->systick.csr;
        n->systick.csr &= ~SYST_COUNTFLAG;   /* COUNTFLAG clears on read */
        return v;
    }
    case PPB_SYST_RVR: return n->systick.rvr;
    case PPB_SYST_CVR: return h7_systick_current(n);
    case PPB_SYST_CALIB: return 0x40000000u;  /* SKEW = 1, TENMS unknown (0): see docs/models.md */
    case PPB_CPUID: return cpuid(n);
    case PPB_ICSR: return icsr_read(n);
    case PPB_VTOR: return n->vtor;
    case PPB_AIRCR: return 0xFA050000u | (n->aircr_prigroup << 8);
    case PPB_SCR: return n->scr;
    case PPB_CCR: return n->ccr;
    case PPB_SHCSR: return shcsr_read(n);
    case PPB_CFSR: return n->cfsr;
    case PPB_HFSR: return n->hfsr;
    case PPB_DFSR: return n->dfsr;
    case PPB_MMFAR: return n->mmfar;
    case PPB_BFAR: return n->bfar;
    case PPB_AFSR: return 0;
    case PPB_CLIDR: return n->core == H7_CM7 ? 0x09000003u : 0;
    case PPB_CTR: return n->core == H7_CM7 ? 0x8303C003u : 0;
    case PPB_CCSIDR: return ccsidr(n);
    case PPB_CSSELR: return n->csselr;
    case PPB_CPACR: return n->cpacr;
    case PPB_DHCSR: return 0;
    case PPB_DEMCR: return n->demcr;
    case PPB_FPCCR: return n->fpccr;
    case PPB_FPCAR: return n->fpcar;
    case PPB_FPDSCR: return n->fpdscr;
    case PPB_MVFR0: return n->core == H7_CM7 ? 0x10110221u : 0x10110021u;
    case PPB_MVFR1: return n->core == H7_CM7 ? 0x12000011u : 0x11000011u;
    case PPB_MVFR2: return n->core == H7_CM7 ? 0x00000040u : 0;
    case PPB_DWT_CTRL: return n->dwt_ctrl;
    case PPB_DWT_CYCCNT:
        return n->cyccnt_written + (uint32_t)(n->host.cycles(n->host.ctx) - n->cyccnt_base);
    default: break;
    }
    if (off >= PPB_ISER && off < PPB_ISER + 32)
        return bitmap_word(n->enabled, 16, (off - PPB_ISER) / 4);
    if (off >= PPB_ICER && off < PPB_ICER + 32)
        return bitmap_word(n->enabled, 16, (off - PPB_ICER) / 4);
    if (off >= PPB_ISPR && off < PPB_ISPR + 32)
        return bitmap_word(n->pending, 16, (off - PPB_ISPR) / 4);
    if (off >= PPB_ICPR && off < PPB_ICPR + 32)
        return bitmap_word(n->pending, 16, (off - PPB_ICPR) / 4);
    if (off >= PPB_IABR && off < PPB_IABR + 32)
        return bitmap_word(n->active, 16, (off - PPB_IABR) / 4);
    if (off >= PPB_IPR && off < PPB_IPR_END)
        return prio_word(n, 16 + (off - PPB_IPR));
    if (off >= PPB_SHPR1 && off < PPB_SHPR_END)
        return prio_word(n, 4 + (off - PPB_SHPR1));
    if (off >= PPB_ID_PFR0 && off < PPB_CLIDR)
        return 0;
    if (off >= PPB_MPU_TYPE && off < PPB_MPU_END)
        return off == PPB_MPU_TYPE ? (n->core == H7_CM7 ? 0x00001000u : 0x00000800u)
                                   : n->mpu[(off - PPB_MPU_TYPE) / 4];
    if (off >= PPB_CACHE_OPS && off < PPB_CACHE_END)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "read of PPB 0x%08X returns 0: not modelled", 0xE0000000u + off);
    n->host.log(n->host.ctx, H7_LOG_UNIMP, msg);
    return 0;
}

static void set_bits(h7_nvic *n, bool *bits, unsigned word, uint32_t v, bool value, bool pend)
{
    for (unsigned b = 0; b < 32; b++) {
        unsigned e = 16 + word * 32 + b;
        if (!(v & (1u << b)) || e >= H7_NUM_EXC)
            continue;
        if (pend && value)
            h7_nvic_set_pending(n, e);
        else
            bits[e] = value;
    }
}

static void aircr_write(h7_nvic *n, uint32_t v)
{
    if ((v >> 16) != 0x05FAu) {
        n->host.log(n->host.ctx, H7_LOG_GUEST_ERROR, "AIRCR write without VECTKEY 0x05FA ignored");
        return;
    }
    n->aircr_prigroup = (v >> 8) & 7u;
    if (v & (1u << 2))
        n->host.system_reset(n->host.ctx);
}

static void ppb_store_word(h7_nvic *n, uint32_t off, uint32_t v);

/* The data-path rules watch the CCR, cache maintenance and MPU writes (emu/machine/dcache.c). */
static void ppb_write_word(h7_nvic *n, uint32_t off, uint32_t v)
{
    ppb_store_word(n, off, v);
    if (n->host.scb_write && (off == PPB_CCR || (off >= PPB_CACHE_OPS && off < PPB_CACHE_END) ||
                              (off >= PPB_MPU_TYPE && off < PPB_MPU_END)))
        n->host.scb_write(n->host.ctx, off, v);
}

static void ppb_store_word(h7_nvic *n, uint32_t off, uint32_t v)
{
    switch (off) {
    case PPB_SYST_CSR: case PPB_SYST_RVR: case PPB_SYST_CVR:
        systick_write(n, off, v);
        return;
    case PPB_ICSR: icsr_write(n, v); return;
    case PPB_VTOR: n->vtor = v & 0xFFFFFF80u; return;
    case PPB_AIRCR: aircr_write(n, v); return;
    case PPB_SCR: n->scr = v & 0x16u; return;    /* SLEEPONEXIT b1, SLEEPDEEP b2, SEVONPEND b4 */
    case PPB_CCR: {
        /* STKALIGN (b9) is fixed to 1; DIV_0_TRP b4, UNALIGN_TRP b3; CM7 adds DC b16, IC b17, BP b18. */
        uint32_t wmask = 0x0000031Bu | (n->core == H7_CM7 ? 0x00070000u : 0);
        n->ccr = (n->ccr & ~wmask) | (v & wmask) | (1u << 9);
        return;
    }
    case PPB_SHCSR: shcsr_write(n, v); return;
    case PPB_CFSR: n->cfsr &= ~v; return;        /* write 1 to clear */
    case PPB_HFSR: n->hfsr &= ~v; return;
    case PPB_DFSR: n->dfsr &= ~v; return;
    case PPB_MMFAR: n->mmfar = v; return;
    case PPB_BFAR: n->bfar = v; return;
    case PPB_CSSELR: n->csselr = v & 0xFu; return;
    case PPB_CPACR: n->cpacr = v & 0x00F00000u; return;
    case PPB_DEMCR: n->demcr = v & 0x010F07F1u; return;
    case PPB_STIR:
        if ((v & 0x1FFu) < H7_NUM_IRQS)
            h7_nvic_set_pending(n, 16 + (v & 0x1FFu));
        return;
    case PPB_FPCCR: n->fpccr = (n->fpccr & 0x3FFFFFFFu & ~0x3FFu) | (v & 0xC0000000u) | (n->fpccr & 0x3FFu); return;
    case PPB_FPCAR: n->fpcar = v & ~7u; return;
    case PPB_FPDSCR: n->fpdscr = v & 0x07C00000u; return;
    case PPB_DWT_CTRL: n->dwt_ctrl = v; return;
    case PPB_DWT_CYCCNT:
        n->cyccnt_written = v;
        n->cyccnt_base = n->host.cycles(n->host.ctx);
        return;
    default: break;
    }
    if (off >= PPB_ISER && off < PPB_ISER + 32) {
        set_bits(n, n->enabled, (off - PPB_ISER) / 4, v, true, false);
        n->host.pending_changed(n->host.ctx);
        return;
    }
    if (off >= PPB_ICER && off < PPB_ICER + 32) {
        set_bits(n, n->enabled, (off - PPB_ICER) / 4, v, false, false);
        return;
    }
    if (off >= PPB_ISPR && off < PPB_ISPR + 32) {
        set_bits(n, n->pending, (off - PPB_ISPR) / 4, v, true, true);
        return;
    }
    if (off >= PPB_ICPR && off < PPB_ICPR + 32) {
        set_bits(n, n->pending, (off - PPB_ICPR) / 4, v, false, false);
        return;
    }
    if (off >= PPB_MPU_TYPE + 4 && off < PPB_MPU_END) {
        n->mpu[(off - PPB_MPU_TYPE) / 4] = v;
        return;
    }
    if ((off >= PPB_CACHE_OPS && off < PPB_CACHE_END) || off == PPB_ACTLR)
        return;   /* cache maintenance: no caches are modelled, accepted without effect */
    if (off < 0x1000u)
        return;   /* ITM stimulus/config: accepted, output not modelled */
    char msg[112];
    snprintf(msg, sizeof msg, "write of 0x%08X to PPB 0x%08X ignored: not modelled", v, 0xE0000000u + off);
    n->host.log(n->host.ctx, H7_LOG_UNIMP, msg);
}

static bool byte_prio_range(uint32_t off)
{
    return (off >= PPB_IPR && off < PPB_IPR_END) || (off >= PPB_SHPR1 && off < PPB_SHPR_END);
}

static void prio_write_byte(h7_nvic *n, uint32_t off, uint8_t v)
{
    unsigned exc = off < PPB_IPR_END ? 16 + (off - PPB_IPR) : 4 + (off - PPB_SHPR1);
    /* Only the top __NVIC_PRIO_BITS bits exist; HardFault/NMI/Reset are fixed. */
    if (exc < H7_NUM_EXC && exc > H7_EXC_HARDFAULT)
        n->prio[exc] = v & (uint8_t)(0xFFu << (8 - H7_PRIO_BITS));
    n->host.pending_changed(n->host.ctx);
}

uint32_t h7_nvic_ppb_read(h7_nvic *n, uint32_t offset, unsigned size)
{
    uint32_t word = ppb_read_word(n, offset & ~3u);
    return h7_subword_read(word, offset, size);
}

void h7_nvic_ppb_write(h7_nvic *n, uint32_t offset, uint32_t value, unsigned size)
{
    if (byte_prio_range(offset & ~3u)) {
        for (unsigned i = 0; i < size; i++)
            prio_write_byte(n, offset + i, (uint8_t)(value >> (8 * i)));
        return;
    }
    uint32_t aligned = offset & ~3u;
    if (size < 4) {
        bool set_clear = aligned >= PPB_ISER && aligned < PPB_IABR;
        uint32_t shifted = (value << ((offset & 3u) * 8u)) & (size == 1 ? 0xFFu : 0xFFFFu) << ((offset & 3u) * 8u);
        value = set_clear ? shifted : h7_subword_merge(ppb_read_word(n, aligned), offset, size, value);
    }
    ppb_write_word(n, aligned, value);
}

/* ---------------------------------------------------------------- init/reset */

void h7_nvic_init(h7_nvic *n, h7_core_id core, const h7_nvic_host *host, h7_sched *sched)
{
    memset(n, 0, sizeof *n);
    n->core = core;
    n->host = *host;
    n->sched = sched;
    h7_event_init(&n->systick.ev_wrap, core == H7_CM7 ? "cm7.systick" : "cm4.systick", st_wrap, n);
}

void h7_nvic_reset(h7_nvic *n, uint32_t vtor)
{
    h7_sched_cancel(n->sched, &n->systick.ev_wrap);
    memset(n->enabled, 0, sizeof n->enabled);
    memset(n->pending, 0, sizeof n->pending);
    memset(n->active, 0, sizeof n->active);
    memset(n->level, 0, sizeof n->level);
    memset(n->prio, 0, sizeof n->prio);
    memset(n->mpu, 0, sizeof n->mpu);
    /* Always-enabled system exceptions. */
    n->enabled[H7_EXC_NMI] = n->enabled[H7_EXC_HARDFAULT] = true;
    n->enabled[H7_EXC_SVCALL] = n->enabled[H7_EXC_DEBUGMON] = true;
    n->enabled[H7_EXC_PENDSV] = n->enabled[H7_EXC_SYSTICK] = true;
    n->vtor = vtor;
    n->aircr_prigroup = 0;
    n->scr = 0;
    n->ccr = n->core == H7_CM7 ? 0x00040200u : 0x00000200u;
    n->shcsr = n->cfsr = n->hfsr = n->dfsr = n->mmfar = n->bfar = 0;
    n->cpacr = 0;
    n->fpccr = 0xC0000000u;   /* ASPEN | LSPEN */
    n->fpcar = n->fpdscr = n->csselr = n->demcr = n->dwt_ctrl = 0;
    n->cyccnt_written = 0;
    n->cyccnt_base = 0;
    n->systick.csr = 0;
    n->systick.rvr = 0;
    n->systick.cvr_at_anchor = 0;
    n->systick.anchor_time = 0;
}

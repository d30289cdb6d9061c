/* Reset and clock control (RM0399 ch.9; facts §3).
 *
 * Trace texts (stable; scenarios match on them):
 *   "rcc: hse ready" / "rcc: pll1 ready" / ...            an oscillator became ready
 *   "rcc: sysclk 400 MHz (pll1), cm7 400 MHz, cm4 200 MHz" the core clocks changed
 *   "rcc: d2ckrdy 0" / "rcc: d2ckrdy 1" (and d1ckrdy)     domain clock state from PWR
 *   "<master>: sets RCC_GCR.BOOT_C2"                      the held core is released
 *
 * Decisions (docs/models.md):
 * - RCC_CR reads 0x0000_C025 after reset: HSI ready, HSIDIVF, D1CKRDY and D2CKRDY set (facts §3.1).
 * - Start-up/lock delays: HSI/CSI/HSI48 4 us, HSE bypass 10 us, HSE crystal 2 ms, PLL lock 50 us.
 *   A board without HSE never sets HSERDY. LSE/LSI are ready as soon as they are switched on.
 * - A PLL enabled before its source is ready locks once the source is ready (RM0399 §9.5.5: the
 *   PLL needs its input clock); one whose source is off or never starts, or with DIVM = 0, never
 *   locks (guest error); an input or VCO frequency out of range still locks but is logged (rule
 *   PLL-RANGE), as is a PLL1 P divider that is /1 or odd (RM0399 §9.7.12).
 * - Ready/status bits of RCC_CR (xxxRDY, HSIDIVF, DxCKRDY) are read-only: never stored from a write.
 * - Switching an oscillator off: its RDY bit goes low 6 of its clock cycles later (RM0399 §9.7.2
 *   "HSERDY/HSIRDY/CSIRDY/HSI48RDY go low after six ... clock cycles"), PLLxRDY at once.
 * - HSICAL reads the factory calibration 0x8EC (value read on a rev V H743, same die DEV_ID 0x450:
 *   ST community "STM32H743 HSI frequency waaaayyy off", 2019) moved by HSITRIM - 0x40, as that
 *   report shows (trim 0x40 -> 0x20 gave HSICAL 0x8EC -> 0x8CC).
 * - The peripheral clock is on when either CPU's bank enables it (OR of C1 and C2). */
#include "rcc.h"

#include <stdio.h>

#include "soc.h"

static const char *const osc_names[H7_NOSC] = {"hsi", "csi", "hsi48", "hse", "pll1", "pll2", "pll3"};
static const char *const sws_names[8] = {"hsi", "csi", "hse", "pll1", "?", "?", "?", "?"};
/* CR ON/RDY bit positions per oscillator. */
static const uint8_t osc_on_bit[H7_NOSC] = {0, 7, 12, 16, 24, 26, 28};
static const uint8_t osc_rdy_bit[H7_NOSC] = {2, 8, 13, 17, 25, 27, 29};
/* CIFR flag bits (RM0399 §9.7.x RCC_CIFR): HSIRDYF b2, HSERDYF b3, CSIRDYF b4, HSI48RDYF b5, PLLxRDYF b6-8. */
static const uint8_t osc_cifr_bit[H7_NOSC] = {2, 4, 5, 3, 6, 7, 8};

const h7_regdesc h7_rcc_regs[] = {
    /* rw/ro as the SVD table (h755_regs.c RCC CR row + corrections): RDY bits are r (RM0399 §9.7.2) */
    {A_RCC_CR, "RCC_CR", 0x0000C025u, 0x150D129Bu, 0, 0x2A02E124u, 0},
    {A_RCC_HSICFGR, "RCC_HSICFGR", 0x40000000u | H7_RCC_HSICAL_FACTORY, 0x7F000000u, 0, 0x00000FFFu, 0},
    {A_RCC_CRRCR, "RCC_CRRCR", 0x00000000u, 0, 0, 0x000003FFu, 0},
    {A_RCC_CSICFGR, "RCC_CSICFGR", 0x20000000u, 0x3F000000u, 0, 0x000000FFu, 0},
    {A_RCC_CFGR, "RCC_CFGR", 0x00000000u, 0xFFFFFFC7u, 0, 0x00000038u, 0},
    {A_RCC_D1CFGR, "RCC_D1CFGR", 0, 0x00000F7Fu, 0, 0, 0},
    {A_RCC_D2CFGR, "RCC_D2CFGR", 0, 0x00000770u, 0, 0, 0},
    {A_RCC_D3CFGR, "RCC_D3CFGR", 0, 0x00000070u, 0, 0, 0},
    {A_RCC_PLLCKSELR, "RCC_PLLCKSELR", 0x02020200u, 0x03F3F3F3u, 0, 0, 0},
    {A_RCC_PLLCFGR, "RCC_PLLCFGR", 0x01FF0000u, 0x01FF0FFFu, 0, 0, 0},
    {A_RCC_PLL1DIVR, "RCC_PLL1DIVR", 0x01010280u, 0x7F7FFFFFu, 0, 0, 0},
    {A_RCC_PLL1FRACR, "RCC_PLL1FRACR", 0, 0x0000FFF8u, 0, 0, 0},
    {A_RCC_PLL2DIVR, "RCC_PLL2DIVR", 0x01010280u, 0x7F7FFFFFu, 0, 0, 0},
    {A_RCC_PLL2FRACR, "RCC_PLL2FRACR", 0, 0x0000FFF8u, 0, 0, 0},
    {A_RCC_PLL3DIVR, "RCC_PLL3DIVR", 0x01010280u, 0x7F7FFFFFu, 0, 0, 0},
    {A_RCC_PLL3FRACR, "RCC_PLL3FRACR", 0, 0x0000FFF8u, 0, 0, 0},
    {A_RCC_D1CCIPR, "RCC_D1CCIPR", 0, 0x31010033u, 0, 0, 0},
    {A_RCC_D2CCIP1R, "RCC_D2CCIP1R", 0, 0xB13F31C7u, 0, 0, 0},
    {A_RCC_D2CCIP2R, "RCC_D2CCIP2R", 0, 0x70F0333Fu, 0, 0, 0},
    {A_RCC_D3CCIPR, "RCC_D3CCIPR", 0, 0xF7E3FFFFu, 0, 0, 0},   /* ADCSEL b17:16 included */
    {A_RCC_CIER, "RCC_CIER", 0, 0x000003FFu, 0, 0, 0},
    {A_RCC_CIFR, "RCC_CIFR", 0, 0, 0, 0x000007FFu, 0},
    {A_RCC_CICR, "RCC_CICR", 0, 0, 0x000007FFu, 0, 0},
    {A_RCC_BDCR, "RCC_BDCR", 0, 0x0001833Du, 0, 0x00000042u, 0},
    {A_RCC_CSR, "RCC_CSR", 0, 0x00000001u, 0, 0x00000002u, 0},
    {A_RCC_GCR, "RCC_GCR", 0, 0x0000000Fu, 0, 0, 0},
    {A_RCC_D3AMR, "RCC_D3AMR", 0, 0x3001FEA3u, 0, 0, 0},
};
const size_t h7_rcc_nregs = sizeof h7_rcc_regs / sizeof h7_rcc_regs[0];

static const h7_regdesc *reg(uint32_t offset) { return h7_reg_find(h7_rcc_regs, h7_rcc_nregs, offset); }

/* ------------------------------------------------------------------ clock tree */

static bool osc_ready(const h7_rcc *r, h7_rcc_osc o) { return r->osc[o].ready; }

static uint32_t hsi_hz(const h7_rcc *r) { return H7_RCC_HSI_HZ >> H7_FIELD_EX(r->cr, RCC_CR, HSIDIV); }

static uint32_t source_hz(const h7_rcc *r, h7_rcc_osc o)
{
    if (!osc_ready(r, o))
        return 0;
    switch (o) {
    case H7_OSC_HSI: return hsi_hz(r);
    case H7_OSC_CSI: return H7_RCC_CSI_HZ;
    case H7_OSC_HSI48: return H7_RCC_HSI48_HZ;
    case H7_OSC_HSE: return r->soc->cfg.hse_hz;
    default: return 0;
    }
}

static h7_rcc_osc pll_source(const h7_rcc *r)
{
    static const h7_rcc_osc src[4] = {H7_OSC_HSI, H7_OSC_CSI, H7_OSC_HSE, H7_NOSC};
    return src[H7_FIELD_EX(r->pllckselr, RCC_PLLCKSELR, PLLSRC)];
}

static unsigned pll_divm(const h7_rcc *r, int n) { return (r->pllckselr >> (4 + 8 * (n - 1))) & 0x3Fu; }

static uint32_t pll_input_hz(const h7_rcc *r, int n)
{
    h7_rcc_osc src = pll_source(r);
    unsigned m = pll_divm(r, n);
    if (src == H7_NOSC || m == 0)
        return 0;
    uint32_t hz = src == H7_OSC_HSI ? hsi_hz(r) : src == H7_OSC_CSI ? H7_RCC_CSI_HZ : r->soc->cfg.hse_hz;
    return hz / m;
}

/* VCO = ref * (DIVN + 1 + FRACN / 8192) (RM0399 §9.5.5), in Hz, 64-bit exact. */
static uint64_t pll_vco_hz(const h7_rcc *r, int n)
{
    h7_rcc_osc src = pll_source(r);
    unsigned m = pll_divm(r, n);
    if (src == H7_NOSC || m == 0)
        return 0;
    uint64_t in = src == H7_OSC_HSI ? hsi_hz(r) : src == H7_OSC_CSI ? H7_RCC_CSI_HZ : r->soc->cfg.hse_hz;
    uint64_t divn = (r->plldivr[n - 1] & 0x1FFu) + 1u;
    uint64_t frac = (r->pllcfgr >> (4 * (n - 1))) & 1u ? (r->pllfracr[n - 1] >> 3) & 0x1FFFu : 0;
    return in * (divn * 8192u + frac) / ((uint64_t)m * 8192u);
}

uint32_t h7_rcc_pll_hz(const h7_rcc *r, int n, char out)
{
    if (n < 1 || n > 3 || !osc_ready(r, (h7_rcc_osc)(H7_OSC_PLL1 + n - 1)))
        return 0;
    int k = out == 'p' ? 0 : out == 'q' ? 1 : 2;
    if (!((r->pllcfgr >> (16 + 3 * (n - 1) + k)) & 1u))
        return 0;   /* DIVxnEN = 0: output disabled */
    static const unsigned shift[3] = {9, 16, 24};
    uint32_t div = ((r->plldivr[n - 1] >> shift[k]) & 0x7Fu) + 1u;
    return (uint32_t)(pll_vco_hz(r, n) / div);
}

uint32_t h7_rcc_sysclk_hz(const h7_rcc *r)
{
    switch (r->sws) {
    case 0: return source_hz(r, H7_OSC_HSI);
    case 1: return source_hz(r, H7_OSC_CSI);
    case 2: return source_hz(r, H7_OSC_HSE);
    case 3: return h7_rcc_pll_hz(r, 1, 'p');
    default: return 0;
    }
}

/* HPRE / D1CPRE: 0xxx = /1, 1000 = /2 ... 1011 = /16, 1100 = /64 ... 1111 = /512. */
static unsigned ahb_div(unsigned f) { return f < 8 ? 1u : f < 12 ? 2u << (f - 8) : 64u << (f - 12); }
/* DxPPRE: 0xx = /1, 100 = /2 ... 111 = /16. */
static unsigned apb_div(unsigned f) { return f < 4 ? 1u : 2u << (f - 4); }

uint32_t h7_rcc_cpu_hz(const h7_rcc *r, h7_core_id cpu)
{
    uint32_t cm7 = h7_rcc_sysclk_hz(r) / ahb_div(H7_FIELD_EX(r->d1cfgr, RCC_D1CFGR, D1CPRE));
    return cpu == H7_CM7 ? cm7 : cm7 / ahb_div(H7_FIELD_EX(r->d1cfgr, RCC_D1CFGR, HPRE));
}

uint32_t h7_rcc_hclk_hz(const h7_rcc *r) { return h7_rcc_cpu_hz(r, H7_CM4); }

uint32_t h7_rcc_pclk_hz(const h7_rcc *r, int apb)
{
    uint32_t hclk = h7_rcc_hclk_hz(r);
    switch (apb) {
    case 1: return hclk / apb_div(H7_FIELD_EX(r->d2cfgr, RCC_D2CFGR, D2PPRE1));
    case 2: return hclk / apb_div(H7_FIELD_EX(r->d2cfgr, RCC_D2CFGR, D2PPRE2));
    case 3: return hclk / apb_div(H7_FIELD_EX(r->d1cfgr, RCC_D1CFGR, D1PPRE));
    case 4: return hclk / apb_div(H7_FIELD_EX(r->d3cfgr, RCC_D3CFGR, D3PPRE));
    default: return 0;
    }
}

/* Timer kernel clock (RM0399 §9.5.x, Table "Ratio between clock timer and pclk"): the APB clock
 * when its prescaler is 1, otherwise 2 x PCLK (4 x PCLK with RCC_CFGR.TIMPRE = 1), never above
 * rcc_hclk. APB1 clocks TIM2-7/12-14, APB2 TIM1/8/15-17. */
uint32_t h7_rcc_tim_hz(const h7_rcc *r, int apb)
{
    unsigned div = apb_div(apb == 1 ? H7_FIELD_EX(r->d2cfgr, RCC_D2CFGR, D2PPRE1) : H7_FIELD_EX(r->d2cfgr, RCC_D2CFGR, D2PPRE2));
    uint32_t hclk = h7_rcc_hclk_hz(r);
    unsigned mult = (r->cfgr >> 15) & 1u ? 4u : 2u;   /* TIMPRE */
    return div <= mult ? hclk : hclk / div * mult;
}

/* U(S)ART kernel clock muxes (RM0399 §9.7.x): RCC_D2CCIP2R.USART16SEL (b5:3) for USART1/6,
 * USART234578SEL (b2:0) for the others, RCC_D3CCIPR.LPUART1SEL (b2:0) for LPUART1 (instance 9).
 * Codes: 0 = the bus clock (PCLK2, PCLK1 or PCLK4), 1 = pll2_q, 2 = pll3_q, 3 = hsi_ker,
 * 4 = csi_ker, 5 = LSE; others reserved (no clock). */
uint32_t h7_rcc_usart_kernel_hz(const h7_rcc *r, int usart)
{
    unsigned sel;
    int apb;
    if (usart == 1 || usart == 6) {
        sel = (r->d2ccip2r >> 3) & 7u;
        apb = 2;
    } else if (usart == 9) {
        sel = r->d3ccipr & 7u;
        apb = 4;
    } else {
        sel = H7_FIELD_EX(r->d2ccip2r, RCC_D2CCIP2R, USART234578SEL);
        apb = 1;
    }
    switch (sel) {
    case 0: return h7_rcc_pclk_hz(r, apb);
    case 1: return h7_rcc_pll_hz(r, 2, 'q');
    case 2: return h7_rcc_pll_hz(r, 3, 'q');
    case 3: return source_hz(r, H7_OSC_HSI);
    case 4: return source_hz(r, H7_OSC_CSI);
    case 5: return 32768u;   /* LSE */
    default: return 0;
    }
}

/* Recompute the tree; report a change of the core clocks on the trace and to the machine. */
static void clocks_update(h7_rcc *r)
{
    uint32_t now[7] = {h7_rcc_sysclk_hz(r), h7_rcc_cpu_hz(r, H7_CM7), h7_rcc_cpu_hz(r, H7_CM4),
                       h7_rcc_pclk_hz(r, 1), h7_rcc_pclk_hz(r, 2), h7_rcc_pclk_hz(r, 3), h7_rcc_pclk_hz(r, 4)};
    bool cores = now[0] != r->last_hz[0] || now[1] != r->last_hz[1] || now[2] != r->last_hz[2];
    bool any = cores;
    for (int i = 3; i < 7; i++)
        any |= now[i] != r->last_hz[i];
    for (int i = 0; i < 7; i++)
        r->last_hz[i] = now[i];
    if (cores)
        h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_SYSCLK, .u.clk = {now[0], now[1], now[2], sws_names[r->sws & 7u]}});
    if (any)
        h7_tim_clocks_changed(r->soc);   /* timers re-read their kernel clock */
    if (any)
        h7_wwdg_clocks_changed(r->soc);
    if (any)
        h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_CLOCKS_CHANGED});
}

/* ------------------------------------------------------------------ oscillators */

static void update_irq(h7_rcc *r)
{
    bool level = (r->cier & r->cifr & 0x3FFu) != 0;
    if (r->soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            r->soc->ops.set_irq(r->soc->host, (h7_core_id)k, 5, level);   /* RCC_IRQn */
}

static void try_switch(h7_rcc *r)
{
    unsigned sw = H7_FIELD_EX(r->cfgr, RCC_CFGR, SW);
    static const h7_rcc_osc sw_osc[4] = {H7_OSC_HSI, H7_OSC_CSI, H7_OSC_HSE, H7_OSC_PLL1};
    if (sw > 3 || sw == r->sws || !osc_ready(r, sw_osc[sw]))
        return;
    r->sws = sw;
    clocks_update(r);
}

static void pll_start_lock(h7_rcc *r, int n);
static h7_rcc_osc pll_source(const h7_rcc *r);
static unsigned pll_divm(const h7_rcc *r, int n);

static void osc_became_ready(void *opaque, h7_time_ps when)
{
    h7_rcc_osc_state *o = opaque;
    h7_rcc *r = o->rcc;
    o->ready = true;
    r->cifr |= 1u << osc_cifr_bit[o->id];
    h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_OSC_READY, .u.osc.name = osc_names[o->id]});
    update_irq(r);
    try_switch(r);
    clocks_update(r);
    /* A PLL switched on while this oscillator (its source) was starting locks now (RM0399 §9.5.5). */
    if (o->id < H7_OSC_PLL1 && pll_source(r) == o->id)
        for (int n = 1; n <= 3; n++) {
            h7_rcc_osc p = (h7_rcc_osc)(H7_OSC_PLL1 + n - 1);
            if ((r->cr >> osc_on_bit[p]) & 1u && !r->osc[p].ready && !r->osc[p].ev.queued && pll_divm(r, n))
                pll_start_lock(r, n);
        }
}

/* RDY low 6 oscillator cycles after ON is cleared (RM0399 §9.7.2). */
static void osc_became_off(void *opaque, h7_time_ps when)
{
    h7_rcc_osc_state *o = opaque;
    o->ready = false;
}

static void pll_check_ranges(h7_rcc *r, int n)
{
    uint32_t in = pll_input_hz(r, n);
    unsigned rge = (r->pllcfgr >> (2 + 4 * (n - 1))) & 3u;
    static const uint32_t rge_lo[4] = {1000000u, 2000000u, 4000000u, 8000000u};
    if (in < 1000000u || in > 16000000u)
        h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_PLL_INPUT_RANGE, .u.pll = {.pll = n, .hz = in, .lo_hz = 1000000u,
                                                                            .hi_hz = 16000000u, .rge = rge}});
    else if (in < rge_lo[rge] || in > rge_lo[rge] * 2u)
        h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_PLL_RGE_MISMATCH, .u.pll = {.pll = n, .hz = in, .lo_hz = rge_lo[rge],
                                                                             .hi_hz = rge_lo[rge] * 2u, .rge = rge}});
    bool medium = (r->pllcfgr >> (1 + 4 * (n - 1))) & 1u;
    uint64_t vco = pll_vco_hz(r, n);
    uint64_t lo = medium ? 150000000u : 192000000u, hi = medium ? 420000000u : 960000000u;
    if (vco < lo || vco > hi)
        h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_PLL_VCO_RANGE,
                                     .u.pll = {.pll = n, .hz = (uint32_t)(vco > 0xFFFFFFFFu ? 0xFFFFFFFFu : vco),
                                               .lo_hz = (uint32_t)lo, .hi_hz = (uint32_t)hi, .medium = medium}});
}

static void osc_switch_on(h7_rcc *r, h7_rcc_osc o)
{
    h7_time_ps delay;
    if (r->osc[o].ev_off.queued) {   /* re-enabled while still stopping: it starts up again */
        h7_sched_cancel(r->soc->sched, &r->osc[o].ev_off);
        r->osc[o].ready = false;
    }
    switch (o) {
    case H7_OSC_HSI: delay = H7_RCC_HSI_DELAY_PS; break;
    case H7_OSC_CSI: delay = H7_RCC_CSI_DELAY_PS; break;
    case H7_OSC_HSI48: delay = H7_RCC_HSI48_DELAY_PS; break;
    case H7_OSC_HSE:
        if (!r->soc->cfg.hse_hz) {
            h7_soc_log(r->soc, H7_LOG_NOTE, "RCC", "HSEON set but the board has no HSE: HSERDY never sets");
            return;
        }
        delay = (r->cr & R_RCC_CR_HSEBYP_MASK) ? H7_RCC_HSE_BYPASS_DELAY_PS : H7_RCC_HSE_XTAL_DELAY_PS;
        if (!(r->cr & R_RCC_CR_HSEBYP_MASK) && r->soc->cfg.hse_bypass) {
            h7_soc_log(r->soc, H7_LOG_GUEST_ERROR, "RCC", "HSE enabled as a crystal (HSEBYP = 0) but the board drives an "
                       "external clock: HSERDY never sets");
            return;
        }
        break;
    default: {
        int n = o - H7_OSC_PLL1 + 1;
        h7_rcc_osc src = pll_source(r);
        if (src == H7_NOSC || pll_divm(r, n) == 0) {
            h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_PLL_NEVER_LOCKS,
                                         .u.nolock = {n, src == H7_NOSC ? "PLLSRC selects no clock"
                                                                        : "its DIVM prescaler is 0 (disabled)"}});
            return;
        }
        if (!osc_ready(r, src) || r->osc[src].ev_off.queued) {
            if (r->osc[src].ev.queued) {   /* starting: the PLL locks once it is ready */
                h7_soc_log(r->soc, H7_LOG_NOTE, "RCC", "PLL%d enabled before its source %s is ready: it locks "
                           "once %s is ready (RM0399 §9.5.5)", n, osc_names[src], osc_names[src]);
                return;
            }
            char why[48];
            snprintf(why, sizeof why, "its source %s is not ready", osc_names[src]);
            h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_PLL_NEVER_LOCKS, .u.nolock = {n, why}});
            return;
        }
        pll_start_lock(r, n);
        return;
    }
    }
    h7_sched_add(r->soc->sched, &r->osc[o].ev, h7_soc_now(r->soc) + delay);
}

static void pll_start_lock(h7_rcc *r, int n)
{
    pll_check_ranges(r, n);
    h7_rcc_osc p = (h7_rcc_osc)(H7_OSC_PLL1 + n - 1);
    h7_sched_add(r->soc->sched, &r->osc[p].ev, h7_soc_now(r->soc) + H7_RCC_PLL_LOCK_PS);
}

/* Immediate off (resets, system Stop exit). */
static void osc_switch_off(h7_rcc *r, h7_rcc_osc o)
{
    h7_sched_cancel(r->soc->sched, &r->osc[o].ev);
    h7_sched_cancel(r->soc->sched, &r->osc[o].ev_off);
    r->osc[o].ready = false;
}

/* Software cleared xxxON: an oscillator's RDY goes low six of its cycles later, a PLL's at once. */
static void osc_stop(h7_rcc *r, h7_rcc_osc o)
{
    h7_sched_cancel(r->soc->sched, &r->osc[o].ev);
    uint32_t hz = o < H7_OSC_PLL1 ? (o == H7_OSC_HSI ? H7_RCC_HSI_HZ : source_hz(r, o)) : 0;
    if (!r->osc[o].ready || !hz) {
        r->osc[o].ready = false;
        return;
    }
    h7_time_ps six = (h7_time_ps)6 * H7_PS_PER_S / hz;
    h7_sched_add(r->soc->sched, &r->osc[o].ev_off, h7_soc_now(r->soc) + (six ? six : 1));
}

/* Is oscillator o in use so that RM0399 §9.7.2 forbids switching it off? */
static bool osc_in_use(const h7_rcc *r, h7_rcc_osc o)
{
    static const h7_rcc_osc sws_osc[4] = {H7_OSC_HSI, H7_OSC_CSI, H7_OSC_HSE, H7_OSC_PLL1};
    if (r->sws < 4 && sws_osc[r->sws] == o)
        return true;
    if (o <= H7_OSC_HSE && o != H7_OSC_HSI48 && pll_source(r) == o && r->sws == 3)
        return true;
    return false;
}

static void write_cr(h7_rcc *r, uint32_t v, h7_master m)
{
    uint32_t old = r->cr;
    uint32_t rw = reg(A_RCC_CR)->rw_mask;
    uint32_t nv = (old & ~rw) | (v & rw);
    /* HSEBYP only while HSE is off (RM0399 §9.7.2). */
    if ((old & R_RCC_CR_HSEON_MASK) || osc_ready(r, H7_OSC_HSE))
        nv = (nv & ~R_RCC_CR_HSEBYP_MASK) | (old & R_RCC_CR_HSEBYP_MASK);
    nv |= old & R_RCC_CR_HSECSSON_MASK;   /* set-only */
    for (int o = 0; o < H7_NOSC; o++) {
        uint32_t on = 1u << osc_on_bit[o];
        if ((old & on) && !(nv & on) && osc_in_use(r, (h7_rcc_osc)o)) {
            nv |= on;
            h7_soc_log(r->soc, H7_LOG_GUEST_ERROR, "RCC", "%s writes RCC_CR clearing %sON while it drives the system clock: "
                       "kept on (RM0399 §9.7.2)", h7_master_name(m), osc_names[o]);
        }
    }
    if (H7_FIELD_EX(old ^ nv, RCC_CR, HSIDIV) && (old & R_RCC_CR_PLL1ON_MASK) && pll_source(r) == H7_OSC_HSI) {
        nv = H7_FIELD_DP(nv, RCC_CR, HSIDIV, H7_FIELD_EX(old, RCC_CR, HSIDIV));
        h7_soc_log(r->soc, H7_LOG_GUEST_ERROR, "RCC", "HSIDIV changed while HSI feeds an enabled PLL: ignored");
    }
    r->cr = nv;
    for (int o = 0; o < H7_NOSC; o++) {
        uint32_t on = 1u << osc_on_bit[o];
        if (!(old & on) && (nv & on))
            osc_switch_on(r, (h7_rcc_osc)o);
        else if ((old & on) && !(nv & on))
            osc_stop(r, (h7_rcc_osc)o);
    }
    if (H7_FIELD_EX(old ^ nv, RCC_CR, HSIDIV))
        clocks_update(r);
}

static bool pll_on(const h7_rcc *r, int n)
{
    h7_rcc_osc o = (h7_rcc_osc)(H7_OSC_PLL1 + n - 1);
    return (r->cr >> osc_on_bit[o]) & 1u || r->osc[o].ready;
}

/* PLLCKSELR: PLLSRC only with every PLL off, DIVMx only with PLLx off (RM0399 §9.7.x). */
static void write_pllckselr(h7_rcc *r, uint32_t v)
{
    uint32_t nv = v & reg(A_RCC_PLLCKSELR)->rw_mask, old = r->pllckselr;
    bool ignored = false;
    if (pll_on(r, 1) || pll_on(r, 2) || pll_on(r, 3)) {
        ignored |= (nv ^ old) & 3u;
        nv = (nv & ~3u) | (old & 3u);
    }
    for (int n = 1; n <= 3; n++) {
        uint32_t mask = 0x3Fu << (4 + 8 * (n - 1));
        if (pll_on(r, n)) {
            ignored |= ((nv ^ old) & mask) != 0;
            nv = (nv & ~mask) | (old & mask);
        }
    }
    if (ignored)
        h7_soc_log(r->soc, H7_LOG_GUEST_ERROR, "RCC", "RCC_PLLCKSELR: PLLSRC/DIVM changed while a PLL is on: ignored");
    r->pllckselr = nv;
}

/* PLLCFGR: a PLL's FRACEN/VCOSEL/RGE and DIVxyEN only while that PLL is off. */
static void write_pllcfgr(h7_rcc *r, uint32_t v)
{
    uint32_t nv = v & reg(A_RCC_PLLCFGR)->rw_mask, old = r->pllcfgr;
    for (int n = 1; n <= 3; n++) {
        uint32_t mask = (0xFu << (4 * (n - 1))) | (7u << (16 + 3 * (n - 1)));
        if (pll_on(r, n) && ((nv ^ old) & mask & ~(1u << (4 * (n - 1))))) {
            h7_soc_log(r->soc, H7_LOG_GUEST_ERROR, "RCC", "RCC_PLLCFGR: PLL%d configuration changed while it is on: ignored", n);
            nv = (nv & ~mask) | (old & mask) | (nv & (1u << (4 * (n - 1))));
        }
    }
    r->pllcfgr = nv;
}

static void write_plldivr(h7_rcc *r, int n, uint32_t v)
{
    if (pll_on(r, n)) {
        h7_soc_log(r->soc, H7_LOG_GUEST_ERROR, "RCC", "RCC_PLL%dDIVR written while PLL%d is on: ignored (RM0399 §9.7.x)", n, n);
        return;
    }
    v &= 0x7F7FFFFFu;
    if ((v & 0x1FFu) < 3u)
        h7_soc_log(r->soc, H7_LOG_GUEST_ERROR, "RCC", "RCC_PLL%dDIVR.DIVN = %u is not allowed (4..512)", n, (v & 0x1FFu) + 1);
    unsigned p = ((v >> 9) & 0x7Fu) + 1u;
    /* RM0399 §9.7.12: PLL1's P divider must be even (DIVP1 = /1 and odd values are not allowed); rule
     * RCC-PLL-RANGE judges it like the other PLL range checks. */
    if (n == 1 && (p & 1u))
        h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_PLL1_DIVP_ODD, .u.divp.p = p});
    r->plldivr[n - 1] = v;
}

/* ------------------------------------------------------------------ per-CPU banks */

/* Bank word for an offset: returns the bank (0 = C1, 1 = C2) and word index, or -1. */
static int bank_of(uint32_t off, h7_master m, unsigned *word)
{
    if (off >= 0x0D0u && off < 0x120u) {
        *word = (off - 0x0D0u) / 4u;
        return m == H7_MASTER_CM7 ? 0 : m == H7_MASTER_CM4 ? 1 : -2;
    }
    if (off >= 0x130u && off < 0x180u) {
        *word = (off - 0x130u) / 4u;
        return 0;
    }
    if (off >= 0x190u && off < 0x1E0u) {
        *word = (off - 0x190u) / 4u;
        return 1;
    }
    return -1;
}

/* Bits that exist only in one bank: AHB3ENR DTCM1/DTCM2/ITCM/AXISRAM (C2 only), AHB2ENR SRAM1-3 (C1 only). */
static uint32_t bank_mask(int bank, unsigned word)
{
    if (word == 1 + H7_RCC_EN_AHB3 || word == 11 + H7_RCC_EN_AHB3)
        return bank == 0 ? 0x0FFFFFFFu : 0xFFFFFFFFu;
    if (word == 1 + H7_RCC_EN_AHB2 || word == 11 + H7_RCC_EN_AHB2)
        return bank == 1 ? 0x1FFFFFFFu : 0xFFFFFFFFu;
    return word == 10 ? 0 : 0xFFFFFFFFu;
}

bool h7_rcc_cpu_allocated(const h7_rcc *r, h7_core_id cpu, h7_rcc_enreg reg_, int bit)
{
    return (r->bank[cpu][1 + reg_] >> bit) & 1u;
}

bool h7_rcc_clock_enabled(const h7_rcc *r, h7_rcc_enreg reg_, int bit)
{
    return h7_rcc_cpu_allocated(r, H7_CM7, reg_, bit) || h7_rcc_cpu_allocated(r, H7_CM4, reg_, bit);
}

/* D2 = AHB1, AHB2 (with SRAM1-3), APB1, APB2 (RM0399 §2.1 bus matrix). */
bool h7_rcc_cpu_has_d2_alloc(const h7_rcc *r, h7_core_id cpu)
{
    const uint32_t *b = r->bank[cpu];
    return b[1 + H7_RCC_EN_AHB1] | b[1 + H7_RCC_EN_AHB2] | b[1 + H7_RCC_EN_APB1L] | b[1 + H7_RCC_EN_APB1H] |
           b[1 + H7_RCC_EN_APB2];
}

/* D1 = AHB3 (with AXI SRAM, ITCM, DTCM), APB3. */
bool h7_rcc_cpu_has_d1_alloc(const h7_rcc *r, h7_core_id cpu)
{
    const uint32_t *b = r->bank[cpu];
    return b[1 + H7_RCC_EN_AHB3] | b[1 + H7_RCC_EN_APB3];
}

static void write_bank(h7_rcc *r, int bank, unsigned word, uint32_t v)
{
    if (word == 0) {   /* RSR: RMVF clears this CPU's flags */
        if (v & R_RCC_RSR_RMVF_MASK)
            r->bank[bank][0] = 0;
        return;
    }
    uint32_t old = r->bank[bank][word];
    r->bank[bank][word] = v & bank_mask(bank, word);
    if (old != r->bank[bank][word] && word <= 9)
        h7_pwr_update_domains(&r->soc->pwr);   /* allocations decide the domain states */
}

/* ------------------------------------------------------------------ resets of peripherals */

/* xxxRSTR: a 0 -> 1 edge resets the modelled peripherals behind that bit. */
static void peripheral_resets(h7_rcc *r, uint32_t off, uint32_t rising)
{
    h7_soc *soc = r->soc;
    if (off == 0x088u) {   /* AHB4RSTR: GPIOA..K b0-10, CRC b19, ADC3 b24, HSEM b25 */
        for (int p = 0; p < H7_GPIO_PORTS; p++)
            if (rising & (1u << p))
                h7_gpio_reset(&soc->gpio[p], H7_RESET_SYSTEM);
        if (rising & (1u << 25))
            h7_hsem_reset(&soc->hsem, H7_RESET_SYSTEM);
        if (rising & (1u << 19))
            h7_crc_reset(&soc->crc, H7_RESET_SYSTEM);
        if (rising & (1u << 24)) {   /* ADC3RST */
            h7_adc_common_reset(&soc->adc_common[1], H7_RESET_SYSTEM);
            h7_adc_reset(&soc->adc[2], H7_RESET_SYSTEM);
        }
    } else if (off == 0x080u) {   /* AHB1RSTR: ADC12 b5, ETH1MAC b15, USB1OTG b25, USB2OTG b27 */
        if (rising & (1u << 5)) {
            h7_adc_common_reset(&soc->adc_common[0], H7_RESET_SYSTEM);
            h7_adc_reset(&soc->adc[0], H7_RESET_SYSTEM);
            h7_adc_reset(&soc->adc[1], H7_RESET_SYSTEM);
        }
        if (rising & (1u << 15))
            h7_eth_mac_reset(&soc->eth);
        for (int i = 0; i < 2; i++)
            if (rising & (1u << (25 + 2 * i)))
                h7_otg_reset(&soc->otg[i], H7_RESET_SYSTEM);
    } else if (off == 0x084u && (rising & (1u << 6))) {   /* AHB2RSTR.RNGRST */
        h7_rng_reset(&soc->rng, H7_RESET_SYSTEM);
    } else if (off == 0x09Cu && (rising & (1u << 1))) {
        h7_syscfg_reset(&soc->syscfg, H7_RESET_SYSTEM);
    }
    h7_soc_peripheral_reset(soc, off, rising);
}

/* ------------------------------------------------------------------ backup domain */

static h7_time_ps lse_ready_at(const h7_rcc *r)
{
    if (!(r->bdcr & R_RCC_BDCR_LSEON_MASK) || !r->soc->cfg.lse_hz)
        return H7_TIME_NEVER;   /* no crystal on the board: LSERDY never sets */
    bool byp = r->bdcr & R_RCC_BDCR_LSEBYP_MASK;
    return r->lse_on_t + (byp ? 0 : r->soc->cfg.lse_startup_ps);
}

bool h7_rcc_lse_ready(const h7_rcc *r)
{
    h7_time_ps t = lse_ready_at(r);
    return t != H7_TIME_NEVER && h7_soc_now(r->soc) >= t;
}

uint32_t h7_rcc_rtc_clock(const h7_rcc *r, h7_time_ps *since)
{
    *since = H7_TIME_NEVER;
    if (!(r->bdcr & R_RCC_BDCR_RTCEN_MASK))
        return 0;
    switch (H7_FIELD_EX(r->bdcr, RCC_BDCR, RTCSEL)) {
    case 1:
        *since = lse_ready_at(r);
        return *since == H7_TIME_NEVER ? 0 : r->soc->cfg.lse_hz;
    case 2:
        if (!(r->csr & 1u))
            return 0;
        *since = 0;
        return 32000u;   /* LSI */
    case 3: {
        unsigned pre = (r->cfgr >> 8) & 0x3Fu;   /* RTCPRE: HSE / RTCPRE, 0 and 1 = no clock */
        if (pre < 2 || !osc_ready(r, H7_OSC_HSE))
            return 0;
        *since = 0;
        return r->soc->cfg.hse_hz / pre;
    }
    default: return 0;
    }
}

/* RCC_BDCR (RM0399 §9.7.x): writable only with PWR_CR1.DBP = 1; LSEBYP only with LSEON = 0; RTCSEL
 * write-once until a backup domain reset; VSWRST resets the whole backup domain (RTC, backup
 * registers, this register) while it is 1. */
static void write_bdcr(h7_rcc *s, uint32_t v, h7_master m)
{
    if (!(s->soc->pwr.cr1 & R_PWR_CR1_DBP_MASK)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RCC", "RCC_BDCR write ignored: backup domain write-protected (PWR_CR1.DBP = 0)");
        return;
    }
    uint32_t old = s->bdcr, nv = v & reg(A_RCC_BDCR)->rw_mask;
    h7_rtc_clock_will_change(&s->soc->rtc);
    if (nv & R_RCC_BDCR_VSWRST_MASK) {
        s->bdcr = R_RCC_BDCR_VSWRST_MASK;
        h7_rtc_backup_domain_reset(&s->soc->rtc);
        if (!(old & R_RCC_BDCR_VSWRST_MASK))
            h7_soc_trace(s->soc, h7_master_name(m), "resets the backup domain (RCC_BDCR.VSWRST)");
        return;
    }
    if (old & R_RCC_BDCR_VSWRST_MASK)
        old = 0;   /* leaving the backup domain reset: everything from its reset value */
    if ((old & R_RCC_BDCR_LSEON_MASK) && ((old ^ nv) & R_RCC_BDCR_LSEBYP_MASK)) {
        nv = (nv & ~R_RCC_BDCR_LSEBYP_MASK) | (old & R_RCC_BDCR_LSEBYP_MASK);
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RCC", "RCC_BDCR.LSEBYP changed while LSEON = 1: ignored");
    }
    unsigned sel_old = H7_FIELD_EX(old, RCC_BDCR, RTCSEL), sel_new = H7_FIELD_EX(nv, RCC_BDCR, RTCSEL);
    if (sel_old && sel_new != sel_old) {
        nv = H7_FIELD_DP(nv, RCC_BDCR, RTCSEL, sel_old);
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RCC", "%s writes RCC_BDCR.RTCSEL = %u while it is %u: write-once until a "
                   "backup domain reset (RM0399 §9.7.x), ignored", h7_master_name(m), sel_new, sel_old);
    }
    if (!(old & R_RCC_BDCR_LSEON_MASK) && (nv & R_RCC_BDCR_LSEON_MASK))
        s->lse_on_t = h7_soc_now(s->soc);
    s->bdcr = nv;
    h7_rtc_clock_changed(&s->soc->rtc);
}

/* ------------------------------------------------------------------ bus interface */

void h7_rcc_init(h7_rcc *s, struct h7_soc *soc)
{
    *s = (h7_rcc){0};
    s->soc = soc;
    for (int o = 0; o < H7_NOSC; o++) {
        s->osc[o].rcc = s;
        s->osc[o].id = (h7_rcc_osc)o;
        h7_event_init(&s->osc[o].ev, osc_names[o], osc_became_ready, &s->osc[o]);
        h7_event_init(&s->osc[o].ev_off, osc_names[o], osc_became_off, &s->osc[o]);
    }
}

void h7_rcc_reset(h7_rcc *s, h7_reset_kind kind)
{
    for (int o = 0; o < H7_NOSC; o++)
        osc_switch_off(s, (h7_rcc_osc)o);
    s->cr = R_RCC_CR_HSION_MASK;
    s->osc[H7_OSC_HSI].ready = true;   /* reset is released once HSI is stable (RM0399 §9.4) */
    s->d1ckrdy = s->d2ckrdy = true;
    s->cfgr = s->d1cfgr = s->d2cfgr = s->d3cfgr = 0;
    s->sws = 0;
    s->pllckselr = reg(A_RCC_PLLCKSELR)->reset;
    s->pllcfgr = reg(A_RCC_PLLCFGR)->reset;
    for (int n = 0; n < 3; n++) {
        s->plldivr[n] = 0x01010280u;
        s->pllfracr[n] = 0;
    }
    s->d1ccipr = s->d2ccip1r = s->d2ccip2r = s->d3ccipr = 0;
    s->cier = s->cifr = s->gcr = s->d3amr = 0;
    s->csr = 0;
    s->hsicfgr = reg(A_RCC_HSICFGR)->reset;
    s->csicfgr = reg(A_RCC_CSICFGR)->reset;
    s->crrcr = 0;
    for (int i = 0; i < 9; i++)
        s->rstr[i] = 0;
    for (int b = 0; b < 2; b++) {
        uint32_t rsr = s->bank[b][0];
        for (unsigned w = 0; w < H7_RCC_BANK_WORDS; w++)
            s->bank[b][w] = 0;
        if (kind == H7_RESET_SYSTEM)
            s->bank[b][0] = rsr;   /* flags are cleared only by RMVF or a power-on reset */
    }
    if (kind == H7_RESET_POWER_ON && !s->soc->cfg.vbat_battery)
        s->bdcr = 0;   /* backup domain: kept over a system reset (RM0399 §9.4.3), and over a power
                          cycle when VBAT is on a battery */
    for (int i = 0; i < 7; i++)
        s->last_hz[i] = 0;
    s->last_hz[0] = s->last_hz[1] = s->last_hz[2] = H7_RCC_HSI_HZ;
    for (int i = 3; i < 7; i++)
        s->last_hz[i] = H7_RCC_HSI_HZ;
}

/* RM0399 §9.4.4 (reset source identification): a power-on reset sets every power/domain/CPU flag
 * (0x00FE_0000, facts §3.3); any system reset resets both CPUs (C1RSTF, C2RSTF) and drives NRST low
 * (PINRSTF), plus the flag of its source. Decision: D1RSTF/D2RSTF are left to power-on (they report
 * a domain power switch, which a system reset does not cycle); the facts file's suggestion to set
 * them on every reset is an unconfirmed inference. */
uint32_t h7_rcc_rsr_flags(h7_reset_cause cause)
{
    const uint32_t sys = R_RCC_RSR_C1RSTF_MASK | R_RCC_RSR_C2RSTF_MASK | R_RCC_RSR_PINRSTF_MASK;
    switch (cause) {
    case H7_CAUSE_POWER_ON:
        return sys | R_RCC_RSR_D1RSTF_MASK | R_RCC_RSR_D2RSTF_MASK | R_RCC_RSR_BORRSTF_MASK | R_RCC_RSR_PORRSTF_MASK;
    case H7_CAUSE_PIN: return sys;
    case H7_CAUSE_SFT_CM7: return sys | R_RCC_RSR_SFT1RSTF_MASK;
    case H7_CAUSE_SFT_CM4: return sys | R_RCC_RSR_SFT2RSTF_MASK;
    case H7_CAUSE_IWDG1: return sys | R_RCC_RSR_IWDG1RSTF_MASK;
    case H7_CAUSE_IWDG2: return sys | R_RCC_RSR_IWDG2RSTF_MASK;
    case H7_CAUSE_WWDG1: return sys | R_RCC_RSR_WWDG1RSTF_MASK;
    case H7_CAUSE_WWDG2: return sys | R_RCC_RSR_WWDG2RSTF_MASK;
    case H7_CAUSE_LPWR1: return sys | R_RCC_RSR_LPWR1RSTF_MASK;
    case H7_CAUSE_LPWR2: return sys | R_RCC_RSR_LPWR2RSTF_MASK;
    default: return sys;
    }
}

uint32_t h7_rcc_rsr_core_flags(h7_reset_cause cause, h7_core_id core)
{
    uint32_t cpu = core == H7_CM7 ? R_RCC_RSR_C1RSTF_MASK : R_RCC_RSR_C2RSTF_MASK;
    return cpu | (h7_rcc_rsr_flags(cause) & ~(R_RCC_RSR_C1RSTF_MASK | R_RCC_RSR_C2RSTF_MASK | R_RCC_RSR_PINRSTF_MASK));
}

const char *h7_reset_cause_name(h7_reset_cause cause)
{
    static const char *const names[H7_CAUSE_COUNT] = {
        "power-on", "nrst", "cm7 sysresetreq", "cm4 sysresetreq", "iwdg1 timeout", "iwdg2 timeout",
        "wwdg1", "wwdg2", "lpwr d1", "lpwr d2"};
    return cause < H7_CAUSE_COUNT ? names[cause] : "?";
}

void h7_rcc_add_reset_flags(h7_rcc *r, uint32_t flags)
{
    r->bank[0][0] |= flags;
    r->bank[1][0] |= flags;
}

void h7_rcc_set_domain_ready(h7_rcc *r, int domain, bool ready)
{
    bool *f = domain == 1 ? &r->d1ckrdy : &r->d2ckrdy;
    if (*f == ready)
        return;
    *f = ready;
    h7_soc_emit(r->soc, &(h7_ev){.kind = H7_EV_DOMAIN_CLOCK, .u.dclk = {domain, ready}});
}

void h7_rcc_system_stop_exit(h7_rcc *r)
{
    /* RM0399 §9.5.7: HSI (STOPWUCK = 0) or CSI becomes sys_ck; HSE, HSI48 and the PLLs are off. */
    bool csi = (r->cfgr >> 6) & 1u;
    for (int o = H7_OSC_HSI48; o < H7_NOSC; o++) {
        r->cr &= ~(1u << osc_on_bit[o]);
        osc_switch_off(r, (h7_rcc_osc)o);
    }
    r->cr |= csi ? R_RCC_CR_CSION_MASK : R_RCC_CR_HSION_MASK;
    r->osc[csi ? H7_OSC_CSI : H7_OSC_HSI].ready = true;
    r->cfgr = H7_FIELD_DP(r->cfgr, RCC_CFGR, SW, csi ? 1 : 0);
    r->sws = csi ? 1 : 0;
    clocks_update(r);
}

static uint32_t cr_value(const h7_rcc *r)
{
    uint32_t v = r->cr | R_RCC_CR_HSIDIVF_MASK;
    for (int o = 0; o < H7_NOSC; o++)
        if (r->osc[o].ready)
            v |= 1u << osc_rdy_bit[o];
    if (r->d1ckrdy)
        v |= R_RCC_CR_D1CKRDY_MASK;
    if (r->d2ckrdy)
        v |= R_RCC_CR_D2CKRDY_MASK;
    return v;
}

static uint32_t *plain_reg(h7_rcc *s, uint32_t off)
{
    switch (off) {
    case A_RCC_HSICFGR: return &s->hsicfgr;
    case A_RCC_CRRCR: return &s->crrcr;
    case A_RCC_CSICFGR: return &s->csicfgr;
    case A_RCC_D1CFGR: return &s->d1cfgr;
    case A_RCC_D2CFGR: return &s->d2cfgr;
    case A_RCC_D3CFGR: return &s->d3cfgr;
    case A_RCC_PLLCKSELR: return &s->pllckselr;
    case A_RCC_PLLCFGR: return &s->pllcfgr;
    case A_RCC_PLL1FRACR: return &s->pllfracr[0];
    case A_RCC_PLL2FRACR: return &s->pllfracr[1];
    case A_RCC_PLL3FRACR: return &s->pllfracr[2];
    case A_RCC_PLL1DIVR: return &s->plldivr[0];
    case A_RCC_PLL2DIVR: return &s->plldivr[1];
    case A_RCC_PLL3DIVR: return &s->plldivr[2];
    case A_RCC_D1CCIPR: return &s->d1ccipr;
    case A_RCC_D2CCIP1R: return &s->d2ccip1r;
    case A_RCC_D2CCIP2R: return &s->d2ccip2r;
    case A_RCC_D3CCIPR: return &s->d3ccipr;
    case A_RCC_CIER: return &s->cier;
    case A_RCC_CIFR: return &s->cifr;
    case A_RCC_CSR: return &s->csr;
    case A_RCC_GCR: return &s->gcr;
    case A_RCC_D3AMR: return &s->d3amr;
    default:
        if (off >= 0x07Cu && off <= 0x09Cu)
            return &s->rstr[(off - 0x07Cu) / 4u];
        return NULL;
    }
}

static uint32_t read32(h7_rcc *s, uint32_t off, h7_master m)
{
    unsigned word;
    int bank = bank_of(off, m, &word);
    if (bank >= 0)
        return s->bank[bank][word];
    if (bank == -2) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RCC", "debug read of the same-address bank RCC+0x%03X (CPUs only, "
                   "RM0399 §9.7.1): reads 0", off);
        return 0;
    }
    switch (off) {
    case A_RCC_CR: return cr_value(s);
    case A_RCC_BDCR: return s->bdcr | (h7_rcc_lse_ready(s) ? R_RCC_BDCR_LSERDY_MASK : 0);
    case A_RCC_HSICFGR: {
        /* HSICAL = factory calibration moved by the trim (decision in the header comment) */
        uint32_t trim = (s->hsicfgr >> 24) & 0x7Fu;
        return (s->hsicfgr & 0x7F000000u) | ((H7_RCC_HSICAL_FACTORY + trim - 0x40u) & 0xFFFu);
    }
    case A_RCC_CFGR: return H7_FIELD_DP(s->cfgr, RCC_CFGR, SWS, s->sws);
    case A_RCC_CICR: return 0;
    default: {
        uint32_t *p = plain_reg(s, off);
        if (p)
            return *p;
        /* Not modelled here: the SVD table answers (reset value, stored writes, logged once). */
        return h7_svdreg_read(h7_soc_svdreg(s->soc, "RCC"), off, 4, m);
    }
    }
}

/* CR's ready flags and CFGR.SWS change only at the oscillator/PLL/switch events or by writes; the
 * reads have no side effect (cr_value). Polled by every clock set-up (HAL_RCC_OscConfig). */
bool h7_rcc_read_stable(uint32_t offset) { return offset == A_RCC_CR || offset == A_RCC_CFGR; }

uint32_t h7_rcc_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    return h7_subword_read(read32(dev, offset & ~3u, m), offset, size);
}

static void write32(h7_rcc *s, uint32_t off, uint32_t v, h7_master m)
{
    unsigned word;
    int bank = bank_of(off, m, &word);
    if (bank >= 0) {
        write_bank(s, bank, word, v);
        return;
    }
    if (bank == -2) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RCC", "debug write to the same-address bank RCC+0x%03X ignored (CPUs only)", off);
        return;
    }
    switch (off) {
    case A_RCC_CR: write_cr(s, v, m); return;
    case A_RCC_CFGR: {
        unsigned sw = v & 7u;
        if (sw > 3) {
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RCC", "RCC_CFGR.SW = %u is reserved: ignored", sw);
            v = (v & ~7u) | (s->cfgr & 7u);
        }
        s->cfgr = v & reg(A_RCC_CFGR)->rw_mask;
        try_switch(s);
        h7_tim_clocks_changed(s->soc);   /* TIMPRE */
        return;
    }
    case A_RCC_D1CFGR: case A_RCC_D2CFGR: case A_RCC_D3CFGR:
        *plain_reg(s, off) = v & reg(off)->rw_mask;
        clocks_update(s);
        return;
    case A_RCC_PLLCKSELR: write_pllckselr(s, v); return;
    case A_RCC_PLLCFGR: write_pllcfgr(s, v); return;
    case A_RCC_PLL1DIVR: write_plldivr(s, 1, v); return;
    case A_RCC_PLL2DIVR: write_plldivr(s, 2, v); return;
    case A_RCC_PLL3DIVR: write_plldivr(s, 3, v); return;
    case A_RCC_CIFR:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RCC", "%s write to read-only RCC_CIFR ignored", h7_master_name(m));
        return;
    case A_RCC_CICR:
        s->cifr &= ~(v & 0x7FFu);
        update_irq(s);
        return;
    case A_RCC_CIER:
        s->cier = v & reg(off)->rw_mask;
        update_irq(s);
        return;
    case A_RCC_BDCR: write_bdcr(s, v, m); return;
    case A_RCC_CSR:
        h7_rtc_clock_will_change(&s->soc->rtc);
        s->csr = (v & 1u) | ((v & 1u) << 1);   /* LSIRDY follows LSION */
        h7_rtc_clock_changed(&s->soc->rtc);
        return;
    case A_RCC_GCR: {
        uint32_t rising = v & ~s->gcr & 0xFu;
        s->gcr |= v & 0xFu;   /* set-only; cleared by a system reset (RM0399 §9.7.x) */
        for (int k = 0; k < 2; k++) {
            if (rising & (1u << (2 + k))) {
                h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_BOOT_RELEASE, .by = m, .core = k == 0 ? H7_CM7 : H7_CM4});
            }
        }
        return;
    }
    default: {
        uint32_t *p = plain_reg(s, off);
        if (!p) {
            h7_svdreg_write(h7_soc_svdreg(s->soc, "RCC"), off, v, 4, m);
            return;
        }
        const h7_regdesc *r = reg(off);
        uint32_t old = *p;
        *p = r ? (old & ~r->rw_mask) | (v & r->rw_mask) : v;
        if (off >= 0x07Cu && off <= 0x09Cu)
            peripheral_resets(s, off, *p & ~old);
        return;
    }
    }
}

void h7_rcc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_rcc *s = dev;
    uint32_t off = offset & ~3u;
    if (size < 4)
        value = h7_subword_merge(read32(s, off, m), offset, size, value);
    write32(s, off, value, m);
}

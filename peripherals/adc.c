/* ADC1/2/3 and the common blocks (RM0399 ADC chapter, rev V 16-bit ADC; sections cited by
 * title).
 *
 * Trace texts: 'adc<n>: regulator ready (ldordy)', 'adc<n>: calibrated (offset)' or
 * '(offset+linearity)', 'adc<n>: ready (adrdy)'. Conversions are not traced (too many); their
 * results are in DR/JDRx.
 *
 * Decisions (docs/models.md):
 * - Deep power-down: DEEPPWD = 1 at reset; ADVREGEN written while DEEPPWD = 1 is ignored
 *   (guest error). LDORDY sets 10 us after ADVREGEN (DS12919 t_ADCVREG_STUP, "ADC voltage
 *   regulator" section) and drops with it.
 * - ADEN needs LDORDY and no ADCAL; otherwise it is refused (guest error), ADRDY never sets.
 *   ADRDY sets 16 ADC clock cycles after ADEN (t_STAB order; unconfirmed). With no ADC clock
 *   nothing completes (ADRDY, calibration and conversions wait), logged once as a note.
 * - ADDIS completes at once (ADEN and ADDIS read 0 on the next access).
 * - Calibration ("Calibration (ADCAL, ADCALDIF, ADCALLIN)"): allowed only with ADEN = 0 and
 *   LDORDY; offset only takes 10 240 ADC cycles, offset + linearity 165 010 ADC cycles
 *   (order of the DS12919 t_CAL figures, unconfirmed). At the end ADCAL clears, CALFACT holds a
 *   plausible offset factor and a linearity calibration sets LINCALRDYW1..6.
 * - Clock: CKMODE = 00 takes adc_ker_ck (RCC_D3CCIPR.ADCSEL: PLL2P, PLL3R, per_ck) / PRESC;
 *   01/10/11 take HCLK/1, /2, /4. Rev V divides the result by 2 internally in both cases.
 * - Conversion time = sampling time (SMPRx) + SAR time (8.5 / 7.5 / 6.5 / 5.5 / 4.5 cycles for
 *   16 / 14 / 12 / 10 / 8 bits), no extra delay between ranks.
 * - Value = round(V_in x 2^N / VREF+) clamped to 2^N - 1, VREF+ = VDDA from the board. The same
 *   formula made the factory words at VDDA = 3.3 V, so VREFINT reads VREFINT_CAL at 3.3 V and
 *   __HAL_ADC_CALC_VREFANALOG_VOLTAGE gives VDDA. Then oversampling (sum of OVSR+1 equal samples,
 *   >> OVSS) and LSHIFT. No noise, no offset (OFRx), no differential mode: table-only.
 * - Channel pre-selection (PCSEL): converting a channel whose PCSEL bit is 0 still converts but
 *   logs a guest error (the RM requires PCSEL set for any converted channel).
 * - Overrun: a new regular result with EOC still set sets OVR; OVRMOD = 0 keeps the old DR,
 *   OVRMOD = 1 overwrites it.
 * - Injected sequences run on their own timer next to regular ones (no preemption model);
 *   only the software start (JEXTEN = 00) is modelled.
 * - DMA: the request line (DMAMUX1 ADC1 = 9, ADC2 = 10, ADC3 = 115; DMAMUX2 ADC3 = 17) is high
 *   while a regular result waits in DR (EOC) and CFGR.DMNGT selects DMA (01 one-shot, 11
 *   circular); the DMA's read of DR clears EOC and drops it. DMNGT one-shot vs circular is not
 *   told apart (the DMA's own NDTR ends a one-shot transfer). */
#include "adc.h"

#include <stdio.h>

#include "soc.h"

#define R(off) ((off) / 4u)

const h7_regdesc h7_adc_regs[] = {
    {A_ADC_ISR, "ADC_ISR", 0, 0, 0x000017FFu, 0x00001000u, 0},
    {A_ADC_IER, "ADC_IER", 0, 0x000007FFu, 0, 0, 0},
    {A_ADC_CR, "ADC_CR", 0x20000000u, 0xFFC1033Fu, 0, 0, 0},
    {A_ADC_CFGR, "ADC_CFGR", 0x80000000u, 0xFFFFFFFFu, 0, 0, 0},
    {A_ADC_CFGR2, "ADC_CFGR2", 0, 0xF3FF07E7u, 0, 0, 0},
    {A_ADC_SMPR1, "ADC_SMPR1", 0, 0x3FFFFFFFu, 0, 0, 0},
    {A_ADC_SMPR2, "ADC_SMPR2", 0, 0x3FFFFFFFu, 0, 0, 0},
    {A_ADC_PCSEL, "ADC_PCSEL", 0, 0x000FFFFFu, 0, 0, 0},
    {A_ADC_LTR1, "ADC_LTR1", 0, 0x03FFFFFFu, 0, 0, 0},
    {A_ADC_HTR1, "ADC_HTR1", 0x03FFFFFFu, 0x03FFFFFFu, 0, 0, 0},
    {A_ADC_SQR1, "ADC_SQR1", 0, 0x1F7DF7CFu, 0, 0, 0},
    {A_ADC_SQR2, "ADC_SQR2", 0, 0x1F7DF7DFu, 0, 0, 0},
    {A_ADC_SQR3, "ADC_SQR3", 0, 0x1F7DF7DFu, 0, 0, 0},
    {A_ADC_SQR4, "ADC_SQR4", 0, 0x000007DFu, 0, 0, 0},
    {A_ADC_DR, "ADC_DR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ADC_JSQR, "ADC_JSQR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_ADC_OFR1, "ADC_OFR1", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_ADC_OFR2, "ADC_OFR2", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_ADC_OFR3, "ADC_OFR3", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_ADC_OFR4, "ADC_OFR4", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_ADC_JDR1, "ADC_JDR1", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ADC_JDR2, "ADC_JDR2", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ADC_JDR3, "ADC_JDR3", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ADC_JDR4, "ADC_JDR4", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ADC_AWD2CR, "ADC_AWD2CR", 0, 0x000FFFFFu, 0, 0, 0},
    {A_ADC_AWD3CR, "ADC_AWD3CR", 0, 0x000FFFFFu, 0, 0, 0},
    {A_ADC_LTR2, "ADC_LTR2", 0, 0x03FFFFFFu, 0, 0, 0},
    {A_ADC_HTR2, "ADC_HTR2", 0x03FFFFFFu, 0x03FFFFFFu, 0, 0, 0},
    {A_ADC_LTR3, "ADC_LTR3", 0, 0x03FFFFFFu, 0, 0, 0},
    {A_ADC_HTR3, "ADC_HTR3", 0x03FFFFFFu, 0x03FFFFFFu, 0, 0, 0},
    {A_ADC_DIFSEL, "ADC_DIFSEL", 0, 0x000FFFFFu, 0, 0, 0},
    {A_ADC_CALFACT, "ADC_CALFACT", 0, 0x07FF07FFu, 0, 0, 0},
    {A_ADC_CALFACT2, "ADC_CALFACT2", 0, 0x3FFFFFFFu, 0, 0, 0},
};
const size_t h7_adc_nregs = sizeof h7_adc_regs / sizeof h7_adc_regs[0];

const h7_regdesc h7_adc_common_regs[] = {
    {A_ADC_CSR, "ADC_CSR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ADC_CCR, "ADC_CCR", 0, 0x01FFCFFFu, 0, 0, 0},
    {A_ADC_CDR, "ADC_CDR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ADC_CDR2, "ADC_CDR2", 0, 0, 0, 0xFFFFFFFFu, 0},
};
const size_t h7_adc_common_nregs = sizeof h7_adc_common_regs / sizeof h7_adc_common_regs[0];

/* ------------------------------------------------------------------ inputs */

/* Channel -> pin (DS12919 pin table "Additional functions", ADCx_INPy). Port -1: internal. */
typedef struct chan_pin { int8_t port, pin; bool c_pad; } chan_pin;
#define PA(n) {0, n, false}
#define PB(n) {1, n, false}
#define PC(n) {2, n, false}
#define PF(n) {5, n, false}
#define PH(n) {7, n, false}
#define PCPAD(p, n) {p, n, true}
#define INT {-1, 0, false}
static const chan_pin adc12_pins[2][H7_ADC_CHANNELS] = {
    {PCPAD(0, 0), PCPAD(0, 1), PF(11), PA(6), PC(4), PB(1), PF(12), PA(7), PC(5), PB(0),
     PC(0), PC(1), PC(2), PC(3), PA(2), PA(3), PA(0), PA(1), PA(4), PA(5)},
    {PCPAD(0, 0), PCPAD(0, 1), PF(13), PA(6), PC(4), PB(1), PF(14), PA(7), PC(5), PB(0),
     PC(0), PC(1), PC(2), PC(3), PA(2), PA(3), INT, INT, PA(4), PA(5)},   /* 16/17: DAC1 out1/out2 */
};
static const chan_pin adc3_pins[H7_ADC_CHANNELS] = {
    PCPAD(2, 2), PCPAD(2, 3), PF(9), PF(7), PF(5), PF(3), PF(10), PF(8), PF(6), PF(4),
    PC(0), PC(1), PC(2), PH(2), PH(3), PH(4), PH(5), INT, INT, INT};   /* 17 VBAT/4, 18 VSENSE, 19 VREFINT */

static const h7_analog_config *analog(const h7_adc *s) { return &s->soc->cfg.analog; }
static uint32_t vdda_uv(const h7_adc *s) { return analog(s)->vdda_uv ? analog(s)->vdda_uv : 3300000u; }

static uint32_t pin_uv(const h7_adc *s, chan_pin p)
{
    const h7_analog_config *a = analog(s);
    for (unsigned i = 0; i < a->npins; i++)
        if (a->pins[i].port == p.port && a->pins[i].pin == p.pin && a->pins[i].c_pad == p.c_pad)
            return a->pins[i].uv;
    return vdda_uv(s) / 2u;   /* not wired on the board: mid-scale */
}

uint32_t h7_adc_channel_uv(const h7_adc *s, unsigned ch)
{
    if (ch >= H7_ADC_CHANNELS)
        return 0;
    uint32_t ccr = s->common->ccr;
    if (s->index == 3) {
        if (ch == 19)
            return (ccr & R_ADC_CCR_VREFEN_MASK) ? H7_ADC_VREFINT_UV : 0;
        if (ch == 18) {
            if (!(ccr & R_ADC_CCR_TSEN_MASK))
                return 0;
            int32_t t = analog(s)->has_temp ? analog(s)->temp_mc : 25000;
            int64_t uv = (int64_t)H7_ADC_TS_V30_UV + (int64_t)(t - 30000) * H7_ADC_TS_SLOPE_UV_PER_C / 1000;
            return uv < 0 ? 0 : (uint32_t)uv;
        }
        if (ch == 17) {
            uint32_t vbat = analog(s)->vbat_uv ? analog(s)->vbat_uv : 3300000u;
            return (ccr & R_ADC_CCR_VBATEN_MASK) ? vbat / 4u : 0;
        }
        return pin_uv(s, adc3_pins[ch]);
    }
    chan_pin p = adc12_pins[s->index - 1][ch];
    return p.port < 0 ? 0 : pin_uv(s, p);   /* the DAC is not modelled: its outputs read 0 V */
}

uint32_t h7_adc_code(uint32_t uv, uint32_t vref_uv, unsigned bits)
{
    if (!vref_uv)
        return 0;
    uint64_t full = 1ull << bits;
    uint64_t code = ((uint64_t)uv * full + vref_uv / 2u) / vref_uv;
    return (uint32_t)(code >= full ? full - 1u : code);
}

/* RES: rev V 000 16, 101 14, 110 12, 011 10, 111 8 bits; rev Y 001 14, 010 12, 100 8 bits. */
unsigned h7_adc_resolution(uint32_t cfgr)
{
    static const unsigned bits[8] = {16, 14, 12, 10, 8, 14, 12, 8};
    return bits[H7_FIELD_EX(cfgr, ADC_CFGR, RES)];
}

void h7_adc_write_factory_words(uint8_t *sysmem, uint32_t base)
{
    const uint16_t ts1 = (uint16_t)h7_adc_code(H7_ADC_TS_V30_UV, H7_ADC_CAL_VDDA_UV, 16);
    const uint16_t ts2 = (uint16_t)h7_adc_code(H7_ADC_TS_V30_UV + 80u * H7_ADC_TS_SLOPE_UV_PER_C, H7_ADC_CAL_VDDA_UV, 16);
    const uint16_t vref = (uint16_t)h7_adc_code(H7_ADC_VREFINT_UV, H7_ADC_CAL_VDDA_UV, 16);
    sysmem[H7_ADC_TS_CAL1_ADDR - base] = (uint8_t)ts1;
    sysmem[H7_ADC_TS_CAL1_ADDR - base + 1] = (uint8_t)(ts1 >> 8);
    sysmem[H7_ADC_TS_CAL2_ADDR - base] = (uint8_t)ts2;
    sysmem[H7_ADC_TS_CAL2_ADDR - base + 1] = (uint8_t)(ts2 >> 8);
    sysmem[H7_ADC_VREFINT_CAL_ADDR - base] = (uint8_t)vref;
    sysmem[H7_ADC_VREFINT_CAL_ADDR - base + 1] = (uint8_t)(vref >> 8);
}

/* ------------------------------------------------------------------ clock and timing */

static uint32_t per_ck_hz(const h7_rcc *r, const h7_soc *soc)
{
    switch ((r->d1ccipr >> 28) & 3u) {
    case 0: return r->osc[H7_OSC_HSI].ready ? H7_RCC_HSI_HZ >> ((r->cr >> 3) & 3u) : 0;
    case 1: return r->osc[H7_OSC_CSI].ready ? H7_RCC_CSI_HZ : 0;
    case 2: return r->osc[H7_OSC_HSE].ready ? soc->cfg.hse_hz : 0;
    default: return 0;
    }
}

uint32_t h7_adc_clock_hz(const h7_adc *s)
{
    static const unsigned presc[16] = {1, 2, 4, 6, 8, 10, 12, 16, 32, 64, 128, 256, 0, 0, 0, 0};
    const h7_rcc *r = &s->soc->rcc;
    uint32_t ccr = s->common->ccr, hz;
    unsigned mode = H7_FIELD_EX(ccr, ADC_CCR, CKMODE);
    if (mode == 0) {
        unsigned sel = (r->d3ccipr >> 16) & 3u;
        uint32_t ker = sel == 0 ? h7_rcc_pll_hz(r, 2, 'p') : sel == 1 ? h7_rcc_pll_hz(r, 3, 'r')
                     : sel == 2 ? per_ck_hz(r, s->soc) : 0;
        unsigned p = presc[H7_FIELD_EX(ccr, ADC_CCR, PRESC)];
        hz = p ? ker / p : 0;
    } else {
        hz = h7_rcc_hclk_hz(r) / (mode == 1 ? 1u : mode == 2 ? 2u : 4u);
    }
    return hz / 2u;   /* rev V: internal divider by 2 */
}

static h7_time_ps adc_cycles_ps(const h7_adc *s, uint64_t half_cycles)
{
    uint32_t hz = h7_adc_clock_hz(s);
    return hz ? (h7_time_ps)(half_cycles * H7_PS_PER_S / (2ull * hz)) : 0;
}

static void note_no_clock(h7_adc *s, const char *what)
{
    h7_soc_log(s->soc, H7_LOG_NOTE, "ADC", "ADC%d %s with no ADC clock (ADC_CCR.CKMODE = %u, RCC_D3CCIPR.ADCSEL = %u): "
               "waits until a clock runs", s->index, what, H7_FIELD_EX(s->common->ccr, ADC_CCR, CKMODE),
               (s->soc->rcc.d3ccipr >> 16) & 3u);
}

/* Sampling time of channel ch in half ADC cycles (SMPR: 1.5 2.5 8.5 16.5 32.5 64.5 387.5 810.5). */
static unsigned sample_half_cycles(const h7_adc *s, unsigned ch)
{
    static const unsigned smp[8] = {3, 5, 17, 33, 65, 129, 775, 1621};
    uint32_t r = ch < 10 ? s->reg[R(A_ADC_SMPR1)] : s->reg[R(A_ADC_SMPR2)];
    return smp[(r >> (3u * (ch % 10u))) & 7u];
}

static h7_time_ps conversion_ps(const h7_adc *s, unsigned ch)
{
    unsigned bits = h7_adc_resolution(s->reg[R(A_ADC_CFGR)]);
    unsigned sar_half = bits == 16 ? 17 : bits == 14 ? 15 : bits == 12 ? 13 : bits == 10 ? 11 : 9;
    return adc_cycles_ps(s, sample_half_cycles(s, ch) + sar_half);
}

/* ------------------------------------------------------------------ state */

static uint32_t *reg(h7_adc *s, uint32_t off) { return &s->reg[R(off)]; }
#define CR(s) (*reg(s, A_ADC_CR))
#define ISR(s) (*reg(s, A_ADC_ISR))
#define CFGR(s) (*reg(s, A_ADC_CFGR))

static void update_irq(h7_adc *s)
{
    int irqn = s->index == 3 ? 127 : 18;   /* ADC3_IRQn, ADC_IRQn (ADC1 and ADC2 share it) */
    bool level = false;
    h7_adc_common *c = s->common;
    for (int i = 0; i < 2; i++)
        if (c->adc[i] && (c->adc[i]->reg[R(A_ADC_ISR)] & c->adc[i]->reg[R(A_ADC_IER)] & 0x7FFu))
            level = true;
    if (s->soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, irqn, level);
    /* DMA request (DMAMUX1 lines 9/10/115; ADC3 also DMAMUX2 line 17 for the BDMA). */
    bool req = h7_adc_dma_request(s);
    if (req != s->dma_level) {
        s->dma_level = req;
        static const unsigned line[3] = {H7_DMAREQ_ADC1, H7_DMAREQ_ADC2, H7_DMAREQ_ADC3};
        h7_dmamux_request(s->soc, line[s->index - 1], req);
        if (s->index == 3)
            h7_dmamux_request(s->soc, H7_DMAMUX2_LINE(H7_DMAREQ2_ADC3), req);
    }
}

static const char *name(const h7_adc *s) { return s->index == 1 ? "adc1" : s->index == 2 ? "adc2" : "adc3"; }

static void ldo_ready(void *opaque, h7_time_ps when)
{
    h7_adc *s = opaque;
    (void)when;
    s->ldordy = true;
    ISR(s) |= R_ADC_ISR_LDORDY_MASK;
    h7_soc_trace(s->soc, name(s), "regulator ready (ldordy)");
}

static void adc_ready(void *opaque, h7_time_ps when)
{
    h7_adc *s = opaque;
    (void)when;
    if (!(CR(s) & R_ADC_CR_ADEN_MASK))
        return;
    ISR(s) |= R_ADC_ISR_ADRDY_MASK;
    h7_soc_trace(s->soc, name(s), "ready (adrdy)");
    update_irq(s);
}

static void cal_done(void *opaque, h7_time_ps when)
{
    h7_adc *s = opaque;
    (void)when;
    bool lin = CR(s) & R_ADC_CR_ADCALLIN_MASK;
    CR(s) &= ~R_ADC_CR_ADCAL_MASK;
    if (lin)
        CR(s) |= R_ADC_CR_LINCALRDYW_MASK;
    /* A plausible offset factor: single-ended CALFACT_S in b10:0, differential in b26:16. */
    if (CR(s) & R_ADC_CR_ADCALDIF_MASK)
        *reg(s, A_ADC_CALFACT) = (*reg(s, A_ADC_CALFACT) & 0x7FFu) | (0x3Eu + (uint32_t)s->index) << 16;
    else
        *reg(s, A_ADC_CALFACT) = (*reg(s, A_ADC_CALFACT) & 0x07FF0000u) | (0x3Cu + (uint32_t)s->index);
    h7_soc_trace(s->soc, name(s), "calibrated (%s)", lin ? "offset+linearity" : "offset");
}

static unsigned regular_length(const h7_adc *s) { return H7_FIELD_EX(s->reg[R(A_ADC_SQR1)], ADC_SQR1, L) + 1u; }

/* Channel of regular rank r (0-based): SQ1..SQ4 in SQR1 b10:6.., SQ5..SQ9 in SQR2, ... */
static unsigned regular_channel(const h7_adc *s, unsigned r)
{
    unsigned n = r + 1u;   /* SQn */
    uint32_t v = n <= 4 ? s->reg[R(A_ADC_SQR1)] : n <= 9 ? s->reg[R(A_ADC_SQR2)] : n <= 14 ? s->reg[R(A_ADC_SQR3)]
                                                                                      : s->reg[R(A_ADC_SQR4)];
    unsigned slot = n <= 4 ? n : n <= 9 ? n - 5u : n <= 14 ? n - 10u : n - 15u;
    unsigned shift = n <= 4 ? 6u * slot : 6u * slot;
    return (v >> shift) & 0x1Fu;
}

static unsigned injected_channel(const h7_adc *s, unsigned r)
{
    return (s->reg[R(A_ADC_JSQR)] >> (9u + 6u * r)) & 0x1Fu;
}

static uint32_t sample(h7_adc *s, unsigned ch)
{
    if (!((s->reg[R(A_ADC_PCSEL)] >> ch) & 1u))
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ADC", "ADC%d converts channel %u with ADC_PCSEL bit %u = 0 (RM0399: "
                   "pre-select every converted channel)", s->index, ch, ch);
    if (ch >= H7_ADC_CHANNELS) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ADC", "ADC%d sequence names channel %u (0..19 exist): reads 0", s->index, ch);
        return 0;
    }
    unsigned bits = h7_adc_resolution(CFGR(s));
    uint64_t v = h7_adc_code(h7_adc_channel_uv(s, ch), vdda_uv(s), bits);
    uint32_t cfgr2 = s->reg[R(A_ADC_CFGR2)];
    if (cfgr2 & R_ADC_CFGR2_ROVSE_MASK)
        v = (v * (H7_FIELD_EX(cfgr2, ADC_CFGR2, OVSR) + 1u)) >> H7_FIELD_EX(cfgr2, ADC_CFGR2, OVSS);
    v <<= H7_FIELD_EX(cfgr2, ADC_CFGR2, LSHIFT);
    return (uint32_t)v;
}

static void start_regular(h7_adc *s)
{
    unsigned ch = regular_channel(s, s->seq_pos);
    h7_time_ps t = conversion_ps(s, ch);
    if (!t) {
        note_no_clock(s, "starts a conversion");
        return;
    }
    s->converting = true;
    h7_sched_add(s->soc->sched, &s->ev_conv, h7_soc_now(s->soc) + t);
}

static void regular_done(void *opaque, h7_time_ps when)
{
    h7_adc *s = opaque;
    (void)when;
    s->converting = false;
    uint32_t v = sample(s, regular_channel(s, s->seq_pos));
    if (ISR(s) & R_ADC_ISR_EOC_MASK) {
        ISR(s) |= R_ADC_ISR_OVR_MASK;   /* previous result not read */
        if (CFGR(s) & R_ADC_CFGR_OVRMOD_MASK)
            *reg(s, A_ADC_DR) = v;
    } else {
        *reg(s, A_ADC_DR) = v;
    }
    ISR(s) |= R_ADC_ISR_EOC_MASK | R_ADC_ISR_EOSMP_MASK;
    bool last = ++s->seq_pos >= regular_length(s);
    if (last) {
        ISR(s) |= R_ADC_ISR_EOS_MASK;
        s->seq_pos = 0;
    }
    if (!last || (CFGR(s) & R_ADC_CFGR_CONT_MASK))
        start_regular(s);
    else if (H7_FIELD_EX(CFGR(s), ADC_CFGR, EXTEN) == 0)
        CR(s) &= ~R_ADC_CR_ADSTART_MASK;   /* software start: ADSTART clears at end of sequence */
    update_irq(s);
}

static void start_injected(h7_adc *s)
{
    h7_time_ps t = conversion_ps(s, injected_channel(s, s->jseq_pos));
    if (!t) {
        note_no_clock(s, "starts an injected conversion");
        return;
    }
    s->jconverting = true;
    h7_sched_add(s->soc->sched, &s->ev_jconv, h7_soc_now(s->soc) + t);
}

static void injected_done(void *opaque, h7_time_ps when)
{
    h7_adc *s = opaque;
    (void)when;
    s->jconverting = false;
    *reg(s, A_ADC_JDR1 + 4u * s->jseq_pos) = sample(s, injected_channel(s, s->jseq_pos));
    ISR(s) |= R_ADC_ISR_JEOC_MASK;
    if (++s->jseq_pos > H7_FIELD_EX(s->reg[R(A_ADC_JSQR)], ADC_JSQR, JL)) {
        ISR(s) |= R_ADC_ISR_JEOS_MASK;
        s->jseq_pos = 0;
        CR(s) &= ~R_ADC_CR_JADSTART_MASK;
    } else {
        start_injected(s);
    }
    update_irq(s);
}

static void stop_regular(h7_adc *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_conv);
    s->converting = false;
    s->seq_pos = 0;
    CR(s) &= ~(R_ADC_CR_ADSTART_MASK | R_ADC_CR_ADSTP_MASK);
}

static void stop_injected(h7_adc *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_jconv);
    s->jconverting = false;
    s->jseq_pos = 0;
    CR(s) &= ~(R_ADC_CR_JADSTART_MASK | R_ADC_CR_JADSTP_MASK);
}

/* ------------------------------------------------------------------ init / reset */

void h7_adc_common_init(h7_adc_common *c, struct h7_soc *soc, int group, h7_adc *a, h7_adc *b)
{
    *c = (h7_adc_common){0};
    c->soc = soc;
    c->group = group;
    c->adc[0] = a;
    c->adc[1] = b;
}

void h7_adc_common_reset(h7_adc_common *c, h7_reset_kind kind)
{
    (void)kind;
    c->ccr = c->cdr = 0;
}

void h7_adc_init(h7_adc *s, struct h7_soc *soc, int index, h7_adc_common *common)
{
    *s = (h7_adc){0};
    s->soc = soc;
    s->index = index;
    s->common = common;
    h7_event_init(&s->ev_ldo, "adc.ldordy", ldo_ready, s);
    h7_event_init(&s->ev_ready, "adc.adrdy", adc_ready, s);
    h7_event_init(&s->ev_cal, "adc.cal", cal_done, s);
    h7_event_init(&s->ev_conv, "adc.conv", regular_done, s);
    h7_event_init(&s->ev_jconv, "adc.jconv", injected_done, s);
}

void h7_adc_reset(h7_adc *s, h7_reset_kind kind)
{
    (void)kind;
    h7_event *evs[] = {&s->ev_ldo, &s->ev_ready, &s->ev_cal, &s->ev_conv, &s->ev_jconv};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        h7_sched_cancel(s->soc->sched, evs[i]);
    for (unsigned i = 0; i < H7_ADC_NREGS_MAX; i++)
        s->reg[i] = 0;
    for (size_t i = 0; i < h7_adc_nregs; i++)
        s->reg[R(h7_adc_regs[i].offset)] = h7_adc_regs[i].reset;
    s->ldordy = s->converting = s->jconverting = false;
    s->seq_pos = s->jseq_pos = 0;
    update_irq(s);
}

/* ------------------------------------------------------------------ CR */

static void guest_error(h7_adc *s, h7_master m, const char *what)
{
    h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ADC", "%s: ADC%d %s", h7_master_name(m), s->index, what);
}

/* "ADC deep-power-down mode" / "ADC voltage regulator": DEEPPWD and ADVREGEN. */
static void cr_regulator(h7_adc *s, uint32_t old, uint32_t *newcr, h7_master m)
{
    if ((*newcr & R_ADC_CR_ADVREGEN_MASK) && (*newcr & R_ADC_CR_DEEPPWD_MASK)) {
        guest_error(s, m, "sets ADC_CR.ADVREGEN while DEEPPWD = 1: regulator stays off (clear DEEPPWD first)");
        *newcr &= ~R_ADC_CR_ADVREGEN_MASK;
    }
    if (((old ^ *newcr) & (R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_DEEPPWD_MASK)) && (old & R_ADC_CR_ADEN_MASK))
        guest_error(s, m, "changes ADC_CR.ADVREGEN/DEEPPWD while ADEN = 1");
    if ((*newcr & R_ADC_CR_ADVREGEN_MASK) && !(old & R_ADC_CR_ADVREGEN_MASK))
        h7_sched_add(s->soc->sched, &s->ev_ldo, h7_soc_now(s->soc) + 10 * H7_PS_PER_US);
    if (!(*newcr & R_ADC_CR_ADVREGEN_MASK) && (old & R_ADC_CR_ADVREGEN_MASK)) {
        h7_sched_cancel(s->soc->sched, &s->ev_ldo);
        s->ldordy = false;
        ISR(s) &= ~R_ADC_ISR_LDORDY_MASK;
    }
}

/* "Calibration": ADEN = 0 and the regulator ready; takes 10 240 or 165 010 ADC cycles. */
static void cr_calibrate(h7_adc *s, h7_master m)
{
    if (CR(s) & R_ADC_CR_ADEN_MASK) {
        guest_error(s, m, "sets ADC_CR.ADCAL with ADEN = 1: calibration not started");
        return;
    }
    if (!s->ldordy) {
        guest_error(s, m, "sets ADC_CR.ADCAL with the regulator not ready (LDORDY = 0): calibration not started");
        return;
    }
    h7_time_ps t = adc_cycles_ps(s, 2ull * ((CR(s) & R_ADC_CR_ADCALLIN_MASK) ? 165010u : 10240u));
    CR(s) = (CR(s) | R_ADC_CR_ADCAL_MASK) & ~R_ADC_CR_LINCALRDYW_MASK;
    if (!t)
        note_no_clock(s, "starts a calibration");
    else
        h7_sched_add(s->soc->sched, &s->ev_cal, h7_soc_now(s->soc) + t);
}

/* "ADC on-off control": ADEN needs LDORDY and no calibration; ADRDY 16 ADC cycles later. */
static void cr_enable(h7_adc *s, h7_master m)
{
    if (CR(s) & R_ADC_CR_ADCAL_MASK) {
        guest_error(s, m, "sets ADC_CR.ADEN with a calibration running: the ADC is not enabled");
        return;
    }
    if (!s->ldordy || (CR(s) & R_ADC_CR_DEEPPWD_MASK)) {
        guest_error(s, m, "sets ADC_CR.ADEN with the regulator not ready (ADVREGEN/LDORDY = 0): the ADC is not enabled");
        return;
    }
    CR(s) |= R_ADC_CR_ADEN_MASK;
    h7_time_ps t = adc_cycles_ps(s, 32);
    if (!t)
        note_no_clock(s, "is enabled");
    else
        h7_sched_add(s->soc->sched, &s->ev_ready, h7_soc_now(s->soc) + t);
}

/* ADDIS: only with no conversion running; decision: completes at once. */
static void cr_disable(h7_adc *s, h7_master m)
{
    if (CR(s) & (R_ADC_CR_ADSTART_MASK | R_ADC_CR_JADSTART_MASK)) {
        guest_error(s, m, "sets ADC_CR.ADDIS with a conversion running (stop it first)");
        return;
    }
    h7_sched_cancel(s->soc->sched, &s->ev_ready);
    CR(s) &= ~(R_ADC_CR_ADEN_MASK | R_ADC_CR_ADDIS_MASK);
}

/* ADSTART / JADSTART: need ADEN and ADRDY; a software trigger (EXTEN/JEXTEN = 00) starts now. */
static void cr_start(h7_adc *s, bool injected, h7_master m)
{
    if (!(CR(s) & R_ADC_CR_ADEN_MASK) || !(ISR(s) & R_ADC_ISR_ADRDY_MASK)) {
        guest_error(s, m, injected ? "sets ADC_CR.JADSTART with the ADC not ready (ADEN/ADRDY): ignored"
                                   : "sets ADC_CR.ADSTART with the ADC not ready (ADEN/ADRDY): ignored");
        return;
    }
    if (!injected) {
        CR(s) |= R_ADC_CR_ADSTART_MASK;
        s->seq_pos = 0;
        if (H7_FIELD_EX(CFGR(s), ADC_CFGR, EXTEN) == 0)
            start_regular(s);
        return;
    }
    CR(s) |= R_ADC_CR_JADSTART_MASK;
    s->jseq_pos = 0;
    if (H7_FIELD_EX(s->reg[R(A_ADC_JSQR)], ADC_JSQR, JEXTEN) == 0)
        start_injected(s);
    else
        h7_soc_log(s->soc, H7_LOG_UNIMP, "ADC", "ADC%d injected hardware trigger (JEXTEN) not modelled", s->index);
}

static void write_cr(h7_adc *s, uint32_t v, h7_master m)
{
    uint32_t old = CR(s);
    const uint32_t cmd = R_ADC_CR_ADEN_MASK | R_ADC_CR_ADDIS_MASK | R_ADC_CR_ADSTART_MASK | R_ADC_CR_JADSTART_MASK |
                         R_ADC_CR_ADSTP_MASK | R_ADC_CR_JADSTP_MASK | R_ADC_CR_ADCAL_MASK;
    /* Command bits are set-only by software ("rs"): writing 0 has no effect. */
    uint32_t set = v & cmd & ~old;
    uint32_t newcr = (old & (cmd | R_ADC_CR_LINCALRDYW_MASK)) | (v & ~cmd & h7_adc_regs[2].rw_mask & ~R_ADC_CR_LINCALRDYW_MASK);
    cr_regulator(s, old, &newcr, m);
    CR(s) = newcr;
    if (set & R_ADC_CR_ADCAL_MASK)
        cr_calibrate(s, m);
    if (set & R_ADC_CR_ADEN_MASK)
        cr_enable(s, m);
    if ((set & R_ADC_CR_ADSTP_MASK) && (CR(s) & R_ADC_CR_ADSTART_MASK))
        stop_regular(s);
    if ((set & R_ADC_CR_JADSTP_MASK) && (CR(s) & R_ADC_CR_JADSTART_MASK))
        stop_injected(s);
    if ((set & R_ADC_CR_ADDIS_MASK) && (old & R_ADC_CR_ADEN_MASK))
        cr_disable(s, m);
    if (set & R_ADC_CR_ADSTART_MASK)
        cr_start(s, false, m);
    if (set & R_ADC_CR_JADSTART_MASK)
        cr_start(s, true, m);
}

/* ------------------------------------------------------------------ bus */

/* Every ADC register holds what writes and the conversion/calibration/regulator events put there;
 * only DR and JDRx have a read side effect (EOC/JEOC clear). Not a register: the read is logged. */
bool h7_adc_read_stable(uint32_t offset)
{
    return h7_reg_find(h7_adc_regs, h7_adc_nregs, offset) && offset != A_ADC_DR &&
           !(offset >= A_ADC_JDR1 && offset <= A_ADC_JDR4);
}

uint32_t h7_adc_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_adc *s = dev;
    uint32_t off = offset & ~3u;
    if (!h7_reg_find(h7_adc_regs, h7_adc_nregs, off)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ADC", "%s read of ADC%d+0x%03X: no register there", h7_master_name(m), s->index,
                   offset);
        return 0;
    }
    uint32_t v = s->reg[R(off)];
    if (off == A_ADC_DR && m != H7_MASTER_DEBUG) {   /* reading DR clears EOC */
        ISR(s) &= ~R_ADC_ISR_EOC_MASK;
        update_irq(s);
    }
    if (off >= A_ADC_JDR1 && off <= A_ADC_JDR4 && m != H7_MASTER_DEBUG) {
        ISR(s) &= ~R_ADC_ISR_JEOC_MASK;
        update_irq(s);
    }
    return h7_subword_read(v, offset, size);
}

void h7_adc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_adc *s = dev;
    uint32_t off = offset & ~3u;
    const h7_regdesc *r = h7_reg_find(h7_adc_regs, h7_adc_nregs, off);
    if (!r) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ADC", "%s write of 0x%08X to ADC%d+0x%03X ignored: no register there",
                   h7_master_name(m), value, s->index, offset);
        return;
    }
    uint32_t v = h7_subword_merge(s->reg[R(off)], offset, size, value);
    switch (off) {
    case A_ADC_ISR: ISR(s) &= ~(h7_subword_merge(0, offset, size, value) & r->w1c_mask & ~r->ro_mask); break;
    case A_ADC_CR: write_cr(s, v, m); break;
    case A_ADC_DR: case A_ADC_JDR1: case A_ADC_JDR2: case A_ADC_JDR3: case A_ADC_JDR4:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ADC", "%s write to read-only ADC%d %s ignored", h7_master_name(m), s->index,
                   r->name);
        return;
    case A_ADC_CFGR: case A_ADC_CFGR2: case A_ADC_SMPR1: case A_ADC_SMPR2: case A_ADC_PCSEL: case A_ADC_SQR1:
    case A_ADC_SQR2: case A_ADC_SQR3: case A_ADC_SQR4: case A_ADC_DIFSEL:
        /* RM: these may be written only with no conversion running (ADSTART = 0). */
        if (CR(s) & R_ADC_CR_ADSTART_MASK)
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ADC", "%s writes ADC%d %s while ADSTART = 1", h7_master_name(m), s->index,
                       r->name);
        s->reg[R(off)] = v & r->rw_mask;
        break;
    default: s->reg[R(off)] = v & r->rw_mask; break;
    }
    update_irq(s);
}

uint32_t h7_adc_common_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_adc_common *c = dev;
    uint32_t v;
    switch (offset & ~3u) {
    case A_ADC_CSR:   /* master flags in b10:0, slave flags in b26:16 */
        v = (c->adc[0] ? c->adc[0]->reg[R(A_ADC_ISR)] & 0x7FFu : 0) |
            (c->adc[1] ? (c->adc[1]->reg[R(A_ADC_ISR)] & 0x7FFu) << 16 : 0);
        break;
    case A_ADC_CCR: v = c->ccr; break;
    case A_ADC_CDR:   /* dual-mode data: slave DR in b31:16, master in b15:0 (16-bit results) */
        v = (c->adc[0] ? c->adc[0]->reg[R(A_ADC_DR)] & 0xFFFFu : 0) |
            (c->adc[1] ? (c->adc[1]->reg[R(A_ADC_DR)] & 0xFFFFu) << 16 : 0);
        break;
    case A_ADC_CDR2: v = c->adc[0] ? c->adc[0]->reg[R(A_ADC_DR)] : 0; break;
    default:
        h7_soc_log(c->soc, H7_LOG_GUEST_ERROR, "ADC", "%s read of ADC%d_Common+0x%03X: no register there", h7_master_name(m),
                   c->group, offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

void h7_adc_common_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_adc_common *c = dev;
    if ((offset & ~3u) != A_ADC_CCR) {
        h7_soc_log(c->soc, H7_LOG_GUEST_ERROR, "ADC", "%s write of 0x%08X to ADC%d_Common+0x%03X ignored (%s)",
                   h7_master_name(m), value, c->group, offset,
                   h7_reg_find(h7_adc_common_regs, h7_adc_common_nregs, offset & ~3u) ? "read-only" : "no register there");
        return;
    }
    uint32_t v = h7_subword_merge(c->ccr, offset, size, value) & h7_adc_common_regs[1].rw_mask;
    const uint32_t clk = R_ADC_CCR_CKMODE_MASK | R_ADC_CCR_PRESC_MASK;
    for (int i = 0; i < 2; i++)
        if (c->adc[i] && (c->adc[i]->reg[R(A_ADC_CR)] & R_ADC_CR_ADEN_MASK) && ((v ^ c->ccr) & clk))
            h7_soc_log(c->soc, H7_LOG_GUEST_ERROR, "ADC", "%s changes ADC_CCR.CKMODE/PRESC while ADC%d is enabled (RM0399: "
                       "only with all ADCs of the pair disabled)", h7_master_name(m), c->adc[i]->index);
    c->ccr = v;
}

/* ------------------------------------------------------------------ other models */

void h7_adc_external_trigger(h7_adc *s, unsigned extsel)
{
    uint32_t cfgr = CFGR(s);
    if (!(CR(s) & R_ADC_CR_ADSTART_MASK) || H7_FIELD_EX(cfgr, ADC_CFGR, EXTEN) == 0 ||
        H7_FIELD_EX(cfgr, ADC_CFGR, EXTSEL) != extsel || s->converting)
        return;
    s->seq_pos = 0;
    start_regular(s);
}

bool h7_adc_dma_request(const h7_adc *s)
{
    return (s->reg[R(A_ADC_CFGR)] & 1u) && (s->reg[R(A_ADC_ISR)] & R_ADC_ISR_EOC_MASK);   /* DMNGT = 01 or 11 */
}

uint32_t h7_adc_dma_read(h7_adc *s)
{
    uint32_t v = *reg(s, A_ADC_DR);
    ISR(s) &= ~R_ADC_ISR_EOC_MASK;
    update_irq(s);
    return v;
}

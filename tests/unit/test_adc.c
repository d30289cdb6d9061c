/* ADC1/2/3 (RM0399 ADC chapter: "ADC deep-power-down mode", "ADC voltage regulator",
 * "Calibration", "ADC on-off control", "Conversion on external trigger", "Overrun",
 * "Temperature sensor", "Internal voltage reference") and the factory words of DS12919. */
#include "support.h"

#include "fake_host.h"

#include <string.h>

#define RCC 0x58024400u
#define ADC1B 0x40022000u
#define ADC3B 0x58026000u
#define ADC3C 0x58026300u
#define ADC12C 0x40022300u
#define CM7 H7_MASTER_CM7
#define CKMODE_HCLK_DIV4 (3u << 16)
/* HCLK 64 MHz / 4 / 2 (rev V) = 8 MHz ADC clock: 1 cycle = 125 ns */
#define ADC_CYCLE_PS 125000ull

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E0, 1u << 24);   /* AHB4ENR.ADC3EN */
    fh_write(fh, CM7, RCC + 0x0D8, 1u << 5);    /* AHB1ENR.ADC12EN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, ADC3B + off, v); }
static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, ADC3B + off); }
static uint32_t isr(fake_host *fh) { return rd(fh, A_ADC_ISR); }

static void regulator_on(fake_host *fh, uint32_t base)
{
    fh_write(fh, CM7, base + A_ADC_CR, 0);                         /* DEEPPWD = 0 */
    fh_write(fh, CM7, base + A_ADC_CR, R_ADC_CR_ADVREGEN_MASK);
    fh_advance(fh, 10 * H7_PS_PER_US);
}

static void enable(fake_host *fh, uint32_t base, uint32_t common)
{
    fh_write(fh, CM7, common + A_ADC_CCR, fh_read(fh, CM7, common + A_ADC_CCR) | CKMODE_HCLK_DIV4);
    regulator_on(fh, base);
    fh_write(fh, CM7, base + A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADEN_MASK);
    fh_advance(fh, 16 * ADC_CYCLE_PS);
    assert_true(fh_read(fh, CM7, base + A_ADC_ISR) & R_ADC_ISR_ADRDY_MASK);
}

/* Convert one channel (software start, single) and return DR. */
static uint32_t convert(fake_host *fh, uint32_t base, unsigned ch)
{
    fh_write(fh, CM7, base + A_ADC_PCSEL, 1u << ch);
    fh_write(fh, CM7, base + A_ADC_SQR1, ch << 6);
    fh_write(fh, CM7, base + A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_true(fh_read(fh, CM7, base + A_ADC_ISR) & R_ADC_ISR_EOC_MASK);
    return fh_read(fh, CM7, base + A_ADC_DR);
}

static uint16_t sysword(uint32_t addr)
{
    static uint8_t sys[0x20000];
    h7_adc_write_factory_words(sys, 0x1FF00000u);
    return (uint16_t)(sys[addr - 0x1FF00000u] | sys[addr - 0x1FF00000u + 1] << 8);
}

/* Reset: DEEPPWD = 1, everything else 0 (CFGR JQDIS = 1). */
static void test_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_adc_nregs; i++)
        assert_int_equal(rd(fh, h7_adc_regs[i].offset), h7_adc_regs[i].reset);
    assert_int_equal(rd(fh, A_ADC_CR), R_ADC_CR_DEEPPWD_MASK);
}

/* "ADC deep-power-down mode": the regulator cannot start while DEEPPWD = 1. */
static void test_advregen_in_deep_power_down_is_refused(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_ADC_CR, R_ADC_CR_DEEPPWD_MASK | R_ADC_CR_ADVREGEN_MASK);
    assert_false(rd(fh, A_ADC_CR) & R_ADC_CR_ADVREGEN_MASK);
    assert_true(fh_logged(fh, "DEEPPWD = 1"));
    fh_advance(fh, 20 * H7_PS_PER_US);
    assert_false(isr(fh) & R_ADC_ISR_LDORDY_MASK);
}

/* "ADC voltage regulator": LDORDY 10 us (t_ADCVREG_STUP) after ADVREGEN. */
static void test_ldordy_sets_10us_after_advregen(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_ADC_CR, 0);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK);
    fh_advance(fh, 9 * H7_PS_PER_US);
    assert_false(isr(fh) & R_ADC_ISR_LDORDY_MASK);
    fh_advance(fh, 1 * H7_PS_PER_US);
    assert_true(isr(fh) & R_ADC_ISR_LDORDY_MASK);
    assert_true(fh_traced(fh, "adc3: regulator ready (ldordy)"));
    wr(fh, A_ADC_CR, 0);
    assert_false(isr(fh) & R_ADC_ISR_LDORDY_MASK);
}

static void test_aden_without_the_regulator_is_refused(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_ADC_CR, 0);
    wr(fh, A_ADC_CR, R_ADC_CR_ADEN_MASK);
    assert_false(rd(fh, A_ADC_CR) & R_ADC_CR_ADEN_MASK);
    assert_true(fh_logged(fh, "ADEN with the regulator not ready"));
}

/* ADEN -> ADRDY after 16 ADC cycles; no ADC clock (CKMODE = 00, PLL2 off) -> never. */
static void test_adrdy_follows_aden_only_with_an_adc_clock(void **state)
{
    fake_host *fh = *state;
    regulator_on(fh, ADC3B);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADEN_MASK);
    fh_advance(fh, 1 * H7_PS_PER_MS);
    assert_false(isr(fh) & R_ADC_ISR_ADRDY_MASK);
    assert_true(fh_logged(fh, "no ADC clock"));
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADDIS_MASK);
    assert_false(rd(fh, A_ADC_CR) & R_ADC_CR_ADEN_MASK);
    fh_write(fh, CM7, ADC3C + A_ADC_CCR, CKMODE_HCLK_DIV4);
    assert_int_equal(h7_adc_clock_hz(&fh->soc.adc[2]), 8000000u);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADEN_MASK);
    fh_advance(fh, 15 * ADC_CYCLE_PS);
    assert_false(isr(fh) & R_ADC_ISR_ADRDY_MASK);
    fh_advance(fh, 1 * ADC_CYCLE_PS);
    assert_true(isr(fh) & R_ADC_ISR_ADRDY_MASK);
    wr(fh, A_ADC_ISR, R_ADC_ISR_ADRDY_MASK);   /* ADRDY is cleared by writing 1 */
    assert_false(isr(fh) & R_ADC_ISR_ADRDY_MASK);
}

/* "Calibration": offset + linearity takes 165 010 ADC cycles; ADCAL then clears, LINCALRDYW1-6 set. */
static void test_linearity_calibration_takes_time_and_self_clears(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, ADC3C + A_ADC_CCR, CKMODE_HCLK_DIV4);
    regulator_on(fh, ADC3B);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADCALLIN_MASK | R_ADC_CR_ADCAL_MASK);
    assert_true(rd(fh, A_ADC_CR) & R_ADC_CR_ADCAL_MASK);
    fh_advance(fh, 165009 * ADC_CYCLE_PS);
    assert_true(rd(fh, A_ADC_CR) & R_ADC_CR_ADCAL_MASK);
    fh_advance(fh, ADC_CYCLE_PS);
    uint32_t cr = rd(fh, A_ADC_CR);
    assert_false(cr & R_ADC_CR_ADCAL_MASK);
    assert_int_equal(cr & R_ADC_CR_LINCALRDYW_MASK, R_ADC_CR_LINCALRDYW_MASK);
    assert_int_not_equal(rd(fh, A_ADC_CALFACT) & 0x7FFu, 0);
    assert_true(fh_traced(fh, "adc3: calibrated (offset+linearity)"));
}

static void test_calibration_with_aden_set_is_refused(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADCAL_MASK);
    assert_false(rd(fh, A_ADC_CR) & R_ADC_CR_ADCAL_MASK);
    assert_true(fh_logged(fh, "ADCAL with ADEN = 1"));
}

/* DS12919: VREFINT_CAL/TS_CAL1/TS_CAL2 were taken at VDDA = 3.3 V, 16 bits. */
static void test_factory_words_are_plausible(void **state)
{
    (void)state;
    uint16_t vref = sysword(H7_ADC_VREFINT_CAL_ADDR), ts1 = sysword(H7_ADC_TS_CAL1_ADDR), ts2 = sysword(H7_ADC_TS_CAL2_ADDR);
    assert_in_range(vref, 23500, 25000);   /* 1.18..1.25 V of 3.3 V */
    assert_in_range(ts1, 10000, 15000);
    assert_true(ts2 > ts1);
}

/* VREFINT (ADC3 channel 19, CCR.VREFEN) reads VREFINT_CAL at VDDA = 3.3 V, so
 * __HAL_ADC_CALC_VREFANALOG_VOLTAGE = 3300 * VREFINT_CAL / raw gives 3300 mV; at 3.0 V it gives ~3000. */
static void test_vrefint_gives_vdda_through_the_hal_formula(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, ADC3C + A_ADC_CCR, R_ADC_CCR_VREFEN_MASK);
    enable(fh, ADC3B, ADC3C);
    uint32_t raw = convert(fh, ADC3B, 19);
    uint16_t cal = sysword(H7_ADC_VREFINT_CAL_ADDR);
    assert_int_equal(raw, cal);
    assert_int_equal(3300u * cal / raw, 3300u);
    fh->soc.cfg.analog.vdda_uv = 3000000u;
    raw = convert(fh, ADC3B, 19);
    assert_in_range(3300u * cal / raw, 2999u, 3001u);
}

static void test_vrefint_channel_reads_zero_without_vrefen(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    assert_int_equal(convert(fh, ADC3B, 19), 0);
}

/* Temperature sensor (channel 18, TSEN): at 30 C it reads TS_CAL1, at 110 C TS_CAL2. */
static void test_temperature_sensor_matches_ts_cal_points(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, ADC3C + A_ADC_CCR, R_ADC_CCR_TSEN_MASK);
    enable(fh, ADC3B, ADC3C);
    fh->soc.cfg.analog.has_temp = true;
    fh->soc.cfg.analog.temp_mc = 30000;
    assert_int_equal(convert(fh, ADC3B, 18), sysword(H7_ADC_TS_CAL1_ADDR));
    fh->soc.cfg.analog.temp_mc = 110000;
    assert_int_equal(convert(fh, ADC3B, 18), sysword(H7_ADC_TS_CAL2_ADDR));
}

/* Board pins: a listed pin gives its voltage, any other input mid-scale. PA0 = ADC1_INP16. */
static void test_pin_voltages_come_from_the_board_with_mid_scale_default(void **state)
{
    fake_host *fh = *state;
    h7_analog_config *a = &fh->soc.cfg.analog;
    a->pins[0] = (h7_analog_pin){0, 0, false, 825000u};
    a->npins = 1;
    enable(fh, ADC1B, ADC12C);
    assert_int_equal(convert(fh, ADC1B, 16), 16384u);   /* 0.825 V of 3.3 V, 16 bits */
    assert_int_equal(convert(fh, ADC1B, 17), 32768u);   /* PA1: not on the board map */
}

/* CFGR.RES: rev V 110 = 12 bits. */
static void test_resolution_scales_the_code(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_CFGR, 6u << 2);
    assert_int_equal(convert(fh, ADC3B, 2), 2048u);
    assert_int_equal(h7_adc_resolution(3u << 2), 10u);
    assert_int_equal(h7_adc_resolution(7u << 2), 8u);
}

/* Conversion time = sampling + 8.5 cycles at 16 bits: SMP = 0 (1.5) -> 10 cycles = 1.25 us. */
static void test_conversion_takes_sampling_plus_sar_time(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_PCSEL, 1u << 2);
    wr(fh, A_ADC_SQR1, 2u << 6);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 10 * ADC_CYCLE_PS - 1);
    assert_false(isr(fh) & R_ADC_ISR_EOC_MASK);
    fh_advance(fh, 1);
    assert_true(isr(fh) & R_ADC_ISR_EOC_MASK);
    assert_false(rd(fh, A_ADC_CR) & R_ADC_CR_ADSTART_MASK);   /* single: ADSTART clears at EOS */
}

/* Scan of three ranks: EOC per conversion, EOS after the third, DR read clears EOC. */
static void test_scan_sequence_sets_eos_after_the_last_rank(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, ADC3C + A_ADC_CCR, R_ADC_CCR_VREFEN_MASK);
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_PCSEL, (1u << 2) | (1u << 19) | (1u << 3));
    wr(fh, A_ADC_SQR1, 2u | (2u << 6) | (19u << 12) | (3u << 18));   /* L = 2: three ranks */
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 10 * ADC_CYCLE_PS);
    assert_int_equal(isr(fh) & (R_ADC_ISR_EOC_MASK | R_ADC_ISR_EOS_MASK), R_ADC_ISR_EOC_MASK);
    assert_int_equal(rd(fh, A_ADC_DR), 32768u);
    assert_false(isr(fh) & R_ADC_ISR_EOC_MASK);
    fh_advance(fh, 10 * ADC_CYCLE_PS);
    assert_int_equal(rd(fh, A_ADC_DR), sysword(H7_ADC_VREFINT_CAL_ADDR));
    fh_advance(fh, 10 * ADC_CYCLE_PS);
    assert_true(isr(fh) & R_ADC_ISR_EOS_MASK);
    assert_false(isr(fh) & R_ADC_ISR_OVR_MASK);
}

/* "Overrun": continuous mode without reading DR sets OVR; OVRMOD = 0 keeps the first result. */
static void test_unread_results_in_continuous_mode_overrun(void **state)
{
    fake_host *fh = *state;
    h7_analog_config *a = &fh->soc.cfg.analog;
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_CFGR, R_ADC_CFGR_CONT_MASK);
    wr(fh, A_ADC_PCSEL, 1u << 2);
    wr(fh, A_ADC_SQR1, 2u << 6);   /* PF9 */
    a->pins[0] = (h7_analog_pin){5, 9, false, 1650000u};
    a->npins = 1;
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 10 * ADC_CYCLE_PS);
    a->pins[0].uv = 0;
    fh_advance(fh, 10 * ADC_CYCLE_PS);
    assert_true(isr(fh) & R_ADC_ISR_OVR_MASK);
    assert_int_equal(rd(fh, A_ADC_DR), 32768u);
    assert_true(rd(fh, A_ADC_CR) & R_ADC_CR_ADSTART_MASK);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTP_MASK);
    assert_false(rd(fh, A_ADC_CR) & (R_ADC_CR_ADSTART_MASK | R_ADC_CR_ADSTP_MASK));
}

/* "Conversion on external trigger": with EXTEN != 0, ADSTART arms; the trigger of EXTSEL starts. */
static void test_external_trigger_starts_the_armed_sequence(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_CFGR, (1u << 10) | (9u << 5));   /* rising edge, EXTSEL 9 */
    wr(fh, A_ADC_PCSEL, 1u << 2);
    wr(fh, A_ADC_SQR1, 2u << 6);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 100 * ADC_CYCLE_PS);
    assert_false(isr(fh) & R_ADC_ISR_EOC_MASK);
    h7_adc_external_trigger(&fh->soc.adc[2], 3);   /* another trigger source: ignored */
    fh_advance(fh, 100 * ADC_CYCLE_PS);
    assert_false(isr(fh) & R_ADC_ISR_EOC_MASK);
    h7_adc_external_trigger(&fh->soc.adc[2], 9);
    fh_advance(fh, 100 * ADC_CYCLE_PS);
    assert_true(isr(fh) & R_ADC_ISR_EOC_MASK);
    assert_true(rd(fh, A_ADC_CR) & R_ADC_CR_ADSTART_MASK);   /* stays armed for the next trigger */
}

/* DMA request: EOC with DMNGT = 01; the DMA's read clears EOC. */
static void test_dma_request_follows_eoc_when_dmngt_selects_dma(void **state)
{
    fake_host *fh = *state;
    h7_adc *adc3 = &fh->soc.adc[2];
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_PCSEL, 1u << 2);
    wr(fh, A_ADC_SQR1, 2u << 6);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 100 * ADC_CYCLE_PS);
    assert_false(h7_adc_dma_request(adc3));   /* DMNGT = 00: DR only */
    wr(fh, A_ADC_CFGR, 1u);
    assert_true(h7_adc_dma_request(adc3));
    assert_int_equal(h7_adc_dma_read(adc3), 32768u);
    assert_false(h7_adc_dma_request(adc3));
}

/* Injected group, software start: JDR1..JDR(JL+1), JEOC/JEOS, JADSTART clears. */
static void test_injected_sequence_fills_jdr_registers(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, ADC3C + A_ADC_CCR, R_ADC_CCR_VREFEN_MASK);
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_PCSEL, (1u << 19) | (1u << 2));
    wr(fh, A_ADC_JSQR, 1u | (19u << 9) | (2u << 15));   /* JL = 1: two ranks */
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_JADSTART_MASK);
    fh_advance(fh, 20 * ADC_CYCLE_PS);
    assert_true(isr(fh) & R_ADC_ISR_JEOS_MASK);
    assert_false(rd(fh, A_ADC_CR) & R_ADC_CR_JADSTART_MASK);
    assert_int_equal(rd(fh, A_ADC_JDR1), sysword(H7_ADC_VREFINT_CAL_ADDR));
    assert_int_equal(rd(fh, A_ADC_JDR2), 32768u);
}

/* EOCIE raises ADC3_IRQn 127; ADC1 and ADC2 share ADC_IRQn 18. */
static void test_eocie_raises_the_adc_interrupt(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_IER, R_ADC_ISR_EOC_MASK);
    assert_false(fh->irq[H7_CM7][127]);
    convert(fh, ADC3B, 2);
    assert_false(fh->irq[H7_CM7][127]);   /* the DR read in convert() cleared EOC */
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 100 * ADC_CYCLE_PS);
    assert_true(fh->irq[H7_CM7][127]);
    assert_true(fh->irq[H7_CM4][127]);
    assert_false(fh->irq[H7_CM7][18]);
}

/* PCSEL must pre-select every converted channel. */
static void test_converting_a_channel_not_preselected_is_a_guest_error(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    wr(fh, A_ADC_SQR1, 5u << 6);
    wr(fh, A_ADC_CR, R_ADC_CR_ADVREGEN_MASK | R_ADC_CR_ADSTART_MASK);
    fh_advance(fh, 100 * ADC_CYCLE_PS);
    assert_true(fh_logged(fh, "ADC_PCSEL bit 5 = 0"));
}

/* RCC_AHB1RSTR.ADC12RST / AHB4RSTR.ADC3RST put the ADCs back to their reset state. */
static void test_rcc_peripheral_reset_restores_the_adcs(void **state)
{
    fake_host *fh = *state;
    enable(fh, ADC3B, ADC3C);
    enable(fh, ADC1B, ADC12C);
    fh_write(fh, CM7, RCC + 0x088, 1u << 24);
    fh_write(fh, CM7, RCC + 0x088, 0);
    assert_int_equal(rd(fh, A_ADC_CR), R_ADC_CR_DEEPPWD_MASK);
    assert_int_equal(fh_read(fh, CM7, ADC3C + A_ADC_CCR), 0);
    assert_true(fh_read(fh, CM7, ADC1B + A_ADC_CR) & R_ADC_CR_ADEN_MASK);
    fh_write(fh, CM7, RCC + 0x080, 1u << 5);
    assert_int_equal(fh_read(fh, CM7, ADC1B + A_ADC_CR), R_ADC_CR_DEEPPWD_MASK);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(registers_read_their_reset_values),
        T(advregen_in_deep_power_down_is_refused),
        T(ldordy_sets_10us_after_advregen),
        T(aden_without_the_regulator_is_refused),
        T(adrdy_follows_aden_only_with_an_adc_clock),
        T(linearity_calibration_takes_time_and_self_clears),
        T(calibration_with_aden_set_is_refused),
        T(factory_words_are_plausible),
        T(vrefint_gives_vdda_through_the_hal_formula),
        T(vrefint_channel_reads_zero_without_vrefen),
        T(temperature_sensor_matches_ts_cal_points),
        T(pin_voltages_come_from_the_board_with_mid_scale_default),
        T(resolution_scales_the_code),
        T(conversion_takes_sampling_plus_sar_time),
        T(scan_sequence_sets_eos_after_the_last_rank),
        T(unread_results_in_continuous_mode_overrun),
        T(external_trigger_starts_the_armed_sequence),
        T(dma_request_follows_eoc_when_dmngt_selects_dma),
        T(injected_sequence_fills_jdr_registers),
        T(eocie_raises_the_adc_interrupt),
        T(converting_a_channel_not_preselected_is_a_guest_error),
        T(rcc_peripheral_reset_restores_the_adcs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

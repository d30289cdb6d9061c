/* Timers TIM1-TIM17 (RM0399 ch.38-41): counter computed from time, kernel clock with the APB x2
 * rule (§9.5.x), preload of PSC/ARR (§38.3.1-2), UG/URS, one-pulse (§38.3.19), down and
 * center-aligned counting, repetition counter, compare flags and the NVIC lines. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define TIM6 0x40001000u
#define TIM2 0x40000000u
#define TIM1 0x40010000u
#define TIM8 0x40010400u
#define TIM13 0x40001C00u
#define CM7 H7_MASTER_CM7
#define TIM6_IRQN 54
#define TIM2_IRQN 28
#define US H7_PS_PER_US
#define MS H7_PS_PER_MS

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E8, 0x1FFu);        /* APB1LENR: TIM2..TIM14 */
    fh_write(fh, CM7, RCC + 0x0F0, 0x70003u);      /* APB2ENR: TIM1, TIM8, TIM15-17 */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static uint32_t rd(fake_host *fh, uint32_t base, uint32_t off) { return fh_read(fh, CM7, base + off); }
static void wr(fake_host *fh, uint32_t base, uint32_t off, uint32_t v) { fh_write(fh, CM7, base + off, v); }

/* HAL_InitTick with a timer: PSC, ARR, UG, clear UIF, UIE, CEN. */
static void start_timebase(fake_host *fh, uint32_t base, uint32_t psc, uint32_t arr)
{
    wr(fh, base, A_TIM_ARR, arr);
    wr(fh, base, A_TIM_PSC, psc);
    wr(fh, base, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, base, A_TIM_SR, 0);
    wr(fh, base, A_TIM_DIER, R_TIM_DIER_UIE_MASK);
    wr(fh, base, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
}

static void test_tim6_counts_from_time_at_the_prescaled_kernel_clock(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_PSC, 63);                    /* 64 MHz / 64 = 1 MHz */
    wr(fh, TIM6, A_TIM_EGR, R_TIM_EGR_UG_MASK);     /* PSC is preloaded: UG loads it */
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 250 * US);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 250);
    fh_advance(fh, 1 * MS);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 1250);
    wr(fh, TIM6, A_TIM_CR1, 0);                     /* stopped: the counter holds */
    fh_advance(fh, 1 * MS);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 1250);
}

static void test_tim6_time_base_interrupts_every_millisecond(void **state)
{
    fake_host *fh = *state;
    start_timebase(fh, TIM6, 63, 999);
    assert_false(fh->irq[0][TIM6_IRQN]);
    for (int ms = 1; ms <= 10; ms++) {
        fh_advance(fh, 1 * MS);
        assert_true(fh->irq[0][TIM6_IRQN]);
        assert_true(fh->irq[1][TIM6_IRQN]);   /* both NVICs see TIM6_DAC_IRQn */
        assert_true(rd(fh, TIM6, A_TIM_SR) & R_TIM_SR_UIF_MASK);
        wr(fh, TIM6, A_TIM_SR, ~R_TIM_SR_UIF_MASK);   /* the ISR clears UIF (rc_w0) */
        assert_false(fh->irq[0][TIM6_IRQN]);
    }
    assert_int_equal(fh->irq_rises[0][TIM6_IRQN], 10);
}

static void test_timer_clock_is_twice_pclk_when_apb_prescaler_is_not_one(void **state)
{
    fake_host *fh = *state;
    h7_rcc *r = &fh->soc.rcc;
    assert_int_equal(h7_rcc_tim_hz(r, 1), 64000000u);                 /* APB1 /1: x1 */
    fh_write(fh, CM7, RCC + 0x01C, 4u << 4);                          /* D2PPRE1 = /2 */
    assert_int_equal(h7_rcc_pclk_hz(r, 1), 32000000u);
    assert_int_equal(h7_rcc_tim_hz(r, 1), 64000000u);                 /* x2 */
    fh_write(fh, CM7, RCC + 0x01C, 5u << 4);                          /* /4 */
    assert_int_equal(h7_rcc_tim_hz(r, 1), 32000000u);                 /* 2 x 16 MHz */
    fh_write(fh, CM7, RCC + 0x010, 1u << 15);                         /* TIMPRE */
    assert_int_equal(h7_rcc_tim_hz(r, 1), 64000000u);                 /* 4 x 16 MHz, capped at HCLK */
    fh_write(fh, CM7, RCC + 0x01C, 7u << 4);                          /* /16 */
    assert_int_equal(h7_rcc_tim_hz(r, 1), 16000000u);                 /* 4 x 4 MHz */
    assert_int_equal(h7_rcc_tim_hz(r, 2), 64000000u);                 /* APB2 untouched */
}

static void test_counter_follows_a_clock_change_while_running(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_PSC, 63);
    wr(fh, TIM6, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 100 * US);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 100);
    fh_write(fh, CM7, RCC + 0x01C, 7u << 4);     /* APB1 /16: timer clock 8 MHz, 125 kHz ticks */
    fh_advance(fh, 80 * US);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 110);
}

static void test_arr_with_preload_takes_effect_at_the_next_update(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_PSC, 63);
    wr(fh, TIM6, A_TIM_ARR, 99);
    wr(fh, TIM6, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK | R_TIM_CR1_ARPE_MASK);
    fh_advance(fh, 50 * US);
    wr(fh, TIM6, A_TIM_ARR, 9);                  /* buffered: this period still ends at 99 */
    fh_advance(fh, 40 * US);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 90);
    fh_advance(fh, 15 * US);                     /* update at 100 us, then ARR = 9 */
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 5);
    fh_advance(fh, 10 * US);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 5);
}

static void test_arr_without_preload_takes_effect_at_once(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_PSC, 63);
    wr(fh, TIM6, A_TIM_ARR, 99);
    wr(fh, TIM6, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 50 * US);
    wr(fh, TIM6, A_TIM_ARR, 59);
    fh_advance(fh, 15 * US);                     /* wraps at 59 -> 0 at 60 us */
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 5);
}

static void test_prescaler_is_buffered_until_an_update_event(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_ARR, 999);
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK);   /* PSC 0: 64 MHz */
    wr(fh, TIM6, A_TIM_PSC, 63);                   /* no effect before the update */
    fh_advance(fh, 10 * US);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 640);
    fh_advance(fh, 1000ull * H7_PS_PER_S / 64000000u - 10 * US + 20 * US);  /* update after 1000 ticks */
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 20);                       /* now 1 MHz */
}

static void test_ug_sets_uif_unless_urs_and_reloads_the_counter(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 5 * US);
    assert_int_not_equal(rd(fh, TIM6, A_TIM_CNT), 0);
    wr(fh, TIM6, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 0);
    assert_true(rd(fh, TIM6, A_TIM_SR) & R_TIM_SR_UIF_MASK);
    wr(fh, TIM6, A_TIM_SR, 0);
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK | R_TIM_CR1_URS_MASK);
    wr(fh, TIM6, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    assert_false(rd(fh, TIM6, A_TIM_SR) & R_TIM_SR_UIF_MASK);   /* URS: only overflow sets UIF */
}

static void test_one_pulse_mode_stops_the_counter_at_the_update(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_PSC, 63);
    wr(fh, TIM6, A_TIM_ARR, 99);
    wr(fh, TIM6, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM6, A_TIM_SR, 0);
    wr(fh, TIM6, A_TIM_CR1, R_TIM_CR1_CEN_MASK | R_TIM_CR1_OPM_MASK);
    fh_advance(fh, 1 * MS);
    assert_false(rd(fh, TIM6, A_TIM_CR1) & R_TIM_CR1_CEN_MASK);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 0);
    assert_true(rd(fh, TIM6, A_TIM_SR) & R_TIM_SR_UIF_MASK);
}

static void test_down_counter_underflows_to_arr(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM2, A_TIM_PSC, 63);
    wr(fh, TIM2, A_TIM_ARR, 99);
    wr(fh, TIM2, A_TIM_CR1, R_TIM_CR1_DIR_MASK);
    wr(fh, TIM2, A_TIM_EGR, R_TIM_EGR_UG_MASK);    /* down: UG loads ARR */
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 99);
    wr(fh, TIM2, A_TIM_SR, 0);
    wr(fh, TIM2, A_TIM_CR1, R_TIM_CR1_DIR_MASK | R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 99 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 0);
    assert_false(rd(fh, TIM2, A_TIM_SR) & R_TIM_SR_UIF_MASK);
    fh_advance(fh, 1 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 99);
    assert_true(rd(fh, TIM2, A_TIM_SR) & R_TIM_SR_UIF_MASK);
}

static void test_center_aligned_counts_up_then_down_with_updates_at_both_ends(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM2, A_TIM_PSC, 63);
    wr(fh, TIM2, A_TIM_ARR, 10);
    wr(fh, TIM2, A_TIM_CR1, 1u << R_TIM_CR1_CMS_SHIFT);
    wr(fh, TIM2, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM2, A_TIM_SR, 0);
    wr(fh, TIM2, A_TIM_CR1, (1u << R_TIM_CR1_CMS_SHIFT) | R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 10 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 10);
    assert_true(rd(fh, TIM2, A_TIM_SR) & R_TIM_SR_UIF_MASK);   /* overflow at ARR */
    wr(fh, TIM2, A_TIM_SR, 0);
    fh_advance(fh, 3 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 7);
    assert_true(rd(fh, TIM2, A_TIM_CR1) & R_TIM_CR1_DIR_MASK);   /* DIR reads "down" */
    fh_advance(fh, 7 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 0);
    assert_true(rd(fh, TIM2, A_TIM_SR) & R_TIM_SR_UIF_MASK);   /* underflow at 0 */
    fh_advance(fh, 2 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 2);
}

static void test_tim2_is_32_bit_and_compare_sets_ccxif_and_its_interrupt(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM2, A_TIM_ARR, 0xFFFFFFFFu);
    assert_int_equal(rd(fh, TIM2, A_TIM_ARR), 0xFFFFFFFFu);
    wr(fh, TIM2, A_TIM_PSC, 63);
    wr(fh, TIM2, A_TIM_CCR1, 300);
    wr(fh, TIM2, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM2, A_TIM_SR, 0);
    wr(fh, TIM2, A_TIM_DIER, 1u << 1);              /* CC1IE */
    wr(fh, TIM2, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 299 * US);
    assert_false(fh->irq[0][TIM2_IRQN]);
    fh_advance(fh, 1 * US);
    assert_true(fh->irq[0][TIM2_IRQN]);
    assert_int_equal(rd(fh, TIM2, A_TIM_SR), 1u << 1);
    fh_advance(fh, 100000 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 100300);   /* no 16-bit wrap */
}

static void test_tim6_cnt_and_arr_are_16_bit(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM6, A_TIM_ARR, 0x12345678u);
    assert_int_equal(rd(fh, TIM6, A_TIM_ARR), 0x5678u);
    assert_false(fh_logged(fh, "GUEST_ERROR"));
    rd(fh, TIM6, A_TIM_CCR1);                        /* basic timers have no channels */
    assert_true(fh_logged(fh, "no register there"));
}

static void test_repetition_counter_makes_an_update_every_rcr_plus_one_overflows(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM1, A_TIM_PSC, 63);
    wr(fh, TIM1, A_TIM_ARR, 9);
    wr(fh, TIM1, A_TIM_RCR, 2);
    wr(fh, TIM1, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM1, A_TIM_SR, 0);
    wr(fh, TIM1, A_TIM_DIER, R_TIM_DIER_UIE_MASK);
    wr(fh, TIM1, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 25 * US);
    assert_false(rd(fh, TIM1, A_TIM_SR) & R_TIM_SR_UIF_MASK);
    fh_advance(fh, 5 * US);                          /* 3 overflows of 10 us */
    assert_true(rd(fh, TIM1, A_TIM_SR) & R_TIM_SR_UIF_MASK);
    assert_true(fh->irq[0][25]);                     /* TIM1_UP_IRQn */
    assert_false(fh->irq[0][27]);
}

static void test_shared_line_tim8_up_tim13_is_the_or_of_both(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM13, A_TIM_DIER, R_TIM_DIER_UIE_MASK);
    wr(fh, TIM13, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    assert_true(fh->irq[0][44]);
    wr(fh, TIM8, A_TIM_DIER, R_TIM_DIER_UIE_MASK);
    wr(fh, TIM8, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM13, A_TIM_SR, 0);
    assert_true(fh->irq[0][44]);                     /* TIM8 still pending */
    wr(fh, TIM8, A_TIM_SR, 0);
    assert_false(fh->irq[0][44]);
}

static void test_long_runs_are_computed_not_ticked(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM2, A_TIM_ARR, 99);                     /* 640 kHz update rate at 64 MHz */
    wr(fh, TIM2, A_TIM_CCR1, 50);
    wr(fh, TIM2, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 10ull * H7_PS_PER_S);             /* 10 s: 6.4 million periods */
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 0);    /* 640e6 ticks is a whole number of periods */
    assert_int_equal(rd(fh, TIM2, A_TIM_SR) & 3u, 3u);   /* UIF and CC1IF */
    assert_false(fh->soc.tim[H7_TIM2].ev.queued);     /* nobody listens: no event queued */
}

static void test_udis_keeps_the_preload_pending_and_sets_no_uif(void **state)
{
    fake_host *fh = *state;
    wr(fh, TIM2, A_TIM_ARR, 99);
    wr(fh, TIM2, A_TIM_CR1, R_TIM_CR1_CEN_MASK | R_TIM_CR1_ARPE_MASK | R_TIM_CR1_UDIS_MASK);
    wr(fh, TIM2, A_TIM_ARR, 9);                      /* buffered; UDIS: never transferred */
    fh_advance(fh, 10ull * H7_PS_PER_S + 1 * US);    /* 640e6 + 64 ticks */
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 64);   /* still wrapping at 99 */
    assert_false(rd(fh, TIM2, A_TIM_SR) & R_TIM_SR_UIF_MASK);
}

static void test_clock_off_timer_ignores_writes(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0E8, 0);
    wr(fh, TIM6, A_TIM_ARR, 5);
    fh_write(fh, CM7, RCC + 0x0E8, 1u << 4);
    assert_int_equal(rd(fh, TIM6, A_TIM_ARR), 0xFFFF);
}

#define TIM3 0x40000400u
#define GPIOB 0x58020400u

/* PB0 (LD1 on the Nucleo) in AF2 = TIM3_CH3; PWM mode 1, 1 kHz, 25 % (RM0399 §39.3.10). */
static void pwm_on_pb0(fake_host *fh, uint32_t ccer)
{
    fh_write(fh, CM7, RCC + 0x0E0, 1u << 1);                   /* AHB4ENR.GPIOBEN */
    fh_write(fh, CM7, GPIOB + 0x20, 2u);                       /* AFRL: PB0 = AF2 */
    fh_write(fh, CM7, GPIOB + 0x00, 0xFFFFFFFEu & ~1u);        /* PB0 alternate function (10) */
    wr(fh, TIM3, A_TIM_PSC, 63);
    wr(fh, TIM3, A_TIM_ARR, 999);
    wr(fh, TIM3, A_TIM_CCR1 + 8, 250);
    wr(fh, TIM3, A_TIM_CCMR2, (6u << 4) | (1u << 3));          /* OC3M = PWM1, OC3PE */
    wr(fh, TIM3, A_TIM_CCER, ccer);
    wr(fh, TIM3, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM3, A_TIM_CR1, R_TIM_CR1_CEN_MASK | R_TIM_CR1_ARPE_MASK);
}

static void test_pwm_on_an_alternate_function_pin_drives_the_gpio(void **state)
{
    fake_host *fh = *state;
    pwm_on_pb0(fh, 1u << 8);                                   /* CC3E */
    h7_gpio *pb = &fh->soc.gpio[1];
    assert_true(h7_gpio_pin_level(pb, 0));                     /* CNT 0 < CCR3 */
    fh_advance(fh, 249 * US);
    assert_true(h7_gpio_pin_level(pb, 0));
    fh_advance(fh, 1 * US);
    assert_false(h7_gpio_pin_level(pb, 0));                    /* CNT reached CCR3 */
    fh_advance(fh, 750 * US);
    assert_true(h7_gpio_pin_level(pb, 0));                     /* update: CNT back to 0 */
    fh_advance(fh, 9 * MS);
    assert_int_equal(fh->ev_count[H7_EV_GPIO_PIN], 1 + 2 * 10);   /* 10 periods, 2 edges each */
    assert_true(fh_traced(fh, "gpio: PB0 high"));
    assert_true(fh_traced(fh, "gpio: PB0 low"));
}

static void test_pwm_polarity_inverts_and_a_disabled_channel_drives_nothing(void **state)
{
    fake_host *fh = *state;
    pwm_on_pb0(fh, 0);                                         /* CC3E = 0 */
    fh_advance(fh, 5 * MS);
    assert_int_equal(fh->ev_count[H7_EV_GPIO_PIN], 0);
    assert_false(fh->soc.tim[H7_TIM3].ev.queued);
    wr(fh, TIM3, A_TIM_CCER, (1u << 8) | (1u << 9));          /* CC3E, CC3P: active low */
    fh_advance(fh, 100 * US);
    bool en;
    assert_false(h7_tim_channel_output(&fh->soc.tim[H7_TIM3], 2, &en) && en);
    assert_false(h7_gpio_pin_level(&fh->soc.gpio[1], 0));
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* ------------------------------------------------------------------ DBGMCU freeze (RM0399 §63.5) */

#define DBGMCU 0x5C001000u
/* APB1LFZ1.DBG_TIM6 (b4) with CPU1 halted: the counter stops and no update interrupt comes; on
 * resume it goes on from the same value, the period shifted by the halt. */
static void test_tim6_stops_while_cpu1_is_halted_with_its_apb1lfz1_bit(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, H7_MASTER_DEBUG, DBGMCU + 0x3C, 1u << 4);   /* APB1LFZ1.DBG_TIM6 */
    start_timebase(fh, TIM6, 63, 999);                      /* 1 MHz, update every 1 ms */
    fh_advance(fh, 400 * US);
    fh_debug_halt(fh, H7_CM7, true);
    fh_advance(fh, 5 * MS);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 400);
    assert_false(fh->irq[H7_CM7][TIM6_IRQN]);
    fh_debug_halt(fh, H7_CM7, false);
    fh_advance(fh, 500 * US);
    assert_int_equal(rd(fh, TIM6, A_TIM_CNT), 900);
    assert_false(fh->irq[H7_CM7][TIM6_IRQN]);
    fh_advance(fh, 101 * US);                               /* 1 ms of timer time since the start */
    assert_true(fh->irq[H7_CM7][TIM6_IRQN]);
}

/* The freeze needs both: the bit of the halted CPU's register (FZ1 for CPU1, FZ2 for CPU2). */
static void test_timer_runs_on_when_the_halted_cpu_has_no_freeze_bit(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, H7_MASTER_DEBUG, DBGMCU + 0x3C, 1u << 0);   /* APB1LFZ1.DBG_TIM2: CPU1 only */
    wr(fh, TIM2, A_TIM_PSC, 63);
    wr(fh, TIM2, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM2, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_debug_halt(fh, H7_CM4, true);
    fh_advance(fh, 300 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 300);         /* CM4 halted, no APB1LFZ2 bit */
    fh_write(fh, H7_MASTER_DEBUG, DBGMCU + 0x40, 1u << 0);   /* APB1LFZ2.DBG_TIM2: acts at once */
    fh_advance(fh, 300 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 300);
    fh_debug_halt(fh, H7_CM4, false);
    fh_advance(fh, 100 * US);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 400);
    /* TIM1 (APB2FZ1 b0) is not frozen by TIM2's bit */
    wr(fh, TIM1, A_TIM_PSC, 63);
    wr(fh, TIM1, A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM1, A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_debug_halt(fh, H7_CM4, true);
    fh_advance(fh, 200 * US);
    assert_int_equal(rd(fh, TIM1, A_TIM_CNT), 200);
    assert_int_equal(rd(fh, TIM2, A_TIM_CNT), 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(tim6_counts_from_time_at_the_prescaled_kernel_clock),
        T(tim6_time_base_interrupts_every_millisecond),
        T(timer_clock_is_twice_pclk_when_apb_prescaler_is_not_one),
        T(counter_follows_a_clock_change_while_running),
        T(arr_with_preload_takes_effect_at_the_next_update),
        T(arr_without_preload_takes_effect_at_once),
        T(prescaler_is_buffered_until_an_update_event),
        T(ug_sets_uif_unless_urs_and_reloads_the_counter),
        T(one_pulse_mode_stops_the_counter_at_the_update),
        T(down_counter_underflows_to_arr),
        T(center_aligned_counts_up_then_down_with_updates_at_both_ends),
        T(tim2_is_32_bit_and_compare_sets_ccxif_and_its_interrupt),
        T(tim6_cnt_and_arr_are_16_bit),
        T(repetition_counter_makes_an_update_every_rcr_plus_one_overflows),
        T(shared_line_tim8_up_tim13_is_the_or_of_both),
        T(long_runs_are_computed_not_ticked),
        T(udis_keeps_the_preload_pending_and_sets_no_uif),
        T(clock_off_timer_ignores_writes),
        T(pwm_on_an_alternate_function_pin_drives_the_gpio),
        T(pwm_polarity_inverts_and_a_disabled_channel_drives_nothing),
        T(tim6_stops_while_cpu1_is_halted_with_its_apb1lfz1_bit),
        T(timer_runs_on_when_the_halted_cpu_has_no_freeze_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

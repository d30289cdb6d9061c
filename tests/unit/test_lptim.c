/* Low-power timers (RM0399 ch.43): kernel clock mux and prescaler, ARR/CMP writes with their OK
 * flags, continuous and single mode, ARRM/CMPM and the NVIC line. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define PWR 0x58024800u
#define LPTIM1 0x40002400u
#define LPTIM2 0x58002400u
#define CM7 H7_MASTER_CM7
#define US H7_PS_PER_US
#define MS H7_PS_PER_MS

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E8, 1u << 9);    /* APB1LENR.LPTIM1EN */
    fh_write(fh, CM7, RCC + 0x0F4, 1u << 9);    /* APB4ENR.LPTIM2EN */
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

/* HAL_LPTIM_Counter_Start_IT order: CFGR, IER, ENABLE, ARR (wait ARROK), CNTSTRT or SNGSTRT. */
static void start(fake_host *fh, uint32_t base, uint32_t presc, uint32_t arr, uint32_t ier, uint32_t mode)
{
    wr(fh, base, A_LPTIM_CFGR, presc << R_LPTIM_CFGR_PRESC_SHIFT);
    wr(fh, base, A_LPTIM_IER, ier);
    wr(fh, base, A_LPTIM_CR, R_LPTIM_CR_ENABLE_MASK);
    wr(fh, base, A_LPTIM_ARR, arr);
    assert_false(rd(fh, base, A_LPTIM_ISR) & R_LPTIM_ISR_ARROK_MASK);
    fh_advance(fh, 100 * US);                          /* 3 kernel clock periods (LSE: 92 us) */
    assert_true(rd(fh, base, A_LPTIM_ISR) & R_LPTIM_ISR_ARROK_MASK);
    wr(fh, base, A_LPTIM_ICR, R_LPTIM_ISR_ARROK_MASK);
    wr(fh, base, A_LPTIM_CR, R_LPTIM_CR_ENABLE_MASK | mode);
}

static void test_continuous_mode_sets_arrm_every_period_and_interrupts(void **state)
{
    fake_host *fh = *state;
    start(fh, LPTIM1, 7, 499, R_LPTIM_ISR_ARRM_MASK, R_LPTIM_CR_CNTSTRT_MASK);   /* 64 MHz / 128 = 500 kHz */
    fh_advance(fh, 250 * US);
    assert_int_equal(rd(fh, LPTIM1, A_LPTIM_CNT), 125);
    assert_false(fh->irq[H7_CM7][93]);
    fh_advance(fh, 750 * US);
    assert_true(rd(fh, LPTIM1, A_LPTIM_ISR) & R_LPTIM_ISR_ARRM_MASK);
    assert_true(fh->irq[H7_CM7][93]);
    wr(fh, LPTIM1, A_LPTIM_ICR, R_LPTIM_ISR_ARRM_MASK);
    assert_false(fh->irq[H7_CM7][93]);
    fh_advance(fh, 1 * MS);
    assert_true(fh->irq[H7_CM7][93]);
    assert_int_equal(fh->irq_rises[H7_CM7][93], 2);
    fh_advance(fh, 10 * MS + 2 * US);
    assert_int_equal(rd(fh, LPTIM1, A_LPTIM_CNT), 1);   /* 12 ms + 2 us after the start: 1 tick into a period */
}

static void test_single_mode_stops_at_arr(void **state)
{
    fake_host *fh = *state;
    start(fh, LPTIM1, 7, 99, 0, R_LPTIM_CR_SNGSTRT_MASK);
    fh_advance(fh, 1 * MS);
    assert_true(rd(fh, LPTIM1, A_LPTIM_ISR) & R_LPTIM_ISR_ARRM_MASK);
    uint32_t c = rd(fh, LPTIM1, A_LPTIM_CNT);
    fh_advance(fh, 1 * MS);
    assert_int_equal(rd(fh, LPTIM1, A_LPTIM_CNT), c);
}

static void test_compare_match_sets_cmpm(void **state)
{
    fake_host *fh = *state;
    start(fh, LPTIM1, 7, 499, R_LPTIM_ISR_CMPM_MASK, R_LPTIM_CR_CNTSTRT_MASK);
    wr(fh, LPTIM1, A_LPTIM_CMP, 100);
    fh_advance(fh, 150 * US);                          /* 75 ticks */
    assert_false(rd(fh, LPTIM1, A_LPTIM_ISR) & R_LPTIM_ISR_CMPM_MASK);
    fh_advance(fh, 60 * US);                           /* 105 ticks */
    assert_true(rd(fh, LPTIM1, A_LPTIM_ISR) & R_LPTIM_ISR_CMPM_MASK);
    assert_true(fh->irq[H7_CM4][93]);
}

static void test_arr_write_with_the_timer_disabled_is_ignored(void **state)
{
    fake_host *fh = *state;
    wr(fh, LPTIM1, A_LPTIM_ARR, 5);
    assert_int_equal(rd(fh, LPTIM1, A_LPTIM_ARR), 1);
    assert_true(fh_logged(fh, "ENABLE = 0"));
}

static void test_lptim2_counts_the_lse_when_selected(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR1, fh_read(fh, CM7, PWR + A_PWR_CR1) | R_PWR_CR1_DBP_MASK);
    fh_write(fh, CM7, RCC + A_RCC_BDCR, R_RCC_BDCR_LSEON_MASK);
    fh_advance(fh, 200 * MS);
    fh_write(fh, CM7, RCC + A_RCC_D3CCIPR, 3u << 10);   /* LPTIM2SEL = LSE */
    assert_int_equal(h7_lptim_kernel_hz(&fh->soc, 2), 32768u);
    start(fh, LPTIM2, 0, 0xFFFF, 0, R_LPTIM_CR_CNTSTRT_MASK);
    fh_advance(fh, 1 * H7_PS_PER_S);
    assert_int_equal(rd(fh, LPTIM2, A_LPTIM_CNT), 32768u);   /* 1 s of 32768 Hz */
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)


/* RM0399 §63.5: APB4FZ1.DBG_LPTIM2 (b9) stops LPTIM2 while CPU1 is halted by the debugger. */
static void test_lptim2_stops_while_cpu1_is_halted_with_its_apb4fz1_bit(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, H7_MASTER_DEBUG, 0x5C001000u + 0x54, 1u << 9);
    start(fh, LPTIM2, 7, 0xFFFF, 0, R_LPTIM_CR_CNTSTRT_MASK);   /* rcc_pclk4 64 MHz / 128 = 500 kHz */
    fh_advance(fh, 200 * US);
    assert_int_equal(rd(fh, LPTIM2, A_LPTIM_CNT), 100);
    fh_debug_halt(fh, H7_CM7, true);
    fh_advance(fh, 2 * MS);
    assert_int_equal(rd(fh, LPTIM2, A_LPTIM_CNT), 100);
    fh_debug_halt(fh, H7_CM7, false);
    fh_advance(fh, 100 * US);
    assert_int_equal(rd(fh, LPTIM2, A_LPTIM_CNT), 150);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(continuous_mode_sets_arrm_every_period_and_interrupts),
        T(single_mode_stops_at_arr),
        T(compare_match_sets_cmpm),
        T(arr_write_with_the_timer_disabled_is_ignored),
        T(lptim2_counts_the_lse_when_selected),
        T(lptim2_stops_while_cpu1_is_halted_with_its_apb4fz1_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

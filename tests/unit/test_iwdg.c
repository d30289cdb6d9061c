/* Independent watchdogs (RM0399 ch.45) and the reset flags they leave (RM0399 §9.4.4, RCC_RSR). */
#include "support.h"

#include "fake_host.h"
#include "flash_regs.h"

#define IWDG1 0x58004800u
#define IWDG2 0x58004C00u
#define RCC 0x58024400u
#define DBGMCU 0x5C001000u
#define CM7 H7_MASTER_CM7
#define MS H7_PS_PER_MS
#define US H7_PS_PER_US

static int setup(void **state)
{
    *state = fh_new();
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void wr(fake_host *fh, uint32_t base, uint32_t off, uint32_t v) { fh_write(fh, CM7, base + off, v); }
static uint32_t rd(fake_host *fh, uint32_t base, uint32_t off) { return fh_read(fh, CM7, base + off); }

/* HAL_IWDG_Init order: start, unlock, PR, RLR, wait SR == 0, refresh. */
static void start(fake_host *fh, uint32_t base, uint32_t pr, uint32_t rlr)
{
    wr(fh, base, A_IWDG_KR, 0xCCCC);
    wr(fh, base, A_IWDG_KR, 0x5555);
    wr(fh, base, A_IWDG_PR, pr);
    wr(fh, base, A_IWDG_RLR, rlr);
    assert_int_equal(rd(fh, base, A_IWDG_SR), 3u);   /* PVU, RVU busy */
    fh_advance(fh, 200 * US);                        /* 5 LSI periods = 156 us */
    assert_int_equal(rd(fh, base, A_IWDG_SR), 0);
    wr(fh, base, A_IWDG_KR, 0xAAAA);
}

static void test_unrefreshed_iwdg1_requests_a_system_reset_after_its_timeout(void **state)
{
    fake_host *fh = *state;
    start(fh, IWDG1, 0, 1000);   /* /4 at 32 kHz: 125 us per count, 125 ms */
    fh_advance(fh, 124 * MS);
    assert_int_equal(fh->system_resets, 0);
    fh_advance(fh, 1 * MS);
    assert_int_equal(fh->system_resets, 1);
    assert_int_equal(fh->reset_cause, H7_CAUSE_IWDG1);
    assert_true(fh_traced(fh, "iwdg1: timeout, system reset"));
}

static void test_refresh_reloads_the_counter(void **state)
{
    fake_host *fh = *state;
    start(fh, IWDG2, 0, 1000);
    for (int i = 0; i < 10; i++) {
        fh_advance(fh, 100 * MS);
        wr(fh, IWDG2, A_IWDG_KR, 0xAAAA);
    }
    assert_int_equal(fh->system_resets, 0);
    assert_int_equal(h7_iwdg_counter(&fh->soc.iwdg[1]), 1000);
    fh_advance(fh, 125 * MS);
    assert_int_equal(fh->reset_cause, H7_CAUSE_IWDG2);
}

static void test_counter_counts_down_at_lsi_over_prescaler(void **state)
{
    fake_host *fh = *state;
    start(fh, IWDG1, 2, 4095);   /* /16: 500 us per count */
    fh_advance(fh, 50 * MS);
    assert_int_equal(h7_iwdg_counter(&fh->soc.iwdg[0]), 4095 - 100);
    assert_int_equal(h7_iwdg_timeout_ps(&fh->soc.iwdg[0]), 4095ull * 500 * US);
}

static void test_pr_rlr_writes_need_the_5555_key(void **state)
{
    fake_host *fh = *state;
    wr(fh, IWDG1, A_IWDG_PR, 3);
    assert_int_equal(rd(fh, IWDG1, A_IWDG_PR), 0);
    assert_true(fh_logged(fh, "without the 0x5555 key"));
    wr(fh, IWDG1, A_IWDG_KR, 0x5555);
    wr(fh, IWDG1, A_IWDG_KR, 0x1234);                /* any other key locks again */
    wr(fh, IWDG1, A_IWDG_RLR, 7);
    assert_int_equal(rd(fh, IWDG1, A_IWDG_RLR), 0xFFF);
}

static void test_refresh_above_the_window_resets(void **state)
{
    fake_host *fh = *state;
    start(fh, IWDG1, 0, 1000);
    wr(fh, IWDG1, A_IWDG_KR, 0x5555);
    wr(fh, IWDG1, A_IWDG_WINR, 500);
    assert_int_equal(rd(fh, IWDG1, A_IWDG_SR), 4u);   /* WVU */
    fh_advance(fh, 200 * US);
    fh_advance(fh, 10 * MS);                          /* counter ~920 > 500 */
    wr(fh, IWDG1, A_IWDG_KR, 0xAAAA);
    assert_int_equal(fh->system_resets, 1);
    assert_true(fh_traced(fh, "iwdg1: refreshed outside the window"));
}

static void test_refresh_inside_the_window_is_accepted(void **state)
{
    fake_host *fh = *state;
    start(fh, IWDG1, 0, 1000);
    wr(fh, IWDG1, A_IWDG_KR, 0x5555);
    wr(fh, IWDG1, A_IWDG_WINR, 500);
    fh_advance(fh, 200 * US);
    fh_advance(fh, 70 * MS);                          /* counter 1000 - 560 = 440 < 500 */
    wr(fh, IWDG1, A_IWDG_KR, 0xAAAA);
    assert_int_equal(fh->system_resets, 0);
}

static void test_system_reset_stops_the_watchdog(void **state)
{
    fake_host *fh = *state;
    start(fh, IWDG1, 0, 100);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    fh_advance(fh, 1000 * MS);
    assert_int_equal(fh->system_resets, 0);
}

/* RM0399 §63.5 APB4FZ1.WDGLSD1: the counter stands still while CPU1 is halted; after the resume the
 * whole timeout is still ahead (the freeze set before the start: nothing was counted). */
static void test_dbgmcu_freeze_holds_the_timeout_while_cpu1_is_halted(void **state)
{
    fake_host *fh = *state;
    fh->halted[H7_CM7] = true;   /* halted before the freeze bit is written */
    fh_write(fh, H7_MASTER_DEBUG, DBGMCU + 0x54, 1u << 18);   /* APB4FZ1.WDGLSD1: acts at once */
    start(fh, IWDG1, 0, 100);                                 /* 12.5 ms */
    fh_advance(fh, 100 * MS);
    assert_int_equal(fh->system_resets, 0);
    fh_debug_halt(fh, H7_CM7, false);                         /* the core resumes */
    fh_advance(fh, 12 * MS);
    assert_int_equal(fh->system_resets, 0);
    fh_advance(fh, 1 * MS);
    assert_int_equal(fh->system_resets, 1);
}

static void test_reset_flags_per_cause_follow_rm0399(void **state)
{
    (void)state;
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_POWER_ON), 0x00FE0000u);
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_PIN), 0x00460000u);             /* PIN, C1, C2 */
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_SFT_CM7), 0x01460000u);
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_SFT_CM4), 0x02460000u);
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_IWDG1), 0x04460000u);
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_IWDG2), 0x08460000u);
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_WWDG1), 0x10460000u);
    assert_int_equal(h7_rcc_rsr_flags(H7_CAUSE_LPWR2), 0x80460000u);
    assert_string_equal(h7_reset_cause_name(H7_CAUSE_IWDG1), "iwdg1 timeout");
}

static void test_hardware_watchdog_option_starts_iwdg1_at_reset(void **state)
{
    fake_host *fh = *state;
    h7_flash_set_options(&fh->soc.flash, H7_FLASH_OPTSR_FACTORY & ~(1u << 4), H7_FLASH_BOOT7_FACTORY,
                         H7_FLASH_BOOT4_FACTORY);                  /* IWDG1_SW = 0 */
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    fh_advance(fh, 4095ull * 125 * US - 1);                        /* RLR 0xFFF at /4: 511.9 ms */
    assert_int_equal(fh->system_resets, 0);
    fh_advance(fh, 1);
    assert_int_equal(fh->reset_cause, H7_CAUSE_IWDG1);
}

static void test_d1_stop_with_nrst_stop_d1_cleared_is_a_low_power_reset(void **state)
{
    fake_host *fh = *state;
    h7_flash_set_options(&fh->soc.flash, H7_FLASH_OPTSR_FACTORY & ~(1u << 6), H7_FLASH_BOOT7_FACTORY,
                         H7_FLASH_BOOT4_FACTORY);                  /* NRST_STOP_D1 = 0 */
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, true);
    assert_int_equal(fh->system_resets, 0);                        /* D2 stop: its own option bit is set */
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, true);              /* D1 enters DStop */
    assert_int_equal(fh->system_resets, 1);
    assert_int_equal(fh->reset_cause, H7_CAUSE_LPWR1);
    assert_true(fh_traced(fh, "pwr: d1 entered stop with NRST_STOP_D1 = 0, system reset"));
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(unrefreshed_iwdg1_requests_a_system_reset_after_its_timeout),
        T(refresh_reloads_the_counter),
        T(counter_counts_down_at_lsi_over_prescaler),
        T(pr_rlr_writes_need_the_5555_key),
        T(refresh_above_the_window_resets),
        T(refresh_inside_the_window_is_accepted),
        T(system_reset_stops_the_watchdog),
        T(dbgmcu_freeze_holds_the_timeout_while_cpu1_is_halted),
        T(reset_flags_per_cause_follow_rm0399),
        T(hardware_watchdog_option_starts_iwdg1_at_reset),
        T(d1_stop_with_nrst_stop_d1_cleared_is_a_low_power_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

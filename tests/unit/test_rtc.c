/* Backup domain and RTC (RM0399 ch.46, §9.7.x RCC_BDCR, §7.8.x PWR_CR1.DBP / PWR_CR2): LSE start-up,
 * RTCSEL write-once, VSWRST, write-protection keys, init mode, calendar from time, shadow
 * registers, alarms, wake-up timer, backup registers over resets. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define PWR 0x58024800u
#define RTC 0x58004000u
#define EXTI 0x58000000u
#define CM7 H7_MASTER_CM7
#define MS H7_PS_PER_MS
#define S H7_PS_PER_S

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

static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, RTC + off); }
static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, RTC + off, v); }

static void enable_dbp(fake_host *fh) { fh_write(fh, CM7, PWR + A_PWR_CR1, fh_read(fh, CM7, PWR + A_PWR_CR1) | R_PWR_CR1_DBP_MASK); }

/* What HAL_RCC_OscConfig(LSE) + HAL_RCCEx_PeriphCLKConfig(RTC = LSE) + __HAL_RCC_RTC_ENABLE do. */
static void lse_rtc_clock(fake_host *fh)
{
    enable_dbp(fh);
    fh_write(fh, CM7, RCC + A_RCC_BDCR, R_RCC_BDCR_LSEON_MASK);
    fh_advance(fh, 200 * MS);
    assert_true(fh_read(fh, CM7, RCC + A_RCC_BDCR) & R_RCC_BDCR_LSERDY_MASK);
    fh_write(fh, CM7, RCC + A_RCC_BDCR, R_RCC_BDCR_LSEON_MASK | (1u << R_RCC_BDCR_RTCSEL_SHIFT) | R_RCC_BDCR_RTCEN_MASK);
}

static void unlock(fake_host *fh)
{
    wr(fh, A_RTC_WPR, 0xCA);
    wr(fh, A_RTC_WPR, 0x53);
}

/* HAL_RTC_Init + HAL_RTC_SetTime/SetDate: init mode, PRER, TR, DR, leave init, wait RSF. */
static void set_calendar(fake_host *fh, uint32_t tr, uint32_t dr)
{
    unlock(fh);
    wr(fh, A_RTC_ISR, R_RTC_ISR_INIT_MASK);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_true(rd(fh, A_RTC_ISR) & R_RTC_ISR_INITF_MASK);
    wr(fh, A_RTC_PRER, 0x007F00FFu);
    wr(fh, A_RTC_TR, tr);
    wr(fh, A_RTC_DR, dr);
    wr(fh, A_RTC_ISR, 0);
    wr(fh, A_RTC_ISR, ~(uint32_t)R_RTC_ISR_RSF_MASK & ~(uint32_t)R_RTC_ISR_INIT_MASK);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_true(rd(fh, A_RTC_ISR) & R_RTC_ISR_RSF_MASK);
    wr(fh, A_RTC_WPR, 0xFF);
}

static void test_lse_is_ready_only_after_the_crystal_start_up(void **state)
{
    fake_host *fh = *state;
    enable_dbp(fh);
    fh_write(fh, CM7, RCC + A_RCC_BDCR, R_RCC_BDCR_LSEON_MASK);
    fh_advance(fh, 199 * MS);
    assert_false(fh_read(fh, CM7, RCC + A_RCC_BDCR) & R_RCC_BDCR_LSERDY_MASK);
    fh_advance(fh, 1 * MS);
    assert_true(fh_read(fh, CM7, RCC + A_RCC_BDCR) & R_RCC_BDCR_LSERDY_MASK);
}

static void test_rtcsel_is_write_once_until_a_backup_domain_reset(void **state)
{
    fake_host *fh = *state;
    enable_dbp(fh);
    fh_write(fh, CM7, RCC + A_RCC_BDCR, 2u << R_RCC_BDCR_RTCSEL_SHIFT);   /* LSI */
    fh_write(fh, CM7, RCC + A_RCC_BDCR, 1u << R_RCC_BDCR_RTCSEL_SHIFT);   /* LSE: refused */
    assert_int_equal(H7_FIELD_EX(fh_read(fh, CM7, RCC + A_RCC_BDCR), RCC_BDCR, RTCSEL), 2);
    assert_true(fh_logged(fh, "write-once"));
    fh_write(fh, CM7, RCC + A_RCC_BDCR, R_RCC_BDCR_VSWRST_MASK);
    fh_write(fh, CM7, RCC + A_RCC_BDCR, 0);
    fh_write(fh, CM7, RCC + A_RCC_BDCR, 1u << R_RCC_BDCR_RTCSEL_SHIFT);
    assert_int_equal(H7_FIELD_EX(fh_read(fh, CM7, RCC + A_RCC_BDCR), RCC_BDCR, RTCSEL), 1);
}

static void test_rtc_writes_need_dbp_and_the_wpr_keys(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RTC_BKP0R, 0x1234);
    assert_int_equal(rd(fh, A_RTC_BKP0R), 0);
    assert_true(fh_logged(fh, "DBP = 0"));
    enable_dbp(fh);
    wr(fh, A_RTC_BKP0R, 0x1234);                   /* backup registers: DBP only */
    assert_int_equal(rd(fh, A_RTC_BKP0R), 0x1234);
    wr(fh, A_RTC_CR, R_RTC_CR_FMT_MASK);
    assert_int_equal(rd(fh, A_RTC_CR), 0);
    assert_true(fh_logged(fh, "write-protected"));
    wr(fh, A_RTC_WPR, 0xCA);
    wr(fh, A_RTC_WPR, 0x00);                       /* wrong second key */
    wr(fh, A_RTC_WPR, 0x53);
    wr(fh, A_RTC_CR, R_RTC_CR_BYPSHAD_MASK);
    assert_int_equal(rd(fh, A_RTC_CR), 0);
    unlock(fh);
    wr(fh, A_RTC_CR, R_RTC_CR_BYPSHAD_MASK);
    assert_int_equal(rd(fh, A_RTC_CR), R_RTC_CR_BYPSHAD_MASK);
}

static void test_initf_never_sets_without_an_rtc_clock(void **state)
{
    fake_host *fh = *state;
    enable_dbp(fh);
    unlock(fh);
    wr(fh, A_RTC_ISR, R_RTC_ISR_INIT_MASK);
    fh_advance(fh, 1 * S);                          /* HAL_RTC_Init's timeout */
    assert_false(rd(fh, A_RTC_ISR) & R_RTC_ISR_INITF_MASK);
}

static void test_calendar_counts_seconds_from_the_lse(void **state)
{
    fake_host *fh = *state;
    lse_rtc_clock(fh);
    set_calendar(fh, 0x00235958u, 0x00246228u);     /* 23:59:58, Wednesday 2024-02-28 */
    assert_int_equal(rd(fh, A_RTC_TR), 0x00235958u);
    (void)rd(fh, A_RTC_DR);
    fh_advance(fh, 2 * S);
    assert_int_equal(rd(fh, A_RTC_TR), 0x00000000u);
    assert_int_equal(rd(fh, A_RTC_DR), 0x00248229u);   /* leap day, Thursday */
    fh_advance(fh, 3661 * S);
    assert_int_equal(rd(fh, A_RTC_TR), 0x00010101u);
    assert_int_equal(rd(fh, A_RTC_DR), 0x00248229u);
}

static void test_ssr_counts_down_and_tr_read_locks_dr(void **state)
{
    fake_host *fh = *state;
    lse_rtc_clock(fh);
    set_calendar(fh, 0x00000000u, 0x00012101u);
    fh_advance(fh, 500 * MS);
    assert_int_equal(rd(fh, A_RTC_SSR), 255 - 128);   /* 128 ticks of 256 Hz */
    (void)rd(fh, A_RTC_DR);
    (void)rd(fh, A_RTC_SSR);
    fh_advance(fh, 2 * S);
    assert_int_equal(rd(fh, A_RTC_TR), 0);            /* locked by the SSR read */
    (void)rd(fh, A_RTC_DR);                           /* unlocks */
    assert_int_equal(rd(fh, A_RTC_TR), 0x00000002u);
    (void)rd(fh, A_RTC_DR);
}

static void test_twelve_hour_format_reads_pm(void **state)
{
    fake_host *fh = *state;
    lse_rtc_clock(fh);
    unlock(fh);
    wr(fh, A_RTC_ISR, R_RTC_ISR_INIT_MASK);
    fh_advance(fh, 100 * H7_PS_PER_US);
    wr(fh, A_RTC_CR, R_RTC_CR_FMT_MASK);
    wr(fh, A_RTC_TR, (1u << 22) | 0x00115959u);      /* 11:59:59 PM */
    wr(fh, A_RTC_ISR, 0);
    fh_advance(fh, 1 * S);
    assert_int_equal(rd(fh, A_RTC_TR), 0x00120000u);  /* 12:00:00 AM of the next day */
    (void)rd(fh, A_RTC_DR);
}

static void test_calendar_and_backup_registers_survive_a_system_reset_not_a_power_cycle(void **state)
{
    fake_host *fh = *state;
    lse_rtc_clock(fh);
    set_calendar(fh, 0x00100000u, 0x00012101u);
    wr(fh, A_RTC_BKP0R + 4 * 31, 0xCAFE);
    fh_advance(fh, 10 * S);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    fh_advance(fh, 5 * S);
    assert_int_equal(rd(fh, A_RTC_TR), 0x00100015u);
    (void)rd(fh, A_RTC_DR);
    assert_int_equal(rd(fh, A_RTC_BKP0R + 4 * 31), 0xCAFE);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    assert_int_equal(rd(fh, A_RTC_BKP0R + 4 * 31), 0);
    assert_int_equal(rd(fh, A_RTC_DR), 0x00002101u);
    assert_int_equal(fh_read(fh, CM7, RCC + A_RCC_BDCR), 0);
}

static void test_vbat_battery_keeps_the_backup_domain_over_a_power_cycle(void **state)
{
    fake_host *fh = *state;
    fh->soc.cfg.vbat_battery = true;
    lse_rtc_clock(fh);
    set_calendar(fh, 0x00100000u, 0x00012101u);
    wr(fh, A_RTC_BKP0R, 7);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    fh_advance(fh, 1 * S);
    assert_int_equal(rd(fh, A_RTC_BKP0R), 7);
    assert_int_equal(rd(fh, A_RTC_TR), 0x00100001u);
    (void)rd(fh, A_RTC_DR);
}

static void test_alarm_a_sets_alraf_and_interrupts_through_exti_line_17(void **state)
{
    fake_host *fh = *state;
    lse_rtc_clock(fh);
    set_calendar(fh, 0x00100000u, 0x00012101u);
    fh_write(fh, CM7, EXTI + A_EXTI_RTSR1, 1u << 17);
    fh_write(fh, CM7, EXTI + A_EXTI_C1IMR1, 1u << 17);
    unlock(fh);
    wr(fh, A_RTC_ALRMAR, 0x80808005u);             /* seconds == 05, everything else masked */
    wr(fh, A_RTC_CR, R_RTC_CR_ALRAE_MASK | R_RTC_CR_ALRAIE_MASK);
    fh_advance(fh, 4 * S + 900 * MS);
    assert_false(rd(fh, A_RTC_ISR) & R_RTC_ISR_ALRAF_MASK);
    fh_advance(fh, 200 * MS);
    assert_true(rd(fh, A_RTC_ISR) & R_RTC_ISR_ALRAF_MASK);
    assert_true(fh->irq[H7_CM7][41]);               /* RTC_Alarm_IRQn */
    assert_false(fh->irq[H7_CM4][41]);              /* C2IMR1 not set */
    wr(fh, A_RTC_ISR, ~(uint32_t)R_RTC_ISR_ALRAF_MASK);
    assert_false(rd(fh, A_RTC_ISR) & R_RTC_ISR_ALRAF_MASK);
}

static void test_wakeup_timer_sets_wutf_every_period(void **state)
{
    fake_host *fh = *state;
    lse_rtc_clock(fh);
    set_calendar(fh, 0, 0x00012101u);
    fh_write(fh, CM7, EXTI + A_EXTI_RTSR1, 1u << 19);
    fh_write(fh, CM7, EXTI + A_EXTI_C1IMR1, 1u << 19);
    unlock(fh);
    assert_true(rd(fh, A_RTC_ISR) & R_RTC_ISR_WUTWF_MASK);
    wr(fh, A_RTC_WUTR, 0);                           /* 1 s with ck_spre */
    wr(fh, A_RTC_CR, (4u << R_RTC_CR_WUCKSEL_SHIFT) | R_RTC_CR_WUTE_MASK | R_RTC_CR_WUTIE_MASK);
    fh_advance(fh, 1 * S);
    assert_true(rd(fh, A_RTC_ISR) & R_RTC_ISR_WUTF_MASK);
    assert_true(fh->irq[H7_CM7][3]);                 /* RTC_WKUP_IRQn */
    wr(fh, A_RTC_ISR, ~(uint32_t)R_RTC_ISR_WUTF_MASK);
    fh_write(fh, CM7, EXTI + A_EXTI_C1PR1, 1u << 19);
    assert_false(fh->irq[H7_CM7][3]);
    fh_advance(fh, 1 * S);
    assert_true(fh->irq[H7_CM7][3]);
    assert_int_equal(fh->irq_rises[H7_CM7][3], 2);
}

static void test_backup_regulator_ready_after_bren(void **state)
{
    fake_host *fh = *state;
    enable_dbp(fh);
    fh_write(fh, CM7, PWR + A_PWR_CR2, 1);
    assert_int_equal(fh_read(fh, CM7, PWR + A_PWR_CR2), 1);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_int_equal(fh_read(fh, CM7, PWR + A_PWR_CR2), 0x00010001u);   /* BRRDY */
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)


/* RM0399 §63.5 DBGMCU_APB4FZ2.DBG_RTC (b16): the calendar stands still while CPU2 is halted and
 * goes on from the same second after the resume. */
static void test_dbg_rtc_freezes_the_calendar_while_cpu2_is_halted(void **state)
{
    fake_host *fh = *state;
    lse_rtc_clock(fh);
    set_calendar(fh, 0x00120000u, 0x00242310u);                    /* 12:00:00 */
    fh_write(fh, H7_MASTER_DEBUG, 0x5C001000u + 0x58, 1u << 16);   /* APB4FZ2.DBG_RTC */
    fh_advance(fh, 2 * S);
    assert_int_equal(fh_read(fh, H7_MASTER_DEBUG, RTC + A_RTC_TR), 0x00120002u);
    fh_debug_halt(fh, H7_CM4, true);
    fh_advance(fh, 10 * S);
    assert_int_equal(fh_read(fh, H7_MASTER_DEBUG, RTC + A_RTC_TR), 0x00120002u);
    fh_debug_halt(fh, H7_CM4, false);
    fh_advance(fh, 1 * S);
    assert_int_equal(fh_read(fh, H7_MASTER_DEBUG, RTC + A_RTC_TR), 0x00120003u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(lse_is_ready_only_after_the_crystal_start_up),
        T(rtcsel_is_write_once_until_a_backup_domain_reset),
        T(rtc_writes_need_dbp_and_the_wpr_keys),
        T(initf_never_sets_without_an_rtc_clock),
        T(calendar_counts_seconds_from_the_lse),
        T(ssr_counts_down_and_tr_read_locks_dr),
        T(twelve_hour_format_reads_pm),
        T(calendar_and_backup_registers_survive_a_system_reset_not_a_power_cycle),
        T(vbat_battery_keeps_the_backup_domain_over_a_power_cycle),
        T(alarm_a_sets_alraf_and_interrupts_through_exti_line_17),
        T(wakeup_timer_sets_wutf_every_period),
        T(backup_regulator_ready_after_bren),
        T(dbg_rtc_freezes_the_calendar_while_cpu2_is_halted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

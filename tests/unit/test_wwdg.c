/* System window watchdogs (RM0399 ch.44): counter from PCLK / 4096 / 2^WDGTB, reset when T6
 * clears, refresh above the window, early wake-up interrupt at 0x40 on the owning CPU. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define WWDG1 0x50003000u
#define WWDG2 0x40002C00u
#define CM7 H7_MASTER_CM7
#define US H7_PS_PER_US

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E4, 1u << 6);    /* APB3ENR.WWDG1EN */
    fh_write(fh, CM7, RCC + 0x0E8, 1u << 11);   /* APB1LENR.WWDG2EN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void test_reset_of_cpu1_alone_when_t6_clears_after_64_ticks(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xFF);             /* WDGA, T = 0x7F; PCLK3 64 MHz: 64 us/tick */
    fh_advance(fh, 64 * 32 * US);
    assert_int_equal(fh_read(fh, CM7, WWDG1 + A_WWDG_CR), 0x80u | (0x7Fu - 32));
    fh_advance(fh, 64 * 31 * US);
    assert_int_equal(fh->core_resets[H7_CM7], 0);
    fh_advance(fh, 64 * US);
    assert_int_equal(fh->core_resets[H7_CM7], 1);           /* RCC_GCR.WW1RSC = 0: CPU1 only */
    assert_int_equal(fh->system_resets, 0);
    assert_int_equal(fh->reset_cause, H7_CAUSE_WWDG1);
    assert_true(fh_traced(fh, "wwdg1: timeout, cm7 reset"));
}

static void test_ww1rsc_makes_the_wwdg1_reset_a_system_reset(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0A0, 1u << 0);               /* RCC_GCR.WW1RSC */
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xC0);             /* T = 0x40: one tick */
    fh_advance(fh, 64 * US);
    assert_int_equal(fh->system_resets, 1);
    assert_true(fh_traced(fh, "wwdg1: timeout, system reset"));
    assert_int_equal(h7_rcc_rsr_core_flags(H7_CAUSE_WWDG1, H7_CM7), 0x10020000u);   /* WWDG1RSTF, C1RSTF */
}

static void test_refresh_above_the_window_resets(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, WWDG1 + A_WWDG_CFR, 0x50);
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xFF);
    fh_advance(fh, 64 * 10 * US);                           /* counter 0x75 > 0x50 */
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xFF);
    assert_int_equal(fh->core_resets[H7_CM7], 1);
    assert_true(fh_traced(fh, "wwdg1: refreshed outside the window"));
}

static void test_refresh_inside_the_window_reloads(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, WWDG1 + A_WWDG_CFR, 0x50);
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xFF);
    fh_advance(fh, 64 * 50 * US);                           /* counter 0x4D <= 0x50 */
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xFF);
    fh_advance(fh, 64 * 50 * US);
    assert_int_equal(fh->core_resets[H7_CM7], 0);
}

static void test_early_wakeup_interrupt_at_0x40_on_the_owning_cpu(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, WWDG2 + A_WWDG_CFR, 0x7F | R_WWDG_CFR_EWI_MASK);
    fh_write(fh, CM7, WWDG2 + A_WWDG_CR, 0xC1);             /* T = 0x41 */
    fh_advance(fh, 64 * US);
    assert_true(fh->irq[H7_CM4][0]);                        /* WWDG2 -> CM4 WWDG_IRQn */
    assert_false(fh->irq[H7_CM7][0]);
    assert_int_equal(fh_read(fh, CM7, WWDG2 + A_WWDG_SR), 1);
    fh_write(fh, CM7, WWDG2 + A_WWDG_SR, 0);
    assert_false(fh->irq[H7_CM4][0]);
    fh_advance(fh, 64 * US);
    assert_int_equal(fh->core_resets[H7_CM4], 1);
    assert_int_equal(fh->reset_cause, H7_CAUSE_WWDG2);
}

static void test_wdga_cannot_be_cleared_by_software(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xFF);
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0x7F);
    assert_true(fh_read(fh, CM7, WWDG1 + A_WWDG_CR) & R_WWDG_CR_WDGA_MASK);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)


/* RM0399 §63.5 APB3FZ1 bit 6: WWDG1's counter holds while CPU1 is halted by the debugger; the
 * reset comes as many ticks after the resume as were left at the halt. */
static void test_dbgmcu_freeze_holds_wwdg1_while_cpu1_is_halted(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, H7_MASTER_DEBUG, 0x5C001000u + 0x34, 1u << 6);   /* APB3FZ1.WWDG1 */
    fh_write(fh, CM7, WWDG1 + A_WWDG_CR, 0xFF);                   /* 64 us/tick, reset after 64 ticks */
    fh_advance(fh, 64 * 16 * US);
    fh_debug_halt(fh, H7_CM7, true);
    fh_advance(fh, 100000 * US);
    assert_int_equal(fh_read(fh, H7_MASTER_DEBUG, WWDG1 + A_WWDG_CR), 0x80u | (0x7Fu - 16));
    assert_int_equal(fh->core_resets[H7_CM7], 0);
    fh_debug_halt(fh, H7_CM7, false);
    fh_advance(fh, 64 * 47 * US);
    assert_int_equal(fh->core_resets[H7_CM7], 0);
    fh_advance(fh, 64 * US);
    assert_int_equal(fh->core_resets[H7_CM7], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(reset_of_cpu1_alone_when_t6_clears_after_64_ticks),
        T(ww1rsc_makes_the_wwdg1_reset_a_system_reset),
        T(refresh_above_the_window_resets),
        T(refresh_inside_the_window_reloads),
        T(early_wakeup_interrupt_at_0x40_on_the_owning_cpu),
        T(wdga_cannot_be_cleared_by_software),
        T(dbgmcu_freeze_holds_wwdg1_while_cpu1_is_halted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

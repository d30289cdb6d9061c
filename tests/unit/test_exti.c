/* EXTI model (RM0399 ch.21): mask reset values, configurable-line edges and pending bits, software
 * triggers, direct-line events to one CPU only, SEV lines. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define EXTI 0x58000000u
#define HSEM 0x58026400u
#define GPIOC 0x58020800u
#define SYSCFG 0x58000400u
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG

#define C1IMR1 0x80u
#define C1EMR1 0x84u
#define C1PR1 0x88u
#define C1IMR2 0x90u
#define C1IMR3 0xA0u
#define C1EMR3 0xA4u
#define C2IMR1 0xC0u
#define C2EMR1 0xC4u
#define C2PR1 0xC8u
#define C2IMR2 0xD0u
#define C2IMR3 0xE0u
#define C2EMR3 0xE4u

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

static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, DBG, EXTI + off); }
static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, EXTI + off, v); }

static void test_imr_reset_values(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, C1IMR1), 0xFFC00000u);
    assert_int_equal(rd(fh, C1IMR2), 0xFFF5FFFFu);
    assert_int_equal(rd(fh, C1IMR3), 0x018BFFFFu);
    assert_int_equal(rd(fh, C2IMR1), 0xFFC00000u);
    assert_int_equal(rd(fh, C2IMR2), 0xFFF5FFFFu);
    assert_int_equal(rd(fh, C2IMR3), 0x018BFFFFu);
    for (size_t i = 0; i < h7_exti_nregs; i++)
        if (h7_exti_regs[i].offset != A_EXTI_SWIER1)
            assert_int_equal(rd(fh, h7_exti_regs[i].offset), h7_exti_regs[i].reset);
    assert_int_equal(rd(fh, C1EMR3), 0);
    assert_int_equal(rd(fh, C2EMR3), 0);
}

static void test_rtsr_keeps_configurable_lines_only(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_EXTI_RTSR1, 0xFFFFFFFFu);
    assert_int_equal(rd(fh, A_EXTI_RTSR1), H7_EXTI_CONFIGURABLE1);
    wr(fh, 0x40, 0xFFFFFFFFu);   /* RTSR3 */
    assert_int_equal(rd(fh, 0x40), H7_EXTI_CONFIGURABLE3);
    wr(fh, C1IMR3, 0xFFFFFFFFu);
    assert_int_equal(rd(fh, C1IMR3), 0x01FFFFFFu);
}

static void test_line78_event_reaches_cm4_only_when_c2emr3_bit14_set(void **state)
{
    fake_host *fh = *state;
    h7_exti_set_line(&fh->soc.exti, 78, true);
    h7_exti_set_line(&fh->soc.exti, 78, false);
    assert_int_equal(fh->events[H7_CM4], 0);
    wr(fh, C2EMR3, rd(fh, C2EMR3) | 0x4000u);
    h7_exti_set_line(&fh->soc.exti, 78, true);
    assert_int_equal(fh->events[H7_CM4], 1);
    assert_int_equal(fh->events[H7_CM7], 0);
    assert_true(fh_traced(fh, "exti: line 78 event to cm4"));
    /* Level held high: no new pulse; a new rising edge gives one. */
    h7_exti_set_line(&fh->soc.exti, 78, true);
    assert_int_equal(fh->events[H7_CM4], 1);
    h7_exti_set_line(&fh->soc.exti, 78, false);
    h7_exti_set_line(&fh->soc.exti, 78, true);
    assert_int_equal(fh->events[H7_CM4], 2);
}

static void test_line78_never_reaches_cm7(void **state)
{
    fake_host *fh = *state;
    wr(fh, C1EMR3, 0x4000u);
    h7_exti_set_line(&fh->soc.exti, 78, true);
    assert_int_equal(fh->events[H7_CM7], 0);
}

static void test_line77_event_reaches_cm7_when_c1emr3_bit13_set(void **state)
{
    fake_host *fh = *state;
    wr(fh, C1EMR3, 1u << 13);
    wr(fh, C2EMR3, 1u << 13);
    h7_exti_set_line(&fh->soc.exti, 77, true);
    assert_int_equal(fh->events[H7_CM7], 1);
    assert_int_equal(fh->events[H7_CM4], 0);
}

static void test_hsem_release_with_c2ier_pulses_cm4_event(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, RCC + 0x0E0, 1u << 25);
    wr(fh, C2EMR3, rd(fh, C2EMR3) | 0x4000u);
    fh_write(fh, CM4, HSEM + A_HSEM_C2IER, 1u);
    fh_write(fh, CM7, HSEM, 0x80000300u);
    fh_write(fh, CM7, HSEM, 0x00000300u);
    assert_int_equal(fh->events[H7_CM4], 1);
}

static void test_configurable_line_rising_edge_sets_pending_and_exti_irq_6(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_EXTI_RTSR1, 1u << 0);
    wr(fh, C1IMR1, rd(fh, C1IMR1) | 1u);
    h7_exti_set_line(&fh->soc.exti, 0, true);
    assert_int_equal(rd(fh, C1PR1), 1u);
    assert_true(fh->irq[H7_CM7][6]);
    /* The CM4 has not unmasked it. */
    assert_int_equal(rd(fh, C2PR1), 0);
    assert_false(fh->irq[H7_CM4][6]);
    /* The falling edge is not selected: pending stays, no new trigger. */
    h7_exti_set_line(&fh->soc.exti, 0, false);
    assert_int_equal(rd(fh, C1PR1), 1u);
    /* Write 1 to clear. */
    wr(fh, C1PR1, 1u);
    assert_int_equal(rd(fh, C1PR1), 0);
    assert_false(fh->irq[H7_CM7][6]);
}

static void test_masked_line_does_not_pend(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_EXTI_RTSR1, 1u << 3);
    h7_exti_set_line(&fh->soc.exti, 3, true);
    assert_int_equal(rd(fh, C1PR1), 0);
    assert_false(fh->irq[H7_CM7][9]);
}

static void test_falling_edge_trigger(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_EXTI_FTSR1, 1u << 13);
    wr(fh, C2IMR1, rd(fh, C2IMR1) | (1u << 13));
    h7_exti_set_line(&fh->soc.exti, 13, true);
    assert_int_equal(fh_read(fh, CM4, EXTI + C2PR1), 0);
    h7_exti_set_line(&fh->soc.exti, 13, false);
    assert_int_equal(fh_read(fh, CM4, EXTI + C2PR1), 1u << 13);
    assert_true(fh->irq[H7_CM4][40]);   /* EXTI15_10 */
}

static void test_grouped_lines_share_their_nvic_interrupt(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(h7_exti_line_irq(4), 10);
    assert_int_equal(h7_exti_line_irq(7), 23);
    assert_int_equal(h7_exti_line_irq(12), 40);
    assert_int_equal(h7_exti_line_irq(16), 1);
    assert_int_equal(h7_exti_line_irq(77), -1);
    wr(fh, A_EXTI_RTSR1, (1u << 5) | (1u << 9));
    wr(fh, C1IMR1, rd(fh, C1IMR1) | (1u << 5) | (1u << 9));
    h7_exti_set_line(&fh->soc.exti, 5, true);
    h7_exti_set_line(&fh->soc.exti, 9, true);
    assert_true(fh->irq[H7_CM7][23]);
    wr(fh, C1PR1, 1u << 5);
    assert_true(fh->irq[H7_CM7][23]);
    wr(fh, C1PR1, 1u << 9);
    assert_false(fh->irq[H7_CM7][23]);
}

static void test_swier_triggers_without_edge_selection_and_reads_zero(void **state)
{
    fake_host *fh = *state;
    wr(fh, C1IMR1, rd(fh, C1IMR1) | (1u << 2));
    wr(fh, A_EXTI_SWIER1, 1u << 2);
    assert_int_equal(rd(fh, C1PR1), 1u << 2);
    assert_true(fh->irq[H7_CM7][8]);
    assert_int_equal(rd(fh, A_EXTI_SWIER1), 0);
}

/* Line 16 (PVD/AVD) is configurable; h7_exti_line_irq(16) == 1 (PVD_AVD_IRQn): its pending bit
 * must drive that NVIC line like lines 0..15 drive theirs. */
static void test_swier_on_line16_pends_pvd_avd_irq_1(void **state)
{
    fake_host *fh = *state;
    wr(fh, C1IMR1, rd(fh, C1IMR1) | (1u << 16));
    wr(fh, A_EXTI_SWIER1, 1u << 16);
    assert_int_equal(rd(fh, C1PR1), 1u << 16);
    assert_true(fh->irq[H7_CM7][h7_exti_line_irq(16)]);
    wr(fh, C1PR1, 1u << 16);
    assert_false(fh->irq[H7_CM7][1]);
}

static void test_swier_event_mask_pulses_both_cores(void **state)
{
    fake_host *fh = *state;
    wr(fh, C1EMR1, 1u << 1);
    wr(fh, C2EMR1, 1u << 1);
    wr(fh, A_EXTI_SWIER1, 1u << 1);
    assert_int_equal(fh->events[H7_CM7], 1);
    assert_int_equal(fh->events[H7_CM4], 1);
    assert_int_equal(rd(fh, C1PR1), 0);   /* interrupt masked: no pending */
}

static void test_gpio_pin_reaches_its_exti_line_through_syscfg_exticr(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0F4, 1u << 1);   /* SYSCFG */
    fh_write(fh, CM7, RCC + 0x0E0, 1u << 2);   /* GPIOC */
    fh_write(fh, CM7, SYSCFG + 0x14, 2u << 4); /* EXTICR4: EXTI13 = port C */
    fh_write(fh, CM7, GPIOC + A_GPIO_MODER, 0xFFFFFFFFu & ~(3u << 26));   /* PC13 input */
    wr(fh, A_EXTI_RTSR1, 1u << 13);
    wr(fh, C1IMR1, rd(fh, C1IMR1) | (1u << 13));
    h7_gpio_set_input(&fh->soc.gpio[2], 13, true);
    assert_int_equal(rd(fh, C1PR1), 1u << 13);
    assert_true(fh->irq[H7_CM7][40]);
    /* Port B pin 13 is not selected. */
    wr(fh, C1PR1, 1u << 13);
    h7_gpio_set_input(&fh->soc.gpio[1], 13, true);
    assert_int_equal(rd(fh, C1PR1), 0);
}

static void test_cm7_sev_is_an_event_for_cm4_and_pends_irq_64_when_unmasked(void **state)
{
    fake_host *fh = *state;
    h7_soc_cpu_sev(&fh->soc, H7_CM7);
    assert_int_equal(fh->events[H7_CM4], 1);
    assert_int_equal(fh->events[H7_CM7], 0);
    /* Line 80 is unmasked in C2IMR3 at reset (bit 16). */
    assert_int_equal(fh->irq_rises[H7_CM4][64], 1);
    assert_int_equal(fh->irq_rises[H7_CM7][64], 0);
    h7_soc_cpu_sev(&fh->soc, H7_CM4);
    assert_int_equal(fh->events[H7_CM7], 1);
    assert_int_equal(fh->irq_rises[H7_CM7][65], 1);
    /* Masked: no interrupt, the event still goes. */
    wr(fh, C2IMR3, rd(fh, C2IMR3) & ~(1u << 16));
    h7_soc_cpu_sev(&fh->soc, H7_CM7);
    assert_int_equal(fh->events[H7_CM4], 2);
    assert_int_equal(fh->irq_rises[H7_CM4][64], 1);
}

static void test_unmapped_offset_is_a_guest_error(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, 0x70), 0);
    assert_true(fh_logged(fh, "GUEST_ERROR EXTI"));
}

static void test_byte_write_to_imr_updates_one_lane(void **state)
{
    fake_host *fh = *state;
    fh_write_sized(fh, CM7, EXTI + C1IMR1, 0x0F, 1);
    assert_int_equal(rd(fh, C1IMR1), 0xFFC0000Fu);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 §21.6: CnPRx bits are rc_w1: software clears them by writing 1 but can never set them;
 * reserved/direct-line bits of the CPU pending registers read 0 whatever is written. */
static void test_exti_read_only_bits_ignore_writes(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, EXTI + C1PR1, 0xFFFFFFFFu);
    assert_int_equal(fh_read(fh, CM7, EXTI + C1PR1), 0);
    fh_write(fh, CM7, EXTI + 0x98u, 0xFFFFFFFFu);   /* C1PR2 */
    assert_int_equal(fh_read(fh, CM7, EXTI + 0x98u), 0);
    fh_write(fh, CM7, EXTI + 0xA8u, 0xFFFFFFFFu);   /* C1PR3 */
    assert_int_equal(fh_read(fh, CM7, EXTI + 0xA8u), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(exti_read_only_bits_ignore_writes),
        T(imr_reset_values),
        T(rtsr_keeps_configurable_lines_only),
        T(line78_event_reaches_cm4_only_when_c2emr3_bit14_set),
        T(line78_never_reaches_cm7),
        T(line77_event_reaches_cm7_when_c1emr3_bit13_set),
        T(hsem_release_with_c2ier_pulses_cm4_event),
        T(configurable_line_rising_edge_sets_pending_and_exti_irq_6),
        T(masked_line_does_not_pend),
        T(falling_edge_trigger),
        T(grouped_lines_share_their_nvic_interrupt),
        T(swier_triggers_without_edge_selection_and_reads_zero),
        T(swier_on_line16_pends_pvd_avd_irq_1),
        T(swier_event_mask_pulses_both_cores),
        T(gpio_pin_reaches_its_exti_line_through_syscfg_exticr),
        T(cm7_sev_is_an_event_for_cm4_and_pends_irq_64_when_unmasked),
        T(unmapped_offset_is_a_guest_error),
        T(byte_write_to_imr_updates_one_lane),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

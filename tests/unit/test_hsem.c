/* HSEM model (RM0399 ch.11): 2-step and 1-step locks, owner-only release, interrupts, clear by key. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define HSEM 0x58026400u
#define EXTI 0x58000000u
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG

#define R(n) (HSEM + 4u * (n))
#define RLR(n) (HSEM + 0x80u + 4u * (n))
#define LOCK 0x80000000u
#define ID7 (H7_HSEM_COREID_CM7 << 8)
#define ID4 (H7_HSEM_COREID_CM4 << 8)

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E0, 1u << 25);   /* HSEM clock (C1 AHB4ENR) */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void test_semaphores_are_free_after_reset(void **state)
{
    fake_host *fh = *state;
    for (unsigned n = 0; n < H7_HSEM_COUNT; n++)
        assert_int_equal(fh_read(fh, DBG, R(n)), 0);
    for (size_t i = 0; i < h7_hsem_nregs; i++)
        if (h7_hsem_regs[i].offset >= 0x100u)
            assert_int_equal(fh_read(fh, DBG, HSEM + h7_hsem_regs[i].offset), h7_hsem_regs[i].reset);
}

static void test_clock_off_ignores_writes_and_reads_zero(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, R(0), LOCK | ID7 | 5);
    fh_write(fh, CM7, RCC + 0x0E0, 0);
    assert_int_equal(fh_read(fh, CM7, R(0)), 0);
    fh_write(fh, CM7, R(1), LOCK | ID7);
    assert_true(fh_logged(fh, "clock off"));
    fh_write(fh, CM4, RCC + 0x0E0, 1u << 25);   /* the CM4's bank enables it too */
    assert_int_equal(fh_read(fh, CM7, R(0)), LOCK | ID7 | 5);
    assert_int_equal(fh_read(fh, CM7, R(1)), 0);
}

static void test_two_step_lock_by_cm7(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, R(3), 0x80000300u | 7);
    assert_int_equal(fh_read(fh, CM7, R(3)), 0x80000307u);
    assert_int_equal(h7_hsem_peek(&fh->soc.hsem, 3), 0x80000307u);
    assert_true(fh_traced(fh, "cm7: hsem 3 taken (proc 7)"));
}

static void test_two_step_lock_of_a_taken_semaphore_fails(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, R(2), LOCK | ID7 | 1);
    fh_write(fh, CM4, R(2), LOCK | ID4 | 1);
    assert_int_equal(fh_read(fh, CM4, R(2)), LOCK | ID7 | 1);
    /* Same core, other process: fails too. */
    fh_write(fh, CM7, R(2), LOCK | ID7 | 2);
    assert_int_equal(fh_read(fh, CM7, R(2)), LOCK | ID7 | 1);
}

static void test_two_step_lock_with_wrong_coreid_is_discarded(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, R(1), LOCK | ID7 | 1);   /* CM4 claiming the CM7's id */
    assert_int_equal(fh_read(fh, CM4, R(1)), 0);
    assert_true(fh_logged(fh, "GUEST_ERROR HSEM"));
    fh_write(fh, CM4, R(1), LOCK | ID4 | 1);
    assert_int_equal(fh_read(fh, CM4, R(1)), LOCK | ID4 | 1);
}

static void test_one_step_lock_reads_0x80000300_on_cm7_and_0x80000100_on_cm4(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(fh_read(fh, CM7, RLR(0)), 0x80000300u);
    assert_int_equal(fh_read(fh, CM7, R(0)), 0x80000300u);
    assert_true(fh_traced(fh, "cm7: hsem 0 taken (proc 0)"));
    assert_int_equal(fh_read(fh, CM4, RLR(1)), 0x80000100u);
    assert_int_equal(fh_read(fh, CM4, R(1)), 0x80000100u);
    /* The loser reads the owner's value and does not get the lock. */
    assert_int_equal(fh_read(fh, CM4, RLR(0)), 0x80000300u);
    assert_int_equal(fh_read(fh, CM7, RLR(0)), 0x80000300u);
}

static void test_one_step_then_release_with_proc_0(void **state)
{
    fake_host *fh = *state;
    fh_read(fh, CM4, RLR(9));
    fh_write(fh, CM4, R(9), ID4);
    assert_int_equal(fh_read(fh, CM4, R(9)), 0);
    assert_true(fh_traced(fh, "cm4: hsem 9 released"));
}

static void test_release_by_non_owner_is_refused_and_traced(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, R(4), LOCK | ID7 | 2);
    fh_write(fh, CM4, R(4), ID4 | 2);   /* another core */
    assert_int_equal(fh_read(fh, CM7, R(4)), LOCK | ID7 | 2);
    assert_true(fh_traced(fh, "cm4: hsem 4 release refused"));
    fh_write(fh, CM7, R(4), ID7 | 3);   /* same core, another process */
    assert_int_equal(fh_read(fh, CM7, R(4)), LOCK | ID7 | 2);
    fh_write(fh, CM4, R(4), ID7 | 2);   /* CM4 faking the CM7's COREID */
    assert_int_equal(fh_read(fh, CM7, R(4)), LOCK | ID7 | 2);
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_C1ISR), 0);
    fh_write(fh, CM7, R(4), ID7 | 2);
    assert_int_equal(fh_read(fh, CM7, R(4)), 0);
}

static void test_release_sets_isr_in_both_lines_and_irq_126_when_c2ier_set(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, HSEM + A_HSEM_C2IER, 1u << 5);
    fh_write(fh, CM7, R(5), LOCK | ID7);
    assert_false(fh->irq[H7_CM4][H7_HSEM2_IRQN]);
    fh_write(fh, CM7, R(5), ID7);
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_C1ISR), 1u << 5);
    assert_int_equal(fh_read(fh, CM4, HSEM + A_HSEM_C2ISR), 1u << 5);
    assert_int_equal(fh_read(fh, CM4, HSEM + A_HSEM_C2MISR), 1u << 5);
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_C1MISR), 0);
    assert_true(fh->irq[H7_CM4][H7_HSEM2_IRQN]);
    assert_false(fh->irq[H7_CM7][H7_HSEM1_IRQN]);
    assert_false(fh->irq[H7_CM7][H7_HSEM2_IRQN]);
}

static void test_c1ier_drives_irq_125_on_cm7(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, R(0), LOCK | ID7);
    fh_write(fh, CM7, R(0), ID7);
    assert_false(fh->irq[H7_CM7][H7_HSEM1_IRQN]);
    /* Enabling the interrupt with the status already set raises the line. */
    fh_write(fh, CM7, HSEM + A_HSEM_C1IER, 1u);
    assert_true(fh->irq[H7_CM7][H7_HSEM1_IRQN]);
    fh_write(fh, CM7, HSEM + A_HSEM_C1IER, 0);
    assert_false(fh->irq[H7_CM7][H7_HSEM1_IRQN]);
}

static void test_icr_clears_status(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, HSEM + A_HSEM_C2IER, 0x3u);
    for (unsigned n = 0; n < 2; n++) {
        fh_write(fh, CM7, R(n), LOCK | ID7);
        fh_write(fh, CM7, R(n), ID7);
    }
    assert_int_equal(fh_read(fh, CM4, HSEM + A_HSEM_C2ISR), 0x3u);
    fh_write(fh, CM4, HSEM + A_HSEM_C2ICR, 0x1u);
    assert_int_equal(fh_read(fh, CM4, HSEM + A_HSEM_C2ISR), 0x2u);
    assert_true(fh->irq[H7_CM4][H7_HSEM2_IRQN]);
    fh_write(fh, CM4, HSEM + A_HSEM_C2ICR, 0x2u);
    assert_int_equal(fh_read(fh, CM4, HSEM + A_HSEM_C2ISR), 0);
    assert_false(fh->irq[H7_CM4][H7_HSEM2_IRQN]);
    /* C1 status is separate. */
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_C1ISR), 0x3u);
    fh_write(fh, CM7, HSEM + A_HSEM_C1ICR, 0x3u);
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_C1ISR), 0);
}

static void test_cr_with_key_clears_all_of_a_core(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, HSEM + A_HSEM_KEYR, 0x12340000u);
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_KEYR), 0x12340000u);
    fh_write(fh, CM7, R(0), LOCK | ID7 | 1);
    fh_write(fh, CM7, R(1), LOCK | ID7 | 2);
    fh_write(fh, CM4, R(2), LOCK | ID4 | 1);
    /* Wrong key: nothing happens. */
    fh_write(fh, CM7, HSEM + A_HSEM_CR, 0x43210000u | ID7);
    assert_int_equal(fh_read(fh, CM7, R(0)), LOCK | ID7 | 1);
    assert_true(fh_logged(fh, "does not match HSEM_KEYR"));
    fh_write(fh, CM7, HSEM + A_HSEM_CR, 0x12340000u | ID7);
    assert_int_equal(fh_read(fh, CM7, R(0)), 0);
    assert_int_equal(fh_read(fh, CM7, R(1)), 0);
    assert_int_equal(fh_read(fh, CM4, R(2)), LOCK | ID4 | 1);
    assert_true(fh_traced(fh, "cm7: hsem cleared 2 semaphores of core id 3"));
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_C1ISR), 0x3u);
    assert_int_equal(fh_read(fh, CM7, HSEM + A_HSEM_CR), 0);
}

static void test_halfword_access_is_ignored(void **state)
{
    fake_host *fh = *state;
    fh_write_sized(fh, CM7, R(6), LOCK >> 16, 2);
    fh_write_sized(fh, CM7, R(6), ID7 | 1, 2);
    assert_int_equal(fh_read(fh, CM7, R(6)), 0);
    assert_true(fh_logged(fh, "word access only"));
    fh_write(fh, CM7, R(6), LOCK | ID7 | 1);
    assert_int_equal(fh_read_sized(fh, CM7, R(6), 2), 0);
    /* A byte read of RLR does not lock. */
    assert_int_equal(fh_read_sized(fh, CM4, RLR(7), 1), 0);
    assert_int_equal(fh_read(fh, CM4, R(7)), 0);
}

static void test_debug_master_cannot_lock(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, DBG, R(8), LOCK | ID7 | 1);
    assert_int_equal(fh_read(fh, DBG, R(8)), 0);
    assert_int_equal(fh_read(fh, DBG, RLR(8)), 0);
    assert_int_equal(fh_read(fh, DBG, R(8)), 0);
    /* Nor release someone else's. */
    fh_write(fh, CM7, R(8), LOCK | ID7 | 1);
    fh_write(fh, DBG, R(8), ID7 | 1);
    assert_int_equal(fh_read(fh, CM7, R(8)), LOCK | ID7 | 1);
}

static void test_release_reaches_cm4_as_event_through_exti_line_78(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, EXTI + 0xE4, fh_read(fh, DBG, EXTI + 0xE4) | (1u << 14));   /* C2EMR3 line 78 */
    fh_write(fh, CM4, HSEM + A_HSEM_C2IER, 1u);
    fh_write(fh, CM7, R(0), LOCK | ID7);
    fh_write(fh, CM7, R(0), ID7);
    assert_int_equal(fh->events[H7_CM4], 1);
    assert_int_equal(fh->events[H7_CM7], 0);
    assert_true(fh_traced(fh, "exti: line 78 event to cm4"));
}

static void test_ahb4_peripheral_reset_frees_all_semaphores(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, R(0), LOCK | ID7 | 1);
    fh_write(fh, CM7, RCC + 0x088, 1u << 25);   /* AHB4RSTR.HSEMRST */
    fh_write(fh, CM7, RCC + 0x088, 0);
    assert_int_equal(fh_read(fh, CM7, R(0)), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 §11.4: HSEM_CnISR / CnMISR are r (cleared through CnICR): a write never changes them (every table row with read-only bits is written with those
 * bits flipped). */
static void test_hsem_status_bits_are_read_only(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_check_read_only_bits(fh, H7_MASTER_CM7, HSEM, h7_hsem_regs, h7_hsem_nregs) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(hsem_status_bits_are_read_only),
        T(semaphores_are_free_after_reset),
        T(clock_off_ignores_writes_and_reads_zero),
        T(two_step_lock_by_cm7),
        T(two_step_lock_of_a_taken_semaphore_fails),
        T(two_step_lock_with_wrong_coreid_is_discarded),
        T(one_step_lock_reads_0x80000300_on_cm7_and_0x80000100_on_cm4),
        T(one_step_then_release_with_proc_0),
        T(release_by_non_owner_is_refused_and_traced),
        T(release_sets_isr_in_both_lines_and_irq_126_when_c2ier_set),
        T(c1ier_drives_irq_125_on_cm7),
        T(icr_clears_status),
        T(cr_with_key_clears_all_of_a_core),
        T(halfword_access_is_ignored),
        T(debug_master_cannot_lock),
        T(release_reaches_cm4_as_event_through_exti_line_78),
        T(ahb4_peripheral_reset_frees_all_semaphores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

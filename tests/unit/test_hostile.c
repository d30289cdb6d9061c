/* Hostile firmware (firmware/hostile/): faults raised from inside Unicorn's interrupt hook stop
 * the core as a lockup and the run still ends at the requested time; a reset loop moves virtual
 * time forward. ARMv7-M ARM B1.5.15 (lockup), RM0399 §9.4 (reset pulse). */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "traps.h"

static h7_machine *boot_both(const char *kind)
{
    char cm7[128], cm4[128];
    snprintf(cm7, sizeof cm7, "hostile_%s_cm7.elf", kind);
    snprintf(cm4, sizeof cm4, "hostile_%s_cm4.elf", kind);
    return h7t_machine(cm7, cm4, NULL);
}

/* Both cores lock up and the machine still runs to the end of the requested time. */
static void expect_lockup_both(const char *kind, const char *text)
{
    h7_machine *m = boot_both(kind);
    assert_int_equal(h7_machine_run_for(m, 2 * H7_PS_PER_MS), H7_RUN_TIME_LIMIT);
    assert_true(m->time == 2 * H7_PS_PER_MS);
    for (int k = 0; k < H7_NCORES; k++) {
        assert_int_equal(m->cpu[k].state, H7_CPU_LOCKUP);
        if (!strstr(m->cpu[k].fault_text, text))
            fail_msg("%s: '%s' lacks '%s'", kind, m->cpu[k].fault_text, text);
        /* The engine stopped: only a handful of instructions ran, not a spin of re-raised aborts. */
        assert_true(m->cpu[k].icount < 10000);
    }
    h7_machine_destroy(m);
}

static void test_prefetch_abort_in_hardfault_is_a_lockup(void **state)
{
    expect_lockup_both("hf_xn", "execute-never address at 0xE0100000 while in hardfault");
}

static void test_bad_exc_return_in_hardfault_is_a_lockup(void **state)
{
    expect_lockup_both("hf_bad_exc_return", "invalid exception return");
}

static void test_erased_hardfault_vector_is_a_lockup(void **state)
{
    expect_lockup_both("hf_erased_vector", "0xFFFFFFFE while in hardfault");
}

static void test_failed_stacking_is_a_lockup(void **state)
{
    expect_lockup_both("stacking", "stacking for exception 11");
}

/* HardFault -> SYSRESETREQ at once: every reset is a timeline event, each at least one reset
 * pulse (20 us) after the previous one, and the run ends at the requested time. */
static void test_reset_loop_moves_time_forward(void **state)
{
    h7_machine *m = boot_both("reset_loop");
    char *buf = NULL;
    size_t len = 0;
    FILE *tl = open_memstream(&buf, &len);
    m->trace.timeline = tl;
    assert_int_equal(h7_machine_run_for(m, 1 * H7_PS_PER_MS), H7_RUN_TIME_LIMIT);
    assert_true(m->time == 1 * H7_PS_PER_MS);
    fclose(tl);
    unsigned resets = 0;
    double last = -1;
    for (const char *p = buf; (p = strstr(p, "system reset (cm")); p++) {
        const char *line = p;
        while (line > buf && line[-1] != '\n')
            line--;
        double t = strtod(line, NULL);
        assert_true(t >= last + 20.0);
        last = t;
        resets++;
    }
    assert_in_range(resets, 20, 50);   /* ~1 ms / (20 us pulse + the time to fault) */
    free(buf);
    h7_machine_destroy(m);
}

/* ARMv7-M A3.2.1: an unaligned LDRD faults whatever CCR.UNALIGN_TRP says (UsageFault UNALIGNED);
 * the stacked PC is the LDRD itself and it loaded nothing (exception entry B1.5.6). */
static void test_unaligned_ldrd_faults_precisely_on_both_cores(void **state)
{
    h7_machine *m = boot_both("ldrd_unaligned");
    h7_machine_run_for(m, 1 * H7_PS_PER_MS);
    for (int k = 0; k < H7_NCORES; k++) {
        h7_cpu *c = &m->cpu[k];
        assert_int_equal(c->nvic.cfsr, H7_CFSR_UNALIGNED);
        assert_int_equal(c->nvic.hfsr, 0);
        uint32_t msp = h7_cpu_reg(c, UC_ARM_REG_MSP), stacked_pc = 0;
        uint16_t insn[2] = {0};
        assert_true(h7_machine_read_mem(m, (h7_core_id)k, msp + 24, &stacked_pc, 4));
        assert_true(h7_machine_read_mem(m, (h7_core_id)k, stacked_pc, insn, 4));
        assert_int_equal(insn[0], 0xE9D2);   /* ldrd r0, r1, [r2] */
        assert_int_equal(insn[1], 0x0100);
    }
    h7_machine_destroy(m);
}

/* A conditional MOV that does not execute (IT block) leaves the base misaligned: still a fault. */
static void test_unaligned_ldrd_after_a_skipped_moveq_faults(void **state)
{
    h7_machine *m = boot_both("ldrd_it");
    h7_machine_run_for(m, 1 * H7_PS_PER_MS);
    for (int k = 0; k < H7_NCORES; k++)
        assert_int_equal(m->cpu[k].nvic.cfsr, H7_CFSR_UNALIGNED);
    h7_machine_destroy(m);
}

/* With UsageFault disabled the same fault escalates: HardFault, HFSR.FORCED, CFSR.UNALIGNED. */
static void test_unaligned_ldm_escalates_to_hardfault_forced(void **state)
{
    h7_machine *m = boot_both("ldm_unaligned");
    h7_machine_run_for(m, 1 * H7_PS_PER_MS);
    for (int k = 0; k < H7_NCORES; k++) {
        assert_int_equal(m->cpu[k].nvic.cfsr, H7_CFSR_UNALIGNED);
        assert_int_equal(m->cpu[k].nvic.hfsr, H7_HFSR_FORCED);
        assert_int_equal(h7_cpu_reg(&m->cpu[k], UC_ARM_REG_XPSR) & 0x1FFu, H7_EXC_HARDFAULT);
    }
    h7_machine_destroy(m);
}

/* The LDM/STM + LDRD/STRD copy loop of the benchmark (bases from MOV/SUB of a literal, then
 * write-backs) needs no code hook: its alignment follows from the block's start. */
static void test_copy_loop_is_checked_without_code_hooks(void **state)
{
    h7_machine *m = h7t_machine("copy_cm7.elf", NULL, NULL);
    assert_int_equal(h7_machine_run_for(m, 1 * H7_PS_PER_MS), H7_RUN_TIME_LIMIT);
    assert_int_equal(m->cpu[H7_CM7].traps->nsites, 0);
    assert_int_equal(m->cpu[H7_CM7].nvic.cfsr, 0);
    h7_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefetch_abort_in_hardfault_is_a_lockup),
        cmocka_unit_test(test_bad_exc_return_in_hardfault_is_a_lockup),
        cmocka_unit_test(test_erased_hardfault_vector_is_a_lockup),
        cmocka_unit_test(test_failed_stacking_is_a_lockup),
        cmocka_unit_test(test_reset_loop_moves_time_forward),
        cmocka_unit_test(test_unaligned_ldrd_faults_precisely_on_both_cores),
        cmocka_unit_test(test_unaligned_ldm_escalates_to_hardfault_forced),
        cmocka_unit_test(test_unaligned_ldrd_after_a_skipped_moveq_faults),
        cmocka_unit_test(test_copy_loop_is_checked_without_code_hooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

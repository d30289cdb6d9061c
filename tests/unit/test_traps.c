/* The instruction classes and IT conditions behind NOCP / DIVBYZERO (emu/core/traps.c):
 * ARMv7-M A6.3 (32-bit coprocessor space), A7.7.127 SDIV, A7.7.195 UDIV, A7.3.1 conditions. */
#include "support.h"

#include "traps.h"

static void test_fp_instructions_are_coprocessor_10_and_11(void **state)
{
    unsigned rm = 99;
    assert_int_equal(h7_trap_classify(0xEE30, 0x0A20, &rm), H7_TRAP_FP);   /* vadd.f32 s0, s0, s1 */
    assert_int_equal(h7_trap_classify(0xEEB0, 0x0B40, &rm), H7_TRAP_FP);   /* vmov.f64 d0, d0 */
    assert_int_equal(h7_trap_classify(0xED9F, 0x0A01, &rm), H7_TRAP_FP);   /* vldr s0, [pc, #4] */
    assert_int_equal(h7_trap_classify(0xEEF1, 0x0A10, &rm), H7_TRAP_FP);   /* vmrs r0, fpscr */
    assert_int_equal(h7_trap_classify(0xEE00, 0x0F10, &rm), H7_TRAP_NONE); /* mcr p15: not the FPU */
    assert_int_equal(h7_trap_classify(0xE92D, 0x4010, &rm), H7_TRAP_NONE); /* push.w {r4, lr} */
}

static void test_sdiv_udiv_give_their_divisor_register(void **state)
{
    unsigned rm = 99;
    assert_int_equal(h7_trap_classify(0xFB90, 0xF0F1, &rm), H7_TRAP_DIV);  /* sdiv r0, r0, r1 */
    assert_int_equal(rm, 1);
    assert_int_equal(h7_trap_classify(0xFBB3, 0xF2FC, &rm), H7_TRAP_DIV);  /* udiv r2, r3, r12 */
    assert_int_equal(rm, 12);
    assert_int_equal(h7_trap_classify(0xFB00, 0xF001, &rm), H7_TRAP_NONE); /* mul.w r0, r0, r1 */
}

static void test_it_condition_from_epsr(void **state)
{
    assert_int_equal(h7_trap_it_cond(0x01000000u), 14);                    /* not in an IT block */
    /* ITSTATE 0x18 (IT NE, first instruction): IT[1:0] = 0 in b26:25, IT[7:2] = 0b000110 in b15:10 */
    uint32_t xpsr = 0x01000000u | (0x18u >> 2) << 10;
    assert_int_equal(h7_trap_it_cond(xpsr), 1);                             /* NE */
    assert_false(h7_trap_cond_passed(1, xpsr | 1u << 30));                  /* Z = 1: NE fails */
    assert_true(h7_trap_cond_passed(1, xpsr));
    assert_true(h7_trap_cond_passed(10, 0));                                /* GE: N == V */
    assert_false(h7_trap_cond_passed(10, 1u << 31));
    assert_true(h7_trap_cond_passed(12, 0));                                /* GT */
    assert_false(h7_trap_cond_passed(12, 1u << 30));
    assert_true(h7_trap_cond_passed(14, 0xF0000000u));                      /* AL */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_instructions_are_coprocessor_10_and_11),
        cmocka_unit_test(test_sdiv_udiv_give_their_divisor_register),
        cmocka_unit_test(test_it_condition_from_epsr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

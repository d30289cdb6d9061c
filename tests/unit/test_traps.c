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

static unsigned aligned(uint16_t hw, uint16_t hw2, unsigned *rn, int32_t *off)
{
    *rn = 99;
    *off = 99;
    return h7_trap_always_aligned(hw, hw2, rn, off);
}

/* ARMv7-M A3.2.1: LDRD/STRD, LDM/STM and the exclusives fault when unaligned, whatever
 * CCR.UNALIGN_TRP says; base SP (PUSH/POP, SP-relative) and PC (literal) are always aligned. */
static void test_always_aligned_accesses_give_base_and_offset(void **state)
{
    unsigned rn;
    int32_t off;
    assert_int_equal(aligned(0xE9D2, 0x0100, &rn, &off), 4);   /* ldrd r0, r1, [r2] */
    assert_int_equal(rn, 2);
    assert_int_equal(off, 0);
    assert_int_equal(aligned(0xE9D2, 0x0102, &rn, &off), 4);   /* ldrd r0, r1, [r2, #8] */
    assert_int_equal(off, 8);
    assert_int_equal(aligned(0xE943, 0x0102, &rn, &off), 4);   /* strd r0, r1, [r3, #-8] */
    assert_int_equal(rn, 3);
    assert_int_equal(off, -8);
    assert_int_equal(aligned(0xE8F2, 0x0102, &rn, &off), 4);   /* ldrd r0, r1, [r2], #8: base first */
    assert_int_equal(off, 0);
    assert_int_equal(aligned(0xE892, 0x0003, &rn, &off), 4);   /* ldmia.w r2, {r0, r1} */
    assert_int_equal(rn, 2);
    assert_int_equal(aligned(0xC006, 0x0000, &rn, &off), 4);   /* stmia r0!, {r1, r2} */
    assert_int_equal(rn, 0);
    assert_int_equal(aligned(0xCA03, 0x0000, &rn, &off), 4);   /* ldmia r2!, {r0, r1} */
    assert_int_equal(rn, 2);
    assert_int_equal(aligned(0xE923, 0x0007, &rn, &off), 4);   /* stmdb r3!, {r0, r1, r2} */
    assert_int_equal(rn, 3);
    assert_int_equal(off, -12);
    assert_int_equal(aligned(0xE852, 0x0F00, &rn, &off), 4);   /* ldrex r0, [r2] */
    assert_int_equal(aligned(0xE842, 0x0101, &rn, &off), 4);   /* strex r1, r0, [r2, #4] */
    assert_int_equal(off, 4);
    assert_int_equal(aligned(0xE8D2, 0x0F5F, &rn, &off), 2);   /* ldrexh r0, [r2] */
    assert_int_equal(aligned(0xE8C2, 0x0F51, &rn, &off), 2);   /* strexh r1, r0, [r2] */
}

static void test_sp_pc_bases_and_other_accesses_are_not_always_aligned(void **state)
{
    unsigned rn;
    int32_t off;
    assert_int_equal(aligned(0xE9DD, 0x0102, &rn, &off), 0);   /* ldrd r0, r1, [sp, #8] */
    assert_int_equal(aligned(0xE9DF, 0x0101, &rn, &off), 0);   /* ldrd r0, r1, [pc, #4] (literal) */
    assert_int_equal(aligned(0xE92D, 0x4010, &rn, &off), 0);   /* push.w {r4, lr} */
    assert_int_equal(aligned(0xE8BD, 0x8010, &rn, &off), 0);   /* pop.w {r4, pc} */
    assert_int_equal(aligned(0xB510, 0x0000, &rn, &off), 0);   /* push {r4, lr} */
    assert_int_equal(aligned(0xE8D2, 0x0F4F, &rn, &off), 0);   /* ldrexb r0, [r2] */
    assert_int_equal(aligned(0xE8D0, 0xF001, &rn, &off), 0);   /* tbb [r0, r1] */
    assert_int_equal(aligned(0xF8D1, 0x0004, &rn, &off), 0);   /* ldr.w r0, [r1, #4] (UNALIGN_TRP only) */
    assert_int_equal(aligned(0x6808, 0x0000, &rn, &off), 0);   /* ldr r0, [r1] */
    assert_int_equal(aligned(0xED90, 0x0A00, &rn, &off), 0);   /* vldr s0, [r0] (not checked) */
}

/* The hooked sites: each address once, at most H7_TRAP_MAX_SITES (then `full` is set once). */
static void test_sites_are_a_bounded_set(void **state)
{
    h7_trap_sites t = {0};
    assert_true(h7_trap_add_site(&t, 0x08000100u));
    assert_false(h7_trap_add_site(&t, 0x08000100u));
    for (uint32_t i = 1; i < H7_TRAP_MAX_SITES; i++)
        assert_true(h7_trap_add_site(&t, 0x08000100u + 2u * i));
    assert_int_equal(t.nsites, H7_TRAP_MAX_SITES);
    assert_false(t.full);
    assert_false(h7_trap_add_site(&t, 0x08100000u));
    assert_true(t.full);
    assert_false(h7_trap_add_site(&t, 0x08000100u + 2u * (H7_TRAP_MAX_SITES - 1)));   /* known */
    h7_trap_free(&t);
}

/* The registers an instruction may write (conservative): what decides whether an always-aligned
 * access can be checked at its block's start instead of by a code hook (ARMv7-M A5.2, A5.3). */
static void test_written_registers_are_known_or_all(void **state)
{
    assert_int_equal(h7_trap_writes(0x4663, 0), 1u << 3);                /* mov r3, ip */
    assert_int_equal(h7_trap_writes(0x3906, 0), 1u << 1);                /* subs r1, #6 */
    assert_int_equal(h7_trap_writes(0x2A00, 0), 0);                      /* cmp r2, #0 */
    assert_int_equal(h7_trap_writes(0x6813, 0), 1u << 3);                /* ldr r3, [r2] */
    assert_int_equal(h7_trap_writes(0x6013, 0), 0);                      /* str r3, [r2] */
    assert_int_equal(h7_trap_writes(0xCAF0, 0), 0xF0);                   /* ldmia r2!, {r4-r7}: no r2 */
    assert_int_equal(h7_trap_writes(0xC3F0, 0), 0);                      /* stmia r3!, {r4-r7} */
    assert_int_equal(h7_trap_writes(0xE8F2, 0x4502), 0x30);              /* ldrd r4, r5, [r2], #8 */
    assert_int_equal(h7_trap_writes(0xE8E3, 0x4502), 0);                 /* strd r4, r5, [r3], #8 */
    assert_int_equal(h7_trap_writes(0xB5F0, 0), 1u << 13);               /* push {r4-r7, lr} */
    assert_int_equal(h7_trap_writes(0xBD10, 0), (1u << 4) | (1u << 13) | (1u << 15));   /* pop {r4, pc} */
    assert_int_equal(h7_trap_writes(0xF5AC, 0x7E00), 1u << 14);          /* sub.w lr, ip, #512 */
    assert_int_equal(h7_trap_writes(0xF8D1, 0x0004), (1u << 0) | (1u << 1));   /* ldr.w r0, [r1, #4] (+Rn) */
    assert_int_equal(h7_trap_writes(0xFB90, 0xF0F1), (1u << 0) | (1u << 15));  /* sdiv r0, r0, r1 */
    assert_int_equal(h7_trap_writes(0xE852, 0x0F00), 1u << 0);           /* ldrex r0, [r2] */
    assert_int_equal(h7_trap_writes(0xE842, 0x0101), 1u << 1);           /* strex r1, r0, [r2, #4] */
    assert_int_equal(h7_trap_writes(0xBF00, 0), 0);                      /* nop */
    assert_int_equal(h7_trap_writes(0xDE00, 0), 0);                      /* udf */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_instructions_are_coprocessor_10_and_11),
        cmocka_unit_test(test_sdiv_udiv_give_their_divisor_register),
        cmocka_unit_test(test_it_condition_from_epsr),
        cmocka_unit_test(test_always_aligned_accesses_give_base_and_offset),
        cmocka_unit_test(test_sp_pc_bases_and_other_accesses_are_not_always_aligned),
        cmocka_unit_test(test_sites_are_a_bounded_set),
        cmocka_unit_test(test_written_registers_are_known_or_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

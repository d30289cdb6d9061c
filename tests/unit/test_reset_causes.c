/* Reset causes through the whole machine (RM0399 §9.4.4, RCC_RSR): power-on flags, NRST, the
 * flags kept until RMVF, an IWDG1 timeout applied by the machine at the next safe point, and the
 * backup domain (RTC backup registers) kept over a system reset but lost at a power cycle. */
#include "support.h"

#include <string.h>

#include "machine.h"

#define C1_RSR 0x58024530u
#define C2_RSR 0x58024590u
#define IWDG1 0x58004800u
#define PWR_CR1 0x58024800u
#define RTC_BKP0R 0x58004050u

static h7_machine *boot(void) { return h7t_machine("hello_cm7.elf", NULL, NULL); }

static uint32_t dbg_read(h7_machine *m, uint32_t addr) { return h7t_peek(m, addr); }

static void dbg_write(h7_machine *m, uint32_t addr, uint32_t v) { assert_true(h7_soc_write(&m->soc, addr, v, 4, H7_MASTER_DEBUG)); }

static void test_power_on_sets_por_flags_in_both_banks(void **state)
{
    h7_machine *m = boot();
    assert_int_equal(dbg_read(m, C1_RSR), 0x00FE0000u);
    assert_int_equal(dbg_read(m, C2_RSR), 0x00FE0000u);
    h7_machine_destroy(m);
}

static void test_pin_reset_after_rmvf_leaves_pin_and_cpu_flags(void **state)
{
    h7_machine *m = boot();
    dbg_write(m, C1_RSR, 1u << 16);   /* RMVF */
    h7_machine_system_reset(m, H7_CM7, false);
    assert_int_equal(dbg_read(m, C1_RSR), 0x00460000u);
    assert_int_equal(dbg_read(m, C2_RSR), 0x00FE0000u | 0x00460000u);   /* C2's flags were not cleared */
    h7_machine_destroy(m);
}

static void test_iwdg1_timeout_resets_the_system_with_iwdg1rstf(void **state)
{
    h7_machine *m = boot();
    h7_machine_run_for(m, 10 * H7_PS_PER_MS);
    dbg_write(m, C1_RSR, 1u << 16);
    dbg_write(m, IWDG1, 0xCCCC);
    dbg_write(m, IWDG1, 0x5555);
    dbg_write(m, IWDG1 + 8, 100);     /* RLR: 12.5 ms at /4, used from the next reload */
    h7_machine_run_for(m, 1 * H7_PS_PER_MS);
    dbg_write(m, IWDG1, 0xAAAA);
    h7_machine_run_for(m, 12 * H7_PS_PER_MS);
    assert_int_equal(dbg_read(m, C1_RSR), 0);
    h7_machine_run_for(m, 1 * H7_PS_PER_MS);
    assert_int_equal(dbg_read(m, C1_RSR), 0x04460000u);
    h7_machine_destroy(m);
}

static void test_backup_registers_survive_a_system_reset_not_a_power_cycle(void **state)
{
    h7_machine *m = boot();
    dbg_write(m, PWR_CR1, dbg_read(m, PWR_CR1) | (1u << 8));   /* DBP */
    dbg_write(m, RTC_BKP0R, 0xB0B0);
    h7_machine_system_reset(m, H7_CM7, false);
    assert_int_equal(dbg_read(m, RTC_BKP0R), 0xB0B0);
    h7_machine_power_on(m);
    assert_int_equal(dbg_read(m, RTC_BKP0R), 0);
    h7_machine_destroy(m);
}

static uint32_t global(h7_machine *m, h7_core_id core, const char *name)
{
    uint32_t addr = 0, size = 0, v = 0;
    if (!h7_image_find_symbol(&m->img[core], name, &addr, &size))
        fail_msg("no symbol %s", name);
    assert_true(h7_machine_read_mem(m, core, addr, &v, 4));
    return v;
}

/* RCC_GCR.WW1RSC = 0 (reset value): a WWDG1 timeout resets CPU1 alone (RM0399 §9.4.4); the CM4
 * keeps running and its SysTick count goes on. */
static void test_wwdg1_with_ww1rsc_clear_resets_the_cm7_alone(void **state)
{
    h7_machine *m = h7t_machine("systick_cm7.elf", "systick_cm4.elf", NULL);
    h7_machine_run_for(m, 20 * H7_PS_PER_MS);
    dbg_write(m, C1_RSR, 1u << 16);
    dbg_write(m, C2_RSR, 1u << 16);
    dbg_write(m, 0x58024544u, 1u << 6);      /* RCC_C1_APB3ENR.WWDG1EN (the debugger writes the C1 bank) */
    dbg_write(m, 0x50003000u, 0xC1);          /* WWDG1_CR: WDGA, T = 0x41: 2 ticks of 64 us */
    h7_machine_run_for(m, 1 * H7_PS_PER_MS);
    assert_int_equal(dbg_read(m, C1_RSR), 0x10020000u);   /* WWDG1RSTF, C1RSTF */
    assert_int_equal(dbg_read(m, C2_RSR), 0x10020000u);
    uint32_t t7 = global(m, H7_CM7, "g_ticks"), t4 = global(m, H7_CM4, "g_ticks");
    assert_in_range(t7, 0, 1);                /* the CM7 restarted: its .bss is cleared again */
    assert_in_range(t4, 20, 21);              /* the CM4 went on */
    h7_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_on_sets_por_flags_in_both_banks),
        cmocka_unit_test(test_pin_reset_after_rmvf_leaves_pin_and_cpu_flags),
        cmocka_unit_test(test_iwdg1_timeout_resets_the_system_with_iwdg1rstf),
        cmocka_unit_test(test_backup_registers_survive_a_system_reset_not_a_power_cycle),
        cmocka_unit_test(test_wwdg1_with_ww1rsc_clear_resets_the_cm7_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

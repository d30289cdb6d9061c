/* Each board/datasheet rule fires on the register write that breaks it, through the debug port
 * (no firmware needed), and power cycle vs system reset behave as RM0399 §7.8.4 says. The
 * firmware-driven cases are the scenarios (the YAML files in scenarios/). */
#include "support.h"

#include <string.h>

#include "machine.h"
#include "supervisor.h"

#define PWR_CR3 0x5802480Cu
#define PWR_CSR1 0x58024804u
#define PWR_D3CR 0x58024818u
#define RCC_CR 0x58024400u
#define RCC_CFGR 0x58024410u
#define RCC_PLLCKSELR 0x58024428u
#define RCC_PLLCFGR 0x5802442Cu
#define RCC_PLL1DIVR 0x58024430u
#define HSEM_R0 0x58026400u

static h7_machine *machine(const char *board) { return h7t_machine("systick_cm7.elf", NULL, board); }

static void wr(h7_machine *m, h7_master who, uint32_t addr, uint32_t v) { assert_true(h7_soc_write(&m->soc, addr, v, 4, who)); }
static uint32_t rd(h7_machine *m, uint32_t addr) { return h7t_peek(m, addr); }

static bool traced(h7_machine *m, const char *needle)
{
    for (size_t i = 0; i < m->trace.n; i++) {
        char line[600];
        snprintf(line, sizeof line, "%s: %s", m->trace.ev[i].src, m->trace.ev[i].text);
        if (strstr(line, needle))
            return true;
    }
    return false;
}

static void test_illegal_cr3_fires_and_actvosrdy_never_comes(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000000u);   /* SDEN = LDOEN = BYPASS = 0: nothing supplies VCORE */
    h7_machine_run_for(m, H7_PS_PER_MS);
    assert_true(m->sup.rule_fired[H7_R_CR3_ILLEGAL]);
    assert_int_equal(rd(m, PWR_CSR1) & (1u << 13), 0);
    assert_int_equal(rd(m, PWR_CR3) & 0x3Fu, 0x06u);   /* discarded: the default stays */
    h7_machine_destroy(m);
}

static void test_supply_mismatch_locks_survives_system_reset_and_returns_after_power_cycle(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000002u);   /* LDO on the direct-SMPS board */
    assert_true(m->locked);
    assert_true(m->sup.rule_fired[H7_R_SUPPLY_MISMATCH]);
    h7_machine_system_reset(m, H7_CM7, false);
    assert_true(m->locked);                        /* PWR_CR3 survives a system reset */
    assert_true(traced(m, "board: still locked"));
    h7_machine_power_on(m);
    assert_false(m->locked);                       /* power cycle: CR3 back to its default... */
    assert_int_equal(rd(m, PWR_CR3) & 0x3Fu, 0x06u);
    assert_false(m->sup.rule_fired[H7_R_SUPPLY_MISMATCH]);
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000004u);   /* ...and the right supply works */
    h7_machine_run_for(m, H7_PS_PER_MS);
    assert_false(m->locked);
    assert_int_equal(rd(m, PWR_CSR1) & (1u << 13), 1u << 13);
    h7_machine_destroy(m);
}

static void test_cr3_second_write_is_ignored_and_fires_already_locked(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000004u);
    wr(m, H7_MASTER_CM4, PWR_CR3, 0x00000002u);
    assert_false(m->locked);
    assert_true(m->sup.rule_fired[H7_R_CR3_LOCKED]);
    assert_int_equal(rd(m, PWR_CR3) & 0x3Fu, 0x04u);
    /* the same value again (the second core's ExitRun0Mode) is silent */
    h7_machine_destroy(m);
    m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000004u);
    wr(m, H7_MASTER_CM4, PWR_CR3, 0x00000004u);
    assert_false(m->sup.rule_fired[H7_R_CR3_LOCKED]);
    h7_machine_destroy(m);
}

static void test_vos0_with_direct_smps_locks(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000004u);
    h7_machine_run_for(m, 50 * H7_PS_PER_US);
    wr(m, H7_MASTER_CM7, PWR_D3CR, 3u << 14);                /* VOS1 */
    wr(m, H7_MASTER_CM7, 0x580244F4u, 1u << 1);              /* SYSCFG clock */
    wr(m, H7_MASTER_CM7, 0x5800042Cu, 1u);                   /* ODEN */
    assert_true(m->sup.rule_fired[H7_R_VOS0_NEEDS_LDO]);
    assert_true(m->locked);
    h7_machine_destroy(m);
    /* the same on the LDO board is VOS0, legal */
    m = machine("nucleo-h755zi-q-ldo");
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000002u);
    h7_machine_run_for(m, 50 * H7_PS_PER_US);
    wr(m, H7_MASTER_CM7, PWR_D3CR, 3u << 14);
    wr(m, H7_MASTER_CM7, 0x580244F4u, 1u << 1);
    wr(m, H7_MASTER_CM7, 0x5800042Cu, 1u);
    h7_machine_run_for(m, 50 * H7_PS_PER_US);
    assert_false(m->locked);
    assert_int_equal(h7_pwr_get_state(&m->soc.pwr).vos, 0);
    h7_machine_destroy(m);
}

static void test_vos_change_before_actvosrdy_warns(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, PWR_D3CR, 3u << 14);   /* Run*: no supply configured yet */
    assert_true(m->sup.rule_fired[H7_R_CHANGE_BEFORE_ACTVOSRDY]);
    assert_false(m->locked);
    h7_machine_destroy(m);
}

/* PLL1 from HSE (8 MHz) with DIVM = 1: 8 MHz input but PLL1RGE says 1-2 MHz; VCO 8 x 300. */
static void test_pll_out_of_range_warns_with_the_numbers(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, RCC_CR, rd(m, RCC_CR) | (1u << 18));          /* HSEBYP */
    wr(m, H7_MASTER_CM7, RCC_CR, rd(m, RCC_CR) | (1u << 16));          /* HSEON */
    h7_machine_run_for(m, 100 * H7_PS_PER_US);
    assert_int_equal(rd(m, RCC_CR) & (1u << 17), 1u << 17);
    wr(m, H7_MASTER_CM7, RCC_PLLCKSELR, 2u | (1u << 4));              /* HSE, DIVM1 = 1 */
    wr(m, H7_MASTER_CM7, RCC_PLLCFGR, 0x01FF0000u);                  /* RGE = 0 (1-2 MHz), wide VCO */
    wr(m, H7_MASTER_CM7, RCC_PLL1DIVR, 299u | (1u << 9));             /* N = 300 -> VCO 2400 MHz */
    wr(m, H7_MASTER_CM7, RCC_CR, rd(m, RCC_CR) | (1u << 24));          /* PLL1ON */
    assert_true(m->sup.rule_fired[H7_R_PLL_RANGE]);
    assert_true(traced(m, "rule: RCC-PLL-RANGE: PLL1 input 8 MHz does not match PLL1RGE"));
    h7_machine_destroy(m);
}

/* RM0399 §9.7.12: PLL1's P divider must be even (/1 and odd values not allowed): the same rule as
 * the other PLL range checks, fired by the write itself (typed event PLL1_DIVP_ODD). */
static void test_pll1_odd_p_divider_fires_pll_range(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, RCC_PLL1DIVR, 399u | (0u << 9));            /* P = /1 */
    assert_true(m->sup.rule_fired[H7_R_PLL_RANGE]);
    assert_true(traced(m, "rule: RCC-PLL-RANGE: RCC_PLL1DIVR.DIVP1 = /1 out of range"));
    h7_machine_destroy(m);
}

static void test_hsem_release_by_non_owner_warns(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, 0x580244E0u, 1u << 25);      /* HSEM clock (C1 bank) */
    wr(m, H7_MASTER_CM7, HSEM_R0, 0x80000300u);       /* CM7 takes semaphore 0 */
    wr(m, H7_MASTER_CM4, HSEM_R0, 0x00000100u);       /* the CM4 tries to release it */
    assert_true(m->sup.rule_fired[H7_R_HSEM_NOT_OWNER]);
    assert_int_equal(rd(m, HSEM_R0), 0x80000300u);
    h7_machine_destroy(m);
}

static void test_clock_above_vos_and_too_few_wait_states(void **state)
{
    h7_machine *m = machine("nucleo-h755zi-q");
    wr(m, H7_MASTER_CM7, PWR_CR3, 0x00000004u);
    h7_machine_run_for(m, 50 * H7_PS_PER_US);
    wr(m, H7_MASTER_CM7, RCC_CR, rd(m, RCC_CR) | (1u << 18));
    wr(m, H7_MASTER_CM7, RCC_CR, rd(m, RCC_CR) | (1u << 16));
    h7_machine_run_for(m, 100 * H7_PS_PER_US);
    wr(m, H7_MASTER_CM7, RCC_PLLCKSELR, 2u | (4u << 4));              /* HSE / 4 = 2 MHz */
    wr(m, H7_MASTER_CM7, RCC_PLLCFGR, 0x01FF0004u);                  /* RGE = 1 (2-4 MHz) */
    wr(m, H7_MASTER_CM7, RCC_PLL1DIVR, 399u | (1u << 9));             /* 800 MHz VCO, P = 2 */
    wr(m, H7_MASTER_CM7, RCC_CR, rd(m, RCC_CR) | (1u << 24));
    h7_machine_run_for(m, 100 * H7_PS_PER_US);
    wr(m, H7_MASTER_CM7, 0x52002000u, 0x1u);                          /* FLASH_ACR.LATENCY = 1 */
    wr(m, H7_MASTER_CM7, RCC_CFGR, 3u);                               /* sys_ck = 400 MHz at VOS3 */
    assert_int_equal(h7_rcc_cpu_hz(&m->soc.rcc, H7_CM7), 400000000u);
    assert_true(m->sup.rule_fired[H7_R_CLOCK_ABOVE_VOS]);
    assert_true(m->sup.rule_fired[H7_R_BUS_ABOVE_VOS]);
    assert_true(m->sup.rule_fired[H7_R_FLASH_WAIT_STATES]);
    assert_false(m->sup.rule_fired[H7_R_PLL_RANGE]);
    h7_machine_destroy(m);
}

/* D2 access while D2CKRDY = 0: the bus (the SoC's window access) reports every CPU access to a D2
 * window while D2 is in DStop; here a CM7 read of USART3 with the CM4 asleep in D2 Stop. */
static void test_d2_access_while_d2_stopped_warns(void **state)
{
    h7_machine_config cfg = {.cm7_path = h7t_fw("boot_cm7.elf"), .cm4_path = h7t_fw("boot_cm4.elf")};
    char err[512];
    h7_machine *m = NULL;
    assert_int_equal(h7_machine_create(&m, &cfg, err, sizeof err), 0);
    h7_machine_power_on(m);
    h7_machine_run_for(m, 5 * H7_PS_PER_US);   /* the CM4 is in D2 Stop by now */
    assert_int_equal(rd(m, RCC_CR) & (1u << 15), 0);
    const h7_window *w = h7_soc_find_window(&m->soc, 0x40004800u);
    assert_non_null(w);
    uint32_t v = 0;
    m->running = H7_CM7;
    assert_true(h7_soc_read(&m->soc, 0x4000481Cu, 4, H7_MASTER_CM7, &v));
    m->running = -1;
    assert_true(m->sup.rule_fired[H7_R_D2_ACCESS_IN_DSTOP]);
    assert_true(traced(m, "USART3 (0x4000481C) while RCC_CR.D2CKRDY = 0"));
    h7_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_illegal_cr3_fires_and_actvosrdy_never_comes),
        cmocka_unit_test(test_supply_mismatch_locks_survives_system_reset_and_returns_after_power_cycle),
        cmocka_unit_test(test_cr3_second_write_is_ignored_and_fires_already_locked),
        cmocka_unit_test(test_vos0_with_direct_smps_locks),
        cmocka_unit_test(test_vos_change_before_actvosrdy_warns),
        cmocka_unit_test(test_pll1_odd_p_divider_fires_pll_range),
        cmocka_unit_test(test_pll_out_of_range_warns_with_the_numbers),
        cmocka_unit_test(test_hsem_release_by_non_owner_warns),
        cmocka_unit_test(test_clock_above_vos_and_too_few_wait_states),
        cmocka_unit_test(test_d2_access_while_d2_stopped_warns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

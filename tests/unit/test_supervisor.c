/* The rules judge typed events (emu/board/supervisor.c): every rule fires from the event that
 * breaks it, with a verdict the machine applies, and nothing fires from free text. The supervisor
 * runs here on a fake SoC (fake_host.c) with a fake view of the machine -- no cores, no Unicorn.
 * The same rules fired end to end from firmware are the scenarios (the YAML files in scenarios/). */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "supervisor.h"

#define PWR_CR3 0x5802480Cu
#define PWR_D3CR 0x58024818u
#define RCC_CR 0x58024400u
#define RCC_CFGR 0x58024410u
#define RCC_PLLCKSELR 0x58024428u
#define RCC_PLLCFGR 0x5802442Cu
#define RCC_PLL1DIVR 0x58024430u
#define FLASH_ACR 0x52002000u

typedef struct view_fake {
    fake_host *fh;
    bool has_core;
    h7_ev announced[16];
    char rule_ids[16][40];
    unsigned nannounced;
} view_fake;

static h7_time_ps vf_now(void *ctx) { return ((view_fake *)ctx)->fh->now; }

static bool vf_actor(void *ctx, uint32_t reg_addr, h7_core_id *core, char *where, size_t len)
{
    view_fake *v = ctx;
    if (!v->has_core)
        return false;
    *core = H7_CM7;
    snprintf(where, len, "0x08000100 main+0x10 (test.c:1) accessing 0x%08X", reg_addr);
    return true;
}

static void vf_describe(void *ctx, h7_core_id k, char *buf, size_t len) { snprintf(buf, len, "%s was running", h7_core_name(k)); }

static void vf_emit(void *ctx, const h7_ev *e)
{
    view_fake *v = ctx;
    if (v->nannounced < 16) {
        v->announced[v->nannounced] = *e;
        snprintf(v->rule_ids[v->nannounced], sizeof v->rule_ids[0], "%s", e->kind == H7_EV_RULE ? e->u.rule.id : "");
        v->nannounced++;
    }
}

typedef struct fixture {
    fake_host *fh;
    view_fake view;
    h7_board board;
    h7_supervisor sup;
} fixture;

static fixture *setup_board(const char *board, h7_violation_policy policy)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->fh = fh_new();
    f->view.fh = f->fh;
    f->view.has_core = true;
    f->board = *h7_board_builtin(board);
    h7_sup_view view = {&f->view, vf_now, vf_actor, vf_describe, vf_emit};
    h7_sup_init(&f->sup, &view, &f->fh->soc, &f->board, policy);
    return f;
}

static fixture *setup(void) { return setup_board("nucleo-h755zi-q", H7_VIOLATION_LOCK); }

static void teardown(fixture *f)
{
    fh_free(f->fh);
    free(f);
}

static h7_verdict judge(fixture *f, h7_ev e)
{
    assert_true(h7_sup_kinds() & H7_EV_BIT(e.kind));
    return h7_sup_on_event(&f->sup, &e);
}

static bool announced(const fixture *f, const char *rule_id)
{
    for (unsigned i = 0; i < f->view.nannounced; i++)
        if (!strcmp(f->view.rule_ids[i], rule_id))
            return true;
    return false;
}

/* RM0399 §7.4 Table 33: the LDO selected on a board wired for direct SMPS collapses VCORE. */
static void test_supply_write_of_the_ldo_on_a_direct_smps_board_locks_the_device(void **state)
{
    fixture *f = setup();
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_SUPPLY_WRITE, .by = H7_MASTER_CM7, .u.supply = {0x02u, "ldo"}});
    assert_int_equal(v.action, H7_VERDICT_LOCK_DEVICE);
    assert_true(v.vcore_collapsed);
    assert_non_null(strstr(v.reason, "VCORE collapsed after cm7 selected ldo"));
    assert_true(f->sup.rule_fired[H7_R_SUPPLY_MISMATCH]);
    assert_true(announced(f, "PWR-SUPPLY-MISMATCH"));
    assert_int_equal(f->sup.nviol, 1);
    assert_non_null(strstr(f->sup.viol[0].where, "main+0x10"));
    assert_non_null(strstr(f->sup.viol[0].fix, "PWR_DIRECT_SMPS_SUPPLY"));
    teardown(f);
}

static void test_supply_write_matching_the_board_is_silent(void **state)
{
    fixture *f = setup();
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_SUPPLY_WRITE, .by = H7_MASTER_CM7, .u.supply = {0x04u, "direct_smps"}});
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_int_equal(f->sup.nviol, 0);
    teardown(f);
}

static void test_warn_policy_keeps_running_but_vcore_still_collapses(void **state)
{
    fixture *f = setup_board("nucleo-h755zi-q", H7_VIOLATION_WARN);
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_SUPPLY_WRITE, .by = H7_MASTER_CM7, .u.supply = {0x02u, "ldo"}});
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_true(v.vcore_collapsed);
    assert_true(f->sup.rule_fired[H7_R_SUPPLY_MISMATCH]);
    teardown(f);
}

/* RM0399 §7.8.4: an illegal combination is discarded but locks CR3. */
static void test_discarded_supply_fires_cr3_illegal_without_lock(void **state)
{
    fixture *f = setup();
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_SUPPLY_DISCARDED, .by = H7_MASTER_CM7, .u.discarded.low = 0x00u});
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_true(f->sup.rule_fired[H7_R_CR3_ILLEGAL]);
    assert_true(announced(f, "PWR-CR3-ILLEGAL"));
    teardown(f);
}

static void test_ignored_supply_write_fires_cr3_already_locked(void **state)
{
    fixture *f = setup();
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_SUPPLY_WRITE_IGNORED, .by = H7_MASTER_CM4, .u.ignored = {0x04u, 0x02u}});
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_true(f->sup.rule_fired[H7_R_CR3_LOCKED]);
    teardown(f);
}

/* VOS0 = VOS1 + ODEN needs the LDO (RM0399 §7.6.2; DS12919): direct SMPS cannot. */
static void test_overdrive_on_without_the_ldo_locks_the_device(void **state)
{
    fixture *f = setup();
    fh_write(f->fh, H7_MASTER_CM7, PWR_CR3, 0x04u);   /* direct SMPS, as the board is wired */
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_OVERDRIVE_ON});
    assert_int_equal(v.action, H7_VERDICT_LOCK_DEVICE);
    assert_false(v.vcore_collapsed);
    assert_true(f->sup.rule_fired[H7_R_VOS0_NEEDS_LDO]);
    teardown(f);
}

static void test_overdrive_on_with_the_ldo_board_is_legal(void **state)
{
    fixture *f = setup_board("nucleo-h755zi-q-ldo", H7_VIOLATION_LOCK);
    fh_write(f->fh, H7_MASTER_CM7, PWR_CR3, 0x02u);
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_OVERDRIVE_ON});
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_int_equal(f->sup.nviol, 0);
    teardown(f);
}

static void test_vos_written_before_actvosrdy_warns(void **state)
{
    fixture *f = setup();
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_VOS_BEFORE_ACTVOSRDY, .by = H7_MASTER_CM7});
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_true(f->sup.rule_fired[H7_R_CHANGE_BEFORE_ACTVOSRDY]);
    teardown(f);
}

/* 400 MHz at VOS3 with one wait state: CPU and bus limits (DS12919 Table 22) and RM0399 Table 16. */
static void test_clock_change_at_vos3_fires_clock_bus_and_wait_state_rules(void **state)
{
    fixture *f = setup();
    fh_write(f->fh, H7_MASTER_CM7, PWR_CR3, 0x04u);
    fh_advance(f->fh, 50 * H7_PS_PER_US);
    fh_write(f->fh, H7_MASTER_CM7, RCC_CR, fh_read(f->fh, H7_MASTER_CM7, RCC_CR) | (1u << 18) | (1u << 16));
    fh_advance(f->fh, 100 * H7_PS_PER_US);
    fh_write(f->fh, H7_MASTER_CM7, RCC_PLLCKSELR, 2u | (4u << 4));
    fh_write(f->fh, H7_MASTER_CM7, RCC_PLLCFGR, 0x01FF0004u);
    fh_write(f->fh, H7_MASTER_CM7, RCC_PLL1DIVR, 399u | (1u << 9));
    fh_write(f->fh, H7_MASTER_CM7, RCC_CR, fh_read(f->fh, H7_MASTER_CM7, RCC_CR) | (1u << 24));
    fh_advance(f->fh, 100 * H7_PS_PER_US);
    fh_write(f->fh, H7_MASTER_CM7, FLASH_ACR, 0x1u);
    fh_write(f->fh, H7_MASTER_CM7, RCC_CFGR, 3u);
    assert_int_equal(h7_rcc_cpu_hz(&f->fh->soc.rcc, H7_CM7), 400000000u);
    assert_int_equal(f->sup.nviol, 0);   /* the fake host does not forward events: nothing judged yet */
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_CLOCKS_CHANGED});
    assert_true(f->sup.rule_fired[H7_R_CLOCK_ABOVE_VOS]);
    assert_true(f->sup.rule_fired[H7_R_BUS_ABOVE_VOS]);
    assert_true(f->sup.rule_fired[H7_R_FLASH_WAIT_STATES]);
    assert_int_equal(v.action, H7_VERDICT_FAULT_CORE);   /* corrupt flash reads: the core is faulted */
    assert_int_equal(v.core, H7_CM7);
    teardown(f);
}

static void test_wait_states_without_an_executing_core_record_but_fault_nothing(void **state)
{
    fixture *f = setup();
    f->view.has_core = false;
    fh_write(f->fh, H7_MASTER_CM7, RCC_CFGR, 0u);
    fh_write(f->fh, H7_MASTER_CM7, FLASH_ACR, 0u);   /* 0 WS at 64 MHz VOS3 needs 1 (RM0399 Table 16) */
    h7_verdict v = judge(f, (h7_ev){.kind = H7_EV_FLASH_LATENCY, .u.acr = {0u, 0u}});
    assert_true(f->sup.rule_fired[H7_R_FLASH_WAIT_STATES]);
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_false(f->sup.viol[0].has_core);
    teardown(f);
}

static void test_pll_vco_out_of_range_warns_with_its_numbers(void **state)
{
    fixture *f = setup();
    judge(f, (h7_ev){.kind = H7_EV_PLL_VCO_RANGE, .u.pll = {.pll = 1, .hz = 2400000000u, .lo_hz = 192000000u,
                                                             .hi_hz = 960000000u}});
    assert_true(f->sup.rule_fired[H7_R_PLL_RANGE]);
    assert_string_equal(f->sup.viol[0].detail, "PLL1 VCO 2400 MHz out of range (192-960 MHz, wide VCO, RM0399 §9.5.5)");
    teardown(f);
}

static void test_pll_never_locking_warns(void **state)
{
    fixture *f = setup();
    judge(f, (h7_ev){.kind = H7_EV_PLL_NEVER_LOCKS, .u.nolock = {2, "PLLSRC selects no clock"}});
    assert_true(f->sup.rule_fired[H7_R_PLL_RANGE]);
    assert_string_equal(f->sup.viol[0].detail, "PLL2 will never lock: PLLSRC selects no clock");
    teardown(f);
}

static void test_hsem_release_refused_warns(void **state)
{
    fixture *f = setup();
    judge(f, (h7_ev){.kind = H7_EV_HSEM_RELEASE_REFUSED, .by = H7_MASTER_CM4, .u.refused = {3, 1, 0, 3, 0}});
    assert_true(f->sup.rule_fired[H7_R_HSEM_NOT_OWNER]);
    assert_string_equal(f->sup.viol[0].detail, "cm4: hsem 3 release refused (owned by cm4 proc 0, wrote core id 3 proc 0)");
    teardown(f);
}

static void test_d2_access_while_stopped_warns_once(void **state)
{
    fixture *f = setup();
    h7_ev e = {.kind = H7_EV_D2_ACCESS_IN_DSTOP, .by = H7_MASTER_CM7, .core = H7_CM7, .u.d2 = {"USART3", 0x4000481Cu}};
    judge(f, e);
    judge(f, e);
    assert_true(f->sup.rule_fired[H7_R_D2_ACCESS_IN_DSTOP]);
    assert_int_equal(f->sup.nviol, 1);
    teardown(f);
}

/* RM0399 §2.1 Table 3: a DMA1 transfer error on DTCM warns with the linker-section fix. */
static void test_dma_transfer_error_on_dtcm_warns_with_the_buffer_placement_fix(void **state)
{
    fixture *f = setup();
    f->view.has_core = false;   /* a DMA event: no core executing */
    judge(f, (h7_ev){.kind = H7_EV_DMA_TRANSFER_ERROR, .by = H7_MASTER_DMA,
                     .u.dmaerr = {1, 0, 0x20000020u, false, "DTCM"}});
    assert_true(f->sup.rule_fired[H7_R_DMA_UNREACHABLE]);
    assert_false(f->sup.viol[0].has_core);
    assert_non_null(strstr(f->sup.viol[0].detail, "dma1 stream 0 reading 0x20000020 (DTCM)"));
    assert_non_null(strstr(f->sup.viol[0].fix, "AXI SRAM"));
    assert_string_equal(f->view.rule_ids[0], "DMA-UNREACHABLE-MEMORY");
    teardown(f);
}

/* MDMA reaching DTCM over the AXI bus: the fix is CxTBR.SBUS/DBUS, not moving the buffer. */
static void test_mdma_transfer_error_on_dtcm_points_at_the_ahbs_bus(void **state)
{
    fixture *f = setup();
    judge(f, (h7_ev){.kind = H7_EV_DMA_TRANSFER_ERROR, .by = H7_MASTER_DMA,
                     .u.dmaerr = {4, 1, 0x20000040u, true, "DTCM"}});
    assert_non_null(strstr(f->sup.viol[0].detail, "mdma channel 1 writing 0x20000040 (DTCM)"));
    assert_non_null(strstr(f->sup.viol[0].fix, "SBUS"));
    teardown(f);
}

static void test_stale_dcache_lines_warn_for_dma_reads_and_cpu_reads(void **state)
{
    fixture *f = setup();
    judge(f, (h7_ev){.kind = H7_EV_DCACHE_STALE, .by = H7_MASTER_DMA, .u.stale = {false, "dma1", 0x24000020u, 0}});
    judge(f, (h7_ev){.kind = H7_EV_DCACHE_STALE, .by = H7_MASTER_CM7, .core = H7_CM7,
                     .u.stale = {true, "cm7", 0x24000000u, 0}});
    assert_true(f->sup.rule_fired[H7_R_DCACHE_CLEAN_BEFORE_DMA]);
    assert_true(f->sup.rule_fired[H7_R_DCACHE_INVALIDATE_AFTER_DMA]);
    assert_non_null(strstr(f->sup.viol[0].fix, "SCB_CleanDCache_by_Addr"));
    assert_non_null(strstr(f->sup.viol[1].fix, "SCB_InvalidateDCache_by_Addr"));
    assert_true(f->sup.viol[1].has_core);   /* the CPU read: the instruction is named */
    assert_int_equal(f->view.nannounced, 2);
    teardown(f);
}

static void test_mpu_enabled_after_the_dcache_warns(void **state)
{
    fixture *f = setup();
    judge(f, (h7_ev){.kind = H7_EV_MPU_AFTER_CACHE, .by = H7_MASTER_CM7, .u.mpu = {0xE000ED94u, 5u}});
    assert_true(f->sup.rule_fired[H7_R_MPU_AFTER_CACHE]);
    assert_string_equal(f->sup.viol[0].detail, "MPU_CTRL <- 0x00000005 while SCB_CCR.DC = 1");
    teardown(f);
}

/* The rules never read text: a note that merely says what a rule event would say fires nothing. */
static void test_free_text_fires_no_rule(void **state)
{
    fixture *f = setup();
    assert_false(h7_sup_kinds() & H7_EV_BIT(H7_EV_NOTE));
    h7_ev note = {.kind = H7_EV_NOTE, .src = "pwr", .text = "supply write ignored (locked as 0x04, wrote 0x02)"};
    h7_verdict v = h7_sup_on_event(&f->sup, &note);
    assert_int_equal(v.action, H7_VERDICT_NONE);
    assert_int_equal(f->sup.nviol, 0);
    teardown(f);
}

static void test_power_on_lets_every_rule_fire_again(void **state)
{
    fixture *f = setup();
    judge(f, (h7_ev){.kind = H7_EV_VOS_BEFORE_ACTVOSRDY});
    assert_true(f->sup.rule_fired[H7_R_CHANGE_BEFORE_ACTVOSRDY]);
    h7_sup_power_on(&f->sup);
    assert_false(f->sup.rule_fired[H7_R_CHANGE_BEFORE_ACTVOSRDY]);
    judge(f, (h7_ev){.kind = H7_EV_VOS_BEFORE_ACTVOSRDY});
    assert_int_equal(f->sup.nviol, 2);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_supply_write_of_the_ldo_on_a_direct_smps_board_locks_the_device),
        cmocka_unit_test(test_supply_write_matching_the_board_is_silent),
        cmocka_unit_test(test_warn_policy_keeps_running_but_vcore_still_collapses),
        cmocka_unit_test(test_discarded_supply_fires_cr3_illegal_without_lock),
        cmocka_unit_test(test_ignored_supply_write_fires_cr3_already_locked),
        cmocka_unit_test(test_overdrive_on_without_the_ldo_locks_the_device),
        cmocka_unit_test(test_overdrive_on_with_the_ldo_board_is_legal),
        cmocka_unit_test(test_vos_written_before_actvosrdy_warns),
        cmocka_unit_test(test_clock_change_at_vos3_fires_clock_bus_and_wait_state_rules),
        cmocka_unit_test(test_wait_states_without_an_executing_core_record_but_fault_nothing),
        cmocka_unit_test(test_pll_vco_out_of_range_warns_with_its_numbers),
        cmocka_unit_test(test_pll_never_locking_warns),
        cmocka_unit_test(test_hsem_release_refused_warns),
        cmocka_unit_test(test_d2_access_while_stopped_warns_once),
        cmocka_unit_test(test_dma_transfer_error_on_dtcm_warns_with_the_buffer_placement_fix),
        cmocka_unit_test(test_mdma_transfer_error_on_dtcm_points_at_the_ahbs_bus),
        cmocka_unit_test(test_stale_dcache_lines_warn_for_dma_reads_and_cpu_reads),
        cmocka_unit_test(test_mpu_enabled_after_the_dcache_warns),
        cmocka_unit_test(test_free_text_fires_no_rule),
        cmocka_unit_test(test_power_on_lets_every_rule_fire_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

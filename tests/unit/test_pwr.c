/* PWR model (RM0399 ch.7): supply configuration write-once, ACTVOSRDY, VOS/VOSRDY, ODEN, domain Stop. */
#include "support.h"

#include "fake_host.h"

#define PWR 0x58024800u
#define RCC 0x58024400u
#define SYSCFG 0x58000400u
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG

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

static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, DBG, PWR + off); }
static bool actvosrdy(fake_host *fh) { return rd(fh, A_PWR_CSR1) & R_PWR_CSR1_ACTVOSRDY_MASK; }
static bool vosrdy(fake_host *fh) { return rd(fh, A_PWR_D3CR) & R_PWR_D3CR_VOSRDY_MASK; }

/* Direct SMPS, wait for ACTVOSRDY. */
static void configure_supply(fake_host *fh)
{
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x04);
    fh_advance(fh, H7_PWR_ACTVOS_DELAY_PS);
    assert_true(actvosrdy(fh));
}

static void set_vos1(fake_host *fh)
{
    fh_write(fh, CM7, PWR + A_PWR_D3CR, 3u << R_PWR_D3CR_VOS_SHIFT);
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    assert_true(vosrdy(fh));
}

static void test_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_pwr_nregs; i++) {
        const h7_regdesc *r = &h7_pwr_regs[i];
        uint32_t v = rd(fh, r->offset);
        if (r->offset == A_PWR_D3CR) {
            /* VOSRDY is a status bit that reads 1 right after reset (VOS3 reached). */
            assert_int_equal(v & ~R_PWR_D3CR_VOSRDY_MASK, r->reset);
            assert_true(v & R_PWR_D3CR_VOSRDY_MASK);
        } else {
            assert_int_equal(v, r->reset);
        }
    }
    assert_int_equal(rd(fh, A_PWR_CSR1), 0x00004000u);   /* ACTVOS = VOS3, ACTVOSRDY = 0 (Run*) */
    assert_int_equal(rd(fh, A_PWR_CR3), H7_PWR_CR3_DEFAULT);
    h7_pwr_state st = h7_pwr_get_state(&fh->soc.pwr);
    assert_false(st.supply_locked);
    assert_int_equal(st.vos, 3);
    assert_false(st.actvosrdy);
}

static void test_actvosrdy_stays_clear_until_supply_is_configured(void **state)
{
    fake_host *fh = *state;
    fh_advance(fh, 10 * H7_PS_PER_MS);
    assert_false(actvosrdy(fh));
}

static void test_cr3_low_byte_is_write_once_until_power_on_reset(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x04);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x04);
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x02);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x04);
    assert_true(fh_traced(fh, "pwr: supply write ignored (locked as 0x04, wrote 0x02)"));
    /* The CM4 cannot change it either. */
    fh_write(fh, CM4, PWR + A_PWR_CR3, 0x02);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x04);

    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    assert_int_equal(rd(fh, A_PWR_CR3), H7_PWR_CR3_DEFAULT);
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x02);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x02);
}

static void test_cr3_upper_bits_stay_writable_after_lock(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x04);
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x01000304u);   /* USB33DEN, VBE, VBRS */
    assert_int_equal(rd(fh, A_PWR_CR3), 0x01000304u);
}

static void test_cr3_write_once_survives_system_reset(void **state)
{
    fake_host *fh = *state;
    configure_supply(fh);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x04);
    assert_true(h7_pwr_get_state(&fh->soc.pwr).supply_locked);
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x02);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x04);
    /* Run* again after the reset, ACTVOSRDY comes back after the same delay. */
    assert_false(actvosrdy(fh));
    fh_advance(fh, H7_PWR_ACTVOS_DELAY_PS);
    assert_true(actvosrdy(fh));
}

static void test_illegal_cr3_combination_is_discarded_but_locks(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x00);
    assert_true(fh_traced(fh, "supply write discarded: illegal combination 0x00 (PWR_CR3 locked)"));
    assert_true(fh_logged(fh, "GUEST_ERROR PWR"));
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, H7_PWR_CR3_DEFAULT);
    assert_true(h7_pwr_get_state(&fh->soc.pwr).supply_locked);
    /* A later legal write is ignored: the byte is locked. */
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x04);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, H7_PWR_CR3_DEFAULT);
    fh_advance(fh, 10 * H7_PS_PER_MS);
    assert_false(actvosrdy(fh));
    assert_int_equal(fh->supply_calls, 1);
    assert_false(fh->supply_accepted);
    assert_int_equal(fh->supply_value, 0x00);
}

static void test_ldo_and_bypass_together_is_illegal(void **state)
{
    fake_host *fh = *state;
    assert_null(h7_pwr_supply_name(0x03));
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x03);
    assert_true(fh_traced(fh, "illegal combination 0x03"));
    fh_advance(fh, H7_PS_PER_MS);
    assert_false(actvosrdy(fh));
    /* A system reset does not bring ACTVOSRDY back either. */
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    fh_advance(fh, H7_PS_PER_MS);
    assert_false(actvosrdy(fh));
}

static void test_supply_names_follow_table_33(void **state)
{
    assert_string_equal(h7_pwr_supply_name(0x06), "default");
    assert_string_equal(h7_pwr_supply_name(0x02), "ldo");
    assert_string_equal(h7_pwr_supply_name(0x04), "direct_smps");
    assert_string_equal(h7_pwr_supply_name(0x01), "bypass");
    assert_string_equal(h7_pwr_supply_name(0x16), "smps_1v8_ldo");
    assert_string_equal(h7_pwr_supply_name(0x26), "smps_2v5_ldo");
    assert_string_equal(h7_pwr_supply_name(0x1E), "smps_1v8_ext_ldo");
    assert_string_equal(h7_pwr_supply_name(0x2D), "smps_2v5_ext");
    assert_null(h7_pwr_supply_name(0x00));
    assert_null(h7_pwr_supply_name(0x05));
}

static void test_direct_smps_sets_actvosrdy_after_delay(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x04);
    assert_true(fh_traced(fh, "cm7: writes PWR_CR3 = 0x00000004 (direct_smps)"));
    assert_false(actvosrdy(fh));
    fh_advance(fh, H7_PWR_ACTVOS_DELAY_PS - 1);
    assert_false(actvosrdy(fh));
    assert_false(fh_traced(fh, "pwr: actvosrdy"));
    fh_advance(fh, 1);
    assert_true(actvosrdy(fh));
    assert_true(fh_traced(fh, "pwr: actvosrdy"));
    assert_int_equal(H7_FIELD_EX(rd(fh, A_PWR_CSR1), PWR_CSR1, ACTVOS), 1);   /* VOS3 */
}

static void test_supply_configured_host_call_reports_first_write_only(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x02);
    assert_int_equal(fh->supply_calls, 1);
    assert_int_equal(fh->supply_value, 0x02);
    assert_true(fh->supply_accepted);
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x04);
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x02);
    assert_int_equal(fh->supply_calls, 1);
}

static void test_writing_the_default_pattern_also_locks(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x06);
    assert_true(h7_pwr_get_state(&fh->soc.pwr).supply_locked);
    assert_int_equal(fh->supply_calls, 1);
    assert_true(fh->supply_accepted);
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x04);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x06);
    fh_advance(fh, H7_PWR_ACTVOS_DELAY_PS);
    assert_true(actvosrdy(fh));
}

static void test_vos_change_drops_vosrdy_then_sets_it(void **state)
{
    fake_host *fh = *state;
    configure_supply(fh);
    assert_true(vosrdy(fh));
    fh_write(fh, CM7, PWR + A_PWR_D3CR, 3u << R_PWR_D3CR_VOS_SHIFT);
    assert_true(fh_traced(fh, "cm7: writes PWR_D3CR.VOS = VOS1"));
    assert_false(vosrdy(fh));
    fh_advance(fh, H7_PWR_VOS_DELAY_PS - 1);
    assert_false(vosrdy(fh));
    fh_advance(fh, 1);
    assert_true(vosrdy(fh));
    assert_true(fh_traced(fh, "pwr: vos1 ready"));
    assert_int_equal(H7_FIELD_EX(rd(fh, A_PWR_CSR1), PWR_CSR1, ACTVOS), 3);
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 1);
    assert_false(fh_traced(fh, "VOS changed before actvosrdy"));
}

static void test_vos_change_before_actvosrdy_is_traced(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_D3CR, 2u << R_PWR_D3CR_VOS_SHIFT);
    assert_true(fh_traced(fh, "pwr: VOS changed before actvosrdy"));
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 2);
}

static void test_rewriting_the_same_vos_keeps_vosrdy(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_D3CR, 1u << R_PWR_D3CR_VOS_SHIFT);   /* VOS3: reset value */
    assert_true(vosrdy(fh));
}

static void test_oden_via_syscfg_requires_vos1_and_gives_vos0(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0F4, 1u << 1);   /* SYSCFG clock */
    configure_supply(fh);
    /* In VOS3 ODEN is refused. */
    fh_write(fh, CM7, SYSCFG + A_SYSCFG_PWRCR, 1);
    assert_int_equal(fh_read(fh, CM7, SYSCFG + A_SYSCFG_PWRCR), 0);
    assert_true(fh_logged(fh, "ODEN set while D3CR.VOS is not VOS1"));
    assert_int_equal(fh->overdrive_calls, 0);
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 3);

    set_vos1(fh);
    fh_write(fh, CM7, SYSCFG + A_SYSCFG_PWRCR, 1);
    assert_int_equal(fh_read(fh, CM7, SYSCFG + A_SYSCFG_PWRCR), 1);
    assert_true(fh_traced(fh, "cm7: writes SYSCFG_PWRCR.ODEN = 1"));
    assert_int_equal(fh->overdrive_calls, 1);
    assert_true(fh->oden);
    assert_false(vosrdy(fh));
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    assert_true(vosrdy(fh));
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 0);
    assert_true(fh_traced(fh, "pwr: vos0 ready"));

    /* Clearing ODEN goes back to VOS1. */
    fh_write(fh, CM7, SYSCFG + A_SYSCFG_PWRCR, 0);
    assert_int_equal(fh->overdrive_calls, 2);
    assert_false(fh->oden);
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 1);
}

static void test_lowering_vos_with_oden_set_is_a_guest_error(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0F4, 1u << 1);
    configure_supply(fh);
    set_vos1(fh);
    fh_write(fh, CM7, SYSCFG + A_SYSCFG_PWRCR, 1);
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    fh_write(fh, CM7, PWR + A_PWR_D3CR, 2u << R_PWR_D3CR_VOS_SHIFT);
    assert_true(fh_logged(fh, "clear ODEN first"));
}

static void test_d2_enters_dstop_when_cm4_cstop_and_cm7_has_no_d2_allocation(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_read(fh, DBG, RCC + A_RCC_CR) & R_RCC_CR_D2CKRDY_MASK);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, true);
    assert_false(fh_read(fh, DBG, RCC + A_RCC_CR) & R_RCC_CR_D2CKRDY_MASK);
    assert_true(fh_read(fh, DBG, RCC + A_RCC_CR) & R_RCC_CR_D1CKRDY_MASK);
    assert_true(h7_pwr_get_state(&fh->soc.pwr).d2_dstop);
    assert_true(fh_traced(fh, "pwr: d2 stop"));
    assert_true(fh_traced(fh, "rcc: d2ckrdy 0"));
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, false);
    assert_true(fh_read(fh, DBG, RCC + A_RCC_CR) & R_RCC_CR_D2CKRDY_MASK);
    assert_true(fh_traced(fh, "pwr: d2 run"));
    assert_false(h7_pwr_get_state(&fh->soc.pwr).d2_dstop);
}

static void test_cm7_d2_allocation_keeps_d2_running(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0E8, 1u << 18);   /* C1 APB1LENR.USART3EN */
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, true);
    assert_true(fh_read(fh, DBG, RCC + A_RCC_CR) & R_RCC_CR_D2CKRDY_MASK);
    assert_false(h7_pwr_get_state(&fh->soc.pwr).d2_dstop);
    /* Removing the allocation lets D2 stop. */
    fh_write(fh, CM7, RCC + 0x0E8, 0);
    assert_true(h7_pwr_get_state(&fh->soc.pwr).d2_dstop);
    assert_false(fh_read(fh, DBG, RCC + A_RCC_CR) & R_RCC_CR_D2CKRDY_MASK);
}

static void test_cm4_d2_allocation_does_not_keep_d2_running(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, RCC + 0x0E8, 1u << 18);   /* C2 APB1LENR: the CM4's own allocation */
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, true);
    assert_true(h7_pwr_get_state(&fh->soc.pwr).d2_dstop);
}

static void test_d1_enters_dstop_when_cm7_cstop_and_cm4_has_no_d1_allocation(void **state)
{
    fake_host *fh = *state;
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, true);
    assert_true(h7_pwr_get_state(&fh->soc.pwr).d1_dstop);
    assert_false(fh_read(fh, DBG, RCC + A_RCC_CR) & R_RCC_CR_D1CKRDY_MASK);
    assert_true(fh_traced(fh, "pwr: d1 stop"));
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, false);
    assert_false(h7_pwr_get_state(&fh->soc.pwr).d1_dstop);
    /* An AXI SRAM allocation of the CM4 (C2 AHB3ENR bit 31) keeps D1 running. */
    fh_write(fh, CM4, RCC + 0x0D4, 1u << 31);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, true);
    assert_false(h7_pwr_get_state(&fh->soc.pwr).d1_dstop);
}

static void test_both_cores_in_cstop_give_system_stop_flags(void **state)
{
    fake_host *fh = *state;
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, true);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, true);
    assert_true(fh_traced(fh, "pwr: system stop"));
    assert_true(rd(fh, A_PWR_CPUCR) & R_PWR_CPUCR_STOPF_MASK);
    assert_true(rd(fh, A_PWR_CPU2CR) & R_PWR_CPUCR_STOPF_MASK);
    /* CSSF clears the flags of that CPU only. */
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, false);
    fh_write(fh, CM7, PWR + A_PWR_CPUCR, R_PWR_CPUCR_CSSF_MASK);
    assert_false(rd(fh, A_PWR_CPUCR) & R_PWR_CPUCR_STOPF_MASK);
    assert_true(rd(fh, A_PWR_CPU2CR) & R_PWR_CPUCR_STOPF_MASK);
}

static void test_run_d3_prevents_system_stop(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CPUCR, R_PWR_CPUCR_RUN_D3_MASK);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, true);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, true);
    assert_false(fh_traced(fh, "pwr: system stop"));
    assert_false(rd(fh, A_PWR_CPUCR) & R_PWR_CPUCR_STOPF_MASK);
}

static void test_leaving_system_stop_returns_to_vos3(void **state)
{
    fake_host *fh = *state;
    configure_supply(fh);
    set_vos1(fh);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, true);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM4, true);
    h7_soc_cpu_stop_changed(&fh->soc, H7_CM7, false);
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 3);
    assert_int_equal(H7_FIELD_EX(fh_read(fh, DBG, RCC + A_RCC_CFGR), RCC_CFGR, SWS), 0);
}

static void test_cr2_is_write_protected_until_dbp(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR2, 0x1);
    assert_int_equal(rd(fh, A_PWR_CR2), 0);
    assert_true(fh_logged(fh, "backup domain write-protected"));
    fh_write(fh, CM7, PWR + A_PWR_CR1, rd(fh, A_PWR_CR1) | R_PWR_CR1_DBP_MASK);
    fh_write(fh, CM7, PWR + A_PWR_CR2, 0x1);
    assert_int_equal(rd(fh, A_PWR_CR2), 0x1);
}

/* RM0399 §7.8.5/§7.8.6 do not restrict PWR_CPUCR/CPU2CR to their own CPU, and ST's HAL writes both
 * from either core (HAL_PWR_EnterSTANDBYMode, DUAL_CORE): stored, not a guest error. */
static void test_cross_cpu_writes_to_cpucr_are_stored_and_not_guest_errors(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, PWR + A_PWR_CPUCR, R_PWR_CPUCR_PDDS_D2_MASK | R_PWR_CPUCR_PDDS_D3_MASK);
    fh_write(fh, CM7, PWR + A_PWR_CPU2CR, R_PWR_CPUCR_PDDS_D1_MASK | R_PWR_CPUCR_PDDS_D3_MASK);
    assert_int_equal(rd(fh, A_PWR_CPUCR) & 7u, 6u);
    assert_int_equal(rd(fh, A_PWR_CPU2CR) & 7u, 5u);
    assert_false(fh_logged(fh, "GUEST_ERROR"));
}

static void test_byte_write_to_cr3_low_lane_configures_supply(void **state)
{
    fake_host *fh = *state;
    fh_write_sized(fh, CM7, PWR + A_PWR_CR3, 0x04, 1);
    assert_int_equal(rd(fh, A_PWR_CR3) & 0x3F, 0x04);
    fh_advance(fh, H7_PWR_ACTVOS_DELAY_PS);
    assert_true(actvosrdy(fh));
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 §7.8.3: PWR_CR2.BRRDY, VBATL/H and TEMPL/H are set by hardware; with the backup domain
 * writable (DBP = 1) a write of ones stores BREN and MONEN only. */
static void test_pwr_cr2_brrdy_and_monitor_flags_are_never_stored_from_a_write(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, PWR + A_PWR_CR1, fh_read(fh, CM7, PWR + A_PWR_CR1) | R_PWR_CR1_DBP_MASK);
    fh_write(fh, CM7, PWR + A_PWR_CR2, 0xFFFFFFFFu);
    assert_int_equal(fh_read(fh, CM7, PWR + A_PWR_CR2) & 0x00F10000u, 0);
    assert_int_equal(fh_read(fh, CM7, PWR + A_PWR_CR2) & 0x11u, 0x11u);
}

/* RM0399 §7.8: CSR1 ACTVOS/ACTVOSRDY, CR2 BRRDY/VBATx/TEMPx, CR3 SDEXTRDY/USB33RDY, CPUxCR STOPF/SBFx, D3CR VOSRDY and WKUPFR are r: a write never changes them (every table row with read-only bits is written with those
 * bits flipped). */
static void test_pwr_status_bits_are_read_only(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_check_read_only_bits(fh, H7_MASTER_CM7, PWR, h7_pwr_regs, h7_pwr_nregs) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(pwr_status_bits_are_read_only),
        T(pwr_cr2_brrdy_and_monitor_flags_are_never_stored_from_a_write),
        T(registers_read_their_reset_values),
        T(actvosrdy_stays_clear_until_supply_is_configured),
        T(cr3_low_byte_is_write_once_until_power_on_reset),
        T(cr3_upper_bits_stay_writable_after_lock),
        T(cr3_write_once_survives_system_reset),
        T(illegal_cr3_combination_is_discarded_but_locks),
        T(ldo_and_bypass_together_is_illegal),
        T(supply_names_follow_table_33),
        T(direct_smps_sets_actvosrdy_after_delay),
        T(supply_configured_host_call_reports_first_write_only),
        T(writing_the_default_pattern_also_locks),
        T(vos_change_drops_vosrdy_then_sets_it),
        T(vos_change_before_actvosrdy_is_traced),
        T(rewriting_the_same_vos_keeps_vosrdy),
        T(oden_via_syscfg_requires_vos1_and_gives_vos0),
        T(lowering_vos_with_oden_set_is_a_guest_error),
        T(d2_enters_dstop_when_cm4_cstop_and_cm7_has_no_d2_allocation),
        T(cm7_d2_allocation_keeps_d2_running),
        T(cm4_d2_allocation_does_not_keep_d2_running),
        T(d1_enters_dstop_when_cm7_cstop_and_cm4_has_no_d1_allocation),
        T(both_cores_in_cstop_give_system_stop_flags),
        T(run_d3_prevents_system_stop),
        T(leaving_system_stop_returns_to_vos3),
        T(cr2_is_write_protected_until_dbp),
        T(cross_cpu_writes_to_cpucr_are_stored_and_not_guest_errors),
        T(byte_write_to_cr3_low_lane_configures_supply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SYSCFG (RM0399 ch.13) and DBGMCU (RM0399 ch.63) models. */
#include "support.h"

#include "fake_host.h"
#include "flash_regs.h"

#define RCC 0x58024400u
#define PWR 0x58024800u
#define SYSCFG 0x58000400u
#define DBGMCU 0x5C001000u
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0F4, 1u << 1);   /* C1 APB4ENR.SYSCFGEN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static uint32_t srd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, SYSCFG + off); }
static void swr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, SYSCFG + off, v); }

/* Supply configured, VOS1 reached: the state in which ODEN may be set. */
static void reach_vos1(fake_host *fh)
{
    fh_write(fh, CM7, PWR + A_PWR_CR3, 0x02);   /* LDO */
    fh_advance(fh, H7_PWR_ACTVOS_DELAY_PS);
    fh_write(fh, CM7, PWR + A_PWR_D3CR, 3u << R_PWR_D3CR_VOS_SHIFT);
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
}

/* ------------------------------------------------------------------ DBGMCU */

static void test_dbgmcu_idcode_reads_rev_v(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(fh_read(fh, CM7, DBGMCU + A_DBGMCU_IDCODE), 0x20036450u);
    assert_int_equal(fh_read(fh, CM4, DBGMCU + A_DBGMCU_IDCODE), 0x20036450u);
    assert_int_equal(fh_read(fh, DBG, DBGMCU + A_DBGMCU_IDCODE), h7_h755_reg("DBGMCU", "IDC")->reset);
    assert_int_equal(fh_read(fh, CM7, DBGMCU + A_DBGMCU_IDCODE) & 0xFFFu, 0x450u);   /* DEV_ID */
    assert_int_equal(fh_read_sized(fh, CM7, DBGMCU + 2, 2), 0x2003u);                /* REV_ID */
}

static void test_dbgmcu_idcode_is_read_only(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, DBGMCU + A_DBGMCU_IDCODE, 0);
    assert_int_equal(fh_read(fh, CM7, DBGMCU + A_DBGMCU_IDCODE), 0x20036450u);
    assert_true(fh_logged(fh, "read-only DBGMCU_IDCODE"));
}

static void test_dbgmcu_cr_keeps_its_writable_bits(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(fh_read(fh, DBG, DBGMCU + A_DBGMCU_CR), 0);
    fh_write(fh, DBG, DBGMCU + A_DBGMCU_CR, 0xFFFFFFFFu);
    assert_int_equal(fh_read(fh, DBG, DBGMCU + A_DBGMCU_CR), h7_h755_reg("DBGMCU", "CR")->rw_mask);
}

static void test_dbgmcu_survives_system_reset_but_not_power_on(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, DBG, DBGMCU + A_DBGMCU_CR, 0x7u);
    fh_write(fh, DBG, DBGMCU + A_DBGMCU_APB3FZ1, 0x40u);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(fh_read(fh, DBG, DBGMCU + A_DBGMCU_CR), 0x7u);
    assert_int_equal(fh_read(fh, DBG, DBGMCU + A_DBGMCU_APB3FZ1), 0x40u);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    assert_int_equal(fh_read(fh, DBG, DBGMCU + A_DBGMCU_CR), 0);
    assert_int_equal(fh_read(fh, DBG, DBGMCU + A_DBGMCU_APB3FZ1), 0);
}

static void test_dbgmcu_freeze_registers_store(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, DBGMCU + A_DBGMCU_APB4FZ2, 0x00040000u);
    assert_int_equal(fh_read(fh, CM7, DBGMCU + A_DBGMCU_APB4FZ2), 0x00040000u);
    fh_write_sized(fh, CM7, DBGMCU + A_DBGMCU_APB4FZ2, 0x92, 1);   /* b7 DBG_I2C4; b1, b4 reserved */
    assert_int_equal(fh_read(fh, CM7, DBGMCU + A_DBGMCU_APB4FZ2), 0x00040080u);
}

static void test_dbgmcu_unmodelled_offset_is_logged(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(fh_read(fh, CM7, DBGMCU + 0x60), 0);
    assert_true(fh_logged(fh, "UNIMP DBGMCU"));
}

/* ------------------------------------------------------------------ SYSCFG */

static void test_syscfg_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_syscfg_nregs; i++)
        assert_int_equal(srd(fh, h7_syscfg_regs[i].offset), h7_syscfg_regs[i].reset);
    assert_int_equal(srd(fh, A_SYSCFG_PKGR), 0x8u);
}

static void test_syscfg_clock_off_ignores_writes_and_reads_zero(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0F4, 0);
    swr(fh, A_SYSCFG_EXTICR1, 0x2222u);
    assert_int_equal(srd(fh, A_SYSCFG_PKGR), 0);
    assert_true(fh_logged(fh, "NOTE SYSCFG"));
    /* the first such access is also on the timeline, naming the enable bit */
    assert_true(fh_traced(fh, "cm7 writes SYSCFG with its clock off (RCC_APB4ENR bit 1 = 0): write ignored"));
    fh_write(fh, CM4, RCC + 0x0F4, 1u << 1);
    assert_int_equal(srd(fh, A_SYSCFG_EXTICR1), 0);
    assert_int_equal(srd(fh, A_SYSCFG_PKGR), 0x8u);
}

static void test_pwrcr_oden_write_calls_overdrive_changed(void **state)
{
    fake_host *fh = *state;
    reach_vos1(fh);
    swr(fh, A_SYSCFG_PWRCR, 1);
    assert_int_equal(srd(fh, A_SYSCFG_PWRCR), 1);
    assert_int_equal(fh->overdrive_calls, 1);
    assert_true(fh->oden);
    assert_true(fh_traced(fh, "cm7: writes SYSCFG_PWRCR.ODEN = 1"));
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 0);
    /* Rewriting the same value does not call again. */
    swr(fh, A_SYSCFG_PWRCR, 1);
    assert_int_equal(fh->overdrive_calls, 1);
    swr(fh, A_SYSCFG_PWRCR, 0);
    assert_int_equal(fh->overdrive_calls, 2);
    assert_false(fh->oden);
    assert_true(fh_traced(fh, "cm7: writes SYSCFG_PWRCR.ODEN = 0"));
}

static void test_pwrcr_oden_refused_outside_vos1(void **state)
{
    fake_host *fh = *state;
    swr(fh, A_SYSCFG_PWRCR, 1);
    assert_int_equal(srd(fh, A_SYSCFG_PWRCR), 0);
    assert_int_equal(fh->overdrive_calls, 0);
    assert_true(fh_logged(fh, "GUEST_ERROR PWR"));
}

static void test_syscfg_peripheral_reset_clears_oden_and_returns_to_vos1(void **state)
{
    fake_host *fh = *state;
    reach_vos1(fh);
    swr(fh, A_SYSCFG_PWRCR, 1);
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    fh_write(fh, CM7, RCC + A_RCC_APB4RSTR, 1u << 1);   /* SYSCFGRST */
    fh_write(fh, CM7, RCC + A_RCC_APB4RSTR, 0);
    assert_int_equal(srd(fh, A_SYSCFG_PWRCR), 0);
    fh_advance(fh, H7_PWR_VOS_DELAY_PS);
    assert_int_equal(h7_pwr_get_state(&fh->soc.pwr).vos, 1);
    assert_false(fh->soc.pwr.oden);
    /* Note: the host is not told (overdrive_calls stays 1); the supervisor ignores ODEN = 0 anyway. */
}

static void test_compensation_cell_is_ready_once_enabled(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(srd(fh, A_SYSCFG_CCCSR) & R_SYSCFG_CCCSR_READY_MASK, 0);
    assert_int_equal(srd(fh, A_SYSCFG_CCVR), 0);
    swr(fh, A_SYSCFG_CCCSR, R_SYSCFG_CCCSR_EN_MASK);
    assert_true(srd(fh, A_SYSCFG_CCCSR) & R_SYSCFG_CCCSR_READY_MASK);
    assert_int_equal(srd(fh, A_SYSCFG_CCVR), 0x88u);
    /* READY is not writable. */
    swr(fh, A_SYSCFG_CCCSR, R_SYSCFG_CCCSR_READY_MASK);
    assert_int_equal(srd(fh, A_SYSCFG_CCCSR), 0);
}

static void test_exticr_stores_port_selection(void **state)
{
    fake_host *fh = *state;
    for (uint32_t off = A_SYSCFG_EXTICR1; off <= A_SYSCFG_EXTICR4; off += 4) {
        swr(fh, off, 0xFFFFFFFFu);
        assert_int_equal(srd(fh, off), 0x0000FFFFu);
    }
    fh_write_sized(fh, CM7, SYSCFG + A_SYSCFG_EXTICR4 + 1, 0x02, 1);
    assert_int_equal(srd(fh, A_SYSCFG_EXTICR4), 0x000002FFu);
}

static void test_pkgr_and_ur_are_read_only(void **state)
{
    fake_host *fh = *state;
    swr(fh, A_SYSCFG_PKGR, 0);
    assert_int_equal(srd(fh, A_SYSCFG_PKGR), 0x8u);
    swr(fh, A_SYSCFG_UR0 + 4, 0);
    assert_true(fh_logged(fh, "read-only SYSCFG+0x304"));
}

static void test_ur1_mirrors_bcm4_in_bit0_and_bcm7_in_bit16(void **state)
{
    fake_host *fh = *state;
    /* Factory option bytes: BCM7 = BCM4 = 1 (RM0399 SYSCFG_UR1: BCM4 bit 0, BCM7 bit 16). */
    assert_int_equal(srd(fh, A_SYSCFG_UR0 + 4), 0x00010001u);
}

static void test_ur2_mirrors_cm7_boot_address_0(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(srd(fh, A_SYSCFG_UR0 + 8) >> 16, H7_FLASH_BOOT7_FACTORY & 0xFFFFu);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 §13: CCCSR.READY, CCVR and PKGR are r: a write never changes them (every table row with read-only bits is written with those
 * bits flipped). */
static void test_syscfg_status_bits_are_read_only(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_check_read_only_bits(fh, H7_MASTER_CM7, SYSCFG, h7_syscfg_regs, h7_syscfg_nregs) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(syscfg_status_bits_are_read_only),
        T(dbgmcu_idcode_reads_rev_v),
        T(dbgmcu_idcode_is_read_only),
        T(dbgmcu_cr_keeps_its_writable_bits),
        T(dbgmcu_survives_system_reset_but_not_power_on),
        T(dbgmcu_freeze_registers_store),
        T(dbgmcu_unmodelled_offset_is_logged),
        T(syscfg_registers_read_their_reset_values),
        T(syscfg_clock_off_ignores_writes_and_reads_zero),
        T(pwrcr_oden_write_calls_overdrive_changed),
        T(pwrcr_oden_refused_outside_vos1),
        T(syscfg_peripheral_reset_clears_oden_and_returns_to_vos1),
        T(compensation_cell_is_ready_once_enabled),
        T(exticr_stores_port_selection),
        T(pkgr_and_ur_are_read_only),
        T(ur1_mirrors_bcm4_in_bit0_and_bcm7_in_bit16),
        T(ur2_mirrors_cm7_boot_address_0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

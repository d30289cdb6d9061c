/* RCC model (RM0399 ch.9): reset values, oscillator and PLL delays, system clock switch,
 * prescalers, per-CPU enable banks, reset flags, GCR boot bits. */
#include "support.h"

#include "fake_host.h"

#include <stdio.h>
#include <string.h>

#define RCC 0x58024400u
#define PWR 0x58024800u
#define HSEM 0x58026400u
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG

#define CR_HSE_BYPASS_ON (R_RCC_CR_HSEON_MASK | R_RCC_CR_HSEBYP_MASK | R_RCC_CR_HSION_MASK)

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

static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, DBG, RCC + off); }
static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, RCC + off, v); }

static bool guest_error_logged(const fake_host *fh, const char *periph)
{
    char needle[64];
    snprintf(needle, sizeof needle, "GUEST_ERROR %s", periph);
    return fh_logged(fh, needle);
}

static void hse_on(fake_host *fh)
{
    wr(fh, A_RCC_CR, CR_HSE_BYPASS_ON);
    fh_advance(fh, H7_RCC_HSE_BYPASS_DELAY_PS);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
}

/* HSE 8 MHz / DIVM1 4 = 2 MHz (RGE 01), N = 400 -> VCO 800 MHz (wide), P /2 = 400, Q /4, R /2. */
static void pll1_configure_400mhz(fake_host *fh)
{
    wr(fh, A_RCC_PLLCKSELR, (0x02020200u & ~0x3F3u) | (4u << 4) | 2u);
    wr(fh, A_RCC_PLLCFGR, 0x01FF0000u | (1u << 2));
    wr(fh, A_RCC_PLL1DIVR, (1u << 24) | (3u << 16) | (1u << 9) | 399u);
}

static void pll1_on_and_lock(fake_host *fh)
{
    wr(fh, A_RCC_CR, rd(fh, A_RCC_CR) | R_RCC_CR_PLL1ON_MASK);
    fh_advance(fh, H7_RCC_PLL_LOCK_PS);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
}

static void test_cr_reset_value_reads_0x0000c025(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, A_RCC_CR), 0x0000C025u);
}

static void test_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_rcc_nregs; i++) {
        const h7_regdesc *r = &h7_rcc_regs[i];
        assert_int_equal(rd(fh, r->offset), r->reset);
    }
    assert_false(guest_error_logged(fh, "RCC"));
    assert_int_equal(h7_rcc_sysclk_hz(&fh->soc.rcc), 64000000u);
    assert_int_equal(h7_rcc_cpu_hz(&fh->soc.rcc, H7_CM7), 64000000u);
    assert_int_equal(h7_rcc_cpu_hz(&fh->soc.rcc, H7_CM4), 64000000u);
}

static void test_hse_bypass_ready_only_after_delay(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_CR, CR_HSE_BYPASS_ON);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    fh_advance(fh, H7_RCC_HSE_BYPASS_DELAY_PS - 1);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    fh_advance(fh, 1);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    assert_true(fh_traced(fh, "rcc: hse ready"));
    assert_true(rd(fh, A_RCC_CIFR) & (1u << 3));   /* HSERDYF */
}

static void test_hse_as_crystal_on_a_bypass_board_never_gets_ready(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_CR, R_RCC_CR_HSEON_MASK | R_RCC_CR_HSION_MASK);
    fh_advance(fh, 10 * H7_RCC_HSE_XTAL_DELAY_PS);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    assert_true(fh_logged(fh, "HSERDY never sets"));
}

static void test_hsebyp_cannot_change_while_hse_is_on(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    wr(fh, A_RCC_CR, R_RCC_CR_HSEON_MASK | R_RCC_CR_HSION_MASK);   /* try to clear HSEBYP */
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSEBYP_MASK);
}

/* RM0399 §9.7.2: HSERDY goes low six HSE cycles after HSEON is cleared (750 ns at 8 MHz). */
static void test_hse_off_clears_hserdy_six_hse_cycles_later(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    wr(fh, A_RCC_CR, R_RCC_CR_HSION_MASK | R_RCC_CR_HSEBYP_MASK);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    fh_advance(fh, 749000ull);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    fh_advance(fh, 1000ull);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
}

/* RM0399 §9.7.2: the RDY bits are r. A CubeMX boot does SET_BIT(RCC->CR, PLL1ON) with HSERDY = 1:
 * the read-modify-write must not store HSERDY, so HSE off still completes (HAL_RCC_DeInit). */
static void test_cr_ready_bits_are_never_stored_from_a_write(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    pll1_configure_400mhz(fh);
    pll1_on_and_lock(fh);                                   /* RMW with HSERDY = 1 */
    wr(fh, A_RCC_CR, rd(fh, A_RCC_CR) & ~R_RCC_CR_PLL1ON_MASK);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);  /* PLLxRDY: at once */
    wr(fh, A_RCC_CR, rd(fh, A_RCC_CR) & ~R_RCC_CR_HSEON_MASK);
    fh_advance(fh, H7_PS_PER_US);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    /* writing every RDY bit as 1 (or 0) changes none of them */
    uint32_t before = rd(fh, A_RCC_CR);
    wr(fh, A_RCC_CR, before | 0x2A02E124u);
    assert_int_equal(rd(fh, A_RCC_CR), before);
    wr(fh, A_RCC_CR, before & ~(R_RCC_CR_D1CKRDY_MASK | R_RCC_CR_D2CKRDY_MASK | R_RCC_CR_HSIRDY_MASK));
    assert_int_equal(rd(fh, A_RCC_CR), before);
}

/* HAL_RCC_DeInit then SystemClock_Config: HSE off, then on again: HSERDY waits for the start-up
 * time again instead of reading ready at once. */
static void test_hse_switched_on_again_waits_for_its_startup_time(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    wr(fh, A_RCC_CR, R_RCC_CR_HSION_MASK | R_RCC_CR_HSEBYP_MASK);
    fh_advance(fh, H7_PS_PER_US);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    wr(fh, A_RCC_CR, CR_HSE_BYPASS_ON);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    fh_advance(fh, H7_RCC_HSE_BYPASS_DELAY_PS);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
}

/* RM0399 §9.5.5: a PLL needs its input clock; enabled while HSE is still starting, it locks once
 * HSE is ready (the model used to leave it unlocked for ever). */
static void test_pll_enabled_before_its_source_is_ready_locks_once_it_is(void **state)
{
    fake_host *fh = *state;
    pll1_configure_400mhz(fh);
    wr(fh, A_RCC_CR, CR_HSE_BYPASS_ON | R_RCC_CR_PLL1ON_MASK);
    fh_advance(fh, H7_RCC_HSE_BYPASS_DELAY_PS);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    fh_advance(fh, H7_RCC_PLL_LOCK_PS);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    assert_true(fh_traced(fh, "rcc: pll1 ready"));
    assert_false(guest_error_logged(fh, "RCC"));
}

/* RM0399 §9.7.12: PLL1's P divider must be even; /1 and odd values are out of range (rule). */
static void test_pll1_divp_one_or_odd_is_logged_as_out_of_range(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_PLL1DIVR, (1u << 24) | (3u << 16) | (0u << 9) | 399u);   /* P = /1 */
    assert_true(fh_logged(fh, "RCC_PLL1DIVR.DIVP1 = /1 out of range"));
    wr(fh, A_RCC_PLL1DIVR, (1u << 24) | (3u << 16) | (2u << 9) | 399u);   /* P = /3 */
    assert_true(fh_logged(fh, "RCC_PLL1DIVR.DIVP1 = /3 out of range"));
    fh->nlog = 0;
    wr(fh, A_RCC_PLL1DIVR, (1u << 24) | (3u << 16) | (1u << 9) | 399u);   /* P = /2 */
    wr(fh, A_RCC_PLL2DIVR, (1u << 24) | (3u << 16) | (2u << 9) | 399u);   /* PLL2 P = /3 is fine */
    assert_false(fh_logged(fh, "DIVP"));
}

/* HSICAL is a factory value (0x8EC read on rev V silicon), moved by HSITRIM around its 0x40 reset. */
static void test_hsical_reads_the_factory_calibration_moved_by_the_trim(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, A_RCC_HSICFGR), 0x400008ECu);
    wr(fh, A_RCC_HSICFGR, 0x20000000u | 0xFFFu);   /* HAL's RCC_HSICALIBRATION_DEFAULT 0x20; HSICAL is r */
    assert_int_equal(rd(fh, A_RCC_HSICFGR), 0x200008CCu);
}

static void test_csi_and_hsi48_become_ready_after_4us(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_CR, R_RCC_CR_HSION_MASK | R_RCC_CR_CSION_MASK | R_RCC_CR_HSI48ON_MASK);
    assert_false(rd(fh, A_RCC_CR) & (R_RCC_CR_CSIRDY_MASK | R_RCC_CR_HSI48RDY_MASK));
    fh_advance(fh, H7_RCC_CSI_DELAY_PS);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_CSIRDY_MASK);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSI48RDY_MASK);
}

static void test_pll1_400mhz_configuration_locks_after_delay(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    pll1_configure_400mhz(fh);
    wr(fh, A_RCC_CR, rd(fh, A_RCC_CR) | R_RCC_CR_PLL1ON_MASK);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    assert_int_equal(h7_rcc_pll_hz(&fh->soc.rcc, 1, 'p'), 0);
    fh_advance(fh, H7_RCC_PLL_LOCK_PS - 1);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    fh_advance(fh, 1);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    assert_true(fh_traced(fh, "rcc: pll1 ready"));
    assert_int_equal(h7_rcc_pll_hz(&fh->soc.rcc, 1, 'p'), 400000000u);
    assert_int_equal(h7_rcc_pll_hz(&fh->soc.rcc, 1, 'q'), 200000000u);
    assert_int_equal(h7_rcc_pll_hz(&fh->soc.rcc, 1, 'r'), 400000000u);
    assert_false(guest_error_logged(fh, "RCC"));   /* input and VCO within range */
    /* Still on HSI until CFGR.SW selects the PLL. */
    assert_int_equal(h7_rcc_sysclk_hz(&fh->soc.rcc), 64000000u);
}

static void test_sw_pll1_gives_sws_3_and_400mhz_and_hpre_halves_cm4(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    pll1_configure_400mhz(fh);
    pll1_on_and_lock(fh);
    unsigned changes = fh->clock_changes;
    wr(fh, A_RCC_CFGR, 3);
    assert_int_equal(H7_FIELD_EX(rd(fh, A_RCC_CFGR), RCC_CFGR, SWS), 3);
    assert_int_equal(h7_rcc_sysclk_hz(&fh->soc.rcc), 400000000u);
    assert_true(fh->clock_changes > changes);
    assert_true(fh_traced(fh, "rcc: sysclk 400 MHz (pll1), cm7 400 MHz, cm4 400 MHz"));

    changes = fh->clock_changes;
    wr(fh, A_RCC_D1CFGR, 0x8);   /* HPRE = /2 */
    assert_int_equal(h7_rcc_cpu_hz(&fh->soc.rcc, H7_CM7), 400000000u);
    assert_int_equal(h7_rcc_cpu_hz(&fh->soc.rcc, H7_CM4), 200000000u);
    assert_int_equal(h7_rcc_hclk_hz(&fh->soc.rcc), 200000000u);
    assert_true(fh->clock_changes > changes);
    assert_true(fh_traced(fh, "rcc: sysclk 400 MHz (pll1), cm7 400 MHz, cm4 200 MHz"));

    /* APB prescalers /2: 100 MHz. */
    wr(fh, A_RCC_D2CFGR, (4u << 4) | (4u << 8));
    wr(fh, A_RCC_D1CFGR, 0x8 | (4u << 4));
    wr(fh, A_RCC_D3CFGR, 4u << 4);
    for (int apb = 1; apb <= 4; apb++)
        assert_int_equal(h7_rcc_pclk_hz(&fh->soc.rcc, apb), 100000000u);
    assert_int_equal(h7_rcc_usart_kernel_hz(&fh->soc.rcc, 3), 100000000u);
}

static void test_sw_to_a_source_not_ready_waits_for_it(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_CR, CR_HSE_BYPASS_ON);
    wr(fh, A_RCC_CFGR, 2);   /* HSE, not yet ready */
    assert_int_equal(H7_FIELD_EX(rd(fh, A_RCC_CFGR), RCC_CFGR, SWS), 0);
    assert_int_equal(H7_FIELD_EX(rd(fh, A_RCC_CFGR), RCC_CFGR, SW), 2);
    fh_advance(fh, H7_RCC_HSE_BYPASS_DELAY_PS);
    assert_int_equal(H7_FIELD_EX(rd(fh, A_RCC_CFGR), RCC_CFGR, SWS), 2);
    assert_int_equal(h7_rcc_sysclk_hz(&fh->soc.rcc), 8000000u);
}

static void test_reserved_sw_value_is_ignored(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_CFGR, 5);
    assert_int_equal(rd(fh, A_RCC_CFGR) & 7u, 0);
    assert_true(fh_logged(fh, "SW = 5 is reserved"));
}

static void test_pll_divr_write_ignored_while_pll_on(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    pll1_configure_400mhz(fh);
    uint32_t divr = rd(fh, A_RCC_PLL1DIVR);
    wr(fh, A_RCC_CR, rd(fh, A_RCC_CR) | R_RCC_CR_PLL1ON_MASK);
    wr(fh, A_RCC_PLL1DIVR, (1u << 24) | (3u << 16) | (1u << 9) | 199u);   /* before lock: PLL on */
    assert_int_equal(rd(fh, A_RCC_PLL1DIVR), divr);
    fh_advance(fh, H7_RCC_PLL_LOCK_PS);
    wr(fh, A_RCC_PLL1DIVR, (1u << 24) | (3u << 16) | (1u << 9) | 199u);
    assert_int_equal(rd(fh, A_RCC_PLL1DIVR), divr);
    assert_true(fh_logged(fh, "RCC_PLL1DIVR written while PLL1 is on"));
    /* DIVM1/PLLSRC are frozen too. */
    uint32_t cksel = rd(fh, A_RCC_PLLCKSELR);
    wr(fh, A_RCC_PLLCKSELR, (cksel & ~0x3F3u) | (8u << 4) | 0u);
    assert_int_equal(rd(fh, A_RCC_PLLCKSELR), cksel);
    /* PLL2 is off: its DIVR can change. */
    wr(fh, A_RCC_PLL2DIVR, 0x01010200u | 99u);
    assert_int_equal(rd(fh, A_RCC_PLL2DIVR), 0x01010200u | 99u);
}

static void test_pll_off_makes_divr_writable_again(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    pll1_configure_400mhz(fh);
    pll1_on_and_lock(fh);
    wr(fh, A_RCC_CR, rd(fh, A_RCC_CR) & ~R_RCC_CR_PLL1ON_MASK);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    wr(fh, A_RCC_PLL1DIVR, (1u << 9) | 199u);
    assert_int_equal(rd(fh, A_RCC_PLL1DIVR), (1u << 9) | 199u);
}

static void test_pll_with_hse_off_never_locks_and_logs(void **state)
{
    fake_host *fh = *state;
    pll1_configure_400mhz(fh);
    wr(fh, A_RCC_CR, R_RCC_CR_HSION_MASK | R_RCC_CR_PLL1ON_MASK);
    fh_advance(fh, 10 * H7_PS_PER_MS);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    assert_true(fh_logged(fh, "PLL1 will never lock: its source hse is not ready"));
}

static void test_pll_with_divm_zero_never_locks(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_PLLCKSELR, 0x02020200u & ~0x3F0u);   /* HSI, DIVM1 = 0 */
    wr(fh, A_RCC_CR, R_RCC_CR_HSION_MASK | R_RCC_CR_PLL1ON_MASK);
    fh_advance(fh, H7_PS_PER_MS);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    assert_true(fh_logged(fh, "DIVM prescaler is 0"));
}

static void test_pll_vco_out_of_range_still_locks_but_logs(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    wr(fh, A_RCC_PLLCKSELR, (0x02020200u & ~0x3F3u) | (4u << 4) | 2u);
    wr(fh, A_RCC_PLLCFGR, 0x01FF0000u | (1u << 2));
    wr(fh, A_RCC_PLL1DIVR, (1u << 9) | 9u);   /* 2 MHz * 10 = 20 MHz VCO */
    pll1_on_and_lock(fh);
    assert_true(fh_logged(fh, "PLL1 VCO 20 MHz out of range"));
}

static void test_hsion_cannot_be_cleared_while_hsi_is_sysclk(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_CR, 0);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSION_MASK);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSIRDY_MASK);
    assert_true(fh_logged(fh, "clearing hsiON while it drives the system clock"));
    assert_int_equal(h7_rcc_sysclk_hz(&fh->soc.rcc), 64000000u);
}

static void test_hse_cannot_be_cleared_while_it_feeds_the_system_pll(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    pll1_configure_400mhz(fh);
    pll1_on_and_lock(fh);
    wr(fh, A_RCC_CFGR, 3);
    wr(fh, A_RCC_CR, R_RCC_CR_HSION_MASK | R_RCC_CR_HSEBYP_MASK | R_RCC_CR_PLL1ON_MASK);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_HSERDY_MASK);
    assert_int_equal(h7_rcc_sysclk_hz(&fh->soc.rcc), 400000000u);
    /* HSI can go once the PLL is the system clock; PLL1ON cannot (it drives sys_ck). */
    wr(fh, A_RCC_CR, CR_HSE_BYPASS_ON & ~R_RCC_CR_HSION_MASK);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1ON_MASK);
    assert_true(rd(fh, A_RCC_CR) & R_RCC_CR_PLL1RDY_MASK);
    assert_false(rd(fh, A_RCC_CR) & R_RCC_CR_HSION_MASK);
}

static void test_hsidiv_divides_the_system_clock(void **state)
{
    fake_host *fh = *state;
    unsigned changes = fh->clock_changes;
    wr(fh, A_RCC_CR, R_RCC_CR_HSION_MASK | (1u << R_RCC_CR_HSIDIV_SHIFT));
    assert_int_equal(h7_rcc_sysclk_hz(&fh->soc.rcc), 32000000u);
    assert_true(fh->clock_changes > changes);
}

static void test_same_address_bank_resolves_to_c1_for_cm7_and_c2_for_cm4(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, RCC + 0x0E0, 1u << 25);   /* AHB4ENR.HSEMEN as the CM4 -> C2 bank */
    assert_int_equal(rd(fh, 0x1A0), 1u << 25);  /* RCC_C2_AHB4ENR */
    assert_int_equal(rd(fh, 0x140), 0);         /* RCC_C1_AHB4ENR */
    assert_int_equal(fh_read(fh, CM4, RCC + 0x0E0), 1u << 25);
    assert_int_equal(fh_read(fh, CM7, RCC + 0x0E0), 0);
    fh_write(fh, CM7, RCC + 0x0E0, 1u << 3);
    assert_int_equal(rd(fh, 0x140), 1u << 3);
    assert_int_equal(rd(fh, 0x1A0), 1u << 25);
    assert_true(h7_rcc_cpu_allocated(&fh->soc.rcc, H7_CM4, H7_RCC_EN_AHB4, 25));
    assert_false(h7_rcc_cpu_allocated(&fh->soc.rcc, H7_CM7, H7_RCC_EN_AHB4, 25));
    assert_true(h7_rcc_clock_enabled(&fh->soc.rcc, H7_RCC_EN_AHB4, 25));
    /* The explicit banks are writable from any master. */
    fh_write(fh, DBG, RCC + 0x1A0, 0);
    assert_false(h7_rcc_clock_enabled(&fh->soc.rcc, H7_RCC_EN_AHB4, 25));
}

static void test_debug_access_to_same_address_bank_is_refused(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, DBG, RCC + 0x0E0, 1u << 25);
    assert_int_equal(rd(fh, 0x140), 0);
    assert_int_equal(rd(fh, 0x1A0), 0);
    assert_int_equal(rd(fh, 0x0E0), 0);
    assert_true(fh_logged(fh, "same-address bank"));
}

static void test_bank_only_bits_are_masked(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0D4, 0xF0000001u);   /* C1 AHB3ENR: DTCM/ITCM/AXISRAM bits absent */
    assert_int_equal(rd(fh, 0x134), 0x00000001u);
    fh_write(fh, CM4, RCC + 0x0D4, 0xF0000001u);   /* C2 AHB3ENR: present */
    assert_int_equal(rd(fh, 0x194), 0xF0000001u);
    fh_write(fh, CM4, RCC + 0x0DC, 0xE0000001u);   /* C2 AHB2ENR: SRAM1-3 absent */
    assert_int_equal(rd(fh, 0x19C), 0x00000001u);
    fh_write(fh, CM7, RCC + 0x0DC, 0xE0000001u);
    assert_int_equal(rd(fh, 0x13C), 0xE0000001u);
}

static void test_clock_gated_peripheral_ignores_writes_and_reads_zero(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, HSEM + 0x100, 0xFFFFFFFFu);   /* C1IER, HSEM clock off */
    assert_true(fh_logged(fh, "NOTE HSEM"));
    fh_write(fh, CM7, RCC + 0x0E0, 1u << 25);
    assert_int_equal(fh_read(fh, CM7, HSEM + 0x100), 0);   /* the write was dropped */
    fh_write(fh, CM7, HSEM + 0x100, 0x1u);
    assert_int_equal(fh_read(fh, CM7, HSEM + 0x100), 0x1u);
    fh_write(fh, CM7, RCC + 0x0E0, 0);
    assert_int_equal(fh_read(fh, CM7, HSEM + 0x100), 0);
}

static void test_rsr_rmvf_clears_flags(void **state)
{
    fake_host *fh = *state;
    h7_rcc_add_reset_flags(&fh->soc.rcc, 0x00FE0000u);
    assert_int_equal(fh_read(fh, CM7, RCC + A_RCC_RSR), 0x00FE0000u);
    assert_int_equal(fh_read(fh, CM4, RCC + A_RCC_RSR), 0x00FE0000u);
    assert_int_equal(rd(fh, A_RCC_C1_RSR), 0x00FE0000u);
    assert_int_equal(rd(fh, A_RCC_C2_RSR), 0x00FE0000u);
    fh_write(fh, CM7, RCC + A_RCC_RSR, R_RCC_RSR_RMVF_MASK);
    assert_int_equal(rd(fh, A_RCC_C1_RSR), 0);
    assert_int_equal(rd(fh, A_RCC_C2_RSR), 0x00FE0000u);
    fh_write(fh, DBG, RCC + A_RCC_C2_RSR, R_RCC_RSR_RMVF_MASK);
    assert_int_equal(rd(fh, A_RCC_C2_RSR), 0);
}

static void test_reset_flags_survive_system_reset_and_clear_on_power_on(void **state)
{
    fake_host *fh = *state;
    h7_rcc_add_reset_flags(&fh->soc.rcc, 0x00400000u);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_RCC_C1_RSR), 0x00400000u);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    assert_int_equal(rd(fh, A_RCC_C1_RSR), 0);
}

static void test_gcr_boot_c2_releases_core(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_GCR, R_RCC_GCR_BOOT_C2_MASK);
    assert_int_equal(fh->released[H7_CM4], 1);
    assert_int_equal(fh->released[H7_CM7], 0);
    assert_true(fh_traced(fh, "cm7: sets RCC_GCR.BOOT_C2"));
    assert_true(rd(fh, A_RCC_GCR) & R_RCC_GCR_BOOT_C2_MASK);
    /* Set-only: writing 0 does not clear it; writing it again releases nothing new. */
    wr(fh, A_RCC_GCR, 0);
    assert_true(rd(fh, A_RCC_GCR) & R_RCC_GCR_BOOT_C2_MASK);
    wr(fh, A_RCC_GCR, R_RCC_GCR_BOOT_C2_MASK);
    assert_int_equal(fh->released[H7_CM4], 1);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_RCC_GCR), 0);
}

static void test_gcr_boot_c1_releases_cm7(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM4, RCC + A_RCC_GCR, R_RCC_GCR_BOOT_C1_MASK);
    assert_int_equal(fh->released[H7_CM7], 1);
    assert_true(fh_traced(fh, "cm4: sets RCC_GCR.BOOT_C1"));
}

static void test_ready_interrupt_follows_cier_and_cicr(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_CIER, 1u << 3);   /* HSERDYIE */
    wr(fh, A_RCC_CR, CR_HSE_BYPASS_ON);
    fh_advance(fh, H7_RCC_HSE_BYPASS_DELAY_PS);
    assert_true(fh->irq[H7_CM7][5]);
    assert_true(fh->irq[H7_CM4][5]);
    wr(fh, A_RCC_CICR, 1u << 3);
    assert_false(rd(fh, A_RCC_CIFR) & (1u << 3));
    assert_false(fh->irq[H7_CM7][5]);
}

static void test_bdcr_needs_dbp(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RCC_BDCR, 1);
    assert_int_equal(rd(fh, A_RCC_BDCR), 0);
    fh_write(fh, CM7, PWR + A_PWR_CR1, fh_read(fh, DBG, PWR + A_PWR_CR1) | R_PWR_CR1_DBP_MASK);
    wr(fh, A_RCC_BDCR, 1);
    assert_int_equal(rd(fh, A_RCC_BDCR), 3);   /* LSEON, LSERDY */
}

static void test_byte_write_to_cfgr_selects_hse(void **state)
{
    fake_host *fh = *state;
    hse_on(fh);
    fh_write_sized(fh, CM7, RCC + A_RCC_CFGR, 2, 1);
    assert_int_equal(H7_FIELD_EX(rd(fh, A_RCC_CFGR), RCC_CFGR, SWS), 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 §9.7: every read-only bit of the RCC registers (CR ready flags, CFGR.SWS, CIFR flags,
 * HSICFGR.HSICAL, CSICFGR.CSICAL, BDCR.LSERDY, CSR.LSIRDY) ignores writes. */
static void test_rcc_read_only_bits_ignore_writes(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_check_read_only_bits(fh, CM7, RCC, h7_rcc_regs, h7_rcc_nregs) >= 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(cr_reset_value_reads_0x0000c025),
        T(registers_read_their_reset_values),
        T(hse_bypass_ready_only_after_delay),
        T(hse_as_crystal_on_a_bypass_board_never_gets_ready),
        T(hsebyp_cannot_change_while_hse_is_on),
        T(hse_off_clears_hserdy_six_hse_cycles_later),
        T(cr_ready_bits_are_never_stored_from_a_write),
        T(rcc_read_only_bits_ignore_writes),
        T(hse_switched_on_again_waits_for_its_startup_time),
        T(pll_enabled_before_its_source_is_ready_locks_once_it_is),
        T(pll1_divp_one_or_odd_is_logged_as_out_of_range),
        T(hsical_reads_the_factory_calibration_moved_by_the_trim),
        T(csi_and_hsi48_become_ready_after_4us),
        T(pll1_400mhz_configuration_locks_after_delay),
        T(sw_pll1_gives_sws_3_and_400mhz_and_hpre_halves_cm4),
        T(sw_to_a_source_not_ready_waits_for_it),
        T(reserved_sw_value_is_ignored),
        T(pll_divr_write_ignored_while_pll_on),
        T(pll_off_makes_divr_writable_again),
        T(pll_with_hse_off_never_locks_and_logs),
        T(pll_with_divm_zero_never_locks),
        T(pll_vco_out_of_range_still_locks_but_logs),
        T(hsion_cannot_be_cleared_while_hsi_is_sysclk),
        T(hse_cannot_be_cleared_while_it_feeds_the_system_pll),
        T(hsidiv_divides_the_system_clock),
        T(same_address_bank_resolves_to_c1_for_cm7_and_c2_for_cm4),
        T(debug_access_to_same_address_bank_is_refused),
        T(bank_only_bits_are_masked),
        T(clock_gated_peripheral_ignores_writes_and_reads_zero),
        T(rsr_rmvf_clears_flags),
        T(reset_flags_survive_system_reset_and_clear_on_power_on),
        T(gcr_boot_c2_releases_core),
        T(gcr_boot_c1_releases_cm7),
        T(ready_interrupt_follows_cier_and_cicr),
        T(bdcr_needs_dbp),
        T(byte_write_to_cfgr_selects_hse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* RNG (RM0399 RNG chapter: "RNG processing time", "Error management", "RNG registers"):
 * DRDY timing from the RNG and AHB clocks, the four-word output, deterministic per-seed values,
 * clock error without a kernel clock, injected seed/clock errors, the interrupt. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define RNGB 0x48021800u
#define CM7 H7_MASTER_CM7
#define DBG H7_MASTER_DEBUG

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0DC, 1u << 6);   /* AHB2ENR.RNGEN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, RNGB + off, v); }
static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, RNGB + off); }

static void hsi48_on(fake_host *fh)
{
    fh_write(fh, CM7, RCC + 0x000, fh_read(fh, CM7, RCC) | (1u << 12));   /* RCC_CR.HSI48ON */
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_true(fh_read(fh, CM7, RCC) & (1u << 13));
}

/* RNGSEL = 00 (HSI48) with HSI48 off: no data; the clock checker flags CECS (CED = 0). */
static void test_no_kernel_clock_gives_no_data_and_a_clock_error(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    fh_advance(fh, 1 * H7_PS_PER_MS);
    uint32_t sr = rd(fh, A_RNG_SR);
    assert_false(sr & R_RNG_SR_DRDY_MASK);
    assert_true(sr & R_RNG_SR_CECS_MASK);
    assert_true(fh_logged(fh, "no kernel clock"));
}

/* First block: 128 RNG cycles (48 MHz) + 426 AHB cycles (64 MHz) = 9.32 us. */
static void test_first_data_ready_after_the_start_up_time(void **state)
{
    fake_host *fh = *state;
    hsi48_on(fh);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    fh_advance(fh, 9 * H7_PS_PER_US);
    assert_false(rd(fh, A_RNG_SR) & R_RNG_SR_DRDY_MASK);
    fh_advance(fh, 1 * H7_PS_PER_US);
    assert_int_equal(rd(fh, A_RNG_SR), R_RNG_SR_DRDY_MASK);
}

/* Four words per block; DRDY drops after the fourth read until the next block (213 AHB cycles). */
static void test_four_words_then_drdy_drops_until_the_next_block(void **state)
{
    fake_host *fh = *state;
    hsi48_on(fh);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    fh_advance(fh, 10 * H7_PS_PER_US);
    uint32_t v[4];
    for (int i = 0; i < 4; i++) {
        assert_true(rd(fh, A_RNG_SR) & R_RNG_SR_DRDY_MASK);
        v[i] = rd(fh, A_RNG_DR);
    }
    assert_false(rd(fh, A_RNG_SR) & R_RNG_SR_DRDY_MASK);
    assert_int_not_equal(v[0], v[1]);
    assert_int_not_equal(v[2], v[3]);
    fh_advance(fh, 3 * H7_PS_PER_US);
    assert_false(rd(fh, A_RNG_SR) & R_RNG_SR_DRDY_MASK);
    fh_advance(fh, 1 * H7_PS_PER_US);
    assert_true(rd(fh, A_RNG_SR) & R_RNG_SR_DRDY_MASK);
}

static void read_words(fake_host *fh, uint32_t *v, int n)
{
    hsi48_on(fh);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    for (int i = 0; i < n; i++) {
        while (!(rd(fh, A_RNG_SR) & R_RNG_SR_DRDY_MASK))
            fh_advance(fh, H7_PS_PER_US);
        v[i] = rd(fh, A_RNG_DR);
    }
}

/* Determinism: the same seed gives the same numbers; another seed other numbers. */
static void test_values_depend_only_on_the_seed(void **state)
{
    fake_host *fh = *state;
    uint32_t a[6], b[6], c[6];
    read_words(fh, a, 6);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    fh_write(fh, CM7, RCC + 0x0DC, 1u << 6);
    read_words(fh, b, 6);
    fh->soc.cfg.rng_seed = 12345;
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    fh_write(fh, CM7, RCC + 0x0DC, 1u << 6);
    read_words(fh, c, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(a[i], b[i]);
    assert_int_not_equal(a[0], c[0]);
}

/* "When data is not ready (DRDY = 0) RNG_DR returns zero"; a debugger read does not pop. */
static void test_dr_read_without_drdy_returns_zero(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, A_RNG_DR), 0);
    assert_true(fh_logged(fh, "DRDY = 0"));
    hsi48_on(fh);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    fh_advance(fh, 10 * H7_PS_PER_US);
    uint32_t peek = fh_read(fh, DBG, RNGB + A_RNG_DR);
    assert_int_equal(rd(fh, A_RNG_DR), peek);
}

/* A running clock never gives an error; the scenario hook injects one. Seed error: SECS/SEIS,
 * no data; recovery = clear SEIS, RNGEN 0 -> 1. */
static void test_injected_seed_error_and_recovery(void **state)
{
    fake_host *fh = *state;
    hsi48_on(fh);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_int_equal(rd(fh, A_RNG_SR), R_RNG_SR_DRDY_MASK);
    h7_rng_inject_error(&fh->soc.rng, false, true);
    assert_int_equal(rd(fh, A_RNG_SR), R_RNG_SR_SECS_MASK | R_RNG_SR_SEIS_MASK);
    assert_true(fh_traced(fh, "rng: seed error injected"));
    wr(fh, A_RNG_SR, 0);
    wr(fh, A_RNG_CR, 0);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_int_equal(rd(fh, A_RNG_SR), R_RNG_SR_DRDY_MASK);
}

static void test_injected_clock_error_sets_cecs_and_ceis(void **state)
{
    fake_host *fh = *state;
    hsi48_on(fh);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK);
    h7_rng_inject_error(&fh->soc.rng, true, false);
    assert_int_equal(rd(fh, A_RNG_SR) & 0x66u, R_RNG_SR_CECS_MASK | R_RNG_SR_CEIS_MASK);
    h7_rng_inject_error(&fh->soc.rng, false, false);
    assert_false(rd(fh, A_RNG_SR) & R_RNG_SR_CECS_MASK);
    assert_true(rd(fh, A_RNG_SR) & R_RNG_SR_CEIS_MASK);   /* the interrupt flag stays until cleared */
}

/* IE: DRDY raises HASH_RNG_IRQn 80 on both cores. */
static void test_ie_raises_the_rng_interrupt_on_drdy(void **state)
{
    fake_host *fh = *state;
    hsi48_on(fh);
    wr(fh, A_RNG_CR, R_RNG_CR_RNGEN_MASK | R_RNG_CR_IE_MASK);
    assert_false(fh->irq[H7_CM7][H7_RNG_IRQN]);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_true(fh->irq[H7_CM7][H7_RNG_IRQN]);
    assert_true(fh->irq[H7_CM4][H7_RNG_IRQN]);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(no_kernel_clock_gives_no_data_and_a_clock_error),
        T(first_data_ready_after_the_start_up_time),
        T(four_words_then_drdy_drops_until_the_next_block),
        T(values_depend_only_on_the_seed),
        T(dr_read_without_drdy_returns_zero),
        T(injected_seed_error_and_recovery),
        T(injected_clock_error_sets_cecs_and_ceis),
        T(ie_raises_the_rng_interrupt_on_drdy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

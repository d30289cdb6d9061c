/* GPIO model (RM0399 ch.12): reset values per port, BSRR/ODR with timeline traces, IDR, lock. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define GPIO(p) (0x58020000u + 0x400u * (p))
#define PA 0
#define PB 1
#define PC 2
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E0, 0x7FFu);   /* GPIOA..K clocks */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static uint32_t rd(fake_host *fh, int port, uint32_t off) { return fh_read(fh, CM7, GPIO(port) + off); }
static void wr(fake_host *fh, int port, uint32_t off, uint32_t v) { fh_write(fh, CM7, GPIO(port) + off, v); }

static void set_mode(fake_host *fh, int port, int pin, unsigned mode)
{
    uint32_t m = rd(fh, port, A_GPIO_MODER);
    wr(fh, port, A_GPIO_MODER, (m & ~(3u << (2 * pin))) | (mode << (2 * pin)));
}

static void test_moder_reset_values_port_a_b_and_others(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, PA, A_GPIO_MODER), 0xABFFFFFFu);
    assert_int_equal(rd(fh, PB, A_GPIO_MODER), 0xFFFFFEBFu);
    for (int p = 2; p < H7_GPIO_PORTS; p++)
        assert_int_equal(rd(fh, p, A_GPIO_MODER), 0xFFFFFFFFu);
    assert_int_equal(rd(fh, PA, A_GPIO_OSPEEDR), 0x0C000000u);
    assert_int_equal(rd(fh, PB, A_GPIO_OSPEEDR), 0x000000C0u);
    assert_int_equal(rd(fh, PA, A_GPIO_PUPDR), 0x64000000u);
    assert_int_equal(rd(fh, PB, A_GPIO_PUPDR), 0x00000100u);
    assert_int_equal(rd(fh, PC, A_GPIO_OSPEEDR), 0);
    assert_int_equal(rd(fh, PC, A_GPIO_PUPDR), 0);
}

static void test_other_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    static const uint32_t offs[] = {A_GPIO_OTYPER, A_GPIO_ODR, A_GPIO_BSRR, A_GPIO_LCKR, A_GPIO_AFRL, A_GPIO_AFRH};
    for (int p = 0; p < H7_GPIO_PORTS; p++)
        for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
            assert_int_equal(rd(fh, p, offs[i]), 0);
    for (int p = 2; p < H7_GPIO_PORTS; p++)
        assert_int_equal(rd(fh, p, A_GPIO_IDR), 0);   /* analog pins read 0 */
}

static void test_clock_off_ignores_writes_and_reads_zero(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0E0, 0x7FFu & ~(1u << PB));
    wr(fh, PB, A_GPIO_MODER, 0);
    assert_int_equal(rd(fh, PB, A_GPIO_MODER), 0);
    fh_write(fh, CM7, RCC + 0x0E0, 0x7FFu);
    assert_int_equal(rd(fh, PB, A_GPIO_MODER), 0xFFFFFEBFu);
}

static void test_bsrr_set_and_reset_and_trace(void **state)
{
    fake_host *fh = *state;
    set_mode(fh, PB, 0, 1);   /* PB0 output (LD1 on the Nucleo) */
    assert_true(fh_traced(fh, "gpio: PB0 low"));
    wr(fh, PB, A_GPIO_BSRR, 1u << 0);
    assert_int_equal(rd(fh, PB, A_GPIO_ODR), 1u);
    assert_true(fh_traced(fh, "gpio: PB0 high"));
    assert_int_equal(rd(fh, PB, A_GPIO_IDR) & 1u, 1u);
    wr(fh, PB, A_GPIO_BSRR, 1u << 16);
    assert_int_equal(rd(fh, PB, A_GPIO_ODR), 0);
    assert_int_equal(rd(fh, PB, A_GPIO_BSRR), 0);   /* write-only */
    /* Set wins when both are written. */
    wr(fh, PB, A_GPIO_BSRR, (1u << 16) | 1u);
    assert_int_equal(rd(fh, PB, A_GPIO_ODR), 1u);
}

static void test_bsrr_halfword_write_hits_its_lane(void **state)
{
    fake_host *fh = *state;
    set_mode(fh, PB, 14, 1);
    fh_write_sized(fh, CM7, GPIO(PB) + A_GPIO_BSRR, 1u << 14, 2);
    assert_int_equal(rd(fh, PB, A_GPIO_ODR), 1u << 14);
    fh_write_sized(fh, CM7, GPIO(PB) + A_GPIO_BSRR + 2, 1u << 14, 2);   /* BR14 */
    assert_int_equal(rd(fh, PB, A_GPIO_ODR), 0);
}

static void test_unchanged_level_is_not_traced_again(void **state)
{
    fake_host *fh = *state;
    set_mode(fh, PB, 7, 1);
    wr(fh, PB, A_GPIO_BSRR, 1u << 7);
    unsigned n = fh->ntrace;
    wr(fh, PB, A_GPIO_BSRR, 1u << 7);
    assert_int_equal(fh->ntrace, n);
}

static void test_odr_written_on_input_pin_is_not_traced_until_output(void **state)
{
    fake_host *fh = *state;
    wr(fh, PC, A_GPIO_ODR, 1u << 3);
    assert_false(fh_traced(fh, "gpio: PC3"));
    assert_int_equal(rd(fh, PC, A_GPIO_ODR), 1u << 3);
    set_mode(fh, PC, 3, 1);
    assert_true(fh_traced(fh, "gpio: PC3 high"));
    wr(fh, PC, A_GPIO_ODR, 0xFFFF0000u);   /* upper half reserved */
    assert_int_equal(rd(fh, PC, A_GPIO_ODR), 0);
    assert_true(fh_traced(fh, "gpio: PC3 low"));
}

static void test_idr_reflects_pull_up_input_and_set_input(void **state)
{
    fake_host *fh = *state;
    set_mode(fh, PC, 13, 0);
    assert_int_equal(rd(fh, PC, A_GPIO_IDR) & (1u << 13), 0);   /* no pull: 0 */
    wr(fh, PC, A_GPIO_PUPDR, 1u << 26);                          /* pull-up */
    assert_int_equal(rd(fh, PC, A_GPIO_IDR) & (1u << 13), 1u << 13);
    wr(fh, PC, A_GPIO_PUPDR, 2u << 26);                          /* pull-down */
    assert_int_equal(rd(fh, PC, A_GPIO_IDR) & (1u << 13), 0);
    h7_gpio_set_input(&fh->soc.gpio[PC], 13, true);              /* the user button */
    assert_int_equal(rd(fh, PC, A_GPIO_IDR) & (1u << 13), 1u << 13);
    assert_true(h7_gpio_pin_level(&fh->soc.gpio[PC], 13));
    h7_gpio_set_input(&fh->soc.gpio[PC], 13, false);
    assert_int_equal(rd(fh, PC, A_GPIO_IDR) & (1u << 13), 0);
    /* An analog pin reads 0 whatever the input. */
    h7_gpio_set_input(&fh->soc.gpio[PC], 13, true);
    set_mode(fh, PC, 13, 3);
    assert_int_equal(rd(fh, PC, A_GPIO_IDR) & (1u << 13), 0);
}

static void test_idr_is_read_only(void **state)
{
    fake_host *fh = *state;
    wr(fh, PC, A_GPIO_IDR, 0xFFFF);
    assert_int_equal(rd(fh, PC, A_GPIO_IDR), 0);
    assert_true(fh_logged(fh, "read-only GPIOC_IDR"));
}

static void test_lock_sequence_freezes_configuration_of_locked_pins(void **state)
{
    fake_host *fh = *state;
    set_mode(fh, PB, 0, 1);
    const uint32_t pins = 1u << 0;
    wr(fh, PB, A_GPIO_LCKR, R_GPIO_LCKR_LCKK_MASK | pins);
    wr(fh, PB, A_GPIO_LCKR, pins);
    wr(fh, PB, A_GPIO_LCKR, R_GPIO_LCKR_LCKK_MASK | pins);
    assert_false(fh->soc.gpio[PB].locked);
    assert_int_equal(rd(fh, PB, A_GPIO_LCKR), R_GPIO_LCKR_LCKK_MASK | pins);
    assert_true(fh->soc.gpio[PB].locked);
    assert_int_equal(rd(fh, PB, A_GPIO_LCKR), R_GPIO_LCKR_LCKK_MASK | pins);

    uint32_t moder = rd(fh, PB, A_GPIO_MODER);
    wr(fh, PB, A_GPIO_MODER, 0);   /* pin 0 keeps output mode, the others become inputs */
    assert_int_equal(rd(fh, PB, A_GPIO_MODER), moder & 3u);
    wr(fh, PB, A_GPIO_OTYPER, 0xFFFF);
    assert_int_equal(rd(fh, PB, A_GPIO_OTYPER), 0xFFFEu);
    wr(fh, PB, A_GPIO_AFRL, 0xFFFFFFFFu);
    assert_int_equal(rd(fh, PB, A_GPIO_AFRL), 0xFFFFFFF0u);
    /* ODR/BSRR are not locked. */
    wr(fh, PB, A_GPIO_BSRR, 1u);
    assert_int_equal(rd(fh, PB, A_GPIO_ODR), 1u);
    /* LCKR cannot be changed until reset. */
    wr(fh, PB, A_GPIO_LCKR, 0);
    assert_int_equal(rd(fh, PB, A_GPIO_LCKR), R_GPIO_LCKR_LCKK_MASK | pins);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    fh_write(fh, CM7, RCC + 0x0E0, 0x7FFu);
    assert_int_equal(rd(fh, PB, A_GPIO_LCKR), 0);
    wr(fh, PB, A_GPIO_MODER, 0);
    assert_int_equal(rd(fh, PB, A_GPIO_MODER), 0);
}

static void test_wrong_lock_sequence_does_not_lock(void **state)
{
    fake_host *fh = *state;
    wr(fh, PB, A_GPIO_LCKR, R_GPIO_LCKR_LCKK_MASK | 1u);
    wr(fh, PB, A_GPIO_LCKR, 2u);   /* different LCK bits */
    wr(fh, PB, A_GPIO_LCKR, R_GPIO_LCKR_LCKK_MASK | 1u);
    rd(fh, PB, A_GPIO_LCKR);
    assert_false(fh->soc.gpio[PB].locked);
    assert_int_equal(rd(fh, PB, A_GPIO_LCKR) & R_GPIO_LCKR_LCKK_MASK, 0);
    wr(fh, PB, A_GPIO_MODER, 0);
    assert_int_equal(rd(fh, PB, A_GPIO_MODER), 0);
}

static void test_afr_and_otyper_store(void **state)
{
    fake_host *fh = *state;
    wr(fh, PB, A_GPIO_AFRH, 0x00007700u);   /* PB10/PB11 AF7 */
    assert_int_equal(rd(fh, PB, A_GPIO_AFRH), 0x00007700u);
    wr(fh, PB, A_GPIO_OTYPER, 0xFFFFFFFFu);
    assert_int_equal(rd(fh, PB, A_GPIO_OTYPER), 0xFFFFu);
    /* An alternate-function pin reads 0 on IDR (decision). */
    set_mode(fh, PB, 10, 2);
    assert_int_equal(rd(fh, PB, A_GPIO_IDR) & (1u << 10), 0);
}

static void test_ahb4_peripheral_reset_restores_port(void **state)
{
    fake_host *fh = *state;
    wr(fh, PC, A_GPIO_MODER, 0);
    fh_write(fh, CM7, RCC + 0x088, 1u << PC);
    fh_write(fh, CM7, RCC + 0x088, 0);
    assert_int_equal(rd(fh, PC, A_GPIO_MODER), 0xFFFFFFFFu);
}

static void test_cm4_accesses_the_same_port(void **state)
{
    fake_host *fh = *state;
    set_mode(fh, PB, 0, 1);
    fh_write(fh, CM4, GPIO(PB) + A_GPIO_BSRR, 1u);
    assert_int_equal(fh_read(fh, CM4, GPIO(PB) + A_GPIO_ODR), 1u);
    assert_int_equal(rd(fh, PB, A_GPIO_ODR), 1u);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 §12.4.5: GPIOx_IDR is r: a write never changes them (every table row with read-only bits is written with those
 * bits flipped). */
static void test_gpio_input_data_is_read_only(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_check_read_only_bits(fh, H7_MASTER_CM7, GPIO(PA), h7_gpio_regs, h7_gpio_nregs) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(gpio_input_data_is_read_only),
        T(moder_reset_values_port_a_b_and_others),
        T(other_registers_read_their_reset_values),
        T(clock_off_ignores_writes_and_reads_zero),
        T(bsrr_set_and_reset_and_trace),
        T(bsrr_halfword_write_hits_its_lane),
        T(unchanged_level_is_not_traced_again),
        T(odr_written_on_input_pin_is_not_traced_until_output),
        T(idr_reflects_pull_up_input_and_set_input),
        T(idr_is_read_only),
        T(lock_sequence_freezes_configuration_of_locked_pins),
        T(wrong_lock_sequence_does_not_lock),
        T(afr_and_otyper_store),
        T(ahb4_peripheral_reset_restores_port),
        T(cm4_accesses_the_same_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* CRC calculation unit (RM0399 CRC chapter: "CRC functional description", "CRC registers"):
 * the standard check values of "123456789" for the 32/16/8/7-bit polynomials, input/output bit
 * reversal, byte/half-word/word data sizes, RESET and INIT. */
#include "support.h"

#include "fake_host.h"

#include <string.h>

#define RCC 0x58024400u
#define CRCB 0x58024C00u
#define CM7 H7_MASTER_CM7
#define CHECK "123456789"

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E0, 1u << 19);   /* AHB4ENR.CRCEN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, CRCB + off, v); }
static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, CRCB + off); }

static void feed_bytes(fake_host *fh, const char *s)
{
    for (size_t i = 0; s[i]; i++)
        fh_write_sized(fh, CM7, CRCB + A_CRC_DR, (uint8_t)s[i], 1);
}

/* RM0399 "CRC registers": DR and INIT reset to 0xFFFF_FFFF, POL to the CRC-32 polynomial. */
static void test_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_crc_nregs; i++)
        assert_int_equal(rd(fh, h7_crc_regs[i].offset), h7_crc_regs[i].reset);
}

/* Default configuration = CRC-32/MPEG-2 (no reflection, no final XOR). */
static void test_default_setup_computes_crc32_mpeg2_of_bytes(void **state)
{
    fake_host *fh = *state;
    feed_bytes(fh, CHECK);
    assert_int_equal(rd(fh, A_CRC_DR), 0x0376E6E7u);
}

/* CRC-32 (zlib/Ethernet) = REV_IN by byte, REV_OUT, software XOR 0xFFFFFFFF. */
static void test_rev_in_byte_and_rev_out_give_the_ethernet_crc32(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_CR, (1u << 5) | R_CRC_CR_REV_OUT_MASK | R_CRC_CR_RESET_MASK);
    feed_bytes(fh, CHECK);
    assert_int_equal(rd(fh, A_CRC_DR) ^ 0xFFFFFFFFu, 0xCBF43926u);
}

/* "CRC functional description": a word write feeds 32 bits; with REV_IN by word, little-endian
 * words give the same CRC as the bytes with REV_IN by byte. */
static void test_word_writes_with_rev_in_word_match_byte_writes(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_CR, (3u << 5) | R_CRC_CR_REV_OUT_MASK | R_CRC_CR_RESET_MASK);
    uint32_t w[2];
    memcpy(w, "12345678", 8);
    wr(fh, A_CRC_DR, w[0]);
    wr(fh, A_CRC_DR, w[1]);
    assert_int_equal(rd(fh, A_CRC_DR) ^ 0xFFFFFFFFu, 0x9AE0DAAFu);
}

static void test_halfword_writes_feed_16_bits_msb_first(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_CR, R_CRC_CR_RESET_MASK);
    fh_write_sized(fh, CM7, CRCB + A_CRC_DR, 0x3132u, 2);   /* '1' '2' */
    fh_write_sized(fh, CM7, CRCB + A_CRC_DR, 0x3334u, 2);
    uint32_t by_half = rd(fh, A_CRC_DR);
    wr(fh, A_CRC_CR, R_CRC_CR_RESET_MASK);
    feed_bytes(fh, "1234");
    assert_int_equal(by_half, rd(fh, A_CRC_DR));
}

/* POLYSIZE 01 = 16 bits: CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF). */
static void test_polysize_16_gives_crc16_ccitt_false(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_POL, 0x1021u);
    wr(fh, A_CRC_INIT, 0xFFFFu);
    wr(fh, A_CRC_CR, (1u << 3) | R_CRC_CR_RESET_MASK);
    feed_bytes(fh, CHECK);
    assert_int_equal(rd(fh, A_CRC_DR), 0x29B1u);
}

/* CRC-16/MODBUS: reflected in and out over the 16-bit polynomial width. */
static void test_rev_out_reverses_over_the_polynomial_width(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_POL, 0x8005u);
    wr(fh, A_CRC_INIT, 0xFFFFu);
    wr(fh, A_CRC_CR, (1u << 3) | (1u << 5) | R_CRC_CR_REV_OUT_MASK | R_CRC_CR_RESET_MASK);
    feed_bytes(fh, CHECK);
    assert_int_equal(rd(fh, A_CRC_DR), 0x4B37u);
}

/* POLYSIZE 10 = 8 bits (CRC-8/SMBUS), 11 = 7 bits (CRC-7/MMC). */
static void test_polysize_8_and_7_bits(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_POL, 0x07u);
    wr(fh, A_CRC_INIT, 0);
    wr(fh, A_CRC_CR, (2u << 3) | R_CRC_CR_RESET_MASK);
    feed_bytes(fh, CHECK);
    assert_int_equal(rd(fh, A_CRC_DR), 0xF4u);
    wr(fh, A_CRC_POL, 0x09u);
    wr(fh, A_CRC_CR, (3u << 3) | R_CRC_CR_RESET_MASK);
    feed_bytes(fh, CHECK);
    assert_int_equal(rd(fh, A_CRC_DR), 0x75u);
}

/* CRC_CR.RESET loads INIT and reads back 0. */
static void test_reset_bit_reloads_init_and_self_clears(void **state)
{
    fake_host *fh = *state;
    feed_bytes(fh, "abc");
    assert_int_not_equal(rd(fh, A_CRC_DR), 0xFFFFFFFFu);
    wr(fh, A_CRC_CR, R_CRC_CR_RESET_MASK);
    assert_int_equal(rd(fh, A_CRC_DR), 0xFFFFFFFFu);
    assert_int_equal(rd(fh, A_CRC_CR) & R_CRC_CR_RESET_MASK, 0);
}

/* CRC_POL: the polynomial must be odd. */
static void test_even_polynomial_is_a_guest_error(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_POL, 0x1020u);
    assert_true(fh_logged(fh, "GUEST_ERROR CRC"));
}

static void test_idr_is_a_scratch_register(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_CRC_IDR, 0xA5A55A5Au);
    assert_int_equal(rd(fh, A_CRC_IDR), 0xA5A55A5Au);
    assert_int_equal(rd(fh, A_CRC_DR), 0xFFFFFFFFu);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(registers_read_their_reset_values),
        T(default_setup_computes_crc32_mpeg2_of_bytes),
        T(rev_in_byte_and_rev_out_give_the_ethernet_crc32),
        T(word_writes_with_rev_in_word_match_byte_writes),
        T(halfword_writes_feed_16_bits_msb_first),
        T(polysize_16_gives_crc16_ccitt_false),
        T(rev_out_reverses_over_the_polynomial_width),
        T(polysize_8_and_7_bits),
        T(reset_bit_reloads_init_and_self_clears),
        T(even_polynomial_is_a_guest_error),
        T(idr_is_a_scratch_register),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* USART3 model (RM0399 ch.48): TEACK/REACK, baud-timed transmission, TXE/TC, console trace,
 * interrupts, reception and overrun. */
#include "support.h"

#include "fake_host.h"

#include <string.h>

#define RCC 0x58024400u
#define U3 0x40004800u
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG
#define USART3_IRQN 39

#define BRR_115200_64MHZ 556u
/* 10 bits (start, 8 data, stop) * 556 / 64 MHz */
#define FRAME_PS (10ull * 556u * H7_PS_PER_S / 64000000u)

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E8, 1u << 18);   /* C1 APB1LENR.USART3EN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, U3 + off); }
static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, U3 + off, v); }
static uint32_t isr(fake_host *fh) { return rd(fh, A_USART_ISR); }

static void enable_tx(fake_host *fh)
{
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK);
}

static void put(fake_host *fh, uint8_t c)
{
    for (int i = 0; i < 1000 && !(isr(fh) & R_USART_ISR_TXE_MASK); i++)
        fh_advance(fh, H7_PS_PER_US);
    assert_true(isr(fh) & R_USART_ISR_TXE_MASK);
    wr(fh, A_USART_TDR, c);
}

static void test_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_usart_nregs; i++)
        assert_int_equal(rd(fh, h7_usart_regs[i].offset), h7_usart_regs[i].reset);
    assert_int_equal(isr(fh), 0x000000C0u);   /* TXE, TC */
}

static void test_clock_off_ignores_writes_and_reads_zero(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0E8, 0);
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    assert_int_equal(rd(fh, A_USART_ISR), 0);
    assert_true(fh_logged(fh, "NOTE USART3"));
    fh_write(fh, CM4, RCC + 0x0E8, 1u << 18);   /* the CM4's allocation clocks it as well */
    assert_int_equal(rd(fh, A_USART_BRR), 0);
    assert_int_equal(isr(fh), 0x000000C0u);
}

static void test_te_and_ue_give_teack(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR1, R_USART_CR1_TE_MASK);
    assert_false(isr(fh) & R_USART_ISR_TEACK_MASK);   /* UE = 0 */
    wr(fh, A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK);
    assert_true(isr(fh) & R_USART_ISR_TEACK_MASK);
    assert_false(isr(fh) & R_USART_ISR_REACK_MASK);
    wr(fh, A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_RE_MASK | R_USART_CR1_UE_MASK);
    assert_true(isr(fh) & R_USART_ISR_REACK_MASK);
    wr(fh, A_USART_CR1, R_USART_CR1_UE_MASK);
    assert_false(isr(fh) & (R_USART_ISR_TEACK_MASK | R_USART_ISR_REACK_MASK));
}

static void test_frame_time_for_115200_8n1_at_64mhz(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    assert_int_equal(h7_rcc_pclk_hz(&fh->soc.rcc, 1), 64000000u);
    assert_int_equal(h7_usart_frame_ps(&fh->soc.usart3), FRAME_PS);   /* 86.875 us */
    assert_in_range(h7_usart_frame_ps(&fh->soc.usart3), 86 * H7_PS_PER_US, 88 * H7_PS_PER_US);
}

static void test_frame_time_follows_word_length_stop_bits_and_over8(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR2, 2u << R_USART_CR2_STOP_SHIFT);   /* 2 stop bits: 11 bits */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.usart3), 11ull * 556u * H7_PS_PER_S / 64000000u);
    wr(fh, A_USART_CR2, 0);
    wr(fh, A_USART_CR1, R_USART_CR1_M0_MASK);   /* 9 data bits: 11 bits */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.usart3), 11ull * 556u * H7_PS_PER_S / 64000000u);
    /* OVER8: USARTDIV = 2 * 64 MHz / 115200 = 1111 -> BRR = 0x450 | (0x7 >> 1); bit = USARTDIV' / (2 f). */
    wr(fh, A_USART_CR1, R_USART_CR1_OVER8_MASK);
    wr(fh, A_USART_BRR, 0x453u);
    assert_int_equal(h7_usart_frame_ps(&fh->soc.usart3), 10ull * 0x456u * H7_PS_PER_S / (2u * 64000000u));
}

static void test_frame_time_follows_kernel_clock_mux_and_presc(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    fh_write(fh, CM7, RCC + A_RCC_D2CCIP2R, 3u);   /* HSI kernel clock: 64 MHz too */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.usart3), FRAME_PS);
    wr(fh, A_USART_PRESC, 1);   /* /2 */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.usart3), 2 * FRAME_PS);
    wr(fh, A_USART_BRR, 15);    /* BRR < 16 is invalid */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.usart3), 0);
}

static void test_write_hi_prints_and_traces_the_line(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    put(fh, 'h');
    put(fh, 'i');
    put(fh, '\n');
    fh_advance(fh, 4 * FRAME_PS);
    assert_int_equal(fh->nuart, 3);
    assert_memory_equal(fh->uart, "hi\n", 3);
    assert_true(fh_traced(fh, "uart3: \"hi\""));
    assert_true(isr(fh) & R_USART_ISR_TC_MASK);
    assert_true(isr(fh) & R_USART_ISR_TXE_MASK);
    assert_false(isr(fh) & R_USART_ISR_BUSY_MASK);
}

static void test_tc_sets_only_after_the_last_frame(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    h7_time_ps t0 = fh->now;
    wr(fh, A_USART_TDR, 'a');
    /* Shift register idle: the byte moves at once, TXE stays 1, TC drops. */
    assert_true(isr(fh) & R_USART_ISR_TXE_MASK);
    assert_false(isr(fh) & R_USART_ISR_TC_MASK);
    wr(fh, A_USART_TDR, 'b');
    assert_false(isr(fh) & R_USART_ISR_TXE_MASK);
    fh_advance(fh, FRAME_PS - 1);
    assert_int_equal(fh->nuart, 0);
    fh_advance(fh, 1);
    assert_int_equal(fh->nuart, 1);
    assert_true(isr(fh) & R_USART_ISR_TXE_MASK);   /* 'b' moved to the shift register */
    assert_false(isr(fh) & R_USART_ISR_TC_MASK);
    fh_advance(fh, t0 + 2 * FRAME_PS - 1 - fh->now);
    assert_false(isr(fh) & R_USART_ISR_TC_MASK);
    assert_int_equal(fh->nuart, 1);
    fh_advance(fh, 1);
    assert_true(isr(fh) & R_USART_ISR_TC_MASK);
    assert_int_equal(fh->nuart, 2);
    assert_memory_equal(fh->uart, "ab", 2);
}

static void test_icr_tccf_clears_tc(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    wr(fh, A_USART_ICR, 1u << 6);
    assert_false(isr(fh) & R_USART_ISR_TC_MASK);
}

static void test_tdr_write_with_te_off_is_a_guest_error(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR1, R_USART_CR1_UE_MASK);
    wr(fh, A_USART_TDR, 'A');
    fh_advance(fh, 10 * FRAME_PS);
    assert_int_equal(fh->nuart, 0);
    assert_true(fh_logged(fh, "GUEST_ERROR USART"));
    assert_true(fh_logged(fh, "byte 0x41 lost"));
    assert_true(isr(fh) & R_USART_ISR_TC_MASK);
}

static void test_tdr_write_while_txe_clear_overwrites_and_logs(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    wr(fh, A_USART_TDR, '1');
    wr(fh, A_USART_TDR, '2');
    wr(fh, A_USART_TDR, '3');
    assert_true(fh_logged(fh, "while TXE = 0"));
    fh_advance(fh, 3 * FRAME_PS);
    assert_int_equal(fh->nuart, 2);
    assert_memory_equal(fh->uart, "13", 2);
}

static void test_txeie_and_tcie_drive_usart3_irq_on_both_cores(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    wr(fh, A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK | R_USART_CR1_TXEIE_MASK);
    assert_true(fh->irq[H7_CM7][USART3_IRQN]);
    assert_true(fh->irq[H7_CM4][USART3_IRQN]);
    wr(fh, A_USART_TDR, 'x');
    wr(fh, A_USART_TDR, 'y');   /* TXE = 0 */
    assert_false(fh->irq[H7_CM7][USART3_IRQN]);
    wr(fh, A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK | R_USART_CR1_TCIE_MASK);
    assert_false(fh->irq[H7_CM7][USART3_IRQN]);
    fh_advance(fh, 2 * FRAME_PS);
    assert_true(fh->irq[H7_CM7][USART3_IRQN]);
    wr(fh, A_USART_ICR, 1u << 6);
    assert_false(fh->irq[H7_CM7][USART3_IRQN]);
}

static void test_receive_sets_rxne_and_reading_rdr_clears_it(void **state)
{
    fake_host *fh = *state;
    assert_false(h7_usart_rx(&fh->soc.usart3, 'z'));   /* receiver off */
    assert_true(fh_logged(fh, "dropped"));
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR1, R_USART_CR1_RE_MASK | R_USART_CR1_UE_MASK | R_USART_CR1_RXNEIE_MASK);
    assert_true(h7_usart_rx(&fh->soc.usart3, 'z'));
    assert_true(isr(fh) & R_USART_ISR_RXNE_MASK);
    assert_true(fh->irq[H7_CM7][USART3_IRQN]);
    /* A debugger read does not consume the byte. */
    assert_int_equal(fh_read(fh, DBG, U3 + A_USART_RDR), 'z');
    assert_true(isr(fh) & R_USART_ISR_RXNE_MASK);
    assert_int_equal(rd(fh, A_USART_RDR), 'z');
    assert_false(isr(fh) & R_USART_ISR_RXNE_MASK);
    assert_false(fh->irq[H7_CM7][USART3_IRQN]);
}

static void test_second_byte_before_rdr_read_is_an_overrun(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_CR1, R_USART_CR1_RE_MASK | R_USART_CR1_UE_MASK);
    h7_usart_rx(&fh->soc.usart3, '1');
    h7_usart_rx(&fh->soc.usart3, '2');
    assert_true(isr(fh) & R_USART_ISR_ORE_MASK);
    assert_int_equal(rd(fh, A_USART_RDR), '1');
    wr(fh, A_USART_ICR, 1u << 3);   /* ORECF */
    assert_false(isr(fh) & R_USART_ISR_ORE_MASK);
}

static void test_ue_off_aborts_transmission(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    wr(fh, A_USART_TDR, 'q');
    wr(fh, A_USART_CR1, 0);
    fh_advance(fh, 2 * FRAME_PS);
    assert_int_equal(fh->nuart, 0);
    assert_int_equal(isr(fh), 0x000000C0u);
}

static void test_brr_write_while_ue_set_is_a_guest_error(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    wr(fh, A_USART_BRR, 278);
    assert_true(fh_logged(fh, "while UE = 1"));
}

static void test_control_bytes_are_escaped_and_cr_dropped_in_trace(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    const char *msg = "a\"\x01\r\n";
    for (size_t i = 0; i < strlen(msg); i++)
        put(fh, (uint8_t)msg[i]);
    fh_advance(fh, 3 * FRAME_PS);
    assert_int_equal(fh->nuart, 5);
    assert_true(fh_traced(fh, "uart3: \"a\\x22\\x01\""));
}

static void test_flush_line_traces_a_partial_line(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    put(fh, 'o');
    put(fh, 'k');
    fh_advance(fh, 3 * FRAME_PS);
    assert_false(fh_traced(fh, "uart3:"));
    h7_usart_flush_line(&fh->soc.usart3);
    assert_true(fh_traced(fh, "uart3: \"ok\""));
}

static void test_apb1l_peripheral_reset_restores_usart3(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    fh_write(fh, CM7, RCC + 0x090, 1u << 18);   /* APB1LRSTR.USART3RST */
    fh_write(fh, CM7, RCC + 0x090, 0);
    assert_int_equal(rd(fh, A_USART_CR1), 0);
    assert_int_equal(rd(fh, A_USART_BRR), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 USART chapter: USART_ISR flags and RDR are r (cleared through ICR/RQR or by reading RDR): a write never changes them (every table row with read-only bits is written with those
 * bits flipped). */
static void test_usart_status_flags_are_read_only(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_check_read_only_bits(fh, H7_MASTER_CM7, U3, h7_usart_regs, h7_usart_nregs) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(usart_status_flags_are_read_only),
        T(registers_read_their_reset_values),
        T(clock_off_ignores_writes_and_reads_zero),
        T(te_and_ue_give_teack),
        T(frame_time_for_115200_8n1_at_64mhz),
        T(frame_time_follows_word_length_stop_bits_and_over8),
        T(frame_time_follows_kernel_clock_mux_and_presc),
        T(write_hi_prints_and_traces_the_line),
        T(tc_sets_only_after_the_last_frame),
        T(icr_tccf_clears_tc),
        T(tdr_write_with_te_off_is_a_guest_error),
        T(tdr_write_while_txe_clear_overwrites_and_logs),
        T(txeie_and_tcie_drive_usart3_irq_on_both_cores),
        T(receive_sets_rxne_and_reading_rdr_clears_it),
        T(second_byte_before_rdr_read_is_an_overrun),
        T(ue_off_aborts_transmission),
        T(brr_write_while_ue_set_is_a_guest_error),
        T(control_bytes_are_escaped_and_cr_dropped_in_trace),
        T(flush_line_traces_a_partial_line),
        T(apb1l_peripheral_reset_restores_usart3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* U(S)ART model (RM0399 ch.48, ch.49): TEACK/REACK, baud-timed transmission, TXE/TC, console trace,
 * interrupts, reception and overrun, FIFO mode, DMA requests, other instances and kernel clocks. */
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
    assert_int_equal(h7_usart_frame_ps(&fh->soc.uart[2]), FRAME_PS);   /* 86.875 us */
    assert_in_range(h7_usart_frame_ps(&fh->soc.uart[2]), 86 * H7_PS_PER_US, 88 * H7_PS_PER_US);
}

static void test_frame_time_follows_word_length_stop_bits_and_over8(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR2, 2u << R_USART_CR2_STOP_SHIFT);   /* 2 stop bits: 11 bits */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.uart[2]), 11ull * 556u * H7_PS_PER_S / 64000000u);
    wr(fh, A_USART_CR2, 0);
    wr(fh, A_USART_CR1, R_USART_CR1_M0_MASK);   /* 9 data bits: 11 bits */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.uart[2]), 11ull * 556u * H7_PS_PER_S / 64000000u);
    /* OVER8: USARTDIV = 2 * 64 MHz / 115200 = 1111 -> BRR = 0x450 | (0x7 >> 1); bit = USARTDIV' / (2 f). */
    wr(fh, A_USART_CR1, R_USART_CR1_OVER8_MASK);
    wr(fh, A_USART_BRR, 0x453u);
    assert_int_equal(h7_usart_frame_ps(&fh->soc.uart[2]), 10ull * 0x456u * H7_PS_PER_S / (2u * 64000000u));
}

static void test_frame_time_follows_kernel_clock_mux_and_presc(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    fh_write(fh, CM7, RCC + A_RCC_D2CCIP2R, 3u);   /* HSI kernel clock: 64 MHz too */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.uart[2]), FRAME_PS);
    wr(fh, A_USART_PRESC, 1);   /* /2 */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.uart[2]), 2 * FRAME_PS);
    wr(fh, A_USART_BRR, 15);    /* BRR < 16 is invalid */
    assert_int_equal(h7_usart_frame_ps(&fh->soc.uart[2]), 0);
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
    assert_false(h7_usart_rx(&fh->soc.uart[2], 'z'));   /* receiver off */
    assert_true(fh_logged(fh, "dropped"));
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR1, R_USART_CR1_RE_MASK | R_USART_CR1_UE_MASK | R_USART_CR1_RXNEIE_MASK);
    assert_true(h7_usart_rx(&fh->soc.uart[2], 'z'));
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
    h7_usart_rx(&fh->soc.uart[2], '1');
    h7_usart_rx(&fh->soc.uart[2], '2');
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
    h7_usart_flush_line(&fh->soc.uart[2]);
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


/* RM0399 §48.5.x FIFO mode: 16-entry TX FIFO behind TDR; TXFNF (bit 7) clears when it is full,
 * TXFE sets when it drains, TXFT follows CR3.TXFTCFG. */
static void test_fifo_mode_queues_sixteen_bytes_and_reports_txfnf_txfe_txft(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR3, 2u << R_USART_CR3_TXFTCFG_SHIFT);   /* TXFT: at least half the FIFO free */
    wr(fh, A_USART_CR1, R_USART_CR1_FIFOEN_MASK | R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK);
    assert_true(isr(fh) & R_USART_ISR_TXFE_MASK);
    wr(fh, A_USART_TDR, '0');   /* straight into the shift register */
    for (int i = 0; i < 16; i++) {
        assert_true(isr(fh) & R_USART_ISR_TXE_MASK);
        wr(fh, A_USART_TDR, (uint32_t)('a' + i));
    }
    assert_false(isr(fh) & R_USART_ISR_TXE_MASK);   /* TXFNF = 0: full */
    assert_false(isr(fh) & R_USART_ISR_TXFE_MASK);
    assert_false(isr(fh) & R_USART_ISR_TXFT_MASK);
    fh_advance(fh, 9 * FRAME_PS);                    /* 8 entries left: half free */
    assert_true(isr(fh) & R_USART_ISR_TXFT_MASK);
    fh_advance(fh, 9 * FRAME_PS);
    assert_true(isr(fh) & R_USART_ISR_TXFE_MASK);
    assert_int_equal(fh->nuart, 17);
    assert_memory_equal(fh->uart, "0abcdefghijklmnop", 17);
}

/* Each byte leaves with the bus master that wrote it to TDR, also after waiting in the TX FIFO
 * (the host's --uart-prefix names the core of each console line from it). */
static void test_each_sent_byte_carries_the_master_that_wrote_tdr(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR1, R_USART_CR1_FIFOEN_MASK | R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK);
    fh_write(fh, CM7, U3 + A_USART_TDR, 'a');   /* shift register */
    fh_write(fh, CM4, U3 + A_USART_TDR, 'b');   /* FIFO */
    fh_write(fh, DBG, U3 + A_USART_TDR, 'c');
    fh_write(fh, CM7, U3 + A_USART_TDR, 'd');
    fh_advance(fh, 5 * FRAME_PS);
    assert_int_equal(fh->nuart, 4);
    assert_memory_equal(fh->uart, "abcd", 4);
    assert_int_equal(fh->uart_by[0], CM7);
    assert_int_equal(fh->uart_by[1], CM4);
    assert_int_equal(fh->uart_by[2], DBG);
    assert_int_equal(fh->uart_by[3], CM7);
}

/* RX FIFO: bytes queue up to 16 without overrun; RXFT at RXFTCFG, RXFF when full. */
static void test_fifo_mode_receives_sixteen_bytes_before_an_overrun(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_CR3, (0u << R_USART_CR3_RXFTCFG_SHIFT) | R_USART_CR3_RXFTIE_MASK);   /* 1/8 = 2 bytes */
    wr(fh, A_USART_CR1, R_USART_CR1_FIFOEN_MASK | R_USART_CR1_RE_MASK | R_USART_CR1_UE_MASK);
    h7_usart_rx(&fh->soc.uart[2], 'a');
    assert_false(isr(fh) & R_USART_ISR_RXFT_MASK);
    assert_false(fh->irq[H7_CM7][USART3_IRQN]);
    h7_usart_rx(&fh->soc.uart[2], 'b');
    assert_true(isr(fh) & R_USART_ISR_RXFT_MASK);
    assert_true(fh->irq[H7_CM7][USART3_IRQN]);
    for (int i = 2; i < 16; i++)
        h7_usart_rx(&fh->soc.uart[2], (uint8_t)('a' + i));
    assert_true(isr(fh) & R_USART_ISR_RXFF_MASK);
    assert_false(isr(fh) & R_USART_ISR_ORE_MASK);
    h7_usart_rx(&fh->soc.uart[2], '!');
    assert_true(isr(fh) & R_USART_ISR_ORE_MASK);
    for (int i = 0; i < 16; i++)
        assert_int_equal(rd(fh, A_USART_RDR), 'a' + i);
    assert_false(isr(fh) & R_USART_ISR_RXNE_MASK);
}

/* RM0399 §48.5.x: CR3.DMAT/DMAR raise the DMAMUX1 request lines 46 (TX) and 45 (RX). */
static void test_dmat_and_dmar_drive_the_dmamux_request_lines(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_RE_MASK | R_USART_CR1_UE_MASK);
    assert_false(fh->soc.dmamux.line[H7_DMAREQ_USART3_TX]);
    wr(fh, A_USART_CR3, R_USART_CR3_DMAT_MASK | R_USART_CR3_DMAR_MASK);
    assert_true(fh->soc.dmamux.line[H7_DMAREQ_USART3_TX]);    /* TXE = 1 */
    assert_false(fh->soc.dmamux.line[H7_DMAREQ_USART3_RX]);
    wr(fh, A_USART_TDR, '1');
    wr(fh, A_USART_TDR, '2');
    assert_false(fh->soc.dmamux.line[H7_DMAREQ_USART3_TX]);   /* TXE = 0 */
    h7_usart_rx(&fh->soc.uart[2], 'r');
    assert_true(fh->soc.dmamux.line[H7_DMAREQ_USART3_RX]);
    rd(fh, A_USART_RDR);
    assert_false(fh->soc.dmamux.line[H7_DMAREQ_USART3_RX]);
}

/* Every U(S)ART is the same model on its own window, clock bit, IRQ and timeline source. */
static void test_uart4_prints_on_its_own_timeline_source_and_irq(void **state)
{
    fake_host *fh = *state;
    const uint32_t u4 = 0x40004C00u;
    fh_write(fh, CM7, RCC + 0x0E8, (1u << 18) | (1u << 19));   /* APB1LENR.UART4EN */
    fh_write(fh, CM7, u4 + A_USART_BRR, BRR_115200_64MHZ);
    fh_write(fh, CM7, u4 + A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK | R_USART_CR1_TCIE_MASK);
    fh_write(fh, CM7, u4 + A_USART_TDR, 'k');
    fh_write(fh, CM7, u4 + A_USART_TDR, '\n');
    fh_advance(fh, 3 * FRAME_PS);
    assert_true(fh_traced(fh, "uart4: \"k\""));
    assert_int_equal(fh->nuart, 0);            /* not the console */
    assert_int_equal(fh->nuart_n[4], 2);
    assert_true(fh->irq[H7_CM7][52]);          /* UART4_IRQn */
}

/* RCC_D2CCIP2R.USART16SEL (b5:3) selects USART1/6's kernel clock: 011 = HSI (64 MHz). */
static void test_usart1_kernel_clock_follows_usart16sel(void **state)
{
    fake_host *fh = *state;
    h7_usart *u1 = &fh->soc.uart[0];
    fh_write(fh, CM7, RCC + 0x0F0, 1u << 4);   /* APB2ENR.USART1EN */
    fh_write(fh, CM7, 0x40011000u + A_USART_BRR, BRR_115200_64MHZ);
    assert_int_equal(h7_usart_frame_ps(u1), FRAME_PS);   /* PCLK2 = 64 MHz at reset */
    fh_write(fh, CM7, RCC + 0x000, fh_read(fh, CM7, RCC + 0x000) | (1u << 7));   /* CSION */
    fh_advance(fh, 10 * H7_PS_PER_US);
    fh_write(fh, CM7, RCC + 0x054, 4u << 3);            /* USART16SEL = 100: CSI 4 MHz */
    assert_int_equal(h7_usart_frame_ps(u1), 10ull * 556u * H7_PS_PER_S / 4000000u);
    fh_write(fh, CM7, RCC + 0x054, 7u << 3);            /* reserved: no clock */
    assert_int_equal(h7_usart_frame_ps(u1), 0);
}

/* LPUART1 (RM0399 ch.49): BRR = 256 f_ker / baud, kernel clock from D3CCIPR.LPUART1SEL. */
static void test_lpuart1_frame_time_uses_its_256x_divider(void **state)
{
    fake_host *fh = *state;
    h7_usart *lp = &fh->soc.uart[H7_LPUART1 - 1];
    fh_write(fh, CM7, RCC + 0x0F4, 1u << 3);            /* APB4ENR.LPUART1EN */
    uint32_t brr = (uint32_t)(256ull * 64000000u / 115200u);   /* 0x22B8E */
    fh_write(fh, CM7, 0x58000C00u + A_USART_BRR, brr);
    assert_int_equal(fh_read(fh, CM7, 0x58000C00u + A_USART_BRR), brr);
    assert_int_equal(h7_usart_frame_ps(lp), 10ull * brr * H7_PS_PER_S / (256u * 64000000ull));
    assert_in_range(h7_usart_frame_ps(lp), 86 * H7_PS_PER_US, 88 * H7_PS_PER_US);
}

static void test_apb1l_reset_of_uart7_leaves_usart3_alone(void **state)
{
    fake_host *fh = *state;
    enable_tx(fh);
    fh_write(fh, CM7, RCC + 0x0E8, (1u << 18) | (1u << 30));
    fh_write(fh, CM7, 0x40007800u + A_USART_BRR, 100);
    fh_write(fh, CM7, RCC + 0x090, 1u << 30);   /* APB1LRSTR.UART7RST */
    fh_write(fh, CM7, RCC + 0x090, 0);
    assert_int_equal(fh_read(fh, CM7, 0x40007800u + A_USART_BRR), 0);
    assert_int_equal(rd(fh, A_USART_BRR), BRR_115200_64MHZ);
}

static void test_instance_names_parse(void **state)
{
    assert_int_equal(h7_usart_parse_name("usart3"), 3);
    assert_int_equal(h7_usart_parse_name("uart7"), 7);
    assert_int_equal(h7_usart_parse_name("2"), 2);
    assert_int_equal(h7_usart_parse_name("lpuart1"), H7_LPUART1);
    assert_int_equal(h7_usart_parse_name("usart9"), 0);
    assert_int_equal(h7_usart_parse_name("spi1"), 0);
    (void)state;
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
        T(fifo_mode_queues_sixteen_bytes_and_reports_txfnf_txfe_txft),
        T(each_sent_byte_carries_the_master_that_wrote_tdr),
        T(fifo_mode_receives_sixteen_bytes_before_an_overrun),
        T(dmat_and_dmar_drive_the_dmamux_request_lines),
        T(uart4_prints_on_its_own_timeline_source_and_irq),
        T(usart1_kernel_clock_follows_usart16sel),
        T(lpuart1_frame_time_uses_its_256x_divider),
        T(apb1l_reset_of_uart7_leaves_usart3_alone),
        T(instance_names_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

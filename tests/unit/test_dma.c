/* DMA1/DMA2 + DMAMUX1 (RM0399 ch.16, ch.17), BDMA + DMAMUX2 (ch.18), MDMA (ch.15) and the bus-matrix reachability (RM0399 §2.1):
 * memory-to-peripheral through a USART request, peripheral-to-memory, memory-to-memory, FIFO
 * packing, circular and double-buffer modes, flags and their clear registers, interrupts on both
 * cores, transfer errors on unreachable memory, register protection while a stream runs. */
#include "support.h"

#include "fake_host.h"

#include <string.h>

#define CM7 H7_MASTER_CM7
#define RCC 0x58024400u
#define DMA1 0x40020000u
#define DMA2 0x40020400u
#define DMAMUX1 0x40020800u
#define U3 0x40004800u
#define S(n, reg) (0x10u + 0x18u * (n) + (reg))
#define CR_EN (1u << 0)
#define CR_TEIE (1u << 2)
#define CR_HTIE (1u << 3)
#define CR_TCIE (1u << 4)
#define CR_M2P (1u << 6)
#define CR_M2M (2u << 6)
#define CR_CIRC (1u << 8)
#define CR_PINC (1u << 9)
#define CR_MINC (1u << 10)
#define CR_PSIZE_HALF (1u << 11)
#define CR_PSIZE_WORD (2u << 11)
#define CR_MSIZE_WORD (2u << 13)
#define CR_DBM (1u << 18)
#define CR_CT (1u << 19)
#define CR_MBURST_INCR4 (1u << 23)
#define FCR_DMDIS (1u << 2)
#define BRR_115200_64MHZ 556u
#define FRAME_PS (10ull * 556u * H7_PS_PER_S / 64000000u)

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0D8, 3u);          /* C1 AHB1ENR: DMA1EN, DMA2EN */
    fh_write(fh, CM7, RCC + 0x0E8, 1u << 18);    /* C1 APB1LENR: USART3EN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static uint32_t rd(fake_host *fh, uint32_t a) { return fh_read(fh, CM7, a); }
static void wr(fake_host *fh, uint32_t a, uint32_t v) { fh_write(fh, CM7, a, v); }
static uint8_t *ram(fake_host *fh, uint32_t addr) { return fh->axisram + (addr - FH_AXISRAM); }

/* USART3 at 115200 8N1 from the 64 MHz reset clock, transmitter on, DMAT. */
static void usart3_dma_tx(fake_host *fh)
{
    wr(fh, U3 + A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, U3 + A_USART_CR3, R_USART_CR3_DMAT_MASK);
    wr(fh, U3 + A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK);
}

static void stream_setup(fake_host *fh, uint32_t dma, unsigned n, uint32_t par, uint32_t m0ar, uint32_t ndtr)
{
    wr(fh, dma + S(n, A_DMA_SxPAR), par);
    wr(fh, dma + S(n, A_DMA_SxM0AR), m0ar);
    wr(fh, dma + S(n, A_DMA_SxNDTR), ndtr);
}

/* RM0399 §16.3.8: memory-to-peripheral, one item per DMAMUX request; USART3_TX = request 46. */
static void test_usart3_tx_by_dma1_stream0_sends_the_buffer_and_sets_tcif(void **state)
{
    fake_host *fh = *state;
    memcpy(ram(fh, FH_AXISRAM), "DMA!\n", 5);
    usart3_dma_tx(fh);
    wr(fh, DMAMUX1 + 0x00, H7_DMAREQ_USART3_TX);
    stream_setup(fh, DMA1, 0, U3 + A_USART_TDR, FH_AXISRAM, 5);
    wr(fh, DMA1 + S(0, A_DMA_SxCR), CR_M2P | CR_MINC | CR_TCIE | CR_EN);
    fh_advance(fh, 6 * FRAME_PS);
    assert_int_equal(fh->nuart, 5);
    assert_memory_equal(fh->uart, "DMA!\n", 5);
    assert_int_equal(fh->uart_by[0], H7_MASTER_DMA);   /* TDR written by the DMA, not the core that set it up */
    assert_true(fh_traced(fh, "uart3: \"DMA!\""));
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 0);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxCR)) & CR_EN, 0);   /* normal mode: EN cleared at the end */
    assert_true(rd(fh, DMA1 + A_DMA_LISR) & H7_DMA_TCIF);
    assert_true(fh->irq[H7_CM7][11]);                                 /* DMA1_Stream0_IRQn */
    assert_true(fh->irq[H7_CM4][11]);
    wr(fh, DMA1 + A_DMA_LIFCR, 0x3Du);
    assert_int_equal(rd(fh, DMA1 + A_DMA_LISR), 0);
    assert_false(fh->irq[H7_CM7][11]);
}

/* Transfers take bus time: nothing moves at the enable itself. */
static void test_transfer_is_not_instantaneous(void **state)
{
    fake_host *fh = *state;
    usart3_dma_tx(fh);
    wr(fh, DMAMUX1 + 0x00, H7_DMAREQ_USART3_TX);
    stream_setup(fh, DMA1, 0, U3 + A_USART_TDR, FH_AXISRAM, 3);
    wr(fh, DMA1 + S(0, A_DMA_SxCR), CR_M2P | CR_MINC | CR_EN);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 3);
    fh_advance(fh, h7_dma_item_ps(&fh->soc.dma1) - 1);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 3);
    fh_advance(fh, 1);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 2);
}

/* RM0399 §2.1 Table 3: DMA1 cannot reach DTCM; §16.3.17: bus error -> TEIF, EN cleared. */
static void test_dtcm_source_ends_with_teif_and_disables_the_stream(void **state)
{
    fake_host *fh = *state;
    usart3_dma_tx(fh);
    wr(fh, DMAMUX1 + 0x00, H7_DMAREQ_USART3_TX);
    stream_setup(fh, DMA1, 0, U3 + A_USART_TDR, 0x20000100u, 4);
    wr(fh, DMA1 + S(0, A_DMA_SxCR), CR_M2P | CR_MINC | CR_TEIE | CR_EN);
    fh_advance(fh, 4 * FRAME_PS);
    assert_true(rd(fh, DMA1 + A_DMA_LISR) & H7_DMA_TEIF);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxCR)) & CR_EN, 0);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 4);
    assert_int_equal(fh->nuart, 0);
    assert_true(fh->irq[H7_CM7][11]);
    assert_true(fh_traced(fh, "dma1: stream 0 transfer error reading 0x20000100 (DTCM): stream disabled"));
}

static void test_bus_matrix_reachability_follows_rm0399_table3(void **state)
{
    assert_non_null(h7_bus_unreachable(H7_BUS_DMA1, 0x20000000u, 4));   /* DTCM */
    assert_non_null(h7_bus_unreachable(H7_BUS_DMA2, 0x00000000u, 4));   /* ITCM */
    assert_null(h7_bus_unreachable(H7_BUS_MDMA, 0x20000000u, 4));       /* MDMA via AHBS */
    assert_null(h7_bus_unreachable(H7_BUS_DMA1, 0x24000000u, 4));       /* AXI SRAM */
    assert_null(h7_bus_unreachable(H7_BUS_DMA1, 0x30000000u, 4));       /* SRAM1 */
    assert_null(h7_bus_unreachable(H7_BUS_DMA1, 0x38000000u, 4));       /* SRAM4 */
    assert_null(h7_bus_unreachable(H7_BUS_DMA1, 0x40004828u, 1));       /* USART3_TDR */
    assert_non_null(h7_bus_unreachable(H7_BUS_BDMA, 0x24000000u, 4));   /* BDMA: D3 only */
    assert_null(h7_bus_unreachable(H7_BUS_BDMA, 0x38000000u, 4));
    assert_null(h7_bus_unreachable(H7_BUS_BDMA, 0x58000C28u, 4));       /* LPUART1 (APB4) */
    assert_non_null(h7_bus_unreachable(H7_BUS_BDMA, 0x40004828u, 4));   /* USART3 (D2) */
    assert_non_null(h7_bus_unreachable(H7_BUS_DMA1, 0x2001FFFEu, 4));   /* straddles the end of DTCM */
    assert_non_null(h7_bus_unreachable(H7_BUS_DMA1, 0xE000ED00u, 4));   /* Cortex-M private bus */
    (void)state;
}

/* RM0399 §16.3.7: peripheral-to-memory, USART3_RX = request 45; a DMA read of RDR clears RXNE. */
static void test_usart3_rx_by_dma_fills_memory_and_sets_ht_then_tc(void **state)
{
    fake_host *fh = *state;
    wr(fh, U3 + A_USART_BRR, BRR_115200_64MHZ);
    wr(fh, U3 + A_USART_CR3, R_USART_CR3_DMAR_MASK);
    wr(fh, U3 + A_USART_CR1, R_USART_CR1_RE_MASK | R_USART_CR1_UE_MASK);
    wr(fh, DMAMUX1 + 0x04, H7_DMAREQ_USART3_RX);   /* channel 1 -> DMA1 stream 1 */
    stream_setup(fh, DMA1, 1, U3 + A_USART_RDR, FH_AXISRAM + 0x100, 4);
    wr(fh, DMA1 + S(1, A_DMA_SxCR), CR_MINC | CR_HTIE | CR_TCIE | CR_EN);
    const char *in = "abcd";
    for (int i = 0; i < 4; i++) {
        assert_true(h7_usart_rx(&fh->soc.uart[2], (uint8_t)in[i]));
        fh_advance(fh, FRAME_PS);
        assert_false(fh_read(fh, CM7, U3 + A_USART_ISR) & R_USART_ISR_RXNE_MASK);
        if (i == 1)
            assert_int_equal(rd(fh, DMA1 + A_DMA_LISR) & (0x3Du << 6), H7_DMA_HTIF << 6);
    }
    assert_memory_equal(ram(fh, FH_AXISRAM + 0x100), "abcd", 4);
    assert_true(rd(fh, DMA1 + A_DMA_LISR) & (H7_DMA_TCIF << 6));
    assert_true(fh->irq[H7_CM7][12]);   /* DMA1_Stream1_IRQn */
    assert_false(fh_read(fh, CM7, U3 + A_USART_ISR) & R_USART_ISR_ORE_MASK);
}

/* RM0399 §16.3.6/§16.3.12: memory-to-memory needs no request and forces FIFO mode; word items. */
static void test_memory_to_memory_copies_words_on_dma2(void **state)
{
    fake_host *fh = *state;
    for (int i = 0; i < 16; i++)
        ram(fh, FH_AXISRAM)[i] = (uint8_t)(i + 1);
    stream_setup(fh, DMA2, 3, FH_AXISRAM, FH_AXISRAM + 0x1000, 4);
    wr(fh, DMA2 + S(3, A_DMA_SxCR), CR_M2M | CR_PINC | CR_MINC | CR_PSIZE_WORD | CR_MSIZE_WORD | CR_TCIE | CR_EN);
    assert_true(rd(fh, DMA2 + S(3, A_DMA_SxFCR)) & FCR_DMDIS);   /* direct mode off by hardware */
    fh_advance(fh, 10 * h7_dma_item_ps(&fh->soc.dma2));
    assert_memory_equal(ram(fh, FH_AXISRAM + 0x1000), ram(fh, FH_AXISRAM), 16);
    assert_true(rd(fh, DMA2 + A_DMA_LISR) & (H7_DMA_TCIF << 22));   /* stream 3 flags at bit 22 */
    assert_true(fh->irq[H7_CM7][59]);                                /* DMA2_Stream3_IRQn */
}

/* RM0399 §16.3.12 packing: half-words from the peripheral side become words in memory. */
static void test_fifo_mode_packs_half_words_into_words(void **state)
{
    fake_host *fh = *state;
    const uint16_t src[4] = {0x1111, 0x2222, 0x3333, 0x4444};
    memcpy(ram(fh, FH_AXISRAM), src, sizeof src);
    wr(fh, DMA2 + S(0, A_DMA_SxFCR), FCR_DMDIS | 1u);   /* FIFO mode, threshold 1/2 */
    stream_setup(fh, DMA2, 0, FH_AXISRAM, FH_AXISRAM + 0x200, 4);
    wr(fh, DMA2 + S(0, A_DMA_SxCR), CR_M2M | CR_PINC | CR_MINC | CR_PSIZE_HALF | CR_MSIZE_WORD | CR_EN);
    fh_advance(fh, 2 * h7_dma_item_ps(&fh->soc.dma2));
    assert_int_equal(fh->bus_writes, 1);    /* two half-words in, one word out */
    fh_advance(fh, 4 * h7_dma_item_ps(&fh->soc.dma2));
    assert_memory_equal(ram(fh, FH_AXISRAM + 0x200), src, sizeof src);
    assert_int_equal(fh->bus_writes, 2);
}

/* RM0399 §16.3.10: circular mode reloads NDTR and addresses; TC and HT repeat. */
static void test_circular_mode_wraps_and_keeps_the_stream_enabled(void **state)
{
    fake_host *fh = *state;
    memcpy(ram(fh, FH_AXISRAM), "xy", 2);
    usart3_dma_tx(fh);
    wr(fh, DMAMUX1 + 0x00, H7_DMAREQ_USART3_TX);
    stream_setup(fh, DMA1, 0, U3 + A_USART_TDR, FH_AXISRAM, 2);
    wr(fh, DMA1 + S(0, A_DMA_SxCR), CR_M2P | CR_MINC | CR_CIRC | CR_EN);
    fh_advance(fh, 6 * FRAME_PS + FRAME_PS / 2);
    assert_true(fh->nuart >= 6);
    assert_memory_equal(fh->uart, "xyxyxy", 6);
    assert_true(rd(fh, DMA1 + S(0, A_DMA_SxCR)) & CR_EN);
    assert_true(rd(fh, DMA1 + A_DMA_LISR) & H7_DMA_TCIF);
}

/* RM0399 §16.3.11: double-buffer mode alternates M0AR and M1AR, CT tells which is in use. */
static void test_double_buffer_mode_switches_target_and_ct(void **state)
{
    fake_host *fh = *state;
    memcpy(ram(fh, FH_AXISRAM), "AB", 2);
    memcpy(ram(fh, FH_AXISRAM + 0x40), "cd", 2);
    usart3_dma_tx(fh);
    wr(fh, DMAMUX1 + 0x00, H7_DMAREQ_USART3_TX);
    stream_setup(fh, DMA1, 0, U3 + A_USART_TDR, FH_AXISRAM, 2);
    wr(fh, DMA1 + S(0, A_DMA_SxM1AR), FH_AXISRAM + 0x40);
    wr(fh, DMA1 + S(0, A_DMA_SxCR), CR_M2P | CR_MINC | CR_DBM | CR_EN);
    fh_advance(fh, 4 * FRAME_PS + FRAME_PS / 2);
    assert_memory_equal(fh->uart, "ABcd", 4);
    /* M0AR may be rewritten while the stream uses M1AR (CT = 1). */
    fh_advance(fh, 0);
    uint32_t cr = rd(fh, DMA1 + S(0, A_DMA_SxCR));
    assert_true(cr & CR_EN);
    wr(fh, DMA1 + S(0, (cr & CR_CT) ? A_DMA_SxM0AR : A_DMA_SxM1AR), FH_AXISRAM + 0x80);
    assert_int_equal(rd(fh, DMA1 + S(0, (cr & CR_CT) ? A_DMA_SxM0AR : A_DMA_SxM1AR)), FH_AXISRAM + 0x80);
}

/* RM0399 §16.5.5: the configuration is locked while EN = 1. */
static void test_configuration_writes_while_enabled_are_ignored(void **state)
{
    fake_host *fh = *state;
    stream_setup(fh, DMA1, 2, U3 + A_USART_TDR, FH_AXISRAM, 10);
    wr(fh, DMA1 + S(2, A_DMA_SxCR), CR_M2P | CR_MINC | CR_EN);   /* no request routed: waits */
    wr(fh, DMA1 + S(2, A_DMA_SxNDTR), 3);
    wr(fh, DMA1 + S(2, A_DMA_SxM0AR), FH_AXISRAM + 4);
    assert_int_equal(rd(fh, DMA1 + S(2, A_DMA_SxNDTR)), 10);
    assert_int_equal(rd(fh, DMA1 + S(2, A_DMA_SxM0AR)), FH_AXISRAM);
    assert_true(fh_logged(fh, "while the stream is enabled"));
}

/* RM0399 §16.3.17: clearing EN of a stream with data left stops it and sets TCIF. */
static void test_software_disable_sets_tcif(void **state)
{
    fake_host *fh = *state;
    stream_setup(fh, DMA1, 4, U3 + A_USART_TDR, FH_AXISRAM, 10);
    wr(fh, DMA1 + S(4, A_DMA_SxCR), CR_M2P | CR_MINC | CR_TCIE | CR_EN);
    wr(fh, DMA1 + S(4, A_DMA_SxCR), CR_M2P | CR_MINC | CR_TCIE);
    assert_int_equal(rd(fh, DMA1 + S(4, A_DMA_SxCR)) & CR_EN, 0);
    assert_true(rd(fh, DMA1 + A_DMA_HISR) & H7_DMA_TCIF);   /* stream 4: HISR bit 5 */
    assert_true(fh->irq[H7_CM7][15]);                       /* DMA1_Stream4_IRQn */
    wr(fh, DMA1 + A_DMA_HIFCR, H7_DMA_TCIF);
    assert_int_equal(rd(fh, DMA1 + A_DMA_HISR), 0);
}

/* RM0399 Table 129: a memory burst that does not fit the FIFO threshold is a FIFO error. */
static void test_burst_larger_than_fifo_threshold_sets_feif(void **state)
{
    fake_host *fh = *state;
    wr(fh, DMA2 + S(7, A_DMA_SxFCR), FCR_DMDIS | (1u << 7));   /* threshold 1/4 (4 bytes), FEIE */
    stream_setup(fh, DMA2, 7, U3 + A_USART_TDR, FH_AXISRAM, 16);
    wr(fh, DMA2 + S(7, A_DMA_SxCR), CR_M2P | CR_MINC | CR_MSIZE_WORD | CR_MBURST_INCR4 | CR_EN);
    assert_int_equal(rd(fh, DMA2 + S(7, A_DMA_SxCR)) & CR_EN, 0);
    assert_true(rd(fh, DMA2 + A_DMA_HISR) & (H7_DMA_FEIF << 22));
    assert_true(fh->irq[H7_CM7][70]);   /* DMA2_Stream7_IRQn */
}

static void test_fifo_status_reads_empty_after_reset(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxFCR)), 0x21u);   /* RM0399 §16.5.10 reset value */
    wr(fh, DMA1 + S(0, A_DMA_SxFCR), 0xFFu);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxFCR)), 0xA7u);   /* FS stays "empty" (100) */
}

/* RM0399 §17.3: requests are routed by DMAMUX_CxCR.DMAREQ_ID; an unrouted stream waits. */
static void test_stream_waits_until_dmamux_routes_its_request(void **state)
{
    fake_host *fh = *state;
    memcpy(ram(fh, FH_AXISRAM), "Q", 1);
    usart3_dma_tx(fh);
    stream_setup(fh, DMA1, 5, U3 + A_USART_TDR, FH_AXISRAM, 1);
    wr(fh, DMA1 + S(5, A_DMA_SxCR), CR_M2P | CR_MINC | CR_EN);
    fh_advance(fh, 2 * FRAME_PS);
    assert_int_equal(fh->nuart, 0);
    wr(fh, DMAMUX1 + 4 * 5, H7_DMAREQ_USART3_TX);
    assert_int_equal(rd(fh, DMAMUX1 + 4 * 5), H7_DMAREQ_USART3_TX);
    fh_advance(fh, 2 * FRAME_PS);
    assert_int_equal(fh->nuart, 1);
}

static void test_ahb1_reset_restores_dma1(void **state)
{
    fake_host *fh = *state;
    stream_setup(fh, DMA1, 0, U3 + A_USART_TDR, FH_AXISRAM, 7);
    wr(fh, DMAMUX1, 46);
    wr(fh, RCC + 0x080, 1u);   /* AHB1RSTR.DMA1RST */
    wr(fh, RCC + 0x080, 0);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 0);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxPAR)), 0);
    assert_int_equal(rd(fh, DMAMUX1), 0);
}


/* ------------------------------------------------------------------ BDMA + DMAMUX2 (RM0399 ch.18, ch.17) */

#define BDMA 0x58025400u
#define DMAMUX2 0x58025800u
#define LP1 0x58000C00u
#define C(n, reg) (0x08u + 0x14u * (n) + (reg))
#define BCCR_EN (1u << 0)
#define BCCR_TCIE (1u << 1)
#define BCCR_TEIE (1u << 3)
#define BCCR_DIR_FROM_MEM (1u << 4)
#define BCCR_PINC (1u << 6)
#define BCCR_MINC (1u << 7)
#define BCCR_MSIZE_WORD (2u << 10)
#define BCCR_MEM2MEM (1u << 14)

static void bdma_clocks(fake_host *fh)
{
    wr(fh, RCC + 0x0E0, 1u << 21);   /* C1 AHB4ENR.BDMAEN */
    wr(fh, RCC + 0x0F4, 1u << 3);    /* C1 APB4ENR.LPUART1EN */
}

/* LPUART1's TX request (DMAMUX2 line 10) paces BDMA channel 0 from SRAM4. */
static void test_lpuart1_tx_by_bdma_from_sram4(void **state)
{
    fake_host *fh = *state;
    bdma_clocks(fh);
    memcpy(fh->sram4, "D3!\n", 4);
    wr(fh, LP1 + A_USART_BRR, (uint32_t)(256ull * 64000000u / 115200u));
    wr(fh, LP1 + A_USART_CR3, R_USART_CR3_DMAT_MASK);
    wr(fh, LP1 + A_USART_CR1, R_USART_CR1_TE_MASK | R_USART_CR1_UE_MASK);
    wr(fh, DMAMUX2 + 0x00, H7_DMAREQ2_LPUART1_TX);
    wr(fh, BDMA + C(0, A_BDMA_CPAR), LP1 + A_USART_TDR);
    wr(fh, BDMA + C(0, A_BDMA_CM0AR), FH_SRAM4);
    wr(fh, BDMA + C(0, A_BDMA_CNDTR), 4);
    wr(fh, BDMA + C(0, A_BDMA_CCR), BCCR_DIR_FROM_MEM | BCCR_MINC | BCCR_TCIE | BCCR_EN);
    fh_advance(fh, 5 * FRAME_PS);
    assert_int_equal(fh->nuart_n[H7_LPUART1], 4);
    assert_memory_equal(fh->uart_n[H7_LPUART1], "D3!\n", 4);
    assert_true(fh_traced(fh, "lpuart1: \"D3!\""));
    assert_int_equal(rd(fh, BDMA + A_BDMA_ISR) & 0xFu, H7_BDMA_GIF | H7_BDMA_HTIF | H7_BDMA_TCIF);
    assert_true(fh->irq[H7_CM7][129]);   /* BDMA_Channel0_IRQn */
    wr(fh, BDMA + A_BDMA_IFCR, H7_BDMA_GIF);   /* CGIF clears the channel's flags */
    assert_int_equal(rd(fh, BDMA + A_BDMA_ISR), 0);
    assert_false(fh->irq[H7_CM7][129]);
}

/* RM0399 §2.1 Table 3: BDMA reaches D3 only; AXI SRAM gives TEIF and disables the channel. */
static void test_bdma_from_axi_sram_ends_with_teif(void **state)
{
    fake_host *fh = *state;
    bdma_clocks(fh);
    wr(fh, BDMA + C(2, A_BDMA_CPAR), FH_AXISRAM);
    wr(fh, BDMA + C(2, A_BDMA_CM0AR), FH_SRAM4);
    wr(fh, BDMA + C(2, A_BDMA_CNDTR), 4);
    wr(fh, BDMA + C(2, A_BDMA_CCR), BCCR_MEM2MEM | BCCR_PINC | BCCR_MINC | BCCR_TEIE | BCCR_EN);
    fh_advance(fh, 10 * h7_bdma_item_ps(&fh->soc.bdma));
    assert_int_equal(rd(fh, BDMA + A_BDMA_ISR), (uint32_t)(H7_BDMA_GIF | H7_BDMA_TEIF) << 8);
    assert_int_equal(rd(fh, BDMA + C(2, A_BDMA_CCR)) & BCCR_EN, 0);
    assert_true(fh->irq[H7_CM4][131]);
    assert_true(fh_traced(fh, "bdma: channel 2 transfer error reading 0x24000000 (AXI SRAM): channel disabled"));
}

/* RM0399 Table 135: a byte source into word destinations is zero-extended. */
static void test_bdma_memory_to_memory_zero_extends_bytes_to_words(void **state)
{
    fake_host *fh = *state;
    bdma_clocks(fh);
    memcpy(fh->sram4, "\x11\x22\x33", 3);
    memset(fh->sram4 + 0x100, 0xEE, 12);
    wr(fh, BDMA + C(1, A_BDMA_CPAR), FH_SRAM4);
    wr(fh, BDMA + C(1, A_BDMA_CM0AR), FH_SRAM4 + 0x100);
    wr(fh, BDMA + C(1, A_BDMA_CNDTR), 3);
    wr(fh, BDMA + C(1, A_BDMA_CCR), BCCR_MEM2MEM | BCCR_PINC | BCCR_MINC | BCCR_MSIZE_WORD | BCCR_EN);
    fh_advance(fh, 4 * h7_bdma_item_ps(&fh->soc.bdma));
    const uint8_t want[12] = {0x11, 0, 0, 0, 0x22, 0, 0, 0, 0x33, 0, 0, 0};
    assert_memory_equal(fh->sram4 + 0x100, want, 12);
    assert_int_equal(rd(fh, BDMA + C(1, A_BDMA_CNDTR)), 0);
}


/* ------------------------------------------------------------------ MDMA (RM0399 ch.15) */

#define MDMA 0x52000000u
#define MC(n, reg) (0x40u + 0x40u * (n) + (reg))
#define MCR_EN (1u << 0)
#define MCR_TEIE (1u << 1)
#define MCR_CTCIE (1u << 2)
#define MCR_SWRQ (1u << 16)
#define MTCR_SINC_INC (2u << 0)
#define MTCR_DINC_INC (2u << 2)
#define MTCR_SSIZE_WORD (2u << 4)
#define MTCR_DSIZE_WORD (2u << 6)
#define MTCR_SINCOS_WORD (2u << 8)
#define MTCR_DINCOS_WORD (2u << 10)
#define MTCR_TLEN(n) (((n) - 1u) << 18)
#define MTCR_TRGM(n) ((uint32_t)(n) << 28)
#define MTCR_SWRM (1u << 30)
#define WORD_COPY (MTCR_SINC_INC | MTCR_DINC_INC | MTCR_SSIZE_WORD | MTCR_DSIZE_WORD | MTCR_SINCOS_WORD | MTCR_DINCOS_WORD)

static void mdma_clock(fake_host *fh) { wr(fh, RCC + 0x0D4, 1u); }   /* C1 AHB3ENR.MDMAEN */

/* HAL_MDMA_Start with MDMA_REQUEST_SW and MDMA_FULL_TRANSFER: 2 repeated blocks of 16 bytes,
 * the second block's addresses moved on by CxBRUR. */
static void test_mdma_software_request_copies_repeated_blocks(void **state)
{
    fake_host *fh = *state;
    mdma_clock(fh);
    for (int i = 0; i < 64; i++)
        ram(fh, FH_AXISRAM)[i] = (uint8_t)i;
    wr(fh, MDMA + MC(0, A_MDMA_CTCR), WORD_COPY | MTCR_TLEN(8) | MTCR_TRGM(H7_MDMA_TRGM_FULL) | MTCR_SWRM);
    wr(fh, MDMA + MC(0, A_MDMA_CBNDTR), 16u | (1u << 20));   /* BNDT 16, BRC 1 */
    wr(fh, MDMA + MC(0, A_MDMA_CBRUR), 16u | (16u << 16));   /* skip 16 bytes between blocks */
    wr(fh, MDMA + MC(0, A_MDMA_CSAR), FH_AXISRAM);
    wr(fh, MDMA + MC(0, A_MDMA_CDAR), FH_AXISRAM + 0x100);
    wr(fh, MDMA + MC(0, A_MDMA_CCR), MCR_CTCIE | MCR_EN);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_int_equal(fh->bus_writes, 0);                   /* nothing before the request */
    wr(fh, MDMA + MC(0, A_MDMA_CCR), MCR_CTCIE | MCR_EN | MCR_SWRQ);
    assert_true(rd(fh, MDMA + MC(0, A_MDMA_CISR)) & R_MDMA_CISR_CRQA_MASK);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_memory_equal(ram(fh, FH_AXISRAM + 0x100), ram(fh, FH_AXISRAM), 16);
    assert_memory_equal(ram(fh, FH_AXISRAM + 0x120), ram(fh, FH_AXISRAM + 0x20), 16);
    uint32_t isr = rd(fh, MDMA + MC(0, A_MDMA_CISR));
    assert_int_equal(isr, H7_MDMA_CTCIF | H7_MDMA_BRTIF | H7_MDMA_BTIF | H7_MDMA_TCIF);
    assert_int_equal(rd(fh, MDMA + MC(0, A_MDMA_CCR)) & MCR_EN, 0);
    assert_true(fh->irq[H7_CM7][122]);                      /* MDMA_IRQn */
    assert_int_equal(rd(fh, MDMA + A_MDMA_GISR0), 1u);
    wr(fh, MDMA + MC(0, A_MDMA_CIFCR), 0x1Fu);
    assert_false(fh->irq[H7_CM7][122]);
}

/* Buffer trigger mode: one software request moves one buffer (TLEN + 1 bytes). */
static void test_mdma_buffer_mode_moves_one_buffer_per_request(void **state)
{
    fake_host *fh = *state;
    mdma_clock(fh);
    wr(fh, MDMA + MC(3, A_MDMA_CTCR), WORD_COPY | MTCR_TLEN(8) | MTCR_TRGM(H7_MDMA_TRGM_BUFFER) | MTCR_SWRM);
    wr(fh, MDMA + MC(3, A_MDMA_CBNDTR), 32u);
    wr(fh, MDMA + MC(3, A_MDMA_CSAR), FH_AXISRAM);
    wr(fh, MDMA + MC(3, A_MDMA_CDAR), FH_AXISRAM + 0x200);
    wr(fh, MDMA + MC(3, A_MDMA_CCR), MCR_EN | MCR_SWRQ);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_int_equal(rd(fh, MDMA + MC(3, A_MDMA_CBNDTR)) & 0x1FFFFu, 24u);
    assert_int_equal(rd(fh, MDMA + MC(3, A_MDMA_CISR)), H7_MDMA_TCIF);   /* CRQA back to 0 */
    assert_int_equal(rd(fh, MDMA + MC(3, A_MDMA_CDAR)), FH_AXISRAM + 0x208);
}

/* MDMA reaches DTCM through the AHBS port only (CxTBR.DBUS = 1); with DBUS = 0 it is a TE. */
static void test_mdma_to_dtcm_needs_the_ahbs_bus(void **state)
{
    fake_host *fh = *state;
    mdma_clock(fh);
    wr(fh, MDMA + MC(1, A_MDMA_CTCR), WORD_COPY | MTCR_TLEN(4) | MTCR_TRGM(H7_MDMA_TRGM_FULL) | MTCR_SWRM);
    wr(fh, MDMA + MC(1, A_MDMA_CBNDTR), 4u);
    wr(fh, MDMA + MC(1, A_MDMA_CSAR), FH_AXISRAM);
    wr(fh, MDMA + MC(1, A_MDMA_CDAR), 0x20000040u);
    wr(fh, MDMA + MC(1, A_MDMA_CCR), MCR_TEIE | MCR_EN | MCR_SWRQ);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_int_equal(rd(fh, MDMA + MC(1, A_MDMA_CISR)), H7_MDMA_TEIF);
    assert_int_equal(rd(fh, MDMA + MC(1, A_MDMA_CESR)), 0x40u | (1u << 7));   /* TEA, TED = write */
    assert_int_equal(rd(fh, MDMA + MC(1, A_MDMA_CCR)) & MCR_EN, 0);
    assert_true(fh->irq[H7_CM4][122]);
    assert_true(fh_traced(fh, "mdma: channel 1 transfer error writing 0x20000040 (DTCM): channel disabled"));
}

/* ------------------------------------------------------------------ timer requests */

#define TIM6 0x40001000u
#define TIM2 0x40000000u
#define GPIOB 0x58020400u
#define GPIO_BSRR 0x18u
#define GPIO_ODR 0x14u

/* TIM6 at 1 MHz (64 MHz / 64) with a 100 us update period and UDE: one DMA request per update. */
static void tim6_update_dma(fake_host *fh)
{
    wr(fh, RCC + 0x0E8, (1u << 18) | (1u << 4));   /* C1 APB1LENR: USART3EN, TIM6EN */
    wr(fh, TIM6 + A_TIM_PSC, 63);
    wr(fh, TIM6 + A_TIM_ARR, 99);
    wr(fh, TIM6 + A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM6 + A_TIM_SR, 0);
    wr(fh, TIM6 + A_TIM_DIER, R_TIM_DIER_UDE_MASK);
}

/* RM0399 Table 121: the timers' DMAMUX1 input numbers (the HAL's DMA_REQUEST_TIMx_yyy). */
static void test_timer_requests_use_the_dmamux1_lines_of_rm0399_table121(void **state)
{
    (void)state;
    assert_int_equal(h7_dmamux_timer_line(1, H7_TIM_DMA_CC1), 11);
    assert_int_equal(h7_dmamux_timer_line(1, H7_TIM_DMA_CC4), 14);
    assert_int_equal(h7_dmamux_timer_line(1, H7_TIM_DMA_UP), 15);
    assert_int_equal(h7_dmamux_timer_line(1, H7_TIM_DMA_COM), 17);
    assert_int_equal(h7_dmamux_timer_line(2, H7_TIM_DMA_UP), 22);
    assert_int_equal(h7_dmamux_timer_line(4, H7_TIM_DMA_CC3), 31);
    assert_int_equal(h7_dmamux_timer_line(4, H7_TIM_DMA_CC4), 0);      /* no TIM4_CH4 line */
    assert_int_equal(h7_dmamux_timer_line(5, H7_TIM_DMA_TRIG), 60);
    assert_int_equal(h7_dmamux_timer_line(6, H7_TIM_DMA_UP), 69);
    assert_int_equal(h7_dmamux_timer_line(7, H7_TIM_DMA_UP), 70);
    assert_int_equal(h7_dmamux_timer_line(8, H7_TIM_DMA_UP), 51);
    assert_int_equal(h7_dmamux_timer_line(15, H7_TIM_DMA_CC2), 0);     /* TIM15: CH1 only */
    assert_int_equal(h7_dmamux_timer_line(16, H7_TIM_DMA_CC1), 109);
    assert_int_equal(h7_dmamux_timer_line(17, H7_TIM_DMA_UP), 112);
    assert_int_equal(h7_dmamux_timer_line(12, H7_TIM_DMA_UP), 0);      /* TIM12-14: none */
}

/* RM0399 §41.3 (UDE) + §16.3.8: each TIM6 update event requests one transfer; the stream moves one
 * item (memory table -> GPIOB_BSRR) and its acknowledge drops the request, so the table advances
 * one word per timer period, not in one burst. */
static void test_tim6_update_requests_move_one_item_per_period_to_gpio_bsrr(void **state)
{
    fake_host *fh = *state;
    wr(fh, RCC + 0x0E0, 1u << 1);   /* AHB4ENR: GPIOBEN */
    const uint32_t table[4] = {1u << 0, 1u << 16, 1u << 7, 1u << 23};   /* PB0 on, off, PB7 on, off */
    memcpy(ram(fh, FH_AXISRAM), table, sizeof table);
    tim6_update_dma(fh);
    wr(fh, DMAMUX1 + 4 * 0, H7_DMAREQ_TIM6_UP);
    stream_setup(fh, DMA1, 0, GPIOB + GPIO_BSRR, FH_AXISRAM, 4);
    wr(fh, DMA1 + S(0, A_DMA_SxCR), CR_M2P | CR_MINC | CR_PSIZE_WORD | CR_MSIZE_WORD | CR_TCIE | CR_EN);
    wr(fh, TIM6 + A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 50 * H7_PS_PER_US);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 4);           /* no event yet */
    fh_advance(fh, 60 * H7_PS_PER_US);                                  /* first update at 100 us */
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 3);
    assert_int_equal(rd(fh, GPIOB + GPIO_ODR) & 0x81u, 0x01u);
    assert_false(fh->soc.dmamux.line[H7_DMAREQ_TIM6_UP]);              /* acknowledged */
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 2);
    assert_int_equal(rd(fh, GPIOB + GPIO_ODR) & 0x81u, 0x00u);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_int_equal(rd(fh, GPIOB + GPIO_ODR) & 0x81u, 0x80u);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_int_equal(rd(fh, DMA1 + S(0, A_DMA_SxNDTR)), 0);
    assert_int_equal(rd(fh, GPIOB + GPIO_ODR) & 0x81u, 0x00u);
    assert_int_equal(rd(fh, DMA1 + A_DMA_LISR) & H7_DMA_TCIF, H7_DMA_TCIF);
    assert_true(fh->irq[H7_CM7][11]);                                   /* DMA1_Stream0 */
}

/* A timer request with no stream to serve it stays pending (the timer waits for the acknowledge);
 * further events meanwhile are not counted: the stream enabled later moves exactly one item. */
static void test_pending_timer_request_is_served_once_when_a_stream_is_enabled(void **state)
{
    fake_host *fh = *state;
    const uint32_t src[3] = {0x11u, 0x22u, 0x33u};
    memcpy(ram(fh, FH_AXISRAM), src, sizeof src);
    tim6_update_dma(fh);
    wr(fh, TIM6 + A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 350 * H7_PS_PER_US);                                 /* three updates, no stream */
    assert_true(fh->soc.dmamux.line[H7_DMAREQ_TIM6_UP]);
    wr(fh, DMAMUX1 + 4 * 2, H7_DMAREQ_TIM6_UP);
    stream_setup(fh, DMA1, 2, TIM6 + A_TIM_ARR, FH_AXISRAM, 3);
    wr(fh, DMA1 + S(2, A_DMA_SxCR), CR_M2P | CR_MINC | CR_PSIZE_WORD | CR_MSIZE_WORD | CR_EN);
    fh_advance(fh, 10 * H7_PS_PER_US);                                  /* before the 4th update */
    assert_int_equal(rd(fh, DMA1 + S(2, A_DMA_SxNDTR)), 2);
    assert_int_equal(rd(fh, TIM6 + A_TIM_ARR), 0x11u);                  /* the DMA wrote the timer's ARR */
}

/* RM0399 §39.4.x CCxDE: a compare match of TIM2 channel 1 requests on line 18 (TIM2_CH1); with
 * CR2.CCDS = 1 the request goes out at the update event instead (§39.4.2). */
static void test_tim2_compare_match_requests_on_its_channel_line(void **state)
{
    fake_host *fh = *state;
    wr(fh, RCC + 0x0E8, 1u << 0);   /* TIM2EN */
    const uint32_t v = 0xA5A5u;
    memcpy(ram(fh, FH_AXISRAM), &v, 4);
    wr(fh, DMAMUX1 + 4 * 1, H7_DMAREQ_TIM2_CH1);
    stream_setup(fh, DMA1, 1, FH_AXISRAM + 0x100, FH_AXISRAM, 1);   /* P2M: "peripheral" = a RAM word */
    wr(fh, DMA1 + S(1, A_DMA_SxCR), CR_PSIZE_WORD | CR_MSIZE_WORD | CR_EN);
    wr(fh, TIM2 + A_TIM_PSC, 63);
    wr(fh, TIM2 + A_TIM_ARR, 999);
    wr(fh, TIM2 + A_TIM_CCR1, 300);
    wr(fh, TIM2 + A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM2 + A_TIM_DIER, 1u << 9);                                 /* CC1DE */
    wr(fh, TIM2 + A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 290 * H7_PS_PER_US);
    assert_int_equal(rd(fh, DMA1 + S(1, A_DMA_SxNDTR)), 1);
    fh_advance(fh, 20 * H7_PS_PER_US);
    assert_int_equal(rd(fh, DMA1 + S(1, A_DMA_SxNDTR)), 0);
    /* CCDS: the CC1 request moves to the update event */
    wr(fh, DMA1 + A_DMA_LIFCR, 0x3Du << 6);
    stream_setup(fh, DMA1, 1, FH_AXISRAM + 0x100, FH_AXISRAM, 1);
    wr(fh, DMA1 + S(1, A_DMA_SxCR), CR_PSIZE_WORD | CR_MSIZE_WORD | CR_EN);
    wr(fh, TIM2 + A_TIM_CR2, R_TIM_CR2_CCDS_MASK);
    fh_advance(fh, 500 * H7_PS_PER_US);                                 /* t = 810 us: past CCR1, before the update */
    assert_int_equal(rd(fh, DMA1 + S(1, A_DMA_SxNDTR)), 1);
    fh_advance(fh, 200 * H7_PS_PER_US);                                 /* update at 1000 us */
    assert_int_equal(rd(fh, DMA1 + S(1, A_DMA_SxNDTR)), 0);
}

/* RM0399 TIM1/TIM8 "DMA burst mode" (TIMx_DCR, TIMx_DMAR): with DBA = CCR1 and DBL = 2 one update
 * request moves three words through DMAR into CCR1, CCR2, CCR3 (HAL_TIM_DMABurst_WriteStart), and
 * the next update the next three. */
#define TIM1 0x40010000u
static void test_tim1_update_dma_burst_writes_ccr1_to_ccr3_through_dmar(void **state)
{
    fake_host *fh = *state;
    wr(fh, RCC + 0x0F0, 1u << 0);                                       /* APB2ENR: TIM1EN */
    const uint32_t table[6] = {100, 200, 300, 110, 210, 310};
    memcpy(ram(fh, FH_AXISRAM), table, sizeof table);
    wr(fh, DMAMUX1 + 4 * 3, H7_DMAREQ_TIM1_UP);
    stream_setup(fh, DMA1, 3, TIM1 + A_TIM_DMAR, FH_AXISRAM, 6);
    wr(fh, DMA1 + S(3, A_DMA_SxCR), CR_M2P | CR_MINC | CR_PSIZE_WORD | CR_MSIZE_WORD | CR_EN);
    wr(fh, TIM1 + A_TIM_PSC, 63);
    wr(fh, TIM1 + A_TIM_ARR, 999);                                      /* update every 1 ms */
    wr(fh, TIM1 + A_TIM_EGR, R_TIM_EGR_UG_MASK);
    wr(fh, TIM1 + A_TIM_DCR, (2u << 8) | (A_TIM_CCR1 / 4u));             /* DBL = 3 transfers, DBA = CCR1 */
    wr(fh, TIM1 + A_TIM_DIER, R_TIM_DIER_UDE_MASK);
    wr(fh, TIM1 + A_TIM_CR1, R_TIM_CR1_CEN_MASK);
    fh_advance(fh, 1010 * H7_PS_PER_US);
    assert_int_equal(rd(fh, DMA1 + S(3, A_DMA_SxNDTR)), 3);             /* one event: three items */
    assert_int_equal(rd(fh, TIM1 + A_TIM_CCR1), 100);
    assert_int_equal(rd(fh, TIM1 + A_TIM_CCR1 + 4), 200);
    assert_int_equal(rd(fh, TIM1 + A_TIM_CCR1 + 8), 300);
    fh_advance(fh, 1000 * H7_PS_PER_US);
    assert_int_equal(rd(fh, DMA1 + S(3, A_DMA_SxNDTR)), 0);
    assert_int_equal(rd(fh, TIM1 + A_TIM_CCR1), 110);
    assert_int_equal(rd(fh, TIM1 + A_TIM_CCR1 + 8), 310);
    assert_false(fh_logged(fh, "DMAR"));
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(usart3_tx_by_dma1_stream0_sends_the_buffer_and_sets_tcif),
        T(transfer_is_not_instantaneous),
        T(dtcm_source_ends_with_teif_and_disables_the_stream),
        T(bus_matrix_reachability_follows_rm0399_table3),
        T(usart3_rx_by_dma_fills_memory_and_sets_ht_then_tc),
        T(memory_to_memory_copies_words_on_dma2),
        T(fifo_mode_packs_half_words_into_words),
        T(circular_mode_wraps_and_keeps_the_stream_enabled),
        T(double_buffer_mode_switches_target_and_ct),
        T(configuration_writes_while_enabled_are_ignored),
        T(software_disable_sets_tcif),
        T(burst_larger_than_fifo_threshold_sets_feif),
        T(fifo_status_reads_empty_after_reset),
        T(stream_waits_until_dmamux_routes_its_request),
        T(ahb1_reset_restores_dma1),
        T(lpuart1_tx_by_bdma_from_sram4),
        T(bdma_from_axi_sram_ends_with_teif),
        T(bdma_memory_to_memory_zero_extends_bytes_to_words),
        T(mdma_software_request_copies_repeated_blocks),
        T(mdma_buffer_mode_moves_one_buffer_per_request),
        T(mdma_to_dtcm_needs_the_ahbs_bus),
        cmocka_unit_test(test_timer_requests_use_the_dmamux1_lines_of_rm0399_table121),
        T(tim6_update_requests_move_one_item_per_period_to_gpio_bsrr),
        T(pending_timer_request_is_served_once_when_a_stream_is_enabled),
        T(tim2_compare_match_requests_on_its_channel_line),
        T(tim1_update_dma_burst_writes_ccr1_to_ccr3_through_dmar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

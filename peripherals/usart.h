/* U(S)ART (RM0399 ch.48 USART, ch.49 LPUART): one model for USART1/2/3/6, UART4/5/7/8 and
 * LPUART1. Baud-rate timed transmission through TDR (or the 16-byte TX FIFO) and the shift
 * register, reception into RDR (or the RX FIFO), TEACK/REACK, FIFO thresholds, interrupts
 * (TXE/TXFNF, TC, RXNE/RXFNE, TXFE, RXFF, TXFT, RXFT), DMA requests (CR3.DMAT/DMAR) to DMAMUX.
 * Parity, synchronous, LIN, smartcard and IrDA modes are not modelled. */
#ifndef H7_USART_H
#define H7_USART_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(USART_CR1, 0x00)
    H7_FIELD(USART_CR1, UE, 0, 1)
    H7_FIELD(USART_CR1, RE, 2, 1)
    H7_FIELD(USART_CR1, TE, 3, 1)
    H7_FIELD(USART_CR1, RXNEIE, 5, 1)
    H7_FIELD(USART_CR1, TCIE, 6, 1)
    H7_FIELD(USART_CR1, TXEIE, 7, 1)
    H7_FIELD(USART_CR1, M0, 12, 1)
    H7_FIELD(USART_CR1, OVER8, 15, 1)
    H7_FIELD(USART_CR1, M1, 28, 1)
    H7_FIELD(USART_CR1, FIFOEN, 29, 1)
    H7_FIELD(USART_CR1, TXFEIE, 30, 1)
    H7_FIELD(USART_CR1, RXFFIE, 31, 1)
H7_REG32(USART_CR2, 0x04)
    H7_FIELD(USART_CR2, STOP, 12, 2)
H7_REG32(USART_CR3, 0x08)
    H7_FIELD(USART_CR3, EIE, 0, 1)
    H7_FIELD(USART_CR3, DMAR, 6, 1)
    H7_FIELD(USART_CR3, DMAT, 7, 1)
    H7_FIELD(USART_CR3, TXFTIE, 23, 1)
    H7_FIELD(USART_CR3, RXFTCFG, 25, 3)
    H7_FIELD(USART_CR3, RXFTIE, 28, 1)
    H7_FIELD(USART_CR3, TXFTCFG, 29, 3)
H7_REG32(USART_BRR, 0x0C)
H7_REG32(USART_GTPR, 0x10)
H7_REG32(USART_RTOR, 0x14)
H7_REG32(USART_RQR, 0x18)
H7_REG32(USART_ISR, 0x1C)
    H7_FIELD(USART_ISR, ORE, 3, 1)
    H7_FIELD(USART_ISR, RXNE, 5, 1)
    H7_FIELD(USART_ISR, TC, 6, 1)
    H7_FIELD(USART_ISR, TXE, 7, 1)
    H7_FIELD(USART_ISR, BUSY, 16, 1)
    H7_FIELD(USART_ISR, TEACK, 21, 1)
    H7_FIELD(USART_ISR, REACK, 22, 1)
    H7_FIELD(USART_ISR, TXFE, 23, 1)
    H7_FIELD(USART_ISR, RXFF, 24, 1)
    H7_FIELD(USART_ISR, RXFT, 26, 1)
    H7_FIELD(USART_ISR, TXFT, 27, 1)
H7_REG32(USART_ICR, 0x20)
H7_REG32(USART_RDR, 0x24)
H7_REG32(USART_TDR, 0x28)
H7_REG32(USART_PRESC, 0x2C)

#define H7_USART_FIFO_DEPTH 16   /* RM0399 §48.4.2: 16-entry TX and RX FIFOs (USART and LPUART) */

extern const h7_regdesc h7_usart_regs[];
extern const size_t h7_usart_nregs;

/* The instances, numbered as the host ops and the CLI name them: 1..8 = USART1, USART2, USART3,
 * UART4, UART5, USART6, UART7, UART8; 9 = LPUART1. */
#define H7_NUARTS 9
#define H7_LPUART1 9
typedef struct h7_usart_info {
    const char *window;      /* SVD window name ("USART3") */
    const char *trace_src;   /* timeline source ("uart3", "lpuart1") */
    int irqn;
    int clk_reg, clk_bit;    /* RCC enable bit (h7_rcc_enreg) */
    unsigned dmareq_rx, dmareq_tx;   /* DMAMUX1 lines, or H7_DMAMUX2_LINE(n) for LPUART1 */
} h7_usart_info;
extern const h7_usart_info h7_usart_infos[H7_NUARTS + 1];   /* [1..9] */
/* "3", "usart3", "uart3", "lpuart1", "lpuart" -> instance number; 0 when not a U(S)ART. */
int h7_usart_parse_name(const char *s);

struct h7_soc;
typedef struct h7_usart {
    struct h7_soc *soc;
    int index;                 /* 1..9, see h7_usart_infos */
    int irqn;
    uint32_t cr1, cr2, cr3, brr, gtpr, rtor, presc;
    uint32_t isr;              /* latched flags: TC, ORE, BUSY (the FIFO flags are computed) */
    uint8_t txq[H7_USART_FIFO_DEPTH], rxq[H7_USART_FIFO_DEPTH];
    unsigned ntx, nrx;         /* TDR / TX FIFO and RDR / RX FIFO contents */
    h7_master txq_by[H7_USART_FIFO_DEPTH];   /* who wrote each TDR / TX FIFO byte (the host's --uart-prefix) */
    uint8_t shift;
    h7_master shift_by;
    bool shifting;
    bool dma_tx_level, dma_rx_level;
    h7_event ev_tx;
    char line[128];            /* current console line for the trace */
    size_t nline;
} h7_usart;

void h7_usart_init(h7_usart *s, struct h7_soc *soc, int index);
void h7_usart_reset(h7_usart *s, h7_reset_kind kind);
/* Registers stable until a write or a scheduled event (h7_stable_fn, soc.h). */
bool h7_usart_read_stable(uint32_t offset);
uint32_t h7_usart_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_usart_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* The receiver would take a byte without an overrun: UE = RE = 1 and RDR / the RX FIFO has room
 * (what a sender honouring RTS flow control waits for). */
bool h7_usart_rx_ready(const h7_usart *u);
/* A byte arriving on RX (from a scenario). Returns false if the receiver is off (byte dropped). */
bool h7_usart_rx(h7_usart *u, uint8_t byte);
/* Time one frame takes at the current configuration (0 when the USART cannot transmit). */
h7_time_ps h7_usart_frame_ps(const h7_usart *u);
/* Flush a partial console line to the trace (end of run). */
void h7_usart_flush_line(h7_usart *u);

#endif

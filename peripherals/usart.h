/* USART (RM0399 ch.48; facts §6.4) as used for the Nucleo console (USART3 on the ST-LINK VCP):
 * baud-rate timed transmission through TDR and the shift register, TEACK/REACK, RX from a
 * scenario, interrupts TXE/TC/RXNE. FIFO mode, parity and synchronous modes are not modelled. */
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
H7_REG32(USART_CR2, 0x04)
    H7_FIELD(USART_CR2, STOP, 12, 2)
H7_REG32(USART_CR3, 0x08)
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
H7_REG32(USART_ICR, 0x20)
H7_REG32(USART_RDR, 0x24)
H7_REG32(USART_TDR, 0x28)
H7_REG32(USART_PRESC, 0x2C)

extern const h7_regdesc h7_usart_regs[];
extern const size_t h7_usart_nregs;

struct h7_soc;
typedef struct h7_usart {
    struct h7_soc *soc;
    int index;                 /* 3 = USART3 */
    int irqn;
    uint32_t cr1, cr2, cr3, brr, gtpr, rtor, presc;
    uint32_t isr;              /* flags; TEACK/REACK follow TE/RE */
    uint8_t tdr, rdr, shift;
    bool tdr_full, shifting;
    h7_event ev_tx;
    char line[128];            /* current console line for the trace */
    size_t nline;
} h7_usart;

void h7_usart_init(h7_usart *s, struct h7_soc *soc, int index);
void h7_usart_reset(h7_usart *s, h7_reset_kind kind);
uint32_t h7_usart_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_usart_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* A byte arriving on RX (from a scenario). Returns false if the receiver is off (byte dropped). */
bool h7_usart_rx(h7_usart *u, uint8_t byte);
/* Time one frame takes at the current configuration (0 when the USART cannot transmit). */
h7_time_ps h7_usart_frame_ps(const h7_usart *u);
/* Flush a partial console line to the trace (end of run). */
void h7_usart_flush_line(h7_usart *u);

#endif

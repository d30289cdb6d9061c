/* DMAMUX1 and DMAMUX2 (RM0399 ch.17): DMAMUX1 routes the DMA request lines of the D2/D1
 * peripherals to the 16 streams of DMA1 (channels 0-7) and DMA2 (channels 8-15); DMAMUX2 routes the
 * D3 peripherals' lines to the 8 BDMA channels. Peripheral models drive their request lines with
 * h7_dmamux_request(); the stream or channel mapped to a line by DMAMUX_CxCR.DMAREQ_ID sees its
 * level.
 *
 * Request line numbers are RM0399 Table 121 "DMAMUX1: assignment of multiplexer inputs to
 * resources" (the HAL's DMA_REQUEST_xxx values); DMAMUX2 lines are H7_DMAMUX2_LINE(n) with n from
 * RM0399 Table 123 (BDMA_REQUEST_xxx). */
#ifndef H7_DMAMUX_H
#define H7_DMAMUX_H

#include "periph.h"

#define H7_DMAMUX1_NLINES 128
#define H7_DMAMUX2_LINE(n) (0x100u + (n))

/* DMAMUX1 request lines used by the models (RM0399 Table 121). */
enum {
    H7_DMAREQ_ADC1 = 9, H7_DMAREQ_ADC2 = 10, H7_DMAREQ_ADC3 = 115,
    H7_DMAREQ_USART1_RX = 41, H7_DMAREQ_USART1_TX = 42, H7_DMAREQ_USART2_RX = 43, H7_DMAREQ_USART2_TX = 44,
    H7_DMAREQ_USART3_RX = 45, H7_DMAREQ_USART3_TX = 46, H7_DMAREQ_UART4_RX = 63, H7_DMAREQ_UART4_TX = 64,
    H7_DMAREQ_UART5_RX = 65, H7_DMAREQ_UART5_TX = 66, H7_DMAREQ_USART6_RX = 71, H7_DMAREQ_USART6_TX = 72,
    H7_DMAREQ_UART7_RX = 79, H7_DMAREQ_UART7_TX = 80, H7_DMAREQ_UART8_RX = 81, H7_DMAREQ_UART8_TX = 82,
};
/* DMAMUX2 (BDMA) lines, RM0399 Table 123. */
enum { H7_DMAREQ2_LPUART1_RX = 9, H7_DMAREQ2_LPUART1_TX = 10, H7_DMAREQ2_ADC3 = 17 };

H7_REG32(DMAMUX_C0CR, 0x000)
    H7_FIELD(DMAMUX_CCR, DMAREQ_ID, 0, 7)
    H7_FIELD(DMAMUX_CCR, SOIE, 8, 1)
    H7_FIELD(DMAMUX_CCR, EGE, 9, 1)
    H7_FIELD(DMAMUX_CCR, SE, 16, 1)
H7_REG32(DMAMUX_CSR, 0x080)
H7_REG32(DMAMUX_CFR, 0x084)
H7_REG32(DMAMUX_RG0CR, 0x100)
    H7_FIELD(DMAMUX_RGCR, GE, 16, 1)
H7_REG32(DMAMUX_RGSR, 0x140)
H7_REG32(DMAMUX_RGCFR, 0x144)

struct h7_soc;
typedef struct h7_dmamux {
    struct h7_soc *soc;
    int index;                      /* 1 = DMAMUX1 (DMA1/DMA2), 2 = DMAMUX2 (BDMA) */
    unsigned nchannels;             /* 16 / 8 */
    uint32_t ccr[16];
    uint32_t rgcr[8];
    bool line[H7_DMAMUX1_NLINES];   /* current level of every request input */
} h7_dmamux;

void h7_dmamux_init(h7_dmamux *s, struct h7_soc *soc, int index);
void h7_dmamux_reset(h7_dmamux *s, h7_reset_kind kind);
uint32_t h7_dmamux_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_dmamux_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* A peripheral model drives request line `line` (DMAMUX1 number, or H7_DMAMUX2_LINE(n)). */
void h7_dmamux_request(struct h7_soc *soc, unsigned line, bool level);
/* The request level DMAMUX channel `ch` (DMAMUX1: 0-15, DMAMUX2: 0-7) passes to its stream/channel. */
bool h7_dmamux_channel_level(const h7_dmamux *s, unsigned ch);

#endif

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
#include "tim.h"

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
/* Timer request lines (RM0399 Table 121): TIM1/TIM8 have CH1-4, UP, TRIG, COM; TIM2 CH1-4, UP;
 * TIM3 and TIM5 CH1-4, UP, TRIG; TIM4 CH1-3, UP; TIM6/TIM7 UP; TIM15 CH1, UP, TRIG, COM; TIM16/17
 * CH1, UP. TIM12-14 have no DMA request line. */
enum {
    H7_DMAREQ_TIM1_CH1 = 11, H7_DMAREQ_TIM1_UP = 15, H7_DMAREQ_TIM1_TRIG = 16, H7_DMAREQ_TIM1_COM = 17,
    H7_DMAREQ_TIM2_CH1 = 18, H7_DMAREQ_TIM2_UP = 22, H7_DMAREQ_TIM3_CH1 = 23, H7_DMAREQ_TIM3_UP = 27,
    H7_DMAREQ_TIM3_TRIG = 28, H7_DMAREQ_TIM4_CH1 = 29, H7_DMAREQ_TIM4_UP = 32, H7_DMAREQ_TIM8_CH1 = 47,
    H7_DMAREQ_TIM8_UP = 51, H7_DMAREQ_TIM8_TRIG = 52, H7_DMAREQ_TIM8_COM = 53, H7_DMAREQ_TIM5_CH1 = 55,
    H7_DMAREQ_TIM5_UP = 59, H7_DMAREQ_TIM5_TRIG = 60, H7_DMAREQ_TIM6_UP = 69, H7_DMAREQ_TIM7_UP = 70,
    H7_DMAREQ_TIM15_CH1 = 105, H7_DMAREQ_TIM15_UP = 106, H7_DMAREQ_TIM15_TRIG = 107, H7_DMAREQ_TIM15_COM = 108,
    H7_DMAREQ_TIM16_CH1 = 109, H7_DMAREQ_TIM16_UP = 110, H7_DMAREQ_TIM17_CH1 = 111, H7_DMAREQ_TIM17_UP = 112,
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
    uint8_t pulse[H7_DMAMUX1_NLINES];  /* acknowledges still owed to a line raised by h7_dmamux_pulse */
} h7_dmamux;

void h7_dmamux_init(h7_dmamux *s, struct h7_soc *soc, int index);
void h7_dmamux_reset(h7_dmamux *s, h7_reset_kind kind);
uint32_t h7_dmamux_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_dmamux_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* A peripheral model drives request line `line` (DMAMUX1 number, or H7_DMAMUX2_LINE(n)). */
void h7_dmamux_request(struct h7_soc *soc, unsigned line, bool level);
/* A peripheral whose request is one per event (the timers): the line goes high and stays high
 * until the stream mapped to it has moved `items` data items, acknowledging each (h7_dmamux_ack).
 * A pulse while the line is still high is lost (the request is already pending). */
void h7_dmamux_pulse(struct h7_soc *soc, unsigned line, unsigned items);
/* The stream behind DMAMUX1 channel `ch` (or BDMA channel, DMAMUX2) served one request: a pulsed
 * line drops; a level line is the peripheral's business. */
void h7_dmamux_ack(struct h7_soc *soc, int mux, unsigned ch);
/* DMAMUX1 line of a timer's DMA request (RM0399 Table 121), 0 when that request has none.
 * `tim_number` is 1..17, `req` an h7_tim_dma_req. */
unsigned h7_dmamux_timer_line(int tim_number, h7_tim_dma_req req);
/* Timer DMA requests -> DMAMUX1 lines (registered with h7_tim_set_dma_hook by the SoC). */
void h7_dmamux_timer_request(void *soc, h7_tim_id tim, h7_tim_dma_req req);
/* The request level DMAMUX channel `ch` (DMAMUX1: 0-15, DMAMUX2: 0-7) passes to its stream/channel. */
bool h7_dmamux_channel_level(const h7_dmamux *s, unsigned ch);

#endif

/* TIM6 update DMA requests drive a GPIO pattern (RM0399 §41.3 UDE, §17 DMAMUX1 request 69 =
 * TIM6_UP of Table 121, §16 DMA1 stream 0 memory-to-peripheral): every 10 ms update event moves
 * one word of a table in flash to GPIOB_BSRR, so LD1 (PB0) and LD3 (PB14) follow the table without
 * the CPU. The CM7 then waits for the stream's transfer-complete flag and prints the remaining
 * NDTR. */
#include "util.h"

#define DMAREQ_TIM6_UP 69u
#define TIM_DIER_UDE (1u << 8)
#define RCC_AHB1ENR_DMA1 (1u << 0)

/* BSRR words: the low half sets pins, the high half resets them (RM0399 §12.4.7). */
static const uint32_t pattern[6] = {
    1u << 0,          /* PB0 high  */
    1u << 14,         /* PB14 high */
    1u << 16,         /* PB0 low   */
    1u << 30,         /* PB14 low  */
    1u << 0,          /* PB0 high  */
    1u << 16,         /* PB0 low   */
};

int main(void)
{
#if CORE_CM7
    uart3_init(64000000u, 115200u);
    RCC_AHB4ENR |= RCC_AHB4ENR_GPIOB;
    RCC_AHB1ENR |= RCC_AHB1ENR_DMA1;
    RCC_APB1LENR |= RCC_APB1LENR_TIM6;
    (void)RCC_APB1LENR;
    GPIO_MODER(PORT_B) = (GPIO_MODER(PORT_B) & ~((3u << 0) | (3u << 28))) | (1u << 0) | (1u << 28);
    DMAMUX1_CCR(0) = DMAREQ_TIM6_UP;
    DMA1_SPAR(0) = (uint32_t)&GPIO_BSRR(PORT_B);
    DMA1_SM0AR(0) = (uint32_t)pattern;
    DMA1_SNDTR(0) = 6u;
    DMA1_SCR(0) = DMA_SCR_M2P | DMA_SCR_MINC | DMA_SCR_PSIZE_WORD | DMA_SCR_MSIZE_WORD | DMA_SCR_EN;
    TIM_PSC(TIM6_BASE) = 6400u - 1u;    /* 64 MHz / 6400 = 10 kHz */
    TIM_ARR(TIM6_BASE) = 100u - 1u;     /* update every 10 ms */
    TIM_EGR(TIM6_BASE) = TIM_EGR_UG;    /* load PSC (UDE still 0: no request) */
    TIM_SR(TIM6_BASE) = 0;
    TIM_DIER(TIM6_BASE) = TIM_DIER_UDE;
    TIM_CR1(TIM6_BASE) = TIM_CR1_CEN;
    uart3_puts("CM7: tim6 update dma -> gpiob bsrr, 6 words every 10 ms\r\n");
    while (!(DMA1_LISR & DMA_TCIF0))
        ;
    uart3_puts("CM7: dma done, ndtr ");
    uart3_putu(DMA1_SNDTR(0));
    uart3_puts("\r\n");
#endif
    for (;;)
        WFI();
}

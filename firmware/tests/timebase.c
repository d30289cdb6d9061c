/* The HAL time base on a basic timer, as CubeMX generates it when FreeRTOS owns SysTick: TIM6 on
 * the CM7, TIM7 on the CM4, an update interrupt every 1 ms (HAL_InitTick with a timer: timer clock
 * = 2 x PCLK1 because the APB1 prescaler is /2 (RM0399 §9.5.x), PSC = timer clock / 1 MHz - 1,
 * ARR = 999, UG, clear UIF, UIE, CEN). SysTick at 1 kHz plays the RTOS tick. HAL_Delay waits on the
 * timer tick (plus one, as the HAL does); the CM7 prints both counts and what the CM4 counted. */
#include "util.h"

#define CM4_TICKS REG(0x38000100u)
#define CM4_DONE REG(0x38000104u)

volatile uint32_t uwTick;   /* HAL_GetTick() */

#if CORE_CM7
#define TB TIM6_BASE
#define TB_IRQ TIM6_DAC_IRQn
void TIM6_DAC_IRQHandler(void)
#else
#define TB TIM7_BASE
#define TB_IRQ TIM7_IRQn
void TIM7_IRQHandler(void)
#endif
{
    if (TIM_SR(TB) & TIM_SR_UIF) {
        TIM_SR(TB) = ~TIM_SR_UIF;   /* rc_w0 */
        uwTick++;
    }
}

void SysTick_Handler(void) { g_ms++; }   /* the RTOS tick */

/* APB1 prescaler /1 gives the timers PCLK1, anything else 2 x PCLK1 (TIMPRE = 0). */
static uint32_t timer_clock(uint32_t hclk)
{
    uint32_t ppre = (RCC_D2CFGR >> RCC_D2CFGR_D2PPRE1_SHIFT) & 7u;
    uint32_t pclk1 = ppre < 4 ? hclk : hclk >> (ppre - 3u);
    return ppre < 4 ? pclk1 : 2u * pclk1;
}

static void hal_init_tick(uint32_t hclk)
{
#if CORE_CM7
    RCC_APB1LENR |= RCC_APB1LENR_TIM6;
#else
    RCC_APB1LENR |= RCC_APB1LENR_TIM7;
#endif
    (void)RCC_APB1LENR;
    TIM_ARR(TB) = 1000u - 1u;
    TIM_PSC(TB) = timer_clock(hclk) / 1000000u - 1u;
    TIM_EGR(TB) = TIM_EGR_UG;
    TIM_SR(TB) = ~TIM_SR_UIF;
    NVIC_ISER(TB_IRQ / 32) = 1u << (TB_IRQ % 32);
    TIM_DIER(TB) = TIM_DIER_UIE;
    TIM_CR1(TB) = TIM_CR1_CEN;
}

static void hal_delay(uint32_t ms)
{
    uint32_t start = uwTick, wait = ms + 1u;   /* HAL_Delay adds one tick */
    while (uwTick - start < wait)
        WFI();
}

int main(void)
{
#if CORE_CM7
    RCC_D2CFGR = 4u << RCC_D2CFGR_D2PPRE1_SHIFT;   /* APB1 = HCLK / 2 = 32 MHz, timers 64 MHz */
    uart3_init(32000000u, 115200u);
    hal_init_tick(64000000u);
    systick_start(64000000u);
    uart3_puts("CM7: tim6 time base, psc ");
    uart3_putu(TIM_PSC(TB));
    uart3_puts("\r\n");
    uint32_t t0 = uwTick, r0 = g_ms;
    hal_delay(250);
    uint32_t t1 = uwTick, r1 = g_ms;
    uart3_puts("CM7: HAL_Delay(250) took ");
    uart3_putu(t1 - t0);
    uart3_puts(" ticks, rtos ");
    uart3_putu(r1 - r0);
    uart3_puts(" ms\r\n");
    while (!CM4_DONE)
        WFI();
    uart3_puts("CM4: tim7 HAL_Delay(100) took ");
    uart3_putu(CM4_TICKS);
    uart3_puts(" ticks\r\n");
    uart3_puts("CM7: done\r\n");
#else
    hal_init_tick(64000000u);
    uint32_t t0 = uwTick;
    hal_delay(100);
    CM4_TICKS = uwTick - t0;
    CM4_DONE = 1;
#endif
    for (;;)
        WFI();
}

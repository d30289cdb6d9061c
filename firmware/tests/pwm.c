/* A PWM on LD1 (PB0 = TIM3_CH3, alternate function 2): TIM3 at 64 MHz / 64000 = 1 kHz, ARR 199
 * (5 Hz), CCR3 50 (25 % duty), PWM mode 1 with preload (RM0399 §39.3.10). The LED blinks without
 * the CPU: the CM7 sleeps. */
#include "util.h"

#define TIM3_BASE 0x40000400u
#define TIM_CCMR2(b) REG((b) + 0x1Cu)
#define TIM_CCR3(b) REG((b) + 0x3Cu)
#define GPIO_AFRL(p) REG(GPIO_BASE(p) + 0x20u)

int main(void)
{
#if CORE_CM7
    uart3_init(64000000u, 115200u);
    RCC_AHB4ENR |= RCC_AHB4ENR_GPIOB;
    RCC_APB1LENR |= 1u << 1;   /* TIM3EN */
    (void)RCC_APB1LENR;
    GPIO_AFRL(PORT_B) = (GPIO_AFRL(PORT_B) & ~0xFu) | 2u;                 /* PB0: AF2 */
    GPIO_MODER(PORT_B) = (GPIO_MODER(PORT_B) & ~3u) | 2u;                 /* alternate function */
    TIM_PSC(TIM3_BASE) = 64000u - 1u;
    TIM_ARR(TIM3_BASE) = 200u - 1u;
    TIM_CCR3(TIM3_BASE) = 50u;
    TIM_CCMR2(TIM3_BASE) = (6u << 4) | (1u << 3);   /* OC3M = PWM mode 1, OC3PE */
    TIM_CCER(TIM3_BASE) = 1u << 8;                  /* CC3E */
    TIM_EGR(TIM3_BASE) = TIM_EGR_UG;
    TIM_CR1(TIM3_BASE) = TIM_CR1_CEN | (1u << 7);   /* ARPE */
    uart3_puts("CM7: pwm on LD1 (PB0, TIM3_CH3): 5 Hz, 25 %\r\n");
#endif
    for (;;)
        WFI();
}

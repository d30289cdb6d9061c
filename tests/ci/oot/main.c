/* Prints one line on USART3 (the Nucleo's ST-LINK console) at the reset clock and sleeps. */
#include <stdint.h>

#define REG(a) (*(volatile uint32_t *)(a))
#define RCC_APB1LENR REG(0x580244E8u)
#define USART3_CR1 REG(0x40004800u)
#define USART3_BRR REG(0x4000480Cu)
#define USART3_ISR REG(0x4000481Cu)
#define USART3_TDR REG(0x40004828u)

extern uint32_t _estack;
void Reset_Handler(void);
__attribute__((section(".isr_vector"), used)) void (*const vectors[2])(void) = {(void (*)(void))&_estack, Reset_Handler};

static void puts3(const char *s)
{
    for (; *s; s++) {
        while (!(USART3_ISR & (1u << 7)))   /* TXE */
            ;
        USART3_TDR = (uint8_t)*s;
    }
    while (!(USART3_ISR & (1u << 6)))       /* TC */
        ;
}

void Reset_Handler(void)
{
    RCC_APB1LENR |= 1u << 18;               /* USART3EN */
    USART3_BRR = 64000000u / 115200u;       /* HSI 64 MHz at reset */
    USART3_CR1 = (1u << 3) | (1u << 0);     /* TE, UE */
    puts3("blinky: up\r\n");
    for (;;)
        __asm__ volatile("wfi");
}

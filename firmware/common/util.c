#include "util.h"

volatile uint32_t g_ms;

void systick_start(uint32_t core_hz)
{
    SYST_RVR = core_hz / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u;   /* ENABLE | TICKINT | CLKSOURCE = core clock */
}

void delay_ms(uint32_t ms)
{
    uint32_t start = g_ms;
    while (g_ms - start < ms)
        WFI();
}

void uart3_init(uint32_t pclk_hz, uint32_t baud)
{
    RCC_AHB4ENR |= RCC_AHB4ENR_GPIOD;
    (void)RCC_AHB4ENR;
    RCC_APB1LENR |= RCC_APB1LENR_USART3;
    (void)RCC_APB1LENR;
    /* PD8 = TX, PD9 = RX, alternate function 7 */
    GPIO_MODER(PORT_D) = (GPIO_MODER(PORT_D) & ~(0xFu << 16)) | (0xAu << 16);
    GPIO_AFRH(PORT_D) = (GPIO_AFRH(PORT_D) & ~0xFFu) | 0x77u;
    USART3_BRR = (pclk_hz + baud / 2u) / baud;
    USART3_CR1 = USART_CR1_TE | USART_CR1_RE | USART_CR1_UE;
    while (!(USART3_ISR & USART_ISR_TEACK))
        ;
}

void uart3_putc(char c)
{
    while (!(USART3_ISR & USART_ISR_TXE))
        ;
    USART3_TDR = (uint8_t)c;
}

void uart3_puts(const char *s)
{
    while (*s)
        uart3_putc(*s++);
    while (!(USART3_ISR & USART_ISR_TC))
        ;
}

void uart3_putu(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    uart3_puts(buf + i);
}

void *memset(void *d, int c, unsigned n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned n)
{
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

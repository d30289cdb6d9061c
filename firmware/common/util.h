/* Small helpers for the test firmware: SysTick milliseconds, polled USART3 output. */
#ifndef UTIL_H
#define UTIL_H

#include <stdint.h>

#include "h755.h"

extern volatile uint32_t g_ms;                 /* incremented by util_systick_1ms() users */
void systick_start(uint32_t core_hz);          /* 1 kHz SysTick interrupt on the core clock */
void delay_ms(uint32_t ms);
void uart3_init(uint32_t pclk_hz, uint32_t baud);
void uart3_putc(char c);
void uart3_puts(const char *s);
void uart3_putu(uint32_t v);
void *memset(void *d, int c, unsigned n);
void *memcpy(void *d, const void *s, unsigned n);

#endif

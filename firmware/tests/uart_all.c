/* Every U(S)ART prints one line at the reset clock (HSI 64 MHz on every APB), then USART2 echoes
 * what it receives, upper-cased, until CR or LF, and the CM7 reports it on UART4 (the console
 * of board scenarios/boards/nucleo-console-uart4.yaml). Register-level, polled. */
#include "util.h"

#define CR1_UE (1u << 0)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define ISR_RXNE (1u << 5)
#define ISR_TC (1u << 6)
#define ISR_TXE (1u << 7)
#define ISR_TEACK (1u << 21)
#define U_CR1(b) REG((b) + 0x00u)
#define U_BRR(b) REG((b) + 0x0Cu)
#define U_ISR(b) REG((b) + 0x1Cu)
#define U_RDR(b) REG((b) + 0x24u)
#define U_TDR(b) REG((b) + 0x28u)
#define RCC_APB2ENR REG(0x580244F0u)

static const struct { uint32_t base; const char *name; } uarts[] = {
    {0x40011000u, "USART1"}, {0x40004400u, "USART2"}, {0x40004800u, "USART3"}, {0x40004C00u, "UART4"},
    {0x40005000u, "UART5"}, {0x40011400u, "USART6"}, {0x40007800u, "UART7"}, {0x40007C00u, "UART8"},
    {0x58000C00u, "LPUART1"},
};

static void put(uint32_t b, char c)
{
    while (!(U_ISR(b) & ISR_TXE))
        ;
    U_TDR(b) = (uint8_t)c;
}

static void puts_on(uint32_t b, const char *s)
{
    while (*s)
        put(b, *s++);
    while (!(U_ISR(b) & ISR_TC))
        ;
}

volatile uint32_t g_done;

int main(void)
{
#if CORE_CM7
    RCC_APB1LENR |= (1u << 17) | (1u << 18) | (1u << 19) | (1u << 20) | (1u << 30) | (1u << 31);
    RCC_APB2ENR |= (1u << 4) | (1u << 5);
    RCC_APB4ENR |= 1u << 3;
    (void)RCC_APB4ENR;
    for (unsigned i = 0; i < sizeof uarts / sizeof uarts[0]; i++) {
        uint32_t b = uarts[i].base;
        /* 115200 baud from 64 MHz: BRR = 556; LPUART1: 256 * 64 MHz / 115200 */
        U_BRR(b) = b == 0x58000C00u ? 142222u : 556u;
        U_CR1(b) = CR1_TE | CR1_RE | CR1_UE;
        while (!(U_ISR(b) & ISR_TEACK))
            ;
        puts_on(b, uarts[i].name);
        puts_on(b, ": hi\r\n");
    }
    char line[32];
    unsigned n = 0;
    for (;;) {   /* USART2 echo */
        while (!(U_ISR(0x40004400u) & ISR_RXNE))
            ;
        char c = (char)U_RDR(0x40004400u);
        if (c == '\r' || c == '\n' || n == sizeof line - 1)
            break;
        line[n++] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
        put(0x40004400u, line[n - 1]);
    }
    line[n] = 0;
    puts_on(0x40004400u, "\r\n");
    puts_on(0x40004C00u, "CM7: usart2 got ");
    puts_on(0x40004C00u, line);
    puts_on(0x40004C00u, "\r\n");
    g_done = 1;
#endif
    for (;;)
        WFI();
}

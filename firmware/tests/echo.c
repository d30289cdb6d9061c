/* A console that answers: the CM7 reads USART3 by polling RXNE (RM0399 §48.8.10: RDR at 0x24) and
 * prints each line back as "echo: <line>". For `h7emu run --uart-input FILE|-` tests. */
#include "util.h"

#define USART3_RDR REG(0x40004824u)
#define USART_ISR_RXNE (1u << 5)

int main(void)
{
#if CORE_CM7
    uart3_init(64000000u, 115200u);
    uart3_puts("ready\r\n");
    char line[80];
    unsigned n = 0;
    for (;;) {
        while (!(USART3_ISR & USART_ISR_RXNE))
            ;
        char c = (char)USART3_RDR;
        if (c == '\r')
            continue;
        if (c != '\n' && n < sizeof line - 1) {
            line[n++] = c;
            continue;
        }
        line[n] = '\0';
        uart3_puts("echo: ");
        uart3_puts(line);
        uart3_puts("\r\n");
        n = 0;
    }
#endif
    for (;;)
        WFI();
}

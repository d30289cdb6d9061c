/* The smallest program: the CM7 prints "hello" on USART3 at the reset clock (HSI 64 MHz, APB1
 * 64 MHz) and sleeps; the CM4 just sleeps. */
#include "util.h"

volatile uint32_t g_done;

int main(void)
{
#if CORE_CM7
    uart3_init(64000000u, 115200u);
    uart3_puts("hello\r\n");
    g_done = 1;
#endif
    for (;;)
        WFI();
}

/* Built with -Os: GCC inlines the static, called-once Error_Handler into main, so the image has
 * no Error_Handler symbol; only the DWARF inlined-subroutine ranges say where it is.
 * The CM7 enables HSE as a crystal (HSEBYP = 0) on the Nucleo, whose HSE is the ST-LINK's 8 MHz
 * clock in bypass mode: HSERDY never sets, the counted wait times out and main ends in the
 * inlined HAL-style Error_Handler (`cpsid i; b .`). Nothing is printed. */
#include "util.h"

static void Error_Handler(void)
{
    __asm volatile("cpsid i" ::: "memory");   /* __disable_irq() */
    for (;;) {
    }
}

int main(void)
{
#if CORE_CM7
    RCC_CR |= RCC_CR_HSEON;   /* crystal mode: HSEBYP stays 0 */
    for (uint32_t n = 0; !(RCC_CR & RCC_CR_HSERDY); n++)
        if (n == 20000u)
            Error_Handler();
    uart3_init(64000000u, 115200u);
    uart3_puts("CM7: HSE ready\r\n");
#endif
    for (;;)
        WFI();
}

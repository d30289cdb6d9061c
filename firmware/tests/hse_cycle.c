/* The HSE off/on cycle of HAL_RCC_DeInit followed by a new SystemClock_Config (register level,
 * the HAL's order and read-modify-writes; RM0399 §9.7.2 RCC_CR):
 *  1. HSE on (bypass, the Nucleo's 8 MHz ST-LINK clock), PLL1 from HSE switched on with
 *     SET_BIT(RCC->CR, PLL1ON) while HSERDY = 1 (a read-modify-write that writes HSERDY back);
 *  2. DeInit: PLL1 off, then HSE off; each RDY bit must go low (HAL: HAL_TIMEOUT otherwise);
 *  3. HSE on again: HSERDY must read 0 until the oscillator has started again;
 *  4. HSE off, then HSE and PLL1 switched on in one write: the PLL locks once HSE is ready.
 * The CM7 prints each step on USART3 (HSI 64 MHz, 115200 baud) and "CM7: HSE cycle ok" at the end;
 * a step that times out prints "CM7: FAIL <step>" and ends in Error_Handler. */
#include "util.h"

void Error_Handler(void)
{
    __asm volatile("cpsid i" ::: "memory");
    for (;;) {
    }
}

#define TIMEOUT 200000u   /* polls; far longer than any start-up time of the model */

static void wait(uint32_t mask, uint32_t want, const char *step)
{
    for (uint32_t n = 0; (RCC_CR & mask) != want; n++)
        if (n == TIMEOUT) {
            uart3_puts("CM7: FAIL ");
            uart3_puts(step);
            uart3_puts("\r\n");
            Error_Handler();
        }
}

int main(void)
{
#if CORE_CM7
    uart3_init(64000000u, 115200u);
    PWR_CR3 = PWR_CR3_SDEN;                        /* the Nucleo's direct SMPS */
    while (!(PWR_CSR1 & PWR_CSR1_ACTVOSRDY)) {
    }
    /* 1: HSE (bypass), PLL1 = 8 MHz / 4 * 100 = 800 MHz VCO (wide), P /2 */
    RCC_CR |= RCC_CR_HSEBYP;
    RCC_CR |= RCC_CR_HSEON;
    wait(RCC_CR_HSERDY, RCC_CR_HSERDY, "hse on");
    RCC_PLLCKSELR = (RCC_PLLCKSELR & ~0x3F3u) | (4u << 4) | 2u;
    RCC_PLLCFGR = (RCC_PLLCFGR & ~0xFu) | (1u << 2);   /* PLL1RGE 2-4 MHz, wide VCO */
    RCC_PLL1DIVR = (1u << 24) | (3u << 16) | (1u << 9) | 99u;
    RCC_CR |= RCC_CR_PLL1ON;                        /* RMW with HSERDY = 1 */
    wait(RCC_CR_PLL1RDY, RCC_CR_PLL1RDY, "pll1 lock");
    uart3_puts("CM7: pll1 locked on hse\r\n");
    /* 2: HAL_RCC_DeInit: PLL1 off, HSE off (HSEON and HSEBYP cleared), each RDY low */
    RCC_CR &= ~RCC_CR_PLL1ON;
    wait(RCC_CR_PLL1RDY, 0, "pll1 off");
    RCC_CR &= ~RCC_CR_HSEON;
    wait(RCC_CR_HSERDY, 0, "hse off");
    RCC_CR &= ~RCC_CR_HSEBYP;
    uart3_puts("CM7: deinit done\r\n");
    /* 3: HSE on again: not ready at once */
    RCC_CR |= RCC_CR_HSEBYP;
    RCC_CR |= RCC_CR_HSEON;
    if (RCC_CR & RCC_CR_HSERDY) {
        uart3_puts("CM7: FAIL hse ready at once\r\n");
        Error_Handler();
    }
    wait(RCC_CR_HSERDY, RCC_CR_HSERDY, "hse on again");
    uart3_puts("CM7: hse restarted\r\n");
    /* 4: HSE off, then HSE and PLL1 on together: PLL1 locks once HSE is ready */
    RCC_CR &= ~RCC_CR_HSEON;
    wait(RCC_CR_HSERDY, 0, "hse off again");
    RCC_CR |= RCC_CR_HSEON | RCC_CR_PLL1ON;
    wait(RCC_CR_PLL1RDY, RCC_CR_PLL1RDY, "pll1 lock after hse");
    uart3_puts("CM7: HSE cycle ok\r\n");
#endif
    for (;;)
        WFI();
}

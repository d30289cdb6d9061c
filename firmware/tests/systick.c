/* SysTick interrupts at 1 ms on each core, WFI between ticks. The CM7 counts the core clock
 * (CLKSOURCE = 1), the CM4 the external reference (core clock / 8, CLKSOURCE = 0). */
#include "util.h"

volatile uint32_t g_ticks, g_cpuid, g_countflag_seen;

void SysTick_Handler(void) { g_ticks++; }

int main(void)
{
    g_cpuid = SCB_CPUID;
#if CORE_CM7
    SYST_RVR = 64000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u;
#else
    SYST_RVR = 8000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 3u;
#endif
    while (!(SYST_CSR & (1u << 16)))
        ;
    g_countflag_seen = 1;
    for (;;)
        WFI();
}

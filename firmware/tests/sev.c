/* SEV/WFE ping-pong between the cores through SRAM4 (zero at power-on). */
#include "util.h"

#define PING REG(0x38000000u)
#define PONG REG(0x38000004u)

volatile uint32_t g_sev_done, g_sev_wfe_ok, g_rounds, g_yield_ok;

int main(void)
{
    /* YIELD (narrow and wide) is a hint: a NOP on a core without multithreading (ARMv7-M A7.7.263). */
    __asm volatile("yield\n\tyield.w" ::: "memory");
    g_yield_ok = 1;
#if CORE_CM7
    SEV();
    WFE();              /* the event register was set: must not sleep */
    g_sev_wfe_ok = 1;
    for (uint32_t i = 1; i <= 100; i++) {
        PING = i;
        DSB();
        SEV();
        while (PONG != i)
            WFE();
        g_rounds = i;
    }
    g_sev_done = 1;
#else
    uint32_t last = 0;
    for (;;) {
        while (PING == last)
            WFE();
        last = PING;
        PONG = last;
        DSB();
        SEV();
        g_rounds = last;
    }
#endif
    for (;;)
        WFI();
}

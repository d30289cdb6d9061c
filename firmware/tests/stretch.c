/* Windows stretch while the cores keep to themselves, and a notification sent from inside a
 * stretched window still reaches the other core within one quantum (emu/machine/machine.c
 * "stretched windows"). The CM4 sleeps in WFE. The CM7 counts in SRAM4 for about 2 ms without
 * touching a peripheral, notes its count and sends an event; the CM4, woken, notes the count it
 * sees. The CM7 goes on counting. */
#include "util.h"

#define PROGRESS REG(0x38000000u)
#define SEV_AT REG(0x38000004u)
#define SEEN REG(0x38000008u)

int main(void)
{
#if CORE_CM7
    uint32_t i = 1;
    for (; i <= 32000u; i++)
        PROGRESS = i;
    SEV_AT = PROGRESS;
    DSB();
    SEV();
    for (;; i++)
        PROGRESS = i;
#else
    while (SEV_AT == 0)
        WFE();
    SEEN = PROGRESS;
    for (;;)
        WFI();
#endif
}

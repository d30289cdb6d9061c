/* The CM7 polls a flag in SRAM4 in a load-only loop; the CM4 sets it after a busy delay, 20 times.
 * An idle-loop skip must never hide the CM4's store (the CM7 exits the loop exactly when it does
 * with every instruction executed). */
#include "util.h"

#define FLAG REG(0x38000000u)

volatile uint32_t g_seen;

int main(void)
{
#if CORE_CM7
    for (uint32_t round = 1; round <= 20; round++) {
        while (FLAG != round)
            ;
        g_seen = round;
    }
#else
    for (uint32_t round = 1; round <= 20; round++) {
        for (uint32_t i = 700u * round; i; i--)   /* a register-only countdown: no store */
            __asm volatile("");
        FLAG = round;
        g_seen = round;
    }
#endif
    for (;;)
        WFI();
}

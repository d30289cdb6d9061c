/* The CM7 polls a flag in SRAM4 in a load-only loop; the CM4 sets it after a busy delay, 20 times.
 * An idle-loop skip must never hide the CM4's store (the CM7 exits the loop exactly when it does
 * with every instruction executed). */
#include "util.h"

#define FLAG REG(0x38000000u)

volatile uint32_t g_seen;

volatile uint32_t g_key = 0x5A5A0000u;   /* rounds 11-20: FLAG = round ^ g_key */

#if CORE_CM7
/* Rounds 11-20 poll through a call: the loop spans several translation blocks, and r0 holds a
 * different value at the start of each of them (FLAG in the caller's block after the call, FLAG ^ key
 * before the next call). */
__attribute__((noinline)) static uint32_t read_flag(void) { return FLAG; }
#endif

int main(void)
{
#if CORE_CM7
    for (uint32_t round = 1; round <= 20; round++) {
        if (round <= 10)
            while (FLAG != round)
                ;
        else {
            uint32_t key = g_key;
            while ((read_flag() ^ key) != round)
                ;
        }
        g_seen = round;
    }
#else
    for (uint32_t round = 1; round <= 20; round++) {
        for (uint32_t i = 700u * round; i; i--)   /* a register-only countdown: no store */
            __asm volatile("");
        FLAG = round <= 10 ? round : round ^ g_key;
        g_seen = round;
    }
#endif
    for (;;)
        WFI();
}

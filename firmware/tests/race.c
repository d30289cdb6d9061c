/* A real dual-core race, of the kind the CubeMX dual-core template invites: the CM7 "initialises"
 * a flag in shared SRAM4 after some start-up work, and the CM4 sets that flag to say "I am up".
 * Nothing orders the CM7's clear before the CM4's set (no HSEM, no event): when the CM4 gets
 * there first, the CM7 wipes its signal, waits out its counted 0xFFFF timeout and ends in
 * Error_Handler. With the default schedule the CM7 clears first and the program works; some
 * interleavings (h7emu test --interleavings) expose the bug. The fix: have the CM7 clear the flag
 * before it lets the CM4 run (BCM4 = 0 + RCC_GCR.BOOT_C2), or take an HSEM around it. */
#include "util.h"

__attribute__((section(".shared"))) volatile uint32_t g_cm4_up;

static void spin(uint32_t n)
{
    for (volatile uint32_t i = 0; i < n; i++)
        ;
}

void Error_Handler(void) __attribute__((noinline));
void Error_Handler(void)
{
    for (;;)
        ;
}

int main(void)
{
#if CORE_CM7
    spin(RACE_CM7_WORK);          /* start-up work (clock tree, MPU, ...) */
    g_cm4_up = 0;                 /* BUG: "initialise" the flag the CM4 may already have set */
    uint32_t timeout = 0xFFFF;
    while (!g_cm4_up && timeout)
        timeout--;
    uart3_init(64000000u, 115200u);
    if (!timeout) {
        uart3_puts("CM7: CM4 did not come up\r\n");
        Error_Handler();
    }
    uart3_puts("CM7: CM4 is up\r\n");
#else
    spin(RACE_CM4_WORK);
    g_cm4_up = 1;                 /* "I am up" */
#endif
    for (;;)
        WFI();
}

/* A core that ends on a branch to itself, outside any Error_Handler: with SPIN_MASKED after
 * `cpsid i` (no interrupt can ever take it out: a hang wherever it is), without it with interrupts
 * enabled (the SysTick still runs: not a hang). */
#include "util.h"

volatile uint32_t g_ticks;

void SysTick_Handler(void)
{
    g_ticks++;
}

__attribute__((noinline)) static void park(void)
{
#if SPIN_MASKED
    __asm volatile("cpsid i" ::: "memory");
#endif
    for (;;) {
    }
}

int main(void)
{
#if CORE_CM7
    systick_start(64000000u);
    park();
#endif
    for (;;)
        WFI();
}

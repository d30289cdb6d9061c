/* On-target "unit tests" reporting through Arm semihosting without any C library: SYS_WRITE0 for
 * the report, SYS_EXIT_EXTENDED (ADP_Stopped_ApplicationExit, status = failures) to end the run. */
#include <stdint.h>

extern uint32_t _estack;
void Reset_Handler(void);
__attribute__((section(".isr_vector"), used)) void (*const vectors[2])(void) = {(void (*)(void))&_estack, Reset_Handler};

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static int add(int a, int b) { return a + b; }

void Reset_Handler(void)
{
    int failures = 0;
    failures += add(2, 2) != 4;
    failures += add(-1, 1) != 0;
#ifdef BROKEN
    failures += add(2, 2) != 5;
#endif
    semihost(0x04, failures ? "unit tests: FAILED\n" : "unit tests: all passed\n");   /* SYS_WRITE0 */
    const uint32_t exit_block[2] = {0x20026u, (uint32_t)failures};                    /* ApplicationExit, status */
    semihost(0x20, exit_block);                                                        /* SYS_EXIT_EXTENDED */
    for (;;)
        ;
}

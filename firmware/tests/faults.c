/* Faults on purpose (CM7): each variant is one ELF, fault_<kind>_cm7.elf. The handlers record what
 * the core reports (CFSR, HFSR, BFAR, the stacked PC) for the tests. */
#include "util.h"

volatile uint32_t g_faulted, g_cfsr, g_hfsr, g_bfar, g_fault_pc, g_depth;

void fault_record(uint32_t *frame)
{
    g_cfsr = SCB_CFSR;
    g_hfsr = SCB_HFSR;
    g_bfar = SCB_BFAR;
    g_fault_pc = frame[6];
    g_faulted = 1;
#if FAULT_LOCKUP
    (void)REG(0x60000000u);   /* a fault inside HardFault: lockup */
#endif
    for (;;)
        ;
}

/* Pass the stacked frame (MSP or PSP per EXC_RETURN bit 2) to fault_record. */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n b fault_record\n");
}

__attribute__((naked)) void BusFault_Handler(void)
{
    __asm volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n b fault_record\n");
}

__attribute__((naked)) void UsageFault_Handler(void)
{
    __asm volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n b fault_record\n");
}

/* The first instruction is the faulting load, so the test knows its address. */
__attribute__((naked, noinline)) uint32_t do_bad_load(uint32_t addr)
{
    (void)addr;
    __asm volatile("ldr r0, [r0]\n bx lr\n");
}

/* Unbounded on purpose (the limit is never reached before the stack overflows). */
__attribute__((noinline)) uint32_t recurse(uint32_t n)
{
    volatile uint32_t pad[32];
    pad[0] = n;
    g_depth = n;
    if (n == 0xFFFFFFFFu)
        return pad[0];
    return recurse(n + 1) + pad[0];
}

int main(void)
{
#if FAULT_BUSFAULT
    SCB_SHCSR |= 1u << 17;   /* BUSFAULTENA */
#endif
#if FAULT_BUSFAULT || FAULT_HARDFAULT || FAULT_LOCKUP
    (void)do_bad_load(0x60000000u);
#elif FAULT_WILDJUMP
    ((void (*)(void))0x70000001u)();
#elif FAULT_UDF
    __asm volatile("udf #0");
#elif FAULT_STACKOVERFLOW
    (void)recurse(0);
#endif
    for (;;)
        WFI();
}

/* Hostile firmware: one tiny image per case (hostile_<case>_<core>.elf, both cores). Each does one
 * thing that real silicon answers with a fault, a lockup or a reset; the scenarios in
 * scenarios/hostile/ state what the silicon does (ARMv7-M ARM B1.5 / B3.2.15-B3.2.18). The fault
 * handlers do nothing but loop (or reset, for the reset loop), so CFSR/HFSR/MMFAR/BFAR keep the
 * values the core set and the scenario reads them through the debug port. */
#include "util.h"

#define SCB_CCR REG(0xE000ED14u)
#define CCR_UNALIGN_TRP (1u << 3)
#define CCR_DIV_0_TRP (1u << 4)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

volatile uint32_t g_sink;

#if HOSTILE_RESET_LOOP
/* HardFault -> NVIC_SystemReset(): the common "reset on any fault" pattern. */
void HardFault_Handler(void)
{
    __asm volatile("dsb");
    SCB_AIRCR = (0x05FAu << 16) | (SCB_AIRCR & 0x700u) | (1u << 2);
    __asm volatile("dsb");
    for (;;)
        ;
}
#elif HOSTILE_HF_XN
/* A prefetch abort inside HardFault: a branch into execute-never space (0xE0000000+). */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("ldr r0, =0xE0100001\n bx r0\n");
}
#elif HOSTILE_HF_BAD_EXC_RETURN
/* An invalid EXC_RETURN (reserved value) from HardFault: INVPC while in HardFault. */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("ldr r0, =0xFFFFFFF5\n bx r0\n");
}
#endif

/* A vector table in RAM whose HardFault entry reads erased flash (0xFFFFFFFF), as after firmware
 * erased its own sector 0. VTOR needs 1 KiB alignment for 166 vectors (ARMv7-M B3.2.5). */
__attribute__((unused)) static uint32_t ram_vectors[256] __attribute__((aligned(1024)));

__attribute__((unused)) static void use_erased_hardfault_vector(void)
{
    const uint32_t *cur = (const uint32_t *)SCB_VTOR;
    for (unsigned i = 0; i < 166; i++)
        ram_vectors[i] = cur[i];
    ram_vectors[3] = 0xFFFFFFFFu;
    __asm volatile("dsb");
    SCB_VTOR = (uint32_t)ram_vectors;
    __asm volatile("dsb\n isb");
}

__attribute__((unused)) static void bus_fault_now(void) { g_sink = REG(0x60000000u); }   /* nothing at 0x6000_0000 (FMC off) */

int main(void)
{
#if HOSTILE_RESET_LOOP || HOSTILE_HF_XN || HOSTILE_HF_BAD_EXC_RETURN
    bus_fault_now();
#elif HOSTILE_HF_ERASED_VECTOR
    use_erased_hardfault_vector();
    bus_fault_now();
#elif HOSTILE_STACKING
    /* MSP into nothing, then an exception: the stacking fails (derived fault at priority -1). */
    __asm volatile("ldr r0, =0x60000100\n msr msp, r0\n svc #0\n");
#elif HOSTILE_NOCP
    SCB_CPACR = 0;   /* FPU access denied (its reset value) */
    __asm volatile("dsb\n isb\n vmov s0, r0\n" ::: "memory");
#elif HOSTILE_DIV0
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    SCB_CCR |= CCR_DIV_0_TRP;
    /* The ISB makes the CCR change effective for what follows (ARMv7-M B3.2.8 recommends it). */
    __asm volatile("dsb\n isb\n movs r1, #0\n movs r0, #7\n sdiv r0, r0, r1\n" ::: "r0", "r1");
#elif HOSTILE_UNALIGN_TRP
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    SCB_CCR |= CCR_UNALIGN_TRP;
    __asm volatile("dsb\n isb\n ldr r0, =0x38000001\n ldr r1, =0x30000001\n cmp r1, #0\n it ne\n ldrne r0, [r0]\n"
                   ::: "r0", "r1");
#elif HOSTILE_LDRD_UNALIGNED
    /* ARMv7-M A3.2.1: LDRD/STRD, LDM/STM and the exclusives fault when unaligned whatever
     * CCR.UNALIGN_TRP says (here it is 0, its reset value). */
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    __asm volatile("mov r2, sp\n subs r2, #14\n ldrd r0, r1, [r2]\n" ::: "r0", "r1", "r2");
#elif HOSTILE_LDRD_IT
    /* The MOVEQ that would align the base does not execute (Z = 0): h7emu must not take its
     * effect for granted when it follows the base's alignment through the block. */
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    __asm volatile("mov r2, sp\n subs r2, #6\n mov r3, sp\n cmp r3, #0\n it eq\n moveq r2, r3\n"
                   " ldrd r0, r1, [r2]\n" ::: "r0", "r1", "r2", "r3", "cc");
#elif HOSTILE_LDM_UNALIGNED
    /* UsageFault left disabled (SHCSR.USGFAULTENA = 0): the UNALIGNED fault escalates to HardFault
     * with HFSR.FORCED, CFSR.UNALIGNED still set (ARMv7-M B1.5.8). */
    __asm volatile("mov r2, sp\n subs r2, #6\n ldm r2, {r0, r1}\n" ::: "r0", "r1", "r2");
#elif HOSTILE_STM_UNALIGNED
    /* The branch ends the translation block: the STMDB starts the next one, so h7emu finds its base
     * misaligned by the check at the block's start, then hooks it (docs/machine.md "Faults"). */
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    __asm volatile("mov r3, sp\n subs r3, #66\n b 1f\n 1: stmdb r3!, {r0, r1, r2}\n" ::: "r3", "memory");
#elif HOSTILE_LDREX_UNALIGNED
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    __asm volatile("mov r2, sp\n subs r2, #34\n ldrex r0, [r2]\n" ::: "r0", "r2");
#elif HOSTILE_MULTI_SITES
    /* 32,768 distinct aligned LDRD sites whose base is loaded from memory just before (so h7emu
     * cannot tell its alignment at the block's start and hooks each one), far more than it hooks
     * (H7_TRAP_MAX_SITES), run over and over: the cost stays bounded (no fault on silicon either). */
    for (;;)
        __asm volatile("sub sp, #8\n mov r2, sp\n str r2, [sp]\n"
                       " .rept 32768\n ldr r2, [sp]\n ldrd r0, r1, [r2]\n .endr\n add sp, #8\n"
                       ::: "r0", "r1", "r2", "memory");
#elif HOSTILE_BX_EVEN
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    __asm volatile("ldr r0, =bx_target\n bic r0, r0, #1\n bx r0\n .thumb_func\n bx_target: nop\n" ::: "r0");
#elif HOSTILE_BRANCH_RESERVED
    /* A branch where nothing answers: just past SRAM3 the fetch is a bus error, BusFault IBUSERR
     * (ARMv7-M B3.2.15); in Device space (FMC SDRAM, FMC off) it is execute-never first, MemManage
     * IACCVIOL (B3.1, the default memory map). Engines that stopped at an `until` address stopped
     * there without a fault (h7emu gives Unicorn no such address: cpu.c h7_cpu_open). */
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
#if CORE_CM7
    __asm volatile("dsb\n isb\n ldr r0, =0x30048001\n bx r0\n" ::: "r0");   /* just past SRAM3 */
#else
    __asm volatile("dsb\n isb\n ldr r0, =0xDEADBEE1\n bx r0\n" ::: "r0");   /* FMC SDRAM space, FMC off */
#endif
#elif HOSTILE_SVC_MASKED
    /* SVC while PRIMASK masks it: it cannot be taken, so it escalates (HFSR.FORCED). */
    __asm volatile("cpsid i\n svc #1\n");
#elif HOSTILE_GPIO_STORM
    /* LD1 (PB0) toggled as fast as the core can: one trace event per edge, for ever. The
     * waveform writers must stay bounded in memory (--svg decimates, --vcd streams). */
    RCC_AHB4ENR |= 1u << 1;
    (void)RCC_AHB4ENR;
    REG(0x58020400u) = (REG(0x58020400u) & ~3u) | 1u;   /* GPIOB_MODER: PB0 output */
    for (;;) {
        REG(0x58020418u) = 1u;          /* BSRR: set PB0 */
        REG(0x58020418u) = 1u << 16;    /* reset PB0 */
    }
#elif HOSTILE_BKPT
    /* BKPT with no debugger and DebugMonitor off: HardFault with HFSR.DEBUGEVT. */
    __asm volatile("bkpt #0x42\n");
#endif
    for (;;)
        WFI();
}

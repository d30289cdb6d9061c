/* The benchmark kernels for QEMU's MPS2 boards (mps2-an500 Cortex-M7, mps2-an386 Cortex-M4):
 * QEMU_ITERS outer iterations (0 for the empty image that measures QEMU's start-up), then exit
 * through semihosting SYS_EXIT (ADP_Stopped_ApplicationExit -> exit code 0). */
#include <stdint.h>

#include "kernels.h"

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;

static void semihosting_exit(void)
{
    register uint32_t r0 __asm("r0") = 0x18u;      /* SYS_EXIT */
    register uint32_t r1 __asm("r1") = 0x20026u;   /* ADP_Stopped_ApplicationExit */
    __asm volatile("bkpt 0xab" : : "r"(r0), "r"(r1) : "memory");
    for (;;)
        ;
}

void qemu_reset(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;)
        *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    kernels_init();
    volatile uint32_t iters = QEMU_ITERS;   /* volatile: 0 for the empty image without a warning */
    for (uint32_t i = 0; i < iters; i++)
        kernel_iteration();
    semihosting_exit();
}

__attribute__((section(".isr_vector"), used)) const void *const qemu_vectors[2] = {&_estack, (void *)qemu_reset};

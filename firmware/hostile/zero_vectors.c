/* An image whose vector table is all zeros (SP = 0, PC = 0): the reset loads PC 0 with the Thumb
 * bit clear, so the first instruction fetch is an INVSTATE UsageFault, escalated to HardFault,
 * whose vector is 0 too -> lockup (ARMv7-M B1.5.5, B1.5.15). */
#include <stdint.h>

__attribute__((section(".isr_vector"), used)) const uint32_t zero_vectors[16] = {0};
uint32_t _sidata_unused;

void Reset_Handler(void)
{
    for (;;)
        ;
}

/* Vector table and reset handler shared by every program (CM7 and CM4). */
#include <stdint.h>

#include "util.h"

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
int main(void);

void Reset_Handler(void);
void Default_Handler(void);
#define WEAK_ALIAS __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_ALIAS;
void HardFault_Handler(void) WEAK_ALIAS;
void MemManage_Handler(void) WEAK_ALIAS;
void BusFault_Handler(void) WEAK_ALIAS;
void UsageFault_Handler(void) WEAK_ALIAS;
void SVC_Handler(void) WEAK_ALIAS;
void PendSV_Handler(void) WEAK_ALIAS;
void SysTick_Handler(void) WEAK_ALIAS;
void EXTI0_IRQHandler(void) WEAK_ALIAS;
void USART3_IRQHandler(void) WEAK_ALIAS;
void DMA1_Stream0_IRQHandler(void) WEAK_ALIAS;
void DMA1_Stream1_IRQHandler(void) WEAK_ALIAS;
void CM7_SEV_IRQHandler(void) WEAK_ALIAS;
void CM4_SEV_IRQHandler(void) WEAK_ALIAS;
void HSEM1_IRQHandler(void) WEAK_ALIAS;
void HSEM2_IRQHandler(void) WEAK_ALIAS;
/* Runs before .data/.bss are set up (the newer CubeIDE pattern configures the supply here). */
void early_init(void) __attribute__((weak));
void early_init(void) {}

typedef void (*vector_t)(void);
__attribute__((section(".isr_vector"), used)) const vector_t vector_table[16 + 150] = {
    (vector_t)&_estack, Reset_Handler, NMI_Handler, HardFault_Handler, MemManage_Handler, BusFault_Handler,
    UsageFault_Handler, 0, 0, 0, 0, SVC_Handler, 0, 0, PendSV_Handler, SysTick_Handler,
    [16 + 6] = EXTI0_IRQHandler, [16 + 11] = DMA1_Stream0_IRQHandler, [16 + 12] = DMA1_Stream1_IRQHandler,
    [16 + 39] = USART3_IRQHandler, [16 + 64] = CM7_SEV_IRQHandler,
    [16 + 65] = CM4_SEV_IRQHandler, [16 + 125] = HSEM1_IRQHandler, [16 + 126] = HSEM2_IRQHandler,
};

void Default_Handler(void)
{
    for (;;)
        ;
}

void Reset_Handler(void)
{
    early_init();
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;)
        *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    main();
    for (;;)
        ;
}

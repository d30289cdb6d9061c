/* HSEM ping-pong between the cores with interrupts (RM0399 §11.3.7): the CM7 takes and releases
 * semaphore 5 ("ping"); the release interrupt HSEM2 (IRQ 126, C2IER bit 5) wakes the CM4, which
 * answers by taking and releasing semaphore 6 ("pong"); HSEM1 (IRQ 125, C1IER bit 6) wakes the
 * CM7. Ten rounds, then the CM7 prints the result. Both cores sleep (WFI) between messages. */
#include "util.h"

#define SEM_PING 5u
#define SEM_PONG 6u
#define ROUNDS 10u

__attribute__((section(".shared"))) volatile uint32_t g_cm4_ready;
volatile uint32_t g_count;   /* pings seen by the CM4 / pongs seen by the CM7 */

#if CORE_CM7
#define MY_ID HSEM_COREID_CM7
#else
#define MY_ID HSEM_COREID_CM4
#endif

static void take_and_release(uint32_t sem, uint32_t proc)
{
    do
        HSEM_R(sem) = HSEM_LOCK | (MY_ID << 8) | proc;   /* 2-step lock */
    while (HSEM_R(sem) != (HSEM_LOCK | (MY_ID << 8) | proc));
    HSEM_R(sem) = (MY_ID << 8) | proc;                   /* release: raises the interrupt */
}

#if CORE_CM7
void HSEM1_IRQHandler(void)
{
    uint32_t m = HSEM_C1MISR;
    HSEM_C1ICR = m;
    if (m & (1u << SEM_PONG))
        g_count++;
}

int main(void)
{
    g_cm4_ready = 0;
    RCC_AHB4ENR |= RCC_AHB4ENR_HSEM;
    (void)RCC_AHB4ENR;
    uart3_init(64000000u, 115200u);
    HSEM_C1IER = 1u << SEM_PONG;
    NVIC_ISER(HSEM1_IRQn / 32) = 1u << (HSEM1_IRQn % 32);
    while (!g_cm4_ready)
        ;
    for (uint32_t round = 1; round <= ROUNDS; round++) {
        take_and_release(SEM_PING, round);
        while (g_count < round)
            WFI();
    }
    uart3_puts("ping-pong: ");
    uart3_putu(g_count);
    uart3_puts(" rounds ok\r\n");
    for (;;)
        WFI();
}
#else
void HSEM2_IRQHandler(void)
{
    uint32_t m = HSEM_C2MISR;
    HSEM_C2ICR = m;
    if (m & (1u << SEM_PING)) {
        g_count++;
        take_and_release(SEM_PONG, g_count);
    }
}

int main(void)
{
    RCC_AHB4ENR |= RCC_AHB4ENR_HSEM;
    (void)RCC_AHB4ENR;
    HSEM_C2IER = 1u << SEM_PING;
    NVIC_ISER(HSEM2_IRQn / 32) = 1u << (HSEM2_IRQn % 32);
    g_cm4_ready = 1;
    for (;;)
        WFI();
}
#endif

/* Reset causes (RM0399 §9.4.4, RCC_RSR): the CM7 prints why it was reset, clears the flags (RMVF)
 * and then provokes the next reset -- after a power-on it starts IWDG1 (50 ms), feeds it five
 * times and stops; after the watchdog reset it requests a software reset (AIRCR.SYSRESETREQ);
 * after that it waits (a scenario then pulls NRST). */
#include "util.h"

static void puthex(uint32_t v)
{
    char b[11] = "0x";
    for (int i = 0; i < 8; i++)
        b[2 + i] = "0123456789ABCDEF"[(v >> (28 - 4 * i)) & 0xFu];
    b[10] = 0;
    uart3_puts(b);
}

static const char *cause(uint32_t rsr)
{
    if (rsr & RSR_IWDG1RSTF)
        return "iwdg1";
    if (rsr & RSR_SFT1RSTF)
        return "software (cm7)";
    if (rsr & RSR_SFT2RSTF)
        return "software (cm4)";
    if (rsr & RSR_PORRSTF)
        return "power-on";
    if (rsr & RSR_PINRSTF)
        return "pin";
    return "unknown";
}

void SysTick_Handler(void) { g_ms++; }

int main(void)
{
    uint32_t rsr = RCC_RSR;
    RCC_RSR = RSR_RMVF;
    uart3_init(64000000u, 115200u);
    uart3_puts("CM7: reset cause: ");
    uart3_puts(cause(rsr));
    uart3_puts(" (RCC_RSR ");
    puthex(rsr);
    uart3_puts(")\r\n");
    if (rsr & RSR_PORRSTF) {
        systick_start(64000000u);
        IWDG1_KR = 0xCCCCu;        /* start */
        IWDG1_KR = 0x5555u;        /* unlock PR/RLR */
        IWDG1_PR = 0;              /* LSI / 4 = 8 kHz */
        IWDG1_RLR = 400u;          /* 50 ms */
        while (IWDG1_SR)
            ;
        IWDG1_KR = 0xAAAAu;
        for (int i = 0; i < 5; i++) {
            delay_ms(20);
            IWDG1_KR = 0xAAAAu;
        }
        uart3_puts("CM7: watchdog fed 5 times, stops feeding\r\n");
    } else if (rsr & RSR_IWDG1RSTF) {
        uart3_puts("CM7: requesting a software reset\r\n");
        SCB_AIRCR = 0x05FA0004u;   /* VECTKEY | SYSRESETREQ */
    } else if (rsr & RSR_SFT1RSTF) {
        uart3_puts("CM7: waiting for a pin reset\r\n");
    } else {
        uart3_puts("CM7: all reset causes seen\r\n");
    }
    for (;;)
        WFI();
}

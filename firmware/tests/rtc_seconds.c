/* The RTC on the LSE keeps counting over a system reset (backup domain, RM0399 §46, §9.4.x): on the
 * first boot after a power-on (backup register 0 lost) the CM7 starts the LSE, selects it for the
 * RTC and sets 12:00:00 on 2024-01-01; after any other reset it finds the calendar running. It then
 * prints the time at every 1 Hz wake-up interrupt (EXTI line 19, RTC_WKUP_IRQn). */
#include "util.h"

#define MAGIC 0x32F2u

static volatile uint32_t g_wake;

void SysTick_Handler(void) { g_ms++; }

void RTC_WKUP_IRQHandler(void)
{
    RTC_ISR = ~(RTC_ISR_WUTF | RTC_ISR_INIT) | (RTC_ISR & RTC_ISR_INIT);   /* clear WUTF (rc_w0) */
    EXTI_C1PR1 = 1u << 19;
    g_wake = 1;
}

static void unlock(void)
{
    RTC_WPR = 0xCAu;
    RTC_WPR = 0x53u;
}

static void put2(uint32_t bcd)
{
    char b[3] = {(char)('0' + ((bcd >> 4) & 0xFu)), (char)('0' + (bcd & 0xFu)), 0};
    uart3_puts(b);
}

static void print_time(void)
{
    uint32_t tr = RTC_TR;
    (void)RTC_DR;   /* unlocks the shadow registers */
    uart3_puts("CM7: rtc ");
    put2(tr >> 16);
    uart3_puts(":");
    put2(tr >> 8);
    uart3_puts(":");
    put2(tr);
    uart3_puts("\r\n");
}

int main(void)
{
    uart3_init(64000000u, 115200u);
    PWR_CR1 |= PWR_CR1_DBP;   /* backup domain write access */
    if (RTC_BKP0R != MAGIC) {
        RCC_BDCR = RCC_BDCR_LSEON;
        systick_start(64000000u);
        while (!(RCC_BDCR & RCC_BDCR_LSERDY))
            WFI();                 /* the crystal takes a while: poll once per SysTick */
        SYST_CSR = 0;
        RCC_BDCR |= RCC_BDCR_RTCSEL_LSE | RCC_BDCR_RTCEN;
        unlock();
        RTC_ISR = RTC_ISR_INIT;
        while (!(RTC_ISR & RTC_ISR_INITF))
            ;
        RTC_PRER = 0x007F00FFu;    /* 32768 / 128 / 256 = 1 Hz */
        RTC_TR = 0x00120000u;      /* 12:00:00 */
        RTC_DR = 0x00242101u;      /* Monday 2024-01-01 */
        RTC_ISR = 0;               /* leave init mode */
        RTC_BKP0R = MAGIC;
        uart3_puts("CM7: rtc set to 12:00:00 (lse)\r\n");
    } else {
        unlock();
        uart3_puts("CM7: rtc kept over the reset\r\n");
    }
    RTC_ISR = ~RTC_ISR_RSF & ~RTC_ISR_INIT;   /* HAL_RTC_WaitForSynchro */
    while (!(RTC_ISR & RTC_ISR_RSF))
        ;
    print_time();
    RTC_CR &= ~RTC_CR_WUTE;
    while (!(RTC_ISR & RTC_ISR_WUTWF))
        ;
    RTC_WUTR = 0;                              /* 1 s */
    RTC_CR = (RTC_CR & ~7u) | 4u | RTC_CR_WUTE | RTC_CR_WUTIE;   /* WUCKSEL = ck_spre */
    RTC_WPR = 0xFFu;
    EXTI_RTSR1 |= 1u << 19;
    EXTI_C1IMR1 |= 1u << 19;
    NVIC_ISER(RTC_WKUP_IRQn / 32) = 1u << (RTC_WKUP_IRQn % 32);
    for (;;) {
        WFI();
        if (g_wake) {
            g_wake = 0;
            print_time();
        }
    }
}

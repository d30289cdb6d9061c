/* Real-time clock (RM0399 ch.46) in the backup domain: write protection keys, initialisation mode,
 * BCD calendar computed from the RTC clock (LSE/LSI/HSE from RCC_BDCR), sub-seconds, shadow
 * registers with RSF, alarms A/B, the wake-up timer, EXTI lines 17/19, and the 32 backup registers. */
#ifndef H7_RTC_H
#define H7_RTC_H

#include "periph.h"
#include "h7sched.h"
#include "h755_regs.h"
#include "dbgmcu.h"

H7_REG32(RTC_TR, 0x00)
H7_REG32(RTC_DR, 0x04)
H7_REG32(RTC_CR, 0x08)
    H7_FIELD(RTC_CR, WUCKSEL, 0, 3)
    H7_FIELD(RTC_CR, BYPSHAD, 5, 1)
    H7_FIELD(RTC_CR, FMT, 6, 1)
    H7_FIELD(RTC_CR, ALRAE, 8, 1)
    H7_FIELD(RTC_CR, ALRBE, 9, 1)
    H7_FIELD(RTC_CR, WUTE, 10, 1)
    H7_FIELD(RTC_CR, ALRAIE, 12, 1)
    H7_FIELD(RTC_CR, ALRBIE, 13, 1)
    H7_FIELD(RTC_CR, WUTIE, 14, 1)
    H7_FIELD(RTC_CR, ADD1H, 16, 1)
    H7_FIELD(RTC_CR, SUB1H, 17, 1)
H7_REG32(RTC_ISR, 0x0C)
    H7_FIELD(RTC_ISR, ALRAWF, 0, 1)
    H7_FIELD(RTC_ISR, ALRBWF, 1, 1)
    H7_FIELD(RTC_ISR, WUTWF, 2, 1)
    H7_FIELD(RTC_ISR, INITS, 4, 1)
    H7_FIELD(RTC_ISR, RSF, 5, 1)
    H7_FIELD(RTC_ISR, INITF, 6, 1)
    H7_FIELD(RTC_ISR, INIT, 7, 1)
    H7_FIELD(RTC_ISR, ALRAF, 8, 1)
    H7_FIELD(RTC_ISR, ALRBF, 9, 1)
    H7_FIELD(RTC_ISR, WUTF, 10, 1)
H7_REG32(RTC_PRER, 0x10)
H7_REG32(RTC_WUTR, 0x14)
H7_REG32(RTC_ALRMAR, 0x1C)
H7_REG32(RTC_ALRMBR, 0x20)
H7_REG32(RTC_WPR, 0x24)
H7_REG32(RTC_SSR, 0x28)
H7_REG32(RTC_SHIFTR, 0x2C)
H7_REG32(RTC_TSTR, 0x30)
H7_REG32(RTC_TSDR, 0x34)
H7_REG32(RTC_TSSSR, 0x38)
H7_REG32(RTC_CALR, 0x3C)
H7_REG32(RTC_TAMPCR, 0x40)
H7_REG32(RTC_ALRMASSR, 0x44)
H7_REG32(RTC_ALRMBSSR, 0x48)
H7_REG32(RTC_OR, 0x4C)
H7_REG32(RTC_BKP0R, 0x50)
#define H7_RTC_NBKP 32

#define H7_RTC_EXTI_ALARM 17     /* RM0399 Table 152: RTC alarms */
#define H7_RTC_EXTI_WAKEUP 19    /* RTC wake-up timer */

struct h7_soc;
typedef struct h7_rtc {
    struct h7_soc *soc;
    const h7_regmap *map;       /* its register list: the SVD table (h755_regs.c) */
    uint32_t cr, prer, wutr, alrmr[2], alrmssr[2], calr, tampcr, or_;
    uint32_t isr;               /* software-visible flags ALRAF/ALRBF/WUTF, INIT; the rest computed */
    uint32_t bkp[H7_RTC_NBKP];
    bool unlocked;              /* WPR 0xCA, 0x53 written */
    uint8_t wpr_step;
    bool initialized;           /* INITS: the calendar year was set */
    /* Calendar: `base_ticks` ck_apre ticks since 2000-01-01 00:00:00 at `base_t` (or frozen when
     * the RTC clock is off / in init mode); weekday offset as software set it. */
    uint64_t base_ticks;
    h7_time_ps base_t;
    int wdu_offset;
    h7_time_ps init_t;          /* INIT set at */
    h7_time_ps rsf_t;           /* RSF cleared at */
    uint8_t snap_lock;          /* 1: TR read, DR frozen; 2: SSR read, TR and DR frozen -- until DR is read */
    uint64_t snap_ticks;
    h7_time_ps wut_t;           /* wake-up timer (re)started at */
    bool frozen;                /* DBGMCU DBG_RTC with its CPU halted: the calendar stands still */
    h7_time_ps frozen_at;
    h7_event ev_second, ev_wut;
} h7_rtc;

void h7_rtc_init(h7_rtc *s, struct h7_soc *soc);
/* Power-on: backup domain reset unless VBAT is on a battery; system reset: nothing is lost. */
void h7_rtc_reset(h7_rtc *s, h7_reset_kind kind);
uint32_t h7_rtc_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_rtc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* RCC_BDCR.VSWRST: the whole backup domain returns to its reset state. */
void h7_rtc_backup_domain_reset(h7_rtc *s);
/* Re-evaluate the DBGMCU freeze (APB4FZx b16 DBG_RTC) after a debug halt/resume. */
void h7_rtc_debug_halt_changed(h7_rtc *s);
/* RCC is about to change / has changed the RTC clock (RTCSEL, RTCEN, LSEON, LSION). */
void h7_rtc_clock_will_change(h7_rtc *s);
void h7_rtc_clock_changed(h7_rtc *s);
/* Seconds since 2000-01-01 00:00:00 as the calendar shows it now. */
uint64_t h7_rtc_seconds(h7_rtc *s);

#endif

/* Independent watchdogs IWDG1 (CPU1) and IWDG2 (CPU2) (RM0399 ch.45): key register, prescaler,
 * reload and window registers with their update-busy flags, a 12-bit down-counter on the LSI
 * computed from time; reaching 0 (or a refresh outside the window) resets the whole system. */
#ifndef H7_IWDG_H
#define H7_IWDG_H

#include "periph.h"
#include "h7sched.h"
#include "h755_regs.h"
#include "dbgmcu.h"

H7_REG32(IWDG_KR, 0x00)
H7_REG32(IWDG_PR, 0x04)
H7_REG32(IWDG_RLR, 0x08)
H7_REG32(IWDG_SR, 0x0C)
    H7_FIELD(IWDG_SR, PVU, 0, 1)
    H7_FIELD(IWDG_SR, RVU, 1, 1)
    H7_FIELD(IWDG_SR, WVU, 2, 1)
H7_REG32(IWDG_WINR, 0x10)

#define H7_IWDG_KEY_ACCESS 0x5555u
#define H7_IWDG_KEY_RELOAD 0xAAAAu
#define H7_IWDG_KEY_START 0xCCCCu
#define H7_LSI_HZ 32000u              /* RM0399 §9.5.x: LSI 32 kHz */
/* Decision: a PR/RLR/WINR update takes 5 LSI periods to reach the VDD domain (RM0399 §45.4.x "up to 5
 * LSI periods"); the busy flag reads 1 meanwhile. */
#define H7_IWDG_UPDATE_LSI_CYCLES 5u


struct h7_soc;
typedef struct h7_iwdg {
    struct h7_soc *soc;
    const h7_regmap *map;       /* its register list: the SVD table (h755_regs.c) */
    int index;                  /* 1 or 2 */
    bool access;                /* 0x5555 written: PR/RLR/WINR writable */
    bool started;
    uint32_t pr, rlr, winr;     /* as written */
    uint32_t pr_act, rlr_act, winr_act;   /* in force in the VDD domain */
    uint32_t sr;                /* PVU/RVU/WVU */
    h7_time_ps reload_t;        /* the counter was loaded with rlr_act at this time */
    h7_freeze fz;               /* DBGMCU freeze: reload_t is in the watchdog's own time */
    h7_event ev_timeout, ev_update;
} h7_iwdg;

void h7_iwdg_init(h7_iwdg *s, struct h7_soc *soc, int index);
void h7_iwdg_reset(h7_iwdg *s, h7_reset_kind kind);
uint32_t h7_iwdg_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_iwdg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* Re-evaluate the DBGMCU freeze (APB4FZx WDGLSD1/2, b18/b19) after a debug halt/resume. */
void h7_iwdg_debug_halt_changed(h7_iwdg *s);
/* Down-counter value now (12 bits; 0xFFF... when not started reads RLR). */
uint32_t h7_iwdg_counter(const h7_iwdg *s);
/* Time from a reload to the reset at the current prescaler and reload values. */
h7_time_ps h7_iwdg_timeout_ps(const h7_iwdg *s);

#endif

/* Low-power timers LPTIM1-LPTIM5 (RM0399 ch.43), as far as firmware observes them without pins:
 * internal kernel clock (RCC mux), prescaler, continuous / single mode, ARR/CMP with their OK
 * flags and optional preload, ARRM/CMPM flags and interrupts. The counter is computed from time. */
#ifndef H7_LPTIM_H
#define H7_LPTIM_H

#include "periph.h"
#include "h7sched.h"
#include "h755_regs.h"
#include "dbgmcu.h"

H7_REG32(LPTIM_ISR, 0x00)
    H7_FIELD(LPTIM_ISR, CMPM, 0, 1)
    H7_FIELD(LPTIM_ISR, ARRM, 1, 1)
    H7_FIELD(LPTIM_ISR, CMPOK, 3, 1)
    H7_FIELD(LPTIM_ISR, ARROK, 4, 1)
H7_REG32(LPTIM_ICR, 0x04)
H7_REG32(LPTIM_IER, 0x08)
H7_REG32(LPTIM_CFGR, 0x0C)
    H7_FIELD(LPTIM_CFGR, CKSEL, 0, 1)
    H7_FIELD(LPTIM_CFGR, PRESC, 9, 3)
    H7_FIELD(LPTIM_CFGR, PRELOAD, 22, 1)
    H7_FIELD(LPTIM_CFGR, COUNTMODE, 23, 1)
H7_REG32(LPTIM_CR, 0x10)
    H7_FIELD(LPTIM_CR, ENABLE, 0, 1)
    H7_FIELD(LPTIM_CR, SNGSTRT, 1, 1)
    H7_FIELD(LPTIM_CR, CNTSTRT, 2, 1)
    H7_FIELD(LPTIM_CR, COUNTRST, 3, 1)
H7_REG32(LPTIM_CMP, 0x14)
H7_REG32(LPTIM_ARR, 0x18)
H7_REG32(LPTIM_CNT, 0x1C)
H7_REG32(LPTIM_CFGR2, 0x24)

#define H7_LPTIM_COUNT 5


struct h7_soc;
typedef struct h7_lptim {
    struct h7_soc *soc;
    const h7_regmap *map;       /* its register list: the SVD table (h755_regs.c) */
    int index;                  /* 1..5 */
    uint32_t isr, ier, cfgr, cr, cmp, arr, cfgr2;
    uint32_t cmp_act, arr_act;  /* in force (PRELOAD: loaded at the end of the period) */
    bool running, single;
    h7_time_ps t0;              /* counter was `cnt0` at t0 */
    uint32_t cnt0;
    bool hold_arr;              /* just reached ARR: CNT reads ARR until t0, then 0 */
    uint32_t hz;                /* kernel clock / prescaler at t0 */
    h7_event ev, ev_ok;
    uint32_t ok_pending;        /* CMPOK/ARROK bits that land at ev_ok */
    h7_freeze fz;               /* DBGMCU freeze: t0 is in the timer's own time */
} h7_lptim;

void h7_lptim_init(h7_lptim *s, struct h7_soc *soc, int index);
void h7_lptim_reset(h7_lptim *s, h7_reset_kind kind);
uint32_t h7_lptim_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_lptim_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* Re-evaluate the DBGMCU freeze (APB1LFZx b9 LPTIM1, APB4FZx b9-12 LPTIM2-5) after a debug
 * halt/resume or a freeze-bit write. */
void h7_lptim_debug_halt_changed(h7_lptim *s);
/* Kernel clock of LPTIMn from the RCC muxes (D2CCIP2R.LPTIM1SEL, D3CCIPR.LPTIM2SEL/LPTIM345SEL). */
uint32_t h7_lptim_kernel_hz(const struct h7_soc *soc, int index);

#endif

/* System window watchdogs WWDG1 (CPU1, APB3) and WWDG2 (CPU2, APB1) (RM0399 ch.44): 7-bit
 * down-counter clocked by PCLK / 4096 / 2^WDGTB, computed from time; reset when T6 clears or on a
 * refresh above the window; early wake-up interrupt at 0x40. */
#ifndef H7_WWDG_H
#define H7_WWDG_H

#include "periph.h"
#include "h7sched.h"
#include "h755_regs.h"
#include "dbgmcu.h"

H7_REG32(WWDG_CR, 0x00)
    H7_FIELD(WWDG_CR, T, 0, 7)
    H7_FIELD(WWDG_CR, WDGA, 7, 1)
H7_REG32(WWDG_CFR, 0x04)
    H7_FIELD(WWDG_CFR, W, 0, 7)
    H7_FIELD(WWDG_CFR, EWI, 9, 1)
    H7_FIELD(WWDG_CFR, WDGTB, 11, 3)
H7_REG32(WWDG_SR, 0x08)
    H7_FIELD(WWDG_SR, EWIF, 0, 1)

#define H7_WWDG_IRQN 0   /* WWDG_IRQn: WWDG1 on the CM7's NVIC, WWDG2 on the CM4's */


struct h7_soc;
typedef struct h7_wwdg {
    struct h7_soc *soc;
    const h7_regmap *map;       /* its register list: the SVD table (h755_regs.c) */
    int index;              /* 1 or 2 */
    uint32_t cfr, sr;
    bool active;            /* WDGA */
    uint32_t t0;            /* counter value loaded at load_t */
    h7_time_ps load_t;
    uint32_t hz;            /* PCLK at load_t */
    h7_freeze fz;               /* DBGMCU freeze: load_t is in the watchdog's own time */
    h7_event ev_ewi, ev_reset;
} h7_wwdg;

void h7_wwdg_init(h7_wwdg *s, struct h7_soc *soc, int index);
void h7_wwdg_reset(h7_wwdg *s, h7_reset_kind kind);
uint32_t h7_wwdg_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_wwdg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* The counter T[6:0] now. */
uint32_t h7_wwdg_counter(const h7_wwdg *s);
/* RCC changed a clock: both watchdogs keep their counter and count at the new PCLK. */
void h7_wwdg_clocks_changed(struct h7_soc *soc);

/* Re-evaluate the DBGMCU freeze (APB3FZx b6 WWDG1, APB1LFZx b11 WWDG2) after a debug halt/resume. */
void h7_wwdg_debug_halt_changed(h7_wwdg *s);

#endif

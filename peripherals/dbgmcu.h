/* Debug MCU configuration (RM0399 ch.63; facts §6.2): IDCODE, debug-in-low-power bits, freezes.
 * Its registers are the SVD table's DBGMCU rows (h755_regs.h). */
#ifndef H7_DBGMCU_H
#define H7_DBGMCU_H

#include "periph.h"
#include "h7sched.h"
#include "h755_regs.h"

H7_REG32(DBGMCU_IDCODE, 0x00)
H7_REG32(DBGMCU_CR, 0x04)
H7_REG32(DBGMCU_APB3FZ1, 0x34)
H7_REG32(DBGMCU_APB1LFZ1, 0x3C)
H7_REG32(DBGMCU_APB2FZ1, 0x4C)
H7_REG32(DBGMCU_APB4FZ1, 0x54)
H7_REG32(DBGMCU_APB4FZ2, 0x58)
/* Each xxxFZ1 register (CPU1 = CM7) has its CPU2 (CM4) twin at +4 (RM0399 §63.5). */
#define H7_DBGMCU_FZ2_DELTA 4u

#define H7_DBGMCU_MAXREGS 16u

struct h7_soc;
typedef struct h7_dbgmcu {
    struct h7_soc *soc;
    const h7_regmap *map;              /* the SVD table of DBGMCU */
    size_t nregs;
    uint32_t val[H7_DBGMCU_MAXREGS];   /* one per table row */
} h7_dbgmcu;

void h7_dbgmcu_init(h7_dbgmcu *s, struct h7_soc *soc);
void h7_dbgmcu_reset(h7_dbgmcu *s, h7_reset_kind kind);
uint32_t h7_dbgmcu_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_dbgmcu_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* Value of the register at `offset` (0 if none): the watchdogs read their freeze bits here. */
uint32_t h7_dbgmcu_value(const h7_dbgmcu *s, uint32_t offset);
/* The peripheral whose freeze bit is `bit` of register `fz1` (APB3FZ1, APB1LFZ1, APB2FZ1, APB4FZ1)
 * is frozen now: the bit is set in FZ1 and the CM7 is halted by the debugger, or in FZ2 (fz1 + 4)
 * and the CM4 is halted (RM0399 §63.5 "DBGMCU APBx peripheral freeze register CPUy"). */
bool h7_dbgmcu_freezes(const struct h7_soc *soc, uint32_t fz1, uint32_t bit);

/* A time base that stops while frozen: the peripheral works in its own time, virtual time minus
 * the time spent frozen. Freezing keeps `since`; thawing adds the frozen span to `total`. */
typedef struct h7_freeze {
    bool on;
    h7_time_ps since, total;
} h7_freeze;
/* The peripheral's own time at virtual time `now`. */
static inline h7_time_ps h7_freeze_local(const h7_freeze *f, h7_time_ps now) { return (f->on ? f->since : now) - f->total; }
/* Virtual time of the peripheral's own time `local` (valid while not frozen). */
static inline h7_time_ps h7_freeze_global(const h7_freeze *f, h7_time_ps local) { return local + f->total; }
/* Freeze or thaw at virtual time `now`; true when the state changed. */
static inline bool h7_freeze_set(h7_freeze *f, bool on, h7_time_ps now)
{
    if (f->on == on)
        return false;
    if (on)
        f->since = now;
    else
        f->total += now - f->since;
    f->on = on;
    return true;
}

#endif

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
H7_REG32(DBGMCU_APB4FZ2, 0x58)

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

#endif

/* Debug MCU configuration (RM0399 ch.63; facts §6.2): IDCODE, debug-in-low-power bits, freezes. */
#ifndef H7_DBGMCU_H
#define H7_DBGMCU_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(DBGMCU_IDCODE, 0x00)
H7_REG32(DBGMCU_CR, 0x04)
H7_REG32(DBGMCU_APB3FZ1, 0x34)
H7_REG32(DBGMCU_APB4FZ2, 0x58)

extern const h7_regdesc h7_dbgmcu_regs[];
extern const size_t h7_dbgmcu_nregs;

struct h7_soc;
typedef struct h7_dbgmcu {
    struct h7_soc *soc;
    uint32_t cr, fz[10];   /* APB3FZ1 0x34 .. APB4FZ2 0x58 */
} h7_dbgmcu;

void h7_dbgmcu_init(h7_dbgmcu *s, struct h7_soc *soc);
void h7_dbgmcu_reset(h7_dbgmcu *s, h7_reset_kind kind);
uint32_t h7_dbgmcu_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_dbgmcu_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

#endif

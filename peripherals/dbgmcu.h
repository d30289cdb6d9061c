/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_DBGMCU_H
#define H7_DBGMCU_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
typedef struct h7_dbgmcu { struct h7_soc *soc; uint32_t regs[32]; } h7_dbgmcu;

void h7_dbgmcu_init(h7_dbgmcu *s, struct h7_soc *soc);
void h7_dbgmcu_reset(h7_dbgmcu *s, h7_reset_kind kind);
uint32_t h7_dbgmcu_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_dbgmcu_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

#endif

/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_SYSCFG_H
#define H7_SYSCFG_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
typedef struct h7_syscfg { struct h7_soc *soc; uint32_t regs[256]; } h7_syscfg;

void h7_syscfg_init(h7_syscfg *s, struct h7_soc *soc);
void h7_syscfg_reset(h7_syscfg *s, h7_reset_kind kind);
uint32_t h7_syscfg_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_syscfg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

#endif

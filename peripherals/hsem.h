/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_HSEM_H
#define H7_HSEM_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
typedef struct h7_hsem { struct h7_soc *soc; uint32_t regs[96]; } h7_hsem;

void h7_hsem_init(h7_hsem *s, struct h7_soc *soc);
void h7_hsem_reset(h7_hsem *s, h7_reset_kind kind);
uint32_t h7_hsem_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_hsem_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Side-effect-free view of semaphore n (for traces and the debug link; RLR reads would lock). */
uint32_t h7_hsem_peek(const h7_hsem *h, unsigned n);

#endif

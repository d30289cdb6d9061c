/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_EXTI_H
#define H7_EXTI_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
typedef struct h7_exti { struct h7_soc *soc; uint32_t regs[64]; } h7_exti;

void h7_exti_init(h7_exti *s, struct h7_soc *soc);
void h7_exti_reset(h7_exti *s, h7_reset_kind kind);
uint32_t h7_exti_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_exti_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Level of EXTI input line 0..88 (configurable or direct, RM0399 Table 152). Raising an unmasked
 * line sends the CPU an interrupt/wake-up (CnIMR) and/or an event pulse (CnEMR). */
void h7_exti_set_line(h7_exti *e, int line, bool level);
/* A one-shot event on a line (e.g. lines 79/80: the other core's SEV). */
void h7_exti_pulse_line(h7_exti *e, int line);

#endif

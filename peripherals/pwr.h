/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_PWR_H
#define H7_PWR_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
typedef struct h7_pwr { struct h7_soc *soc; uint32_t regs[16]; } h7_pwr;

void h7_pwr_init(h7_pwr *s, struct h7_soc *soc);
void h7_pwr_reset(h7_pwr *s, h7_reset_kind kind);
uint32_t h7_pwr_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_pwr_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Recompute D1/D2 DStop from soc->cpu_cstop, the CPUs' RCC allocations and PDDS bits (RM0399 §7.6.1);
 * updates RCC D1CKRDY/D2CKRDY through h7_rcc_set_domain_ready(). Called by the SoC on CStop changes. */
void h7_pwr_update_domains(h7_pwr *p);
/* SYSCFG_PWRCR.ODEN changed (VOS0 = VOS1 + ODEN, RM0399 §7.6.2). */
void h7_pwr_set_oden(h7_pwr *p, bool oden);
/* State for the board/rules layer. */
typedef struct h7_pwr_state {
    bool supply_locked;     /* CR3 low byte written since power-on */
    uint8_t supply;         /* CR3 & 0x3F as applied (0x06 = reset default) */
    bool actvosrdy;
    unsigned vos;           /* 0..3 = VOS0..VOS3 effective (VOS0 = VOS1 + ODEN) */
    bool vosrdy;
    bool d1_dstop, d2_dstop;
} h7_pwr_state;
h7_pwr_state h7_pwr_get_state(const h7_pwr *p);

#endif

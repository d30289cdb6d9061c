/* System configuration controller (RM0399 ch.13; facts §6.1): PWRCR.ODEN (VOS0 overdrive), the
 * EXTI port selection, the compensation cell and the option-byte mirrors the boot path reads. */
#ifndef H7_SYSCFG_H
#define H7_SYSCFG_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(SYSCFG_PMCR, 0x04)
H7_REG32(SYSCFG_EXTICR1, 0x08)
H7_REG32(SYSCFG_EXTICR4, 0x14)
H7_REG32(SYSCFG_CFGR, 0x18)
H7_REG32(SYSCFG_CCCSR, 0x20)
    H7_FIELD(SYSCFG_CCCSR, EN, 0, 1)
    H7_FIELD(SYSCFG_CCCSR, READY, 8, 1)
H7_REG32(SYSCFG_CCVR, 0x24)
H7_REG32(SYSCFG_CCCR, 0x28)
H7_REG32(SYSCFG_PWRCR, 0x2C)
    H7_FIELD(SYSCFG_PWRCR, ODEN, 0, 1)
H7_REG32(SYSCFG_PKGR, 0x124)
H7_REG32(SYSCFG_UR0, 0x300)
H7_REG32(SYSCFG_UR17, 0x344)

extern const h7_regdesc h7_syscfg_regs[];
extern const size_t h7_syscfg_nregs;

struct h7_soc;
typedef struct h7_syscfg {
    struct h7_soc *soc;
    uint32_t pmcr, exticr[4], cfgr, cccsr, cccr, pwrcr;
} h7_syscfg;

void h7_syscfg_init(h7_syscfg *s, struct h7_soc *soc);
void h7_syscfg_reset(h7_syscfg *s, h7_reset_kind kind);
uint32_t h7_syscfg_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_syscfg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

#endif

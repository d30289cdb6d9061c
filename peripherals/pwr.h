/* Power control (RM0399 ch.7; facts §2): supply configuration (PWR_CR3, write-once per power-on),
 * Run* mode and ACTVOSRDY, voltage scaling (D3CR.VOS / VOSRDY, VOS0 = VOS1 + SYSCFG_PWRCR.ODEN),
 * CPU deep-sleep and domain Stop (D1/D2 DStop, system Stop flags). */
#ifndef H7_PWR_H
#define H7_PWR_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(PWR_CR1, 0x00)
    H7_FIELD(PWR_CR1, LPDS, 0, 1)
    H7_FIELD(PWR_CR1, DBP, 8, 1)
    H7_FIELD(PWR_CR1, SVOS, 14, 2)
H7_REG32(PWR_CSR1, 0x04)
    H7_FIELD(PWR_CSR1, ACTVOSRDY, 13, 1)
    H7_FIELD(PWR_CSR1, ACTVOS, 14, 2)
H7_REG32(PWR_CR2, 0x08)
H7_REG32(PWR_CR3, 0x0C)
    H7_FIELD(PWR_CR3, BYPASS, 0, 1)
    H7_FIELD(PWR_CR3, LDOEN, 1, 1)
    H7_FIELD(PWR_CR3, SDEN, 2, 1)
    H7_FIELD(PWR_CR3, SDEXTHP, 3, 1)
    H7_FIELD(PWR_CR3, SDLEVEL, 4, 2)
    H7_FIELD(PWR_CR3, SDEXTRDY, 16, 1)
H7_REG32(PWR_CPUCR, 0x10)
H7_REG32(PWR_CPU2CR, 0x14)
    H7_FIELD(PWR_CPUCR, PDDS_D1, 0, 1)
    H7_FIELD(PWR_CPUCR, PDDS_D2, 1, 1)
    H7_FIELD(PWR_CPUCR, PDDS_D3, 2, 1)
    H7_FIELD(PWR_CPUCR, STOPF, 5, 1)
    H7_FIELD(PWR_CPUCR, SBF, 6, 1)
    H7_FIELD(PWR_CPUCR, SBF_D1, 7, 1)
    H7_FIELD(PWR_CPUCR, SBF_D2, 8, 1)
    H7_FIELD(PWR_CPUCR, CSSF, 9, 1)
    H7_FIELD(PWR_CPUCR, RUN_D3, 11, 1)
H7_REG32(PWR_D3CR, 0x18)
    H7_FIELD(PWR_D3CR, VOSRDY, 13, 1)
    H7_FIELD(PWR_D3CR, VOS, 14, 2)
H7_REG32(PWR_WKUPCR, 0x20)
H7_REG32(PWR_WKUPFR, 0x24)
H7_REG32(PWR_WKUPEPR, 0x28)

/* CR3 bits that are write-once after power-on (RM0399 §7.8.4: the low byte). */
#define H7_PWR_CR3_SUPPLY_MASK 0x3Fu
#define H7_PWR_CR3_DEFAULT 0x06u
/* Decision (facts §2.4 "unconfirmed"): CR3 -> ACTVOSRDY and VOS -> VOSRDY take 10 us. */
#define H7_PWR_ACTVOS_DELAY_PS (10 * H7_PS_PER_US)
#define H7_PWR_VOS_DELAY_PS (10 * H7_PS_PER_US)
/* Decision (no figure in RM0399 or the facts file; HAL waits up to 1 s): the backup regulator is
 * ready 100 us after CR2.BREN. */
#define H7_PWR_BREN_DELAY_PS (100 * H7_PS_PER_US)

extern const h7_regdesc h7_pwr_regs[];
extern const size_t h7_pwr_nregs;

struct h7_soc;
typedef struct h7_pwr {
    struct h7_soc *soc;
    uint32_t cr1, cr2, cr3, cpucr[2], d3cr, wkupcr, wkupfr, wkupepr;
    h7_time_ps bren_t;         /* CR2.BREN set at (BRRDY follows) */
    bool supply_locked;        /* CR3 low byte written since power-on */
    bool supply_illegal;       /* the write was an illegal combination: levels never valid */
    bool supply_fault;         /* the board cannot take the configuration (board layer) */
    bool actvosrdy;
    unsigned actvos;           /* CSR1.ACTVOS field (1..3) */
    bool vosrdy;
    bool oden;
    bool d1_dstop, d2_dstop, system_stop;
    h7_event ev_actvos, ev_vos;
} h7_pwr;

void h7_pwr_init(h7_pwr *s, struct h7_soc *soc);
void h7_pwr_reset(h7_pwr *s, h7_reset_kind kind);
/* Registers stable until a write or a scheduled event (h7_stable_fn, soc.h). */
bool h7_pwr_read_stable(uint32_t offset);
uint32_t h7_pwr_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_pwr_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Recompute D1/D2 DStop from soc->cpu_cstop, the CPUs' RCC allocations and PDDS bits (RM0399 §7.6.1);
 * updates RCC D1CKRDY/D2CKRDY through h7_rcc_set_domain_ready(). Called by the SoC on CStop changes. */
void h7_pwr_update_domains(h7_pwr *p);
/* SYSCFG_PWRCR.ODEN changed (VOS0 = VOS1 + ODEN, RM0399 §7.6.2). */
void h7_pwr_set_oden(h7_pwr *p, bool oden);
/* PWR takes ODEN = 1 only in VOS1 (RM0399 §7.6.2); clearing it is always allowed. */
bool h7_pwr_oden_allowed(const h7_pwr *p, bool oden);
/* The board cannot hold VCORE with the configured supply (board layer, --on-violation=warn):
 * ACTVOSRDY drops and stays 0 until the next power-on reset. */
void h7_pwr_set_supply_fault(h7_pwr *p);
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
/* Supply configuration name of a CR3 low byte ("direct_smps", "ldo", ..., "default", NULL = illegal). */
const char *h7_pwr_supply_name(uint32_t cr3_low);

#endif

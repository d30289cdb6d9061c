/* The datasheet / reference-manual rules h7emu checks while firmware runs. Each has a stable ID,
 * a one-line statement, its citation and what silicon does about it (docs/power-rules.md). */
#ifndef H7_RULES_H
#define H7_RULES_H

#include <stdio.h>

typedef enum {
    H7_RULE_LOCK,    /* the device loses its core supply: both cores stop, the debug link is lost */
    H7_RULE_FAULT,   /* silicon misbehaves: the firmware is faulted */
    H7_RULE_WARN,    /* out of spec or a firmware bug: reported, the run goes on */
} h7_rule_action;

typedef enum {
    H7_R_SUPPLY_MISMATCH, H7_R_VOS0_NEEDS_LDO, H7_R_CR3_ILLEGAL, H7_R_CR3_LOCKED, H7_R_CLOCK_ABOVE_VOS,
    H7_R_BUS_ABOVE_VOS, H7_R_FLASH_WAIT_STATES, H7_R_PLL_RANGE, H7_R_CHANGE_BEFORE_ACTVOSRDY,
    H7_R_HSEM_NOT_OWNER, H7_R_D2_ACCESS_IN_DSTOP, H7_R_DMA_UNREACHABLE, H7_R_DCACHE_CLEAN_BEFORE_DMA,
    H7_R_DCACHE_INVALIDATE_AFTER_DMA, H7_R_MPU_AFTER_CACHE, H7_RULE_COUNT
} h7_rule_id;

typedef struct h7_rule {
    const char *id;
    h7_rule_action action;
    const char *statement;
    const char *citation;
} h7_rule;

extern const h7_rule h7_rules[H7_RULE_COUNT];
const char *h7_rule_action_name(h7_rule_action a);
void h7_rules_print(FILE *out);

/* Limits per voltage scale (index 0..3 = VOS0..VOS3), silicon revision V. */
extern const unsigned h7_vos_cpu_mhz[4], h7_vos_axi_mhz[4], h7_vos_apb_mhz[4];
/* Minimum FLASH_ACR.LATENCY for an AXI clock at a voltage scale (RM0399 §4.3.8 Table 16). */
unsigned h7_flash_min_latency(unsigned vos, unsigned axi_hz);

#endif

#include "rules.h"

const h7_rule h7_rules[H7_RULE_COUNT] = {
    [H7_R_SUPPLY_MISMATCH] = {"PWR-SUPPLY-MISMATCH", H7_RULE_LOCK,
        "The supply configuration written to PWR_CR3 must match how the board supplies VCORE.",
        "RM0399 §7.4 (Table 33, supply configurations), §7.8.4 (PWR_CR3); DS12919 §6.1.2 power supply schemes; UM2408 supply configuration"},
    [H7_R_VOS0_NEEDS_LDO] = {"PWR-VOS0-NEEDS-LDO", H7_RULE_LOCK,
        "VOS0 (SYSCFG_PWRCR.ODEN = 1) is only allowed while the LDO supplies VCORE; with direct SMPS the limit is VOS1 / 400 MHz.",
        "RM0399 §7.6.2 (VOS0 activation), §13 SYSCFG_PWRCR.ODEN; DS12919 Table 23 (SMPS rows stop at VOS1)"},
    [H7_R_CR3_ILLEGAL] = {"PWR-CR3-ILLEGAL", H7_RULE_WARN,
        "An illegal PWR_CR3 supply combination is discarded, still locks the register, and ACTVOSRDY stays invalid until a power-on reset.",
        "RM0399 §7.8.4 (PWR_CR3 write-once, Table 33 illegal combinations)"},
    [H7_R_CR3_LOCKED] = {"PWR-CR3-ALREADY-LOCKED", H7_RULE_WARN,
        "PWR_CR3's supply bits are write-once per power-on: a different supply written later is ignored (HAL returns HAL_ERROR) and takes effect only at the next power cycle.",
        "RM0399 §7.8.4; ST knowledge base 'Unable to connect to STM32H7 devices'"},
    [H7_R_CLOCK_ABOVE_VOS] = {"CLK-CPU-ABOVE-VOS", H7_RULE_WARN,
        "The CPU clock must not exceed the limit of the voltage scale: 480/400/300/200 MHz for VOS0/1/2/3 (rev V).",
        "DS12919 Table 23 general operating conditions; RM0399 §7.6.2, §9.5"},
    [H7_R_BUS_ABOVE_VOS] = {"CLK-BUS-ABOVE-VOS", H7_RULE_WARN,
        "AXI/AHB must not exceed 240/200/150/100 MHz and APB 120/100/75/50 MHz for VOS0/1/2/3.",
        "DS12919 Table 23; RM0399 §9.5.6"},
    [H7_R_FLASH_WAIT_STATES] = {"FLASH-WAIT-STATES", H7_RULE_FAULT,
        "FLASH_ACR.LATENCY must cover the AXI clock at the current voltage scale before the clock is raised.",
        "RM0399 §4.3.8 (Table 16, FLASH recommended number of wait states)"},
    [H7_R_PLL_RANGE] = {"RCC-PLL-RANGE", H7_RULE_WARN,
        "A PLL input (after DIVM) must be 1-16 MHz and match PLLxRGE, its VCO 192-960 MHz (wide) or 150-420 MHz (medium), PLL1's P divider even (DIVP1 /1 and odd values are not allowed); a PLL without a ready source or with DIVM = 0 never locks.",
        "RM0399 §9.5.5 (PLL), §9.7.11 RCC_PLLCFGR, §9.7.12 RCC_PLL1DIVR"},
    [H7_R_CHANGE_BEFORE_ACTVOSRDY] = {"PWR-CHANGE-BEFORE-ACTVOSRDY", H7_RULE_WARN,
        "VOS and the system clock must not be changed before PWR_CSR1.ACTVOSRDY = 1 (Run* mode after power-on).",
        "RM0399 §7.4.1 (Run* mode), §7.8.2 PWR_CSR1"},
    [H7_R_HSEM_NOT_OWNER] = {"HSEM-RELEASE-NOT-OWNER", H7_RULE_WARN,
        "Only the core (COREID) and process that locked a hardware semaphore can release it; other writes are ignored.",
        "RM0399 §11.3.5 (semaphore unlock)"},
    [H7_R_D2_ACCESS_IN_DSTOP] = {"RCC-D2-ACCESS-WHILE-STOPPED", H7_RULE_WARN,
        "D2 peripherals must not be accessed while D2 is in DStop (RCC_CR.D2CKRDY = 0).",
        "RM0399 §9.7.2 RCC_CR.D2CKRDY, §7.6.1 domain states"},
    [H7_R_DMA_UNREACHABLE] = {"DMA-UNREACHABLE-MEMORY", H7_RULE_WARN,
        "DMA1/DMA2 cannot reach the Cortex-M7's DTCM/ITCM (and BDMA only D3 memories): a stream pointed there ends with a transfer error (TEIF) and is disabled.",
        "RM0399 §2.1 (Figure 1, Table 3 bus-master-to-slave interconnect), §16.3.17 DMA error management; AN4891 §2.3"},
    [H7_R_DCACHE_CLEAN_BEFORE_DMA] = {"DCACHE-CLEAN-BEFORE-DMA", H7_RULE_WARN,
        "A buffer the Cortex-M7 wrote through its write-back D-cache must be cleaned (SCB_CleanDCache_by_Addr) before a DMA reads it; otherwise the DMA reads stale memory.",
        "RM0399 §2.1 (Cortex-M7 with 16 KB L1 D-cache, DMA masters outside it); ARMv7-M ARM B2.2.7 cache maintenance; Cortex-M7 TRM §4.3 (DCCMVAC); AN4839 §3.2 (STM32F7/H7 cache coherency)"},
    [H7_R_DCACHE_INVALIDATE_AFTER_DMA] = {"DCACHE-INVALIDATE-AFTER-DMA", H7_RULE_WARN,
        "A buffer a DMA wrote must be invalidated in the Cortex-M7's D-cache (SCB_InvalidateDCache_by_Addr) before the CPU reads it; otherwise the CPU may read stale cached data.",
        "RM0399 §2.1 (Cortex-M7 with 16 KB L1 D-cache, DMA masters outside it); ARMv7-M ARM B2.2.7 cache maintenance; Cortex-M7 TRM §4.3 (DCIMVAC); AN4839 §3.2 (STM32F7/H7 cache coherency)"},
    [H7_R_MPU_AFTER_CACHE] = {"MPU-AFTER-CACHE-ENABLE", H7_RULE_WARN,
        "MPU regions should be configured before the D-cache is enabled (CubeMX: MPU_Config() first); changing memory attributes of cached lines needs a clean and invalidate of the region.",
        "RM0399 §2.1 (Cortex-M7 MPU and L1 caches); ARMv7-M ARM B3.5 (MPU), B2.2.7; AN4838 §3 (MPU on STM32 MCUs); AN4839 §3.2"},
};

const unsigned h7_vos_cpu_mhz[4] = {480, 400, 300, 200};
const unsigned h7_vos_axi_mhz[4] = {240, 200, 150, 100};
const unsigned h7_vos_apb_mhz[4] = {120, 100, 75, 50};

const char *h7_rule_action_name(h7_rule_action a)
{
    return a == H7_RULE_LOCK ? "locks the device" : a == H7_RULE_FAULT ? "faults the firmware" : "warns";
}

unsigned h7_flash_min_latency(unsigned vos, unsigned axi_hz)
{
    /* Table 16, AXI clock upper bounds in MHz for LATENCY 0..4 per scale (index = VOS). */
    static const unsigned max_mhz[4][5] = {
        {70, 140, 210, 225, 240},   /* VOS0 */
        {70, 140, 210, 225, 225},   /* VOS1 */
        {55, 110, 165, 225, 225},   /* VOS2 */
        {45, 90, 135, 180, 225},    /* VOS3 */
    };
    unsigned mhz_ceil = (axi_hz + 999999u) / 1000000u;
    for (unsigned ws = 0; ws < 5; ws++)
        if (mhz_ceil <= max_mhz[vos & 3][ws])
            return ws;
    return 7;
}

void h7_rules_print(FILE *out)
{
    fprintf(out, "Rules h7emu checks while the firmware runs:\n\n");
    for (int i = 0; i < H7_RULE_COUNT; i++) {
        const h7_rule *r = &h7_rules[i];
        fprintf(out, "%-28s %s\n  %s\n  cites: %s\n\n", r->id, h7_rule_action_name(r->action), r->statement, r->citation);
    }
}

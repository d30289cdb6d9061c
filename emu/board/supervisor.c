/* Board and datasheet rules (rules.h), the device lock, and root-cause reports.
 *
 * Decision (docs/power-rules.md): a supply configuration that the board cannot take collapses
 * VCORE at once: both cores stop, PWR_CSR1.ACTVOSRDY never becomes valid, and every debug-link
 * operation fails with the ST-LINK's message. The lock survives system resets because PWR_CR3 is
 * reset only by a power-on reset (RM0399 §7.8.4); each power cycle runs the firmware again.
 * Direct SMPS + VOS0 is treated the same way by project policy (on silicon VCORE goes to about
 * 1.51 V, above the VOS0 range): --on-violation=warn keeps running for exploration. */
#include "supervisor.h"

#include <stdarg.h>
#include <string.h>

#include "cpu.h"

#define PWR_CR3_ADDR 0x5802480Cu
#define SYSCFG_PWRCR_ADDR 0x5800042Cu
#define RCC_CFGR_ADDR 0x58024410u
#define RCC_CR_ADDR 0x58024400u
#define FLASH_ACR_ADDR 0x52002000u
#define ST_LINK_LOST "The interface firmware FAILED to reset/halt the target MCU"

static uint32_t peek(h7_machine *m, uint32_t addr)
{
    uint32_t v = 0;
    h7_soc_read(&m->soc, addr, 4, H7_MASTER_DEBUG, &v);
    return v;
}

static void describe_core(h7_machine *m, h7_core_id k, char *buf, size_t len)
{
    h7_cpu *c = &m->cpu[k];
    char where[160] = "";
    if (c->state != H7_CPU_NOFW && c->state != H7_CPU_HELD)
        h7_machine_symbolize(m, k, h7_cpu_pc(c), where, sizeof where);
    switch (c->state) {
    case H7_CPU_SLEEP_WFE:
    case H7_CPU_SLEEP_WFI:
        snprintf(buf, len, "%s was asleep in %s%s at %.120s", h7_core_name(k), c->state == H7_CPU_SLEEP_WFE ? "WFE" : "WFI",
                 c->deep_sleep ? (k == H7_CM4 ? " (CStop, D2 Stop)" : " (CStop, D1 Stop)") : "", where);
        break;
    case H7_CPU_RUNNING:
        snprintf(buf, len, "%s was running at %.120s", h7_core_name(k), where);
        break;
    default:
        snprintf(buf, len, "%s was %s", h7_core_name(k), h7_cpu_state_name(c->state));
        break;
    }
}

/* Record a violation of `rule`; the acting core and instruction come from the running core and
 * the register address it accessed. */
static h7_violation *record(h7_machine *m, h7_rule_id rule, uint32_t reg_addr)
{
    if (m->rule_fired[rule] || m->nviol >= sizeof m->viol / sizeof m->viol[0])
        return NULL;
    m->rule_fired[rule] = true;
    h7_violation *v = &m->viol[m->nviol++];
    memset(v, 0, sizeof *v);
    v->rule = rule;
    v->when = h7_machine_now(m);
    if (m->running >= 0) {
        h7_cpu *c = &m->cpu[m->running];
        uint32_t pc = 0;
        v->has_core = true;
        v->core = c->id;
        if (reg_addr && h7_cpu_locate_access(c, reg_addr, &pc))
            h7_machine_symbolize(m, c->id, pc, v->where, sizeof v->where);
        else {
            char blk[160];
            h7_machine_symbolize(m, c->id, c->blk_addr, blk, sizeof blk);
            snprintf(v->where, sizeof v->where, "in the block starting at %s", blk);
        }
    }
    return v;
}

static void announce(h7_machine *m, const h7_violation *v, const char *summary)
{
    const h7_rule *r = &h7_rules[v->rule];
    h7_machine_trace(m, "rule", "%s: %s", r->id, summary);
}

static void lock_device(h7_machine *m, h7_violation *v, const char *cause)
{
    char states[2][200];
    for (int k = 0; k < H7_NCORES; k++)
        describe_core(m, (h7_core_id)k, states[k], sizeof states[k]);
    snprintf(v->next, sizeof v->next,
             "%.150s: both cores stopped and PWR_CSR1.ACTVOSRDY never became valid. At that moment %s; %s. "
             "The debug link is lost (ST-LINK: \"%s\"). The lock survives system resets (PWR_CR3 keeps its "
             "value until a power-on reset) and comes back at every power cycle while this firmware is in flash.",
             cause, states[H7_CM7], states[H7_CM4], ST_LINK_LOST);
    if (m->cfg.policy == H7_VIOLATION_WARN) {
        h7_machine_trace(m, "rule", "%s: --on-violation=warn: running on out of spec", h7_rules[v->rule].id);
        return;
    }
    m->locked = true;
    for (int k = 0; k < H7_NCORES; k++)
        h7_cpu_stop(&m->cpu[k], H7_CPU_UNPOWERED, "core supply lost");
    h7_machine_trace(m, "board", "device locked: %s", cause);
    h7_machine_trace(m, "debug", "link lost: %s", ST_LINK_LOST);
}

static void decode_cr3(uint32_t v, char *buf, size_t len)
{
    int s = h7_supply_from_cr3(v);
    snprintf(buf, len, "SDLEVEL=%u SDEXTHP=%u SDEN=%u LDOEN=%u BYPASS=%u: %s", (v >> 4) & 3u, (v >> 3) & 1u,
             (v >> 2) & 1u, (v >> 1) & 1u, v & 1u, s >= 0 ? h7_supplies[s].name : "illegal combination");
}

void h7_sup_on_supply(h7_machine *m, uint32_t cr3_low, bool accepted)
{
    char dec[160];
    decode_cr3(cr3_low, dec, sizeof dec);
    if (!accepted) {
        h7_violation *v = record(m, H7_R_CR3_ILLEGAL, PWR_CR3_ADDR);
        if (!v)
            return;
        snprintf(v->detail, sizeof v->detail, "PWR_CR3 <- 0x%08X (%s)", cr3_low, dec);
        snprintf(v->next, sizeof v->next, "the write was discarded but PWR_CR3 is now locked: ACTVOSRDY stays 0 "
                 "until a power-on reset; firmware waiting for it spins (ExitRun0Mode) or times out (HAL).");
        snprintf(v->fix, sizeof v->fix, "write one of the supply configurations of RM0399 Table 33, e.g. %s = 0x%02X for this board",
                 h7_supplies[m->board.supply].hal_name, h7_supplies[m->board.supply].cr3);
        announce(m, v, "illegal supply configuration: PWR_CR3 locked, ACTVOSRDY stays invalid");
        return;
    }
    int s = h7_supply_from_cr3(cr3_low);
    if (s < 0 || (h7_supply)s == m->board.supply)
        return;   /* the default pattern (0x06) or the board's own scheme */
    h7_violation *v = record(m, H7_R_SUPPLY_MISMATCH, PWR_CR3_ADDR);
    if (!v)
        return;
    const h7_supply_info *want = &h7_supplies[m->board.supply], *got = &h7_supplies[s];
    snprintf(v->detail, sizeof v->detail, "PWR_CR3 <- 0x%08X (%s) selects %s (%s)", cr3_low, dec, got->name, got->hal_name);
    snprintf(v->board_note, sizeof v->board_note, "%s", m->board.wiring_note);
    if (m->board.supply == H7_SUPPLY_DIRECT_SMPS && got->vcore_from_ldo)
        snprintf(v->fix, sizeof v->fix, "use %s (HAL_PWREx_ConfigSupply, or USE_PWR_DIRECT_SMPS_SUPPLY for ExitRun0Mode) "
                 "and at most VOS1 / 400 MHz, or rework the board for the LDO (board nucleo-h755zi-q-ldo)", want->hal_name);
    else
        snprintf(v->fix, sizeof v->fix, "use %s to match the board's wiring, or change the board's supply wiring to %s",
                 want->hal_name, got->name);
    announce(m, v, "supply configuration does not match the board");
    h7_pwr_set_supply_fault(&m->soc.pwr);   /* VCORE collapsed: ACTVOSRDY never valid (facts §8.1) */
    char cause[200];
    snprintf(cause, sizeof cause, "VCORE collapsed after %s selected %s on a board wired for %s",
             v->has_core ? h7_core_name(v->core) : "firmware", got->name, want->name);
    lock_device(m, v, cause);
}

void h7_sup_on_overdrive(h7_machine *m, bool oden)
{
    if (!oden)
        return;
    uint32_t cr3 = peek(m, PWR_CR3_ADDR) & 0x3Fu;
    int s = h7_supply_from_cr3(cr3);
    bool ldo = s >= 0 ? h7_supplies[s].vcore_from_ldo : true;   /* reset default: LDO on */
    if (ldo && h7_supplies[m->board.supply].vcore_from_ldo)
        return;
    h7_violation *v = record(m, H7_R_VOS0_NEEDS_LDO, SYSCFG_PWRCR_ADDR);
    if (!v)
        return;
    snprintf(v->detail, sizeof v->detail, "SYSCFG_PWRCR <- ODEN=1 (VOS0 overdrive) while VCORE comes from %s (PWR_CR3 = 0x%02X)",
             s >= 0 ? h7_supplies[s].name : "the default configuration", cr3);
    snprintf(v->board_note, sizeof v->board_note, "%s", m->board.wiring_note);
    snprintf(v->fix, sizeof v->fix, "with direct SMPS stay at VOS1 and at most 400 MHz (PWR_REGULATOR_VOLTAGE_SCALE1); "
             "480 MHz needs VOS0, i.e. PWR_LDO_SUPPLY on an LDO-wired board (nucleo-h755zi-q-ldo)");
    announce(m, v, "VOS0 requested without the LDO");
    lock_device(m, v, "VOS0 with direct SMPS: on silicon VCORE rises to about 1.51 V (measured on a factory "
                      "NUCLEO-H755ZI-Q), above the VOS0 range (1.40 V max); h7emu stops the device instead of running out of spec");
}

static void clock_rules(h7_machine *m, uint32_t reg_addr)
{
    h7_pwr_state p = h7_pwr_get_state(&m->soc.pwr);
    unsigned vos = p.vos & 3u;
    uint32_t cpu = h7_rcc_cpu_hz(&m->soc.rcc, H7_CM7), axi = h7_rcc_hclk_hz(&m->soc.rcc);
    if (!p.actvosrdy && cpu > 64000000u) {
        h7_violation *v = record(m, H7_R_CHANGE_BEFORE_ACTVOSRDY, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "clock raised to %u MHz while PWR_CSR1.ACTVOSRDY = 0", cpu / 1000000u);
            snprintf(v->fix, sizeof v->fix, "configure the supply (PWR_CR3) and wait for ACTVOSRDY before touching VOS or clocks");
            announce(m, v, "clock changed before ACTVOSRDY");
        }
    }
    if (cpu > h7_vos_cpu_mhz[vos] * 1000000u) {
        h7_violation *v = record(m, H7_R_CLOCK_ABOVE_VOS, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "CM7 clock %u MHz at VOS%u (limit %u MHz)", cpu / 1000000u, vos, h7_vos_cpu_mhz[vos]);
            snprintf(v->fix, sizeof v->fix, "raise VOS first (and wait for VOSRDY), or lower the PLL output");
            announce(m, v, v->detail);
        }
    }
    uint32_t apb_max = 0;
    for (int i = 1; i <= 4; i++)
        if (h7_rcc_pclk_hz(&m->soc.rcc, i) > apb_max)
            apb_max = h7_rcc_pclk_hz(&m->soc.rcc, i);
    /* Decision: the reset clocks (HSI 64 MHz on every bus) are in spec by definition, so an APB
     * limit below 64 MHz (VOS3: 50 MHz) is only enforced above the reset frequency. */
    uint32_t apb_limit = h7_vos_apb_mhz[vos] * 1000000u;
    if (apb_limit < 64000000u)
        apb_limit = 64000000u;
    if (axi > h7_vos_axi_mhz[vos] * 1000000u || apb_max > apb_limit) {
        h7_violation *v = record(m, H7_R_BUS_ABOVE_VOS, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "AXI %u MHz / APB up to %u MHz at VOS%u (limits %u / %u MHz)", axi / 1000000u,
                     apb_max / 1000000u, vos, h7_vos_axi_mhz[vos], h7_vos_apb_mhz[vos]);
            snprintf(v->fix, sizeof v->fix, "set HPRE and the APB prescalers before switching to the fast clock");
            announce(m, v, v->detail);
        }
    }
    unsigned latency = peek(m, FLASH_ACR_ADDR) & 0xFu, need = h7_flash_min_latency(vos, axi);
    if (latency < need) {
        h7_violation *v = record(m, H7_R_FLASH_WAIT_STATES, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "FLASH_ACR.LATENCY = %u with AXI at %u MHz and VOS%u: at least %u wait states needed",
                     latency, axi / 1000000u, vos, need);
            snprintf(v->fix, sizeof v->fix, "program FLASH_ACR.LATENCY = %u (and read it back) before raising the clock", need);
            snprintf(v->next, sizeof v->next, "on silicon flash reads return corrupted data: instruction fetches and "
                     "constants are wrong from here on; h7emu stops the core as faulted");
            announce(m, v, v->detail);
            if (m->running >= 0 && m->cfg.policy == H7_VIOLATION_LOCK)
                h7_cpu_stop(&m->cpu[m->running], H7_CPU_FAULTED, "flash read with too few wait states (FLASH-WAIT-STATES)");
        }
    }
}

void h7_sup_on_clocks(h7_machine *m) { clock_rules(m, RCC_CFGR_ADDR); }

void h7_sup_on_trace(h7_machine *m, const char *src, const char *text)
{
    if (strstr(text, "supply write ignored")) {
        h7_violation *v = record(m, H7_R_CR3_LOCKED, PWR_CR3_ADDR);
        if (v) {
            uint32_t cr3 = peek(m, PWR_CR3_ADDR) & 0x3Fu;
            int s = h7_supply_from_cr3(cr3);
            snprintf(v->detail, sizeof v->detail, "PWR_CR3 supply bits already locked since power-on as %s (0x%02X): the new value is ignored",
                     s >= 0 ? h7_supplies[s].name : "the default", cr3);
            snprintf(v->next, sizeof v->next, "the firmware keeps running on the earlier supply setting (HAL_PWREx_ConfigSupply "
                     "returns HAL_ERROR); at the next power cycle its own setting is applied first");
            snprintf(v->fix, sizeof v->fix, "make every image on the board select the same supply (%s for %s)",
                     h7_supplies[m->board.supply].hal_name, m->board.name);
            announce(m, v, "different supply written after PWR_CR3 was locked: ignored until the next power cycle");
        }
    } else if (strstr(text, "release refused")) {
        h7_violation *v = record(m, H7_R_HSEM_NOT_OWNER, 0);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "%s: %s", src, text);
            snprintf(v->fix, sizeof v->fix, "release a semaphore only from the core and process that took it");
            announce(m, v, text);
        }
    } else if (strstr(text, "FLASH_ACR")) {
        clock_rules(m, FLASH_ACR_ADDR);
    } else if (!strcmp(src, "pwr") && !strncmp(text, "vos", 3)) {
        clock_rules(m, 0);
    } else if (!strcmp(src, "pwr") && strstr(text, "before actvosrdy")) {
        h7_violation *v = record(m, H7_R_CHANGE_BEFORE_ACTVOSRDY, 0x58024818u);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "PWR_D3CR.VOS written while PWR_CSR1.ACTVOSRDY = 0 (Run* mode)");
            snprintf(v->fix, sizeof v->fix, "configure the supply (PWR_CR3) and wait for ACTVOSRDY before touching VOS or clocks");
            announce(m, v, "VOS changed before ACTVOSRDY");
        }
    }
}

void h7_sup_on_log(h7_machine *m, h7_log_kind kind, const char *periph, const char *text)
{
    if (kind != H7_LOG_GUEST_ERROR || strcmp(periph, "RCC") || !strstr(text, "PLL") ||
        !(strstr(text, "range") || strstr(text, "never lock")))
        return;
    h7_violation *v = record(m, H7_R_PLL_RANGE, 0x58024400u);
    if (v) {
        snprintf(v->detail, sizeof v->detail, "%s", text);
        snprintf(v->fix, sizeof v->fix, "choose DIVM so that the PLL input is 1-16 MHz and DIVN so that the VCO is in range");
        announce(m, v, text);
    }
}

void h7_sup_on_periph_access(h7_machine *m, const h7_window *w, uint32_t addr)
{
    /* D2 holds APB1, APB2, AHB1 and AHB2 (0x4000_0000-0x4802_3FFF). */
    if (w->base >= 0x48024000u || m->rule_fired[H7_R_D2_ACCESS_IN_DSTOP] || m->running < 0)
        return;
    if (peek(m, RCC_CR_ADDR) & (1u << 15))
        return;
    h7_violation *v = record(m, H7_R_D2_ACCESS_IN_DSTOP, addr);
    if (v) {
        snprintf(v->detail, sizeof v->detail, "access to %s (0x%08X) while RCC_CR.D2CKRDY = 0", w->name, addr);
        snprintf(v->fix, sizeof v->fix, "wait for D2CKRDY = 1 (the CM4 awake) or allocate the peripheral to this core in its RCC bank first");
        announce(m, v, v->detail);
    }
}

void h7_sup_power_on(h7_machine *m)
{
    m->locked = false;
    memset(m->rule_fired, 0, sizeof m->rule_fired);
}

/* System memory: a stand-in for ST's bootloader (it leaves PWR alone, so the supply stays at its
 * reset default and the debug link lives): vector table at 0x1FF0_0000 -> "wfi; b ." forever.
 * Plus the unique device ID (deterministic) and the flash size word (2048 KB). */
void h7_sup_init_sysmem(h7_machine *m)
{
    uint8_t *sys = m->phys[H7_PHYS_SYSMEM];
    const uint32_t vectors[2] = {0x20020000u, H7_SYSMEM_BASE + 0x400u + 1u};
    memcpy(sys, vectors, sizeof vectors);
    const uint16_t code[2] = {0xBF30, 0xE7FD};   /* wfi ; b.n <wfi> */
    memcpy(sys + 0x400, code, sizeof code);
    const uint32_t uid[3] = {0x00360025u, 0x3133510Au, 0x37383935u};
    memcpy(sys + (H7_UID_ADDR - H7_SYSMEM_BASE), uid, sizeof uid);
    const uint16_t flash_kb = 2048;
    memcpy(sys + (H7_FLASHSIZE_ADDR - H7_SYSMEM_BASE), &flash_kb, sizeof flash_kb);
    h7_adc_write_factory_words(sys, H7_SYSMEM_BASE);   /* TS_CAL1/TS_CAL2/VREFINT_CAL (DS12919) */
}

/* ------------------------------------------------------------------ report */

void h7_machine_print_diagnosis(h7_machine *m, FILE *out)
{
    for (size_t i = 0; i < m->nviol; i++) {
        const h7_violation *v = &m->viol[i];
        const h7_rule *r = &h7_rules[v->rule];
        char tb[40];
        h7_trace_format_time(v->when, tb, sizeof tb);
        fprintf(out, "\n=== h7emu diagnosis: %s (%s) at %s ===\n", r->id, h7_rule_action_name(r->action), tb);
        fprintf(out, "rule    %s\n        %s\n", r->statement, r->citation);
        if (v->has_core)
            fprintf(out, "core    %s\n", h7_core_name(v->core));
        if (v->where[0])
            fprintf(out, "at      %s\n", v->where);
        if (v->detail[0])
            fprintf(out, "write   %s\n", v->detail);
        if (v->board_note[0])
            fprintf(out, "board   %s\n", v->board_note);
        if (v->next[0])
            fprintf(out, "then    %s\n", v->next);
        if (v->fix[0])
            fprintf(out, "fix     %s\n", v->fix);
        if (r->action == H7_RULE_LOCK)
            fprintf(out, "recover BOOT0 = 1 (CN11 pin 7 'BT0' on the Nucleo), power cycle, mass erase through the debug "
                         "link, BOOT0 = 0, flash fixed firmware, power cycle\n");
    }
}

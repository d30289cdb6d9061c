/* Board and datasheet rules (rules.h), the device lock, and root-cause reports.
 *
 * Decision (docs/power-rules.md): a supply configuration that the board cannot take collapses
 * VCORE at once: both cores stop, PWR_CSR1.ACTVOSRDY never becomes valid, and every debug-link
 * operation fails with the ST-LINK's message. The lock survives system resets because PWR_CR3 is
 * reset only by a power-on reset (RM0399 §7.8.4); each power cycle runs the firmware again.
 * Direct SMPS + VOS0 is treated the same way by project policy (on silicon VCORE goes to about
 * 1.51 V, above the VOS0 range): --on-violation=warn keeps running for exploration. */
#include "supervisor.h"

#include <string.h>

#include "trace.h"

#define PWR_CR3_ADDR 0x5802480Cu
#define PWR_D3CR_ADDR 0x58024818u
#define SYSCFG_PWRCR_ADDR 0x5800042Cu
#define RCC_CFGR_ADDR 0x58024410u
#define RCC_CR_ADDR 0x58024400u
#define RCC_PLL1DIVR_ADDR 0x58024430u
#define FLASH_ACR_ADDR 0x52002000u

static uint32_t peek(h7_supervisor *s, uint32_t addr)
{
    uint32_t v = 0;
    h7_soc_read(s->soc, addr, 4, H7_MASTER_DEBUG, &v);
    return v;
}

/* Record a violation of `rule`; the acting core and instruction come from the machine's view
 * (the core executing, and the instruction that accessed `reg_addr`). */
static h7_violation *record(h7_supervisor *s, h7_rule_id rule, uint32_t reg_addr)
{
    if (s->rule_fired[rule] || s->nviol >= sizeof s->viol / sizeof s->viol[0])
        return NULL;
    s->rule_fired[rule] = true;
    h7_violation *v = &s->viol[s->nviol++];
    memset(v, 0, sizeof *v);
    v->rule = rule;
    v->when = s->view.now(s->view.ctx);
    v->has_core = s->view.actor(s->view.ctx, reg_addr, &v->core, v->where, sizeof v->where);
    return v;
}

static void announce(h7_supervisor *s, h7_rule_id rule, const char *summary)
{
    h7_ev e = {.kind = H7_EV_RULE, .u.rule = {h7_rules[rule].id, summary}};
    s->view.emit(s->view.ctx, &e);
}

/* The device loses its core supply (or, with --on-violation=warn, runs on out of spec). */
static h7_verdict lock_device(h7_supervisor *s, h7_violation *v, const char *cause, bool vcore_collapsed)
{
    h7_verdict verdict = {.action = H7_VERDICT_NONE};
    char states[2][200];
    for (int k = 0; k < H7_NCORES; k++)
        s->view.describe_core(s->view.ctx, (h7_core_id)k, states[k], sizeof states[k]);
    snprintf(v->next, sizeof v->next,
             "%.150s: both cores stopped and PWR_CSR1.ACTVOSRDY never became valid. At that moment %s; %s. "
             "The debug link is lost (ST-LINK: \"%s\"). The lock survives system resets (PWR_CR3 keeps its "
             "value until a power-on reset) and comes back at every power cycle while this firmware is in flash.",
             cause, states[H7_CM7], states[H7_CM4], H7_ST_LINK_LOST);
    if (s->policy == H7_VIOLATION_WARN) {
        announce(s, v->rule, "--on-violation=warn: running on out of spec");
        return verdict;
    }
    verdict.action = H7_VERDICT_LOCK_DEVICE;
    verdict.vcore_collapsed = vcore_collapsed;
    snprintf(verdict.reason, sizeof verdict.reason, "%s", cause);
    return verdict;
}

static void decode_cr3(uint32_t v, char *buf, size_t len)
{
    int s = h7_supply_from_cr3(v);
    snprintf(buf, len, "SDLEVEL=%u SDEXTHP=%u SDEN=%u LDOEN=%u BYPASS=%u: %s", (v >> 4) & 3u, (v >> 3) & 1u,
             (v >> 2) & 1u, (v >> 1) & 1u, v & 1u, s >= 0 ? h7_supplies[s].name : "illegal combination");
}

/* PWR_CR3 <- an illegal combination (RM0399 §7.8.4 / Table 33): discarded, CR3 locked anyway. */
static void on_supply_discarded(h7_supervisor *s, uint32_t cr3_low)
{
    char dec[160];
    decode_cr3(cr3_low, dec, sizeof dec);
    h7_violation *v = record(s, H7_R_CR3_ILLEGAL, PWR_CR3_ADDR);
    if (!v)
        return;
    snprintf(v->detail, sizeof v->detail, "PWR_CR3 <- 0x%08X (%s)", cr3_low, dec);
    snprintf(v->next, sizeof v->next, "the write was discarded but PWR_CR3 is now locked: ACTVOSRDY stays 0 "
             "until a power-on reset; firmware waiting for it spins (ExitRun0Mode) or times out (HAL).");
    snprintf(v->fix, sizeof v->fix, "write one of the supply configurations of RM0399 Table 33, e.g. %s = 0x%02X for this board",
             h7_supplies[s->board->supply].hal_name, h7_supplies[s->board->supply].cr3);
    announce(s, v->rule, "illegal supply configuration: PWR_CR3 locked, ACTVOSRDY stays invalid");
}

/* The first supply write since power-on: does the board's wiring take it? */
static h7_verdict on_supply(h7_supervisor *s, uint32_t cr3_low)
{
    h7_verdict none = {.action = H7_VERDICT_NONE};
    char dec[160];
    decode_cr3(cr3_low, dec, sizeof dec);
    int sc = h7_supply_from_cr3(cr3_low);
    if (sc < 0 || (h7_supply)sc == s->board->supply)
        return none;   /* the default pattern (0x06) or the board's own scheme */
    h7_violation *v = record(s, H7_R_SUPPLY_MISMATCH, PWR_CR3_ADDR);
    if (!v)
        return none;
    const h7_supply_info *want = &h7_supplies[s->board->supply], *got = &h7_supplies[sc];
    snprintf(v->detail, sizeof v->detail, "PWR_CR3 <- 0x%08X (%s) selects %s (%s)", cr3_low, dec, got->name, got->hal_name);
    snprintf(v->board_note, sizeof v->board_note, "%s", s->board->wiring_note);
    if (s->board->supply == H7_SUPPLY_DIRECT_SMPS && got->vcore_from_ldo)
        snprintf(v->fix, sizeof v->fix, "use %s (HAL_PWREx_ConfigSupply, or USE_PWR_DIRECT_SMPS_SUPPLY for ExitRun0Mode) "
                 "and at most VOS1 / 400 MHz, or rework the board for the LDO (board nucleo-h755zi-q-ldo)", want->hal_name);
    else
        snprintf(v->fix, sizeof v->fix, "use %s to match the board's wiring, or change the board's supply wiring to %s",
                 want->hal_name, got->name);
    announce(s, v->rule, "supply configuration does not match the board");
    char cause[200];
    snprintf(cause, sizeof cause, "VCORE collapsed after %s selected %s on a board wired for %s",
             v->has_core ? h7_core_name(v->core) : "firmware", got->name, want->name);
    /* VCORE collapsed: ACTVOSRDY never valid (facts §8.1), whatever the policy. */
    h7_verdict verdict = lock_device(s, v, cause, true);
    verdict.vcore_collapsed = true;
    return verdict;
}

/* SYSCFG_PWRCR.ODEN = 1 (VOS0) needs the LDO (RM0399 §7.6.2; DS12919 Table 22). */
static h7_verdict on_overdrive(h7_supervisor *s)
{
    h7_verdict none = {.action = H7_VERDICT_NONE};
    uint32_t cr3 = peek(s, PWR_CR3_ADDR) & 0x3Fu;
    int sc = h7_supply_from_cr3(cr3);
    bool ldo = sc >= 0 ? h7_supplies[sc].vcore_from_ldo : true;   /* reset default: LDO on */
    if (ldo && h7_supplies[s->board->supply].vcore_from_ldo)
        return none;
    h7_violation *v = record(s, H7_R_VOS0_NEEDS_LDO, SYSCFG_PWRCR_ADDR);
    if (!v)
        return none;
    snprintf(v->detail, sizeof v->detail, "SYSCFG_PWRCR <- ODEN=1 (VOS0 overdrive) while VCORE comes from %s (PWR_CR3 = 0x%02X)",
             sc >= 0 ? h7_supplies[sc].name : "the default configuration", cr3);
    snprintf(v->board_note, sizeof v->board_note, "%s", s->board->wiring_note);
    snprintf(v->fix, sizeof v->fix, "with direct SMPS stay at VOS1 and at most 400 MHz (PWR_REGULATOR_VOLTAGE_SCALE1); "
             "480 MHz needs VOS0, i.e. PWR_LDO_SUPPLY on an LDO-wired board (nucleo-h755zi-q-ldo)");
    announce(s, v->rule, "VOS0 requested without the LDO");
    return lock_device(s, v, "VOS0 with direct SMPS: on silicon VCORE rises to about 1.51 V (measured on a factory "
                             "NUCLEO-H755ZI-Q), above the VOS0 range (1.40 V max); h7emu stops the device instead of running out of spec",
                       false);
}

static h7_verdict clock_rules(h7_supervisor *s, uint32_t reg_addr)
{
    h7_verdict verdict = {.action = H7_VERDICT_NONE};
    h7_pwr_state p = h7_pwr_get_state(&s->soc->pwr);
    unsigned vos = p.vos & 3u;
    uint32_t cpu = h7_rcc_cpu_hz(&s->soc->rcc, H7_CM7), axi = h7_rcc_hclk_hz(&s->soc->rcc);
    if (!p.actvosrdy && cpu > 64000000u) {
        h7_violation *v = record(s, H7_R_CHANGE_BEFORE_ACTVOSRDY, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "clock raised to %u MHz while PWR_CSR1.ACTVOSRDY = 0", cpu / 1000000u);
            snprintf(v->fix, sizeof v->fix, "configure the supply (PWR_CR3) and wait for ACTVOSRDY before touching VOS or clocks");
            announce(s, v->rule, "clock changed before ACTVOSRDY");
        }
    }
    if (cpu > h7_vos_cpu_mhz[vos] * 1000000u) {
        h7_violation *v = record(s, H7_R_CLOCK_ABOVE_VOS, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "CM7 clock %u MHz at VOS%u (limit %u MHz)", cpu / 1000000u, vos, h7_vos_cpu_mhz[vos]);
            snprintf(v->fix, sizeof v->fix, "raise VOS first (and wait for VOSRDY), or lower the PLL output");
            announce(s, v->rule, v->detail);
        }
    }
    uint32_t apb_max = 0;
    for (int i = 1; i <= 4; i++)
        if (h7_rcc_pclk_hz(&s->soc->rcc, i) > apb_max)
            apb_max = h7_rcc_pclk_hz(&s->soc->rcc, i);
    /* Decision: the reset clocks (HSI 64 MHz on every bus) are in spec by definition, so an APB
     * limit below 64 MHz (VOS3: 50 MHz) is only enforced above the reset frequency. */
    uint32_t apb_limit = h7_vos_apb_mhz[vos] * 1000000u;
    if (apb_limit < 64000000u)
        apb_limit = 64000000u;
    if (axi > h7_vos_axi_mhz[vos] * 1000000u || apb_max > apb_limit) {
        h7_violation *v = record(s, H7_R_BUS_ABOVE_VOS, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "AXI %u MHz / APB up to %u MHz at VOS%u (limits %u / %u MHz)", axi / 1000000u,
                     apb_max / 1000000u, vos, h7_vos_axi_mhz[vos], h7_vos_apb_mhz[vos]);
            snprintf(v->fix, sizeof v->fix, "set HPRE and the APB prescalers before switching to the fast clock");
            announce(s, v->rule, v->detail);
        }
    }
    unsigned latency = peek(s, FLASH_ACR_ADDR) & 0xFu, need = h7_flash_min_latency(vos, axi);
    if (latency < need) {
        h7_violation *v = record(s, H7_R_FLASH_WAIT_STATES, reg_addr);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "FLASH_ACR.LATENCY = %u with AXI at %u MHz and VOS%u: at least %u wait states needed",
                     latency, axi / 1000000u, vos, need);
            snprintf(v->fix, sizeof v->fix, "program FLASH_ACR.LATENCY = %u (and read it back) before raising the clock", need);
            snprintf(v->next, sizeof v->next, "on silicon flash reads return corrupted data: instruction fetches and "
                     "constants are wrong from here on; h7emu stops the core as faulted");
            announce(s, v->rule, v->detail);
            if (v->has_core && s->policy == H7_VIOLATION_LOCK) {
                verdict.action = H7_VERDICT_FAULT_CORE;
                verdict.core = v->core;
                snprintf(verdict.reason, sizeof verdict.reason, "flash read with too few wait states (FLASH-WAIT-STATES)");
            }
        }
    }
    return verdict;
}

static void on_cr3_locked(h7_supervisor *s)
{
    h7_violation *v = record(s, H7_R_CR3_LOCKED, PWR_CR3_ADDR);
    if (!v)
        return;
    uint32_t cr3 = peek(s, PWR_CR3_ADDR) & 0x3Fu;
    int sc = h7_supply_from_cr3(cr3);
    snprintf(v->detail, sizeof v->detail, "PWR_CR3 supply bits already locked since power-on as %s (0x%02X): the new value is ignored",
             sc >= 0 ? h7_supplies[sc].name : "the default", cr3);
    snprintf(v->next, sizeof v->next, "the firmware keeps running on the earlier supply setting (HAL_PWREx_ConfigSupply "
             "returns HAL_ERROR); at the next power cycle its own setting is applied first");
    snprintf(v->fix, sizeof v->fix, "make every image on the board select the same supply (%s for %s)",
             h7_supplies[s->board->supply].hal_name, s->board->name);
    announce(s, v->rule, "different supply written after PWR_CR3 was locked: ignored until the next power cycle");
}

/* A rule whose detail is the event itself (rendered once, never parsed). */
static void on_event_as_detail(h7_supervisor *s, h7_rule_id rule, uint32_t reg_addr, const h7_ev *e, bool with_src,
                               const char *fix)
{
    h7_violation *v = record(s, rule, reg_addr);
    if (!v)
        return;
    char text[256];
    h7_ev_render(e, text, sizeof text);
    if (with_src)
        snprintf(v->detail, sizeof v->detail, "%s: %s", h7_ev_src(e), text);
    else
        snprintf(v->detail, sizeof v->detail, "%s", text);
    snprintf(v->fix, sizeof v->fix, "%s", fix);
    announce(s, rule, text);
}

static void on_d2_access(h7_supervisor *s, const h7_ev *e)
{
    if (s->rule_fired[H7_R_D2_ACCESS_IN_DSTOP])
        return;
    h7_violation *v = record(s, H7_R_D2_ACCESS_IN_DSTOP, e->u.d2.addr);
    if (!v)
        return;
    h7_ev_render(e, v->detail, sizeof v->detail);
    snprintf(v->fix, sizeof v->fix, "wait for D2CKRDY = 1 (the CM4 awake) or allocate the peripheral to this core in its RCC bank first");
    announce(s, v->rule, v->detail);
}

uint64_t h7_sup_kinds(void)
{
    return H7_EV_BIT(H7_EV_SUPPLY_WRITE) | H7_EV_BIT(H7_EV_SUPPLY_DISCARDED) | H7_EV_BIT(H7_EV_SUPPLY_WRITE_IGNORED) |
           H7_EV_BIT(H7_EV_OVERDRIVE_ON) | H7_EV_BIT(H7_EV_CLOCKS_CHANGED) | H7_EV_BIT(H7_EV_FLASH_LATENCY) |
           H7_EV_BIT(H7_EV_VOS_READY) | H7_EV_BIT(H7_EV_VOS_BEFORE_ACTVOSRDY) | H7_EV_BIT(H7_EV_HSEM_RELEASE_REFUSED) |
           H7_EV_BIT(H7_EV_PLL_INPUT_RANGE) | H7_EV_BIT(H7_EV_PLL_RGE_MISMATCH) | H7_EV_BIT(H7_EV_PLL_VCO_RANGE) |
           H7_EV_BIT(H7_EV_PLL_NEVER_LOCKS) | H7_EV_BIT(H7_EV_PLL1_DIVP_ODD) | H7_EV_BIT(H7_EV_D2_ACCESS_IN_DSTOP) |
           h7_datapath_kinds();
}

h7_verdict h7_sup_on_event(h7_supervisor *s, const h7_ev *e)
{
    h7_verdict none = {.action = H7_VERDICT_NONE};
    switch (e->kind) {
    case H7_EV_SUPPLY_WRITE:
        return e->u.supply.name ? on_supply(s, e->u.supply.value & H7_PWR_CR3_SUPPLY_MASK) : none;
    case H7_EV_SUPPLY_DISCARDED: on_supply_discarded(s, e->u.discarded.low); return none;
    case H7_EV_SUPPLY_WRITE_IGNORED: on_cr3_locked(s); return none;
    case H7_EV_OVERDRIVE_ON: return on_overdrive(s);
    case H7_EV_CLOCKS_CHANGED: return clock_rules(s, RCC_CFGR_ADDR);
    case H7_EV_FLASH_LATENCY: return clock_rules(s, FLASH_ACR_ADDR);
    case H7_EV_VOS_READY: return clock_rules(s, 0);
    case H7_EV_VOS_BEFORE_ACTVOSRDY: {
        h7_violation *v = record(s, H7_R_CHANGE_BEFORE_ACTVOSRDY, PWR_D3CR_ADDR);
        if (v) {
            snprintf(v->detail, sizeof v->detail, "PWR_D3CR.VOS written while PWR_CSR1.ACTVOSRDY = 0 (Run* mode)");
            snprintf(v->fix, sizeof v->fix, "configure the supply (PWR_CR3) and wait for ACTVOSRDY before touching VOS or clocks");
            announce(s, v->rule, "VOS changed before ACTVOSRDY");
        }
        return none;
    }
    case H7_EV_HSEM_RELEASE_REFUSED:
        on_event_as_detail(s, H7_R_HSEM_NOT_OWNER, 0, e, true, "release a semaphore only from the core and process that took it");
        return none;
    case H7_EV_PLL_INPUT_RANGE:
    case H7_EV_PLL_RGE_MISMATCH:
    case H7_EV_PLL_VCO_RANGE:
    case H7_EV_PLL_NEVER_LOCKS:
        on_event_as_detail(s, H7_R_PLL_RANGE, RCC_CR_ADDR, e, false,
                           "choose DIVM so that the PLL input is 1-16 MHz and DIVN so that the VCO is in range");
        return none;
    case H7_EV_PLL1_DIVP_ODD:   /* RM0399 §9.7.12: the same rule as the other PLL range checks */
        on_event_as_detail(s, H7_R_PLL_RANGE, RCC_PLL1DIVR_ADDR, e, false, "choose an even PLL1 P divider (2, 4, ...)");
        return none;
    case H7_EV_D2_ACCESS_IN_DSTOP: on_d2_access(s, e); return none;
    default:
        if (h7_datapath_kinds() & H7_EV_BIT(e->kind))
            h7_datapath_on_event(s, e);
        return none;
    }
}

h7_violation *h7_sup_record(h7_supervisor *s, h7_rule_id rule, uint32_t reg_addr) { return record(s, rule, reg_addr); }
void h7_sup_announce(h7_supervisor *s, h7_rule_id rule, const char *summary) { announce(s, rule, summary); }

void h7_sup_init(h7_supervisor *s, const h7_sup_view *view, h7_soc *soc, const h7_board *board,
                 h7_violation_policy policy)
{
    memset(s, 0, sizeof *s);
    s->view = *view;
    s->soc = soc;
    s->board = board;
    s->policy = policy;
}

void h7_sup_power_on(h7_supervisor *s)
{
    memset(s->rule_fired, 0, sizeof s->rule_fired);
}

/* ------------------------------------------------------------------ report */

void h7_sup_print_diagnosis(const h7_supervisor *s, FILE *out)
{
    for (size_t i = 0; i < s->nviol; i++) {
        const h7_violation *v = &s->viol[i];
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

/* Power control (RM0399 ch.7; facts §2).
 *
 * Trace texts (matched by scenarios; keep stable):
 *   "<master>: writes PWR_CR3 = 0x%08X (<supply>)"   first supply write since power-on
 *   "pwr: supply write discarded: illegal combination 0x%02X (PWR_CR3 locked)"
 *   "pwr: supply write ignored (locked as 0x%02X, wrote 0x%02X)"
 *   "pwr: actvosrdy"                                  supply and VOS levels valid
 *   "pwr: actvosrdy lost (vcore collapsed)"           board cannot hold VCORE
 *   "<master>: writes PWR_D3CR.VOS = VOS<n>"          and "pwr: vos<n> ready"
 *   "pwr: VOS changed before actvosrdy"               (rule CHANGE-BEFORE-ACTVOSRDY)
 *   "pwr: d1 stop" / "pwr: d1 run" / "pwr: d2 stop" / "pwr: d2 run" / "pwr: system stop"
 *
 * Decisions (docs/models.md):
 * - The CR3 -> ACTVOSRDY and VOS -> VOSRDY delays are not given by RM0399; both are 10 us.
 * - Writing the reset pattern 0x06 to the low byte also locks it (it is a write of the low byte;
 *   RM0399 §7.8.4 does not make an exception), and is accepted.
 * - RAM writes in Run* are not blocked (facts §2.4: every startup file writes the stack first).
 * - After a system reset with CR3 already locked, the chip passes through Run* again and
 *   ACTVOSRDY comes back after the same delay (RM0399 §7.4.1: "the supply configuration is known
 *   by the system since CR3 content is retained").
 * - D1/D2 DStandby (both PDDS_Dx = 1) is treated as DStop plus the SBF_Dx flag: the domain's
 *   contents are not lost in this model. */
#include "pwr.h"

#include "soc.h"

const h7_regdesc h7_pwr_regs[] = {
    {A_PWR_CR1, "PWR_CR1", 0xF000C000u, 0x0007C3F1u, 0, 0, 0},
    {A_PWR_CSR1, "PWR_CSR1", 0x00004000u, 0, 0, 0x0001E010u, 0},
    {A_PWR_CR2, "PWR_CR2", 0x00000000u, 0x00000011u, 0, 0x00F10000u, 0},   /* BRRDY, VBATx, TEMPx: r */
    {A_PWR_CR3, "PWR_CR3", 0x00000006u, 0x0300033Fu, 0, 0x04010000u, 0},
    {A_PWR_CPUCR, "PWR_CPUCR", 0x00000000u, 0x00000C07u, 0, 0x000001F0u, 0},
    {A_PWR_CPU2CR, "PWR_CPU2CR", 0x00000000u, 0x00000C07u, 0, 0x000001F0u, 0},
    {A_PWR_D3CR, "PWR_D3CR", 0x00004000u, 0x0000C000u, 0, 0x00002000u, 0},
    {A_PWR_WKUPCR, "PWR_WKUPCR", 0, 0x0000003Fu, 0, 0, 0},
    {A_PWR_WKUPFR, "PWR_WKUPFR", 0, 0, 0, 0x0000003Fu, 0},
    {A_PWR_WKUPEPR, "PWR_WKUPEPR", 0, 0x0FFF3F3Fu, 0, 0, 0},
};
const size_t h7_pwr_nregs = sizeof h7_pwr_regs / sizeof h7_pwr_regs[0];

static const h7_regdesc *reg(uint32_t offset) { return h7_reg_find(h7_pwr_regs, h7_pwr_nregs, offset); }

/* RM0399 Table 33 (facts §2.3): the legal supply configurations, "x" bits ignored. */
const char *h7_pwr_supply_name(uint32_t v)
{
    v &= H7_PWR_CR3_SUPPLY_MASK;
    unsigned bypass = v & 1u, ldo = (v >> 1) & 1u, sd = (v >> 2) & 1u, exthp = (v >> 3) & 1u, level = (v >> 4) & 3u;
    if (v == H7_PWR_CR3_DEFAULT)
        return "default";
    if (!sd && ldo && !bypass)
        return "ldo";
    if (sd && !ldo && !bypass && !exthp)
        return "direct_smps";
    if (!sd && !ldo && bypass)
        return "bypass";
    if (level == 0 || !sd)
        return NULL;
    if (!exthp && ldo && !bypass)
        return level == 1 ? "smps_1v8_ldo" : "smps_2v5_ldo";
    if (exthp && ldo && !bypass)
        return level == 1 ? "smps_1v8_ext_ldo" : "smps_2v5_ext_ldo";
    if (exthp && !ldo && bypass)
        return level == 1 ? "smps_1v8_ext" : "smps_2v5_ext";
    return NULL;
}

/* D3CR.VOS field -> scale index 0..3 (00 is reserved and behaves as VOS3, RM0399 §7.8.7). */
static unsigned vos_scale(const h7_pwr *p)
{
    unsigned f = H7_FIELD_EX(p->d3cr, PWR_D3CR, VOS);
    if (f == 3)
        return p->oden ? 0 : 1;
    return f == 2 ? 2 : 3;
}

static bool levels_can_be_valid(const h7_pwr *p)
{
    return !p->supply_illegal && !p->supply_fault;
}

static void actvos_ready(void *opaque, h7_time_ps when)
{
    h7_pwr *p = opaque;
    if (!levels_can_be_valid(p) || p->actvosrdy)
        return;
    p->actvosrdy = true;
    p->actvos = H7_FIELD_EX(p->d3cr, PWR_D3CR, VOS) ? H7_FIELD_EX(p->d3cr, PWR_D3CR, VOS) : 1;
    h7_soc_emit(p->soc, &(h7_ev){.kind = H7_EV_ACTVOSRDY, .u.actvosrdy.valid = true});
}

static void vos_ready(void *opaque, h7_time_ps when)
{
    h7_pwr *p = opaque;
    p->vosrdy = true;
    if (p->actvosrdy)
        p->actvos = H7_FIELD_EX(p->d3cr, PWR_D3CR, VOS) ? H7_FIELD_EX(p->d3cr, PWR_D3CR, VOS) : 1;
    h7_soc_emit(p->soc, &(h7_ev){.kind = H7_EV_VOS_READY, .u.vos.vos = vos_scale(p)});
}

static void start_vos_change(h7_pwr *p)
{
    p->vosrdy = false;
    h7_sched_add(p->soc->sched, &p->ev_vos, h7_soc_now(p->soc) + H7_PWR_VOS_DELAY_PS);
}

void h7_pwr_init(h7_pwr *s, struct h7_soc *soc)
{
    *s = (h7_pwr){0};
    s->soc = soc;
    h7_event_init(&s->ev_actvos, "pwr.actvosrdy", actvos_ready, s);
    h7_event_init(&s->ev_vos, "pwr.vosrdy", vos_ready, s);
}

void h7_pwr_reset(h7_pwr *s, h7_reset_kind kind)
{
    h7_sched_cancel(s->soc->sched, &s->ev_actvos);
    h7_sched_cancel(s->soc->sched, &s->ev_vos);
    s->cr1 = reg(A_PWR_CR1)->reset;
    s->cpucr[0] = s->cpucr[1] = 0;
    s->d3cr = reg(A_PWR_D3CR)->reset;
    s->wkupcr = s->wkupfr = s->wkupepr = 0;
    s->vosrdy = true;            /* VOSRDY reads 1 right after reset (facts §2.2) */
    s->actvos = 1;               /* VOS3 */
    s->actvosrdy = false;        /* Run*: levels not yet valid (RM0399 §7.4.1) */
    s->oden = false;
    s->d1_dstop = s->d2_dstop = s->system_stop = false;
    if (kind == H7_RESET_POWER_ON) {
        /* Only a power-on reset clears CR3 and its write-once lock (RM0399 §7.8.4). */
        s->cr3 = reg(A_PWR_CR3)->reset;
        s->cr2 = 0;
        s->supply_locked = s->supply_illegal = s->supply_fault = false;
    } else if (s->supply_locked && levels_can_be_valid(s)) {
        h7_sched_add(s->soc->sched, &s->ev_actvos, h7_soc_now(s->soc) + H7_PWR_ACTVOS_DELAY_PS);
    }
}

static uint32_t csr1_value(const h7_pwr *s)
{
    uint32_t v = 0;
    v = H7_FIELD_DP(v, PWR_CSR1, ACTVOS, s->actvos);
    v = H7_FIELD_DP(v, PWR_CSR1, ACTVOSRDY, s->actvosrdy);
    return v;
}

static uint32_t read32(h7_pwr *s, uint32_t offset, h7_master m)
{
    switch (offset) {
    case A_PWR_CR1: return s->cr1;
    case A_PWR_CSR1: return csr1_value(s);
    case A_PWR_CR2:
        /* BRRDY (b16): the backup regulator is ready H7_PWR_BREN_DELAY_PS after BREN (RM0399 §7.8.x). */
        return s->cr2 | ((s->cr2 & 1u) && h7_soc_now(s->soc) >= s->bren_t + H7_PWR_BREN_DELAY_PS ? 1u << 16 : 0);
    case A_PWR_CR3: return s->cr3;
    case A_PWR_CPUCR: return s->cpucr[0];
    case A_PWR_CPU2CR: return s->cpucr[1];
    case A_PWR_D3CR: return H7_FIELD_DP(s->d3cr, PWR_D3CR, VOSRDY, s->vosrdy);
    case A_PWR_WKUPCR: return 0;   /* write-only clear bits read 0 */
    case A_PWR_WKUPFR: return s->wkupfr;
    case A_PWR_WKUPEPR: return s->wkupepr;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "PWR", "%s read of PWR+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
}

/* ACTVOSRDY/ACTVOS (CSR1) and VOSRDY (D3CR) change only at the supply/VOS events or by writes
 * (csr1_value); HAL_PWREx_ConfigSupply and the VOS set-up poll them. */
bool h7_pwr_read_stable(uint32_t offset) { return offset == A_PWR_CSR1 || offset == A_PWR_D3CR; }

uint32_t h7_pwr_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_pwr *s = dev;
    return h7_subword_read(read32(s, offset & ~3u, m), offset, size);
}

/* PWR_CR3 (RM0399 §7.8.4): the low byte is written once per power-on; an illegal combination is
 * discarded but locks the byte too; the upper bits (VBE, VBRS, USB) are always writable. */
static void write_cr3(h7_pwr *s, uint32_t v, h7_master m)
{
    const uint32_t upper_rw = 0x03000300u;
    s->cr3 = (s->cr3 & ~upper_rw) | (v & upper_rw);
    uint32_t low = v & H7_PWR_CR3_SUPPLY_MASK;
    if (s->supply_locked) {
        if (low != (s->cr3 & H7_PWR_CR3_SUPPLY_MASK))
            h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_SUPPLY_WRITE_IGNORED, .by = m,
                                            .u.ignored = {s->cr3 & H7_PWR_CR3_SUPPLY_MASK, low}});
        return;
    }
    s->supply_locked = true;
    const char *name = h7_pwr_supply_name(low);
    if (!name) {
        s->supply_illegal = true;
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_SUPPLY_WRITE, .by = m, .u.supply = {v, NULL}});
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "PWR", "PWR_CR3 <- 0x%02X is not a supply configuration of RM0399 "
                   "Table 33: discarded, CR3 locked until power-on, ACTVOSRDY stays 0", low);
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_SUPPLY_DISCARDED, .by = m, .u.discarded.low = low});
        return;
    }
    s->cr3 = (s->cr3 & ~H7_PWR_CR3_SUPPLY_MASK) | low;
    h7_sched_add(s->soc->sched, &s->ev_actvos, h7_soc_now(s->soc) + H7_PWR_ACTVOS_DELAY_PS);
    h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_SUPPLY_WRITE, .by = m, .u.supply = {v, name}});
}

/* PWR_D3CR.VOS (RM0399 §7.8.7): VOSRDY drops and comes back once VCORE reaches the new level. */
static void write_d3cr(h7_pwr *s, uint32_t v, h7_master m)
{
    uint32_t old = s->d3cr;
    s->d3cr = v & R_PWR_D3CR_VOS_MASK;
    if (s->d3cr == old)
        return;
    if (!s->actvosrdy)
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_VOS_BEFORE_ACTVOSRDY, .by = m});
    if (s->oden && H7_FIELD_EX(s->d3cr, PWR_D3CR, VOS) != 3)
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "PWR", "VOS lowered from VOS1 while SYSCFG_PWRCR.ODEN = 1 "
                   "(RM0399 §7.6.2: clear ODEN first)");
    h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_VOS_WRITE, .by = m, .u.vos.vos = vos_scale(s)});
    start_vos_change(s);
}

static void write_cpucr(h7_pwr *s, int cpu, uint32_t v)
{
    const h7_regdesc *r = reg(cpu ? A_PWR_CPU2CR : A_PWR_CPUCR);
    s->cpucr[cpu] = (s->cpucr[cpu] & ~r->rw_mask) | (v & r->rw_mask);
    if (v & R_PWR_CPUCR_CSSF_MASK)   /* CSSF clears this CPU's flags */
        s->cpucr[cpu] &= ~0x1F0u;
    h7_pwr_update_domains(s);
}

void h7_pwr_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_pwr *s = dev;
    uint32_t off = offset & ~3u;
    uint32_t v = h7_subword_merge(read32(s, off, H7_MASTER_DEBUG), offset, size, value);
    const h7_regdesc *r = reg(off);
    if (!r) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "PWR", "%s write of 0x%08X to PWR+0x%03X: no register there",
                   h7_master_name(m), value, offset);
        return;
    }
    switch (off) {
    case A_PWR_CR1: s->cr1 = (s->cr1 & ~r->rw_mask) | (v & r->rw_mask); break;
    case A_PWR_CR2:
        if (!(s->cr1 & R_PWR_CR1_DBP_MASK)) {
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "PWR", "PWR_CR2 write ignored: backup domain write-protected (CR1.DBP = 0)");
            break;
        }
        if (!(s->cr2 & 1u) && (v & 1u))
            s->bren_t = h7_soc_now(s->soc);   /* BREN: the backup regulator starts */
        s->cr2 = v & 0x11u;                   /* BREN, MONEN; BRRDY and the VBAT/TEMP flags are read-only */
        break;
    case A_PWR_CR3:
        if (size < 4 && (offset & 3u))   /* a narrow write above the low byte leaves the supply alone */
            s->cr3 = (s->cr3 & ~0x03000300u) | (v & 0x03000300u);
        else
            write_cr3(s, v, m);
        break;
    /* Either CPU may write either register: RM0399 §7.8.5/§7.8.6 restrict neither to its own CPU,
     * and ST's HAL_PWR_EnterSTANDBYMode (DUAL_CORE) sets PDDS bits in both from whichever core. */
    case A_PWR_CPUCR: write_cpucr(s, 0, v); break;
    case A_PWR_CPU2CR: write_cpucr(s, 1, v); break;
    case A_PWR_D3CR: write_d3cr(s, v, m); break;
    case A_PWR_WKUPCR: s->wkupfr &= ~(v & 0x3Fu); break;
    case A_PWR_WKUPEPR: s->wkupepr = v & r->rw_mask; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "PWR", "%s write of 0x%08X to read-only %s ignored", h7_master_name(m),
                   value, r->name);
        break;
    }
}

bool h7_pwr_oden_allowed(const h7_pwr *p, bool oden)
{
    return !oden || H7_FIELD_EX(p->d3cr, PWR_D3CR, VOS) == 3;
}

void h7_pwr_set_oden(h7_pwr *p, bool oden)
{
    if (p->oden == oden)
        return;
    if (!h7_pwr_oden_allowed(p, oden)) {
        /* RM0399 §7.6.2: ODEN may be set only in VOS1. Decision: ignored with a guest error. */
        h7_soc_log(p->soc, H7_LOG_GUEST_ERROR, "PWR", "SYSCFG_PWRCR.ODEN set while D3CR.VOS is not VOS1: ignored");
        return;
    }
    p->oden = oden;
    start_vos_change(p);
    if (oden)
        h7_soc_emit(p->soc, &(h7_ev){.kind = H7_EV_OVERDRIVE_ON});
}

void h7_pwr_set_supply_fault(h7_pwr *p)
{
    p->supply_fault = true;
    h7_sched_cancel(p->soc->sched, &p->ev_actvos);
    if (p->actvosrdy) {
        p->actvosrdy = false;
        h7_soc_emit(p->soc, &(h7_ev){.kind = H7_EV_ACTVOSRDY, .u.actvosrdy.valid = false});
    }
}

/* Low-power reset (RM0399 §9.4.4, option bytes NRST_STOP_Dx / NRST_STBY_Dx in FLASH_OPTSR): with
 * the option bit cleared, a domain entering DStop (DStandby) resets the system instead (LPWRxRSTF).
 * Bits: D1 b6/b7, D2 b24/b25 (the D2 positions are from RM0399 FLASH_OPTSR_CUR, not in the SVD:
 * unconfirmed). Factory value: all set, no reset. */
static void low_power_reset(h7_pwr *p, int d, bool standby)
{
    uint32_t opt = p->soc->flash.cur_optsr;
    int bit = d == 1 ? (standby ? 7 : 6) : (standby ? 25 : 24);
    if ((opt >> bit) & 1u)
        return;
    static const char *const why[2][2] = {{"d1 entered stop with NRST_STOP_D1 = 0", "d1 entered standby with NRST_STBY_D1 = 0"},
                                          {"d2 entered stop with NRST_STOP_D2 = 0", "d2 entered standby with NRST_STBY_D2 = 0"}};
    h7_soc_emit(p->soc, &(h7_ev){.kind = H7_EV_RESET_REQUEST,
                                 .u.rstreq = {"pwr", why[d - 1][standby], d == 1 ? H7_CAUSE_LPWR1 : H7_CAUSE_LPWR2, false}});
}

/* PDDS_Dx of both CPUs = 1 selects DStandby, otherwise DStop (RM0399 §7.7.2). */
static bool both_pdds(const h7_pwr *p, uint32_t mask) { return (p->cpucr[0] & mask) && (p->cpucr[1] & mask); }

static void set_domain(h7_pwr *p, int d, bool *state, bool stop, uint32_t sbf_mask)
{
    if (*state == stop)
        return;
    *state = stop;
    if (stop && sbf_mask) {
        p->cpucr[0] |= sbf_mask;
        p->cpucr[1] |= sbf_mask;
    }
    h7_soc_emit(p->soc, &(h7_ev){.kind = H7_EV_DOMAIN_POWER, .u.domain = {d, stop}});
    h7_rcc_set_domain_ready(&p->soc->rcc, d, !stop);
    if (stop)
        low_power_reset(p, d, sbf_mask != 0);
}

/* Domain low-power rules (RM0399 §7.6.1, facts §2.9):
 *  D2 DStop: CPU2 in CStop, and CPU1 has no D2 peripheral allocated or is in CStop too.
 *  D1 DStop: CPU1 in CStop, and CPU2 has no D1 peripheral allocated or is in CStop too.
 *  System Stop: both domains stopped and RUN_D3 = 0 -> STOPF in both CPU registers. */
void h7_pwr_update_domains(h7_pwr *p)
{
    h7_soc *soc = p->soc;
    bool c7 = soc->cpu_cstop[H7_CM7], c4 = soc->cpu_cstop[H7_CM4];
    bool d2 = c4 && (c7 || !h7_rcc_cpu_has_d2_alloc(&soc->rcc, H7_CM7));
    bool d1 = c7 && (c4 || !h7_rcc_cpu_has_d1_alloc(&soc->rcc, H7_CM4));
    set_domain(p, 2, &p->d2_dstop, d2, both_pdds(p, R_PWR_CPUCR_PDDS_D2_MASK) ? R_PWR_CPUCR_SBF_D2_MASK : 0);
    set_domain(p, 1, &p->d1_dstop, d1, both_pdds(p, R_PWR_CPUCR_PDDS_D1_MASK) ? R_PWR_CPUCR_SBF_D1_MASK : 0);
    bool run_d3 = (p->cpucr[0] | p->cpucr[1]) & R_PWR_CPUCR_RUN_D3_MASK;
    bool sys = d1 && d2 && !run_d3;
    if (sys != p->system_stop) {
        p->system_stop = sys;
        if (sys) {
            p->cpucr[0] |= R_PWR_CPUCR_STOPF_MASK;
            p->cpucr[1] |= R_PWR_CPUCR_STOPF_MASK;
            h7_soc_emit(p->soc, &(h7_ev){.kind = H7_EV_SYSTEM_STOP});
        } else {
            /* Leaving system Stop: VOS3 in Run mode (RM0399 §7.6.2); the RCC falls back to HSI. */
            p->d3cr = H7_FIELD_DP(p->d3cr, PWR_D3CR, VOS, 1);
            p->oden = false;
            h7_rcc_system_stop_exit(&soc->rcc);
            start_vos_change(p);
        }
    }
}

h7_pwr_state h7_pwr_get_state(const h7_pwr *p)
{
    return (h7_pwr_state){
        .supply_locked = p->supply_locked,
        .supply = (uint8_t)(p->cr3 & H7_PWR_CR3_SUPPLY_MASK),
        .actvosrdy = p->actvosrdy,
        .vos = vos_scale(p),
        .vosrdy = p->vosrdy,
        .d1_dstop = p->d1_dstop,
        .d2_dstop = p->d2_dstop,
    };
}

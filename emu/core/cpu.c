/* One Cortex-M core on a Unicorn 2.0.1 engine: memory and peripheral mappings, the block hook
 * (instruction budget + interrupt delivery), exception entry/return (ARMv7-M B1.5.6-B1.5.8), WFI/
 * WFE/SEV and faults. See cpu.h for the Unicorn behaviours this relies on. */
#include "cpu.h"

#include "engine.h"
#include "traps.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* uc_emu_start's `until`: ignored, the engines use an empty set of exits (h7_cpu_open): only the
 * block hook stops them. */
#define UNTIL_ADDR 0u
#define TBC_SIZE H7_TBC_SIZE

#define CONTROL_NPRIV 1u
#define CONTROL_SPSEL 2u
#define CONTROL_FPCA 4u

static uint32_t rr(uc_engine *uc, int reg)
{
    uint32_t v = 0;
    uc_reg_read(uc, reg, &v);
    return v;
}

static void wr(uc_engine *uc, int reg, uint32_t v)
{
    uc_reg_write(uc, reg, &v);
}

/* uc_reg_write of IPSR/XPSR/CONTROL does not rebuild QEMU's cached TB flags; rewriting APSR_NZCV
 * does (unicorn notes §0 item 3). Without it an EXC_RETURN is not recognised. */
static void force_hflags(uc_engine *uc)
{
    wr(uc, UC_ARM_REG_APSR_NZCV, rr(uc, UC_ARM_REG_APSR_NZCV));
}

h7_time_ps h7_cpu_local_time(const h7_cpu *c)
{
    if (!c->hz)
        return c->seg_time;
    uint64_t n = c->icount - c->seg_cycles;
    if (n < UINT64_MAX / H7_PS_PER_S)   /* the common case, without a 128-bit division */
        return c->seg_time + n * H7_PS_PER_S / c->hz;
    return c->seg_time + (h7_time_ps)((unsigned __int128)n * H7_PS_PER_S / c->hz);
}

const char *h7_cpu_state_name(h7_cpu_state s)
{
    switch (s) {
    case H7_CPU_RUNNING: return "running";
    case H7_CPU_SLEEP_WFI: return "sleeping (wfi)";
    case H7_CPU_SLEEP_WFE: return "sleeping (wfe)";
    case H7_CPU_HELD: return "held (boot gated)";
    case H7_CPU_NOFW: return "no firmware";
    case H7_CPU_LOCKUP: return "locked up";
    case H7_CPU_FAULTED: return "faulted";
    case H7_CPU_HALTED: return "halted";
    case H7_CPU_UNPOWERED: return "unpowered";
    }
    return "?";
}

uint32_t h7_cpu_pc(h7_cpu *c) { return rr(c->uc, UC_ARM_REG_PC); }
uint32_t h7_cpu_reg(h7_cpu *c, int reg) { return rr(c->uc, reg); }

void h7_cpu_set_hz(h7_cpu *c, uint32_t hz)
{
    if (hz == c->hz || hz == 0)
        return;
    c->seg_time = h7_cpu_local_time(c);
    c->seg_cycles = c->icount;
    c->hz = hz;
    if (!c->deep_sleep)
        h7_nvic_set_core_hz(&c->nvic, hz);
}

void h7_cpu_catch_up(h7_cpu *c, h7_time_ps t)
{
    if (h7_cpu_local_time(c) >= t)
        return;
    c->seg_time = t;
    c->seg_cycles = c->icount;
}

void h7_cpu_flush_code(h7_cpu *c, uint32_t lo, uint32_t hi)
{
    if (hi > lo)
        uc_ctl_remove_cache(c->uc, lo, hi);
    memset(c->tbc, 0, TBC_SIZE * sizeof *c->tbc);   /* new code: decoded (and its trap sites found) again */
    c->ff_probe = NULL;
}

/* ------------------------------------------------------------------ guest memory access */

static const h7_mem_region *region_of(const h7_cpu *c, uint32_t addr, uint32_t len)
{
    const h7_mem_region *r = h7_memmap_find(c->id, addr);
    if (!r || (uint64_t)(addr - r->base) + len > r->size)
        return NULL;
    return r;
}

static uint8_t *host_ptr(const h7_cpu *c, uint32_t addr, uint32_t len)
{
    const h7_mem_region *r = region_of(c, addr, len);
    return r ? c->env.phys[r->phys] + r->phys_offset + (addr - r->base) : NULL;
}

static bool read_u16(const h7_cpu *c, uint32_t addr, uint16_t *v)
{
    const uint8_t *p = host_ptr(c, addr, 2);
    if (!p)
        return false;
    *v = (uint16_t)(p[0] | p[1] << 8);
    return true;
}

static bool read_u32(const h7_cpu *c, uint32_t addr, uint32_t *v)
{
    const uint8_t *p = host_ptr(c, addr, 4);
    if (!p)
        return false;
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return true;
}

static bool is_thumb32(uint16_t hw) { return (hw >> 11) >= 0x1D; }

static bool is_sev(uint16_t hw, uint16_t hw2) { return hw == 0xBF40 || (hw == 0xF3AF && hw2 == 0x8004); }

/* CPSIE/CPSID and MSR (PRIMASK, FAULTMASK, BASEPRI, CONTROL...): may make a pending exception
 * takeable, so the block hook checks interrupts again after the block (ARMv7-M B5.2). */
static bool is_mask_write(uint16_t hw, uint16_t hw2)
{
    return (hw & 0xFFE0) == 0xB660 || ((hw & 0xFFF0) == 0xF380 && (hw2 & 0x8000));
}

/* The translation block [addr, addr+size): its instruction count and whether it holds a SEV,
 * decoded once and cached per block (direct-mapped; h7_cpu_flush_code empties it). */
static __attribute__((noinline)) h7_tb_entry *tb_entry(h7_cpu *c, uint32_t addr, uint32_t size)
{
    h7_tb_entry *e = &c->tbc[(addr >> 1) & (TBC_SIZE - 1)];
    if ((e->key & ~H7_TB_SPECIAL) == h7_tb_key(addr, size))
        return e;
    uint32_t n = 0, off = 0;
    bool sev = false, masks = false;
    while (off < size) {
        uint16_t hw = 0, hw2 = 0;
        if (!read_u16(c, addr + off, &hw))
            break;
        bool wide = is_thumb32(hw);
        if (wide)
            read_u16(c, addr + off + 2, &hw2);
        sev |= is_sev(hw, hw2);
        masks |= is_mask_write(hw, hw2);
        off += wide ? 4 : 2;
        n++;
    }
    if (n == 0)
        n = 1;
    bool idle = h7_idle_candidate(c, addr, size);
    *e = (h7_tb_entry){.key = h7_tb_key(addr, size) | (sev || masks ? H7_TB_SPECIAL : 0), .count = n,
                       .loads_only = idle ? n : 0, .sev = sev, .masks = masks, .idle = idle};
    return e;
}

/* ------------------------------------------------------------------ exception entry / return */

static h7_masks read_masks(h7_cpu *c)
{
    uc_engine *uc = c->uc;
    uint32_t ctrl = rr(uc, UC_ARM_REG_CONTROL);
    uint32_t xpsr = rr(uc, UC_ARM_REG_XPSR);
    bool detour = (ctrl & CONTROL_NPRIV) && (xpsr & 0x1FFu) == 0;
    if (detour) {
        /* Unprivileged Thread mode reads the masks as 0: read them from Handler mode. */
        wr(uc, UC_ARM_REG_XPSR, xpsr | 3u);
    }
    h7_masks m = {
        .primask = rr(uc, UC_ARM_REG_PRIMASK) & 1u,
        .faultmask = rr(uc, UC_ARM_REG_FAULTMASK) & 1u,
        .basepri = (uint8_t)rr(uc, UC_ARM_REG_BASEPRI),
    };
    if (detour) {
        wr(uc, UC_ARM_REG_XPSR, xpsr);
        force_hflags(uc);
    }
    return m;
}

static unsigned current_ipsr(h7_cpu *c) { return rr(c->uc, UC_ARM_REG_XPSR) & 0x1FFu; }

static bool stack_writable(h7_cpu *c, uint32_t frame, uint32_t size)
{
    const h7_mem_region *r = region_of(c, frame, size);
    return r && r->kind == H7_MEM_RAM;
}

static void lockup(h7_cpu *c, const char *what);

/* Take exception `exc`; ret_addr = the instruction to resume at. Returns false on lockup. */
static bool exc_entry(h7_cpu *c, unsigned exc, uint32_t ret_addr)
{
    uc_engine *uc = c->uc;
    uint32_t ctrl = rr(uc, UC_ARM_REG_CONTROL);
    uint32_t xpsr = rr(uc, UC_ARM_REG_XPSR);
    bool handler = (xpsr & 0x1FFu) != 0;
    if (!handler && (ctrl & CONTROL_NPRIV)) {   /* gain privilege through a Handler-mode detour */
        wr(uc, UC_ARM_REG_XPSR, xpsr | exc);
        wr(uc, UC_ARM_REG_CONTROL, ctrl & ~CONTROL_NPRIV);
        wr(uc, UC_ARM_REG_XPSR, xpsr);
    }
    uint32_t msp = rr(uc, UC_ARM_REG_MSP), psp = rr(uc, UC_ARM_REG_PSP);
    bool use_psp = !handler && (ctrl & CONTROL_SPSEL);
    bool fpca = (ctrl & CONTROL_FPCA) != 0;
    uint32_t fsize = fpca ? 0x68u : 0x20u;
    uint32_t frame = (use_psp ? psp : msp) - fsize;
    bool realign = (frame & 4u) != 0;           /* CCR.STKALIGN = 1: 8-byte aligned frame */
    if (realign)
        frame -= 4;
    if (!stack_writable(c, frame, fsize)) {
        char what[96];
        snprintf(what, sizeof what, "stacking for exception %u at SP 0x%08X failed (stack overflow?)", exc,
                 frame + fsize);
        lockup(c, what);
        return false;
    }
    uint32_t f[26] = {0};
    f[0] = rr(uc, UC_ARM_REG_R0);
    f[1] = rr(uc, UC_ARM_REG_R1);
    f[2] = rr(uc, UC_ARM_REG_R2);
    f[3] = rr(uc, UC_ARM_REG_R3);
    f[4] = rr(uc, UC_ARM_REG_R12);
    f[5] = rr(uc, UC_ARM_REG_LR);
    f[6] = ret_addr & ~1u;
    f[7] = (xpsr & ~0x200u) | (realign ? 0x200u : 0);
    if (fpca) {   /* no lazy stacking: S0-S15 and FPSCR are pushed at once */
        for (int i = 0; i < 16; i++)
            f[8 + i] = rr(uc, UC_ARM_REG_S0 + i);
        f[24] = rr(uc, UC_ARM_REG_FPSCR);
    }
    memcpy(host_ptr(c, frame, fsize), f, fsize);
    if (use_psp)
        psp = frame;
    else
        msp = frame;
    uint32_t exc_return = 0xFFFFFFE1u | (fpca ? 0 : 0x10u) | (handler ? 0 : 0x08u) | (use_psp ? 0x04u : 0);
    wr(uc, UC_ARM_REG_CONTROL, handler ? (ctrl & ~CONTROL_FPCA) : 0);
    wr(uc, UC_ARM_REG_MSP, msp);
    wr(uc, UC_ARM_REG_PSP, psp);
    wr(uc, UC_ARM_REG_XPSR, (xpsr & 0xF8000000u) | 0x01000000u | exc);
    wr(uc, UC_ARM_REG_CONTROL, ctrl & CONTROL_NPRIV);
    force_hflags(uc);
    uint32_t vec_addr = c->nvic.vtor + 4u * exc, vec = 0;
    const uint8_t *vp = host_ptr(c, vec_addr, 4);
    if (!vp) {
        c->nvic.hfsr |= H7_HFSR_VECTTBL;
        char what[96];
        snprintf(what, sizeof what, "vector %u read at 0x%08X: nothing there (VTOR 0x%08X)", exc, vec_addr,
                 c->nvic.vtor);
        lockup(c, what);
        return false;
    }
    memcpy(&vec, vp, 4);
    h7_nvic_acknowledge(&c->nvic, exc);
    c->nexceptions++;
    wr(uc, UC_ARM_REG_LR, exc_return);
    wr(uc, UC_ARM_REG_PC, vec | 1u);
    /* Exception entry sets the event register (ARMv7-M B1.5.18). */
    c->event_reg = true;
    return true;
}

static void raise_fault(h7_cpu *c, unsigned exc, uint32_t cfsr_bits, bool addr_valid, uint32_t addr,
                        uint32_t ret_addr, const char *what);

static void exc_return(h7_cpu *c, uint32_t exc_ret)
{
    uc_engine *uc = c->uc;
    unsigned returning = current_ipsr(c);
    bool valid = (exc_ret & 0xFFFFFFE0u) == 0xFFFFFFE0u &&
                 ((exc_ret & 0xFu) == 0x1u || (exc_ret & 0xFu) == 0x9u || (exc_ret & 0xFu) == 0xDu);
    if (!valid || returning == 0 || !c->nvic.active[returning]) {
        raise_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_INVPC, false, 0, rr(uc, UC_ARM_REG_PC), "invalid exception return");
        return;
    }
    bool to_thread = (exc_ret & 0x08u) != 0;
    bool use_psp = (exc_ret & 0x04u) != 0;
    bool ext = (exc_ret & 0x10u) == 0;
    uint32_t ctrl = rr(uc, UC_ARM_REG_CONTROL);
    uint32_t msp = rr(uc, UC_ARM_REG_MSP), psp = rr(uc, UC_ARM_REG_PSP);
    uint32_t frame = use_psp ? psp : msp;
    uint32_t fsize = ext ? 0x68u : 0x20u;
    const uint8_t *fp = host_ptr(c, frame, fsize);
    if (!fp) {
        char what[96];
        snprintf(what, sizeof what, "unstacking at 0x%08X failed", frame);
        lockup(c, what);
        return;
    }
    h7_nvic_complete(&c->nvic, returning);
    uint32_t f[26];
    memcpy(f, fp, fsize);
    uint32_t xpsr = f[7];
    uint32_t newsp = frame + fsize + ((xpsr & 0x200u) ? 4u : 0u);
    if (use_psp)
        psp = newsp;
    else
        msp = newsp;
    wr(uc, UC_ARM_REG_R0, f[0]);
    wr(uc, UC_ARM_REG_R1, f[1]);
    wr(uc, UC_ARM_REG_R2, f[2]);
    wr(uc, UC_ARM_REG_R3, f[3]);
    wr(uc, UC_ARM_REG_R12, f[4]);
    wr(uc, UC_ARM_REG_LR, f[5]);
    if (ext) {
        for (int i = 0; i < 16; i++)
            wr(uc, UC_ARM_REG_S0 + i, f[8 + i]);
        wr(uc, UC_ARM_REG_FPSCR, f[24]);
    }
    wr(uc, UC_ARM_REG_CONTROL, 0);
    wr(uc, UC_ARM_REG_MSP, msp);
    wr(uc, UC_ARM_REG_PSP, psp);
    uint32_t ipsr = to_thread ? 0 : (xpsr & 0x1FFu);
    wr(uc, UC_ARM_REG_XPSR_NZCVQG, (xpsr & ~0x3FFu) | ipsr);
    uint32_t nctrl = (use_psp ? CONTROL_SPSEL : 0) | (ext ? CONTROL_FPCA : 0);
    wr(uc, UC_ARM_REG_CONTROL, nctrl);
    wr(uc, UC_ARM_REG_CONTROL, nctrl | (ctrl & CONTROL_NPRIV));
    force_hflags(uc);
    wr(uc, UC_ARM_REG_PC, f[6] | 1u);
    c->event_reg = true;   /* exception return sets the event register too */
    c->irq_check = true;   /* tail-chain: a pending exception is taken at the next block start */
    /* SCR.SLEEPONEXIT: back to sleep when returning to Thread mode. */
    if (to_thread && (c->nvic.scr & 2u)) {
        c->want_stop = true;
        c->stop_reason = H7_STOP_REQUEST;
        c->sleep_on_exit = true;
    }
}

/* ------------------------------------------------------------------ faults */

/* A free-text timeline line told by this core (faults, exceptions the harness raised). */
static void cpu_note(h7_cpu *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cpu_note(h7_cpu *c, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    c->env.emit(c->env.ctx, &(h7_ev){.kind = H7_EV_NOTE, .src = h7_core_name(c->id), .text = buf});
}

static void describe_pc(h7_cpu *c, uint32_t pc, char *buf, size_t len)
{
    c->env.symbolize(c->env.ctx, c->id, pc, buf, len);
}

static void stop_core(h7_cpu *c, h7_cpu_state st)
{
    c->state = st;
    c->want_stop = true;
    c->stop_reason = H7_STOP_REQUEST;
}

void h7_cpu_stop(h7_cpu *c, h7_cpu_state state, const char *why)
{
    if (why)
        snprintf(c->fault_text, sizeof c->fault_text, "%s", why);
    stop_core(c, state);
}

static void lockup(h7_cpu *c, const char *what)
{
    char pcs[128];
    describe_pc(c, c->resume_pc ? c->resume_pc : rr(c->uc, UC_ARM_REG_PC), pcs, sizeof pcs);
    snprintf(c->fault_text, sizeof c->fault_text, "lockup: %.300s (pc %s)", what, pcs);
    cpu_note(c, "%s", c->fault_text);
    stop_core(c, H7_CPU_LOCKUP);
    /* A lockup is often raised from the interrupt hook (a prefetch abort in HardFault, an erased
     * HardFault vector): Unicorn then re-executes the faulting fetch at once, without reaching the
     * block hook that honours want_stop. Stop the engine here (ARMv7-M B1.5.15: the core stops
     * fetching). Harmless when the engine is not running. */
    if (*c->env.running == (int)c->id)
        uc_emu_stop(c->uc);
}

static const char *exc_name(unsigned exc)
{
    switch (exc) {
    case H7_EXC_HARDFAULT: return "hardfault";
    case H7_EXC_MEMMANAGE: return "memmanage";
    case H7_EXC_BUSFAULT: return "busfault";
    case H7_EXC_USAGEFAULT: return "usagefault";
    case H7_EXC_NMI: return "nmi";
    default: return "exception";
    }
}

/* A synchronous fault at `ret_addr` (the faulting instruction). ARMv7-M B1.5.8: a configurable
 * fault that is disabled or cannot preempt escalates to HardFault (HFSR.FORCED); a fault while in
 * HardFault or NMI is a lockup. */
static void raise_fault(h7_cpu *c, unsigned exc, uint32_t cfsr_bits, bool addr_valid, uint32_t addr,
                        uint32_t ret_addr, const char *what)
{
    h7_nvic *n = &c->nvic;
    h7_masks masks = read_masks(c);
    unsigned ipsr = current_ipsr(c);
    char pcs[128];
    describe_pc(c, ret_addr, pcs, sizeof pcs);
    if (ipsr == H7_EXC_HARDFAULT || ipsr == H7_EXC_NMI || masks.faultmask) {
        char buf[200];
        snprintf(buf, sizeof buf, "%s at %s while in %s", what, pcs, exc_name(ipsr ? ipsr : H7_EXC_HARDFAULT));
        /* Inside a hook, a PC write makes Unicorn restart the engine and discard uc_emu_stop():
         * leave PC alone and set it once the engine has stopped (fix_resume_pc). */
        if (*c->env.running == (int)c->id)
            c->resume_pc = ret_addr;
        else
            wr(c->uc, UC_ARM_REG_PC, ret_addr | 1u);
        lockup(c, buf);
        return;
    }
    n->cfsr |= cfsr_bits;
    if (addr_valid) {
        if (exc == H7_EXC_MEMMANAGE)
            n->mmfar = addr;
        else
            n->bfar = addr;
    }
    unsigned taken = exc;
    if (exc != H7_EXC_HARDFAULT && h7_nvic_fault_escalates(n, exc, &masks)) {
        taken = H7_EXC_HARDFAULT;
        n->hfsr |= H7_HFSR_FORCED;
    }
    cpu_note(c, "%s: %s at %s", exc_name(taken), what, pcs);
    n->pending[taken] = true;
    exc_entry(c, taken, ret_addr);
}

/* Memory-access instructions of Thumb-2: effective address range for fault localisation. */
typedef struct mem_insn { uint32_t pc; bool known; uint32_t lo, hi; } mem_insn;

static uint32_t reg_val(h7_cpu *c, unsigned r, uint32_t pc)
{
    static const int regs[16] = {
        UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4, UC_ARM_REG_R5,
        UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
        UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};
    if (r == 15)
        return (pc + 4) & ~3u;
    return rr(c->uc, regs[r & 15]);
}

static int popcount16(uint32_t v) { return __builtin_popcount(v & 0xFFFFu); }

/* Decode the instruction at pc; true if it accesses memory (range in *mi, known=false when the
 * address cannot be computed). */
static bool decode_mem_insn(h7_cpu *c, uint32_t pc, uint16_t hw, uint16_t hw2, mem_insn *mi)
{
    mi->pc = pc;
    mi->known = true;
    if (!is_thumb32(hw)) {
        unsigned rn = (hw >> 3) & 7, rm = (hw >> 6) & 7;
        if ((hw & 0xF800) == 0x4800) {                     /* LDR literal */
            mi->lo = ((pc + 4) & ~3u) + (hw & 0xFFu) * 4;
            mi->hi = mi->lo + 4;
        } else if ((hw & 0xF000) == 0x5000) {              /* register offset */
            mi->lo = reg_val(c, rn, pc) + reg_val(c, rm, pc);
            mi->hi = mi->lo + 4;
        } else if ((hw & 0xE000) == 0x6000) {              /* STR/LDR(B) imm5 */
            uint32_t scale = (hw & 0x1000) ? 1 : 4;
            mi->lo = reg_val(c, rn, pc) + ((hw >> 6) & 31u) * scale;
            mi->hi = mi->lo + scale;
        } else if ((hw & 0xF000) == 0x8000) {              /* STRH/LDRH imm5 */
            mi->lo = reg_val(c, rn, pc) + ((hw >> 6) & 31u) * 2;
            mi->hi = mi->lo + 2;
        } else if ((hw & 0xF000) == 0x9000) {              /* SP-relative */
            mi->lo = reg_val(c, 13, pc) + (hw & 0xFFu) * 4;
            mi->hi = mi->lo + 4;
        } else if ((hw & 0xFE00) == 0xB400) {              /* PUSH */
            uint32_t n = popcount16(hw & 0x1FFu);
            mi->hi = reg_val(c, 13, pc);
            mi->lo = mi->hi - 4 * n;
        } else if ((hw & 0xFE00) == 0xBC00) {              /* POP */
            uint32_t n = popcount16(hw & 0x1FFu);
            mi->lo = reg_val(c, 13, pc);
            mi->hi = mi->lo + 4 * n;
        } else if ((hw & 0xF000) == 0xC000) {              /* LDM/STM */
            mi->lo = reg_val(c, (hw >> 8) & 7, pc);
            mi->hi = mi->lo + 4 * popcount16(hw & 0xFFu);
        } else {
            return false;
        }
        return true;
    }
    unsigned rn = hw & 0xFu;
    if ((hw & 0xFE00) == 0xF800) {                         /* load/store single */
        uint32_t size = 1u << ((hw >> 5) & 3u);
        uint32_t base = reg_val(c, rn, pc);
        if (rn == 15) {
            mi->lo = (hw & 0x80) ? base + (hw2 & 0xFFFu) : base - (hw2 & 0xFFFu);
        } else if (hw & 0x80) {
            mi->lo = base + (hw2 & 0xFFFu);
        } else if (hw2 & 0x800) {
            bool p = hw2 & 0x400, u = hw2 & 0x200;
            uint32_t imm = hw2 & 0xFFu;
            mi->lo = p ? (u ? base + imm : base - imm) : base;
        } else if ((hw2 & 0xFC0) == 0) {
            mi->lo = base + (reg_val(c, hw2 & 0xFu, pc) << ((hw2 >> 4) & 3u));
        } else {
            mi->known = false;
        }
        mi->hi = mi->lo + size;
        return true;
    }
    if ((hw & 0xFE00) == 0xE800) {                       /* E8xx/E9xx */
        uint32_t base = reg_val(c, rn, pc);
        if (hw & 0x40) {                                   /* LDRD/STRD, exclusives, TBB/TBH */
            bool p = hw & 0x100, u = hw & 0x80, w = hw & 0x20;
            uint32_t imm = (hw2 & 0xFFu) * 4;
            if (p || w)
                mi->lo = p ? (u ? base + imm : base - imm) : base;
            else
                mi->lo = base + imm;
            mi->hi = mi->lo + 8;
        } else {                                           /* LDM/STM IA or DB */
            uint32_t n = popcount16(hw2);
            bool db = ((hw >> 7) & 3u) == 2;
            mi->lo = db ? base - 4 * n : base;
            mi->hi = mi->lo + 4 * n;
        }
        return true;
    }
    if ((hw & 0xFE00) == 0xEC00 && ((hw2 >> 9) & 7u) == 5) {   /* ECxx/EDxx */
        uint32_t base = reg_val(c, rn, pc), imm = (hw2 & 0xFFu) * 4;  /* VLDR/VSTR/VLDM/VSTM/VPUSH/VPOP */
        mi->lo = base - imm;
        mi->hi = base + imm + 8;
        return true;
    }
    return false;
}

/* Unicorn 2.0.1 reports a data fault with PC at the start of the translation block, but with the
 * registers as they were just before the faulting instruction. Find that instruction: the only
 * memory access of the block, or the one whose address range contains the fault address. */
bool h7_cpu_locate_access(h7_cpu *c, uint32_t fault_addr, uint32_t *pc_out)
{
    uint32_t start = c->blk_addr, end = c->blk_addr + c->blk_size;
    mem_insn cand[64];
    unsigned n = 0;
    for (uint32_t pc = start; pc < end && n < 64;) {
        uint16_t hw = 0, hw2 = 0;
        if (!read_u16(c, pc, &hw))
            break;
        bool wide = is_thumb32(hw);
        if (wide && !read_u16(c, pc + 2, &hw2))
            break;
        mem_insn mi;
        if (decode_mem_insn(c, pc, hw, hw2, &mi))
            cand[n++] = mi;
        pc += wide ? 4 : 2;
    }
    if (n == 1) {
        *pc_out = cand[0].pc;
        return true;
    }
    for (unsigned i = 0; i < n; i++)
        if (cand[i].known && fault_addr >= cand[i].lo && fault_addr < cand[i].hi) {
            *pc_out = cand[i].pc;
            return true;
        }
    return false;
}

static void data_fault(h7_cpu *c, uint32_t addr, bool write)
{
    uint32_t pc;
    char what[96];
    snprintf(what, sizeof what, "%s of 0x%08X: nothing there", write ? "write" : "read", addr);
    if (!h7_cpu_locate_access(c, addr, &pc)) {
        char pcs[128];
        describe_pc(c, c->blk_addr, pcs, sizeof pcs);
        snprintf(c->fault_text, sizeof c->fault_text,
                 "%.90s in the block at %.120s; the faulting instruction could not be identified, so the "
                 "fault cannot be handed to the firmware precisely", what, pcs);
        cpu_note(c, "fault: %s", c->fault_text);
        stop_core(c, H7_CPU_FAULTED);
        return;
    }
    wr(c->uc, UC_ARM_REG_PC, pc | 1u);
    raise_fault(c, H7_EXC_BUSFAULT, H7_CFSR_PRECISERR | H7_CFSR_BFARVALID, true, addr, pc, what);
}

/* ------------------------------------------------------------------ traps Unicorn does not raise */

#define TRAP_FP 1u
#define TRAP_DIV 2u
#define TRAP_ALIGN 4u
#define TRAP_MULTI 8u   /* always armed: the always-aligned accesses (traps.h) */

/* CPACR.CP10 (b21:20; CP11 must match): 00 no access, 01 privileged only, 11 full (B3.2.20). */
static bool fp_denied(h7_cpu *c)
{
    unsigned cp10 = (c->nvic.cpacr >> 20) & 3u;
    if (cp10 == 3u)
        return false;
    if (cp10 == 1u)
        return current_ipsr(c) == 0 && (rr(c->uc, UC_ARM_REG_CONTROL) & CONTROL_NPRIV);
    return true;
}

static unsigned traps_armed(h7_cpu *c)
{
    return (((c->nvic.cpacr >> 20) & 3u) != 3u ? TRAP_FP : 0u) | ((c->nvic.ccr & (1u << 4)) ? TRAP_DIV : 0u) |
           ((c->nvic.ccr & (1u << 3)) ? TRAP_ALIGN : 0u) | TRAP_MULTI;
}

/* ARMv7-M A3.2.1: with CCR.UNALIGN_TRP every halfword/word access must be aligned (checked while
 * UNALIGN_TRP is set: a hook on every load/store site). LDRD/STRD, LDM/STM and the exclusives need
 * alignment always: h7_trap_always_aligned, checked first by the hook. */
static bool access_misaligned(const mem_insn *mi, uint16_t hw)
{
    if ((hw & 0xFFE0u) == 0xE8C0u)   /* TBB/TBH, byte/halfword exclusives: not word accesses */
        return false;
    uint32_t len = mi->hi - mi->lo;
    uint32_t align = len >= 4 ? 4u : len;
    return mi->known && align > 1 && (mi->lo & (align - 1)) != 0;
}

/* Stop before the instruction at pc and take the fault once the engine has returned. */
static void trap_fault(h7_cpu *c, unsigned exc, uint32_t cfsr, uint32_t pc, const char *what)
{
    h7_trap_sites *t = c->traps;
    t->pending = true;
    t->exc = exc;
    t->cfsr = cfsr;
    t->pc = pc;
    snprintf(t->what, sizeof t->what, "%s", what);
    c->stop_reason = H7_STOP_RETRANSLATE;
    uc_emu_stop(c->uc);   /* from a code hook: stops before the instruction (PC exact) */
}

/* Code hook on one FP, divide, always-aligned or (UNALIGN_TRP) load/store instruction: runs
 * before it. The common case, an aligned LDRD/LDM, costs one instruction fetch and one register
 * read. */
static void hk_trap(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    h7_cpu *c = ud;
    uint32_t pc = (uint32_t)address;
    uint16_t hw = 0, hw2 = 0;
    unsigned rm = 0, rn = 0;
    int32_t off = 0;
    if (c->state != H7_CPU_RUNNING || !read_u16(c, pc, &hw) || (is_thumb32(hw) && !read_u16(c, pc + 2, &hw2)))
        return;
    unsigned align = h7_trap_always_aligned(hw, hw2, &rn, &off);
    uint32_t base = align ? reg_val(c, rn, pc) : 0;
    bool trp = (c->nvic.ccr & (1u << 3)) != 0;
    if (align && !(base & (align - 1u)) && !trp)
        return;   /* aligned, and no other trap can apply to a load/store */
    h7_trap_kind kind = is_thumb32(hw) ? h7_trap_classify(hw, hw2, &rm) : H7_TRAP_NONE;
    uint32_t xpsr = rr(uc, UC_ARM_REG_XPSR);
    if (!h7_trap_cond_passed(h7_trap_it_cond(xpsr), xpsr))
        return;   /* a false IT condition: no fault */
    if (align && (base & (align - 1u))) {
        char what[96];
        snprintf(what, sizeof what, "unaligned %s access to 0x%08X (always a fault: ARMv7-M A3.2.1)",
                 align == 2 ? "exclusive halfword" : (hw >> 11) < 0x1Du || (hw & 0xFE40u) == 0xE800u ? "LDM/STM"
                 : (hw & 0xFFE0u) == 0xE840u ? "exclusive word" : "LDRD/STRD", base + (uint32_t)off);
        trap_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_UNALIGNED, pc, what);
        return;
    }
    mem_insn mi;
    if (kind != H7_TRAP_FP && trp && decode_mem_insn(c, pc, hw, hw2, &mi) &&
        access_misaligned(&mi, hw)) {
        char what[96];
        snprintf(what, sizeof what, "unaligned access to 0x%08X (CCR.UNALIGN_TRP)", mi.lo);
        trap_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_UNALIGNED, pc, what);
        return;
    }
    if (kind == H7_TRAP_FP && fp_denied(c))
        trap_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_NOCP, pc, "FP instruction with the FPU disabled (CPACR)");
    else if (kind == H7_TRAP_DIV && (c->nvic.ccr & (1u << 4)) && reg_val(c, rm, pc) == 0)
        trap_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_DIVBYZERO, pc, "divide by zero (CCR.DIV_0_TRP)");
}

/* The low bits of a register within a block, from its value at the block's start: the value of
 * start register `reg` plus `add` (mod 4), a constant `add` (mod 4), or unknown. Enough to follow
 * the address arithmetic in front of an LDM/LDRD (MOV, ADD/SUB immediate, a literal load). */
typedef struct low_bits { uint8_t kind, reg, add; } low_bits;
enum { LB_UNKNOWN, LB_START, LB_CONST };

static uint32_t thumb_expand_imm(uint16_t hw, uint16_t hw2)   /* ARMv7-M A5.3.2 */
{
    uint32_t imm12 = ((hw >> 10) & 1u) << 11 | ((hw2 >> 12) & 7u) << 8 | (hw2 & 0xFFu), imm8 = imm12 & 0xFFu;
    if (!(imm12 >> 10)) {
        switch ((imm12 >> 8) & 3u) {
        case 0: return imm8;
        case 1: return imm8 << 16 | imm8;
        case 2: return imm8 << 24 | imm8 << 8;
        default: return imm8 * 0x01010101u;
        }
    }
    uint32_t v = 0x80u | (imm12 & 0x7Fu), rot = imm12 >> 7;
    return v >> rot | v << (32u - rot);
}

/* The effect of one instruction on the tracked low bits (rb: 16 registers). `cond`: inside an IT
 * block, the instruction may not execute: what it writes becomes unknown. */
static void track_low_bits(h7_cpu *c, low_bits *rb, uint32_t pc, uint16_t hw, uint16_t hw2, bool cond)
{
    low_bits nv = {LB_UNKNOWN, 0, 0};
    int rd = -1;
    uint32_t lit;
    if (cond) {
        /* the generic path below */
    } else if (!is_thumb32(hw)) {
        if ((hw & 0xFF00u) == 0x4600u) {                          /* MOV Rd, Rm */
            rd = (int)((hw & 7u) | ((hw >> 4) & 8u));
            nv = rb[(hw >> 3) & 0xFu];
        } else if ((hw & 0xFFC0u) == 0x0000u) {                   /* MOVS Rd, Rm (LSL #0) */
            rd = (int)(hw & 7u);
            nv = rb[(hw >> 3) & 7u];
        } else if ((hw & 0xF800u) == 0x2000u) {                   /* MOVS Rd, #imm8 */
            rd = (int)((hw >> 8) & 7u);
            nv = (low_bits){LB_CONST, 0, (uint8_t)(hw & 3u)};
        } else if ((hw & 0xF000u) == 0x3000u) {                   /* ADDS/SUBS Rdn, #imm8 */
            rd = (int)((hw >> 8) & 7u);
            nv = rb[rd];
            nv.add = (uint8_t)((hw & 0x0800u) ? nv.add - (hw & 3u) : nv.add + (hw & 3u)) & 3u;
        } else if ((hw & 0xFC00u) == 0x1C00u) {                   /* ADDS/SUBS Rd, Rn, #imm3 */
            rd = (int)(hw & 7u);
            nv = rb[(hw >> 3) & 7u];
            uint8_t k = (uint8_t)((hw >> 6) & 3u);
            nv.add = (uint8_t)((hw & 0x0200u) ? nv.add - k : nv.add + k) & 3u;
        } else if ((hw & 0xF800u) == 0x4800u && read_u32(c, ((pc + 4) & ~3u) + (hw & 0xFFu) * 4, &lit)) {
            rd = (int)((hw >> 8) & 7u);                           /* LDR Rt, literal */
            nv = (low_bits){LB_CONST, 0, (uint8_t)(lit & 3u)};
        }
    } else if ((hw & 0xFBEFu) == 0xF04Fu && !(hw2 & 0x8000u)) {  /* MOV.W Rd, #const */
        rd = (int)((hw2 >> 8) & 0xFu);
        nv = (low_bits){LB_CONST, 0, (uint8_t)(thumb_expand_imm(hw, hw2) & 3u)};
    } else if ((hw & 0xFBF0u) == 0xF240u && !(hw2 & 0x8000u)) {  /* MOVW */
        rd = (int)((hw2 >> 8) & 0xFu);
        nv = (low_bits){LB_CONST, 0, (uint8_t)(hw2 & 3u)};
    } else if ((hw & 0xFBF0u) == 0xF2C0u && !(hw2 & 0x8000u)) {  /* MOVT: the low half stays */
        return;
    } else if (((hw & 0xFBE0u) == 0xF100u || (hw & 0xFBE0u) == 0xF1A0u || (hw & 0xFBF0u) == 0xF200u ||
                (hw & 0xFBF0u) == 0xF2A0u) && !(hw2 & 0x8000u) && (hw & 0xFu) != 15u) {
        /* ADD.W/SUB.W Rd, Rn, #const; ADDW/SUBW Rd, Rn, #imm12 */
        rd = (int)((hw2 >> 8) & 0xFu);
        nv = rb[hw & 0xFu];
        uint32_t k = (hw & 0x0200u) ? (((hw >> 10) & 1u) << 11 | ((hw2 >> 12) & 7u) << 8 | (hw2 & 0xFFu))
                                    : thumb_expand_imm(hw, hw2);
        bool sub = (hw & 0x0200u) ? (hw & 0x00A0u) == 0x00A0u : (hw & 0x01E0u) == 0x01A0u;
        nv.add = (uint8_t)((sub ? nv.add - k : nv.add + k) & 3u);
    } else if ((hw & 0xFFFFu) == 0xF8DFu && read_u32(c, ((pc + 4) & ~3u) + (hw2 & 0xFFFu), &lit)) {
        rd = (int)(hw2 >> 12);                                    /* LDR.W Rt, literal (+) */
        nv = (low_bits){LB_CONST, 0, (uint8_t)(lit & 3u)};
    }
    if (rd >= 0 && rd != 13 && rd != 15) {
        rb[rd] = nv;
        return;
    }
    uint16_t w = h7_trap_writes(hw, hw2);
    for (unsigned r = 0; r < 16; r++)
        if (w >> r & 1u)
            rb[r] = (low_bits){LB_UNKNOWN, 0, 0};
    rb[13] = (low_bits){LB_CONST, 0, 0};   /* SP[1:0] are always 0 (ARMv7-M B1.4.2) */
}

static bool hook_site(h7_cpu *c, uint32_t pc)
{
    bool was_full = c->traps->full, added = false;
    uc_hook h;
    if (h7_trap_add_site(c->traps, pc) && uc_hook_add(c->uc, &h, UC_HOOK_CODE, (void *)hk_trap, c, pc, pc) == UC_ERR_OK)
        added = true;
    if (c->traps->full && !was_full)
        cpu_note(c, "more than %u instructions that may fault (FP, divide, unaligned): the ones found from "
                 "0x%08X on are not checked", H7_TRAP_MAX_SITES, pc);
    return added;
}

/* First execution of a block: hook the instructions of the armed traps (FP, divide, every
 * load/store with UNALIGN_TRP). An always-aligned access (LDRD/STRD, LDM/STM, exclusives) needs no
 * code hook when its base register's low bits follow from the block's start (track_low_bits): a
 * constant is decided here (aligned: nothing to do; not: hooked), a start register plus an offset
 * is checked by the block hook at every start of the block (e->chk, at most 4 checks). The others
 * are hooked. With `only` (nonly checks), hook just the always-aligned accesses with one of these
 * checks (the block hook found them failing: the hook decides, precisely, at the instruction).
 * True if a hook was added (the block must be translated again to see it). */
static bool hook_trap_sites(h7_cpu *c, h7_tb_entry *e, uint32_t addr, uint32_t size, unsigned armed,
                            const uint8_t *only, unsigned nonly)
{
    bool added = false;
    low_bits rb[16];
    for (unsigned r = 0; r < 16; r++)
        rb[r] = (low_bits){LB_START, (uint8_t)r, 0};
    rb[13] = (low_bits){LB_CONST, 0, 0};   /* SP[1:0] are always 0 (ARMv7-M B1.4.2) */
    rb[15] = (low_bits){LB_UNKNOWN, 0, 0};
    uint8_t chk[4];
    unsigned nchk = 0;
    /* A block may start inside an IT block (a return from an exception taken there): the
     * instructions left in it are conditional. An instruction inside an IT block always has the
     * same ITSTATE, so what the first execution reads holds for every entry at this address. */
    uint32_t xpsr = rr(c->uc, UC_ARM_REG_XPSR);
    unsigned it = ((xpsr >> 25) & 3u) | ((xpsr >> 8) & 0xFCu);
    unsigned it_left = (it & 0xFu) ? 4u - (unsigned)__builtin_ctz(it & 0xFu) : 0u;
    for (uint32_t pc = addr; pc < addr + size;) {
        uint16_t hw = 0, hw2 = 0;
        unsigned rm;
        if (!read_u16(c, pc, &hw))
            break;
        bool wide = is_thumb32(hw);
        if (wide && !read_u16(c, pc + 2, &hw2))
            break;
        h7_trap_kind k = wide ? h7_trap_classify(hw, hw2, &rm) : H7_TRAP_NONE;
        mem_insn mi;
        unsigned rn = 0;
        int32_t off;
        bool mem = (armed & TRAP_ALIGN) && k != H7_TRAP_FP && decode_mem_insn(c, pc, hw, hw2, &mi);
        unsigned align = (armed & TRAP_MULTI) ? h7_trap_always_aligned(hw, hw2, &rn, &off) : 0;
        bool hooked = !only && ((k == H7_TRAP_FP && (armed & TRAP_FP)) || (k == H7_TRAP_DIV && (armed & TRAP_DIV)) || mem);
        if (hooked) {
            added |= hook_site(c, pc);
        } else if (align && !h7_trap_has_site(c->traps, pc)) {
            low_bits b = rb[rn];
            uint8_t want = (uint8_t)(align - 1u);
            if (b.kind == LB_CONST) {
                if ((b.add & want) && !only)
                    added |= hook_site(c, pc);   /* faults when reached (if its condition passes) */
            } else if (b.kind == LB_START) {
                uint8_t ck = (uint8_t)(b.reg | (b.add & want) << 4 | (align == 4 ? 0x40u : 0u));
                bool failing = false;
                for (unsigned i = 0; i < nonly; i++)
                    failing |= only[i] == ck;
                unsigned i = 0;
                while (i < nchk && chk[i] != ck)
                    i++;
                if (i == nchk && nchk < 4)
                    chk[nchk++] = ck;
                if (only ? failing : i == 4)
                    added |= hook_site(c, pc);   /* a failing check / no room for a fifth one */
            } else if (b.kind == LB_UNKNOWN && !only) {
                added |= hook_site(c, pc);
            }
        }
        if (!wide && (hw & 0xFF00u) == 0xBF00u && (hw & 0xFu)) {   /* IT: the next 1-4 are conditional */
            it_left = 4u - (unsigned)__builtin_ctz(hw & 0xFu);
        } else {
            track_low_bits(c, rb, pc, hw, hw2, it_left != 0);
            if (it_left)
                it_left--;
        }
        pc += wide ? 4 : 2;
    }
    if (!only) {
        e->nchk = (uint8_t)nchk;
        memcpy(e->chk, chk, nchk);
    }
    return added;
}

/* Block hook: the always-aligned accesses checked at the block's start (hook_trap_sites). True if
 * a check fails: its sites are hooked and the block must be translated again. */
static __attribute__((noinline)) bool block_misaligned(h7_cpu *c, h7_tb_entry *e, uint32_t addr, uint32_t size)
{
    unsigned bad = 0, nbad = 0;
    uint8_t failing[4];
    for (unsigned i = 0; i < e->nchk; i++) {
        uint8_t ck = e->chk[i];
        uint32_t mask = (ck & 0x40u) ? 3u : 1u;
        if ((reg_val(c, ck & 0xFu, addr) + ((ck >> 4) & 3u)) & mask) {
            bad |= 1u << i;
            failing[nbad++] = ck;
        }
    }
    if (!bad)
        return false;
    if (hook_trap_sites(c, e, addr, size, c->traps_armed, failing, nbad)) {
        e->key = 0;   /* decoded again at its next start: the hooked sites are no longer checked here */
        return true;
    }
    /* no room for a hook (the cap): these checks are dropped */
    unsigned n = 0;
    for (unsigned i = 0; i < e->nchk; i++)
        if (!(bad >> i & 1u))
            e->chk[n++] = e->chk[i];
    e->nchk = (uint8_t)n;
    return false;
}

/* ------------------------------------------------------------------ hooks */

static void apply_flash_stores(h7_cpu *c)
{
    /* Unicorn already performed the blocked stores into flash (a WRITE_PROT hook cannot veto):
     * put the old bytes back, then let the FLASH model decide what the store does. */
    for (unsigned i = 0; i < c->nflash_stores; i++) {
        h7_flash_store *s = &c->flash_stores[i];
        uint8_t *p = host_ptr(c, s->addr, s->size);
        if (p)
            memcpy(p, s->old, s->size);
    }
    for (unsigned i = 0; i < c->nflash_stores; i++) {
        h7_flash_store *s = &c->flash_stores[i];
        if (s->addr >= H7_FLASH_BASE && s->addr - H7_FLASH_BASE < H7_FLASH_SIZE)
            h7_flash_guest_store(&c->env.soc->flash, s->addr, (uint32_t)s->value, s->size,
                                 (h7_master)c->id);
        else
            h7_soc_log(c->env.soc, H7_LOG_GUEST_ERROR, "SYSMEM", "%s write of 0x%08X to read-only 0x%08X ignored",
                       h7_core_name(c->id), (uint32_t)s->value, s->addr);
    }
    c->nflash_stores = 0;
    c->flash_pending = false;
}

/* An access that may reach the other core or change what it reads (a peripheral access other than a
 * read of a register stable until an event, a PPB access, a SEV). The idle fast-forward counts them
 * (idle.c); a stretched window ends one quantum after the first (machine.c). */
static inline void count_cross_access(h7_cpu *c)
{
    c->mmio_count++;
    if (*c->env.window_stretched)
        c->env.shrink_window(c->env.ctx, c);
}

/* SEV is a NOP in Unicorn. The block decode (tb_entry) marks blocks holding one; the event is
 * signalled once the block has run: at the next block start, at the WFE/exception/fault that
 * ended the block, or when uc_emu_start returns. (No code hook per SEV site: with many sites
 * translation cost grew with their number.) SEV sets the local event register too and is the
 * TXEV that drives the other core's RXEV (soc.c). */
static void deliver_sev(h7_cpu *c)
{
    count_cross_access(c);
    c->sev_pending = false;
    c->event_reg = true;
    h7_soc_cpu_sev(c->env.soc, c->id);
}

/* The block hook's rare work (stops, breakpoints, faults, interrupts, SEV, flash stores). Returns
 * true if the block runs (it is then counted), false if it does not (stopped, or redirected to an
 * exception handler). Kept out of hk_block so that the common path stays a few instructions. */
static __attribute__((noinline)) bool block_slow(h7_cpu *c, uc_engine *uc, uint32_t addr)
{
    if (c->sev_pending)
        deliver_sev(c);
    if (c->nflash_stores)
        apply_flash_stores(c);
    uint32_t ff_resume;
    if (c->ff_probe && h7_idle_step(c, addr, &ff_resume)) {
        /* an idle loop: its instructions up to the window end are charged, the core is parked */
        c->stop_reason = H7_STOP_BUDGET;
        c->resume_pc = ff_resume;
        uc_emu_stop(uc);
        return false;
    }
    if (c->icount >= c->budget || c->want_stop || c->halt_request) {
        bool budget_only = !c->want_stop && !c->halt_request && c->stop_reason == H7_STOP_NONE;
        c->ff_probe_next = c->icount >= c->budget;
        if (budget_only && c->env.next_window(c->env.ctx, c))
            goto go_on;   /* the machine closed the window and gave a new budget: no stop */
        if (c->stop_reason == H7_STOP_NONE)
            c->stop_reason = c->halt_request ? H7_STOP_REQUEST : H7_STOP_BUDGET;
        /* In a block reached by TB chaining the engine's PC is stale (last sync), and writing PC
         * here restarts the block instead of stopping: remember the block start and set PC once
         * uc_emu_start has returned (h7_cpu_run). */
        c->resume_pc = addr;
        uc_emu_stop(uc);
        return false;
    }
go_on:
    if (c->env.break_addr[c->id] && addr == c->env.break_addr[c->id]) {
        c->env.break_hit[c->id] = true;
        *c->env.stop_requested = true;
        c->stop_reason = H7_STOP_REQUEST;
        c->resume_pc = addr;
        uc_emu_stop(uc);
        return false;
    }
    if (c->bus_error) {
        /* An access to a hole inside a mapped peripheral page: an imprecise BusFault here. */
        c->bus_error = false;
        char what[96];
        snprintf(what, sizeof what, "%s of 0x%08X: no peripheral there", c->bus_error_write ? "write" : "read",
                 c->bus_error_addr);
        raise_fault(c, H7_EXC_BUSFAULT, H7_CFSR_IMPRECISERR, false, 0, addr, what);
        return false;
    }
    if (c->irq_check) {
        /* CPACR / CCR are PPB writes (which set irq_check): a trap armed or disarmed means every
         * block is decoded again, and the armed traps' sites hooked (traps.h). */
        unsigned armed = traps_armed(c);
        if (armed != c->traps_armed) {
            memset(c->tbc, 0, TBC_SIZE * sizeof *c->tbc);
            c->ff_probe = NULL;
            c->traps_armed = armed;
        }
        h7_masks masks = read_masks(c);
        unsigned exc = h7_nvic_should_take(&c->nvic, &masks);
        if (exc) {
            exc_entry(c, exc, addr);
            return false;
        }
        /* Nothing takeable now. Checked again when that may change: an exception going pending, an
         * NVIC/SCB write (ppb_write), a mask write (the block decode), an exception return. */
        c->irq_check = false;
    }
    return true;
}

/* A block the common path does not handle: not decoded yet (or its cache slot holds another
 * block), holding a SEV or a mask write, or work pending (attention, budget, an idle probe). */
static __attribute__((noinline)) void block_full(h7_cpu *c, uc_engine *uc, uint32_t addr, uint32_t size)
{
    if (!block_slow(c, uc, addr))
        return;
    h7_tb_entry *e = &c->tbc[(addr >> 1) & (TBC_SIZE - 1)];
    if ((e->key & ~H7_TB_SPECIAL) != h7_tb_key(addr, size)) {
        e = tb_entry(c, addr, size);
        if (c->traps_armed && hook_trap_sites(c, e, addr, size, c->traps_armed, NULL, 0))
            goto retranslate;
        if (e->nchk)
            e->key |= H7_TB_SPECIAL;   /* its alignment checks run at every start: the full path */
    }
    if (e->nchk && block_misaligned(c, e, addr, size))
        goto retranslate;
    c->blk_addr = addr;
    c->blk_size = size;
    c->ff_loads_only += e->loads_only;
    c->sev_pending = e->sev;
    c->irq_check |= e->masks;
    if (c->ff_probe_next) {
        /* An idle loop is looked for where a window ended (a core that polls is in its loop
         * then), not on the common path: busy loops are probed ever more rarely (idle.c). */
        c->ff_probe_next = false;
        if (e->idle) {
            if (e->ff_countdown)
                e->ff_countdown--;
            else if (*c->env.ff_enabled && !c->ff_probe)
                h7_idle_probe(c, e, addr);   /* snapshots icount before this block */
        }
    }
    c->icount += e->count;
    return;
retranslate:
    /* Hooks apply to blocks translated after them: drop this one and run it again. */
    c->retranslate_lo = addr;
    c->retranslate_hi = addr + size;
    c->stop_reason = H7_STOP_RETRANSLATE;
    c->resume_pc = addr;
    uc_emu_stop(uc);
}

/* Every translation block start: the instruction budget (ARMv7-M has no cycle counter Unicorn
 * could give us; one instruction = one cycle, counted per block from the cached decode). The
 * common path is one cache probe, one test, one store and two additions: it runs once per guest
 * block. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "blk_key overlays blk_addr (low half) and blk_size");

static void hk_block(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    h7_cpu *c = ud;
    h7_tb_entry *e = &c->tbc[(address >> 1) & (TBC_SIZE - 1)];
    uint64_t key = h7_tb_key((uint32_t)address, size);
    bool full = (c->icount >= c->budget) | (c->attention != 0) | (c->ff_probe != NULL) | (e->key != key);
    if (__builtin_expect(full, 0)) {
        block_full(c, uc, (uint32_t)address, size);
        return;
    }
    c->blk_key = key;
    c->icount += e->count;
    c->ff_loads_only += e->loads_only;
}

static void hk_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    h7_cpu *c = ud;
    if (c->sev_pending)
        deliver_sev(c);
    if (c->state != H7_CPU_RUNNING) {
        /* Locked up (or stopped) in an earlier pass whose PC write made Unicorn resume. */
        uc_emu_stop(uc);
        return;
    }
    uint32_t pc = rr(uc, UC_ARM_REG_PC);
    switch (intno) {
    case 2:   /* SVC: PC is the next instruction */
        if (h7_nvic_group_prio(&c->nvic, H7_EXC_SVCALL) >= h7_nvic_exec_prio(&c->nvic, &(h7_masks){0}) ||
            read_masks(c).primask) {
            /* An SVC that cannot be taken escalates: HardFault with HFSR.FORCED (ARMv7-M B1.5.4). */
            if (c->state == H7_CPU_RUNNING && current_ipsr(c) != H7_EXC_HARDFAULT)
                c->nvic.hfsr |= H7_HFSR_FORCED;
            raise_fault(c, H7_EXC_HARDFAULT, 0, false, 0, pc, "svc with SVCall masked or not above the current priority");
            return;
        }
        c->nvic.pending[H7_EXC_SVCALL] = true;
        exc_entry(c, H7_EXC_SVCALL, pc);
        return;
    case 8:   /* exception return: PC = EXC_RETURN & ~1 */
        exc_return(c, pc | 1u);
        return;
    case 7:   /* BKPT with no debugger attached: HardFault (DebugMonitor not enabled) */
        if (c->env.bkpt && c->env.bkpt(c->env.ctx, c, pc))
            return;   /* served by the host (BKPT 0xAB with --semihosting) */
        c->nvic.dfsr |= 2u;
        /* ARMv7-M C1.4 / B3.2.16: a debug event escalated to HardFault sets HFSR.DEBUGEVT. */
        if (current_ipsr(c) != H7_EXC_HARDFAULT)
            c->nvic.hfsr |= 1u << 31;
        raise_fault(c, H7_EXC_HARDFAULT, 0, false, 0, pc, "bkpt without a debugger");
        return;
    case 3:   /* prefetch abort: branch into execute-never space (e.g. EXC_RETURN in Thread mode) */
        raise_fault(c, H7_EXC_MEMMANAGE, H7_CFSR_IACCVIOL, false, 0, pc, "instruction fetch from execute-never address");
        return;
    case 17:
        raise_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_NOCP, false, 0, pc, "coprocessor access (FPU disabled?)");
        return;
    case 18:
        raise_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_INVSTATE, false, 0, pc, "invalid state (branch to an even address?)");
        return;
    case 22:
        raise_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_UNALIGNED, false, 0, pc, "unaligned access");
        return;
    default: {
        char what[64];
        snprintf(what, sizeof what, "unexpected CPU exception %u", intno);
        raise_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_UNDEFINSTR, false, 0, pc, what);
        return;
    }
    }
}

static bool hk_insn_invalid(uc_engine *uc, void *ud)
{
    h7_cpu *c = ud;
    if (c->sev_pending)
        deliver_sev(c);   /* "SEV; WFE" in one block: the WFE sees the event */
    uint32_t pc = rr(uc, UC_ARM_REG_PC);
    uint16_t a = 0, b = 0;
    /* Unicorn raises WFE/YIELD as invalid instructions with PC after them (engine.h for what
     * returning true means on each version). */
    bool narrow_wfe = read_u16(c, pc - 2, &b) && (b == 0xBF20 || b == 0xBF10);
    bool wide_wfe = read_u16(c, pc - 4, &a) && read_u16(c, pc - 2, &b) && a == 0xF3AF && (b == 0x8002 || b == 0x8001);
    if (narrow_wfe || wide_wfe) {
        bool is_yield = (narrow_wfe && b == 0xBF10) || (wide_wfe && b == 0x8001);
        if (!is_yield) {
            c->stop_reason = H7_STOP_WFE;
            return h7_engine_stop_at_hint(uc);
        }
        /* YIELD is a hint with no effect on a single-threaded core: a NOP. */
        bool engine_stops;
        bool ret = h7_engine_continue_after_hint(&engine_stops);
        if (engine_stops)
            c->stop_reason = H7_STOP_YIELD;
        return ret;
    }
    return false;
}

static bool hk_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *ud)
{
    h7_cpu *c = ud;
    c->unmapped_addr = (uint32_t)address;
    c->unmapped_type = type;
    return false;
}

static bool hk_write_prot(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *ud)
{
    h7_cpu *c = ud;
    if (type != UC_MEM_WRITE_PROT || size <= 0 || size > 8)
        return false;
    if (c->nflash_stores == 8)
        apply_flash_stores(c);
    h7_flash_store *s = &c->flash_stores[c->nflash_stores++];
    c->flash_pending = true;
    s->addr = (uint32_t)address;
    s->size = (unsigned)size;
    s->value = (uint64_t)value;
    const uint8_t *p = host_ptr(c, s->addr, s->size);
    if (p)
        memcpy(s->old, p, s->size);
    return true;   /* Unicorn stores anyway; apply_flash_stores undoes it at the next block */
}


/* ------------------------------------------------------------------ MMIO */

static uint64_t ppb_read(uc_engine *uc, uint64_t offset, unsigned size, void *ud)
{
    h7_cpu *c = ud;
    count_cross_access(c);
    return h7_nvic_ppb_read(&c->nvic, (uint32_t)offset, size);
}

static void ppb_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ud)
{
    h7_cpu *c = ud;
    count_cross_access(c);
    c->irq_check = true;   /* enables, priorities, PRIGROUP...: evaluate at the next block start */
    h7_nvic_ppb_write(&c->nvic, (uint32_t)offset, (uint32_t)value, size);
}

static uint64_t periph_read(uc_engine *uc, uint64_t offset, unsigned size, void *ud)
{
    h7_mmio_ctx *x = ud;
    h7_cpu *c = x->cpu;
    uint32_t addr = x->base + (uint32_t)offset;
    const h7_window *w = h7_soc_find_window(c->env.soc, addr);
    if (!w || !h7_soc_read_is_stable(c->env.soc, w, addr - w->base))
        count_cross_access(c);   /* a read the idle fast-forward cannot treat like one of RAM (idle.c) */
    if (!w) {
        c->bus_error = true;
        c->bus_error_addr = addr;
        c->bus_error_write = false;
        return 0;
    }
    return h7_soc_window_read(c->env.soc, w, addr - w->base, size, (h7_master)c->id);
}

static void periph_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ud)
{
    h7_mmio_ctx *x = ud;
    h7_cpu *c = x->cpu;
    count_cross_access(c);
    uint32_t addr = x->base + (uint32_t)offset;
    const h7_window *w = h7_soc_find_window(c->env.soc, addr);
    if (!w) {
        c->bus_error = true;
        c->bus_error_addr = addr;
        c->bus_error_write = true;
        return;
    }
    h7_soc_window_write(c->env.soc, w, addr - w->base, (uint32_t)value, size, (h7_master)c->id);
}

/* Peripheral windows are 1 KiB but Unicorn maps 4 KiB pages: map every page that holds a window
 * (merging neighbours) and dispatch by address; a page hole is a bus error. */
static int map_peripherals(h7_cpu *c, char *err, size_t errlen)
{
    const h7_soc *soc = c->env.soc;
    size_t cap = soc->nwindows;
    c->mmio = calloc(cap, sizeof *c->mmio);
    if (!c->mmio)
        return -1;
    uint64_t run_lo = 0, run_hi = 0;
    for (size_t i = 0; i <= soc->nwindows; i++) {
        uint64_t lo = 0, hi = 0;
        if (i < soc->nwindows) {
            lo = soc->windows[i].base & ~0xFFFull;
            hi = ((uint64_t)soc->windows[i].base + soc->windows[i].size + 0xFFFull) & ~0xFFFull;
            if (run_hi && lo <= run_hi) {
                if (hi > run_hi)
                    run_hi = hi;
                continue;
            }
        }
        if (run_hi) {
            h7_mmio_ctx *x = &c->mmio[c->nmmio++];
            x->cpu = c;
            x->base = (uint32_t)run_lo;
            uc_err e = uc_mmio_map(c->uc, run_lo, run_hi - run_lo, periph_read, x, periph_write, x);
            if (e != UC_ERR_OK) {
                snprintf(err, errlen, "uc_mmio_map 0x%08llX: %s", (unsigned long long)run_lo, uc_strerror(e));
                return -1;
            }
        }
        run_lo = lo;
        run_hi = hi;
    }
    return 0;
}

int h7_cpu_open(h7_cpu *c, const h7_cpu_env *env, h7_core_id id, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->env = *env;
    c->id = id;
    c->hz = 64000000u;
    c->traps = calloc(1, sizeof *c->traps);
    c->traps_armed = TRAP_MULTI;
    if (!c->traps)
        return -1;
    uc_err e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &c->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "uc_open: %s", uc_strerror(e));
        return -1;
    }
    /* UC_MODE_MCLASS would silently give a Cortex-M33: plain THUMB + the model (notes §1). */
    uc_ctl_set_cpu_model(c->uc, id == H7_CM7 ? UC_CPU_ARM_CORTEX_M7 : UC_CPU_ARM_CORTEX_M4);
    /* An empty set of exits instead of an `until` address: Unicorn drops the translation at
     * `until` after every run, which cost 0.1-0.2 us of each uc_emu_start (bench_engine_probe). */
    e = uc_ctl_exits_enable(c->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "uc_ctl_exits_enable: %s", uc_strerror(e));
        return -1;
    }
    for (size_t i = 0; i < h7_mem_region_count; i++) {
        const h7_mem_region *r = &h7_mem_regions[i];
        if (!r->on_core[id])
            continue;
        uint32_t perms = r->kind == H7_MEM_RAM ? UC_PROT_ALL : (UC_PROT_READ | UC_PROT_EXEC);
        e = uc_mem_map_ptr(c->uc, r->base, r->size, perms, env->phys[r->phys] + r->phys_offset);
        if (e != UC_ERR_OK) {
            snprintf(err, errlen, "uc_mem_map_ptr %s: %s", r->name, uc_strerror(e));
            return -1;
        }
    }
    e = uc_mmio_map(c->uc, 0xE0000000u, 0x100000u, ppb_read, c, ppb_write, c);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "uc_mmio_map PPB: %s", uc_strerror(e));
        return -1;
    }
    if (map_peripherals(c, err, errlen) != 0)
        return -1;
    uc_hook_add(c->uc, &c->hooks[0], UC_HOOK_BLOCK, (void *)hk_block, c, 1, 0);
    uc_hook_add(c->uc, &c->hooks[1], UC_HOOK_INTR, (void *)hk_intr, c, 1, 0);
    uc_hook_add(c->uc, &c->hooks[2], UC_HOOK_INSN_INVALID, (void *)hk_insn_invalid, c, 1, 0);
    uc_hook_add(c->uc, &c->hooks[3], UC_HOOK_MEM_UNMAPPED, (void *)hk_unmapped, c, 1, 0);
    uc_hook_add(c->uc, &c->hooks[4], UC_HOOK_MEM_WRITE_PROT, (void *)hk_write_prot, c, 1, 0);
    return 0;
}

void h7_cpu_close(h7_cpu *c)
{
    if (c->uc)
        uc_close(c->uc);
    c->uc = NULL;
    free(c->mmio);
    if (c->traps)
        h7_trap_free(c->traps);
    free(c->traps);
    c->traps = NULL;
    c->mmio = NULL;
}

static bool vector_ok(const h7_cpu *c, uint32_t sp, uint32_t pc)
{
    const h7_mem_region *rs = h7_memmap_find(c->id, sp - 4);
    const h7_mem_region *rp = h7_memmap_find(c->id, pc & ~1u);
    return rs && rs->kind == H7_MEM_RAM && rp && (pc & 1u);
}

void h7_cpu_reset(h7_cpu *c, uint32_t boot, bool held)
{
    uc_engine *uc = c->uc;
    /* Handler mode is privileged whatever CONTROL says: write everything from there. */
    wr(uc, UC_ARM_REG_XPSR, 0x01000003u);
    force_hflags(uc);
    wr(uc, UC_ARM_REG_CONTROL, 0);
    static const int gprs[] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,
                               UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9,
                               UC_ARM_REG_R10, UC_ARM_REG_R11, UC_ARM_REG_R12};
    for (size_t i = 0; i < sizeof gprs / sizeof gprs[0]; i++)
        wr(uc, gprs[i], 0);
    wr(uc, UC_ARM_REG_LR, 0xFFFFFFFFu);
    wr(uc, UC_ARM_REG_PRIMASK, 0);
    wr(uc, UC_ARM_REG_BASEPRI, 0);
    wr(uc, UC_ARM_REG_FAULTMASK, 0);
    for (int i = 0; i < 32; i++)
        wr(uc, UC_ARM_REG_S0 + i, 0);
    wr(uc, UC_ARM_REG_FPSCR, 0);
    uint32_t sp = 0xFFFFFFFFu, pc = 0xFFFFFFFFu;
    const uint8_t *vt = host_ptr(c, boot, 8);   /* NULL: the boot address is not memory */
    if (vt) {
        memcpy(&sp, vt, 4);
        memcpy(&pc, vt + 4, 4);
    }
    wr(uc, UC_ARM_REG_MSP, sp & ~3u);
    wr(uc, UC_ARM_REG_PSP, 0);
    wr(uc, UC_ARM_REG_CONTROL, 0);
    wr(uc, UC_ARM_REG_XPSR, 0x01000000u);
    force_hflags(uc);
    wr(uc, UC_ARM_REG_PC, pc | 1u);
    h7_nvic_reset(&c->nvic, boot);   /* VTOR = boot address (facts §1.2) */
    c->event_reg = false;
    c->sev_pending = false;
    c->ff_probe = NULL;
    c->ff_parked = false;
    c->deep_sleep = false;
    c->irq_check = false;
    c->want_stop = false;
    c->bus_error = false;
    c->nflash_stores = 0;
    c->flash_pending = false;
    c->ff_probe_next = false;
    c->stop_reason = H7_STOP_NONE;
    c->fault_text[0] = '\0';
    c->nvic.core_hz = 0;
    h7_nvic_set_core_hz(&c->nvic, c->hz);
    if (held) {
        c->state = H7_CPU_HELD;
    } else if (!c->env.has_img[c->id] && (!vt || (sp == 0 && pc == 0))) {
        /* No image for this core (e.g. the CM4 started from empty SRAM with BOOT0 = 1): say so
         * rather than report a firmware fault. */
        c->state = H7_CPU_NOFW;
        snprintf(c->fault_text, sizeof c->fault_text, "no firmware at its boot address 0x%08X (%s)", boot,
                 vt ? "empty memory" : "not memory");
    } else if (!vt) {
        c->state = H7_CPU_LOCKUP;
        snprintf(c->fault_text, sizeof c->fault_text,
                 "lockup at reset: boot address 0x%08X is not memory (a peripheral or a hole), the vector fetch fails",
                 boot);
    } else if (sp == 0xFFFFFFFFu && pc == 0xFFFFFFFFu) {
        c->state = H7_CPU_NOFW;
        snprintf(c->fault_text, sizeof c->fault_text, "no firmware at its boot address 0x%08X (erased flash)", boot);
    } else if (sp == 0 && pc == 0) {
        /* An all-zero vector table: PC 0 with the Thumb bit clear faults at the first fetch
         * (INVSTATE, escalated to HardFault), whose vector is 0 as well -> lockup (ARMv7-M B1.5.5). */
        c->state = H7_CPU_LOCKUP;
        c->nvic.cfsr |= H7_CFSR_INVSTATE;
        c->nvic.hfsr |= H7_HFSR_FORCED;
        snprintf(c->fault_text, sizeof c->fault_text,
                 "lockup at the first instruction fetch: the vector table at 0x%08X is all zero (reset PC 0x00000000 "
                 "without the Thumb bit: INVSTATE, escalated to HardFault, whose vector is 0 too)", boot);
    } else if (!vector_ok(c, sp, pc)) {
        c->state = H7_CPU_LOCKUP;
        snprintf(c->fault_text, sizeof c->fault_text,
                 "lockup at reset: vector table at 0x%08X gives SP 0x%08X, PC 0x%08X (not RAM / not Thumb code)",
                 boot, sp, pc);
    } else {
        c->state = H7_CPU_RUNNING;
    }
}

/* ------------------------------------------------------------------ sleep and run */

static void enter_sleep(h7_cpu *c, h7_cpu_state kind)
{
    if (kind == H7_CPU_SLEEP_WFI && h7_nvic_any_pending(&c->nvic))
        return;   /* WFI with an interrupt pending does not sleep */
    if (kind == H7_CPU_SLEEP_WFE) {
        h7_masks masks = read_masks(c);
        if (h7_nvic_should_take(&c->nvic, &masks))
            return;
    }
    c->state = kind;
    c->sleep_start = h7_cpu_local_time(c);
    int was_running = *c->env.running;
    *c->env.running = (int)c->id;   /* events below happen at this core's local time */
    c->nsleeps++;
    c->deep_sleep = (c->nvic.scr & 4u) != 0;   /* SCR.SLEEPDEEP: CStop (RM0399 §7.6.1) */
    if (c->deep_sleep) {
        c->env.emit(c->env.ctx, &(h7_ev){.kind = H7_EV_CORE_CSTOP, .core = c->id,
                                       .u.cstop = {true, kind == H7_CPU_SLEEP_WFE}});
        h7_nvic_set_core_hz(&c->nvic, 0);       /* the core clock (and SysTick) stop in CStop */
        h7_soc_cpu_stop_changed(c->env.soc, c->id, true);
    }
    *c->env.running = was_running;
}

static void wake(h7_cpu *c)
{
    h7_time_ps t = c->env.now(c->env.ctx);
    h7_cpu_catch_up(c, t);
    c->slept_ps += h7_cpu_local_time(c) - c->sleep_start;
    c->state = H7_CPU_RUNNING;
    c->irq_check = true;
    if (c->deep_sleep) {
        c->deep_sleep = false;
        c->env.emit(c->env.ctx, &(h7_ev){.kind = H7_EV_CORE_CSTOP, .core = c->id, .u.cstop = {false, false}});
        h7_nvic_set_core_hz(&c->nvic, c->hz);
        h7_soc_cpu_stop_changed(c->env.soc, c->id, false);
    }
}

void h7_cpu_check_wake(h7_cpu *c)
{
    if (c->state == H7_CPU_SLEEP_WFI) {
        if (h7_nvic_any_pending(&c->nvic))
            wake(c);
    } else if (c->state == H7_CPU_SLEEP_WFE) {
        if (c->event_reg) {
            c->event_reg = false;
            wake(c);
        } else {
            h7_masks masks = read_masks(c);
            if (h7_nvic_should_take(&c->nvic, &masks))
                wake(c);
        }
    }
}

static bool after_wfi(h7_cpu *c, uint32_t pc)
{
    uint16_t a = 0, b = 0;
    if (read_u16(c, pc - 2, &b) && b == 0xBF30)
        return true;
    return read_u16(c, pc - 4, &a) && read_u16(c, pc - 2, &b) && a == 0xF3AF && b == 0x8003;
}

static void handle_error(h7_cpu *c, uc_err err)
{
    uint32_t pc = rr(c->uc, UC_ARM_REG_PC);
    switch (err) {
    case UC_ERR_READ_UNMAPPED:
        data_fault(c, c->unmapped_addr, false);
        return;
    case UC_ERR_WRITE_UNMAPPED:
        data_fault(c, c->unmapped_addr, true);
        return;
    case UC_ERR_FETCH_UNMAPPED: {
        char what[80];
        snprintf(what, sizeof what, "instruction fetch from 0x%08X: nothing there", pc);
        raise_fault(c, H7_EXC_BUSFAULT, H7_CFSR_IBUSERR, false, 0, pc, what);
        return;
    }
    case UC_ERR_INSN_INVALID: {
        if (!(rr(c->uc, UC_ARM_REG_XPSR) & (1u << 24))) {
            /* BX/BLX/POP/LDR to an even address clears EPSR.T; the next instruction is an
             * INVSTATE UsageFault (ARMv7-M A7.7.20, B1.4.2). Unicorn 2.0.1 reports an invalid
             * ARM-state instruction instead. */
            raise_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_INVSTATE, false, 0, pc,
                        "execution with EPSR.T = 0 (branch to an even address)");
            return;
        }
        uint16_t hw = 0;
        read_u16(c, pc, &hw);
        char what[80];
        snprintf(what, sizeof what, "undefined instruction 0x%04X", hw);
        raise_fault(c, H7_EXC_USAGEFAULT, H7_CFSR_UNDEFINSTR, false, 0, pc, what);
        return;
    }
    default: {
        char pcs[128];
        describe_pc(c, pc, pcs, sizeof pcs);
        snprintf(c->fault_text, sizeof c->fault_text, "CPU stopped: %s at %s", uc_strerror(err), pcs);
        cpu_note(c, "fault: %s", c->fault_text);
        stop_core(c, H7_CPU_FAULTED);
        return;
    }
    }
}

/* A fault found by a trap hook (trap_fault) is taken once the engine has stopped in front of the
 * instruction. True if one was. */
static bool deliver_trap(h7_cpu *c, uc_err err)
{
    h7_trap_sites *t = c->traps;
    if (!t->pending)
        return false;
    t->pending = false;
    if (err != UC_ERR_OK)
        return false;
    wr(c->uc, UC_ARM_REG_PC, t->pc | 1u);
    raise_fault(c, t->exc, t->cfsr, false, 0, t->pc, t->what);
    return true;
}

/* After a stop requested by the block hook, PC must be the start of the block that was not run. */
static void fix_resume_pc(h7_cpu *c)
{
    if (c->resume_pc) {
        wr(c->uc, UC_ARM_REG_PC, c->resume_pc | 1u);
        c->resume_pc = 0;
    }
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Local time is seg_time + floor((icount - seg_cycles) * 1e12 / hz). Moving the segment start by a
 * whole number of hz/gcd(hz, 1e12) cycles (an exact number of picoseconds) changes no value and
 * keeps the product in 64 bits (h7_cpu_local_time's fast path). */
static void rebase_segment(h7_cpu *c)
{
    uint64_t n = c->icount - c->seg_cycles;
    if (n < (1u << 23) || !c->hz)
        return;
    uint64_t g = gcd_u64(c->hz, H7_PS_PER_S), step = c->hz / g, k = n / step;
    c->seg_cycles += k * step;
    c->seg_time += k * (H7_PS_PER_S / g);
}

bool h7_cpu_set_budget(h7_cpu *c, h7_time_ps until)
{
    rebase_segment(c);
    h7_time_ps now = h7_cpu_local_time(c);
    if (now >= until)
        return false;
    uint64_t d = until - now, cycles;
    if (c->hz && d < (UINT64_MAX - H7_PS_PER_S) / c->hz)   /* a window: no 128-bit division */
        cycles = (d * c->hz + H7_PS_PER_S - 1) / H7_PS_PER_S;
    else
        cycles = (uint64_t)(((unsigned __int128)d * c->hz + H7_PS_PER_S - 1) / H7_PS_PER_S);
    c->budget = c->icount + (cycles ? cycles : 1);
    c->until = until;
    return true;
}

void h7_cpu_run(h7_cpu *c, h7_time_ps until)
{
    c->until = until;   /* the block hook may move it on (h7_machine_next_window) */
    c->leave_run = false;
    if (c->ff_parked && h7_idle_skip_window(c, until))
        return;   /* still in its idle loop: the window's instructions are charged (idle.c) */
    while (c->state == H7_CPU_RUNNING && !*c->env.stop_requested && !*c->env.sysreset_pending && !c->leave_run) {
        if (!h7_cpu_set_budget(c, c->until))
            break;
        c->stop_reason = H7_STOP_NONE;
        c->want_stop = false;
        c->unmapped_type = 0;
        uint32_t pc = rr(c->uc, UC_ARM_REG_PC);
        *c->env.running = (int)c->id;
        c->resume_pc = 0;
        c->break_armed = c->env.break_addr[c->id] != 0;
        uc_err err = uc_emu_start(c->uc, pc | 1u, UNTIL_ADDR, 0, 0);
        if (c->sev_pending)
            deliver_sev(c);
        *c->env.running = -1;
        fix_resume_pc(c);
        if (c->retranslate_hi) {
            uc_ctl_remove_cache(c->uc, c->retranslate_lo, c->retranslate_hi);
            c->retranslate_lo = c->retranslate_hi = 0;
        }
        if (deliver_trap(c, err))
            continue;
        if (c->nflash_stores)
            apply_flash_stores(c);
        if (err != UC_ERR_OK) {
            handle_error(c, err);
            continue;
        }
        if (c->halt_request && c->state == H7_CPU_RUNNING) {
            c->halt_request = false;
            c->state_before_halt = H7_CPU_RUNNING;
            c->state = H7_CPU_HALTED;
            *c->env.stop_requested = true;
            break;
        }
        switch (c->stop_reason) {
        case H7_STOP_BUDGET:
        case H7_STOP_YIELD:   /* the engine stopped after a YIELD: resume after it */
        case H7_STOP_RETRANSLATE:
            break;
        case H7_STOP_WFE:
            if (c->event_reg)
                c->event_reg = false;   /* WFE consumes a pending event and does not sleep */
            else
                enter_sleep(c, H7_CPU_SLEEP_WFE);
            break;
        case H7_STOP_REQUEST:
            if (c->state == H7_CPU_RUNNING && c->sleep_on_exit) {
                c->sleep_on_exit = false;
                enter_sleep(c, H7_CPU_SLEEP_WFI);
            }
            break;
        default:
            if (after_wfi(c, rr(c->uc, UC_ARM_REG_PC))) {
                enter_sleep(c, H7_CPU_SLEEP_WFI);
            } else {
                char pcs[128];
                describe_pc(c, rr(c->uc, UC_ARM_REG_PC), pcs, sizeof pcs);
                snprintf(c->fault_text, sizeof c->fault_text, "CPU stopped for no known reason at %s", pcs);
                stop_core(c, H7_CPU_FAULTED);
            }
            break;
        }
    }
}

/* ------------------------------------------------------------------ debugger */

static void hk_breakpoint(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    h7_cpu *c = ud;
    if (c->bp_skip == (uint32_t)address) {
        c->bp_skip = 0;
        return;
    }
    c->halt_request = true;
    c->halt_reason = H7_HALT_BREAKPOINT;
    c->halt_addr = (uint32_t)address;
    c->stop_reason = H7_STOP_REQUEST;
    uc_emu_stop(uc);   /* a code hook stops before the instruction: PC is exact (measured) */
}

static void hk_watch(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *ud)
{
    h7_cpu *c = ud;
    /* Like a DWT watchpoint, the stop is imprecise: at the next block start. */
    c->halt_request = true;
    c->halt_reason = H7_HALT_WATCHPOINT;
    c->halt_addr = (uint32_t)address;
}

void h7_cpu_halt(h7_cpu *c, h7_halt_reason why)
{
    if (c->state == H7_CPU_HALTED)
        return;
    c->state_before_halt = c->state;
    c->state = H7_CPU_HALTED;
    c->halt_reason = why;
}

void h7_cpu_resume(h7_cpu *c)
{
    if (c->state != H7_CPU_HALTED)
        return;
    c->state = c->state_before_halt;
    c->halt_request = false;
    c->bp_skip = rr(c->uc, UC_ARM_REG_PC) & ~1u;
    h7_cpu_catch_up(c, c->env.now(c->env.ctx));
    h7_cpu_check_wake(c);
}

static void hk_step(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    h7_cpu *c = ud;
    if (c->step_first) {
        c->step_first = false;
        return;
    }
    uc_emu_stop(uc);   /* before the second instruction: PC is exact (code hook) */
}

/* Exception entry latency of the Cortex-M4/M7 (12 cycles, zero-wait-state memory). */
#define EXC_ENTRY_CYCLES 12u

void h7_cpu_step(h7_cpu *c, bool mask_irqs)
{
    if (c->state != H7_CPU_HALTED)
        return;
    h7_cpu_state before = c->state_before_halt;
    if (before != H7_CPU_RUNNING && before != H7_CPU_SLEEP_WFI && before != H7_CPU_SLEEP_WFE)
        return;
    if (before != H7_CPU_RUNNING) {
        /* A debug halt is a wake-up event (ARMv7-M B1.5.19, C1.4): the core halted in WFI/WFE
         * steps from the instruction after it; no interrupt is taken because of the halt. */
        c->state = before;
        bool irq = c->irq_check;
        wake(c);
        c->irq_check = irq;
    }
    c->state = H7_CPU_RUNNING;
    uint32_t pc = rr(c->uc, UC_ARM_REG_PC) & ~1u;
    uint64_t icount0 = c->icount;
    c->halt_reason = H7_HALT_NONE;
    bool irq_check = c->irq_check;
    if (!mask_irqs && irq_check) {
        /* The step takes a pending exception that preempts the instruction: it stops at the
         * first instruction of the handler, as a halting-debug step does. */
        h7_masks masks = read_masks(c);
        unsigned exc = h7_nvic_should_take(&c->nvic, &masks);
        if (exc) {
            exc_entry(c, exc, pc);
            c->icount = icount0 + EXC_ENTRY_CYCLES;
            goto done;
        }
    }
    /* Interrupts masked during the step (like OpenOCD's maskisr): the pending ones stay pending. */
    c->irq_check = false;
    /* One instruction: a code hook on [pc, pc+4] stops before the next sequential instruction;
     * anything else (branch, exception) starts a new block, where the budget of one stops it.
     * The blocks at PC are dropped so that they are translated with the hook (a cached block
     * would run on without it, notes §9). Unicorn's own count limit is not used: removing its
     * hook afterwards flushes the whole translation cache. */
    uc_hook step_hook;
    c->step_first = true;
    uc_hook_add(c->uc, &step_hook, UC_HOOK_CODE, (void *)hk_step, c, pc, pc + 4);
    uc_ctl_remove_cache(c->uc, pc, pc + 4);
    c->bp_skip = pc;
    c->budget = icount0 + 1;
    c->stop_reason = H7_STOP_NONE;
    c->want_stop = false;
    c->halt_request = false;
    *c->env.running = (int)c->id;
    c->resume_pc = 0;
    uc_err err = uc_emu_start(c->uc, pc | 1u, UNTIL_ADDR, 0, 0);
    if (c->sev_pending)
        deliver_sev(c);
    *c->env.running = -1;
    uc_hook_del(c->uc, step_hook);
    uc_ctl_remove_cache(c->uc, pc, pc + 4);
    fix_resume_pc(c);
    if (c->retranslate_hi) {
        uc_ctl_remove_cache(c->uc, c->retranslate_lo, c->retranslate_hi);
        c->retranslate_lo = c->retranslate_hi = 0;
    }
    deliver_trap(c, err);   /* the step is the exception entry */
    if (c->nflash_stores)
        apply_flash_stores(c);
    c->bp_skip = 0;
    c->halt_request = false;
    c->icount = icount0 + 1;   /* 1 instruction = 1 core cycle (machine.h) */
    if (err != UC_ERR_OK)
        handle_error(c, err);
    c->irq_check = c->irq_check || irq_check;
done:
    if (c->state == H7_CPU_RUNNING) {
        c->state_before_halt = H7_CPU_RUNNING;
        c->state = H7_CPU_HALTED;
    }
    if (c->halt_reason != H7_HALT_WATCHPOINT)
        c->halt_reason = H7_HALT_STEP;
}

bool h7_cpu_set_breakpoint(h7_cpu *c, uint32_t addr, bool on)
{
    addr &= ~1u;
    for (unsigned i = 0; i < c->nbps; i++)
        if (c->bps[i].addr == addr) {
            if (!on) {
                uc_hook_del(c->uc, c->bps[i].h);
                c->bps[i] = c->bps[--c->nbps];
            }
            return true;
        }
    if (!on)
        return true;
    if (c->nbps == sizeof c->bps / sizeof c->bps[0])
        return false;
    uc_hook h;
    if (uc_hook_add(c->uc, &h, UC_HOOK_CODE, (void *)hk_breakpoint, c, addr, addr) != UC_ERR_OK)
        return false;
    c->bps[c->nbps].addr = addr;
    c->bps[c->nbps].h = h;
    c->nbps++;
    /* Code already translated must see the new hook. */
    uc_ctl_remove_cache(c->uc, addr, addr + 4);
    return true;
}

/* Unicorn 2.1 decides at translation time whether a load or store calls the memory hooks (2.0.1
 * calls them from its slow store path anyway): code translated before a watchpoint was added or
 * removed is dropped, every block. */
static void retranslate_all(h7_cpu *c)
{
    uc_ctl_flush_tb(c->uc);
    memset(c->tbc, 0, TBC_SIZE * sizeof *c->tbc);
    c->ff_probe = NULL;
}

bool h7_cpu_set_watchpoint(h7_cpu *c, uint32_t addr, uint32_t len, int type, bool on)
{
    for (unsigned i = 0; i < c->nwps; i++)
        if (c->wps[i].addr == addr && c->wps[i].len == len && c->wps[i].type == type) {
            if (!on) {
                uc_hook_del(c->uc, c->wps[i].h);
                c->wps[i] = c->wps[--c->nwps];
                retranslate_all(c);
            }
            return true;
        }
    if (!on)
        return true;
    /* A range past 0xFFFFFFFF would wrap, and Unicorn takes begin > end as "every address". */
    if (c->nwps == sizeof c->wps / sizeof c->wps[0] || len == 0 || (uint64_t)addr + len - 1 > 0xFFFFFFFFu)
        return false;
    int kinds = type == 2 ? UC_HOOK_MEM_WRITE : type == 3 ? UC_HOOK_MEM_READ : (UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE);
    uc_hook h;
    if (uc_hook_add(c->uc, &h, kinds, (void *)hk_watch, c, addr, addr + len - 1) != UC_ERR_OK)
        return false;
    c->wps[c->nwps].addr = addr;
    c->wps[c->nwps].len = len;
    c->wps[c->nwps].type = type;
    c->wps[c->nwps].h = h;
    c->nwps++;
    retranslate_all(c);
    return true;
}

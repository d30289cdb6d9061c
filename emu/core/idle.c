/* Idle-loop fast-forward (idle.h), in the spirit of mGBA's idle-loop detection, kept exact:
 *
 * 1. Decode (once per translation block): a block is *load-only* if every instruction is a load,
 *    a register-only operation or a branch/call/return (no store, no exception-generating, system
 *    or FP/coprocessor instruction). Only load-only blocks can form an idle loop.
 * 2. Probe: at the first block after a window ended, if it is load-only (a core that polls is in
 *    its loop whenever a window ends; exponential back-off per block, counted in windows), snapshot the
 *    registers, the instruction count, the core's count of peripheral accesses (reads of the few
 *    registers their model declares stable until an event do not count, h7_stable_fn) and the
 *    other core's count of instructions that could store, the count of events fired. Then, at every block start, record the
 *    block (address, offset in the iteration, registers) until the probed block comes back. It
 *    is idle if every block in between was load-only, nothing else changed and the registers are
 *    those of the probe: an iteration is then a function of registers and memory only and
 *    reproduced its own state, so it repeats identically for ever while memory does not change.
 * 3. While a core runs its part of a window nothing else runs (one host thread; the other core
 *    runs before or after it; events fire at window ends), so memory changes only by this core,
 *    which no longer stores. Full execution would stop at the first block start with
 *    icount >= budget: the skip sets icount to exactly that value and puts the core at the start
 *    of that block of the loop, with that block's registers.
 * 4. The core is then parked: each later window is skipped the same way (no Unicorn run) as long
 *    as nothing it could observe changed: no interrupt to check, no SEV/flash/fault work, the
 *    other core executed nothing but load-only blocks (such as its own idle loop), translated
 *    code was not flushed, no scheduled event fired (it may change a polled register or pend an
 *    interrupt), no debugger breakpoint/watchpoint or run-until address, and the
 *    machine did not leave the run loop (scenario steps and GDB may write memory or registers
 *    between runs).
 * Peripheral registers stop the skip unless their model declared them stable until a write or an
 * event (h7_stable_fn in peripherals/soc.h; each model's *_read_stable says which, docs/machine.md
 * lists them). */
#include "cpu.h"

#include <string.h>

#define IDLE_REGS 16
#define BACKOFF_MAX 8   /* a busy loop is probed again at least every 256 windows */

static const int idle_regs[IDLE_REGS] = {
    UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4, UC_ARM_REG_R5,
    UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
    UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_XPSR};

static void read_state(h7_cpu *c, uint32_t *out)
{
    void *vals[IDLE_REGS];
    for (int i = 0; i < IDLE_REGS; i++) {
        out[i] = 0;
        vals[i] = &out[i];
    }
    uc_reg_read_batch(c->uc, (int *)idle_regs, vals, IDLE_REGS);
}

/* A load, a register-only operation or a branch/call/return (Thumb / Thumb-2, ARMv7-M A5). */
static bool harmless(uint16_t hw, uint16_t hw2, bool wide)
{
    if (!wide) {
        if (hw < 0x4400)                                   /* shifts, add/sub/mov/cmp imm, ALU */
            return true;
        if (hw < 0x4700) {                                 /* ADD/CMP/MOV high registers: not to PC */
            unsigned rd = ((hw >> 4) & 8u) | (hw & 7u);
            return (hw & 0xFF00) == 0x4500 || rd != 15;
        }
        if (hw < 0x4800)                                   /* BX/BLX Rm: a branch (and LR) */
            return (hw & 0x0007) == 0;
        if (hw < 0x5000)                                   /* LDR literal */
            return true;
        if (hw < 0x6000)                                   /* register offset: loads are op >= 3 */
            return ((hw >> 9) & 7u) >= 3;
        if (hw < 0xA000)                                   /* LDR/LDRB/LDRH/LDR SP imm: L bit */
            return (hw & 0x0800) != 0;
        if (hw < 0xB000)                                   /* ADR, ADD SP */
            return true;
        if ((hw & 0xFF00) == 0xB000 || (hw & 0xFF00) == 0xB200 || (hw & 0xFF00) == 0xBA00)
            return true;                                   /* SP +/- imm, extend, REV */
        if ((hw & 0xFF00) == 0xBF00)                       /* NOP and IT only (not WFE/WFI/SEV/YIELD) */
            return hw == 0xBF00 || (hw & 0x000F) != 0;
        if ((hw & 0xF500) == 0xB100 || (hw & 0xFE00) == 0xBC00)   /* CBZ/CBNZ, POP (loads, PC too) */
            return true;
        if ((hw & 0xF800) == 0xC800)                       /* LDM */
            return true;
        if ((hw & 0xF000) == 0xD000)                       /* B<cond>, not UDF/SVC */
            return (hw & 0x0E00) != 0x0E00;
        return (hw & 0xF800) == 0xE000;                    /* B */
    }
    if ((hw & 0xFE00) == 0xEA00 || (hw & 0xFE00) == 0xFA00)   /* data processing (register), multiply */
        return true;
    if ((hw & 0xF800) == 0xF000) {
        if ((hw2 & 0x8000) == 0)                               /* data processing (immediate) */
            return true;
        if ((hw2 & 0xD000) == 0x8000)                          /* B<cond>.W (not MSR/MRS/hints) */
            return ((hw >> 6) & 0xEu) != 0xEu;
        return (hw2 & 0x1000) != 0;                            /* B.W, BL (LR only); not BLX to ARM */
    }
    if ((hw & 0xFE00) == 0xF800)                               /* load/store single: loads */
        return (hw & 0x0010) != 0;
    return false;
}

static bool read_hw(h7_cpu *c, uint32_t addr, uint16_t *v) { return c->env.read_mem(c->env.ctx, c->id, addr, v, 2); }

bool h7_idle_candidate(h7_cpu *c, uint32_t addr, uint32_t size)
{
    uint32_t off = 0;
    while (off < size) {
        uint16_t hw = 0, hw2 = 0;
        if (!read_hw(c, addr + off, &hw))
            return false;
        bool wide = (hw >> 11) >= 0x1D;
        if (wide && !read_hw(c, addr + off + 2, &hw2))
            return false;
        if (!harmless(hw, hw2, wide))
            return false;
        off += wide ? 4 : 2;
    }
    return size > 0;
}

static const h7_cpu *other_core(const h7_cpu *c) { return c->env.other; }

/* Nothing this core could observe is different from when it was found idle (header, item 4). */
static bool quiet(const h7_cpu *c)
{
    return *c->env.ff_enabled && *c->env.in_run_loop && c->state == H7_CPU_RUNNING && !c->irq_check && !c->sev_pending &&
           !c->want_stop && !c->halt_request && !c->bus_error && c->nflash_stores == 0 && c->nbps == 0 &&
           c->nwps == 0 && c->env.break_addr[c->id] == 0;
}

#define XPSR_IT_BITS 0x0600FC00u

static void end_probe(h7_cpu *c, bool busy)
{
    h7_tb_entry *e = c->ff_probe;
    c->ff_probe = NULL;
    if (busy && h7_tb_addr(e) == c->ff_phase_addr[0]) {   /* a busy loop: probe it again later, ever more rarely */
        if (e->ff_backoff < BACKOFF_MAX)
            e->ff_backoff++;
        e->ff_countdown = (uint16_t)(1u << e->ff_backoff);
    }
}

void h7_idle_probe(h7_cpu *c, h7_tb_entry *e, uint32_t addr)
{
    if (!quiet(c) || c->ff_probe)
        return;
    c->ff_probe = e;
    c->ff_probe_icount = c->icount;
    c->ff_probe_mmio = c->mmio_count;
    c->ff_probe_other = h7_cpu_real_insns(other_core(c));
    c->ff_probe_loads = c->ff_loads_only - e->count;   /* the hook counted this block already */
    c->ff_probe_events = *c->env.events_fired;
    c->ff_nphases = 1;
    c->ff_phase_addr[0] = addr;
    c->ff_phase_off[0] = 0;
    read_state(c, c->ff_phase_regs[0]);
}

/* Registers of block `j` of the loop back into the engine (PC: the caller). */
static void load_phase(h7_cpu *c, unsigned j)
{
    for (int i = 0; i < IDLE_REGS; i++) {
        int reg = idle_regs[i] == UC_ARM_REG_XPSR ? UC_ARM_REG_XPSR_NZCVQG : idle_regs[i];
        uc_reg_write(c->uc, reg, &c->ff_phase_regs[j][i]);
    }
}

/* From the start of block `phase` at icount `at`: where full execution stops for c->budget (the
 * first block start with icount >= budget). Charges the skipped instructions. */
static unsigned skip_to_budget(h7_cpu *c, unsigned phase)
{
    if (c->icount >= c->budget)
        return phase;
    uint64_t n = c->ff_park_n;
    uint64_t start = c->icount - c->ff_phase_off[phase];   /* this iteration's start */
    uint64_t d = c->budget - start, q = d / n, r = d % n;
    unsigned j = 0;
    if (r) {
        while (j < c->ff_nphases && c->ff_phase_off[j] < r)
            j++;
        if (j == c->ff_nphases) {
            q++;
            j = 0;
        }
    }
    uint64_t target = start + q * n + c->ff_phase_off[j];
    c->ff_skipped += target - c->icount;
    c->icount = target;
    return j;
}

int h7_idle_step(h7_cpu *c, uint32_t addr, uint32_t *resume)
{
    uint64_t n = c->icount - c->ff_probe_icount;
    bool ok = c->ff_loads_only - c->ff_probe_loads == n && c->mmio_count == c->ff_probe_mmio &&
              h7_cpu_real_insns(other_core(c)) == c->ff_probe_other && *c->env.events_fired == c->ff_probe_events &&
              quiet(c) && n > 0 && n <= 4096;
    if (!ok) {
        end_probe(c, true);
        return 0;
    }
    uint32_t now[IDLE_REGS];
    read_state(c, now);
    if (now[IDLE_REGS - 1] & XPSR_IT_BITS) {   /* inside an IT block: not a place to park */
        end_probe(c, true);
        return 0;
    }
    if (addr != c->ff_phase_addr[0]) {          /* one more block of the iteration */
        if (c->ff_nphases == sizeof c->ff_phase_addr / sizeof c->ff_phase_addr[0]) {
            end_probe(c, true);
            return 0;
        }
        unsigned j = c->ff_nphases++;
        c->ff_phase_addr[j] = addr;
        c->ff_phase_off[j] = (uint32_t)n;
        memcpy(c->ff_phase_regs[j], now, sizeof now);
        return 0;
    }
    if (memcmp(now, c->ff_phase_regs[0], sizeof now) != 0) {
        end_probe(c, true);
        return 0;
    }
    c->ff_probe->ff_backoff = 0;
    end_probe(c, false);
    c->ff_park_n = (uint32_t)n;
    c->ff_park_other = h7_cpu_real_insns(other_core(c));
    c->ff_park_code_epoch = *c->env.code_epoch;
    c->ff_park_events = *c->env.events_fired;
    c->ff_parked = true;
    c->nff++;
    unsigned j = skip_to_budget(c, 0);
    if (j != 0)
        load_phase(c, j);
    c->ff_phase = j;
    *resume = c->ff_phase_addr[j];
    return 1;
}

bool h7_idle_skip_window(h7_cpu *c, uint64_t until)
{
    /* Any event may have changed a register the loop polls (a stable register) or pended an interrupt. */
    if (!quiet(c) || h7_cpu_real_insns(other_core(c)) != c->ff_park_other || *c->env.code_epoch != c->ff_park_code_epoch ||
        *c->env.events_fired != c->ff_park_events) {
        c->ff_parked = false;   /* run it for real from the engine's PC (the block it is parked at) */
        return false;
    }
    if (h7_cpu_set_budget(c, until)) {
        unsigned j = skip_to_budget(c, c->ff_phase);
        if (j != c->ff_phase) {
            load_phase(c, j);
            uint32_t pc = c->ff_phase_addr[j] | 1u;
            uc_reg_write(c->uc, UC_ARM_REG_PC, &pc);
            c->ff_phase = j;
        }
    }
    return true;
}

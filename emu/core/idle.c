/* Idle-loop fast-forward (idle.h), in the spirit of mGBA's idle-loop detection, kept exact:
 *
 * 1. Decode (once per translation block): the block is a candidate if its last instruction
 *    branches back to its own start and every other one is a load or a register-only operation
 *    (no store, no call, no exception-generating or system instruction, no FP/coprocessor).
 * 2. Probe: at the start of a candidate block, snapshot the registers, the instruction count and
 *    the core's peripheral-access count. Confirm at the next block start: the same block again,
 *    exactly one iteration later, no peripheral access in between and the same registers. A loop
 *    iteration is then a function of registers and memory only, and it reproduced its own
 *    starting state: while memory does not change it repeats identically for ever.
 * 3. While a core runs its part of a window, nothing else runs (one host thread; the other core
 *    runs before or after it; events fire at window ends), so memory changes only by this core,
 *    which no longer stores. Full execution would retire n instructions per iteration and stop at
 *    the first block start with icount >= budget: the skip sets icount to exactly that value.
 * 4. The core is then parked: each later window is skipped arithmetically (no Unicorn at all) as
 *    long as nothing it could observe changed: no interrupt to check, no SEV/flash/fault work,
 *    the other core executed nothing but load-only blocks (such as its own idle loop), translated code was not flushed, no debugger
 *    breakpoint/watchpoint or run-until address, and the machine did not leave the run loop
 *    (scenario steps and GDB may write memory or registers between runs).
 * Peripheral registers are not handled (a loop reading one is never skipped): they would need
 * each model to declare which registers are stable until an event. */
#include "idle.h"

#include "cpu.h"

#include <string.h>

#define IDLE_REGS 16
#define BACKOFF_MAX 12

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

static int32_t sext(uint32_t v, unsigned bits) { return (int32_t)(v << (32 - bits)) >> (32 - bits); }

/* Branch target of a 16-bit B/B<cond> or 32-bit B.W/B<cond>.W at pc; false if not one. */
static bool branch_target(uint32_t pc, uint16_t hw, uint16_t hw2, bool wide, uint32_t *target)
{
    if (!wide) {
        if ((hw & 0xF000) == 0xD000 && (hw & 0x0E00) != 0x0E00) {   /* B<cond> T1 (not UDF/SVC) */
            *target = pc + 4 + (uint32_t)(sext(hw & 0xFFu, 8) * 2);
            return true;
        }
        if ((hw & 0xF800) == 0xE000) {                               /* B T2 */
            *target = pc + 4 + (uint32_t)(sext(hw & 0x7FFu, 11) * 2);
            return true;
        }
        return false;
    }
    if ((hw & 0xF800) != 0xF000)
        return false;
    uint32_t s = (hw >> 10) & 1u, j1 = (hw2 >> 13) & 1u, j2 = (hw2 >> 11) & 1u;
    if ((hw2 & 0xD000) == 0x8000 && ((hw >> 6) & 0xEu) != 0xEu) {    /* B<cond>.W T3 */
        uint32_t imm = (s << 20) | (j2 << 19) | (j1 << 18) | ((hw & 0x3Fu) << 12) | ((hw2 & 0x7FFu) << 1);
        *target = pc + 4 + (uint32_t)sext(imm, 21);
        return true;
    }
    if ((hw2 & 0xD000) == 0x9000) {                                  /* B.W T4 */
        uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
        uint32_t imm = (s << 24) | (i1 << 23) | (i2 << 22) | ((hw & 0x3FFu) << 12) | ((hw2 & 0x7FFu) << 1);
        *target = pc + 4 + (uint32_t)sext(imm, 25);
        return true;
    }
    return false;
}

/* A load or a register-only operation (Thumb / Thumb-2, ARMv7-M A5). */
static bool harmless(uint16_t hw, uint16_t hw2, bool wide)
{
    if (!wide) {
        if (hw < 0x4400)                                   /* shifts, add/sub/mov/cmp imm, ALU */
            return true;
        if (hw < 0x4700) {                                 /* ADD/CMP/MOV high registers: not to PC */
            unsigned rd = ((hw >> 4) & 8u) | (hw & 7u);
            return (hw & 0xFF00) == 0x4500 || rd != 15;
        }
        if (hw < 0x4800)                                   /* BX/BLX */
            return false;
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
        if ((hw & 0xF800) == 0xC800)                       /* LDM */
            return true;
        return false;
    }
    if ((hw & 0xFE00) == 0xEA00 || (hw & 0xFE00) == 0xFA00)   /* data processing (register), multiply */
        return true;
    if ((hw & 0xF800) == 0xF000)                               /* data processing (immediate) */
        return (hw2 & 0x8000) == 0;
    if ((hw & 0xFE00) == 0xF800)                               /* load/store single: loads */
        return (hw & 0x0010) != 0;
    return false;
}

static bool read_hw(h7_cpu *c, uint32_t addr, uint16_t *v) { return h7_machine_read_mem(c->m, c->id, addr, v, 2); }

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
        uint32_t len = wide ? 4 : 2, target;
        if (off + len >= size)   /* the last instruction: a branch back to the block start */
            return branch_target(addr + off, hw, hw2, wide, &target) && target == addr;
        if (!harmless(hw, hw2, wide))
            return false;
        off += len;
    }
    return false;
}

/* Instructions that could have stored to memory (executed, outside load-only blocks). */
static uint64_t real_insns(const h7_cpu *c) { return c->icount - c->ff_skipped - c->ff_loads_only; }

static const h7_cpu *other_core(const h7_cpu *c) { return &c->m->cpu[c->id == H7_CM7 ? H7_CM4 : H7_CM7]; }

/* Nothing this core could observe is different from when it was found idle (header, item 4). */
static bool quiet(const h7_cpu *c)
{
    const h7_machine *m = c->m;
    return m->ff_enabled && m->in_run_loop && c->state == H7_CPU_RUNNING && !c->irq_check && !c->sev_pending &&
           !c->want_stop && !c->halt_request && !c->bus_error && c->nflash_stores == 0 && c->nbps == 0 &&
           c->nwps == 0 && m->break_addr[c->id] == 0;
}

void h7_idle_probe(h7_cpu *c, h7_tb_entry *e, uint32_t addr)
{
    if (!quiet(c))
        return;
    c->ff_probe = e;
    c->ff_probe_addr = addr;
    c->ff_probe_icount = c->icount;
    c->ff_probe_mmio = c->mmio_count;
    c->ff_probe_other = real_insns(other_core(c));
    read_state(c, c->ff_probe_regs);
}

bool h7_idle_confirm(h7_cpu *c, uint32_t addr)
{
    h7_tb_entry *e = c->ff_probe;
    c->ff_probe = NULL;
    if (e->addr != c->ff_probe_addr)
        return false;   /* the cache slot was reused meanwhile */
    /* The other core may run between the two (at a window end): it must not have stored. */
    bool idle = addr == c->ff_probe_addr && c->icount == c->ff_probe_icount + e->count &&
                c->mmio_count == c->ff_probe_mmio && real_insns(other_core(c)) == c->ff_probe_other && quiet(c);
    if (idle) {
        uint32_t now[IDLE_REGS];
        read_state(c, now);
        idle = memcmp(now, c->ff_probe_regs, sizeof now) == 0;
    }
    if (!idle) {   /* a busy loop: probe it again later, ever more rarely */
        if (e->ff_backoff < BACKOFF_MAX)
            e->ff_backoff++;
        e->ff_countdown = (uint16_t)(1u << e->ff_backoff);
        return false;
    }
    e->ff_backoff = 0;
    uint64_t n = e->count;
    if (c->icount < c->budget) {
        uint64_t skip = (c->budget - c->icount + n - 1) / n * n;
        c->icount += skip;
        c->ff_skipped += skip;
    }
    c->ff_parked = true;
    c->ff_park_n = (uint32_t)n;
    c->ff_park_other = real_insns(other_core(c));
    c->ff_park_code_epoch = c->m->code_epoch;
    c->nff++;
    return true;
}

bool h7_idle_skip_window(h7_cpu *c, uint64_t until)
{
    if (!quiet(c) || real_insns(other_core(c)) != c->ff_park_other || c->m->code_epoch != c->ff_park_code_epoch) {
        c->ff_parked = false;   /* run it for real from the loop's start (the engine's PC) */
        return false;
    }
    if (h7_cpu_set_budget(c, until)) {
        uint64_t n = c->ff_park_n, skip = (c->budget - c->icount + n - 1) / n * n;
        c->icount += skip;
        c->ff_skipped += skip;
    }
    return true;
}

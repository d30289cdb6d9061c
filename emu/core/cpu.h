/* One Cortex-M core on a Unicorn engine (internal to the machine; 2.0.1 and 2.1.x, engine.h).
 * Unicorn facts this relies on (../shared/reference/unicorn-2.0.1-notes.md): UC_MODE_THUMB +
 * set_cpu_model (MCLASS would be an M33); no exception model (entry/return done here); PC exact only
 * at block starts; WFE stops via UC_HOOK_INSN_INVALID, WFI returns UC_ERR_OK, SEV is a NOP (found by the block decode). */
#ifndef H7_CPU_H
#define H7_CPU_H

#include <unicorn/unicorn.h>

#include "elf_image.h"
#include "h7event.h"
#include "h7types.h"
#include "memmap.h"
#include "nvic.h"
#include "soc.h"

struct h7_cpu;

/* What a core needs from the machine around it (the machine fills it in; the core never sees the
 * machine): the bus, the physical memories, the run control it shares with the other core, and
 * three services. */
typedef struct h7_cpu_env {
    h7_soc *soc;                  /* peripheral windows, flash programming, SEV routing */
    uint8_t *const *phys;         /* the physical memories (H7_PHYS_COUNT) */
    int *running;                 /* the core inside uc_emu_start (-1: none) */
    bool *stop_requested;         /* ask the run loop to return */
    bool *sysreset_pending;       /* a SYSRESETREQ is waiting for the run loop */
    uint32_t *break_addr;         /* run-until address per core (0 = none) */
    const bool *has_img;          /* per core: an image was loaded for it */
    bool *break_hit;
    void *ctx;
    h7_time_ps (*now)(void *ctx);
    void (*emit)(void *ctx, const h7_ev *e);
    void (*symbolize)(void *ctx, h7_core_id core, uint32_t addr, char *buf, size_t len);
    /* A BKPT with no debugger: true if the host served it (semihosting; PC moved past it). */
    bool (*bkpt)(void *ctx, struct h7_cpu *c, uint32_t pc);
    /* From the block hook at the end of the window budget: true = the machine closed the window
     * and gave the core a new budget (no engine stop); false = stop as usual. */
    bool (*next_window)(void *ctx, struct h7_cpu *c);
    /* Guest memory as this core sees it, without side effects (idle-loop decoding). */
    bool (*read_mem)(void *ctx, h7_core_id core, uint32_t addr, void *buf, size_t len);
    /* What the idle-loop fast-forward watches (idle.c). */
    struct h7_cpu *other;         /* the other core */
    const bool *ff_enabled;       /* fast-forward allowed (--no-fast-forward clears it) */
    const bool *in_run_loop;      /* inside h7_machine_run_for's windows */
    const uint64_t *events_fired; /* scheduled events fired so far */
    const unsigned *code_epoch;   /* translated code flushed this many times */
    /* The window was stretched past one quantum (machine.c "stretched windows"): an access that
     * may reach the other core calls shrink_window, which ends the window one quantum later. */
    const bool *window_stretched;
    void (*shrink_window)(void *ctx, struct h7_cpu *c);
} h7_cpu_env;

typedef enum {
    H7_CPU_RUNNING,
    H7_CPU_SLEEP_WFI,
    H7_CPU_SLEEP_WFE,
    H7_CPU_HELD,        /* gated by BCM7/BCM4 = 0 until RCC_GCR.BOOT_Cx */
    H7_CPU_NOFW,        /* nothing at its boot address (erased flash): locked up at reset */
    H7_CPU_LOCKUP,      /* fault while in HardFault/NMI, or a failed exception entry */
    H7_CPU_FAULTED,     /* a fault the harness could not hand to the firmware precisely */
    H7_CPU_HALTED,      /* stopped by the debugger or a scenario */
    H7_CPU_UNPOWERED,   /* the device lost its core supply (board layer) */
} h7_cpu_state;

const char *h7_cpu_state_name(h7_cpu_state s);

typedef enum { H7_HALT_NONE, H7_HALT_REQUEST, H7_HALT_BREAKPOINT, H7_HALT_WATCHPOINT, H7_HALT_STEP } h7_halt_reason;

typedef struct h7_tb_entry {
    uint64_t key;            /* h7_tb_key(addr, size), | H7_TB_SPECIAL if sev || masks; 0 = empty */
    uint32_t count;          /* instructions */
    uint32_t loads_only;     /* = count if `idle`, else 0 (counted without a test) */
    bool sev;                /* holds a SEV */
    bool masks;              /* writes PRIMASK/FAULTMASK/BASEPRI (CPS, MSR) */
    bool idle;               /* loads and register operations only: can be part of an idle loop (idle.c) */
    uint8_t nchk, chk[4];    /* alignment checks at the block's start for its always-aligned
                              * accesses not hooked: register b3:0 + b5:4 must be aligned, to 4 if
                              * b6 else 2 (cpu.c hook_trap_sites) */
    uint8_t ff_backoff;      /* idle probes of a busy loop get rarer: 2^backoff windows apart */
    uint16_t ff_countdown;
} h7_tb_entry;

/* A block whose key carries this bit never matches on the hook's common path (a SEV, a mask write,
 * alignment checks at its start). */
#define H7_TB_SPECIAL (1ull << 63)
#define H7_TBC_SIZE 8192u
static inline uint64_t h7_tb_key(uint32_t addr, uint32_t size) { return addr | (uint64_t)size << 32; }
static inline uint32_t h7_tb_addr(const h7_tb_entry *e) { return (uint32_t)e->key; }

typedef struct h7_flash_store { uint32_t addr; unsigned size; uint64_t value; uint8_t old[8]; } h7_flash_store;

typedef struct h7_mmio_ctx { struct h7_cpu *cpu; uint32_t base; } h7_mmio_ctx;

typedef struct h7_cpu {
    /* What the block hook's common path reads and writes, together (48 bytes). */
    struct {
        uint64_t icount;             /* instructions retired = core cycles */
        uint64_t budget;             /* stop at the first block start with icount >= budget */
        uint64_t ff_loads_only;      /* instructions executed in blocks that cannot store */
        h7_tb_entry *ff_probe;       /* probing a loop starting at this block (idle.c) */
        union {                      /* the block running */
            struct { uint32_t blk_addr, blk_size; };
            uint64_t blk_key;        /* h7_tb_key(blk_addr, blk_size): one store on the common path */
        };
        /* Work for the block hook's full path, tested as one word on its common path. */
        union {
            struct {
                bool want_stop;
                bool irq_check;         /* something may be deliverable: evaluate at the next block start */
                bool sev_pending;       /* the block running holds a SEV: signal it once the block has run */
                bool bus_error;         /* an access to a hole in a peripheral page (callback -> next block) */
                bool halt_request;      /* debugger: stop at the next opportunity and become HALTED */
                bool break_armed;       /* a run-until address is set for this core (env.break_addr) */
                bool ff_probe_next;     /* a window ended: the next block may start an idle-loop probe */
                bool flash_pending;     /* nflash_stores != 0 */
            };
            uint64_t attention;
        };
    };
    /* instruction count per translation block, direct-mapped cache (inline: one load less) */
    h7_tb_entry tbc[H7_TBC_SIZE];
    h7_cpu_env env;
    h7_core_id id;
    uc_engine *uc;
    h7_nvic nvic;
    h7_cpu_state state;
    bool deep_sleep;        /* current sleep is CStop (SLEEPDEEP) */
    bool event_reg;         /* the WFE event register */
    bool sleep_on_exit;     /* SCR.SLEEPONEXIT fired on the last exception return */

    /* instruction accounting (block hook) */
    h7_time_ps until;       /* the local time the budget runs to */
    bool leave_run;         /* return from h7_cpu_run (the machine opened a window for the other core) */
    int stop_reason;
    /* idle-loop fast-forward (idle.c) */
    uint64_t mmio_count;         /* peripheral / PPB accesses so far, but reads of registers stable
                                  * until an event; and SEVs (count_cross_access) */
    uint64_t ff_skipped;         /* instructions charged without being executed */
    uint64_t nff;                /* idle loops found */
    uint64_t ff_probe_icount, ff_probe_mmio, ff_probe_other, ff_probe_loads, ff_probe_events;
    unsigned ff_nphases;         /* blocks of one iteration seen so far */
    uint32_t ff_phase_addr[8];   /* each block of the loop: its address, */
    uint32_t ff_phase_off[8];    /* its instruction offset in the iteration, */
    uint32_t ff_phase_regs[8][16];   /* and the registers at its start */
    unsigned ff_phase;           /* parked at the start of this block of the loop */
    bool ff_parked;              /* in an idle loop: windows are skipped without the engine */
    uint32_t ff_park_n;          /* instructions per iteration */
    uint64_t ff_park_other;
    unsigned ff_park_code_epoch;
    uint64_t ff_park_events;
    uint32_t resume_pc;          /* block start where a block hook stopped the engine, 0 = none */

    /* local time: time = seg_time + (icount - seg_cycles) / hz */
    uint32_t hz;
    h7_time_ps seg_time;
    uint64_t seg_cycles;

    /* what happened */
    uint64_t nsleeps, nexceptions;
    h7_time_ps slept_ps;
    h7_time_ps sleep_start;
    char fault_text[512];

    /* pending harness actions found inside callbacks, acted on at the next block start */
    uint32_t bus_error_addr;
    bool bus_error_write;
    uint32_t unmapped_addr;
    int unmapped_type;
    h7_flash_store flash_stores[8];
    unsigned nflash_stores;

    /* debugger */
    h7_cpu_state state_before_halt;
    int halt_reason;            /* h7_halt_reason of the last halt */
    uint32_t halt_addr;         /* breakpoint or watchpoint address */
    uint32_t bp_skip;           /* resume over the breakpoint at this address once */
    bool step_first;            /* single step: the first instruction has not started yet */
    struct { uint32_t addr; uc_hook h; } bps[32];
    unsigned nbps;
    struct { uint32_t addr, len; int type; uc_hook h; } wps[8];
    unsigned nwps;

    uc_hook hooks[8];
    h7_mmio_ctx *mmio;
    size_t nmmio;
    struct h7_trap_sites *traps; /* NOCP / DIV_0_TRP sites (core/traps.h) */
    unsigned traps_armed;        /* which of them were armed when the blocks were decoded */
    uint32_t retranslate_lo, retranslate_hi;   /* drop these blocks once the engine stopped */
} h7_cpu;

h7_time_ps h7_cpu_local_time(const h7_cpu *c);
/* Instructions that could have stored to memory: executed outside load-only blocks. The same with
 * and without the idle fast-forward (the loops it skips hold load-only blocks only). */
static inline uint64_t h7_cpu_real_insns(const h7_cpu *c) { return c->icount - c->ff_skipped - c->ff_loads_only; }
uint32_t h7_cpu_pc(h7_cpu *c);
uint32_t h7_cpu_reg(h7_cpu *c, int uc_reg);

enum { H7_STOP_NONE, H7_STOP_BUDGET, H7_STOP_WFE, H7_STOP_REQUEST, H7_STOP_YIELD, H7_STOP_RETRANSLATE };

int h7_cpu_open(h7_cpu *c, const h7_cpu_env *env, h7_core_id id, char *err, size_t errlen);
void h7_cpu_close(h7_cpu *c);
/* Reset the core registers and load SP/PC from the vector table at `boot`. */
void h7_cpu_reset(h7_cpu *c, uint32_t boot, bool held);
/* Run until the local time reaches `until`, the core stops running, or a stop is requested. */
void h7_cpu_run(h7_cpu *c, h7_time_ps until);
/* Budget to run to local time `until`; false if the core has reached it already. */
bool h7_cpu_set_budget(h7_cpu *c, h7_time_ps until);
/* Something changed that may wake the core (interrupt pending, event). */
void h7_cpu_check_wake(h7_cpu *c);
/* Set the core's clock (RCC changed it). */
void h7_cpu_set_hz(h7_cpu *c, uint32_t hz);
/* Bring a sleeping/held core's local time up to `t` (time passes while it does nothing). */
void h7_cpu_catch_up(h7_cpu *c, h7_time_ps t);
/* During an MMIO callback of this core: the instruction accessing `addr` (Unicorn only knows the
 * block start; the registers are exact). False if it cannot be told. */
bool h7_cpu_locate_access(h7_cpu *c, uint32_t addr, uint32_t *pc);
/* Stop the core in `state` (from inside a callback too: takes effect at the next block). */
void h7_cpu_stop(h7_cpu *c, h7_cpu_state state, const char *why);
/* Debugger support. Halting keeps the state the core had (sleeping stays sleeping on resume). */
void h7_cpu_halt(h7_cpu *c, h7_halt_reason why);
void h7_cpu_resume(h7_cpu *c);
/* Execute exactly one instruction of a halted core, whatever stopped it (fresh translation at
 * PC, budget of one). mask_irqs: pending interrupts stay pending during the step; otherwise an
 * exception that preempts the instruction is entered and counts as the step. A core halted in
 * WFI/WFE steps from the instruction after it (the halt woke it). Time: +1 cycle (+12 for an
 * exception entry) on the core's local clock; the caller brings the machine up to it. */
void h7_cpu_step(h7_cpu *c, bool mask_irqs);
bool h7_cpu_set_breakpoint(h7_cpu *c, uint32_t addr, bool on);
/* type: 2 write, 3 read, 4 access (GDB Z2/Z3/Z4). */
bool h7_cpu_set_watchpoint(h7_cpu *c, uint32_t addr, uint32_t len, int type, bool on);
/* Invalidate translated code in [lo, hi) on this engine. */
void h7_cpu_flush_code(h7_cpu *c, uint32_t lo, uint32_t hi);

/* Idle-loop fast-forward (idle.c, deterministic): a core spinning in a loop that cannot make
 * progress until something outside it changes skips the iterations to its window end, charging
 * exactly the instructions full execution would have retired. docs/machine.md "Idle loops". */
/* Block decode: loads, register-only operations and branches/calls/returns only. */
bool h7_idle_candidate(h7_cpu *c, uint32_t addr, uint32_t size);
/* Block hook, at the start of a load-only block whose back-off countdown is 0: start probing. */
void h7_idle_probe(h7_cpu *c, h7_tb_entry *e, uint32_t addr);
/* Block hook, at every block start while probing. 1: the loop is idle; the core's instruction
 * count went to where full execution stops in this window, its registers are those of the loop
 * block it stops at, *resume is that block; the caller stops the engine there. 0: go on. */
int h7_idle_step(h7_cpu *c, uint32_t addr, uint32_t *resume);
/* h7_cpu_run of a parked core: true = still idle, the window was skipped arithmetically. */
bool h7_idle_skip_window(h7_cpu *c, uint64_t until);

#endif

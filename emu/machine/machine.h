/* The machine: two Unicorn Cortex-M engines (CM7, CM4) on the STM32H755 memory map, the SoC
 * models, one event queue and deterministic virtual time.
 *
 * Scheduling (see docs/machine.md): global time advances in windows of at most `quantum`. In each
 * window the CM7 runs, then the CM4, each until its local time reaches the window end (block-level
 * instruction budget, 1 instruction = 1 core clock cycle) -- a core woken by the other one runs
 * again before the window closes; then due events fire. When every core
 * sleeps, time jumps straight to the next event. Single host thread, no wall clock: the same inputs
 * give the same trace, byte for byte. */
#ifndef H7_MACHINE_H
#define H7_MACHINE_H

#include <stdio.h>
#include <unicorn/unicorn.h>

#include "board.h"
#include "elf_image.h"
#include "h7types.h"
#include "memmap.h"
#include "nvic.h"
#include "h7sched.h"
#include "rules.h"
#include "soc.h"
#include "trace.h"

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

struct h7_machine;

typedef enum { H7_HALT_NONE, H7_HALT_REQUEST, H7_HALT_BREAKPOINT, H7_HALT_WATCHPOINT, H7_HALT_STEP } h7_halt_reason;

typedef struct h7_tb_entry { uint32_t addr, size, count; } h7_tb_entry;

typedef struct h7_flash_store { uint32_t addr; unsigned size; uint64_t value; uint8_t old[8]; } h7_flash_store;

typedef struct h7_mmio_ctx { struct h7_cpu *cpu; uint32_t base; } h7_mmio_ctx;

typedef struct h7_cpu {
    struct h7_machine *m;
    h7_core_id id;
    uc_engine *uc;
    h7_nvic nvic;
    h7_cpu_state state;
    bool deep_sleep;        /* current sleep is CStop (SLEEPDEEP) */
    bool event_reg;         /* the WFE event register */
    bool sleep_on_exit;     /* SCR.SLEEPONEXIT fired on the last exception return */

    /* instruction accounting (block hook) */
    uint64_t icount;        /* instructions retired = core cycles */
    uint64_t budget;        /* stop at the first block start with icount >= budget */
    int stop_reason;
    bool want_stop;
    bool irq_check;         /* something may be deliverable: evaluate at the next block start */
    uint32_t blk_addr, blk_size;
    uint32_t resume_pc;          /* block start where a block hook stopped the engine, 0 = none */
    h7_tb_entry *tbc;       /* instruction count per translation block, direct-mapped cache */

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
    bool bus_error;
    uint32_t bus_error_addr;
    bool bus_error_write;
    uint32_t unmapped_addr;
    int unmapped_type;
    h7_flash_store flash_stores[8];
    unsigned nflash_stores;

    /* debugger */
    h7_cpu_state state_before_halt;
    bool halt_request;          /* stop at the next opportunity and become HALTED */
    int halt_reason;            /* h7_halt_reason of the last halt */
    uint32_t halt_addr;         /* breakpoint or watchpoint address */
    uint32_t bp_skip;           /* resume over the breakpoint at this address once */
    struct { uint32_t addr; uc_hook h; } bps[32];
    unsigned nbps;
    struct { uint32_t addr, len; int type; uc_hook h; } wps[8];
    unsigned nwps;

    uc_hook hooks[8];
    h7_mmio_ctx *mmio;
    size_t nmmio;
    uint32_t *sev_sites;
    size_t nsev_sites;
} h7_cpu;

/* What to do when a datasheet rule is violated (board layer). */
typedef enum { H7_VIOLATION_LOCK, H7_VIOLATION_WARN } h7_violation_policy;

typedef struct h7_machine_config {
    const char *cm7_path;         /* may be NULL */
    const char *cm4_path;         /* may be NULL */
    h7_time_ps quantum;           /* 0 = default (5 us) */
    const h7_board *board;        /* NULL = nucleo-h755zi-q */
    h7_violation_policy policy;   /* what a locking rule does (--on-violation) */
} h7_machine_config;

/* One rule violation with its root-cause analysis (printed by h7_machine_print_diagnosis). */
typedef struct h7_violation {
    h7_rule_id rule;
    h7_time_ps when;
    bool has_core;
    h7_core_id core;
    char where[200];              /* instruction: pc, function+offset, file:line */
    char detail[320];             /* the register write, decoded */
    char board_note[200];         /* the wiring that contradicts it */
    char next[1024];               /* what happened next */
    char fix[320];
} h7_violation;

typedef struct h7_log_entry { char *text; unsigned count; h7_log_kind kind; } h7_log_entry;

typedef struct h7_machine {
    h7_machine_config cfg;
    uint8_t *phys[H7_PHYS_COUNT];
    h7_sched sched;
    h7_soc soc;
    h7_cpu cpu[H7_NCORES];
    h7_image img[H7_NCORES];
    bool has_img[H7_NCORES];
    h7_time_ps time;              /* global time: both cores have reached it */
    h7_time_ps quantum;
    int running;                  /* core inside uc_emu_start, -1 if none */
    h7_trace trace;
    FILE *uart_out;               /* --uart capture of the console USART */
    uint8_t *uart_buf;            /* every console byte since creation (for scenarios) */
    size_t uart_len, uart_cap;
    int console_usart;

    bool sysreset_pending;
    h7_reset_cause sysreset_cause;   /* SYSRESETREQ of a core, or a model's request (watchdog) */
    bool stop_requested;          /* a breakpoint/condition asks the run loop to return */
    uint32_t break_addr[H7_NCORES];  /* run-until-address (0 = none) */
    bool break_hit[H7_NCORES];

    h7_board board;
    bool boot0;                   /* BOOT0 pin level now */
    bool locked;                  /* core supply lost: cores stopped, debug link lost */
    h7_violation viol[32];
    size_t nviol;
    bool rule_fired[H7_RULE_COUNT];

    h7_log_entry *logs;
    size_t nlogs, caplogs;
    unsigned nguest_errors, nunimp;
    bool verbose;
} h7_machine;

typedef enum {
    H7_RUN_TIME_LIMIT,     /* ran until the requested time */
    H7_RUN_STOPPED,        /* a breakpoint or stop request */
    H7_RUN_ALL_STOPPED,    /* no core can run any more and no event is queued */
} h7_run_result;

/* Create the machine, load and place the images (errors: -1 with "path: reason" in err). */
int h7_machine_create(h7_machine **out, const h7_machine_config *cfg, char *err, size_t errlen);
void h7_machine_destroy(h7_machine *m);
/* Power-on reset (POR): RAM cleared, PWR_CR3 cleared, option bytes loaded, both cores restart. */
void h7_machine_power_on(h7_machine *m);
/* System reset (NRST / AIRCR.SYSRESETREQ): RAM and PWR_CR3 kept. */
void h7_machine_system_reset(h7_machine *m, h7_core_id source, bool software);
/* System reset with the RCC_RSR flags and timeline text of `cause` (h7_machine_system_reset is this
 * with H7_CAUSE_PIN or H7_CAUSE_SFT_CMx). */
void h7_machine_reset_with_cause(h7_machine *m, h7_reset_cause cause);
/* Run for `duration` of virtual time (or until a breakpoint / all cores stopped). */
h7_run_result h7_machine_run_for(h7_machine *m, h7_time_ps duration);

/* Current virtual time (the running core's local time inside an access). */
h7_time_ps h7_machine_now(const h7_machine *m);
h7_time_ps h7_cpu_local_time(const h7_cpu *c);
uint32_t h7_cpu_pc(h7_cpu *c);
uint32_t h7_cpu_reg(h7_cpu *c, int uc_reg);
/* "0x08000abc SystemClock_Config+0x1c" (or just the address). */
void h7_machine_symbolize(const h7_machine *m, h7_core_id core, uint32_t addr, char *buf, size_t len);
/* Read guest memory as `core` sees it (RAM/flash directly, peripherals side-effect free where the
 * model offers it; returns false for unmapped addresses). */
bool h7_machine_read_mem(h7_machine *m, h7_core_id core, uint32_t addr, void *buf, size_t len);
/* Trace an event from the machine itself. */
void h7_machine_trace(h7_machine *m, const char *src, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print the root-cause report of every rule violation (nothing if none). */
void h7_machine_print_diagnosis(h7_machine *m, FILE *out);
/* The debug link: false with the ST-LINK's message in msg while the device is locked. */
bool h7_machine_debug_link_ok(h7_machine *m, char *msg, size_t len);
/* Debug-link operations (fail like an ST-LINK when the device is locked). */
bool h7_machine_debug_mass_erase(h7_machine *m, char *msg, size_t len);
bool h7_machine_debug_load(h7_machine *m, h7_core_id core, const char *path, char *msg, size_t len);
void h7_machine_set_boot0(h7_machine *m, bool level);
/* Memory as the debugger sees it: RAM/flash directly, core registers (PPB) of `core`, peripherals
 * as the debug master (side effects of a debug access only). False: nothing at that address. */
bool h7_machine_debug_read_byte(h7_machine *m, h7_core_id core, uint32_t addr, uint8_t *b);
bool h7_machine_debug_write(h7_machine *m, h7_core_id core, uint32_t addr, const uint8_t *buf, size_t len);
/* Print the end-of-run summary (one block per core). */
void h7_machine_print_summary(h7_machine *m, FILE *out);
/* True if some core ended in a state that is a firmware fault (lockup, unrecoverable fault, or
 * sitting in a fault handler). */
bool h7_machine_firmware_faulted(h7_machine *m, char *why, size_t len);

#endif

/* The machine: two Unicorn Cortex-M engines (CM7, CM4) on the STM32H755 memory map, the SoC
 * models, one event queue and deterministic virtual time.
 *
 * Scheduling (see docs/machine.md): global time advances in windows of one `quantum` (longer while
 * the cores keep to themselves: machine.c "stretched windows"). In each
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
#include "cpu.h"
#include "elf_image.h"
#include "h7types.h"
#include "memmap.h"
#include "nvic.h"
#include "h7event.h"
#include "h7sched.h"
#include "rules.h"
#include "soc.h"
#include "supervisor.h"
#include "trace.h"
#include "variation.h"

typedef struct h7_machine_config {
    const char *cm7_path;         /* may be NULL */
    const char *cm4_path;         /* may be NULL */
    h7_time_ps quantum;           /* 0 = default (5 us) */
    h7_time_ps max_quantum;       /* longest stretched window; 0 = default (8 quanta), <= quantum: none */
    const h7_board *board;        /* NULL = nucleo-h755zi-q */
    h7_violation_policy policy;   /* what a locking rule does (--on-violation) */
    bool no_fast_forward;         /* --no-fast-forward: execute idle loops instruction by instruction */
} h7_machine_config;

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
    unsigned stretch;             /* the next window is this many quanta (machine.c open_window) */
    uint64_t quiet_sig;           /* what the cores had done when the last window opened */
    uint64_t real_at_open[H7_NCORES];   /* h7_cpu_real_insns of each core then */
    bool window_stretched;        /* the open window is longer than one quantum */
    int running;                  /* core inside uc_emu_start, -1 if none */
    /* the run loop's window [time, window_end) (machine.c run_windows) */
    h7_time_ps window_end, run_end;
    bool window_open, in_run_loop, in_hook;
    bool nested_run;              /* a core runs inside the other's block hook (machine.c run_other_inside) */
    bool separate_runs;           /* never: each core in its own uc_emu_start per window (tests compare) */
    bool ff_enabled;              /* idle-loop fast-forward (!cfg.no_fast_forward) */
    unsigned code_epoch;          /* translated code was flushed this many times */
    uint64_t events_fired;        /* scheduled events fired by the run loop so far */
    unsigned window_seq;
    h7_trace trace;
    FILE *uart_out;               /* --uart capture of the console USART */
    bool uart_prefix;             /* --uart-prefix: "[CM7] " etc. before each line of the --uart outputs */
    bool uart_mid_line[H7_NUARTS + 1];   /* [0]: uart_out, [n]: uart_files[n] -- a line is open */
    uint8_t *uart_buf;            /* every console byte since creation (for `expect: uart`) */
    size_t uart_len, uart_cap;    /* uart_len counts every byte, kept or not */
    bool uart_count_only;         /* keep no console bytes (nothing reads them back): flat memory */
    uint8_t uart_last;            /* the last console byte */
    int console_usart;

    bool sysreset_pending;
    h7_time_ps sysreset_at;       /* a SYSRESETREQ takes effect then (request + reset pulse) */
    h7_reset_cause sysreset_cause;   /* SYSRESETREQ of a core, or a model's request (watchdog) */
    bool corereset_pending[H7_NCORES];   /* one CPU reset alone (WWDGx with RCC_GCR.WWxRSC = 0) */
    h7_reset_cause corereset_cause[H7_NCORES];
    bool stop_requested;          /* a breakpoint/condition asks the run loop to return */
    bool end_after_window;        /* the run loop returns once this window closed (h7_machine_end_run_at) */
    unsigned debug_halted;        /* cores halted by the debugger (bit k = core k) as the SoC last saw them */
    bool trace_hold_ahead;        /* trace events later than `time` stay held at a window's end: a
                                   * stop cut the window short, the other core has not caught up
                                   * (the GDB server sets it so the timeline never goes back) */
    uint32_t break_addr[H7_NCORES];  /* run-until-address (0 = none) */
    bool break_hit[H7_NCORES];

    h7_board board;
    bool boot0;                   /* BOOT0 pin level now */
    bool locked;                  /* core supply lost: cores stopped, debug link lost */
    h7_supervisor sup;            /* the rules: judge events, return verdicts the machine applies */
    h7_ev_bus observers;          /* outputs that follow the events (scenario judge, VCD/SVG, GDB) */
    bool lock_pending;            /* a lock held back while a debugger stops at the access (h7_machine_lock) */
    char lock_cause[200];

    h7_log_entry *logs;
    size_t nlogs, caplogs;
    unsigned nguest_errors, nunimp;
    bool verbose;
    struct h7_semihost *semihost; /* --semihosting (machine/semihost.h), NULL = BKPT 0xAB faults */
    /* Who serves a BKPT with no debugger attached (h7_semihost_bkpt with --semihosting): true if
     * served. NULL: every BKPT is a HardFault, as on silicon without a debugger. */
    bool (*serve_bkpt)(h7_cpu *c, uint32_t pc);
    h7_variation var;             /* --seed: schedule variation (variation.h), seed 0 = none */

    struct h7_dcache *dcache;     /* DMA bus + D-cache bookkeeping (dcache.c) */
    FILE *uart_files[H7_NUARTS + 1];   /* --uart N=FILE: the bytes U(S)ART N sent (1..9) */
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
/* Use the schedule variation of `seed` (variation.h) on a machine not yet powered on (0: default). */
void h7_machine_set_seed(h7_machine *m, uint64_t seed);
/* Run for `duration` of virtual time (or until a breakpoint / all cores stopped). */
h7_run_result h7_machine_run_for(h7_machine *m, h7_time_ps duration);
/* Set by the CLI's --no-fast-forward: every machine created runs idle loops in full. */
extern bool h7_machine_no_fast_forward;
/* From a core's block hook at the end of its window budget (machine.c): true = the run loop's
 * work was done here and the core has a new budget; false = stop as usual. */
bool h7_machine_next_window(h7_machine *m, h7_cpu *c);
/* The firmware of `c` (halted by the caller) ends the run at c's local time; the other core runs
 * up to that time first (semihosting exit). */
void h7_machine_end_run_at(h7_machine *m, h7_cpu *c);

/* Put every U(S)ART's partial line (no newline yet) on the timeline. */
void h7_machine_flush_uart_lines(h7_machine *m);
/* Current virtual time (the running core's local time inside an access). */
h7_time_ps h7_machine_now(const h7_machine *m);
/* "0x08000abc SystemClock_Config+0x1c" (or just the address). */
void h7_machine_symbolize(const h7_machine *m, h7_core_id core, uint32_t addr, char *buf, size_t len);
/* Read guest memory as `core` sees it (RAM/flash directly, peripherals side-effect free where the
 * model offers it; returns false for unmapped addresses). */
bool h7_machine_read_mem(h7_machine *m, h7_core_id core, uint32_t addr, void *buf, size_t len);
/* One typed event, from a model (through the host ops) or from the machine itself: rendered once
 * (timeline or log), published to the observers, judged by the rules (whose verdict the machine
 * applies), and acted on by the machine where it concerns the cores (clocks, boot release). */
void h7_machine_emit(h7_machine *m, const h7_ev *e);
/* A free-text timeline event from the machine itself (H7_EV_NOTE). */
void h7_machine_trace(h7_machine *m, const char *src, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print the root-cause report of every rule violation (nothing if none). */
void h7_machine_print_diagnosis(h7_machine *m, FILE *out);
/* The board's verdict "core supply lost": cores unpowered, debug link lost. If a debugger
 * watchpoint or breakpoint fired on the access that caused it, the core first stops at that
 * access (lock_pending) and the lock follows when the debugger lets it go on
 * (h7_machine_apply_pending_lock). */
void h7_machine_lock(h7_machine *m, const char *cause);
void h7_machine_apply_pending_lock(h7_machine *m);
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

/* Scenarios: one YAML file describes a boot/power sequence (board, images, steps) and what must
 * happen (an ordered subsequence of the trace, events that must never occur, memory values and
 * the final outcome). Parsed with libyaml's event API through yamltree.h; every error names
 * file:line:column. Format: docs/scenarios.md. */
#ifndef H7_SCENARIO_H
#define H7_SCENARIO_H

#include <stdio.h>

#include "board.h"
#include "h7types.h"
#include "trace.h"

typedef enum {
    H7_STEP_RUN,            /* run for a duration */
    H7_STEP_RUN_UNTIL,      /* run until symbol / event / uart text, with a timeout */
    H7_STEP_POWER_CYCLE,
    H7_STEP_SYSTEM_RESET,
    H7_STEP_BOOT0,
    H7_STEP_DEBUG_CONNECT,
    H7_STEP_DEBUG_HALT,     /* halt both cores (debug link) */
    H7_STEP_DEBUG_RESUME,
    H7_STEP_DEBUG_MASS_ERASE,
    H7_STEP_DEBUG_LOAD,
    H7_STEP_DEBUG_READ,     /* read memory, compare with an expected value */
    H7_STEP_DEBUG_WRITE,
    H7_STEP_DEBUG_READ_REG, /* read a core register, compare (value/mask or the symbol at its address) */
    H7_STEP_DEBUG_WRITE_REG,
    H7_STEP_UART_INPUT,
    H7_STEP_INJECT,         /* a fault the hardware can report: RNG seed/clock error */
} h7_step_kind;

typedef struct h7_step {
    h7_step_kind kind;
    unsigned line;              /* YAML line, for messages */
    h7_time_ps duration;        /* run / run_until timeout */
    char *symbol;               /* run_until symbol */
    char *event;                /* run_until event text, uart text, uart input */
    bool until_uart;
    h7_core_id core;
    bool level;                 /* boot0 */
    bool expect_fail;           /* debug ops: must fail (link lost) */
    uint32_t addr, value, mask;
    bool has_value;
    char *path;                 /* debug load */
    int reg;                    /* debug read_reg/write_reg: Unicorn register id */
    char *reg_name;
    int usart;                  /* uart_input: U(S)ART instance (usart.h numbering), 3 by default */
} h7_step;

typedef enum {
    H7_OUTCOME_ANY, H7_OUTCOME_RUNNING, H7_OUTCOME_LOCKED, H7_OUTCOME_FAULT, H7_OUTCOME_TIMEOUT,
    H7_OUTCOME_EXITED,          /* the firmware ended the run through semihosting (SYS_EXIT) */
} h7_outcome;

typedef struct h7_mem_expect {
    unsigned line;
    h7_core_id core;
    uint32_t addr, value, mask;
} h7_mem_expect;

typedef struct h7_expect_item {
    unsigned line;
    char *text;
    bool timed;                 /* sequence item {event, at, tolerance}: only within at +- tol */
    h7_time_ps at, tol;
} h7_expect_item;

typedef struct h7_scenario {
    char *path;                 /* the YAML file */
    char *name;
    h7_board board;
    char *image[H7_NCORES];     /* resolved paths, NULL if absent */
    bool has_options;
    uint32_t optsr_bcm7, optsr_bcm4;   /* 0/1 */
    uint32_t boot7, boot4;      /* FLASH_BOOT7/BOOT4 register values */
    bool boot0;
    bool warn_policy;
    h7_step *steps;
    size_t nsteps;
    h7_expect_item *seq;        /* expect.sequence */
    size_t nseq;
    h7_expect_item *never;      /* expect.never */
    size_t nnever;
    h7_mem_expect *mem;         /* expect.memory */
    size_t nmem;
    char *uart_contains;        /* expect.uart */
    h7_outcome outcome;         /* expect.outcome */
    unsigned outcome_line;
    bool semihosting;           /* semihosting: true / {root, cmdline} */
    char *sh_root;              /* semihosting.root: resolved directory, NULL = no file access */
    char *sh_cmdline;           /* semihosting.cmdline, NULL = the image's file name */
    bool expect_exit;           /* expect.exit: the firmware's semihosting exit status */
    uint32_t exit_status;
    unsigned exit_line;
} h7_scenario;

/* Parse and validate (files exist, symbols are checked at run time). -1 with "file:line:col: msg". */
int h7_scenario_load(const char *path, h7_scenario *s, char *err, size_t errlen);
/* Same from a string (path only names it in messages; image paths resolve against its directory). */
int h7_scenario_parse(const char *path, const char *text, h7_scenario *s, char *err, size_t errlen);
void h7_scenario_free(h7_scenario *s);

typedef struct h7_scenario_opts {
    FILE *timeline;             /* human timeline, NULL = none */
    bool color;
    FILE *jsonl;                /* JSON Lines trace, NULL = none */
    FILE *vcd;                  /* waveform, NULL = none */
    FILE *svg;                  /* the same signals as an SVG timing diagram, NULL = none */
    FILE *report;               /* pass/fail report (stdout) */
    bool verbose;
    unsigned long long seed;    /* schedule variation (machine/variation.h), 0 = default */
    unsigned long long max_trace_bytes;   /* cap of the timeline and JSON Lines, 0 = the default */
} h7_scenario_opts;

struct h7_machine;
struct h7_semihost;
/* Serve semihosting on `m` as the scenario's `semihosting:` asks (nothing when it does not):
 * console lines to `out` (NULL = none) and on the timeline, no console input. -1 with a message. */
int h7_scenario_semihost(const h7_scenario *s, struct h7_machine *m, struct h7_semihost *sh, FILE *out, char *err,
                         size_t errlen);

/* The machine a scenario describes (board, images, option bytes, BOOT0, policy), not yet powered
 * on; -1 with a message. Used by the runner and by `h7emu run X.yaml --gdb`. */
int h7_scenario_machine(const h7_scenario *s, struct h7_machine **out, char *err, size_t errlen);

/* Run the scenario: 0 passed, 1 an expectation failed, 2 input error (message in the report). */
int h7_scenario_run(const h7_scenario *s, const h7_scenario_opts *o);

const char *h7_outcome_name(h7_outcome o);
/* "100ms" -> picoseconds (units s, ms, us, ns; 1 ns .. 1 h). False if malformed. */
bool h7_parse_duration(const char *s, h7_time_ps *out);

/* The expected-vs-observed view of a failed `expect.sequence` (seqdiff.c): every item in order,
 * marked matched (=) or missing (-), with the events seen instead (+) -- those of the same kind
 * between the neighbouring matches (e.g. "VOS = VOS3" where "VOS = VOS1" was expected). */
typedef bool (*h7_seq_match_fn)(const h7_trace_event *e, const h7_expect_item *item);
/* Over the kept events of a trace (library users that keep them: h7_trace.max_kept). */
void h7_seq_diff(const h7_expect_item *seq, size_t nseq, const h7_trace *t, h7_seq_match_fn match, FILE *out);
/* Fed the events in order (h7_trace sink), it keeps only what the view needs: memory bounded by the
 * sequence's length, whatever the run's. Its first node is the judge's greedy in-order match. */
typedef struct h7_seq_stream h7_seq_stream;
h7_seq_stream *h7_seq_stream_new(const h7_expect_item *seq, size_t nseq, h7_seq_match_fn match);
void h7_seq_stream_feed(h7_seq_stream *d, const h7_trace_event *e, size_t index);
/* The greedy match so far: the first item not matched (nseq = all were), and in *last_match the
 * index of the event that matched the item before it. */
size_t h7_seq_stream_root(const h7_seq_stream *d, size_t *last_match);
void h7_seq_stream_diff(const h7_seq_stream *d, FILE *out);
void h7_seq_stream_free(h7_seq_stream *d);

#endif

/* The board/rules layer: listens to the typed events of the models and the machine, judges what
 * the board would do (a supply the board cannot take => core supply lost, device locked, debug
 * link gone), and records each rule violation with its root cause (rules.h, docs/power-rules.md).
 *
 * One direction: the supervisor reads the models (register state, clocks) and the view the
 * machine gives it, and returns a verdict; it never acts on a core. The machine applies the
 * verdict (stops a core, locks the device). */
#ifndef H7_SUPERVISOR_H
#define H7_SUPERVISOR_H

#include <stdio.h>

#include "board.h"
#include "h7event.h"
#include "rules.h"
#include "soc.h"

/* What to do when a datasheet rule is violated. */
typedef enum { H7_VIOLATION_LOCK, H7_VIOLATION_WARN } h7_violation_policy;

/* One rule violation with its root-cause analysis (printed by h7_sup_print_diagnosis). */
typedef struct h7_violation {
    h7_rule_id rule;
    h7_time_ps when;
    bool has_core;
    h7_core_id core;
    char where[200];              /* instruction: pc, function+offset, file:line */
    char detail[320];             /* the register write, decoded */
    char board_note[200];         /* the wiring that contradicts it */
    char next[1024];              /* what happened next */
    char fix[320];
} h7_violation;

/* What the rules ask of the machine. */
typedef enum {
    H7_VERDICT_NONE,
    H7_VERDICT_FAULT_CORE,        /* stop `core` as faulted (silicon misbehaves from here on) */
    H7_VERDICT_LOCK_DEVICE,       /* core supply lost: both cores stop, the debug link is lost */
} h7_verdict_action;

typedef struct h7_verdict {
    h7_verdict_action action;
    h7_core_id core;              /* FAULT_CORE */
    bool vcore_collapsed;         /* LOCK_DEVICE: VCORE never valid (PWR ACTVOSRDY lost) */
    char reason[320];             /* FAULT_CORE: the fault text; LOCK_DEVICE: the cause */
} h7_verdict;

/* What the machine lets the rules see of the moment an event happens. */
typedef struct h7_sup_view {
    void *ctx;
    h7_time_ps (*now)(void *ctx);
    /* The core executing now, and where: the instruction that accessed `reg_addr` (0: unknown),
     * else its current block. False when no core is executing (a scheduled event). */
    bool (*actor)(void *ctx, uint32_t reg_addr, h7_core_id *core, char *where, size_t len);
    /* "cm7 was asleep in WFI (CStop, D1 Stop) at 0x... main+0x12 (main.c:40)" */
    void (*describe_core)(void *ctx, h7_core_id core, char *buf, size_t len);
    /* The rules' own announcements (H7_EV_RULE) go on the timeline through the machine. */
    void (*emit)(void *ctx, const h7_ev *e);
} h7_sup_view;

typedef struct h7_supervisor {
    h7_sup_view view;
    h7_soc *soc;                  /* read: register state and clocks of the models */
    const h7_board *board;
    h7_violation_policy policy;
    h7_violation viol[32];
    size_t nviol;
    bool rule_fired[H7_RULE_COUNT];
} h7_supervisor;

void h7_sup_init(h7_supervisor *s, const h7_sup_view *view, h7_soc *soc, const h7_board *board,
                 h7_violation_policy policy);
/* Power-on: every rule may fire again. */
void h7_sup_power_on(h7_supervisor *s);
/* The kinds h7_sup_on_event judges (H7_EV_BIT mask). */
uint64_t h7_sup_kinds(void);
/* Judge one event: record a violation if it breaks a rule; say what the machine must do. */
h7_verdict h7_sup_on_event(h7_supervisor *s, const h7_ev *e);
/* The root-cause report of every violation (nothing if none). */
void h7_sup_print_diagnosis(const h7_supervisor *s, FILE *out);

/* For the rule families in their own files (datapath.c): record a violation of `rule` (NULL when
 * it already fired since power-on; actor from the view, instruction that accessed `reg_addr`),
 * and put "rule: <ID>: <summary>" on the timeline. */
h7_violation *h7_sup_record(h7_supervisor *s, h7_rule_id rule, uint32_t reg_addr);
void h7_sup_announce(h7_supervisor *s, h7_rule_id rule, const char *summary);

/* The data-path rule family (emu/board/datapath.c): DMA-UNREACHABLE-MEMORY, DCACHE-CLEAN-BEFORE-DMA,
 * DCACHE-INVALIDATE-AFTER-DMA, MPU-AFTER-CACHE-ENABLE (docs/datapath-rules.md). They judge
 * dma_transfer_error (DMA models), dcache_stale and mpu_after_cache (emu/machine/dcache.c); all
 * warn. h7_sup_on_event hands them these kinds. */
uint64_t h7_datapath_kinds(void);
void h7_datapath_on_event(h7_supervisor *s, const h7_ev *e);

/* The ST-LINK's words when the target is gone. */
#define H7_ST_LINK_LOST "The interface firmware FAILED to reset/halt the target MCU"

#endif

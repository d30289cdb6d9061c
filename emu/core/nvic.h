/* The core-private System Control Space of one Cortex-M core: NVIC, SCB, SysTick (ARMv7-M ARM
 * B3.2-B3.4). Unicorn 2.0.1 models none of it, so the harness does: this file is the state and the
 * priority rules; emu/core/cpu.c performs exception entry/return on the Unicorn engine.
 *
 * Exception numbers: 1 Reset, 2 NMI, 3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault,
 * 11 SVCall, 12 DebugMonitor, 14 PendSV, 15 SysTick, 16+n = IRQn. */
#ifndef H7_NVIC_H
#define H7_NVIC_H

#include "h7types.h"
#include "h7sched.h"

#define H7_NUM_IRQS 150          /* STM32H755: IRQ 0..149 (WAKEUP_PIN_IRQn = 149) */
#define H7_NUM_EXC (16 + H7_NUM_IRQS)
#define H7_PRIO_BITS 4           /* __NVIC_PRIO_BITS = 4: the upper nibble of each priority byte */

enum {
    H7_EXC_RESET = 1, H7_EXC_NMI = 2, H7_EXC_HARDFAULT = 3, H7_EXC_MEMMANAGE = 4, H7_EXC_BUSFAULT = 5,
    H7_EXC_USAGEFAULT = 6, H7_EXC_SVCALL = 11, H7_EXC_DEBUGMON = 12, H7_EXC_PENDSV = 14, H7_EXC_SYSTICK = 15,
};

/* Configurable Fault Status Register bits (ARMv7-M B3.2.15). */
#define H7_CFSR_IACCVIOL   (1u << 0)
#define H7_CFSR_DACCVIOL   (1u << 1)
#define H7_CFSR_MMARVALID  (1u << 7)
#define H7_CFSR_IBUSERR    (1u << 8)
#define H7_CFSR_PRECISERR  (1u << 9)
#define H7_CFSR_IMPRECISERR (1u << 10)
#define H7_CFSR_STKERR     (1u << 12)
#define H7_CFSR_BFARVALID  (1u << 15)
#define H7_CFSR_UNDEFINSTR (1u << 16)
#define H7_CFSR_INVSTATE   (1u << 17)
#define H7_CFSR_INVPC      (1u << 18)
#define H7_CFSR_NOCP       (1u << 19)
#define H7_CFSR_UNALIGNED  (1u << 24)
#define H7_CFSR_DIVBYZERO  (1u << 25)
#define H7_HFSR_VECTTBL    (1u << 1)
#define H7_HFSR_FORCED     (1u << 30)

/* What the NVIC needs from its core. */
typedef struct h7_nvic_host {
    void *ctx;
    h7_time_ps (*now)(void *ctx);          /* the core's local time */
    uint64_t (*cycles)(void *ctx);         /* the core's executed cycles (DWT_CYCCNT) */
    void (*pending_changed)(void *ctx);    /* an exception became pending: check wake-up / delivery */
    void (*sev_on_pend)(void *ctx);        /* SCR.SEVONPEND and an interrupt went pending: set event */
    void (*system_reset)(void *ctx);       /* AIRCR.SYSRESETREQ */
    void (*log)(void *ctx, int kind, const char *text);   /* h7_log_kind */
    /* Optional: a write to SCB_CCR, the Cortex-M7 cache maintenance registers (0xE000_EF50..) or
     * the MPU (0xE000_ED94..), offset from 0xE000_0000, after the NVIC stored it. */
    void (*scb_write)(void *ctx, uint32_t off, uint32_t value);
} h7_nvic_host;

typedef struct h7_systick {
    uint32_t csr;                /* ENABLE b0, TICKINT b1, CLKSOURCE b2, COUNTFLAG b16 */
    uint32_t rvr;
    uint32_t cvr_at_anchor;      /* counter value at anchor_time */
    h7_time_ps anchor_time;
    uint64_t next_wrap_ticks;    /* ticks after anchor of the next 1->0 transition */
    h7_event ev_wrap;
} h7_systick;

typedef struct h7_nvic {
    h7_core_id core;
    h7_nvic_host host;
    h7_sched *sched;
    uint32_t core_hz;            /* 0 while the core clock is stopped (CStop) */

    bool enabled[H7_NUM_EXC];    /* IRQs: NVIC_ISER; system exceptions: SHCSR enables / always */
    bool pending[H7_NUM_EXC];
    bool active[H7_NUM_EXC];
    bool level[H7_NUM_EXC];      /* peripheral line level (IRQs) */
    uint8_t prio[H7_NUM_EXC];    /* priority byte as written (only the top H7_PRIO_BITS kept) */

    uint32_t vtor, aircr_prigroup, scr, ccr, shcsr, cfsr, hfsr, dfsr, mmfar, bfar, cpacr;
    uint32_t fpccr, fpcar, fpdscr, csselr, demcr, dwt_ctrl, mpu[16];
    uint64_t cyccnt_base;        /* cycles() when CYCCNT was last written */
    uint32_t cyccnt_written;

    h7_systick systick;
} h7_nvic;

void h7_nvic_init(h7_nvic *n, h7_core_id core, const h7_nvic_host *host, h7_sched *sched);
void h7_nvic_reset(h7_nvic *n, uint32_t vtor);

/* The PPB window 0xE000_0000..0xE00F_FFFF of this core (offset from 0xE000_0000). */
uint32_t h7_nvic_ppb_read(h7_nvic *n, uint32_t offset, unsigned size);
void h7_nvic_ppb_write(h7_nvic *n, uint32_t offset, uint32_t value, unsigned size);

/* Peripheral interrupt line (IRQn >= 0): pends on a rising level, re-pends on exception return
 * while still high. */
void h7_nvic_set_level(h7_nvic *n, int irqn, bool level);
/* Pend exception `exc` (any number). */
void h7_nvic_set_pending(h7_nvic *n, unsigned exc);

/* Core clock changed (0 = stopped in CStop): SysTick re-anchors. */
void h7_nvic_set_core_hz(h7_nvic *n, uint32_t hz);

/* Priority rules. Masks are the core's PRIMASK/FAULTMASK/BASEPRI. */
typedef struct h7_masks { bool primask, faultmask; uint8_t basepri; } h7_masks;
/* Group priority of an exception (negative for Reset/NMI/HardFault). */
int h7_nvic_group_prio(const h7_nvic *n, unsigned exc);
/* Current execution priority from active exceptions and masks (256 = thread, no boost). */
int h7_nvic_exec_prio(const h7_nvic *n, const h7_masks *m);
/* Highest-priority pending and enabled exception, 0 if none. */
unsigned h7_nvic_best_pending(const h7_nvic *n);
/* The exception to take now (preempts the execution priority), 0 if none. */
unsigned h7_nvic_should_take(const h7_nvic *n, const h7_masks *m);
/* Any pending and enabled exception, ignoring priorities (wakes WFI). */
bool h7_nvic_any_pending(const h7_nvic *n);
/* Entry: pending -> active. Return: exception `exc` deactivated; a still-high line re-pends. */
void h7_nvic_acknowledge(h7_nvic *n, unsigned exc);
void h7_nvic_complete(h7_nvic *n, unsigned exc);
/* Number of active exceptions (for RETTOBASE / nesting checks). */
unsigned h7_nvic_active_count(const h7_nvic *n);

/* Faults: can exception `exc` (MemManage/BusFault/UsageFault) be taken as itself, or must it
 * escalate to HardFault (disabled, or priority not above the current execution priority)? */
bool h7_nvic_fault_escalates(const h7_nvic *n, unsigned exc, const h7_masks *m);

/* SysTick current value (for traces/tests). */
uint32_t h7_systick_current(h7_nvic *n);

#endif

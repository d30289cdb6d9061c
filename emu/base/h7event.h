/* Typed events: what the models and the machine report, as data.
 *
 * h7_ev is what happened (a fact with fields); not to be confused with h7_event (h7sched.h), an
 * entry of the scheduler's queue, i.e. when something will happen.
 *
 * A model (peripherals/) or the machine fills in an h7_ev and hands it to its host
 * (h7_soc_emit / h7_machine_emit). The machine renders it once -- the timeline text that the
 * scenarios match, byte for byte, or a log line -- and then publishes it to the observers that
 * subscribed to its kind (the rules, the machine's own reactions, VCD/SVG, the scenario judge).
 * No observer reads the rendered text to decide anything: they switch on `kind` and read fields.
 *
 * Adding a kind: a value in h7_ev_kind, its fields in the union (if any), one row in the
 * kind table of h7event.c (name, channel, source, text, JSON fields). docs/architecture.md. */
#ifndef H7_EVENT_H
#define H7_EVENT_H

#include <stdio.h>

#include "h7types.h"

typedef enum h7_ev_kind {
    H7_EV_NOTE,                   /* free text on the timeline (src, text): nothing reacts to it */
    /* PWR (RM0399 §7) */
    H7_EV_SUPPLY_WRITE,           /* first write of PWR_CR3's supply bits since power-on */
    H7_EV_SUPPLY_DISCARDED,       /* ... an illegal combination: discarded, but CR3 is locked */
    H7_EV_SUPPLY_WRITE_IGNORED,   /* a different supply written after CR3 was locked */
    H7_EV_ACTVOSRDY,              /* PWR_CSR1.ACTVOSRDY became valid (or was lost) */
    H7_EV_VOS_BEFORE_ACTVOSRDY,   /* D3CR.VOS written while ACTVOSRDY = 0 */
    H7_EV_VOS_WRITE,              /* D3CR.VOS written */
    H7_EV_VOS_READY,              /* D3CR.VOSRDY: VCORE reached the requested scale */
    H7_EV_OVERDRIVE,              /* SYSCFG_PWRCR.ODEN written (VOS0 = VOS1 + ODEN) */
    H7_EV_OVERDRIVE_ON,           /* PWR took ODEN: VCORE heads for VOS0 (not on the timeline) */
    H7_EV_DOMAIN_POWER,           /* D1/D2 entered or left DStop */
    H7_EV_SYSTEM_STOP,            /* both domains stopped, RUN_D3 = 0 */
    /* RCC (RM0399 §9) */
    H7_EV_OSC_READY,              /* an oscillator or PLL is ready */
    H7_EV_SYSCLK,                 /* the system or a core clock changed */
    H7_EV_CLOCKS_CHANGED,         /* any clock of the tree changed (not on the timeline) */
    H7_EV_DOMAIN_CLOCK,           /* RCC_CR.D1CKRDY / D2CKRDY changed */
    H7_EV_BOOT_RELEASE,           /* RCC_GCR.BOOT_C1/C2 set: a gated core may start */
    H7_EV_PLL_INPUT_RANGE,        /* PLL reference outside 1-16 MHz (guest error) */
    H7_EV_PLL_RGE_MISMATCH,       /* PLL reference outside its PLLxRGE range (guest error) */
    H7_EV_PLL_VCO_RANGE,          /* VCO outside its range (guest error) */
    H7_EV_PLL_NEVER_LOCKS,        /* PLL enabled with no usable source (guest error) */
    H7_EV_PLL1_DIVP_ODD,          /* RCC_PLL1DIVR.DIVP1 = /1 or odd: not allowed for PLL1 (guest error) */
    /* FLASH (RM0399 §4) */
    H7_EV_FLASH_LATENCY,          /* FLASH_ACR written */
    H7_EV_FLASH_PROGRAMMED,       /* a 256-bit flash word programmed */
    H7_EV_FLASH_ERASE,            /* a sector or bank erase started */
    H7_EV_MASS_ERASE,             /* both banks erased */
    H7_EV_OPTION_BYTES,           /* option bytes programmed */
    /* HSEM (RM0399 §11) */
    H7_EV_HSEM_TAKE,
    H7_EV_HSEM_RELEASE,
    H7_EV_HSEM_RELEASE_REFUSED,   /* release by a core/process that does not own it */
    H7_EV_HSEM_CLEAR,             /* HSEM_CR clear of one core's semaphores */
    /* EXTI, GPIO, USART, bus */
    H7_EV_EXTI_EVENT,             /* an event line (77-80) pulsed a core's RXEV */
    H7_EV_GPIO_PIN,               /* an output pin changed level */
    H7_EV_UART_LINE,              /* a line of text left a USART */
    H7_EV_CLOCK_OFF_ACCESS,       /* first access to a peripheral whose clock is off */
    H7_EV_D2_ACCESS_IN_DSTOP,     /* a CPU accessed a D2 peripheral while D2CKRDY = 0 (not on the timeline) */
    /* DMA and the Cortex-M7 data path (RM0399 §2.1, §16) */
    H7_EV_DMA_TRANSFER_ERROR,     /* a DMA stream hit a bus error (unreachable address): TEIF, stream disabled */
    H7_EV_DCACHE_STALE,           /* DMA read of a line the CM7 did not clean / CM7 read of a DMA-written line
                                     it did not invalidate (not on the timeline) */
    H7_EV_MPU_AFTER_CACHE,        /* an MPU region or the MPU enabled while the D-cache is on (not on the timeline) */
    /* machine: cores, resets, board */
    H7_EV_CORE_BOOT,              /* a core starts from its boot address at reset */
    H7_EV_CORE_HELD,              /* a core is held by BCMx = 0 */
    H7_EV_CORE_RELEASED,          /* a held core starts after BOOT_Cx */
    H7_EV_CORE_CSTOP,             /* a core entered or left CStop */
    H7_EV_POWER_ON,               /* power-on reset */
    H7_EV_SYSTEM_RESET,           /* system reset: NRST or SYSRESETREQ */
    H7_EV_RULE,                   /* a datasheet/board rule fired */
    H7_EV_DEVICE_LOCKED,          /* the core supply is lost: both cores stop */
    H7_EV_STILL_LOCKED,           /* a system reset does not clear the lock */
    H7_EV_LINK_LOST,              /* the debug link is lost */
    H7_EV_KIND_COUNT
} h7_ev_kind;

/* Where a rendered event goes. */
typedef enum {
    H7_CH_TIMELINE,       /* the timeline / JSON Lines / kept trace */
    H7_CH_GUEST_ERROR,    /* the guest-error log (H7_LOG_GUEST_ERROR) */
    H7_CH_NONE,           /* observers only */
} h7_ev_channel;

typedef struct h7_ev {
    h7_ev_kind kind;
    h7_master by;         /* the master that did it (events a master causes) */
    h7_core_id core;      /* the core concerned (core, HSEM, EXTI and reset events) */
    union {
        struct { uint32_t value; const char *name; } supply;        /* SUPPLY_WRITE: CR3 and the scheme's name */
        struct { uint32_t low; } discarded;                          /* SUPPLY_DISCARDED */
        struct { uint32_t locked_as, wrote; } ignored;               /* SUPPLY_WRITE_IGNORED */
        struct { bool valid; } actvosrdy;                            /* ACTVOSRDY */
        struct { unsigned vos; } vos;                                /* VOS_WRITE, VOS_READY: 0..3 = VOSn */
        struct { bool on, accepted; } oden;                          /* OVERDRIVE: PWR takes it only in VOS1 */
        struct { int domain; bool stop; } domain;                    /* DOMAIN_POWER */
        struct { int domain; bool ready; } dclk;                     /* DOMAIN_CLOCK */
        struct { const char *name; } osc;                            /* OSC_READY */
        struct { uint32_t sysclk_hz, cm7_hz, cm4_hz; const char *source; } clk;   /* SYSCLK */
        struct { int pll; uint32_t hz, lo_hz, hi_hz; unsigned rge; bool medium; } pll;   /* PLL_* ranges */
        struct { int pll; const char *why; } nolock;                 /* PLL_NEVER_LOCKS */
        struct { unsigned p; } divp;                                 /* PLL1_DIVP_ODD: the divider (1, 3, 5 ...) */
        struct { uint32_t acr; unsigned ws; } acr;                   /* FLASH_LATENCY */
        struct { uint32_t addr; } prog;                              /* FLASH_PROGRAMMED */
        struct { int bank; int sector; } erase;                      /* FLASH_ERASE: sector -1 = bank */
        struct { bool debug; } mass;                                 /* MASS_ERASE: through the debug port */
        struct { unsigned bcm7, bcm4; uint32_t boot7, boot4; } opt;  /* OPTION_BYTES */
        struct { unsigned id, proc; } hsem;                          /* HSEM_TAKE/RELEASE */
        struct { unsigned id, owner_id, owner_proc, wrote_id, wrote_proc; } refused;   /* HSEM_RELEASE_REFUSED */
        struct { unsigned count, coreid; } clear;                    /* HSEM_CLEAR */
        struct { int line; } exti;                                   /* EXTI_EVENT (core = target) */
        struct { int port, pin; bool high; } pin;                    /* GPIO_PIN */
        struct { int usart; const char *text; } uart;               /* UART_LINE */
        struct { const char *window, *enreg; int bit; bool write; } clkoff;   /* CLOCK_OFF_ACCESS */
        struct { const char *window; uint32_t addr; } d2;           /* D2_ACCESS_IN_DSTOP */
        struct { const char *where; uint32_t boot, sp; } boot;       /* CORE_BOOT */
        struct { uint32_t addr; } released;                          /* CORE_RELEASED */
        struct { bool enter; bool wfe; } cstop;                      /* CORE_CSTOP */
        struct { bool boot0; } por;                                  /* POWER_ON */
        struct { bool software; } sysreset;                          /* SYSTEM_RESET (core = source) */
        struct { const char *id; const char *summary; } rule;        /* RULE */
        struct { int dma; unsigned stream; uint32_t addr; bool write; const char *area; } dmaerr;   /* DMA_TRANSFER_ERROR: dma 1/2, 3 = BDMA, 4 = MDMA */
        struct { bool cpu_read; const char *master; uint32_t addr, pc; } stale;   /* DCACHE_STALE: master "dma1"... or "cm7" */
        struct { uint32_t reg, value; } mpu;                         /* MPU_AFTER_CACHE: register address, value */
    } u;
    const char *src;      /* NOTE: the actor; */
    const char *text;     /* NOTE, DEVICE_LOCKED, LINK_LOST: the words */
} h7_ev;

/* The kind's stable name ("supply_write"), used in JSON Lines and docs. */
const char *h7_ev_kind_name(h7_ev_kind k);
h7_ev_channel h7_ev_channel_of(const h7_ev *e);
/* The kinds that go on the timeline (H7_EV_BIT mask): what a timeline observer subscribes to. */
uint64_t h7_ev_timeline_kinds(void);
/* The actor column of the timeline ("cm7", "pwr", "rule", ...), or for a guest error the model. */
const char *h7_ev_src(const h7_ev *e);
/* The text of the timeline line or log message (what today's scenarios match). */
void h7_ev_render(const h7_ev *e, char *buf, size_t len);
/* The typed fields as one JSON object ("{}" when the kind has none). */
void h7_ev_json_fields(const h7_ev *e, char *buf, size_t len);

/* Observers subscribe by kind; the machine publishes every event to them in subscription order. */
typedef void (*h7_ev_fn)(void *ctx, const h7_ev *e);

typedef struct h7_ev_sub {
    uint64_t kinds;       /* bit k set: receives kind k */
    h7_ev_fn fn;
    void *ctx;
} h7_ev_sub;

#define H7_EV_MAX_SUBS 16

typedef struct h7_ev_bus {
    h7_ev_sub subs[H7_EV_MAX_SUBS];
    unsigned nsubs;
} h7_ev_bus;

#define H7_EV_BIT(k) (1ull << (k))
#define H7_EV_ALL (~0ull)

/* False when the bus is full (a programming error: raise H7_EV_MAX_SUBS). */
bool h7_ev_subscribe(h7_ev_bus *bus, uint64_t kinds, h7_ev_fn fn, void *ctx);
void h7_ev_unsubscribe(h7_ev_bus *bus, h7_ev_fn fn, void *ctx);
void h7_ev_publish(const h7_ev_bus *bus, const h7_ev *e);

#endif

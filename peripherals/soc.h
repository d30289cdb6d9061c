/* The STM32H755 system-on-chip outside the two CPU cores: every peripheral model, the bus windows
 * they occupy, and the services they need from the machine (time, NVIC lines, events, trace).
 *
 * The machine (emu/) owns one h7_soc, provides h7_host_ops, maps every window with uc_mmio_map and
 * forwards accesses through h7_soc_read/h7_soc_write. Unit tests build an h7_soc with a fake host
 * (tests/unit/fake_host.h), so models are tested without Unicorn. */
#ifndef H7_SOC_H
#define H7_SOC_H

#include "h7event.h"
#include "h7types.h"
#include "periph.h"
#include "h7sched.h"

#include "adc.h"
#include "art.h"
#include "bdma.h"
#include "busmatrix.h"
#include "crc.h"
#include "dbgmcu.h"
#include "dma.h"
#include "dmamux.h"
#include "eth.h"
#include "exti.h"
#include "flash.h"
#include "gpio.h"
#include "hsem.h"
#include "iwdg.h"
#include "lptim.h"
#include "mdma.h"
#include "otg.h"
#include "pwr.h"
#include "rcc.h"
#include "rng.h"
#include "rtc.h"
#include "svdreg.h"
#include "syscfg.h"
#include "tim.h"
#include "usart.h"
#include "wwdg.h"

struct h7_soc;

/* Services the machine gives the models. All calls are made from inside an access or an event
 * callback; none of them may re-enter the CPU. */
typedef struct h7_host_ops {
    /* Current virtual time; during a bus access, the accessing core's local time. */
    h7_time_ps (*now)(void *ctx);
    /* Level of NVIC interrupt line `irqn` (>= 0) of `core`. The NVIC latches pending on a rising
     * level and re-pends on exception return while the level is still high. */
    void (*set_irq)(void *ctx, h7_core_id core, int irqn, bool level);
    /* A pulse on the core's RXEV event input: sets its event register and wakes a WFE. */
    void (*send_event)(void *ctx, h7_core_id core);
    /* One typed event (emu/base/h7event.h): the machine renders it (timeline or log) and hands it
     * to the observers that subscribed to its kind (rules, the machine's reactions to clock
     * changes and boot releases, outputs). Models never format timeline text themselves. */
    void (*event)(void *ctx, const h7_ev *e);
    /* Guest errors and unimplemented features, kept apart from the timeline. */
    void (*log)(void *ctx, h7_log_kind kind, const char *periph, const char *text);
    /* A byte left a USART's transmit shift register (index 1..9, 3 = the Nucleo console); `by` is
     * the bus master whose TDR write put it there (a core, the debug port, or a DMA controller). */
    void (*uart_tx)(void *ctx, int usart, uint8_t byte, h7_master by);
    /* Is `core` halted by the debugger? (DBGMCU freeze of the watchdogs; NULL = never.) */
    bool (*core_halted)(void *ctx, h7_core_id core);
    /* A DMA master reads or writes `len` bytes of memory (RAM, flash, system memory) at `addr`.
     * Reachability is already checked (busmatrix.h); false when no memory is there (or, for a
     * write, the memory is not writable by a bus master: flash, system memory). The machine keeps
     * translated code and the cache-coherency bookkeeping in step. NULL: every access fails. */
    bool (*bus_read)(void *ctx, h7_bus_master bm, uint32_t addr, void *buf, unsigned len);
    bool (*bus_write)(void *ctx, h7_bus_master bm, uint32_t addr, const void *buf, unsigned len);
} h7_host_ops;

/* How the chip is wired and which silicon it is (the board layer fills this in). */
typedef struct h7_soc_config {
    uint32_t hse_hz;          /* 0 = no HSE on the board */
    bool hse_bypass;          /* external clock (Nucleo: 8 MHz MCO from the ST-LINK) */
    uint32_t idcode;          /* DBGMCU_IDCODE, rev V = 0x20036450 */
    uint32_t lse_hz;          /* 0 = no LSE */
    bool lse_bypass;
    h7_time_ps lse_startup_ps;
    bool vbat_battery;        /* backup domain (BDCR, RTC, backup registers) survives a power-on reset */
    uint8_t *flash_mem;       /* the 2 MiB flash array (host buffer shared with the cores) */
    h7_analog_config analog;  /* VDDA, die temperature, pin voltages for the ADCs */
    h7_eth_board eth;         /* Ethernet PHY wiring (zero = the Nucleo's LAN8742A) */
    uint64_t rng_seed;        /* RNG values of this run (0 = fixed default) */
} h7_soc_config;

/* A bus window: one peripheral's address range. */
typedef uint32_t (*h7_read_fn)(void *dev, uint32_t offset, unsigned size, h7_master m);
typedef void (*h7_write_fn)(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* A model's declaration that reading the register at `offset` has no side effect and that its
 * value changes only by a write or at a scheduled event: a loop polling it can be fast-forwarded
 * like one polling RAM (emu/core/idle.c). Registers not declared stop the fast-forward. */
typedef bool (*h7_stable_fn)(uint32_t offset);

typedef struct h7_window {
    const char *name;
    uint32_t base;
    uint32_t size;
    h7_read_fn read;          /* NULL: unimplemented window, accesses logged as H7_LOG_UNIMP */
    h7_write_fn write;
    h7_stable_fn stable;      /* NULL: no register of the window is stable until an event */
    void *dev;
    int clk_reg;              /* RCC enable register (h7_rcc_enreg) gating the clock, -1: always on */
    int clk_bit;
} h7_window;

typedef struct h7_soc {
    h7_host_ops ops;
    void *host;
    h7_sched *sched;
    h7_soc_config cfg;

    /* What the cores are doing, as PWR needs it (set by the machine). */
    bool cpu_cstop[H7_NCORES];  /* core in WFI/WFE with SCB_SCR.SLEEPDEEP = 1 */

    h7_pwr pwr;
    h7_rcc rcc;
    h7_hsem hsem;
    h7_flash flash;
    h7_syscfg syscfg;
    h7_exti exti;
    h7_dbgmcu dbgmcu;
    h7_gpio gpio[H7_GPIO_PORTS];
    h7_usart uart[H7_NUARTS];   /* instance n (1..9, usart.h) is uart[n - 1] */
    h7_art art;
    h7_tim tim[H7_TIM_COUNT];
    h7_iwdg iwdg[2];
    h7_rtc rtc;
    h7_wwdg wwdg[2];
    h7_lptim lptim[H7_LPTIM_COUNT];
    h7_tim_dma_fn tim_dma_fn;   /* DMA requests of the timers (h7_tim_set_dma_hook) */
    void *tim_dma_opaque;
    h7_dma dma1, dma2;
    h7_dmamux dmamux, dmamux2;
    h7_bdma bdma;
    h7_mdma mdma;
    h7_adc adc[3];            /* ADC1, ADC2, ADC3 */
    h7_adc_common adc_common[2];   /* ADC12_Common, ADC3_Common */
    h7_otg otg[2];            /* OTG1 (HS), OTG2 (FS) */
    h7_eth eth;
    h7_rng rng;
    h7_crc crc;

    h7_window *windows;       /* sorted by base */
    size_t nwindows;
    bool *clock_off_traced;   /* per window: the first access with its clock off is on the timeline */
    h7_svdreg *tables;        /* per window: its SVD register table (the model of unbound windows) */
} h7_soc;

/* Build every model and the window table. `opt` is the flash model's non-volatile option-byte
 * state (owned by the board, survives resets); NULL for factory defaults. */
void h7_soc_init(h7_soc *soc, const h7_host_ops *ops, void *host, h7_sched *sched,
                 const h7_soc_config *cfg);
void h7_soc_free(h7_soc *soc);
void h7_soc_reset(h7_soc *soc, h7_reset_kind kind);

/* The window containing addr, NULL if none (a real hole in the bus: the access faults). */
/* True if a read of the register at `offset` is like a read of RAM for the idle fast-forward: its
 * model declared it stable until a write or an event, and the access itself reports nothing (the
 * window is clocked, and not a D2 peripheral while D2 is in DStop). */
bool h7_soc_read_is_stable(const struct h7_soc *soc, const h7_window *w, uint32_t offset);
const h7_window *h7_soc_find_window(const h7_soc *soc, uint32_t addr);
/* Bus access through the window table: clock gating (clock off => writes ignored, reads 0, noted
 * in the log), unimplemented windows logged with name and offset. */
uint32_t h7_soc_window_read(h7_soc *soc, const h7_window *w, uint32_t offset, unsigned size, h7_master m);
void h7_soc_window_write(h7_soc *soc, const h7_window *w, uint32_t offset, uint32_t value, unsigned size,
                         h7_master m);
/* Convenience for tests and the debug link: find the window and access it (false: no window). */
bool h7_soc_read(h7_soc *soc, uint32_t addr, unsigned size, h7_master m, uint32_t *value);
bool h7_soc_write(h7_soc *soc, uint32_t addr, uint32_t value, unsigned size, h7_master m);

/* Machine -> SoC: a core entered or left CStop (WFI/WFE with SLEEPDEEP), or plain sleep. */
void h7_soc_cpu_stop_changed(h7_soc *soc, h7_core_id core, bool cstop);
/* Machine -> SoC: a core executed SEV (routed through EXTI lines 79/80 to the other core). */
void h7_soc_cpu_sev(h7_soc *soc, h7_core_id core);
/* A core was halted or resumed by the debugger (or a DBGMCU freeze bit changed): the timers, LPTIMs
 * and watchdogs whose DBGMCU freeze bit applies stop or restart their time base. */
void h7_soc_debug_halt_changed(h7_soc *soc);

/* U(S)ART instance n (1..9: USART1..UART8, LPUART1; usart.h), NULL if out of range. */
h7_usart *h7_soc_uart(h7_soc *soc, int n);
/* RCC xxxRSTR 0 -> 1 edges (register offset, rising bits): resets the DMA and U(S)ART models. */
void h7_soc_peripheral_reset(h7_soc *soc, uint32_t rstr_offset, uint32_t rising);
/* A bus access by a DMA master: bus-matrix reachability first (false when `bm` cannot reach
 * addr), then a peripheral window (as master H7_MASTER_DMA, little-endian, len 1/2/4) or memory
 * through ops.bus_read/bus_write. False = bus error. */
bool h7_soc_bus_access(h7_soc *soc, h7_bus_master bm, uint32_t addr, uint8_t *buf, unsigned len, bool write);

/* The table-driven registers of a window (svdreg.h): the model of windows without a behavioural
 * model, and the fallback of behavioural models for the registers they leave to the table.
 * NULL if no window has that name. */
h7_svdreg *h7_soc_svdreg(h7_soc *soc, const char *window);

/* Helpers for models. */
h7_time_ps h7_soc_now(const h7_soc *soc);
/* A typed event to the host (see h7_host_ops.event). */
void h7_soc_emit(h7_soc *soc, const h7_ev *e);
/* A free-text timeline line (H7_EV_NOTE): for what no observer needs to react to. */
void h7_soc_trace(h7_soc *soc, const char *src, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void h7_soc_log(h7_soc *soc, h7_log_kind kind, const char *periph, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif

/* A fake machine for peripheral unit tests: a whole h7_soc driven without Unicorn.
 * Time is set by the test (fh_advance runs the event queue); IRQ levels, events, typed events,
 * their rendered trace lines, log lines and UART bytes are recorded for assertions. */
#ifndef H7_FAKE_HOST_H
#define H7_FAKE_HOST_H

#include "soc.h"

#define FH_MAX_LINES 512

typedef struct fake_host {
    h7_sched sched;
    h7_soc soc;
    h7_time_ps now;
    uint8_t *flash;                     /* 2 MiB, erased */
    bool irq[H7_NCORES][256];           /* current NVIC line levels */
    unsigned irq_rises[H7_NCORES][256]; /* number of low->high transitions */
    unsigned events[H7_NCORES];         /* send_event pulses */
    unsigned released[H7_NCORES];       /* core_release calls */
    unsigned clock_changes;
    char trace[FH_MAX_LINES][160];      /* "src: text" */
    unsigned ntrace;
    char log[FH_MAX_LINES][200];        /* "KIND periph: text" */
    h7_ev ev[FH_MAX_LINES];             /* typed events as emitted (string fields not kept valid) */
    unsigned nev;
    unsigned ev_count[H7_EV_KIND_COUNT];
    unsigned nlog;
    uint8_t uart[4096];                 /* bytes sent by USART3 (the console) */
    size_t nuart;
    h7_master uart_by[4096];            /* the bus master that wrote each of them to TDR */
    uint8_t uart_n[10][256];            /* bytes sent by U(S)ART instance 1..9 */
    size_t nuart_n[10];
    uint8_t *axisram;                   /* 512 KiB at 0x2400_0000 for the DMA masters */
    uint8_t *sram4;                     /* 64 KiB at 0x3800_0000 (D3, reachable by BDMA) */
    unsigned bus_reads, bus_writes;     /* memory accesses by DMA masters */
    int supply_calls;
    bool halted[H7_NCORES];             /* cores the fake debugger holds (fh_debug_halt) */
    uint32_t supply_value;
    bool supply_accepted;
    int overdrive_calls;
    bool oden;
    unsigned system_resets;             /* reset_request events (system) */
    unsigned core_resets[H7_NCORES];    /* reset_request events for one CPU alone */
    h7_reset_cause reset_cause;         /* cause of the last one */
} fake_host;

#define FH_AXISRAM 0x24000000u
#define FH_AXISRAM_SIZE (512u * 1024u)
#define FH_SRAM4 0x38000000u
#define FH_SRAM4_SIZE (64u * 1024u)

/* Allocate, init and power-on-reset a SoC (HSE 8 MHz bypass, rev V). Free with fh_free. */
fake_host *fh_new(void);
void fh_free(fake_host *fh);
/* Advance virtual time by `ps`, firing due events. */
void fh_advance(fake_host *fh, h7_time_ps ps);
/* The debugger halts (or resumes) `core`: the DBGMCU freezes are evaluated again, as the
 * machine's run loop reports it. */
void fh_debug_halt(fake_host *fh, h7_core_id core, bool halted);
/* Bus access as master m to an absolute address (asserts that a window exists). */
uint32_t fh_read(fake_host *fh, h7_master m, uint32_t addr);
void fh_write(fake_host *fh, h7_master m, uint32_t addr, uint32_t value);
uint32_t fh_read_sized(fake_host *fh, h7_master m, uint32_t addr, unsigned size);
void fh_write_sized(fake_host *fh, h7_master m, uint32_t addr, uint32_t value, unsigned size);
/* True if some trace line contains `needle`. */
bool fh_traced(const fake_host *fh, const char *needle);
/* True if some log line contains `needle`. */
bool fh_logged(const fake_host *fh, const char *needle);
/* For every register of `table` (window at `base`) with read-only bits: write it with those bits
 * flipped (read-write bits kept, write-1-to-clear bits 0) and fail unless they read back unchanged.
 * Returns the number of registers checked. */
unsigned fh_check_read_only_bits(fake_host *fh, h7_master m, uint32_t base, const h7_regdesc *table, size_t n);

#endif

#include "fake_host.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static h7_time_ps fh_now(void *ctx) { return ((fake_host *)ctx)->now; }

static void fh_set_irq(void *ctx, h7_core_id core, int irqn, bool level)
{
    fake_host *fh = ctx;
    if (irqn < 0 || irqn >= 256)
        return;
    if (level && !fh->irq[core][irqn])
        fh->irq_rises[core][irqn]++;
    fh->irq[core][irqn] = level;
}

static void fh_send_event(void *ctx, h7_core_id core) { ((fake_host *)ctx)->events[core]++; }

static void fh_log(void *ctx, h7_log_kind kind, const char *periph, const char *text)
{
    fake_host *fh = ctx;
    static const char *kinds[] = {"GUEST_ERROR", "UNIMP", "NOTE"};
    if (fh->nlog < FH_MAX_LINES)
        snprintf(fh->log[fh->nlog++], sizeof fh->log[0], "%s %s: %.160s", kinds[kind], periph, text);
}

/* Typed events: kept as data (fh->ev), rendered like the machine does (timeline or log), and
 * counted for the reactions the machine would have (clocks, boot release, supply, overdrive). */
static void fh_event(void *ctx, const h7_ev *e)
{
    fake_host *fh = ctx;
    char text[150];   /* fits the recorded lines (rendered texts are shorter) */
    h7_ev_render(e, text, sizeof text);
    if (fh->nev < FH_MAX_LINES)
        fh->ev[fh->nev++] = *e;
    fh->ev_count[e->kind]++;
    switch (h7_ev_channel_of(e)) {
    case H7_CH_TIMELINE:
        if (fh->ntrace < FH_MAX_LINES)
            snprintf(fh->trace[fh->ntrace++], sizeof fh->trace[0], "%s: %s", h7_ev_src(e), text);
        break;
    case H7_CH_GUEST_ERROR: fh_log(ctx, H7_LOG_GUEST_ERROR, h7_ev_src(e), text); break;
    case H7_CH_NONE: break;
    }
    switch (e->kind) {
    case H7_EV_CLOCKS_CHANGED: fh->clock_changes++; break;
    case H7_EV_BOOT_RELEASE: fh->released[e->core]++; break;
    case H7_EV_RESET_REQUEST:
        if (e->u.rstreq.core_only)
            fh->core_resets[e->core]++;
        else
            fh->system_resets++;
        fh->reset_cause = (h7_reset_cause)e->u.rstreq.cause;
        break;
    case H7_EV_SUPPLY_WRITE:
        if (e->u.supply.name) {
            fh->supply_calls++;
            fh->supply_value = e->u.supply.value & H7_PWR_CR3_SUPPLY_MASK;
            fh->supply_accepted = true;
        }
        break;
    case H7_EV_SUPPLY_DISCARDED:
        fh->supply_calls++;
        fh->supply_value = e->u.discarded.low;
        fh->supply_accepted = false;
        break;
    case H7_EV_OVERDRIVE:
        if (e->u.oden.accepted) {   /* what the SYSCFG model told the host before (overdrive_changed) */
            fh->overdrive_calls++;
            fh->oden = e->u.oden.on;
        }
        break;
    default: break;
    }
}

static void fh_uart_tx(void *ctx, int usart, uint8_t byte, h7_master by)
{
    fake_host *fh = ctx;
    if (usart == 3 && fh->nuart < sizeof fh->uart) {
        fh->uart_by[fh->nuart] = by;
        fh->uart[fh->nuart++] = byte;
    }
    if (usart >= 1 && usart <= 9 && fh->nuart_n[usart] < sizeof fh->uart_n[0])
        fh->uart_n[usart][fh->nuart_n[usart]++] = byte;
}

/* DMA memory: the fake has AXI SRAM and SRAM4 (the bus matrix checks come first). */
static uint8_t *fh_mem(fake_host *fh, uint32_t addr, unsigned len)
{
    if (addr >= FH_AXISRAM && addr - FH_AXISRAM + len <= FH_AXISRAM_SIZE)
        return fh->axisram + (addr - FH_AXISRAM);
    if (addr >= FH_SRAM4 && addr - FH_SRAM4 + len <= FH_SRAM4_SIZE)
        return fh->sram4 + (addr - FH_SRAM4);
    return NULL;
}

static bool fh_bus_read(void *ctx, h7_bus_master bm, uint32_t addr, void *buf, unsigned len)
{
    fake_host *fh = ctx;
    uint8_t *p = fh_mem(fh, addr, len);
    if (!p)
        return false;
    memcpy(buf, p, len);
    fh->bus_reads++;
    return true;
}

static bool fh_bus_write(void *ctx, h7_bus_master bm, uint32_t addr, const void *buf, unsigned len)
{
    fake_host *fh = ctx;
    uint8_t *p = fh_mem(fh, addr, len);
    if (!p)
        return false;
    memcpy(p, buf, len);
    fh->bus_writes++;
    return true;
}

static bool fh_core_halted(void *ctx, h7_core_id core) { return ((fake_host *)ctx)->halted[core]; }

void fh_debug_halt(fake_host *fh, h7_core_id core, bool halted)
{
    fh->halted[core] = halted;
    h7_soc_debug_halt_changed(&fh->soc);
}

fake_host *fh_new(void)
{
    fake_host *fh = calloc(1, sizeof *fh);
    assert_non_null(fh);
    fh->flash = malloc(2u << 20);
    assert_non_null(fh->flash);
    memset(fh->flash, 0xFF, 2u << 20);
    h7_sched_init(&fh->sched);
    h7_host_ops ops = {
        .now = fh_now, .set_irq = fh_set_irq, .send_event = fh_send_event, .event = fh_event,
        .log = fh_log, .uart_tx = fh_uart_tx, .bus_read = fh_bus_read, .bus_write = fh_bus_write,
        .core_halted = fh_core_halted,
    };
    fh->axisram = calloc(1, FH_AXISRAM_SIZE);
    fh->sram4 = calloc(1, FH_SRAM4_SIZE);
    assert_non_null(fh->axisram);
    assert_non_null(fh->sram4);
    h7_soc_config cfg = {.hse_hz = 8000000, .hse_bypass = true, .idcode = 0x20036450, .flash_mem = fh->flash,
                         .lse_hz = 32768, .lse_startup_ps = 200 * H7_PS_PER_MS};
    h7_soc_init(&fh->soc, &ops, fh, &fh->sched, &cfg);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    return fh;
}

void fh_free(fake_host *fh)
{
    h7_soc_free(&fh->soc);
    free(fh->axisram);
    free(fh->sram4);
    free(fh->flash);
    free(fh);
}

void fh_advance(fake_host *fh, h7_time_ps ps)
{
    h7_time_ps end = fh->now + ps;
    /* Fire events one by one so that `now` is the event's time inside its callback. */
    for (;;) {
        h7_time_ps next = h7_sched_next(&fh->sched);
        if (next > end)
            break;
        if (next > fh->now)
            fh->now = next;
        h7_sched_run_until(&fh->sched, next);
    }
    fh->now = end;
}

uint32_t fh_read_sized(fake_host *fh, h7_master m, uint32_t addr, unsigned size)
{
    uint32_t v = 0;
    assert_true(h7_soc_read(&fh->soc, addr, size, m, &v));
    return v;
}

void fh_write_sized(fake_host *fh, h7_master m, uint32_t addr, uint32_t value, unsigned size)
{
    assert_true(h7_soc_write(&fh->soc, addr, value, size, m));
}

uint32_t fh_read(fake_host *fh, h7_master m, uint32_t addr) { return fh_read_sized(fh, m, addr, 4); }
void fh_write(fake_host *fh, h7_master m, uint32_t addr, uint32_t value) { fh_write_sized(fh, m, addr, value, 4); }

bool fh_traced(const fake_host *fh, const char *needle)
{
    for (unsigned i = 0; i < fh->ntrace; i++)
        if (strstr(fh->trace[i], needle))
            return true;
    return false;
}

bool fh_logged(const fake_host *fh, const char *needle)
{
    for (unsigned i = 0; i < fh->nlog; i++)
        if (strstr(fh->log[i], needle))
            return true;
    return false;
}

unsigned fh_check_read_only_bits(fake_host *fh, h7_master m, uint32_t base, const h7_regdesc *table, size_t n)
{
    unsigned checked = 0;
    for (size_t i = 0; i < n; i++) {
        const h7_regdesc *r = &table[i];
        if (!r->ro_mask)
            continue;
        uint32_t before = fh_read(fh, m, base + r->offset);
        /* flip every read-only bit, keep the read-write bits, write 0 to write-1-to-clear bits */
        fh_write(fh, m, base + r->offset, ((before & ~r->w1c_mask) ^ r->ro_mask) & (r->rw_mask | r->ro_mask));
        uint32_t after = fh_read(fh, m, base + r->offset);
        if ((after & r->ro_mask) != (before & r->ro_mask))
            fail_msg("%s: read-only bits changed by a write: 0x%08X -> 0x%08X (ro mask 0x%08X)", r->name, before, after,
                     r->ro_mask);
        checked++;
    }
    return checked;
}

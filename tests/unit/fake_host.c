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

static void fh_trace(void *ctx, const char *src, const char *text)
{
    fake_host *fh = ctx;
    if (fh->ntrace < FH_MAX_LINES)
        snprintf(fh->trace[fh->ntrace++], sizeof fh->trace[0], "%s: %s", src, text);
}

static void fh_log(void *ctx, h7_log_kind kind, const char *periph, const char *text)
{
    fake_host *fh = ctx;
    static const char *kinds[] = {"GUEST_ERROR", "UNIMP", "NOTE"};
    if (fh->nlog < FH_MAX_LINES)
        snprintf(fh->log[fh->nlog++], sizeof fh->log[0], "%s %s: %s", kinds[kind], periph, text);
}

static void fh_clocks_changed(void *ctx) { ((fake_host *)ctx)->clock_changes++; }
static void fh_core_release(void *ctx, h7_core_id core) { ((fake_host *)ctx)->released[core]++; }

static void fh_uart_tx(void *ctx, int usart, uint8_t byte)
{
    fake_host *fh = ctx;
    if (usart == 3 && fh->nuart < sizeof fh->uart)
        fh->uart[fh->nuart++] = byte;
}

static void fh_supply(void *ctx, uint32_t value, bool accepted)
{
    fake_host *fh = ctx;
    fh->supply_calls++;
    fh->supply_value = value;
    fh->supply_accepted = accepted;
}

static void fh_overdrive(void *ctx, bool oden)
{
    fake_host *fh = ctx;
    fh->overdrive_calls++;
    fh->oden = oden;
}

static void fh_system_reset(void *ctx, h7_reset_cause cause)
{
    fake_host *fh = ctx;
    fh->system_resets++;
    fh->reset_cause = cause;
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
        .now = fh_now, .set_irq = fh_set_irq, .send_event = fh_send_event, .trace = fh_trace,
        .log = fh_log, .clocks_changed = fh_clocks_changed, .core_release = fh_core_release,
        .uart_tx = fh_uart_tx, .supply_configured = fh_supply, .overdrive_changed = fh_overdrive,
        .system_reset = fh_system_reset,
    };
    h7_soc_config cfg = {.hse_hz = 8000000, .hse_bypass = true, .idcode = 0x20036450, .flash_mem = fh->flash,
                         .lse_hz = 32768, .lse_startup_ps = 200 * H7_PS_PER_MS};
    h7_soc_init(&fh->soc, &ops, fh, &fh->sched, &cfg);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    return fh;
}

void fh_free(fake_host *fh)
{
    h7_soc_free(&fh->soc);
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

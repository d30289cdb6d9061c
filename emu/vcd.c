/* VCD writer (IEEE 1364 §18 value change dump), timescale 1 ns.
 * Core state encoding (3 bits): 0 running, 1 sleep (WFI/WFE), 2 cstop (deep sleep), 3 halted,
 * 4 held (BCMx = 0), 5 fault/lockup/no firmware, 6 unpowered (device locked). */
#include "vcd.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"

enum { SIG_CM7, SIG_CM4, SIG_D1, SIG_D2, SIG_VOS, SIG_ACTVOSRDY, SIG_SYSCLK, SIG_HSEM0, SIG_HSEM1, SIG_HSEM2,
       SIG_HSEM3, SIG_LD1, SIG_LD2, SIG_LD3, SIG_UART, SIG_LOCKED, NSIG };

static const struct { const char *name; unsigned width; } sigs[NSIG] = {
    {"cm7_state", 3}, {"cm4_state", 3}, {"d1_stop", 1}, {"d2_stop", 1}, {"vos", 2}, {"actvosrdy", 1},
    {"sysclk_mhz", 10}, {"hsem0_owner", 4}, {"hsem1_owner", 4}, {"hsem2_owner", 4}, {"hsem3_owner", 4},
    {"ld1_pb0", 1}, {"ld2_pe1", 1}, {"ld3_pb14", 1}, {"uart3_tx", 8}, {"device_locked", 1},
};

struct h7_vcd {
    FILE *out;
    h7_machine *m;
    uint32_t val[NSIG];
    bool started;
    h7_time_ps last_t;
    size_t uart_seen;
};

static unsigned core_code(const h7_cpu *c)
{
    switch (c->state) {
    case H7_CPU_RUNNING: return 0;
    case H7_CPU_SLEEP_WFI: case H7_CPU_SLEEP_WFE: return c->deep_sleep ? 2 : 1;
    case H7_CPU_HALTED: return 3;
    case H7_CPU_HELD: return 4;
    case H7_CPU_UNPOWERED: return 6;
    default: return 5;
    }
}

static void sample_values(h7_vcd *v, uint32_t *now)
{
    h7_machine *m = v->m;
    h7_pwr_state p = h7_pwr_get_state(&m->soc.pwr);
    now[SIG_CM7] = core_code(&m->cpu[H7_CM7]);
    now[SIG_CM4] = core_code(&m->cpu[H7_CM4]);
    now[SIG_D1] = p.d1_dstop;
    now[SIG_D2] = p.d2_dstop;
    now[SIG_VOS] = p.vos & 3u;
    now[SIG_ACTVOSRDY] = p.actvosrdy;
    now[SIG_SYSCLK] = h7_rcc_sysclk_hz(&m->soc.rcc) / 1000000u;
    for (unsigned n = 0; n < 4; n++) {
        uint32_t r = h7_hsem_peek(&m->soc.hsem, n);
        now[SIG_HSEM0 + n] = (r >> 31) ? (r >> 8) & 0xFu : 0;
    }
    now[SIG_LD1] = h7_gpio_pin_level(&m->soc.gpio[1], 0);
    now[SIG_LD2] = h7_gpio_pin_level(&m->soc.gpio[4], 1);
    now[SIG_LD3] = h7_gpio_pin_level(&m->soc.gpio[1], 14);
    now[SIG_UART] = m->uart_len ? m->uart_buf[m->uart_len - 1] : 0;
    now[SIG_LOCKED] = m->locked;
}

static void emit(h7_vcd *v, int i, uint32_t value)
{
    char id = (char)('!' + i);
    if (sigs[i].width == 1) {
        fprintf(v->out, "%u%c\n", value & 1u, id);
        return;
    }
    fputc('b', v->out);
    for (int b = (int)sigs[i].width - 1; b >= 0; b--)
        fputc((value >> b) & 1u ? '1' : '0', v->out);
    fprintf(v->out, " %c\n", id);
}

h7_vcd *h7_vcd_open(FILE *out, h7_machine *m)
{
    h7_vcd *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->out = out;
    v->m = m;
    fprintf(out, "$date h7emu $end\n$version h7emu scenario runner $end\n$timescale 1ns $end\n$scope module h755 $end\n");
    for (int i = 0; i < NSIG; i++)
        fprintf(out, "$var wire %u %c %s $end\n", sigs[i].width, (char)('!' + i), sigs[i].name);
    fprintf(out, "$upscope $end\n$enddefinitions $end\n");
    return v;
}

void h7_vcd_sample(h7_vcd *v, h7_time_ps t)
{
    if (!v)
        return;
    uint32_t now[NSIG];
    sample_values(v, now);
    if (t < v->last_t)
        t = v->last_t;   /* events of a core's local time can trail the other core's by a quantum */
    bool header = false;
    for (int i = 0; i < NSIG; i++) {
        if (v->started && now[i] == v->val[i] && !(i == SIG_UART && v->m->uart_len != v->uart_seen))
            continue;
        if (!header) {
            if (!v->started || t / 1000u != v->last_t / 1000u)
                fprintf(v->out, "#%llu\n", (unsigned long long)(t / 1000u));
            if (!v->started)
                fprintf(v->out, "$dumpvars\n");
            header = true;
        }
        emit(v, i, now[i]);
        v->val[i] = now[i];
    }
    if (header && !v->started)
        fprintf(v->out, "$end\n");
    v->started = true;
    v->last_t = t;
    v->uart_seen = v->m->uart_len;
}

void h7_vcd_close(h7_vcd *v, h7_time_ps end)
{
    if (!v)
        return;
    h7_vcd_sample(v, end);
    if (end / 1000u != v->last_t / 1000u || !v->started)
        fprintf(v->out, "#%llu\n", (unsigned long long)(end / 1000u));
    free(v);
}

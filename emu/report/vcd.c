/* VCD writer (IEEE 1364 §18 value change dump), timescale 1 ns.
 * Core state encoding (3 bits): 0 running, 1 sleep (WFI/WFE), 2 cstop (deep sleep), 3 halted,
 * 4 held (BCMx = 0), 5 fault/lockup/no firmware, 6 unpowered (device locked). */
#include "vcd.h"

#include "textsafe.h"

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

typedef struct wave_sample {
    h7_time_ps t;
    uint32_t val[16];
} wave_sample;

/* The SVG picture is 1000 px wide: it keeps at most this many samples. When full, samples closer
 * than min_dt are merged (the later values win) and min_dt grows: memory stays flat whatever the
 * run length, and the picture says it was decimated. The VCD itself streams every change. */
#define SVG_MAX_SAMPLES 16384u

struct h7_vcd {
    FILE *out;
    wave_sample *samples;      /* the changes kept for the SVG picture (bounded, see above) */
    size_t nsamples, capsamples;
    h7_time_ps min_dt;         /* 0 = every change kept */
    unsigned long long nchanges;
    h7_machine *m;
    uint32_t val[NSIG];
    bool started;
    h7_time_ps last_t;
    uint64_t stamp_ns;   /* the last "#time" line written */
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
    now[SIG_UART] = m->uart_len ? m->uart_last : 0;
    now[SIG_LOCKED] = m->locked;
}

static void emit(h7_vcd *v, int i, uint32_t value)
{
    if (!v->out)
        return;
    char id = (char)('A' + i);
    if (sigs[i].width == 1) {
        fprintf(v->out, "%u%c\n", value & 1u, id);
        return;
    }
    fputc('b', v->out);
    for (int b = (int)sigs[i].width - 1; b >= 0; b--)
        fputc((value >> b) & 1u ? '1' : '0', v->out);
    fprintf(v->out, " %c\n", id);
}

/* Merge samples closer than a new min_dt (a quarter of the buffer is left afterwards at most). */
static void decimate(h7_vcd *v)
{
    h7_time_ps span = v->samples[v->nsamples - 1].t - v->samples[0].t;
    h7_time_ps dt = span / (SVG_MAX_SAMPLES / 4) + 1;
    if (dt < 2 * v->min_dt)
        dt = 2 * v->min_dt;
    size_t j = 0;
    for (size_t i = 1; i < v->nsamples; i++) {
        if (v->samples[i].t - v->samples[j].t >= dt)
            v->samples[++j] = v->samples[i];
        else
            memcpy(v->samples[j].val, v->samples[i].val, sizeof v->samples[j].val);
    }
    v->nsamples = j + 1;
    v->min_dt = dt;
}

static void record(h7_vcd *v, h7_time_ps t, const uint32_t *now)
{
    v->nchanges++;
    if (v->nsamples && t - v->samples[v->nsamples - 1].t < (v->min_dt ? v->min_dt : 1)) {
        memcpy(v->samples[v->nsamples - 1].val, now, NSIG * sizeof *now);
        return;
    }
    if (v->nsamples == SVG_MAX_SAMPLES)
        decimate(v);
    if (v->nsamples == v->capsamples) {
        size_t cap = v->capsamples ? v->capsamples * 2 : 256;
        wave_sample *ns = realloc(v->samples, cap * sizeof *ns);
        if (!ns)
            return;
        v->samples = ns;
        v->capsamples = cap;
    }
    v->samples[v->nsamples].t = t;
    memcpy(v->samples[v->nsamples].val, now, NSIG * sizeof *now);
    v->nsamples++;
}

h7_vcd *h7_vcd_open(FILE *out, h7_machine *m)
{
    h7_vcd *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->out = out;
    v->m = m;
    if (!out)
        return v;
    fprintf(out, "$date h7emu $end\n$version h7emu $end\n$timescale 1ns $end\n$scope module h755 $end\n");
    for (int i = 0; i < NSIG; i++)
        fprintf(out, "$var wire %u %c %s $end\n", sigs[i].width, (char)('A' + i), sigs[i].name);
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
            if (v->out && (!v->started || t / 1000u != v->stamp_ns)) {
                v->stamp_ns = t / 1000u;
                fprintf(v->out, "#%llu\n", (unsigned long long)v->stamp_ns);
            }
            if (v->out && !v->started)
                fprintf(v->out, "$dumpvars\n");
            header = true;
        }
        emit(v, i, now[i]);
        v->val[i] = now[i];
    }
    if (header && !v->started && v->out)
        fprintf(v->out, "$end\n");
    if (header)
        record(v, t, now);
    v->started = true;
    v->last_t = t;
    v->uart_seen = v->m->uart_len;
}

void h7_vcd_close(h7_vcd *v, h7_time_ps end)
{
    if (!v)
        return;
    h7_vcd_sample(v, end);
    if (end < v->last_t)
        end = v->last_t;   /* time never goes back in a VCD */
    if (v->out && (end / 1000u != v->stamp_ns || !v->started))
        fprintf(v->out, "#%llu\n", (unsigned long long)(end / 1000u));
    free(v->samples);
    free(v);
}

/* ------------------------------------------------------------------ SVG timing diagram */

static const char *const state_names[7] = {"run", "sleep", "CStop", "halted", "held", "FAULT", "no power"};
static const char *const state_colors[7] = {"#4caf50", "#c8e6c9", "#64b5f6", "#bdbdbd", "#ffcc80", "#e53935", "#212121"};

static void fmt_time(h7_time_ps t, char *buf, size_t len)
{
    if (t >= 10 * H7_PS_PER_MS)
        snprintf(buf, len, "%.0f ms", (double)t / (double)H7_PS_PER_MS);
    else if (t >= H7_PS_PER_MS)
        snprintf(buf, len, "%.1f ms", (double)t / (double)H7_PS_PER_MS);
    else
        snprintf(buf, len, "%.0f us", (double)t / (double)H7_PS_PER_US);
}

static void segment_label(int sig, uint32_t val, char *buf, size_t len)
{
    switch (sig) {
    case SIG_CM7: case SIG_CM4: snprintf(buf, len, "%s", state_names[val < 7 ? val : 5]); break;
    case SIG_D1: case SIG_D2: snprintf(buf, len, "%s", val ? "DStop" : "run"); break;
    case SIG_VOS: snprintf(buf, len, "VOS%u", val); break;
    case SIG_SYSCLK: snprintf(buf, len, "%u MHz", val); break;
    case SIG_HSEM0: case SIG_HSEM1: case SIG_HSEM2: case SIG_HSEM3:
        snprintf(buf, len, "%s", val == 3 ? "cm7" : val == 1 ? "cm4" : "free"); break;
    case SIG_UART:
        if (val >= 0x20 && val < 0x7F && val != '<' && val != '&' && val != '>' && val != '"')
            snprintf(buf, len, "%c", (int)val);
        else if (len)
            buf[0] = '\0';
        break;
    default: snprintf(buf, len, "%u", val); break;
    }
}

static const char *segment_color(int sig, uint32_t val)
{
    switch (sig) {
    case SIG_CM7: case SIG_CM4: return state_colors[val < 7 ? val : 5];
    case SIG_D1: case SIG_D2: return val ? "#64b5f6" : "#a5d6a7";
    case SIG_VOS: return val == 0 ? "#ef9a9a" : val == 1 ? "#ffe082" : val == 2 ? "#fff59d" : "#f5f5f5";
    case SIG_SYSCLK: return val > 300 ? "#ffab91" : val > 64 ? "#ffe0b2" : "#f5f5f5";
    case SIG_HSEM0: case SIG_HSEM1: case SIG_HSEM2: case SIG_HSEM3: return val == 3 ? "#90caf9" : val == 1 ? "#ce93d8" : "#f5f5f5";
    default: return "#eeeeee";
    }
}

static bool is_bit(int sig) { return sigs[sig].width == 1; }

void h7_vcd_write_svg(h7_vcd *v, FILE *f, const char *title, h7_time_ps end)
{
    if (!v || !f)
        return;
    h7_vcd_sample(v, end);
    const int label_w = 150, plot_w = 1000, row_h = 26, top = 50;
    const int rows[] = {SIG_CM7, SIG_CM4, SIG_D1, SIG_D2, SIG_VOS, SIG_ACTVOSRDY, SIG_SYSCLK, SIG_HSEM0, SIG_HSEM1,
                        SIG_LD1, SIG_LD2, SIG_UART, SIG_LOCKED};
    const int nrows = (int)(sizeof rows / sizeof rows[0]);
    int height = top + nrows * row_h + 40;
    h7_time_ps t_end = end ? end : 1;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n",
            label_w + plot_w + 20, height, label_w + plot_w + 20, height);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">");
    h7_xml_write_text(f, title ? title : "h7emu");   /* file names: escaped, valid UTF-8 */
    fprintf(f, "</text>\n");
    for (int r = 0; r < nrows; r++) {
        int sig = rows[r], y = top + r * row_h;
        if (r % 2 == 0)   /* alternate row shading: which trace belongs to which label */
            fprintf(f, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f3f6fa\"/>\n", y, label_w + plot_w + 20, row_h);
        fprintf(f, "<text x=\"10\" y=\"%d\">%s</text>\n", y + row_h / 2 + 4, sigs[sig].name);
        for (size_t i = 0; i < v->nsamples; i++) {
            h7_time_ps t0 = v->samples[i].t, t1 = i + 1 < v->nsamples ? v->samples[i + 1].t : t_end;
            if (t0 >= t_end)
                break;
            if (t1 > t_end)
                t1 = t_end;
            uint32_t val = v->samples[i].val[sig];
            /* merge runs of the same value */
            while (i + 1 < v->nsamples && v->samples[i + 1].val[sig] == val && v->samples[i + 1].t < t_end) {
                i++;
                t1 = i + 1 < v->nsamples ? v->samples[i + 1].t : t_end;
                if (t1 > t_end)
                    t1 = t_end;
            }
            double x0 = label_w + (double)plot_w * (double)t0 / (double)t_end;
            double x1 = label_w + (double)plot_w * (double)t1 / (double)t_end;
            if (x1 - x0 < 0.5)
                x1 = x0 + 0.5;
            if (is_bit(sig)) {
                int yy = val ? y + 5 : y + row_h - 5;
                fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n", x0, yy,
                        x1, yy, sig == SIG_LOCKED ? "#e53935" : "#1e88e5");
                fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1e88e5\" stroke-width=\"1\"/>\n", x0,
                        y + 5, x0, y + row_h - 5);
                continue;
            }
            char lb[32];
            segment_label(sig, val, lb, sizeof lb);
            fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" stroke=\"#757575\" "
                       "stroke-width=\"0.5\"/>\n", x0, y + 3, x1 - x0, row_h - 6, segment_color(sig, val));
            if (x1 - x0 > 8.0 * (double)strlen(lb) && lb[0])
                fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>\n", x0 + 3, y + row_h / 2 + 4,
                        (sig <= SIG_CM4 && (val == 5 || val == 6)) ? "white" : "black", lb);
        }
    }
    /* time axis */
    for (int i = 0; i <= 10; i++) {
        int x = label_w + plot_w * i / 10;
        char tb[32];
        fmt_time(t_end / 10 * (h7_time_ps)i, tb, sizeof tb);
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bdbdbd\" stroke-opacity=\"0.6\"/>\n", x,
                top - 6, x, top + nrows * row_h);
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#616161\">%s</text>\n", x, top - 10, tb);
    }
    fprintf(f, "<text x=\"10\" y=\"%d\" fill=\"#616161\">core states: run, sleep (WFI/WFE), CStop (deep sleep), "
               "held (BCMx = 0), FAULT, no power (device locked). HSEM owner: cm7 / cm4 / free. Generated by h7emu from "
               "a real run.</text>\n", height - 14);
    if (v->min_dt) {
        char dt[32];
        fmt_time(v->min_dt, dt, sizeof dt);
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#e53935\">decimated: %llu changes, changes "
                   "less than %s apart merged (the VCD has them all)</text>\n",
                label_w + plot_w + 10, height - 30, v->nchanges, dt);
    }
    fprintf(f, "</svg>\n");
}

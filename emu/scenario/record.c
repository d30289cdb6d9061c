/* `h7emu record`: run firmware once and write a scenario whose expect.sequence is the observed
 * power/clock/boot sequence, so that a later build that changes the sequencing fails with a diff
 * (docs/scenarios.md#recording-a-sequence). Volatile details -- code addresses, symbols, source
 * lines, timestamps -- are left out of the match (timestamps only with --timing, as bounds). */
#define _GNU_SOURCE
#include "record.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_scenario.h"
#include "machine.h"
#include "scenario.h"
#include "semihost.h"

static const char *usage_record =
    "usage: h7emu record --cm7 A.elf [--cm4 B.elf] -o FILE.yaml [options]\n"
    "\n"
    "Runs the firmware once and writes a scenario whose expect.sequence is the observed power/clock/\n"
    "boot sequence (commented), without timestamps. `h7emu run FILE.yaml` passes on the same\n"
    "firmware and fails, with an expected-vs-observed diff, when a build changes the sequence.\n"
    "  -o FILE            the scenario to write (images are written relative to it)\n"
    "  --board NAME       built-in board or board file (default nucleo-h755zi-q)\n"
    "  --for DURATION     how long to run (default 300ms; with --until: its timeout, default 1s)\n"
    "  --until uart:TEXT  run until the console prints a line containing TEXT (also event:TEXT)\n"
    "  --events LIST      classes to record, comma-separated (default power,clock,hsem,core,uart,rule):\n"
    "                     power clock hsem core uart rule gpio flash debug, or all\n"
    "  --timing[=TOL]     also bound each event's time: at its recorded time +- TOL (default 10%%;\n"
    "                     a duration like 5us or a percentage)\n"
    "  --name TEXT        the scenario's name (default: \"recorded sequence of <images>\")\n"
    "  --max N            at most N sequence items (default 200)\n"
    "  --semihosting      serve Arm semihosting (BKPT 0xAB) as `run --semihosting` does; the\n"
    "                     console lines are recorded (class core) and the scenario gets\n"
    "                     `semihosting:` and, if the firmware exits, `exit: STATUS`\n"
    "  --semihosting-root DIR, --semihosting-cmdline TEXT  the same, with its file root / command line\n"
    "exit codes: 0 written, 1 the --until condition was not reached (nothing written), 2 bad input.\n";

enum {
    C_POWER = 1 << 0, C_CLOCK = 1 << 1, C_HSEM = 1 << 2, C_CORE = 1 << 3, C_UART = 1 << 4, C_RULE = 1 << 5,
    C_GPIO = 1 << 6, C_FLASH = 1 << 7, C_DEBUG = 1 << 8,
};
static const struct { const char *name; unsigned bit; } classes[] = {
    {"power", C_POWER}, {"clock", C_CLOCK}, {"hsem", C_HSEM}, {"core", C_CORE}, {"uart", C_UART},
    {"rule", C_RULE}, {"gpio", C_GPIO}, {"flash", C_FLASH}, {"debug", C_DEBUG},
};
#define C_DEFAULT (C_POWER | C_CLOCK | C_HSEM | C_CORE | C_UART | C_RULE)

static bool starts(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }
static bool is_core(const char *src) { return !strcmp(src, "cm7") || !strcmp(src, "cm4"); }

/* The class of an event (0 = none of the recordable ones). */
static unsigned event_class(const char *src, const char *text)
{
    if (!strcmp(src, "pwr"))
        return C_POWER;
    if (!strcmp(src, "rcc"))
        return C_CLOCK;
    if (!strcmp(src, "hsem") || !strcmp(src, "exti"))
        return C_HSEM;
    if (!strcmp(src, "uart3"))
        return C_UART;
    if (!strcmp(src, "rule"))
        return C_RULE;
    if (!strcmp(src, "gpio"))
        return C_GPIO;
    if (!strcmp(src, "flash"))
        return C_FLASH;
    if (!strcmp(src, "debug"))
        return C_DEBUG;
    if (!strcmp(src, "machine"))
        return C_CORE;
    if (!strcmp(src, "board"))
        return C_POWER;
    if (is_core(src)) {
        if (starts(text, "writes PWR_") || starts(text, "writes SYSCFG_PWRCR"))
            return C_POWER;
        if (starts(text, "writes FLASH_ACR"))
            return C_CLOCK;
        if (strstr(text, "hsem ") || starts(text, "sets RCC_GCR"))
            return C_HSEM;
        return C_CORE;
    }
    return 0;
}

/* What a sequence line means, for the comment beside it. */
static const char *meaning(const char *src, const char *text)
{
    static const struct { const char *src, *prefix, *what; } m[] = {
        {"machine", "power-on reset", "the board is powered: POR, option bytes loaded, both cores restart"},
        {"machine", "system reset", "system reset: RAM and PWR_CR3 kept"},
        {NULL, "boots at", "leaves reset: SP and PC from the vector table"},
        {NULL, "held in reset", "boot gated by BCMx = 0 until the other core sets RCC_GCR.BOOT_Cx"},
        {NULL, "released from boot gating", "RCC_GCR.BOOT_Cx set: the gated core starts"},
        {NULL, "enters cstop", "core in CStop (SLEEPDEEP + WFE/WFI): the CM4 waits for the boot handshake"},
        {NULL, "leaves cstop", "core woken from CStop"},
        {NULL, "writes PWR_CR3", "supply configuration (RM0399 7.8.4): must match the board's wiring, write-once"},
        {NULL, "writes PWR_D3CR.VOS", "voltage scaling selected (RM0399 7.8.x, PWR_D3CR.VOS)"},
        {NULL, "writes SYSCFG_PWRCR", "overdrive (VOS0) enable"},
        {NULL, "writes FLASH_ACR", "flash wait states for the coming clock (RM0399 Table 17)"},
        {NULL, "sets RCC_GCR.BOOT_C2", "the CM7 releases the gated CM4"},
        {NULL, "hsem", "hardware semaphore take/release (the dual-core boot handshake)"},
        {NULL, "hardfault", "a fault the firmware takes"},
        {NULL, "lockup", "the core locks up"},
        {NULL, "semihosting exit", "the firmware ends the run through semihosting"},
        {NULL, "semihosting \"", "a line the firmware printed through semihosting"},
        {"pwr", "actvosrdy", "ACTVOSRDY: the supply configuration is valid, VOS may change"},
        {"pwr", "vos", "VOSRDY: the selected voltage scale is reached"},
        {"pwr", "d2 stop", "D2 domain in DStop (the CM4 is in CStop)"},
        {"pwr", "d2 run", "D2 domain running again"},
        {"pwr", "d1 stop", "D1 domain in DStop"},
        {"pwr", "system stop", "the whole system in Stop"},
        {"pwr", "supply write", "a PWR_CR3 write the hardware refused"},
        {"pwr", "", "power controller state"},
        {"rcc", "hse ready", "HSE oscillator ready (RCC_CR.HSERDY)"},
        {"rcc", "pll", "PLL locked (RCC_CR.PLLxRDY)"},
        {"rcc", "sysclk", "system clock switch (RCC_CFGR.SW) and the resulting core clocks"},
        {"rcc", "d2ckrdy", "D2 domain clock ready flag (RCC_CR.D2CKRDY)"},
        {"rcc", "", "clock controller state"},
        {"exti", "", "EXTI event (an HSEM release wakes the CM4)"},
        {"uart3", "", "console line on USART3"},
        {"rule", "", "a reference-manual / datasheet rule fired (h7emu rules)"},
        {"board", "", "board-level consequence"},
        {"gpio", "", "output pin (LED)"},
        {"flash", "", "flash programming"},
        {"debug", "", "debug-link operation"},
    };
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if ((!m[i].src ? is_core(src) : !strcmp(src, m[i].src)) && starts(text, m[i].prefix))
            return m[i].what;
    return "";
}

/* "src: text" without volatile details: a code address with its symbol and source line
 * (" 0x08000BD4 Reset_Handler+0x0 (startup.c:45) ...") and everything after it is cut. The result
 * is contained in the original, so it matches the run it came from. */
static void stable_text(const h7_trace_event *e, char *out, size_t len)
{
    snprintf(out, len, "%s: %s", e->src, e->text);
    for (char *p = out; (p = strstr(p, " 0x"));) {
        const char *q = p + 3;
        int hex = 0;
        while (isxdigit((unsigned char)q[hex]))
            hex++;
        if (hex == 8 && q[8] == ' ' && (isalpha((unsigned char)q[9]) || q[9] == '_') && strchr(q + 9, '+')) {
            *p = '\0';
            break;
        }
        p += 3;
    }
    size_t n = strlen(out);
    while (n && (out[n - 1] == ' ' || out[n - 1] == ','))
        out[--n] = '\0';
    if (n > 3 && !strcmp(out + n - 3, " at"))
        out[n - 3] = '\0';
}

/* A single-quoted YAML scalar (quotes doubled). */
static void yaml_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static size_t yaml_quote_to(char *buf, size_t len, const char *s)
{
    size_t k = 0;
    if (len < 3)
        return 0;
    buf[k++] = '\'';
    for (; *s && k + 3 < len; s++) {
        if (*s == '\'')
            buf[k++] = '\'';
        buf[k++] = *s;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
    return k;
}

/* path relative to dir (both made absolute), or the path as given if that fails. */
static void relative_to(const char *path, const char *dir, char *out, size_t len)
{
    char ap[PATH_MAX], ad[PATH_MAX];
    if (!realpath(path, ap) || !realpath(dir, ad)) {
        snprintf(out, len, "%s", path);
        return;
    }
    size_t i = 0;
    while (ap[i] && ap[i] == ad[i])
        i++;
    if (!(ad[i] == '\0' && ap[i] == '/')) {   /* back to the last common '/' */
        while (i > 0 && ap[i - 1] != '/')
            i--;
        i--;
    }
    size_t k = 0;
    out[0] = '\0';
    for (const char *p = ad + i; *p; p++)   /* one "../" per directory of dir below the common part */
        if (*p == '/' && k + 4 < len)
            k += (size_t)snprintf(out + k, len - k, "../");
    snprintf(out + k, len - k, "%s", ap + i + 1);
}

typedef struct rec_wait { const char *src, *text; bool hit; h7_machine *m; } rec_wait;

static void rec_observe(void *ctx, const h7_ev *ev)
{
    rec_wait *w = ctx;
    char text[512];
    h7_ev_render(ev, text, sizeof text);
    h7_trace_event line_ev = {.text = text};
    snprintf(line_ev.src, sizeof line_ev.src, "%s", h7_ev_src(ev));
    const h7_trace_event *e = &line_ev;
    if (!w->hit && (!w->src || !strcmp(e->src, w->src))) {
        char line[1200];
        snprintf(line, sizeof line, "%s: %s", e->src, e->text);
        if (strstr(w->src ? e->text : line, w->text)) {
            w->hit = true;
            w->m->stop_requested = true;
        }
    }
}

static bool parse_classes(const char *list, unsigned *mask)
{
    *mask = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "all")) {
            *mask = ~0u;
            continue;
        }
        size_t i = 0;
        while (i < sizeof classes / sizeof *classes && strcmp(classes[i].name, t))
            i++;
        if (i == sizeof classes / sizeof *classes)
            return false;
        *mask |= classes[i].bit;
    }
    return *mask != 0;
}

static void format_duration(h7_time_ps t, char *buf, size_t len)
{
    if (t && t % H7_PS_PER_S == 0)
        snprintf(buf, len, "%llus", (unsigned long long)(t / H7_PS_PER_S));
    else if (t % H7_PS_PER_MS == 0)
        snprintf(buf, len, "%llums", (unsigned long long)(t / H7_PS_PER_MS));
    else if (t % H7_PS_PER_US == 0)
        snprintf(buf, len, "%lluus", (unsigned long long)(t / H7_PS_PER_US));
    else
        snprintf(buf, len, "%lluns", (unsigned long long)(t / 1000));   /* as the timeline shows it */
}

typedef struct rec_opts {
    const char *cm7, *cm4, *board, *out, *name, *until_src, *until_text, *timing_tol;
    bool semihosting;                   /* --semihosting (or one of the two below) */
    const char *sh_root, *sh_cmdline;   /* --semihosting-root, --semihosting-cmdline */
    h7_time_ps duration;
    bool for_given, timing;
    unsigned classes, max_items;
} rec_opts;

/* The sequence items, built as the events are written (a trace sink): at most --max items are
 * kept, whatever the run's length. */
typedef struct rec_seq {
    const rec_opts *o;
    char prev[1200];
    unsigned items, dropped, repeats;
    FILE *mem;                   /* the item lines (open_memstream into buf) */
    char *buf;
    size_t len;
} rec_seq;

static void rec_sink(void *ctx, const h7_trace_event *e, size_t index)
{
    rec_seq *rs = ctx;
    const rec_opts *o = rs->o;
    char text[1200];
    if (!(event_class(e->src, e->text) & o->classes))
        return;
    stable_text(e, text, sizeof text);
    if (!strcmp(text, rs->prev) && !o->timing) {   /* an immediate repeat adds nothing to the match */
        rs->repeats++;
        return;
    }
    snprintf(rs->prev, sizeof rs->prev, "%s", text);
    if (rs->items == o->max_items) {
        rs->dropped++;
        return;
    }
    rs->items++;
    char tb[40];
    h7_trace_format_time(e->t, tb, sizeof tb);
    const char *tt = tb;
    while (*tt == ' ')
        tt++;
    char item[1400];
    size_t k = 0;
    if (o->timing) {
        char atb[40];
        format_duration(e->t, atb, sizeof atb);
        k += (size_t)snprintf(item, sizeof item, "{event: ");
        k += yaml_quote_to(item + k, sizeof item - k, text);
        snprintf(item + k, sizeof item - k, ", at: %s, tolerance: %s}", e->t ? atb : "0ns",
                 o->timing_tol ? o->timing_tol : "10%");
    } else {
        yaml_quote_to(item, sizeof item, text);
    }
    const char *what = meaning(e->src, e->text);
    fprintf(rs->mem, "    - %-56s # %s%s%s\n", item, tt, what[0] ? "  " : "", what);
}

/* semihosting: true, or the mapping with the root (relative to the scenario) and the command line. */
static void write_semihosting(FILE *f, const rec_opts *o, const char *outdir)
{
    if (!o->sh_root && !o->sh_cmdline) {
        fprintf(f, "semihosting: true\n");
        return;
    }
    fprintf(f, "semihosting: {");
    if (o->sh_root) {
        char rel[PATH_MAX];
        relative_to(o->sh_root, outdir, rel, sizeof rel);
        fprintf(f, "root: ");
        yaml_quote(f, rel);
    }
    if (o->sh_cmdline) {
        fprintf(f, "%scmdline: ", o->sh_root ? ", " : "");
        yaml_quote(f, o->sh_cmdline);
    }
    fprintf(f, "}\n");
}

static int write_scenario(FILE *f, const rec_opts *o, h7_machine *m, rec_seq *seq, const char *outdir, int argc,
                          char **argv)
{
    char why[600];
    const char *outcome = m->locked ? "locked" : h7_machine_firmware_faulted(m, why, sizeof why) ? "fault" : "running";
    fprintf(f, "# Recorded by `h7emu record`: the power/clock/boot sequence this firmware showed on\n"
               "# %s. `h7emu run` on this file passes while the firmware keeps this sequence and\n"
               "# prints an expected-vs-observed diff when a build changes it. Items match events that\n"
               "# contain them, in this order (other events may come in between)%s.\n#\n# command: h7emu record",
            m->board.name, o->timing ? "; `at` bounds an event's time" : "; times are comments only");
    for (int i = 0; i < argc; i++)
        fprintf(f, strpbrk(argv[i], " \t'\"") ? " '%s'" : " %s", argv[i]);
    fprintf(f, "\n\nname: ");
    char name[600];
    if (o->name)
        snprintf(name, sizeof name, "%s", o->name);
    else
        snprintf(name, sizeof name, "recorded sequence of %s%s%s", o->cm7 ? strrchr(o->cm7, '/') ? strrchr(o->cm7, '/') + 1 : o->cm7 : "",
                 o->cm7 && o->cm4 ? " + " : "", o->cm4 ? strrchr(o->cm4, '/') ? strrchr(o->cm4, '/') + 1 : o->cm4 : "");
    yaml_quote(f, name);
    fprintf(f, "\nboard: ");
    if (h7_board_builtin(o->board)) {
        yaml_quote(f, o->board);
    } else {
        char rel[PATH_MAX];
        relative_to(o->board, outdir, rel, sizeof rel);
        yaml_quote(f, rel);
    }
    fprintf(f, "\nimages:                       # relative to this file\n");
    const char *img[2] = {o->cm7, o->cm4};
    for (int k = 0; k < 2; k++)
        if (img[k]) {
            char rel[PATH_MAX];
            relative_to(img[k], outdir, rel, sizeof rel);
            fprintf(f, "  %s: ", k ? "cm4" : "cm7");
            yaml_quote(f, rel);
            fputc('\n', f);
        }
    if (o->semihosting)
        write_semihosting(f, o, outdir);
    char dur[40];
    format_duration(o->duration, dur, sizeof dur);
    fprintf(f, "steps:\n");
    if (o->until_text) {
        fprintf(f, "  - run_until: {%s: ", o->until_src ? "uart" : "event");
        yaml_quote(f, o->until_text);
        fprintf(f, ", timeout: %s}\n", dur);
    } else {
        fprintf(f, "  - run: %s\n", dur);
    }
    fprintf(f, "expect:\n  sequence:\n");
    fwrite(seq->buf ? seq->buf : "", 1, seq->len, f);
    if (seq->dropped)
        fprintf(f, "    # ... %u more events not recorded (--max %u)\n", seq->dropped, o->max_items);
    if (seq->repeats)
        fprintf(f, "    # (%u immediate repeats of the line above them left out)\n", seq->repeats);
    bool rule_fired = false;
    for (int r = 0; r < H7_RULE_COUNT; r++)
        rule_fired |= m->sup.rule_fired[r];
    if (!rule_fired)
        fprintf(f, "  never: ['rule:']              # no reference-manual / datasheet rule fired\n");
    const h7_semihost *sh = m->semihost;
    if (sh && sh->exited) {
        fprintf(f, "  outcome: exited               # the firmware ended the run through semihosting\n");
        if (sh->exit_reason == H7_ADP_STOPPED_APPLICATION_EXIT)
            fprintf(f, "  exit: %u                       # its exit status\n", sh->exit_status);
    } else {
        fprintf(f, "  outcome: %s%s\n", outcome,
                !strcmp(outcome, "running") ? "              # no lock, no fault at the end" : "");
    }
    return (int)seq->items;
}

int h7_cmd_record(int argc, char **argv)
{
    rec_opts o = {.board = "nucleo-h755zi-q", .duration = 300 * H7_PS_PER_MS, .classes = C_DEFAULT, .max_items = 200};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(a, "--cm7") || !strcmp(a, "--cm4") || !strcmp(a, "-o") || !strcmp(a, "--board") ||
                     !strcmp(a, "--for") || !strcmp(a, "--until") || !strcmp(a, "--events") || !strcmp(a, "--name") ||
                     !strcmp(a, "--max") || !strcmp(a, "--semihosting-root") || !strcmp(a, "--semihosting-cmdline");
        if (takes && !val) {
            fprintf(stderr, "h7emu: option %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_record, stdout);
            return 0;
        } else if (!strcmp(a, "--cm7")) {
            o.cm7 = val;
        } else if (!strcmp(a, "--cm4")) {
            o.cm4 = val;
        } else if (!strcmp(a, "-o")) {
            o.out = val;
        } else if (!strcmp(a, "--board")) {
            o.board = val;
        } else if (!strcmp(a, "--name")) {
            o.name = val;
        } else if (!strcmp(a, "--for")) {
            if (!h7_parse_duration(val, &o.duration)) {
                fprintf(stderr, "h7emu: bad duration '%s' (examples: 100ms, 2s)\n", val);
                return 2;
            }
            o.for_given = true;
        } else if (!strcmp(a, "--until")) {
            if (starts(val, "uart:"))
                o.until_src = "uart3";
            else if (!starts(val, "event:")) {
                fprintf(stderr, "h7emu: --until wants uart:TEXT or event:TEXT, not '%s'\n", val);
                return 2;
            }
            o.until_text = strchr(val, ':') + 1;
            if (!*o.until_text) {
                fprintf(stderr, "h7emu: --until: empty text\n");
                return 2;
            }
        } else if (!strcmp(a, "--events")) {
            if (!parse_classes(val, &o.classes)) {
                fprintf(stderr, "h7emu: --events '%s': classes are power, clock, hsem, core, uart, rule, gpio, flash, "
                        "debug, all\n", val);
                return 2;
            }
        } else if (!strcmp(a, "--max")) {
            char *end;
            long v = strtol(val, &end, 10);
            if (*end || v < 1 || v > 100000) {
                fprintf(stderr, "h7emu: --max wants 1..100000\n");
                return 2;
            }
            o.max_items = (unsigned)v;
        } else if (!strcmp(a, "--semihosting")) {
            o.semihosting = true;
        } else if (!strcmp(a, "--semihosting-root")) {
            o.semihosting = true;
            o.sh_root = val;
        } else if (!strcmp(a, "--semihosting-cmdline")) {
            o.semihosting = true;
            o.sh_cmdline = val;
        } else if (!strcmp(a, "--timing")) {
            o.timing = true;
        } else if (starts(a, "--timing=")) {
            o.timing = true;
            o.timing_tol = a + 9;
            h7_time_ps tmp;
            size_t n = strlen(o.timing_tol);
            bool pct = n > 1 && o.timing_tol[n - 1] == '%' && strspn(o.timing_tol, "0123456789") == n - 1;
            if (!pct && !h7_parse_duration(o.timing_tol, &tmp)) {
                fprintf(stderr, "h7emu: --timing=%s: a duration (5us) or a percentage (10%%)\n", o.timing_tol);
                return 2;
            }
        } else {
            fprintf(stderr, "h7emu: unknown option '%s'\n%s", a, usage_record);
            return 2;
        }
        if (takes)
            i++;
    }
    if (!o.cm7 && !o.cm4) {
        fprintf(stderr, "h7emu: nothing to record: give --cm7 and/or --cm4\n%s", usage_record);
        return 2;
    }
    if (!o.out) {
        fprintf(stderr, "h7emu: record needs -o FILE.yaml\n");
        return 2;
    }
    if (o.until_text && !o.for_given)
        o.duration = H7_PS_PER_S;
    char err[512];
    h7_board bd;
    if (h7_board_load(o.board, &bd, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s\n", err);
        return 2;
    }
    h7_machine_config cfg = {.cm7_path = o.cm7, .cm4_path = o.cm4, .board = &bd};
    h7_machine *m = NULL;
    if (h7_machine_create(&m, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s\n", err);
        h7_machine_destroy(m);
        return 2;
    }
    h7_semihost sh;
    h7_scenario shs = {.semihosting = o.semihosting, .sh_root = (char *)o.sh_root, .sh_cmdline = (char *)o.sh_cmdline};
    if (h7_scenario_semihost(&shs, m, &sh, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s\n", err);
        h7_machine_destroy(m);
        return 2;
    }
    rec_seq seq = {.o = &o};
    if (!(seq.mem = open_memstream(&seq.buf, &seq.len)) || !h7_trace_add_sink(&m->trace, rec_sink, &seq)) {
        fprintf(stderr, "h7emu: out of memory\n");
        exit(70);
    }
    h7_trace_stream_only(&m->trace);
    /* The same run as `h7emu run` of the scenario: its name event, power-on, then the step. */
    h7_machine_trace(m, "scenario", "recording");
    h7_machine_power_on(m);
    rec_wait w = {.src = o.until_src, .text = o.until_text, .m = m};
    if (o.until_text) {
        h7_ev_subscribe(&m->observers, h7_ev_timeline_kinds(), rec_observe, &w);
        h7_time_ps end = m->time + o.duration;
        while (!w.hit && m->time < end && !sh.exited)
            if (h7_machine_run_for(m, end - m->time) == H7_RUN_TIME_LIMIT)
                break;
        m->stop_requested = false;
    } else {
        h7_machine_run_for(m, o.duration);
    }
    h7_machine_flush_uart_lines(m);
    if (o.semihosting)
        h7_semihost_flush(&sh);   /* a last console line without its newline */
    if (o.until_text && !w.hit) {
        fprintf(stderr, "h7emu: record: '%s' did not occur within %llu ms; nothing written\n", o.until_text,
                (unsigned long long)(o.duration / H7_PS_PER_MS));
        if (o.semihosting)
            h7_semihost_free(&sh);
        h7_machine_destroy(m);
        fclose(seq.mem);
        free(seq.buf);
        return 1;
    }
    char outdir[PATH_MAX];
    snprintf(outdir, sizeof outdir, "%s", o.out);
    char *slash = strrchr(outdir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(outdir, sizeof outdir, ".");
    FILE *f = h7_open_output(o.out, "scenario");
    if (!f) {
        if (o.semihosting)
            h7_semihost_free(&sh);
        h7_machine_destroy(m);
        fclose(seq.mem);
        free(seq.buf);
        return 2;
    }
    fflush(seq.mem);
    int items = write_scenario(f, &o, m, &seq, outdir, argc, argv);
    int rc = 0;
    if (f != stdout && fclose(f) != 0) {
        fprintf(stderr, "h7emu: cannot write %s: %s\n", o.out, strerror(errno));
        rc = 2;
    }
    if (f != stdout)
        printf("recorded %d sequence items into %s\n", items, o.out);
    if (o.semihosting)
        h7_semihost_free(&sh);
    h7_machine_destroy(m);
    fclose(seq.mem);
    free(seq.buf);
    return rc;
}

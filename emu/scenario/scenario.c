/* Scenario files: parsing (yamltree, file:line:col errors), running the steps on a machine, and
 * judging the expectations. Format and semantics: docs/scenarios.md. */
#define _GNU_SOURCE
#include "scenario.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flash_regs.h"
#include "machine.h"
#include "semihost.h"
#include "vcd.h"
#include "textsafe.h"
#include "yamltree.h"

const char *h7_outcome_name(h7_outcome o)
{
    static const char *const names[] = {"any", "running", "locked", "fault", "timeout", "exited"};
    return names[o];
}

/* ------------------------------------------------------------------ scalar parsing */

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fprintf(stderr, "h7emu: out of memory\n");
        exit(70);
    }
    return d;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "h7emu: out of memory\n");
        exit(70);
    }
    return q;
}

bool h7_parse_duration(const char *s, h7_time_ps *out)
{
    char *end = NULL;
    errno = 0;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    uint64_t mul;
    if (!strcmp(end, "s"))
        mul = H7_PS_PER_S;
    else if (!strcmp(end, "ms"))
        mul = H7_PS_PER_MS;
    else if (!strcmp(end, "us"))
        mul = H7_PS_PER_US;
    else if (!strcmp(end, "ns"))
        mul = 1000;
    else
        return false;
    if (v == 0 || v > 3600ull * H7_PS_PER_S / mul)
        return false;
    *out = v * mul;
    return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > 0xFFFFFFFFull)
        return false;
    *out = (uint32_t)v;
    return true;
}

typedef struct pctx {
    const h7_ydoc *d;
    char *err;
    size_t errlen;
    char *dir;                   /* the scenario's directory (relative paths), any length */
} pctx;

static int want_scalar(pctx *p, const h7_ynode *n, const char *what)
{
    if (n->kind != H7_Y_SCALAR)
        return h7_yerr(p->d, n, p->err, p->errlen, "%s must be a single value, not a %s", what,
                       n->kind == H7_Y_MAP ? "mapping" : "list");
    return 0;
}

static int get_duration(pctx *p, const h7_ynode *n, const char *what, h7_time_ps *out)
{
    if (want_scalar(p, n, what))
        return -1;
    if (!h7_parse_duration(n->value, out))
        return h7_yerr(p->d, n, p->err, p->errlen, "%s: '%s' is not a duration (examples: 500us, 20ms, 2s; up to 1 h)",
                       what, n->value);
    return 0;
}

static int get_u32(pctx *p, const h7_ynode *n, const char *what, uint32_t *out)
{
    if (want_scalar(p, n, what))
        return -1;
    if (!parse_u32(n->value, out))
        return h7_yerr(p->d, n, p->err, p->errlen, "%s: '%s' is not a 32-bit number (decimal or 0x...)", what, n->value);
    return 0;
}

static int get_bool01(pctx *p, const h7_ynode *n, const char *what, bool *out)
{
    if (want_scalar(p, n, what))
        return -1;
    const char *v = n->value;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "high"))
        *out = true;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "low"))
        *out = false;
    else
        return h7_yerr(p->d, n, p->err, p->errlen, "%s: '%s' must be 0 or 1", what, v);
    return 0;
}

static int get_core(pctx *p, const h7_ynode *n, h7_core_id *out)
{
    if (want_scalar(p, n, "core"))
        return -1;
    if (!strcmp(n->value, "cm7"))
        *out = H7_CM7;
    else if (!strcmp(n->value, "cm4"))
        *out = H7_CM4;
    else
        return h7_yerr(p->d, n, p->err, p->errlen, "core: '%s' must be cm7 or cm4", n->value);
    return 0;
}

static int get_string(pctx *p, const h7_ynode *n, const char *what, char **out)
{
    if (want_scalar(p, n, what))
        return -1;
    if (!n->value[0])
        return h7_yerr(p->d, n, p->err, p->errlen, "%s must not be empty", what);
    *out = xstrdup(n->value);
    return 0;
}

/* H7_FIRMWARE_DIR defaults to the firmware/ directory beside the h7emu executable (the build tree). */
static char *default_firmware_dir(void)
{
    char *exe = realpath("/proc/self/exe", NULL), *dir = NULL;
    char *slash = exe ? strrchr(exe, '/') : NULL;
    if (slash) {
        *slash = '\0';
        if (asprintf(&dir, "%s/firmware", exe) < 0)
            dir = NULL;
    }
    free(exe);
    if (dir && access(dir, R_OK) != 0) {
        free(dir);
        dir = NULL;
    }
    return dir;
}

/* A growing string (paths of any length: no fixed-size buffers). */
typedef struct sbuf { char *s; size_t n, cap; } sbuf;

static void sbuf_add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* `text` with ${VAR} expanded from the environment, relative to the YAML's directory. */
static int resolve_path(pctx *p, const h7_ynode *n, const char *what, const char *text, char **out)
{
    sbuf exp = {0};
    for (const char *s = text; *s;) {
        if (s[0] == '$' && s[1] == '{') {
            const char *e = strchr(s, '}');
            if (!e) {
                free(exp.s);
                return h7_yerr(p->d, n, p->err, p->errlen, "%s: unterminated ${...} in '%s'", what, n->value);
            }
            char *var = strndup(s + 2, (size_t)(e - s - 2));
            const char *val = getenv(var);
            char *exe_fw = NULL;
            if ((!val || !*val) && !strcmp(var, "H7_FIRMWARE_DIR") && (exe_fw = default_firmware_dir()))
                val = exe_fw;
            if (!val || !*val) {
                h7_yerr(p->d, n, p->err, p->errlen, "%s: environment variable %s is not set (used in '%s')", what,
                        var, n->value);
                free(var);
                free(exp.s);
                return -1;
            }
            sbuf_add(&exp, val, strlen(val));
            free(var);
            free(exe_fw);
            s = e + 1;
        } else {
            sbuf_add(&exp, s++, 1);
        }
    }
    sbuf full = {0};
    if (exp.s[0] != '/') {
        sbuf_add(&full, p->dir, strlen(p->dir));
        sbuf_add(&full, "/", 1);
    }
    sbuf_add(&full, exp.s, exp.n);
    free(exp.s);
    *out = full.s;
    return 0;
}

/* A file path: ${VAR} expanded from the environment, relative paths from the YAML's directory. */
static int get_path(pctx *p, const h7_ynode *n, const char *what, char **out)
{
    if (want_scalar(p, n, what))
        return -1;
    if (!n->value[0])
        return h7_yerr(p->d, n, p->err, p->errlen, "%s must not be empty (a path to a file)", what);
    char *full = NULL;
    if (resolve_path(p, n, what, n->value, &full))
        return -1;
    if (access(full, R_OK) != 0) {
        h7_yerr(p->d, n, p->err, p->errlen, "%s: cannot read '%s': %s", what, full, strerror(errno));
        free(full);
        return -1;
    }
    *out = full;
    return 0;
}

/* Load a HEX / FILE@ADDR image once to report its errors at the scenario's line (frees *out on error). */
static int check_raw_image(pctx *p, const h7_ynode *n, const char *what, const char *spec, char **out)
{
    h7_image img;
    char msg[600];
    if (h7_image_load_raw(spec, &img, msg, sizeof msg) != 0) {
        free(*out);
        *out = NULL;
        return h7_yerr(p->d, n, p->err, p->errlen, "%s: %s", what, msg);
    }
    h7_image_free(&img);
    return 0;
}

/* An image: an ELF or Intel HEX file, or a raw binary with its load address, FILE.bin@0x08100000
 * (as on the command line). Raw images are read here, so a bad address, an image that does not fit
 * or a malformed HEX record is reported at the scenario's line. */
static int get_image(pctx *p, const h7_ynode *n, const char *what, char **out)
{
    if (want_scalar(p, n, what))
        return -1;
    const char *at = strrchr(n->value, '@');
    if (at && strchr(at, '/'))
        at = NULL;   /* an '@' in a directory name, not an address */
    if (!at)
        return get_path(p, n, what, out) || (h7_image_is_raw(*out) && check_raw_image(p, n, what, *out, out));
    uint32_t addr;
    if (at == n->value)
        return h7_yerr(p->d, n, p->err, p->errlen, "%s: '%s' has no file before '@' (FILE.bin@0x08100000)", what, n->value);
    if (!parse_u32(at + 1, &addr))
        return h7_yerr(p->d, n, p->err, p->errlen, "%s: '%s' after '@' is not an address (FILE.bin@0x08100000)", what,
                       at + 1);
    char *file = strndup(n->value, (size_t)(at - n->value)), *full = NULL;
    int rc = resolve_path(p, n, what, file, &full);
    free(file);
    if (rc)
        return -1;
    if (access(full, R_OK) != 0) {
        h7_yerr(p->d, n, p->err, p->errlen, "%s: cannot read '%s': %s", what, full, strerror(errno));
        free(full);
        return -1;
    }
    char *spec = NULL;
    if (asprintf(&spec, "%s@0x%08X", full, addr) < 0)
        spec = NULL;
    free(full);
    if (!spec)
        return h7_yerr(p->d, n, p->err, p->errlen, "%s: out of memory", what);
    *out = spec;
    return check_raw_image(p, n, what, spec, out);
}

/* ------------------------------------------------------------------ steps */

static const struct { const char *name; int reg; bool writable; } core_regs[] = {
    {"r0", UC_ARM_REG_R0, true}, {"r1", UC_ARM_REG_R1, true}, {"r2", UC_ARM_REG_R2, true}, {"r3", UC_ARM_REG_R3, true},
    {"r4", UC_ARM_REG_R4, true}, {"r5", UC_ARM_REG_R5, true}, {"r6", UC_ARM_REG_R6, true}, {"r7", UC_ARM_REG_R7, true},
    {"r8", UC_ARM_REG_R8, true}, {"r9", UC_ARM_REG_R9, true}, {"r10", UC_ARM_REG_R10, true},
    {"r11", UC_ARM_REG_R11, true}, {"r12", UC_ARM_REG_R12, true}, {"sp", UC_ARM_REG_SP, true},
    {"lr", UC_ARM_REG_LR, true}, {"pc", UC_ARM_REG_PC, true}, {"xpsr", UC_ARM_REG_XPSR, false},
    {"msp", UC_ARM_REG_MSP, false}, {"psp", UC_ARM_REG_PSP, false}, {"primask", UC_ARM_REG_PRIMASK, false},
    {"basepri", UC_ARM_REG_BASEPRI, false}, {"faultmask", UC_ARM_REG_FAULTMASK, false},
    {"control", UC_ARM_REG_CONTROL, false},
};

static h7_step *new_step(h7_scenario *s, h7_step_kind kind, const h7_ynode *n)
{
    s->steps = xrealloc(s->steps, (s->nsteps + 1) * sizeof *s->steps);
    h7_step *st = &s->steps[s->nsteps++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->line = n->line;
    st->mask = 0xFFFFFFFFu;
    return st;
}

static int parse_run_until(pctx *p, h7_scenario *s, const h7_ynode *v)
{
    static const char *const keys[] = {"symbol", "core", "event", "uart", "timeout", NULL};
    if (v->kind != H7_Y_MAP)
        return h7_yerr(p->d, v, p->err, p->errlen, "run_until takes a mapping: {symbol: NAME, core: cm7|cm4, timeout: T} "
                       "or {event: TEXT, timeout: T} or {uart: TEXT, timeout: T}");
    if (h7_ymap_check_keys(p->d, v, keys, p->err, p->errlen))
        return -1;
    h7_step *st = new_step(s, H7_STEP_RUN_UNTIL, v);
    const h7_ynode *sym = h7_ymap_get(v, "symbol"), *ev = h7_ymap_get(v, "event"), *ua = h7_ymap_get(v, "uart");
    const h7_ynode *to = h7_ymap_get(v, "timeout"), *core = h7_ymap_get(v, "core");
    if ((sym != NULL) + (ev != NULL) + (ua != NULL) != 1)
        return h7_yerr(p->d, v, p->err, p->errlen, "run_until needs exactly one of symbol, event, uart");
    if (!to)
        return h7_yerr(p->d, v, p->err, p->errlen, "run_until needs a timeout (e.g. timeout: 50ms)");
    if (get_duration(p, to, "timeout", &st->duration))
        return -1;
    st->core = H7_CM7;
    if (core && get_core(p, core, &st->core))
        return -1;
    if (sym)
        return get_string(p, sym, "symbol", &st->symbol);
    if (core)
        return h7_yerr(p->d, core, p->err, p->errlen, "core applies to run_until symbol only");
    st->until_uart = ua != NULL;
    return get_string(p, ev ? ev : ua, ev ? "event" : "uart", &st->event);
}

static int parse_debug(pctx *p, h7_scenario *s, const h7_ynode *v)
{
    static const char *const ops[] = {"connect", "halt", "resume", "mass_erase", NULL};
    static const h7_step_kind op_kind[] = {H7_STEP_DEBUG_CONNECT, H7_STEP_DEBUG_HALT, H7_STEP_DEBUG_RESUME,
                                           H7_STEP_DEBUG_MASS_ERASE};
    if (v->kind == H7_Y_SCALAR) {
        for (int i = 0; ops[i]; i++)
            if (!strcmp(v->value, ops[i])) {
                new_step(s, op_kind[i], v);
                return 0;
            }
        return h7_yerr(p->d, v, p->err, p->errlen, "debug: unknown operation '%s' (connect, halt, resume, mass_erase, "
                       "or a mapping with read/write/load)", v->value);
    }
    if (v->kind != H7_Y_MAP)
        return h7_yerr(p->d, v, p->err, p->errlen, "debug takes an operation name or a mapping");
    static const char *const keys[] = {"op", "read", "write", "load", "read_reg", "write_reg", "core", "value", "mask",
                                       "symbol", "link", NULL};
    if (h7_ymap_check_keys(p->d, v, keys, p->err, p->errlen))
        return -1;
    const h7_ynode *op = h7_ymap_get(v, "op"), *rd = h7_ymap_get(v, "read"), *wr = h7_ymap_get(v, "write"),
                   *ld = h7_ymap_get(v, "load"), *core = h7_ymap_get(v, "core"), *val = h7_ymap_get(v, "value"),
                   *mask = h7_ymap_get(v, "mask"), *link = h7_ymap_get(v, "link"), *rr = h7_ymap_get(v, "read_reg"),
                   *wrr = h7_ymap_get(v, "write_reg"), *sym = h7_ymap_get(v, "symbol");
    if ((op != NULL) + (rd != NULL) + (wr != NULL) + (ld != NULL) + (rr != NULL) + (wrr != NULL) != 1)
        return h7_yerr(p->d, v, p->err, p->errlen, "debug needs exactly one of op, read, write, load, read_reg, write_reg");
    if (sym && !rr)
        return h7_yerr(p->d, sym, p->err, p->errlen, "symbol applies to read_reg only (e.g. {read_reg: pc, symbol: main})");
    h7_step *st;
    if (rr || wrr) {
        const h7_ynode *rn = rr ? rr : wrr;
        if (want_scalar(p, rn, rr ? "read_reg" : "write_reg"))
            return -1;
        size_t i = 0, nregs = sizeof core_regs / sizeof core_regs[0];
        while (i < nregs && strcmp(core_regs[i].name, rn->value))
            i++;
        if (i == nregs)
            return h7_yerr(p->d, rn, p->err, p->errlen, "unknown core register '%s' (r0..r12, sp, lr, pc, xpsr, msp, psp, "
                           "primask, basepri, faultmask, control)", rn->value);
        if (wrr && !core_regs[i].writable)
            return h7_yerr(p->d, rn, p->err, p->errlen, "register '%s' is read-only here (write r0..r12, sp, lr, pc)", rn->value);
        st = new_step(s, rr ? H7_STEP_DEBUG_READ_REG : H7_STEP_DEBUG_WRITE_REG, v);
        st->reg = core_regs[i].reg;
        st->reg_name = xstrdup(rn->value);
        if (sym && get_string(p, sym, "symbol", &st->symbol))
            return -1;
        if (!val && !sym)
            return h7_yerr(p->d, v, p->err, p->errlen, "%s needs a value%s", rr ? "read_reg" : "write_reg",
                           rr ? " or a symbol" : "");
    } else if (op) {
        if (want_scalar(p, op, "op"))
            return -1;
        int i = 0;
        while (ops[i] && strcmp(op->value, ops[i]))
            i++;
        if (!ops[i])
            return h7_yerr(p->d, op, p->err, p->errlen, "op: unknown debug operation '%s' (connect, halt, resume, mass_erase)",
                           op->value);
        st = new_step(s, op_kind[i], v);
    } else if (rd) {
        st = new_step(s, H7_STEP_DEBUG_READ, v);
        if (get_u32(p, rd, "read", &st->addr))
            return -1;
        if (!val)
            return h7_yerr(p->d, v, p->err, p->errlen, "debug read needs the expected value (value: 0x...)");
    } else if (wr) {
        st = new_step(s, H7_STEP_DEBUG_WRITE, v);
        if (get_u32(p, wr, "write", &st->addr))
            return -1;
        if (!val)
            return h7_yerr(p->d, v, p->err, p->errlen, "debug write needs a value");
    } else {
        st = new_step(s, H7_STEP_DEBUG_LOAD, v);
        if (get_path(p, ld, "load", &st->path))
            return -1;
        if (!core)
            return h7_yerr(p->d, v, p->err, p->errlen, "debug load needs the core (core: cm7 or cm4)");
    }
    if (core && get_core(p, core, &st->core))
        return -1;
    if (val) {
        if (get_u32(p, val, "value", &st->value))
            return -1;
        st->has_value = true;
    }
    if (mask && get_u32(p, mask, "mask", &st->mask))
        return -1;
    if (link) {
        if (want_scalar(p, link, "link"))
            return -1;
        if (!strcmp(link->value, "lost"))
            st->expect_fail = true;
        else if (strcmp(link->value, "ok"))
            return h7_yerr(p->d, link, p->err, p->errlen, "link: '%s' must be ok or lost", link->value);
    }
    return 0;
}

static int parse_step(pctx *p, h7_scenario *s, const h7_ynode *item)
{
    if (item->kind == H7_Y_SCALAR) {
        if (!strcmp(item->value, "power_cycle"))
            new_step(s, H7_STEP_POWER_CYCLE, item);
        else if (!strcmp(item->value, "system_reset"))
            new_step(s, H7_STEP_SYSTEM_RESET, item);
        else
            return h7_yerr(p->d, item, p->err, p->errlen, "unknown step '%s' (run, run_until, power_cycle, system_reset, "
                           "boot0, debug, uart_input, inject)", item->value);
        return 0;
    }
    if (item->kind != H7_Y_MAP || item->n != 2)
        return h7_yerr(p->d, item, p->err, p->errlen, "a step is one 'kind: value' pair (e.g. '- run: 20ms')");
    const h7_ynode *k = item->items[0], *v = item->items[1];
    const char *key = k->value;
    if (!strcmp(key, "run")) {
        h7_step *st = new_step(s, H7_STEP_RUN, k);
        return get_duration(p, v, "run", &st->duration);
    }
    if (!strcmp(key, "run_until"))
        return parse_run_until(p, s, v);
    if (!strcmp(key, "power_cycle") || !strcmp(key, "system_reset")) {
        new_step(s, key[0] == 'p' ? H7_STEP_POWER_CYCLE : H7_STEP_SYSTEM_RESET, k);
        return 0;
    }
    if (!strcmp(key, "boot0")) {
        h7_step *st = new_step(s, H7_STEP_BOOT0, k);
        return get_bool01(p, v, "boot0", &st->level);
    }
    if (!strcmp(key, "debug"))
        return parse_debug(p, s, v);
    if (!strcmp(key, "uart_input")) {
        h7_step *st = new_step(s, H7_STEP_UART_INPUT, k);
        st->usart = 3;
        if (v->kind != H7_Y_MAP)
            return get_string(p, v, "uart_input", &st->event);
        /* {uart: usart2, text: "..."}: input to another U(S)ART than the console. */
        const h7_ynode *u = h7_ymap_get(v, "uart"), *t = h7_ymap_get(v, "text");
        if (!u || !t || v->n != 4)
            return h7_yerr(p->d, v, p->err, p->errlen, "uart_input is TEXT or {uart: usart1..usart8|lpuart1, text: TEXT}");
        if (u->kind != H7_Y_SCALAR || !(st->usart = h7_usart_parse_name(u->value)))
            return h7_yerr(p->d, u, p->err, p->errlen, "uart is usart1..usart8 or lpuart1");
        return get_string(p, t, "text", &st->event);
    }
    if (!strcmp(key, "inject")) {
        h7_step *st = new_step(s, H7_STEP_INJECT, k);
        if (get_string(p, v, "inject", &st->event))
            return -1;
        if (strcmp(st->event, "rng_seed_error") && strcmp(st->event, "rng_clock_error") &&
            strcmp(st->event, "rng_errors_clear"))
            return h7_yerr(p->d, v, p->err, p->errlen, "inject: '%s' is not rng_seed_error, rng_clock_error or "
                           "rng_errors_clear", st->event);
        return 0;
    }
    return h7_yerr(p->d, k, p->err, p->errlen, "unknown step '%s' (run, run_until, power_cycle, system_reset, boot0, "
                   "debug, uart_input, inject)", key);
}

/* ------------------------------------------------------------------ expect */

/* A duration that may be zero ("0", "0ns") -- the time of an event at power-on. */
static int get_time(pctx *p, const h7_ynode *n, const char *what, h7_time_ps *out)
{
    if (want_scalar(p, n, what))
        return -1;
    if (strspn(n->value, "0") > 0 && (!n->value[strspn(n->value, "0")] || !strcmp(n->value + strspn(n->value, "0"), "ns") ||
                                      !strcmp(n->value + strspn(n->value, "0"), "us") || !strcmp(n->value + strspn(n->value, "0"), "ms") ||
                                      !strcmp(n->value + strspn(n->value, "0"), "s"))) {
        *out = 0;
        return 0;
    }
    return get_duration(p, n, what, out);
}

/* A timed sequence item {event: TEXT, at: T, tolerance: D | N%} (written by `h7emu record --timing`). */
static int parse_timed_item(pctx *p, const h7_ynode *it, h7_expect_item *e)
{
    static const char *const keys[] = {"event", "at", "tolerance", NULL};
    if (h7_ymap_check_keys(p->d, it, keys, p->err, p->errlen))
        return -1;
    const h7_ynode *ev = h7_ymap_get(it, "event"), *at = h7_ymap_get(it, "at"), *tol = h7_ymap_get(it, "tolerance");
    if (!ev || !at)
        return h7_yerr(p->d, it, p->err, p->errlen, "a timed sequence item needs event and at: {event: TEXT, at: 16us, "
                       "tolerance: 10%%}");
    e->line = it->line;
    e->timed = true;
    if (get_string(p, ev, "event", &e->text) || get_time(p, at, "at", &e->at))
        return -1;
    e->tol = e->at / 10;   /* default 10% */
    if (tol) {
        if (want_scalar(p, tol, "tolerance"))
            return -1;
        size_t n = strlen(tol->value);
        if (n > 1 && tol->value[n - 1] == '%' && strspn(tol->value, "0123456789") == n - 1) {
            unsigned long pct = strtoul(tol->value, NULL, 10);
            if (pct > 1000)
                return h7_yerr(p->d, tol, p->err, p->errlen, "tolerance: '%s' is more than 1000%%", tol->value);
            e->tol = (h7_time_ps)((unsigned __int128)e->at * pct / 100);
        } else if (get_time(p, tol, "tolerance", &e->tol)) {
            return -1;
        }
    }
    return 0;
}

static int parse_text_list(pctx *p, const h7_ynode *n, const char *what, h7_expect_item **out, size_t *count)
{
    if (n->kind != H7_Y_SEQ)
        return h7_yerr(p->d, n, p->err, p->errlen, "%s is a list of event texts (- \"pwr: actvosrdy\")", what);
    *out = xrealloc(NULL, n->n * sizeof **out);
    memset(*out, 0, n->n * sizeof **out);
    *count = 0;
    for (size_t i = 0; i < n->n; i++) {
        const h7_ynode *it = n->items[i];
        if (it->kind == H7_Y_MAP && !strcmp(what, "sequence")) {
            memset(&(*out)[i], 0, sizeof **out);
            if (parse_timed_item(p, it, &(*out)[i]))
                return -1;
            (*count)++;
            continue;
        }
        if (want_scalar(p, it, what))
            return -1;
        if (!it->value[0])
            return h7_yerr(p->d, it, p->err, p->errlen, "%s: empty event text", what);
        (*out)[i].line = it->line;
        (*out)[i].text = xstrdup(it->value);
        (*count)++;
    }
    return 0;
}

static int parse_memory(pctx *p, h7_scenario *s, const h7_ynode *n)
{
    if (n->kind != H7_Y_SEQ)
        return h7_yerr(p->d, n, p->err, p->errlen, "memory is a list of {addr: A, value: V, mask: M, core: cm7}");
    s->mem = xrealloc(NULL, n->n * sizeof *s->mem);
    static const char *const keys[] = {"addr", "value", "mask", "core", NULL};
    for (size_t i = 0; i < n->n; i++) {
        const h7_ynode *it = n->items[i];
        if (it->kind != H7_Y_MAP)
            return h7_yerr(p->d, it, p->err, p->errlen, "memory entry must be a mapping {addr: A, value: V}");
        if (h7_ymap_check_keys(p->d, it, keys, p->err, p->errlen))
            return -1;
        h7_mem_expect *e = &s->mem[s->nmem++];
        *e = (h7_mem_expect){.line = it->line, .core = H7_CM7, .mask = 0xFFFFFFFFu};
        const h7_ynode *a = h7_ymap_get(it, "addr"), *v = h7_ymap_get(it, "value"), *m = h7_ymap_get(it, "mask"),
                       *c = h7_ymap_get(it, "core");
        if (!a || !v)
            return h7_yerr(p->d, it, p->err, p->errlen, "memory entry needs addr and value");
        if (get_u32(p, a, "addr", &e->addr) || get_u32(p, v, "value", &e->value) || (m && get_u32(p, m, "mask", &e->mask)) ||
            (c && get_core(p, c, &e->core)))
            return -1;
        if (e->addr & 3u)
            return h7_yerr(p->d, a, p->err, p->errlen, "addr 0x%08X is not word aligned", e->addr);
    }
    return 0;
}

static int parse_expect(pctx *p, h7_scenario *s, const h7_ynode *n)
{
    static const char *const keys[] = {"sequence", "never", "memory", "uart", "outcome", "exit", NULL};
    if (n->kind != H7_Y_MAP)
        return h7_yerr(p->d, n, p->err, p->errlen, "expect is a mapping (sequence, never, memory, uart, outcome, exit)");
    if (h7_ymap_check_keys(p->d, n, keys, p->err, p->errlen))
        return -1;
    const h7_ynode *v;
    if ((v = h7_ymap_get(n, "sequence")) && parse_text_list(p, v, "sequence", &s->seq, &s->nseq))
        return -1;
    if ((v = h7_ymap_get(n, "never")) && parse_text_list(p, v, "never", &s->never, &s->nnever))
        return -1;
    if ((v = h7_ymap_get(n, "memory")) && parse_memory(p, s, v))
        return -1;
    if ((v = h7_ymap_get(n, "uart")) && get_string(p, v, "uart", &s->uart_contains))
        return -1;
    if ((v = h7_ymap_get(n, "outcome"))) {
        if (want_scalar(p, v, "outcome"))
            return -1;
        static const char *const names[] = {"running", "locked", "fault", "timeout", "exited", NULL};
        int i = 0;
        while (names[i] && strcmp(names[i], v->value))
            i++;
        if (!names[i])
            return h7_yerr(p->d, v, p->err, p->errlen, "outcome: '%s' must be running, locked, fault, timeout or exited",
                           v->value);
        if (i + 1 == H7_OUTCOME_EXITED && !s->semihosting)
            return h7_yerr(p->d, v, p->err, p->errlen, "outcome: exited needs 'semihosting: true' (only a semihosting "
                           "SYS_EXIT ends a run)");
        s->outcome = (h7_outcome)(i + 1);
        s->outcome_line = v->line;
    }
    if ((v = h7_ymap_get(n, "exit"))) {   /* the status of the firmware's semihosting exit */
        if (get_u32(p, v, "exit", &s->exit_status))
            return -1;
        if (!s->semihosting)
            return h7_yerr(p->d, v, p->err, p->errlen, "exit: needs 'semihosting: true' (without it BKPT 0xAB is a "
                           "HardFault, as on silicon without a debugger)");
        if (s->outcome != H7_OUTCOME_ANY && s->outcome != H7_OUTCOME_EXITED)
            return h7_yerr(p->d, v, p->err, p->errlen, "exit: the outcome of a run that exits is 'exited', not '%s'",
                           h7_outcome_name(s->outcome));
        s->expect_exit = true;
        s->exit_line = v->line;
    }
    return 0;
}

/* semihosting: true | false | {root: DIR, cmdline: TEXT} (root relative to the scenario file). */
static int parse_semihosting(pctx *p, h7_scenario *s, const h7_ynode *n)
{
    if (n->kind == H7_Y_SCALAR)
        return get_bool01(p, n, "semihosting", &s->semihosting);
    static const char *const keys[] = {"root", "cmdline", NULL};
    if (n->kind != H7_Y_MAP)
        return h7_yerr(p->d, n, p->err, p->errlen, "semihosting is true, false or a mapping (root: DIR, cmdline: TEXT)");
    if (h7_ymap_check_keys(p->d, n, keys, p->err, p->errlen))
        return -1;
    s->semihosting = true;
    const h7_ynode *v;
    if ((v = h7_ymap_get(n, "root"))) {
        struct stat st;
        if (get_path(p, v, "semihosting.root", &s->sh_root))
            return -1;
        if (stat(s->sh_root, &st) != 0 || !S_ISDIR(st.st_mode))
            return h7_yerr(p->d, v, p->err, p->errlen, "semihosting.root: '%s' is not a directory", s->sh_root);
    }
    if ((v = h7_ymap_get(n, "cmdline"))) {
        if (want_scalar(p, v, "semihosting.cmdline"))
            return -1;
        s->sh_cmdline = xstrdup(v->value);   /* may be empty: SYS_GET_CMDLINE returns "" */
    }
    return 0;
}

/* ------------------------------------------------------------------ top level */

static int parse_options(pctx *p, h7_scenario *s, const h7_ynode *n)
{
    static const char *const keys[] = {"bcm7", "bcm4", "boot_cm7_add0", "boot_cm7_add1", "boot_cm4_add0", "boot_cm4_add1", NULL};
    if (n->kind != H7_Y_MAP)
        return h7_yerr(p->d, n, p->err, p->errlen, "option_bytes is a mapping (bcm7, bcm4, boot_cm7_add0, ...)");
    if (h7_ymap_check_keys(p->d, n, keys, p->err, p->errlen))
        return -1;
    s->has_options = true;
    bool b;
    const h7_ynode *v;
    if ((v = h7_ymap_get(n, "bcm7"))) {
        if (get_bool01(p, v, "bcm7", &b))
            return -1;
        s->optsr_bcm7 = b;
    }
    if ((v = h7_ymap_get(n, "bcm4"))) {
        if (get_bool01(p, v, "bcm4", &b))
            return -1;
        s->optsr_bcm4 = b;
    }
    /* BOOT_CMx_ADDy are the upper 16 bits of the boot address (RM0399 §4.9.x FLASH_BOOT7/4). */
    static const char *const addk[4] = {"boot_cm7_add0", "boot_cm7_add1", "boot_cm4_add0", "boot_cm4_add1"};
    for (int i = 0; i < 4; i++) {
        uint32_t a;
        if (!(v = h7_ymap_get(n, addk[i])))
            continue;
        if (get_u32(p, v, addk[i], &a))
            return -1;
        if (a > 0xFFFFu)
            return h7_yerr(p->d, v, p->err, p->errlen, "%s: 0x%X is the upper half-word of the address (e.g. 0x0800)", addk[i], a);
        uint32_t *reg = i < 2 ? &s->boot7 : &s->boot4;
        unsigned sh = (i & 1) ? 16 : 0;
        *reg = (*reg & ~(0xFFFFu << sh)) | (a << sh);
    }
    return 0;
}

int h7_scenario_parse(const char *path, const char *text, h7_scenario *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->optsr_bcm7 = s->optsr_bcm4 = 1;
    s->boot7 = 0x1FF00800u;
    s->boot4 = 0x10000810u;
    s->path = xstrdup(path);
    h7_ydoc d;
    if (h7_yaml_load(path, text, &d, err, errlen) != 0)
        return -1;
    pctx p = {.d = &d, .err = err, .errlen = errlen};
    char *tmp = xstrdup(path);
    p.dir = xstrdup(dirname(tmp));
    free(tmp);
    char *boardpath = NULL;
    int rc = -1;
    const h7_ynode *root = d.root, *v;
    static const char *const keys[] = {"name", "board", "images", "option_bytes", "boot0", "on_violation", "seed",
                                       "semihosting", "steps", "expect", NULL};
    if (!root) {
        snprintf(err, errlen, "%s:1:1: empty scenario (needs name, images, steps)", path);
        goto out;
    }
    if (root->kind != H7_Y_MAP) {
        h7_yerr(&d, root, err, errlen, "a scenario is a mapping (name:, board:, images:, steps:, expect:)");
        goto out;
    }
    if (h7_ymap_check_keys(&d, root, keys, err, errlen))
        goto out;
    if (!(v = h7_ymap_get(root, "name"))) {
        h7_yerr(&d, root, err, errlen, "missing 'name'");
        goto out;
    }
    if (get_string(&p, v, "name", &s->name))
        goto out;
    if (!h7_text_is_clean(s->name)) {   /* a newline in the name must not forge a PASS/FAIL line */
        char *safe = h7_text_sanitize(s->name);
        free(s->name);
        s->name = safe ? safe : xstrdup("?");
    }
    const char *board = "nucleo-h755zi-q";
    if ((v = h7_ymap_get(root, "board"))) {
        if (want_scalar(&p, v, "board"))
            goto out;
        board = v->value;
        if (!h7_board_builtin(board)) {
            if (asprintf(&boardpath, "%s%s%s", board[0] == '/' ? "" : p.dir, board[0] == '/' ? "" : "/", board) < 0)
                goto out;
            board = boardpath;
        }
    }
    char berr[512];
    if (h7_board_load(board, &s->board, berr, sizeof berr) != 0) {
        if (v)
            h7_yerr(&d, v, err, errlen, "board: %s", berr);
        else
            snprintf(err, errlen, "%s", berr);
        goto out;
    }
    if (!(v = h7_ymap_get(root, "images"))) {
        h7_yerr(&d, root, err, errlen, "missing 'images' (cm7: FILE.elf and/or cm4: FILE.elf)");
        goto out;
    }
    static const char *const ikeys[] = {"cm7", "cm4", NULL};
    if (v->kind != H7_Y_MAP) {
        h7_yerr(&d, v, err, errlen, "images is a mapping (cm7: FILE.elf, cm4: FILE.elf)");
        goto out;
    }
    if (h7_ymap_check_keys(&d, v, ikeys, err, errlen))
        goto out;
    for (int k = 0; k < H7_NCORES; k++) {
        const h7_ynode *im = h7_ymap_get(v, k == H7_CM7 ? "cm7" : "cm4");
        if (im && get_image(&p, im, k == H7_CM7 ? "images.cm7" : "images.cm4", &s->image[k]))
            goto out;
    }
    if (!s->image[0] && !s->image[1]) {
        h7_yerr(&d, v, err, errlen, "images needs cm7 and/or cm4");
        goto out;
    }
    if ((v = h7_ymap_get(root, "option_bytes")) && parse_options(&p, s, v))
        goto out;
    s->boot0 = s->board.boot0;
    if ((v = h7_ymap_get(root, "boot0")) && get_bool01(&p, v, "boot0", &s->boot0))
        goto out;
    if ((v = h7_ymap_get(root, "on_violation"))) {
        if (want_scalar(&p, v, "on_violation"))
            goto out;
        if (!strcmp(v->value, "warn"))
            s->warn_policy = true;
        else if (strcmp(v->value, "lock")) {
            h7_yerr(&d, v, err, errlen, "on_violation: '%s' must be lock or warn", v->value);
            goto out;
        }
    }
    if ((v = h7_ymap_get(root, "seed"))) {
        uint32_t seed;   /* accepted for reproducibility notes; the machine has no randomness */
        if (get_u32(&p, v, "seed", &seed))
            goto out;
    }
    if ((v = h7_ymap_get(root, "semihosting")) && parse_semihosting(&p, s, v))
        goto out;
    if (!(v = h7_ymap_get(root, "steps"))) {
        h7_yerr(&d, root, err, errlen, "missing 'steps' (e.g. steps: [run: 100ms])");
        goto out;
    }
    if (v->kind != H7_Y_SEQ || v->n == 0) {
        h7_yerr(&d, v, err, errlen, "steps is a non-empty list (- run: 100ms)");
        goto out;
    }
    for (size_t i = 0; i < v->n; i++)
        if (parse_step(&p, s, v->items[i]))
            goto out;
    if ((v = h7_ymap_get(root, "expect")) && parse_expect(&p, s, v))
        goto out;
    rc = 0;
out:
    free(boardpath);
    free(p.dir);
    h7_yaml_free(&d);
    return rc;
}

int h7_scenario_load(const char *path, h7_scenario *s, char *err, size_t errlen)
{
    return h7_scenario_parse(path, NULL, s, err, errlen);
}

void h7_scenario_free(h7_scenario *s)
{
    free(s->path);
    free(s->name);
    for (int k = 0; k < H7_NCORES; k++)
        free(s->image[k]);
    for (size_t i = 0; i < s->nsteps; i++) {
        free(s->steps[i].symbol);
        free(s->steps[i].event);
        free(s->steps[i].path);
        free(s->steps[i].reg_name);
    }
    free(s->steps);
    for (size_t i = 0; i < s->nseq; i++)
        free(s->seq[i].text);
    free(s->seq);
    for (size_t i = 0; i < s->nnever; i++)
        free(s->never[i].text);
    free(s->never);
    free(s->mem);
    free(s->uart_contains);
    free(s->sh_root);
    free(s->sh_cmdline);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ running */

/* Context shown around an event when an expectation fails: the CTX_BEFORE events before it, it,
 * and the events after it up to CTX_AROUND in all (copies: the trace keeps nothing). */
#define CTX_BEFORE 4u
#define CTX_AROUND 12u

typedef struct ctx_snap {
    h7_trace_event ev[CTX_AROUND];
    unsigned n, around, want;
} ctx_snap;

typedef struct runner {
    const h7_scenario *s;
    const h7_scenario_opts *o;
    h7_machine *m;
    h7_vcd *vcd;
    const char *wait_event;      /* run_until event being waited for */
    const char *wait_src;        /* ... only from this source (NULL = any) */
    bool wait_hit;
    /* The judge follows the trace as it is written (h7_trace sink): the sequence match (and its
     * diff), the first hit of each `never` item, and the context to show -- memory bounded by the
     * scenario, not by the run's length. */
    h7_seq_stream *seq;
    h7_trace_event ring[CTX_BEFORE];   /* the last events, oldest at ring_head */
    unsigned ring_n, ring_head;
    ctx_snap seq_ctx;            /* around the sequence's last match */
    ctx_snap first_ctx;          /* the first events of the run */
    ctx_snap *never_ctx;         /* per never item: around its first hit */
    bool *never_hit;
    bool timed_out;
    unsigned timeout_line;
    char fail[2048];             /* first failure, empty if none */
    bool fail_reported;          /* ... already printed with its context */
} runner;

static void fail(runner *r, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(runner *r, unsigned line, const char *fmt, ...)
{
    if (r->fail[0])
        return;
    int n = snprintf(r->fail, sizeof r->fail, "%s:%u: ", r->s->path, line);
    if (n < 0 || (size_t)n >= sizeof r->fail - 1)
        return;   /* a path longer than the message: it is the message, truncated */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->fail + n, sizeof r->fail - (size_t)n, fmt, ap);
    va_end(ap);
}

static bool event_matches(const h7_trace_event *e, const char *want)
{
    char stack[1200], *line = stack;
    size_t ls = strlen(e->src), lt = strlen(e->text);
    if (ls + lt + 3 > sizeof stack)
        line = xrealloc(NULL, ls + lt + 3);
    memcpy(line, e->src, ls);
    memcpy(line + ls, ": ", 2);
    memcpy(line + ls + 2, e->text, lt + 1);
    bool hit = strstr(line, want) != NULL;
    if (line != stack)
        free(line);
    return hit;
}

static bool seq_item_matches(const h7_trace_event *e, const h7_expect_item *item)
{
    if (item->timed && (e->t + item->tol < item->at || e->t > item->at + item->tol))
        return false;
    return event_matches(e, item->text);
}

/* The runner follows the timeline events as they happen (the machine's event bus). */
static void observe(void *ctx, const h7_ev *ev)
{
    runner *r = ctx;
    char text[512];
    h7_ev_render(ev, text, sizeof text);
    h7_trace_event line = {.t = h7_machine_now(r->m), .text = text};
    snprintf(line.src, sizeof line.src, "%s", h7_ev_src(ev));
    const h7_trace_event *e = &line;
    if (r->vcd)
        h7_vcd_sample(r->vcd, e->t);
    if (r->wait_event && !r->wait_hit && (!r->wait_src || !strcmp(e->src, r->wait_src)) &&
        (r->wait_src ? strstr(e->text, r->wait_event) != NULL : event_matches(e, r->wait_event))) {
        r->wait_hit = true;
        r->m->stop_requested = true;
    }
}

/* The firmware ended the run through semihosting (SYS_EXIT): no step runs after it. */
static bool exited(const runner *r) { return r->m->semihost && r->m->semihost->exited; }

static void snap_release(ctx_snap *c)
{
    for (unsigned i = 0; i < c->n; i++)
        h7_trace_event_release(&c->ev[i]);
    c->n = c->around = c->want = 0;
}

/* Start a context at `e`: the events before it (from the ring), it, then CTX_AROUND in all. */
static void snap_start(runner *r, ctx_snap *c, const h7_trace_event *e)
{
    snap_release(c);
    for (unsigned i = 0; i < r->ring_n; i++)
        c->ev[c->n++] = h7_trace_event_copy(&r->ring[(r->ring_head + i) % CTX_BEFORE]);
    c->around = c->n;
    c->ev[c->n++] = h7_trace_event_copy(e);
    c->want = CTX_AROUND - CTX_BEFORE - 1;
}

static void snap_feed(ctx_snap *c, const h7_trace_event *e)
{
    if (c->want) {
        c->ev[c->n++] = h7_trace_event_copy(e);
        c->want--;
    }
}

static void ring_push(runner *r, const h7_trace_event *e)
{
    if (r->ring_n < CTX_BEFORE) {
        r->ring[(r->ring_head + r->ring_n++) % CTX_BEFORE] = h7_trace_event_copy(e);
        return;
    }
    h7_trace_event_release(&r->ring[r->ring_head]);
    r->ring[r->ring_head] = h7_trace_event_copy(e);
    r->ring_head = (r->ring_head + 1) % CTX_BEFORE;
}

/* Every event written to the trace, in time order (the order the judge matches in). */
static void judge_sink(void *ctx, const h7_trace_event *e, size_t index)
{
    runner *r = ctx;
    const h7_scenario *s = r->s;
    size_t last, before = h7_seq_stream_root(r->seq, &last);
    h7_seq_stream_feed(r->seq, e, index);
    snap_feed(&r->seq_ctx, e);
    snap_feed(&r->first_ctx, e);
    for (size_t i = 0; i < s->nnever; i++)
        snap_feed(&r->never_ctx[i], e);
    if (h7_seq_stream_root(r->seq, &last) != before)
        snap_start(r, &r->seq_ctx, e);
    if (index == 0)
        snap_start(r, &r->first_ctx, e);
    for (size_t i = 0; i < s->nnever; i++)
        if (!r->never_hit[i] && event_matches(e, s->never[i].text)) {
            r->never_hit[i] = true;
            snap_start(r, &r->never_ctx[i], e);
        }
    ring_push(r, e);
}

static void judge_free(runner *r)
{
    h7_seq_stream_free(r->seq);
    snap_release(&r->seq_ctx);
    snap_release(&r->first_ctx);
    for (size_t i = 0; r->never_ctx && i < r->s->nnever; i++)
        snap_release(&r->never_ctx[i]);
    free(r->never_ctx);
    free(r->never_hit);
    for (unsigned i = 0; i < r->ring_n; i++)
        h7_trace_event_release(&r->ring[(r->ring_head + i) % CTX_BEFORE]);
}

/* Run until `cond` or `timeout` of virtual time; true when the condition was met. */
static bool run_until_event(runner *r, const h7_step *st)
{
    h7_machine *m = r->m;
    h7_time_ps end = m->time + st->duration;
    r->wait_event = st->event;
    r->wait_hit = false;
    while (!r->wait_hit && m->time < end && !exited(r)) {
        if (h7_machine_run_for(m, end - m->time) == H7_RUN_TIME_LIMIT)
            break;
    }
    r->wait_event = NULL;
    m->stop_requested = false;
    return r->wait_hit;
}

/* Console text printed since byte `from`. */
static bool uart_has(const h7_machine *m, size_t from, const char *text)
{
    size_t n = strlen(text);
    if (!n || m->uart_len < from + n)
        return n == 0;
    return memmem(m->uart_buf + from, m->uart_len - from, text, n) != NULL;
}

/* Until a complete console line containing the text is printed (the console U(S)ART's trace
 * event, "uart3" on the Nucleo), so that the line is on the timeline before whatever the next
 * step does. */
static bool run_until_uart(runner *r, const h7_step *st)
{
    int console = r->m->console_usart;
    r->wait_src = console >= 1 && console <= H7_NUARTS ? h7_usart_infos[console].trace_src : "uart3";
    bool hit = run_until_event(r, st);
    r->wait_src = NULL;
    return hit;
}

static bool run_until_symbol(runner *r, const h7_step *st)
{
    h7_machine *m = r->m;
    uint32_t addr, size;
    if (!m->has_img[st->core] || !h7_image_find_symbol(&m->img[st->core], st->symbol, &addr, &size)) {
        fail(r, st->line, "run_until: symbol '%s' is not in the %s image", st->symbol, h7_core_name(st->core));
        return false;
    }
    h7_time_ps end = m->time + st->duration;
    m->break_addr[st->core] = addr & ~1u;
    m->break_hit[st->core] = false;
    while (!m->break_hit[st->core] && m->time < end && !exited(r))
        if (h7_machine_run_for(m, end - m->time) == H7_RUN_TIME_LIMIT)
            break;
    bool hit = m->break_hit[st->core];
    m->break_addr[st->core] = 0;
    m->break_hit[st->core] = false;
    m->stop_requested = false;
    if (hit)
        h7_machine_trace(m, "scenario", "%s reached %s", h7_core_name(st->core), st->symbol);
    return hit;
}

static void debug_op(runner *r, const h7_step *st)
{
    h7_machine *m = r->m;
    char msg[256] = "";
    bool ok = h7_machine_debug_link_ok(m, msg, sizeof msg);
    if (st->kind == H7_STEP_DEBUG_MASS_ERASE && ok)
        ok = h7_machine_debug_mass_erase(m, msg, sizeof msg);
    else if (st->kind == H7_STEP_DEBUG_LOAD && ok)
        ok = h7_machine_debug_load(m, st->core, st->path, msg, sizeof msg);
    if (!ok) {
        h7_machine_trace(m, "debug", "failed: %s", msg);
        if (!st->expect_fail)
            fail(r, st->line, "debug operation failed: %s", msg);
        return;
    }
    if (st->expect_fail) {
        fail(r, st->line, "the debug link was expected to be lost, but the operation succeeded");
        return;
    }
    switch (st->kind) {
    case H7_STEP_DEBUG_CONNECT:
        h7_machine_trace(m, "debug", "connected");
        break;
    case H7_STEP_DEBUG_HALT:
    case H7_STEP_DEBUG_RESUME:
        for (int k = 0; k < H7_NCORES; k++) {
            h7_cpu *c = &m->cpu[k];
            if (st->kind == H7_STEP_DEBUG_HALT && (c->state == H7_CPU_RUNNING || c->state == H7_CPU_SLEEP_WFI ||
                                                   c->state == H7_CPU_SLEEP_WFE)) {
                c->state_before_halt = c->state;
                c->state = H7_CPU_HALTED;
            } else if (st->kind == H7_STEP_DEBUG_RESUME && c->state == H7_CPU_HALTED) {
                c->state = c->state_before_halt;
            }
        }
        h7_machine_trace(m, "debug", st->kind == H7_STEP_DEBUG_HALT ? "halted both cores" : "resumed both cores");
        break;
    case H7_STEP_DEBUG_READ: {
        uint8_t b[4];
        for (int i = 0; i < 4; i++)
            if (!h7_machine_debug_read_byte(m, st->core, st->addr + (uint32_t)i, &b[i])) {
                fail(r, st->line, "debug read of 0x%08X: nothing at that address", st->addr);
                return;
            }
        uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        h7_machine_trace(m, "debug", "read 0x%08X = 0x%08X", st->addr, v);
        if ((v & st->mask) != (st->value & st->mask))
            fail(r, st->line, "debug read of 0x%08X gave 0x%08X, expected 0x%08X (mask 0x%08X)", st->addr, v, st->value,
                 st->mask);
        break;
    }
    case H7_STEP_DEBUG_READ_REG: {
        h7_cpu *c = &m->cpu[st->core];
        uint32_t v = h7_cpu_reg(c, st->reg);
        char where[160];
        h7_machine_symbolize(m, st->core, v & ~1u, where, sizeof where);
        h7_machine_trace(m, "debug", "%s %s = 0x%08X (%s)", h7_core_name(st->core), st->reg_name, v, where);
        if (st->has_value && (v & st->mask) != (st->value & st->mask))
            fail(r, st->line, "%s %s = 0x%08X, expected 0x%08X (mask 0x%08X)", h7_core_name(st->core), st->reg_name, v,
                 st->value, st->mask);
        else if (st->symbol) {
            size_t n = strlen(st->symbol);
            const char *fn = strchr(where, ' ');
            if (!fn || strncmp(fn + 1, st->symbol, n) || (fn[1 + n] != '+' && fn[1 + n] != '\0' && fn[1 + n] != ' '))
                fail(r, st->line, "%s %s = %s, expected inside %s", h7_core_name(st->core), st->reg_name, where, st->symbol);
        }
        break;
    }
    case H7_STEP_DEBUG_WRITE_REG: {
        h7_cpu *c = &m->cpu[st->core];
        uint32_t v = st->reg == UC_ARM_REG_PC ? st->value | 1u : st->value;
        uc_reg_write(c->uc, st->reg, &v);
        h7_machine_trace(m, "debug", "%s %s <- 0x%08X", h7_core_name(st->core), st->reg_name, st->value);
        break;
    }
    case H7_STEP_DEBUG_WRITE: {
        uint8_t b[4] = {(uint8_t)st->value, (uint8_t)(st->value >> 8), (uint8_t)(st->value >> 16), (uint8_t)(st->value >> 24)};
        h7_machine_trace(m, "debug", "write 0x%08X = 0x%08X", st->addr, st->value);
        if (!h7_machine_debug_write(m, st->core, st->addr, b, 4))
            fail(r, st->line, "debug write to 0x%08X: nothing at that address", st->addr);
        break;
    }
    default:
        break;
    }
}

static void uart_input(runner *r, const h7_step *st)
{
    h7_machine *m = r->m;
    h7_usart *u = h7_soc_uart(&m->soc, st->usart);
    if (st->usart == 3)
        h7_machine_trace(m, "scenario", "uart input \"%s\"", st->event);
    else
        h7_machine_trace(m, "scenario", "%s input \"%s\"", h7_usart_infos[st->usart].trace_src, st->event);
    for (const char *p = st->event; *p && !exited(r); p++) {
        h7_usart_rx(u, (uint8_t)*p);
        h7_time_ps frame = h7_usart_frame_ps(u);
        h7_machine_run_for(m, frame ? frame : 87 * H7_PS_PER_US);
        m->stop_requested = false;
    }
}

static void run_steps(runner *r)
{
    const h7_scenario *s = r->s;
    h7_machine *m = r->m;
    for (size_t i = 0; i < s->nsteps && !r->fail[0] && !r->timed_out && !exited(r); i++) {
        const h7_step *st = &s->steps[i];
        switch (st->kind) {
        case H7_STEP_RUN:
            h7_machine_run_for(m, st->duration);
            m->stop_requested = false;
            break;
        case H7_STEP_RUN_UNTIL: {
            bool ok = st->symbol ? run_until_symbol(r, st) : st->until_uart ? run_until_uart(r, st) : run_until_event(r, st);
            if (!ok && !r->fail[0] && !exited(r)) {
                r->timed_out = true;
                r->timeout_line = st->line;
            }
            break;
        }
        case H7_STEP_POWER_CYCLE:
            h7_machine_power_on(m);
            break;
        case H7_STEP_SYSTEM_RESET:
            h7_machine_system_reset(m, H7_CM7, false);
            break;
        case H7_STEP_BOOT0:
            h7_machine_set_boot0(m, st->level);
            break;
        case H7_STEP_UART_INPUT:
            uart_input(r, st);
            break;
        case H7_STEP_INJECT:   /* RNG "Error management": the current-status bits come only from here */
            h7_rng_inject_error(&m->soc.rng, !strcmp(st->event, "rng_clock_error"), !strcmp(st->event, "rng_seed_error"));
            break;
        default:
            debug_op(r, st);
            break;
        }
    }
}

static h7_outcome actual_outcome(runner *r, char *why, size_t len)
{
    why[0] = '\0';
    if (r->m->locked)
        return H7_OUTCOME_LOCKED;
    if (h7_machine_firmware_faulted(r->m, why, len))
        return H7_OUTCOME_FAULT;
    if (exited(r)) {
        h7_semihost_exit_code(r->m->semihost, why, len);
        return H7_OUTCOME_EXITED;
    }
    if (r->timed_out)
        return H7_OUTCOME_TIMEOUT;
    return H7_OUTCOME_RUNNING;
}

static void show_context(const ctx_snap *c, FILE *out, const char *title)
{
    fprintf(out, "  %s:\n", title);
    for (unsigned i = 0; i < c->n; i++) {
        fputs(i == c->around ? "  > " : "    ", out);
        h7_trace_print_event(&c->ev[i], out, false);
    }
}

/* expect.exit: the firmware exited through semihosting (ApplicationExit) with this status. On a
 * failure the report shows the console lines and events before the exit (the failing tests). */
static bool judge_exit(runner *r, h7_outcome got, const char *why)
{
    const h7_scenario *s = r->s;
    const h7_semihost *sh = r->m->semihost;
    if (got != H7_OUTCOME_EXITED) {
        fail(r, s->exit_line, "expected a semihosting exit with status %u, but the run ended %s%s%s", s->exit_status,
             h7_outcome_name(got), why[0] ? ": " : " (no SYS_EXIT within the steps)", why);
        return false;
    }
    if (sh->exit_reason == H7_ADP_STOPPED_APPLICATION_EXIT && sh->exit_status == s->exit_status)
        return true;
    fail(r, s->exit_line, "%s, expected status %u", why, s->exit_status);
    const h7_trace *t = &r->m->trace;
    FILE *out = r->o->report;
    if (out && t->n) {
        size_t from = t->n > 10 ? t->n - 10 : 0;
        fprintf(out, "FAIL %s\n  %s\n  last events before the exit:\n", s->name, r->fail);
        for (size_t i = from; i < t->n; i++) {
            fputs("    ", out);
            h7_trace_print_event(&t->ev[i], out, false);
        }
        r->fail_reported = true;
    }
    return false;
}

static void judge(runner *r)
{
    const h7_scenario *s = r->s;
    h7_machine *m = r->m;
    FILE *out = r->o->report;
    char why[600];
    h7_outcome got = actual_outcome(r, why, sizeof why);
    /* the ordered subsequence (matched as the events were written: judge_sink) */
    size_t last_match;
    size_t i = h7_seq_stream_root(r->seq, &last_match);
    if (i < s->nseq && !r->fail[0]) {
        {
            char when[100] = "";
            if (s->seq[i].timed) {
                char a[40], b[40];
                h7_trace_format_time(s->seq[i].at, a, sizeof a);
                h7_trace_format_time(s->seq[i].tol, b, sizeof b);
                snprintf(when, sizeof when, " within %s +- %s", a + strspn(a, " "), b + strspn(b, " "));
            }
            fail(r, s->seq[i].line, "expected event \"%s\" (item %zu of the sequence) did not occur%s%s", s->seq[i].text, i + 1,
                 when, i ? " after the previous one" : "");
            if (out) {
                fprintf(out, "FAIL %s\n  %s\n", s->name, r->fail);
                show_context(i ? &r->seq_ctx : &r->first_ctx, out,
                             i ? "events after the last expected one that matched (>)" : "first events of the run");
                h7_seq_stream_diff(r->seq, out);
            }
            return;
        }
    }
    (void)last_match;
    for (size_t k = 0; k < s->nnever && !r->fail[0]; k++)
        if (r->never_hit[k]) {
            const h7_trace_event *e = &r->never_ctx[k].ev[r->never_ctx[k].around];
            char tb[40];
            h7_trace_format_time(e->t, tb, sizeof tb);
            fail(r, s->never[k].line, "event \"%s\" must never occur, but at %s: %s: %s", s->never[k].text, tb,
                 e->src, e->text);
            if (out) {
                fprintf(out, "FAIL %s\n  %s\n", s->name, r->fail);
                show_context(&r->never_ctx[k], out, "around it");
            }
            return;
        }
    if (r->fail[0])
        goto report;
    if (r->timed_out && s->outcome != H7_OUTCOME_TIMEOUT) {
        const h7_step *st = NULL;
        for (size_t i = 0; i < s->nsteps; i++)
            if (s->steps[i].line == r->timeout_line)
                st = &s->steps[i];
        fail(r, r->timeout_line, "run_until %s '%s' not reached within its timeout%s%s", st && st->symbol ? "symbol" : st && st->until_uart ? "uart" : "event",
             st ? (st->symbol ? st->symbol : st->event) : "?", why[0] ? "; " : "", why);
        goto report;
    }
    for (size_t i = 0; i < s->nmem; i++) {
        const h7_mem_expect *e = &s->mem[i];
        uint8_t b[4];
        bool ok = true;
        for (int k = 0; k < 4 && ok; k++)
            ok = h7_machine_debug_read_byte(m, e->core, e->addr + (uint32_t)k, &b[k]);
        if (!ok) {
            fail(r, e->line, "memory 0x%08X: nothing at that address", e->addr);
            goto report;
        }
        uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        if ((v & e->mask) != (e->value & e->mask)) {
            fail(r, e->line, "memory 0x%08X = 0x%08X at the end, expected 0x%08X (mask 0x%08X)", e->addr, v, e->value, e->mask);
            goto report;
        }
    }
    if (s->uart_contains && !uart_has(m, 0, s->uart_contains)) {
        fail(r, 1, "the console (%s) never printed \"%s\" (%zu bytes were printed)",
             m->console_usart >= 1 && m->console_usart <= H7_NUARTS ? h7_usart_infos[m->console_usart].window : "?",
             s->uart_contains, m->uart_len);
        goto report;
    }
    if (s->expect_exit && !judge_exit(r, got, why))
        goto report;
    if (s->outcome != H7_OUTCOME_ANY && got != s->outcome)
        fail(r, s->outcome_line, "outcome is %s, expected %s%s%s", h7_outcome_name(got), h7_outcome_name(s->outcome),
             why[0] ? ": " : "", why);
    else if (s->outcome == H7_OUTCOME_ANY && !s->expect_exit && got != H7_OUTCOME_RUNNING)
        fail(r, 1, "outcome is %s (no 'expect: outcome' given, so running was expected)%s%s%s", h7_outcome_name(got),
             why[0] ? ": " : "", why, got == H7_OUTCOME_EXITED ? "; 'expect: exit: N' checks the exit status" : "");
report:
    if (r->fail[0] && out && !r->fail_reported)
        fprintf(out, "FAIL %s\n  %s\n", s->name, r->fail);
}

int h7_scenario_machine(const h7_scenario *s, struct h7_machine **out, char *err, size_t errlen)
{
    h7_machine_config cfg = {.cm7_path = s->image[H7_CM7], .cm4_path = s->image[H7_CM4],
                             .policy = s->warn_policy ? H7_VIOLATION_WARN : H7_VIOLATION_LOCK};
    h7_board bd = s->board;
    bd.boot0 = s->boot0;
    cfg.board = &bd;   /* copied by the machine */
    *out = NULL;
    if (h7_machine_create(out, &cfg, err, errlen) != 0) {
        h7_machine_destroy(*out);
        *out = NULL;
        return -1;
    }
    if (s->has_options)
        h7_flash_set_options(&(*out)->soc.flash,
                             (H7_FLASH_OPTSR_FACTORY & ~(3u << 22)) | (s->optsr_bcm4 << 22) | (s->optsr_bcm7 << 23),
                             s->boot7, s->boot4);
    return 0;
}

/* A semihosting console line on the timeline: `cm7: semihosting "PASS sums"` (bytes that are not
 * printable ASCII, '"' and '\\' as \xNN, like a UART line). */
static void semihost_line(void *ctx, h7_core_id core, const char *text, size_t len)
{
    char esc[4 * 512 + 1];
    size_t n = 0;
    for (size_t i = 0; i < len && n + 5 < sizeof esc; i++) {
        uint8_t b = (uint8_t)text[i];
        n += (size_t)snprintf(esc + n, sizeof esc - n, (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') ? "%c" : "\\x%02X", b);
    }
    esc[n] = '\0';
    h7_machine_trace(ctx, h7_core_name(core), "semihosting \"%s\"", esc);
}

int h7_scenario_semihost(const h7_scenario *s, struct h7_machine *m, struct h7_semihost *sh, FILE *out, char *err,
                         size_t errlen)
{
    memset(sh, 0, sizeof *sh);
    if (!s->semihosting)
        return 0;
    if (h7_semihost_init(sh, s->sh_root, err, errlen) != 0)
        return -1;
    sh->out = out;
    sh->in = NULL;   /* no console input: SYS_READ on :tt is end of file (the same every run) */
    for (int k = 0; k < H7_NCORES && s->sh_cmdline; k++)
        sh->cmdline[k] = xstrdup(s->sh_cmdline);
    sh->on_line = semihost_line;
    sh->on_line_ctx = m;
    m->semihost = sh;
    m->serve_bkpt = h7_semihost_bkpt;
    return 0;
}

int h7_scenario_run(const h7_scenario *s, const h7_scenario_opts *o)
{
    h7_machine *m = NULL;
    char err[512];
    if (h7_scenario_machine(s, &m, err, sizeof err) != 0) {
        if (o->report)
            fprintf(o->report, "ERROR %s\n  %s: %s\n", s->name, s->path, err);
        return 2;
    }
    runner r = {.s = s, .o = o, .m = m};
    h7_semihost sh;
    if (h7_scenario_semihost(s, m, &sh, NULL, err, sizeof err) != 0) {
        if (o->report)
            fprintf(o->report, "ERROR %s\n  %s: %s\n", s->name, s->path, err);
        h7_machine_destroy(m);
        return 2;
    }
    m->verbose = o->verbose;
    h7_machine_set_seed(m, o->seed);
    if (o->seed && o->report) {
        char var[200];
        h7_variation_describe(&m->var, var, sizeof var);
        fprintf(o->report, "interleaving: seed %llu: %s\n", o->seed, var);
    }
    m->trace.timeline = o->timeline;
    m->trace.color = o->color;
    m->trace.jsonl = o->jsonl;
    if (o->max_trace_bytes)
        m->trace.max_bytes = o->max_trace_bytes;
    h7_ev_subscribe(&m->observers, h7_ev_timeline_kinds(), observe, &r);
    r.seq = h7_seq_stream_new(s->seq, s->nseq, seq_item_matches);
    r.never_ctx = calloc(s->nnever ? s->nnever : 1, sizeof *r.never_ctx);
    r.never_hit = calloc(s->nnever ? s->nnever : 1, sizeof *r.never_hit);
    if (!r.seq || !r.never_ctx || !r.never_hit || !h7_trace_add_sink(&m->trace, judge_sink, &r)) {
        fprintf(stderr, "h7emu: out of memory\n");
        exit(70);
    }
    h7_trace_stream_only(&m->trace);   /* the judge keeps what it needs: memory flat over the run */
    /* The console is kept only for `expect: uart` (its growth is bounded by the baud rate). */
    m->uart_count_only = !s->uart_contains;
    if (o->vcd || o->svg)
        r.vcd = h7_vcd_open(o->vcd, m);
    clock_t c0 = clock();
    h7_machine_trace(m, "scenario", "%s", s->name);
    h7_machine_power_on(m);
    run_steps(&r);
    h7_machine_flush_uart_lines(m);   /* a console line still without its newline */
    if (m->semihost)
        h7_semihost_flush(m->semihost);
    judge(&r);
    double wall = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (o->report) {
        if (o->timeline)
            fflush(o->timeline);
        h7_machine_print_summary(m, o->report);
        h7_machine_print_diagnosis(m, o->report);
        char tb[40];
        h7_trace_format_time(m->time, tb, sizeof tb);
        char why[600];
        fprintf(o->report, "outcome: %s\n", h7_outcome_name(actual_outcome(&r, why, sizeof why)));
        if (!r.fail[0])
            fprintf(o->report, "PASS %s (%zu steps, %zu expectations, %s virtual, %.2f s)\n", s->name, s->nsteps,
                    s->nseq + s->nnever + s->nmem + (s->uart_contains != NULL) + 1, tb, wall);
        else
            fprintf(o->report, "FAIL %s\n", s->name);
    }
    if (r.vcd) {
        char title[300];
        snprintf(title, sizeof title, "%s (%s)", s->name, r.fail[0] ? "FAIL" : "PASS");
        h7_vcd_write_svg(r.vcd, o->svg, title, m->time);
        h7_vcd_close(r.vcd, m->time);
    }
    int rc = r.fail[0] ? 1 : 0;
    h7_machine_destroy(m);
    if (s->semihosting) {
        sh.on_line = NULL;   /* the machine is gone */
        h7_semihost_free(&sh);
    }
    judge_free(&r);
    return rc;
}

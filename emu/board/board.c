#include "board.h"
#include "usart.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pwr.h"
#include "yamltree.h"

const h7_supply_info h7_supplies[H7_SUPPLY_COUNT] = {
    [H7_SUPPLY_LDO] = {"ldo", 0x02, "PWR_LDO_SUPPLY", true},
    [H7_SUPPLY_DIRECT_SMPS] = {"direct_smps", 0x04, "PWR_DIRECT_SMPS_SUPPLY", false},
    [H7_SUPPLY_SMPS_1V8_LDO] = {"smps_1v8_ldo", 0x16, "PWR_SMPS_1V8_SUPPLIES_LDO", true},
    [H7_SUPPLY_SMPS_2V5_LDO] = {"smps_2v5_ldo", 0x26, "PWR_SMPS_2V5_SUPPLIES_LDO", true},
    [H7_SUPPLY_SMPS_1V8_EXT_LDO] = {"smps_1v8_ext_ldo", 0x1E, "PWR_SMPS_1V8_SUPPLIES_EXT_AND_LDO", true},
    [H7_SUPPLY_SMPS_2V5_EXT_LDO] = {"smps_2v5_ext_ldo", 0x2E, "PWR_SMPS_2V5_SUPPLIES_EXT_AND_LDO", true},
    [H7_SUPPLY_SMPS_1V8_EXT] = {"smps_1v8_ext", 0x1D, "PWR_SMPS_1V8_SUPPLIES_EXT", false},
    [H7_SUPPLY_SMPS_2V5_EXT] = {"smps_2v5_ext", 0x2D, "PWR_SMPS_2V5_SUPPLIES_EXT", false},
    [H7_SUPPLY_BYPASS] = {"bypass", 0x01, "PWR_EXTERNAL_SOURCE_SUPPLY", false},
};

/* The PWR model classifies the CR3 low byte (RM0399 Table 33, don't-care bits included); the
 * board layer only maps that name to its table, so both layers always agree. */
int h7_supply_from_cr3(uint32_t cr3)
{
    const char *name = h7_pwr_supply_name(cr3);
    for (int i = 0; name && i < H7_SUPPLY_COUNT; i++)
        if (!strcmp(h7_supplies[i].name, name))
            return i;
    return -1;
}

/* The Nucleo's LSE is the 32.768 kHz crystal X2; VBAT is tied to VDD (no battery), so the backup
 * domain is lost at a power cycle. Decision: the crystal starts in 200 ms (no figure from DS12919
 * was read; ST datasheets give typical LSE start-up times from a few hundred ms to 2 s depending on
 * crystal and drive; a board file can set its own: lse: {frequency: 32.768kHz, startup: 2s}). */
#define NUCLEO_LSE .lse_hz = 32768, .lse_bypass = false, .lse_startup_ps = 200 * H7_PS_PER_MS, .vbat_battery = false

/* NUCLEO-H755ZI-Q as shipped: direct SMPS (UM2408 Table 10 via facts §2.7: SB92, SB79, R35, SB75,
 * SB76 fitted; no path from VDD to VDDLDO), HSE = 8 MHz MCO of the ST-LINK in bypass, LD1 PB0,
 * LD2 PE1, LD3 PB14, the ST-LINK virtual COM port on USART3 (PD8/PD9). */
static const h7_board nucleo = {
    .name = "nucleo-h755zi-q", .source = "built-in", .supply = H7_SUPPLY_DIRECT_SMPS,
    .hse_hz = 8000000, .hse_bypass = true,
    .leds = {{"LD1", 1, 0}, {"LD2", 4, 1}, {"LD3", 1, 14}}, .nleds = 3,
    .console_usart = 3, .idcode = 0x20036450u, NUCLEO_LSE,
    .wiring_note = "NUCLEO-H755ZI-Q as shipped is wired for direct SMPS (SB92/SB79/R35/SB75/SB76 fitted, VDDLDO unsupplied)",
};

/* The LDO rework of the same board (VOS0EX readme via facts §2.7: SB25, R33, SB74 fitted,
 * SB92/SB79/R35/SB75/SB76 removed). */
static const h7_board nucleo_ldo = {
    .name = "nucleo-h755zi-q-ldo", .source = "built-in", .supply = H7_SUPPLY_LDO,
    .hse_hz = 8000000, .hse_bypass = true,
    .leds = {{"LD1", 1, 0}, {"LD2", 4, 1}, {"LD3", 1, 14}}, .nleds = 3,
    .console_usart = 3, .idcode = 0x20036450u, NUCLEO_LSE,
    .wiring_note = "NUCLEO-H755ZI-Q reworked for the LDO (SB25/R33/SB74 fitted, SMPS output unconnected)",
};

const char *const h7_board_names[] = {"nucleo-h755zi-q", "nucleo-h755zi-q-ldo", NULL};

const h7_board *h7_board_builtin(const char *name)
{
    if (!strcmp(name, nucleo.name))
        return &nucleo;
    if (!strcmp(name, nucleo_ldo.name))
        return &nucleo_ldo;
    return NULL;
}

/* A unit a board-file quantity may carry, and what one of it is in the base unit. */
typedef struct unit { const char *suffix; double mul; } unit;

/* "<non-negative number>[spaces]<unit>" with a unit of `units` (a "" row: the bare number's unit;
 * `cmp` is strcmp or strcasecmp) -> the value in the base unit. */
static bool parse_quantity(const char *s, const unit *units, int (*cmp)(const char *, const char *), double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return false;
    while (*end == ' ')
        end++;
    for (const unit *u = units; u->suffix; u++)
        if (!cmp(end, u->suffix)) {
            *out = v * u->mul;
            return true;
        }
    return false;
}

/* "8MHz", "8000000", "25 MHz", "32.768kHz" -> Hz */
static bool parse_hz(const char *s, uint32_t *hz)
{
    static const unit units[] = {{"mhz", 1e6}, {"khz", 1e3}, {"hz", 1}, {"", 1}, {NULL, 0}};
    double r;
    if (!parse_quantity(s, units, strcasecmp, &r) || r > 100e6)
        return false;
    *hz = (uint32_t)(r + 0.5);
    return true;
}

static bool parse_pin(const char *s, int *port, int *pin)
{
    if (strlen(s) < 3 || (s[0] != 'P' && s[0] != 'p'))
        return false;
    char p = (char)(s[1] & ~0x20);
    if (p < 'A' || p > 'K')
        return false;
    char *end;
    long n = strtol(s + 2, &end, 10);
    if (*end || n < 0 || n > 15)
        return false;
    *port = p - 'A';
    *pin = (int)n;
    return true;
}

static int scalar(const h7_ydoc *d, const h7_ynode *n, const char *key, char *err, size_t len)
{
    if (n->kind != H7_Y_SCALAR)
        return h7_yerr(d, n, err, len, "'%s' must be a single value", key);
    return 0;
}

static int parse_hse(const h7_ydoc *d, const h7_ynode *n, h7_board *b, char *err, size_t len)
{
    if (n->kind == H7_Y_SCALAR) {
        if (!strcmp(n->value, "absent") || !strcmp(n->value, "none")) {
            b->hse_hz = 0;
            return 0;
        }
        return h7_yerr(d, n, err, len, "hse: write 'absent' or {frequency: 8MHz, mode: bypass|crystal}");
    }
    static const char *const keys[] = {"frequency", "mode", NULL};
    if (n->kind != H7_Y_MAP || h7_ymap_check_keys(d, n, keys, err, len))
        return n->kind != H7_Y_MAP ? h7_yerr(d, n, err, len, "hse must be a mapping or 'absent'") : -1;
    const h7_ynode *f = h7_ymap_get(n, "frequency"), *m = h7_ymap_get(n, "mode");
    if (!f)
        return h7_yerr(d, n, err, len, "hse needs a frequency");
    if (scalar(d, f, "frequency", err, len) || !parse_hz(f->value, &b->hse_hz) || b->hse_hz < 4000000 ||
        b->hse_hz > 50000000)
        return h7_yerr(d, f, err, len, "hse frequency '%s' is not 4..50 MHz (e.g. 8MHz)", f->kind == H7_Y_SCALAR ? f->value : "?");
    b->hse_bypass = true;
    if (m) {
        if (scalar(d, m, "mode", err, len))
            return -1;
        if (!strcmp(m->value, "bypass"))
            b->hse_bypass = true;
        else if (!strcmp(m->value, "crystal"))
            b->hse_bypass = false;
        else
            return h7_yerr(d, m, err, len, "hse mode '%s' is not bypass or crystal", m->value);
    }
    return 0;
}

/* "200ms", "2s", "500us": a duration up to 10 s. */
static bool parse_duration(const char *s, h7_time_ps *ps)
{
    static const unit units[] = {{"s", 1e12}, {"ms", 1e9}, {"us", 1e6}, {NULL, 0}};
    double v;
    if (!parse_quantity(s, units, strcmp, &v) || v > 10e12)
        return false;
    *ps = (h7_time_ps)(v + 0.5);
    return true;
}

static int parse_lse(const h7_ydoc *d, const h7_ynode *n, h7_board *b, char *err, size_t len)
{
    if (n->kind == H7_Y_SCALAR) {
        if (!strcmp(n->value, "absent") || !strcmp(n->value, "none")) {
            b->lse_hz = 0;
            return 0;
        }
        return h7_yerr(d, n, err, len, "lse: write 'absent' or {frequency: 32.768kHz, mode: crystal|bypass, startup: 200ms}");
    }
    static const char *const keys[] = {"frequency", "mode", "startup", NULL};
    if (n->kind != H7_Y_MAP || h7_ymap_check_keys(d, n, keys, err, len))
        return n->kind != H7_Y_MAP ? h7_yerr(d, n, err, len, "lse must be a mapping or 'absent'") : -1;
    const h7_ynode *f = h7_ymap_get(n, "frequency"), *m = h7_ymap_get(n, "mode"), *st = h7_ymap_get(n, "startup");
    if (f && (scalar(d, f, "frequency", err, len) || !parse_hz(f->value, &b->lse_hz) || b->lse_hz < 1000 ||
              b->lse_hz > 1000000))
        return h7_yerr(d, f, err, len, "lse frequency '%s' is not 1 kHz..1 MHz (e.g. 32.768kHz)", f->kind == H7_Y_SCALAR ? f->value : "?");
    if (m) {
        if (scalar(d, m, "mode", err, len) || (strcmp(m->value, "crystal") && strcmp(m->value, "bypass")))
            return h7_yerr(d, m, err, len, "lse mode is crystal or bypass");
        b->lse_bypass = !strcmp(m->value, "bypass");
    }
    if (st && (scalar(d, st, "startup", err, len) || !parse_duration(st->value, &b->lse_startup_ps)))
        return h7_yerr(d, st, err, len, "lse startup '%s' is not a duration up to 10s (e.g. 200ms)", st->kind == H7_Y_SCALAR ? st->value : "?");
    return 0;
}

 
/* "3.3V", "1200mV", "0.5 V" -> microvolts (0..5 V) */
static bool parse_uv(const char *s, uint32_t *uv)
{
    static const unit units[] = {{"mv", 1e-3}, {"v", 1}, {"", 1}, {NULL, 0}};
    double v;
    if (!parse_quantity(s, units, strcasecmp, &v) || v > 5.0)
        return false;
    *uv = (uint32_t)(v * 1e6 + 0.5);
    return true;
}

/* "100ms", "2s", "1500" (ms) -> milliseconds (1 ms .. 60 s) */
static bool parse_ms(const char *s, uint32_t *ms)
{
    static const unit units[] = {{"s", 1000}, {"ms", 1}, {"", 1}, {NULL, 0}};
    double v;
    if (!parse_quantity(s, units, strcasecmp, &v) || v < 1 || v > 60000)
        return false;
    *ms = (uint32_t)(v + 0.5);
    return true;
}

/* analog: {vdda: 3.3V, vbat: 3V, temperature: 25C, pins: {PA0: 1.2V, PC2_C: 0.4V}} */
static int parse_analog(const h7_ydoc *d, const h7_ynode *n, h7_board *b, char *err, size_t len)
{
    static const char *const keys[] = {"vdda", "vbat", "temperature", "pins", NULL};
    if (n->kind != H7_Y_MAP)
        return h7_yerr(d, n, err, len, "analog is a mapping like {vdda: 3.3V, temperature: 25C, pins: {PA0: 1.2V}}");
    if (h7_ymap_check_keys(d, n, keys, err, len))
        return -1;
    h7_analog_config *a = &b->analog;
    const h7_ynode *v;
    if ((v = h7_ymap_get(n, "vdda")) && (scalar(d, v, "vdda", err, len) || !parse_uv(v->value, &a->vdda_uv) ||
                                         a->vdda_uv < 1620000u || a->vdda_uv > 3600000u))
        return h7_yerr(d, v, err, len, "vdda is 1.62..3.6 V (e.g. 3.3V)");
    if ((v = h7_ymap_get(n, "vbat")) && (scalar(d, v, "vbat", err, len) || !parse_uv(v->value, &a->vbat_uv) ||
                                         a->vbat_uv > 3600000u))
        return h7_yerr(d, v, err, len, "vbat is 0..3.6 V (e.g. 3.0V)");
    if ((v = h7_ymap_get(n, "temperature"))) {
        char *end;
        double t = v->kind == H7_Y_SCALAR ? strtod(v->value, &end) : 0;
        if (v->kind != H7_Y_SCALAR || end == v->value || (*end && strcasecmp(end, "C")) || t < -40 || t > 125)
            return h7_yerr(d, v, err, len, "temperature is -40..125 (degrees C, e.g. 25C)");
        a->has_temp = true;
        a->temp_mc = (int32_t)(t * 1000.0);
    }
    if ((v = h7_ymap_get(n, "pins"))) {
        if (v->kind != H7_Y_MAP)
            return h7_yerr(d, v, err, len, "pins is a mapping like {PA0: 1.2V, PC2_C: 0.4V}");
        for (size_t i = 0; i + 1 < v->n; i += 2) {
            const h7_ynode *k = v->items[i], *val = v->items[i + 1];
            if (a->npins == H7_ANALOG_MAX_PINS)
                return h7_yerr(d, k, err, len, "at most %d analog pins", H7_ANALOG_MAX_PINS);
            h7_analog_pin *p = &a->pins[a->npins];
            char name[16];
            snprintf(name, sizeof name, "%s", k->value);
            size_t nl = strlen(name);
            p->c_pad = nl > 2 && !strcasecmp(name + nl - 2, "_C");
            if (p->c_pad)
                name[nl - 2] = '\0';
            int port, pin;
            if (!parse_pin(name, &port, &pin))
                return h7_yerr(d, k, err, len, "analog pin '%s' must look like PA0 or PC2_C", k->value);
            p->port = (int8_t)port;
            p->pin = (int8_t)pin;
            if (val->kind != H7_Y_SCALAR || !parse_uv(val->value, &p->uv))
                return h7_yerr(d, val, err, len, "pin voltage must look like 1.2V or 500mV (0..5 V)");
            a->npins++;
        }
    }
    return 0;
}

/* ethernet: {phy: lan8742a|none, phy_address: 0, rmii_refclk: phy|none, cable: connected|unplugged, autoneg: 100ms} */
static int parse_ethernet(const h7_ydoc *d, const h7_ynode *n, h7_board *b, char *err, size_t len)
{
    static const char *const keys[] = {"phy", "phy_address", "rmii_refclk", "cable", "autoneg", NULL};
    if (n->kind != H7_Y_MAP)
        return h7_yerr(d, n, err, len, "ethernet is a mapping like {phy: lan8742a, rmii_refclk: phy, autoneg: 100ms}");
    if (h7_ymap_check_keys(d, n, keys, err, len))
        return -1;
    h7_eth_board *e = &b->eth;
    const h7_ynode *v;
    if ((v = h7_ymap_get(n, "phy"))) {
        if (scalar(d, v, "phy", err, len) || (strcmp(v->value, "lan8742a") && strcmp(v->value, "none")))
            return h7_yerr(d, v, err, len, "phy is lan8742a or none");
        e->no_phy = !strcmp(v->value, "none");
    }
    if ((v = h7_ymap_get(n, "phy_address"))) {
        char *end;
        long a = v->kind == H7_Y_SCALAR ? strtol(v->value, &end, 0) : -1;
        if (v->kind != H7_Y_SCALAR || *end || a < 0 || a > 31)
            return h7_yerr(d, v, err, len, "phy_address is 0..31");
        e->phy_address = (uint8_t)a;
    }
    if ((v = h7_ymap_get(n, "rmii_refclk"))) {
        if (scalar(d, v, "rmii_refclk", err, len) || (strcmp(v->value, "phy") && strcmp(v->value, "none")))
            return h7_yerr(d, v, err, len, "rmii_refclk is phy (the PHY drives REF_CLK) or none");
        e->no_refclk = !strcmp(v->value, "none");
    }
    if ((v = h7_ymap_get(n, "cable"))) {
        if (scalar(d, v, "cable", err, len) || (strcmp(v->value, "connected") && strcmp(v->value, "unplugged")))
            return h7_yerr(d, v, err, len, "cable is connected or unplugged");
        e->cable_unplugged = !strcmp(v->value, "unplugged");
    }
    if ((v = h7_ymap_get(n, "autoneg")) && (scalar(d, v, "autoneg", err, len) || !parse_ms(v->value, &e->autoneg_ms)))
        return h7_yerr(d, v, err, len, "autoneg is a time of 1 ms .. 60 s (e.g. 100ms, 2s)");
    if (e->no_phy)
        e->no_refclk = true;   /* no PHY, no reference clock */
    return 0;
}

static int parse_board(const h7_ydoc *d, h7_board *b, char *err, size_t len)
{
    const h7_ynode *root = d->root;
    if (!root || root->kind != H7_Y_MAP)
        return h7_yerr(d, root, err, len, "a board file is a mapping (name:, supply:, hse:, ...)");
    static const char *const keys[] = {"name", "supply", "hse", "lse", "vbat", "boot0", "leds", "console", "revision",
                                       "analog", "ethernet", NULL};
    if (h7_ymap_check_keys(d, root, keys, err, len))
        return -1;
    const h7_ynode *n;
    if (!(n = h7_ymap_get(root, "name")) || scalar(d, n, "name", err, len))
        return n ? -1 : h7_yerr(d, root, err, len, "missing 'name'");
    snprintf(b->name, sizeof b->name, "%s", n->value);
    if (!(n = h7_ymap_get(root, "supply")))
        return h7_yerr(d, root, err, len, "missing 'supply' (one of ldo, direct_smps, smps_1v8_ldo, ...)");
    if (scalar(d, n, "supply", err, len))
        return -1;
    int s = -1;
    for (int i = 0; i < H7_SUPPLY_COUNT; i++)
        if (!strcmp(h7_supplies[i].name, n->value))
            s = i;
    if (s < 0)
        return h7_yerr(d, n, err, len, "unknown supply '%s' (ldo, direct_smps, smps_1v8_ldo, smps_2v5_ldo, "
                       "smps_1v8_ext_ldo, smps_2v5_ext_ldo, smps_1v8_ext, smps_2v5_ext, bypass)", n->value);
    b->supply = (h7_supply)s;
    snprintf(b->wiring_note, sizeof b->wiring_note, "board '%s' is wired for %s (%s)", b->name, h7_supplies[s].name,
             d->path);
    if ((n = h7_ymap_get(root, "hse")) && parse_hse(d, n, b, err, len))
        return -1;
    if ((n = h7_ymap_get(root, "lse")) && parse_lse(d, n, b, err, len))
        return -1;
    if ((n = h7_ymap_get(root, "vbat"))) {
        if (scalar(d, n, "vbat", err, len) || (strcmp(n->value, "vdd") && strcmp(n->value, "battery")))
            return h7_yerr(d, n, err, len, "vbat is vdd (tied to VDD: backup domain lost at power off) or battery");
        b->vbat_battery = !strcmp(n->value, "battery");
    }
    if ((n = h7_ymap_get(root, "boot0"))) {
        if (scalar(d, n, "boot0", err, len) || (strcmp(n->value, "0") && strcmp(n->value, "1")))
            return h7_yerr(d, n, err, len, "boot0 is 0 or 1");
        b->boot0 = n->value[0] == '1';
    }
    if ((n = h7_ymap_get(root, "console"))) {
        if (scalar(d, n, "console", err, len) || !h7_usart_parse_name(n->value))
            return h7_yerr(d, n, err, len, "console is usart1..usart8 or lpuart1");
        b->console_usart = h7_usart_parse_name(n->value);
    }
    if ((n = h7_ymap_get(root, "revision"))) {
        if (scalar(d, n, "revision", err, len) || (strcmp(n->value, "V") && strcmp(n->value, "Y")))
            return h7_yerr(d, n, err, len, "revision is V or Y");
        b->idcode = n->value[0] == 'V' ? 0x20036450u : 0x10036450u;
    }
    if ((n = h7_ymap_get(root, "analog")) && parse_analog(d, n, b, err, len))
        return -1;
    if ((n = h7_ymap_get(root, "ethernet")) && parse_ethernet(d, n, b, err, len))
        return -1;
    if ((n = h7_ymap_get(root, "leds"))) {
        if (n->kind != H7_Y_MAP)
            return h7_yerr(d, n, err, len, "leds is a mapping like {LD1: PB0, LD2: PE1}");
        b->nleds = 0;
        for (size_t i = 0; i + 1 < n->n; i += 2) {
            const h7_ynode *k = n->items[i], *v = n->items[i + 1];
            if (b->nleds == 8)
                return h7_yerr(d, k, err, len, "at most 8 LEDs");
            h7_board_led *l = &b->leds[b->nleds];
            if (v->kind != H7_Y_SCALAR || !parse_pin(v->value, &l->port, &l->pin))
                return h7_yerr(d, v, err, len, "LED pin must look like PB0 (ports A..K, pins 0..15)");
            snprintf(l->name, sizeof l->name, "%s", k->value);
            b->nleds++;
        }
    }
    return 0;
}

int h7_board_load(const char *name_or_path, h7_board *out, char *err, size_t errlen)
{
    const h7_board *bi = h7_board_builtin(name_or_path);
    if (bi) {
        *out = *bi;
        return 0;
    }
    if (!strchr(name_or_path, '/') && !strstr(name_or_path, ".yaml") && !strstr(name_or_path, ".yml")) {
        snprintf(err, errlen, "unknown board '%s' (built in: nucleo-h755zi-q, nucleo-h755zi-q-ldo; or a board .yaml file)",
                 name_or_path);
        return -1;
    }
    h7_ydoc d;
    if (h7_yaml_load(name_or_path, NULL, &d, err, errlen) != 0)
        return -1;
    *out = nucleo;   /* defaults for what the file does not say: HSE 8 MHz bypass, rev V, USART3 */
    out->nleds = 0;
    snprintf(out->source, sizeof out->source, "%s", name_or_path);
    int rc = parse_board(&d, out, err, errlen);
    h7_yaml_free(&d);
    return rc;
}

/* Typed events: the one renderer (timeline text, log text, JSON fields) and the observer bus. */
#include "h7event.h"

#include <stdarg.h>
#include <string.h>

_Static_assert(H7_EV_KIND_COUNT <= 64, "the subscription mask holds 64 kinds");

typedef struct kind_info {
    const char *name;
    h7_ev_channel channel;
    const char *src;          /* fixed actor; NULL: the master (`by`) or the core, see h7_ev_src */
} kind_info;

static const kind_info kinds[H7_EV_KIND_COUNT] = {
    [H7_EV_NOTE] = {"note", H7_CH_TIMELINE, NULL},
    [H7_EV_SUPPLY_WRITE] = {"supply_write", H7_CH_TIMELINE, NULL},
    [H7_EV_SUPPLY_DISCARDED] = {"supply_discarded", H7_CH_TIMELINE, "pwr"},
    [H7_EV_SUPPLY_WRITE_IGNORED] = {"supply_write_ignored", H7_CH_TIMELINE, "pwr"},
    [H7_EV_ACTVOSRDY] = {"actvosrdy", H7_CH_TIMELINE, "pwr"},
    [H7_EV_VOS_BEFORE_ACTVOSRDY] = {"vos_before_actvosrdy", H7_CH_TIMELINE, "pwr"},
    [H7_EV_VOS_WRITE] = {"vos_write", H7_CH_TIMELINE, NULL},
    [H7_EV_VOS_READY] = {"vos_ready", H7_CH_TIMELINE, "pwr"},
    [H7_EV_OVERDRIVE] = {"overdrive", H7_CH_TIMELINE, NULL},
    [H7_EV_OVERDRIVE_ON] = {"overdrive_on", H7_CH_NONE, "pwr"},
    [H7_EV_DOMAIN_POWER] = {"domain_power", H7_CH_TIMELINE, "pwr"},
    [H7_EV_SYSTEM_STOP] = {"system_stop", H7_CH_TIMELINE, "pwr"},
    [H7_EV_OSC_READY] = {"osc_ready", H7_CH_TIMELINE, "rcc"},
    [H7_EV_SYSCLK] = {"sysclk", H7_CH_TIMELINE, "rcc"},
    [H7_EV_CLOCKS_CHANGED] = {"clocks_changed", H7_CH_NONE, "rcc"},
    [H7_EV_DOMAIN_CLOCK] = {"domain_clock", H7_CH_TIMELINE, "rcc"},
    [H7_EV_BOOT_RELEASE] = {"boot_release", H7_CH_TIMELINE, NULL},
    [H7_EV_PLL_INPUT_RANGE] = {"pll_input_range", H7_CH_GUEST_ERROR, "RCC"},
    [H7_EV_PLL_RGE_MISMATCH] = {"pll_rge_mismatch", H7_CH_GUEST_ERROR, "RCC"},
    [H7_EV_PLL_VCO_RANGE] = {"pll_vco_range", H7_CH_GUEST_ERROR, "RCC"},
    [H7_EV_PLL_NEVER_LOCKS] = {"pll_never_locks", H7_CH_GUEST_ERROR, "RCC"},
    [H7_EV_PLL1_DIVP_ODD] = {"pll1_divp_odd", H7_CH_GUEST_ERROR, "RCC"},
    [H7_EV_FLASH_LATENCY] = {"flash_latency", H7_CH_TIMELINE, NULL},
    [H7_EV_FLASH_PROGRAMMED] = {"flash_programmed", H7_CH_TIMELINE, "flash"},
    [H7_EV_FLASH_ERASE] = {"flash_erase", H7_CH_TIMELINE, "flash"},
    [H7_EV_MASS_ERASE] = {"mass_erase", H7_CH_TIMELINE, NULL},
    [H7_EV_OPTION_BYTES] = {"option_bytes", H7_CH_TIMELINE, NULL},
    [H7_EV_HSEM_TAKE] = {"hsem_take", H7_CH_TIMELINE, NULL},
    [H7_EV_HSEM_RELEASE] = {"hsem_release", H7_CH_TIMELINE, NULL},
    [H7_EV_HSEM_RELEASE_REFUSED] = {"hsem_release_refused", H7_CH_TIMELINE, NULL},
    [H7_EV_HSEM_CLEAR] = {"hsem_clear", H7_CH_TIMELINE, NULL},
    [H7_EV_EXTI_EVENT] = {"exti_event", H7_CH_TIMELINE, "exti"},
    [H7_EV_GPIO_PIN] = {"gpio_pin", H7_CH_TIMELINE, "gpio"},
    [H7_EV_UART_LINE] = {"uart_line", H7_CH_TIMELINE, NULL},
    [H7_EV_CLOCK_OFF_ACCESS] = {"clock_off_access", H7_CH_TIMELINE, "soc"},
    [H7_EV_D2_ACCESS_IN_DSTOP] = {"d2_access_in_dstop", H7_CH_NONE, NULL},
    [H7_EV_DMA_TRANSFER_ERROR] = {"dma_transfer_error", H7_CH_TIMELINE, NULL},
    [H7_EV_DCACHE_STALE] = {"dcache_stale", H7_CH_NONE, "cm7"},
    [H7_EV_MPU_AFTER_CACHE] = {"mpu_after_cache", H7_CH_NONE, "cm7"},
    [H7_EV_CORE_BOOT] = {"core_boot", H7_CH_TIMELINE, NULL},
    [H7_EV_CORE_HELD] = {"core_held", H7_CH_TIMELINE, NULL},
    [H7_EV_CORE_RELEASED] = {"core_released", H7_CH_TIMELINE, NULL},
    [H7_EV_CORE_CSTOP] = {"core_cstop", H7_CH_TIMELINE, NULL},
    [H7_EV_POWER_ON] = {"power_on", H7_CH_TIMELINE, "machine"},
    [H7_EV_SYSTEM_RESET] = {"system_reset", H7_CH_TIMELINE, "machine"},
    [H7_EV_RULE] = {"rule", H7_CH_TIMELINE, "rule"},
    [H7_EV_DEVICE_LOCKED] = {"device_locked", H7_CH_TIMELINE, "board"},
    [H7_EV_STILL_LOCKED] = {"still_locked", H7_CH_TIMELINE, "board"},
    [H7_EV_LINK_LOST] = {"link_lost", H7_CH_TIMELINE, "debug"},
};

const char *h7_ev_kind_name(h7_ev_kind k)
{
    return (unsigned)k < H7_EV_KIND_COUNT && kinds[k].name ? kinds[k].name : "?";
}

h7_ev_channel h7_ev_channel_of(const h7_ev *e)
{
    return (unsigned)e->kind < H7_EV_KIND_COUNT ? kinds[e->kind].channel : H7_CH_NONE;
}

uint64_t h7_ev_timeline_kinds(void)
{
    uint64_t mask = 0;
    for (unsigned k = 0; k < H7_EV_KIND_COUNT; k++)
        if (kinds[k].channel == H7_CH_TIMELINE)
            mask |= H7_EV_BIT(k);
    return mask;
}

/* Events about a core (boot, gating, CStop) are told by that core. */
static bool told_by_core(h7_ev_kind k)
{
    return k == H7_EV_CORE_BOOT || k == H7_EV_CORE_HELD || k == H7_EV_CORE_RELEASED || k == H7_EV_CORE_CSTOP;
}

const char *h7_ev_src(const h7_ev *e)
{
    if (e->kind == H7_EV_NOTE)
        return e->src ? e->src : "?";
    if (e->kind == H7_EV_UART_LINE) {
        /* U(S)ART instances as peripherals/usart.h numbers them: 1..8 USART1..UART8, 9 LPUART1. */
        static const char *const uarts[10] = {"uart", "uart1", "uart2", "uart3", "uart4", "uart5", "uart6",
                                              "uart7", "uart8", "lpuart1"};
        return (unsigned)e->u.uart.usart < 10 ? uarts[e->u.uart.usart] : "uart";
    }
    if (e->kind == H7_EV_DMA_TRANSFER_ERROR)
        return e->u.dmaerr.dma == 4 ? "mdma" : e->u.dmaerr.dma == 3 ? "bdma" : e->u.dmaerr.dma == 2 ? "dma2" : "dma1";
    if (e->kind == H7_EV_MASS_ERASE)
        return e->u.mass.debug ? "debug" : "flash";
    if ((unsigned)e->kind >= H7_EV_KIND_COUNT)
        return "?";
    if (kinds[e->kind].src)
        return kinds[e->kind].src;
    if (told_by_core(e->kind) || e->kind == H7_EV_D2_ACCESS_IN_DSTOP)
        return h7_core_name(e->core);
    return h7_master_name(e->by);
}

static void fmt_mhz(uint32_t hz, char *buf, size_t len)
{
    if (hz % 1000000u == 0)
        snprintf(buf, len, "%u MHz", hz / 1000000u);
    else
        snprintf(buf, len, "%u.%03u MHz", hz / 1000000u, (hz % 1000000u) / 1000u);
}

/* HSEM COREID values (RM0399 §11.3.2): 3 = CPU1 (CM7), 1 = CPU2 (CM4). */
static const char *coreid_name(unsigned id)
{
    return id == 3 ? "cm7" : id == 1 ? "cm4" : "?";
}

void h7_ev_render(const h7_ev *e, char *buf, size_t len)
{
    char a[24], b[24], c[24];
    switch (e->kind) {
    case H7_EV_NOTE: snprintf(buf, len, "%s", e->text ? e->text : ""); break;
    case H7_EV_SUPPLY_WRITE:
        snprintf(buf, len, "writes PWR_CR3 = 0x%08X (%s)", e->u.supply.value, e->u.supply.name ? e->u.supply.name : "illegal");
        break;
    case H7_EV_SUPPLY_DISCARDED:
        snprintf(buf, len, "supply write discarded: illegal combination 0x%02X (PWR_CR3 locked)", e->u.discarded.low);
        break;
    case H7_EV_SUPPLY_WRITE_IGNORED:
        snprintf(buf, len, "supply write ignored (locked as 0x%02X, wrote 0x%02X)", e->u.ignored.locked_as, e->u.ignored.wrote);
        break;
    case H7_EV_ACTVOSRDY: snprintf(buf, len, "%s", e->u.actvosrdy.valid ? "actvosrdy" : "actvosrdy lost (vcore collapsed)"); break;
    case H7_EV_VOS_BEFORE_ACTVOSRDY: snprintf(buf, len, "VOS changed before actvosrdy"); break;
    case H7_EV_VOS_WRITE: snprintf(buf, len, "writes PWR_D3CR.VOS = VOS%u", e->u.vos.vos); break;
    case H7_EV_VOS_READY: snprintf(buf, len, "vos%u ready", e->u.vos.vos); break;
    case H7_EV_OVERDRIVE: snprintf(buf, len, "writes SYSCFG_PWRCR.ODEN = %d", e->u.oden.on ? 1 : 0); break;
    case H7_EV_OVERDRIVE_ON: snprintf(buf, len, "overdrive on: VOS0"); break;
    case H7_EV_DOMAIN_POWER: snprintf(buf, len, "d%d %s", e->u.domain.domain, e->u.domain.stop ? "stop" : "run"); break;
    case H7_EV_SYSTEM_STOP: snprintf(buf, len, "system stop"); break;
    case H7_EV_OSC_READY: snprintf(buf, len, "%s ready", e->u.osc.name); break;
    case H7_EV_SYSCLK:
        fmt_mhz(e->u.clk.sysclk_hz, a, sizeof a);
        fmt_mhz(e->u.clk.cm7_hz, b, sizeof b);
        fmt_mhz(e->u.clk.cm4_hz, c, sizeof c);
        snprintf(buf, len, "sysclk %s (%s), cm7 %s, cm4 %s", a, e->u.clk.source, b, c);
        break;
    case H7_EV_CLOCKS_CHANGED: snprintf(buf, len, "clocks changed"); break;
    case H7_EV_DOMAIN_CLOCK: snprintf(buf, len, "d%dckrdy %d", e->u.dclk.domain, e->u.dclk.ready ? 1 : 0); break;
    case H7_EV_BOOT_RELEASE: snprintf(buf, len, "sets RCC_GCR.BOOT_C%d", e->core == H7_CM7 ? 1 : 2); break;
    case H7_EV_PLL_INPUT_RANGE:
        fmt_mhz(e->u.pll.hz, a, sizeof a);
        snprintf(buf, len, "PLL%d input %s out of range (1-16 MHz, RM0399 §9.5.5)", e->u.pll.pll, a);
        break;
    case H7_EV_PLL_RGE_MISMATCH:
        fmt_mhz(e->u.pll.hz, a, sizeof a);
        snprintf(buf, len, "PLL%d input %s does not match PLL%dRGE = %u (input range %u-%u MHz)", e->u.pll.pll, a,
                 e->u.pll.pll, e->u.pll.rge, e->u.pll.lo_hz / 1000000u, e->u.pll.hi_hz / 1000000u);
        break;
    case H7_EV_PLL_VCO_RANGE:
        fmt_mhz(e->u.pll.hz, a, sizeof a);
        snprintf(buf, len, "PLL%d VCO %s out of range (%u-%u MHz, %s VCO, RM0399 §9.5.5)", e->u.pll.pll, a,
                 e->u.pll.lo_hz / 1000000u, e->u.pll.hi_hz / 1000000u, e->u.pll.medium ? "medium" : "wide");
        break;
    case H7_EV_PLL_NEVER_LOCKS: snprintf(buf, len, "PLL%d will never lock: %s", e->u.nolock.pll, e->u.nolock.why); break;
    case H7_EV_PLL1_DIVP_ODD:
        snprintf(buf, len, "RCC_PLL1DIVR.DIVP1 = /%u out of range: PLL1's P divider must be even (RM0399 §9.7.12)",
                 e->u.divp.p);
        break;
    case H7_EV_FLASH_LATENCY: snprintf(buf, len, "writes FLASH_ACR = 0x%08x (latency %u)", e->u.acr.acr, e->u.acr.ws); break;
    case H7_EV_FLASH_PROGRAMMED: snprintf(buf, len, "programmed 0x%08x", e->u.prog.addr); break;
    case H7_EV_FLASH_ERASE:
        if (e->u.erase.sector < 0)
            snprintf(buf, len, "erased bank %d", e->u.erase.bank);
        else
            snprintf(buf, len, "erased bank %d sector %d", e->u.erase.bank, e->u.erase.sector);
        break;
    case H7_EV_MASS_ERASE: snprintf(buf, len, "mass erase"); break;
    case H7_EV_OPTION_BYTES:
        snprintf(buf, len, "option bytes programmed (bcm7=%u bcm4=%u boot7=0x%08x boot4=0x%08x)", e->u.opt.bcm7,
                 e->u.opt.bcm4, e->u.opt.boot7, e->u.opt.boot4);
        break;
    case H7_EV_HSEM_TAKE: snprintf(buf, len, "hsem %u taken (proc %u)", e->u.hsem.id, e->u.hsem.proc); break;
    case H7_EV_HSEM_RELEASE: snprintf(buf, len, "hsem %u released", e->u.hsem.id); break;
    case H7_EV_HSEM_RELEASE_REFUSED:
        snprintf(buf, len, "hsem %u release refused (owned by %s proc %u, wrote core id %u proc %u)", e->u.refused.id,
                 coreid_name(e->u.refused.owner_id), e->u.refused.owner_proc, e->u.refused.wrote_id, e->u.refused.wrote_proc);
        break;
    case H7_EV_HSEM_CLEAR: snprintf(buf, len, "hsem cleared %u semaphores of core id %u", e->u.clear.count, e->u.clear.coreid); break;
    case H7_EV_EXTI_EVENT: snprintf(buf, len, "line %d event to %s", e->u.exti.line, h7_core_name(e->core)); break;
    case H7_EV_GPIO_PIN: snprintf(buf, len, "P%c%d %s", 'A' + e->u.pin.port, e->u.pin.pin, e->u.pin.high ? "high" : "low"); break;
    case H7_EV_UART_LINE: snprintf(buf, len, "\"%s\"", e->u.uart.text); break;
    case H7_EV_CLOCK_OFF_ACCESS:
        snprintf(buf, len, "%s %s %s with its clock off (RCC_%s bit %d = 0): %s", h7_master_name(e->by),
                 e->u.clkoff.write ? "writes" : "reads", e->u.clkoff.window, e->u.clkoff.enreg, e->u.clkoff.bit,
                 e->u.clkoff.write ? "write ignored" : "reads 0");
        break;
    case H7_EV_D2_ACCESS_IN_DSTOP:
        snprintf(buf, len, "access to %s (0x%08X) while RCC_CR.D2CKRDY = 0", e->u.d2.window, e->u.d2.addr);
        break;
    case H7_EV_CORE_BOOT:
        snprintf(buf, len, "boots at %s (vtor 0x%08X, sp 0x%08X)", e->u.boot.where, e->u.boot.boot, e->u.boot.sp);
        break;
    case H7_EV_CORE_HELD: snprintf(buf, len, "held in reset (BCM%c = 0)", e->core == H7_CM7 ? '7' : '4'); break;
    case H7_EV_CORE_RELEASED: snprintf(buf, len, "released from boot gating, starts at 0x%08X", e->u.released.addr); break;
    case H7_EV_CORE_CSTOP:
        if (e->u.cstop.enter)
            snprintf(buf, len, "enters cstop (%s)", e->u.cstop.wfe ? "wfe" : "wfi");
        else
            snprintf(buf, len, "leaves cstop");
        break;
    case H7_EV_POWER_ON: snprintf(buf, len, "power-on reset%s", e->u.por.boot0 ? " (boot0 = 1)" : ""); break;
    case H7_EV_SYSTEM_RESET:
        snprintf(buf, len, "system reset (%s)",
                 e->u.sysreset.software ? (e->core == H7_CM7 ? "cm7 sysresetreq" : "cm4 sysresetreq") : "nrst");
        break;
    case H7_EV_RULE: snprintf(buf, len, "%s: %s", e->u.rule.id, e->u.rule.summary); break;
    case H7_EV_DEVICE_LOCKED: snprintf(buf, len, "device locked: %s", e->text); break;
    case H7_EV_STILL_LOCKED: snprintf(buf, len, "still locked: PWR_CR3 keeps its supply setting until a power-on reset"); break;
    case H7_EV_LINK_LOST: snprintf(buf, len, "link lost: %s", e->text); break;
    case H7_EV_DMA_TRANSFER_ERROR:
        snprintf(buf, len, e->u.dmaerr.dma >= 3 ? "channel %u transfer error %s 0x%08X (%s): channel disabled"
                                                : "stream %u transfer error %s 0x%08X (%s): stream disabled", e->u.dmaerr.stream,
                 e->u.dmaerr.write ? "writing" : "reading", e->u.dmaerr.addr, e->u.dmaerr.area);
        break;
    case H7_EV_DCACHE_STALE:
        snprintf(buf, len, e->u.stale.cpu_read ? "%s reads 0x%08X written by DMA without invalidating the D-cache"
                                               : "%s reads 0x%08X: the CM7 wrote it through the D-cache without a clean",
                 e->u.stale.master, e->u.stale.addr);
        break;
    case H7_EV_MPU_AFTER_CACHE: snprintf(buf, len, "writes 0x%08X to MPU 0x%08X while SCB_CCR.DC = 1", e->u.mpu.value, e->u.mpu.reg); break;
    default: snprintf(buf, len, "?"); break;
    }
}

/* ------------------------------------------------------------------ JSON fields */

typedef struct jbuf { char *p; size_t len, used; bool first; } jbuf;

static void jraw(jbuf *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jraw(jbuf *j, const char *fmt, ...)
{
    if (j->used >= j->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(j->p + j->used, j->len - j->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        j->used += (size_t)n < j->len - j->used ? (size_t)n : j->len - j->used - 1;
}

static void jkey(jbuf *j, const char *key)
{
    jraw(j, "%s\"%s\":", j->first ? "" : ",", key);
    j->first = false;
}

static void jnum(jbuf *j, const char *key, unsigned long long v) { jkey(j, key); jraw(j, "%llu", v); }
static void jint(jbuf *j, const char *key, long long v) { jkey(j, key); jraw(j, "%lld", v); }
static void jbool(jbuf *j, const char *key, bool v) { jkey(j, key); jraw(j, "%s", v ? "true" : "false"); }

static void jstr(jbuf *j, const char *key, const char *s)
{
    jkey(j, key);
    jraw(j, "\"");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            jraw(j, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7F)
            jraw(j, "\\u%04x", *p);
        else
            jraw(j, "%c", *p);
    }
    jraw(j, "\"");
}

void h7_ev_json_fields(const h7_ev *e, char *buf, size_t len)
{
    if (!len)
        return;
    jbuf j = {buf, len, 0, true};
    buf[0] = '\0';
    jraw(&j, "{");
    switch (e->kind) {
    case H7_EV_SUPPLY_WRITE:
        jnum(&j, "value", e->u.supply.value);
        jstr(&j, "scheme", e->u.supply.name ? e->u.supply.name : "illegal");
        jbool(&j, "accepted", e->u.supply.name != NULL);
        break;
    case H7_EV_SUPPLY_DISCARDED: jnum(&j, "low", e->u.discarded.low); break;
    case H7_EV_SUPPLY_WRITE_IGNORED:
        jnum(&j, "locked_as", e->u.ignored.locked_as);
        jnum(&j, "wrote", e->u.ignored.wrote);
        break;
    case H7_EV_ACTVOSRDY: jbool(&j, "valid", e->u.actvosrdy.valid); break;
    case H7_EV_VOS_WRITE: case H7_EV_VOS_READY: jnum(&j, "vos", e->u.vos.vos); break;
    case H7_EV_OVERDRIVE: jbool(&j, "oden", e->u.oden.on); jbool(&j, "accepted", e->u.oden.accepted); break;
    case H7_EV_DOMAIN_POWER: jint(&j, "domain", e->u.domain.domain); jbool(&j, "stop", e->u.domain.stop); break;
    case H7_EV_OSC_READY: jstr(&j, "osc", e->u.osc.name); break;
    case H7_EV_SYSCLK:
        jnum(&j, "sysclk_hz", e->u.clk.sysclk_hz);
        jstr(&j, "source", e->u.clk.source);
        jnum(&j, "cm7_hz", e->u.clk.cm7_hz);
        jnum(&j, "cm4_hz", e->u.clk.cm4_hz);
        break;
    case H7_EV_DOMAIN_CLOCK: jint(&j, "domain", e->u.dclk.domain); jbool(&j, "ready", e->u.dclk.ready); break;
    case H7_EV_BOOT_RELEASE: jstr(&j, "core", h7_core_name(e->core)); break;
    case H7_EV_PLL_INPUT_RANGE: case H7_EV_PLL_RGE_MISMATCH: case H7_EV_PLL_VCO_RANGE:
        jint(&j, "pll", e->u.pll.pll);
        jnum(&j, e->kind == H7_EV_PLL_VCO_RANGE ? "fvco_hz" : "fref_hz", e->u.pll.hz);
        if (e->kind != H7_EV_PLL_INPUT_RANGE) {
            jnum(&j, "lo_hz", e->u.pll.lo_hz);
            jnum(&j, "hi_hz", e->u.pll.hi_hz);
        }
        break;
    case H7_EV_PLL_NEVER_LOCKS: jint(&j, "pll", e->u.nolock.pll); jstr(&j, "why", e->u.nolock.why); break;
    case H7_EV_PLL1_DIVP_ODD: jnum(&j, "divp", e->u.divp.p); break;
    case H7_EV_FLASH_LATENCY: jnum(&j, "acr", e->u.acr.acr); jnum(&j, "ws", e->u.acr.ws); break;
    case H7_EV_FLASH_PROGRAMMED: jnum(&j, "addr", e->u.prog.addr); break;
    case H7_EV_FLASH_ERASE: jint(&j, "bank", e->u.erase.bank); jint(&j, "sector", e->u.erase.sector); break;
    case H7_EV_OPTION_BYTES:
        jnum(&j, "bcm7", e->u.opt.bcm7);
        jnum(&j, "bcm4", e->u.opt.bcm4);
        jnum(&j, "boot7", e->u.opt.boot7);
        jnum(&j, "boot4", e->u.opt.boot4);
        break;
    case H7_EV_HSEM_TAKE: jnum(&j, "id", e->u.hsem.id); jnum(&j, "proc", e->u.hsem.proc); break;
    case H7_EV_HSEM_RELEASE: jnum(&j, "id", e->u.hsem.id); break;
    case H7_EV_HSEM_RELEASE_REFUSED:
        jnum(&j, "id", e->u.refused.id);
        jstr(&j, "owner", coreid_name(e->u.refused.owner_id));
        jnum(&j, "owner_proc", e->u.refused.owner_proc);
        jnum(&j, "wrote_id", e->u.refused.wrote_id);
        jnum(&j, "wrote_proc", e->u.refused.wrote_proc);
        break;
    case H7_EV_HSEM_CLEAR: jnum(&j, "count", e->u.clear.count); jnum(&j, "coreid", e->u.clear.coreid); break;
    case H7_EV_EXTI_EVENT: jint(&j, "line", e->u.exti.line); jstr(&j, "core", h7_core_name(e->core)); break;
    case H7_EV_GPIO_PIN:
        jkey(&j, "pin");
        jraw(&j, "\"P%c%d\"", 'A' + e->u.pin.port, e->u.pin.pin);
        jbool(&j, "high", e->u.pin.high);
        break;
    case H7_EV_UART_LINE: jint(&j, "usart", e->u.uart.usart); break;
    case H7_EV_DMA_TRANSFER_ERROR:
        jint(&j, "dma", e->u.dmaerr.dma);
        jint(&j, "stream", e->u.dmaerr.stream);
        jnum(&j, "addr", e->u.dmaerr.addr);
        jbool(&j, "write", e->u.dmaerr.write);
        jstr(&j, "area", e->u.dmaerr.area);
        break;
    case H7_EV_DCACHE_STALE:
        jbool(&j, "cpu_read", e->u.stale.cpu_read);
        jstr(&j, "master", e->u.stale.master);
        jnum(&j, "addr", e->u.stale.addr);
        break;
    case H7_EV_MPU_AFTER_CACHE: jnum(&j, "reg", e->u.mpu.reg); jnum(&j, "value", e->u.mpu.value); break;
    case H7_EV_CLOCK_OFF_ACCESS:
        jstr(&j, "window", e->u.clkoff.window);
        jbool(&j, "write", e->u.clkoff.write);
        break;
    case H7_EV_CORE_BOOT: jnum(&j, "vtor", e->u.boot.boot); jnum(&j, "sp", e->u.boot.sp); break;
    case H7_EV_CORE_RELEASED: jnum(&j, "addr", e->u.released.addr); break;
    case H7_EV_CORE_CSTOP: jbool(&j, "enter", e->u.cstop.enter); break;
    case H7_EV_POWER_ON: jbool(&j, "boot0", e->u.por.boot0); break;
    case H7_EV_SYSTEM_RESET:
        jbool(&j, "software", e->u.sysreset.software);
        if (e->u.sysreset.software)
            jstr(&j, "source", h7_core_name(e->core));
        break;
    case H7_EV_RULE: jstr(&j, "rule", e->u.rule.id); break;
    default: break;
    }
    jraw(&j, "}");
}

/* ------------------------------------------------------------------ bus */

bool h7_ev_subscribe(h7_ev_bus *bus, uint64_t kinds_mask, h7_ev_fn fn, void *ctx)
{
    if (bus->nsubs >= H7_EV_MAX_SUBS)
        return false;
    bus->subs[bus->nsubs++] = (h7_ev_sub){kinds_mask, fn, ctx};
    return true;
}

void h7_ev_unsubscribe(h7_ev_bus *bus, h7_ev_fn fn, void *ctx)
{
    for (unsigned i = 0; i < bus->nsubs; i++)
        if (bus->subs[i].fn == fn && bus->subs[i].ctx == ctx) {
            memmove(&bus->subs[i], &bus->subs[i + 1], (bus->nsubs - i - 1) * sizeof bus->subs[0]);
            bus->nsubs--;
            return;
        }
}

void h7_ev_publish(const h7_ev_bus *bus, const h7_ev *e)
{
    uint64_t bit = H7_EV_BIT(e->kind);
    for (unsigned i = 0; i < bus->nsubs; i++)
        if (bus->subs[i].kinds & bit)
            bus->subs[i].fn(bus->subs[i].ctx, e);
}

/* The STM32H755 SoC: models, window table, clock gating and the glue between models.
 * Window list: every peripheral of ST's SVD (h755_windows.c); the modelled ones are bound to their
 * model, the rest are table-driven from the SVD register list (svdreg.c, h755_regs.c): reset
 * values, stored writes, each register logged once as unmodelled. */
#include "soc.h"

#include "h755_windows.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

h7_time_ps h7_soc_now(const h7_soc *soc)
{
    return soc->ops.now ? soc->ops.now(soc->host) : 0;
}

void h7_soc_emit(h7_soc *soc, const h7_ev *e)
{
    if (soc->ops.event)
        soc->ops.event(soc->host, e);
}

void h7_soc_trace(h7_soc *soc, const char *src, const char *fmt, ...)
{
    if (!soc->ops.event)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    h7_soc_emit(soc, &(h7_ev){.kind = H7_EV_NOTE, .src = src, .text = buf});
}

void h7_soc_log(h7_soc *soc, h7_log_kind kind, const char *periph, const char *fmt, ...)
{
    if (!soc->ops.log)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    soc->ops.log(soc->host, kind, periph, buf);
}

/* Binding of a modelled window: model callbacks and the RCC enable bit that clocks it
 * (RM0399 §9.7 RCC_AHB4ENR / APB1LENR / APB4ENR). PWR, RCC, EXTI, FLASH and DBGMCU have no
 * enable bit: always clocked. */
typedef struct binding {
    const char *name;
    h7_read_fn read;
    h7_write_fn write;
    h7_stable_fn stable;
    size_t dev_offset;   /* offsetof the model inside h7_soc */
    int clk_reg;
    int clk_bit;
} binding;

#define BIND(nm, fn, field, reg, bit) {nm, h7_##fn##_read, h7_##fn##_write, NULL, offsetof(h7_soc, field), reg, bit}
/* A model that declares registers stable until an event (h7_stable_fn). */
#define BIND_STABLE(nm, fn, field, reg, bit) \
    {nm, h7_##fn##_read, h7_##fn##_write, h7_##fn##_read_stable, offsetof(h7_soc, field), reg, bit}
static const binding bindings[] = {
    BIND_STABLE("PWR", pwr, pwr, -1, 0),
    BIND_STABLE("RCC", rcc, rcc, -1, 0),
    BIND("EXTI", exti, exti, -1, 0),
    BIND("Flash", flash, flash, -1, 0),
    BIND("DBGMCU", dbgmcu, dbgmcu, -1, 0),
    BIND_STABLE("HSEM", hsem, hsem, H7_RCC_EN_AHB4, 25),
    BIND("SYSCFG", syscfg, syscfg, H7_RCC_EN_APB4, 1),
    BIND_STABLE("USART1", usart, uart[0], H7_RCC_EN_APB2, 4),
    BIND_STABLE("USART2", usart, uart[1], H7_RCC_EN_APB1L, 17),
    BIND_STABLE("USART3", usart, uart[2], H7_RCC_EN_APB1L, 18),
    BIND_STABLE("UART4", usart, uart[3], H7_RCC_EN_APB1L, 19),
    BIND_STABLE("UART5", usart, uart[4], H7_RCC_EN_APB1L, 20),
    BIND_STABLE("USART6", usart, uart[5], H7_RCC_EN_APB2, 5),
    BIND_STABLE("UART7", usart, uart[6], H7_RCC_EN_APB1L, 30),
    BIND_STABLE("UART8", usart, uart[7], H7_RCC_EN_APB1L, 31),
    BIND_STABLE("LPUART1", usart, uart[8], H7_RCC_EN_APB4, 3),
    BIND("ART", art, art, H7_RCC_EN_AHB1, 14),
    BIND("RTC", rtc, rtc, -1, 0),
    BIND("LPTIM1", lptim, lptim[0], H7_RCC_EN_APB1L, 9),
    BIND("LPTIM2", lptim, lptim[1], H7_RCC_EN_APB4, 9),
    BIND("LPTIM3", lptim, lptim[2], H7_RCC_EN_APB4, 10),
    BIND("LPTIM4", lptim, lptim[3], H7_RCC_EN_APB4, 11),
    BIND("LPTIM5", lptim, lptim[4], H7_RCC_EN_APB4, 12),
    BIND("WWDG1", wwdg, wwdg[0], H7_RCC_EN_APB3, 6),
    BIND("WWDG2", wwdg, wwdg[1], H7_RCC_EN_APB1L, 11),
    BIND("IWDG1", iwdg, iwdg[0], -1, 0),
    BIND("IWDG2", iwdg, iwdg[1], -1, 0),
    BIND("TIM1", tim, tim[H7_TIM1], H7_RCC_EN_APB2, 0),
    BIND("TIM2", tim, tim[H7_TIM2], H7_RCC_EN_APB1L, 0),
    BIND("TIM3", tim, tim[H7_TIM3], H7_RCC_EN_APB1L, 1),
    BIND("TIM4", tim, tim[H7_TIM4], H7_RCC_EN_APB1L, 2),
    BIND("TIM5", tim, tim[H7_TIM5], H7_RCC_EN_APB1L, 3),
    BIND("TIM6", tim, tim[H7_TIM6], H7_RCC_EN_APB1L, 4),
    BIND("TIM7", tim, tim[H7_TIM7], H7_RCC_EN_APB1L, 5),
    BIND("TIM8", tim, tim[H7_TIM8], H7_RCC_EN_APB2, 1),
    BIND("TIM12", tim, tim[H7_TIM12], H7_RCC_EN_APB1L, 6),
    BIND("TIM13", tim, tim[H7_TIM13], H7_RCC_EN_APB1L, 7),
    BIND("TIM14", tim, tim[H7_TIM14], H7_RCC_EN_APB1L, 8),
    BIND("TIM15", tim, tim[H7_TIM15], H7_RCC_EN_APB2, 16),
    BIND("TIM16", tim, tim[H7_TIM16], H7_RCC_EN_APB2, 17),
    BIND("TIM17", tim, tim[H7_TIM17], H7_RCC_EN_APB2, 18),
    BIND("DMA1", dma, dma1, H7_RCC_EN_AHB1, 0),
    BIND("DMA2", dma, dma2, H7_RCC_EN_AHB1, 1),
    BIND("DMAMUX1", dmamux, dmamux, -1, 0),
    BIND("DMAMUX2", dmamux, dmamux2, -1, 0),
    BIND("BDMA", bdma, bdma, H7_RCC_EN_AHB4, 21),
    BIND("MDMA", mdma, mdma, H7_RCC_EN_AHB3, 0),
    BIND_STABLE("ADC1", adc, adc[0], H7_RCC_EN_AHB1, 5),
    BIND_STABLE("ADC2", adc, adc[1], H7_RCC_EN_AHB1, 5),
    BIND("ADC12_Common", adc_common, adc_common[0], H7_RCC_EN_AHB1, 5),
    BIND_STABLE("ADC3", adc, adc[2], H7_RCC_EN_AHB4, 24),
    BIND("ADC3_Common", adc_common, adc_common[1], H7_RCC_EN_AHB4, 24),
    BIND_STABLE("OTG1_HS_GLOBAL", otg_glb, otg[0], H7_RCC_EN_AHB1, 25),
    BIND("OTG1_HS_HOST", otg_host, otg[0], H7_RCC_EN_AHB1, 25),
    BIND("OTG1_HS_DEVICE", otg_dev, otg[0], H7_RCC_EN_AHB1, 25),
    BIND("OTG1_HS_PWRCLK", otg_pwr, otg[0], H7_RCC_EN_AHB1, 25),
    BIND_STABLE("OTG2_HS_GLOBAL", otg_glb, otg[1], H7_RCC_EN_AHB1, 27),
    BIND("OTG2_HS_HOST", otg_host, otg[1], H7_RCC_EN_AHB1, 27),
    BIND("OTG2_HS_DEVICE", otg_dev, otg[1], H7_RCC_EN_AHB1, 27),
    BIND("OTG2_HS_PWRCLK", otg_pwr, otg[1], H7_RCC_EN_AHB1, 27),
    BIND_STABLE("Ethernet_MAC", eth, eth, H7_RCC_EN_AHB1, 15),
    BIND("RNG", rng, rng, H7_RCC_EN_AHB2, 6),
    BIND("CRC", crc, crc, H7_RCC_EN_AHB4, 19),
    BIND("GPIOA", gpio, gpio[0], H7_RCC_EN_AHB4, 0),
    BIND("GPIOB", gpio, gpio[1], H7_RCC_EN_AHB4, 1),
    BIND("GPIOC", gpio, gpio[2], H7_RCC_EN_AHB4, 2),
    BIND("GPIOD", gpio, gpio[3], H7_RCC_EN_AHB4, 3),
    BIND("GPIOE", gpio, gpio[4], H7_RCC_EN_AHB4, 4),
    BIND("GPIOF", gpio, gpio[5], H7_RCC_EN_AHB4, 5),
    BIND("GPIOG", gpio, gpio[6], H7_RCC_EN_AHB4, 6),
    BIND("GPIOH", gpio, gpio[7], H7_RCC_EN_AHB4, 7),
    BIND("GPIOI", gpio, gpio[8], H7_RCC_EN_AHB4, 8),
    BIND("GPIOJ", gpio, gpio[9], H7_RCC_EN_AHB4, 9),
    BIND("GPIOK", gpio, gpio[10], H7_RCC_EN_AHB4, 10),
};

static void build_windows(h7_soc *soc)
{
    soc->nwindows = h7_h755_window_count;
    soc->windows = calloc(soc->nwindows, sizeof *soc->windows);
    soc->clock_off_traced = calloc(soc->nwindows, sizeof *soc->clock_off_traced);
    soc->tables = calloc(soc->nwindows, sizeof *soc->tables);
    if (!soc->windows || !soc->clock_off_traced || !soc->tables) {
        fprintf(stderr, "h7emu: out of memory\n");
        exit(70);
    }
    for (size_t i = 0; i < soc->nwindows; i++) {
        h7_window *w = &soc->windows[i];
        w->name = h7_h755_windows[i].name;
        w->base = h7_h755_windows[i].base;
        w->size = h7_h755_windows[i].size;
        w->clk_reg = -1;
        h7_svdreg_init(&soc->tables[i], soc, w->name);
        w->read = h7_svdreg_read;   /* no behavioural model: the SVD table answers */
        w->write = h7_svdreg_write;
        w->dev = &soc->tables[i];
        for (size_t b = 0; b < sizeof bindings / sizeof bindings[0]; b++) {
            if (strcmp(bindings[b].name, w->name) == 0) {
                w->read = bindings[b].read;
                w->write = bindings[b].write;
                w->stable = bindings[b].stable;
                w->dev = (char *)soc + bindings[b].dev_offset;
                w->clk_reg = bindings[b].clk_reg;
                w->clk_bit = bindings[b].clk_bit;
            }
        }
    }
}

void h7_soc_init(h7_soc *soc, const h7_host_ops *ops, void *host, h7_sched *sched,
                 const h7_soc_config *cfg)
{
    memset(soc, 0, sizeof *soc);
    soc->ops = *ops;
    soc->host = host;
    soc->sched = sched;
    soc->cfg = *cfg;
    h7_rcc_init(&soc->rcc, soc);
    h7_pwr_init(&soc->pwr, soc);
    h7_hsem_init(&soc->hsem, soc);
    h7_flash_init(&soc->flash, soc, cfg->flash_mem);
    h7_syscfg_init(&soc->syscfg, soc);
    h7_exti_init(&soc->exti, soc);
    h7_dbgmcu_init(&soc->dbgmcu, soc);
    for (int p = 0; p < H7_GPIO_PORTS; p++)
        h7_gpio_init(&soc->gpio[p], soc, p);
    for (int u = 1; u <= H7_NUARTS; u++)
        h7_usart_init(&soc->uart[u - 1], soc, u);
    h7_art_init(&soc->art, soc);
    for (int t = 0; t < H7_TIM_COUNT; t++)
        h7_tim_init(&soc->tim[t], soc, (h7_tim_id)t);
    h7_rtc_init(&soc->rtc, soc);
    h7_wwdg_init(&soc->wwdg[0], soc, 1);
    for (int i = 0; i < H7_LPTIM_COUNT; i++)
        h7_lptim_init(&soc->lptim[i], soc, i + 1);
    h7_wwdg_init(&soc->wwdg[1], soc, 2);
    h7_iwdg_init(&soc->iwdg[0], soc, 1);
    h7_iwdg_init(&soc->iwdg[1], soc, 2);
    h7_dmamux_init(&soc->dmamux, soc, 1);
    h7_dmamux_init(&soc->dmamux2, soc, 2);
    h7_tim_set_dma_hook(soc, h7_dmamux_timer_request, soc);   /* timer DMA requests -> DMAMUX1 */
    h7_bdma_init(&soc->bdma, soc);
    h7_mdma_init(&soc->mdma, soc);
    h7_dma_init(&soc->dma1, soc, 1);
    h7_dma_init(&soc->dma2, soc, 2);
    for (int i = 0; i < 3; i++)
        h7_adc_init(&soc->adc[i], soc, i + 1, &soc->adc_common[i == 2]);
    h7_adc_common_init(&soc->adc_common[0], soc, 12, &soc->adc[0], &soc->adc[1]);
    h7_adc_common_init(&soc->adc_common[1], soc, 3, &soc->adc[2], NULL);
    h7_otg_init(&soc->otg[0], soc, 1);
    h7_otg_init(&soc->otg[1], soc, 2);
    h7_eth_init(&soc->eth, soc);
    h7_rng_init(&soc->rng, soc);
    h7_crc_init(&soc->crc, soc);
    build_windows(soc);
}

void h7_soc_free(h7_soc *soc)
{
    for (size_t i = 0; soc->tables && i < soc->nwindows; i++)
        h7_svdreg_free(&soc->tables[i]);
    free(soc->tables);
    soc->tables = NULL;
    free(soc->windows);
    free(soc->clock_off_traced);
    soc->windows = NULL;
    soc->clock_off_traced = NULL;
    soc->nwindows = 0;
}

void h7_soc_reset(h7_soc *soc, h7_reset_kind kind)
{
    if (soc->clock_off_traced)
        for (size_t i = 0; i < soc->nwindows; i++)
            soc->clock_off_traced[i] = false;
    if (soc->tables)
        for (size_t i = 0; i < soc->nwindows; i++)
            h7_svdreg_reset(&soc->tables[i]);
    soc->cpu_cstop[H7_CM7] = soc->cpu_cstop[H7_CM4] = false;
    /* RCC first: the other models ask it for clocks and allocations while resetting. */
    h7_rcc_reset(&soc->rcc, kind);
    h7_pwr_reset(&soc->pwr, kind);
    h7_flash_reset(&soc->flash, kind);
    h7_syscfg_reset(&soc->syscfg, kind);
    h7_exti_reset(&soc->exti, kind);
    h7_hsem_reset(&soc->hsem, kind);
    h7_dbgmcu_reset(&soc->dbgmcu, kind);
    for (int p = 0; p < H7_GPIO_PORTS; p++)
        h7_gpio_reset(&soc->gpio[p], kind);
    h7_dmamux_reset(&soc->dmamux, kind);
    h7_dmamux_reset(&soc->dmamux2, kind);
    h7_dma_reset(&soc->dma1, kind);
    h7_bdma_reset(&soc->bdma, kind);
    h7_mdma_reset(&soc->mdma, kind);
    h7_dma_reset(&soc->dma2, kind);
    for (int u = 0; u < H7_NUARTS; u++)
        h7_usart_reset(&soc->uart[u], kind);
    h7_art_reset(&soc->art, kind);
    for (int t = 0; t < H7_TIM_COUNT; t++)
        h7_tim_reset(&soc->tim[t], kind);
    h7_rtc_reset(&soc->rtc, kind);
    h7_wwdg_reset(&soc->wwdg[0], kind);
    for (int i = 0; i < H7_LPTIM_COUNT; i++)
        h7_lptim_reset(&soc->lptim[i], kind);
    h7_wwdg_reset(&soc->wwdg[1], kind);
    h7_iwdg_reset(&soc->iwdg[0], kind);
    h7_iwdg_reset(&soc->iwdg[1], kind);
    for (int i = 0; i < 2; i++)
        h7_adc_common_reset(&soc->adc_common[i], kind);
    for (int i = 0; i < 3; i++)
        h7_adc_reset(&soc->adc[i], kind);
    for (int i = 0; i < 2; i++)
        h7_otg_reset(&soc->otg[i], kind);
    h7_eth_reset(&soc->eth, kind);
    h7_rng_reset(&soc->rng, kind);
    h7_crc_reset(&soc->crc, kind);
    h7_soc_debug_halt_changed(soc);   /* a power-on clears the DBGMCU freeze bits: re-evaluate */
}

void h7_soc_debug_halt_changed(h7_soc *soc)
{
    h7_tim_debug_halt_changed(soc);
    h7_rtc_debug_halt_changed(&soc->rtc);
    for (int i = 0; i < H7_LPTIM_COUNT; i++)
        h7_lptim_debug_halt_changed(&soc->lptim[i]);
    for (int i = 0; i < 2; i++) {
        h7_iwdg_debug_halt_changed(&soc->iwdg[i]);
        h7_wwdg_debug_halt_changed(&soc->wwdg[i]);
    }
}

h7_usart *h7_soc_uart(h7_soc *soc, int n)
{
    return n >= 1 && n <= H7_NUARTS ? &soc->uart[n - 1] : NULL;
}

/* RCC_AHB3RSTR (0x07C): MDMA b0; AHB1RSTR (0x080): DMA1 b0, DMA2 b1; AHB4RSTR (0x088): BDMA b21; APB1LRSTR (0x090), APB2RSTR (0x098), APB4RSTR (0x09C):
 * the U(S)ART bits of h7_usart_infos (RM0399 §9.7.x). DMAMUX1 is reset with DMA1 (Decision: it
 * has no reset bit of its own in RM0399 §9.7). */
void h7_soc_peripheral_reset(h7_soc *soc, uint32_t rstr_offset, uint32_t rising)
{
    static const struct { uint32_t off; int reg; } rstr[] = {
        {0x07Cu, H7_RCC_EN_AHB3}, {0x080u, H7_RCC_EN_AHB1}, {0x088u, H7_RCC_EN_AHB4}, {0x090u, H7_RCC_EN_APB1L}, {0x098u, H7_RCC_EN_APB2},
        {0x09Cu, H7_RCC_EN_APB4},
    };
    int reg = -1;
    for (size_t i = 0; i < sizeof rstr / sizeof rstr[0]; i++)
        if (rstr[i].off == rstr_offset)
            reg = rstr[i].reg;
    if (reg < 0 || !rising)
        return;
    if (reg == H7_RCC_EN_AHB1 && (rising & 1u)) {
        h7_dmamux_reset(&soc->dmamux, H7_RESET_SYSTEM);
        h7_dma_reset(&soc->dma1, H7_RESET_SYSTEM);
    }
    if (reg == H7_RCC_EN_AHB1 && (rising & 2u))
        h7_dma_reset(&soc->dma2, H7_RESET_SYSTEM);
    if (reg == H7_RCC_EN_AHB3 && (rising & 1u))   /* AHB3RSTR.MDMARST */
        h7_mdma_reset(&soc->mdma, H7_RESET_SYSTEM);
    if (reg == H7_RCC_EN_AHB4 && (rising & (1u << 21))) {   /* BDMARST (DMAMUX2 with it) */
        h7_dmamux_reset(&soc->dmamux2, H7_RESET_SYSTEM);
        h7_bdma_reset(&soc->bdma, H7_RESET_SYSTEM);
    }
    for (int u = 1; u <= H7_NUARTS; u++)
        if (h7_usart_infos[u].clk_reg == reg && (rising & (1u << h7_usart_infos[u].clk_bit)))
            h7_usart_reset(&soc->uart[u - 1], H7_RESET_SYSTEM);
}

bool h7_soc_bus_access(h7_soc *soc, h7_bus_master bm, uint32_t addr, uint8_t *buf, unsigned len, bool write)
{
    if (h7_bus_unreachable(bm, addr, len))
        return false;
    const h7_window *w = h7_soc_find_window(soc, addr);
    if (w) {
        uint32_t v = 0;
        if (write) {
            for (unsigned i = 0; i < len; i++)
                v |= (uint32_t)buf[i] << (8 * i);
            h7_soc_window_write(soc, w, addr - w->base, v, len, H7_MASTER_DMA);
        } else {
            v = h7_soc_window_read(soc, w, addr - w->base, len, H7_MASTER_DMA);
            for (unsigned i = 0; i < len; i++)
                buf[i] = (uint8_t)(v >> (8 * i));
        }
        return true;
    }
    if (write)
        return soc->ops.bus_write && soc->ops.bus_write(soc->host, bm, addr, buf, len);
    return soc->ops.bus_read && soc->ops.bus_read(soc->host, bm, addr, buf, len);
}

h7_svdreg *h7_soc_svdreg(h7_soc *soc, const char *window)
{
    for (size_t i = 0; soc->tables && i < soc->nwindows; i++)
        if (strcmp(soc->windows[i].name, window) == 0)
            return &soc->tables[i];
    return NULL;
}

const h7_window *h7_soc_find_window(const h7_soc *soc, uint32_t addr)
{
    size_t lo = 0, hi = soc->nwindows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const h7_window *w = &soc->windows[mid];
        if (addr < w->base)
            hi = mid;
        else if (addr - w->base >= w->size)
            lo = mid + 1;
        else
            return w;
    }
    return NULL;
}

static bool window_clocked(h7_soc *soc, const h7_window *w)
{
    return w->clk_reg < 0 || h7_rcc_clock_enabled(&soc->rcc, (h7_rcc_enreg)w->clk_reg, w->clk_bit);
}

/* The first access to a peripheral whose clock is off goes on the timeline (RM0399 §9.5.11: no
 * clock, no register access -- writes are lost, reads return 0); the rest only to the log. */
static void note_clock_off(h7_soc *soc, const h7_window *w, h7_master m, bool write)
{
    static const char *const enreg[] = {"AHB3ENR", "AHB1ENR", "AHB2ENR", "AHB4ENR", "APB3ENR", "APB1LENR",
                                        "APB1HENR", "APB2ENR", "APB4ENR"};
    size_t i = (size_t)(w - soc->windows);
    if (i < soc->nwindows && !soc->clock_off_traced[i]) {
        soc->clock_off_traced[i] = true;
        h7_soc_emit(soc, &(h7_ev){.kind = H7_EV_CLOCK_OFF_ACCESS, .by = m,
                                     .u.clkoff = {w->name, enreg[w->clk_reg], w->clk_bit, write}});
    }
}

/* D2 holds APB1, APB2, AHB1 and AHB2 (0x4000_0000-0x4802_3FFF, RM0399 §2.3). A CPU access there
 * while RCC_CR.D2CKRDY = 0 (D2 in DStop) is reported to the observers (rule D2-ACCESS-IN-DSTOP). */
static void check_d2_access(h7_soc *soc, const h7_window *w, uint32_t offset, h7_master m)
{
    if (m != H7_MASTER_CM7 && m != H7_MASTER_CM4)   /* a CPU rule: not the debugger, not a DMA */
        return;
    if (w->base >= 0x48024000u || soc->rcc.d2ckrdy)
        return;
    h7_ev e = {.kind = H7_EV_D2_ACCESS_IN_DSTOP, .by = m, .core = (h7_core_id)m,
                  .u.d2 = {w->name, w->base + offset}};
    h7_soc_emit(soc, &e);
}

bool h7_soc_read_is_stable(const h7_soc *soc, const h7_window *w, uint32_t offset)
{
    if (!w->stable || !w->stable(offset & ~3u))
        return false;
    if (w->base < 0x48024000u && !soc->rcc.d2ckrdy)
        return false;   /* each access is reported (check_d2_access) */
    return window_clocked((h7_soc *)soc, w);   /* an access with the clock off is logged */
}

uint32_t h7_soc_window_read(h7_soc *soc, const h7_window *w, uint32_t offset, unsigned size, h7_master m)
{
    check_d2_access(soc, w, offset, m);
    if (!w->read) {
        h7_soc_log(soc, H7_LOG_UNIMP, w->name, "%s read of %s+0x%03X (size %u) returns 0: not modelled",
                   h7_master_name(m), w->name, offset, size);
        return 0;
    }
    if (!window_clocked(soc, w)) {
        note_clock_off(soc, w, m, false);
        h7_soc_log(soc, H7_LOG_NOTE, w->name, "%s read of %s+0x%03X with its clock off reads 0",
                   h7_master_name(m), w->name, offset);
        return 0;
    }
    return w->read(w->dev, offset, size, m);
}

void h7_soc_window_write(h7_soc *soc, const h7_window *w, uint32_t offset, uint32_t value, unsigned size,
                         h7_master m)
{
    check_d2_access(soc, w, offset, m);
    if (!w->write) {
        h7_soc_log(soc, H7_LOG_UNIMP, w->name, "%s write of 0x%08X to %s+0x%03X (size %u) ignored: not modelled",
                   h7_master_name(m), value, w->name, offset, size);
        return;
    }
    if (!window_clocked(soc, w)) {
        note_clock_off(soc, w, m, true);
        h7_soc_log(soc, H7_LOG_NOTE, w->name, "%s write of 0x%08X to %s+0x%03X ignored: clock off",
                   h7_master_name(m), value, w->name, offset);
        return;
    }
    w->write(w->dev, offset, value, size, m);
}

bool h7_soc_read(h7_soc *soc, uint32_t addr, unsigned size, h7_master m, uint32_t *value)
{
    const h7_window *w = h7_soc_find_window(soc, addr);
    if (!w)
        return false;
    *value = h7_soc_window_read(soc, w, addr - w->base, size, m);
    return true;
}

bool h7_soc_write(h7_soc *soc, uint32_t addr, uint32_t value, unsigned size, h7_master m)
{
    const h7_window *w = h7_soc_find_window(soc, addr);
    if (!w)
        return false;
    h7_soc_window_write(soc, w, addr - w->base, value, size, m);
    return true;
}

void h7_soc_cpu_stop_changed(h7_soc *soc, h7_core_id core, bool cstop)
{
    if (soc->cpu_cstop[core] == cstop)
        return;
    soc->cpu_cstop[core] = cstop;
    h7_pwr_update_domains(&soc->pwr);
}

/* SEV: the Cortex-M TXEV of one core is wired to the RXEV of the other (RM0399 §21 EXTI Table 152:
 * line 79 = CM4 SEV -> CPU1, line 80 = CM7 SEV -> CPU2). Decision: the event reaches the other
 * core's event register directly (as TXEV->RXEV), and the EXTI line is pulsed as well so that
 * its interrupt (CM7_SEV_IRQn 64 / CM4_SEV_IRQn 65) pends as the RM describes. */
void h7_soc_cpu_sev(h7_soc *soc, h7_core_id core)
{
    h7_core_id other = core == H7_CM7 ? H7_CM4 : H7_CM7;
    if (soc->ops.send_event)
        soc->ops.send_event(soc->host, other);
    h7_exti_pulse_line(&soc->exti, core == H7_CM7 ? 80 : 79);
}

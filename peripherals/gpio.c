/* General-purpose I/O (RM0399 ch.12; facts §6.5).
 *
 * Trace text: "gpio: P<port><pin> high" / "gpio: P<port><pin> low" when an output pin's level
 * changes (MODER = 01 output, or an output being switched on with its ODR level).
 *
 * Decisions (docs/models.md): an input pin reads its external level if one is driven, else its
 * pull (pull-up 1, pull-down/none 0); alternate-function and analog pins read 0. The LCKR key
 * sequence (LCKK 1, 0, 1, read) freezes the locked pins' configuration until reset. */
#include "gpio.h"

#include "soc.h"

const h7_regdesc h7_gpio_regs[] = {
    {A_GPIO_MODER, "GPIOx_MODER", 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {A_GPIO_OTYPER, "GPIOx_OTYPER", 0, 0x0000FFFFu, 0, 0, 0},
    {A_GPIO_OSPEEDR, "GPIOx_OSPEEDR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_GPIO_PUPDR, "GPIOx_PUPDR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_GPIO_IDR, "GPIOx_IDR", 0, 0, 0, 0x0000FFFFu, 0},
    {A_GPIO_ODR, "GPIOx_ODR", 0, 0x0000FFFFu, 0, 0, 0},
    {A_GPIO_BSRR, "GPIOx_BSRR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_GPIO_LCKR, "GPIOx_LCKR", 0, 0x0001FFFFu, 0, 0, 0},
    {A_GPIO_AFRL, "GPIOx_AFRL", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_GPIO_AFRH, "GPIOx_AFRH", 0, 0xFFFFFFFFu, 0, 0, 0},
};
const size_t h7_gpio_nregs = sizeof h7_gpio_regs / sizeof h7_gpio_regs[0];

/* Reset values differ for ports A and B (debug pins, RM0399 §12.4). */
static void reset_values(int port, uint32_t *moder, uint32_t *ospeedr, uint32_t *pupdr)
{
    *moder = port == 0 ? 0xABFFFFFFu : port == 1 ? 0xFFFFFEBFu : 0xFFFFFFFFu;
    *ospeedr = port == 0 ? 0x0C000000u : port == 1 ? 0x000000C0u : 0;
    *pupdr = port == 0 ? 0x64000000u : port == 1 ? 0x00000100u : 0;
}

static unsigned pin_mode(const h7_gpio *s, int pin) { return (s->moder >> (2 * pin)) & 3u; }

bool h7_gpio_pin_level(const h7_gpio *s, int pin)
{
    switch (pin_mode(s, pin)) {
    case 1: return (s->odr >> pin) & 1u;
    case 0:
        if ((s->input_driven >> pin) & 1u)
            return (s->input >> pin) & 1u;
        return ((s->pupdr >> (2 * pin)) & 3u) == 1u;
    default: return false;
    }
}

static uint16_t output_levels(const h7_gpio *s)
{
    uint16_t v = 0;
    for (int pin = 0; pin < 16; pin++)
        if (pin_mode(s, pin) == 1 && ((s->odr >> pin) & 1u))
            v |= (uint16_t)(1u << pin);
    return v;
}

static uint16_t output_pins(const h7_gpio *s)
{
    uint16_t v = 0;
    for (int pin = 0; pin < 16; pin++)
        if (pin_mode(s, pin) == 1)
            v |= (uint16_t)(1u << pin);
    return v;
}

/* Report every output pin whose level changed (in pin order: deterministic). */
static void report_pins(h7_gpio *s, uint16_t was_output)
{
    uint16_t now = output_levels(s), outs = output_pins(s);
    for (int pin = 0; pin < 16; pin++) {
        uint16_t b = (uint16_t)(1u << pin);
        if (!(outs & b))
            continue;
        if (((now ^ s->out_level) & b) || !(was_output & b))
            h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_GPIO_PIN, .u.pin = {s->port, pin, (now & b) != 0}});
    }
    s->out_level = now;
}

void h7_gpio_init(h7_gpio *s, struct h7_soc *soc, int port)
{
    *s = (h7_gpio){0};
    s->soc = soc;
    s->port = port;
}

void h7_gpio_reset(h7_gpio *s, h7_reset_kind kind)
{
    reset_values(s->port, &s->moder, &s->ospeedr, &s->pupdr);
    s->otyper = s->odr = s->lckr = s->afr[0] = s->afr[1] = 0;
    s->out_level = 0;
    s->lock_step = 0;
    s->locked = false;
}

void h7_gpio_set_input(h7_gpio *s, int pin, bool level)
{
    if (pin < 0 || pin > 15)
        return;
    bool old = h7_gpio_pin_level(s, pin);
    s->input_driven |= (uint16_t)(1u << pin);
    s->input = level ? (uint16_t)(s->input | (1u << pin)) : (uint16_t)(s->input & ~(1u << pin));
    bool now = h7_gpio_pin_level(s, pin);
    /* EXTI lines 0..15 take the pin selected by SYSCFG_EXTICRx (RM0399 §13.3.3). */
    unsigned sel = (s->soc->syscfg.exticr[pin / 4] >> (4 * (pin % 4))) & 0xFu;
    if (sel == (unsigned)s->port && old != now)
        h7_exti_set_line(&s->soc->exti, pin, now);
}

static uint32_t idr(const h7_gpio *s)
{
    uint32_t v = 0;
    for (int pin = 0; pin < 16; pin++)
        if (h7_gpio_pin_level(s, pin))
            v |= 1u << pin;
    return v;
}

uint32_t h7_gpio_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_gpio *s = dev;
    uint32_t v;
    switch (offset & ~3u) {
    case A_GPIO_MODER: v = s->moder; break;
    case A_GPIO_OTYPER: v = s->otyper; break;
    case A_GPIO_OSPEEDR: v = s->ospeedr; break;
    case A_GPIO_PUPDR: v = s->pupdr; break;
    case A_GPIO_IDR: v = idr(s); break;
    case A_GPIO_ODR: v = s->odr; break;
    case A_GPIO_BSRR: v = 0; break;   /* write-only */
    case A_GPIO_LCKR:
        v = s->lckr;
        if (s->lock_step == 3) {   /* the read that completes the key sequence */
            s->locked = true;
            s->lock_step = 0;
        }
        break;
    case A_GPIO_AFRL: v = s->afr[0]; break;
    case A_GPIO_AFRH: v = s->afr[1]; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "GPIO", "%s read of GPIO%c+0x%03X: no register there", h7_master_name(m),
                   'A' + s->port, offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

/* Locked pins keep MODER/OTYPER/OSPEEDR/PUPDR/AFR (RM0399 §12.4.8). */
static uint32_t keep_locked(const h7_gpio *s, uint32_t old, uint32_t v, int bits_per_pin, int first_pin)
{
    if (!s->locked)
        return v;
    for (int i = 0; i < 32 / bits_per_pin; i++) {
        int pin = first_pin + i;
        if (pin < 16 && ((s->lckr >> pin) & 1u)) {
            uint32_t mask = ((1u << bits_per_pin) - 1u) << (i * bits_per_pin);
            v = (v & ~mask) | (old & mask);
        }
    }
    return v;
}

static void write_lckr(h7_gpio *s, uint32_t v)
{
    if (s->locked)
        return;
    /* Key sequence: write LCKK=1, write LCKK=0, write LCKK=1 (same LCK[15:0]), read. */
    bool k = v & R_GPIO_LCKR_LCKK_MASK;
    if (s->lock_step == 0 && k)
        s->lock_step = 1;
    else if (s->lock_step == 1 && !k && (v & 0xFFFFu) == (s->lckr & 0xFFFFu))
        s->lock_step = 2;
    else if (s->lock_step == 2 && k && (v & 0xFFFFu) == (s->lckr & 0xFFFFu))
        s->lock_step = 3;
    else
        s->lock_step = k ? 1 : 0;
    s->lckr = v & 0x1FFFFu;
    if (s->lock_step != 3 && !s->locked)
        s->lckr &= 0xFFFFu;   /* LCKK reads 1 only once the port is locked */
    if (s->lock_step == 3)
        s->lckr |= R_GPIO_LCKR_LCKK_MASK;
}

void h7_gpio_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_gpio *s = dev;
    uint32_t off = offset & ~3u;
    uint16_t was_output = output_pins(s);
    if (off == A_GPIO_BSRR) {
        /* Set bits win over reset bits (RM0399 §12.4.7); a narrow access hits its lanes only. */
        uint32_t v = size >= 4 ? value : (value & ((1u << (size * 8u)) - 1u)) << ((offset & 3u) * 8u);
        s->odr = (s->odr & ~(v >> 16)) | (v & 0xFFFFu);
        report_pins(s, was_output);
        return;
    }
    uint32_t *p;
    int bpp = 2, first = 0;
    switch (off) {
    case A_GPIO_MODER: p = &s->moder; break;
    case A_GPIO_OTYPER: p = &s->otyper; bpp = 1; break;
    case A_GPIO_OSPEEDR: p = &s->ospeedr; break;
    case A_GPIO_PUPDR: p = &s->pupdr; break;
    case A_GPIO_ODR: p = &s->odr; bpp = 0; break;
    case A_GPIO_LCKR: write_lckr(s, h7_subword_merge(s->lckr, offset, size, value)); return;
    case A_GPIO_AFRL: p = &s->afr[0]; bpp = 4; break;
    case A_GPIO_AFRH: p = &s->afr[1]; bpp = 4; first = 8; break;
    case A_GPIO_IDR:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "GPIO", "%s write to read-only GPIO%c_IDR ignored", h7_master_name(m), 'A' + s->port);
        return;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "GPIO", "%s write of 0x%08X to GPIO%c+0x%03X ignored: no register there",
                   h7_master_name(m), value, 'A' + s->port, offset);
        return;
    }
    uint32_t old = *p, v = h7_subword_merge(old, offset, size, value);
    if (off == A_GPIO_OTYPER || off == A_GPIO_ODR)
        v &= 0xFFFFu;
    *p = bpp ? keep_locked(s, old, v, bpp, first) : v;
    if (off == A_GPIO_MODER || off == A_GPIO_ODR)
        report_pins(s, was_output);
}

/* General-purpose I/O ports A..K (RM0399 ch.12; facts §6.5): mode/type/speed/pull registers, ODR,
 * BSRR, IDR, lock, alternate functions; output pin changes are timeline events. */
#ifndef H7_GPIO_H
#define H7_GPIO_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(GPIO_MODER, 0x00)
H7_REG32(GPIO_OTYPER, 0x04)
H7_REG32(GPIO_OSPEEDR, 0x08)
H7_REG32(GPIO_PUPDR, 0x0C)
H7_REG32(GPIO_IDR, 0x10)
H7_REG32(GPIO_ODR, 0x14)
H7_REG32(GPIO_BSRR, 0x18)
H7_REG32(GPIO_LCKR, 0x1C)
    H7_FIELD(GPIO_LCKR, LCKK, 16, 1)
H7_REG32(GPIO_AFRL, 0x20)
H7_REG32(GPIO_AFRH, 0x24)

#define H7_GPIO_PORTS 11   /* A..K */

extern const h7_regdesc h7_gpio_regs[];
extern const size_t h7_gpio_nregs;

struct h7_soc;
typedef struct h7_gpio {
    struct h7_soc *soc;
    int port;                 /* 0 = A */
    uint32_t moder, otyper, ospeedr, pupdr, odr, lckr, afr[2];
    uint16_t input;           /* levels driven from outside (board, scenario) */
    uint16_t input_driven;    /* which pins have an external driver */
    uint16_t out_level;       /* last reported output levels */
    uint16_t af_driven;       /* alternate-function pins a peripheral output drives (a timer channel) */
    uint16_t af_level;        /* ... and their levels */
    int lock_step;            /* LCKR key sequence position */
    bool locked;
} h7_gpio;

void h7_gpio_init(h7_gpio *s, struct h7_soc *soc, int port);
void h7_gpio_reset(h7_gpio *s, h7_reset_kind kind);
uint32_t h7_gpio_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_gpio_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* An external level on a pin (a button, a scenario input); also feeds EXTI lines 0..15. */
void h7_gpio_set_input(h7_gpio *s, int pin, bool level);
/* A peripheral output (a timer channel) drives pin `pin` in alternate-function mode (driven =
 * false: nothing drives it any more). Level changes are reported like an output pin's. */
void h7_gpio_set_af_output(h7_gpio *s, int pin, bool driven, bool level);
/* Current level of a pin as seen on IDR. */
bool h7_gpio_pin_level(const h7_gpio *s, int pin);

#endif

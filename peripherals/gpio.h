/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_GPIO_H
#define H7_GPIO_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
#define H7_GPIO_PORTS 11   /* A..K */
typedef struct h7_gpio { struct h7_soc *soc; int port; uint32_t regs[16]; } h7_gpio;

void h7_gpio_init(h7_gpio *s, struct h7_soc *soc, int port);
void h7_gpio_reset(h7_gpio *s, h7_reset_kind kind);
uint32_t h7_gpio_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_gpio_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

#endif

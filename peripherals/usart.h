/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_USART_H
#define H7_USART_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
typedef struct h7_usart { struct h7_soc *soc; int index; uint32_t regs[16]; } h7_usart;

void h7_usart_init(h7_usart *s, struct h7_soc *soc, int index);
void h7_usart_reset(h7_usart *s, h7_reset_kind kind);
uint32_t h7_usart_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_usart_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* A byte arriving on RX (from a scenario). */
void h7_usart_rx(h7_usart *u, uint8_t byte);

#endif

/* STUB: to be replaced by the real model (issue #3). */
#include "soc.h"

void h7_usart_init(h7_usart *s, struct h7_soc *soc, int index)
{
    *s = (h7_usart){0};
    s->soc = soc;
    s->index = index;
}
void h7_usart_reset(h7_usart *s, h7_reset_kind kind)
{
    for (size_t i = 0; i < sizeof s->regs / sizeof s->regs[0]; i++)
        s->regs[i] = 0;
}
uint32_t h7_usart_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_usart *s = dev;
    uint32_t i = offset / 4;
    return i < sizeof s->regs / sizeof s->regs[0] ? h7_subword_read(s->regs[i], offset, size) : 0;
}
void h7_usart_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_usart *s = dev;
    uint32_t i = offset / 4;
    if (i < sizeof s->regs / sizeof s->regs[0])
        s->regs[i] = h7_subword_merge(s->regs[i], offset, size, value);
}
void h7_usart_rx(h7_usart *u, uint8_t byte) {}

/* STUB: to be replaced by the real model (issue #3). */
#include "soc.h"

void h7_syscfg_init(h7_syscfg *s, struct h7_soc *soc)
{
    *s = (h7_syscfg){0};
    s->soc = soc;

}
void h7_syscfg_reset(h7_syscfg *s, h7_reset_kind kind)
{
    for (size_t i = 0; i < sizeof s->regs / sizeof s->regs[0]; i++)
        s->regs[i] = 0;
}
uint32_t h7_syscfg_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_syscfg *s = dev;
    uint32_t i = offset / 4;
    return i < sizeof s->regs / sizeof s->regs[0] ? h7_subword_read(s->regs[i], offset, size) : 0;
}
void h7_syscfg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_syscfg *s = dev;
    uint32_t i = offset / 4;
    if (i < sizeof s->regs / sizeof s->regs[0])
        s->regs[i] = h7_subword_merge(s->regs[i], offset, size, value);
}


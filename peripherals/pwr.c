/* STUB: to be replaced by the real model (issue #3). */
#include "soc.h"

void h7_pwr_init(h7_pwr *s, struct h7_soc *soc)
{
    *s = (h7_pwr){0};
    s->soc = soc;

}
void h7_pwr_reset(h7_pwr *s, h7_reset_kind kind)
{
    for (size_t i = 0; i < sizeof s->regs / sizeof s->regs[0]; i++)
        s->regs[i] = 0;
}
uint32_t h7_pwr_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_pwr *s = dev;
    uint32_t i = offset / 4;
    return i < sizeof s->regs / sizeof s->regs[0] ? h7_subword_read(s->regs[i], offset, size) : 0;
}
void h7_pwr_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_pwr *s = dev;
    uint32_t i = offset / 4;
    if (i < sizeof s->regs / sizeof s->regs[0])
        s->regs[i] = h7_subword_merge(s->regs[i], offset, size, value);
}

void h7_pwr_update_domains(h7_pwr *p) {}
void h7_pwr_set_oden(h7_pwr *p, bool oden) {}
h7_pwr_state h7_pwr_get_state(const h7_pwr *p) { return (h7_pwr_state){.actvosrdy = true, .vos = 3, .vosrdy = true, .supply = 6}; }

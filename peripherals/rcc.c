/* STUB: to be replaced by the real model (issue #3). */
#include "soc.h"

void h7_rcc_init(h7_rcc *s, struct h7_soc *soc)
{
    *s = (h7_rcc){0};
    s->soc = soc;

}
void h7_rcc_reset(h7_rcc *s, h7_reset_kind kind)
{
    for (size_t i = 0; i < sizeof s->regs / sizeof s->regs[0]; i++)
        s->regs[i] = 0;
}
uint32_t h7_rcc_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_rcc *s = dev;
    uint32_t i = offset / 4;
    return i < sizeof s->regs / sizeof s->regs[0] ? h7_subword_read(s->regs[i], offset, size) : 0;
}
void h7_rcc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_rcc *s = dev;
    uint32_t i = offset / 4;
    if (i < sizeof s->regs / sizeof s->regs[0])
        s->regs[i] = h7_subword_merge(s->regs[i], offset, size, value);
}

bool h7_rcc_clock_enabled(const h7_rcc *r, h7_rcc_enreg reg, int bit) { return true; }
bool h7_rcc_cpu_allocated(const h7_rcc *r, h7_core_id cpu, h7_rcc_enreg reg, int bit) { return false; }
bool h7_rcc_cpu_has_d2_alloc(const h7_rcc *r, h7_core_id cpu) { return false; }
void h7_rcc_set_domain_ready(h7_rcc *r, int domain, bool ready) {}
void h7_rcc_add_reset_flags(h7_rcc *r, uint32_t flags) {}
uint32_t h7_rcc_sysclk_hz(const h7_rcc *r) { return 64000000u; }
uint32_t h7_rcc_cpu_hz(const h7_rcc *r, h7_core_id cpu) { return 64000000u; }
uint32_t h7_rcc_hclk_hz(const h7_rcc *r) { return 64000000u; }
uint32_t h7_rcc_pclk_hz(const h7_rcc *r, int apb) { return 64000000u; }
uint32_t h7_rcc_usart_kernel_hz(const h7_rcc *r, int usart) { return 64000000u; }

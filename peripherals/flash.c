/* STUB: to be replaced by the real model (issue #3). */
#include "soc.h"

void h7_flash_init(h7_flash *s, struct h7_soc *soc, uint8_t *mem)
{
    *s = (h7_flash){0};
    s->soc = soc;
    s->mem = mem;
}
void h7_flash_reset(h7_flash *s, h7_reset_kind kind)
{
    for (size_t i = 0; i < sizeof s->regs / sizeof s->regs[0]; i++)
        s->regs[i] = 0;
}
uint32_t h7_flash_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_flash *s = dev;
    uint32_t i = offset / 4;
    return i < sizeof s->regs / sizeof s->regs[0] ? h7_subword_read(s->regs[i], offset, size) : 0;
}
void h7_flash_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_flash *s = dev;
    uint32_t i = offset / 4;
    if (i < sizeof s->regs / sizeof s->regs[0])
        s->regs[i] = h7_subword_merge(s->regs[i], offset, size, value);
}

void h7_flash_guest_store(h7_flash *f, uint32_t addr, uint32_t value, unsigned size, h7_master m) {}
void h7_flash_mass_erase(h7_flash *f) {}
bool h7_flash_boot_enabled(const h7_flash *f, h7_core_id core) { return true; }
uint32_t h7_flash_boot_address(const h7_flash *f, h7_core_id core, bool boot0)
{ return boot0 ? (core == H7_CM7 ? 0x1FF00000u : 0x10000000u) : (core == H7_CM7 ? 0x08000000u : 0x08100000u); }

/* Debug MCU configuration (RM0399 ch.63; facts §6.2).
 * Decision: IDCODE comes from the board (rev V 0x2003_6450 by default); DBGMCU_CR and the freeze
 * registers are plain storage (no watchdog is modelled), reset by power-on only -- the debug
 * block is in the debug power domain and keeps its settings over a system reset (RM0399 §63.5). */
#include "dbgmcu.h"

#include "soc.h"

const h7_regdesc h7_dbgmcu_regs[] = {
    {A_DBGMCU_IDCODE, "DBGMCU_IDCODE", 0x20036450u, 0, 0, 0xFFFF0FFFu},
    {A_DBGMCU_CR, "DBGMCU_CR", 0, 0x1070003Fu, 0, 0},
};
const size_t h7_dbgmcu_nregs = sizeof h7_dbgmcu_regs / sizeof h7_dbgmcu_regs[0];

void h7_dbgmcu_init(h7_dbgmcu *s, struct h7_soc *soc)
{
    *s = (h7_dbgmcu){0};
    s->soc = soc;
}

void h7_dbgmcu_reset(h7_dbgmcu *s, h7_reset_kind kind)
{
    if (kind != H7_RESET_POWER_ON)
        return;
    s->cr = 0;
    for (int i = 0; i < 10; i++)
        s->fz[i] = 0;
}

uint32_t h7_dbgmcu_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_dbgmcu *s = dev;
    uint32_t off = offset & ~3u, v = 0;
    if (off == A_DBGMCU_IDCODE)
        v = s->soc->cfg.idcode;
    else if (off == A_DBGMCU_CR)
        v = s->cr;
    else if (off >= A_DBGMCU_APB3FZ1 && off <= A_DBGMCU_APB4FZ2)
        v = s->fz[(off - A_DBGMCU_APB3FZ1) / 4u];
    else
        h7_soc_log(s->soc, H7_LOG_UNIMP, "DBGMCU", "%s read of DBGMCU+0x%03X: not modelled, reads 0", h7_master_name(m), offset);
    return h7_subword_read(v, offset, size);
}

void h7_dbgmcu_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_dbgmcu *s = dev;
    uint32_t off = offset & ~3u;
    if (off == A_DBGMCU_IDCODE) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "DBGMCU", "%s write to read-only DBGMCU_IDCODE ignored", h7_master_name(m));
    } else if (off == A_DBGMCU_CR) {
        s->cr = h7_subword_merge(s->cr, offset, size, value) & h7_dbgmcu_regs[1].rw_mask;
    } else if (off >= A_DBGMCU_APB3FZ1 && off <= A_DBGMCU_APB4FZ2) {
        uint32_t *p = &s->fz[(off - A_DBGMCU_APB3FZ1) / 4u];
        *p = h7_subword_merge(*p, offset, size, value);
    } else {
        h7_soc_log(s->soc, H7_LOG_UNIMP, "DBGMCU", "%s write of 0x%08X to DBGMCU+0x%03X ignored: not modelled",
                   h7_master_name(m), value, offset);
    }
}

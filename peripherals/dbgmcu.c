/* Debug MCU configuration (RM0399 ch.63; facts §6.2).
 * The register list is the SVD table (h755_regs.c, tools/gen_regs.py): offsets, reset values and
 * writable bits come from there, the model adds only the behaviour.
 * Decision: IDCODE comes from the board (rev V 0x2003_6450 by default); DBGMCU_CR and the freeze
 * registers are plain storage (no watchdog is modelled), reset by power-on only -- the debug
 * block is in the debug power domain and keeps its settings over a system reset (RM0399 §63.5). */
#include "dbgmcu.h"

#include "soc.h"

static const h7_regmap *dbgmcu_map(void)
{
    static const h7_regmap *map;
    if (!map)
        map = h7_h755_regmap("DBGMCU");
    return map;
}

void h7_dbgmcu_init(h7_dbgmcu *s, struct h7_soc *soc)
{
    *s = (h7_dbgmcu){0};
    s->soc = soc;
    s->map = dbgmcu_map();
    s->nregs = s->map && s->map->nregs <= H7_DBGMCU_MAXREGS ? s->map->nregs : 0;
}

void h7_dbgmcu_reset(h7_dbgmcu *s, h7_reset_kind kind)
{
    if (kind != H7_RESET_POWER_ON)
        return;
    for (size_t i = 0; i < s->nregs; i++)
        s->val[i] = s->map->regs[i].reset;
}

static int row(const h7_dbgmcu *s, uint32_t off)
{
    int i = h7_regmap_index(s->map, off);
    return i >= 0 && (size_t)i < s->nregs ? i : -1;
}

uint32_t h7_dbgmcu_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_dbgmcu *s = dev;
    uint32_t off = offset & ~3u, v = 0;
    int i = row(s, off);
    if (off == A_DBGMCU_IDCODE)
        v = s->soc->cfg.idcode;
    else if (i >= 0)
        v = s->val[i];
    else
        h7_soc_log(s->soc, H7_LOG_UNIMP, "DBGMCU", "%s read of DBGMCU+0x%03X: no register there, reads 0",
                   h7_master_name(m), offset);
    return h7_subword_read(v, offset, size);
}

void h7_dbgmcu_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_dbgmcu *s = dev;
    uint32_t off = offset & ~3u;
    int i = row(s, off);
    if (off == A_DBGMCU_IDCODE) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "DBGMCU", "%s write to read-only DBGMCU_IDCODE ignored", h7_master_name(m));
    } else if (i >= 0) {
        s->val[i] = h7_regdesc_apply_write(&s->map->regs[i], s->val[i], h7_subword_merge(s->val[i], offset, size, value));
    } else {
        h7_soc_log(s->soc, H7_LOG_UNIMP, "DBGMCU", "%s write of 0x%08X to DBGMCU+0x%03X ignored: no register there",
                   h7_master_name(m), value, offset);
    }
}

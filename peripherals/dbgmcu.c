/* Debug MCU configuration (RM0399 ch.63; facts §6.2).
 * The register list is the SVD table (h755_regs.c, tools/gen_regs.py): offsets, reset values and
 * writable bits come from there, the model adds only the behaviour.
 * Decision: IDCODE comes from the board (rev V 0x2003_6450 by default); DBGMCU_CR is storage; the
 * freeze registers are read by the models they freeze (timers, LPTIMs, watchdogs: h7_dbgmcu_freezes)
 * and a write re-evaluates the freezes (h7_soc_debug_halt_changed); all are reset by power-on only
 * -- the debug block is in the debug power domain and keeps its settings over a system reset
 * (RM0399 §63.5). */
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

uint32_t h7_dbgmcu_value(const h7_dbgmcu *s, uint32_t offset)
{
    int i = row(s, offset & ~3u);
    return i >= 0 ? s->val[i] : 0;
}

bool h7_dbgmcu_freezes(const struct h7_soc *soc, uint32_t fz1, uint32_t bit)
{
    if (!soc->ops.core_halted)
        return false;
    return ((h7_dbgmcu_value(&soc->dbgmcu, fz1) & bit) && soc->ops.core_halted(soc->host, H7_CM7)) ||
           ((h7_dbgmcu_value(&soc->dbgmcu, fz1 + H7_DBGMCU_FZ2_DELTA) & bit) && soc->ops.core_halted(soc->host, H7_CM4));
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
        if (off >= A_DBGMCU_APB3FZ1)
            h7_soc_debug_halt_changed(s->soc);   /* a freeze bit set while a core is halted acts at once */
    } else {
        h7_soc_log(s->soc, H7_LOG_UNIMP, "DBGMCU", "%s write of 0x%08X to DBGMCU+0x%03X ignored: no register there",
                   h7_master_name(m), value, offset);
    }
}

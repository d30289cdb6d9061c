/* Table-driven registers (see svdreg.h).
 * Decisions (docs/models.md, "Table-driven registers"):
 * - A window without a behavioural model is always clocked: which RCC enable bit gates it is not
 *   in the SVD; reads give the register's value whatever the RCC state.
 * - An offset where the SVD has no register reads 0 and ignores writes, logged as H7_LOG_UNIMP
 *   (the SVD is known to miss registers, e.g. RCC's CPU2 bank, so it is not called a guest error).
 * - Reset: every table-driven register returns to its reset value on a power-on and a system
 *   reset alike. */
#include "svdreg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soc.h"

const h7_regmap *h7_h755_regmap(const char *window)
{
    for (size_t i = 0; i < h7_h755_regmap_count; i++)
        if (strcmp(h7_h755_regmaps[i].window, window) == 0)
            return &h7_h755_regmaps[i];
    return NULL;
}

int h7_regmap_index(const h7_regmap *map, uint32_t offset)
{
    size_t lo = 0, hi = map ? map->nregs : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (map->regs[mid].offset == offset)
            return (int)mid;
        if (map->regs[mid].offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const h7_regdesc *h7_regmap_row(const h7_regmap *map, uint32_t offset)
{
    int i = h7_regmap_index(map, offset);
    return i >= 0 ? &map->regs[i] : NULL;
}

uint32_t h7_regmap_reset(const h7_regmap *map, uint32_t offset)
{
    const h7_regdesc *r = h7_regmap_row(map, offset);
    return r ? r->reset : 0;
}

const h7_regdesc *h7_h755_reg(const char *window, const char *name)
{
    const h7_regmap *map = h7_h755_regmap(window);
    for (size_t i = 0; map && i < map->nregs; i++)
        if (strcmp(map->regs[i].name, name) == 0)
            return &map->regs[i];
    return NULL;
}

uint32_t h7_regdesc_apply_write(const h7_regdesc *r, uint32_t old, uint32_t value)
{
    uint32_t v = (old & ~r->rw_mask) | (value & r->rw_mask);
    return v & ~(value & r->w1c_mask);
}

void h7_svdreg_init(h7_svdreg *t, struct h7_soc *soc, const char *window)
{
    memset(t, 0, sizeof *t);
    t->soc = soc;
    t->window = window;
    t->map = h7_h755_regmap(window);
    size_t n = t->map ? t->map->nregs : 0;
    if (n) {
        t->val = calloc(n, sizeof *t->val);
        t->logged = calloc(n, sizeof *t->logged);
        if (!t->val || !t->logged) {
            fprintf(stderr, "h7emu: out of memory\n");
            exit(70);
        }
    }
    h7_svdreg_reset(t);
}

void h7_svdreg_free(h7_svdreg *t)
{
    free(t->val);
    free(t->logged);
    t->val = NULL;
    t->logged = NULL;
}

void h7_svdreg_reset(h7_svdreg *t)
{
    for (size_t i = 0; t->map && i < t->map->nregs; i++)
        t->val[i] = t->map->regs[i].reset;
}

static void log_first(h7_svdreg *t, int i, h7_master m, bool write, uint32_t offset, uint32_t value)
{
    if (i < 0) {
        if (write)
            h7_soc_log(t->soc, H7_LOG_UNIMP, t->window, "%s write of 0x%08X to %s+0x%03X ignored: no register there in "
                       "the SVD", h7_master_name(m), value, t->window, offset);
        else
            h7_soc_log(t->soc, H7_LOG_UNIMP, t->window, "%s read of %s+0x%03X returns 0: no register there in the SVD",
                       h7_master_name(m), t->window, offset);
        return;
    }
    if (t->logged[i])
        return;
    t->logged[i] = true;
    const h7_regdesc *r = &t->map->regs[i];
    h7_soc_log(t->soc, H7_LOG_UNIMP, t->window, "%s %s %s_%s (+0x%03X): unmodelled, table-driven (reset 0x%08X, "
               "writes stored honouring read-only and write-1-to-clear bits)", h7_master_name(m),
               write ? "writes" : "reads", t->window, r->name, r->offset, r->reset);
}

uint32_t h7_svdreg_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_svdreg *t = dev;
    int i = h7_regmap_index(t->map, offset & ~3u);
    log_first(t, i, m, false, offset, 0);
    if (i < 0)
        return 0;
    return h7_subword_read(t->val[i] & ~t->map->regs[i].wo_mask, offset, size);
}

void h7_svdreg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_svdreg *t = dev;
    int i = h7_regmap_index(t->map, offset & ~3u);
    log_first(t, i, m, true, offset, value);
    if (i < 0)
        return;
    const h7_regdesc *r = &t->map->regs[i];
    /* A narrow write touches only its byte lanes: the other lanes write 0, which leaves W1C bits
     * alone and keeps the read-write bits through the merge with the current value. */
    uint32_t lanes = size >= 4 ? 0xFFFFFFFFu : (((1u << (size * 8u)) - 1u) << ((offset & 3u) * 8u));
    uint32_t v32 = h7_subword_merge(0, offset, size, value);
    uint32_t merged = (t->val[i] & ~lanes) | (v32 & lanes);
    uint32_t nv = (t->val[i] & ~r->rw_mask) | (merged & r->rw_mask);
    t->val[i] = nv & ~(v32 & r->w1c_mask);
}

/* DMA bus access and D-cache coherency bookkeeping (see dcache.h). */
#include "dcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmap.h"

#define LINE 32u
#define PPB_CCR 0xED14u
#define CCR_DC (1u << 16)
#define PPB_MPU_CTRL 0xED94u
#define PPB_MPU_RNR 0xED98u
#define PPB_MPU_RBAR 0xED9Cu
#define PPB_MPU_RASR 0xEDA0u
#define PPB_DCIMVAC 0xEF5Cu
#define PPB_DCISW 0xEF60u
#define PPB_DCCMVAU 0xEF64u
#define PPB_DCCMVAC 0xEF68u
#define PPB_DCCSW 0xEF6Cu
#define PPB_DCCIMVAC 0xEF70u
#define PPB_DCCISW 0xEF74u

struct h7_dcache {
    h7_dcache_env env;
    uint32_t dirty_lo[H7_PHYS_COUNT], dirty_hi[H7_PHYS_COUNT];   /* code overwritten by DMA (phys offsets) */
    bool enabled;                        /* CM7 SCB_CCR.DC */
    uint32_t *hash[H7_PHYS_COUNT];       /* per line, memory-side content hash (tracked SRAMs only) */
    uint8_t *dma_mark[H7_PHYS_COUNT];    /* per line: DMA wrote it, the CPU has not invalidated it */
    unsigned nmarks;
    uint32_t mark_lo, mark_hi;           /* CM7 address range of the read hook */
    uc_hook hook;
    bool hooked;
    uint32_t mpu_ctrl, mpu_rnr, mpu_rbar[16], mpu_rasr[16];
};

static bool tracked(h7_phys_id p)
{
    return p == H7_PHYS_AXISRAM || p == H7_PHYS_SRAM123 || p == H7_PHYS_SRAM4 || p == H7_PHYS_BKPSRAM;
}

h7_dcache *h7_dcache_new(const h7_dcache_env *env)
{
    h7_dcache *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "h7emu: out of memory\n");
        exit(70);
    }
    d->env = *env;
    for (int p = 0; p < H7_PHYS_COUNT; p++)
        d->dirty_lo[p] = UINT32_MAX;
    return d;
}

static void emit(h7_dcache *d, const h7_ev *e) { d->env.emit(d->env.ctx, e); }
static uint8_t *phys(h7_dcache *d, int p) { return d->env.phys[p]; }

/* The memory behind addr as the DMA masters see it (the CM7's map without the TCMs, which the
 * bus matrix already refused). */
static const h7_mem_region *dma_region(uint32_t addr, unsigned len)
{
    const h7_mem_region *r = h7_memmap_find(H7_CM7, addr);
    if (!r || (uint64_t)(addr - r->base) + len > r->size)
        return NULL;
    return r;
}

static uint32_t line_hash(const uint8_t *p)
{
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < LINE; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* ------------------------------------------------------------------ memory attributes */

/* Cortex-M7 cacheability of addr: 0 none, 1 write-through, 2 write-back (ARMv7-M B3.5.7 default
 * map and MPU_RASR TEX/C/B/S; shareable normal memory is not cached by the M7). */
static int cache_policy(const h7_dcache *d, uint32_t addr)
{
    if (addr < 0x00010000u || (addr >= 0x20000000u && addr < 0x20020000u))
        return 0;   /* ITCM / DTCM: not through the cache */
    if (d->mpu_ctrl & 1u)
        for (int r = 15; r >= 0; r--) {
            uint32_t rasr = d->mpu_rasr[r];
            if (!(rasr & 1u))
                continue;
            unsigned sz = (rasr >> 1) & 0x1Fu;
            uint64_t size = 1ull << (sz + 1);
            uint32_t base = d->mpu_rbar[r] & ~0x1Fu & (uint32_t)~(size - 1);
            if (addr < base || (uint64_t)(addr - base) >= size)
                continue;
            if (size >= 256 && ((rasr >> 8) & 0xFFu) & (1u << ((addr - base) / (size / 8))))
                continue;   /* subregion disabled */
            unsigned tex = (rasr >> 19) & 7u, s = (rasr >> 18) & 1u, c = (rasr >> 17) & 1u, b = (rasr >> 16) & 1u;
            if (s && !(tex == 0 && !c))
                return 0;
            if (tex & 4u) {
                unsigned inner = (c << 1) | b;   /* 00 NC, 01 WBWA, 10 WT, 11 WB */
                return inner == 0 ? 0 : inner == 2 ? 1 : 2;
            }
            if (tex == 0)
                return !c ? 0 : b ? 2 : 1;
            if (tex == 1)
                return c && b ? 2 : 0;
            return 0;
        }
    if (addr >= 0x20000000u && addr < 0x40000000u)
        return 2;   /* SRAM region: WBWA */
    if (addr >= 0x60000000u && addr < 0x80000000u)
        return 2;
    if (addr < 0x20000000u || (addr >= 0x80000000u && addr < 0xA0000000u))
        return 1;   /* Code / external RAM: write-through */
    return 0;
}

/* ------------------------------------------------------------------ line state */

static void ensure_tables(h7_dcache *d)
{
    for (int p = 0; p < H7_PHYS_COUNT; p++)
        if (tracked((h7_phys_id)p) && !d->hash[p]) {
            size_t n = h7_phys_mems[p].size / LINE;
            d->hash[p] = calloc(n, sizeof *d->hash[p]);
            d->dma_mark[p] = calloc(n, 1);
            if (!d->hash[p] || !d->dma_mark[p]) {
                fprintf(stderr, "h7emu: out of memory\n");
                exit(70);
            }
        }
}

static void rehash_all(h7_dcache *d)
{
    for (int p = 0; p < H7_PHYS_COUNT; p++)
        if (d->hash[p])
            for (size_t i = 0; i < h7_phys_mems[p].size / LINE; i++)
                d->hash[p][i] = line_hash(phys(d, p) + i * LINE);
}

static void unhook(h7_dcache *d)
{
    if (d->hooked)
        uc_hook_del(d->env.cpu[H7_CM7]->uc, d->hook);
    d->hooked = false;
}

static void clear_marks(h7_dcache *d)
{
    for (int p = 0; p < H7_PHYS_COUNT; p++)
        if (d->dma_mark[p])
            memset(d->dma_mark[p], 0, h7_phys_mems[p].size / LINE);
    d->nmarks = 0;
    unhook(d);
}

/* Line index of a CM7/DMA address in a tracked memory; false otherwise. */
static bool line_of(uint32_t addr, h7_phys_id *p, size_t *i)
{
    const h7_mem_region *r = h7_memmap_find(H7_CM7, addr);
    if (!r || !tracked(r->phys))
        return false;
    *p = r->phys;
    *i = (r->phys_offset + (addr - r->base)) / LINE;
    return true;
}

static void hk_cpu_read(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user)
{
    h7_dcache *d = user;
    h7_phys_id p;
    size_t i;
    if (!line_of((uint32_t)addr, &p, &i) || !d->dma_mark[p] || !d->dma_mark[p][i])
        return;
    emit(d, &(h7_ev){.kind = H7_EV_DCACHE_STALE, .by = H7_MASTER_CM7, .core = H7_CM7,
                     .u.stale = {true, "cm7", (uint32_t)addr, 0}});
    unhook(d);   /* reported once; the marks stay for the bookkeeping */
}

static void mark_dma_written(h7_dcache *d, uint32_t addr, h7_phys_id p, size_t i)
{
    if (!d->dma_mark[p][i]) {
        d->dma_mark[p][i] = 1;
        d->nmarks++;
    }
    if (d->env.reported && *d->env.reported)
        return;
    uint32_t lo = addr & ~(LINE - 1u), hi = lo + LINE - 1u;
    if (d->hooked && lo >= d->mark_lo && hi <= d->mark_hi)
        return;
    if (d->hooked) {
        lo = lo < d->mark_lo ? lo : d->mark_lo;
        hi = hi > d->mark_hi ? hi : d->mark_hi;
        unhook(d);
    }
    if (uc_hook_add(d->env.cpu[H7_CM7]->uc, &d->hook, UC_HOOK_MEM_READ, (void *)hk_cpu_read, d, lo, hi) == UC_ERR_OK) {
        d->hooked = true;
        d->mark_lo = lo;
        d->mark_hi = hi;
        /* Unicorn decides at translation time whether a load calls the memory hooks: code
         * translated before must be translated again. */
        for (size_t k = 0; k < h7_mem_region_count; k++)
            if (h7_mem_regions[k].on_core[H7_CM7])
                h7_cpu_flush_code(d->env.cpu[H7_CM7], h7_mem_regions[k].base, h7_mem_regions[k].base + h7_mem_regions[k].size);
    }
}

static void invalidate_line(h7_dcache *d, uint32_t addr, bool invalidate)
{
    h7_phys_id p;
    size_t i;
    if (!line_of(addr, &p, &i) || !d->hash[p])
        return;
    d->hash[p][i] = line_hash(phys(d, p) + i * LINE);   /* after clean or invalidate, memory is what counts */
    if (invalidate && d->dma_mark[p][i]) {
        d->dma_mark[p][i] = 0;
        if (--d->nmarks == 0)
            unhook(d);
    }
}

/* ------------------------------------------------------------------ DMA bus */

bool h7_dcache_bus_read(h7_dcache *d, h7_bus_master bm, uint32_t addr, void *buf, unsigned len)
{
    const h7_mem_region *r = dma_region(addr, len);
    if (!r)
        return false;
    const uint8_t *src = phys(d, r->phys) + r->phys_offset + (addr - r->base);
    if (d->enabled && tracked(r->phys) && d->hash[r->phys] && cache_policy(d, addr) == 2) {
        size_t first = (r->phys_offset + (addr - r->base)) / LINE, last = (r->phys_offset + (addr - r->base) + len - 1) / LINE;
        for (size_t i = first; i <= last; i++) {
            uint32_t h = line_hash(phys(d, r->phys) + i * LINE);
            if (h != d->hash[r->phys][i]) {
                emit(d, &(h7_ev){.kind = H7_EV_DCACHE_STALE, .by = H7_MASTER_DMA,
                                 .u.stale = {false, h7_bus_master_name(bm),
                                             r->base + (uint32_t)(i * LINE - r->phys_offset), 0}});
                d->hash[r->phys][i] = h;
            }
        }
    }
    memcpy(buf, src, len);
    return true;
}

bool h7_dcache_bus_write(h7_dcache *d, h7_bus_master bm, uint32_t addr, const void *buf, unsigned len)
{
    const h7_mem_region *r = dma_region(addr, len);
    if (!r || r->kind != H7_MEM_RAM)
        return false;   /* Decision: flash and system memory are not written by a DMA (no PG sequence) */
    uint32_t off = r->phys_offset + (addr - r->base);
    memcpy(phys(d, r->phys) + off, buf, len);
    if (off < d->dirty_lo[r->phys])
        d->dirty_lo[r->phys] = off;
    if (off + len > d->dirty_hi[r->phys])
        d->dirty_hi[r->phys] = off + len;
    if (d->enabled && tracked(r->phys) && d->hash[r->phys]) {
        bool cached = cache_policy(d, addr) != 0;
        for (size_t i = off / LINE; i <= (off + len - 1) / LINE; i++) {
            d->hash[r->phys][i] = line_hash(phys(d, r->phys) + i * LINE);
            if (cached)
                mark_dma_written(d, r->base + (uint32_t)(i * LINE - r->phys_offset), r->phys, i);
        }
    }
    return true;
}

bool h7_dcache_code_dirty(const h7_dcache *d)
{
    if (!d)
        return false;
    for (int p = 0; p < H7_PHYS_COUNT; p++)
        if (d->dirty_lo[p] < d->dirty_hi[p])
            return true;
    return false;
}

void h7_dcache_sync_code(h7_dcache *d)
{
    for (int p = 0; p < H7_PHYS_COUNT; p++) {
        if (d->dirty_lo[p] >= d->dirty_hi[p])
            continue;
        for (size_t i = 0; i < h7_mem_region_count; i++) {
            const h7_mem_region *r = &h7_mem_regions[i];
            if (r->phys != (h7_phys_id)p)
                continue;
            uint32_t lo = r->base + (d->dirty_lo[p] - r->phys_offset), hi = r->base + (d->dirty_hi[p] - r->phys_offset);
            for (int k = 0; k < H7_NCORES; k++)
                if (r->on_core[k])
                    h7_cpu_flush_code(d->env.cpu[k], lo & ~0xFFFu, (hi + 0xFFFu) & ~0xFFFu);
        }
        d->dirty_lo[p] = UINT32_MAX;
        d->dirty_hi[p] = 0;
    }
}

/* ------------------------------------------------------------------ SCB / MPU */

void h7_dcache_scb_write(h7_dcache *d, uint32_t off, uint32_t v)
{
    switch (off) {
    case PPB_CCR: {
        bool on = v & CCR_DC;
        if (on && !d->enabled) {
            ensure_tables(d);
            rehash_all(d);   /* the cache was invalidated before the enable: memory is the truth */
        }
        if (!on && d->enabled)
            clear_marks(d);
        d->enabled = on;
        return;
    }
    case PPB_MPU_CTRL:
        if ((v & 1u) && !(d->mpu_ctrl & 1u) && d->enabled)
            emit(d, &(h7_ev){.kind = H7_EV_MPU_AFTER_CACHE, .by = H7_MASTER_CM7, .core = H7_CM7,
                             .u.mpu = {0xE0000000u + off, v}});
        d->mpu_ctrl = v;
        return;
    case PPB_MPU_RNR: d->mpu_rnr = v & 0xFu; return;
    case PPB_MPU_RBAR: case PPB_MPU_RBAR + 8: case PPB_MPU_RBAR + 16: case PPB_MPU_RBAR + 24:
        if (v & 0x10u)
            d->mpu_rnr = v & 0xFu;
        d->mpu_rbar[d->mpu_rnr] = v;
        return;
    case PPB_MPU_RASR: case PPB_MPU_RASR + 8: case PPB_MPU_RASR + 16: case PPB_MPU_RASR + 24:
        if ((v & 1u) && d->enabled && (d->mpu_ctrl & 1u))
            emit(d, &(h7_ev){.kind = H7_EV_MPU_AFTER_CACHE, .by = H7_MASTER_CM7, .core = H7_CM7,
                             .u.mpu = {0xE0000000u + off, v}});
        d->mpu_rasr[d->mpu_rnr] = v;
        return;
    default: break;
    }
    if (!d->enabled)
        return;   /* maintenance with the cache off changes nothing we track */
    switch (off) {
    case PPB_DCIMVAC: case PPB_DCCMVAC: case PPB_DCCMVAU: case PPB_DCCIMVAC:
        invalidate_line(d, v, off == PPB_DCIMVAC || off == PPB_DCCIMVAC);
        break;
    case PPB_DCISW: case PPB_DCCSW: case PPB_DCCISW:
        /* CMSIS loops count sets and ways down to 0: act once, on set 0 / way 0 (the last op). */
        if ((v & 0xC0003FE0u) == 0) {
            rehash_all(d);
            if (off != PPB_DCCSW)
                clear_marks(d);
        }
        break;
    default: break;
    }
}

void h7_dcache_reset(h7_dcache *d)
{
    clear_marks(d);
    d->enabled = false;
    d->mpu_ctrl = d->mpu_rnr = 0;
    memset(d->mpu_rbar, 0, sizeof d->mpu_rbar);
    memset(d->mpu_rasr, 0, sizeof d->mpu_rasr);
}

void h7_dcache_free(h7_dcache *d)
{
    if (!d)
        return;
    for (int p = 0; p < H7_PHYS_COUNT; p++) {
        free(d->hash[p]);
        free(d->dma_mark[p]);
    }
    free(d);
}

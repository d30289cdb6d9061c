/* DMA memory access for the models (h7_host_ops.bus_read/bus_write) and the cheap bookkeeping
 * behind the H7 data-path rules (docs/power-rules.md, "Data path"):
 *
 * - DMA writes to RAM invalidate translated code (batched per run window, like flash programming).
 * - While the CM7's D-cache is on (SCB_CCR.DC), every 32-byte line of the cacheable SRAMs has a
 *   "memory-side" hash: the content the memory holds as far as the cache is concerned. It is taken
 *   when the D-cache is enabled, and again when the firmware cleans the line (DCCMVAC/DCCIMVAC, a
 *   whole set/way clean loop) or a DMA writes it. CPU stores are not hooked: a DMA read of a line
 *   whose content no longer matches its hash means the CPU changed it (through the write-back
 *   cache) without cleaning it since -> DCACHE-CLEAN-BEFORE-DMA.
 * - Lines a DMA wrote are marked until the CPU invalidates them (DCIMVAC/DCCIMVAC, DCISW/DCCISW
 *   loop). While marks exist, one Unicorn read hook covers the marked range on the CM7 only; a CPU
 *   load of a marked line -> DCACHE-INVALIDATE-AFTER-DMA, and the hook goes away.
 * - MPU region/enable writes while the D-cache is on -> MPU-AFTER-CACHE-ENABLE.
 * Approximations: CM4 stores (no D-cache) look like CM7 stores; a store of identical bytes is not
 * seen; the MPU attributes are those in force at the DMA access. */
#ifndef H7_DCACHE_H
#define H7_DCACHE_H

#include "cpu.h"
#include "h7event.h"

/* What the bookkeeping needs from its owner (the machine fills it in). */
typedef struct h7_dcache_env {
    uint8_t *const *phys;         /* the physical memories (H7_PHYS_COUNT) */
    h7_cpu *cpu[H7_NCORES];       /* code flushes on both; the read hook on the CM7 */
    const bool *reported;         /* DCACHE-INVALIDATE-AFTER-DMA already fired (no hook needed) */
    void *ctx;
    void (*emit)(void *ctx, const h7_ev *e);
} h7_dcache_env;

typedef struct h7_dcache h7_dcache;

h7_dcache *h7_dcache_new(const h7_dcache_env *env);
void h7_dcache_free(h7_dcache *d);

/* h7_host_ops.bus_read/bus_write for the DMA masters. */
bool h7_dcache_bus_read(h7_dcache *d, h7_bus_master bm, uint32_t addr, void *buf, unsigned len);
bool h7_dcache_bus_write(h7_dcache *d, h7_bus_master bm, uint32_t addr, const void *buf, unsigned len);
/* Run loop: drop translated code DMA overwrote (before the cores run again). */
void h7_dcache_sync_code(h7_dcache *d);
/* True while DMA-overwritten code waits for h7_dcache_sync_code. */
bool h7_dcache_code_dirty(const h7_dcache *d);
/* The CM7's NVIC saw a write to SCB_CCR, a cache maintenance register or the MPU. */
void h7_dcache_scb_write(h7_dcache *d, uint32_t off, uint32_t value);
/* Power-on or system reset: caches and MPU off (SCB reset values), marks dropped. */
void h7_dcache_reset(h7_dcache *d);

/* What it finds goes out as typed events (H7_EV_DCACHE_STALE, H7_EV_MPU_AFTER_CACHE) that the
 * data-path rules judge (emu/board/datapath.c). */

#endif

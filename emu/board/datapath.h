/* The H7 data-path rules (DMA-UNREACHABLE-MEMORY, DCACHE-CLEAN-BEFORE-DMA,
 * DCACHE-INVALIDATE-AFTER-DMA, MPU-AFTER-CACHE-ENABLE; docs/power-rules.md "Data path"). They
 * judge typed events: DMA transfer errors from the DMA models, stale-line and MPU events from the
 * machine's D-cache bookkeeping (emu/machine/dcache.c). All of them warn. */
#ifndef H7_DATAPATH_H
#define H7_DATAPATH_H

#include "supervisor.h"

uint64_t h7_datapath_kinds(void);
void h7_datapath_on_event(h7_supervisor *s, const h7_ev *e);

#endif

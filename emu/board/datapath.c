/* The H7 data-path rules (rules.h: DMA-UNREACHABLE-MEMORY, DCACHE-CLEAN-BEFORE-DMA,
 * DCACHE-INVALIDATE-AFTER-DMA, MPU-AFTER-CACHE-ENABLE): warnings with their root cause and fix.
 * The bookkeeping that detects them is in emu/machine/dcache.c; the DMA models report transfer
 * errors on the timeline ("dma1: stream 0 transfer error reading 0x20000000 (DTCM): ..."). */
#include <stdio.h>
#include <string.h>

#include "dcache.h"
#include "supervisor.h"

static void dma_transfer_error(h7_machine *m, const char *src, const char *text)
{
    unsigned stream = 0, addr = 0;
    char dir[16] = "", area[48] = "";
    if (sscanf(text, "stream %u transfer error %15s 0x%x (%47[^)])", &stream, dir, &addr, area) != 4)
        return;
    h7_violation *v = h7_sup_record(m, H7_R_DMA_UNREACHABLE, 0);
    if (!v)
        return;
    const char *why = h7_bus_unreachable(!strcmp(src, "dma1") ? H7_BUS_DMA1 : H7_BUS_DMA2, addr, 1);
    v->has_core = false;
    v->where[0] = '\0';
    snprintf(v->detail, sizeof v->detail, "%s stream %u %s 0x%08X (%s): %s", src, stream, dir, addr, area,
             why ? why : "bus error");
    snprintf(v->next, sizeof v->next, "as on silicon the stream got TEIF and was disabled (EN = 0); nothing more "
             "is transferred. HAL reports HAL_DMA_ERROR_TE to the error callback (UART: HAL_UART_ErrorCallback).");
    if (!strcmp(area, "DTCM") || !strcmp(area, "ITCM"))
        snprintf(v->fix, sizeof v->fix, "place DMA buffers in AXI SRAM (0x2400_0000) or SRAM1-3 (0x3000_0000): e.g. "
                 "__attribute__((section(\".dma_buffer\"))) with a linker section in RAM_D1/RAM_D2, or change the "
                 "linker script's RAM from DTCMRAM; use MDMA if the data must live in DTCM");
    else
        snprintf(v->fix, sizeof v->fix, "point the stream at memory its bus master reaches (RM0399 Table 3)");
    char summary[200];
    snprintf(summary, sizeof summary, "%s stream %u cannot reach 0x%08X (%s): transfer error", src, stream, addr, area);
    h7_sup_announce(m, v, summary);
}

void h7_datapath_on_trace(h7_machine *m, const char *src, const char *text)
{
    if ((!strcmp(src, "dma1") || !strcmp(src, "dma2")) && strstr(text, "transfer error"))
        dma_transfer_error(m, src, text);
}

void h7_datapath_stale_dma_read(h7_machine *m, h7_bus_master bm, uint32_t line_addr)
{
    h7_violation *v = h7_sup_record(m, H7_R_DCACHE_CLEAN_BEFORE_DMA, 0);
    if (!v)
        return;
    v->has_core = false;
    v->where[0] = '\0';
    snprintf(v->detail, sizeof v->detail, "%s reads the line at 0x%08X, which the Cortex-M7 changed while its "
             "D-cache was on (write-back) and has not cleaned since", h7_bus_master_name(bm), line_addr);
    snprintf(v->next, sizeof v->next, "on silicon the new data may still sit in the D-cache: the DMA sends what "
             "memory held before (old or partly old bytes). h7emu transfers the new bytes and warns.");
    snprintf(v->fix, sizeof v->fix, "SCB_CleanDCache_by_Addr(buf, len) after writing the buffer and before "
             "starting the DMA (32-byte aligned buffer), or put DMA buffers in a non-cacheable MPU region");
    char summary[160];
    snprintf(summary, sizeof summary, "%s reads 0x%08X: the CM7 wrote it through the D-cache without a clean",
             h7_bus_master_name(bm), line_addr);
    h7_sup_announce(m, v, summary);
}

void h7_datapath_stale_cpu_read(h7_machine *m, uint32_t addr, uint32_t pc)
{
    h7_violation *v = h7_sup_record(m, H7_R_DCACHE_INVALIDATE_AFTER_DMA, 0);
    if (!v)
        return;
    v->has_core = true;
    v->core = H7_CM7;
    if (pc)
        h7_machine_symbolize(m, H7_CM7, pc, v->where, sizeof v->where);
    snprintf(v->detail, sizeof v->detail, "cm7 reads 0x%08X, in a line a DMA wrote, without invalidating it in the "
             "D-cache since", addr);
    snprintf(v->next, sizeof v->next, "on silicon the read may hit a stale cached copy (the data before the DMA). "
             "h7emu returns the DMA's data and warns.");
    snprintf(v->fix, sizeof v->fix, "SCB_InvalidateDCache_by_Addr(buf, len) after the DMA completed and before "
             "reading (32-byte aligned, 32-byte multiple buffer), or put DMA buffers in a non-cacheable MPU region");
    char summary[160];
    snprintf(summary, sizeof summary, "cm7 reads 0x%08X written by DMA without invalidating the D-cache", addr);
    h7_sup_announce(m, v, summary);
}

void h7_datapath_mpu_after_cache(h7_machine *m, uint32_t off, uint32_t value)
{
    h7_violation *v = h7_sup_record(m, H7_R_MPU_AFTER_CACHE, 0xE0000000u + off);
    if (!v)
        return;
    snprintf(v->detail, sizeof v->detail, "%s <- 0x%08X while SCB_CCR.DC = 1", off == 0xED94u ? "MPU_CTRL" : "MPU_RASR",
             value);
    snprintf(v->next, sizeof v->next, "lines cached under the old attributes stay in the D-cache: a region made "
             "non-cacheable (DMA buffers) can still be served from, or written back over by, stale lines");
    snprintf(v->fix, sizeof v->fix, "call MPU_Config() before SCB_EnableICache()/SCB_EnableDCache() (CubeMX order), or "
             "clean+invalidate the D-cache (SCB_CleanInvalidateDCache) after reprogramming the MPU");
    h7_sup_announce(m, v, "MPU region enabled while the D-cache is on");
}

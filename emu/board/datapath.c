/* The H7 data-path rules (declared in supervisor.h; docs/datapath-rules.md): warnings with their
 * root cause and fix. */
#include "supervisor.h"

#include <stdio.h>
#include <string.h>

#include "busmatrix.h"

uint64_t h7_datapath_kinds(void)
{
    return H7_EV_BIT(H7_EV_DMA_TRANSFER_ERROR) | H7_EV_BIT(H7_EV_DCACHE_STALE) | H7_EV_BIT(H7_EV_MPU_AFTER_CACHE);
}

/* RM0399 §2.1 / Table 3: the address is outside what the stream's bus master reaches. */
static void dma_transfer_error(h7_supervisor *s, const h7_ev *e)
{
    h7_violation *v = h7_sup_record(s, H7_R_DMA_UNREACHABLE, 0);
    if (!v)
        return;
    int dma = e->u.dmaerr.dma;
    const char *src = dma == 4 ? "mdma" : dma == 3 ? "bdma" : dma == 2 ? "dma2" : "dma1", *area = e->u.dmaerr.area;
    const char *unit = dma >= 3 ? "channel" : "stream";
    h7_bus_master bm = dma == 4 ? H7_BUS_MDMA : dma == 3 ? H7_BUS_BDMA : dma == 2 ? H7_BUS_DMA2 : H7_BUS_DMA1;
    const char *why = h7_bus_unreachable(bm, e->u.dmaerr.addr, 1);
    if (!why && dma == 4)
        why = "the MDMA reaches the TCMs only through the Cortex-M7's AHBS port: CxTBR.SBUS/DBUS must be 1";
    snprintf(v->detail, sizeof v->detail, "%s %s %u %s 0x%08X (%s): %s", src, unit, e->u.dmaerr.stream,
             e->u.dmaerr.write ? "writing" : "reading", e->u.dmaerr.addr, area, why ? why : "bus error");
    snprintf(v->next, sizeof v->next, "as on silicon the %s got TEIF and was disabled (EN = 0); nothing more "
             "is transferred. HAL reports HAL_DMA_ERROR_TE to the error callback (UART: HAL_UART_ErrorCallback).", unit);
    if (dma == 4)
        snprintf(v->fix, sizeof v->fix, "for ITCM/DTCM set CxTBR.SBUS (source) or DBUS (destination) to 1 "
                 "(HAL_MDMA_Start does it from the addresses; register-level code must do it itself)");
    else if (!strcmp(area, "DTCM") || !strcmp(area, "ITCM"))
        snprintf(v->fix, sizeof v->fix, "place DMA buffers in AXI SRAM (0x2400_0000) or SRAM1-3 (0x3000_0000): e.g. "
                 "__attribute__((section(\".dma_buffer\"))) with a linker section in RAM_D1/RAM_D2, or change the "
                 "linker script's RAM from DTCMRAM; use MDMA if the data must live in DTCM");
    else if (dma == 3)
        snprintf(v->fix, sizeof v->fix, "BDMA reaches only D3: put its buffers in SRAM4 (0x3800_0000) or backup SRAM, "
                 "or use DMA1/DMA2 for D1/D2 memories and peripherals");
    else
        snprintf(v->fix, sizeof v->fix, "point the stream at memory its bus master reaches (RM0399 Table 3)");
    char summary[200];
    snprintf(summary, sizeof summary, "%s %s %u cannot reach 0x%08X (%s): transfer error", src, unit, e->u.dmaerr.stream,
             e->u.dmaerr.addr, area);
    h7_sup_announce(s, v->rule, summary);
}

static void stale_dma_read(h7_supervisor *s, const h7_ev *e)
{
    h7_violation *v = h7_sup_record(s, H7_R_DCACHE_CLEAN_BEFORE_DMA, 0);
    if (!v)
        return;
    snprintf(v->detail, sizeof v->detail, "%s reads the line at 0x%08X, which the Cortex-M7 changed while its "
             "D-cache was on (write-back) and has not cleaned since", e->u.stale.master, e->u.stale.addr);
    snprintf(v->next, sizeof v->next, "on silicon the new data may still sit in the D-cache: the DMA sends what "
             "memory held before (old or partly old bytes). h7emu transfers the new bytes and warns.");
    snprintf(v->fix, sizeof v->fix, "SCB_CleanDCache_by_Addr(buf, len) after writing the buffer and before "
             "starting the DMA (32-byte aligned buffer), or put DMA buffers in a non-cacheable MPU region");
    char summary[160];
    h7_ev_render(e, summary, sizeof summary);
    h7_sup_announce(s, v->rule, summary);
}

static void stale_cpu_read(h7_supervisor *s, const h7_ev *e)
{
    h7_violation *v = h7_sup_record(s, H7_R_DCACHE_INVALIDATE_AFTER_DMA, e->u.stale.addr);
    if (!v)
        return;
    snprintf(v->detail, sizeof v->detail, "cm7 reads 0x%08X, in a line a DMA wrote, without invalidating it in the "
             "D-cache since", e->u.stale.addr);
    snprintf(v->next, sizeof v->next, "on silicon the read may hit a stale cached copy (the data before the DMA). "
             "h7emu returns the DMA's data and warns.");
    snprintf(v->fix, sizeof v->fix, "SCB_InvalidateDCache_by_Addr(buf, len) after the DMA completed and before "
             "reading (32-byte aligned, 32-byte multiple buffer), or put DMA buffers in a non-cacheable MPU region");
    char summary[160];
    h7_ev_render(e, summary, sizeof summary);
    h7_sup_announce(s, v->rule, summary);
}

static void mpu_after_cache(h7_supervisor *s, const h7_ev *e)
{
    h7_violation *v = h7_sup_record(s, H7_R_MPU_AFTER_CACHE, e->u.mpu.reg);
    if (!v)
        return;
    snprintf(v->detail, sizeof v->detail, "%s <- 0x%08X while SCB_CCR.DC = 1",
             e->u.mpu.reg == 0xE000ED94u ? "MPU_CTRL" : "MPU_RASR", e->u.mpu.value);
    snprintf(v->next, sizeof v->next, "lines cached under the old attributes stay in the D-cache: a region made "
             "non-cacheable (DMA buffers) can still be served from, or written back over by, stale lines");
    snprintf(v->fix, sizeof v->fix, "call MPU_Config() before SCB_EnableICache()/SCB_EnableDCache() (CubeMX order), or "
             "clean+invalidate the D-cache (SCB_CleanInvalidateDCache) after reprogramming the MPU");
    h7_sup_announce(s, v->rule, "MPU region enabled while the D-cache is on");
}

void h7_datapath_on_event(h7_supervisor *s, const h7_ev *e)
{
    switch (e->kind) {
    case H7_EV_DMA_TRANSFER_ERROR: dma_transfer_error(s, e); break;
    case H7_EV_DCACHE_STALE:
        if (e->u.stale.cpu_read)
            stale_cpu_read(s, e);
        else
            stale_dma_read(s, e);
        break;
    case H7_EV_MPU_AFTER_CACHE: mpu_after_cache(s, e); break;
    default: break;
    }
}

/* DMAMUX1 (RM0399 ch.17). See dmamux.h.
 *
 * Decisions (docs/models.md):
 * - Request routing (CxCR.DMAREQ_ID) is behavioural; synchronisation (SE), event generation (EGE)
 *   and the request generators (RGxCR.GE) are stored but not modelled: enabling them is logged as
 *   unimplemented. CSR/RGSR never set an overrun flag.
 * - DMAMUX2 request lines (D3, BDMA) are recorded; there is no BDMA model yet. */
#include "dmamux.h"

#include "dma.h"
#include "soc.h"

void h7_dmamux_init(h7_dmamux *s, struct h7_soc *soc)
{
    *s = (h7_dmamux){0};
    s->soc = soc;
}

void h7_dmamux_reset(h7_dmamux *s, h7_reset_kind kind)
{
    for (int i = 0; i < 16; i++)
        s->ccr[i] = 0;
    for (int i = 0; i < 8; i++)
        s->rgcr[i] = 0;
    /* Request inputs are driven by the peripherals; they re-drive them on their own reset. */
}

static h7_dma_stream *stream_of(h7_dmamux *s, unsigned ch)
{
    return ch < 8 ? &s->soc->dma1.s[ch] : &s->soc->dma2.s[ch - 8];
}

bool h7_dmamux_channel_level(const h7_dmamux *s, unsigned ch)
{
    unsigned id = H7_FIELD_EX(s->ccr[ch & 15u], DMAMUX_CCR, DMAREQ_ID);
    return id != 0 && id < H7_DMAMUX1_NLINES && s->line[id];
}

void h7_dmamux_request(struct h7_soc *soc, unsigned line, bool level)
{
    h7_dmamux *s = &soc->dmamux;
    if (line >= H7_DMAMUX2_LINE(0)) {
        if (line - H7_DMAMUX2_LINE(0) < 32)
            s->line2[line - H7_DMAMUX2_LINE(0)] = level;
        return;
    }
    if (line >= H7_DMAMUX1_NLINES || s->line[line] == level)
        return;
    s->line[line] = level;
    for (unsigned ch = 0; ch < 16; ch++)
        if (H7_FIELD_EX(s->ccr[ch], DMAMUX_CCR, DMAREQ_ID) == line)
            h7_dma_request_changed(stream_of(s, ch), level);
}

uint32_t h7_dmamux_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_dmamux *s = dev;
    uint32_t off = offset & ~3u, v;
    if (off < 0x40)
        v = s->ccr[off / 4];
    else if (off >= A_DMAMUX_RG0CR && off < A_DMAMUX_RG0CR + 0x20)
        v = s->rgcr[(off - A_DMAMUX_RG0CR) / 4];
    else if (off == A_DMAMUX_CSR || off == A_DMAMUX_CFR || off == A_DMAMUX_RGSR || off == A_DMAMUX_RGCFR)
        v = 0;
    else {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "DMAMUX", "%s read of DMAMUX1+0x%03X: no register there",
                   h7_master_name(m), offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

void h7_dmamux_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_dmamux *s = dev;
    uint32_t off = offset & ~3u;
    if (off < 0x40) {
        unsigned ch = off / 4;
        uint32_t v = h7_subword_merge(s->ccr[ch], offset, size, value) & 0x1FFF037Fu;
        if ((v & (R_DMAMUX_CCR_SE_MASK | R_DMAMUX_CCR_EGE_MASK)) && !(s->ccr[ch] & (R_DMAMUX_CCR_SE_MASK | R_DMAMUX_CCR_EGE_MASK)))
            h7_soc_log(s->soc, H7_LOG_UNIMP, "DMAMUX", "DMAMUX1 channel %u synchronisation/event generation not modelled", ch);
        s->ccr[ch] = v;
        if (h7_dmamux_channel_level(s, ch))
            h7_dma_request_changed(stream_of(s, ch), true);
    } else if (off >= A_DMAMUX_RG0CR && off < A_DMAMUX_RG0CR + 0x20) {
        uint32_t v = h7_subword_merge(0, offset, size, value) & 0x00FF0103u;
        if (v & R_DMAMUX_RGCR_GE_MASK)
            h7_soc_log(s->soc, H7_LOG_UNIMP, "DMAMUX", "DMAMUX1 request generator %u not modelled",
                       (off - A_DMAMUX_RG0CR) / 4);
        s->rgcr[(off - A_DMAMUX_RG0CR) / 4] = v;
    } else if (off == A_DMAMUX_CFR || off == A_DMAMUX_RGCFR) {
        /* write-1-to-clear of overrun flags that are never set */
    } else {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "DMAMUX", "%s write of 0x%08X to DMAMUX1+0x%03X ignored: %s",
                   h7_master_name(m), value, offset, off == A_DMAMUX_CSR || off == A_DMAMUX_RGSR ? "read-only" : "no register there");
    }
}

/* DMAMUX1 / DMAMUX2 (RM0399 ch.17). See dmamux.h.
 *
 * Decisions (docs/models.md):
 * - Request routing (CxCR.DMAREQ_ID) is behavioural; synchronisation (SE), event generation (EGE)
 *   and the request generators (RGxCR.GE) are stored but not modelled: enabling them is logged as
 *   unimplemented. CSR/RGSR never set an overrun flag.
 * - Both multiplexers are always clocked (no enable bit of their own, RM0399 §9.7).
 * - Timer requests are pulses, one per event (RM0399 §38.3.x "DMA requests": the timer raises its
 *   request at the update / compare event and the DMA acknowledges it). The line goes high at the
 *   event and stays high until the stream mapped to it has moved one data item and acknowledges
 *   (h7_dmamux_ack); an event while the line is still high is lost, as on silicon, where the
 *   timer's request is already pending. A line raised while no stream listens stays pending. With
 *   a TIM DMA burst (DCR.DBL > 0) the line stays high for DBL + 1 acknowledges. */
#include "dmamux.h"

#include "bdma.h"
#include "dma.h"
#include "soc.h"

void h7_dmamux_init(h7_dmamux *s, struct h7_soc *soc, int index)
{
    *s = (h7_dmamux){0};
    s->soc = soc;
    s->index = index;
    s->nchannels = index == 1 ? 16u : 8u;
}

static const char *mux_name(const h7_dmamux *s) { return s->index == 1 ? "DMAMUX1" : "DMAMUX2"; }

void h7_dmamux_reset(h7_dmamux *s, h7_reset_kind kind)
{
    for (int i = 0; i < 16; i++)
        s->ccr[i] = 0;
    for (int i = 0; i < 8; i++)
        s->rgcr[i] = 0;
    /* A pending timer request is cleared by the timer's own reset (a system reset clears both). */
    for (unsigned l = 0; l < H7_DMAMUX1_NLINES; l++)
        if (s->pulse[l]) {
            s->pulse[l] = 0;
            s->line[l] = false;
        }
    /* Request inputs are driven by the peripherals; they re-drive them on their own reset. */
}

/* The stream (DMAMUX1) or BDMA channel (DMAMUX2) behind channel ch sees a new level. */
static void notify(h7_dmamux *s, unsigned ch, bool level)
{
    if (s->index == 2)
        h7_bdma_request_changed(&s->soc->bdma.ch[ch & 7u], level);
    else
        h7_dma_request_changed(ch < 8 ? &s->soc->dma1.s[ch] : &s->soc->dma2.s[ch - 8], level);
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
        s = &soc->dmamux2;
        line -= H7_DMAMUX2_LINE(0);
    }
    if (line >= H7_DMAMUX1_NLINES || s->line[line] == level)
        return;
    s->line[line] = level;
    for (unsigned ch = 0; ch < s->nchannels; ch++)
        if (H7_FIELD_EX(s->ccr[ch], DMAMUX_CCR, DMAREQ_ID) == line)
            notify(s, ch, level);
}

void h7_dmamux_pulse(struct h7_soc *soc, unsigned line, unsigned items)
{
    h7_dmamux *s = line >= H7_DMAMUX2_LINE(0) ? &soc->dmamux2 : &soc->dmamux;
    unsigned n = line >= H7_DMAMUX2_LINE(0) ? line - H7_DMAMUX2_LINE(0) : line;
    if (n == 0 || n >= H7_DMAMUX1_NLINES || s->pulse[n] || items == 0)
        return;   /* still pending: this event is lost */
    s->pulse[n] = (uint8_t)(items > 255u ? 255u : items);
    h7_dmamux_request(soc, line, true);
}

void h7_dmamux_ack(struct h7_soc *soc, int mux, unsigned ch)
{
    h7_dmamux *s = mux == 2 ? &soc->dmamux2 : &soc->dmamux;
    unsigned id = H7_FIELD_EX(s->ccr[ch & 15u], DMAMUX_CCR, DMAREQ_ID);
    if (id == 0 || id >= H7_DMAMUX1_NLINES || !s->pulse[id])
        return;
    if (--s->pulse[id] == 0)
        h7_dmamux_request(soc, mux == 2 ? H7_DMAMUX2_LINE(id) : id, false);
}

/* RM0399 Table 121, per timer: CH1 (CH2-4 follow), UP, TRIG, COM; 0 = no such line. The number of
 * CC lines: TIM4 has CH1-3 only, TIM15/16/17 CH1 only. */
typedef struct tim_lines { uint8_t tim, ch1, nch, up, trig, com; } tim_lines;
static const tim_lines timer_lines[] = {
    {1, H7_DMAREQ_TIM1_CH1, 4, H7_DMAREQ_TIM1_UP, H7_DMAREQ_TIM1_TRIG, H7_DMAREQ_TIM1_COM},
    {2, H7_DMAREQ_TIM2_CH1, 4, H7_DMAREQ_TIM2_UP, 0, 0},
    {3, H7_DMAREQ_TIM3_CH1, 4, H7_DMAREQ_TIM3_UP, H7_DMAREQ_TIM3_TRIG, 0},
    {4, H7_DMAREQ_TIM4_CH1, 3, H7_DMAREQ_TIM4_UP, 0, 0},
    {5, H7_DMAREQ_TIM5_CH1, 4, H7_DMAREQ_TIM5_UP, H7_DMAREQ_TIM5_TRIG, 0},
    {6, 0, 0, H7_DMAREQ_TIM6_UP, 0, 0},
    {7, 0, 0, H7_DMAREQ_TIM7_UP, 0, 0},
    {8, H7_DMAREQ_TIM8_CH1, 4, H7_DMAREQ_TIM8_UP, H7_DMAREQ_TIM8_TRIG, H7_DMAREQ_TIM8_COM},
    {15, H7_DMAREQ_TIM15_CH1, 1, H7_DMAREQ_TIM15_UP, H7_DMAREQ_TIM15_TRIG, H7_DMAREQ_TIM15_COM},
    {16, H7_DMAREQ_TIM16_CH1, 1, H7_DMAREQ_TIM16_UP, 0, 0},
    {17, H7_DMAREQ_TIM17_CH1, 1, H7_DMAREQ_TIM17_UP, 0, 0},
};

unsigned h7_dmamux_timer_line(int tim_number, h7_tim_dma_req req)
{
    for (size_t i = 0; i < sizeof timer_lines / sizeof timer_lines[0]; i++) {
        const tim_lines *t = &timer_lines[i];
        if (t->tim != tim_number)
            continue;
        switch (req) {
        case H7_TIM_DMA_UP: return t->up;
        case H7_TIM_DMA_TRIG: return t->trig;
        case H7_TIM_DMA_COM: return t->com;
        default: {
            unsigned c = (unsigned)(req - H7_TIM_DMA_CC1);
            return c < t->nch ? t->ch1 + c : 0u;
        }
        }
    }
    return 0;
}

void h7_dmamux_timer_request(void *opaque, h7_tim_id tim, h7_tim_dma_req req)
{
    h7_soc *soc = opaque;
    unsigned line = h7_dmamux_timer_line(h7_tim_infos[tim].number, req);
    if (line)
        h7_dmamux_pulse(soc, line, h7_tim_dma_burst_length(&soc->tim[tim]));   /* DBL + 1 transfers (DMA burst) */
}

uint32_t h7_dmamux_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_dmamux *s = dev;
    uint32_t off = offset & ~3u, v;
    if (off < 4 * s->nchannels)
        v = s->ccr[off / 4];
    else if (off >= A_DMAMUX_RG0CR && off < A_DMAMUX_RG0CR + 0x20)
        v = s->rgcr[(off - A_DMAMUX_RG0CR) / 4];
    else if (off == A_DMAMUX_CSR || off == A_DMAMUX_CFR || off == A_DMAMUX_RGSR || off == A_DMAMUX_RGCFR)
        v = 0;
    else {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "DMAMUX", "%s read of %s+0x%03X: no register there",
                   h7_master_name(m), mux_name(s), offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

void h7_dmamux_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_dmamux *s = dev;
    uint32_t off = offset & ~3u;
    if (off < 4 * s->nchannels) {
        unsigned ch = off / 4;
        uint32_t v = h7_subword_merge(s->ccr[ch], offset, size, value) & 0x1FFF037Fu;
        if ((v & (R_DMAMUX_CCR_SE_MASK | R_DMAMUX_CCR_EGE_MASK)) && !(s->ccr[ch] & (R_DMAMUX_CCR_SE_MASK | R_DMAMUX_CCR_EGE_MASK)))
            h7_soc_log(s->soc, H7_LOG_UNIMP, "DMAMUX", "%s channel %u synchronisation/event generation not modelled",
                       mux_name(s), ch);
        s->ccr[ch] = v;
        if (h7_dmamux_channel_level(s, ch))
            notify(s, ch, true);
    } else if (off >= A_DMAMUX_RG0CR && off < A_DMAMUX_RG0CR + 0x20) {
        uint32_t v = h7_subword_merge(0, offset, size, value) & 0x00FF0103u;
        if (v & R_DMAMUX_RGCR_GE_MASK)
            h7_soc_log(s->soc, H7_LOG_UNIMP, "DMAMUX", "%s request generator %u not modelled", mux_name(s),
                       (off - A_DMAMUX_RG0CR) / 4);
        s->rgcr[(off - A_DMAMUX_RG0CR) / 4] = v;
    } else if (off == A_DMAMUX_CFR || off == A_DMAMUX_RGCFR) {
        /* write-1-to-clear of overrun flags that are never set */
    } else {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "DMAMUX", "%s write of 0x%08X to %s+0x%03X ignored: %s",
                   h7_master_name(m), value, mux_name(s), offset, off == A_DMAMUX_CSR || off == A_DMAMUX_RGSR ? "read-only" : "no register there");
    }
}

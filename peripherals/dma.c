/* DMA1/DMA2 (RM0399 ch.16). See dma.h.
 *
 * Trace texts:
 *   'dma1: stream 0 transfer error at 0x20000100 (DTCM): stream disabled' -- a bus error (TEIF)
 *   'dma1: stream 0 FIFO error: ...' -- FEIF at enable (forbidden FIFO/burst configuration)
 *
 * Decisions (docs/models.md):
 * - One data item (one peripheral-size transfer) takes H7_DMA_ITEM_CYCLES cycles of the AHB clock
 *   (rcc_hclk): the read and the write through the bus matrix. RM0399 gives no figure; a fixed count
 *   keeps runs deterministic. The first item of a request starts one item time after the request.
 * - A peripheral-flow request is level-sensitive: the stream moves one item per item time while
 *   the DMAMUX line is high (the peripheral drops it when served, e.g. USART TXE after a TDR write).
 *   After each item the stream acknowledges (h7_dmamux_ack): a pulsed request (the timers', one per
 *   update/compare event) drops there, so one timer event moves exactly one item.
 * - FIFO mode is a 16-byte FIFO that packs/unpacks between PSIZE and MSIZE; the threshold (FTH)
 *   and bursts change no timing. A burst that does not fit the threshold (RM0399 Table 129
 *   "FIFO threshold configurations") sets FEIF and the stream is not enabled.
 * - A bus error (an address the bus matrix does not connect to this DMA: DTCM, ITCM, holes) sets
 *   TEIF and clears EN (RM0399 §16.3.17 "Error management").
 * - Clearing EN while a transfer is pending stops the stream after the current item and sets TCIF
 *   (RM0399 §16.3.17 "Stream disable").
 * - DMEIF is never set: the direct-mode overrun it reports needs a peripheral faster than the bus,
 *   which no model produces. */
#include "dma.h"

#include <string.h>

#include "dmamux.h"
#include "soc.h"

#define H7_DMA_ITEM_CYCLES 4u

const unsigned h7_dma_flag_shift[4] = {0, 6, 16, 22};

const h7_regdesc h7_dma_stream_regs[] = {
    {A_DMA_SxCR, "SxCR", 0, 0x01FFFFFFu, 0, 0, 0},   /* b20 TRBUFF (bufferable transfers): stored */
    {A_DMA_SxNDTR, "SxNDTR", 0, 0x0000FFFFu, 0, 0, 0},
    {A_DMA_SxPAR, "SxPAR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_DMA_SxM0AR, "SxM0AR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_DMA_SxM1AR, "SxM1AR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_DMA_SxFCR, "SxFCR", 0x00000021u, 0x00000087u, 0, 0x00000038u, 0},
};
const size_t h7_dma_stream_nregs = sizeof h7_dma_stream_regs / sizeof h7_dma_stream_regs[0];

/* NVIC lines (RM0399 Table 139 / CMSIS): DMA1 streams 0-6 -> 11-17, stream 7 -> 47; DMA2 streams
 * 0-4 -> 56-60, streams 5-7 -> 68-70. */
static int stream_irq(int dma, unsigned st)
{
    if (dma == 1)
        return st < 7 ? 11 + (int)st : 47;
    return st < 5 ? 56 + (int)st : 68 + (int)st - 5;
}

static const char *dma_name(const h7_dma *d) { return d->index == 1 ? "dma1" : "dma2"; }

h7_time_ps h7_dma_item_ps(const h7_dma *d)
{
    uint32_t hz = h7_rcc_hclk_hz(&d->soc->rcc);
    if (!hz)
        hz = 64000000u;
    return (h7_time_ps)H7_DMA_ITEM_CYCLES * H7_PS_PER_S / hz;
}

static unsigned size_bytes(uint32_t code) { return code == 0 ? 1u : code == 1 ? 2u : 4u; }
static unsigned dir_of(const h7_dma_stream *st) { return H7_FIELD_EX(st->cr, DMA_SxCR, DIR); }
static bool direct_mode(const h7_dma_stream *st)
{
    return !(st->fcr & R_DMA_SxFCR_DMDIS_MASK) && dir_of(st) != H7_DMA_DIR_M2M;
}
static unsigned psize(const h7_dma_stream *st) { return size_bytes(H7_FIELD_EX(st->cr, DMA_SxCR, PSIZE)); }
/* Direct mode: MSIZE is forced to PSIZE (RM0399 §16.3.12). */
static unsigned msize(const h7_dma_stream *st)
{
    return direct_mode(st) ? psize(st) : size_bytes(H7_FIELD_EX(st->cr, DMA_SxCR, MSIZE));
}
static unsigned channel_of(const h7_dma_stream *st) { return (st->dma->index == 1 ? 0u : 8u) + st->index; }

static void update_irq(h7_dma_stream *st)
{
    uint32_t f = st->flags, cr = st->cr;
    bool level = ((f & H7_DMA_TCIF) && (cr & R_DMA_SxCR_TCIE_MASK)) ||
                 ((f & H7_DMA_HTIF) && (cr & R_DMA_SxCR_HTIE_MASK)) ||
                 ((f & H7_DMA_TEIF) && (cr & R_DMA_SxCR_TEIE_MASK)) ||
                 ((f & H7_DMA_DMEIF) && (cr & R_DMA_SxCR_DMEIE_MASK)) ||
                 ((f & H7_DMA_FEIF) && (st->fcr & R_DMA_SxFCR_FEIE_MASK));
    h7_soc *soc = st->dma->soc;
    if (soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            soc->ops.set_irq(soc->host, (h7_core_id)k, st->irqn, level);
}

static void stop_stream(h7_dma_stream *st)
{
    st->cr &= ~R_DMA_SxCR_EN_MASK;
    h7_sched_cancel(st->dma->soc->sched, &st->ev_item);
    st->nfifo = 0;
}

static void bus_error(h7_dma_stream *st, uint32_t addr, bool write)
{
    h7_dma *d = st->dma;
    const char *why = h7_bus_unreachable(d->bus, addr, 1);
    h7_soc_emit(d->soc, &(h7_ev){.kind = H7_EV_DMA_TRANSFER_ERROR, .by = H7_MASTER_DMA,
                                 .u.dmaerr = {d->index, st->index, addr, write, h7_bus_area_name(addr)}});
    h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "DMA", "%s stream %u: bus error %s 0x%08X: %s", dma_name(d), st->index,
               write ? "writing" : "reading", addr, why ? why : "the slave answered with an error");
    st->flags |= H7_DMA_TEIF;
    stop_stream(st);
    update_irq(st);
}

static bool port_access(h7_dma_stream *st, uint32_t addr, uint8_t *buf, unsigned len, bool write)
{
    if (h7_soc_bus_access(st->dma->soc, st->dma->bus, addr, buf, len, write))
        return true;
    bus_error(st, addr, write);
    return false;
}

/* The peripheral port of P2M/M2P is PAR; in M2M PAR is the source and M0AR/M1AR the destination. */
static bool fifo_push_from(h7_dma_stream *st, uint32_t *addr, unsigned n, bool inc)
{
    if (!port_access(st, *addr, st->fifo + st->nfifo, n, false))
        return false;
    st->nfifo += n;
    if (inc)
        *addr += n;
    return true;
}

static bool fifo_pop_to(h7_dma_stream *st, uint32_t *addr, unsigned n, bool inc)
{
    if (n > st->nfifo)
        n = st->nfifo;
    if (!port_access(st, *addr, st->fifo, n, true))
        return false;
    memmove(st->fifo, st->fifo + n, st->nfifo - n);
    st->nfifo -= n;
    if (inc)
        *addr += n;
    return true;
}

/* One peripheral-size data item (NDTR counts these, RM0399 §16.3.12). False on a bus error. */
static bool move_item(h7_dma_stream *st)
{
    unsigned ps = psize(st), ms = msize(st);
    bool pinc = st->cr & R_DMA_SxCR_PINC_MASK, minc = st->cr & R_DMA_SxCR_MINC_MASK;
    bool last = st->ndtr == 1;
    if (dir_of(st) == H7_DMA_DIR_M2P) {
        while (st->nfifo < ps)
            if (!fifo_push_from(st, &st->mptr, ms, minc))
                return false;
        return fifo_pop_to(st, &st->pptr, ps, pinc);
    }
    /* P2M and M2M: peripheral side (PAR) -> FIFO -> memory side (M0AR/M1AR). */
    if (!fifo_push_from(st, &st->pptr, ps, pinc))
        return false;
    while (st->nfifo >= ms || (last && st->nfifo))
        if (!fifo_pop_to(st, &st->mptr, ms, minc))
            return false;
    return true;
}

static uint32_t mem_target(const h7_dma_stream *st) { return (st->cr & R_DMA_SxCR_CT_MASK) ? st->m1ar : st->m0ar; }

static bool request_high(const h7_dma_stream *st)
{
    return dir_of(st) == H7_DMA_DIR_M2M || h7_dmamux_channel_level(&st->dma->soc->dmamux, channel_of(st));
}

static void schedule_item(h7_dma_stream *st)
{
    h7_soc *soc = st->dma->soc;
    if ((st->cr & R_DMA_SxCR_EN_MASK) && !st->ev_item.queued && request_high(st))
        h7_sched_add(soc->sched, &st->ev_item, h7_soc_now(soc) + h7_dma_item_ps(st->dma));
}

/* NDTR reached 0: circular / double-buffer reload (RM0399 §16.3.10, §16.3.11) or stream end. */
static void end_of_block(h7_dma_stream *st)
{
    st->flags |= H7_DMA_TCIF;
    if (st->cr & (R_DMA_SxCR_CIRC_MASK | R_DMA_SxCR_DBM_MASK)) {
        st->ndtr = st->ndtr_start;
        st->half_done = false;
        if (st->cr & R_DMA_SxCR_DBM_MASK)
            st->cr ^= R_DMA_SxCR_CT_MASK;
        st->pptr = st->par;
        st->mptr = dir_of(st) == H7_DMA_DIR_M2M ? st->m0ar : mem_target(st);
    } else {
        st->cr &= ~R_DMA_SxCR_EN_MASK;
    }
}

static void item_due(void *opaque, h7_time_ps when)
{
    h7_dma_stream *st = opaque;
    if (!(st->cr & R_DMA_SxCR_EN_MASK) || !request_high(st) || st->ndtr == 0)
        return;
    if (!move_item(st))
        return;
    if (dir_of(st) != H7_DMA_DIR_M2M)
        h7_dmamux_ack(st->dma->soc, 1, channel_of(st));   /* a timer's request drops once served */
    st->ndtr--;
    if (!st->half_done && st->ndtr <= st->ndtr_start / 2) {
        st->half_done = true;
        st->flags |= H7_DMA_HTIF;
    }
    if (st->ndtr == 0)
        end_of_block(st);
    update_irq(st);
    schedule_item(st);
}

/* RM0399 Table 129: with FIFO mode and a memory burst, MBURST beats x MSIZE must fit the FIFO
 * threshold exactly (a whole number of bursts per threshold). */
static const char *fifo_config_error(const h7_dma_stream *st)
{
    if (direct_mode(st))
        return NULL;
    unsigned beats[4] = {1, 4, 8, 16};
    unsigned burst = beats[H7_FIELD_EX(st->cr, DMA_SxCR, MBURST)] * msize(st);
    unsigned threshold = 4u * (1u + H7_FIELD_EX(st->fcr, DMA_SxFCR, FTH));
    if (burst > 1 && (burst > threshold || threshold % burst))
        return "memory burst does not fit the FIFO threshold (RM0399 Table 129)";
    return NULL;
}

static void enable_stream(h7_dma_stream *st, h7_master m)
{
    h7_dma *d = st->dma;
    if (st->flags)
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "DMA", "%s enables %s stream %u with flags 0x%02X still set "
                   "(RM0399 §16.3.19: clear them in LIFCR/HIFCR first)", h7_master_name(m), dma_name(d), st->index,
                   st->flags);
    if (dir_of(st) == H7_DMA_DIR_M2M)
        st->fcr |= R_DMA_SxFCR_DMDIS_MASK;   /* M2M has no direct mode: forced by hardware */
    const char *fe = fifo_config_error(st);
    if (fe) {
        h7_soc_trace(d->soc, dma_name(d), "stream %u FIFO error: %s: stream not enabled", st->index, fe);
        st->flags |= H7_DMA_FEIF;
        st->cr &= ~R_DMA_SxCR_EN_MASK;
        update_irq(st);
        return;
    }
    st->ndtr_start = st->ndtr;
    st->half_done = false;
    st->nfifo = 0;
    st->pptr = st->par;
    st->mptr = dir_of(st) == H7_DMA_DIR_M2M ? st->m0ar : mem_target(st);
    schedule_item(st);
}

void h7_dma_request_changed(h7_dma_stream *st, bool level)
{
    if (level)
        schedule_item(st);
}

void h7_dma_init(h7_dma *d, struct h7_soc *soc, int index)
{
    *d = (h7_dma){0};
    d->soc = soc;
    d->index = index;
    d->bus = index == 1 ? H7_BUS_DMA1 : H7_BUS_DMA2;
    for (unsigned i = 0; i < 8; i++) {
        h7_dma_stream *st = &d->s[i];
        st->dma = d;
        st->index = i;
        st->irqn = stream_irq(index, i);
        h7_event_init(&st->ev_item, index == 1 ? "dma1.item" : "dma2.item", item_due, st);
    }
}

void h7_dma_reset(h7_dma *d, h7_reset_kind kind)
{
    for (unsigned i = 0; i < 8; i++) {
        h7_dma_stream *st = &d->s[i];
        stop_stream(st);
        st->cr = st->ndtr = st->par = st->m0ar = st->m1ar = 0;
        st->fcr = 0x21u;
        st->flags = 0;
        update_irq(st);
    }
}

static uint32_t fifo_status(const h7_dma_stream *st)
{
    if (direct_mode(st) || st->nfifo == 0)
        return 4u;   /* 100: empty */
    if (st->nfifo >= 16)
        return 5u;   /* 101: full */
    return st->nfifo / 4u;   /* 000 <1/4, 001 <1/2, 010 <3/4, 011 <full */
}

static uint32_t isr_value(const h7_dma *d, unsigned first)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; i++)
        v |= d->s[first + i].flags << h7_dma_flag_shift[i];
    return v;
}

uint32_t h7_dma_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_dma *d = dev;
    uint32_t off = offset & ~3u, v = 0;
    if (off == A_DMA_LISR || off == A_DMA_HISR)
        v = isr_value(d, off == A_DMA_LISR ? 0 : 4);
    else if (off == A_DMA_LIFCR || off == A_DMA_HIFCR)
        v = 0;
    else if (off >= 0x10 && off < 0x10 + 8 * 0x18) {
        h7_dma_stream *st = &d->s[(off - 0x10) / 0x18];
        switch ((off - 0x10) % 0x18) {
        case A_DMA_SxCR: v = st->cr; break;
        case A_DMA_SxNDTR: v = st->ndtr; break;
        case A_DMA_SxPAR: v = st->par; break;
        case A_DMA_SxM0AR: v = st->m0ar; break;
        case A_DMA_SxM1AR: v = st->m1ar; break;
        default: v = (st->fcr & ~R_DMA_SxFCR_FS_MASK) | (fifo_status(st) << R_DMA_SxFCR_FS_SHIFT); break;
        }
    } else {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "DMA", "%s read of %s+0x%03X: no register there", h7_master_name(m),
                   d->index == 1 ? "DMA1" : "DMA2", offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

static void clear_flags(h7_dma *d, unsigned first, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        h7_dma_stream *st = &d->s[first + i];
        st->flags &= ~((v >> h7_dma_flag_shift[i]) & 0x3Du);
        update_irq(st);
    }
}

static void write_cr(h7_dma_stream *st, uint32_t v, h7_master m)
{
    bool was = st->cr & R_DMA_SxCR_EN_MASK;
    if (was) {
        /* Only EN may change while the stream runs (RM0399 §16.5.5: the other bits, CT included,
         * are written with EN = 0). */
        uint32_t changed = (v ^ st->cr) & h7_dma_stream_regs[0].rw_mask & ~R_DMA_SxCR_EN_MASK;
        if (changed)
            h7_soc_log(st->dma->soc, H7_LOG_GUEST_ERROR, "DMA", "%s writes %s S%uCR bits 0x%08X while EN = 1: ignored "
                       "(RM0399 §16.5.5)", h7_master_name(m), dma_name(st->dma), st->index, changed);
        if (!(v & R_DMA_SxCR_EN_MASK)) {
            bool pending = st->ndtr != 0;
            stop_stream(st);
            if (pending)
                st->flags |= H7_DMA_TCIF;   /* RM0399 §16.3.17: disabling by software sets TCIF */
        }
        update_irq(st);
        return;
    }
    st->cr = v & h7_dma_stream_regs[0].rw_mask;
    if (st->cr & R_DMA_SxCR_EN_MASK)
        enable_stream(st, m);
    update_irq(st);
}

void h7_dma_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_dma *d = dev;
    uint32_t off = offset & ~3u;
    if (off == A_DMA_LIFCR || off == A_DMA_HIFCR) {
        clear_flags(d, off == A_DMA_LIFCR ? 0 : 4, h7_subword_merge(0, offset, size, value));
        return;
    }
    if (off < 0x10 || off >= 0x10 + 8 * 0x18) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "DMA", "%s write of 0x%08X to %s+0x%03X ignored: %s", h7_master_name(m),
                   value, d->index == 1 ? "DMA1" : "DMA2", offset, off < 0x10 ? "read-only" : "no register there");
        return;
    }
    h7_dma_stream *st = &d->s[(off - 0x10) / 0x18];
    uint32_t reg = (off - 0x10) % 0x18;
    const h7_regdesc *r = h7_reg_find(h7_dma_stream_regs, h7_dma_stream_nregs, reg);
    uint32_t *p = reg == A_DMA_SxCR ? &st->cr : reg == A_DMA_SxNDTR ? &st->ndtr : reg == A_DMA_SxPAR ? &st->par
                : reg == A_DMA_SxM0AR ? &st->m0ar : reg == A_DMA_SxM1AR ? &st->m1ar : &st->fcr;
    uint32_t v = h7_subword_merge(*p, offset, size, value);
    if (reg == A_DMA_SxCR) {
        write_cr(st, v, m);
        return;
    }
    bool running = st->cr & R_DMA_SxCR_EN_MASK;
    /* Double-buffer mode: the memory address not in use may be rewritten on the fly (§16.3.11). */
    bool dbm_free = (st->cr & R_DMA_SxCR_DBM_MASK) &&
                    ((reg == A_DMA_SxM0AR && (st->cr & R_DMA_SxCR_CT_MASK)) ||
                     (reg == A_DMA_SxM1AR && !(st->cr & R_DMA_SxCR_CT_MASK)));
    if (running && !dbm_free) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "DMA", "%s writes %s S%u%s while the stream is enabled: ignored "
                   "(RM0399 §16.5)", h7_master_name(m), dma_name(d), st->index, r->name + 2);
        return;
    }
    *p = (v & r->rw_mask) | (*p & r->ro_mask);
    if (reg == A_DMA_SxFCR)
        update_irq(st);
}

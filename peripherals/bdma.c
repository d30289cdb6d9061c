/* BDMA (RM0399 ch.18). See bdma.h.
 *
 * Decisions (docs/models.md):
 * - One transfer (one read, one write) takes 4 cycles of the AHB clock, like DMA1/DMA2.
 * - A bus error (an address outside D3, RM0399 §2.1 Table 3) sets TEIF and GIF and clears EN
 *   (RM0399 §18.4.x "Error management"); it is reported like a DMA1/DMA2 transfer error (dma 3).
 * - PL (priority) is stored only. */
#include "bdma.h"

#include "busmatrix.h"
#include "dmamux.h"
#include "soc.h"

#define H7_BDMA_ITEM_CYCLES 4u

h7_time_ps h7_bdma_item_ps(const h7_bdma *d)
{
    uint32_t hz = h7_rcc_hclk_hz(&d->soc->rcc);
    if (!hz)
        hz = 64000000u;
    return (h7_time_ps)H7_BDMA_ITEM_CYCLES * H7_PS_PER_S / hz;
}

static unsigned size_bytes(uint32_t code) { return code == 0 ? 1u : code == 1 ? 2u : 4u; }

static void update_irq(h7_bdma_channel *c)
{
    uint32_t f = c->flags, cr = c->ccr;
    bool level = ((f & H7_BDMA_TCIF) && (cr & R_BDMA_CCR_TCIE_MASK)) ||
                 ((f & H7_BDMA_HTIF) && (cr & R_BDMA_CCR_HTIE_MASK)) ||
                 ((f & H7_BDMA_TEIF) && (cr & R_BDMA_CCR_TEIE_MASK));
    h7_soc *soc = c->bdma->soc;
    if (soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            soc->ops.set_irq(soc->host, (h7_core_id)k, c->irqn, level);
}

static void set_flags(h7_bdma_channel *c, uint32_t f) { c->flags |= f | H7_BDMA_GIF; }

static bool request_high(const h7_bdma_channel *c)
{
    return (c->ccr & R_BDMA_CCR_MEM2MEM_MASK) || h7_dmamux_channel_level(&c->bdma->soc->dmamux2, c->index);
}

static void schedule_item(h7_bdma_channel *c)
{
    h7_soc *soc = c->bdma->soc;
    if ((c->ccr & R_BDMA_CCR_EN_MASK) && !c->ev_item.queued && request_high(c))
        h7_sched_add(soc->sched, &c->ev_item, h7_soc_now(soc) + h7_bdma_item_ps(c->bdma));
}

static void bus_error(h7_bdma_channel *c, uint32_t addr, bool write)
{
    h7_soc *soc = c->bdma->soc;
    h7_soc_emit(soc, &(h7_ev){.kind = H7_EV_DMA_TRANSFER_ERROR, .by = H7_MASTER_DMA,
                              .u.dmaerr = {3, c->index, addr, write, h7_bus_area_name(addr)}});
    const char *why = h7_bus_unreachable(H7_BUS_BDMA, addr, 1);
    h7_soc_log(soc, H7_LOG_GUEST_ERROR, "BDMA", "bdma channel %u: bus error %s 0x%08X: %s", c->index,
               write ? "writing" : "reading", addr, why ? why : "the slave answered with an error");
    set_flags(c, H7_BDMA_TEIF);
    c->ccr &= ~R_BDMA_CCR_EN_MASK;
    h7_sched_cancel(soc->sched, &c->ev_item);
    update_irq(c);
}

static uint32_t mem_target(const h7_bdma_channel *c) { return (c->ccr & R_BDMA_CCR_CT_MASK) ? c->cm1ar : c->cm0ar; }

/* One transfer: read the source size, write the destination size (zero-extended or truncated,
 * little-endian; RM0399 Table 135). DIR = 1 reads memory, DIR = 0 reads the peripheral. */
static bool move_item(h7_bdma_channel *c)
{
    unsigned ps = size_bytes(H7_FIELD_EX(c->ccr, BDMA_CCR, PSIZE)), ms = size_bytes(H7_FIELD_EX(c->ccr, BDMA_CCR, MSIZE));
    bool from_mem = c->ccr & R_BDMA_CCR_DIR_MASK;
    uint32_t *src = from_mem ? &c->mptr : &c->pptr, *dst = from_mem ? &c->pptr : &c->mptr;
    unsigned ss = from_mem ? ms : ps, ds = from_mem ? ps : ms;
    uint8_t buf[4] = {0};
    h7_soc *soc = c->bdma->soc;
    if (!h7_soc_bus_access(soc, H7_BUS_BDMA, *src, buf, ss, false)) {
        bus_error(c, *src, false);
        return false;
    }
    if (!h7_soc_bus_access(soc, H7_BUS_BDMA, *dst, buf, ds, true)) {
        bus_error(c, *dst, true);
        return false;
    }
    if (c->ccr & R_BDMA_CCR_PINC_MASK)
        c->pptr += ps;
    if (c->ccr & R_BDMA_CCR_MINC_MASK)
        c->mptr += ms;
    return true;
}

static void item_due(void *opaque, h7_time_ps when)
{
    h7_bdma_channel *c = opaque;
    if (!(c->ccr & R_BDMA_CCR_EN_MASK) || !request_high(c) || c->cndtr == 0)
        return;
    if (!move_item(c))
        return;
    c->cndtr--;
    if (!c->half_done && c->cndtr <= c->ndtr_start / 2) {
        c->half_done = true;
        set_flags(c, H7_BDMA_HTIF);
    }
    if (c->cndtr == 0) {
        set_flags(c, H7_BDMA_TCIF);
        if (c->ccr & (R_BDMA_CCR_CIRC_MASK | R_BDMA_CCR_DBM_MASK)) {
            c->cndtr = c->ndtr_start;
            c->half_done = false;
            if (c->ccr & R_BDMA_CCR_DBM_MASK)
                c->ccr ^= R_BDMA_CCR_CT_MASK;
            c->pptr = c->cpar;
            c->mptr = mem_target(c);
        } else {
            c->ccr &= ~R_BDMA_CCR_EN_MASK;   /* Decision: as DMA1/DMA2, the channel ends disabled */
        }
    }
    update_irq(c);
    schedule_item(c);
}

void h7_bdma_request_changed(h7_bdma_channel *c, bool level)
{
    if (level)
        schedule_item(c);
}

void h7_bdma_init(h7_bdma *d, struct h7_soc *soc)
{
    *d = (h7_bdma){0};
    d->soc = soc;
    for (unsigned i = 0; i < 8; i++) {
        h7_bdma_channel *c = &d->ch[i];
        c->bdma = d;
        c->index = i;
        c->irqn = 129 + (int)i;   /* BDMA_Channel0_IRQn .. BDMA_Channel7_IRQn (RM0399 Table 139) */
        h7_event_init(&c->ev_item, "bdma.item", item_due, c);
    }
}

void h7_bdma_reset(h7_bdma *d, h7_reset_kind kind)
{
    for (unsigned i = 0; i < 8; i++) {
        h7_bdma_channel *c = &d->ch[i];
        h7_sched_cancel(d->soc->sched, &c->ev_item);
        c->ccr = c->cndtr = c->cpar = c->cm0ar = c->cm1ar = c->flags = 0;
        update_irq(c);
    }
}

uint32_t h7_bdma_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_bdma *d = dev;
    uint32_t off = offset & ~3u, v = 0;
    if (off == A_BDMA_ISR) {
        for (unsigned i = 0; i < 8; i++)
            v |= d->ch[i].flags << (4 * i);
    } else if (off == A_BDMA_IFCR) {
        v = 0;
    } else if (off >= 0x08 && off < 0x08 + 8 * 0x14) {
        h7_bdma_channel *c = &d->ch[(off - 0x08) / 0x14];
        switch ((off - 0x08) % 0x14) {
        case A_BDMA_CCR: v = c->ccr; break;
        case A_BDMA_CNDTR: v = c->cndtr; break;
        case A_BDMA_CPAR: v = c->cpar; break;
        case A_BDMA_CM0AR: v = c->cm0ar; break;
        default: v = c->cm1ar; break;
        }
    } else {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "BDMA", "%s read of BDMA+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

static void write_ccr(h7_bdma_channel *c, uint32_t v, h7_master m)
{
    const uint32_t rw = 0x0001FFFFu & ~(1u << 16);   /* CT is read-only unless EN = 0 */
    bool was = c->ccr & R_BDMA_CCR_EN_MASK;
    if (was) {
        /* RM0399 §18.6.3: only EN (and the interrupt enables) may change while the channel runs. */
        uint32_t ie = R_BDMA_CCR_TCIE_MASK | R_BDMA_CCR_HTIE_MASK | R_BDMA_CCR_TEIE_MASK;
        if ((v ^ c->ccr) & rw & ~(ie | R_BDMA_CCR_EN_MASK))
            h7_soc_log(c->bdma->soc, H7_LOG_GUEST_ERROR, "BDMA", "%s writes BDMA_CCR%u while EN = 1: only EN and the "
                       "interrupt enables change", h7_master_name(m), c->index);
        c->ccr = (c->ccr & ~(ie | R_BDMA_CCR_EN_MASK)) | (v & (ie | R_BDMA_CCR_EN_MASK));
        if (!(c->ccr & R_BDMA_CCR_EN_MASK))
            h7_sched_cancel(c->bdma->soc->sched, &c->ev_item);
        update_irq(c);
        return;
    }
    c->ccr = v & (rw | R_BDMA_CCR_CT_MASK);
    if (c->ccr & R_BDMA_CCR_EN_MASK) {
        c->ndtr_start = c->cndtr;
        c->half_done = false;
        c->pptr = c->cpar;
        c->mptr = mem_target(c);
        schedule_item(c);
    }
    update_irq(c);
}

void h7_bdma_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_bdma *d = dev;
    uint32_t off = offset & ~3u;
    if (off == A_BDMA_IFCR) {
        uint32_t v = h7_subword_merge(0, offset, size, value);
        for (unsigned i = 0; i < 8; i++) {
            uint32_t f = (v >> (4 * i)) & 0xFu;
            if (f & H7_BDMA_GIF)
                f = 0xFu;   /* CGIF clears every flag of the channel */
            d->ch[i].flags &= ~f;
            if (!(d->ch[i].flags & (H7_BDMA_TCIF | H7_BDMA_HTIF | H7_BDMA_TEIF)))
                d->ch[i].flags = 0;
            update_irq(&d->ch[i]);
        }
        return;
    }
    if (off < 0x08 || off >= 0x08 + 8 * 0x14) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "BDMA", "%s write of 0x%08X to BDMA+0x%03X ignored: %s", h7_master_name(m),
                   value, offset, off == A_BDMA_ISR ? "read-only" : "no register there");
        return;
    }
    h7_bdma_channel *c = &d->ch[(off - 0x08) / 0x14];
    uint32_t reg = (off - 0x08) % 0x14;
    uint32_t *p = reg == A_BDMA_CCR ? &c->ccr : reg == A_BDMA_CNDTR ? &c->cndtr : reg == A_BDMA_CPAR ? &c->cpar
                : reg == A_BDMA_CM0AR ? &c->cm0ar : &c->cm1ar;
    uint32_t v = h7_subword_merge(*p, offset, size, value);
    if (reg == A_BDMA_CCR) {
        write_ccr(c, v, m);
        return;
    }
    bool running = c->ccr & R_BDMA_CCR_EN_MASK;
    bool dbm_free = (c->ccr & R_BDMA_CCR_DBM_MASK) &&
                    ((reg == A_BDMA_CM0AR && (c->ccr & R_BDMA_CCR_CT_MASK)) ||
                     (reg == A_BDMA_CM1AR && !(c->ccr & R_BDMA_CCR_CT_MASK)));
    if (running && !dbm_free) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "BDMA", "%s writes a BDMA channel %u register while EN = 1: ignored",
                   h7_master_name(m), c->index);
        return;
    }
    *p = reg == A_BDMA_CNDTR ? (v & 0xFFFFu) : v;
}

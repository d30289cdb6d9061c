/* MDMA (RM0399 ch.15). See mdma.h.
 *
 * Decisions (docs/models.md):
 * - Only software requests (CxTCR.SWRM = 1, CxCR.SWRQ) start transfers; hardware triggers (TSEL)
 *   and linked lists (CxLAR != 0) are logged as unimplemented.
 * - One request serves what CxTCR.TRGM says: one buffer (TLEN + 1 bytes), one block (BNDT bytes),
 *   all repeated blocks, or the whole channel transfer. Each buffer is one event taking
 *   4 + bytes/2 AHB cycles (a 64-bit AXI master; RM0399 gives no figure).
 * - Data moves as a byte stream: SSIZE-wide reads, DSIZE-wide writes (packing as with PKE = 1).
 * - The TCMs are reached only through the AHBS port: an ITCM/DTCM address with CxTBR.SBUS/DBUS = 0
 *   (system/AXI bus) is a transfer error, as is any address the bus matrix does not connect.
 *   TEIF is set, CxESR.TEA/TED record the address bits and the direction, the channel is disabled.
 * - At the end of the channel transfer (BNDT and BRC exhausted) CTCIF is set and EN cleared. */
#include "mdma.h"

#include <string.h>

#include "busmatrix.h"
#include "soc.h"

h7_time_ps h7_mdma_buffer_ps(const h7_mdma *d, uint32_t bytes)
{
    uint32_t hz = h7_rcc_hclk_hz(&d->soc->rcc);
    if (!hz)
        hz = 64000000u;
    return (h7_time_ps)(4u + bytes / 2u) * H7_PS_PER_S / hz;
}

static bool any_irq(const h7_mdma_channel *c) { return (c->flags & (c->ccr >> 1) & 0x1Fu) != 0; }

static void update_irq(h7_mdma *d)
{
    bool level = false;
    for (unsigned i = 0; i < 16; i++)
        level = level || any_irq(&d->ch[i]);
    if (d->soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            d->soc->ops.set_irq(d->soc->host, (h7_core_id)k, 122, level);   /* MDMA_IRQn */
}

static bool is_tcm(uint32_t a) { return a < 0x00010000u || (a >= 0x20000000u && a < 0x20020000u); }

static void transfer_error(h7_mdma_channel *c, uint32_t addr, bool write, const char *why)
{
    h7_mdma *d = c->mdma;
    h7_soc_emit(d->soc, &(h7_ev){.kind = H7_EV_DMA_TRANSFER_ERROR, .by = H7_MASTER_DMA,
                                 .u.dmaerr = {4, c->index, addr, write, h7_bus_area_name(addr)}});
    h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "MDMA", "mdma channel %u: bus error %s 0x%08X: %s", c->index,
               write ? "writing" : "reading", addr, why);
    c->flags |= H7_MDMA_TEIF;
    c->cesr = (addr & 0x7Fu) | (write ? 1u << 7 : 0);
    c->ccr &= ~R_MDMA_CCR_EN_MASK;
    c->active = false;
    h7_sched_cancel(d->soc->sched, &c->ev_buf);
    update_irq(d);
}

static bool access(h7_mdma_channel *c, uint32_t addr, uint8_t *buf, unsigned n, bool write)
{
    bool ahb = write ? (c->ctbr & R_MDMA_CTBR_DBUS_MASK) : (c->ctbr & R_MDMA_CTBR_SBUS_MASK);
    if (is_tcm(addr) && !ahb) {
        transfer_error(c, addr, write, "the TCMs are reached through the AHBS port only: set CxTBR.SBUS/DBUS "
                                       "(RM0399 §15.3.x, §2.1)");
        return false;
    }
    if (!h7_soc_bus_access(c->mdma->soc, H7_BUS_MDMA, addr, buf, n, write)) {
        const char *why = h7_bus_unreachable(H7_BUS_MDMA, addr, n);
        transfer_error(c, addr, write, why ? why : "the slave answered with an error");
        return false;
    }
    return true;
}

static void step(uint32_t *a, unsigned inc, unsigned offset_code)
{
    uint32_t by = 1u << offset_code;
    if (inc == 2)
        *a += by;
    else if (inc == 3)
        *a -= by;
}

/* Move `n` bytes: SSIZE-wide reads into a small FIFO, DSIZE-wide writes out of it. */
static bool move_bytes(h7_mdma_channel *c, uint32_t n)
{
    unsigned ss = 1u << H7_FIELD_EX(c->ctcr, MDMA_CTCR, SSIZE), ds = 1u << H7_FIELD_EX(c->ctcr, MDMA_CTCR, DSIZE);
    unsigned sinc = H7_FIELD_EX(c->ctcr, MDMA_CTCR, SINC), dinc = H7_FIELD_EX(c->ctcr, MDMA_CTCR, DINC);
    unsigned sos = H7_FIELD_EX(c->ctcr, MDMA_CTCR, SINCOS), dos = H7_FIELD_EX(c->ctcr, MDMA_CTCR, DINCOS);
    uint8_t fifo[16];
    unsigned nf = 0;
    uint32_t read = 0;
    while (read < n || nf) {
        if (read < n && nf + ss <= sizeof fifo) {
            unsigned k = n - read < ss ? n - read : ss;
            if (!access(c, c->src, fifo + nf, k, false))
                return false;
            nf += k;
            read += k;
            step(&c->src, sinc, sos > H7_FIELD_EX(c->ctcr, MDMA_CTCR, SSIZE) ? sos : H7_FIELD_EX(c->ctcr, MDMA_CTCR, SSIZE));
        }
        while (nf >= ds || (read == n && nf)) {
            unsigned k = nf < ds ? nf : ds;
            if (!access(c, c->dst, fifo, k, true))
                return false;
            memmove(fifo, fifo + k, nf - k);
            nf -= k;
            step(&c->dst, dinc, dos > H7_FIELD_EX(c->ctcr, MDMA_CTCR, DSIZE) ? dos : H7_FIELD_EX(c->ctcr, MDMA_CTCR, DSIZE));
        }
    }
    return true;
}

static uint32_t bndt(const h7_mdma_channel *c) { return H7_FIELD_EX(c->cbndtr, MDMA_CBNDTR, BNDT); }
static uint32_t brc(const h7_mdma_channel *c) { return H7_FIELD_EX(c->cbndtr, MDMA_CBNDTR, BRC); }

static uint32_t next_buffer(const h7_mdma_channel *c)
{
    uint32_t len = H7_FIELD_EX(c->ctcr, MDMA_CTCR, TLEN) + 1u;
    return bndt(c) < len ? bndt(c) : len;
}

static void schedule(h7_mdma_channel *c)
{
    h7_soc *soc = c->mdma->soc;
    if (!c->ev_buf.queued)
        h7_sched_add(soc->sched, &c->ev_buf, h7_soc_now(soc) + h7_mdma_buffer_ps(c->mdma, next_buffer(c)));
}

static void buffer_due(void *opaque, h7_time_ps when)
{
    h7_mdma_channel *c = opaque;
    if (!(c->ccr & R_MDMA_CCR_EN_MASK) || !c->active)
        return;
    uint32_t n = next_buffer(c);
    if (n && !move_bytes(c, n))
        return;
    c->cbndtr = H7_FIELD_DP(c->cbndtr, MDMA_CBNDTR, BNDT, bndt(c) - n);
    c->flags |= H7_MDMA_TCIF;
    unsigned trgm = H7_FIELD_EX(c->ctcr, MDMA_CTCR, TRGM);
    bool served = trgm == H7_MDMA_TRGM_BUFFER;
    if (bndt(c) == 0) {
        c->flags |= H7_MDMA_BTIF;
        served = served || trgm == H7_MDMA_TRGM_BLOCK;
        if (brc(c) > 0) {
            /* RM0399 §15.3.x block repeat: BNDT reloads, addresses move by CxBRUR. */
            uint32_t suv = c->cbrur & 0xFFFFu, duv = c->cbrur >> 16;
            c->src = (c->cbndtr & R_MDMA_CBNDTR_BRSUM_MASK) ? c->src - suv : c->src + suv;
            c->dst = (c->cbndtr & R_MDMA_CBNDTR_BRDUM_MASK) ? c->dst - duv : c->dst + duv;
            c->cbndtr = H7_FIELD_DP(c->cbndtr, MDMA_CBNDTR, BRC, brc(c) - 1u);
            c->cbndtr = H7_FIELD_DP(c->cbndtr, MDMA_CBNDTR, BNDT, c->bndt_start);
        } else {
            c->flags |= H7_MDMA_BRTIF | H7_MDMA_CTCIF;
            c->ccr &= ~R_MDMA_CCR_EN_MASK;   /* channel transfer complete (CxLAR = 0) */
            served = true;
        }
    }
    if (served)
        c->active = false;
    else
        schedule(c);
    update_irq(c->mdma);
}

void h7_mdma_init(h7_mdma *d, struct h7_soc *soc)
{
    *d = (h7_mdma){0};
    d->soc = soc;
    for (unsigned i = 0; i < 16; i++) {
        d->ch[i].mdma = d;
        d->ch[i].index = i;
        h7_event_init(&d->ch[i].ev_buf, "mdma.buffer", buffer_due, &d->ch[i]);
    }
}

void h7_mdma_reset(h7_mdma *d, h7_reset_kind kind)
{
    for (unsigned i = 0; i < 16; i++) {
        h7_mdma_channel *c = &d->ch[i];
        h7_sched_cancel(d->soc->sched, &c->ev_buf);
        c->ccr = c->ctcr = c->cbndtr = c->csar = c->cdar = c->cbrur = c->clar = c->ctbr = c->cmar = c->cmdr = 0;
        c->flags = c->cesr = 0;
        c->active = false;
    }
    update_irq(d);
}

static uint32_t *reg_ptr(h7_mdma_channel *c, uint32_t reg)
{
    switch (reg) {
    case A_MDMA_CCR: return &c->ccr;
    case A_MDMA_CTCR: return &c->ctcr;
    case A_MDMA_CBNDTR: return &c->cbndtr;
    case A_MDMA_CSAR: return &c->csar;
    case A_MDMA_CDAR: return &c->cdar;
    case A_MDMA_CBRUR: return &c->cbrur;
    case A_MDMA_CLAR: return &c->clar;
    case A_MDMA_CTBR: return &c->ctbr;
    case A_MDMA_CMAR: return &c->cmar;
    case A_MDMA_CMDR: return &c->cmdr;
    default: return NULL;
    }
}

uint32_t h7_mdma_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_mdma *d = dev;
    uint32_t off = offset & ~3u, v = 0;
    if (off == A_MDMA_GISR0) {
        for (unsigned i = 0; i < 16; i++)
            v |= any_irq(&d->ch[i]) ? 1u << i : 0;
        return h7_subword_read(v, offset, size);
    }
    if (off < 0x40 || off >= 0x40 + 16 * 0x40) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "MDMA", "%s read of MDMA+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
    h7_mdma_channel *c = &d->ch[(off - 0x40) / 0x40];
    uint32_t reg = (off - 0x40) % 0x40;
    bool running = c->ccr & R_MDMA_CCR_EN_MASK;
    if (reg == A_MDMA_CISR)
        v = c->flags | (c->active ? R_MDMA_CISR_CRQA_MASK : 0);
    else if (reg == A_MDMA_CESR)
        v = c->cesr;
    else if (reg == A_MDMA_CIFCR)
        v = 0;
    else if (reg == A_MDMA_CSAR && (running || c->flags))
        v = c->src;   /* updated by hardware during the transfer */
    else if (reg == A_MDMA_CDAR && (running || c->flags))
        v = c->dst;
    else if (reg_ptr(c, reg))
        v = *reg_ptr(c, reg);   /* CxCR.SWRQ is never stored: reads 0 */
    else {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "MDMA", "%s read of MDMA+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

static void write_ccr(h7_mdma_channel *c, uint32_t v, h7_master m)
{
    h7_mdma *d = c->mdma;
    bool was = c->ccr & R_MDMA_CCR_EN_MASK;
    c->ccr = v & 0x000070FFu;
    if (!(c->ccr & R_MDMA_CCR_EN_MASK)) {
        c->active = false;
        h7_sched_cancel(d->soc->sched, &c->ev_buf);
    } else if (!was) {
        c->src = c->csar;
        c->dst = c->cdar;
        c->bndt_start = bndt(c);
        if (c->clar)
            h7_soc_log(d->soc, H7_LOG_UNIMP, "MDMA", "MDMA channel %u linked-list mode (CxLAR = 0x%08X) not modelled",
                       c->index, c->clar);
    }
    if ((v & R_MDMA_CCR_SWRQ_MASK) && (c->ccr & R_MDMA_CCR_EN_MASK)) {
        if (!(c->ctcr & (1u << R_MDMA_CTCR_SWRM_SHIFT)))
            h7_soc_log(d->soc, H7_LOG_UNIMP, "MDMA", "%s: MDMA channel %u hardware trigger (TSEL %u) not modelled; "
                       "only software requests (CxTCR.SWRM = 1)", h7_master_name(m), c->index, c->ctbr & 0x3Fu);
        else if (!c->active) {
            c->active = true;
            schedule(c);
        }
    }
    update_irq(d);
}

void h7_mdma_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_mdma *d = dev;
    uint32_t off = offset & ~3u;
    if (off < 0x40 || off >= 0x40 + 16 * 0x40) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "MDMA", "%s write of 0x%08X to MDMA+0x%03X ignored: %s", h7_master_name(m),
                   value, offset, off == A_MDMA_GISR0 ? "read-only" : "no register there");
        return;
    }
    h7_mdma_channel *c = &d->ch[(off - 0x40) / 0x40];
    uint32_t reg = (off - 0x40) % 0x40;
    if (reg == A_MDMA_CIFCR) {
        c->flags &= ~(h7_subword_merge(0, offset, size, value) & 0x1Fu);
        if (!(c->flags & H7_MDMA_TEIF))
            c->cesr = 0;
        update_irq(d);
        return;
    }
    uint32_t *p = reg_ptr(c, reg);
    if (!p) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "MDMA", "%s write of 0x%08X to MDMA+0x%03X ignored: %s", h7_master_name(m),
                   value, offset, reg == A_MDMA_CISR || reg == A_MDMA_CESR ? "read-only" : "no register there");
        return;
    }
    uint32_t v = h7_subword_merge(*p, offset, size, value);
    if (reg == A_MDMA_CCR) {
        write_ccr(c, v, m);
        return;
    }
    if (c->ccr & R_MDMA_CCR_EN_MASK) {
        h7_soc_log(d->soc, H7_LOG_GUEST_ERROR, "MDMA", "%s writes an MDMA channel %u register while EN = 1: ignored "
                   "(RM0399 §15.5)", h7_master_name(m), c->index);
        return;
    }
    static const struct { uint32_t reg, mask; } masks[] = {
        {A_MDMA_CBNDTR, 0xFFFDFFFFu}, {A_MDMA_CTBR, 0x0003003Fu}, {A_MDMA_CLAR, 0xFFFFFFFCu},
    };
    uint32_t mask = 0xFFFFFFFFu;
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++)
        if (masks[i].reg == reg)
            mask = masks[i].mask;
    *p = v & mask;
}

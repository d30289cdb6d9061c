/* USART (RM0399 ch.48; facts §6.4).
 *
 * Trace text: 'uart3: "<line>"' for every line the firmware prints (the newline ends it; CR is
 * dropped, other control bytes are shown as \xNN).
 *
 * Decisions (docs/models.md):
 * - A frame takes (1 start + data bits + stop bits) bit times; bit time = BRR / f_ker (OVER8 = 0)
 *   or BRR' / (2 f_ker) (OVER8 = 1), with f_ker from RCC (PCLK1 for USART3 by default) / PRESC.
 * - TDR moves to the shift register at once when it is idle (TXE stays 1, TC drops); TC sets when
 *   the last frame leaves. TEACK/REACK follow TE/RE at once.
 * - FIFO mode (FIFOEN) behaves as a one-deep FIFO; TXFNF/RXFNE are TXE/RXNE (same bits). */
#include "usart.h"

#include <stdio.h>

#include "soc.h"

const h7_regdesc h7_usart_regs[] = {
    {A_USART_CR1, "USART_CR1", 0, 0xFFFFFFFDu, 0, 0, 0},
    {A_USART_CR2, "USART_CR2", 0, 0xFFFFFFFBu, 0, 0, 0},
    {A_USART_CR3, "USART_CR3", 0, 0xFFF7FFFFu, 0, 0, 0},
    {A_USART_BRR, "USART_BRR", 0, 0x0000FFFFu, 0, 0, 0},
    {A_USART_GTPR, "USART_GTPR", 0, 0x0000FFFFu, 0, 0, 0},
    {A_USART_RTOR, "USART_RTOR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_USART_RQR, "USART_RQR", 0, 0, 0, 0, 0},
    {A_USART_ISR, "USART_ISR", 0x000000C0u, 0, 0, 0x03FFFFFFu, 0},
    {A_USART_ICR, "USART_ICR", 0, 0, 0x00123B5Fu, 0, 0},
    {A_USART_RDR, "USART_RDR", 0, 0, 0, 0x000001FFu, 0},
    {A_USART_TDR, "USART_TDR", 0, 0x000001FFu, 0, 0, 0},
    {A_USART_PRESC, "USART_PRESC", 0, 0x0000000Fu, 0, 0, 0},
};
const size_t h7_usart_nregs = sizeof h7_usart_regs / sizeof h7_usart_regs[0];

static const unsigned presc_div[16] = {1, 2, 4, 6, 8, 10, 12, 16, 32, 64, 128, 256, 256, 256, 256, 256};

static bool enabled(const h7_usart *s, uint32_t bit) { return (s->cr1 & R_USART_CR1_UE_MASK) && (s->cr1 & bit); }

static void update_irq(h7_usart *s)
{
    uint32_t isr = s->isr;
    bool level = ((s->cr1 & R_USART_CR1_TXEIE_MASK) && (isr & R_USART_ISR_TXE_MASK)) ||
                 ((s->cr1 & R_USART_CR1_TCIE_MASK) && (isr & R_USART_ISR_TC_MASK)) ||
                 ((s->cr1 & R_USART_CR1_RXNEIE_MASK) && (isr & (R_USART_ISR_RXNE_MASK | R_USART_ISR_ORE_MASK)));
    level = level && (s->cr1 & R_USART_CR1_UE_MASK);
    if (s->soc->ops.set_irq && s->irqn >= 0)
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, s->irqn, level);
}

h7_time_ps h7_usart_frame_ps(const h7_usart *s)
{
    uint64_t ker = h7_rcc_usart_kernel_hz(&s->soc->rcc, s->index) / presc_div[s->presc & 0xFu];
    uint32_t brr = s->brr & 0xFFFFu;
    if (!ker || brr < 16u)
        return 0;
    unsigned data = (s->cr1 & R_USART_CR1_M1_MASK) ? 7 : (s->cr1 & R_USART_CR1_M0_MASK) ? 9 : 8;
    unsigned stop2 = H7_FIELD_EX(s->cr2, USART_CR2, STOP);   /* 00 1, 01 0.5, 10 2, 11 1.5 stop bits */
    uint64_t half_bits = 2u * (1u + data) + (stop2 == 0 ? 2u : stop2 == 1 ? 1u : stop2 == 2 ? 4u : 3u);
    uint64_t div = brr;
    if (s->cr1 & R_USART_CR1_OVER8_MASK)
        div = (((uint64_t)(brr & 0xFFF0u)) | ((brr & 7u) << 1)) / 2u;
    return (h7_time_ps)(half_bits * div * H7_PS_PER_S / (2u * ker));
}

void h7_usart_flush_line(h7_usart *s)
{
    if (!s->nline)
        return;
    s->line[s->nline] = '\0';
    h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_UART_LINE, .u.uart = {s->index, s->line}});
    s->nline = 0;
}

static void console_byte(h7_usart *s, uint8_t b)
{
    if (s->soc->ops.uart_tx)
        s->soc->ops.uart_tx(s->soc->host, s->index, b);
    if (b == '\n') {
        h7_usart_flush_line(s);
        return;
    }
    if (b == '\r')
        return;
    char esc[5];
    int n = (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') ? snprintf(esc, sizeof esc, "%c", b)
                                                             : snprintf(esc, sizeof esc, "\\x%02X", b);
    if (s->nline + (size_t)n >= sizeof s->line - 1)
        h7_usart_flush_line(s);
    for (int i = 0; i < n; i++)
        s->line[s->nline++] = esc[i];
}

static void start_frame(h7_usart *s)
{
    h7_time_ps t = h7_usart_frame_ps(s);
    if (!t) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "USART%d transmits with BRR = %u and kernel clock %u Hz: "
                   "nothing leaves the pin", s->index, s->brr, h7_rcc_usart_kernel_hz(&s->soc->rcc, s->index));
        return;
    }
    s->shifting = true;
    s->isr |= R_USART_ISR_BUSY_MASK;
    s->isr &= ~R_USART_ISR_TC_MASK;
    h7_sched_add(s->soc->sched, &s->ev_tx, h7_soc_now(s->soc) + t);
}

static void frame_done(void *opaque, h7_time_ps when)
{
    h7_usart *s = opaque;
    s->shifting = false;
    console_byte(s, s->shift);
    if (s->tdr_full && enabled(s, R_USART_CR1_TE_MASK)) {
        s->shift = s->tdr;
        s->tdr_full = false;
        s->isr |= R_USART_ISR_TXE_MASK;
        start_frame(s);
    } else {
        s->isr |= R_USART_ISR_TC_MASK;
        s->isr &= ~R_USART_ISR_BUSY_MASK;
    }
    update_irq(s);
}

void h7_usart_init(h7_usart *s, struct h7_soc *soc, int index)
{
    *s = (h7_usart){0};
    s->soc = soc;
    s->index = index;
    s->irqn = index == 1 ? 37 : index == 2 ? 38 : index == 3 ? 39 : index == 6 ? 71 : -1;
    h7_event_init(&s->ev_tx, "usart.tx", frame_done, s);
}

static void stop_all(h7_usart *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_tx);
    s->shifting = s->tdr_full = false;
    s->isr = 0x000000C0u;
}

void h7_usart_reset(h7_usart *s, h7_reset_kind kind)
{
    h7_usart_flush_line(s);   /* what was printed before the reset stays on the timeline */
    stop_all(s);
    s->cr1 = s->cr2 = s->cr3 = s->brr = s->gtpr = s->rtor = s->presc = 0;
    s->rdr = s->tdr = 0;
    s->nline = 0;
    update_irq(s);
}

static uint32_t isr_value(const h7_usart *s)
{
    uint32_t v = s->isr;
    if (enabled(s, R_USART_CR1_TE_MASK))
        v |= R_USART_ISR_TEACK_MASK;
    if (enabled(s, R_USART_CR1_RE_MASK))
        v |= R_USART_ISR_REACK_MASK;
    if (s->cr1 & R_USART_CR1_FIFOEN_MASK)
        v |= s->tdr_full ? 0 : (1u << 23);   /* TXFE */
    return v;
}

uint32_t h7_usart_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_usart *s = dev;
    uint32_t v;
    switch (offset & ~3u) {
    case A_USART_CR1: v = s->cr1; break;
    case A_USART_CR2: v = s->cr2; break;
    case A_USART_CR3: v = s->cr3; break;
    case A_USART_BRR: v = s->brr; break;
    case A_USART_GTPR: v = s->gtpr; break;
    case A_USART_RTOR: v = s->rtor; break;
    case A_USART_RQR: case A_USART_ICR: case A_USART_TDR: v = 0; break;
    case A_USART_ISR: v = isr_value(s); break;
    case A_USART_RDR:
        v = s->rdr;
        if (m != H7_MASTER_DEBUG) {   /* reading RDR clears RXNE (a debugger read does not) */
            s->isr &= ~R_USART_ISR_RXNE_MASK;
            update_irq(s);
        }
        break;
    case A_USART_PRESC: v = s->presc; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s read of USART%d+0x%03X: no register there", h7_master_name(m),
                   s->index, offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

static void write_tdr(h7_usart *s, uint8_t b, h7_master m)
{
    if (!enabled(s, R_USART_CR1_TE_MASK)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s writes USART%d_TDR with UE or TE off: byte 0x%02X lost",
                   h7_master_name(m), s->index, b);
        return;
    }
    if (!s->shifting) {
        s->shift = b;
        start_frame(s);
    } else if (!s->tdr_full) {
        s->tdr = b;
        s->tdr_full = true;
        s->isr &= ~R_USART_ISR_TXE_MASK;
    } else {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s writes USART%d_TDR while TXE = 0: byte 0x%02X overwrites 0x%02X",
                   h7_master_name(m), s->index, b, s->tdr);
        s->tdr = b;
    }
}

void h7_usart_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_usart *s = dev;
    uint32_t off = offset & ~3u;
    const h7_regdesc *r = h7_reg_find(h7_usart_regs, h7_usart_nregs, off);
    if (!r) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s write of 0x%08X to USART%d+0x%03X ignored: no register there",
                   h7_master_name(m), value, s->index, offset);
        return;
    }
    uint32_t v = size >= 4 ? value : h7_subword_merge(0, offset, size, value);
    switch (off) {
    case A_USART_CR1: {
        uint32_t old = s->cr1;
        s->cr1 = h7_subword_merge(old, offset, size, value) & r->rw_mask;
        if ((old & R_USART_CR1_UE_MASK) && !(s->cr1 & R_USART_CR1_UE_MASK))
            stop_all(s);   /* UE = 0 resets the transmitter and receiver state */
        break;
    }
    case A_USART_CR2: case A_USART_CR3: case A_USART_BRR: case A_USART_GTPR: case A_USART_RTOR: case A_USART_PRESC: {
        uint32_t *p = off == A_USART_CR2 ? &s->cr2 : off == A_USART_CR3 ? &s->cr3 : off == A_USART_BRR ? &s->brr
                    : off == A_USART_GTPR ? &s->gtpr : off == A_USART_RTOR ? &s->rtor : &s->presc;
        if ((s->cr1 & R_USART_CR1_UE_MASK) && off != A_USART_RTOR && off != A_USART_CR3)
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s writes USART%d %s while UE = 1 (RM0399: only with UE = 0)",
                       h7_master_name(m), s->index, r->name);
        *p = h7_subword_merge(*p, offset, size, value) & r->rw_mask;
        break;
    }
    case A_USART_RQR:
        if (v & (1u << 3))   /* RXFRQ: flush the received byte */
            s->isr &= ~R_USART_ISR_RXNE_MASK;
        if (v & (1u << 4))   /* TXFRQ: flush TDR */
            if (s->tdr_full) {
                s->tdr_full = false;
                s->isr |= R_USART_ISR_TXE_MASK;
            }
        break;
    case A_USART_ICR: s->isr &= ~(v & r->w1c_mask); break;
    case A_USART_TDR: write_tdr(s, (uint8_t)v, m); break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s write to read-only USART%d %s ignored", h7_master_name(m), s->index,
                   r->name);
        return;
    }
    update_irq(s);
}

bool h7_usart_rx(h7_usart *s, uint8_t byte)
{
    if (!enabled(s, R_USART_CR1_RE_MASK)) {
        h7_soc_log(s->soc, H7_LOG_NOTE, "USART", "USART%d receiver off (UE/RE = 0): input byte 0x%02X dropped", s->index, byte);
        return false;
    }
    if (s->isr & R_USART_ISR_RXNE_MASK)
        s->isr |= R_USART_ISR_ORE_MASK;   /* overrun: the new byte is lost */
    else {
        s->rdr = byte;
        s->isr |= R_USART_ISR_RXNE_MASK;
    }
    update_irq(s);
    return true;
}

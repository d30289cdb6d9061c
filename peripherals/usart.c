/* U(S)ART (RM0399 ch.48 USART, ch.49 LPUART; facts §6.4). One model for every instance.
 *
 * Trace text: '<src>: "<line>"' for every line the firmware prints on an instance, src = uart1,
 * uart2, uart3 (the Nucleo console), uart4 .. uart8, lpuart1 (the newline ends the line; CR is
 * dropped, other control bytes are shown as \xNN).
 *
 * Decisions (docs/models.md):
 * - A frame takes (1 start + data bits + stop bits) bit times; bit time = BRR / f_ker (OVER8 = 0)
 *   or BRR' / (2 f_ker) (OVER8 = 1), with f_ker from the RCC kernel clock mux / PRESC. LPUART1:
 *   bit time = BRR / (256 f_ker) (RM0399 §49.4.7, baud = 256 f_ker / BRR), BRR >= 0x300.
 * - TDR moves to the shift register at once when it is idle (TXE stays 1, TC drops); TC sets when
 *   the last frame leaves. TEACK/REACK follow TE/RE at once.
 * - FIFO mode (FIFOEN): 16-entry TX and RX FIFOs. TXFNF/RXFNE are the TXE/RXNE bits. TXFT is set
 *   while at least TXFTCFG's fraction of the TX FIFO is free, RXFT while at least RXFTCFG's
 *   fraction of the RX FIFO is filled (the amounts HAL moves per threshold interrupt).
 * - DMA requests are levels: TX = DMAT and TXE/TXFNF (with TE), RX = DMAR and RXNE/RXFNE.
 * - Every byte keeps the bus master of its TDR write (CM7, CM4, DMA, debug) through the TX FIFO and
 *   the shift register and hands it to the host with the byte (--uart-prefix); not a register. */
#include "usart.h"

#include <stdio.h>
#include <string.h>

#include "dmamux.h"
#include "soc.h"

const h7_regdesc h7_usart_regs[] = {
    {A_USART_CR1, "USART_CR1", 0, 0xFFFFFFFDu, 0, 0, 0},
    {A_USART_CR2, "USART_CR2", 0, 0xFFFFFFFBu, 0, 0, 0},
    {A_USART_CR3, "USART_CR3", 0, 0xFFF7FFFFu, 0, 0, 0},
    {A_USART_BRR, "USART_BRR", 0, 0x0000FFFFu, 0, 0, 0},
    {A_USART_GTPR, "USART_GTPR", 0, 0x0000FFFFu, 0, 0, 0},
    {A_USART_RTOR, "USART_RTOR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_USART_RQR, "USART_RQR", 0, 0, 0, 0, 0},
    {A_USART_ISR, "USART_ISR", 0x000000C0u, 0, 0, 0x0FFFFFFFu, 0},
    {A_USART_ICR, "USART_ICR", 0, 0, 0x00123B5Fu, 0, 0},
    {A_USART_RDR, "USART_RDR", 0, 0, 0, 0x000001FFu, 0},
    {A_USART_TDR, "USART_TDR", 0, 0x000001FFu, 0, 0, 0},
    {A_USART_PRESC, "USART_PRESC", 0, 0x0000000Fu, 0, 0, 0},
};
const size_t h7_usart_nregs = sizeof h7_usart_regs / sizeof h7_usart_regs[0];

/* Windows, NVIC lines (RM0399 Table 139), RCC enable bits (§9.7) and DMAMUX1 lines (Table 121). */
const h7_usart_info h7_usart_infos[H7_NUARTS + 1] = {
    [1] = {"USART1", "uart1", 37, H7_RCC_EN_APB2, 4, H7_DMAREQ_USART1_RX, H7_DMAREQ_USART1_TX},
    [2] = {"USART2", "uart2", 38, H7_RCC_EN_APB1L, 17, H7_DMAREQ_USART2_RX, H7_DMAREQ_USART2_TX},
    [3] = {"USART3", "uart3", 39, H7_RCC_EN_APB1L, 18, H7_DMAREQ_USART3_RX, H7_DMAREQ_USART3_TX},
    [4] = {"UART4", "uart4", 52, H7_RCC_EN_APB1L, 19, H7_DMAREQ_UART4_RX, H7_DMAREQ_UART4_TX},
    [5] = {"UART5", "uart5", 53, H7_RCC_EN_APB1L, 20, H7_DMAREQ_UART5_RX, H7_DMAREQ_UART5_TX},
    [6] = {"USART6", "uart6", 71, H7_RCC_EN_APB2, 5, H7_DMAREQ_USART6_RX, H7_DMAREQ_USART6_TX},
    [7] = {"UART7", "uart7", 82, H7_RCC_EN_APB1L, 30, H7_DMAREQ_UART7_RX, H7_DMAREQ_UART7_TX},
    [8] = {"UART8", "uart8", 83, H7_RCC_EN_APB1L, 31, H7_DMAREQ_UART8_RX, H7_DMAREQ_UART8_TX},
    [9] = {"LPUART1", "lpuart1", 142, H7_RCC_EN_APB4, 3, H7_DMAMUX2_LINE(H7_DMAREQ2_LPUART1_RX),
           H7_DMAMUX2_LINE(H7_DMAREQ2_LPUART1_TX)},
};

int h7_usart_parse_name(const char *s)
{
    if (!strcmp(s, "lpuart") || !strcmp(s, "lpuart1"))
        return H7_LPUART1;
    if (!strncmp(s, "usart", 5))
        s += 5;
    else if (!strncmp(s, "uart", 4))
        s += 4;
    if (s[0] >= '1' && s[0] <= '8' && s[1] == '\0')
        return s[0] - '0';
    return 0;
}

static const unsigned presc_div[16] = {1, 2, 4, 6, 8, 10, 12, 16, 32, 64, 128, 256, 256, 256, 256, 256};

static bool enabled(const h7_usart *s, uint32_t bit) { return (s->cr1 & R_USART_CR1_UE_MASK) && (s->cr1 & bit); }
static bool fifo_mode(const h7_usart *s) { return s->cr1 & R_USART_CR1_FIFOEN_MASK; }
static unsigned depth(const h7_usart *s) { return fifo_mode(s) ? H7_USART_FIFO_DEPTH : 1u; }

/* FIFO threshold in entries: 1/8, 1/4, 1/2, 3/4, 7/8, full (RM0399 §48.7.3 CR3.TXFTCFG/RXFTCFG). */
static unsigned threshold(unsigned cfg)
{
    static const unsigned eighths[8] = {1, 2, 4, 6, 7, 8, 8, 8};
    return H7_USART_FIFO_DEPTH * eighths[cfg & 7u] / 8u;
}

static uint32_t isr_value(const h7_usart *s)
{
    uint32_t v = s->isr;
    if (s->ntx < depth(s))
        v |= R_USART_ISR_TXE_MASK;
    if (s->nrx)
        v |= R_USART_ISR_RXNE_MASK;
    if (enabled(s, R_USART_CR1_TE_MASK))
        v |= R_USART_ISR_TEACK_MASK;
    if (enabled(s, R_USART_CR1_RE_MASK))
        v |= R_USART_ISR_REACK_MASK;
    if (fifo_mode(s)) {
        if (!s->ntx)
            v |= R_USART_ISR_TXFE_MASK;
        if (s->nrx == H7_USART_FIFO_DEPTH)
            v |= R_USART_ISR_RXFF_MASK;
        if (H7_USART_FIFO_DEPTH - s->ntx >= threshold(H7_FIELD_EX(s->cr3, USART_CR3, TXFTCFG)))
            v |= R_USART_ISR_TXFT_MASK;
        if (s->nrx >= threshold(H7_FIELD_EX(s->cr3, USART_CR3, RXFTCFG)))
            v |= R_USART_ISR_RXFT_MASK;
    }
    return v;
}

static void update_dma(h7_usart *s, uint32_t isr)
{
    const h7_usart_info *in = &h7_usart_infos[s->index];
    bool tx = (s->cr3 & R_USART_CR3_DMAT_MASK) && enabled(s, R_USART_CR1_TE_MASK) && (isr & R_USART_ISR_TXE_MASK);
    bool rx = (s->cr3 & R_USART_CR3_DMAR_MASK) && (s->cr1 & R_USART_CR1_UE_MASK) && (isr & R_USART_ISR_RXNE_MASK);
    if (tx != s->dma_tx_level) {
        s->dma_tx_level = tx;
        h7_dmamux_request(s->soc, in->dmareq_tx, tx);
    }
    if (rx != s->dma_rx_level) {
        s->dma_rx_level = rx;
        h7_dmamux_request(s->soc, in->dmareq_rx, rx);
    }
}

/* Interrupt line and DMA request lines follow the flags (called after every state change). */
static void update_irq(h7_usart *s)
{
    uint32_t isr = isr_value(s), cr1 = s->cr1, cr3 = s->cr3;
    bool level = ((cr1 & R_USART_CR1_TXEIE_MASK) && (isr & R_USART_ISR_TXE_MASK)) ||
                 ((cr1 & R_USART_CR1_TCIE_MASK) && (isr & R_USART_ISR_TC_MASK)) ||
                 ((cr1 & R_USART_CR1_RXNEIE_MASK) && (isr & (R_USART_ISR_RXNE_MASK | R_USART_ISR_ORE_MASK))) ||
                 ((cr1 & R_USART_CR1_TXFEIE_MASK) && (isr & R_USART_ISR_TXFE_MASK)) ||
                 ((cr1 & R_USART_CR1_RXFFIE_MASK) && (isr & R_USART_ISR_RXFF_MASK)) ||
                 ((cr3 & R_USART_CR3_TXFTIE_MASK) && (isr & R_USART_ISR_TXFT_MASK)) ||
                 ((cr3 & R_USART_CR3_RXFTIE_MASK) && (isr & R_USART_ISR_RXFT_MASK)) ||
                 ((cr3 & R_USART_CR3_EIE_MASK) && (isr & R_USART_ISR_ORE_MASK));
    level = level && (cr1 & R_USART_CR1_UE_MASK);
    if (s->soc->ops.set_irq && s->irqn >= 0)
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, s->irqn, level);
    update_dma(s, isr);
}

static uint32_t kernel_hz(const h7_usart *s)
{
    return h7_rcc_usart_kernel_hz(&s->soc->rcc, s->index) / presc_div[s->presc & 0xFu];
}

h7_time_ps h7_usart_frame_ps(const h7_usart *s)
{
    uint64_t ker = kernel_hz(s);
    uint32_t brr = s->index == H7_LPUART1 ? s->brr & 0xFFFFFu : s->brr & 0xFFFFu;
    if (!ker || brr < (s->index == H7_LPUART1 ? 0x300u : 16u))
        return 0;
    unsigned data = (s->cr1 & R_USART_CR1_M1_MASK) ? 7 : (s->cr1 & R_USART_CR1_M0_MASK) ? 9 : 8;
    unsigned stop2 = H7_FIELD_EX(s->cr2, USART_CR2, STOP);   /* 00 1, 01 0.5, 10 2, 11 1.5 stop bits */
    uint64_t half_bits = 2u * (1u + data) + (stop2 == 0 ? 2u : stop2 == 1 ? 1u : stop2 == 2 ? 4u : 3u);
    if (s->index == H7_LPUART1)   /* bit time = BRR / (256 f_ker) (RM0399 §49.4.7) */
        return (h7_time_ps)(half_bits * (uint64_t)brr * H7_PS_PER_S / (512u * ker));
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

static void line_byte(h7_usart *s, uint8_t b, h7_master by)
{
    if (s->soc->ops.uart_tx)
        s->soc->ops.uart_tx(s->soc->host, s->index, b, by);
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
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s transmits with BRR = %u and kernel clock %u Hz: "
                   "nothing leaves the pin", h7_usart_infos[s->index].window, s->brr, kernel_hz(s));
        return;
    }
    s->shifting = true;
    s->isr |= R_USART_ISR_BUSY_MASK;
    s->isr &= ~R_USART_ISR_TC_MASK;
    h7_sched_add(s->soc->sched, &s->ev_tx, h7_soc_now(s->soc) + t);
}

static uint8_t pop(uint8_t *q, unsigned *n)
{
    uint8_t b = q[0];
    memmove(q, q + 1, --*n);
    return b;
}

/* The next TX FIFO byte into the shift register, with the master that wrote it. */
static void pop_tx(h7_usart *s)
{
    s->shift_by = s->txq_by[0];
    memmove(s->txq_by, s->txq_by + 1, (s->ntx - 1u) * sizeof s->txq_by[0]);
    s->shift = pop(s->txq, &s->ntx);
}

static void frame_done(void *opaque, h7_time_ps when)
{
    h7_usart *s = opaque;
    s->shifting = false;
    line_byte(s, s->shift, s->shift_by);
    if (s->ntx && enabled(s, R_USART_CR1_TE_MASK)) {
        pop_tx(s);
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
    s->irqn = h7_usart_infos[index].irqn;
    h7_event_init(&s->ev_tx, "usart.tx", frame_done, s);
}

static void stop_all(h7_usart *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_tx);
    s->shifting = false;
    s->ntx = s->nrx = 0;
    s->isr = R_USART_ISR_TC_MASK;
}

void h7_usart_reset(h7_usart *s, h7_reset_kind kind)
{
    h7_usart_flush_line(s);   /* what was printed before the reset stays on the timeline */
    stop_all(s);
    s->cr1 = s->cr2 = s->cr3 = s->brr = s->gtpr = s->rtor = s->presc = 0;
    s->nline = 0;
    update_irq(s);
}

/* ISR (TXE/TC/RXNE... at the frame events, TEACK/REACK at enable writes) and the configuration
 * registers: reading them has no side effect (RDR pops the receive FIFO: not stable). The UART
 * TXE/TC polls of a console print. */
bool h7_usart_read_stable(uint32_t offset)
{
    return offset == A_USART_ISR || offset == A_USART_CR1 || offset == A_USART_CR2 || offset == A_USART_CR3 ||
           offset == A_USART_BRR;
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
        v = s->nrx ? s->rxq[0] : 0;
        if (m != H7_MASTER_DEBUG && s->nrx) {   /* reading RDR pops it (a debugger read does not) */
            pop(s->rxq, &s->nrx);
            update_irq(s);
        }
        break;
    case A_USART_PRESC: v = s->presc; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s read of %s+0x%03X: no register there", h7_master_name(m),
                   h7_usart_infos[s->index].window, offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

static void write_tdr(h7_usart *s, uint8_t b, h7_master m)
{
    const char *nm = h7_usart_infos[s->index].window;
    if (!enabled(s, R_USART_CR1_TE_MASK)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s writes %s_TDR with UE or TE off: byte 0x%02X lost",
                   h7_master_name(m), nm, b);
        return;
    }
    if (!s->shifting) {
        s->shift = b;
        s->shift_by = m;
        start_frame(s);
    } else if (s->ntx < depth(s)) {
        s->txq_by[s->ntx] = m;
        s->txq[s->ntx++] = b;
    } else {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s writes %s_TDR while TXE = 0: byte 0x%02X overwrites 0x%02X",
                   h7_master_name(m), nm, b, s->txq[s->ntx - 1]);
        s->txq[s->ntx - 1] = b;
        s->txq_by[s->ntx - 1] = m;
    }
}

void h7_usart_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_usart *s = dev;
    uint32_t off = offset & ~3u;
    const char *nm = h7_usart_infos[s->index].window;
    const h7_regdesc *r = h7_reg_find(h7_usart_regs, h7_usart_nregs, off);
    if (!r) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s write of 0x%08X to %s+0x%03X ignored: no register there",
                   h7_master_name(m), value, nm, offset);
        return;
    }
    uint32_t v = size >= 4 ? value : h7_subword_merge(0, offset, size, value);
    switch (off) {
    case A_USART_CR1: {
        uint32_t old = s->cr1;
        s->cr1 = h7_subword_merge(old, offset, size, value) & r->rw_mask;
        if ((old & R_USART_CR1_UE_MASK) && !(s->cr1 & R_USART_CR1_UE_MASK))
            stop_all(s);   /* UE = 0 resets the transmitter and receiver state */
        if ((old ^ s->cr1) & R_USART_CR1_FIFOEN_MASK && (old & R_USART_CR1_UE_MASK))
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s changes %s FIFOEN while UE = 1 (RM0399 §48.7.1: only "
                       "with UE = 0)", h7_master_name(m), nm);
        break;
    }
    case A_USART_CR2: case A_USART_CR3: case A_USART_BRR: case A_USART_GTPR: case A_USART_RTOR: case A_USART_PRESC: {
        uint32_t *p = off == A_USART_CR2 ? &s->cr2 : off == A_USART_CR3 ? &s->cr3 : off == A_USART_BRR ? &s->brr
                    : off == A_USART_GTPR ? &s->gtpr : off == A_USART_RTOR ? &s->rtor : &s->presc;
        if ((s->cr1 & R_USART_CR1_UE_MASK) && off != A_USART_RTOR && off != A_USART_CR3)
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s writes %s %s while UE = 1 (RM0399: only with UE = 0)",
                       h7_master_name(m), nm, r->name);
        uint32_t mask = r->rw_mask;
        if (off == A_USART_BRR && s->index == H7_LPUART1)
            mask = 0x000FFFFFu;   /* LPUART_BRR is 20 bits (RM0399 §49.7.4) */
        *p = h7_subword_merge(*p, offset, size, value) & mask;
        break;
    }
    case A_USART_RQR:
        if (v & (1u << 3))   /* RXFRQ: flush the received data */
            s->nrx = 0;
        if (v & (1u << 4))   /* TXFRQ: flush TDR / the TX FIFO */
            s->ntx = 0;
        break;
    case A_USART_ICR: s->isr &= ~(v & r->w1c_mask); break;
    case A_USART_TDR: write_tdr(s, (uint8_t)v, m); break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "USART", "%s write to read-only %s %s ignored", h7_master_name(m), nm,
                   r->name);
        return;
    }
    update_irq(s);
}

bool h7_usart_rx_ready(const h7_usart *s) { return enabled(s, R_USART_CR1_RE_MASK) && s->nrx < depth(s); }

bool h7_usart_rx(h7_usart *s, uint8_t byte)
{
    if (!enabled(s, R_USART_CR1_RE_MASK)) {
        h7_soc_log(s->soc, H7_LOG_NOTE, "USART", "%s receiver off (UE/RE = 0): input byte 0x%02X dropped",
                   h7_usart_infos[s->index].window, byte);
        return false;
    }
    if (s->nrx >= depth(s))
        s->isr |= R_USART_ISR_ORE_MASK;   /* overrun: the new byte is lost */
    else
        s->rxq[s->nrx++] = byte;
    update_irq(s);
    return true;
}

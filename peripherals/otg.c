/* USB OTG HS/FS cores (RM0399 OTG chapter; sections cited by title: "OTG_HS global registers",
 * "Host-mode registers", "Device-mode registers").
 *
 * Trace texts: 'usb<n>: host mode' / 'usb<n>: device mode' (GINTSTS.CMOD changed),
 * 'usb<n>: D+ pull-up on (soft connect)' / 'usb<n>: D+ pull-up off', 'usb<n>: host port power on' /
 * 'off' (HPRT.PPWR in host mode).
 *
 * Decisions (docs/models.md):
 * - Core soft reset (GRSTCTL.CSRST) resets the HCLK and PHY clock domains, so it completes only
 *   with a PHY clock: for the embedded full-speed PHY (OTG2, or OTG1 with GUSBCFG.PHYSEL = 1)
 *   that is the 48 MHz USB kernel clock (RCC_D2CCIP2R.USBSEL); OTG1 with PHYSEL = 0 needs a
 *   ULPI PHY, which no board here has. Without it CSRST stays 1 (HAL: USB_CoreReset times out).
 *   With it, CSRST clears 2 us later. The reset clears the interrupts (GINTSTS to its reset
 *   value) and the FIFO state; configuration registers are kept (the RM's list of preserved
 *   bits is longer than the HAL needs; unconfirmed which others survive).
 * - AHBIDL reads 1 at all times (no DMA master in the core model).
 * - TXFFLSH/RXFFLSH clear 2 us after they are set.
 * - GINTSTS.CMOD follows GUSBCFG.FHMOD/FDMOD 25 ms after the write ("wait at least 25 ms");
 *   with neither forced, the ID pin decides: nothing is plugged into the Nucleo's CN13, so the
 *   core is a B-device (device mode).
 * - Endpoint/channel handshakes: EPDIS with EPENA (DIEPCTLx/DOEPCTLx) and CHDIS with CHENA
 *   (HCCHARx) complete at once (EPDISD/CHH set, EPENA/CHENA cleared); SNAK/CNAK set/clear NAKSTS.
 * - The FIFO area (0x1000..) reads 0 and ignores writes (logged once as unimplemented): no data
 *   moves, no device/host is attached, no enumeration ever starts.
 * - Every other register in the table is storage with its reset value (table-only). */
#include "otg.h"

#include "soc.h"

#define R(off) ((off) / 4u)

/* Registers with a reset value or special access; everything else in 0x000-0xE04 is storage. */
const h7_regdesc h7_otg_regs[] = {
    {A_OTG_GOTGCTL, "OTG_GOTGCTL", 0x00010000u, 0x00101EFEu, 0, 0x002F0101u, 0},
    {A_OTG_GAHBCFG, "OTG_GAHBCFG", 0, 0x000001BFu, 0, 0, 0},
    {A_OTG_GUSBCFG, "OTG_GUSBCFG", 0x00001440u, 0xFFFFFFFFu, 0, 0, 0},
    {A_OTG_GRSTCTL, "OTG_GRSTCTL", 0x80000000u, 0x000007F7u, 0, 0x80000000u, 0},
    {A_OTG_GINTSTS, "OTG_GINTSTS", 0x04000020u, 0, 0xF8B0FC0Au, 0, 0},
    {A_OTG_GINTMSK, "OTG_GINTMSK", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_OTG_GRXSTSR, "OTG_GRXSTSR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_OTG_GRXSTSP, "OTG_GRXSTSP", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_OTG_GRXFSIZ, "OTG_GRXFSIZ", 0x00000200u, 0x0000FFFFu, 0, 0, 0},
    {A_OTG_HNPTXFSIZ, "OTG_HNPTXFSIZ", 0x02000200u, 0xFFFFFFFFu, 0, 0, 0},
    {A_OTG_HNPTXSTS, "OTG_HNPTXSTS", 0x00080200u, 0, 0, 0xFFFFFFFFu, 0},
    {A_OTG_GCCFG, "OTG_GCCFG", 0, 0x003F0000u, 0, 0, 0},
    {A_OTG_CID, "OTG_CID", 0x00001200u, 0xFFFFFFFFu, 0, 0, 0},
    {A_OTG_GSNPSID, "OTG_GSNPSID", 0x4F54330Au, 0, 0, 0xFFFFFFFFu, 0},
    {A_OTG_HPTXFSIZ, "OTG_HPTXFSIZ", 0x02000600u, 0xFFFFFFFFu, 0, 0, 0},
    {A_OTG_HCFG, "OTG_HCFG", 0, 0x00000087u, 0, 0, 0},
    {0x404, "OTG_HFIR", 0x0000EA60u, 0x0001FFFFu, 0, 0, 0},
    {0x408, "OTG_HFNUM", 0x00003FFFu, 0, 0, 0xFFFFFFFFu, 0},
    {0x410, "OTG_HPTXSTS", 0x00080100u, 0, 0, 0xFFFFFFFFu, 0},
    {0x414, "OTG_HAINT", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_OTG_HPRT, "OTG_HPRT", 0, 0x0001F1C0u, 0x0000002Eu, 0x00060C11u, 0},
    {A_OTG_DCFG, "OTG_DCFG", 0x02200000u, 0xFFFFFFFFu, 0, 0, 0},
    {A_OTG_DCTL, "OTG_DCTL", 0x00000002u, 0x00040873u, 0, 0x0000000Cu, 0},
    {A_OTG_DSTS, "OTG_DSTS", 0x00000010u, 0, 0, 0xFFFFFFFFu, 0},
    {0x818, "OTG_DAINT", 0, 0, 0, 0xFFFFFFFFu, 0},
    {0x828, "OTG_DVBUSDIS", 0x000017D7u, 0x0000FFFFu, 0, 0, 0},
    {0x82C, "OTG_DVBUSPULSE", 0x000005B8u, 0x00000FFFu, 0, 0, 0},
    {A_OTG_PCGCCTL, "OTG_PCGCCTL", 0, 0x0000000Bu, 0, 0, 0},
};
const size_t h7_otg_nregs = sizeof h7_otg_regs / sizeof h7_otg_regs[0];

static const char *src(const h7_otg *s) { return s->index == 1 ? "usb1" : "usb2"; }

/* Per-channel / per-endpoint blocks: stride 0x20. */
static bool in_block(uint32_t off, uint32_t base, unsigned n) { return off >= base && off < base + 0x20u * n; }
static bool is_hcchar(uint32_t off) { return in_block(off, 0x500, H7_OTG_CHANNELS) && (off & 0x1Fu) == 0x00; }
static bool is_hcint(uint32_t off) { return in_block(off, 0x500, H7_OTG_CHANNELS) && (off & 0x1Fu) == 0x08; }
static bool is_epctl(uint32_t off)
{
    return (in_block(off, 0x900, H7_OTG_ENDPOINTS) || in_block(off, 0xB00, H7_OTG_ENDPOINTS)) && (off & 0x1Fu) == 0x00;
}
static bool is_epint(uint32_t off)
{
    return (in_block(off, 0x900, H7_OTG_ENDPOINTS) || in_block(off, 0xB00, H7_OTG_ENDPOINTS)) && (off & 0x1Fu) == 0x08;
}
static bool is_dtxfsts(uint32_t off) { return in_block(off, 0x900, H7_OTG_ENDPOINTS) && (off & 0x1Fu) == 0x18; }

uint32_t h7_otg_kernel_hz(const h7_otg *s)
{
    const h7_rcc *r = &s->soc->rcc;
    switch ((r->d2ccip2r >> 20) & 3u) {
    case 1: return h7_rcc_pll_hz(r, 1, 'q');
    case 2: return h7_rcc_pll_hz(r, 3, 'q');
    case 3: return r->osc[H7_OSC_HSI48].ready ? H7_RCC_HSI48_HZ : 0;
    default: return 0;   /* USBSEL = 00: disabled */
    }
}

static bool phy_clock(const h7_otg *s)
{
    bool embedded = s->index == 2 || (s->reg[R(A_OTG_GUSBCFG)] & R_OTG_GUSBCFG_PHYSEL_MASK);
    return embedded && h7_otg_kernel_hz(s) != 0;
}

bool h7_otg_pullup(const h7_otg *s)
{
    return !s->host_mode && (s->reg[R(A_OTG_GCCFG)] & R_OTG_GCCFG_PWRDWN_MASK) &&
           !(s->reg[R(A_OTG_DCTL)] & R_OTG_DCTL_SDIS_MASK);
}

static void update_lines(h7_otg *s)
{
    bool pu = h7_otg_pullup(s);
    if (pu != s->pullup) {
        s->pullup = pu;
        h7_soc_trace(s->soc, src(s), pu ? "D+ pull-up on (soft connect)" : "D+ pull-up off");
    }
    bool vbus = s->host_mode && (s->reg[R(A_OTG_HPRT)] & R_OTG_HPRT_PPWR_MASK);
    if (vbus != s->vbus) {
        s->vbus = vbus;
        h7_soc_trace(s->soc, src(s), vbus ? "host port power on" : "host port power off");
    }
    uint32_t gintsts = s->reg[R(A_OTG_GINTSTS)] | (s->host_mode ? 1u : 0u);
    bool level = (s->reg[R(A_OTG_GAHBCFG)] & R_OTG_GAHBCFG_GINT_MASK) && (gintsts & s->reg[R(A_OTG_GINTMSK)]);
    int irqn = s->index == 1 ? 77 : 101;   /* OTG_HS_IRQn, OTG_FS_IRQn */
    if (s->soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, irqn, level);
}

static void reset_done(void *opaque, h7_time_ps when)
{
    h7_otg *s = opaque;
    (void)when;
    uint32_t *rst = &s->reg[R(A_OTG_GRSTCTL)];
    *rst &= ~(R_OTG_GRSTCTL_TXFFLSH_MASK | R_OTG_GRSTCTL_RXFFLSH_MASK);
    if ((*rst & R_OTG_GRSTCTL_CSRST_MASK) && phy_clock(s)) {
        *rst &= ~R_OTG_GRSTCTL_CSRST_MASK;
        s->reg[R(A_OTG_GINTSTS)] = 0x04000020u;
    } else if (*rst & R_OTG_GRSTCTL_CSRST_MASK) {
        h7_soc_log(s->soc, H7_LOG_NOTE, "OTG", "USB%d core soft reset waits for the PHY clock (%s): CSRST stays 1", s->index,
                   s->index == 2 || (s->reg[R(A_OTG_GUSBCFG)] & R_OTG_GUSBCFG_PHYSEL_MASK)
                       ? "48 MHz USB kernel clock off: RCC_D2CCIP2R.USBSEL"
                       : "ULPI PHY selected (GUSBCFG.PHYSEL = 0) and none on the board");
    }
    update_lines(s);
}

static void mode_changed(void *opaque, h7_time_ps when)
{
    h7_otg *s = opaque;
    (void)when;
    uint32_t u = s->reg[R(A_OTG_GUSBCFG)];
    bool host = (u & R_OTG_GUSBCFG_FHMOD_MASK) ? true : false;   /* FDMOD or the ID pin (B-device): device */
    if (host != s->host_mode) {
        s->host_mode = host;
        h7_soc_trace(s->soc, src(s), host ? "host mode" : "device mode");
    }
    update_lines(s);
}

void h7_otg_init(h7_otg *s, struct h7_soc *soc, int index)
{
    *s = (h7_otg){0};
    s->soc = soc;
    s->index = index;
    h7_event_init(&s->ev_reset, "otg.reset", reset_done, s);
    h7_event_init(&s->ev_mode, "otg.mode", mode_changed, s);
}

void h7_otg_reset(h7_otg *s, h7_reset_kind kind)
{
    (void)kind;
    h7_sched_cancel(s->soc->sched, &s->ev_reset);
    h7_sched_cancel(s->soc->sched, &s->ev_mode);
    for (unsigned i = 0; i < H7_OTG_SPACE / 4; i++)
        s->reg[i] = 0;
    for (size_t i = 0; i < h7_otg_nregs; i++)
        s->reg[R(h7_otg_regs[i].offset)] = h7_otg_regs[i].reset;
    for (unsigned n = 1; n < 16; n++)
        s->reg[R(0x100u + 4u * n)] = 0x02000400u;   /* DIEPTXFn */
    for (unsigned e = 0; e < H7_OTG_ENDPOINTS; e++) {
        s->reg[R(0x908u + 0x20u * e)] = 0x00000080u;   /* DIEPINTx.TXFE */
        s->reg[R(0x918u + 0x20u * e)] = 0x00000200u;   /* DTXFSTSx */
    }
    s->reg[R(A_OTG_DIEPCTL0)] = s->reg[R(A_OTG_DOEPCTL0)] = 0x00008000u;   /* USBAEP: EP0 always active */
    s->host_mode = false;
    s->pullup = s->vbus = false;
    s->fifo_noted = false;
    update_lines(s);
}

static void write_ctl(h7_otg *s, uint32_t off, uint32_t v, bool channel)
{
    uint32_t *p = &s->reg[R(off)];
    uint32_t ena = 1u << 31, dis = 1u << 30;
    uint32_t keep = *p & (1u << 17);   /* NAKSTS */
    if (!channel) {
        if (v & (1u << 27))
            keep |= 1u << 17;           /* SNAK */
        if (v & (1u << 26))
            keep &= ~(1u << 17);        /* CNAK */
        v &= ~((1u << 27) | (1u << 26) | (1u << 17));
        if (off == A_OTG_DIEPCTL0 || off == A_OTG_DOEPCTL0)
            v |= 1u << 15;              /* USBAEP of EP0 */
    }
    if ((v & dis) && ((v | *p) & ena)) {
        /* Disable request: completes at once (EPDISD / CHH = bit 1 of the interrupt register). */
        v &= ~(ena | dis);
        s->reg[R(off + 8u)] |= 1u << 1;
    }
    *p = v | keep;
}

uint32_t h7_otg_read(h7_otg *s, uint32_t offset, unsigned size, h7_master m)
{
    (void)m;
    if (offset >= H7_OTG_SPACE) {
        if (!s->fifo_noted) {
            s->fifo_noted = true;
            h7_soc_log(s->soc, H7_LOG_UNIMP, "OTG", "USB%d FIFO access at +0x%05X: no USB traffic is modelled (reads 0)",
                       s->index, offset);
        }
        return 0;
    }
    uint32_t off = offset & ~3u, v = s->reg[R(off)];
    if (off == A_OTG_GINTSTS)
        v = (v & ~1u) | (s->host_mode ? 1u : 0u);
    return h7_subword_read(v, offset, size);
}

void h7_otg_write(h7_otg *s, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    if (offset >= H7_OTG_SPACE) {
        if (!s->fifo_noted) {
            s->fifo_noted = true;
            h7_soc_log(s->soc, H7_LOG_UNIMP, "OTG", "USB%d FIFO write at +0x%05X ignored: no USB traffic is modelled",
                       s->index, offset);
        }
        return;
    }
    uint32_t off = offset & ~3u;
    uint32_t v = h7_subword_merge(s->reg[R(off)], offset, size, value);
    uint32_t w = h7_subword_merge(0, offset, size, value);   /* the bits this access writes as 1 */
    const h7_regdesc *r = h7_reg_find(h7_otg_regs, h7_otg_nregs, off);
    if (r) {
        if (r->ro_mask == 0xFFFFFFFFu) {
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "OTG", "%s write to read-only USB%d %s ignored", h7_master_name(m), s->index,
                       r->name);
            return;
        }
        uint32_t old = s->reg[R(off)];
        uint32_t nv = (old & (r->ro_mask | r->w1c_mask)) | (v & r->rw_mask);
        nv &= ~(w & r->w1c_mask);
        if (off == A_OTG_HPRT && (w & (1u << 2)))
            nv &= ~(1u << 2);   /* PENA: writing 1 disables the port */
        if (off == A_OTG_DCTL) {   /* SGINAK/CGINAK (b7/b8) and SGONAK/CGONAK (b9/b10) drive GINSTS/GONSTS */
            if (w & (1u << 7))
                nv |= 1u << 2;
            if (w & (1u << 8))
                nv &= ~(1u << 2);
            if (w & (1u << 9))
                nv |= 1u << 3;
            if (w & (1u << 10))
                nv &= ~(1u << 3);
        }
        s->reg[R(off)] = nv;
        switch (off) {
        case A_OTG_GRSTCTL:
            if (nv & (R_OTG_GRSTCTL_CSRST_MASK | R_OTG_GRSTCTL_TXFFLSH_MASK | R_OTG_GRSTCTL_RXFFLSH_MASK))
                h7_sched_add(s->soc->sched, &s->ev_reset, h7_soc_now(s->soc) + H7_OTG_RESET_PS);
            break;
        case A_OTG_GUSBCFG:
            if ((old ^ nv) & (R_OTG_GUSBCFG_FHMOD_MASK | R_OTG_GUSBCFG_FDMOD_MASK)) {
                if ((nv & R_OTG_GUSBCFG_FHMOD_MASK) && (nv & R_OTG_GUSBCFG_FDMOD_MASK))
                    h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "OTG", "%s sets both GUSBCFG.FHMOD and FDMOD on USB%d",
                               h7_master_name(m), s->index);
                h7_sched_add(s->soc->sched, &s->ev_mode, h7_soc_now(s->soc) + H7_OTG_MODE_CHANGE_PS);
            }
            break;
        default: break;
        }
    } else if (is_hcchar(off)) {
        write_ctl(s, off, v, true);
    } else if (is_epctl(off)) {
        write_ctl(s, off, v, false);
    } else if (is_hcint(off) || is_epint(off)) {
        s->reg[R(off)] &= ~w;   /* interrupt flags: write 1 to clear */
    } else if (is_dtxfsts(off)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "OTG", "%s write to read-only USB%d DTXFSTS ignored", h7_master_name(m), s->index);
        return;
    } else {
        s->reg[R(off)] = v;   /* table-only storage */
    }
    update_lines(s);
}

/* GRSTCTL's CSRST/AHBIDL change only at the soft-reset event or by writes: USB_CoreReset's polls
 * (a counted loop: it is not fast-forwarded, but the register itself is stable). */
bool h7_otg_glb_read_stable(uint32_t offset) { return offset == A_OTG_GRSTCTL; }

#define WINDOW(name, base)                                                                              \
    uint32_t h7_otg_##name##_read(void *dev, uint32_t offset, unsigned size, h7_master m)               \
    {                                                                                                    \
        return h7_otg_read(dev, (base) + offset, size, m);                                               \
    }                                                                                                    \
    void h7_otg_##name##_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m) \
    {                                                                                                    \
        h7_otg_write(dev, (base) + offset, value, size, m);                                              \
    }
WINDOW(glb, 0x000u)
WINDOW(host, 0x400u)
WINDOW(dev, 0x800u)
WINDOW(pwr, 0xE00u)

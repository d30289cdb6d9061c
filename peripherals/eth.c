/* Ethernet MAC/MTL/DMA (RM0399 ETH chapter; sections cited by title: "Ethernet registers",
 * "Station management agent (SMA)", "DMA controller description").
 *
 * Trace texts: 'eth: software reset done', 'eth: software reset stuck: <why>' (once per reset
 * attempt), 'eth: tx dma started (descriptor list at 0x%08X)' / 'eth: rx dma started (...)'
 * and the PHY's 'eth: phy link up ...' (eth_phy.c).
 *
 * Decisions (docs/models.md):
 * - DMAMR.SWR resets every MAC/MTL/DMA register and clears itself H7_ETH_SWR_PS (2 us) later,
 *   but only while the clocks of the selected PHY interface run: ETH1MACEN/ETH1TXEN/ETH1RXEN in
 *   RCC_AHB1ENR, and for RMII (SYSCFG_PMCR.EPIS = 100) the 50 MHz reference clock from the PHY
 *   (board: the Nucleo's LAN8742A supplies it), for MII (EPIS = 000) TX_CLK/RX_CLK, which an
 *   RMII-only LAN8742A never gives. Otherwise SWR stays 1: the HAL_ETH_Init timeout seen on real
 *   boards with a missing REF_CLK or a wrong EPIS. Re-checked whenever SWR is written or polled.
 * - MDIO (SMA): writing MACMDIOAR with GB = 1 starts a clause-22 frame that takes 64 MDC cycles,
 *   MDC = HCLK / divider(CR: 0 /42, 1 /62, 2 /16, 3 /26, 4 /102, 5 /124); at the end GB clears
 *   and a read (GOC = 11) has put the PHY register in MACMDIODR (0xFFFF when no PHY answers).
 *   Writing MACMDIOAR while GB = 1 is a guest error and is ignored. Clause 45 is not modelled.
 * - DMA: setting DMACTCR.ST / DMACRCR.SR fetches the first descriptor of the list (when the
 *   machine gave the model a memory port) and sets the current-descriptor registers. An RX
 *   descriptor not owned by the DMA (RDES3.OWN = 0) sets DMACSR.RBU. Nothing else moves: no
 *   frames are sent or received.
 * - MTLTQOMR.FTQ (flush transmit queue) clears itself at once: the queue is always empty.
 * - All other registers are storage with their reset values (table-only), including the
 *   hardware feature registers MACHWF0-2R, which read 0 (not modelled). */
#include "eth.h"

#include "soc.h"

#define R(off) ((off) / 4u)

const h7_regdesc h7_eth_regs[] = {
    {A_ETH_MACCR, "ETH_MACCR", 0x00008000u, 0xFFFFFFFFu, 0, 0, 0},
    {0x0004, "ETH_MACECR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {0x0008, "ETH_MACPFR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {0x000C, "ETH_MACWTR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {0x0090, "ETH_MACRXFCR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {0x00B0, "ETH_MACISR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {0x00DC, "ETH_MACLTCR", 0x03E80000u, 0xFFFFFFFFu, 0, 0, 0},
    {A_ETH_MAC1USTCR, "ETH_MAC1USTCR", 0x00000063u, 0x00000FFFu, 0, 0, 0},
    {A_ETH_MACVR, "ETH_MACVR", 0x00003041u, 0, 0, 0xFFFFFFFFu, 0},
    {A_ETH_MACMDIOAR, "ETH_MACMDIOAR", 0, 0x0FFF7F1Fu, 0, 0, 0},
    {A_ETH_MACMDIODR, "ETH_MACMDIODR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_ETH_MACA0HR, "ETH_MACA0HR", 0x8000FFFFu, 0x0000FFFFu, 0, 0x80000000u, 0},
    {0x0304, "ETH_MACA0LR", 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {0x0308, "ETH_MACA1HR", 0x0000FFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {0x030C, "ETH_MACA1LR", 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {0x0310, "ETH_MACA2HR", 0x0000FFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {0x0314, "ETH_MACA2LR", 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {0x0318, "ETH_MACA3HR", 0x0000FFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {0x031C, "ETH_MACA3LR", 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {A_ETH_MTLTQOMR, "ETH_MTLTQOMR", 0x00070008u, 0xFFFFFFFFu, 0, 0, 0},
    {A_ETH_DMAMR, "ETH_DMAMR", 0, 0x00037F7Fu, 0, 0, 0},
    {A_ETH_DMASBMR, "ETH_DMASBMR", 0x01010000u, 0xFFFFFFFFu, 0, 0, 0},
    {A_ETH_DMAISR, "ETH_DMAISR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {0x100C, "ETH_DMADSR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ETH_DMACCATDR, "ETH_DMACCATDR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ETH_DMACCARDR, "ETH_DMACCARDR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_ETH_DMACSR, "ETH_DMACSR", 0, 0, 0x0000FFC7u, 0, 0},
};
const size_t h7_eth_nregs = sizeof h7_eth_regs / sizeof h7_eth_regs[0];

static uint32_t *reg(h7_eth *s, uint32_t off) { return &s->reg[R(off)]; }

const char *h7_eth_swr_blocker(const h7_eth *s)
{
    const h7_rcc *r = &s->soc->rcc;
    if (!h7_rcc_clock_enabled(r, H7_RCC_EN_AHB1, 16) || !h7_rcc_clock_enabled(r, H7_RCC_EN_AHB1, 17))
        return "ETH1TXEN/ETH1RXEN off in RCC_AHB1ENR (the MAC's transmit/receive clocks)";
    unsigned epis = (s->soc->syscfg.pmcr >> 21) & 7u;
    if (epis == 4u)
        return s->soc->cfg.eth.no_refclk ? "no RMII reference clock (the board's PHY supplies none)" : NULL;
    if (epis == 0u)
        return "MII selected (SYSCFG_PMCR.EPIS = 000) but the board's PHY is RMII-only: no TX_CLK/RX_CLK";
    return "reserved SYSCFG_PMCR.EPIS value";
}

static void update_irq(h7_eth *s)
{
    /* DMACSR NIS/AIS summary against DMACIER (RM: "DMA channel interrupt enable register"). */
    bool level = (*reg(s, A_ETH_DMACSR) & *reg(s, A_ETH_DMACIER) & 0x0000FFC7u) != 0;
    if (s->soc->ops.set_irq)
        for (int k = 0; k < H7_NCORES; k++)
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, H7_ETH_IRQN, level);
}

static void registers_to_reset(h7_eth *s)
{
    for (unsigned i = 0; i < H7_ETH_SPACE / 4; i++)
        s->reg[i] = 0;
    for (size_t i = 0; i < h7_eth_nregs; i++)
        s->reg[R(h7_eth_regs[i].offset)] = h7_eth_regs[i].reset;
    s->tx_fetched = s->rx_fetched = false;
}

static void try_swr(h7_eth *s)
{
    if (!(*reg(s, A_ETH_DMAMR) & R_ETH_DMAMR_SWR_MASK) || s->ev_swr.queued)
        return;
    const char *why = h7_eth_swr_blocker(s);
    if (why) {
        if (!s->swr_noted) {
            s->swr_noted = true;
            h7_soc_trace(s->soc, "eth", "software reset stuck: %s", why);
        }
        return;
    }
    h7_sched_add(s->soc->sched, &s->ev_swr, h7_soc_now(s->soc) + H7_ETH_SWR_PS);
}

static void swr_done(void *opaque, h7_time_ps when)
{
    h7_eth *s = opaque;
    (void)when;
    h7_sched_cancel(s->soc->sched, &s->ev_mdio);
    registers_to_reset(s);   /* SWR clears with everything else */
    s->swr_noted = false;
    h7_soc_trace(s->soc, "eth", "software reset done");
    update_irq(s);
}

h7_time_ps h7_eth_mdio_frame_ps(const h7_eth *s)
{
    static const unsigned div[16] = {42, 62, 16, 26, 102, 124, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    unsigned d = div[H7_FIELD_EX(s->reg[R(A_ETH_MACMDIOAR)], ETH_MACMDIOAR, CR)];
    uint32_t hclk = h7_rcc_hclk_hz(&s->soc->rcc);
    if (!d) /* CR 0110-1111 select fast MDC modes (HCLK/4..18); taken as /4 */
        d = 4;
    return hclk ? (h7_time_ps)(64ull * d * H7_PS_PER_S / hclk) : 0;
}

static void mdio_done(void *opaque, h7_time_ps when)
{
    h7_eth *s = opaque;
    (void)when;
    uint32_t ar = *reg(s, A_ETH_MACMDIOAR);
    unsigned pa = H7_FIELD_EX(ar, ETH_MACMDIOAR, PA), rda = H7_FIELD_EX(ar, ETH_MACMDIOAR, RDA);
    unsigned goc = H7_FIELD_EX(ar, ETH_MACMDIOAR, GOC);
    if (ar & R_ETH_MACMDIOAR_C45E_MASK) {
        h7_soc_log(s->soc, H7_LOG_UNIMP, "ETH", "MDIO clause-45 frame (MACMDIOAR.C45E = 1) not modelled");
    } else if (goc == 1u) {
        h7_eth_phy_write(&s->phy, pa, rda, (uint16_t)*reg(s, A_ETH_MACMDIODR));
    } else if (goc == 3u || goc == 2u) {
        uint16_t v;
        h7_eth_phy_read(&s->phy, pa, rda, &v);
        *reg(s, A_ETH_MACMDIODR) = (*reg(s, A_ETH_MACMDIODR) & 0xFFFF0000u) | v;
    }
    *reg(s, A_ETH_MACMDIOAR) &= ~R_ETH_MACMDIOAR_GB_MASK;
}

static void write_mdioar(h7_eth *s, uint32_t v, h7_master m)
{
    uint32_t *ar = reg(s, A_ETH_MACMDIOAR);
    if (*ar & R_ETH_MACMDIOAR_GB_MASK) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ETH", "%s writes ETH_MACMDIOAR = 0x%08X while GB = 1 (an MDIO frame is "
                   "running): ignored", h7_master_name(m), v);
        return;
    }
    *ar = v & 0x0FFF7F1Fu;
    if (!(v & R_ETH_MACMDIOAR_GB_MASK))
        return;
    h7_time_ps t = h7_eth_mdio_frame_ps(s);
    h7_sched_add(s->soc->sched, &s->ev_mdio, h7_soc_now(s->soc) + (t ? t : H7_PS_PER_US));
}

/* DMA start: the DMA fetches the first descriptor of the list ("DMA controller description"). */
static void fetch_descriptor(h7_eth *s, bool tx, h7_master m)
{
    uint32_t list = *reg(s, tx ? A_ETH_DMACTDLAR : A_ETH_DMACRDLAR);
    *reg(s, tx ? A_ETH_DMACCATDR : A_ETH_DMACCARDR) = list;
    h7_soc_trace(s->soc, "eth", "%s dma started (descriptor list at 0x%08X)", tx ? "tx" : "rx", list);
    uint32_t *d = tx ? s->tx_desc : s->rx_desc;
    if (!s->mem_read)
        return;
    for (int i = 0; i < 4; i++)
        if (!s->mem_read(s->mem_ctx, list + 4u * (uint32_t)i, &d[i])) {
            *reg(s, A_ETH_DMACSR) |= (1u << 12) | (1u << 14);   /* FBE, AIS (abnormal summary) */
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ETH", "%s starts the %s DMA with its descriptor list at 0x%08X: not "
                       "memory the DMA can read (fatal bus error)", h7_master_name(m), tx ? "TX" : "RX", list);
            return;
        }
    if (tx)
        s->tx_fetched = true;
    else {
        s->rx_fetched = true;
        if (!(d[3] & (1u << 31)))
            *reg(s, A_ETH_DMACSR) |= (1u << 7) | (1u << 14);   /* RBU, AIS */
    }
}

void h7_eth_init(h7_eth *s, struct h7_soc *soc)
{
    *s = (h7_eth){0};
    s->soc = soc;
    h7_eth_phy_init(&s->phy, soc, &soc->cfg.eth);
    h7_event_init(&s->ev_swr, "eth.swr", swr_done, s);
    h7_event_init(&s->ev_mdio, "eth.mdio", mdio_done, s);
}

void h7_eth_mac_reset(h7_eth *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_swr);
    h7_sched_cancel(s->soc->sched, &s->ev_mdio);
    registers_to_reset(s);
    s->swr_noted = false;
    update_irq(s);
}

void h7_eth_reset(h7_eth *s, h7_reset_kind kind)
{
    (void)kind;
    h7_eth_mac_reset(s);
    /* On the Nucleo the PHY's nRST is wired to NRST: every reset of the MCU resets it too. */
    h7_eth_phy_power_on(&s->phy);
}

/* DMAMR.SWR clears at a scheduled event (try_swr); while the RMII clock is missing the re-check
 * a poll makes can only succeed after a write to RCC/SYSCFG, which ends a fast-forward anyway. */
bool h7_eth_read_stable(uint32_t offset) { return offset == A_ETH_DMAMR; }

uint32_t h7_eth_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_eth *s = dev;
    (void)m;
    uint32_t off = offset & ~3u;
    if (off == A_ETH_DMAMR)
        try_swr(s);   /* the clocks may have come since the write */
    return h7_subword_read(s->reg[R(off)], offset, size);
}

void h7_eth_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_eth *s = dev;
    uint32_t off = offset & ~3u;
    uint32_t v = h7_subword_merge(s->reg[R(off)], offset, size, value);
    uint32_t w = h7_subword_merge(0, offset, size, value);
    const h7_regdesc *r = h7_reg_find(h7_eth_regs, h7_eth_nregs, off);
    if (r && r->ro_mask == 0xFFFFFFFFu) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ETH", "%s write to read-only %s ignored", h7_master_name(m), r->name);
        return;
    }
    if ((s->reg[R(A_ETH_DMAMR)] & R_ETH_DMAMR_SWR_MASK) && off != A_ETH_DMAMR) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ETH", "%s writes ETH+0x%04X during the software reset (DMAMR.SWR = 1): "
                   "ignored", h7_master_name(m), off);
        return;
    }
    switch (off) {
    case A_ETH_MACMDIOAR: write_mdioar(s, v, m); break;
    case A_ETH_DMAMR:
        s->reg[R(off)] = (s->reg[R(off)] & R_ETH_DMAMR_SWR_MASK) | (v & r->rw_mask);
        try_swr(s);
        break;
    case A_ETH_DMACSR: s->reg[R(off)] &= ~(w & r->w1c_mask); break;
    case A_ETH_DMACTCR: {
        bool start = (v & R_ETH_DMACTCR_ST_MASK) && !(s->reg[R(off)] & R_ETH_DMACTCR_ST_MASK);
        s->reg[R(off)] = v;
        if (start)
            fetch_descriptor(s, true, m);
        break;
    }
    case A_ETH_DMACRCR: {
        bool start = (v & R_ETH_DMACRCR_SR_MASK) && !(s->reg[R(off)] & R_ETH_DMACRCR_SR_MASK);
        s->reg[R(off)] = v;
        if (start)
            fetch_descriptor(s, false, m);
        break;
    }
    case A_ETH_MTLTQOMR:
        /* FTQ (b0) flushes the (empty) transmit queue and clears itself at once. */
        s->reg[R(off)] = (v & r->rw_mask) & ~1u;
        break;
    default:
        s->reg[R(off)] = r ? (s->reg[R(off)] & r->ro_mask) | (v & r->rw_mask) : v;   /* table-only storage */
        break;
    }
    update_irq(s);
}

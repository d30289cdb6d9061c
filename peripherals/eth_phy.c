/* LAN8742A PHY model (LAN8742A datasheet, "Register Descriptions"; UM2408 for the Nucleo
 * wiring: RMII, PHY address 0, 25 MHz crystal, REF_CLK output to the MCU).
 *
 * Trace texts: 'eth: phy link up (100 Mbit/s full duplex)', 'eth: phy link down'.
 *
 * Decisions (docs/models.md):
 * - Auto-negotiation always resolves to 100BASE-TX full duplex against a partner advertising
 *   10/100 half/full (ANLPAR 0x45E1), H7_PHY_AUTONEG_MS (100 ms) after power-on, a soft reset
 *   (BCR.RESET) or a restart (BCR.RESTART_AN), unless the board file changes the time. A real
 *   LAN8742A needs about 1.5-3 s; the default keeps scenarios short.
 * - With auto-negotiation disabled (BCR.ANEN = 0), the link comes up at once at the forced
 *   speed/duplex when a cable is connected.
 * - BSR.LINK is the current state (the latching-low behaviour is not modelled).
 * - BCR.RESET and RESTART_AN self-clear at once. Unlisted registers read 0 and ignore writes.
 * - Link changes are traced only while RCC_AHB1ENR.ETH1MACEN is set (see set_link). */
#include "eth_phy.h"

#include "soc.h"

enum { BCR = 0, BSR = 1, ID1 = 2, ID2 = 3, ANAR = 4, ANLPAR = 5, ANER = 6, MCSR = 17, SMR = 18, SECR = 26,
       SCSIR = 27, ISR = 29, IMR = 30, PSCSR = 31 };
#define BCR_RESET 0x8000u
#define BCR_SPEED100 0x2000u
#define BCR_ANEN 0x1000u
#define BCR_PDOWN 0x0800u
#define BCR_RESTART_AN 0x0200u
#define BCR_FULLDUPLEX 0x0100u

static void set_link(h7_eth_phy *p, bool up)
{
    if (p->link == up)
        return;
    p->link = up;
    p->isr |= up ? 0x0040u : 0x0010u;   /* ISR: AN complete (b6) / link down (b4) */
    /* The PHY runs from power-on whatever the firmware does; its link changes go on the
     * timeline only while the MCU's Ethernet MAC is clocked (someone is listening), which keeps
     * the timelines of firmware that never uses Ethernet free of them. */
    if (!h7_rcc_clock_enabled(&p->soc->rcc, H7_RCC_EN_AHB1, 15))
        return;
    if (up) {
        bool fast = (p->bcr & BCR_ANEN) || (p->bcr & BCR_SPEED100);
        bool full = (p->bcr & BCR_ANEN) || (p->bcr & BCR_FULLDUPLEX);
        h7_soc_trace(p->soc, "eth", "phy link up (%s Mbit/s %s duplex)", fast ? "100" : "10", full ? "full" : "half");
    } else {
        h7_soc_trace(p->soc, "eth", "phy link down");
    }
}

static void an_complete(void *opaque, h7_time_ps when)
{
    h7_eth_phy *p = opaque;
    (void)when;
    p->an_done = true;
    set_link(p, true);
}

static void start_link(h7_eth_phy *p)
{
    h7_sched_cancel(p->soc->sched, &p->ev_an);
    p->an_done = false;
    set_link(p, false);
    if (p->board->cable_unplugged || (p->bcr & BCR_PDOWN))
        return;
    if (!(p->bcr & BCR_ANEN)) {
        set_link(p, true);
        return;
    }
    uint32_t ms = p->board->autoneg_ms ? p->board->autoneg_ms : H7_PHY_AUTONEG_MS;
    h7_sched_add(p->soc->sched, &p->ev_an, h7_soc_now(p->soc) + (h7_time_ps)ms * H7_PS_PER_MS);
}

static void strap_registers(h7_eth_phy *p)
{
    p->bcr = BCR_SPEED100 | BCR_ANEN | BCR_FULLDUPLEX;   /* 0x3100: MODE[2:0] = 111 straps */
    p->anar = 0x01E1u;
    p->mcsr = 0x0002u;
    p->smr = (uint16_t)(0x00E0u | (p->board->phy_address & 0x1Fu));
    p->imr = p->isr = p->secr = 0;
}

void h7_eth_phy_init(h7_eth_phy *p, struct h7_soc *soc, const h7_eth_board *board)
{
    *p = (h7_eth_phy){0};
    p->soc = soc;
    p->board = board;
    h7_event_init(&p->ev_an, "phy.autoneg", an_complete, p);
}

void h7_eth_phy_power_on(h7_eth_phy *p)
{
    p->link = false;
    strap_registers(p);
    if (!p->board->no_phy)
        start_link(p);
}

static bool answers(const h7_eth_phy *p, unsigned addr) { return !p->board->no_phy && addr == p->board->phy_address; }

bool h7_eth_phy_read(h7_eth_phy *p, unsigned addr, unsigned reg, uint16_t *value)
{
    if (!answers(p, addr)) {
        *value = 0xFFFFu;   /* nobody drives MDIO: the pull-up reads all ones */
        return false;
    }
    uint16_t v = 0;
    bool full = (p->bcr & BCR_ANEN) || (p->bcr & BCR_FULLDUPLEX), fast = (p->bcr & BCR_ANEN) || (p->bcr & BCR_SPEED100);
    switch (reg) {
    case BCR: v = p->bcr; break;
    case BSR: v = (uint16_t)(0x7809u | (p->an_done ? 0x0020u : 0) | (p->link ? 0x0004u : 0)); break;
    case ID1: v = H7_PHY_ID1; break;
    case ID2: v = H7_PHY_ID2; break;
    case ANAR: v = p->anar; break;
    case ANLPAR: v = p->an_done ? 0x45E1u : 0; break;
    case ANER: v = p->an_done ? 0x0001u : 0; break;
    case MCSR: v = p->mcsr; break;
    case SMR: v = p->smr; break;
    case SECR: v = p->secr; break;
    case SCSIR: v = 0; break;
    case ISR: v = p->isr; p->isr = 0; break;   /* read-clear */
    case IMR: v = p->imr; break;
    case PSCSR:   /* AUTODONE b12, speed indication b4:2 (001 10HD, 101 10FD, 010 100HD, 110 100FD) */
        v = (uint16_t)(0x0040u | (p->an_done ? 0x1000u : 0) |
                       (p->link ? ((fast ? 0x2u : 0x1u) | (full ? 0x4u : 0)) << 2 : 0));
        break;
    default: v = 0; break;
    }
    *value = v;
    return true;
}

bool h7_eth_phy_write(h7_eth_phy *p, unsigned addr, unsigned reg, uint16_t value)
{
    if (!answers(p, addr))
        return false;
    switch (reg) {
    case BCR:
        if (value & BCR_RESET) {
            strap_registers(p);
            start_link(p);
            return true;
        }
        {
            bool restart = (value & BCR_RESTART_AN) ||
                           ((value ^ p->bcr) & (BCR_ANEN | BCR_PDOWN | BCR_SPEED100 | BCR_FULLDUPLEX));
            p->bcr = value & (uint16_t)~(BCR_RESET | BCR_RESTART_AN);
            if (restart)
                start_link(p);
        }
        break;
    case ANAR: p->anar = (uint16_t)((value & 0x3DE0u) | 0x0001u); break;
    case MCSR: p->mcsr = value; break;
    case SMR: p->smr = value; break;
    case SECR: p->secr = value; break;
    case IMR: p->imr = value; break;
    default: break;
    }
    return true;
}

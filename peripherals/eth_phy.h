/* The board's Ethernet PHY on the MDIO bus: a SMSC/Microchip LAN8742A (the NUCLEO-H755ZI-Q's
 * U9, RMII, strapped to PHY address 0). Registers per the LAN8742A datasheet: BCR, BSR, PHY ID
 * 0x0007/0xC130, ANAR/ANLPAR/ANER, mode control, special modes, interrupt source/mask and the
 * PHY special control/status register. Auto-negotiation completes with link up a board-defined
 * time after power-on / soft reset / restart, when a cable (link partner) is connected. */
#ifndef H7_ETH_PHY_H
#define H7_ETH_PHY_H

#include "periph.h"
#include "h7sched.h"

/* How the board wires its Ethernet side (filled by the board layer; zero = the Nucleo). */
typedef struct h7_eth_board {
    bool no_phy;               /* no PHY on the MDIO bus (reads 0xFFFF) */
    bool no_refclk;            /* the PHY does not supply the 50 MHz RMII reference clock */
    bool cable_unplugged;      /* no link partner: auto-negotiation never completes */
    uint8_t phy_address;       /* MDIO address (Nucleo: 0) */
    uint32_t autoneg_ms;       /* 0 = default H7_PHY_AUTONEG_MS */
} h7_eth_board;

#define H7_PHY_AUTONEG_MS 100u  /* default cable-to-link time (see docs/models.md: a real LAN8742A takes ~1.5-3 s) */
#define H7_PHY_ID1 0x0007u
#define H7_PHY_ID2 0xC130u

struct h7_soc;
typedef struct h7_eth_phy {
    struct h7_soc *soc;
    const h7_eth_board *board;
    uint16_t bcr, anar, mcsr, smr, imr, isr, secr;
    bool an_done, link;
    h7_event ev_an;
} h7_eth_phy;

void h7_eth_phy_init(h7_eth_phy *p, struct h7_soc *soc, const h7_eth_board *board);
/* Power-on of the board: registers to their strap values, auto-negotiation starts. */
void h7_eth_phy_power_on(h7_eth_phy *p);
/* MDIO clause-22 frames: false when no PHY answers at `addr` (the bus reads 0xFFFF). */
bool h7_eth_phy_read(h7_eth_phy *p, unsigned addr, unsigned reg, uint16_t *value);
bool h7_eth_phy_write(h7_eth_phy *p, unsigned addr, unsigned reg, uint16_t value);

#endif

/* Ethernet MAC with DMA controller (RM0399 chapter "Ethernet (ETH): media access control (MAC)
 * with DMA controller"), window Ethernet_MAC 0x4002_8000 (MAC 0x0000, MTL 0x0C00, DMA 0x1000).
 * Modelled: DMAMR.SWR software reset (completes only with the PHY clocks the interface mode
 * needs), the MDIO station management interface (MACMDIOAR/MACMDIODR, GB busy bit, timed frames)
 * to the board's PHY (eth_phy.c), the DMA descriptor list registers and a read of the first
 * descriptors when the DMA starts. No frame is ever sent or received: there is no wire. */
#ifndef H7_ETH_H
#define H7_ETH_H

#include "periph.h"
#include "h7sched.h"
#include "eth_phy.h"

H7_REG32(ETH_MACCR, 0x0000)
H7_REG32(ETH_MAC1USTCR, 0x00E4)
H7_REG32(ETH_MACVR, 0x0110)
H7_REG32(ETH_MACMDIOAR, 0x0200)
    H7_FIELD(ETH_MACMDIOAR, GB, 0, 1)
    H7_FIELD(ETH_MACMDIOAR, C45E, 1, 1)
    H7_FIELD(ETH_MACMDIOAR, GOC, 2, 2)
    H7_FIELD(ETH_MACMDIOAR, CR, 8, 4)
    H7_FIELD(ETH_MACMDIOAR, RDA, 16, 5)
    H7_FIELD(ETH_MACMDIOAR, PA, 21, 5)
H7_REG32(ETH_MACMDIODR, 0x0204)
H7_REG32(ETH_MACA0HR, 0x0300)
H7_REG32(ETH_MTLTQOMR, 0x0D00)
H7_REG32(ETH_DMAMR, 0x1000)
    H7_FIELD(ETH_DMAMR, SWR, 0, 1)
H7_REG32(ETH_DMASBMR, 0x1004)
H7_REG32(ETH_DMAISR, 0x1008)
H7_REG32(ETH_DMACCR, 0x1100)
H7_REG32(ETH_DMACTCR, 0x1104)
    H7_FIELD(ETH_DMACTCR, ST, 0, 1)
H7_REG32(ETH_DMACRCR, 0x1108)
    H7_FIELD(ETH_DMACRCR, SR, 0, 1)
H7_REG32(ETH_DMACTDLAR, 0x1114)
H7_REG32(ETH_DMACRDLAR, 0x111C)
H7_REG32(ETH_DMACTDTPR, 0x1120)
H7_REG32(ETH_DMACRDTPR, 0x1128)
H7_REG32(ETH_DMACTDRLR, 0x112C)
H7_REG32(ETH_DMACRDRLR, 0x1130)
H7_REG32(ETH_DMACIER, 0x1134)
H7_REG32(ETH_DMACCATDR, 0x1144)
H7_REG32(ETH_DMACCARDR, 0x114C)
H7_REG32(ETH_DMACSR, 0x1160)

#define H7_ETH_SPACE 0x1400u
#define H7_ETH_SWR_PS (2 * H7_PS_PER_US)   /* reset duration once the clocks run (decision) */
#define H7_ETH_IRQN 61

extern const h7_regdesc h7_eth_regs[];
extern const size_t h7_eth_nregs;

struct h7_soc;
/* Reads guest memory for the DMA (descriptors); false when the address is not memory. */
typedef bool (*h7_eth_mem_read_fn)(void *ctx, uint32_t addr, uint32_t *value);

typedef struct h7_eth {
    struct h7_soc *soc;
    uint32_t reg[H7_ETH_SPACE / 4];
    h7_eth_phy phy;
    bool swr_noted;
    uint32_t tx_desc[4], rx_desc[4];   /* the descriptors the DMA fetched when it started */
    bool tx_fetched, rx_fetched;
    h7_eth_mem_read_fn mem_read;       /* set by the machine; NULL in unit tests unless a test sets it */
    void *mem_ctx;
    h7_event ev_swr, ev_mdio;
} h7_eth;

void h7_eth_init(h7_eth *s, struct h7_soc *soc);
void h7_eth_reset(h7_eth *s, h7_reset_kind kind);   /* the MAC and the board's PHY (NRST) */
/* RCC_AHB1RSTR.ETH1MACRST: the MAC/MTL/DMA only; the PHY on the board keeps running. */
void h7_eth_mac_reset(h7_eth *s);
/* Registers stable until a write or a scheduled event (h7_stable_fn, soc.h). */
bool h7_eth_read_stable(uint32_t offset);
uint32_t h7_eth_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_eth_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Why a software reset cannot complete now (NULL: the clocks it needs are running). */
const char *h7_eth_swr_blocker(const h7_eth *s);
/* Time one MDIO frame takes (64 MDC cycles; MDC = HCLK / the CR divider). */
h7_time_ps h7_eth_mdio_frame_ps(const h7_eth *s);

#endif

/* Which memories and peripherals each DMA-capable bus master reaches (RM0399 §2.1 system
 * architecture, Figure 1 and Table 3 "bus-master-to-bus-slave interconnect").
 *
 * DMA1/DMA2 are D2 AHB masters: through the D2 bus matrix, the D2-to-D1 and D2-to-D3 buses they
 * reach AXI SRAM, flash, SRAM1-3, SRAM4, backup SRAM and the peripherals of D1, D2 and D3 -- but
 * not the Cortex-M7's tightly coupled memories (ITCM 0x0000_0000, DTCM 0x2000_0000), which hang on
 * the M7 core only (MDMA reaches them through the M7's AHBS slave port). BDMA sits in D3 and
 * reaches only D3: SRAM4, backup SRAM and the D3 peripherals (APB4, AHB4). */
#ifndef H7_BUSMATRIX_H
#define H7_BUSMATRIX_H

#include "h7types.h"

typedef enum { H7_BUS_DMA1, H7_BUS_DMA2, H7_BUS_BDMA, H7_BUS_MDMA, H7_BUS_NMASTERS } h7_bus_master;

const char *h7_bus_master_name(h7_bus_master bm);   /* "dma1", "dma2", "bdma", "mdma" */

/* NULL when [addr, addr+len) is reachable by `bm`; otherwise why not, in words for a report
 * ("DTCM is not reachable from DMA1 (RM0399 §2.1: the TCMs hang on the Cortex-M7 only)"). */
const char *h7_bus_unreachable(h7_bus_master bm, uint32_t addr, uint32_t len);
/* The memory or bus area addr belongs to ("DTCM", "AXI SRAM", "APB1", ...), for reports. */
const char *h7_bus_area_name(uint32_t addr);

#endif

/* Bus-matrix reachability (RM0399 §2.1, Figure 1, Table 3). See busmatrix.h.
 * Decision (docs/models.md): an address in no memory and no peripheral window ("a hole") is not
 * reachable by anyone; the caller turns it into a bus error (DMA: TEIF). */
#include "busmatrix.h"

typedef struct area {
    const char *name;
    uint32_t base, size;
    bool tcm;      /* Cortex-M7 TCM: only the M7 and MDMA (AHBS) */
    bool d3;       /* in D3: reachable by BDMA */
} area;

static const area areas[] = {
    {"ITCM", 0x00000000u, 0x00010000u, true, false},
    {"flash", 0x08000000u, 0x00200000u, false, false},
    {"system memory", 0x1FF00000u, 0x00060000u, false, false},
    {"DTCM", 0x20000000u, 0x00020000u, true, false},
    {"AXI SRAM", 0x24000000u, 0x00080000u, false, false},
    {"SRAM1-3", 0x30000000u, 0x00048000u, false, false},
    {"SRAM4", 0x38000000u, 0x00010000u, false, true},
    {"backup SRAM", 0x38800000u, 0x00001000u, false, true},
    {"APB1/APB2/AHB1/AHB2 (D2)", 0x40000000u, 0x08024000u, false, false},
    {"APB3/AHB3 (D1)", 0x50000000u, 0x08000000u, false, false},
    {"APB4/AHB4 (D3)", 0x58000000u, 0x00030000u, false, true},
};

const char *h7_bus_master_name(h7_bus_master bm)
{
    static const char *const names[] = {"dma1", "dma2", "bdma", "mdma"};
    return bm < H7_BUS_NMASTERS ? names[bm] : "?";
}

static const area *find_area(uint32_t addr)
{
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        if (addr >= areas[i].base && addr - areas[i].base < areas[i].size)
            return &areas[i];
    return NULL;
}

const char *h7_bus_area_name(uint32_t addr)
{
    const area *a = find_area(addr);
    if (a)
        return a->name;
    return addr >= 0xE0000000u ? "Cortex-M private peripherals" : "no memory";
}

const char *h7_bus_unreachable(h7_bus_master bm, uint32_t addr, uint32_t len)
{
    const area *a = find_area(addr);
    const area *b = find_area(addr + (len ? len - 1u : 0u));
    if (!a || a != b) {
        if (addr >= 0xE0000000u)
            return "the Cortex-M private peripheral bus is reachable by the cores only (RM0399 §2.1)";
        return "no memory or peripheral answers at this address (RM0399 §2.3 memory map)";
    }
    if (a->tcm && bm != H7_BUS_MDMA)
        return bm == H7_BUS_BDMA ? "the TCMs hang on the Cortex-M7 only; BDMA reaches D3 only (RM0399 §2.1)"
                                 : "the TCMs hang on the Cortex-M7 only: DMA1/DMA2 cannot reach them, only MDMA "
                                   "through the M7's AHBS port (RM0399 §2.1, Table 3)";
    if (bm == H7_BUS_BDMA && !a->d3)
        return "BDMA reaches only D3: SRAM4, backup SRAM and the APB4/AHB4 peripherals (RM0399 §2.1, Table 3)";
    return NULL;
}

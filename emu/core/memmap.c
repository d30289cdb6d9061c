#include "memmap.h"

/* Sizes from RM0399 §2.3 / facts §1.1. System memory covers bank 1 (bootloader, 128 KB) up to the
 * end of the bank-2 window (ST secure firmware) so that the UID and flash-size words at
 * 0x1FF1_E8xx are inside it. */
const h7_phys_mem h7_phys_mems[H7_PHYS_COUNT] = {
    [H7_PHYS_ITCM] = {"ITCM", 64 * 1024, 0x00},
    [H7_PHYS_DTCM] = {"DTCM", 128 * 1024, 0x00},
    [H7_PHYS_FLASH] = {"FLASH", 2 * 1024 * 1024, 0xFF},
    [H7_PHYS_SYSMEM] = {"SYSMEM", 0x60000, 0xFF},
    [H7_PHYS_AXISRAM] = {"AXI_SRAM", 512 * 1024, 0x00},
    [H7_PHYS_SRAM123] = {"SRAM1-3", 288 * 1024, 0x00},
    [H7_PHYS_SRAM4] = {"SRAM4", 64 * 1024, 0x00},
    [H7_PHYS_BKPSRAM] = {"BKPSRAM", 4 * 1024, 0x00},
};

#define BOTH {true, true}
#define CM7_ONLY {true, false}
#define CM4_ONLY {false, true}

const h7_mem_region h7_mem_regions[] = {
    {"ITCM", 0x00000000u, 64 * 1024, H7_PHYS_ITCM, 0, H7_MEM_RAM, CM7_ONLY},
    {"FLASH", H7_FLASH_BASE, H7_FLASH_SIZE, H7_PHYS_FLASH, 0, H7_MEM_FLASH, BOTH},
    {"D2_SRAM_ALIAS", 0x10000000u, 288 * 1024, H7_PHYS_SRAM123, 0, H7_MEM_RAM, CM4_ONLY},
    {"SYSMEM", H7_SYSMEM_BASE, 0x60000, H7_PHYS_SYSMEM, 0, H7_MEM_ROM, BOTH},
    {"DTCM", 0x20000000u, 128 * 1024, H7_PHYS_DTCM, 0, H7_MEM_RAM, CM7_ONLY},
    {"AXI_SRAM", 0x24000000u, 512 * 1024, H7_PHYS_AXISRAM, 0, H7_MEM_RAM, BOTH},
    {"SRAM1-3", 0x30000000u, 288 * 1024, H7_PHYS_SRAM123, 0, H7_MEM_RAM, BOTH},
    {"SRAM4", 0x38000000u, 64 * 1024, H7_PHYS_SRAM4, 0, H7_MEM_RAM, BOTH},
    {"BKPSRAM", 0x38800000u, 4 * 1024, H7_PHYS_BKPSRAM, 0, H7_MEM_RAM, BOTH},
};
const size_t h7_mem_region_count = sizeof h7_mem_regions / sizeof h7_mem_regions[0];

const h7_mem_region *h7_memmap_find(h7_core_id core, uint32_t addr)
{
    for (size_t i = 0; i < h7_mem_region_count; i++) {
        const h7_mem_region *r = &h7_mem_regions[i];
        if (r->on_core[core] && addr >= r->base && addr - r->base < r->size)
            return r;
    }
    return NULL;
}

bool h7_memmap_contains(h7_core_id core, uint32_t addr, uint32_t len)
{
    const h7_mem_region *r = h7_memmap_find(core, addr);
    if (!r)
        return false;
    if (len == 0)
        return true;
    return (uint64_t)(addr - r->base) + len <= r->size;
}

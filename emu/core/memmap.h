/* The STM32H755 memory map as the two cores see it (RM0399 §2.3 memory map; facts §1.1).
 * One host buffer per physical memory; aliases (the CM4's 0x1000_0000 view of D2 SRAM) point at
 * the same buffer. */
#ifndef H7_MEMMAP_H
#define H7_MEMMAP_H

#include "h7types.h"

typedef enum {
    H7_MEM_FLASH,   /* executable, written only through the FLASH controller model */
    H7_MEM_RAM,     /* read/write/execute */
    H7_MEM_ROM,     /* system memory, OTP, UID: read/execute */
} h7_mem_kind;

/* The physical memories. */
typedef enum {
    H7_PHYS_ITCM, H7_PHYS_DTCM, H7_PHYS_FLASH, H7_PHYS_SYSMEM, H7_PHYS_AXISRAM, H7_PHYS_SRAM123,
    H7_PHYS_SRAM4, H7_PHYS_BKPSRAM, H7_PHYS_COUNT
} h7_phys_id;

typedef struct h7_mem_region {
    const char *name;
    uint32_t base;
    uint32_t size;         /* multiple of 4 KiB */
    h7_phys_id phys;
    uint32_t phys_offset;  /* offset of this view inside the physical buffer */
    h7_mem_kind kind;
    bool on_core[H7_NCORES];
} h7_mem_region;

typedef struct h7_phys_mem {
    const char *name;
    uint32_t size;
    uint8_t fill;          /* value at power-on: flash erased = 0xFF, RAM = 0 (deterministic) */
} h7_phys_mem;

extern const h7_phys_mem h7_phys_mems[H7_PHYS_COUNT];
extern const h7_mem_region h7_mem_regions[];
extern const size_t h7_mem_region_count;

/* Memory region containing addr as seen by `core`, or NULL. */
const h7_mem_region *h7_memmap_find(h7_core_id core, uint32_t addr);
/* True when [addr, addr+len) lies entirely inside one region visible to `core`. */
bool h7_memmap_contains(h7_core_id core, uint32_t addr, uint32_t len);

/* Fixed addresses of the information block (RM0399 §65 device electronic signature). */
#define H7_UID_ADDR        0x1FF1E800u
#define H7_FLASHSIZE_ADDR  0x1FF1E880u
#define H7_FLASH_BASE      0x08000000u
#define H7_FLASH_SIZE      0x00200000u
#define H7_FLASH_BANK2     0x08100000u
#define H7_SYSMEM_BASE     0x1FF00000u

#endif

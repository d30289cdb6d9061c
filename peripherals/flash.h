/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_FLASH_H
#define H7_FLASH_H

#include "periph.h"
#include "sched.h"

struct h7_soc;
typedef struct h7_flash { struct h7_soc *soc; uint8_t *mem; uint32_t regs[128]; } h7_flash;

void h7_flash_init(h7_flash *s, struct h7_soc *soc, uint8_t *mem);
void h7_flash_reset(h7_flash *s, h7_reset_kind kind);
uint32_t h7_flash_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_flash_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* A guest store into the flash array (0x0800_0000..0x081F_FFFF) by a master: the model decides
 * (PG set and bank unlocked: buffered into a 256-bit flash word and programmed; else PGSERR/
 * WRPERR, memory untouched). `mem` is only written by the model. */
void h7_flash_guest_store(h7_flash *f, uint32_t addr, uint32_t value, unsigned size, h7_master m);
/* Mass erase of both banks, as the debug link does it (all 0xFF). */
void h7_flash_mass_erase(h7_flash *f);
/* Option bytes in force (FLASH_OPTSR_CUR / BOOT7_CUR / BOOT4_CUR). */
bool h7_flash_boot_enabled(const h7_flash *f, h7_core_id core);   /* BCM7 / BCM4 */
uint32_t h7_flash_boot_address(const h7_flash *f, h7_core_id core, bool boot0);

#endif

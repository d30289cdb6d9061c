/* Embedded flash controller (RM0399 ch.4): wait states, key-protected programming of 256-bit flash
 * words, sector/bank/mass erase, option bytes (non-volatile, applied at the next reset). */
#ifndef H7_FLASH_H
#define H7_FLASH_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;

typedef struct h7_flash_bank {
    struct h7_flash *owner;
    uint32_t cr, sr;
    int key_step;            /* 0 locked, 1 KEY1 seen */
    bool key_error;          /* wrong sequence: locked until reset (RM0399 §4.5.1) */
    uint8_t wbuf[32];        /* the 256-bit write buffer */
    uint32_t wbuf_addr;      /* flash-word address being filled, 0 = none */
    uint32_t wbuf_mask;      /* bytes written so far */
    uint32_t op_addr, op_len;   /* erase/program in progress */
    uint8_t op_data[32];
    bool op_erase;
    uint8_t next_data[32];   /* a second flash word queued while one is programming (QW) */
    uint32_t next_addr;      /* 0 = none */
    h7_event ev_done;
} h7_flash_bank;

typedef struct h7_flash {
    struct h7_soc *soc;
    uint8_t *mem;                    /* 2 MiB array at 0x0800_0000 */
    uint32_t acr;
    h7_flash_bank bank[2];
    uint32_t optcr;
    int optkey_step;
    bool optkey_error;
    /* option bytes: non-volatile (kept over every reset), *_prg being programmed, *_cur in force */
    uint32_t nv_optsr, nv_boot7, nv_boot4;
    uint32_t prg_optsr, prg_boot7, prg_boot4;
    uint32_t cur_optsr, cur_boot7, cur_boot4;
    /* per bank: PCROP area (PRAR), secure area (SCAR), sector write protection (WPSN) */
    uint32_t nv_prar[2], nv_scar[2], nv_wpsn[2];
    uint32_t prg_prar[2], prg_scar[2], prg_wpsn[2];
    uint32_t cur_prar[2], cur_scar[2], cur_wpsn[2];
    bool opt_busy;
    h7_event ev_opt;
    bool mass_erase;
    uint32_t dirty_lo, dirty_hi;     /* array range changed since the last h7_flash_take_dirty */
} h7_flash;

void h7_flash_init(h7_flash *s, struct h7_soc *soc, uint8_t *mem);
void h7_flash_reset(h7_flash *s, h7_reset_kind kind);
uint32_t h7_flash_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_flash_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* A guest store into the flash array by a master: PG set and bank unlocked => buffered into a
 * 256-bit flash word and programmed; otherwise PGSERR/WRPERR and memory untouched. */
void h7_flash_guest_store(h7_flash *f, uint32_t addr, uint32_t value, unsigned size, h7_master m);
/* Mass erase of both banks, as the debug link does it (all 0xFF, immediately). */
void h7_flash_mass_erase(h7_flash *f);
/* Option bytes in force (FLASH_OPTSR_CUR / BOOT7_CUR / BOOT4_CUR). */
bool h7_flash_boot_enabled(const h7_flash *f, h7_core_id core);   /* BCM7 / BCM4 */
uint32_t h7_flash_boot_address(const h7_flash *f, h7_core_id core, bool boot0);
/* Preset the non-volatile option bytes (scenarios); they apply at the next reset. */
void h7_flash_set_options(h7_flash *f, uint32_t optsr, uint32_t boot7, uint32_t boot4);
/* The array range modified since the last call (code caches must be invalidated). */
bool h7_flash_take_dirty(h7_flash *f, uint32_t *lo, uint32_t *hi);
unsigned h7_flash_latency(const h7_flash *f);

#endif

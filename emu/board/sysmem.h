/* What the board's STM32H755 holds in system memory (0x1FF0_0000): the bootloader stand-in and the
 * factory words firmware reads (unique device ID, flash size). */
#ifndef H7_SYSMEM_H
#define H7_SYSMEM_H

#include <stdint.h>

/* Fill the system-memory buffer `sys` (H7_PHYS_SYSMEM). */
void h7_sysmem_init(uint8_t *sys);

#endif

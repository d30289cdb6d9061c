/* CRC calculation unit (RM0399 chapter "Cyclic redundancy check calculation unit (CRC)"): programmable polynomial (7/8/16/32 bits), initial value,
 * input bit reversal by byte/half-word/word, output bit reversal; DR accepts byte, half-word and
 * word writes, each feeding that many bits. IDR is a 32-bit scratch register. */
#ifndef H7_CRC_H
#define H7_CRC_H

#include "periph.h"

H7_REG32(CRC_DR, 0x00)
H7_REG32(CRC_IDR, 0x04)
H7_REG32(CRC_CR, 0x08)
    H7_FIELD(CRC_CR, RESET, 0, 1)
    H7_FIELD(CRC_CR, POLYSIZE, 3, 2)
    H7_FIELD(CRC_CR, REV_IN, 5, 2)
    H7_FIELD(CRC_CR, REV_OUT, 7, 1)
H7_REG32(CRC_INIT, 0x10)
H7_REG32(CRC_POL, 0x14)

extern const h7_regdesc h7_crc_regs[];
extern const size_t h7_crc_nregs;

struct h7_soc;
typedef struct h7_crc {
    struct h7_soc *soc;
    uint32_t crc;              /* the running CRC (DR reads it, output-reversed if REV_OUT) */
    uint32_t idr, cr, init, pol;
} h7_crc;

void h7_crc_init(h7_crc *s, struct h7_soc *soc);
void h7_crc_reset(h7_crc *s, h7_reset_kind kind);
uint32_t h7_crc_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_crc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Width of the polynomial selected by CR.POLYSIZE (32, 16, 8 or 7). */
unsigned h7_crc_width(const h7_crc *s);
/* One data unit of `bits` (8, 16 or 32) through the CRC, as a DR write of that size does. */
void h7_crc_feed(h7_crc *s, uint32_t data, unsigned bits);

#endif

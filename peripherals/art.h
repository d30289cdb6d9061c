/* ART accelerator of the Cortex-M4 (RM0399, ART accelerator chapter; facts §3.5 HAL_Init): a
 * cache for the CM4's flash fetches. One register, ART_CTR: EN (b0) and PCACHEADDR (b19:8, the
 * cached flash region's address bits 31:20). No timing effect is modelled. */
#ifndef H7_ART_H
#define H7_ART_H

#include "periph.h"

H7_REG32(ART_CTR, 0x00)
    H7_FIELD(ART_CTR, EN, 0, 1)
    H7_FIELD(ART_CTR, PCACHEADDR, 8, 12)

extern const h7_regdesc h7_art_regs[];
extern const size_t h7_art_nregs;

struct h7_soc;
typedef struct h7_art {
    struct h7_soc *soc;
    uint32_t ctr;
} h7_art;

void h7_art_init(h7_art *s, struct h7_soc *soc);
void h7_art_reset(h7_art *s, h7_reset_kind kind);
uint32_t h7_art_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_art_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

#endif

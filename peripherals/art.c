/* ART accelerator (RM0399, ART accelerator chapter; facts §3.5).
 * Decisions (docs/models.md): ART_CTR resets to 0 (the reset value is not in the facts we have:
 * unconfirmed); the accelerator is a plain register here -- it changes no timing, since every
 * instruction costs one cycle anyway. Clocked by RCC_AHB1ENR.ARTEN (bit 14). */
#include "art.h"

#include "soc.h"

const h7_regdesc h7_art_regs[] = {
    {A_ART_CTR, "ART_CTR", 0, 0x000FFF01u, 0, 0, 0},
};
const size_t h7_art_nregs = sizeof h7_art_regs / sizeof h7_art_regs[0];

void h7_art_init(h7_art *s, struct h7_soc *soc)
{
    *s = (h7_art){0};
    s->soc = soc;
}

void h7_art_reset(h7_art *s, h7_reset_kind kind) { s->ctr = h7_art_regs[0].reset; }

uint32_t h7_art_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_art *s = dev;
    if ((offset & ~3u) == A_ART_CTR)
        return h7_subword_read(s->ctr, offset, size);
    h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ART", "%s read of ART+0x%03X: no register there", h7_master_name(m), offset);
    return 0;
}

void h7_art_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_art *s = dev;
    if ((offset & ~3u) != A_ART_CTR) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "ART", "%s write of 0x%08X to ART+0x%03X ignored: no register there",
                   h7_master_name(m), value, offset);
        return;
    }
    s->ctr = h7_subword_merge(s->ctr, offset, size, value) & h7_art_regs[0].rw_mask;
}

/* System configuration controller (RM0399 ch.13; facts §6.1, §2.6).
 *
 * Trace text: "<master>: writes SYSCFG_PWRCR.ODEN = <0|1>".
 *
 * Decisions (docs/models.md):
 * - ODEN is passed to PWR (VOS0 = VOS1 + ODEN) and to the board layer (VOS0 needs the LDO).
 * - The compensation cell is READY as soon as it is enabled.
 * - PKGR reads 0x8 (LQFP144, the Nucleo-144 package; RM0399 §13.3.x package codes, unconfirmed).
 * - UR0..UR17 mirror the option bytes in force: UR2 BOOT_ADD0 / UR3 BOOT_ADD1 of the CM7 and
 *   the CM4 boot addresses, UR1 BCM4 / BCM7; the others read 0. */
#include "syscfg.h"

#include "soc.h"

const h7_regdesc h7_syscfg_regs[] = {
    {A_SYSCFG_PMCR, "SYSCFG_PMCR", 0, 0x0FE003FFu, 0, 0, 0},   /* EPIS b23:21 included */
    {A_SYSCFG_EXTICR1, "SYSCFG_EXTICR1", 0, 0x0000FFFFu, 0, 0, 0},
    {0x0C, "SYSCFG_EXTICR2", 0, 0x0000FFFFu, 0, 0, 0},
    {0x10, "SYSCFG_EXTICR3", 0, 0x0000FFFFu, 0, 0, 0},
    {A_SYSCFG_EXTICR4, "SYSCFG_EXTICR4", 0, 0x0000FFFFu, 0, 0, 0},
    {A_SYSCFG_CFGR, "SYSCFG_CFGR", 0, 0x0000FFFFu, 0, 0, 0},
    {A_SYSCFG_CCCSR, "SYSCFG_CCCSR", 0, 0x00030003u, 0, 0x00000100u, 0},
    {A_SYSCFG_CCVR, "SYSCFG_CCVR", 0, 0, 0, 0x000000FFu, 0},
    {A_SYSCFG_CCCR, "SYSCFG_CCCR", 0, 0x000000FFu, 0, 0, 0},
    {A_SYSCFG_PWRCR, "SYSCFG_PWRCR", 0, 0x00000001u, 0, 0, 0},
    {A_SYSCFG_PKGR, "SYSCFG_PKGR", 0x8, 0, 0, 0x0000000Fu, 0},
};
const size_t h7_syscfg_nregs = sizeof h7_syscfg_regs / sizeof h7_syscfg_regs[0];

void h7_syscfg_init(h7_syscfg *s, struct h7_soc *soc)
{
    *s = (h7_syscfg){0};
    s->soc = soc;
}

void h7_syscfg_reset(h7_syscfg *s, h7_reset_kind kind)
{
    bool had_oden = s->pwrcr & 1u;
    struct h7_soc *soc = s->soc;
    *s = (h7_syscfg){0};
    s->soc = soc;
    if (had_oden && kind == H7_RESET_SYSTEM) {
        /* An APB4 peripheral reset of SYSCFG clears ODEN (facts §2.6, reported on H743). */
        h7_pwr_set_oden(&soc->pwr, false);
    }
}

static uint32_t ur_value(const h7_syscfg *s, unsigned n)
{
    const h7_flash *f = &s->soc->flash;
    switch (n) {
    case 1: return ((f->cur_optsr >> 22) & 1u) | (((f->cur_optsr >> 23) & 1u) << 16);   /* BCM4 b0, BCM7 b16 */
    case 2: return (f->cur_boot7 & 0xFFFFu) << 16;        /* BOOT_CM7_ADD0 */
    case 3: return f->cur_boot7 >> 16;                    /* BOOT_CM7_ADD1 */
    default: return 0;
    }
}

static uint32_t *storage(h7_syscfg *s, uint32_t off)
{
    switch (off) {
    case A_SYSCFG_PMCR: return &s->pmcr;
    case 0x08: case 0x0C: case 0x10: case 0x14: return &s->exticr[(off - 0x08u) / 4u];
    case A_SYSCFG_CFGR: return &s->cfgr;
    case A_SYSCFG_CCCSR: return &s->cccsr;
    case A_SYSCFG_CCCR: return &s->cccr;
    case A_SYSCFG_PWRCR: return &s->pwrcr;
    default: return NULL;
    }
}

uint32_t h7_syscfg_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_syscfg *s = dev;
    uint32_t off = offset & ~3u, v;
    uint32_t *p = storage(s, off);
    if (p)
        v = *p;
    else if (off == A_SYSCFG_CCVR)
        v = (s->cccsr & 1u) ? 0x00000088u : 0;
    else if (off == A_SYSCFG_PKGR)
        v = 0x8;
    else if (off >= A_SYSCFG_UR0 && off <= A_SYSCFG_UR17)
        v = ur_value(s, (off - A_SYSCFG_UR0) / 4u);
    else {
        h7_soc_log(s->soc, H7_LOG_UNIMP, "SYSCFG", "%s read of SYSCFG+0x%03X: not modelled, reads 0", h7_master_name(m), offset);
        v = 0;
    }
    if (off == A_SYSCFG_CCCSR && (s->cccsr & 1u))
        v |= R_SYSCFG_CCCSR_READY_MASK;
    return h7_subword_read(v, offset, size);
}

void h7_syscfg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_syscfg *s = dev;
    uint32_t off = offset & ~3u;
    uint32_t *p = storage(s, off);
    const h7_regdesc *r = h7_reg_find(h7_syscfg_regs, h7_syscfg_nregs, off);
    if (!p || !r) {
        if (r || (off >= A_SYSCFG_UR0 && off <= A_SYSCFG_UR17))
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "SYSCFG", "%s write of 0x%08X to read-only SYSCFG+0x%03X ignored",
                       h7_master_name(m), value, offset);
        else
            h7_soc_log(s->soc, H7_LOG_UNIMP, "SYSCFG", "%s write of 0x%08X to SYSCFG+0x%03X ignored: not modelled",
                       h7_master_name(m), value, offset);
        return;
    }
    uint32_t old = *p;
    uint32_t v = h7_subword_merge(old, offset, size, value) & r->rw_mask;
    if (off == A_SYSCFG_PWRCR && ((v ^ old) & 1u)) {
        bool oden = v & 1u;
        bool accepted = h7_pwr_oden_allowed(&s->soc->pwr, oden);
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_OVERDRIVE, .by = m, .u.oden = {oden, accepted}});
        h7_pwr_set_oden(&s->soc->pwr, oden);
        if (accepted)
            *p = v;
        return;
    }
    *p = v;
}

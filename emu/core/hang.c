/* Hang detection at the end of a run (see hang.h). */
#include "hang.h"

#include <stdio.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    return b ? b + 1 : path ? path : "?";
}

static bool read16(const h7_cpu *c, uint32_t addr, uint16_t *v)
{
    const h7_mem_region *r = h7_memmap_find(c->id, addr);
    if (!r || addr - r->base + 2u > r->size)
        return false;
    const uint8_t *p = c->env.phys[r->phys] + r->phys_offset + (addr - r->base);
    *v = (uint16_t)(p[0] | p[1] << 8);
    return true;
}

/* Thumb `b .`: B T2 0xE7FE, or B.W T4 0xF7FF 0xBFFE. */
static bool branch_to_itself(const h7_cpu *c, uint32_t pc)
{
    uint16_t h0, h1;
    if (!read16(c, pc, &h0))
        return false;
    if (h0 == 0xE7FEu)
        return true;
    return h0 == 0xF7FFu && read16(c, pc + 2u, &h1) && h1 == 0xBFFEu;
}

/* "inlined Error_Handler in main (called at main.c:21)" for the innermost inlined call at pc. */
static bool inline_note(const h7_image *img, uint32_t pc, const char *callee, char *buf, size_t len)
{
    const h7_inline *in = img ? h7_image_inline_at(img, pc, callee) : NULL;
    buf[0] = 0;
    if (!in)
        return false;
    if (in->call_file)
        snprintf(buf, len, "inlined %s in %s (called at %s:%u)", in->callee, in->caller ? in->caller : "?",
                 base_name(in->call_file), in->call_line);
    else
        snprintf(buf, len, "inlined %s in %s", in->callee, in->caller ? in->caller : "?");
    return true;
}

static void where_of(h7_cpu *c, uint32_t pc, char *buf, size_t len)
{
    if (c->env.symbolize)
        c->env.symbolize(c->env.ctx, c->id, pc, buf, len);
    else
        snprintf(buf, len, "0x%08X", pc);
}

bool h7_hang_detect(h7_cpu *c, const h7_image *img, char *why, size_t len)
{
    bool awake = c->state == H7_CPU_RUNNING, asleep = c->state == H7_CPU_SLEEP_WFI || c->state == H7_CPU_SLEEP_WFE;
    if (!(awake || asleep) || !img)
        return false;
    uint32_t pc = h7_cpu_pc(c) & ~1u;
    char where[200], inl[200];
    where_of(c, pc, where, sizeof where);
    /* HAL convention: every failed init ends in Error_Handler(), an endless loop. A core that is
     * there when the run ends is reported with the call site (LR). */
    uint32_t off;
    const h7_symbol *sym = h7_image_symbolize(img, pc, &off);
    if (sym && sym->name && !strcmp(sym->name, "Error_Handler")) {
        char caller[200];
        where_of(c, (h7_cpu_reg(c, UC_ARM_REG_LR) & ~1u) - 4u, caller, sizeof caller);
        snprintf(why, len, "%s: stuck in Error_Handler (HAL error path) at %s, called from %s", h7_core_name(c->id),
                 where, caller);
        return true;
    }
    if (!awake)
        return false;
    if (inline_note(img, pc, "Error_Handler", inl, sizeof inl)) {
        snprintf(why, len, "%s: stuck in Error_Handler (HAL error path), %s, at %s", h7_core_name(c->id), inl, where);
        return true;
    }
    bool primask = h7_cpu_reg(c, UC_ARM_REG_PRIMASK) & 1u, faultmask = h7_cpu_reg(c, UC_ARM_REG_FAULTMASK) & 1u;
    if ((primask || faultmask) && branch_to_itself(c, pc)) {
        inline_note(img, pc, NULL, inl, sizeof inl);
        snprintf(why, len, "%s: hangs on a branch to itself with interrupts masked (%s = 1) at %s%s%s",
                 h7_core_name(c->id), primask ? "PRIMASK" : "FAULTMASK", where, inl[0] ? ", " : "", inl);
        return true;
    }
    return false;
}

bool h7_hang_no_progress(h7_cpu *const cores[H7_NCORES], const h7_image *const imgs[H7_NCORES], bool printed,
                         char *line, size_t len)
{
    if (printed)
        return false;
    for (int k = 0; k < H7_NCORES; k++) {
        h7_cpu *c = cores[k];
        if (!imgs[k] || c->state != H7_CPU_RUNNING)
            continue;
        char why[400];
        if (h7_hang_detect(c, imgs[k], why, sizeof why)) {
            snprintf(line, len, "no progress: nothing was printed on the console and %s", why);
            return true;
        }
        if (c->nexceptions == 0 && c->nsleeps == 0) {
            char where[200];
            where_of(c, h7_cpu_pc(c) & ~1u, where, sizeof where);
            snprintf(line, len, "no progress: nothing was printed on the console and the %s never left its init "
                     "(no exception taken, never slept; pc %s)", h7_core_name(c->id), where);
            return true;
        }
    }
    return false;
}

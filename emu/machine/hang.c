/* Hang detection at the end of a run (see hang.h). */
#include "hang.h"

#include <stdio.h>
#include <string.h>

#include "cpu.h"

static const char *base_name(const char *path)
{
    const char *b = path ? strrchr(path, '/') : NULL;
    return b ? b + 1 : path ? path : "?";
}

/* Thumb `b .`: B T2 0xE7FE, or B.W T4 0xF7FF 0xBFFE. */
static bool branch_to_itself(h7_machine *m, h7_core_id core, uint32_t pc)
{
    uint8_t b[4];
    if (!h7_machine_read_mem(m, core, pc & ~1u, b, 2))
        return false;
    uint16_t h0 = (uint16_t)(b[0] | b[1] << 8);
    if (h0 == 0xE7FEu)
        return true;
    if (h0 != 0xF7FFu || !h7_machine_read_mem(m, core, (pc & ~1u) + 2u, b + 2, 2))
        return false;
    return (uint16_t)(b[2] | b[3] << 8) == 0xBFFEu;
}

static bool core_is_executing(const h7_cpu *c)
{
    return c->state == H7_CPU_RUNNING;
}

/* "inlined Error_Handler in main (main.c:21)" for the innermost inlined call at pc, "" if none. */
static void inline_note(const h7_machine *m, h7_core_id core, uint32_t pc, const char *callee, char *buf, size_t len)
{
    buf[0] = 0;
    if (!m->has_img[core])
        return;
    const h7_inline *in = h7_image_inline_at(&m->img[core], pc, callee);
    if (!in)
        return;
    if (in->call_file)
        snprintf(buf, len, "inlined %s in %s (called at %s:%u)", in->callee, in->caller ? in->caller : "?",
                 base_name(in->call_file), in->call_line);
    else
        snprintf(buf, len, "inlined %s in %s", in->callee, in->caller ? in->caller : "?");
}

bool h7_hang_detect(h7_machine *m, h7_cpu *c, char *why, size_t len)
{
    if (!core_is_executing(c) || !m->has_img[c->id])
        return false;
    uint32_t pc = h7_cpu_pc(c);
    char where[200], inl[200];
    h7_machine_symbolize(m, c->id, pc, where, sizeof where);
    inline_note(m, c->id, pc, "Error_Handler", inl, sizeof inl);
    if (inl[0]) {
        snprintf(why, len, "%s: stuck in Error_Handler (HAL error path), %s, at %s", h7_core_name(c->id), inl, where);
        return true;
    }
    bool primask = h7_cpu_reg(c, UC_ARM_REG_PRIMASK) & 1u, faultmask = h7_cpu_reg(c, UC_ARM_REG_FAULTMASK) & 1u;
    if ((primask || faultmask) && branch_to_itself(m, c->id, pc)) {
        inline_note(m, c->id, pc, NULL, inl, sizeof inl);
        snprintf(why, len, "%s: hangs on a branch to itself with interrupts masked (%s = 1) at %s%s%s", h7_core_name(c->id),
                 primask ? "PRIMASK" : "FAULTMASK", where, inl[0] ? ", " : "", inl);
        return true;
    }
    return false;
}

bool h7_hang_no_progress(h7_machine *m, char *line, size_t len)
{
    if (m->uart_len || m->locked)
        return false;
    for (int k = 0; k < H7_NCORES; k++) {
        h7_cpu *c = &m->cpu[k];
        if (!m->has_img[k] || c->state == H7_CPU_HELD || c->state == H7_CPU_NOFW)
            continue;
        char why[400];
        if (h7_hang_detect(m, c, why, sizeof why)) {
            snprintf(line, len, "no progress: nothing was printed on the console and %s", why);
            return true;
        }
        if (core_is_executing(c) && c->nexceptions == 0 && c->nsleeps == 0) {
            char where[200];
            h7_machine_symbolize(m, c->id, h7_cpu_pc(c), where, sizeof where);
            snprintf(line, len, "no progress: nothing was printed on the console and the %s never left its init "
                     "(no exception taken, never slept; pc %s)", h7_core_name(c->id), where);
            return true;
        }
    }
    return false;
}

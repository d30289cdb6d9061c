#include "traps.h"

#include <stdlib.h>
#include <string.h>

h7_trap_kind h7_trap_classify(uint16_t hw, uint16_t hw2, unsigned *rm)
{
    /* 32-bit coprocessor space 0xEC00-0xEFFF with coprocessor 10 or 11: the FP extension
     * (VLDR/VSTR/VLDM/VSTM/VPUSH/VPOP, VMOV, VMRS/VMSR, data processing). */
    if ((hw & 0xFC00u) == 0xEC00u && ((hw2 >> 9) & 7u) == 5u)
        return H7_TRAP_FP;
    /* SDIV 0xFB9n 0xFdFm, UDIV 0xFBBn 0xFdFm */
    if (((hw & 0xFFF0u) == 0xFB90u || (hw & 0xFFF0u) == 0xFBB0u) && (hw2 & 0xF0F0u) == 0xF0F0u) {
        *rm = hw2 & 0xFu;
        return H7_TRAP_DIV;
    }
    return H7_TRAP_NONE;
}

unsigned h7_trap_it_cond(uint32_t xpsr)
{
    unsigned it = ((xpsr >> 25) & 3u) | ((xpsr >> 8) & 0xFCu);   /* IT[1:0] = b26:25, IT[7:2] = b15:10 */
    if ((it & 0xFu) == 0)
        return 14u;
    return it >> 4;
}

bool h7_trap_cond_passed(unsigned cond, uint32_t xpsr)
{
    bool n = xpsr >> 31 & 1, z = xpsr >> 30 & 1, c = xpsr >> 29 & 1, v = xpsr >> 28 & 1;
    bool r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: return true;   /* AL (and the unconditional 0b1111) */
    }
    return (cond & 1u) ? !r : r;
}

bool h7_trap_add_site(h7_trap_sites *t, uint32_t addr)
{
    for (size_t i = 0; i < t->nsites; i++)
        if (t->sites[i] == addr)
            return false;
    if (t->nsites == H7_TRAP_MAX_SITES)
        return false;
    if (!t->sites && !(t->sites = malloc(H7_TRAP_MAX_SITES * sizeof *t->sites)))
        return false;
    t->sites[t->nsites++] = addr;
    return true;
}

void h7_trap_free(h7_trap_sites *t)
{
    free(t->sites);
    memset(t, 0, sizeof *t);
}

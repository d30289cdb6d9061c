#include "traps.h"

_Static_assert(H7_TRAP_SLOTS == 1u << 13, "slot_of keeps 13 bits");

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

unsigned h7_trap_always_aligned(uint16_t hw, uint16_t hw2, unsigned *rn, int32_t *offset)
{
    if ((hw >> 11) < 0x1Du) {
        if ((hw & 0xF000u) != 0xC000u)   /* narrow STM/LDM T1 (IA, base r0-r7): 1100 L Rn list */
            return 0;
        *rn = (hw >> 8) & 7u;
        *offset = 0;
        return 4;
    }
    unsigned n = hw & 0xFu;
    if ((hw & 0xFE40u) == 0xE800u) {     /* 1110 100 op 0 W L Rn: STM/LDM IA (op 01) or DB (op 10) */
        unsigned op = (hw >> 7) & 3u;
        if ((op != 1u && op != 2u) || n == 13u || n == 15u)
            return 0;
        *rn = n;
        *offset = op == 2u ? -4 * __builtin_popcount(hw2 & 0xFFFFu) : 0;
        return 4;
    }
    if ((hw & 0xFE40u) == 0xE840u && (hw & 0x0120u)) {   /* LDRD/STRD imm: 1110 100P U1WL Rn, P|W */
        if (n == 13u || n == 15u)
            return 0;
        int32_t imm = (int32_t)(hw2 & 0xFFu) * 4;
        *rn = n;
        *offset = (hw & 0x100u) ? ((hw & 0x80u) ? imm : -imm) : 0;
        return 4;
    }
    if ((hw & 0xFFE0u) == 0xE840u) {     /* STREX/LDREX: 1110 1000 010L Rn, offset imm8 * 4 */
        if (n == 13u || n == 15u)
            return 0;
        *rn = n;
        *offset = (int32_t)(hw2 & 0xFFu) * 4;
        return 4;
    }
    if ((hw & 0xFFE0u) == 0xE8C0u && ((hw2 >> 4) & 0xFu) == 5u) {   /* STREXH/LDREXH */
        if (n == 13u || n == 15u)
            return 0;
        *rn = n;
        *offset = 0;
        return 2;
    }
    return 0;
}

/* Fibonacci hashing: the top 13 bits of the product (H7_TRAP_SLOTS = 2^13). */
static size_t slot_of(uint32_t addr) { return (size_t)((uint32_t)((addr >> 1) * 2654435761u) >> 19); }

bool h7_trap_add_site(h7_trap_sites *t, uint32_t addr)
{
    if (!t->slots && !(t->slots = calloc(H7_TRAP_SLOTS, sizeof *t->slots)))
        return false;
    size_t i = slot_of(addr);
    while (t->slots[i] && t->slots[i] != addr)
        i = (i + 1) & (H7_TRAP_SLOTS - 1u);
    if (t->slots[i] == addr || addr == 0)
        return false;
    if (t->nsites == H7_TRAP_MAX_SITES) {   /* never more than half full: the probe above ends */
        t->full = true;
        return false;
    }
    t->slots[i] = addr;
    t->nsites++;
    return true;
}

void h7_trap_free(h7_trap_sites *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

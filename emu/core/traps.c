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

static uint16_t bit(unsigned r) { return (uint16_t)(1u << (r & 15u)); }

static uint16_t writes16(uint16_t hw)
{
    switch (hw >> 12) {
    case 0x0: case 0x1:                          /* shift imm, ADD/SUB reg/imm3: Rd b2:0 */
        return bit(hw & 7u);
    case 0x2: case 0x3:                          /* MOV/CMP/ADD/SUB imm8: Rdn b10:8 (CMP none) */
        return (hw >> 11) == 5u ? 0 : bit((hw >> 8) & 7u);
    case 0x4:
        if ((hw & 0xFC00u) == 0x4000u) {         /* data processing: TST, CMP, CMN write nothing */
            unsigned op = (hw >> 6) & 0xFu;
            return op == 8u || op == 10u || op == 11u ? 0 : bit(hw & 7u);
        }
        if ((hw & 0xFC00u) == 0x4400u) {         /* ADD/CMP/MOV high registers, BX/BLX */
            unsigned op = (hw >> 8) & 3u, rd = (hw & 7u) | ((hw >> 4) & 8u);
            return op == 1u ? 0 : op == 3u ? bit(14) : bit(rd);
        }
        return bit((hw >> 8) & 7u);              /* LDR literal */
    case 0x5:                                    /* load/store register offset: loads write Rt */
        return ((hw >> 9) & 7u) >= 3u ? bit(hw & 7u) : 0;
    case 0x6: case 0x7: case 0x8:                /* load/store imm5: L = b11 */
        return (hw & 0x0800u) ? bit(hw & 7u) : 0;
    case 0x9:                                    /* SP-relative load/store */
        return (hw & 0x0800u) ? bit((hw >> 8) & 7u) : 0;
    case 0xA:                                    /* ADR, ADD Rd, SP, #imm */
        return bit((hw >> 8) & 7u);
    case 0xB:
        if ((hw & 0xFF00u) == 0xB000u || (hw & 0xFE00u) == 0xB400u)
            return bit(13);                      /* ADD/SUB SP, PUSH */
        if ((hw & 0xF500u) == 0xB100u || (hw & 0xFFE0u) == 0xB660u || (hw & 0xFE00u) == 0xBE00u)
            return 0;                            /* CBZ/CBNZ, CPS, BKPT, IT and hints */
        if ((hw & 0xFF00u) == 0xB200u || (hw & 0xFF00u) == 0xBA00u)
            return bit(hw & 7u);                 /* extends, REV */
        if ((hw & 0xFE00u) == 0xBC00u)           /* POP */
            return (uint16_t)((hw & 0xFFu) | bit(13) | ((hw & 0x100u) ? bit(15) : 0));
        return 0xFFFFu;
    case 0xC:                                    /* STM/LDM T1: the write-back keeps alignment */
        return (hw & 0x0800u) ? (uint16_t)(hw & 0xFFu) : 0;
    case 0xD: case 0xE:                          /* B<c>, SVC, UDF, B */
        return 0;
    default:
        return 0xFFFFu;
    }
}

uint16_t h7_trap_writes(uint16_t hw, uint16_t hw2)
{
    if ((hw >> 11) < 0x1Du)
        return writes16(hw);
    unsigned rn = hw & 0xFu, rd = (hw2 >> 8) & 0xFu, rt = hw2 >> 12;
    bool load = (hw & 0x10u) != 0;
    if ((hw & 0xFE40u) == 0xE800u)               /* LDM/STM: the write-back keeps alignment */
        return load ? (uint16_t)(hw2 & 0xFFFFu) : 0;
    if ((hw & 0xFE40u) == 0xE840u && (hw & 0x0120u))   /* LDRD/STRD imm (and literal) */
        return load ? (uint16_t)(bit(rt) | bit(rd)) : 0;
    if ((hw & 0xFFE0u) == 0xE840u)               /* LDREX Rt / STREX Rd */
        return load ? bit(rt) : bit(rd);
    if ((hw & 0xFFE0u) == 0xE8C0u)               /* TBB/TBH (none), LDREXB/H Rt, STREXB/H Rd b3:0 */
        return ((hw2 >> 4) & 0xFu) < 4u ? 0 : load ? bit(rt) : bit(hw2 & 0xFu);
    if ((hw & 0xFE00u) == 0xEA00u || (hw & 0xFF00u) == 0xFA00u || (hw & 0xFF80u) == 0xFB00u)
        return bit(rd);                          /* shifted register, register, multiply */
    if ((hw & 0xFF80u) == 0xFB80u)               /* long multiply, divide */
        return (uint16_t)(bit(rd) | bit(rt));
    if ((hw & 0xF800u) == 0xF000u && !(hw2 & 0x8000u))
        return bit(rd);                          /* data processing immediate */
    if ((hw & 0xF800u) == 0xF000u)               /* branches (BL: LR), MRS Rd, MSR, hints, barriers */
        return (uint16_t)(bit(14) | bit(rd));
    if ((hw & 0xFE00u) == 0xF800u)               /* load/store single: Rt, and Rn (write-back) */
        return (uint16_t)((load ? bit(rt) : 0) | bit(rn));
    if ((hw & 0xEC00u) == 0xEC00u)               /* coprocessor/FP: Rn write-back, VMOV/VMRS Rt */
        return (uint16_t)(bit(rn) | bit(rt));
    return 0xFFFFu;
}

/* Fibonacci hashing: the top 13 bits of the product (H7_TRAP_SLOTS = 2^13). */
static size_t slot_of(uint32_t addr) { return (size_t)((uint32_t)((addr >> 1) * 2654435761u) >> 19); }

bool h7_trap_has_site(const h7_trap_sites *t, uint32_t addr)
{
    if (!t->slots)
        return false;
    size_t i = slot_of(addr);
    while (t->slots[i] && t->slots[i] != addr)
        i = (i + 1) & (H7_TRAP_SLOTS - 1u);
    return t->slots[i] == addr && addr != 0;
}

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

/* Faults Unicorn 2.0.1 / 2.1 (QEMU 5.0) does not raise on an M-profile core and the harness adds:
 * NOCP (an FP instruction while CPACR denies CP10/CP11), DIVBYZERO (SDIV/UDIV by zero with
 * CCR.DIV_0_TRP), UNALIGNED for any halfword/word access with CCR.UNALIGN_TRP, and UNALIGNED for
 * the accesses that must be aligned whatever CCR says (LDRD/STRD, LDM/STM, the exclusives;
 * ARMv7-M A3.2.1). No per-instruction hook: each translation block is decoded once at its first
 * execution, and a code hook is put on its instructions that may fault (the "sites"); the hook
 * checks the condition at run time. The always-aligned accesses are always armed, and most of
 * them need no code hook: their base's alignment is checked at the block's start (cpu.c
 * hook_trap_sites, h7_trap_writes); the others are armed only while their trap is. */
#ifndef H7_TRAPS_H
#define H7_TRAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { H7_TRAP_NONE, H7_TRAP_FP, H7_TRAP_DIV } h7_trap_kind;

/* The Thumb instruction (hw, hw2 for 32-bit ones): an FP (coprocessor 10/11) instruction, an
 * SDIV/UDIV (its divisor register in *rm), or neither. ARMv7-M A6.3, A7.7.127, A7.7.195. */
h7_trap_kind h7_trap_classify(uint16_t hw, uint16_t hw2, unsigned *rm);
/* The condition of the current instruction from the EPSR IT bits of `xpsr` (14 = always). */
unsigned h7_trap_it_cond(uint32_t xpsr);
/* ARMv7-M A7.3.1: does condition `cond` pass with the APSR flags of `xpsr`? */
bool h7_trap_cond_passed(unsigned cond, uint32_t xpsr);

/* ARMv7-M A3.2.1: accesses that fault when unaligned whatever CCR.UNALIGN_TRP says, and that can
 * be unaligned: LDRD/STRD (immediate, base not PC), LDM/STM (IA/DB, narrow and wide), LDREX/STREX
 * (word), LDREXH/STREXH (halfword). Base SP is left out (PUSH/POP and SP-relative forms): SP is
 * always word aligned on M-profile (its bits [1:0] are zero, B1.4.1), and every offset of these
 * forms is a multiple of the alignment, so the access is aligned iff the base register is. Returns
 * the alignment (4 or 2) and the base register in *rn, the offset of the first byte accessed from
 * the base in *offset; 0 for any other instruction. VLDR/VSTR/VLDM/VSTM (also always aligned on
 * silicon) are not in the list: docs/machine.md "Faults". */
unsigned h7_trap_always_aligned(uint16_t hw, uint16_t hw2, unsigned *rn, int32_t *offset);

/* The core registers the instruction may write (bit r = r0..r15), conservatively: 0xFFFF when it
 * is not known. Write-backs that keep a base register's alignment (LDM/STM, LDRD/STRD: +-4n) are
 * left out: h7emu checks the alignment of an always-aligned access at the start of its block when
 * no instruction before it in the block may change its base register's low bits (cpu.c). ARMv7-M
 * A5.2 (16-bit) and A5.3 (32-bit encodings). */
uint16_t h7_trap_writes(uint16_t hw, uint16_t hw2);

/* The hooked sites (a block is decoded when its instruction count is computed: cpu.c tb_entry). A
 * hash set of instruction addresses, at most H7_TRAP_MAX_SITES: each site is one Unicorn code hook,
 * and Unicorn walks every code hook for each hooked instruction executed and for each instruction
 * translated, so the cap bounds that walk (a hostile image with more sites runs the ones past the
 * cap unchecked, and the machine notes it once: h7_trap_sites.full). */
typedef struct h7_trap_sites {
    uint32_t *slots;         /* H7_TRAP_SLOTS entries, 0 = empty (no instruction at address 0) */
    size_t nsites;
    bool full;               /* a site was refused: the table is full */
    /* A fault found by a site hook, delivered once the engine has stopped (a PC write inside a
     * code hook is not reliable in Unicorn 2.0.1: inside an IT block it was lost). */
    bool pending;
    unsigned exc;
    uint32_t cfsr, pc;
    char what[96];
} h7_trap_sites;

#define H7_TRAP_MAX_SITES 4096u
#define H7_TRAP_SLOTS (2u * H7_TRAP_MAX_SITES)

/* True if `addr` was not a site yet and is now (false when known or the table is full). */
bool h7_trap_add_site(h7_trap_sites *t, uint32_t addr);
bool h7_trap_has_site(const h7_trap_sites *t, uint32_t addr);
void h7_trap_free(h7_trap_sites *t);

#endif

/* Faults Unicorn 2.0.1 (QEMU 5.0) does not raise on an M-profile core and the harness adds:
 * NOCP (an FP instruction while CPACR denies CP10/CP11) and DIVBYZERO (SDIV/UDIV by zero with
 * CCR.DIV_0_TRP). No per-instruction hook: while one of these traps is armed, each translation
 * block is decoded once at its first execution, and a code hook is put on its FP and divide
 * instructions only (the "sites"); the hook checks the condition at run time. */
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

/* The hooked sites (a block is decoded when its instruction count is computed: cpu.c tb_count). */
typedef struct h7_trap_sites {
    uint32_t *sites;
    size_t nsites;
    /* A fault found by a site hook, delivered once the engine has stopped (a PC write inside a
     * code hook is not reliable in Unicorn 2.0.1: inside an IT block it was lost). */
    bool pending;
    unsigned exc;
    uint32_t cfsr, pc;
    char what[96];
} h7_trap_sites;

#define H7_TRAP_MAX_SITES 4096u

/* True if `addr` was not a site yet and is now (false when known or the table is full). */
bool h7_trap_add_site(h7_trap_sites *t, uint32_t addr);
void h7_trap_free(h7_trap_sites *t);

#endif

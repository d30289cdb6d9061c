/* The Unicorn library the program runs on, and every behaviour that differs between the versions
 * h7emu supports (Debian 12's 2.0.1, Debian 13's 2.1.1). Decided once at run time from uc_version(),
 * so one binary works on either library (same soname, same register ids). Everything
 * version-specific lives in engine.c; docs/machine.md "Engine differences" lists the probes. */
#ifndef H7_ENGINE_H
#define H7_ENGINE_H

#include <stdbool.h>
#include <unicorn/unicorn.h>

typedef struct h7_engine {
    unsigned major, minor, patch;
    char name[32];                 /* "Unicorn 2.1.1" */
    /* UC_HOOK_INSN_INVALID returning true: 2.0.1 stops uc_emu_start (UC_ERR_OK, PC after the
     * instruction), 2.1 continues with the next instruction. */
    bool hint_hook_true_stops;
} h7_engine;

/* The loaded library (first call reads uc_version()). */
const h7_engine *h7_engine_get(void);

/* From a UC_HOOK_INSN_INVALID hook on a WFE (narrow or wide): make uc_emu_start return UC_ERR_OK
 * with PC after the WFE on every version. Returns the value the hook must return. */
bool h7_engine_stop_at_hint(uc_engine *uc);

/* From the same hook on a YIELD: it is a NOP (ARMv7-M A7.7.263 with no multithreading). Returns the
 * value the hook must return; *engine_stops says whether uc_emu_start will return anyway (2.0.1),
 * in which case the caller resumes at PC (after the YIELD). */
bool h7_engine_continue_after_hint(bool *engine_stops);

#endif

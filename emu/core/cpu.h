/* One Cortex-M core on a Unicorn 2.0.1 engine (internal to the machine).
 * Unicorn facts this relies on (../shared/reference/unicorn-2.0.1-notes.md): UC_MODE_THUMB +
 * set_cpu_model (MCLASS would be an M33); no exception model (entry/return done here); PC exact only
 * at block starts; WFE stops via UC_HOOK_INSN_INVALID, WFI returns UC_ERR_OK, SEV is a NOP. */
#ifndef H7_CPU_H
#define H7_CPU_H

#include "machine.h"

enum { H7_STOP_NONE, H7_STOP_BUDGET, H7_STOP_WFE, H7_STOP_REQUEST };

int h7_cpu_open(h7_cpu *c, h7_machine *m, h7_core_id id, char *err, size_t errlen);
void h7_cpu_close(h7_cpu *c);
/* Hooks on every SEV instruction of the image's executable segments. */
void h7_cpu_hook_sev_sites(h7_cpu *c, const h7_image *img);
/* Reset the core registers and load SP/PC from the vector table at `boot`. */
void h7_cpu_reset(h7_cpu *c, uint32_t boot, bool held);
/* Run until the local time reaches `until`, the core stops running, or a stop is requested. */
void h7_cpu_run(h7_cpu *c, h7_time_ps until);
/* Something changed that may wake the core (interrupt pending, event). */
void h7_cpu_check_wake(h7_cpu *c);
/* Set the core's clock (RCC changed it). */
void h7_cpu_set_hz(h7_cpu *c, uint32_t hz);
/* Bring a sleeping/held core's local time up to `t` (time passes while it does nothing). */
void h7_cpu_catch_up(h7_cpu *c, h7_time_ps t);
/* During an MMIO callback of this core: the instruction accessing `addr` (Unicorn only knows the
 * block start; the registers are exact). False if it cannot be told. */
bool h7_cpu_locate_access(h7_cpu *c, uint32_t addr, uint32_t *pc);
/* Stop the core in `state` (from inside a callback too: takes effect at the next block). */
void h7_cpu_stop(h7_cpu *c, h7_cpu_state state, const char *why);
/* Debugger support. Halting keeps the state the core had (sleeping stays sleeping on resume). */
void h7_cpu_halt(h7_cpu *c, h7_halt_reason why);
void h7_cpu_resume(h7_cpu *c);
/* Execute exactly one instruction of a halted core, whatever stopped it (fresh translation at
 * PC, budget of one). mask_irqs: pending interrupts stay pending during the step; otherwise an
 * exception that preempts the instruction is entered and counts as the step. A core halted in
 * WFI/WFE steps from the instruction after it (the halt woke it). Time: +1 cycle (+12 for an
 * exception entry) on the core's local clock; the caller brings the machine up to it. */
void h7_cpu_step(h7_cpu *c, bool mask_irqs);
bool h7_cpu_set_breakpoint(h7_cpu *c, uint32_t addr, bool on);
/* type: 2 write, 3 read, 4 access (GDB Z2/Z3/Z4). */
bool h7_cpu_set_watchpoint(h7_cpu *c, uint32_t addr, uint32_t len, int type, bool on);
/* Invalidate translated code in [lo, hi) on this engine. */
void h7_cpu_flush_code(h7_cpu *c, uint32_t lo, uint32_t hi);

#endif

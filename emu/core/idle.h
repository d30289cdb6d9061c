/* Idle-loop fast-forward (deterministic): a core spinning in a one-block loop that cannot make
 * progress until something outside it changes skips the iterations to its window end, charging
 * exactly the instructions full execution would have retired. docs/machine.md "Idle loops". */
#ifndef H7_IDLE_H
#define H7_IDLE_H

#include <stdbool.h>
#include <stdint.h>

struct h7_cpu;
struct h7_tb_entry;

/* Block decode: could [addr, addr+size) be an idle loop? Every instruction is a load or a
 * register-only operation, and the last one branches back to addr. */
bool h7_idle_candidate(struct h7_cpu *c, uint32_t addr, uint32_t size);
/* Block hook, at the start of a candidate block whose back-off countdown is 0. */
void h7_idle_probe(struct h7_cpu *c, struct h7_tb_entry *e, uint32_t addr);
/* Block hook, at the block start after a probe. True: the loop is idle, the core's instruction
 * count went to the window's end and it is parked (the caller stops the engine at addr). */
bool h7_idle_confirm(struct h7_cpu *c, uint32_t addr);
/* h7_cpu_run of a parked core: true = still idle, the window was skipped arithmetically. */
bool h7_idle_skip_window(struct h7_cpu *c, uint64_t until);

#endif

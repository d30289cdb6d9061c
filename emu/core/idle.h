/* Idle-loop fast-forward (deterministic): a core spinning in a one-block loop that cannot make
 * progress until something outside it changes skips the iterations to its window end, charging
 * exactly the instructions full execution would have retired. docs/machine.md "Idle loops". */
#ifndef H7_IDLE_H
#define H7_IDLE_H

#include <stdbool.h>
#include <stdint.h>

struct h7_cpu;
struct h7_tb_entry;

/* Block decode: loads, register-only operations and branches/calls/returns only. */
bool h7_idle_candidate(struct h7_cpu *c, uint32_t addr, uint32_t size);
/* A peripheral/PPB read that may be polled like RAM (changes only by writes or at events). */
bool h7_idle_stable_read(uint32_t addr);
/* Block hook, at the start of a load-only block whose back-off countdown is 0: start probing. */
void h7_idle_probe(struct h7_cpu *c, struct h7_tb_entry *e, uint32_t addr);
/* Block hook, at every block start while probing. 1: the loop is idle; the core's instruction
 * count went to where full execution stops in this window, its registers are those of the loop
 * block it stops at, *resume is that block; the caller stops the engine there. 0: go on. */
int h7_idle_step(struct h7_cpu *c, uint32_t addr, uint32_t *resume);
/* h7_cpu_run of a parked core: true = still idle, the window was skipped arithmetically. */
bool h7_idle_skip_window(struct h7_cpu *c, uint64_t until);

#endif

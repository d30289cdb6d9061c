/* The board/rules layer: watches the models while the firmware runs, judges what the board
 * would do (supply mismatch => core supply lost, device locked, debug link gone) and records
 * each rule violation with its root cause (see rules.h, docs/power-rules.md). */
#ifndef H7_SUPERVISOR_H
#define H7_SUPERVISOR_H

#include "machine.h"

void h7_sup_power_on(h7_machine *m);
void h7_sup_on_supply(h7_machine *m, uint32_t cr3_low, bool accepted);
void h7_sup_on_overdrive(h7_machine *m, bool oden);
void h7_sup_on_clocks(h7_machine *m);
void h7_sup_on_trace(h7_machine *m, const char *src, const char *text);
void h7_sup_on_log(h7_machine *m, h7_log_kind kind, const char *periph, const char *text);
void h7_sup_on_periph_access(h7_machine *m, const h7_window *w, uint32_t addr);
/* Install the built-in system-memory bootloader stand-in and the device ID words. */
void h7_sup_init_sysmem(h7_machine *m);

#endif

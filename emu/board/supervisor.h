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
/* Record a violation of `rule` (NULL when it already fired since power-on); the acting core and
 * instruction come from the running core and the address it accessed (0: the block start). */
h7_violation *h7_sup_record(h7_machine *m, h7_rule_id rule, uint32_t reg_addr);
/* Put "rule: <ID>: <summary>" on the timeline. */
void h7_sup_announce(h7_machine *m, const h7_violation *v, const char *summary);
/* Install the built-in system-memory bootloader stand-in and the device ID words. */
void h7_sup_init_sysmem(h7_machine *m);

#endif

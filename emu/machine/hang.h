/* A core that can never progress, found when a run ends (no per-instruction hook: the core's PC,
 * its masks and the image's DWARF are looked at once).
 * - A core in the code of an inlined Error_Handler (DWARF DW_TAG_inlined_subroutine ranges, as
 *   GCC -Os leaves them) is stuck in the HAL error path, like one in the Error_Handler symbol.
 * - A core on a branch to itself (`b .`) with PRIMASK or FAULTMASK set hangs wherever it is: no
 *   interrupt can take it out (ARMv7-M ARM B1.5.x: PRIMASK masks every exception of configurable
 *   priority; only NMI and HardFault remain, and nothing raises those on a branch).
 * - "No progress": nothing was printed on the console during the whole run and a core never left
 *   its init: it is hung, or it never took an exception and never slept (a busy wait that never
 *   ends, e.g. on a ready flag). Worth a summary line, not a fault by itself. */
#ifndef H7_HANG_H
#define H7_HANG_H

#include "machine.h"

/* True if core `c` can never progress; `why` gets "<core>: ... at <where>" (exit 4). */
bool h7_hang_detect(h7_machine *m, h7_cpu *c, char *why, size_t len);
/* The "no progress" line for the summary (without newline); false when there is none to print. */
bool h7_hang_no_progress(h7_machine *m, char *line, size_t len);

#endif

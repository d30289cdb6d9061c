/* A core that can never progress, found when a run ends (no per-instruction hook: the core's PC,
 * its masks and the image's DWARF are looked at once).
 * - A core in Error_Handler (the HAL error path: every failed init ends there), reported with
 *   its call site (LR).
 * - A core in the code of an inlined Error_Handler (DWARF DW_TAG_inlined_subroutine ranges, as
 *   GCC -Os leaves them) is stuck in the HAL error path, like one in the Error_Handler symbol.
 * - A core on a branch to itself (`b .`) with PRIMASK or FAULTMASK set hangs wherever it is: no
 *   exception of configurable priority can be taken (ARMv7-M ARM B1.4.3 PRIMASK/FAULTMASK), and
 *   nothing raises NMI or HardFault on a branch.
 * - "No progress": nothing was printed on the console during the whole run and a core never left
 *   its init: it is hung, or it never took an exception and never slept (a busy wait that never
 *   ends, e.g. on a ready flag). Worth a summary line, not a fault by itself. */
#ifndef H7_HANG_H
#define H7_HANG_H

#include "cpu.h"
#include "elf_image.h"

/* True if core `c` (its image `img`, NULL if none) can never progress; `why` gets
 * "<core>: ... at <where>" (the firmware-fault text, exit 4). */
bool h7_hang_detect(h7_cpu *c, const h7_image *img, char *why, size_t len);
/* The "no progress" line for the summary (no newline): `printed` = the console got a byte during
 * the run; cores[k]/imgs[k] per core (imgs[k] NULL without firmware). False: no line. */
bool h7_hang_no_progress(h7_cpu *const cores[H7_NCORES], const h7_image *const imgs[H7_NCORES], bool printed,
                         char *line, size_t len);

#endif

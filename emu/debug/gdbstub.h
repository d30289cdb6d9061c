/* A GDB remote-serial-protocol server per core: the CM7 on PORT, the CM4 on PORT+1 (the OpenOCD
 * convention for the dual-core H7), on 127.0.0.1 by default. Single-threaded: the
 * server polls its sockets between slices of machine time.
 *
 * Halting (docs/debugging.md): with H7_GDB_HALT_CORE (default, like the H7 without cross-trigger
 * set up) only the halted core stops and the other runs on; with H7_GDB_HALT_ALL virtual time
 * stops for both cores while a debugger holds a core halted. In both modes every instruction a
 * debugger steps advances time for the whole machine by its cycles. While the device is locked (supply lost) the link is dead: every
 * target operation fails with the ST-LINK's message; only `monitor power-cycle` and `monitor boot0`
 * work. */
#ifndef H7_GDBSTUB_H
#define H7_GDBSTUB_H

#include "machine.h"

typedef enum { H7_GDB_HALT_CORE, H7_GDB_HALT_ALL } h7_gdb_halt_mode;

/* Interrupts during a single step (OpenOCD's `cortex_m maskisr`): AUTO masks them except when the
 * step starts on a WFI/WFE (so that stepping a sleep loop enters the pending handler). */
typedef enum { H7_GDB_MASKISR_AUTO, H7_GDB_MASKISR_ON, H7_GDB_MASKISR_OFF } h7_gdb_maskisr;

typedef struct h7_gdb_options {
    int port;                  /* CM7 port; the CM4 gets port + 1 */
    const char *bind_addr;     /* default 127.0.0.1 */
    bool wait_attach;          /* hold each core until its own debugger attaches */
    h7_gdb_halt_mode halt_mode;
    h7_time_ps limit;          /* stop serving after this much virtual time (0 = no limit) */
} h7_gdb_options;

/* "3333" -> 3333 for --gdb PORT (1..65534: the CM4 gets PORT + 1); false if malformed. */
bool h7_gdb_parse_port(const char *s, int *port);

/* Serve until the run ends: the time limit (`--for`) or SIGINT/SIGTERM of h7emu. Debuggers may
 * detach, kill and reconnect any number of times. 0 on success, -1 with a message in err if the
 * ports cannot be opened. */
int h7_gdb_serve(h7_machine *m, const h7_gdb_options *opt, char *err, size_t errlen);

#endif

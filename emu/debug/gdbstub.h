/* A GDB remote-serial-protocol server per core: the CM7 on PORT, the CM4 on PORT+1 (the OpenOCD /
 * STM32CubeIDE convention for the dual-core H7), on 127.0.0.1 by default. Single-threaded: the
 * server polls its sockets between slices of machine time.
 *
 * Halting (docs/debugging.md): with H7_GDB_HALT_ALL (default, like the H7 cross-trigger) virtual
 * time stops for both cores while any core is halted; with H7_GDB_HALT_CORE only the halted core
 * stops and the other runs on. While the device is locked (supply lost) the link is dead: every
 * target operation fails with the ST-LINK's message; only `monitor power-cycle` and `monitor boot0`
 * work. */
#ifndef H7_GDBSTUB_H
#define H7_GDBSTUB_H

#include "machine.h"

typedef enum { H7_GDB_HALT_ALL, H7_GDB_HALT_CORE } h7_gdb_halt_mode;

typedef struct h7_gdb_options {
    int port;                  /* CM7 port; the CM4 gets port + 1 */
    const char *bind_addr;     /* default 127.0.0.1 */
    bool wait_attach;          /* hold both cores until a debugger attaches to the CM7 */
    h7_gdb_halt_mode halt_mode;
    h7_time_ps limit;          /* stop serving after this much virtual time (0 = no limit) */
} h7_gdb_options;

/* "3333" -> 3333 for --gdb PORT (1..65534: the CM4 gets PORT + 1); false if malformed. */
bool h7_gdb_parse_port(const char *s, int *port);

/* Serve until every debugger that attached has detached (or the limit). 0 on success, -1 with a
 * message in err if the ports cannot be opened. */
int h7_gdb_serve(h7_machine *m, const h7_gdb_options *opt, char *err, size_t errlen);

#endif

/* Arm semihosting (`BKPT 0xAB` on M-profile), as the Arm "Semihosting for AArch32 and AArch64"
 * specification v3 describes it and QEMU implements it: console and file I/O, time, command line,
 * heap information and exit, per core. Only active with `--semihosting`; without it BKPT 0xAB is a
 * plain BKPT (HardFault with DFSR.BKPT, as silicon without a debugger).
 *
 * Determinism: SYS_CLOCK, SYS_TIME, SYS_ELAPSED and SYS_TICKFREQ come from the calling core's
 * virtual time, never from the host clock. Files: only below the root directory given on the
 * command line (none by default: every SYS_OPEN of a file fails with EACCES); ":tt" (the console)
 * and ":semihosting-features" always work. */
#ifndef H7_SEMIHOST_H
#define H7_SEMIHOST_H

#include <stdio.h>

#include "h7types.h"

struct h7_cpu;

#define H7_SH_MAX_FILES 16

/* Reason codes of SYS_EXIT / SYS_EXIT_EXTENDED (the spec's ADP_Stopped_*). */
#define H7_ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define H7_ADP_STOPPED_RUN_TIME_ERROR 0x20023u

typedef struct h7_sh_core {
    int fd[H7_SH_MAX_FILES];        /* host fd, -1 = free; handles 1..3 are :tt stdin/stdout/stderr */
    int kind[H7_SH_MAX_FILES];      /* 0 free, 1 host file, 2 console in, 3 console out, 4 features */
    uint32_t feat_pos[H7_SH_MAX_FILES];
    int err;                        /* SYS_ERRNO: errno of the last failed call */
    char line[512];                 /* console output waiting for its newline */
    size_t nline;
    bool wrote;
} h7_sh_core;

typedef struct h7_semihost {
    FILE *out;                      /* console output (stdout) */
    FILE *in;                       /* console input (stdin), NULL = end of file */
    char *root;                     /* realpath of the file root, NULL = no file access */
    char *cmdline[H7_NCORES];       /* SYS_GET_CMDLINE */
    bool prefix;                    /* "cm7: " before console lines (both cores run firmware) */
    /* Each complete console line (without its newline) as it is written, besides `out`: a scenario
     * puts them on the timeline. NULL = none. */
    void (*on_line)(void *ctx, h7_core_id core, const char *text, size_t len);
    void *on_line_ctx;
    h7_sh_core core[H7_NCORES];
    /* the run ends at SYS_EXIT / SYS_EXIT_EXTENDED */
    bool exited;
    h7_core_id exit_core;
    uint32_t exit_reason;           /* ADP_Stopped_* */
    uint32_t exit_status;           /* subcode (EXIT_EXTENDED, or 0 for a plain ApplicationExit) */
    unsigned ncalls;
} h7_semihost;

/* root may be NULL (no file access). -1 with a message if root is not a directory. */
int h7_semihost_init(h7_semihost *sh, const char *root, char *err, size_t errlen);
void h7_semihost_free(h7_semihost *sh);
/* Console lines still waiting for their newline. */
void h7_semihost_flush(h7_semihost *sh);
/* From the core's BKPT handler: true if the BKPT at pc was a semihosting call, now handled (PC
 * advanced past it, R0 = result). False: not `BKPT 0xAB`, or semihosting is off. */
bool h7_semihost_bkpt(struct h7_cpu *c, uint32_t pc);
/* The process exit code for the firmware's exit: 0 for ApplicationExit with status 0, otherwise
 * H7_EXIT_FIRMWARE_STATUS (5). A one-line description in why. */
int h7_semihost_exit_code(const h7_semihost *sh, char *why, size_t len);

#define H7_EXIT_FIRMWARE_STATUS 5

#endif

/* h7emu command line. Exit codes (also in --help and docs/user-guide.md):
 *   0 ran to the limit with no device fault, 1 a scenario expectation failed, 2 bad usage or input,
 *   3 device locked / debug link lost, 4 firmware fault (lockup, unrecoverable fault, or a core
 *   ended inside a fault handler). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_scenario.h"
#include "engine.h"
#include "gdbstub.h"
#include "machine.h"
#include "progress.h"
#include "uart_feed.h"
#include "record.h"
#include "rules.h"
#include "scenario.h"
#include "semihost.h"
#include "vcd.h"

#define EXIT_OK 0
#define EXIT_USAGE 2
#define EXIT_LOCKED 3
#define EXIT_FWFAULT 4
/* 5: the firmware ended the run through semihosting with a non-zero status (semihost.h) */

static const char *usage_main =
    "usage: h7emu <command> [options]\n"
    "\n"
    "Runs STM32H755 (Cortex-M7 + Cortex-M4) firmware without a board.\n"
    "\n"
    "commands:\n"
    "  run       run one or two ELF images on the emulated Nucleo-H755ZI-Q, or one scenario:\n"
    "            `h7emu run SCENARIO.yaml` (docs/scenarios.md)\n"
    "  test      run scenario files or directories as a CI suite (JUnit, parallel jobs)\n"
    "  record    run firmware once and write a scenario guarding its power/clock/boot sequence\n"
    "  rules     list the datasheet / reference-manual rules checked while firmware runs\n"
    "  boards    list the built-in boards\n"
    "  help      show this text, or `h7emu help run` for a command\n"
    "\n"
    "exit codes:\n"
    "  0  ran to the limit with no device fault\n"
    "  1  a scenario expectation failed\n"
    "  2  bad usage or input (bad flag, unreadable or malformed ELF/YAML)\n"
    "  3  device locked: core supply lost, debug link lost\n"
    "  4  firmware fault: lockup, an unrecoverable fault, a core left in a fault handler, a core\n"
    "     stuck in Error_Handler (the HAL error path, inlined or not), or a core on a branch to\n"
    "     itself with interrupts masked\n"
    "  5  the firmware exited through semihosting with a non-zero status (--semihosting)\n";

static const char *usage_run =
    "usage: h7emu run [options] --cm7 CM7.elf [--cm4 CM4.elf]\n"
    "\n"
    "Power the board on and run both cores for a virtual duration, printing the timeline and\n"
    "an end-of-run summary per core.\n"
    "\n"
    "options:\n"
    "  --cm7 FILE        ELF image for the Cortex-M7 (flash bank 1, boots from 0x08000000)\n"
    "  --cm4 FILE        ELF image for the Cortex-M4 (flash bank 2, boots from 0x08100000)\n"
    "  --board NAME      built-in board (nucleo-h755zi-q, nucleo-h755zi-q-ldo) or a board .yaml\n"
    "                    file (default nucleo-h755zi-q: direct SMPS, HSE 8 MHz bypass)\n"
    "  --on-violation=lock|warn\n"
    "                    what a rule that locks the device does (default lock, as silicon;\n"
    "                    warn reports it and runs on out of spec, for exploration)\n"
    "  --for DURATION    virtual time to run, e.g. 100ms, 2s, 500us (default 100ms)\n"
    "  --trace FILE      write the human timeline to FILE instead of stdout ('-' = stdout)\n"
    "  --jsonl FILE      write the trace as JSON Lines (one event per line) to FILE\n"
    "  --vcd FILE        waveform for GTKWave: core states, D1/D2, VOS, ACTVOSRDY, sys_ck, HSEM, LEDs\n"
    "  --svg FILE        the same signals as an SVG timing diagram\n"
    "  --max-trace-size SIZE  cap of the timeline and the JSON Lines each (default 1G; 64k, 100M...);\n"
    "                    past it a note line says the trace was cut, the run goes on\n"
    "  --uart FILE       write exactly the bytes the firmware sent on the console USART to FILE;\n"
    "                    '-' streams them to stdout line by line (the timeline then only with --trace)\n"
    "  --uart N=FILE     the same for U(S)ART N (1..8 = USART1..UART8, 9 or lpuart1 = LPUART1;\n"
    "                    usart2=FILE works too); repeatable\n"
    "  --uart-prefix     start each line of the --uart outputs with the core that wrote it:\n"
    "                    '[CM7] ', '[CM4] ' ('[DMA] ' when a DMA stream wrote TDR, '[DBG] ' the\n"
    "                    debug port); a line both cores wrote into takes its first byte's prefix\n"
    "  --uart-input [N=]FILE  feed FILE's bytes ('-' = stdin) to the receiver of the console USART\n"
    "                    (or of U(S)ART N), one frame time apart, while it can take them; repeatable\n"
    "  --no-progress     no progress line (shown on a terminal when the timeline does not go there)\n"
    "  --boot0           hold the BOOT0 pin high (boot from BOOT_CMx_ADD1: system memory)\n"
    "  --quantum TIME    longest stretch one core runs before the other while they interact\n"
    "                    (default 5us)\n"
    "  --max-quantum TIME  while neither core touches a peripheral and both compute, windows\n"
    "                    double up to this (default 8 quanta; a core alone, 8 times that);\n"
    "                    --max-quantum equal to --quantum never stretches them\n"
    "  --seed S          run under the schedule variation of seed S (quantum, CM4 start offset,\n"
    "                    core order, window phase; 0 = default); same seed, same trace\n"
    "  --gdb [PORT]      serve GDB: the CM7 on PORT (default 3333), the CM4 on PORT+1, 127.0.0.1\n"
    "                    only; runs until --for elapses or h7emu gets Ctrl-C/SIGTERM\n"
    "  --gdb-wait        hold each core until its own debugger attaches\n"
    "  --gdb-halt=core|all  halting a core stops only that core (core, default, as on silicon\n"
    "                    without cross-trigger) or virtual time for both (all)\n"
    "  --semihosting     serve Arm semihosting calls (BKPT 0xAB): console, files, virtual time,\n"
    "                    exit; SYS_EXIT ends the run (status 0 -> exit 0, non-zero -> exit 5)\n"
    "  --semihosting-root DIR  files the firmware may open (below DIR only; default: none)\n"
    "  --semihosting-cmdline TEXT  what SYS_GET_CMDLINE returns (default: the image's file name)\n"
    "  --quiet           no timeline on stdout, only the summary\n"
    "  --no-color        no colours even on a terminal\n"
    "  --no-fast-forward execute idle loops instead of skipping their iterations (same trace,\n"
    "                    slower; for comparison; `h7emu test` takes it too)\n"
    "  -v, --verbose     also list guest errors and unimplemented accesses as they happen\n"
    "  -h, --help        this text\n"
    "\n"
    "exit codes: 0 ok, 2 bad input, 3 device locked, 4 firmware fault, 5 semihosting exit with a\n"
    "non-zero status (see `h7emu help`).\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "h7emu: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see `h7emu run --help`)\n");
    return EXIT_USAGE;
}


/* The waveform samples the machine at every timeline event. */
typedef struct wave_ctx { h7_vcd *vcd; h7_machine *m; } wave_ctx;
static void wave_observer(void *ctx, const h7_ev *e)
{
    wave_ctx *w = ctx;
    h7_vcd_sample(w->vcd, h7_machine_now(w->m));
}

/* "N=FILE" (N = 1..9, usart1..usart8, lpuart1) -> N and FILE; "FILE" -> 0; -1 when malformed. */
static int parse_uart_spec(const char *val, const char **path)
{
    const char *eq = strchr(val, '=');
    if (!eq)
        return 0;
    char name[16];
    size_t n = (size_t)(eq - val);
    if (n >= sizeof name || !eq[1])
        return -1;
    memcpy(name, val, n);
    name[n] = '\0';
    int u = !strcmp(name, "9") ? H7_LPUART1 : h7_usart_parse_name(name);
    *path = eq + 1;
    return u ? u : -1;
}

/* The --uart-input files, then the --uart N=FILE outputs (checked: -1 names the file). */
static int close_uart_files(h7_machine *m, FILE **inputs, const char *const *paths)
{
    for (int u = 0; u <= H7_NUARTS; u++)
        if (inputs[u] && inputs[u] != stdin)
            fclose(inputs[u]);
    return h7_close_outputs(m->uart_files + 1, paths + 1, H7_NUARTS);
}

static int cmd_run(int argc, char **argv)
{
    h7_machine_config cfg = {0};
    h7_time_ps duration = 100 * H7_PS_PER_MS;
    const char *trace_path = NULL, *jsonl_path = NULL, *uart_path = NULL, *board = "nucleo-h755zi-q";
    const char *vcd_path = NULL, *svg_path = NULL;
    unsigned long long max_trace = 0;
    bool quiet = false, color = isatty(1), verbose = false, boot0 = false, gdb = false, for_given = false;
    bool semihosting = false, progress = true, uart_prefix = false;
    const char *uart_input[H7_NUARTS + 1] = {0};   /* [0]: the console, [n]: U(S)ART n */
    const char *uart_n_path[H7_NUARTS + 1] = {0};
    unsigned long long seed = 0;
    const char *sh_root = NULL, *sh_cmdline = NULL;
    h7_gdb_options gdbo = {.port = 3333, .halt_mode = H7_GDB_HALT_CORE};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(a, "--cm7") || !strcmp(a, "--cm4") || !strcmp(a, "--for") || !strcmp(a, "--trace") ||
                     !strcmp(a, "--jsonl") || !strcmp(a, "--uart") || !strcmp(a, "--board") || !strcmp(a, "--quantum") ||
                     !strcmp(a, "--max-quantum") || !strcmp(a, "--vcd") || !strcmp(a, "--svg") || !strcmp(a, "--semihosting-root") ||
                     !strcmp(a, "--semihosting-cmdline") || !strcmp(a, "--seed") || !strcmp(a, "--uart-input") ||
                     !strcmp(a, "--max-trace-size");
        if (takes && !val)
            return usage_error("option %s needs a value", a);
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_run, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--cm7")) {
            cfg.cm7_path = val;
        } else if (!strcmp(a, "--cm4")) {
            cfg.cm4_path = val;
        } else if (!strcmp(a, "--for")) {
            if (!h7_parse_duration(val, &duration) || duration == 0)
                return usage_error("bad duration '%s' (examples: 100ms, 2s, 500us)", val);
            for_given = true;
        } else if (!strcmp(a, "--gdb")) {
            gdb = true;
            if (val && val[0] >= '0' && val[0] <= '9') {
                if (!h7_gdb_parse_port(val, &gdbo.port))
                    return usage_error("bad gdb port '%s' (1..65534)", val);
                i++;
            }
        } else if (!strcmp(a, "--gdb-wait")) {
            gdb = true;
            gdbo.wait_attach = true;
        } else if (!strcmp(a, "--gdb-halt=all")) {
            gdbo.halt_mode = H7_GDB_HALT_ALL;
        } else if (!strcmp(a, "--gdb-halt=core")) {
            gdbo.halt_mode = H7_GDB_HALT_CORE;
        } else if (!strcmp(a, "--quantum")) {
            if (!h7_parse_duration(val, &cfg.quantum) || cfg.quantum == 0)
                return usage_error("bad quantum '%s' (examples: 5us, 1us)", val);
        } else if (!strcmp(a, "--max-quantum")) {
            if (!h7_parse_duration(val, &cfg.max_quantum) || cfg.max_quantum == 0)
                return usage_error("bad max quantum '%s' (examples: 40us; the quantum itself: never stretched)", val);
        } else if (!strcmp(a, "--trace")) {
            trace_path = val;
        } else if (!strcmp(a, "--jsonl")) {
            jsonl_path = val;
        } else if (!strcmp(a, "--uart")) {
            const char *path = NULL;
            int u = parse_uart_spec(val, &path);
            if (u < 0)
                return usage_error("bad --uart '%s' (FILE or N=FILE with N 1..9, usart1..usart8 or lpuart1)", val);
            if (u)
                uart_n_path[u] = path;
            else
                uart_path = val;
        } else if (!strcmp(a, "--vcd")) {
            vcd_path = val;
        } else if (!strcmp(a, "--svg")) {
            svg_path = val;
        } else if (!strcmp(a, "--max-trace-size")) {
            if (!h7_parse_size(val, &max_trace))
                return usage_error("bad --max-trace-size '%s' (examples: 100M, 1G, 65536)", val);
        } else if (!strcmp(a, "--board")) {
            board = val;
        } else if (!strcmp(a, "--boot0")) {
            boot0 = true;
        } else if (!strcmp(a, "--on-violation=lock")) {
            cfg.policy = H7_VIOLATION_LOCK;
        } else if (!strcmp(a, "--on-violation=warn")) {
            cfg.policy = H7_VIOLATION_WARN;
        } else if (!strcmp(a, "--seed")) {
            char *end;
            errno = 0;
            seed = strtoull(val, &end, 10);
            if (errno || *end || val[0] == '-' || !val[0])
                return usage_error("bad seed '%s' (a number; 0 = the default schedule)", val);
        } else if (!strcmp(a, "--semihosting")) {
            semihosting = true;
        } else if (!strcmp(a, "--semihosting-root")) {
            semihosting = true;
            sh_root = val;
        } else if (!strcmp(a, "--semihosting-cmdline")) {
            semihosting = true;
            sh_cmdline = val;
        } else if (!strcmp(a, "--uart-input")) {
            const char *path = val;
            int u = parse_uart_spec(val, &path);
            if (u < 0)
                return usage_error("bad --uart-input '%s' (FILE or N=FILE with N 1..9, usart1..usart8 or lpuart1)", val);
            uart_input[u] = path;
        } else if (!strcmp(a, "--uart-prefix")) {
            uart_prefix = true;
        } else if (!strcmp(a, "--no-progress")) {
            progress = false;
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--no-color")) {
            color = false;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose = true;
        } else {
            return usage_error("unknown option '%s'", a);
        }
        if (takes)
            i++;
    }
    if (!cfg.cm7_path && !cfg.cm4_path)
        return usage_error("%s", "nothing to run: give --cm7 and/or --cm4");
    char err[512];
    h7_board bd;
    if (h7_board_load(board, &bd, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s\n", err);
        return EXIT_USAGE;
    }
    if (boot0)
        bd.boot0 = true;
    cfg.board = &bd;
    h7_machine *m = NULL;
    if (h7_machine_create(&m, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s\n", err);
        h7_machine_destroy(m);
        return EXIT_USAGE;
    }
    m->verbose = verbose;
    h7_machine_set_seed(m, seed);
    h7_semihost sh = {0};
    if (semihosting) {
        if (h7_semihost_init(&sh, sh_root, err, sizeof err) != 0) {
            fprintf(stderr, "h7emu: %s\n", err);
            h7_machine_destroy(m);
            return EXIT_USAGE;
        }
        for (int k = 0; k < H7_NCORES && sh_cmdline; k++)
            sh.cmdline[k] = strdup(sh_cmdline);
        m->semihost = &sh;
        m->serve_bkpt = h7_semihost_bkpt;
    }
    FILE *tf = NULL, *jf = NULL, *uf = NULL, *vf = NULL, *sf = NULL, *inf[H7_NUARTS + 1] = {0};
    h7_uart_feed feed[H7_NUARTS + 1];
    h7_vcd *wave = NULL;
    wave_ctx wctx = {NULL, m};
    if (trace_path && !(tf = h7_open_output(trace_path, "trace")))
        goto io_error;
    if (jsonl_path && !(jf = h7_open_output(jsonl_path, "JSON Lines")))
        goto io_error;
    if (uart_path && !(uf = h7_open_output(uart_path, "UART")))
        goto io_error;
    for (int u = 0; u <= H7_NUARTS; u++) {
        if (uart_input[u] && !(inf[u] = !strcmp(uart_input[u], "-") ? stdin : fopen(uart_input[u], "rb"))) {
            fprintf(stderr, "h7emu: cannot read UART input %s: %s\n", uart_input[u], strerror(errno));
            goto io_error;
        }
        if (u && uart_n_path[u] && !(m->uart_files[u] = h7_open_output(uart_n_path[u], "UART")))
            goto io_error;
    }
    if (vcd_path && !(vf = h7_open_output(vcd_path, "VCD")))
        goto io_error;
    if (svg_path && !(sf = h7_open_output(svg_path, "SVG")))
        goto io_error;
    if (vf || sf) {
        wave = h7_vcd_open(vf, m);
        wctx.vcd = wave;
        h7_ev_subscribe(&m->observers, h7_ev_timeline_kinds(), wave_observer, &wctx);
    }
    /* --uart -: stdout carries the console, line by line; the timeline then needs --trace FILE */
    bool console_on_stdout = uf == stdout;
    if (console_on_stdout && tf != stdout)
        setvbuf(stdout, NULL, _IOLBF, 0);
    m->trace.timeline = tf ? tf : (quiet || console_on_stdout ? NULL : stdout);
    m->trace.color = !tf && color;
    m->trace.jsonl = jf;
    if (max_trace)
        m->trace.max_bytes = max_trace;
    h7_trace_stream_only(&m->trace);   /* nothing reads the events back: memory stays flat over the run */
    m->uart_count_only = true;         /* nor the console bytes (--uart streams them) */
    m->uart_out = uf;
    m->uart_prefix = uart_prefix;

    h7_machine_power_on(m);
    for (int u = 0; u <= H7_NUARTS; u++)
        if (inf[u])
            h7_uart_feed_start(&feed[u], m, inf[u], u ? u : m->console_usart);
    h7_progress prog = {0};
    if (progress && !gdb && isatty(2) && (m->trace.timeline != stdout || !isatty(1)) && !console_on_stdout)
        h7_progress_start(&prog, m, duration);
    if (gdb) {
        gdbo.limit = for_given ? duration : 0;
        if (h7_gdb_serve(m, &gdbo, err, sizeof err) != 0) {
            fprintf(stderr, "h7emu: %s\n", err);
            h7_machine_destroy(m);
            return EXIT_USAGE;
        }
    } else {
        h7_machine_run_for(m, duration);
    }
    h7_progress_stop(&prog);
    h7_machine_flush_uart_lines(m);   /* a line still without its newline */
    if (m->semihost)
        h7_semihost_flush(m->semihost);
    if (m->trace.timeline == stdout)
        fflush(stdout);
    h7_machine_print_summary(m, stdout);
    h7_machine_print_diagnosis(m, stdout);
    if (verbose)
        for (size_t i = 0; i < m->nlogs; i++)
            if (m->logs[i].count > 1)
                fprintf(stderr, "  (x%u) %s\n", m->logs[i].count, m->logs[i].text);
    char why[600];
    int rc = EXIT_OK;
    if (m->locked) {
        printf("result: DEVICE LOCKED -- core supply lost, debug link lost (see the diagnosis above)\n");
        rc = EXIT_LOCKED;
    } else if (h7_machine_firmware_faulted(m, why, sizeof why)) {
        printf("result: FIRMWARE FAULT -- %s\n", why);
        rc = EXIT_FWFAULT;
    } else if (m->semihost && m->semihost->exited) {
        rc = h7_semihost_exit_code(m->semihost, why, sizeof why);
        printf("result: %s -- %s\n", rc ? "FIRMWARE EXIT STATUS" : "ok", why);
    } else {
        printf("result: ok\n");
    }
    if (wave) {
        char title[400];
        snprintf(title, sizeof title, "h7emu: %s%s%s%s on %s, %s", cfg.cm7_path ? cfg.cm7_path : "",
                 cfg.cm7_path && cfg.cm4_path ? " + " : "", cfg.cm4_path ? cfg.cm4_path : "", "", m->board.name,
                 rc == EXIT_LOCKED ? "device locked" : rc == EXIT_FWFAULT ? "firmware fault" : "ok");
        h7_vcd_write_svg(wave, sf, title, m->time);
        h7_vcd_close(wave, m->time);
    }
    if (h7_close_outputs((FILE *[]){tf, jf, uf, vf, sf},
                         (const char *[]){trace_path, jsonl_path, uart_path, vcd_path, svg_path}, 5) != 0 ||
        h7_check_stdout() != 0)
        rc = EXIT_USAGE;   /* an output file is incomplete: say which, never exit 0 */
    if (close_uart_files(m, inf, uart_n_path) != 0)
        rc = EXIT_USAGE;
    h7_machine_destroy(m);
    if (semihosting)
        h7_semihost_free(&sh);
    return rc;
io_error:
    close_uart_files(m, inf, uart_n_path);
    h7_machine_destroy(m);
    if (semihosting)
        h7_semihost_free(&sh);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* --no-fast-forward (run and test): execute idle loops instead of skipping them (machine.h). */
    int kept = 0;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--no-fast-forward") != 0)
            argv[kept++] = argv[i];
        else
            h7_machine_no_fast_forward = true;
    argc = kept;
    argv[argc] = NULL;
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        if (argc > 2 && !strcmp(argv[2], "run"))
            fputs(usage_run, stdout);
        else if (argc > 2 && !strcmp(argv[2], "record"))
            return h7_cmd_record(1, (char *[]){"--help", NULL});
        else if (argc > 2 && !strcmp(argv[2], "test"))
            return h7_cmd_test(1, (char *[]){"--help", NULL});
        else
            fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("h7emu 0.1 (%s)\n", h7_engine_get()->name);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "run")) {
        /* A scenario run has a positional *.yaml; `--trace out.yaml` or `--board b.yaml` are option
         * values, and --cm7/--cm4 always mean an ELF run. */
        static const char *const with_value[] = {"--cm7", "--cm4", "--for", "--trace", "--jsonl", "--uart", "--board",
                                                 "--quantum", "--max-quantum", "--vcd", "--svg", "--max-trace-size", NULL};
        bool elf_run = false, scenario = false;
        for (int i = 2; i < argc; i++) {
            bool takes = false;
            for (const char *const *w = with_value; *w; w++)
                takes |= !strcmp(argv[i], *w);
            elf_run |= !strcmp(argv[i], "--cm7") || !strcmp(argv[i], "--cm4");
            if (takes) {
                i++;
                continue;
            }
            scenario |= argv[i][0] != '-' && h7_is_scenario_path(argv[i]);
        }
        if (scenario && !elf_run)
            return h7_cmd_run_scenario(argc - 2, argv + 2);
        return cmd_run(argc - 2, argv + 2);
    }
    if (!strcmp(cmd, "test"))
        return h7_cmd_test(argc - 2, argv + 2);
    if (!strcmp(cmd, "record"))
        return h7_cmd_record(argc - 2, argv + 2);
    if (!strcmp(cmd, "rules")) {
        h7_rules_print(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "boards")) {
        for (const char *const *n = h7_board_names; *n; n++) {
            const h7_board *b = h7_board_builtin(*n);
            printf("%-22s supply %-12s HSE %u MHz %s, console usart%d\n  %s\n", b->name, h7_supplies[b->supply].name,
                   b->hse_hz / 1000000u, b->hse_bypass ? "bypass" : "crystal", b->console_usart, b->wiring_note);
        }
        return EXIT_OK;
    }
    fprintf(stderr, "h7emu: unknown command '%s'\n\n%s", cmd, usage_main);
    return EXIT_USAGE;
}

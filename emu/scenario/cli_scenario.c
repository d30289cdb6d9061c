/* `h7emu run SCENARIO.yaml` and `h7emu test DIR_OR_FILES...`: the CI runner. Each scenario of a
 * suite runs in its own process (a crash or a runaway cannot take the suite down); results are
 * printed as they complete, summarised in a table and optionally written as JUnit XML. */
#define _GNU_SOURCE
#include "cli_scenario.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gdbstub.h"
#include "scenario.h"
#include "semihost.h"
#include "suite.h"
#include "textsafe.h"

static const char *usage_scn =
    "usage: h7emu run SCENARIO.yaml [--trace FILE] [--jsonl FILE] [--vcd FILE] [--svg FILE] [--gdb [PORT]]\n"
    "                               [--seed S] [--board NAME] [--max-trace-size SIZE] [--quiet] [--no-color] [-v]\n"
    "\n"
    "Runs one scenario (docs/scenarios.md): the timeline goes to stdout (or --trace FILE), then the\n"
    "summary, any diagnosis, and PASS/FAIL with the first expectation that was not met.\n"
    "  --jsonl FILE   the trace as JSON Lines (docs/scenarios.md#json-lines)\n"
    "  --vcd FILE     a waveform for GTKWave (core states, domains, VOS, sys_ck, HSEM, LEDs, UART)\n"
    "  --svg FILE     the same signals as an SVG timing diagram\n"
    "  --seed S       run under the schedule variation of seed S (docs/scenarios.md#interleavings)\n"
    "  --board NAME   run on this board (built-in name or board file) instead of the scenario's\n"
    "  --max-trace-size SIZE  cap of the timeline and the JSON Lines each (default 1G; 64k, 100M...):\n"
    "                 past it a note line says the trace was cut, the run goes on\n"
    "  --gdb [PORT]   instead of the steps: serve the scenario's machine (board, images, option\n"
    "                 bytes, BOOT0) to GDB, CM7 on PORT (3333), CM4 on PORT+1; --gdb-wait holds\n"
    "                 each core until its debugger attaches; --gdb-halt=core|all as for ELF runs\n"
    "exit codes: 0 passed, 1 an expectation failed, 2 bad scenario or image.\n";

static const char *usage_test =
    "usage: h7emu test DIR_OR_FILES... [--jobs N] [--junit FILE] [--out DIR] [--shard K/N]\n"
    "                                 [--interleavings N [--seed S]] [--timeout SECONDS] [--no-color]\n"
    "\n"
    "Runs every scenario (*.yaml / *.yml; directories are searched one level deep, sorted), each in\n"
    "its own process, N at a time (default 2). Prints one line per scenario as it completes and a\n"
    "table at the end; on failure, the scenario's report (first unmet expectation, events around it,\n"
    "diagnosis).\n"
    "  --junit FILE   JUnit XML report (one testcase per scenario)\n"
    "  --out DIR      keep each scenario's timeline, JSON Lines, VCD and SVG in DIR\n"
    "  --shard K/N    run only shard K of N (stable split by file name, for parallel CI jobs)\n"
    "  --list         print the scenarios that would run (after --shard) and stop\n"
    "  --interleavings N  also run each scenario under N schedule variations (seeds S..S+N-1,\n"
    "                 --seed S, default 1) and report the seeds whose result differs from the\n"
    "                 default schedule, with a one-line reproducer (exit code 1 if any)\n"
    "  --timeout S    host (wall-clock) seconds a scenario may take before it is killed and\n"
    "                 reported as TIMEOUT (default 600; 0 = no limit)\n"
    "exit codes: 0 all passed, 1 some failed, 2 input errors, crashes or timeouts.\n";

int h7_close_outputs(FILE *const *files, const char *const *paths, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!files[i])
            continue;
        bool bad = fflush(files[i]) != 0 || ferror(files[i]);
        int e = errno;
        if (files[i] != stdout && fclose(files[i]) != 0 && !bad) {
            bad = true;
            e = errno;
        }
        if (bad) {
            fprintf(stderr, "h7emu: error writing %s: %s\n", paths[i] && strcmp(paths[i], "-") ? paths[i] : "standard output",
                    strerror(e ? e : EIO));
            rc = -1;
        }
    }
    return rc;
}

int h7_check_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "h7emu: error writing standard output: %s\n", strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

FILE *h7_open_output(const char *path, const char *what)
{
    if (!strcmp(path, "-"))
        return stdout;
    FILE *f = fopen(path, "wb");
    if (!f)
        fprintf(stderr, "h7emu: cannot write %s file %s: %s\n", what, path, strerror(errno));
    return f;
}

bool h7_is_scenario_path(const char *a)
{
    size_t n = strlen(a);
    return (n > 5 && !strcmp(a + n - 5, ".yaml")) || (n > 4 && !strcmp(a + n - 4, ".yml"));
}

/* `--gdb`: the scenario's machine (board, images, option bytes, BOOT0) under the GDB server;
 * the steps and expectations are not run -- the debugger drives. */
static int serve_scenario(h7_scenario *s, const h7_gdb_options *gdbo, bool quiet, bool color)
{
    h7_machine *m = NULL;
    h7_semihost sh = {0};
    char err[1024];
    int rc = 0;
    if (h7_scenario_machine(s, &m, err, sizeof err) != 0 || h7_scenario_semihost(s, m, &sh, stdout, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s: %s\n", s->path, err);
        rc = 2;
    } else {
        fprintf(stderr, "h7emu: %s: serving its machine to GDB; the scenario's steps and expectations are not run\n",
                s->path);
        m->trace.timeline = quiet ? NULL : stdout;
        m->trace.color = color;
        h7_trace_stream_only(&m->trace);   /* a debug session of any length: nothing is kept */
        m->uart_count_only = true;
        h7_machine_power_on(m);
        if (h7_gdb_serve(m, gdbo, err, sizeof err) != 0) {
            fprintf(stderr, "h7emu: %s\n", err);
            rc = 2;
        } else {
            h7_machine_print_summary(m, stdout);
            h7_machine_print_diagnosis(m, stdout);
        }
    }
    sh.on_line = NULL;
    if (s->semihosting)
        h7_semihost_free(&sh);
    h7_machine_destroy(m);
    h7_scenario_free(s);
    return rc;
}

/* A --seed value: a decimal number (0 = the default schedule). */
static bool parse_seed(const char *v, unsigned long long *out)
{
    char *end;
    errno = 0;
    *out = strtoull(v, &end, 10);
    if (errno || *end || !*v || *v == '-') {
        fprintf(stderr, "h7emu: bad seed '%s' (a number; 0 = the default schedule)\n", v);
        return false;
    }
    return true;
}

int h7_cmd_run_scenario(int argc, char **argv)
{
    unsigned long long seed = 0;
    const char *board = NULL;   /* --board: run the scenario on another board than its own */
    const char *path = NULL, *trace = NULL, *jsonl = NULL, *vcd = NULL, *svg = NULL;
    unsigned long long max_trace = 0;
    bool quiet = false, color = isatty(1), verbose = false, gdb = false;
    h7_gdb_options gdbo = {.port = 3333, .halt_mode = H7_GDB_HALT_CORE};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "--trace") || !strcmp(a, "--jsonl") || !strcmp(a, "--vcd") || !strcmp(a, "--svg") ||
                     !strcmp(a, "--seed") || !strcmp(a, "--board") || !strcmp(a, "--max-trace-size");
        if (takes && i + 1 >= argc) {
            fprintf(stderr, "h7emu: option %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_scn, stdout);
            return 0;
        } else if (!strcmp(a, "--trace")) {
            trace = argv[++i];
        } else if (!strcmp(a, "--jsonl")) {
            jsonl = argv[++i];
        } else if (!strcmp(a, "--seed")) {
            if (!parse_seed(argv[++i], &seed))
                return 2;
        } else if (!strcmp(a, "--board")) {
            board = argv[++i];
        } else if (!strcmp(a, "--vcd")) {
            vcd = argv[++i];
        } else if (!strcmp(a, "--svg")) {
            svg = argv[++i];
        } else if (!strcmp(a, "--max-trace-size")) {
            if (!h7_parse_size(argv[++i], &max_trace)) {
                fprintf(stderr, "h7emu: bad --max-trace-size '%s' (examples: 100M, 1G, 65536)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--gdb")) {
            gdb = true;
            if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9' &&
                !h7_gdb_parse_port(argv[++i], &gdbo.port)) {
                fprintf(stderr, "h7emu: bad gdb port '%s' (1..65534)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(a, "--gdb-wait")) {
            gdb = true;
            gdbo.wait_attach = true;
        } else if (!strcmp(a, "--gdb-halt=all") || !strcmp(a, "--gdb-halt=core")) {
            gdbo.halt_mode = a[11] == 'a' ? H7_GDB_HALT_ALL : H7_GDB_HALT_CORE;
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--no-color")) {
            color = false;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            verbose = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "h7emu: unknown option '%s' for a scenario run\n%s", a, usage_scn);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "h7emu: one scenario per run (use `h7emu test` for several)\n");
            return 2;
        }
    }
    if (!path) {
        fputs(usage_scn, stderr);
        return 2;
    }
    h7_scenario s;
    char err[1024];
    if (h7_scenario_load(path, &s, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s\n", err);
        h7_scenario_free(&s);
        return 2;
    }
    if (board) {
        h7_board bd;
        if (h7_board_load(board, &bd, err, sizeof err) != 0) {
            fprintf(stderr, "h7emu: %s\n", err);
            h7_scenario_free(&s);
            return 2;
        }
        s.board = bd;
    }
    if (gdb)
        return serve_scenario(&s, &gdbo, quiet, color);
    FILE *tf = NULL, *jf = NULL, *vf = NULL, *sf = NULL;
    int rc = 2;
    if ((trace && !(tf = h7_open_output(trace, "trace"))) || (jsonl && !(jf = h7_open_output(jsonl, "JSON Lines"))) || (vcd && !(vf = h7_open_output(vcd, "VCD"))) ||
        (svg && !(sf = h7_open_output(svg, "SVG"))))
        goto out;
    h7_scenario_opts o = {.timeline = tf ? tf : (quiet ? NULL : stdout), .color = !tf && color, .jsonl = jf, .vcd = vf, .svg = sf,
                          .report = stdout, .verbose = verbose, .seed = seed, .max_trace_bytes = max_trace};
    rc = h7_scenario_run(&s, &o);
out:
    if (h7_close_outputs((FILE *[]){tf, jf, vf, sf}, (const char *[]){trace, jsonl, vcd, svg}, 4) != 0 ||
        h7_check_stdout() != 0)
        rc = 2;
    h7_scenario_free(&s);
    return rc;
}

/* ------------------------------------------------------------------ the suite runner */

typedef struct job {
    char *path;
    pid_t pid;
    int rc;            /* 0 pass, 1 fail, 2 error, 3 crashed, 4 timed out */
    int out_fd;        /* captured report: an anonymous file (nothing left on disk) */
    bool timed_out;
    struct timespec t0;
    double secs;
    char *report;      /* captured output (on failure) */
    char *reason;      /* first FAIL/ERROR line detail */
    char *title;       /* the scenario's name: (from its PASS/FAIL line) */
    unsigned long long seed; /* interleaving seed it ran with (0 = the default schedule) */
    h7_run_facts facts; /* board, virtual time, outcome, diagnosis (JUnit properties) */
    char *shown;       /* the path as printed (control bytes and non-UTF-8 escaped) */
    bool done;
} job;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int collect(const char *arg, char ***list, size_t *n)
{
    struct stat st;
    if (stat(arg, &st) != 0) {
        fprintf(stderr, "h7emu: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        *list = realloc(*list, (*n + 1) * sizeof **list);
        (*list)[(*n)++] = strdup(arg);
        return 0;
    }
    DIR *d = opendir(arg);
    if (!d) {
        fprintf(stderr, "h7emu: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    size_t first = *n;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !h7_is_scenario_path(e->d_name))
            continue;
        char *p = NULL;
        if (asprintf(&p, "%s/%s", arg, e->d_name) < 0) {
            closedir(d);
            return -1;
        }
        *list = realloc(*list, (*n + 1) * sizeof **list);
        (*list)[(*n)++] = p;
    }
    closedir(d);
    qsort(*list + first, *n - first, sizeof **list, cmp_str);
    if (*n == first)
        fprintf(stderr, "h7emu: warning: no *.yaml scenario in %s\n", arg);
    return 0;
}

/* The captured output of a scenario process, from the start of its anonymous file. */
static char *slurp_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0) {
        for (;;) {
            if (len + 1 >= cap) {
                char *nb = realloc(buf, cap * 2);
                if (!nb)
                    break;
                buf = nb;
                cap *= 2;
            }
            ssize_t got = read(fd, buf + len, cap - 1 - len);
            if (got <= 0)
                break;
            len += (size_t)got;
        }
    }
    buf[len] = '\0';
    return buf;
}

/* An anonymous file for a child's output: memfd (never on disk), else an unlinked mkstemp file
 * in $TMPDIR (O_EXCL, mode 0600: no predictable name, nothing left behind when killed). */
static int capture_fd(void)
{
    int fd = memfd_create("h7emu-test", MFD_CLOEXEC);
    if (fd >= 0)
        return fd;
    const char *dir = getenv("TMPDIR");
    char *tmpl = NULL;
    if (asprintf(&tmpl, "%s/h7emu-test-XXXXXX", dir && *dir ? dir : "/tmp") < 0)
        return -1;
    fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd >= 0)
        unlink(tmpl);
    free(tmpl);
    return fd;
}

/* The line after "FAIL name" / the ERROR message: the first reason, for the table and JUnit. */
static char *first_reason(const char *report, int rc)
{
    const char *p = NULL;
    if (rc == 1) {
        p = !strncmp(report, "FAIL ", 5) ? report : strstr(report, "\nFAIL ");
        if (p && (p = strchr(p + 1, '\n')))
            p++;
    } else if (rc == 2) {
        p = strstr(report, "h7emu: ");
        if (!p && (p = strstr(report, "ERROR ")) && (p = strchr(p, '\n')))
            p++;
    }
    if (!p)
        return strdup(rc == 3 ? "the h7emu process crashed" : rc == 4 ? "timed out (killed)" : "");
    while (*p == ' ')
        p++;
    const char *e = strchr(p, '\n');
    return strndup(p, e ? (size_t)(e - p) : strlen(p));
}

/* The scenario's `name:` from the last "PASS <name> (...)" / "FAIL <name>" line of its report. */
static char *scenario_title(const char *report)
{
    const char *best = NULL;
    bool pass = false;
    for (const char *line = report; *line;) {
        if (!strncmp(line, "PASS ", 5) || !strncmp(line, "FAIL ", 5)) {
            best = line + 5;
            pass = line[0] == 'P';
        }
        const char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    if (!best)
        return strdup("");
    const char *e = strchr(best, '\n');
    size_t n = e ? (size_t)(e - best) : strlen(best);
    if (pass)   /* "PASS name (2 steps, ...)": cut at the last " (" */
        for (size_t i = n; i-- > 1;)
            if (best[i] == '(' && best[i - 1] == ' ') {
                n = i - 1;
                break;
            }
    return strndup(best, n);
}

static const char *scenario_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static void start_job(job *j, const char *self, const char *outdir)
{
    j->out_fd = capture_fd();
    clock_gettime(CLOCK_MONOTONIC, &j->t0);
    pid_t pid = fork();
    if (pid == 0) {
        if (j->out_fd >= 0) {
            dup2(j->out_fd, 1);
            dup2(j->out_fd, 2);
        }
        char *trace = NULL, *jsonl = NULL, *vcd = NULL, *svg = NULL;
        const char *args[20];
        int k = 0;
        args[k++] = self;
        args[k++] = "run";
        args[k++] = j->path;
        args[k++] = "--no-color";
        char seed[32] = "", sfx[40] = "";
        if (j->seed) {   /* an interleaving: its seed, and its own output files */
            snprintf(seed, sizeof seed, "%llu", j->seed);
            snprintf(sfx, sizeof sfx, ".seed%llu", j->seed);
            args[k++] = "--seed";
            args[k++] = seed;
        }
        if (outdir) {
            const char *base = scenario_name(j->path);
            const char *dot = strrchr(base, '.');
            int stem = dot ? (int)(dot - base) : (int)strlen(base);
            if (asprintf(&trace, "%s/%.*s%s.timeline.txt", outdir, stem, base, sfx) < 0 ||
                asprintf(&jsonl, "%s/%.*s%s.jsonl", outdir, stem, base, sfx) < 0 ||
                asprintf(&vcd, "%s/%.*s%s.vcd", outdir, stem, base, sfx) < 0 ||
                asprintf(&svg, "%s/%.*s%s.svg", outdir, stem, base, sfx) < 0)
                _exit(2);
            args[k++] = "--trace";
            args[k++] = trace;
            args[k++] = "--jsonl";
            args[k++] = jsonl;
            args[k++] = "--vcd";
            args[k++] = vcd;
            args[k++] = "--svg";
            args[k++] = svg;
        } else {
            args[k++] = "--quiet";
        }
        args[k] = NULL;
        execv(self, (char *const *)args);
        _exit(127);
    }
    j->pid = pid;
}

static void finish_job(job *j, int status)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    j->secs = (double)(t1.tv_sec - j->t0.tv_sec) + (double)(t1.tv_nsec - j->t0.tv_nsec) / 1e9;
    j->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 3;
    if (j->rc > 3)
        j->rc = 3;
    if (j->timed_out)
        j->rc = 4;
    j->report = slurp_fd(j->out_fd);
    if (!j->report)
        j->report = strdup("");
    if (j->timed_out) {
        char *r = NULL;
        if (asprintf(&r, "%s\nh7emu test: killed after %.0f s of host time (--timeout)\n", j->report, j->secs) >= 0) {
            free(j->report);
            j->report = r;
        }
    }
    if (j->out_fd >= 0)
        close(j->out_fd);
    j->out_fd = -1;
    j->reason = first_reason(j->report, j->rc);
    j->title = scenario_title(j->report);
    h7_run_facts_parse(j->report, &j->facts);
    j->done = true;
}

static void xml_escape(FILE *f, const char *s) { h7_xml_write_text(f, s); }

/* "boot_ok.yaml" or "race.yaml [seed 8]". */
static void job_label(const job *j, char *buf, size_t len)
{
    if (j->seed)
        snprintf(buf, len, "%s [seed %llu]", scenario_name(j->shown), j->seed);
    else
        snprintf(buf, len, "%s", scenario_name(j->shown));
}

/* Did this seed end differently from its scenario's default-schedule run (result or outcome)? */
static bool differs(const job *base, const job *v)
{
    return v->rc != base->rc || strcmp(v->facts.outcome, base->facts.outcome) != 0;
}

/* jobs[i] is a failing seed, and no earlier seed of the same scenario failed. */
static bool first_failing_seed(const job *jobs, size_t i)
{
    for (size_t k = i; k-- > 0 && jobs[k].seed;)
        if (jobs[k].rc)
            return false;
    return true;
}

/* The seeds whose result differs from the default schedule, each with its reproducer. True if any. */
static bool report_interleavings(const job *jobs, size_t nscen, unsigned per)
{
    bool any = false;
    printf("\ninterleavings: %u schedule variations per scenario\n", per);
    for (size_t s = 0; s < nscen; s++) {
        const job *base = &jobs[s * (per + 1)];
        unsigned ndiff = 0;
        for (unsigned v = 1; v <= per; v++)
            ndiff += differs(base, &base[v]);
        const char *res = base->rc == 0 ? "PASS" : base->rc == 1 ? "FAIL" : "ERROR";
        if (!ndiff) {
            printf("  %-40s same result under every seed (%s, %s)\n", scenario_name(base->path), res,
                   base->facts.outcome[0] ? base->facts.outcome : "-");
            continue;
        }
        any = true;
        printf("  %-40s %u of %u seeds differ from the default schedule (%s, %s):\n", scenario_name(base->path), ndiff, per,
               res, base->facts.outcome[0] ? base->facts.outcome : "-");
        for (unsigned v = 1; v <= per; v++) {
            const job *j = &base[v];
            if (!differs(base, j))
                continue;
            printf("    seed %-6llu %s, %s: %.140s\n      reproduce: h7emu run %s --seed %llu\n", j->seed,
                   j->rc == 0 ? "PASS" : j->rc == 1 ? "FAIL" : "ERROR", j->facts.outcome[0] ? j->facts.outcome : "-",
                   j->reason[0] ? j->reason : "passes", j->path, j->seed);
        }
    }
    return any;
}

/* JUnit <properties> of one testcase: what a CI dashboard shows next to the result. */
static void write_properties(FILE *f, const job *j)
{
    static const char *const reasons[5] = {"passed", "expectation failed", "input error", "crashed", "timed out"};
    const char *names[] = {"board", "seed", "virtual_time", "outcome", "exit_reason"};
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", j->seed);
    const char *values[] = {j->facts.board, seed, j->facts.vtime, j->facts.outcome, reasons[j->rc]};
    fprintf(f, "      <properties>\n");
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!values[i][0])
            continue;
        fprintf(f, "        <property name=\"%s\" value=\"", names[i]);
        xml_escape(f, values[i]);
        fprintf(f, "\"/>\n");
    }
    fprintf(f, "      </properties>\n");
}

static int write_junit(const char *path, job *jobs, size_t n, double total)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "h7emu: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t fails = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        fails += jobs[i].rc == 1;
        errors += jobs[i].rc >= 2;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", n, fails, errors, total);
    fprintf(f, "  <testsuite name=\"h7emu\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", n, fails, errors,
            total);
    for (size_t i = 0; i < n; i++) {
        job *j = &jobs[i];
        fprintf(f, "    <testcase classname=\"h7emu.scenarios\" name=\"");
        char shown[300];
        job_label(j, shown, sizeof shown);
        xml_escape(f, shown);
        fprintf(f, "\" file=\"");
        xml_escape(f, j->path);
        fprintf(f, "\" time=\"%.3f\">\n", j->secs);
        write_properties(f, j);
        if (j->rc == 0) {
            fprintf(f, "    </testcase>\n");
            continue;
        }
        fprintf(f, "      <%s message=\"", j->rc == 1 ? "failure" : "error");
        xml_escape(f, j->reason);
        if (j->facts.diagnosis[0]) {   /* the root cause, when a rule fired */
            fputs(" -- diagnosis: ", f);
            xml_escape(f, j->facts.diagnosis);
        }
        fprintf(f, "\">");
        xml_escape(f, j->report);
        fprintf(f, "</%s>\n    </testcase>\n", j->rc == 1 ? "failure" : "error");
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return h7_close_outputs((FILE *[]){f}, (const char *[]){path}, 1);
}

int h7_cmd_test(int argc, char **argv)
{
    const char *junit = NULL, *outdir = NULL;
    int jobs_max = 2;
    double timeout_s = 600.0;
    bool color = isatty(1);
    char **paths = NULL;
    size_t n = 0;
    unsigned shard_k = 1, shard_n = 1;
    unsigned interleavings = 0;
    unsigned long long base_seed = 1;
    bool list_only = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_test, stdout);
            return 0;
        } else if (!strcmp(a, "--interleavings") || !strcmp(a, "--seed")) {
            char *end;
            unsigned long long v = i + 1 < argc ? strtoull(argv[i + 1], &end, 10) : 0;
            if (i + 1 >= argc || *end || argv[i + 1][0] == '-' || !argv[i + 1][0] ||
                (a[2] == 'i' && (v < 1 || v > 1000)) || (a[2] == 's' && v < 1)) {
                fprintf(stderr, "h7emu: %s wants %s\n", a, a[2] == 'i' ? "1..1000" : "a seed >= 1");
                return 2;
            }
            if (a[2] == 'i')
                interleavings = (unsigned)v;
            else
                base_seed = v;
            i++;
        } else if (!strcmp(a, "--shard")) {
            if (i + 1 >= argc || !h7_shard_parse(argv[i + 1], &shard_k, &shard_n)) {
                fprintf(stderr, "h7emu: --shard wants K/N with 1 <= K <= N (e.g. --shard 2/4)\n");
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--junit") || !strcmp(a, "--jobs") || !strcmp(a, "-j") || !strcmp(a, "--out") ||
                   !strcmp(a, "--timeout")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "h7emu: option %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (a[2] == 'j' && a[3] == 'u') {
                junit = v;
            } else if (!strcmp(a, "--out")) {
                outdir = v;
            } else if (!strcmp(a, "--timeout")) {
                char *end;
                double t = strtod(v, &end);
                if (end == v || *end || !(t >= 0) || t > 1e7) {
                    fprintf(stderr, "h7emu: --timeout wants seconds (0 = no limit), not '%s'\n", v);
                    return 2;
                }
                timeout_s = t;
            } else {
                char *end;
                long k = strtol(v, &end, 10);
                if (*end || k < 1 || k > 64) {
                    fprintf(stderr, "h7emu: --jobs wants 1..64, not '%s'\n", v);
                    return 2;
                }
                jobs_max = (int)k;
            }
        } else if (!strcmp(a, "--no-color")) {
            color = false;
        } else if (!strcmp(a, "--list")) {
            list_only = true;
        } else if (a[0] == '-') {
            fprintf(stderr, "h7emu: unknown option '%s'\n%s", a, usage_test);
            return 2;
        } else if (collect(a, &paths, &n) != 0) {
            return 2;
        }
    }
    size_t before_shard = n;
    if (shard_n > 1) {   /* keep this shard's part of the suite (stable: by file name) */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            if (h7_shard_of(paths[i], shard_n) == shard_k)
                paths[kept++] = paths[i];
            else
                free(paths[i]);
        }
        n = kept;
        if (!list_only)
            printf("shard %u/%u: %zu of %zu scenarios\n", shard_k, shard_n, n, before_shard);
        if (!n && before_shard && !list_only) {
            if (junit && write_junit(junit, NULL, 0, 0.0) != 0)
                return 2;
            free(paths);
            return 0;
        }
    }
    if (list_only) {   /* what would run (this shard), one path per line */
        for (size_t i = 0; i < n; i++) {
            printf("%s\n", paths[i]);
            free(paths[i]);
        }
        free(paths);
        return 0;
    }
    if (!n) {
        fprintf(stderr, "h7emu: no scenarios given\n%s", usage_test);
        free(paths);
        return 2;
    }
    if (outdir && mkdir(outdir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "h7emu: cannot create %s: %s\n", outdir, strerror(errno));
        return 2;
    }
    char *self = realpath("/proc/self/exe", NULL);   /* any length */
    if (!self) {
        fprintf(stderr, "h7emu: cannot find its own executable: %s\n", strerror(errno));
        return 2;
    }
    /* one job per scenario, or with --interleavings the default schedule and N seeds each */
    size_t nscen = n;
    n = nscen * (size_t)(1 + interleavings);
    job *jobs = calloc(n, sizeof *jobs);
    for (size_t i = 0, k = 0; i < nscen; i++)
        for (unsigned v = 0; v <= interleavings; v++, k++) {
            jobs[k].path = v ? strdup(paths[i]) : paths[i];
            jobs[k].seed = v ? base_seed + v - 1 : 0;
            jobs[k].shown = h7_text_sanitize(paths[i]);
            if (!jobs[k].shown)
                jobs[k].shown = strdup("?");
            jobs[k].out_fd = -1;
        }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t next = 0, running = 0, done = 0;
    const char *green = color ? "\033[32m" : "", *red = color ? "\033[31m" : "", *reset = color ? "\033[0m" : "";
    static const char *const label[5] = {"PASS", "FAIL", "ERROR", "CRASH", "TIMEOUT"};
    while (done < n) {
        while (running < (size_t)jobs_max && next < n) {
            start_job(&jobs[next], self, outdir);
            next++;
            running++;
        }
        int status;
        pid_t pid = waitpid(-1, &status, timeout_s > 0 ? WNOHANG : 0);
        if (pid < 0)
            break;
        if (pid == 0) {
            /* Per-scenario wall-clock limit: a runaway (a firmware bug in the emulator, a host
             * overload) cannot hang the suite; the JUnit is still written. */
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            for (size_t i = 0; i < next; i++) {
                job *j = &jobs[i];
                double age = (double)(now.tv_sec - j->t0.tv_sec) + (double)(now.tv_nsec - j->t0.tv_nsec) / 1e9;
                if (!j->done && !j->timed_out && j->pid > 0 && age > timeout_s) {
                    j->timed_out = true;
                    kill(j->pid, SIGKILL);
                }
            }
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (jobs[i].pid != pid || jobs[i].done)
                continue;
            finish_job(&jobs[i], status);
            running--;
            done++;
            job *j = &jobs[i];
            char shown[300];
            job_label(j, shown, sizeof shown);
            printf("[%zu/%zu] %s%-5s%s %-40s %6.2f s%s", done, n, j->rc ? red : green, label[j->rc], reset, shown,
                   j->secs, j->reason[0] ? "  " : "");
            h7_term_write_text(stdout, j->reason);
            putchar('\n');
            fflush(stdout);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double total = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    size_t count[5] = {0};
    for (size_t i = 0; i < n; i++)
        count[jobs[i].rc]++;
    for (size_t i = 0; i < n; i++)
        if (jobs[i].rc && (!jobs[i].seed || first_failing_seed(jobs, i))) {   /* one report per scenario's seeds */
            char shown[300];
            job_label(&jobs[i], shown, sizeof shown);
            printf("\n----- %s: %s%s -----\n", label[jobs[i].rc], jobs[i].shown, shown + strlen(scenario_name(jobs[i].shown)));
            h7_term_write_text(stdout, jobs[i].report);
        }
    printf("\n%-40s %-6s %8s  %s\n", "scenario", "result", "wall", "what it checks");
    for (size_t i = 0; i < n; i++) {
        char shown[300];
        job_label(&jobs[i], shown, sizeof shown);
        printf("%-40s %s%-6s%s %6.2f s  ", shown, jobs[i].rc ? red : green, label[jobs[i].rc], reset, jobs[i].secs);
        h7_term_write_text(stdout, jobs[i].title ? jobs[i].title : "");
        putchar('\n');
    }
    char what[80];
    if (interleavings)
        snprintf(what, sizeof what, "%zu runs (%zu scenarios x %u schedules)", n, nscen, interleavings + 1);
    else
        snprintf(what, sizeof what, "%zu scenarios", n);
    printf("%s: %zu passed, %zu failed, %zu errors%s in %.1f s\n", what, count[0], count[1],
           count[2] + count[3] + count[4], (count[3] || count[4]) ? " (crashes and timeouts counted as errors)" : "",
           total);
    int rc = (count[2] + count[3] + count[4]) ? 2 : count[1] ? 1 : 0;
    if (interleavings && report_interleavings(jobs, nscen, interleavings) && rc == 0)
        rc = 1;   /* a seed changes the result: a race */
    if (junit && write_junit(junit, jobs, n, total) != 0)
        rc = 2;
    if (h7_check_stdout() != 0)
        rc = 2;
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].path);
        free(jobs[i].report);
        free(jobs[i].reason);
        free(jobs[i].title);
        free(jobs[i].shown);
    }
    free(jobs);
    free(paths);
    free(self);
    return rc;
}

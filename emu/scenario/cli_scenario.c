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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gdbstub.h"
#include "scenario.h"

static const char *usage_scn =
    "usage: h7emu run SCENARIO.yaml [--trace FILE] [--jsonl FILE] [--vcd FILE] [--svg FILE] [--gdb [PORT]]\n"
    "                               [--quiet] [--no-color] [-v]\n"
    "\n"
    "Runs one scenario (docs/scenarios.md): the timeline goes to stdout (or --trace FILE), then the\n"
    "summary, any diagnosis, and PASS/FAIL with the first expectation that was not met.\n"
    "  --jsonl FILE   the trace as JSON Lines (docs/scenarios.md#json-lines)\n"
    "  --vcd FILE     a waveform for GTKWave (core states, domains, VOS, sys_ck, HSEM, LEDs, UART)\n"
    "  --svg FILE     the same signals as an SVG timing diagram\n"
    "  --gdb [PORT]   instead of the steps: serve the scenario's machine (board, images, option\n"
    "                 bytes, BOOT0) to GDB, CM7 on PORT (3333), CM4 on PORT+1; --gdb-wait holds\n"
    "                 each core until its debugger attaches; --gdb-halt=core|all as for ELF runs\n"
    "exit codes: 0 passed, 1 an expectation failed, 2 bad scenario or image.\n";

static const char *usage_test =
    "usage: h7emu test DIR_OR_FILES... [--jobs N] [--junit FILE] [--out DIR] [--no-color]\n"
    "\n"
    "Runs every scenario (*.yaml / *.yml; directories are searched one level deep, sorted), each in\n"
    "its own process, N at a time (default 2). Prints one line per scenario as it completes and a\n"
    "table at the end; on failure, the scenario's report (first unmet expectation, events around it,\n"
    "diagnosis).\n"
    "  --junit FILE   JUnit XML report (one testcase per scenario)\n"
    "  --out DIR      keep each scenario's timeline, JSON Lines, VCD and SVG in DIR\n"
    "exit codes: 0 all passed, 1 some failed, 2 input errors (bad scenario, missing image).\n";

void h7_close_outputs(FILE *const *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (files[i] && files[i] != stdout)
            fclose(files[i]);
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
    char err[1024];
    int rc = 0;
    if (h7_scenario_machine(s, &m, err, sizeof err) != 0) {
        fprintf(stderr, "h7emu: %s: %s\n", s->path, err);
        rc = 2;
    } else {
        fprintf(stderr, "h7emu: %s: serving its machine to GDB; the scenario's steps and expectations are not run\n",
                s->path);
        m->trace.timeline = quiet ? NULL : stdout;
        m->trace.color = color;
        h7_machine_power_on(m);
        if (h7_gdb_serve(m, gdbo, err, sizeof err) != 0) {
            fprintf(stderr, "h7emu: %s\n", err);
            rc = 2;
        } else {
            h7_machine_print_summary(m, stdout);
            h7_machine_print_diagnosis(m, stdout);
        }
    }
    h7_machine_destroy(m);
    h7_scenario_free(s);
    return rc;
}

int h7_cmd_run_scenario(int argc, char **argv)
{
    const char *path = NULL, *trace = NULL, *jsonl = NULL, *vcd = NULL, *svg = NULL;
    bool quiet = false, color = isatty(1), verbose = false, gdb = false;
    h7_gdb_options gdbo = {.port = 3333, .halt_mode = H7_GDB_HALT_CORE};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "--trace") || !strcmp(a, "--jsonl") || !strcmp(a, "--vcd") || !strcmp(a, "--svg");
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
        } else if (!strcmp(a, "--vcd")) {
            vcd = argv[++i];
        } else if (!strcmp(a, "--svg")) {
            svg = argv[++i];
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
    if (gdb)
        return serve_scenario(&s, &gdbo, quiet, color);
    FILE *tf = NULL, *jf = NULL, *vf = NULL, *sf = NULL;
    int rc = 2;
    if ((trace && !(tf = h7_open_output(trace, "trace"))) || (jsonl && !(jf = h7_open_output(jsonl, "JSON Lines"))) || (vcd && !(vf = h7_open_output(vcd, "VCD"))) ||
        (svg && !(sf = h7_open_output(svg, "SVG"))))
        goto out;
    h7_scenario_opts o = {.timeline = tf ? tf : (quiet ? NULL : stdout), .color = !tf && color, .jsonl = jf, .vcd = vf, .svg = sf,
                          .report = stdout, .verbose = verbose};
    rc = h7_scenario_run(&s, &o);
out:
    h7_close_outputs((FILE *[]){tf, jf, vf, sf}, 4);
    h7_scenario_free(&s);
    return rc;
}

/* ------------------------------------------------------------------ the suite runner */

typedef struct job {
    char *path;
    pid_t pid;
    int rc;            /* 0 pass, 1 fail, 2 error, 3 crashed */
    char out_path[64]; /* captured report */
    struct timespec t0;
    double secs;
    char *report;      /* captured output (on failure) */
    char *reason;      /* first FAIL/ERROR line detail */
    char *title;       /* the scenario's name: (from its PASS/FAIL line) */
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
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", arg, e->d_name);
        *list = realloc(*list, (*n + 1) * sizeof **list);
        (*list)[(*n)++] = strdup(p);
    }
    closedir(d);
    qsort(*list + first, *n - first, sizeof **list, cmp_str);
    if (*n == first)
        fprintf(stderr, "h7emu: warning: no *.yaml scenario in %s\n", arg);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(n > 0 ? (size_t)n + 1 : 1);
    size_t got = n > 0 ? fread(buf, 1, (size_t)n, f) : 0;
    buf[got] = '\0';
    fclose(f);
    return buf;
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
        return strdup(rc == 3 ? "the h7emu process crashed" : "");
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

static void start_job(job *j, const char *self, const char *outdir, int index)
{
    snprintf(j->out_path, sizeof j->out_path, "/tmp/h7emu-test-%d-%d.txt", (int)getpid(), index);
    clock_gettime(CLOCK_MONOTONIC, &j->t0);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(j->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        char trace[4200], jsonl[4200], vcd[4200], svg[4200];
        const char *args[20];
        int k = 0;
        args[k++] = self;
        args[k++] = "run";
        args[k++] = j->path;
        args[k++] = "--no-color";
        if (outdir) {
            const char *base = scenario_name(j->path);
            const char *dot = strrchr(base, '.');
            int stem = dot ? (int)(dot - base) : (int)strlen(base);
            snprintf(trace, sizeof trace, "%s/%.*s.timeline.txt", outdir, stem, base);
            snprintf(jsonl, sizeof jsonl, "%s/%.*s.jsonl", outdir, stem, base);
            snprintf(vcd, sizeof vcd, "%s/%.*s.vcd", outdir, stem, base);
            snprintf(svg, sizeof svg, "%s/%.*s.svg", outdir, stem, base);
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
    j->report = slurp(j->out_path);
    unlink(j->out_path);
    j->reason = first_reason(j->report, j->rc);
    j->title = scenario_title(j->report);
    j->done = true;
}

static void xml_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c < 0x20 && c != '\n' && c != '\t')
            fprintf(f, "&#x%X;", (c == '\r') ? 0xD : 0xFFFD);
        else if (c == 0x1B)
            ;
        else
            fputc(c, f);
    }
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
        xml_escape(f, scenario_name(j->path));
        fprintf(f, "\" file=\"");
        xml_escape(f, j->path);
        fprintf(f, "\" time=\"%.3f\"", j->secs);
        if (j->rc == 0) {
            fprintf(f, "/>\n");
            continue;
        }
        fprintf(f, ">\n      <%s message=\"", j->rc == 1 ? "failure" : "error");
        xml_escape(f, j->reason);
        fprintf(f, "\">");
        xml_escape(f, j->report);
        fprintf(f, "</%s>\n    </testcase>\n", j->rc == 1 ? "failure" : "error");
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return fclose(f) == 0 ? 0 : -1;
}

int h7_cmd_test(int argc, char **argv)
{
    const char *junit = NULL, *outdir = NULL;
    int jobs_max = 2;
    bool color = isatty(1);
    char **paths = NULL;
    size_t n = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_test, stdout);
            return 0;
        } else if (!strcmp(a, "--junit") || !strcmp(a, "--jobs") || !strcmp(a, "-j") || !strcmp(a, "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "h7emu: option %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (a[2] == 'j' && a[3] == 'u') {
                junit = v;
            } else if (!strcmp(a, "--out")) {
                outdir = v;
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
        } else if (a[0] == '-') {
            fprintf(stderr, "h7emu: unknown option '%s'\n%s", a, usage_test);
            return 2;
        } else if (collect(a, &paths, &n) != 0) {
            return 2;
        }
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
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        fprintf(stderr, "h7emu: cannot find its own executable\n");
        return 2;
    }
    self[sl] = '\0';
    job *jobs = calloc(n, sizeof *jobs);
    for (size_t i = 0; i < n; i++)
        jobs[i].path = paths[i];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t next = 0, running = 0, done = 0;
    const char *green = color ? "\033[32m" : "", *red = color ? "\033[31m" : "", *reset = color ? "\033[0m" : "";
    static const char *const label[4] = {"PASS", "FAIL", "ERROR", "CRASH"};
    while (done < n) {
        while (running < (size_t)jobs_max && next < n) {
            start_job(&jobs[next], self, outdir, (int)next);
            next++;
            running++;
        }
        int status;
        pid_t pid = wait(&status);
        if (pid < 0)
            break;
        for (size_t i = 0; i < n; i++) {
            if (jobs[i].pid != pid || jobs[i].done)
                continue;
            finish_job(&jobs[i], status);
            running--;
            done++;
            job *j = &jobs[i];
            printf("[%zu/%zu] %s%-5s%s %-40s %6.2f s%s%s\n", done, n, j->rc ? red : green, label[j->rc], reset,
                   scenario_name(j->path), j->secs, j->reason[0] ? "  " : "", j->reason);
            fflush(stdout);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double total = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    size_t count[4] = {0};
    for (size_t i = 0; i < n; i++)
        count[jobs[i].rc]++;
    for (size_t i = 0; i < n; i++)
        if (jobs[i].rc) {
            printf("\n----- %s: %s -----\n%s", label[jobs[i].rc], jobs[i].path, jobs[i].report);
        }
    printf("\n%-40s %-6s %8s  %s\n", "scenario", "result", "wall", "what it checks");
    for (size_t i = 0; i < n; i++)
        printf("%-40s %s%-6s%s %6.2f s  %s\n", scenario_name(jobs[i].path), jobs[i].rc ? red : green, label[jobs[i].rc],
               reset, jobs[i].secs, jobs[i].title ? jobs[i].title : "");
    printf("%zu scenarios: %zu passed, %zu failed, %zu errors%s in %.1f s\n", n, count[0], count[1], count[2] + count[3],
           count[3] ? " (crashes counted as errors)" : "", total);
    int rc = (count[2] + count[3]) ? 2 : count[1] ? 1 : 0;
    if (junit && write_junit(junit, jobs, n, total) != 0)
        rc = 2;
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].path);
        free(jobs[i].report);
        free(jobs[i].reason);
        free(jobs[i].title);
    }
    free(jobs);
    free(paths);
    return rc;
}

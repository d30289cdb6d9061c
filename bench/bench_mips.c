/* Guest MIPS of h7emu on compute-bound images, and the same kernels on QEMU (Debian's
 * qemu-system-arm, -M mps2-an500 for the Cortex-M7 and mps2-an386 for the Cortex-M4) side by side.
 * Prints figures; asserts nothing. Usage: bench_mips [virtual-ms, default 400] [firmware dir] [runs, default 3]
 * Host seconds are CPU seconds (see now_s). The engine is whatever libunicorn.so.2 is loaded
 * (LD_LIBRARY_PATH=$(scripts/unicorn.sh libdir 2.0) for the other one).
 *
 * h7emu: each kernel image runs alone on its core for the given virtual time at the reset clock
 * (64 MHz HSI, 1 instruction = 1 cycle), then both cores together. MIPS = retired guest
 * instructions / host seconds.
 * QEMU: qemu_<kernel>_<m7|m4>.elf run a fixed number of kernel iterations and exit through
 * semihosting; the instructions per iteration are measured on h7emu from the same kernel source
 * (g_iterations), QEMU's start-up time is measured with an empty image and subtracted. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "engine.h"
#include "machine.h"

extern char **environ;

/* Host time is CPU time (this process; QEMU's from wait4), not wall time: the machine this runs
 * on is shared, and CPU time is what the emulator itself costs. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *fw_dir = H7_FIRMWARE_DIR;

static char *fw(const char *name)
{
    static char buf[4][512];
    static int k;
    char *b = buf[k++ & 3];
    snprintf(b, sizeof buf[0], "%s/%s", fw_dir, name);
    return b;
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

typedef struct result { double mips; uint64_t insns, skipped; double secs; double insn_per_iter; } result;

/* Core clocks for a run: 0 = the reset clock (64 MHz HSI). */
static uint32_t g_hz[H7_NCORES];

/* Each figure is the fastest of this many runs (argument 3, default 3): on a shared machine, other
 * work only ever makes a run slower. */
static unsigned g_reps = 3;

static bool run_h7_once(const char *cm7, const char *cm4, h7_time_ps t, result *r7, result *r4)
{
    h7_machine_config cfg = {0};
    cfg.cm7_path = cm7;
    cfg.cm4_path = cm4;
    char err[512];
    h7_machine *m = NULL;
    if (h7_machine_create(&m, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        h7_machine_destroy(m);
        return false;
    }
    h7_machine_power_on(m);
    for (int k = 0; k < H7_NCORES; k++)
        if (g_hz[k])   /* as after a clock set-up (the kernels never touch RCC) */
            h7_cpu_set_hz(&m->cpu[k], g_hz[k]);
    double t0 = now_s();
    h7_machine_run_for(m, t);
    double secs = now_s() - t0;
    result *rs[2] = {r7, r4};
    for (int k = 0; k < H7_NCORES; k++) {
        if (!rs[k])
            continue;
        rs[k]->insns = m->cpu[k].icount;
        rs[k]->skipped = m->cpu[k].ff_skipped;   /* charged by the idle fast-forward, not executed */
        rs[k]->secs = secs;
        rs[k]->mips = (double)m->cpu[k].icount / secs / 1e6;
        uint32_t addr, size, iters = 0;
        if (m->has_img[k] && h7_image_find_symbol(&m->img[k], "g_iterations", &addr, &size))
            h7_machine_read_mem(m, (h7_core_id)k, addr, &iters, 4);
        rs[k]->insn_per_iter = iters ? (double)m->cpu[k].icount / iters : 0;
    }
    h7_machine_destroy(m);
    return true;
}

static bool run_h7(const char *cm7, const char *cm4, h7_time_ps t, result *r7, result *r4)
{
    result best[H7_NCORES] = {0};
    for (unsigned i = 0; i < g_reps; i++) {
        result x[H7_NCORES] = {0};   /* both cores' figures of one run: the same host time */
        if (!run_h7_once(cm7, cm4, t, &x[H7_CM7], &x[H7_CM4]))
            return false;
        if (i == 0 || x[H7_CM7].secs < best[H7_CM7].secs)
            memcpy(best, x, sizeof best);
    }
    if (r7)
        *r7 = best[H7_CM7];
    if (r4)
        *r4 = best[H7_CM4];
    return true;
}

static double run_qemu_once(const char *machine, const char *image)
{
    char *argv[] = {"qemu-system-arm", "-M", (char *)machine, "-nographic", "-monitor", "none", "-serial", "none",
                    "-semihosting-config", "enable=on,target=native", "-kernel", (char *)image, NULL};
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid, "qemu-system-arm", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0)
        return -1;
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec * 1e-6;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? cpu : -1;
}

static double run_qemu(const char *machine, const char *image)
{
    double best = -1;
    for (unsigned i = 0; i < g_reps; i++) {
        double t = run_qemu_once(machine, image);
        if (t < 0)
            return -1;
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    unsigned ms = argc > 1 ? (unsigned)atoi(argv[1]) : 400;
    if (argc > 2 && argv[2][0])   /* "" = the default */
        fw_dir = argv[2];
    if (argc > 3 && atoi(argv[3]) > 0)
        g_reps = (unsigned)atoi(argv[3]);
    h7_time_ps t = (h7_time_ps)ms * H7_PS_PER_MS;
    /* copy: LDM/STM + LDRD/STRD, each a hooked alignment-check site (docs/machine.md "Faults") */
    static const char *kernels[] = {"crc", "store", "copy"};
    static const char *cores[] = {"cm7", "cm4"};
    printf("h7emu guest MIPS on %s, %u ms of virtual time per run (64 MHz HSI, 1 instruction = 1 cycle), "
           "fastest of %u runs\n\n", h7_engine_get()->name, ms, g_reps);
    printf("%-8s %-5s %12s %9s %10s | %14s %9s\n", "kernel", "core", "instructions", "host s", "h7emu MIPS",
           "qemu-system-arm", "QEMU MIPS");
    for (int k = 0; k < 3; k++) {
        for (int c = 0; c < 2; c++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s.elf", kernels[k], cores[c]);
            if (!exists(fw(name))) {
                printf("%-8s %-5s (no image %s)\n", kernels[k], cores[c], name);
                continue;
            }
            result r = {0};
            if (!run_h7(c == 0 ? fw(name) : NULL, c == 1 ? fw(name) : NULL, t, c == 0 ? &r : NULL, c == 1 ? &r : NULL))
                continue;
            printf("%-8s %-5s %12llu %9.3f %10.1f | ", kernels[k], cores[c], (unsigned long long)r.insns, r.secs, r.mips);
            char qname[64], ename[64];
            const char *qm = c == 0 ? "mps2-an500" : "mps2-an386";
            snprintf(qname, sizeof qname, "qemu_%s_%s.elf", kernels[k], c == 0 ? "m7" : "m4");
            snprintf(ename, sizeof ename, "qemu_empty_%s.elf", c == 0 ? "m7" : "m4");
            uint32_t qiters = 0;
            FILE *f = fopen(fw("qemu_iterations.txt"), "r");
            if (f) {
                if (fscanf(f, "%u", &qiters) != 1)
                    qiters = 0;
                fclose(f);
            }
            double qt = exists(fw(qname)) && qiters && r.insn_per_iter > 0 ? run_qemu(qm, fw(qname)) : -1;
            double qe = qt > 0 ? run_qemu(qm, fw(ename)) : -1;
            if (qt > 0 && qe >= 0 && qt > qe)
                printf("%14s %9.1f\n", qm, r.insn_per_iter * qiters / (qt - qe) / 1e6);
            else
                printf("%14s %9s\n", qm, "n/a");
        }
    }
    if (exists(fw("compute_cm7.elf")) && exists(fw("compute_cm4.elf"))) {
        result r7 = {0}, r4 = {0}, a7 = {0}, a4 = {0};
        bool alone = run_h7(fw("compute_cm7.elf"), NULL, t, &a7, NULL) && run_h7(NULL, fw("compute_cm4.elf"), t, NULL, &a4);
        if (alone)
            printf("\ncompute_cm7 alone %.1f MIPS (%.3f host s), compute_cm4 alone %.1f MIPS (%.3f host s)\n", a7.mips,
                   a7.secs, a4.mips, a4.secs);
        if (run_h7(fw("compute_cm7.elf"), fw("compute_cm4.elf"), t, &r7, &r4)) {
            printf("both cores together (compute_cm7 + compute_cm4): %.1f + %.1f = %.1f MIPS aggregate (%.3f host s)\n",
                   (double)r7.insns / r7.secs / 1e6, (double)r4.insns / r4.secs / 1e6,
                   (double)(r7.insns + r4.insns) / r7.secs / 1e6, r7.secs);
            if (alone)   /* same work: 1.0 = together costs exactly the sum of each alone */
                printf("together vs the sum of each alone: %.2f (host s %.3f vs %.3f + %.3f)\n",
                       (a7.secs + a4.secs) / r7.secs, r7.secs, a7.secs, a4.secs);
        }
    }
    if (exists(fw("compute_cm7.elf")) && exists(fw("compute_cm4.elf"))) {
        /* The same at the clocks a CubeMX project runs at: a 5 us quantum is then 2400 CM7 and 1200
         * CM4 instructions instead of 320, so switching cores costs less in proportion. */
        g_hz[H7_CM7] = 480000000u;
        g_hz[H7_CM4] = 240000000u;
        h7_time_ps t2 = t / 4;
        result r7 = {0}, r4 = {0}, a7 = {0}, a4 = {0};
        if (run_h7(fw("compute_cm7.elf"), NULL, t2, &a7, NULL) && run_h7(NULL, fw("compute_cm4.elf"), t2, NULL, &a4) &&
            run_h7(fw("compute_cm7.elf"), fw("compute_cm4.elf"), t2, &r7, &r4))
            printf("at 480/240 MHz (%u ms virtual): alone %.3f + %.3f host s, together %.3f host s: %.2f of the sum\n",
                   ms / 4, a7.secs, a4.secs, r7.secs, (a7.secs + a4.secs) / r7.secs);
        g_hz[H7_CM7] = g_hz[H7_CM4] = 0;
    }
    if (exists(fw("boot_cm7.elf")) && exists(fw("boot_cm4.elf"))) {
        result r7 = {0}, r4 = {0};
        if (run_h7(fw("boot_cm7.elf"), fw("boot_cm4.elf"), 50 * H7_PS_PER_MS, &r7, &r4))
            printf("good boot (boot_cm7 + boot_cm4, 50 ms virtual): %llu + %llu cycles in %.3f host s = %.1f MIPS "
                   "(%.1f MIPS executed: %llu cycles were idle polling skipped by the fast-forward)\n",
                   (unsigned long long)r7.insns, (unsigned long long)r4.insns, r7.secs,
                   (double)(r7.insns + r4.insns) / r7.secs / 1e6,
                   (double)(r7.insns + r4.insns - r7.skipped - r4.skipped) / r7.secs / 1e6,
                   (unsigned long long)(r7.skipped + r4.skipped));
    }
    if (exists(fw("boot_idle_cm7.elf")) && exists(fw("boot_idle_cm4.elf"))) {
        /* The dual-core boot, then both cores blink LEDs in HAL_Delay: mostly idle polling. */
        for (int ff = 1; ff >= 0; ff--) {
            result r7 = {0}, r4 = {0};
            h7_machine_no_fast_forward = !ff;
            if (run_h7(fw("boot_idle_cm7.elf"), fw("boot_idle_cm4.elf"), H7_PS_PER_S, &r7, &r4))
                printf("idle firmware (boot_idle, HAL_Delay on both cores), 1 s virtual%s: %.3f host s = "
                       "real-time factor %.1f\n", ff ? "" : ", --no-fast-forward", r7.secs, 1.0 / r7.secs);
        }
        h7_machine_no_fast_forward = false;
    }
    if (h7_engine_get()->minor == 0)
        printf("\nNote: Unicorn 2.0.1 makes every guest store to RAM cost ~150 ns (a dirty-tracking bug fixed\n"
               "in 2.1, the default engine): store-heavy code is capped near 70 MIPS whatever the harness does.\n");
    return 0;
}

/* On-target unit tests reporting through Arm semihosting, the way firmware teams run Unity/CMocka
 * tests in CI: newlib's rdimon (printf, fopen, clock) over BKPT 0xAB, and exit(failures) so that the
 * result reaches the shell (h7emu run --semihosting: 0 passed, 5 some test failed).
 * The command line (SYS_GET_CMDLINE, h7emu --semihosting-cmdline) selects extra checks:
 *   --files   write and read back a file in the semihosting root
 *   --escape  files outside the root must be refused
 *   --fail    one deliberately failing test (exit status 1) */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern void initialise_monitor_handles(void);

/* newlib (printf's float paths, memcpy variants) may use FP registers: enable CP10/CP11 before any
 * C library code runs, as CMSIS SystemInit does -- with CPACR = 0 they are NOCP UsageFaults. */
void early_init(void)
{
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm volatile("dsb\n isb" ::: "memory");
}

#ifdef CORE_CM7
#define CORE_NAME "cm7"
#else
#define CORE_NAME "cm4"
#endif

static int tests, failures;
#define CHECK(name, cond)                                                              \
    do {                                                                               \
        tests++;                                                                       \
        if (cond) {                                                                    \
            printf("PASS %s\n", name);                                                 \
        } else {                                                                       \
            failures++;                                                                \
            printf("FAIL %s (%s:%d)\n", name, __FILE__, __LINE__);                    \
        }                                                                              \
    } while (0)

/* A raw semihosting call (the operations newlib does not wrap). */
static int sh_call(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void spin(uint32_t n)
{
    for (volatile uint32_t i = 0; i < n; i++)
        ;
}

static void test_files(void)
{
    FILE *f = fopen("result.txt", "w");
    CHECK("fopen in the semihosting root", f != NULL);
    if (!f)
        return;
    fprintf(f, "written by the %s\n", CORE_NAME);
    fclose(f);
    char line[64] = "";
    f = fopen("result.txt", "r");
    CHECK("read it back", f && fgets(line, sizeof line, f) && !strcmp(line, "written by the " CORE_NAME "\n"));
    if (f) {
        fseek(f, 0, SEEK_END);
        CHECK("file length (SYS_FLEN)", ftell(f) == (long)strlen("written by the " CORE_NAME "\n"));
        fclose(f);
    }
}

static void test_escape(void)
{
    errno = 0;
    FILE *f = fopen("../escape.txt", "w");
    CHECK("a path through .. is refused", f == NULL);
    FILE *g = fopen("/tmp/h7emu-escape.txt", "w");
    CHECK("an absolute path is refused", g == NULL);
    if (f)
        fclose(f);
    if (g)
        fclose(g);
}

int main(void)
{
    initialise_monitor_handles();
    char cmdline[128] = "";
    uint32_t cl[2] = {(uint32_t)(uintptr_t)cmdline, sizeof cmdline};
    CHECK("SYS_GET_CMDLINE", sh_call(0x15, cl) == 0);
    printf("semihosting tests on the %s, command line \"%s\"\n", CORE_NAME, cmdline);

    CHECK("arithmetic", 6 * 7 == 42);
    CHECK("stdout is a terminal (SYS_ISTTY)", isatty(1));
    clock_t c0 = clock();
    uint32_t e0[2], e1[2];
    sh_call(0x30, e0);
    spin(400000);
    sh_call(0x30, e1);
    CHECK("clock() advances with virtual time", clock() > c0);
    CHECK("SYS_ELAPSED advances", e1[0] > e0[0] || e1[1] > e0[1]);
    CHECK("SYS_TICKFREQ", sh_call(0x31, 0) > 0);
    uint32_t heap[4] = {0}, *hp = heap;
    sh_call(0x16, &hp);
    CHECK("SYS_HEAPINFO gives a stack base", heap[2] != 0);
    char *p = malloc(100);
    CHECK("malloc (newlib sbrk)", p != NULL);
    free(p);

    if (strstr(cmdline, "--files"))
        test_files();
    if (strstr(cmdline, "--escape"))
        test_escape();
    if (strstr(cmdline, "--fail"))
        CHECK("a deliberately failing test", 1 + 1 == 3);

    printf("%d tests, %d failures\n", tests, failures);
#ifdef CORE_CM4
    for (;;)
        __asm__ volatile("wfi");   /* the CM7 ends the run */
#endif
    exit(failures);
}

/* The GDB server, driven by Debian's gdb-multiarch in batch mode against `h7emu run --gdb`:
 * break at main, step, read a peripheral register, watchpoint, FPU registers, both cores; the link
 * lost on a locked device and back after BOOT0 + power cycle + erase; malformed packets. */
#include "support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct server { pid_t pid; int port; int err_fd; } server;

static int next_port(void)
{
    static int n;
    return 40000 + (int)(getpid() % 6000) * 4 + (n++ % 2) * 2;
}

/* Start h7emu with the given extra arguments and wait for its "gdb server" line. */
static const char *g_scenario;   /* a scenario file instead of --cm7/--cm4 */

static server start_server(const char *cm7, const char *cm4, const char *extra)
{
    server s = {.port = next_port()};
    int p[2];
    assert_int_equal(pipe(p), 0);
    char port[16];
    snprintf(port, sizeof port, "%d", s.port);
    s.pid = fork();
    assert_true(s.pid >= 0);
    if (s.pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        int devnull = open("/dev/null", 1);
        dup2(devnull, 1);
        const char *argv[16];
        int a = 0;
        argv[a++] = H7EMU_EXE;
        argv[a++] = "run";
        argv[a++] = "--quiet";
        argv[a++] = "--gdb";
        argv[a++] = port;
        if (cm7) {
            argv[a++] = "--cm7";
            argv[a++] = cm7;
        }
        if (cm4) {
            argv[a++] = "--cm4";
            argv[a++] = cm4;
        }
        if (extra)
            argv[a++] = extra;
        if (g_scenario)
            argv[a++] = g_scenario;
        argv[a] = NULL;
        execv(H7EMU_EXE, (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    s.err_fd = p[0];
    char buf[512];
    size_t len = 0;
    for (int tries = 0; tries < 100; tries++) {
        struct pollfd pf = {.fd = s.err_fd, .events = POLLIN};
        if (poll(&pf, 1, 100) > 0) {
            ssize_t r = read(s.err_fd, buf + len, sizeof buf - 1 - len);
            if (r > 0)
                len += (size_t)r;
            buf[len] = 0;
            if (strstr(buf, "gdb server"))
                return s;
        }
    }
    fail_msg("h7emu did not start its gdb server: %s", buf);
    return s;
}

/* Wait for the server to exit (it does once the debuggers detached); kill it after 20 s. */
static int stop_server(server *s)
{
    int st = 0;
    for (int i = 0; i < 200; i++) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            close(s->err_fd);
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        usleep(100000);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &st, 0);
    close(s->err_fd);
    return -2;
}

static bool have_gdb(void) { return system("command -v gdb-multiarch >/dev/null 2>&1") == 0; }

/* Run gdb-multiarch in batch mode; returns its whole output (static buffer). */
static const char *gdb(int port, const char *elf, const char *const *cmds)
{
    static char out[65536];
    char cmd[8192];
    int n = snprintf(cmd, sizeof cmd, "timeout 60 gdb-multiarch --batch -nx -ex 'set pagination off' "
                                      "-ex 'set confirm off' -ex 'target remote 127.0.0.1:%d'", port);
    for (const char *const *c = cmds; *c; c++)
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " -ex '%s'", *c);
    snprintf(cmd + n, sizeof cmd - (size_t)n, " %s 2>&1", elf);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t len = fread(out, 1, sizeof out - 1, f);
    out[len] = 0;
    pclose(f);
    return out;
}

static void expect_in(const char *out, const char *needle)
{
    if (!strstr(out, needle))
        fail_msg("expected '%s' in the gdb output:\n%s", needle, out);
}

static void test_cm7_break_step_peripheral_watch_fpu(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), h7t_fw("systick_cm4.elf"), "--gdb-wait");
    const char *cmds[] = {"break main", "continue", "stepi", "info registers pc", "x/wx 0x58024400",
                          "watch g_ticks", "continue", "info registers d0", "info registers fpscr",
                          "info registers msp", "detach", NULL};
    const char *out = gdb(s.port, h7t_fw("systick_cm7.elf"), cmds);
    expect_in(out, "Breakpoint 1, ");
    expect_in(out, "main");
    expect_in(out, "0x58024400:");
    expect_in(out, "atchpoint 2: g_ticks");
    expect_in(out, "Old value");
    expect_in(out, "d0 ");
    expect_in(out, "fpscr");
    expect_in(out, "msp            0x2001");
    assert_int_equal(stop_server(&s), 0);
}

static void test_cm4_attaches_on_port_plus_one(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), h7t_fw("systick_cm4.elf"), "--gdb-wait");
    const char *cmds[] = {"break main", "continue", "info registers sp", "print g_cpuid", "detach", NULL};
    const char *out = gdb(s.port + 1, h7t_fw("systick_cm4.elf"), cmds);
    expect_in(out, "Breakpoint 1, ");
    expect_in(out, "sp             0x1004");
    assert_int_equal(stop_server(&s), 0);
}

static void test_link_lost_on_locked_device_and_back_after_recovery(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    /* Selecting the LDO on the direct-SMPS Nucleo through the debug port locks the device: the
     * session is closed under the debugger. */
    const char *cmds1[] = {"set *(unsigned int *)0x5802480C = 0x00000002", "info registers pc", NULL};
    const char *out = gdb(s.port, h7t_fw("systick_cm7.elf"), cmds1);
    if (!strstr(out, "Remote connection closed") && !strstr(out, "Remote communication error"))
        fail_msg("the session was not closed on the lock:\n%s", out);
    /* A new connection reaches the probe but not the target: every access fails with the
     * ST-LINK message; BOOT0 + power cycle + mass erase bring the board back. */
    const char *cmds2[] = {"monitor erase", "monitor boot0 1", "monitor power-cycle", "monitor erase", "x/wx 0x08000000",
                           "monitor boot0 0", "detach", NULL};
    out = gdb(s.port, h7t_fw("systick_cm7.elf"), cmds2);
    expect_in(out, "FAILED to reset/halt the target MCU");
    expect_in(out, "mass erase done");
    expect_in(out, "<vector_table>:\t0xffffffff");
    assert_int_equal(stop_server(&s), 0);
}

static void test_scenario_machine_is_served_to_gdb(void **state)
{
    if (!have_gdb())
        skip();
    /* the scenario's board and option bytes (BCM4 = 0): the CM4 is held until the CM7 boots it */
    g_scenario = H7_SOURCE_DIR "/scenarios/cm4_gated_boot.yaml";
    server s = start_server(NULL, NULL, "--gdb-wait");
    g_scenario = NULL;
    const char *cmds[] = {"break HAL_RCCEx_EnableBootCore_C2", "continue", "print/x *(unsigned int *)0x5200201C",
                          "detach", NULL};
    const char *out = gdb(s.port, h7t_fw("boot_gated_cm7.elf"), cmds);
    expect_in(out, "Breakpoint 1, ");
    expect_in(out, "HAL_RCCEx_EnableBootCore_C2");
    expect_in(out, "= 0x1786aaf0");   /* FLASH_OPTSR_CUR: factory 0x17C6AAF0 with BCM4 (bit 22) = 0 */
    assert_int_equal(stop_server(&s), 0);
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static size_t recv_some(int fd, char *buf, size_t len)
{
    size_t got = 0;
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    while (got < len - 1 && poll(&pf, 1, 500) > 0) {
        ssize_t r = recv(fd, buf + got, len - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = 0;
    return got;
}

/* Ctrl-C (a raw 0x03) while the target runs: the core stops and the pending continue is
 * answered with a SIGINT stop reply (T02). */
static void test_ctrl_c_interrupts_a_running_core(void **state)
{
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    int fd = connect_to(s.port);
    char buf[8192];
    const char *q = "$?#3f";
    send(fd, q, strlen(q), 0);
    recv_some(fd, buf, sizeof buf);
    assert_non_null(strstr(buf, "$T"));
    send(fd, "+$c#63", 6, 0);                         /* continue */
    recv_some(fd, buf, sizeof buf);                   /* only the ack: it runs */
    assert_null(strstr(buf, "$T"));
    send(fd, "\x03", 1, 0);                           /* Ctrl-C */
    recv_some(fd, buf, sizeof buf);
    assert_non_null(strstr(buf, "$T02"));
    send(fd, "+$D#44", 6, 0);
    recv_some(fd, buf, sizeof buf);
    close(fd);
    assert_int_equal(stop_server(&s), 0);
}

static void test_malformed_packets_are_refused_not_fatal(void **state)
{
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    int fd = connect_to(s.port);
    char buf[8192];
    send(fd, "$qSupported#00", 14, 0);                /* bad checksum */
    recv_some(fd, buf, sizeof buf);
    assert_non_null(strchr(buf, '-'));
    char junk[6000];
    memset(junk, 'A', sizeof junk);
    junk[0] = '$';
    send(fd, junk, sizeof junk, 0);                   /* longer than any packet we accept */
    for (int i = 0; i < (int)sizeof junk; i++)
        junk[i] = (char)(i * 131 + 7);
    send(fd, junk, sizeof junk, 0);                   /* binary garbage */
    send(fd, "$m0,ffffffff#00", 15, 0);
    close(fd);                                        /* abrupt disconnect: the server ends the session */
    stop_server(&s);

    s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    fd = connect_to(s.port);
    send(fd, "$m8000000,100000#00", 19, 0);           /* bad checksum, then a huge read request */
    recv_some(fd, buf, sizeof buf);
    const char *req = "$qSupported#37";
    send(fd, req, strlen(req), 0);
    recv_some(fd, buf, sizeof buf);
    assert_non_null(strstr(buf, "PacketSize"));
    const char *big = "$m8000000,100000#12";          /* 1 MiB: refused with an error, not served */
    send(fd, big, strlen(big), 0);
    recv_some(fd, buf, sizeof buf);
    assert_non_null(strstr(buf, "$E01"));
    send(fd, "$D#44", 5, 0);
    recv_some(fd, buf, sizeof buf);
    close(fd);
    assert_int_equal(stop_server(&s), 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cm7_break_step_peripheral_watch_fpu),
        cmocka_unit_test(test_cm4_attaches_on_port_plus_one),
        cmocka_unit_test(test_link_lost_on_locked_device_and_back_after_recovery),
        cmocka_unit_test(test_scenario_machine_is_served_to_gdb),
        cmocka_unit_test(test_ctrl_c_interrupts_a_running_core),
        cmocka_unit_test(test_malformed_packets_are_refused_not_fatal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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

/* A pair of ports (the CM7's, the CM4's) per call, apart for each test process. */
static int next_port(void)
{
    static int n;
    return 30000 + (int)(getpid() % 1000) * 32 + (n++ % 16) * 2;
}

/* Start h7emu with the given extra arguments and wait for its "gdb server" line. */
static const char *g_scenario;   /* a scenario file instead of --cm7/--cm4 */

static pid_t g_last_pid;   /* a server left behind by a failed test is ended by the next one */

/* One attempt on the next port: true once the server listens; false if the port (or port + 1)
 * was taken by another program, *why says what the server printed. */
static bool try_start_server(server *ps, const char *cm7, const char *cm4, const char *extra, char *why, size_t len)
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
        static char extra_copy[256];
        if (extra) {   /* space-separated options */
            snprintf(extra_copy, sizeof extra_copy, "%s", extra);
            for (char *t = strtok(extra_copy, " "); t && a < 14; t = strtok(NULL, " "))
                argv[a++] = t;
        }
        if (g_scenario)
            argv[a++] = g_scenario;
        argv[a] = NULL;
        execv(H7EMU_EXE, (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    g_last_pid = s.pid;
    s.err_fd = p[0];
    char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (int tries = 0; tries < 100 && !strstr(buf, "cannot listen"); tries++) {
        struct pollfd pf = {.fd = s.err_fd, .events = POLLIN};
        if (poll(&pf, 1, 100) > 0) {
            ssize_t r = read(s.err_fd, buf + n, sizeof buf - 1 - n);
            if (r > 0)
                n += (size_t)r;
            buf[n] = 0;
            if (strstr(buf, "gdb server")) {
                *ps = s;
                return true;
            }
        }
    }
    snprintf(why, len, "%s", buf);
    if (!strstr(buf, "cannot listen"))
        fail_msg("h7emu did not start its gdb server: %s", buf);
    kill(s.pid, SIGKILL);
    waitpid(s.pid, NULL, 0);
    close(s.err_fd);
    g_last_pid = 0;
    return false;
}

static server start_server(const char *cm7, const char *cm4, const char *extra)
{
    if (g_last_pid > 0 && waitpid(g_last_pid, NULL, WNOHANG) == 0) {
        kill(g_last_pid, SIGKILL);
        waitpid(g_last_pid, NULL, 0);
    }
    server s = {0};
    char why[512] = "";
    /* Other test runs on the machine may hold a port: try the next ones. */
    for (int attempt = 0; attempt < 8; attempt++)
        if (try_start_server(&s, cm7, cm4, extra, why, sizeof why))
            return s;
    fail_msg("h7emu did not start its gdb server: %s", why);
    return s;
}

/* End the run as a user does (SIGTERM: the server stays up across sessions until the run ends)
 * and wait for h7emu to exit; kill it after 20 s. */
static int stop_server(server *s)
{
    int st = 0;
    kill(s->pid, SIGTERM);
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

static bool g_extended;   /* `target extended-remote` instead of `target remote` */

static bool have_gdb(void) { return system("command -v gdb-multiarch >/dev/null 2>&1") == 0; }

/* Run gdb-multiarch in batch mode; returns its whole output (static buffer). */
static const char *gdb(int port, const char *elf, const char *const *cmds)
{
    static char out[65536];
    char cmd[8192];
    int n = snprintf(cmd, sizeof cmd, "timeout 30 gdb-multiarch --batch -nx -ex 'set pagination off' "
                                      "-ex 'set confirm off' -ex 'target %s 127.0.0.1:%d'",
                     g_extended ? "extended-remote" : "remote", port);
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

/* The line of firmware/boot/boot.c holding `needle` (the tests break on source lines; looking them
 * up keeps the tests true when boot.c grows). */
static int boot_line(const char *needle)
{
    FILE *f = fopen(H7_SOURCE_DIR "/firmware/boot/boot.c", "r");
    assert_non_null(f);
    char line[512];
    int n = 0, found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        n++;
        if (strstr(line, needle))
            found = n;
    }
    fclose(f);
    if (!found)
        fail_msg("no line with '%s' in boot.c", needle);
    return found;
}

/* "break boot.c:N" for the line holding `needle` (one static buffer per call site). */
#define BREAK_AT(buf, needle) (snprintf(buf, sizeof buf, "break boot.c:%d", boot_line(needle)), (const char *)buf)
#define VOSRDY_LOOP "while (!(PWR_D3CR & PWR_D3CR_VOSRDY))"
#define D2STOP_LOOP "while ((RCC_CR & RCC_CR_D2CKRDY) && (g_timeout-- > 0))"

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

static char rsp_in[16384];
static size_t rsp_inlen;

static int connect_to(int port)
{
    rsp_inlen = 0;
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


/* ------------------------------------------------------------------ raw RSP helpers */

static void rsp_send(int fd, const char *payload)
{
    unsigned sum = 0;
    for (const char *q = payload; *q; q++)
        sum += (unsigned char)*q;
    char buf[4200];
    int n = snprintf(buf, sizeof buf, "$%s#%02x", payload, sum & 0xFF);
    send(fd, buf, (size_t)n, 0);
}

/* The next packet's payload (acks and O console packets skipped, the latter collected in
 * `console` if given); "" after `ms` without one. One connection is read at a time (connect_to
 * empties the buffer). */
static const char *rsp_reply(int fd, int ms, char *console, size_t conlen)
{
    static char out[16384];
    for (int waited = 0;;) {
        char *start = memchr(rsp_in, '$', rsp_inlen);
        char *hash = start ? memchr(start, '#', rsp_inlen - (size_t)(start - rsp_in)) : NULL;
        if (hash && (size_t)(hash - rsp_in) + 3 <= rsp_inlen) {
            size_t n = (size_t)(hash - start - 1);
            memcpy(out, start + 1, n);
            out[n] = 0;
            size_t used = (size_t)(hash - rsp_in) + 3;
            memmove(rsp_in, rsp_in + used, rsp_inlen - used);
            rsp_inlen -= used;
            send(fd, "+", 1, 0);
            if (out[0] == 'O' && out[1] && out[1] != 'K') {
                if (console)
                    for (size_t i = 1; out[i] && out[i + 1] && strlen(console) + 2 < conlen; i += 2) {
                        char hx[3] = {out[i], out[i + 1], 0};
                        size_t l = strlen(console);
                        console[l] = (char)strtol(hx, NULL, 16);
                        console[l + 1] = 0;
                    }
                continue;
            }
            return out;
        }
        if (waited >= ms)
            break;
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        if (poll(&pf, 1, 50) > 0) {
            ssize_t r = recv(fd, rsp_in + rsp_inlen, sizeof rsp_in - 1 - rsp_inlen, 0);
            if (r <= 0)
                break;
            rsp_inlen += (size_t)r;
        } else {
            waited += 50;
        }
    }
    out[0] = 0;
    return out;
}

static const char *rsp(int fd, const char *payload)
{
    rsp_send(fd, payload);
    return rsp_reply(fd, 5000, NULL, 0);
}

static uint32_t rsp_pc(int fd)
{
    const char *r = rsp(fd, "pf");
    unsigned b[4] = {0};
    sscanf(r, "%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3]);
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Continue, interrupt with Ctrl-C, then single-step three times: every step answers (T05) and
 * moves PC, whatever stopped the core before (here a WFI loop interrupted by Ctrl-C). */
static void step_after_ctrl_c(int port)
{
    int fd = connect_to(port);
    const char *r0 = rsp(fd, "?");
    if (!strstr(r0, "T"))
        fail_msg("port %d: no stop reply to '?': '%s'", port, r0);
    rsp_send(fd, "c");
    assert_string_equal(rsp_reply(fd, 300, NULL, 0), "");   /* running: no stop reply */
    send(fd, "\x03", 1, 0);
    assert_non_null(strstr(rsp_reply(fd, 5000, NULL, 0), "T02"));
    for (int i = 0; i < 3; i++) {
        uint32_t pc0 = rsp_pc(fd);
        const char *r = rsp(fd, "vCont;s:1");
        if (!strstr(r, "T05"))
            fail_msg("step %d after Ctrl-C: no stop reply ('%s')", i, r);
        assert_int_not_equal(rsp_pc(fd), pc0);
    }
    /* after `monitor reset halt` (qRcmd): one step = one instruction of the Reset_Handler */
    char cmd[64] = "qRcmd,", *o = cmd + 6;
    for (const char *q = "reset halt"; *q; q++)
        o += sprintf(o, "%02x", (unsigned char)*q);
    rsp_send(fd, cmd);
    char con[512] = "";
    assert_string_equal(rsp_reply(fd, 5000, con, sizeof con), "OK");
    assert_non_null(strstr(con, "flushregs"));
    uint32_t pc0 = rsp_pc(fd);
    assert_non_null(strstr(rsp(fd, "vCont;s:1"), "T05"));
    uint32_t pc1 = rsp_pc(fd);
    assert_int_not_equal(pc1, pc0);
    if (pc1 != pc0 + 2 && pc1 != pc0 + 4 && (pc1 < 0x08000000u || pc1 >= 0x08200000u))
        fail_msg("one step after reset halt went from 0x%08x to 0x%08x", pc0, pc1);
    rsp(fd, "D");
    close(fd);
}

/* --gdb-wait: a port probe (connect, close) does not release the held core. */
static void test_gdb_wait_survives_a_port_probe(void **state)
{
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, "--gdb-wait");
    close(connect_to(s.port));
    usleep(300000);
    int fd = connect_to(s.port);
    assert_non_null(strstr(rsp(fd, "?"), "T"));
    /* still at the reset vector: Reset_Handler is the ELF entry, read from the vector table */
    const char *vt = rsp(fd, "m8000004,4");
    unsigned b[4];
    assert_int_equal(sscanf(vt, "%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3]), 4);
    uint32_t reset = (b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24) & ~1u;
    assert_int_equal(rsp_pc(fd), reset);
    rsp(fd, "D");
    close(fd);
    assert_int_equal(stop_server(&s), 0);
}

static void test_step_after_ctrl_c_on_both_cores(void **state)
{
    server s = start_server(h7t_fw("systick_cm7.elf"), h7t_fw("systick_cm4.elf"), NULL);
    step_after_ctrl_c(s.port);
    step_after_ctrl_c(s.port + 1);
    step_after_ctrl_c(s.port);   /* the server stays up: a new session on the same port */
    assert_int_equal(stop_server(&s), 0);
}

/* gdb steps over every watchpoint hit by itself: three hits in a row, counter +1 each time. */
static void test_three_consecutive_watch_hits_on_systick_counter(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    const char *cmds[] = {"watch g_ticks", "continue", "continue", "continue", "stepi", "info registers pc", NULL};
    const char *out = gdb(s.port, h7t_fw("systick_cm7.elf"), cmds);
    unsigned hits = 0, prev = 0;
    for (const char *p = out; (p = strstr(p, "New value = ")); p++) {
        unsigned v = (unsigned)strtoul(p + 12, NULL, 10);
        if (hits)
            assert_int_equal(v, prev + 1);
        prev = v;
        hits++;
    }
    if (hits != 3)
        fail_msg("expected 3 watchpoint hits:\n%s", out);
    expect_in(out, "pc             0x");
    assert_int_equal(stop_server(&s), 0);
}

/* Time advances while stepping: `stepi 3000` leaves the VOSRDY wait loop (RM0399 §6.8.6: VOSRDY
 * follows a VOS change after the regulator settles), with the CM4 running on its own debugger. */
static void test_stepi_leaves_the_vosrdy_wait_loop(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("boot_cm7.elf"), h7t_fw("boot_cm4.elf"), "--gdb-wait --gdb-halt=all");
    int fd4 = connect_to(s.port + 1);
    assert_non_null(strstr(rsp(fd4, "?"), "T"));
    rsp_send(fd4, "c");
    static char brk[64], in_loop[32];
    snprintf(in_loop, sizeof in_loop, "Line %d of", boot_line(VOSRDY_LOOP));
    const char *cmds[] = {BREAK_AT(brk, VOSRDY_LOOP), "continue", "print/x *(unsigned *)0x58024818 & 0x2000", "stepi 3000",
                          "print/x *(unsigned *)0x58024818 & 0x2000", "info line *$pc", NULL};
    const char *out = gdb(s.port, h7t_fw("boot_cm7.elf"), cmds);
    expect_in(out, "Breakpoint 1, ");
    expect_in(out, "$1 = 0x0");
    expect_in(out, "$2 = 0x2000");
    if (strstr(strstr(out, "$2 = "), in_loop))
        fail_msg("still in the VOSRDY loop after 3000 steps:\n%s", out);
    close(fd4);
    assert_int_equal(stop_server(&s), 0);
}

/* `next` over the CubeMX D2CKRDY handshake while the CM4 runs and time is held by the halted CM7
 * (--gdb-halt=all): each stepped instruction gives the CM4 its time, so it reaches D2 Stop and
 * the wait ends without the timeout (no Error_Handler). */
static void test_next_over_d2ckrdy_handshake_with_cm4_running(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("boot_cm7.elf"), h7t_fw("boot_cm4.elf"), "--gdb-wait --gdb-halt=all");
    int fd4 = connect_to(s.port + 1);
    assert_non_null(strstr(rsp(fd4, "?"), "T"));
    rsp_send(fd4, "c");
    static char brk[64];
    const char *cmds[] = {BREAK_AT(brk, D2STOP_LOOP), "continue", "next", "next", "print g_timeout > 0", "info line *$pc", NULL};
    const char *out = gdb(s.port, h7t_fw("boot_cm7.elf"), cmds);
    expect_in(out, "Breakpoint 1, ");
    expect_in(out, "$1 = 1");
    if (strstr(out, "Error_Handler"))
        fail_msg("the handshake timed out under the debugger:\n%s", out);
    close(fd4);
    assert_int_equal(stop_server(&s), 0);
}

/* FPB limits: 8 hardware breakpoints on the CM7, 6 on the CM4; the next one gets gdb's usual
 * refusal. */
static void test_hardware_breakpoints_limited_like_the_fpb(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), h7t_fw("systick_cm4.elf"), NULL);
    for (int core = 0; core < 2; core++) {
        int limit = core == 0 ? 8 : 6;
        const char *cmds[16];
        static char bp[12][40];
        int n = 0;
        for (int i = 0; i <= limit; i++) {
            snprintf(bp[i], sizeof bp[i], "hbreak *0x%08x", (core ? 0x08100300u : 0x08000300u) + 2u * (unsigned)i);
            cmds[n++] = bp[i];
        }
        cmds[n++] = "stepi";
        cmds[n++] = "delete";
        cmds[n] = NULL;
        const char *out = gdb(s.port + core, h7t_fw(core ? "systick_cm4.elf" : "systick_cm7.elf"), cmds);
        char refused[64];
        snprintf(refused, sizeof refused, "Cannot insert hardware breakpoint %d.", limit + 1);
        expect_in(out, refused);
        snprintf(refused, sizeof refused, "Cannot insert hardware breakpoint %d.", limit);
        if (strstr(out, refused))
            fail_msg("breakpoint %d refused too:\n%s", limit, out);
    }
    assert_int_equal(stop_server(&s), 0);
}

/* Sessions come and go; the server stays until the run ends. */
static void test_detach_kill_and_dropped_socket_then_reattach(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    const char *c1[] = {"detach", NULL};
    expect_in(gdb(s.port, h7t_fw("systick_cm7.elf"), c1), "detached");
    const char *c2[] = {"kill", NULL};
    gdb(s.port, h7t_fw("systick_cm7.elf"), c2);
    int fd = connect_to(s.port);   /* a dropped socket */
    rsp(fd, "?");
    close(fd);
    /* extended-remote: kill resets and halts the target, the connection stays */
    char again[64];
    snprintf(again, sizeof again, "target extended-remote 127.0.0.1:%d", s.port);
    const char *c3[] = {"kill", again, "info registers pc", "detach", NULL};
    g_extended = true;
    const char *o3 = gdb(s.port, h7t_fw("systick_cm7.elf"), c3);
    g_extended = false;
    expect_in(o3, "pc             0x");
    const char *c4[] = {"info registers pc", "print g_ticks", "detach", NULL};
    const char *out = gdb(s.port, h7t_fw("systick_cm7.elf"), c4);
    expect_in(out, "pc             0x");
    expect_in(out, "$1 = ");
    assert_int_equal(stop_server(&s), 0);
}

/* The sequences cortex-debug sends (extended-remote, monitor halt, monitor reset halt, load,
 * tbreak main, continue, stepi); load goes through vFlashErase/vFlashWrite (memory map). */
static void test_cortex_debug_launch_sequence(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    g_extended = true;
    const char *cmds[] = {"monitor halt", "monitor reset halt", "flushregs", "info mem", "load", "compare-sections",
                          "tbreak main", "continue", "stepi", "info registers pc", "monitor mdw 0x08000000 2",
                          "monitor frobnicate", "detach", NULL};
    const char *out = gdb(s.port, h7t_fw("systick_cm7.elf"), cmds);
    g_extended = false;
    expect_in(out, "flash blocksize 0x20000");
    expect_in(out, "Start address 0x");
    expect_in(out, "matched");
    if (strstr(out, "MIS-MATCHED"))
        fail_msg("compare-sections after load:\n%s", out);
    expect_in(out, "Temporary breakpoint 1, main");
    expect_in(out, "0x08000000: ");
    expect_in(out, "unknown monitor command 'frobnicate'");
    assert_int_equal(stop_server(&s), 0);
}

/* Memory, register and breakpoint packets of a dead target get E01 (not text gdb cannot parse);
 * X writes binary data; the RCC same-address registers read the CM7's C1 bank on its port. */
static void test_error_replies_binary_writes_and_rcc_bank_view(void **state)
{
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    int fd = connect_to(s.port);
    rsp(fd, "?");
    assert_string_equal(rsp(fd, "X24000000,4:\x7d\x03\x01\x02\x03"), "OK");   /* }# escaped: 0x23 */
    assert_string_equal(rsp(fd, "m24000000,4"), "23010203");
    assert_string_equal(rsp(fd, "X24000000,0:"), "OK");
    char c1[16];
    snprintf(c1, sizeof c1, "%s", rsp(fd, "m58024540,4"));             /* RCC_C1_AHB4ENR */
    assert_string_equal(rsp(fd, "m580244e0,4"), c1);                    /* RCC_AHB4ENR on the CM7 port */
    assert_non_null(strstr(rsp(fd, "qXfer:memory-map:read::0,fff"), "blocksize"));
    rsp(fd, "D");
    close(fd);
    assert_int_equal(stop_server(&s), 0);
}

/* RM0399 §7.4: the LDO firmware on the direct-SMPS Nucleo. A watchpoint on PWR_CR3 stops the CM7
 * at the store that breaks the rule, with the diagnosis on the console; the lock follows on
 * continue, with its one-line summary before the link drops. */
static void test_watchpoint_on_pwr_cr3_stops_before_the_lock(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("boot_ldo480_cm7.elf"), h7t_fw("boot_ldo480_cm4.elf"), "--gdb-wait");
    int fd4 = connect_to(s.port + 1);
    assert_non_null(strstr(rsp(fd4, "?"), "T"));
    rsp_send(fd4, "c");
    const char *cmds[] = {"watch *(volatile unsigned *)0x5802480C", "continue", "bt", "continue", NULL};
    const char *out = gdb(s.port, h7t_fw("boot_ldo480_cm7.elf"), cmds);
    expect_in(out, "stopped at the access that breaks the board rule");
    expect_in(out, "PWR-SUPPLY-MISMATCH at 0x");
    expect_in(out, "-- fix: use PWR_DIRECT_SMPS_SUPPLY");
    expect_in(out, "Old value = 6");
    expect_in(out, "New value = 2");
    expect_in(out, "in SystemClock_Config ()");
    const char *locked = strstr(out, "DEVICE LOCKED");
    if (!locked || locked < strstr(out, "New value = 2"))
        fail_msg("the lock did not follow the continue:\n%s", out);
    expect_in(locked, "FAILED to reset/halt the target MCU");
    close(fd4);
    stop_server(&s);
}

/* Without a watchpoint the diagnosis reaches the GDB console before the link drops. */
static void test_lock_diagnosis_reaches_the_gdb_console(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("boot_exitrun0_ldo_cm7.elf"), NULL, "--gdb-wait");   /* LDO in Reset_Handler */
    const char *cmds[] = {"continue", "info registers pc", NULL};
    const char *out = gdb(s.port, h7t_fw("boot_exitrun0_ldo_cm7.elf"), cmds);
    expect_in(out, "DEVICE LOCKED (core supply lost, debug link lost): rule PWR-SUPPLY-MISMATCH (RM0399");
    expect_in(out, "-- fix: ");
    expect_in(out, "FAILED to reset/halt the target MCU");
    stop_server(&s);
}

/* Recovery as on the bench, then `load` programs the flash through vFlashErase/vFlashWrite:
 * compare-sections matches and the next power cycle boots the loaded firmware. */
static void test_load_after_boot0_recovery_programs_the_flash(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("boot_ldo480_cm7.elf"), NULL, NULL);
    int fd = connect_to(s.port);   /* the firmware locks the device within microseconds */
    rsp(fd, "?");
    close(fd);
    const char *cmds[] = {"monitor boot0 1", "monitor power-cycle", "monitor erase", "load", "compare-sections",
                          "monitor boot0 0", "monitor power-cycle", "flushregs", "tbreak main", "continue",
                          "print g_ticks", "detach", NULL};
    const char *out = gdb(s.port, h7t_fw("systick_cm7.elf"), cmds);
    expect_in(out, "mass erase done");
    expect_in(out, "Start address 0x");
    expect_in(out, "Section .text, range");
    expect_in(out, "matched.");
    if (strstr(out, "MIS-MATCHED"))
        fail_msg("compare-sections after load:\n%s", out);
    expect_in(out, "Temporary breakpoint 1, main ()");
    assert_int_equal(stop_server(&s), 0);
}

/* A halt cuts a scheduling window short while the other core has not caught up: the printed
 * timeline still never goes back in time (the other core's later events are not printed before
 * the earlier ones it produces once it runs again). */
static void test_timeline_never_goes_back_across_halts(void **state)
{
    if (!have_gdb())
        skip();
    char trace[64], extra[128];
    snprintf(trace, sizeof trace, "/tmp/h7emu_gdb_trace_%d.txt", (int)getpid());
    snprintf(extra, sizeof extra, "--gdb-wait --gdb-halt=all --trace %s", trace);
    server s = start_server(h7t_fw("boot_cm7.elf"), h7t_fw("boot_cm4.elf"), extra);
    int fd4 = connect_to(s.port + 1);
    assert_non_null(strstr(rsp(fd4, "?"), "T"));
    rsp_send(fd4, "c");
    /* the VOSRDY wait follows the PWR_D3CR.VOS write (a traced event of the CM7) */
    static char brk[64];
    const char *cmds[] = {BREAK_AT(brk, VOSRDY_LOOP), "continue", "delete", "break uart_print", "continue", "continue",
                          "detach", NULL};
    expect_in(gdb(s.port, h7t_fw("boot_cm7.elf"), cmds), "Breakpoint 2, uart_print");
    close(fd4);
    assert_int_equal(stop_server(&s), 0);
    FILE *f = fopen(trace, "r");
    assert_non_null(f);
    char line[512], prev_line[512] = "";
    double prev = -1;
    unsigned n = 0;
    while (fgets(line, sizeof line, f)) {
        double t;
        if (sscanf(line, "%lf us", &t) != 1)
            continue;
        if (t < prev)
            fail_msg("timeline goes back:\n%s%s", prev_line, line);
        prev = t;
        snprintf(prev_line, sizeof prev_line, "%s", line);
        n++;
    }
    fclose(f);
    unlink(trace);
    assert_true(n > 10);
}

/* Read and access watchpoints report themselves as such (rwatch:/awatch: stop replies), so gdb
 * names the kind that fired. */
static void test_read_and_access_watchpoints_report_their_kind(void **state)
{
    if (!have_gdb())
        skip();
    server s = start_server(h7t_fw("systick_cm7.elf"), NULL, NULL);
    const char *cmds[] = {"rwatch g_ticks", "continue", "delete", "awatch g_ticks", "continue", "delete", "detach", NULL};
    const char *out = gdb(s.port, h7t_fw("systick_cm7.elf"), cmds);
    expect_in(out, "Hardware read watchpoint 1: g_ticks\n\nValue = ");
    /* the handler's read and write of g_ticks are in one block: gdb sees the value changed */
    if (!strstr(out, "Hardware access (read/write) watchpoint 2: g_ticks\n\nValue = ") &&
        !strstr(out, "Hardware access (read/write) watchpoint 2: g_ticks\n\nOld value = "))
        fail_msg("no access watchpoint stop:\n%s", out);
    assert_int_equal(stop_server(&s), 0);
}

/* DBGMCU freeze over the GDB server (RM0399 §63.5): with the CM7 halted by the debugger and the
 * CM4 running on (the default --gdb-halt=core), TIM6 keeps counting until the debugger sets
 * APB1LFZ1.DBG_TIM6; from then on its counter stands still while the CM7 stays halted. */
static uint32_t rsp_word(int fd, uint32_t addr)
{
    char q[32];
    snprintf(q, sizeof q, "m%x,4", addr);
    unsigned b[4] = {0};
    assert_int_equal(sscanf(rsp(fd, q), "%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3]), 4);
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static void test_dbgmcu_freeze_stops_tim6_while_the_cm7_is_halted(void **state)
{
    server s = start_server(h7t_fw("timebase_cm7.elf"), h7t_fw("timebase_cm4.elf"), NULL);
    int fd = connect_to(s.port);
    assert_non_null(strstr(rsp(fd, "?"), "T"));
    rsp_send(fd, "c");
    usleep(300000);                                   /* the firmware starts its TIM6 time base */
    send(fd, "\x03", 1, 0);
    assert_non_null(strstr(rsp_reply(fd, 5000, NULL, 0), "T02"));
    const uint32_t cnt = 0x40001024u, tries = 5;
    bool moved = false;
    for (uint32_t i = 0; i < tries && !moved; i++) {   /* the CM4 runs: time goes on */
        uint32_t a = rsp_word(fd, cnt);
        usleep(100000);
        moved = rsp_word(fd, cnt) != a;
    }
    assert_true(moved);
    assert_string_equal(rsp(fd, "M5c00103c,4:10000000"), "OK");   /* APB1LFZ1 = DBG_TIM6 */
    uint32_t frozen = rsp_word(fd, cnt);
    for (int i = 0; i < 3; i++) {
        usleep(100000);
        assert_int_equal(rsp_word(fd, cnt), frozen);
    }
    rsp(fd, "D");
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
        cmocka_unit_test(test_step_after_ctrl_c_on_both_cores),
        cmocka_unit_test(test_three_consecutive_watch_hits_on_systick_counter),
        cmocka_unit_test(test_stepi_leaves_the_vosrdy_wait_loop),
        cmocka_unit_test(test_next_over_d2ckrdy_handshake_with_cm4_running),
        cmocka_unit_test(test_hardware_breakpoints_limited_like_the_fpb),
        cmocka_unit_test(test_detach_kill_and_dropped_socket_then_reattach),
        cmocka_unit_test(test_cortex_debug_launch_sequence),
        cmocka_unit_test(test_error_replies_binary_writes_and_rcc_bank_view),
        cmocka_unit_test(test_watchpoint_on_pwr_cr3_stops_before_the_lock),
        cmocka_unit_test(test_lock_diagnosis_reaches_the_gdb_console),
        cmocka_unit_test(test_load_after_boot0_recovery_programs_the_flash),
        cmocka_unit_test(test_timeline_never_goes_back_across_halts),
        cmocka_unit_test(test_gdb_wait_survives_a_port_probe),
        cmocka_unit_test(test_read_and_access_watchpoints_report_their_kind),
        cmocka_unit_test(test_dbgmcu_freeze_stops_tim6_while_the_cm7_is_halted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

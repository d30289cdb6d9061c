/* GDB remote serial protocol (GDB manual, appendix E "Remote Protocol"): packets $data#cs with
 * '+'/'-' acks (QStartNoAckMode), Ctrl-C as a raw 0x03. Buffers are bounded; a malformed packet
 * gets a '-' or an empty/error reply, never a crash or a hang. */
#include "gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu.h"

#define PKT_MAX 4096               /* PacketSize we announce (hex payload) */
#define INBUF_MAX (PKT_MAX + 64)
#define ST_LINK_MSG "The interface firmware FAILED to reset/halt the target MCU"
#define SLICE_PS (200 * H7_PS_PER_US)

typedef struct client {
    int fd;
    h7_core_id core;
    bool noack;
    bool waiting;              /* a c/s was sent: a stop reply is owed */
    bool extended;             /* `target extended-remote` ('!') */
    bool told_held;            /* the "time is held by the other debugger" notice was sent */
    h7_gdb_maskisr maskisr;
    uint32_t hw_bps[16];       /* Z1 addresses (FPB comparators in use) */
    unsigned nhw_bps;
    char in[INBUF_MAX];
    size_t inlen;
} client;

typedef struct server {
    h7_machine *m;
    h7_gdb_options opt;
    int lfd[H7_NCORES];
    client cl[H7_NCORES];
    bool awaiting_debugger[H7_NCORES];   /* --gdb-wait: this core is held until its debugger attaches */
    bool lock_reported;   /* the sessions open when the device locked were told */
} server;

/* SIGINT/SIGTERM end the run (the server stays up until then). */
static volatile sig_atomic_t g_stop_signal;
static void on_stop_signal(int sig) { g_stop_signal = sig; }

/* ------------------------------------------------------------------ target description */

static const char *target_xml(h7_core_id core)
{
    (void)core;
    return "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
           "<target version=\"1.0\"><architecture>arm</architecture>\n"
           "<feature name=\"org.gnu.gdb.arm.m-profile\">\n"
           "<reg name=\"r0\" bitsize=\"32\" regnum=\"0\"/><reg name=\"r1\" bitsize=\"32\"/><reg name=\"r2\" bitsize=\"32\"/>"
           "<reg name=\"r3\" bitsize=\"32\"/><reg name=\"r4\" bitsize=\"32\"/><reg name=\"r5\" bitsize=\"32\"/>"
           "<reg name=\"r6\" bitsize=\"32\"/><reg name=\"r7\" bitsize=\"32\"/><reg name=\"r8\" bitsize=\"32\"/>"
           "<reg name=\"r9\" bitsize=\"32\"/><reg name=\"r10\" bitsize=\"32\"/><reg name=\"r11\" bitsize=\"32\"/>"
           "<reg name=\"r12\" bitsize=\"32\"/><reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>"
           "<reg name=\"lr\" bitsize=\"32\"/><reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>"
           "<reg name=\"xpsr\" bitsize=\"32\" regnum=\"16\"/>\n</feature>\n"
           "<feature name=\"org.gnu.gdb.arm.m-system\">\n"
           "<reg name=\"msp\" bitsize=\"32\" regnum=\"17\" type=\"data_ptr\"/><reg name=\"psp\" bitsize=\"32\" type=\"data_ptr\"/>"
           "<reg name=\"primask\" bitsize=\"8\"/><reg name=\"basepri\" bitsize=\"8\"/><reg name=\"faultmask\" bitsize=\"8\"/>"
           "<reg name=\"control\" bitsize=\"8\"/>\n</feature>\n"
           "<feature name=\"org.gnu.gdb.arm.vfp\">\n"
           "<reg name=\"d0\" bitsize=\"64\" type=\"ieee_double\" regnum=\"23\"/><reg name=\"d1\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"d2\" bitsize=\"64\" type=\"ieee_double\"/><reg name=\"d3\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"d4\" bitsize=\"64\" type=\"ieee_double\"/><reg name=\"d5\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"d6\" bitsize=\"64\" type=\"ieee_double\"/><reg name=\"d7\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"d8\" bitsize=\"64\" type=\"ieee_double\"/><reg name=\"d9\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"d10\" bitsize=\"64\" type=\"ieee_double\"/><reg name=\"d11\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"d12\" bitsize=\"64\" type=\"ieee_double\"/><reg name=\"d13\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"d14\" bitsize=\"64\" type=\"ieee_double\"/><reg name=\"d15\" bitsize=\"64\" type=\"ieee_double\"/>"
           "<reg name=\"fpscr\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n</feature>\n</target>\n";
}

/* Register numbers of target_xml: 0-15 r0-pc, 16 xpsr, 17 msp, 18 psp, 19 primask, 20 basepri,
 * 21 faultmask, 22 control, 23-38 d0-d15, 39 fpscr. */
#define NREGS 40

static int reg_size(int n) { return n >= 23 && n <= 38 ? 8 : (n >= 19 && n <= 22 ? 1 : 4); }

static int uc_reg_of(int n)
{
    static const int gpr[16] = {
        UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,
        UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11, UC_ARM_REG_R12,
        UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};
    static const int sys[7] = {UC_ARM_REG_XPSR, UC_ARM_REG_MSP, UC_ARM_REG_PSP, UC_ARM_REG_PRIMASK,
                               UC_ARM_REG_BASEPRI, UC_ARM_REG_FAULTMASK, UC_ARM_REG_CONTROL};
    if (n < 16)
        return gpr[n];
    if (n < 23)
        return sys[n - 16];
    if (n < 39)
        return UC_ARM_REG_D0 + (n - 23);
    return UC_ARM_REG_FPSCR;
}

static uint64_t reg_get(h7_cpu *c, int n)
{
    uint64_t v = 0;
    uc_reg_read(c->uc, uc_reg_of(n), &v);
    if (reg_size(n) == 4)
        v &= 0xFFFFFFFFu;
    else if (reg_size(n) == 1)
        v &= 0xFFu;
    return v;
}

static void reg_set(h7_cpu *c, int n, uint64_t v)
{
    if (n == 15)
        v |= 1u;   /* Thumb */
    if (reg_size(n) == 8) {
        uc_reg_write(c->uc, uc_reg_of(n), &v);
    } else {
        uint32_t w = (uint32_t)v;
        uc_reg_write(c->uc, uc_reg_of(n), &w);
    }
}

/* ------------------------------------------------------------------ memory as the debugger sees it */

/* ------------------------------------------------------------------ packets */

static const char hexd[] = "0123456789abcdef";

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool parse_hex(const char **p, uint64_t *out)
{
    uint64_t v = 0;
    int n = 0, d;
    while ((d = hexval(**p)) >= 0 && n < 16) {
        v = v << 4 | (uint64_t)d;
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0;
}

static void send_raw(client *c, const char *s, size_t len)
{
    while (len && c->fd >= 0) {
        ssize_t w = send(c->fd, s, len, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            close(c->fd);
            c->fd = -1;
            return;
        }
        s += w;
        len -= (size_t)w;
    }
}

static void send_packet(client *c, const char *data)
{
    size_t n = strlen(data);
    char *buf = malloc(n + 5);
    if (!buf)
        return;
    unsigned sum = 0;
    buf[0] = '$';
    for (size_t i = 0; i < n; i++) {
        buf[1 + i] = data[i];
        sum += (unsigned char)data[i];
    }
    buf[n + 1] = '#';
    buf[n + 2] = hexd[(sum >> 4) & 15];
    buf[n + 3] = hexd[sum & 15];
    send_raw(c, buf, n + 4);
    free(buf);
}

static void send_console(client *c, const char *text)
{
    size_t n = strlen(text);
    char *buf = malloc(2 * n + 2);
    if (!buf)
        return;
    buf[0] = 'O';
    for (size_t i = 0; i < n; i++) {
        buf[1 + 2 * i] = hexd[(unsigned char)text[i] >> 4];
        buf[2 + 2 * i] = hexd[(unsigned char)text[i] & 15];
    }
    buf[1 + 2 * n] = 0;
    send_packet(c, buf);
    free(buf);
}

/* ------------------------------------------------------------------ stop replies */

static bool is_hw_bp(const client *c, uint32_t addr)
{
    for (unsigned i = 0; i < c->nhw_bps; i++)
        if (c->hw_bps[i] == addr)
            return true;
    return false;
}

/* The stop reply names the kind of watchpoint that fired (Z2 watch, Z3 rwatch, Z4 awatch). */
static const char *watch_kind(const h7_cpu *cpu, uint32_t addr)
{
    for (unsigned i = 0; i < cpu->nwps; i++)
        if (addr >= cpu->wps[i].addr && addr - cpu->wps[i].addr < cpu->wps[i].len)
            return cpu->wps[i].type == 3 ? "rwatch" : cpu->wps[i].type == 4 ? "awatch" : "watch";
    return "watch";
}

/* The last rule violation on the GDB console: one line with what happened and the fix, one with
 * the rule and its citation. */
static void send_diagnosis(server *s, client *c)
{
    h7_machine *m = s->m;
    if (!m->sup.nviol)
        return;
    const h7_violation *v = &m->sup.viol[m->sup.nviol - 1];
    const h7_rule *r = &h7_rules[v->rule];
    char line[1200];
    snprintf(line, sizeof line, "h7emu: %s at %s: %s -- fix: %s\n", r->id, v->has_core ? v->where : "?", v->detail, v->fix);
    send_console(c, line);
    snprintf(line, sizeof line, "h7emu: rule %s (%s): %s\n", r->id, r->citation, r->statement);
    send_console(c, line);
}

static void send_stop(server *s, client *c)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    char buf[64];
    if (s->m->lock_pending && cpu->state == H7_CPU_HALTED && cpu->halt_reason != H7_HALT_STEP) {
        send_diagnosis(s, c);
        send_console(c, "h7emu: stopped at the access that breaks the board rule; the device locks (core supply "
                        "lost, link lost) when you continue or step\n");
    }
    if (cpu->halt_reason == H7_HALT_WATCHPOINT)
        snprintf(buf, sizeof buf, "T05%s:%08x;thread:1;", watch_kind(cpu, cpu->halt_addr), cpu->halt_addr);
    else if (cpu->halt_reason == H7_HALT_BREAKPOINT)
        snprintf(buf, sizeof buf, "T05%s:;thread:1;", is_hw_bp(c, cpu->halt_addr) ? "hwbreak" : "swbreak");
    else if (cpu->halt_reason == H7_HALT_REQUEST)
        snprintf(buf, sizeof buf, "T02thread:1;");
    else
        snprintf(buf, sizeof buf, "T05thread:1;");
    c->waiting = false;
    send_packet(c, buf);
}

/* ------------------------------------------------------------------ time */

/* --gdb-halt=all: the core whose debugger holds virtual time (halted with a session), or -1. */
static int time_holder(server *s)
{
    if (s->opt.halt_mode != H7_GDB_HALT_ALL)
        return -1;
    for (int k = 0; k < H7_NCORES; k++)
        if (s->cl[k].fd >= 0 && s->m->cpu[k].state == H7_CPU_HALTED)
            return k;
    return -1;
}

static bool core_executes(const h7_cpu *c)
{
    return c->state == H7_CPU_RUNNING || c->state == H7_CPU_SLEEP_WFI || c->state == H7_CPU_SLEEP_WFE;
}

static bool machine_may_run(server *s)
{
    if (time_holder(s) >= 0 || s->m->lock_pending)
        return false;   /* lock_pending: the world stands still at the access until the user goes on */
    /* --gdb-wait: while every core that has firmware waits for its debugger (or is halted),
     * nothing runs and time does not move (debug from the first instruction). */
    bool awaiting = false, other = false;
    for (int k = 0; k < H7_NCORES; k++) {
        if (s->awaiting_debugger[k])
            awaiting = true;
        else if (core_executes(&s->m->cpu[k]))
            other = true;
    }
    return !awaiting || other;
}

static bool any_halted_session(server *s)
{
    for (int k = 0; k < H7_NCORES; k++)
        if (s->cl[k].fd >= 0 && s->m->cpu[k].state == H7_CPU_HALTED)
            return true;
    return false;
}

/* --gdb-wait: a core stays halted until its own debugger attaches (also across resets). */
static void hold_awaiting_cores(server *s)
{
    for (int k = 0; k < H7_NCORES; k++)
        if (s->awaiting_debugger[k] && core_executes(&s->m->cpu[k]))
            h7_cpu_halt(&s->m->cpu[k], H7_HALT_REQUEST);
}

/* Bring the machine up to a stepped core's local time: peripherals, events (PLL lock, VOS ready,
 * SysTick) and the other core advance by the cycles the step took, in every halt mode. */
static void advance_machine_to(server *s, h7_cpu *cpu)
{
    h7_machine *m = s->m;
    h7_time_ps t = h7_cpu_local_time(cpu);
    if (t > m->time && !m->locked && !m->lock_pending) {
        h7_machine_run_for(m, t - m->time);
        m->stop_requested = false;
    }
}

/* A client waits for a stop reply but its core cannot run because the other core's debugger
 * holds virtual time: say so once on its console instead of stalling silently. */
static void tell_held_clients(server *s)
{
    int holder = time_holder(s);
    for (int k = 0; k < H7_NCORES; k++) {
        client *c = &s->cl[k];
        int other = 1 - k;
        bool held = holder >= 0 && holder != k;
        bool awaiting = s->awaiting_debugger[other];
        if (c->fd < 0 || !c->waiting || (!held && !awaiting)) {
            if (!held && !awaiting)
                c->told_held = false;
            continue;
        }
        if (c->told_held)
            continue;
        char msg[200];
        if (held)
            snprintf(msg, sizeof msg,
                     "h7emu: the %s waits: the %s's debugger holds virtual time (--gdb-halt=all); continue the %s "
                     "or serve with --gdb-halt=core\n",
                     h7_core_name((h7_core_id)k), h7_core_name((h7_core_id)other), h7_core_name((h7_core_id)other));
        else
            snprintf(msg, sizeof msg, "h7emu: note: the %s is held until its debugger attaches (--gdb-wait, port %d)\n",
                     h7_core_name((h7_core_id)other), s->opt.port + other);
        send_console(c, msg);
        c->told_held = true;
    }
}

/* ------------------------------------------------------------------ sessions */

static void clear_debug_units(server *s, client *c)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    while (cpu->nbps)
        h7_cpu_set_breakpoint(cpu, cpu->bps[0].addr, false);
    while (cpu->nwps)
        h7_cpu_set_watchpoint(cpu, cpu->wps[0].addr, cpu->wps[0].len, cpu->wps[0].type, false);
    c->nhw_bps = 0;
}

/* The session ends (detach, kill, dropped socket): breakpoints go, the core runs on. The server
 * stays up and accepts the next connection. */
static void drop_client(server *s, client *c, const char *why)
{
    if (c->fd < 0)
        return;
    h7_machine_trace(s->m, "debug", "%s debugger %s", h7_core_name(c->core), why);
    close(c->fd);
    c->fd = -1;
    c->inlen = 0;
    c->waiting = false;
    clear_debug_units(s, c);
    h7_machine_apply_pending_lock(s->m);
    if (!s->awaiting_debugger[c->core])   /* a port probe does not release a --gdb-wait hold */
        h7_cpu_resume(&s->m->cpu[c->core]);
}

/* System reset; with `halt`, every core that has a debugger stops at its reset vector. */
static void reset_target(server *s, bool halt)
{
    h7_machine *m = s->m;
    h7_machine_system_reset(m, H7_CM7, false);
    if (halt)
        for (int k = 0; k < H7_NCORES; k++)
            if (s->cl[k].fd >= 0)
                h7_cpu_halt(&m->cpu[k], H7_HALT_REQUEST);
    hold_awaiting_cores(s);
}

/* ------------------------------------------------------------------ memory as the debugger sees it */

/* RCC "same address" registers (RCC+0x0D0..0x11F, RM0399 §9.7.1) are banked per CPU: a debugger
 * on a core's access port sees that core's bank (C1 at +0x130 for the CM7, C2 at +0x190 for the
 * CM4), as the CPU itself does. */
#define RCC_SAME_LO 0x580244D0u
#define RCC_SAME_HI 0x58024520u

static uint32_t port_view(const client *c, uint32_t addr)
{
    if (addr >= RCC_SAME_LO && addr < RCC_SAME_HI)
        return addr + (c->core == H7_CM7 ? 0x60u : 0xC0u);
    return addr;
}

static bool dbg_read(server *s, client *c, uint32_t addr, uint8_t *b)
{
    return h7_machine_debug_read_byte(s->m, c->core, port_view(c, addr), b);
}

static bool dbg_write(server *s, client *c, uint32_t addr, const uint8_t *buf, size_t len)
{
    if (addr >= RCC_SAME_LO - 3 && addr < RCC_SAME_HI)
        addr = port_view(c, addr);
    return h7_machine_debug_write(s->m, c->core, addr, buf, len);
}

static bool dbg_read_word(server *s, client *c, uint32_t addr, unsigned size, uint32_t *v)
{
    *v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint8_t b;
        if (!dbg_read(s, c, addr + i, &b))
            return false;
        *v |= (uint32_t)b << (8 * i);
    }
    return true;
}

static bool in_flash(uint32_t addr, uint64_t len)
{
    return addr >= H7_FLASH_BASE && (uint64_t)addr - H7_FLASH_BASE + len <= H7_FLASH_SIZE;
}

#define SECTOR_SIZE 0x20000u   /* 128 KiB flash sectors, 8 per bank (RM0399 §4.3.1) */

/* Erase the sectors covering [addr, addr+len) through the debug port (reads 0xFF afterwards). */
static bool flash_erase(server *s, client *c, uint32_t addr, uint32_t len)
{
    if (!len || !in_flash(addr, len))
        return false;
    static uint8_t ff[4096];
    memset(ff, 0xFF, sizeof ff);
    uint32_t lo = addr & ~(SECTOR_SIZE - 1), hi = (uint32_t)(((uint64_t)addr + len + SECTOR_SIZE - 1) & ~(uint64_t)(SECTOR_SIZE - 1));
    for (uint32_t a = lo; a < hi; a += sizeof ff)
        if (!h7_machine_debug_write(s->m, c->core, a, ff, sizeof ff))
            return false;
    h7_machine_trace(s->m, "debug", "flash erase 0x%08X..0x%08X (%u sector(s))", lo, hi - 1, (hi - lo) / SECTOR_SIZE);
    return true;
}

/* ------------------------------------------------------------------ monitor commands */

static void console_printf(client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void console_printf(client *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    send_console(c, buf);
}

static const char monitor_help[] =
    "halt | resume | reset [halt|init|run] | power-cycle\n"
    "mdw|mdh|mdb ADDR [COUNT] | mww|mwh|mwb ADDR VALUE [COUNT]\n"
    "erase | flash erase_address ADDR LEN | flash erase_sector BANK FIRST LAST | stm32h7x mass_erase BANK\n"
    "boot0 0|1 | maskisr [on|off|auto]\n"
    "after reset halt / power-cycle run `flushregs` (gdb caches the registers)\n";

static bool parse_num(const char *s, uint32_t *v)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(s, &end, 0);
    if (errno || end == s || *end || x > 0xFFFFFFFFul)
        return false;
    *v = (uint32_t)x;
    return true;
}

static void mon_md(server *s, client *c, unsigned size, int argc, char **argv)
{
    uint32_t addr, count = 1;
    if (argc < 2 || !parse_num(argv[1], &addr) || (argc > 2 && !parse_num(argv[2], &count)) || count > 1024) {
        console_printf(c, "usage: %s ADDR [COUNT]\n", argv[0]);
        send_packet(c, "E01");
        return;
    }
    char line[256];
    int n = 0;
    unsigned per_line = 32 / size;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t a = addr + i * size, v;
        if (i % per_line == 0)
            n = snprintf(line, sizeof line, "0x%08x:", a);
        if (!dbg_read_word(s, c, a, size, &v)) {
            console_printf(c, "%s\nError: cannot read 0x%08x\n", line, a);
            send_packet(c, "E01");
            return;
        }
        n += snprintf(line + n, sizeof line - (size_t)n, " %0*x", (int)(2 * size), v);
        if (i % per_line == per_line - 1 || i + 1 == count)
            console_printf(c, "%s\n", line);
    }
    send_packet(c, "OK");
}

static void mon_mw(server *s, client *c, unsigned size, int argc, char **argv)
{
    uint32_t addr, v, count = 1;
    if (argc < 3 || !parse_num(argv[1], &addr) || !parse_num(argv[2], &v) || (argc > 3 && !parse_num(argv[3], &count)) ||
        count > 65536) {
        console_printf(c, "usage: %s ADDR VALUE [COUNT]\n", argv[0]);
        send_packet(c, "E01");
        return;
    }
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    for (uint32_t i = 0; i < count; i++)
        if (!dbg_write(s, c, addr + i * size, b, size)) {
            console_printf(c, "Error: cannot write 0x%08x\n", addr + i * size);
            send_packet(c, "E01");
            return;
        }
    send_packet(c, "OK");
}

static void mon_flash(server *s, client *c, int argc, char **argv)
{
    uint32_t a, b, e;
    if (argc == 4 && !strcmp(argv[1], "erase_address") && parse_num(argv[2], &a) && parse_num(argv[3], &b)) {
        if (!flash_erase(s, c, a, b)) {
            console_printf(c, "Error: 0x%08x + %u is not inside the flash (0x%08x, 2 MiB)\n", a, b, H7_FLASH_BASE);
            send_packet(c, "E01");
            return;
        }
        console_printf(c, "erased address 0x%08x (length %u)\n", a, b);
        send_packet(c, "OK");
    } else if (argc == 5 && !strcmp(argv[1], "erase_sector") && parse_num(argv[2], &b) && parse_num(argv[3], &a) &&
               parse_num(argv[4], &e) && b < 2 && a <= e && e < 8) {
        flash_erase(s, c, H7_FLASH_BASE + b * 0x100000u + a * SECTOR_SIZE, (e - a + 1) * SECTOR_SIZE);
        console_printf(c, "erased sectors %u through %u on flash bank %u\n", a, e, b);
        send_packet(c, "OK");
    } else {
        console_printf(c, "usage: flash erase_address ADDR LEN | flash erase_sector BANK FIRST LAST\n");
        send_packet(c, "E01");
    }
}

static void mon_reset(server *s, client *c, const char *how)
{
    bool halt = how && (!strcmp(how, "halt") || !strcmp(how, "init"));
    if (how && !halt && strcmp(how, "run")) {
        console_printf(c, "usage: reset [halt|init|run]\n");
        send_packet(c, "E01");
        return;
    }
    reset_target(s, halt);
    if (halt)
        console_printf(c, "target halted at its reset vector (pc 0x%08x); gdb still shows the old registers: "
                          "run `flushregs`\n", h7_cpu_pc(&s->m->cpu[c->core]) & ~1u);
    send_packet(c, "OK");
}

static void monitor(server *s, client *c, char *cmd)
{
    h7_machine *m = s->m;
    char msg[160];
    bool dead = !h7_machine_debug_link_ok(m, msg, sizeof msg);
    char *argv[8];
    int argc = 0;
    for (char *t = strtok(cmd, " \t"); t && argc < 8; t = strtok(NULL, " \t"))
        argv[argc++] = t;
    if (!argc) {
        send_console(c, monitor_help);
        send_packet(c, "OK");
        return;
    }
    const char *v = argv[0];
    /* OpenOCD spellings next to ours */
    if (!strcmp(v, "cortex_m") && argc >= 2 && !strcmp(argv[1], "maskisr")) {
        argv[1] = "maskisr";
        v = "maskisr";
        memmove(argv, argv + 1, sizeof argv[0] * (size_t)--argc);
    }
    if (!strcmp(v, "power-cycle")) {
        h7_machine_power_on(m);
        for (int k = 0; k < H7_NCORES; k++)
            if (s->cl[k].fd >= 0)
                h7_cpu_halt(&m->cpu[k], H7_HALT_REQUEST);
        hold_awaiting_cores(s);
        send_console(c, m->locked ? "power cycled: device locked again\n"
                                  : "power cycled; the cores are halted at their reset vectors: run `flushregs`\n");
        send_packet(c, "OK");
    } else if (!strcmp(v, "boot0") && argc == 2 && (!strcmp(argv[1], "0") || !strcmp(argv[1], "1"))) {
        h7_machine_set_boot0(m, argv[1][0] == '1');
        send_console(c, argv[1][0] == '1' ? "BOOT0 = 1 (takes effect at the next power cycle)\n" : "BOOT0 = 0\n");
        send_packet(c, "OK");
    } else if (!strcmp(v, "help")) {
        send_console(c, monitor_help);
        send_packet(c, "OK");
    } else if (!strcmp(v, "maskisr")) {
        if (argc == 2 && (!strcmp(argv[1], "on") || !strcmp(argv[1], "off") || !strcmp(argv[1], "auto")))
            c->maskisr = argv[1][1] == 'n' ? H7_GDB_MASKISR_ON : argv[1][1] == 'f' ? H7_GDB_MASKISR_OFF : H7_GDB_MASKISR_AUTO;
        else if (argc != 1) {
            send_console(c, "usage: maskisr [on|off|auto]\n");
            send_packet(c, "E01");
            return;
        }
        console_printf(c, "cortex_m interrupt mask %s\n",
                       c->maskisr == H7_GDB_MASKISR_ON ? "on" : c->maskisr == H7_GDB_MASKISR_OFF ? "off" : "auto");
        send_packet(c, "OK");
    } else if (!strcmp(v, "halt") || !strcmp(v, "resume") || !strcmp(v, "reset") || !strncmp(v, "md", 2) ||
               !strncmp(v, "mw", 2) || !strcmp(v, "erase") || !strcmp(v, "flash") || !strcmp(v, "stm32h7x")) {
        if (dead) {
            console_printf(c, "Error: %s\n", msg);
            send_packet(c, "E01");
        } else if (!strcmp(v, "halt")) {
            h7_cpu_halt(&m->cpu[c->core], H7_HALT_REQUEST);
            send_packet(c, "OK");
        } else if (!strcmp(v, "resume")) {
            h7_cpu_resume(&m->cpu[c->core]);
            send_packet(c, "OK");
        } else if (!strcmp(v, "reset")) {
            mon_reset(s, c, argc > 1 ? argv[1] : NULL);
        } else if (!strcmp(v, "mdw") || !strcmp(v, "mdh") || !strcmp(v, "mdb")) {
            mon_md(s, c, v[2] == 'w' ? 4 : v[2] == 'h' ? 2 : 1, argc, argv);
        } else if (!strcmp(v, "mww") || !strcmp(v, "mwh") || !strcmp(v, "mwb")) {
            mon_mw(s, c, v[2] == 'w' ? 4 : v[2] == 'h' ? 2 : 1, argc, argv);
        } else if (!strcmp(v, "erase") || (!strcmp(v, "stm32h7x") && argc == 2 && !strcmp(argv[1], "mass_erase"))) {
            h7_machine_debug_mass_erase(m, msg, sizeof msg);
            send_console(c, "mass erase done\n");
            send_packet(c, "OK");
        } else if (!strcmp(v, "stm32h7x") && argc == 3 && !strcmp(argv[1], "mass_erase") &&
                   (!strcmp(argv[2], "0") || !strcmp(argv[2], "1"))) {
            flash_erase(s, c, H7_FLASH_BASE + (argv[2][0] == '1' ? 0x100000u : 0), 0x100000u);
            console_printf(c, "stm32h7x mass erase of bank %s complete\n", argv[2]);
            send_packet(c, "OK");
        } else if (!strcmp(v, "flash")) {
            mon_flash(s, c, argc, argv);
        } else {
            console_printf(c, "Error: bad arguments for monitor command '%s' (see 'monitor help')\n", v);
            send_packet(c, "E01");
        }
    } else {
        console_printf(c, "Error: unknown monitor command '%s' (see 'monitor help')\n", v);
        send_packet(c, "E01");
    }
}

/* ------------------------------------------------------------------ queries */

/* The memory map (GDB manual "Memory Map Format"): the flash banks with their 128 KiB sectors, so
 * that `load` programs them with vFlashErase/vFlashWrite/vFlashDone; the RAMs, system memory,
 * the peripherals and the PPB as this core sees them. */
static size_t memory_map_xml(h7_core_id core, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "<?xml version=\"1.0\"?>\n<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB "
                                          "Memory Map V1.0//EN\" \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n<memory-map>\n");
    for (size_t i = 0; i < h7_mem_region_count && n < len; i++) {
        const h7_mem_region *r = &h7_mem_regions[i];
        if (!r->on_core[core])
            continue;
        if (r->kind == H7_MEM_FLASH) {
            for (uint32_t b = 0; b < r->size && n < len; b += 0x100000u)
                n += (size_t)snprintf(buf + n, len - n, "<memory type=\"flash\" start=\"0x%x\" length=\"0x100000\">"
                                                        "<property name=\"blocksize\">0x%x</property></memory>\n",
                                      r->base + b, SECTOR_SIZE);
        } else {
            n += (size_t)snprintf(buf + n, len - n, "<memory type=\"%s\" start=\"0x%x\" length=\"0x%x\"/>\n",
                                  r->kind == H7_MEM_ROM ? "rom" : "ram", r->base, r->size);
        }
    }
    if (n < len)
        n += (size_t)snprintf(buf + n, len - n, "<memory type=\"ram\" start=\"0x40000000\" length=\"0x20000000\"/>\n"
                                                "<memory type=\"ram\" start=\"0xe0000000\" length=\"0x100000\"/>\n"
                                                "</memory-map>\n");
    return n < len ? n : len - 1;
}

/* qXfer:...:read:ANNEX:OFFSET,LENGTH of a document. */
static void xfer_read(client *c, const char *doc, const char *args)
{
    uint64_t off = 0, len = 0;
    if (!parse_hex(&args, &off) || *args++ != ',' || !parse_hex(&args, &len)) {
        send_packet(c, "E01");
        return;
    }
    size_t total = strlen(doc);
    if (len > PKT_MAX - 2)
        len = PKT_MAX - 2;
    if (off >= total) {
        send_packet(c, "l");
        return;
    }
    size_t n = total - off < len ? total - off : len;
    char *buf = malloc(n + 2);
    if (!buf)
        return;
    buf[0] = off + n >= total ? 'l' : 'm';
    memcpy(buf + 1, doc + off, n);
    buf[n + 1] = 0;
    send_packet(c, buf);
    free(buf);
}

/* GDB's CRC-32 for qCRC (compare-sections): polynomial 0x04C11DB7, MSB first, initial 0xFFFFFFFF. */
static uint32_t gdb_crc32(uint32_t crc, uint8_t b)
{
    crc ^= (uint32_t)b << 24;
    for (int i = 0; i < 8; i++)
        crc = crc & 0x80000000u ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    return crc;
}

static void handle_crc(server *s, client *c, const char *p)
{
    uint64_t addr, len;
    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) || len > H7_FLASH_SIZE * 2) {
        send_packet(c, "E01");
        return;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (uint64_t i = 0; i < len; i++) {
        uint8_t b;
        if (!dbg_read(s, c, (uint32_t)(addr + i), &b)) {
            send_packet(c, "E01");
            return;
        }
        crc = gdb_crc32(crc, b);
    }
    char buf[16];
    snprintf(buf, sizeof buf, "C%08x", crc);
    send_packet(c, buf);
}

static bool target_dead(server *s, client *c);

static void handle_query(server *s, client *c, const char *p)
{
    if (!strncmp(p, "qSupported", 10)) {
        char buf[160];
        snprintf(buf, sizeof buf, "PacketSize=%x;qXfer:features:read+;qXfer:memory-map:read+;QStartNoAckMode+;"
                                  "swbreak+;hwbreak+;vContSupported+", PKT_MAX);
        send_packet(c, buf);
    } else if (!strncmp(p, "qXfer:features:read:target.xml:", 31)) {
        xfer_read(c, target_xml(c->core), p + 31);
    } else if (!strncmp(p, "qXfer:memory-map:read::", 23)) {
        static char map[4096];
        memory_map_xml(c->core, map, sizeof map);
        xfer_read(c, map, p + 23);
    } else if (!strncmp(p, "qCRC:", 5)) {
        if (!target_dead(s, c))
            handle_crc(s, c, p + 5);
    } else if (!strcmp(p, "QStartNoAckMode")) {
        send_packet(c, "OK");
        c->noack = true;
    } else if (!strcmp(p, "qAttached")) {
        send_packet(c, "1");
    } else if (!strcmp(p, "qC")) {
        send_packet(c, "QC1");
    } else if (!strcmp(p, "qfThreadInfo")) {
        send_packet(c, "m1");
    } else if (!strcmp(p, "qsThreadInfo")) {
        send_packet(c, "l");
    } else if (!strncmp(p, "qRcmd,", 6)) {
        char cmd[256];
        size_t n = 0;
        for (const char *q = p + 6; q[0] && q[1] && n + 1 < sizeof cmd; q += 2) {
            int hi = hexval(q[0]), lo = hexval(q[1]);
            if (hi < 0 || lo < 0)
                break;
            cmd[n++] = (char)(hi << 4 | lo);
        }
        cmd[n] = 0;
        monitor(s, c, cmd);
    } else {
        send_packet(c, "");
    }
}

/* A dead target (locked device) answers memory, register and breakpoint packets with a plain
 * error number, which gdb turns into its usual messages ("Cannot access memory ..."); the
 * ST-LINK text goes where gdb expects text (monitor output, the reply to c/s). */
static bool target_dead(server *s, client *c)
{
    if (h7_machine_debug_link_ok(s->m, NULL, 0))
        return false;
    send_packet(c, "E01");
    return true;
}

static void handle_mem_read(server *s, client *c, const char *p)
{
    uint64_t addr, len;
    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) || len > PKT_MAX / 2) {
        send_packet(c, "E01");
        return;
    }
    char *buf = malloc(2 * len + 1);
    if (!buf)
        return;
    for (uint64_t i = 0; i < len; i++) {
        uint8_t b;
        if (!dbg_read(s, c, (uint32_t)(addr + i), &b)) {
            free(buf);
            send_packet(c, i ? "E02" : "E01");
            return;
        }
        buf[2 * i] = hexd[b >> 4];
        buf[2 * i + 1] = hexd[b & 15];
    }
    buf[2 * len] = 0;
    send_packet(c, buf);
    free(buf);
}

static void handle_mem_write(server *s, client *c, const char *p)
{
    uint64_t addr, len;
    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) || *p++ != ':' || len > PKT_MAX / 2 ||
        strlen(p) != 2 * len) {
        send_packet(c, "E01");
        return;
    }
    uint8_t buf[PKT_MAX / 2];
    for (uint64_t i = 0; i < len; i++) {
        int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            send_packet(c, "E01");
            return;
        }
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    send_packet(c, !len || dbg_write(s, c, (uint32_t)addr, buf, len) ? "OK" : "E01");
}

/* Binary data of X / vFlashWrite: '}' escapes the next byte (xor 0x20). Returns the byte count or
 * -1 if the data is malformed or too long. */
static long unescape_binary(const char *p, size_t n, uint8_t *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)p[i];
        if (b == '}') {
            if (++i >= n)
                return -1;
            b = (uint8_t)(p[i] ^ 0x20);
        }
        if (k == cap)
            return -1;
        out[k++] = b;
    }
    return (long)k;
}

/* X addr,len:binary (GDB manual E.2). */
static void handle_bin_write(server *s, client *c, const char *p, size_t n)
{
    const char *start = p;
    uint64_t addr, len;
    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) || *p++ != ':' || len > PKT_MAX) {
        send_packet(c, "E01");
        return;
    }
    uint8_t buf[PKT_MAX];
    long got = unescape_binary(p, n - (size_t)(p - start), buf, sizeof buf);
    if (got < 0 || (uint64_t)got != len) {
        send_packet(c, "E01");
        return;
    }
    send_packet(c, !len || dbg_write(s, c, (uint32_t)addr, buf, len) ? "OK" : "E01");
}

static void handle_flash_packet(server *s, client *c, const char *p, size_t n)
{
    const char *start = p;
    uint64_t addr, len;
    if (!strncmp(p, "vFlashErase:", 12)) {
        p += 12;
        if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) || !flash_erase(s, c, (uint32_t)addr, (uint32_t)len))
            send_packet(c, "E01");
        else
            send_packet(c, "OK");
    } else if (!strncmp(p, "vFlashWrite:", 12)) {
        p += 12;
        uint8_t buf[PKT_MAX];
        long got;
        if (!parse_hex(&p, &addr) || *p++ != ':' ||
            (got = unescape_binary(p, n - (size_t)(p - start), buf, sizeof buf)) < 0 || !in_flash((uint32_t)addr, (uint64_t)got) ||
            !h7_machine_debug_write(s->m, c->core, (uint32_t)addr, buf, (size_t)got))
            send_packet(c, "E.memtype");
        else
            send_packet(c, "OK");
    } else {   /* vFlashDone */
        h7_machine_trace(s->m, "debug", "%s debugger programmed the flash", h7_core_name(c->core));
        send_packet(c, "OK");
    }
}

static void handle_regs(server *s, client *c, bool write, const char *p)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    if (!write) {
        char buf[NREGS * 16 + 1], *o = buf;
        for (int n = 0; n < NREGS; n++) {
            uint64_t v = reg_get(cpu, n);
            for (int b = 0; b < reg_size(n); b++) {
                uint8_t x = (uint8_t)(v >> (8 * b));
                *o++ = hexd[x >> 4];
                *o++ = hexd[x & 15];
            }
        }
        *o = 0;
        send_packet(c, buf);
        return;
    }
    for (int n = 0; n < NREGS && *p; n++) {
        uint64_t v = 0;
        for (int b = 0; b < reg_size(n); b++) {
            int hi = hexval(p[0]), lo = hi >= 0 ? hexval(p[1]) : -1;
            if (hi < 0 || lo < 0) {
                send_packet(c, "E01");
                return;
            }
            v |= (uint64_t)(hi << 4 | lo) << (8 * b);
            p += 2;
        }
        reg_set(cpu, n, v);
    }
    send_packet(c, "OK");
}

static void handle_one_reg(server *s, client *c, bool write, const char *p)
{
    uint64_t n;
    if (!parse_hex(&p, &n) || n >= NREGS) {
        send_packet(c, "E01");
        return;
    }
    h7_cpu *cpu = &s->m->cpu[c->core];
    if (!write) {
        char buf[20];
        uint64_t v = reg_get(cpu, (int)n);
        for (int b = 0; b < reg_size((int)n); b++) {
            uint8_t x = (uint8_t)(v >> (8 * b));
            buf[2 * b] = hexd[x >> 4];
            buf[2 * b + 1] = hexd[x & 15];
        }
        buf[2 * reg_size((int)n)] = 0;
        send_packet(c, buf);
        return;
    }
    if (*p++ != '=') {
        send_packet(c, "E01");
        return;
    }
    uint64_t v = 0;
    for (int b = 0; b < reg_size((int)n); b++) {
        int hi = hexval(p[2 * b]), lo = hi >= 0 ? hexval(p[2 * b + 1]) : -1;
        if (hi < 0 || lo < 0) {
            send_packet(c, "E01");
            return;
        }
        v |= (uint64_t)(hi << 4 | lo) << (8 * b);
    }
    reg_set(cpu, (int)n, v);
    send_packet(c, "OK");
}

/* FPB and DWT sizes (Cortex-M7 TRM / Cortex-M4 TRM): 8 / 6 breakpoint comparators, 4 watchpoint
 * comparators on both. Software breakpoints (Z0) are not limited. */
static unsigned hw_bp_limit(h7_core_id core) { return core == H7_CM7 ? 8 : 6; }
#define HW_WP_LIMIT 4u

static void handle_break(server *s, client *c, bool on, const char *p)
{
    char type = *p++;
    uint64_t addr, kind;
    if (*p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &kind)) {
        send_packet(c, "E01");
        return;
    }
    h7_cpu *cpu = &s->m->cpu[c->core];
    uint32_t a = (uint32_t)addr & (type <= '1' ? ~1u : ~0u);
    bool ok;
    if (type == '1') {
        unsigned i = 0;
        while (i < c->nhw_bps && c->hw_bps[i] != a)
            i++;
        if (on && i == c->nhw_bps && c->nhw_bps >= hw_bp_limit(c->core)) {
            send_packet(c, "E01");   /* gdb: "You may have requested too many hardware breakpoints" */
            return;
        }
        ok = h7_cpu_set_breakpoint(cpu, a, on);
        if (ok && on && i == c->nhw_bps)
            c->hw_bps[c->nhw_bps++] = a;
        else if (ok && !on && i < c->nhw_bps)
            c->hw_bps[i] = c->hw_bps[--c->nhw_bps];
    } else if (type == '0') {
        ok = h7_cpu_set_breakpoint(cpu, a, on);
    } else if (type >= '2' && type <= '4') {
        bool exists = false;
        for (unsigned i = 0; i < cpu->nwps; i++)
            exists |= cpu->wps[i].addr == a && cpu->wps[i].len == kind && cpu->wps[i].type == type - '0';
        if (on && !exists && cpu->nwps >= HW_WP_LIMIT) {
            send_packet(c, "E01");
            return;
        }
        ok = h7_cpu_set_watchpoint(cpu, a, (uint32_t)kind, type - '0', on);
    } else {
        send_packet(c, "");
        return;
    }
    send_packet(c, ok ? "OK" : "E01");
}

/* ------------------------------------------------------------------ run control */

static void resume_core(server *s, client *c)
{
    h7_machine_apply_pending_lock(s->m);
    h7_cpu_resume(&s->m->cpu[c->core]);
    c->waiting = true;
    c->told_held = false;
}

static bool at_sleep_instruction(server *s, client *c)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    uint8_t b[4];
    uint32_t pc = h7_cpu_pc(cpu) & ~1u;
    if (cpu->state_before_halt == H7_CPU_SLEEP_WFI || cpu->state_before_halt == H7_CPU_SLEEP_WFE)
        return true;
    for (int i = 0; i < 4; i++)
        if (!dbg_read(s, c, pc + (uint32_t)i, &b[i]))
            return false;
    uint16_t h0 = (uint16_t)(b[0] | b[1] << 8), h1 = (uint16_t)(b[2] | b[3] << 8);
    return h0 == 0xBF30 || h0 == 0xBF20 || (h0 == 0xF3AF && (h1 == 0x8003 || h1 == 0x8002));
}

/* One instruction; the whole machine then advances by its cycles. The stop reply is sent here,
 * or by report_stops if the step locked the device. */
static void step_core(server *s, client *c)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    if (s->m->lock_pending) {
        /* Held at the access that locks the device: a step executes nothing (gdb steps over every
         * watchpoint hit by itself); `continue` lets the lock happen. */
        c->waiting = true;
        cpu->halt_reason = H7_HALT_STEP;
        send_stop(s, c);
        return;
    }
    bool mask = c->maskisr == H7_GDB_MASKISR_ON || (c->maskisr == H7_GDB_MASKISR_AUTO && !at_sleep_instruction(s, c));
    h7_cpu_step(cpu, mask);
    advance_machine_to(s, cpu);
    c->waiting = true;
    if (!s->m->locked)
        send_stop(s, c);
}

static void handle_packet(server *s, client *c, char *p, size_t n)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    s->awaiting_debugger[c->core] = false;   /* a debugger, not a port probe: --gdb-wait is over */
    switch (p[0]) {
    case 'q':
    case 'Q':
        handle_query(s, c, p);
        return;
    case '!':
        c->extended = true;
        send_packet(c, "OK");
        return;
    case '?':
        if (!h7_machine_debug_link_ok(s->m, NULL, 0)) {
            /* Dead target: the session still opens (the probe answers), so that the board-level
             * monitor commands can be sent; every target access then fails (target_dead). */
            send_packet(c, "S05");
            return;
        }
        h7_cpu_halt(cpu, H7_HALT_REQUEST);
        send_stop(s, c);
        return;
    case 'H':
    case 'T':
        send_packet(c, "OK");
        return;
    case 'D':
        send_packet(c, "OK");
        if (c->extended) {   /* extended-remote: the connection stays, the core runs on */
            clear_debug_units(s, c);
            h7_cpu_resume(cpu);
            h7_machine_trace(s->m, "debug", "%s debugger detached", h7_core_name(c->core));
        } else {
            drop_client(s, c, "detached");
        }
        return;
    case 'k':
        /* kill: in extended-remote the target is reset and halted and the session stays (as
         * OpenOCD); in plain remote gdb closes the connection and the core runs on. */
        if (c->extended && h7_machine_debug_link_ok(s->m, NULL, 0)) {
            clear_debug_units(s, c);
            reset_target(s, true);
        } else if (!c->extended) {
            drop_client(s, c, "killed the session");
        }
        return;
    default:
        break;
    }
    if (!strncmp(p, "vMustReplyEmpty", 15)) {
        send_packet(c, "");
        return;
    }
    if (p[0] == 'g' && !p[1]) {
        /* Answered even for a dead target -- the registers as they were when the core lost power
         * (gdb cannot open a session without a PC) -- so that a new session can reach the board
         * (monitor boot0 / power-cycle); memory, step, continue and the rest fail. */
        handle_regs(s, c, false, p + 1);
        return;
    }
    bool run_control = p[0] == 'c' || p[0] == 's' || !strncmp(p, "vCont;", 6);
    if (run_control && !h7_machine_debug_link_ok(s->m, NULL, 0)) {
        char buf[200];
        snprintf(buf, sizeof buf, "E.%s", ST_LINK_MSG);
        send_packet(c, buf);
        return;
    }
    if (!run_control && strcmp(p, "vCont?") && target_dead(s, c))
        return;
    switch (p[0]) {
    case 'g': handle_regs(s, c, false, p + 1); return;
    case 'G': handle_regs(s, c, true, p + 1); return;
    case 'p': handle_one_reg(s, c, false, p + 1); return;
    case 'P': handle_one_reg(s, c, true, p + 1); return;
    case 'm': handle_mem_read(s, c, p + 1); return;
    case 'M': handle_mem_write(s, c, p + 1); return;
    case 'X': handle_bin_write(s, c, p + 1, n - 1); return;
    case 'Z': handle_break(s, c, true, p + 1); return;
    case 'z': handle_break(s, c, false, p + 1); return;
    case 'c': resume_core(s, c); return;
    case 's': step_core(s, c); return;
    case 'R':
        reset_target(s, true);
        return;
    case 'v':
        if (!strcmp(p, "vCont?")) {
            send_packet(c, "vCont;c;C;s;S;t");
        } else if (!strncmp(p, "vCont;c", 7) || !strncmp(p, "vCont;C", 7)) {
            resume_core(s, c);
        } else if (!strncmp(p, "vCont;s", 7) || !strncmp(p, "vCont;S", 7)) {
            step_core(s, c);
        } else if (!strncmp(p, "vCont;t", 7)) {
            h7_cpu_halt(cpu, H7_HALT_REQUEST);
            send_stop(s, c);
        } else if (!strncmp(p, "vFlash", 6)) {
            handle_flash_packet(s, c, p, n);
        } else if (!strncmp(p, "vAttach;", 8)) {
            h7_cpu_halt(cpu, H7_HALT_REQUEST);
            send_stop(s, c);
        } else if (!strncmp(p, "vRun;", 5)) {
            reset_target(s, true);
            send_stop(s, c);
        } else if (!strncmp(p, "vKill;", 6)) {
            clear_debug_units(s, c);
            reset_target(s, true);
            send_packet(c, "OK");
        } else {
            send_packet(c, "");
        }
        return;
    default:
        send_packet(c, "");
        return;
    }
}

/* Consume complete packets from the client's buffer. */
static void process_input(server *s, client *c)
{
    size_t i = 0;
    while (i < c->inlen && c->fd >= 0) {
        char ch = c->in[i];
        if (ch == 0x03) {   /* Ctrl-C */
            i++;
            h7_cpu_halt(&s->m->cpu[c->core], H7_HALT_REQUEST);
            if (c->waiting)
                send_stop(s, c);
            continue;
        }
        if (ch != '$') {    /* acks and noise */
            i++;
            continue;
        }
        char *hash = memchr(c->in + i, '#', c->inlen - i);
        if (!hash || (size_t)(hash - c->in) + 3 > c->inlen)
            break;          /* incomplete */
        size_t start = i + 1, end = (size_t)(hash - c->in);
        unsigned sum = 0;
        for (size_t k = start; k < end; k++)
            sum += (unsigned char)c->in[k];
        int hi = hexval(hash[1]), lo = hexval(hash[2]);
        i = end + 3;
        if (hi < 0 || lo < 0 || (unsigned)(hi << 4 | lo) != (sum & 0xFF)) {
            if (!c->noack)
                send_raw(c, "-", 1);
            continue;
        }
        if (!c->noack)
            send_raw(c, "+", 1);
        char pkt[INBUF_MAX];
        size_t n = end - start;
        memcpy(pkt, c->in + start, n);
        pkt[n] = 0;
        handle_packet(s, c, pkt, n);
    }
    if (c->fd < 0)
        return;
    memmove(c->in, c->in + i, c->inlen - i);
    c->inlen -= i;
    if (c->inlen == sizeof c->in) {   /* a packet longer than we ever accept: drop it */
        c->inlen = 0;
        if (!c->noack)
            send_raw(c, "-", 1);
    }
}

static int open_listener(const char *bind_addr, int port, char *err, size_t errlen)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "bad bind address '%s'", bind_addr);
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 2) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", bind_addr, port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void accept_client(server *s, int k)
{
    int fd = accept(s->lfd[k], NULL, NULL);
    if (fd < 0)
        return;
    if (s->cl[k].fd >= 0) {   /* one debugger per core */
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    client *c = &s->cl[k];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->core = (h7_core_id)k;
    char msg[160];
    if (!h7_machine_debug_link_ok(s->m, msg, sizeof msg)) {
        h7_machine_trace(s->m, "debug", "%s debugger connects: %s", h7_core_name(c->core), msg);
        fprintf(stderr, "h7emu: gdb (%s): %s\n", h7_core_name(c->core), msg);
    } else {
        h7_cpu_halt(&s->m->cpu[k], H7_HALT_REQUEST);
        h7_machine_trace(s->m, "debug", "%s debugger attached", h7_core_name(c->core));
    }
}

/* The device locked under the debugger: what happened, on the GDB console of each session that
 * waits for a stop (one line: rule and fix), then the ST-LINK's error; the sessions stay open
 * but every target access fails until the board is recovered (docs/debugging.md). */
static void report_lock(server *s, client *c)
{
    h7_machine *m = s->m;
    char line[1200];
    if (m->sup.nviol) {
        const h7_violation *v = &m->sup.viol[m->sup.nviol - 1];
        snprintf(line, sizeof line, "h7emu: DEVICE LOCKED (core supply lost, debug link lost): rule %s (%s) broken by %s "
                                    "-- fix: %s\n", h7_rules[v->rule].id, h7_rules[v->rule].citation, v->detail, v->fix);
    } else {
        snprintf(line, sizeof line, "h7emu: DEVICE LOCKED (core supply lost, debug link lost): %s\n", m->lock_cause);
    }
    send_console(c, line);
    send_console(c, "h7emu: from now on gdb shows the registers as they were when the core lost power; "
                    "recover with monitor boot0 1, monitor power-cycle, monitor erase (docs/debugging.md)\n");
    char buf[200];
    snprintf(buf, sizeof buf, "E.%s", ST_LINK_MSG);
    send_packet(c, buf);
    c->waiting = false;
}

static void report_stops(server *s)
{
    if (!s->m->locked)
        s->lock_reported = false;
    for (int k = 0; k < H7_NCORES; k++) {
        client *c = &s->cl[k];
        if (c->fd < 0)
            continue;
        if (s->m->locked) {
            /* The target died under the debugger: a pending continue/step gets the diagnosis
             * and the ST-LINK's error, and every session open at that moment is closed. New
             * connections are accepted (to reach the board: monitor boot0 / power-cycle), but
             * every target access fails until the device is recovered. */
            if (s->lock_reported)
                continue;
            if (c->waiting)
                report_lock(s, c);
            drop_client(s, c, "lost the link: device locked");
            continue;
        }
        if (c->waiting && s->m->cpu[k].state == H7_CPU_HALTED)
            send_stop(s, c);
        h7_cpu_state st = s->m->cpu[k].state;
        if (c->waiting && (st == H7_CPU_LOCKUP || st == H7_CPU_FAULTED)) {
            /* The core locked up (or faulted beyond what the firmware can take) during a
             * continue: gdb gets a stop (SIGSEGV) and the reason on its console. */
            char msg[600];
            snprintf(msg, sizeof msg, "h7emu: %s %s: %s\n", h7_core_name((h7_core_id)k), h7_cpu_state_name(st),
                     s->m->cpu[k].fault_text);
            send_console(c, msg);
            c->waiting = false;
            send_packet(c, "T0bthread:1;");
        }
    }
    if (s->m->locked)
        s->lock_reported = true;
}

bool h7_gdb_parse_port(const char *s, int *port)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 65534)
        return false;
    *port = (int)v;
    return true;
}

int h7_gdb_serve(h7_machine *m, const h7_gdb_options *opt, char *err, size_t errlen)
{
    server s = {.m = m, .opt = *opt};
    const char *addr = opt->bind_addr ? opt->bind_addr : "127.0.0.1";
    for (int k = 0; k < H7_NCORES; k++) {
        s.cl[k].fd = -1;
        s.lfd[k] = open_listener(addr, opt->port + k, err, errlen);
        if (s.lfd[k] < 0) {
            if (k)
                close(s.lfd[0]);
            return -1;
        }
    }
    if (opt->wait_attach)
        for (int k = 0; k < H7_NCORES; k++)
            s.awaiting_debugger[k] = core_executes(&m->cpu[k]);
    hold_awaiting_cores(&s);
    struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    g_stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    fprintf(stderr, "h7emu: gdb server: cm7 on %s:%d, cm4 on %s:%d%s\n", addr, opt->port, addr, opt->port + 1,
            opt->wait_attach ? " (each core held until its debugger attaches; no time limit on the wait,"
                               " --for counts virtual time once the cores run)" : "");
    h7_time_ps start = m->time;
    m->trace_hold_ahead = true;   /* halts cut windows short: keep the timeline in time order */
    while (!g_stop_signal) {
        if (opt->limit && m->time - start >= opt->limit)
            break;
        bool run = machine_may_run(&s);
        struct pollfd pf[4];
        int n = 0;
        for (int k = 0; k < H7_NCORES; k++) {
            pf[n++] = (struct pollfd){.fd = s.lfd[k], .events = POLLIN};
            pf[n++] = (struct pollfd){.fd = s.cl[k].fd, .events = POLLIN};
        }
        int pr = poll(pf, (nfds_t)n, run && !m->locked ? 0 : 50);
        if (pr < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        bool talked = false;
        for (int k = 0; k < H7_NCORES; k++) {
            /* input first: a gdb that reconnects closed its old socket just before */
            client *c = &s.cl[k];
            if (c->fd >= 0 && (pf[2 * k + 1].revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t r = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
                if (r <= 0)
                    drop_client(&s, c, "disconnected");
                else {
                    c->inlen += (size_t)r;
                    process_input(&s, c);
                    talked = true;
                }
            }
            if (pf[2 * k].revents & POLLIN)
                accept_client(&s, k);
        }
        /* A debugger that just talked (a burst of steps, memory reads) is answered before the
         * next slice of machine time: its own steps advance time. */
        if (machine_may_run(&s) && !(talked && any_halted_session(&s))) {
            h7_time_ps slice = SLICE_PS;
            if (opt->limit && opt->limit - (m->time - start) < slice)
                slice = opt->limit - (m->time - start);
            h7_machine_run_for(m, slice);
            m->stop_requested = false;
        }
        tell_held_clients(&s);
        report_stops(&s);
    }
    m->trace_hold_ahead = false;
    h7_trace_flush(&m->trace);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    for (int k = 0; k < H7_NCORES; k++) {
        if (s.cl[k].fd >= 0)
            close(s.cl[k].fd);
        close(s.lfd[k]);
    }
    return 0;
}

/* GDB remote serial protocol (GDB manual, appendix E "Remote Protocol"): packets $data#cs with
 * '+'/'-' acks (QStartNoAckMode), Ctrl-C as a raw 0x03. Buffers are bounded; a malformed packet
 * gets a '-' or an empty/error reply, never a crash or a hang. */
#include "gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
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
    bool attached_once;
    char in[INBUF_MAX];
    size_t inlen;
} client;

typedef struct server {
    h7_machine *m;
    h7_gdb_options opt;
    int lfd[H7_NCORES];
    client cl[H7_NCORES];
    bool any_attached;
    bool done;
    bool lock_reported;   /* the sessions open when the device locked were closed */
    bool keep_alive;      /* ... and the server waits for a new connection (recovery) */
} server;

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

static void send_stop(server *s, client *c)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    char buf[64];
    if (cpu->halt_reason == H7_HALT_WATCHPOINT)
        snprintf(buf, sizeof buf, "T05watch:%08x;thread:1;", cpu->halt_addr);
    else if (cpu->halt_reason == H7_HALT_BREAKPOINT)
        snprintf(buf, sizeof buf, "T05swbreak:;thread:1;");
    else if (cpu->halt_reason == H7_HALT_REQUEST)
        snprintf(buf, sizeof buf, "T02thread:1;");
    else
        snprintf(buf, sizeof buf, "T05thread:1;");
    c->waiting = false;
    send_packet(c, buf);
}

static void drop_client(server *s, client *c, const char *why)
{
    if (c->fd < 0)
        return;
    h7_machine_trace(s->m, "debug", "%s debugger %s", h7_core_name(c->core), why);
    close(c->fd);
    c->fd = -1;
    c->inlen = 0;
    c->waiting = false;
    h7_cpu *cpu = &s->m->cpu[c->core];
    while (cpu->nbps)
        h7_cpu_set_breakpoint(cpu, cpu->bps[0].addr, false);
    while (cpu->nwps)
        h7_cpu_set_watchpoint(cpu, cpu->wps[0].addr, cpu->wps[0].len, cpu->wps[0].type, false);
    h7_cpu_resume(cpu);
    bool any = false;
    for (int k = 0; k < H7_NCORES; k++)
        any |= s->cl[k].fd >= 0;
    if (!any && s->any_attached && !s->keep_alive)
        s->done = true;
}

static void monitor(server *s, client *c, const char *cmd)
{
    h7_machine *m = s->m;
    char msg[160];
    bool dead = !h7_machine_debug_link_ok(m, msg, sizeof msg);
    if (!strcmp(cmd, "power-cycle")) {
        h7_machine_power_on(m);
        for (int k = 0; k < H7_NCORES; k++)
            if (s->cl[k].fd >= 0)
                h7_cpu_halt(&m->cpu[k], H7_HALT_REQUEST);
        send_console(c, m->locked ? "power cycled: device locked again\n" : "power cycled\n");
        send_packet(c, "OK");
    } else if (!strncmp(cmd, "boot0 ", 6) && (cmd[6] == '0' || cmd[6] == '1') && !cmd[7]) {
        h7_machine_set_boot0(m, cmd[6] == '1');
        send_console(c, cmd[6] == '1' ? "BOOT0 = 1 (takes effect at the next power cycle)\n" : "BOOT0 = 0\n");
        send_packet(c, "OK");
    } else if (!strcmp(cmd, "help")) {
        send_console(c, "monitor reset | reset halt | power-cycle | erase | boot0 0|1\n");
        send_packet(c, "OK");
    } else if (dead) {
        char out[200];
        snprintf(out, sizeof out, "Error: %s\n", msg);
        send_console(c, out);
        send_packet(c, "E01");
    } else if (!strcmp(cmd, "reset") || !strcmp(cmd, "reset halt") || !strcmp(cmd, "reset run")) {
        h7_machine_system_reset(m, H7_CM7, false);
        if (!strcmp(cmd, "reset halt"))
            for (int k = 0; k < H7_NCORES; k++)
                if (s->cl[k].fd >= 0)
                    h7_cpu_halt(&m->cpu[k], H7_HALT_REQUEST);
        send_packet(c, "OK");
    } else if (!strcmp(cmd, "erase")) {
        h7_machine_debug_mass_erase(m, msg, sizeof msg);
        send_console(c, "mass erase done\n");
        send_packet(c, "OK");
    } else {
        send_packet(c, "");
    }
}

static void handle_query(server *s, client *c, const char *p)
{
    if (!strncmp(p, "qSupported", 10)) {
        char buf[128];
        snprintf(buf, sizeof buf, "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+", PKT_MAX);
        send_packet(c, buf);
    } else if (!strncmp(p, "qXfer:features:read:target.xml:", 31)) {
        const char *q = p + 31;
        uint64_t off = 0, len = 0;
        if (!parse_hex(&q, &off) || *q++ != ',' || !parse_hex(&q, &len)) {
            send_packet(c, "E01");
            return;
        }
        const char *xml = target_xml(c->core);
        size_t total = strlen(xml);
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
        memcpy(buf + 1, xml + off, n);
        buf[n + 1] = 0;
        send_packet(c, buf);
        free(buf);
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
        char cmd[128];
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

static bool target_dead(server *s, client *c)
{
    char msg[160];
    if (h7_machine_debug_link_ok(s->m, msg, sizeof msg))
        return false;
    char buf[200];
    snprintf(buf, sizeof buf, "E.%s", msg);
    send_packet(c, buf);
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
        if (!h7_machine_debug_read_byte(s->m, c->core, (uint32_t)(addr + i), &b)) {
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
    send_packet(c, h7_machine_debug_write(s->m, c->core, (uint32_t)addr, buf, len) ? "OK" : "E01");
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

static void handle_break(server *s, client *c, bool on, const char *p)
{
    char type = *p++;
    uint64_t addr, kind;
    if (*p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &kind)) {
        send_packet(c, "E01");
        return;
    }
    h7_cpu *cpu = &s->m->cpu[c->core];
    bool ok;
    if (type == '0' || type == '1')
        ok = h7_cpu_set_breakpoint(cpu, (uint32_t)addr, on);
    else if (type >= '2' && type <= '4')
        ok = h7_cpu_set_watchpoint(cpu, (uint32_t)addr, (uint32_t)kind, type - '0', on);
    else {
        send_packet(c, "");
        return;
    }
    send_packet(c, ok ? "OK" : "E01");
}

static void resume_core(server *s, client *c)
{
    h7_cpu_resume(&s->m->cpu[c->core]);
    c->waiting = true;
}

static void handle_packet(server *s, client *c, char *p)
{
    h7_cpu *cpu = &s->m->cpu[c->core];
    switch (p[0]) {
    case 'q':
    case 'Q':
        handle_query(s, c, p);
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
    case 'v':
        if (!strncmp(p, "vMustReplyEmpty", 15)) {
            send_packet(c, "");
            return;
        }
        break;
    case 'H':
        send_packet(c, "OK");
        return;
    case 'T':
        send_packet(c, "OK");
        return;
    case 'D':
        send_packet(c, "OK");
        drop_client(s, c, "detached");
        return;
    case 'k':
        drop_client(s, c, "killed the session");
        return;
    default:
        break;
    }
    if (p[0] == 'g' && !p[1]) {
        /* Answered even for a dead target -- the registers as they were when the core lost power
         * (gdb cannot open a session without a PC) -- so that a new session can reach the board
         * (monitor boot0 / power-cycle); memory, step, continue and the rest fail. */
        handle_regs(s, c, false, p + 1);
        return;
    }
    if (target_dead(s, c))
        return;
    switch (p[0]) {
    case 'g': handle_regs(s, c, false, p + 1); return;
    case 'G': handle_regs(s, c, true, p + 1); return;
    case 'p': handle_one_reg(s, c, false, p + 1); return;
    case 'P': handle_one_reg(s, c, true, p + 1); return;
    case 'm': handle_mem_read(s, c, p + 1); return;
    case 'M': handle_mem_write(s, c, p + 1); return;
    case 'Z': handle_break(s, c, true, p + 1); return;
    case 'z': handle_break(s, c, false, p + 1); return;
    case 'c': resume_core(s, c); return;
    case 's':
        h7_cpu_step(cpu);
        send_stop(s, c);
        return;
    case 'v':
        if (!strcmp(p, "vCont?")) {
            send_packet(c, "vCont;c;C;s;S;t");
        } else if (!strncmp(p, "vCont;c", 7) || !strncmp(p, "vCont;C", 7)) {
            resume_core(s, c);
        } else if (!strncmp(p, "vCont;s", 7) || !strncmp(p, "vCont;S", 7)) {
            h7_cpu_step(cpu);
            send_stop(s, c);
        } else if (!strncmp(p, "vCont;t", 7)) {
            h7_cpu_halt(cpu, H7_HALT_REQUEST);
            send_stop(s, c);
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
        handle_packet(s, c, pkt);
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
    s->any_attached = true;
    s->keep_alive = false;
    char msg[160];
    if (!h7_machine_debug_link_ok(s->m, msg, sizeof msg)) {
        h7_machine_trace(s->m, "debug", "%s debugger connects: %s", h7_core_name(c->core), msg);
        fprintf(stderr, "h7emu: gdb (%s): %s\n", h7_core_name(c->core), msg);
    } else {
        h7_cpu_halt(&s->m->cpu[k], H7_HALT_REQUEST);
        h7_machine_trace(s->m, "debug", "%s debugger attached", h7_core_name(c->core));
    }
}

static bool machine_may_run(server *s)
{
    if (s->opt.wait_attach && s->cl[H7_CM7].fd < 0 && !s->any_attached)
        return false;
    if (s->opt.halt_mode == H7_GDB_HALT_ALL)
        for (int k = 0; k < H7_NCORES; k++)
            if (s->m->cpu[k].state == H7_CPU_HALTED)
                return false;
    return true;
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
            /* The target died under the debugger: a pending continue/step gets the ST-LINK's
             * error, and every session open at that moment is closed. New connections are
             * accepted (to reach the board: monitor boot0 / power-cycle), but every target
             * access fails with the same message until the device is recovered. */
            if (s->lock_reported)
                continue;
            if (c->waiting) {
                char buf[200];
                snprintf(buf, sizeof buf, "E.%s", ST_LINK_MSG);
                send_packet(c, buf);
            }
            s->keep_alive = true;
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
    fprintf(stderr, "h7emu: gdb server: cm7 on %s:%d, cm4 on %s:%d%s\n", addr, opt->port, addr, opt->port + 1,
            opt->wait_attach ? " (cores held until a debugger attaches to the cm7; no time limit on the wait,"
                               " --for counts virtual time once the cores run)" : "");
    h7_time_ps start = m->time;
    while (!s.done) {
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
        if (pr < 0 && errno != EINTR)
            break;
        for (int k = 0; k < H7_NCORES; k++) {
            if (pf[2 * k].revents & POLLIN)
                accept_client(&s, k);
            client *c = &s.cl[k];
            if (c->fd >= 0 && (pf[2 * k + 1].revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t r = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
                if (r <= 0)
                    drop_client(&s, c, "disconnected");
                else {
                    c->inlen += (size_t)r;
                    process_input(&s, c);
                }
            }
        }
        if (machine_may_run(&s)) {
            h7_time_ps slice = SLICE_PS;
            if (opt->limit && opt->limit - (m->time - start) < slice)
                slice = opt->limit - (m->time - start);
            h7_machine_run_for(m, slice);
            m->stop_requested = false;
        }
        report_stops(&s);
    }
    for (int k = 0; k < H7_NCORES; k++) {
        if (s.cl[k].fd >= 0)
            close(s.cl[k].fd);
        close(s.lfd[k]);
    }
    return 0;
}

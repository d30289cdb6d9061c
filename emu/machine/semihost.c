/* Arm semihosting v3 (see semihost.h). Operation in R0, parameter (usually the address of a block
 * of 32-bit words) in R1, result in R0; the call is `BKPT 0xAB` on M-profile. Host files are
 * opened below the configured root only (openat2 RESOLVE_BENEATH). */
#define _GNU_SOURCE
#include "semihost.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu.h"
#include "machine.h"

/* Operation numbers (semihosting spec v3, table "Semihosting operations"). */
enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_READ = 0x06,
    SYS_READC = 0x07, SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A, SYS_FLEN = 0x0C, SYS_TMPNAM = 0x0D,
    SYS_REMOVE = 0x0E, SYS_RENAME = 0x0F, SYS_CLOCK = 0x10, SYS_TIME = 0x11, SYS_SYSTEM = 0x12, SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
};

enum { K_FREE, K_FILE, K_CONSOLE_IN, K_CONSOLE_OUT, K_FEATURES };

/* ":semihosting-features": magic "SHFB" then one byte: bit 0 SH_EXT_EXIT_EXTENDED, bit 1
 * SH_EXT_STDOUT_STDERR (spec v3 §"Semihosting extensions"). */
static const uint8_t features[5] = {'S', 'H', 'F', 'B', 0x03};

#define TICK_HZ 1000000000u   /* SYS_ELAPSED counts virtual nanoseconds */

int h7_semihost_init(h7_semihost *sh, const char *root, char *err, size_t errlen)
{
    memset(sh, 0, sizeof *sh);
    sh->out = stdout;
    sh->in = stdin;
    for (int k = 0; k < H7_NCORES; k++)
        for (int i = 0; i < H7_SH_MAX_FILES; i++)
            sh->core[k].fd[i] = -1;
    if (root) {
        char real[PATH_MAX];
        struct stat st;
        if (!realpath(root, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "--semihosting-root %s: not a directory", root);
            return -1;
        }
        sh->root = strdup(real);
    }
    return 0;
}

static void flush_core(h7_semihost *sh, h7_core_id k)
{
    h7_sh_core *sc = &sh->core[k];
    if (!sc->nline)
        return;
    if (sh->on_line) {
        size_t n = sc->nline;
        while (n && (sc->line[n - 1] == '\n' || sc->line[n - 1] == '\r'))
            n--;
        sh->on_line(sh->on_line_ctx, k, sc->line, n);
    }
    if (sh->out) {
        if (sh->prefix)
            fprintf(sh->out, "%s: ", h7_core_name(k));
        fwrite(sc->line, 1, sc->nline, sh->out);
        fflush(sh->out);
    }
    sc->nline = 0;
}

void h7_semihost_flush(h7_semihost *sh)
{
    for (int k = 0; k < H7_NCORES; k++) {
        h7_sh_core *sc = &sh->core[k];
        if (sc->nline && sc->line[sc->nline - 1] != '\n' && sc->nline < sizeof sc->line)
            sc->line[sc->nline++] = '\n';
        flush_core(sh, (h7_core_id)k);
    }
}

void h7_semihost_free(h7_semihost *sh)
{
    h7_semihost_flush(sh);
    for (int k = 0; k < H7_NCORES; k++) {
        for (int i = 0; i < H7_SH_MAX_FILES; i++)
            if (sh->core[k].kind[i] == K_FILE && sh->core[k].fd[i] >= 0)
                close(sh->core[k].fd[i]);
        free(sh->cmdline[k]);
    }
    free(sh->root);
    memset(sh, 0, sizeof *sh);
}

/* Console output, one line at a time per core (so two cores' lines never mix). */
static void console_put(h7_semihost *sh, h7_core_id k, const uint8_t *p, size_t n)
{
    h7_sh_core *sc = &sh->core[k];
    sc->wrote = true;
    for (size_t i = 0; i < n; i++) {
        sc->line[sc->nline++] = p[i];
        if (p[i] == '\n' || sc->nline == sizeof sc->line)
            flush_core(sh, k);
    }
}

/* ------------------------------------------------------------------ guest memory */

static bool gread(struct h7_cpu *c, uint32_t addr, void *buf, size_t n)
{
    return n == 0 || uc_mem_read(c->uc, addr, buf, n) == UC_ERR_OK;
}

static bool gwrite(struct h7_cpu *c, uint32_t addr, const void *buf, size_t n)
{
    return n == 0 || uc_mem_write(c->uc, addr, buf, n) == UC_ERR_OK;
}

static bool args(struct h7_cpu *c, uint32_t block, uint32_t *a, int n)
{
    return gread(c, block, a, (size_t)n * 4u);
}

/* ------------------------------------------------------------------ files */

static int new_handle(h7_sh_core *sc, int kind, int fd)
{
    for (int i = 1; i < H7_SH_MAX_FILES; i++)
        if (sc->kind[i] == K_FREE) {
            sc->kind[i] = kind;
            sc->fd[i] = fd;
            sc->feat_pos[i] = 0;
            return i;
        }
    return -1;
}

static int handle_kind(const h7_sh_core *sc, uint32_t h)
{
    return h < H7_SH_MAX_FILES ? sc->kind[h] : K_FREE;
}

/* open(2) flags for the spec's fopen() mode numbers 0..11: r rb r+ r+b w wb w+ w+b a ab a+ a+b. */
static int open_flags(uint32_t mode)
{
    static const int f[3] = {O_RDONLY, O_WRONLY | O_CREAT | O_TRUNC, O_WRONLY | O_CREAT | O_APPEND};
    int flags = f[mode / 4];
    if (mode & 2)
        flags = (flags & ~(O_RDONLY | O_WRONLY)) | O_RDWR;
    return flags;
}

/* A guest path below the root: never absolute, never through "..", never out through a symlink. */
static int open_beneath(const h7_semihost *sh, const char *name, int flags)
{
    if (!sh->root || name[0] == '/' || !name[0]) {
        errno = EACCES;
        return -1;
    }
    for (const char *p = name; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            errno = EACCES;
            return -1;
        }
        p += n + (e != NULL);
    }
    int dir = open(sh->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return -1;
    struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .mode = (flags & O_CREAT) ? 0644 : 0,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dir, name, &how, sizeof how);
    if (fd < 0 && errno == ENOSYS)
        fd = openat(dir, name, flags | O_CLOEXEC | O_NOFOLLOW, 0644);   /* kernels before 5.6 */
    int saved = errno;
    close(dir);
    errno = saved;
    return fd;
}

static int32_t sys_open(h7_semihost *sh, struct h7_cpu *c, h7_sh_core *sc, uint32_t r1)
{
    uint32_t a[3];
    char name[PATH_MAX];
    if (!args(c, r1, a, 3) || a[1] > 11 || a[2] >= sizeof name || !gread(c, a[0], name, a[2])) {
        sc->err = EINVAL;
        return -1;
    }
    name[a[2]] = '\0';
    int h;
    if (!strcmp(name, ":tt"))
        h = new_handle(sc, a[1] < 4 ? K_CONSOLE_IN : K_CONSOLE_OUT, -1);
    else if (!strcmp(name, ":semihosting-features"))
        h = a[1] < 4 ? new_handle(sc, K_FEATURES, -1) : (errno = EACCES, -1);
    else {
        int fd = open_beneath(sh, name, open_flags(a[1]));
        if (fd < 0) {
            sc->err = errno;
            return -1;
        }
        h = new_handle(sc, K_FILE, fd);
        if (h < 0)
            close(fd);
    }
    if (h < 0)
        sc->err = errno == EACCES ? EACCES : EMFILE;
    return h;
}

static int32_t sys_close(h7_sh_core *sc, uint32_t h)
{
    int k = handle_kind(sc, h);
    if (k == K_FREE) {
        sc->err = EBADF;
        return -1;
    }
    if (k == K_FILE)
        close(sc->fd[h]);
    sc->kind[h] = K_FREE;
    sc->fd[h] = -1;
    return 0;
}

/* SYS_WRITE returns the number of bytes NOT written. */
static int32_t sys_write(h7_semihost *sh, struct h7_cpu *c, h7_sh_core *sc, uint32_t h, uint32_t buf, uint32_t len)
{
    int k = handle_kind(sc, h);
    uint8_t chunk[1024];
    uint32_t done = 0;
    if (k != K_FILE && k != K_CONSOLE_OUT) {
        sc->err = EBADF;
        return (int32_t)len;
    }
    while (done < len) {
        uint32_t n = len - done < sizeof chunk ? len - done : (uint32_t)sizeof chunk;
        if (!gread(c, buf + done, chunk, n)) {
            sc->err = EFAULT;
            break;
        }
        if (k == K_CONSOLE_OUT) {
            console_put(sh, c->id, chunk, n);
        } else {
            ssize_t w = write(sc->fd[h], chunk, n);
            if (w < 0) {
                sc->err = errno;
                break;
            }
            if ((uint32_t)w < n) {
                done += (uint32_t)w;
                break;
            }
        }
        done += n;
    }
    return (int32_t)(len - done);
}

/* SYS_READ returns the number of bytes NOT read (len = end of file). */
static int32_t sys_read(h7_semihost *sh, struct h7_cpu *c, h7_sh_core *sc, uint32_t h, uint32_t buf, uint32_t len)
{
    int k = handle_kind(sc, h);
    uint8_t chunk[1024];
    uint32_t n = len < sizeof chunk ? len : (uint32_t)sizeof chunk;
    ssize_t got;
    if (k == K_FILE) {
        got = read(sc->fd[h], chunk, n);
    } else if (k == K_CONSOLE_IN) {
        flush_core(sh, c->id);   /* a prompt without newline is shown before the read */
        got = sh->in ? read(fileno(sh->in), chunk, n) : 0;
    } else if (k == K_FEATURES) {
        uint32_t left = sc->feat_pos[h] < sizeof features ? (uint32_t)sizeof features - sc->feat_pos[h] : 0;
        got = n < left ? n : left;
        memcpy(chunk, features + sc->feat_pos[h], (size_t)got);
        sc->feat_pos[h] += (uint32_t)got;
    } else {
        sc->err = EBADF;
        return -1;
    }
    if (got < 0) {
        sc->err = errno;
        return -1;
    }
    if (!gwrite(c, buf, chunk, (size_t)got)) {
        sc->err = EFAULT;
        return -1;
    }
    return (int32_t)(len - (uint32_t)got);
}

static int32_t sys_seek(h7_sh_core *sc, uint32_t h, uint32_t pos)
{
    int k = handle_kind(sc, h);
    if (k == K_FEATURES) {
        sc->feat_pos[h] = pos;
        return 0;
    }
    if (k != K_FILE) {
        sc->err = EBADF;
        return -1;
    }
    if (lseek(sc->fd[h], (off_t)pos, SEEK_SET) < 0) {
        sc->err = errno;
        return -1;
    }
    return 0;
}

static int32_t sys_flen(h7_sh_core *sc, uint32_t h)
{
    int k = handle_kind(sc, h);
    if (k == K_FEATURES)
        return (int32_t)sizeof features;
    struct stat st;
    if (k != K_FILE) {
        sc->err = EBADF;
        return -1;
    }
    if (fstat(sc->fd[h], &st) != 0) {
        sc->err = errno;
        return -1;
    }
    return (int32_t)st.st_size;
}

/* ------------------------------------------------------------------ the rest */

static int32_t sys_heapinfo(struct h7_cpu *c, uint32_t r1)
{
    /* R1 points to a word holding the address of the 4-word block {heap base, heap limit, stack
     * base, stack limit}. Heap base = the image's `end` symbol (newlib's sbrk start), stack base =
     * the initial MSP of the vector table; heap limit = stack limit = 4 KiB below the stack base
     * (a decision: the firmware's own linker script knows better, 0 would mean "unknown"). */
    h7_machine *m = c->env.ctx;
    uint32_t ptr, blk[4] = {0, 0, 0, 0}, addr, size;
    if (!gread(c, r1, &ptr, 4))
        return -1;
    if (m->has_img[c->id]) {
        const h7_image *img = &m->img[c->id];
        if (h7_image_find_symbol(img, "end", &addr, &size) || h7_image_find_symbol(img, "_end", &addr, &size) ||
            h7_image_find_symbol(img, "__end__", &addr, &size))
            blk[0] = addr;
    }
    uint32_t sp = 0;
    if (gread(c, c->nvic.vtor, &sp, 4) && sp) {
        blk[2] = sp;
        blk[1] = blk[3] = sp - 0x1000u;
    }
    return gwrite(c, ptr, blk, sizeof blk) ? 0 : -1;
}

static int32_t sys_get_cmdline(h7_semihost *sh, struct h7_cpu *c, h7_sh_core *sc, uint32_t r1)
{
    uint32_t a[2];
    if (!args(c, r1, a, 2))
        return -1;
    const char *cl = sh->cmdline[c->id] ? sh->cmdline[c->id] : "";
    if (!sh->cmdline[c->id] && ((h7_machine *)c->env.ctx)->has_img[c->id]) {
        const char *p = ((h7_machine *)c->env.ctx)->img[c->id].path, *b = strrchr(p, '/');
        cl = b ? b + 1 : p;   /* argv[0]: the image's file name */
    }
    uint32_t n = (uint32_t)strlen(cl);
    if (n + 1 > a[1]) {
        sc->err = E2BIG;
        return -1;
    }
    a[1] = n;
    if (!gwrite(c, a[0], cl, n + 1) || !gwrite(c, r1 + 4, &a[1], 4))
        return -1;
    return 0;
}

static void sys_exit(h7_semihost *sh, struct h7_cpu *c, uint32_t reason, uint32_t status)
{
    sh->exited = true;
    sh->exit_core = c->id;
    sh->exit_reason = reason;
    sh->exit_status = status;
    h7_semihost_flush(sh);
    char why[120];
    if (reason == H7_ADP_STOPPED_APPLICATION_EXIT)
        snprintf(why, sizeof why, "semihosting exit, status %u", status);
    else
        snprintf(why, sizeof why, "semihosting exit, reason 0x%05X (not ApplicationExit), subcode %u", reason, status);
    h7_machine_trace((h7_machine *)c->env.ctx, h7_core_name(c->id), "%s", why);
    h7_cpu_stop(c, H7_CPU_HALTED, why);
    c->state_before_halt = H7_CPU_HALTED;
    h7_machine_end_run_at(c->env.ctx, c);   /* the run ends here, as the firmware asked */
}

static int32_t dispatch(h7_semihost *sh, struct h7_cpu *c, uint32_t op, uint32_t r1)
{
    h7_sh_core *sc = &sh->core[c->id];
    h7_time_ps now = h7_cpu_local_time(c);
    uint32_t a[3];
    uint8_t ch;
    switch (op) {
    case SYS_OPEN:
        return sys_open(sh, c, sc, r1);
    case SYS_CLOSE:
        return args(c, r1, a, 1) ? sys_close(sc, a[0]) : -1;
    case SYS_WRITEC:
        if (gread(c, r1, &ch, 1))
            console_put(sh, c->id, &ch, 1);
        return 0;
    case SYS_WRITE0:
        for (uint32_t p = r1; gread(c, p, &ch, 1) && ch; p++)
            console_put(sh, c->id, &ch, 1);
        return 0;
    case SYS_WRITE:
        return args(c, r1, a, 3) ? sys_write(sh, c, sc, a[0], a[1], a[2]) : -1;
    case SYS_READ:
        return args(c, r1, a, 3) ? sys_read(sh, c, sc, a[0], a[1], a[2]) : -1;
    case SYS_READC: {   /* same unbuffered reads as SYS_READ on ":tt", so the two can be mixed */
        flush_core(sh, c->id);
        uint8_t b;
        return sh->in && read(fileno(sh->in), &b, 1) == 1 ? b : -1;
    }
    case SYS_ISERROR:
        return args(c, r1, a, 1) ? (int32_t)a[0] < 0 : -1;
    case SYS_ISTTY: {
        if (!args(c, r1, a, 1))
            return -1;
        int k = handle_kind(sc, a[0]);
        if (k == K_FREE) {
            sc->err = EBADF;
            return -1;
        }
        return k == K_CONSOLE_IN || k == K_CONSOLE_OUT;
    }
    case SYS_SEEK:
        return args(c, r1, a, 2) ? sys_seek(sc, a[0], a[1]) : -1;
    case SYS_FLEN:
        return args(c, r1, a, 1) ? sys_flen(sc, a[0]) : -1;
    case SYS_CLOCK:   /* centiseconds of virtual time */
        return (int32_t)(now / (10 * H7_PS_PER_MS));
    case SYS_TIME:    /* seconds: the epoch is the first power-on (no host clock, determinism) */
        return (int32_t)(now / H7_PS_PER_S);
    case SYS_ELAPSED: {
        uint64_t ticks = now / 1000u;
        uint32_t w[2] = {(uint32_t)ticks, (uint32_t)(ticks >> 32)};
        return gwrite(c, r1, w, sizeof w) ? 0 : -1;
    }
    case SYS_TICKFREQ:
        return (int32_t)TICK_HZ;
    case SYS_ERRNO:
        return sc->err;
    case SYS_GET_CMDLINE:
        return sys_get_cmdline(sh, c, sc, r1);
    case SYS_HEAPINFO:
        return sys_heapinfo(c, r1);
    case SYS_EXIT:   /* 32-bit: R1 is the reason itself; ApplicationExit means status 0 */
        sys_exit(sh, c, r1, r1 == H7_ADP_STOPPED_APPLICATION_EXIT ? 0 : 1);
        return 0;
    case SYS_EXIT_EXTENDED:
        if (!args(c, r1, a, 2))
            return -1;
        sys_exit(sh, c, a[0], a[1]);
        return 0;
    case SYS_TMPNAM: case SYS_REMOVE: case SYS_RENAME: case SYS_SYSTEM:
    default: {
        char what[96];
        snprintf(what, sizeof what, "semihosting operation 0x%02X is not implemented", op);
        h7_soc_log(&((h7_machine *)c->env.ctx)->soc, H7_LOG_UNIMP, "semihosting", "%s: %s", h7_core_name(c->id), what);
        sc->err = ENOSYS;
        return -1;
    }
    }
}

bool h7_semihost_bkpt(struct h7_cpu *c, uint32_t pc)
{
    h7_semihost *sh = ((h7_machine *)c->env.ctx)->semihost;
    uint16_t insn = 0;
    if (!sh || !gread(c, pc, &insn, 2) || insn != 0xBEABu)
        return false;
    uint32_t op = h7_cpu_reg(c, UC_ARM_REG_R0), r1 = h7_cpu_reg(c, UC_ARM_REG_R1);
    if (((h7_machine *)c->env.ctx)->has_img[H7_CM7] && ((h7_machine *)c->env.ctx)->has_img[H7_CM4])
        sh->prefix = true;
    sh->ncalls++;
    int32_t r0 = dispatch(sh, c, op, r1);
    uint32_t v = (uint32_t)r0, next = (pc + 2u) | 1u;
    uc_reg_write(c->uc, UC_ARM_REG_R0, &v);
    uc_reg_write(c->uc, UC_ARM_REG_PC, &next);   /* resumes after the BKPT (unicorn notes §4.1) */
    return true;
}

int h7_semihost_exit_code(const h7_semihost *sh, char *why, size_t len)
{
    if (sh->exit_reason == H7_ADP_STOPPED_APPLICATION_EXIT && sh->exit_status == 0) {
        snprintf(why, len, "%s exited with status 0 (semihosting)", h7_core_name(sh->exit_core));
        return 0;
    }
    if (sh->exit_reason == H7_ADP_STOPPED_APPLICATION_EXIT)
        snprintf(why, len, "%s exited with status %u (semihosting)", h7_core_name(sh->exit_core), sh->exit_status);
    else
        snprintf(why, len, "%s stopped with semihosting reason 0x%05X, subcode %u", h7_core_name(sh->exit_core),
                 sh->exit_reason, sh->exit_status);
    return H7_EXIT_FIRMWARE_STATUS;
}

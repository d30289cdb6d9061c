/* The machine: memory, SoC, two cores, the run loop (see machine.h for the scheduling rules). */
#include "machine.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu.h"
#include "dcache.h"
#include "hang.h"
#include "sysmem.h"

#define DEFAULT_QUANTUM_PS (5 * H7_PS_PER_US)
/* The reset generator stretches every internal reset source to at least 20 us (RM0399 §9.4,
 * reset pulse generator). It also guarantees that a reset loop (HardFault -> NVIC_SystemReset)
 * moves virtual time forward. */
#define RESET_PULSE_PS (20 * H7_PS_PER_US)

bool h7_machine_no_fast_forward;

h7_time_ps h7_machine_now(const h7_machine *m)
{
    if (m->running >= 0)
        return h7_cpu_local_time(&m->cpu[m->running]);
    return m->sched.now;
}

void h7_machine_trace(h7_machine *m, const char *src, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    h7_machine_emit(m, &(h7_ev){.kind = H7_EV_NOTE, .src = src, .text = buf});
}

void h7_machine_symbolize(const h7_machine *m, h7_core_id core, uint32_t addr, char *buf, size_t len)
{
    uint32_t off = 0;
    const h7_symbol *s = NULL;
    if (m->has_img[core])
        s = h7_image_symbolize(&m->img[core], addr & ~1u, &off);
    const h7_line *ln = m->has_img[core] ? h7_image_line(&m->img[core], addr & ~1u) : NULL;
    int n = s ? snprintf(buf, len, "0x%08X %s+0x%x", addr & ~1u, s->name, off) : snprintf(buf, len, "0x%08X", addr & ~1u);
    if (ln && n > 0 && (size_t)n < len) {
        const char *base = strrchr(ln->file, '/');
        snprintf(buf + n, len - (size_t)n, " (%s:%u)", base ? base + 1 : ln->file, ln->line);
    }
}

/* ------------------------------------------------------------------ services for the models */

static void log_message(h7_machine *m, h7_log_kind kind, const char *periph, const char *text)
{
    char buf[320];
    snprintf(buf, sizeof buf, "%s: %s", periph, text);
    if (kind == H7_LOG_GUEST_ERROR)
        m->nguest_errors++;
    else if (kind == H7_LOG_UNIMP)
        m->nunimp++;
    for (size_t i = 0; i < m->nlogs; i++)
        if (m->logs[i].kind == kind && strcmp(m->logs[i].text, buf) == 0) {
            m->logs[i].count++;
            return;
        }
    if (m->nlogs >= 4096)
        return;
    if (m->nlogs == m->caplogs) {
        size_t cap = m->caplogs ? m->caplogs * 2 : 64;
        h7_log_entry *l = realloc(m->logs, cap * sizeof *l);
        if (!l)
            return;
        m->logs = l;
        m->caplogs = cap;
    }
    m->logs[m->nlogs++] = (h7_log_entry){strdup(buf), 1, kind};
    if (m->verbose) {
        static const char *kinds[] = {"guest-error", "unimplemented", "note"};
        char tb[40];
        h7_trace_format_time(h7_machine_now(m), tb, sizeof tb);
        fprintf(stderr, "%s  [%s] %s\n", tb, kinds[kind], buf);
    }
}

static h7_time_ps host_now(void *ctx) { return h7_machine_now(ctx); }

static void host_set_irq(void *ctx, h7_core_id core, int irqn, bool level)
{
    h7_machine *m = ctx;
    h7_nvic_set_level(&m->cpu[core].nvic, irqn, level);
}

static void host_send_event(void *ctx, h7_core_id core)
{
    h7_machine *m = ctx;
    m->cpu[core].event_reg = true;
    h7_cpu_check_wake(&m->cpu[core]);
}

static void host_event(void *ctx, const h7_ev *e) { h7_machine_emit(ctx, e); }

static void host_log(void *ctx, h7_log_kind kind, const char *periph, const char *text)
{
    log_message(ctx, kind, periph, text);
}

/* --uart-prefix: the bus master whose TDR write sent the first byte of a line names the line
 * (docs/user-guide.md, `--uart-prefix`): a line both cores wrote into carries its first byte's prefix. */
static const char *uart_prefix_of(h7_master by)
{
    return by == H7_MASTER_CM7 ? "[CM7] " : by == H7_MASTER_CM4 ? "[CM4] " : by == H7_MASTER_DMA ? "[DMA] " : "[DBG] ";
}

static void uart_put(h7_machine *m, FILE *f, bool *mid_line, uint8_t byte, h7_master by)
{
    if (m->uart_prefix && !*mid_line)
        fputs(uart_prefix_of(by), f);
    fputc(byte, f);
    *mid_line = byte != '\n';
}

static void host_uart_tx(void *ctx, int usart, uint8_t byte, h7_master by)
{
    h7_machine *m = ctx;
    if (usart >= 1 && usart <= H7_NUARTS && m->uart_files[usart]) {
        uart_put(m, m->uart_files[usart], &m->uart_mid_line[usart], byte, by);
        fflush(m->uart_files[usart]);
    }
    if (usart != m->console_usart)
        return;
    if (m->uart_out) {
        uart_put(m, m->uart_out, &m->uart_mid_line[0], byte, by);
        if (m->uart_out != stdout || byte == '\n')   /* stdout (--uart -): whole lines */
            fflush(m->uart_out);
    }
    m->uart_last = byte;
    if (m->uart_count_only) {
        m->uart_len++;
        return;
    }
    if (m->uart_len == m->uart_cap) {
        size_t cap = m->uart_cap ? m->uart_cap * 2 : 1024;
        uint8_t *b = realloc(m->uart_buf, cap);
        if (!b)
            return;
        m->uart_buf = b;
        m->uart_cap = cap;
    }
    m->uart_buf[m->uart_len++] = byte;
}

/* ------------------------------------------------------------------ schedule variation (--seed) */

/* The knobs of variation.h applied to this machine. */
void h7_machine_set_seed(h7_machine *m, uint64_t seed)
{
    h7_variation_from_seed(seed, &m->var);
    m->soc.cfg.rng_seed = seed;   /* the RNG's numbers of this run (0: the fixed default), from the next power-on */
    if (seed)
        m->quantum = m->var.quantum;
}

static void variation_after_reset(h7_machine *m)
{
    h7_variation *v = &m->var;
    if (!v->seed)
        return;
    v->phase_pending = v->phase_ps != 0;
    int64_t off = v->cm4_offset_ps;
    h7_cpu *late = &m->cpu[off >= 0 ? H7_CM4 : H7_CM7];
    if (off && late->state == H7_CPU_RUNNING)   /* it leaves reset later: its local time starts ahead */
        h7_cpu_catch_up(late, m->time + (h7_time_ps)(off >= 0 ? off : -off));
}

/* ------------------------------------------------------------------ stretched windows
 *
 * The quantum bounds how far one core runs ahead of the other, which matters only while they
 * interact. While the cores keep to themselves the next window is twice as long, up to
 * max_quantum (default 8 quanta; 8 times that for a core alone, which has nobody to interleave
 * with). Keeping to themselves, over the last window: neither core reached a peripheral register
 * (but for a read of one stable until an event), the PPB or a SEV, took an exception, slept or
 * changed state, and each core that runs did some work other than loops of loads and register
 * operations (which may be polling a flag the other core stores: a polling core keeps one quantum,
 * so it sees the store as soon as before). The first access inside a stretched window ends it one
 * quantum after the access (env_shrink_window), as far as the other core's progress allows.
 * Events still cut every window. Deterministic: it follows what the cores did, never the host;
 * the same with and without the idle fast-forward, which skips only loops that make none of those
 * accesses and no work (idle.c). Not done while a debugger has breakpoints or holds the timeline. */

static bool core_can_run(const h7_cpu *c) { return c->state == H7_CPU_RUNNING; }

static h7_time_ps max_window(const h7_machine *m)
{
    return m->cfg.max_quantum ? m->cfg.max_quantum : 8 * m->quantum;
}

/* What the cores did so far that may reach the other core: it changes with each such thing. */
static uint64_t quiet_signature(const h7_machine *m)
{
    uint64_t s = 0;
    for (int k = 0; k < H7_NCORES; k++) {
        const h7_cpu *c = &m->cpu[k];
        s += c->mmio_count + c->nexceptions + c->nsleeps;   /* each only grows */
        s += (uint64_t)c->state << (56 + 4 * k);
    }
    return s;
}

static bool debugger_watching(const h7_machine *m)
{
    if (m->trace_hold_ahead)
        return true;
    for (int k = 0; k < H7_NCORES; k++)
        if (m->cpu[k].nbps || m->cpu[k].nwps || m->break_addr[k] || m->cpu[k].halt_request)
            return true;
    return false;
}

static void restart_stretch(h7_machine *m)
{
    m->stretch = 1;
    m->quiet_sig = quiet_signature(m) + 1;
    for (int k = 0; k < H7_NCORES; k++)
        m->real_at_open[k] = h7_cpu_real_insns(&m->cpu[k]);
}

/* Each core that runs did work other than loops of loads (which may be polling what the other
 * core writes: those keep one quantum, so a flag in RAM is seen as soon as before) since the
 * last window opened. */
static bool cores_working(h7_machine *m)
{
    bool working = true;
    for (int k = 0; k < H7_NCORES; k++) {
        uint64_t real = h7_cpu_real_insns(&m->cpu[k]);
        if (core_can_run(&m->cpu[k]) && real == m->real_at_open[k])
            working = false;
        m->real_at_open[k] = real;
    }
    return working;
}

/* The length of the next window while a core can run. */
static h7_time_ps window_length(h7_machine *m)
{
    uint64_t sig = quiet_signature(m);
    bool quiet = cores_working(m) && sig == m->quiet_sig && !debugger_watching(m);
    m->quiet_sig = sig;
    if (m->var.phase_pending) {
        m->var.phase_pending = false;
        return m->var.phase_ps;
    }
    /* A core alone (the other one asleep, held or halted) has nobody to interleave with: its
     * windows may grow 8 times longer still (their ends are where it looks for idle loops). */
    bool alone = !core_can_run(&m->cpu[H7_CM7]) || !core_can_run(&m->cpu[H7_CM4]);
    h7_time_ps cap = max_window(m);
    if (alone && cap > m->quantum)
        cap *= 8;
    if (!quiet)
        m->stretch = 1;
    else if ((h7_time_ps)m->stretch * 2 * m->quantum <= cap)
        m->stretch *= 2;
    else if ((h7_time_ps)m->stretch * m->quantum > cap)
        m->stretch = 1;   /* the other core runs again */
    return m->quantum * m->stretch;
}

/* The open window ends at `t` instead, or where the other core of `c` already is if it ran past
 * `t` this window (time never goes back for it). True if the window got shorter. */
static bool end_window_at(h7_machine *m, const h7_cpu *c, h7_time_ps t)
{
    m->window_stretched = false;
    const h7_cpu *o = c->env.other;
    if (core_can_run(o) && h7_cpu_local_time(o) > t)
        t = h7_cpu_local_time(o);
    if (t >= m->window_end)
        return false;
    m->window_end = t;
    return true;
}

/* A core made an access that may reach the other one inside a stretched window (cpu.c
 * count_cross_access): the window ends one quantum after it. */
static void env_shrink_window(void *ctx, h7_cpu *c)
{
    h7_machine *m = ctx;
    h7_time_ps end = h7_cpu_local_time(c) + m->quantum;
    if (!end_window_at(m, c, end))
        return;
    if (!h7_cpu_set_budget(c, end)) {
        c->budget = c->icount;   /* stop at the next block start */
        c->until = end;
    }
}

/* ------------------------------------------------------------------ events, rules, verdicts */

/* RCC changed a clock: the cores run at their new frequency. */
static void react_clocks_changed(h7_machine *m)
{
    for (int k = 0; k < H7_NCORES; k++)
        h7_cpu_set_hz(&m->cpu[k], h7_rcc_cpu_hz(&m->soc.rcc, (h7_core_id)k));
}

/* RCC_GCR.BOOT_Cx set: a core held by BCMx = 0 starts from its boot address (RM0399 §9.5.2). */
static void react_boot_release(h7_machine *m, h7_core_id core)
{
    h7_cpu *c = &m->cpu[core];
    /* A debugger may hold the gated core halted: it is released into the halt, at its reset vector. */
    bool debug_halted = c->state == H7_CPU_HALTED && c->state_before_halt == H7_CPU_HELD;
    if (c->state != H7_CPU_HELD && !debug_halted)
        return;
    h7_cpu_catch_up(c, h7_machine_now(m));
    uint32_t boot = h7_flash_boot_address(&m->soc.flash, core, m->boot0);
    h7_cpu_reset(c, boot, false);
    if (debug_halted && c->state == H7_CPU_RUNNING) {
        c->state_before_halt = H7_CPU_RUNNING;
        c->state = H7_CPU_HALTED;
    }
    h7_machine_emit(m, &(h7_ev){.kind = H7_EV_CORE_RELEASED, .core = core, .u.released.addr = boot});
}

/* A watchdog (or another model) resets the system: noted here, applied by the run loop before the
 * next window (the running core, if any, stops at its next block); never from inside the event. */
static void react_reset_request(h7_machine *m, h7_reset_cause cause, bool core_only, h7_core_id core)
{
    if (core_only) {
        m->corereset_pending[core] = true;
        m->corereset_cause[core] = cause;
        if (m->running == (int)core) {
            m->cpu[core].want_stop = true;
            m->cpu[core].stop_reason = H7_STOP_REQUEST;
        }
        return;
    }
    if (m->sysreset_pending)
        return;   /* the first cause wins */
    m->sysreset_pending = true;
    m->sysreset_cause = cause;
    if (m->running >= 0) {
        m->cpu[m->running].want_stop = true;
        m->cpu[m->running].stop_reason = H7_STOP_REQUEST;
    }
}

/* The machine alone acts on the cores: a verdict of the rules is applied here. */
static void apply_verdict(h7_machine *m, const h7_verdict *v)
{
    if (v->vcore_collapsed)
        h7_pwr_set_supply_fault(&m->soc.pwr);   /* ACTVOSRDY never valid (facts §8.1) */
    switch (v->action) {
    case H7_VERDICT_NONE: break;
    case H7_VERDICT_FAULT_CORE: h7_cpu_stop(&m->cpu[v->core], H7_CPU_FAULTED, v->reason); break;
    case H7_VERDICT_LOCK_DEVICE: h7_machine_lock(m, v->reason); break;
    }
}

void h7_machine_emit(h7_machine *m, const h7_ev *e)
{
    char text[512];
    h7_ev_channel ch = h7_ev_channel_of(e);
    if (ch != H7_CH_NONE)
        h7_ev_render(e, text, sizeof text);
    if (ch == H7_CH_TIMELINE) {
        char fields[320];
        h7_ev_json_fields(e, fields, sizeof fields);
        h7_trace_add_typed(&m->trace, h7_machine_now(m), h7_ev_src(e), text, h7_ev_kind_name(e->kind), fields);
    } else if (ch == H7_CH_GUEST_ERROR) {
        log_message(m, H7_LOG_GUEST_ERROR, h7_ev_src(e), text);
    }
    h7_ev_publish(&m->observers, e);
    if (e->kind == H7_EV_CLOCKS_CHANGED)
        react_clocks_changed(m);
    else if (e->kind == H7_EV_BOOT_RELEASE)
        react_boot_release(m, e->core);
    else if (e->kind == H7_EV_RESET_REQUEST)
        react_reset_request(m, (h7_reset_cause)e->u.rstreq.cause, e->u.rstreq.core_only, e->core);
    if (h7_sup_kinds() & H7_EV_BIT(e->kind)) {
        h7_verdict v = h7_sup_on_event(&m->sup, e);
        apply_verdict(m, &v);
    }
}

/* The view the rules get of the machine (h7_sup_view). */
static h7_time_ps view_now(void *ctx) { return h7_machine_now(ctx); }

static bool view_actor(void *ctx, uint32_t reg_addr, h7_core_id *core, char *where, size_t len)
{
    h7_machine *m = ctx;
    if (m->running < 0)
        return false;
    h7_cpu *c = &m->cpu[m->running];
    uint32_t pc = 0;
    *core = c->id;
    if (reg_addr && h7_cpu_locate_access(c, reg_addr, &pc)) {
        h7_machine_symbolize(m, c->id, pc, where, len);
    } else {
        char blk[160];
        h7_machine_symbolize(m, c->id, c->blk_addr, blk, sizeof blk);
        snprintf(where, len, "in the block starting at %s", blk);
    }
    return true;
}

static void view_describe_core(void *ctx, h7_core_id k, char *buf, size_t len)
{
    h7_machine *m = ctx;
    h7_cpu *c = &m->cpu[k];
    char where[160] = "";
    if (c->state != H7_CPU_NOFW && c->state != H7_CPU_HELD)
        h7_machine_symbolize(m, k, h7_cpu_pc(c), where, sizeof where);
    switch (c->state) {
    case H7_CPU_SLEEP_WFE:
    case H7_CPU_SLEEP_WFI:
        snprintf(buf, len, "%s was asleep in %s%s at %.120s", h7_core_name(k), c->state == H7_CPU_SLEEP_WFE ? "WFE" : "WFI",
                 c->deep_sleep ? (k == H7_CM4 ? " (CStop, D2 Stop)" : " (CStop, D1 Stop)") : "", where);
        break;
    case H7_CPU_RUNNING:
        snprintf(buf, len, "%s was running at %.120s", h7_core_name(k), where);
        break;
    default:
        snprintf(buf, len, "%s was %s", h7_core_name(k), h7_cpu_state_name(c->state));
        break;
    }
}

static void view_emit(void *ctx, const h7_ev *e) { h7_machine_emit(ctx, e); }

void h7_machine_print_diagnosis(h7_machine *m, FILE *out) { h7_sup_print_diagnosis(&m->sup, out); }

/* Services for the cores (h7_cpu_env). */
static h7_time_ps env_now(void *ctx) { return h7_machine_now(ctx); }
static void env_emit(void *ctx, const h7_ev *e) { h7_machine_emit(ctx, e); }
static void env_symbolize(void *ctx, h7_core_id core, uint32_t addr, char *buf, size_t len)
{
    h7_machine_symbolize(ctx, core, addr, buf, len);
}

static bool env_bkpt(void *ctx, h7_cpu *c, uint32_t pc)
{
    h7_machine *m = ctx;
    return m->serve_bkpt && m->serve_bkpt(c, pc);
}

static bool env_next_window(void *ctx, h7_cpu *c) { return h7_machine_next_window(ctx, c); }

static bool env_read_mem(void *ctx, h7_core_id core, uint32_t addr, void *buf, size_t len)
{
    return h7_machine_read_mem(ctx, core, addr, buf, len);
}

static h7_machine *machine_of(const h7_cpu *c) { return c->env.ctx; }

static bool host_core_halted(void *ctx, h7_core_id core)
{
    return ((h7_machine *)ctx)->cpu[core].state == H7_CPU_HALTED;
}

/* The Ethernet DMA is a D2 bus master: it sees memory as the CM4 does (no TCMs). */
static bool eth_dma_read(void *ctx, uint32_t addr, uint32_t *value)
{
    return h7_machine_read_mem(ctx, H7_CM4, addr, value, sizeof *value);
}

/* NVIC services for one core. */
static h7_time_ps cpu_now(void *ctx)
{
    h7_cpu *c = ctx;
    h7_time_ps local = h7_cpu_local_time(c);
    if (machine_of(c)->running == (int)c->id)
        return local;
    h7_time_ps mt = h7_machine_now(machine_of(c));
    return local > mt ? local : mt;
}

static uint64_t cpu_cycles(void *ctx) { return ((h7_cpu *)ctx)->icount; }

static void cpu_pending_changed(void *ctx)
{
    h7_cpu *c = ctx;
    c->irq_check = true;
    h7_cpu_check_wake(c);
}

static void cpu_sev_on_pend(void *ctx)
{
    h7_cpu *c = ctx;
    c->event_reg = true;
}

static void cpu_system_reset(void *ctx)
{
    h7_cpu *c = ctx;
    if (!machine_of(c)->sysreset_pending) {
        h7_time_ps t = h7_machine_now(machine_of(c));
        machine_of(c)->sysreset_at = (t > machine_of(c)->time ? t : machine_of(c)->time) + RESET_PULSE_PS;
    }
    machine_of(c)->sysreset_pending = true;
    machine_of(c)->sysreset_cause = c->id == H7_CM7 ? H7_CAUSE_SFT_CM7 : H7_CAUSE_SFT_CM4;
    c->want_stop = true;
    c->stop_reason = H7_STOP_REQUEST;
}

/* DMA masters' memory accesses (h7_host_ops.bus_read/bus_write) go through the D-cache
 * bookkeeping (dcache.c). */
static bool host_bus_read(void *ctx, h7_bus_master bm, uint32_t addr, void *buf, unsigned len)
{
    return h7_dcache_bus_read(((h7_machine *)ctx)->dcache, bm, addr, buf, len);
}

static bool host_bus_write(void *ctx, h7_bus_master bm, uint32_t addr, const void *buf, unsigned len)
{
    return h7_dcache_bus_write(((h7_machine *)ctx)->dcache, bm, addr, buf, len);
}

static void dcache_emit(void *ctx, const h7_ev *e) { h7_machine_emit(ctx, e); }

static void cpu_scb_write(void *ctx, uint32_t off, uint32_t value)
{
    h7_cpu *c = ctx;
    if (c->id == H7_CM7)   /* only the Cortex-M7 has caches */
        h7_dcache_scb_write(machine_of(c)->dcache, off, value);
}

static void cpu_log(void *ctx, int kind, const char *text)
{
    h7_cpu *c = ctx;
    log_message(machine_of(c), (h7_log_kind)kind, c->id == H7_CM7 ? "CM7 PPB" : "CM4 PPB", text);
}

/* ------------------------------------------------------------------ create / load */

static int load_image(h7_machine *m, h7_core_id core, const char *path, char *err, size_t errlen)
{
    if (h7_image_load(path, &m->img[core], err, errlen) != 0)
        return -1;
    m->has_img[core] = true;
    h7_core_id other = core == H7_CM7 ? H7_CM4 : H7_CM7;
    if (h7_image_check_placement(&m->img[core], core, m->has_img[other] ? &m->img[other] : NULL, err, errlen) != 0)
        return -1;
    return 0;
}

/* Flash segments are programmed once (non-volatile); RAM segments are loaded after each power-on,
 * as a debugger's `load` would. */
static void write_segments(h7_machine *m, h7_core_id core, bool flash)
{
    const h7_image *img = &m->img[core];
    for (size_t i = 0; i < img->nseg; i++) {
        const h7_segment *s = &img->segs[i];
        if (!s->filesz)
            continue;
        const h7_mem_region *r = h7_memmap_find(core, s->paddr);
        if (!r || (r->kind == H7_MEM_FLASH) != flash)
            continue;
        memcpy(m->phys[r->phys] + r->phys_offset + (s->paddr - r->base), s->data, s->filesz);
    }
}

int h7_machine_create(h7_machine **out, const h7_machine_config *cfg, char *err, size_t errlen)
{
    h7_machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = m;
    m->cfg = *cfg;
    m->board = cfg->board ? *cfg->board : *h7_board_builtin("nucleo-h755zi-q");
    m->cfg.board = &m->board;
    m->boot0 = m->board.boot0;
    m->running = -1;
    m->console_usart = m->board.console_usart;
    m->quantum = cfg->quantum ? cfg->quantum : DEFAULT_QUANTUM_PS;
    m->ff_enabled = !cfg->no_fast_forward && !h7_machine_no_fast_forward;
    h7_trace_init(&m->trace);
    for (int p = 0; p < H7_PHYS_COUNT; p++) {
        void *buf = mmap(NULL, h7_phys_mems[p].size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (buf == MAP_FAILED) {
            snprintf(err, errlen, "cannot allocate %s", h7_phys_mems[p].name);
            return -1;
        }
        m->phys[p] = buf;
        memset(buf, h7_phys_mems[p].fill, h7_phys_mems[p].size);
    }
    if (cfg->cm7_path && load_image(m, H7_CM7, cfg->cm7_path, err, errlen) != 0)
        return -1;
    if (cfg->cm4_path && load_image(m, H7_CM4, cfg->cm4_path, err, errlen) != 0)
        return -1;
    h7_sched_init(&m->sched);
    h7_host_ops ops = {
        .now = host_now, .set_irq = host_set_irq, .send_event = host_send_event, .event = host_event,
        .log = host_log, .uart_tx = host_uart_tx, .bus_read = host_bus_read, .bus_write = host_bus_write, .core_halted = host_core_halted,
    };
    h7_sysmem_init(m->phys[H7_PHYS_SYSMEM]);
    h7_soc_config sc = {
        .hse_hz = m->board.hse_hz, .hse_bypass = m->board.hse_bypass,
        .idcode = m->board.idcode ? m->board.idcode : 0x20036450u, .flash_mem = m->phys[H7_PHYS_FLASH],
        .lse_hz = m->board.lse_hz, .lse_bypass = m->board.lse_bypass, .lse_startup_ps = m->board.lse_startup_ps,
        .vbat_battery = m->board.vbat_battery,
        .analog = m->board.analog, .eth = m->board.eth,
    };
    h7_soc_init(&m->soc, &ops, m, &m->sched, &sc);
    h7_sup_view view = {m, view_now, view_actor, view_describe_core, view_emit};
    h7_sup_init(&m->sup, &view, &m->soc, &m->board, cfg->policy);

    m->soc.eth.mem_read = eth_dma_read;
    m->soc.eth.mem_ctx = m;
    for (int k = 0; k < H7_NCORES; k++) {
        h7_cpu *c = &m->cpu[k];
        h7_cpu_env env = {
            .soc = &m->soc, .phys = m->phys, .running = &m->running, .stop_requested = &m->stop_requested,
            .sysreset_pending = &m->sysreset_pending, .break_addr = m->break_addr, .break_hit = m->break_hit,
            .has_img = m->has_img,
            .ctx = m, .now = env_now, .emit = env_emit, .symbolize = env_symbolize,
            .bkpt = env_bkpt, .next_window = env_next_window, .read_mem = env_read_mem,
            .other = &m->cpu[k == H7_CM7 ? H7_CM4 : H7_CM7], .ff_enabled = &m->ff_enabled,
            .in_run_loop = &m->in_run_loop, .events_fired = &m->events_fired, .code_epoch = &m->code_epoch,
            .window_stretched = &m->window_stretched, .shrink_window = env_shrink_window,
        };
        if (h7_cpu_open(c, &env, (h7_core_id)k, err, errlen) != 0)
            return -1;
        h7_nvic_host nh = {c, cpu_now, cpu_cycles, cpu_pending_changed, cpu_sev_on_pend, cpu_system_reset, cpu_log,
                          cpu_scb_write};
        h7_nvic_init(&c->nvic, (h7_core_id)k, &nh, &m->sched);
    }
    h7_dcache_env dce = {.phys = m->phys, .cpu = {&m->cpu[H7_CM7], &m->cpu[H7_CM4]},
                         .reported = &m->sup.rule_fired[H7_R_DCACHE_INVALIDATE_AFTER_DMA], .ctx = m, .emit = dcache_emit};
    m->dcache = h7_dcache_new(&dce);
    for (int k = 0; k < H7_NCORES; k++) {
        if (!m->has_img[k])
            continue;
        write_segments(m, (h7_core_id)k, true);
    }
    return 0;
}

void h7_machine_destroy(h7_machine *m)
{
    if (!m)
        return;
    for (int k = 0; k < H7_NCORES; k++) {
        h7_cpu_close(&m->cpu[k]);
        if (m->has_img[k])
            h7_image_free(&m->img[k]);
    }
    h7_soc_free(&m->soc);
    h7_dcache_free(m->dcache);
    for (int p = 0; p < H7_PHYS_COUNT; p++)
        if (m->phys[p])
            munmap(m->phys[p], h7_phys_mems[p].size);
    for (size_t i = 0; i < m->nlogs; i++)
        free(m->logs[i].text);
    free(m->logs);
    free(m->uart_buf);
    h7_trace_free(&m->trace);
    free(m);
}

void h7_machine_flush_uart_lines(h7_machine *m)
{
    for (int u = 1; u <= H7_NUARTS; u++)
        h7_usart_flush_line(h7_soc_uart(&m->soc, u));
}

/* ------------------------------------------------------------------ reset */

static void flush_all_code(h7_machine *m)
{
    for (int k = 0; k < H7_NCORES; k++)
        for (size_t i = 0; i < h7_mem_region_count; i++)
            if (h7_mem_regions[i].on_core[k])
                h7_cpu_flush_code(&m->cpu[k], h7_mem_regions[i].base,
                                  h7_mem_regions[i].base + h7_mem_regions[i].size);
}

static void reset_core(h7_machine *m, h7_core_id id)
{
    h7_cpu *c = &m->cpu[id];
    c->hz = h7_rcc_cpu_hz(&m->soc.rcc, id);
    c->seg_time = m->sched.now;
    c->seg_cycles = c->icount;
    uint32_t boot = h7_flash_boot_address(&m->soc.flash, id, m->boot0);
    bool held = !h7_flash_boot_enabled(&m->soc.flash, id);
    h7_cpu_reset(c, boot, held);
    char where[160];
    h7_machine_symbolize(m, id, h7_cpu_pc(c), where, sizeof where);
    if (c->state == H7_CPU_RUNNING)
        h7_machine_emit(m, &(h7_ev){.kind = H7_EV_CORE_BOOT, .core = id,
                                    .u.boot = {where, boot, h7_cpu_reg(c, UC_ARM_REG_MSP)}});
    else if (c->state == H7_CPU_HELD)
        h7_machine_emit(m, &(h7_ev){.kind = H7_EV_CORE_HELD, .core = id});
    else
        h7_machine_trace(m, h7_core_name(id), "%s", c->fault_text);
}

static void reset_cores(h7_machine *m)
{
    for (int k = 0; k < H7_NCORES; k++) {
        reset_core(m, (h7_core_id)k);
        m->corereset_pending[k] = false;
    }
}

/* One CPU reset alone (RM0399 §9.4.4: WWDGx with RCC_GCR.WWxRSC = 0): the other CPU and the
 * peripherals go on; RCC_RSR gains the watchdog's flag and CxRSTF. */
static void apply_core_reset(h7_machine *m, h7_core_id id)
{
    h7_reset_cause cause = m->corereset_cause[id];
    m->corereset_pending[id] = false;
    h7_cpu_catch_up(&m->cpu[id], m->time);
    h7_machine_emit(m, &(h7_ev){.kind = H7_EV_CORE_RESET, .core = id, .u.corereset = {h7_reset_cause_name(cause)}});
    h7_rcc_add_reset_flags(&m->soc.rcc, h7_rcc_rsr_core_flags(cause, id));
    h7_soc_cpu_stop_changed(&m->soc, id, false);
    flush_all_code(m);
    reset_core(m, id);
}

static void cancel_all_events(h7_sched *s)
{
    while (s->head)
        h7_sched_cancel(s, s->head);
}

void h7_machine_power_on(h7_machine *m)
{
    cancel_all_events(&m->sched);
    m->sched.now = m->time;
    for (int p = 0; p < H7_PHYS_COUNT; p++)
        if (h7_phys_mems[p].fill == 0 && !(p == H7_PHYS_BKPSRAM && m->board.vbat_battery))
            memset(m->phys[p], 0, h7_phys_mems[p].size);   /* RAM content is lost without power (backup
                                                              SRAM too unless VBAT has a battery) */
    for (int k = 0; k < H7_NCORES; k++)
        if (m->has_img[k])
            write_segments(m, (h7_core_id)k, false);
    h7_machine_flush_uart_lines(m);
    h7_machine_emit(m, &(h7_ev){.kind = H7_EV_POWER_ON, .u.por.boot0 = m->boot0});
    m->locked = false;
    m->lock_pending = false;
    h7_dcache_reset(m->dcache);
    h7_sup_power_on(&m->sup);
    h7_soc_reset(&m->soc, H7_RESET_POWER_ON);
    h7_rcc_add_reset_flags(&m->soc.rcc, h7_rcc_rsr_flags(H7_CAUSE_POWER_ON));   /* 0x00FE_0000 */
    flush_all_code(m);
    reset_cores(m);
    variation_after_reset(m);
    restart_stretch(m);
    m->sysreset_pending = false;
}

void h7_machine_reset_with_cause(h7_machine *m, h7_reset_cause cause)
{
    cancel_all_events(&m->sched);
    m->sched.now = m->time;
    h7_machine_flush_uart_lines(m);   /* what was printed before the reset, then the reset */
    h7_machine_emit(m, &(h7_ev){.kind = H7_EV_SYSTEM_RESET, .core = cause == H7_CAUSE_SFT_CM4 ? H7_CM4 : H7_CM7,
                            .u.sysreset = {cause == H7_CAUSE_SFT_CM7 || cause == H7_CAUSE_SFT_CM4, (int)cause,
                                           h7_reset_cause_name(cause)}});
    if (m->locked) {
        /* PWR_CR3 keeps the bad supply setting through a system reset (RM0399 §7.8.4): VCORE
         * stays collapsed and nothing restarts. */
        h7_machine_emit(m, &(h7_ev){.kind = H7_EV_STILL_LOCKED});
        m->sysreset_pending = false;
        return;
    }
    h7_soc_reset(&m->soc, H7_RESET_SYSTEM);
    h7_dcache_reset(m->dcache);
    /* RCC_RSR: C1/C2 + PINRSTF and the flag of the source (RM0399 §9.4.4, h7_rcc_rsr_flags). */
    h7_rcc_add_reset_flags(&m->soc.rcc, h7_rcc_rsr_flags(cause));
    flush_all_code(m);
    reset_cores(m);
    variation_after_reset(m);
    restart_stretch(m);
    m->sysreset_pending = false;
}

void h7_machine_system_reset(h7_machine *m, h7_core_id source, bool software)
{
    h7_machine_reset_with_cause(m, !software ? H7_CAUSE_PIN : source == H7_CM7 ? H7_CAUSE_SFT_CM7 : H7_CAUSE_SFT_CM4);
}

/* ------------------------------------------------------------------ run loop */

static void sync_flash(h7_machine *m)
{
    uint32_t lo, hi;
    if (h7_flash_take_dirty(&m->soc.flash, &lo, &hi)) {
        m->code_epoch++;
        for (int k = 0; k < H7_NCORES; k++)
            h7_cpu_flush_code(&m->cpu[k], lo, hi);
    }
}

static h7_run_result run_windows(h7_machine *m, h7_time_ps duration);

static void flush_trace(h7_machine *m)
{
    if (m->trace_hold_ahead)
        h7_trace_flush_until(&m->trace, m->time);
    else
        h7_trace_flush(&m->trace);
}

/* The trace of a window is written out in time order at the window's end (trace.h `defer`). */
h7_run_result h7_machine_run_for(h7_machine *m, h7_time_ps duration)
{
    bool was = m->trace.defer;
    m->trace.defer = true;
    h7_run_result r = run_windows(m, duration);
    flush_trace(m);
    m->trace.defer = was;
    return r;
}

/* Open the window [m->time, window_end): one quantum while a core can run (or a stretched one),
 * cut at the next queued event and at the run's end. */
static void open_window(h7_machine *m)
{
    bool any = core_can_run(&m->cpu[H7_CM7]) || core_can_run(&m->cpu[H7_CM4]);
    h7_time_ps next = h7_sched_next(&m->sched);
    h7_time_ps t_end = any ? m->time + window_length(m) : m->run_end;
    if (next < t_end)
        t_end = next < m->time ? m->time : next;
    if (m->run_end < t_end)
        t_end = m->run_end;
    m->window_end = t_end;
    m->window_stretched = any && t_end - m->time > m->quantum;
    m->window_open = true;
    m->window_seq++;
}

/* Close the window: global time reaches its end, sleeping cores catch up, every event due by
 * then fires, flash changes reach the translated code, the window's trace is written out. */
static bool flash_dirty(const h7_machine *m)
{
    return m->soc.flash.dirty_hi != 0 || h7_dcache_code_dirty(m->dcache);   /* CPU or DMA wrote code */
}

/* Translated code that flash programming or a DMA overwrote is dropped (not from a block hook). */
static void sync_code(h7_machine *m)
{
    sync_flash(m);
    h7_dcache_sync_code(m->dcache);
}

static void close_window(h7_machine *m)
{
    h7_time_ps t_end = m->window_end;
    m->window_open = false;
    m->time = t_end;
    for (int k = 0; k < H7_NCORES; k++)
        if (!core_can_run(&m->cpu[k]))
            h7_cpu_catch_up(&m->cpu[k], t_end);
    m->events_fired += h7_sched_run_until(&m->sched, t_end);
    if (!m->in_hook)   /* translated code is not dropped from inside a block hook: see below */
        sync_code(m);
    flush_trace(m);
}

/* Each core runs to the window end; a core woken by the other one during the window (an
 * interrupt, an event) runs again from its wake-up time before the window closes, so that a
 * cross-core notification costs its real latency, not a whole quantum. */
static void run_cores(h7_machine *m)
{
    for (bool again = true; again && !m->stop_requested && !m->sysreset_pending;) {
        again = false;
        int first = h7_variation_first_core(&m->var);   /* 0 (CM7) unless a --seed says otherwise */
        for (int i = 0; i < H7_NCORES && m->window_open; i++) {
            int k = i ^ first;
            if (core_can_run(&m->cpu[k]) && !m->corereset_pending[k] && h7_cpu_local_time(&m->cpu[k]) < m->window_end) {
                unsigned seq = m->window_seq;
                h7_cpu_run(&m->cpu[k], m->window_end);
                sync_code(m);   /* a window closed in the hook left its code changes to here */
                again = true;
                if (m->window_seq != seq)
                    break;   /* the core opened a new window (h7_machine_next_window): order anew */
            }
        }
    }
}

/* The debugger halted or resumed a core since the SoC last looked: the DBGMCU freezes (timers,
 * LPTIMs, watchdogs) follow. Halts happen inside a core's run (breakpoints, steps) or between runs (the GDB
 * server, scenario steps); the run loop notices them at its window boundaries. */
static void sync_debug_halts(h7_machine *m)
{
    unsigned halted = 0;
    for (int k = 0; k < H7_NCORES; k++)
        if (m->cpu[k].state == H7_CPU_HALTED)
            halted |= 1u << k;
    if (halted == m->debug_halted)
        return;
    m->debug_halted = halted;
    h7_soc_debug_halt_changed(&m->soc);
}

static h7_run_result run_windows(h7_machine *m, h7_time_ps duration)
{
    m->run_end = m->time + duration;
    m->in_run_loop = true;
    /* Between runs, scenario steps and the debugger may change memory or registers. */
    for (int k = 0; k < H7_NCORES; k++) {
        m->cpu[k].ff_parked = false;
        m->cpu[k].ff_probe = NULL;
        m->cpu[k].irq_check = true;
    }
    h7_run_result r = H7_RUN_TIME_LIMIT;
    while (m->time < m->run_end) {
        if (m->stop_requested) {
            m->stop_requested = false;
            r = H7_RUN_STOPPED;
            break;
        }
        if (m->sysreset_pending) {
            /* Time only moves forward: the reset happens at the end of its pulse, after the
             * request; the cores are held meanwhile. */
            if (m->sysreset_at > m->time) {
                h7_time_ps t = m->sysreset_at < m->run_end ? m->sysreset_at : m->run_end;
                for (int k = 0; k < H7_NCORES; k++)
                    h7_cpu_catch_up(&m->cpu[k], t);
                m->time = t;
                if (t < m->sysreset_at)
                    break;   /* still in reset when the run ends */
            }
            h7_machine_reset_with_cause(m, m->sysreset_cause);
        }
        for (int k = 0; k < H7_NCORES; k++)
            if (m->corereset_pending[k])
                apply_core_reset(m, (h7_core_id)k);
        sync_debug_halts(m);
        open_window(m);
        run_cores(m);
        if (m->window_open && !m->stop_requested && !m->sysreset_pending)
            close_window(m);
        if (m->end_after_window) {
            m->end_after_window = false;
            r = H7_RUN_STOPPED;
            break;
        }
    }
    m->in_run_loop = false;
    return r;
}

/* A stop, a reset or the end of the run: the run loop acts on it (not from inside a block hook). */
static bool run_loop_stops(const h7_machine *m)
{
    return m->stop_requested || m->end_after_window || m->sysreset_pending || m->corereset_pending[H7_CM7] ||
           m->corereset_pending[H7_CM4];
}

/* From the block hook of `c`: the other core runs its part of the window now, as run_cores would
 * run it next, in its own engine (two Unicorn engines are independent: starting one from a hook
 * of the other works on 2.0.1 and 2.1.1), so that `c` goes on without leaving uc_emu_start. Only
 * under a fixed core order: a seeded coin flip per window stays with run_cores. False when the
 * run loop has something to do (a stop, a reset, code to drop from translated blocks). */
static bool run_other_inside(h7_machine *m, h7_cpu *c, h7_cpu *other)
{
    if (m->nested_run || m->separate_runs || m->var.order == H7_ORDER_RANDOM)
        return false;
    m->nested_run = true;
    h7_cpu_run(other, m->window_end);
    m->nested_run = false;
    m->running = (int)c->id;
    return !run_loop_stops(m) && !flash_dirty(m);
}

/* The block hook of `c` found its budget for the window used up. The run loop would now run the
 * other core to the window end (if it can run), close the window and open the next: do exactly
 * that here -- the other core inside this hook (run_other_inside) -- so that `c` goes on inside the
 * same uc_emu_start. Returns false whenever the run loop has something else to do (a stop, a
 * reset, code to drop, the run's end, a seeded core order); the core then stops as it would have. */
bool h7_machine_next_window(h7_machine *m, h7_cpu *c)
{
    if (!m->in_run_loop || !m->window_open || m->nested_run)
        return false;
    h7_cpu *other = &m->cpu[c->id == H7_CM7 ? H7_CM4 : H7_CM7];
    for (;;) {
        /* h7_cpu_run's loop, then run_cores' */
        if (c->state != H7_CPU_RUNNING || run_loop_stops(m))
            return false;
        if (h7_cpu_set_budget(c, m->window_end))
            return true;
        if (core_can_run(other) && h7_cpu_local_time(other) < m->window_end) {
            if (!run_other_inside(m, c, other))
                return false;
            continue;
        }
        /* run_windows */
        if (flash_dirty(m))
            return false;
        int running = m->running;
        m->running = -1;
        m->in_hook = true;
        close_window(m);
        m->in_hook = false;
        m->running = running;
        if (m->time >= m->run_end || m->stop_requested || m->sysreset_pending || flash_dirty(m))
            return false;
        open_window(m);
        if (core_can_run(other) && h7_cpu_local_time(other) < m->window_end &&
            (m->var.order == H7_ORDER_RANDOM || h7_variation_first_core(&m->var) != (int)c->id)) {
            /* the other core runs first in the new window */
            if (!run_other_inside(m, c, other)) {
                c->leave_run = true;
                return false;
            }
        }
    }
}

/* The firmware of core `c` ended the run (semihosting exit): the run ends at c's local time. The
 * other core still runs up to that time -- what it did before then is part of the run, whatever
 * the windows -- then the run loop returns H7_RUN_STOPPED. */
void h7_machine_end_run_at(h7_machine *m, h7_cpu *c)
{
    if (!m->in_run_loop || !m->window_open) {
        m->stop_requested = true;
        return;
    }
    end_window_at(m, c, h7_cpu_local_time(c));
    m->end_after_window = true;
}

/* ------------------------------------------------------------------ inspection */

bool h7_machine_read_mem(h7_machine *m, h7_core_id core, uint32_t addr, void *buf, size_t len)
{
    const h7_mem_region *r = h7_memmap_find(core, addr);
    if (r && (uint64_t)(addr - r->base) + len <= r->size) {
        memcpy(buf, m->phys[r->phys] + r->phys_offset + (addr - r->base), len);
        return true;
    }
    return false;
}

static unsigned cpu_ipsr(h7_cpu *c) { return h7_cpu_reg(c, UC_ARM_REG_XPSR) & 0x1FFu; }

bool h7_machine_firmware_faulted(h7_machine *m, char *why, size_t len)
{
    for (int k = 0; k < H7_NCORES; k++) {
        h7_cpu *c = &m->cpu[k];
        if (c->state == H7_CPU_LOCKUP || c->state == H7_CPU_FAULTED) {
            snprintf(why, len, "%s: %s", h7_core_name(c->id), c->fault_text);
            return true;
        }
        if (m->has_img[k] && c->state == H7_CPU_NOFW) {
            snprintf(why, len, "%s: %s", h7_core_name(c->id), c->fault_text);
            return true;
        }
        unsigned ipsr = (c->state == H7_CPU_RUNNING || c->state == H7_CPU_SLEEP_WFI || c->state == H7_CPU_SLEEP_WFE)
                            ? cpu_ipsr(c) : 0;
        if (ipsr >= H7_EXC_HARDFAULT && ipsr <= H7_EXC_USAGEFAULT) {
            char where[160];
            h7_machine_symbolize(m, c->id, h7_cpu_pc(c), where, sizeof where);
            snprintf(why, len, "%s: ended inside its %s handler at %s (CFSR 0x%08X HFSR 0x%08X)", h7_core_name(c->id),
                     ipsr == 3 ? "HardFault" : ipsr == 4 ? "MemManage" : ipsr == 5 ? "BusFault" : "UsageFault",
                     where, c->nvic.cfsr, c->nvic.hfsr);
            return true;
        }
        /* Error_Handler (by symbol, or inlined: DWARF inline ranges) or `b .` with interrupts masked. */
        if (h7_hang_detect(c, m->has_img[k] ? &m->img[k] : NULL, why, len))
            return true;
    }
    return false;
}

static void lock_now(h7_machine *m)
{
    m->locked = true;
    m->lock_pending = false;
    for (int k = 0; k < H7_NCORES; k++)
        h7_cpu_stop(&m->cpu[k], H7_CPU_UNPOWERED, "core supply lost");
    h7_machine_emit(m, &(h7_ev){.kind = H7_EV_DEVICE_LOCKED, .text = m->lock_cause});
    h7_machine_emit(m, &(h7_ev){.kind = H7_EV_LINK_LOST, .text = H7_ST_LINK_LOST});
}

void h7_machine_lock(h7_machine *m, const char *cause)
{
    snprintf(m->lock_cause, sizeof m->lock_cause, "%s", cause);
    h7_cpu *c = m->running >= 0 ? &m->cpu[m->running] : NULL;
    if (c && c->halt_request && (c->halt_reason == H7_HALT_WATCHPOINT || c->halt_reason == H7_HALT_BREAKPOINT)) {
        /* The debugger asked to stop at this access: the core halts there first (imprecise, like
         * a DWT watchpoint: at the end of the block) and the device locks on continue. */
        m->lock_pending = true;
        m->stop_requested = true;
        h7_machine_trace(m, "debug", "%s stopped by the debugger at the access that locks the device", h7_core_name(c->id));
        return;
    }
    lock_now(m);
}

void h7_machine_apply_pending_lock(h7_machine *m)
{
    if (m->lock_pending)
        lock_now(m);
}

bool h7_machine_debug_link_ok(h7_machine *m, char *msg, size_t len)
{
    if (!m->locked)
        return true;
    snprintf(msg, len, "The interface firmware FAILED to reset/halt the target MCU");
    return false;
}

bool h7_machine_debug_mass_erase(h7_machine *m, char *msg, size_t len)
{
    if (!h7_machine_debug_link_ok(m, msg, len)) {
        h7_machine_trace(m, "debug", "mass erase failed: %s", msg);
        return false;
    }
    h7_flash_mass_erase(&m->soc.flash);
    uint32_t lo, hi;
    h7_flash_take_dirty(&m->soc.flash, &lo, &hi);
    for (int k = 0; k < H7_NCORES; k++)
        h7_cpu_flush_code(&m->cpu[k], H7_FLASH_BASE, H7_FLASH_BASE + H7_FLASH_SIZE);
    return true;
}

bool h7_machine_debug_load(h7_machine *m, h7_core_id core, const char *path, char *msg, size_t len)
{
    if (!h7_machine_debug_link_ok(m, msg, len)) {
        h7_machine_trace(m, "debug", "load failed: %s", msg);
        return false;
    }
    h7_image img;
    if (h7_image_load(path, &img, msg, len) != 0)
        return false;
    h7_core_id other = core == H7_CM7 ? H7_CM4 : H7_CM7;
    if (h7_image_check_placement(&img, core, m->has_img[other] ? &m->img[other] : NULL, msg, len) != 0) {
        h7_image_free(&img);
        return false;
    }
    if (m->has_img[core])
        h7_image_free(&m->img[core]);
    m->img[core] = img;
    m->has_img[core] = true;
    write_segments(m, core, true);
    for (int k = 0; k < H7_NCORES; k++)
        h7_cpu_flush_code(&m->cpu[k], H7_FLASH_BASE, H7_FLASH_BASE + H7_FLASH_SIZE);
    h7_machine_trace(m, "debug", "loaded %s into flash for the %s", path, h7_core_name(core));
    return true;
}

void h7_machine_set_boot0(h7_machine *m, bool level)
{
    m->boot0 = level;
    h7_machine_trace(m, "board", "boot0 = %d", level ? 1 : 0);
}

void h7_machine_print_summary(h7_machine *m, FILE *out)
{
    char tb[40];
    h7_trace_format_time(m->time, tb, sizeof tb);
    fprintf(out, "--- h7emu summary at %s (board %s) ---\n", tb, m->board.name);
    for (int k = 0; k < H7_NCORES; k++) {
        h7_cpu *c = &m->cpu[k];
        char where[160] = "-";
        if (c->state != H7_CPU_NOFW && c->state != H7_CPU_HELD)
            h7_machine_symbolize(m, c->id, h7_cpu_pc(c), where, sizeof where);
        h7_time_ps slept = c->slept_ps;
        if ((c->state == H7_CPU_SLEEP_WFI || c->state == H7_CPU_SLEEP_WFE) && m->time > c->sleep_start)
            slept += m->time - c->sleep_start;   /* the sleep still going on */
        double pct = m->time ? 100.0 * (double)slept / (double)m->time : 0.0;
        fprintf(out, "%s  %-17s pc %-44s %3u MHz  %12llu cycles  %6llu exceptions  %6llu sleeps (%.0f%% asleep)\n",
                h7_core_name(c->id), h7_cpu_state_name(c->state), where, c->hz / 1000000u,
                (unsigned long long)c->icount, (unsigned long long)c->nexceptions, (unsigned long long)c->nsleeps, pct);
        if (c->fault_text[0] && c->state != H7_CPU_RUNNING)
            fprintf(out, "     %s\n", c->fault_text);
    }
    if (m->nguest_errors || m->nunimp)
        fprintf(out, "log: %u guest error(s), %u unimplemented access(es)%s\n", m->nguest_errors, m->nunimp,
                m->verbose ? "" : " (run with -v to list them)");
    char np[600];
    h7_cpu *cores[H7_NCORES] = {&m->cpu[H7_CM7], &m->cpu[H7_CM4]};
    const h7_image *imgs[H7_NCORES] = {m->has_img[H7_CM7] ? &m->img[H7_CM7] : NULL,
                                       m->has_img[H7_CM4] ? &m->img[H7_CM4] : NULL};
    if (!m->locked && h7_hang_no_progress(cores, imgs, m->uart_len > 0, np, sizeof np))
        fprintf(out, "%s\n", np);
}

/* ------------------------------------------------------------------ memory as the debugger sees it */

/* The RCC's same-address bank (0x5802_44D0-0x5802_451F) is decoded by the accessing CPU (RM0399
 * §9.7.1); a debugger attached to a core sees that core's own bank: C1 at +0x60, C2 at +0xC0. */
static uint32_t debug_view(h7_core_id core, uint32_t addr)
{
    if (addr >= 0x580244D0u && addr < 0x58024520u)
        return addr + (core == H7_CM7 ? 0x60u : 0xC0u);
    return addr;
}

bool h7_machine_debug_read_byte(h7_machine *m, h7_core_id core, uint32_t addr, uint8_t *b)
{
    addr = debug_view(core, addr);
    if (h7_machine_read_mem(m, core, addr, b, 1))
        return true;
    uint32_t w;
    if (addr >= 0xE0000000u && addr < 0xE0100000u) {
        w = h7_nvic_ppb_read(&m->cpu[core].nvic, (addr & ~3u) - 0xE0000000u, 4);
    } else if (!h7_soc_read(&m->soc, addr & ~3u, 4, H7_MASTER_DEBUG, &w)) {
        return false;
    }
    *b = (uint8_t)(w >> (8 * (addr & 3u)));
    return true;
}

bool h7_machine_debug_write(h7_machine *m, h7_core_id core, uint32_t addr, const uint8_t *buf, size_t len)
{
    if (debug_view(core, addr) != addr && debug_view(core, addr + (uint32_t)len - 1u) != addr + (uint32_t)len - 1u)
        addr = debug_view(core, addr);
    const h7_mem_region *r = h7_memmap_find(core, addr);
    if (r && (uint64_t)(addr - r->base) + len <= r->size) {
        memcpy(m->phys[r->phys] + r->phys_offset + (addr - r->base), buf, len);
        for (int k = 0; k < H7_NCORES; k++)
            h7_cpu_flush_code(&m->cpu[k], addr & ~0xFFFu, (uint32_t)((addr + len + 0xFFFu) & ~0xFFFu));
        return true;
    }
    if (len == 4 && !(addr & 3u)) {
        uint32_t w;
        memcpy(&w, buf, 4);
        if (addr >= 0xE0000000u && addr < 0xE0100000u) {
            h7_nvic_ppb_write(&m->cpu[core].nvic, addr - 0xE0000000u, w, 4);
            return true;
        }
        return h7_soc_write(&m->soc, addr, w, 4, H7_MASTER_DEBUG);
    }
    for (size_t i = 0; i < len; i++)
        if (!h7_soc_write(&m->soc, addr + (uint32_t)i, buf[i], 1, H7_MASTER_DEBUG))
            return false;
    return true;
}


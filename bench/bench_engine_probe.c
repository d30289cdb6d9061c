/* What the loaded Unicorn library does on the points where 2.0.1 and 2.1 differ (docs/machine.md,
 * "Engine differences"). Raw Unicorn only, no h7emu code: run it against either library
 * (LD_LIBRARY_PATH) and compare the printed lines. Prints facts; asserts nothing.
 * Guests are a few hand-assembled Thumb instructions at 0x0 (RAM), an MMIO page at 0x40000000. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define CODE 0x00000000u
#define MMIO 0x40000000u
#define UNMAPPED 0x30000000u

static int g_invalid_calls;
static uint32_t g_invalid_pc;
static bool g_invalid_ret;
static bool g_invalid_stop;
static int g_blocks;
static int g_block_limit;
static uint32_t g_mmio_pc;
static bool g_mmio_stop;

static uint32_t rd(uc_engine *uc, int reg)
{
    uint32_t v = 0;
    uc_reg_read(uc, reg, &v);
    return v;
}

static bool hk_invalid(uc_engine *uc, void *ud)
{
    g_invalid_calls++;
    g_invalid_pc = rd(uc, UC_ARM_REG_PC);
    if (g_invalid_stop)
        uc_emu_stop(uc);
    return g_invalid_ret;
}

static void hk_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
    if (++g_blocks > g_block_limit)
        uc_emu_stop(uc);
}

static uint64_t mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
    g_mmio_pc = rd(uc, UC_ARM_REG_PC);
    if (g_mmio_stop)
        uc_emu_stop(uc);
    return 0x1234;
}

static void mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *ud) {}

static uc_engine *open_with(const uint16_t *code, size_t n)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &uc) != UC_ERR_OK)
        return NULL;
    uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_M7);
    uc_mem_map(uc, CODE, 0x10000, UC_PROT_ALL);
    uc_mmio_map(uc, MMIO, 0x1000, mmio_read, NULL, mmio_write, NULL);
    uc_mem_write(uc, CODE, code, n * 2);
    uint32_t sp = 0x8000;
    uc_reg_write(uc, UC_ARM_REG_SP, &sp);
    return uc;
}

/* A hint (WFE/YIELD) followed by "movs r0,#1; b .", an INSN_INVALID hook returning `ret`. */
static void probe_hint(const char *name, const uint16_t *hint, size_t nh, bool ret, bool stop)
{
    uint16_t code[8];
    memcpy(code, hint, nh * 2);
    code[nh] = 0x2001;       /* movs r0, #1 */
    code[nh + 1] = 0xE7FE;   /* b . */
    uc_engine *uc = open_with(code, nh + 2);
    uc_hook h1, h2;
    uc_hook_add(uc, &h1, UC_HOOK_INSN_INVALID, (void *)hk_invalid, NULL, 1, 0);
    uc_hook_add(uc, &h2, UC_HOOK_BLOCK, (void *)hk_block, NULL, 1, 0);
    g_invalid_calls = 0;
    g_invalid_ret = ret;
    g_invalid_stop = stop;
    g_blocks = 0;
    g_block_limit = 20;
    uc_err e = uc_emu_start(uc, CODE | 1, 0xFFFF0, 0, 0);
    printf("%-7s hook returns %-5s%-12s -> err %-22s PC 0x%02X r0=%u hook calls %d (hook PC 0x%02X)\n", name,
           ret ? "true" : "false", stop ? " + emu_stop" : "", e ? uc_strerror(e) : "OK",
           rd(uc, UC_ARM_REG_PC), rd(uc, UC_ARM_REG_R0), g_invalid_calls, g_invalid_pc);
    uc_close(uc);
}

static void probe_regs(void)
{
    uint16_t code[] = {0xE7FE};
    uc_engine *uc = open_with(code, 1);
    static const struct { int reg; const char *name; } regs[] = {
        {UC_ARM_REG_APSR_G, "APSR_G"}, {UC_ARM_REG_XPSR_NZCVQG, "XPSR_NZCVQG"}, {UC_ARM_REG_APSR_NZCV, "APSR_NZCV"},
        {UC_ARM_REG_MVFR0, "MVFR0"}, {UC_ARM_REG_XPSR, "XPSR"}, {UC_ARM_REG_IPSR, "IPSR"}};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        uint32_t v = 0;
        uc_err er = uc_reg_read(uc, regs[i].reg, &v);
        uc_err ew = uc_reg_write(uc, regs[i].reg, &v);
        printf("reg %-12s read: %-30s write: %s\n", regs[i].name, er ? uc_strerror(er) : "OK",
               ew ? uc_strerror(ew) : "OK");
    }
    uint32_t x = 0xF80F0000u, back = 0;   /* NZCVQ + GE = 0xF */
    uc_reg_write(uc, UC_ARM_REG_XPSR_NZCVQG, &x);
    uc_reg_read(uc, UC_ARM_REG_XPSR, &back);
    printf("write XPSR_NZCVQG 0x%08X, read XPSR 0x%08X (GE bits 19:16 = 0x%X)\n", x, back, (back >> 16) & 0xFu);
    uc_close(uc);
}

static bool hk_unmapped(uc_engine *uc, uc_mem_type t, uint64_t a, int size, int64_t v, void *ud)
{
    g_mmio_pc = rd(uc, UC_ARM_REG_PC);
    return false;
}

/* movs r0,#1; movs r1,#2; ldr r2,[r3] with r3 unmapped: which PC does the fault report? */
static void probe_fault_pc(bool hook)
{
    uint16_t code[] = {0x2001, 0x2102, 0x681A, 0xE7FE};
    uc_engine *uc = open_with(code, 4);
    uc_hook h;
    g_mmio_pc = 0xFF;
    if (hook)
        uc_hook_add(uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)hk_unmapped, NULL, 1, 0);
    uint32_t r3 = UNMAPPED;
    uc_reg_write(uc, UC_ARM_REG_R3, &r3);
    uc_err e = uc_emu_start(uc, CODE | 1, 0xFFFF0, 0, 0);
    printf("unmapped read at 0x04 (block at 0x00)%s: err %s, PC 0x%02X, r1=%u, PC in hook 0x%02X\n",
           hook ? " with an UNMAPPED hook" : "", uc_strerror(e), rd(uc, UC_ARM_REG_PC), rd(uc, UC_ARM_REG_R1), g_mmio_pc);
    uc_close(uc);
}

/* nop; nop; ldr r0,[r1] (MMIO): PC seen inside the read callback, and after a stop from it. */
static void probe_mmio_pc(bool stop)
{
    uint16_t code[] = {0xBF00, 0xBF00, 0x6808, 0x2005, 0xE7FE};
    uc_engine *uc = open_with(code, 5);
    uint32_t r1 = MMIO;
    uc_reg_write(uc, UC_ARM_REG_R1, &r1);
    g_mmio_stop = stop;
    g_blocks = 0;
    g_block_limit = 3;
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)hk_block, NULL, 1, 0);
    uc_err e = uc_emu_start(uc, CODE | 1, 0xFFFF0, 0, 0);
    printf("MMIO read by the insn at 0x04%-14s: PC in callback 0x%02X; after: err %s PC 0x%02X r0=0x%X\n",
           stop ? " + emu_stop" : "", g_mmio_pc, uc_strerror(e), rd(uc, UC_ARM_REG_PC), rd(uc, UC_ARM_REG_R0));
    uc_close(uc);
}

/* adds r0,#1 x4; b . : run it once (translated), then count=1 from 0: how far does it go? */
static void probe_step(void)
{
    uint16_t code[] = {0x3001, 0x3001, 0x3001, 0x3001, 0xE7FE};
    uc_engine *uc = open_with(code, 5);
    g_blocks = 0;
    g_block_limit = 3;
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)hk_block, NULL, 1, 0);
    uc_emu_start(uc, CODE | 1, 0xFFFF0, 0, 0);
    uint32_t z = 0;
    uc_reg_write(uc, UC_ARM_REG_R0, &z);
    g_blocks = 0;
    g_block_limit = 1000;
    uc_err e = uc_emu_start(uc, CODE | 1, 0xFFFF0, 0, 1);
    printf("count=1 on translated code: err %s, PC 0x%02X, r0=%u (1 = one instruction)\n", uc_strerror(e),
           rd(uc, UC_ARM_REG_PC), rd(uc, UC_ARM_REG_R0));
    uc_close(uc);
}

/* movs r0,#1; wfi; movs r0,#2; b . */
static void probe_wfi(void)
{
    uint16_t code[] = {0x2001, 0xBF30, 0x2002, 0xE7FE};
    uc_engine *uc = open_with(code, 4);
    uc_err e = uc_emu_start(uc, CODE | 1, 0xFFFF0, 0, 0);
    printf("WFI at 0x02: err %s, PC 0x%02X, r0=%u\n", uc_strerror(e), rd(uc, UC_ARM_REG_PC), rd(uc, UC_ARM_REG_R0));
    uc_close(uc);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "movs r0,#1; adds r0,#1; b .-2": a loop of one block. */
static const uint16_t g_loop[] = {0x2001, 0x3001, 0xE7FD};

/* The cost of one uc_emu_start ended by the block hook, for an `until` address far from any
 * mapping, one just past the end of mapped RAM (Unicorn drops the translation at `until` after
 * every run), and with an empty set of exits instead (`until` ignored: what h7emu does). */
static void probe_until_cost(uint32_t until, const char *what, bool exits)
{
    uc_engine *uc = open_with(g_loop, 3);
    if (exits && uc_ctl_exits_enable(uc) != UC_ERR_OK)
        printf("uc_ctl_exits_enable failed\n");
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)hk_block, NULL, 1, 0);
    enum { N = 100000 };
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        g_blocks = 0;
        g_block_limit = 1;
        uc_emu_start(uc, CODE | 1, until, 0, 0);
    }
    printf("%s: %.3f us per uc_emu_start/stop pair\n", what, (now_s() - t0) / N * 1e6);
    uc_close(uc);
}

/* uc_emu_start of engine B from inside a block hook of engine A (h7emu runs the other core
 * inside a core's hook, machine.c run_other_inside): both engines run their code. */
static uc_engine *g_inner;
static int g_outer_blocks, g_inner_runs;

static void hk_outer(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
    if (++g_outer_blocks % 10 == 0 && g_inner_runs < 100) {
        g_blocks = 0;
        g_block_limit = 10;
        if (uc_emu_start(g_inner, CODE | 1, 0xDEADBEE0u, 0, 0) == UC_ERR_OK)
            g_inner_runs++;
    }
    if (g_outer_blocks >= 2000)
        uc_emu_stop(uc);
}

static void probe_nested_engines(void)
{
    uc_engine *a = open_with(g_loop, 3);
    g_inner = open_with(g_loop, 3);
    uc_hook ha, hb;
    uc_hook_add(a, &ha, UC_HOOK_BLOCK, (void *)hk_outer, NULL, 1, 0);
    uc_hook_add(g_inner, &hb, UC_HOOK_BLOCK, (void *)hk_block, NULL, 1, 0);
    uc_err e = uc_emu_start(a, CODE | 1, 0xDEADBEE0u, 0, 0);
    printf("engine B started from engine A's block hook: A %s after %d blocks (r0 %u), B ran %d times (r0 %u)\n",
           uc_strerror(e), g_outer_blocks, rd(a, UC_ARM_REG_R0), g_inner_runs, rd(g_inner, UC_ARM_REG_R0));
    uc_close(g_inner);
    uc_close(a);
}

int main(void)
{
    unsigned maj, min;
    unsigned v = uc_version(&maj, &min);
    printf("Unicorn library %u.%u (uc_version 0x%08X)\n", maj, min, v);
    static const uint16_t wfe[] = {0xBF20}, yield[] = {0xBF10}, wfe_w[] = {0xF3AF, 0x8002}, yield_w[] = {0xF3AF, 0x8001};
    probe_hint("WFE", wfe, 1, true, false);
    probe_hint("WFE", wfe, 1, true, true);
    probe_hint("WFE", wfe, 1, false, false);
    probe_hint("WFE.W", wfe_w, 2, true, false);
    probe_hint("YIELD", yield, 1, true, false);
    probe_hint("YIELD.W", yield_w, 2, true, false);
    probe_hint("YIELD", yield, 1, false, false);
    probe_regs();
    probe_fault_pc(false);
    probe_fault_pc(true);
    probe_wfi();
    probe_mmio_pc(false);
    probe_mmio_pc(true);
    probe_step();
    probe_nested_engines();
    probe_until_cost(0xDEADBEE0u, "until 0xDEADBEE0 (far from any mapping)", false);
    probe_until_cost(0x00010000u, "until 0x00010000 (just past mapped RAM)", false);
    probe_until_cost(0, "no until: exits enabled, none set", true);
    return 0;
}

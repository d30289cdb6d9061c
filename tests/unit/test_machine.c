/* The dual-core machine end to end, on this project's firmware (firmware/, built by CMake):
 * SysTick interrupts, FPU (incl. extended frames in interrupts), SEV/WFE between the cores,
 * faults taken by the firmware, lockup, and determinism. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "semihost.h"

static h7_machine *boot(const char *cm7, const char *cm4) { return h7t_machine(cm7, cm4, NULL); }

static uint32_t global(h7_machine *m, h7_core_id core, const char *name)
{
    uint32_t addr = 0, size = 0, v = 0;
    if (!h7_image_find_symbol(&m->img[core], name, &addr, &size))
        fail_msg("no symbol %s in the %s image", name, h7_core_name(core));
    assert_true(h7_machine_read_mem(m, core, addr, &v, 4));
    return v;
}

static void test_systick_interrupts_on_both_cores(void **state)
{
    h7_machine *m = boot("systick_cm7.elf", "systick_cm4.elf");
    h7_machine_run_for(m, 50 * H7_PS_PER_MS);
    uint32_t t7 = global(m, H7_CM7, "g_ticks"), t4 = global(m, H7_CM4, "g_ticks");
    assert_in_range(t7, 48, 51);        /* 1 ms ticks at 64 MHz, core clock */
    assert_in_range(t4, 48, 51);        /* 1 ms ticks at 64 MHz / 8, external reference */
    assert_int_equal(global(m, H7_CM7, "g_cpuid"), 0x411FC271u);
    assert_int_equal(global(m, H7_CM4, "g_cpuid"), 0x410FC241u);
    /* Both cores sleep in WFI between ticks and the sleeps are counted. */
    assert_true(m->cpu[H7_CM7].nsleeps >= 40);
    assert_true(m->cpu[H7_CM4].nsleeps >= 40);
    char why[256];
    assert_false(h7_machine_firmware_faulted(m, why, sizeof why));
    h7_machine_destroy(m);
}

static void test_fpu_double_on_cm7_single_on_cm4_and_extended_frames(void **state)
{
    h7_machine *m = boot("fpu_cm7.elf", "fpu_cm4.elf");
    h7_machine_run_for(m, 200 * H7_PS_PER_MS);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(global(m, (h7_core_id)k, "g_ok"), 1);
        assert_int_equal(global(m, (h7_core_id)k, "g_fpu_done"), 1);
        assert_int_equal(global(m, (h7_core_id)k, "g_fp_errors"), 0);
        assert_true(global(m, (h7_core_id)k, "g_fp_irqs") > 10);
    }
    h7_machine_destroy(m);
}

static void test_sev_and_wfe_between_the_cores(void **state)
{
    h7_machine *m = boot("sev_cm7.elf", "sev_cm4.elf");
    h7_machine_run_for(m, 20 * H7_PS_PER_MS);
    assert_int_equal(global(m, H7_CM7, "g_sev_wfe_ok"), 1);
    assert_int_equal(global(m, H7_CM7, "g_sev_done"), 1);
    for (int k = 0; k < 2; k++) {   /* YIELD and YIELD.W ran as NOPs on both cores */
        assert_int_equal(global(m, (h7_core_id)k, "g_yield_ok"), 1);
        assert_int_equal(m->cpu[k].state == H7_CPU_FAULTED, 0);
    }
    assert_true(m->cpu[H7_CM4].nsleeps >= 50);   /* the CM4 slept in WFE between pings */
    h7_machine_destroy(m);
}

static void test_a_block_of_sevs_sets_the_event_register_without_a_hook_per_sev(void **state)
{
    (void)state;
    /* ARMv7-M B1.5.18: SEV sets the event register; the WFE after each run of SEVs must not sleep. */
    h7_machine *m = boot("sev_many_cm7.elf", NULL);
    h7_machine_run_for(m, 5 * H7_PS_PER_MS);
    assert_int_equal(global(m, H7_CM7, "g_sev_many_done"), 1);
    assert_int_equal(m->cpu[H7_CM7].state, H7_CPU_SLEEP_WFI);
    assert_int_equal(m->cpu[H7_CM7].nsleeps, 1);   /* only the final WFI */
    h7_machine_destroy(m);
}

/* Every timeline event at the same time with the same text. */
static void assert_same_trace(const h7_machine *a, const h7_machine *b)
{
    assert_int_equal(a->trace.n, b->trace.n);
    for (size_t i = 0; i < a->trace.n; i++) {
        assert_true(a->trace.ev[i].t == b->trace.ev[i].t);
        assert_string_equal(a->trace.ev[i].text, b->trace.ev[i].text);
    }
}

/* Both cores blink LEDs with HAL_Delay after the dual-core boot: their idle loops are skipped, and
 * every count the firmware or a trace could see is what full execution gives. */
static void same_with_and_without_fast_forward(const char *cm7, const char *cm4, h7_time_ps t, const char *var,
                                               uint64_t min_ff)
{
    h7_machine *m[2];
    for (int ff = 0; ff < 2; ff++) {
        h7_machine_no_fast_forward = ff == 0;
        m[ff] = boot(cm7, cm4);
        h7_machine_run_for(m[ff], t);
    }
    h7_machine_no_fast_forward = false;
    for (int k = 0; k < 2; k++) {
        h7_cpu *slow = &m[0]->cpu[k], *fast = &m[1]->cpu[k];
        assert_true(slow->nff == 0 && slow->ff_skipped == 0);
        assert_int_equal(fast->icount, slow->icount);            /* cycles, hence every timestamp */
        assert_int_equal(fast->nexceptions, slow->nexceptions);
        assert_int_equal(h7_cpu_pc(fast), h7_cpu_pc(slow));
        static const int regs[] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,
                                   UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R12, UC_ARM_REG_SP,
                                   UC_ARM_REG_LR, UC_ARM_REG_XPSR};
        for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)   /* a core parked in its loop too */
            assert_int_equal(h7_cpu_reg(fast, regs[i]), h7_cpu_reg(slow, regs[i]));
        assert_int_equal(global(m[1], (h7_core_id)k, var), global(m[0], (h7_core_id)k, var));
    }
    assert_true(m[1]->cpu[H7_CM7].nff >= min_ff);
    assert_same_trace(m[0], m[1]);
    for (int ff = 0; ff < 2; ff++)
        h7_machine_destroy(m[ff]);
}

static void test_idle_loops_are_skipped_with_exactly_the_cycles_of_full_execution(void **state)
{
    (void)state;
    /* HAL_Delay on both cores: found idle after each SysTick interrupt, most of the time skipped */
    same_with_and_without_fast_forward("boot_idle_cm7.elf", "boot_idle_cm4.elf", 300 * H7_PS_PER_MS, "uwTick", 100);
    /* the CM7 polls a flag the CM4 stores (in one block, then through a call): the skip must end
     * exactly when the store happens */
    same_with_and_without_fast_forward("poll_cm7.elf", "poll_cm4.elf", 5 * H7_PS_PER_MS, "g_seen", 20);
    /* ... and stopped while the CM7 is still polling through the call: its registers are those of
     * the block of the loop full execution stopped at */
    for (unsigned us = 1900; us < 2000; us += 7)
        same_with_and_without_fast_forward("poll_cm7.elf", "poll_cm4.elf", us * H7_PS_PER_US, "g_seen", 1);
    /* the CubeMX-style boot polls registers its models declare stable until an event (PWR_CSR1
     * ACTVOSRDY, RCC_CR ready flags, USART3 TXE/TC): those polls are skipped too */
    same_with_and_without_fast_forward("boot_cm7.elf", "boot_cm4.elf", 20 * H7_PS_PER_MS, "g_boot_ok", 5);
}

/* While the CM4 sleeps and the CM7 only computes, the windows grow (machine.c "stretched
 * windows"); the CM7's SEV ends its stretched window one quantum later, so the woken CM4 sees the
 * CM7 at most one quantum past the SEV, as with windows of one quantum. */
static void test_windows_stretch_while_the_cores_keep_to_themselves(void **state)
{
    (void)state;
    h7_machine *m = boot("stretch_cm7.elf", "stretch_cm4.elf");
    h7_machine_run_for(m, 3 * H7_PS_PER_MS);
    uint32_t v[3];
    assert_true(h7_machine_read_mem(m, H7_CM7, 0x38000000u, v, sizeof v));
    uint32_t sev_at = v[1], seen = v[2];
    assert_int_equal(sev_at, 32000);
    /* One quantum = 320 CM7 cycles at 64 MHz = 107 iterations of the loop after the SEV (3
     * instructions), one more for the block that crosses the window end. Without the window
     * ending one quantum after the SEV, the CM4 would see the CM7 up to 64 quanta later. */
    assert_in_range(seen - sev_at, 1, 108);
    /* 3 ms in windows of one quantum would be 600 */
    assert_true(m->window_seq < 60);
    h7_machine_destroy(m);

    /* --max-quantum equal to the quantum: never stretched */
    m = boot("stretch_cm7.elf", "stretch_cm4.elf");
    m->cfg.max_quantum = 5 * H7_PS_PER_US;
    h7_machine_run_for(m, 3 * H7_PS_PER_MS);
    assert_true(h7_machine_read_mem(m, H7_CM7, 0x38000000u, v, sizeof v));
    assert_in_range(v[2] - v[1], 1, 108);
    assert_true(m->window_seq >= 600);
    h7_machine_destroy(m);
}

/* The CM7's semihosting exit ends the run at the CM7's time of the exit: the CM4 first runs up to
 * that time, however long the window, so every line it printed before then is part of the run. */
static void test_semihosting_exit_ends_the_run_with_both_cores_at_the_exit_time(void **state)
{
    (void)state;
    h7_machine *m = boot("semihost_cm7.elf", "semihost_cm4.elf");
    h7_semihost sh;
    char err[256], text[4096] = "";
    assert_int_equal(h7_semihost_init(&sh, NULL, err, sizeof err), 0);
    FILE *out = tmpfile();
    assert_non_null(out);
    sh.out = out;
    sh.prefix = true;
    m->semihost = &sh;
    m->serve_bkpt = h7_semihost_bkpt;
    assert_int_equal(h7_machine_run_for(m, 2 * H7_PS_PER_S), H7_RUN_STOPPED);
    assert_true(sh.exited);
    assert_int_equal(sh.exit_core, H7_CM7);
    h7_time_ps t_exit = h7_cpu_local_time(&m->cpu[H7_CM7]);
    assert_true(m->time == t_exit);
    assert_true(h7_cpu_local_time(&m->cpu[H7_CM4]) >= t_exit);
    h7_semihost_free(&sh);
    rewind(out);
    size_t n = fread(text, 1, sizeof text - 1, out);
    text[n] = 0;
    fclose(out);
    assert_non_null(strstr(text, "cm4: 8 tests, 0 failures"));   /* (no root: the file tests are left out) */
    assert_non_null(strstr(text, "cm7: 8 tests, 0 failures"));
    h7_machine_destroy(m);
}

/* A core runs its part of a window inside the other core's block hook (one uc_emu_start less
 * per window): exactly what running each core in turn from the run loop gives, under the
 * default core order and under a CM4-first one. */
static void test_a_core_run_inside_the_others_hook_changes_nothing(void **state)
{
    (void)state;
    uint64_t cm4_first = 0;
    for (uint64_t s = 1; s < 1000 && !cm4_first; s++) {
        h7_variation v;
        h7_variation_from_seed(s, &v);
        if (v.order == H7_ORDER_CM4_FIRST)
            cm4_first = s;
    }
    assert_true(cm4_first != 0);
    static const char *const pairs[][2] = {{"boot_cm7.elf", "boot_cm4.elf"}, {"poll_cm7.elf", "poll_cm4.elf"},
                                           {"hsem_pingpong_cm7.elf", "hsem_pingpong_cm4.elf"},
                                           {"compute_cm7.elf", "compute_cm4.elf"}};
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        for (int o = 0; o < 2; o++) {
            h7_machine *m[2];
            for (int sep = 0; sep < 2; sep++) {
                m[sep] = boot(pairs[p][0], pairs[p][1]);
                if (o)
                    h7_machine_set_seed(m[sep], cm4_first);
                h7_machine_power_on(m[sep]);
                m[sep]->separate_runs = sep;
                h7_machine_run_for(m[sep], 5 * H7_PS_PER_MS);
            }
            for (int k = 0; k < H7_NCORES; k++)
                assert_int_equal(m[0]->cpu[k].icount, m[1]->cpu[k].icount);
            assert_same_trace(m[0], m[1]);
            for (int sep = 0; sep < 2; sep++)
                h7_machine_destroy(m[sep]);
        }
    }
}

/* A model declares which of its registers are stable until a write or an event (soc.h
 * h7_stable_fn); registers whose read has a side effect or whose value follows time are not. */
static void test_models_declare_their_registers_stable_until_an_event(void **state)
{
    (void)state;
    h7_machine *m = boot("boot_cm7.elf", NULL);
    static const struct { uint32_t addr; bool stable; } cases[] = {
        {0x58024400u, true},    /* RCC_CR: ready flags change at oscillator/PLL events */
        {0x58024410u, true},    /* RCC_CFGR: SWS at the switch event */
        {0x58024804u, true},    /* PWR_CSR1: ACTVOSRDY */
        {0x58026400u, true},    /* HSEM_R0 */
        {0x58026480u, false},   /* HSEM_RLR0: reading it locks (RM0399 §11.3.5) */
        {0x4000481Cu, true},    /* USART3_ISR */
        {0x40004824u, false},   /* USART3_RDR: reading it pops the receive FIFO */
        {0x40000024u, false},   /* TIM2_CNT: follows time */
        {0x58020010u, false},   /* GPIOA_IDR: follows the pins */
        {0x40029000u, true},    /* ETH_DMAMR: SWR clears at an event */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const h7_window *w = h7_soc_find_window(&m->soc, cases[i].addr);
        assert_non_null(w);
        if ((w->stable && w->stable(cases[i].addr - w->base)) != cases[i].stable)
            fail_msg("0x%08X: stable should be %d", cases[i].addr, cases[i].stable);
    }
    h7_machine_destroy(m);
}

static h7_machine *run_fault(const char *img, h7_time_ps t)
{
    h7_machine *m = boot(img, NULL);
    h7_machine_run_for(m, t);
    return m;
}

static void test_precise_busfault_is_taken_by_the_firmware(void **state)
{
    h7_machine *m = run_fault("fault_busfault_cm7.elf", 5 * H7_PS_PER_MS);
    uint32_t bad = 0, sz = 0;
    assert_true(h7_image_find_symbol(&m->img[H7_CM7], "do_bad_load", &bad, &sz));
    assert_int_equal(global(m, H7_CM7, "g_faulted"), 1);
    assert_int_equal(global(m, H7_CM7, "g_cfsr") & 0x8200u, 0x8200u);  /* PRECISERR | BFARVALID */
    assert_int_equal(global(m, H7_CM7, "g_bfar"), 0x60000000u);
    assert_int_equal(global(m, H7_CM7, "g_fault_pc"), bad);             /* the exact instruction */
    h7_machine_destroy(m);
}

static void test_disabled_busfault_escalates_to_hardfault(void **state)
{
    h7_machine *m = run_fault("fault_hardfault_cm7.elf", 5 * H7_PS_PER_MS);
    assert_int_equal(global(m, H7_CM7, "g_faulted"), 1);
    assert_true(global(m, H7_CM7, "g_hfsr") & (1u << 30));              /* FORCED */
    assert_int_equal(global(m, H7_CM7, "g_bfar"), 0x60000000u);
    char why[512];
    assert_true(h7_machine_firmware_faulted(m, why, sizeof why));        /* ended in HardFault */
    assert_non_null(strstr(why, "HardFault"));
    h7_machine_destroy(m);
}

static void test_fault_in_hardfault_is_a_lockup(void **state)
{
    h7_machine *m = run_fault("fault_lockup_cm7.elf", 5 * H7_PS_PER_MS);
    assert_int_equal(m->cpu[H7_CM7].state, H7_CPU_LOCKUP);
    assert_non_null(strstr(m->cpu[H7_CM7].fault_text, "lockup"));
    assert_non_null(strstr(m->cpu[H7_CM7].fault_text, "0x60000000"));
    h7_machine_destroy(m);
}

static void test_jump_to_nowhere_faults_with_the_target_stacked(void **state)
{
    h7_machine *m = run_fault("fault_wildjump_cm7.elf", 5 * H7_PS_PER_MS);
    assert_int_equal(global(m, H7_CM7, "g_faulted"), 1);
    assert_int_equal(global(m, H7_CM7, "g_fault_pc"), 0x70000000u);
    h7_machine_destroy(m);
}

static void test_undefined_instruction_is_a_usage_fault(void **state)
{
    h7_machine *m = run_fault("fault_udf_cm7.elf", 5 * H7_PS_PER_MS);
    assert_int_equal(global(m, H7_CM7, "g_faulted"), 1);
    assert_true(global(m, H7_CM7, "g_cfsr") & (1u << 16));              /* UNDEFINSTR */
    h7_machine_destroy(m);
}

static void test_stack_overflow_ends_in_lockup(void **state)
{
    h7_machine *m = run_fault("fault_stackoverflow_cm7.elf", 5 * H7_PS_PER_MS);
    assert_int_equal(m->cpu[H7_CM7].state, H7_CPU_LOCKUP);
    assert_non_null(strstr(m->cpu[H7_CM7].fault_text, "stack"));
    h7_machine_destroy(m);
}

static char *trace_text(h7_machine *m)
{
    size_t len = 1;
    for (size_t i = 0; i < m->trace.n; i++)
        len += strlen(m->trace.ev[i].text) + 48;
    char *s = calloc(1, len), *p = s;
    for (size_t i = 0; i < m->trace.n; i++)
        p += sprintf(p, "%llu %s %s\n", (unsigned long long)m->trace.ev[i].t, m->trace.ev[i].src, m->trace.ev[i].text);
    return s;
}

static void test_same_images_give_the_same_trace(void **state)
{
    char *t[2];
    uint64_t ic[2][2];
    for (int r = 0; r < 2; r++) {
        h7_machine *m = boot("sev_cm7.elf", "sev_cm4.elf");
        h7_machine_run_for(m, 10 * H7_PS_PER_MS);
        t[r] = trace_text(m);
        ic[r][0] = m->cpu[0].icount;
        ic[r][1] = m->cpu[1].icount;
        h7_machine_destroy(m);
    }
    assert_string_equal(t[0], t[1]);
    assert_memory_equal(ic[0], ic[1], sizeof ic[0]);
    free(t[0]);
    free(t[1]);
}

static void test_missing_image_is_reported_with_its_path(void **state)
{
    h7_machine_config cfg = {.cm7_path = "/nonexistent/x.elf"};
    char err[512];
    h7_machine *m = NULL;
    assert_int_equal(h7_machine_create(&m, &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.elf"));
    h7_machine_destroy(m);
}

static void test_cm4_image_in_cm7_only_memory_is_rejected(void **state)
{
    h7_machine_config cfg = {.cm4_path = h7t_fw("systick_cm7.elf")};   /* a CM7 image (DTCM stack) */
    char err[512];
    h7_machine *m = NULL;
    assert_int_equal(h7_machine_create(&m, &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "outside"));
    h7_machine_destroy(m);
}

/* -Os inlines Error_Handler into main: no symbol, only DWARF inline ranges tell. The core at its
 * `cpsid i; b .` is a firmware fault with the call site, and the empty console gives "no progress". */
static void test_inlined_error_handler_at_os_is_a_fault_with_its_call_site(void **state)
{
    h7_machine *m = boot("error_inlined_cm7.elf", NULL);
    uint32_t a = 0, sz = 0;
    assert_false(h7_image_find_symbol(&m->img[H7_CM7], "Error_Handler", &a, &sz));
    h7_machine_run_for(m, 20 * H7_PS_PER_MS);
    char why[600];
    assert_true(h7_machine_firmware_faulted(m, why, sizeof why));
    assert_non_null(strstr(why, "cm7: stuck in Error_Handler (HAL error path), inlined Error_Handler in main "
                                "(called at error_inlined.c:21)"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    h7_machine_print_summary(m, f);
    fclose(f);
    assert_non_null(strstr(buf, "no progress: nothing was printed on the console"));
    free(buf);
    h7_machine_destroy(m);
}

/* ARMv7-M: with PRIMASK = 1 no interrupt of configurable priority is taken, so `b .` is a hang
 * wherever it is (here in a function called park); the same loop with interrupts enabled is not. */
static void test_branch_to_itself_with_interrupts_masked_is_a_hang_anywhere(void **state)
{
    h7_machine *m = boot("spin_masked_cm7.elf", NULL);
    h7_machine_run_for(m, 5 * H7_PS_PER_MS);
    char why[600];
    assert_true(h7_machine_firmware_faulted(m, why, sizeof why));
    assert_non_null(strstr(why, "cm7: hangs on a branch to itself with interrupts masked (PRIMASK = 1) at"));
    assert_non_null(strstr(why, "park"));
    h7_machine_destroy(m);
    m = boot("spin_unmasked_cm7.elf", NULL);
    h7_machine_run_for(m, 5 * H7_PS_PER_MS);
    assert_false(h7_machine_firmware_faulted(m, why, sizeof why));
    assert_true(global(m, H7_CM7, "g_ticks") >= 4);
    h7_machine_destroy(m);
}

/* RM0399 §9.7.1: the same-address RCC bank is decoded by the accessing CPU; the debugger of a core
 * sees that core's bank (C1 for the CM7, C2 for the CM4), not zeros. */
static void test_debugger_sees_its_cores_own_rcc_bank(void **state)
{
    h7_machine *m = boot("hello_cm7.elf", "hello_cm4.elf");
    uint8_t on[4] = {0x00, 0x00, 0x00, 0x02};   /* AHB4ENR.HSEMEN, bit 25 */
    assert_true(h7_machine_debug_write(m, H7_CM4, 0x580244E0u, on, 4));
    uint8_t b = 0;
    assert_true(h7_machine_debug_read_byte(m, H7_CM4, 0x580244E3u, &b));
    assert_int_equal(b, 0x02);
    assert_true(h7_machine_debug_read_byte(m, H7_CM4, 0x580245A3u, &b));   /* C2_AHB4ENR */
    assert_int_equal(b, 0x02);
    assert_true(h7_machine_debug_read_byte(m, H7_CM7, 0x580244E3u, &b));   /* the CM7's bank: C1 */
    assert_int_equal(b, 0);
    assert_int_equal(m->nguest_errors, 0);
    h7_machine_destroy(m);
}

/* The same firmware at -O0: Error_Handler is a function of its own; the symbol check reports it
 * with its call site in main. */
static void test_error_handler_at_o0_is_a_fault_with_its_caller(void **state)
{
    h7_machine *m = boot("error_o0_cm7.elf", NULL);
    uint32_t a = 0, sz = 0;
    assert_true(h7_image_find_symbol(&m->img[H7_CM7], "Error_Handler", &a, &sz));
    h7_machine_run_for(m, 50 * H7_PS_PER_MS);
    char why[600];
    assert_true(h7_machine_firmware_faulted(m, why, sizeof why));
    assert_non_null(strstr(why, "cm7: stuck in Error_Handler (HAL error path) at"));
    assert_non_null(strstr(why, "called from"));
    assert_non_null(strstr(why, "main+"));
    h7_machine_destroy(m);
}

/* --uart-prefix: the first byte of a line names it; a line both cores wrote into keeps the
 * prefix of its first byte, and the next line takes its own (docs/user-guide.md, `--uart-prefix`). */
static void test_uart_prefix_names_each_console_line_by_its_first_byte(void **state)
{
    h7_machine *m = boot("systick_cm7.elf", NULL);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    m->uart_out = f;
    m->uart_prefix = true;
    static const struct { uint8_t b; h7_master by; } bytes[] = {
        {'a', H7_MASTER_CM4}, {'b', H7_MASTER_CM7}, {'\n', H7_MASTER_CM7}, {'c', H7_MASTER_CM7},
        {'\r', H7_MASTER_CM7}, {'\n', H7_MASTER_CM4}, {'d', H7_MASTER_DMA}, {'\n', H7_MASTER_DMA},
        {'e', H7_MASTER_DEBUG},
    };
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++)
        m->soc.ops.uart_tx(m->soc.host, m->console_usart, bytes[i].b, bytes[i].by);
    m->soc.ops.uart_tx(m->soc.host, m->console_usart == 1 ? 2 : 1, 'x', H7_MASTER_CM4);   /* not the console */
    fclose(f);
    assert_string_equal(text, "[CM4] ab\n[CM7] c\r\n[DMA] d\n[DBG] e");
    assert_int_equal(m->uart_len, 9);   /* what scenarios match stays the raw bytes */
    assert_memory_equal(m->uart_buf, "ab\nc\r\nd\ne", 9);
    m->uart_out = NULL;
    free(text);
    h7_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uart_prefix_names_each_console_line_by_its_first_byte),
        cmocka_unit_test(test_inlined_error_handler_at_os_is_a_fault_with_its_call_site),
        cmocka_unit_test(test_error_handler_at_o0_is_a_fault_with_its_caller),
        cmocka_unit_test(test_debugger_sees_its_cores_own_rcc_bank),
        cmocka_unit_test(test_branch_to_itself_with_interrupts_masked_is_a_hang_anywhere),
        cmocka_unit_test(test_systick_interrupts_on_both_cores),
        cmocka_unit_test(test_fpu_double_on_cm7_single_on_cm4_and_extended_frames),
        cmocka_unit_test(test_sev_and_wfe_between_the_cores),
        cmocka_unit_test(test_a_block_of_sevs_sets_the_event_register_without_a_hook_per_sev),
        cmocka_unit_test(test_idle_loops_are_skipped_with_exactly_the_cycles_of_full_execution),
        cmocka_unit_test(test_windows_stretch_while_the_cores_keep_to_themselves),
        cmocka_unit_test(test_a_core_run_inside_the_others_hook_changes_nothing),
        cmocka_unit_test(test_semihosting_exit_ends_the_run_with_both_cores_at_the_exit_time),
        cmocka_unit_test(test_models_declare_their_registers_stable_until_an_event),
        cmocka_unit_test(test_precise_busfault_is_taken_by_the_firmware),
        cmocka_unit_test(test_disabled_busfault_escalates_to_hardfault),
        cmocka_unit_test(test_fault_in_hardfault_is_a_lockup),
        cmocka_unit_test(test_jump_to_nowhere_faults_with_the_target_stacked),
        cmocka_unit_test(test_undefined_instruction_is_a_usage_fault),
        cmocka_unit_test(test_stack_overflow_ends_in_lockup),
        cmocka_unit_test(test_same_images_give_the_same_trace),
        cmocka_unit_test(test_missing_image_is_reported_with_its_path),
        cmocka_unit_test(test_cm4_image_in_cm7_only_memory_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

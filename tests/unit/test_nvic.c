/* NVIC / SCB / SysTick rules of one core (ARMv7-M B3.2-B3.4), tested without Unicorn. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "nvic.h"

typedef struct fixture {
    h7_sched sched;
    h7_nvic nvic;
    h7_time_ps now;
    uint64_t cycles;
    int pending_calls, sev_calls, resets;
} fixture;

static h7_time_ps f_now(void *ctx) { return ((fixture *)ctx)->now; }
static uint64_t f_cycles(void *ctx) { return ((fixture *)ctx)->cycles; }
static void f_pending(void *ctx) { ((fixture *)ctx)->pending_calls++; }
static void f_sev(void *ctx) { ((fixture *)ctx)->sev_calls++; }
static void f_reset(void *ctx) { ((fixture *)ctx)->resets++; }
static void f_log(void *ctx, int kind, const char *text) {}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    h7_sched_init(&f->sched);
    h7_nvic_host host = {f, f_now, f_cycles, f_pending, f_sev, f_reset, f_log, NULL};
    h7_nvic_init(&f->nvic, H7_CM7, &host, &f->sched);
    h7_nvic_reset(&f->nvic, 0x08000000u);
    h7_nvic_set_core_hz(&f->nvic, 64000000u);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static uint32_t rd(fixture *f, uint32_t addr) { return h7_nvic_ppb_read(&f->nvic, addr - 0xE0000000u, 4); }
static void wrt(fixture *f, uint32_t addr, uint32_t v) { h7_nvic_ppb_write(&f->nvic, addr - 0xE0000000u, v, 4); }

/* Advance time to t, firing due events one by one at their time. */
static void advance_to(fixture *f, h7_time_ps t)
{
    while (h7_sched_next(&f->sched) <= t) {
        f->now = h7_sched_next(&f->sched);
        h7_sched_run_until(&f->sched, f->now);
    }
    f->now = t;
}

static void test_reset_values_identify_the_cortex_m7(void **state)
{
    fixture *f = *state;
    assert_int_equal(rd(f, 0xE000ED00), 0x411FC271u);            /* CPUID r1p1 */
    assert_int_equal(rd(f, 0xE000ED08), 0x08000000u);            /* VTOR = boot address */
    assert_int_equal(rd(f, 0xE000ED0C), 0xFA050000u);            /* AIRCR VECTKEYSTAT */
    assert_int_equal(rd(f, 0xE000ED14), 0x00040200u);            /* CCR: STKALIGN, BP */
    assert_int_equal(rd(f, 0xE000EF34), 0xC0000000u);            /* FPCCR ASPEN|LSPEN */
    assert_int_equal(rd(f, 0xE000E010), 0);
}

static void test_cortex_m4_cpuid(void **state)
{
    fixture *f = *state;
    f->nvic.core = H7_CM4;
    assert_int_equal(rd(f, 0xE000ED00), 0x410FC241u);
    assert_int_equal(rd(f, 0xE000ED80), 0);                      /* no caches on the CM4 */
}

static void test_enable_and_pend_irq_through_registers(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000E100 + 4 * (125 / 32), 1u << (125 % 32));       /* ISER: HSEM1 */
    assert_true(f->nvic.enabled[16 + 125]);
    wrt(f, 0xE000E200 + 4 * (125 / 32), 1u << (125 % 32));       /* ISPR */
    assert_true(f->nvic.pending[16 + 125]);
    assert_int_equal(rd(f, 0xE000E200 + 4 * (125 / 32)), 1u << (125 % 32));
    assert_int_equal(h7_nvic_best_pending(&f->nvic), 16 + 125);
    wrt(f, 0xE000E280 + 4 * (125 / 32), 1u << (125 % 32));       /* ICPR */
    assert_false(f->nvic.pending[16 + 125]);
}

static void test_priority_bytes_keep_four_bits(void **state)
{
    fixture *f = *state;
    h7_nvic_ppb_write(&f->nvic, 0xE400 + 39, 0x5F, 1);         /* IPR byte of USART3 */
    assert_int_equal(f->nvic.prio[16 + 39], 0x50);
    assert_int_equal(h7_nvic_ppb_read(&f->nvic, 0xE400 + 39, 1), 0x50);
    wrt(f, 0xE000ED20, 0xF0000000u);                              /* SHPR3: SysTick priority 15 */
    assert_int_equal(f->nvic.prio[H7_EXC_SYSTICK], 0xF0);
}

static void test_masks_and_priorities_decide_preemption(void **state)
{
    fixture *f = *state;
    h7_masks none = {0}, primask = {.primask = true}, basepri = {.basepri = 0x40};
    f->nvic.enabled[16 + 6] = true;
    f->nvic.prio[16 + 6] = 0x50;
    h7_nvic_set_pending(&f->nvic, 16 + 6);
    assert_int_equal(h7_nvic_should_take(&f->nvic, &none), 16 + 6);
    assert_int_equal(h7_nvic_should_take(&f->nvic, &primask), 0);
    assert_int_equal(h7_nvic_should_take(&f->nvic, &basepri), 0);   /* 0x50 is not above 0x40 */
    f->nvic.prio[16 + 6] = 0x30;
    assert_int_equal(h7_nvic_should_take(&f->nvic, &basepri), 16 + 6);
    /* An active exception of equal group priority blocks it. */
    f->nvic.active[H7_EXC_SYSTICK] = true;
    f->nvic.prio[H7_EXC_SYSTICK] = 0x30;
    assert_int_equal(h7_nvic_should_take(&f->nvic, &none), 0);
}

static void test_prigroup_splits_subpriority(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000ED0C, 0x05FA0000u | (5u << 8));                  /* PRIGROUP 5: [7:6] group */
    assert_int_equal(rd(f, 0xE000ED0C) & 0x700u, 5u << 8);
    f->nvic.prio[16 + 1] = 0x40;
    f->nvic.prio[16 + 2] = 0x70;
    assert_int_equal(h7_nvic_group_prio(&f->nvic, 16 + 1), 0x40);
    assert_int_equal(h7_nvic_group_prio(&f->nvic, 16 + 2), 0x40);   /* same group, no preemption */
}

static void test_aircr_needs_the_vector_key(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000ED0C, 0x00000004u);
    assert_int_equal(f->resets, 0);
    wrt(f, 0xE000ED0C, 0x05FA0004u);
    assert_int_equal(f->resets, 1);
}

static void test_level_irq_repends_after_return_while_high(void **state)
{
    fixture *f = *state;
    f->nvic.enabled[16 + 39] = true;
    h7_nvic_set_level(&f->nvic, 39, true);
    assert_true(f->nvic.pending[16 + 39]);
    h7_nvic_acknowledge(&f->nvic, 16 + 39);
    assert_false(f->nvic.pending[16 + 39]);
    h7_nvic_complete(&f->nvic, 16 + 39);
    assert_true(f->nvic.pending[16 + 39]);                        /* still high */
    h7_nvic_acknowledge(&f->nvic, 16 + 39);
    h7_nvic_set_level(&f->nvic, 39, false);
    h7_nvic_complete(&f->nvic, 16 + 39);
    assert_false(f->nvic.pending[16 + 39]);
}

static void test_sevonpend_signals_disabled_interrupts(void **state)
{
    fixture *f = *state;
    h7_nvic_set_level(&f->nvic, 126, true);
    assert_int_equal(f->sev_calls, 0);
    h7_nvic_set_level(&f->nvic, 126, false);
    f->nvic.pending[16 + 126] = false;
    wrt(f, 0xE000ED10, 0x10);                                     /* SCR.SEVONPEND */
    h7_nvic_set_level(&f->nvic, 126, true);
    assert_int_equal(f->sev_calls, 1);
    assert_false(h7_nvic_any_pending(&f->nvic));                  /* pending but not enabled */
}

static void test_faults_escalate_when_disabled(void **state)
{
    fixture *f = *state;
    h7_masks none = {0};
    assert_true(h7_nvic_fault_escalates(&f->nvic, H7_EXC_BUSFAULT, &none));
    wrt(f, 0xE000ED24, 1u << 17);                                 /* SHCSR.BUSFAULTENA */
    assert_false(h7_nvic_fault_escalates(&f->nvic, H7_EXC_BUSFAULT, &none));
    assert_int_equal(rd(f, 0xE000ED24) & (1u << 17), 1u << 17);
}

static void test_cfsr_is_write_one_to_clear(void **state)
{
    fixture *f = *state;
    f->nvic.cfsr = H7_CFSR_PRECISERR | H7_CFSR_BFARVALID;
    wrt(f, 0xE000ED28, H7_CFSR_PRECISERR);
    assert_int_equal(rd(f, 0xE000ED28), H7_CFSR_BFARVALID);
}

static void test_systick_counts_down_with_the_core_clock(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000E014, 63999);                                    /* 1 ms at 64 MHz */
    wrt(f, 0xE000E018, 0);
    wrt(f, 0xE000E010, 0x7);                                      /* ENABLE|TICKINT|CLKSOURCE */
    /* CVR = 0 at enable: reload on the first tick, then count down. */
    advance_to(f, 500 * H7_PS_PER_US);
    uint32_t v = rd(f, 0xE000E018);
    assert_in_range(v, 31990, 32010);
    assert_false(f->nvic.pending[H7_EXC_SYSTICK]);
    advance_to(f, 1000 * H7_PS_PER_US + 20000);
    assert_true(f->nvic.pending[H7_EXC_SYSTICK]);
    assert_true(rd(f, 0xE000E010) & (1u << 16));                  /* COUNTFLAG */
    assert_false(rd(f, 0xE000E010) & (1u << 16));                 /* cleared by the read */
}

static void test_systick_external_clock_is_core_clock_over_8(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000E014, 7999);                                     /* 1 ms at 8 MHz */
    wrt(f, 0xE000E010, 0x3);                                      /* CLKSOURCE = 0 */
    advance_to(f, 999 * H7_PS_PER_US);
    assert_false(f->nvic.pending[H7_EXC_SYSTICK]);
    advance_to(f, 1001 * H7_PS_PER_US);
    assert_true(f->nvic.pending[H7_EXC_SYSTICK]);
}

static void test_systick_follows_a_clock_change(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000E014, 63999);
    wrt(f, 0xE000E010, 0x7);
    advance_to(f, 500 * H7_PS_PER_US);                            /* half way at 64 MHz */
    h7_nvic_set_core_hz(&f->nvic, 128000000u);                    /* the rest goes twice as fast */
    advance_to(f, 740 * H7_PS_PER_US);
    assert_false(f->nvic.pending[H7_EXC_SYSTICK]);
    advance_to(f, 760 * H7_PS_PER_US);
    assert_true(f->nvic.pending[H7_EXC_SYSTICK]);
}

static void test_systick_stops_while_the_core_clock_is_stopped(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000E014, 63999);
    wrt(f, 0xE000E010, 0x7);
    advance_to(f, 200 * H7_PS_PER_US);
    h7_nvic_set_core_hz(&f->nvic, 0);                             /* CStop */
    advance_to(f, 5000 * H7_PS_PER_US);
    assert_false(f->nvic.pending[H7_EXC_SYSTICK]);
    uint32_t frozen = rd(f, 0xE000E018);
    h7_nvic_set_core_hz(&f->nvic, 64000000u);
    assert_int_equal(rd(f, 0xE000E018), frozen);
    advance_to(f, 5000 * H7_PS_PER_US + 801 * H7_PS_PER_US);
    assert_true(f->nvic.pending[H7_EXC_SYSTICK]);
}

static void test_systick_cvr_write_clears(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000E014, 1000);
    wrt(f, 0xE000E010, 0x5);
    advance_to(f, 5 * H7_PS_PER_US);
    assert_int_not_equal(rd(f, 0xE000E018), 0);
    wrt(f, 0xE000E018, 1234);
    assert_int_equal(rd(f, 0xE000E018), 0);
}

static void test_icsr_reports_pending_and_pendsv(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000ED04, 1u << 28);                                 /* PENDSVSET */
    assert_true(f->nvic.pending[H7_EXC_PENDSV]);
    assert_int_equal((rd(f, 0xE000ED04) >> 12) & 0x1FF, H7_EXC_PENDSV);
    wrt(f, 0xE000ED04, 1u << 27);                                 /* PENDSVCLR */
    assert_false(f->nvic.pending[H7_EXC_PENDSV]);
}

static void test_stir_pends_an_interrupt(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000EF00, 64);
    assert_true(f->nvic.pending[16 + 64]);
}

static void test_dcache_geometry_for_scb_enable_dcache(void **state)
{
    fixture *f = *state;
    wrt(f, 0xE000ED84, 0);                                        /* CSSELR: L1 D-cache */
    uint32_t ccsidr = rd(f, 0xE000ED80);
    assert_int_equal(((ccsidr >> 13) & 0x7FFF) + 1, 128);         /* sets */
    assert_int_equal(((ccsidr >> 3) & 0x3FF) + 1, 4);             /* ways */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
        T(test_reset_values_identify_the_cortex_m7), T(test_cortex_m4_cpuid),
        T(test_enable_and_pend_irq_through_registers), T(test_priority_bytes_keep_four_bits),
        T(test_masks_and_priorities_decide_preemption), T(test_prigroup_splits_subpriority),
        T(test_aircr_needs_the_vector_key), T(test_level_irq_repends_after_return_while_high),
        T(test_sevonpend_signals_disabled_interrupts), T(test_faults_escalate_when_disabled),
        T(test_cfsr_is_write_one_to_clear), T(test_systick_counts_down_with_the_core_clock),
        T(test_systick_external_clock_is_core_clock_over_8), T(test_systick_follows_a_clock_change),
        T(test_systick_stops_while_the_core_clock_is_stopped), T(test_systick_cvr_write_clears),
        T(test_icsr_reports_pending_and_pendsv), T(test_stir_pends_an_interrupt),
        T(test_dcache_geometry_for_scb_enable_dcache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

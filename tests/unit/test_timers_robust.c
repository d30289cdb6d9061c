/* Robustness of the time-computed models: any register traffic (a fixed pseudo-random sequence,
 * so the test is deterministic) keeps the timers, LPTIMs, RTC and watchdogs consistent -- counters
 * within their width, no runaway event queue -- and every call returns. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define PWR 0x58024800u
#define CM7 H7_MASTER_CM7

static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1664525u + 1013904223u;
    return *x;
}

static unsigned queued(const fake_host *fh)
{
    unsigned n = 0;
    for (const h7_event *e = fh->sched.head; e; e = e->next)
        n++;
    return n;
}

static void run_seed(uint32_t seed)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0E8, 0xFFFu);          /* APB1LENR: TIM2-14, LPTIM1, WWDG2 */
    fh_write(fh, CM7, RCC + 0x0F0, 0x70003u);        /* APB2ENR */
    fh_write(fh, CM7, RCC + 0x0F4, 0x1E00u);         /* APB4ENR: LPTIM2-5 */
    fh_write(fh, CM7, PWR, fh_read(fh, CM7, PWR) | (1u << 8));
    static const uint32_t bases[] = {0x40010000u, 0x40000000u, 0x40000400u, 0x40001000u, 0x40014000u,
                                     0x40002400u, 0x58002400u, 0x58004000u};
    static const uint32_t special[] = {0, 1, 2, 0x7F, 0xFF, 0xFFFF, 0x10000, 0xFFFFFFFFu, 0x80000000u, 0xCA, 0x53};
    uint32_t x = seed;
    for (int i = 0; i < 4000; i++) {
        uint32_t base = bases[lcg(&x) % 8];
        uint32_t off = (lcg(&x) % 0x20u) * 4u;
        uint32_t v = (lcg(&x) & 3u) ? special[lcg(&x) % 11] : lcg(&x);
        if (lcg(&x) & 1u)
            fh_write(fh, CM7, base + off, v);
        else
            (void)fh_read(fh, CM7, base + off);
        if ((lcg(&x) & 7u) == 0)
            fh_advance(fh, (h7_time_ps)(lcg(&x) % 5000u) * H7_PS_PER_US);
    }
    for (int t = 0; t < H7_TIM_COUNT; t++) {
        h7_tim *s = &fh->soc.tim[t];
        assert_true(h7_tim_counter(s) <= (s->info->bits32 ? 0xFFFFFFFFu : 0xFFFFu));
    }
    assert_true(queued(fh) < 64);   /* at most a few events per model */
    fh_free(fh);
}

static void test_random_register_traffic_keeps_the_models_consistent(void **state)
{
    for (uint32_t seed = 1; seed <= 32; seed++)
        run_seed(seed * 2654435761u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_register_traffic_keeps_the_models_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

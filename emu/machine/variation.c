/* Schedule variations from a seed (variation.h). splitmix64 turns the seed into the knobs. */
#include "variation.h"

#include <stdio.h>


static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void h7_variation_from_seed(uint64_t seed, h7_variation *v)
{
    *v = (h7_variation){.seed = seed};
    if (!seed)
        return;
    static const unsigned quanta_us[] = {1, 2, 3, 5, 10, 20};
    uint64_t x = seed;
    v->quantum = quanta_us[splitmix64(&x) % 6] * H7_PS_PER_US;
    /* -4 .. +4 us in 100 ns steps */
    v->cm4_offset_ps = ((int64_t)(splitmix64(&x) % 81) - 40) * 100 * 1000;
    v->order = (h7_core_order)(splitmix64(&x) % 3);
    /* a first window of 10..90 % of the quantum, or none */
    uint64_t ph = splitmix64(&x) % 10;
    v->phase_ps = ph ? v->quantum * ph / 10 : 0;
    v->rng = splitmix64(&x) | 1u;
}

static void fmt_us(h7_time_ps t, char *buf, size_t len)
{
    snprintf(buf, len, "%llu.%03lluus", (unsigned long long)(t / H7_PS_PER_US), (unsigned long long)((t % H7_PS_PER_US) / 1000));
}

void h7_variation_describe(const h7_variation *v, char *buf, size_t len)
{
    if (!v->seed) {
        snprintf(buf, len, "default schedule");
        return;
    }
    static const char *const order[] = {"cm7 first in each window", "cm4 first in each window",
                                        "a seeded coin picks who runs first in each window"};
    char off[32], ph[48] = "no phase shift";
    fmt_us((h7_time_ps)(v->cm4_offset_ps >= 0 ? v->cm4_offset_ps : -v->cm4_offset_ps), off, sizeof off);
    if (v->phase_ps) {
        char t[32];
        fmt_us(v->phase_ps, t, sizeof t);
        snprintf(ph, sizeof ph, "first window %s", t);
    }
    snprintf(buf, len, "quantum %lluus, %s starts %s later, %s, %s", (unsigned long long)(v->quantum / H7_PS_PER_US),
             v->cm4_offset_ps >= 0 ? "cm4" : "cm7", off, order[v->order], ph);
}

int h7_variation_first_core(h7_variation *v)
{
    switch (v->order) {
    case H7_ORDER_CM4_FIRST:
        return 1;
    case H7_ORDER_RANDOM:   /* xorshift64 */
        v->rng ^= v->rng << 13;
        v->rng ^= v->rng >> 7;
        v->rng ^= v->rng << 17;
        return (int)(v->rng >> 63);
    default:
        return 0;
    }
}

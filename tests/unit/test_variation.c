/* Schedule variations (--seed, --interleavings): derived from the seed only, inside their documented
 * ranges, seed 0 = the default schedule. */
#include "support.h"

#include <string.h>

#include "variation.h"

static void test_seed_zero_is_the_default_schedule(void **state)
{
    h7_variation v;
    h7_variation_from_seed(0, &v);
    assert_int_equal(v.quantum, 0);
    assert_int_equal(v.cm4_offset_ps, 0);
    assert_int_equal(v.order, H7_ORDER_CM7_FIRST);
    assert_int_equal(v.phase_ps, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(h7_variation_first_core(&v), 0);
    char d[200];
    h7_variation_describe(&v, d, sizeof d);
    assert_string_equal(d, "default schedule");
}

static void test_same_seed_same_variation_and_coin_flips(void **state)
{
    h7_variation a, b;
    for (uint64_t seed = 1; seed < 200; seed++) {
        h7_variation_from_seed(seed, &a);
        h7_variation_from_seed(seed, &b);
        assert_memory_equal(&a, &b, sizeof a);
        for (int i = 0; i < 50; i++)
            assert_int_equal(h7_variation_first_core(&a), h7_variation_first_core(&b));
    }
}

static void test_knobs_stay_in_their_ranges_and_all_occur(void **state)
{
    bool order_seen[3] = {false}, neg = false, pos = false, phase = false;
    for (uint64_t seed = 1; seed < 500; seed++) {
        h7_variation v;
        h7_variation_from_seed(seed, &v);
        assert_true(v.quantum >= 1 * H7_PS_PER_US && v.quantum <= 20 * H7_PS_PER_US);
        assert_true(v.cm4_offset_ps >= -4 * (int64_t)H7_PS_PER_US && v.cm4_offset_ps <= 4 * (int64_t)H7_PS_PER_US);
        assert_true(v.phase_ps < v.quantum);
        order_seen[v.order] = true;
        neg |= v.cm4_offset_ps < 0;
        pos |= v.cm4_offset_ps > 0;
        phase |= v.phase_ps > 0;
    }
    assert_true(order_seen[0] && order_seen[1] && order_seen[2] && neg && pos && phase);
}

static void test_random_order_flips_both_ways(void **state)
{
    h7_variation v;
    uint64_t seed = 1;
    do
        h7_variation_from_seed(seed++, &v);
    while (v.order != H7_ORDER_RANDOM);
    int first[2] = {0, 0};
    for (int i = 0; i < 1000; i++)
        first[h7_variation_first_core(&v)]++;
    assert_true(first[0] > 300 && first[1] > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_zero_is_the_default_schedule),
        cmocka_unit_test(test_same_seed_same_variation_and_coin_flips),
        cmocka_unit_test(test_knobs_stay_in_their_ranges_and_all_occur),
        cmocka_unit_test(test_random_order_flips_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

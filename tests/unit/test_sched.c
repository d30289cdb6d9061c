/* The event queue: order by time, then by scheduling order (determinism). */
#include "support.h"

#include "h7sched.h"

static char order[16];
static int norder;

static void record(void *opaque, h7_time_ps when) { order[norder++] = *(const char *)opaque; }

static void test_events_fire_in_time_order(void **state)
{
    h7_sched s;
    h7_sched_init(&s);
    h7_event a, b, c;
    norder = 0;
    h7_event_init(&a, "a", record, "a");
    h7_event_init(&b, "b", record, "b");
    h7_event_init(&c, "c", record, "c");
    h7_sched_add(&s, &a, 300);
    h7_sched_add(&s, &b, 100);
    h7_sched_add(&s, &c, 200);
    assert_int_equal(h7_sched_next(&s), 100);
    assert_int_equal(h7_sched_run_until(&s, 250), 2);
    assert_memory_equal(order, "bc", 2);
    assert_int_equal(h7_sched_run_until(&s, 1000), 1);
    assert_int_equal(order[2], 'a');
    assert_int_equal(h7_sched_next(&s), H7_TIME_NEVER);
}

static void test_same_time_fires_in_scheduling_order(void **state)
{
    h7_sched s;
    h7_sched_init(&s);
    h7_event a, b, c;
    norder = 0;
    h7_event_init(&a, "a", record, "a");
    h7_event_init(&b, "b", record, "b");
    h7_event_init(&c, "c", record, "c");
    h7_sched_add(&s, &c, 50);
    h7_sched_add(&s, &a, 50);
    h7_sched_add(&s, &b, 50);
    h7_sched_run_until(&s, 50);
    assert_memory_equal(order, "cab", 3);
}

static void test_reschedule_and_cancel(void **state)
{
    h7_sched s;
    h7_sched_init(&s);
    h7_event a, b;
    norder = 0;
    h7_event_init(&a, "a", record, "a");
    h7_event_init(&b, "b", record, "b");
    h7_sched_add(&s, &a, 10);
    h7_sched_add(&s, &b, 20);
    h7_sched_add(&s, &a, 30);      /* moved, not duplicated */
    h7_sched_cancel(&s, &b);
    h7_sched_cancel(&s, &b);       /* cancelling twice is harmless */
    assert_int_equal(h7_sched_run_until(&s, 100), 1);
    assert_int_equal(order[0], 'a');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_fire_in_time_order),
        cmocka_unit_test(test_same_time_fires_in_scheduling_order),
        cmocka_unit_test(test_reschedule_and_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

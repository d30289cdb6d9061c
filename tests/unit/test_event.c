/* Typed events (emu/base/h7event.c): one renderer gives the timeline text the scenarios match,
 * the JSON fields are valid JSON of the typed values, and the bus delivers by kind, in order. */
#include "support.h"

#include <string.h>

#include "h7event.h"

static void render(const h7_ev *e, char *buf, size_t len) { h7_ev_render(e, buf, len); }

static void test_supply_write_renders_todays_timeline_text(void **state)
{
    char t[200];
    h7_ev e = {.kind = H7_EV_SUPPLY_WRITE, .by = H7_MASTER_CM7, .u.supply = {0x00000002u, "ldo"}};
    render(&e, t, sizeof t);
    assert_string_equal(h7_ev_src(&e), "cm7");
    assert_string_equal(t, "writes PWR_CR3 = 0x00000002 (ldo)");
    e.u.supply.name = NULL;
    render(&e, t, sizeof t);
    assert_string_equal(t, "writes PWR_CR3 = 0x00000002 (illegal)");
}

static void test_block_events_name_their_block_and_core_events_their_core(void **state)
{
    char t[200];
    h7_ev vos = {.kind = H7_EV_VOS_READY, .u.vos.vos = 1};
    render(&vos, t, sizeof t);
    assert_string_equal(h7_ev_src(&vos), "pwr");
    assert_string_equal(t, "vos1 ready");
    h7_ev cstop = {.kind = H7_EV_CORE_CSTOP, .core = H7_CM4, .u.cstop = {true, true}};
    render(&cstop, t, sizeof t);
    assert_string_equal(h7_ev_src(&cstop), "cm4");
    assert_string_equal(t, "enters cstop (wfe)");
    h7_ev clk = {.kind = H7_EV_SYSCLK, .u.clk = {400000000u, 400000000u, 200000000u, "pll1"}};
    render(&clk, t, sizeof t);
    assert_string_equal(t, "sysclk 400 MHz (pll1), cm7 400 MHz, cm4 200 MHz");
    h7_ev uart = {.kind = H7_EV_UART_LINE, .u.uart = {3, "CM7: boot ok"}};
    render(&uart, t, sizeof t);
    assert_string_equal(h7_ev_src(&uart), "uart3");
    assert_string_equal(t, "\"CM7: boot ok\"");
}

static void test_pll_range_is_a_guest_error_and_not_on_the_timeline(void **state)
{
    h7_ev e = {.kind = H7_EV_PLL_INPUT_RANGE, .u.pll = {.pll = 2, .hz = 500000u}};
    assert_int_equal(h7_ev_channel_of(&e), H7_CH_GUEST_ERROR);
    assert_string_equal(h7_ev_src(&e), "RCC");
    assert_false(h7_ev_timeline_kinds() & H7_EV_BIT(H7_EV_PLL_INPUT_RANGE));
    assert_true(h7_ev_timeline_kinds() & H7_EV_BIT(H7_EV_SUPPLY_WRITE));
    assert_false(h7_ev_timeline_kinds() & H7_EV_BIT(H7_EV_CLOCKS_CHANGED));
}

static void test_json_fields_carry_the_typed_values(void **state)
{
    char j[300];
    h7_ev e = {.kind = H7_EV_SUPPLY_WRITE_IGNORED, .u.ignored = {0x04u, 0x02u}};
    h7_ev_json_fields(&e, j, sizeof j);
    assert_string_equal(j, "{\"locked_as\":4,\"wrote\":2}");
    h7_ev n = {.kind = H7_EV_NOTE, .src = "cm7", .text = "x"};
    h7_ev_json_fields(&n, j, sizeof j);
    assert_string_equal(j, "{}");
    h7_ev r = {.kind = H7_EV_NOTE};
    assert_string_equal(h7_ev_kind_name(r.kind), "note");
    h7_ev pll = {.kind = H7_EV_PLL_NEVER_LOCKS, .u.nolock = {1, "a \"quoted\"\nreason"}};
    h7_ev_json_fields(&pll, j, sizeof j);
    assert_string_equal(j, "{\"pll\":1,\"why\":\"a \\\"quoted\\\"\\u000areason\"}");
}

static void test_json_fields_never_overflow_a_small_buffer(void **state)
{
    char j[12];
    h7_ev e = {.kind = H7_EV_OPTION_BYTES, .u.opt = {1, 1, 0x08000000u, 0x08100000u}};
    h7_ev_json_fields(&e, j, sizeof j);
    assert_true(strlen(j) < sizeof j);
}

typedef struct seen { int order[8]; int n; } seen;
static void sub_a(void *ctx, const h7_ev *e) { seen *s = ctx; s->order[s->n++] = 1; }
static void sub_b(void *ctx, const h7_ev *e) { seen *s = ctx; s->order[s->n++] = 2; }

static void test_bus_delivers_by_kind_in_subscription_order(void **state)
{
    h7_ev_bus bus = {0};
    seen s = {{0}, 0};
    assert_true(h7_ev_subscribe(&bus, H7_EV_BIT(H7_EV_HSEM_TAKE), sub_a, &s));
    assert_true(h7_ev_subscribe(&bus, H7_EV_ALL, sub_b, &s));
    h7_ev take = {.kind = H7_EV_HSEM_TAKE}, rel = {.kind = H7_EV_HSEM_RELEASE};
    h7_ev_publish(&bus, &take);
    h7_ev_publish(&bus, &rel);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.order[0], 1);
    assert_int_equal(s.order[1], 2);
    assert_int_equal(s.order[2], 2);
    h7_ev_unsubscribe(&bus, sub_b, &s);
    h7_ev_publish(&bus, &rel);
    assert_int_equal(s.n, 3);
}

static void test_every_kind_has_a_name_and_renders(void **state)
{
    char t[300];
    for (int k = 0; k < H7_EV_KIND_COUNT; k++) {
        h7_ev e = {.kind = (h7_ev_kind)k, .src = "x", .text = "y"};
        if (k == H7_EV_OSC_READY)
            e.u.osc.name = "hsi";
        if (k == H7_EV_PLL_NEVER_LOCKS || k == H7_EV_RULE || k == H7_EV_CLOCK_OFF_ACCESS || k == H7_EV_D2_ACCESS_IN_DSTOP ||
            k == H7_EV_CORE_BOOT || k == H7_EV_SYSCLK || k == H7_EV_UART_LINE || k == H7_EV_SUPPLY_WRITE)
            continue;   /* kinds whose string fields sit elsewhere: covered above */
        assert_string_not_equal(h7_ev_kind_name(e.kind), "?");
        render(&e, t, sizeof t);
        assert_string_not_equal(t, "?");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_supply_write_renders_todays_timeline_text),
        cmocka_unit_test(test_block_events_name_their_block_and_core_events_their_core),
        cmocka_unit_test(test_pll_range_is_a_guest_error_and_not_on_the_timeline),
        cmocka_unit_test(test_json_fields_carry_the_typed_values),
        cmocka_unit_test(test_json_fields_never_overflow_a_small_buffer),
        cmocka_unit_test(test_bus_delivers_by_kind_in_subscription_order),
        cmocka_unit_test(test_every_kind_has_a_name_and_renders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Boards: built-ins, user YAML boards with file:line:col errors, supply decoding; the rule tables. */
#include "support.h"

#include <string.h>

#include "board.h"
#include "rules.h"
#include "yamltree.h"

static const char *write_yaml(const char *text)
{
    static char path[4][80];
    static int k;
    const char *tmp = h7t_tmpfile(text, strlen(text));
    char *p = path[k++ & 3];
    snprintf(p, sizeof path[0], "%s.yaml", tmp);
    rename(tmp, p);
    return p;
}

static void test_builtin_nucleo_is_direct_smps_with_8mhz_bypass(void **state)
{
    h7_board b;
    char err[256];
    assert_int_equal(h7_board_load("nucleo-h755zi-q", &b, err, sizeof err), 0);
    assert_int_equal(b.supply, H7_SUPPLY_DIRECT_SMPS);
    assert_int_equal(b.hse_hz, 8000000);
    assert_true(b.hse_bypass);
    assert_int_equal(b.console_usart, 3);
    assert_int_equal(b.nleds, 3);
    assert_string_equal(b.leds[0].name, "LD1");
    assert_int_equal(b.leds[0].port, 1);   /* PB0 */
    assert_int_equal(h7_board_load("nucleo-h755zi-q-ldo", &b, err, sizeof err), 0);
    assert_int_equal(b.supply, H7_SUPPLY_LDO);
}

static void test_unknown_board_name_lists_the_builtins(void **state)
{
    h7_board b;
    char err[256];
    assert_int_equal(h7_board_load("nucleo-f401", &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "nucleo-h755zi-q"));
}

static void test_user_board_file_is_parsed(void **state)
{
    const char *p = write_yaml("name: my-ldo-board\nsupply: smps_1v8_ldo\nhse: {frequency: 25MHz, mode: crystal}\n"
                               "leds: {RED: PC7}\nboot0: 1\nrevision: Y\n");
    h7_board b;
    char err[256];
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), 0);
    assert_string_equal(b.name, "my-ldo-board");
    assert_int_equal(b.supply, H7_SUPPLY_SMPS_1V8_LDO);
    assert_int_equal(b.hse_hz, 25000000);
    assert_false(b.hse_bypass);
    assert_true(b.boot0);
    assert_int_equal(b.idcode, 0x10036450u);
    assert_int_equal(b.nleds, 1);
    assert_int_equal(b.leds[0].port, 2);
    assert_int_equal(b.leds[0].pin, 7);
}

static void test_board_without_hse(void **state)
{
    const char *p = write_yaml("name: no-hse\nsupply: ldo\nhse: absent\n");
    h7_board b;
    char err[256];
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), 0);
    assert_int_equal(b.hse_hz, 0);
}

static void expect_error(const char *yaml, const char *where, const char *what)
{
    const char *p = write_yaml(yaml);
    h7_board b;
    char err[512];
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), -1);
    if (!strstr(err, where) || !strstr(err, what))
        fail_msg("error '%s' lacks '%s' or '%s'", err, where, what);
}

static void test_board_errors_name_file_line_and_column(void **state)
{
    expect_error("name: x\nsupply: ldo\ncolour: red\n", ".yaml:3:1:", "unknown key 'colour'");
    expect_error("name: x\nsupply: solar\n", ".yaml:2:9:", "unknown supply 'solar'");
    expect_error("name: x\nsupply: ldo\nhse: {frequency: 80MHz}\n", ".yaml:3:18:", "4..50 MHz");
    expect_error("name: x\nsupply: ldo\nleds: {LD1: PZ9}\n", ".yaml:3:13:", "PB0");
    expect_error("name: x\n", ".yaml:1:1:", "missing 'supply'");
    expect_error("name: [x\n", ".yaml:", "");
    expect_error("- a\n- b\n", ".yaml:1:1:", "mapping");
    expect_error("name: x\nname: y\nsupply: ldo\n", ".yaml:2:1:", "twice");
}

static void test_yaml_rejects_aliases_and_deep_nesting(void **state)
{
    h7_ydoc d;
    char err[256];
    assert_int_equal(h7_yaml_load("t.yaml", "a: &x 1\nb: *x\n", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "aliases"));
    char deep[400] = "";
    for (int i = 0; i < 70; i++)
        strcat(deep, "[");
    assert_int_equal(h7_yaml_load("t.yaml", deep, &d, err, sizeof err), -1);
    assert_int_equal(h7_yaml_load("t.yaml", "", &d, err, sizeof err), 0);
    assert_null(d.root);
    h7_yaml_free(&d);
}

static void test_supply_decoding_follows_the_hal_constants(void **state)
{
    assert_int_equal(h7_supply_from_cr3(0x04), H7_SUPPLY_DIRECT_SMPS);
    assert_int_equal(h7_supply_from_cr3(0x02), H7_SUPPLY_LDO);
    assert_int_equal(h7_supply_from_cr3(0x2E), H7_SUPPLY_SMPS_2V5_EXT_LDO);
    assert_int_equal(h7_supply_from_cr3(0x01), H7_SUPPLY_BYPASS);
    assert_int_equal(h7_supply_from_cr3(0x06), -1);   /* reset default: no explicit scheme */
    assert_true(h7_supplies[H7_SUPPLY_LDO].vcore_from_ldo);
    assert_false(h7_supplies[H7_SUPPLY_DIRECT_SMPS].vcore_from_ldo);
}

static void test_flash_wait_states_table(void **state)
{
    assert_int_equal(h7_flash_min_latency(1, 200000000), 2);   /* the Nucleo boot: VOS1, AXI 200 MHz */
    assert_int_equal(h7_flash_min_latency(1, 225000000), 3);
    assert_int_equal(h7_flash_min_latency(0, 240000000), 4);
    assert_int_equal(h7_flash_min_latency(3, 64000000), 1);    /* HSI at reset, VOS3 */
    assert_int_equal(h7_flash_min_latency(3, 45000000), 0);
}

static void test_every_rule_has_an_id_statement_and_citation(void **state)
{
    for (int i = 0; i < H7_RULE_COUNT; i++) {
        assert_non_null(h7_rules[i].id);
        assert_true(strlen(h7_rules[i].statement) > 20);
        assert_non_null(strstr(h7_rules[i].citation, "RM0399"));
    }
    assert_int_equal(h7_rules[H7_R_SUPPLY_MISMATCH].action, H7_RULE_LOCK);
    assert_int_equal(h7_rules[H7_R_FLASH_WAIT_STATES].action, H7_RULE_FAULT);
    assert_int_equal(h7_vos_cpu_mhz[0], 480);
    assert_int_equal(h7_vos_cpu_mhz[1], 400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_nucleo_is_direct_smps_with_8mhz_bypass),
        cmocka_unit_test(test_unknown_board_name_lists_the_builtins),
        cmocka_unit_test(test_user_board_file_is_parsed),
        cmocka_unit_test(test_board_without_hse),
        cmocka_unit_test(test_board_errors_name_file_line_and_column),
        cmocka_unit_test(test_yaml_rejects_aliases_and_deep_nesting),
        cmocka_unit_test(test_supply_decoding_follows_the_hal_constants),
        cmocka_unit_test(test_flash_wait_states_table),
        cmocka_unit_test(test_every_rule_has_an_id_statement_and_citation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Board files: the 'analog:' (VDDA, VBAT, die temperature, pin voltages for the ADCs) and
 * 'ethernet:' (PHY, RMII reference clock, cable, auto-negotiation time) keys, with
 * file:line:col errors. */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "board.h"

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

static void test_builtin_nucleo_has_the_lan8742a_with_refclk_and_default_analog(void **state)
{
    (void)state;
    h7_board b;
    char err[256];
    assert_int_equal(h7_board_load("nucleo-h755zi-q", &b, err, sizeof err), 0);
    assert_false(b.eth.no_phy);
    assert_false(b.eth.no_refclk);
    assert_false(b.eth.cable_unplugged);
    assert_int_equal(b.eth.phy_address, 0);
    assert_int_equal(b.analog.vdda_uv, 0);   /* 3.3 V */
    assert_int_equal(b.analog.npins, 0);     /* every pin mid-scale */
}

static void test_analog_and_ethernet_keys_are_parsed(void **state)
{
    (void)state;
    const char *p = write_yaml("name: lab board\nsupply: direct_smps\n"
                               "analog:\n  vdda: 3.0V\n  vbat: 2800mV\n  temperature: 45C\n"
                               "  pins: {PA0: 1.2V, PC2_C: 500mV}\n"
                               "ethernet: {phy: lan8742a, phy_address: 1, rmii_refclk: none, cable: unplugged, autoneg: 2s}\n");
    h7_board b;
    char err[256];
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), 0);
    assert_int_equal(b.analog.vdda_uv, 3000000u);
    assert_int_equal(b.analog.vbat_uv, 2800000u);
    assert_true(b.analog.has_temp);
    assert_int_equal(b.analog.temp_mc, 45000);
    assert_int_equal(b.analog.npins, 2);
    assert_int_equal(b.analog.pins[0].port, 0);
    assert_int_equal(b.analog.pins[0].pin, 0);
    assert_false(b.analog.pins[0].c_pad);
    assert_int_equal(b.analog.pins[0].uv, 1200000u);
    assert_int_equal(b.analog.pins[1].port, 2);
    assert_int_equal(b.analog.pins[1].pin, 2);
    assert_true(b.analog.pins[1].c_pad);
    assert_int_equal(b.eth.phy_address, 1);
    assert_true(b.eth.no_refclk);
    assert_true(b.eth.cable_unplugged);
    assert_int_equal(b.eth.autoneg_ms, 2000u);
}

static void test_bad_values_report_file_line_and_column(void **state)
{
    (void)state;
    h7_board b;
    char err[256];
    const char *p = write_yaml("name: x\nsupply: ldo\nanalog:\n  pins: {PZ3: 1V}\n");
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, ":4:"));
    assert_non_null(strstr(err, "PA0 or PC2_C"));
    p = write_yaml("name: x\nsupply: ldo\nanalog: {vdda: 5V}\n");
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "1.62..3.6 V"));
    p = write_yaml("name: x\nsupply: ldo\nethernet: {rmii_refclk: mcu}\n");
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, ":3:"));
    assert_non_null(strstr(err, "rmii_refclk is phy"));
    p = write_yaml("name: x\nsupply: ldo\nethernet: {phy: dp83848}\n");
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "lan8742a or none"));
}

static void test_no_phy_means_no_reference_clock(void **state)
{
    (void)state;
    h7_board b;
    char err[256];
    const char *p = write_yaml("name: x\nsupply: ldo\nethernet: {phy: none}\n");
    assert_int_equal(h7_board_load(p, &b, err, sizeof err), 0);
    assert_true(b.eth.no_phy);
    assert_true(b.eth.no_refclk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_nucleo_has_the_lan8742a_with_refclk_and_default_analog),
        cmocka_unit_test(test_analog_and_ethernet_keys_are_parsed),
        cmocka_unit_test(test_bad_values_report_file_line_and_column),
        cmocka_unit_test(test_no_phy_means_no_reference_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

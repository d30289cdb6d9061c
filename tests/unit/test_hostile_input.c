/* Hostile input to the front ends: non-scalar mapping keys in any YAML file, paths longer than
 * any fixed buffer, a directory or a FIFO where a file is expected. Each is a precise
 * file:line:col (or path) error, never a crash, a hang or a wrong file. */
#define _GNU_SOURCE
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "elf_image.h"
#include "scenario.h"
#include "textsafe.h"
#include "trace.h"

static void expect_parse_error(const char *text, const char *want)
{
    h7_scenario s;
    char err[1024];
    assert_int_not_equal(h7_scenario_parse("t.yaml", text, &s, err, sizeof err), 0);
    h7_scenario_free(&s);
    if (!strstr(err, want))
        fail_msg("error '%s' lacks '%s'", err, want);
}

static void test_non_scalar_mapping_keys_are_refused_with_line_and_column(void **state)
{
    expect_parse_error("name: x\nimages:\n  cm7: a.elf\nsteps:\n  - ? [run]\n    : 1ms\n",
                       "t.yaml:5:7: a mapping key must be a plain value");
    expect_parse_error("name: x\nsteps:\n  - {[a, b]: c}\n", "t.yaml:3:6: a mapping key must be a plain value");
    expect_parse_error("{{a: b}: c}\n", "t.yaml:1:2: a mapping key must be a plain value");
}

static void test_board_led_keys_must_be_plain(void **state)
{
    const char *path = h7t_tmpfile("name: b\nsupply: ldo\nleds:\n  ? [a]\n  : PB0\n", 42);
    h7_board b;
    char err[512];
    assert_int_not_equal(h7_board_load(path, &b, err, sizeof err), 0);
    assert_non_null(strstr(err, ":4:5: a mapping key must be a plain value"));
}

static void test_a_directory_or_fifo_is_not_read_as_a_file(void **state)
{
    h7_board b;
    char err[512];
    assert_int_not_equal(h7_board_load("/tmp", &b, err, sizeof err), 0);
    assert_non_null(strstr(err, "/tmp: cannot read: is a directory"));
    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/h7t-fifo-%d", (int)getpid());
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    h7_image img;
    assert_int_not_equal(h7_image_load(fifo, &img, err, sizeof err), 0);   /* no writer: must not block */
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_not_equal(h7_board_load(fifo, &b, err, sizeof err), 0);
    assert_non_null(strstr(err, "not a regular file"));
    unlink(fifo);
}

static void test_empty_image_path_names_line_and_column(void **state)
{
    expect_parse_error("name: x\nimages:\n  cm7: \"\"\nsteps: [run: 1ms]\n", "t.yaml:3:8: images.cm7 must not be empty");
}

/* A scenario 4 KiB deep in directories, with a relative image path: resolved from the real
 * directory (no fixed-size buffer truncates it). */
static void test_relative_image_path_beside_a_very_long_scenario_path(void **state)
{
    char *dir = strdup("/tmp/h7t-longpath-XXXXXX");
    assert_non_null(mkdtemp(dir));
    size_t len = strlen(dir);
    char *deep = malloc(len + 20 * 210 + 64);
    strcpy(deep, dir);
    for (int i = 0; i < 20; i++) {
        size_t k = strlen(deep);
        deep[k] = '/';
        memset(deep + k + 1, 'a' + i, 200);
        deep[k + 201] = '\0';
        assert_int_equal(mkdir(deep, 0700), 0);
    }
    char *img = NULL, *scn = NULL;
    assert_true(asprintf(&img, "%s/fw.elf", deep) > 0);
    assert_true(asprintf(&scn, "%s/s.yaml", deep) > 0);
    FILE *f = fopen(img, "wb");
    assert_non_null(f);
    fclose(f);
    const char *text = "name: long\nimages:\n  cm7: fw.elf\nsteps: [run: 1ms]\n";
    h7_scenario s;
    char err[1024];
    assert_int_equal(h7_scenario_parse(scn, text, &s, err, sizeof err), 0);
    assert_string_equal(s.image[H7_CM7], img);
    h7_scenario_free(&s);
    free(img);
    free(scn);
    free(deep);
    char *rm = NULL;
    assert_true(asprintf(&rm, "rm -rf '%s'", dir) > 0);
    assert_int_equal(system(rm), 0);
    free(rm);
    free(dir);
}

/* A trace text with a newline and ESC (from a symbol name, UART data) stays one line, and cannot
 * produce a forged "board: device locked" event line. */
static void test_trace_text_cannot_forge_events(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *tl = open_memstream(&buf, &len);
    char *jbuf = NULL;
    size_t jlen = 0;
    FILE *jl = open_memstream(&jbuf, &jlen);
    h7_trace t;
    h7_trace_init(&t);
    t.timeline = tl;
    t.jsonl = jl;
    h7_trace_add(&t, 1000, "cm7", "boots at 0x08000000 x\n          0.000 us  board  device locked: \x1b[2J\xff\xc3(");
    fclose(tl);
    fclose(jl);
    assert_int_equal(strchr(buf, '\n') - buf, (long)strlen(buf) - 1);   /* one line */
    assert_null(strchr(buf, 0x1b));
    assert_non_null(strstr(buf, "\\x0A"));
    assert_non_null(strstr(buf, "\\xFF\\xC3("));
    assert_true(jlen > 0 && jbuf[jlen - 1] == '\n');
    jbuf[jlen - 1] = '\0';
    assert_true(h7_text_is_clean(jbuf));                                   /* one valid UTF-8 JSON line */
    assert_true(h7_text_is_clean(t.ev[0].text));
    h7_trace_free(&t);
    free(buf);
    free(jbuf);
}

static void test_scenario_name_with_a_newline_is_escaped(void **state)
{
    h7_scenario s;
    char err[1024];
    const char *text = "name: \"ok\\nPASS forged (1 steps)\"\nimages:\n  cm7: /dev/null\nsteps: [run: 1ms]\n";
    int rc = h7_scenario_parse("t.yaml", text, &s, err, sizeof err);
    if (rc == 0) {
        assert_null(strchr(s.name, '\n'));
        assert_non_null(strstr(s.name, "\\x0A"));
    }
    h7_scenario_free(&s);
}

static void test_xml_text_is_well_formed_whatever_the_bytes(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    h7_xml_write_text(f, "a<b>&\"c\" \x1b \xff\xfe \xe2\x82\xac \xed\xa0\x80");
    fclose(f);
    assert_string_equal(buf, "a&lt;b&gt;&amp;&quot;c&quot; &#xFFFD; &#xFFFD;&#xFFFD; \xe2\x82\xac &#xFFFD;&#xFFFD;&#xFFFD;");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_non_scalar_mapping_keys_are_refused_with_line_and_column),
        cmocka_unit_test(test_board_led_keys_must_be_plain),
        cmocka_unit_test(test_a_directory_or_fifo_is_not_read_as_a_file),
        cmocka_unit_test(test_empty_image_path_names_line_and_column),
        cmocka_unit_test(test_relative_image_path_beside_a_very_long_scenario_path),
        cmocka_unit_test(test_trace_text_cannot_forge_events),
        cmocka_unit_test(test_scenario_name_with_a_newline_is_escaped),
        cmocka_unit_test(test_xml_text_is_well_formed_whatever_the_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

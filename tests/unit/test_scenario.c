/* Scenario parser and runner: valid files, every class of input error with file:line:col, a
 * mutation fuzz (no crash, no leak under ASan), and a small end-to-end run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "support.h"

static char fwdir_env[600];

static int setup(void **state)
{
    snprintf(fwdir_env, sizeof fwdir_env, "%s", H7_FIRMWARE_DIR);
    setenv("H7_FIRMWARE_DIR", fwdir_env, 1);
    return 0;
}

static const char *valid =
    "name: demo\n"
    "board: nucleo-h755zi-q\n"
    "images:\n"
    "  cm7: ${H7_FIRMWARE_DIR}/boot_cm7.elf\n"
    "  cm4: ${H7_FIRMWARE_DIR}/boot_cm4.elf\n"
    "option_bytes: {bcm4: 1, boot_cm4_add0: 0x0810}\n"
    "steps:\n"
    "  - run: 2ms\n"
    "  - run_until: {symbol: main, core: cm4, timeout: 5ms}\n"
    "  - run_until: {event: \"pwr: actvosrdy\", timeout: 1ms}\n"
    "  - boot0: 0\n"
    "  - debug: connect\n"
    "  - debug: {read: 0x58024400, value: 0x4000, mask: 0x4000}\n"
    "  - debug: {read_reg: pc, core: cm4, symbol: main}\n"
    "  - system_reset\n"
    "  - power_cycle\n"
    "  - uart_input: \"x\"\n"
    "expect:\n"
    "  sequence: [\"cm7: writes PWR_CR3\", \"pwr: actvosrdy\"]\n"
    "  never: [\"rule:\"]\n"
    "  memory:\n"
    "    - {addr: 0x58024804, value: 0x2000, mask: 0x2000}\n"
    "  outcome: running\n";

static void test_valid_scenario_parses_every_step_kind(void **state)
{
    h7_scenario s;
    char err[512] = "";
    int rc = h7_scenario_parse("/tmp/x/demo.yaml", valid, &s, err, sizeof err);
    if (rc)
        fail_msg("%s", err);
    assert_string_equal(s.name, "demo");
    assert_int_equal(s.nsteps, 10);
    assert_int_equal(s.steps[6].kind, H7_STEP_DEBUG_READ_REG);
    assert_string_equal(s.steps[6].symbol, "main");
    assert_int_equal(s.steps[0].kind, H7_STEP_RUN);
    assert_true(s.steps[0].duration == 2 * 1000000000ull);
    assert_int_equal(s.steps[1].kind, H7_STEP_RUN_UNTIL);
    assert_string_equal(s.steps[1].symbol, "main");
    assert_int_equal(s.steps[1].core, H7_CM4);
    assert_string_equal(s.steps[2].event, "pwr: actvosrdy");
    assert_int_equal(s.steps[4].kind, H7_STEP_DEBUG_CONNECT);
    assert_int_equal(s.steps[5].kind, H7_STEP_DEBUG_READ);
    assert_int_equal(s.steps[5].addr, 0x58024400u);
    assert_int_equal(s.steps[5].line, 13);
    assert_int_equal(s.nseq, 2);
    assert_int_equal(s.nnever, 1);
    assert_int_equal(s.nmem, 1);
    assert_int_equal(s.outcome, H7_OUTCOME_RUNNING);
    assert_int_equal(s.boot4 & 0xFFFFu, 0x0810u);
    h7_scenario_free(&s);
}

/* Each bad input gives an error that starts with file:line:col and names the problem. */
static void expect_error(const char *text, const char *where, const char *what)
{
    h7_scenario s;
    char err[512] = "";
    int rc = h7_scenario_parse("/tmp/x/bad.yaml", text, &s, err, sizeof err);
    h7_scenario_free(&s);
    if (rc == 0)
        fail_msg("accepted:\n%s", text);
    if (!strstr(err, where) || !strstr(err, what))
        fail_msg("error '%s' lacks '%s' / '%s'", err, where, what);
}

#define IMG_ONLY "images:\n  cm7: ${H7_FIRMWARE_DIR}/boot_cm7.elf\n"
#define IMG "name: x\n" IMG_ONLY

static void test_input_errors_name_file_line_and_column(void **state)
{
    expect_error(IMG "stepz: [run: 1ms]\n", "bad.yaml:4:1:",
                 "unknown key 'stepz'");
    expect_error(IMG "steps:\n  - run: 10 ms\n", "bad.yaml:5:10:",
                 "not a duration");
    expect_error("name: x\nimages:\n  cm7: ${H7_FIRMWARE_DIR}/nope.elf\n"
                 "steps: [run: 1ms]\n", "bad.yaml:3:8:",
                 "cannot read");
    expect_error("name: x\nimages:\n  cm7: ${NOT_SET_ANYWHERE}/a.elf\n"
                 "steps: [run: 1ms]\n", "bad.yaml:3:8:",
                 "NOT_SET_ANYWHERE is not set");
    expect_error(IMG "steps:\n  - jump: 1\n", "bad.yaml:5:5:",
                 "unknown step 'jump'");
    expect_error(IMG "steps:\n  - inject: rng_meltdown\n", "bad.yaml:5:13:",
                 "not rng_seed_error, rng_clock_error or rng_errors_clear");
    expect_error(IMG "steps:\n  - run_until: {symbol: main}\n",
                 "bad.yaml:5:16:", "needs a timeout");
    expect_error(IMG "steps: [run: 1ms]\nexpect: {outcome: fine}\n",
                 "bad.yaml:5:19:", "must be running, locked, fault, timeout or exited");
    expect_error(IMG "steps: [run: 1ms]\nexpect:\n  memory: [{addr: 0x3, value: 1}]\n",
                 "bad.yaml:6:", "not word aligned");
    expect_error("name: x\nboard: mars-board\n" IMG_ONLY "steps: [run: 1ms]\n",
                 "bad.yaml:2:8:", "board:");
    expect_error(IMG "steps: [run: 1ms\n", "bad.yaml:", "");
    expect_error("", "bad.yaml:1:1:", "empty scenario");
    expect_error("- a\n- b\n", "bad.yaml:1:1:", "a scenario is a mapping");
    expect_error(IMG "steps:\n  - debug: {read: 0x0}\n", "bad.yaml:5:",
                 "expected value");
    expect_error(IMG "steps:\n  - boot0: 2\n", "bad.yaml:5:12:",
                 "must be 0 or 1");
    expect_error(IMG "steps:\n  - debug: {read_reg: r99, value: 0}\n", "bad.yaml:5:23:",
                 "unknown core register 'r99'");
    expect_error(IMG "steps:\n  - debug: {write_reg: control, value: 0}\n", "bad.yaml:5:24:",
                 "read-only here");
    expect_error(IMG "steps:\n  - uart_input: {uart: usart9, text: \"x\"}\n", "bad.yaml:5:24:",
                 "uart is usart1..usart8 or lpuart1");
    expect_error(IMG "steps:\n  - uart_input: {text: \"x\"}\n", "bad.yaml:5:17:",
                 "uart_input is TEXT or {uart:");
}

#define SH_IMG "name: x\nimages:\n  cm7: ${H7_FIRMWARE_DIR}/semihost_cm7.elf\n"

/* semihosting: and expect.exit, with the errors of each. */
static void test_semihosting_keys_and_their_errors(void **state)
{
    h7_scenario s;
    char err[512] = "", path[700];
    snprintf(path, sizeof path, "%s/sh.yaml", fwdir_env);   /* root: "." is then the firmware directory */
    int rc = h7_scenario_parse(path, SH_IMG "semihosting: {root: ., cmdline: \"t --fail\"}\nsteps: [run: 1ms]\n"
                               "expect: {exit: 3}\n", &s, err, sizeof err);
    if (rc)
        fail_msg("%s", err);
    assert_true(s.semihosting);
    assert_non_null(strstr(s.sh_root, fwdir_env));
    assert_string_equal(s.sh_cmdline, "t --fail");
    assert_true(s.expect_exit);
    assert_int_equal(s.exit_status, 3);
    assert_int_equal(s.exit_line, 6);
    h7_scenario_free(&s);
    assert_int_equal(h7_scenario_parse(path, SH_IMG "semihosting: true\nsteps: [run: 1ms]\nexpect: {outcome: exited}\n",
                                       &s, err, sizeof err), 0);
    assert_true(s.semihosting && !s.sh_root && !s.sh_cmdline);
    assert_int_equal(s.outcome, H7_OUTCOME_EXITED);
    h7_scenario_free(&s);
    expect_error(SH_IMG "semihosting: maybe\nsteps: [run: 1ms]\n", "bad.yaml:4:14:", "must be 0 or 1");
    expect_error(SH_IMG "semihosting: {rooot: .}\nsteps: [run: 1ms]\n", "bad.yaml:4:", "unknown key 'rooot'");
    expect_error(SH_IMG "semihosting: [a]\nsteps: [run: 1ms]\n", "bad.yaml:4:14:", "true, false or a mapping");
    expect_error(SH_IMG "semihosting: {root: /nonexistent/dir}\nsteps: [run: 1ms]\n", "bad.yaml:4:21:",
                 "semihosting.root: cannot read '/nonexistent/dir'");
    expect_error(SH_IMG "semihosting: {root: \"${H7_FIRMWARE_DIR}/semihost_cm7.elf\"}\nsteps: [run: 1ms]\n", "bad.yaml:4:21:",
                 "is not a directory");
    expect_error(SH_IMG "steps: [run: 1ms]\nexpect: {exit: 0}\n", "bad.yaml:5:16:", "exit: needs 'semihosting: true'");
    expect_error(SH_IMG "steps: [run: 1ms]\nexpect: {outcome: exited}\n", "bad.yaml:5:19:",
                 "outcome: exited needs 'semihosting: true'");
    expect_error(SH_IMG "semihosting: 1\nsteps: [run: 1ms]\nexpect: {exit: -1}\n", "bad.yaml:6:16:",
                 "not a 32-bit number");
    expect_error(SH_IMG "semihosting: 1\nsteps: [run: 1ms]\nexpect: {outcome: running, exit: 0}\n", "bad.yaml:6:",
                 "the outcome of a run that exits is 'exited', not 'running'");
}

/* images: FILE.bin@ADDR and .hex as on the command line; bad address, missing file, an image that
 * does not fit, a broken HEX record: file:line:col. */
static void test_raw_images_with_an_address(void **state)
{
    h7_scenario s;
    char err[512] = "";
    int rc = h7_scenario_parse("/tmp/x/raw.yaml", "name: x\nimages:\n  cm7: ${H7_FIRMWARE_DIR}/boot_cm7.hex\n"
                               "  cm4: ${H7_FIRMWARE_DIR}/boot_cm4.bin@0x08100000\nsteps: [run: 1ms]\n", &s, err, sizeof err);
    if (rc)
        fail_msg("%s", err);
    assert_non_null(strstr(s.image[H7_CM4], "/boot_cm4.bin@0x08100000"));
    assert_non_null(strstr(s.image[H7_CM7], "/boot_cm7.hex"));
    h7_scenario_free(&s);
    expect_error("name: x\nimages:\n  cm4: ${H7_FIRMWARE_DIR}/boot_cm4.bin@0x0810zz\nsteps: [run: 1ms]\n",
                 "bad.yaml:3:8:", "images.cm4: '0x0810zz' after '@' is not an address");
    expect_error("name: x\nimages:\n  cm4: ${H7_FIRMWARE_DIR}/nope.bin@0x08100000\nsteps: [run: 1ms]\n",
                 "bad.yaml:3:8:", "images.cm4: cannot read");
    expect_error("name: x\nimages:\n  cm4: ${H7_FIRMWARE_DIR}/boot_cm4.bin@0xFFFFFF00\nsteps: [run: 1ms]\n",
                 "bad.yaml:3:8:", "is not an address the");
    expect_error("name: x\nimages:\n  cm7: \"@0x08000000\"\nsteps: [run: 1ms]\n", "bad.yaml:3:8:",
                 "has no file before '@'");
    char dir[] = "/tmp/h7t_hexXXXXXX", hex[64], text[256];
    assert_non_null(mkdtemp(dir));
    snprintf(hex, sizeof hex, "%s/bad.hex", dir);
    FILE *f = fopen(hex, "w");
    assert_non_null(f);
    fputs(":0400000001020304F0\n:00000001FF\n", f);   /* the first record's checksum is 0xF2 */
    fclose(f);
    snprintf(text, sizeof text, "name: x\nimages:\n  cm7: %s\nsteps: [run: 1ms]\n", hex);
    expect_error(text, "bad.yaml:3:8:", "bad.hex:1: checksum mismatch");
    remove(hex);
    rmdir(dir);
}

/* uart_input to another U(S)ART than the console: {uart: NAME, text: TEXT}. */
static void test_uart_input_names_its_usart(void **state)
{
    h7_scenario s;
    char err[512] = "";
    const char *text = IMG "steps:\n  - uart_input: {uart: lpuart1, text: \"AT\"}\n  - uart_input: \"x\"\n";
    if (h7_scenario_parse("/tmp/x/u.yaml", text, &s, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(s.steps[0].kind, H7_STEP_UART_INPUT);
    assert_int_equal(s.steps[0].usart, 9);
    assert_string_equal(s.steps[0].event, "AT");
    assert_int_equal(s.steps[1].usart, 3);
    h7_scenario_free(&s);
}

/* Deterministic mutation fuzz: truncations and byte flips of a valid file never crash the parser
 * (run under ASan/UBSan in CI) and always end in either success or a located error. */
static void test_mutated_files_never_crash_the_parser(void **state)
{
    size_t n = strlen(valid);
    char *buf = malloc(n + 1);
    uint32_t x = 12345;
    static const char junk[] = ":-{}[]\"'#&*!|>%@` \n\t0xZ";
    unsigned accepted = 0, rejected = 0;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(buf, valid, n + 1);
        int flips = 1 + iter % 4;
        for (int f = 0; f < flips; f++) {
            x = x * 1103515245u + 12345u;
            size_t pos = (x >> 8) % n;
            x = x * 1103515245u + 12345u;
            buf[pos] = junk[(x >> 8) % (sizeof junk - 1)];
        }
        if (iter % 7 == 0)
            buf[(x >> 4) % n] = '\0';
        h7_scenario s;
        char err[512] = "";
        if (h7_scenario_parse("/tmp/x/fuzz.yaml", buf, &s, err, sizeof err) == 0) {
            accepted++;
        } else {
            rejected++;
            assert_non_null(strstr(err, "fuzz.yaml"));
        }
        h7_scenario_free(&s);
    }
    free(buf);
    assert_true(accepted > 0 && rejected > 0);
}

static void test_run_judges_sequence_and_outcome(void **state)
{
    const char *text = "name: boot to main\n"
                       "images:\n  cm7: ${H7_FIRMWARE_DIR}/boot_cm7.elf\n  cm4: ${H7_FIRMWARE_DIR}/boot_cm4.elf\n"
                       "steps:\n  - run_until: {symbol: main, core: cm4, timeout: 5ms}\n  - run: 1ms\n"
                       "expect:\n  sequence: [\"scenario: cm4 reached main\", \"cm4: enters cstop\"]\n";
    h7_scenario s;
    char err[512] = "";
    assert_int_equal(h7_scenario_parse("/tmp/x/ok.yaml", text, &s, err, sizeof err), 0);
    FILE *rep = tmpfile();
    h7_scenario_opts o = {.report = rep};
    assert_int_equal(h7_scenario_run(&s, &o), 0);
    h7_scenario_free(&s);
    /* the same with an event that never comes: exit 1 and the message names it */
    const char *bad = "name: never\n"
                      "images:\n  cm7: ${H7_FIRMWARE_DIR}/boot_cm7.elf\n  cm4: ${H7_FIRMWARE_DIR}/boot_cm4.elf\n"
                      "steps:\n  - run: 1ms\n"
                      "expect:\n  sequence: [\"pwr: actvosrdy\", \"gpio: PB14 high\"]\n";
    assert_int_equal(h7_scenario_parse("/tmp/x/never.yaml", bad, &s, err, sizeof err), 0);
    rewind(rep);
    assert_int_equal(h7_scenario_run(&s, &o), 1);
    fflush(rep);
    rewind(rep);
    char out[8192];
    size_t got = fread(out, 1, sizeof out - 1, rep);
    out[got] = 0;
    assert_non_null(strstr(out, "never.yaml:8: expected event \"gpio: PB14 high\" (item 2 of the sequence)"));
    fclose(rep);
    h7_scenario_free(&s);
}

/* A run with semihosting: the exit status decides; no exit where one is expected, and an exit where
 * none is, fail with messages that say so. */
static void test_semihosting_exit_status_is_judged(void **state)
{
    static const struct { const char *tail; int rc; const char *msg; } cases[] = {
        {"steps: [run: 2s]\nexpect: {exit: 0}\n", 0, "PASS x"},
        {"steps: [run: 2s]\nexpect: {exit: 3}\n", 1, "sh.yaml:6: cm7 exited with status 0 (semihosting), expected status 3"},
        {"steps: [run: 1ms]\nexpect: {exit: 0}\n", 1, "expected a semihosting exit with status 0, but the run ended running"},
        {"steps: [run: 2s]\n", 1, "outcome is exited (no 'expect: outcome' given"},
        {"steps: [run: 2s, run: 1s, run_until: {event: never, timeout: 1s}]\nexpect: {outcome: exited}\n", 0, "PASS x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, SH_IMG "semihosting: true\n%s", cases[i].tail);
        h7_scenario s;
        char err[512] = "";
        if (h7_scenario_parse("/tmp/x/sh.yaml", text, &s, err, sizeof err))
            fail_msg("%s", err);
        char *out = NULL;
        size_t len = 0;
        FILE *rep = open_memstream(&out, &len);
        h7_scenario_opts o = {.report = rep};
        int rc = h7_scenario_run(&s, &o);
        fclose(rep);
        if (rc != cases[i].rc || !strstr(out, cases[i].msg))
            fail_msg("case %zu: rc %d, report:\n%s", i, rc, out);
        free(out);
        h7_scenario_free(&s);
    }
}

static void count_sink(void *ctx, const h7_trace_event *e, size_t index)
{
    struct { size_t *got, *n; } *c = ctx;
    assert_int_equal(index, *c->n);
    c->got[(*c->n)++] = (size_t)e->t;
}

static bool match_text(const h7_trace_event *e, const h7_expect_item *item)
{
    char line[300];
    snprintf(line, sizeof line, "%s: %s", e->src, e->text);
    return strstr(line, item->text) != NULL;
}

static char *diff_text(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *b = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    return b;
}

/* The streaming diff (one pass, bounded memory) prints exactly what the diff over the kept events
 * prints, and its first node is the greedy in-order match: random runs of a few event kinds (so
 * that items go missing, repeat and come out of order) against random expected sequences. */
static void test_streaming_sequence_diff_equals_the_batch_diff(void **state)
{
    static const char *const words[] = {"pwr: vos1 ready", "pwr: vos3 ready", "rcc: hse ready", "rcc: pll1 ready",
                                        "gpio: PB0 high", "gpio: PB0 low", "rule: X", "cm7: hsem 0 taken"};
    const size_t nw = sizeof words / sizeof *words;
    unsigned seed = 12345;
    for (int round = 0; round < 400; round++) {
        h7_trace t;
        h7_trace_init(&t);
        size_t nev = (size_t)(rand_r(&seed) % 40);
        for (size_t i = 0; i < nev; i++) {
            const char *w = words[rand_r(&seed) % nw];
            char src[16];
            const char *colon = strchr(w, ':');
            snprintf(src, sizeof src, "%.*s", (int)(colon - w), w);
            h7_trace_add(&t, (h7_time_ps)i * 1000, src, colon + 2);
        }
        size_t nseq = 1 + (size_t)(rand_r(&seed) % 8);
        h7_expect_item seq[8];
        for (size_t i = 0; i < nseq; i++)
            seq[i] = (h7_expect_item){.line = (unsigned)(10 + i), .text = (char *)words[rand_r(&seed) % nw]};
        h7_seq_stream *d = h7_seq_stream_new(seq, nseq, match_text);
        assert_non_null(d);
        for (size_t i = 0; i < t.n; i++)
            h7_seq_stream_feed(d, &t.ev[i], i);
        FILE *a = tmpfile(), *b = tmpfile();
        h7_seq_diff(seq, nseq, &t, match_text, a);
        h7_seq_stream_diff(d, b);
        char *ta = diff_text(a), *tb = diff_text(b);
        assert_string_equal(tb, ta);
        /* the greedy match */
        size_t pos = 0, item = 0, last = 0, got_last;
        for (; item < nseq; item++) {
            while (pos < t.n && !match_text(&t.ev[pos], &seq[item]))
                pos++;
            if (pos == t.n)
                break;
            last = pos++;
        }
        assert_int_equal(h7_seq_stream_root(d, &got_last), item);
        if (item)
            assert_int_equal(got_last, last);
        free(ta);
        free(tb);
        fclose(a);
        fclose(b);
        h7_seq_stream_free(d);
        h7_trace_free(&t);
    }
}

/* The scenario runner keeps no events: the trace streams to its judge, whatever the run length. */
static void test_trace_sinks_get_every_event_and_keep_none(void **state)
{
    h7_trace t;
    h7_trace_init(&t);
    h7_trace_add(&t, 5, "a", "kept before the sink");
    size_t got[8], n = 0;
    struct { size_t *got, *n; } ctx = {got, &n};
    assert_true(h7_trace_add_sink(&t, count_sink, &ctx));
    h7_trace_stream_only(&t);
    t.defer = true;
    h7_trace_add(&t, 30, "b", "later");
    h7_trace_add(&t, 20, "c", "earlier");
    h7_trace_flush(&t);
    assert_int_equal(n, 3);
    assert_int_equal(got[0], 5);    /* replayed */
    assert_int_equal(got[1], 20);   /* then in time order */
    assert_int_equal(got[2], 30);
    assert_int_equal(t.n, 0);
    assert_null(t.ev);
    assert_int_equal(t.emitted, 3);
    h7_trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_scenario_parses_every_step_kind),
        cmocka_unit_test(test_input_errors_name_file_line_and_column),
        cmocka_unit_test(test_uart_input_names_its_usart),
        cmocka_unit_test(test_mutated_files_never_crash_the_parser),
        cmocka_unit_test(test_run_judges_sequence_and_outcome),
        cmocka_unit_test(test_semihosting_keys_and_their_errors),
        cmocka_unit_test(test_raw_images_with_an_address),
        cmocka_unit_test(test_semihosting_exit_status_is_judged),
        cmocka_unit_test(test_streaming_sequence_diff_equals_the_batch_diff),
        cmocka_unit_test(test_trace_sinks_get_every_event_and_keep_none),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

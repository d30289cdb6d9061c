/* End to end: this project's CubeMX-style dual-core boot (firmware/boot/) on the emulated
 * NUCLEO-H755ZI-Q. Checks the exact console bytes, the register state both cores leave behind,
 * the order of the handshake, and that the run is byte-for-byte deterministic. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "machine.h"

static h7_machine *boot(const char *cm7, const char *cm4, const char *board) { return h7t_machine(cm7, cm4, board); }

static uint32_t reg(h7_machine *m, uint32_t addr) { return h7t_peek(m, addr); }

static size_t find_event(h7_machine *m, size_t from, const char *src, const char *text)
{
    for (size_t i = from; i < m->trace.n; i++)
        if (!strcmp(m->trace.ev[i].src, src) && strstr(m->trace.ev[i].text, text))
            return i;
    fail_msg("no event '%s: %s' after #%zu", src, text, from);
    return 0;
}

static void test_good_boot_prints_exact_bytes_and_leaves_registers_configured(void **state)
{
    h7_machine *m = boot("boot_cm7.elf", "boot_cm4.elf", "nucleo-h755zi-q");
    h7_machine_run_for(m, 300 * H7_PS_PER_MS);
    static const char want[] = "CM7: boot ok\r\nCM7: sysclk 400 MHz\r\nCM4: up at 200 MHz\r\nCM7: done\r\n";
    assert_int_equal(m->uart_len, sizeof want - 1);
    assert_memory_equal(m->uart_buf, want, sizeof want - 1);
    assert_false(m->locked);
    assert_int_equal(m->sup.nviol, 0);
    /* PWR: direct SMPS locked in, ACTVOSRDY, VOS1 ready */
    assert_int_equal(reg(m, 0x5802480Cu) & 0x3Fu, 0x04u);
    assert_int_equal(reg(m, 0x58024804u) & (1u << 13), 1u << 13);
    assert_int_equal(reg(m, 0x58024818u) & 0xE000u, 0xE000u);
    /* RCC: HSE bypass ready, PLL1 locked and selected, D1/D2 clocks ready */
    uint32_t cr = reg(m, 0x58024400u);
    assert_int_equal(cr & ((1u << 17) | (1u << 18) | (1u << 25) | (1u << 14) | (1u << 15)),
                     (1u << 17) | (1u << 18) | (1u << 25) | (1u << 14) | (1u << 15));
    assert_int_equal((reg(m, 0x58024410u) >> 3) & 7u, 3u);
    assert_int_equal(reg(m, 0x58024430u), (400u - 1u) | (1u << 9) | (3u << 16) | (1u << 24));
    assert_int_equal(h7_rcc_cpu_hz(&m->soc.rcc, H7_CM7), 400000000u);
    assert_int_equal(h7_rcc_cpu_hz(&m->soc.rcc, H7_CM4), 200000000u);
    /* FLASH: 2 wait states */
    assert_int_equal(reg(m, 0x52002000u) & 0xFu, 2u);
    /* HSEM: all free again; the CM4's notification for semaphore 0 was cleared */
    assert_int_equal(h7_hsem_peek(&m->soc.hsem, 0), 0);
    assert_int_equal(h7_hsem_peek(&m->soc.hsem, 1), 0);
    assert_int_equal(reg(m, 0x58026518u) & 1u, 0);   /* C2ISR bit 0 */
    /* GPIO: LD1 (PB0) and LD2 (PE1) are outputs; LD2 on */
    assert_int_equal((reg(m, 0x58020400u) >> 0) & 3u, 1u);
    assert_int_equal(reg(m, 0x58021014u) & 2u, 2u);
    /* EXTI: line 78 is an event for the CM4 (SystemInit) */
    assert_int_equal(reg(m, 0x580000E4u) & 0x4000u, 0x4000u);
    h7_machine_destroy(m);
}

static void test_handshake_happens_in_the_cubemx_order(void **state)
{
    h7_machine *m = boot("boot_cm7.elf", "boot_cm4.elf", "nucleo-h755zi-q");
    h7_machine_run_for(m, 10 * H7_PS_PER_MS);
    size_t i = find_event(m, 0, "cm4", "enters cstop (wfe)");
    i = find_event(m, i, "rcc", "d2ckrdy 0");
    i = find_event(m, i, "cm7", "writes PWR_CR3 = 0x00000004 (direct_smps)");
    i = find_event(m, i, "pwr", "actvosrdy");
    i = find_event(m, i, "pwr", "vos1 ready");
    i = find_event(m, i, "rcc", "pll1 ready");
    i = find_event(m, i, "rcc", "sysclk 400 MHz");
    i = find_event(m, i, "cm7", "writes FLASH_ACR = 0x00000032 (latency 2)");
    i = find_event(m, i, "cm7", "hsem 0 taken");
    i = find_event(m, i, "cm7", "hsem 0 released");
    i = find_event(m, i, "cm4", "leaves cstop");
    i = find_event(m, i, "rcc", "d2ckrdy 1");
    find_event(m, i, "uart3", "\"CM7: boot ok\"");
    h7_machine_destroy(m);
}

static char *trace_text(h7_machine *m)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    for (size_t i = 0; i < m->trace.n; i++) {
        char line[600];
        int n = snprintf(line, sizeof line, "%llu %s %s\n", (unsigned long long)m->trace.ev[i].t, m->trace.ev[i].src,
                         m->trace.ev[i].text);
        while (len + (size_t)n + 1 > cap)
            s = realloc(s, cap *= 2);
        memcpy(s + len, line, (size_t)n);
        len += (size_t)n;
    }
    s[len] = 0;
    return s;
}

static void test_two_runs_give_the_same_trace_byte_for_byte(void **state)
{
    char *t[2];
    for (int k = 0; k < 2; k++) {
        h7_machine *m = boot("boot_cm7.elf", "boot_cm4.elf", "nucleo-h755zi-q");
        h7_machine_run_for(m, 250 * H7_PS_PER_MS);
        t[k] = trace_text(m);
        h7_machine_destroy(m);
    }
    assert_true(strlen(t[0]) > 1000);
    assert_string_equal(t[0], t[1]);
    free(t[0]);
    free(t[1]);
}

static void test_480mhz_ldo_firmware_runs_on_the_ldo_board_and_locks_the_smps_board(void **state)
{
    h7_machine *m = boot("boot_ldo480_cm7.elf", "boot_ldo480_cm4.elf", "nucleo-h755zi-q-ldo");
    h7_machine_run_for(m, 300 * H7_PS_PER_MS);
    static const char want[] = "CM7: boot ok\r\nCM7: sysclk 480 MHz\r\nCM4: up at 240 MHz\r\nCM7: done\r\n";
    assert_int_equal(m->uart_len, sizeof want - 1);
    assert_memory_equal(m->uart_buf, want, sizeof want - 1);
    assert_int_equal(h7_pwr_get_state(&m->soc.pwr).vos, 0);
    h7_machine_destroy(m);

    m = boot("boot_ldo480_cm7.elf", "boot_ldo480_cm4.elf", "nucleo-h755zi-q");
    h7_machine_run_for(m, 20 * H7_PS_PER_MS);
    assert_true(m->locked);
    assert_int_equal(m->uart_len, 0);
    assert_false(h7_pwr_get_state(&m->soc.pwr).actvosrdy);
    char msg[200];
    assert_false(h7_machine_debug_link_ok(m, msg, sizeof msg));
    assert_string_equal(msg, "The interface firmware FAILED to reset/halt the target MCU");
    h7_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_boot_prints_exact_bytes_and_leaves_registers_configured),
        cmocka_unit_test(test_handshake_happens_in_the_cubemx_order),
        cmocka_unit_test(test_two_runs_give_the_same_trace_byte_for_byte),
        cmocka_unit_test(test_480mhz_ldo_firmware_runs_on_the_ldo_board_and_locks_the_smps_board),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

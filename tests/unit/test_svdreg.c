/* Table-driven registers (peripherals/svdreg.c, generated peripherals/h755_regs.c): every
 * register of a window without a behavioural model answers with its reset value, stores writes
 * honouring read-only, write-1-to-clear and write-only bits, and is logged once as unmodelled. */
#include "support.h"

#include <string.h>

#include "fake_host.h"
#include "h755_windows.h"
#include "flash_regs.h"

#define DBG H7_MASTER_DEBUG
#define CM7 H7_MASTER_CM7
#define CRS 0x40008400u   /* clock recovery system: no behavioural model */
#define SPI2 0x40003800u   /* no behavioural model (the USARTs and DMAs have one now) */
#define SAI1 0x40015800u
#define I2C1 0x40005400u
#define RCC 0x58024400u

static int setup(void **state)
{
    *state = fh_new();
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static unsigned count_logs(const fake_host *fh, const char *needle)
{
    unsigned n = 0;
    for (unsigned i = 0; i < fh->nlog; i++)
        n += strstr(fh->log[i], needle) != NULL;
    return n;
}

static void test_every_svd_window_has_a_register_table(void **state)
{
    (void)state;
    size_t regs = 0;
    for (size_t i = 0; i < h7_h755_window_count; i++) {
        const h7_regmap *map = h7_h755_regmap(h7_h755_windows[i].name);
        assert_non_null(map);
        assert_true(map->nregs > 0);
        for (size_t r = 1; r < map->nregs; r++)   /* sorted, one row per offset */
            assert_true(map->regs[r - 1].offset < map->regs[r].offset);
        for (size_t r = 0; r < map->nregs; r++) {
            const h7_regdesc *d = &map->regs[r];
            assert_true(d->offset < h7_h755_windows[i].size);
            /* a bit has one access */
            assert_int_equal(d->rw_mask & d->ro_mask, 0);
            assert_int_equal(d->rw_mask & d->w1c_mask, 0);
            assert_int_equal(d->rw_mask & d->wo_mask, 0);
            assert_int_equal(d->ro_mask & d->wo_mask, 0);
        }
        regs += map->nregs;
    }
    assert_true(regs > 3000);
}

static void test_every_register_of_every_window_answers_without_fault(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < fh->soc.nwindows; i++) {
        const h7_window *w = &fh->soc.windows[i];
        assert_non_null(w->read);
        assert_non_null(w->write);
        const h7_regmap *map = h7_h755_regmap(w->name);
        if (w->read != h7_svdreg_read)
            continue;   /* behavioural model: its own tests */
        for (size_t r = 0; r < map->nregs; r++) {
            uint32_t v = 0;
            assert_true(h7_soc_read(&fh->soc, w->base + map->regs[r].offset, 4, DBG, &v));
            assert_int_equal(v, map->regs[r].reset & ~map->regs[r].wo_mask);
        }
    }
}

static void test_unmodelled_register_reads_its_svd_reset_value(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(fh_read(fh, CM7, CRS + 0x04), 0x2022BB7Fu);   /* CRS_CFGR: RM0399 CRS chapter */
    assert_int_equal(fh_read(fh, CM7, CRS + 0x00), 0x00002000u);   /* CRS_CR: TRIM = 32 */
    assert_int_equal(fh_read(fh, CM7, SPI2 + 0x14), 0x00001002u);   /* SPI_SR: TXP, TXTF... reset */
}

static void test_unmodelled_register_stores_read_write_bits_only(void **state)
{
    fake_host *fh = *state;
    const h7_regdesc *cr = h7_h755_reg("CRS", "CR");
    fh_write(fh, CM7, CRS + 0x00, 0xFFFFFFFFu);
    assert_int_equal(fh_read(fh, CM7, CRS + 0x00), cr->reset | cr->rw_mask);
    fh_write_sized(fh, CM7, CRS + 0x04, 0x12, 1);                  /* a byte lane */
    assert_int_equal(fh_read(fh, CM7, CRS + 0x04), 0x2022BB12u);
}

static void test_unmodelled_read_only_bits_ignore_writes(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, SPI2 + 0x14, 0);                             /* SPI_SR is r */
    assert_int_equal(fh_read(fh, CM7, SPI2 + 0x14), 0x00001002u);
    fh_write(fh, CM7, SAI1 + 0x18, 0xFFFFFFFFu);                   /* SAI_ASR is r */
    assert_int_equal(fh_read(fh, CM7, SAI1 + 0x18), 0x00000008u);
}

static void test_unmodelled_write_only_bits_read_zero(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, I2C1 + 0x1C, 0x00003F38u);                   /* I2C_ICR: w */
    assert_int_equal(fh_read(fh, CM7, I2C1 + 0x1C), 0);
}

static void test_write_one_to_clear_bits_clear_on_one_and_keep_on_zero(void **state)
{
    (void)state;
    const h7_regdesc pr = {0x88, "CPUPR1", 0, 0x00000000u, 0x003FFFFFu, 0xFFC00000u, 0};
    assert_int_equal(h7_regdesc_apply_write(&pr, 0x00000005u, 0x00000001u), 0x00000004u);
    assert_int_equal(h7_regdesc_apply_write(&pr, 0x00000005u, 0), 0x00000005u);
    assert_int_equal(h7_regdesc_apply_write(&pr, 0x00400005u, 0xFFFFFFFFu), 0x00400000u);   /* RO kept */
    /* the generated EXTI and ADC rows carry the rc_w1 bits of RM0399 (corrections table) */
    assert_int_equal(h7_h755_reg("EXTI", "CPUPR1")->w1c_mask, 0x003FFFFFu);
    assert_int_equal(h7_h755_reg("ADC1", "ISR")->w1c_mask, 0x000007FFu);
}

static void test_unmodelled_register_is_logged_once_as_unmodelled(void **state)
{
    fake_host *fh = *state;
    fh_read(fh, CM7, CRS + 0x04);
    fh_read(fh, CM7, CRS + 0x04);
    fh_write(fh, CM7, CRS + 0x04, 0x1021u);
    assert_int_equal(count_logs(fh, "UNIMP CRS: cm7 reads CRS_CFGR (+0x004): unmodelled"), 1);
    assert_int_equal(count_logs(fh, "CRS_CFGR"), 1);
    fh_read(fh, CM7, CRS + 0x00);
    assert_int_equal(count_logs(fh, "CRS_CR "), 1);
}

static void test_offset_without_register_reads_zero_and_is_logged(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(fh_read(fh, CM7, CRS + 0x10), 0);
    assert_true(fh_logged(fh, "UNIMP CRS: cm7 read of CRS+0x010 returns 0: no register there in the SVD"));
}

static void test_table_driven_registers_return_to_reset_on_system_reset(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, CRS + 0x04, 0x1021u);
    assert_int_equal(fh_read(fh, CM7, CRS + 0x04), 0x1021u);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(fh_read(fh, CM7, CRS + 0x04), 0x2022BB7Fu);
}

static void test_rcc_offsets_it_does_not_model_fall_back_to_the_svd_table(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(fh_read(fh, CM7, RCC + 0x0A4), 0);            /* reserved in RM0399 §9.7 */
    assert_true(fh_logged(fh, "UNIMP RCC: cm7 read of RCC+0x0A4 returns 0: no register there in the SVD"));
}

static void test_svd_corrections_give_the_rm0399_reset_values(void **state)
{
    (void)state;
    assert_int_equal(h7_h755_reg("Flash", "ACR")->reset, 0x37u);            /* RM0399 §4.9 */
    assert_int_equal(h7_h755_reg("GPIOB", "MODER")->reset, 0xFFFFFEBFu);    /* RM0399 §12.4 */
    assert_int_equal(h7_h755_reg("GPIOA", "MODER")->reset, 0xABFFFFFFu);
    assert_int_equal(h7_h755_reg("DBGMCU", "IDC")->reset, 0x20036450u);     /* RM0399 §63.5 */
    assert_int_equal(h7_h755_reg("Flash", "WPSN_CUR1R")->reset & 0xFFu, 0xFFu);
    /* RCC_CR ready flags are read-only (RM0399 §9.7.2) */
    assert_int_equal(h7_h755_reg("RCC", "CR")->ro_mask & 0x2A02E124u, 0x2A02E124u);
    assert_int_equal(h7_h755_reg("RCC", "CR")->rw_mask & 0x2A02E124u, 0);
}

/* The behavioural models and the SVD table are one description: no bit a model stores from a write
 * is read-only in the (corrected) SVD table. This is the audit that found RCC_CR.HSERDY/D1CKRDY and
 * PWR_CR2.BRRDY/VBATL writable. Exception: EXTI_CPUIMR3/CPUEMR3, which the SVD marks read-only
 * while RM0399 §21.6 has the mask bits read-write. */
static void audit(const char *window, const h7_regdesc *model, size_t n)
{
    const h7_regmap *map = h7_h755_regmap(window);
    assert_non_null(map);
    for (size_t i = 0; i < n; i++) {
        int k = h7_regmap_index(map, model[i].offset);
        if (k < 0 || (!strcmp(window, "EXTI") && (model[i].offset & 0xF0u) == 0xA0u))
            continue;
        if (model[i].rw_mask & map->regs[k].ro_mask)
            fail_msg("%s: the model stores bits 0x%08X that are read-only in the SVD table", model[i].name,
                     model[i].rw_mask & map->regs[k].ro_mask);
    }
}

static void test_model_writable_bits_are_not_read_only_in_the_svd_table(void **state)
{
    (void)state;
    audit("PWR", h7_pwr_regs, h7_pwr_nregs);
    audit("RCC", h7_rcc_regs, h7_rcc_nregs);
    audit("Flash", h7_flash_regs, h7_flash_nregs);
    audit("HSEM", h7_hsem_regs, h7_hsem_nregs);
    audit("EXTI", h7_exti_regs, h7_exti_nregs);
    audit("SYSCFG", h7_syscfg_regs, h7_syscfg_nregs);
    audit("GPIOA", h7_gpio_regs, h7_gpio_nregs);
    audit("USART3", h7_usart_regs, h7_usart_nregs);
}

/* The timer, LPTIM, watchdog and RTC models take their register lists from the table: after a
 * power-on reset every register of theirs reads its (corrected) SVD reset value. */
static void test_timer_watchdog_and_rtc_models_reset_to_their_svd_rows(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, RCC + 0x0E4, 1u << 6);                       /* APB3ENR: WWDG1 */
    fh_write(fh, CM7, RCC + 0x0E8, 0x1FFu | (1u << 9) | (1u << 11)); /* APB1LENR: TIM2-14, LPTIM1, WWDG2 */
    fh_write(fh, CM7, RCC + 0x0F0, 0x70003u);                     /* APB2ENR: TIM1, TIM8, TIM15-17 */
    fh_write(fh, CM7, RCC + 0x0F4, (0xFu << 9) | (1u << 16));     /* APB4ENR: LPTIM2-5, RTCAPB */
    static const char *const windows[] = {
        "TIM1", "TIM2", "TIM3", "TIM4", "TIM5", "TIM6", "TIM7", "TIM8", "TIM12", "TIM13", "TIM14", "TIM15",
        "TIM16", "TIM17", "LPTIM1", "LPTIM2", "LPTIM3", "LPTIM4", "LPTIM5", "IWDG1", "IWDG2", "WWDG1", "WWDG2", "RTC",
    };
    unsigned checked = 0;
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
        uint32_t base = 0;
        for (size_t i = 0; i < h7_h755_window_count; i++)
            if (!strcmp(h7_h755_windows[i].name, windows[w]))
                base = h7_h755_windows[i].base;
        assert_int_not_equal(base, 0);
        const h7_regmap *map = h7_h755_regmap(windows[w]);
        for (size_t r = 0; r < map->nregs; r++) {
            const h7_regdesc *d = &map->regs[r];
            if (!strcmp(windows[w], "RTC") && d->offset == 0x28u)
                continue;   /* RTC_SSR is computed: PREDIV_S at the start of a second (rtc.c decision) */
            uint32_t v = fh_read(fh, H7_MASTER_DEBUG, base + d->offset);
            if (v != (d->reset & ~d->wo_mask))
                fail_msg("%s_%s (+0x%03X) reads 0x%08X after reset, the table says 0x%08X", windows[w], d->name, d->offset,
                         v, d->reset);
            checked++;
        }
    }
    assert_true(checked > 300);
    /* RM0399 corrections the models rely on */
    assert_int_equal(h7_h755_reg("TIM2", "ARR")->reset, 0xFFFFFFFFu);
    assert_int_equal(h7_h755_reg("TIM3", "ARR")->reset, 0x0000FFFFu);
    assert_int_equal(h7_h755_reg("TIM8", "AF1")->reset, 1u);
    assert_int_equal(h7_h755_reg("WWDG2", "CFR")->rw_mask, 0x3A7Fu);
}

/* The figure of issue 12: how many SVD registers are answered by a behavioural model and how many
 * by the table alone (docs/models.md "Table-driven registers"). Printed; the split must cover all
 * 3,116 rows. */
static void test_figure_behavioural_versus_table_driven_registers(void **state)
{
    fake_host *fh = *state;
    size_t beh_w = 0, beh_r = 0, tab_w = 0, tab_r = 0;
    for (size_t i = 0; i < fh->soc.nwindows; i++) {
        const h7_regmap *map = h7_h755_regmap(fh->soc.windows[i].name);
        size_t n = map ? map->nregs : 0;
        if (fh->soc.windows[i].read == h7_svdreg_read) {
            tab_w++;
            tab_r += n;
        } else {
            beh_w++;
            beh_r += n;
        }
    }
    print_message("registers: %zu in %zu windows with a behavioural model, %zu in %zu table-driven windows\n", beh_r,
                  beh_w, tab_r, tab_w);
    assert_int_equal(beh_r + tab_r, 3116);
    assert_int_equal(beh_w + tab_w, 126);
    assert_true(beh_r >= 1899);   /* 74 windows when the timers and watchdogs moved onto the table */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_svd_window_has_a_register_table),
        cmocka_unit_test_setup_teardown(test_every_register_of_every_window_answers_without_fault, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmodelled_register_reads_its_svd_reset_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmodelled_register_stores_read_write_bits_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmodelled_read_only_bits_ignore_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmodelled_write_only_bits_read_zero, setup, teardown),
        cmocka_unit_test(test_write_one_to_clear_bits_clear_on_one_and_keep_on_zero),
        cmocka_unit_test_setup_teardown(test_unmodelled_register_is_logged_once_as_unmodelled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offset_without_register_reads_zero_and_is_logged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_driven_registers_return_to_reset_on_system_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rcc_offsets_it_does_not_model_fall_back_to_the_svd_table, setup, teardown),
        cmocka_unit_test(test_svd_corrections_give_the_rm0399_reset_values),
        cmocka_unit_test(test_model_writable_bits_are_not_read_only_in_the_svd_table),
        cmocka_unit_test_setup_teardown(test_timer_watchdog_and_rtc_models_reset_to_their_svd_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_figure_behavioural_versus_table_driven_registers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* ART accelerator model: the register HAL_Init writes on the CM4 (facts §3.5). */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define ART 0x40024400u

static void test_art_ctr_needs_the_artEN_clock_then_keeps_base_and_enable(void **state)
{
    fake_host *fh = fh_new();
    /* clock off: write ignored, reads 0 */
    fh_write(fh, H7_MASTER_CM4, ART, 0x00081001u);
    assert_int_equal(fh_read(fh, H7_MASTER_CM4, ART), 0);
    assert_true(fh_traced(fh, "cm4 writes ART with its clock off (RCC_AHB1ENR bit 14 = 0)"));
    /* HAL_Init on the CM4: AHB1ENR.ARTEN through the C2 bank, PCACHEADDR = 0x081, EN */
    fh_write(fh, H7_MASTER_CM4, RCC + 0x0D8, 1u << 14);
    assert_int_equal(fh_read(fh, H7_MASTER_DEBUG, RCC + 0x198), 1u << 14);   /* C2_AHB1ENR */
    assert_int_equal(fh_read(fh, H7_MASTER_CM4, ART), h7_art_regs[0].reset);
    fh_write(fh, H7_MASTER_CM4, ART, 0x081u << 8);
    fh_write(fh, H7_MASTER_CM4, ART, (0x081u << 8) | 1u);
    assert_int_equal(fh_read(fh, H7_MASTER_CM4, ART), 0x00008101u);
    fh_write(fh, H7_MASTER_CM4, ART, 0xFFFFFFFFu);   /* reserved bits read 0 */
    assert_int_equal(fh_read(fh, H7_MASTER_CM4, ART), 0x000FFF01u);
    assert_false(fh_logged(fh, "UNIMP"));
    fh_free(fh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_art_ctr_needs_the_artEN_clock_then_keeps_base_and_enable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

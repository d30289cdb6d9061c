/* Intel HEX and FILE.bin@ADDR images: records placed at their extended linear address, contiguous
 * records merged, every malformed record named by file:line. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_image.h"

static int parse(const char *text, h7_image *img, char *err)
{
    return h7_image_parse_ihex("t.hex", text, strlen(text), img, err, 256);
}

static void test_hex_records_land_at_their_linear_address(void **state)
{
    h7_image img;
    char err[256] = "";
    /* 04: upper address 0x0800, two contiguous 4-byte records, start linear address 0x08000101 */
    const char *hex = ":020000040800F2\n"
                      ":0400000000000220DA\n"
                      ":04000400A10200084D\n"
                      ":0400000508000101ED\n"
                      ":00000001FF\n";
    assert_int_equal(parse(hex, &img, err), 0);
    assert_int_equal(img.nseg, 1);
    assert_int_equal(img.segs[0].paddr, 0x08000000u);
    assert_int_equal(img.segs[0].filesz, 8);
    static const uint8_t want[8] = {0x00, 0x00, 0x02, 0x20, 0xA1, 0x02, 0x00, 0x08};
    assert_memory_equal(img.segs[0].data, want, 8);
    assert_int_equal(img.entry, 0x08000101u);
    h7_image_free(&img);
}

static void test_hex_errors_name_the_line(void **state)
{
    h7_image img;
    char err[256];
    assert_int_equal(parse(":020000040800F2\n:0400000000000220D9\n:00000001FF\n", &img, err), -1);
    assert_string_equal(err, "t.hex:2: checksum mismatch (record sums to 0xFF, not 0)");
    assert_int_equal(parse(":020000040800F2\nhello\n", &img, err), -1);
    assert_string_equal(err, "t.hex:2: not an Intel HEX record (':LLAAAATT...CC')");
    assert_int_equal(parse(":0400000000000220DA\n", &img, err), -1);
    assert_string_equal(err, "t.hex: no end-of-file record (:00000001FF): truncated?");
    assert_int_equal(parse(":0400000000000220\n:00000001FF\n", &img, err), -1);
    assert_string_equal(err, "t.hex:1: length byte says 4 data bytes, the record has 3");
    assert_int_equal(parse(":0400000000000220DA\n:0400000000000220DA\n:00000001FF\n", &img, err), -1);
    assert_string_equal(err, "t.hex: data records overlap at 0x00000000");
}

static void test_bin_at_address(void **state)
{
    char path[] = "/tmp/h7emu-test-bin-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x00\x00\x02\x20\xA1\x02\x00\x08", 8), 8);
    close(fd);
    char spec[64], err[256] = "";
    snprintf(spec, sizeof spec, "%s@0x08100000", path);
    assert_true(h7_image_is_raw(spec));
    h7_image img;
    assert_int_equal(h7_image_load(spec, &img, err, sizeof err), 0);   /* through the common loader */
    assert_int_equal(img.nseg, 1);
    assert_int_equal(img.segs[0].paddr, 0x08100000u);
    assert_int_equal(img.segs[0].filesz, 8);
    h7_image_free(&img);
    snprintf(spec, sizeof spec, "%s@flash", path);
    assert_int_equal(h7_image_load(spec, &img, err, sizeof err), -1);
    assert_non_null(strstr(err, "'flash' is not an address"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex_records_land_at_their_linear_address),
        cmocka_unit_test(test_hex_errors_name_the_line),
        cmocka_unit_test(test_bin_at_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

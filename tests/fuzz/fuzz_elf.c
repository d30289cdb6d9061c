/* libFuzzer: the ELF loader (emu/core/elf_image.c) on arbitrary bytes, then what the machine does
 * with a loaded image (placement checks, symbol and line lookups). Seeds: the bundled firmware. */
#include "fuzz_common.h"

#include "elf_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    h7_image img;
    char err[512];
    if (h7_image_load(path, &img, err, sizeof err) != 0)
        return 0;
    for (int core = 0; core < H7_NCORES; core++)
        (void)h7_image_check_placement(&img, (h7_core_id)core, NULL, err, sizeof err);
    (void)h7_image_check_placement(&img, H7_CM7, &img, err, sizeof err);
    static const uint32_t probes[] = {0x08000000u, 0x08000400u, 0x08100000u, 0x24000000u, 0x00000000u, 0xFFFFFFFEu};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        uint32_t off;
        (void)h7_image_symbolize(&img, probes[i], &off);
        (void)h7_image_line(&img, probes[i]);
    }
    uint32_t a, s;
    (void)h7_image_find_symbol(&img, "main", &a, &s);
    (void)h7_image_find_symbol(&img, "Error_Handler", &a, &s);
    h7_image_free(&img);
    return 0;
}

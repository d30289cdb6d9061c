/* System memory content (see sysmem.h). */
#include "sysmem.h"

#include <string.h>

#include "adc.h"
#include "memmap.h"

/* System memory: a stand-in for ST's bootloader (it leaves PWR alone, so the supply stays at its
 * reset default and the debug link lives): vector table at 0x1FF0_0000 -> "wfi; b ." forever.
 * Plus the unique device ID (deterministic), the flash size word (2048 KB) and the ADC factory
 * calibration words TS_CAL1/TS_CAL2/VREFINT_CAL (DS12919; values from the ADC model's constants). */
void h7_sysmem_init(uint8_t *sys)
{
    const uint32_t vectors[2] = {0x20020000u, H7_SYSMEM_BASE + 0x400u + 1u};
    memcpy(sys, vectors, sizeof vectors);
    const uint16_t code[2] = {0xBF30, 0xE7FD};   /* wfi ; b.n <wfi> */
    memcpy(sys + 0x400, code, sizeof code);
    const uint32_t uid[3] = {0x00360025u, 0x3133510Au, 0x37383935u};
    memcpy(sys + (H7_UID_ADDR - H7_SYSMEM_BASE), uid, sizeof uid);
    const uint16_t flash_kb = 2048;
    memcpy(sys + (H7_FLASHSIZE_ADDR - H7_SYSMEM_BASE), &flash_kb, sizeof flash_kb);
    h7_adc_write_factory_words(sys, H7_SYSMEM_BASE);
}

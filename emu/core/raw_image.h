/* Images without ELF: Intel HEX (`app.hex`, what STM32CubeProgrammer users keep) and raw binaries
 * placed at an address (`app.bin@0x08000000`). No symbols, no line table; every byte goes to
 * flash (or wherever its address is) as a debugger's `load` would put it. */
#ifndef H7_RAW_IMAGE_H
#define H7_RAW_IMAGE_H

#include <stddef.h>

#include "elf_image.h"

/* True if `spec` names a HEX file (.hex / .ihex) or a binary with an address (FILE@ADDR). */
bool h7_image_is_raw(const char *spec);
/* Load it; -1 with "PATH:LINE: reason" (HEX) or "PATH: reason" in err. */
int h7_image_load_raw(const char *spec, h7_image *img, char *err, size_t errlen);
/* Parse Intel HEX text (for tests); `name` only appears in messages. */
int h7_image_parse_ihex(const char *name, const char *text, size_t len, h7_image *img, char *err, size_t errlen);

#endif

/* Helpers shared by the CMocka unit tests. */
#ifndef H7_TEST_SUPPORT_H
#define H7_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Path of a built firmware image, e.g. h7t_fw("systick_cm7.elf"). Static buffer, rotated 4 ways. */
const char *h7t_fw(const char *name);
/* Write `len` bytes to a fresh temporary file; returns its path (static buffer, rotated 4 ways). */
const char *h7t_tmpfile(const void *data, size_t len);

struct h7_machine;
/* A powered-on machine with these built images (file names under the firmware dir, NULL: none) on
 * the built-in `board` (NULL: the Nucleo); fails the test if it cannot be created. */
struct h7_machine *h7t_machine(const char *cm7, const char *cm4, const char *board);
/* A 32-bit read through the debug port (asserts that something answers at addr). */
uint32_t h7t_peek(struct h7_machine *m, uint32_t addr);

#endif

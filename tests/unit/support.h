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

#endif

/* Every peripheral window of the STM32H755 (name, base, size), generated from ST's SVD. */
#ifndef H7_H755_WINDOWS_H
#define H7_H755_WINDOWS_H

#include <stddef.h>
#include <stdint.h>

typedef struct h7_window_def {
    const char *name;
    uint32_t base;
    uint32_t size;
} h7_window_def;

extern const h7_window_def h7_h755_windows[];
extern const size_t h7_h755_window_count;

#endif

/* Compute-bound kernels shared by the h7emu benchmark images (tests/compute.c) and the QEMU
 * images (bench/qemu_main.c): the same code measured on both emulators. */
#ifndef KERNELS_H
#define KERNELS_H

#include <stdint.h>

#define KERNEL_N 1024
extern uint8_t kernel_buf[KERNEL_N];
extern uint32_t kernel_arr[256];
extern volatile uint32_t g_iterations, g_sink;

uint32_t crc32_kernel(const uint8_t *p, uint32_t n);
void store_kernel(uint32_t *a, uint32_t n, uint32_t seed);
void copy_kernel(uint32_t *d, const uint32_t *s, uint32_t n);
void kernels_init(void);
/* One outer iteration: CRC of 1 KiB and/or 32 array updates (ONLY_CRC / ONLY_STORE select one), or
 * 32 copies of 126 words (ONLY_COPY). */
void kernel_iteration(void);

#endif

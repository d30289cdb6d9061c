#include "kernels.h"

uint8_t kernel_buf[KERNEL_N];
uint32_t kernel_arr[256];
volatile uint32_t g_iterations, g_sink;

uint32_t crc32_kernel(const uint8_t *p, uint32_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void store_kernel(uint32_t *a, uint32_t n, uint32_t seed)
{
    for (uint32_t i = 0; i < n; i++)
        a[i] = a[i] * 3u + seed + i;
}

/* Word copy through LDM/STM and LDRD/STRD, as an optimised memcpy does: the accesses that must be
 * word aligned whatever CCR says, which h7emu checks with a code hook on each such instruction
 * (docs/machine.md "Faults"). n: a multiple of 6 words. */
void copy_kernel(uint32_t *d, const uint32_t *s, uint32_t n)
{
    __asm volatile("1: ldmia %1!, {r4, r5, r6, r7}\n"
                   " stmia %0!, {r4, r5, r6, r7}\n"
                   " ldrd r4, r5, [%1], #8\n"
                   " strd r4, r5, [%0], #8\n"
                   " subs %2, %2, #6\n"
                   " bhi 1b\n"
                   : "+r"(d), "+r"(s), "+r"(n)
                   :
                   : "r4", "r5", "r6", "r7", "memory", "cc");
}

void kernels_init(void)
{
    for (int i = 0; i < KERNEL_N; i++)
        kernel_buf[i] = (uint8_t)(i * 7);
}

void kernel_iteration(void)
{
#if ONLY_COPY
    for (int k = 0; k < 32; k++)
        copy_kernel(kernel_arr + 128, kernel_arr, 126);
#else
#if !ONLY_STORE
    g_sink = crc32_kernel(kernel_buf, KERNEL_N);
#endif
#if !ONLY_CRC
    for (int k = 0; k < 32; k++)
        store_kernel(kernel_arr, 256, g_iterations);
#endif
#endif
    g_iterations++;
}

/* Compute-bound kernels for the benchmark: a bitwise CRC-32 (registers) and an array update
 * (one store every few instructions). g_iterations counts finished outer iterations. */
#include "util.h"

#define N 1024
volatile uint32_t g_iterations, g_sink;
static uint8_t buf[N] __attribute__((unused));
static uint32_t arr[256] __attribute__((unused));

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

int main(void)
{
    for (int i = 0; i < N; i++)
        buf[i] = (uint8_t)(i * 7);
    for (;;) {
#if !ONLY_STORE
        g_sink = crc32_kernel(buf, N);
#endif
#if !ONLY_CRC
        for (int k = 0; k < 32; k++)
            store_kernel(arr, 256, g_iterations);
#endif
        g_iterations++;
    }
}

/* Basic types shared by the machine and the peripheral models. */
#ifndef H7_TYPES_H
#define H7_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The two CPUs of the STM32H755. RM0399 calls them CPU1 (Cortex-M7) and CPU2 (Cortex-M4). */
typedef enum { H7_CM7 = 0, H7_CM4 = 1, H7_NCORES = 2 } h7_core_id;

/* Who drives a bus access: one of the CPUs, or the debug port / the harness itself.
 * Peripherals with per-master behaviour (HSEM COREID, RCC same-address bank, EXTI C1/C2 views)
 * decide on this. */
typedef enum { H7_MASTER_CM7 = 0, H7_MASTER_CM4 = 1, H7_MASTER_DEBUG = 2, H7_MASTER_DMA = 3 } h7_master;

/* Virtual time in picoseconds since power-on. 2^64 ps is about 213 days of emulated time. */
typedef uint64_t h7_time_ps;
#define H7_TIME_NEVER UINT64_MAX
#define H7_PS_PER_US 1000000ull
#define H7_PS_PER_MS 1000000000ull
#define H7_PS_PER_S 1000000000000ull

static inline const char *h7_core_name(h7_core_id c) { return c == H7_CM7 ? "cm7" : "cm4"; }
static inline const char *h7_master_name(h7_master m)
{
    return m == H7_MASTER_CM7 ? "cm7" : m == H7_MASTER_CM4 ? "cm4" : m == H7_MASTER_DMA ? "dma" : "debug";
}

#endif

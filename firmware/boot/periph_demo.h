/* CubeMX-style peripheral start-up for the NUCLEO-H755ZI-Q, register-level (no vendor code):
 * the "default board" peripherals (ETH RMII + LAN8742A, USB OTG FS device, RNG, CRC) and ADC3
 * reading VREFINT and the temperature sensor, each in the order ST's HAL touches the registers. */
#ifndef PERIPH_DEMO_H
#define PERIPH_DEMO_H

#include <stdint.h>

typedef void (*print_fn)(const char *line);

/* MX_ETH_Init + LAN8742 link, MX_USB_OTG_FS_PCD_Init + HAL_PCD_Start, RNG, CRC. 0 = all ok. */
int periph_demo_board(print_fn print);
/* HAL_ADC_Init, ConfigChannel(VREFINT/TEMPSENSOR), Calibration_Start(OFFSET_LINEARITY),
 * Start/PollForConversion; prints VDDA from VREFINT_CAL and the die temperature. 0 = ok. */
int periph_demo_adc(print_fn print);

/* After "CM7: sysclk": the variant's peripheral start-up, its result on the console. */
#if defined(CUBEMX_BOARD)
#define PERIPH_DEMO_HOOK(print) print(periph_demo_board(print) ? "CM7: board init FAILED\r\n" : "CM7: board init ok\r\n")
#elif defined(ADC_VREFINT)
#define PERIPH_DEMO_HOOK(print) print(periph_demo_adc(print) ? "CM7: adc FAILED\r\n" : "CM7: adc ok\r\n")
#else
#define PERIPH_DEMO_HOOK(print) ((void)0)
#endif

/* Inside MPU_Config, before the MPU is enabled: CubeMX's LwIP-template regions, ETH descriptors
 * at 0x3004_0000 (256 B, device, shareable) and RX buffers at 0x3004_4000 (16 KB, normal
 * non-cacheable), set before the caches go on. */
#ifdef CUBEMX_BOARD
#define PERIPH_DEMO_MPU_REGIONS()                                                              \
    do {                                                                                       \
        MPU_RNR = 1;                                                                           \
        MPU_RBAR = 0x30040000u;                                                                \
        MPU_RASR = (1u << 28) | (3u << 24) | (1u << 18) | (1u << 16) | (7u << 1) | 1u;         \
        MPU_RNR = 2;                                                                           \
        MPU_RBAR = 0x30044000u;                                                                \
        MPU_RASR = (1u << 28) | (3u << 24) | (1u << 19) | (13u << 1) | 1u;                     \
    } while (0)
#else
#define PERIPH_DEMO_MPU_REGIONS() ((void)0)
#endif

#endif

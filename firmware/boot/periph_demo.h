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

#endif

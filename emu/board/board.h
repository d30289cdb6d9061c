/* Boards: how the STM32H755 is wired (supply scheme, HSE, BOOT0, LEDs, console). The supply
 * scheme decides which PWR_CR3 configuration the chip survives (RM0399 §7.4 Table 33; DS12919
 * power supply schemes; facts §2.3, §2.7, §8). */
#ifndef H7_BOARD_H
#define H7_BOARD_H

#include "h7types.h"
#include "adc.h"
#include "eth_phy.h"

/* Supply schemes (RM0399 Table 33) with the PWR_CR3 low byte a matching firmware writes
 * (ST HAL PWR_xxx_SUPPLY constants). */
typedef enum {
    H7_SUPPLY_LDO, H7_SUPPLY_DIRECT_SMPS, H7_SUPPLY_SMPS_1V8_LDO, H7_SUPPLY_SMPS_2V5_LDO,
    H7_SUPPLY_SMPS_1V8_EXT_LDO, H7_SUPPLY_SMPS_2V5_EXT_LDO, H7_SUPPLY_SMPS_1V8_EXT,
    H7_SUPPLY_SMPS_2V5_EXT, H7_SUPPLY_BYPASS, H7_SUPPLY_COUNT
} h7_supply;

typedef struct h7_supply_info {
    const char *name;          /* board-file spelling, e.g. "direct_smps" */
    uint8_t cr3;               /* PWR_CR3 & 0x3F selecting it */
    const char *hal_name;      /* ST HAL constant, for fix-it advice */
    bool vcore_from_ldo;       /* VOS0 (overdrive) needs the LDO */
} h7_supply_info;

extern const h7_supply_info h7_supplies[H7_SUPPLY_COUNT];
/* The scheme a PWR_CR3 low byte selects; -1 if none (default pattern or illegal). */
int h7_supply_from_cr3(uint32_t cr3);

typedef struct h7_board_led { char name[8]; int port; int pin; } h7_board_led;

typedef struct h7_board {
    char name[64];
    char source[256];          /* "built-in" or the board file path */
    h7_supply supply;
    uint32_t hse_hz;           /* 0 = no HSE */
    bool hse_bypass;
    bool boot0;
    h7_board_led leds[8];
    int nleds;
    int console_usart;
    uint32_t idcode;
    uint32_t lse_hz;           /* 0 = no LSE crystal (X2 on the Nucleo: 32.768 kHz) */
    bool lse_bypass;           /* external 32 kHz clock instead of a crystal */
    h7_time_ps lse_startup_ps; /* crystal start-up time (LSEON -> LSERDY) */
    bool vbat_battery;         /* VBAT from a battery: the backup domain survives a power cycle */
    char wiring_note[160];     /* how the supply is wired, for diagnoses */
    h7_analog_config analog;   /* 'analog:' VDDA, VBAT, die temperature, pin voltages (default mid-scale) */
    h7_eth_board eth;          /* 'ethernet:' PHY, RMII reference clock, cable, auto-negotiation time */
} h7_board;

/* A built-in board by name, NULL if unknown. */
const h7_board *h7_board_builtin(const char *name);
/* Names of the built-in boards, NULL-terminated. */
extern const char *const h7_board_names[];
/* Load a board: a built-in name, or a YAML file path (errors "file:line:col: ..." in err). */
int h7_board_load(const char *name_or_path, h7_board *out, char *err, size_t errlen);

#endif

/* A register-level stand-in for the parts of ST's HAL that a STM32CubeMX dual-core project runs at
 * boot (HAL_Init, HAL_PWREx_ConfigSupply, HAL_RCC_OscConfig/ClockConfig, HAL_HSEM_*, HAL_UART_*),
 * written from RM0399 and the sequences recorded in shared/reference/stm32h755-facts.md §2.8,
 * §3.5, §5, §7. Same register accesses in the same order, same timeouts, no vendor code. */
#ifndef HAL_LITE_H
#define HAL_LITE_H

#include <stdint.h>

#include "h755.h"

typedef enum { HAL_OK = 0, HAL_ERROR = 1, HAL_TIMEOUT = 3 } hal_status;

extern volatile uint32_t uwTick;
extern uint32_t SystemCoreClock;   /* this core's clock, from the RCC registers */
extern uint32_t SystemD2Clock;     /* AXI/AHB clock = the CM4's clock */

void Error_Handler(void);
hal_status HAL_Init(void);
uint32_t HAL_GetTick(void);
void HAL_Delay(uint32_t ms);
void SystemCoreClockUpdate(void);

hal_status HAL_PWREx_ConfigSupply(uint32_t source);
void HAL_PWR_VoltageScalingConfig(unsigned scale);   /* __HAL_PWR_VOLTAGESCALING_CONFIG: 0..3 */
void HAL_PWREx_ClearPendingEvent(void);
void HAL_PWREx_EnterSTOPMode_D2_WFE(void);

typedef struct {
    uint32_t hse_bypass;        /* 1: RCC_HSE_BYPASS */
    uint32_t pllm, plln, pllp, pllq, pllr, pllrge, pllvcosel;
} osc_config;
hal_status HAL_RCC_OscConfig(const osc_config *c);
hal_status HAL_RCC_ClockConfig(uint32_t d1cpre, uint32_t hpre, uint32_t ppre, uint32_t latency);
uint32_t HAL_RCC_GetSysClockFreq(void);
void HAL_RCCEx_EnableBootCore_C2(void);

hal_status HAL_HSEM_Take(uint32_t id, uint32_t proc);
hal_status HAL_HSEM_FastTake(uint32_t id);
void HAL_HSEM_Release(uint32_t id, uint32_t proc);
void HAL_HSEM_ActivateNotification(uint32_t mask);

void MX_GPIO_LED_Init(int port, int pin);
void LED_Set(int port, int pin, int on);
hal_status MX_USART3_UART_Init(uint32_t baud);
hal_status HAL_UART_Transmit(const char *s, uint32_t timeout_ms);

/* boot_idle: after the boot a main loop that toggles an LED and waits in HAL_Delay, for ever
 * (mostly idle polling, the bench's real-time-factor firmware). A no-op in every other build, on
 * the same source line, so that their code and line tables are unchanged. */
#ifdef IDLE_IN_HAL_DELAY
void Idle_Blink(int port, int pin, uint32_t ms) __attribute__((noreturn));
#define IDLE_MAIN_LOOP(port, pin, ms) Idle_Blink(port, pin, ms)
#else
#define IDLE_MAIN_LOOP(port, pin, ms) ((void)0)
#endif

/* CUBEMX_BOARD / ADC_VREFINT builds: the peripheral start-up of periph_demo.c after the console
 * is up, and the CubeMX MPU regions of the ETH buffers. No-ops in every other build, on existing
 * source lines of boot.c, so that the other images keep their code and line tables. */
#include "periph_demo.h"

#endif

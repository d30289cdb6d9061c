/* STM32H755 registers used by this project's firmware, written from RM0399 (addresses and bits
 * as collected in shared/reference/stm32h755-facts.md). No vendor header is used on purpose. */
#ifndef H755_H
#define H755_H

#include <stdint.h>

#define REG(addr) (*(volatile uint32_t *)(addr))

/* Core peripherals (ARMv7-M) */
#define SYST_CSR   REG(0xE000E010u)
#define SYST_RVR   REG(0xE000E014u)
#define SYST_CVR   REG(0xE000E018u)
#define NVIC_ISER(n) REG(0xE000E100u + 4u * (n))
#define NVIC_ICPR(n) REG(0xE000E280u + 4u * (n))
#define NVIC_IPR8(n) (*(volatile uint8_t *)(0xE000E400u + (n)))
#define SCB_CPUID  REG(0xE000ED00u)
#define SCB_VTOR   REG(0xE000ED08u)
#define SCB_AIRCR  REG(0xE000ED0Cu)
#define SCB_SCR    REG(0xE000ED10u)
#define SCB_SHCSR  REG(0xE000ED24u)
#define SCB_CFSR   REG(0xE000ED28u)
#define SCB_HFSR   REG(0xE000ED2Cu)
#define SCB_BFAR   REG(0xE000ED38u)
#define SCB_CPACR  REG(0xE000ED88u)
#define SCR_SLEEPDEEP (1u << 2)
#define SCR_SEVONPEND (1u << 4)

/* PWR (RM0399 §7.8), base 0x5802_4800 */
#define PWR_CR1    REG(0x58024800u)
#define PWR_CSR1   REG(0x58024804u)
#define PWR_CR3    REG(0x5802480Cu)
#define PWR_CPUCR  REG(0x58024810u)
#define PWR_CPU2CR REG(0x58024814u)
#define PWR_D3CR   REG(0x58024818u)
#define PWR_CSR1_ACTVOSRDY (1u << 13)
#define PWR_CR3_BYPASS (1u << 0)
#define PWR_CR3_LDOEN  (1u << 1)
#define PWR_CR3_SDEN   (1u << 2)
#define PWR_D3CR_VOSRDY (1u << 13)
#define PWR_D3CR_VOS_SHIFT 14
#define PWR_CPU2CR_PDDS_D2 (1u << 1)
#define PWR_CR1_LPDS (1u << 0)

/* RCC (RM0399 §9.7), base 0x5802_4400; AHB4ENR etc. are the same-address (per-CPU) bank */
#define RCC_CR        REG(0x58024400u)
#define RCC_CFGR      REG(0x58024410u)
#define RCC_D1CFGR    REG(0x58024418u)
#define RCC_D2CFGR    REG(0x5802441Cu)
#define RCC_D3CFGR    REG(0x58024420u)
#define RCC_PLLCKSELR REG(0x58024428u)
#define RCC_PLLCFGR   REG(0x5802442Cu)
#define RCC_PLL1DIVR  REG(0x58024430u)
#define RCC_PLL1FRACR REG(0x58024434u)
#define RCC_GCR       REG(0x580244A0u)
#define RCC_RSR       REG(0x580244D0u)
#define RCC_AHB1ENR   REG(0x580244D8u)
#define RCC_AHB4ENR   REG(0x580244E0u)
#define RCC_APB1LENR  REG(0x580244E8u)
#define RCC_APB4ENR   REG(0x580244F4u)
#define RCC_CR_HSION   (1u << 0)
#define RCC_CR_HSIRDY  (1u << 2)
#define RCC_CR_D1CKRDY (1u << 14)
#define RCC_CR_D2CKRDY (1u << 15)
#define RCC_CR_HSEON   (1u << 16)
#define RCC_CR_HSERDY  (1u << 17)
#define RCC_CR_HSEBYP  (1u << 18)
#define RCC_CR_PLL1ON  (1u << 24)
#define RCC_CR_PLL1RDY (1u << 25)
#define RCC_GCR_BOOT_C2 (1u << 3)
#define RCC_AHB4ENR_GPIOB (1u << 1)
#define RCC_AHB4ENR_GPIOD (1u << 3)
#define RCC_AHB4ENR_GPIOE (1u << 4)
#define RCC_AHB4ENR_HSEM  (1u << 25)
#define RCC_APB1LENR_USART3 (1u << 18)
#define RCC_APB4ENR_SYSCFG (1u << 1)

/* FLASH (RM0399 §4.9), base 0x5200_2000 */
#define FLASH_ACR     REG(0x52002000u)
#define FLASH_OPTKEYR REG(0x52002008u)
#define FLASH_OPTCR   REG(0x52002018u)
#define FLASH_OPTSR_CUR REG(0x5200201Cu)
#define FLASH_OPTSR_PRG REG(0x52002020u)

/* SYSCFG (RM0399 ch.13), base 0x5800_0400 */
#define SYSCFG_PWRCR REG(0x5800042Cu)

/* EXTI (RM0399 ch.21), base 0x5800_0000 */
#define EXTI_C2EMR3 REG(0x580000E4u)

/* HSEM (RM0399 ch.11), base 0x5802_6400 */
#define HSEM_R(n)   REG(0x58026400u + 4u * (n))
#define HSEM_RLR(n) REG(0x58026480u + 4u * (n))
#define HSEM_C1IER  REG(0x58026500u)
#define HSEM_C1ICR  REG(0x58026504u)
#define HSEM_C1MISR REG(0x5802650Cu)
#define HSEM_C2IER  REG(0x58026510u)
#define HSEM_C2ICR  REG(0x58026514u)
#define HSEM_C2MISR REG(0x5802651Cu)
#define HSEM_LOCK   (1u << 31)
#define HSEM_COREID_CM7 3u
#define HSEM_COREID_CM4 1u

/* GPIO (RM0399 ch.12), port n at 0x5802_0000 + 0x400 n */
#define GPIO_BASE(p)  (0x58020000u + 0x400u * (p))
#define GPIO_MODER(p) REG(GPIO_BASE(p) + 0x00u)
#define GPIO_ODR(p)   REG(GPIO_BASE(p) + 0x14u)
#define GPIO_BSRR(p)  REG(GPIO_BASE(p) + 0x18u)
#define GPIO_AFRH(p)  REG(GPIO_BASE(p) + 0x24u)
#define PORT_B 1
#define PORT_D 3
#define PORT_E 4

/* USART3 (ST-LINK virtual COM port on the Nucleo), base 0x4000_4800 */
#define USART3_CR1 REG(0x40004800u)
#define USART3_BRR REG(0x4000480Cu)
#define USART3_ISR REG(0x4000481Cu)
#define USART3_TDR REG(0x40004828u)
#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)
#define USART_ISR_TEACK (1u << 21)

/* Timers (RM0399 ch.38-41): TIM6 0x4000_1000, TIM7 0x4000_1400 (APB1), TIM1 0x4001_0000 (APB2) */
#define TIM_CR1(b)  REG((b) + 0x00u)
#define TIM_DIER(b) REG((b) + 0x0Cu)
#define TIM_SR(b)   REG((b) + 0x10u)
#define TIM_EGR(b)  REG((b) + 0x14u)
#define TIM_CCMR1(b) REG((b) + 0x18u)
#define TIM_CCER(b) REG((b) + 0x20u)
#define TIM_CNT(b)  REG((b) + 0x24u)
#define TIM_PSC(b)  REG((b) + 0x28u)
#define TIM_ARR(b)  REG((b) + 0x2Cu)
#define TIM_CCR1(b) REG((b) + 0x34u)
#define TIM_BDTR(b) REG((b) + 0x44u)
#define TIM6_BASE 0x40001000u
#define TIM7_BASE 0x40001400u
#define TIM1_BASE 0x40010000u
#define TIM_CR1_CEN (1u << 0)
#define TIM_DIER_UIE (1u << 0)
#define TIM_SR_UIF (1u << 0)
#define TIM_EGR_UG (1u << 0)
#define RCC_APB1LENR_TIM6 (1u << 4)
#define RCC_APB1LENR_TIM7 (1u << 5)
#define RCC_APB2ENR   REG(0x580244F0u)
#define RCC_APB2ENR_TIM1 (1u << 0)
#define RCC_D2CFGR_D2PPRE1_SHIFT 4

/* Independent watchdog (RM0399 ch.45) */
#define IWDG1_KR   REG(0x58004800u)
#define IWDG1_PR   REG(0x58004804u)
#define IWDG1_RLR  REG(0x58004808u)
#define IWDG1_SR   REG(0x5800480Cu)

/* Reset flags RCC_RSR (RM0399 §9.7.x; same-address bank) */
#define RSR_RMVF     (1u << 16)
#define RSR_PINRSTF  (1u << 22)
#define RSR_PORRSTF  (1u << 23)
#define RSR_SFT1RSTF (1u << 24)
#define RSR_SFT2RSTF (1u << 25)
#define RSR_IWDG1RSTF (1u << 26)

/* Backup domain: RCC_BDCR, PWR_CR1.DBP, RTC (RM0399 ch.46), base 0x5800_4000 */
#define RCC_BDCR   REG(0x58024470u)
#define RCC_BDCR_LSEON  (1u << 0)
#define RCC_BDCR_LSERDY (1u << 1)
#define RCC_BDCR_RTCSEL_LSE (1u << 8)
#define RCC_BDCR_RTCEN  (1u << 15)
#define PWR_CR1_DBP (1u << 8)
#define RTC_TR    REG(0x58004000u)
#define RTC_DR    REG(0x58004004u)
#define RTC_CR    REG(0x58004008u)
#define RTC_ISR   REG(0x5800400Cu)
#define RTC_PRER  REG(0x58004010u)
#define RTC_WUTR  REG(0x58004014u)
#define RTC_ALRMAR REG(0x5800401Cu)
#define RTC_WPR   REG(0x58004024u)
#define RTC_BKP0R REG(0x58004050u)
#define RTC_ISR_ALRAWF (1u << 0)
#define RTC_ISR_WUTWF (1u << 2)
#define RTC_ISR_RSF   (1u << 5)
#define RTC_ISR_INITF (1u << 6)
#define RTC_ISR_INIT  (1u << 7)
#define RTC_ISR_ALRAF (1u << 8)
#define RTC_ISR_WUTF  (1u << 10)
#define RTC_CR_ALRAE  (1u << 8)
#define RTC_CR_WUTE   (1u << 10)
#define RTC_CR_ALRAIE (1u << 12)
#define RTC_CR_WUTIE  (1u << 14)
#define EXTI_RTSR1  REG(0x58000000u)
#define EXTI_C1IMR1 REG(0x58000080u)
#define EXTI_C1PR1  REG(0x58000088u)

/* DBGMCU */
#define DBGMCU_IDCODE REG(0x5C001000u)

/* IRQ numbers (CMSIS stm32h755xx.h) */
#define RTC_WKUP_IRQn 3
#define USART3_IRQn 39
#define RTC_Alarm_IRQn 41
#define TIM6_DAC_IRQn 54
#define TIM7_IRQn 55
#define CM7_SEV_IRQn 64
#define CM4_SEV_IRQn 65
#define HSEM1_IRQn 125
#define HSEM2_IRQn 126

#define WFI() __asm volatile("wfi" ::: "memory")
#define WFE() __asm volatile("wfe" ::: "memory")
#define SEV() __asm volatile("sev" ::: "memory")
#define DSB() __asm volatile("dsb" ::: "memory")
#define ISB() __asm volatile("isb" ::: "memory")
#define CPSID() __asm volatile("cpsid i" ::: "memory")
#define CPSIE() __asm volatile("cpsie i" ::: "memory")

/* DMA1 streams (RM0399 §16.5) and DMAMUX1 channels (§17.6) */
#define DMA1_LISR REG(0x40020000u)
#define DMA1_LIFCR REG(0x40020008u)
#define DMA1_SCR(n) REG(0x40020010u + 0x18u * (n))
#define DMA1_SNDTR(n) REG(0x40020014u + 0x18u * (n))
#define DMA1_SPAR(n) REG(0x40020018u + 0x18u * (n))
#define DMA1_SM0AR(n) REG(0x4002001Cu + 0x18u * (n))
#define DMAMUX1_CCR(n) REG(0x40020800u + 4u * (n))
#define DMA_SCR_EN (1u << 0)
#define DMA_SCR_TEIE (1u << 2)
#define DMA_SCR_TCIE (1u << 4)
#define DMA_SCR_M2P (1u << 6)
#define DMA_SCR_MINC (1u << 10)
#define DMA_SCR_PSIZE_WORD (2u << 11)
#define DMA_SCR_MSIZE_WORD (2u << 13)
#define DMA_TCIF0 (1u << 5)

#endif

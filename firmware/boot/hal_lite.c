#include "hal_lite.h"

volatile uint32_t uwTick;
uint32_t SystemCoreClock = 64000000u;
uint32_t SystemD2Clock = 64000000u;

#define ART_CTR REG(0x40024400u)
#define RCC_CR_PLL1ON_BIT (1u << 24)
#define HSE_VALUE 8000000u
#define PWR_FLAG_SETTING_DELAY 1000u

void SysTick_Handler(void) { uwTick++; }

uint32_t HAL_GetTick(void) { return uwTick; }

void HAL_Delay(uint32_t ms)
{
    uint32_t start = HAL_GetTick();
    uint32_t wait = ms + 1u;   /* HAL adds one tick (HAL_TICK_FREQ_DEFAULT) */
    while (HAL_GetTick() - start < wait)
        ;
}

void Error_Handler(void)
{
    CPSID();
    for (;;)
        ;
}

/* HAL_RCC_GetSysClockFreq: decode CFGR.SWS, HSIDIV, PLLCKSELR, PLL1DIVR, FRACN (RM0399 §9.7). */
uint32_t HAL_RCC_GetSysClockFreq(void)
{
    uint32_t sws = (RCC_CFGR >> 3) & 7u;
    uint32_t hsi = 64000000u >> ((RCC_CR >> 3) & 3u);
    if (sws == 0)
        return hsi;
    if (sws == 1)
        return 4000000u;
    if (sws == 2)
        return HSE_VALUE;
    uint32_t src = RCC_PLLCKSELR & 3u, m = (RCC_PLLCKSELR >> 4) & 0x3Fu;
    if (m == 0)
        return 0;
    uint64_t in = src == 0 ? hsi : src == 1 ? 4000000u : HSE_VALUE;
    uint64_t frac = (RCC_PLLCFGR & 1u) ? (RCC_PLL1FRACR >> 3) & 0x1FFFu : 0;
    uint64_t vco = in * (((RCC_PLL1DIVR & 0x1FFu) + 1u) * 8192u + frac) / ((uint64_t)m * 8192u);
    return (uint32_t)(vco / (((RCC_PLL1DIVR >> 9) & 0x7Fu) + 1u));
}

static uint32_t ahb_shift(uint32_t f) { return f < 8 ? 0 : f < 12 ? f - 7 : f - 6; }

void SystemCoreClockUpdate(void)
{
    uint32_t sys = HAL_RCC_GetSysClockFreq();
    uint32_t cm7 = sys >> ahb_shift((RCC_D1CFGR >> 8) & 0xFu);
    SystemD2Clock = cm7 >> ahb_shift(RCC_D1CFGR & 0xFu);
#if CORE_CM7
    SystemCoreClock = cm7;
#else
    SystemCoreClock = SystemD2Clock;
#endif
}

static void init_tick(void)
{
    SYST_RVR = SystemCoreClock / 1000u - 1u;
    SYST_CVR = 0;
    REG(0xE000ED20u) = (REG(0xE000ED20u) & 0x00FFFFFFu) | 0xF0000000u;   /* SHPR3: SysTick priority 15 */
    SYST_CSR = 7u;
}

/* HAL_Init: (CM4) ART accelerator on flash bank 2, priority grouping 4, 1 kHz tick, MspInit. */
hal_status HAL_Init(void)
{
#if CORE_CM4
    RCC_AHB1ENR |= 1u << 14;   /* ARTEN */
    (void)RCC_AHB1ENR;
    ART_CTR = (ART_CTR & ~0x000FFF00u) | (0x081u << 8);
    ART_CTR |= 1u;
#endif
    SCB_AIRCR = (0x05FAu << 16) | (3u << 8);   /* NVIC_PRIORITYGROUP_4 */
    SystemCoreClockUpdate();
    init_tick();
    RCC_APB4ENR |= RCC_APB4ENR_SYSCFG;   /* HAL_MspInit: __HAL_RCC_SYSCFG_CLK_ENABLE */
    (void)RCC_APB4ENR;
    return HAL_OK;
}

/* HAL_PWREx_ConfigSupply (facts §2.8). */
hal_status HAL_PWREx_ConfigSupply(uint32_t source)
{
    if ((PWR_CR3 & (PWR_CR3_SDEN | PWR_CR3_LDOEN | PWR_CR3_BYPASS)) != (PWR_CR3_SDEN | PWR_CR3_LDOEN))
        return (PWR_CR3 & 0x3Fu) == source ? HAL_OK : HAL_ERROR;
    PWR_CR3 = (PWR_CR3 & ~0x3Fu) | source;
    uint32_t start = HAL_GetTick();
    while (!(PWR_CSR1 & PWR_CSR1_ACTVOSRDY))
        if (HAL_GetTick() - start > PWR_FLAG_SETTING_DELAY)
            return HAL_ERROR;
    return HAL_OK;
}

/* __HAL_PWR_VOLTAGESCALING_CONFIG (dual-core variant, facts §2.6): SCALE0 = VOS1 + ODEN with no
 * supply check; any other scale clears ODEN first. */
void HAL_PWR_VoltageScalingConfig(unsigned scale)
{
    static const uint32_t vos[4] = {3, 3, 2, 1};
    if (scale == 0) {
        PWR_D3CR = (PWR_D3CR & ~(3u << PWR_D3CR_VOS_SHIFT)) | (vos[0] << PWR_D3CR_VOS_SHIFT);
        (void)PWR_D3CR;
        SYSCFG_PWRCR |= 1u;
    } else {
        SYSCFG_PWRCR &= ~1u;
        PWR_D3CR = (PWR_D3CR & ~(3u << PWR_D3CR_VOS_SHIFT)) | (vos[scale] << PWR_D3CR_VOS_SHIFT);
        (void)PWR_D3CR;
    }
}

void HAL_PWREx_ClearPendingEvent(void)
{
#if CORE_CM4
    SEV();
#endif
    WFE();
}

/* HAL_PWREx_EnterSTOPMode(PWR_MAINREGULATOR_ON, PWR_STOPENTRY_WFE, PWR_D2_DOMAIN) on the CM4. */
void HAL_PWREx_EnterSTOPMode_D2_WFE(void)
{
    PWR_CR1 &= ~PWR_CR1_LPDS;
    PWR_CPU2CR &= ~PWR_CPU2CR_PDDS_D2;
    SCB_SCR |= SCR_SLEEPDEEP;
    DSB();
    ISB();
    WFE();
    SCB_SCR &= ~SCR_SLEEPDEEP;
}

/* HAL_RCC_OscConfig for HSE + PLL1 (facts §3.5): 100 ms HSE timeout, 2 ms PLL timeouts. */
hal_status HAL_RCC_OscConfig(const osc_config *c)
{
    if (c->hse_bypass)
        RCC_CR |= RCC_CR_HSEBYP;
    RCC_CR |= RCC_CR_HSEON;
    uint32_t start = HAL_GetTick();
    while (!(RCC_CR & RCC_CR_HSERDY))
        if (HAL_GetTick() - start > 100u)
            return HAL_TIMEOUT;
    if (((RCC_CFGR >> 3) & 7u) == 3u)
        return HAL_ERROR;   /* PLL1 drives sys_ck */
    RCC_CR &= ~RCC_CR_PLL1ON_BIT;
    start = HAL_GetTick();
    while (RCC_CR & RCC_CR_PLL1RDY)
        if (HAL_GetTick() - start > 2u)
            return HAL_TIMEOUT;
    RCC_PLLCKSELR = (RCC_PLLCKSELR & ~0x3F3u) | 2u | (c->pllm << 4);   /* PLLSRC = HSE, DIVM1 */
    RCC_PLL1DIVR = (c->plln - 1u) | ((c->pllp - 1u) << 9) | ((c->pllq - 1u) << 16) | ((c->pllr - 1u) << 24);
    RCC_PLLCFGR &= ~1u;   /* FRACEN off */
    RCC_PLL1FRACR = 0;
    RCC_PLLCFGR = (RCC_PLLCFGR & ~0xEu) | (c->pllrge << 2) | (c->pllvcosel << 1);
    RCC_PLLCFGR |= (1u << 16) | (1u << 17) | (1u << 18);   /* DIVP1EN, DIVQ1EN, DIVR1EN */
    RCC_PLLCFGR |= 1u;    /* FRACEN on */
    RCC_CR |= RCC_CR_PLL1ON_BIT;
    start = HAL_GetTick();
    while (!(RCC_CR & RCC_CR_PLL1RDY))
        if (HAL_GetTick() - start > 2u)
            return HAL_TIMEOUT;
    return HAL_OK;
}

/* HAL_RCC_ClockConfig (facts §3.5): raise the flash latency first (and read it back), prescalers,
 * switch to PLL1 and wait for SWS (5 s), then update SystemCoreClock and the tick. */
hal_status HAL_RCC_ClockConfig(uint32_t d1cpre, uint32_t hpre, uint32_t ppre, uint32_t latency)
{
    if (latency > (FLASH_ACR & 0xFu)) {
        FLASH_ACR = (FLASH_ACR & ~0xFu) | latency;
        if ((FLASH_ACR & 0xFu) != latency)
            return HAL_ERROR;
    }
    RCC_D1CFGR = (RCC_D1CFGR & ~0x70u) | (ppre << 4);    /* D1PPRE (APB3) */
    RCC_D2CFGR = (RCC_D2CFGR & ~0x770u) | (ppre << 4) | (ppre << 8);   /* APB1, APB2 */
    RCC_D3CFGR = (RCC_D3CFGR & ~0x70u) | (ppre << 4);    /* APB4 */
    RCC_D1CFGR = (RCC_D1CFGR & ~0xFu) | hpre;
    RCC_D1CFGR = (RCC_D1CFGR & ~0xF00u) | (d1cpre << 8);
    if (!(RCC_CR & RCC_CR_PLL1RDY))
        return HAL_ERROR;
    RCC_CFGR = (RCC_CFGR & ~7u) | 3u;
    uint32_t start = HAL_GetTick();
    while (((RCC_CFGR >> 3) & 7u) != 3u)
        if (HAL_GetTick() - start > 5000u)
            return HAL_TIMEOUT;
    if (latency < (FLASH_ACR & 0xFu)) {
        FLASH_ACR = (FLASH_ACR & ~0xFu) | latency;
        if ((FLASH_ACR & 0xFu) != latency)
            return HAL_ERROR;
    }
    SystemCoreClockUpdate();
    init_tick();
    return HAL_OK;
}

void HAL_RCCEx_EnableBootCore_C2(void) { RCC_GCR |= RCC_GCR_BOOT_C2; }

#if CORE_CM7
#define HSEM_COREID HSEM_COREID_CM7
#else
#define HSEM_COREID HSEM_COREID_CM4
#endif

hal_status HAL_HSEM_Take(uint32_t id, uint32_t proc)
{
    HSEM_R(id) = HSEM_LOCK | (HSEM_COREID << 8) | proc;
    return HSEM_R(id) == (HSEM_LOCK | (HSEM_COREID << 8) | proc) ? HAL_OK : HAL_ERROR;
}

hal_status HAL_HSEM_FastTake(uint32_t id)
{
    return HSEM_RLR(id) == (HSEM_LOCK | (HSEM_COREID << 8)) ? HAL_OK : HAL_ERROR;
}

void HAL_HSEM_Release(uint32_t id, uint32_t proc) { HSEM_R(id) = (HSEM_COREID << 8) | proc; }

void HAL_HSEM_ActivateNotification(uint32_t mask)
{
#if CORE_CM7
    HSEM_C1IER |= mask;
#else
    HSEM_C2IER |= mask;
#endif
}

void MX_GPIO_LED_Init(int port, int pin)
{
    RCC_AHB4ENR |= 1u << port;
    (void)RCC_AHB4ENR;
    GPIO_BSRR(port) = 1u << (pin + 16);   /* HAL_GPIO_WritePin(RESET) before the mode */
    GPIO_MODER(port) = (GPIO_MODER(port) & ~(3u << (2 * pin))) | (1u << (2 * pin));
}

void LED_Set(int port, int pin, int on) { GPIO_BSRR(port) = on ? 1u << pin : 1u << (pin + 16); }

/* HAL_UART_Init with the MSP (PD8/PD9 AF7) and UART_CheckIdleState (TEACK/REACK, 2^25 ms timeout). */
hal_status MX_USART3_UART_Init(uint32_t baud)
{
    RCC_APB1LENR |= RCC_APB1LENR_USART3;
    (void)RCC_APB1LENR;
    RCC_AHB4ENR |= RCC_AHB4ENR_GPIOD;
    (void)RCC_AHB4ENR;
    GPIO_MODER(PORT_D) = (GPIO_MODER(PORT_D) & ~(0xFu << 16)) | (0xAu << 16);
    GPIO_AFRH(PORT_D) = (GPIO_AFRH(PORT_D) & ~0xFFu) | 0x77u;
    USART3_CR1 &= ~USART_CR1_UE;
    USART3_CR1 = USART_CR1_TE | USART_CR1_RE;   /* 8N1, oversampling 16 */
    uint32_t pclk1 = SystemD2Clock >> (((RCC_D2CFGR >> 4) & 7u) < 4 ? 0 : ((RCC_D2CFGR >> 4) & 7u) - 3u);
    USART3_BRR = (pclk1 + baud / 2u) / baud;
    USART3_CR1 |= USART_CR1_UE;
    uint32_t start = HAL_GetTick();
    while ((USART3_ISR & (USART_ISR_TEACK | (1u << 22))) != (USART_ISR_TEACK | (1u << 22)))
        if (HAL_GetTick() - start > 0x1FFFFFFu)
            return HAL_TIMEOUT;
    return HAL_OK;
}

hal_status HAL_UART_Transmit(const char *s, uint32_t timeout_ms)
{
    uint32_t start = HAL_GetTick();
    for (; *s; s++) {
        while (!(USART3_ISR & USART_ISR_TXE))
            if (HAL_GetTick() - start > timeout_ms)
                return HAL_TIMEOUT;
        USART3_TDR = (uint8_t)*s;
    }
    while (!(USART3_ISR & USART_ISR_TC))
        if (HAL_GetTick() - start > timeout_ms)
            return HAL_TIMEOUT;
    return HAL_OK;
}

#ifdef IDLE_IN_HAL_DELAY
void Idle_Blink(int port, int pin, uint32_t ms)
{
    for (int on = 0;; on = !on) {
        LED_Set(port, pin, on);
        HAL_Delay(ms);
    }
}
#endif

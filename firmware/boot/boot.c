/* A STM32CubeMX-style dual-core boot for the NUCLEO-H755ZI-Q, register-level (hal_lite.c stands
 * in for ST's HAL): the sequence of facts §7 (TPL BootCM4_CM7 / DUAL_CORE_BOOT_SYNC_SEQUENCE).
 *
 * Variants (compile definitions, see boot/CMakeLists.txt):
 *   SUPPLY=<CR3 value>       supply requested by SystemClock_Config (default 0x04 direct SMPS)
 *   SUPPLY_IN_RESET_HANDLER  ExitRun0Mode in Reset_Handler on both cores instead (newer CubeIDE)
 *   VOS=<0..3>, PLLN, LATENCY  the clock configuration (default VOS1, N = 400 -> 400 MHz, 2 WS)
 *   CM4_NO_STOP              the CM4 never enters D2 Stop (forgotten handshake)
 *   CM4_GATED                BCM4 = 0 flavour: the CM7 boots the CM4 with RCC_GCR.BOOT_C2
 *   HSEM_BAD_RELEASE         the CM4 releases the CM7's semaphore (non-owner release)
 *   CUBEMX_MPU_CACHE         the CM7 starts like a CubeMX main: MPU_Config (background region 0),
 *                            SCB_EnableICache, SCB_EnableDCache (set/way invalidate loop)
 *   PLLRGE=<0..3>            PLL1 input range bits (default 1: 2-4 MHz, right for 8 MHz / 4)
 *   VOS_BEFORE_SUPPLY        the voltage scale is set before the supply (ACTVOSRDY still 0)
 *   D2_EARLY_ACCESS          the CM7 reads USART3 while the CM4 (and D2) is still in Stop */
#include "hal_lite.h"

#ifndef SUPPLY
#define SUPPLY 0x04u
#endif
#ifndef VOS
#define VOS 1
#endif
#ifndef PLLN
#define PLLN 400u
#endif
#ifndef LATENCY
#define LATENCY 2u
#endif
#ifndef PLLRGE
#define PLLRGE 1u
#endif

#define LD1_PORT PORT_B
#define LD1_PIN 0
#define LD2_PORT PORT_E
#define LD2_PIN 1
#define HSEM_BOOT 0u
#define HSEM_UART 1u

/* Shared between the cores in SRAM4 (the CM7 clears it before releasing the CM4). */
__attribute__((section(".shared"))) volatile uint32_t g_uart_ready;
volatile uint32_t g_boot_ok;
volatile int32_t g_timeout;

/* ExitRun0Mode (TPL system_stm32h7xx.c): supply from the Reset_Handler, no timeout. */
__attribute__((unused)) static void ExitRun0Mode(void)
{
#if SUPPLY == 0x02u
    PWR_CR3 = (PWR_CR3 & ~PWR_CR3_SDEN) | PWR_CR3_LDOEN;
#else
    PWR_CR3 &= ~PWR_CR3_LDOEN;
#endif
    while (!(PWR_CSR1 & PWR_CSR1_ACTVOSRDY))
        ;
}

/* SystemInit (CMSIS, facts §7 step 2). */
static void SystemInit(void)
{
    SCB_CPACR |= 0xFu << 20;   /* CP10/CP11 full access */
    SCB_SCR |= SCR_SEVONPEND;
#if CORE_CM7
    RCC_CR |= RCC_CR_HSION;
    RCC_CFGR = 0;
    RCC_CR &= 0xEAF6ED7Fu;
    RCC_D1CFGR = 0;
    RCC_D2CFGR = 0;
    RCC_D3CFGR = 0;
    RCC_PLLCKSELR = 0x02020200u;
    RCC_PLLCFGR = 0x01FF0000u;
    RCC_PLL1DIVR = 0x01010280u;
    RCC_PLL1FRACR = 0;
    RCC_CR &= ~RCC_CR_HSEBYP;
    EXTI_C2EMR3 |= 0x4000u;    /* HSEM line 2 (EXTI 78) is an event for the CM4 */
    SCB_VTOR = 0x08000000u;
#else
    SCB_VTOR = 0x08100000u;
#endif
}

void early_init(void)
{
#ifdef SUPPLY_IN_RESET_HANDLER
    ExitRun0Mode();
#endif
    SystemInit();
}

static void uart_print(const char *s)
{
    while (HAL_HSEM_Take(HSEM_UART, 0) != HAL_OK)
        ;
    HAL_UART_Transmit(s, 1000u);
    HAL_HSEM_Release(HSEM_UART, 0);
}

static void print_mhz(const char *who, uint32_t hz)
{
    char buf[64];
    int n = 0;
    for (const char *p = who; *p; p++)
        buf[n++] = *p;
    uint32_t mhz = hz / 1000000u;
    char d[10];
    int k = 0;
    do {
        d[k++] = (char)('0' + mhz % 10u);
        mhz /= 10u;
    } while (mhz);
    while (k)
        buf[n++] = d[--k];
    const char *tail = " MHz\r\n";
    while (*tail)
        buf[n++] = *tail++;
    buf[n] = 0;
    uart_print(buf);
}

#if CORE_CM7

#ifdef CUBEMX_MPU_CACHE
#define SCB_CCR REG(0xE000ED14u)
#define SCB_CCSIDR REG(0xE000ED80u)
#define SCB_CSSELR REG(0xE000ED84u)
#define SCB_ICIALLU REG(0xE000EF50u)
#define SCB_DCISW REG(0xE000EF60u)
#define MPU_CTRL REG(0xE000ED94u)
#define MPU_RNR REG(0xE000ED98u)
#define MPU_RBAR REG(0xE000ED9Cu)
#define MPU_RASR REG(0xE000EDA0u)
#define DMB() __asm volatile("dmb" ::: "memory")

/* CubeMX's default MPU_Config: region 0 covers 4 GiB with no access and XN, sub-regions
 * 0x87 disabled, background map for privileged code (ARMv7-M B3.5). */
static void MPU_Config(void)
{
    DMB();
    SCB_SHCSR &= ~(1u << 16);   /* MEMFAULTENA */
    MPU_CTRL = 0;
    MPU_RNR = 0;
    MPU_RBAR = 0;
    MPU_RASR = (1u << 28) | (1u << 18) | (0x87u << 8) | (31u << 1) | 1u; PERIPH_DEMO_MPU_REGIONS();
    MPU_CTRL = (1u << 2) | 1u;  /* PRIVDEFENA | ENABLE */
    SCB_SHCSR |= 1u << 16;
    DSB();
    ISB();
}

/* CMSIS SCB_EnableICache / SCB_EnableDCache (Cortex-M7 TRM §4.3, ARMv7-M cache maintenance). */
static void EnableCaches(void)
{
    DSB();
    ISB();
    SCB_ICIALLU = 0;
    DSB();
    ISB();
    SCB_CCR |= 1u << 17;        /* IC */
    DSB();
    ISB();
    SCB_CSSELR = 0;             /* level 1 data cache */
    DSB();
    uint32_t ccsidr = SCB_CCSIDR;
    uint32_t sets = (ccsidr >> 13) & 0x7FFFu;
    do {
        uint32_t ways = (ccsidr >> 3) & 0x3FFu;
        do
            SCB_DCISW = ((sets << 5) & 0x3FE0u) | ((ways << 30) & 0xC0000000u);
        while (ways-- != 0u);
    } while (sets-- != 0u);
    DSB();
    SCB_CCR |= 1u << 16;        /* DC */
    DSB();
    ISB();
}
#endif

static void SystemClock_Config(void)
{
#ifdef VOS_BEFORE_SUPPLY
    HAL_PWR_VoltageScalingConfig(VOS);   /* too early: PWR_CSR1.ACTVOSRDY is still 0 */
#endif
#ifndef SUPPLY_IN_RESET_HANDLER
    if (HAL_PWREx_ConfigSupply(SUPPLY) != HAL_OK)
        Error_Handler();
#endif
    HAL_PWR_VoltageScalingConfig(VOS);
    while (!(PWR_D3CR & PWR_D3CR_VOSRDY))
        ;
    osc_config osc = {.hse_bypass = 1, .pllm = 4, .plln = PLLN, .pllp = 2, .pllq = 4, .pllr = 2,
                      .pllrge = PLLRGE, .pllvcosel = 0};
    if (HAL_RCC_OscConfig(&osc) != HAL_OK)
        Error_Handler();
    /* D1CPRE /1, HPRE /2, APB1..4 /2 (facts §3.6) */
    if (HAL_RCC_ClockConfig(0u, 8u, 4u, LATENCY) != HAL_OK)
        Error_Handler();
}

int main(void)
{
    g_uart_ready = 0;
#ifdef CUBEMX_MPU_CACHE
    MPU_Config();
    EnableCaches();
#endif
#ifndef CM4_GATED
    /* Wait until the CM4 has entered D2 Stop (facts §7 step 5). */
    g_timeout = 0xFFFF;
    while ((RCC_CR & RCC_CR_D2CKRDY) && (g_timeout-- > 0))
        ;
    if (g_timeout < 0)
        Error_Handler();
#endif
#ifdef D2_EARLY_ACCESS
    (void)USART3_ISR;   /* D2 is in DStop: no clock, no answer (RM0399 §9.5.11) */
#endif
    HAL_Init();
    SystemClock_Config();
#ifdef CM4_GATED
    HAL_RCCEx_EnableBootCore_C2();
#else
    /* Wake the CM4 through the HSEM notification (facts §7 steps 9-10). */
    RCC_AHB4ENR |= RCC_AHB4ENR_HSEM;
    (void)RCC_AHB4ENR;
    HAL_HSEM_FastTake(HSEM_BOOT);
    HAL_HSEM_Release(HSEM_BOOT, 0);
    g_timeout = 0xFFFF;
    while (!(RCC_CR & RCC_CR_D2CKRDY) && (g_timeout-- > 0))
        ;
    if (g_timeout < 0)
        Error_Handler();
#endif
    MX_GPIO_LED_Init(LD1_PORT, LD1_PIN);
    if (MX_USART3_UART_Init(115200u) != HAL_OK)
        Error_Handler();
    uart_print("CM7: boot ok\r\n");
    print_mhz("CM7: sysclk ", HAL_RCC_GetSysClockFreq()); PERIPH_DEMO_HOOK(uart_print);
    g_uart_ready = 1;
    for (int i = 0; i < 4; i++) {
        LED_Set(LD1_PORT, LD1_PIN, !(i & 1));
        HAL_Delay(50);
    }
    g_boot_ok = 1;
    uart_print("CM7: done\r\n"); IDLE_MAIN_LOOP(LD1_PORT, LD1_PIN, 500u);   /* boot_idle: blink, never returns */
    for (;;)
        WFI();
}

#else /* CORE_CM4 */

int main(void)
{
#if !defined(CM4_NO_STOP) && !defined(CM4_GATED)
    RCC_AHB4ENR |= RCC_AHB4ENR_HSEM;
    (void)RCC_AHB4ENR;
    HAL_HSEM_ActivateNotification(1u << HSEM_BOOT);
    HAL_PWREx_ClearPendingEvent();
    HAL_PWREx_EnterSTOPMode_D2_WFE();
    HSEM_C2ICR = 1u << HSEM_BOOT;   /* __HAL_HSEM_CLEAR_FLAG */
#elif defined(CM4_GATED)
    RCC_AHB4ENR |= RCC_AHB4ENR_HSEM;
    (void)RCC_AHB4ENR;
#else
    for (;;)
        ;   /* the handshake was forgotten: the CM7 waits for D2 Stop in vain */
#endif
    HAL_Init();
    MX_GPIO_LED_Init(LD2_PORT, LD2_PIN);
    LED_Set(LD2_PORT, LD2_PIN, 1);
    while (!g_uart_ready)
        ;
#ifdef HSEM_BAD_RELEASE
    HAL_HSEM_Release(HSEM_BOOT + 2u, 0);   /* not ours: the CM7 never took it, nor did we */
    while (HAL_HSEM_FastTake(HSEM_BOOT + 3u) != HAL_OK)
        ;
    REG(0x58026400u + 4u * 3u) = (HSEM_COREID_CM7 << 8);   /* release as if we were the CM7 */
#endif
    print_mhz("CM4: up at ", SystemCoreClock);
    g_boot_ok = 1; IDLE_MAIN_LOOP(LD2_PORT, LD2_PIN, 250u);
    for (;;)
        WFI();
}

#endif

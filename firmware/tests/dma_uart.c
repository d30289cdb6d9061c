/* USART3 transmit and receive by DMA on the CM7, CubeMX/HAL style at the reset clock (HSI 64 MHz):
 * MPU_Config and the D-cache on, then HAL_UART_Transmit_DMA (DMA1 Stream0 through DMAMUX1 request
 * 46, transfer-complete interrupt) and HAL_UART_Receive_DMA (DMA1 Stream1, request 45) of 5 bytes.
 * The buffers are in AXI SRAM (0x2400_0000), cleaned before the transmit and invalidated after the
 * receive (SCB_CleanDCache_by_Addr / SCB_InvalidateDCache_by_Addr).
 *
 * Mistakes (compile definitions, firmware/CMakeLists.txt):
 *   TX_FROM_DTCM     the transmit buffer is an ordinary variable: DTCM, which DMA1 cannot reach
 *   NO_CLEAN         the transmit buffer is not cleaned after the CPU filled it
 *   NO_INVALIDATE    the received buffer is read without invalidating it
 *   MPU_AFTER_CACHE  MPU_Config runs after SCB_EnableDCache
 * And the other cure (with NO_CLEAN and NO_INVALIDATE):
 *   DMA_NONCACHEABLE MPU region 1 makes AXI SRAM normal non-cacheable (TEX = 1, C = B = 0), the
 *                    CubeMX way of keeping DMA buffers coherent without maintenance */
#include "util.h"

#define SCB_CCR REG(0xE000ED14u)
#define SCB_CCSIDR REG(0xE000ED80u)
#define SCB_CSSELR REG(0xE000ED84u)
#define SCB_ICIALLU REG(0xE000EF50u)
#define SCB_DCIMVAC REG(0xE000EF5Cu)
#define SCB_DCISW REG(0xE000EF60u)
#define SCB_DCCMVAC REG(0xE000EF68u)
#define MPU_CTRL REG(0xE000ED94u)
#define MPU_RNR REG(0xE000ED98u)
#define MPU_RBAR REG(0xE000ED9Cu)
#define MPU_RASR REG(0xE000EDA0u)
#define DSB() __asm volatile("dsb" ::: "memory")
#define ISB() __asm volatile("isb" ::: "memory")

/* DMA1 flags beyond h755.h's (RM0399 §16.5), USART3 CR3/RDR/ICR (§48.7) */
#define DMA_TEIF0 (1u << 3)
#define DMA_TCIF1 (1u << 11)
#define DMA_TEIF1 (1u << 9)
#define USART3_CR3 REG(0x40004808u)
#define USART3_ICR REG(0x40004820u)
#define USART3_RDR_ADDR 0x40004824u
#define USART3_TDR_ADDR 0x40004828u
#define USART_CR3_DMAR (1u << 6)
#define USART_CR3_DMAT (1u << 7)
#define RCC_AHB1ENR_DMA1 (1u << 0)

static const char msg[] = "CM7: hello from DMA\r\n";

#ifdef TX_FROM_DTCM
static char tx_buf[32] __attribute__((aligned(32)));              /* .bss: DTCM (cm7.ld) */
#else
__attribute__((section(".axisram"), aligned(32))) static char tx_buf[32];
#endif
__attribute__((section(".axisram"), aligned(32))) static volatile char rx_buf[32];

static volatile uint32_t g_tx_state, g_rx_state;   /* 0 busy, 1 complete, 2 transfer error */
volatile uint32_t g_done;

void DMA1_Stream0_IRQHandler(void)
{
    uint32_t isr = DMA1_LISR;
    g_tx_state = (isr & DMA_TEIF0) ? 2u : (isr & DMA_TCIF0) ? 1u : g_tx_state;
    DMA1_LIFCR = 0x3Du;   /* all stream-0 flags */
}

void DMA1_Stream1_IRQHandler(void)
{
    uint32_t isr = DMA1_LISR;
    g_rx_state = (isr & DMA_TEIF1) ? 2u : (isr & DMA_TCIF1) ? 1u : g_rx_state;
    DMA1_LIFCR = 0x3Du << 6;
}

/* CubeMX's default MPU_Config (background region 0, sub-regions 0x87 disabled). */
static void MPU_Config(void)
{
    MPU_CTRL = 0;
    MPU_RNR = 0;
    MPU_RBAR = 0;
    MPU_RASR = (1u << 28) | (1u << 18) | (0x87u << 8) | (31u << 1) | 1u;
#ifdef DMA_NONCACHEABLE
    MPU_RNR = 1;
    MPU_RBAR = 0x24000000u;
    MPU_RASR = (3u << 24) | (1u << 19) | (18u << 1) | 1u;   /* AP full, TEX 001, 512 KiB, enable */
#endif
    MPU_CTRL = (1u << 2) | 1u;
    DSB();
    ISB();
}

/* CMSIS SCB_EnableDCache: invalidate by set/way, then CCR.DC. */
static void EnableDCache(void)
{
    SCB_CSSELR = 0;
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
    SCB_CCR |= 1u << 16;
    DSB();
    ISB();
}

/* SCB_CleanDCache_by_Addr / SCB_InvalidateDCache_by_Addr: one write per 32-byte line. */
__attribute__((unused)) static void clean_lines(const volatile void *p, uint32_t n)
{
    DSB();
    for (uint32_t a = (uint32_t)p & ~31u; a < (uint32_t)p + n; a += 32u)
        SCB_DCCMVAC = a;
    DSB();
}
__attribute__((unused)) static void invalidate_lines(const volatile void *p, uint32_t n)
{
    DSB();
    for (uint32_t a = (uint32_t)p & ~31u; a < (uint32_t)p + n; a += 32u)
        SCB_DCIMVAC = a;
    DSB();
}

static void enable_irq(unsigned irqn) { NVIC_ISER(irqn / 32u) = 1u << (irqn % 32u); }

static void uart_dma_transmit(const char *buf, uint32_t n)
{
    DMAMUX1_CCR(0) = 46u;               /* USART3_TX */
    DMA1_LIFCR = 0x3Du;
    DMA1_SPAR(0) = USART3_TDR_ADDR;
    DMA1_SM0AR(0) = (uint32_t)buf;
    DMA1_SNDTR(0) = n;
    DMA1_SCR(0) = DMA_SCR_M2P | DMA_SCR_MINC | DMA_SCR_TCIE | DMA_SCR_TEIE;
    USART3_ICR = USART_ISR_TC;          /* TCCF */
    DMA1_SCR(0) |= DMA_SCR_EN;
    USART3_CR3 |= USART_CR3_DMAT;
}

static void uart_dma_receive(volatile char *buf, uint32_t n)
{
    DMAMUX1_CCR(1) = 45u;               /* USART3_RX */
    DMA1_LIFCR = 0x3Du << 6;
    DMA1_SPAR(1) = USART3_RDR_ADDR;
    DMA1_SM0AR(1) = (uint32_t)buf;
    DMA1_SNDTR(1) = n;
    DMA1_SCR(1) = DMA_SCR_MINC | DMA_SCR_TCIE | DMA_SCR_TEIE;   /* peripheral to memory */
    DMA1_SCR(1) |= DMA_SCR_EN;
    USART3_CR3 |= USART_CR3_DMAR;
}

int main(void)
{
#ifndef MPU_AFTER_CACHE
    MPU_Config();
#endif
    EnableDCache();
#ifdef MPU_AFTER_CACHE
    MPU_Config();
#endif
    uart3_init(64000000u, 115200u);
    RCC_AHB1ENR |= RCC_AHB1ENR_DMA1;
    (void)RCC_AHB1ENR;
    enable_irq(11);   /* DMA1_Stream0_IRQn */
    enable_irq(12);   /* DMA1_Stream1_IRQn */

    memcpy(tx_buf, msg, sizeof msg - 1);
#ifndef NO_CLEAN
    clean_lines(tx_buf, sizeof msg - 1);
#endif
    uart_dma_transmit(tx_buf, sizeof msg - 1);
    while (!g_tx_state)
        WFI();
    USART3_CR3 &= ~USART_CR3_DMAT;
    if (g_tx_state == 2u) {   /* HAL: UART_DMAError -> HAL_UART_ErrorCallback, no wait for TC */
        uart3_puts("CM7: dma tx error (TEIF)\r\n");
        g_done = 2;
        for (;;)
            WFI();
    }
    while (!(USART3_ISR & USART_ISR_TC))   /* HAL_UART_TxCpltCallback comes with TC */
        ;
    uart3_puts("CM7: dma tx done\r\n");

    uart_dma_receive(rx_buf, 5);
    uart3_puts("CM7: waiting for 5 bytes\r\n");
    while (!g_rx_state)
        WFI();
#ifndef NO_INVALIDATE
    invalidate_lines(rx_buf, 5);
#endif
    char line[16] = "CM7: got ";
    for (int i = 0; i < 5; i++)
        line[9 + i] = rx_buf[i];
    line[14] = '\r';
    line[15] = 0;
    uart3_puts(line);
    uart3_puts("\n");
    g_done = 1;
    for (;;)
        WFI();
}

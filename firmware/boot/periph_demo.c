/* See periph_demo.h. Register addresses and bits from RM0399 (ADC, ETH, OTG, RNG, CRC chapters),
 * the sequences from what ST's HAL and the LAN8742 driver poll (read as knowledge, not copied). */
#include "periph_demo.h"

#include "hal_lite.h"

/* ---- RCC */
#define RCC_CR_HSI48ON (1u << 12)
#define RCC_CR_HSI48RDY (1u << 13)
#define RCC_D1CCIPR REG(0x5802444Cu)
#define RCC_D2CCIP2R REG(0x58024454u)
#define RCC_D3CCIPR REG(0x58024458u)
#define RCC_AHB2ENR REG(0x580244DCu)
/* ---- SYSCFG */
#define SYSCFG_PMCR REG(0x58000404u)
/* ---- ETH */
#define ETH_R(off) REG(0x40028000u + (off))
#define ETH_MACCR ETH_R(0x0000)
#define ETH_MAC1USTCR ETH_R(0x00E4)
#define ETH_MACMDIOAR ETH_R(0x0200)
#define ETH_MACMDIODR ETH_R(0x0204)
#define ETH_MACA0HR ETH_R(0x0300)
#define ETH_MACA0LR ETH_R(0x0304)
#define ETH_MTLTQOMR ETH_R(0x0D00)
#define ETH_DMAMR ETH_R(0x1000)
#define ETH_DMASBMR ETH_R(0x1004)
#define ETH_DMACCR ETH_R(0x1100)
#define ETH_DMACTCR ETH_R(0x1104)
#define ETH_DMACRCR ETH_R(0x1108)
#define ETH_DMACTDLAR ETH_R(0x1114)
#define ETH_DMACRDLAR ETH_R(0x111C)
#define ETH_DMACTDTPR ETH_R(0x1120)
#define ETH_DMACRDTPR ETH_R(0x1128)
#define ETH_DMACTDRLR ETH_R(0x112C)
#define ETH_DMACRDRLR ETH_R(0x1130)
#define ETH_DMACSR ETH_R(0x1160)
/* CubeMX puts the descriptors in D2 SRAM (0x3004_0000 / 0x3004_0060) and the RX buffers at
 * 0x3004_4000, both in non-cacheable MPU regions (boot.c MPU_Config with CUBEMX_BOARD). */
#ifdef ETH_DESC_DTCM
/* The mistake of a linker script that puts everything in DTCM: the ETH DMA (a D2 bus master)
 * cannot reach the CM7's DTCM (RM0399 bus matrix). */
#define ETH_RX_DESC 0x20010000u
#define ETH_TX_DESC 0x20010060u
#else
#define ETH_RX_DESC 0x30040000u
#define ETH_TX_DESC 0x30040060u
#endif
#define ETH_RX_BUF 0x30044000u
#define PHY_BCR 0u
#define PHY_BSR 1u
#define PHY_ID1 2u
#define PHY_ID2 3u
#define PHY_SMR 18u
#define PHY_PSCSR 31u
/* ---- USB OTG FS (USB2) */
#define OTG_R(off) REG(0x40080000u + (off))
#define OTG_GOTGCTL OTG_R(0x000)
#define OTG_GAHBCFG OTG_R(0x008)
#define OTG_GUSBCFG OTG_R(0x00C)
#define OTG_GRSTCTL OTG_R(0x010)
#define OTG_GINTSTS OTG_R(0x014)
#define OTG_GINTMSK OTG_R(0x018)
#define OTG_GRXFSIZ OTG_R(0x024)
#define OTG_DIEPTXF0 OTG_R(0x028)
#define OTG_GCCFG OTG_R(0x038)
#define OTG_DIEPTXF(n) OTG_R(0x104u + 4u * ((n) - 1u))
#define OTG_DCFG OTG_R(0x800)
#define OTG_DCTL OTG_R(0x804)
#define OTG_DIEPMSK OTG_R(0x810)
#define OTG_DOEPMSK OTG_R(0x814)
#define OTG_DAINTMSK OTG_R(0x81C)
#define OTG_DIEPCTL(n) OTG_R(0x900u + 0x20u * (n))
#define OTG_DIEPINT(n) OTG_R(0x908u + 0x20u * (n))
#define OTG_DOEPCTL(n) OTG_R(0xB00u + 0x20u * (n))
#define OTG_DOEPINT(n) OTG_R(0xB08u + 0x20u * (n))
#define OTG_PCGCCTL OTG_R(0xE00)
#define GRSTCTL_CSRST (1u << 0)
#define GRSTCTL_RXFFLSH (1u << 4)
#define GRSTCTL_TXFFLSH (1u << 5)
#define GRSTCTL_AHBIDL (1u << 31)
/* ---- RNG, CRC */
#define RNG_CR REG(0x48021800u)
#define RNG_SR REG(0x48021804u)
#define RNG_DR REG(0x48021808u)
#define CRC_DR REG(0x58024C00u)
#define CRC_DR8 (*(volatile uint8_t *)0x58024C00u)
#define CRC_CR REG(0x58024C08u)
#define CRC_INIT REG(0x58024C10u)
#define CRC_POL REG(0x58024C14u)
/* ---- ADC3 */
#define ADC3_R(off) REG(0x58026000u + (off))
#define ADC3_ISR ADC3_R(0x00)
#define ADC3_CR ADC3_R(0x08)
#define ADC3_CFGR ADC3_R(0x0C)
#define ADC3_CFGR2 ADC3_R(0x10)
#define ADC3_SMPR2 ADC3_R(0x18)
#define ADC3_PCSEL ADC3_R(0x1C)
#define ADC3_SQR1 ADC3_R(0x30)
#define ADC3_DR ADC3_R(0x40)
#define ADC3_CCR REG(0x58026308u)
#define ADC_CR_ADEN (1u << 0)
#define ADC_CR_ADSTART (1u << 2)
#define ADC_CR_ADCALLIN (1u << 16)
#define ADC_CR_ADVREGEN (1u << 28)
#define ADC_CR_DEEPPWD (1u << 29)
#define ADC_CR_ADCAL (1u << 31)
#define ADC_ISR_ADRDY (1u << 0)
#define ADC_ISR_EOC (1u << 2)
#define ADC_ISR_EOS (1u << 3)
#define ADC_ISR_OVR (1u << 4)
#define ADC_ISR_LDORDY (1u << 12)
/* DS12919 factory words (16-bit, VDDA = 3.3 V) */
#define TS_CAL1 (*(const volatile uint16_t *)0x1FF1E820u)
#define TS_CAL2 (*(const volatile uint16_t *)0x1FF1E840u)
#define VREFINT_CAL (*(const volatile uint16_t *)0x1FF1E860u)

/* ---------------------------------------------------------------- text */

static char *put_s(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_u(char *p, uint32_t v)
{
    char d[10];
    int k = 0;
    do {
        d[k++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (k)
        *p++ = d[--k];
    return p;
}

static char *put_x(char *p, uint32_t v, int digits)
{
    p = put_s(p, "0x");
    for (int i = digits - 1; i >= 0; i--)
        *p++ = "0123456789ABCDEF"[(v >> (4 * i)) & 0xFu];
    return p;
}

static void done(print_fn print, char *buf, char *p)
{
    p = put_s(p, "\r\n");
    *p = 0;
    print(buf);
}

/* Busy wait on a flag with a millisecond timeout (the HAL pattern). */
static int wait_bits(volatile uint32_t *reg, uint32_t mask, uint32_t want, uint32_t timeout_ms)
{
    uint32_t start = HAL_GetTick();
    while ((*reg & mask) != want)
        if (HAL_GetTick() - start > timeout_ms)
            return -1;
    return 0;
}

/* ---------------------------------------------------------------- ETH */

static int mdio_wait(void) { return wait_bits(&ETH_MACMDIOAR, 1u, 0u, 1000u); }

/* HAL_ETH_ReadPHYRegister: GB must be free; PA/RDA/GOC = read/GB; wait GB; MACMDIODR. */
static int phy_read(uint32_t addr, uint32_t reg, uint32_t *value)
{
    if (ETH_MACMDIOAR & 1u)
        return -1;
    ETH_MACMDIOAR = (ETH_MACMDIOAR & 0x00000F00u) | (addr << 21) | (reg << 16) | (3u << 2) | 1u;
    if (mdio_wait())
        return -1;
    *value = ETH_MACMDIODR & 0xFFFFu;
    return 0;
}

static int phy_write(uint32_t addr, uint32_t reg, uint32_t value)
{
    if (ETH_MACMDIOAR & 1u)
        return -1;
    ETH_MACMDIODR = value & 0xFFFFu;
    ETH_MACMDIOAR = (ETH_MACMDIOAR & 0x00000F00u) | (addr << 21) | (reg << 16) | (1u << 2) | 1u;
    return mdio_wait();
}

static void eth_descriptors(void)
{
    volatile uint32_t *rx = (volatile uint32_t *)ETH_RX_DESC, *tx = (volatile uint32_t *)ETH_TX_DESC;
    for (int i = 0; i < 4; i++) {
        tx[4 * i + 0] = tx[4 * i + 1] = tx[4 * i + 2] = tx[4 * i + 3] = 0;
        rx[4 * i + 0] = ETH_RX_BUF + 1536u * (uint32_t)i;   /* BUF1AP */
        rx[4 * i + 1] = rx[4 * i + 2] = 0;
        rx[4 * i + 3] = (1u << 31) | (1u << 30) | (1u << 24);   /* OWN, IOC, BUF1V */
    }
    ETH_DMACTDRLR = 3u;
    ETH_DMACTDLAR = ETH_TX_DESC;
    ETH_DMACTDTPR = ETH_TX_DESC;
    ETH_DMACRDRLR = 3u;
    ETH_DMACRDLAR = ETH_RX_DESC;
    ETH_DMACRDTPR = ETH_RX_DESC + 3u * 16u;
}

static int eth_init(print_fn print)
{
    char buf[96], *p;
    /* HAL_ETH_MspInit: MAC/TX/RX clocks; D2 SRAM3 for the descriptors. */
    RCC_AHB1ENR |= (1u << 15) | (1u << 16) | (1u << 17);
    RCC_AHB2ENR |= 1u << 31;
    (void)RCC_AHB1ENR;
    /* HAL_ETH_Init: SYSCFG clock, RMII select, software reset. */
    RCC_APB4ENR |= RCC_APB4ENR_SYSCFG;
    SYSCFG_PMCR = (SYSCFG_PMCR & ~(7u << 21)) | (4u << 21);
    (void)SYSCFG_PMCR;
    ETH_DMAMR |= 1u;
    if (wait_bits(&ETH_DMAMR, 1u, 0u, 500u)) {
        print("ETH: software reset timeout (no RMII reference clock?)\r\n");
        return -1;
    }
    print("ETH: MAC/DMA software reset done\r\n");
    /* MDC: HCLK 200 MHz -> CR = 0100 (/102); 1 us tick counter; MAC/DMA defaults. */
    ETH_MACMDIOAR = 4u << 8;
    ETH_MAC1USTCR = SystemD2Clock / 1000000u - 1u;
    ETH_MACCR = (1u << 13) | (1u << 14) | (1u << 21);   /* DM (full duplex), FES (100 Mbit/s), CST */
    ETH_DMASBMR = (1u << 12) | (1u << 0);               /* AAL, FB */
    ETH_DMACCR = 536u;                                  /* MSS */
    eth_descriptors();
    ETH_MACA0HR = 0x0000E180u | (1u << 31);
    ETH_MACA0LR = 0x00000000u;
    /* LAN8742_Init: find the PHY address (SMR.PHYAD), soft reset, wait for the reset to end. */
    uint32_t addr = 32u, v = 0;
    for (uint32_t a = 0; a < 32u; a++)
        if (!phy_read(a, PHY_SMR, &v) && (v & 0x1Fu) == a && v != 0xFFFFu) {
            addr = a;
            break;
        }
    if (addr == 32u) {
        print("ETH: no PHY on MDIO\r\n");
        return -1;
    }
    uint32_t id1 = 0, id2 = 0;
    phy_read(addr, PHY_ID1, &id1);
    phy_read(addr, PHY_ID2, &id2);
    p = put_s(buf, "ETH: PHY at address ");
    p = put_u(p, addr);
    p = put_s(p, ", id ");
    p = put_x(p, (id1 << 16) | id2, 8);
    done(print, buf, p);
    if (phy_write(addr, PHY_BCR, 0x8000u))
        return -1;
    uint32_t start = HAL_GetTick();
    do {
        if (phy_read(addr, PHY_BCR, &v) || HAL_GetTick() - start > 500u)
            return -1;
    } while (v & 0x8000u);
    /* LAN8742_GetLinkState, polled every 10 ms as a link task does: BSR link, then PSCSR. */
    start = HAL_GetTick();
    for (;;) {
        if (phy_read(addr, PHY_BSR, &v) || HAL_GetTick() - start > 5000u) {
            print("ETH: no link\r\n");
            return -1;
        }
        if (v & 0x0004u)
            break;
        HAL_Delay(10u);
    }
    uint32_t sc = 0;
    phy_read(addr, PHY_PSCSR, &sc);
    uint32_t hcd = (sc >> 2) & 7u;
    p = put_s(buf, "ETH: link up, ");
    p = put_s(p, (hcd & 2u) ? "100" : "10");
    p = put_s(p, " Mbit/s ");
    p = put_s(p, (hcd & 4u) ? "full" : "half");
    p = put_s(p, " duplex");
    done(print, buf, p);
    /* HAL_ETH_Start: MAC TX/RX, flush the TX queue, start the DMA channels. */
    ETH_MACCR |= (1u << 0) | (1u << 1);
    ETH_MTLTQOMR |= 1u;
    ETH_DMACTCR |= 1u;
    ETH_DMACRCR |= 1u | (1536u << 1);
    uint32_t csr = ETH_DMACSR;
    ETH_DMACSR = 0xFFFFFFFFu;
    if (csr & (1u << 12)) {   /* FBE: the DMA could not read its descriptors */
        p = put_s(buf, "ETH: DMA fatal bus error, DMACSR = ");
        p = put_x(p, csr, 8);
        done(print, buf, p);
        return -1;
    }
    print("ETH: started\r\n");
    return 0;
}

/* ---------------------------------------------------------------- USB OTG FS device */

static int usb_core_reset(void)
{
    uint32_t count = 0;
    while (!(OTG_GRSTCTL & GRSTCTL_AHBIDL))
        if (++count > 200000u)
            return -1;
    OTG_GRSTCTL |= GRSTCTL_CSRST;
    count = 0;
    while (OTG_GRSTCTL & GRSTCTL_CSRST)
        if (++count > 200000u)
            return -1;
    return 0;
}

static int usb_flush(uint32_t bits)
{
    uint32_t count = 0;
    while (!(OTG_GRSTCTL & GRSTCTL_AHBIDL))
        if (++count > 200000u)
            return -1;
    OTG_GRSTCTL = bits;
    count = 0;
    while (OTG_GRSTCTL & bits & (GRSTCTL_TXFFLSH | GRSTCTL_RXFFLSH))
        if (++count > 200000u)
            return -1;
    return 0;
}

static int usb_init(print_fn print)
{
    /* HAL_PCD_MspInit (CubeMX): USB clock from HSI48, USB voltage detector, core clock. */
    RCC_CR |= RCC_CR_HSI48ON;
    if (wait_bits(&RCC_CR, RCC_CR_HSI48RDY, RCC_CR_HSI48RDY, 2u))
        return -1;
    RCC_D2CCIP2R = (RCC_D2CCIP2R & ~(3u << 20)) | (3u << 20);
    PWR_CR3 |= 1u << 24;   /* USB33DEN */
    RCC_AHB1ENR |= 1u << 27;
    (void)RCC_AHB1ENR;
    /* USB_CoreInit (embedded FS PHY): PHYSEL, core soft reset, transceiver on. */
    OTG_GUSBCFG |= 1u << 6;
    if (usb_core_reset()) {
        print("USB: core reset timeout\r\n");
        return -1;
    }
    OTG_GCCFG |= 1u << 16;   /* PWRDWN = 0 -> transceiver active */
    /* USB_SetCurrentMode(device): FDMOD, then CMOD polled every 10 ms (up to 200 ms). */
    OTG_GUSBCFG = (OTG_GUSBCFG & ~((1u << 29) | (1u << 30))) | (1u << 30);
    uint32_t ms = 0;
    do {
        HAL_Delay(10u);
        ms += 10u;
    } while ((OTG_GINTSTS & 1u) && ms < 200u);
    if (OTG_GINTSTS & 1u)
        return -1;
    /* USB_DevInit: no VBUS sensing (B-session valid override), full speed, flushes, endpoints. */
    OTG_GOTGCTL |= (1u << 6) | (1u << 7);
    OTG_PCGCCTL = 0;
    OTG_DCFG |= 3u;
    if (usb_flush(GRSTCTL_TXFFLSH | (0x10u << 6)) || usb_flush(GRSTCTL_RXFFLSH)) {
        print("USB: FIFO flush timeout\r\n");
        return -1;
    }
    OTG_DIEPMSK = OTG_DOEPMSK = OTG_DAINTMSK = 0;
    for (uint32_t i = 0; i < 9u; i++) {
        OTG_DIEPCTL(i) = (OTG_DIEPCTL(i) & (1u << 31)) ? ((i == 0) ? (1u << 27) : ((1u << 30) | (1u << 27))) : 0;
        OTG_DIEPINT(i) = 0xFB7Fu;
        OTG_DOEPCTL(i) = (OTG_DOEPCTL(i) & (1u << 31)) ? ((i == 0) ? (1u << 27) : ((1u << 30) | (1u << 27))) : 0;
        OTG_DOEPINT(i) = 0xFB7Fu;
    }
    OTG_GINTMSK = 0;
    OTG_GINTSTS = 0xBFFFFFFFu;
    OTG_GINTMSK = (1u << 4) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 18) | (1u << 19) | (1u << 31);
    OTG_DCTL |= 1u << 1;   /* USB_DevDisconnect at the end of HAL_PCD_Init */
    /* HAL_PCDEx_SetRxFiFo / SetTxFiFo (CubeMX CDC sizes). */
    OTG_GRXFSIZ = 0x80u;
    OTG_DIEPTXF0 = (0x40u << 16) | 0x80u;
    OTG_DIEPTXF(1) = (0x80u << 16) | 0xC0u;
    /* HAL_PCD_Start: global interrupt, soft connect (D+ pull-up), 3 ms. */
    OTG_GAHBCFG |= 1u;
    OTG_DCTL &= ~(1u << 1);
    HAL_Delay(3u);
    print("USB: OTG FS device started, D+ pull-up on\r\n");
    return 0;
}

/* ---------------------------------------------------------------- RNG, CRC */

static int rng_crc(print_fn print)
{
    char buf[64], *p;
    /* HAL_RNG_Init: RNG kernel clock = HSI48 (RNGSEL = 00, HSI48 is on for USB). */
    RCC_AHB2ENR |= 1u << 6;
    (void)RCC_AHB2ENR;
    RNG_CR |= 1u << 2;
    if (wait_bits(&RNG_SR, 1u, 1u, 2u) || (RNG_SR & 0x66u)) {
        /* RM0399 RNG "Error management": a seed error (SECS) needs SEIS cleared and the RNG
         * restarted (RNGEN 0 -> 1); a clock error is reported and the clock checked. */
        if (!(RNG_SR & 0x44u)) {
            print("RNG: no data (clock error?)\r\n");
            return -1;
        }
        RNG_SR = 0;
        RNG_CR &= ~(1u << 2);
        RNG_CR |= 1u << 2;
        if (wait_bits(&RNG_SR, 1u, 1u, 2u) || (RNG_SR & 0x66u)) {
            print("RNG: seed error, restart failed\r\n");
            return -1;
        }
        print("RNG: seed error (SECS), RNG restarted\r\n");
    }
    uint32_t r = RNG_DR;
    p = put_s(buf, "RNG: ");
    p = put_x(p, r, 8);
    done(print, buf, p);
    /* HAL_CRC_Calculate with the default (CRC-32, reflected in/out) + final XOR. */
    RCC_AHB4ENR |= 1u << 19;
    (void)RCC_AHB4ENR;
    CRC_POL = 0x04C11DB7u;
    CRC_INIT = 0xFFFFFFFFu;
    CRC_CR = (1u << 5) | (1u << 7) | 1u;
    for (const char *s = "123456789"; *s; s++)
        CRC_DR8 = (uint8_t)*s;
    uint32_t crc = CRC_DR ^ 0xFFFFFFFFu;
    p = put_s(buf, "CRC: crc32(\"123456789\") = ");
    p = put_x(p, crc, 8);
    p = put_s(p, crc == 0xCBF43926u ? " ok" : " WRONG");
    done(print, buf, p);
    return crc == 0xCBF43926u ? 0 : -1;
}

int periph_demo_board(print_fn print)
{
    int rc = 0;
    RCC_AHB4ENR |= 0x7FFu;   /* MX_GPIO_Init: every GPIO port clock */
    (void)RCC_AHB4ENR;
    rc |= eth_init(print);
    rc |= usb_init(print);
    rc |= rng_crc(print);
    return rc;
}

/* ---------------------------------------------------------------- ADC3 */

static int adc_convert(uint32_t channel, uint32_t *value)
{
    ADC3_PCSEL |= 1u << channel;
    ADC3_SQR1 = channel << 6;   /* L = 0: one rank */
    ADC3_ISR = ADC_ISR_EOC | ADC_ISR_EOS | ADC_ISR_OVR;
    ADC3_CR |= ADC_CR_ADSTART;
    if (wait_bits(&ADC3_ISR, ADC_ISR_EOC, ADC_ISR_EOC, 10u))
        return -1;
    *value = ADC3_DR;
    return 0;
}

int periph_demo_adc(print_fn print)
{
    char buf[96], *p;
    /* HAL_ADC_MspInit: ADC3 clock; kernel clock per_ck (= HSI 64 MHz), ADCSEL = 10. */
    RCC_AHB4ENR |= 1u << 24;
    (void)RCC_AHB4ENR;
    RCC_D3CCIPR = (RCC_D3CCIPR & ~(3u << 16)) | (2u << 16);
    /* HAL_ADC_Init: leave deep power-down, regulator on, the software wait, then LDORDY. */
    ADC3_CR &= ~ADC_CR_DEEPPWD;
    ADC3_CR |= ADC_CR_ADVREGEN;
    for (volatile uint32_t i = (SystemCoreClock / 200000u) + 1u; i; i--)
        ;
    if (wait_bits(&ADC3_ISR, ADC_ISR_LDORDY, ADC_ISR_LDORDY, 2u)) {
        print("ADC3: regulator not ready\r\n");
        return -1;
    }
    ADC3_CCR = (ADC3_CCR & ~((3u << 16) | (0xFu << 18))) | (1u << 18);   /* async, /2 */
    ADC3_CFGR = (ADC3_CFGR & ~0x3FFFu) | (1u << 12);   /* 16 bits, single, software start, OVRMOD */
    ADC3_CR = (ADC3_CR & ~(3u << 8)) | (2u << 8);      /* BOOST = 10 for 12.5..25 MHz (16 MHz here) */
    ADC3_CFGR2 = 0;
    /* HAL_ADC_ConfigChannel(VREFINT, 810.5 cycles) and TEMPSENSOR: CCR paths + sampling. */
    ADC3_SMPR2 |= (7u << 27) | (7u << 24);   /* channels 19 and 18 */
    ADC3_CCR |= (1u << 22) | (1u << 23);     /* VREFEN, TSEN */
    /* HAL_ADCEx_Calibration_Start(ADC_CALIB_OFFSET_LINEARITY, ADC_SINGLE_ENDED). */
    ADC3_CR = (ADC3_CR & ~(1u << 30)) | ADC_CR_ADCALLIN | ADC_CR_ADCAL;
    uint32_t count = 0;
    while (ADC3_CR & ADC_CR_ADCAL)
        if (++count > 50000000u) {
            print("ADC3: calibration timeout\r\n");
            return -1;
        }
    print("ADC3: calibrated (offset + linearity)\r\n");
    /* HAL_ADC_Start -> ADC_Enable: ADEN, wait ADRDY (2 ms). */
    ADC3_ISR = ADC_ISR_ADRDY;
    ADC3_CR |= ADC_CR_ADEN;
    if (wait_bits(&ADC3_ISR, ADC_ISR_ADRDY, ADC_ISR_ADRDY, 2u)) {
        print("ADC3: not ready\r\n");
        return -1;
    }
    uint32_t raw = 0, traw = 0;
    if (adc_convert(19u, &raw) || adc_convert(18u, &traw) || !raw) {
        print("ADC3: conversion timeout\r\n");
        return -1;
    }
    /* __HAL_ADC_CALC_VREFANALOG_VOLTAGE(raw, 16 bits) = 3300 * VREFINT_CAL / raw. */
    uint32_t mv = 3300u * VREFINT_CAL / raw;
    p = put_s(buf, "ADC3: VREFINT raw ");
    p = put_u(p, raw);
    p = put_s(p, ", VREFINT_CAL ");
    p = put_u(p, VREFINT_CAL);
    p = put_s(p, " -> VDDA = ");
    p = put_u(p, mv);
    p = put_s(p, " mV");
    done(print, buf, p);
    /* __HAL_ADC_CALC_TEMPERATURE: scale the raw value to VDDA = 3.3 V, then the two-point line. */
    int32_t t_scaled = (int32_t)(traw * mv / 3300u);
    int32_t temp = (t_scaled - (int32_t)TS_CAL1) * (110 - 30) / ((int32_t)TS_CAL2 - (int32_t)TS_CAL1) + 30;
    p = put_s(buf, "ADC3: die temperature ");
    if (temp < 0) {
        *p++ = '-';
        temp = -temp;
    }
    p = put_u(p, (uint32_t)temp);
    p = put_s(p, " C");
    done(print, buf, p);
    return 0;
}

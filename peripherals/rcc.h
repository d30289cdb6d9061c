/* Reset and clock control (RM0399 ch.9; facts §3): oscillators and PLLs with start-up/lock delays
 * from the event queue, system clock switch, prescalers, per-CPU enable banks, reset flags, GCR. */
#ifndef H7_RCC_H
#define H7_RCC_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(RCC_CR, 0x000)
    H7_FIELD(RCC_CR, HSION, 0, 1)
    H7_FIELD(RCC_CR, HSIKERON, 1, 1)
    H7_FIELD(RCC_CR, HSIRDY, 2, 1)
    H7_FIELD(RCC_CR, HSIDIV, 3, 2)
    H7_FIELD(RCC_CR, HSIDIVF, 5, 1)
    H7_FIELD(RCC_CR, CSION, 7, 1)
    H7_FIELD(RCC_CR, CSIRDY, 8, 1)
    H7_FIELD(RCC_CR, CSIKERON, 9, 1)
    H7_FIELD(RCC_CR, HSI48ON, 12, 1)
    H7_FIELD(RCC_CR, HSI48RDY, 13, 1)
    H7_FIELD(RCC_CR, D1CKRDY, 14, 1)
    H7_FIELD(RCC_CR, D2CKRDY, 15, 1)
    H7_FIELD(RCC_CR, HSEON, 16, 1)
    H7_FIELD(RCC_CR, HSERDY, 17, 1)
    H7_FIELD(RCC_CR, HSEBYP, 18, 1)
    H7_FIELD(RCC_CR, HSECSSON, 19, 1)
    H7_FIELD(RCC_CR, PLL1ON, 24, 1)
    H7_FIELD(RCC_CR, PLL1RDY, 25, 1)
H7_REG32(RCC_HSICFGR, 0x004)
H7_REG32(RCC_CRRCR, 0x008)
H7_REG32(RCC_CSICFGR, 0x00C)
H7_REG32(RCC_CFGR, 0x010)
    H7_FIELD(RCC_CFGR, SW, 0, 3)
    H7_FIELD(RCC_CFGR, SWS, 3, 3)
H7_REG32(RCC_D1CFGR, 0x018)
    H7_FIELD(RCC_D1CFGR, HPRE, 0, 4)
    H7_FIELD(RCC_D1CFGR, D1PPRE, 4, 3)
    H7_FIELD(RCC_D1CFGR, D1CPRE, 8, 4)
H7_REG32(RCC_D2CFGR, 0x01C)
    H7_FIELD(RCC_D2CFGR, D2PPRE1, 4, 3)
    H7_FIELD(RCC_D2CFGR, D2PPRE2, 8, 3)
H7_REG32(RCC_D3CFGR, 0x020)
    H7_FIELD(RCC_D3CFGR, D3PPRE, 4, 3)
H7_REG32(RCC_PLLCKSELR, 0x028)
    H7_FIELD(RCC_PLLCKSELR, PLLSRC, 0, 2)
H7_REG32(RCC_PLLCFGR, 0x02C)
H7_REG32(RCC_PLL1DIVR, 0x030)
H7_REG32(RCC_PLL1FRACR, 0x034)
H7_REG32(RCC_PLL2DIVR, 0x038)
H7_REG32(RCC_PLL2FRACR, 0x03C)
H7_REG32(RCC_PLL3DIVR, 0x040)
H7_REG32(RCC_PLL3FRACR, 0x044)
H7_REG32(RCC_D1CCIPR, 0x04C)
H7_REG32(RCC_D2CCIP1R, 0x050)
H7_REG32(RCC_D2CCIP2R, 0x054)
    H7_FIELD(RCC_D2CCIP2R, USART234578SEL, 0, 3)
H7_REG32(RCC_D3CCIPR, 0x058)
H7_REG32(RCC_CIER, 0x060)
H7_REG32(RCC_CIFR, 0x064)
H7_REG32(RCC_CICR, 0x068)
H7_REG32(RCC_BDCR, 0x070)
    H7_FIELD(RCC_BDCR, LSEON, 0, 1)
    H7_FIELD(RCC_BDCR, LSERDY, 1, 1)
    H7_FIELD(RCC_BDCR, LSEBYP, 2, 1)
    H7_FIELD(RCC_BDCR, RTCSEL, 8, 2)
    H7_FIELD(RCC_BDCR, RTCEN, 15, 1)
    H7_FIELD(RCC_BDCR, VSWRST, 16, 1)
H7_REG32(RCC_CSR, 0x074)
H7_REG32(RCC_AHB3RSTR, 0x07C)
H7_REG32(RCC_APB4RSTR, 0x09C)
H7_REG32(RCC_GCR, 0x0A0)
    H7_FIELD(RCC_GCR, BOOT_C1, 2, 1)
    H7_FIELD(RCC_GCR, BOOT_C2, 3, 1)
H7_REG32(RCC_D3AMR, 0x0A8)
H7_REG32(RCC_RSR, 0x0D0)        /* same-address bank 0x0D0-0x11C (CPUs only) */
H7_REG32(RCC_C1_RSR, 0x130)     /* CPU1 bank 0x130-0x17C */
H7_REG32(RCC_C2_RSR, 0x190)     /* CPU2 bank 0x190-0x1DC */
    H7_FIELD(RCC_RSR, RMVF, 16, 1)
    H7_FIELD(RCC_RSR, C1RSTF, 17, 1)
    H7_FIELD(RCC_RSR, C2RSTF, 18, 1)
    H7_FIELD(RCC_RSR, D1RSTF, 19, 1)
    H7_FIELD(RCC_RSR, D2RSTF, 20, 1)
    H7_FIELD(RCC_RSR, BORRSTF, 21, 1)
    H7_FIELD(RCC_RSR, PINRSTF, 22, 1)
    H7_FIELD(RCC_RSR, PORRSTF, 23, 1)
    H7_FIELD(RCC_RSR, SFT1RSTF, 24, 1)
    H7_FIELD(RCC_RSR, SFT2RSTF, 25, 1)
    H7_FIELD(RCC_RSR, IWDG1RSTF, 26, 1)
    H7_FIELD(RCC_RSR, IWDG2RSTF, 27, 1)
    H7_FIELD(RCC_RSR, WWDG1RSTF, 28, 1)
    H7_FIELD(RCC_RSR, WWDG2RSTF, 29, 1)
    H7_FIELD(RCC_RSR, LPWR1RSTF, 30, 1)
    H7_FIELD(RCC_RSR, LPWR2RSTF, 31, 1)

#define H7_RCC_BANK_WORDS 20u   /* RSR, AHB3ENR..APB4ENR, reserved, AHB3LPENR..APB4LPENR */
#define H7_RCC_HSI_HZ 64000000u
#define H7_RCC_CSI_HZ 4000000u
#define H7_RCC_HSI48_HZ 48000000u
/* HSICAL after reset: a rev V H743 (same die, DEV_ID 0x450) reads 0x8EC (ST community report, 2019). */
#define H7_RCC_HSICAL_FACTORY 0x8ECu
/* Start-up / lock delays (decisions, docs/models.md; DS12919 gives typical values of this order). */
#define H7_RCC_HSI_DELAY_PS (4 * H7_PS_PER_US)
#define H7_RCC_CSI_DELAY_PS (4 * H7_PS_PER_US)
#define H7_RCC_HSI48_DELAY_PS (4 * H7_PS_PER_US)
#define H7_RCC_HSE_BYPASS_DELAY_PS (10 * H7_PS_PER_US)
#define H7_RCC_HSE_XTAL_DELAY_PS (2 * H7_PS_PER_MS)
#define H7_RCC_PLL_LOCK_PS (50 * H7_PS_PER_US)

extern const h7_regdesc h7_rcc_regs[];
extern const size_t h7_rcc_nregs;

struct h7_soc;
typedef enum {
    H7_RCC_EN_AHB3, H7_RCC_EN_AHB1, H7_RCC_EN_AHB2, H7_RCC_EN_AHB4, H7_RCC_EN_APB3,
    H7_RCC_EN_APB1L, H7_RCC_EN_APB1H, H7_RCC_EN_APB2, H7_RCC_EN_APB4, H7_RCC_NENREG
} h7_rcc_enreg;

/* Oscillators / PLLs with a ready flag driven by an event. */
typedef enum { H7_OSC_HSI, H7_OSC_CSI, H7_OSC_HSI48, H7_OSC_HSE, H7_OSC_PLL1, H7_OSC_PLL2, H7_OSC_PLL3, H7_NOSC } h7_rcc_osc;

typedef struct h7_rcc_osc_state {
    struct h7_rcc *rcc;
    h7_rcc_osc id;
    bool ready;
    h7_event ev;       /* start-up / lock done: RDY = 1 */
    h7_event ev_off;   /* switched off: RDY = 0 (six oscillator cycles later) */
} h7_rcc_osc_state;

typedef struct h7_rcc {
    struct h7_soc *soc;
    uint32_t cr;               /* software bits only; ready flags come from osc[] and the domains */
    uint32_t cfgr, d1cfgr, d2cfgr, d3cfgr;
    uint32_t pllckselr, pllcfgr, plldivr[3], pllfracr[3];
    uint32_t d1ccipr, d2ccip1r, d2ccip2r, d3ccipr;
    uint32_t cier, cifr, bdcr, csr, rstr[9], gcr, d3amr;
    uint32_t hsicfgr, crrcr, csicfgr;
    h7_time_ps lse_on_t;       /* BDCR.LSEON set at (LSERDY follows after the crystal start-up) */
    uint32_t bank[2][H7_RCC_BANK_WORDS];   /* C1 and C2 banks: [0] = RSR, [1..9] ENR, [11..19] LPENR */
    h7_rcc_osc_state osc[H7_NOSC];
    bool d1ckrdy, d2ckrdy;
    unsigned sws;              /* CFGR.SWS: source actually driving sys_ck */
    uint32_t last_hz[7];       /* sys, cm7, cm4, apb1..apb4: to report changes once */
    bool pll_never_warned[3];
} h7_rcc;

void h7_rcc_init(h7_rcc *s, struct h7_soc *soc);
void h7_rcc_reset(h7_rcc *s, h7_reset_kind kind);
/* Registers stable until a write or a scheduled event (h7_stable_fn, soc.h). */
bool h7_rcc_read_stable(uint32_t offset);
uint32_t h7_rcc_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_rcc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Peripheral clock on: enabled in the C1 or the C2 bank (RM0399 §9.5.11). */
bool h7_rcc_clock_enabled(const h7_rcc *r, h7_rcc_enreg reg, int bit);
/* Peripheral allocated to `cpu` (its bank's enable bit set). */
bool h7_rcc_cpu_allocated(const h7_rcc *r, h7_core_id cpu, h7_rcc_enreg reg, int bit);
/* `cpu` has any D2 peripheral allocated (SRAM1/2/3 included) -- keeps D2 out of DStop. */
bool h7_rcc_cpu_has_d2_alloc(const h7_rcc *r, h7_core_id cpu);
/* `cpu` has any D1 peripheral allocated (AXI SRAM, ITCM/DTCM, AHB3/APB3) -- keeps D1 out of DStop. */
bool h7_rcc_cpu_has_d1_alloc(const h7_rcc *r, h7_core_id cpu);
/* From PWR: domain 1 or 2 clock ready (RCC_CR D1CKRDY/D2CKRDY). */
void h7_rcc_set_domain_ready(h7_rcc *r, int domain, bool ready);
/* From PWR: leaving system Stop selects HSI and switches the PLLs and HSE off (RM0399 §9.5.7). */
void h7_rcc_system_stop_exit(h7_rcc *r);
/* Why the chip (or a core) was reset; decides the RCC_RSR flags (RM0399 §9.4.4 reset source
 * identification, RCC_RSR description §9.7.x) and the timeline text. */
typedef enum {
    H7_CAUSE_POWER_ON,     /* POR: PORRSTF, BORRSTF, PINRSTF, D1/D2RSTF, C1/C2RSTF */
    H7_CAUSE_PIN,          /* NRST pin */
    H7_CAUSE_SFT_CM7,      /* AIRCR.SYSRESETREQ of CPU1 */
    H7_CAUSE_SFT_CM4,      /* AIRCR.SYSRESETREQ of CPU2 */
    H7_CAUSE_IWDG1, H7_CAUSE_IWDG2,
    H7_CAUSE_WWDG1, H7_CAUSE_WWDG2,
    H7_CAUSE_LPWR1, H7_CAUSE_LPWR2,   /* illegal D1/D2 Stop/Standby entry (option bytes NRST_xxx) */
    H7_CAUSE_COUNT
} h7_reset_cause;
/* RCC_RSR flags a reset of this cause sets (in both CPU banks). */
uint32_t h7_rcc_rsr_flags(h7_reset_cause cause);
/* RCC_RSR flags of a reset of CPU `core` alone (WWDGx with WWxRSC = 0): the watchdog flag, CxRSTF. */
uint32_t h7_rcc_rsr_core_flags(h7_reset_cause cause, h7_core_id core);
/* "nrst", "cm7 sysresetreq", "iwdg1 timeout", ... (timeline text). */
const char *h7_reset_cause_name(h7_reset_cause cause);
/* Reset flags for RCC_RSR (both banks), OR-ed in by the machine on each reset. */
void h7_rcc_add_reset_flags(h7_rcc *r, uint32_t flags);
/* Clock tree, from the registers. */
uint32_t h7_rcc_sysclk_hz(const h7_rcc *r);
uint32_t h7_rcc_cpu_hz(const h7_rcc *r, h7_core_id cpu);   /* CM7 = sys_ck/D1CPRE, CM4 = HCLK */
uint32_t h7_rcc_hclk_hz(const h7_rcc *r);                  /* AXI/AHB */
uint32_t h7_rcc_pclk_hz(const h7_rcc *r, int apb);         /* APB1..APB4 */
uint32_t h7_rcc_tim_hz(const h7_rcc *r, int apb);          /* timer kernel clock on APB1/APB2 */
uint32_t h7_rcc_usart_kernel_hz(const h7_rcc *r, int usart);
/* RTC clock (RCC_BDCR.RTCSEL with RTCEN; RM0399 §9.5.x): frequency, and in *since the time from
 * which it runs (the LSE after its start-up time). 0 Hz: no RTC clock. */
uint32_t h7_rcc_rtc_clock(const h7_rcc *r, h7_time_ps *since);
/* BDCR.LSERDY now. */
bool h7_rcc_lse_ready(const h7_rcc *r);
/* Output of PLL n (1..3), divider 'p', 'q' or 'r'; 0 when the PLL is not locked. */
uint32_t h7_rcc_pll_hz(const h7_rcc *r, int n, char out);

#endif

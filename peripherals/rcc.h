/* STUB: to be replaced by the real model (see issue #3). The API below is the contract. */
#ifndef H7_RCC_H
#define H7_RCC_H

#include "periph.h"
#include "h7sched.h"

struct h7_soc;
typedef enum {
    H7_RCC_EN_AHB3, H7_RCC_EN_AHB1, H7_RCC_EN_AHB2, H7_RCC_EN_AHB4, H7_RCC_EN_APB3,
    H7_RCC_EN_APB1L, H7_RCC_EN_APB1H, H7_RCC_EN_APB2, H7_RCC_EN_APB4, H7_RCC_NENREG
} h7_rcc_enreg;
typedef struct h7_rcc { struct h7_soc *soc; uint32_t regs[256]; } h7_rcc;

void h7_rcc_init(h7_rcc *s, struct h7_soc *soc);
void h7_rcc_reset(h7_rcc *s, h7_reset_kind kind);
uint32_t h7_rcc_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_rcc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Peripheral clock on: enabled in the C1 or the C2 bank (RM0399 §9.5.11). */
bool h7_rcc_clock_enabled(const h7_rcc *r, h7_rcc_enreg reg, int bit);
/* Peripheral allocated to `cpu` (its bank's enable bit set). */
bool h7_rcc_cpu_allocated(const h7_rcc *r, h7_core_id cpu, h7_rcc_enreg reg, int bit);
/* `cpu` has any D2 peripheral allocated (SRAM1/2/3 included) -- keeps D2 out of DStop. */
bool h7_rcc_cpu_has_d2_alloc(const h7_rcc *r, h7_core_id cpu);
/* From PWR: domain 1 or 2 clock ready (RCC_CR D1CKRDY/D2CKRDY). */
void h7_rcc_set_domain_ready(h7_rcc *r, int domain, bool ready);
/* Reset flags for RCC_RSR (both banks), OR-ed in by the machine on each reset. */
void h7_rcc_add_reset_flags(h7_rcc *r, uint32_t flags);
/* Clock tree, from the registers. */
uint32_t h7_rcc_sysclk_hz(const h7_rcc *r);
uint32_t h7_rcc_cpu_hz(const h7_rcc *r, h7_core_id cpu);   /* CM7 = sys_ck/D1CPRE, CM4 = HCLK */
uint32_t h7_rcc_hclk_hz(const h7_rcc *r);                  /* AXI/AHB */
uint32_t h7_rcc_pclk_hz(const h7_rcc *r, int apb);         /* APB1..APB4 */
uint32_t h7_rcc_usart_kernel_hz(const h7_rcc *r, int usart);

#endif

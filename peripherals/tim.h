/* General-purpose, basic and advanced timers TIM1-TIM17 (RM0399 ch.38 advanced TIM1/TIM8, ch.39
 * general-purpose TIM2-5/12-14, ch.40 TIM15-17, ch.41 basic TIM6/TIM7), as far as firmware observes
 * them without pins: the counter is computed from virtual time (never ticked), events are scheduled
 * only at the next update or compare match that someone listens to (an interrupt, a DMA request,
 * one-pulse mode). */
#ifndef H7_TIM_H
#define H7_TIM_H

#include "periph.h"
#include "h7sched.h"
#include "dbgmcu.h"
#include "h755_regs.h"

H7_REG32(TIM_CR1, 0x00)
    H7_FIELD(TIM_CR1, CEN, 0, 1)
    H7_FIELD(TIM_CR1, UDIS, 1, 1)
    H7_FIELD(TIM_CR1, URS, 2, 1)
    H7_FIELD(TIM_CR1, OPM, 3, 1)
    H7_FIELD(TIM_CR1, DIR, 4, 1)
    H7_FIELD(TIM_CR1, CMS, 5, 2)
    H7_FIELD(TIM_CR1, ARPE, 7, 1)
    H7_FIELD(TIM_CR1, UIFREMAP, 11, 1)
H7_REG32(TIM_CR2, 0x04)
    H7_FIELD(TIM_CR2, CCDS, 3, 1)
H7_REG32(TIM_SMCR, 0x08)
H7_REG32(TIM_DIER, 0x0C)
    H7_FIELD(TIM_DIER, UIE, 0, 1)
    H7_FIELD(TIM_DIER, UDE, 8, 1)
H7_REG32(TIM_SR, 0x10)
    H7_FIELD(TIM_SR, UIF, 0, 1)
H7_REG32(TIM_EGR, 0x14)
    H7_FIELD(TIM_EGR, UG, 0, 1)
H7_REG32(TIM_CCMR1, 0x18)
H7_REG32(TIM_CCMR2, 0x1C)
H7_REG32(TIM_CCER, 0x20)
H7_REG32(TIM_CNT, 0x24)
H7_REG32(TIM_PSC, 0x28)
H7_REG32(TIM_ARR, 0x2C)
H7_REG32(TIM_RCR, 0x30)
H7_REG32(TIM_CCR1, 0x34)
H7_REG32(TIM_CCR4, 0x40)
H7_REG32(TIM_BDTR, 0x44)
H7_REG32(TIM_DCR, 0x48)
    H7_FIELD(TIM_DCR, DBA, 0, 5)
    H7_FIELD(TIM_DCR, DBL, 8, 5)
H7_REG32(TIM_DMAR, 0x4C)
H7_REG32(TIM_CCMR3, 0x54)
H7_REG32(TIM_CCR5, 0x58)
H7_REG32(TIM_CCR6, 0x5C)
H7_REG32(TIM_AF1, 0x60)
H7_REG32(TIM_AF2, 0x64)
H7_REG32(TIM_TISEL, 0x68)

/* The timers of the STM32H755 in one array (h7_soc.tim[]). */
typedef enum {
    H7_TIM1, H7_TIM2, H7_TIM3, H7_TIM4, H7_TIM5, H7_TIM6, H7_TIM7, H7_TIM8, H7_TIM12, H7_TIM13,
    H7_TIM14, H7_TIM15, H7_TIM16, H7_TIM17, H7_TIM_COUNT
} h7_tim_id;

/* What a timer instance has (RM0399 §38.1-§41.1 feature tables). */
typedef struct h7_tim_info {
    int number;             /* 1..17 */
    const char *name;       /* "TIM6" */
    int apb;                /* 1 or 2: its kernel clock (h7_rcc_tim_hz) */
    int channels;           /* 0 (basic), 1, 2, 4, 6 (advanced: CC5/CC6 internal) */
    bool bits32;            /* TIM2/TIM5: 32-bit CNT/ARR/CCR */
    bool updown;            /* DIR and CMS (center-aligned) exist */
    bool rcr;               /* repetition counter */
    unsigned rcr_bits;      /* 16 for TIM1/TIM8, 8 for TIM15-17 */
    int irq_up, irq_cc, irq_brk, irq_trg;   /* NVIC lines (stm32h755xx.h, both cores); one line for
                                                general-purpose timers */
} h7_tim_info;

extern const h7_tim_info h7_tim_infos[H7_TIM_COUNT];

/* DMA request signals of a timer (RM0399 §38.4.x "DMA requests"); the DMAMUX request number is
 * the DMA model's business (dmamux.c, RM0399 Table 121: the SoC routes them there). */
typedef enum { H7_TIM_DMA_UP, H7_TIM_DMA_CC1, H7_TIM_DMA_CC2, H7_TIM_DMA_CC3, H7_TIM_DMA_CC4,
               H7_TIM_DMA_COM, H7_TIM_DMA_TRIG } h7_tim_dma_req;
typedef void (*h7_tim_dma_fn)(void *opaque, h7_tim_id tim, h7_tim_dma_req req);

struct h7_soc;
typedef struct h7_tim {
    struct h7_soc *soc;
    h7_tim_id id;
    const h7_tim_info *info;
    const h7_regmap *map;   /* its register list: the SVD table of the instance (h755_regs.c) */
    uint32_t cr1, cr2, smcr, dier, sr, ccmr[3], ccer, psc, arr, rcr, ccr[6], bdtr, dcr, af1, af2, tisel;
    /* Shadow (active) registers, loaded from the preload registers at an update event. */
    uint32_t psc_sh, arr_sh, rcr_sh, ccr_sh[6];
    uint32_t rep;           /* repetition down-counter */
    /* The counter as a function of time: in the current epoch (start t0, kernel clock hz, prescaler
     * psc_sh) tick n happens at t0 + ceil(n (psc_sh + 1) / hz); cnt is the counter at tick ref_tick. */
    h7_time_ps t0;
    uint32_t hz;
    uint64_t ref_tick;
    uint32_t cnt;
    bool down;              /* counting down now (DIR, or the down half of center-aligned) */
    bool ocref[4];          /* OCxREF of the match-driven output modes (active/inactive/toggle on match) */
    h7_freeze fz;           /* DBGMCU freeze: t0 and the events are in the timer's own time */
    uint32_t burst_idx;     /* DMA burst: the DMAR access in the current burst (0..DBL) */
    h7_event ev;
} h7_tim;

void h7_tim_init(h7_tim *s, struct h7_soc *soc, h7_tim_id id);
void h7_tim_reset(h7_tim *s, h7_reset_kind kind);
uint32_t h7_tim_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_tim_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* The RCC changed a clock: every timer re-reads its kernel clock (the counter keeps its value). */
void h7_tim_clocks_changed(struct h7_soc *soc);
/* A DMA model registers here for the timers' DMA requests (UDE / CCxDE). */
void h7_tim_set_dma_hook(struct h7_soc *soc, h7_tim_dma_fn fn, void *opaque);
/* GPIO configuration changed: timer channel outputs drive the pins that select them as their
 * alternate function (the PWM shows on the GPIO trace and in the VCD). */
void h7_tim_route_outputs(struct h7_soc *soc);
/* Output level of channel c (0..3) now, and whether the output is enabled (CCxE, MOE). */
bool h7_tim_channel_output(h7_tim *s, int c, bool *enabled);
/* Re-evaluate every timer's DBGMCU freeze (APB1LFZx TIM2-7/12-14, APB2FZx TIM1/8/15-17) after a
 * debug halt/resume or a freeze-bit write: a frozen timer's counter stops until the core resumes. */
void h7_tim_debug_halt_changed(struct h7_soc *soc);
/* Transfers one DMA request of this timer asks for: DCR.DBL + 1 (the DMA burst, RM0399 §38.3.x). */
unsigned h7_tim_dma_burst_length(const h7_tim *s);
/* Counter value now (same as a CPU read of TIMx_CNT, without UIFCPY). */
uint32_t h7_tim_counter(h7_tim *s);

#endif

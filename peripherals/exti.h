/* Extended interrupt and event controller (RM0399 ch.21; facts §6.3): 89 input lines, per-CPU
 * interrupt masks (to the NVIC and as wake-up) and event masks (pulses on the CPU's RXEV). */
#ifndef H7_EXTI_H
#define H7_EXTI_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(EXTI_RTSR1, 0x00)
H7_REG32(EXTI_FTSR1, 0x04)
H7_REG32(EXTI_SWIER1, 0x08)
H7_REG32(EXTI_D3PMR1, 0x0C)
H7_REG32(EXTI_C1IMR1, 0x80)
H7_REG32(EXTI_C1EMR1, 0x84)
H7_REG32(EXTI_C1PR1, 0x88)
H7_REG32(EXTI_C1IMR3, 0xA0)
H7_REG32(EXTI_C1EMR3, 0xA4)
H7_REG32(EXTI_C2IMR1, 0xC0)
H7_REG32(EXTI_C2IMR3, 0xE0)
H7_REG32(EXTI_C2EMR3, 0xE4)

#define H7_EXTI_LINES 89
/* Configurable lines (with edge detection and a pending bit): 0-21, 49, 51, 82, 84-86
 * (RM0399 Table 152); the others are direct lines, their source keeps the level. */
#define H7_EXTI_CONFIGURABLE1 0x003FFFFFu
#define H7_EXTI_CONFIGURABLE2 0x000A0000u
#define H7_EXTI_CONFIGURABLE3 0x00740000u

extern const h7_regdesc h7_exti_regs[];
extern const size_t h7_exti_nregs;

struct h7_soc;
typedef struct h7_exti {
    struct h7_soc *soc;
    uint32_t rtsr[3], ftsr[3], d3pmr[3], d3pcrl[3], d3pcrh[3];
    uint32_t imr[2][3], emr[2][3], pr[2][3];   /* [cpu][group] */
    uint32_t level[3];                         /* current input levels */
} h7_exti;

void h7_exti_init(h7_exti *s, struct h7_soc *soc);
void h7_exti_reset(h7_exti *s, h7_reset_kind kind);
uint32_t h7_exti_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_exti_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Level of EXTI input line 0..88 (configurable or direct, RM0399 Table 152). Raising an unmasked
 * line sends the CPU an interrupt/wake-up (CnIMR) and/or an event pulse (CnEMR). */
void h7_exti_set_line(h7_exti *e, int line, bool level);
/* A one-shot event on a line (e.g. lines 79/80: the other core's SEV). */
void h7_exti_pulse_line(h7_exti *e, int line);
/* NVIC interrupt of a configurable line (EXTI0..4 -> 6..10, 5-9 -> 23, 10-15 -> 40, ...), -1 if none. */
int h7_exti_line_irq(int line);

#endif

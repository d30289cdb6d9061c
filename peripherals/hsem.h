/* Hardware semaphores (RM0399 ch.11; facts §5): 32 semaphores with 2-step (write) and 1-step (read
 * RLR) locking, owner-only release, clear by COREID with a key, and one interrupt line per CPU. */
#ifndef H7_HSEM_H
#define H7_HSEM_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(HSEM_R0, 0x000)
H7_REG32(HSEM_RLR0, 0x080)
    H7_FIELD(HSEM_R, PROCID, 0, 8)
    H7_FIELD(HSEM_R, COREID, 8, 4)
    H7_FIELD(HSEM_R, LOCK, 31, 1)
H7_REG32(HSEM_C1IER, 0x100)
H7_REG32(HSEM_C1ICR, 0x104)
H7_REG32(HSEM_C1ISR, 0x108)
H7_REG32(HSEM_C1MISR, 0x10C)
H7_REG32(HSEM_C2IER, 0x110)
H7_REG32(HSEM_C2ICR, 0x114)
H7_REG32(HSEM_C2ISR, 0x118)
H7_REG32(HSEM_C2MISR, 0x11C)
H7_REG32(HSEM_CR, 0x140)
H7_REG32(HSEM_KEYR, 0x144)
    H7_FIELD(HSEM_CR, COREID, 8, 4)
    H7_FIELD(HSEM_CR, KEY, 16, 16)

#define H7_HSEM_COUNT 32
/* Bus master IDs (RM0399 Table 95): CPU1 (Cortex-M7) = 3, CPU2 (Cortex-M4) = 1. */
#define H7_HSEM_COREID_CM7 3u
#define H7_HSEM_COREID_CM4 1u
#define H7_HSEM1_IRQN 125   /* line 1 -> CM7 NVIC, EXTI line 77 */
#define H7_HSEM2_IRQN 126   /* line 2 -> CM4 NVIC, EXTI line 78 */

extern const h7_regdesc h7_hsem_regs[];
extern const size_t h7_hsem_nregs;

struct h7_soc;
typedef struct h7_hsem {
    struct h7_soc *soc;
    uint32_t r[H7_HSEM_COUNT];   /* LOCK | COREID << 8 | PROCID */
    uint32_t ier[2], isr[2];     /* line 1 (C1) and line 2 (C2) */
    uint32_t keyr;
} h7_hsem;

void h7_hsem_init(h7_hsem *s, struct h7_soc *soc);
void h7_hsem_reset(h7_hsem *s, h7_reset_kind kind);
/* Registers stable until a write or a scheduled event (h7_stable_fn, soc.h). */
bool h7_hsem_read_stable(uint32_t offset);
uint32_t h7_hsem_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_hsem_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* Side-effect-free view of semaphore n (for traces and the debug link; RLR reads would lock). */
uint32_t h7_hsem_peek(const h7_hsem *h, unsigned n);

#endif

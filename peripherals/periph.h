/* Common pieces of every peripheral model: the register descriptor table (shared by a model and its
 * tests), sub-word access helpers and logging kinds.
 * Style (after QEMU's stm32l4x5 models): each <periph>_regs.h defines A_<REG> offsets and
 * R_<REG>_<FIELD>_SHIFT/_MASK with the macros below plus a table of h7_regdesc; writes go
 * mask -> store -> update_<reg>(s, previous); reads have no side effects unless RM0399 says so. */
#ifndef H7_PERIPH_H
#define H7_PERIPH_H

#include "h7types.h"

/* REG32(CR, 0x00) -> A_CR = 0x00 ; FIELD(CR, PLL1ON, 24, 1) -> R_CR_PLL1ON_SHIFT/_LENGTH/_MASK */
#define H7_REG32(reg, addr) enum { A_##reg = (addr) };
#define H7_FIELD(reg, field, shift, length)                                                     \
    enum { R_##reg##_##field##_SHIFT = (shift), R_##reg##_##field##_LENGTH = (length) };        \
    static const uint32_t R_##reg##_##field##_MASK =                                             \
        (uint32_t)((((uint64_t)1 << (length)) - 1) << (shift));
#define H7_FIELD_EX(val, reg, field) \
    (((val) & R_##reg##_##field##_MASK) >> R_##reg##_##field##_SHIFT)
#define H7_FIELD_DP(val, reg, field, x) \
    (((val) & ~R_##reg##_##field##_MASK) | (((uint32_t)(x) << R_##reg##_##field##_SHIFT) & R_##reg##_##field##_MASK))

/* One row per register: offset, RM0399 name, reset value and access masks. */
typedef struct h7_regdesc {
    uint32_t offset;
    const char *name;
    uint32_t reset;
    uint32_t rw_mask;    /* bits software writes and reads back */
    uint32_t w1c_mask;   /* bits cleared by writing 1 */
    uint32_t ro_mask;    /* bits set/cleared by hardware only (writes ignored) */
    uint32_t wo_mask;    /* bits that act when written and read 0 (keys, clear registers) */
} h7_regdesc;

/* Row for `offset` (exact match on a register start), NULL when the offset is not a register. */
const h7_regdesc *h7_reg_find(const h7_regdesc *table, size_t n, uint32_t offset);

/* Sub-word accesses: registers are 32-bit; a byte/halfword access touches one lane.
 * h7_subword_read returns the lanes of reg32 addressed by (offset, size) shifted down;
 * h7_subword_merge returns reg32 with the addressed lanes replaced by value. */
static inline uint32_t h7_subword_read(uint32_t reg32, uint32_t offset, unsigned size)
{
    unsigned sh = (offset & 3u) * 8u;
    uint32_t mask = size >= 4 ? 0xFFFFFFFFu : ((1u << (size * 8u)) - 1u);
    return (reg32 >> sh) & mask;
}
static inline uint32_t h7_subword_merge(uint32_t reg32, uint32_t offset, unsigned size, uint32_t value)
{
    if (size >= 4)
        return value;
    unsigned sh = (offset & 3u) * 8u;
    uint32_t mask = ((1u << (size * 8u)) - 1u) << sh;
    return (reg32 & ~mask) | ((value << sh) & mask);
}

/* What kind of message a model logs (QEMU's LOG_GUEST_ERROR vs LOG_UNIMP). */
typedef enum {
    H7_LOG_GUEST_ERROR,  /* the firmware did something the RM forbids or leaves undefined */
    H7_LOG_UNIMP,        /* the firmware used something this model does not implement */
    H7_LOG_NOTE,         /* a modelling decision worth knowing about (e.g. access with clock off) */
} h7_log_kind;

/* Reset kinds (RM0399 §8 reset and clock control / §7.4 power-on). Power-on resets everything
 * including PWR_CR3 and reloads option bytes; system reset keeps PWR_CR3 (RM0399 §7.8.4). */
typedef enum { H7_RESET_POWER_ON, H7_RESET_SYSTEM } h7_reset_kind;

#endif

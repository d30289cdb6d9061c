/* Hardware semaphores (RM0399 ch.11; facts §5).
 *
 * Trace texts (stable):
 *   "<core>: hsem <n> taken (proc <p>)"         a lock succeeded (2-step or 1-step)
 *   "<core>: hsem <n> released"                 the owner freed it (interrupt status set)
 *   "<core>: hsem <n> release refused (owned by <core> proc <p>)"   a non-owner tried
 *   "<core>: hsem cleared <k> semaphores of core id <id>"           HSEM_CR with the right key
 *
 * Decisions (docs/models.md):
 * - A release sets the semaphore's status bit in both C1ISR and C2ISR; each line's IER masks it
 *   (facts §5.3, "each bus master gets its interrupt").
 * - Byte and half-word accesses are ignored and logged as guest errors (the RM's bus error is not
 *   raised: Unicorn MMIO callbacks cannot fail an access).
 * - The debugger is an unauthorized master: its lock writes are discarded, its RLR reads return 0
 *   without locking. */
#include "hsem.h"

#include "soc.h"

const h7_regdesc h7_hsem_regs[] = {
    {A_HSEM_R0, "HSEM_R0", 0, 0x80000FFFu, 0, 0, 0},
    {A_HSEM_RLR0, "HSEM_RLR0", 0, 0, 0, 0x80000FFFu, 0},
    {A_HSEM_C1IER, "HSEM_C1IER", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_HSEM_C1ICR, "HSEM_C1ICR", 0, 0, 0xFFFFFFFFu, 0, 0},
    {A_HSEM_C1ISR, "HSEM_C1ISR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_HSEM_C1MISR, "HSEM_C1MISR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_HSEM_C2IER, "HSEM_C2IER", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_HSEM_C2ICR, "HSEM_C2ICR", 0, 0, 0xFFFFFFFFu, 0, 0},
    {A_HSEM_C2ISR, "HSEM_C2ISR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_HSEM_C2MISR, "HSEM_C2MISR", 0, 0, 0, 0xFFFFFFFFu, 0},
    {A_HSEM_CR, "HSEM_CR", 0, 0xFFFF0F00u, 0, 0, 0},
    {A_HSEM_KEYR, "HSEM_KEYR", 0, 0xFFFF0000u, 0, 0, 0},
};
const size_t h7_hsem_nregs = sizeof h7_hsem_regs / sizeof h7_hsem_regs[0];

static unsigned master_coreid(h7_master m)
{
    return m == H7_MASTER_CM7 ? H7_HSEM_COREID_CM7 : m == H7_MASTER_CM4 ? H7_HSEM_COREID_CM4 : 0;
}

/* Line n output = OR of CnMISR -> NVIC (HSEM1 125 on the CM7, HSEM2 126 on the CM4) and EXTI
 * lines 77/78 (wake-up and, with C2EMR3 bit 14, an event for the CM4). */
static void update_lines(h7_hsem *s)
{
    for (int line = 0; line < 2; line++) {
        bool level = (s->isr[line] & s->ier[line]) != 0;
        if (s->soc->ops.set_irq)
            s->soc->ops.set_irq(s->soc->host, line == 0 ? H7_CM7 : H7_CM4, line == 0 ? H7_HSEM1_IRQN : H7_HSEM2_IRQN, level);
        h7_exti_set_line(&s->soc->exti, line == 0 ? 77 : 78, level);
    }
}

static void freed(h7_hsem *s, unsigned n)
{
    s->r[n] = 0;
    s->isr[0] |= 1u << n;
    s->isr[1] |= 1u << n;
}

void h7_hsem_init(h7_hsem *s, struct h7_soc *soc)
{
    *s = (h7_hsem){0};
    s->soc = soc;
}

void h7_hsem_reset(h7_hsem *s, h7_reset_kind kind)
{
    for (unsigned n = 0; n < H7_HSEM_COUNT; n++)
        s->r[n] = 0;
    s->ier[0] = s->ier[1] = s->isr[0] = s->isr[1] = 0;
    s->keyr = 0;
    update_lines(s);
}

uint32_t h7_hsem_peek(const h7_hsem *h, unsigned n) { return n < H7_HSEM_COUNT ? h->r[n] : 0; }

/* 1-step lock (RM0399 §11.3.5): reading RLRx locks a free semaphore for the reader (PROCID 0). */
static uint32_t read_rlr(h7_hsem *s, unsigned n, h7_master m)
{
    unsigned id = master_coreid(m);
    if (!id)
        return 0;
    if (!(s->r[n] & R_HSEM_R_LOCK_MASK)) {
        s->r[n] = R_HSEM_R_LOCK_MASK | (id << R_HSEM_R_COREID_SHIFT);
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_HSEM_TAKE, .by = m, .u.hsem = {n, 0}});
    }
    return s->r[n];
}

/* HSEM_Rx and the interrupt registers change only by writes (of either core: a write by the other
 * core ends a fast-forward) and read without side effect; HSEM_RLRx is not stable: reading it
 * locks (1-step lock, RM0399 §11.3.5). */
bool h7_hsem_read_stable(uint32_t offset)
{
    return offset < 0x080u || (offset >= A_HSEM_C1IER && offset <= A_HSEM_C2MISR && offset != A_HSEM_C1ICR &&
                               offset != A_HSEM_C2ICR);
}

uint32_t h7_hsem_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_hsem *s = dev;
    if (size != 4 || (offset & 3u)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "HSEM", "%s %u-byte read of HSEM+0x%03X: word access only (RM0399 §11.4)",
                   h7_master_name(m), size, offset);
        return 0;
    }
    if (offset < 0x080u)
        return s->r[offset / 4u];
    if (offset < 0x100u)
        return read_rlr(s, (offset - 0x080u) / 4u, m);
    switch (offset) {
    case A_HSEM_C1IER: return s->ier[0];
    case A_HSEM_C2IER: return s->ier[1];
    case A_HSEM_C1ISR: return s->isr[0];
    case A_HSEM_C2ISR: return s->isr[1];
    case A_HSEM_C1MISR: return s->isr[0] & s->ier[0];
    case A_HSEM_C2MISR: return s->isr[1] & s->ier[1];
    case A_HSEM_C1ICR: case A_HSEM_C2ICR: case A_HSEM_CR: return 0;
    case A_HSEM_KEYR: return s->keyr;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "HSEM", "%s read of HSEM+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
}

/* 2-step lock and release through HSEM_Rx (RM0399 §11.3.4, §11.3.6). */
static void write_r(h7_hsem *s, unsigned n, uint32_t v, h7_master m)
{
    unsigned id = master_coreid(m), wid = H7_FIELD_EX(v, HSEM_R, COREID), proc = H7_FIELD_EX(v, HSEM_R, PROCID);
    uint32_t cur = s->r[n];
    if (v & R_HSEM_R_LOCK_MASK) {
        if (!id || wid != id) {
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "HSEM", "%s lock write of HSEM_R%u with COREID %u discarded (its id is %u)",
                       h7_master_name(m), n, wid, id);
            return;
        }
        if (cur & R_HSEM_R_LOCK_MASK)
            return;   /* already locked: the write is ignored, the readback tells the loser */
        s->r[n] = R_HSEM_R_LOCK_MASK | (id << R_HSEM_R_COREID_SHIFT) | proc;
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_HSEM_TAKE, .by = m, .u.hsem = {n, proc}});
        return;
    }
    if (!(cur & R_HSEM_R_LOCK_MASK)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "HSEM", "%s releases HSEM_R%u which is not locked", h7_master_name(m), n);
        return;
    }
    unsigned owner = H7_FIELD_EX(cur, HSEM_R, COREID), oproc = H7_FIELD_EX(cur, HSEM_R, PROCID);
    if (id && id == owner && wid == owner && proc == oproc) {
        freed(s, n);
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_HSEM_RELEASE, .by = m, .u.hsem = {n, 0}});
        update_lines(s);
        return;
    }
    h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_HSEM_RELEASE_REFUSED, .by = m, .u.refused = {n, owner, oproc, wid, proc}});
}

static void write_cr(h7_hsem *s, uint32_t v, h7_master m)
{
    unsigned id = H7_FIELD_EX(v, HSEM_CR, COREID);
    if ((v & R_HSEM_CR_KEY_MASK) != (s->keyr & R_HSEM_CR_KEY_MASK)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "HSEM", "%s HSEM_CR clear with a key that does not match HSEM_KEYR: ignored",
                   h7_master_name(m));
        return;
    }
    unsigned k = 0;
    for (unsigned n = 0; n < H7_HSEM_COUNT; n++) {
        if ((s->r[n] & R_HSEM_R_LOCK_MASK) && H7_FIELD_EX(s->r[n], HSEM_R, COREID) == id) {
            freed(s, n);
            k++;
        }
    }
    h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_HSEM_CLEAR, .by = m, .u.clear = {k, id}});
    update_lines(s);
}

void h7_hsem_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_hsem *s = dev;
    if (size != 4 || (offset & 3u)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "HSEM", "%s %u-byte write to HSEM+0x%03X ignored: word access only (RM0399 §11.4)",
                   h7_master_name(m), size, offset);
        return;
    }
    if (offset < 0x080u) {
        write_r(s, offset / 4u, value, m);
        return;
    }
    switch (offset) {
    case A_HSEM_C1IER: s->ier[0] = value; break;
    case A_HSEM_C2IER: s->ier[1] = value; break;
    case A_HSEM_C1ICR: s->isr[0] &= ~value; break;
    case A_HSEM_C2ICR: s->isr[1] &= ~value; break;
    case A_HSEM_CR: write_cr(s, value, m); return;
    case A_HSEM_KEYR: s->keyr = value & R_HSEM_CR_KEY_MASK; return;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "HSEM", "%s write of 0x%08X to %s HSEM+0x%03X ignored", h7_master_name(m), value,
                   offset < 0x100u ? "read-only" : "unmapped", offset);
        return;
    }
    update_lines(s);
}

/* Embedded flash controller (RM0399 ch.4, facts §4).
 *
 * Trace texts:
 *   "<master>: writes FLASH_ACR = 0x%08x (latency <n>)"   latency changed
 *   "flash: programmed 0x%08x"                            a 256-bit flash word was written
 *   "flash: erased bank <b> sector <s>" / "flash: erased bank <b>" / "flash: mass erase"
 *   "debug: mass erase"                                   h7_flash_mass_erase (debug link)
 *   "<master>: option bytes programmed (bcm7=%u bcm4=%u boot7=0x%08x boot4=0x%08x)"
 *
 * Decisions (docs/models.md): programming takes 16 us, a sector erase 2 ms, a bank or mass erase
 * 10 ms of virtual time (RM0399 Table 17 gives typical values of the same order); programming a
 * flash word that is not erased sets PGSERR and leaves it unchanged (the ECC would be corrupt);
 * option bytes become "current" at the next reset of either kind. Factory protections (RM0399
 * §4.9): WPSN_CURx = 0xFF (every sector unprotected), PRAR/SCAR_CURx = 0x0000_00FF (AREA_START >
 * AREA_END: no PCROP and no secure area), per bank; registers not modelled here (CRC, ECC) are
 * the SVD table's. */
#include "flash.h"

#include <string.h>

#include "flash_regs.h"
#include "soc.h"

#define PROGRAM_PS (16 * H7_PS_PER_US)
#define SECTOR_ERASE_PS (2 * H7_PS_PER_MS)
#define BANK_ERASE_PS (10 * H7_PS_PER_MS)
#define OPT_PS (100 * H7_PS_PER_US)
#define BANK_SIZE 0x100000u
#define SECTOR_SIZE 0x20000u

const h7_regdesc h7_flash_regs[] = {
    {A_FLASH_ACR, "FLASH_ACR", 0x00000037u, 0x3Fu, 0, 0, 0},
    {A_FLASH_KEYR1, "FLASH_KEYR1", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_FLASH_OPTKEYR, "FLASH_OPTKEYR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_FLASH_CR1, "FLASH_CR1", 0x00000031u, 0x1FFF87FEu, 0, 0, 0},
    {A_FLASH_SR1, "FLASH_SR1", 0, 0, 0, 0x1FFF000Fu, 0},
    {A_FLASH_CCR1, "FLASH_CCR1", 0, 0x1FEF0000u, 0, 0, 0},
    {A_FLASH_OPTCR, "FLASH_OPTCR", 0x00000001u, 0x40000033u, 0, 0x80000000u, 0},
    {A_FLASH_OPTSR_CUR, "FLASH_OPTSR_CUR", H7_FLASH_OPTSR_FACTORY, 0, 0, 0xFFFFFFFFu, 0},
    {A_FLASH_OPTSR_PRG, "FLASH_OPTSR_PRG", H7_FLASH_OPTSR_FACTORY, 0xFFFFFFFEu, 0, 0, 0},
    {A_FLASH_BOOT7_CUR, "FLASH_BOOT7_CUR", H7_FLASH_BOOT7_FACTORY, 0, 0, 0xFFFFFFFFu, 0},
    {A_FLASH_BOOT7_PRG, "FLASH_BOOT7_PRG", H7_FLASH_BOOT7_FACTORY, 0xFFFFFFFFu, 0, 0, 0},
    {A_FLASH_BOOT4_CUR, "FLASH_BOOT4_CUR", H7_FLASH_BOOT4_FACTORY, 0, 0, 0xFFFFFFFFu, 0},
    {A_FLASH_BOOT4_PRG, "FLASH_BOOT4_PRG", H7_FLASH_BOOT4_FACTORY, 0xFFFFFFFFu, 0, 0, 0},
    {A_FLASH_PRAR_CUR1, "FLASH_PRAR_CUR1", H7_FLASH_PRAR_FACTORY, 0, 0, H7_FLASH_AREA_MASK, 0},
    {A_FLASH_PRAR_PRG1, "FLASH_PRAR_PRG1", H7_FLASH_PRAR_FACTORY, H7_FLASH_AREA_MASK, 0, 0, 0},
    {A_FLASH_SCAR_CUR1, "FLASH_SCAR_CUR1", H7_FLASH_SCAR_FACTORY, 0, 0, H7_FLASH_AREA_MASK, 0},
    {A_FLASH_SCAR_PRG1, "FLASH_SCAR_PRG1", H7_FLASH_SCAR_FACTORY, H7_FLASH_AREA_MASK, 0, 0, 0},
    {A_FLASH_WPSN_CUR1, "FLASH_WPSN_CUR1R", H7_FLASH_WPSN_FACTORY, 0, 0, H7_FLASH_WPSN_MASK, 0},
    {A_FLASH_WPSN_PRG1, "FLASH_WPSN_PRG1R", H7_FLASH_WPSN_FACTORY, H7_FLASH_WPSN_MASK, 0, 0, 0},
};
const size_t h7_flash_nregs = sizeof h7_flash_regs / sizeof h7_flash_regs[0];

static void mark_dirty(h7_flash *f, uint32_t addr, uint32_t len)
{
    if (f->dirty_hi == 0 || addr < f->dirty_lo)
        f->dirty_lo = addr;
    if (addr + len > f->dirty_hi)
        f->dirty_hi = addr + len;
}

bool h7_flash_take_dirty(h7_flash *f, uint32_t *lo, uint32_t *hi)
{
    if (f->dirty_hi == 0)
        return false;
    *lo = f->dirty_lo;
    *hi = f->dirty_hi;
    f->dirty_lo = f->dirty_hi = 0;
    return true;
}

unsigned h7_flash_latency(const h7_flash *f) { return f->acr & R_FLASH_ACR_LATENCY_MASK; }

static void erase_range(h7_flash *f, uint32_t addr, uint32_t len)
{
    memset(f->mem + (addr - H7_FLASH_BASE_ADDR), 0xFF, len);
    mark_dirty(f, addr, len);
}

/* ------------------------------------------------------------------ operations */

static void start_op(h7_flash *f, h7_flash_bank *b, uint32_t addr, uint32_t len, bool erase, h7_time_ps dur);

static void bank_done(void *opaque, h7_time_ps when)
{
    h7_flash_bank *b = opaque;
    h7_flash *f = b->owner;
    if (b->op_len) {
        if (b->op_erase) {
            erase_range(f, b->op_addr, b->op_len);
        } else {
            memcpy(f->mem + (b->op_addr - H7_FLASH_BASE_ADDR), b->op_data, 32);
            mark_dirty(f, b->op_addr, 32);
            h7_soc_emit(f->soc, &(h7_ev){.kind = H7_EV_FLASH_PROGRAMMED, .u.prog.addr = b->op_addr});
        }
    }
    b->op_len = 0;
    b->sr |= R_FLASH_SR_EOP_MASK;
    b->cr &= ~R_FLASH_CR_START_MASK;
    if (b->next_addr) {   /* the queued flash word is programmed next (RM0399 §4.3.10 write queue) */
        memcpy(b->op_data, b->next_data, 32);
        uint32_t a = b->next_addr;
        b->next_addr = 0;
        start_op(f, b, a, 32, false, PROGRAM_PS);
        return;
    }
    b->sr &= ~(R_FLASH_SR_BSY_MASK | R_FLASH_SR_QW_MASK);
}

static void start_op(h7_flash *f, h7_flash_bank *b, uint32_t addr, uint32_t len, bool erase, h7_time_ps dur)
{
    b->op_addr = addr;
    b->op_len = len;
    b->op_erase = erase;
    b->sr |= R_FLASH_SR_BSY_MASK | R_FLASH_SR_QW_MASK;
    h7_sched_add(f->soc->sched, &b->ev_done, h7_soc_now(f->soc) + dur);
}

static void program_word(h7_flash *f, h7_flash_bank *b)
{
    uint32_t off = b->wbuf_addr - H7_FLASH_BASE_ADDR;
    for (int i = 0; i < 32; i++)
        if (f->mem[off + i] != 0xFF) {
            /* Programming over non-erased data would break the ECC: refuse (decision, see header). */
            b->sr |= R_FLASH_SR_PGSERR_MASK;
            h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "programming flash word 0x%08X which is not erased", b->wbuf_addr);
            b->wbuf_addr = 0;
            b->wbuf_mask = 0;
            b->sr &= ~R_FLASH_SR_WBNE_MASK;
            return;
        }
    b->sr &= ~R_FLASH_SR_WBNE_MASK;
    if (b->op_len) {
        /* One word is programming: this one waits in the queue (QW stays set). A third word
         * before the first is done is beyond the model's one-deep queue: refused, PGSERR. */
        if (b->next_addr) {
            b->sr |= R_FLASH_SR_PGSERR_MASK;
            h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "flash word 0x%08X written while two are in the write queue: "
                       "refused", b->wbuf_addr);
        } else {
            memcpy(b->next_data, b->wbuf, 32);
            b->next_addr = b->wbuf_addr;
        }
    } else {
        memcpy(b->op_data, b->wbuf, 32);
        start_op(f, b, b->wbuf_addr, 32, false, PROGRAM_PS);
    }
    b->wbuf_addr = 0;
    b->wbuf_mask = 0;
}

void h7_flash_guest_store(h7_flash *f, uint32_t addr, uint32_t value, unsigned size, h7_master m)
{
    if (addr < H7_FLASH_BASE_ADDR || addr - H7_FLASH_BASE_ADDR >= 2 * BANK_SIZE || size == 0 || size > 4)
        return;
    h7_flash_bank *b = &f->bank[(addr - H7_FLASH_BASE_ADDR) / BANK_SIZE];
    if (b->cr & R_FLASH_CR_LOCK_MASK) {
        b->sr |= R_FLASH_SR_WRPERR_MASK;
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "%s store to flash 0x%08X with the bank locked",
                   h7_master_name(m), addr);
        return;
    }
    if (!(b->cr & R_FLASH_CR_PG_MASK)) {
        /* Rejected without a bus error, PGSERR set (RM0399 §4.3.9). */
        b->sr |= R_FLASH_SR_PGSERR_MASK;
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "%s store to flash 0x%08X without FLASH_CR.PG", h7_master_name(m), addr);
        return;
    }
    uint32_t word = addr & ~31u;
    if ((addr & 31u) + size > 32u) {
        /* A store crossing the end of a 256-bit flash word (RM0399 §4.3.9: writes must stay in
         * one flash word): refused, INCERR. */
        b->sr |= R_FLASH_SR_INCERR_MASK;
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "%s %u-byte store to 0x%08X crosses a flash-word boundary",
                   h7_master_name(m), size, addr);
        return;
    }
    if (b->wbuf_addr && b->wbuf_addr != word) {
        b->sr |= R_FLASH_SR_INCERR_MASK;   /* a write outside the flash word being filled */
        return;
    }
    if (!b->wbuf_addr) {
        b->wbuf_addr = word;
        memset(b->wbuf, 0xFF, sizeof b->wbuf);
    }
    for (unsigned i = 0; i < size; i++) {
        b->wbuf[(addr & 31u) + i] = (uint8_t)(value >> (8 * i));
        b->wbuf_mask |= 1u << ((addr & 31u) + i);
    }
    b->sr |= R_FLASH_SR_WBNE_MASK;
    if (b->wbuf_mask == 0xFFFFFFFFu)
        program_word(f, b);
}

void h7_flash_mass_erase(h7_flash *f)
{
    erase_range(f, H7_FLASH_BASE_ADDR, 2 * BANK_SIZE);
    h7_soc_emit(f->soc, &(h7_ev){.kind = H7_EV_MASS_ERASE, .by = H7_MASTER_DEBUG, .u.mass.debug = true});
}

/* ------------------------------------------------------------------ registers */

static void write_keyr(h7_flash *f, h7_flash_bank *b, uint32_t v, int bank)
{
    if (b->key_error || !(b->cr & R_FLASH_CR_LOCK_MASK)) {
        /* A key to an unlocked register, or after an error: locked until the next reset. */
        b->key_error = true;
        b->cr |= R_FLASH_CR_LOCK_MASK;
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "bad KEYR%d sequence: bank locked until reset (bus error on silicon)", bank);
        return;
    }
    if (b->key_step == 0 && v == H7_FLASH_KEY1) {
        b->key_step = 1;
    } else if (b->key_step == 1 && v == H7_FLASH_KEY2) {
        b->key_step = 0;
        b->cr &= ~R_FLASH_CR_LOCK_MASK;
    } else {
        b->key_error = true;
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "wrong key 0x%08X in KEYR%d: bank locked until reset", v, bank);
    }
}

static void write_cr(h7_flash *f, h7_flash_bank *b, uint32_t v, int bank)
{
    if (b->cr & R_FLASH_CR_LOCK_MASK) {
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "write to FLASH_CR%d while locked ignored", bank);
        return;
    }
    b->cr = (v & 0x1FFF87FEu) | (v & R_FLASH_CR_LOCK_MASK);
    if ((v & R_FLASH_CR_FW_MASK) && b->wbuf_addr)
        program_word(f, b);   /* force-write a partial word: the missing bytes stay erased */
    b->cr &= ~R_FLASH_CR_FW_MASK;
    if ((v & R_FLASH_CR_START_MASK) && !(b->sr & R_FLASH_SR_BSY_MASK)) {
        uint32_t base = H7_FLASH_BASE_ADDR + (uint32_t)(bank - 1) * BANK_SIZE;
        if (v & R_FLASH_CR_BER_MASK) {
            h7_soc_emit(f->soc, &(h7_ev){.kind = H7_EV_FLASH_ERASE, .u.erase = {bank, -1}});
            start_op(f, b, base, BANK_SIZE, true, BANK_ERASE_PS);
        } else if (v & R_FLASH_CR_SER_MASK) {
            unsigned snb = H7_FIELD_EX(v, FLASH_CR, SNB);
            h7_soc_emit(f->soc, &(h7_ev){.kind = H7_EV_FLASH_ERASE, .u.erase = {bank, (int)snb}});
            start_op(f, b, base + snb * SECTOR_SIZE, SECTOR_SIZE, true, SECTOR_ERASE_PS);
        }
    }
}

static void opt_done(void *opaque, h7_time_ps when)
{
    h7_flash *f = opaque;
    f->opt_busy = false;
    if (f->mass_erase) {
        f->mass_erase = false;
        f->bank[0].sr &= ~(R_FLASH_SR_BSY_MASK | R_FLASH_SR_QW_MASK);
        f->bank[1].sr &= ~(R_FLASH_SR_BSY_MASK | R_FLASH_SR_QW_MASK);
        f->bank[0].sr |= R_FLASH_SR_EOP_MASK;
        f->bank[1].sr |= R_FLASH_SR_EOP_MASK;
        erase_range(f, H7_FLASH_BASE_ADDR, 2 * BANK_SIZE);
        h7_soc_emit(f->soc, &(h7_ev){.kind = H7_EV_MASS_ERASE});
        return;
    }
    f->nv_optsr = f->prg_optsr;
    f->nv_boot7 = f->prg_boot7;
    f->nv_boot4 = f->prg_boot4;
    for (int b = 0; b < 2; b++) {
        f->nv_prar[b] = f->prg_prar[b];
        f->nv_scar[b] = f->prg_scar[b];
        f->nv_wpsn[b] = f->prg_wpsn[b];
    }
}

static void write_optcr(h7_flash *f, uint32_t v, h7_master m)
{
    if (f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK) {
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "write to FLASH_OPTCR while OPTLOCK = 1 ignored");
        return;
    }
    f->optcr = v & 0x40000031u;
    if (f->opt_busy)
        return;
    if (v & R_FLASH_OPTCR_MER_MASK) {
        /* Mass erase of both banks (RM0399 §4.3.10). */
        f->mass_erase = true;
        f->opt_busy = true;
        f->bank[0].sr |= R_FLASH_SR_BSY_MASK | R_FLASH_SR_QW_MASK;
        f->bank[1].sr |= R_FLASH_SR_BSY_MASK | R_FLASH_SR_QW_MASK;
        h7_sched_add(f->soc->sched, &f->ev_opt, h7_soc_now(f->soc) + BANK_ERASE_PS);
    } else if (v & R_FLASH_OPTCR_OPTSTART_MASK) {
        f->opt_busy = true;
        h7_soc_emit(f->soc, &(h7_ev){.kind = H7_EV_OPTION_BYTES, .by = m,
                                     .u.opt = {(unsigned)H7_FIELD_EX(f->prg_optsr, FLASH_OPTSR, BCM7),
                                               (unsigned)H7_FIELD_EX(f->prg_optsr, FLASH_OPTSR, BCM4), f->prg_boot7,
                                               f->prg_boot4}});
        h7_sched_add(f->soc->sched, &f->ev_opt, h7_soc_now(f->soc) + OPT_PS);
    }
    f->optcr &= ~(R_FLASH_OPTCR_OPTSTART_MASK | R_FLASH_OPTCR_MER_MASK);
}

static void write_optkeyr(h7_flash *f, uint32_t v)
{
    if (f->optkey_error || !(f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK)) {
        f->optkey_error = true;
        f->optcr |= R_FLASH_OPTCR_OPTLOCK_MASK;
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "bad OPTKEYR sequence: options locked until reset");
        return;
    }
    if (f->optkey_step == 0 && v == H7_FLASH_OPTKEY1) {
        f->optkey_step = 1;
    } else if (f->optkey_step == 1 && v == H7_FLASH_OPTKEY2) {
        f->optkey_step = 0;
        f->optcr &= ~R_FLASH_OPTCR_OPTLOCK_MASK;
    } else {
        f->optkey_error = true;
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "wrong option key 0x%08X: options locked until reset", v);
    }
}

uint32_t h7_flash_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_flash *f = dev;
    uint32_t off = offset & ~3u, v = 0;
    int bank = off >= A_FLASH_BANK2 ? 1 : 0;
    uint32_t r = off & 0xFFu;
    if (off >= 0x200u) {
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "read of reserved offset 0x%03X", off);
        return 0;
    }
    switch (r) {
    case A_FLASH_ACR: v = f->acr; break;
    case A_FLASH_CR1: v = f->bank[bank].cr; break;
    case A_FLASH_SR1: v = f->bank[bank].sr; break;
    case A_FLASH_OPTCR: v = f->optcr; break;
    case A_FLASH_OPTSR_CUR: v = f->cur_optsr | (f->opt_busy ? 1u : 0); break;
    case A_FLASH_OPTSR_PRG: v = f->prg_optsr; break;
    case A_FLASH_BOOT7_CUR: v = f->cur_boot7; break;
    case A_FLASH_BOOT7_PRG: v = f->prg_boot7; break;
    case A_FLASH_BOOT4_CUR: v = f->cur_boot4; break;
    case A_FLASH_BOOT4_PRG: v = f->prg_boot4; break;
    case A_FLASH_KEYR1: case A_FLASH_OPTKEYR: case A_FLASH_CCR1: case A_FLASH_OPTCCR: v = 0; break;
    case A_FLASH_PRAR_CUR1: v = f->cur_prar[bank]; break;
    case A_FLASH_PRAR_PRG1: v = f->prg_prar[bank]; break;
    case A_FLASH_SCAR_CUR1: v = f->cur_scar[bank]; break;
    case A_FLASH_SCAR_PRG1: v = f->prg_scar[bank]; break;
    case A_FLASH_WPSN_CUR1: v = f->cur_wpsn[bank]; break;
    case A_FLASH_WPSN_PRG1: v = f->prg_wpsn[bank]; break;
    default:   /* CRC, ECC fail address ...: the SVD table answers */
        return h7_svdreg_read(h7_soc_svdreg(f->soc, "Flash"), offset, size, m);
    }
    return h7_subword_read(v, offset, size);
}

void h7_flash_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_flash *f = dev;
    uint32_t off = offset & ~3u;
    int bank = off >= A_FLASH_BANK2 ? 1 : 0;
    if (off >= 0x200u) {
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "%s write of 0x%08X to reserved offset 0x%03X ignored",
                   h7_master_name(m), value, off);
        return;
    }
    if (size != 4 && ((off & 0xFFu) == A_FLASH_KEYR1 || (off & 0xFFu) == A_FLASH_OPTKEYR)) {
        /* Keys must be written as 32-bit words, else the register locks (RM0399 §4.5.1). */
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "%u-byte write to a key register: locked until reset", size);
        if ((off & 0xFFu) == A_FLASH_OPTKEYR)
            f->optkey_error = true;
        else
            f->bank[bank].key_error = true;
        return;
    }
    switch (off & 0xFFu) {
    case A_FLASH_ACR: {
        uint32_t v = h7_subword_merge(f->acr, offset, size, value) & 0x3Fu;
        uint32_t old = f->acr;
        f->acr = v;   /* store first: the trace observer checks the new latency */
        if (v != old)
            h7_soc_emit(f->soc, &(h7_ev){.kind = H7_EV_FLASH_LATENCY, .by = m, .u.acr = {v, v & 0xFu}});
        break;
    }
    case A_FLASH_KEYR1: write_keyr(f, &f->bank[bank], value, bank + 1); break;
    case A_FLASH_OPTKEYR: write_optkeyr(f, value); break;
    case A_FLASH_CR1: write_cr(f, &f->bank[bank], h7_subword_merge(f->bank[bank].cr, offset, size, value), bank + 1); break;
    case A_FLASH_CCR1: f->bank[bank].sr &= ~(value & 0x1FEF0000u); break;
    case A_FLASH_OPTCR: write_optcr(f, h7_subword_merge(f->optcr, offset, size, value), m); break;
    case A_FLASH_OPTSR_PRG:
        if (!(f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK))
            f->prg_optsr = h7_subword_merge(f->prg_optsr, offset, size, value) & ~1u;
        break;
    case A_FLASH_BOOT7_PRG:
        if (!(f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK))
            f->prg_boot7 = h7_subword_merge(f->prg_boot7, offset, size, value);
        break;
    case A_FLASH_BOOT4_PRG:
        if (!(f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK))
            f->prg_boot4 = h7_subword_merge(f->prg_boot4, offset, size, value);
        break;
    case A_FLASH_PRAR_PRG1:
        if (!(f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK))
            f->prg_prar[bank] = h7_subword_merge(f->prg_prar[bank], offset, size, value) & H7_FLASH_AREA_MASK;
        break;
    case A_FLASH_SCAR_PRG1:
        if (!(f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK))
            f->prg_scar[bank] = h7_subword_merge(f->prg_scar[bank], offset, size, value) & H7_FLASH_AREA_MASK;
        break;
    case A_FLASH_WPSN_PRG1:
        if (!(f->optcr & R_FLASH_OPTCR_OPTLOCK_MASK))
            f->prg_wpsn[bank] = h7_subword_merge(f->prg_wpsn[bank], offset, size, value) & H7_FLASH_WPSN_MASK;
        break;
    case A_FLASH_SR1: case A_FLASH_OPTSR_CUR: case A_FLASH_BOOT7_CUR: case A_FLASH_BOOT4_CUR:
    case A_FLASH_PRAR_CUR1: case A_FLASH_SCAR_CUR1: case A_FLASH_WPSN_CUR1:
        h7_soc_log(f->soc, H7_LOG_GUEST_ERROR, "FLASH", "write to read-only FLASH+0x%03X ignored", off);
        break;
    default:   /* CRC, ECC ...: the SVD table stores it */
        h7_svdreg_write(h7_soc_svdreg(f->soc, "Flash"), offset, value, size, m);
        break;
    }
}

/* ------------------------------------------------------------------ options / init */

bool h7_flash_boot_enabled(const h7_flash *f, h7_core_id core)
{
    return core == H7_CM7 ? H7_FIELD_EX(f->cur_optsr, FLASH_OPTSR, BCM7) : H7_FIELD_EX(f->cur_optsr, FLASH_OPTSR, BCM4);
}

uint32_t h7_flash_boot_address(const h7_flash *f, h7_core_id core, bool boot0)
{
    uint32_t r = core == H7_CM7 ? f->cur_boot7 : f->cur_boot4;
    /* BOOT_CMx_ADD0 in bits 15:0, ADD1 in bits 31:16, each holding address bits 31:16. */
    return boot0 ? (r & 0xFFFF0000u) : (r << 16);
}

void h7_flash_set_options(h7_flash *f, uint32_t optsr, uint32_t boot7, uint32_t boot4)
{
    f->nv_optsr = optsr;
    f->nv_boot7 = boot7;
    f->nv_boot4 = boot4;
}

void h7_flash_init(h7_flash *s, struct h7_soc *soc, uint8_t *mem)
{
    memset(s, 0, sizeof *s);
    s->soc = soc;
    s->mem = mem;
    s->nv_optsr = H7_FLASH_OPTSR_FACTORY;
    s->nv_boot7 = H7_FLASH_BOOT7_FACTORY;
    s->nv_boot4 = H7_FLASH_BOOT4_FACTORY;
    for (int b = 0; b < 2; b++) {
        s->nv_prar[b] = H7_FLASH_PRAR_FACTORY;
        s->nv_scar[b] = H7_FLASH_SCAR_FACTORY;
        s->nv_wpsn[b] = H7_FLASH_WPSN_FACTORY;
    }
    s->bank[0].owner = s->bank[1].owner = s;
    h7_event_init(&s->bank[0].ev_done, "flash1", bank_done, &s->bank[0]);
    h7_event_init(&s->bank[1].ev_done, "flash2", bank_done, &s->bank[1]);
    h7_event_init(&s->ev_opt, "flash.opt", opt_done, s);
}

void h7_flash_reset(h7_flash *s, h7_reset_kind kind)
{
    /* Register reset values (RM0399 §4.9); the option bytes are non-volatile and load at reset. */
    s->acr = 0x00000037u;
    for (int b = 0; b < 2; b++) {
        h7_flash_bank *k = &s->bank[b];
        h7_sched_cancel(s->soc->sched, &k->ev_done);
        k->cr = 0x00000031u;
        k->sr = 0;
        k->key_step = 0;
        k->key_error = false;
        k->wbuf_addr = 0;
        k->wbuf_mask = 0;
        k->op_len = 0;
        k->next_addr = 0;
    }
    h7_sched_cancel(s->soc->sched, &s->ev_opt);
    s->optcr = 0x00000001u;
    s->optkey_step = 0;
    s->optkey_error = false;
    s->opt_busy = false;
    s->mass_erase = false;
    s->cur_optsr = s->prg_optsr = s->nv_optsr;
    s->cur_boot7 = s->prg_boot7 = s->nv_boot7;
    s->cur_boot4 = s->prg_boot4 = s->nv_boot4;
    for (int b = 0; b < 2; b++) {
        s->cur_prar[b] = s->prg_prar[b] = s->nv_prar[b];
        s->cur_scar[b] = s->prg_scar[b] = s->nv_scar[b];
        s->cur_wpsn[b] = s->prg_wpsn[b] = s->nv_wpsn[b];
    }
}

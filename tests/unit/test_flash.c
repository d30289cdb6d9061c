/* FLASH model (RM0399 ch.4): wait states, KEYR/OPTKEYR unlock sequences, 256-bit programming,
 * sector/bank/mass erase, option bytes applied at reset, dirty-range reporting. */
#include "support.h"

#include <string.h>

#include "fake_host.h"
#include "flash_regs.h"

#define FLASH 0x52002000u
#define B2 0x100u
#define MEM 0x08000000u
#define BANK 0x100000u
#define SECTOR 0x20000u
#define CM7 H7_MASTER_CM7
#define CM4 H7_MASTER_CM4
#define DBG H7_MASTER_DEBUG

#define PROGRAM_PS (16 * H7_PS_PER_US)
#define SECTOR_ERASE_PS (2 * H7_PS_PER_MS)
#define BANK_ERASE_PS (10 * H7_PS_PER_MS)
#define OPT_PS (100 * H7_PS_PER_US)

#define SR_BSY R_FLASH_SR_BSY_MASK
#define SR_WBNE R_FLASH_SR_WBNE_MASK
#define SR_QW R_FLASH_SR_QW_MASK
#define SR_EOP R_FLASH_SR_EOP_MASK
#define SR_WRPERR R_FLASH_SR_WRPERR_MASK
#define SR_PGSERR R_FLASH_SR_PGSERR_MASK
#define SR_INCERR R_FLASH_SR_INCERR_MASK
#define CR_LOCK R_FLASH_CR_LOCK_MASK
#define CR_PG R_FLASH_CR_PG_MASK
#define CR_SER R_FLASH_CR_SER_MASK
#define CR_BER R_FLASH_CR_BER_MASK
#define CR_FW R_FLASH_CR_FW_MASK
#define CR_START R_FLASH_CR_START_MASK
#define BCM4 R_FLASH_OPTSR_BCM4_MASK
#define BCM7 R_FLASH_OPTSR_BCM7_MASK

static int setup(void **state)
{
    *state = fh_new();
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, FLASH + off); }
static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, FLASH + off, v); }

/* bank 0 or 1 */
static uint32_t boff(int bank) { return bank ? B2 : 0; }
static uint32_t cr(fake_host *fh, int bank) { return rd(fh, boff(bank) + A_FLASH_CR1); }
static uint32_t sr(fake_host *fh, int bank) { return rd(fh, boff(bank) + A_FLASH_SR1); }

static void unlock(fake_host *fh, int bank)
{
    wr(fh, boff(bank) + A_FLASH_KEYR1, H7_FLASH_KEY1);
    wr(fh, boff(bank) + A_FLASH_KEYR1, H7_FLASH_KEY2);
    assert_int_equal(cr(fh, bank) & CR_LOCK, 0);
}

static void opt_unlock(fake_host *fh)
{
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY1);
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY2);
    assert_int_equal(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_OPTLOCK_MASK, 0);
}

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + 7 * i);
}

/* Store a full 32-byte flash word as eight 32-bit guest stores. */
static void store_word(fake_host *fh, uint32_t addr, const uint8_t *data)
{
    for (unsigned i = 0; i < 32; i += 4) {
        uint32_t v = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                     (uint32_t)data[i + 3] << 24;
        h7_flash_guest_store(&fh->soc.flash, addr + i, v, 4, H7_MASTER_CM7);
    }
}

static bool erased(const fake_host *fh, uint32_t addr, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (fh->flash[addr - MEM + i] != 0xFF)
            return false;
    return true;
}

static void drain_dirty(fake_host *fh)
{
    uint32_t lo, hi;
    h7_flash_take_dirty(&fh->soc.flash, &lo, &hi);
}

/* ------------------------------------------------------------------ registers */

static void test_registers_read_their_reset_values(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_flash_nregs; i++)
        assert_int_equal(rd(fh, h7_flash_regs[i].offset), h7_flash_regs[i].reset);
    /* Bank 2 copies of CR/SR and the aliased registers. */
    assert_int_equal(cr(fh, 1), 0x00000031u);
    assert_int_equal(sr(fh, 1), 0);
    assert_int_equal(rd(fh, B2 + A_FLASH_ACR), 0x00000037u);
    assert_int_equal(rd(fh, B2 + A_FLASH_OPTSR_CUR), H7_FLASH_OPTSR_FACTORY);
    assert_true(h7_flash_boot_enabled(&fh->soc.flash, H7_CM7));
    assert_true(h7_flash_boot_enabled(&fh->soc.flash, H7_CM4));
    assert_int_equal(h7_flash_latency(&fh->soc.flash), 7);
}

static void test_key_registers_read_zero(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY1);
    assert_int_equal(rd(fh, A_FLASH_KEYR1), 0);
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY1);
    assert_int_equal(rd(fh, A_FLASH_OPTKEYR), 0);
}

static void test_acr_latency_write_reads_back_and_is_traced(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_ACR, 0x22);
    assert_int_equal(rd(fh, A_FLASH_ACR), 0x22);
    assert_int_equal(h7_flash_latency(&fh->soc.flash), 2);
    assert_true(fh_traced(fh, "cm7: writes FLASH_ACR = 0x00000022 (latency 2)"));
    /* Only LATENCY and WRHIGHFREQ are writable; bank 2 alias is the same register. */
    wr(fh, A_FLASH_ACR, 0xFFFFFFC4u);
    assert_int_equal(rd(fh, A_FLASH_ACR), 0x04);
    assert_int_equal(rd(fh, B2 + A_FLASH_ACR), 0x04);
    fh_write(fh, CM4, FLASH + B2 + A_FLASH_ACR, 0x13);
    assert_int_equal(rd(fh, A_FLASH_ACR), 0x13);
    assert_true(fh_traced(fh, "cm4: writes FLASH_ACR = 0x00000013 (latency 3)"));
}

static void test_acr_write_of_same_value_is_not_traced(void **state)
{
    fake_host *fh = *state;
    unsigned n = fh->ntrace;
    wr(fh, A_FLASH_ACR, 0x37);
    assert_int_equal(fh->ntrace, n);
}

static void test_acr_byte_write_merges(void **state)
{
    fake_host *fh = *state;
    fh_write_sized(fh, CM7, FLASH + A_FLASH_ACR, 0x01, 1);
    assert_int_equal(rd(fh, A_FLASH_ACR), 0x01);
}

static void test_cr_is_locked_at_reset_and_writes_are_ignored(void **state)
{
    fake_host *fh = *state;
    assert_true(cr(fh, 0) & CR_LOCK);
    assert_true(cr(fh, 1) & CR_LOCK);
    wr(fh, A_FLASH_CR1, CR_PG);
    assert_int_equal(cr(fh, 0), 0x31);
    assert_true(fh_logged(fh, "GUEST_ERROR FLASH: write to FLASH_CR1 while locked ignored"));
    wr(fh, B2 + A_FLASH_CR1, CR_SER | CR_START);
    assert_int_equal(cr(fh, 1), 0x31);
    assert_true(fh_logged(fh, "write to FLASH_CR2 while locked ignored"));
    assert_int_equal(sr(fh, 1), 0);
}

static void test_keyr_sequence_unlocks_cr1_only(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY1);
    assert_true(cr(fh, 0) & CR_LOCK);   /* first key alone does not unlock */
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY2);
    assert_int_equal(cr(fh, 0) & CR_LOCK, 0);
    assert_true(cr(fh, 1) & CR_LOCK);   /* bank 2 has its own lock */
    wr(fh, A_FLASH_CR1, CR_PG);
    assert_int_equal(cr(fh, 0), CR_PG);
    assert_int_equal(fh->nlog, 0);
}

static void test_keyr2_sequence_unlocks_cr2(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 1);
    assert_true(cr(fh, 0) & CR_LOCK);
    wr(fh, B2 + A_FLASH_CR1, CR_PG);
    assert_int_equal(cr(fh, 1), CR_PG);
}

static void test_setting_lock_relocks_and_keys_unlock_again(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_LOCK);
    assert_true(cr(fh, 0) & CR_LOCK);
    unlock(fh, 0);
    assert_int_equal(fh->nlog, 0);
}

static void test_wrong_key_locks_until_reset(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_KEYR1, 0x12345678u);
    assert_true(fh_logged(fh, "wrong key 0x12345678 in KEYR1: bank locked until reset"));
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY1);
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY2);
    assert_true(cr(fh, 0) & CR_LOCK);
    assert_true(fh_logged(fh, "bad KEYR1 sequence"));
    /* Bank 2 is not affected. */
    unlock(fh, 1);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    unlock(fh, 0);
}

static void test_keys_in_the_wrong_order_lock_until_reset(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY2);
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY1);
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY2);
    assert_true(cr(fh, 0) & CR_LOCK);
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    unlock(fh, 0);
}

static void test_key_written_to_an_unlocked_bank_locks_it_until_reset(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY1);
    assert_true(cr(fh, 0) & CR_LOCK);
    assert_true(fh_logged(fh, "bad KEYR1 sequence: bank locked until reset"));
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY1);
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY2);
    assert_true(cr(fh, 0) & CR_LOCK);
}

static void test_halfword_key_write_locks_bank_until_reset(void **state)
{
    fake_host *fh = *state;
    fh_write_sized(fh, CM7, FLASH + A_FLASH_KEYR1, 0x0123, 2);
    assert_true(fh_logged(fh, "2-byte write to a key register: locked until reset"));
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY1);
    wr(fh, A_FLASH_KEYR1, H7_FLASH_KEY2);
    assert_true(cr(fh, 0) & CR_LOCK);
}

/* A byte write to OPTKEYR must lock the option registers (not the bank 1 control register). */
static void test_byte_write_to_optkeyr_locks_options_not_bank1(void **state)
{
    fake_host *fh = *state;
    fh_write_sized(fh, CM7, FLASH + A_FLASH_OPTKEYR, 0x3B, 1);
    unlock(fh, 0);   /* bank 1 keys must still work */
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY1);
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY2);
    assert_true(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_OPTLOCK_MASK);
}

static void test_sr_is_read_only(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_SR1, 0xFFFFFFFFu);
    assert_int_equal(sr(fh, 0), 0);
    assert_true(fh_logged(fh, "write to read-only FLASH+0x010 ignored"));
}

static void test_offset_beyond_bank2_registers_is_reserved(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 1);
    wr(fh, B2 + A_FLASH_CR1, CR_PG);
    /* 0x20C is not a register: it must not alias FLASH_CR2 (0x10C). */
    assert_int_equal(rd(fh, 0x200 + A_FLASH_CR1), 0);
    assert_true(fh_logged(fh, "reserved offset"));
}

/* ------------------------------------------------------------------ programming */

static void test_programming_a_flash_word_takes_16us_and_sets_eop(void **state)
{
    fake_host *fh = *state;
    uint8_t data[32];
    pattern(data, sizeof data, 0x10);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    store_word(fh, MEM + 0x40, data);
    assert_true(sr(fh, 0) & SR_QW);
    assert_true(sr(fh, 0) & SR_BSY);
    assert_int_equal(sr(fh, 0) & SR_WBNE, 0);
    assert_true(erased(fh, MEM + 0x40, 32));   /* not yet written */
    fh_advance(fh, PROGRAM_PS - 1);
    assert_true(erased(fh, MEM + 0x40, 32));
    assert_true(sr(fh, 0) & SR_BSY);
    fh_advance(fh, 1);
    assert_memory_equal(fh->flash + 0x40, data, 32);
    assert_int_equal(sr(fh, 0) & (SR_QW | SR_BSY), 0);
    assert_true(sr(fh, 0) & SR_EOP);
    assert_int_equal(sr(fh, 0) & (SR_PGSERR | SR_WRPERR | SR_INCERR), 0);
    assert_true(fh_traced(fh, "flash: programmed 0x08000040"));
    assert_true(erased(fh, MEM, 0x40));
    assert_true(erased(fh, MEM + 0x60, 0x20));
    /* CCR clears EOP. */
    wr(fh, A_FLASH_CCR1, SR_EOP);
    assert_int_equal(sr(fh, 0) & SR_EOP, 0);
}

static void test_partial_word_sets_wbne_and_waits(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    h7_flash_guest_store(&fh->soc.flash, MEM + 4, 0xAABBCCDDu, 4, CM7);
    assert_true(sr(fh, 0) & SR_WBNE);
    assert_int_equal(sr(fh, 0) & (SR_QW | SR_BSY), 0);
    fh_advance(fh, BANK_ERASE_PS);
    assert_true(erased(fh, MEM, 32));
}

static void test_byte_and_halfword_stores_fill_a_word(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    for (unsigned i = 0; i < 16; i++)
        h7_flash_guest_store(&fh->soc.flash, MEM + 0x80 + i, 0xA0 + i, 1, CM7);
    for (unsigned i = 16; i < 32; i += 2)
        h7_flash_guest_store(&fh->soc.flash, MEM + 0x80 + i, 0x1100u * i + i, 2, CM7);
    fh_advance(fh, PROGRAM_PS);
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(fh->flash[0x80 + i], 0xA0 + i);
    for (unsigned i = 16; i < 32; i += 2) {
        assert_int_equal(fh->flash[0x80 + i], (uint8_t)(0x1100u * i + i));
        assert_int_equal(fh->flash[0x80 + i + 1], (uint8_t)((0x1100u * i + i) >> 8));
    }
}

static void test_force_write_programs_a_partial_word_with_erased_gaps(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    h7_flash_guest_store(&fh->soc.flash, MEM + 0x28, 0x11223344u, 4, CM7);
    wr(fh, A_FLASH_CR1, CR_PG | CR_FW);
    assert_int_equal(cr(fh, 0) & CR_FW, 0);   /* FW self-clears */
    fh_advance(fh, PROGRAM_PS);
    assert_int_equal(fh->flash[0x28], 0x44);
    assert_int_equal(fh->flash[0x2B], 0x11);
    assert_true(erased(fh, MEM + 0x20, 8));
    assert_true(erased(fh, MEM + 0x2C, 20));
    assert_true(sr(fh, 0) & SR_EOP);
}

static void test_programming_bank2_uses_bank2_registers(void **state)
{
    fake_host *fh = *state;
    uint8_t data[32];
    pattern(data, sizeof data, 0x5A);
    unlock(fh, 1);
    wr(fh, B2 + A_FLASH_CR1, CR_PG);
    store_word(fh, MEM + BANK + 0x1000, data);
    assert_true(sr(fh, 1) & SR_QW);
    assert_int_equal(sr(fh, 0), 0);
    fh_advance(fh, PROGRAM_PS);
    assert_memory_equal(fh->flash + BANK + 0x1000, data, 32);
    assert_true(sr(fh, 1) & SR_EOP);
    assert_int_equal(sr(fh, 0), 0);
}

static void test_store_to_a_locked_bank_sets_wrperr_and_leaves_memory(void **state)
{
    fake_host *fh = *state;
    uint8_t data[32];
    pattern(data, sizeof data, 1);
    store_word(fh, MEM, data);
    fh_advance(fh, PROGRAM_PS);
    assert_true(sr(fh, 0) & SR_WRPERR);
    assert_true(erased(fh, MEM, 32));
    assert_true(fh_logged(fh, "cm7 store to flash 0x08000000 with the bank locked"));
}

static void test_store_without_pg_sets_pgserr_and_leaves_memory(void **state)
{
    fake_host *fh = *state;
    uint8_t data[32];
    pattern(data, sizeof data, 1);
    unlock(fh, 0);
    store_word(fh, MEM + 0x100, data);
    fh_advance(fh, PROGRAM_PS);
    assert_true(sr(fh, 0) & SR_PGSERR);
    assert_int_equal(sr(fh, 0) & (SR_EOP | SR_WBNE | SR_QW), 0);
    assert_true(erased(fh, MEM + 0x100, 32));
    assert_true(fh_logged(fh, "store to flash 0x08000100 without FLASH_CR.PG"));
    /* CCR clears PGSERR. */
    wr(fh, A_FLASH_CCR1, SR_PGSERR);
    assert_int_equal(sr(fh, 0) & SR_PGSERR, 0);
}

static void test_pg_on_bank1_does_not_allow_stores_to_bank2(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    unlock(fh, 1);
    wr(fh, A_FLASH_CR1, CR_PG);
    h7_flash_guest_store(&fh->soc.flash, MEM + BANK, 0, 4, CM7);
    assert_true(sr(fh, 1) & SR_PGSERR);
    assert_int_equal(sr(fh, 0) & SR_PGSERR, 0);
}

static void test_programming_a_non_erased_word_sets_pgserr_and_keeps_it(void **state)
{
    fake_host *fh = *state;
    uint8_t old[32], data[32];
    pattern(old, sizeof old, 0x33);
    pattern(data, sizeof data, 0x99);
    fh->flash[0x200 + 5] = 0x00;   /* one non-erased byte */
    memcpy(old, fh->flash + 0x200, 32);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    store_word(fh, MEM + 0x200, data);
    assert_true(sr(fh, 0) & SR_PGSERR);
    assert_int_equal(sr(fh, 0) & (SR_WBNE | SR_QW | SR_BSY), 0);
    fh_advance(fh, PROGRAM_PS);
    assert_memory_equal(fh->flash + 0x200, old, 32);
    assert_int_equal(sr(fh, 0) & SR_EOP, 0);
    assert_true(fh_logged(fh, "programming flash word 0x08000200 which is not erased"));
    /* The write buffer was discarded: the next word programs normally. */
    wr(fh, A_FLASH_CCR1, SR_PGSERR);
    store_word(fh, MEM + 0x220, data);
    fh_advance(fh, PROGRAM_PS);
    assert_memory_equal(fh->flash + 0x220, data, 32);
    assert_int_equal(sr(fh, 0) & SR_PGSERR, 0);
}

static void test_reprogramming_a_programmed_word_is_refused(void **state)
{
    fake_host *fh = *state;
    uint8_t a[32], b[32];
    pattern(a, sizeof a, 1);
    pattern(b, sizeof b, 2);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    store_word(fh, MEM, a);
    fh_advance(fh, PROGRAM_PS);
    store_word(fh, MEM, b);
    fh_advance(fh, PROGRAM_PS);
    assert_memory_equal(fh->flash, a, 32);
    assert_true(sr(fh, 0) & SR_PGSERR);
}

static void test_store_outside_the_word_being_filled_sets_incerr(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    h7_flash_guest_store(&fh->soc.flash, MEM, 0x01020304u, 4, CM7);
    h7_flash_guest_store(&fh->soc.flash, MEM + 0x20, 0x05060708u, 4, CM7);
    assert_true(sr(fh, 0) & SR_INCERR);
    assert_true(sr(fh, 0) & SR_WBNE);
    fh_advance(fh, PROGRAM_PS);
    assert_true(erased(fh, MEM, 0x40));
}

/* Two flash words stored back to back (the second while the first is still being programmed):
 * both must end up in the array (the write queue holds the second one). */
static void test_two_words_back_to_back_are_both_programmed(void **state)
{
    fake_host *fh = *state;
    uint8_t a[32], b[32];
    pattern(a, sizeof a, 0x40);
    pattern(b, sizeof b, 0x80);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    store_word(fh, MEM + 0x300, a);
    store_word(fh, MEM + 0x320, b);
    fh_advance(fh, 4 * PROGRAM_PS);
    assert_memory_equal(fh->flash + 0x320, b, 32);
    assert_memory_equal(fh->flash + 0x300, a, 32);
}

/* A 4-byte store at offset 30 of a flash word crosses into the next word: its last two bytes
 * must not be counted as bytes 0 and 1 of the word being filled. Bytes 2..31 only are written
 * here, so the word must not be programmed. */
static void test_store_crossing_a_flash_word_end_does_not_complete_the_word(void **state)
{
    fake_host *fh = *state;
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    h7_flash_guest_store(&fh->soc.flash, MEM + 0x20 + 30, 0xDDCCBBAAu, 4, CM7);
    for (unsigned off = 4; off < 28; off += 4)
        h7_flash_guest_store(&fh->soc.flash, MEM + 0x20 + off, 0x12345678u, 4, CM7);
    h7_flash_guest_store(&fh->soc.flash, MEM + 0x20 + 2, 0x5555u, 2, CM7);
    h7_flash_guest_store(&fh->soc.flash, MEM + 0x20 + 28, 0x6666u, 2, CM7);
    fh_advance(fh, PROGRAM_PS);
    assert_true(erased(fh, MEM + 0x20, 64));
}

static void test_reset_discards_a_programming_in_progress(void **state)
{
    fake_host *fh = *state;
    uint8_t data[32];
    pattern(data, sizeof data, 3);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    store_word(fh, MEM, data);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(sr(fh, 0), 0);
    assert_int_equal(cr(fh, 0), 0x31);
    fh_advance(fh, PROGRAM_PS);
    assert_true(erased(fh, MEM, 32));
}

/* ------------------------------------------------------------------ erase */

static void fill(fake_host *fh, uint32_t addr, uint32_t len, uint8_t v) { memset(fh->flash + (addr - MEM), v, len); }

static void test_sector_erase_takes_2ms_and_erases_only_that_sector(void **state)
{
    fake_host *fh = *state;
    fill(fh, MEM, 2 * BANK, 0x00);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_SER | (3u << R_FLASH_CR_SNB_SHIFT) | CR_START);
    assert_true(sr(fh, 0) & SR_BSY);
    assert_true(sr(fh, 0) & SR_QW);
    assert_true(fh_traced(fh, "flash: erased bank 1 sector 3"));
    fh_advance(fh, SECTOR_ERASE_PS - 1);
    assert_int_equal(fh->flash[3 * SECTOR], 0x00);
    fh_advance(fh, 1);
    assert_true(erased(fh, MEM + 3 * SECTOR, SECTOR));
    assert_int_equal(fh->flash[3 * SECTOR - 1], 0x00);
    assert_int_equal(fh->flash[4 * SECTOR], 0x00);
    assert_int_equal(fh->flash[BANK + 3 * SECTOR], 0x00);
    assert_int_equal(sr(fh, 0) & (SR_BSY | SR_QW), 0);
    assert_true(sr(fh, 0) & SR_EOP);
    assert_int_equal(cr(fh, 0) & CR_START, 0);
}

static void test_sector_erase_of_bank2_last_sector(void **state)
{
    fake_host *fh = *state;
    fill(fh, MEM, 2 * BANK, 0x5A);
    unlock(fh, 1);
    wr(fh, B2 + A_FLASH_CR1, CR_SER | (7u << R_FLASH_CR_SNB_SHIFT) | CR_START);
    assert_true(fh_traced(fh, "flash: erased bank 2 sector 7"));
    fh_advance(fh, SECTOR_ERASE_PS);
    assert_true(erased(fh, MEM + BANK + 7 * SECTOR, SECTOR));
    assert_int_equal(fh->flash[BANK + 7 * SECTOR - 1], 0x5A);
    assert_int_equal(fh->flash[7 * SECTOR], 0x5A);
    assert_true(sr(fh, 1) & SR_EOP);
    assert_int_equal(sr(fh, 0), 0);
}

static void test_start_without_ser_or_ber_does_nothing(void **state)
{
    fake_host *fh = *state;
    fill(fh, MEM, SECTOR, 0);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_START);
    assert_int_equal(sr(fh, 0) & SR_BSY, 0);
    fh_advance(fh, BANK_ERASE_PS);
    assert_int_equal(fh->flash[0], 0);
}

static void test_bank_erase_takes_10ms_and_erases_one_bank(void **state)
{
    fake_host *fh = *state;
    fill(fh, MEM, 2 * BANK, 0x00);
    unlock(fh, 1);
    wr(fh, B2 + A_FLASH_CR1, CR_BER | CR_START);
    assert_true(sr(fh, 1) & SR_BSY);
    assert_true(fh_traced(fh, "flash: erased bank 2"));
    fh_advance(fh, BANK_ERASE_PS - 1);
    assert_int_equal(fh->flash[BANK], 0x00);
    fh_advance(fh, 1);
    assert_true(erased(fh, MEM + BANK, BANK));
    assert_int_equal(fh->flash[0], 0x00);
    assert_int_equal(fh->flash[BANK - 1], 0x00);
    assert_true(sr(fh, 1) & SR_EOP);
    assert_int_equal(sr(fh, 1) & SR_BSY, 0);
}

static void test_start_while_busy_is_ignored(void **state)
{
    fake_host *fh = *state;
    fill(fh, MEM, BANK, 0x00);
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_SER | (0u << R_FLASH_CR_SNB_SHIFT) | CR_START);
    wr(fh, A_FLASH_CR1, CR_SER | (5u << R_FLASH_CR_SNB_SHIFT) | CR_START);
    fh_advance(fh, BANK_ERASE_PS);
    assert_true(erased(fh, MEM, SECTOR));
    assert_int_equal(fh->flash[5 * SECTOR], 0x00);
}

static void test_optcr_mer_mass_erases_both_banks_after_10ms(void **state)
{
    fake_host *fh = *state;
    fill(fh, MEM, 2 * BANK, 0x00);
    opt_unlock(fh);
    wr(fh, A_FLASH_OPTCR, R_FLASH_OPTCR_MER_MASK);
    assert_true(sr(fh, 0) & SR_BSY);
    assert_true(sr(fh, 1) & SR_BSY);
    assert_int_equal(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_MER_MASK, 0);
    fh_advance(fh, BANK_ERASE_PS - 1);
    assert_int_equal(fh->flash[0], 0x00);
    fh_advance(fh, 1);
    assert_true(erased(fh, MEM, 2 * BANK));
    assert_true(fh_traced(fh, "flash: mass erase"));
    assert_true(sr(fh, 0) & SR_EOP);
    assert_true(sr(fh, 1) & SR_EOP);
    assert_int_equal((sr(fh, 0) | sr(fh, 1)) & (SR_BSY | SR_QW), 0);
    /* Option bytes untouched by a mass erase. */
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_CUR), H7_FLASH_OPTSR_FACTORY);
}

static void test_debug_mass_erase_erases_both_banks_at_once(void **state)
{
    fake_host *fh = *state;
    fill(fh, MEM, 2 * BANK, 0x12);
    h7_flash_mass_erase(&fh->soc.flash);
    assert_true(erased(fh, MEM, 2 * BANK));
    assert_true(fh_traced(fh, "debug: mass erase"));
    uint32_t lo, hi;
    assert_true(h7_flash_take_dirty(&fh->soc.flash, &lo, &hi));
    assert_int_equal(lo, MEM);
    assert_int_equal(hi, MEM + 2 * BANK);
}

/* ------------------------------------------------------------------ dirty range */

static void test_take_dirty_reports_programmed_range_once(void **state)
{
    fake_host *fh = *state;
    uint32_t lo = 0, hi = 0;
    uint8_t data[32];
    pattern(data, sizeof data, 9);
    drain_dirty(fh);
    assert_false(h7_flash_take_dirty(&fh->soc.flash, &lo, &hi));
    unlock(fh, 0);
    wr(fh, A_FLASH_CR1, CR_PG);
    store_word(fh, MEM + 0x1000, data);
    assert_false(h7_flash_take_dirty(&fh->soc.flash, &lo, &hi));   /* not programmed yet */
    fh_advance(fh, PROGRAM_PS);
    assert_true(h7_flash_take_dirty(&fh->soc.flash, &lo, &hi));
    assert_int_equal(lo, MEM + 0x1000);
    assert_int_equal(hi, MEM + 0x1020);
    assert_false(h7_flash_take_dirty(&fh->soc.flash, &lo, &hi));
}

static void test_take_dirty_merges_ranges(void **state)
{
    fake_host *fh = *state;
    uint32_t lo = 0, hi = 0;
    uint8_t data[32];
    pattern(data, sizeof data, 9);
    drain_dirty(fh);
    unlock(fh, 0);
    unlock(fh, 1);
    wr(fh, B2 + A_FLASH_CR1, CR_SER | (1u << R_FLASH_CR_SNB_SHIFT) | CR_START);
    fh_advance(fh, SECTOR_ERASE_PS);
    wr(fh, A_FLASH_CR1, CR_PG);
    store_word(fh, MEM + 0x2000, data);
    fh_advance(fh, PROGRAM_PS);
    assert_true(h7_flash_take_dirty(&fh->soc.flash, &lo, &hi));
    assert_int_equal(lo, MEM + 0x2000);
    assert_int_equal(hi, MEM + BANK + 2 * SECTOR);
}

static void test_refused_store_does_not_mark_dirty(void **state)
{
    fake_host *fh = *state;
    uint32_t lo, hi;
    drain_dirty(fh);
    h7_flash_guest_store(&fh->soc.flash, MEM, 0, 4, CM7);   /* locked */
    unlock(fh, 0);
    h7_flash_guest_store(&fh->soc.flash, MEM, 0, 4, CM7);   /* no PG */
    fh_advance(fh, PROGRAM_PS);
    assert_false(h7_flash_take_dirty(&fh->soc.flash, &lo, &hi));
}

/* ------------------------------------------------------------------ option bytes */

static void test_options_are_locked_at_reset(void **state)
{
    fake_host *fh = *state;
    assert_true(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_OPTLOCK_MASK);
    wr(fh, A_FLASH_OPTSR_PRG, H7_FLASH_OPTSR_FACTORY & ~BCM4);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_PRG), H7_FLASH_OPTSR_FACTORY);
    wr(fh, A_FLASH_BOOT4_PRG, 0x30000810u);
    assert_int_equal(rd(fh, A_FLASH_BOOT4_PRG), H7_FLASH_BOOT4_FACTORY);
    wr(fh, A_FLASH_OPTCR, R_FLASH_OPTCR_OPTSTART_MASK);
    assert_true(fh_logged(fh, "write to FLASH_OPTCR while OPTLOCK = 1 ignored"));
    fh_advance(fh, OPT_PS);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_true(h7_flash_boot_enabled(&fh->soc.flash, H7_CM4));
}

static void test_wrong_option_key_locks_options_until_reset(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY2);
    assert_true(fh_logged(fh, "wrong option key 0x4C5D6E7F: options locked until reset"));
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY1);
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_OPTKEY2);
    assert_true(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_OPTLOCK_MASK);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    opt_unlock(fh);
}

static void test_flash_keys_do_not_unlock_options(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_KEY1);
    wr(fh, A_FLASH_OPTKEYR, H7_FLASH_KEY2);
    assert_true(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_OPTLOCK_MASK);
}

static void test_bcm4_cleared_applies_only_at_next_reset(void **state)
{
    fake_host *fh = *state;
    opt_unlock(fh);
    wr(fh, A_FLASH_OPTSR_PRG, H7_FLASH_OPTSR_FACTORY & ~BCM4);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_PRG), H7_FLASH_OPTSR_FACTORY & ~BCM4);
    wr(fh, A_FLASH_OPTCR, R_FLASH_OPTCR_OPTSTART_MASK);
    assert_true(fh_traced(fh, "cm7: option bytes programmed (bcm7=1 bcm4=0 boot7=0x1ff00800 boot4=0x10000810)"));
    assert_true(rd(fh, A_FLASH_OPTSR_CUR) & R_FLASH_OPTSR_OPT_BUSY_MASK);
    assert_int_equal(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_OPTSTART_MASK, 0);
    fh_advance(fh, OPT_PS);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_CUR), H7_FLASH_OPTSR_FACTORY);
    assert_true(h7_flash_boot_enabled(&fh->soc.flash, H7_CM4));
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_CUR), H7_FLASH_OPTSR_FACTORY & ~BCM4);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_PRG), H7_FLASH_OPTSR_FACTORY & ~BCM4);
    assert_false(h7_flash_boot_enabled(&fh->soc.flash, H7_CM4));
    assert_true(h7_flash_boot_enabled(&fh->soc.flash, H7_CM7));
    assert_true(rd(fh, A_FLASH_OPTCR) & R_FLASH_OPTCR_OPTLOCK_MASK);   /* relocked by reset */
    /* Non-volatile: survives a power cycle too. */
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    assert_false(h7_flash_boot_enabled(&fh->soc.flash, H7_CM4));
}

static void test_reset_before_option_programming_ends_keeps_old_options(void **state)
{
    fake_host *fh = *state;
    opt_unlock(fh);
    wr(fh, A_FLASH_OPTSR_PRG, H7_FLASH_OPTSR_FACTORY & ~BCM7);
    wr(fh, A_FLASH_OPTCR, R_FLASH_OPTCR_OPTSTART_MASK);
    fh_advance(fh, OPT_PS / 2);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    fh_advance(fh, OPT_PS);
    assert_true(h7_flash_boot_enabled(&fh->soc.flash, H7_CM7));
    assert_int_equal(rd(fh, A_FLASH_OPTSR_CUR) & R_FLASH_OPTSR_OPT_BUSY_MASK, 0);
}

static void test_option_prg_without_optstart_is_dropped_at_reset(void **state)
{
    fake_host *fh = *state;
    opt_unlock(fh);
    wr(fh, A_FLASH_OPTSR_PRG, H7_FLASH_OPTSR_FACTORY & ~BCM4);
    wr(fh, A_FLASH_BOOT7_PRG, 0x24000800u);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_PRG), H7_FLASH_OPTSR_FACTORY);
    assert_int_equal(rd(fh, A_FLASH_BOOT7_PRG), H7_FLASH_BOOT7_FACTORY);
    assert_true(h7_flash_boot_enabled(&fh->soc.flash, H7_CM4));
}

static void test_optsr_opt_busy_bit_is_not_writable(void **state)
{
    fake_host *fh = *state;
    opt_unlock(fh);
    wr(fh, A_FLASH_OPTSR_PRG, H7_FLASH_OPTSR_FACTORY | 1u);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_PRG), H7_FLASH_OPTSR_FACTORY);
}

static void test_factory_boot_addresses(void **state)
{
    fake_host *fh = *state;
    h7_flash *f = &fh->soc.flash;
    assert_int_equal(h7_flash_boot_address(f, H7_CM7, false), 0x08000000u);
    assert_int_equal(h7_flash_boot_address(f, H7_CM7, true), 0x1FF00000u);
    assert_int_equal(h7_flash_boot_address(f, H7_CM4, false), 0x08100000u);
    assert_int_equal(h7_flash_boot_address(f, H7_CM4, true), 0x10000000u);
}

static void test_boot4_prg_applies_at_reset(void **state)
{
    fake_host *fh = *state;
    h7_flash *f = &fh->soc.flash;
    opt_unlock(fh);
    wr(fh, B2 + A_FLASH_BOOT4_PRG, 0x30000818u);   /* via the bank 2 alias */
    assert_int_equal(rd(fh, A_FLASH_BOOT4_PRG), 0x30000818u);
    wr(fh, A_FLASH_OPTCR, R_FLASH_OPTCR_OPTSTART_MASK);
    assert_true(fh_traced(fh, "boot4=0x30000818"));
    fh_advance(fh, OPT_PS);
    assert_int_equal(rd(fh, A_FLASH_BOOT4_CUR), H7_FLASH_BOOT4_FACTORY);
    assert_int_equal(h7_flash_boot_address(f, H7_CM4, false), 0x08100000u);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_FLASH_BOOT4_CUR), 0x30000818u);
    assert_int_equal(h7_flash_boot_address(f, H7_CM4, false), 0x08180000u);
    assert_int_equal(h7_flash_boot_address(f, H7_CM4, true), 0x30000000u);
    assert_int_equal(h7_flash_boot_address(f, H7_CM7, false), 0x08000000u);
}

static void test_set_options_applies_at_next_reset(void **state)
{
    fake_host *fh = *state;
    h7_flash *f = &fh->soc.flash;
    h7_flash_set_options(f, H7_FLASH_OPTSR_FACTORY & ~BCM7, 0x1FF00810u, H7_FLASH_BOOT4_FACTORY);
    assert_true(h7_flash_boot_enabled(f, H7_CM7));
    h7_soc_reset(&fh->soc, H7_RESET_POWER_ON);
    assert_false(h7_flash_boot_enabled(f, H7_CM7));
    assert_int_equal(h7_flash_boot_address(f, H7_CM7, false), 0x08100000u);
}

static void test_current_option_registers_are_read_only(void **state)
{
    fake_host *fh = *state;
    opt_unlock(fh);
    wr(fh, A_FLASH_OPTSR_CUR, 0);
    wr(fh, A_FLASH_BOOT7_CUR, 0);
    assert_int_equal(rd(fh, A_FLASH_OPTSR_CUR), H7_FLASH_OPTSR_FACTORY);
    assert_int_equal(rd(fh, A_FLASH_BOOT7_CUR), H7_FLASH_BOOT7_FACTORY);
    assert_true(fh_logged(fh, "write to read-only FLASH+0x01C ignored"));
}

/* RM0399 §4.9: as delivered, no sector is write-protected (WPSN_CURx.WRPSn = 1), there is no PCROP
 * and no secure area (AREA_START 0x0FF > AREA_END 0x000), RDP is level 0 (0xAA) and the boot
 * addresses are the factory ones -- the same in bank 2's copies. */
static void test_option_registers_read_their_factory_values(void **state)
{
    fake_host *fh = *state;
    for (uint32_t b = 0; b <= B2; b += B2) {
        assert_int_equal(rd(fh, b + A_FLASH_WPSN_CUR1), 0xFFu);
        assert_int_equal(rd(fh, b + A_FLASH_WPSN_PRG1), 0xFFu);
        assert_int_equal(rd(fh, b + A_FLASH_PRAR_CUR1), 0x000000FFu);
        assert_int_equal(rd(fh, b + A_FLASH_PRAR_PRG1), 0x000000FFu);
        assert_int_equal(rd(fh, b + A_FLASH_SCAR_CUR1), 0x000000FFu);
        assert_int_equal(rd(fh, b + A_FLASH_SCAR_PRG1), 0x000000FFu);
    }
    assert_int_equal((rd(fh, A_FLASH_OPTSR_CUR) >> 8) & 0xFFu, 0xAAu);
    assert_int_equal(rd(fh, A_FLASH_BOOT7_CUR), 0x1FF00800u);
    assert_int_equal(rd(fh, A_FLASH_BOOT4_CUR), 0x10000810u);
    assert_false(fh_logged(fh, "UNIMP"));
}

/* RM0399 §4.4: WPSN_PRG is written with OPTCR unlocked, applied by OPTSTART and in force after the
 * next reset; the _CUR register itself is read-only. */
static void test_write_protection_option_applies_at_the_next_reset(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, FLASH + A_FLASH_WPSN_CUR1, 0);
    assert_int_equal(rd(fh, A_FLASH_WPSN_CUR1), 0xFFu);
    fh_write(fh, CM7, FLASH + A_FLASH_OPTKEYR, H7_FLASH_OPTKEY1);
    fh_write(fh, CM7, FLASH + A_FLASH_OPTKEYR, H7_FLASH_OPTKEY2);
    fh_write(fh, CM7, FLASH + A_FLASH_WPSN_PRG1, 0xFEu);           /* protect sector 0 of bank 1 */
    fh_write(fh, CM7, FLASH + A_FLASH_OPTCR, R_FLASH_OPTCR_OPTSTART_MASK);
    fh_advance(fh, OPT_PS);
    assert_int_equal(rd(fh, A_FLASH_WPSN_CUR1), 0xFFu);
    h7_soc_reset(&fh->soc, H7_RESET_SYSTEM);
    assert_int_equal(rd(fh, A_FLASH_WPSN_CUR1), 0xFEu);
    assert_int_equal(rd(fh, B2 + A_FLASH_WPSN_CUR1), 0xFFu);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

/* RM0399 §4.9: FLASH_SRx flags, OPTSR_CUR, BOOTx_CUR and OPTCR.SWAP_BANK are r: a write never changes them (every table row with read-only bits is written with those
 * bits flipped). */
static void test_flash_status_and_current_option_bits_are_read_only(void **state)
{
    fake_host *fh = *state;
    assert_true(fh_check_read_only_bits(fh, H7_MASTER_CM7, FLASH, h7_flash_regs, h7_flash_nregs) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(flash_status_and_current_option_bits_are_read_only),
        T(registers_read_their_reset_values),
        T(option_registers_read_their_factory_values),
        T(write_protection_option_applies_at_the_next_reset),
        T(key_registers_read_zero),
        T(acr_latency_write_reads_back_and_is_traced),
        T(acr_write_of_same_value_is_not_traced),
        T(acr_byte_write_merges),
        T(cr_is_locked_at_reset_and_writes_are_ignored),
        T(keyr_sequence_unlocks_cr1_only),
        T(keyr2_sequence_unlocks_cr2),
        T(setting_lock_relocks_and_keys_unlock_again),
        T(wrong_key_locks_until_reset),
        T(keys_in_the_wrong_order_lock_until_reset),
        T(key_written_to_an_unlocked_bank_locks_it_until_reset),
        T(halfword_key_write_locks_bank_until_reset),
        T(byte_write_to_optkeyr_locks_options_not_bank1),
        T(sr_is_read_only),
        T(offset_beyond_bank2_registers_is_reserved),
        T(programming_a_flash_word_takes_16us_and_sets_eop),
        T(partial_word_sets_wbne_and_waits),
        T(byte_and_halfword_stores_fill_a_word),
        T(force_write_programs_a_partial_word_with_erased_gaps),
        T(programming_bank2_uses_bank2_registers),
        T(store_to_a_locked_bank_sets_wrperr_and_leaves_memory),
        T(store_without_pg_sets_pgserr_and_leaves_memory),
        T(pg_on_bank1_does_not_allow_stores_to_bank2),
        T(programming_a_non_erased_word_sets_pgserr_and_keeps_it),
        T(reprogramming_a_programmed_word_is_refused),
        T(store_outside_the_word_being_filled_sets_incerr),
        T(two_words_back_to_back_are_both_programmed),
        T(reset_discards_a_programming_in_progress),
        T(sector_erase_takes_2ms_and_erases_only_that_sector),
        T(sector_erase_of_bank2_last_sector),
        T(start_without_ser_or_ber_does_nothing),
        T(bank_erase_takes_10ms_and_erases_one_bank),
        T(start_while_busy_is_ignored),
        T(optcr_mer_mass_erases_both_banks_after_10ms),
        T(debug_mass_erase_erases_both_banks_at_once),
        T(take_dirty_reports_programmed_range_once),
        T(take_dirty_merges_ranges),
        T(refused_store_does_not_mark_dirty),
        T(options_are_locked_at_reset),
        T(wrong_option_key_locks_options_until_reset),
        T(flash_keys_do_not_unlock_options),
        T(bcm4_cleared_applies_only_at_next_reset),
        T(reset_before_option_programming_ends_keeps_old_options),
        T(option_prg_without_optstart_is_dropped_at_reset),
        T(optsr_opt_busy_bit_is_not_writable),
        T(factory_boot_addresses),
        T(boot4_prg_applies_at_reset),
        T(set_options_applies_at_next_reset),
        T(current_option_registers_are_read_only),
        /* Last: under H7_SANITIZE the out-of-bounds write it provokes aborts the executable. */
        T(store_crossing_a_flash_word_end_does_not_complete_the_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* CRC calculation unit (RM0399 CRC chapter; sections cited by title: "CRC functional description"
 * = FD, "CRC registers" = REG).
 *
 * No trace text (a pure computation block); misuse goes to the guest-error log.
 *
 * Decisions (docs/models.md):
 * - The CRC is computed bit-serially, MSB first, over exactly the bits of the access: a byte
 *   write to DR feeds 8 bits, a half-word 16, a word 32 (RM0399 CRC FD "CRC_DR accepts 8-, 16-
 *   and 32-bit data").
 * - REV_IN reverses bits within each byte (01), half-word (10) or word (11) of the input before
 *   it enters the register; REV_OUT reverses the CRC over the polynomial width on DR reads
 *   (CRC REG, CRC_CR). Input reversal units larger than the access fall back to the access width.
 * - Writing CRC_INIT also loads it into the CRC register: CRC FD says the CRC is initialised
 *   with INIT "when the RESET bit is set"; loading on the write as well is what every driver
 *   expects (it writes INIT and then RESET), so either reading gives the same results.
 * - POL with an even value is stored and used (the RM says "must be odd"; logged as a guest error). */
#include "crc.h"

#include "soc.h"

const h7_regdesc h7_crc_regs[] = {
    {A_CRC_DR, "CRC_DR", 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {A_CRC_IDR, "CRC_IDR", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_CRC_CR, "CRC_CR", 0, 0x000000F9u, 0, 0, 0},
    {A_CRC_INIT, "CRC_INIT", 0xFFFFFFFFu, 0xFFFFFFFFu, 0, 0, 0},
    {A_CRC_POL, "CRC_POL", 0x04C11DB7u, 0xFFFFFFFFu, 0, 0, 0},
};
const size_t h7_crc_nregs = sizeof h7_crc_regs / sizeof h7_crc_regs[0];

static uint32_t width_mask(unsigned w) { return w >= 32 ? 0xFFFFFFFFu : (1u << w) - 1u; }

static uint32_t reverse_bits(uint32_t v, unsigned n)
{
    uint32_t r = 0;
    for (unsigned i = 0; i < n; i++)
        r |= ((v >> i) & 1u) << (n - 1u - i);
    return r;
}

unsigned h7_crc_width(const h7_crc *s)
{
    static const unsigned w[4] = {32, 16, 8, 7};
    return w[H7_FIELD_EX(s->cr, CRC_CR, POLYSIZE)];
}

/* REV_IN (RM0399 CRC REG, CRC_CR): 00 none, 01 bit-reversal by byte, 10 by half-word, 11 by word. */
static uint32_t reverse_input(const h7_crc *s, uint32_t data, unsigned bits)
{
    unsigned mode = H7_FIELD_EX(s->cr, CRC_CR, REV_IN);
    if (!mode)
        return data;
    unsigned unit = mode == 1 ? 8u : mode == 2 ? 16u : 32u;
    if (unit > bits)
        unit = bits;
    uint32_t out = 0;
    for (unsigned off = 0; off < bits; off += unit)
        out |= reverse_bits((data >> off) & width_mask(unit), unit) << off;
    return out;
}

void h7_crc_feed(h7_crc *s, uint32_t data, unsigned bits)
{
    unsigned w = h7_crc_width(s);
    uint32_t mask = width_mask(w), poly = s->pol & mask, crc = s->crc & mask;
    data = reverse_input(s, data, bits);
    for (int i = (int)bits - 1; i >= 0; i--) {
        uint32_t top = (crc >> (w - 1u)) & 1u;
        crc = (crc << 1) & mask;
        if (top ^ ((data >> i) & 1u))
            crc ^= poly;
    }
    s->crc = crc;
}

static uint32_t dr_value(const h7_crc *s)
{
    unsigned w = h7_crc_width(s);
    uint32_t v = s->crc & width_mask(w);
    return (s->cr & R_CRC_CR_REV_OUT_MASK) ? reverse_bits(v, w) : v;
}

void h7_crc_init(h7_crc *s, struct h7_soc *soc)
{
    *s = (h7_crc){0};
    s->soc = soc;
}

void h7_crc_reset(h7_crc *s, h7_reset_kind kind)
{
    (void)kind;
    s->crc = 0xFFFFFFFFu;
    s->idr = s->cr = 0;
    s->init = 0xFFFFFFFFu;
    s->pol = 0x04C11DB7u;
}

uint32_t h7_crc_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_crc *s = dev;
    uint32_t v;
    switch (offset & ~3u) {
    case A_CRC_DR: v = dr_value(s); break;
    case A_CRC_IDR: v = s->idr; break;
    case A_CRC_CR: v = s->cr; break;   /* RESET reads 0: it clears itself at once */
    case A_CRC_INIT: v = s->init; break;
    case A_CRC_POL: v = s->pol; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "CRC", "%s read of CRC+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

void h7_crc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_crc *s = dev;
    switch (offset & ~3u) {
    case A_CRC_DR:
        /* The access size is the data size (CRC FD); a narrow write at a non-zero lane feeds
         * the same bits as at lane 0. */
        h7_crc_feed(s, size >= 4 ? value : value & width_mask(size * 8u), size >= 4 ? 32u : size * 8u);
        break;
    case A_CRC_IDR: s->idr = h7_subword_merge(s->idr, offset, size, value); break;
    case A_CRC_CR: {
        uint32_t v = h7_subword_merge(s->cr, offset, size, value) & 0xF9u;
        s->cr = v & ~R_CRC_CR_RESET_MASK;
        if (v & R_CRC_CR_RESET_MASK)
            s->crc = s->init;   /* CRC_CR: RESET loads INIT into DR, then clears itself */
        break;
    }
    case A_CRC_INIT:
        s->init = h7_subword_merge(s->init, offset, size, value);
        s->crc = s->init;
        break;
    case A_CRC_POL:
        s->pol = h7_subword_merge(s->pol, offset, size, value);
        if (!(s->pol & 1u))
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "CRC", "%s writes CRC_POL = 0x%08X: even polynomial (RM0399 CRC_POL: "
                       "must be odd)", h7_master_name(m), s->pol);
        break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "CRC", "%s write of 0x%08X to CRC+0x%03X ignored: no register there",
                   h7_master_name(m), value, offset);
    }
}

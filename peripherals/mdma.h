/* MDMA (RM0399 ch.15 "Master DMA controller"): 16 channels on the AXI and AHB (AHBS: the
 * Cortex-M7's TCMs) buses, software-requested buffer / block / repeated-block / full transfers.
 * Per channel: CxISR flags TEIF, CTCIF, BRTIF, BTIF, TCIF (cleared through CxIFCR), CRQA; CxTCR
 * sizes, increments, buffer length, trigger mode; CxBNDTR block size and repeat count; CxBRUR
 * block address updates; CxSAR/CxDAR; CxTBR bus selection (SBUS/DBUS = AHB/TCM). One NVIC line
 * (MDMA_IRQn 122) for all channels, on both cores. */
#ifndef H7_MDMA_H
#define H7_MDMA_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(MDMA_GISR0, 0x00)
/* Channel x registers at 0x40 + 0x40 * x (offsets relative to the channel). */
H7_REG32(MDMA_CISR, 0x00)
    H7_FIELD(MDMA_CISR, CRQA, 16, 1)
H7_REG32(MDMA_CIFCR, 0x04)
H7_REG32(MDMA_CESR, 0x08)
H7_REG32(MDMA_CCR, 0x0C)
    H7_FIELD(MDMA_CCR, EN, 0, 1)
    H7_FIELD(MDMA_CCR, SWRQ, 16, 1)
H7_REG32(MDMA_CTCR, 0x10)
    H7_FIELD(MDMA_CTCR, SINC, 0, 2)
    H7_FIELD(MDMA_CTCR, DINC, 2, 2)
    H7_FIELD(MDMA_CTCR, SSIZE, 4, 2)
    H7_FIELD(MDMA_CTCR, DSIZE, 6, 2)
    H7_FIELD(MDMA_CTCR, SINCOS, 8, 2)
    H7_FIELD(MDMA_CTCR, DINCOS, 10, 2)
    H7_FIELD(MDMA_CTCR, TLEN, 18, 7)
    H7_FIELD(MDMA_CTCR, TRGM, 28, 2)
    H7_FIELD(MDMA_CTCR, SWRM, 30, 1)
H7_REG32(MDMA_CBNDTR, 0x14)
    H7_FIELD(MDMA_CBNDTR, BNDT, 0, 17)
    H7_FIELD(MDMA_CBNDTR, BRSUM, 18, 1)
    H7_FIELD(MDMA_CBNDTR, BRDUM, 19, 1)
    H7_FIELD(MDMA_CBNDTR, BRC, 20, 12)
H7_REG32(MDMA_CSAR, 0x18)
H7_REG32(MDMA_CDAR, 0x1C)
H7_REG32(MDMA_CBRUR, 0x20)
H7_REG32(MDMA_CLAR, 0x24)
H7_REG32(MDMA_CTBR, 0x28)
    H7_FIELD(MDMA_CTBR, SBUS, 16, 1)
    H7_FIELD(MDMA_CTBR, DBUS, 17, 1)
H7_REG32(MDMA_CMAR, 0x30)
H7_REG32(MDMA_CMDR, 0x34)

enum { H7_MDMA_TEIF = 1u << 0, H7_MDMA_CTCIF = 1u << 1, H7_MDMA_BRTIF = 1u << 2, H7_MDMA_BTIF = 1u << 3,
       H7_MDMA_TCIF = 1u << 4 };
enum { H7_MDMA_TRGM_BUFFER = 0, H7_MDMA_TRGM_BLOCK = 1, H7_MDMA_TRGM_REPEAT = 2, H7_MDMA_TRGM_FULL = 3 };

struct h7_soc;
struct h7_mdma;
typedef struct h7_mdma_channel {
    struct h7_mdma *mdma;
    unsigned index;
    uint32_t ccr, ctcr, cbndtr, csar, cdar, cbrur, clar, ctbr, cmar, cmdr;
    uint32_t flags, cesr;
    bool active;                  /* CRQA: a request is being served */
    uint32_t bndt_start;          /* block size at enable (reloaded per block) */
    uint32_t src, dst;            /* current addresses */
    uint32_t blk_src, blk_dst;    /* start addresses of the current block */
    h7_event ev_buf;
} h7_mdma_channel;

typedef struct h7_mdma {
    struct h7_soc *soc;
    h7_mdma_channel ch[16];
} h7_mdma;

void h7_mdma_init(h7_mdma *d, struct h7_soc *soc);
void h7_mdma_reset(h7_mdma *d, h7_reset_kind kind);
uint32_t h7_mdma_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_mdma_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* Bus time of one buffer of `bytes` bytes. */
h7_time_ps h7_mdma_buffer_ps(const h7_mdma *d, uint32_t bytes);

#endif

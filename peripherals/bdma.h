/* BDMA (RM0399 ch.18 "Basic direct memory access controller"): the D3 DMA, 8 channels, requests
 * through DMAMUX2. Per channel: peripheral-to-memory / memory-to-peripheral (DIR),
 * memory-to-memory (MEM2MEM), PINC/MINC, byte/half-word/word sizes (a size mismatch zero-extends
 * or truncates, RM0399 Table 135), circular and double-buffer mode, flags GIF/TCIF/HTIF/TEIF in
 * ISR cleared through IFCR, one NVIC line per channel on both cores. BDMA reaches D3 only
 * (busmatrix.h): anything else ends with TEIF. */
#ifndef H7_BDMA_H
#define H7_BDMA_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(BDMA_ISR, 0x00)
H7_REG32(BDMA_IFCR, 0x04)
/* Channel x registers at 0x08 + 0x14 * x (offsets relative to the channel). */
H7_REG32(BDMA_CCR, 0x00)
    H7_FIELD(BDMA_CCR, EN, 0, 1)
    H7_FIELD(BDMA_CCR, TCIE, 1, 1)
    H7_FIELD(BDMA_CCR, HTIE, 2, 1)
    H7_FIELD(BDMA_CCR, TEIE, 3, 1)
    H7_FIELD(BDMA_CCR, DIR, 4, 1)
    H7_FIELD(BDMA_CCR, CIRC, 5, 1)
    H7_FIELD(BDMA_CCR, PINC, 6, 1)
    H7_FIELD(BDMA_CCR, MINC, 7, 1)
    H7_FIELD(BDMA_CCR, PSIZE, 8, 2)
    H7_FIELD(BDMA_CCR, MSIZE, 10, 2)
    H7_FIELD(BDMA_CCR, MEM2MEM, 14, 1)
    H7_FIELD(BDMA_CCR, DBM, 15, 1)
    H7_FIELD(BDMA_CCR, CT, 16, 1)
H7_REG32(BDMA_CNDTR, 0x04)
H7_REG32(BDMA_CPAR, 0x08)
H7_REG32(BDMA_CM0AR, 0x0C)
H7_REG32(BDMA_CM1AR, 0x10)

enum { H7_BDMA_GIF = 1u << 0, H7_BDMA_TCIF = 1u << 1, H7_BDMA_HTIF = 1u << 2, H7_BDMA_TEIF = 1u << 3 };

struct h7_soc;
struct h7_bdma;
typedef struct h7_bdma_channel {
    struct h7_bdma *bdma;
    unsigned index;
    int irqn;
    uint32_t ccr, cndtr, cpar, cm0ar, cm1ar;
    uint32_t flags;               /* H7_BDMA_xxIF bits of this channel */
    uint32_t ndtr_start, pptr, mptr;
    bool half_done;
    h7_event ev_item;
} h7_bdma_channel;

typedef struct h7_bdma {
    struct h7_soc *soc;
    h7_bdma_channel ch[8];
} h7_bdma;

void h7_bdma_init(h7_bdma *d, struct h7_soc *soc);
void h7_bdma_reset(h7_bdma *d, h7_reset_kind kind);
uint32_t h7_bdma_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_bdma_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* DMAMUX2 tells a channel that its request line changed level. */
void h7_bdma_request_changed(h7_bdma_channel *c, bool level);
/* Bus time of one transfer (read + write), in D3's AHB4 clock (rcc_hclk4 = rcc_hclk). */
h7_time_ps h7_bdma_item_ps(const h7_bdma *d);

#endif

/* DMA1/DMA2 (RM0399 ch.16 "DMA controller"): 8 streams each, requests through DMAMUX1.
 * Per stream: direct or FIFO mode (4-word FIFO with packing/unpacking), peripheral-to-memory,
 * memory-to-peripheral and memory-to-memory, PINC/MINC, byte/half-word/word sizes, circular and
 * double-buffer mode, flags TC/HT/TE/DME/FE in LISR/HISR (cleared through LIFCR/HIFCR), one NVIC
 * line per stream on both cores. Every data item takes bus time (an event per item); addresses the
 * bus matrix does not connect to the DMA (DTCM, ITCM, holes) end the transfer with TEIF. */
#ifndef H7_DMA_H
#define H7_DMA_H

#include "periph.h"
#include "h7sched.h"
#include "busmatrix.h"

H7_REG32(DMA_LISR, 0x00)
H7_REG32(DMA_HISR, 0x04)
H7_REG32(DMA_LIFCR, 0x08)
H7_REG32(DMA_HIFCR, 0x0C)
/* Stream x registers at 0x10 + 0x18 * x (offsets below are relative to the stream). */
H7_REG32(DMA_SxCR, 0x00)
    H7_FIELD(DMA_SxCR, EN, 0, 1)
    H7_FIELD(DMA_SxCR, DMEIE, 1, 1)
    H7_FIELD(DMA_SxCR, TEIE, 2, 1)
    H7_FIELD(DMA_SxCR, HTIE, 3, 1)
    H7_FIELD(DMA_SxCR, TCIE, 4, 1)
    H7_FIELD(DMA_SxCR, PFCTRL, 5, 1)
    H7_FIELD(DMA_SxCR, DIR, 6, 2)
    H7_FIELD(DMA_SxCR, CIRC, 8, 1)
    H7_FIELD(DMA_SxCR, PINC, 9, 1)
    H7_FIELD(DMA_SxCR, MINC, 10, 1)
    H7_FIELD(DMA_SxCR, PSIZE, 11, 2)
    H7_FIELD(DMA_SxCR, MSIZE, 13, 2)
    H7_FIELD(DMA_SxCR, PINCOS, 15, 1)
    H7_FIELD(DMA_SxCR, PL, 16, 2)
    H7_FIELD(DMA_SxCR, DBM, 18, 1)
    H7_FIELD(DMA_SxCR, CT, 19, 1)
    H7_FIELD(DMA_SxCR, PBURST, 21, 2)
    H7_FIELD(DMA_SxCR, MBURST, 23, 2)
H7_REG32(DMA_SxNDTR, 0x04)
H7_REG32(DMA_SxPAR, 0x08)
H7_REG32(DMA_SxM0AR, 0x0C)
H7_REG32(DMA_SxM1AR, 0x10)
H7_REG32(DMA_SxFCR, 0x14)
    H7_FIELD(DMA_SxFCR, FTH, 0, 2)
    H7_FIELD(DMA_SxFCR, DMDIS, 2, 1)
    H7_FIELD(DMA_SxFCR, FS, 3, 3)
    H7_FIELD(DMA_SxFCR, FEIE, 7, 1)

/* Stream flags as they sit in LISR/HISR, shifted by h7_dma_flag_shift[stream & 3]. */
enum { H7_DMA_FEIF = 1u << 0, H7_DMA_DMEIF = 1u << 2, H7_DMA_TEIF = 1u << 3, H7_DMA_HTIF = 1u << 4,
       H7_DMA_TCIF = 1u << 5 };
extern const unsigned h7_dma_flag_shift[4];
enum { H7_DMA_DIR_P2M = 0, H7_DMA_DIR_M2P = 1, H7_DMA_DIR_M2M = 2 };

extern const h7_regdesc h7_dma_stream_regs[];
extern const size_t h7_dma_stream_nregs;

struct h7_soc;
struct h7_dma;
typedef struct h7_dma_stream {
    struct h7_dma *dma;
    unsigned index;               /* 0..7 */
    int irqn;
    uint32_t cr, ndtr, par, m0ar, m1ar, fcr;
    uint32_t flags;               /* H7_DMA_xxIF bits of this stream */
    /* transfer state, loaded when EN is set */
    uint32_t ndtr_start;          /* NDTR at enable (reloaded in circular mode) */
    uint32_t pptr, mptr;          /* current peripheral / memory addresses */
    bool half_done;
    uint8_t fifo[16];
    unsigned nfifo;
    h7_event ev_item;
} h7_dma_stream;

typedef struct h7_dma {
    struct h7_soc *soc;
    int index;                    /* 1 = DMA1, 2 = DMA2 */
    h7_bus_master bus;
    h7_dma_stream s[8];
} h7_dma;

void h7_dma_init(h7_dma *d, struct h7_soc *soc, int index);
void h7_dma_reset(h7_dma *d, h7_reset_kind kind);
uint32_t h7_dma_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_dma_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* DMAMUX1 tells a stream that its request line changed level. */
void h7_dma_request_changed(h7_dma_stream *st, bool level);
/* Bus time one data item takes (read + write through the bus matrix). */
h7_time_ps h7_dma_item_ps(const h7_dma *d);

#endif

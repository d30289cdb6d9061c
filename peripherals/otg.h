/* USB OTG cores (RM0399 chapter "USB on-the-go high-speed (OTG_HS)"): OTG1 (USB1 OTG HS at
 * 0x4004_0000) and OTG2 (USB2 OTG FS at 0x4008_0000; the Nucleo's user USB on CN13). One model,
 * four bus windows each (GLOBAL, HOST, DEVICE, PWRCLK + FIFOs). Modelled: core soft reset
 * (CSRST self-clearing, AHBIDL), FIFO flushes, GINTSTS.CMOD following the forced mode,
 * endpoint/channel enable/disable handshakes, the D+ pull-up (DCTL.SDIS) and VBUS drive
 * (HPRT.PPWR) on the timeline, the interrupt line. No USB traffic: nothing is ever attached. */
#ifndef H7_OTG_H
#define H7_OTG_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(OTG_GOTGCTL, 0x000)
H7_REG32(OTG_GAHBCFG, 0x008)
    H7_FIELD(OTG_GAHBCFG, GINT, 0, 1)
H7_REG32(OTG_GUSBCFG, 0x00C)
    H7_FIELD(OTG_GUSBCFG, PHYSEL, 6, 1)
    H7_FIELD(OTG_GUSBCFG, FHMOD, 29, 1)
    H7_FIELD(OTG_GUSBCFG, FDMOD, 30, 1)
H7_REG32(OTG_GRSTCTL, 0x010)
    H7_FIELD(OTG_GRSTCTL, CSRST, 0, 1)
    H7_FIELD(OTG_GRSTCTL, RXFFLSH, 4, 1)
    H7_FIELD(OTG_GRSTCTL, TXFFLSH, 5, 1)
    H7_FIELD(OTG_GRSTCTL, AHBIDL, 31, 1)
H7_REG32(OTG_GINTSTS, 0x014)
    H7_FIELD(OTG_GINTSTS, CMOD, 0, 1)
H7_REG32(OTG_GINTMSK, 0x018)
H7_REG32(OTG_GRXSTSR, 0x01C)
H7_REG32(OTG_GRXSTSP, 0x020)
H7_REG32(OTG_GRXFSIZ, 0x024)
H7_REG32(OTG_HNPTXFSIZ, 0x028)
H7_REG32(OTG_HNPTXSTS, 0x02C)
H7_REG32(OTG_GCCFG, 0x038)
    H7_FIELD(OTG_GCCFG, PWRDWN, 16, 1)
H7_REG32(OTG_CID, 0x03C)
H7_REG32(OTG_GSNPSID, 0x040)
H7_REG32(OTG_HPTXFSIZ, 0x100)
H7_REG32(OTG_HCFG, 0x400)
H7_REG32(OTG_HPRT, 0x440)
    H7_FIELD(OTG_HPRT, PPWR, 12, 1)
H7_REG32(OTG_HCCHAR0, 0x500)
H7_REG32(OTG_DCFG, 0x800)
H7_REG32(OTG_DCTL, 0x804)
    H7_FIELD(OTG_DCTL, SDIS, 1, 1)
H7_REG32(OTG_DSTS, 0x808)
H7_REG32(OTG_DIEPCTL0, 0x900)
H7_REG32(OTG_DOEPCTL0, 0xB00)
H7_REG32(OTG_PCGCCTL, 0xE00)

#define H7_OTG_SPACE 0x1000u          /* registers; the FIFOs start at 0x1000 */
#define H7_OTG_CHANNELS 16
#define H7_OTG_ENDPOINTS 9
#define H7_OTG_MODE_CHANGE_PS (25 * H7_PS_PER_MS)   /* "wait at least 25 ms" after FHMOD/FDMOD */
#define H7_OTG_RESET_PS (2 * H7_PS_PER_US)          /* CSRST/flush self-clear delay (decision) */

extern const h7_regdesc h7_otg_regs[];
extern const size_t h7_otg_nregs;

struct h7_soc;
typedef struct h7_otg {
    struct h7_soc *soc;
    int index;                 /* 1 = OTG1 (HS), 2 = OTG2 (FS) */
    uint32_t reg[H7_OTG_SPACE / 4];
    bool host_mode;            /* GINTSTS.CMOD */
    bool pullup, vbus;         /* reported on the timeline when they change */
    bool fifo_noted;
    h7_event ev_reset, ev_mode;
} h7_otg;

void h7_otg_init(h7_otg *s, struct h7_soc *soc, int index);
void h7_otg_reset(h7_otg *s, h7_reset_kind kind);
/* One read/write per SVD window; offsets are relative to each window's base. */
/* Registers stable until a write or a scheduled event (h7_stable_fn, soc.h). */
bool h7_otg_glb_read_stable(uint32_t offset);
uint32_t h7_otg_glb_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_otg_glb_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
uint32_t h7_otg_host_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_otg_host_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
uint32_t h7_otg_dev_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_otg_dev_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
uint32_t h7_otg_pwr_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_otg_pwr_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);
/* Core-relative access (offset from the core base 0x4004_0000 / 0x4008_0000). */
uint32_t h7_otg_read(h7_otg *s, uint32_t offset, unsigned size, h7_master m);
void h7_otg_write(h7_otg *s, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* The 48 MHz USB kernel clock from RCC_D2CCIP2R.USBSEL (0 = none). */
uint32_t h7_otg_kernel_hz(const h7_otg *s);
/* D+ pull-up connected: device mode, transceiver powered (GCCFG.PWRDWN) and DCTL.SDIS = 0. */
bool h7_otg_pullup(const h7_otg *s);

#endif

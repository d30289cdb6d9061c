/* USB OTG cores (RM0399 OTG chapter: "OTG_HS global registers" GRSTCTL/GINTSTS/GUSBCFG,
 * "Device-mode registers" DCTL/DIEPCTLx, "Host-mode registers" HPRT/HCCHARx): what
 * USB_CoreReset, USB_SetCurrentMode, USB_FlushTx/RxFifo, USB_DevInit/DevConnect and
 * USB_HostInit poll or expect. */
#include "support.h"

#include "fake_host.h"

#define RCC 0x58024400u
#define FS 0x40080000u   /* OTG2 = USB2 OTG FS (Nucleo CN13) */
#define HS 0x40040000u
#define CM7 H7_MASTER_CM7
#define USB_IRQN_FS 101

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0D8, (1u << 27) | (1u << 25));   /* AHB1ENR.USB2OTGFSEN, USB1OTGHSEN */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, FS + off, v); }
static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, FS + off); }

/* The 48 MHz USB clock: HSI48 selected by RCC_D2CCIP2R.USBSEL = 11. */
static void usb_clock_on(fake_host *fh)
{
    fh_write(fh, CM7, RCC + 0x000, fh_read(fh, CM7, RCC) | (1u << 12));
    fh_advance(fh, 10 * H7_PS_PER_US);
    fh_write(fh, CM7, RCC + 0x054, 3u << 20);
    assert_int_equal(h7_otg_kernel_hz(&fh->soc.otg[1]), 48000000u);
}

static void test_reset_values_the_hal_reads(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(rd(fh, A_OTG_GRSTCTL), 0x80000000u);   /* AHBIDL */
    assert_int_equal(rd(fh, A_OTG_GINTSTS), 0x04000020u);   /* CMOD = 0: device (B-device) */
    assert_int_equal(rd(fh, A_OTG_GSNPSID), 0x4F54330Au);
    assert_int_equal(rd(fh, A_OTG_DCTL), 0x00000002u);      /* soft-disconnected */
    assert_int_equal(rd(fh, A_OTG_GRXFSIZ), 0x200u);
}

/* CSRST resets the PHY clock domain: without the 48 MHz clock it never completes. */
static void test_core_soft_reset_needs_the_usb_kernel_clock(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_GRSTCTL, R_OTG_GRSTCTL_CSRST_MASK);
    fh_advance(fh, 1 * H7_PS_PER_MS);
    assert_true(rd(fh, A_OTG_GRSTCTL) & R_OTG_GRSTCTL_CSRST_MASK);
    assert_true(fh_logged(fh, "USBSEL"));
}

/* GRSTCTL.CSRST: self-clearing (2 us with the clock), AHBIDL stays 1, interrupts cleared. */
static void test_core_soft_reset_self_clears_with_the_clock(void **state)
{
    fake_host *fh = *state;
    usb_clock_on(fh);
    wr(fh, A_OTG_GINTSTS, 0);
    wr(fh, A_OTG_GUSBCFG, rd(fh, A_OTG_GUSBCFG) | R_OTG_GUSBCFG_PHYSEL_MASK);
    wr(fh, A_OTG_GRSTCTL, R_OTG_GRSTCTL_CSRST_MASK);
    assert_int_equal(rd(fh, A_OTG_GRSTCTL), 0x80000001u);
    fh_advance(fh, 2 * H7_PS_PER_US);
    assert_int_equal(rd(fh, A_OTG_GRSTCTL), 0x80000000u);
    assert_true(rd(fh, A_OTG_GUSBCFG) & R_OTG_GUSBCFG_PHYSEL_MASK);   /* configuration kept */
}

/* OTG1 with PHYSEL = 0 selects the ULPI PHY, which the Nucleo lacks. */
static void test_hs_core_with_ulpi_selected_never_leaves_reset(void **state)
{
    fake_host *fh = *state;
    usb_clock_on(fh);
    fh_write(fh, CM7, HS + A_OTG_GUSBCFG, 0);
    fh_write(fh, CM7, HS + A_OTG_GRSTCTL, R_OTG_GRSTCTL_CSRST_MASK);
    fh_advance(fh, 1 * H7_PS_PER_MS);
    assert_true(fh_read(fh, CM7, HS + A_OTG_GRSTCTL) & R_OTG_GRSTCTL_CSRST_MASK);
    assert_true(fh_logged(fh, "ULPI"));
}

/* USB_FlushTxFifo / USB_FlushRxFifo poll TXFFLSH / RXFFLSH until they clear. */
static void test_fifo_flush_bits_self_clear(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_GRSTCTL, R_OTG_GRSTCTL_TXFFLSH_MASK | (0x10u << 6));
    assert_true(rd(fh, A_OTG_GRSTCTL) & R_OTG_GRSTCTL_TXFFLSH_MASK);
    fh_advance(fh, 2 * H7_PS_PER_US);
    assert_int_equal(rd(fh, A_OTG_GRSTCTL) & 0x30u, 0);
    wr(fh, A_OTG_GRSTCTL, R_OTG_GRSTCTL_RXFFLSH_MASK);
    fh_advance(fh, 2 * H7_PS_PER_US);
    assert_int_equal(rd(fh, A_OTG_GRSTCTL) & 0x30u, 0);
}

/* GUSBCFG.FHMOD/FDMOD: CMOD follows after 25 ms (USB_SetCurrentMode polls USB_GetMode). */
static void test_forced_mode_shows_in_cmod_after_25ms(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_GUSBCFG, rd(fh, A_OTG_GUSBCFG) | R_OTG_GUSBCFG_FHMOD_MASK);
    fh_advance(fh, 24 * H7_PS_PER_MS);
    assert_false(rd(fh, A_OTG_GINTSTS) & 1u);
    fh_advance(fh, 1 * H7_PS_PER_MS);
    assert_true(rd(fh, A_OTG_GINTSTS) & 1u);
    assert_true(fh_traced(fh, "usb2: host mode"));
    wr(fh, A_OTG_GUSBCFG, (rd(fh, A_OTG_GUSBCFG) & ~R_OTG_GUSBCFG_FHMOD_MASK) | R_OTG_GUSBCFG_FDMOD_MASK);
    fh_advance(fh, 25 * H7_PS_PER_MS);
    assert_false(rd(fh, A_OTG_GINTSTS) & 1u);
    assert_true(fh_traced(fh, "usb2: device mode"));
}

/* DCTL.SDIS = 0 with the transceiver on (GCCFG.PWRDWN) connects the D+ pull-up. */
static void test_soft_connect_puts_the_pullup_on_the_timeline(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_DCTL, 0);
    assert_false(fh_traced(fh, "pull-up on"));   /* transceiver still powered down */
    wr(fh, A_OTG_GCCFG, R_OTG_GCCFG_PWRDWN_MASK);
    assert_true(fh_traced(fh, "usb2: D+ pull-up on (soft connect)"));
    assert_true(h7_otg_pullup(&fh->soc.otg[1]));
    wr(fh, A_OTG_DCTL, R_OTG_DCTL_SDIS_MASK);
    assert_true(fh_traced(fh, "usb2: D+ pull-up off"));
}

/* HPRT.PPWR in host mode; PENA is cleared by writing 1 (not set). */
static void test_host_port_power_is_traced(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_GUSBCFG, R_OTG_GUSBCFG_FHMOD_MASK);
    fh_advance(fh, 25 * H7_PS_PER_MS);
    wr(fh, A_OTG_HPRT, R_OTG_HPRT_PPWR_MASK | (1u << 2));
    assert_true(fh_traced(fh, "usb2: host port power on"));
    assert_int_equal(rd(fh, A_OTG_HPRT), R_OTG_HPRT_PPWR_MASK);
}

/* A disable request on an enabled endpoint / channel completes at once (EPDISD / CHH). */
static void test_endpoint_and_channel_disable_complete(void **state)
{
    fake_host *fh = *state;
    uint32_t diepctl1 = 0x920, diepint1 = 0x928, hcchar2 = 0x540, hcint2 = 0x548;
    wr(fh, diepctl1, 1u << 31);
    assert_true(rd(fh, diepctl1) & (1u << 31));
    wr(fh, diepctl1, (1u << 31) | (1u << 30) | (1u << 27));   /* EPENA | EPDIS | SNAK */
    assert_int_equal(rd(fh, diepctl1) & 0xC0000000u, 0);
    assert_true(rd(fh, diepctl1) & (1u << 17));               /* NAKSTS */
    assert_true(rd(fh, diepint1) & (1u << 1));                /* EPDISD */
    wr(fh, diepint1, 1u << 1);
    assert_false(rd(fh, diepint1) & (1u << 1));
    wr(fh, hcchar2, (1u << 31) | (1u << 30));
    assert_int_equal(rd(fh, hcchar2) & 0xC0000000u, 0);
    assert_true(rd(fh, hcint2) & (1u << 1));                  /* CHH */
}

/* GAHBCFG.GINT and GINTMSK gate OTG_FS_IRQn 101. */
static void test_global_interrupt_mask_gates_the_irq(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_GINTMSK, 1u << 5);   /* NPTXFE (set at reset) */
    assert_false(fh->irq[H7_CM7][USB_IRQN_FS]);
    wr(fh, A_OTG_GAHBCFG, R_OTG_GAHBCFG_GINT_MASK);
    assert_true(fh->irq[H7_CM7][USB_IRQN_FS]);
}

static void test_fifo_area_is_logged_as_no_traffic(void **state)
{
    fake_host *fh = *state;
    wr(fh, 0x1000, 0x12345678u);
    assert_int_equal(rd(fh, 0x1000), 0);
    assert_true(fh_logged(fh, "no USB traffic"));
}

static void test_read_only_registers_ignore_writes(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_GSNPSID, 0);
    assert_int_equal(rd(fh, A_OTG_GSNPSID), 0x4F54330Au);
    assert_true(fh_logged(fh, "read-only USB2 OTG_GSNPSID"));
}

/* The host-mode init of the HAL (USB_CoreInit, USB_SetCurrentMode(host), USB_HostInit,
 * USB_DriveVbus, USB_StopHost's channel halt) runs to the end: every flag it polls settles. */
static void test_host_mode_init_sequence_completes(void **state)
{
    fake_host *fh = *state;
    usb_clock_on(fh);
    wr(fh, A_OTG_GUSBCFG, rd(fh, A_OTG_GUSBCFG) | R_OTG_GUSBCFG_PHYSEL_MASK);
    assert_true(rd(fh, A_OTG_GRSTCTL) & R_OTG_GRSTCTL_AHBIDL_MASK);
    wr(fh, A_OTG_GRSTCTL, rd(fh, A_OTG_GRSTCTL) | R_OTG_GRSTCTL_CSRST_MASK);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_false(rd(fh, A_OTG_GRSTCTL) & R_OTG_GRSTCTL_CSRST_MASK);
    wr(fh, A_OTG_GCCFG, R_OTG_GCCFG_PWRDWN_MASK);
    wr(fh, A_OTG_GUSBCFG, (rd(fh, A_OTG_GUSBCFG) & ~(3u << 29)) | R_OTG_GUSBCFG_FHMOD_MASK);
    int ms = 0;
    while (!(rd(fh, A_OTG_GINTSTS) & 1u) && ms < 200) {
        fh_advance(fh, 10 * H7_PS_PER_MS);
        ms += 10;
    }
    assert_true(rd(fh, A_OTG_GINTSTS) & 1u);
    assert_false(h7_otg_pullup(&fh->soc.otg[1]));   /* a host has no D+ pull-up */
    wr(fh, A_OTG_PCGCCTL, 0);
    wr(fh, A_OTG_HCFG, 1u);                          /* FSLSPCS = 48 MHz */
    wr(fh, A_OTG_GRSTCTL, R_OTG_GRSTCTL_TXFFLSH_MASK | (0x10u << 6));
    fh_advance(fh, 10 * H7_PS_PER_US);
    wr(fh, A_OTG_GRSTCTL, R_OTG_GRSTCTL_RXFFLSH_MASK);
    fh_advance(fh, 10 * H7_PS_PER_US);
    assert_int_equal(rd(fh, A_OTG_GRSTCTL) & 0x31u, 0);
    for (uint32_t ch = 0; ch < 16; ch++) {
        wr(fh, 0x508u + 0x20u * ch, 0xFFFFFFFFu);   /* HCINTx */
        wr(fh, 0x50Cu + 0x20u * ch, 0);
    }
    wr(fh, A_OTG_HPRT, R_OTG_HPRT_PPWR_MASK);        /* USB_DriveVbus(1) */
    assert_true(fh_traced(fh, "usb2: host port power on"));
    wr(fh, A_OTG_HCCHAR0, (1u << 31));               /* a channel enabled ... */
    wr(fh, A_OTG_HCCHAR0, (1u << 31) | (1u << 30));  /* ... and halted (USB_StopHost) */
    assert_false(rd(fh, A_OTG_HCCHAR0) & (1u << 31));
    wr(fh, A_OTG_HPRT, 0);                           /* USB_DriveVbus(0) */
    assert_true(fh_traced(fh, "usb2: host port power off"));
}

/* DCTL.SGINAK/CGINAK set and clear the global IN NAK status GINSTS (read-only). */
static void test_global_nak_requests_drive_the_status_bits(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_OTG_DCTL, (1u << 7) | R_OTG_DCTL_SDIS_MASK);
    assert_int_equal(rd(fh, A_OTG_DCTL) & 0x18Eu, (1u << 2) | R_OTG_DCTL_SDIS_MASK);
    wr(fh, A_OTG_DCTL, (1u << 8) | R_OTG_DCTL_SDIS_MASK);
    assert_int_equal(rd(fh, A_OTG_DCTL) & 0x18Eu, R_OTG_DCTL_SDIS_MASK);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(reset_values_the_hal_reads),
        T(core_soft_reset_needs_the_usb_kernel_clock),
        T(core_soft_reset_self_clears_with_the_clock),
        T(hs_core_with_ulpi_selected_never_leaves_reset),
        T(fifo_flush_bits_self_clear),
        T(forced_mode_shows_in_cmod_after_25ms),
        T(soft_connect_puts_the_pullup_on_the_timeline),
        T(host_port_power_is_traced),
        T(endpoint_and_channel_disable_complete),
        T(global_interrupt_mask_gates_the_irq),
        T(fifo_area_is_logged_as_no_traffic),
        T(read_only_registers_ignore_writes),
        T(host_mode_init_sequence_completes),
        T(global_nak_requests_drive_the_status_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

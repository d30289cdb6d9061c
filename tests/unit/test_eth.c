/* Ethernet MAC/DMA and the LAN8742A PHY (RM0399 ETH chapter: "Ethernet registers" DMAMR.SWR,
 * "Station management agent (SMA)" MACMDIOAR/MACMDIODR, "DMA controller description";
 * LAN8742A datasheet register map): what HAL_ETH_Init and the LAN8742 driver wait for. */
#include "support.h"

#include "fake_host.h"

#include <string.h>

#define RCC 0x58024400u
#define ETHB 0x40028000u
#define SYSCFG_PMCR 0x58000404u
#define CM7 H7_MASTER_CM7
#define EPIS_RMII (4u << 21)
#define MDIO_READ(pa, reg) (((pa) << 21) | ((reg) << 16) | (3u << 2) | 1u)
#define MDIO_WRITE(pa, reg) (((pa) << 21) | ((reg) << 16) | (1u << 2) | 1u)

static int setup(void **state)
{
    fake_host *fh = fh_new();
    fh_write(fh, CM7, RCC + 0x0F4, 1u << 1);                           /* APB4ENR.SYSCFGEN */
    fh_write(fh, CM7, RCC + 0x0D8, (1u << 15) | (1u << 16) | (1u << 17)); /* ETH1MAC/TX/RX */
    *state = fh;
    return 0;
}

static int teardown(void **state)
{
    fh_free(*state);
    return 0;
}

static void wr(fake_host *fh, uint32_t off, uint32_t v) { fh_write(fh, CM7, ETHB + off, v); }
static uint32_t rd(fake_host *fh, uint32_t off) { return fh_read(fh, CM7, ETHB + off); }

static bool swr_completes(fake_host *fh)
{
    wr(fh, A_ETH_DMAMR, 1u);
    fh_advance(fh, 10 * H7_PS_PER_US);
    return !(rd(fh, A_ETH_DMAMR) & 1u);
}

static uint16_t mdio_read(fake_host *fh, unsigned pa, unsigned reg)
{
    wr(fh, A_ETH_MACMDIOAR, MDIO_READ(pa, reg) | (4u << 8));   /* CR = HCLK/102 */
    for (int i = 0; i < 1000 && (rd(fh, A_ETH_MACMDIOAR) & 1u); i++)
        fh_advance(fh, H7_PS_PER_US);
    assert_false(rd(fh, A_ETH_MACMDIOAR) & 1u);
    return (uint16_t)rd(fh, A_ETH_MACMDIODR);
}

static void mdio_write(fake_host *fh, unsigned pa, unsigned reg, uint16_t v)
{
    wr(fh, A_ETH_MACMDIODR, v);
    wr(fh, A_ETH_MACMDIOAR, MDIO_WRITE(pa, reg) | (4u << 8));
    fh_advance(fh, 200 * H7_PS_PER_US);
    assert_false(rd(fh, A_ETH_MACMDIOAR) & 1u);
}

static void test_reset_values_of_the_behavioural_registers(void **state)
{
    fake_host *fh = *state;
    for (size_t i = 0; i < h7_eth_nregs; i++)
        assert_int_equal(rd(fh, h7_eth_regs[i].offset), h7_eth_regs[i].reset);
}

/* RMII selected and the PHY's 50 MHz REF_CLK present (Nucleo): SWR clears 2 us later, with
 * every register back to its reset value. */
static void test_software_reset_completes_with_rmii_refclk(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, SYSCFG_PMCR, EPIS_RMII);
    wr(fh, A_ETH_MACCR, 0x3u);
    wr(fh, A_ETH_DMAMR, 1u);
    fh_advance(fh, 1 * H7_PS_PER_US);
    assert_true(rd(fh, A_ETH_DMAMR) & 1u);
    fh_advance(fh, 1 * H7_PS_PER_US);
    assert_false(rd(fh, A_ETH_DMAMR) & 1u);
    assert_int_equal(rd(fh, A_ETH_MACCR), 0x8000u);
    assert_true(fh_traced(fh, "eth: software reset done"));
}

/* EPIS = MII (the reset value) with an RMII-only PHY: no TX_CLK/RX_CLK, SWR never clears. */
static void test_software_reset_hangs_in_mii_mode(void **state)
{
    fake_host *fh = *state;
    assert_false(swr_completes(fh));
    assert_true(fh_traced(fh, "eth: software reset stuck: MII selected"));
    fh_write(fh, CM7, SYSCFG_PMCR, EPIS_RMII);   /* fixed afterwards: the next poll completes it */
    rd(fh, A_ETH_DMAMR);
    fh_advance(fh, 2 * H7_PS_PER_US);
    assert_false(rd(fh, A_ETH_DMAMR) & 1u);
}

static void test_software_reset_hangs_without_reference_clock(void **state)
{
    fake_host *fh = *state;
    fh->soc.cfg.eth.no_refclk = true;
    fh_write(fh, CM7, SYSCFG_PMCR, EPIS_RMII);
    assert_false(swr_completes(fh));
    assert_true(fh_traced(fh, "no RMII reference clock"));
}

static void test_software_reset_hangs_without_mac_tx_rx_clocks(void **state)
{
    fake_host *fh = *state;
    fh_write(fh, CM7, SYSCFG_PMCR, EPIS_RMII);
    fh_write(fh, CM7, RCC + 0x0D8, 1u << 15);
    assert_false(swr_completes(fh));
    assert_true(fh_traced(fh, "ETH1TXEN/ETH1RXEN off"));
}

/* SMA: a read frame sets GB for 64 MDC cycles (MDC = 64 MHz / 102: 102 us) and returns the
 * LAN8742A ID 0x0007/0xC130 at address 0; no PHY at address 1 reads 0xFFFF. */
static void test_mdio_reads_the_lan8742a_identifiers(void **state)
{
    fake_host *fh = *state;
    assert_int_equal(h7_eth_mdio_frame_ps(&fh->soc.eth), 64ull * 42u * H7_PS_PER_S / 64000000u);   /* CR = 0: /42 */
    wr(fh, A_ETH_MACMDIOAR, MDIO_READ(0u, 2u) | (4u << 8));
    assert_int_equal(h7_eth_mdio_frame_ps(&fh->soc.eth), 64ull * 102u * H7_PS_PER_S / 64000000u);
    fh_advance(fh, 100 * H7_PS_PER_US);
    assert_true(rd(fh, A_ETH_MACMDIOAR) & 1u);
    fh_advance(fh, 3 * H7_PS_PER_US);
    assert_false(rd(fh, A_ETH_MACMDIOAR) & 1u);
    assert_int_equal(rd(fh, A_ETH_MACMDIODR), H7_PHY_ID1);
    assert_int_equal(mdio_read(fh, 0, 3), H7_PHY_ID2);
    assert_int_equal(mdio_read(fh, 1, 2), 0xFFFFu);
    assert_int_equal(mdio_read(fh, 0, 18) & 0x1Fu, 0);   /* SMR.PHYAD = 0 */
}

static void test_mdio_write_while_busy_is_a_guest_error(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_ETH_MACMDIOAR, MDIO_READ(0u, 1u) | (4u << 8));
    wr(fh, A_ETH_MACMDIOAR, MDIO_READ(0u, 2u) | (4u << 8));
    assert_true(fh_logged(fh, "while GB = 1"));
}

/* Auto-negotiation: link up (BSR b2, AN complete b5, PSCSR AUTODONE and 100FD) after the
 * board's delay (100 ms default), traced while the MAC is clocked. */
static void test_autonegotiation_brings_the_link_up(void **state)
{
    fake_host *fh = *state;
    mdio_write(fh, 0, 0, 0x8000u);   /* BCR soft reset restarts auto-negotiation */
    assert_int_equal(mdio_read(fh, 0, 0), 0x3100u);
    assert_false(mdio_read(fh, 0, 1) & 0x0004u);
    fh_advance(fh, 100 * H7_PS_PER_MS);
    uint16_t bsr = mdio_read(fh, 0, 1);
    assert_int_equal(bsr & 0x0024u, 0x0024u);
    uint16_t pscsr = mdio_read(fh, 0, 31);
    assert_true(pscsr & 0x1000u);
    assert_int_equal((pscsr >> 2) & 7u, 6u);   /* 100BASE-TX full duplex */
    assert_true(fh_traced(fh, "eth: phy link up (100 Mbit/s full duplex)"));
}

static void test_unplugged_cable_never_gives_a_link(void **state)
{
    fake_host *fh = *state;
    fh->soc.cfg.eth.cable_unplugged = true;
    mdio_write(fh, 0, 0, 0x8000u);
    fh_advance(fh, 3000 * H7_PS_PER_MS);
    assert_false(mdio_read(fh, 0, 1) & 0x0024u);
}

/* The board sets the auto-negotiation time. */
static void test_board_autoneg_time_is_used(void **state)
{
    fake_host *fh = *state;
    fh->soc.cfg.eth.autoneg_ms = 1500;
    mdio_write(fh, 0, 0, 0x1200u);   /* restart auto-negotiation */
    fh_advance(fh, 1400 * H7_PS_PER_MS);
    assert_false(mdio_read(fh, 0, 1) & 0x0004u);
    fh_advance(fh, 100 * H7_PS_PER_MS);
    assert_true(mdio_read(fh, 0, 1) & 0x0004u);
}

static uint32_t g_mem[8];
static bool fake_mem(void *ctx, uint32_t addr, uint32_t *v)
{
    (void)ctx;
    if (addr < 0x24000000u || addr >= 0x24000000u + sizeof g_mem)
        return false;
    *v = g_mem[(addr - 0x24000000u) / 4u];
    return true;
}

/* DMA start fetches the first descriptor; an RX descriptor the CPU still owns gives RBU. */
static void test_dma_start_fetches_the_first_descriptor(void **state)
{
    fake_host *fh = *state;
    h7_eth *e = &fh->soc.eth;
    e->mem_read = fake_mem;
    memset(g_mem, 0, sizeof g_mem);
    g_mem[3] = 0x12345678u;                      /* TX TDES3 */
    g_mem[4 + 3] = 0;                             /* RX RDES3: OWN = 0 */
    wr(fh, A_ETH_DMACTDLAR, 0x24000000u);
    wr(fh, A_ETH_DMACRDLAR, 0x24000010u);
    wr(fh, A_ETH_DMACTCR, 1u);
    assert_true(e->tx_fetched);
    assert_int_equal(e->tx_desc[3], 0x12345678u);
    assert_int_equal(rd(fh, A_ETH_DMACCATDR), 0x24000000u);
    wr(fh, A_ETH_DMACRCR, 1u);
    assert_true(rd(fh, A_ETH_DMACSR) & (1u << 7));   /* RBU */
    assert_true(fh_traced(fh, "eth: rx dma started (descriptor list at 0x24000010)"));
    wr(fh, A_ETH_DMACSR, 1u << 7);
    assert_false(rd(fh, A_ETH_DMACSR) & (1u << 7));
}

static void test_dma_descriptor_list_outside_memory_is_a_bus_error(void **state)
{
    fake_host *fh = *state;
    fh->soc.eth.mem_read = fake_mem;
    wr(fh, A_ETH_DMACTDLAR, 0x20000000u);   /* DTCM: not reachable from the ETH DMA */
    wr(fh, A_ETH_DMACTCR, 1u);
    assert_true(rd(fh, A_ETH_DMACSR) & (1u << 12));   /* FBE */
    assert_true(fh_logged(fh, "fatal bus error"));
}

/* HAL_ETH_Start sets MTLTQOMR.FTQ: the flush of an empty queue ends at once. */
static void test_transmit_queue_flush_self_clears(void **state)
{
    fake_host *fh = *state;
    wr(fh, A_ETH_MTLTQOMR, rd(fh, A_ETH_MTLTQOMR) | 1u);
    assert_int_equal(rd(fh, A_ETH_MTLTQOMR), 0x00070008u);
}

#define T(fn) cmocka_unit_test_setup_teardown(test_##fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(reset_values_of_the_behavioural_registers),
        T(software_reset_completes_with_rmii_refclk),
        T(software_reset_hangs_in_mii_mode),
        T(software_reset_hangs_without_reference_clock),
        T(software_reset_hangs_without_mac_tx_rx_clocks),
        T(mdio_reads_the_lan8742a_identifiers),
        T(mdio_write_while_busy_is_a_guest_error),
        T(autonegotiation_brings_the_link_up),
        T(unplugged_cable_never_gives_a_link),
        T(board_autoneg_time_is_used),
        T(dma_start_fetches_the_first_descriptor),
        T(dma_descriptor_list_outside_memory_is_a_bus_error),
        T(transmit_queue_flush_self_clears),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* ADC1/ADC2/ADC3 (RM0399 chapter "Analog-to-digital converters (ADC)", the 16-bit ADC of rev V)
 * and their two common blocks (ADC12_Common, ADC3_Common): deep power-down, the ADC voltage
 * regulator (ADVREGEN -> LDORDY), calibration (ADCAL, ADCALLIN), ADEN/ADRDY/ADDIS, regular
 * sequences (single, continuous, scan; software start or an external trigger delivered by
 * another model), injected sequences (software start), EOC/EOS/OVR, oversampling, and the DMA
 * request (a level other models poll). Input values come from the board's analog map
 * (h7_analog_config), VREFINT, the temperature sensor and VBAT/4, consistent with the factory
 * calibration words in system memory (h7_adc_write_factory_words). */
#ifndef H7_ADC_H
#define H7_ADC_H

#include "periph.h"
#include "h7sched.h"

H7_REG32(ADC_ISR, 0x00)
    H7_FIELD(ADC_ISR, ADRDY, 0, 1)
    H7_FIELD(ADC_ISR, EOSMP, 1, 1)
    H7_FIELD(ADC_ISR, EOC, 2, 1)
    H7_FIELD(ADC_ISR, EOS, 3, 1)
    H7_FIELD(ADC_ISR, OVR, 4, 1)
    H7_FIELD(ADC_ISR, JEOC, 5, 1)
    H7_FIELD(ADC_ISR, JEOS, 6, 1)
    H7_FIELD(ADC_ISR, LDORDY, 12, 1)
H7_REG32(ADC_IER, 0x04)
H7_REG32(ADC_CR, 0x08)
    H7_FIELD(ADC_CR, ADEN, 0, 1)
    H7_FIELD(ADC_CR, ADDIS, 1, 1)
    H7_FIELD(ADC_CR, ADSTART, 2, 1)
    H7_FIELD(ADC_CR, JADSTART, 3, 1)
    H7_FIELD(ADC_CR, ADSTP, 4, 1)
    H7_FIELD(ADC_CR, JADSTP, 5, 1)
    H7_FIELD(ADC_CR, BOOST, 8, 2)
    H7_FIELD(ADC_CR, ADCALLIN, 16, 1)
    H7_FIELD(ADC_CR, LINCALRDYW, 22, 6)
    H7_FIELD(ADC_CR, ADVREGEN, 28, 1)
    H7_FIELD(ADC_CR, DEEPPWD, 29, 1)
    H7_FIELD(ADC_CR, ADCALDIF, 30, 1)
    H7_FIELD(ADC_CR, ADCAL, 31, 1)
H7_REG32(ADC_CFGR, 0x0C)
    H7_FIELD(ADC_CFGR, DMNGT, 0, 2)
    H7_FIELD(ADC_CFGR, RES, 2, 3)
    H7_FIELD(ADC_CFGR, EXTSEL, 5, 5)
    H7_FIELD(ADC_CFGR, EXTEN, 10, 2)
    H7_FIELD(ADC_CFGR, OVRMOD, 12, 1)
    H7_FIELD(ADC_CFGR, CONT, 13, 1)
H7_REG32(ADC_CFGR2, 0x10)
    H7_FIELD(ADC_CFGR2, ROVSE, 0, 1)
    H7_FIELD(ADC_CFGR2, OVSS, 5, 4)
    H7_FIELD(ADC_CFGR2, OVSR, 16, 10)
    H7_FIELD(ADC_CFGR2, LSHIFT, 28, 4)
H7_REG32(ADC_SMPR1, 0x14)
H7_REG32(ADC_SMPR2, 0x18)
H7_REG32(ADC_PCSEL, 0x1C)
H7_REG32(ADC_LTR1, 0x20)
H7_REG32(ADC_HTR1, 0x24)
H7_REG32(ADC_SQR1, 0x30)
    H7_FIELD(ADC_SQR1, L, 0, 4)
H7_REG32(ADC_SQR2, 0x34)
H7_REG32(ADC_SQR3, 0x38)
H7_REG32(ADC_SQR4, 0x3C)
H7_REG32(ADC_DR, 0x40)
H7_REG32(ADC_JSQR, 0x4C)
    H7_FIELD(ADC_JSQR, JL, 0, 2)
    H7_FIELD(ADC_JSQR, JEXTEN, 7, 2)
H7_REG32(ADC_OFR1, 0x60)
H7_REG32(ADC_OFR2, 0x64)
H7_REG32(ADC_OFR3, 0x68)
H7_REG32(ADC_OFR4, 0x6C)
H7_REG32(ADC_JDR1, 0x80)
H7_REG32(ADC_JDR2, 0x84)
H7_REG32(ADC_JDR3, 0x88)
H7_REG32(ADC_JDR4, 0x8C)
H7_REG32(ADC_AWD2CR, 0xA0)
H7_REG32(ADC_AWD3CR, 0xA4)
H7_REG32(ADC_LTR2, 0xB0)
H7_REG32(ADC_HTR2, 0xB4)
H7_REG32(ADC_LTR3, 0xB8)
H7_REG32(ADC_HTR3, 0xBC)
H7_REG32(ADC_DIFSEL, 0xC0)
H7_REG32(ADC_CALFACT, 0xC4)
H7_REG32(ADC_CALFACT2, 0xC8)

/* Common block (ADC12_Common at 0x4002_2300, ADC3_Common at 0x5802_6300). */
H7_REG32(ADC_CSR, 0x00)
H7_REG32(ADC_CCR, 0x08)
    H7_FIELD(ADC_CCR, CKMODE, 16, 2)
    H7_FIELD(ADC_CCR, PRESC, 18, 4)
    H7_FIELD(ADC_CCR, VREFEN, 22, 1)
    H7_FIELD(ADC_CCR, TSEN, 23, 1)
    H7_FIELD(ADC_CCR, VBATEN, 24, 1)
H7_REG32(ADC_CDR, 0x0C)
H7_REG32(ADC_CDR2, 0x10)

#define H7_ADC_NREGS_MAX 64
#define H7_ADC_CHANNELS 20
/* Factory calibration words (DS12919 "Reference voltage" / "Temperature sensor" tables). */
#define H7_ADC_TS_CAL1_ADDR 0x1FF1E820u   /* TS_CAL1: raw 16-bit, 30 C, VDDA = 3.3 V */
#define H7_ADC_TS_CAL2_ADDR 0x1FF1E840u   /* TS_CAL2: raw 16-bit, 110 C, VDDA = 3.3 V */
#define H7_ADC_VREFINT_CAL_ADDR 0x1FF1E860u /* VREFINT_CAL: raw 16-bit, 30 C, VDDA = 3.3 V */
#define H7_ADC_CAL_VDDA_UV 3300000u
/* This chip's analog constants (typical DS12919 figures; each part has its own in reality). */
#define H7_ADC_VREFINT_UV 1216000u        /* VREFINT typ. 1.216 V */
#define H7_ADC_TS_V30_UV 620000u          /* sensor output at 30 C */
#define H7_ADC_TS_SLOPE_UV_PER_C 2000u    /* Avg_Slope 2 mV/C */

extern const h7_regdesc h7_adc_regs[];
extern const size_t h7_adc_nregs;
extern const h7_regdesc h7_adc_common_regs[];
extern const size_t h7_adc_common_nregs;

/* The board's analog side: VDDA (= VREF+), die temperature, VBAT and per-pin voltages. A pin
 * not listed reads mid-scale (VDDA / 2). Zero vdda_uv means 3.3 V. */
#define H7_ANALOG_MAX_PINS 32
typedef struct h7_analog_pin {
    int8_t port, pin;          /* port 0 = A; pin 0..15 */
    bool c_pad;                /* the PA0_C/PA1_C/PC2_C/PC3_C analog pads */
    uint32_t uv;
} h7_analog_pin;
typedef struct h7_analog_config {
    uint32_t vdda_uv;          /* 0 = 3.3 V */
    uint32_t vbat_uv;          /* 0 = 3.3 V */
    bool has_temp;
    int32_t temp_mc;           /* die temperature in milli-degrees C (default 25 C) */
    h7_analog_pin pins[H7_ANALOG_MAX_PINS];
    unsigned npins;
} h7_analog_config;

struct h7_soc;
struct h7_adc;

/* One common block: CCR (clock mode, prescaler, internal channels) and the CSR view. */
typedef struct h7_adc_common {
    struct h7_soc *soc;
    int group;                 /* 12 or 3 */
    uint32_t ccr, cdr;
    struct h7_adc *adc[2];     /* ADC1/ADC2 or ADC3/NULL */
} h7_adc_common;

typedef struct h7_adc {
    struct h7_soc *soc;
    int index;                 /* 1, 2, 3 */
    h7_adc_common *common;
    uint32_t reg[H7_ADC_NREGS_MAX];   /* by offset / 4; ISR/CR hold the hardware state too */
    bool ldordy;               /* regulator settled */
    unsigned seq_pos;          /* next rank of the regular sequence */
    unsigned jseq_pos;
    bool converting, jconverting;
    bool dma_level;            /* the DMA request line as last driven */
    h7_event ev_ldo, ev_ready, ev_cal, ev_conv, ev_jconv;
} h7_adc;

void h7_adc_common_init(h7_adc_common *c, struct h7_soc *soc, int group, h7_adc *a, h7_adc *b);
void h7_adc_common_reset(h7_adc_common *c, h7_reset_kind kind);
uint32_t h7_adc_common_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_adc_common_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

void h7_adc_init(h7_adc *s, struct h7_soc *soc, int index, h7_adc_common *common);
void h7_adc_reset(h7_adc *s, h7_reset_kind kind);
/* Registers stable until a write or a scheduled event (h7_stable_fn, soc.h). */
bool h7_adc_read_stable(uint32_t offset);
uint32_t h7_adc_read(void *dev, uint32_t offset, unsigned size, h7_master m);
void h7_adc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m);

/* ADC clock f_adc after CKMODE/PRESC and the rev V internal /2 (0: no clock). */
uint32_t h7_adc_clock_hz(const h7_adc *s);
/* Input voltage of channel `ch` in microvolts as this ADC sees it. */
uint32_t h7_adc_channel_uv(const h7_adc *s, unsigned ch);
/* Conversion code of `uv` at reference `vref_uv` and `bits` resolution (round to nearest,
 * clamped to full scale): the one formula behind conversions and factory words. */
uint32_t h7_adc_code(uint32_t uv, uint32_t vref_uv, unsigned bits);
/* Resolution in bits from CFGR.RES (rev V and rev Y encodings). */
unsigned h7_adc_resolution(uint32_t cfgr);

/* An external trigger edge from another model (timer TRGO/CC, EXTI): `extsel` is the trigger
 * number of the RM's "ADC1, ADC2 and ADC3 - External triggers for regular channels" table.
 * Starts the regular sequence when ADSTART = 1, EXTEN != 0 and EXTSEL matches. */
void h7_adc_external_trigger(h7_adc *s, unsigned extsel);
/* DMA request line: a conversion result waits in DR and CFGR.DMNGT selects DMA (01/11). */
bool h7_adc_dma_request(const h7_adc *s);
/* The DMA's read of ADC_DR (clears EOC, as a CPU read does). */
uint32_t h7_adc_dma_read(h7_adc *s);

/* The factory words at 0x1FF1_E820/E840/E860 (TS_CAL1, TS_CAL2, VREFINT_CAL) written into a
 * system-memory image that starts at `sysmem_base`. */
void h7_adc_write_factory_words(uint8_t *sysmem, uint32_t sysmem_base);

#endif

/* Extended interrupt and event controller (RM0399 ch.21; facts §6.3).
 *
 * Trace texts: "exti: line <n> event to <core>" for an event pulse on a direct line used by the
 * boot path (77..80).
 *
 * Decisions (docs/models.md):
 * - Configurable lines set CnPR on a selected edge when CnIMR is set and drive their EXTI NVIC
 *   interrupt while pending; direct lines have no pending bit and pass their level through CnIMR
 *   as a wake-up (the peripheral's own NVIC line carries the interrupt).
 * - Targets (RM0399 Table 152): line 77 (HSEM1) and 79 (CM4 SEV) reach CPU1 only, line 78
 *   (HSEM2) and 80 (CM7 SEV) CPU2 only; other lines reach both CPUs.
 * - A CnEMR-enabled line gives one RXEV pulse per rising edge (a wake-up event for WFE).
 * - Lines 79/80 also pend CM4_SEV_IRQn 65 on the CM7 / CM7_SEV_IRQn 64 on the CM4 when CnIMR is set. */
#include "exti.h"

#include "soc.h"

const h7_regdesc h7_exti_regs[] = {
    {A_EXTI_RTSR1, "EXTI_RTSR1", 0, H7_EXTI_CONFIGURABLE1, 0, 0, 0},
    {A_EXTI_FTSR1, "EXTI_FTSR1", 0, H7_EXTI_CONFIGURABLE1, 0, 0, 0},
    {A_EXTI_SWIER1, "EXTI_SWIER1", 0, H7_EXTI_CONFIGURABLE1, 0, 0, 0},
    {A_EXTI_C1IMR1, "EXTI_C1IMR1", 0xFFC00000u, 0xFFFFFFFFu, 0, 0, 0},
    {A_EXTI_C1EMR1, "EXTI_C1EMR1", 0, 0xFFFFFFFFu, 0, 0, 0},
    {A_EXTI_C1PR1, "EXTI_C1PR1", 0, 0, H7_EXTI_CONFIGURABLE1, 0, 0},
    {A_EXTI_C1IMR3, "EXTI_C1IMR3", 0x018BFFFFu, 0x01FFFFFFu, 0, 0, 0},
    {A_EXTI_C1EMR3, "EXTI_C1EMR3", 0, 0x01FFFFFFu, 0, 0, 0},
    {A_EXTI_C2IMR1, "EXTI_C2IMR1", 0xFFC00000u, 0xFFFFFFFFu, 0, 0, 0},
    {A_EXTI_C2IMR3, "EXTI_C2IMR3", 0x018BFFFFu, 0x01FFFFFFu, 0, 0, 0},
    {A_EXTI_C2EMR3, "EXTI_C2EMR3", 0, 0x01FFFFFFu, 0, 0, 0},
};
const size_t h7_exti_nregs = sizeof h7_exti_regs / sizeof h7_exti_regs[0];

static const uint32_t imr_reset[3] = {0xFFC00000u, 0xFFF5FFFFu, 0x018BFFFFu};
static const uint32_t configurable[3] = {H7_EXTI_CONFIGURABLE1, H7_EXTI_CONFIGURABLE2, H7_EXTI_CONFIGURABLE3};
static const uint32_t group_mask[3] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0x01FFFFFFu};

int h7_exti_line_irq(int line)
{
    if (line >= 0 && line <= 4)
        return 6 + line;
    if (line >= 5 && line <= 9)
        return 23;
    if (line >= 10 && line <= 15)
        return 40;
    if (line == 16)
        return 1;    /* PVD_AVD */
    return -1;
}

static bool line_reaches(int line, h7_core_id cpu)
{
    if (line == 77 || line == 79)
        return cpu == H7_CM7;
    if (line == 78 || line == 80)
        return cpu == H7_CM4;
    return true;
}

/* The EXTI NVIC interrupts of the configurable lines 0..16 (h7_exti_line_irq; lines that share
 * an interrupt, 5-9 and 10-15, are contiguous): level = any of their lines pending. */
static void update_irqs(h7_exti *s, int group)
{
    if (group != 0 || !s->soc->ops.set_irq)
        return;
    for (int k = 0; k < H7_NCORES; k++) {
        uint32_t pr = s->pr[k][0];
        for (int line = 0; line <= 16;) {
            int irq = h7_exti_line_irq(line);
            bool level = false;
            for (; line <= 16 && h7_exti_line_irq(line) == irq; line++)
                level |= (pr >> line) & 1u;
            s->soc->ops.set_irq(s->soc->host, (h7_core_id)k, irq, level);
        }
    }
}

static void send_event(h7_exti *s, int line, h7_core_id cpu)
{
    if (line >= 77 && line <= 80)
        h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_EXTI_EVENT, .core = cpu, .u.exti.line = line});
    if (s->soc->ops.send_event)
        s->soc->ops.send_event(s->soc->host, cpu);
}

/* A triggering edge (or a software trigger) on `line`. */
static void trigger(h7_exti *s, int line)
{
    int g = line / 32;
    uint32_t bit = 1u << (line % 32);
    bool conf = configurable[g] & bit;
    for (int k = 0; k < H7_NCORES; k++) {
        h7_core_id cpu = (h7_core_id)k;
        if (!line_reaches(line, cpu))
            continue;
        if (conf && (s->imr[k][g] & bit))
            s->pr[k][g] |= bit;
        if (s->emr[k][g] & bit)
            send_event(s, line, cpu);
    }
    if (conf)
        update_irqs(s, g);
}

void h7_exti_set_line(h7_exti *e, int line, bool level)
{
    if (line < 0 || line >= H7_EXTI_LINES)
        return;
    int g = line / 32;
    uint32_t bit = 1u << (line % 32);
    bool old = e->level[g] & bit;
    if (old == level)
        return;
    e->level[g] = level ? e->level[g] | bit : e->level[g] & ~bit;
    if (configurable[g] & bit) {
        if ((level && (e->rtsr[g] & bit)) || (!level && (e->ftsr[g] & bit)))
            trigger(e, line);
    } else if (level) {
        trigger(e, line);
    }
}

void h7_exti_pulse_line(h7_exti *e, int line)
{
    if (line < 0 || line >= H7_EXTI_LINES)
        return;
    int g = line / 32;
    uint32_t bit = 1u << (line % 32);
    for (int k = 0; k < H7_NCORES; k++) {
        h7_core_id cpu = (h7_core_id)k;
        if (!line_reaches(line, cpu))
            continue;
        if ((line == 79 || line == 80) && (e->imr[k][g] & bit) && e->soc->ops.set_irq) {
            int irq = line == 79 ? 65 : 64;
            e->soc->ops.set_irq(e->soc->host, cpu, irq, true);
            e->soc->ops.set_irq(e->soc->host, cpu, irq, false);
        }
    }
}

void h7_exti_init(h7_exti *s, struct h7_soc *soc)
{
    *s = (h7_exti){0};
    s->soc = soc;
}

void h7_exti_reset(h7_exti *s, h7_reset_kind kind)
{
    struct h7_soc *soc = s->soc;
    *s = (h7_exti){0};
    s->soc = soc;
    for (int k = 0; k < H7_NCORES; k++)
        for (int g = 0; g < 3; g++)
            s->imr[k][g] = imr_reset[g];
    update_irqs(s, 0);
}

/* Register -> storage. Shared block per group at 0x00/0x20/0x40, CPU1 at 0x80+0x10*g, CPU2 at 0xC0+0x10*g. */
static uint32_t *locate(h7_exti *s, uint32_t off, int *group, int *kind)
{
    *kind = 0;
    if (off < 0x60u) {
        int g = off / 0x20u;
        *group = g;
        switch (off % 0x20u) {
        case 0x00: return &s->rtsr[g];
        case 0x04: return &s->ftsr[g];
        case 0x08: *kind = 1; return NULL;   /* SWIER */
        case 0x0C: return &s->d3pmr[g];
        case 0x10: return &s->d3pcrl[g];
        case 0x14: return &s->d3pcrh[g];
        default: return NULL;
        }
    }
    if (off >= 0x80u && off < 0xF0u) {
        int cpu = off >= 0xC0u;
        uint32_t r = off - (cpu ? 0xC0u : 0x80u);
        int g = r / 0x10u;
        if (g > 2)
            return NULL;
        *group = g;
        switch (r % 0x10u) {
        case 0x0: return &s->imr[cpu][g];
        case 0x4: return &s->emr[cpu][g];
        case 0x8: *kind = 2; return &s->pr[cpu][g];
        default: return NULL;
        }
    }
    return NULL;
}

uint32_t h7_exti_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_exti *s = dev;
    int g = 0, kind = 0;
    uint32_t *p = locate(s, offset & ~3u, &g, &kind);
    if (!p) {
        if (kind != 1)
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "EXTI", "%s read of EXTI+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
    return h7_subword_read(*p, offset, size);
}

void h7_exti_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_exti *s = dev;
    int g = 0, kind = 0;
    uint32_t off = offset & ~3u;
    uint32_t *p = locate(s, off, &g, &kind);
    if (size < 4)
        value = h7_subword_merge(p ? *p : 0, offset, size, value);
    if (kind == 1) {   /* SWIER: software trigger of configurable lines */
        uint32_t bits = value & configurable[g];
        for (int b = 0; b < 32; b++)
            if (bits & (1u << b))
                trigger(s, g * 32 + b);
        return;
    }
    if (!p) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "EXTI", "%s write of 0x%08X to EXTI+0x%03X ignored: no register there",
                   h7_master_name(m), value, offset);
        return;
    }
    if (kind == 2) {   /* CnPR: write 1 to clear */
        *p &= ~(value & configurable[g]);
        update_irqs(s, g);
        return;
    }
    if (off < 0x60u && (off % 0x20u) < 0x08u)
        value &= configurable[g];   /* RTSR/FTSR exist for configurable lines only */
    *p = value & group_mask[g];
}

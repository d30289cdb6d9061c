/* Independent watchdogs IWDG1/IWDG2 (RM0399 ch.45).
 *
 * Trace text: "iwdg1: timeout, system reset" / "iwdg1: refreshed outside the window, system reset"
 * (and iwdg2), then the machine's "system reset (iwdg1 timeout)".
 *
 * Decisions (docs/models.md):
 * - LSI is 32 kHz exactly; the counter is computed from time: it is RLR at the last reload and
 *   drops by one every (4 << PR) LSI periods (PR 6 and 7 both /256). It reaches 0 -- the reset --
 *   RLR prescaled periods after the reload (RM0399 §45.3: "when the counter reaches 0x000 a reset is
 *   generated").
 * - PR/RLR/WINR writes reach the watchdog 5 LSI periods later (PVU/RVU/WVU busy meanwhile); a new
 *   RLR is used from the next reload; writing WINR reloads the counter once it lands (§45.3.x).
 * - Both IWDG1 and IWDG2 reset the whole system (IWDGxRSTF in RCC_RSR of both CPUs).
 * - The IWDGx_SW option bytes (FLASH_OPTSR b4/b5) = 0 start the watchdog at every reset (hardware
 *   watchdog); the factory value is software.
 * - DBGMCU_APB4FZ1/FZ2 WDGLSD1/2 (bits 18/19) freeze the counter while CPU1/CPU2 is halted by the
 *   debugger: the model works in its own time (virtual time minus the frozen spans, h7_freeze), so
 *   the counter holds its value and the timeout moves by the halt's length. The PR/RLR/WINR update
 *   (busy flags) is APB-side and is not frozen. */
#include "iwdg.h"

#include "soc.h"

/* The register list (names, reset values, writable bits) is the SVD table of IWDG1/IWDG2
 * (h755_regs.c, tools/gen_regs.py); the model adds the behaviour. */

static uint32_t prescaler(uint32_t pr) { return pr >= 6 ? 256u : 4u << pr; }

static h7_time_ps lsi_ticks_ps(uint64_t lsi_cycles) { return (h7_time_ps)(lsi_cycles * H7_PS_PER_S / H7_LSI_HZ); }

h7_time_ps h7_iwdg_timeout_ps(const h7_iwdg *s) { return lsi_ticks_ps((uint64_t)s->rlr_act * prescaler(s->pr_act)); }

/* The watchdog's own time: virtual time minus the time it spent frozen by the debugger. */
static h7_time_ps iwdg_now(const h7_iwdg *s) { return h7_freeze_local(&s->fz, h7_soc_now(s->soc)); }

/* The timeout event at reload_t + timeout (own time), none while frozen or stopped. */
static void arm_timeout(h7_iwdg *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_timeout);
    if (s->started && !s->fz.on)
        h7_sched_add(s->soc->sched, &s->ev_timeout, h7_freeze_global(&s->fz, s->reload_t + h7_iwdg_timeout_ps(s)));
}

uint32_t h7_iwdg_counter(const h7_iwdg *s)
{
    if (!s->started)
        return s->rlr_act;
    h7_time_ps now = iwdg_now(s);
    uint64_t ticks = now > s->reload_t ? (uint64_t)((now - s->reload_t) * H7_LSI_HZ / H7_PS_PER_S) / prescaler(s->pr_act) : 0;
    return ticks >= s->rlr_act ? 0 : s->rlr_act - (uint32_t)ticks;
}

static void reload(h7_iwdg *s, h7_time_ps now)
{
    s->reload_t = now;
    arm_timeout(s);
}

static void fire_reset(h7_iwdg *s, const char *why)
{
    /* A typed event: the machine reacts with a system reset at the next safe point. */
    h7_soc_emit(s->soc, &(h7_ev){.kind = H7_EV_RESET_REQUEST,
                                 .u.rstreq = {s->index == 1 ? "iwdg1" : "iwdg2", why,
                                           s->index == 1 ? H7_CAUSE_IWDG1 : H7_CAUSE_IWDG2, false}});
    s->started = false;   /* the reset stops it; until the machine applies it, nothing more fires */
}

static void on_timeout(void *opaque, h7_time_ps when)
{
    fire_reset(opaque, "timeout");
}

/* DBGMCU freeze (RM0399 §63.5.x APB4FZ1/APB4FZ2 WDGLSDx, b18/b19): CPUx halted by the debugger. */
void h7_iwdg_debug_halt_changed(h7_iwdg *s)
{
    bool frozen = h7_dbgmcu_freezes(s->soc, A_DBGMCU_APB4FZ1, 1u << (17 + s->index));
    if (h7_freeze_set(&s->fz, frozen, h7_soc_now(s->soc)))
        arm_timeout(s);
}

/* The written PR/RLR/WINR values reach the watchdog (busy flags clear). */
static void on_update(void *opaque, h7_time_ps when)
{
    h7_iwdg *s = opaque;
    bool win = s->sr & R_IWDG_SR_WVU_MASK;
    h7_time_ps local = h7_freeze_local(&s->fz, when);
    if (s->sr & R_IWDG_SR_PVU_MASK) {
        /* keep the counter value across a prescaler change */
        uint32_t cnt = h7_iwdg_counter(s);
        s->pr_act = s->pr;
        s->reload_t = local - lsi_ticks_ps((uint64_t)(s->rlr_act - cnt) * prescaler(s->pr_act));
        arm_timeout(s);
    }
    if (s->sr & R_IWDG_SR_RVU_MASK)
        s->rlr_act = s->rlr;
    if (win) {
        s->winr_act = s->winr;
        reload(s, local);   /* writing WINR reloads the down-counter */
    }
    s->sr = 0;
}

void h7_iwdg_init(h7_iwdg *s, struct h7_soc *soc, int index)
{
    *s = (h7_iwdg){0};
    s->soc = soc;
    s->index = index;
    s->map = h7_h755_regmap(index == 1 ? "IWDG1" : "IWDG2");
    h7_event_init(&s->ev_timeout, index == 1 ? "iwdg1.timeout" : "iwdg2.timeout", on_timeout, s);
    h7_event_init(&s->ev_update, index == 1 ? "iwdg1.update" : "iwdg2.update", on_update, s);
}

void h7_iwdg_reset(h7_iwdg *s, h7_reset_kind kind)
{
    h7_sched_cancel(s->soc->sched, &s->ev_timeout);
    h7_sched_cancel(s->soc->sched, &s->ev_update);
    s->access = s->started = false;
    s->pr = s->pr_act = h7_regmap_reset(s->map, A_IWDG_PR);
    s->rlr = s->rlr_act = h7_regmap_reset(s->map, A_IWDG_RLR);
    s->winr = s->winr_act = h7_regmap_reset(s->map, A_IWDG_WINR);
    s->sr = h7_regmap_reset(s->map, A_IWDG_SR);
    s->reload_t = 0;
    /* Hardware watchdog: option byte IWDG1_SW (FLASH_OPTSR b4) / IWDG2_SW (b5) = 0 starts it at
     * every reset (RM0399 §45.3.x). The FLASH model is reset before the watchdogs. */
    if (!((s->soc->flash.cur_optsr >> (3 + s->index)) & 1u)) {
        s->started = true;
        reload(s, iwdg_now(s));
    }
}

uint32_t h7_iwdg_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_iwdg *s = dev;
    uint32_t v;
    switch (offset & ~3u) {
    case A_IWDG_KR: v = 0; break;
    case A_IWDG_PR: v = s->pr; break;
    case A_IWDG_RLR: v = s->rlr; break;
    case A_IWDG_SR: v = s->sr; break;
    case A_IWDG_WINR: v = s->winr; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "IWDG", "%s read of IWDG%d+0x%03X: no register there", h7_master_name(m),
                   s->index, offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

static void write_key(h7_iwdg *s, uint32_t key, h7_master m)
{
    h7_time_ps now = iwdg_now(s);
    s->access = key == H7_IWDG_KEY_ACCESS;   /* any other value write-protects PR/RLR/WINR again */
    if (key == H7_IWDG_KEY_START && !s->started) {
        s->started = true;   /* starts the LSI too; only a reset stops the watchdog */
        reload(s, now);
    } else if (key == H7_IWDG_KEY_RELOAD && s->started) {
        uint32_t cnt = h7_iwdg_counter(s);
        if (s->winr_act < 0xFFFu && cnt > s->winr_act) {
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "IWDG", "%s refreshes IWDG%d with the counter at %u above the window %u "
                       "(RM0399 §45.3.x): reset", h7_master_name(m), s->index, cnt, s->winr_act);
            fire_reset(s, "refreshed outside the window");
            return;
        }
        reload(s, now);
    }
}

void h7_iwdg_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_iwdg *s = dev;
    uint32_t off = offset & ~3u;
    const h7_regdesc *r = h7_regmap_row(s->map, off);
    if (!r) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "IWDG", "%s write of 0x%08X to IWDG%d+0x%03X ignored: no register there",
                   h7_master_name(m), value, s->index, offset);
        return;
    }
    uint32_t v = h7_subword_merge(0, offset, size, value);
    if (off == A_IWDG_KR) {
        write_key(s, v & 0xFFFFu, m);
        return;
    }
    if (off == A_IWDG_SR) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "IWDG", "%s write to read-only IWDG%d_SR ignored", h7_master_name(m), s->index);
        return;
    }
    if (!s->access) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "IWDG", "%s writes IWDG%d_%s without the 0x5555 key: ignored (RM0399 §45.3.x)",
                   h7_master_name(m), s->index, r->name);
        return;
    }
    uint32_t *p = off == A_IWDG_PR ? &s->pr : off == A_IWDG_RLR ? &s->rlr : &s->winr;
    *p = v & r->rw_mask;
    s->sr |= off == A_IWDG_PR ? R_IWDG_SR_PVU_MASK : off == A_IWDG_RLR ? R_IWDG_SR_RVU_MASK : R_IWDG_SR_WVU_MASK;
    h7_sched_add(s->soc->sched, &s->ev_update, h7_soc_now(s->soc) + lsi_ticks_ps(H7_IWDG_UPDATE_LSI_CYCLES));
}

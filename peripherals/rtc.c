/* Real-time clock (RM0399 ch.46) and the backup registers.
 *
 * Trace text: none (the calendar would flood the timeline); errors go to the log.
 *
 * How time works: the calendar is a count of ck_apre ticks (RTCCLK / (PREDIV_A + 1)) since
 * 2000-01-01 00:00:00, known at one instant (base_t) and computed for any later time from the RTC
 * clock RCC_BDCR selects (h7_rcc_rtc_clock: LSE after its crystal start-up, LSI, HSE/RTCPRE). The
 * date/time registers, SSR and the flags are derived from it on read. Events are queued only for
 * what someone listens to: one per second while an alarm is enabled, one per wake-up period
 * while the wake-up timer runs.
 *
 * Decisions (docs/models.md):
 * - INITF sets 2 RTCCLK periods after INIT, and never without an RTC clock (the prescalers must
 *   stop on a clock edge; RM0399 §46.3.x) -- this is how HAL_RTC_Init times out when the LSE is
 *   not running. RSF sets 2 RTCCLK periods after it was cleared (shadow copy every 2 RTCCLK).
 * - Shadow registers are the live calendar; reading TR freezes DR, reading SSR freezes TR and DR, until DR is read
 *   (§46.3.x "reading RTC_SSR or RTC_TR locks the values in the higher-order calendar shadow
 *   registers until RTC_DR is read").
 * - Alarms are compared once per second, at the second boundary; the sub-second compare
 *   (ALRMxSSR.MASKSS) is not modelled. ALRxWF/WUTWF read 1 as soon as ALRxE/WUTE is 0 or in init.
 * - Write protection (WPR 0xCA, 0x53) is re-engaged by any reset; every RTC write (backup
 *   registers included) needs PWR_CR1.DBP = 1 (RM0399 §7.4.x backup domain access).
 * - The registers are not gated by RCC_APB4ENR.RTCAPBEN (its reset value is not confirmed).
 * - Not modelled: smooth calibration (CALR stored), SHIFTR, timestamp, tamper, the RTC outputs. */
#include "rtc.h"

#include "soc.h"

#define PS_PER_S 1000000000000ull
#define SECS_PER_DAY 86400ull

/* The register list (names, reset values, access masks; the backup registers included) is the SVD
 * table of RTC (h755_regs.c); the model adds the behaviour. RTC_ISR's flags are rc_w0 and its
 * INITF/RSF/xWF status bits are computed (write_isr, isr_value). */

/* ------------------------------------------------------------------ the RTC clock and the calendar */

static uint32_t pre_s1(const h7_rtc *s) { return (s->prer & 0x7FFFu) + 1u; }
static uint32_t pre_a1(const h7_rtc *s) { return ((s->prer >> 16) & 0x7Fu) + 1u; }
static bool in_init(const h7_rtc *s) { return s->isr & R_RTC_ISR_INIT_MASK; }

/* RTC clock frequency and the time from which it runs (0 Hz: no clock, or the calendar is frozen
 * by the debugger: DBGMCU_APB4FZx DBG_RTC). */
static uint32_t rtc_clock(const h7_rtc *s, h7_time_ps *since)
{
    uint32_t hz = h7_rcc_rtc_clock(&s->soc->rcc, since);
    return s->frozen ? 0 : hz;
}

/* ck_apre ticks since 2000-01-01 at time `now`. */
static uint64_t ticks_at(const h7_rtc *s, h7_time_ps now)
{
    h7_time_ps since;
    uint32_t hz = rtc_clock(s, &since);
    if (!hz || in_init(s))
        return s->base_ticks;
    h7_time_ps start = since > s->base_t ? since : s->base_t;
    if (now <= start)
        return s->base_ticks;
    unsigned __int128 n = (unsigned __int128)(now - start) * hz / ((unsigned __int128)pre_a1(s) * PS_PER_S);
    return s->base_ticks + (uint64_t)n;
}

/* Time at which the calendar reaches `ticks` (H7_TIME_NEVER without a clock). */
static h7_time_ps time_of_ticks(const h7_rtc *s, uint64_t ticks)
{
    h7_time_ps since;
    uint32_t hz = rtc_clock(s, &since);
    if (!hz || in_init(s) || since == H7_TIME_NEVER)
        return H7_TIME_NEVER;
    h7_time_ps start = since > s->base_t ? since : s->base_t;
    unsigned __int128 num = (unsigned __int128)(ticks - s->base_ticks) * pre_a1(s) * PS_PER_S;
    return start + (h7_time_ps)((num + hz - 1u) / hz);
}

static void rebase(h7_rtc *s, h7_time_ps now)
{
    s->base_ticks = ticks_at(s, now);
    s->base_t = now;
}

uint64_t h7_rtc_seconds(h7_rtc *s) { return ticks_at(s, h7_soc_now(s->soc)) / pre_s1(s); }

static unsigned bcd(unsigned v) { return ((v / 10u) << 4) | (v % 10u); }
static unsigned unbcd(unsigned v) { return (v >> 4) * 10u + (v & 0xFu); }
static bool leap(unsigned y) { return y % 4u == 0; }   /* 2000..2099 */
static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

static void days_to_date(uint64_t days, unsigned *y, unsigned *m, unsigned *d)
{
    unsigned yy = 2000;
    while (days >= (leap(yy) ? 366u : 365u) && yy < 2099) {
        days -= leap(yy) ? 366u : 365u;
        yy++;
    }
    unsigned mm = 1;
    while (mm < 12 && days >= month_days(yy, mm))
        days -= month_days(yy, mm++);
    *y = yy;
    *m = mm;
    *d = (unsigned)days + 1u;
}

static uint64_t date_to_days(unsigned y, unsigned m, unsigned d)
{
    uint64_t days = 0;
    for (unsigned yy = 2000; yy < y; yy++)
        days += leap(yy) ? 366u : 365u;
    for (unsigned mm = 1; mm < m && mm <= 12; mm++)
        days += month_days(y, mm);
    return days + (d ? d - 1u : 0);
}

/* Weekday 1 (Monday) .. 7 (Sunday); 2000-01-01 was a Saturday; plus what software wrote. */
static unsigned weekday(const h7_rtc *s, uint64_t days)
{
    int nat = (int)((days + 5u) % 7u);
    return (unsigned)(((nat + s->wdu_offset) % 7 + 7) % 7) + 1u;
}

static uint32_t tr_of(const h7_rtc *s, uint64_t secs)
{
    unsigned tod = (unsigned)(secs % SECS_PER_DAY), h = tod / 3600u, mi = tod / 60u % 60u, se = tod % 60u;
    uint32_t pm = 0;
    if (s->cr & R_RTC_CR_FMT_MASK) {   /* 12-hour format: 12, 1 .. 11 with PM */
        pm = h >= 12 ? 1u << 22 : 0;
        h = h % 12u == 0 ? 12u : h % 12u;
    }
    return pm | bcd(h) << 16 | bcd(mi) << 8 | bcd(se);
}

static uint32_t dr_of(const h7_rtc *s, uint64_t secs)
{
    uint64_t days = secs / SECS_PER_DAY;
    unsigned y, m, d;
    days_to_date(days, &y, &m, &d);
    return bcd(y - 2000u) << 16 | weekday(s, days) << 13 | bcd(m) << 8 | bcd(d);
}

/* ------------------------------------------------------------------ flags, lines, events */

static void update_lines(h7_rtc *s)
{
    bool alarm = ((s->isr & R_RTC_ISR_ALRAF_MASK) && (s->cr & R_RTC_CR_ALRAIE_MASK)) ||
                 ((s->isr & R_RTC_ISR_ALRBF_MASK) && (s->cr & R_RTC_CR_ALRBIE_MASK));
    bool wkup = (s->isr & R_RTC_ISR_WUTF_MASK) && (s->cr & R_RTC_CR_WUTIE_MASK);
    h7_exti_set_line(&s->soc->exti, H7_RTC_EXTI_ALARM, alarm);
    h7_exti_set_line(&s->soc->exti, H7_RTC_EXTI_WAKEUP, wkup);
}

/* Does alarm x (0 = A, 1 = B) match the calendar at `secs` (RM0399 §46.3.x, MSKx = don't care)? */
static bool alarm_matches(const h7_rtc *s, int x, uint64_t secs)
{
    uint32_t a = s->alrmr[x], tr = tr_of(s, secs), dr = dr_of(s, secs);
    if (!(a & (1u << 7)) && (a & 0x7Fu) != (tr & 0x7Fu))
        return false;
    if (!(a & (1u << 15)) && ((a >> 8) & 0x7Fu) != ((tr >> 8) & 0x7Fu))
        return false;
    if (!(a & (1u << 23)) && ((a >> 16) & 0x7Fu) != ((tr >> 16) & 0x7Fu))
        return false;
    if (!(a & (1u << 31))) {
        if (a & (1u << 30)) {   /* WDSEL: DU is the weekday */
            if (((a >> 24) & 0xFu) != ((dr >> 13) & 7u))
                return false;
        } else if (((a >> 24) & 0x3Fu) != (dr & 0x3Fu)) {
            return false;
        }
    }
    return true;
}

static void schedule_second(h7_rtc *s)
{
    if (!(s->cr & (R_RTC_CR_ALRAE_MASK | R_RTC_CR_ALRBE_MASK))) {
        h7_sched_cancel(s->soc->sched, &s->ev_second);
        return;
    }
    uint64_t next = (ticks_at(s, h7_soc_now(s->soc)) / pre_s1(s) + 1u) * pre_s1(s);
    h7_time_ps t = time_of_ticks(s, next);
    if (t == H7_TIME_NEVER)
        h7_sched_cancel(s->soc->sched, &s->ev_second);
    else
        h7_sched_add(s->soc->sched, &s->ev_second, t);
}

static void on_second(void *opaque, h7_time_ps when)
{
    h7_rtc *s = opaque;
    uint64_t secs = ticks_at(s, when) / pre_s1(s);
    for (int x = 0; x < 2; x++)
        if ((s->cr & (x ? R_RTC_CR_ALRBE_MASK : R_RTC_CR_ALRAE_MASK)) && alarm_matches(s, x, secs))
            s->isr |= x ? R_RTC_ISR_ALRBF_MASK : R_RTC_ISR_ALRAF_MASK;
    update_lines(s);
    schedule_second(s);
}

/* Wake-up period (RM0399 §46.3.x): WUCKSEL 0xx = RTCCLK/16, /8, /4, /2; 10x = ck_spre; 11x =
 * ck_spre with WUT + 2^16. */
static h7_time_ps wut_period(const h7_rtc *s, uint32_t hz)
{
    unsigned sel = H7_FIELD_EX(s->cr, RTC_CR, WUCKSEL);
    uint64_t n = (uint64_t)s->wutr + 1u;
    uint64_t div;
    if (sel < 4) {
        div = 16u >> sel;
    } else {
        div = (uint64_t)pre_a1(s) * pre_s1(s);
        if (sel >= 6)
            n += 65536u;
    }
    return (h7_time_ps)((unsigned __int128)n * div * PS_PER_S / hz);
}

static void schedule_wut(h7_rtc *s)
{
    h7_time_ps since;
    uint32_t hz = rtc_clock(s, &since);
    if (!(s->cr & R_RTC_CR_WUTE_MASK) || !hz || since == H7_TIME_NEVER) {
        h7_sched_cancel(s->soc->sched, &s->ev_wut);
        return;
    }
    h7_time_ps start = since > s->wut_t ? since : s->wut_t, now = h7_soc_now(s->soc), p = wut_period(s, hz);
    uint64_t k = now > start ? (now - start) / p + 1u : 1u;
    h7_sched_add(s->soc->sched, &s->ev_wut, start + k * p);
}

static void on_wut(void *opaque, h7_time_ps when)
{
    h7_rtc *s = opaque;
    s->isr |= R_RTC_ISR_WUTF_MASK;
    update_lines(s);
    schedule_wut(s);
}

static void reschedule(h7_rtc *s)
{
    schedule_second(s);
    schedule_wut(s);
}

/* ------------------------------------------------------------------ reset */

void h7_rtc_init(h7_rtc *s, struct h7_soc *soc)
{
    *s = (h7_rtc){0};
    s->soc = soc;
    s->map = h7_h755_regmap("RTC");
    h7_event_init(&s->ev_second, "rtc.second", on_second, s);
    h7_event_init(&s->ev_wut, "rtc.wakeup", on_wut, s);
}

void h7_rtc_backup_domain_reset(h7_rtc *s)
{
    h7_sched_cancel(s->soc->sched, &s->ev_second);
    h7_sched_cancel(s->soc->sched, &s->ev_wut);
    const h7_regmap *map = s->map;
    s->cr = h7_regmap_reset(map, A_RTC_CR);
    s->calr = h7_regmap_reset(map, A_RTC_CALR);
    s->tampcr = h7_regmap_reset(map, A_RTC_TAMPCR);
    s->or_ = h7_regmap_reset(map, A_RTC_OR);
    s->alrmr[0] = h7_regmap_reset(map, A_RTC_ALRMAR);
    s->alrmr[1] = h7_regmap_reset(map, A_RTC_ALRMBR);
    s->alrmssr[0] = h7_regmap_reset(map, A_RTC_ALRMASSR);
    s->alrmssr[1] = h7_regmap_reset(map, A_RTC_ALRMBSSR);
    s->prer = h7_regmap_reset(map, A_RTC_PRER);   /* 0x007F_00FF: 32768 Hz / 128 / 256 */
    s->wutr = h7_regmap_reset(map, A_RTC_WUTR);
    /* ISR: the stored flags (INIT, ALRAF, ALRBF, WUTF) reset to 0; the SVD's reset 0x7 is the
     * ALRAWF/ALRBWF/WUTWF status that isr_value computes. */
    s->isr = h7_regmap_reset(map, A_RTC_ISR) &
             (R_RTC_ISR_INIT_MASK | R_RTC_ISR_ALRAF_MASK | R_RTC_ISR_ALRBF_MASK | R_RTC_ISR_WUTF_MASK);
    for (int i = 0; i < H7_RTC_NBKP; i++)
        s->bkp[i] = h7_regmap_reset(map, A_RTC_BKP0R + 4u * (uint32_t)i);
    s->unlocked = false;
    s->wpr_step = 0;
    s->snap_lock = 0;
    s->wdu_offset = 0;
    /* DR resets to 0x2101: Monday 2000-01-01 (the RM's reset weekday, not the true one) */
    s->base_ticks = 0;
    s->wdu_offset = 1 - 6;
    s->base_t = s->init_t = s->rsf_t = s->wut_t = h7_soc_now(s->soc);
    update_lines(s);
}

void h7_rtc_reset(h7_rtc *s, h7_reset_kind kind)
{
    if (kind == H7_RESET_POWER_ON && !s->soc->cfg.vbat_battery) {
        h7_rtc_backup_domain_reset(s);
        return;
    }
    /* The backup domain keeps running through a system reset; only the bus side restarts. */
    s->unlocked = false;
    s->wpr_step = 0;
    s->snap_lock = 0;
    update_lines(s);
    reschedule(s);
}

/* DBGMCU_APB4FZ1/FZ2 bit 16 DBG_RTC (RM0399 §63.5): the calendar, its sub-second counter and the
 * wake-up timer stop while the CPU of the register is halted. Frozen like a stopped RTC clock:
 * the calendar keeps its value (rebase) and resumes from it; the wake-up timer's start moves by
 * the frozen span. */
void h7_rtc_debug_halt_changed(h7_rtc *s)
{
    bool frozen = h7_dbgmcu_freezes(s->soc, A_DBGMCU_APB4FZ1, 1u << 16);
    if (frozen == s->frozen)
        return;
    h7_time_ps now = h7_soc_now(s->soc);
    if (frozen) {
        rebase(s, now);
        s->frozen_at = now;
    } else {
        s->base_t = now;
        s->wut_t += now - s->frozen_at;
    }
    s->frozen = frozen;
    reschedule(s);
}

void h7_rtc_clock_will_change(h7_rtc *s) { rebase(s, h7_soc_now(s->soc)); }

void h7_rtc_clock_changed(h7_rtc *s)
{
    s->base_t = h7_soc_now(s->soc);
    reschedule(s);
}

/* ------------------------------------------------------------------ bus interface */

static bool initf(const h7_rtc *s, h7_time_ps now)
{
    h7_time_ps since;
    uint32_t hz = rtc_clock(s, &since);
    if (!in_init(s) || !hz || since == H7_TIME_NEVER)
        return false;
    h7_time_ps from = since > s->init_t ? since : s->init_t;
    return now >= from + 2u * PS_PER_S / hz;
}

static uint32_t isr_value(const h7_rtc *s, h7_time_ps now)
{
    uint32_t v = s->isr & (R_RTC_ISR_INIT_MASK | R_RTC_ISR_ALRAF_MASK | R_RTC_ISR_ALRBF_MASK | R_RTC_ISR_WUTF_MASK);
    bool init = initf(s, now);
    if (init)
        v |= R_RTC_ISR_INITF_MASK;
    if (init || !(s->cr & R_RTC_CR_ALRAE_MASK))
        v |= R_RTC_ISR_ALRAWF_MASK;
    if (init || !(s->cr & R_RTC_CR_ALRBE_MASK))
        v |= R_RTC_ISR_ALRBWF_MASK;
    if (init || !(s->cr & R_RTC_CR_WUTE_MASK))
        v |= R_RTC_ISR_WUTWF_MASK;
    if (ticks_at(s, now) / pre_s1(s) >= 366u * SECS_PER_DAY)
        v |= R_RTC_ISR_INITS_MASK;   /* the year is not 2000 (00) */
    h7_time_ps since;
    uint32_t hz = rtc_clock(s, &since);
    if (!in_init(s) && !(s->cr & R_RTC_CR_BYPSHAD_MASK) && hz && since != H7_TIME_NEVER) {
        h7_time_ps from = since > s->rsf_t ? since : s->rsf_t;
        if (now >= from + 2u * PS_PER_S / hz)
            v |= R_RTC_ISR_RSF_MASK;
    }
    return v;
}

uint32_t h7_rtc_read(void *dev, uint32_t offset, unsigned size, h7_master m)
{
    h7_rtc *s = dev;
    uint32_t off = offset & ~3u, v = 0;
    h7_time_ps now = h7_soc_now(s->soc);
    if (off >= A_RTC_BKP0R && off < A_RTC_BKP0R + 4u * H7_RTC_NBKP)
        return h7_subword_read(s->bkp[(off - A_RTC_BKP0R) / 4u], offset, size);
    bool live = m == H7_MASTER_DEBUG;   /* a debugger read does not lock the shadow registers */
    switch (off) {
    case A_RTC_TR: case A_RTC_SSR: {
        uint64_t t = s->snap_lock == 2 && off == A_RTC_TR ? s->snap_ticks : ticks_at(s, now);
        if (!live && !(s->cr & R_RTC_CR_BYPSHAD_MASK) && !(s->snap_lock == 2 && off == A_RTC_TR)) {
            s->snap_ticks = t;
            s->snap_lock = off == A_RTC_SSR ? 2 : 1;
        }
        v = off == A_RTC_TR ? tr_of(s, t / pre_s1(s)) : pre_s1(s) - 1u - (uint32_t)(t % pre_s1(s));
        break;
    }
    case A_RTC_DR: {
        uint64_t t = s->snap_lock ? s->snap_ticks : ticks_at(s, now);
        if (!live)
            s->snap_lock = 0;
        v = dr_of(s, t / pre_s1(s));
        break;
    }
    case A_RTC_CR: v = s->cr; break;
    case A_RTC_ISR: v = isr_value(s, now); break;
    case A_RTC_PRER: v = s->prer; break;
    case A_RTC_WUTR: v = s->wutr; break;
    case A_RTC_ALRMAR: v = s->alrmr[0]; break;
    case A_RTC_ALRMBR: v = s->alrmr[1]; break;
    case A_RTC_CALR: v = s->calr; break;
    case A_RTC_TAMPCR: v = s->tampcr; break;
    case A_RTC_ALRMASSR: v = s->alrmssr[0]; break;
    case A_RTC_ALRMBSSR: v = s->alrmssr[1]; break;
    case A_RTC_OR: v = s->or_; break;
    case A_RTC_WPR: case A_RTC_SHIFTR: case A_RTC_TSTR: case A_RTC_TSDR: case A_RTC_TSSSR: v = 0; break;
    default:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "%s read of RTC+0x%03X: no register there", h7_master_name(m), offset);
        return 0;
    }
    return h7_subword_read(v, offset, size);
}

static void write_tr(h7_rtc *s, uint32_t v)
{
    unsigned h = unbcd((v >> 16) & 0x3Fu), mi = unbcd((v >> 8) & 0x7Fu), se = unbcd(v & 0x7Fu);
    if (s->cr & R_RTC_CR_FMT_MASK)
        h = (h % 12u) + ((v >> 22) & 1u ? 12u : 0u);
    uint64_t days = s->base_ticks / pre_s1(s) / SECS_PER_DAY;
    s->base_ticks = (days * SECS_PER_DAY + h * 3600u + mi * 60u + se) * pre_s1(s);
}

static void write_dr(h7_rtc *s, uint32_t v)
{
    unsigned y = 2000u + unbcd((v >> 16) & 0xFFu), mo = unbcd((v >> 8) & 0x1Fu), d = unbcd(v & 0x3Fu), wdu = (v >> 13) & 7u;
    uint64_t tod = s->base_ticks / pre_s1(s) % SECS_PER_DAY;
    uint64_t days = date_to_days(y, mo ? mo : 1, d);
    s->base_ticks = (days * SECS_PER_DAY + tod) * pre_s1(s);
    int nat = (int)((days + 5u) % 7u) + 1;
    s->wdu_offset = (int)(wdu ? wdu : 1) - nat;
}

static void write_isr(h7_rtc *s, uint32_t v, h7_time_ps now, h7_master m)
{
    /* Flags (ALRAF, ALRBF, WUTF, ...) are rc_w0 and not write-protected. */
    s->isr &= v | ~0x0003FF00u;
    if (!s->unlocked)
        return;
    if (!(v & R_RTC_ISR_RSF_MASK))
        s->rsf_t = now;   /* RSF cleared by software: set again at the next shadow copy */
    bool was = in_init(s), init = v & R_RTC_ISR_INIT_MASK;
    if (!was && init) {
        rebase(s, now);   /* the calendar stops */
        s->isr |= R_RTC_ISR_INIT_MASK;
        s->init_t = now;
        s->snap_lock = 0;
    } else if (was && !init) {
        /* Leaving init mode: the calendar restarts from TR/DR with the prescalers cleared. */
        s->base_ticks = s->base_ticks / pre_s1(s) * pre_s1(s);
        s->isr &= ~R_RTC_ISR_INIT_MASK;
        s->base_t = now;
        s->rsf_t = now;
        s->wut_t = now;
    }
}

static void write_cr(h7_rtc *s, uint32_t v, h7_time_ps now)
{
    uint32_t old = s->cr;
    if ((v & (R_RTC_CR_ADD1H_MASK | R_RTC_CR_SUB1H_MASK)) && !in_init(s)) {
        rebase(s, now);
        uint64_t hour = 3600ull * pre_s1(s);
        if (v & R_RTC_CR_ADD1H_MASK)
            s->base_ticks += hour;
        else if (s->base_ticks >= hour)
            s->base_ticks -= hour;
    }
    s->cr = v & 0x01FCFF7Fu & ~(R_RTC_CR_ADD1H_MASK | R_RTC_CR_SUB1H_MASK);
    if ((s->cr ^ old) & R_RTC_CR_FMT_MASK && !in_init(s))
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "RTC_CR.FMT changed outside initialisation mode (RM0399 §46.6.3)");
    if (!(old & R_RTC_CR_WUTE_MASK) && (s->cr & R_RTC_CR_WUTE_MASK))
        s->wut_t = now;
    if (((old ^ s->cr) & (R_RTC_CR_WUCKSEL_MASK)) && (old & R_RTC_CR_WUTE_MASK) && (s->cr & R_RTC_CR_WUTE_MASK))
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "RTC_CR.WUCKSEL changed while WUTE = 1 (RM0399 §46.3.x)");
}

void h7_rtc_write(void *dev, uint32_t offset, uint32_t value, unsigned size, h7_master m)
{
    h7_rtc *s = dev;
    uint32_t off = offset & ~3u;
    h7_time_ps now = h7_soc_now(s->soc);
    if (!(s->soc->pwr.cr1 & R_PWR_CR1_DBP_MASK)) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "%s write of 0x%08X to RTC+0x%03X ignored: backup domain "
                   "write-protected (PWR_CR1.DBP = 0)", h7_master_name(m), value, offset);
        return;
    }
    if (off >= A_RTC_BKP0R && off < A_RTC_BKP0R + 4u * H7_RTC_NBKP) {
        uint32_t *p = &s->bkp[(off - A_RTC_BKP0R) / 4u];
        *p = h7_subword_merge(*p, offset, size, value);
        return;
    }
    const h7_regdesc *r = h7_regmap_row(s->map, off);
    if (!r) {
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "%s write of 0x%08X to RTC+0x%03X ignored: no register there",
                   h7_master_name(m), value, offset);
        return;
    }
    uint32_t v = size >= 4 ? value : h7_subword_merge(h7_rtc_read(s, off, 4, H7_MASTER_DEBUG), offset, size, value);
    switch (off) {
    case A_RTC_WPR:
        /* Key 0xCA then 0x53 unlocks; any other value locks again (RM0399 §46.3.x). */
        if ((v & 0xFFu) == 0xCAu) {
            s->wpr_step = 1;
        } else if ((v & 0xFFu) == 0x53u && s->wpr_step == 1) {
            s->unlocked = true;
            s->wpr_step = 0;
        } else {
            s->unlocked = false;
            s->wpr_step = 0;
        }
        return;
    case A_RTC_ISR: write_isr(s, v, now, m); break;
    case A_RTC_TAMPCR: s->tampcr = v & r->rw_mask; break;
    case A_RTC_OR: s->or_ = v & r->rw_mask; break;
    case A_RTC_SSR: case A_RTC_TSTR: case A_RTC_TSDR: case A_RTC_TSSSR:
        h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "%s write to read-only %s ignored", h7_master_name(m), r->name);
        return;
    default:
        if (!s->unlocked) {
            h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "%s writes %s while write-protected (RTC_WPR keys 0xCA, 0x53 "
                       "not written): ignored", h7_master_name(m), r->name);
            return;
        }
        switch (off) {
        case A_RTC_TR: case A_RTC_DR: case A_RTC_PRER:
            if (!initf(s, now)) {
                h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "%s writes %s outside initialisation mode (INITF = 0): "
                           "ignored (RM0399 §46.3.x)", h7_master_name(m), r->name);
                return;
            }
            if (off == A_RTC_TR)
                write_tr(s, v & r->rw_mask);
            else if (off == A_RTC_DR)
                write_dr(s, v & r->rw_mask);
            else {
                uint64_t secs = s->base_ticks / pre_s1(s);
                s->prer = v & r->rw_mask;
                s->base_ticks = secs * pre_s1(s);
            }
            break;
        case A_RTC_CR: write_cr(s, v, now); break;
        case A_RTC_WUTR:
            if ((s->cr & R_RTC_CR_WUTE_MASK) && !in_init(s)) {
                h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "RTC_WUTR written while WUTE = 1 (WUTWF = 0): ignored");
                return;
            }
            s->wutr = v & r->rw_mask;
            break;
        case A_RTC_ALRMAR: case A_RTC_ALRMBR: case A_RTC_ALRMASSR: case A_RTC_ALRMBSSR: {
            int x = off == A_RTC_ALRMAR || off == A_RTC_ALRMASSR ? 0 : 1;
            if ((s->cr & (x ? R_RTC_CR_ALRBE_MASK : R_RTC_CR_ALRAE_MASK)) && !in_init(s)) {
                h7_soc_log(s->soc, H7_LOG_GUEST_ERROR, "RTC", "%s written while alarm %c is enabled: ignored (RM0399 §46.3.x)",
                           r->name, x ? 'B' : 'A');
                return;
            }
            if (off == A_RTC_ALRMAR || off == A_RTC_ALRMBR)
                s->alrmr[x] = v;
            else
                s->alrmssr[x] = v & r->rw_mask;
            break;
        }
        case A_RTC_CALR: s->calr = v & r->rw_mask; break;
        case A_RTC_SHIFTR:
            h7_soc_log(s->soc, H7_LOG_UNIMP, "RTC", "RTC_SHIFTR (sub-second shift) not modelled: write ignored");
            return;
        default: break;
        }
    }
    update_lines(s);
    reschedule(s);
}

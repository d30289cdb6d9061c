#include "h7sched.h"

void h7_event_init(h7_event *ev, const char *name, h7_event_fn fn, void *opaque)
{
    ev->name = name;
    ev->fn = fn;
    ev->opaque = opaque;
    ev->when = H7_TIME_NEVER;
    ev->seq = 0;
    ev->queued = false;
    ev->next = NULL;
}

void h7_sched_init(h7_sched *s)
{
    s->head = NULL;
    s->next_seq = 0;
    s->now = 0;
}

void h7_sched_cancel(h7_sched *s, h7_event *ev)
{
    if (!ev->queued)
        return;
    for (h7_event **p = &s->head; *p; p = &(*p)->next) {
        if (*p == ev) {
            *p = ev->next;
            break;
        }
    }
    ev->queued = false;
    ev->next = NULL;
}

void h7_sched_add(h7_sched *s, h7_event *ev, h7_time_ps when)
{
    h7_sched_cancel(s, ev);
    ev->when = when;
    ev->seq = s->next_seq++;
    ev->queued = true;
    h7_event **p = &s->head;
    while (*p && ((*p)->when < when || ((*p)->when == when && (*p)->seq < ev->seq)))
        p = &(*p)->next;
    ev->next = *p;
    *p = ev;
}

h7_time_ps h7_sched_next(const h7_sched *s)
{
    return s->head ? s->head->when : H7_TIME_NEVER;
}

unsigned h7_sched_run_until(h7_sched *s, h7_time_ps t)
{
    unsigned fired = 0;
    while (s->head && s->head->when <= t) {
        h7_event *ev = s->head;
        s->head = ev->next;
        ev->queued = false;
        ev->next = NULL;
        if (ev->when > s->now)
            s->now = ev->when;
        ev->fn(ev->opaque, ev->when);
        fired++;
    }
    if (t > s->now)
        s->now = t;
    return fired;
}

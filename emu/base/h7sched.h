/* The event queue: all peripheral timing goes through here (no per-cycle ticking).
 * Modelled on mGBA's mTiming: events are owned by their peripheral (no allocation), kept in a list
 * sorted by (when, seq) so that two events at the same time always fire in the order they were
 * scheduled -- this is what makes a run deterministic. */
#ifndef H7_SCHED_H
#define H7_SCHED_H

#include "h7types.h"

typedef void (*h7_event_fn)(void *opaque, h7_time_ps when);

typedef struct h7_event {
    const char *name;       /* for traces and debugging */
    h7_event_fn fn;
    void *opaque;
    h7_time_ps when;
    uint64_t seq;
    bool queued;
    struct h7_event *next;
} h7_event;

typedef struct h7_sched {
    h7_event *head;
    uint64_t next_seq;
    h7_time_ps now;         /* time of the last h7_sched_run_until() */
} h7_sched;

void h7_event_init(h7_event *ev, const char *name, h7_event_fn fn, void *opaque);
void h7_sched_init(h7_sched *s);
/* Schedule (or reschedule) ev at absolute time `when`. */
void h7_sched_add(h7_sched *s, h7_event *ev, h7_time_ps when);
void h7_sched_cancel(h7_sched *s, h7_event *ev);
/* Time of the earliest queued event, H7_TIME_NEVER if none. */
h7_time_ps h7_sched_next(const h7_sched *s);
/* Fire, in order, every event with when <= t. Events scheduled by callbacks for times <= t fire
 * too. Returns the number of events fired. */
unsigned h7_sched_run_until(h7_sched *s, h7_time_ps t);

#endif

/* Progress line (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <string.h>

#include "machine.h"

static double secs_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void draw(h7_progress *p)
{
    /* Racy reads of two counters of the running machine: a progress line may be a little stale. */
    h7_time_ps now = __atomic_load_n(&p->m->time, __ATOMIC_RELAXED);
    size_t events = __atomic_load_n(&p->m->trace.emitted, __ATOMIC_RELAXED);
    double wall = secs_since(&p->t0), virt = (double)now / 1e12;
    fprintf(stderr, "\r\033[K  h7emu: %.3f ms of %.3f ms virtual (%.0f%%), %.2fx real time, %zu events", virt * 1e3,
            (double)p->limit / 1e9, p->limit ? 100.0 * (double)now / (double)p->limit : 0.0, wall > 0 ? virt / wall : 0.0,
            events);
    fflush(stderr);
    p->drawn = true;
}

static void *loop(void *arg)
{
    h7_progress *p = arg;
    pthread_mutex_lock(&p->lock);
    for (unsigned tick = 0; !p->stop; tick++) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
        if (!p->stop && tick >= 1)   /* nothing for runs shorter than half a second */
            draw(p);
    }
    if (p->drawn)
        fputs("\r\033[K", stderr);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void h7_progress_start(h7_progress *p, const struct h7_machine *m, h7_time_ps limit)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->limit = limit;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->running = pthread_create(&p->thread, NULL, loop, p) == 0;
}

void h7_progress_stop(h7_progress *p)
{
    if (!p->running)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    p->running = false;
}

/* The progress line of long runs on a terminal: virtual time reached, real-time factor, events so
 * far -- on stderr, redrawn four times a second by a host thread that only reads the machine (the
 * run itself is untouched: same trace with or without it), erased at the end. Shown only when
 * stderr is a terminal that the timeline does not also write to. */
#ifndef H7_PROGRESS_H
#define H7_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "h7types.h"

struct h7_machine;

typedef struct h7_progress {
    const struct h7_machine *m;
    h7_time_ps limit;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop, running, drawn;
    struct timespec t0;
} h7_progress;

void h7_progress_start(h7_progress *p, const struct h7_machine *m, h7_time_ps limit);
void h7_progress_stop(h7_progress *p);

#endif

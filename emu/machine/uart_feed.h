/* `--uart-input FILE|-`: bytes from a file (or stdin) into the console USART's receiver, one
 * frame time apart, as a terminal would send them. Bytes wait while the receiver is off (UE/RE = 0)
 * and are fed from the event queue, so a given input gives the same trace every time. */
#ifndef H7_UART_FEED_H
#define H7_UART_FEED_H

#include <stdio.h>

#include "h7sched.h"

struct h7_machine;

typedef struct h7_uart_feed {
    struct h7_machine *m;
    FILE *in;
    h7_event ev;
    int pending;            /* the next byte, -1 = none read yet */
    unsigned long fed;
} h7_uart_feed;

/* Start feeding after power-on (the queue is cleared by a power-on). */
void h7_uart_feed_start(h7_uart_feed *f, struct h7_machine *m, FILE *in);

#endif

/* `--uart-input [N=]FILE|-`: bytes from a file (or stdin) into a U(S)ART's receiver (the console by
 * default), one frame time apart, as a terminal would send them. Bytes wait while the receiver is
 * off (UE/RE = 0) or RDR / the RX FIFO is full (like RTS/CTS flow control), and are fed from the
 * event queue, so a given input gives the same trace every time. */
#ifndef H7_UART_FEED_H
#define H7_UART_FEED_H

#include <stdio.h>

#include "h7sched.h"

struct h7_machine;

typedef struct h7_uart_feed {
    struct h7_machine *m;
    FILE *in;
    int usart;              /* U(S)ART instance (usart.h numbering: 3 = USART3) */
    h7_event ev;
    int pending;            /* the next byte, -1 = none read yet */
    unsigned long fed;
} h7_uart_feed;

/* Start feeding U(S)ART `usart` after power-on (the queue is cleared by a power-on). */
void h7_uart_feed_start(h7_uart_feed *f, struct h7_machine *m, FILE *in, int usart);

#endif

/* Console input from a file or stdin (uart_feed.h). */
#include "uart_feed.h"

#include "machine.h"

#define RETRY_PS (100 * H7_PS_PER_US)   /* receiver off: try again this much later */

static void feed(void *opaque, h7_time_ps when)
{
    h7_uart_feed *f = opaque;
    h7_machine *m = f->m;
    if (f->pending < 0 && (f->pending = fgetc(f->in)) == EOF)
        return;   /* end of input */
    h7_usart *u = h7_soc_uart(&m->soc, f->usart);
    h7_time_ps frame = h7_usart_frame_ps(u);
    if (!h7_usart_rx_ready(u)) {   /* receiver off, or full: like RTS/CTS flow control, never overrun */
        h7_sched_add(&m->sched, &f->ev, when + (frame ? frame : RETRY_PS));
        return;
    }
    h7_usart_rx(u, (uint8_t)f->pending);
    f->pending = -1;
    f->fed++;
    h7_sched_add(&m->sched, &f->ev, when + (frame ? frame : RETRY_PS));
}

void h7_uart_feed_start(h7_uart_feed *f, h7_machine *m, FILE *in, int usart)
{
    f->m = m;
    f->in = in;
    f->usart = usart;
    f->pending = -1;
    f->fed = 0;
    h7_event_init(&f->ev, "uart-input", feed, f);
    h7_sched_add(&m->sched, &f->ev, m->time + RETRY_PS);
}

/* Console input from a file or stdin (uart_feed.h). */
#include "uart_feed.h"

#include "machine.h"

#define USART_ISR_RXNE (1u << 5)          /* RM0399 §48.8.10: RDR holds an unread byte */
#define RETRY_PS (100 * H7_PS_PER_US)   /* receiver off: try again this much later */

static void feed(void *opaque, h7_time_ps when)
{
    h7_uart_feed *f = opaque;
    h7_machine *m = f->m;
    if (f->pending < 0 && (f->pending = fgetc(f->in)) == EOF)
        return;   /* end of input */
    h7_time_ps frame = h7_usart_frame_ps(&m->soc.usart3);
    if (m->soc.usart3.isr & USART_ISR_RXNE) {   /* like RTS/CTS flow control: never overrun the firmware */
        h7_sched_add(&m->sched, &f->ev, when + (frame ? frame : RETRY_PS));
        return;
    }
    if (!h7_usart_rx(&m->soc.usart3, (uint8_t)f->pending)) {
        h7_sched_add(&m->sched, &f->ev, when + RETRY_PS);
        return;
    }
    f->pending = -1;
    f->fed++;
    h7_sched_add(&m->sched, &f->ev, when + (frame ? frame : RETRY_PS));
}

void h7_uart_feed_start(h7_uart_feed *f, h7_machine *m, FILE *in)
{
    f->m = m;
    f->in = in;
    f->pending = -1;
    f->fed = 0;
    h7_event_init(&f->ev, "uart-input", feed, f);
    h7_sched_add(&m->sched, &f->ev, m->time + RETRY_PS);
}

/* --uart-in: bytes into a U(S)ART's receiver (see uart_feed.h). */
#include "uart_feed.h"

#include <stdlib.h>
#include <string.h>

#define RETRY_PS (100 * H7_PS_PER_US)
#define DEFAULT_FRAME_PS (87 * H7_PS_PER_US)   /* 115200 8N1, when the USART gives no frame time */

typedef struct h7_uart_feed {
    h7_machine *m;
    int usart;
    uint8_t *data;
    size_t len, pos;
    h7_event ev;
} h7_uart_feed;

static void feed_next(void *opaque, h7_time_ps when)
{
    h7_uart_feed *f = opaque;
    if (f->pos >= f->len)
        return;
    h7_usart *u = h7_soc_uart(&f->m->soc, f->usart);
    h7_time_ps wait = RETRY_PS;
    if (h7_usart_rx_ready(u)) {
        h7_usart_rx(u, f->data[f->pos++]);
        wait = h7_usart_frame_ps(u);
        if (!wait)
            wait = DEFAULT_FRAME_PS;
    }
    if (f->pos < f->len)
        h7_sched_add(&f->m->sched, &f->ev, when + wait);
}

bool h7_uart_feed_add(h7_machine *m, int usart, const uint8_t *data, size_t len)
{
    h7_uart_feed *f = calloc(1, sizeof *f);
    if (!f || !(f->data = malloc(len ? len : 1))) {
        free(f);
        return false;
    }
    memcpy(f->data, data, len);
    f->m = m;
    f->usart = usart;
    f->len = len;
    h7_event_init(&f->ev, "uart.feed", feed_next, f);
    free(m->uart_feed[usart] ? m->uart_feed[usart]->data : NULL);
    free(m->uart_feed[usart]);
    m->uart_feed[usart] = f;
    return true;
}

void h7_uart_feed_arm(h7_machine *m)
{
    for (int u = 1; u <= H7_NUARTS; u++) {
        h7_uart_feed *f = m->uart_feed[u];
        if (f && f->pos < f->len && !f->ev.queued)
            h7_sched_add(&m->sched, &f->ev, m->sched.now + RETRY_PS);
    }
}

void h7_uart_feed_free(h7_machine *m)
{
    for (int u = 1; u <= H7_NUARTS; u++)
        if (m->uart_feed[u]) {
            free(m->uart_feed[u]->data);
            free(m->uart_feed[u]);
            m->uart_feed[u] = NULL;
        }
}

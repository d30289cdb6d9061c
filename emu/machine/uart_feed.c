/* --uart-in: bytes into a U(S)ART's receiver (see uart_feed.h). */
#include "uart_feed.h"

#include <stdlib.h>
#include <string.h>

#define RETRY_PS (100 * H7_PS_PER_US)
#define DEFAULT_FRAME_PS (87 * H7_PS_PER_US)   /* 115200 8N1, when the USART gives no frame time */

typedef struct feed {
    h7_uart_feeds *owner;
    int usart;
    uint8_t *data;
    size_t len, pos;
    h7_event ev;
} feed;

struct h7_uart_feeds {
    h7_soc *soc;
    h7_sched *sched;
    feed *f[H7_NUARTS + 1];
};

static void feed_next(void *opaque, h7_time_ps when)
{
    feed *f = opaque;
    if (f->pos >= f->len)
        return;
    h7_usart *u = h7_soc_uart(f->owner->soc, f->usart);
    h7_time_ps wait = RETRY_PS;
    if (h7_usart_rx_ready(u)) {
        h7_usart_rx(u, f->data[f->pos++]);
        wait = h7_usart_frame_ps(u);
        if (!wait)
            wait = DEFAULT_FRAME_PS;
    }
    if (f->pos < f->len)
        h7_sched_add(f->owner->sched, &f->ev, when + wait);
}

h7_uart_feeds *h7_uart_feeds_new(h7_soc *soc, h7_sched *sched)
{
    h7_uart_feeds *fs = calloc(1, sizeof *fs);
    if (fs) {
        fs->soc = soc;
        fs->sched = sched;
    }
    return fs;
}

static void feed_free(feed *f)
{
    if (f)
        free(f->data);
    free(f);
}

bool h7_uart_feed_add(h7_uart_feeds *fs, int usart, const uint8_t *data, size_t len)
{
    if (!fs || usart < 1 || usart > H7_NUARTS)
        return false;
    feed *f = calloc(1, sizeof *f);
    if (!f || !(f->data = malloc(len ? len : 1))) {
        free(f);
        return false;
    }
    memcpy(f->data, data, len);
    f->owner = fs;
    f->usart = usart;
    f->len = len;
    h7_event_init(&f->ev, "uart.feed", feed_next, f);
    if (fs->f[usart])
        h7_sched_cancel(fs->sched, &fs->f[usart]->ev);
    feed_free(fs->f[usart]);
    fs->f[usart] = f;
    return true;
}

void h7_uart_feeds_arm(h7_uart_feeds *fs)
{
    if (!fs)
        return;
    for (int u = 1; u <= H7_NUARTS; u++) {
        feed *f = fs->f[u];
        if (f && f->pos < f->len && !f->ev.queued)
            h7_sched_add(fs->sched, &f->ev, fs->sched->now + RETRY_PS);
    }
}

void h7_uart_feeds_free(h7_uart_feeds *fs)
{
    if (!fs)
        return;
    for (int u = 1; u <= H7_NUARTS; u++)
        feed_free(fs->f[u]);
    free(fs);
}

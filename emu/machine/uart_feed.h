/* --uart-in N=FILE: the bytes of FILE arrive on U(S)ART N's RX pin, one frame time apart, while
 * the receiver can take them (UE = RE = 1 and RDR / the RX FIFO not full: like a sender that
 * honours RTS flow control); otherwise the feed waits (checked every 100 us of virtual time), so
 * no byte is lost to a receiver the firmware has not enabled or not read yet. Deterministic: the
 * feed is paced by virtual time only. After a reset the feed goes on where it was. */
#ifndef H7_UART_FEED_H
#define H7_UART_FEED_H

#include "soc.h"

typedef struct h7_uart_feeds h7_uart_feeds;

h7_uart_feeds *h7_uart_feeds_new(h7_soc *soc, h7_sched *sched);
void h7_uart_feeds_free(h7_uart_feeds *f);
/* Take `len` bytes (copied) for instance `usart` (1..9). False when out of memory. */
bool h7_uart_feed_add(h7_uart_feeds *f, int usart, const uint8_t *data, size_t len);
/* (Re)arm the feeds: after a power-on or a system reset emptied the event queue. */
void h7_uart_feeds_arm(h7_uart_feeds *f);

#endif

/* A VCD waveform (and the same signals as an SVG picture) of what a person wants to see of a boot (opens in GTKWave): core states, D1/D2
 * domain states, VOS and ACTVOSRDY, sys_ck, HSEM owners, LEDs, console TX, device lock.
 * Sampled at every trace event (the machine changes state only around events). */
#ifndef H7_VCD_H
#define H7_VCD_H

#include <stdio.h>

#include "h7types.h"

struct h7_machine;
typedef struct h7_vcd h7_vcd;

/* `out` may be NULL when only the SVG picture is wanted; samples are also kept for it. */
h7_vcd *h7_vcd_open(FILE *out, struct h7_machine *m);
void h7_vcd_sample(h7_vcd *v, h7_time_ps t);
/* Render the recorded signals as an SVG timing diagram (`title` on top), before closing. */
void h7_vcd_write_svg(h7_vcd *v, FILE *svg, const char *title, h7_time_ps end);
void h7_vcd_close(h7_vcd *v, h7_time_ps end);

#endif

/* A VCD waveform of what a person wants to see of a boot (opens in GTKWave): core states, D1/D2
 * domain states, VOS and ACTVOSRDY, sys_ck, HSEM owners, LEDs, console TX, device lock.
 * Sampled at every trace event (the machine changes state only around events). */
#ifndef H7_VCD_H
#define H7_VCD_H

#include <stdio.h>

#include "h7types.h"

struct h7_machine;
typedef struct h7_vcd h7_vcd;

h7_vcd *h7_vcd_open(FILE *out, struct h7_machine *m);
void h7_vcd_sample(h7_vcd *v, h7_time_ps t);
void h7_vcd_close(h7_vcd *v, h7_time_ps end);

#endif

/* 16,384 SEV instructions in a row, run four times: every block of them sets the event register
 * (a following WFE does not sleep). Many SEV sites must cost no more than any other code. */
#include "util.h"

volatile uint32_t g_sev_many_done;

int main(void)
{
    for (int round = 0; round < 4; round++) {
        __asm volatile(".rept 16384\n\tsev\n\t.endr" ::: "memory");
        WFE();   /* the event register is set: must not sleep */
    }
    g_sev_many_done = 1;
    for (;;)
        WFI();
}

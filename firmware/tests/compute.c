/* Compute-bound benchmark image: the kernels of kernels.c forever; g_iterations counts finished
 * outer iterations (bench/bench_mips.c reads it to get instructions per iteration). */
#include "kernels.h"

int main(void)
{
    kernels_init();
    for (;;)
        kernel_iteration();
}

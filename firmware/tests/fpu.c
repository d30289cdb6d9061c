/* FPU: double precision on the CM7 (fpv5-d16), single on the CM4 (fpv4-sp-d16), and FP context
 * preserved across interrupts (the handler clobbers s0-s15: the extended frame must restore them). */
#include "util.h"

#if CORE_CM7
typedef double real;
#else
typedef float real;
#endif

volatile uint32_t g_ok, g_fp_errors, g_fp_irqs, g_fpu_done;
volatile real g_result_d;

void SysTick_Handler(void)
{
    volatile float a = 1.25f, b = 3.5f;
    float x = 0;
    for (int i = 0; i < 8; i++)
        x = x * a + b;   /* uses s0-s15 */
    a = x;
    g_fp_irqs++;
}

static real newton_sqrt(real v)
{
    real x = v;
    for (int i = 0; i < 30; i++)
        x = (x + v / x) * (real)0.5;
    return x;
}

static real series(int n)
{
    real s = 0, t = 1;
    for (int i = 1; i <= n; i++) {
        t = t * (real)0.5;
        s = s + t * (real)i;
    }
    return s;
}

/* The FPU is enabled before main, as CMSIS SystemInit does: in main the compiler may schedule FP
 * instructions before the CPACR store, and on silicon those are NOCP UsageFaults. */
void early_init(void)
{
    SCB_CPACR |= 0xFu << 20;
    __asm volatile("dsb\n isb" ::: "memory");
}

int main(void)
{
    real r = newton_sqrt((real)2.0);
    g_result_d = r;
    real d = r * r - (real)2.0;
#if CORE_CM7
    g_ok = d < 1e-15 && d > -1e-15 && r > 1.41421356237 && r < 1.41421356238;
#else
    g_ok = d < 1e-6f && d > -1e-6f && r > 1.414213f && r < 1.414214f;
#endif
    real expect = series(40);
    SYST_RVR = 997u - 1u;   /* an interrupt every 997 cycles lands in the middle of the math */
    SYST_CVR = 0;
    SYST_CSR = 7u;
    for (int k = 0; k < 3000; k++) {
        real v = series(40);
        if (v != expect)
            g_fp_errors++;
    }
    SYST_CSR = 0;
    g_fpu_done = 1;
    for (;;)
        WFI();
}

/* Unicorn version differences (engine.h). Each rule below was measured by bench/bench_engine_probe
 * on both libraries; docs/machine.md "Engine differences" has the table. */
#include "engine.h"

#include <stdio.h>

static h7_engine g_engine;
static bool g_engine_known;

const h7_engine *h7_engine_get(void)
{
    if (!g_engine_known) {
        unsigned major = 0, minor = 0;
        unsigned v = uc_version(&major, &minor);
        g_engine.major = major;
        g_engine.minor = minor;
        g_engine.patch = (v >> 8) & 0xFFu;
        snprintf(g_engine.name, sizeof g_engine.name, "Unicorn %u.%u.%u", major, minor, g_engine.patch);
        /* 2.1 changed the meaning of an INSN_INVALID hook returning true from "stop" to "continue". */
        g_engine.hint_hook_true_stops = major == 2 && minor == 0;
        g_engine_known = true;
    }
    return &g_engine;
}

bool h7_engine_stop_at_hint(uc_engine *uc)
{
    /* Probe "WFE hook returns true + emu_stop": PC after the WFE, UC_ERR_OK, on 2.0.1 and 2.1.1
     * alike; on 2.0.1 the stop is what the engine does anyway. */
    uc_emu_stop(uc);
    return true;
}

bool h7_engine_continue_after_hint(bool *engine_stops)
{
    *engine_stops = h7_engine_get()->hint_hook_true_stops;
    return true;
}

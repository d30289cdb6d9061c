/* Command-line entry points for scenarios: `h7emu run X.yaml` and `h7emu test ...`. */
#ifndef H7_CLI_SCENARIO_H
#define H7_CLI_SCENARIO_H

#include <stdbool.h>

bool h7_is_scenario_path(const char *arg);
int h7_cmd_run_scenario(int argc, char **argv);
int h7_cmd_test(int argc, char **argv);

#endif

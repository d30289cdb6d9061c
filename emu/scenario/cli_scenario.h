/* Command-line entry points for scenarios: `h7emu run X.yaml` and `h7emu test ...`. */
#ifndef H7_CLI_SCENARIO_H
#define H7_CLI_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

bool h7_is_scenario_path(const char *arg);
/* Open an output file ("-" = stdout); NULL with a message on stderr. */
FILE *h7_open_output(const char *path, const char *what);
/* Flush and close the n files opened with h7_open_output (NULL entries skipped, stdout only
 * flushed). -1 after printing "error writing PATH: reason" if any write or close failed. */
int h7_close_outputs(FILE *const *files, const char *const *paths, size_t n);
/* Flush stdout; -1 after a message if anything written to it was lost (a full disk, a closed pipe). */
int h7_check_stdout(void);
int h7_cmd_run_scenario(int argc, char **argv);
int h7_cmd_test(int argc, char **argv);

#endif

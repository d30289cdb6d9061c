/* Helpers of the suite runner (`h7emu test`) for CI: sharding a suite across machines, and the
 * facts a JUnit testcase carries (board, seed, virtual time, exit reason, diagnosis), read back
 * from a scenario run's report. */
#ifndef H7_SUITE_H
#define H7_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "K/N" with 1 <= K <= N <= 1024. */
bool h7_shard_parse(const char *s, unsigned *k, unsigned *n);
/* Stable shard (1..n) of a scenario: FNV-1a of its file name (not the directory, so the split is
 * the same on every runner whatever the checkout path). */
unsigned h7_shard_of(const char *path, unsigned n);

typedef struct h7_run_facts {
    char board[64];         /* from "--- h7emu summary at T (board B) ---" */
    char vtime[40];         /* "10000.000 us" */
    char outcome[16];       /* running / locked / fault / timeout ("outcome: X" line) */
    char diagnosis[700];    /* "RULE (...) at T: rule text -- fix: ..." or "" */
} h7_run_facts;

void h7_run_facts_parse(const char *report, h7_run_facts *f);

#endif

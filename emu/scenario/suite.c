/* Suite-runner helpers: shards and JUnit facts (suite.h). */
#define _GNU_SOURCE
#include "suite.h"

#include <stdlib.h>
#include <string.h>

bool h7_shard_parse(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return false;
    const char *t = end + 1;
    unsigned long b = strtoul(t, &end, 10);
    if (end == t || *end || b < 1 || b > 1024 || a < 1 || a > b)
        return false;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return true;
}

unsigned h7_shard_of(const char *path, unsigned n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)base; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ull;
    }
    return (unsigned)(h % n) + 1u;
}

/* The text after `key` on the first line starting with it, up to the end of that line. */
static bool line_after(const char *report, const char *key, char *out, size_t len)
{
    size_t kl = strlen(key);
    for (const char *line = report; line && *line;) {
        if (!strncmp(line, key, kl)) {
            const char *v = line + kl, *e = strchr(v, '\n');
            size_t n = e ? (size_t)(e - v) : strlen(v);
            snprintf(out, len, "%.*s", (int)n, v);
            return true;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return false;
}

static void trim(char *s)
{
    char *p = s;
    while (*p == ' ')
        p++;
    memmove(s, p, strlen(p) + 1);
    for (size_t n = strlen(s); n && s[n - 1] == ' ';)
        s[--n] = '\0';
}

void h7_run_facts_parse(const char *report, h7_run_facts *f)
{
    memset(f, 0, sizeof *f);
    char summary[200];
    if (line_after(report, "--- h7emu summary at ", summary, sizeof summary)) {
        char *b = strstr(summary, " (board ");
        if (b) {
            *b = '\0';
            snprintf(f->vtime, sizeof f->vtime, "%.39s", summary);
            trim(f->vtime);
            char *e = strchr(b + 8, ')');
            snprintf(f->board, sizeof f->board, "%.*s", e ? (int)(e - (b + 8)) : 0, b + 8);
        }
    }
    line_after(report, "outcome: ", f->outcome, sizeof f->outcome);
    char head[200], rule[300] = "", fix[300] = "";
    if (line_after(report, "=== h7emu diagnosis: ", head, sizeof head)) {
        char *e = strstr(head, " ===");
        if (e)
            *e = '\0';
        line_after(report, "rule    ", rule, sizeof rule);
        line_after(report, "fix     ", fix, sizeof fix);
        for (char *p = head; (p = strstr(p, "  "));)
            memmove(p, p + 1, strlen(p));
        /* bounded pieces: 199 + 2 + 240 + 8 + 240 < sizeof diagnosis (no truncation warning) */
        snprintf(f->diagnosis, sizeof f->diagnosis, "%.199s: %.240s%s%.240s", head, rule, fix[0] ? " -- fix: " : "", fix);
    }
}

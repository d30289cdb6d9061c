#include "yamltree.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64

static h7_ynode *node_new(h7_ynode_kind kind, const yaml_mark_t *mark)
{
    h7_ynode *n = calloc(1, sizeof *n);
    if (n) {
        n->kind = kind;
        n->line = (unsigned)mark->line + 1;
        n->col = (unsigned)mark->column + 1;
    }
    return n;
}

static void node_free(h7_ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        node_free(n->items[i]);
    free(n->items);
    free(n->value);
    free(n);
}

static int node_push(h7_ynode *parent, h7_ynode *child)
{
    h7_ynode **items = realloc(parent->items, (parent->n + 1) * sizeof *items);
    if (!items)
        return -1;
    parent->items = items;
    parent->items[parent->n++] = child;
    return 0;
}

int h7_yaml_load(const char *path, const char *text, h7_ydoc *doc, char *err, size_t errlen)
{
    memset(doc, 0, sizeof *doc);
    doc->path = strdup(path ? path : "<string>");
    FILE *f = NULL;
    if (!text) {
        /* O_NONBLOCK: a FIFO must not block the open; only regular files are read. */
        int fd = open(path, O_RDONLY | O_NONBLOCK);
        struct stat st;
        const char *why = NULL;
        if (fd < 0)
            why = strerror(errno);
        else if (fstat(fd, &st) != 0)
            why = strerror(errno);
        else if (S_ISDIR(st.st_mode))
            why = "is a directory, not a YAML file";
        else if (!S_ISREG(st.st_mode))
            why = "not a regular file";
        if (!why && !(f = fdopen(fd, "rb")))
            why = strerror(errno);
        if (why) {
            snprintf(err, errlen, "%s: cannot read: %s", path, why);
            if (fd >= 0)
                close(fd);
            h7_yaml_free(doc);
            return -1;
        }
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", doc->path);
        if (f)
            fclose(f);
        h7_yaml_free(doc);
        return -1;
    }
    if (f)
        yaml_parser_set_input_file(&parser, f);
    else
        yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));

    h7_ynode *stack[MAX_DEPTH];
    int depth = 0, rc = 0, ndocs = 0;
    bool done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            snprintf(err, errlen, "%s:%zu:%zu: %s%s%s", doc->path, parser.problem_mark.line + 1,
                     parser.problem_mark.column + 1, parser.problem ? parser.problem : "syntax error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
            rc = -1;
            break;
        }
        h7_ynode *n = NULL;
        const char *bad = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++ndocs > 1)
                bad = "only one YAML document per file";
            break;
        case YAML_ALIAS_EVENT:
            bad = "aliases are not supported";
            break;
        case YAML_SCALAR_EVENT:
            n = node_new(H7_Y_SCALAR, &ev.start_mark);
            if (n)
                n->value = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            break;
        case YAML_SEQUENCE_START_EVENT:
            n = node_new(H7_Y_SEQ, &ev.start_mark);
            break;
        case YAML_MAPPING_START_EVENT:
            n = node_new(H7_Y_MAP, &ev.start_mark);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        if (!bad && n) {
            const h7_ynode *parent = depth > 0 ? stack[depth - 1] : NULL;
            if (parent && parent->kind == H7_Y_MAP && parent->n % 2 == 0 && n->kind != H7_Y_SCALAR) {
                /* Every reader looks keys up as strings: a list or mapping as a key ("? [a]",
                 * "{[a, b]: c}") is refused here, once for every file. */
                node_free(n);
                n = NULL;
                bad = "a mapping key must be a plain value, not a list or a mapping";
            } else if (depth > 0) {
                if (node_push(stack[depth - 1], n) != 0)
                    bad = "out of memory";
            } else if (!doc->root) {
                doc->root = n;
            } else {
                node_free(n);
                bad = "more than one root node";
            }
            if (!bad && n->kind != H7_Y_SCALAR) {
                if (depth >= MAX_DEPTH)
                    bad = "nesting deeper than 64 levels";
                else
                    stack[depth++] = n;
            }
        }
        if (bad) {
            snprintf(err, errlen, "%s:%zu:%zu: %s", doc->path, ev.start_mark.line + 1, ev.start_mark.column + 1, bad);
            rc = -1;
            done = true;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (f)
        fclose(f);
    if (rc != 0)
        h7_yaml_free(doc);   /* a failed load leaves nothing to free */
    return rc;
}

void h7_yaml_free(h7_ydoc *doc)
{
    node_free(doc->root);
    free(doc->path);
    memset(doc, 0, sizeof *doc);
}

const h7_ynode *h7_ymap_get(const h7_ynode *map, const char *key)
{
    if (!map || map->kind != H7_Y_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->items[i]->kind == H7_Y_SCALAR && strcmp(map->items[i]->value, key) == 0)
            return map->items[i + 1];
    return NULL;
}

int h7_yerr(const h7_ydoc *doc, const h7_ynode *n, char *err, size_t errlen, const char *fmt, ...)
{
    int k = snprintf(err, errlen, "%s:%u:%u: ", doc->path, n ? n->line : 1, n ? n->col : 1);
    if (k > 0 && (size_t)k < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int h7_ymap_check_keys(const h7_ydoc *doc, const h7_ynode *map, const char *const *allowed, char *err, size_t errlen)
{
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const h7_ynode *k = map->items[i];
        if (k->kind != H7_Y_SCALAR)
            return h7_yerr(doc, k, err, errlen, "keys must be plain words");
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(*a, k->value) == 0;
        if (!ok) {
            char list[256] = "";
            for (const char *const *a = allowed; *a; a++) {
                strncat(list, *a, sizeof list - strlen(list) - 3);
                if (a[1])
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            return h7_yerr(doc, k, err, errlen, "unknown key '%s' (expected one of: %s)", k->value, list);
        }
        for (size_t j = 0; j < i; j += 2)
            if (strcmp(map->items[j]->value, k->value) == 0)
                return h7_yerr(doc, k, err, errlen, "key '%s' appears twice", k->value);
    }
    return 0;
}

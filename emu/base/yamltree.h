/* A YAML document as a small tree, built with libyaml's event API, every node carrying its
 * line:column so that board and scenario files get "file:line:col: message" errors.
 * Anchors/aliases and tags are rejected (not needed for h7emu files). */
#ifndef H7_YAMLTREE_H
#define H7_YAMLTREE_H

#include <stddef.h>

typedef enum { H7_Y_SCALAR, H7_Y_SEQ, H7_Y_MAP } h7_ynode_kind;

typedef struct h7_ynode {
    h7_ynode_kind kind;
    char *value;               /* scalars */
    unsigned line, col;        /* 1-based */
    struct h7_ynode **items;   /* seq items; map: keys at even, values at odd indexes */
    size_t n;
} h7_ynode;

typedef struct h7_ydoc {
    char *path;
    h7_ynode *root;            /* NULL for an empty document */
} h7_ydoc;

/* Parse a file (or a string if text != NULL, path then only names it in errors).
 * -1 with "path:line:col: problem" in err on failure. */
int h7_yaml_load(const char *path, const char *text, h7_ydoc *doc, char *err, size_t errlen);
void h7_yaml_free(h7_ydoc *doc);

/* Map helpers: value for key, or NULL. */
const h7_ynode *h7_ymap_get(const h7_ynode *map, const char *key);
/* Write "path:line:col: msg" for node n into err, return -1. */
int h7_yerr(const h7_ydoc *doc, const h7_ynode *n, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Check that every key of `map` is in the NULL-terminated `allowed` list (error names the key). */
int h7_ymap_check_keys(const h7_ydoc *doc, const h7_ynode *map, const char *const *allowed, char *err, size_t errlen);

#endif

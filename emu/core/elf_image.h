/* Loading a firmware image (ELF32, EM_ARM) with libelf.
 * Each PT_LOAD segment is placed at its physical address p_paddr (the LMA: .data's initial values
 * live in flash); the symbol table is kept for traces ("0x08002114 SystemClock_Config+0x1c"). */
#ifndef H7_ELF_IMAGE_H
#define H7_ELF_IMAGE_H

#include "h7types.h"

typedef struct h7_segment {
    uint32_t paddr;      /* where the bytes go (LMA) */
    uint32_t vaddr;
    uint32_t filesz;     /* bytes in data[] */
    uint32_t memsz;      /* filesz..memsz is zero-filled (only meaningful for RAM) */
    uint32_t flags;      /* PF_X | PF_W | PF_R */
    uint8_t *data;       /* filesz bytes, owned by the image */
} h7_segment;

typedef struct h7_symbol {
    uint32_t addr;       /* Thumb bit cleared for functions */
    uint32_t size;
    bool is_func;
    char *name;          /* owned by the image */
} h7_symbol;

typedef struct h7_line {
    uint32_t addr;
    uint32_t line;
    const char *file;    /* points into the image's string pool; NULL: end of a line sequence */
} h7_line;

/* One address range of an inlined call (DWARF DW_TAG_inlined_subroutine): the code of `callee`
 * that the compiler placed inside `caller`, called from call_file:call_line. */
typedef struct h7_inline {
    uint32_t lo, hi;         /* [lo, hi) */
    const char *callee;      /* the inlined function (DW_AT_abstract_origin's name) */
    const char *caller;      /* the function it was inlined into (the enclosing one, itself maybe inlined) */
    const char *call_file;   /* NULL when unknown */
    uint32_t call_line;
    unsigned depth;          /* 1 = inlined directly into a real function, 2 = inside another inline ... */
} h7_inline;

typedef struct h7_image {
    char *path;
    uint32_t entry;
    size_t nseg;
    h7_segment *segs;
    size_t nsym;
    h7_symbol *syms;     /* sorted by addr, only FUNC and OBJECT symbols with a name */
    size_t nlines;       /* DWARF line table, sorted by addr; 0 when the ELF has no line info */
    h7_line *lines;
    char **line_files;   /* file names referenced by lines[] (and the names in inlines[]) */
    size_t nline_files;
    size_t ninlines;     /* DWARF inlined-subroutine ranges; 0 when the ELF has none */
    h7_inline *inlines;
} h7_image;

/* Load `path`. On error returns -1 and writes a one-line message "PATH: reason" into err
 * (never crashes on malformed input: not ELF, 64-bit, wrong machine, truncated, bad offsets). */
int h7_image_load(const char *path, h7_image *img, char *err, size_t errlen);
void h7_image_free(h7_image *img);

/* The symbol containing addr (or the nearest function symbol before it within 64 KiB), NULL if none.
 * *offset receives addr - sym->addr. */
const h7_symbol *h7_image_symbolize(const h7_image *img, uint32_t addr, uint32_t *offset);
/* Address of a named symbol; false if absent. */
bool h7_image_find_symbol(const h7_image *img, const char *name, uint32_t *addr, uint32_t *size);
/* Source line for addr from the DWARF line table (the row with the largest addr <= addr inside the
 * same sequence); NULL when unknown. */
const h7_line *h7_image_line(const h7_image *img, uint32_t addr);

/* The innermost inlined call whose range contains addr, NULL if addr is in no inlined code. With
 * `callee` non-NULL: the innermost inlined call of that function containing addr. */
const h7_inline *h7_image_inline_at(const h7_image *img, uint32_t addr, const char *callee);

/* Check that every segment's [paddr, paddr+filesz) lies in memory visible to `core` (and that
 * RAM segments' [vaddr, vaddr+memsz) do as well), and that no segment overlaps a segment of
 * `other` (may be NULL). -1 with "PATH: reason" in err otherwise. */
int h7_image_check_placement(const h7_image *img, h7_core_id core, const h7_image *other,
                             char *err, size_t errlen);

/* Images without ELF (raw_image.c): Intel HEX (`app.hex`, what STM32CubeProgrammer users keep) and
 * raw binaries placed at an address (`app.bin@0x08000000`). No symbols, no line table; every byte
 * goes to flash (or wherever its address is) as a debugger's `load` would put it.
 * True if `spec` names a HEX file (.hex / .ihex) or a binary with an address (FILE@ADDR). */
bool h7_image_is_raw(const char *spec);
/* Load it; -1 with "PATH:LINE: reason" (HEX) or "PATH: reason" in err. */
int h7_image_load_raw(const char *spec, h7_image *img, char *err, size_t errlen);
/* Parse Intel HEX text (for tests); `name` only appears in messages. */
int h7_image_parse_ihex(const char *name, const char *text, size_t len, h7_image *img, char *err, size_t errlen);

#endif

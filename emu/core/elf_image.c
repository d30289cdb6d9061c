/* ELF32 ARM images with libelf (segments, symbols) and libdw (DWARF line table).
 * Every offset and size is checked against the file size before use: malformed input gives a
 * one-line "path: reason", never a crash. */
#include "elf_image.h"
#include "textsafe.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memmap.h"

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%s: ", path);
    if (n > 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int cmp_sym(const void *a, const void *b)
{
    const h7_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->is_func != y->is_func)   /* functions first at the same address */
        return x->is_func ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* By address; at equal addresses an end-of-sequence marker (file NULL) sorts first, so that a
 * sequence starting where another ends wins the lookup. */
static int cmp_line(const void *a, const void *b)
{
    const h7_line *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return (x->file != NULL) - (y->file != NULL);
}

/* A line row is kept only for code the image really loads (functions discarded by the linker
 * keep DWARF rows at address 0). */
static bool in_code(const h7_image *img, uint32_t a)
{
    for (size_t i = 0; i < img->nseg; i++) {
        const h7_segment *sg = &img->segs[i];
        if ((sg->flags & PF_X) && a >= sg->vaddr && a - sg->vaddr < sg->memsz)
            return true;
    }
    return false;
}

static int check_header(Elf *e, const char *path, char *err, size_t errlen)
{
    if (elf_kind(e) != ELF_K_ELF)
        return fail(err, errlen, path, "not an ELF file");
    size_t idlen = 0;
    const char *id = elf_getident(e, &idlen);
    if (!id || idlen < EI_NIDENT)
        return fail(err, errlen, path, "truncated ELF header");
    if (id[EI_CLASS] == ELFCLASS64)
        return fail(err, errlen, path, "64-bit ELF, expected ELF32");
    if (id[EI_CLASS] != ELFCLASS32)
        return fail(err, errlen, path, "unknown ELF class %d", id[EI_CLASS]);
    if (id[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, path, "big-endian ELF, expected little-endian ARM");
    GElf_Ehdr eh;
    if (!gelf_getehdr(e, &eh))
        return fail(err, errlen, path, "truncated or corrupt ELF header: %s", elf_errmsg(-1));
    if (eh.e_machine != EM_ARM)
        return fail(err, errlen, path, "machine is %u, expected ARM (40)", eh.e_machine);
    if (eh.e_type != ET_EXEC)
        return fail(err, errlen, path, "not an executable (ELF type %u)", eh.e_type);
    return 0;
}

static int load_segments(Elf *e, h7_image *img, off_t fsize, const char *path, char *err, size_t errlen)
{
    size_t n = 0;
    if (elf_getphdrnum(e, &n) != 0)
        return fail(err, errlen, path, "truncated or corrupt program headers: %s", elf_errmsg(-1));
    if (n > 256)
        return fail(err, errlen, path, "%zu program headers: not a firmware image", n);
    img->segs = calloc(n ? n : 1, sizeof *img->segs);
    if (!img->segs)
        return fail(err, errlen, path, "out of memory");
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph))
            return fail(err, errlen, path, "truncated or corrupt program header %zu: %s", i, elf_errmsg(-1));
        if (ph.p_type != PT_LOAD)
            continue;
        if (ph.p_filesz > ph.p_memsz && ph.p_memsz)
            return fail(err, errlen, path, "segment %zu: file size 0x%llx larger than memory size 0x%llx", i,
                        (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
        if (ph.p_filesz > (uint64_t)fsize || ph.p_offset > (uint64_t)fsize - ph.p_filesz)
            return fail(err, errlen, path, "segment %zu at 0x%08llx (+0x%llx bytes) runs past the end of the file", i,
                        (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_filesz);
        if ((uint64_t)ph.p_paddr + ph.p_filesz > 0x100000000ull || (uint64_t)ph.p_vaddr + ph.p_memsz > 0x100000000ull)
            return fail(err, errlen, path, "segment %zu wraps past the end of the 32-bit address space", i);
        h7_segment *s = &img->segs[img->nseg++];
        s->paddr = (uint32_t)ph.p_paddr;
        s->vaddr = (uint32_t)ph.p_vaddr;
        s->filesz = (uint32_t)ph.p_filesz;
        s->memsz = (uint32_t)ph.p_memsz;
        s->flags = (uint32_t)ph.p_flags;
        if (s->filesz) {
            size_t got = 0;
            char *raw = elf_rawfile(e, &got);
            if (!raw || got < ph.p_offset + ph.p_filesz)
                return fail(err, errlen, path, "segment %zu: cannot read its bytes (truncated?)", i);
            s->data = malloc(s->filesz);
            if (!s->data)
                return fail(err, errlen, path, "out of memory");
            memcpy(s->data, raw + ph.p_offset, s->filesz);
        }
    }
    if (img->nseg == 0)
        return fail(err, errlen, path, "no loadable segments");
    return 0;
}

static bool is_mapping_symbol(const char *name)
{
    return name[0] == '$' && (name[1] == 'a' || name[1] == 't' || name[1] == 'd') && (name[2] == 0 || name[2] == '.');
}

static int load_symbols(Elf *e, h7_image *img, const char *path, char *err, size_t errlen)
{
    size_t shnum = 0;
    if (elf_getshdrnum(e, &shnum) != 0)
        return 0;   /* no section table: an image without symbols is still runnable */
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(e, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
            continue;
        if (sh.sh_entsize == 0)
            return fail(err, errlen, path, "corrupt symbol table (entry size 0)");
        if (sh.sh_link >= shnum)
            return fail(err, errlen, path, "corrupt symbol table (bad string table link)");
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d)
            return fail(err, errlen, path, "truncated or corrupt symbol table: %s", elf_errmsg(-1));
        size_t count = d->d_size / sh.sh_entsize;
        if (count > 1000000)
            return fail(err, errlen, path, "symbol table with %zu entries: corrupt", count);
        img->syms = calloc(count ? count : 1, sizeof *img->syms);
        if (!img->syms)
            return fail(err, errlen, path, "out of memory");
        for (size_t i = 0; i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym))
                continue;
            int type = GELF_ST_TYPE(sym.st_info);
            bool global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
            if (type != STT_FUNC && type != STT_OBJECT && !(type == STT_NOTYPE && global))
                continue;
            if (sym.st_shndx == SHN_UNDEF)
                continue;
            const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
            if (!name || !name[0] || is_mapping_symbol(name))
                continue;
            h7_symbol *s = &img->syms[img->nsym++];
            s->is_func = type == STT_FUNC;
            s->addr = (uint32_t)sym.st_value & (s->is_func ? ~1u : ~0u);
            s->size = (uint32_t)sym.st_size;
            s->name = h7_text_sanitize(name);   /* printed everywhere: no control bytes, valid UTF-8 */
            if (!s->name)
                return fail(err, errlen, path, "out of memory");
        }
        break;
    }
    if (img->nsym)
        qsort(img->syms, img->nsym, sizeof *img->syms, cmp_sym);
    return 0;
}

static const char *intern_file(h7_image *img, const char *name)
{
    for (size_t i = 0; i < img->nline_files; i++)
        if (strcmp(img->line_files[i], name) == 0)
            return img->line_files[i];
    char **files = realloc(img->line_files, (img->nline_files + 1) * sizeof *files);
    if (!files)
        return NULL;
    img->line_files = files;
    files[img->nline_files] = h7_text_sanitize(name);
    return files[img->nline_files] ? files[img->nline_files++] : NULL;
}

static bool add_inline(h7_image *img, size_t *cap, h7_inline in)
{
    if (img->ninlines == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        h7_inline *ni = realloc(img->inlines, nc * sizeof *ni);
        if (!ni)
            return false;
        img->inlines = ni;
        *cap = nc;
    }
    img->inlines[img->ninlines++] = in;
    return true;
}

static const char *die_name(Dwarf_Die *die)
{
    Dwarf_Attribute a;
    return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));   /* follows abstract_origin */
}

/* Every DW_TAG_inlined_subroutine below `die` with its ranges, its enclosing function and its call
 * site (DWARF 4/5 §3.3.8.2). `func` is the function whose body we are in. */
static bool walk_inlines(h7_image *img, size_t *cap, Dwarf_Die *die, Dwarf_Files *files, const char *func,
                         unsigned depth)
{
    Dwarf_Die child;
    if (depth > 64 || dwarf_child(die, &child) != 0)
        return true;
    do {
        int tag = dwarf_tag(&child);
        const char *inner = func;
        unsigned d = depth;
        if (tag == DW_TAG_subprogram) {
            const char *nm = die_name(&child);
            inner = nm ? intern_file(img, nm) : NULL;
            d = 0;
        } else if (tag == DW_TAG_inlined_subroutine) {
            const char *nm = die_name(&child);
            h7_inline in = {.callee = nm ? intern_file(img, nm) : NULL, .caller = func, .depth = depth + 1};
            Dwarf_Attribute a;
            Dwarf_Word w;
            if (files && dwarf_formudata(dwarf_attr(&child, DW_AT_call_file, &a), &w) == 0) {
                const char *f = dwarf_filesrc(files, (size_t)w, NULL, NULL);
                in.call_file = f ? intern_file(img, f) : NULL;
            }
            if (dwarf_formudata(dwarf_attr(&child, DW_AT_call_line, &a), &w) == 0)
                in.call_line = (uint32_t)w;
            Dwarf_Addr base, start, end;
            ptrdiff_t off = 0;
            while (in.callee && (off = dwarf_ranges(&child, off, &base, &start, &end)) > 0) {
                in.lo = (uint32_t)start & ~1u;
                in.hi = (uint32_t)end & ~1u;
                if (in.hi > in.lo && in_code(img, in.lo) && !add_inline(img, cap, in))
                    return false;
            }
            inner = in.callee;
            d = depth + 1;
        } else if (tag != DW_TAG_lexical_block) {
            continue;
        }
        if (!walk_inlines(img, cap, &child, files, inner, d))
            return false;
    } while (dwarf_siblingof(&child, &child) == 0);
    return true;
}

/* DWARF line table through libdw; any problem just leaves the image without line info. */
static void load_lines(Elf *e, h7_image *img)
{
    size_t icap = 0;
    Dwarf *dw = dwarf_begin_elf(e, DWARF_C_READ, NULL);
    if (!dw)
        return;
    Dwarf_Off off = 0, next;
    size_t hsize;
    size_t cap = 0;
    while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu;
        if (dwarf_offdie(dw, off + hsize, &cu)) {
            Dwarf_Lines *lines;
            size_t n;
            if (dwarf_getsrclines(&cu, &lines, &n) == 0) {
                for (size_t i = 0; i < n && img->nlines < 2000000; i++) {
                    Dwarf_Line *l = dwarf_onesrcline(lines, i);
                    Dwarf_Addr a;
                    int lineno;
                    bool end = false;
                    if (!l || dwarf_lineaddr(l, &a) || dwarf_lineno(l, &lineno) || dwarf_lineendsequence(l, &end))
                        continue;
                    const char *src = dwarf_linesrc(l, NULL, NULL);
                    if (!end && (!src || !in_code(img, (uint32_t)a & ~1u)))
                        continue;
                    if (img->nlines == cap) {
                        cap = cap ? cap * 2 : 1024;
                        h7_line *nl = realloc(img->lines, cap * sizeof *nl);
                        if (!nl)
                            goto done;
                        img->lines = nl;
                    }
                    const char *f = end ? NULL : intern_file(img, src);
                    if (!end && !f)
                        goto done;
                    img->lines[img->nlines++] = (h7_line){(uint32_t)a & ~1u, end ? 0u : (uint32_t)lineno, f};
                }
            }
            Dwarf_Files *files = NULL;
            size_t nfiles;
            if (dwarf_getsrcfiles(&cu, &files, &nfiles) != 0)
                files = NULL;
            if (!walk_inlines(img, &icap, &cu, files, NULL, 0))
                goto done;
        }
        off = next;
    }
done:
    dwarf_end(dw);
    if (img->nlines)
        qsort(img->lines, img->nlines, sizeof *img->lines, cmp_line);
}

int h7_image_load(const char *path, h7_image *img, char *err, size_t errlen)
{
    if (h7_image_is_raw(path))   /* Intel HEX or FILE.bin@ADDR (raw_image.c) */
        return h7_image_load_raw(path, img, err, errlen);
    memset(img, 0, sizeof *img);
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(err, errlen, path, "libelf initialisation failed");
    /* O_NONBLOCK: a FIFO given as the image must not block the open; it is refused below. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return fail(err, errlen, path, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, errlen, path, "not a regular file");
    }
    if (st.st_size < EI_NIDENT) {
        close(fd);
        return fail(err, errlen, path, st.st_size == 0 ? "empty file" : "not an ELF file (too short)");
    }
    Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    int rc = -1;
    if (!e) {
        fail(err, errlen, path, "not an ELF file: %s", elf_errmsg(-1));
        goto out;
    }
    img->path = strdup(path);
    if (!img->path || check_header(e, path, err, errlen) != 0)
        goto out;
    GElf_Ehdr eh;
    gelf_getehdr(e, &eh);
    img->entry = (uint32_t)eh.e_entry;
    if (load_segments(e, img, st.st_size, path, err, errlen) != 0 || load_symbols(e, img, path, err, errlen) != 0)
        goto out;
    load_lines(e, img);
    rc = 0;
out:
    if (e)
        elf_end(e);
    close(fd);
    if (rc != 0)
        h7_image_free(img);
    return rc;
}

void h7_image_free(h7_image *img)
{
    for (size_t i = 0; i < img->nseg; i++)
        free(img->segs[i].data);
    free(img->segs);
    for (size_t i = 0; i < img->nsym; i++)
        free(img->syms[i].name);
    free(img->syms);
    for (size_t i = 0; i < img->nline_files; i++)
        free(img->line_files[i]);
    free(img->line_files);
    free(img->lines);
    free(img->inlines);
    free(img->path);
    memset(img, 0, sizeof *img);
}

const h7_symbol *h7_image_symbolize(const h7_image *img, uint32_t addr, uint32_t *offset)
{
    /* The last symbol at or below addr (binary search), then walk back for one that contains it. */
    size_t lo = 0, hi = img->nsym;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (img->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    const h7_symbol *best = NULL;
    for (size_t i = lo; i-- > 0;) {
        const h7_symbol *s = &img->syms[i];
        if (addr - s->addr > 0x10000u)
            break;
        if (s->size && addr < s->addr + s->size) {
            best = s;
            break;
        }
        if (!best && s->is_func && s->size == 0)
            best = s;   /* assembly label without a size */
    }
    if (best && offset)
        *offset = addr - best->addr;
    return best;
}

bool h7_image_find_symbol(const h7_image *img, const char *name, uint32_t *addr, uint32_t *size)
{
    for (size_t i = 0; i < img->nsym; i++)
        if (strcmp(img->syms[i].name, name) == 0) {
            if (addr)
                *addr = img->syms[i].addr;
            if (size)
                *size = img->syms[i].size;
            return true;
        }
    return false;
}

const h7_line *h7_image_line(const h7_image *img, uint32_t addr)
{
    size_t lo = 0, hi = img->nlines;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (img->lines[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const h7_line *l = &img->lines[lo - 1];
    if (!l->file)
        return NULL;   /* past the end of a line sequence */
    return addr - l->addr < 0x1000u ? l : NULL;
}

static uint64_t phys_key(h7_core_id core, uint32_t addr, bool *ok)
{
    const h7_mem_region *r = h7_memmap_find(core, addr);
    *ok = r != NULL;
    return r ? ((uint64_t)r->phys << 32) | (r->phys_offset + (addr - r->base)) : 0;
}

int h7_image_check_placement(const h7_image *img, h7_core_id core, const h7_image *other, char *err, size_t errlen)
{
    const char *cname = core == H7_CM7 ? "CM7" : "CM4";
    for (size_t i = 0; i < img->nseg; i++) {
        const h7_segment *s = &img->segs[i];
        uint32_t a = s->paddr, len = s->filesz;
        bool check_v = (s->flags & PF_W) && s->memsz;
        if ((len && !h7_memmap_contains(core, a, len)) || (check_v && !h7_memmap_contains(core, s->vaddr, s->memsz))) {
            uint32_t bad = (len && !h7_memmap_contains(core, a, len)) ? a : s->vaddr;
            uint32_t blen = bad == a ? len : s->memsz;
            bool tcm = (bad < 0x10000u) || (bad >= 0x20000000u && bad < 0x20020000u);
            return fail(err, errlen, img->path, "segment %zu at 0x%08x-0x%08x is outside the %s's memory%s", i, bad,
                        bad + blen - 1, cname, tcm && core == H7_CM4 ? " (ITCM/DTCM are CM7-only)" : "");
        }
    }
    if (!other)
        return 0;
    h7_core_id ocore = core == H7_CM7 ? H7_CM4 : H7_CM7;
    for (size_t i = 0; i < img->nseg; i++) {
        const h7_segment *s = &img->segs[i];
        if (!s->filesz)
            continue;
        bool ok1, ok2;
        uint64_t k1 = phys_key(core, s->paddr, &ok1);
        for (size_t j = 0; j < other->nseg && ok1; j++) {
            const h7_segment *o = &other->segs[j];
            if (!o->filesz)
                continue;
            uint64_t k2 = phys_key(ocore, o->paddr, &ok2);
            if (ok2 && (k1 >> 32) == (k2 >> 32) && k1 < k2 + o->filesz && k2 < k1 + s->filesz)
                return fail(err, errlen, img->path, "segment %zu at 0x%08x overlaps %s's segment at 0x%08x", i, s->paddr,
                            other->path, o->paddr);
        }
    }
    return 0;
}

const h7_inline *h7_image_inline_at(const h7_image *img, uint32_t addr, const char *callee)
{
    const h7_inline *best = NULL;
    addr &= ~1u;
    for (size_t i = 0; i < img->ninlines; i++) {
        const h7_inline *in = &img->inlines[i];
        if (addr < in->lo || addr >= in->hi || (callee && strcmp(in->callee, callee)))
            continue;
        if (!best || in->depth > best->depth)
            best = in;
    }
    return best;
}

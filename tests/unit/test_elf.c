/* ELF loader (emu/core/elf_image.c): malformed input gives "path: reason" and never a crash; valid
 * images give segments, symbols and DWARF lines; placement checks per core and against the other
 * core's image. */
#include "support.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_image.h"

typedef struct blob {
    uint8_t *data;
    size_t len;
} blob;

static blob read_fw(const char *name)
{
    blob b = {0};
    FILE *f = fopen(h7t_fw(name), "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n > (long)sizeof(Elf32_Ehdr));
    rewind(f);
    b.data = malloc((size_t)n);
    assert_non_null(b.data);
    assert_int_equal(fread(b.data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b.len = (size_t)n;
    return b;
}

static Elf32_Ehdr *ehdr(blob *b) { return (Elf32_Ehdr *)b->data; }
static Elf32_Phdr *phdr(blob *b, unsigned i)
{
    Elf32_Ehdr *e = ehdr(b);
    assert_true(i < e->e_phnum);
    return (Elf32_Phdr *)(b->data + e->e_phoff + (size_t)i * e->e_phentsize);
}

/* Write `len` bytes to a temp file, load it, remove the file. `path` receives the file name. */
static int load_mem(const void *data, size_t len, h7_image *img, char *path, char *err, size_t errlen)
{
    const char *p = h7t_tmpfile(data, len);
    assert_non_null(p);
    snprintf(path, 64, "%s", p);
    int rc = h7_image_load(path, img, err, errlen);
    unlink(path);
    return rc;
}

/* err is "PATH: <something containing reason>" */
static void assert_error(const char *err, const char *path, const char *reason)
{
    size_t n = strlen(path);
    if (strncmp(err, path, n) != 0 || strncmp(err + n, ": ", 2) != 0 || !strstr(err + n + 2, reason))
        fail_msg("error \"%s\" does not read \"%s: ...%s...\"", err, path, reason);
}

static void expect_load_error(const void *data, size_t len, const char *reason)
{
    h7_image img;
    char path[64], err[512] = "";
    memset(&img, 0xA5, sizeof img);
    assert_int_equal(load_mem(data, len, &img, path, err, sizeof err), -1);
    assert_error(err, path, reason);
    /* The image is left empty: freeing it again is harmless. */
    assert_null(img.segs);
    assert_null(img.path);
    assert_int_equal(img.nseg, 0);
    h7_image_free(&img);
}

/* ------------------------------------------------------------------ malformed input */

static void test_missing_file_names_path_and_errno(void **state)
{
    h7_image img;
    char err[256];
    assert_int_equal(h7_image_load("/nonexistent/dir/fw.elf", &img, err, sizeof err), -1);
    assert_error(err, "/nonexistent/dir/fw.elf", "cannot open: No such file or directory");
}

static void test_directory_is_not_a_regular_file(void **state)
{
    h7_image img;
    char err[256];
    assert_int_equal(h7_image_load("/tmp", &img, err, sizeof err), -1);
    assert_error(err, "/tmp", "not a regular file");
}

static void test_empty_file(void **state)
{
    expect_load_error("", 0, "empty file");
}

static void test_short_text_file(void **state)
{
    expect_load_error("hello\n", 6, "not an ELF file (too short)");
}

static void test_text_file_is_not_an_elf(void **state)
{
    static const char text[] = "This is a plain text file, certainly not an ELF image.\nSecond line.\n";
    expect_load_error(text, sizeof text - 1, "not an ELF file");
}

static void test_64_bit_elf_is_refused(void **state)
{
    Elf64_Ehdr e;
    memset(&e, 0, sizeof e);
    memcpy(e.e_ident, ELFMAG, SELFMAG);
    e.e_ident[EI_CLASS] = ELFCLASS64;
    e.e_ident[EI_DATA] = ELFDATA2LSB;
    e.e_ident[EI_VERSION] = EV_CURRENT;
    e.e_type = ET_EXEC;
    e.e_machine = EM_AARCH64;
    e.e_version = EV_CURRENT;
    e.e_ehsize = sizeof e;
    e.e_phentsize = sizeof(Elf64_Phdr);
    e.e_shentsize = sizeof(Elf64_Shdr);
    expect_load_error(&e, sizeof e, "64-bit ELF, expected ELF32");
}

static void test_unknown_elf_class_is_refused(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    b.data[EI_CLASS] = 7;
    /* libelf itself refuses an unknown class (elf_kind is ELF_K_NONE), so the loader's own
     * "unknown ELF class" message is never reached. */
    expect_load_error(b.data, b.len, "not an ELF file");
    free(b.data);
}

static void test_big_endian_elf_is_refused(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    b.data[EI_DATA] = ELFDATA2MSB;
    expect_load_error(b.data, b.len, "big-endian ELF, expected little-endian ARM");
    free(b.data);
}

static void test_wrong_machine_is_refused(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    ehdr(&b)->e_machine = EM_X86_64;
    expect_load_error(b.data, b.len, "machine is 62, expected ARM (40)");
    free(b.data);
}

static void test_relocatable_object_is_refused(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    ehdr(&b)->e_type = ET_REL;
    expect_load_error(b.data, b.len, "not an executable (ELF type 1)");
    free(b.data);
}

static void test_truncated_to_100_bytes(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    /* The program headers of the test firmware end past byte 100. */
    assert_true(ehdr(&b)->e_phoff + (size_t)ehdr(&b)->e_phnum * ehdr(&b)->e_phentsize > 100);
    expect_load_error(b.data, 100, "program header");
    free(b.data);
}

static void test_truncated_to_1000_bytes(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    assert_true(phdr(&b, 0)->p_offset >= 1000);
    expect_load_error(b.data, 1000, "segment 0 at 0x08000000");
    expect_load_error(b.data, 1000, "runs past the end of the file");
    free(b.data);
}

static void test_truncated_in_the_middle_of_the_program_headers(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    size_t cut = ehdr(&b)->e_phoff + ehdr(&b)->e_phentsize + ehdr(&b)->e_phentsize / 2;
    expect_load_error(b.data, cut, "truncated or corrupt program header");
    free(b.data);
}

static void test_truncated_inside_the_elf_header(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    /* libelf's elf_begin refuses it: "not an ELF file: invalid ELF file data". */
    expect_load_error(b.data, 40, "invalid ELF file data");
    free(b.data);
}

static void test_segment_offset_beyond_the_file_end(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    phdr(&b, 0)->p_offset = (Elf32_Off)b.len;
    expect_load_error(b.data, b.len, "runs past the end of the file");
    phdr(&b, 0)->p_offset = 0xFFFFFF00u;   /* offset + size would wrap in 32 bits */
    expect_load_error(b.data, b.len, "segment 0 at 0x08000000");
    free(b.data);
}

static void test_segment_size_beyond_the_file_end(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    phdr(&b, 0)->p_filesz = (Elf32_Word)b.len;
    phdr(&b, 0)->p_memsz = (Elf32_Word)b.len;
    expect_load_error(b.data, b.len, "runs past the end of the file");
    phdr(&b, 0)->p_filesz = 0xFFFFFFF0u;
    phdr(&b, 0)->p_memsz = 0xFFFFFFF0u;
    expect_load_error(b.data, b.len, "runs past the end of the file");
    free(b.data);
}

static void test_file_size_larger_than_memory_size(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    Elf32_Phdr *p = phdr(&b, 0);
    p->p_memsz = p->p_filesz - 4;
    expect_load_error(b.data, b.len, "segment 0: file size");
    expect_load_error(b.data, b.len, "larger than memory size");
    free(b.data);
}

static void test_segment_wrapping_the_address_space(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    phdr(&b, 0)->p_paddr = 0xFFFFFF00u;
    expect_load_error(b.data, b.len, "segment 0 wraps past the end of the 32-bit address space");
    free(b.data);
}

static void test_too_many_program_headers(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    ehdr(&b)->e_phnum = 300;   /* 300 * 32 bytes still fit in the file */
    assert_true(ehdr(&b)->e_phoff + 300u * 32u <= b.len);
    expect_load_error(b.data, b.len, "program headers");
    free(b.data);
}

static void test_no_loadable_segment(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    for (unsigned i = 0; i < ehdr(&b)->e_phnum; i++)
        phdr(&b, i)->p_type = PT_NULL;
    expect_load_error(b.data, b.len, "no loadable segments");
    free(b.data);
}

static void test_symbol_table_with_bad_string_link(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    Elf32_Ehdr *e = ehdr(&b);
    Elf32_Shdr *sh = (Elf32_Shdr *)(b.data + e->e_shoff);
    bool found = false;
    for (unsigned i = 0; i < e->e_shnum; i++)
        if (sh[i].sh_type == SHT_SYMTAB) {
            sh[i].sh_link = 1000;
            found = true;
        }
    assert_true(found);
    expect_load_error(b.data, b.len, "corrupt symbol table (bad string table link)");
    free(b.data);
}

static void test_small_error_buffer_is_not_overrun(void **state)
{
    h7_image img;
    char err[16];
    memset(err, 'x', sizeof err);
    assert_int_equal(h7_image_load("/nonexistent/a/very/long/path/to/firmware.elf", &img, err, 8), -1);
    assert_int_equal(err[7], '\0');
    assert_string_equal(err, "/nonexi");
    assert_int_equal(err[8], 'x');
}

/* Deterministic fuzz: random byte changes of a real image (headers, program headers, section
 * headers, DWARF). Each either loads or fails with "path: ...". Under ASan this checks the
 * "never crashes" claim of elf_image.h. */
static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void test_random_byte_changes_never_crash(void **state)
{
    blob orig = read_fw("boot_cm7.elf");
    uint8_t *buf = malloc(orig.len);
    assert_non_null(buf);
    const Elf32_Ehdr *e = (const Elf32_Ehdr *)orig.data;
    size_t shend = e->e_shoff + (size_t)e->e_shnum * e->e_shentsize;
    unsigned loaded = 0, failed = 0;
    for (int it = 0; it < 300; it++) {
        memcpy(buf, orig.data, orig.len);
        size_t len = orig.len;
        unsigned flips = 1 + rnd() % 8;
        for (unsigned k = 0; k < flips; k++) {
            size_t pos;
            switch (rnd() % 4) {
            case 0: pos = rnd() % (e->e_phoff + (size_t)e->e_phnum * e->e_phentsize); break;   /* headers */
            case 1: pos = e->e_shoff + rnd() % (shend - e->e_shoff); break;                      /* section headers */
            default: pos = rnd() % orig.len; break;                                              /* anywhere */
            }
            switch (rnd() % 3) {
            case 0: buf[pos] ^= (uint8_t)(1u << (rnd() % 8)); break;
            case 1: buf[pos] = (uint8_t)rnd(); break;
            default: buf[pos] = (rnd() & 1) ? 0xFF : 0x00; break;
            }
        }
        if (rnd() % 10 == 0)
            len = rnd() % orig.len;   /* sometimes truncated too */
        h7_image img;
        char path[64], err[512] = "";
        int rc = load_mem(buf, len, &img, path, err, sizeof err);
        if (rc == 0) {
            loaded++;
            for (unsigned q = 0; q < 20; q++) {
                uint32_t a = 0x08000000u + rnd() % 0x2000u, off;
                h7_image_symbolize(&img, a, &off);
                h7_image_line(&img, a);
            }
            h7_image_find_symbol(&img, "main", NULL, NULL);
            char perr[512];
            h7_image_check_placement(&img, H7_CM7, &img, perr, sizeof perr);
            h7_image_check_placement(&img, H7_CM4, NULL, perr, sizeof perr);
            h7_image_free(&img);
        } else {
            failed++;
            assert_int_equal(rc, -1);
            assert_error(err, path, "");
        }
    }
    print_message("fuzz: %u loaded, %u refused\n", loaded, failed);
    assert_true(loaded > 0 && failed > 0);
    free(buf);
    free(orig.data);
}

/* ------------------------------------------------------------------ valid images */

static void test_boot_cm7_loads_with_its_segments(void **state)
{
    blob b = read_fw("boot_cm7.elf");
    h7_image img;
    char err[512] = "";
    const char *path = h7t_fw("boot_cm7.elf");
    assert_int_equal(h7_image_load(path, &img, err, sizeof err), 0);
    assert_string_equal(img.path, path);
    assert_int_equal(img.entry, ehdr(&b)->e_entry);
    size_t nload = 0;
    for (unsigned i = 0; i < ehdr(&b)->e_phnum; i++) {
        Elf32_Phdr *p = phdr(&b, i);
        if (p->p_type != PT_LOAD)
            continue;
        assert_true(nload < img.nseg);
        h7_segment *s = &img.segs[nload++];
        assert_int_equal(s->paddr, p->p_paddr);
        assert_int_equal(s->vaddr, p->p_vaddr);
        assert_int_equal(s->filesz, p->p_filesz);
        assert_int_equal(s->memsz, p->p_memsz);
        assert_int_equal(s->flags, p->p_flags);
        if (s->filesz)
            assert_memory_equal(s->data, b.data + p->p_offset, s->filesz);
    }
    assert_int_equal(nload, img.nseg);
    assert_true(img.nsym > 0);
    for (size_t i = 1; i < img.nsym; i++)
        assert_true(img.syms[i - 1].addr <= img.syms[i].addr);
    for (size_t i = 1; i < img.nlines; i++)
        assert_true(img.lines[i - 1].addr <= img.lines[i].addr);
    h7_image_free(&img);
    assert_null(img.path);
    assert_int_equal(img.nseg, 0);
    h7_image_free(&img);   /* a freed image can be freed again */
    free(b.data);
}

static void test_find_symbol_main(void **state)
{
    h7_image img;
    char err[512];
    assert_int_equal(h7_image_load(h7t_fw("boot_cm7.elf"), &img, err, sizeof err), 0);
    uint32_t addr = 0, size = 0;
    assert_true(h7_image_find_symbol(&img, "main", &addr, &size));
    assert_int_equal(addr & 1u, 0);   /* Thumb bit cleared */
    assert_true(addr >= img.segs[0].paddr && addr < img.segs[0].paddr + img.segs[0].filesz);
    assert_true(size > 0);
    assert_true(h7_image_find_symbol(&img, "main", NULL, NULL));
    assert_false(h7_image_find_symbol(&img, "no_such_symbol_here", &addr, &size));
    /* Mapping symbols ($t, $d) are not kept. */
    assert_false(h7_image_find_symbol(&img, "$t", NULL, NULL));
    assert_false(h7_image_find_symbol(&img, "$d", NULL, NULL));
    h7_image_free(&img);
}

static void test_symbolize_gives_main_plus_offset(void **state)
{
    h7_image img;
    char err[512], text[128];
    assert_int_equal(h7_image_load(h7t_fw("boot_cm7.elf"), &img, err, sizeof err), 0);
    uint32_t addr, size, off = 0xDEAD;
    assert_true(h7_image_find_symbol(&img, "main", &addr, &size));
    const h7_symbol *s = h7_image_symbolize(&img, addr + 6, &off);
    assert_non_null(s);
    snprintf(text, sizeof text, "%s+0x%x", s->name, off);
    assert_string_equal(text, "main+0x6");
    s = h7_image_symbolize(&img, addr, &off);
    assert_non_null(s);
    assert_string_equal(s->name, "main");
    assert_int_equal(off, 0);
    s = h7_image_symbolize(&img, addr + size - 1, NULL);   /* offset pointer may be NULL */
    assert_non_null(s);
    assert_string_equal(s->name, "main");
    /* Far from any symbol: NULL. */
    assert_null(h7_image_symbolize(&img, 0x00000010u, &off));
    assert_null(h7_image_symbolize(&img, 0xE0000000u, &off));
    h7_image_free(&img);
}

static void test_line_of_main_is_in_boot_c(void **state)
{
    h7_image img;
    char err[512];
    assert_int_equal(h7_image_load(h7t_fw("boot_cm7.elf"), &img, err, sizeof err), 0);
    assert_true(img.nlines > 0);
    uint32_t addr, size;
    assert_true(h7_image_find_symbol(&img, "main", &addr, &size));
    const h7_line *l = h7_image_line(&img, addr);
    assert_non_null(l);
    const char *base = strrchr(l->file, '/');
    base = base ? base + 1 : l->file;
    assert_string_equal(base, "boot.c");
    assert_true(l->line > 0);
    assert_true(l->addr <= addr);
    char text[256];
    snprintf(text, sizeof text, "%s:%u", base, l->line);
    assert_true(strncmp(text, "boot.c:", 7) == 0);
    /* A later address in main maps to a line of the same file, not before main's first line. */
    const h7_line *l2 = h7_image_line(&img, addr + size - 2);
    assert_non_null(l2);
    assert_ptr_equal(l2->file, l->file);
    h7_image_free(&img);
}

/* Functions removed by --gc-sections leave DWARF line sequences at address 0: they must not give
 * a source line for an address in ITCM (0x00000000, real CM7 memory). */
static void test_no_line_for_itcm_address_of_discarded_code(void **state)
{
    h7_image img;
    char err[512];
    assert_int_equal(h7_image_load(h7t_fw("boot_cm7.elf"), &img, err, sizeof err), 0);
    const h7_line *l = h7_image_line(&img, 0x00000100u);
    bool found = l != NULL;
    if (l)
        print_message("0x00000100 -> %s:%u (row at 0x%08x)\n", l->file, l->line, l->addr);
    h7_image_free(&img);
    assert_false(found);
}

/* Past the end of the last line sequence (here: past every byte of the image in flash) there is
 * no source line; elf_image.h promises "inside the same sequence". */
static void test_no_line_past_the_end_of_the_code(void **state)
{
    h7_image img;
    char err[512];
    assert_int_equal(h7_image_load(h7t_fw("boot_cm7.elf"), &img, err, sizeof err), 0);
    uint32_t end = 0;
    for (size_t i = 0; i < img.nseg; i++)
        if (img.segs[i].paddr >= 0x08000000u && img.segs[i].paddr < 0x08200000u &&
            img.segs[i].paddr + img.segs[i].filesz > end)
            end = img.segs[i].paddr + img.segs[i].filesz;
    assert_true(end > 0x08000000u);
    const h7_line *l = h7_image_line(&img, end + 0x10);
    bool found = l != NULL;
    if (l)
        print_message("0x%08x -> %s:%u (row at 0x%08x)\n", end + 0x10, l->file, l->line, l->addr);
    h7_image_free(&img);
    assert_false(found);
}

static void test_boot_cm4_loads(void **state)
{
    h7_image img;
    char err[512];
    assert_int_equal(h7_image_load(h7t_fw("boot_cm4.elf"), &img, err, sizeof err), 0);
    assert_true(img.nseg > 0);
    assert_true(h7_image_find_symbol(&img, "main", NULL, NULL));
    h7_image_free(&img);
}

/* ------------------------------------------------------------------ placement */

static void test_images_fit_their_own_core(void **state)
{
    h7_image i7, i4;
    char err[512] = "";
    assert_int_equal(h7_image_load(h7t_fw("boot_cm7.elf"), &i7, err, sizeof err), 0);
    assert_int_equal(h7_image_load(h7t_fw("boot_cm4.elf"), &i4, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&i7, H7_CM7, NULL, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&i4, H7_CM4, NULL, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&i7, H7_CM7, &i4, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&i4, H7_CM4, &i7, err, sizeof err), 0);
    h7_image_free(&i7);
    h7_image_free(&i4);
}

static void test_cm4_image_checked_as_cm7_is_refused(void **state)
{
    h7_image img;
    char err[512] = "";
    const char *path = h7t_fw("boot_cm4.elf");
    assert_int_equal(h7_image_load(path, &img, err, sizeof err), 0);
    /* Its .data runs at 0x10000000, the D2 SRAM alias only the CM4 sees. */
    assert_int_equal(h7_image_check_placement(&img, H7_CM7, NULL, err, sizeof err), -1);
    assert_error(err, path, "is outside the CM7's memory");
    assert_non_null(strstr(err, "0x10000000-"));
    assert_null(strstr(err, "ITCM"));
    h7_image_free(&img);
}

static void test_cm7_image_checked_as_cm4_is_refused_for_dtcm(void **state)
{
    h7_image img;
    char err[512] = "";
    const char *path = h7t_fw("boot_cm7.elf");
    assert_int_equal(h7_image_load(path, &img, err, sizeof err), 0);
    /* Its .data runs in DTCM at 0x20000000. */
    assert_int_equal(h7_image_check_placement(&img, H7_CM4, NULL, err, sizeof err), -1);
    assert_error(err, path, "is outside the CM4's memory (ITCM/DTCM are CM7-only)");
    assert_non_null(strstr(err, "0x20000000-"));
    h7_image_free(&img);
}

/* Hand-built images for the edge cases. */
static h7_image make_image(const char *path, h7_segment *segs, size_t n)
{
    h7_image img;
    memset(&img, 0, sizeof img);
    img.path = (char *)path;
    img.segs = segs;
    img.nseg = n;
    return img;
}

static void test_itcm_code_is_cm7_only(void **state)
{
    uint8_t bytes[16] = {0};
    h7_segment s = {.paddr = 0x00000000u, .vaddr = 0x00000000u, .filesz = 16, .memsz = 16, .flags = PF_R | PF_X,
                    .data = bytes};
    h7_image img = make_image("itcm.elf", &s, 1);
    char err[512] = "";
    assert_int_equal(h7_image_check_placement(&img, H7_CM7, NULL, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&img, H7_CM4, NULL, err, sizeof err), -1);
    assert_error(err, "itcm.elf", "segment 0 at 0x00000000-0x0000000f is outside the CM4's memory (ITCM/DTCM are CM7-only)");
}

static void test_segment_past_the_end_of_flash_is_refused(void **state)
{
    uint8_t bytes[64] = {0};
    h7_segment s = {.paddr = 0x081FFFE0u, .vaddr = 0x081FFFE0u, .filesz = 64, .memsz = 64, .flags = PF_R | PF_X,
                    .data = bytes};
    h7_image img = make_image("big.elf", &s, 1);
    char err[512] = "";
    assert_int_equal(h7_image_check_placement(&img, H7_CM7, NULL, err, sizeof err), -1);
    assert_error(err, "big.elf", "segment 0 at 0x081fffe0-0x0820001f is outside the CM7's memory");
    assert_null(strstr(err, "ITCM"));
}

static void test_same_image_as_both_cores_overlaps(void **state)
{
    h7_image img;
    char err[512] = "";
    const char *path = h7t_fw("boot_cm7.elf");
    assert_int_equal(h7_image_load(path, &img, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&img, H7_CM7, &img, err, sizeof err), -1);
    char want[700];
    snprintf(want, sizeof want, "segment 0 at 0x08000000 overlaps %s's segment at 0x08000000", path);
    assert_error(err, path, want);
    h7_image_free(&img);
}

static void test_overlap_of_one_byte_is_found_and_adjacency_is_not(void **state)
{
    uint8_t bytes[0x100] = {0};
    h7_segment a = {.paddr = 0x08100000u, .vaddr = 0x08100000u, .filesz = 0x100, .memsz = 0x100, .flags = PF_R | PF_X,
                    .data = bytes};
    h7_segment b = {.paddr = 0x08100100u, .vaddr = 0x08100100u, .filesz = 0x100, .memsz = 0x100, .flags = PF_R | PF_X,
                    .data = bytes};
    h7_image ia = make_image("a.elf", &a, 1), ib = make_image("b.elf", &b, 1);
    char err[512] = "";
    assert_int_equal(h7_image_check_placement(&ia, H7_CM7, &ib, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&ib, H7_CM4, &ia, err, sizeof err), 0);
    b.paddr = 0x081000FFu;
    assert_int_equal(h7_image_check_placement(&ia, H7_CM7, &ib, err, sizeof err), -1);
    assert_error(err, "a.elf", "segment 0 at 0x08100000 overlaps b.elf's segment at 0x081000ff");
    assert_int_equal(h7_image_check_placement(&ib, H7_CM4, &ia, err, sizeof err), -1);
    assert_error(err, "b.elf", "segment 0 at 0x081000ff overlaps a.elf's segment at 0x08100000");
}

/* The CM4 sees SRAM1-3 at 0x10000000 as well as 0x30000000: an overlap through the alias is one. */
static void test_overlap_through_the_d2_sram_alias_is_found(void **state)
{
    uint8_t bytes[0x40] = {0};
    h7_segment s7 = {.paddr = 0x30000020u, .vaddr = 0x30000020u, .filesz = 0x40, .memsz = 0x40, .flags = PF_R | PF_W,
                     .data = bytes};
    h7_segment s4 = {.paddr = 0x10000000u, .vaddr = 0x10000000u, .filesz = 0x40, .memsz = 0x40, .flags = PF_R | PF_W,
                     .data = bytes};
    h7_image i7 = make_image("cm7.elf", &s7, 1), i4 = make_image("cm4.elf", &s4, 1);
    char err[512] = "";
    assert_int_equal(h7_image_check_placement(&i7, H7_CM7, NULL, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&i4, H7_CM4, NULL, err, sizeof err), 0);
    assert_int_equal(h7_image_check_placement(&i4, H7_CM4, &i7, err, sizeof err), -1);
    assert_error(err, "cm4.elf", "segment 0 at 0x10000000 overlaps cm7.elf's segment at 0x30000020");
    s4.paddr = s4.vaddr = 0x10000060u;   /* right after: no overlap */
    assert_int_equal(h7_image_check_placement(&i4, H7_CM4, &i7, err, sizeof err), 0);
}

static void test_zero_size_segments_do_not_overlap(void **state)
{
    h7_segment a = {.paddr = 0x38000000u, .vaddr = 0x38000000u, .filesz = 0, .memsz = 4, .flags = PF_R | PF_W};
    h7_image ia = make_image("a.elf", &a, 1), ib = make_image("b.elf", &a, 1);
    char err[512] = "";
    assert_int_equal(h7_image_check_placement(&ia, H7_CM7, &ib, err, sizeof err), 0);
}

#define T(fn) cmocka_unit_test(test_##fn)

/* DWARF DW_TAG_inlined_subroutine: the -Os image has Error_Handler inlined into main; its range,
 * caller and call site come from libdw. */
static void test_inlined_subroutine_ranges_name_callee_caller_and_call_site(void **state)
{
    h7_image img;
    char err[256];
    assert_int_equal(h7_image_load(h7t_fw("error_inlined_cm7.elf"), &img, err, sizeof err), 0);
    assert_true(img.ninlines > 0);
    const h7_inline *hit = NULL;
    for (size_t i = 0; i < img.ninlines; i++)
        if (!strcmp(img.inlines[i].callee, "Error_Handler"))
            hit = &img.inlines[i];
    assert_non_null(hit);
    assert_string_equal(hit->caller, "main");
    assert_int_equal(hit->call_line, 21);
    assert_non_null(strstr(hit->call_file, "error_inlined.c"));
    assert_ptr_equal(h7_image_inline_at(&img, hit->lo, "Error_Handler"), hit);
    assert_null(h7_image_inline_at(&img, hit->hi, "Error_Handler"));
    h7_image_free(&img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inlined_subroutine_ranges_name_callee_caller_and_call_site),
        T(missing_file_names_path_and_errno),
        T(directory_is_not_a_regular_file),
        T(empty_file),
        T(short_text_file),
        T(text_file_is_not_an_elf),
        T(64_bit_elf_is_refused),
        T(unknown_elf_class_is_refused),
        T(big_endian_elf_is_refused),
        T(wrong_machine_is_refused),
        T(relocatable_object_is_refused),
        T(truncated_to_100_bytes),
        T(truncated_to_1000_bytes),
        T(truncated_in_the_middle_of_the_program_headers),
        T(truncated_inside_the_elf_header),
        T(segment_offset_beyond_the_file_end),
        T(segment_size_beyond_the_file_end),
        T(file_size_larger_than_memory_size),
        T(segment_wrapping_the_address_space),
        T(too_many_program_headers),
        T(no_loadable_segment),
        T(symbol_table_with_bad_string_link),
        T(small_error_buffer_is_not_overrun),
        T(random_byte_changes_never_crash),
        T(boot_cm7_loads_with_its_segments),
        T(find_symbol_main),
        T(symbolize_gives_main_plus_offset),
        T(line_of_main_is_in_boot_c),
        T(no_line_for_itcm_address_of_discarded_code),
        T(no_line_past_the_end_of_the_code),
        T(boot_cm4_loads),
        T(images_fit_their_own_core),
        T(cm4_image_checked_as_cm7_is_refused),
        T(cm7_image_checked_as_cm4_is_refused_for_dtcm),
        T(itcm_code_is_cm7_only),
        T(segment_past_the_end_of_flash_is_refused),
        T(same_image_as_both_cores_overlaps),
        T(overlap_of_one_byte_is_found_and_adjacency_is_not),
        T(overlap_through_the_d2_sram_alias_is_found),
        T(zero_size_segments_do_not_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

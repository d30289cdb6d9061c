/* Intel HEX and FILE@ADDR binary images (raw_image.h). Intel HEX records (Intel "Hexadecimal
 * Object File Format Specification" rev A): ':' LL AAAA TT DD.. CC, checksum = two's complement of
 * the byte sum; types 00 data, 01 end, 02 extended segment address (x16), 03 start segment
 * address, 04 extended linear address (upper 16 bits), 05 start linear address (the entry). */
#define _GNU_SOURCE
#include "elf_image.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u
#define MAX_IMAGE (64u << 20)   /* no STM32H755 memory is larger */

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

/* "app.bin@0x08000000" -> the '@' (NULL if none, or if what follows is not a number). */
static const char *at_sign(const char *spec)
{
    const char *at = strrchr(spec, '@');
    if (!at || at == spec || !at[1])
        return NULL;
    return at;
}

bool h7_image_is_raw(const char *spec)
{
    return at_sign(spec) || ends_with(spec, ".hex") || ends_with(spec, ".ihex");
}

/* Append bytes at addr: extends the last segment when contiguous, else starts a new one. */
static int put_bytes(h7_image *img, uint32_t addr, const uint8_t *b, size_t n)
{
    h7_segment *last = img->nseg ? &img->segs[img->nseg - 1] : NULL;
    if (!last || last->paddr + last->filesz != addr) {
        h7_segment *s = realloc(img->segs, (img->nseg + 1) * sizeof *s);
        if (!s)
            return -1;
        img->segs = s;
        last = &img->segs[img->nseg++];
        *last = (h7_segment){.paddr = addr, .vaddr = addr, .flags = PF_R | PF_X};
    }
    if (last->filesz + n > MAX_IMAGE)
        return -1;
    uint8_t *d = realloc(last->data, last->filesz + n);
    if (!d)
        return -1;
    memcpy(d + last->filesz, b, n);
    last->data = d;
    last->filesz += (uint32_t)n;
    last->memsz = last->filesz;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int cmp_seg(const void *a, const void *b)
{
    uint32_t x = ((const h7_segment *)a)->paddr, y = ((const h7_segment *)b)->paddr;
    return x < y ? -1 : x > y;
}

int h7_image_parse_ihex(const char *name, const char *text, size_t len, h7_image *img, char *err, size_t errlen)
{
    memset(img, 0, sizeof *img);
    img->path = strdup(name);
    uint32_t base = 0;
    unsigned lineno = 0;
    bool ended = false;
    for (size_t pos = 0; pos < len && !ended;) {
        size_t eol = pos;
        while (eol < len && text[eol] != '\n')
            eol++;
        lineno++;
        size_t n = eol - pos;
        const char *l = text + pos;
        pos = eol + 1;
        while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
            n--;
        if (!n)
            continue;
        if (l[0] != ':' || n < 11 || (n - 1) % 2) {
            h7_image_free(img);
            return fail(err, errlen, "%s:%u: not an Intel HEX record (':LLAAAATT...CC')", name, lineno);
        }
        uint8_t rec[262];
        size_t nb = (n - 1) / 2;
        if (nb > sizeof rec) {
            h7_image_free(img);
            return fail(err, errlen, "%s:%u: record too long", name, lineno);
        }
        uint8_t sum = 0;
        for (size_t i = 0; i < nb; i++) {
            int hi = hexval(l[1 + 2 * i]), lo = hexval(l[2 + 2 * i]);
            if (hi < 0 || lo < 0) {
                h7_image_free(img);
                return fail(err, errlen, "%s:%u: '%c%c' is not a hex byte", name, lineno, l[1 + 2 * i], l[2 + 2 * i]);
            }
            rec[i] = (uint8_t)(hi << 4 | lo);
            sum = (uint8_t)(sum + rec[i]);
        }
        if (rec[0] + 5u != nb) {
            h7_image_free(img);
            return fail(err, errlen, "%s:%u: length byte says %u data bytes, the record has %zu", name, lineno, rec[0], nb - 5);
        }
        if (sum) {
            h7_image_free(img);
            return fail(err, errlen, "%s:%u: checksum mismatch (record sums to 0x%02X, not 0)", name, lineno, sum);
        }
        uint32_t off = (uint32_t)rec[1] << 8 | rec[2];
        const uint8_t *data = rec + 4;
        switch (rec[3]) {
        case 0x00:
            if (put_bytes(img, base + off, data, rec[0]) != 0) {
                h7_image_free(img);
                return fail(err, errlen, "%s:%u: image too large", name, lineno);
            }
            break;
        case 0x01:
            ended = true;
            break;
        case 0x02:
        case 0x04:
            if (rec[0] != 2) {
                h7_image_free(img);
                return fail(err, errlen, "%s:%u: address record with %u bytes (2 expected)", name, lineno, rec[0]);
            }
            base = rec[3] == 0x04 ? ((uint32_t)data[0] << 24 | (uint32_t)data[1] << 16)
                                  : ((uint32_t)data[0] << 8 | data[1]) << 4;
            break;
        case 0x03:
            break;   /* CS:IP start address: meaningless on a Cortex-M (the vector table decides) */
        case 0x05:
            if (rec[0] == 4)
                img->entry = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
            break;
        default:
            h7_image_free(img);
            return fail(err, errlen, "%s:%u: unknown record type %02X", name, lineno, rec[3]);
        }
    }
    if (!ended) {
        h7_image_free(img);
        return fail(err, errlen, "%s: no end-of-file record (:00000001FF): truncated?", name);
    }
    if (!img->nseg) {
        h7_image_free(img);
        return fail(err, errlen, "%s: no data records", name);
    }
    qsort(img->segs, img->nseg, sizeof *img->segs, cmp_seg);
    for (size_t i = 1; i < img->nseg; i++)
        if (img->segs[i - 1].paddr + img->segs[i - 1].filesz > img->segs[i].paddr) {
            uint32_t a = img->segs[i].paddr;
            h7_image_free(img);
            return fail(err, errlen, "%s: data records overlap at 0x%08X", name, a);
        }
    return 0;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) {
        fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 4 * (off_t)MAX_IMAGE) {
        fclose(f);
        fail(err, errlen, "%s: not a regular file of a sensible size", path);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    *len = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!buf || *len != (size_t)st.st_size) {
        free(buf);
        fail(err, errlen, "%s: read error", path);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

int h7_image_load_raw(const char *spec, h7_image *img, char *err, size_t errlen)
{
    memset(img, 0, sizeof *img);
    const char *at = at_sign(spec);
    char path[4096];
    snprintf(path, sizeof path, "%.*s", at ? (int)(at - spec) : (int)strlen(spec), spec);
    size_t len = 0;
    char *buf = slurp(path, &len, err, errlen);
    if (!buf)
        return -1;
    int rc;
    if (!at) {
        rc = h7_image_parse_ihex(path, buf, len, img, err, errlen);
    } else {
        char *end;
        errno = 0;
        unsigned long long addr = strtoull(at + 1, &end, 0);
        if (errno || *end || addr > 0xFFFFFFFFull || !len || addr + len > 0x100000000ull)
            rc = fail(err, errlen, "%s: '%s' is not an address the %zu-byte image fits at (FILE.bin@0x08000000)", spec,
                      at + 1, len);
        else if (!(img->path = strdup(spec)) || put_bytes(img, (uint32_t)addr, (const uint8_t *)buf, len) != 0)
            rc = fail(err, errlen, "%s: out of memory", spec);
        else
            rc = 0;
        if (rc)
            h7_image_free(img);
    }
    free(buf);
    return rc;
}

#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 3629: shortest form only, no surrogates, at most U+10FFFF. */
size_t h7_utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned min, cp;
    if ((c & 0xE0) == 0xC0) {
        n = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp >= 0x80 && cp < 0xA0)   /* C1 controls */
        return 0;
    return n;
}

static bool unsafe_ascii(unsigned char c) { return c < 0x20 || c == 0x7F; }

bool h7_text_is_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            if (unsafe_ascii(*p))
                return false;
            p++;
            continue;
        }
        size_t n = h7_utf8_len(p);
        if (!n)
            return false;
        p += n;
    }
    return true;
}

char *h7_text_sanitize(const char *s)
{
    if (h7_text_is_clean(s))
        return strdup(s);
    size_t len = strlen(s);
    char *out = malloc(4 * len + 1), *o = out;
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? (unsafe_ascii(*p) ? 0 : 1) : h7_utf8_len(p);
        if (n) {
            memcpy(o, p, n);
            o += n;
            p += n;
        } else {
            o += sprintf(o, "\\x%02X", *p);
            p++;
        }
    }
    *o = '\0';
    return out;
}

void h7_xml_write_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        if (c == '&') {
            fputs("&amp;", f);
        } else if (c == '<') {
            fputs("&lt;", f);
        } else if (c == '>') {
            fputs("&gt;", f);
        } else if (c == '"') {
            fputs("&quot;", f);
        } else if (c == '\n' || c == '\t') {
            fputc(c, f);
        } else if (c == '\r') {
            fputs("&#xD;", f);
        } else if (c < 0x80) {
            if (unsafe_ascii(c))
                fputs("&#xFFFD;", f);
            else
                fputc(c, f);
        } else {
            size_t n = h7_utf8_len(p);
            if (!n) {
                fputs("&#xFFFD;", f);
            } else {
                fwrite(p, 1, n, f);
                p += n;
                continue;
            }
        }
        p++;
    }
}

void h7_term_write_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? ((unsafe_ascii(*p) && *p != '\n' && *p != '\t') ? 0 : 1) : h7_utf8_len(p);
        if (n) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            fprintf(f, "\\x%02X", *p);
            p++;
        }
    }
}

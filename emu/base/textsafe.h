/* Untrusted text (ELF symbol and file names, scenario names, file paths, UART bytes) on its way to
 * an output: control characters and bytes that are not UTF-8 become visible "\xNN" escapes, so a
 * name cannot forge a timeline line, move the terminal cursor, or make JSON/XML ill-formed. */
#ifndef H7_TEXTSAFE_H
#define H7_TEXTSAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* True if s holds only printable ASCII and well-formed UTF-8 (no C0/C1 controls, no DEL). */
bool h7_text_is_clean(const char *s);
/* A malloc'd copy of s with every unsafe byte written as \xNN (a clean s is copied as is);
 * NULL only if out of memory. */
char *h7_text_sanitize(const char *s);
/* Length of the well-formed UTF-8 sequence at p (1..4), 0 if p does not start one. */
size_t h7_utf8_len(const unsigned char *p);

/* Write s as XML character data / attribute text: &<>" escaped, control characters and bytes that
 * are not UTF-8 written as U+FFFD (XML 1.0 cannot carry them), so the document stays well-formed. */
void h7_xml_write_text(FILE *f, const char *s);
/* Write multi-line text to a terminal: like h7_text_sanitize but newlines and tabs kept. */
void h7_term_write_text(FILE *f, const char *s);

#endif

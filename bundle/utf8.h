/*
 * utf8.h - strict UTF-8 decoding (RFC 3629), as the name rules and the text
 * files of a bundle require (format-spec/bundle-v1.md, "Entry names").
 */
#ifndef SAMPAN_BUNDLE_UTF8_H
#define SAMPAN_BUNDLE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode one code point of s[*pos..len).  On success store it in *cp,
 * advance *pos and return true.  Overlong forms, surrogates, code points
 * above U+10FFFF and truncated sequences return false and leave *pos alone.
 */
bool utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp);

/* True when all len bytes of s are well-formed UTF-8 (NUL bytes allowed). */
bool utf8_valid(const char *s, size_t len);

#endif

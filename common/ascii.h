/*
 * ascii.h - ASCII case, as names, schemes, tags and HTML attributes have it:
 * never the locale's (a Turkish locale must not turn "FILE:" into "fıle:"),
 * and bytes above 127 left as they are.
 */
#ifndef SAMPAN_COMMON_ASCII_H
#define SAMPAN_COMMON_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/* c with A-Z made a-z; every other byte as it is. */
char ascii_lower(char c);

/* The value of the hex digit c (0-9, a-f, A-F); -1 for any other byte. */
int ascii_hex_value(char c);

/* Whether the n bytes at s start with prefix (lowercase ASCII), ignoring ASCII case. */
bool ascii_starts_with_ci(const char *s, size_t n, const char *prefix);

#endif

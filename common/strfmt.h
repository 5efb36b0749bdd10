/*
 * strfmt.h - a printf result in memory of its own, for code that must not
 * end the program when memory runs out (serving, the library's scan, the
 * checks that collect what they drop): NULL then, for the caller to answer.
 * The programs' commands use xasprintf (xalloc.h), built on these.
 */
#ifndef SAMPAN_COMMON_STRFMT_H
#define SAMPAN_COMMON_STRFMT_H

#include <stdarg.h>

#if defined(__GNUC__)
#define STRFMT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define STRFMT_PRINTF(f, a)
#endif

/* The formatted string, malloc'd (free it); NULL when out of memory or fmt is impossible. */
char *strfmt(const char *fmt, ...) STRFMT_PRINTF(1, 2);
/* The same with a va_list, which it leaves to the caller to va_end. */
char *vstrfmt(const char *fmt, va_list ap) STRFMT_PRINTF(1, 0);

#endif

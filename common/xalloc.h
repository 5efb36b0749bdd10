/*
 * xalloc.h - memory for the programs: an allocation that cannot be had ends
 * the program with "PROGRAM: out of memory" on stderr and exit code 3
 * (EXIT_SYSTEM), never an abort and never a NULL to check, as git's
 * wrapper.c does.  sampan-build and the commands of sampan-play use these;
 * bundle/ never does (it returns BUNDLE_NOMEM and its caller decides), nor
 * does what sampan-play runs while serving, where one request must not end
 * the classroom's server.
 *
 * Everything returned is malloc'd: free it with free().
 */
#ifndef SAMPAN_COMMON_XALLOC_H
#define SAMPAN_COMMON_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define XALLOC_NORETURN __attribute__((noreturn))
#define XALLOC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define XALLOC_NORETURN
#define XALLOC_PRINTF(f, a)
#endif

/* Say "out of memory" and exit 3: for a library call that failed for want of memory. */
void xalloc_die(void) XALLOC_NORETURN;

/* malloc(n); xmalloc(0) gives a pointer of its own, as malloc(1) would. */
void *xmalloc(size_t n);
/* calloc(n, size), zeroed; n * size overflowing is out of memory. */
void *xcalloc(size_t n, size_t size);
/* realloc(p, n); n 0 keeps a pointer of its own. */
void *xrealloc(void *p, size_t n);
/* realloc(p, n * size), checked for overflow (reallocarray). */
void *xreallocarray(void *p, size_t n, size_t size);

/* A copy of s. */
char *xstrdup(const char *s);
/* A copy of the first n bytes of s (fewer if s ends before), NUL-terminated. */
char *xstrndup(const char *s, size_t n);
/* The printf-formatted string. */
char *xasprintf(const char *fmt, ...) XALLOC_PRINTF(1, 2);
/* The same with a va_list, which it leaves to the caller to va_end. */
char *xvasprintf(const char *fmt, va_list ap) XALLOC_PRINTF(1, 0);

#endif

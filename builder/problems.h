/*
 * problems.h - the list of problems `check` and `build` find in a course
 * source, each at a file and line, printed as `file:line: message` (or
 * `file:line:col: message`), sorted, errors and warnings apart.
 */
#ifndef SAMPAN_BUILDER_PROBLEMS_H
#define SAMPAN_BUILDER_PROBLEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum problem_level { PROBLEM_ERROR, PROBLEM_WARNING };

struct problem {
	enum problem_level level;
	char *file; /* relative to the course folder, e.g. "lessons/02.md"; never NULL */
	unsigned line; /* 1-based; 0 when the problem concerns the whole file */
	unsigned col; /* 1-based; 0 when unknown */
	char *message; /* no trailing newline, no full stop */
};

struct problems {
	struct problem *v;
	size_t count;
	size_t cap;
	size_t errors;
	size_t warnings;
};

void problems_init(struct problems *p);
void problems_release(struct problems *p);

/* Add one problem (the message is printf-formatted).  Out of memory ends the program (cli_oom: exit 3). */
void problems_add(struct problems *p, enum problem_level level, const char *file, unsigned line,
                  unsigned col, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 6, 7)))
#endif
        ;

/*
 * At most 80 bytes of s for quoting in a message, cut on a character
 * boundary with "..." when cut; buf holds PROBLEMS_QUOTE_SIZE bytes.
 */
#define PROBLEMS_QUOTE_SIZE 84
const char *problems_quote(const char *s, char buf[PROBLEMS_QUOTE_SIZE]);

/* Sort by file, line, column, then message (stable, locale-free). */
void problems_sort(struct problems *p);

/*
 * Print every problem, one per line: `FILE:LINE[:COL]: error: MESSAGE` or
 * `... warning: ...` (`FILE: ...` when LINE is 0).  color: highlight the
 * level (the caller decides: a terminal and no NO_COLOR).
 */
void problems_print(const struct problems *p, FILE *out, bool color);

#endif

/* problems.c - the problems `check` and `build` report, sorted and printed as file:line: message. */
#include "problems.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "utf8.h"
#include "xalloc.h"

void problems_init(struct problems *p)
{
	memset(p, 0, sizeof(*p));
}

void problems_release(struct problems *p)
{
	for (size_t i = 0; i < p->count; i++) {
		free(p->v[i].file);
		free(p->v[i].message);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void problems_add(struct problems *p, enum problem_level level, const char *file, unsigned line,
                  unsigned col, const char *fmt, ...)
{
	struct problem *pr;
	va_list ap;

	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		p->v = xreallocarray(p->v, cap, sizeof(*p->v));
		p->cap = cap;
	}
	pr = &p->v[p->count];
	pr->level = level;
	pr->line = line;
	pr->col = col;
	pr->file = xstrdup(file ? file : "");
	va_start(ap, fmt);
	pr->message = xvasprintf(fmt, ap);
	va_end(ap);
	p->count++;
	if (level == PROBLEM_ERROR)
		p->errors++;
	else
		p->warnings++;
}

static int cmp_problem(const void *pa, const void *pb)
{
	const struct problem *a = *(const struct problem *const *)pa;
	const struct problem *b = *(const struct problem *const *)pb;
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	c = strcmp(a->message, b->message);
	if (c)
		return c;
	/* The pointers are into the unsorted array: their order keeps the sort stable. */
	return a < b ? -1 : (a > b ? 1 : 0);
}

void problems_sort(struct problems *p)
{
	const struct problem **order;
	struct problem *sorted;

	if (p->count < 2)
		return;
	order = xreallocarray(NULL, p->count, sizeof(*order));
	sorted = xreallocarray(NULL, p->count, sizeof(*sorted));
	for (size_t i = 0; i < p->count; i++)
		order[i] = &p->v[i];
	qsort(order, p->count, sizeof(*order), cmp_problem);
	for (size_t i = 0; i < p->count; i++)
		sorted[i] = *order[i];
	memcpy(p->v, sorted, p->count * sizeof(*sorted));
	free(sorted);
	free(order);
}

/* Write s with control bytes and invalid UTF-8 as \xNN: names on disk may be hostile. */
static void put_safe(FILE *out, const char *s)
{
	size_t len = strlen(s), pos = 0;

	while (pos < len) {
		size_t start = pos;
		uint32_t cp;
		if (!utf8_next(s, len, &pos, &cp)) {
			fprintf(out, "\\x%02X", (unsigned)(unsigned char)s[pos]);
			pos++;
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			fprintf(out, "\\x%02X", (unsigned)cp);
		else
			fwrite(s + start, 1, pos - start, out);
	}
}

void problems_print(const struct problems *p, FILE *out, bool color)
{
	for (size_t i = 0; i < p->count; i++) {
		const struct problem *pr = &p->v[i];
		bool err = pr->level == PROBLEM_ERROR;
		const char *level = err ? "error" : "warning";

		if (cli_program && *cli_program)
			fprintf(out, "%s: ", cli_program);
		put_safe(out, pr->file);
		if (pr->line && pr->col)
			fprintf(out, ":%u:%u", pr->line, pr->col);
		else if (pr->line)
			fprintf(out, ":%u", pr->line);
		if (color)
			fprintf(out, ": %s%s\033[0m: ", err ? "\033[1;31m" : "\033[1;35m", level);
		else
			fprintf(out, ": %s: ", level);
		put_safe(out, pr->message);
		fputc('\n', out);
	}
}

const char *problems_quote(const char *s, char buf[PROBLEMS_QUOTE_SIZE])
{
	size_t n = strlen(s), max = PROBLEMS_QUOTE_SIZE - 4;

	if (n <= max) {
		snprintf(buf, PROBLEMS_QUOTE_SIZE, "%s", s);
		return buf;
	}
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	snprintf(buf, PROBLEMS_QUOTE_SIZE, "%.*s...", (int)n, s);
	return buf;
}

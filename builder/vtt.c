/* vtt.c - WebVTT subtitles (W3C WebVTT, "file structure"): cues, their times and plain text. */
#include "vtt.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VTT_ERRORS_MAX 20 /* then one line says how many more: a wrong file is not 10,000 lines */
#define QUOTE_MAX 60

struct line {
	const char *s;
	size_t n;
};

struct parse {
	const char *file;
	struct problems *p;
	struct vtt *out;
	size_t cap;
	unsigned errors;
};

static void error_at(struct parse *ps, size_t line, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

static void error_at(struct parse *ps, size_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ps->errors++;
	if (ps->errors > VTT_ERRORS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	problems_add(ps->p, PROBLEM_ERROR, ps->file, (unsigned)line, 0, "%s", msg);
}

static bool blank(const struct line *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

static bool contains_arrow(const struct line *l)
{
	for (size_t i = 0; i + 3 <= l->n; i++)
		if (memcmp(l->s + i, "-->", 3) == 0)
			return true;
	return false;
}

/*
 * A timing line written with a short arrow ("00:01.000 -> 00:02.000", or a
 * typographic one): starts with a digit and has "->" but no "-->".
 */
static bool short_arrow(const struct line *l)
{
	if (l->n == 0 || l->s[0] < '0' || l->s[0] > '9' || contains_arrow(l))
		return false;
	for (size_t i = 0; i + 2 <= l->n; i++)
		if (memcmp(l->s + i, "->", 2) == 0)
			return true;
	for (size_t i = 0; i + 4 <= l->n; i++) /* U+2013 or U+2014, then '>' */
		if ((memcmp(l->s + i, "\xE2\x80\x93>", 4) == 0 ||
		     memcmp(l->s + i, "\xE2\x80\x94>", 4) == 0))
			return true;
	return false;
}

/* The line begins with word, followed by its end, a space or a tab. */
static bool starts_word(const struct line *l, const char *word)
{
	size_t n = strlen(word);

	return l->n >= n && memcmp(l->s, word, n) == 0 &&
	       (l->n == n || l->s[n] == ' ' || l->s[n] == '\t');
}

/* Count and bound a run of digits at s[*i]; the value of at most 9 of them. */
static size_t digits(const struct line *l, size_t *i, uint64_t *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < l->n && l->s[*i] >= '0' && l->s[*i] <= '9') {
		if (*i - start < 9)
			*v = *v * 10 + (uint64_t)(l->s[*i] - '0');
		(*i)++;
	}
	return *i - start;
}

/* hh:mm:ss.ttt (two or more hour digits) or mm:ss.ttt, in milliseconds. */
static bool timestamp(const struct line *l, size_t *i, uint64_t *ms)
{
	uint64_t a, b, c = 0, t;
	size_t na, nb, nc = 0;

	na = digits(l, i, &a);
	if (na == 0 || na > 9 || *i >= l->n || l->s[*i] != ':')
		return false;
	(*i)++;
	nb = digits(l, i, &b);
	if (nb != 2)
		return false;
	if (*i < l->n && l->s[*i] == ':') {
		(*i)++;
		nc = digits(l, i, &c);
		if (nc != 2 || na < 2)
			return false;
	} else if (na != 2) {
		return false;
	}
	if (*i >= l->n || l->s[*i] != '.')
		return false;
	(*i)++;
	if (digits(l, i, &t) != 3)
		return false;
	if (nc) {
		/* a:b:c = hours, minutes, seconds */
		if (b > 59 || c > 59)
			return false;
		*ms = ((a * 60 + b) * 60 + c) * 1000 + t;
	} else {
		if (a > 59 || b > 59)
			return false;
		*ms = (a * 60 + b) * 1000 + t;
	}
	return true;
}

static void skip_ws(const struct line *l, size_t *i)
{
	while (*i < l->n && (l->s[*i] == ' ' || l->s[*i] == '\t'))
		(*i)++;
}

/* start --> end, then optional settings after whitespace (ignored). */
static bool timing(const struct line *l, uint64_t *start, uint64_t *end)
{
	size_t i = 0;

	skip_ws(l, &i);
	if (!timestamp(l, &i, start))
		return false;
	skip_ws(l, &i);
	if (l->n - i < 3 || memcmp(l->s + i, "-->", 3) != 0)
		return false;
	i += 3;
	skip_ws(l, &i);
	if (!timestamp(l, &i, end))
		return false;
	return i == l->n || l->s[i] == ' ' || l->s[i] == '\t';
}

/* Append one payload line without its tags, with &amp; &lt; &gt; &nbsp; decoded. */
static size_t clean_line(char *d, const struct line *l)
{
	static const struct {
		const char *name;
		char ch;
	} entities[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&nbsp;", ' ' } };
	size_t j = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->s[i] == '<') {
			const char *gt = memchr(l->s + i, '>', l->n - i);
			if (!gt)
				break;
			i = (size_t)(gt - l->s);
			continue;
		}
		if (l->s[i] == '&') {
			bool done = false;
			for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
				size_t en = strlen(entities[k].name);
				if (l->n - i >= en && memcmp(l->s + i, entities[k].name, en) == 0) {
					d[j++] = entities[k].ch;
					i += en - 1;
					done = true;
					break;
				}
			}
			if (done)
				continue;
		}
		d[j++] = l->s[i];
	}
	return j;
}

static bool add_cue(struct parse *ps, uint64_t start, uint64_t end, size_t line,
                    const struct line *payload, size_t count)
{
	struct vtt *v = ps->out;
	size_t total = 1;
	char *text;
	size_t j = 0;

	for (size_t k = 0; k < count; k++)
		total += payload[k].n + 1;
	text = malloc(total);
	if (!text)
		return false;
	for (size_t k = 0; k < count; k++) {
		size_t n;
		if (j > 0)
			text[j++] = ' ';
		n = clean_line(text + j, &payload[k]);
		/* A line that was only tags adds nothing, not even a space. */
		if (n == 0 && j > 0)
			j--;
		j += n;
	}
	text[j] = '\0';
	if (v->count == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 64;
		struct vtt_cue *nc = realloc(v->cues, cap * sizeof(*nc));
		if (!nc) {
			free(text);
			return false;
		}
		v->cues = nc;
		ps->cap = cap;
	}
	v->cues[v->count].start_ms = start;
	v->cues[v->count].end_ms = end;
	v->cues[v->count].text = text;
	v->cues[v->count].line = (unsigned)line;
	v->count++;
	return true;
}

static const char *quote_line(const struct line *l, char *buf, size_t size)
{
	size_t n = l->n;

	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)l->s[n] & 0xC0) == 0x80)
			n--;
		snprintf(buf, size, "%.*s...", (int)n, l->s);
	} else {
		snprintf(buf, size, "%.*s", (int)n, l->s);
	}
	return buf;
}

static struct line *split_lines(const char *text, size_t len, size_t *count)
{
	size_t cap = 1, n = 0, start = 0;
	struct line *v;

	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n' || text[i] == '\r')
			cap++;
	v = malloc(cap * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n' && text[i] != '\r')
			continue;
		if (i == len && start == len)
			break;
		v[n].s = text + start;
		v[n].n = i - start;
		n++;
		if (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	*count = n;
	return v;
}

bool vtt_parse(const char *text, size_t len, const char *file, struct vtt *out, struct problems *p)
{
	struct parse ps = { .file = file, .p = p, .out = out, .cap = 0, .errors = 0 };
	struct line *lines;
	size_t n = 0, i = 0;
	bool ok = true;
	char q[QUOTE_MAX + 8];

	out->cues = NULL;
	out->count = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	lines = split_lines(text, len, &n);
	if (!lines)
		return false;
	if (n > 0 && starts_word(&lines[0], "WEBVTT")) {
		/* The header block: anything up to the first blank line. */
		for (i = 1; i < n && !blank(&lines[i]); i++)
			if (contains_arrow(&lines[i])) {
				error_at(&ps, i + 1,
				         "a blank line must separate the 'WEBVTT' header from the "
				         "first "
				         "cue");
				break;
			}
	} else {
		error_at(&ps, 1, "not a WebVTT file: the first line must be 'WEBVTT'");
		/* A header spelled wrong ("WEBVTT:"), or text: not a cue, and said once. */
		if (n > 0 && !contains_arrow(&lines[0]) && !(n > 1 && contains_arrow(&lines[1])))
			while (i < n && !blank(&lines[i]))
				i++;
	}
	while (i < n && ok) {
		size_t first, t;
		uint64_t start, end;

		if (blank(&lines[i])) {
			i++;
			continue;
		}
		first = i;
		if (starts_word(&lines[i], "NOTE") || starts_word(&lines[i], "STYLE") ||
		    starts_word(&lines[i], "REGION")) {
			while (i < n && !blank(&lines[i]))
				i++;
			continue;
		}
		t = i;
		if (short_arrow(&lines[i]) ||
		    (!contains_arrow(&lines[i]) && i + 1 < n && short_arrow(&lines[i + 1]))) {
			size_t at = short_arrow(&lines[i]) ? i : i + 1;

			error_at(&ps, at + 1,
			         "timing line '%s' has the arrow '->': WebVTT needs '-->' "
			         "('hh:mm:ss.ttt --> hh:mm:ss.ttt')",
			         quote_line(&lines[at], q, sizeof(q)));
			while (i < n && !blank(&lines[i]))
				i++;
			continue;
		}
		if (!contains_arrow(&lines[i])) {
			/* An identifier, then the timing line. */
			t = i + 1;
			if (t >= n || blank(&lines[t]) || !contains_arrow(&lines[t])) {
				error_at(&ps, first + 1,
				         "'%s' is not a cue: no timing line 'hh:mm:ss.ttt --> "
				         "hh:mm:ss.ttt' follows it",
				         quote_line(&lines[first], q, sizeof(q)));
				while (i < n && !blank(&lines[i]))
					i++;
				continue;
			}
		}
		i = t + 1;
		/* The payload: up to a blank line, or a line that is another cue's timing. */
		while (i < n && !blank(&lines[i]) && !contains_arrow(&lines[i]))
			i++;
		if (!timing(&lines[t], &start, &end)) {
			error_at(&ps, t + 1,
			         "malformed timing line '%s' (expected 'hh:mm:ss.ttt --> "
			         "hh:mm:ss.ttt')",
			         quote_line(&lines[t], q, sizeof(q)));
			continue;
		}
		if (end < start) {
			error_at(&ps, t + 1, "cue ends before it starts: '%s'",
			         quote_line(&lines[t], q, sizeof(q)));
			continue;
		}
		ok = add_cue(&ps, start, end, t + 1, &lines[t + 1], i - t - 1);
	}
	if (ps.errors > VTT_ERRORS_MAX)
		problems_add(p, PROBLEM_ERROR, file, 0, 0,
		             "%u more problems in this file not shown", ps.errors - VTT_ERRORS_MAX);
	free(lines);
	if (!ok)
		vtt_release(out);
	return ok;
}

void vtt_release(struct vtt *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->cues[i].text);
	free(v->cues);
	v->cues = NULL;
	v->count = 0;
}

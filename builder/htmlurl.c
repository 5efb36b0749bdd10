/* htmlurl.c - the URLs written in raw HTML, found by position (htmlurl.h). */
#include "htmlurl.h"

#include <stdbool.h>
#include <string.h>

#include "ascii.h"

struct scan {
	const char *s;
	size_t n;
	htmlurl_fn fn;
	void *ctx;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool html_name_boundary(const char *s, size_t i)
{
	char p;

	if (i == 0)
		return true;
	p = s[i - 1];
	return is_ws(p) || p == '/' || p == ':' || p == '"' || p == '\'';
}

static bool is_url_end(char c)
{
	return is_ws(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == ')' || c == '\0';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A URL at s[at, at + len): handed over without the white space around it, if any is left. */
static void found(struct scan *hs, size_t at, size_t len)
{
	while (len > 0 && is_ws(hs->s[at])) {
		at++;
		len--;
	}
	while (len > 0 && is_ws(hs->s[at + len - 1]))
		len--;
	if (len > 0)
		hs->fn(hs->ctx, at, len);
}

/* srcset="a.png 1x, b.png 2x": each candidate's URL. */
static void html_srcset(struct scan *hs, size_t at, size_t end)
{
	while (at < end) {
		size_t u;

		while (at < end && (is_ws(hs->s[at]) || hs->s[at] == ','))
			at++;
		u = at;
		while (at < end && !is_ws(hs->s[at]))
			at++;
		if (at > u) {
			size_t ue = at;

			while (ue > u && hs->s[ue - 1] == ',')
				ue--;
			found(hs, u, ue - u);
		}
		while (at < end && hs->s[at] != ',')
			at++;
	}
}

/* An attribute holding a URL at s[i]: record its value and return the index after it, or i. */
static size_t html_attr(struct scan *hs, size_t i)
{
	static const char *const names[] = { "href", "src",    "srcset",     "poster",
		                             "data", "action", "formaction", "background" };
	const char *s = hs->s;
	size_t n = hs->n, k, j, v, ve;

	if (!html_name_boundary(s, i))
		return i;
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		size_t m = strlen(names[k]);

		if (!ascii_starts_with_ci(s + i, n - i, names[k]))
			continue;
		j = i + m;
		while (j < n && is_ws(s[j]))
			j++;
		if (j >= n || s[j] != '=')
			continue;
		j++;
		while (j < n && is_ws(s[j]))
			j++;
		if (j < n && (s[j] == '"' || s[j] == '\'')) {
			char q = s[j];

			v = j + 1;
			for (ve = v; ve < n && s[ve] != q; ve++)
				;
			j = ve < n ? ve + 1 : ve;
		} else {
			v = j;
			for (ve = v; ve < n && !is_ws(s[ve]) && s[ve] != '>'; ve++)
				;
			j = ve;
		}
		if (strcmp(names[k], "srcset") == 0)
			html_srcset(hs, v, ve);
		else
			found(hs, v, ve - v);
		return j;
	}
	return i;
}

/* url(...) in a style: record it and return the index after it, or i. */
static size_t html_css_url(struct scan *hs, size_t i)
{
	const char *s = hs->s;
	size_t n = hs->n, v, ve;

	if ((i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '-')) ||
	    !ascii_starts_with_ci(s + i, n - i, "url("))
		return i;
	v = i + 4;
	while (v < n && is_ws(s[v]))
		v++;
	if (v < n && (s[v] == '"' || s[v] == '\'')) {
		char q = s[v++];

		for (ve = v; ve < n && s[ve] != q; ve++)
			;
	} else {
		for (ve = v; ve < n && s[ve] != ')'; ve++)
			;
	}
	found(hs, v, ve - v);
	while (ve < n && s[ve] != ')')
		ve++;
	return ve;
}

/* http://, https:// or //host written anywhere in the HTML, e.g. in a script. */
static size_t html_bare_url(struct scan *hs, size_t i)
{
	const char *s = hs->s;
	size_t n = hs->n, e;

	if (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '/' || s[i - 1] == ':'))
		return i;
	if (ascii_starts_with_ci(s + i, n - i, "http://") ||
	    ascii_starts_with_ci(s + i, n - i, "https://")) {
		/* the scheme's own "//" is not a second URL */
	} else if (i + 2 < n && s[i] == '/' && s[i + 1] == '/' && is_alnum(s[i + 2])) {
		/* protocol-relative: another host too */
	} else {
		return i;
	}
	for (e = i; e < n && !is_url_end(s[e]); e++)
		;
	found(hs, i, e - i);
	return e;
}

void htmlurl_scan(const char *s, size_t n, htmlurl_fn fn, void *ctx)
{
	struct scan hs = { s, n, fn, ctx };
	size_t i;

	for (i = 0; i < n;) {
		size_t j = html_attr(&hs, i);

		if (j == i)
			j = html_css_url(&hs, i);
		if (j == i)
			j = html_bare_url(&hs, i);
		i = j > i ? j : i + 1;
	}
}

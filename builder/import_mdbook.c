/*
 * import_mdbook.c - an mdBook book (book.toml, src/SUMMARY.md) read for
 * `import` (format-spec/course-source.md, section 11.2): the chapters in
 * SUMMARY.md's order, nested chapters after their parent, draft chapters
 * (no file) reported and left out.
 *
 * Debian has no C library for TOML: book.toml's [book] table is read for
 * the few keys a course uses (title, description, authors, language, src),
 * each a string or a list of strings on its line; anything else is skipped.
 */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "sbuf.h"
#include "xalloc.h"

#define TOML_MAX (1u << 20)

/* A TOML string at *s ("basic" or 'literal'): malloc'd, *s moved past it; NULL if none. */
static char *toml_string(const char **s)
{
	const char *p = *s;
	char q = *p, *out;
	size_t n = 0;

	if (q != '"' && q != '\'')
		return NULL;
	out = xmalloc(strlen(p) + 1);
	for (p++; *p && *p != q && *p != '\n'; p++) {
		if (q == '"' && *p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n':
				out[n++] = '\n';
				break;
			case 't':
				out[n++] = '\t';
				break;
			default:
				out[n++] = *p;
			}
			continue;
		}
		out[n++] = *p;
	}
	if (*p != q) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	*s = p + 1;
	return out;
}

static void read_book_toml(struct import *im, char **src_dir)
{
	char err[256], *text;
	size_t len;
	const char *s;
	bool in_book = false;
	unsigned line = 0;

	text = import_read_file(im, "book.toml", TOML_MAX, &len, err, sizeof err);
	if (!text) {
		problems_add(im->problems, PROBLEM_WARNING, "book.toml", 0, 0, "%s", err);
		return;
	}
	for (s = text; *s;) {
		const char *nl = strchr(s, '\n'), *p = s;
		char key[64];
		size_t k = 0;
		line++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '[') {
			in_book = strncmp(p, "[book]", 6) == 0;
		} else if (in_book) {
			while (k + 1 < sizeof key &&
			       ((*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_'))
				key[k++] = *p++;
			key[k] = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
			if (k && *p == '=') {
				char *v;
				p++;
				while (*p == ' ' || *p == '\t')
					p++;
				if (strcmp(key, "authors") == 0 && *p == '[') {
					struct sbuf b;
					size_t blen;
					sbuf_init(&b, 4096);
					p++;
					for (;;) {
						while (*p == ' ' || *p == '\t' || *p == ',')
							p++;
						v = toml_string(&p);
						if (!v)
							break;
						if (b.len)
							sbuf_adds(&b, ", ");
						sbuf_adds(&b, v);
						free(v);
					}
					if (b.len) {
						blen = b.len;
						free(im->publisher);
						im->publisher = sbuf_take(&b, &blen);
					}
					sbuf_release(&b);
				} else if ((v = toml_string(&p)) != NULL) {
					char **to = strcmp(key, "title") == 0 ? &im->title
					            : strcmp(key, "description") == 0
					                    ? &im->description
					            : strcmp(key, "language") == 0 ? &im->language
					            : strcmp(key, "src") == 0      ? src_dir
					                                           : NULL;
					if (to) {
						free(*to);
						*to = v;
					} else {
						free(v);
					}
				} else if (strcmp(key, "title") == 0 || strcmp(key, "src") == 0 ||
				           strcmp(key, "language") == 0) {
					problems_add(
					        im->problems, PROBLEM_WARNING, "book.toml", line, 0,
					        "'%s': not a string on one line; not read", key);
				}
			}
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	free(text);
}

/* The link [title](target) at p: title and target malloc'd; false when p holds none. */
static bool summary_link(const char *p, const char *end, char **title, char **target)
{
	const char *b, *close;
	int depth = 0;

	if (p >= end || *p != '[')
		return false;
	b = p + 1;
	for (close = b; close < end; close++) {
		if (*close == '\\' && close + 1 < end) {
			close++;
			continue;
		}
		if (*close == '[')
			depth++;
		else if (*close == ']' && depth-- == 0)
			break;
	}
	if (close + 1 >= end || close[1] != '(')
		return false;
	{
		const char *t = close + 2, *te = memchr(t, ')', (size_t)(end - t));
		if (!te)
			return false;
		while (t < te && *t == ' ')
			t++;
		if (t < te && *t == '<' && te[-1] == '>') {
			t++;
			te--;
		}
		*title = xstrndup(b, (size_t)(close - b));
		*target = xstrndup(t, (size_t)(te - t));
	}
	return true;
}

static char *decode(const char *s)
{
	char *out = xmalloc(strlen(s) + 1);
	size_t n = 0;

	for (; *s; s++) {
		int hi, lo;
		if (*s == '%' && s[1] && s[2] &&
		    (hi = (s[1] >= '0' && s[1] <= '9') ? s[1] - '0' : (s[1] | 32) - 'a' + 10) >=
		            0 &&
		    hi < 16 &&
		    (lo = (s[2] >= '0' && s[2] <= '9') ? s[2] - '0' : (s[2] | 32) - 'a' + 10) >=
		            0 &&
		    lo < 16) {
			out[n++] = (char)(hi * 16 + lo);
			s += 2;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	return out;
}

bool import_mdbook(struct import *im)
{
	char *src_dir = xstrdup("src"), *summary, *text, err[256];
	size_t len, n_md;
	const char *s;
	unsigned line = 0;
	bool list_seen = false, first_heading = true;
	char **all;

	read_book_toml(im, &src_dir);
	free(im->content);
	im->content = src_dir;
	summary = path_join(src_dir, "SUMMARY.md");
	text = import_read_file(im, summary, IMPORT_PAGE_MAX, &len, err, sizeof err);
	if (!text) {
		problems_add(im->problems, PROBLEM_ERROR, summary, 0, 0, "%s", err);
		free(summary);
		return false;
	}
	for (s = text; *s;) {
		const char *nl = strchr(s, '\n'), *end = nl ? nl : s + strlen(s), *p = s;
		size_t indent = 0;
		line++;
		while (p < end && (*p == ' ' || *p == '\t')) {
			indent += *p == '\t' ? 4 : 1;
			p++;
		}
		while (end > p && (end[-1] == '\r' || end[-1] == ' '))
			end--;
		if (p < end && *p == '#') {
			const char *t = p;
			while (t < end && *t == '#')
				t++;
			while (t < end && *t == ' ')
				t++;
			if (!first_heading)
				problems_add(im->log, PROBLEM_WARNING, summary, line, 0,
				             "part '%.*s': a course's lessons have no parts; its "
				             "chapters follow in order",
				             (int)(end - t), t);
			first_heading = false;
		} else if (end - p >= 3 &&
		           (strspn(p, "-") >= 3 || strspn(p, "*") >= 3 || strspn(p, "_") >= 3) &&
		           !summary_link(p, end, &(char *){ NULL }, &(char *){ NULL })) {
			problems_add(im->log, PROBLEM_WARNING, summary, line, 0,
			             "separator: left out (a course's list of lessons has none)");
		} else if (p < end) {
			bool item =
			        (*p == '-' || *p == '*' || *p == '+') && p + 1 < end && p[1] == ' ';
			char *title = NULL, *target = NULL;
			const char *q = item ? p + 2 : p;
			while (q < end && *q == ' ')
				q++;
			if (item)
				list_seen = true;
			if (summary_link(q, end, &title, &target)) {
				first_heading = false;
				if (!target[0]) {
					problems_add(im->problems, PROBLEM_WARNING, summary, line,
					             0, "draft chapter '%s' (no file): left out",
					             title);
				} else {
					char *path = decode(target), *hash = strchr(path, '#');
					char *rel;
					struct import_page *pg;
					if (hash)
						*hash = '\0';
					rel = import_resolve(summary, path);
					pg = rel ? import_add_page(im, rel, src_dir, "lessons",
					                           IMPORT_LESSON, summary, line)
					         : NULL;
					if (!rel)
						problems_add(
						        im->problems, PROBLEM_WARNING, summary,
						        line, 0,
						        "'%s' leaves the book's folder; left out",
						        target);
					if (pg) {
						/* an empty link text: the page's own heading */
						if (title[0]) {
							pg->title = title;
							title = NULL;
						} else {
							size_t plen;
							char *pt = import_read_file(
							        im, rel, IMPORT_PAGE_MAX, &plen,
							        err, sizeof err);
							pg->title = pt ? import_page_title(pt, plen)
							               : NULL;
							free(pt);
						}
						if (item && indent)
							problems_add(
							        im->log, PROBLEM_WARNING, summary,
							        line, 0,
							        "'%s' nested: follows its chapter",
							        pg->src);
						else if (!item)
							problems_add(
							        im->log, PROBLEM_WARNING, summary,
							        line, 0, "%s chapter '%s'",
							        list_seen ? "suffix" : "prefix",
							        pg->src);
					}
					free(rel);
					free(path);
				}
			}
			free(title);
			free(target);
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	free(text);
	/* mdBook renders only what SUMMARY.md lists: say what is left. */
	all = import_list_md(im, src_dir, true, &n_md);
	for (size_t i = 0; i < n_md; i++)
		if (!import_page_by_src(im, all[i]) && strcmp(all[i], summary) != 0)
			problems_add(im->log, PROBLEM_WARNING, all[i], 0, 0,
			             "not in SUMMARY.md: not a lesson, as in mdBook (an include "
			             "or a page left out)");
	import_strv_free(all, n_md);
	free(summary);
	if (!im->pages_count) {
		problems_add(im->problems, PROBLEM_ERROR, "book.toml", 0, 0,
		             "no chapter to import: SUMMARY.md lists no file");
		return false;
	}
	return true;
}

/*
 * import_links.c - a page of another tool's source converted for the
 * course (import.h; format-spec/course-source.md, section 11): its links
 * and paths fixed for the new layout, and mdBook's {{#...}} directives done.
 *
 * Pages keep every construct of their Markdown as written (front matter,
 * fenced divs, attributes): only link targets change.  Targets are found on
 * the page's lines, outside fenced code and code spans: "](target",
 * reference definitions "[label]: target", and src= and href= in raw HTML.
 */
#define _GNU_SOURCE
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "links.h"
#include "path.h"
#include "sbuf.h"
#include "xalloc.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

struct conv {
	struct import *im;
	const struct import_page *page; /* the page written: links are relative to it */
	struct sbuf out;
	bool overflow;
	unsigned links; /* targets rewritten */
	unsigned includes; /* mdBook includes done */
	bool too_deep; /* reported once */
};

static void emit(struct conv *cv, const char *s, size_t n)
{
	if (!cv->overflow && !sbuf_add(&cv->out, s, n))
		cv->overflow = true;
}

static bool is_workbench_dir(const char *src, size_t n)
{
	for (size_t i = 0; i < 4; i++)
		if (strlen(import_workbench_dirs[i]) == n &&
		    strncmp(src, import_workbench_dirs[i], n) == 0)
			return true;
	return false;
}

static bool media_out_taken(const struct import *im, const char *out)
{
	for (size_t i = 0; i < im->media_count; i++)
		if (strcmp(im->media[i].out, out) == 0)
			return true;
	return false;
}

/* Where the file src goes: media/ and its path under the folder of pages. */
static const char *media_for(struct import *im, const char *src)
{
	const char *rest = src, *slash = strchr(src, '/');
	char *out;

	for (size_t i = 0; i < im->media_count; i++)
		if (strcmp(im->media[i].src, src) == 0)
			return im->media[i].out;
	if (im->layout == LAYOUT_WORKBENCH && slash && is_workbench_dir(src, (size_t)(slash - src)))
		rest = slash + 1; /* the Workbench serves episodes/fig/ and learners/fig/ as fig/ */
	else if (im->content[0] && starts_with(src, im->content) && src[strlen(im->content)] == '/')
		rest = src + strlen(im->content) + 1;
	out = path_join("media", rest);
	if (media_out_taken(im, out)) {
		free(out);
		out = path_join("media", src);
	}
	im->media = xreallocarray(im->media, im->media_count + 1, sizeof(*im->media));
	im->media[im->media_count].src = xstrdup(src);
	im->media[im->media_count].out = out;
	im->media_count++;
	return out;
}

static bool has_scheme(const char *u)
{
	const char *s = u;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
	       *s == '+' || *s == '.' || *s == '-')
		s++;
	return *s == ':';
}

static char *percent_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && ascii_hex_value(s[i + 1]) >= 0 &&
		    ascii_hex_value(s[i + 2]) >= 0) {
			out[k++] =
			        (char)(ascii_hex_value(s[i + 1]) * 16 + ascii_hex_value(s[i + 2]));
			i += 2;
		} else if (s[i] == '\\' && i + 1 < n) {
			out[k++] = s[++i];
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

/* The page or file the source path target names, as its path in the course; NULL: none. */
static const char *target_out(struct conv *cv, const char *target, bool *teacher)
{
	struct import *im = cv->im;
	const struct import_page *pg = import_page_by_src(im, target);
	char *alt;

	*teacher = false;
	if (!pg && ends_with(target, ".html")) {
		alt = xasprintf("%.*s.md", (int)(strlen(target) - 5), target);
		pg = import_page_by_src(im, alt);
		free(alt);
	}
	if (!pg && (target[0] == '\0' || import_is_dir(im, target))) {
		for (int k = 0; k < 2 && !pg; k++) {
			alt = target[0] ? path_join(target, k ? "README.md" : "index.md")
			                : xstrdup(k ? "README.md" : "index.md");
			pg = import_page_by_src(im, alt);
			free(alt);
		}
	}
	if (pg) {
		*teacher = pg->role == IMPORT_TEACHER;
		return pg->out;
	}
	if (import_is_file(im, target) && !ends_with(target, ".md"))
		return media_for(im, target);
	return NULL;
}

/*
 * The new text of a link target written in file at line, or NULL to keep it
 * as written (another host, an anchor, the same path, or a problem reported).
 * *to_teacher: the target is a teacher page and the page a lesson, which a
 * student could never follow; the caller decides (and says) what becomes of
 * the link.
 */
static char *rewrite_target(struct conv *cv, const char *dest, size_t n, const char *file,
                            unsigned line, bool *to_teacher)
{
	struct import *im = cv->im;
	char *url = xstrndup(dest, n), *path, *target, *result = NULL;
	const char *suffix, *out = NULL;
	bool teacher = false;

	*to_teacher = false;
	if (!url[0] || url[0] == '#' || url[0] == '/' || has_scheme(url) || strstr(url, "{{")) {
		free(url);
		return NULL;
	}
	suffix = url + strcspn(url, "?#");
	path = percent_decode(url, (size_t)(suffix - url));
	target = import_resolve(cv->page->src, path);
	if (!target) {
		problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
		             "link to '%s' leaves the source folder; left as written", url);
		goto done;
	}
	if (target[0] == '.' || strstr(target, "/.")) {
		/* .git/, .env...: never part of a course (section 1), never copied */
		problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
		             "link to '%s': a hidden file, never copied into a course; left as "
		             "written",
		             url);
		goto done;
	}
	out = target_out(cv, target, &teacher);
	/* The Workbench serves the four folders' pages and fig/, data/, files/ as one. */
	for (size_t i = 0; !out && im->layout == LAYOUT_WORKBENCH && i < 5; i++) {
		const char *slash = strchr(target, '/');
		const char *tail = slash && is_workbench_dir(target, (size_t)(slash - target))
		                           ? slash + 1
		                           : target;
		char *alt = i < 4 ? path_join(import_workbench_dirs[i], tail) : xstrdup(tail);
		char *html = NULL;
		if (ends_with(alt, ".html")) {
			html = xasprintf("%.*s.md", (int)(strlen(alt) - 5), alt);
			free(alt);
			alt = html;
		}
		if (strcmp(alt, target) != 0)
			out = target_out(cv, alt, &teacher);
		free(alt);
	}
	if (!out) {
		if (ends_with(target, ".md") && import_is_file(im, target))
			problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
			             "link to '%s': a page that is not imported (not in the "
			             "source's table of contents); left as written",
			             url);
		else
			problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
			             "link to '%s': no such file in the source; left as written",
			             url);
		goto done;
	}
	*to_teacher = teacher && cv->page->role == IMPORT_LESSON;
	{
		char *rel = link_relative(cv->page->out, out, NULL);
		result = xasprintf("%s%s",
		                   strcmp(cv->page->out, out) == 0 && *suffix == '#' ? "" : rel,
		                   suffix);
		free(rel);
	}
	if (strlen(result) == n && memcmp(result, dest, n) == 0) {
		free(result);
		result = NULL;
	} else if (!*to_teacher) { /* else the caller says what became of it */
		problems_add(im->log, PROBLEM_WARNING, file, line, 0, "link '%s' -> '%s'", url,
		             result);
		cv->links++;
	}
done:
	free(target);
	free(path);
	free(url);
	return result;
}

/* Emit the target at s[b, e) (kept, or rewritten). */
static void emit_target(struct conv *cv, const char *s, size_t b, size_t e, const char *file,
                        unsigned line)
{
	bool to_teacher;
	char *r = rewrite_target(cv, s + b, e - b, file, line, &to_teacher);

	if (to_teacher)
		problems_add(cv->im->problems, PROBLEM_WARNING, file, line, 0,
		             "link to '%.*s': a teacher page, which students never get; "
		             "`check` reports it until the link is taken out of the lesson",
		             (int)(e - b), s + b);

	if (r) {
		emit(cv, r, strlen(r));
		free(r);
	} else {
		emit(cv, s + b, e - b);
	}
}

/* End of a link destination starting at s[j] (a '<...>' one included), before e. */
static size_t dest_end(const char *s, size_t j, size_t e, size_t *inner_b, size_t *inner_e)
{
	int depth = 0;
	size_t k = j;

	if (j < e && s[j] == '<') {
		k = j + 1;
		while (k < e && s[k] != '>' && s[k] != '\n')
			k++;
		*inner_b = j + 1;
		*inner_e = k;
		return k < e && s[k] == '>' ? k + 1 : k;
	}
	while (k < e) {
		char c = s[k];
		if (c == '\\' && k + 1 < e) {
			k += 2;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			break;
		if (c == '(')
			depth++;
		if (c == ')') {
			if (depth == 0)
				break;
			depth--;
		}
		k++;
	}
	*inner_b = j;
	*inner_e = k;
	return k;
}

/* In an HTML tag s[b, e), the src= and href= values rewritten. */
static void emit_tag(struct conv *cv, const char *s, size_t b, size_t e, const char *file,
                     unsigned line)
{
	size_t i = b;

	while (i < e) {
		size_t name_len = 0;
		if ((s[i] == ' ' || s[i] == '\t' || s[i] == '\n') && i + 1 < e) {
			if (strncasecmp(s + i + 1, "src=", 4) == 0)
				name_len = 4;
			else if (strncasecmp(s + i + 1, "href=", 5) == 0)
				name_len = 5;
		}
		if (name_len && i + 1 + name_len < e &&
		    (s[i + 1 + name_len] == '"' || s[i + 1 + name_len] == '\'')) {
			char q = s[i + 1 + name_len];
			size_t vb = i + 2 + name_len, ve = vb;
			while (ve < e && s[ve] != q)
				ve++;
			if (ve < e) {
				emit(cv, s + i, vb - i);
				emit_target(cv, s, vb, ve, file, line);
				i = ve;
				continue;
			}
		}
		emit(cv, s + i, 1);
		i++;
	}
}

/* The end of an inline link's "(dest "title")" after its destination ends at k: past ')', or 0. */
static size_t link_close(const char *s, size_t k, size_t e)
{
	while (k < e && (s[k] == ' ' || s[k] == '\t'))
		k++;
	if (k < e && (s[k] == '"' || s[k] == '\'' || s[k] == '(')) {
		char q = s[k] == '(' ? ')' : s[k];
		for (k++; k < e && s[k] != q; k++)
			if (s[k] == '\\' && k + 1 < e)
				k++;
		if (k >= e)
			return 0;
		k++;
		while (k < e && (s[k] == ' ' || s[k] == '\t'))
			k++;
	}
	return k < e && s[k] == ')' ? k + 1 : 0;
}

/*
 * The '[' that opens the link text written last (the page so far ends
 * just before its "]("): its offset in the output, or -1 when there is
 * none in this paragraph or the link is an image.
 */
static long link_open(const struct conv *cv)
{
	const char *d = cv->out.data;
	int depth = 0;

	for (size_t k = cv->out.len; k-- > 0;) {
		size_t bs = 0;
		while (bs < k && d[k - 1 - bs] == '\\')
			bs++;
		if (bs % 2)
			continue;
		if (d[k] == '\n' && k > 0 && d[k - 1] == '\n')
			return -1;
		if (d[k] == ']') {
			depth++;
		} else if (d[k] == '[') {
			if (depth-- > 0)
				continue;
			return k > 0 && d[k - 1] == '!' ? -1 : (long)k;
		}
	}
	return -1;
}

static void convert_text(struct conv *cv, const char *text, size_t len, const char *file, bool code,
                         int depth);

/* mdBook's lines from..to (1-based, inclusive; 0: open) of text, joined by "\n". */
static void take_lines(struct sbuf *b, const char *text, size_t len, size_t from, size_t to)
{
	size_t line = 1, i = 0;
	bool first = true;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
		if (l && text[i + l - 1] == '\r')
			l--;
		if (line >= from && (to == 0 || line <= to)) {
			if (!first)
				sbuf_add(b, "\n", 1);
			sbuf_add(b, text + i, l);
			first = false;
		}
		if (!nl)
			break;
		i += (size_t)(nl - (text + i)) + 1;
		line++;
	}
}

/* The ANCHOR: name marker in line l, when it names exactly name. */
static bool anchor_line(const char *l, size_t n, const char *marker, const char *name)
{
	const char *hit = memmem(l, n, marker, strlen(marker));
	const char *p, *end = l + n;
	size_t k = strlen(name);

	if (!hit)
		return false;
	p = hit + strlen(marker);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (!name[0])
		return true;
	if ((size_t)(end - p) < k || memcmp(p, name, k) != 0)
		return false;
	p += k;
	return p == end || !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	                     (*p >= '0' && *p <= '9') || *p == '_' || *p == '-');
}

/* mdBook's anchored part: the lines between ANCHOR: name and ANCHOR_END: name, markers left out. */
static bool take_anchor(struct sbuf *b, const char *text, size_t len, const char *name)
{
	size_t i = 0;
	bool in = false, first = true, found = false;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
		const char *s = text + i;
		size_t sl = l && s[l - 1] == '\r' ? l - 1 : l;
		if (!in) {
			if (anchor_line(s, sl, "ANCHOR:", name)) {
				in = true;
				found = true;
			}
		} else if (anchor_line(s, sl, "ANCHOR_END:", name)) {
			break;
		} else if (!anchor_line(s, sl, "ANCHOR:", "") &&
		           !anchor_line(s, sl, "ANCHOR_END:", "")) {
			if (!first)
				sbuf_add(b, "\n", 1);
			sbuf_add(b, s, sl);
			first = false;
		}
		if (!nl)
			break;
		i += l + 1;
	}
	return found;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static size_t to_size(const char *s)
{
	size_t v = 0;

	for (; *s >= '0' && *s <= '9' && v < 100000000; s++)
		v = v * 10 + (size_t)(*s - '0');
	return v;
}

/*
 * One mdBook directive {{#name args}} (text between the braces) at file:line;
 * true when it was done (its result emitted), false to keep it as written.
 */
static bool directive(struct conv *cv, const char *d, size_t n, const char *file, unsigned line,
                      bool code, int depth)
{
	struct import *im = cv->im;
	char *body = xstrndup(d, n), *name = body + 1, *args;
	bool done = false;

	args = name;
	while (*args && *args != ' ' && *args != '\t' && *args != '\n')
		args++;
	if (*args)
		*args++ = '\0';
	while (*args == ' ' || *args == '\t')
		args++;
	for (char *e = args + strlen(args); e > args && (e[-1] == ' ' || e[-1] == '\t'); e--)
		e[-1] = '\0';
	if (strcmp(name, "title") == 0) {
		problems_add(
		        im->log, PROBLEM_WARNING, file, line, 0,
		        "{{#title %s}}: the browser's title of an mdBook page; the lesson keeps "
		        "its title",
		        args);
		done = true;
	} else if (strcmp(name, "include") == 0 || strcmp(name, "rustdoc_include") == 0 ||
	           strcmp(name, "playground") == 0 || strcmp(name, "playpen") == 0) {
		char *parts[3] = { args, NULL, NULL }, *rel, *text, err[256];
		struct sbuf part;
		size_t len = 0;
		bool ok = true;
		/* playground's options ("editable") follow a space */
		char *sp = strpbrk(args, " \t");
		if (sp)
			*sp = '\0';
		parts[1] = strchr(args, ':');
		if (parts[1]) {
			*parts[1]++ = '\0';
			parts[2] = strchr(parts[1], ':');
			if (parts[2])
				*parts[2]++ = '\0';
		}
		rel = import_resolve(file, args);
		if (++cv->includes > IMPORT_INCLUDES_MAX) {
			if (cv->includes == IMPORT_INCLUDES_MAX + 1)
				problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
				             "more than %d includes in one page: the rest left as "
				             "written",
				             IMPORT_INCLUDES_MAX);
			free(rel);
			goto out;
		}
		if (depth >= IMPORT_INCLUDE_DEPTH) {
			if (!cv->too_deep)
				problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
				             "{{#%s %s}}: includes nested more than %d deep; left "
				             "as written",
				             name, args, IMPORT_INCLUDE_DEPTH);
			cv->too_deep = true;
			free(rel);
			goto out;
		}
		text = rel ? import_read_file(im, rel, IMPORT_PAGE_MAX, &len, err, sizeof err)
		           : NULL;
		if (!text) {
			problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
			             "{{#%s %s}}: %s; left as written", name, args,
			             rel ? err : "a path outside the source folder");
			free(rel);
			goto out;
		}
		sbuf_init(&part, IMPORT_PAGE_MAX);
		if (!parts[1]) {
			sbuf_add(&part, text, len);
		} else if (all_digits(parts[1]) || (!parts[1][0] && parts[2])) {
			size_t from = parts[1][0] ? to_size(parts[1]) : 1;
			size_t to = parts[2] ? (parts[2][0] ? to_size(parts[2]) : 0) : from;
			take_lines(&part, text, len, from ? from : 1, to);
		} else if (!take_anchor(&part, text, len, parts[1])) {
			problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
			             "{{#%s}}: no 'ANCHOR: %s' in %s; included nothing", name,
			             parts[1], rel);
		}
		if (ok) {
			size_t plen = part.len;
			char *ptext = sbuf_take(&part, &plen);
			if (depth == 0)
				problems_add(im->log, PROBLEM_WARNING, file, line, 0,
				             "{{#%s}}: %s included", name, rel);
			convert_text(cv, ptext, plen, rel, code, depth + 1);
			free(ptext);
		}
		sbuf_release(&part);
		free(text);
		free(rel);
		done = true;
	}
out:
	free(body);
	return done;
}

/* The line s[b, e) (with its newline), code: inside fenced code. */
static void convert_line(struct conv *cv, const char *s, size_t b, size_t e, const char *file,
                         unsigned line, bool code, int depth)
{
	bool mdbook = cv->im->layout == LAYOUT_MDBOOK;
	size_t i = b;

	/* A reference definition: up to 3 spaces, [label]: target */
	if (!code) {
		size_t k = b;
		while (k < e && k - b < 3 && s[k] == ' ')
			k++;
		if (k < e && s[k] == '[' && k + 1 < e && s[k + 1] != '^') {
			size_t c = k + 1;
			while (c < e && s[c] != ']' && s[c] != '[')
				c++;
			if (c + 1 < e && s[c] == ']' && s[c + 1] == ':') {
				size_t j = c + 2, ib, ie, end;
				while (j < e && (s[j] == ' ' || s[j] == '\t'))
					j++;
				end = dest_end(s, j, e, &ib, &ie);
				(void)end;
				if (ie > ib) {
					emit(cv, s + b, ib - b);
					emit_target(cv, s, ib, ie, file, line);
					i = ie;
				}
			}
		}
	}
	while (i < e) {
		char c = s[i];
		if (mdbook && c == '\\' && i + 3 < e && strncmp(s + i + 1, "{{#", 3) == 0) {
			/* \{{#...}}: mdBook writes it without the backslash, not done */
			const char *close = memmem(s + i, e - i, "}}", 2);
			size_t end = close ? (size_t)(close - s) + 2 : e;
			emit(cv, s + i + 1, end - i - 1);
			i = end;
			continue;
		}
		if (mdbook && c == '{' && i + 2 < e && s[i + 1] == '{' && s[i + 2] == '#') {
			const char *close = memmem(s + i, e - i, "}}", 2);
			if (close && directive(cv, s + i + 2, (size_t)(close - s) - i - 2, file,
			                       line, code, depth)) {
				i = (size_t)(close - s) + 2;
				continue;
			}
		}
		if (!code && c == '`') {
			size_t run = 0, j;
			while (i + run < e && s[i + run] == '`')
				run++;
			for (j = i + run; j < e; j++) {
				size_t r2 = 0;
				while (j + r2 < e && s[j + r2] == '`')
					r2++;
				if (r2 == run)
					break;
				j += r2 ? r2 - 1 : 0;
			}
			if (j < e) {
				emit(cv, s + i, j + run - i);
				i = j + run;
			} else {
				emit(cv, s + i, run);
				i += run;
			}
			continue;
		}
		if (!code && c == '\\' && i + 1 < e) {
			emit(cv, s + i, 2);
			i += 2;
			continue;
		}
		if (!code && c == ']' && i + 1 < e && s[i + 1] == '(') {
			size_t j = i + 2, ib, ie, de, close;
			bool to_teacher;
			char *r;
			long open;
			while (j < e && (s[j] == ' ' || s[j] == '\t'))
				j++;
			de = dest_end(s, j, e, &ib, &ie);
			r = rewrite_target(cv, s + ib, ie - ib, file, line, &to_teacher);
			close = to_teacher ? link_close(s, de, e) : 0;
			open = close ? link_open(cv) : -1;
			if (open >= 0) {
				/* A lesson's link to a teacher page: its text alone (section 11). */
				memmove(cv->out.data + open, cv->out.data + open + 1,
				        cv->out.len - (size_t)open); /* and its NUL */
				cv->out.len--;
				problems_add(cv->im->problems, PROBLEM_WARNING, file, line, 0,
				             "link to '%.*s': a teacher page, which students never "
				             "get; the lesson shows the link's text alone",
				             (int)(ie - ib), s + ib);
				free(r);
				i = close;
				continue;
			}
			if (to_teacher)
				problems_add(
				        cv->im->problems, PROBLEM_WARNING, file, line, 0,
				        "link to '%.*s': a teacher page, which students never "
				        "get; `check` reports it until the link is taken out of "
				        "the lesson",
				        (int)(ie - ib), s + ib);
			emit(cv, s + i, ib - i);
			if (r) {
				emit(cv, r, strlen(r));
				free(r);
			} else {
				emit(cv, s + ib, ie - ib);
			}
			i = ie;
			continue;
		}
		if (!code && c == '<' && i + 1 < e &&
		    ((s[i + 1] >= 'a' && s[i + 1] <= 'z') ||
		     (s[i + 1] >= 'A' && s[i + 1] <= 'Z'))) {
			const char *gt = memchr(s + i, '>', e - i);
			if (gt) {
				emit_tag(cv, s, i, (size_t)(gt - s) + 1, file, line);
				i = (size_t)(gt - s) + 1;
				continue;
			}
		}
		emit(cv, s + i, 1);
		i++;
	}
}

/* A fence line: up to its indentation and '>' quote marks, ``` or ~~~; *ch and *n its run. */
static bool fence_line(const char *s, size_t b, size_t e, char *ch, size_t *n, bool *rest_blank)
{
	size_t i = b, k;

	while (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
		i++;
	if (i >= e || (s[i] != '`' && s[i] != '~'))
		return false;
	k = i;
	while (k < e && s[k] == s[i])
		k++;
	if (k - i < 3)
		return false;
	*ch = s[i];
	*n = k - i;
	*rest_blank = true;
	for (size_t j = k; j < e; j++)
		if (s[j] != ' ' && s[j] != '\t' && s[j] != '\r' && s[j] != '\n')
			*rest_blank = false;
	/* A backtick fence's info string has no backtick. */
	if (s[i] == '`' && memchr(s + k, '`', e - k))
		return false;
	return true;
}

static void convert_text(struct conv *cv, const char *text, size_t len, const char *file, bool code,
                         int depth)
{
	size_t i = 0;
	unsigned line = 1;
	char fch = 0;
	size_t flen = 0;

	while (i < len && !cv->overflow) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) + 1 : len;
		char ch;
		size_t n;
		bool blank, in_code = code || flen;
		if (!code && fence_line(text, i, e, &ch, &n, &blank)) {
			if (!flen) {
				fch = ch;
				flen = n;
				in_code = true;
			} else if (ch == fch && n >= flen && blank) {
				flen = 0;
				in_code = true;
			}
		}
		convert_line(cv, text, i, e, file, line, in_code, depth);
		i = e;
		line++;
	}
}

char *import_convert(struct import *im, const struct import_page *pg, size_t *out_len)
{
	struct conv cv;
	char err[256], *text, *result;
	size_t len = 0;

	text = import_read_file(im, pg->src, IMPORT_PAGE_MAX, &len, err, sizeof err);
	if (!text) {
		problems_add(im->problems, PROBLEM_ERROR, pg->src, 0, 0, "%s", err);
		return NULL;
	}
	memset(&cv, 0, sizeof cv);
	cv.im = im;
	cv.page = pg;
	sbuf_init(&cv.out, IMPORT_PAGE_MAX);
	convert_text(&cv, text, len, pg->src, false, 0);
	if (im->append && pg->role == IMPORT_LESSON) {
		char *more =
		        import_read_file(im, im->append, IMPORT_PAGE_MAX, &len, err, sizeof err);
		if (more) {
			if (cv.out.len && cv.out.data[cv.out.len - 1] != '\n')
				emit(&cv, "\n", 1);
			emit(&cv, "\n", 1);
			convert_text(&cv, more, len, im->append, false, 0);
			free(more);
		}
	}
	free(text);
	if (cv.overflow) {
		problems_add(im->problems, PROBLEM_ERROR, pg->src, 0, 0,
		             "larger than 16 MiB with its includes: left out");
		sbuf_release(&cv.out);
		return NULL;
	}
	*out_len = cv.out.len;
	result = sbuf_take(&cv.out, out_len);
	sbuf_release(&cv.out);
	return result;
}

/*
 * import.c - a source for another tool written out as a Sampan course
 * (import.h; format-spec/course-source.md, section 11): pages, their links,
 * the files they use, and course.yml.
 *
 * Pages keep every construct of their Markdown as written (front matter,
 * fenced divs, attributes): only link targets change, and, for mdBook, its
 * {{#...}} directives are done.  Targets are found on the page's lines,
 * outside fenced code and code spans: "](target", reference definitions
 * "[label]: target", and src= and href= in raw HTML.
 */
#define _GNU_SOURCE
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "course.h"
#include "courseyml.h"
#include "links.h"
#include "manifest.h"
#include "path.h"
#include "sbuf.h"
#include "xalloc.h"
#include "yamldoc.h"

#define LIST_MAX 65000 /* files of one folder tree listed */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void import_init(struct import *im, const char *root, enum layout l, struct problems *problems,
                 struct problems *log)
{
	memset(im, 0, sizeof(*im));
	im->root = xstrdup(root);
	im->layout = l;
	im->content = xstrdup("");
	im->problems = problems;
	im->log = log;
}

void import_release(struct import *im)
{
	free(im->root);
	free(im->content);
	free(im->title);
	free(im->description);
	free(im->language);
	free(im->licence);
	free(im->publisher);
	free(im->contact);
	free(im->keywords);
	free(im->name_hint);
	free(im->append);
	for (size_t i = 0; i < im->pages_count; i++) {
		free(im->pages[i].src);
		free(im->pages[i].out);
		free(im->pages[i].id);
		free(im->pages[i].title);
		free(im->pages[i].listed_in);
	}
	free(im->pages);
	for (size_t i = 0; i < im->media_count; i++) {
		free(im->media[i].src);
		free(im->media[i].out);
	}
	free(im->media);
	memset(im, 0, sizeof(*im));
}

bool import_read(struct import *im)
{
	switch (im->layout) {
	case LAYOUT_WORKBENCH:
		return import_workbench(im);
	case LAYOUT_MDBOOK:
		return import_mdbook(im);
	case LAYOUT_MKDOCS:
		return import_mkdocs(im);
	default:
		problems_add(im->problems, PROBLEM_ERROR, ".", 0, 0,
		             "not a layout import knows (config.yaml with episodes/, book.toml, "
		             "mkdocs.yml)");
		return false;
	}
}

/* ---- paths ------------------------------------------------------------------ */

char *import_resolve(const char *from, const char *path)
{
	char *out = xmalloc(strlen(from) + strlen(path) + 2);
	size_t n = 0;
	const char *slash = strrchr(from, '/');
	const char *s;

	if (slash) {
		n = (size_t)(slash - from);
		memcpy(out, from, n);
	}
	out[n] = '\0';
	s = path;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == 0 || (len == 1 && s[0] == '.')) {
			/* nothing */
		} else if (len == 2 && s[0] == '.' && s[1] == '.') {
			char *up;
			if (n == 0) {
				free(out);
				return NULL;
			}
			up = strrchr(out, '/');
			n = up ? (size_t)(up - out) : 0;
			out[n] = '\0';
		} else {
			if (n)
				out[n++] = '/';
			memcpy(out + n, s, len);
			n += len;
			out[n] = '\0';
		}
		s += len;
		if (*s == '/')
			s++;
	}
	return out;
}

/* The full path of rel, when it is inside the source folder through no symbolic link. */
static char *inside(const struct import *im, const char *rel, struct stat *sb)
{
	char *full;

	if (rel[0] == '/' || strstr(rel, "..") == rel || strstr(rel, "/../") ||
	    ends_with(rel, "/.."))
		return NULL;
	if (!rel[0]) {
		if (stat(im->root, sb) != 0)
			return NULL;
		return xstrdup(im->root);
	}
	full = path_join(im->root, rel);
	/* Every folder on the way, and the file, must be what it says: no link. */
	for (char *s = full + strlen(full) - strlen(rel);; s++) {
		char *next = strchr(s, '/');
		if (next)
			*next = '\0';
		if (lstat(full, sb) != 0 || S_ISLNK(sb->st_mode)) {
			free(full);
			return NULL;
		}
		if (!next)
			break;
		*next = '/';
		s = next;
		if (!S_ISDIR(sb->st_mode)) {
			free(full);
			return NULL;
		}
	}
	return full;
}

bool import_is_file(const struct import *im, const char *rel)
{
	struct stat sb;
	char *full = inside(im, rel, &sb);
	bool ok = full && S_ISREG(sb.st_mode);

	free(full);
	return ok;
}

bool import_is_dir(const struct import *im, const char *rel)
{
	struct stat sb;
	char *full = inside(im, rel, &sb);
	bool ok = full && S_ISDIR(sb.st_mode);

	free(full);
	return ok;
}

char *import_read_file(const struct import *im, const char *rel, size_t max, size_t *len, char *err,
                       size_t err_size)
{
	struct stat sb;
	char *full = inside(im, rel, &sb), *text = NULL;
	int fd = -1;
	ssize_t r;
	size_t got = 0;

	if (!full) {
		snprintf(err, err_size, "no such file in the source (or a symbolic link)");
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, err_size, "not a regular file");
		goto done;
	}
	if ((uint64_t)sb.st_size > max) {
		snprintf(err, err_size, "larger than %zu MiB", max >> 20);
		goto done;
	}
	fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, err_size, "cannot read: %s", strerror(errno));
		goto done;
	}
	text = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size && (r = read(fd, text + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)r;
	if (got != (size_t)sb.st_size) {
		snprintf(err, err_size, "cannot read: %s",
		         errno ? strerror(errno) : "the file changed while it was read");
		free(text);
		text = NULL;
		goto done;
	}
	text[got] = '\0';
	*len = got;
done:
	if (fd >= 0)
		close(fd);
	free(full);
	return text;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_index(const char *name)
{
	return strcmp(name, "index.md") == 0 || strcmp(name, "README.md") == 0;
}

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *s, char *str)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = str;
}

static void list_md(const struct import *im, const char *dir, bool recurse, int depth,
                    struct strv *out)
{
	struct stat sb;
	char *full = inside(im, dir, &sb);
	struct strv names = { 0 };
	struct dirent *e;
	DIR *d;

	if (!full || !S_ISDIR(sb.st_mode) || depth > 64 || out->n >= LIST_MAX) {
		free(full);
		return;
	}
	d = opendir(full);
	free(full);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL && names.n < LIST_MAX)
		if (e->d_name[0] != '.')
			strv_push(&names, xstrdup(e->d_name));
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	/* index.md (or README.md) first, then files, then folders: MkDocs' order. */
	bool has_index = false;
	for (size_t i = 0; i < names.n; i++)
		if (strcmp(names.v[i], "index.md") == 0)
			has_index = true;
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < names.n; i++) {
			char *rel = dir[0] ? path_join(dir, names.v[i]) : xstrdup(names.v[i]);
			bool first = strcmp(names.v[i], has_index ? "index.md" : "README.md") == 0;
			if (pass == 0 && first && import_is_file(im, rel)) {
				strv_push(out, rel);
				rel = NULL;
			} else if (pass == 1 && !is_index(names.v[i]) &&
			           ends_with(names.v[i], ".md") && import_is_file(im, rel)) {
				strv_push(out, rel);
				rel = NULL;
			} else if (pass == 2 && recurse && import_is_dir(im, rel)) {
				list_md(im, rel, recurse, depth + 1, out);
			}
			free(rel);
		}
	}
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
}

/* Every regular file below dir that is not Markdown, sorted; hidden ones left out. */
static void list_other(const struct import *im, const char *dir, int depth, struct strv *out)
{
	struct stat sb;
	char *full = inside(im, dir, &sb);
	struct strv names = { 0 };
	struct dirent *e;
	DIR *d;

	if (!full || !S_ISDIR(sb.st_mode) || depth > 64 || out->n >= LIST_MAX) {
		free(full);
		return;
	}
	d = opendir(full);
	free(full);
	if (!d)
		return;
	while ((e = readdir(d)) != NULL && names.n < LIST_MAX)
		if (e->d_name[0] != '.')
			strv_push(&names, xstrdup(e->d_name));
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *rel = dir[0] ? path_join(dir, names.v[i]) : xstrdup(names.v[i]);
		if (import_is_dir(im, rel))
			list_other(im, rel, depth + 1, out);
		else if (import_is_file(im, rel) && !ends_with(rel, ".md") &&
		         !ends_with(rel, ".Rmd") && out->n < LIST_MAX) {
			strv_push(out, rel);
			rel = NULL;
		}
		free(rel);
		free(names.v[i]);
	}
	free(names.v);
}

char **import_list_md(const struct import *im, const char *dir, bool recurse, size_t *count)
{
	struct strv out = { 0 };

	list_md(im, dir, recurse, 0, &out);
	*count = out.n;
	return out.v;
}

void import_strv_free(char **v, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(v[i]);
	free(v);
}

/* ---- pages ------------------------------------------------------------------ */

/* A path made a valid lesson file name: lowercase ASCII, [a-z0-9._-] in each part. */
static char *lesson_name(const char *rel)
{
	char *out = xmalloc(strlen(rel) + 8);
	size_t n = 0;
	bool part_start = true;

	for (const char *s = rel; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '/') {
			if (n && out[n - 1] != '/')
				out[n++] = '/';
			part_start = true;
			continue;
		}
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == '_' || ch == '-'))
			ch = '-';
		if (ch == '_')
			ch = '-';
		if (part_start && !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			out[n++] = 'p';
		}
		part_start = false;
		if (ch == '-' && n && out[n - 1] == '-')
			continue;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	return out;
}

struct import_page *import_page_by_src(const struct import *im, const char *src)
{
	for (size_t i = 0; i < im->pages_count; i++)
		if (strcmp(im->pages[i].src, src) == 0)
			return &im->pages[i];
	return NULL;
}

static struct import_page *page_by_out(const struct import *im, const char *out)
{
	for (size_t i = 0; i < im->pages_count; i++)
		if (strcmp(im->pages[i].out, out) == 0)
			return &im->pages[i];
	return NULL;
}

/* The id course.yml would give a lesson at out (its name without .md). */
static char *default_id(const char *out)
{
	const char *base = strrchr(out, '/');
	base = base ? base + 1 : out;
	return xstrndup(base, strlen(base) - 3);
}

static bool id_taken(const struct import *im, const char *id)
{
	for (size_t i = 0; i < im->pages_count; i++) {
		const struct import_page *pg = &im->pages[i];
		char *d;
		bool same;
		if (pg->role != IMPORT_LESSON)
			continue;
		if (pg->id)
			same = strcmp(pg->id, id) == 0;
		else {
			d = default_id(pg->out);
			same = strcmp(d, id) == 0;
			free(d);
		}
		if (same)
			return true;
	}
	return false;
}

struct import_page *import_add_page(struct import *im, const char *src, const char *under,
                                    const char *out_dir, enum import_role role,
                                    const char *listed_in, unsigned line)
{
	struct import_page *pg;
	const char *rel = src;
	char *name, *out, *id;

	if (!import_is_file(im, src)) {
		problems_add(im->problems, PROBLEM_WARNING, listed_in ? listed_in : src,
		             listed_in ? line : 0, 0, "'%s': no such file in the source; left out",
		             src);
		return NULL;
	}
	if (import_page_by_src(im, src)) {
		problems_add(im->problems, PROBLEM_WARNING, listed_in ? listed_in : src,
		             listed_in ? line : 0, 0, "'%s' is listed twice; the first is kept",
		             src);
		return NULL;
	}
	if (im->pages_count >= IMPORT_PAGES_MAX) {
		problems_add(im->problems, PROBLEM_ERROR, src, 0, 0,
		             "more than %d pages: the rest are left out", IMPORT_PAGES_MAX);
		return NULL;
	}
	if (under && under[0] && starts_with(src, under) && src[strlen(under)] == '/')
		rel = src + strlen(under) + 1;
	else if (!under) {
		const char *slash = strrchr(src, '/');
		rel = slash ? slash + 1 : src;
	}
	name = lesson_name(rel);
	if (ends_with(name, ".rmd")) {
		/* R Markdown: the Workbench runs its code; the lesson shows it. */
		name[strlen(name) - 3] = 'm';
		name[strlen(name) - 2] = 'd';
		name[strlen(name) - 1] = '\0';
		problems_add(im->problems, PROBLEM_WARNING, src, 0, 0,
		             "R Markdown: its R code is shown as written, not run (render it "
		             "to Markdown first to keep its output)");
	} else if (!ends_with(name, ".md")) {
		char *with = xasprintf("%s.md", name);
		free(name);
		name = with;
	}
	out = path_join(out_dir, name);
	/* Two sources whose names became the same: number the later one. */
	for (int k = 2; page_by_out(im, out); k++) {
		free(out);
		out = xasprintf("%s/%.*s-%d.md", out_dir, (int)(strlen(name) - 3), name, k);
	}
	free(name);
	im->pages = xreallocarray(im->pages, im->pages_count + 1, sizeof(*im->pages));
	pg = &im->pages[im->pages_count];
	memset(pg, 0, sizeof(*pg));
	pg->src = xstrdup(src);
	pg->out = out;
	pg->role = role;
	pg->listed_in = listed_in ? xstrdup(listed_in) : NULL;
	pg->line = line;
	if (role == IMPORT_LESSON) {
		/* The file's name gives the id unless another lesson has it. */
		id = default_id(out);
		if (!courseyml_lesson_id_valid(id) || id_taken(im, id)) {
			char *path_id = xstrndup(out + strlen(out_dir) + 1,
			                         strlen(out) - strlen(out_dir) - 4);
			for (char *c = path_id; *c; c++)
				if (*c == '/')
					*c = '.';
			free(id);
			id = xstrdup(path_id);
			for (int k = 2; !courseyml_lesson_id_valid(id) || id_taken(im, id); k++) {
				free(id);
				id = xasprintf("lesson-%zu-%d", im->pages_count + 1, k);
			}
			free(path_id);
			pg->id = id;
		} else {
			free(id);
		}
	}
	im->pages_count++;
	return pg;
}

char *import_page_title(const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	bool fence = false;

	/* Front matter: "---" on the first line, to the next "---" or "...". */
	if (len >= 4 && strncmp(text, "---", 3) == 0 && (text[3] == '\n' || text[3] == '\r')) {
		const char *b = strchr(text, '\n') + 1, *e = b;
		while (e < end) {
			const char *nl = memchr(e, '\n', (size_t)(end - e));
			size_t l = nl ? (size_t)(nl - e) : (size_t)(end - e);
			if ((l >= 3 && (strncmp(e, "---", 3) == 0 || strncmp(e, "...", 3) == 0)) &&
			    (l == 3 || (l == 4 && e[3] == '\r'))) {
				unsigned line;
				char msg[256];
				struct ydoc *d =
				        yamldoc_parse(b, (size_t)(e - b), &line, msg, sizeof msg);
				const char *t = d ? ynode_str(yamldoc_root(d), "title") : NULL;
				char *title = t ? xstrdup(t) : NULL;
				yamldoc_free(d);
				if (title)
					return title;
				s = nl ? nl + 1 : end;
				break;
			}
			e = nl ? nl + 1 : end;
		}
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (l >= 3 && (strncmp(s, "```", 3) == 0 || strncmp(s, "~~~", 3) == 0))
			fence = !fence;
		else if (!fence && l > 2 && s[0] == '#' && s[1] == ' ') {
			const char *b = s + 2, *e = s + l;
			while (b < e && *b == ' ')
				b++;
			while (e > b && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '#'))
				e--;
			if (e > b)
				return xstrndup(b, (size_t)(e - b));
		}
		s = nl ? nl + 1 : end;
	}
	return NULL;
}

/* ---- metadata ----------------------------------------------------------------- */

char *import_spdx(const char *licence)
{
	static const char *const kinds[] = {
		"BY-NC-SA", "BY-NC-ND", "BY-SA", "BY-NC", "BY-ND", "BY"
	};
	char up[64];
	size_t n = 0;

	/* Letters, digits and dots, uppercased; spaces and hyphens dropped. */
	for (const char *s = licence; *s && n + 1 < sizeof up; s++) {
		char c = *s;
		if (c == ' ' || c == '-' || c == '_')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		up[n++] = c;
	}
	up[n] = '\0';
	if (strcmp(up, "CC0") == 0 || strcmp(up, "CC01.0") == 0)
		return xstrdup("CC0-1.0");
	if (strncmp(up, "CC", 2) == 0) {
		for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
			char compact[16];
			size_t m = 0;
			for (const char *s = kinds[k]; *s; s++)
				if (*s != '-')
					compact[m++] = *s;
			compact[m] = '\0';
			if (strncmp(up + 2, compact, m) == 0) {
				const char *v = up + 2 + m;
				if (strcmp(v, "4.0") == 0 || strcmp(v, "3.0") == 0 ||
				    strcmp(v, "2.5") == 0 || strcmp(v, "2.0") == 0 ||
				    strcmp(v, "1.0") == 0)
					return xasprintf("CC-%s-%s", kinds[k], v);
			}
		}
	}
	if (strcmp(up, "MIT") == 0)
		return xstrdup("MIT");
	return xstrdup(licence);
}

char *import_id_of(const char *name)
{
	char *out = xmalloc(strlen(name) + 8);
	size_t n = 0;

	for (const char *s = name; *s && n < 120; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (!n || !manifest_id_valid(out, n)) {
		free(out);
		return xstrdup("course");
	}
	return out;
}

/* ---- links ---------------------------------------------------------------------- */

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

static const char *const workbench_dirs[] = { "episodes", "learners", "instructors", "profiles" };

static bool is_workbench_dir(const char *src, size_t n)
{
	for (size_t i = 0; i < 4; i++)
		if (strlen(workbench_dirs[i]) == n && strncmp(src, workbench_dirs[i], n) == 0)
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

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *percent_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[k++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
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
 */
static char *rewrite_target(struct conv *cv, const char *dest, size_t n, const char *file,
                            unsigned line)
{
	struct import *im = cv->im;
	char *url = xstrndup(dest, n), *path, *target, *result = NULL;
	const char *suffix, *out = NULL;
	bool teacher = false;

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
		char *alt = i < 4 ? path_join(workbench_dirs[i], tail) : xstrdup(tail);
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
	if (teacher && cv->page->role == IMPORT_LESSON)
		problems_add(im->problems, PROBLEM_WARNING, file, line, 0,
		             "link to '%s': a page for teachers, which students do not get", url);
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
	} else {
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
	char *r = rewrite_target(cv, s + b, e - b, file, line);

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
			size_t j = i + 2, ib, ie;
			while (j < e && (s[j] == ' ' || s[j] == '\t'))
				j++;
			dest_end(s, j, e, &ib, &ie);
			emit(cv, s + i, ib - i);
			emit_target(cv, s, ib, ie, file, line);
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

/* ---- writing ---------------------------------------------------------------------- */

/* Make the folders of rel under out. */
static bool make_dirs(const char *out, const char *rel)
{
	char *full = path_join(out, rel), *s = full + strlen(out) + 1;
	bool ok = true;

	for (char *slash = strchr(s, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(full, 0777) != 0 && errno != EEXIST) {
			cli_error("%s: cannot make the folder: %s", full, strerror(errno));
			ok = false;
		}
		*slash = '/';
		if (!ok)
			break;
	}
	free(full);
	return ok;
}

static bool write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		data += w;
		len -= (size_t)w;
	}
	return true;
}

static bool write_file(const char *out, const char *rel, const char *data, size_t len)
{
	char *full;
	int fd;
	bool ok;

	if (!make_dirs(out, rel))
		return false;
	full = path_join(out, rel);
	fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	ok = fd >= 0 && write_all(fd, data, len);
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok)
		cli_error("%s: cannot write it: %s", full, strerror(errno));
	free(full);
	return ok;
}

static bool copy_file(const struct import *im, const char *src, const char *out, const char *rel)
{
	struct stat sb;
	char *from = inside(im, src, &sb), *to = NULL, buf[65536];
	int in = -1, fd = -1;
	bool ok = false;
	ssize_t r;

	if (!from || !S_ISREG(sb.st_mode) || !make_dirs(out, rel))
		goto done;
	to = path_join(out, rel);
	in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0) {
		cli_error("%s: cannot read it: %s", src, strerror(errno));
		goto done;
	}
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		cli_error("%s: cannot write it: %s", to, strerror(errno));
		goto done;
	}
	while ((r = read(in, buf, sizeof buf)) > 0 && !(im->stop && *im->stop))
		if (!write_all(fd, buf, (size_t)r)) {
			cli_error("%s: cannot write it: %s", to, strerror(errno));
			goto done;
		}
	if (r < 0) {
		cli_error("%s: cannot read it: %s", src, strerror(errno));
		goto done;
	}
	ok = !(im->stop && *im->stop);
done:
	if (in >= 0)
		close(in);
	if (fd >= 0 && close(fd) != 0 && ok) {
		cli_error("%s: cannot write it: %s", to, strerror(errno));
		ok = false;
	}
	free(from);
	free(to);
	return ok;
}

/* s as a YAML double-quoted scalar. */
static void yaml_q(struct sbuf *b, const char *s)
{
	sbuf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_addf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			sbuf_addf(b, "\\x%02x", *p);
		else
			sbuf_add(b, p, 1);
	}
	sbuf_add(b, "\"", 1);
}

static bool convert_page(struct import *im, struct import_page *pg, const char *out)
{
	struct conv cv;
	char err[256], *text, *result;
	size_t len = 0, rlen;
	bool ok;

	text = import_read_file(im, pg->src, IMPORT_PAGE_MAX, &len, err, sizeof err);
	if (!text) {
		problems_add(im->problems, PROBLEM_ERROR, pg->src, 0, 0, "%s", err);
		return true;
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
		return true;
	}
	rlen = cv.out.len;
	result = sbuf_take(&cv.out, &rlen);
	ok = write_file(out, pg->out, result, rlen);
	free(result);
	sbuf_release(&cv.out);
	if (pg->role == IMPORT_LESSON)
		problems_add(im->log, PROBLEM_WARNING, pg->src, 0, 0, "lesson %s%s%s%s", pg->out,
		             pg->title ? " \"" : "", pg->title ? pg->title : "",
		             pg->title ? "\"" : "");
	else
		problems_add(im->log, PROBLEM_WARNING, pg->src, 0, 0,
		             "kept for teachers as %s, never published", pg->out);
	return ok;
}

static void guessed(struct sbuf *g, const char *key, const char *value)
{
	sbuf_addf(g, "    %s: ", key);
	yaml_q(g, value);
	sbuf_add(g, "\n", 1);
}

bool import_write(struct import *im, const char *out, const struct import_opts *o)
{
	struct sbuf y, g;
	char *id, *licence, *text;
	const char *version, *language, *title, *publisher;
	size_t len, lessons = 0;
	bool ok = true;

	for (size_t i = 0; i < im->pages_count && ok; i++)
		ok = !(im->stop && *im->stop) && convert_page(im, &im->pages[i], out);
	/* Pages first: they say which files are used. */
	for (size_t i = 0; i < im->media_count && ok; i++) {
		if (im->stop && *im->stop) {
			ok = false;
			break;
		}
		ok = copy_file(im, im->media[i].src, out, im->media[i].out);
		if (ok)
			problems_add(im->log, PROBLEM_WARNING, im->media[i].src, 0, 0, "%s",
			             im->media[i].out);
	}
	if (!ok)
		return false;
	/* The files the tool would have served that no page uses: not copied, said. */
	{
		struct strv other = { 0 };
		if (im->layout == LAYOUT_WORKBENCH)
			for (size_t i = 0; i < 4; i++)
				list_other(im, workbench_dirs[i], 0, &other);
		else
			list_other(im, im->content, 0, &other);
		for (size_t i = 0; i < other.n; i++) {
			bool used = false;
			for (size_t k = 0; k < im->media_count && !used; k++)
				used = strcmp(im->media[k].src, other.v[i]) == 0;
			if (!used)
				problems_add(im->log, PROBLEM_WARNING, other.v[i], 0, 0,
				             "not copied: no page uses it");
			free(other.v[i]);
		}
		free(other.v);
	}

	sbuf_init(&y, 16u << 20);
	sbuf_init(&g, 1u << 20);
	id = o->id ? xstrdup(o->id) : import_id_of(im->name_hint ? im->name_hint : "course");
	if (!o->id)
		guessed(&g, "id", id);
	version = o->version ? o->version : "1";
	if (!o->version)
		guessed(&g, "version", version);
	if (!o->language && im->language && !course_lang_valid(im->language)) {
		problems_add(im->problems, PROBLEM_WARNING, ".", 0, 0,
		             "the source's language '%s' is not a language tag: 'en' guessed "
		             "(--language sets it)",
		             im->language);
		free(im->language);
		im->language = NULL;
	}
	language = o->language ? o->language : im->language ? im->language : "en";
	if (!o->language && !im->language)
		guessed(&g, "language", language);
	title = im->title ? im->title : im->name_hint ? im->name_hint : id;
	if (!im->title)
		guessed(&g, "title", title);
	publisher = o->publisher ? o->publisher : im->publisher ? im->publisher : "Unknown";
	if (!o->publisher && !im->publisher)
		guessed(&g, "publisher", publisher);
	licence = o->licence    ? xstrdup(o->licence)
	          : im->licence ? import_spdx(im->licence)
	                        : xstrdup("All rights reserved");
	if (!o->licence && !im->licence)
		guessed(&g, "licence", licence);

	sbuf_addf(&y, "# Imported by sampan-build import from a %s (%s).\n",
	          layout_name(im->layout),
	          im->layout == LAYOUT_WORKBENCH ? "config.yaml"
	          : im->layout == LAYOUT_MDBOOK  ? "book.toml"
	                                         : "mkdocs.yml");
	sbuf_adds(&y, g.len ? "# Check it with `sampan-build check`: it warns about each value "
	                      "import\n# guessed (under `imported:` at the end) until you set "
	                      "your own.\n"
	                    : "# Check it with `sampan-build check`, then build it.\n");
	sbuf_adds(&y, "id: ");
	yaml_q(&y, id);
	sbuf_adds(&y, "\nversion: ");
	yaml_q(&y, version);
	sbuf_adds(&y, "\nlanguage: ");
	yaml_q(&y, language);
	sbuf_adds(&y, "\ntitle: ");
	yaml_q(&y, title);
	if (im->description) {
		sbuf_adds(&y, "\ndescription: ");
		yaml_q(&y, im->description);
	}
	sbuf_adds(&y, "\npublisher:\n  name: ");
	yaml_q(&y, publisher);
	if (im->contact) {
		sbuf_adds(&y, "\n  contact: ");
		yaml_q(&y, im->contact);
	}
	sbuf_adds(&y, "\nlicence: ");
	yaml_q(&y, licence);
	if (im->keywords) {
		bool any = false;
		for (const char *k = im->keywords; *k;) {
			size_t n = strcspn(k, ",");
			const char *b = k, *e = k + n;
			while (b < e && (*b == ' ' || *b == '\t'))
				b++;
			while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e > b) {
				char *word = xstrndup(b, (size_t)(e - b));
				sbuf_adds(&y, any ? "\n  - " : "\nsubjects:\n  - ");
				yaml_q(&y, word);
				free(word);
				any = true;
			}
			k += n;
			if (*k == ',')
				k++;
		}
	}
	/* The source's tool shows raw HTML; the builder keeps it through its allowlist. */
	sbuf_adds(&y, "\nallow_html: true\nlessons:\n");
	for (size_t i = 0; i < im->pages_count; i++) {
		const struct import_page *pg = &im->pages[i];
		if (pg->role != IMPORT_LESSON)
			continue;
		lessons++;
		sbuf_adds(&y, "  - file: ");
		yaml_q(&y, pg->out);
		sbuf_adds(&y, "\n");
		if (pg->id) {
			sbuf_adds(&y, "    id: ");
			yaml_q(&y, pg->id);
			sbuf_adds(&y, "\n");
		}
		if (pg->title) {
			sbuf_adds(&y, "    title: ");
			yaml_q(&y, pg->title);
			sbuf_adds(&y, "\n");
		}
	}
	sbuf_addf(&y, "imported:\n  from: %s\n", layout_key(im->layout));
	if (g.len) {
		sbuf_adds(&y, "  guessed:\n");
		sbuf_add(&y, g.data, g.len);
	}
	len = y.len;
	text = sbuf_take(&y, &len);
	if (!lessons)
		problems_add(im->problems, PROBLEM_ERROR, ".", 0, 0, "no page to import");
	ok = write_file(out, "course.yml", text, len);
	free(text);
	free(id);
	free(licence);
	sbuf_release(&y);
	sbuf_release(&g);
	return ok;
}

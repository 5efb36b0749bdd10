/*
 * import.c - a source for another tool read for `import` (import.h;
 * format-spec/course-source.md, section 11): its files, read only and never
 * through a link or outside it; its pages and their names in the course;
 * the metadata a course needs.  import_links.c converts the pages,
 * import_write.c writes the course.
 */
#define _GNU_SOURCE
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "courseyml.h"
#include "manifest.h"
#include "path.h"
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

char *import_path(const struct import *im, const char *rel, struct stat *sb)
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
	char *full = import_path(im, rel, &sb);
	bool ok = full && S_ISREG(sb.st_mode);

	free(full);
	return ok;
}

bool import_is_dir(const struct import *im, const char *rel)
{
	struct stat sb;
	char *full = import_path(im, rel, &sb);
	bool ok = full && S_ISDIR(sb.st_mode);

	free(full);
	return ok;
}

char *import_read_file(const struct import *im, const char *rel, size_t max, size_t *len, char *err,
                       size_t err_size)
{
	struct stat sb;
	char *full = import_path(im, rel, &sb), *text = NULL;
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

/*
 * The names in folder dir of the source, sorted, hidden ones left out;
 * false for what is not a folder, too deep, or when out is full.
 */
static bool folder_names(const struct import *im, const char *dir, int depth,
                         const struct strv *out, struct strv *names)
{
	struct stat sb;
	char *full = import_path(im, dir, &sb);
	struct dirent *e;
	DIR *d;

	if (!full || !S_ISDIR(sb.st_mode) || depth > 64 || out->n >= LIST_MAX) {
		free(full);
		return false;
	}
	d = opendir(full);
	free(full);
	if (!d)
		return false;
	while ((e = readdir(d)) != NULL && names->n < LIST_MAX)
		if (e->d_name[0] != '.')
			strv_push(names, xstrdup(e->d_name));
	closedir(d);
	if (names->n)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
	return true;
}

static void list_md(const struct import *im, const char *dir, bool recurse, int depth,
                    struct strv *out)
{
	struct strv names = { 0 };

	if (!folder_names(im, dir, depth, out, &names))
		return;
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

static void list_other(const struct import *im, const char *dir, int depth, struct strv *out)
{
	struct strv names = { 0 };

	if (!folder_names(im, dir, depth, out, &names))
		return;
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

char **import_list_files(const struct import *im, const char *dir, size_t *count)
{
	struct strv out = { 0 };

	list_other(im, dir, 0, &out);
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

const char *const import_workbench_dirs[4] = { "episodes", "learners", "instructors", "profiles" };

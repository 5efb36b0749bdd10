/* course_src.c - a course source folder (format-spec/course-source.md): course.yml and its files. */
#include "course_src.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "courseyml.h"
#include "layout.h"
#include "path.h"
#include "pathname.h"
#include "utf8.h"
#include "xalloc.h"

#define YML_MAX (1024 * 1024)
#define FILES_MAX 65000 /* a bundle holds at most 65,000 entries (bundle-v1.md, section 3.8) */
#define DEPTH_MAX 64
#define FAT32_FILE_MAX 0xFFFFFFFFull /* the largest file FAT32 holds */

struct walk {
	struct course_src *c;
	struct problems *p;
	size_t cap;
	bool too_many;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_files(const void *a, const void *b)
{
	return strcmp(((const struct src_file *)a)->path, ((const struct src_file *)b)->path);
}

static void add_file(struct walk *w, const char *rel, uint64_t size)
{
	struct course_src *c = w->c;

	if (c->files_count >= FILES_MAX) {
		if (!w->too_many)
			problems_add(
			        w->p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0,
			        "the course folder holds more than %d files (a bundle holds at "
			        "most 65000)",
			        FILES_MAX);
		w->too_many = true;
		return;
	}
	if (c->files_count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct src_file *v = xrealloc(c->files, cap * sizeof(*v));
		c->files = v;
		w->cap = cap;
	}
	c->files[c->files_count].path = xstrdup(rel);
	c->files[c->files_count].size = size;
	c->files_count++;
}

/* List the folder rel (relative to the root; "" for the root) and everything below it. */
static void walk_dir(struct walk *w, const char *rel, int depth)
{
	char *dir = rel[0] ? path_join(w->c->root, rel) : xstrdup(w->c->root);
	char **names = NULL;
	size_t count = 0, cap = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		problems_add(w->p, PROBLEM_ERROR, rel[0] ? rel : ".", 0, 0,
		             "cannot read the folder: %s", strerror(errno));
		goto cleanup;
	}
	while ((e = readdir(d)) != NULL) {
		/* Hidden files and folders (.git, .DS_Store...) are never part of a course. */
		if (e->d_name[0] == '.')
			continue;
		if (count == cap) {
			char **v;
			cap = cap ? cap * 2 : 32;
			v = xrealloc(names, cap * sizeof(*v));
			names = v;
		}
		names[count++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (count)
		qsort(names, count, sizeof(*names), cmp_str);
	for (size_t i = 0; i < count && !w->too_many; i++) {
		char *child = path_join(rel, names[i]);
		char *full = path_join(w->c->root, child);
		struct stat sb;

		if (lstat(full, &sb) != 0)
			problems_add(w->p, PROBLEM_ERROR, child, 0, 0, "cannot read: %s",
			             strerror(errno));
		else if (S_ISLNK(sb.st_mode))
			problems_add(w->p, PROBLEM_ERROR, child, 0, 0,
			             "a symbolic link: bundles hold regular files only");
		else if (S_ISDIR(sb.st_mode) && depth >= DEPTH_MAX)
			problems_add(w->p, PROBLEM_ERROR, child, 0, 0,
			             "folders nested more than %d deep", DEPTH_MAX);
		else if (S_ISDIR(sb.st_mode))
			walk_dir(w, child, depth + 1);
		else if (!S_ISREG(sb.st_mode))
			problems_add(w->p, PROBLEM_ERROR, child, 0, 0,
			             "not a regular file (a device, pipe or socket): bundles hold "
			             "regular files only");
		else if (rel[0] || strcmp(names[i], COURSE_SRC_YML) != 0)
			add_file(w, child, (uint64_t)sb.st_size);
		free(full);
		free(child);
	}
cleanup:
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	free(dir);
}

/* A name in the bundle-to-be, with its caseless key. */
struct named {
	const char *name;
	size_t len;
	char *key;
	size_t key_len;
	const struct src_lesson *page_of; /* a lesson's page; NULL for a file of the folder */
};

static char *fold(const char *s, size_t *len)
{
	struct bundle_error err;
	char *key = NULL;

	if (pathname_fold(s, strlen(s), &key, len, &err) != BUNDLE_OK) {
		if (err.status == BUNDLE_NOMEM)
			xalloc_die();
		return NULL;
	}
	return key;
}

static int cmp_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int c = pathname_cmp(a->key, a->key_len, b->key, b->key_len);

	if (c)
		return c;
	/* Files of the folder before pages, then by name: the report names the same one each run. */
	if ((a->page_of == NULL) != (b->page_of == NULL))
		return a->page_of ? 1 : -1;
	return pathname_cmp(a->name, a->len, b->name, b->len);
}

static int cmp_prefix(const void *pk, const void *pe)
{
	const struct named *k = pk, *e = pe;
	return pathname_cmp(k->key, k->key_len, e->key, e->key_len);
}

static bool key_is(const char *key, size_t len, const char *rkey, size_t rlen)
{
	return rkey && len == rlen && memcmp(key, rkey, len) == 0;
}

/* The names the builder writes itself: a file of the folder must not take them. */
static void check_reserved(const struct named *n, struct problems *p, const struct named *rsv)
{
	size_t seg = 0;

	while (seg < n->key_len && n->key[seg] != '/')
		seg++;
	if (key_is(n->key, n->key_len, rsv[0].key, rsv[0].key_len))
		problems_add(p, PROBLEM_ERROR, n->name, 0, 0,
		             "name reserved for the course's home page 'index.html', which the "
		             "builder writes");
	else if (key_is(n->key, n->key_len, rsv[1].key, rsv[1].key_len))
		problems_add(p, PROBLEM_ERROR, n->name, 0, 0,
		             "name reserved for the bundle's own 'mimetype' entry");
	else if (seg < n->key_len && key_is(n->key, seg, rsv[2].key, rsv[2].key_len))
		problems_add(p, PROBLEM_ERROR, n->name, 0, 0,
		             "folder '%s' is reserved for the builder's own files",
		             COURSE_SRC_ASSETS);
	else if (seg < n->key_len && key_is(n->key, seg, rsv[3].key, rsv[3].key_len))
		problems_add(p, PROBLEM_ERROR, n->name, 0, 0,
		             "folder 'META-INF' is reserved for the bundle's metadata");
	else if (seg < n->key_len && key_is(n->key, seg, rsv[4].key, rsv[4].key_len))
		problems_add(
		        p, PROBLEM_ERROR, n->name, 0, 0,
		        "folder 'teacher' is reserved for the teacher pages the builder writes "
		        "(teachers' notes go in '::: instructor' divs)");
}

/*
 * Every name must pass the one path checker, alone and as a set with the
 * pages the builder adds; a problem at each file that breaks a rule.
 */
static void check_names(struct course_src *c, struct problems *p)
{
	static const char *const reserved[] = { "index.html", "mimetype", COURSE_SRC_ASSETS,
		                                "META-INF", "teacher" };
	struct named rsv[5], *v = xcalloc(c->files_count + c->lessons_count + 1, sizeof(*v));
	const char **names = xcalloc(c->files_count + c->lessons_count + 1, sizeof(*names));
	size_t *lens = xcalloc(c->files_count + c->lessons_count + 1, sizeof(*lens));
	size_t n = 0, before = p->errors;
	struct bundle_error err;
	char reason[BUNDLE_ERROR_MESSAGE_MAX];

	for (size_t i = 0; i < 5; i++)
		rsv[i].key = fold(reserved[i], &rsv[i].key_len);
	for (size_t i = 0; i < c->files_count; i++) {
		const char *path = c->files[i].path;
		if (pathname_check(path, strlen(path), true, &err) != BUNDLE_OK) {
			if (err.status == BUNDLE_NOMEM)
				xalloc_die();
			problems_add(p, PROBLEM_ERROR, path, 0, 0,
			             "name not allowed in a bundle: %s",
			             courseyml_name_reason(&err, reason, sizeof(reason)));
			continue;
		}
		v[n].name = path;
		v[n].len = strlen(path);
		v[n].key = fold(path, &v[n].key_len);
		if (!v[n].key)
			continue;
		check_reserved(&v[n], p, rsv);
		n++;
	}
	for (size_t i = 0; i < c->lessons_count; i++) {
		const struct src_lesson *l = &c->lessons[i];
		v[n].name = l->page;
		v[n].len = strlen(l->page);
		v[n].key = fold(l->page, &v[n].key_len);
		v[n].page_of = l;
		if (!v[n].key)
			continue;
		if (key_is(v[n].key, v[n].key_len, rsv[0].key, rsv[0].key_len))
			problems_add(
			        p, PROBLEM_ERROR, COURSE_SRC_YML, l->line, 0,
			        "lesson '%s': its page 'index.html' would replace the course's "
			        "home page (rename the lesson)",
			        l->file);
		n++;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_named);
	for (size_t i = 1; i < n; i++) {
		const struct named *a = &v[i - 1], *b = &v[i];
		/* Equal keys sort files before pages: two pages clash only when their files do. */
		if (pathname_cmp(a->key, a->key_len, b->key, b->key_len) != 0 || a->page_of)
			continue;
		if (b->page_of)
			problems_add(p, PROBLEM_ERROR, a->name, 0, 0,
			             "same name as the page the builder makes from lesson '%s'",
			             b->page_of->file);
		else
			problems_add(p, PROBLEM_ERROR, b->name, 0, 0,
			             "same name as '%s' on a case-insensitive disk (FAT32, exFAT, "
			             "Windows, macOS)",
			             a->name);
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < v[i].key_len; j++) {
			struct named probe = { 0 };
			const struct named *hit;
			if (v[i].key[j] != '/')
				continue;
			probe.key = v[i].key;
			probe.key_len = j;
			hit = bsearch(&probe, v, n, sizeof(*v), cmp_prefix);
			if (!hit)
				continue;
			if (v[i].page_of)
				problems_add(
				        p, PROBLEM_ERROR, hit->name, 0, 0,
				        "same name as the folder of the page the builder makes "
				        "from lesson '%s'",
				        v[i].page_of->file);
			else
				problems_add(p, PROBLEM_ERROR, v[i].name, 0, 0,
				             "its folder has the same name as the file '%s' on a "
				             "case-insensitive disk",
				             hit->name);
			break;
		}
	}
	/* The library's checker has the last word on the set. */
	for (size_t i = 0; i < n; i++) {
		names[i] = v[i].name;
		lens[i] = v[i].len;
	}
	if (p->errors == before && pathname_check_set(names, lens, n, &err) != BUNDLE_OK) {
		if (err.status == BUNDLE_NOMEM)
			xalloc_die();
		problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0, "%s",
		             bundle_error_reason(&err, reason, sizeof(reason)));
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].key);
	for (size_t i = 0; i < 5; i++)
		free(rsv[i].key);
	free(v);
	free(names);
	free(lens);
}

struct tname {
	char *key;
	size_t key_len;
	const struct src_lesson *of;
	char *name;
};

static int cmp_tname(const void *pa, const void *pb)
{
	const struct tname *a = pa, *b = pb;
	int c = pathname_cmp(a->key, a->key_len, b->key, b->key_len);

	if (c)
		return c;
	/* Lessons' notes pages first, then by line: the report names the same one each run. */
	if (a->of->teacher != b->of->teacher)
		return a->of->teacher ? 1 : -1;
	return a->of->line < b->of->line ? -1 : a->of->line > b->of->line;
}

/*
 * The pages under teacher/: each teacher page's, and the page of each
 * lesson's instructor notes (teacher/ and the lesson's page), must differ
 * on a case-insensitive disk; a problem names both.
 */
static void check_teacher_names(const struct course_src *c, struct problems *p)
{
	size_t n = 0, total = c->lessons_count + c->teachers_count;
	struct tname *v;

	if (c->teachers_count == 0)
		return;
	v = xcalloc(total, sizeof(*v));
	for (size_t i = 0; i < total; i++) {
		const struct src_lesson *l =
		        i < c->lessons_count ? &c->lessons[i] : &c->teachers[i - c->lessons_count];
		v[n].name = l->teacher ? xstrdup(l->page)
		                       : xasprintf("%s%s", COURSE_TEACHER_DIR, l->page);
		v[n].of = l;
		v[n].key = fold(v[n].name, &v[n].key_len);
		if (!v[n].key) {
			free(v[n].name);
			continue;
		}
		n++;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_tname);
	for (size_t i = 1; i < n; i++) {
		const struct tname *a = &v[i - 1], *b = &v[i];
		if (pathname_cmp(a->key, a->key_len, b->key, b->key_len) != 0 || !b->of->teacher)
			continue;
		if (a->of->teacher)
			problems_add(
			        p, PROBLEM_ERROR, COURSE_SRC_YML, b->of->line, 0,
			        "teacher page '%s': its page '%s' has the same name as teacher "
			        "page '%s''s (line %u) on a case-insensitive disk",
			        b->of->file, b->name, a->of->file, a->of->line);
		else
			problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, b->of->line, 0,
			             "teacher page '%s': its page '%s' has the name of the "
			             "instructor-notes page of lesson '%s' (line %u)",
			             b->of->file, b->name, a->of->file, a->of->line);
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].name);
	}
	free(v);
}

static void check_sizes(struct course_src *c, struct problems *p)
{
	char buf[32];

	c->total_size = 0;
	for (size_t i = 0; i < c->files_count; i++) {
		c->total_size += c->files[i].size;
		if (c->files[i].size > FAT32_FILE_MAX)
			problems_add(p, PROBLEM_ERROR, c->files[i].path, 0, 0,
			             "%s, larger than 4 GiB: a FAT32 USB stick cannot hold it",
			             cli_size(c->files[i].size, buf, sizeof(buf)));
	}
	if (c->total_size > FAT32_FILE_MAX)
		problems_add(
		        p, PROBLEM_WARNING, COURSE_SRC_YML, 0, 0,
		        "the course's files total %s: its bundle does not fit in one file on a "
		        "FAT32 USB stick; build it with --split fat32 to store it in parts",
		        cli_size(c->total_size, buf, sizeof(buf)));
}

/* The line and column of the first byte that is not UTF-8; false when all are. */
static bool bad_utf8_at(const char *s, size_t len, unsigned *line, unsigned *col)
{
	size_t pos = 0, start = 0, l = 1;

	while (pos < len) {
		uint32_t cp;
		if (!utf8_next(s, len, &pos, &cp)) {
			*line = (unsigned)l;
			*col = (unsigned)(pos - start + 1);
			return true;
		}
		if (cp == '\n') {
			l++;
			start = pos;
		}
	}
	return false;
}

/* Read course.yml and parse it; false when the course cannot be built; *found: it exists. */
static bool load_yml(struct course_src *c, struct problems *p, bool *found)
{
	char *path = path_join(c->root, COURSE_SRC_YML), *text = NULL;
	struct stat sb;
	FILE *f = NULL;
	bool ok = false;
	unsigned line, col;
	size_t len;

	if (lstat(path, &sb) != 0) {
		int e = errno;
		const char *marker = NULL;
		enum layout l = e == ENOENT ? layout_detect(c->root, &marker) : LAYOUT_NONE;
		if (l != LAYOUT_NONE)
			problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0,
			             "no such file: the folder holds a %s (%s), not a Sampan "
			             "course: run `sampan-build import` on it first",
			             layout_name(l), marker);
		else if (e == ENOENT)
			problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0,
			             "no such file: a course folder has course.yml at its top");
		else
			problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0, "cannot read: %s",
			             strerror(e));
		goto cleanup;
	}
	*found = true;
	if (S_ISLNK(sb.st_mode) || !S_ISREG(sb.st_mode)) {
		problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0,
		             S_ISLNK(sb.st_mode)
		                     ? "a symbolic link: bundles hold regular files only"
		                     : "not a regular file");
		goto cleanup;
	}
	if (sb.st_size > YML_MAX) {
		problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0, "larger than 1 MiB");
		goto cleanup;
	}
	len = (size_t)sb.st_size;
	text = xmalloc(len + 1);
	f = fopen(path, "rb");
	if (!f || fread(text, 1, len, f) != len) {
		problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0, "cannot read: %s",
		             f ? "the file changed while it was read" : strerror(errno));
		goto cleanup;
	}
	text[len] = '\0';
	if (bad_utf8_at(text, len, &line, &col)) {
		problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, line, col,
		             "invalid UTF-8 (save the file as UTF-8)");
		goto cleanup;
	}
	ok = courseyml_parse(text, len, c, p);
cleanup:
	if (f)
		fclose(f);
	free(text);
	free(path);
	return ok;
}

bool course_src_load(const char *root, struct course_src *c, struct problems *p)
{
	struct walk w = { .c = c, .p = p, .cap = 0, .too_many = false };
	struct stat sb;
	bool ok, found = false;

	memset(c, 0, sizeof(*c));
	c->root = xstrdup(root);
	if (stat(root, &sb) != 0) {
		problems_add(p, PROBLEM_ERROR, root, 0, 0, "%s", strerror(errno));
		return false;
	}
	if (!S_ISDIR(sb.st_mode)) {
		problems_add(p, PROBLEM_ERROR, root, 0, 0, "not a folder");
		return false;
	}
	ok = load_yml(c, p, &found);
	/* Without course.yml this is likely not a course: do not list a whole home folder. */
	if (!found)
		return false;
	walk_dir(&w, "", 0);
	if (c->files_count > 1)
		qsort(c->files, c->files_count, sizeof(*c->files), cmp_files);
	check_names(c, p);
	check_teacher_names(c, p);
	check_sizes(c, p);
	return ok;
}

void src_lesson_release(struct src_lesson *l)
{
	free(l->id);
	free(l->file);
	free(l->page);
	free(l->language);
	free(l->lesson);
	course_text_release(&l->title);
}

void course_src_release(struct course_src *c)
{
	free(c->root);
	free(c->id);
	free(c->version);
	free(c->language);
	for (size_t i = 0; i < c->languages_count; i++)
		free(c->languages[i]);
	free(c->languages);
	course_text_release(&c->title);
	course_text_release(&c->description);
	free(c->publisher_name);
	free(c->publisher_contact);
	free(c->licence);
	free(c->level);
	for (size_t i = 0; i < c->subjects_count; i++)
		free(c->subjects[i]);
	free(c->subjects);
	for (size_t i = 0; i < c->lessons_count; i++)
		src_lesson_release(&c->lessons[i]);
	for (size_t i = 0; i < c->teachers_count; i++)
		src_lesson_release(&c->teachers[i]);
	free(c->lessons);
	free(c->teachers);
	for (size_t i = 0; i < c->files_count; i++)
		free(c->files[i].path);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

static int cmp_file_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct src_file *)elem)->path);
}

const struct src_file *course_src_file(const struct course_src *c, const char *path)
{
	if (!c->files_count || !path)
		return NULL;
	return bsearch(path, c->files, c->files_count, sizeof(*c->files), cmp_file_key);
}

const struct src_lesson *course_src_lesson_by_file(const struct course_src *c, const char *path)
{
	for (size_t i = 0; path && i < c->lessons_count; i++)
		if (strcmp(c->lessons[i].file, path) == 0)
			return &c->lessons[i];
	return NULL;
}

const struct src_lesson *course_src_teacher_by_file(const struct course_src *c, const char *path)
{
	for (size_t i = 0; path && i < c->teachers_count; i++)
		if (strcmp(c->teachers[i].file, path) == 0)
			return &c->teachers[i];
	return NULL;
}

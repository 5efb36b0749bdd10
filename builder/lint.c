/* lint.c - every check of `sampan-build check` on a loaded course (format-spec/course-source.md). */
#include "lint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "course.h"
#include "links.h"
#include "markdown.h"
#include "mediainfo.h"
#include "path.h"
#include "utf8.h"
#include "vtt.h"
#include "xalloc.h"

#define LESSON_MAX (16u << 20) /* bytes of Markdown in one lesson */
#define VTT_MAX (32u << 20) /* bytes of one subtitle file */
#define QUOTE_MAX 120 /* longest URL quoted in a message */
#define MEDIA_DIR "media/"

struct lint {
	const struct course_src *c;
	struct problems *p;
	bool strict; /* links to the web are errors */
	/* per lesson, then per teacher page (page_at); NULL when it could not be read */
	struct md_doc **docs;
	bool *used; /* per file: a lesson references it */
};

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

/* The file's bytes (malloc'd, NUL-terminated), or NULL with a problem at the file. */
static char *read_file(struct lint *L, const char *path, size_t max, size_t *len)
{
	char *full = path_join(L->c->root, path), *text = NULL;
	FILE *f = fopen(full, "rb");
	struct stat sb;

	if (!f || fstat(fileno(f), &sb) != 0) {
		problems_add(L->p, PROBLEM_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
		goto cleanup;
	}
	if (sb.st_size < 0 || (uint64_t)sb.st_size > max) {
		problems_add(L->p, PROBLEM_ERROR, path, 0, 0, "larger than %zu MiB", max >> 20);
		goto cleanup;
	}
	*len = (size_t)sb.st_size;
	text = xmalloc(*len + 1);
	if (fread(text, 1, *len, f) != *len) {
		problems_add(L->p, PROBLEM_ERROR, path, 0, 0, "cannot read: %s",
		             ferror(f) ? strerror(errno) : "the file changed while it was read");
		free(text);
		text = NULL;
		goto cleanup;
	}
	text[*len] = '\0';
cleanup:
	if (f)
		fclose(f);
	free(full);
	return text;
}

/* A problem at the first byte that is not UTF-8; false when there is none. */
static bool check_utf8(struct lint *L, const char *path, const char *s, size_t len)
{
	size_t pos = 0, start = 0, line = 1;

	while (pos < len) {
		uint32_t cp;
		if (!utf8_next(s, len, &pos, &cp)) {
			problems_add(L->p, PROBLEM_ERROR, path, (unsigned)line,
			             (unsigned)(pos - start + 1),
			             "invalid UTF-8 (save the file as UTF-8)");
			return false;
		}
		if (cp == '\n') {
			line++;
			start = pos;
		}
	}
	return true;
}

static size_t file_index(const struct course_src *c, const struct src_file *f)
{
	return (size_t)(f - c->files);
}

/* The lessons, then the teacher pages: page i of the course's Markdown. */
static const struct src_lesson *page_at(const struct course_src *c, size_t i)
{
	return i < c->lessons_count ? &c->lessons[i] : &c->teachers[i - c->lessons_count];
}

/* Read and parse every listed lesson and teacher page once; the links between them need all. */
static void load_lessons(struct lint *L)
{
	const struct course_src *c = L->c;

	for (size_t i = 0; i < c->lessons_count + c->teachers_count; i++) {
		const struct src_lesson *l = page_at(c, i);
		const struct src_file *f = course_src_file(c, l->file);
		const char *what = l->teacher ? "teacher page" : "lesson";
		char *text;
		size_t len = 0;

		if (!f) {
			problems_add(L->p, PROBLEM_ERROR, COURSE_SRC_YML, l->line, 0,
			             "%s '%s': no such file", what, l->file);
			continue;
		}
		L->used[file_index(c, f)] = true;
		text = read_file(L, l->file, LESSON_MAX, &len);
		if (!text)
			continue;
		/* Checked on even when a byte is not UTF-8, so that every problem shows at once. */
		check_utf8(L, l->file, text, len);
		L->docs[i] = md_parse(text, len, c->allow_html);
		if (!L->docs[i])
			xalloc_die();
		{
			size_t nd;
			const struct md_dropped *d = md_dropped(L->docs[i], &nd);
			for (size_t k = 0; k < nd; k++)
				problems_add(L->p, d[k].error ? PROBLEM_ERROR : PROBLEM_WARNING,
				             l->file, d[k].line, d[k].col, "%s", d[k].message);
		}
		if (l->title.count == 0 && !md_title(L->docs[i]))
			problems_add(L->p, PROBLEM_ERROR, COURSE_SRC_YML, l->line, 0,
			             "%s '%s' has no title: give it a 'title' here or begin "
			             "it with a heading",
			             what, l->file);
		free(text);
	}
}

/* Length of the URL's scheme, 0 when it has none. */
static size_t scheme_length(const char *url)
{
	size_t i = 0;

	while ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
	       (i > 0 && ((url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '-' ||
	                  url[i] == '.')))
		i++;
	return i > 0 && url[i] == ':' ? i : 0;
}

static void report_external(struct lint *L, const char *file, const struct md_ref *r)
{
	char q[PROBLEMS_QUOTE_SIZE];
	size_t scheme = scheme_length(r->url);

	problems_quote(r->url, q);
	if (scheme == 4 && strncasecmp(r->url, "file", 4) == 0)
		problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
		             "link '%s': a file on your computer, not in the course (write a path "
		             "relative to this lesson)",
		             q);
	else if (r->kind == MD_REF_LINK && !r->bare &&
	         ((scheme == 4 && strncasecmp(r->url, "http", 4) == 0) ||
	          (scheme == 5 && strncasecmp(r->url, "https", 5) == 0)))
		problems_add(L->p, L->strict ? PROBLEM_ERROR : PROBLEM_WARNING, file, r->line,
		             r->col,
		             "link to the web: '%s' (classrooms have no internet: the page shows "
		             "its text and the address as text)",
		             q);
	else if (r->kind == MD_REF_LINK && r->bare &&
	         ((scheme == 4 && strncasecmp(r->url, "http", 4) == 0) ||
	          (scheme == 5 && strncasecmp(r->url, "https", 5) == 0)))
		; /* an address written in the text stays text */
	else if (r->kind == MD_REF_IMAGE && ((scheme == 4 && strncasecmp(r->url, "http", 4) == 0) ||
	                                     (scheme == 5 && strncasecmp(r->url, "https", 5) == 0)))
		problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
		             "link to another host: '%s' (classrooms have no internet: put the "
		             "file into the course and embed it from there)",
		             q);
	else if (scheme == 0 || strncmp(r->url + scheme, "://", 3) == 0 ||
	         (scheme == 4 && strncasecmp(r->url, "http", 4) == 0) ||
	         (scheme == 5 && strncasecmp(r->url, "https", 5) == 0))
		problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
		             "link to another host: '%s' (classrooms have no internet)", q);
	else
		problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
		             "link '%s': '%.*s:' URLs are not allowed (only files of the course, "
		             "mailto: and tel:)",
		             q, (int)scheme, r->url);
}

static void report_invalid(struct lint *L, const char *file, const struct md_ref *r)
{
	char q[PROBLEMS_QUOTE_SIZE];
	size_t path_len = strcspn(r->url, "#");
	const char *why;

	problems_quote(r->url, q);
	if (r->url[0] == '\0')
		why = "an empty link";
	else if (r->url[0] == '/')
		why = "an absolute path (write a path relative to this lesson)";
	else if (memchr(r->url, '\\', path_len))
		why = "a backslash (separate folders with '/')";
	else if (memchr(r->url, '?', path_len))
		why = "a query ('?...') does not work in a bundle";
	else
		why = "not a path to a file inside the course folder";
	problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col, "link '%s': %s", q, why);
}

static void report_missing(struct lint *L, const char *file, const struct md_ref *r,
                           const char *path)
{
	const struct course_src *c = L->c;
	char q[PROBLEMS_QUOTE_SIZE], hint[QUOTE_MAX + 64] = "";
	size_t n = strlen(path);

	problems_quote(path, q);
	if (ends_with_ci(path, ".html")) {
		/* A link to the page the builder makes: the source links to the .md. */
		char *md = xmalloc(n + 1);
		memcpy(md, path, n - 5);
		memcpy(md + n - 5, ".md", 4);
		if (course_src_lesson_by_file(c, md))
			snprintf(hint, sizeof(hint), " (link to the lesson's source, '%s')", md);
		free(md);
	}
	for (size_t i = 0; !hint[0] && i < c->files_count; i++)
		if (strcasecmp(c->files[i].path, path) == 0)
			snprintf(hint, sizeof(hint), " (names differ in case: '%s')",
			         c->files[i].path);
	problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col, "link to '%s': no such file%s", q,
	             hint);
}

/* An embedded video: its subtitle files are used; none is a warning. */
static void check_video(struct lint *L, const char *file, const struct md_ref *r, const char *path)
{
	struct media_track *tracks;
	size_t n = media_tracks(L->c, path, &tracks);

	for (size_t i = 0; i < n; i++) {
		const struct src_file *f = course_src_file(L->c, tracks[i].path);
		if (f)
			L->used[file_index(L->c, f)] = true;
	}
	if (n == 0) {
		const char *dot = strrchr(path, '.');
		size_t stem = dot ? (size_t)(dot - path) : strlen(path);
		problems_add(L->p, PROBLEM_WARNING, file, r->line, r->col,
		             "video '%s' has no subtitles (add '%.*s.%s.vtt' beside it)", path,
		             (int)stem, path, L->c->language ? L->c->language : "en");
	}
	media_tracks_free(tracks, n);
}

static void check_ref(struct lint *L, size_t lesson, const struct md_ref *r)
{
	const struct course_src *c = L->c;
	const struct src_lesson *from = page_at(c, lesson);
	const char *file = from->file;
	/* what only the teacher sees: a teacher page, or a lesson's instructor notes */
	bool for_teacher = from->teacher || r->teacher;
	char q[PROBLEMS_QUOTE_SIZE], qf[PROBLEMS_QUOTE_SIZE];
	struct link lk;

	link_resolve(c, file, r->url, &lk);
	switch (lk.kind) {
	case LINK_ANCHOR:
		if (lk.fragment[0] && !md_has_anchor(L->docs[lesson], lk.fragment, for_teacher))
			problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
			             "link to '#%s': no heading '%s' in this lesson",
			             problems_quote(lk.fragment, q), q);
		break;
	case LINK_LESSON: {
		size_t t = (size_t)(lk.lesson - c->lessons);
		if (lk.fragment && lk.fragment[0] && L->docs[t] &&
		    !md_has_anchor(L->docs[t], lk.fragment, false))
			problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
			             "link to '%s#%s': no heading '%s' in %s", lk.path,
			             problems_quote(lk.fragment, qf), qf, lk.path);
		break;
	}
	case LINK_TEACHER: {
		size_t t = c->lessons_count + (size_t)(lk.lesson - c->teachers);
		if (!for_teacher)
			problems_add(
			        L->p, PROBLEM_ERROR, file, r->line, r->col,
			        "link to '%s': a teacher page, which a student can never open "
			        "(link to it from teacher pages or '::: instructor' notes only)",
			        lk.path);
		else if (lk.fragment && lk.fragment[0] && L->docs[t] &&
		         !md_has_anchor(L->docs[t], lk.fragment, true))
			problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
			             "link to '%s#%s': no heading '%s' in %s", lk.path,
			             problems_quote(lk.fragment, qf), qf, lk.path);
		break;
	}
	case LINK_FILE:
		L->used[file_index(c, lk.file)] = true;
		if (ends_with_ci(lk.path, ".md"))
			problems_add(L->p, PROBLEM_ERROR, file, r->line, r->col,
			             "links to '%s', which is not a lesson listed in course.yml",
			             lk.path);
		else if (r->kind == MD_REF_IMAGE && media_is_video(lk.path))
			check_video(L, file, r, lk.path);
		else if (r->kind == MD_REF_IMAGE && media_is_image(lk.path) && !r->has_alt)
			problems_add(
			        L->p, PROBLEM_WARNING, file, r->line, r->col,
			        "image '%s' has no alt text (describe it for learners who cannot "
			        "see it)",
			        lk.path);
		break;
	case LINK_EXTERNAL:
		report_external(L, file, r);
		break;
	case LINK_CONTACT:
		break;
	case LINK_MISSING:
		report_missing(L, file, r, lk.path);
		break;
	case LINK_INVALID:
		report_invalid(L, file, r);
		break;
	}
	link_release(&lk);
}

static bool is_mp4(const char *path)
{
	return ends_with_ci(path, ".mp4") || ends_with_ci(path, ".m4v") ||
	       ends_with_ci(path, ".m4a");
}

static void check_mp4(struct lint *L, const char *path)
{
	char *full = path_join(L->c->root, path);
	enum mp4_layout layout = mediainfo_mp4(full, NULL, NULL);
	const char *dot = strrchr(path, '.');
	size_t stem = dot ? (size_t)(dot - path) : strlen(path);

	free(full);
	switch (layout) {
	case MP4_FASTSTART:
		break;
	case MP4_MOOV_AFTER_MDAT:
		problems_add(
		        L->p, PROBLEM_ERROR, path, 0, 0,
		        "the index (moov) comes after the media data: the video cannot start or "
		        "seek until it has fully downloaded; fix with: ffmpeg -i '%s' -c copy "
		        "-movflags +faststart '%.*s-faststart%s'",
		        path, (int)stem, path, dot ? dot : "");
		break;
	case MP4_NO_MOOV:
		problems_add(L->p, PROBLEM_ERROR, path, 0, 0,
		             "no index (moov): the file is incomplete or damaged and cannot play");
		break;
	case MP4_NOT_MP4:
		problems_add(L->p, PROBLEM_WARNING, path, 0, 0,
		             "not an MP4 file: browsers may not play it");
		break;
	}
}

static void check_vtt(struct lint *L, const char *path)
{
	size_t len = 0;
	char *text = read_file(L, path, VTT_MAX, &len);
	struct vtt v;

	if (!text)
		return;
	check_utf8(L, path, text, len);
	if (!vtt_parse(text, len, path, &v, L->p))
		xalloc_die();
	vtt_release(&v);
	free(text);
}

/* The tag of a language named in English ("english" -> "en"), or NULL. */
static const char *tag_of_name(const char *name, size_t n)
{
	static const char *const names[][2] = {
		{ "english", "en" },    { "chinese", "zh" },    { "mandarin", "zh" },
		{ "thai", "th" },       { "vietnamese", "vi" }, { "khmer", "km" },
		{ "cambodian", "km" },  { "lao", "lo" },        { "laotian", "lo" },
		{ "burmese", "my" },    { "myanmar", "my" },    { "malay", "ms" },
		{ "indonesian", "id" }, { "filipino", "fil" },  { "tagalog", "fil" },
		{ "french", "fr" },     { "spanish", "es" },    { "portuguese", "pt" },
		{ "german", "de" },     { "japanese", "ja" },   { "korean", "ko" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i][0]) == n && strncasecmp(name, names[i][0], n) == 0)
			return names[i][1];
	return NULL;
}

/*
 * A subtitle file that no video takes: say why.  Beside a video named like
 * it, the part before ".vtt" is not a language tag ("pump.english.vtt");
 * else no video has its name.
 */
static void report_unused_vtt(struct lint *L, const char *path)
{
	const struct course_src *c = L->c;
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0, stem = strlen(path) - 4;

	for (size_t i = 0; i < c->files_count; i++) {
		const char *v = c->files[i].path, *dot = strrchr(v, '.');
		size_t vs = dot ? (size_t)(dot - v) : strlen(v);
		char *tag;
		const char *hint;

		if (!media_is_video(v) || strncmp(v, path, dir) != 0 || strchr(v + dir, '/') ||
		    vs >= stem || memcmp(v, path, vs) != 0 || path[vs] != '.')
			continue;
		tag = xstrndup(path + vs + 1, stem - vs - 1);
		if (course_lang_valid(tag)) {
			problems_add(L->p, PROBLEM_WARNING, path, 0, 0,
			             "subtitles of '%s', which no lesson shows", v);
		} else if ((hint = tag_of_name(tag, strlen(tag))) != NULL) {
			problems_add(L->p, PROBLEM_WARNING, path, 0, 0,
			             "'%s' in the name is not a language tag, so these are not "
			             "subtitles of '%s': rename it '%.*s.%s.vtt'",
			             tag, v, (int)vs, v, hint);
		} else {
			problems_add(L->p, PROBLEM_WARNING, path, 0, 0,
			             "'%s' in the name is not a language tag, so these are not "
			             "subtitles of '%s': put a language tag before '.vtt' "
			             "('%.*s.%s.vtt')",
			             tag, v, (int)vs, v, c->language ? c->language : "en");
		}
		free(tag);
		return;
	}
	problems_add(L->p, PROBLEM_WARNING, path, 0, 0,
	             "subtitles of no video: name them like their video with a language tag "
	             "before '.vtt' (pump.mp4: pump.%s.vtt)",
	             c->language ? c->language : "en");
}

/* Is path a Markdown file in a folder that holds a listed lesson? */
static bool beside_a_lesson(const struct course_src *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;

	if (!ends_with_ci(path, ".md"))
		return false;
	for (size_t i = 0; i < c->lessons_count; i++) {
		const char *ls = strrchr(c->lessons[i].file, '/');
		size_t ldir = ls ? (size_t)(ls - c->lessons[i].file) + 1 : 0;
		if (ldir == dir && strncmp(c->lessons[i].file, path, dir) == 0)
			return true;
	}
	return false;
}

void lint_course(const struct course_src *c, bool strict, struct problems *p)
{
	struct lint L = { .c = c, .p = p, .strict = strict, .docs = NULL, .used = NULL };

	L.docs = xcalloc(c->lessons_count + c->teachers_count + 1, sizeof(*L.docs));
	L.used = xcalloc(c->files_count + 1, sizeof(*L.used));
	load_lessons(&L);
	for (size_t i = 0; i < c->lessons_count + c->teachers_count; i++) {
		size_t n;
		const struct md_ref *refs;
		if (!L.docs[i])
			continue;
		refs = md_refs(L.docs[i], &n);
		for (size_t k = 0; k < n; k++)
			check_ref(&L, i, &refs[k]);
	}
	for (size_t i = 0; i < c->files_count; i++) {
		const char *path = c->files[i].path;
		if (is_mp4(path))
			check_mp4(&L, path);
		else if (ends_with_ci(path, ".vtt"))
			check_vtt(&L, path);
	}
	for (size_t i = 0; i < c->files_count; i++) {
		const char *path = c->files[i].path;
		if (L.used[i])
			continue;
		if (ends_with_ci(path, ".vtt"))
			report_unused_vtt(&L, path);
		else if (strncmp(path, MEDIA_DIR, strlen(MEDIA_DIR)) == 0)
			problems_add(p, PROBLEM_WARNING, path, 0, 0, "not used by any lesson");
		else if (beside_a_lesson(c, path))
			problems_add(
			        p, PROBLEM_WARNING, path, 0, 0,
			        "not a lesson: course.yml does not list it, so it is not in the "
			        "bundle");
	}
	for (size_t i = 0; i < c->lessons_count + c->teachers_count; i++)
		md_free(L.docs[i]);
	free(L.docs);
	free(L.used);
}

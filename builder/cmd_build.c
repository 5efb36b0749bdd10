/*
 * cmd_build.c - `sampan-build build SRC -k KEY -o OUT.sampan`: check the
 * course, render every lesson into a static page, write course.json and the
 * search text, then sign, write, verify and rename the bundle through the
 * bundle library (format-spec/course-source.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "course.h"
#include "course_src.h"
#include "digest.h"
#include "html.h"
#include "langname.h"
#include "links.h"
#include "lint.h"
#include "markdown.h"
#include "mediainfo.h"
#include "minisign.h"
#include "monotime.h"
#include "options.h"
#include "page.h"
#include "password.h"
#include "path.h"
#include "problems.h"
#include "progress.h"
#include "sbuf.h"
#include "searchtext.h"
#include "source.h"
#include "vtt.h"
#include "writer.h"
#include "xalloc.h"

#define KEYFILE_MAX 4096
#define LESSON_MAX (16u << 20) /* a Markdown lesson larger than 16 MiB is not a lesson */

static const struct opts_help help = {
	.usage = "build SRC -k KEY -o OUT.sampan [options]",
	.about = "Check the course in SRC (a folder, or an archive of one: tar.gz, zip, 7z...),\n"
	         "render its lessons, sign it with the secret key KEY and write OUT.sampan.\n"
	         "A failed or interrupted build leaves no OUT.sampan.\n",
	.after = "A bundle larger than a FAT32 USB stick holds in one file (4 GiB) is written\n"
	         "whole with a warning, unless --split stores it as parts: sampan-play and every\n"
	         "command read OUT.sampan.001, .002, ... as one bundle, and `cat` joins them.\n"
	         "SOURCE_DATE_EPOCH, when set, is the time written on every entry.\n"
	         "Exit status: 0 built, 1 the course or key has problems, 2 usage, 3 system "
	         "error.\n",
	.operands = "build needs SRC, -k KEY and -o OUT.sampan",
	.operands_min = 1,
	.operands_max = 1,
};

static volatile sig_atomic_t interrupted_by;

static void on_signal(int sig)
{
	interrupted_by = sig;
}

static int is_interrupted(void *ctx)
{
	(void)ctx;
	return interrupted_by != 0;
}

/* Read a whole small file into guarded memory (key files hold secrets). */
static char *read_secret_file(const char *path, size_t *len, struct bundle_error *err)
{
	char *buf = minisign_secret_alloc(KEYFILE_MAX + 1);
	int fd;
	ssize_t n;

	*len = 0;
	if (!buf) {
		bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s", strerror(errno));
		minisign_secret_free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + *len, KEYFILE_MAX + 1 - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (n < 0 || *len > KEYFILE_MAX) {
		bundle_error_set(err, n < 0 ? BUNDLE_IO : BUNDLE_INVALID,
		                 n < 0 ? RULE_NONE : RULE_KEY_INVALID, NULL, 0, "%s",
		                 n < 0 ? strerror(errno) : "too large for a key file");
		minisign_secret_free(buf);
		return NULL;
	}
	return buf;
}

int builder_load_secret_key(const char *path, const char *password_file,
                            struct minisign_seckey **sk)
{
	struct bundle_error err;
	char *text, *password = NULL;
	size_t len;
	int rc;

	*sk = NULL;
	text = read_secret_file(path, &len, &err);
	if (!text)
		return cli_bundle_error(path, &err);
	if (minisign_seckey_is_encrypted(text, len)) {
		if (password_file) {
			password = password_from_file(password_file);
			if (!password) {
				cli_error("%s: cannot read a password from it", password_file);
				minisign_secret_free(text);
				return EXIT_SYSTEM;
			}
		} else {
			password = password_ask("Password for the secret key: ", false);
			if (!password) {
				cli_error(
				        "%s: the key is password-protected; run in a terminal, or "
				        "give --password-file FILE",
				        path);
				minisign_secret_free(text);
				return EXIT_USAGE;
			}
		}
	}
	rc = minisign_seckey_parse(text, len, password, sk, &err) == BUNDLE_OK
	             ? EXIT_YES
	             : cli_bundle_error(path, &err);
	minisign_secret_free(text);
	minisign_secret_free(password);
	return rc;
}

/* A set of bundle paths (sorted array of strings, deduplicated at the end). */
struct pathset {
	char **v;
	size_t n, cap;
};

static void pathset_add(struct pathset *s, const char *path)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n] = xstrdup(path);
	s->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool pathset_has(const struct pathset *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], path) == 0)
			return true;
	return false;
}

static void pathset_release(struct pathset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct lesson_work {
	const struct src_lesson *src;
	struct md_doc *doc;
	char *title; /* the page's title */
	bool title_from_body;
	char *html; /* the whole page */
	char *teacher_page; /* its teacher page's entry (teacher/ and the page's name), or NULL */
	char *teacher_html; /* that page: the lesson's instructor notes */
	char *teacher_source; /* the Markdown's entry then: it holds the notes too */
};

struct build {
	const struct course_src *c;
	struct lesson_work *lessons;
	struct lesson_work *teachers; /* course.yml `teacher`: html is the page under teacher/ */
	struct pathset files; /* course files the bundle holds besides pages and sources */
	struct pathset videos; /* per lesson while rendering: embedded videos (for cues) */
	/* tracks handed to md_render for one reference, freed at the next */
	struct md_track *tracks;
	struct media_track *media;
	char **track_hrefs;
	size_t tracks_count;
	const struct src_lesson *current;
	const char *from; /* the page links are made relative to, when not current's own */
};

static void free_tracks(struct build *b)
{
	for (size_t i = 0; i < b->tracks_count; i++)
		free(b->track_hrefs[i]);
	free(b->track_hrefs);
	free(b->tracks);
	media_tracks_free(b->media, b->tracks_count);
	b->track_hrefs = NULL;
	b->tracks = NULL;
	b->media = NULL;
	b->tracks_count = 0;
}

static const char *extension(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

/* "(PDF, 120.3 kB)" for a download link. */
static char *file_note(const struct src_file *f)
{
	char size[32], kind[16], *note;
	const char *ext = extension(f->path);
	size_t i;

	for (i = 0; ext[i] && i + 1 < sizeof(kind); i++)
		kind[i] = (char)(ext[i] >= 'a' && ext[i] <= 'z' ? ext[i] - 'a' + 'A' : ext[i]);
	kind[i] = '\0';
	note = xmalloc(64);
	snprintf(note, 64, "(%s%s%s)", kind, kind[0] ? ", " : "",
	         cli_size(f->size, size, sizeof(size)));
	return note;
}

static void resolve(void *ctx, enum md_ref_kind kind, const char *url, struct md_target *out)
{
	struct build *b = ctx;
	const struct src_lesson *lesson = b->current;
	const char *from = b->from ? b->from : lesson->page;
	struct link l;

	free_tracks(b);
	memset(out, 0, sizeof(*out));
	out->kind = MD_EMBED_KEEP;
	link_resolve(b->c, lesson->file, url, &l);
	if (l.kind == LINK_LESSON || l.kind == LINK_TEACHER) {
		/* a teacher page: from teacher pages and notes only (check refuses the rest) */
		out->href = link_relative(from, l.lesson->page, l.fragment);
	} else if (l.kind == LINK_FILE) {
		char *disk = path_join(b->c->root, l.path);
		out->href = link_relative(from, l.path, l.fragment);
		pathset_add(&b->files, l.path);
		if (kind == MD_REF_IMAGE && media_is_video(l.path)) {
			out->kind = MD_EMBED_VIDEO;
			mediainfo_mp4(disk, &out->width, &out->height);
			b->tracks_count = media_tracks(b->c, l.path, &b->media);
			b->tracks = xcalloc(b->tracks_count + 1, sizeof(*b->tracks));
			b->track_hrefs = xcalloc(b->tracks_count + 1, sizeof(*b->track_hrefs));
			for (size_t i = 0; i < b->tracks_count; i++) {
				b->track_hrefs[i] = link_relative(from, b->media[i].path, NULL);
				b->tracks[i].src = b->track_hrefs[i];
				b->tracks[i].lang = b->media[i].lang;
				b->tracks[i].label = langname_of(b->media[i].lang);
				pathset_add(&b->files, b->media[i].path);
			}
			out->tracks = b->tracks;
			out->tracks_count = b->tracks_count;
			pathset_add(&b->videos, l.path);
		} else if (kind == MD_REF_IMAGE && media_is_audio(l.path)) {
			out->kind = MD_EMBED_AUDIO;
		} else if (kind == MD_REF_IMAGE && media_is_image(l.path)) {
			out->kind = MD_EMBED_IMAGE;
			mediainfo_image_size(disk, &out->width, &out->height);
		} else if (!media_is_image(l.path) && !media_is_video(l.path) &&
		           !media_is_audio(l.path)) {
			out->kind = MD_EMBED_FILE;
			out->note = file_note(l.file);
		}
		free(disk);
	} else if (l.kind == LINK_EXTERNAL) {
		/* classrooms have no internet: the address as text, no dead link (check warns) */
		out->kind = MD_EMBED_TEXT;
	}
	/* Anchors, contacts: as written.  Anything else was refused by the checks. */
	link_release(&l);
}

/* Read a lesson's Markdown, parse it, and settle its title. */
static int load_lesson(struct build *b, struct lesson_work *w)
{
	const struct course_src *c = b->c;
	char *path = path_join(c->root, w->src->file);
	const char *title;
	struct stat sb;
	char *text;
	FILE *f;

	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &sb) != 0 || (uint64_t)sb.st_size > LESSON_MAX) {
		cli_error("%s: cannot read it: %s", w->src->file,
		          f ? "too large" : strerror(errno));
		if (f)
			fclose(f);
		free(path);
		return EXIT_SYSTEM;
	}
	text = xmalloc((size_t)sb.st_size + 1);
	if (fread(text, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		cli_error("%s: cannot read it", w->src->file);
		fclose(f);
		free(text);
		free(path);
		return EXIT_SYSTEM;
	}
	fclose(f);
	free(path);
	w->doc = md_parse(text, (size_t)sb.st_size, c->allow_html);
	free(text);
	if (!w->doc)
		xalloc_die();
	title = course_text_get(&w->src->title, w->src->language, c->language);
	if (!title)
		title = md_title(w->doc);
	/* A lesson that opens with its own "# Title" shows that one; the page adds none. */
	{
		size_t nh;
		const struct md_heading *h = md_headings(w->doc, &nh);
		w->title_from_body = nh > 0 && h[0].level == 1;
	}
	w->title = xstrdup(title ? title : w->src->id);
	return EXIT_YES;
}

static void add_escaped(struct sbuf *s, const char *text);
static void add_str(struct sbuf *s, const char *text);

/*
 * The entry of lesson i's Markdown source: its own path, or under teacher/
 * when it holds instructor notes, which no student may read
 * (format-spec/bundle-v1.md 11.7).
 */
static const char *lesson_source(const struct build *b, size_t i)
{
	return b->lessons[i].teacher_source ? b->lessons[i].teacher_source : b->c->lessons[i].file;
}

/* "../" for every folder of page: the way from it to the bundle's root.  malloc'd. */
static char *root_of(const char *page)
{
	size_t depth = 0;
	char *root;

	for (const char *p = page; *p; p++)
		depth += *p == '/';
	root = xmalloc(depth * 3 + 1);
	for (size_t k = 0; k < depth; k++)
		memcpy(root + 3 * k, "../", 3);
	root[depth * 3] = '\0';
	return root;
}

/*
 * The teacher page of lesson w, when it has instructor notes: its title, a
 * link to the lesson, the notes in their order (rendered again from the
 * teacher page's place, so that their links and pictures work there).  No
 * student page links to it (format-spec/bundle-v1.md 11.7).
 */
static void render_teacher_page(struct build *b, struct lesson_work *w, const char *course_title)
{
	const struct course_src *c = b->c;
	struct page_info pi;
	struct sbuf s;
	char *again, *root, *href, *body, *title;
	const char *notes;

	if (!md_teacher_html(w->doc))
		return;
	w->teacher_page = xasprintf("%s%s", COURSE_TEACHER_DIR, w->src->page);
	w->teacher_source = xasprintf("%s%s", COURSE_TEACHER_DIR, w->src->file);
	b->current = w->src;
	b->from = w->teacher_page;
	again = md_render(w->doc, w->src->language, resolve, b);
	free_tracks(b);
	b->from = NULL;
	if (!again)
		xalloc_die();
	notes = md_teacher_html(w->doc);
	href = link_relative(w->teacher_page, w->src->page, NULL);
	sbuf_init(&s, 64u << 20);
	add_str(&s, "<p class=\"lesson-link\"><a href=\"");
	add_escaped(&s, href);
	add_str(&s, "\">");
	add_escaped(&s, w->title);
	add_str(&s, "</a></p>\n");
	add_str(&s, notes ? notes : "");
	body = sbuf_take(&s, NULL);
	if (!body)
		xalloc_die();
	title = xasprintf("%s: %s", page_label(c->language, "instructor"), w->title);
	root = root_of(w->teacher_page);
	memset(&pi, 0, sizeof(pi));
	pi.lang = w->src->language;
	pi.ui_lang = c->language;
	pi.title = title;
	pi.course_title = course_title;
	pi.root = root;
	pi.current = PAGE_OFF_CONTENTS;
	w->teacher_html = page_render(&pi, body);
	if (!w->teacher_html)
		xalloc_die();
	free(title);
	free(root);
	free(body);
	free(href);
	free(again);
}

/*
 * The teacher pages of course.yml's `teacher`: rendered like lessons, from
 * their place under teacher/, with the instructor divs they hold shown too
 * (the page is the teacher's) and a link to the lesson they go with.
 */
static void render_teacher_pages(struct build *b, const char *course_title)
{
	const struct course_src *c = b->c;

	for (size_t i = 0; i < c->teachers_count; i++) {
		struct lesson_work *w = &b->teachers[i];
		const struct src_lesson *with = NULL;
		struct page_info pi;
		struct sbuf s;
		char *body, *root, *html;
		const char *notes, *after;

		for (size_t k = 0; w->src->lesson && k < c->lessons_count; k++)
			if (strcmp(c->lessons[k].id, w->src->lesson) == 0)
				with = &c->lessons[k];
		b->current = w->src;
		b->from = NULL;
		html = md_render(w->doc, w->src->language, resolve, b);
		free_tracks(b);
		if (!html)
			xalloc_die();
		notes = md_teacher_html(w->doc);
		sbuf_init(&s, 64u << 20);
		/* the link to the lesson under the title: the page's, else the body's "# Title" */
		after = w->title_from_body ? strstr(html, "</h1>\n") : NULL;
		after = after ? after + 6 : html;
		if (!sbuf_add(&s, html, (size_t)(after - html)))
			xalloc_die();
		if (with) {
			char *href = link_relative(w->src->page, with->page, NULL);
			add_str(&s, "<p class=\"lesson-link\"><a href=\"");
			add_escaped(&s, href);
			add_str(&s, "\">");
			add_escaped(&s, b->lessons[with - c->lessons].title);
			add_str(&s, "</a></p>\n");
			free(href);
		}
		add_str(&s, after);
		add_str(&s, notes ? notes : "");
		body = sbuf_take(&s, NULL);
		if (!body)
			xalloc_die();
		root = root_of(w->src->page);
		memset(&pi, 0, sizeof(pi));
		pi.lang = w->src->language;
		pi.ui_lang = c->language;
		pi.title = w->title;
		pi.course_title = course_title;
		pi.root = root;
		pi.current = PAGE_OFF_CONTENTS;
		pi.body_has_title = w->title_from_body;
		w->html = page_render(&pi, body);
		if (!w->html)
			xalloc_die();
		free(root);
		free(body);
		free(html);
	}
}

static int render_lessons(struct build *b)
{
	const struct course_src *c = b->c;
	struct page_link *contents = xcalloc(c->lessons_count, sizeof(*contents));
	char **hrefs = xcalloc(c->lessons_count, sizeof(*hrefs));
	const char *course_title = course_text_get(&c->title, c->language, c->language);

	for (size_t i = 0; i < c->lessons_count; i++) {
		struct lesson_work *w = &b->lessons[i];
		struct page_info pi;
		struct page_link prev, next;
		char *body, *root;

		/* Links from this lesson's page to every lesson. */
		for (size_t j = 0; j < c->lessons_count; j++) {
			free(hrefs[j]);
			hrefs[j] = link_relative(w->src->page, c->lessons[j].page, NULL);
			contents[j].href = hrefs[j];
			contents[j].title = b->lessons[j].title;
		}
		root = root_of(w->src->page);
		b->current = w->src;
		body = md_render(w->doc, w->src->language, resolve, b);
		free_tracks(b);
		if (!body)
			xalloc_die();
		memset(&pi, 0, sizeof(pi));
		pi.lang = w->src->language;
		pi.ui_lang = c->language;
		pi.title = w->title;
		pi.course_title = course_title;
		pi.root = root;
		pi.contents = contents;
		pi.contents_count = c->lessons_count;
		pi.current = i;
		if (i > 0) {
			prev = contents[i - 1];
			pi.prev = &prev;
		}
		if (i + 1 < c->lessons_count) {
			next = contents[i + 1];
			pi.next = &next;
		}
		pi.body_has_title = w->title_from_body;
		w->html = page_render(&pi, body);
		free(body);
		free(root);
		if (!w->html)
			xalloc_die();
		render_teacher_page(b, w, course_title);
	}
	render_teacher_pages(b, course_title);
	for (size_t j = 0; j < c->lessons_count; j++)
		free(hrefs[j]);
	free(hrefs);
	free(contents);
	return EXIT_YES;
}

static void add_escaped(struct sbuf *s, const char *text)
{
	char *e = html_escape(text ? text : "");

	if (!e || !sbuf_adds(s, e))
		xalloc_die();
	free(e);
}

static void add_str(struct sbuf *s, const char *text)
{
	if (!sbuf_adds(s, text))
		xalloc_die();
}

/* The home page: description, who made it, and the lessons in order. */
static char *render_index(struct build *b)
{
	const struct course_src *c = b->c;
	const char *ui = c->language;
	const char *desc = course_text_get(&c->description, c->language, c->language);
	struct page_info pi;
	struct sbuf s;
	char *body, *html;

	sbuf_init(&s, 64u << 20);
	if (desc) {
		add_str(&s, "<p class=\"description\">");
		add_escaped(&s, desc);
		add_str(&s, "</p>\n");
	}
	add_str(&s, "<dl class=\"about\">\n<dt>");
	add_escaped(&s, page_label(ui, "publisher"));
	add_str(&s, "</dt><dd>");
	add_escaped(&s, c->publisher_name);
	add_str(&s, "</dd>\n<dt>");
	add_escaped(&s, page_label(ui, "licence"));
	add_str(&s, "</dt><dd>");
	add_escaped(&s, c->licence);
	add_str(&s, "</dd>\n</dl>\n<h2>");
	add_escaped(&s, page_label(ui, "lessons"));
	add_str(&s, "</h2>\n<ol class=\"lessons\">\n");
	for (size_t i = 0; i < c->lessons_count; i++) {
		char *href = link_relative("index.html", c->lessons[i].page, NULL);
		add_str(&s, "<li><a href=\"");
		add_escaped(&s, href);
		add_str(&s, "\"");
		if (strcmp(c->lessons[i].language, c->language) != 0) {
			add_str(&s, " lang=\"");
			add_escaped(&s, c->lessons[i].language);
			add_str(&s, "\"");
		}
		add_str(&s, ">");
		add_escaped(&s, b->lessons[i].title);
		add_str(&s, "</a></li>\n");
		free(href);
	}
	add_str(&s, "</ol>\n");
	body = sbuf_take(&s, NULL);
	if (!body)
		xalloc_die();
	memset(&pi, 0, sizeof(pi));
	pi.lang = c->language;
	pi.ui_lang = ui;
	pi.title = course_text_get(&c->title, c->language, c->language);
	pi.course_title = pi.title;
	pi.root = "";
	pi.current = (size_t)-1;
	html = page_render(&pi, body);
	free(body);
	if (!html)
		xalloc_die();
	return html;
}

struct cue_ctx {
	struct sbuf *out;
	const struct src_lesson *lesson;
};

/* The search text: every section of every lesson, then the cues of its videos. */
static char *render_search(struct build *b)
{
	const struct course_src *c = b->c;
	struct bundle_error err;
	struct sbuf s;
	char *text;

	sbuf_init(&s, 256u << 20);
	if (searchtext_begin(&s, &err) != BUNDLE_OK)
		xalloc_die();
	for (size_t i = 0; i < c->lessons_count; i++) {
		const struct lesson_work *w = &b->lessons[i];
		size_t ns;
		const struct md_section *sec = md_sections(w->doc, &ns);

		for (size_t k = 0; k < ns; k++) {
			struct searchtext_section ss;
			char *place;

			/* the heading field: where the page shows it, boxes labelled in its language */
			place = md_section_place(&sec[k], w->src->language);
			ss.lesson = w->src->id;
			ss.page = w->src->page;
			ss.anchor = sec[k].slug;
			ss.lang = w->src->language;
			ss.heading = place;
			ss.text = sec[k].text;

			if (searchtext_add_section(&s, &ss, &err) != BUNDLE_OK)
				xalloc_die();
			free(place);
		}
	}
	/* Cues: every video embedded by a lesson, with the lesson that shows it first. */
	for (size_t i = 0; i < c->lessons_count; i++) {
		struct pathset seen = { 0 };
		size_t nr;
		const struct md_ref *refs = md_refs(b->lessons[i].doc, &nr);

		for (size_t r = 0; r < nr; r++) {
			struct link l;
			struct media_track *tracks;
			size_t nt;

			if (refs[r].kind != MD_REF_IMAGE)
				continue;
			link_resolve(c, c->lessons[i].file, refs[r].url, &l);
			if (l.kind != LINK_FILE || !media_is_video(l.path) ||
			    pathset_has(&seen, l.path)) {
				link_release(&l);
				continue;
			}
			pathset_add(&seen, l.path);
			nt = media_tracks(c, l.path, &tracks);
			for (size_t t = 0; t < nt; t++) {
				char *disk = path_join(c->root, tracks[t].path);
				struct problems ignored;
				struct vtt v = { NULL, 0 };
				size_t len = 0;
				char *vtext = NULL;
				FILE *f = fopen(disk, "rb");

				problems_init(&ignored);
				if (f) {
					struct stat sb;
					if (fstat(fileno(f), &sb) == 0 && sb.st_size < (64 << 20)) {
						vtext = xmalloc((size_t)sb.st_size + 1);
						len = fread(vtext, 1, (size_t)sb.st_size, f);
					}
					fclose(f);
				}
				if (vtext && !vtt_parse(vtext, len, tracks[t].path, &v, &ignored))
					xalloc_die();
				for (size_t k = 0; k < v.count; k++) {
					struct searchtext_cue cue = {
						c->lessons[i].id, c->lessons[i].page,
						l.path,           tracks[t].path,
						tracks[t].lang,   v.cues[k].start_ms,
						v.cues[k].end_ms, v.cues[k].text
					};
					if (!v.cues[k].text[0])
						continue;
					if (searchtext_add_cue(&s, &cue, &err) != BUNDLE_OK)
						xalloc_die();
				}
				vtt_release(&v);
				problems_release(&ignored);
				free(vtext);
				free(disk);
			}
			media_tracks_free(tracks, nt);
			link_release(&l);
		}
		pathset_release(&seen);
	}
	text = sbuf_take(&s, NULL);
	if (!text)
		xalloc_die();
	return text;
}

/* course.json: borrows the source's strings; every lesson titled in the main language. */
static char *render_course_json(struct build *b, size_t *len)
{
	const struct course_src *c = b->c;
	struct course cj;
	struct course_lesson *ls = xcalloc(c->lessons_count, sizeof(*ls));
	struct course_teacher *tp;
	struct bundle_error err;
	char *out = NULL;

	memset(&cj, 0, sizeof(cj));
	cj.id = c->id;
	cj.version = c->version;
	cj.language = c->language;
	cj.languages = c->languages;
	cj.languages_count = c->languages_count;
	cj.title = c->title;
	cj.description = c->description;
	cj.publisher_name = c->publisher_name;
	cj.publisher_contact = c->publisher_contact;
	cj.licence = c->licence;
	cj.level = c->level;
	cj.subjects = c->subjects;
	cj.subjects_count = c->subjects_count;
	cj.start = (char *)"index.html";
	cj.search = (char *)SEARCHTEXT_NAME;
	for (size_t i = 0; i < c->lessons_count; i++) {
		const struct src_lesson *l = &c->lessons[i];
		struct course_text *t = &ls[i].title;
		bool has_main = course_text_get(&l->title, c->language, NULL) &&
		                strcmp(course_text_get(&l->title, c->language, NULL),
		                       course_text_get(&l->title, c->language, c->language)) == 0;
		size_t n = l->title.count;

		t->lang = xcalloc(n + 1, sizeof(char *));
		t->text = xcalloc(n + 1, sizeof(char *));
		for (size_t k = 0; k < n; k++) {
			t->lang[k] = l->title.lang[k];
			t->text[k] = l->title.text[k];
		}
		t->count = n;
		/* Untitled in course.yml, or not in the main language: the page's title. */
		if (n == 0 || !has_main) {
			t->lang[n] = c->language;
			t->text[n] = b->lessons[i].title;
			t->count = n + 1;
		}
		ls[i].id = l->id;
		ls[i].page = l->page;
		ls[i].source = (char *)lesson_source(b, i);
		ls[i].language = l->language;
	}
	cj.lessons = ls;
	cj.lessons_count = c->lessons_count;
	/* A teacher page for each lesson with instructor notes, in the lessons' order. */
	tp = xcalloc(c->lessons_count + c->teachers_count + 1, sizeof(*tp));
	for (size_t i = 0; i < c->lessons_count; i++) {
		struct course_teacher *t = &tp[cj.teacher_count];
		if (!b->lessons[i].teacher_page)
			continue;
		t->title.lang = xcalloc(1, sizeof(char *));
		t->title.text = xcalloc(1, sizeof(char *));
		t->title.lang[0] = c->language;
		t->title.text[0] = b->lessons[i].title;
		t->title.count = 1;
		t->page = b->lessons[i].teacher_page;
		t->lesson = c->lessons[i].id;
		cj.teacher_count++;
	}
	/* Then course.yml's teacher pages, in its order, titled like the lessons. */
	for (size_t i = 0; i < c->teachers_count; i++) {
		const struct src_lesson *l = &c->teachers[i];
		struct course_teacher *t = &tp[cj.teacher_count++];
		const char *main = course_text_get(&l->title, c->language, NULL);
		size_t n = l->title.count;

		t->title.lang = xcalloc(n + 1, sizeof(char *));
		t->title.text = xcalloc(n + 1, sizeof(char *));
		for (size_t k = 0; k < n; k++) {
			t->title.lang[k] = l->title.lang[k];
			t->title.text[k] = l->title.text[k];
		}
		t->title.count = n;
		if (!main) {
			t->title.lang[n] = c->language;
			t->title.text[n] = b->teachers[i].title;
			t->title.count = n + 1;
		}
		t->page = l->page;
		t->lesson = l->lesson;
	}
	cj.teacher = cj.teacher_count ? tp : NULL;
	if (course_format(&cj, &out, len, &err) != BUNDLE_OK) {
		cli_bundle_error("META-INF/course.json", &err);
		out = NULL;
	}
	for (size_t i = 0; i < c->lessons_count; i++) {
		free(ls[i].title.lang);
		free(ls[i].title.text);
	}
	for (size_t i = 0; i < cj.teacher_count; i++) {
		free(tp[i].title.lang);
		free(tp[i].title.text);
	}
	free(tp);
	free(ls);
	return out;
}

struct progress_ctx {
	struct progress bar;
	enum bundle_phase phase;
};

static void on_progress(void *ctx, enum bundle_phase phase, uint64_t done, uint64_t total)
{
	struct progress_ctx *p = ctx;
	static const char *const labels[] = { "hashing", "writing", "verifying" };

	if (!p->bar.on && phase == p->phase)
		return;
	if (phase != p->phase || !p->bar.on) {
		progress_end(&p->bar);
		progress_start(&p->bar, labels[phase]);
		p->phase = phase;
	}
	progress_update(&p->bar, done, total);
}

/* SHA-256 of the written bundle, for the summary. */
static bool file_sha256(const char *path, char hex[DIGEST_HEX_SIZE])
{
	unsigned char buf[1 << 16], d[DIGEST_SIZE];
	struct digest *h = digest_new();
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!h || !f) {
		digest_free(h);
		if (f)
			fclose(f);
		return false;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		digest_update(h, buf, n);
	fclose(f);
	digest_final(h, d);
	digest_free(h);
	digest_to_hex(d, hex);
	return true;
}

static bool add_data(struct bundle_writer *w, const char *name, const char *data, size_t len)
{
	struct bundle_error err;

	if (bundle_writer_add_data(w, name, data, len, &err) != BUNDLE_OK) {
		cli_bundle_error(name, &err);
		return false;
	}
	return true;
}

/* The course's file path, as the entry name. */
static bool add_file_as(struct bundle_writer *w, const struct course_src *c, const char *name,
                        const char *path)
{
	struct bundle_error err;
	char *disk = path_join(c->root, path);
	bool ok = bundle_writer_add_file(w, name, disk, &err) == BUNDLE_OK;

	if (!ok)
		cli_bundle_error(name, &err);
	free(disk);
	return ok;
}

static bool add_file(struct bundle_writer *w, const struct course_src *c, const char *name)
{
	return add_file_as(w, c, name, name);
}

#define FAT32_FILE_MAX 4294967295ull /* the largest file FAT32 holds */

/* --split SIZE: bytes, with K, M or G (binary), or "fat32"; at least 1 MiB. */
static bool parse_split(const char *s, uint64_t *out)
{
	uint64_t v = 0, unit = 1;
	const char *p = s;

	if (strcmp(s, "fat32") == 0) {
		*out = FAT32_FILE_MAX;
		return true;
	}
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (*p == 'K' || *p == 'k')
		unit = 1ull << 10;
	else if (*p == 'M' || *p == 'm')
		unit = 1ull << 20;
	else if (*p == 'G' || *p == 'g')
		unit = 1ull << 30;
	if (unit > 1)
		p++;
	if (*p != '\0' || v > UINT64_MAX / unit || v * unit < (1ull << 20))
		return false;
	*out = v * unit;
	return true;
}

/* --split SIZE, into the uint64_t of o (options.h). */
static int split_option(const struct opt *o, const char *arg)
{
	if (!parse_split(arg, o->value)) {
		cli_error("--split '%s': not a size of at least 1M (a number with K, M or G, or "
		          "'fat32')",
		          arg);
		return EXIT_USAGE;
	}
	return EXIT_YES;
}

static int write_bundle(struct build *b, const struct minisign_seckey *sk, const char *out,
                        uint64_t split, double started)
{
	const struct course_src *c = b->c;
	struct bundle_writer *w = NULL;
	struct bundle_write_result res;
	struct bundle_error err;
	struct progress_ctx prog;
	struct minisign_pubkey pk;
	char *index = NULL, *search = NULL, *cjson = NULL;
	char id[MINISIGN_KEYID_HEX_SIZE], hex[DIGEST_HEX_SIZE], s1[32], s2[32], s3[32];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	size_t cjson_len = 0;
	int rc = EXIT_NO;

	index = render_index(b);
	search = render_search(b);
	cjson = render_course_json(b, &cjson_len);
	if (!cjson)
		goto done;
	if (bundle_writer_new(&w, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(NULL, &err);
		goto done;
	}
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long t = strtoll(sde, &end, 10);
		if (errno || *end || t < 0) {
			cli_error("SOURCE_DATE_EPOCH: '%s' is not a number of seconds", sde);
			rc = EXIT_USAGE;
			goto done;
		}
		bundle_writer_set_time(w, (int64_t)t);
	}
	if (!add_data(w, "META-INF/course.json", cjson, cjson_len) ||
	    !add_data(w, SEARCHTEXT_NAME, search, strlen(search)) ||
	    !add_data(w, "index.html", index, strlen(index)) ||
	    !add_data(w, PAGE_STYLESHEET, page_stylesheet(), strlen(page_stylesheet())))
		goto done;
	for (size_t i = 0; i < c->lessons_count; i++)
		if (!add_data(w, c->lessons[i].page, b->lessons[i].html,
		              strlen(b->lessons[i].html)) ||
		    !add_file_as(w, c, lesson_source(b, i), c->lessons[i].file) ||
		    (b->lessons[i].teacher_html &&
		     !add_data(w, b->lessons[i].teacher_page, b->lessons[i].teacher_html,
		               strlen(b->lessons[i].teacher_html))))
			goto done;
	/* Teacher pages, and their Markdown beside them under teacher/ (11.7). */
	for (size_t i = 0; i < c->teachers_count; i++) {
		char *source = xasprintf("%s%s", COURSE_TEACHER_DIR, c->teachers[i].file);
		bool ok = add_data(w, c->teachers[i].page, b->teachers[i].html,
		                   strlen(b->teachers[i].html)) &&
		          add_file_as(w, c, source, c->teachers[i].file);
		free(source);
		if (!ok)
			goto done;
	}
	/* Every file under media/, and every other file a lesson refers to. */
	for (size_t i = 0; i < c->files_count; i++)
		if (strncmp(c->files[i].path, "media/", 6) == 0 &&
		    !course_src_teacher_by_file(c, c->files[i].path) &&
		    !pathset_has(&b->files, c->files[i].path))
			pathset_add(&b->files, c->files[i].path);
	if (b->files.n > 1) /* a course without media has none: qsort(NULL, 0) is undefined */
		qsort(b->files.v, b->files.n, sizeof(*b->files.v), cmp_str);
	for (size_t i = 0; i < b->files.n; i++) {
		if (i > 0 && strcmp(b->files.v[i - 1], b->files.v[i]) == 0)
			continue;
		if (course_src_lesson_by_file(c, b->files.v[i]) ||
		    course_src_teacher_by_file(c, b->files.v[i]))
			continue; /* a lesson's or teacher page's source, added above */
		if (!add_file(w, c, b->files.v[i]))
			goto done;
	}
	memset(&prog, 0, sizeof(prog));
	prog.phase = BUNDLE_PHASE_VERIFY;
	bundle_writer_set_progress(w, on_progress, &prog);
	bundle_writer_set_cancel(w, is_interrupted, NULL);
	bundle_writer_set_split(w, split);
	if (bundle_writer_write(w, sk, out, &res, &err) != BUNDLE_OK) {
		progress_end(&prog.bar);
		if (interrupted_by)
			rc = EXIT_SYSTEM;
		else
			rc = cli_bundle_error(out, &err);
		goto done;
	}
	progress_end(&prog.bar);
	rc = EXIT_YES;
	if (!res.parts && res.file_size > FAT32_FILE_MAX)
		cli_warning("%s: %s, more than a FAT32 USB stick holds in one file: build it with "
		            "--split fat32 to store it in parts",
		            out, cli_size(res.file_size, s1, sizeof(s1)));
	if (cli_quiet)
		goto done;
	minisign_seckey_pubkey(sk, &pk);
	minisign_keyid_hex(pk.keyid, id);
	printf("Built %s: %zu lessons, %zu files, %s in %.1f s\n", out, c->lessons_count,
	       res.entries, cli_size(res.file_size, s1, sizeof(s1)), monotime_now() - started);
	printf("  %s stored, %s of text deflated to ", cli_size(res.stored_bytes, s2, sizeof(s2)),
	       cli_size(res.deflated_bytes, s3, sizeof(s3)));
	printf("%s\n", cli_size(res.deflated_comp, s1, sizeof(s1)));
	printf("  signed by key %s\n", id);
	if (res.parts)
		printf("  stored as %u parts, %s.001 to %s.%03u (cat joins them)\n", res.parts, out,
		       out, res.parts);
	else if (file_sha256(out, hex))
		printf("  SHA-256 %s\n", hex);
done:
	bundle_writer_free(w);
	free(index);
	free(search);
	free(cjson);
	return rc;
}

int cmd_build(int argc, char **argv)
{
	const char *key = NULL, *out = NULL, *password_file = NULL;
	uint64_t split = 0;
	bool strict = false;
	const struct opt opts[] = {
		OPT_STRING('k', "key", &key, "KEY",
		           "the secret key (made by `sampan-build keygen`)"),
		OPT_STRING('o', "output", &out, "OUT.sampan", "the bundle to write"),
		OPT_STRING(0, "password-file", &password_file, "FILE",
		           "read the key's password from FILE's first line"),
		OPT_CALLBACK(0, "split", &split, "SIZE",
		             "store a bundle larger than SIZE as parts OUT.sampan.001,\n"
		             ".002, ... of SIZE bytes each (K, M, G: KiB, MiB, GiB;\n"
		             "'fat32': 4294967295, the largest file FAT32 holds)",
		             split_option),
		OPT_QUIET("no progress, no summary; problems are still shown"),
		OPT_BOOL(0, "strict", &strict, "links to the web are errors: no bundle is written"),
		OPT_END(),
	};
	struct minisign_seckey *sk = NULL;
	struct source src = { NULL, NULL };
	struct course_src course;
	struct problems problems;
	struct bundle_error err;
	struct build b;
	struct sigaction sa;
	double started = monotime_now();
	bool loaded = false;
	int n, rc;

	memset(&course, 0, sizeof(course));
	memset(&b, 0, sizeof(b));
	problems_init(&problems);
	n = opts_parse(argc, argv, opts, &help, &rc);
	if (n < 0)
		return rc;
	if (!key || !out)
		return opts_usage_error(&help, "%s", help.operands);
	rc = builder_load_secret_key(key, password_file, &sk);
	if (rc != EXIT_YES)
		return rc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (source_open(argv[0], &src, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(argv[0], &err);
		goto done;
	}
	loaded = course_src_load(src.dir, &course, &problems);
	if (loaded)
		lint_course(&course, strict, &problems);
	problems_sort(&problems);
	problems_print(&problems, stderr, cli_color(stderr));
	if (!loaded || problems.errors > 0) {
		cli_error("%s: %zu error%s: no bundle written", argv[0], problems.errors,
		          problems.errors == 1 ? "" : "s");
		rc = EXIT_NO;
		goto done;
	}
	b.c = &course;
	b.lessons = xcalloc(course.lessons_count, sizeof(*b.lessons));
	for (size_t i = 0; i < course.lessons_count; i++) {
		b.lessons[i].src = &course.lessons[i];
		rc = load_lesson(&b, &b.lessons[i]);
		if (rc != EXIT_YES)
			goto done;
	}
	b.teachers = xcalloc(course.teachers_count + 1, sizeof(*b.teachers));
	for (size_t i = 0; i < course.teachers_count; i++) {
		b.teachers[i].src = &course.teachers[i];
		rc = load_lesson(&b, &b.teachers[i]);
		if (rc != EXIT_YES)
			goto done;
	}
	rc = render_lessons(&b);
	if (rc == EXIT_YES)
		rc = write_bundle(&b, sk, out, split, started);
done:
	for (size_t i = 0; b.lessons && i < course.lessons_count; i++) {
		md_free(b.lessons[i].doc);
		free(b.lessons[i].title);
		free(b.lessons[i].html);
		free(b.lessons[i].teacher_page);
		free(b.lessons[i].teacher_html);
		free(b.lessons[i].teacher_source);
	}
	free(b.lessons);
	for (size_t i = 0; b.teachers && i < course.teachers_count; i++) {
		md_free(b.teachers[i].doc);
		free(b.teachers[i].title);
		free(b.teachers[i].html);
	}
	free(b.teachers);
	free_tracks(&b);
	pathset_release(&b.files);
	pathset_release(&b.videos);
	if (loaded || course.root)
		course_src_release(&course);
	problems_release(&problems);
	source_close(&src);
	minisign_seckey_free(sk);
	if (interrupted_by) {
		cli_error("interrupted: no bundle written");
		signal(interrupted_by, SIG_DFL);
		raise(interrupted_by);
	}
	return rc;
}

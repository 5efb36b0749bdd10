/*
 * catalog.c - the catalog of courses as HTML (no script, nothing from
 * another host) and as JSON, in the interface languages (l10n.h;
 * DESIGN.md, "Serving").
 *
 * Titles, publishers, file names and reasons come from bundles nobody
 * vouched for: every one is escaped on the way out, and bytes that are not
 * UTF-8 become U+FFFD, so a hostile bundle cannot inject markup or break
 * the JSON.
 */
#include "catalog.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "course.h"
#include "error.h"
#include "html.h"
#include "json.h"
#include "l10n.h"
#include "langname.h"
#include "sbuf.h"

/* A page or document is never larger than this (a library of thousands of courses fits). */
#define CATALOG_MAX (64u * 1024 * 1024)

/* ---- output with escaping ---- */

struct out {
	struct sbuf b;
	bool failed;
};

static void out_init(struct out *o, size_t max)
{
	sbuf_init(&o->b, max);
	o->failed = false;
}

static void put_n(struct out *o, const char *s, size_t n)
{
	if (!o->failed && n && !sbuf_add(&o->b, s, n))
		o->failed = true;
}

static void put(struct out *o, const char *s)
{
	if (s)
		put_n(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	put(o, buf);
}

/* The page, or NULL when it did not fit or memory ran out. */
static char *out_take(struct out *o)
{
	char *s = NULL;

	if (!o->failed)
		s = sbuf_take(&o->b, NULL);
	sbuf_release(&o->b);
	return s;
}

/* Text for HTML content and attribute values (common/html.h). */
static void put_html(struct out *o, const char *s)
{
	if (!o->failed && !html_escape_into(&o->b, s))
		o->failed = true;
}

/* Percent-encode for a path segment or a query value: only A-Z a-z 0-9 - . _ ~ stay. */
static void put_pct(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[3];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			put_n(o, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		put_n(o, e, 3);
	}
}

/*
 * A pattern of the interface with its first key ("{n}") replaced by n, the
 * text around it HTML-escaped when html.
 */
static void put_filled(struct out *o, const char *pat, const char *key, size_t n, bool html)
{
	const char *at = strstr(pat, key);
	char *head;

	if (!at) {
		html ? put_html(o, pat) : put(o, pat);
		return;
	}
	head = strndup(pat, (size_t)(at - pat));
	if (!head) {
		o->failed = true;
		return;
	}
	html ? put_html(o, head) : put(o, head);
	free(head);
	put_u64(o, (uint64_t)n);
	html ? put_html(o, at + strlen(key)) : put(o, at + strlen(key));
}

/* The number of lessons, "{n}" in its pattern replaced by n, HTML-escaped. */
static void put_count(struct out *o, const char *ui, size_t n)
{
	/* TRANSLATORS: {n} is the number of lessons of a course: keep {n} as it is. */
	put_filled(o, l10n_nget(ui, "catalog", "{n} lesson", "{n} lessons", n), "{n}", n, true);
}

/* "3.4 MB" (decimal megabytes, "GB" from 1000 MB; never "0.0" for a non-empty file). */
static void put_size(struct out *o, const char *ui, off_t size)
{
	uint64_t b = size > 0 ? (uint64_t)size : 0, unit = 100000, tenths;
	const char *name = "MB";
	char buf[48];

	if (b >= UINT64_C(1000000000)) {
		unit = 100000000;
		name = "GB";
	}
	tenths = b / unit + (b % unit >= unit / 2);
	if (tenths == 0 && b)
		tenths = 1;
	/* TRANSLATORS: the decimal separator of numbers such as 3.4 MB: "." or ",". */
	const char *point = l10n_get(ui, "number", ".");

	/* A no-break space keeps the number and its unit together. */
	snprintf(buf, sizeof(buf), "%" PRIu64 "%s%u\xC2\xA0%s", tenths / 10, point,
	         (unsigned)(tenths % 10), name);
	put(o, buf);
}

/* The last component of a path: the server's folders are nobody else's business. */
static const char *base_name(const char *path)
{
	const char *slash;

	if (!path)
		return "";
	slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* ---- the catalog ---- */

/* The length of a tag's first subtag ("zh" of "zh-Hans"). */
static size_t primary_len(const char *tag)
{
	return strcspn(tag, "-_");
}

static bool course_has_language(const struct course *c, const char *tag)
{
	if (!c)
		return false;
	if (c->language && strcmp(c->language, tag) == 0)
		return true;
	for (size_t i = 0; i < c->languages_count; i++)
		if (strcmp(c->languages[i], tag) == 0)
			return true;
	return false;
}

/*
 * The title to show: in the interface language, else one of its variants
 * ("en-GB" for "en"), else the course's own language, else the first.
 * *lang is the title's language; NULL when there is no title.
 */
static const char *course_title(const struct course *c, const char *ui, const char **lang)
{
	const struct course_text *t = &c->title;
	size_t n = primary_len(ui), pick = t->count;

	for (size_t i = 0; i < t->count && pick == t->count; i++)
		if (strcmp(t->lang[i], ui) == 0)
			pick = i;
	for (size_t i = 0; i < t->count && pick == t->count; i++)
		if (primary_len(t->lang[i]) == n && strncmp(t->lang[i], ui, n) == 0)
			pick = i;
	for (size_t i = 0; c->language && i < t->count && pick == t->count; i++)
		if (strcmp(t->lang[i], c->language) == 0)
			pick = i;
	if (pick == t->count && t->count)
		pick = 0;
	if (pick == t->count) {
		*lang = NULL;
		return NULL;
	}
	*lang = t->lang[pick];
	return t->text[pick];
}

static int compare_tags(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The languages of every course, sorted, each once; *n of them.  NULL (n 0) or malloc'd. */
static const char **all_languages(const struct lib_snapshot *s, size_t *n)
{
	size_t total = 0, k = 0;
	const char **tags;

	*n = 0;
	for (size_t i = 0; i < s->count; i++)
		if (s->courses[i]->course)
			total += s->courses[i]->course->languages_count;
	if (!total)
		return NULL;
	tags = calloc(total, sizeof(*tags));
	if (!tags)
		return NULL;
	for (size_t i = 0; i < s->count; i++) {
		const struct course *c = s->courses[i]->course;
		for (size_t j = 0; c && j < c->languages_count; j++)
			tags[k++] = c->languages[j];
	}
	qsort(tags, k, sizeof(*tags), compare_tags);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || strcmp(tags[*n - 1], tags[i]) != 0)
			tags[(*n)++] = tags[i];
	return tags;
}

static void put_head(struct out *o, const char *ui, const char *title, const char *body_class)
{
	put(o, "<!DOCTYPE html>\n<html lang=\"");
	put_html(o, ui);
	put(o, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"color-scheme\" content=\"light dark\">\n"
	       "<title>");
	put_html(o, title);
	put(o, "</title>\n<link rel=\"stylesheet\" href=\"/_sampan/player.css\">\n</head>\n"
	       "<body class=\"");
	put(o, body_class);
	put(o, "\">\n");
}

/* "?filter=TAG&amp;lang=UI" (no filter: "?lang=UI"), for an href. */
static void put_query(struct out *o, const char *filter, const char *ui)
{
	put(o, "?");
	if (filter) {
		put(o, "filter=");
		put_pct(o, filter);
		put(o, "&amp;");
	}
	put(o, "lang=");
	put_pct(o, ui);
}

static void put_language_name(struct out *o, const char *tag)
{
	const char *name = langname_of(tag);

	put_html(o, name ? name : tag);
}

static void put_filter(struct out *o, const char *ui, const char *filter, const char **tags,
                       size_t n)
{
	put(o, "<nav class=\"filter\" aria-labelledby=\"filter-h\">\n<h2 id=\"filter-h\">");
	/* TRANSLATORS: the heading of the list of the courses' languages, to show one. */
	put_html(o, l10n_get(ui, "catalog", "Language"));
	put(o, "</h2>\n<ul>\n<li><a href=\"");
	put_query(o, NULL, ui);
	put(o, filter ? "\">" : "\" aria-current=\"page\">");
	put_html(o, l10n_get(ui, "catalog", "All languages"));
	put(o, "</a></li>\n");
	for (size_t i = 0; i < n; i++) {
		bool current = filter && strcmp(filter, tags[i]) == 0;

		put(o, "<li><a href=\"");
		put_query(o, tags[i], ui);
		put(o, "\" lang=\"");
		put_html(o, tags[i]);
		put(o, current ? "\" aria-current=\"page\">" : "\">");
		put_language_name(o, tags[i]);
		put(o, "</a></li>\n");
	}
	put(o, "</ul>\n</nav>\n");
}

/*
 * The lessons opened and the quizzes passed on this phone: empty and
 * hidden, for progress.js to fill from the browser's storage ({n} left
 * for it; the quizzes' two forms are those of 1 and of any larger count,
 * as in every one of the player's languages).
 */
static void put_progress(struct out *o, const char *ui, size_t lessons)
{
	/* TRANSLATORS: on a course of the catalog, how many of its lessons this phone opened: keep {n} and {count}. */
	const char *pat = l10n_nget(ui, "progress", "{n} of {count} lesson opened",
	                            "{n} of {count} lessons opened", lessons);

	put(o, "<p class=\"progress\" hidden data-lessons=\"");
	put_u64(o, (uint64_t)lessons);
	put(o, "\" data-label=\"");
	put_filled(o, pat, "{count}", lessons, true);
	put(o, "\" data-passed-one=\"");
	/* TRANSLATORS: how many self-check quizzes this phone passed, on a course of the catalog and beside a lesson in its course's contents: keep {n}. */
	put_html(o, l10n_nget(ui, "progress", "{n} quiz passed", "{n} quizzes passed", 1));
	put(o, "\" data-passed-many=\"");
	put_html(o, l10n_nget(ui, "progress", "{n} quiz passed", "{n} quizzes passed", 2));
	put(o, "\"></p>\n");
}

static void put_course(struct out *o, const char *ui, const struct lib_course *lc)
{
	const struct course *c = lc->course;
	const char *title_lang = NULL;
	const char *title = c ? course_title(c, ui, &title_lang) : NULL;

	put(o, "<li class=\"course\" data-course=\"");
	put_html(o, lc->id);
	put(o, "\">\n<h2");
	if (title_lang) {
		put(o, " lang=\"");
		put_html(o, title_lang);
		put(o, "\"");
	}
	put(o, " dir=\"auto\"><a href=\"/c/");
	put_pct(o, lc->id);
	put(o, "/\">");
	put_html(o, title ? title : lc->id);
	put(o, "</a></h2>\n");
	if (lc->unsigned_preview) {
		put(o, "<p class=\"badge\">");
		put_html(o, l10n_get(ui, "preview", "Preview: not signed by a trusted publisher"));
		put(o, "</p>\n");
	}
	if (c && c->languages_count) {
		put(o, "<ul class=\"langs\">");
		for (size_t i = 0; i < c->languages_count; i++) {
			put(o, "<li lang=\"");
			put_html(o, c->languages[i]);
			put(o, "\">");
			put_language_name(o, c->languages[i]);
			put(o, "</li>");
		}
		put(o, "</ul>\n");
	}
	put(o, "<p class=\"lessons\">");
	put_count(o, ui, c ? c->lessons_count : 0);
	put(o, "</p>\n");
	put_progress(o, ui, c ? c->lessons_count : 0);
	put(o, "<dl class=\"meta\">\n<div><dt>");
	/* TRANSLATORS: the size of a course's file, e.g. 3.4 MB. */
	put_html(o, l10n_get(ui, "catalog", "Size"));
	put(o, "</dt><dd>");
	put_size(o, ui, (off_t)lc->bytes);
	put(o, "</dd></div>\n");
	if (c && c->publisher_name) {
		put(o, "<div><dt>");
		put_html(o, l10n_get(ui, "catalog", "Publisher"));
		put(o, "</dt><dd dir=\"auto\">");
		put_html(o, c->publisher_name);
		put(o, "</dd></div>\n");
	}
	put(o, "</dl>\n<a class=\"open\" href=\"/c/");
	put_pct(o, lc->id);
	put(o, "/\">");
	put_html(o, l10n_get(ui, "catalog", "Open course"));
	put(o, "</a>\n</li>\n");
}

static void put_refused(struct out *o, const char *ui, const struct lib_snapshot *s)
{
	put(o, "<details class=\"refused\">\n<summary>");
	/* TRANSLATORS: the heading of the list of course files the player refuses (unsigned, changed, older than one seen). */
	put_html(o, l10n_get(ui, "catalog", "Bundles not served"));
	put(o, " (");
	put_u64(o, (uint64_t)s->refused_count);
	put(o, ")</summary>\n<p>");
	put_html(o, l10n_get(ui, "catalog",
	                     "These bundles are not shown to students, for the reason given beside "
	                     "each."));
	put(o, "</p>\n<ul>\n");
	for (size_t i = 0; i < s->refused_count; i++) {
		put(o, "<li><code dir=\"auto\">");
		put_html(o, base_name(s->refused[i].path));
		put(o, "</code> <span dir=\"auto\">");
		put_html(o, s->refused[i].reason);
		put(o, "</span></li>\n");
	}
	put(o, "</ul>\n</details>\n");
}

static void put_switcher(struct out *o, const char *ui, const char *filter)
{
	put(o, "<footer>\n<nav class=\"ui-lang\" aria-labelledby=\"ui-h\">\n<h2 id=\"ui-h\">");
	/* TRANSLATORS: the heading of the list of languages these pages can be shown in. */
	put_html(o, l10n_get(ui, "catalog", "Interface language"));
	put(o, "</h2>\n<ul>\n");
	for (size_t i = 0; i < l10n_languages_count; i++) {
		const char *tag = l10n_languages[i];

		put(o, "<li><a href=\"");
		put_query(o, filter, tag);
		put(o, "\" lang=\"");
		put(o, tag);
		put(o, "\" hreflang=\"");
		put(o, tag);
		put(o, tag == ui ? "\" aria-current=\"true\">" : "\">");
		put_language_name(o, tag);
		put(o, "</a></li>\n");
	}
	put(o, "</ul>\n</nav>\n</footer>\n");
}

/* The address and its QR code. */
static void put_join(struct out *o, const char *ui, const struct catalog_view *v)
{
	put(o, "<div class=\"join-card\">\n<div>\n<p class=\"join-label\">");
	/* TRANSLATORS: above the player's address and its QR code, for students. */
	put_html(o, l10n_get(ui, "catalog", "Open this address on your phone"));
	put(o, "</p>\n");
	if (v->address) {
		put(o, "<p class=\"url\" dir=\"ltr\" translate=\"no\">");
		put_html(o, v->address);
		put(o, "</p>\n");
	}
	put(o, "</div>\n");
	if (v->qr_svg) {
		put(o, "<div class=\"qr\">");
		put(o, v->qr_svg);
		put(o, "</div>\n");
	}
	put(o, "</div>\n");
}

char *catalog_devices_text(const char *ui, size_t n)
{
	/* TRANSLATORS: on the projector page: {n} phones or computers that opened a page lately. */
	const char *pat = l10n_nget(ui, "join", "{n} device seen in the last 5 minutes",
	                            "{n} devices seen in the last 5 minutes", n);
	struct out o;

	out_init(&o, 4096);
	put_filled(&o, pat, "{n}", n, false);
	return out_take(&o);
}

char *catalog_join_html(const struct catalog_view *v, size_t devices)
{
	const char *ui = l10n_language(v->ui_lang);
	char *count = catalog_devices_text(ui, devices);
	struct out o;

	if (!count)
		return NULL;
	out_init(&o, 1024 * 1024);
	/* TRANSLATORS: the title of the page shown on the projector, for students to join. */
	put_head(&o, ui, l10n_get(ui, "join", "Join the class"), "projector");
	put(&o, "<main>\n<h1>");
	put_html(&o, l10n_get(ui, "catalog", "Open this address on your phone"));
	put(&o, "</h1>\n<p class=\"url\" dir=\"ltr\" translate=\"no\">");
	put_html(&o, v->address ? v->address : "");
	put(&o, "</p>\n");
	if (v->qr_svg) {
		put(&o, "<div class=\"qr\" role=\"img\" aria-label=\"");
		/* TRANSLATORS: read aloud for the QR code of the player's address. */
		put_html(&o, l10n_get(ui, "join", "QR code of the address"));
		put(&o, "\">");
		put(&o, v->qr_svg);
		put(&o, "</div>\n");
	}
	put(&o, "<p class=\"devices\" id=\"devices\" aria-live=\"polite\">");
	put_html(&o, count);
	put(&o, "</p>\n<p class=\"back\"><a href=\"/?lang=");
	put_pct(&o, ui);
	put(&o, "\">");
	put_html(&o, l10n_get(ui, "catalog", "Courses"));
	put(&o, "</a></p>\n</main>\n<script src=\"/_sampan/join.js\" defer></script>\n"
	        "</body>\n</html>\n");
	free(count);
	return out_take(&o);
}

char *catalog_html(const struct catalog_view *v)
{
	static const struct lib_snapshot empty = { 0 };
	const struct lib_snapshot *s;
	const char *ui;
	const char *filter;
	const char **tags = NULL;
	size_t ntags = 0, shown = 0;
	struct out o;

	if (!v)
		return NULL;
	s = v->snap ? v->snap : &empty;
	/* "?filter=" with nothing after it is no filter. */
	filter = v->filter_lang && *v->filter_lang ? v->filter_lang : NULL;
	ui = l10n_language(v->ui_lang);
	out_init(&o, CATALOG_MAX);

	put_head(&o, ui, l10n_get(ui, "catalog", "Courses"), "catalog");
	put(&o, "<header class=\"top\">\n<h1>");
	put_html(&o, l10n_get(ui, "catalog", "Courses"));
	put(&o, "</h1>\n");
	if (v->address || v->qr_svg) {
		/* folded: a phone that opened the page has no use for its address */
		put(&o, "<details class=\"join\">\n<summary>");
		/* TRANSLATORS: folded at the top of the catalog: opens the player's address and its QR code. */
		put_html(&o, l10n_get(ui, "catalog", "Address and QR code"));
		put(&o, "</summary>\n");
		put_join(&o, ui, v);
		put(&o, "<p class=\"projector-link\"><a href=\"/join?lang=");
		put_pct(&o, ui);
		put(&o, "\">");
		/* TRANSLATORS: a link to a page made to be shown on a projector or a large screen. */
		put_html(&o, l10n_get(ui, "catalog", "Show on a projector"));
		put(&o, "</a></p>\n</details>\n");
	}
	put(&o, "</header>\n<main>\n");

	if (s->count) {
		put(&o,
		    "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">\n"
		    "<label for=\"q\">");
		put_html(&o, l10n_get(ui, "search", "Search the courses"));
		put(&o, "</label>\n<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" "
		        "maxlength=\"200\">\n<input type=\"hidden\" name=\"lang\" value=\"");
		put_html(&o, ui);
		put(&o, "\">\n");
		if (filter) {
			put(&o, "<input type=\"hidden\" name=\"filter\" value=\"");
			put_html(&o, filter);
			put(&o, "\">\n");
		}
		put(&o, "<button type=\"submit\">");
		put_html(&o, l10n_get(ui, "search", "Search"));
		put(&o, "</button>\n</form>\n<ul id=\"suggest\" class=\"suggest\" "
		        "aria-live=\"polite\"></ul>\n");
		tags = all_languages(s, &ntags);
		if (!tags && ntags)
			o.failed = true;
		put_filter(&o, ui, filter, tags, ntags);
		put(&o, "<ul class=\"courses\">\n");
		for (size_t i = 0; i < s->count; i++) {
			const struct lib_course *lc = s->courses[i];
			if (filter && !course_has_language(lc->course, filter))
				continue;
			put_course(&o, ui, lc);
			shown++;
		}
		put(&o, "</ul>\n");
		if (!shown) {
			put(&o, "<p class=\"empty\">");
			put_html(&o, l10n_get(ui, "catalog", "No courses in this language"));
			put(&o, "</p>\n");
		}
	} else {
		put(&o, "<p class=\"empty\">");
		/* TRANSLATORS: for the teacher, when the player has no course yet. */
		put_html(&o,
		         l10n_get(ui, "catalog",
		                  "No courses yet: copy .sampan files into the library folder"));
		put(&o, "</p>\n");
	}
	if (s->count) {
		put(&o, "<div class=\"progress-clear\" hidden>\n<p>");
		/* TRANSLATORS: beside the button that clears the lessons marked as opened and the quizzes marked as passed. */
		put_html(&o, l10n_get(ui, "progress",
		                      "Lessons you opened and quizzes you passed are marked on "
		                      "this phone only."));
		put(&o, "</p>\n<button type=\"button\" class=\"clear\">");
		/* TRANSLATORS: a button: forget which lessons this phone opened and which quizzes it passed. */
		put_html(&o, l10n_get(ui, "progress", "Clear"));
		put(&o, "</button>\n</div>\n");
	}
	if (s->refused_count)
		put_refused(&o, ui, s);
	put(&o, "</main>\n");
	put_switcher(&o, ui, filter);
	if (s->count)
		put(&o, "<script src=\"/_sampan/search.js\" defer></script>\n"
		        "<script src=\"/_sampan/progress.js\" defer></script>\n");
	put(&o, "</body>\n</html>\n");
	free(tags);
	return out_take(&o);
}

/* ---- JSON ---- */

/* A course's address, "/c/ID/", percent-encoded; NULL when out of memory. */
static char *course_href(const char *id)
{
	struct out o;

	out_init(&o, CATALOG_MAX);
	put(&o, "/c/");
	put_pct(&o, id);
	put(&o, "/");
	return out_take(&o);
}

static struct json_t *json_course(struct json_out *o, const struct lib_course *lc)
{
	const struct course *c = lc->course;
	struct json_t *j = json_out_object(o), *title = json_out_object(o),
	              *langs = json_out_array(o);
	char *href = course_href(lc->id);

	json_out_set(o, j, "id", json_out_string(o, lc->id));
	json_out_set(o, j, "version", json_out_string(o, lc->version));
	for (size_t i = 0; c && i < c->title.count; i++)
		json_out_set(o, title, c->title.lang[i], json_out_string(o, c->title.text[i]));
	json_out_set(o, j, "title", title);
	for (size_t i = 0; c && i < c->languages_count; i++)
		json_out_append(o, langs, json_out_string(o, c->languages[i]));
	json_out_set(o, j, "languages", langs);
	json_out_set(o, j, "language", json_out_string(o, c ? c->language : NULL));
	json_out_set(o, j, "lessons", json_out_integer(o, c ? (int64_t)c->lessons_count : 0));
	json_out_set(o, j, "size", json_out_integer(o, (int64_t)lc->bytes));
	json_out_set(o, j, "publisher", json_out_string(o, c ? c->publisher_name : NULL));
	if (!href)
		o->failed = true;
	json_out_set(o, j, "href", href ? json_out_string(o, href) : NULL);
	json_out_set(o, j, "preview", json_out_bool(o, lc->unsigned_preview));
	free(href);
	return j;
}

char *catalog_json(const struct lib_snapshot *snap)
{
	static const struct lib_snapshot empty = { 0 };
	const struct lib_snapshot *s = snap ? snap : &empty;
	struct json_out o = { 0 };
	struct json_t *root = json_out_object(&o), *courses = json_out_array(&o),
	              *refused = json_out_array(&o);

	json_out_set(&o, root, "generation", json_out_integer(&o, (int64_t)s->generation));
	for (size_t i = 0; i < s->count; i++)
		json_out_append(&o, courses, json_course(&o, s->courses[i]));
	json_out_set(&o, root, "courses", courses);
	for (size_t i = 0; i < s->refused_count; i++) {
		const struct lib_refused *r = &s->refused[i];
		struct json_t *j = json_out_object(&o);

		json_out_set(&o, j, "file", json_out_string(&o, base_name(r->path)));
		json_out_set(&o, j, "reason", json_out_string(&o, r->reason));
		json_out_set(&o, j, "rule",
		             json_out_string(&o, r->rule == RULE_NONE ? NULL
		                                                      : bundle_rule_name(r->rule)));
		json_out_append(&o, refused, j);
	}
	json_out_set(&o, root, "refused", refused);
	return json_out_dump(&o, root);
}

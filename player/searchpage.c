/*
 * searchpage.c - the results page, its JSON, suggestions and the watch
 * page (searchpage.h).  Everything that came from a bundle or a request is
 * escaped on its way out: HTML by common/html.c, JSON by common/json.c, URLs by
 * urlpath_encode.
 */
#include "searchpage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "html.h"
#include "httputil.h"
#include "json.h"
#include "l10n.h"
#include "pagebuf.h"
#include "sbuf.h"

/* Text with \x01 ... \x02 around matches: escaped, the matches in <mark>. */
static void put_marked(struct sbuf *b, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\x01\x02");
		char *part = strndup(s, n);

		if (part)
			put_html(b, part);
		free(part);
		s += n;
		if (*s == '\x01')
			put(b, "<mark>");
		else if (*s == '\x02')
			put(b, "</mark>");
		if (*s)
			s++;
	}
}

/* The same text without the marks, for JSON and titles. */
static char *unmarked(const char *s)
{
	char *d = strdup(s ? s : ""), *w = d;

	if (!d)
		return NULL;
	for (const char *r = d; *r; r++)
		if (*r != '\x01' && *r != '\x02')
			*w++ = *r;
	*w = '\0';
	return d;
}

static struct json_t *jstr(struct json_out *jo, const char *s);

/* A pattern of the interface with {n}, {m} or {t} replaced, escaped. */
static void put_pattern(struct sbuf *b, const char *p, const char *n, const char *m, const char *t)
{

	while (*p) {
		const char *brace = strchr(p, '{');
		char *lit;
		if (!brace || brace[1] == '\0' || brace[2] != '}') {
			put_html(b, p);
			return;
		}
		lit = strndup(p, (size_t)(brace - p));
		if (lit)
			put_html(b, lit);
		free(lit);
		put_html(b, brace[1] == 'n' ? n : brace[1] == 'm' ? m : brace[1] == 't' ? t : "");
		p = brace + 3;
	}
}

static void clock_text(uint64_t ms, char out[32])
{
	uint64_t s = ms / 1000;

	if (s >= 3600)
		snprintf(out, 32, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
		         (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	else
		snprintf(out, 32, "%llu:%02llu", (unsigned long long)(s / 60),
		         (unsigned long long)(s % 60));
}

static const struct lib_course *find_course(const struct lib_snapshot *s, const char *id)
{
	return s ? library_find(s, id) : NULL;
}

static const char *course_title(const struct lib_course *c, const char *ui)
{
	const char *t = c ? course_text_get(&c->course->title, ui, c->course->language) : NULL;

	return t ? t : c ? c->id : "";
}

static const char *lesson_title(const struct lib_course *c, const char *lesson, const char *ui)
{
	for (size_t i = 0; c && i < c->course->lessons_count; i++) {
		const struct course_lesson *l = &c->course->lessons[i];
		if (strcmp(l->id, lesson) == 0) {
			const char *t = course_text_get(&l->title, ui, l->language);
			return t ? t : l->id;
		}
	}
	return lesson;
}

/* Whether heading (marks aside) is one of the lesson's titles: the page's own first heading. */
static bool is_lesson_title(const struct lib_course *c, const char *lesson, const char *heading)
{
	char *plain = unmarked(heading);
	bool same = false;

	for (size_t i = 0; plain && c && i < c->course->lessons_count; i++) {
		const struct course_lesson *l = &c->course->lessons[i];
		if (strcmp(l->id, lesson) != 0)
			continue;
		for (size_t k = 0; k < l->title.count; k++)
			if (strcmp(l->title.text[k], plain) == 0)
				same = true;
	}
	free(plain);
	return same;
}

/*
 * What a result line shows of where the hit is (a part of heading), or NULL:
 * the heading (a section, then the boxes it is in: "Pumps › Note"), less a
 * first part that only repeats the lesson's title and that the search did
 * not match.
 */
static const char *heading_shown(const struct lib_course *c, const char *lesson,
                                 const char *heading)
{
	static const char sep[] = " \xe2\x80\xba ";
	const char *rest;
	size_t n;
	char *first;
	bool same;

	if (!heading || !*heading)
		return NULL;
	rest = strstr(heading, sep);
	n = rest ? (size_t)(rest - heading) : strlen(heading);
	first = malloc(n + 1);
	if (!first)
		return heading;
	memcpy(first, heading, n);
	first[n] = '\0';
	same = !strchr(first, '\x01') && is_lesson_title(c, lesson, first);
	free(first);
	if (!same)
		return heading;
	return rest ? rest + strlen(sep) : NULL;
}

char *searchpage_hit_url(const struct search_hit *h)
{
	struct sbuf b;
	char *course = urlpath_encode(h->course), *page = urlpath_encode(h->page);

	sbuf_init(&b, 8192);
	if (course && page && h->media) {
		char *m = urlpath_encode(h->media), *k = urlpath_encode(h->track);
		if (m && k)
			sbuf_addf(&b, "/watch?c=%s&m=%s&t=%llu.%03llu&k=%s&p=%s", course, m,
			          (unsigned long long)(h->start_ms / 1000),
			          (unsigned long long)(h->start_ms % 1000), k, page);
		free(m);
		free(k);
	} else if (course && page) {
		sbuf_addf(&b, "/c/%s/%s", course, page);
		if (h->anchor && *h->anchor) {
			char *a = urlpath_encode(h->anchor);
			if (a)
				sbuf_addf(&b, "#%s", a);
			free(a);
		}
	}
	free(course);
	free(page);
	sbuf_add(&b, "", 1);
	return sbuf_take(&b, NULL);
}

static void put_head(struct sbuf *b, const char *ui, const char *title, const char *cls)
{
	put(b, "<!DOCTYPE html>\n<html lang=\"");
	put_html(b, ui);
	put(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
	put_html(b, title);
	put(b, "</title>\n<link rel=\"stylesheet\" href=\"/_sampan/player.css\">\n</head>\n<body "
	       "class=\"");
	put(b, cls);
	put(b, "\">\n<header>\n<p><a href=\"/?lang=");
	put_url_part(b, ui);
	put(b, "\">");
	put_html(b, l10n_get(ui, "catalog", "Courses"));
	put(b, "</a></p>\n</header>\n");
}

/* "/search?q=...&course=...&filter=...&lang=UI&page=N" escaped for an href. */
static void put_search_link(struct sbuf *b, const struct search_view *v, size_t page)
{
	char n[32];

	put(b, "/search?q=");
	put_url_part(b, v->q);
	if (v->course && *v->course) {
		put(b, "&amp;course=");
		put_url_part(b, v->course);
	}
	if (v->lang && *v->lang) {
		put(b, "&amp;filter=");
		put_url_part(b, v->lang);
	}
	put(b, "&amp;lang=");
	put_url_part(b, v->ui_lang);
	snprintf(n, sizeof(n), "%zu", page);
	put(b, "&amp;page=");
	put(b, n);
}

/* "Did you mean WORDS?", WORDS a link to their search, in the interface language. */
static void put_did_you_mean(struct sbuf *b, const struct search_view *v)
{
	/* TRANSLATORS: {t} is the words offered, a link: keep {t} as it is. */
	const char *p = l10n_get(v->ui_lang, "search", "Did you mean {t}?"), *t = strstr(p, "{t}");
	struct search_view dv = *v;
	char *before = strndup(p, t ? (size_t)(t - p) : strlen(p));

	dv.q = v->r->did_you_mean;
	put(b, "<p class=\"did-you-mean\" role=\"status\">");
	if (before)
		put_html(b, before);
	free(before);
	put(b, "<a href=\"");
	put_search_link(b, &dv, 1);
	put(b, "\" dir=\"auto\">");
	put_html(b, dv.q);
	put(b, "</a>");
	if (t)
		put_html(b, t + 3);
	put(b, "</p>\n");
}

/* The same sentence as text, and the link, for JSON. */
static struct json_t *did_you_mean_json(struct json_out *jo, const struct search_view *v)
{
	/* TRANSLATORS: {t} is the words offered, a link: keep {t} as it is. */
	const char *p = l10n_get(v->ui_lang, "search", "Did you mean {t}?"), *t = strstr(p, "{t}");
	struct search_view dv = *v;
	struct sbuf b;
	struct json_t *o = json_out_object(jo);
	char *s;

	dv.q = v->r->did_you_mean;
	sbuf_init(&b, 8192);
	if (t) {
		sbuf_add(&b, p, (size_t)(t - p));
		sbuf_adds(&b, dv.q);
		sbuf_adds(&b, t + 3);
	} else {
		sbuf_adds(&b, p);
	}
	s = sbuf_take(&b, NULL);
	json_out_set(jo, o, "q", jstr(jo, dv.q));
	json_out_set(jo, o, "text", jstr(jo, s));
	free(s);
	sbuf_init(&b, 8192);
	put_search_link(&b, &dv, 1);
	s = sbuf_take(&b, NULL);
	/* put_search_link writes for an attribute: the link itself has bare ampersands. */
	for (char *a = s ? strstr(s, "&amp;") : NULL; a; a = strstr(a + 1, "&amp;"))
		memmove(a + 1, a + 5, strlen(a + 5) + 1);
	json_out_set(jo, o, "url", jstr(jo, s));
	free(s);
	return o;
}

static void put_form(struct sbuf *b, const struct search_view *v)
{
	const char *ui = v->ui_lang;

	put(b, "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">\n"
	       "<label for=\"q\">");
	put_html(b, l10n_get(ui, "search", "Search the courses"));
	put(b, "</label>\n<input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" "
	       "maxlength=\"200\" value=\"");
	put_html(b, v->q ? v->q : "");
	put(b, "\">\n<span class=\"scope\"><label for=\"course\">");
	/* TRANSLATORS: the label of the list of courses to search in. */
	put_html(b, l10n_get(ui, "search", "Course"));
	put(b, "</label>\n<select id=\"course\" name=\"course\">\n<option value=\"\">");
	put_html(b, l10n_get(ui, "search", "All courses"));
	put(b, "</option>\n");
	for (size_t i = 0; v->snap && i < v->snap->count; i++) {
		const struct lib_course *c = v->snap->courses[i];
		put(b, "<option value=\"");
		put_html(b, c->id);
		put(b, v->course && strcmp(v->course, c->id) == 0 ? "\" selected>" : "\">");
		put_html(b, course_title(c, ui));
		put(b, "</option>\n");
	}
	put(b, "</select></span>\n<input type=\"hidden\" name=\"lang\" value=\"");
	put_html(b, ui);
	put(b, "\">\n");
	if (v->lang && *v->lang) {
		put(b, "<input type=\"hidden\" name=\"filter\" value=\"");
		put_html(b, v->lang);
		put(b, "\">\n");
	}
	put(b, "<button type=\"submit\">");
	put_html(b, l10n_get(ui, "search", "Search"));
	put(b, "</button>\n</form>\n<ul id=\"suggest\" class=\"suggest\" "
	       "aria-live=\"polite\"></ul>\n");
}

static void put_hit(struct sbuf *b, const struct search_view *v, const struct search_hit *h)
{
	const struct lib_course *c = find_course(v->snap, h->course);
	char *url = searchpage_hit_url(h);
	const char *where;

	put(b, "<li lang=\"");
	put_html(b, h->lang);
	put(b, h->approximate ? "\" class=\"approximate\">\n<a href=\"" : "\">\n<a href=\"");
	put_html(b, url ? url : "/");
	put(b, "\"><span class=\"hit-course\">");
	put_html(b, course_title(c, v->ui_lang));
	put(b, "</span><span class=\"hit-lesson\">");
	put_html(b, lesson_title(c, h->lesson, v->ui_lang));
	put(b, "</span>");
	/*
	 * Where in the lesson: its section and the boxes it is in, "Lesson ›
	 * Section › Challenge: its title › Solution" (a heading the search did
	 * not match that only repeats the lesson's title says nothing more).
	 */
	where = heading_shown(c, h->lesson, h->heading);
	if (where) {
		put(b, " \xe2\x80\xba <span class=\"hit-heading\">");
		put_marked(b, where);
		put(b, "</span>");
	}
	put(b, "</a>\n");
	if (h->approximate) {
		put(b, "<p class=\"approx\" lang=\"");
		put_html(b, v->ui_lang);
		put(b, "\">");
		/* TRANSLATORS: beside a result found by a looser spelling than the words typed. */
		put_html(b, l10n_get(v->ui_lang, "search", "A similar spelling"));
		put(b, "</p>\n");
	}
	if (h->media) {
		char t[32];
		clock_text(h->start_ms, t);
		put(b, "<p class=\"cue\">");
		/* TRANSLATORS: {t} is a time in the video, e.g. 1:05: keep {t} as it is. */
		put_pattern(b, l10n_get(v->ui_lang, "search", "In the video at {t}"), "", "", t);
		put(b, "</p>\n");
	}
	put(b, "<p class=\"snippet\" dir=\"auto\">");
	put_marked(b, h->snippet);
	put(b, "</p>\n</li>\n");
	free(url);
}

char *searchpage_html(const struct search_view *v)
{
	const char *ui = v->ui_lang;
	struct sbuf b;
	char title[512];

	sbuf_init(&b, PAGE_MAX);
	if (v->q && *v->q)
		snprintf(title, sizeof(title), "%s: %.400s", l10n_get(ui, "search", "Search"),
		         v->q);
	else
		snprintf(title, sizeof(title), "%s", l10n_get(ui, "search", "Search the courses"));
	put_head(&b, ui, title, "search");
	put(&b, "<main>\n<h1>");
	put_html(&b, l10n_get(ui, "search", "Search the courses"));
	put(&b, "</h1>\n");
	put_form(&b, v);
	if (v->problem == SEARCH_BUSY || v->problem == SEARCH_UNAVAILABLE) {
		put(&b, "<p class=\"problem\" role=\"status\">");
		put_html(&b, v->problem == SEARCH_BUSY
		                     ? l10n_get(ui, "search",
		                                "Many people are searching at once. Try again in a "
		                                "moment.")
		                     : l10n_get(ui, "search",
		                                "Search is not available on this player."));
		put(&b, "</p>\n");
	} else if (v->indexed < v->total) {
		char n[32], m[32];
		snprintf(n, sizeof(n), "%zu", v->indexed);
		snprintf(m, sizeof(m), "%zu", v->total);
		put(&b, "<p class=\"indexing\" role=\"status\">");
		/* TRANSLATORS: {n} and {m} are numbers: keep them as they are. */
		put_pattern(&b,
		            l10n_get(ui, "search",
		                     "Search is still getting ready: {n} of {m} courses so far."),
		            n, m, "");
		put(&b, "</p>\n");
	}
	if (v->r && v->r->did_you_mean)
		put_did_you_mean(&b, v);
	if (v->r && v->r->timed_out) {
		put(&b, "<p class=\"problem\" role=\"status\">");
		put_html(&b, l10n_get(ui, "search",
		                      "The search took too long. Try more specific words."));
		put(&b, "</p>\n");
	} else if (v->r && !v->r->empty_query && v->r->count == 0) {
		put(&b, "<p class=\"none\" role=\"status\">");
		put_html(&b, l10n_get(ui, "search", "Nothing found. Try other words, or fewer."));
		put(&b, "</p>\n");
	} else if (v->r && v->r->count > 0) {
		char start[32];
		size_t page = v->page ? v->page : 1;
		snprintf(start, sizeof(start), "%zu", (page - 1) * SEARCH_PAGE_SIZE + 1);
		put(&b, "<ol class=\"results\" start=\"");
		put(&b, start);
		put(&b, "\">\n");
		for (size_t i = 0; i < v->r->count; i++)
			put_hit(&b, v, &v->r->hits[i]);
		put(&b, "</ol>\n");
		if (page > 1 || v->r->more) {
			put(&b, "<nav class=\"pages\">\n");
			if (page > 1) {
				put(&b, "<a rel=\"prev\" href=\"");
				put_search_link(&b, v, page - 1);
				put(&b, "\">");
				/* TRANSLATORS: the link to the previous page of results. */
				put_html(&b, l10n_get(ui, "search", "Previous"));
				put(&b, "</a>\n");
			}
			if (v->r->more) {
				put(&b, "<a rel=\"next\" href=\"");
				put_search_link(&b, v, page + 1);
				put(&b, "\">");
				/* TRANSLATORS: the link to the next page of results. */
				put_html(&b, l10n_get(ui, "search", "Next"));
				put(&b, "</a>\n");
			}
			put(&b, "</nav>\n");
		}
	}
	put(&b, "</main>\n<script src=\"/_sampan/search.js\" defer></script>\n</body>\n</html>\n");
	sbuf_add(&b, "", 1);
	return sbuf_take(&b, NULL);
}

/* A string for JSON: NULL is "" here. */
static struct json_t *jstr(struct json_out *jo, const char *s)
{
	return json_out_string(jo, s ? s : "");
}

static struct json_t *marked_html(struct json_out *jo, const char *s)
{
	struct sbuf b;
	struct json_t *j;
	char *t;

	sbuf_init(&b, PAGE_MAX);
	put_marked(&b, s);
	sbuf_add(&b, "", 1);
	t = sbuf_take(&b, NULL);
	j = jstr(jo, t);
	free(t);
	return j;
}

char *searchpage_json(const struct search_view *v)
{
	struct json_out jo = { 0 };
	struct json_t *o = json_out_object(&jo), *list = json_out_array(&jo);
	size_t page = v->page ? v->page : 1;

	json_out_set(&jo, o, "query", jstr(&jo, v->q));
	json_out_set(&jo, o, "page", json_out_integer(&jo, (int64_t)page));
	for (size_t i = 0; v->r && i < v->r->count; i++) {
		const struct search_hit *h = &v->r->hits[i];
		const struct lib_course *c = find_course(v->snap, h->course);
		struct json_t *hit = json_out_object(&jo);
		char *url = searchpage_hit_url(h), *heading = unmarked(h->heading),
		     *snippet = unmarked(h->snippet);

		json_out_set(&jo, hit, "course", jstr(&jo, h->course));
		json_out_set(&jo, hit, "course_title", jstr(&jo, course_title(c, v->ui_lang)));
		json_out_set(&jo, hit, "lesson", jstr(&jo, h->lesson));
		json_out_set(&jo, hit, "lesson_title",
		             jstr(&jo, lesson_title(c, h->lesson, v->ui_lang)));
		json_out_set(&jo, hit, "heading", jstr(&jo, heading));
		json_out_set(&jo, hit, "lang", jstr(&jo, h->lang));
		json_out_set(&jo, hit, "snippet", jstr(&jo, snippet));
		json_out_set(&jo, hit, "snippet_html", marked_html(&jo, h->snippet));
		json_out_set(&jo, hit, "url", jstr(&jo, url));
		json_out_set(&jo, hit, "approximate", json_out_bool(&jo, h->approximate));
		if (h->media) {
			json_out_set(&jo, hit, "media", jstr(&jo, h->media));
			json_out_set(&jo, hit, "track", jstr(&jo, h->track));
			json_out_set(&jo, hit, "start",
			             json_out_real(&jo, (double)h->start_ms / 1000.0));
			json_out_set(&jo, hit, "end",
			             json_out_real(&jo, (double)h->end_ms / 1000.0));
		}
		json_out_append(&jo, list, hit);
		free(url);
		free(heading);
		free(snippet);
	}
	json_out_set(&jo, o, "results", list);
	json_out_set(&jo, o, "more", json_out_bool(&jo, v->r && v->r->more));
	json_out_set(&jo, o, "timed_out", json_out_bool(&jo, v->r && v->r->timed_out));
	if (v->r && v->r->did_you_mean)
		json_out_set(&jo, o, "did_you_mean", did_you_mean_json(&jo, v));
	json_out_set(&jo, o, "corrected", json_out_bool(&jo, v->r && v->r->corrected));
	json_out_set(&jo, o, "indexed", json_out_integer(&jo, (int64_t)v->indexed));
	json_out_set(&jo, o, "courses", json_out_integer(&jo, (int64_t)v->total));
	if (v->problem != SEARCH_FINE)
		json_out_set(
		        &jo, o, "problem",
		        json_out_string(&jo, v->problem == SEARCH_BUSY ? "busy" : "unavailable"));
	return json_out_dump(&jo, o);
}

char *searchpage_suggest_json(const struct search_view *v)
{
	struct json_out jo = { 0 };
	struct json_t *o = json_out_object(&jo), *list = json_out_array(&jo);

	for (size_t i = 0; v->r && i < v->r->count; i++) {
		const struct search_hit *h = &v->r->hits[i];
		const struct lib_course *c = find_course(v->snap, h->course);
		struct json_t *s = json_out_object(&jo);
		char *url = searchpage_hit_url(h), *heading = unmarked(h->heading);
		const char *lesson = lesson_title(c, h->lesson, v->ui_lang);
		char title[1024];

		const char *where = heading_shown(c, h->lesson, heading);

		if (where)
			snprintf(title, sizeof(title), "%s \xe2\x80\xba %s", lesson, where);
		else
			snprintf(title, sizeof(title), "%s", lesson);
		if (h->media) {
			char t[32];
			size_t n = strlen(title);
			clock_text(h->start_ms, t);
			snprintf(title + n, sizeof(title) - n, " \xe2\x96\xb6 %s", t);
		}
		json_out_set(&jo, s, "title", jstr(&jo, title));
		json_out_set(&jo, s, "course", jstr(&jo, course_title(c, v->ui_lang)));
		json_out_set(&jo, s, "lang", jstr(&jo, h->lang));
		json_out_set(&jo, s, "url", jstr(&jo, url));
		json_out_set(&jo, s, "approximate", json_out_bool(&jo, h->approximate));
		json_out_append(&jo, list, s);
		free(url);
		free(heading);
	}
	json_out_set(&jo, o, "query", jstr(&jo, v->q));
	if (v->r && v->r->did_you_mean)
		json_out_set(&jo, o, "did_you_mean", did_you_mean_json(&jo, v));
	json_out_set(&jo, o, "suggestions", list);
	return json_out_dump(&jo, o);
}

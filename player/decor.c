/*
 * decor.c - the chrome, the fonts, the preview banner and the scripts
 * added to a course's pages (decor.h).  Lesson titles come from a signed course.json,
 * yet every text is escaped on the way out all the same.
 */
#define _GNU_SOURCE /* memmem */
#include "decor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "course.h"
#include "html.h"
#include "httputil.h"
#include "l10n.h"
#include "langname.h"
#include "sbuf.h"

/* The chrome is never larger than this (ten languages' names, two lesson titles). */
#define DECOR_CHROME_MAX (64u * 1024)

/* Case-insensitive search for a tag start ("</head", "<body") in the first bytes. */
static const unsigned char *find_tag(const unsigned char *html, size_t len, const char *tag)
{
	size_t t = strlen(tag);

	for (size_t i = 0; i + t <= len; i++)
		if (strncasecmp((const char *)html + i, tag, t) == 0)
			return html + i;
	return NULL;
}

/* ---- the chrome ---- */

struct out {
	struct sbuf b;
	bool failed;
};

static void put(struct out *o, const char *s)
{
	if (!o->failed && s && *s && !sbuf_adds(&o->b, s))
		o->failed = true;
}

static void put_html(struct out *o, const char *s)
{
	if (!o->failed && !html_escape_into(&o->b, s))
		o->failed = true;
}

/* A path under the course, percent-encoded, then escaped for an attribute. */
static void put_path(struct out *o, const char *s)
{
	char *e = urlpath_encode(s);

	if (!e)
		o->failed = true;
	put_html(o, e);
	free(e);
}

/* pattern with {n} and {count} put in. */
static void put_place(struct out *o, const char *pattern, size_t n, size_t count)
{
	char num[24];

	for (const char *p = pattern; *p;) {
		if (strncmp(p, "{n}", 3) == 0 || strncmp(p, "{count}", 7) == 0) {
			bool is_n = p[1] == 'n';
			snprintf(num, sizeof(num), "%zu", is_n ? n : count);
			put(o, num);
			p += is_n ? 3 : 7;
		} else {
			size_t run = strcspn(p + 1, "{") + 1;
			char *t = strndup(p, run);
			if (!t)
				o->failed = true;
			put_html(o, t);
			free(t);
			p += run;
		}
	}
}

/* The link to another page of the course, in this interface language. */
static void put_course_link(struct out *o, const struct decor_view *v, const char *page)
{
	put(o, "/c/");
	put_path(o, v->course_id);
	put(o, "/");
	put_path(o, page);
	put(o, "?lang=");
	put(o, v->ui);
}

static void put_neighbour(struct out *o, const struct decor_view *v, const char *cls,
                          const char *rel, const char *arrow, const char *label,
                          const struct course_lesson *l)
{
	const char *title = course_text_get(&l->title, v->ui, l->language);

	put(o, "<a class=\"");
	put(o, cls);
	put(o, "\" rel=\"");
	put(o, rel);
	put(o, "\" href=\"");
	put_course_link(o, v, l->page);
	put(o, "\" title=\"");
	put_html(o, title ? title : label);
	put(o, "\"><span aria-hidden=\"true\">");
	put(o, arrow);
	put(o, "</span><span class=\"sampan-hide\">");
	put_html(o, label);
	put(o, "</span></a>\n");
}

char *decor_chrome(const struct decor_view *v)
{
	const char *ui = v->ui;
	const struct course *c = v->course;
	size_t at = (size_t)-1, count = c ? c->lessons_count : 0;
	struct out o;
	char primary[16]; /* a language tag's first subtag, "zh" of zh-Hans */

	for (size_t i = 0; c && v->page && i < count; i++)
		if (strcmp(c->lessons[i].page, v->page) == 0) {
			at = i;
			break;
		}
	sbuf_init(&o.b, DECOR_CHROME_MAX);
	o.failed = false;
	put(&o, "<nav class=\"sampan-bar\" aria-label=\"Sampan\" dir=\"ltr\" lang=\"");
	put(&o, ui);
	put(&o, "\" data-course=\"");
	put_html(&o, v->course_id);
	put(&o, "\" data-lessons=\"");
	{
		char num[24];
		snprintf(num, sizeof(num), "%zu", count);
		put(&o, num);
	}
	if (at != (size_t)-1) {
		put(&o, "\" data-page=\"");
		put_html(&o, v->page);
	}
	put(&o, "\" data-opened-label=\"");
	/* TRANSLATORS: read aloud after a lesson in the course's contents that this phone has opened. */
	put_html(&o, l10n_get(ui, "progress", "opened"));
	/* the forms for 1 and for more: progress.js puts the count in (catalog.c says the same) */
	put(&o, "\" data-passed-one=\"");
	put_html(&o, l10n_nget(ui, "progress", "{n} quiz passed", "{n} quizzes passed", 1));
	put(&o, "\" data-passed-many=\"");
	put_html(&o, l10n_nget(ui, "progress", "{n} quiz passed", "{n} quizzes passed", 2));
	/* first, so that a keyboard's first Tab can pass the chrome by */
	put(&o, "\">\n<a class=\"sampan-skip\" href=\"#");
	put(&o, v->skip_to ? v->skip_to : "sampan-after");
	put(&o, "\">");
	/* TRANSLATORS: a link for keyboards and screen readers, first on a lesson: past the player's bar to the lesson itself. */
	put_html(&o, l10n_get(ui, "chrome", "Skip to content"));
	put(&o, "</a>\n<a class=\"sampan-home\" href=\"/?lang=");
	put(&o, ui);
	put(&o, "\">");
	put_html(&o, l10n_get(ui, "catalog", "Courses"));
	put(&o, "</a>\n");
	if (at != (size_t)-1) {
		put(&o, "<span class=\"sampan-place\">\n");
		if (at > 0)
			/* TRANSLATORS: the link to the lesson before this one, read aloud. */
			put_neighbour(&o, v, "sampan-prev", "prev", "\xe2\x80\xb9",
			              l10n_get(ui, "chrome", "Previous lesson"),
			              &c->lessons[at - 1]);
		put(&o, "<span class=\"sampan-pos\">");
		/* TRANSLATORS: where this lesson is in its course, e.g. "Lesson 3 of 12": keep {n} and {count}. */
		put_place(&o, l10n_get(ui, "chrome", "Lesson {n} of {count}"), at + 1, count);
		put(&o, "</span>\n");
		if (at + 1 < count)
			/* TRANSLATORS: the link to the lesson after this one, read aloud. */
			put_neighbour(&o, v, "sampan-next", "next", "\xe2\x80\xba",
			              l10n_get(ui, "chrome", "Next lesson"), &c->lessons[at + 1]);
		put(&o, "</span>\n");
	}
	put(&o, "<form class=\"sampan-find\" role=\"search\" action=\"/search\" method=\"get\">\n"
	        "<input type=\"hidden\" name=\"course\" value=\"");
	put_html(&o, v->course_id);
	put(&o, "\">\n<input type=\"hidden\" name=\"lang\" value=\"");
	put(&o, ui);
	put(&o, "\">\n<label class=\"sampan-hide\" for=\"sampan-q\">");
	/* TRANSLATORS: the search box at the top of a lesson (the results page can widen it to every course). */
	put_html(&o, l10n_get(ui, "chrome", "Search this course"));
	put(&o, "</label>\n<input id=\"sampan-q\" name=\"q\" type=\"search\" maxlength=\"200\" "
	        "autocomplete=\"off\" placeholder=\"");
	put_html(&o, l10n_get(ui, "chrome", "Search this course"));
	put(&o, "\">\n<button type=\"submit\">");
	put_html(&o, l10n_get(ui, "search", "Search"));
	put(&o, "</button>\n</form>\n<details class=\"sampan-langs\">\n<summary><span "
	        "class=\"sampan-hide\">");
	put_html(&o, l10n_get(ui, "catalog", "Interface language"));
	/* the language's name, or on a narrow screen its primary subtag in capitals (decor.css; the name still read aloud) */
	put(&o, " </span><span class=\"sampan-langname\">");
	put_html(&o, langname_of(ui) ? langname_of(ui) : ui);
	put(&o, "</span><span class=\"sampan-langtag\" aria-hidden=\"true\">");
	snprintf(primary, sizeof(primary), "%.*s", (int)strcspn(ui, "-_"), ui);
	put_html(&o, primary);
	put(&o, "</span></summary>\n<ul>\n");
	for (size_t i = 0; i < l10n_languages_count; i++) {
		const char *tag = l10n_languages[i];
		const char *name = langname_of(tag);

		put(&o, "<li><a href=\"?lang=");
		put(&o, tag);
		put(&o, "\" lang=\"");
		put(&o, tag);
		put(&o, "\" hreflang=\"");
		put(&o, tag);
		put(&o, strcmp(tag, ui) == 0 ? "\" aria-current=\"true\">" : "\">");
		put_html(&o, name ? name : tag);
		put(&o, "</a></li>\n");
	}
	put(&o, "</ul>\n</details>\n</nav>\n");
	if (!v->skip_to)
		put(&o, "<span id=\"sampan-after\" tabindex=\"-1\"></span>\n");
	if (o.failed) {
		sbuf_release(&o.b);
		return NULL;
	}
	return sbuf_take(&o.b, NULL);
}

/* ---- the page ---- */

bool decor_has_quiz(const unsigned char *html, size_t len)
{
	static const char mark[] = "<section class=\"quiz\"";

	return len >= sizeof(mark) - 1 && memmem(html, len, mark, sizeof(mark) - 1) != NULL;
}

char *decor_page(const unsigned char *html, size_t len, const struct decor_view *v, size_t *out_len)
{
	static const char link[] = "<link rel=\"stylesheet\" href=\"/_sampan/decor.css\">\n";
	static const char script[] = "<script src=\"/_sampan/progress.js\" defer></script>\n";
	static const char quiz_script[] = "<script src=\"/_sampan/quiz.js\" defer></script>\n";
	const unsigned char *head = find_tag(html, len, "</head");
	const unsigned char *body =
	        head ? find_tag(head, len - (size_t)(head - html), "<body") : NULL;
	const unsigned char *body_end =
	        body ? memchr(body, '>', len - (size_t)(body - html)) : NULL;
	bool chrome = v && v->course_id;
	char *escaped = v && v->banner ? html_escape(v->banner) : NULL;
	struct decor_view with_skip;
	char *bar = NULL;
	bool in_body;
	size_t cap, o = 0;
	char *out = NULL;

	if (chrome) {
		with_skip = *v;
		with_skip.skip_to = find_tag(html, len, "id=\"main\"") ? "main" : NULL;
		bar = decor_chrome(&with_skip);
	}
	in_body = escaped || bar;
	if (!head || (in_body && !body_end) || (v && v->banner && !escaped) || (chrome && !bar))
		goto done;
	cap = len + sizeof(link) + sizeof(script) + sizeof(quiz_script) +
	      (escaped ? strlen(escaped) + 80 : 0) + (bar ? strlen(bar) : 0) + 1;
	out = malloc(cap);
	if (!out)
		goto done;
	memcpy(out, html, (size_t)(head - html));
	o = (size_t)(head - html);
	memcpy(out + o, link, sizeof(link) - 1);
	o += sizeof(link) - 1;
	if (chrome) {
		memcpy(out + o, script, sizeof(script) - 1);
		o += sizeof(script) - 1;
		if (decor_has_quiz(html, len)) {
			memcpy(out + o, quiz_script, sizeof(quiz_script) - 1);
			o += sizeof(quiz_script) - 1;
		}
	}
	if (in_body) {
		size_t mid = (size_t)(body_end + 1 - head);
		memcpy(out + o, head, mid);
		o += mid;
		if (escaped)
			o += (size_t)snprintf(out + o, cap - o,
			                      "\n<p class=\"sampan-preview\" role=\"alert\">%s</p>",
			                      escaped);
		if (bar) {
			out[o++] = '\n';
			memcpy(out + o, bar, strlen(bar));
			o += strlen(bar);
		}
		memcpy(out + o, body_end + 1, len - (size_t)(body_end + 1 - html));
		o += len - (size_t)(body_end + 1 - html);
	} else {
		memcpy(out + o, head, len - (size_t)(head - html));
		o += len - (size_t)(head - html);
	}
	out[o] = '\0';
	*out_len = o;
done:
	free(escaped);
	free(bar);
	return out;
}

enum decor_kind decor_kind_of(struct lib_course *c, size_t index)
{
	enum decor_kind kind = DECOR_UNKNOWN;

	pthread_mutex_lock(&c->lock);
	if (c->page_kind && index < c->page_kind_count)
		kind = (enum decor_kind)c->page_kind[index];
	pthread_mutex_unlock(&c->lock);
	return kind;
}

void decor_kind_learnt(struct lib_course *c, size_t entries, size_t index, enum decor_kind kind)
{
	pthread_mutex_lock(&c->lock);
	if (!c->page_kind) {
		c->page_kind_count = entries;
		c->page_kind = calloc(c->page_kind_count ? c->page_kind_count : 1, 1);
	}
	if (c->page_kind && index < c->page_kind_count)
		c->page_kind[index] = (unsigned char)kind;
	pthread_mutex_unlock(&c->lock);
}

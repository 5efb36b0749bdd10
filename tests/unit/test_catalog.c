/*
 * test_catalog.c - the catalog (player/catalog.c): in HTML (escaped, no inline
 * script, nothing from another host, the filter, the empty state, the interface
 * languages) and JSON (parsed back with jansson).
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "course.h"
#include "l10n.h"
#include "library.h"

static const char hostile_title[] = "<script>alert(1)</script>";
static const char hostile_reason[] =
        "entry 'a.html': digest mismatch <img src=x onerror=alert(2)> (DIGEST_MISMATCH)";
static const char tricky_title[] = "Say \"hi\"\\ \n\t\x01\x1f end";

/* ---- building a snapshot by hand ---- */

static char *dup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static char **dup_list(const char *const *v, size_t n)
{
	char **d = calloc(n ? n : 1, sizeof(*d));

	assert_non_null(d);
	for (size_t i = 0; i < n; i++)
		d[i] = dup(v[i]);
	return d;
}

/* A course: titles[] are language/text pairs, nlessons empty lessons. */
static struct course *make_course(const char *id, const char *lang, const char *const *langs,
                                  size_t nlangs, const char *const *titles, size_t ntitles,
                                  size_t nlessons)
{
	struct course *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->id = dup(id);
	c->version = dup("1.0");
	c->language = dup(lang);
	c->languages = dup_list(langs, nlangs);
	c->languages_count = nlangs;
	c->title.count = ntitles;
	c->title.lang = calloc(ntitles, sizeof(char *));
	c->title.text = calloc(ntitles, sizeof(char *));
	assert_non_null(c->title.lang);
	assert_non_null(c->title.text);
	for (size_t i = 0; i < ntitles; i++) {
		c->title.lang[i] = dup(titles[2 * i]);
		c->title.text[i] = dup(titles[2 * i + 1]);
	}
	c->publisher_name = dup("Example TVET College & Co");
	c->licence = dup("CC-BY-4.0");
	c->start = dup("index.html");
	c->lessons = calloc(nlessons, sizeof(*c->lessons));
	assert_non_null(c->lessons);
	c->lessons_count = nlessons;
	return c;
}

static struct lib_course *make_lib_course(struct course *c, off_t size, bool preview)
{
	struct lib_course *lc = calloc(1, sizeof(*lc));

	assert_non_null(lc);
	lc->id = dup(c->id);
	lc->version = dup(c->version);
	lc->path = dup("/srv/library/secret-folder/course.sampan");
	lc->size = size;
	lc->bytes = (uint64_t)size;
	lc->unsigned_preview = preview;
	lc->course = c;
	return lc;
}

/*
 * Two courses: a Thai pump course (Thai and English titles, 12 lessons,
 * 3.4 MB) and an English-only one with a hostile title, unsigned, 1 lesson;
 * one refused bundle with a hostile reason.
 */
static struct lib_snapshot *make_snapshot(void)
{
	static const char *const pump_langs[] = { "th", "en" };
	static const char *const pump_titles[] = { "th", "การบำรุงรักษาปั๊มน้ำ", "en",
		                                   "Water pump maintenance" };
	static const char *const evil_langs[] = { "en" };
	static const char *const evil_titles[] = { "en", hostile_title };
	struct lib_snapshot *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->count = 2;
	s->courses = calloc(2, sizeof(*s->courses));
	assert_non_null(s->courses);
	s->courses[0] = make_lib_course(
	        make_course("org.example.evil", "en", evil_langs, 1, evil_titles, 1, 1), 999, true);
	s->courses[1] = make_lib_course(
	        make_course("org.example.pump", "th", pump_langs, 2, pump_titles, 2, 12), 3400000,
	        false);
	s->refused_count = 1;
	s->refused = calloc(1, sizeof(*s->refused));
	assert_non_null(s->refused);
	s->refused[0].path = dup("/srv/library/secret-folder/broken.sampan");
	s->refused[0].reason = dup(hostile_reason);
	s->refused[0].rule = RULE_DIGEST_MISMATCH;
	s->generation = 7;
	return s;
}

static void free_snapshot(struct lib_snapshot *s)
{
	for (size_t i = 0; i < s->count; i++) {
		struct lib_course *lc = s->courses[i];
		free(lc->id);
		free(lc->version);
		free(lc->path);
		course_free(lc->course);
		free(lc);
	}
	free(s->courses);
	for (size_t i = 0; i < s->refused_count; i++) {
		free(s->refused[i].path);
		free(s->refused[i].reason);
	}
	free(s->refused);
	free(s);
}

static char *render(const struct lib_snapshot *s, const char *ui, const char *filter,
                    const char *address, const char *qr)
{
	struct catalog_view v = { s, ui, filter, address, qr };
	char *html = catalog_html(&v);

	assert_non_null(html);
	return html;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

/* ---- the catalog page ---- */

static void html_is_a_complete_escaped_document(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *html = render(s, "en", NULL, NULL, NULL);

	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	assert_contains(html, "<meta charset=\"utf-8\">");
	assert_contains(html, "name=\"viewport\"");
	assert_contains(html, "<link rel=\"stylesheet\" href=\"/_sampan/player.css\">");
	assert_contains(html, "</html>\n");
	/* Hostile title and reason are text, not markup. */
	assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_contains(html, "&lt;img src=x onerror=alert(2)&gt;");
	assert_lacks(html,
	             "<script>"); /* the title, escaped; the one script is the player's own file */
	assert_contains(html, "<script src=\"/_sampan/search.js\" defer></script>");
	assert_lacks(html, "<img");
	assert_lacks(html, "http");
	assert_lacks(html, "//");
	assert_contains(html, "Example TVET College &amp; Co");
	/* Course links, the open buttons, the lessons, sizes, the preview badge. */
	assert_int_equal(count(html, "href=\"/c/org.example.pump/\""), 2);
	assert_int_equal(count(html, "href=\"/c/org.example.evil/\""), 2);
	assert_contains(html, ">Open course</a>");
	assert_contains(html, "12 lessons");
	assert_contains(html, "1 lesson<");
	assert_contains(html, "3.4\xC2\xA0MB");
	assert_contains(html, "0.1\xC2\xA0MB");
	assert_int_equal(count(html, "class=\"badge\""), 1);
	assert_contains(html, "Preview: not signed by a trusted publisher");
	/* The Thai course shows its English title in English, marked so. */
	assert_contains(html, "<h2 lang=\"en\" dir=\"auto\"><a href=\"/c/org.example.pump/\">"
	                      "Water pump maintenance</a>");
	/* Languages by their own names, with lang attributes. */
	assert_contains(html, "<li lang=\"th\">ไทย</li><li lang=\"en\">English</li>");
	/* The filter: "all" current, then each language once. */
	assert_contains(html, "<a href=\"?lang=en\" aria-current=\"page\">All languages</a>");
	assert_contains(html, "<a href=\"?filter=en&amp;lang=en\" lang=\"en\">English</a>");
	assert_contains(html, "<a href=\"?filter=th&amp;lang=en\" lang=\"th\">ไทย</a>");
	assert_int_equal(count(html, "?filter=en&amp;"), 1);
	/* The refused list: file name only, never the server's folders. */
	assert_contains(html, "<details class=\"refused\">");
	assert_contains(html, "Bundles not served (1)");
	assert_contains(html, "<code dir=\"auto\">broken.sampan</code>");
	assert_lacks(html, "secret-folder");
	/* The interface switcher: every language named in itself. */
	assert_contains(html, "<a href=\"?lang=km\" lang=\"km\" hreflang=\"km\">ខ្មែរ</a>");
	assert_contains(html, "<a href=\"?lang=zh-Hans\" lang=\"zh-Hans\" hreflang=\"zh-Hans\">"
	                      "简体中文</a>");
	assert_contains(html, "hreflang=\"en\" aria-current=\"true\">English</a>");
	assert_int_equal(count(html, "hreflang="), 10);
	assert_lacks(html, "class=\"empty\"");
	free(html);
	free_snapshot(s);
}

static void html_in_thai_prefers_thai_titles(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *html = render(s, "th", NULL, NULL, NULL);

	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"th\">", 32) == 0);
	assert_contains(html, "<title>รายวิชา</title>");
	assert_contains(html, "<h2 lang=\"th\" dir=\"auto\"><a href=\"/c/org.example.pump/\">"
	                      "การบำรุงรักษาปั๊มน้ำ</a>");
	/* The English-only course keeps its title, in English, marked so. */
	assert_contains(html, "<h2 lang=\"en\" dir=\"auto\"><a href=\"/c/org.example.evil/\">"
	                      "&lt;script&gt;");
	assert_contains(html, "12 บทเรียน");
	assert_contains(html, "?filter=th&amp;lang=th");
	assert_contains(html, l10n_get("th", "catalog",
	                               "These bundles are not shown to students, for the reason "
	                               "given beside each."));
	free(html);
	free_snapshot(s);
}

static void html_unknown_interface_language_is_english(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *html = render(s, "\"><script>", NULL, NULL, NULL);

	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	assert_lacks(html, "<script>");
	free(html);
	free_snapshot(s);
}

static void html_shows_address_and_qr(void **state)
{
	(void)state;
	static const char addr[] = "http://192.168.1.5:8080/";
	static const char svg[] = "<svg viewBox=\"0 0 33 33\"><path d=\"M4 4h1v1h-1z\"/></svg>";
	struct lib_snapshot *s = make_snapshot();
	char *html = render(s, "en", NULL, addr, svg);

	assert_contains(html, "Open this address on your phone");
	assert_contains(html, "<p class=\"url\" dir=\"ltr\" translate=\"no\">"
	                      "http://192.168.1.5:8080/</p>");
	assert_contains(html, "<div class=\"qr\"><svg viewBox=");
	/* The only "http" is the address people read. */
	assert_int_equal(count(html, "http"), 1);
	/* The QR code is inline: the only src are the player's own scripts. */
	assert_int_equal(count(html, "src=\""), 2);
	assert_contains(html, "<script src=\"/_sampan/search.js\"");
	assert_contains(html, "<script src=\"/_sampan/progress.js\"");
	/* folded, so that a phone sees the courses first; the projector page a tap away */
	assert_contains(html, "<details class=\"join\">\n<summary>Address and QR code</summary>");
	assert_contains(html, "<a href=\"/join?lang=en\">Show on a projector</a>");
	assert_true(strstr(html, "<details class=\"join\">") <
	            strstr(html, "<ul class=\"courses\">"));
	free(html);
	free_snapshot(s);
}

static void html_has_room_for_progress_kept_on_the_phone(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *html = render(s, "th", NULL, NULL, NULL);

	/* each course: a hidden line for the script, in the interface language */
	assert_contains(html, "<li class=\"course\" data-course=\"");
	assert_contains(html, "<p class=\"progress\" hidden data-lessons=\"");
	assert_contains(html, "data-label=\"เปิดแล้ว {n} จาก ");
	/* the quizzes passed, for one and for more */
	assert_contains(html, "data-passed-one=\"ผ่านแบบทดสอบแล้ว {n} ชุด\" "
	                      "data-passed-many=\"ผ่านแบบทดสอบแล้ว {n} ชุด\"></p>");
	assert_contains(html, "แบบทดสอบที่คุณผ่านแล้ว");
	/* and the button that forgets it, hidden until there is something to forget */
	assert_contains(html, "<div class=\"progress-clear\" hidden>");
	assert_contains(html, "<button type=\"button\" class=\"clear\">ล้าง</button>");
	free(html);
	free_snapshot(s);
}

static void the_projector_page_shows_the_address_and_devices(void **state)
{
	(void)state;
	struct catalog_view v;
	char *html;

	memset(&v, 0, sizeof(v));
	v.ui_lang = "en";
	v.address = "http://192.168.1.5:8080/";
	v.qr_svg = "<svg viewBox=\"0 0 33 33\"></svg>";
	html = catalog_join_html(&v, 1);
	assert_non_null(html);
	assert_contains(html, "<body class=\"projector\">");
	assert_contains(
	        html, "<p class=\"url\" dir=\"ltr\" translate=\"no\">http://192.168.1.5:8080/</p>");
	assert_contains(html, "role=\"img\" aria-label=\"QR code of the address\"><svg");
	assert_contains(html, "1 device seen in the last 5 minutes");
	free(html);
	v.ui_lang = "vi";
	html = catalog_join_html(&v, 27);
	assert_non_null(html);
	assert_contains(html, "27 thiết bị trong 5 phút qua");
	free(html);
}

static void html_filter_hides_other_languages(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *html = render(s, "en", "th", NULL, NULL);

	assert_contains(html, "href=\"/c/org.example.pump/\"");
	assert_lacks(html, "/c/org.example.evil/");
	assert_lacks(html, "&lt;script&gt;");
	assert_contains(html, "<a href=\"?filter=th&amp;lang=en\" lang=\"th\" "
	                      "aria-current=\"page\">ไทย</a>");
	assert_contains(html, "<a href=\"?lang=en\">All languages</a>");
	/* The interface switcher keeps the filter. */
	assert_contains(html, "<a href=\"?filter=th&amp;lang=km\" lang=\"km\"");
	free(html);

	html = render(s, "en", "en", NULL, NULL);
	assert_contains(html, "/c/org.example.pump/");
	assert_contains(html, "/c/org.example.evil/");
	free(html);

	/* "?filter=" with no value is no filter. */
	html = render(s, "en", "", NULL, NULL);
	assert_contains(html, "/c/org.example.pump/");
	assert_contains(html, "/c/org.example.evil/");
	assert_contains(html, "<a href=\"?lang=en\" aria-current=\"page\">All languages</a>");
	assert_contains(html, "<a href=\"?lang=km\" lang=\"km\"");
	free(html);
	free_snapshot(s);
}

static void html_filter_without_match_says_so(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *html = render(s, "en", "lo\"><b>", NULL, NULL);

	assert_lacks(html, "/c/org.example");
	assert_contains(html, "<p class=\"empty\">No courses in this language</p>");
	assert_lacks(html, "<b>");
	assert_contains(html, "?filter=lo%22%3E%3Cb%3E&amp;lang=en");
	free(html);
	free_snapshot(s);
}

static void html_empty_library(void **state)
{
	(void)state;
	struct lib_snapshot empty = { 0 };
	char *html = render(&empty, "en", NULL, NULL, NULL);

	assert_contains(html, "<p class=\"empty\">No courses yet: copy .sampan files into the "
	                      "library folder</p>");
	assert_lacks(html, "class=\"courses\"");
	assert_lacks(html, "class=\"filter\"");
	assert_lacks(html, "<details");
	assert_contains(html, "hreflang=\"lo\"");
	free(html);

	html = render(NULL, "km", NULL, NULL, NULL);
	assert_contains(html,
	                l10n_get("km", "catalog",
	                         "No courses yet: copy .sampan files into the library folder"));
	free(html);
}

static void html_percent_encodes_ids_and_formats_sizes(void **state)
{
	(void)state;
	static const char *const langs[] = { "vi" };
	static const char *const titles[] = { "vi", "Bơm nước" };
	struct lib_snapshot *s = calloc(1, sizeof(*s));
	char *html;

	assert_non_null(s);
	s->count = 1;
	s->courses = calloc(1, sizeof(*s->courses));
	assert_non_null(s->courses);
	s->courses[0] = make_lib_course(make_course("a b/\"c", "vi", langs, 1, titles, 1, 2),
	                                (off_t)2500000000LL, false);
	html = render(s, "vi", NULL, NULL, NULL);
	assert_contains(html, "href=\"/c/a%20b%2F%22c/\"");
	assert_contains(html, "2,5\xC2\xA0GB");
	assert_contains(html, "2 bài học");
	assert_contains(html, "<li lang=\"vi\">Tiếng Việt</li>");
	free(html);
	free_snapshot(s);
}

static void html_replaces_bytes_that_are_not_utf8(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *html;

	free(s->refused[0].path);
	s->refused[0].path = dup("/srv/bad\xff\x01name.sampan");
	html = render(s, "en", NULL, NULL, NULL);
	assert_contains(html, "bad\xEF\xBF\xBD\xEF\xBF\xBDname.sampan");
	free(html);
	free_snapshot(s);
}

/* ---- JSON ---- */

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		fail_msg("JSON does not parse: %s at line %d column %d:\n%s", e.text, e.line,
		         e.column, text);
	return j;
}

static void json_round_trips_the_catalog(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *text;
	json_t *j, *courses, *c, *r;

	free(s->courses[0]->course->title.text[0]);
	s->courses[0]->course->title.text[0] = dup(tricky_title);
	text = catalog_json(s);
	assert_non_null(text);
	j = parse(text);
	assert_int_equal(json_integer_value(json_object_get(j, "generation")), 7);
	courses = json_object_get(j, "courses");
	assert_true(json_is_array(courses));
	assert_int_equal(json_array_size(courses), 2);

	c = json_array_get(courses, 0);
	assert_string_equal(json_string_value(json_object_get(c, "id")), "org.example.evil");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "title"), "en")),
	                    tricky_title);
	assert_true(json_is_true(json_object_get(c, "preview")));
	assert_int_equal(json_integer_value(json_object_get(c, "lessons")), 1);
	assert_int_equal(json_integer_value(json_object_get(c, "size")), 999);

	c = json_array_get(courses, 1);
	assert_string_equal(json_string_value(json_object_get(c, "id")), "org.example.pump");
	assert_string_equal(json_string_value(json_object_get(c, "version")), "1.0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "title"), "th")),
	                    "การบำรุงรักษาปั๊มน้ำ");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "title"), "en")),
	                    "Water pump maintenance");
	assert_int_equal(json_array_size(json_object_get(c, "languages")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "languages"), 0)),
	                    "th");
	assert_string_equal(json_string_value(json_object_get(c, "language")), "th");
	assert_int_equal(json_integer_value(json_object_get(c, "lessons")), 12);
	assert_int_equal(json_integer_value(json_object_get(c, "size")), 3400000);
	assert_string_equal(json_string_value(json_object_get(c, "publisher")),
	                    "Example TVET College & Co");
	assert_string_equal(json_string_value(json_object_get(c, "href")), "/c/org.example.pump/");
	assert_true(json_is_false(json_object_get(c, "preview")));

	assert_int_equal(json_array_size(json_object_get(j, "refused")), 1);
	r = json_array_get(json_object_get(j, "refused"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "file")), "broken.sampan");
	assert_string_equal(json_string_value(json_object_get(r, "reason")), hostile_reason);
	assert_string_equal(json_string_value(json_object_get(r, "rule")), "DIGEST_MISMATCH");
	/* Control characters are escaped, never raw. */
	assert_contains(text, "\\n\\t\\u0001\\u001F");
	assert_lacks(text, "secret-folder");
	json_decref(j);
	free(text);
	free_snapshot(s);
}

static void json_of_an_empty_library(void **state)
{
	(void)state;
	struct lib_snapshot empty = { 0 };
	char *text = catalog_json(&empty);
	json_t *j = parse(text);

	assert_int_equal(json_array_size(json_object_get(j, "courses")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "refused")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "generation")), 0);
	json_decref(j);
	free(text);
}

static void json_survives_bad_bytes_and_rule_none(void **state)
{
	(void)state;
	struct lib_snapshot *s = make_snapshot();
	char *text;
	json_t *j, *r;

	free(s->refused[0].path);
	s->refused[0].path = dup("bad\xc3(\x7f\xe2\x80\xa8.sampan");
	s->refused[0].rule = RULE_NONE;
	text = catalog_json(s);
	j = parse(text);
	r = json_array_get(json_object_get(j, "refused"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "file")),
	                    "bad\xEF\xBF\xBD(\x7f\xe2\x80\xa8.sampan");
	assert_true(json_is_null(json_object_get(r, "rule")));
	json_decref(j);
	free(text);
	free_snapshot(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_is_a_complete_escaped_document),
		cmocka_unit_test(html_in_thai_prefers_thai_titles),
		cmocka_unit_test(html_unknown_interface_language_is_english),
		cmocka_unit_test(html_shows_address_and_qr),
		cmocka_unit_test(html_filter_hides_other_languages),
		cmocka_unit_test(html_has_room_for_progress_kept_on_the_phone),
		cmocka_unit_test(the_projector_page_shows_the_address_and_devices),
		cmocka_unit_test(html_filter_without_match_says_so),
		cmocka_unit_test(html_empty_library),
		cmocka_unit_test(html_percent_encodes_ids_and_formats_sizes),
		cmocka_unit_test(html_replaces_bytes_that_are_not_utf8),
		cmocka_unit_test(json_round_trips_the_catalog),
		cmocka_unit_test(json_of_an_empty_library),
		cmocka_unit_test(json_survives_bad_bytes_and_rule_none),
	};
	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}

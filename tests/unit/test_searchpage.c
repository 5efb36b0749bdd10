/*
 * test_searchpage.c - what a search shows (player/searchpage.c): the results
 * page without JavaScript (the hits with their course and lesson, marks, a
 * cue's time, pages of results, did-you-mean as a link, the problems and the
 * indexer's progress in the interface language), the same as JSON and as
 * suggestions, parsed back; everything typed or from a bundle escaped.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "l10n.h"
#include "library.h"
#include "searchpage.h"

static struct search_hit hits[2];

static char *dup(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	assert_true(!s || d);
	return d;
}

static void hit(struct search_hit *h, const char *lang, const char *anchor, const char *heading,
                const char *snippet, const char *media, const char *track, uint64_t start_ms,
                bool approximate)
{
	h->course = dup("org.example.pump");
	h->lesson = dup("intro");
	h->page = dup("lessons/01 intro.html");
	h->anchor = dup(anchor);
	h->lang = dup(lang);
	h->heading = dup(heading);
	h->snippet = dup(snippet);
	h->media = dup(media);
	h->track = dup(track);
	h->start_ms = start_ms;
	h->end_ms = start_ms + 1500;
	h->approximate = approximate;
}

static int setup(void **state)
{
	(void)state;
	hit(&hits[0], "en", "priming", "\x01Priming\x02 the pump",
	    "Fill the \x01pump\x02 <casing> first", NULL, NULL, 0, false);
	hit(&hits[1], "th", "", "", "\x01ปั๊ม\x02น้ำ", "media/pump.mp4", "media/pump.th.vtt", 3725500,
	    true);
	return 0;
}

static int teardown(void **state)
{
	struct search_result r = { NULL, 0, false, false, false, NULL, false };

	(void)state;
	r.hits = malloc(sizeof(hits));
	assert_non_null(r.hits);
	memcpy(r.hits, hits, sizeof(hits));
	r.count = 2;
	search_result_free(&r);
	return 0;
}

static struct search_view view(struct search_result *r)
{
	struct search_view v;

	memset(&v, 0, sizeof(v));
	v.ui_lang = "en";
	v.q = "pump <b>";
	v.page = 2;
	v.r = r;
	v.indexed = v.total = 3;
	return v;
}

static void the_results_page(void **state)
{
	(void)state;
	char dym[] = "pumps";
	struct search_result r = { hits, 2, true, false, false, dym, false };
	struct search_view v = view(&r);
	char *html = searchpage_html(&v);

	assert_non_null(html);
	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
	assert_contains(html, "<title>Search: pump &lt;b&gt;</title>");
	assert_contains(html, "value=\"pump &lt;b&gt;\"");
	assert_null(strstr(html, "<b>"));
	/* the hits: marks, escaped snippets, a section link and a cue's link */
	assert_contains(html, "<ol class=\"results\" start=\"11\">");
	assert_contains(html, "<mark>Priming</mark> the pump");
	assert_contains(html, "Fill the <mark>pump</mark> &lt;casing&gt; first");
	assert_contains(html, "href=\"/c/org.example.pump/lessons/01%20intro.html#priming\"");
	assert_contains(html, "/watch?c=org.example.pump&amp;m=media/pump.mp4&amp;t=3725.500");
	assert_contains(html, "In the video at 1:02:05");
	assert_contains(html, "class=\"approximate\"");
	assert_contains(html, "A similar spelling");
	/* did you mean, a link to its own search; the pages before and after */
	assert_contains(html, "<p class=\"did-you-mean\" role=\"status\">Did you mean <a "
	                      "href=\"/search?q=pumps&amp;lang=en&amp;page=1\" dir=\"auto\">"
	                      "pumps</a>?</p>");
	assert_contains(html,
	                "rel=\"prev\" href=\"/search?q=pump%20%3Cb%3E&amp;lang=en&amp;page=1\"");
	assert_contains(html, "rel=\"next\"");
	assert_contains(html, "<script src=\"/_sampan/search.js\" defer></script>");
	assert_null(strstr(html, "http"));
	free(html);
}

static void problems_and_progress_in_the_interface_language(void **state)
{
	(void)state;
	struct search_result none = { NULL, 0, false, false, false, NULL, false };
	struct search_result slow = { NULL, 0, false, true, false, NULL, false };
	struct search_view v = view(&none);
	char *html;

	v.ui_lang = "th";
	html = searchpage_html(&v);
	assert_contains(html,
	                l10n_get("th", "search", "Nothing found. Try other words, or fewer."));
	free(html);
	v.r = &slow;
	html = searchpage_html(&v);
	assert_contains(html, l10n_get("th", "search",
	                               "The search took too long. Try more specific words."));
	free(html);
	v.r = NULL;
	v.problem = SEARCH_BUSY;
	html = searchpage_html(&v);
	assert_contains(html,
	                l10n_get("th", "search",
	                         "Many people are searching at once. Try again in a moment."));
	free(html);
	v.problem = SEARCH_UNAVAILABLE;
	html = searchpage_html(&v);
	assert_contains(html, l10n_get("th", "search", "Search is not available on this player."));
	free(html);
	v.problem = SEARCH_FINE;
	v.ui_lang = "en";
	v.indexed = 4;
	v.total = 600;
	html = searchpage_html(&v);
	assert_contains(html, "Search is still getting ready: 4 of 600 courses so far.");
	free(html);
}

static void the_same_as_json_and_suggestions(void **state)
{
	(void)state;
	char dym[] = "pumps";
	struct search_result r = { hits, 2, true, false, false, dym, false };
	struct search_view v = view(&r);
	char *text = searchpage_json(&v);
	json_error_t je;
	json_t *j = json_loads(text, 0, &je), *h;

	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "query")), "pump <b>");
	assert_int_equal(json_integer_value(json_object_get(j, "page")), 2);
	assert_true(json_is_true(json_object_get(j, "more")));
	h = json_array_get(json_object_get(j, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(h, "snippet")),
	                    "Fill the pump <casing> first");
	assert_string_equal(json_string_value(json_object_get(h, "snippet_html")),
	                    "Fill the <mark>pump</mark> &lt;casing&gt; first");
	assert_string_equal(json_string_value(json_object_get(h, "heading")), "Priming the pump");
	h = json_array_get(json_object_get(j, "results"), 1);
	assert_true(json_is_true(json_object_get(h, "approximate")));
	assert_true(json_real_value(json_object_get(h, "start")) > 3725.4);
	assert_string_equal(json_string_value(json_object_get(h, "track")), "media/pump.th.vtt");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "did_you_mean"), "url")),
	        "/search?q=pumps&lang=en&page=1");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "did_you_mean"), "text")),
	        "Did you mean pumps?");
	json_decref(j);
	free(text);

	text = searchpage_suggest_json(&v);
	j = json_loads(text, 0, &je);
	assert_non_null(j);
	h = json_array_get(json_object_get(j, "suggestions"), 0);
	assert_string_equal(json_string_value(json_object_get(h, "title")),
	                    "intro \xe2\x80\xba Priming the pump");
	h = json_array_get(json_object_get(j, "suggestions"), 1);
	assert_string_equal(json_string_value(json_object_get(h, "title")),
	                    "intro \xe2\x96\xb6 1:02:05");
	json_decref(j);
	free(text);
	/* bytes that are not UTF-8 in the query still make valid JSON */
	v.q = "bad \xff";
	text = searchpage_json(&v);
	j = json_loads(text, 0, &je);
	assert_non_null(j);
	json_decref(j);
	free(text);
}

/* Where a hit is: "Lesson › Section › Box", the lesson's title not said twice. */
static void where_a_hit_is(void **state)
{
	static char id[] = "org.example.pump", lesson_id[] = "intro",
	            page[] = "lessons/01 intro.html", en[] = "en", course_title[] = "Pumps",
	            lesson_title[] = "Priming";
	static char *langs[] = { en }, *ctitles[] = { course_title }, *ltitles[] = { lesson_title };
	struct course_lesson lesson = { lesson_id, { 1, langs, ltitles }, page, NULL, en };
	struct course course;
	struct lib_course lc;
	struct lib_course *list[] = { &lc };
	struct lib_snapshot snap;
	struct search_hit h[3];
	struct search_result r = { h, 3, false, false, false, NULL, false };
	struct search_view v = view(&r);
	char *html, *text;
	json_error_t je;
	json_t *j;

	(void)state;
	memset(&course, 0, sizeof(course));
	memset(&lc, 0, sizeof(lc));
	memset(&snap, 0, sizeof(snap));
	memset(h, 0, sizeof(h));
	course.id = id;
	course.language = en;
	course.title = (struct course_text){ 1, langs, ctitles };
	course.lessons = &lesson;
	course.lessons_count = 1;
	lc.id = id;
	lc.course = &course;
	snap.courses = list;
	snap.count = 1;
	v.snap = &snap;
	hit(&h[0], "en", "solution",
	    "Priming \xe2\x80\xba Challenge: Fill it \xe2\x80\xba Solution",
	    "Open the \x01plug\x02", NULL, NULL, 0, false);
	hit(&h[1], "en", "note", "\x01Priming\x02 \xe2\x80\xba Note", "Water first", NULL, NULL, 0,
	    false);
	hit(&h[2], "en", "priming", "Priming", "Fill the \x01pump\x02", NULL, NULL, 0, false);
	html = searchpage_html(&v);
	assert_non_null(html);
	/* the lesson's title is said once; the section and the boxes after it */
	assert_contains(html, "<span class=\"hit-lesson\">Priming</span> \xe2\x80\xba <span "
	                      "class=\"hit-heading\">Challenge: Fill it \xe2\x80\xba "
	                      "Solution</span></a>");
	/* unless the search found its words there */
	assert_contains(html, "<span class=\"hit-lesson\">Priming</span> \xe2\x80\xba <span "
	                      "class=\"hit-heading\"><mark>Priming</mark> \xe2\x80\xba "
	                      "Note</span></a>");
	/* a heading that only repeats it: nothing after the lesson */
	assert_contains(html, "<span class=\"hit-lesson\">Priming</span></a>");
	free(html);
	text = searchpage_suggest_json(&v);
	j = json_loads(text, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(j, "suggestions"), 0), "title")),
	                    "Priming \xe2\x80\xba Challenge: Fill it \xe2\x80\xba Solution");
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(json_object_get(j, "suggestions"), 2), "title")),
	                    "Priming");
	json_decref(j);
	free(text);
	for (size_t i = 0; i < 3; i++) {
		struct search_result one = { NULL, 0, false, false, false, NULL, false };

		one.hits = malloc(sizeof(h[i]));
		assert_non_null(one.hits);
		memcpy(one.hits, &h[i], sizeof(h[i]));
		one.count = 1;
		search_result_free(&one);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_results_page, setup, teardown),
		cmocka_unit_test_setup_teardown(problems_and_progress_in_the_interface_language,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(the_same_as_json_and_suggestions, setup, teardown),
		cmocka_unit_test_setup_teardown(where_a_hit_is, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

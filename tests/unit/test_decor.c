/*
 * test_decor.c - what the player adds to a course's pages (player/decor.c):
 * the chrome (the way back, the lesson's place, search, the interface
 * language) first thing in the body with the page's own bytes unchanged
 * after it, the stylesheet and script, a preview's banner escaped at the
 * top of the body, pages it cannot decorate left alone, and what it learnt
 * of each page remembered.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "decor.h"

static const unsigned char *u(const char *s)
{
	return (const unsigned char *)s;
}

/* A course of three lessons, the second titled with markup and in Thai as well. */
static const char course_json[] =
        "{\"sampan-bundle\": 1, \"id\": \"org.example.pump\", \"version\": \"1.0\","
        " \"language\": \"en\", \"languages\": [\"en\"], \"title\": {\"en\": \"Pumps\"},"
        " \"publisher\": {\"name\": \"P\"}, \"licence\": \"CC-BY-4.0\", \"start\": \"index.html\","
        " \"lessons\": ["
        "  {\"id\": \"01\", \"title\": {\"en\": \"Safety first\"}, \"page\": \"lessons/01.html\"},"
        "  {\"id\": \"02\", \"title\": {\"en\": \"Pumps <&> valves\", \"th\": \"ปั๊มและวาล์ว\"},"
        "   \"page\": \"lessons/02 pumps.html\"},"
        "  {\"id\": \"03\", \"title\": {\"en\": \"Checks\"}, \"page\": \"lessons/03.html\"}]}";
static struct course *course;

static int setup(void **state)
{
	struct bundle_error err;

	(void)state;
	assert_ok(course_parse(course_json, strlen(course_json), &course, &err), err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	course_free(course);
	return 0;
}

static const char page[] = "<!doctype html><html lang=\"en\"><head><title>t</title></HEAD>"
                           "<body class=\"lesson\"><h1>x</h1></body></html>";

static void the_chrome_says_where_the_lesson_is(void **state)
{
	(void)state;
	struct decor_view v = { "en", NULL, "org.example.pump", course, "lessons/03.html", NULL };
	char *c = decor_chrome(&v);

	assert_non_null(c);
	/* first a way past it for keyboards: to just after it, for a page without <main id="main"> */
	assert_non_null(strstr(c, "data-passed-many=\"{n} quizzes passed\">\n"
	                          "<a class=\"sampan-skip\" href=\"#sampan-after\">"
	                          "Skip to content</a>"));
	/* progress.js's labels: a lesson opened, the quizzes passed on it (for 1, for more) */
	assert_non_null(strstr(c, "data-opened-label=\"opened\" "
	                          "data-passed-one=\"{n} quiz passed\" "
	                          "data-passed-many=\"{n} quizzes passed\""));
	assert_non_null(strstr(c, "</nav>\n<span id=\"sampan-after\" tabindex=\"-1\"></span>\n"));
	/* the way back, in the interface language, and the search box scoped to the course */
	assert_non_null(strstr(c, "<a class=\"sampan-home\" href=\"/?lang=en\">Courses</a>"));
	assert_non_null(strstr(c, "action=\"/search\""));
	assert_non_null(strstr(c, "name=\"course\" value=\"org.example.pump\""));
	assert_non_null(strstr(c, "name=\"q\" type=\"search\""));
	/* the last lesson: its place, the one before (path encoded, title escaped), no next */
	assert_non_null(strstr(c, "Lesson 3 of 3"));
	assert_non_null(strstr(c, "rel=\"prev\" href=\"/c/org.example.pump/lessons/02%20pumps.html"
	                          "?lang=en\" title=\"Pumps &lt;&amp;&gt; valves\""));
	assert_null(strstr(c, "rel=\"next\""));
	assert_non_null(strstr(c, "data-page=\"lessons/03.html\""));
	/* every interface language, this one current */
	assert_non_null(strstr(c, "href=\"?lang=th\" lang=\"th\" hreflang=\"th\">ไทย</a>"));
	assert_non_null(strstr(c, "hreflang=\"en\" aria-current=\"true\">English</a>"));
	free(c);

	/* the first lesson in Thai: the labels in Thai, the next lesson's Thai title */
	v.ui = "th";
	v.page = "lessons/01.html";
	c = decor_chrome(&v);
	assert_non_null(c);
	assert_non_null(strstr(c, "lang=\"th\""));
	assert_non_null(strstr(c, "href=\"/?lang=th\""));
	assert_null(strstr(c, ">Courses<"));
	assert_null(strstr(c, "rel=\"prev\""));
	assert_non_null(strstr(c, "title=\"ปั๊มและวาล์ว\""));
	assert_null(strstr(c, "Lesson 1 of 3"));
	assert_non_null(strstr(c, "<span class=\"sampan-pos\">บทที่ 1 จาก 3</span>"));
	assert_non_null(strstr(c, "data-passed-one=\"ผ่านแบบทดสอบแล้ว {n} ชุด\""));
	/* the menu's language named in itself, and on a narrow screen by its tag (decor.css capitalises) */
	assert_non_null(strstr(c, "<span class=\"sampan-langname\">ไทย</span>"
	                          "<span class=\"sampan-langtag\" aria-hidden=\"true\">th</span>"));
	free(c);

	/* a page that is no lesson (the home page): the way back and search, no place */
	v.ui = "en";
	v.page = "index.html";
	c = decor_chrome(&v);
	assert_non_null(c);
	assert_non_null(strstr(c, "sampan-home"));
	assert_null(strstr(c, "sampan-pos"));
	assert_null(strstr(c, "data-page"));
	free(c);
}

static void the_chrome_goes_around_the_page_left_as_it_is(void **state)
{
	(void)state;
	struct decor_view v = { "en", NULL, "org.example.pump", course, "lessons/01.html", NULL };
	size_t len = 0;
	char *d = decor_page(u(page), sizeof(page) - 1, &v, &len), *bar = decor_chrome(&v);
	const char *at;

	assert_non_null(d);
	assert_non_null(bar);
	assert_int_equal(len, strlen(d));
	assert_non_null(strstr(d, "<title>t</title><link rel=\"stylesheet\" "
	                          "href=\"/_sampan/decor.css\">\n<script "
	                          "src=\"/_sampan/progress.js\" defer></script>\n</HEAD>"));
	at = strstr(d, "<body class=\"lesson\">\n<nav class=\"sampan-bar\"");
	assert_non_null(at);
	/* the page's own bytes follow the chrome unchanged, and nothing else was added */
	assert_non_null(strstr(d, "</nav>\n<span id=\"sampan-after\" "
	                          "tabindex=\"-1\"></span>\n<h1>x</h1></body></html>"));
	assert_int_equal(len,
	                 sizeof(page) - 1 + strlen(bar) + 1 +
	                         strlen("<link rel=\"stylesheet\" href=\"/_sampan/decor.css\">\n"
	                                "<script src=\"/_sampan/progress.js\" defer>"
	                                "</script>\n"));
	free(bar);
	free(d);
	/* a page made by sampan-build: the skip link goes to its <main> */
	{
		static const char built[] =
		        "<html><head></head><body>\n<a class=\"skip\" "
		        "href=\"#main\">Skip</a><main id=\"main\">x</main></body>";
		d = decor_page(u(built), sizeof(built) - 1, &v, &len);
		assert_non_null(d);
		assert_non_null(strstr(d, "<a class=\"sampan-skip\" href=\"#main\">"));
		assert_null(strstr(d, "sampan-after"));
		free(d);
	}
}

static void the_stylesheet_and_banner_go_where_they_belong(void **state)
{
	(void)state;
	struct decor_view v = { "en", "Preview <b>&</b>", NULL, NULL, NULL, NULL };
	size_t len = 0;
	char *d = decor_page(u(page), sizeof(page) - 1, NULL, &len);

	assert_non_null(d);
	assert_int_equal(len, strlen(d));
	assert_non_null(strstr(d, "<title>t</title><link rel=\"stylesheet\" "
	                          "href=\"/_sampan/decor.css\">\n</HEAD>"));
	assert_null(strstr(d, "sampan-preview"));
	assert_int_equal(len, sizeof(page) - 1 +
	                              strlen("<link rel=\"stylesheet\" "
	                                     "href=\"/_sampan/decor.css\">\n"));
	free(d);

	d = decor_page(u(page), sizeof(page) - 1, &v, &len);
	assert_non_null(d);
	assert_non_null(strstr(d, "<body class=\"lesson\">\n<p class=\"sampan-preview\" "
	                          "role=\"alert\">Preview &lt;b&gt;&amp;&lt;/b&gt;</p><h1>x</h1>"));
	assert_non_null(strstr(d, "</body></html>"));
	free(d);
}

/* A page with a quiz gets the player's quiz script; a page that only names one does not. */
static void a_quiz_gets_the_quiz_script(void **state)
{
	(void)state;
	static const char quiz_page[] =
	        "<!doctype html><html lang=\"en\"><head><title>t</title></head>"
	        "<body><section class=\"quiz\" id=\"quiz-1\"></section></body>"
	        "</html>";
	static const char text[] = "<!doctype html><html lang=\"en\"><head><title>t</title></head>"
	                           "<body><p>class=\"quiz\" &lt;section class=&quot;quiz&quot;"
	                           "</p></body></html>";
	struct decor_view v = { "en", NULL, "org.example.pump", NULL, "lessons/03.html", NULL };
	size_t len = 0;
	char *d;

	assert_true(decor_has_quiz(u(quiz_page), sizeof(quiz_page) - 1));
	assert_false(decor_has_quiz(u(text), sizeof(text) - 1));
	assert_false(decor_has_quiz(u(quiz_page), 10));
	d = decor_page(u(quiz_page), sizeof(quiz_page) - 1, &v, &len);
	assert_non_null(d);
	assert_int_equal(len, strlen(d));
	assert_non_null(strstr(d,
	                       "<title>t</title><link rel=\"stylesheet\" "
	                       "href=\"/_sampan/decor.css\">\n<script src=\"/_sampan/progress.js\" "
	                       "defer></script>\n<script src=\"/_sampan/quiz.js\" "
	                       "defer></script>\n</head>"));
	free(d);
	d = decor_page(u(text), sizeof(text) - 1, &v, &len);
	assert_non_null(d);
	assert_non_null(strstr(d, "progress.js"));
	assert_null(strstr(d, "quiz.js"));
	free(d);
	/* no course (a page outside one): no script at all */
	d = decor_page(u(quiz_page), sizeof(quiz_page) - 1, NULL, &len);
	assert_non_null(d);
	assert_null(strstr(d, "<script"));
	free(d);
}

static void pages_it_cannot_decorate_are_left_alone(void **state)
{
	(void)state;
	static const char no_head[] = "<!doctype html><title>t</title><p>x";
	static const char body_first[] = "<body><p>x</p></head>";
	static const char no_body[] = "<html><head></head>";
	struct decor_view banner = { "en", "p", NULL, NULL, NULL, NULL };
	struct decor_view chrome = {
		"en", NULL, "org.example.pump", course, "lessons/01.html", NULL
	};
	size_t len;

	assert_null(decor_page(u(no_head), sizeof(no_head) - 1, NULL, &len));
	assert_null(decor_page(u(no_head), sizeof(no_head) - 1, &chrome, &len));
	/* a banner or the chrome needs a <body> after </head> */
	assert_null(decor_page(u(body_first), sizeof(body_first) - 1, &banner, &len));
	assert_null(decor_page(u(no_body), sizeof(no_body) - 1, &banner, &len));
	assert_null(decor_page(u(body_first), sizeof(body_first) - 1, &chrome, &len));
	assert_null(decor_page(u(no_body), sizeof(no_body) - 1, &chrome, &len));
	/* fonts alone need only </head> */
	{
		char *d = decor_page(u(no_body), sizeof(no_body) - 1, NULL, &len);
		assert_non_null(d);
		free(d);
	}
}

static void what_a_page_needs_is_remembered(void **state)
{
	(void)state;
	struct lib_course c;

	memset(&c, 0, sizeof(c));
	pthread_mutex_init(&c.lock, NULL);
	assert_int_equal(decor_kind_of(&c, 3), DECOR_UNKNOWN);
	decor_kind_learnt(&c, 5, 3, DECOR_CANNOT);
	decor_kind_learnt(&c, 5, 9, DECOR_CANNOT); /* past the entries: not kept */
	assert_int_equal(decor_kind_of(&c, 3), DECOR_CANNOT);
	assert_int_equal(decor_kind_of(&c, 1), DECOR_UNKNOWN);
	assert_int_equal(decor_kind_of(&c, 0), DECOR_UNKNOWN);
	assert_int_equal(decor_kind_of(&c, 9), DECOR_UNKNOWN);
	free(c.page_kind);
	pthread_mutex_destroy(&c.lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_chrome_says_where_the_lesson_is),
		cmocka_unit_test(the_chrome_goes_around_the_page_left_as_it_is),
		cmocka_unit_test(the_stylesheet_and_banner_go_where_they_belong),
		cmocka_unit_test(a_quiz_gets_the_quiz_script),
		cmocka_unit_test(pages_it_cannot_decorate_are_left_alone),
		cmocka_unit_test(what_a_page_needs_is_remembered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

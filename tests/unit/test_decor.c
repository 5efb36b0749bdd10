/*
 * test_decor.c - what the player adds to a course's pages (player/decor.c): the
 * fonts' stylesheet for Khmer, Lao and Burmese pages, a preview's banner
 * escaped at the top of the body, pages it cannot decorate left alone, and
 * what it learnt of each page remembered.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "decor.h"

static const unsigned char *u(const char *s)
{
	return (const unsigned char *)s;
}

static void pages_in_scripts_phones_lack(void **state)
{
	(void)state;
	static const struct {
		const char *html;
		bool fonts;
	} table[] = {
		{ "<!doctype html><html lang=\"km\"><head>", true },
		{ "<!DOCTYPE html>\n<HTML LANG=\"lo\">", true },
		{ "<html lang=\"my-MM\">", true },
		{ "<html lang=\"th\">", false },
		{ "<html lang=\"kmr\">", false }, /* Kurmanji, not Khmer */
		{ "<html lang=\"en\"><p lang=\"km\">", false }, /* the page's own language counts */
		{ "<html>", false },
		{ "<html lang=\"k", false },
		{ "", false },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (decor_needs_fonts(u(table[i].html), strlen(table[i].html)) != table[i].fonts)
			fail_msg("'%s': %s", table[i].html, table[i].fonts ? "no fonts" : "fonts");
	/* only the first 2 kB are looked at */
	{
		size_t n = 5000;
		char *big = malloc(n + 32);
		assert_non_null(big);
		memset(big, ' ', n);
		memcpy(big + n, "<html lang=\"km\">", 17);
		assert_false(decor_needs_fonts(u(big), n + 16));
		free(big);
	}
}

static void the_stylesheet_and_banner_go_where_they_belong(void **state)
{
	(void)state;
	static const char page[] = "<!doctype html><html lang=\"km\"><head><title>t</title></HEAD>"
	                           "<body class=\"lesson\"><h1>x</h1></body></html>";
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

	d = decor_page(u(page), sizeof(page) - 1, "Preview <b>&</b>", &len);
	assert_non_null(d);
	assert_non_null(strstr(d, "<body class=\"lesson\">\n<p class=\"sampan-preview\" "
	                          "role=\"alert\">Preview &lt;b&gt;&amp;&lt;/b&gt;</p><h1>x</h1>"));
	assert_non_null(strstr(d, "</body></html>"));
	free(d);
}

static void pages_it_cannot_decorate_are_left_alone(void **state)
{
	(void)state;
	static const char no_head[] = "<!doctype html><title>t</title><p>x";
	static const char body_first[] = "<body><p>x</p></head>";
	static const char no_body[] = "<html><head></head>";
	size_t len;

	assert_null(decor_page(u(no_head), sizeof(no_head) - 1, NULL, &len));
	/* a banner needs a <body> after </head> */
	assert_null(decor_page(u(body_first), sizeof(body_first) - 1, "p", &len));
	assert_null(decor_page(u(no_body), sizeof(no_body) - 1, "p", &len));
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
	decor_kind_learnt(&c, 5, 3, DECOR_FONTS);
	decor_kind_learnt(&c, 5, 1, DECOR_NONE);
	decor_kind_learnt(&c, 5, 9, DECOR_FONTS); /* past the entries: not kept */
	assert_int_equal(decor_kind_of(&c, 3), DECOR_FONTS);
	assert_int_equal(decor_kind_of(&c, 1), DECOR_NONE);
	assert_int_equal(decor_kind_of(&c, 0), DECOR_UNKNOWN);
	assert_int_equal(decor_kind_of(&c, 9), DECOR_UNKNOWN);
	free(c.page_kind);
	pthread_mutex_destroy(&c.lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pages_in_scripts_phones_lack),
		cmocka_unit_test(the_stylesheet_and_banner_go_where_they_belong),
		cmocka_unit_test(pages_it_cannot_decorate_are_left_alone),
		cmocka_unit_test(what_a_page_needs_is_remembered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

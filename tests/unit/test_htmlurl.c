/*
 * test_htmlurl.c - the URLs written in raw HTML (builder/htmlurl.c): what
 * check follows in HTML the page may drop, found by position.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "htmlurl.h"

struct found {
	const char *s;
	char urls[16][96];
	size_t at[16];
	size_t n;
};

static void on_url(void *ctx, size_t at, size_t len)
{
	struct found *f = ctx;

	assert_true(len > 0);
	assert_true(f->n < 16);
	snprintf(f->urls[f->n], sizeof f->urls[0], "%.*s", (int)len, f->s + at);
	f->at[f->n++] = at;
}

/* The URLs of s, joined by " | ". */
static const char *urls_of(const char *s)
{
	static struct found f;
	static char joined[1024];

	memset(&f, 0, sizeof f);
	f.s = s;
	joined[0] = '\0';
	htmlurl_scan(s, strlen(s), on_url, &f);
	for (size_t i = 0; i < f.n; i++) {
		size_t len = strlen(joined);

		snprintf(joined + len, sizeof joined - len, "%s%s", i ? " | " : "", f.urls[i]);
		/* in the order they stand */
		if (i)
			assert_true(f.at[i] > f.at[i - 1]);
	}
	return joined;
}

static void attributes_that_hold_urls(void **state)
{
	(void)state;
	assert_string_equal(urls_of("<img src=\"a.png\" alt=\"x\">"), "a.png");
	assert_string_equal(urls_of("<a HREF='b.md'>x</a>"), "b.md");
	assert_string_equal(urls_of("<a href = \"  spaced.md  \">"), "spaced.md");
	assert_string_equal(urls_of("<video poster=p.jpg src=v.mp4>"), "p.jpg | v.mp4");
	assert_string_equal(urls_of("<object data=\"o.svg\"></object>"), "o.svg");
	assert_string_equal(urls_of("<form action=\"/go\"><button formaction=\"/x\">"), "/go | /x");
	assert_string_equal(urls_of("<td background=\"bg.gif\">"), "bg.gif");
	/* another attribute that merely ends in a URL attribute's name */
	assert_string_equal(urls_of("<img data-src=\"not-me.png\" src=\"me.png\">"), "me.png");
	assert_string_equal(urls_of("<a href=\"\">empty</a>"), "");
}

static void srcset_candidates_each(void **state)
{
	(void)state;
	assert_string_equal(urls_of("<img srcset=\"b.png 1x, c.png 2x,d.png 3x\">"),
	                    "b.png | c.png | d.png");
	assert_string_equal(urls_of("<img srcset=\"only.png\">"), "only.png");
}

static void urls_in_styles_and_scripts(void **state)
{
	(void)state;
	assert_string_equal(urls_of("<p style=\"background: url(bg.png)\">"), "bg.png");
	assert_string_equal(urls_of("<div style='b: URL( \"q.png\" )'>"), "q.png");
	/* a function merely named like it is not url() */
	assert_string_equal(urls_of("<p style=\"x: myurl(no.png)\">"), "");
	assert_string_equal(urls_of("<script>fetch('https://example.org/x')</script>"),
	                    "https://example.org/x");
	assert_string_equal(urls_of("see http://example.org/page, then //cdn.example.com/lib.js"),
	                    "http://example.org/page, | //cdn.example.com/lib.js");
	/* the scheme's own // is no second URL, nor is a path's */
	assert_string_equal(urls_of("<script src=//cdn.example.com/lib.js></script>"),
	                    "//cdn.example.com/lib.js");
}

static void broken_markup_still_gives_its_urls(void **state)
{
	(void)state;
	assert_string_equal(urls_of("<img src=\"unclosed.png"), "unclosed.png");
	assert_string_equal(urls_of("<img src="), "");
	assert_string_equal(urls_of("src=x.png"), "x.png");
	assert_string_equal(urls_of(""), "");
	assert_string_equal(urls_of("no urls at all, only text / and // alone"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attributes_that_hold_urls),
		cmocka_unit_test(srcset_candidates_each),
		cmocka_unit_test(urls_in_styles_and_scripts),
		cmocka_unit_test(broken_markup_still_gives_its_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

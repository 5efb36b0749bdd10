/*
 * test_errpage.c - error pages (player/errpage.c): in the interface language
 * asked for, with the status and its name, the detail escaped, a link back to
 * the catalog, nothing from another host; as a reply, never kept by a cache.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errpage.h"
#include "l10n.h"

static void error_page_in_the_interface_language(void **state)
{
	(void)state;
	char *html = errpage_html("th", 404, "no course '<b>x</b>'");

	assert_non_null(html);
	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"th\">", 32) == 0);
	assert_contains(html, "<title>404 ");
	assert_contains(html, l10n_get("th", "error", "Not found"));
	assert_contains(html, "no course &#39;&lt;b&gt;x&lt;/b&gt;&#39;");
	assert_contains(html, "href=\"/?lang=th\"");
	assert_contains(html, l10n_get("th", "catalog", "Courses"));
	assert_contains(html, "<link rel=\"stylesheet\" href=\"/_sampan/player.css\">");
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "http"));
	free(html);

	html = errpage_html("en", 405, NULL);
	assert_contains(html, "Method not allowed");
	assert_null(strstr(html, "<p dir"));
	free(html);
	html = errpage_html(NULL, 400, "");
	assert_contains(html, "<html lang=\"en\">");
	assert_contains(html, "Bad request");
	free(html);
	html = errpage_html("zh-CN", 500, "x");
	assert_contains(html, "<html lang=\"zh-Hans\">");
	assert_contains(html, l10n_get("zh-Hans", "error", "Error"));
	free(html);
}

struct fake {
	const char *lang, *accept;
};

static const char *fake_header(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;
	return strcmp(name, "Accept-Language") == 0 ? f->accept : NULL;
}

static const char *fake_arg(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;
	return strcmp(name, "lang") == 0 ? f->lang : NULL;
}

static void error_reply_speaks_the_request_language(void **state)
{
	(void)state;
	static const struct {
		struct fake f;
		unsigned status;
		const char *lang;
	} table[] = {
		{ { "km", "th" }, 404, "km" },
		{ { NULL, "vi-VN,vi;q=0.9" }, 400, "vi" },
		{ { NULL, NULL }, 503, "en" },
		{ { "xx", "my" }, 500, "my" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct request rq = {
			"GET", "/x", false, false, fake_header, fake_arg, (void *)&table[i].f,
			{ 0 }, 0,    false, false
		};
		struct reply r;
		char want[64];

		reply_init(&r);
		errpage_reply(&r, &rq, table[i].status, "detail");
		assert_false(r.failed);
		assert_int_equal(r.status, table[i].status);
		assert_int_equal(r.body, REPLY_BUFFER);
		assert_string_equal(reply_get_header(&r, "Content-Type"),
		                    "text/html; charset=utf-8");
		assert_string_equal(reply_get_header(&r, "Cache-Control"), "no-store");
		snprintf(want, sizeof(want), "<html lang=\"%s\">", table[i].lang);
		assert_contains((const char *)r.data, want);
		assert_int_equal(r.len, strlen((const char *)r.data));
		reply_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error_page_in_the_interface_language),
		cmocka_unit_test(error_reply_speaks_the_request_language),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

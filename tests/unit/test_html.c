/*
 * test_html.c - the one HTML escaper (html.c): the five characters that can
 * break out of text or an attribute as references, control characters and
 * bytes that are not UTF-8 as U+FFFD, everything else as it is, and a buffer
 * at its maximum refused rather than cut.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "sbuf.h"

static void escapes_what_breaks_out(void **state)
{
	(void)state;
	static const char *const table[][2] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "<script>alert('x')</script>",
		  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
		{ "a & b \"c\"", "a &amp; b &quot;c&quot;" },
		{ "&amp;", "&amp;amp;" },
		{ "tab\tnew\nline", "tab\tnew\nline" },
		{ "bell\x07", "bell\xEF\xBF\xBD" },
		{ "del\x7f", "del\xEF\xBF\xBD" },
		{ "bad \xff byte", "bad \xEF\xBF\xBD byte" },
		{ "cut \xe0\xb8", "cut \xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "ไทย ខ្មែរ 中文 Tiếng", "ไทย ខ្មែរ 中文 Tiếng" },
		{ "\xc0\xaf", "\xEF\xBF\xBD\xEF\xBF\xBD" }, /* an overlong '/' */
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char *e = html_escape(table[i][0]);
		assert_non_null(e);
		if (strcmp(e, table[i][1]) != 0)
			fail_msg("'%s' escaped as '%s', not '%s'", table[i][0], e, table[i][1]);
		free(e);
	}
}

static void appends_within_the_buffer_maximum(void **state)
{
	(void)state;
	struct sbuf b;
	char *s;

	sbuf_init(&b, 64);
	assert_true(html_escape_into(&b, "<a>"));
	assert_true(html_escape_into(&b, NULL)); /* nothing */
	assert_true(html_escape_into(&b, " & "));
	s = sbuf_take(&b, NULL);
	assert_string_equal(s, "&lt;a&gt; &amp; ");
	free(s);
	sbuf_init(&b, 16);
	assert_false(html_escape_into(&b, "<<<<<<<<")); /* 32 bytes escaped */
	sbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_what_breaks_out),
		cmocka_unit_test(appends_within_the_buffer_maximum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_html.c - the one HTML escaper (common/html.c): the five characters
 * that can break out of text or an attribute as references, control
 * characters and bytes that are not UTF-8 as U+FFFD, everything else as it
 * is, and a buffer at its maximum refused rather than cut.  Nothing from a
 * bundle, a course or a request can break out of its place in a page.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "sbuf.h"

static void expect_escaped(const char *in, const char *want)
{
	char *s = html_escape(in);

	assert_non_null(s);
	if (strcmp(s, want) != 0)
		fail_msg("'%s' escaped as '%s', not '%s'", in, s, want);
	free(s);
}

static void five_characters_become_references(void **state)
{
	(void)state;
	static const char *const table[][2] = {
		{ "", "" },
		{ "plain text", "plain text" },
		{ "a<b>&\"c\"'d' ไทย", "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; ไทย" },
		{ "<script>alert('x')</script>",
		  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
		{ "\"><script>alert(1)</script>",
		  "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a & b \"c\"", "a &amp; b &quot;c&quot;" },
		/* a reference written is text, escaped again */
		{ "&amp;", "&amp;amp;" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		expect_escaped(table[i][0], table[i][1]);
}

static void controls_and_bad_bytes_become_replacement_characters(void **state)
{
	(void)state;
	static const char *const table[][2] = {
		/* tab, line feed and carriage return are text; other controls are not */
		{ "a\tb\nc\rd", "a\tb\nc\rd" },
		{ "a\x01"
		  "b\x1b"
		  "c\x7f",
		  "a\xEF\xBF\xBD"
		  "b\xEF\xBF\xBD"
		  "c\xEF\xBF\xBD" },
		{ "bell\x07", "bell\xEF\xBF\xBD" },
		/* C1 controls (U+0080 to U+009F), encoded in UTF-8 */
		{ "x\xC2\x85y", "x\xEF\xBF\xBDy" },
		/* bytes that are not UTF-8: one replacement each, the rest kept */
		{ "caf\xE9 ok", "caf\xEF\xBF\xBD ok" },
		{ "bad \xff byte", "bad \xEF\xBF\xBD byte" },
		{ "cut \xe0\xb8", "cut \xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xF0\x9F\x98", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" }, /* a surrogate */
		{ "\xc0\xaf", "\xEF\xBF\xBD\xEF\xBF\xBD" }, /* an overlong '/' */
		/* characters beyond ASCII are kept as they are */
		{ "ខ្មែរ ລາວ မြန်မာ 中文 Tiếng Việt 😀", "ខ្មែរ ລາວ မြန်မာ 中文 Tiếng Việt 😀" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		expect_escaped(table[i][0], table[i][1]);
}

static void into_a_buffer_appends_and_respects_its_bound(void **state)
{
	struct sbuf b;
	char *s;

	(void)state;
	sbuf_init(&b, 16);
	assert_true(sbuf_adds(&b, "<p>"));
	assert_true(html_escape_into(&b, "a&b"));
	assert_true(html_escape_into(&b, NULL)); /* nothing */
	assert_string_equal(b.data, "<p>a&amp;b");
	/* "&lt;&lt;" does not fit in what is left of 16 bytes */
	assert_false(html_escape_into(&b, "<<"));
	sbuf_release(&b);

	sbuf_init(&b, 64);
	assert_true(html_escape_into(&b, "<a>"));
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
		cmocka_unit_test(five_characters_become_references),
		cmocka_unit_test(controls_and_bad_bytes_become_replacement_characters),
		cmocka_unit_test(into_a_buffer_appends_and_respects_its_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

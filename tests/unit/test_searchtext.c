/* test_searchtext.c - META-INF/search.txt written and read back (bundle/searchtext.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "searchtext.h"

struct seen {
	int sections, cues;
	char heading[64], text[256], cue_text[256], lang[16];
	uint64_t start, end;
};

static void on_section(void *ctx, const struct searchtext_section *s)
{
	struct seen *v = ctx;

	if (v->sections++ == 1) {
		snprintf(v->heading, sizeof(v->heading), "%s", s->heading);
		snprintf(v->text, sizeof(v->text), "%s", s->text);
		snprintf(v->lang, sizeof(v->lang), "%s", s->lang);
	}
}

static void on_cue(void *ctx, const struct searchtext_cue *c)
{
	struct seen *v = ctx;

	v->cues++;
	v->start = c->start_ms;
	v->end = c->end_ms;
	snprintf(v->cue_text, sizeof(v->cue_text), "%s", c->text);
}

static void round_trip_keeps_fields_and_flattens_control_characters(void **state)
{
	struct sbuf b;
	struct bundle_error err;
	struct searchtext_section s1 = { "01-intro",  "lessons/01-intro.html", "", "th", "",
		                         "ปั๊มน้ำใช้ไฟฟ้า" };
	struct searchtext_section s2 = { "01-intro",   "lessons/01-intro.html", "ความปลอดภัย", "th",
		                         "ความปลอดภัย", "ตัดไฟ\tก่อน\nซ่อม" };
	struct searchtext_cue c = { "01-intro",
		                    "lessons/01-intro.html",
		                    "media/pump.mp4",
		                    "media/pump.th.vtt",
		                    "th",
		                    12500,
		                    15000,
		                    "ถอดฝาครอบ" };
	struct seen v;
	char *text;
	size_t len;

	(void)state;
	memset(&v, 0, sizeof(v));
	sbuf_init(&b, 1 << 20);
	assert_ok(searchtext_begin(&b, &err), err);
	assert_ok(searchtext_add_section(&b, &s1, &err), err);
	assert_ok(searchtext_add_section(&b, &s2, &err), err);
	assert_ok(searchtext_add_cue(&b, &c, &err), err);
	text = sbuf_take(&b, &len);
	assert_non_null(strstr(text, "# sampan-search: 1\n"));
	assert_ok(searchtext_parse(text, len, on_section, on_cue, &v, &err), err);
	assert_int_equal(v.sections, 2);
	assert_int_equal(v.cues, 1);
	assert_string_equal(v.heading, "ความปลอดภัย");
	assert_string_equal(v.text, "ตัดไฟ ก่อน ซ่อม"); /* tab and newline became spaces */
	assert_string_equal(v.lang, "th");
	assert_int_equal(v.start, 12500);
	assert_int_equal(v.end, 15000);
	assert_string_equal(v.cue_text, "ถอดฝาครอบ");
	free(text);
}

static void parse_refuses_bad_header_and_lines_but_skips_unknown_kinds(void **state)
{
	struct bundle_error err;
	struct seen v;
	static const char unknown[] = "# sampan-search: 1\nx\tfuture\tline\n# comment\n";
	static const char short_s[] = "# sampan-search: 1\ns\ta\tb\n";
	static const char bad_time[] = "# sampan-search: 1\nc\ta\tb\tc\td\te\t1x\t2\tt\n";

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_rule(searchtext_parse("# other\n", 8, NULL, NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_INPUT_INVALID);
	assert_ok(searchtext_parse(unknown, sizeof(unknown) - 1, on_section, on_cue, &v, &err),
	          err);
	assert_int_equal(v.sections + v.cues, 0);
	assert_rule(searchtext_parse(short_s, sizeof(short_s) - 1, on_section, on_cue, &v, &err),
	            BUNDLE_INVALID, err, RULE_INPUT_INVALID);
	assert_non_null(strstr(err.message, "line 2"));
	assert_rule(searchtext_parse(bad_time, sizeof(bad_time) - 1, on_section, on_cue, &v, &err),
	            BUNDLE_INVALID, err, RULE_INPUT_INVALID);
	{
		static const char extra[] = "# sampan-search: 1\nc\ta\tb\tc\td\te\t1\t2\tt\tx\n";
		static const char bad_utf8[] = "# sampan-search: 1\ns\ta\tb\tc\td\te\t\xff\n";
		assert_rule(
		        searchtext_parse(extra, sizeof(extra) - 1, on_section, on_cue, &v, &err),
		        BUNDLE_INVALID, err, RULE_INPUT_INVALID);
		assert_rule(searchtext_parse(bad_utf8, sizeof(bad_utf8) - 1, on_section, on_cue, &v,
		                             &err),
		            BUNDLE_INVALID, err, RULE_INPUT_INVALID);
		assert_non_null(strstr(err.message, "UTF-8"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_keeps_fields_and_flattens_control_characters),
		cmocka_unit_test(parse_refuses_bad_header_and_lines_but_skips_unknown_kinds),
	};
	return cmocka_run_group_tests_name("searchtext", tests, NULL, NULL);
}

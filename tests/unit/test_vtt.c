/*
 * test_vtt.c - WebVTT subtitles: cues, times and plain text for search;
 * malformed files reported at their line (builder/vtt.c).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "problems.h"
#include "vtt.h"

static void parse(const char *text, struct vtt *v, struct problems *p)
{
	problems_init(p);
	assert_true(vtt_parse(text, strlen(text), "media/pump.en.vtt", v, p));
}

static void test_cues_times_and_text(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("\xEF\xBB\xBFWEBVTT - Pump maintenance\r\n"
	      "Kind: captions\r\n"
	      "\r\n"
	      "NOTE written by hand\r\n"
	      "over two lines\r\n"
	      "\r\n"
	      "STYLE\r\n"
	      "::cue { color: yellow }\r\n"
	      "\r\n"
	      "intro\r\n"
	      "00:00:01.000 --> 00:00:04.500 align:start position:10%\r\n"
	      "<v Somchai>Close the <b>valve</b></v>\r\n"
	      "first &amp; then &lt;drain&gt;&nbsp;it\r\n"
	      "\r\n"
	      "01:02.250 --> 01:05.000\r\n"
	      "<c.loud>Second</c> cue\r\n"
	      "\r\n"
	      "100:00:00.000 --> 100:00:01.001\r\n"
	      "ชั่วโมงที่ร้อย\r\n",
	      &v, &p);
	assert_int_equal(p.count, 0);
	assert_int_equal(v.count, 3);
	assert_int_equal(v.cues[0].start_ms, 1000);
	assert_int_equal(v.cues[0].end_ms, 4500);
	assert_int_equal(v.cues[0].line, 11);
	assert_string_equal(v.cues[0].text, "Close the valve first & then <drain> it");
	assert_int_equal(v.cues[1].start_ms, 62250);
	assert_int_equal(v.cues[1].end_ms, 65000);
	assert_string_equal(v.cues[1].text, "Second cue");
	assert_int_equal(v.cues[2].start_ms, 360000000ull);
	assert_int_equal(v.cues[2].end_ms, 360001001ull);
	assert_string_equal(v.cues[2].text, "ชั่วโมงที่ร้อย");
	vtt_release(&v);
	problems_release(&p);
}

static void test_missing_header(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("00:00:01.000 --> 00:00:02.000\nHello\n", &v, &p);
	assert_int_equal(p.errors, 1);
	assert_string_equal(p.v[0].file, "media/pump.en.vtt");
	assert_int_equal(p.v[0].line, 1);
	assert_non_null(strstr(p.v[0].message, "'WEBVTT'"));
	/* The cue is still read, for search. */
	assert_int_equal(v.count, 1);
	vtt_release(&v);
	problems_release(&p);

	parse("WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n", &v, &p);
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.v[0].line, 1);
	vtt_release(&v);
	problems_release(&p);
}

static void test_bad_timing_reported_at_its_line_and_parse_goes_on(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("WEBVTT\n"
	      "\n"
	      "00:00:01.000 --> 00:00:02.000\n"
	      "one\n"
	      "\n"
	      "2\n"
	      "00:00:03,000 --> 00:00:04,000\n"
	      "comma is SubRip, not WebVTT\n"
	      "\n"
	      "00:00:05.000 --> 00:00:06.000\n"
	      "three\n"
	      "\n"
	      "00:61.000 --> 00:62.000\n"
	      "bad seconds\n"
	      "\n"
	      "00:00:09.000 --> 00:00:08.000\n"
	      "backwards\n"
	      "\n"
	      "0:00:10.000 --> 0:00:11.000\n"
	      "one hour digit\n",
	      &v, &p);
	assert_int_equal(v.count, 2);
	assert_string_equal(v.cues[1].text, "three");
	assert_int_equal(p.errors, 4);
	assert_int_equal(p.v[0].line, 7);
	assert_non_null(
	        strstr(p.v[0].message, "malformed timing line '00:00:03,000 --> 00:00:04,000'"));
	assert_int_equal(p.v[1].line, 13);
	assert_int_equal(p.v[2].line, 16);
	assert_non_null(strstr(p.v[2].message, "ends before it starts"));
	assert_int_equal(p.v[3].line, 19);
	vtt_release(&v);
	problems_release(&p);
}

static void test_text_without_timing(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("WEBVTT\n\nstray words\n\n00:01.000 --> 00:02.000\nok\n", &v, &p);
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.v[0].line, 3);
	assert_non_null(strstr(p.v[0].message, "'stray words' is not a cue"));
	assert_int_equal(v.count, 1);
	vtt_release(&v);
	problems_release(&p);
}

/* "->" for "-->": said as such, with or without a cue identifier, and the next cue still read. */
static void test_short_arrow(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("WEBVTT\n\n00:01.000 -> 00:02.000\nshort\n\n2\n00:03.000 -> 00:04.000\nagain\n\n"
	      "00:05.000 --> 00:06.000\nok\n",
	      &v, &p);
	assert_int_equal(p.errors, 2);
	assert_int_equal(p.v[0].line, 3);
	assert_non_null(strstr(p.v[0].message, "timing line '00:01.000 -> 00:02.000' has the "
	                                       "arrow '->': WebVTT needs '-->'"));
	assert_int_equal(p.v[1].line, 7);
	assert_null(strstr(p.v[1].message, "not a cue"));
	assert_int_equal(v.count, 1);
	assert_string_equal(v.cues[0].text, "ok");
	vtt_release(&v);
	problems_release(&p);
}

static void test_cue_right_after_header(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("WEBVTT\n00:01.000 --> 00:02.000\nok\n", &v, &p);
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.v[0].line, 2);
	assert_int_equal(v.count, 1);
	vtt_release(&v);
	problems_release(&p);
}

static void test_cue_without_blank_line_between(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:03.000 --> 00:04.000\nb\n", &v, &p);
	assert_int_equal(p.count, 0);
	assert_int_equal(v.count, 2);
	assert_string_equal(v.cues[0].text, "a");
	assert_string_equal(v.cues[1].text, "b");
	assert_int_equal(v.cues[1].line, 5);
	vtt_release(&v);
	problems_release(&p);
}

static void test_errors_are_capped(void **state)
{
	char *text = malloc(100 * 32 + 16);
	size_t n = 0;
	struct vtt v;
	struct problems p;

	(void)state;
	assert_non_null(text);
	n += (size_t)snprintf(text, 16, "WEBVTT\n\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(text + n, 32, "1 --> 2\nx\n\n");
	parse(text, &v, &p);
	assert_int_equal(p.errors, 21);
	assert_non_null(strstr(p.v[20].message, "80 more problems"));
	vtt_release(&v);
	problems_release(&p);
	free(text);
}

static void test_empty_and_cr_only(void **state)
{
	struct vtt v;
	struct problems p;

	(void)state;
	parse("", &v, &p);
	assert_int_equal(p.errors, 1);
	assert_int_equal(v.count, 0);
	vtt_release(&v);
	problems_release(&p);

	parse("WEBVTT\r\r00:01.000 --> 00:02.000\rold Mac\r", &v, &p);
	assert_int_equal(p.count, 0);
	assert_int_equal(v.count, 1);
	assert_int_equal(v.cues[0].line, 3);
	assert_string_equal(v.cues[0].text, "old Mac");
	vtt_release(&v);
	problems_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cues_times_and_text),
		cmocka_unit_test(test_missing_header),
		cmocka_unit_test(test_bad_timing_reported_at_its_line_and_parse_goes_on),
		cmocka_unit_test(test_text_without_timing),
		cmocka_unit_test(test_short_arrow),
		cmocka_unit_test(test_cue_right_after_header),
		cmocka_unit_test(test_cue_without_blank_line_between),
		cmocka_unit_test(test_errors_are_capped),
		cmocka_unit_test(test_empty_and_cr_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_httputil.c - the player's small HTTP pieces (player/httputil.c):
 * Range, ETags and conditionals, request paths to entry names (traversal
 * in every spelling we know), percent-encoding, Accept-Language,
 * Accept-Encoding and HTTP dates.
 * Every header is copied to a buffer of its exact size so that ASan sees
 * a parser reading past its end.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httputil.h"

/* An exact-size heap copy of s (NULL stays NULL). */
static char *dup_exact(const char *s)
{
	size_t len;
	char *d;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	d = malloc(len);
	assert_non_null(d);
	memcpy(d, s, len);
	return d;
}

static const char *range_name(enum range_result r)
{
	switch (r) {
	case RANGE_NONE:
		return "NONE";
	case RANGE_OK:
		return "OK";
	case RANGE_UNSATISFIABLE:
		return "UNSATISFIABLE";
	}
	return "?";
}

static void check_range(int line, const char *header, uint64_t size, enum range_result want,
                        uint64_t want_first, uint64_t want_last)
{
	char *h = dup_exact(header);
	uint64_t first = 12345, last = 67890;
	enum range_result got = range_parse(h, size, &first, &last);

	free(h);
	if (got != want)
		fail_msg("line %d: '%s' size %llu: got %s, want %s", line,
		         header ? header : "(null)", (unsigned long long)size, range_name(got),
		         range_name(want));
	if (want == RANGE_OK && (first != want_first || last != want_last))
		fail_msg("line %d: '%s' size %llu: got [%llu, %llu], want [%llu, %llu]", line,
		         header, (unsigned long long)size, (unsigned long long)first,
		         (unsigned long long)last, (unsigned long long)want_first,
		         (unsigned long long)want_last);
	if (want != RANGE_OK && (first != 0 || last != 0))
		fail_msg("line %d: '%s': first and last not cleared on %s", line,
		         header ? header : "(null)", range_name(got));
}

#define RANGE_IS(h, size, a, b) check_range(__LINE__, h, size, RANGE_OK, a, b)
#define RANGE_IGNORED(h, size) check_range(__LINE__, h, size, RANGE_NONE, 0, 0)
#define RANGE_416(h, size) check_range(__LINE__, h, size, RANGE_UNSATISFIABLE, 0, 0)

static void range_absent_is_none(void **state)
{
	(void)state;
	RANGE_IGNORED(NULL, 1000);
	RANGE_IGNORED(NULL, 0);
	RANGE_IGNORED("", 1000);
}

static void range_safari_probe_gives_first_two_bytes(void **state)
{
	(void)state;
	RANGE_IS("bytes=0-1", 1000, 0, 1);
	RANGE_IS("bytes=0-1", 2, 0, 1);
	RANGE_IS("bytes=0-1", 1, 0, 0);
	RANGE_IS("bytes=0-0", 1000, 0, 0);
}

static void range_first_to_last(void **state)
{
	(void)state;
	RANGE_IS("bytes=10-19", 1000, 10, 19);
	RANGE_IS("bytes=999-999", 1000, 999, 999);
	RANGE_IS("bytes=0-999", 1000, 0, 999);
}

static void range_last_beyond_end_is_clamped(void **state)
{
	(void)state;
	RANGE_IS("bytes=0-5000", 1000, 0, 999);
	RANGE_IS("bytes=500-1000", 1000, 500, 999);
	RANGE_IS("bytes=0-18446744073709551615", 1000, 0, 999);
}

static void range_open_ended(void **state)
{
	(void)state;
	RANGE_IS("bytes=100-", 1000, 100, 999);
	RANGE_IS("bytes=0-", 1000, 0, 999);
	RANGE_IS("bytes=999-", 1000, 999, 999);
}

static void range_suffix(void **state)
{
	(void)state;
	RANGE_IS("bytes=-500", 1000, 500, 999);
	RANGE_IS("bytes=-1", 1000, 999, 999);
	RANGE_IS("bytes=-500", 500, 0, 499);
	RANGE_IS("bytes=-500", 300, 0, 299);
	RANGE_IS("bytes=-18446744073709551615", 300, 0, 299);
}

static void range_suffix_zero_is_unsatisfiable(void **state)
{
	(void)state;
	RANGE_416("bytes=-0", 1000);
	RANGE_416("bytes=-000", 1000);
}

static void range_first_at_or_beyond_end_is_unsatisfiable(void **state)
{
	(void)state;
	RANGE_416("bytes=1000-", 1000);
	RANGE_416("bytes=1000-2000", 1000);
	RANGE_416("bytes=5000-5001", 1000);
	RANGE_416("bytes=18446744073709551615-", 1000);
}

static void range_first_after_last_is_ignored(void **state)
{
	(void)state;
	RANGE_IGNORED("bytes=5-3", 1000);
	RANGE_IGNORED("bytes=1-0", 1000);
	/* invalid before unsatisfiable */
	RANGE_IGNORED("bytes=5000-3", 1000);
	RANGE_IGNORED("bytes=5-3", 0);
}

static void range_on_empty_entity_is_unsatisfiable(void **state)
{
	(void)state;
	RANGE_416("bytes=0-1", 0);
	RANGE_416("bytes=0-", 0);
	RANGE_416("bytes=0-0", 0);
	RANGE_416("bytes=-5", 0);
	RANGE_416("bytes=-0", 0);
}

static void range_several_ranges_are_ignored(void **state)
{
	(void)state;
	RANGE_IGNORED("bytes=0-1,5-6", 1000);
	RANGE_IGNORED("bytes=0-1, 5-6", 1000);
	RANGE_IGNORED("bytes=0-1,-5", 1000);
	RANGE_IGNORED("bytes=0-1,0-1", 1000);
	RANGE_IGNORED("bytes=5000-,6000-", 1000);
}

static void range_empty_list_elements_are_allowed(void **state)
{
	(void)state;
	RANGE_IS("bytes=0-1,", 1000, 0, 1);
	RANGE_IS("bytes=,0-1", 1000, 0, 1);
	RANGE_IS("bytes= , 0-1 , ,", 1000, 0, 1);
	RANGE_IGNORED("bytes=,", 1000);
	RANGE_IGNORED("bytes=", 1000);
	RANGE_IGNORED("bytes= ", 1000);
}

static void range_other_units_are_ignored(void **state)
{
	(void)state;
	RANGE_IGNORED("items=0-1", 1000);
	RANGE_IGNORED("byte=0-1", 1000);
	RANGE_IGNORED("bytesx=0-1", 1000);
	RANGE_IGNORED("xbytes=0-1", 1000);
	RANGE_IGNORED("bytes", 1000);
	RANGE_IGNORED("byt", 1000);
	RANGE_IGNORED("bytes 0-1", 1000);
	RANGE_IGNORED("bytes:0-1", 1000);
	RANGE_IGNORED("none", 1000);
}

static void range_unit_is_case_insensitive(void **state)
{
	(void)state;
	RANGE_IS("BYTES=0-1", 1000, 0, 1);
	RANGE_IS("Bytes=100-", 1000, 100, 999);
	RANGE_IS("bYtEs=-10", 1000, 990, 999);
}

static void range_tolerates_whitespace(void **state)
{
	(void)state;
	RANGE_IS("bytes=0 - 1", 1000, 0, 1);
	RANGE_IS("bytes= 0-1 ", 1000, 0, 1);
	RANGE_IS("bytes=\t100\t-\t", 1000, 100, 999);
	RANGE_IS("bytes=- 500", 1000, 500, 999);
	RANGE_IS(" bytes=0-1", 1000, 0, 1);
	RANGE_IS("bytes =0-1", 1000, 0, 1);
	RANGE_IGNORED("bytes=0 - 1 , 5 - 6", 1000);
}

static void range_huge_numbers_are_ignored(void **state)
{
	(void)state;
	/* 2^64 and beyond: no wrap-around, no UB (UBSan is on) */
	RANGE_IGNORED("bytes=18446744073709551616-", 1000);
	RANGE_IGNORED("bytes=0-18446744073709551616", 1000);
	RANGE_IGNORED("bytes=-18446744073709551616", 1000);
	RANGE_IGNORED("bytes=99999999999999999999-", 1000);
	RANGE_IGNORED("bytes=0-99999999999999999999", 1000);
	RANGE_IGNORED("bytes=-99999999999999999999", 1000);
	RANGE_IGNORED("bytes=0-999999999999999999999999999999999999999999999999", 1000);
	RANGE_IGNORED("bytes=184467440737095516150-", 1000);
	/* leading zeros are still digits */
	RANGE_IS("bytes=0000000000000000000000010-00000000000000000000000020", 1000, 10, 20);
}

static void range_malformed_is_ignored(void **state)
{
	(void)state;
	RANGE_IGNORED("bytes=-", 1000);
	RANGE_IGNORED("bytes=1", 1000);
	RANGE_IGNORED("bytes=a-b", 1000);
	RANGE_IGNORED("bytes=0-1x", 1000);
	RANGE_IGNORED("bytes=0-1;", 1000);
	RANGE_IGNORED("bytes=--1", 1000);
	RANGE_IGNORED("bytes=0--1", 1000);
	RANGE_IGNORED("bytes=0-1-2", 1000);
	RANGE_IGNORED("bytes=+1-2", 1000);
	RANGE_IGNORED("bytes=1-+2", 1000);
	RANGE_IGNORED("bytes=0x10-0x20", 1000);
	RANGE_IGNORED("bytes=1 2-3", 1000);
	RANGE_IGNORED("bytes==0-1", 1000);
	RANGE_IGNORED("bytes=0-1\r\n", 1000);
}

static void etag_is_quoted_hex_of_the_first_128_bits(void **state)
{
	unsigned char digest[32];
	char out[40];

	(void)state;
	for (int i = 0; i < 32; i++)
		digest[i] = (unsigned char)(i * 16 + 15 - i); /* distinct nibbles */
	memset(out, 'X', sizeof(out));
	etag_make(digest, false, out);
	assert_string_equal(out, "\"0f1e2d3c4b5a69788796a5b4c3d2e1f0\"");
	assert_int_equal(strlen(out), 34);
	memset(out, 'X', sizeof(out));
	etag_make(digest, true, out);
	assert_string_equal(out, "\"0f1e2d3c4b5a69788796a5b4c3d2e1f0-gz\"");
	assert_int_equal(strlen(out), 37);
}

static void etag_differs_with_the_digest(void **state)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 };
	char ea[40], eb[40];

	(void)state;
	b[15] = 1;
	etag_make(a, false, ea);
	etag_make(b, false, eb);
	assert_string_not_equal(ea, eb);
	assert_string_equal(ea, "\"00000000000000000000000000000000\"");
	/* bytes 16..31 are not part of the tag */
	b[15] = 0;
	b[16] = 0xFF;
	etag_make(b, false, eb);
	assert_string_equal(ea, eb);
}

static const char tag[] = "\"0123456789abcdef0123456789abcdef\"";
static const char tag_gz[] = "\"0123456789abcdef0123456789abcdef-gz\"";

static void check_none_match(int line, const char *header, const char *etag, bool want)
{
	char *h = dup_exact(header);
	char *e = dup_exact(etag);
	bool got = etag_none_match(h, e);

	free(h);
	free(e);
	if (got != want)
		fail_msg("line %d: If-None-Match '%s' vs %s: got %d", line,
		         header ? header : "(null)", etag ? etag : "(null)", got);
}

#define NONE_MATCH(h) check_none_match(__LINE__, h, tag, true)
#define NONE_NO_MATCH(h) check_none_match(__LINE__, h, tag, false)

static void none_match_exact_tag(void **state)
{
	(void)state;
	NONE_MATCH(tag);
	NONE_MATCH("\"0123456789abcdef0123456789abcdef\"");
	NONE_NO_MATCH(NULL);
	NONE_NO_MATCH("");
	NONE_NO_MATCH("\"0123456789abcdef0123456789abcdee\"");
	NONE_NO_MATCH("\"0123456789ABCDEF0123456789ABCDEF\"");
	NONE_NO_MATCH(tag_gz);
	check_none_match(__LINE__, tag, tag_gz, false);
	check_none_match(__LINE__, tag_gz, tag_gz, true);
}

static void none_match_is_weak_comparison(void **state)
{
	(void)state;
	NONE_MATCH("W/\"0123456789abcdef0123456789abcdef\"");
	check_none_match(__LINE__, tag, "W/\"0123456789abcdef0123456789abcdef\"", true);
	check_none_match(__LINE__, "W/\"x\"", "W/\"x\"", true);
	/* the prefix is case-sensitive (RFC 9110 §8.8.3) */
	NONE_NO_MATCH("w/\"0123456789abcdef0123456789abcdef\"");
}

static void none_match_searches_a_list(void **state)
{
	(void)state;
	NONE_MATCH("\"a\", \"0123456789abcdef0123456789abcdef\"");
	NONE_MATCH("\"a\",\"0123456789abcdef0123456789abcdef\",\"b\"");
	NONE_MATCH("  \"a\" ,\tW/\"0123456789abcdef0123456789abcdef\"  ,  ");
	NONE_MATCH(",,\"0123456789abcdef0123456789abcdef\",");
	NONE_NO_MATCH("\"a\", \"b\", W/\"c\"");
	/* a comma inside a quoted tag does not split it */
	check_none_match(__LINE__, "\"x,y\"", "\"x,y\"", true);
	check_none_match(__LINE__, "\"x,y\"", "\"x\"", false);
}

static void none_match_star_matches_anything(void **state)
{
	(void)state;
	NONE_MATCH("*");
	NONE_MATCH(" * ");
	NONE_MATCH("\"a\", *");
	NONE_NO_MATCH("*x");
	NONE_NO_MATCH("**");
	NONE_NO_MATCH("\"*\"");
}

static void none_match_skips_malformed_elements(void **state)
{
	(void)state;
	NONE_NO_MATCH("0123456789abcdef0123456789abcdef");
	NONE_NO_MATCH("\"0123456789abcdef0123456789abcdef");
	NONE_NO_MATCH("W/ \"0123456789abcdef0123456789abcdef\"");
	NONE_NO_MATCH("\"0123456789abcdef0123456789abcdef\" junk");
	NONE_NO_MATCH("\"0123456789abcdef 0123456789abcdef\"");
	NONE_MATCH("garbage, \"0123456789abcdef0123456789abcdef\"");
	NONE_MATCH("\"unterminated, \"0123456789abcdef0123456789abcdef\"");
	NONE_MATCH("\"a\" junk, \"0123456789abcdef0123456789abcdef\"");
	check_none_match(__LINE__, "*", NULL, false);
	/* our own tag malformed: nothing but "*" matches it */
	check_none_match(__LINE__, "\"x\"", "\"x\"junk", false);
	check_none_match(__LINE__, "x", "x", false);
	check_none_match(__LINE__, "*", "x", true);
}

static void check_if_range(int line, const char *header, const char *etag, bool want)
{
	char *h = dup_exact(header);
	char *e = dup_exact(etag);
	bool got = etag_if_range(h, e);

	free(h);
	free(e);
	if (got != want)
		fail_msg("line %d: If-Range '%s' vs %s: got %d", line, header ? header : "(null)",
		         etag ? etag : "(null)", got);
}

#define IF_RANGE_YES(h) check_if_range(__LINE__, h, tag, true)
#define IF_RANGE_NO(h) check_if_range(__LINE__, h, tag, false)

static void if_range_absent_allows_range(void **state)
{
	(void)state;
	IF_RANGE_YES(NULL);
}

static void if_range_same_strong_tag_allows_range(void **state)
{
	(void)state;
	IF_RANGE_YES(tag);
	IF_RANGE_YES("  \"0123456789abcdef0123456789abcdef\"\t");
	check_if_range(__LINE__, tag_gz, tag_gz, true);
}

static void if_range_other_tag_refuses_range(void **state)
{
	(void)state;
	IF_RANGE_NO("\"0123456789abcdef0123456789abcdee\"");
	IF_RANGE_NO(tag_gz);
	IF_RANGE_NO("\"\"");
	IF_RANGE_NO("");
	IF_RANGE_NO("*");
	IF_RANGE_NO("0123456789abcdef0123456789abcdef");
	IF_RANGE_NO("\"0123456789abcdef0123456789abcdef\", \"a\"");
	IF_RANGE_NO("\"a\", \"0123456789abcdef0123456789abcdef\"");
}

static void if_range_weak_tags_never_match(void **state)
{
	(void)state;
	IF_RANGE_NO("W/\"0123456789abcdef0123456789abcdef\"");
	check_if_range(__LINE__, "W/\"x\"", "W/\"x\"", false);
	check_if_range(__LINE__, "\"x\"", "W/\"x\"", false);
	check_if_range(__LINE__, "\"x\"", "\"x\"", true);
}

static void if_range_date_never_matches(void **state)
{
	(void)state;
	IF_RANGE_NO("Sat, 29 Oct 1994 19:43:31 GMT");
	IF_RANGE_NO("Thu, 01 Jan 1970 00:00:00 GMT");
	IF_RANGE_NO("Sunday, 06-Nov-94 08:49:37 GMT");
	check_if_range(__LINE__, tag, NULL, false);
}

static void check_match(int line, const char *header, const char *etag, bool strong, bool want)
{
	char *h = dup_exact(header);
	char *e = dup_exact(etag);
	bool got = etag_match_any(h, e, strong);

	free(h);
	free(e);
	if (got != want)
		fail_msg("line %d: '%s' vs %s (%s): got %d", line, header ? header : "(null)",
		         etag ? etag : "(null)", strong ? "strong" : "weak", got);
}

/* If-Match compares strongly: a weak tag on either side never matches (RFC 9110 §8.8.3.2). */
static void match_strong_refuses_weak_tags(void **state)
{
	(void)state;
	check_match(__LINE__, tag, tag, true, true);
	check_match(__LINE__, "\"a\", \"0123456789abcdef0123456789abcdef\"", tag, true, true);
	check_match(__LINE__, "W/\"0123456789abcdef0123456789abcdef\"", tag, true, false);
	check_match(__LINE__, "W/\"0123456789abcdef0123456789abcdef\"", tag, false, true);
	check_match(__LINE__, "\"x\"", "W/\"x\"", true, false);
	check_match(__LINE__, "\"x\"", "W/\"x\"", false, true);
	check_match(__LINE__, tag_gz, tag, true, false);
	/* "*": the resource exists, with or without a tag */
	check_match(__LINE__, "*", tag, true, true);
	check_match(__LINE__, "*", NULL, true, true);
	check_match(__LINE__, tag, NULL, true, false);
	check_match(__LINE__, NULL, tag, true, false);
}

static void check_gzip(int line, const char *header, bool want)
{
	char *h = dup_exact(header);
	bool got = accept_encoding_gzip(h);

	free(h);
	if (got != want)
		fail_msg("line %d: Accept-Encoding '%s': got %d", line, header ? header : "(null)",
		         got);
}

static void accept_encoding_names_gzip_with_a_weight(void **state)
{
	static const struct {
		const char *header;
		bool gzip;
	} cases[] = {
		{ NULL, false },
		{ "", false },
		{ "gzip", true },
		{ "GZIP", true },
		{ "x-gzip", true },
		{ "gzip, deflate, br", true },
		{ "deflate, br", false },
		{ "identity", false },
		{ "gzip;q=0", false },
		{ "gzip; q=0.000", false },
		{ "gzip;q=0.001", true },
		{ "gzip ; Q=1", true },
		{ "gzip;q=1.0", true },
		{ "*", true },
		{ "*;q=0", false },
		{ "br, *;q=0.5", true },
		/* named outright, gzip decides, whatever "*" says */
		{ "gzip;q=0, *", false },
		{ "*, gzip;q=0", false },
		{ "*;q=0, gzip", true },
		/* the highest weight of a name given twice */
		{ "gzip;q=0, gzip;q=0.5", true },
		/* a malformed weight drops the element */
		{ "gzip;q=2", false },
		{ "gzip;q=0.5x", false },
		{ "gzip;level=9", false },
		{ "gzipper", false },
		{ "gzip2, gz", false },
		{ " , ,gzip , ", true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_gzip(__LINE__ * 1000 + (int)i, cases[i].header, cases[i].gzip);
}

static void http_dates_in_their_three_forms(void **state)
{
	static const struct {
		const char *date;
		int64_t t;
	} cases[] = {
		/* RFC 9110 §5.6.7's example, in each form */
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 784111777 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 784111777 },
		{ "Sun Nov  6 08:49:37 1994", 784111777 },
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
		{ "Tue, 29 Feb 2000 23:59:59 GMT", 951868799 },
		{ "Sat, 31 Dec 2033 12:00:00 GMT", 2019643200 },
		{ "Friday, 31-Dec-99 23:59:59 GMT", 946684799 },
		{ "Saturday, 01-Jan-00 00:00:00 GMT", 946684800 },
		{ "Wed Dec 31 23:59:59 1969", -1 }, /* before 1970 */
		{ "Sun, 06 Nov 1994 08:49:37 UTC", -1 },
		{ "Sun, 6 Nov 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 nov 1994 08:49:37 GMT", -1 },
		{ "Sun, 31 Nov 1994 08:49:37 GMT", -1 },
		{ "Mon, 29 Feb 1900 00:00:00 GMT", -1 },
		{ "Sun, 06 Nov 1994 24:00:00 GMT", -1 },
		{ "Sun, 06 Nov 1994 08:60:00 GMT", -1 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT ", -1 },
		{ "\"0123456789abcdef\"", -1 },
		{ "", -1 },
		{ "784111777", -1 },
	};
	char out[HTTP_DATE_SIZE];

	(void)state;
	assert_int_equal(http_date_parse(NULL), -1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = dup_exact(cases[i].date);
		int64_t got = http_date_parse(d);
		free(d);
		if (got != cases[i].t)
			fail_msg("'%s': got %lld, want %lld", cases[i].date, (long long)got,
			         (long long)cases[i].t);
	}
	http_date_format(784111777, out);
	assert_string_equal(out, "Sun, 06 Nov 1994 08:49:37 GMT");
	http_date_format(0, out);
	assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	http_date_format(951868799, out);
	assert_string_equal(out, "Tue, 29 Feb 2000 23:59:59 GMT");
	/* every day of four years reads back */
	for (int64_t t = 1700000000; t < 1700000000 + 4 * 366 * 86400LL; t += 86400 + 3607) {
		http_date_format(t, out);
		assert_int_equal(http_date_parse(out), t);
	}
}

/* Map path; want NULL means it must be refused. */
static void check_entry(int line, const char *path, const char *want)
{
	char *p = dup_exact(path);
	char *name = (char *)"untouched";
	bool ok = urlpath_to_entry(p, &name);

	free(p);
	if (!want) {
		if (ok)
			fail_msg("line %d: '%s' accepted as '%s'", line, path, name);
		if (name)
			fail_msg("line %d: '%s' refused but *name not NULL", line, path);
		return;
	}
	if (!ok)
		fail_msg("line %d: '%s' refused, want '%s'", line, path, want);
	if (strcmp(name, want) != 0)
		fail_msg("line %d: '%s' gave '%s', want '%s'", line, path, name, want);
	free(name);
}

#define ENTRY(path, want) check_entry(__LINE__, path, want)
#define REFUSED(path) check_entry(__LINE__, path, NULL)

static void entry_plain_names(void **state)
{
	(void)state;
	ENTRY("index.html", "index.html");
	ENTRY("lessons/01-intro.html", "lessons/01-intro.html");
	ENTRY("media/pump.mp4", "media/pump.mp4");
	ENTRY("a+b.html", "a+b.html");
	ENTRY("~x_y.css", "~x_y.css");
}

static void entry_folders_mean_index_html(void **state)
{
	(void)state;
	ENTRY("", "index.html");
	ENTRY("x/", "x/index.html");
	ENTRY("lessons/", "lessons/index.html");
	ENTRY("a/b/", "a/b/index.html");
	REFUSED("/");
	REFUSED("x//");
	REFUSED("//");
}

static void entry_decodes_percent_once(void **state)
{
	(void)state;
	ENTRY("lessons/01%20intro.html", "lessons/01 intro.html");
	ENTRY("%69ndex.html", "index.html");
	ENTRY("%E0%B8%9A%E0%B8%97%E0%B8%97%E0%B8%B5%E0%B9%88%201.html",
	      "\xE0\xB8\x9A\xE0\xB8\x97\xE0\xB8\x97\xE0\xB8\xB5\xE0\xB9\x88 1.html");
	ENTRY("%e1%9e%98%e1%9f%81.html", "\xE1\x9E\x98\xE1\x9F\x81.html");
	ENTRY("%25.txt", "%.txt");
	ENTRY("100%25/", "100%/index.html");
	/* %2F is a slash once decoded: the name is what the checker judges */
	ENTRY("a%2Fb.html", "a/b.html");
	ENTRY("x%2f", "x/index.html");
}

static void entry_double_encoding_stays_literal(void **state)
{
	(void)state;
	ENTRY("%252e%252e%252f", "%2e%2e%2f");
	ENTRY("%252e%252e%252fetc%252fpasswd", "%2e%2e%2fetc%2fpasswd");
	ENTRY("%252e%252e/x", "%2e%2e/x");
	ENTRY("%2525", "%25");
	ENTRY("%255c", "%5c");
}

static void entry_refuses_traversal_in_every_spelling(void **state)
{
	(void)state;
	REFUSED("..");
	REFUSED("../");
	REFUSED("../etc/passwd");
	REFUSED("lessons/../../etc/passwd");
	REFUSED("a/..");
	REFUSED("a/../b");
	REFUSED(".");
	REFUSED("./");
	REFUSED("./index.html");
	REFUSED("a/./b");
	REFUSED("%2e%2e/etc/passwd");
	REFUSED("%2E%2E/etc/passwd");
	REFUSED("%2e%2e%2fetc%2fpasswd");
	REFUSED("%2e%2e%2f");
	REFUSED("..%2fetc%2fpasswd");
	REFUSED("..%2F");
	REFUSED("%2e./x");
	REFUSED(".%2e/x");
	REFUSED("a/%2e%2e/b");
	REFUSED("%2e");
	/* overlong UTF-8 for '.' and '/' */
	REFUSED("%c0%ae%c0%ae/etc/passwd");
	REFUSED("%c0%ae%c0%ae%c0%afetc");
	REFUSED("..%c0%afetc");
	REFUSED("%e0%80%ae%e0%80%ae/x");
	/* backslashes, raw and encoded */
	REFUSED("..\\etc\\passwd");
	REFUSED("..\\");
	REFUSED("..%5cetc%5cpasswd");
	REFUSED("%2e%2e%5c");
	REFUSED("a%5cb");
	REFUSED("%5C");
	/* absolute after decoding */
	REFUSED("/etc/passwd");
	REFUSED("%2fetc%2fpasswd");
	REFUSED("%2F");
}

static void entry_refuses_nul_and_bad_percent(void **state)
{
	(void)state;
	REFUSED("%00");
	REFUSED("index.html%00.txt");
	REFUSED("a%00");
	REFUSED("%");
	REFUSED("a%");
	REFUSED("%2");
	REFUSED("a%2");
	REFUSED("%zz");
	REFUSED("%g0");
	REFUSED("%0g");
	REFUSED("% 20");
	REFUSED("%-1");
	REFUSED("%%41");
}

static void entry_refuses_what_the_path_checker_refuses(void **state)
{
	(void)state;
	REFUSED("a//b");
	REFUSED("x%01y");
	REFUSED("x%1fy");
	REFUSED("x%7fy");
	REFUSED("x%0ay");
	REFUSED("x%c2%80y"); /* U+0080, a C1 control */
	REFUSED("%ff.html");
	REFUSED("%80");
	REFUSED("caf%c3");
	REFUSED("%ed%a0%80.txt"); /* surrogate */
	REFUSED("a:b");
	REFUSED("a%3ab");
	REFUSED("a%3Fb");
	REFUSED("lessons/01.html?x=1");
	REFUSED("a*b");
	REFUSED("a%22b");
	REFUSED("x.");
	REFUSED("x%20");
	REFUSED("e%cc%81.html"); /* not NFC */
}

/* "%61" n times, with "%2F" for every 201st byte, so it decodes to n bytes. */
static char *encoded_long_name(size_t n)
{
	char *s = malloc(3 * n + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 3 * i, (i % 201 == 200 && i + 1 < n) ? "%2F" : "%61", 3);
	s[3 * n] = '\0';
	return s;
}

static void entry_bounds_the_length(void **state)
{
	char *s, *name;

	(void)state;
	s = encoded_long_name(1024);
	assert_true(urlpath_to_entry(s, &name));
	assert_int_equal(strlen(name), 1024);
	assert_int_equal(name[200], '/');
	free(name);
	free(s);
	s = encoded_long_name(1025);
	assert_false(urlpath_to_entry(s, &name));
	assert_null(name);
	free(s);

	s = malloc(100001);
	assert_non_null(s);
	memset(s, 'a', 1025);
	s[1025] = '\0';
	assert_false(urlpath_to_entry(s, &name)); /* the checker's 1024-byte limit */
	assert_null(name);
	free(s);

	s = malloc(100001);
	assert_non_null(s);
	memset(s, 'a', 100000);
	s[100000] = '\0';
	assert_false(urlpath_to_entry(s, &name));
	assert_null(name);
	free(s);
	assert_false(urlpath_to_entry(NULL, &name));
	assert_null(name);
}

static void check_encode(int line, const char *in, const char *want)
{
	char *got = urlpath_encode(in);

	if (!got)
		fail_msg("line %d: NULL", line);
	if (strcmp(got, want) != 0)
		fail_msg("line %d: '%s' gave '%s', want '%s'", line, in, got, want);
	free(got);
}

static void encode_keeps_unreserved_and_slash(void **state)
{
	(void)state;
	check_encode(__LINE__, "", "");
	check_encode(__LINE__, "index.html", "index.html");
	check_encode(__LINE__, "ABCXYZabcxyz0189-._~/", "ABCXYZabcxyz0189-._~/");
	check_encode(__LINE__, "lessons/01-intro.html", "lessons/01-intro.html");
}

static void encode_escapes_everything_else(void **state)
{
	(void)state;
	check_encode(__LINE__, "lessons/01 intro.html", "lessons/01%20intro.html");
	check_encode(__LINE__, "a?b#c%d&e=f+g", "a%3Fb%23c%25d%26e%3Df%2Bg");
	check_encode(__LINE__, "\"<>\\'", "%22%3C%3E%5C%27");
	check_encode(__LINE__, "\x01\x7F", "%01%7F");
	check_encode(__LINE__, "\xE0\xB8\x9A\xE0\xB8\x97.html", "%E0%B8%9A%E0%B8%97.html");
	check_encode(__LINE__, "\xFF", "%FF");
}

static void encode_then_decode_is_identity(void **state)
{
	static const char *const names[] = {
		"index.html",
		"lessons/01 intro.html",
		"media/\xE1\x9E\x80\xE1\x9E\xB6\xE1\x9E\x9A.mp4",
		"\xE0\xB8\x9A\xE0\xB8\x97/\xE0\xB8\xAB\xE0\xB8\x99\xE0\xB9\x89\xE0\xB8\xB2.html",
		"\xE4\xB8\xAD\xE6\x96\x87/\xE8\xAF\xBE.html",
		"100%.txt",
		"a+b&c=d;e,f'g(h)i!j$k@l.txt",
		"%2e%2e%2f",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *enc = urlpath_encode(names[i]);
		char *back = NULL;

		assert_non_null(enc);
		if (!urlpath_to_entry(enc, &back))
			fail_msg("'%s' (encoded '%s') refused", names[i], enc);
		assert_string_equal(back, names[i]);
		free(back);
		free(enc);
	}
}

static void check_lang(int line, const char *header, const char *const *avail, size_t n,
                       const char *want)
{
	char *h = dup_exact(header);
	const char *got = accept_language(h, avail, n, "FALLBACK");

	free(h);
	if (strcmp(got, want) != 0)
		fail_msg("line %d: '%s': got '%s', want '%s'", line, header ? header : "(null)",
		         got, want);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct lang_case {
	int line;
	const char *header;
	const char *want;
};

#define LANG(h, w)             \
	{                      \
		__LINE__, h, w \
	}

static void run_lang_table(const struct lang_case *cases, size_t n, const char *const *avail,
                           size_t navail)
{
	for (size_t i = 0; i < n; i++)
		check_lang(cases[i].line, cases[i].header, avail, navail, cases[i].want);
}

static void lang_thai(void **state)
{
	static const char *const avail[] = { "en", "th", "km", "lo", "my" };
	static const struct lang_case cases[] = {
		LANG("th-TH,th;q=0.9,en;q=0.5,*;q=0.1", "th"),
		LANG("th", "th"),
		LANG("th-TH", "th"),
		LANG("TH-th", "th"),
		LANG("en;q=0.5,th", "th"),
		LANG("en, th", "en"),
		LANG("th, en", "th"),
		LANG("th;q=0, en;q=0.1", "en"),
		LANG("th;q=0", "FALLBACK"),
		LANG("th;q=0.0, *", "en"),
		LANG("en;q=0, th;q=0, *", "km"),
		LANG("en-US,en;q=0.9,th;q=0.8", "en"),
		LANG("fr-FR,fr;q=0.9,th;q=0.1", "th"),
		LANG("th;q=0.001", "th"),
		LANG("en;q=0.5, th;q=0.555", "th"),
		LANG("th;q=1.000, en", "th"),
		LANG("th;Q=0.9, en;q=0.8", "th"),
		LANG(" th ; q=0.9 , en ; q=0.8 ", "th"),
		LANG("\tth;q=0.9,\ten;q=1", "en"),
		LANG("thx, en", "en"),
		LANG("t, en;q=0.1", "en"),
	};

	(void)state;
	run_lang_table(cases, N(cases), avail, N(avail));
}

static void lang_khmer(void **state)
{
	static const char *const avail[] = { "en", "km-KH", "th" };
	static const char *const plain[] = { "km", "en" };
	static const struct lang_case cases[] = {
		LANG("km-KH,km;q=0.9,en-US;q=0.8,en;q=0.7", "km-KH"),
		LANG("km", "km-KH"),
		LANG("KM", "km-KH"),
		LANG("km-kh", "km-KH"),
		LANG("km;q=0.8, th;q=0.9", "th"),
		LANG("km-KH;q=0, km, en;q=0.5", "en"),
		LANG("km;q=0, *", "en"),
		LANG("fr, km;q=0.2", "km-KH"),
	};
	static const struct lang_case plain_cases[] = {
		LANG("km-KH", "km"),          LANG("km-KH-x-test", "km"),
		LANG("en-US,km;q=0.8", "en"), LANG("km-KH;q=0, km;q=0.9", "km"),
		LANG("km;q=0, en-GB", "en"),  LANG("*", "km"),
	};

	(void)state;
	run_lang_table(cases, N(cases), avail, N(avail));
	run_lang_table(plain_cases, N(plain_cases), plain, N(plain));
}

static void lang_chinese(void **state)
{
	static const char *const hans_hant[] = { "en", "zh-Hant", "zh-Hans" };
	static const char *const with_zh[] = { "zh-Hans", "zh", "zh-Hant" };
	static const struct lang_case cases[] = {
		LANG("zh", "zh-Hant"),
		LANG("zh-Hans", "zh-Hans"),
		LANG("zh-hans", "zh-Hans"),
		LANG("zh-Hans-CN", "zh-Hans"),
		LANG("zh-Hant-TW,zh;q=0.9", "zh-Hant"),
		LANG("zh-TW,zh;q=0.9,en;q=0.8", "zh-Hant"),
		/* regions name the script browsers mean: mainland China and Singapore simplified */
		LANG("zh-CN", "zh-Hans"),
		LANG("zh-cn, en;q=0.1", "zh-Hans"),
		LANG("zh-SG", "zh-Hans"),
		LANG("zh-HK", "zh-Hant"),
		LANG("zh-CNX", "FALLBACK"),
		LANG("zh-DE", "FALLBACK"),
		LANG("zh, zh-Hant;q=0", "zh-Hans"),
		LANG("zh;q=0, *", "en"),
		LANG("z, zhx", "FALLBACK"),
		LANG("zh-Han", "FALLBACK"),
	};
	static const struct lang_case zh_cases[] = {
		/* an exact match beats a more or less specific one */
		LANG("zh", "zh"),
		LANG("zh-Hans-CN", "zh-Hans"),
		LANG("zh-CN", "zh-Hans"), /* the script its region writes beats the bare language */
		LANG("zh-Hant-HK-x-y", "zh-Hant"),
	};

	(void)state;
	run_lang_table(cases, N(cases), hans_hant, N(hans_hant));
	run_lang_table(zh_cases, N(zh_cases), with_zh, N(with_zh));
}

static void lang_star_takes_the_first_available(void **state)
{
	static const char *const avail[] = { "lo", "en", "th" };
	static const struct lang_case cases[] = {
		LANG("*", "lo"),         LANG("fr, *;q=0.5", "lo"), LANG("*;q=0.5, th", "th"),
		LANG("lo;q=0, *", "en"), LANG("*;q=0", "FALLBACK"), LANG("*;q=0, th", "th"),
	};

	(void)state;
	run_lang_table(cases, N(cases), avail, N(avail));
}

static void lang_skips_malformed_parts(void **state)
{
	static const char *const avail[] = { "en", "th" };
	static const struct lang_case cases[] = {
		LANG("th;q=2, en", "en"),
		LANG("th;q=1.001, en;q=0.1", "en"),
		LANG("th;q=0.5000, en;q=0.1", "en"),
		LANG("th;q=abc, en;q=0.1", "en"),
		LANG("th;q=, en;q=0.1", "en"),
		LANG("th;q=-1, en;q=0.1", "en"),
		LANG("th;q=.5, en;q=0.1", "en"),
		LANG("th;q=0.5;x=1, en;q=0.1", "en"),
		LANG("th;level=1, en;q=0.1", "en"),
		LANG("th;, en;q=0.1", "en"),
		LANG("th q=1, en;q=0.1", "en"),
		LANG(";;, ,, en;q=0.1", "en"),
		LANG("-th, en;q=0.1", "en"),
		LANG("th-, en;q=0.1", "en"),
		LANG("th--TH, en;q=0.1", "en"),
		LANG("th_TH, en;q=0.1", "en"),
		LANG("1th, en;q=0.1", "en"),
		LANG("th\xE0\xB8\x9A, en;q=0.1", "en"),
		LANG("th;q=0.", "FALLBACK"),
		LANG("", "FALLBACK"),
		LANG(",", "FALLBACK"),
		LANG("fr, de;q=0.5", "FALLBACK"),
	};

	(void)state;
	run_lang_table(cases, N(cases), avail, N(avail));
}

static void lang_null_header_or_nothing_available_gives_fallback(void **state)
{
	static const char *const avail[] = { "en", "th" };
	static const char *const holes[] = { NULL, "th", NULL };

	(void)state;
	check_lang(__LINE__, NULL, avail, N(avail), "FALLBACK");
	check_lang(__LINE__, "th", avail, 0, "FALLBACK");
	check_lang(__LINE__, "*", avail, 0, "FALLBACK");
	check_lang(__LINE__, "*", holes, N(holes), "th");
	assert_string_equal(accept_language("th", NULL, 0, "en"), "en");
	assert_ptr_equal(accept_language(NULL, avail, N(avail), NULL), NULL);
	/* the result is the caller's own string */
	assert_ptr_equal(accept_language("TH", avail, N(avail), "x"), avail[1]);
}

static void lang_survives_a_huge_header(void **state)
{
	static const char *const avail[] = { "en", "th" };
	size_t len = 200000;
	char *h = malloc(len + 1);

	(void)state;
	assert_non_null(h);
	for (size_t i = 0; i < len; i += 2)
		memcpy(h + i, "a,", 2);
	memcpy(h, "th;q=0.1,", 9);
	h[len] = '\0';
	assert_string_equal(accept_language(h, avail, N(avail), "x"), "th");
	memset(h, 'a', len);
	assert_string_equal(accept_language(h, avail, N(avail), "x"), "x");
	free(h);
}

static void cookie_by_name(void **state)
{
	static const struct {
		int line;
		const char *header, *name, *want; /* want NULL: no such cookie */
	} table[] = {
		{ __LINE__, NULL, "sampan_lang", NULL },
		{ __LINE__, "", "sampan_lang", NULL },
		{ __LINE__, "sampan_lang=th", "sampan_lang", "th" },
		{ __LINE__, "a=1; sampan_lang=zh-Hans; b=2", "sampan_lang", "zh-Hans" },
		{ __LINE__, "a=1;sampan_lang=km", "sampan_lang", "km" },
		{ __LINE__, "sampan_lang=vi \t; b=2", "sampan_lang", "vi" },
		{ __LINE__, "sampan_lang=", "sampan_lang", "" },
		/* the whole name, at the start of a cookie */
		{ __LINE__, "xsampan_lang=th", "sampan_lang", NULL },
		{ __LINE__, "sampan_language=th", "sampan_lang", NULL },
		{ __LINE__, "a=sampan_lang=th", "sampan_lang", NULL },
		{ __LINE__, "sampan_lang", "sampan_lang", NULL },
		/* the first of two */
		{ __LINE__, "sampan_lang=lo; sampan_lang=my", "sampan_lang", "lo" },
		{ __LINE__, "sampan_teacher=ab12; sampan_lang=th", "sampan_teacher", "ab12" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		size_t len = 99;
		const char *v = cookie_value(table[i].header, table[i].name, &len);

		if (!table[i].want && v)
			fail_msg("line %d: found '%.*s'", table[i].line, (int)len, v);
		if (table[i].want &&
		    (!v || len != strlen(table[i].want) || memcmp(v, table[i].want, len) != 0))
			fail_msg("line %d: found '%.*s', not '%s'", table[i].line, v ? (int)len : 0,
			         v ? v : "", table[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(range_absent_is_none),
		cmocka_unit_test(range_safari_probe_gives_first_two_bytes),
		cmocka_unit_test(range_first_to_last),
		cmocka_unit_test(range_last_beyond_end_is_clamped),
		cmocka_unit_test(range_open_ended),
		cmocka_unit_test(range_suffix),
		cmocka_unit_test(range_suffix_zero_is_unsatisfiable),
		cmocka_unit_test(range_first_at_or_beyond_end_is_unsatisfiable),
		cmocka_unit_test(range_first_after_last_is_ignored),
		cmocka_unit_test(range_on_empty_entity_is_unsatisfiable),
		cmocka_unit_test(range_several_ranges_are_ignored),
		cmocka_unit_test(range_empty_list_elements_are_allowed),
		cmocka_unit_test(range_other_units_are_ignored),
		cmocka_unit_test(range_unit_is_case_insensitive),
		cmocka_unit_test(range_tolerates_whitespace),
		cmocka_unit_test(range_huge_numbers_are_ignored),
		cmocka_unit_test(range_malformed_is_ignored),
		cmocka_unit_test(etag_is_quoted_hex_of_the_first_128_bits),
		cmocka_unit_test(etag_differs_with_the_digest),
		cmocka_unit_test(none_match_exact_tag),
		cmocka_unit_test(none_match_is_weak_comparison),
		cmocka_unit_test(none_match_searches_a_list),
		cmocka_unit_test(none_match_star_matches_anything),
		cmocka_unit_test(none_match_skips_malformed_elements),
		cmocka_unit_test(if_range_absent_allows_range),
		cmocka_unit_test(if_range_same_strong_tag_allows_range),
		cmocka_unit_test(if_range_other_tag_refuses_range),
		cmocka_unit_test(if_range_weak_tags_never_match),
		cmocka_unit_test(if_range_date_never_matches),
		cmocka_unit_test(match_strong_refuses_weak_tags),
		cmocka_unit_test(accept_encoding_names_gzip_with_a_weight),
		cmocka_unit_test(http_dates_in_their_three_forms),
		cmocka_unit_test(entry_plain_names),
		cmocka_unit_test(entry_folders_mean_index_html),
		cmocka_unit_test(entry_decodes_percent_once),
		cmocka_unit_test(entry_double_encoding_stays_literal),
		cmocka_unit_test(entry_refuses_traversal_in_every_spelling),
		cmocka_unit_test(entry_refuses_nul_and_bad_percent),
		cmocka_unit_test(entry_refuses_what_the_path_checker_refuses),
		cmocka_unit_test(entry_bounds_the_length),
		cmocka_unit_test(encode_keeps_unreserved_and_slash),
		cmocka_unit_test(encode_escapes_everything_else),
		cmocka_unit_test(encode_then_decode_is_identity),
		cmocka_unit_test(lang_thai),
		cmocka_unit_test(lang_khmer),
		cmocka_unit_test(lang_chinese),
		cmocka_unit_test(lang_star_takes_the_first_available),
		cmocka_unit_test(lang_skips_malformed_parts),
		cmocka_unit_test(lang_null_header_or_nothing_available_gives_fallback),
		cmocka_unit_test(lang_survives_a_huge_header),
		cmocka_unit_test(cookie_by_name),
	};
	return cmocka_run_group_tests_name("httputil", tests, NULL, NULL);
}

/*
 * test_httpcond.c - the one decision of player/httpcond.c, as a table:
 * for each request (its headers) and resource (an entry that can go
 * gzipped, a decorated page, a font with a date, a body without a tag),
 * the representation, its ETag, the status (200, 206, 304, 412, 416) and
 * the range.  The rows follow RFC 9110 §13.2.2's order of preconditions.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpcond.h"

#define T "0123456789abcdef0123456789abcdef"
#define ID "\"" T "\""
#define GZ "\"" T "-gz\""
#define DEC "\"" T "-d\""
#define FONT "\"2ebc98a1-1bae0\""
#define LM_DATE "Sun, 06 Nov 1994 08:49:37 GMT" /* the font's Last-Modified */
#define EARLIER "Sun, 06 Nov 1994 08:49:36 GMT"
#define LATER "Sunday, 06-Nov-94 08:49:38 GMT"

enum res { ENTRY, PAGE, FONT_FILE, UNTAGGED };

static const struct httpcond_resource resources[] = {
	/* a deflated entry: as it is, or gzipped; 1000 bytes; no date */
	[ENTRY] = { T, NULL, true, true, 1000, -1 },
	/* a page with the player's fonts linked: its own representation, not gzipped */
	[PAGE] = { T, "d", false, true, 1200, -1 },
	/* a font file: a tag from its time and size, and its date */
	[FONT_FILE] = { "2ebc98a1-1bae0", NULL, true, false, 113376, 784111777 },
	/* nothing to validate with */
	[UNTAGGED] = { NULL, NULL, false, true, 10, -1 },
};

struct row {
	int line;
	enum res res;
	bool head;
	const char *accept_encoding, *range, *if_range, *if_match, *if_none_match, *ims, *ius;
	unsigned status;
	enum httpcond_rep rep;
	const char *etag;
	uint64_t first, last;
};

#define ROW(...)                      \
	{                             \
		__LINE__, __VA_ARGS__ \
	}
#define N NULL
#define I HTTPCOND_IDENTITY
#define G HTTPCOND_GZIP

/* res head  Accept-Enc  Range  If-Range  If-Match  If-None-Match  IMS  IUS -> status rep etag first last */
static const struct row rows[] = {
	/* representations and their ETags */
	ROW(ENTRY, false, N, N, N, N, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, "gzip, deflate, br", N, N, N, N, N, N, 200, G, GZ, 0, 0),
	ROW(ENTRY, false, "gzip;q=0", N, N, N, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, "*", N, N, N, N, N, N, 200, G, GZ, 0, 0),
	ROW(PAGE, false, "gzip", N, N, N, N, N, N, 200, I, DEC, 0, 0),
	ROW(FONT_FILE, false, "gzip", N, N, N, N, N, N, 200, G, "\"2ebc98a1-1bae0-gz\"", 0, 0),
	ROW(UNTAGGED, false, "gzip", N, N, N, N, N, N, 200, I, "", 0, 0),

	/* If-None-Match, against the representation selected: 304 for every one */
	ROW(ENTRY, false, N, N, N, N, ID, N, N, 304, I, ID, 0, 0),
	ROW(ENTRY, false, "gzip", N, N, N, GZ, N, N, 304, G, GZ, 0, 0),
	ROW(PAGE, false, "gzip", N, N, N, DEC, N, N, 304, I, DEC, 0, 0),
	ROW(FONT_FILE, false, "gzip", N, N, N, "\"2ebc98a1-1bae0-gz\"", N, N, 304, G,
	    "\"2ebc98a1-1bae0-gz\"", 0, 0),
	/* the other representation's tag is another representation: 200 */
	ROW(ENTRY, false, "gzip", N, N, N, ID, N, N, 200, G, GZ, 0, 0),
	ROW(ENTRY, false, N, N, N, N, GZ, N, N, 200, I, ID, 0, 0),
	ROW(PAGE, false, N, N, N, N, ID, N, N, 200, I, DEC, 0, 0),
	/* lists, weak tags, "*" */
	ROW(ENTRY, false, "gzip", N, N, N, "\"old\", " GZ, N, N, 304, G, GZ, 0, 0),
	ROW(ENTRY, false, "gzip", N, N, N, "\"old\", W/" GZ ", \"older\"", N, N, 304, G, GZ, 0, 0),
	ROW(ENTRY, false, N, N, N, N, "W/" ID, N, N, 304, I, ID, 0, 0),
	ROW(ENTRY, false, N, N, N, N, "*", N, N, 304, I, ID, 0, 0),
	ROW(ENTRY, false, N, N, N, N, "\"a\", \"b\"", N, N, 200, I, ID, 0, 0),
	ROW(UNTAGGED, false, N, N, N, N, "*", N, N, 304, I, "", 0, 0),
	ROW(UNTAGGED, false, N, N, N, N, ID, N, N, 200, I, "", 0, 0),
	/* HEAD revalidates like GET */
	ROW(ENTRY, true, "gzip", N, N, N, GZ, N, N, 304, G, GZ, 0, 0),

	/* If-Modified-Since: only with a date, and only without If-None-Match */
	ROW(FONT_FILE, false, N, N, N, N, N, LM_DATE, N, 304, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, N, LATER, N, 304, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, N, "Sun Nov  6 08:49:37 1994", N, 304, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, N, EARLIER, N, 200, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, N, "yesterday", N, 200, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, "\"other\"", LM_DATE, N, 200, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, FONT, EARLIER, N, 304, I, FONT, 0, 0),
	ROW(ENTRY, false, N, N, N, N, N, LM_DATE, N, 200, I, ID, 0, 0),

	/* If-Match and If-Unmodified-Since: 412 when they fail, before anything else */
	ROW(ENTRY, false, N, N, N, ID, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, N, N, "*", N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, N, N, "\"a\", " ID, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, N, N, "\"old\"", N, N, N, 412, I, ID, 0, 0),
	ROW(ENTRY, false, N, N, N, "W/" ID, N, N, N, 412, I, ID, 0, 0), /* strong comparison */
	ROW(ENTRY, false, "gzip", N, N, ID, N, N, N, 412, G, GZ, 0, 0),
	ROW(ENTRY, false, N, N, N, "\"old\"", ID, N, N, 412, I, ID, 0, 0),
	ROW(UNTAGGED, false, N, N, N, ID, N, N, N, 412, I, "", 0, 0),
	ROW(UNTAGGED, false, N, N, N, "*", N, N, N, 200, I, "", 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, N, N, EARLIER, 412, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, N, N, N, LM_DATE, 200, I, FONT, 0, 0),
	ROW(FONT_FILE, false, N, N, N, FONT, N, N, EARLIER, 200, I, FONT, 0, 0),
	ROW(ENTRY, false, N, N, N, N, N, N, EARLIER, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, "bytes=0-9", N, "\"old\"", N, N, N, 412, I, ID, 0, 0),

	/* Range: on the representation as it is; a Range header selects it */
	ROW(ENTRY, false, N, "bytes=0-1", N, N, N, N, N, 206, I, ID, 0, 1),
	ROW(ENTRY, false, "gzip", "bytes=100-", N, N, N, N, N, 206, I, ID, 100, 999),
	ROW(ENTRY, false, "gzip", "bytes=-10", N, N, N, N, N, 206, I, ID, 990, 999),
	ROW(ENTRY, false, N, "bytes=500-2000", N, N, N, N, N, 206, I, ID, 500, 999),
	ROW(ENTRY, false, N, "bytes=1000-", N, N, N, N, N, 416, I, ID, 0, 0),
	ROW(ENTRY, false, N, "bytes=0-1,5-6", N, N, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, "items=0-1", N, N, N, N, N, 200, I, ID, 0, 0),
	ROW(PAGE, false, "gzip", "bytes=1100-", N, N, N, N, N, 206, I, DEC, 1100, 1199),
	ROW(UNTAGGED, false, N, "bytes=2-3", N, N, N, N, N, 206, I, "", 2, 3),
	/* HEAD: no range (§14.2) */
	ROW(ENTRY, true, N, "bytes=0-1", N, N, N, N, N, 200, I, ID, 0, 0),
	/* no Range on a resource that takes none */
	ROW(FONT_FILE, false, N, "bytes=0-1", N, N, N, N, N, 200, I, FONT, 0, 0),
	/* 304 comes before the range */
	ROW(ENTRY, false, N, "bytes=0-1", N, N, ID, N, N, 304, I, ID, 0, 0),

	/* If-Range: resuming a video (§13.1.5) */
	ROW(ENTRY, false, N, "bytes=500-", ID, N, N, N, N, 206, I, ID, 500, 999),
	ROW(ENTRY, false, N, "bytes=500-", "\"old\"", N, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, "bytes=500-", "W/" ID, N, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, "bytes=500-", GZ, N, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, "bytes=5000-", "\"old\"", N, N, N, N, 200, I, ID, 0, 0),
	ROW(ENTRY, false, N, "bytes=5000-", ID, N, N, N, N, 416, I, ID, 0, 0),
	ROW(ENTRY, false, N, "bytes=500-", LM_DATE, N, N, N, N, 200, I, ID, 0, 0),
	ROW(PAGE, false, N, "bytes=0-9", DEC, N, N, N, N, 206, I, DEC, 0, 9),
	ROW(PAGE, false, N, "bytes=0-9", ID, N, N, N, N, 200, I, DEC, 0, 0),
	ROW(UNTAGGED, false, N, "bytes=0-1", ID, N, N, N, N, 200, I, "", 0, 0),
};

static void decides_every_row(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		struct httpcond_request rq = { w->head,     w->accept_encoding,
			                       w->range,    w->if_range,
			                       w->if_match, w->if_none_match,
			                       w->ims,      w->ius };
		struct httpcond_answer a;

		memset(&a, 0x55, sizeof(a));
		httpcond_decide(&rq, &resources[w->res], &a);
		if (a.status != w->status || a.rep != w->rep || strcmp(a.etag, w->etag) != 0 ||
		    (w->status == 206 && (a.first != w->first || a.last != w->last)))
			fail_msg("row at line %d: got %u %s %s %llu-%llu, want %u %s %s %llu-%llu",
			         w->line, a.status, a.rep == G ? "gzip" : "identity", a.etag,
			         (unsigned long long)a.first, (unsigned long long)a.last, w->status,
			         w->rep == G ? "gzip" : "identity", w->etag,
			         (unsigned long long)w->first, (unsigned long long)w->last);
		/* an answer about something that has a gzip form says it depends on Accept-Encoding */
		if (a.vary_encoding != resources[w->res].gzip)
			fail_msg("row at line %d: Vary %d", w->line, a.vary_encoding);
	}
}

/* An empty entity: any range is unsatisfiable, the whole of it is fine. */
static void empty_entity(void **state)
{
	struct httpcond_resource rs = { T, NULL, false, true, 0, -1 };
	struct httpcond_request rq;
	struct httpcond_answer a;

	(void)state;
	memset(&rq, 0, sizeof(rq));
	httpcond_decide(&rq, &rs, &a);
	assert_int_equal(a.status, 200);
	rq.range = "bytes=0-";
	httpcond_decide(&rq, &rs, &a);
	assert_int_equal(a.status, 416);
	rq.range = "bytes=-5";
	httpcond_decide(&rq, &rs, &a);
	assert_int_equal(a.status, 416);
}

/* A tag too long for an ETag's room is cut, never overflows. */
static void long_tags_fit(void **state)
{
	char tag[200];
	struct httpcond_resource rs = { tag, "a-long-variant", false, true, 5, -1 };
	struct httpcond_request rq;
	struct httpcond_answer a;

	(void)state;
	memset(tag, 'x', sizeof(tag) - 1);
	tag[sizeof(tag) - 1] = '\0';
	memset(&rq, 0, sizeof(rq));
	httpcond_decide(&rq, &rs, &a);
	assert_int_equal(strlen(a.etag), HTTPCOND_ETAG_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decides_every_row),
		cmocka_unit_test(empty_entity),
		cmocka_unit_test(long_tags_fit),
	};
	return cmocka_run_group_tests_name("httpcond", tests, NULL, NULL);
}

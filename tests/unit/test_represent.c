/*
 * test_represent.c - httpcond's answers written as a reply's headers
 * (player/represent.c): a table of conditional requests for a body the player
 * makes, each with the status, headers and body it gets; the headers of 206,
 * 304, 412 and 416; Content-Type for text and for media.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "represent.h"

struct fake {
	const char *headers[4][2];
};

static const char *fake_header(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;

	for (size_t i = 0; i < 4 && f->headers[i][0]; i++)
		if (strcasecmp(f->headers[i][0], name) == 0)
			return f->headers[i][1];
	return NULL;
}

static void made_bodies_answer_conditional_requests(void **state)
{
	(void)state;
	/* the tag of "hello" is given: "abc" */
	static const struct {
		struct fake f;
		bool head;
		unsigned status;
		bool body;
	} table[] = {
		{ { { { NULL, NULL } } }, false, 200, true },
		{ { { { NULL, NULL } } }, true, 200, true }, /* HEAD: the server sends no body */
		{ { { { "If-None-Match", "\"abc\"" } } }, false, 304, false },
		{ { { { "If-None-Match", "W/\"abc\"" } } }, false, 304, false },
		{ { { { "If-None-Match", "\"other\", \"abc\"" } } }, false, 304, false },
		{ { { { "If-None-Match", "*" } } }, false, 304, false },
		{ { { { "If-None-Match", "\"other\"" } } }, false, 200, true },
		{ { { { "If-Match", "\"other\"" } } }, false, 412, false },
		{ { { { "If-Match", "\"abc\"" } } }, false, 200, true },
		/* a made body is whole: Range is not answered */
		{ { { { "Range", "bytes=0-1" } } }, false, 200, true },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct request rq = {
			"GET", "/x", table[i].head, false, fake_header, NULL, (void *)&table[i].f,
			{ 0 }, 0,    false,         false
		};
		struct reply r;

		reply_init(&r);
		represent_made(&r, &rq, "text/plain", "hello", 5, false, "abc", "no-cache");
		if (r.status != table[i].status)
			fail_msg("case %zu: %u, not %u", i, r.status, table[i].status);
		assert_int_equal(r.body, table[i].body ? REPLY_BUFFER : REPLY_NONE);
		if (r.status == 200 || r.status == 304) {
			assert_string_equal(reply_get_header(&r, "ETag"), "\"abc\"");
			assert_string_equal(reply_get_header(&r, "Cache-Control"), "no-cache");
		}
		if (table[i].body) {
			assert_int_equal(r.len, 5);
			assert_string_equal(reply_get_header(&r, "Content-Type"), "text/plain");
			assert_null(reply_get_header(&r, "Accept-Ranges"));
		} else {
			assert_null(reply_get_header(&r, "Content-Type"));
		}
		reply_release(&r);
	}
}

static void a_made_body_without_a_tag_gets_one_from_its_bytes(void **state)
{
	(void)state;
	struct fake none = { { { NULL, NULL } } };
	struct request rq = { "GET", "/x",  false, false, fake_header, NULL,
		              &none, { 0 }, 0,     false, false };
	struct reply r, r2;
	char *body = strdup("<p>catalog</p>");

	reply_init(&r);
	represent_made(&r, &rq, "text/html", body, strlen(body), true, NULL, "no-cache");
	assert_int_equal(r.status, 200);
	assert_true(r.owned); /* taken: freed with the reply */
	assert_int_equal(strlen(reply_get_header(&r, "ETag")), 34);
	/* the same bytes, the same tag; revalidated: 304, and the body freed */
	{
		struct fake inm = { { { "If-None-Match", reply_get_header(&r, "ETag") } } };
		struct request rq2 = { "GET", "/x",  false, false, fake_header, NULL,
			               &inm,  { 0 }, 0,     false, false };
		reply_init(&r2);
		represent_made(&r2, &rq2, "text/html", strdup("<p>catalog</p>"), 14, true, NULL,
		               "no-cache");
		assert_int_equal(r2.status, 304);
		reply_release(&r2);
	}
	reply_release(&r);
	/* out of memory making it: the reply fails, the connection is dropped */
	reply_init(&r);
	represent_made(&r, &rq, "text/html", NULL, 0, true, NULL, "no-cache");
	assert_true(r.failed);
	reply_release(&r);
}

static void headers_of_ranges_and_encodings(void **state)
{
	(void)state;
	struct httpcond_resource rs;
	struct httpcond_answer a;
	struct reply r;

	memset(&rs, 0, sizeof(rs));
	rs.tag = "t";
	rs.size = 1000;
	rs.ranges = true;
	rs.gzip = true;
	rs.last_modified = 0;
	memset(&a, 0, sizeof(a));
	a.status = 206;
	a.rep = HTTPCOND_IDENTITY;
	a.first = 100;
	a.last = 199;
	a.vary_encoding = true;
	snprintf(a.etag, sizeof(a.etag), "\"t\"");
	reply_init(&r);
	represent_body_headers(&r, &a, &rs, "video/mp4", "public, max-age=86400",
	                       "Accept-Language");
	assert_string_equal(reply_get_header(&r, "Content-Range"), "bytes 100-199/1000");
	assert_string_equal(reply_get_header(&r, "Accept-Ranges"), "bytes");
	assert_string_equal(reply_get_header(&r, "Vary"), "Accept-Encoding, Accept-Language");
	assert_string_equal(reply_get_header(&r, "Last-Modified"), "Thu, 01 Jan 1970 00:00:00 GMT");
	assert_null(reply_get_header(&r, "Content-Encoding"));
	reply_release(&r);

	a.status = 200;
	a.rep = HTTPCOND_GZIP;
	rs.last_modified = -1;
	reply_init(&r);
	represent_body_headers(&r, &a, &rs, NULL, NULL, NULL);
	assert_string_equal(reply_get_header(&r, "Content-Encoding"), "gzip");
	assert_null(reply_get_header(&r, "Accept-Ranges")); /* ranges are of the identity */
	assert_null(reply_get_header(&r, "Content-Range"));
	assert_null(reply_get_header(&r, "Content-Type"));
	assert_null(reply_get_header(&r, "Last-Modified"));
	assert_string_equal(reply_get_header(&r, "Vary"), "Accept-Encoding");
	reply_release(&r);

	a.status = 416;
	reply_init(&r);
	represent_bodiless(&r, &a, &rs, "public", NULL);
	assert_int_equal(r.status, 416);
	assert_int_equal(r.body, REPLY_NONE);
	assert_string_equal(reply_get_header(&r, "Content-Range"), "bytes */1000");
	assert_null(reply_get_header(&r, "ETag")); /* only 304 repeats the validators */
	reply_release(&r);
	a.status = 412;
	reply_init(&r);
	represent_bodiless(&r, &a, &rs, "public", NULL);
	assert_int_equal(r.headers_count, 0);
	reply_release(&r);
}

static void content_types(void **state)
{
	(void)state;
	static const char *const table[][2] = {
		{ "text/html", "text/html; charset=utf-8" },
		{ "text/vtt", "text/vtt; charset=utf-8" },
		{ "application/json", "application/json; charset=utf-8" },
		{ "image/svg+xml", "image/svg+xml; charset=utf-8" },
		{ "video/mp4", "video/mp4" },
		{ "application/pdf", "application/pdf" },
		{ "application/octet-stream", "application/octet-stream" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char *t = represent_content_type(table[i][0]);
		assert_string_equal(t, table[i][1]);
		free(t);
	}
}

static void a_reply_too_full_fails(void **state)
{
	(void)state;
	struct reply r;
	char big[REPLY_STORE_SIZE];

	reply_init(&r);
	for (size_t i = 0; i < REPLY_HEADERS_MAX; i++)
		reply_header_const(&r, "X", "y");
	assert_false(r.failed);
	reply_header_const(&r, "X", "y");
	assert_true(r.failed);
	reply_release(&r);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	reply_init(&r);
	reply_header(&r, "X", big);
	assert_false(r.failed);
	reply_header(&r, "Y", "z");
	assert_true(r.failed);
	assert_null(reply_get_header(&r, "Y"));
	reply_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(made_bodies_answer_conditional_requests),
		cmocka_unit_test(a_made_body_without_a_tag_gets_one_from_its_bytes),
		cmocka_unit_test(headers_of_ranges_and_encodings),
		cmocka_unit_test(content_types),
		cmocka_unit_test(a_reply_too_full_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

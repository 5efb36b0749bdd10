/*
 * test_fonts.c - the Noto fonts (player/fonts.c): gzipped for a browser that
 * takes it, the file as it is otherwise, each with its own ETag from the file's
 * time and size, 304 for a phone that has them, never by Range, and nothing for
 * a name that is not one of the three or a player without the fonts.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fonts.h"

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

static bool serve(struct fonts *f, const struct fake *fk, const char *name, struct reply *r)
{
	struct request rq = { "GET", "/_sampan/fonts/x", false, false, fake_header,
		              NULL,  (void *)fk,         { 0 }, 0,     false,
		              false };

	reply_init(r);
	return fonts_serve(f, &rq, name, r);
}

static void fonts_gzipped_or_as_they_are(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *path = tu_path(dir, "NotoSansKhmer-Regular.ttf");
	unsigned char font[20000];
	struct fonts *f;
	struct reply r;
	struct fake gzip = { { { "Accept-Encoding", "gzip" } } };
	struct fake plain = { { { NULL, NULL } } };
	struct fake ranged = { { { "Range", "bytes=0-9" } } };
	char etag[80], etag_gz[80];

	for (size_t i = 0; i < sizeof(font); i++)
		font[i] = (unsigned char)(i % 61); /* compresses well */
	tu_write(path, font, sizeof(font));
	f = fonts_new(dir);
	assert_non_null(f);

	assert_true(serve(f, &gzip, "NotoSansKhmer-Regular.ttf", &r));
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body, REPLY_BUFFER);
	assert_false(r.owned); /* kept for the server's life */
	assert_true(r.len < sizeof(font) / 4);
	assert_int_equal(r.data[0], 0x1f);
	assert_int_equal(r.data[1], 0x8b);
	assert_string_equal(reply_get_header(&r, "Content-Encoding"), "gzip");
	assert_string_equal(reply_get_header(&r, "Content-Type"), "font/ttf");
	assert_string_equal(reply_get_header(&r, "Cache-Control"), "public, max-age=604800");
	assert_non_null(reply_get_header(&r, "Last-Modified"));
	assert_null(reply_get_header(&r, "Accept-Ranges"));
	snprintf(etag_gz, sizeof(etag_gz), "%s", reply_get_header(&r, "ETag"));
	reply_release(&r);

	assert_true(serve(f, &plain, "NotoSansKhmer-Regular.ttf", &r));
	assert_int_equal(r.body, REPLY_FD);
	assert_int_equal(r.len, sizeof(font));
	assert_null(reply_get_header(&r, "Content-Encoding"));
	snprintf(etag, sizeof(etag), "%s", reply_get_header(&r, "ETag"));
	assert_string_not_equal(etag, etag_gz);
	assert_string_equal(reply_get_header(&r, "Vary"), "Accept-Encoding");
	reply_release(&r); /* closes the file */

	/* a Range is not answered: the whole font */
	assert_true(serve(f, &ranged, "NotoSansKhmer-Regular.ttf", &r));
	assert_int_equal(r.status, 200);
	reply_release(&r);

	/* a phone that has it */
	{
		struct fake inm = { { { "If-None-Match", etag_gz },
			              { "Accept-Encoding", "gzip" } } };
		assert_true(serve(f, &inm, "NotoSansKhmer-Regular.ttf", &r));
		assert_int_equal(r.status, 304);
		assert_string_equal(reply_get_header(&r, "ETag"), etag_gz);
		reply_release(&r);
	}
	/* not one of the three, or not on this machine */
	assert_false(serve(f, &plain, "../NotoSansKhmer-Regular.ttf", &r));
	assert_false(serve(f, &plain, "NotoSansLao-Regular.ttf", &r));
	assert_false(serve(f, &plain, "", &r));
	fonts_free(f);
	f = fonts_new(NULL);
	assert_false(serve(f, &plain, "NotoSansKhmer-Regular.ttf", &r));
	fonts_free(f);
	fonts_free(NULL);
	unlink(path);
	tu_rmrf(dir);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fonts_gzipped_or_as_they_are),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

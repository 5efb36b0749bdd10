/*
 * test_assets.c - the player's own files (player/assets.c): the bytes carried in
 * the program are those of player/assets/, each with its type and an ETag of
 * its bytes; the stylesheet is small, same-origin, dark and print aware, with
 * targets big enough for fingers; a revalidation gets 304.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "digest.h"
#include "httputil.h"

static size_t count(const char *s, const char *part)
{
	size_t n = 0;

	for (const char *p = strstr(s, part); p; p = strstr(p + 1, part))
		n++;
	return n;
}

static void the_files_carried_are_those_of_the_folder(void **state)
{
	(void)state;
	static const char *const names[] = { "player.css",  "decor.css", "search.js",
		                             "progress.js", "join.js",   "quiz.js" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char rel[64], tag[REPRESENT_TAG_SIZE];
		char *path;
		unsigned char *bytes, d[DIGEST_SIZE];
		size_t len;
		const struct asset *a = assets_find(names[i]);

		assert_non_null(a);
		snprintf(rel, sizeof(rel), "player/assets/%s", names[i]);
		path = tu_path(tu_top(), rel);
		bytes = tu_read(path, &len);
		assert_int_equal(a->len, len);
		assert_memory_equal(a->data, bytes, len);
		assert_int_equal(a->data[a->len], '\0');
		digest_sha256(bytes, len, d);
		etag_tag(d, tag);
		assert_string_equal(a->tag, tag);
		assert_ptr_equal(a, assets_find(names[i]));
		free(bytes);
		free(path);
	}
	assert_string_equal(assets_find("search.js")->type, "text/javascript; charset=utf-8");
	assert_string_equal(assets_find("player.css")->type, "text/css; charset=utf-8");
	assert_null(assets_find("qr.svg"));
	assert_null(assets_find("../player.css"));
	assert_null(assets_find(NULL));
}

static void stylesheet_is_small_and_same_origin(void **state)
{
	(void)state;
	const char *css = assets_find("player.css")->data;
	static const char *const fonts[] = { "Khmer", "Lao", "Myanmar" };

	/* the catalog, search, the watch and projector pages: one small file, cached an hour */
	assert_true(strlen(css) < 12 * 1024);
	assert_true(strlen(css) > 1024);
	for (size_t i = 0; i < 3; i++) {
		char want[128];
		snprintf(want, sizeof(want), "font-family: \"Noto Sans %s\";", fonts[i]);
		assert_contains(css, want);
		snprintf(want, sizeof(want), "url(\"/_sampan/fonts/NotoSans%s-Regular.ttf\")",
		         fonts[i]);
		assert_contains(css, want);
	}
	assert_int_equal(count(css, "@font-face"), 3);
	assert_int_equal(count(css, "unicode-range:"), 3);
	assert_contains(css, "prefers-color-scheme: dark");
	assert_contains(css, "@media print");
	assert_contains(css, "min-height: 48px");
	assert_null(strstr(css, "http"));
	assert_null(strstr(css, "@import"));
	assert_int_equal(count(css, "{"), count(css, "}"));
}

static void decor_and_script(void **state)
{
	(void)state;
	const char *decor = assets_find("decor.css")->data, *js = assets_find("search.js")->data;

	assert_int_equal(count(decor, "@font-face"), 3);
	assert_contains(decor, ":lang(km)");
	assert_contains(decor, ".sampan-preview");
	assert_null(strstr(decor, "http"));
	assert_contains(js, "/api/suggest.json?q=");
	assert_contains(js, "encodeURIComponent");
	assert_null(strstr(js, "innerHTML")); /* suggestions are text, never markup */
	assert_null(strstr(js, "http"));
}

struct fake {
	const char *inm;
};

static const char *fake_header(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;
	return strcmp(name, "If-None-Match") == 0 ? f->inm : NULL;
}

static void served_with_their_tag_and_revalidated(void **state)
{
	(void)state;
	const struct asset *a = assets_find("player.css");
	char etag[64];
	struct fake f = { NULL };
	struct request rq = {
		"GET", "/_sampan/player.css", false, false, fake_header, NULL, &f, { 0 }, 0, false,
		false
	};
	struct reply r;

	snprintf(etag, sizeof(etag), "\"%s\"", a->tag);
	reply_init(&r);
	assert_true(assets_serve(&rq, "player.css", &r));
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body, REPLY_BUFFER);
	assert_false(r.owned); /* the program's own bytes, never copied */
	assert_ptr_equal(r.data, a->data);
	assert_string_equal(reply_get_header(&r, "ETag"), etag);
	assert_string_equal(reply_get_header(&r, "Content-Type"), "text/css; charset=utf-8");
	assert_string_equal(reply_get_header(&r, "Cache-Control"), "public, max-age=3600");
	reply_release(&r);

	f.inm = etag;
	reply_init(&r);
	assert_true(assets_serve(&rq, "player.css", &r));
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body, REPLY_NONE);
	assert_string_equal(reply_get_header(&r, "ETag"), etag);
	reply_release(&r);
	assert_false(assets_serve(&rq, "nothing.css", &r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_files_carried_are_those_of_the_folder),
		cmocka_unit_test(stylesheet_is_small_and_same_origin),
		cmocka_unit_test(decor_and_script),
		cmocka_unit_test(served_with_their_tag_and_revalidated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

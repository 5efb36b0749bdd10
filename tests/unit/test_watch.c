/*
 * test_watch.c - the page that plays a video from a cue's time (player/watch.c):
 * the video from its second, its subtitle tracks with the one found chosen,
 * the way back to the lesson, every value from a bundle or a request escaped;
 * served for a course's video, 404 for what does not exist.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "l10n.h"
#include "trust.h"
#include "watch.h"
#include "writer.h"

static void the_page_plays_from_the_cue(void **state)
{
	(void)state;
	static const char *const tracks[] = { "media/pump.en.vtt", "media/pump.th.vtt" };
	static const char *const langs[] = { "en", "th" };
	struct watch_view w = { "th",
		                "org.example.pump",
		                "Pump <maintenance>",
		                "/c/org.example.pump/lessons/01.html",
		                "media/pump video.mp4",
		                65.5,
		                tracks,
		                langs,
		                2,
		                "media/pump.th.vtt" };
	char *html = watch_html(&w);

	assert_non_null(html);
	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"th\">", 32) == 0);
	assert_contains(html, "<title>Pump &lt;maintenance&gt;</title>");
	assert_contains(html, "<video controls preload=\"metadata\" "
	                      "src=\"/c/org.example.pump/media/pump%20video.mp4#t=65.500\">");
	assert_contains(html, "<track kind=\"subtitles\" src=\"/c/org.example.pump/media/"
	                      "pump.en.vtt\" srclang=\"en\" label=\"en\">");
	assert_contains(html, "srclang=\"th\" label=\"th\" default>");
	assert_contains(html, "<a class=\"open\" href=\"/c/org.example.pump/lessons/01.html\">");
	assert_contains(html, l10n_get("th", "watch", "Open the lesson"));
	assert_contains(html, "href=\"/?lang=th\"");
	assert_null(strstr(html, "<maintenance>"));
	free(html);
	/* no lesson to go back to, no tracks */
	w.lesson_url = NULL;
	w.tracks_count = 0;
	w.ui_lang = "en";
	html = watch_html(&w);
	assert_null(strstr(html, "<track"));
	assert_null(strstr(html, "class=\"open\""));
	free(html);
}

/* ---- served from a course ---- */

struct fake {
	const char *args[6][2];
};

static const char *fake_arg(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;

	for (size_t i = 0; i < 6 && f->args[i][0]; i++)
		if (strcmp(f->args[i][0], name) == 0)
			return f->args[i][1];
	return NULL;
}

static void served_for_a_video_of_the_course(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *path = tu_path(dir, "pump.sampan");
	char *cj = tu_course_json("org.example.pump", "1.0");
	static const char page[] = "<!doctype html><title>x</title>\n";
	static const char vtt[] = "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n";
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *wr;
	struct bundle_error err;
	struct trust trust;
	struct library *lib;
	struct library_options lo;
	const char *paths[1] = { path };
	static const struct {
		struct fake f;
		unsigned status;
		const char *in_body;
	} table[] = {
		{ { { { "c", "org.example.pump" },
		      { "m", "media/pump.mp4" },
		      { "t", "12.25" },
		      { "k", "media/pump.en.vtt" },
		      { "p", "lessons/01-intro.html" } } },
		  200,
		  "src=\"/c/org.example.pump/media/pump.mp4#t=12.250\"" },
		{ { { { "c", "org.example.pump" }, { "m", "media/pump.mp4" }, { "t", "-5" } } },
		  200,
		  "#t=0.000\"" },
		{ { { { "c", "org.example.pump" }, { "m", "media/pump.mp4" }, { "t", "1e99" } } },
		  200,
		  "#t=0.000\"" },
		{ { { { "c", "org.example.pump" }, { "m", "media/pump.mp4" } } },
		  200,
		  "srclang=\"th\"" },
		{ { { { "c", "org.example.pump" }, { "m", "media/none.mp4" } } },
		  404,
		  "media/none.mp4" },
		{ { { { "c", "org.example.none" }, { "m", "media/pump.mp4" } } },
		  404,
		  "no such course or video" },
		{ { { { "c", "org.example.pump" } } }, 404, "no such course or video" },
	};

	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&wr, &err), err);
	assert_ok(bundle_writer_add_data(wr, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(wr, "index.html", page, sizeof(page) - 1, &err), err);
	assert_ok(bundle_writer_add_data(wr, "lessons/01-intro.html", page, sizeof(page) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(wr, "media/pump.mp4", "0123456789", 10, &err), err);
	assert_ok(bundle_writer_add_data(wr, "media/pump.en.vtt", vtt, sizeof(vtt) - 1, &err), err);
	assert_ok(bundle_writer_add_data(wr, "media/pump.th.vtt", vtt, sizeof(vtt) - 1, &err), err);
	assert_ok(bundle_writer_write(wr, sk, path, NULL, &err), err);
	bundle_writer_free(wr);
	minisign_seckey_free(sk);
	trust_init(&trust);
	assert_ok(trust_add(&trust, &pk, &err), err);
	memset(&lo, 0, sizeof(lo));
	lo.paths = paths;
	lo.paths_count = 1;
	lo.trust = &trust;
	assert_ok(library_open(&lo, &lib, &err), err);

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct request rq = {
			"GET", "/watch", false, false, NULL, fake_arg, (void *)&table[i].f,
			{ 0 }, 0,        false, false
		};
		struct reply r;

		reply_init(&r);
		watch_serve(lib, &rq, &r);
		if (r.status != table[i].status)
			fail_msg("case %zu: %u, not %u", i, r.status, table[i].status);
		assert_int_equal(r.body, REPLY_BUFFER);
		assert_contains((const char *)r.data, table[i].in_body);
		if (r.status == 200) {
			assert_contains((const char *)r.data, "srclang=\"en\"");
			assert_string_equal(reply_get_header(&r, "Cache-Control"), "no-cache");
		}
		reply_release(&r);
	}
	library_close(lib);
	trust_release(&trust);
	tu_rmrf(dir);
	free(cj);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_page_plays_from_the_cue),
		cmocka_unit_test(served_for_a_video_of_the_course),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

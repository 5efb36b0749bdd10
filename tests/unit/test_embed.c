/*
 * test_embed.c - the HTML of what a lesson embeds (builder/embed.c):
 * pictures with their size, video with its subtitle tracks, sound, downloads
 * with their note; every text escaped, every URL fit for its attribute, no
 * scheme that runs code.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "sbuf.h"

static char *media(const struct md_target *t, const char *url, const char *alt, const char *title,
                   bool figure)
{
	struct sbuf b;

	sbuf_init(&b, 1 << 20);
	assert_true(embed_media(&b, t, url, alt, title, figure));
	return sbuf_take(&b, NULL);
}

static void a_picture_with_its_size(void **state)
{
	struct md_target t = { .kind = MD_EMBED_IMAGE, .width = 640, .height = 360 };
	char *html;

	(void)state;
	html = media(&t, "../media/pump.png", "The pump", "Seen from above", false);
	assert_string_equal(html, "<img src=\"../media/pump.png\" alt=\"The pump\" "
	                          "title=\"Seen from above\" width=\"640\" height=\"360\" "
	                          "loading=\"lazy\">");
	free(html);
	t.width = t.height = 0; /* unknown: no size written */
	html = media(&t, "a.svg", "", NULL, false);
	assert_string_equal(html, "<img src=\"a.svg\" alt=\"\" loading=\"lazy\">");
	free(html);
}

static void a_video_with_its_tracks_in_a_figure(void **state)
{
	static const struct md_track tracks[] = {
		{ "../media/pump.th.vtt", "th", "ไทย" },
		{ "../media/pump.en.vtt", "en", "English" },
		{ "../media/pump.x-y.vtt", "x-y", NULL },
	};
	struct md_target t = { .kind = MD_EMBED_VIDEO,
		               .width = 1280,
		               .height = 720,
		               .tracks = tracks,
		               .tracks_count = 3 };
	char *html;

	(void)state;
	html = media(&t, "../media/pump.mp4", "Isolating the pump", NULL, true);
	assert_string_equal(
	        html, "<figure class=\"media\"><video controls preload=\"metadata\" "
	              "src=\"../media/pump.mp4\" width=\"1280\" height=\"720\">"
	              "<track kind=\"subtitles\" src=\"../media/pump.th.vtt\" srclang=\"th\" "
	              "label=\"ไทย\" default>"
	              "<track kind=\"subtitles\" src=\"../media/pump.en.vtt\" srclang=\"en\" "
	              "label=\"English\">"
	              "<track kind=\"subtitles\" src=\"../media/pump.x-y.vtt\" srclang=\"x-y\" "
	              "label=\"x-y\">"
	              "<a href=\"../media/pump.mp4\">Isolating the pump</a></video>"
	              "<figcaption>Isolating the pump</figcaption></figure>");
	free(html);
	/* inside a sentence: no figure, the alt text names the player */
	html = media(&t, "v.mp4", "Step 2", NULL, false);
	assert_non_null(strstr(html, "<video controls preload=\"metadata\" src=\"v.mp4\" "
	                             "width=\"1280\" height=\"720\" aria-label=\"Step 2\">"));
	assert_null(strstr(html, "figure"));
	free(html);
}

static void a_sound(void **state)
{
	struct md_target t = { .kind = MD_EMBED_AUDIO, .width = 1, .height = 1 };
	char *html;

	(void)state;
	html = media(&t, "s.mp3", "", NULL, false);
	/* sound has no size; without alt text the link names the file */
	assert_string_equal(html, "<audio controls preload=\"metadata\" src=\"s.mp3\">"
	                          "<a href=\"s.mp3\">s.mp3</a></audio>");
	free(html);
}

static void a_download_with_its_note(void **state)
{
	struct md_target t = { .kind = MD_EMBED_FILE, .note = (char *)"(PDF, 120.0 kB)" };
	struct sbuf open, close;

	(void)state;
	sbuf_init(&open, 1 << 20);
	sbuf_init(&close, 1 << 20);
	assert_true(embed_download(&open, &close, &t, "../media/guide.pdf", "The guide", true));
	assert_string_equal(open.data,
	                    "<a href=\"../media/guide.pdf\" title=\"The guide\" download>");
	assert_string_equal(close.data, "</a> <span class=\"note\">(PDF, 120.0 kB)</span>");
	sbuf_release(&open);
	sbuf_release(&close);
	sbuf_init(&open, 1 << 20);
	sbuf_init(&close, 1 << 20);
	t.note = NULL;
	assert_true(embed_download(&open, &close, &t, "data.csv", NULL, false));
	assert_string_equal(open.data, "<a href=\"data.csv\" download>data.csv");
	assert_string_equal(close.data, "</a>");
	sbuf_release(&open);
	sbuf_release(&close);
}

static void attacker_text_and_urls_stay_in_place(void **state)
{
	static const struct md_track tracks[] = { { "t.vtt\" onload=\"x", "en\"><b", "<i>" } };
	struct md_target t = { .kind = MD_EMBED_VIDEO, .tracks = tracks, .tracks_count = 1 };
	struct sbuf b;
	char *html;

	(void)state;
	html = media(&t, "v.mp4\" onerror=\"alert(1)", "<script>x</script>", "\"'", true);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "\" onerror"));
	assert_null(strstr(html, "\" onload"));
	assert_null(strstr(html, "<i>"));
	assert_non_null(strstr(html, "src=\"v.mp4%22%20onerror=%22alert(1)\""));
	free(html);
	sbuf_init(&b, 1 << 20);
	assert_true(embed_url(&b, "a b\"<>\\`&'\x01\x7f\xe0\xb8\x81"));
	assert_string_equal(b.data, "a%20b%22%3C%3E%5C%60&amp;&#39;%01%7F\xe0\xb8\x81");
	sbuf_release(&b);
}

static void schemes_that_run_code_are_dangerous(void **state)
{
	(void)state;
	assert_true(embed_url_dangerous("javascript:alert(1)", false));
	assert_true(embed_url_dangerous("JavaScript:alert(1)", true));
	assert_true(embed_url_dangerous("vbscript:x", false));
	assert_true(embed_url_dangerous("file:///etc/passwd", true));
	assert_true(embed_url_dangerous("data:text/html,<script>x</script>", false));
	assert_true(embed_url_dangerous("data:image/svg+xml,<svg onload=x>", true));
	assert_true(embed_url_dangerous("data:image/png;base64,AAAA", false)); /* a link */
	assert_false(embed_url_dangerous("data:image/png;base64,AAAA", true)); /* a picture */
	assert_false(embed_url_dangerous("DATA:image/webp;base64,AAAA", true));
	assert_false(embed_url_dangerous("../media/a.png", true));
	assert_false(embed_url_dangerous("mailto:a@example.org", false));
	assert_false(embed_url_dangerous("", false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_picture_with_its_size),
		cmocka_unit_test(a_video_with_its_tracks_in_a_figure),
		cmocka_unit_test(a_sound),
		cmocka_unit_test(a_download_with_its_note),
		cmocka_unit_test(attacker_text_and_urls_stay_in_place),
		cmocka_unit_test(schemes_that_run_code_are_dangerous),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

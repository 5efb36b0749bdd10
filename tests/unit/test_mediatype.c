/* test_mediatype.c - media types by extension, as format-spec/bundle-v1.md's table gives them, and which are deflated (bundle/mediatype.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediatype.h"

static void check_type(int line, const char *name, const char *type, bool deflate)
{
	const struct mediatype *mt = mediatype_of(name, strlen(name));

	if (!mt || strcmp(mt->type, type) != 0 || mt->deflate != deflate)
		fail_msg("line %d: '%s' is %s (%s), want %s (%s)", line, name,
		         mt ? mt->type : "NULL", mt && mt->deflate ? "deflate" : "store", type,
		         deflate ? "deflate" : "store");
}

#define TYPE(name, type, deflate) check_type(__LINE__, name, type, deflate)

static void mediatype_follows_the_table(void **state)
{
	static const struct {
		const char *ext, *type;
		bool deflate;
	} table[] = {
		{ "html", "text/html", true },
		{ "htm", "text/html", true },
		{ "css", "text/css", true },
		{ "js", "text/javascript", true },
		{ "json", "application/json", true },
		{ "md", "text/markdown", true },
		{ "txt", "text/plain", true },
		{ "vtt", "text/vtt", true },
		{ "srt", "application/x-subrip", true },
		{ "svg", "image/svg+xml", true },
		{ "xml", "application/xml", true },
		{ "csv", "text/csv", true },
		{ "mp4", "video/mp4", false },
		{ "m4v", "video/mp4", false },
		{ "webm", "video/webm", false },
		{ "ogv", "video/ogg", false },
		{ "mp3", "audio/mpeg", false },
		{ "m4a", "audio/mp4", false },
		{ "ogg", "audio/ogg", false },
		{ "oga", "audio/ogg", false },
		{ "opus", "audio/ogg", false },
		{ "wav", "audio/wav", false },
		{ "jpg", "image/jpeg", false },
		{ "jpeg", "image/jpeg", false },
		{ "png", "image/png", false },
		{ "gif", "image/gif", false },
		{ "webp", "image/webp", false },
		{ "avif", "image/avif", false },
		{ "ico", "image/x-icon", false },
		{ "pdf", "application/pdf", false },
		{ "zip", "application/zip", false },
		{ "woff", "font/woff", false },
		{ "woff2", "font/woff2", false },
		{ "ttf", "font/ttf", false },
		{ "otf", "font/otf", false },
	};
	char name[64];

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		snprintf(name, sizeof(name), "lessons/file.%s", table[i].ext);
		check_type(__LINE__, name, table[i].type, table[i].deflate);
	}
	TYPE("index.html", "text/html", true);
	TYPE("a.b.c/d.e.mp4", "video/mp4", false);
}

static void mediatype_extension_is_case_insensitive(void **state)
{
	(void)state;
	TYPE("INDEX.HTML", "text/html", true);
	TYPE("a.HtM", "text/html", true);
	TYPE("media/Clip.MP4", "video/mp4", false);
	TYPE("font.WOFF2", "font/woff2", false);
	TYPE("photo.JpEg", "image/jpeg", false);
}

static void mediatype_defaults_to_octet_stream(void **state)
{
	(void)state;
	TYPE("README", "application/octet-stream", false);
	TYPE("media/clip", "application/octet-stream", false);
	TYPE("dir.html/file", "application/octet-stream", false); /* dot in a folder */
	TYPE("archive.tar.gz", "application/octet-stream", false);
	TYPE("data.bin", "application/octet-stream", false);
	TYPE("file.", "application/octet-stream", false);
	TYPE("x.verylongextension", "application/octet-stream", false);
	TYPE("x.htmlx", "application/octet-stream", false);
	TYPE("x.ht", "application/octet-stream", false);
	TYPE("mimetype", "application/octet-stream", false);
}

static void mediatype_of_meta_inf_files(void **state)
{
	(void)state;
	TYPE("META-INF/MANIFEST", "text/plain", true);
	TYPE("META-INF/MANIFEST.minisig", "text/plain", true);
	TYPE("META-INF/chunks", "text/plain", true);
	TYPE("META-INF/course.json", "application/json", true);
	/* only those exact names */
	TYPE("lessons/MANIFEST", "application/octet-stream", false);
	TYPE("META-INF/other", "application/octet-stream", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mediatype_follows_the_table),
		cmocka_unit_test(mediatype_extension_is_case_insensitive),
		cmocka_unit_test(mediatype_defaults_to_octet_stream),
		cmocka_unit_test(mediatype_of_meta_inf_files),
	};
	return cmocka_run_group_tests_name("mediatype", tests, NULL, NULL);
}

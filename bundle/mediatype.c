/* mediatype.c - the media-type table of format-spec/bundle-v1.md, "Compression and media types". */
#include "mediatype.h"

#include <string.h>

struct ext_type {
	const char *ext;
	struct mediatype mt;
};

static const struct ext_type table[] = {
	{ "avif", { "image/avif", false } },      { "css", { "text/css", true } },
	{ "csv", { "text/csv", true } },          { "gif", { "image/gif", false } },
	{ "htm", { "text/html", true } },         { "html", { "text/html", true } },
	{ "ico", { "image/x-icon", false } },     { "jpeg", { "image/jpeg", false } },
	{ "jpg", { "image/jpeg", false } },       { "js", { "text/javascript", true } },
	{ "json", { "application/json", true } }, { "m4a", { "audio/mp4", false } },
	{ "m4v", { "video/mp4", false } },        { "md", { "text/markdown", true } },
	{ "mp3", { "audio/mpeg", false } },       { "mp4", { "video/mp4", false } },
	{ "oga", { "audio/ogg", false } },        { "ogg", { "audio/ogg", false } },
	{ "ogv", { "video/ogg", false } },        { "opus", { "audio/ogg", false } },
	{ "otf", { "font/otf", false } },         { "pdf", { "application/pdf", false } },
	{ "png", { "image/png", false } },        { "srt", { "application/x-subrip", true } },
	{ "svg", { "image/svg+xml", true } },     { "ttf", { "font/ttf", false } },
	{ "txt", { "text/plain", true } },        { "vtt", { "text/vtt", true } },
	{ "wav", { "audio/wav", false } },        { "webm", { "video/webm", false } },
	{ "webp", { "image/webp", false } },      { "woff", { "font/woff", false } },
	{ "woff2", { "font/woff2", false } },     { "xml", { "application/xml", true } },
	{ "zip", { "application/zip", false } },
};

static const struct mediatype octet = { "application/octet-stream", false };
static const struct mediatype text_plain = { "text/plain", true };

const struct mediatype *mediatype_of(const char *name, size_t len)
{
	size_t dot = len, start = 0;
	char ext[8];
	size_t n;

	for (size_t i = 0; i < len; i++) {
		if (name[i] == '/')
			start = i + 1;
		else if (name[i] == '.')
			dot = i;
	}
	/* The META-INF text files have no extension but are text. */
	if ((len == 17 && memcmp(name, "META-INF/MANIFEST", 17) == 0) ||
	    (len == 25 && memcmp(name, "META-INF/MANIFEST.minisig", 25) == 0) ||
	    (len == 15 && memcmp(name, "META-INF/chunks", 15) == 0))
		return &text_plain;
	if (dot == len || dot < start)
		return &octet;
	n = len - dot - 1;
	if (n == 0 || n >= sizeof(ext))
		return &octet;
	for (size_t i = 0; i < n; i++) {
		char c = name[dot + 1 + i];
		ext[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	ext[n] = '\0';
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].ext, ext) == 0)
			return &table[i].mt;
	return &octet;
}

/*
 * mediatype.h - media types by file extension and whether writers deflate
 * them (format-spec/bundle-v1.md, "Compression and media types").
 */
#ifndef SAMPAN_BUNDLE_MEDIATYPE_H
#define SAMPAN_BUNDLE_MEDIATYPE_H

#include <stdbool.h>
#include <stddef.h>

struct mediatype {
	const char *type; /* e.g. "text/html"; never NULL */
	bool deflate; /* writers deflate this type (text); media is stored */
};

/* The media type of a name (by the extension of its last segment, ASCII case-insensitive). */
const struct mediatype *mediatype_of(const char *name, size_t len);

#endif

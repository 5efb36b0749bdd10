/*
 * embed.h - the HTML of what a lesson embeds (format-spec/course-source.md,
 * 4.4 "Embedding media"): a picture as <img> with its size, a video as
 * <video controls> with every subtitle track (the course's language first,
 * the first one the default), a sound as <audio controls>, each alone in
 * its paragraph a <figure> with the alt text as its caption, and any other
 * file a download link with a note of its kind and size.  The builder
 * decides what a target is (struct md_target, markdown.h); this writes it.
 * Every text is HTML-escaped and every URL written as an attribute can
 * hold it; the schemes that run code are never written.
 */
#ifndef SAMPAN_BUILDER_EMBED_H
#define SAMPAN_BUILDER_EMBED_H

#include <stdbool.h>

#include "markdown.h"

struct sbuf;

/*
 * Whether the URL's scheme runs code or reads the reader's disk, as
 * cmark's safe mode judges (javascript:, vbscript:, file:, and data: but
 * for a PNG, GIF, JPEG or WebP picture when image): such a URL is written
 * as "".
 */
bool embed_url_dangerous(const char *url, bool image);

/*
 * Append url to b as a double-quoted attribute value needs it: controls,
 * space, " < > \ ` and DEL percent-encoded, & and ' as references; false
 * when out of memory (or b full).
 */
bool embed_url(struct sbuf *b, const char *url);

/*
 * Append the element for an image, video or audio target t (kind
 * MD_EMBED_IMAGE, _VIDEO or _AUDIO) at url, with alt, its title (or NULL),
 * in a <figure> when figure (video and audio alone in their paragraph);
 * a video or audio holds a plain link to url for browsers that play
 * neither.  False when out of memory.
 */
bool embed_media(struct sbuf *b, const struct md_target *t, const char *url, const char *alt,
                 const char *title, bool figure);

/*
 * A download (MD_EMBED_FILE): the opening <a href download> into open (with
 * the URL as its text when !has_label: the link's own label stays Markdown
 * between the two), and "</a>" with t's note into close.  False when out
 * of memory.
 */
bool embed_download(struct sbuf *open, struct sbuf *close, const struct md_target *t,
                    const char *url, const char *title, bool has_label);

#endif

/*
 * sbuf.h - a growable byte buffer with a maximum size, for the text files
 * the library writes (manifest, chunks).  Modelled on git's strbuf and
 * curl's dynbuf: every buffer is given its maximum when it is made.
 *
 * sbuf_init fills; sbuf_release frees the contents; sbuf_take hands the
 * NUL-terminated contents to the caller (who frees them) and empties the
 * buffer.  Appending past the maximum fails and leaves the buffer as it was.
 */
#ifndef SAMPAN_BUNDLE_SBUF_H
#define SAMPAN_BUNDLE_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *data; /* NUL-terminated when not NULL */
	size_t len;
	size_t cap;
	size_t max;
};

void sbuf_init(struct sbuf *b, size_t max);
void sbuf_release(struct sbuf *b);
/* false when out of memory or past the maximum */
bool sbuf_add(struct sbuf *b, const void *data, size_t len);
bool sbuf_adds(struct sbuf *b, const char *s);
bool sbuf_addf(struct sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;
/* The contents (an empty string when nothing was added); the buffer is emptied. */
char *sbuf_take(struct sbuf *b, size_t *len);

#endif

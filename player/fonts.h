/*
 * fonts.h - the Noto fonts for Khmer, Lao and Burmese that older phones
 * lack, served from Debian's files under /_sampan/fonts/: gzipped for
 * browsers that take it (a Khmer page's first visit costs 47 KB instead of
 * 113), as they are otherwise.  Validated as a static file server does, by
 * the file's time and size (ETag and Last-Modified), so a phone that has
 * them asks and gets 304.  Thread-safe.
 */
#ifndef SAMPAN_PLAYER_FONTS_H
#define SAMPAN_PLAYER_FONTS_H

#include "reply.h"

struct fonts;

/* The fonts of folder dir (NULL: none; every font is then 404).  NULL when out of memory. */
struct fonts *fonts_new(const char *dir);
void fonts_free(struct fonts *f);

/* The font called name (the path after /_sampan/fonts/); false when there is none. */
bool fonts_serve(struct fonts *f, const struct request *rq, const char *name, struct reply *r);

#endif

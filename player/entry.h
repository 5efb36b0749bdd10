/*
 * entry.h - a course's files, /c/ID/PATH, straight out of its bundle
 * (format-spec/bundle-v1.md §12.4: what is sent is what was checked).
 *
 * Entries are sent only from verified memory (vcache.h): a chunk of a
 * large stored entry, a whole smaller entry, or a deflated entry's gzip
 * member (its raw deflate bytes, inflated and hashed where they lie) is
 * read into memory once, checked there, and sent from there, by every
 * connection that asks for it while it is kept; nothing is read from the
 * file again after its check.  Which representation a request gets, its
 * ETag and the status are decided by httpcond_decide; a page the player
 * decorates (decor.h) is another representation with its own ETag.
 *
 * A request counts as a user of its course (so its bundle stays open)
 * only while it reads from the bundle; the course lock is held only to
 * open the bundle and count users, never through a read.  A reply holds a
 * library snapshot until it is released, so a bundle removed meanwhile
 * stays open until then; a file cut short or changed under a reply ends
 * that reply, never the server.
 */
#ifndef SAMPAN_PLAYER_ENTRY_H
#define SAMPAN_PLAYER_ENTRY_H

#include "library.h"
#include "reply.h"
#include "vcache.h"

/* A phone may keep a lesson a day, then asks again with its ETag. */
#define ENTRY_CACHE "public, max-age=86400"
/*
 * A teacher entry (teacher/) is answered by the code's cookie: kept by the
 * teacher's own browser alone, never by a cache shared with the class.
 */
#define ENTRY_CACHE_TEACHER "private, max-age=86400"

/*
 * A page with the player's chrome is in the interface language, chosen by
 * ?lang=, the sampan_lang cookie or Accept-Language (l10n.h): a phone's
 * cache keeps it for the headers it was asked with, and asks again (its
 * ETag names the language) once its cookie or its languages change.
 */
#define ENTRY_VARY_PAGE "Accept-Language, Cookie"

/*
 * The entry rest (the path after /c/ID/, as sent) of course id, into r.
 * Errors are pages in the interface language: 404 for no such course or entry, 400 for a path no bundle may
 * hold, 503 while a changed bundle is looked at again, 500 for bytes that
 * fail their check.
 */
void entry_serve(struct library *lib, struct vcache *vc, const struct request *rq, const char *id,
                 const char *rest, struct reply *r);

#endif

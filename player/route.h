/*
 * route.h - the player's addresses, one table: which room answers which
 * request, and what every answer carries (a same-origin
 * Content-Security-Policy, nosniff, no referrer).  GET and HEAD only.
 *
 *	/                      the catalog (catalog.h)
 *	/api/catalog.json      the catalog as JSON
 *	/join, /api/join.json  the address for the projector, and the devices seen lately
 *	                       (presence.h)
 *	/search, /api/search.json, /api/suggest.json
 *	                       a search job (searchsvc.h, searchpage.h)
 *	/watch                 a video from a cue's time (watch.h)
 *	/c/ID/PATH             a course's files (entry.h); /c/ID redirects to /c/ID/;
 *	                       those under teacher/ only through the teacher's gate
 *	/teacher, /teacher/enter  the teacher pages of every course, behind the gate (teacher.h)
 *	/_sampan/fonts/NAME    the Noto fonts (fonts.h)
 *	/_sampan/NAME          the player's stylesheets and script (assets.h), its QR code
 *	/favicon.ico           nothing, for a week (204)
 *
 * A struct site holds what the rooms share for the server's life.  Its
 * functions are thread-safe; a site is made before the server listens and
 * freed after it stopped.
 */
#ifndef SAMPAN_PLAYER_ROUTE_H
#define SAMPAN_PLAYER_ROUTE_H

#include <pthread.h>

#include "error.h"
#include "indexer.h"
#include "library.h"
#include "presence.h"
#include "represent.h"
#include "searchsvc.h"
#include "teacher.h"
#include "vcache.h"

struct site_options {
	struct library *lib;
	const char *address; /* the address shown on the catalog, e.g. "http://10.0.0.5:8080/" */
	const char *qr_svg; /* its QR code, or NULL */
	const char *fonts_dir; /* where Noto fonts for Khmer, Lao and Burmese are, or NULL */
	const char *search_db; /* the search index (made by the indexer), or NULL: no search */
	struct indexer *indexer; /* its progress, shown with results; or NULL */
	size_t cache_bytes; /* memory for checked bytes kept between requests */
};

struct site {
	struct site_options opt;
	struct vcache *vc; /* checked bytes of the courses, shared by every connection */
	struct fonts *fonts;
	struct presence *presence; /* the devices seen lately */
	struct teacher_gate *gate; /* who may read teacher pages */
	char qr_tag[REPRESENT_TAG_SIZE];
	/* Searches: NULL without an index; held for reading while a job is handed over. */
	pthread_rwlock_t search_lock;
	struct searchsvc *search;
};

/* A site for opt (its strings must outlive it): BUNDLE_NOMEM. */
enum bundle_status site_open(const struct site_options *opt, struct site **s,
                             struct bundle_error *err);
/* The code for teacher pages, for the serving machine's screen. */
const char *site_teacher_code(const struct site *s);
/* Searches first: those waiting are answered (503), then nothing is left.  NULL is fine. */
void site_stop_search(struct site *s);
void site_close(struct site *s);

/* The answer to rq, into r (reply_init'd); a search is a REPLY_JOB (see site_search). */
void route_request(struct site *s, const struct request *rq, struct reply *r);

/*
 * Hand the search job j (from a REPLY_JOB, taken) to the search worker.
 * True when it is queued: suspend(ctx) was called first, and j->done(j)
 * will be called once j is answered (at once when too many wait: busy).
 * False when search is not available: j is answered already, nothing
 * was suspended.  Either way route_job_reply makes the reply.
 */
bool site_search(struct site *s, struct search_job *j, void (*suspend)(void *ctx), void *ctx);

/* The reply to an answered job (its body taken): 200, or 503 with Retry-After. */
void route_job_reply(struct search_job *j, struct reply *r);

#endif

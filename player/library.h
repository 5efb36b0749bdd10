/*
 * library.h - the bundles a player serves: found in the files and folders
 * it was given, each opened and verified against the trusted keys, and
 * kept as an immutable catalog snapshot that request threads read while a
 * scanner replaces it.  Bundles added, removed, or replaced by a higher
 * version appear within one rescan; a lower version never replaces a
 * higher one (remembered across restarts in the cache folder).
 */
#ifndef SAMPAN_PLAYER_LIBRARY_H
#define SAMPAN_PLAYER_LIBRARY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bundle.h"
#include "trust.h"

/* One course the player serves. */
struct lib_course {
	char *id;
	char *version;
	char *path; /* the bundle file */
	dev_t dev;
	ino_t ino;
	off_t size; /* with dev, ino and mtime: the identity of the file (a first part's) */
	struct timespec mtime;
	uint64_t bytes; /* of the bundle: of all its parts when it is stored in parts */
	unsigned char signer[MINISIGN_KEYID_SIZE];
	bool unsigned_preview; /* served under --allow-unsigned: not signed by a trusted key */
	struct course *course; /* the verified course.json (the course's own copy) */
	unsigned char manifest_digest[DIGEST_SIZE];
	/*
	 * The open bundle, shared by request threads.  Opened lazily: NULL
	 * until a request needs it (library_use_course opens and verifies it
	 * again), and closed again once idle, so that memory stays flat however
	 * many courses the library holds.  lock guards opening, closing and
	 * users; a reader counted in users may read b without it (reads of a
	 * verified bundle are thread-safe), so one long read never holds up the
	 * course's other requests.
	 */
	pthread_mutex_t lock;
	struct bundle *b;
	unsigned users; /* responses using b (lock) */
	/*
	 * What the server learnt of each HTML entry once it was checked (lock):
	 * enum decor_kind (decor.h): 0 decorated, 1 served as it is.
	 * Indexed by entry; NULL until first needed.
	 */
	unsigned char *page_kind;
	size_t page_kind_count;
	double last_used; /* monotonic seconds (lock) */
	unsigned refs; /* snapshots holding it (library lock) */
};

/* One bundle found but not served, and why. */
struct lib_refused {
	char *path;
	char *reason; /* the verifier's message, or why another bundle of the course is served
	                 instead, or none (choose.h: downgrade, older, conflict, copy) */
	enum bundle_rule rule; /* RULE_NONE for those and for an I/O error */
};

/* What the server sees at one moment: never changes once published. */
struct lib_snapshot {
	struct lib_course **courses; /* sorted by id */
	size_t count;
	struct lib_refused *refused;
	size_t refused_count;
	uint64_t generation; /* increases with every change */
	unsigned refs;
};

struct library;

struct library_options {
	const char *const *paths; /* files or folders of bundles */
	size_t paths_count;
	const struct trust *trust;
	const char *cache_dir; /* where the highest versions seen are remembered; NULL: none */
	bool allow_unsigned; /* serve bundles no trusted key signed (producers' preview) */
	bool allow_downgrade; /* serve a lower version than one seen before */
	/*
	 * Bundles kept open at most, but for those in use (0: no limit): past
	 * it, opening one closes the longest unused, so that a visit to every
	 * course of a large library leaves no more than this open.
	 */
	size_t max_open;
};

/*
 * Make a library and scan once.  Every problem with a bundle goes to its
 * refused list; only a problem with the options themselves fails.
 */
enum bundle_status library_open(const struct library_options *opt, struct library **lib,
                                struct bundle_error *err);

/* Look again: what changed on disk (added, removed, replaced) is published. Thread-safe. */
void library_rescan(struct library *lib);

/* The current snapshot, held until library_release_snapshot.  Thread-safe. */
struct lib_snapshot *library_snapshot(struct library *lib);
void library_release_snapshot(struct library *lib, struct lib_snapshot *s);

/*
 * With c->lock held: make c->b usable, reopening the bundle when it was
 * closed (it must still be the file, and the signed content, the scan
 * verified: BUNDLE_INVALID otherwise, until the next scan looks again), and
 * count one user until library_done_course (also with c->lock held).
 */
enum bundle_status library_use_course(struct library *lib, struct lib_course *c,
                                      struct bundle_error *err);
void library_done_course(struct lib_course *c);
/*
 * The same, for a reader that opened the bundle only for itself (the search
 * indexer): when nobody else uses it, it is closed at once.
 */
void library_done_course_close(struct lib_course *c);

/*
 * Close the bundles that no response has used for idle seconds, then, while
 * more than max_open bundles are open, the unused ones in the order they
 * were last used.  Bundles in use stay open.  How many were closed.
 * Thread-safe.
 */
size_t library_close_idle(struct library *lib, double idle, size_t max_open);

/* The course with that id in s, or NULL. */
struct lib_course *library_find(const struct lib_snapshot *s, const char *id);

void library_close(struct library *lib);

#endif

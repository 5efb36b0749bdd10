/*
 * choose.h - which bundle of each course a player serves, and why each
 * other one is not (format-spec/bundle-v1.md, 14.4 "Several bundles of one
 * course"): one rule for `serve` (its catalog and its log) and `list`.
 *
 * Per course id, among the verified bundles: a downgrade is refused; of
 * the highest version left, the first file by path is served and files
 * with the same signed manifest are copies of it; two files of that
 * version whose manifests differ are a conflict, and none of them is
 * served.  Lower versions are refused as older.  The reasons depend only
 * on the items, so the same folder always gives the same verdicts.
 */
#ifndef SAMPAN_PLAYER_CHOOSE_H
#define SAMPAN_PLAYER_CHOOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "digest.h"

struct choose_item {
	/* in */
	const char *id;
	const char *version;
	const unsigned char *manifest_digest; /* DIGEST_SIZE bytes: the signed content */
	const char *path; /* the file; its last component names it in reasons */
	const char
	        *seen; /* NULL, or the higher version served before that makes this a downgrade */
	/* out */
	bool served;
	char *reason; /* malloc'd when not served (free it); NULL when served */
};

/*
 * Decide for the n items (any order; unchanged).  False when out of memory:
 * then some reasons may be NULL for items not served, and the caller frees
 * what was set.
 */
bool choose_served(struct choose_item *items, size_t n);

/* The reason's first word for a conflict, for callers that count them. */
#define CHOOSE_CONFLICT "conflict"

#endif

/*
 * versions.h - the player's memory of the highest version it served of
 * each course by each signer, so that a lower version never replaces a
 * higher one, across restarts too (format-spec/bundle-v1.md §14).  Kept
 * in the cache folder as versions.tsv, a line `ID<TAB>KEYID<TAB>VERSION`
 * each, written beside the old file and renamed into place.  Lines that
 * are not of that shape are ignored: the file is ours, but a stick or a
 * person may have changed it.  Not thread-safe: the library's scan owns it.
 */
#ifndef SAMPAN_PLAYER_VERSIONS_H
#define SAMPAN_PLAYER_VERSIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "minisign.h"

/* The highest version served so far of one course id by one signer. */
struct lib_seen {
	char *id;
	unsigned char signer[MINISIGN_KEYID_SIZE];
	char *version;
};

struct versions {
	struct lib_seen *v; /* sorted by id, then signer */
	size_t count;
	size_t cap;
	bool dirty; /* changed since last written */
};

/*
 * Make the folder dir (mode 0777 minus the umask, as mkdir -p) and read
 * what it remembers into st (zeroed); a missing file is an empty memory.
 * BUNDLE_IO naming the folder or file, BUNDLE_NOMEM.
 */
enum bundle_status versions_open(struct versions *st, const char *dir, struct bundle_error *err);

/* The highest version remembered for (id, signer), or NULL. */
const char *versions_get(const struct versions *st, const char *id, const unsigned char *signer);

/* Remember version for (id, signer) unless a higher one is remembered.  False: no memory. */
bool versions_raise(struct versions *st, const char *id, const unsigned char *signer,
                    const char *version);

/* Write st into dir (a temporary file renamed into place, the folder synced).  False on failure. */
bool versions_save(const struct versions *st, const char *dir);

void versions_release(struct versions *st);

#endif

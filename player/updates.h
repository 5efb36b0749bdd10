/*
 * updates.h - update files in the player (format-spec/bundle-v1.md,
 * "Applying an update", 21.6): `install` applies one to a library folder,
 * and `serve` applies one it finds on a served stick beside its base, into
 * its cache folder.  Kept apart from the library's scan and the install of
 * whole bundles so that both stay as they were for bundles.
 */
#ifndef SAMPAN_PLAYER_UPDATES_H
#define SAMPAN_PLAYER_UPDATES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "trust.h"
#include "update.h"

/* Whether the file at path is an update file (its first 71 bytes say so, whatever its name). */
bool player_is_update_file(const char *path);

/* Whether path is named as a bundle (*.sampan or *.sampan.NNN), whatever its folder. */
bool player_is_bundle_name_path(const char *path);

/* Whether a folder's entry is named as an update: *.sampan-update, not hidden. */
bool player_is_update_name(const char *name);

/*
 * Write the target of u, made from base (checked with
 * update_check_base), at dest: a temporary file beside dest, verified in
 * full with trust behind the writing when the target's layout is known
 * before it is written (update_target_plan), else once written, beside
 * its sync; checked to be u's target, then renamed to dest and the folder
 * synced.  Until the rename nothing is at dest; the base is never touched.
 * progress: a bar on a terminal.
 */
enum bundle_status player_update_write(const struct update *u, const struct bundle *base,
                                       const char *dest, const struct trust *trust, bool progress,
                                       struct bundle_error *err);

/*
 * A copy or an update being written, then synced and verified: the disk
 * starts writing while the bytes are still coming (player_write_behind,
 * on Linux), and the final fsync runs on a thread of its own while the
 * caller verifies the file (what is verified is the page cache, as it
 * would be after the fsync).  Nothing takes a place before both are done.
 */
struct player_sync {
	int fd;
	int rc; /* fsync's: 0, or -1 with saved_errno */
	int saved_errno;
	bool started; /* on its thread; otherwise done at once */
	pthread_t th;
	uint64_t behind; /* bytes handed to write-behind so far */
};

void player_sync_init(struct player_sync *s, int fd);
/* After bytes [0, written) of the file were written: start writing them out, 8 MiB at a time. */
void player_write_behind(struct player_sync *s, uint64_t written);
/* Start the fsync (on a thread; at once when no thread can start). */
void player_sync_start(struct player_sync *s);
/* Wait for it: 0, or -1 with errno set by the fsync. */
int player_sync_wait(struct player_sync *s);

/*
 * A file being written that is verified behind the writing: a thread
 * reads back each entry as soon as its bytes are written (from the page
 * cache, as a check after the sync would) and hashes it against the
 * manifest and chunk list of layout, a verified bundle whose file it will
 * be (bundle_verify_copy).  The caller then opens the written file as a
 * bundle and requires bundle_same_layout with layout: st is then the
 * verdict bundle_verify_content would give on the file.
 */
struct player_check_behind {
	struct bundle *layout;
	struct bfile file;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t written;
	bool given_up; /* the writing failed: no more bytes will come */
	bool started;
	pthread_t th;
	enum bundle_status st; /* after finish */
	struct bundle_error err;
};

void player_check_behind_start(struct player_check_behind *c, struct bundle *layout, int fd);
/* Bytes [0, written) of the file are written. */
void player_check_behind_advance(struct player_check_behind *c, uint64_t written);
/* Wait for the verdict (written_all false: the writing failed, the check stops). */
void player_check_behind_finish(struct player_check_behind *c, bool written_all);

/* One verified bundle of a scan, as serve knows it. */
struct update_candidate {
	const char *path;
	const char *id;
	const unsigned char *digest; /* SHA-256 of its META-INF/MANIFEST */
};

/*
 * Which of cands is u's base (format-spec 21.6 step 3): its index, or n
 * with *rule (BASE_MISSING, BASE_MISMATCH) and *reason (malloc'd; NULL
 * when out of memory) in the words serve and list share.
 */
size_t player_update_base(const struct update_info *in, const struct update_candidate *cands,
                          size_t n, enum bundle_rule *rule, char **reason);

/*
 * serve: the update at path, found beside the bundles of cands.  When its
 * base is among them, its target is made once, in cache_dir/updates/
 * ID-VERSION.sampan, and *result gets that path (malloc'd; the caller
 * serves it as any bundle).  Otherwise *reason (malloc'd) and *rule say
 * why: the update's own rule, BASE_MISSING, BASE_MISMATCH, ...  Returns
 * BUNDLE_NOMEM only when out of memory.
 */
enum bundle_status player_update_for_serve(const char *path, const struct trust *trust,
                                           const struct update_candidate *cands, size_t n,
                                           const char *cache_dir, char **result, char **reason,
                                           enum bundle_rule *rule);

#endif

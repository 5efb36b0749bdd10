/*
 * update.h - update files (format-spec/bundle-v1.md, section 21): reading
 * one, checking it, applying it to its base, and writing one from two
 * versions of a course.
 *
 *	struct update *u;
 *	update_open(path, &trust, &u, &err)      steps 1 and 2 of 21.6
 *	update_check_base(u, base, &err)         step 3, for a verified bundle
 *	update_apply(u, base, sink, ctx, &err)   step 4, and the size and SHA-256 of step 5
 *	update_check_result(u, result, &err)     step 5: the result, opened and fully
 *	                                         verified by the caller, is the target
 *	update_close(u);
 *
 * update_open checks the whole update before anything is written: its
 * container, its signature against the trusted keys, its manifest
 * (UPDATE_DOWNGRADE), its step list, and the target's signature, which
 * must be by the key that signed the update (UPDATE_SIGNER).  Payload
 * entries are read and checked while they are applied.
 */
#ifndef SAMPAN_BUNDLE_UPDATE_H
#define SAMPAN_BUNDLE_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"
#include "minisign.h"
#include "trust.h"

struct bundle;
struct update;

struct update_info {
	const char *id; /* the course */
	const char *from; /* the base's version */
	const char *to; /* the target's version */
	const char *title; /* the update manifest's title, or NULL */
	const unsigned char *from_manifest; /* SHA-256 of the base's META-INF/MANIFEST */
	uint64_t from_size; /* the base's size in bytes */
	uint64_t target_size;
	const unsigned char *target_digest; /* SHA-256 of the target's bytes */
	const unsigned char *signer; /* key id of the update and of the target */
	const unsigned char *target_manifest; /* SHA-256 of the target's META-INF/MANIFEST */
	uint64_t file_size; /* of the update file */
	size_t steps, copy_steps, data_steps, patch_steps;
	uint64_t copy_bytes, data_bytes, patch_bytes; /* target bytes each kind gives */
};

enum bundle_status update_open(const char *path, const struct trust *trust, struct update **u,
                               struct bundle_error *err);
const struct update_info *update_info(const struct update *u);

/* How a verified bundle stands to the update: another course, the course but not the base, or the base. */
enum update_base_match { UPDATE_OTHER_COURSE, UPDATE_NOT_BASE, UPDATE_IS_BASE };
enum update_base_match update_match(const struct update *u, const struct bundle *b);

/*
 * Step 3 for one candidate, verified: BASE_MISMATCH (another course or
 * build, another size), UPDATE_SIGNER (signed by another key).
 */
enum bundle_status update_check_base(const struct update *u, const struct bundle *base,
                                     struct bundle_error *err);

/*
 * Step 3 among the bundles a reader has (each verified): *which is the
 * base's index, checked with update_check_base.  BASE_MISSING when none
 * is of the course, BASE_MISMATCH when none of the course is the base.
 */
enum bundle_status update_find_base(const struct update *u, struct bundle *const *bundles, size_t n,
                                    size_t *which, struct bundle_error *err);

/* Takes the target's bytes in order; non-zero status stops the apply. */
typedef enum bundle_status (*update_sink)(void *ctx, const void *data, size_t len,
                                          struct bundle_error *err);
/* Progress: bytes of the target produced so far. */
typedef void (*update_progress)(void *ctx, uint64_t done, uint64_t total);

/*
 * Step 4 and the first check of step 5: produce the target's bytes from
 * base (checked with update_check_base) into sink, checking every payload
 * entry (DIGEST_MISMATCH ..., DELTA_INVALID), then their size and SHA-256
 * (RESULT_MISMATCH).  sink may be NULL: the bytes are then only counted
 * and hashed (a writer checking what it wrote).  progress may be NULL.
 */
enum bundle_status update_apply(const struct update *u, const struct bundle *base, update_sink sink,
                                void *ctx, update_progress progress, void *progress_ctx,
                                struct bundle_error *err);

/*
 * The rest of step 5, for the result opened and verified in full by the
 * caller: its META-INF/MANIFEST and signature are the update's target/
 * entries (RESULT_MISMATCH).
 */
enum bundle_status update_check_result(const struct update *u, const struct bundle *result,
                                       struct bundle_error *err);

/*
 * The target of u as a bundle, opened and verified with trust before a
 * byte of it is written: its bytes read where the steps take them from
 * (ranges of base, checked with update_check_base, and the update's
 * stored entries), never checked themselves.  It tells where the target's
 * entries will lie and what they must hash to, so that the target can be
 * verified while it is written (bundle_verify_copy); the target, once
 * written, must then have its layout (bundle_same_layout).  BUNDLE_USAGE
 * when a patch or a deflated entry gives bytes it needs: then the target
 * is verified once written.  Close with bundle_close before u and base.
 */
enum bundle_status update_target_plan(const struct update *u, const struct bundle *base,
                                      const struct trust *trust, struct bundle **plan,
                                      struct bundle_error *err);

void update_close(struct update *u);

/* What update_write made. */
struct update_write_result {
	size_t unchanged, changed, added, removed; /* entries of the target against the base */
	size_t deltas; /* entries carried as a delta */
	size_t steps;
	uint64_t file_size; /* of the update file */
	uint64_t target_size;
	uint64_t copied; /* target bytes copied from the base */
	uint64_t carried; /* target bytes carried whole */
	uint64_t patched; /* target bytes given by deltas ... */
	uint64_t delta_bytes; /* ... from deltas of this many bytes */
};

/*
 * Write the update from base to target (both verified, the same course, a
 * higher version, both signed with sk's key: UPDATE_DOWNGRADE,
 * UPDATE_SIGNER, BASE_MISMATCH otherwise) at out_path: a temporary file
 * beside it, applied to base and checked against target before it is
 * renamed into place.  A stored entry over 1 MiB that changed travels as a
 * librsync delta against the base's entry of the same name when that is
 * at most nine tenths of the entry (a delta of a re-encoded video is about
 * as large as the video, and costs librsync's work to apply).  result may be NULL.
 */
enum bundle_status update_write(const struct bundle *base, const struct bundle *target,
                                const struct minisign_seckey *sk, const char *out_path,
                                struct update_write_result *result, struct bundle_error *err);

#endif

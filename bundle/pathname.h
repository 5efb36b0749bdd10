/*
 * pathname.h - the one path checker (format-spec/bundle-v1.md, "Entry names").
 *
 * Decides whether a name may exist in a bundle.  The writer uses it on its
 * input, the reader on every entry, the player on decoded URLs and the
 * extractor before it writes.  It rejects; it never repairs.
 */
#ifndef SAMPAN_BUNDLE_PATHNAME_H
#define SAMPAN_BUNDLE_PATHNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/*
 * Check one name (len bytes, any bytes) against the per-name rules, in the
 * spec's order: UTF-8 (and, when from_zip, ZIP flag bit 11 set for a
 * non-ASCII name: pass utf8_flag), length, segments, forbidden code points,
 * trailing dot or space, Windows device names, the META-INF spelling, NFC.
 * Returns BUNDLE_OK or BUNDLE_INVALID with RULE_NAME_NOT_UTF8,
 * RULE_NAME_INVALID or RULE_NAME_NOT_NFC; BUNDLE_NOMEM.
 */
enum bundle_status pathname_check(const char *name, size_t len, bool utf8_flag,
                                  struct bundle_error *err);

/*
 * The caseless key of a valid name: NFD(full case fold(NFD(name))) in UTF-8
 * (Unicode canonical caseless matching, D145).  *key is malloc'd and
 * NUL-terminated; the caller frees it.
 */
enum bundle_status pathname_fold(const char *name, size_t len, char **key, size_t *key_len,
                                 struct bundle_error *err);

/*
 * Check a set of n valid names together: NAME_DUPLICATE, NAME_CASE_COLLISION,
 * NAME_FILE_DIR_CONFLICT.  names[i] has lens[i] bytes.  O(n log n).
 */
enum bundle_status pathname_check_set(const char *const *names, const size_t *lens, size_t n,
                                      struct bundle_error *err);

/* Byte-wise order of two names as the format sorts them (memcmp, shorter first on a tie). */
int pathname_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif

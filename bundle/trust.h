/*
 * trust.h - the set of publisher keys a reader trusts (format-spec/
 * bundle-v1.md, "META-INF/MANIFEST.minisig": KEY_UNTRUSTED).
 * Keys come from minisign public key files, one by one or from a folder.
 */
#ifndef SAMPAN_BUNDLE_TRUST_H
#define SAMPAN_BUNDLE_TRUST_H

#include <stddef.h>

#include "error.h"
#include "minisign.h"

struct trust {
	struct minisign_pubkey *keys;
	size_t count;
	size_t cap;
};

void trust_init(struct trust *t);
void trust_release(struct trust *t);

/* Add one key (a duplicate key id with the same key is ignored; with another key it is refused). */
enum bundle_status trust_add(struct trust *t, const struct minisign_pubkey *pk,
                             struct bundle_error *err);
/* Add the key in a public key file (at most 4 KiB).  Errors name the file. */
enum bundle_status trust_add_file(struct trust *t, const char *path, struct bundle_error *err);
/* Add every *.pub file of a folder (not recursive); a missing folder adds nothing. */
enum bundle_status trust_add_dir(struct trust *t, const char *dir, struct bundle_error *err);

/* The key with that id, or NULL. */
const struct minisign_pubkey *trust_find(const struct trust *t,
                                         const unsigned char keyid[MINISIGN_KEYID_SIZE]);

#endif

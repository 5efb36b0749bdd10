/*
 * digest.h - SHA-256 at hardware speed (OpenSSL's libcrypto; the only file
 * that includes it).  Entry digests and chunk digests of
 * format-spec/bundle-v1.md, "META-INF/MANIFEST" and "META-INF/chunks".
 */
#ifndef SAMPAN_BUNDLE_DIGEST_H
#define SAMPAN_BUNDLE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define DIGEST_SIZE 32
#define DIGEST_HEX_SIZE 65 /* 64 hex digits and a NUL */

struct digest; /* opaque streaming state */

/* A new SHA-256 state, or NULL when out of memory.  Free with digest_free. */
struct digest *digest_new(void);
/* Start again (a fresh state can be used without it). */
void digest_reset(struct digest *d);
void digest_update(struct digest *d, const void *data, size_t len);
/* Write the 32-byte result; the state must be reset before it is used again. */
void digest_final(struct digest *d, unsigned char out[DIGEST_SIZE]);
void digest_free(struct digest *d);

/* One-shot SHA-256 of len bytes. */
void digest_sha256(const void *data, size_t len, unsigned char out[DIGEST_SIZE]);

/* 64 lowercase hex digits and a NUL. */
void digest_to_hex(const unsigned char in[DIGEST_SIZE], char out[DIGEST_HEX_SIZE]);
/* Parse exactly 64 lowercase hex digits; false otherwise. */
bool digest_from_hex(const char *hex, size_t len, unsigned char out[DIGEST_SIZE]);

#endif

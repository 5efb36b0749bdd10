/*
 * minisign.h - minisign's key and signature files, made and checked with
 * libsodium (the only file that includes <sodium.h>).
 * format-spec/bundle-v1.md, "META-INF/MANIFEST.minisig" and "Key files".
 *
 * Keys and signatures are byte-compatible with stock minisign both ways:
 * a key made here signs with `minisign -S`, a key made by `minisign -G`
 * signs here, and `minisign -V` checks what is signed here.  Only the
 * prehashed `ED` algorithm is made or accepted; legacy `Ed` signatures
 * are refused with RULE_SIGNATURE_LEGACY.
 *
 * Secret keys live in sodium_malloc'd memory that is wiped when freed.
 * All functions are thread-safe once minisign_init() has returned.
 */
#ifndef SAMPAN_BUNDLE_MINISIGN_H
#define SAMPAN_BUNDLE_MINISIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MINISIGN_KEYID_SIZE 8
#define MINISIGN_PUBLIC_SIZE 32
#define MINISIGN_SIG_SIZE 64
#define MINISIGN_KEYID_HEX_SIZE 17
/*
 * The limits of format-spec/bundle-v1.md 9.1, those of stock minisign 0.11:
 * the longest trusted comment `minisign -S -t` signs, and the longest first
 * line (counting a CR before its LF) `minisign -V` reads.
 */
#define MINISIGN_TRUSTED_COMMENT_MAX 4077
#define MINISIGN_UNTRUSTED_LINE_MAX 1022

struct minisign_pubkey {
	unsigned char keyid[MINISIGN_KEYID_SIZE];
	unsigned char pk[MINISIGN_PUBLIC_SIZE];
};

struct minisign_seckey; /* opaque; in guarded memory */

struct minisign_sig {
	unsigned char alg[2]; /* always "ED" after a successful parse */
	unsigned char keyid[MINISIGN_KEYID_SIZE];
	unsigned char sig[MINISIGN_SIG_SIZE];
	char *trusted_comment; /* malloc'd, NUL-terminated, without the prefix */
	size_t trusted_len;
	unsigned char global_sig[MINISIGN_SIG_SIZE];
};

/* Initialise libsodium.  Call once before any other function; safe to call again. */
enum bundle_status minisign_init(struct bundle_error *err);

/* The key id as minisign prints it: the 8 bytes as a little-endian number, 16 upper hex digits. */
void minisign_keyid_hex(const unsigned char keyid[MINISIGN_KEYID_SIZE],
                        char out[MINISIGN_KEYID_HEX_SIZE]);

/*
 * Parse a public key: a whole key file (comment line, base64 line; CRLF,
 * trailing blanks and a missing final newline tolerated) or the bare
 * base64 line (as `minisign -P` takes).  RULE_KEY_INVALID when malformed.
 */
enum bundle_status minisign_pubkey_parse(const char *text, size_t len, struct minisign_pubkey *pk,
                                         struct bundle_error *err);

/* The public key file text; *out is malloc'd, the caller frees it. */
enum bundle_status minisign_pubkey_format(const struct minisign_pubkey *pk, char **out,
                                          size_t *out_len, struct bundle_error *err);

/* True when the secret key file text is password-protected (kdf `Sc`). */
bool minisign_seckey_is_encrypted(const char *text, size_t len);

/*
 * Parse a secret key file.  password may be NULL for an unencrypted key.
 * RULE_KEY_INVALID when malformed, RULE_PASSWORD_WRONG when the checksum
 * after decryption does not match (or a password is missing).
 * Free *sk with minisign_seckey_free.
 */
enum bundle_status minisign_seckey_parse(const char *text, size_t len, const char *password,
                                         struct minisign_seckey **sk, struct bundle_error *err);

/*
 * The secret key file text, encrypted with password unless it is NULL.
 * opslimit/memlimit: scrypt limits (0, 0 for minisign's defaults, the
 * "sensitive" limits).  *out is in guarded memory: free it with
 * minisign_secret_free.
 */
enum bundle_status minisign_seckey_format(const struct minisign_seckey *sk, const char *password,
                                          unsigned long long opslimit, size_t memlimit, char **out,
                                          size_t *out_len, struct bundle_error *err);

/* A new random key pair. */
enum bundle_status minisign_keygen(struct minisign_seckey **sk, struct minisign_pubkey *pk,
                                   struct bundle_error *err);

/* A key pair from a 32-byte seed and key id (deterministic; for tests and vectors). */
enum bundle_status minisign_key_from_seed(const unsigned char seed[32],
                                          const unsigned char keyid[MINISIGN_KEYID_SIZE],
                                          struct minisign_seckey **sk, struct minisign_pubkey *pk,
                                          struct bundle_error *err);

/* The public half of a secret key. */
void minisign_seckey_pubkey(const struct minisign_seckey *sk, struct minisign_pubkey *pk);

/* Wipe and free; NULL is fine. */
void minisign_seckey_free(struct minisign_seckey *sk);
/* Wipe and free a buffer from minisign_seckey_format or minisign_secret_alloc; NULL is fine. */
void minisign_secret_free(void *p);
/* Guarded memory for secrets (passwords, key file text); NULL when out of memory. */
void *minisign_secret_alloc(size_t size);

/*
 * Sign msg with the prehashed ED algorithm: the whole .minisig text, four
 * lines.  untrusted_comment and trusted_comment are the texts after the
 * prefixes; trusted_comment must be valid UTF-8 without control characters
 * other than TAB (RULE_INPUT_INVALID otherwise).  *out is malloc'd.
 */
enum bundle_status minisign_sign(const struct minisign_seckey *sk, const void *msg, size_t len,
                                 const char *untrusted_comment, const char *trusted_comment,
                                 char **out, size_t *out_len, struct bundle_error *err);

/*
 * Parse a .minisig text strictly: four LF-terminated lines (a CR before an
 * LF is tolerated), comments of text within the limits above, canonical
 * base64.  RULE_SIGNATURE_INVALID when malformed,
 * RULE_SIGNATURE_LEGACY for the unhashed `Ed` algorithm.  Release with
 * minisign_sig_release.
 */
enum bundle_status minisign_sig_parse(const char *text, size_t len, struct minisign_sig *sig,
                                      struct bundle_error *err);
void minisign_sig_release(struct minisign_sig *sig);

/*
 * Verify a parsed signature over msg with pk: the key ids must agree
 * (RULE_KEY_UNTRUSTED), the signature over BLAKE2b-512(msg) must hold
 * (RULE_SIGNATURE_BAD), then the global signature over the signature and
 * the trusted comment (RULE_TRUSTED_COMMENT_BAD).
 */
enum bundle_status minisign_sig_verify(const struct minisign_sig *sig,
                                       const struct minisign_pubkey *pk, const void *msg,
                                       size_t len, struct bundle_error *err);

#endif

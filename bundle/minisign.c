/*
 * minisign.c - minisign key and signature files with libsodium
 * (format-spec/bundle-v1.md, "META-INF/MANIFEST.minisig" and "Key files").
 */
#include "minisign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "utf8.h"

#define PUBKEY_BYTES 42
#define SECKEY_BYTES 158
#define SIGLINE_BYTES 74
#define SECRET_PART 54 /* bytes 54..157 are encrypted */
#define SECRET_PART_LEN (SECKEY_BYTES - SECRET_PART)
#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "

struct minisign_seckey {
	unsigned char keyid[MINISIGN_KEYID_SIZE];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

enum bundle_status minisign_init(struct bundle_error *err)
{
	if (sodium_init() < 0)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
		                        "libsodium could not be initialised");
	return BUNDLE_OK;
}

void minisign_keyid_hex(const unsigned char keyid[MINISIGN_KEYID_SIZE],
                        char out[MINISIGN_KEYID_HEX_SIZE])
{
	static const char hex[] = "0123456789ABCDEF";

	for (int i = 0; i < MINISIGN_KEYID_SIZE; i++) {
		unsigned char b = keyid[MINISIGN_KEYID_SIZE - 1 - i];
		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 15];
	}
	out[16] = '\0';
}

static void store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Decode exactly want bytes of standard padded base64; false otherwise.
 * libsodium refuses padding bits that are not zero, so only the canonical
 * encoding of each value passes.
 */
static bool b64_decode(const char *b64, size_t len, unsigned char *out, size_t want)
{
	size_t bin_len = 0;
	const char *end = NULL;

	if (len != sodium_base64_ENCODED_LEN(want, sodium_base64_VARIANT_ORIGINAL) - 1)
		return false;
	if (sodium_base642bin(out, want, b64, len, NULL, &bin_len, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return false;
	return bin_len == want && end == b64 + len;
}

/*
 * Tolerant split of a key file: up to max_lines non-blank lines, with CR
 * and trailing blanks trimmed; returns the count, or -1 when more lines
 * follow or a blank line sits between them.
 */
static int key_lines(const char *text, size_t len, const char **line, size_t *line_len,
                     int max_lines)
{
	int n = 0;
	size_t pos = 0;
	bool blank_seen = false;

	while (pos < len) {
		size_t start = pos, end;
		while (pos < len && text[pos] != '\n')
			pos++;
		end = pos;
		if (pos < len)
			pos++;
		while (end > start &&
		       (text[end - 1] == '\r' || text[end - 1] == ' ' || text[end - 1] == '\t'))
			end--;
		if (end == start) {
			blank_seen = true;
			continue;
		}
		if (blank_seen || n == max_lines)
			return -1;
		line[n] = text + start;
		line_len[n] = end - start;
		n++;
	}
	return n;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

enum bundle_status minisign_pubkey_parse(const char *text, size_t len, struct minisign_pubkey *pk,
                                         struct bundle_error *err)
{
	const char *line[2];
	size_t line_len[2];
	unsigned char bin[PUBKEY_BYTES];
	int n = key_lines(text, len, line, line_len, 2);
	const char *b64;
	size_t b64_len;

	if (n == 1) {
		b64 = line[0];
		b64_len = line_len[0];
	} else if (n == 2 && has_prefix(line[0], line_len[0], "untrusted comment:")) {
		b64 = line[1];
		b64_len = line_len[1];
	} else {
		return bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                        "not a minisign public key (a comment line, then one line "
		                        "of base64)");
	}
	if (!b64_decode(b64, b64_len, bin, sizeof(bin)))
		return bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                        "public key is not 42 bytes of base64");
	if (memcmp(bin, "Ed", 2) != 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                        "public key algorithm is not Ed25519 ('Ed')");
	memcpy(pk->keyid, bin + 2, MINISIGN_KEYID_SIZE);
	memcpy(pk->pk, bin + 10, MINISIGN_PUBLIC_SIZE);
	return BUNDLE_OK;
}

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

enum bundle_status minisign_pubkey_format(const struct minisign_pubkey *pk, char **out,
                                          size_t *out_len, struct bundle_error *err)
{
	unsigned char bin[PUBKEY_BYTES];
	char b64[sodium_base64_ENCODED_LEN(PUBKEY_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	char id[MINISIGN_KEYID_HEX_SIZE];
	size_t cap;
	int n;

	memcpy(bin, "Ed", 2);
	memcpy(bin + 2, pk->keyid, MINISIGN_KEYID_SIZE);
	memcpy(bin + 10, pk->pk, MINISIGN_PUBLIC_SIZE);
	sodium_bin2base64(b64, sizeof(b64), bin, sizeof(bin), sodium_base64_VARIANT_ORIGINAL);
	minisign_keyid_hex(pk->keyid, id);
	cap = 64 + sizeof(b64);
	*out = malloc(cap);
	if (!*out)
		return nomem(err);
	n = snprintf(*out, cap, "untrusted comment: minisign public key %s\n%s\n", id, b64);
	*out_len = (size_t)n;
	return BUNDLE_OK;
}

void *minisign_secret_alloc(size_t size)
{
	return sodium_malloc(size);
}

void minisign_secret_free(void *p)
{
	if (p)
		sodium_free(p);
}

void minisign_seckey_free(struct minisign_seckey *sk)
{
	if (sk)
		sodium_free(sk);
}

static struct minisign_seckey *seckey_alloc(void)
{
	struct minisign_seckey *sk = sodium_malloc(sizeof(*sk));

	if (sk)
		sodium_memzero(sk, sizeof(*sk));
	return sk;
}

/* BLAKE2b-256("Ed" || key id || secret key), minisign's seckey_compute_chk. */
static void seckey_checksum(const unsigned char keyid[MINISIGN_KEYID_SIZE], const unsigned char *sk,
                            unsigned char chk[32])
{
	crypto_generichash_state hs;

	crypto_generichash_init(&hs, NULL, 0, 32);
	crypto_generichash_update(&hs, (const unsigned char *)"Ed", 2);
	crypto_generichash_update(&hs, keyid, MINISIGN_KEYID_SIZE);
	crypto_generichash_update(&hs, sk, crypto_sign_SECRETKEYBYTES);
	crypto_generichash_final(&hs, chk, 32);
	sodium_memzero(&hs, sizeof(hs));
}

static bool decode_seckey(const char *text, size_t len, unsigned char *bin)
{
	const char *line[2];
	size_t line_len[2];
	int n = key_lines(text, len, line, line_len, 2);

	if (n != 2 || !has_prefix(line[0], line_len[0], "untrusted comment:"))
		return false;
	return b64_decode(line[1], line_len[1], bin, SECKEY_BYTES);
}

bool minisign_seckey_is_encrypted(const char *text, size_t len)
{
	unsigned char *bin = sodium_malloc(SECKEY_BYTES);
	bool enc = false;

	if (!bin)
		return false;
	if (decode_seckey(text, len, bin))
		enc = memcmp(bin + 2, "Sc", 2) == 0;
	sodium_free(bin);
	return enc;
}

/* The scrypt keystream for the encrypted part; false when scrypt fails. */
static bool kdf_stream(unsigned char *stream, const char *password, const unsigned char *salt,
                       unsigned long long opslimit, size_t memlimit)
{
	return crypto_pwhash_scryptsalsa208sha256(stream, SECRET_PART_LEN, password,
	                                          strlen(password), salt, opslimit, memlimit) == 0;
}

enum bundle_status minisign_seckey_parse(const char *text, size_t len, const char *password,
                                         struct minisign_seckey **out, struct bundle_error *err)
{
	unsigned char *bin = sodium_malloc(SECKEY_BYTES);
	unsigned char *stream = sodium_malloc(SECRET_PART_LEN);
	unsigned char chk[32], seed_pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char *seed_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	struct minisign_seckey *sk = NULL;
	enum bundle_status st;
	bool encrypted;

	*out = NULL;
	if (!bin || !stream || !seed_sk) {
		st = nomem(err);
		goto cleanup;
	}
	if (!decode_seckey(text, len, bin)) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                      "not a minisign secret key (a comment line, then 158 bytes "
		                      "of base64)");
		goto cleanup;
	}
	if (memcmp(bin, "Ed", 2) != 0 || memcmp(bin + 4, "B2", 2) != 0) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                      "secret key algorithms are not Ed25519 and BLAKE2b");
		goto cleanup;
	}
	encrypted = memcmp(bin + 2, "Sc", 2) == 0;
	if (!encrypted && (bin[2] != 0 || bin[3] != 0)) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                      "secret key uses an unknown key derivation");
		goto cleanup;
	}
	if (encrypted) {
		uint64_t ops = load_le64(bin + 38), mem = load_le64(bin + 46);
		if (!password) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_PASSWORD_WRONG, NULL, 0,
			                      "the secret key is password-protected");
			goto cleanup;
		}
		if (ops > 4ull * crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE ||
		    mem > 4ull * crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
			                      "secret key asks for unreasonable scrypt limits");
			goto cleanup;
		}
		if (!kdf_stream(stream, password, bin + 6, ops, (size_t)mem)) {
			st = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
			                      "not enough memory to decrypt the secret key");
			goto cleanup;
		}
		for (size_t i = 0; i < SECRET_PART_LEN; i++)
			bin[SECRET_PART + i] ^= stream[i];
	}
	seckey_checksum(bin + 54, bin + 62, chk);
	if (sodium_memcmp(chk, bin + 126, 32) != 0 &&
	    (encrypted || !sodium_is_zero(bin + 126, 32))) {
		st = bundle_error_set(err, BUNDLE_INVALID,
		                      encrypted ? RULE_PASSWORD_WRONG : RULE_KEY_INVALID, NULL, 0,
		                      encrypted ? "wrong password for this secret key"
		                                : "secret key checksum does not match");
		goto cleanup;
	}
	crypto_sign_seed_keypair(seed_pk, seed_sk, bin + 62);
	if (sodium_memcmp(seed_pk, bin + 62 + 32, sizeof(seed_pk)) != 0) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                      "secret key's public half does not match its seed");
		goto cleanup;
	}
	sk = seckey_alloc();
	if (!sk) {
		st = nomem(err);
		goto cleanup;
	}
	memcpy(sk->keyid, bin + 54, MINISIGN_KEYID_SIZE);
	memcpy(sk->sk, bin + 62, crypto_sign_SECRETKEYBYTES);
	*out = sk;
	st = BUNDLE_OK;
cleanup:
	sodium_memzero(chk, sizeof(chk));
	if (bin)
		sodium_free(bin);
	if (stream)
		sodium_free(stream);
	if (seed_sk)
		sodium_free(seed_sk);
	return st;
}

enum bundle_status minisign_seckey_format(const struct minisign_seckey *sk, const char *password,
                                          unsigned long long opslimit, size_t memlimit, char **out,
                                          size_t *out_len, struct bundle_error *err)
{
	static const char comment[] = "untrusted comment: minisign encrypted secret key\n";
	size_t b64_size = sodium_base64_ENCODED_LEN(SECKEY_BYTES, sodium_base64_VARIANT_ORIGINAL);
	unsigned char *bin = sodium_malloc(SECKEY_BYTES);
	unsigned char *stream = sodium_malloc(SECRET_PART_LEN);
	char *text = sodium_malloc(sizeof(comment) + b64_size + 1);
	enum bundle_status st;

	*out = NULL;
	if (!bin || !stream || !text) {
		st = nomem(err);
		goto cleanup;
	}
	sodium_memzero(bin, SECKEY_BYTES);
	memcpy(bin, "Ed", 2);
	memcpy(bin + 4, "B2", 2);
	memcpy(bin + 54, sk->keyid, MINISIGN_KEYID_SIZE);
	memcpy(bin + 62, sk->sk, crypto_sign_SECRETKEYBYTES);
	seckey_checksum(sk->keyid, sk->sk, bin + 126);
	if (password) {
		if (opslimit == 0)
			opslimit = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE;
		if (memlimit == 0)
			memlimit = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE;
		memcpy(bin + 2, "Sc", 2);
		randombytes_buf(bin + 6, crypto_pwhash_scryptsalsa208sha256_SALTBYTES);
		/* As minisign: halve the limits until the machine can afford them. */
		while (!kdf_stream(stream, password, bin + 6, opslimit, memlimit)) {
			opslimit /= 2;
			memlimit /= 2;
			if (opslimit < crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN ||
			    memlimit < crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN) {
				st = bundle_error_set(
				        err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
				        "not enough memory to encrypt the secret key");
				goto cleanup;
			}
		}
		store_le64(bin + 38, opslimit);
		store_le64(bin + 46, memlimit);
		for (size_t i = 0; i < SECRET_PART_LEN; i++)
			bin[SECRET_PART + i] ^= stream[i];
	}
	memcpy(text, comment, sizeof(comment) - 1);
	sodium_bin2base64(text + sizeof(comment) - 1, b64_size, bin, SECKEY_BYTES,
	                  sodium_base64_VARIANT_ORIGINAL);
	*out_len = strlen(text);
	text[(*out_len)++] = '\n';
	text[*out_len] = '\0';
	*out = text;
	text = NULL;
	st = BUNDLE_OK;
cleanup:
	if (bin)
		sodium_free(bin);
	if (stream)
		sodium_free(stream);
	if (text)
		sodium_free(text);
	return st;
}

enum bundle_status minisign_key_from_seed(const unsigned char seed[32],
                                          const unsigned char keyid[MINISIGN_KEYID_SIZE],
                                          struct minisign_seckey **out, struct minisign_pubkey *pk,
                                          struct bundle_error *err)
{
	struct minisign_seckey *sk = seckey_alloc();

	*out = NULL;
	if (!sk)
		return nomem(err);
	memcpy(sk->keyid, keyid, MINISIGN_KEYID_SIZE);
	crypto_sign_seed_keypair(pk->pk, sk->sk, seed);
	memcpy(pk->keyid, keyid, MINISIGN_KEYID_SIZE);
	*out = sk;
	return BUNDLE_OK;
}

enum bundle_status minisign_keygen(struct minisign_seckey **out, struct minisign_pubkey *pk,
                                   struct bundle_error *err)
{
	unsigned char *seed = sodium_malloc(32);
	unsigned char keyid[MINISIGN_KEYID_SIZE];
	enum bundle_status st;

	if (!seed)
		return nomem(err);
	randombytes_buf(seed, 32);
	randombytes_buf(keyid, sizeof(keyid));
	st = minisign_key_from_seed(seed, keyid, out, pk, err);
	sodium_free(seed);
	return st;
}

void minisign_seckey_pubkey(const struct minisign_seckey *sk, struct minisign_pubkey *pk)
{
	memcpy(pk->keyid, sk->keyid, MINISIGN_KEYID_SIZE);
	memcpy(pk->pk, sk->sk + 32, MINISIGN_PUBLIC_SIZE);
}

/* Valid UTF-8 with no control character but TAB. */
static bool comment_ok(const char *s, size_t len)
{
	size_t pos = 0;
	uint32_t cp;

	while (pos < len) {
		if (!utf8_next(s, len, &pos, &cp))
			return false;
		if ((cp < 0x20 && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			return false;
	}
	return true;
}

static void prehash(const void *msg, size_t len, unsigned char h[crypto_generichash_BYTES_MAX])
{
	crypto_generichash(h, crypto_generichash_BYTES_MAX, msg, len, NULL, 0);
}

/* signature(64) || trusted comment, for the global signature; malloc'd. */
static unsigned char *global_message(const unsigned char *sig, const char *tc, size_t tc_len)
{
	unsigned char *m = malloc(MINISIGN_SIG_SIZE + tc_len + 1);

	if (!m)
		return NULL;
	memcpy(m, sig, MINISIGN_SIG_SIZE);
	memcpy(m + MINISIGN_SIG_SIZE, tc, tc_len);
	return m;
}

enum bundle_status minisign_sign(const struct minisign_seckey *sk, const void *msg, size_t len,
                                 const char *untrusted_comment, const char *trusted_comment,
                                 char **out, size_t *out_len, struct bundle_error *err)
{
	unsigned char h[crypto_generichash_BYTES_MAX];
	unsigned char line2[SIGLINE_BYTES], global[MINISIGN_SIG_SIZE];
	char b64_2[sodium_base64_ENCODED_LEN(SIGLINE_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	char b64_4[sodium_base64_ENCODED_LEN(MINISIGN_SIG_SIZE, sodium_base64_VARIANT_ORIGINAL)];
	size_t uc_len = strlen(untrusted_comment), tc_len = strlen(trusted_comment), cap;
	unsigned char *gm;
	int n;

	*out = NULL;
	if (!comment_ok(untrusted_comment, uc_len) ||
	    uc_len + strlen(UNTRUSTED_PREFIX) > MINISIGN_UNTRUSTED_LINE_MAX)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_INPUT_INVALID, NULL, 0,
		                        "untrusted comment is not one line of text of at most %d "
		                        "bytes",
		                        MINISIGN_UNTRUSTED_LINE_MAX -
		                                (int)strlen(UNTRUSTED_PREFIX));
	if (!comment_ok(trusted_comment, tc_len) || tc_len > MINISIGN_TRUSTED_COMMENT_MAX)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_INPUT_INVALID, NULL, 0,
		                        "trusted comment is not one line of text of at most %d "
		                        "bytes",
		                        MINISIGN_TRUSTED_COMMENT_MAX);
	prehash(msg, len, h);
	memcpy(line2, "ED", 2);
	memcpy(line2 + 2, sk->keyid, MINISIGN_KEYID_SIZE);
	crypto_sign_detached(line2 + 10, NULL, h, sizeof(h), sk->sk);
	gm = global_message(line2 + 10, trusted_comment, tc_len);
	if (!gm)
		return nomem(err);
	crypto_sign_detached(global, NULL, gm, MINISIGN_SIG_SIZE + tc_len, sk->sk);
	free(gm);
	sodium_bin2base64(b64_2, sizeof(b64_2), line2, sizeof(line2),
	                  sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b64_4, sizeof(b64_4), global, sizeof(global),
	                  sodium_base64_VARIANT_ORIGINAL);
	cap = uc_len + tc_len + sizeof(b64_2) + sizeof(b64_4) + 64;
	*out = malloc(cap);
	if (!*out)
		return nomem(err);
	n = snprintf(*out, cap, UNTRUSTED_PREFIX "%s\n%s\n" TRUSTED_PREFIX "%s\n%s\n",
	             untrusted_comment, b64_2, trusted_comment, b64_4);
	*out_len = (size_t)n;
	return BUNDLE_OK;
}

static enum bundle_status sig_invalid(struct bundle_error *err, const char *why)
{
	return bundle_error_set(err, BUNDLE_INVALID, RULE_SIGNATURE_INVALID, NULL, 0,
	                        "signature file: %s", why);
}

enum bundle_status minisign_sig_parse(const char *text, size_t len, struct minisign_sig *sig,
                                      struct bundle_error *err)
{
	const char *line[4];
	size_t line_len[4], raw_len[4];
	size_t pos = 0;
	unsigned char bin[SIGLINE_BYTES];
	const char *tc;
	size_t tc_len;

	memset(sig, 0, sizeof(*sig));
	for (int i = 0; i < 4; i++) {
		size_t start = pos;
		while (pos < len && text[pos] != '\n')
			pos++;
		if (pos == len)
			return sig_invalid(err, "not four lines each ending in a newline");
		line[i] = text + start;
		raw_len[i] = line_len[i] = pos - start;
		if (line_len[i] > 0 && line[i][line_len[i] - 1] == '\r')
			line_len[i]--;
		pos++;
	}
	if (pos != len)
		return sig_invalid(err, "bytes after the fourth line");
	if (!has_prefix(line[0], line_len[0], UNTRUSTED_PREFIX))
		return sig_invalid(err, "line 1 is not an untrusted comment");
	/* The limit counts the CR: stock minisign reads the line with it. */
	if (raw_len[0] > MINISIGN_UNTRUSTED_LINE_MAX)
		return sig_invalid(err, "line 1 is longer than 1,022 bytes");
	if (!comment_ok(line[0] + strlen(UNTRUSTED_PREFIX), line_len[0] - strlen(UNTRUSTED_PREFIX)))
		return sig_invalid(err, "the untrusted comment is not UTF-8 text without control "
		                        "characters");
	if (!b64_decode(line[1], line_len[1], bin, sizeof(bin)))
		return sig_invalid(err, "line 2 is not 74 bytes of base64");
	if (memcmp(bin, "Ed", 2) == 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_SIGNATURE_LEGACY, NULL, 0,
		                        "legacy unhashed 'Ed' signature; only prehashed 'ED' "
		                        "signatures are accepted");
	if (memcmp(bin, "ED", 2) != 0)
		return sig_invalid(err, "unknown signature algorithm");
	if (!has_prefix(line[2], line_len[2], TRUSTED_PREFIX))
		return sig_invalid(err, "line 3 is not a trusted comment");
	tc = line[2] + strlen(TRUSTED_PREFIX);
	tc_len = line_len[2] - strlen(TRUSTED_PREFIX);
	if (tc_len > MINISIGN_TRUSTED_COMMENT_MAX || !comment_ok(tc, tc_len))
		return sig_invalid(err, "trusted comment is longer than 4,077 bytes, not UTF-8, or "
		                        "has control characters");
	if (!b64_decode(line[3], line_len[3], sig->global_sig, MINISIGN_SIG_SIZE))
		return sig_invalid(err, "line 4 is not 64 bytes of base64");
	memcpy(sig->alg, bin, 2);
	memcpy(sig->keyid, bin + 2, MINISIGN_KEYID_SIZE);
	memcpy(sig->sig, bin + 10, MINISIGN_SIG_SIZE);
	sig->trusted_comment = malloc(tc_len + 1);
	if (!sig->trusted_comment)
		return nomem(err);
	memcpy(sig->trusted_comment, tc, tc_len);
	sig->trusted_comment[tc_len] = '\0';
	sig->trusted_len = tc_len;
	return BUNDLE_OK;
}

void minisign_sig_release(struct minisign_sig *sig)
{
	if (!sig)
		return;
	free(sig->trusted_comment);
	sig->trusted_comment = NULL;
	sig->trusted_len = 0;
}

enum bundle_status minisign_sig_verify(const struct minisign_sig *sig,
                                       const struct minisign_pubkey *pk, const void *msg,
                                       size_t len, struct bundle_error *err)
{
	unsigned char h[crypto_generichash_BYTES_MAX];
	unsigned char *gm;
	int bad;

	if (memcmp(sig->keyid, pk->keyid, MINISIGN_KEYID_SIZE) != 0) {
		char a[MINISIGN_KEYID_HEX_SIZE], b[MINISIGN_KEYID_HEX_SIZE];
		minisign_keyid_hex(sig->keyid, a);
		minisign_keyid_hex(pk->keyid, b);
		return bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_UNTRUSTED, NULL, 0,
		                        "signed by key %s, not by key %s", a, b);
	}
	prehash(msg, len, h);
	if (crypto_sign_verify_detached(sig->sig, h, sizeof(h), pk->pk) != 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_SIGNATURE_BAD, NULL, 0,
		                        "the signature does not match the signed file");
	gm = global_message(sig->sig, sig->trusted_comment, sig->trusted_len);
	if (!gm)
		return nomem(err);
	bad = crypto_sign_verify_detached(sig->global_sig, gm, MINISIGN_SIG_SIZE + sig->trusted_len,
	                                  pk->pk);
	free(gm);
	if (bad)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_TRUSTED_COMMENT_BAD, NULL, 0,
		                        "the trusted comment was changed after signing");
	return BUNDLE_OK;
}

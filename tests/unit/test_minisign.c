/*
 * test_minisign.c - minisign keys and signatures (bundle/minisign.c;
 * decisions sections 5 and 6), including interoperability both ways with
 * the stock `minisign` program (a declared dependency).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "minisign.h"

#define OPS_MIN 32768ull
#define MEM_MIN 16777216u
#define TC "sampan-bundle:1\tid:org.example.pump\tversion:1.2"

static const char message[] = "# sampan-bundle: 1\n# id: org.example.pump\n# version: 1.2\n";

/* ---- small helpers: base64 (RFC 4648, padded) and line editing ---- */

static const char b64_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const unsigned char *in, size_t n)
{
	char *out = malloc((n + 2) / 3 * 4 + 1);
	size_t o = 0;

	assert_non_null(out);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64_alphabet, c) : NULL;
	return p ? (int)(p - b64_alphabet) : -1;
}

/* Decode len characters (a multiple of 4); returns the byte count. */
static size_t b64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t o = 0;

	assert_int_equal(len % 4, 0);
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		for (size_t k = 0; k < 4; k++)
			v[k] = in[i + k] == '=' ? 0 : b64_value(in[i + k]);
		for (size_t k = 0; k < 4; k++)
			assert_true(v[k] >= 0);
		unsigned x = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 |
		             (unsigned)v[3];
		size_t take = in[i + 2] == '=' ? 1 : in[i + 3] == '=' ? 2 : 3;
		for (size_t k = 0; k < take; k++) {
			assert_true(o < cap);
			out[o++] = (unsigned char)(x >> (16 - 8 * k));
		}
	}
	return o;
}

/* Start and length (without LF) of line k (0-based) of text. */
static const char *line_at(const char *text, int k, size_t *len)
{
	const char *p = text;

	for (int i = 0; i < k; i++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	*len = strcspn(p, "\n");
	return p;
}

/* text with line k replaced by repl; malloc'd. */
static char *replace_line(const char *text, int k, const char *repl)
{
	size_t len, n = strlen(text) + strlen(repl) + 1;
	const char *start = line_at(text, k, &len);
	char *out = malloc(n);

	assert_non_null(out);
	snprintf(out, n, "%.*s%s%s", (int)(start - text), text, repl, start + len);
	return out;
}

/* Decode line k of text into out; returns the byte count. */
static size_t decode_line(const char *text, int k, unsigned char *out, size_t cap)
{
	size_t len;
	const char *line = line_at(text, k, &len);
	return b64_decode(line, len, out, cap);
}

/* text with line k replaced by the base64 of bin. */
static char *replace_line_b64(const char *text, int k, const unsigned char *bin, size_t n)
{
	char *b64 = b64_encode(bin, n);
	char *out = replace_line(text, k, b64);

	free(b64);
	return out;
}

/* Every LF turned into CRLF; malloc'd. */
static char *to_crlf(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(2 * n + 1);
	size_t o = 0;

	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			out[o++] = '\r';
		out[o++] = text[i];
	}
	out[o] = '\0';
	return out;
}

static char *sign_text(const struct minisign_seckey *sk, const void *msg, size_t len,
                       const char *tc)
{
	char *out = NULL;
	size_t out_len = 0;
	struct bundle_error err;

	assert_ok(minisign_sign(sk, msg, len, "signature from sampan secret key", tc, &out,
	                        &out_len, &err),
	          err);
	assert_non_null(out);
	assert_int_equal(out_len, strlen(out));
	return out;
}

/* Parse and verify sig text over msg with pk: the status, err filled. */
static enum bundle_status parse_verify(const char *text, const struct minisign_pubkey *pk,
                                       const void *msg, size_t len, struct bundle_error *err)
{
	struct minisign_sig sig;
	enum bundle_status st;

	bundle_error_clear(err);
	st = minisign_sig_parse(text, strlen(text), &sig, err);
	if (st == BUNDLE_OK)
		st = minisign_sig_verify(&sig, pk, msg, len, err);
	minisign_sig_release(&sig);
	return st;
}

static enum bundle_status parse_only(const char *text, struct bundle_error *err)
{
	struct minisign_sig sig;
	enum bundle_status st;

	bundle_error_clear(err);
	st = minisign_sig_parse(text, strlen(text), &sig, err);
	minisign_sig_release(&sig);
	return st;
}

static char *seckey_text(const struct minisign_seckey *sk, const char *password, size_t *len)
{
	char *text = NULL;
	struct bundle_error err;

	assert_ok(minisign_seckey_format(sk, password, OPS_MIN, MEM_MIN, &text, len, &err), err);
	assert_non_null(text);
	return text;
}

/* A plain malloc'd copy of a guarded buffer, for editing. */
static char *plain_copy(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	assert_non_null(p);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static enum bundle_status seckey_parse_status(const char *text, const char *password,
                                              struct minisign_pubkey *pk, struct bundle_error *err)
{
	struct minisign_seckey *sk = NULL;
	enum bundle_status st;

	bundle_error_clear(err);
	st = minisign_seckey_parse(text, strlen(text), password, &sk, err);
	if (st == BUNDLE_OK) {
		assert_non_null(sk);
		if (pk)
			minisign_seckey_pubkey(sk, pk);
	} else {
		assert_null(sk);
	}
	minisign_seckey_free(sk);
	return st;
}

/* ---- keys ---- */

static void keygen_makes_different_keys(void **state)
{
	struct minisign_seckey *a = NULL, *b = NULL;
	struct minisign_pubkey pa, pb, half;
	struct bundle_error err;
	char *sig;

	(void)state;
	assert_ok(minisign_init(&err), err);
	assert_ok(minisign_keygen(&a, &pa, &err), err);
	assert_ok(minisign_keygen(&b, &pb, &err), err);
	assert_memory_not_equal(pa.pk, pb.pk, MINISIGN_PUBLIC_SIZE);
	assert_memory_not_equal(pa.keyid, pb.keyid, MINISIGN_KEYID_SIZE);
	minisign_seckey_pubkey(a, &half);
	assert_memory_equal(&half, &pa, sizeof(half));
	sig = sign_text(a, message, sizeof(message) - 1, TC);
	assert_ok(parse_verify(sig, &pa, message, sizeof(message) - 1, &err), err);
	assert_rule(parse_verify(sig, &pb, message, sizeof(message) - 1, &err), BUNDLE_INVALID, err,
	            RULE_KEY_UNTRUSTED);
	free(sig);
	minisign_seckey_free(a);
	minisign_seckey_free(b);
}

static void key_from_seed_is_deterministic(void **state)
{
	struct minisign_seckey *a, *b;
	struct minisign_pubkey pa, pb;
	char *sa, *sb;

	(void)state;
	tu_key(1, &a, &pa);
	tu_key(1, &b, &pb);
	assert_memory_equal(&pa, &pb, sizeof(pa));
	sa = sign_text(a, message, sizeof(message) - 1, TC);
	sb = sign_text(b, message, sizeof(message) - 1, TC);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	minisign_seckey_free(a);
	minisign_seckey_free(b);
}

static void keyid_hex_reads_bytes_as_little_endian_number(void **state)
{
	static const unsigned char id[8] = { 0x1f, 0xe8, 0xb4, 0x42, 0x18, 0x0f, 0x62, 0xe7 };
	static const unsigned char id2[8] = { 0x01, 0, 0, 0, 0, 0, 0, 0xa0 };
	char hex[MINISIGN_KEYID_HEX_SIZE];

	(void)state;
	minisign_keyid_hex(id, hex);
	assert_string_equal(hex, "E7620F1842B4E81F");
	minisign_keyid_hex(id2, hex);
	assert_string_equal(hex, "A000000000000001");
}

static void pubkey_format_then_parse_round_trips(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk, back;
	struct bundle_error err;
	unsigned char bin[64];
	char *text = NULL, hex[MINISIGN_KEYID_HEX_SIZE], first[80];
	size_t len = 0;

	(void)state;
	tu_key(1, &sk, &pk);
	assert_ok(minisign_pubkey_format(&pk, &text, &len, &err), err);
	assert_int_equal(len, strlen(text));
	minisign_keyid_hex(pk.keyid, hex);
	snprintf(first, sizeof(first), "untrusted comment: minisign public key %s\n", hex);
	assert_true(strncmp(text, first, strlen(first)) == 0);
	assert_int_equal(text[len - 1], '\n');
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 42);
	assert_memory_equal(bin, "Ed", 2);
	assert_memory_equal(bin + 2, pk.keyid, 8);
	assert_memory_equal(bin + 10, pk.pk, 32);

	memset(&back, 0, sizeof(back));
	assert_ok(minisign_pubkey_parse(text, len, &back, &err), err);
	assert_memory_equal(&back, &pk, sizeof(pk));
	free(text);
	minisign_seckey_free(sk);
}

static char *pubkey_text(int n, struct minisign_pubkey *pk)
{
	struct minisign_seckey *sk;
	struct bundle_error err;
	char *text = NULL;
	size_t len;

	tu_key(n, &sk, pk);
	minisign_seckey_free(sk);
	assert_ok(minisign_pubkey_format(pk, &text, &len, &err), err);
	return text;
}

static void expect_pubkey(int line, const char *text, size_t len,
                          const struct minisign_pubkey *want)
{
	struct minisign_pubkey got;
	struct bundle_error err;

	memset(&got, 0, sizeof(got));
	bundle_error_clear(&err);
	if (want) {
		if (minisign_pubkey_parse(text, len, &got, &err) != BUNDLE_OK)
			fail_msg("line %d: public key refused: %s", line, err.message);
		if (memcmp(&got, want, sizeof(got)) != 0)
			fail_msg("line %d: public key parsed to other bytes", line);
	} else if (minisign_pubkey_parse(text, len, &got, &err) != BUNDLE_INVALID ||
	           err.rule != RULE_KEY_INVALID) {
		fail_msg("line %d: got rule %s (%s), want KEY_INVALID", line,
		         bundle_rule_name(err.rule), err.message);
	}
}

static void pubkey_parse_accepts_bare_base64_line(void **state)
{
	struct minisign_pubkey pk;
	char *text = pubkey_text(1, &pk), buf[200];
	size_t len;
	const char *b64 = line_at(text, 1, &len);

	(void)state;
	expect_pubkey(__LINE__, b64, len, &pk);
	snprintf(buf, sizeof(buf), "%.*s\n", (int)len, b64);
	expect_pubkey(__LINE__, buf, strlen(buf), &pk);
	snprintf(buf, sizeof(buf), "%.*s \t\r\n\n", (int)len, b64);
	expect_pubkey(__LINE__, buf, strlen(buf), &pk);
	free(text);
}

static void pubkey_parse_tolerates_crlf_blanks_and_missing_newline(void **state)
{
	struct minisign_pubkey pk;
	char *text = pubkey_text(2, &pk), *crlf = to_crlf(text), buf[300];
	size_t len = strlen(text);

	(void)state;
	expect_pubkey(__LINE__, crlf, strlen(crlf), &pk);
	expect_pubkey(__LINE__, text, len - 1, &pk); /* no final newline */
	snprintf(buf, sizeof(buf), "%.*s  \t\n\n\r\n", (int)(len - 1), text);
	expect_pubkey(__LINE__, buf, strlen(buf), &pk);
	free(crlf);
	free(text);
}

static void pubkey_parse_refuses_garbage(void **state)
{
	struct minisign_pubkey pk;
	char *text = pubkey_text(1, &pk), buf[400];
	size_t len = strlen(text), l1;
	const char *b64 = line_at(text, 1, &l1);

	(void)state;
	expect_pubkey(__LINE__, "", 0, NULL);
	expect_pubkey(__LINE__, "hello\n", 6, NULL);
	expect_pubkey(__LINE__, "untrusted comment: only a comment\n", 34, NULL);
	/* a third line */
	snprintf(buf, sizeof(buf), "%sextra\n", text);
	expect_pubkey(__LINE__, buf, strlen(buf), NULL);
	/* a blank line between comment and key */
	snprintf(buf, sizeof(buf), "untrusted comment: x\n\n%.*s\n", (int)l1, b64);
	expect_pubkey(__LINE__, buf, strlen(buf), NULL);
	/* the first of two lines is not a comment */
	snprintf(buf, sizeof(buf), "comment: x\n%.*s\n", (int)l1, b64);
	expect_pubkey(__LINE__, buf, strlen(buf), NULL);
	/* base64 cut short, and with a bad character */
	expect_pubkey(__LINE__, b64, l1 - 4, NULL);
	memcpy(buf, b64, l1);
	buf[5] = '!';
	expect_pubkey(__LINE__, buf, l1, NULL);
	/* a secret key is not a public key */
	{
		struct minisign_seckey *sk;
		struct minisign_pubkey pk1;
		size_t sec_len;
		char *sec;
		tu_key(1, &sk, &pk1);
		sec = seckey_text(sk, NULL, &sec_len);
		expect_pubkey(__LINE__, sec, sec_len, NULL);
		minisign_secret_free(sec);
		minisign_seckey_free(sk);
	}
	/* the key itself, as a check of the above */
	expect_pubkey(__LINE__, text, len, &pk);
	free(text);
}

static void pubkey_parse_refuses_non_ed_algorithm(void **state)
{
	struct minisign_pubkey pk;
	char *text = pubkey_text(1, &pk), *edited;
	unsigned char bin[64];

	(void)state;
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 42);
	memcpy(bin, "ED", 2);
	edited = replace_line_b64(text, 1, bin, 42);
	expect_pubkey(__LINE__, edited, strlen(edited), NULL);
	free(edited);
	memcpy(bin, "Xy", 2);
	edited = replace_line_b64(text, 1, bin, 42);
	expect_pubkey(__LINE__, edited, strlen(edited), NULL);
	free(edited);
	memcpy(bin, "Ed", 2);
	edited = replace_line_b64(text, 1, bin, 42);
	expect_pubkey(__LINE__, edited, strlen(edited), &pk);
	free(edited);
	free(text);
}

static void seckey_unencrypted_round_trips(void **state)
{
	struct minisign_seckey *sk, *back = NULL;
	struct minisign_pubkey pk, half;
	struct bundle_error err;
	unsigned char bin[200], zero[32] = { 0 };
	size_t len = 0;
	char *text = NULL;

	(void)state;
	tu_key(1, &sk, &pk);
	assert_ok(minisign_seckey_format(sk, NULL, 0, 0, &text, &len, &err), err);
	assert_int_equal(len, strlen(text));
	assert_true(strncmp(text, "untrusted comment: minisign encrypted secret key\n", 49) == 0);
	assert_false(minisign_seckey_is_encrypted(text, len));
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 158);
	assert_memory_equal(bin, "Ed\0\0B2", 6);
	assert_memory_equal(bin + 6, zero, 32); /* salt */
	assert_memory_equal(bin + 38, zero, 16); /* opslimit, memlimit */
	assert_memory_equal(bin + 54, pk.keyid, 8); /* key id in clear */
	assert_memory_equal(bin + 94, pk.pk, 32); /* public half of the secret key */
	assert_memory_not_equal(bin + 126, zero, 32); /* the real checksum */

	assert_ok(minisign_seckey_parse(text, len, NULL, &back, &err), err);
	minisign_seckey_pubkey(back, &half);
	assert_memory_equal(&half, &pk, sizeof(pk));
	{
		char *a = sign_text(sk, message, sizeof(message) - 1, TC);
		char *b = sign_text(back, message, sizeof(message) - 1, TC);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	/* a password given for an unencrypted key does not matter */
	assert_ok(seckey_parse_status(text, "unused", &half, &err), err);
	assert_memory_equal(&half, &pk, sizeof(pk));
	minisign_seckey_free(back);
	minisign_secret_free(text);
	minisign_seckey_free(sk);
}

static void seckey_encrypted_round_trips(void **state)
{
	struct minisign_seckey *sk, *back = NULL;
	struct minisign_pubkey pk, half;
	struct bundle_error err;
	unsigned char bin[200];
	uint64_t ops = 0, mem = 0;
	size_t len;
	char *text;

	(void)state;
	tu_key(2, &sk, &pk);
	text = seckey_text(sk, "correct horse", &len);
	assert_int_equal(len, strlen(text));
	assert_true(minisign_seckey_is_encrypted(text, len));
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 158);
	assert_memory_equal(bin, "EdScB2", 6);
	for (int i = 7; i >= 0; i--) {
		ops = ops << 8 | bin[38 + i];
		mem = mem << 8 | bin[46 + i];
	}
	assert_int_equal(ops, OPS_MIN);
	assert_int_equal(mem, MEM_MIN);
	/* the secret part is not in clear */
	assert_memory_not_equal(bin + 94, pk.pk, 32);

	assert_ok(minisign_seckey_parse(text, len, "correct horse", &back, &err), err);
	minisign_seckey_pubkey(back, &half);
	assert_memory_equal(&half, &pk, sizeof(pk));
	{
		char *a = sign_text(sk, message, sizeof(message) - 1, TC);
		char *b = sign_text(back, message, sizeof(message) - 1, TC);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	minisign_seckey_free(back);
	minisign_secret_free(text);
	minisign_seckey_free(sk);
}

static void seckey_refuses_wrong_or_missing_password(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	size_t len;
	char *text;

	(void)state;
	tu_key(1, &sk, &pk);
	text = seckey_text(sk, "correct horse", &len);
	assert_rule(seckey_parse_status(text, "wrong horse", NULL, &err), BUNDLE_INVALID, err,
	            RULE_PASSWORD_WRONG);
	assert_rule(seckey_parse_status(text, "", NULL, &err), BUNDLE_INVALID, err,
	            RULE_PASSWORD_WRONG);
	assert_rule(seckey_parse_status(text, NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_PASSWORD_WRONG);
	minisign_secret_free(text);
	minisign_seckey_free(sk);
}

static void seckey_is_encrypted_only_for_scrypt_keys(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	size_t len;
	char *plain, *enc, *pub;

	(void)state;
	tu_key(1, &sk, &pk);
	plain = seckey_text(sk, NULL, &len);
	assert_false(minisign_seckey_is_encrypted(plain, len));
	enc = seckey_text(sk, "pw", &len);
	assert_true(minisign_seckey_is_encrypted(enc, len));
	pub = pubkey_text(1, &pk);
	assert_false(minisign_seckey_is_encrypted(pub, strlen(pub)));
	assert_false(minisign_seckey_is_encrypted("", 0));
	assert_false(minisign_seckey_is_encrypted("garbage\n", 8));
	free(pub);
	minisign_secret_free(plain);
	minisign_secret_free(enc);
	minisign_seckey_free(sk);
}

/* The unencrypted key file of test key n with bin edited by edit(). */
static char *edited_seckey(int n, void (*edit)(unsigned char *bin))
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	unsigned char bin[200];
	size_t len;
	char *text, *copy, *out;

	tu_key(n, &sk, &pk);
	text = seckey_text(sk, NULL, &len);
	copy = plain_copy(text, len);
	minisign_secret_free(text);
	minisign_seckey_free(sk);
	assert_int_equal(decode_line(copy, 1, bin, sizeof(bin)), 158);
	edit(bin);
	out = replace_line_b64(copy, 1, bin, 158);
	free(copy);
	return out;
}

static void zero_checksum(unsigned char *bin)
{
	memset(bin + 126, 0, 32);
}

static void flip_checksum(unsigned char *bin)
{
	bin[130] ^= 0x01;
}

static void zero_checksum_and_flip_public_half(unsigned char *bin)
{
	memset(bin + 126, 0, 32);
	bin[100] ^= 0x01;
}

static void unknown_kdf(unsigned char *bin)
{
	memcpy(bin + 2, "Xx", 2);
}

static void unknown_hash(unsigned char *bin)
{
	memcpy(bin + 4, "B3", 2);
}

static void seckey_accepts_all_zero_checksum_of_stock_minisign(void **state)
{
	struct minisign_pubkey want, got;
	struct minisign_seckey *sk;
	struct bundle_error err;
	char *text = edited_seckey(1, zero_checksum);

	(void)state;
	tu_key(1, &sk, &want);
	minisign_seckey_free(sk);
	assert_ok(seckey_parse_status(text, NULL, &got, &err), err);
	assert_memory_equal(&got, &want, sizeof(got));
	free(text);
}

static void seckey_refuses_corrupted_checksum(void **state)
{
	struct bundle_error err;
	char *text = edited_seckey(1, flip_checksum);

	(void)state;
	assert_rule(seckey_parse_status(text, NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_KEY_INVALID);
	free(text);
}

static void seckey_refuses_public_half_not_matching_seed(void **state)
{
	struct bundle_error err;
	char *text = edited_seckey(1, zero_checksum_and_flip_public_half);

	(void)state;
	assert_rule(seckey_parse_status(text, NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_KEY_INVALID);
	free(text);
}

static void seckey_refuses_garbage_and_unknown_algorithms(void **state)
{
	struct minisign_pubkey pk;
	struct bundle_error err;
	char *text;

	(void)state;
	text = edited_seckey(1, unknown_kdf);
	assert_rule(seckey_parse_status(text, NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_KEY_INVALID);
	free(text);
	text = edited_seckey(1, unknown_hash);
	assert_rule(seckey_parse_status(text, NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_KEY_INVALID);
	free(text);
	assert_rule(seckey_parse_status("", NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_KEY_INVALID);
	assert_rule(seckey_parse_status("untrusted comment: x\nAAAA\n", NULL, NULL, &err),
	            BUNDLE_INVALID, err, RULE_KEY_INVALID);
	text = pubkey_text(1, &pk);
	assert_rule(seckey_parse_status(text, NULL, NULL, &err), BUNDLE_INVALID, err,
	            RULE_KEY_INVALID);
	free(text);
}

/* ---- signatures ---- */

static void sign_then_verify_succeeds(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct minisign_sig sig;
	struct bundle_error err;
	unsigned char bin[100];
	size_t len;
	char *text;
	const char *line;

	(void)state;
	tu_key(1, &sk, &pk);
	text = sign_text(sk, message, sizeof(message) - 1, TC);
	line = line_at(text, 0, &len);
	assert_true(strncmp(line, "untrusted comment: signature from sampan secret key\n",
	                    len + 1) == 0);
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 74);
	assert_memory_equal(bin, "ED", 2);
	assert_memory_equal(bin + 2, pk.keyid, 8);
	line = line_at(text, 2, &len);
	assert_true(strncmp(line, "trusted comment: " TC "\n", len + 1) == 0);
	assert_int_equal(decode_line(text, 3, bin, sizeof(bin)), 64);
	line = line_at(text, 3, &len);
	assert_string_equal(line + len, "\n");

	assert_ok(minisign_sig_parse(text, strlen(text), &sig, &err), err);
	assert_memory_equal(sig.alg, "ED", 2);
	assert_memory_equal(sig.keyid, pk.keyid, 8);
	assert_string_equal(sig.trusted_comment, TC);
	assert_int_equal(sig.trusted_len, strlen(TC));
	assert_memory_equal(sig.global_sig, bin, 64);
	assert_ok(minisign_sig_verify(&sig, &pk, message, sizeof(message) - 1, &err), err);
	minisign_sig_release(&sig);
	assert_null(sig.trusted_comment);

	/* an empty message and an empty trusted comment sign too */
	free(text);
	text = sign_text(sk, "", 0, "");
	assert_ok(parse_verify(text, &pk, "", 0, &err), err);
	free(text);
	minisign_seckey_free(sk);
}

static void verify_refuses_changed_message(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	char *text, other[sizeof(message)];

	(void)state;
	tu_key(1, &sk, &pk);
	text = sign_text(sk, message, sizeof(message) - 1, TC);
	memcpy(other, message, sizeof(message));
	other[20] ^= 0x01;
	assert_rule(parse_verify(text, &pk, other, sizeof(message) - 1, &err), BUNDLE_INVALID, err,
	            RULE_SIGNATURE_BAD);
	assert_rule(parse_verify(text, &pk, message, sizeof(message) - 2, &err), BUNDLE_INVALID,
	            err, RULE_SIGNATURE_BAD);
	free(text);
	minisign_seckey_free(sk);
}

static void verify_refuses_flipped_signature_byte(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct minisign_sig sig;
	struct bundle_error err;
	unsigned char bin[100];
	char *text, *edited;

	(void)state;
	tu_key(1, &sk, &pk);
	text = sign_text(sk, message, sizeof(message) - 1, TC);
	/* in the file */
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 74);
	bin[10 + 17] ^= 0x04;
	edited = replace_line_b64(text, 1, bin, 74);
	assert_rule(parse_verify(edited, &pk, message, sizeof(message) - 1, &err), BUNDLE_INVALID,
	            err, RULE_SIGNATURE_BAD);
	free(edited);
	/* in the parsed structure */
	assert_ok(minisign_sig_parse(text, strlen(text), &sig, &err), err);
	sig.sig[63] ^= 0x80;
	assert_rule(minisign_sig_verify(&sig, &pk, message, sizeof(message) - 1, &err),
	            BUNDLE_INVALID, err, RULE_SIGNATURE_BAD);
	minisign_sig_release(&sig);
	free(text);
	minisign_seckey_free(sk);
}

static void verify_refuses_edited_trusted_comment(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct minisign_sig sig;
	struct bundle_error err;
	char *text, *edited;

	(void)state;
	tu_key(1, &sk, &pk);
	text = sign_text(sk, message, sizeof(message) - 1, TC);
	edited = replace_line(text, 2,
	                      "trusted comment: sampan-bundle:1\tid:org.example.pump"
	                      "\tversion:1.3");
	assert_rule(parse_verify(edited, &pk, message, sizeof(message) - 1, &err), BUNDLE_INVALID,
	            err, RULE_TRUSTED_COMMENT_BAD);
	free(edited);
	edited = replace_line(text, 2, "trusted comment: " TC "\tx:1");
	assert_rule(parse_verify(edited, &pk, message, sizeof(message) - 1, &err), BUNDLE_INVALID,
	            err, RULE_TRUSTED_COMMENT_BAD);
	free(edited);
	/* a flipped global signature */
	assert_ok(minisign_sig_parse(text, strlen(text), &sig, &err), err);
	sig.global_sig[0] ^= 0x01;
	assert_rule(minisign_sig_verify(&sig, &pk, message, sizeof(message) - 1, &err),
	            BUNDLE_INVALID, err, RULE_TRUSTED_COMMENT_BAD);
	minisign_sig_release(&sig);
	free(text);
	minisign_seckey_free(sk);
}

static void verify_refuses_other_key(void **state)
{
	struct minisign_seckey *sk, *sk2;
	struct minisign_pubkey pk, pk2, same_id;
	struct bundle_error err;
	char *text;

	(void)state;
	tu_key(1, &sk, &pk);
	tu_key(2, &sk2, &pk2);
	text = sign_text(sk, message, sizeof(message) - 1, TC);
	assert_rule(parse_verify(text, &pk2, message, sizeof(message) - 1, &err), BUNDLE_INVALID,
	            err, RULE_KEY_UNTRUSTED);
	/* key 1's id with key 2's public key: the signature fails */
	same_id = pk2;
	memcpy(same_id.keyid, pk.keyid, MINISIGN_KEYID_SIZE);
	assert_rule(parse_verify(text, &same_id, message, sizeof(message) - 1, &err),
	            BUNDLE_INVALID, err, RULE_SIGNATURE_BAD);
	free(text);
	minisign_seckey_free(sk);
	minisign_seckey_free(sk2);
}

static void sign_refuses_comments_that_are_not_one_line_of_text(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	char *out = NULL, *longc;
	size_t len;

	(void)state;
	tu_key(1, &sk, &pk);
	assert_rule(minisign_sign(sk, "m", 1, "u", "a\nb", &out, &len, &err), BUNDLE_USAGE, err,
	            RULE_INPUT_INVALID);
	assert_null(out);
	assert_int_not_equal(minisign_sign(sk, "m", 1, "u",
	                                   "a\x01"
	                                   "b",
	                                   &out, &len, &err),
	                     BUNDLE_OK);
	assert_int_equal(err.rule, RULE_INPUT_INVALID);
	assert_int_not_equal(minisign_sign(sk, "m", 1, "u", "a\xFF", &out, &len, &err), BUNDLE_OK);
	assert_int_equal(err.rule, RULE_INPUT_INVALID);
	assert_int_not_equal(minisign_sign(sk, "m", 1, "u\nx", "t", &out, &len, &err), BUNDLE_OK);
	assert_int_equal(err.rule, RULE_INPUT_INVALID);
	/* the longest trusted comment signs, one byte more does not */
	longc = malloc(MINISIGN_TRUSTED_COMMENT_MAX + 2);
	assert_non_null(longc);
	memset(longc, 'a', MINISIGN_TRUSTED_COMMENT_MAX + 1);
	longc[MINISIGN_TRUSTED_COMMENT_MAX] = '\0';
	assert_ok(minisign_sign(sk, "m", 1, "u", longc, &out, &len, &err), err);
	assert_ok(parse_verify(out, &pk, "m", 1, &err), err);
	free(out);
	out = NULL;
	longc[MINISIGN_TRUSTED_COMMENT_MAX] = 'a';
	longc[MINISIGN_TRUSTED_COMMENT_MAX + 1] = '\0';
	assert_int_not_equal(minisign_sign(sk, "m", 1, "u", longc, &out, &len, &err), BUNDLE_OK);
	assert_int_equal(err.rule, RULE_INPUT_INVALID);
	free(longc);
	minisign_seckey_free(sk);
}

static char *signed_text(void)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	char *text;

	tu_key(1, &sk, &pk);
	text = sign_text(sk, message, sizeof(message) - 1, TC);
	minisign_seckey_free(sk);
	return text;
}

static void sig_parse_refuses_three_lines(void **state)
{
	char *text = signed_text();
	size_t len;
	struct bundle_error err;

	(void)state;
	/* cut before line 4: three lines, each with its LF */
	text[line_at(text, 3, &len) - text] = '\0';
	assert_rule(parse_only(text, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(text);
}

static void sig_parse_refuses_missing_final_newline_and_bytes_after_line_4(void **state)
{
	char *text = signed_text(), *more;
	size_t n = strlen(text);
	struct bundle_error err;

	(void)state;
	more = malloc(n + 32);
	assert_non_null(more);
	snprintf(more, n + 32, "%sx", text);
	assert_rule(parse_only(more, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	snprintf(more, n + 32, "%s\n", text);
	assert_rule(parse_only(more, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	snprintf(more, n + 32, "%sfifth line\n", text);
	assert_rule(parse_only(more, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	snprintf(more, n + 32, "%.*s", (int)(n - 1), text);
	assert_rule(parse_only(more, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	assert_rule(parse_only("", &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(more);
	free(text);
}

static void sig_parse_refuses_bad_base64(void **state)
{
	char *text = signed_text(), *edited, line[200];
	const char *l;
	size_t len;
	unsigned char bin[100];
	struct bundle_error err;

	(void)state;
	l = line_at(text, 1, &len);
	memcpy(line, l, len);
	line[len] = '\0';
	line[7] = '!';
	edited = replace_line(text, 1, line);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	/* without its padding */
	memcpy(line, l, len);
	assert_int_equal(line[len - 1], '=');
	line[len - 1] = '\0';
	edited = replace_line(text, 1, line);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	/* 73 bytes instead of 74 */
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 74);
	edited = replace_line_b64(text, 1, bin, 73);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	/* line 4 not 64 bytes */
	edited = replace_line_b64(text, 3, bin, 63);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	/* whitespace inside the base64 */
	l = line_at(text, 3, &len);
	snprintf(line, sizeof(line), "%.*s %.*s", 20, l, (int)len - 20, l + 20);
	edited = replace_line(text, 3, line);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	free(text);
}

static void sig_parse_refuses_legacy_ed_algorithm(void **state)
{
	char *text = signed_text(), *edited;
	unsigned char bin[100];
	struct bundle_error err;

	(void)state;
	assert_int_equal(decode_line(text, 1, bin, sizeof(bin)), 74);
	memcpy(bin, "Ed", 2);
	edited = replace_line_b64(text, 1, bin, 74);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_LEGACY);
	free(edited);
	memcpy(bin, "EX", 2);
	edited = replace_line_b64(text, 1, bin, 74);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	free(text);
}

static void sig_parse_tolerates_crlf(void **state)
{
	struct minisign_pubkey pk;
	struct minisign_seckey *sk;
	struct minisign_sig sig;
	struct bundle_error err;
	char *text = signed_text(), *crlf = to_crlf(text);

	(void)state;
	tu_key(1, &sk, &pk);
	minisign_seckey_free(sk);
	assert_ok(minisign_sig_parse(crlf, strlen(crlf), &sig, &err), err);
	assert_string_equal(sig.trusted_comment, TC);
	assert_ok(minisign_sig_verify(&sig, &pk, message, sizeof(message) - 1, &err), err);
	minisign_sig_release(&sig);
	free(crlf);
	free(text);
}

static void sig_parse_refuses_control_characters_in_trusted_comment(void **state)
{
	static const char *const bad[] = {
		"trusted comment: a\001b",    "trusted comment: a\x7F",
		"trusted comment: a\x1B[31m", "trusted comment: a\xC2\x85",
		"trusted comment: a\xFF",     "trusted comment: a\rb"
	};
	char *text = signed_text(), *edited;
	struct bundle_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		edited = replace_line(text, 2, bad[i]);
		assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
		free(edited);
	}
	edited = replace_line(text, 2, "trusted comment: tab\tand ไทย");
	assert_ok(parse_only(edited, &err), err);
	free(edited);
	free(text);
}

static void sig_parse_refuses_bad_line_prefixes_and_lengths(void **state)
{
	char *text = signed_text(), *edited, *big;
	struct bundle_error err;

	(void)state;
	edited = replace_line(text, 0, "untrusted comment:x");
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	edited = replace_line(text, 0, "Untrusted comment: x");
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	edited = replace_line(text, 2, "trusted comment:" TC);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	edited = replace_line(text, 2, "untrusted comment: " TC);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);

	big = malloc(9000);
	assert_non_null(big);
	/* line 1 of 1,022 bytes is fine, 1,023 is not: stock minisign reads no longer one */
	memset(big, 'u', 1023);
	memcpy(big, "untrusted comment: ", 19);
	big[1022] = '\0';
	edited = replace_line(text, 0, big);
	assert_ok(parse_only(edited, &err), err);
	free(edited);
	big[1022] = 'u';
	big[1023] = '\0';
	edited = replace_line(text, 0, big);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	/* the CR of a CRLF line counts: 1,021 bytes and a CR are fine, 1,022 and a CR not */
	big[1021] = '\r';
	big[1022] = '\0';
	edited = replace_line(text, 0, big);
	assert_ok(parse_only(edited, &err), err);
	free(edited);
	big[1021] = 'u';
	big[1022] = '\r';
	big[1023] = '\0';
	edited = replace_line(text, 0, big);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	/* an untrusted comment is text: no NUL, no control character but TAB */
	edited = replace_line(text, 0, "untrusted comment: a\tb");
	assert_ok(parse_only(edited, &err), err);
	free(edited);
	edited = replace_line(text, 0,
	                      "untrusted comment: a\x01"
	                      "b");
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	/* a trusted comment of 4,077 bytes is fine, 4,078 is not */
	memset(big, 't', 17 + MINISIGN_TRUSTED_COMMENT_MAX + 1);
	memcpy(big, "trusted comment: ", 17);
	big[17 + MINISIGN_TRUSTED_COMMENT_MAX] = '\0';
	edited = replace_line(text, 2, big);
	assert_ok(parse_only(edited, &err), err);
	free(edited);
	big[17 + MINISIGN_TRUSTED_COMMENT_MAX] = 't';
	big[17 + MINISIGN_TRUSTED_COMMENT_MAX + 1] = '\0';
	edited = replace_line(text, 2, big);
	assert_rule(parse_only(edited, &err), BUNDLE_INVALID, err, RULE_SIGNATURE_INVALID);
	free(edited);
	free(big);
	free(text);
}

/* ---- interoperability with stock minisign ---- */

static int run(const char *cmd)
{
	int rc = system(cmd);

	if (rc == -1)
		fail_msg("cannot run: %s", cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

static void stock_minisign_key_parses_and_checks_our_signature(void **state)
{
	char *dir = tu_tempdir(), cmd[1024], *pub_path, *sec_path, *msg_path, *sig_path, *sig;
	unsigned char *pub, *sec;
	size_t pub_len, sec_len;
	struct minisign_pubkey pk, half;
	struct minisign_seckey *sk = NULL;
	struct bundle_error err;

	(void)state;
	pub_path = tu_path(dir, "stock.pub");
	sec_path = tu_path(dir, "stock.key");
	msg_path = tu_path(dir, "MANIFEST");
	sig_path = tu_path(dir, "MANIFEST.minisig");
	snprintf(cmd, sizeof(cmd), "minisign -G -W -p %s -s %s </dev/null >/dev/null 2>&1",
	         pub_path, sec_path);
	assert_int_equal(run(cmd), 0);
	pub = tu_read(pub_path, &pub_len);
	sec = tu_read(sec_path, &sec_len);
	assert_ok(minisign_pubkey_parse((const char *)pub, pub_len, &pk, &err), err);
	assert_false(minisign_seckey_is_encrypted((const char *)sec, sec_len));
	assert_ok(minisign_seckey_parse((const char *)sec, sec_len, NULL, &sk, &err), err);
	minisign_seckey_pubkey(sk, &half);
	assert_memory_equal(&half, &pk, sizeof(pk));
	/*
	 * The key id in the comment is the one we print.  Some minisign
	 * releases print it without leading zeros, so compare numbers.
	 */
	{
		char hex[MINISIGN_KEYID_HEX_SIZE];
		const char *at = strstr((const char *)pub, "public key ");
		minisign_keyid_hex(pk.keyid, hex);
		assert_non_null(at);
		assert_int_equal(strtoull(at + strlen("public key "), NULL, 16),
		                 strtoull(hex, NULL, 16));
	}

	tu_write(msg_path, message, sizeof(message) - 1);
	sig = sign_text(sk, message, sizeof(message) - 1, TC);
	tu_write(sig_path, sig, strlen(sig));
	snprintf(cmd, sizeof(cmd), "minisign -V -H -p %s -m %s -x %s >/dev/null 2>&1", pub_path,
	         msg_path, sig_path);
	assert_int_equal(run(cmd), 0);
	/* and stock minisign notices a change */
	tu_write(msg_path, message, sizeof(message) - 2);
	assert_int_not_equal(run(cmd), 0);

	free(sig);
	minisign_seckey_free(sk);
	free(pub);
	free(sec);
	free(pub_path);
	free(sec_path);
	free(msg_path);
	free(sig_path);
	tu_rmrf(dir);
	free(dir);
}

static void stock_minisign_signature_verifies_here(void **state)
{
	char *dir = tu_tempdir(), cmd[1024], *pub_path, *sec_path, *msg_path, *sig_path;
	unsigned char *pub, *sig;
	size_t pub_len, sig_len;
	struct minisign_pubkey pk, other;
	struct minisign_seckey *sk2;
	struct bundle_error err;

	(void)state;
	pub_path = tu_path(dir, "stock.pub");
	sec_path = tu_path(dir, "stock.key");
	msg_path = tu_path(dir, "file.bin");
	sig_path = tu_path(dir, "file.bin.minisig");
	snprintf(cmd, sizeof(cmd), "minisign -G -W -p %s -s %s </dev/null >/dev/null 2>&1",
	         pub_path, sec_path);
	assert_int_equal(run(cmd), 0);
	tu_write(msg_path, message, sizeof(message) - 1);
	snprintf(cmd, sizeof(cmd),
	         "minisign -S -s %s -m %s -t 'sampan test' </dev/null >/dev/null 2>&1", sec_path,
	         msg_path);
	assert_int_equal(run(cmd), 0);
	pub = tu_read(pub_path, &pub_len);
	sig = tu_read(sig_path, &sig_len);
	assert_ok(minisign_pubkey_parse((const char *)pub, pub_len, &pk, &err), err);
	assert_ok(parse_verify((const char *)sig, &pk, message, sizeof(message) - 1, &err), err);
	{
		struct minisign_sig s;
		assert_ok(minisign_sig_parse((const char *)sig, sig_len, &s, &err), err);
		assert_string_equal(s.trusted_comment, "sampan test");
		minisign_sig_release(&s);
	}
	assert_rule(parse_verify((const char *)sig, &pk, message, sizeof(message) - 2, &err),
	            BUNDLE_INVALID, err, RULE_SIGNATURE_BAD);
	tu_key(1, &sk2, &other);
	minisign_seckey_free(sk2);
	assert_rule(parse_verify((const char *)sig, &other, message, sizeof(message) - 1, &err),
	            BUNDLE_INVALID, err, RULE_KEY_UNTRUSTED);

	free(pub);
	free(sig);
	free(pub_path);
	free(sec_path);
	free(msg_path);
	free(sig_path);
	tu_rmrf(dir);
	free(dir);
}

/* Write test key 2's files (the secret key encrypted unless password is NULL); sign with stock minisign. */
static void stock_minisign_signs_with_our_key(const char *password)
{
	char *dir = tu_tempdir(), cmd[1024], *pub_path, *sec_path, *msg_path, *sig_path, *text;
	unsigned char *sig;
	size_t len, sig_len;
	struct minisign_pubkey pk;
	struct minisign_seckey *sk;
	struct bundle_error err;

	pub_path = tu_path(dir, "ours.pub");
	sec_path = tu_path(dir, "ours.key");
	msg_path = tu_path(dir, "file.bin");
	sig_path = tu_path(dir, "file.bin.minisig");
	tu_key(2, &sk, &pk);
	text = seckey_text(sk, password, &len);
	tu_write(sec_path, text, len);
	minisign_secret_free(text);
	assert_ok(minisign_pubkey_format(&pk, &text, &len, &err), err);
	tu_write(pub_path, text, len);
	free(text);
	tu_write(msg_path, message, sizeof(message) - 1);

	if (password)
		snprintf(cmd, sizeof(cmd),
		         "printf '%%s\\n' '%s' | minisign -S -s %s -m %s >/dev/null 2>&1", password,
		         sec_path, msg_path);
	else
		snprintf(cmd, sizeof(cmd), "minisign -S -s %s -m %s </dev/null >/dev/null 2>&1",
		         sec_path, msg_path);
	assert_int_equal(run(cmd), 0);
	sig = tu_read(sig_path, &sig_len);
	assert_ok(parse_verify((const char *)sig, &pk, message, sizeof(message) - 1, &err), err);
	snprintf(cmd, sizeof(cmd), "minisign -V -p %s -m %s >/dev/null 2>&1", pub_path, msg_path);
	assert_int_equal(run(cmd), 0);

	free(sig);
	minisign_seckey_free(sk);
	free(pub_path);
	free(sec_path);
	free(msg_path);
	free(sig_path);
	tu_rmrf(dir);
	free(dir);
}

static void our_unencrypted_secret_key_signs_with_stock_minisign(void **state)
{
	(void)state;
	stock_minisign_signs_with_our_key(NULL);
}

static void our_encrypted_secret_key_signs_with_stock_minisign(void **state)
{
	(void)state;
	stock_minisign_signs_with_our_key("correct-horse");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keygen_makes_different_keys),
		cmocka_unit_test(key_from_seed_is_deterministic),
		cmocka_unit_test(keyid_hex_reads_bytes_as_little_endian_number),
		cmocka_unit_test(pubkey_format_then_parse_round_trips),
		cmocka_unit_test(pubkey_parse_accepts_bare_base64_line),
		cmocka_unit_test(pubkey_parse_tolerates_crlf_blanks_and_missing_newline),
		cmocka_unit_test(pubkey_parse_refuses_garbage),
		cmocka_unit_test(pubkey_parse_refuses_non_ed_algorithm),
		cmocka_unit_test(seckey_unencrypted_round_trips),
		cmocka_unit_test(seckey_encrypted_round_trips),
		cmocka_unit_test(seckey_refuses_wrong_or_missing_password),
		cmocka_unit_test(seckey_is_encrypted_only_for_scrypt_keys),
		cmocka_unit_test(seckey_accepts_all_zero_checksum_of_stock_minisign),
		cmocka_unit_test(seckey_refuses_corrupted_checksum),
		cmocka_unit_test(seckey_refuses_public_half_not_matching_seed),
		cmocka_unit_test(seckey_refuses_garbage_and_unknown_algorithms),
		cmocka_unit_test(sign_then_verify_succeeds),
		cmocka_unit_test(verify_refuses_changed_message),
		cmocka_unit_test(verify_refuses_flipped_signature_byte),
		cmocka_unit_test(verify_refuses_edited_trusted_comment),
		cmocka_unit_test(verify_refuses_other_key),
		cmocka_unit_test(sign_refuses_comments_that_are_not_one_line_of_text),
		cmocka_unit_test(sig_parse_refuses_three_lines),
		cmocka_unit_test(sig_parse_refuses_missing_final_newline_and_bytes_after_line_4),
		cmocka_unit_test(sig_parse_refuses_bad_base64),
		cmocka_unit_test(sig_parse_refuses_legacy_ed_algorithm),
		cmocka_unit_test(sig_parse_tolerates_crlf),
		cmocka_unit_test(sig_parse_refuses_control_characters_in_trusted_comment),
		cmocka_unit_test(sig_parse_refuses_bad_line_prefixes_and_lengths),
		cmocka_unit_test(stock_minisign_key_parses_and_checks_our_signature),
		cmocka_unit_test(stock_minisign_signature_verifies_here),
		cmocka_unit_test(our_unencrypted_secret_key_signs_with_stock_minisign),
		cmocka_unit_test(our_encrypted_secret_key_signs_with_stock_minisign),
	};
	return cmocka_run_group_tests_name("minisign", tests, NULL, NULL);
}

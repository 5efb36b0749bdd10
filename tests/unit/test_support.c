/*
 * test_support.c - the small modules: rule names and messages (error.c),
 * the bounded buffer (sbuf.c), SHA-256 (digest.c), media types
 * (mediatype.c), trusted keys (trust.c) and deflate/CRC-32 (zlibio.c).
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "bfile.h"
#include "digest.h"
#include "error.h"
#include "mediatype.h"
#include "sbuf.h"
#include "trust.h"
#include "utf8.h"
#include "zlibio.h"

/* ---- error.c ---- */

#define R(x)                 \
	{                    \
		RULE_##x, #x \
	}

static const struct {
	enum bundle_rule rule;
	const char *name;
} all_rules[] = {
	R(NONE),
	R(NOT_ZIP),
	R(ZIP_COMMENT),
	R(TRAILING_BYTES),
	R(ZIP_INVALID),
	R(ZIP64_INVALID),
	R(ZIP_UNSUPPORTED),
	R(TOO_MANY_ENTRIES),
	R(PREFIX_BYTES),
	R(GAP),
	R(OVERLAP),
	R(LOCAL_MISMATCH),
	R(METHOD_UNSUPPORTED),
	R(ENCRYPTED),
	R(DATA_DESCRIPTOR),
	R(EXTRA_FIELD),
	R(NOT_REGULAR_FILE),
	R(NAME_NOT_UTF8),
	R(NAME_INVALID),
	R(NAME_NOT_NFC),
	R(NAME_DUPLICATE),
	R(NAME_CASE_COLLISION),
	R(NAME_FILE_DIR_CONFLICT),
	R(MIMETYPE_INVALID),
	R(ENTRY_ORDER),
	R(ENTRY_TOO_LARGE),
	R(COMPRESSION_RATIO),
	R(MANIFEST_MISSING),
	R(MANIFEST_TOO_LARGE),
	R(MANIFEST_INVALID),
	R(FORMAT_UNSUPPORTED),
	R(SIGNATURE_MISSING),
	R(SIGNATURE_INVALID),
	R(SIGNATURE_LEGACY),
	R(KEY_UNTRUSTED),
	R(SIGNATURE_BAD),
	R(TRUSTED_COMMENT_BAD),
	R(TRUSTED_COMMENT_MISMATCH),
	R(ENTRY_UNLISTED),
	R(ENTRY_MISSING),
	R(COURSE_INVALID),
	R(CHUNKS_INVALID),
	R(DIGEST_MISMATCH),
	R(CHUNK_MISMATCH),
	R(SIZE_MISMATCH),
	R(CRC_MISMATCH),
	R(DEFLATE_INVALID),
	R(PART_MISSING),
	R(PART_EXTRA),
	R(PART_SIZE),
	R(PART_MISMATCH),
	R(UPDATE_INVALID),
	R(UPDATE_DOWNGRADE),
	R(UPDATE_SIGNER),
	R(BASE_MISSING),
	R(BASE_MISMATCH),
	R(DELTA_INVALID),
	R(RESULT_MISMATCH),
	R(KEY_INVALID),
	R(PASSWORD_WRONG),
	R(INPUT_INVALID),
};

static void rule_names_are_the_enum_spelling_and_round_trip(void **state)
{
	(void)state;
	assert_int_equal(sizeof(all_rules) / sizeof(all_rules[0]), RULE_COUNT);
	for (size_t i = 0; i < sizeof(all_rules) / sizeof(all_rules[0]); i++) {
		const char *name = bundle_rule_name(all_rules[i].rule);
		assert_non_null(name);
		if (strcmp(name, all_rules[i].name) != 0)
			fail_msg("rule %d is named '%s', want '%s'", (int)all_rules[i].rule, name,
			         all_rules[i].name);
		if (all_rules[i].rule != RULE_NONE &&
		    bundle_rule_from_name(name) != all_rules[i].rule)
			fail_msg("bundle_rule_from_name(\"%s\") = %d, want %d", name,
			         (int)bundle_rule_from_name(name), (int)all_rules[i].rule);
	}
	/* every rule from 0 to RULE_COUNT - 1 has a distinct name */
	for (int a = 0; a < RULE_COUNT; a++)
		for (int b = a + 1; b < RULE_COUNT; b++)
			assert_string_not_equal(bundle_rule_name((enum bundle_rule)a),
			                        bundle_rule_name((enum bundle_rule)b));
}

static void rule_from_unknown_name_is_none(void **state)
{
	(void)state;
	assert_int_equal(bundle_rule_from_name("NONE"), RULE_NONE);
	assert_int_equal(bundle_rule_from_name(""), RULE_NONE);
	assert_int_equal(bundle_rule_from_name("NO_SUCH_RULE"), RULE_NONE);
	assert_int_equal(bundle_rule_from_name("digest_mismatch"), RULE_NONE);
	assert_int_equal(bundle_rule_from_name("DIGEST_MISMATCH "), RULE_NONE);
	assert_int_equal(bundle_rule_from_name("DIGEST_MISMATCH"), RULE_DIGEST_MISMATCH);
}

static void quote(const char *name, size_t len, size_t size, char *out)
{
	memset(out, '#', size + 8);
	bundle_quote(out, size, name, len);
}

static void quote_escapes_control_bytes_backslash_and_invalid_utf8(void **state)
{
	char out[256];

	(void)state;
	quote("index.html", 10, 64, out);
	assert_string_equal(out, "index.html");
	quote("a\x01"
	      "b",
	      3, 64, out);
	assert_string_equal(out, "a\\x01b");
	quote("a\nb\tc\x1B[2J", 9, 64, out);
	assert_string_equal(out, "a\\x0Ab\\x09c\\x1B[2J");
	quote("a\x7F", 2, 64, out);
	assert_string_equal(out, "a\\x7F");
	quote("a\\b", 3, 64, out);
	assert_string_equal(out, "a\\x5Cb");
	quote("\xFF\xFE", 2, 64, out);
	assert_string_equal(out, "\\xFF\\xFE");
	quote("caf\xC3", 4, 64, out); /* cut-short sequence */
	assert_string_equal(out, "caf\\xC3");
	quote("\xC0\xAF", 2, 64, out); /* overlong '/' */
	assert_string_equal(out, "\\xC0\\xAF");
	quote("\xED\xA0\x80", 3, 64, out); /* surrogate */
	assert_string_equal(out, "\\xED\\xA0\\x80");
	quote("a\xC2\x85"
	      "b",
	      4, 64, out); /* U+0085, a C1 control */
	assert_string_equal(out, "a\\xC2\\x85b");
	quote("a\0b", 3, 64, out);
	assert_string_equal(out, "a\\x00b");
	/* valid text passes unchanged */
	quote("บทเรียน/水泵 điện.html", strlen("บทเรียน/水泵 điện.html"), 64, out);
	assert_string_equal(out, "บทเรียน/水泵 điện.html");
	quote("", 0, 64, out);
	assert_string_equal(out, "");
}

static void quote_truncates_long_names_with_dots(void **state)
{
	char name[1000], out[64];
	size_t n;

	(void)state;
	memset(name, 'a', sizeof(name));
	quote(name, sizeof(name), 32, out);
	n = strlen(out);
	assert_true(n < 32);
	assert_true(n >= 4);
	assert_string_equal(out + n - 3, "...");
	for (size_t i = 0; i < n - 3; i++)
		assert_int_equal(out[i], 'a');
	assert_int_equal(out[32], '#'); /* nothing written past size */

	/* never in the middle of a character */
	for (int i = 0; i < 100; i++)
		memcpy(name + 3 * i, "\xE0\xB8\x81", 3);
	quote(name, 300, 32, out);
	n = strlen(out);
	assert_true(n < 32);
	assert_string_equal(out + n - 3, "...");
	assert_true(utf8_valid(out, n));
	assert_int_equal((n - 3) % 3, 0);

	/* nor in the middle of an escape */
	memset(name, '\x01', 20);
	quote(name, 20, 16, out);
	n = strlen(out);
	assert_true(n < 16);
	assert_string_equal(out + n - 3, "...");
	assert_int_equal((n - 3) % 4, 0);
	for (size_t i = 0; i + 3 < n; i += 4)
		assert_memory_equal(out + i, "\\x01", 4);

	/* a tiny buffer still gets a NUL */
	quote("abcdef", 6, 1, out);
	assert_string_equal(out, "");
}

static void quote_keeps_a_name_that_exactly_fits(void **state)
{
	/* error.h: cut with "..." only "if too long": 31 bytes fit in 32 with the NUL. */
	char name[31], out[64];

	(void)state;
	memset(name, 'n', sizeof(name));
	quote(name, sizeof(name), 32, out);
	assert_int_equal(strlen(out), 31);
	assert_memory_equal(out, name, 31);
}

static void message_names_entry_reason_and_rule(void **state)
{
	struct bundle_error err;

	(void)state;
	assert_int_equal(bundle_error_set(&err, BUNDLE_ENTRY_BAD, RULE_DIGEST_MISMATCH,
	                                  "lessons/01.html", 15, "digest %s (%d)", "differs", 7),
	                 BUNDLE_ENTRY_BAD);
	assert_int_equal(err.status, BUNDLE_ENTRY_BAD);
	assert_int_equal(err.rule, RULE_DIGEST_MISMATCH);
	assert_string_equal(err.entry, "lessons/01.html");
	assert_string_equal(err.message,
	                    "entry 'lessons/01.html': digest differs (7) (DIGEST_MISMATCH)");

	/* no entry */
	bundle_error_set(&err, BUNDLE_INVALID, RULE_NOT_ZIP, NULL, 0, "file too short");
	assert_string_equal(err.entry, "");
	assert_string_equal(err.message, "file too short (NOT_ZIP)");

	/* no rule */
	bundle_error_set(&err, BUNDLE_IO, RULE_NONE, "a.txt", 5, "read failed");
	assert_string_equal(err.message, "entry 'a.txt': read failed");
	bundle_error_set(&err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	assert_string_equal(err.message, "out of memory");
	assert_int_equal(err.rule, RULE_NONE);

	/* a hostile name is quoted in the message */
	bundle_error_set(&err, BUNDLE_INVALID, RULE_NAME_INVALID, "x\x1B]0;pwned\x07y", 12, "bad");
	assert_string_equal(err.entry, "x\\x1B]0;pwned\\x07y");
	assert_string_equal(err.message, "entry 'x\\x1B]0;pwned\\x07y': bad (NAME_INVALID)");

	/* only len bytes of the entry count */
	bundle_error_set(&err, BUNDLE_INVALID, RULE_GAP, "abcdef", 3, "r");
	assert_string_equal(err.message, "entry 'abc': r (GAP)");
}

static void error_clear_and_null_error(void **state)
{
	struct bundle_error err;

	(void)state;
	bundle_error_set(&err, BUNDLE_INVALID, RULE_GAP, "x", 1, "r");
	bundle_error_clear(&err);
	assert_int_equal(err.status, BUNDLE_OK);
	assert_int_equal(err.rule, RULE_NONE);
	assert_string_equal(err.entry, "");
	assert_string_equal(err.message, "");
	assert_int_equal(bundle_error_set(NULL, BUNDLE_INVALID, RULE_GAP, "x", 1, "r"),
	                 BUNDLE_INVALID);
	bundle_error_clear(NULL);
}

/* ---- sbuf.c ---- */

static void sbuf_enforces_its_maximum(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b, 10);
	assert_true(sbuf_add(&b, "hello", 5));
	assert_true(sbuf_adds(&b, "worl"));
	assert_int_equal(b.len, 9);
	assert_false(sbuf_adds(&b, "d!")); /* 11 > 10 */
	assert_int_equal(b.len, 9);
	assert_string_equal(b.data, "helloworl");
	assert_false(sbuf_addf(&b, "%d", 42));
	assert_int_equal(b.len, 9);
	assert_true(sbuf_addf(&b, "%c", 'd'));
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	assert_false(sbuf_add(&b, "x", 1));
	assert_true(sbuf_add(&b, "", 0));
	assert_string_equal(b.data, "helloworld");
	assert_false(sbuf_add(&b, "x", (size_t)-1));
	sbuf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 10);

	sbuf_init(&b, 0);
	assert_false(sbuf_add(&b, "x", 1));
	sbuf_release(&b);
}

static void sbuf_grows_and_formats(void **state)
{
	struct sbuf b;
	char *s;
	size_t len = 0;

	(void)state;
	sbuf_init(&b, 1u << 20);
	for (int i = 0; i < 1000; i++)
		assert_true(sbuf_addf(&b, "%04d|", i));
	assert_int_equal(b.len, 5000);
	assert_int_equal(strlen(b.data), 5000);
	assert_memory_equal(b.data + 4995, "0999|", 5);
	s = sbuf_take(&b, &len);
	assert_int_equal(len, 5000);
	assert_memory_equal(s, "0000|0001|", 10);
	free(s);
}

static void sbuf_take_hands_over_and_empties(void **state)
{
	struct sbuf b;
	char *s;
	size_t len = 99;

	(void)state;
	sbuf_init(&b, 100);
	assert_true(sbuf_adds(&b, "abc"));
	s = sbuf_take(&b, &len);
	assert_string_equal(s, "abc");
	assert_int_equal(len, 3);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 100);
	free(s);
	/* usable again, and an empty buffer gives an empty string */
	s = sbuf_take(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	assert_true(sbuf_adds(&b, "again"));
	s = sbuf_take(&b, NULL);
	assert_string_equal(s, "again");
	free(s);
}

/* ---- digest.c ---- */

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void digest_of_known_strings(void **state)
{
	unsigned char d[DIGEST_SIZE];
	char hex[DIGEST_HEX_SIZE];

	(void)state;
	digest_sha256("abc", 3, d);
	digest_to_hex(d, hex);
	assert_string_equal(hex, SHA_ABC);
	digest_sha256("", 0, d);
	digest_to_hex(d, hex);
	assert_string_equal(hex, SHA_EMPTY);
	digest_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	digest_to_hex(d, hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void digest_streaming_equals_one_shot(void **state)
{
	enum { N = 3 * 1024 * 1024 + 17 };
	unsigned char *data = malloc(N), one[DIGEST_SIZE], streamed[DIGEST_SIZE];
	struct digest *d = digest_new();
	uint32_t x = 12345;
	size_t pos = 0, step = 1;

	(void)state;
	assert_non_null(data);
	assert_non_null(d);
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (unsigned char)(x >> 16);
	}
	digest_sha256(data, N, one);
	while (pos < N) {
		size_t n = step < N - pos ? step : N - pos;
		digest_update(d, data + pos, n);
		pos += n;
		step = step * 3 + 1;
	}
	digest_final(d, streamed);
	assert_memory_equal(one, streamed, DIGEST_SIZE);

	/* reset and reuse */
	digest_reset(d);
	digest_update(d, "a", 1);
	digest_update(d, "", 0);
	digest_update(d, "bc", 2);
	digest_final(d, streamed);
	digest_sha256("abc", 3, one);
	assert_memory_equal(one, streamed, DIGEST_SIZE);
	digest_free(d);
	digest_free(NULL);

	/* a fresh state of nothing is the empty digest */
	d = digest_new();
	assert_non_null(d);
	digest_final(d, streamed);
	digest_sha256("", 0, one);
	assert_memory_equal(one, streamed, DIGEST_SIZE);
	digest_free(d);
	free(data);
}

static void digest_hex_round_trips_and_refuses_uppercase(void **state)
{
	unsigned char d[DIGEST_SIZE], back[DIGEST_SIZE];
	char hex[DIGEST_HEX_SIZE];

	(void)state;
	for (int i = 0; i < DIGEST_SIZE; i++)
		d[i] = (unsigned char)(i * 37 + 5);
	digest_to_hex(d, hex);
	assert_int_equal(strlen(hex), 64);
	assert_true(digest_from_hex(hex, 64, back));
	assert_memory_equal(d, back, DIGEST_SIZE);

	assert_true(digest_from_hex(SHA_ABC, 64, back));
	assert_int_equal(back[0], 0xba);
	assert_int_equal(back[31], 0xad);
	assert_false(digest_from_hex(
	        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", 64, back));
	assert_false(digest_from_hex(
	        "Ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64, back));
	assert_false(digest_from_hex(SHA_ABC, 63, back));
	assert_false(digest_from_hex(SHA_ABC "0", 65, back));
	assert_false(digest_from_hex(
	        "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64, back));
	assert_false(digest_from_hex(
	        " a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64, back));
	assert_false(digest_from_hex("", 0, back));
}

/* ---- mediatype.c ---- */

static void check_type(int line, const char *name, const char *type, bool deflate)
{
	const struct mediatype *mt = mediatype_of(name, strlen(name));

	if (!mt || strcmp(mt->type, type) != 0 || mt->deflate != deflate)
		fail_msg("line %d: '%s' is %s (%s), want %s (%s)", line, name,
		         mt ? mt->type : "NULL", mt && mt->deflate ? "deflate" : "store", type,
		         deflate ? "deflate" : "store");
}

#define TYPE(name, type, deflate) check_type(__LINE__, name, type, deflate)

static void mediatype_follows_the_table(void **state)
{
	static const struct {
		const char *ext, *type;
		bool deflate;
	} table[] = {
		{ "html", "text/html", true },
		{ "htm", "text/html", true },
		{ "css", "text/css", true },
		{ "js", "text/javascript", true },
		{ "json", "application/json", true },
		{ "md", "text/markdown", true },
		{ "txt", "text/plain", true },
		{ "vtt", "text/vtt", true },
		{ "srt", "application/x-subrip", true },
		{ "svg", "image/svg+xml", true },
		{ "xml", "application/xml", true },
		{ "csv", "text/csv", true },
		{ "mp4", "video/mp4", false },
		{ "m4v", "video/mp4", false },
		{ "webm", "video/webm", false },
		{ "ogv", "video/ogg", false },
		{ "mp3", "audio/mpeg", false },
		{ "m4a", "audio/mp4", false },
		{ "ogg", "audio/ogg", false },
		{ "oga", "audio/ogg", false },
		{ "opus", "audio/ogg", false },
		{ "wav", "audio/wav", false },
		{ "jpg", "image/jpeg", false },
		{ "jpeg", "image/jpeg", false },
		{ "png", "image/png", false },
		{ "gif", "image/gif", false },
		{ "webp", "image/webp", false },
		{ "avif", "image/avif", false },
		{ "ico", "image/x-icon", false },
		{ "pdf", "application/pdf", false },
		{ "zip", "application/zip", false },
		{ "woff", "font/woff", false },
		{ "woff2", "font/woff2", false },
		{ "ttf", "font/ttf", false },
		{ "otf", "font/otf", false },
	};
	char name[64];

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		snprintf(name, sizeof(name), "lessons/file.%s", table[i].ext);
		check_type(__LINE__, name, table[i].type, table[i].deflate);
	}
	TYPE("index.html", "text/html", true);
	TYPE("a.b.c/d.e.mp4", "video/mp4", false);
}

static void mediatype_extension_is_case_insensitive(void **state)
{
	(void)state;
	TYPE("INDEX.HTML", "text/html", true);
	TYPE("a.HtM", "text/html", true);
	TYPE("media/Clip.MP4", "video/mp4", false);
	TYPE("font.WOFF2", "font/woff2", false);
	TYPE("photo.JpEg", "image/jpeg", false);
}

static void mediatype_defaults_to_octet_stream(void **state)
{
	(void)state;
	TYPE("README", "application/octet-stream", false);
	TYPE("media/clip", "application/octet-stream", false);
	TYPE("dir.html/file", "application/octet-stream", false); /* dot in a folder */
	TYPE("archive.tar.gz", "application/octet-stream", false);
	TYPE("data.bin", "application/octet-stream", false);
	TYPE("file.", "application/octet-stream", false);
	TYPE("x.verylongextension", "application/octet-stream", false);
	TYPE("x.htmlx", "application/octet-stream", false);
	TYPE("x.ht", "application/octet-stream", false);
	TYPE("mimetype", "application/octet-stream", false);
}

static void mediatype_of_meta_inf_files(void **state)
{
	(void)state;
	TYPE("META-INF/MANIFEST", "text/plain", true);
	TYPE("META-INF/MANIFEST.minisig", "text/plain", true);
	TYPE("META-INF/chunks", "text/plain", true);
	TYPE("META-INF/course.json", "application/json", true);
	/* only those exact names */
	TYPE("lessons/MANIFEST", "application/octet-stream", false);
	TYPE("META-INF/other", "application/octet-stream", false);
}

/* ---- trust.c ---- */

static char *write_pubkey(const char *dir, const char *file, int n, struct minisign_pubkey *pk)
{
	struct minisign_seckey *sk;
	struct bundle_error err;
	char *text = NULL, *path = tu_path(dir, file);
	size_t len;

	tu_key(n, &sk, pk);
	minisign_seckey_free(sk);
	assert_ok(minisign_pubkey_format(pk, &text, &len, &err), err);
	tu_write(path, text, len);
	free(text);
	return path;
}

static void trust_adds_one_key_file(void **state)
{
	char *dir = tu_tempdir(), *path;
	struct minisign_pubkey pk1, pk2;
	struct minisign_seckey *sk2;
	struct trust t;
	struct bundle_error err;
	const struct minisign_pubkey *found;

	(void)state;
	path = write_pubkey(dir, "publisher.pub", 1, &pk1);
	trust_init(&t);
	assert_int_equal(t.count, 0);
	assert_ok(trust_add_file(&t, path, &err), err);
	assert_int_equal(t.count, 1);
	found = trust_find(&t, pk1.keyid);
	assert_non_null(found);
	assert_memory_equal(found, &pk1, sizeof(pk1));
	tu_key(2, &sk2, &pk2);
	minisign_seckey_free(sk2);
	assert_null(trust_find(&t, pk2.keyid));
	/* the same key again is ignored */
	assert_ok(trust_add_file(&t, path, &err), err);
	assert_int_equal(t.count, 1);
	trust_release(&t);
	assert_int_equal(t.count, 0);
	assert_null(t.keys);
	free(path);
	tu_rmrf(dir);
	free(dir);
}

static void trust_adds_every_pub_file_of_a_folder(void **state)
{
	char *dir = tu_tempdir(), *p1, *p2, *other, *bak;
	struct minisign_pubkey pk1, pk2;
	struct trust t;
	struct bundle_error err;

	(void)state;
	p1 = write_pubkey(dir, "one.pub", 1, &pk1);
	p2 = write_pubkey(dir, "two.pub", 2, &pk2);
	other = tu_path(dir, "notes.txt");
	tu_write(other, "not a key\n", 10);
	bak = tu_path(dir, "old.pub.bak");
	tu_write(bak, "not a key either\n", 17);
	trust_init(&t);
	assert_ok(trust_add_dir(&t, dir, &err), err);
	assert_int_equal(t.count, 2);
	assert_non_null(trust_find(&t, pk1.keyid));
	assert_memory_equal(trust_find(&t, pk1.keyid)->pk, pk1.pk, MINISIGN_PUBLIC_SIZE);
	assert_non_null(trust_find(&t, pk2.keyid));
	assert_memory_equal(trust_find(&t, pk2.keyid)->pk, pk2.pk, MINISIGN_PUBLIC_SIZE);
	trust_release(&t);
	free(p1);
	free(p2);
	free(other);
	free(bak);
	tu_rmrf(dir);
	free(dir);
}

static void trust_missing_folder_adds_nothing(void **state)
{
	char *dir = tu_tempdir(), *missing = tu_path(dir, "no-such-folder");
	struct trust t;
	struct bundle_error err;

	(void)state;
	trust_init(&t);
	assert_ok(trust_add_dir(&t, missing, &err), err);
	assert_int_equal(t.count, 0);
	trust_release(&t);
	free(missing);
	tu_rmrf(dir);
	free(dir);
}

static void trust_refuses_key_id_shared_by_another_key(void **state)
{
	char *dir = tu_tempdir(), *p1, *p2;
	struct minisign_pubkey pk1, pk2, clash;
	struct trust t;
	struct bundle_error err;

	(void)state;
	trust_init(&t);
	p1 = write_pubkey(dir, "a.pub", 1, &pk1);
	p2 = write_pubkey(dir, "b.pub", 2, &pk2);
	clash = pk2;
	memcpy(clash.keyid, pk1.keyid, MINISIGN_KEYID_SIZE);
	assert_ok(trust_add(&t, &pk1, &err), err);
	assert_rule(trust_add(&t, &clash, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
	assert_int_equal(t.count, 1);
	assert_memory_equal(trust_find(&t, pk1.keyid)->pk, pk1.pk, MINISIGN_PUBLIC_SIZE);
	trust_release(&t);

	/* the same through a folder */
	{
		char *text = NULL, *p3 = tu_path(dir, "c.pub");
		size_t len;
		assert_ok(minisign_pubkey_format(&clash, &text, &len, &err), err);
		tu_write(p3, text, len);
		free(text);
		trust_init(&t);
		assert_rule(trust_add_dir(&t, dir, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
		trust_release(&t);
		free(p3);
	}
	free(p1);
	free(p2);
	tu_rmrf(dir);
	free(dir);
}

static void trust_refuses_bad_and_missing_files(void **state)
{
	char *dir = tu_tempdir(), *bad = tu_path(dir, "bad.pub"), *missing = tu_path(dir, "x.pub");
	struct trust t;
	struct bundle_error err;

	(void)state;
	tu_write(bad, "untrusted comment: x\nnot base64\n", 32);
	trust_init(&t);
	assert_rule(trust_add_file(&t, bad, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
	assert_non_null(strstr(err.message, bad));
	assert_int_equal(trust_add_file(&t, missing, &err), BUNDLE_IO);
	assert_non_null(strstr(err.message, missing));
	assert_rule(trust_add_dir(&t, dir, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
	assert_int_equal(t.count, 0);
	trust_release(&t);
	free(bad);
	free(missing);
	tu_rmrf(dir);
	free(dir);
}

/* ---- zlibio.c ---- */

static unsigned char *raw_deflate(const unsigned char *data, size_t len, size_t *out_len)
{
	z_stream z;
	uLong cap;
	unsigned char *out;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, (uLong)len) + 16;
	out = malloc(cap);
	assert_non_null(out);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = (size_t)z.total_out;
	deflateEnd(&z);
	return out;
}

static unsigned char *text_data(size_t n)
{
	static const char words[] = "the pump moves water through the pipe; ";
	unsigned char *d = malloc(n);
	uint32_t x = 7;

	assert_non_null(d);
	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		d[i] = (x >> 28) == 0 ? (unsigned char)('A' + (x >> 20) % 26)
		                      : (unsigned char)words[i % (sizeof(words) - 1)];
	}
	return d;
}

static unsigned char *random_data(size_t n)
{
	unsigned char *d = malloc(n);
	uint32_t x = 2463534242u;

	assert_non_null(d);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		d[i] = (unsigned char)x;
	}
	return d;
}

static void crc32_of_check_string(void **state)
{
	(void)state;
	assert_int_equal(zlibio_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(zlibio_crc32(zlibio_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
	assert_int_equal(zlibio_crc32(0, "", 0), 0);
}

static void deflated_size_matches_zlib_level_9(void **state)
{
	size_t sizes[] = { 0, 1, 3, 1000, 300000 };
	struct bundle_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *t = text_data(sizes[i] ? sizes[i] : 1);
		unsigned char *r = random_data(sizes[i] ? sizes[i] : 1);
		size_t want;
		unsigned char *c;
		uint64_t got = 0;

		c = raw_deflate(t, sizes[i], &want);
		assert_ok(zlibio_deflated_size(t, sizes[i], &got, &err), err);
		assert_int_equal(got, want);
		free(c);
		c = raw_deflate(r, sizes[i], &want);
		assert_ok(zlibio_deflated_size(r, sizes[i], &got, &err), err);
		assert_int_equal(got, want);
		free(c);
		free(t);
		free(r);
	}
}

struct collect {
	unsigned char *buf;
	size_t len, cap;
	int calls;
	bool fail;
};

static enum bundle_status collect_sink(void *ctx, const unsigned char *data, size_t len,
                                       struct bundle_error *err)
{
	struct collect *c = ctx;

	c->calls++;
	if (c->fail)
		return bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_DIGEST_MISMATCH, "sink", 4,
		                        "stopped by the sink");
	if (c->len + len > c->cap) {
		c->cap = (c->len + len) * 2;
		c->buf = realloc(c->buf, c->cap);
		assert_non_null(c->buf);
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return BUNDLE_OK;
}

/* A temp file holding 100 bytes of junk, comp, then 50 bytes of junk; returns an fd. */
struct deflate_file {
	char *dir, *path;
	int fd;
	unsigned char *data, *comp;
	size_t size, comp_size;
};

static void make_deflate_file(struct deflate_file *f, unsigned char *data, size_t size)
{
	unsigned char *all;

	f->data = data;
	f->size = size;
	f->comp = raw_deflate(data, size, &f->comp_size);
	all = malloc(f->comp_size + 150);
	assert_non_null(all);
	memset(all, 0xA5, 100);
	memcpy(all + 100, f->comp, f->comp_size);
	memset(all + 100 + f->comp_size, 0x5A, 50);
	f->dir = tu_tempdir();
	f->path = tu_path(f->dir, "entry.bin");
	tu_write(f->path, all, f->comp_size + 150);
	free(all);
	f->fd = open(f->path, O_RDONLY);
	assert_true(f->fd >= 0);
}

static void free_deflate_file(struct deflate_file *f)
{
	close(f->fd);
	free(f->data);
	free(f->comp);
	free(f->path);
	tu_rmrf(f->dir);
	free(f->dir);
}

static enum bundle_status inflate_as(struct deflate_file *f, uint64_t comp_size, uint64_t size,
                                     struct collect *c, uint32_t *crc, struct bundle_error *err)
{
	struct bfile bf;

	bundle_error_clear(err);
	bfile_from_fd(&bf, f->fd, UINT64_MAX);
	return zlibio_inflate(&bf, 100, comp_size, size, "lessons/01.html", 15, collect_sink, c,
	                      crc, err);
}

static void inflate_gives_exact_bytes_and_crc(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc = 1;

	(void)state;
	make_deflate_file(&f, text_data(300000), 300000);
	assert_true(f.comp_size < f.size / 2);
	assert_ok(inflate_as(&f, f.comp_size, f.size, &c, &crc, &err), err);
	assert_int_equal(c.len, f.size);
	assert_memory_equal(c.buf, f.data, f.size);
	assert_int_equal(crc, zlibio_crc32(0, f.data, f.size));
	assert_true(c.calls >= 5); /* 300,000 bytes come in 64 KiB pieces */
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_of_incompressible_data_larger_than_buffers(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc = 0;

	(void)state;
	make_deflate_file(&f, random_data(200000), 200000);
	assert_true(f.comp_size > 65536);
	assert_ok(inflate_as(&f, f.comp_size, f.size, &c, &crc, &err), err);
	assert_int_equal(c.len, f.size);
	assert_memory_equal(c.buf, f.data, f.size);
	assert_int_equal(crc, zlibio_crc32(0, f.data, f.size));
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_of_empty_stream(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc = 1;

	(void)state;
	make_deflate_file(&f, malloc(1), 0);
	assert_ok(inflate_as(&f, f.comp_size, 0, &c, &crc, &err), err);
	assert_int_equal(c.len, 0);
	assert_int_equal(crc, 0);
	assert_rule(inflate_as(&f, f.comp_size, 1, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_refuses_declared_size_smaller_or_larger(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;

	(void)state;
	make_deflate_file(&f, text_data(300000), 300000);
	assert_rule(inflate_as(&f, f.comp_size, f.size - 1, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	assert_string_equal(err.entry, "lessons/01.html");
	assert_non_null(strstr(err.message, "(SIZE_MISMATCH)"));
	c.len = 0;
	assert_rule(inflate_as(&f, f.comp_size, f.size + 1, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	c.len = 0;
	assert_rule(inflate_as(&f, f.comp_size, 10, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	/* never more than the declared size reaches the sink */
	assert_true(c.len <= 10);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_refuses_garbage(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;
	char *dir = tu_tempdir(), *path = tu_path(dir, "garbage.bin");
	unsigned char junk[4096];
	struct bfile bf;
	int fd;

	(void)state;
	memset(junk, 0xFF, sizeof(junk)); /* block type 3 is reserved */
	tu_write(path, junk, sizeof(junk));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	bundle_error_clear(&err);
	bfile_from_fd(&bf, fd, sizeof(junk));
	assert_rule(zlibio_inflate(&bf, 0, sizeof(junk), 1000, "x.html", 6, collect_sink, &c, &crc,
	                           &err),
	            BUNDLE_ENTRY_BAD, err, RULE_DEFLATE_INVALID);
	assert_string_equal(err.entry, "x.html");
	close(fd);
	free(path);
	tu_rmrf(dir);
	free(dir);

	/* a stream cut short */
	make_deflate_file(&f, text_data(300000), 300000);
	assert_rule(inflate_as(&f, f.comp_size - 10, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DEFLATE_INVALID);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_refuses_bytes_after_the_stream_end(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;

	(void)state;
	make_deflate_file(&f, text_data(5000), 5000);
	assert_rule(inflate_as(&f, f.comp_size + 3, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DEFLATE_INVALID);
	assert_string_equal(err.entry, "lessons/01.html");
	c.len = 0;
	assert_rule(inflate_as(&f, f.comp_size + 50, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DEFLATE_INVALID);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_stops_when_the_sink_refuses(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;

	(void)state;
	c.fail = true;
	make_deflate_file(&f, text_data(300000), 300000);
	assert_rule(inflate_as(&f, f.comp_size, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DIGEST_MISMATCH);
	assert_int_equal(c.calls, 1);
	free(c.buf);
	free_deflate_file(&f);
}

static void prefix_and_reason_wrap_messages_without_repeating_the_rule(void **state)
{
	struct bundle_error err;
	char buf[BUNDLE_ERROR_MESSAGE_MAX];

	(void)state;
	bundle_error_set(&err, BUNDLE_INVALID, RULE_NAME_INVALID, "../x", 4, "'..' segment");
	assert_string_equal(err.message, "entry '../x': '..' segment (NAME_INVALID)");
	assert_string_equal(bundle_error_reason(&err, buf, sizeof(buf)),
	                    "entry '../x': '..' segment");
	bundle_error_prefix(&err, "keys/%s", "a.pub");
	assert_string_equal(err.message, "keys/a.pub: entry '../x': '..' segment (NAME_INVALID)");
	assert_int_equal(err.rule, RULE_NAME_INVALID);
	assert_int_equal(err.status, BUNDLE_INVALID);
	bundle_error_set(&err, BUNDLE_IO, RULE_NONE, NULL, 0, "disk full");
	assert_string_equal(bundle_error_reason(&err, buf, sizeof(buf)), "disk full");
	bundle_error_prefix(NULL, "ignored");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rule_names_are_the_enum_spelling_and_round_trip),
		cmocka_unit_test(prefix_and_reason_wrap_messages_without_repeating_the_rule),
		cmocka_unit_test(rule_from_unknown_name_is_none),
		cmocka_unit_test(quote_escapes_control_bytes_backslash_and_invalid_utf8),
		cmocka_unit_test(quote_truncates_long_names_with_dots),
		cmocka_unit_test(quote_keeps_a_name_that_exactly_fits),
		cmocka_unit_test(message_names_entry_reason_and_rule),
		cmocka_unit_test(error_clear_and_null_error),
		cmocka_unit_test(sbuf_enforces_its_maximum),
		cmocka_unit_test(sbuf_grows_and_formats),
		cmocka_unit_test(sbuf_take_hands_over_and_empties),
		cmocka_unit_test(digest_of_known_strings),
		cmocka_unit_test(digest_streaming_equals_one_shot),
		cmocka_unit_test(digest_hex_round_trips_and_refuses_uppercase),
		cmocka_unit_test(mediatype_follows_the_table),
		cmocka_unit_test(mediatype_extension_is_case_insensitive),
		cmocka_unit_test(mediatype_defaults_to_octet_stream),
		cmocka_unit_test(mediatype_of_meta_inf_files),
		cmocka_unit_test(trust_adds_one_key_file),
		cmocka_unit_test(trust_adds_every_pub_file_of_a_folder),
		cmocka_unit_test(trust_missing_folder_adds_nothing),
		cmocka_unit_test(trust_refuses_key_id_shared_by_another_key),
		cmocka_unit_test(trust_refuses_bad_and_missing_files),
		cmocka_unit_test(crc32_of_check_string),
		cmocka_unit_test(deflated_size_matches_zlib_level_9),
		cmocka_unit_test(inflate_gives_exact_bytes_and_crc),
		cmocka_unit_test(inflate_of_incompressible_data_larger_than_buffers),
		cmocka_unit_test(inflate_of_empty_stream),
		cmocka_unit_test(inflate_refuses_declared_size_smaller_or_larger),
		cmocka_unit_test(inflate_refuses_garbage),
		cmocka_unit_test(inflate_refuses_bytes_after_the_stream_end),
		cmocka_unit_test(inflate_stops_when_the_sink_refuses),
	};
	return cmocka_run_group_tests_name("support", tests, NULL, NULL);
}

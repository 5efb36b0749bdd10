/* test_error.c - rule names and messages: every rule spelled as the enum, names quoted, messages with their entry and rule (bundle/error.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

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
	};
	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}

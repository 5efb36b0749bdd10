/*
 * test_manifest.c - META-INF/MANIFEST parsing and writing, the course id and
 * version grammars, header lines and the entry order (bundle/manifest.c;
 * decisions section 4).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "format.h"
#include "manifest.h"

#define H_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define H_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H_SEQ "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define H_ZERO "0000000000000000000000000000000000000000000000000000000000000000"

#define HDR "# sampan-bundle: 1\n# id: org.example.pump\n# version: 1.2\n"
#define L_CHUNKS H_SEQ "  META-INF/chunks\n"
#define L_COURSE H_ABC "  META-INF/course.json\n"
#define L_INDEX H_EMPTY "  index.html\n"
#define L_LESSON H_ZERO "  lessons/01-intro.html\n"

static const char valid_manifest[] =
        HDR "# title: Water pumps\n" L_CHUNKS L_COURSE L_INDEX L_LESSON;

/* Parse text and check the outcome; always releases. */
static void expect_parse(int line, const char *text, size_t len, enum bundle_rule want)
{
	struct manifest m;
	struct bundle_error err;
	enum bundle_status st;

	bundle_error_clear(&err);
	st = manifest_parse(text, len, &m, &err);
	manifest_release(&m);
	if (want == RULE_NONE) {
		if (st != BUNDLE_OK)
			fail_msg("line %d: manifest refused: %s", line, err.message);
		return;
	}
	if (st != BUNDLE_INVALID || err.rule != want)
		fail_msg("line %d: got status %d rule %s (%s), want %s", line, st,
		         bundle_rule_name(err.rule), err.message, bundle_rule_name(want));
	if (!strstr(err.message, bundle_rule_name(want)))
		fail_msg("line %d: message does not name the rule: %s", line, err.message);
}

#define GOOD(lit) expect_parse(__LINE__, lit, sizeof(lit) - 1, RULE_NONE)
#define BAD(lit, rule) expect_parse(__LINE__, lit, sizeof(lit) - 1, RULE_##rule)

static void parses_valid_manifest(void **state)
{
	struct manifest m;
	struct bundle_error err;
	unsigned char want[DIGEST_SIZE];

	(void)state;
	assert_ok(manifest_parse(valid_manifest, sizeof(valid_manifest) - 1, &m, &err), err);
	assert_int_equal(m.format, 1);
	assert_string_equal(m.id, "org.example.pump");
	assert_string_equal(m.version, "1.2");
	assert_non_null(m.title);
	assert_string_equal(m.title, "Water pumps");
	assert_int_equal(m.count, 4);

	assert_int_equal(m.lines[0].name_len, 15);
	assert_memory_equal(m.lines[0].name, "META-INF/chunks", 15);
	assert_int_equal(m.lines[1].name_len, 20);
	assert_memory_equal(m.lines[1].name, "META-INF/course.json", 20);
	assert_int_equal(m.lines[2].name_len, 10);
	assert_memory_equal(m.lines[2].name, "index.html", 10);
	assert_int_equal(m.lines[3].name_len, 21);
	assert_memory_equal(m.lines[3].name, "lessons/01-intro.html", 21);
	/* names are borrowed from the text */
	assert_true(m.lines[2].name > valid_manifest &&
	            m.lines[2].name < valid_manifest + sizeof(valid_manifest));

	assert_int_equal(m.lines[0].digest[0], 0x00);
	assert_int_equal(m.lines[0].digest[1], 0x11);
	assert_int_equal(m.lines[0].digest[31], 0xff);
	digest_sha256("abc", 3, want);
	assert_memory_equal(m.lines[1].digest, want, DIGEST_SIZE);
	digest_sha256("", 0, want);
	assert_memory_equal(m.lines[2].digest, want, DIGEST_SIZE);
	memset(want, 0, sizeof(want));
	assert_memory_equal(m.lines[3].digest, want, DIGEST_SIZE);
	manifest_release(&m);
	assert_null(m.lines);
	assert_null(m.id);
}

static void parses_header_only_manifest(void **state)
{
	struct manifest m;
	struct bundle_error err;
	static const char text[] = "# sampan-bundle: 1\n# id: a\n# version: 0\n";

	(void)state;
	assert_ok(manifest_parse(text, sizeof(text) - 1, &m, &err), err);
	assert_int_equal(m.count, 0);
	assert_string_equal(m.id, "a");
	assert_string_equal(m.version, "0");
	assert_null(m.title);
	manifest_release(&m);
}

static void refuses_other_format_versions_as_format_unsupported(void **state)
{
	struct manifest m;
	struct bundle_error err;
	static const char v2[] = "# sampan-bundle: 2\n# id: org.example.pump\n# version: 1.2\n";

	(void)state;
	assert_rule(manifest_parse(v2, sizeof(v2) - 1, &m, &err), BUNDLE_INVALID, err,
	            RULE_FORMAT_UNSUPPORTED);
	assert_string_equal(err.entry, BUNDLE_NAME_MANIFEST);
	manifest_release(&m);
	BAD("# sampan-bundle: 2\n" L_INDEX, FORMAT_UNSUPPORTED);
	BAD("# sampan-bundle: 0\n# id: a\n# version: 1\n", FORMAT_UNSUPPORTED);
	BAD("# sampan-bundle: 10\n# id: a\n# version: 1\n", FORMAT_UNSUPPORTED);
	/* checked before the rest of the body */
	BAD("# sampan-bundle: 2\n# id: NOT VALID\n# version: x\n", FORMAT_UNSUPPORTED);
	BAD("# sampan-bundle: 2\n# id: a\n# version: 1\n\n\n", FORMAT_UNSUPPORTED);
	/* any other value of a sampan-bundle header line is another format */
	BAD("# sampan-bundle: one\n# id: a\n# version: 1\n", FORMAT_UNSUPPORTED);
	BAD("# sampan-bundle: 1.0\n# id: a\n# version: 1\n", FORMAT_UNSUPPORTED);
	BAD("# sampan-bundle: 01\n# id: a\n# version: 1\n", FORMAT_UNSUPPORTED);
	/* a first line that is not a sampan-bundle header line is malformed */
	BAD("# sampan-bundle:1\n# id: a\n# version: 1\n", MANIFEST_INVALID);
	BAD("# format: 1\n# id: a\n# version: 1\n", MANIFEST_INVALID);
}

static void refuses_missing_final_newline(void **state)
{
	(void)state;
	BAD(HDR L_INDEX H_ZERO "  lessons/01-intro.html", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: a\n# version: 1", MANIFEST_INVALID);
	BAD("", MANIFEST_INVALID);
}

static void refuses_carriage_returns(void **state)
{
	(void)state;
	BAD("# sampan-bundle: 1\r\n# id: org.example.pump\r\n# version: 1.2\r\n" H_EMPTY
	    "  index.html\r\n",
	    MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  index.html\r\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  in\rdex.html\n", MANIFEST_INVALID);
}

static void refuses_nul_byte(void **state)
{
	(void)state;
	BAD(HDR H_EMPTY "  index\0.html\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: a\0b\n# version: 1\n", MANIFEST_INVALID);
}

static void refuses_byte_order_mark(void **state)
{
	(void)state;
	BAD("\xEF\xBB\xBF" HDR L_INDEX, MANIFEST_INVALID);
}

static void refuses_empty_lines(void **state)
{
	(void)state;
	BAD(HDR "\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR L_INDEX "\n", MANIFEST_INVALID);
	BAD("\n" HDR L_INDEX, MANIFEST_INVALID);
	BAD(HDR L_COURSE "\n" L_INDEX, MANIFEST_INVALID);
}

static void refuses_wrong_or_misordered_required_headers(void **state)
{
	(void)state;
	BAD("# id: org.example.pump\n# sampan-bundle: 1\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# version: 1.2\n# id: org.example.pump\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example.pump\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example.pump\n" L_INDEX, MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example.pump\n# title: x\n# version: 1.2\n",
	    MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# title: x\n# id: org.example.pump\n# version: 1.2\n",
	    MANIFEST_INVALID);
	BAD("#sampan-bundle: 1\n# id: org.example.pump\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle:1\n# id: org.example.pump\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# Sampan-Bundle: 1\n# id: org.example.pump\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("sampan-bundle: 1\n# id: org.example.pump\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# ID: org.example.pump\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example.pump\n# version 1.2\n", MANIFEST_INVALID);
	BAD(L_INDEX HDR, MANIFEST_INVALID);
}

static void refuses_repeated_header_key(void **state)
{
	(void)state;
	BAD(HDR "# title: a\n# title: b\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR "# title: a\n# x-tool: t\n# title: a\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR "# id: org.example.pump\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR "# version: 1.2\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR "# sampan-bundle: 1\n" L_INDEX, MANIFEST_INVALID);
}

static void refuses_header_after_entries(void **state)
{
	(void)state;
	BAD(HDR L_COURSE "# title: x\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR L_INDEX "# x-note: late\n", MANIFEST_INVALID);
	/* a '#' line that is not even a header */
	BAD(HDR L_INDEX "#\n", MANIFEST_INVALID);
	BAD(HDR "# not a header\n" L_INDEX, MANIFEST_INVALID);
}

static void refuses_invalid_course_id(void **state)
{
	(void)state;
	BAD("# sampan-bundle: 1\n# id: Org.Example\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org..example\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: -org\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org_example\n# version: 1.2\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org example\n# version: 1.2\n", MANIFEST_INVALID);
}

static void refuses_invalid_course_version(void **state)
{
	(void)state;
	BAD("# sampan-bundle: 1\n# id: org.example\n# version: 1.02\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example\n# version: 1.2.3.4.5\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example\n# version: v1\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example\n# version: 1.\n", MANIFEST_INVALID);
	BAD("# sampan-bundle: 1\n# id: org.example\n# version: 1234567890\n", MANIFEST_INVALID);
}

static void refuses_uppercase_hex_digest(void **state)
{
	(void)state;
	BAD(HDR "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  index.html\n",
	    MANIFEST_INVALID);
	BAD(HDR "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aD  index.html\n",
	    MANIFEST_INVALID);
	GOOD(HDR "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  index.html\n");
}

static void refuses_wrong_digest_length(void **state)
{
	(void)state;
	/* 63 and 65 hex digits */
	BAD(HDR "a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  index.html\n",
	    MANIFEST_INVALID);
	BAD(HDR "0ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  index.html\n",
	    MANIFEST_INVALID);
	BAD(HDR "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2001gad  index.html\n",
	    MANIFEST_INVALID);
	BAD(HDR "index.html\n", MANIFEST_INVALID);
}

static void refuses_one_space_between_digest_and_name(void **state)
{
	(void)state;
	BAD(HDR H_EMPTY " index.html\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "\tindex.html\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY " *index.html\n", MANIFEST_INVALID); /* sha256sum binary mode */
	BAD(HDR H_EMPTY "  \n", MANIFEST_INVALID); /* no name */
	BAD(HDR H_EMPTY "\n", MANIFEST_INVALID);
}

static void refuses_bad_entry_names(void **state)
{
	(void)state;
	BAD(HDR H_EMPTY "  ../x\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  /index.html\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  a//b\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  lessons/\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  meta-inf/x\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  con.txt\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  a\\b\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  caf"
	                "e\xCC\x81.html\n",
	    MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  \xFF.html\n", MANIFEST_INVALID);
	BAD(HDR H_EMPTY "  a\x01.html\n", MANIFEST_INVALID);
	GOOD(HDR H_EMPTY "  caf\xC3\xA9.html\n");
}

static void refuses_lines_out_of_order(void **state)
{
	(void)state;
	/* META-INF/ names come first */
	BAD(HDR L_INDEX L_COURSE, MANIFEST_INVALID);
	BAD(HDR L_COURSE L_CHUNKS, MANIFEST_INVALID);
	BAD(HDR L_LESSON L_INDEX, MANIFEST_INVALID);
	/* shorter first on a common prefix */
	BAD(HDR H_ZERO "  lessons/01.html\n" H_ZERO "  lessons/01\n", MANIFEST_INVALID);
	/* byte order: 'B' (0x42) before 'a' (0x61) */
	BAD(HDR H_ZERO "  a.html\n" H_ZERO "  B.html\n", MANIFEST_INVALID);
	GOOD(HDR H_ZERO "  B.html\n" H_ZERO "  a.html\n");
	GOOD(HDR H_ZERO "  META-INF/z\n" H_ZERO "  A.html\n");
	GOOD(HDR H_ZERO "  lessons/01\n" H_ZERO "  lessons/01.html\n");
	GOOD(HDR L_CHUNKS L_COURSE L_INDEX L_LESSON);
}

static void refuses_duplicate_line(void **state)
{
	(void)state;
	BAD(HDR L_INDEX L_INDEX, MANIFEST_INVALID);
	BAD(HDR H_ZERO "  index.html\n" H_ABC "  index.html\n", MANIFEST_INVALID);
	BAD(HDR L_CHUNKS L_COURSE L_INDEX L_LESSON L_LESSON, MANIFEST_INVALID);
}

static void refuses_lines_for_the_entries_never_listed(void **state)
{
	(void)state;
	BAD(HDR H_ZERO "  META-INF/MANIFEST\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR H_ZERO "  META-INF/MANIFEST.minisig\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR L_INDEX H_ZERO "  mimetype\n", MANIFEST_INVALID);
	/* names that only begin like them are ordinary entries */
	GOOD(HDR H_ZERO "  META-INF/MANIFEST.txt\n" L_INDEX H_ZERO "  mimetype.txt\n");
}

static void ignores_unknown_header_keys(void **state)
{
	struct manifest m;
	struct bundle_error err;
	static const char text[] = HDR "# x-generator: sampan 0.1.0\n# built-by: ci\n# 0: zero\n"
	                               "# delta: reserved\n" L_INDEX;

	(void)state;
	assert_ok(manifest_parse(text, sizeof(text) - 1, &m, &err), err);
	assert_null(m.title);
	assert_int_equal(m.count, 1);
	assert_memory_equal(m.lines[0].name, "index.html", 10);
	manifest_release(&m);
}

static void ignores_many_unknown_header_keys(void **state)
{
	/* Decisions section 4 sets no limit on the number of (distinct) header keys. */
	char text[4096];
	size_t len, count;
	enum bundle_status st;
	struct manifest m;
	struct bundle_error err;

	(void)state;
	len = (size_t)snprintf(text, sizeof(text), "%s", HDR);
	for (int i = 0; i < 65; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "# x-key-%d: value %d\n", i,
		                        i);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "%s", L_INDEX);
	assert_true(len < sizeof(text));
	st = manifest_parse(text, len, &m, &err);
	count = m.count;
	manifest_release(&m);
	assert_ok(st, err);
	assert_int_equal(count, 1);
}

static void captures_title(void **state)
{
	struct manifest m;
	struct bundle_error err;
	static const char text[] =
	        HDR "# x-a: b\n# title: การบำรุงรักษาปั๊มน้ำ: ปั๊ม \xE2\x80\x94 101\n" L_INDEX;

	(void)state;
	assert_ok(manifest_parse(text, sizeof(text) - 1, &m, &err), err);
	assert_non_null(m.title);
	assert_string_equal(m.title, "การบำรุงรักษาปั๊มน้ำ: ปั๊ม \xE2\x80\x94 101");
	manifest_release(&m);
	/* a title with a control character is not a header line */
	BAD(HDR "# title: a\tb\n" L_INDEX, MANIFEST_INVALID);
	BAD(HDR "# title: \n" L_INDEX, MANIFEST_INVALID);
}

static void refuses_manifest_over_16_mib(void **state)
{
	size_t big = BUNDLE_MAX_MANIFEST + 1u;
	char *text = malloc(big);
	struct manifest m;
	struct bundle_error err;

	(void)state;
	assert_non_null(text);
	assert_int_equal(BUNDLE_MAX_MANIFEST, 16u * 1024u * 1024u);
	/* a well-formed start, then one long run of lines */
	memset(text, 'a', big);
	memcpy(text, HDR, sizeof(HDR) - 1);
	for (size_t i = sizeof(HDR) - 1 + 100; i < big; i += 101)
		text[i] = '\n';
	text[big - 1] = '\n';
	assert_rule(manifest_parse(text, big, &m, &err), BUNDLE_INVALID, err,
	            RULE_MANIFEST_TOO_LARGE);
	manifest_release(&m);
	/* exactly 16 MiB is not too large: the same junk is merely malformed */
	text[big - 2] = '\n';
	assert_rule(manifest_parse(text, big - 1, &m, &err), BUNDLE_INVALID, err,
	            RULE_MANIFEST_INVALID);
	manifest_release(&m);
	free(text);
}

/* ---- writing ---- */

static void format_then_parse_gives_same_lines(void **state)
{
	static const char *const names[] = {
		"META-INF/chunks", "META-INF/course.json", "index.html", "lessons/01-intro.html",
		"media/\xE0\xB8\x9B\xE0\xB8\xB1\xE0\xB9\x8A\xE0\xB8\xA1.mp4"
	};
	struct manifest_line lines[5];
	struct manifest m;
	struct bundle_error err;
	char *out = NULL;
	size_t out_len = 0;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		lines[i].name = names[i];
		lines[i].name_len = strlen(names[i]);
		digest_sha256(names[i], i, lines[i].digest);
	}
	assert_ok(manifest_format("org.example.pump", "1.2", "Water pumps", lines, 5, &out,
	                          &out_len, &err),
	          err);
	assert_non_null(out);
	assert_int_equal(out_len, strlen(out));
	{
		static const char start[] =
		        HDR "# title: Water pumps\n" H_EMPTY "  META-INF/chunks\n";
		assert_true(strncmp(out, start, sizeof(start) - 1) == 0);
	}
	assert_ok(manifest_parse(out, out_len, &m, &err), err);
	assert_string_equal(m.id, "org.example.pump");
	assert_string_equal(m.version, "1.2");
	assert_string_equal(m.title, "Water pumps");
	assert_int_equal(m.count, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(m.lines[i].name_len, lines[i].name_len);
		assert_memory_equal(m.lines[i].name, names[i], lines[i].name_len);
		assert_memory_equal(m.lines[i].digest, lines[i].digest, DIGEST_SIZE);
	}
	manifest_release(&m);
	free(out);
}

static void format_without_title_writes_three_header_lines(void **state)
{
	struct manifest_line line;
	struct bundle_error err;
	char *out = NULL;
	size_t out_len = 0;

	(void)state;
	line.name = "index.html";
	line.name_len = 10;
	digest_sha256("abc", 3, line.digest);
	assert_ok(manifest_format("org.example.pump", "1.2", NULL, &line, 1, &out, &out_len, &err),
	          err);
	assert_string_equal(out, HDR H_ABC "  index.html\n");
	assert_int_equal(out_len, sizeof(HDR H_ABC "  index.html\n") - 1);
	free(out);
}

static void format_turns_title_control_characters_into_spaces(void **state)
{
	struct manifest m;
	struct bundle_error err;
	char *out = NULL;
	size_t out_len = 0;

	(void)state;
	assert_ok(manifest_format("a", "1", "Water\npumps\tand\r\x01more\xC2\x85!", NULL, 0, &out,
	                          &out_len, &err),
	          err);
	assert_string_equal(out, "# sampan-bundle: 1\n# id: a\n# version: 1\n"
	                         "# title: Water pumps and  more !\n");
	assert_ok(manifest_parse(out, out_len, &m, &err), err);
	assert_string_equal(m.title, "Water pumps and  more !");
	manifest_release(&m);
	free(out);
}

static void format_cuts_long_title_to_1024_bytes_on_a_character(void **state)
{
	char title[1300];
	struct manifest m;
	struct bundle_error err;
	char *out = NULL;
	size_t out_len = 0;

	(void)state;
	memset(title, 'x', 1100);
	title[1100] = '\0';
	assert_ok(manifest_format("a", "1", title, NULL, 0, &out, &out_len, &err), err);
	assert_ok(manifest_parse(out, out_len, &m, &err), err);
	assert_int_equal(strlen(m.title), 1024);
	manifest_release(&m);
	free(out);

	/* 400 Thai letters of 3 bytes: 341 fit in 1,024 bytes */
	for (int i = 0; i < 400; i++)
		memcpy(title + 3 * i, "\xE0\xB8\x81", 3);
	title[1200] = '\0';
	assert_ok(manifest_format("a", "1", title, NULL, 0, &out, &out_len, &err), err);
	assert_ok(manifest_parse(out, out_len, &m, &err), err);
	assert_int_equal(strlen(m.title), 1023);
	assert_memory_equal(m.title, title, 1023);
	manifest_release(&m);
	free(out);
}

static void format_refuses_invalid_id_and_version(void **state)
{
	struct bundle_error err;
	static char sentinel[] = "sentinel";
	char *out = sentinel;
	size_t out_len = 0;

	(void)state;
	assert_rule(manifest_format("Org.Example", "1", NULL, NULL, 0, &out, &out_len, &err),
	            BUNDLE_INVALID, err, RULE_INPUT_INVALID);
	assert_null(out);
	assert_rule(manifest_format("", "1", NULL, NULL, 0, &out, &out_len, &err), BUNDLE_INVALID,
	            err, RULE_INPUT_INVALID);
	assert_rule(manifest_format("org.example", "1.02", NULL, NULL, 0, &out, &out_len, &err),
	            BUNDLE_INVALID, err, RULE_INPUT_INVALID);
	assert_null(out);
}

/* ---- grammars ---- */

static bool id_ok(const char *s)
{
	return manifest_id_valid(s, strlen(s));
}

static void id_grammar_accepts_and_refuses(void **state)
{
	static const char *const good[] = { "a",    "0",       "org.example.pump",        "a-b.c-d",
		                            "a--b", "x1.2y.3", "th.go.moe.electrical-101" };
	static const char *const bad[] = { "",     "A",    "Org.example", "a_b",         "-a",
		                           "a-",   "a..b", ".a",          "a.",          "a.-b",
		                           "a-.b", "a b",  "a/b",         "caf\xC3\xA9", "a:b" };
	char long_id[200];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!id_ok(good[i]))
			fail_msg("id '%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (id_ok(bad[i]))
			fail_msg("id '%s' accepted", bad[i]);
	memset(long_id, 'a', sizeof(long_id));
	assert_true(manifest_id_valid(long_id, 128));
	assert_false(manifest_id_valid(long_id, 129));
	/* only len bytes count */
	assert_true(manifest_id_valid("ab.", 2));
}

static bool version_ok(const char *s)
{
	return manifest_version_valid(s, strlen(s));
}

static void version_grammar_accepts_and_refuses(void **state)
{
	static const char *const good[] = { "0",         "1",       "1.0",
		                            "1.2.3.4",   "0.0.0.0", "999999999",
		                            "2026.11.3", "10.20",   "1.999999999.0.7" };
	static const char *const bad[] = { "",           "01", "1.",  ".1",   "1..2", "1.2.3.4.5",
		                           "1234567890", "v1", "1.a", "1.01", " 1",   "1 ",
		                           "-1",         "+1", "1,2", "00" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!version_ok(good[i]))
			fail_msg("version '%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (version_ok(bad[i]))
			fail_msg("version '%s' accepted", bad[i]);
}

static int vcmp(const char *a, const char *b)
{
	int r = manifest_version_cmp(a, b);
	return (r > 0) - (r < 0);
}

static void version_order_is_numeric_with_missing_components_as_zero(void **state)
{
	static const char *const ascending[] = { "1", "1.0.1", "1.2", "1.10", "2" };

	(void)state;
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 5; j++) {
			int want = (i > j) - (i < j);
			if (vcmp(ascending[i], ascending[j]) != want)
				fail_msg("cmp(%s, %s) = %d, want %d", ascending[i], ascending[j],
				         vcmp(ascending[i], ascending[j]), want);
		}
	assert_int_equal(vcmp("1.2", "1.2.0"), 0);
	assert_int_equal(vcmp("1.2.0", "1.2"), 0);
	assert_int_equal(vcmp("1", "1.0.0.0"), 0);
	assert_int_equal(vcmp("2026.11.3", "2026.2.30"), 1);
	assert_int_equal(vcmp("2026.2.30", "2026.11.3"), -1);
	assert_int_equal(vcmp("999999999", "99999999"), 1);
	assert_int_equal(vcmp("0", "0.0.0.1"), -1);
	assert_int_equal(vcmp("1.2.3.4", "1.2.3.5"), -1);
}

static void header_split_finds_key_and_value(void **state)
{
	static const char line[] = "# title: Pumps: a course";
	const char *key = NULL, *value = NULL;
	size_t key_len = 0, value_len = 0;

	(void)state;
	assert_true(
	        manifest_header_split(line, sizeof(line) - 1, &key, &key_len, &value, &value_len));
	assert_ptr_equal(key, line + 2);
	assert_int_equal(key_len, 5);
	assert_ptr_equal(value, line + 9);
	assert_int_equal(value_len, 15);
	assert_memory_equal(value, "Pumps: a course", 15);

	assert_true(manifest_header_split("# x-1: \xE0\xB8\x81", 10, &key, &key_len, &value,
	                                  &value_len));
	assert_int_equal(key_len, 3);
	assert_int_equal(value_len, 3);
}

static bool split(const char *line, size_t len)
{
	const char *key, *value;
	size_t key_len, value_len;

	return manifest_header_split(line, len, &key, &key_len, &value, &value_len);
}

static void header_split_refuses_malformed_lines(void **state)
{
	static const char *const bad[] = {
		"#title: x",
		"# title:x",
		"# Title: x",
		"# title: ",
		"# title:",
		"# : x",
		"# ti tle: x",
		"title: x",
		"## title: x",
		"# title: a\tb",
		"# title: a\x7F",
		"# title: a\xC2\x80",
		"# title: \xFF",
		"# ti_tle: x",
		"#",
		"",
	};
	char line[1200];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (split(bad[i], strlen(bad[i])))
			fail_msg("header line '%s' accepted", bad[i]);
	/* a value of one space is allowed: 1..1024 bytes without controls */
	assert_true(split("# title:  ", 10));
	/* key of 32 and 33 characters */
	snprintf(line, sizeof(line), "# %s: v", "abcdefghijklmnopqrstuvwxyz012345");
	assert_true(split(line, strlen(line)));
	snprintf(line, sizeof(line), "# %s: v", "abcdefghijklmnopqrstuvwxyz0123456");
	assert_false(split(line, strlen(line)));
	/* value of 1024 and 1025 bytes */
	memcpy(line, "# k: ", 5);
	memset(line + 5, 'v', 1025);
	assert_true(split(line, 5 + 1024));
	assert_false(split(line, 5 + 1025));
}

static int ocmp(const char *a, const char *b)
{
	int r = manifest_order_cmp(a, strlen(a), b, strlen(b));
	return (r > 0) - (r < 0);
}

static void order_puts_meta_inf_names_first(void **state)
{
	(void)state;
	assert_int_equal(ocmp("META-INF/z", "A.html"), -1);
	assert_int_equal(ocmp("A.html", "META-INF/z"), 1);
	assert_int_equal(ocmp("META-INF/chunks", "META-INF/course.json"), -1);
	assert_int_equal(ocmp("META-INF/course.json", "META-INF/chunks"), 1);
	assert_int_equal(ocmp("META-INF/x", "META-INF/x"), 0);
	assert_int_equal(ocmp("index.html", "lessons/01.html"), -1);
	assert_int_equal(ocmp("B", "a"), -1);
	assert_int_equal(ocmp("a", "ab"), -1);
	/* only a "META-INF/" prefix counts */
	assert_int_equal(ocmp("META-INFO/x", "META-INF/x"), 1);
	assert_int_equal(ocmp("META-INF/x", "META-INF"), -1);
	assert_int_equal(ocmp("A", "META-INF"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_valid_manifest),
		cmocka_unit_test(parses_header_only_manifest),
		cmocka_unit_test(refuses_other_format_versions_as_format_unsupported),
		cmocka_unit_test(refuses_missing_final_newline),
		cmocka_unit_test(refuses_carriage_returns),
		cmocka_unit_test(refuses_nul_byte),
		cmocka_unit_test(refuses_byte_order_mark),
		cmocka_unit_test(refuses_empty_lines),
		cmocka_unit_test(refuses_wrong_or_misordered_required_headers),
		cmocka_unit_test(refuses_repeated_header_key),
		cmocka_unit_test(refuses_header_after_entries),
		cmocka_unit_test(refuses_invalid_course_id),
		cmocka_unit_test(refuses_invalid_course_version),
		cmocka_unit_test(refuses_uppercase_hex_digest),
		cmocka_unit_test(refuses_wrong_digest_length),
		cmocka_unit_test(refuses_one_space_between_digest_and_name),
		cmocka_unit_test(refuses_bad_entry_names),
		cmocka_unit_test(refuses_lines_out_of_order),
		cmocka_unit_test(refuses_duplicate_line),
		cmocka_unit_test(refuses_lines_for_the_entries_never_listed),
		cmocka_unit_test(ignores_unknown_header_keys),
		cmocka_unit_test(ignores_many_unknown_header_keys),
		cmocka_unit_test(captures_title),
		cmocka_unit_test(refuses_manifest_over_16_mib),
		cmocka_unit_test(format_then_parse_gives_same_lines),
		cmocka_unit_test(format_without_title_writes_three_header_lines),
		cmocka_unit_test(format_turns_title_control_characters_into_spaces),
		cmocka_unit_test(format_cuts_long_title_to_1024_bytes_on_a_character),
		cmocka_unit_test(format_refuses_invalid_id_and_version),
		cmocka_unit_test(id_grammar_accepts_and_refuses),
		cmocka_unit_test(version_grammar_accepts_and_refuses),
		cmocka_unit_test(version_order_is_numeric_with_missing_components_as_zero),
		cmocka_unit_test(header_split_finds_key_and_value),
		cmocka_unit_test(header_split_refuses_malformed_lines),
		cmocka_unit_test(order_puts_meta_inf_names_first),
	};
	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}

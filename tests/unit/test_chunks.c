/*
 * test_chunks.c - META-INF/chunks: parsing, lookup, chunk counts and
 * writing (bundle/chunks.c; decisions section 8).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "digest.h"
#include "format.h"
#include "sbuf.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define H4 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H5 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

#define HDR "# sampan-chunks: 1\n# chunk-size: 1048576\n"
/* 2 MiB + 1 byte: three chunks; 1 MiB + 1 byte: two chunks */
#define ENTRY_A "f 2097153 media/a.mp4\nc " H1 "\nc " H2 "\nc " H3 "\n"
#define ENTRY_B "f 1048577 media/b.mp4\nc " H4 "\nc " H5 "\n"

static void expect_parse(int line, const char *text, size_t len, enum bundle_rule want)
{
	struct chunks c;
	struct bundle_error err;
	enum bundle_status st;

	bundle_error_clear(&err);
	st = chunks_parse(text, len, &c, &err);
	chunks_release(&c);
	if (want == RULE_NONE) {
		if (st != BUNDLE_OK)
			fail_msg("line %d: chunks refused: %s", line, err.message);
		return;
	}
	if (st != BUNDLE_INVALID || err.rule != want)
		fail_msg("line %d: got status %d rule %s (%s), want %s", line, st,
		         bundle_rule_name(err.rule), err.message, bundle_rule_name(want));
	if (strcmp(err.entry, BUNDLE_NAME_CHUNKS) != 0)
		fail_msg("line %d: error does not name META-INF/chunks: %s", line, err.message);
}

#define GOOD(lit) expect_parse(__LINE__, lit, sizeof(lit) - 1, RULE_NONE)
#define BAD(lit) expect_parse(__LINE__, lit, sizeof(lit) - 1, RULE_CHUNKS_INVALID)

static void hex_digest(const char *hex, unsigned char out[DIGEST_SIZE])
{
	assert_true(digest_from_hex(hex, 64, out));
}

static void parses_two_entries_with_their_digests(void **state)
{
	static const char text[] = HDR ENTRY_A ENTRY_B;
	struct chunks c;
	struct bundle_error err;
	unsigned char want[DIGEST_SIZE];
	const char *hexes[] = { H1, H2, H3, H4, H5 };

	(void)state;
	assert_ok(chunks_parse(text, sizeof(text) - 1, &c, &err), err);
	assert_int_equal(c.count, 2);
	assert_int_equal(c.stored, 5);

	assert_int_equal(c.lists[0].name_len, 11);
	assert_memory_equal(c.lists[0].name, "media/a.mp4", 11);
	assert_int_equal(c.lists[0].size, 2097153);
	assert_int_equal(c.lists[0].count, 3);
	assert_int_equal(c.lists[1].name_len, 11);
	assert_memory_equal(c.lists[1].name, "media/b.mp4", 11);
	assert_int_equal(c.lists[1].size, 1048577);
	assert_int_equal(c.lists[1].count, 2);

	for (size_t i = 0; i < 3; i++) {
		hex_digest(hexes[i], want);
		assert_memory_equal(chunks_digest(&c, &c.lists[0], i), want, DIGEST_SIZE);
	}
	for (size_t i = 0; i < 2; i++) {
		hex_digest(hexes[3 + i], want);
		assert_memory_equal(chunks_digest(&c, &c.lists[1], i), want, DIGEST_SIZE);
	}
	chunks_release(&c);
	assert_null(c.lists);
	assert_int_equal(c.count, 0);
}

static void finds_lists_by_name(void **state)
{
	static const char text[] =
	        HDR "f 1048577 META-INF/big.json\nc " H1 "\nc " H2 "\n" ENTRY_A ENTRY_B
	            "f 5000000 video/z.webm\nc " H1 "\nc " H1 "\nc " H1 "\nc " H1 "\nc " H5 "\n";
	struct chunks c;
	struct bundle_error err;
	const struct chunk_list *l;
	unsigned char want[DIGEST_SIZE];

	(void)state;
	assert_ok(chunks_parse(text, sizeof(text) - 1, &c, &err), err);
	assert_int_equal(c.count, 4);
	l = chunks_find(&c, "media/b.mp4", 11);
	assert_ptr_equal(l, &c.lists[2]);
	l = chunks_find(&c, "META-INF/big.json", 17);
	assert_ptr_equal(l, &c.lists[0]);
	l = chunks_find(&c, "video/z.webm", 12);
	assert_non_null(l);
	assert_int_equal(l->size, 5000000);
	assert_int_equal(l->count, 5);
	hex_digest(H5, want);
	assert_memory_equal(chunks_digest(&c, l, 4), want, DIGEST_SIZE);
	assert_null(chunks_find(&c, "media/c.mp4", 11));
	assert_null(chunks_find(&c, "media/a.mp", 10));
	assert_null(chunks_find(&c, "media/a.mp4x", 12));
	assert_null(chunks_find(&c, "index.html", 10));
	chunks_release(&c);
}

static void parses_header_only_file(void **state)
{
	static const char text[] = HDR;
	struct chunks c;
	struct bundle_error err;

	(void)state;
	assert_ok(chunks_parse(text, sizeof(text) - 1, &c, &err), err);
	assert_int_equal(c.count, 0);
	assert_null(chunks_find(&c, "media/a.mp4", 11));
	chunks_release(&c);
}

static void refuses_bad_header_lines(void **state)
{
	(void)state;
	BAD("# sampan-chunks: 2\n# chunk-size: 1048576\n");
	BAD("# chunk-size: 1048576\n# sampan-chunks: 1\n");
	BAD("# sampan-chunks: 1\n");
	BAD("# sampan-chunks: 1\n" ENTRY_A);
	BAD("# sampan-chunk: 1\n# chunk-size: 1048576\n");
	BAD("#sampan-chunks: 1\n# chunk-size: 1048576\n");
	BAD("# sampan-chunks: 1\n# chunk-size: 1048576\n# x-extra: 1\n");
	BAD("");
	BAD("\n");
}

static void refuses_other_chunk_sizes(void **state)
{
	(void)state;
	BAD("# sampan-chunks: 1\n# chunk-size: 65536\n");
	BAD("# sampan-chunks: 1\n# chunk-size: 1048577\n");
	BAD("# sampan-chunks: 1\n# chunk-size: 01048576\n");
	BAD("# sampan-chunks: 1\n# chunk-size: 1048576 \n");
	BAD("# sampan-chunks: 1\n# chunk-size: 1 MiB\n");
}

static void refuses_too_few_chunk_lines(void **state)
{
	(void)state;
	/* at the end of the file */
	BAD(HDR "f 2097153 media/a.mp4\nc " H1 "\nc " H2 "\n");
	BAD(HDR "f 2097153 media/a.mp4\n");
	/* before the next entry */
	BAD(HDR "f 2097153 media/a.mp4\nc " H1 "\nc " H2 "\n" ENTRY_B);
	BAD(HDR "f 2097152 media/a.mp4\nc " H1 "\n" ENTRY_B);
	GOOD(HDR "f 2097152 media/a.mp4\nc " H1 "\nc " H2 "\n" ENTRY_B);
}

static void refuses_too_many_chunk_lines(void **state)
{
	(void)state;
	BAD(HDR ENTRY_A "c " H4 "\n");
	BAD(HDR "f 2097152 media/a.mp4\nc " H1 "\nc " H2 "\nc " H3 "\n");
	BAD(HDR ENTRY_A "c " H4 "\n" ENTRY_B);
	/* a chunk line before any entry */
	BAD(HDR "c " H1 "\n" ENTRY_A);
}

static void refuses_entries_of_one_mib_or_less(void **state)
{
	(void)state;
	BAD(HDR "f 1048576 media/a.mp4\nc " H1 "\n");
	BAD(HDR "f 10 media/a.mp4\nc " H1 "\n");
	BAD(HDR "f 0 media/a.mp4\n");
	GOOD(HDR "f 1048577 media/a.mp4\nc " H1 "\nc " H2 "\n");
}

static void refuses_malformed_entry_lines(void **state)
{
	(void)state;
	BAD(HDR "f 02097153 media/a.mp4\nc " H1 "\nc " H2 "\nc " H3 "\n"); /* leading zero */
	BAD(HDR "f +2097153 media/a.mp4\nc " H1 "\nc " H2 "\nc " H3 "\n");
	BAD(HDR "f 2097153\n");
	BAD(HDR "f  2097153 media/a.mp4\nc " H1 "\nc " H2 "\nc " H3 "\n");
	BAD(HDR "F 2097153 media/a.mp4\nc " H1 "\nc " H2 "\nc " H3 "\n");
	BAD(HDR "f 99999999999999999999 media/a.mp4\n");
	BAD(HDR ENTRY_A "x " H1 "\n");
	BAD(HDR ENTRY_A "\n");
	BAD(HDR ENTRY_A "c  " H1 "\n");
}

static void refuses_entries_out_of_order(void **state)
{
	(void)state;
	BAD(HDR ENTRY_B ENTRY_A);
	BAD(HDR ENTRY_A ENTRY_A);
	/* META-INF/ names come first, then byte order */
	BAD(HDR ENTRY_A "f 1048577 META-INF/big.json\nc " H1 "\nc " H2 "\n");
	GOOD(HDR "f 1048577 META-INF/big.json\nc " H1 "\nc " H2 "\n" ENTRY_A);
	GOOD(HDR "f 1048577 Z.mp4\nc " H1 "\nc " H2 "\n" ENTRY_A);
}

static void refuses_uppercase_or_short_hex(void **state)
{
	(void)state;
	BAD(HDR "f 1048577 media/a.mp4\nc "
	        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\nc " H2 "\n");
	BAD(HDR "f 1048577 media/a.mp4\nc "
	        "a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nc " H2 "\n");
	BAD(HDR "f 1048577 media/a.mp4\nc "
	        "0ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nc " H2 "\n");
	BAD(HDR "f 1048577 media/a.mp4\nc " H1 "\nc "
	        "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
}

static void refuses_bad_entry_names(void **state)
{
	(void)state;
	BAD(HDR "f 1048577 ../a.mp4\nc " H1 "\nc " H2 "\n");
	BAD(HDR "f 1048577 /a.mp4\nc " H1 "\nc " H2 "\n");
	BAD(HDR "f 1048577 media//a.mp4\nc " H1 "\nc " H2 "\n");
	BAD(HDR "f 1048577 aux.mp4\nc " H1 "\nc " H2 "\n");
	BAD(HDR "f 1048577 \nc " H1 "\nc " H2 "\n");
	BAD(HDR "f 1048577 v"
	        "e\xCC\x81.mp4\nc " H1 "\nc " H2 "\n");
	GOOD(HDR "f 1048577 media/v\xC3\xA9o.mp4\nc " H1 "\nc " H2 "\n");
}

static void refuses_missing_final_newline_and_carriage_returns(void **state)
{
	(void)state;
	BAD(HDR "f 1048577 media/a.mp4\nc " H1 "\nc " H2);
	BAD("# sampan-chunks: 1\n# chunk-size: 1048576");
	BAD("# sampan-chunks: 1\r\n# chunk-size: 1048576\r\n");
	BAD(HDR "f 1048577 media/a.mp4\r\nc " H1 "\nc " H2 "\n");
	BAD(HDR "f 1048577 media/a\0.mp4\nc " H1 "\nc " H2 "\n");
}

static void counts_chunks_of_one_mib(void **state)
{
	(void)state;
	assert_int_equal(chunks_count_for(0), 0);
	assert_int_equal(chunks_count_for(1), 1);
	assert_int_equal(chunks_count_for(1048575), 1);
	assert_int_equal(chunks_count_for(1048576), 1);
	assert_int_equal(chunks_count_for(1048577), 2);
	assert_int_equal(chunks_count_for(2097152), 2);
	assert_int_equal(chunks_count_for(2097153), 3);
	assert_int_equal(chunks_count_for(1ull << 40), 1ull << 20);
	assert_int_equal(chunks_count_for((1ull << 40) + 1), (1ull << 20) + 1);
}

static void format_then_parse_gives_same_lists(void **state)
{
	unsigned char da[3 * DIGEST_SIZE], db[2 * DIGEST_SIZE];
	struct sbuf b;
	struct chunks c;
	struct bundle_error err;
	char *text;
	size_t len;

	(void)state;
	for (size_t i = 0; i < 3; i++)
		digest_sha256(&i, sizeof(i), da + i * DIGEST_SIZE);
	hex_digest(H4, db);
	hex_digest(H5, db + DIGEST_SIZE);

	sbuf_init(&b, BUNDLE_MAX_CHUNKS);
	assert_ok(chunks_format_begin(&b, &err), err);
	assert_string_equal(b.data, HDR);
	assert_ok(chunks_format_entry(&b, "media/a.mp4", 11, 2097153, da, 3, &err), err);
	assert_ok(chunks_format_entry(&b, "media/b.mp4", 11, 1048577, db, 2, &err), err);
	text = sbuf_take(&b, &len);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	/* the second entry is written exactly */
	assert_non_null(strstr(text, "\n" ENTRY_B));
	assert_int_equal(len, sizeof(HDR) - 1 + 2 * 22 + 5 * 67);

	assert_ok(chunks_parse(text, len, &c, &err), err);
	assert_int_equal(c.count, 2);
	assert_int_equal(c.lists[0].size, 2097153);
	assert_int_equal(c.lists[0].count, 3);
	assert_memory_equal(c.lists[0].name, "media/a.mp4", 11);
	for (size_t i = 0; i < 3; i++)
		assert_memory_equal(chunks_digest(&c, &c.lists[0], i), da + i * DIGEST_SIZE,
		                    DIGEST_SIZE);
	assert_int_equal(c.lists[1].size, 1048577);
	assert_int_equal(c.lists[1].count, 2);
	for (size_t i = 0; i < 2; i++)
		assert_memory_equal(chunks_digest(&c, &c.lists[1], i), db + i * DIGEST_SIZE,
		                    DIGEST_SIZE);
	chunks_release(&c);
	free(text);
}

static void format_of_no_entries_is_the_header(void **state)
{
	struct sbuf b;
	struct chunks c;
	struct bundle_error err;
	char *text;
	size_t len;

	(void)state;
	sbuf_init(&b, BUNDLE_MAX_CHUNKS);
	assert_ok(chunks_format_begin(&b, &err), err);
	text = sbuf_take(&b, &len);
	assert_string_equal(text, HDR);
	assert_ok(chunks_parse(text, len, &c, &err), err);
	assert_int_equal(c.count, 0);
	chunks_release(&c);
	free(text);
}

static void format_refuses_past_the_buffer_maximum(void **state)
{
	unsigned char d[2 * DIGEST_SIZE] = { 0 };
	struct sbuf b;
	struct bundle_error err;

	(void)state;
	sbuf_init(&b, sizeof(HDR) + 30);
	assert_ok(chunks_format_begin(&b, &err), err);
	assert_rule(chunks_format_entry(&b, "media/a.mp4", 11, 1048577, d, 2, &err), BUNDLE_INVALID,
	            err, RULE_CHUNKS_INVALID);
	sbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_two_entries_with_their_digests),
		cmocka_unit_test(finds_lists_by_name),
		cmocka_unit_test(parses_header_only_file),
		cmocka_unit_test(refuses_bad_header_lines),
		cmocka_unit_test(refuses_other_chunk_sizes),
		cmocka_unit_test(refuses_too_few_chunk_lines),
		cmocka_unit_test(refuses_too_many_chunk_lines),
		cmocka_unit_test(refuses_entries_of_one_mib_or_less),
		cmocka_unit_test(refuses_malformed_entry_lines),
		cmocka_unit_test(refuses_entries_out_of_order),
		cmocka_unit_test(refuses_uppercase_or_short_hex),
		cmocka_unit_test(refuses_bad_entry_names),
		cmocka_unit_test(refuses_missing_final_newline_and_carriage_returns),
		cmocka_unit_test(counts_chunks_of_one_mib),
		cmocka_unit_test(format_then_parse_gives_same_lists),
		cmocka_unit_test(format_of_no_entries_is_the_header),
		cmocka_unit_test(format_refuses_past_the_buffer_maximum),
	};
	return cmocka_run_group_tests_name("chunks", tests, NULL, NULL);
}

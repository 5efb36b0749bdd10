/*
 * test_variants.c - the other forms of a word that search forgives
 * (player/variants.c): the stem an English or Indonesian word is found by,
 * which texts are stemmed, Traditional Chinese found as Simplified, the
 * Malay and Indonesian spellings of one word, and how far a slip is from
 * the word meant.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "variants.h"

static void words_are_found_by_their_stem(void **state)
{
	static const struct {
		enum stem_lang lang;
		const char *word, *stem;
	} rows[] = {
		/* a student types one form, the lesson has another: both have one stem */
		{ STEM_EN, "pumps", "pump" },         { STEM_EN, "pumping", "pump" },
		{ STEM_EN, "bearings", "bear" },      { STEM_EN, "lubricated", "lubric" },
		{ STEM_EN, "lubrication", "lubric" }, { STEM_ID, "pelumasan", "lumas" },
		{ STEM_ID, "pompanya", "pompa" },     { STEM_ID, "perbaikan", "baik" },
	};
	struct variants *v = variants_new();

	(void)state;
	assert_non_null(v);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[TOKEN_MAX];
		size_t n = variants_stem(v, rows[i].lang, rows[i].word, strlen(rows[i].word), out);

		if (n != strlen(rows[i].stem) || memcmp(out, rows[i].stem, n) != 0)
			fail_msg("%s: stem '%.*s', want '%s'", rows[i].word, (int)n, out,
			         rows[i].stem);
	}
	variants_free(v);
}

static void which_texts_are_stemmed(void **state)
{
	static const struct {
		enum stem_lang stem;
		const char *lang;
		bool stemmed;
	} rows[] = {
		{ STEM_EN, "en", true },   { STEM_EN, "en-GB", true }, { STEM_EN, "EN", true },
		{ STEM_EN, "eng", false }, { STEM_EN, "id", false },   { STEM_EN, NULL, false },
		{ STEM_ID, "id", true },   { STEM_ID, "ms", true },    { STEM_ID, "ms-MY", true },
		{ STEM_ID, "fil", false }, { STEM_ID, "vi", false },   { STEM_ID, "en", false },
		{ STEM_ID, "idx", false }, { STEM_EN, "th", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (variants_stems(rows[i].stem, rows[i].lang) != rows[i].stemmed)
			fail_msg("%s by the %s stemmer: want %s",
			         rows[i].lang ? rows[i].lang : "(null)",
			         rows[i].stem == STEM_EN ? "English" : "Indonesian",
			         rows[i].stemmed ? "stemmed" : "not");
}

static void traditional_chinese_is_found_as_simplified(void **state)
{
	static const struct {
		const char *text, *simplified; /* NULL: the same */
	} rows[] = {
		{ "課程", "课程" }, { "學習 pump 維修", "学习 pump 维修" },
		{ "水泵", NULL },   { "pump", NULL },
		{ "", NULL },
	};
	struct variants *v = variants_new();

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *s = variants_simplified(v, rows[i].text, strlen(rows[i].text));

		if (!rows[i].simplified) {
			if (s)
				fail_msg("'%s' became '%s'", rows[i].text, s);
			continue;
		}
		assert_non_null(s);
		assert_string_equal(s, rows[i].simplified);
		free(s);
	}
	variants_free(v);
}

static void malay_and_indonesian_spellings_pair(void **state)
{
	static const struct {
		const char *word, *other;
	} rows[] = {
		{ "bas", "bus" },
		{ "bus", "bas" },
		{ "kenderaan", "kendaraan" },
		{ "televisi", "televisyen" },
		{ "ba", NULL },
		{ "basx", NULL },
		{ "pump", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = variants_malay_pair(rows[i].word, strlen(rows[i].word));

		if (!rows[i].other) {
			if (got)
				fail_msg("%s: paired with %s", rows[i].word, got);
			continue;
		}
		assert_non_null(got);
		assert_string_equal(got, rows[i].other);
	}
}

static void how_far_a_slip_is(void **state)
{
	static const struct {
		const char *a, *b;
		size_t max, want;
	} rows[] = {
		{ "pump", "pump", 2, 0 },
		{ "pump", "pmup", 2, 1 }, /* two neighbours swapped: one slip */
		{ "pump", "pumps", 2, 1 },
		{ "pump", "lamp", 2, 2 },
		{ "pump", "engine", 2, 3 }, /* past max: max + 1 */
		{ "pump", "pumping", 2, 3 },
		{ "", "ab", 2, 2 },
		/* counted in characters, not bytes: one Thai mark missing */
		{ "ปั๊ม", "ปัม", 2, 1 },
		{ "máy", "may", 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t d = variants_distance(rows[i].a, strlen(rows[i].a), rows[i].b,
		                             strlen(rows[i].b), rows[i].max);

		if (d != rows[i].want)
			fail_msg("%s ~ %s: %zu, want %zu", rows[i].a, rows[i].b, d, rows[i].want);
		/* the same both ways */
		assert_int_equal(variants_distance(rows[i].b, strlen(rows[i].b), rows[i].a,
		                                   strlen(rows[i].a), rows[i].max),
		                 d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_are_found_by_their_stem),
		cmocka_unit_test(which_texts_are_stemmed),
		cmocka_unit_test(traditional_chinese_is_found_as_simplified),
		cmocka_unit_test(malay_and_indonesian_spellings_pair),
		cmocka_unit_test(how_far_a_slip_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

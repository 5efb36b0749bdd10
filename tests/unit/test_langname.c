/*
 * test_langname.c - languages named in themselves (common/langname.c): the
 * names the builder's subtitle menus and the player's catalog both show.
 */
#include "testutil.h"

#include <string.h>

#include "langname.h"

static void expect_name(const char *tag, const char *want)
{
	const char *got = langname_of(tag);

	if (!got)
		fail_msg("%s: no name, want %s", tag, want);
	assert_string_equal(got, want);
}

static void the_classrooms_languages(void **state)
{
	(void)state;
	expect_name("en", "English");
	expect_name("th", "ไทย");
	expect_name("km", "ខ្មែរ");
	expect_name("lo", "ລາວ");
	expect_name("my", "မြန်မာ");
	expect_name("vi", "Tiếng Việt");
	expect_name("ms", "Bahasa Melayu");
	expect_name("id", "Bahasa Indonesia");
	expect_name("fil", "Filipino");
	expect_name("zh", "中文");
	expect_name("zh-Hans", "简体中文");
	expect_name("zh-Hant", "繁體中文");
	/* the languages both tables had before they were one */
	expect_name("tl", "Tagalog");
	expect_name("ceb", "Cebuano");
	expect_name("ilo", "Ilokano");
	expect_name("hmn", "Hmoob");
	expect_name("shn", "တႆး");
	expect_name("tet", "Tetun");
}

static void tags_match_as_bcp47_says(void **state)
{
	(void)state;
	/* case and '_' do not matter */
	expect_name("zh-hant", "繁體中文");
	expect_name("ZH_HANS", "简体中文");
	expect_name("TH", "ไทย");
	/* a region the table has is named with it; another falls back to its language */
	expect_name("zh-TW", "繁體中文");
	expect_name("zh-CN", "简体中文");
	expect_name("pt-BR", "Português (Brasil)");
	expect_name("pt-PT", "Português");
	expect_name("en-GB", "English");
	expect_name("km-KH", "ខ្មែរ");
	/* a primary subtag is matched whole: "fil" is not "fi", "ms" not "m" */
	assert_null(langname_of("fi"));
	assert_null(langname_of("m"));
	assert_null(langname_of("english"));
}

static void unknown_tags_have_no_name(void **state)
{
	(void)state;
	assert_null(langname_of("x-klingon"));
	assert_null(langname_of("qaa"));
	assert_null(langname_of(""));
	assert_null(langname_of(NULL));
}

static void tags_compare_whole_or_by_their_primary_language(void **state)
{
	(void)state;
	assert_true(langname_same_tag("zh-Hans", "zh-Hans"));
	assert_true(langname_same_tag("zh_hans", "ZH-HANS"));
	assert_false(langname_same_tag("zh-Hans", "zh-Hant"));
	assert_false(langname_same_tag("zh", "zh-Hans"));
	assert_false(langname_same_tag("en-", "en"));
	assert_true(langname_primary_is("EN-gb", "en"));
	assert_true(langname_primary_is("th", "th"));
	assert_true(langname_primary_is("fil_PH", "fil"));
	assert_false(langname_primary_is("english", "en"));
	assert_false(langname_primary_is("e", "en"));
	assert_false(langname_primary_is("", "en"));
	assert_true(langname_same_primary("zh-Hans", "ZH_tw"));
	assert_true(langname_same_primary("fil", "FIL-ph"));
	assert_true(langname_same_primary("th", "th"));
	assert_false(langname_same_primary("zh-Hans", "z"));
	assert_false(langname_same_primary("en", "eng"));
	assert_false(langname_same_primary("fil", "fi"));
	assert_false(langname_same_primary("en", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_classrooms_languages),
		cmocka_unit_test(tags_match_as_bcp47_says),
		cmocka_unit_test(unknown_tags_have_no_name),
		cmocka_unit_test(tags_compare_whole_or_by_their_primary_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

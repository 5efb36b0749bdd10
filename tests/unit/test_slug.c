/*
 * test_slug.c - the ids of headings (builder/slug.c): letters of every
 * script kept, punctuation and symbols dropped, made unique as GitHub does.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "slug.h"

/* slug_make of each cases[i][0] is cases[i][1]. */
static void expect_slugs(const char *const (*cases)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *slug = slug_make(cases[i][0]);

		assert_non_null(slug);
		if (strcmp(slug, cases[i][1]) != 0)
			fail_msg("slug_make('%s') = '%s', want '%s'", cases[i][0], slug,
			         cases[i][1]);
		free(slug);
	}
}

static void slugs_keep_letters_and_drop_punctuation(void **state)
{
	static const char *const cases[][2] = {
		{ "Safety Rules", "safety-rules" },
		{ "Hello, World!", "hello-world" },
		{ "Step 2: check the fuse (again)", "step-2-check-the-fuse-again" },
		{ "C++ & Go_lang", "c--golang" },
		{ "A - B", "a---b" },
		{ "กฎความปลอดภัย", "กฎความปลอดภัย" },
		{ "ปั๊มน้ำ ๒ ตัว", "ปั๊มน้ำ-๒-ตัว" },
		{ "安全规则（一）", "安全规则一" },
		{ "水泵：维护。", "水泵维护" },
		{ "ការថែទាំ ម៉ាស៊ីន។", "ការថែទាំ-ម៉ាស៊ីន" },
		{ "Bảo dưỡng Đường ống", "bảo-dưỡng-đường-ống" },
		{ "Tools 🔧 and parts", "tools--and-parts" },
		{ "!!!", "section" },
		{ "", "section" },
	};

	(void)state;
	expect_slugs(cases, sizeof cases / sizeof cases[0]);
}

static void cased_scripts_are_lowercased(void **state)
{
	static const char *const cases[][2] = {
		{ "ÀÉÎÕÜ Ñ", "àéîõü-ñ" },
		{ "ƠƯ ĂÂÊÔ", "ơư-ăâêô" }, /* Vietnamese with horn and breve */
		{ "ΑΒΓ Σ", "αβγ-σ" },
		{ "НАСОС Ёж", "насос-ёж" },
		{ "İstanbul", "istanbul" },
		{ "Ÿ", "ÿ" },
	};

	(void)state;
	expect_slugs(cases, sizeof cases / sizeof cases[0]);
}

static void stray_bytes_are_nobodys_letters(void **state)
{
	char *slug = slug_make("ab\xff\xfe cd\xc3");

	(void)state;
	assert_string_equal(slug, "ab-cd");
	free(slug);
	slug = slug_make(NULL);
	assert_string_equal(slug, "section");
	free(slug);
}

/* Take an id from set, keeping it to free at the end. */
static const char *take(struct slug_set *set, const char *base, char **kept, size_t *n)
{
	char *b = strdup(base), *id;

	assert_non_null(b);
	id = slug_unique(set, b);
	assert_non_null(id);
	kept[(*n)++] = id;
	return id;
}

static void ids_are_made_unique_as_github_does(void **state)
{
	struct slug_set set = { NULL, 0, 0 };
	char *kept[300];
	size_t n = 0;

	(void)state;
	assert_string_equal(take(&set, "safety", kept, &n), "safety");
	assert_string_equal(take(&set, "safety", kept, &n), "safety-1");
	assert_string_equal(take(&set, "parts", kept, &n), "parts");
	assert_string_equal(take(&set, "safety", kept, &n), "safety-2");
	/* a heading whose own text is "safety-1" takes the next free suffix */
	assert_string_equal(take(&set, "safety-1", kept, &n), "safety-1-1");
	assert_string_equal(take(&set, "safety", kept, &n), "safety-3");
	/* many ids: the table grows and keeps every one */
	for (int i = 0; i < 200; i++)
		take(&set, "step", kept, &n);
	assert_string_equal(kept[n - 1], "step-199");
	assert_non_null(slug_find(&set, "step-100")->key);
	assert_null(slug_find(&set, "step-200")->key);
	assert_null(slug_unique(&set, NULL));
	slug_set_release(&set);
	for (size_t i = 0; i < n; i++)
		free(kept[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slugs_keep_letters_and_drop_punctuation),
		cmocka_unit_test(cased_scripts_are_lowercased),
		cmocka_unit_test(stray_bytes_are_nobodys_letters),
		cmocka_unit_test(ids_are_made_unique_as_github_does),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_choose.c - which bundle of each course is served, and why each other
 * one is not (player/choose.c, format-spec/bundle-v1.md 14.4): one table of
 * folders, each item's verdict and the words of its reason.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "choose.h"

/* Two signed contents: a file's manifest digest is one of these. */
static const unsigned char content_a[DIGEST_SIZE] = { 0xa };
static const unsigned char content_b[DIGEST_SIZE] = { 0xb };

struct row {
	const char *id, *version, *path, *seen;
	const unsigned char *content;
	bool served;
	const char *reason; /* a part of the reason; NULL when served */
};

static void expect_verdicts(const struct row *rows, size_t n)
{
	struct choose_item items[8];

	assert_true(n <= 8);
	memset(items, 0, sizeof items);
	for (size_t i = 0; i < n; i++) {
		items[i].id = rows[i].id;
		items[i].version = rows[i].version;
		items[i].path = rows[i].path;
		items[i].seen = rows[i].seen;
		items[i].manifest_digest = rows[i].content;
	}
	assert_true(choose_served(items, n));
	for (size_t i = 0; i < n; i++) {
		if (items[i].served != rows[i].served)
			fail_msg("%s: served %d, want %d (%s)", rows[i].path, items[i].served,
			         rows[i].served, items[i].reason ? items[i].reason : "no reason");
		if (rows[i].served) {
			assert_null(items[i].reason);
		} else {
			assert_non_null(items[i].reason);
			if (!strstr(items[i].reason, rows[i].reason))
				fail_msg("%s: reason '%s' lacks '%s'", rows[i].path,
				         items[i].reason, rows[i].reason);
		}
		free(items[i].reason);
	}
}

static void the_highest_version_is_served(void **state)
{
	static const struct row rows[] = {
		{ "org.x", "1.2", "/stick/x-old.sampan", NULL, content_a, false,
		  "an older version (1.2) than the one served (1.10)" },
		{ "org.x", "1.10", "/stick/x-new.sampan", NULL, content_b, true, NULL },
		{ "org.y", "3", "/stick/y.sampan", NULL, content_a, true, NULL },
	};

	(void)state;
	expect_verdicts(rows, sizeof rows / sizeof rows[0]);
}

static void a_copy_is_named_and_the_first_path_served(void **state)
{
	static const struct row rows[] = {
		{ "org.x", "2", "/stick/b/x.sampan", NULL, content_a, false,
		  "a copy: version 2 is already served from x.sampan" },
		{ "org.x", "2", "/stick/a/x.sampan", NULL, content_a, true, NULL },
	};

	(void)state;
	expect_verdicts(rows, sizeof rows / sizeof rows[0]);
}

static void one_version_with_two_contents_serves_neither(void **state)
{
	static const struct row rows[] = {
		{ "org.x", "2", "/stick/x.sampan", NULL, content_a, false,
		  CHOOSE_CONFLICT ": version 2 of org.x is also in x-edited.sampan" },
		{ "org.x", "2", "/stick/x-edited.sampan", NULL, content_b, false,
		  CHOOSE_CONFLICT ": version 2 of org.x is also in x.sampan" },
		{ "org.x", "1", "/stick/x-1.sampan", NULL, content_a, false,
		  "an older version (1) than 2, which is in conflict" },
	};

	(void)state;
	expect_verdicts(rows, sizeof rows / sizeof rows[0]);
}

static void a_downgrade_is_refused_and_the_next_served(void **state)
{
	static const struct row rows[] = {
		{ "org.x", "3", "/stick/x-3.sampan", "4", content_a, false,
		  "downgrade: version 3 is older than 4, seen before" },
		{ "org.x", "2", "/stick/x-2.sampan", NULL, content_b, true, NULL },
	};

	(void)state;
	expect_verdicts(rows, sizeof rows / sizeof rows[0]);
}

static void the_same_folder_gives_the_same_verdicts_in_any_order(void **state)
{
	static const struct row forward[] = {
		{ "org.x", "2", "/a.sampan", NULL, content_a, true, NULL },
		{ "org.x", "2", "/b.sampan", NULL, content_a, false,
		  "already served from a.sampan" },
		{ "org.x", "2", "/c.sampan", NULL, content_a, false,
		  "already served from a.sampan" },
	};
	static const struct row backward[] = {
		{ "org.x", "2", "/c.sampan", NULL, content_a, false,
		  "already served from a.sampan" },
		{ "org.x", "2", "/b.sampan", NULL, content_a, false,
		  "already served from a.sampan" },
		{ "org.x", "2", "/a.sampan", NULL, content_a, true, NULL },
	};

	(void)state;
	expect_verdicts(forward, 3);
	expect_verdicts(backward, 3);
	assert_true(choose_served(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_highest_version_is_served),
		cmocka_unit_test(a_copy_is_named_and_the_first_path_served),
		cmocka_unit_test(one_version_with_two_contents_serves_neither),
		cmocka_unit_test(a_downgrade_is_refused_and_the_next_served),
		cmocka_unit_test(the_same_folder_gives_the_same_verdicts_in_any_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_path.c - joined file names and the user's folders (common/path.c). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "path.h"

static void expect_join(const char *dir, const char *name, const char *want)
{
	char *p = path_join(dir, name);

	assert_string_equal(p, want);
	free(p);
	/* The serving side's join gives the same. */
	p = path_join_try(dir, name);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
}

static void joins_with_one_slash(void **state)
{
	(void)state;
	expect_join("course", "course.yml", "course/course.yml");
	expect_join("course/", "lessons/01.md", "course/lessons/01.md");
	expect_join("/", "tmp", "/tmp");
	expect_join("", "media/pump.mp4", "media/pump.mp4");
	expect_join("lib", "", "lib/");
	expect_join("ห้องเรียน", "ปั๊ม.sampan", "ห้องเรียน/ปั๊ม.sampan");
}

static void expect_user_dir(const char *var, const char *fallback, const char *sub,
                            const char *want)
{
	char *d = path_user_dir(var, fallback, sub);

	if (!want) {
		if (d)
			fail_msg("got '%s', want none", d);
		return;
	}
	assert_non_null(d);
	assert_string_equal(d, want);
	free(d);
}

static void user_folders_follow_xdg(void **state)
{
	(void)state;
	setenv("HOME", "/home/teacher", 1);
	unsetenv("XDG_CONFIG_HOME");
	expect_user_dir("XDG_CONFIG_HOME", ".config", "trusted",
	                "/home/teacher/.config/sampan/trusted");
	expect_user_dir("XDG_CACHE_HOME", ".cache", "", "/home/teacher/.cache/sampan");
	setenv("XDG_CONFIG_HOME", "/etc/xdg-teacher", 1);
	expect_user_dir("XDG_CONFIG_HOME", ".config", "trusted", "/etc/xdg-teacher/sampan/trusted");
	/* an empty or relative XDG value is ignored, as the specification says */
	setenv("XDG_CONFIG_HOME", "", 1);
	expect_user_dir("XDG_CONFIG_HOME", ".config", "trusted",
	                "/home/teacher/.config/sampan/trusted");
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	expect_user_dir("XDG_CONFIG_HOME", ".config", "trusted",
	                "/home/teacher/.config/sampan/trusted");
	/* and without an absolute HOME there is no folder at all */
	setenv("HOME", "not/absolute", 1);
	expect_user_dir("XDG_CONFIG_HOME", ".config", "trusted", NULL);
	unsetenv("HOME");
	expect_user_dir("XDG_CACHE_HOME", ".cache", "", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(joins_with_one_slash),
		cmocka_unit_test(user_folders_follow_xdg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

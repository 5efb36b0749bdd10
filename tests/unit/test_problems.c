/*
 * test_problems.c - the problem list of check and build: counts, the sort
 * order and the printed shape `PROGRAM: FILE:LINE[:COL]: LEVEL: MESSAGE`
 * (builder/problems.c).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "problems.h"

/* What problems_print writes, malloc'd. */
static char *printed(const struct problems *p, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	problems_print(p, f, color);
	fclose(f);
	return buf;
}

static void test_add_counts_levels(void **state)
{
	struct problems p;

	(void)state;
	problems_init(&p);
	problems_add(&p, PROBLEM_ERROR, "a.md", 3, 0, "link to '%s': no such file", "x.png");
	problems_add(&p, PROBLEM_WARNING, "media/b.png", 0, 0, "not used by any lesson");
	problems_add(&p, PROBLEM_ERROR, "course.yml", 2, 5, "bad %d", 42);
	assert_int_equal(p.count, 3);
	assert_int_equal(p.errors, 2);
	assert_int_equal(p.warnings, 1);
	assert_string_equal(p.v[0].message, "link to 'x.png': no such file");
	assert_string_equal(p.v[2].message, "bad 42");
	assert_int_equal(p.v[2].col, 5);
	problems_release(&p);
	assert_int_equal(p.count, 0);
	assert_null(p.v);
}

static void test_sort_file_line_col_message(void **state)
{
	struct problems p;

	(void)state;
	problems_init(&p);
	problems_add(&p, PROBLEM_ERROR, "lessons/02.md", 1, 0, "z");
	problems_add(&p, PROBLEM_ERROR, "lessons/01.md", 10, 0, "b");
	problems_add(&p, PROBLEM_WARNING, "lessons/01.md", 9, 0, "c");
	problems_add(&p, PROBLEM_ERROR, "lessons/01.md", 10, 0, "a");
	problems_add(&p, PROBLEM_ERROR, "course.yml", 4, 7, "x");
	problems_add(&p, PROBLEM_ERROR, "course.yml", 4, 2, "y");
	problems_add(&p, PROBLEM_ERROR, "course.yml", 0, 0, "whole file");
	problems_sort(&p);
	assert_string_equal(p.v[0].message, "whole file");
	assert_string_equal(p.v[1].message, "y");
	assert_string_equal(p.v[2].message, "x");
	assert_string_equal(p.v[3].message, "c");
	assert_string_equal(p.v[4].message, "a");
	assert_string_equal(p.v[5].message, "b");
	assert_string_equal(p.v[6].file, "lessons/02.md");
	problems_release(&p);
}

static void test_sort_is_stable(void **state)
{
	struct problems p;

	(void)state;
	problems_init(&p);
	/* Same place and message: an error and a warning keep the order they were added in. */
	problems_add(&p, PROBLEM_WARNING, "b", 1, 0, "same");
	problems_add(&p, PROBLEM_ERROR, "a", 1, 0, "x");
	problems_add(&p, PROBLEM_ERROR, "b", 1, 0, "same");
	problems_sort(&p);
	assert_string_equal(p.v[0].file, "a");
	assert_int_equal(p.v[1].level, PROBLEM_WARNING);
	assert_int_equal(p.v[2].level, PROBLEM_ERROR);
	problems_release(&p);
}

static void test_print_shapes(void **state)
{
	struct problems p;
	const char *saved = cli_program;
	char *out;

	(void)state;
	cli_program = "sampan-build";
	problems_init(&p);
	problems_add(&p, PROBLEM_ERROR, "lessons/02.md", 14, 0,
	             "link to 'media/pump.mp4': no such file");
	problems_add(&p, PROBLEM_ERROR, "course.yml", 3, 9, "mapping values are not allowed here");
	problems_add(&p, PROBLEM_WARNING, "media/x.png", 0, 0, "not used by any lesson");
	out = printed(&p, false);
	assert_string_equal(out,
	                    "sampan-build: lessons/02.md:14: error: link to 'media/pump.mp4': no "
	                    "such file\n"
	                    "sampan-build: course.yml:3:9: error: mapping values are not allowed "
	                    "here\n"
	                    "sampan-build: media/x.png: warning: not used by any lesson\n");
	free(out);
	out = printed(&p, true);
	assert_non_null(strstr(out, "lessons/02.md:14: \033[1;31merror\033[0m: link"));
	assert_non_null(strstr(out, "media/x.png: \033[1;35mwarning\033[0m: not used"));
	free(out);
	problems_release(&p);
	cli_program = saved;
}

static void test_print_escapes_hostile_names(void **state)
{
	struct problems p;
	char *out;

	(void)state;
	problems_init(&p);
	problems_add(&p, PROBLEM_ERROR, "media/\033[2Jx\xff.png", 0, 0, "name '%s'", "a\nb");
	out = printed(&p, false);
	assert_non_null(strstr(out, "media/\\x1B[2Jx\\xFF.png: error: name 'a\\x0Ab'\n"));
	assert_null(strchr(out, '\033'));
	free(out);
	problems_release(&p);
}

static void test_print_keeps_utf8(void **state)
{
	struct problems p;
	char *out;

	(void)state;
	problems_init(&p);
	problems_add(&p, PROBLEM_WARNING, "media/ปั๊ม.png", 2, 0, "ภาพ");
	out = printed(&p, false);
	assert_non_null(strstr(out, "media/ปั๊ม.png:2: warning: ภาพ\n"));
	free(out);
	problems_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_counts_levels),
		cmocka_unit_test(test_sort_file_line_col_message),
		cmocka_unit_test(test_sort_is_stable),
		cmocka_unit_test(test_print_shapes),
		cmocka_unit_test(test_print_escapes_hostile_names),
		cmocka_unit_test(test_print_keeps_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

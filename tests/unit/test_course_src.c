/*
 * test_course_src.c - a course source folder listed as the builder sees it
 * (builder/course_src.c): its files, and every name, type and size that
 * would break in a bundle or on a USB stick reported at its file.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "course_src.h"
#include "problems.h"
#include "tu_course.h"

static const char ok_yml[] = "id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
                             "publisher: {name: Me}\nlicence: CC0-1.0\n"
                             "lessons: [lessons/01-safety.md, lessons/02-parts.md]\n";

static void test_symlinks_and_special_files(void **state)
{
	struct course_src c;
	struct problems p;
	char *link, *fifo;

	(void)state;
	tu_course_fresh(ok_yml);
	tu_dir_put("media/real.png", "x");
	link = tu_path(tu_dir, "media/link.png");
	assert_int_equal(symlink("real.png", link), 0);
	free(link);
	link = tu_path(tu_dir, "linked-folder");
	assert_int_equal(symlink("media", link), 0);
	free(link);
	fifo = tu_path(tu_dir, "media/pipe");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	free(fifo);
	problems_init(&p);
	assert_true(course_src_load(tu_dir, &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "media/link.png", 0,
	                "a symbolic link: bundles hold regular files only");
	tu_problem_find(&p, PROBLEM_ERROR, "linked-folder", 0, "a symbolic link");
	tu_problem_find(&p, PROBLEM_ERROR, "media/pipe", 0, "not a regular file");
	assert_int_equal(p.errors, 3);
	assert_null(course_src_file(&c, "media/link.png"));
	assert_non_null(course_src_file(&c, "media/real.png"));
	course_src_release(&c);
	problems_release(&p);
}

static void test_names_that_break(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	tu_course_fresh(ok_yml);
	tu_dir_put("media/a:b.png", "x");
	tu_dir_put("media/CON.png", "x");
	tu_dir_put("media/trailing. ", "x");
	tu_dir_put("media/Pump.png", "x");
	tu_dir_put("media/pump.png", "x");
	tu_dir_put("media/why?.png", "x");
	tu_dir_put("media/e\xcc\x81.png", "x"); /* decomposed: not NFC */
	tu_dir_put("index.html", "x");
	tu_dir_put("_sampan/style.css", "x");
	tu_dir_put("mimetype", "x");
	tu_dir_put("lessons/02-parts.html", "x");
	tu_dir_put("Lessons/01-Safety.md", "x");
	tu_dir_put("media/fine-name ok.png", "x");
	problems_init(&p);
	assert_true(course_src_load(tu_dir, &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "media/a:b.png", 0,
	                "name not allowed in a bundle: forbidden character ':'");
	tu_problem_find(&p, PROBLEM_ERROR, "media/CON.png", 0,
	                "'CON' is a reserved device name on Windows");
	tu_problem_find(&p, PROBLEM_ERROR, "media/trailing. ", 0, "ends with a dot or a space");
	tu_problem_find(&p, PROBLEM_ERROR, "media/why?.png", 0, "forbidden character '?'");
	tu_problem_find(&p, PROBLEM_ERROR, "media/e\xcc\x81.png", 0, "Normalization Form C");
	tu_problem_find(&p, PROBLEM_ERROR, "media/pump.png", 0,
	                "same name as 'media/Pump.png' on a case-insensitive disk");
	tu_problem_find(&p, PROBLEM_ERROR, "index.html", 0, "home page");
	tu_problem_find(&p, PROBLEM_ERROR, "_sampan/style.css", 0,
	                "reserved for the builder's own files");
	tu_problem_find(&p, PROBLEM_ERROR, "mimetype", 0, "reserved");
	tu_problem_find(&p, PROBLEM_ERROR, "lessons/02-parts.html", 0,
	                "page the builder makes from lesson 'lessons/02-parts.md'");
	tu_problem_find(&p, PROBLEM_ERROR, "lessons/01-safety.md", 0,
	                "same name as 'Lessons/01-Safety.md'");
	assert_int_equal(p.errors, 11);
	course_src_release(&c);
	problems_release(&p);
}

static void test_lesson_page_takes_the_home_page(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	tu_course_fresh("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\npublisher: {name: Me}\n"
	                "licence: CC0-1.0\nlessons: [index.md]\n");
	tu_dir_put("index.md", "# Home\n");
	problems_init(&p);
	course_src_load(tu_dir, &c, &p);
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 7, "its page 'index.html' would replace");
	course_src_release(&c);
	problems_release(&p);
}

static void test_sizes_over_4gib(void **state)
{
	struct course_src c;
	struct problems p;
	char *path;
	FILE *f;

	(void)state;
	tu_course_fresh(ok_yml);
	/* Sparse files: no disk space used. */
	tu_dir_put("media/small.png", "x");
	path = tu_path(tu_dir, "media/big.mp4");
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)0x100000000ll), 0);
	fclose(f);
	free(path);
	path = tu_path(tu_dir, "media/almost.mp4");
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)0xFFFFFFFFll), 0);
	fclose(f);
	free(path);
	problems_init(&p);
	assert_true(course_src_load(tu_dir, &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "media/big.mp4", 0, "larger than 4 GiB");
	tu_problem_find(&p, PROBLEM_WARNING, "course.yml", 0,
	                "does not fit in one file on a FAT32 USB stick");
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.warnings, 1);
	assert_true(c.total_size > 0x1FFFFFFFFull);
	course_src_release(&c);
	problems_release(&p);
}

static void test_not_a_folder(void **state)
{
	struct course_src c;
	struct problems p;
	char *path;

	(void)state;
	tu_course_fresh(ok_yml);
	path = tu_path(tu_dir, "course.yml");
	problems_init(&p);
	assert_false(course_src_load(path, &c, &p));
	assert_int_equal(p.errors, 1);
	assert_non_null(strstr(p.v[0].message, "not a folder"));
	course_src_release(&c);
	problems_release(&p);
	free(path);
}

static void files_are_listed_sorted_without_hidden_ones_or_course_yml(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	tu_course_fresh(ok_yml);
	tu_dir_put("media/b.png", "bb");
	tu_dir_put("media/a.png", "a");
	tu_dir_put(".git/config", "x");
	tu_dir_put("media/.hidden.png", "x");
	problems_init(&p);
	assert_true(course_src_load(tu_dir, &c, &p));
	assert_int_equal(p.errors, 0);
	/* course.yml itself is no file of the bundle */
	assert_int_equal(c.files_count, 4);
	assert_string_equal(c.files[0].path, "lessons/01-safety.md");
	assert_string_equal(c.files[1].path, "lessons/02-parts.md");
	assert_string_equal(c.files[2].path, "media/a.png");
	assert_string_equal(c.files[3].path, "media/b.png");
	assert_int_equal(c.files[3].size, 2);
	assert_null(course_src_file(&c, "course.yml"));
	assert_non_null(course_src_file(&c, "media/a.png"));
	assert_null(course_src_file(&c, "media/.hidden.png"));
	assert_null(course_src_file(&c, "media/c.png"));
	assert_non_null(course_src_lesson_by_file(&c, "lessons/02-parts.md"));
	assert_null(course_src_lesson_by_file(&c, "media/a.png"));
	course_src_release(&c);
	problems_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(files_are_listed_sorted_without_hidden_ones_or_course_yml),
		cmocka_unit_test(test_symlinks_and_special_files),
		cmocka_unit_test(test_names_that_break),
		cmocka_unit_test(test_lesson_page_takes_the_home_page),
		cmocka_unit_test(test_sizes_over_4gib),
		cmocka_unit_test(test_not_a_folder),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}

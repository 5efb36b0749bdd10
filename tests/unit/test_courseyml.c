/*
 * test_courseyml.c - course.yml read into a course source: every key, its
 * problems at their line and column, hostile YAML (builder/courseyml.c).
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "course_src.h"
#include "problems.h"
#include "tu_course.h"

static const char full_yml[] =
        "# A full course.yml\n"
        "id: org.example.pump-maintenance\n"
        "version: 1.10\n"
        "language: th\n"
        "title:\n"
        "  th: การบำรุงรักษาปั๊มน้ำ\n"
        "  en: Water pump maintenance\n"
        "description: {th: ดูแลปั๊ม, en: Keep a pump running}\n"
        "publisher: {name: Example TVET College, contact: media@example.org}\n"
        "licence: CC-BY-SA-4.0\n"
        "level: beginner\n"
        "subjects: [mechanics, water]\n"
        "allow_html: yes\n"
        "lessons:\n"
        "  - lessons/01-safety.md\n"
        "  - file: lessons/02-parts.md\n"
        "    id: parts\n"
        "    language: en\n"
        "    title: {th: ชิ้นส่วน, en: Parts}\n";

static bool load(const char *yml, struct course_src *c, struct problems *p)
{
	tu_course_fresh(yml);
	problems_init(p);
	return course_src_load(tu_dir, c, p);
}

static void test_full_course(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	tu_course_fresh(full_yml);
	tu_dir_put("media/pump.mp4", "0123456789");
	tu_dir_put(".git/config", "hidden");
	tu_dir_put("media/.DS_Store", "hidden");
	tu_dir_put("lessons/course.yml", "not the course's");
	problems_init(&p);
	assert_true(course_src_load(tu_dir, &c, &p));
	if (p.count)
		tu_problems_dump(&p);
	assert_int_equal(p.count, 0);
	assert_string_equal(c.id, "org.example.pump-maintenance");
	assert_string_equal(c.version, "1.10");
	assert_string_equal(c.language, "th");
	assert_int_equal(c.languages_count, 2);
	assert_string_equal(c.languages[0], "th");
	assert_string_equal(c.languages[1], "en");
	assert_string_equal(course_text_get(&c.title, "en", "th"), "Water pump maintenance");
	assert_string_equal(course_text_get(&c.title, "fr", "th"), "การบำรุงรักษาปั๊มน้ำ");
	assert_string_equal(course_text_get(&c.description, "en", "th"), "Keep a pump running");
	assert_string_equal(c.publisher_name, "Example TVET College");
	assert_string_equal(c.publisher_contact, "media@example.org");
	assert_string_equal(c.licence, "CC-BY-SA-4.0");
	assert_string_equal(c.level, "beginner");
	assert_int_equal(c.subjects_count, 2);
	assert_string_equal(c.subjects[1], "water");
	assert_true(c.allow_html);
	assert_int_equal(c.lessons_count, 2);
	assert_string_equal(c.lessons[0].id, "01-safety");
	assert_string_equal(c.lessons[0].file, "lessons/01-safety.md");
	assert_string_equal(c.lessons[0].page, "lessons/01-safety.html");
	assert_string_equal(c.lessons[0].language, "th");
	assert_int_equal(c.lessons[0].title.count, 0);
	assert_int_equal(c.lessons[0].line, 15);
	assert_string_equal(c.lessons[1].id, "parts");
	assert_string_equal(c.lessons[1].language, "en");
	assert_string_equal(course_text_get(&c.lessons[1].title, "en", "th"), "Parts");
	assert_int_equal(c.lessons[1].line, 16);
	/* Files: sorted, hidden ones and the top course.yml left out. */
	assert_int_equal(c.files_count, 4);
	assert_string_equal(c.files[0].path, "lessons/01-safety.md");
	assert_string_equal(c.files[1].path, "lessons/02-parts.md");
	assert_string_equal(c.files[2].path, "lessons/course.yml");
	assert_string_equal(c.files[3].path, "media/pump.mp4");
	assert_int_equal(c.files[3].size, 10);
	assert_int_equal(c.total_size, 9 + 8 + 16 + 10);
	assert_ptr_equal(course_src_file(&c, "media/pump.mp4"), &c.files[3]);
	assert_null(course_src_file(&c, "media/pump.MP4"));
	assert_ptr_equal(course_src_lesson_by_file(&c, "lessons/02-parts.md"), &c.lessons[1]);
	assert_null(course_src_lesson_by_file(&c, "media/pump.mp4"));
	course_src_release(&c);
	problems_release(&p);
}

static void test_minimal_defaults(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	assert_true(
	        load("id: x\nversion: '1'\nlanguage: en\ntitle: Pumps\n"
	             "publisher: {name: Me}\nlicence: CC0-1.0\nlessons: [lessons/01-safety.md]\n",
	             &c, &p));
	assert_int_equal(p.count, 0);
	/* A plain title is in the course's language; languages default to the title's. */
	assert_string_equal(course_text_get(&c.title, "en", NULL), "Pumps");
	assert_int_equal(c.languages_count, 1);
	assert_string_equal(c.languages[0], "en");
	assert_false(c.allow_html);
	assert_null(c.publisher_contact);
	assert_null(c.level);
	assert_int_equal(c.subjects_count, 0);
	course_src_release(&c);
	problems_release(&p);
}

static void test_syntax_error_line_and_column(void **state)
{
	struct course_src c;
	struct problems p;
	const struct problem *pr;

	(void)state;
	assert_false(load("id: x\nversion: 1\ntitle: a: b\n", &c, &p));
	pr = tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 3, "mapping values are not allowed");
	assert_int_equal(pr->col, 9);
	course_src_release(&c);
	problems_release(&p);

	assert_false(load("id: x\nlessons:\n  - a.md\n - b.md\n", &c, &p));
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.v[0].line, 4);
	assert_true(p.v[0].col > 0);
	course_src_release(&c);
	problems_release(&p);

	assert_false(load("id: x\ntitle:\n\tth: y\n", &c, &p));
	pr = tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 3, "tabs");
	assert_int_equal(pr->col, 1);
	course_src_release(&c);
	problems_release(&p);
}

static void test_required_keys(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	assert_false(load("title: {en: x}\n", &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "missing required key 'id'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "missing required key 'version'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "missing required key 'language'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "missing required key 'publisher'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "missing required key 'licence'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "missing required key 'lessons'");
	course_src_release(&c);
	problems_release(&p);

	assert_false(load("", &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "empty");
	course_src_release(&c);
	problems_release(&p);

	assert_false(load("- a\n- b\n", &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 1, "must be a mapping");
	course_src_release(&c);
	problems_release(&p);

	assert_false(load(NULL, &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 0, "no such file");
	/* Not a course: its files are not listed. */
	assert_int_equal(c.files_count, 0);
	course_src_release(&c);
	problems_release(&p);
}

#define BASE_TAIL "publisher: {name: Me}\nlicence: CC0-1.0\nlessons: [lessons/01-safety.md]\n"

static void test_invalid_values(void **state)
{
	struct course_src c;
	struct problems p;
	const struct problem *pr;

	(void)state;
	assert_false(load("id: Org.Example\n"
	                  "version: 1.02\n"
	                  "language: EN\n"
	                  "title: {en: x}\n" BASE_TAIL,
	                  &c, &p));
	pr = tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 1,
	                     "id 'Org.Example' is not a course id");
	assert_int_equal(pr->col, 5);
	pr = tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 2, "version '1.02' is not a version");
	assert_int_equal(pr->col, 10);
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 3, "language 'EN' is not a language tag");
	course_src_release(&c);
	problems_release(&p);

	assert_false(load("id: x\nversion: '1'\nlanguage: th\n"
	                  "title: {en: Pumps}\n" BASE_TAIL,
	                  &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 4, "'title' has no text in 'th'");
	course_src_release(&c);
	problems_release(&p);

	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a, EN: b}\n"
	                 "languages: [en]\nallow_html: maybe\n" BASE_TAIL,
	                 &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 4, "'EN' is not a language tag");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 5, "'languages' does not include 'th'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 6,
	                "'allow_html' is 'maybe', not true or false");
	course_src_release(&c);
	problems_release(&p);

	assert_false(
	        load("id: [a, b]\nversion: '1'\nlanguage: th\ntitle: {th: a}\n" BASE_TAIL, &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 1, "'id' must be text, not a list");
	course_src_release(&c);
	problems_release(&p);
}

static void test_unknown_and_duplicate_keys(void **state)
{
	struct course_src c;
	struct problems p;
	const struct problem *pr;

	(void)state;
	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                 "publisher: {name: Me, phone: 1}\nlicense: CC0-1.0\nlicence: CC0-1.0\n"
	                 "colour: blue\nlessons: [lessons/01-safety.md]\n",
	                 &c, &p));
	pr = tu_problem_find(&p, PROBLEM_WARNING, "course.yml", 8, "unknown key 'colour'");
	assert_int_equal(pr->col, 1);
	tu_problem_find(&p, PROBLEM_WARNING, "course.yml", 6, "did you mean 'licence'?");
	tu_problem_find(&p, PROBLEM_WARNING, "course.yml", 5, "unknown key 'phone' in 'publisher'");
	assert_int_equal(p.errors, 0);
	course_src_release(&c);
	problems_release(&p);

	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\nid: y\n" BASE_TAIL, &c,
	                 &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 5, "duplicate key 'id'");
	assert_string_equal(c.id, "x");
	course_src_release(&c);
	problems_release(&p);
}

static void test_lesson_problems(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                 "publisher: {name: Me}\nlicence: CC0-1.0\n"
	                 "lessons:\n"
	                 "  - lessons/01-safety.md\n" /* 8 */
	                 "  - lessons/01-safety.md\n" /* 9: twice */
	                 "  - lessons/03-Intro.md\n" /* 10: id from the name */
	                 "  - lessons/notes.txt\n" /* 11: not .md */
	                 "  - ../outside.md\n" /* 12: not a valid name */
	                 "  - {file: lessons/02-parts.md, id: 01-safety, colour: red}\n" /* 13 */
	                 "  - {id: lonely}\n" /* 14: no file */
	                 "  - {file: lessons/04.md, id: Bad!, language: english,"
	                 " title: {en: Four}}\n" /* 15 */
	                 "  - [a, b]\n", /* 16 */
	                 &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 9, "listed twice (first at line 8)");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 10,
	                "lesson id '03-Intro' (the file's name) is not valid");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 11, "not a Markdown file");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 12,
	                "lesson '../outside.md': '.' or '..' path segment");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 13, "two lessons have the id '01-safety'");
	tu_problem_find(&p, PROBLEM_WARNING, "course.yml", 13, "unknown key 'colour' in a lesson");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 14, "lesson without 'file'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 15, "lesson id 'Bad!' is not valid");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 15,
	                "language 'english' is not a language tag");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 15, "'title' has no text in 'th'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 16,
	                "a lesson is a file name or a mapping");
	assert_int_equal(c.lessons_count, 4);
	course_src_release(&c);
	problems_release(&p);

	assert_false(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                  "publisher: {name: Me}\nlicence: CC0-1.0\nlessons: []\n",
	                  &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 7, "'lessons' is empty");
	course_src_release(&c);
	problems_release(&p);
}

static void test_teacher_pages(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	tu_course_fresh("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                "publisher: {name: Me}\nlicence: CC0-1.0\n"
	                "lessons:\n"
	                "  - lessons/01-safety.md\n" /* 8 */
	                "  - {file: lessons/02-parts.md, id: parts}\n" /* 9 */
	                "teacher:\n"
	                "  - notes/timing.md\n" /* 11 */
	                "  - file: notes/answers.md\n" /* 12 */
	                "    lesson: parts\n"
	                "    title: {th: คำตอบ, en: Answers}\n");
	tu_dir_put("lessons/01-safety.md", "# a\n");
	tu_dir_put("lessons/02-parts.md", "# b\n");
	tu_dir_put("notes/timing.md", "# Timing\n");
	tu_dir_put("notes/answers.md", "# Answers\n");
	problems_init(&p);
	assert_true(course_src_load(tu_dir, &c, &p));
	if (p.count)
		tu_problems_dump(&p);
	assert_int_equal(p.count, 0);
	assert_int_equal(c.lessons_count, 2);
	assert_int_equal(c.teachers_count, 2);
	assert_string_equal(c.teachers[0].file, "notes/timing.md");
	assert_string_equal(c.teachers[0].page, "teacher/notes/timing.html");
	assert_true(c.teachers[0].teacher);
	assert_false(c.lessons[0].teacher);
	assert_null(c.teachers[0].lesson);
	assert_string_equal(c.teachers[0].language, "th");
	assert_int_equal(c.teachers[0].line, 11);
	assert_string_equal(c.teachers[1].page, "teacher/notes/answers.html");
	assert_string_equal(c.teachers[1].lesson, "parts");
	assert_string_equal(course_text_get(&c.teachers[1].title, "en", "th"), "Answers");
	assert_int_equal(c.teachers[1].line, 12);
	assert_ptr_equal(course_src_teacher_by_file(&c, "notes/answers.md"), &c.teachers[1]);
	assert_null(course_src_teacher_by_file(&c, "lessons/01-safety.md"));
	assert_null(course_src_lesson_by_file(&c, "notes/answers.md"));
	course_src_release(&c);
	problems_release(&p);

	/* No teacher pages: an empty or absent list is no problem. */
	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                 "publisher: {name: Me}\nlicence: CC0-1.0\n"
	                 "lessons: [a.md]\nteacher:\n",
	                 &c, &p));
	assert_int_equal(c.teachers_count, 0);
	assert_int_equal(p.errors, 0);
	course_src_release(&c);
	problems_release(&p);
}

static void test_teacher_page_problems(void **state)
{
	struct course_src c;
	struct problems p;

	(void)state;
	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                 "publisher: {name: Me}\nlicence: CC0-1.0\n"
	                 "lessons:\n"
	                 "  - lessons/01-safety.md\n" /* 8 */
	                 "  - lessons/Parts.md\n" /* 9 */
	                 "teacher:\n"
	                 "  - notes/a.md\n" /* 11 */
	                 "  - notes/a.md\n" /* 12: twice */
	                 "  - lessons/01-safety.md\n" /* 13: also a lesson */
	                 "  - lessons/parts.md\n" /* 14: the notes page of Parts.md */
	                 "  - notes/A.md\n" /* 15: a.md's page on FAT32 */
	                 "  - {file: notes/b.md, lesson: nosuch, id: b}\n" /* 16 */
	                 "  - {file: notes/c.txt}\n" /* 17 */
	                 "  - {title: lonely}\n" /* 18 */
	                 "  - {file: notes/d.md, title: {en: D}}\n", /* 19 */
	                 &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 12,
	                "teacher page 'notes/a.md' is listed twice (first at line 11)");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 13,
	                "teacher page 'lessons/01-safety.md' is also a lesson (line 8)");
	tu_problem_find(
	        &p, PROBLEM_ERROR, "course.yml", 14,
	        "teacher page 'lessons/parts.md': its page 'teacher/lessons/parts.html' has "
	        "the name of the instructor-notes page of lesson 'lessons/Parts.md' "
	        "(line 9)");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 15,
	                "teacher page 'notes/A.md': its page 'teacher/notes/A.html' has the same "
	                "name as teacher page 'notes/a.md''s (line 11)");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 16,
	                "'lesson' is 'nosuch', which is no lesson's id");
	tu_problem_find(&p, PROBLEM_WARNING, "course.yml", 16,
	                "unknown key 'id' in a teacher page");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 17,
	                "teacher page 'notes/c.txt': not a Markdown file");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 18, "teacher page without 'file'");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 19, "'title' has no text in 'th'");
	course_src_release(&c);
	problems_release(&p);

	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                 "publisher: {name: Me}\nlicence: CC0-1.0\nlessons: [a.md]\n"
	                 "teacher: notes.md\n",
	                 &c, &p));
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 8,
	                "'teacher' must be a list of teacher pages' files, not text");
	course_src_release(&c);
	problems_release(&p);
}

static void test_languages_and_documents(void **state)
{
	struct course_src c;
	struct problems p;
	const struct problem *pr;

	(void)state;
	assert_true(load("id: x\nversion: '1'\nlanguage: th\ntitle: {th: a}\n"
	                 "languages:\n  - th\n  - en\n  - EN-x\n  - en\n" BASE_TAIL "---\nid: y\n",
	                 &c, &p));
	pr = tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 8, "'EN-x' is not a language tag");
	assert_int_equal(pr->col, 5);
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 9, "'languages': 'en' given twice");
	tu_problem_find(&p, PROBLEM_WARNING, "course.yml", 14, "a second YAML document");
	assert_int_equal(p.count, 3);
	assert_int_equal(c.languages_count, 4);
	course_src_release(&c);
	problems_release(&p);
}

/* A hostile course.yml is slow for nobody: duplicate keys and lessons are bounded. */
static void test_hostile_yml(void **state)
{
	size_t cap = 16u << 20, n = 0;
	char *yml = malloc(cap);
	struct course_src c;
	struct problems p;

	(void)state;
	assert_non_null(yml);
	n += (size_t)snprintf(yml + n, cap - n,
	                      "version: '1'\nlanguage: th\ntitle: {th: a}\n"
	                      "publisher: {name: Me}\nlicence: CC0-1.0\n");
	for (int i = 0; i < 30000; i++)
		n += (size_t)snprintf(yml + n, cap - n, "id: x\n");
	n += (size_t)snprintf(yml + n, cap - n, "lessons:\n");
	for (int i = 0; i < 12000; i++)
		n += (size_t)snprintf(yml + n, cap - n, "  - l/%d.md\n", i);
	assert_true(load(yml, &c, &p));
	assert_int_equal(c.lessons_count, 10000);
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 30000 + 5 + 1 + 10000 + 1,
	                "more than 10000 lessons");
	tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 7, "duplicate key 'id'");
	assert_int_equal(p.errors, 29999 + 1);
	course_src_release(&c);
	problems_release(&p);
	free(yml);
}

static void test_invalid_utf8_in_yml(void **state)
{
	struct course_src c;
	struct problems p;
	const struct problem *pr;

	(void)state;
	assert_false(load("id: x\nversion: '1'\ntitle: {th: ab\xe0\xb8}\n", &c, &p));
	pr = tu_problem_find(&p, PROBLEM_ERROR, "course.yml", 3, "invalid UTF-8");
	assert_int_equal(pr->col, 15);
	course_src_release(&c);
	problems_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_course),
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_syntax_error_line_and_column),
		cmocka_unit_test(test_required_keys),
		cmocka_unit_test(test_invalid_values),
		cmocka_unit_test(test_unknown_and_duplicate_keys),
		cmocka_unit_test(test_lesson_problems),
		cmocka_unit_test(test_teacher_pages),
		cmocka_unit_test(test_teacher_page_problems),
		cmocka_unit_test(test_languages_and_documents),
		cmocka_unit_test(test_hostile_yml),
		cmocka_unit_test(test_invalid_utf8_in_yml),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}

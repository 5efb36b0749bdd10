/*
 * course_src.h - a course source folder as the builder sees it: course.yml,
 * the lessons in reading order, and every file under the folder
 * (format-spec/course-source.md).
 *
 * course_src_load reads course.yml (libyaml, in courseyml.c) and lists the
 * files; every problem it finds goes to a struct problems with its file and
 * line, and loading goes on as far as it can, so that `check` reports
 * everything at once.
 */
#ifndef SAMPAN_BUILDER_COURSE_SRC_H
#define SAMPAN_BUILDER_COURSE_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "course.h"
#include "problems.h"

#define COURSE_SRC_YML "course.yml"
#define COURSE_SRC_ASSETS "_sampan" /* reserved folder for the builder's own files */

struct src_lesson {
	char *id; /* course.yml `id`, else the file's name without .md */
	char *file; /* path of the Markdown source, relative to the course folder */
	char *page; /* path of its page in the bundle: file with .md replaced by .html */
	char *language; /* the lesson's, else the course's */
	/* from course.yml, in its order; may be empty (the page's first heading is used) */
	struct course_text title;
	unsigned line; /* line of course.yml that lists it */
	/* teacher pages (course.yml `teacher`): page is under teacher/ */
	bool teacher;
	char *lesson; /* teacher pages: the id of the lesson it goes with, or NULL */
};

struct src_file {
	char *path; /* relative, '/'-separated, as it will be named in the bundle */
	uint64_t size;
};

struct course_src {
	char *root; /* the folder on disk */
	char *id;
	char *version;
	char *language;
	char **languages; /* course.yml `languages`, else the title's languages, main first */
	size_t languages_count;
	struct course_text title; /* in course.yml's order (course.h's text, as in course.json) */
	struct course_text description;
	char *publisher_name;
	char *publisher_contact; /* or NULL */
	char *licence;
	char *level; /* or NULL */
	char **subjects;
	size_t subjects_count;
	bool allow_html; /* course.yml `allow_html: true` keeps raw HTML in lessons */
	struct src_lesson *lessons;
	size_t lessons_count;
	/* course.yml `teacher`: pages for the teacher alone, in its order */
	struct src_lesson *teachers;
	size_t teachers_count;
	struct src_file *files; /* every regular file, sorted by path; hidden files left out */
	size_t files_count;
	uint64_t total_size; /* of all files */
};

/*
 * Load the course in folder root.  Returns false when the course cannot be
 * built at all (no course.yml, YAML syntax error, a required key missing);
 * every problem, fatal or not, is in p.  Free with course_src_release.
 */
bool course_src_load(const char *root, struct course_src *c, struct problems *p);
void course_src_release(struct course_src *c);
/* What one lesson or teacher page owns. */
void src_lesson_release(struct src_lesson *l);

/* The file with that relative path, or NULL. */
const struct src_file *course_src_file(const struct course_src *c, const char *path);

/* The lesson whose Markdown file has that relative path, or NULL. */
const struct src_lesson *course_src_lesson_by_file(const struct course_src *c, const char *path);

/* The teacher page whose Markdown file has that relative path, or NULL. */
const struct src_lesson *course_src_teacher_by_file(const struct course_src *c, const char *path);

#endif

/*
 * course.h - META-INF/course.json, the course's metadata (format-spec/
 * bundle-v1.md, "META-INF/course.json"), parsed with jansson (the only
 * bundle file that includes <jansson.h>).
 */
#ifndef SAMPAN_BUNDLE_COURSE_H
#define SAMPAN_BUNDLE_COURSE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Text in several languages: lang[i] -> text[i]. */
struct course_text {
	size_t count;
	char **lang;
	char **text;
};

struct course_lesson {
	char *id;
	struct course_text title;
	char *page; /* entry name */
	char *source; /* entry name, or NULL */
	char *language; /* never NULL: the lesson's or the course's */
};

/*
 * A teacher page (format-spec/bundle-v1.md 11.7): an entry under teacher/,
 * served only to the class's teacher.
 */
struct course_teacher {
	struct course_text title;
	char *page; /* entry name, under teacher/ */
	char *lesson; /* the id of the lesson it accompanies, or NULL */
};

/* The folder of teacher entries, "teacher/": no student is served what is in it. */
#define COURSE_TEACHER_DIR "teacher/"

/* Whether an entry name lies in the teacher folder. */
bool course_is_teacher_entry(const char *name);

struct course {
	char *id;
	char *version;
	char *language;
	char **languages;
	size_t languages_count;
	struct course_text title;
	struct course_text description;
	char *publisher_name;
	char *publisher_contact; /* or NULL */
	char *licence;
	char *level; /* or NULL */
	char **subjects;
	size_t subjects_count;
	char *start; /* entry name */
	char *search; /* entry name, or NULL */
	char *created; /* or NULL; informational */
	struct course_lesson *lessons;
	size_t lessons_count;
	struct course_teacher *teacher; /* teacher pages, in order; NULL when none */
	size_t teacher_count;
};

/*
 * Parse and validate course.json (len bytes, at most 4 MiB).  Everything
 * but entry existence is checked here (RULE_COURSE_INVALID).  Free *c with
 * course_free.
 */
enum bundle_status course_parse(const char *json, size_t len, struct course **c,
                                struct bundle_error *err);

/*
 * Check what the course says against its bundle: id and version equal the
 * manifest's, every entry it names exists (exists() answers) and lies
 * outside META-INF/ (but `search`).  RULE_COURSE_INVALID.
 */
enum bundle_status course_check(const struct course *c, const char *id, const char *version,
                                bool (*exists)(void *ctx, const char *name), void *ctx,
                                struct bundle_error *err);

/*
 * course.json text for c (UTF-8, keys sorted, two-space indentation, a final
 * newline): the same course gives the same bytes.  c must be valid (the
 * result is parsed back and checked: RULE_COURSE_INVALID otherwise).
 * *out is malloc'd.
 */
enum bundle_status course_format(const struct course *c, char **out, size_t *out_len,
                                 struct bundle_error *err);

/* The text in lang, else in the course's main language, else the first; NULL if none. */
const char *course_text_get(const struct course_text *t, const char *lang, const char *main_lang);

/* Free what t holds and empty it (count 0), ready to be filled again. */
void course_text_release(struct course_text *t);

/* Language tag grammar: [a-z]{2,3}(-[A-Za-z0-9]{2,8})* */
bool course_lang_valid(const char *s);

/*
 * A deep copy of c, which keeps nothing of c's memory: for a reader that
 * keeps the course after the bundle is closed.  NULL when out of memory.
 * Free with course_free.
 */
struct course *course_dup(const struct course *c);

void course_free(struct course *c);

#endif

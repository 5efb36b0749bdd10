/* course.c - META-INF/course.json (format-spec/bundle-v1.md, "META-INF/course.json"). */
#include "course.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "format.h"
#include "manifest.h"
#include "pathname.h"
#include "utf8.h"

#define MAX_DEPTH 16

static enum bundle_status invalid(struct bundle_error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static enum bundle_status invalid(struct bundle_error *err, const char *fmt, ...)
{
	char why[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return bundle_error_set(err, BUNDLE_INVALID, RULE_COURSE_INVALID, BUNDLE_NAME_COURSE,
	                        strlen(BUNDLE_NAME_COURSE), "%s", why);
}

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

bool course_lang_valid(const char *s)
{
	size_t i = 0, n;

	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return false;
	while (s[i] == '-') {
		i++;
		n = 0;
		while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		       (s[i] >= '0' && s[i] <= '9')) {
			i++;
			n++;
		}
		if (n < 2 || n > 8)
			return false;
	}
	return s[i] == '\0';
}

static int depth_of(const json_t *j)
{
	int d = 0;

	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)(uintptr_t)j, k, v)
		{
			int x = depth_of(v);
			if (x > d)
				d = x;
		}
		return d + 1;
	}
	if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
		{
			int x = depth_of(v);
			if (x > d)
				d = x;
		}
		return d + 1;
	}
	return 0;
}

/* A copy of a string member (*out stays NULL when absent); only required ones must not be empty. */
static enum bundle_status get_string(const json_t *obj, const char *key, bool required, char **out,
                                     struct bundle_error *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return invalid(err, "'%s' is missing", key);
		return BUNDLE_OK;
	}
	if (!json_is_string(v) || (required && json_string_length(v) == 0) ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return invalid(err, "'%s' is not a %sstring", key, required ? "non-empty " : "");
	*out = strdup(json_string_value(v));
	return *out ? BUNDLE_OK : nomem(err);
}

static const char *text_exact(const struct course_text *t, const char *lang)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->lang[i], lang) == 0)
			return t->text[i];
	return NULL;
}

void course_text_release(struct course_text *t)
{
	for (size_t i = 0; i < t->count; i++) {
		free(t->lang[i]);
		free(t->text[i]);
	}
	free(t->lang);
	free(t->text);
	memset(t, 0, sizeof(*t));
}

static enum bundle_status get_text(const json_t *obj, const char *key, bool required,
                                   const char *must_have, struct course_text *t,
                                   struct bundle_error *err)
{
	json_t *v = json_object_get(obj, key), *s;
	const char *lang;
	size_t n;

	memset(t, 0, sizeof(*t));
	if (!v)
		return required ? invalid(err, "'%s' is missing", key) : BUNDLE_OK;
	if (!json_is_object(v) || json_object_size(v) == 0)
		return invalid(err, "'%s' is not an object of language -> text", key);
	n = json_object_size(v);
	t->lang = calloc(n, sizeof(char *));
	t->text = calloc(n, sizeof(char *));
	if (!t->lang || !t->text)
		return nomem(err);
	json_object_foreach(v, lang, s)
	{
		if (!course_lang_valid(lang))
			return invalid(err, "'%s' has a key that is not a language tag", key);
		if (!json_is_string(s) || (required && json_string_length(s) == 0) ||
		    strlen(json_string_value(s)) != json_string_length(s))
			return invalid(err, "'%s' has a value that is not a %sstring", key,
			               required ? "non-empty " : "");
		t->lang[t->count] = strdup(lang);
		t->text[t->count] = strdup(json_string_value(s));
		t->count++;
		if (!t->lang[t->count - 1] || !t->text[t->count - 1])
			return nomem(err);
	}
	if (must_have && !text_exact(t, must_have))
		return invalid(err, "'%s' has no text in the course's main language", key);
	return BUNDLE_OK;
}

static enum bundle_status get_string_array(const json_t *obj, const char *key, bool required,
                                           char ***out, size_t *count, struct bundle_error *err)
{
	json_t *v = json_object_get(obj, key), *s;
	size_t i;

	*out = NULL;
	*count = 0;
	if (!v)
		return required ? invalid(err, "'%s' is missing", key) : BUNDLE_OK;
	if (!json_is_array(v) || (required && json_array_size(v) == 0))
		return invalid(err, "'%s' is not a non-empty array of strings", key);
	*out = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!*out)
		return nomem(err);
	json_array_foreach(v, i, s)
	{
		if (!json_is_string(s) || (required && json_string_length(s) == 0))
			return invalid(err, "'%s' holds something that is not a %sstring", key,
			               required ? "non-empty " : "");
		(*out)[i] = strdup(json_string_value(s));
		if (!(*out)[i])
			return nomem(err);
		*count = i + 1;
	}
	return BUNDLE_OK;
}

static bool lesson_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          (i > 0 && (c == '.' || c == '_' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

static enum bundle_status get_lessons(const json_t *root, struct course *c,
                                      struct bundle_error *err)
{
	json_t *v = json_object_get(root, "lessons"), *l;
	size_t i;
	enum bundle_status st;

	if (!v)
		return invalid(err, "'%s' is missing", "lessons");
	if (!json_is_array(v) || json_array_size(v) == 0)
		return invalid(err, "'%s' is not a non-empty array", "lessons");
	c->lessons = calloc(json_array_size(v), sizeof(*c->lessons));
	if (!c->lessons)
		return nomem(err);
	json_array_foreach(v, i, l)
	{
		struct course_lesson *lesson = &c->lessons[i];
		c->lessons_count = i + 1;
		if (!json_is_object(l))
			return invalid(err, "a lesson is not an object");
		if ((st = get_string(l, "id", true, &lesson->id, err)) != BUNDLE_OK ||
		    (st = get_string(l, "page", true, &lesson->page, err)) != BUNDLE_OK ||
		    (st = get_string(l, "source", false, &lesson->source, err)) != BUNDLE_OK ||
		    (st = get_string(l, "language", false, &lesson->language, err)) != BUNDLE_OK)
			return st;
		if (!lesson_id_valid(lesson->id))
			return invalid(err, "lesson id '%.100s' is not valid", lesson->id);
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->lessons[j].id, lesson->id) == 0)
				return invalid(err, "lesson id '%.100s' appears twice", lesson->id);
		if (lesson->language && !course_lang_valid(lesson->language))
			return invalid(err, "lesson language '%.32s' is not a language tag",
			               lesson->language);
		if (!lesson->language) {
			lesson->language = strdup(c->language);
			if (!lesson->language)
				return nomem(err);
		}
		st = get_text(l, "title", true, c->language, &lesson->title, err);
		if (st != BUNDLE_OK)
			return st;
	}
	return BUNDLE_OK;
}

bool course_is_teacher_entry(const char *name)
{
	return strncmp(name, COURSE_TEACHER_DIR, sizeof(COURSE_TEACHER_DIR) - 1) == 0;
}

static enum bundle_status get_teacher(const json_t *root, struct course *c,
                                      struct bundle_error *err)
{
	json_t *v = json_object_get(root, "teacher"), *t;
	size_t i;
	enum bundle_status st;

	if (!v)
		return BUNDLE_OK;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return invalid(err, "'%s' is not a non-empty array", "teacher");
	c->teacher = calloc(json_array_size(v), sizeof(*c->teacher));
	if (!c->teacher)
		return nomem(err);
	json_array_foreach(v, i, t)
	{
		struct course_teacher *tp = &c->teacher[i];
		bool found = false;

		c->teacher_count = i + 1;
		if (!json_is_object(t))
			return invalid(err, "a teacher page is not an object");
		if ((st = get_string(t, "page", true, &tp->page, err)) != BUNDLE_OK ||
		    (st = get_string(t, "lesson", false, &tp->lesson, err)) != BUNDLE_OK ||
		    (st = get_text(t, "title", true, c->language, &tp->title, err)) != BUNDLE_OK)
			return st;
		if (!course_is_teacher_entry(tp->page))
			return invalid(err, "teacher page '%.300s' is not under %s", tp->page,
			               COURSE_TEACHER_DIR);
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->teacher[j].page, tp->page) == 0)
				return invalid(err, "teacher page '%.300s' appears twice",
				               tp->page);
		for (size_t j = 0; tp->lesson && j < c->lessons_count; j++)
			found = found || strcmp(c->lessons[j].id, tp->lesson) == 0;
		if (tp->lesson && !found)
			return invalid(
			        err,
			        "teacher page '%.300s' names no lesson of the course: '%.100s'",
			        tp->page, tp->lesson);
	}
	return BUNDLE_OK;
}

enum bundle_status course_parse(const char *json, size_t len, struct course **out,
                                struct bundle_error *err)
{
	json_error_t jerr;
	json_t *root, *fmt, *pub;
	struct course *c;
	enum bundle_status st;

	*out = NULL;
	if (len > BUNDLE_MAX_COURSE_JSON)
		return invalid(err, "larger than 4 MiB");
	if (!utf8_valid(json, len))
		return invalid(err, "not valid UTF-8");
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char why[300];
		snprintf(why, sizeof(why), "line %d, column %d: %.200s", jerr.line, jerr.column,
		         jerr.text);
		return invalid(err, "not valid JSON: %s", why);
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		json_decref(root);
		return nomem(err);
	}
	if (!json_is_object(root)) {
		st = invalid(err, "not a JSON object");
		goto done;
	}
	if (depth_of(root) > MAX_DEPTH) {
		st = invalid(err, "nested deeper than 16 levels");
		goto done;
	}
	fmt = json_object_get(root, "sampan-bundle");
	if (!json_is_integer(fmt) || json_integer_value(fmt) != BUNDLE_FORMAT_VERSION) {
		st = invalid(err, "'%s' is not 1", "sampan-bundle");
		goto done;
	}
	if ((st = get_string(root, "id", true, &c->id, err)) != BUNDLE_OK ||
	    (st = get_string(root, "version", true, &c->version, err)) != BUNDLE_OK ||
	    (st = get_string(root, "language", true, &c->language, err)) != BUNDLE_OK ||
	    (st = get_string(root, "licence", true, &c->licence, err)) != BUNDLE_OK ||
	    (st = get_string(root, "start", true, &c->start, err)) != BUNDLE_OK ||
	    (st = get_string(root, "level", false, &c->level, err)) != BUNDLE_OK ||
	    (st = get_string(root, "search", false, &c->search, err)) != BUNDLE_OK ||
	    (st = get_string(root, "created", false, &c->created, err)) != BUNDLE_OK)
		goto done;
	if (!manifest_id_valid(c->id, strlen(c->id))) {
		st = invalid(err, "course id '%.128s' is not valid", c->id);
		goto done;
	}
	if (!manifest_version_valid(c->version, strlen(c->version))) {
		st = invalid(err, "course version '%.64s' is not valid", c->version);
		goto done;
	}
	if (!course_lang_valid(c->language)) {
		st = invalid(err, "language '%.32s' is not a language tag", c->language);
		goto done;
	}
	st = get_string_array(root, "languages", true, &c->languages, &c->languages_count, err);
	if (st != BUNDLE_OK)
		goto done;
	{
		bool has_main = false;
		for (size_t i = 0; i < c->languages_count; i++) {
			if (!course_lang_valid(c->languages[i])) {
				st = invalid(err, "'%.32s' in 'languages' is not a language tag",
				             c->languages[i]);
				goto done;
			}
			for (size_t j = 0; j < i; j++)
				if (strcmp(c->languages[i], c->languages[j]) == 0) {
					st = invalid(err, "'%.32s' appears twice in 'languages'",
					             c->languages[i]);
					goto done;
				}
			if (strcmp(c->languages[i], c->language) == 0)
				has_main = true;
		}
		if (!has_main) {
			st = invalid(err, "'languages' does not contain the main language '%.32s'",
			             c->language);
			goto done;
		}
	}
	st = get_string_array(root, "subjects", false, &c->subjects, &c->subjects_count, err);
	if (st != BUNDLE_OK)
		goto done;
	if ((st = get_text(root, "title", true, c->language, &c->title, err)) != BUNDLE_OK ||
	    (st = get_text(root, "description", false, NULL, &c->description, err)) != BUNDLE_OK)
		goto done;
	pub = json_object_get(root, "publisher");
	if (!json_is_object(pub)) {
		st = invalid(err, "'%s' is missing or not an object", "publisher");
		goto done;
	}
	if ((st = get_string(pub, "name", true, &c->publisher_name, err)) != BUNDLE_OK ||
	    (st = get_string(pub, "contact", false, &c->publisher_contact, err)) != BUNDLE_OK)
		goto done;
	if ((st = get_lessons(root, c, err)) != BUNDLE_OK)
		goto done;
	st = get_teacher(root, c, err);
done:
	json_decref(root);
	if (st != BUNDLE_OK)
		course_free(c);
	else
		*out = c;
	return st;
}

static enum bundle_status check_name(const char *what, const char *name, bool meta_ok,
                                     bool (*exists)(void *ctx, const char *name), void *ctx,
                                     struct bundle_error *err)
{
	if (!meta_ok && strncmp(name, "META-INF/", 9) == 0)
		return invalid(err, "'%s' names an entry under META-INF/: '%.300s'", what, name);
	/*
	 * Students' entries never lie in the teacher folder (11.7); a lesson's
	 * source may, when it holds teachers' notes.
	 */
	if (strcmp(what, "teacher page") != 0 && strcmp(what, "source") != 0 &&
	    course_is_teacher_entry(name))
		return invalid(
		        err,
		        "'%s' names an entry under %s, which students are not served: '%.300s'",
		        what, COURSE_TEACHER_DIR, name);
	if (!exists(ctx, name))
		return invalid(err, "'%s' names an entry that is not in the bundle: '%.300s'", what,
		               name);
	return BUNDLE_OK;
}

enum bundle_status course_check(const struct course *c, const char *id, const char *version,
                                bool (*exists)(void *ctx, const char *name), void *ctx,
                                struct bundle_error *err)
{
	enum bundle_status st;

	if (strcmp(c->id, id) != 0)
		return invalid(err, "course id '%.128s' differs from the manifest's", c->id);
	if (strcmp(c->version, version) != 0)
		return invalid(err, "course version '%.64s' differs from the manifest's",
		               c->version);
	if ((st = check_name("start", c->start, false, exists, ctx, err)) != BUNDLE_OK)
		return st;
	if (c->search &&
	    (st = check_name("search", c->search, true, exists, ctx, err)) != BUNDLE_OK)
		return st;
	for (size_t i = 0; i < c->lessons_count; i++) {
		const struct course_lesson *l = &c->lessons[i];
		if ((st = check_name("page", l->page, false, exists, ctx, err)) != BUNDLE_OK)
			return st;
		if (l->source &&
		    (st = check_name("source", l->source, false, exists, ctx, err)) != BUNDLE_OK)
			return st;
	}
	for (size_t i = 0; i < c->teacher_count; i++)
		if ((st = check_name("teacher page", c->teacher[i].page, false, exists, ctx,
		                     err)) != BUNDLE_OK)
			return st;
	return BUNDLE_OK;
}

const char *course_text_get(const struct course_text *t, const char *lang, const char *main_lang)
{
	const char *s = lang ? text_exact(t, lang) : NULL;

	if (!s && main_lang)
		s = text_exact(t, main_lang);
	if (!s && t->count)
		s = t->text[0];
	return s;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void course_free(struct course *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->version);
	free(c->language);
	free_strings(c->languages, c->languages_count);
	course_text_release(&c->title);
	course_text_release(&c->description);
	free(c->publisher_name);
	free(c->publisher_contact);
	free(c->licence);
	free(c->level);
	free_strings(c->subjects, c->subjects_count);
	free(c->start);
	free(c->search);
	free(c->created);
	for (size_t i = 0; i < c->lessons_count; i++) {
		free(c->lessons[i].id);
		course_text_release(&c->lessons[i].title);
		free(c->lessons[i].page);
		free(c->lessons[i].source);
		free(c->lessons[i].language);
	}
	free(c->lessons);
	for (size_t i = 0; i < c->teacher_count; i++) {
		course_text_release(&c->teacher[i].title);
		free(c->teacher[i].page);
		free(c->teacher[i].lesson);
	}
	free(c->teacher);
	free(c);
}

static bool dup_str(char **to, const char *from)
{
	if (!from) {
		*to = NULL;
		return true;
	}
	*to = strdup(from);
	return *to != NULL;
}

/*
 * Copy n strings into a new array *to; *count is n as soon as the array is
 * there, its entries NULL until copied, so that course_free frees exactly
 * what a failure midway left.
 */
static bool dup_strings(char ***to, size_t *count, char *const *from, size_t n)
{
	*to = calloc(n ? n : 1, sizeof(**to));
	if (!*to)
		return false;
	*count = n;
	for (size_t i = 0; i < n; i++)
		if (!dup_str(&(*to)[i], from[i]))
			return false;
	return true;
}

static bool dup_text(struct course_text *to, const struct course_text *from)
{
	size_t n = from->count;

	to->lang = calloc(n ? n : 1, sizeof(*to->lang));
	to->text = calloc(n ? n : 1, sizeof(*to->text));
	if (!to->lang || !to->text) {
		free(to->lang);
		free(to->text);
		to->lang = to->text = NULL;
		return false;
	}
	to->count = n;
	for (size_t i = 0; i < n; i++)
		if (!dup_str(&to->lang[i], from->lang[i]) || !dup_str(&to->text[i], from->text[i]))
			return false;
	return true;
}

struct course *course_dup(const struct course *c)
{
	struct course *d = calloc(1, sizeof(*d));
	bool ok;

	if (!d)
		return NULL;
	ok = dup_str(&d->id, c->id) && dup_str(&d->version, c->version) &&
	     dup_str(&d->language, c->language) &&
	     dup_strings(&d->languages, &d->languages_count, c->languages, c->languages_count) &&
	     dup_text(&d->title, &c->title) && dup_text(&d->description, &c->description) &&
	     dup_str(&d->publisher_name, c->publisher_name) &&
	     dup_str(&d->publisher_contact, c->publisher_contact) &&
	     dup_str(&d->licence, c->licence) && dup_str(&d->level, c->level) &&
	     dup_strings(&d->subjects, &d->subjects_count, c->subjects, c->subjects_count) &&
	     dup_str(&d->start, c->start) && dup_str(&d->search, c->search) &&
	     dup_str(&d->created, c->created);
	if (ok) {
		d->lessons = calloc(c->lessons_count ? c->lessons_count : 1, sizeof(*d->lessons));
		ok = d->lessons != NULL;
	}
	for (size_t i = 0; ok && i < c->lessons_count; i++) {
		const struct course_lesson *from = &c->lessons[i];
		struct course_lesson *to = &d->lessons[i];

		d->lessons_count = i + 1;
		ok = dup_str(&to->id, from->id) && dup_text(&to->title, &from->title) &&
		     dup_str(&to->page, from->page) && dup_str(&to->source, from->source) &&
		     dup_str(&to->language, from->language);
	}
	if (ok && c->teacher_count) {
		d->teacher = calloc(c->teacher_count, sizeof(*d->teacher));
		ok = d->teacher != NULL;
	}
	for (size_t i = 0; ok && i < c->teacher_count; i++) {
		d->teacher_count = i + 1;
		ok = dup_text(&d->teacher[i].title, &c->teacher[i].title) &&
		     dup_str(&d->teacher[i].page, c->teacher[i].page) &&
		     dup_str(&d->teacher[i].lesson, c->teacher[i].lesson);
	}
	if (!ok) {
		course_free(d);
		return NULL;
	}
	return d;
}

static json_t *text_json(const struct course_text *t)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < t->count; i++)
		if (json_object_set_new(o, t->lang[i], json_string(t->text[i])) != 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Set key to value (which may be NULL: out of memory); false on failure. */
static bool set(json_t *o, const char *key, json_t *value)
{
	return value && json_object_set_new(o, key, value) == 0;
}

static bool set_str(json_t *o, const char *key, const char *value)
{
	return !value || set(o, key, json_string(value));
}

enum bundle_status course_format(const struct course *c, char **out, size_t *out_len,
                                 struct bundle_error *err)
{
	json_t *root = json_object(), *pub = json_object(), *lessons = json_array();
	struct course *check = NULL;
	enum bundle_status st;
	bool ok;
	char *text;

	*out = NULL;
	ok = root && pub && lessons && set(root, "sampan-bundle", json_integer(1)) &&
	     set_str(root, "id", c->id) && set_str(root, "version", c->version) &&
	     set_str(root, "language", c->language) &&
	     set(root, "languages", strings_json(c->languages, c->languages_count)) &&
	     set(root, "title", text_json(&c->title)) &&
	     (c->description.count == 0 || set(root, "description", text_json(&c->description))) &&
	     set_str(pub, "name", c->publisher_name) &&
	     set_str(pub, "contact", c->publisher_contact) &&
	     set_str(root, "licence", c->licence) && set_str(root, "level", c->level) &&
	     (c->subjects_count == 0 ||
	      set(root, "subjects", strings_json(c->subjects, c->subjects_count))) &&
	     set_str(root, "start", c->start) && set_str(root, "search", c->search) &&
	     set_str(root, "created", c->created);
	if (ok) {
		ok = json_object_set(root, "publisher", pub) == 0;
	}
	for (size_t i = 0; ok && i < c->lessons_count; i++) {
		const struct course_lesson *l = &c->lessons[i];
		json_t *o = json_object();
		ok = o && set_str(o, "id", l->id) && set(o, "title", text_json(&l->title)) &&
		     set_str(o, "page", l->page) && set_str(o, "source", l->source) &&
		     (!l->language || strcmp(l->language, c->language) == 0 ||
		      set_str(o, "language", l->language)) &&
		     json_array_append(lessons, o) == 0;
		json_decref(o);
	}
	if (ok)
		ok = json_object_set(root, "lessons", lessons) == 0;
	if (ok && c->teacher_count) {
		json_t *ta = json_array();
		ok = ta != NULL;
		for (size_t i = 0; ok && i < c->teacher_count; i++) {
			const struct course_teacher *t = &c->teacher[i];
			json_t *o = json_object();
			ok = o && set(o, "title", text_json(&t->title)) &&
			     set_str(o, "page", t->page) && set_str(o, "lesson", t->lesson) &&
			     json_array_append(ta, o) == 0;
			json_decref(o);
		}
		ok = ok && json_object_set(root, "teacher", ta) == 0;
		json_decref(ta);
	}
	text = ok ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(root);
	json_decref(pub);
	json_decref(lessons);
	if (!text)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	*out_len = strlen(text);
	*out = malloc(*out_len + 2);
	if (!*out) {
		free(text);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	memcpy(*out, text, *out_len);
	(*out)[(*out_len)++] = '\n';
	(*out)[*out_len] = '\0';
	free(text);
	/* What is written must read back as valid. */
	st = course_parse(*out, *out_len, &check, err);
	course_free(check);
	if (st != BUNDLE_OK) {
		free(*out);
		*out = NULL;
	}
	return st;
}

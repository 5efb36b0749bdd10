/* courseyml.c - course.yml (format-spec/course-source.md) read with libyaml's document API. */
#include "courseyml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli.h"
#include "course.h"
#include "manifest.h"
#include "pathname.h"
#include "xalloc.h"

#define KNOWN_MAX 16 /* keys of one mapping that the format knows */
#define TEXTS_MAX 300 /* languages of one text */
#define LESSONS_MAX 10000 /* lessons of a course */

struct ctx {
	yaml_document_t *doc;
	struct course_src *c;
	struct problems *p;
	bool fatal;
};

static unsigned clamp_uint(size_t v)
{
	return v > 0xFFFFFFFEu ? 0xFFFFFFFFu : (unsigned)v;
}

static void report(struct ctx *x, enum problem_level level, const yaml_node_t *n, const char *fmt,
                   ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 4, 5)))
#endif
        ;

static void report(struct ctx *x, enum problem_level level, const yaml_node_t *n, const char *fmt,
                   ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	problems_add(x->p, level, COURSE_SRC_YML, n ? clamp_uint(n->start_mark.line + 1) : 0,
	             n ? clamp_uint(n->start_mark.column + 1) : 0, "%s", msg);
}

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "text";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static const char *scalar_value(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty, "~" or "null" scalar: YAML's way of writing nothing. */
static bool is_null(const yaml_node_t *n)
{
	const char *v = scalar_value(n);

	if (n->type != YAML_SCALAR_NODE)
		return false;
	if (n->data.scalar.length == 0)
		return true;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

/*
 * The text of a scalar (malloc'd), or NULL with a problem when n is not
 * text; NULL without a problem when it is empty (the caller decides).
 */
static char *get_text(struct ctx *x, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		report(x, PROBLEM_ERROR, n, "'%s' must be text, not %s", what, kind_name(n));
		return NULL;
	}
	if (is_null(n))
		return NULL;
	if (memchr(n->data.scalar.value, '\0', n->data.scalar.length)) {
		report(x, PROBLEM_ERROR, n, "'%s' contains a NUL character", what);
		return NULL;
	}
	return xstrndup(scalar_value(n), n->data.scalar.length);
}

/* A required text: a problem when missing or empty. */
static char *get_required(struct ctx *x, const yaml_node_t *n, const char *what)
{
	char *s;

	if (!n) {
		report(x, PROBLEM_ERROR, NULL, "missing required key '%s'", what);
		return NULL;
	}
	if (n->type == YAML_SCALAR_NODE && is_null(n)) {
		report(x, PROBLEM_ERROR, n, "'%s' is empty", what);
		return NULL;
	}
	s = get_text(x, n, what);
	return s;
}

static void texts_add(struct course_text *t, const char *lang, const char *text)
{
	t->lang = xreallocarray(t->lang, t->count + 1, sizeof(*t->lang));
	t->text = xreallocarray(t->text, t->count + 1, sizeof(*t->text));
	t->lang[t->count] = xstrdup(lang);
	t->text[t->count] = xstrdup(text);
	t->count++;
}

static bool texts_has(const struct course_text *t, const char *lang)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->lang[i], lang) == 0)
			return true;
	return false;
}

/*
 * Text in several languages: a mapping of language tag to text, or plain
 * text, which is then in the course's language.  required: every text
 * non-empty.  Returns false (with problems) when the value is unusable.
 */
static bool get_texts(struct ctx *x, const yaml_node_t *n, const char *what, bool required,
                      struct course_text *t)
{
	char q[PROBLEMS_QUOTE_SIZE];
	bool ok = true;

	if (n->type == YAML_SCALAR_NODE) {
		char *s = get_text(x, n, what);
		if (!s) {
			if (required && n->type == YAML_SCALAR_NODE && is_null(n))
				report(x, PROBLEM_ERROR, n, "'%s' is empty", what);
			return !required && is_null(n);
		}
		if (x->c->language)
			texts_add(t, x->c->language, s);
		free(s);
		return x->c->language != NULL;
	}
	if (n->type != YAML_MAPPING_NODE) {
		report(x, PROBLEM_ERROR, n,
		       "'%s' must be text, or map languages to text (th: ..., en: ...), not %s",
		       what, kind_name(n));
		return false;
	}
	for (yaml_node_pair_t *pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top;
	     pair++) {
		const yaml_node_t *k = yaml_document_get_node(x->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(x->doc, pair->value);
		char *lang, *text;

		if (!k || !v)
			continue;
		if (t->count >= TEXTS_MAX) {
			report(x, PROBLEM_ERROR, k, "'%s' has more than %d languages", what,
			       TEXTS_MAX);
			return false;
		}
		lang = get_text(x, k, what);
		if (!lang) {
			ok = false;
			continue;
		}
		if (!course_lang_valid(lang)) {
			report(x, PROBLEM_ERROR, k,
			       "'%s': '%s' is not a language tag (such as th, en or pt-BR)", what,
			       problems_quote(lang, q));
			ok = false;
		} else if (texts_has(t, lang)) {
			report(x, PROBLEM_ERROR, k, "'%s': language '%s' given twice", what, lang);
			ok = false;
		} else {
			text = get_text(x, v, what);
			if (text || v->type == YAML_SCALAR_NODE) {
				if (!text && required) {
					report(x, PROBLEM_ERROR, v, "'%s' in '%s' is empty", what,
					       lang);
					ok = false;
				} else {
					texts_add(t, lang, text ? text : "");
				}
			} else {
				ok = false;
			}
			free(text);
		}
		free(lang);
	}
	if (ok && required && t->count == 0) {
		report(x, PROBLEM_ERROR, n, "'%s' is empty", what);
		ok = false;
	}
	return ok;
}

/* A list of texts, or one text for a list of one.  Empty items are problems. */
static bool get_list(struct ctx *x, const yaml_node_t *n, const char *what, char ***out,
                     size_t *count)
{
	const yaml_node_item_t *start, *top;
	yaml_node_item_t single = 0;
	bool ok = true;

	if (n->type == YAML_SCALAR_NODE) {
		if (is_null(n))
			return true;
		start = &single;
		top = &single + 1;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		start = n->data.sequence.items.start;
		top = n->data.sequence.items.top;
	} else {
		report(x, PROBLEM_ERROR, n, "'%s' must be a list, not %s", what, kind_name(n));
		return false;
	}
	*out = xcalloc((size_t)(top - start), sizeof(**out));
	for (const yaml_node_item_t *it = start; it < top; it++) {
		const yaml_node_t *v = it == &single ? n : yaml_document_get_node(x->doc, *it);
		char *s;

		if (!v)
			continue;
		s = get_text(x, v, what);
		if (!s) {
			if (v->type == YAML_SCALAR_NODE)
				report(x, PROBLEM_ERROR, v, "'%s' has an empty item", what);
			ok = false;
			continue;
		}
		(*out)[(*count)++] = s;
	}
	return ok;
}

static bool id_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

bool courseyml_lesson_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || !id_char(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!id_char(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

const char *courseyml_name_reason(const struct bundle_error *err, char *buf, size_t size)
{
	char reason[BUNDLE_ERROR_MESSAGE_MAX];
	const char *r = bundle_error_reason(err, reason, sizeof(reason));
	size_t n = strlen(err->entry);

	/* bundle_error_set wrote "entry 'NAME': REASON": the problem already names the file. */
	if (err->entry[0] && strncmp(r, "entry '", 7) == 0 && strncmp(r + 7, err->entry, n) == 0 &&
	    strncmp(r + 7 + n, "': ", 3) == 0)
		r += 7 + n + 3;
	snprintf(buf, size, "%s", r);
	return buf;
}

static bool ends_with_md(const char *s)
{
	size_t n = strlen(s);
	const char *base = strrchr(s, '/');

	base = base ? base + 1 : s;
	return n > 3 && strlen(base) > 3 && s[n - 3] == '.' &&
	       (s[n - 2] == 'm' || s[n - 2] == 'M') && (s[n - 1] == 'd' || s[n - 1] == 'D');
}

static const yaml_node_t *map_get(struct ctx *x, const yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(x->doc, pair->key);
		if (k && k->type == YAML_SCALAR_NODE && strcmp(scalar_value(k), key) == 0)
			return yaml_document_get_node(x->doc, pair->value);
	}
	return NULL;
}

/* Warn of unknown keys and report duplicates in a mapping; false when a key is not text. */
static bool check_keys(struct ctx *x, const yaml_node_t *map, const char *const *known,
                       size_t nknown, const char *where)
{
	bool ok = true, seen[KNOWN_MAX] = { false };

	/* Linear in the keys: a hostile file may hold a mapping of 100,000 of them. */
	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(x->doc, pair->key);
		size_t i = 0;
		char q[PROBLEMS_QUOTE_SIZE];

		if (!k)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			report(x, PROBLEM_ERROR, k, "keys must be text, not %s", kind_name(k));
			ok = false;
			continue;
		}
		while (i < nknown && i < KNOWN_MAX && strcmp(known[i], scalar_value(k)) != 0)
			i++;
		if (i < nknown && i < KNOWN_MAX) {
			if (seen[i]) {
				report(x, PROBLEM_ERROR, k, "duplicate key '%s'", known[i]);
				ok = false;
			}
			seen[i] = true;
			continue;
		}
		if (strcmp(scalar_value(k), "license") == 0)
			report(x, PROBLEM_WARNING, k,
			       "unknown key 'license'%s (did you mean 'licence'?)", where);
		else
			report(x, PROBLEM_WARNING, k, "unknown key '%s'%s",
			       problems_quote(scalar_value(k), q), where);
	}
	return ok;
}

/* The page of a Markdown file: file with .md replaced by .html, under prefix. */
static char *page_of(const char *prefix, const char *file)
{
	size_t n_pre = strlen(prefix), n_file = strlen(file);
	char *page = xcalloc(n_pre + n_file + 3, 1);

	memcpy(page, prefix, n_pre);
	memcpy(page + n_pre, file, n_file - 3);
	memcpy(page + n_pre + n_file - 3, ".html", 6);
	return page;
}

/*
 * One item of `lessons` (teacher false) or of `teacher` (true): a file
 * name, or a mapping with `file` and optional keys.  A teacher page has no
 * id of its own (its file's name stands in for one in messages), may name
 * the lesson it goes with, and its page lies under teacher/.
 */
static void parse_page(struct ctx *x, const yaml_node_t *item, bool teacher)
{
	static const char *const lesson_keys[] = { "file", "id", "language", "title" };
	static const char *const teacher_keys[] = { "file", "language", "lesson", "title" };
	const char *what = teacher ? "teacher page" : "lesson";
	struct course_src *c = x->c;
	struct src_lesson l, **list = teacher ? &c->teachers : &c->lessons;
	size_t *count = teacher ? &c->teachers_count : &c->lessons_count;
	const yaml_node_t *file_node = item, *n;
	struct bundle_error err;
	char reason[BUNDLE_ERROR_MESSAGE_MAX], q[PROBLEMS_QUOTE_SIZE];
	bool ok = true;

	memset(&l, 0, sizeof(l));
	l.line = clamp_uint(item->start_mark.line + 1);
	l.teacher = teacher;
	if (item->type == YAML_MAPPING_NODE) {
		check_keys(x, item, teacher ? teacher_keys : lesson_keys, 4,
		           teacher ? " in a teacher page" : " in a lesson");
		file_node = map_get(x, item, "file");
		if (!file_node) {
			report(x, PROBLEM_ERROR, item, "%s without 'file'", what);
			return;
		}
	} else if (item->type != YAML_SCALAR_NODE) {
		report(x, PROBLEM_ERROR, item,
		       "a %s is a file name or a mapping with 'file', not %s", what,
		       kind_name(item));
		return;
	}
	l.file = get_text(x, file_node, "file");
	if (!l.file) {
		if (file_node->type == YAML_SCALAR_NODE)
			report(x, PROBLEM_ERROR, file_node, "%s without a file name", what);
		goto cleanup;
	}
	problems_quote(l.file, q);
	if (pathname_check(l.file, strlen(l.file), true, &err) != BUNDLE_OK) {
		report(x, PROBLEM_ERROR, file_node, "%s '%s': %s", what, q,
		       courseyml_name_reason(&err, reason, sizeof(reason)));
		goto cleanup;
	}
	if (!ends_with_md(l.file)) {
		report(x, PROBLEM_ERROR, file_node,
		       "%s '%s': not a Markdown file (the name must end in .md)", what, q);
		goto cleanup;
	}
	for (size_t i = 0; i < *count; i++)
		if (strcmp((*list)[i].file, l.file) == 0) {
			report(x, PROBLEM_ERROR, file_node,
			       "%s '%s' is listed twice (first at line %u)", what, q,
			       (*list)[i].line);
			goto cleanup;
		}
	for (size_t i = 0; teacher && i < c->lessons_count; i++)
		if (strcmp(c->lessons[i].file, l.file) == 0) {
			report(x, PROBLEM_ERROR, file_node,
			       "teacher page '%s' is also a lesson (line %u): a page is for "
			       "students "
			       "or for the teacher, not both",
			       q, c->lessons[i].line);
			goto cleanup;
		}
	l.page = page_of(teacher ? COURSE_TEACHER_DIR : "", l.file);
	if (!teacher && item->type == YAML_MAPPING_NODE && (n = map_get(x, item, "id")) != NULL) {
		l.id = get_text(x, n, "id");
		if (l.id && !courseyml_lesson_id_valid(l.id)) {
			report(x, PROBLEM_ERROR, n,
			       "lesson id '%s' is not valid (1 to 128 lowercase letters, digits, "
			       "'.', '_' or '-', starting with a letter or digit)",
			       problems_quote(l.id, q));
		} else if (!l.id && n->type == YAML_SCALAR_NODE) {
			report(x, PROBLEM_ERROR, n, "'id' is empty");
			ok = false;
		} else if (!l.id) {
			ok = false;
		}
	} else {
		const char *base = strrchr(l.file, '/');
		base = base ? base + 1 : l.file;
		l.id = xstrndup(base, strlen(base) - 3);
		if (!teacher && !courseyml_lesson_id_valid(l.id))
			report(x, PROBLEM_ERROR, file_node,
			       "lesson id '%s' (the file's name) is not valid: give the lesson an "
			       "'id' "
			       "of lowercase letters, digits, '.', '_' or '-', or rename the file",
			       problems_quote(l.id, q));
	}
	if (!ok)
		goto cleanup;
	for (size_t i = 0; !teacher && i < c->lessons_count; i++)
		if (strcmp(c->lessons[i].id, l.id) == 0)
			report(x, PROBLEM_ERROR, item,
			       "two lessons have the id '%s' (the other at line %u)",
			       problems_quote(l.id, q), c->lessons[i].line);
	if (teacher && item->type == YAML_MAPPING_NODE &&
	    (n = map_get(x, item, "lesson")) != NULL) {
		const struct src_lesson *with = NULL;
		char ql[PROBLEMS_QUOTE_SIZE];
		l.lesson = get_text(x, n, "lesson");
		for (size_t i = 0; l.lesson && i < c->lessons_count; i++)
			if (strcmp(c->lessons[i].id, l.lesson) == 0)
				with = &c->lessons[i];
		if (!l.lesson && n->type == YAML_SCALAR_NODE)
			report(x, PROBLEM_ERROR, n, "'lesson' is empty");
		else if (l.lesson && !with)
			report(x, PROBLEM_ERROR, n,
			       "teacher page '%s': 'lesson' is '%s', which is no lesson's id", q,
			       problems_quote(l.lesson, ql));
	}
	if (item->type == YAML_MAPPING_NODE && (n = map_get(x, item, "language")) != NULL) {
		l.language = get_text(x, n, "language");
		if (l.language && !course_lang_valid(l.language))
			report(x, PROBLEM_ERROR, n,
			       "language '%s' is not a language tag (such as th, en or pt-BR)",
			       problems_quote(l.language, q));
	}
	if (!l.language && c->language)
		l.language = xstrdup(c->language);
	if (item->type == YAML_MAPPING_NODE && (n = map_get(x, item, "title")) != NULL) {
		if (get_texts(x, n, "title", true, &l.title) && c->language && l.title.count &&
		    !texts_has(&l.title, c->language))
			report(x, PROBLEM_ERROR, n,
			       "'title' has no text in '%s', the course's language", c->language);
	}
	{
		struct src_lesson *v = xrealloc(*list, (*count + 1) * sizeof(*v));
		*list = v;
		(*list)[(*count)++] = l;
		return;
	}
cleanup:
	src_lesson_release(&l);
}

static void parse_lessons(struct ctx *x, const yaml_node_t *n)
{
	if (!n) {
		report(x, PROBLEM_ERROR, NULL, "missing required key 'lessons'");
		x->fatal = true;
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		report(x, PROBLEM_ERROR, n, "'lessons' must be a list of lesson files, not %s",
		       kind_name(n));
		x->fatal = true;
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const yaml_node_t *item = yaml_document_get_node(x->doc, *it);
		if (item && x->c->lessons_count >= LESSONS_MAX) {
			report(x, PROBLEM_ERROR, item, "more than %d lessons", LESSONS_MAX);
			break;
		}
		if (item)
			parse_page(x, item, false);
	}
	if (n->data.sequence.items.start == n->data.sequence.items.top)
		report(x, PROBLEM_ERROR, n, "'lessons' is empty: a course has at least one lesson");
	if (x->c->lessons_count == 0)
		x->fatal = true;
}

/* `teacher`: the teacher pages, listed like the lessons; optional, may be empty. */
static void parse_teacher(struct ctx *x, const yaml_node_t *n)
{
	if (!n || (n->type == YAML_SCALAR_NODE && is_null(n)))
		return;
	if (n->type != YAML_SEQUENCE_NODE) {
		report(x, PROBLEM_ERROR, n,
		       "'teacher' must be a list of teacher pages' files, not %s", kind_name(n));
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const yaml_node_t *item = yaml_document_get_node(x->doc, *it);
		if (item && x->c->teachers_count >= LESSONS_MAX) {
			report(x, PROBLEM_ERROR, item, "more than %d teacher pages", LESSONS_MAX);
			break;
		}
		if (item)
			parse_page(x, item, true);
	}
}

static void parse_publisher(struct ctx *x, const yaml_node_t *n)
{
	static const char *const keys[] = { "name", "contact" };
	const yaml_node_t *v;

	if (!n) {
		report(x, PROBLEM_ERROR, NULL, "missing required key 'publisher'");
		x->fatal = true;
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		report(x, PROBLEM_ERROR, n,
		       "'publisher' must be a mapping with 'name' (and 'contact'), not %s",
		       kind_name(n));
		x->fatal = true;
		return;
	}
	check_keys(x, n, keys, 2, " in 'publisher'");
	v = map_get(x, n, "name");
	if (!v) {
		report(x, PROBLEM_ERROR, n, "'publisher' has no 'name'");
		x->fatal = true;
	} else {
		x->c->publisher_name = get_required(x, v, "name");
		if (!x->c->publisher_name)
			x->fatal = true;
	}
	v = map_get(x, n, "contact");
	if (v)
		x->c->publisher_contact = get_text(x, v, "contact");
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes",
		                           "YES",  "on",   "On",   "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No",
		                          "NO",    "off",   "Off",   "OFF" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

enum top_key {
	K_ID,
	K_VERSION,
	K_LANGUAGE,
	K_LANGUAGES,
	K_TITLE,
	K_DESCRIPTION,
	K_PUBLISHER,
	K_LICENCE,
	K_LEVEL,
	K_SUBJECTS,
	K_ALLOW_HTML,
	K_LESSONS,
	K_TEACHER,
	K_IMPORTED,
	K_COUNT
};

static const char *const top_keys[K_COUNT] = {
	"id",      "version", "language", "languages",  "title",   "description", "publisher",
	"licence", "level",   "subjects", "allow_html", "lessons", "teacher",     "imported",
};

/*
 * `imported:` (written by `sampan-build import`): `from`, the tool, and
 * `guessed`, the values import made up; each one still as guessed is a
 * warning, so that the producer sets it.
 */
static void parse_imported(struct ctx *x, const yaml_node_t *n)
{
	const struct course_src *c = x->c;
	const yaml_node_t *g;
	char q[PROBLEMS_QUOTE_SIZE];

	if (!n || n->type != YAML_MAPPING_NODE)
		return;
	g = map_get(x, n, "guessed");
	if (!g || g->type != YAML_MAPPING_NODE)
		return;
	for (yaml_node_pair_t *pair = g->data.mapping.pairs.start; pair < g->data.mapping.pairs.top;
	     pair++) {
		const yaml_node_t *k = yaml_document_get_node(x->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(x->doc, pair->value);
		const char *key, *now = NULL, *flag = NULL;
		if (!k || !v || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE)
			continue;
		key = scalar_value(k);
		if (strcmp(key, "id") == 0) {
			now = c->id;
			flag = " (import --id)";
		} else if (strcmp(key, "version") == 0) {
			now = c->version;
			flag = " (import --version)";
		} else if (strcmp(key, "language") == 0) {
			now = c->language;
			flag = " (import --language)";
		} else if (strcmp(key, "publisher") == 0) {
			now = c->publisher_name;
			flag = " (import --publisher)";
		} else if (strcmp(key, "licence") == 0) {
			now = c->licence;
			flag = " (import --licence)";
		} else if (strcmp(key, "title") == 0) {
			for (size_t i = 0; i < c->title.count; i++)
				if (c->language && strcmp(c->title.lang[i], c->language) == 0)
					now = c->title.text[i];
			flag = "";
		}
		if (now && strcmp(now, scalar_value(v)) == 0)
			report(x, PROBLEM_WARNING, k,
			       "%s '%s' was guessed by import: set the course's own%s", key,
			       problems_quote(now, q), flag);
	}
}

static void parse_languages(struct ctx *x, const yaml_node_t *n)
{
	struct course_src *c = x->c;
	char q[PROBLEMS_QUOTE_SIZE];

	if (n && n->type != YAML_SEQUENCE_NODE && !(n->type == YAML_SCALAR_NODE && is_null(n))) {
		report(x, PROBLEM_ERROR, n, "'languages' must be a list of language tags, not %s",
		       kind_name(n));
	} else if (n && n->type == YAML_SEQUENCE_NODE) {
		size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		bool found = false;

		c->languages = xcalloc(count, sizeof(*c->languages));
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			const yaml_node_t *v = yaml_document_get_node(x->doc, *it);
			char *lang;
			bool twice = false;

			if (!v)
				continue;
			if (c->languages_count >= TEXTS_MAX) {
				report(x, PROBLEM_ERROR, v,
				       "'languages' has more than %d languages", TEXTS_MAX);
				break;
			}
			lang = get_text(x, v, "languages");
			if (!lang) {
				if (v->type == YAML_SCALAR_NODE)
					report(x, PROBLEM_ERROR, v,
					       "'languages' has an empty item");
				continue;
			}
			for (size_t j = 0; j < c->languages_count; j++)
				twice = twice || strcmp(c->languages[j], lang) == 0;
			if (!course_lang_valid(lang))
				report(x, PROBLEM_ERROR, v,
				       "'languages': '%s' is not a language tag (such as th, en or "
				       "pt-BR)",
				       problems_quote(lang, q));
			else if (twice)
				report(x, PROBLEM_ERROR, v, "'languages': '%s' given twice", lang);
			found = found || (c->language && strcmp(lang, c->language) == 0);
			c->languages[c->languages_count++] = lang;
		}
		if (c->language && !found)
			report(x, PROBLEM_ERROR, n,
			       "'languages' does not include '%s', the course's language",
			       c->language);
		if (c->languages_count)
			return;
	}
	/* The default: the course's language, then the title's others. */
	for (size_t i = 0; i < c->languages_count; i++)
		free(c->languages[i]);
	free(c->languages);
	c->languages = xcalloc(c->title.count + 1, sizeof(*c->languages));
	c->languages_count = 0;
	if (c->language)
		c->languages[c->languages_count++] = xstrdup(c->language);
	for (size_t i = 0; i < c->title.count; i++)
		if (!c->language || strcmp(c->title.lang[i], c->language) != 0)
			c->languages[c->languages_count++] = xstrdup(c->title.lang[i]);
}

static void parse_root(struct ctx *x, const yaml_node_t *root)
{
	struct course_src *c = x->c;
	const yaml_node_t *k[K_COUNT];
	char q[PROBLEMS_QUOTE_SIZE];

	for (int i = 0; i < K_COUNT; i++)
		k[i] = map_get(x, root, top_keys[i]);
	check_keys(x, root, top_keys, K_COUNT, "");

	c->language = get_required(x, k[K_LANGUAGE], "language");
	if (c->language && !course_lang_valid(c->language)) {
		report(x, PROBLEM_ERROR, k[K_LANGUAGE],
		       "language '%s' is not a language tag (such as th, en or pt-BR)",
		       problems_quote(c->language, q));
		free(c->language);
		c->language = NULL;
	}
	c->id = get_required(x, k[K_ID], "id");
	if (c->id && !manifest_id_valid(c->id, strlen(c->id))) {
		report(x, PROBLEM_ERROR, k[K_ID],
		       "id '%s' is not a course id (lowercase letters, digits and inner '-', in "
		       "labels joined by '.', such as org.example.pump-repair)",
		       problems_quote(c->id, q));
		free(c->id);
		c->id = NULL;
	}
	c->version = get_required(x, k[K_VERSION], "version");
	if (c->version && !manifest_version_valid(c->version, strlen(c->version))) {
		report(x, PROBLEM_ERROR, k[K_VERSION],
		       "version '%s' is not a version (1 to 4 numbers joined by '.', without "
		       "leading zeros, such as 1.2)",
		       problems_quote(c->version, q));
		free(c->version);
		c->version = NULL;
	}
	if (!k[K_TITLE]) {
		report(x, PROBLEM_ERROR, NULL, "missing required key 'title'");
	} else if (get_texts(x, k[K_TITLE], "title", true, &c->title) && c->language &&
	           !texts_has(&c->title, c->language)) {
		report(x, PROBLEM_ERROR, k[K_TITLE],
		       "'title' has no text in '%s', the course's language", c->language);
		course_text_release(&c->title);
	}
	if (!c->language)
		course_text_release(&c->title);
	parse_languages(x, k[K_LANGUAGES]);
	if (k[K_DESCRIPTION])
		get_texts(x, k[K_DESCRIPTION], "description", false, &c->description);
	parse_publisher(x, k[K_PUBLISHER]);
	c->licence = get_required(x, k[K_LICENCE], "licence");
	if (k[K_LEVEL])
		c->level = get_text(x, k[K_LEVEL], "level");
	if (k[K_SUBJECTS])
		get_list(x, k[K_SUBJECTS], "subjects", &c->subjects, &c->subjects_count);
	if (k[K_ALLOW_HTML]) {
		char *s = get_text(x, k[K_ALLOW_HTML], "allow_html");
		if (s && !parse_bool(s, &c->allow_html))
			report(x, PROBLEM_ERROR, k[K_ALLOW_HTML],
			       "'allow_html' is '%s', not true or false", problems_quote(s, q));
		free(s);
	}
	parse_lessons(x, k[K_LESSONS]);
	parse_teacher(x, k[K_TEACHER]);
	parse_imported(x, k[K_IMPORTED]);
	if (!c->id || !c->version || !c->language || c->title.count == 0 || !c->publisher_name ||
	    !c->licence)
		x->fatal = true;
}

/* Line and column (1-based) of a byte offset, for reader errors that have no mark. */
static void offset_position(const char *text, size_t len, size_t offset, unsigned *line,
                            unsigned *col)
{
	size_t l = 1, start = 0;

	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++)
		if (text[i] == '\n') {
			l++;
			start = i + 1;
		}
	*line = clamp_uint(l);
	*col = clamp_uint(offset - start + 1);
}

static void syntax_error(const yaml_parser_t *parser, const char *text, size_t len,
                         struct problems *p)
{
	const char *problem = parser->problem ? parser->problem : "syntax error";
	unsigned line, col;
	char hint[160] = "";

	if (parser->error == YAML_MEMORY_ERROR)
		xalloc_die();
	if (parser->error == YAML_READER_ERROR) {
		offset_position(text, len, parser->problem_offset, &line, &col);
		problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, line, col, "%s", problem);
		return;
	}
	line = clamp_uint(parser->problem_mark.line + 1);
	col = clamp_uint(parser->problem_mark.column + 1);
	if (parser->problem_mark.index < len && text[parser->problem_mark.index] == '\t')
		snprintf(hint, sizeof(hint), " (indent with spaces: YAML does not allow tabs)");
	else if (parser->context)
		snprintf(hint, sizeof(hint), " (%s at line %u)", parser->context,
		         clamp_uint(parser->context_mark.line + 1));
	problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, line, col, "%s%s", problem, hint);
}

bool courseyml_parse(const char *text, size_t len, struct course_src *c, struct problems *p)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	const yaml_node_t *root;
	struct ctx x = { .doc = &doc, .c = c, .p = p, .fatal = false };

	if (!yaml_parser_initialize(&parser))
		xalloc_die();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(&parser, text, len, p);
		yaml_parser_delete(&parser);
		return false;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		problems_add(p, PROBLEM_ERROR, COURSE_SRC_YML, 0, 0,
		             "empty: a course needs id, version, language, title, publisher, "
		             "licence and lessons");
		x.fatal = true;
	} else if (root->type != YAML_MAPPING_NODE) {
		report(&x, PROBLEM_ERROR, root,
		       "course.yml must be a mapping of keys (id: ...), not %s", kind_name(root));
		x.fatal = true;
	} else {
		parse_root(&x, root);
	}
	yaml_document_delete(&doc);
	/* A second document after '---' would be silently ignored: say so. */
	if (yaml_parser_load(&parser, &doc)) {
		root = yaml_document_get_root_node(&doc);
		if (root)
			problems_add(p, PROBLEM_WARNING, COURSE_SRC_YML,
			             clamp_uint(root->start_mark.line + 1),
			             clamp_uint(root->start_mark.column + 1),
			             "a second YAML document: only the first one is read");
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	return !x.fatal;
}

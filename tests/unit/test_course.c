/*
 * test_course.c - META-INF/course.json: parsing and validation, the check
 * against the bundle, text fallbacks and language tags (bundle/course.c;
 * decisions section 7).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "course.h"

static const char full_course[] =
        "{\n"
        "  \"sampan-bundle\": 1,\n"
        "  \"id\": \"org.example.pump\",\n"
        "  \"version\": \"1.2.0\",\n"
        "  \"language\": \"th\",\n"
        "  \"languages\": [\"th\", \"en\", \"zh-Hans\"],\n"
        "  \"title\": {\"th\": \"การบำรุงรักษาปั๊มน้ำ\", \"en\": \"Water pump maintenance\",\n"
        "            \"zh-Hans\": \"水泵维护\"},\n"
        "  \"description\": {\"en\": \"Keep a pump running.\", \"th\": \"ดูแลปั๊มน้ำ\"},\n"
        "  \"publisher\": {\"name\": \"Example TVET College\", \"contact\": "
        "\"courses@example.org\"},\n"
        "  \"licence\": \"CC-BY-4.0\",\n"
        "  \"level\": \"beginner\",\n"
        "  \"subjects\": [\"engineering\", \"water\"],\n"
        "  \"start\": \"index.html\",\n"
        "  \"search\": \"META-INF/search.txt\",\n"
        "  \"created\": \"2026-03-01T10:00:00Z\",\n"
        "  \"lessons\": [\n"
        "    {\"id\": \"01-intro\", \"title\": {\"th\": \"บทนำ\", \"en\": \"Introduction\"},\n"
        "     \"page\": \"lessons/01-intro.html\", \"source\": \"lessons/01-intro.md\"},\n"
        "    {\"id\": \"02.pumps_a\", \"title\": {\"th\": \"ปั๊ม\"}, \"page\": \"lessons/02.html\",\n"
        "     \"language\": \"en\"}\n"
        "  ],\n"
        "  \"x-builder\": {\"name\": \"sampan\", \"options\": [1, 2, {\"a\": null}]}\n"
        "}\n";

/* The members of a minimal valid course.json, in order. */
static const struct {
	const char *key, *value;
} base[] = {
	{ "sampan-bundle", "1" },
	{ "id", "\"org.example.pump\"" },
	{ "version", "\"1.2\"" },
	{ "language", "\"en\"" },
	{ "languages", "[\"en\", \"th\"]" },
	{ "title", "{\"en\": \"Water pumps\", \"th\": \"ปั๊มน้ำ\"}" },
	{ "publisher", "{\"name\": \"Example TVET College\"}" },
	{ "licence", "\"CC-BY-4.0\"" },
	{ "start", "\"index.html\"" },
	{ "lessons", "[{\"id\": \"01-intro\", \"title\": {\"en\": \"Introduction\"}, "
	             "\"page\": \"lessons/01-intro.html\"}]" },
};

/*
 * The minimal course with member key set to value (NULL drops it; a key not
 * in base is appended), then raw members (or NULL) before the closing brace.
 */
static char *course_with(const char *key, const char *value, const char *raw)
{
	size_t cap = 4096 + (value ? strlen(value) : 0) + (raw ? strlen(raw) : 0), n = 0;
	char *s = malloc(cap);
	bool found = false;
	const char *sep = "";

	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n, "{");
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		const char *v = base[i].value;
		if (key && strcmp(key, base[i].key) == 0) {
			found = true;
			v = value;
		}
		if (!v)
			continue;
		n += (size_t)snprintf(s + n, cap - n, "%s\n  \"%s\": %s", sep, base[i].key, v);
		sep = ",";
	}
	if (key && !found && value)
		n += (size_t)snprintf(s + n, cap - n, "%s\n  \"%s\": %s", sep, key, value);
	if (raw)
		n += (size_t)snprintf(s + n, cap - n, ",\n  %s", raw);
	n += (size_t)snprintf(s + n, cap - n, "\n}\n");
	assert_true(n < cap);
	return s;
}

/* Parse json; return the status and keep the error; frees everything. */
static enum bundle_status parse_only(const char *json, size_t len, struct bundle_error *err)
{
	struct course *c = NULL;
	enum bundle_status st;

	bundle_error_clear(err);
	st = course_parse(json, len, &c, err);
	if (st == BUNDLE_OK && !c)
		fail_msg("course_parse returned OK without a course");
	if (st != BUNDLE_OK && c)
		fail_msg("course_parse failed but returned a course");
	course_free(c);
	return st;
}

static void expect(int line, char *json, bool ok, const char *what)
{
	struct bundle_error err;
	enum bundle_status st = parse_only(json, strlen(json), &err);

	if (ok && st != BUNDLE_OK)
		fail_msg("line %d (%s): refused: %s\n%s", line, what, err.message, json);
	if (!ok && (st != BUNDLE_INVALID || err.rule != RULE_COURSE_INVALID))
		fail_msg("line %d (%s): got status %d rule %s (%s), want COURSE_INVALID\n%s", line,
		         what, st, bundle_rule_name(err.rule), err.message, json);
	if (!ok && strcmp(err.entry, "META-INF/course.json") != 0)
		fail_msg("line %d (%s): error does not name META-INF/course.json: %s", line, what,
		         err.message);
	free(json);
}

#define WITH_OK(key, value) expect(__LINE__, course_with(key, value, NULL), true, key)
#define WITH_BAD(key, value) expect(__LINE__, course_with(key, value, NULL), false, key)
#define RAW_OK(raw) expect(__LINE__, course_with(NULL, NULL, raw), true, raw)
#define RAW_BAD(raw) expect(__LINE__, course_with(NULL, NULL, raw), false, raw)

static void expect_text(int line, const char *json, size_t len, bool ok)
{
	char *copy = malloc(len + 1);

	assert_non_null(copy);
	memcpy(copy, json, len);
	copy[len] = '\0';
	expect(line, copy, ok, "literal");
}

#define TEXT_BAD(lit) expect_text(__LINE__, lit, sizeof(lit) - 1, false)

static void parses_every_field_of_a_full_course(void **state)
{
	struct course *c = NULL;
	struct bundle_error err;

	(void)state;
	assert_ok(course_parse(full_course, sizeof(full_course) - 1, &c, &err), err);
	assert_non_null(c);
	assert_string_equal(c->id, "org.example.pump");
	assert_string_equal(c->version, "1.2.0");
	assert_string_equal(c->language, "th");
	assert_int_equal(c->languages_count, 3);
	assert_string_equal(c->languages[0], "th");
	assert_string_equal(c->languages[1], "en");
	assert_string_equal(c->languages[2], "zh-Hans");

	assert_int_equal(c->title.count, 3);
	assert_string_equal(course_text_get(&c->title, "th", c->language), "การบำรุงรักษาปั๊มน้ำ");
	assert_string_equal(course_text_get(&c->title, "en", c->language),
	                    "Water pump maintenance");
	assert_string_equal(course_text_get(&c->title, "zh-Hans", c->language), "水泵维护");
	assert_int_equal(c->description.count, 2);
	assert_string_equal(course_text_get(&c->description, "en", c->language),
	                    "Keep a pump running.");
	assert_string_equal(course_text_get(&c->description, "th", c->language), "ดูแลปั๊มน้ำ");

	assert_string_equal(c->publisher_name, "Example TVET College");
	assert_non_null(c->publisher_contact);
	assert_string_equal(c->publisher_contact, "courses@example.org");
	assert_string_equal(c->licence, "CC-BY-4.0");
	assert_non_null(c->level);
	assert_string_equal(c->level, "beginner");
	assert_int_equal(c->subjects_count, 2);
	assert_string_equal(c->subjects[0], "engineering");
	assert_string_equal(c->subjects[1], "water");
	assert_string_equal(c->start, "index.html");
	assert_non_null(c->search);
	assert_string_equal(c->search, "META-INF/search.txt");
	assert_non_null(c->created);
	assert_string_equal(c->created, "2026-03-01T10:00:00Z");

	assert_int_equal(c->lessons_count, 2);
	assert_string_equal(c->lessons[0].id, "01-intro");
	assert_int_equal(c->lessons[0].title.count, 2);
	assert_string_equal(course_text_get(&c->lessons[0].title, "en", c->language),
	                    "Introduction");
	assert_string_equal(course_text_get(&c->lessons[0].title, "th", c->language), "บทนำ");
	assert_string_equal(c->lessons[0].page, "lessons/01-intro.html");
	assert_non_null(c->lessons[0].source);
	assert_string_equal(c->lessons[0].source, "lessons/01-intro.md");
	assert_string_equal(c->lessons[0].language, "th"); /* the course's */
	assert_string_equal(c->lessons[1].id, "02.pumps_a");
	assert_string_equal(c->lessons[1].page, "lessons/02.html");
	assert_null(c->lessons[1].source);
	assert_string_equal(c->lessons[1].language, "en");
	assert_string_equal(course_text_get(&c->lessons[1].title, "en", c->language), "ปั๊ม");
	course_free(c);
}

static void leaves_optional_fields_empty_when_absent(void **state)
{
	char *json = course_with(NULL, NULL, NULL);
	struct course *c = NULL;
	struct bundle_error err;

	(void)state;
	assert_ok(course_parse(json, strlen(json), &c, &err), err);
	assert_int_equal(c->description.count, 0);
	assert_null(c->publisher_contact);
	assert_null(c->level);
	assert_int_equal(c->subjects_count, 0);
	assert_null(c->search);
	assert_null(c->created);
	assert_int_equal(c->lessons_count, 1);
	assert_null(c->lessons[0].source);
	assert_string_equal(c->lessons[0].language, "en");
	course_free(c);
	free(json);
}

static void refuses_text_that_is_not_json_with_line_and_column(void **state)
{
	static const char text[] = "{\n  \"sampan-bundle\": 1,\n  oops\n}\n";
	struct bundle_error err;

	(void)state;
	assert_rule(parse_only(text, sizeof(text) - 1, &err), BUNDLE_INVALID, err,
	            RULE_COURSE_INVALID);
	assert_non_null(strstr(err.message, "line 3"));
	assert_non_null(strstr(err.message, "column"));
	assert_non_null(strstr(err.message, "(COURSE_INVALID)"));
	assert_true(strncmp(err.message, "entry 'META-INF/course.json': ", 30) == 0);
	TEXT_BAD("");
	TEXT_BAD("{");
	TEXT_BAD("{\"id\": \"a\",}");
	TEXT_BAD("{'id': 'a'}");
}

static void refuses_json_that_is_not_an_object(void **state)
{
	(void)state;
	TEXT_BAD("[1, 2]");
	TEXT_BAD("[]");
	TEXT_BAD("\"org.example\"");
	TEXT_BAD("1");
	TEXT_BAD("null");
}

static void refuses_duplicate_keys(void **state)
{
	char *json = course_with(NULL, NULL, "\"licence\": \"CC0-1.0\"");
	struct bundle_error err;

	(void)state;
	assert_rule(parse_only(json, strlen(json), &err), BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	free(json);
	assert_non_null(strstr(err.message, "duplicate"));
	RAW_BAD("\"id\": \"org.example.pump\"");
	RAW_BAD("\"x-a\": 1, \"x-a\": 2");
	WITH_BAD("publisher", "{\"name\": \"A\", \"name\": \"B\"}");
}

static void refuses_missing_required_keys(void **state)
{
	static const char *const required[] = { "sampan-bundle", "id",     "version",   "language",
		                                "languages",     "title",  "publisher", "licence",
		                                "start",         "lessons" };

	(void)state;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		WITH_BAD(required[i], NULL);
	WITH_BAD("publisher", "{\"contact\": \"a@example.org\"}");
	WITH_BAD("publisher", "{}");
	WITH_BAD("publisher", "\"Example TVET College\"");
	/* and the minimal course itself is fine */
	RAW_OK("\"x-nothing\": null");
}

static void refuses_other_format_numbers(void **state)
{
	(void)state;
	WITH_BAD("sampan-bundle", "2");
	WITH_BAD("sampan-bundle", "0");
	WITH_BAD("sampan-bundle", "\"1\"");
	WITH_BAD("sampan-bundle", "1.0");
	WITH_BAD("sampan-bundle", "true");
	WITH_OK("sampan-bundle", "1");
}

static void refuses_invalid_id_and_version(void **state)
{
	(void)state;
	WITH_BAD("id", "\"Org.Example\"");
	WITH_BAD("id", "\"org..example\"");
	WITH_BAD("id", "\"\"");
	WITH_BAD("id", "42");
	WITH_BAD("version", "\"1.02\"");
	WITH_BAD("version", "\"1.2.3.4.5\"");
	WITH_BAD("version", "\"v1\"");
	WITH_BAD("version", "1");
	WITH_OK("version", "\"2026.11.3\"");
}

static void refuses_bad_language_tags(void **state)
{
	(void)state;
	WITH_BAD("language", "\"EN\"");
	WITH_BAD("language", "\"english\"");
	WITH_BAD("language", "\"e\"");
	WITH_BAD("language", "\"en_US\"");
	WITH_BAD("languages", "[\"en\", \"TH\"]");
	WITH_BAD("languages", "[\"en\", 7]");
	WITH_BAD("languages", "\"en\"");
	WITH_BAD("languages", "[]");
	WITH_BAD("title", "{\"en\": \"Pumps\", \"Thai\": \"x\"}");
}

static void refuses_languages_without_the_main_language(void **state)
{
	(void)state;
	WITH_BAD("languages", "[\"th\"]");
	WITH_BAD("languages", "[\"th\", \"en-GB\"]");
	WITH_OK("languages", "[\"th\", \"en\"]");
	WITH_OK("languages", "[\"en\"]");
}

static void refuses_duplicate_language(void **state)
{
	(void)state;
	WITH_BAD("languages", "[\"en\", \"th\", \"en\"]");
	WITH_BAD("languages", "[\"th\", \"th\", \"en\"]");
}

static void refuses_title_without_main_language(void **state)
{
	(void)state;
	WITH_BAD("title", "{\"th\": \"ปั๊มน้ำ\"}");
	WITH_BAD("title", "{}");
	WITH_BAD("title", "\"Water pumps\"");
	WITH_BAD("title", "{\"en\": \"\"}");
	WITH_BAD("title", "{\"en\": 5}");
	WITH_OK("title", "{\"en\": \"Water pumps\"}");
}

static void refuses_empty_licence(void **state)
{
	(void)state;
	WITH_BAD("licence", "\"\"");
	WITH_BAD("licence", "[\"CC-BY-4.0\"]");
	WITH_OK("licence", "\"LicenseRef-Example\"");
}

static void refuses_empty_lessons(void **state)
{
	(void)state;
	WITH_BAD("lessons", "[]");
	WITH_BAD("lessons", "{}");
	WITH_BAD("lessons", "[\"lessons/01.html\"]");
}

static void refuses_lesson_without_page_or_title(void **state)
{
	(void)state;
	WITH_BAD("lessons", "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}}]");
	WITH_BAD("lessons", "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, \"page\": \"\"}]");
	WITH_BAD("lessons", "[{\"id\": \"a\", \"page\": \"a.html\"}]");
	WITH_BAD("lessons", "[{\"id\": \"a\", \"title\": {\"th\": \"A\"}, \"page\": \"a.html\"}]");
	WITH_BAD("lessons", "[{\"title\": {\"en\": \"A\"}, \"page\": \"a.html\"}]");
	WITH_BAD("lessons", "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\", "
	                    "\"language\": \"EN\"}]");
}

static void refuses_bad_lesson_ids(void **state)
{
	static const char *const bad[] = { "Intro",  "-intro", ".intro",  "_intro",
		                           "in tro", "in/tro", "\xC3\xA9" };
	static const char *const good[] = { "a", "0", "01-intro", "a.b_c-d", "x--", "9." };
	char lessons[512], long_id[200];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(lessons, sizeof(lessons),
		         "[{\"id\": \"%s\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\"}]",
		         bad[i]);
		WITH_BAD("lessons", lessons);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(lessons, sizeof(lessons),
		         "[{\"id\": \"%s\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\"}]",
		         good[i]);
		WITH_OK("lessons", lessons);
	}
	memset(long_id, 'a', 129);
	long_id[128] = '\0';
	snprintf(lessons, sizeof(lessons),
	         "[{\"id\": \"%s\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\"}]", long_id);
	WITH_OK("lessons", lessons);
	long_id[128] = 'a';
	long_id[129] = '\0';
	snprintf(lessons, sizeof(lessons),
	         "[{\"id\": \"%s\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\"}]", long_id);
	WITH_BAD("lessons", lessons);
}

static void refuses_duplicate_lesson_id(void **state)
{
	(void)state;
	WITH_BAD("lessons", "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\"},"
	                    " {\"id\": \"b\", \"title\": {\"en\": \"B\"}, \"page\": \"b.html\"},"
	                    " {\"id\": \"a\", \"title\": {\"en\": \"C\"}, \"page\": \"c.html\"}]");
	WITH_OK("lessons", "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\"},"
	                   " {\"id\": \"b\", \"title\": {\"en\": \"B\"}, \"page\": \"a.html\"}]");
}

/* A member "x-deep" holding n nested arrays. */
static char *nested(int n)
{
	char *raw = malloc((size_t)n * 2 + 16);
	size_t k = 0;

	assert_non_null(raw);
	k += (size_t)snprintf(raw, 16, "\"x-deep\": ");
	for (int i = 0; i < n; i++)
		raw[k++] = '[';
	for (int i = 0; i < n; i++)
		raw[k++] = ']';
	raw[k] = '\0';
	return raw;
}

/* A member "x-deep" holding n nested objects {"k": {"k": ... 1}}. */
static char *nested_objects(int n)
{
	char *raw = malloc((size_t)n * 8 + 16);
	size_t k = 0;

	assert_non_null(raw);
	k += (size_t)snprintf(raw, 16, "\"x-deep\": ");
	for (int i = 0; i < n; i++) {
		memcpy(raw + k, "{\"k\": ", 6);
		k += 6;
	}
	raw[k++] = '1';
	for (int i = 0; i < n; i++)
		raw[k++] = '}';
	raw[k] = '\0';
	return raw;
}

static void refuses_nesting_deeper_than_16(void **state)
{
	char *raw;

	(void)state;
	/* the root object is level 1: 15 arrays inside it make 16 levels */
	raw = nested(15);
	RAW_OK(raw);
	free(raw);
	raw = nested(16);
	RAW_BAD(raw);
	free(raw);
	raw = nested(500);
	RAW_BAD(raw);
	free(raw);
	/* the same with objects */
	raw = nested_objects(15);
	RAW_OK(raw);
	free(raw);
	raw = nested_objects(16);
	RAW_BAD(raw);
	free(raw);
}

static void refuses_invalid_utf8(void **state)
{
	(void)state;
	WITH_BAD("licence", "\"CC\xFF\"");
	WITH_BAD("title", "{\"en\": \"Pump \xC0\xAF\"}");
	RAW_BAD("\"x-\xED\xA0\x80\": 1");
	WITH_BAD("title", "{\"en\": \"a\\u0000b\"}");
}

static void ignores_unknown_keys(void **state)
{
	(void)state;
	RAW_OK("\"x-builder\": {\"version\": \"0.1\", \"flags\": [true, false, null]}");
	RAW_OK("\"parts\": [1, 2], \"delta\": {\"from\": \"1.0\"}, \"endorsements\": []");
	RAW_OK("\"future-key\": \"whatever\"");
	WITH_OK("publisher", "{\"name\": \"A\", \"url\": \"https://example.org\"}");
	WITH_OK("lessons", "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, \"page\": \"a.html\", "
	                   "\"duration\": 30}]");
}

static void accepts_empty_strings_where_the_format_allows_any_string(void **state)
{
	/*
	 * Decisions section 7 requires non-empty strings for title texts and the
	 * licence only; description texts, publisher contact, level, subjects and
	 * created are plain strings, so "" is valid there.
	 */
	static const struct {
		const char *key, *value;
	} cases[] = {
		{ "description", "{\"en\": \"\"}" },
		{ "publisher", "{\"name\": \"A\", \"contact\": \"\"}" },
		{ "level", "\"\"" },
		{ "subjects", "[\"\"]" },
		{ "created", "\"\"" },
	};
	char refused[512] = "";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *json = course_with(cases[i].key, cases[i].value, NULL);
		struct bundle_error err;
		if (parse_only(json, strlen(json), &err) != BUNDLE_OK) {
			size_t n = strlen(refused);
			snprintf(refused + n, sizeof(refused) - n, " %s=%s", cases[i].key,
			         cases[i].value);
		}
		free(json);
	}
	if (refused[0])
		fail_msg("refused:%s", refused);
}

/* ---- course_check ---- */

struct names {
	const char *const *v;
	size_t n;
};

static bool exists(void *ctx, const char *name)
{
	const struct names *names = ctx;

	for (size_t i = 0; i < names->n; i++)
		if (strcmp(names->v[i], name) == 0)
			return true;
	return false;
}

static const char *const full_entries[] = {
	"META-INF/search.txt", "index.html",      "lessons/01-intro.html",
	"lessons/01-intro.md", "lessons/02.html",
};

static enum bundle_status check_full(const char *const *entries, size_t n, const char *id,
                                     const char *version, struct bundle_error *err)
{
	struct course *c = NULL;
	struct names names = { entries, n };
	enum bundle_status st;

	assert_ok(course_parse(full_course, sizeof(full_course) - 1, &c, err), *err);
	bundle_error_clear(err);
	st = course_check(c, id, version, exists, &names, err);
	course_free(c);
	return st;
}

/* full_entries without entry `drop`. */
static enum bundle_status check_without(const char *drop, struct bundle_error *err)
{
	const char *v[8];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(full_entries) / sizeof(full_entries[0]); i++)
		if (strcmp(full_entries[i], drop) != 0)
			v[n++] = full_entries[i];
	assert_int_equal(n, sizeof(full_entries) / sizeof(full_entries[0]) - 1);
	return check_full(v, n, "org.example.pump", "1.2.0", err);
}

static void check_accepts_course_matching_its_bundle(void **state)
{
	struct bundle_error err;

	(void)state;
	assert_ok(check_full(full_entries, 5, "org.example.pump", "1.2.0", &err), err);
}

static void check_refuses_id_or_version_mismatch(void **state)
{
	struct bundle_error err;

	(void)state;
	assert_rule(check_full(full_entries, 5, "org.example.other", "1.2.0", &err), BUNDLE_INVALID,
	            err, RULE_COURSE_INVALID);
	assert_rule(check_full(full_entries, 5, "org.example.pump", "1.3", &err), BUNDLE_INVALID,
	            err, RULE_COURSE_INVALID);
	assert_rule(check_full(full_entries, 5, "org.example.pum", "1.2.0", &err), BUNDLE_INVALID,
	            err, RULE_COURSE_INVALID);
}

static void check_refuses_names_missing_from_the_bundle(void **state)
{
	struct bundle_error err;

	(void)state;
	assert_rule(check_without("index.html", &err), BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	assert_non_null(strstr(err.message, "index.html"));
	assert_rule(check_without("lessons/02.html", &err), BUNDLE_INVALID, err,
	            RULE_COURSE_INVALID);
	assert_non_null(strstr(err.message, "lessons/02.html"));
	assert_rule(check_without("lessons/01-intro.md", &err), BUNDLE_INVALID, err,
	            RULE_COURSE_INVALID);
	assert_non_null(strstr(err.message, "lessons/01-intro.md"));
	assert_rule(check_without("META-INF/search.txt", &err), BUNDLE_INVALID, err,
	            RULE_COURSE_INVALID);
	assert_non_null(strstr(err.message, "META-INF/search.txt"));
}

static enum bundle_status check_json(char *json, const char *const *entries, size_t n,
                                     struct bundle_error *err)
{
	struct course *c = NULL;
	struct names names = { entries, n };
	enum bundle_status st;

	assert_ok(course_parse(json, strlen(json), &c, err), *err);
	free(json);
	bundle_error_clear(err);
	st = course_check(c, "org.example.pump", "1.2", exists, &names, err);
	course_free(c);
	return st;
}

static void check_refuses_pages_under_meta_inf_but_allows_search_there(void **state)
{
	static const char *const entries[] = { "index.html", "lessons/01-intro.html",
		                               "META-INF/page.html", "META-INF/search.txt",
		                               "META-INF/src.md" };
	struct bundle_error err;

	(void)state;
	assert_ok(check_json(course_with(NULL, NULL, NULL), entries, 5, &err), err);
	assert_rule(check_json(course_with("lessons",
	                                   "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, "
	                                   "\"page\": \"META-INF/page.html\"}]",
	                                   NULL),
	                       entries, 5, &err),
	            BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	assert_rule(
	        check_json(course_with("start", "\"META-INF/page.html\"", NULL), entries, 5, &err),
	        BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	assert_rule(check_json(course_with("lessons",
	                                   "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, "
	                                   "\"page\": \"index.html\", "
	                                   "\"source\": \"META-INF/src.md\"}]",
	                                   NULL),
	                       entries, 5, &err),
	            BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	assert_ok(check_json(course_with("search", "\"META-INF/search.txt\"", NULL), entries, 5,
	                     &err),
	          err);
	assert_ok(check_json(course_with("search", "\"index.html\"", NULL), entries, 5, &err), err);
}

/* Teacher pages (bundle-v1.md 11.7): read, checked, written back, copied. */
static void teacher_pages_are_read_checked_and_written(void **state)
{
	static const char *const entries[] = { "index.html", "lessons/01-intro.html",
		                               "teacher/lessons/01-intro.html",
		                               "teacher/index.html" };
	static const char one[] = "[{\"title\": {\"en\": \"Notes\"}, \"lesson\": \"01-intro\", "
	                          "\"page\": \"teacher/lessons/01-intro.html\"}]";
	struct course *c = NULL, *d, *back = NULL;
	struct bundle_error err;
	char *json = course_with("teacher", one, NULL), *out = NULL;
	size_t len;

	(void)state;
	assert_ok(course_parse(json, strlen(json), &c, &err), err);
	assert_int_equal(c->teacher_count, 1);
	assert_string_equal(c->teacher[0].page, "teacher/lessons/01-intro.html");
	assert_string_equal(c->teacher[0].lesson, "01-intro");
	assert_string_equal(course_text_get(&c->teacher[0].title, "en", NULL), "Notes");
	assert_ok(course_format(c, &out, &len, &err), err);
	assert_non_null(strstr(out, "\"teacher\": ["));
	assert_ok(course_parse(out, len, &back, &err), err);
	assert_int_equal(back->teacher_count, 1);
	d = course_dup(c);
	assert_non_null(d);
	course_free(c);
	assert_string_equal(d->teacher[0].page, "teacher/lessons/01-intro.html");
	course_free(d);
	course_free(back);
	free(out);
	free(json);
	assert_true(course_is_teacher_entry("teacher/x.html"));
	assert_false(course_is_teacher_entry("Teacher/x.html"));
	assert_false(course_is_teacher_entry("teachers/x.html"));
	assert_false(course_is_teacher_entry("lessons/teacher/x.html"));

	assert_ok(check_json(course_with("teacher", one, NULL), entries, 4, &err), err);
	/* missing from the bundle */
	assert_rule(check_json(course_with("teacher", one, NULL), entries, 2, &err), BUNDLE_INVALID,
	            err, RULE_COURSE_INVALID);
	/* students' entries never in teacher/ */
	assert_rule(
	        check_json(course_with("start", "\"teacher/index.html\"", NULL), entries, 4, &err),
	        BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	assert_non_null(strstr(err.message, "teacher/"));
	assert_rule(check_json(course_with("lessons",
	                                   "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, "
	                                   "\"page\": \"teacher/index.html\"}]",
	                                   NULL),
	                       entries, 4, &err),
	            BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	/* a lesson's source may be there: it holds the notes too */
	assert_ok(check_json(course_with("lessons",
	                                 "[{\"id\": \"a\", \"title\": {\"en\": \"A\"}, "
	                                 "\"page\": \"lessons/01-intro.html\", "
	                                 "\"source\": \"teacher/index.html\"}]",
	                                 NULL),
	                     entries, 4, &err),
	          err);
	WITH_BAD("teacher", "[]");
	WITH_BAD("teacher", "{}");
	WITH_BAD("teacher", "[\"teacher/index.html\"]");
	WITH_BAD("teacher", "[{\"title\": {\"en\": \"N\"}, \"page\": \"lessons/01-intro.html\"}]");
	WITH_BAD("teacher", "[{\"page\": \"teacher/index.html\"}]");
	WITH_BAD("teacher", "[{\"title\": {\"th\": \"N\"}, \"page\": \"teacher/index.html\"}]");
	WITH_BAD("teacher", "[{\"title\": {\"en\": \"N\"}, \"page\": \"teacher/index.html\", "
	                    "\"lesson\": \"02\"}]");
	WITH_BAD("teacher", "[{\"title\": {\"en\": \"N\"}, \"page\": \"teacher/a.html\"}, "
	                    "{\"title\": {\"en\": \"M\"}, \"page\": \"teacher/a.html\"}]");
	WITH_OK("teacher", "[{\"title\": {\"en\": \"N\"}, \"page\": \"teacher/a.html\"}, "
	                   "{\"title\": {\"en\": \"M\"}, \"page\": \"teacher/b.html\"}]");
}

/* ---- text and language tags ---- */

static void text_get_falls_back_to_main_language_then_first(void **state)
{
	char th[] = "th", en[] = "en", t_th[] = "ไทย", t_en[] = "English";
	char *langs[] = { th, en }, *texts[] = { t_th, t_en };
	struct course_text t = { 2, langs, texts };
	struct course_text none = { 0, NULL, NULL };

	(void)state;
	assert_string_equal(course_text_get(&t, "en", "th"), "English");
	assert_string_equal(course_text_get(&t, "th", "en"), "ไทย");
	assert_string_equal(course_text_get(&t, "fr", "en"), "English");
	assert_string_equal(course_text_get(&t, "fr", "th"), "ไทย");
	assert_string_equal(course_text_get(&t, "fr", "de"), "ไทย");
	assert_string_equal(course_text_get(&t, NULL, "en"), "English");
	assert_string_equal(course_text_get(&t, NULL, NULL), "ไทย");
	assert_string_equal(course_text_get(&t, "en", NULL), "English");
	assert_null(course_text_get(&none, "en", "th"));
	assert_null(course_text_get(&none, NULL, NULL));
}

static void text_get_falls_back_to_first_without_main_language(void **state)
{
	/* course.h: "The text in lang, else in the course's main language, else the first". */
	char th[] = "th", en[] = "en", t_th[] = "ไทย", t_en[] = "English";
	char *langs[] = { th, en }, *texts[] = { t_th, t_en };
	struct course_text t = { 2, langs, texts };
	const char *got;

	(void)state;
	got = course_text_get(&t, "fr", NULL);
	if (!got)
		fail_msg("course_text_get(t, \"fr\", NULL) gave NULL, want the first text");
	assert_string_equal(got, "ไทย");
}

static void lang_grammar_accepts_and_refuses(void **state)
{
	static const char *const good[] = { "th",         "en",     "fil",        "zh-Hans",
		                            "en-US",      "es-419", "km-KH",      "my",
		                            "lo",         "vi",     "sr-Latn-RS", "de-CH-1996",
		                            "en-abcdefgh" };
	static const char *const bad[] = { "",       "e",        "engl", "EN",           "En",
		                           "en-",    "en-a",     "-en",  "en--US",       "en_US",
		                           "en-US-", "zh-Hans ", " zh",  "en-abcdefghi", "th1",
		                           "en-U$",  "\xC3\xA9n" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!course_lang_valid(good[i]))
			fail_msg("language tag '%s' refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (course_lang_valid(bad[i]))
			fail_msg("language tag '%s' accepted", bad[i]);
}

/* course_format writes what course_parse reads back the same, and the same bytes twice. */
static void format_round_trips_and_is_deterministic(void **state)
{
	struct course *c = NULL, *back = NULL;
	struct bundle_error err;
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	(void)state;
	assert_ok(course_parse(full_course, strlen(full_course), &c, &err), err);
	assert_ok(course_format(c, &a, &alen, &err), err);
	assert_ok(course_format(c, &b, &blen, &err), err);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_int_equal(a[alen - 1], '\n');
	assert_ok(course_parse(a, alen, &back, &err), err);
	assert_string_equal(back->id, c->id);
	assert_string_equal(back->version, c->version);
	assert_int_equal(back->lessons_count, c->lessons_count);
	assert_string_equal(back->lessons[0].page, c->lessons[0].page);
	assert_int_equal(back->title.count, c->title.count);
	assert_string_equal(course_text_get(&back->title, c->language, NULL),
	                    course_text_get(&c->title, c->language, NULL));
	/* an invalid course is refused, not written */
	free(c->licence);
	c->licence = strdup("");
	free(a);
	a = NULL;
	assert_rule(course_format(c, &a, &alen, &err), BUNDLE_INVALID, err, RULE_COURSE_INVALID);
	assert_null(a);
	free(b);
	course_free(c);
	course_free(back);
}

/* course_dup copies every field and keeps nothing of the original's memory. */
static void dup_is_equal_and_independent(void **state)
{
	struct course *c = NULL, *d;
	struct bundle_error err;
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	(void)state;
	assert_ok(course_parse(full_course, strlen(full_course), &c, &err), err);
	d = course_dup(c);
	assert_non_null(d);
	assert_ok(course_format(c, &a, &alen, &err), err);
	assert_ok(course_format(d, &b, &blen, &err), err);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_ptr_not_equal(d->id, c->id);
	assert_ptr_not_equal(d->title.text[0], c->title.text[0]);
	assert_ptr_not_equal(d->lessons[0].title.lang[0], c->lessons[0].title.lang[0]);
	/* the copy outlives the original: the catalog keeps it once the bundle is closed */
	course_free(c);
	assert_string_equal(d->id, "org.example.pump");
	assert_int_equal(d->lessons_count, 2);
	assert_string_equal(d->lessons[0].source, "lessons/01-intro.md");
	assert_null(d->lessons[1].source);
	assert_string_equal(d->lessons[1].language, "en");
	assert_int_equal(d->subjects_count, 2);
	assert_string_equal(d->created, "2026-03-01T10:00:00Z");
	course_free(d);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_round_trips_and_is_deterministic),
		cmocka_unit_test(dup_is_equal_and_independent),
		cmocka_unit_test(teacher_pages_are_read_checked_and_written),
		cmocka_unit_test(parses_every_field_of_a_full_course),
		cmocka_unit_test(leaves_optional_fields_empty_when_absent),
		cmocka_unit_test(refuses_text_that_is_not_json_with_line_and_column),
		cmocka_unit_test(refuses_json_that_is_not_an_object),
		cmocka_unit_test(refuses_duplicate_keys),
		cmocka_unit_test(refuses_missing_required_keys),
		cmocka_unit_test(refuses_other_format_numbers),
		cmocka_unit_test(refuses_invalid_id_and_version),
		cmocka_unit_test(refuses_bad_language_tags),
		cmocka_unit_test(refuses_languages_without_the_main_language),
		cmocka_unit_test(refuses_duplicate_language),
		cmocka_unit_test(refuses_title_without_main_language),
		cmocka_unit_test(refuses_empty_licence),
		cmocka_unit_test(refuses_empty_lessons),
		cmocka_unit_test(refuses_lesson_without_page_or_title),
		cmocka_unit_test(refuses_bad_lesson_ids),
		cmocka_unit_test(refuses_duplicate_lesson_id),
		cmocka_unit_test(refuses_nesting_deeper_than_16),
		cmocka_unit_test(refuses_invalid_utf8),
		cmocka_unit_test(ignores_unknown_keys),
		cmocka_unit_test(accepts_empty_strings_where_the_format_allows_any_string),
		cmocka_unit_test(check_accepts_course_matching_its_bundle),
		cmocka_unit_test(check_refuses_id_or_version_mismatch),
		cmocka_unit_test(check_refuses_names_missing_from_the_bundle),
		cmocka_unit_test(check_refuses_pages_under_meta_inf_but_allows_search_there),
		cmocka_unit_test(text_get_falls_back_to_main_language_then_first),
		cmocka_unit_test(text_get_falls_back_to_first_without_main_language),
		cmocka_unit_test(lang_grammar_accepts_and_refuses),
	};
	return cmocka_run_group_tests_name("course", tests, NULL, NULL);
}

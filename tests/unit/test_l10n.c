/*
 * test_l10n.c - the interface in ten languages (player/l10n.c): every string of
 * po/sampan.pot translated in every language, from the catalogs built into the
 * program; English for what a catalog lacks; the language of a request.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "l10n.h"
#include "reply.h"

/* ---- the strings of po/sampan.pot ---- */

struct message {
	char *ctx, *id, *plural;
};

/* A quoted .po string (one line's): its text, unescaped, appended to *s. */
static void append_quoted(char **s, const char *line)
{
	const char *p = strchr(line, '"');
	size_t n = *s ? strlen(*s) : 0;
	char *out;

	assert_non_null(p);
	out = realloc(*s, n + strlen(p) + 1);
	assert_non_null(out);
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\') {
			p++;
			out[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	*s = out;
}

/* Every message of the template but its header; *n of them. */
static struct message *read_pot(size_t *n)
{
	char *path = tu_path(tu_top(), "po/sampan.pot");
	char *text = (char *)tu_read(path, NULL), *save = NULL;
	struct message *m = calloc(256, sizeof(*m));
	char **last = NULL;
	size_t count = 0;

	assert_non_null(m);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "msgctxt ", 8) == 0) {
			assert_true(count < 256);
			count++;
			last = &m[count - 1].ctx;
		} else if (strncmp(line, "msgid_plural ", 13) == 0) {
			last = &m[count - 1].plural;
		} else if (strncmp(line, "msgid ", 6) == 0) {
			/* the header is the one message without a context */
			last = count ? &m[count - 1].id : NULL;
			if (last && *last)
				fail_msg("a message of po/sampan.pot has no context: %s", line);
		} else if (line[0] == '"' && last) {
			/* a continuation line */
		} else {
			last = NULL;
			continue;
		}
		if (last)
			append_quoted(last, line);
	}
	free(text);
	free(path);
	*n = count;
	return m;
}

static void free_pot(struct message *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].ctx);
		free(m[i].id);
		free(m[i].plural);
	}
	free(m);
}

/* ---- tests ---- */

static void ten_languages_english_first(void **state)
{
	(void)state;
	static const char *const want[] = { "en", "zh-Hans", "th", "vi", "km",
		                            "lo", "my",      "ms", "id", "fil" };

	assert_int_equal(l10n_languages_count, 10);
	for (size_t i = 0; i < 10; i++)
		assert_string_equal(l10n_languages[i], want[i]);
}

static void every_catalog_is_built_in_and_reads(void **state)
{
	(void)state;
	char why[256] = "";

	if (!l10n_check(why, sizeof(why)))
		fail_msg("%s", why);
}

/*
 * Every string the player shows, in every language: a translation from the
 * language's own catalog, never the English fallback.  The table is printed,
 * so a reviewer sees each string in all ten languages.
 */
static void every_string_in_every_language(void **state)
{
	(void)state;
	size_t n;
	struct message *m = read_pot(&n);

	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		printf("# %s | %s\n", m[i].ctx, m[i].id);
		for (size_t k = 1; k < l10n_languages_count; k++) {
			const char *lang = l10n_languages[k];
			/* both plural forms where a language has two (n of 1 and of 5) */
			for (unsigned long count = 1; count <= (m[i].plural ? 5ul : 1ul);
			     count += 4) {
				const char *s = l10n_find(lang, m[i].ctx, m[i].id,
				                          m[i].plural != NULL, count);
				if (!s || !*s)
					fail_msg("'%s' (%s) has no %s translation", m[i].id,
					         m[i].ctx, lang);
				printf("#   %-7s %s\n", lang, s);
				/* The placeholders stand in the translation too. */
				if (strstr(m[i].id, "{n}"))
					assert_non_null(strstr(s, "{n}"));
				if (strstr(m[i].id, "{m}"))
					assert_non_null(strstr(s, "{m}"));
				if (strstr(m[i].id, "{t}"))
					assert_non_null(strstr(s, "{t}"));
			}
		}
	}
	free_pot(m, n);
}

static void translations_are_not_english(void **state)
{
	(void)state;
	static const char *const langs[] = { "th", "km", "zh-Hans", "vi", "lo", "my" };
	size_t n;
	struct message *m = read_pot(&n);

	for (size_t k = 0; k < sizeof(langs) / sizeof(langs[0]); k++)
		for (size_t i = 0; i < n; i++)
			if (strcmp(m[i].ctx, "number") != 0 &&
			    strcmp(l10n_get(langs[k], m[i].ctx, m[i].id), m[i].id) == 0)
				fail_msg("'%s' in %s is the English", m[i].id, langs[k]);
	free_pot(m, n);
	assert_string_equal(l10n_get("en", "catalog", "Courses"), "Courses");
	assert_string_equal(l10n_get("th", "catalog", "Courses"), "รายวิชา");
	assert_string_equal(l10n_get("vi", "number", "."), ",");
	assert_string_equal(l10n_get("id", "number", "."), ",");
	assert_string_equal(l10n_get("th", "number", "."), ".");
}

static void plural_forms(void **state)
{
	(void)state;
	assert_string_equal(l10n_nget("en", "catalog", "{n} lesson", "{n} lessons", 1),
	                    "{n} lesson");
	assert_string_equal(l10n_nget("en", "catalog", "{n} lesson", "{n} lessons", 0),
	                    "{n} lessons");
	assert_string_equal(l10n_nget("en", "catalog", "{n} lesson", "{n} lessons", 12),
	                    "{n} lessons");
	/* Thai has one form for every number. */
	assert_string_equal(l10n_nget("th", "catalog", "{n} lesson", "{n} lessons", 1),
	                    l10n_nget("th", "catalog", "{n} lesson", "{n} lessons", 7));
	assert_non_null(strstr(l10n_nget("my", "catalog", "{n} lesson", "{n} lessons", 3), "{n}"));
}

static void what_a_catalog_lacks_is_english(void **state)
{
	(void)state;
	assert_null(l10n_find("th", "catalog", "No such string", false, 0));
	assert_string_equal(l10n_get("th", "catalog", "No such string"), "No such string");
	assert_string_equal(l10n_nget("th", "catalog", "one thing", "{n} things", 1), "one thing");
	assert_string_equal(l10n_nget("th", "catalog", "one thing", "{n} things", 2), "{n} things");
	/* The context counts: the same words in another context are another string. */
	assert_null(l10n_find("th", "nowhere", "Courses", false, 0));
	/* English has no catalog: its strings are the code's. */
	assert_null(l10n_find("en", "catalog", "Courses", false, 0));
}

static void unknown_language_is_english_and_variants_match(void **state)
{
	(void)state;
	assert_string_equal(l10n_language("xx"), "en");
	assert_string_equal(l10n_language(NULL), "en");
	assert_string_equal(l10n_language(""), "en");
	assert_string_equal(l10n_language("th-TH"), "th");
	assert_string_equal(l10n_language("zh-CN"), "zh-Hans");
	assert_string_equal(l10n_language("ZH-hans"), "zh-Hans");
	assert_string_equal(l10n_language("tl"), "fil");
	assert_string_equal(l10n_language("en_GB"), "en");
	assert_string_equal(l10n_language("TL-ph"), "fil");
	assert_string_equal(l10n_language("zh_Hans"), "zh-Hans");
	/* A primary language is matched whole: Finnish is not Filipino, Khmer's km not "k". */
	assert_string_equal(l10n_language("fi"), "en");
	assert_string_equal(l10n_language("k"), "en");
	assert_string_equal(l10n_language("mya"), "en");
	assert_string_equal(l10n_get("xx", "catalog", "Courses"), "Courses");
	assert_string_equal(l10n_get("th-TH", "catalog", "Courses"),
	                    l10n_get("th", "catalog", "Courses"));
}

/* A request made of a table's cells: its ?lang=, Cookie and Accept-Language. */
struct asked {
	const char *lang, *cookie, *accept;
};

static const char *asked_header(const struct request *rq, const char *name)
{
	const struct asked *a = rq->ctx;

	return strcasecmp(name, "Cookie") == 0            ? a->cookie
	       : strcasecmp(name, "Accept-Language") == 0 ? a->accept
	                                                  : NULL;
}

static const char *asked_arg(const struct request *rq, const char *name)
{
	const struct asked *a = rq->ctx;

	return strcmp(name, "lang") == 0 ? a->lang : NULL;
}

static struct request request_of(const struct asked *a)
{
	struct request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = "/";
	rq.header = asked_header;
	rq.arg = asked_arg;
	rq.ctx = (void *)(uintptr_t)a;
	return rq;
}

/*
 * The order: ?lang= (exactly one of the ten), then the sampan_lang cookie
 * (the same), then Accept-Language, then English; and the cookie set only
 * when ?lang= asks for another language than the phone would get anyway.
 */
static void the_language_of_a_request(void **state)
{
	(void)state;
	static const struct {
		int line;
		struct asked in;
		const char *want; /* the interface language */
		const char *set; /* the cookie's value set, or NULL: no Set-Cookie */
	} table[] = {
		{ __LINE__, { NULL, NULL, NULL }, "en", NULL },
		{ __LINE__, { NULL, NULL, "fr" }, "en", NULL },
		{ __LINE__, { NULL, NULL, "fr, zh;q=0.8" }, "zh-Hans", NULL },
		{ __LINE__, { NULL, NULL, "vi-VN,vi;q=0.9,en;q=0.5" }, "vi", NULL },
		/* ?lang= first */
		{ __LINE__, { "km", NULL, "th" }, "km", "km" },
		{ __LINE__, { "km", "sampan_lang=lo", "th" }, "km", "km" },
		/* only an interface language, spelt as the table spells it */
		{ __LINE__, { "KM", NULL, "th" }, "th", NULL },
		{ __LINE__, { "xx", NULL, "vi-VN,vi;q=0.9,en;q=0.5" }, "vi", NULL },
		{ __LINE__, { "", "sampan_lang=lo", NULL }, "lo", NULL },
		/* the cookie, ahead of Accept-Language */
		{ __LINE__, { NULL, "sampan_lang=th", "vi" }, "th", NULL },
		{ __LINE__, { NULL, "a=1; sampan_lang=zh-Hans; b=2", "vi" }, "zh-Hans", NULL },
		{ __LINE__, { NULL, "sampan_lang=fil ", NULL }, "fil", NULL },
		{ __LINE__, { "xx", "sampan_lang=my", "vi" }, "my", NULL },
		/* a cookie that names no interface language is not there */
		{ __LINE__, { NULL, "sampan_lang=th-TH", "vi" }, "vi", NULL },
		{ __LINE__, { NULL, "sampan_lang=", "vi" }, "vi", NULL },
		{ __LINE__, { NULL, "sampan_lang=th<script>", "vi" }, "vi", NULL },
		{ __LINE__, { NULL, "xsampan_lang=th", "vi" }, "vi", NULL },
		{ __LINE__, { NULL, "sampan_language=th", "vi" }, "vi", NULL },
		/* what the phone gets anyway is not written down... */
		{ __LINE__, { "th", NULL, "th-TH,th;q=0.9" }, "th", NULL },
		{ __LINE__, { "th", "sampan_lang=th", "en" }, "th", NULL },
		{ __LINE__, { "en", NULL, NULL }, "en", NULL },
		/* ...but a choice against the cookie or the phone's languages is */
		{ __LINE__, { "en", "sampan_lang=th", "th" }, "en", "en" },
		{ __LINE__, { "th", NULL, "en-US,en;q=0.9" }, "th", "th" },
		{ __LINE__, { "zh-Hans", "sampan_lang=vi", "zh" }, "zh-Hans", "zh-Hans" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct request rq = request_of(&table[i].in);
		const char *got = l10n_of_request(&rq);
		char cookie[128], want_cookie[128];
		bool set = l10n_cookie(&rq, cookie, sizeof(cookie));

		if (strcmp(got, table[i].want) != 0)
			fail_msg("line %d: the interface is %s, not %s", table[i].line, got,
			         table[i].want);
		if (set != (table[i].set != NULL))
			fail_msg("line %d: %s", table[i].line,
			         set ? "a cookie set for nothing" : "no cookie set");
		if (set) {
			snprintf(want_cookie, sizeof(want_cookie),
			         "sampan_lang=%s; Path=/; Max-Age=31536000; SameSite=Lax",
			         table[i].set);
			if (strcmp(cookie, want_cookie) != 0)
				fail_msg("line %d: Set-Cookie: %s", table[i].line, cookie);
		}
	}
	/* Always one of the table's own strings. */
	for (size_t i = 0; i < l10n_languages_count; i++) {
		assert_ptr_equal(l10n_choose(l10n_languages[i], NULL, NULL), l10n_languages[i]);
		assert_ptr_equal(l10n_choose(NULL, l10n_languages[i], "km"), l10n_languages[i]);
	}
	/* too small a buffer: nothing half-written is set */
	{
		struct asked a = { "th", NULL, "en" };
		struct request rq = request_of(&a);
		char small[16];
		assert_false(l10n_cookie(&rq, small, sizeof(small)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ten_languages_english_first),
		cmocka_unit_test(every_catalog_is_built_in_and_reads),
		cmocka_unit_test(every_string_in_every_language),
		cmocka_unit_test(translations_are_not_english),
		cmocka_unit_test(plural_forms),
		cmocka_unit_test(what_a_catalog_lacks_is_english),
		cmocka_unit_test(unknown_language_is_english_and_variants_match),
		cmocka_unit_test(the_language_of_a_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

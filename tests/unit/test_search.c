/*
 * test_search.c - the player's search index (player/search.c): the query
 * test set of tests/search/ over ten languages, suggestions by prefix,
 * snippets, subtitle cues, filters, paging, the time budget, courses that
 * leave the library, reopening without indexing again, and an index file
 * that is damaged or of another version.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "search.h"

static const char *const langs[] = { "en", "zh-Hans", "th", "vi", "km",
	                             "lo", "my",      "ms", "id", "fil" };
#define LANGS (sizeof(langs) / sizeof(langs[0]))

struct fixture {
	char *dir;
	char *db;
	struct search *s;
};

static void digest_of(const char *course, unsigned char d[DIGEST_SIZE])
{
	SHA256((const unsigned char *)course, strlen(course), d);
}

static void add_course(struct search *s, const char *lang)
{
	char name[64], id[64], *path;
	unsigned char *text, d[DIGEST_SIZE];
	size_t len;
	struct bundle_error err;

	snprintf(name, sizeof(name), "tests/search/corpus-%s.txt", lang);
	snprintf(id, sizeof(id), "test.%s", lang);
	path = tu_path(tu_top(), name);
	text = tu_read(path, &len);
	digest_of(id, d);
	if (search_add(s, d, id, (const char *)text, len, &err) != BUNDLE_OK)
		fail_msg("%s: %s", name, err.message);
	free(text);
	free(path);
}

static void set_live(struct search *s, const char *const *ids, size_t n)
{
	unsigned char(*d)[DIGEST_SIZE] = calloc(n ? n : 1, DIGEST_SIZE);
	struct bundle_error err;

	assert_non_null(d);
	for (size_t i = 0; i < n; i++)
		digest_of(ids[i], d[i]);
	if (search_set_live(s, (const unsigned char(*)[DIGEST_SIZE])d, n, &err) != BUNDLE_OK)
		fail_msg("set_live: %s", err.message);
	free(d);
}

static void live_all(struct search *s)
{
	char ids[LANGS][32];
	const char *p[LANGS];

	for (size_t i = 0; i < LANGS; i++) {
		snprintf(ids[i], sizeof(ids[i]), "test.%s", langs[i]);
		p[i] = ids[i];
	}
	set_live(s, p, LANGS);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct bundle_error err;

	assert_non_null(f);
	f->dir = tu_tempdir();
	f->db = tu_path(f->dir, SEARCH_DB_NAME);
	if (search_open(f->db, &f->s, &err) != BUNDLE_OK)
		fail_msg("open: %s", err.message);
	for (size_t i = 0; i < LANGS; i++)
		add_course(f->s, langs[i]);
	live_all(f->s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	search_close(f->s);
	tu_rmrf(f->dir);
	free(f->db);
	free(f->dir);
	free(f);
	return 0;
}

static void run(struct search *s, const char *text, const char *course, const char *lang,
                size_t limit, bool prefix, struct search_result *r)
{
	struct search_query q = { text, course, lang, 0, limit, prefix, 5.0 };
	struct bundle_error err;

	if (search_run(s, &q, r, &err) != BUNDLE_OK)
		fail_msg("search %s: %s", text, err.message);
	assert_false(r->timed_out);
}

/* Whether hit h is the expected "lesson#anchor" or "cue@ms" of course test.LANG. */
static bool is_expected(const struct search_hit *h, const char *lang, const char *expected)
{
	char id[64], what[128];

	snprintf(id, sizeof(id), "test.%s", lang);
	if (strcmp(h->course, id) != 0)
		return false;
	if (h->media)
		snprintf(what, sizeof(what), "cue@%llu", (unsigned long long)h->start_ms);
	else
		snprintf(what, sizeof(what), "%s#%s", h->lesson, h->anchor);
	return strcmp(what, expected) == 0;
}

static void describe(const struct search_result *r, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < r->count && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, " [%s %s#%s%s]", r->hits[i].course,
		                      r->hits[i].lesson, r->hits[i].anchor,
		                      r->hits[i].media ? " cue" : "");
}

/* The test set: every query of tests/search/queries.tsv. */
static void test_query_set(void **state)
{
	struct fixture *f = *state;
	char *path = tu_path(tu_top(), "tests/search/queries.tsv");
	char *text = (char *)tu_read(path, NULL), *line, *save = NULL;
	size_t per_lang[LANGS] = { 0 }, total = 0, failures = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *lang, *query, *expected, *tab1, *tab2, seen[2048];
		struct search_result r;
		bool found = false;

		if (line[0] == '#' || !line[0])
			continue;
		tab1 = strchr(line, '\t');
		tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		assert_non_null(tab2);
		*tab1 = *tab2 = '\0';
		lang = line;
		query = tab1 + 1;
		expected = tab2 + 1;
		total++;
		run(f->s, query, NULL, NULL, 3, false, &r);
		describe(&r, seen, sizeof(seen));
		if (strcmp(expected, "-") == 0) {
			if (r.count != 0) {
				print_error("%s \"%s\": expected nothing, found%s\n", lang, query,
				            seen);
				failures++;
			}
			search_result_free(&r);
			continue;
		}
		for (size_t i = 0; i < r.count; i++)
			found = found || is_expected(&r.hits[i], lang, expected);
		if (!found) {
			print_error("%s \"%s\": %s not in the first three:%s\n", lang, query,
			            expected, seen);
			failures++;
		}
		search_result_free(&r);
		run(f->s, query, NULL, lang, 1, false, &r);
		if (r.count != 1 || !is_expected(&r.hits[0], lang, expected)) {
			describe(&r, seen, sizeof(seen));
			print_error("%s \"%s\" in %s only: %s not first:%s\n", lang, query, lang,
			            expected, seen);
			failures++;
		}
		search_result_free(&r);
		for (size_t i = 0; i < LANGS; i++)
			if (strcmp(langs[i], lang) == 0)
				per_lang[i]++;
	}
	free(text);
	free(path);
	for (size_t i = 0; i < LANGS; i++)
		if (per_lang[i] < 5)
			fail_msg("only %zu queries with answers in %s", per_lang[i], langs[i]);
	print_message("# %zu queries, %zu failed\n", total, failures);
	assert_int_equal(failures, 0);
}

/*
 * The slips of tests/search/slips.tsv: each finds its section among the
 * first three, or its "did you mean" does; none ends with nothing found and
 * nothing offered; at least 80 % of each language's find their section.
 */
static void test_slips(void **state)
{
	struct fixture *f = *state;
	char *path = tu_path(tu_top(), "tests/search/slips.tsv");
	char *text = (char *)tu_read(path, NULL), *line, *save = NULL;
	size_t total[LANGS] = { 0 }, good[LANGS] = { 0 }, direct[LANGS] = { 0 }, empty = 0;
	bool low = false;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab1, *tab2, *tab3, seen[2048];
		const char *lang, *slip, *expected;
		struct search_result r;
		bool found = false;
		size_t li = LANGS;

		if (line[0] == '#' || !line[0])
			continue;
		tab1 = strchr(line, '\t');
		assert_non_null(tab1);
		tab2 = strchr(tab1 + 1, '\t');
		assert_non_null(tab2);
		tab3 = strchr(tab2 + 1, '\t');
		assert_non_null(tab3);
		*tab1 = *tab2 = *tab3 = '\0';
		lang = line;
		slip = tab1 + 1;
		expected = tab2 + 1;
		for (size_t i = 0; i < LANGS; i++)
			if (strcmp(langs[i], lang) == 0)
				li = i;
		assert_true(li < LANGS);
		total[li]++;
		run(f->s, slip, NULL, NULL, 3, false, &r);
		for (size_t i = 0; i < r.count; i++)
			found = found || is_expected(&r.hits[i], lang, expected);
		direct[li] += found;
		if (r.count == 0 && !r.did_you_mean) {
			print_error("%s \"%s\" (%s): nothing found and nothing offered\n", lang,
			            slip, tab3 + 1);
			empty++;
		}
		describe(&r, seen, sizeof(seen));
		if (!found && r.did_you_mean) {
			/* The link the student follows. */
			struct search_result d;
			char *dym = strdup(r.did_you_mean);
			run(f->s, dym, NULL, NULL, 3, false, &d);
			for (size_t i = 0; i < d.count; i++)
				found = found || is_expected(&d.hits[i], lang, expected);
			describe(&d, seen + strlen(seen), sizeof(seen) - strlen(seen));
			search_result_free(&d);
			free(dym);
		}
		if (!found)
			print_message("# %s \"%s\" (%s): %s not found:%s%s%s\n", lang, slip,
			              tab3 + 1, expected, seen,
			              r.did_you_mean ? " did you mean " : "",
			              r.did_you_mean ? r.did_you_mean : "");
		good[li] += found;
		search_result_free(&r);
	}
	for (size_t i = 0; i < LANGS; i++) {
		size_t pct = total[i] ? 100 * good[i] / total[i] : 0;
		print_message("# %-7s %2zu slips: %2zu found (%3zu %%), %2zu of them directly\n",
		              langs[i], total[i], good[i], pct, direct[i]);
		if (total[i] < 10)
			fail_msg("only %zu slips in %s", total[i], langs[i]);
		low = low || 5 * good[i] < 4 * total[i];
	}
	free(text);
	free(path);
	assert_int_equal(empty, 0);
	assert_false(low);
}

/* Accents typed are preferred; none typed finds both; an exact hit is not approximate. */
static void test_accents_rank_first(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	run(f->s, "lốc máy", NULL, NULL, 5, false, &r);
	assert_true(r.count >= 2);
	assert_true(is_expected(&r.hits[0], "vi", "l3#loc-may"));
	assert_false(r.hits[0].approximate);
	search_result_free(&r);
	run(f->s, "lọc", NULL, NULL, 5, false, &r);
	assert_true(r.count >= 2); /* lọc, and lốc after it */
	assert_true(is_expected(&r.hits[0], "vi", "l3#loc-gio"));
	search_result_free(&r);
	run(f->s, "loc", NULL, "vi", 5, false, &r);
	assert_int_equal(r.count, 2);
	search_result_free(&r);
}

/* Words side by side come before the same words apart, whatever the headings weigh. */
static void test_phrase_first(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	/* "insulated gloves" in the PPE section; both words, apart, in the welding one's. */
	run(f->s, "insulated gloves", NULL, "en", 5, false, &r);
	assert_int_equal(r.count, 2);
	assert_true(is_expected(&r.hits[0], "en", "l1#ppe"));
	assert_true(is_expected(&r.hits[1], "en", "l3#welding"));
	search_result_free(&r);
	run(f->s, "gloves insulated", NULL, "en", 5, false, &r);
	assert_int_equal(r.count, 2);
	search_result_free(&r);
}

/* A word not in the courses: "did you mean" the closest, and its results, approximate. */
static void test_did_you_mean(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	run(f->s, "overheet", NULL, NULL, 5, false, &r);
	assert_non_null(r.did_you_mean);
	assert_string_equal(r.did_you_mean, "overheat");
	assert_true(r.corrected);
	assert_true(r.count >= 1);
	assert_true(r.hits[0].approximate);
	assert_true(is_expected(&r.hits[0], "en", "l2#bearings"));
	search_result_free(&r);
	/* In Thai, the run that shares most of the word's bigrams. */
	run(f->s, "ฟองอากาด", NULL, NULL, 5, false, &r);
	assert_non_null(r.did_you_mean);
	assert_string_equal(r.did_you_mean, "ฟองอากาศ");
	search_result_free(&r);
	/* Vietnamese: offered with its accents, as the courses write it. */
	run(f->s, "gang tya", NULL, NULL, 5, false, &r);
	assert_non_null(r.did_you_mean);
	assert_string_equal(r.did_you_mean, "gang tay");
	search_result_free(&r);
	run(f->s, "găng tya", NULL, NULL, 5, false, &r);
	assert_non_null(r.did_you_mean);
	assert_string_equal(r.did_you_mean, "găng tay");
	search_result_free(&r);
	run(f->s, "cach diien", NULL, NULL, 5, false, &r);
	assert_non_null(r.did_you_mean);
	assert_string_equal(r.did_you_mean, "cach điện");
	search_result_free(&r);
	/* Nothing close: nothing offered. */
	run(f->s, "xylophone", NULL, NULL, 5, false, &r);
	assert_null(r.did_you_mean);
	assert_int_equal(r.count, 0);
	search_result_free(&r);
	/* A suggestion typed so far is corrected against the start of words. */
	run(f->s, "overhe", NULL, NULL, 5, true, &r);
	assert_true(r.count >= 1);
	search_result_free(&r);
}

/* The looser pass: its results come after the others, marked approximate. */
static void test_loose_pass(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	run(f->s, "ปั้มน้ำ", NULL, NULL, 5, false, &r);
	assert_true(r.count >= 1);
	assert_true(is_expected(&r.hits[0], "th", "l3#pump-care"));
	assert_true(r.hits[0].approximate);
	/* And the spelling of the courses is offered. */
	assert_non_null(r.did_you_mean);
	assert_string_equal(r.did_you_mean, "ปั๊มน้ำ");
	search_result_free(&r);
	run(f->s, "焊鉗", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_true(r.hits[0].approximate);
	assert_non_null(strstr(r.hits[0].snippet, "\x01焊钳\x02"));
	search_result_free(&r);
	/* Stems are not loose: lanyard finds Lanyards in the first pass. */
	run(f->s, "lanyard", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_false(r.hits[0].approximate);
	search_result_free(&r);
	/* Filipino is not stemmed: elektrodes finds elektrod only as a spelling. */
	run(f->s, "elektrodes", NULL, "fil", 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_true(r.corrected);
	assert_true(r.hits[0].approximate);
	search_result_free(&r);
	/* English is: electrodes finds the English electrode first, not approximate. */
	run(f->s, "electrode", NULL, "en", 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_false(r.hits[0].approximate);
	search_result_free(&r);
}

static void test_snippet_marks_the_match(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	run(f->s, "Breaker", NULL, "en", 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_non_null(strstr(r.hits[0].snippet, "circuit \x01"
	                                          "breaker\x02"));
	assert_string_equal(r.hits[0].heading, "Lockout and tagout");
	assert_string_equal(r.hits[0].page, "lessons/01.html");
	assert_string_equal(r.hits[0].lang, "en");
	assert_null(r.hits[0].media);
	search_result_free(&r);
	/* A match in a heading is marked there. */
	run(f->s, "lubrication", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.hits[0].heading, "Bearing \x01lubrication\x02");
	search_result_free(&r);
	/* Chinese in the middle of a sentence, marked where it stands. */
	run(f->s, "断路器", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_non_null(strstr(r.hits[0].snippet, "\x01断路器\x02"));
	search_result_free(&r);
}

/* The snippet shows the words found: in a long text, in Thai, and when only the heading has them. */
static void test_snippet_always_shows_the_match(void **state)
{
	struct fixture *f = *state;
	struct bundle_error err;
	unsigned char d[DIGEST_SIZE];
	struct search_result r;
	const char *ids[] = { "test.place" };
	char *text = malloc(64 * 1024);
	size_t n;

	assert_non_null(text);
	n = (size_t)snprintf(text, 64 * 1024,
	                     "# sampan-search: 1\n"
	                     "s\tloops\tloops.html\tvariables-in-loops\ten\t"
	                     "Challenge: Variables in loops\tWrite a for statement that prints "
	                     "each name.\n"
	                     "s\tpump\tpump.html\tparts\ten\tParts\t");
	for (int i = 0; i < 400; i++)
		n += (size_t)snprintf(text + n, 64 * 1024 - n, "the casing holds the shaft ");
	n += (size_t)snprintf(text + n, 64 * 1024 - n,
	                      "and last the impeller turns.\n"
	                      "s\tpump\tpump.html\tth\tth\tส่วน\t");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, 64 * 1024 - n, "ตัวเรือนยึดเพลาไว้ ");
	n += (size_t)snprintf(text + n, 64 * 1024 - n, "สุดท้ายใบพัดหมุน\n");
	digest_of("test.place", d);
	assert_int_equal(search_add(f->s, d, "test.place", text, n, &err), BUNDLE_OK);
	free(text);
	set_live(f->s, ids, 1);

	/* only in the heading: the snippet starts with it, marked, then the text */
	run(f->s, "variables", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.hits[0].heading, "Challenge: \x01Variables\x02 in loops");
	assert_string_equal(r.hits[0].snippet, "Challenge: \x01Variables\x02 in loops \xe2\x80\x94 "
	                                       "Write a for statement that prints each name.");
	search_result_free(&r);
	/* in the heading and the text: the text's own words, marked */
	run(f->s, "loops statement", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.hits[0].snippet,
	                    "Write a for \x01statement\x02 that prints each name.");
	search_result_free(&r);
	/* at the end of a long text */
	run(f->s, "impeller", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_contains(r.hits[0].snippet, "the \x01impeller\x02 turns.");
	search_result_free(&r);
	/* the same in Thai, inside an unsegmented run */
	run(f->s, "ใบพัด", NULL, "th", 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_contains(r.hits[0].snippet, "\x01ใบพัด\x02");
	search_result_free(&r);
}

static void test_cue_carries_its_time(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	run(f->s, "ใบพัด", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.hits[0].media, "media/pump.mp4");
	assert_string_equal(r.hits[0].track, "media/pump.th.vtt");
	assert_int_equal(r.hits[0].start_ms, 12000);
	assert_int_equal(r.hits[0].end_ms, 15500);
	assert_string_equal(r.hits[0].page, "lessons/02.html");
	search_result_free(&r);
}

static void test_suggestions_by_prefix(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	run(f->s, "circuit brea", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 0);
	search_result_free(&r);
	run(f->s, "circuit brea", NULL, NULL, 5, true, &r);
	assert_true(r.count >= 2); /* English and Filipino */
	for (size_t i = 0; i < r.count; i++)
		assert_non_null(strstr(r.hits[i].snippet, "\x01"
		                                          "breaker\x02"));
	search_result_free(&r);
	run(f->s, "điệ", NULL, "vi", 5, true, &r);
	assert_true(r.count >= 2);
	search_result_free(&r);
}

static void test_filters_and_paging(void **state)
{
	struct fixture *f = *state;
	struct search_result r, r2;

	/* "500" is in five courses' bearing sections. */
	run(f->s, "500", NULL, NULL, 2, false, &r);
	assert_int_equal(r.count, 2);
	assert_true(r.more);
	{
		struct search_query q = { "500", NULL, NULL, 2, 2, false, 5.0 };
		struct bundle_error err;
		assert_int_equal(search_run(f->s, &q, &r2, &err), BUNDLE_OK);
		assert_int_equal(r2.count, 2);
		assert_true(r2.more);
		for (size_t i = 0; i < 2; i++)
			for (size_t j = 0; j < 2; j++)
				assert_false(strcmp(r.hits[i].course, r2.hits[j].course) == 0);
		search_result_free(&r2);
		q.offset = 4;
		assert_int_equal(search_run(f->s, &q, &r2, &err), BUNDLE_OK);
		assert_int_equal(r2.count, 1);
		assert_false(r2.more);
		search_result_free(&r2);
	}
	search_result_free(&r);
	run(f->s, "500", "test.id", NULL, 10, false, &r);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.hits[0].course, "test.id");
	search_result_free(&r);
	/* A language filter takes its subtags: "zh" finds zh-Hans. */
	run(f->s, "叶轮", NULL, "zh", 10, false, &r);
	assert_int_equal(r.count, 1);
	search_result_free(&r);
	run(f->s, "叶轮", NULL, "th", 10, false, &r);
	assert_int_equal(r.count, 0);
	search_result_free(&r);
}

static void test_courses_leave_and_return(void **state)
{
	struct fixture *f = *state;
	struct search_result r;
	const char *only_en[] = { "test.en" };

	set_live(f->s, only_en, 1);
	run(f->s, "ใบพัด", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 0);
	search_result_free(&r);
	run(f->s, "impeller", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	assert_string_equal(r.hits[0].course, "test.en");
	search_result_free(&r);
	/* Back on the stick: found again without indexing. */
	live_all(f->s);
	run(f->s, "ใบพัด", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	search_result_free(&r);
}

static void test_reopen_keeps_the_index(void **state)
{
	struct fixture *f = *state;
	struct search_result r;
	struct bundle_error err;
	unsigned char d[DIGEST_SIZE];

	search_close(f->s);
	assert_int_equal(search_open(f->db, &f->s, &err), BUNDLE_OK);
	digest_of("test.km", d);
	assert_true(search_has(f->s, d));
	digest_of("test.unknown", d);
	assert_false(search_has(f->s, d));
	run(f->s, "ស្រោមដៃ", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	search_result_free(&r);
	/* Adding a course indexed already adds nothing twice. */
	add_course(f->s, "km");
	run(f->s, "ស្រោមដៃ", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	search_result_free(&r);
}

static void test_damaged_or_foreign_file_is_replaced(void **state)
{
	struct fixture *f = *state;
	struct search *s;
	struct bundle_error err;
	struct search_result r;
	char *other = tu_path(f->dir, "other.db");
	unsigned char d[DIGEST_SIZE];

	(void)state;
	tu_write(other, "this is not a database, only text that is long enough to be read", 65);
	assert_int_equal(search_open(other, &s, &err), BUNDLE_OK);
	digest_of("test.en", d);
	assert_false(search_has(s, d));
	add_course(s, "en");
	{
		const char *ids[] = { "test.en" };
		set_live(s, ids, 1);
	}
	run(s, "breaker", NULL, NULL, 5, false, &r);
	assert_int_equal(r.count, 1);
	search_result_free(&r);
	search_close(s);
	free(other);
}

static void test_bad_search_text_is_remembered(void **state)
{
	struct fixture *f = *state;
	struct bundle_error err;
	unsigned char d[DIGEST_SIZE];
	static const char bad[] = "# sampan-search: 1\ns\tl1\tp.html\ta\ten\tHeading\tfirst line\n"
	                          "c\tbroken\n";

	digest_of("test.bad", d);
	assert_int_equal(search_add(f->s, d, "test.bad", bad, strlen(bad), &err), BUNDLE_INVALID);
	assert_non_null(strstr(err.message, "line 3")); /* the line */
	assert_true(search_has(f->s, d));
	{
		const char *ids[] = { "test.bad" };
		struct search_result r;
		set_live(f->s, ids, 1);
		/* None of it was kept, not even the line before the bad one. */
		run(f->s, "first", NULL, NULL, 5, false, &r);
		assert_int_equal(r.count, 0);
		search_result_free(&r);
	}
}

static void test_budget_stops_a_query(void **state)
{
	struct fixture *f = *state;
	struct sbuf;
	char *text;
	size_t cap = 4 * 1024 * 1024, n;
	unsigned char d[DIGEST_SIZE];
	struct bundle_error err;
	struct search_result r;
	struct search_query q = { "common", NULL, NULL, 0, 10, false, 1e-6 };
	const char *ids[] = { "test.big" };

	text = malloc(cap);
	assert_non_null(text);
	n = (size_t)snprintf(text, cap, "# sampan-search: 1\n");
	for (int i = 0; i < 20000; i++)
		n += (size_t)snprintf(text + n, cap - n,
		                      "s\tl1\tp.html\ta%d\ten\tHeading %d\tcommon words %d\n", i, i,
		                      i);
	digest_of("test.big", d);
	assert_int_equal(search_add(f->s, d, "test.big", text, n, &err), BUNDLE_OK);
	free(text);
	set_live(f->s, ids, 1);
	assert_int_equal(search_run(f->s, &q, &r, &err), BUNDLE_OK);
	assert_true(r.timed_out);
	assert_int_equal(r.count, 0);
	search_result_free(&r);
	q.budget = 10;
	assert_int_equal(search_run(f->s, &q, &r, &err), BUNDLE_OK);
	assert_false(r.timed_out);
	assert_int_equal(r.count, 10);
	assert_true(r.more);
	search_result_free(&r);
}

static void test_expression(void **state)
{
	char *e;

	(void)state;
	e = search_expression("  pump   seal ", false);
	assert_string_equal(e, "\"pump\" AND \"seal\"");
	free(e);
	e = search_expression("pump sea", true);
	assert_string_equal(e, "\"pump\" AND \"sea\"*");
	free(e);
	/* Quotes cannot break out; FTS5 operators are only words. */
	e = search_expression("a\"b OR NEAR(x", false);
	assert_string_equal(e, "\"a\"\"b\" AND \"OR\" AND \"NEAR(x\"");
	free(e);
	/* Punctuation alone is no word. */
	e = search_expression(" -- ?? ", false);
	assert_string_equal(e, "");
	free(e);
	/* Thai as any other: the bigrams make the phrase. */
	e = search_expression("ไฟฟ้า pump", false);
	assert_string_equal(e, "\"ไฟฟ้า\" AND \"pump\"");
	free(e);
	/* Ideographic and no-break spaces separate words too. */
	e = search_expression("电气\xe3\x80\x80安全\xc2\xa0x", false);
	assert_string_equal(e, "\"电气\" AND \"安全\" AND \"x\"");
	free(e);
	/* A word typed with accents: folded, or exact (marked for the tokenizer). */
	e = search_expression("điện pump", false);
	assert_string_equal(e, "(\"điện\" OR \"\x01điện\") AND \"pump\"");
	free(e);
	/* A student's control characters never become marks. */
	e = search_expression("\x01pump", false);
	assert_string_equal(e, "\" pump\"");
	free(e);
	/* At most SEARCH_WORDS_MAX words. */
	e = search_expression("a b c d e f g h i j k l m n o p q r s t", false);
	assert_null(strstr(e, "\"q\""));
	assert_non_null(strstr(e, "\"p\""));
	free(e);
}

static void test_empty_query(void **state)
{
	struct fixture *f = *state;
	struct search_result r;

	run(f->s, "   ", NULL, NULL, 5, false, &r);
	assert_true(r.empty_query);
	assert_int_equal(r.count, 0);
	search_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_query_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accents_rank_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phrase_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_did_you_mean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loose_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippet_marks_the_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippet_always_shows_the_match, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_cue_carries_its_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suggestions_by_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_and_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_courses_leave_and_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_the_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_or_foreign_file_is_replaced, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_bad_search_text_is_remembered, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_budget_stops_a_query, setup, teardown),
		cmocka_unit_test(test_expression),
		cmocka_unit_test_setup_teardown(test_empty_query, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

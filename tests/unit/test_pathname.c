/*
 * test_pathname.c - the one path checker (bundle/pathname.c): the per-name
 * rules of decisions section 2 in their order, the set rules, case folding
 * and the format's byte order.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pathname.h"

/* Check one name; want RULE_NONE means it must be accepted. */
static void check_name(int line, const char *name, size_t len, bool flag, enum bundle_rule want)
{
	struct bundle_error err;
	char shown[256];
	enum bundle_status st;

	bundle_error_clear(&err);
	bundle_quote(shown, sizeof(shown), name, len);
	st = pathname_check(name, len, flag, &err);
	if (want == RULE_NONE) {
		if (st != BUNDLE_OK)
			fail_msg("line %d: '%s' refused: %s", line, shown, err.message);
		return;
	}
	if (st != BUNDLE_INVALID || err.rule != want)
		fail_msg("line %d: '%s': got status %d rule %s (%s), want %s", line, shown, st,
		         bundle_rule_name(err.rule), err.message, bundle_rule_name(want));
}

#define ACCEPT(lit) check_name(__LINE__, lit, sizeof(lit) - 1, true, RULE_NONE)
#define REFUSE(lit, rule) check_name(__LINE__, lit, sizeof(lit) - 1, true, RULE_##rule)

/* A name of exactly len bytes of 'a', cut into segments of at most 200 bytes. */
static char *long_name(size_t len)
{
	char *s = malloc(len + 1);

	assert_non_null(s);
	memset(s, 'a', len);
	for (size_t i = 200; i + 1 < len; i += 201)
		s[i] = '/';
	s[len] = '\0';
	return s;
}

static void refuses_invalid_utf8_as_name_not_utf8(void **state)
{
	(void)state;
	REFUSE("\xFF.html", NAME_NOT_UTF8);
	REFUSE("a/\xC0\xAF", NAME_NOT_UTF8); /* overlong '/' */
	REFUSE("\xED\xA0\x80.txt", NAME_NOT_UTF8); /* surrogate */
	REFUSE("\xF4\x90\x80\x80.txt", NAME_NOT_UTF8); /* above U+10FFFF */
	REFUSE("caf\xC3", NAME_NOT_UTF8); /* cut short */
	REFUSE("\x80", NAME_NOT_UTF8);
}

static void refuses_non_ascii_without_utf8_flag(void **state)
{
	(void)state;
	check_name(__LINE__, "caf\xC3\xA9.html", 10, false, RULE_NAME_NOT_UTF8);
	check_name(__LINE__, "\xE0\xB8\x9A.txt", 7, false, RULE_NAME_NOT_UTF8);
	check_name(__LINE__, "caf\xC3\xA9.html", 10, true, RULE_NONE);
	/* ASCII needs no flag */
	check_name(__LINE__, "lessons/01.html", 15, false, RULE_NONE);
	check_name(__LINE__, "lessons/01.html", 15, true, RULE_NONE);
}

static void checks_utf8_before_the_other_rules(void **state)
{
	(void)state;
	REFUSE("../\xFF", NAME_NOT_UTF8);
	check_name(__LINE__, "\xC3\xA9/../x:y", 10, false, RULE_NAME_NOT_UTF8);
	/* forbidden characters (rule 4) come before NFC (rule 8) */
	REFUSE("e\xCC\x81:x", NAME_INVALID);
	/* a trailing dot (rule 5) comes before NFC too */
	REFUSE("e\xCC\x81.", NAME_INVALID);
}

static void refuses_empty_name(void **state)
{
	struct bundle_error err;

	(void)state;
	assert_rule(pathname_check("", 0, true, &err), BUNDLE_INVALID, err, RULE_NAME_INVALID);
	assert_rule(pathname_check("", 0, false, &err), BUNDLE_INVALID, err, RULE_NAME_INVALID);
}

static void accepts_1024_bytes_and_refuses_1025(void **state)
{
	char *ok = long_name(1024), *bad = long_name(1025);

	(void)state;
	check_name(__LINE__, ok, 1024, true, RULE_NONE);
	check_name(__LINE__, bad, 1025, true, RULE_NAME_INVALID);
	check_name(__LINE__, "a", 1, true, RULE_NONE);
	free(ok);
	free(bad);
}

static void refuses_empty_segments(void **state)
{
	(void)state;
	REFUSE("/index.html", NAME_INVALID);
	REFUSE("lessons/", NAME_INVALID);
	REFUSE("lessons//01.html", NAME_INVALID);
	REFUSE("/", NAME_INVALID);
	REFUSE("//", NAME_INVALID);
}

static void refuses_dot_and_dotdot_segments(void **state)
{
	(void)state;
	REFUSE(".", NAME_INVALID);
	REFUSE("..", NAME_INVALID);
	REFUSE("./index.html", NAME_INVALID);
	REFUSE("a/./b", NAME_INVALID);
	REFUSE("../x", NAME_INVALID);
	REFUSE("a/../b", NAME_INVALID);
	REFUSE("a/..", NAME_INVALID);
	/* dots inside or in front of a segment are fine */
	ACCEPT(".well-known/x.txt");
	ACCEPT("..a/b.txt");
	ACCEPT("a..b/c.txt");
}

static void accepts_255_byte_segment_and_refuses_256(void **state)
{
	char seg[300], name[320];

	(void)state;
	memset(seg, 'x', sizeof(seg));
	check_name(__LINE__, seg, 255, true, RULE_NONE);
	check_name(__LINE__, seg, 256, true, RULE_NAME_INVALID);
	snprintf(name, sizeof(name), "d/%.*s/e", 255, seg);
	check_name(__LINE__, name, strlen(name), true, RULE_NONE);
	snprintf(name, sizeof(name), "d/%.*s/e", 256, seg);
	check_name(__LINE__, name, strlen(name), true, RULE_NAME_INVALID);
	/* 85 Thai letters of 3 bytes = 255 bytes: the limit counts bytes */
	{
		char thai[300];
		for (int i = 0; i < 86; i++)
			memcpy(thai + 3 * i, "\xE0\xB8\x81", 3);
		check_name(__LINE__, thai, 255, true, RULE_NONE);
		check_name(__LINE__, thai, 258, true, RULE_NAME_INVALID);
	}
}

static void refuses_each_forbidden_ascii_character(void **state)
{
	static const char forbidden[] = "\\:*?\"<>|";

	(void)state;
	for (size_t i = 0; i < sizeof(forbidden) - 1; i++) {
		char name[16];
		snprintf(name, sizeof(name), "a%cb.txt", forbidden[i]);
		check_name(__LINE__, name, strlen(name), true, RULE_NAME_INVALID);
		snprintf(name, sizeof(name), "dir/%c", forbidden[i]);
		check_name(__LINE__, name, strlen(name), true, RULE_NAME_INVALID);
	}
	/* other punctuation is allowed */
	ACCEPT("a b+c,d;e=f[g]h{i}j~k!l@m#n$o%p^q&r'(s)_-.txt");
}

static void refuses_control_characters(void **state)
{
	(void)state;
	check_name(__LINE__, "a\0b", 3, true, RULE_NAME_INVALID); /* NUL */
	REFUSE("a\x01"
	       "b",
	       NAME_INVALID);
	REFUSE("a\tb", NAME_INVALID);
	REFUSE("a\nb", NAME_INVALID);
	REFUSE("a\rb", NAME_INVALID);
	REFUSE("a\x1F"
	       "b",
	       NAME_INVALID);
	REFUSE("a\x7F"
	       "b",
	       NAME_INVALID); /* DEL */
	REFUSE("a\xC2\x80"
	       "b",
	       NAME_INVALID); /* U+0080 */
	REFUSE("a\xC2\x85"
	       "b",
	       NAME_INVALID); /* U+0085 NEL */
	REFUSE("a\xC2\x9F"
	       "b",
	       NAME_INVALID); /* U+009F */
	ACCEPT("a\xC2\xA0"
	       "b"); /* U+00A0 is not a control */
}

static void refuses_noncharacters(void **state)
{
	(void)state;
	REFUSE("a\xEF\xB7\x90.txt", NAME_INVALID); /* U+FDD0 */
	REFUSE("a\xEF\xB7\xAF.txt", NAME_INVALID); /* U+FDEF */
	REFUSE("a\xEF\xBF\xBE.txt", NAME_INVALID); /* U+FFFE */
	REFUSE("a\xEF\xBF\xBF.txt", NAME_INVALID); /* U+FFFF */
	REFUSE("a\xF0\x9F\xBF\xBE.txt", NAME_INVALID); /* U+1FFFE */
	REFUSE("a\xF0\xAF\xBF\xBF.txt", NAME_INVALID); /* U+2FFFF */
	ACCEPT("a\xEF\xB7\xB0.txt"); /* U+FDF0, just after the block */
	ACCEPT("a\xF0\x9F\x92\xA7.txt"); /* U+1F4A7 */
}

static void refuses_private_use_characters(void **state)
{
	(void)state;
	REFUSE("a\xEE\x80\x80.txt", NAME_INVALID); /* U+E000 */
	REFUSE("a\xEF\xA3\xBF.txt", NAME_INVALID); /* U+F8FF */
	REFUSE("a\xF3\xB0\x80\x80.txt", NAME_INVALID); /* U+F0000 */
	REFUSE("a\xF4\x8F\xBF\xBD.txt", NAME_INVALID); /* U+10FFFD */
	ACCEPT("a\xED\x9F\xBB.txt"); /* U+D7FB, before the surrogates */
}

static void refuses_trailing_dot_or_space(void **state)
{
	(void)state;
	REFUSE("index.", NAME_INVALID);
	REFUSE("index ", NAME_INVALID);
	REFUSE("lessons./01.html", NAME_INVALID);
	REFUSE("lessons /01.html", NAME_INVALID);
	REFUSE("a/b.html.", NAME_INVALID);
	REFUSE("...", NAME_INVALID);
	ACCEPT(" lessons/ 01.html");
	ACCEPT("a.b c/d e.html");
}

static void refuses_windows_device_names(void **state)
{
	(void)state;
	REFUSE("CON", NAME_INVALID);
	REFUSE("con", NAME_INVALID);
	REFUSE("aux.txt", NAME_INVALID);
	REFUSE("Com1.html", NAME_INVALID);
	REFUSE("LPT9", NAME_INVALID);
	REFUSE("prn.tar.gz", NAME_INVALID);
	REFUSE("lessons/nul.html", NAME_INVALID);
	REFUSE("NuL/x.html", NAME_INVALID);
	REFUSE("com9.x", NAME_INVALID);
	REFUSE("lpt1", NAME_INVALID);
}

static void refuses_the_device_names_windows_added_and_spaces_before_the_dot(void **state)
{
	(void)state;
	REFUSE("com0.txt", NAME_INVALID);
	REFUSE("LPT0", NAME_INVALID);
	REFUSE("COM\xC2\xB9.html", NAME_INVALID); /* COM¹ */
	REFUSE("com\xC2\xB2", NAME_INVALID);
	REFUSE("lessons/LPT\xC2\xB3.md", NAME_INVALID);
	REFUSE("lpt\xC2\xB9", NAME_INVALID);
	REFUSE("CONIN$", NAME_INVALID);
	REFUSE("conout$.log", NAME_INVALID);
	REFUSE("CON .txt", NAME_INVALID);
	REFUSE("lessons/nul   .html", NAME_INVALID);
	REFUSE("Aux .tar.gz", NAME_INVALID);
}

static void refuses_segments_unzip_would_shorten(void **state)
{
	(void)state;
	REFUSE("a.html;1", NAME_INVALID);
	REFUSE("notes;", NAME_INVALID);
	REFUSE("lessons/x;123", NAME_INVALID);
	REFUSE("old;2/x.html", NAME_INVALID);
	ACCEPT("a;1.html");
	ACCEPT("a;b");
	ACCEPT("x;1a");
}

static void refuses_code_points_not_in_unicode_15(void **state)
{
	(void)state;
	REFUSE("a\xCD\xB8.html", NAME_INVALID); /* U+0378, never assigned */
	REFUSE("\xE1\xB2\x89.html", NAME_INVALID); /* U+1C89, Unicode 16.0 */
	REFUSE("\xE1\xB2\x8A.html", NAME_INVALID); /* U+1C8A, Unicode 16.0 */
	REFUSE("\xF0\x9F\xAB\xA9.png", NAME_INVALID); /* U+1FAE9, Unicode 16.0 */
	REFUSE("\xF3\xA0\x80\x80", NAME_INVALID); /* U+E0000, unassigned */
	ACCEPT("\xF0\xB1\x8D\x90.html"); /* U+31350, CJK Extension H, Unicode 15.0 */
	ACCEPT("\xF0\x9F\xAB\xA8.png"); /* U+1FAE8 SHAKING FACE, Unicode 15.0 */
	ACCEPT("\xE1\x80\x80.html"); /* U+1000 MYANMAR LETTER KA */
}

static void accepts_names_that_only_start_like_devices(void **state)
{
	(void)state;
	ACCEPT("console.txt");
	ACCEPT("con2.txt");
	ACCEPT("com10.txt");
	ACCEPT("conin.txt");
	ACCEPT("conout");
	ACCEPT("lpt10");
	ACCEPT("lpt\xC2\xB9"
	       "0.txt"); /* LPT¹0 */
	ACCEPT("com\xC2\xB4"); /* an acute accent, not a superscript digit */
	ACCEPT(" con.txt"); /* Windows drops spaces before the dot, not at the start */
	ACCEPT("auxiliary/x.html");
	ACCEPT("xcon.html");
	ACCEPT("my-con.txt");
}

static void requires_exact_meta_inf_spelling_in_first_segment(void **state)
{
	(void)state;
	REFUSE("meta-inf/x", NAME_INVALID);
	REFUSE("Meta-Inf/course.json", NAME_INVALID);
	REFUSE("meta-inf", NAME_INVALID);
	ACCEPT("META-INF/x");
	ACCEPT("META-INF/course.json");
	ACCEPT("x/meta-inf");
	ACCEPT("x/Meta-Inf/y");
	ACCEPT("meta-inf.txt");
	ACCEPT("meta-info/x");
}

static void refuses_decomposed_and_accepts_composed(void **state)
{
	(void)state;
	REFUSE("caf"
	       "e\xCC\x81.html",
	       NAME_NOT_NFC); /* e + U+0301 */
	REFUSE("\xE2\x84\xAB.txt", NAME_NOT_NFC); /* U+212B ANGSTROM SIGN */
	ACCEPT("caf\xC3\xA9.html"); /* U+00E9 */
	ACCEPT("\xC3\x85.txt"); /* U+00C5 */
}

static void accepts_real_names_in_course_languages(void **state)
{
	(void)state;
	ACCEPT("บทเรียน/บทที่-1.html"); /* Thai */
	ACCEPT("មេរៀន/ភ្លើង.html"); /* Khmer */
	ACCEPT("课程/第一课.html"); /* Chinese */
	ACCEPT("bài-học/điện-1.html"); /* Vietnamese */
	ACCEPT("ບົດຮຽນ/ໄຟຟ້າ.html"); /* Lao */
	ACCEPT("သင်ခန်းစာ/လျှပ်စစ်.html"); /* Burmese */
	ACCEPT("media/水泵 điện ភ្លើង.mp4");
	ACCEPT("index.html");
	ACCEPT("lessons/01-intro.html");
}

static void error_names_rule_and_quotes_the_name(void **state)
{
	struct bundle_error err;
	const char *tail = " (NAME_INVALID)";
	size_t ml;

	(void)state;
	bundle_error_clear(&err);
	assert_int_equal(pathname_check("a/../b", 6, true, &err), BUNDLE_INVALID);
	assert_int_equal(err.status, BUNDLE_INVALID);
	assert_int_equal(err.rule, RULE_NAME_INVALID);
	assert_string_equal(err.entry, "a/../b");
	assert_true(strncmp(err.message, "entry 'a/../b': ", 16) == 0);
	ml = strlen(err.message);
	assert_true(ml > strlen(tail));
	assert_string_equal(err.message + ml - strlen(tail), tail);

	/* a hostile name is escaped in the message */
	bundle_error_clear(&err);
	assert_int_equal(pathname_check("a\x1B[2Jb", 6, true, &err), BUNDLE_INVALID);
	assert_string_equal(err.entry, "a\\x1B[2Jb");
	assert_non_null(strstr(err.message, "entry 'a\\x1B[2Jb': "));
	assert_null(strchr(err.message, '\x1B'));

	bundle_error_clear(&err);
	assert_int_equal(pathname_check("x\xFF", 2, true, &err), BUNDLE_INVALID);
	assert_int_equal(err.rule, RULE_NAME_NOT_UTF8);
	assert_non_null(strstr(err.message, "entry 'x\\xFF': "));
	assert_non_null(strstr(err.message, "(NAME_NOT_UTF8)"));

	bundle_error_clear(&err);
	assert_int_equal(pathname_check("e\xCC\x81", 3, true, &err), BUNDLE_INVALID);
	assert_int_equal(err.rule, RULE_NAME_NOT_NFC);
	assert_non_null(strstr(err.message, "(NAME_NOT_NFC)"));
}

/* ---- the set rules ---- */

static void check_set(int line, const char *const *names, size_t n, enum bundle_rule want)
{
	size_t *lens = calloc(n ? n : 1, sizeof(size_t));
	struct bundle_error err;
	enum bundle_status st;

	assert_non_null(lens);
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(names[i]);
	bundle_error_clear(&err);
	st = pathname_check_set(names, lens, n, &err);
	free(lens);
	if (want == RULE_NONE) {
		if (st != BUNDLE_OK)
			fail_msg("line %d: set refused: %s", line, err.message);
		return;
	}
	if (st != BUNDLE_INVALID || err.rule != want)
		fail_msg("line %d: got status %d rule %s (%s), want %s", line, st,
		         bundle_rule_name(err.rule), err.message, bundle_rule_name(want));
}

#define SET(want, ...)                                                                  \
	do {                                                                            \
		const char *const set_[] = { __VA_ARGS__ };                             \
		check_set(__LINE__, set_, sizeof(set_) / sizeof(set_[0]), RULE_##want); \
	} while (0)

static void refuses_duplicate_names(void **state)
{
	struct bundle_error err;
	const char *const names[] = { "b.html", "a.html", "c.html", "a.html" };
	const size_t lens[] = { 6, 6, 6, 6 };

	(void)state;
	assert_rule(pathname_check_set(names, lens, 4, &err), BUNDLE_INVALID, err,
	            RULE_NAME_DUPLICATE);
	assert_string_equal(err.entry, "a.html");
	/* identical names are duplicates, not case collisions */
	SET(NAME_DUPLICATE, "A.html", "a.html", "A.html");
}

static void refuses_names_equal_ignoring_case(void **state)
{
	(void)state;
	SET(NAME_CASE_COLLISION, "A.html", "a.html");
	SET(NAME_CASE_COLLISION, "index.html", "lessons/One.html", "lessons/one.HTML");
	SET(NAME_CASE_COLLISION, "\xC3\x84.txt", "\xC3\xA4.txt"); /* Ä ä */
	SET(NAME_CASE_COLLISION, "Lessons/a.html", "lessons/a.html");
}

static void folds_greek_sigma_and_final_sigma_together(void **state)
{
	(void)state;
	SET(NAME_CASE_COLLISION, "\xCE\xA3.txt", "\xCF\x83.txt"); /* Σ σ */
	SET(NAME_CASE_COLLISION, "\xCF\x83.txt", "\xCF\x82.txt"); /* σ ς */
	SET(NAME_CASE_COLLISION, "\xCE\xA3.txt", "\xCF\x82.txt"); /* Σ ς */
	SET(NAME_CASE_COLLISION, "\xCE\xBF\xCE\xB4\xCF\x8C\xCF\x82.txt",
	    "\xCE\x9F\xCE\x94\xCE\x8C\xCE\xA3.txt"); /* οδός ΟΔΌΣ */
}

static void uses_full_case_folding(void **state)
{
	(void)state;
	SET(NAME_CASE_COLLISION,
	    "stra\xC3\x9F"
	    "e.html",
	    "STRASSE.html"); /* straße */
	SET(NAME_CASE_COLLISION,
	    "stra\xC3\x9F"
	    "e.html",
	    "strasse.html");
	SET(NAME_CASE_COLLISION, "\xEF\xAC\x81le.txt", "file.txt"); /* U+FB01 fi ligature */
}

static void fold_ignores_normalization_form(void **state)
{
	char *a = NULL, *b = NULL, *c = NULL;
	size_t al = 0, bl = 0, cl = 0;
	struct bundle_error err;

	(void)state;
	/* É (composed), é (composed) and e + U+0301 share one key */
	assert_ok(pathname_fold("\xC3\x89.txt", 6, &a, &al, &err), err);
	assert_ok(pathname_fold("\xC3\xA9.txt", 6, &b, &bl, &err), err);
	assert_ok(pathname_fold("e\xCC\x81.txt", 7, &c, &cl, &err), err);
	assert_int_equal(al, 7);
	assert_memory_equal(a, "e\xCC\x81.txt", 7);
	assert_int_equal(bl, al);
	assert_memory_equal(a, b, al);
	assert_int_equal(cl, al);
	assert_memory_equal(a, c, al);
	free(a);
	free(b);
	free(c);
	/* so composed names differing in case collide */
	SET(NAME_CASE_COLLISION, "caf\xC3\xA9.html", "CAF\xC3\x89.html");
}

static void fold_gives_nul_terminated_caseless_keys(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "A.HTML", "a.html" },
		{ "lessons/01-Intro.html", "lessons/01-intro.html" },
		{ "STRASSE", "strasse" },
		{ "stra\xC3\x9F"
		  "e",
		  "strasse" },
		{ "\xCE\xA3", "\xCF\x83" },
		{ "\xCF\x82", "\xCF\x83" },
		{ "\xE0\xB8\x9A.txt", "\xE0\xB8\x9A.txt" }, /* Thai has no case */
	};
	struct bundle_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *key = NULL;
		size_t key_len = 0;
		assert_ok(pathname_fold(cases[i].in, strlen(cases[i].in), &key, &key_len, &err),
		          err);
		assert_non_null(key);
		assert_int_equal(key_len, strlen(cases[i].out));
		assert_string_equal(key, cases[i].out);
		free(key);
	}
}

static void refuses_file_that_is_also_a_folder(void **state)
{
	(void)state;
	SET(NAME_FILE_DIR_CONFLICT, "media", "media/x.png");
	SET(NAME_FILE_DIR_CONFLICT, "media/x.png", "media");
	SET(NAME_FILE_DIR_CONFLICT, "Media", "media/x.png");
	SET(NAME_FILE_DIR_CONFLICT, "a/b", "a/b/c/d.txt");
	SET(NAME_FILE_DIR_CONFLICT, "A/B", "a/b/c.txt");
	SET(NAME_FILE_DIR_CONFLICT, "STRASSE",
	    "stra\xC3\x9F"
	    "e/x.html"); /* straße/ */
	SET(NAME_FILE_DIR_CONFLICT, "index.html", "lessons", "lessons/01.html", "zz.txt");
}

static void file_dir_conflict_names_both_entries(void **state)
{
	struct bundle_error err;
	const char *const names[] = { "media/x.png", "Media" };
	const size_t lens[] = { 11, 5 };

	(void)state;
	assert_rule(pathname_check_set(names, lens, 2, &err), BUNDLE_INVALID, err,
	            RULE_NAME_FILE_DIR_CONFLICT);
	assert_string_equal(err.entry, "media/x.png");
	assert_non_null(strstr(err.message, "Media"));
	assert_non_null(strstr(err.message, "(NAME_FILE_DIR_CONFLICT)"));
}

static void accepts_distinct_names(void **state)
{
	(void)state;
	SET(NONE, "index.html", "lessons/01.html", "lessons/02.html", "media/a.png", "mediafile",
	    "media2/x.png", "media-x/y.png", "a", "a.b/c", "ab/c", "META-INF/course.json",
	    "META-INF/chunks", "\xC3\xA9.txt", "e.txt", "\xCF\x83/1.txt", "\xCF\x84/1.txt");
	SET(NONE, "only.html");
	check_set(__LINE__, NULL, 0, RULE_NONE);
}

static void accepts_a_thousand_names_and_finds_one_collision_among_them(void **state)
{
	enum { N = 1000 };
	char **names = calloc(N + 1, sizeof(char *));

	(void)state;
	assert_non_null(names);
	for (int i = 0; i < N; i++) {
		names[i] = malloc(48);
		assert_non_null(names[i]);
		snprintf(names[i], 48, "lessons/part-%02d/page-%04d.html", i % 37, i);
	}
	check_set(__LINE__, (const char *const *)names, N, RULE_NONE);
	/* one more name differing only in case from entry 500 */
	names[N] = malloc(48);
	assert_non_null(names[N]);
	snprintf(names[N], 48, "lessons/part-%02d/PAGE-%04d.html", 500 % 37, 500);
	check_set(__LINE__, (const char *const *)names, N + 1, RULE_NAME_CASE_COLLISION);
	/* and a file named like one of the folders */
	snprintf(names[N], 48, "lessons/Part-17");
	check_set(__LINE__, (const char *const *)names, N + 1, RULE_NAME_FILE_DIR_CONFLICT);
	for (int i = 0; i <= N; i++)
		free(names[i]);
	free(names);
}

/* ---- order ---- */

static int cmp(const char *a, const char *b)
{
	int r = pathname_cmp(a, strlen(a), b, strlen(b));
	return (r > 0) - (r < 0);
}

static void orders_shorter_name_first_on_common_prefix(void **state)
{
	(void)state;
	assert_int_equal(cmp("a", "ab"), -1);
	assert_int_equal(cmp("ab", "a"), 1);
	assert_int_equal(cmp("lessons/01", "lessons/01.html"), -1);
	assert_int_equal(cmp("", "a"), -1);
	assert_int_equal(cmp("a", ""), 1);
	assert_int_equal(cmp("", ""), 0);
	assert_int_equal(cmp("index.html", "index.html"), 0);
}

static void orders_by_bytes(void **state)
{
	(void)state;
	assert_int_equal(cmp("a", "b"), -1);
	assert_int_equal(cmp("B", "a"), -1); /* uppercase sorts before lowercase */
	assert_int_equal(cmp("a-b", "a.b"), -1);
	assert_int_equal(cmp("a.b", "a/b"), -1); /* '.' 0x2E < '/' 0x2F */
	assert_int_equal(cmp("a/b", "a0"), -1);
	assert_int_equal(cmp("lessons/10.html", "lessons/9.html"), -1);
	/* only len bytes count */
	assert_true(pathname_cmp("abX", 2, "abY", 2) == 0);
}

static void orders_utf8_by_unsigned_bytes(void **state)
{
	(void)state;
	assert_int_equal(cmp("z", "\xC3\xA9"), -1); /* ASCII before U+00E9 */
	assert_int_equal(cmp("~", "\xC2\xA0"), -1); /* 0x7E < 0xC2 */
	assert_int_equal(cmp("\xC3\xA9", "\xE0\xB8\x81"), -1); /* U+00E9 < U+0E01 */
	assert_int_equal(cmp("\xEF\xBC\xA1", "\xF0\x9F\x92\xA7"), -1); /* U+FF21 < U+1F4A7 */
	assert_int_equal(cmp("\xF0\x9F\x92\xA7", "\xEF\xBC\xA1"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_invalid_utf8_as_name_not_utf8),
		cmocka_unit_test(refuses_non_ascii_without_utf8_flag),
		cmocka_unit_test(checks_utf8_before_the_other_rules),
		cmocka_unit_test(refuses_empty_name),
		cmocka_unit_test(accepts_1024_bytes_and_refuses_1025),
		cmocka_unit_test(refuses_empty_segments),
		cmocka_unit_test(refuses_dot_and_dotdot_segments),
		cmocka_unit_test(accepts_255_byte_segment_and_refuses_256),
		cmocka_unit_test(refuses_each_forbidden_ascii_character),
		cmocka_unit_test(refuses_control_characters),
		cmocka_unit_test(refuses_noncharacters),
		cmocka_unit_test(refuses_private_use_characters),
		cmocka_unit_test(refuses_trailing_dot_or_space),
		cmocka_unit_test(refuses_windows_device_names),
		cmocka_unit_test(refuses_the_device_names_windows_added_and_spaces_before_the_dot),
		cmocka_unit_test(refuses_segments_unzip_would_shorten),
		cmocka_unit_test(refuses_code_points_not_in_unicode_15),
		cmocka_unit_test(accepts_names_that_only_start_like_devices),
		cmocka_unit_test(requires_exact_meta_inf_spelling_in_first_segment),
		cmocka_unit_test(refuses_decomposed_and_accepts_composed),
		cmocka_unit_test(accepts_real_names_in_course_languages),
		cmocka_unit_test(error_names_rule_and_quotes_the_name),
		cmocka_unit_test(refuses_duplicate_names),
		cmocka_unit_test(refuses_names_equal_ignoring_case),
		cmocka_unit_test(folds_greek_sigma_and_final_sigma_together),
		cmocka_unit_test(uses_full_case_folding),
		cmocka_unit_test(fold_ignores_normalization_form),
		cmocka_unit_test(fold_gives_nul_terminated_caseless_keys),
		cmocka_unit_test(refuses_file_that_is_also_a_folder),
		cmocka_unit_test(file_dir_conflict_names_both_entries),
		cmocka_unit_test(accepts_distinct_names),
		cmocka_unit_test(accepts_a_thousand_names_and_finds_one_collision_among_them),
		cmocka_unit_test(orders_shorter_name_first_on_common_prefix),
		cmocka_unit_test(orders_by_bytes),
		cmocka_unit_test(orders_utf8_by_unsigned_bytes),
	};
	return cmocka_run_group_tests_name("pathname", tests, NULL, NULL);
}

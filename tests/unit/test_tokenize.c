/*
 * test_tokenize.c - the words of search (player/tokenize.c): ICU's word
 * breaks, bigrams of characters (Chinese) and of grapheme clusters (Thai,
 * Lao, Khmer, Burmese) that find a word inside any run, folding of case,
 * compatibility forms and Latin accents, byte offsets into the text, and
 * bad bytes.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenize.h"

/* The words of text as "word[start,end]" joined by spaces, colocated ones with "+". */
struct dump {
	char buf[4096];
	size_t len;
};

static int add_word(void *ctx, bool colocated, const char *w, size_t n, size_t start, size_t end)
{
	struct dump *d = ctx;
	int k = snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "%s%s%.*s[%zu,%zu]",
	                 d->len ? " " : "", colocated ? "+" : "", (int)n, w, start, end);

	assert_true(k > 0 && (size_t)k < sizeof(d->buf) - d->len);
	/* The loose mark shows as "~". */
	for (char *p = d->buf + d->len; *p; p++)
		if (*p == TOKEN_LOOSE)
			*p = '~';
	d->len += (size_t)k;
	return 0;
}

static const char *mode_words(const char *text, enum tokenize_mode mode)
{
	static struct dump d;
	struct tokenizer *t = tokenizer_new();
	char *copy;
	size_t len = strlen(text);

	assert_non_null(t);
	/* An exact-size copy without a NUL, so that reading past the end shows. */
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, text, len);
	d.len = 0;
	d.buf[0] = '\0';
	assert_int_equal(tokenizer_run(t, copy, len, mode, add_word, &d), 0);
	free(copy);
	tokenizer_free(t);
	return d.buf;
}

static const char *words(const char *text, bool query)
{
	return mode_words(text, query ? TOKENIZE_QUERY : TOKENIZE_TEXT);
}

/* Whether a query's words (mode) are the same as another's (mode2). */
static bool same_words(const char *a, enum tokenize_mode ma, const char *b, enum tokenize_mode mb)
{
	char x[4096];
	const char *y;

	snprintf(x, sizeof(x), "%s", mode_words(a, ma));
	y = mode_words(b, mb);
	/* Offsets differ with the bytes typed: compare the words only. */
	for (char *p = x; (p = strchr(p, '[')) != NULL;) {
		char *q = strchr(p, ']');
		memmove(p, q + 1, strlen(q + 1) + 1);
	}
	{
		char yy[4096];
		snprintf(yy, sizeof(yy), "%s", y);
		for (char *p = yy; (p = strchr(p, '[')) != NULL;) {
			char *q = strchr(p, ']');
			memmove(p, q + 1, strlen(q + 1) + 1);
		}
		if (strcmp(x, yy) != 0)
			print_message("# %s | %s\n", x, yy);
		return strcmp(x, yy) == 0;
	}
}

static void test_latin_words_and_case(void **state)
{
	(void)state;
	assert_string_equal(words("Hello, World! Don't touch 220V.", false),
	                    "hello[0,5] world[7,12] don't[14,19] touch[20,25] 220v[26,30]");
	assert_string_equal(words("", false), "");
	assert_string_equal(words(" \t,.!", false), "");
}

static void test_vietnamese_without_accents(void **state)
{
	(void)state;
	/* Offsets stay those of the text as written: 7 bytes for "Điện". */
	assert_string_equal(words("Điện áp NƯỚC", true), "dien[0,7] ap[8,11] nuoc[12,19]");
	/* Decomposed input folds the same. */
	assert_string_equal(words("đie\xcc\xa3\xcc\x82n", true), "dien[0,9]");
	/* A text keeps the exact (accented) form beside the folded one, where they differ. */
	assert_string_equal(words("Điện áp NƯỚC 220V", false),
	                    "dien[0,7] +điện[0,7] ap[8,11] +áp[8,11] nuoc[12,19] +nước[12,19] "
	                    "220v[20,24]");
	/* The exact words of a query: "lốc" and "lọc" differ, folded they do not. */
	assert_string_equal(mode_words("Lốc lọc may", TOKENIZE_EXACT),
	                    "lốc[0,5] lọc[6,11] may[12,15]");
	assert_string_equal(mode_words("Lốc lọc may", TOKENIZE_QUERY),
	                    "loc[0,5] loc[6,11] may[12,15]");
}

static void test_compatibility_forms(void **state)
{
	char out[TOKEN_MAX];
	size_t n;

	(void)state;
	n = tokenizer_fold("ＡＢＣ１２", strlen("ＡＢＣ１２"), out);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "abc12", 5);
	n = tokenizer_fold("Straße", strlen("Straße"), out);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "strasse", 7);
}

static void test_thai_clusters(void **state)
{
	(void)state;
	/* Bigrams of grapheme clusters: a vowel or tone mark stays with its consonant. */
	/* In a text, the loose form of a bigram (tone marks folded) where it differs. */
	assert_string_equal(words("ไฟฟ้า", false), "ไฟ[0,6] +ไ[0,3] ฟฟ้[3,12] +ฟ[3,6] +~ฟฟ[3,12] "
	                                          "ฟ้า[6,15] +ฟ้[6,12] +~ฟา[6,15] า[12,15]");
	assert_string_equal(words("ไฟฟ้า", true), "ไฟ[0,6] ฟฟ้[3,12] ฟ้า[6,15]");
	/* Spaces, digits and Latin end a run. */
	assert_string_equal(words("ไฟ 220V ไฟ", true), "ไฟ[0,6] 220v[7,11] ไฟ[12,18]");
	/* A single cluster is a word of its own. */
	assert_string_equal(words("ไ", true), "ไ[0,3]");
}

/* The reason for bigrams: the same word, alone and in a sentence, gives the same chain. */
static void test_word_found_inside_a_run(void **state)
{
	static const struct {
		const char *word, *sentence;
	} cases[] = {
		{ "ຟອງອາກາດ", "ບໍ່ມີຟອງອາກາດປ້ຳ" }, /* Lao: ICU splits it in context */
		{ "ថែទាំ", "ការថែទាំម៉ាស៊ីនបូមទឹក" }, /* Khmer: part of one dictionary word */
		{ "ไฟฟ้า", "เครื่องใช้ไฟฟ้าในบ้าน" }, { "လက်အိတ်", "လျှပ်ကာလက်အိတ်၊" },
		{ "安全", "电气安全很重要" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char q[1024], d[4096], *p, *qw;
		snprintf(q, sizeof(q), "%s", words(cases[i].word, true));
		snprintf(d, sizeof(d), " %s", words(cases[i].sentence, false));
		/* Every bigram of the query is a primary word of the sentence. */
		for (qw = strtok_r(q, " ", &p); qw; qw = strtok_r(NULL, " ", &p)) {
			char w[256];
			snprintf(w, sizeof(w), " %.*s[", (int)(strchr(qw, '[') - qw), qw);
			if (!strstr(d, w))
				fail_msg("%s:%s not in%s", cases[i].word, w, d);
		}
	}
}

static void test_lao_and_burmese(void **state)
{
	(void)state;
	assert_string_equal(words("ໄຟຟ້າ", true), "ໄຟ[0,6] ຟຟ້[3,12] ຟ້າ[6,15]");
	assert_string_equal(words("လက်အိတ်", true), "လက်[0,9] က်အိ[3,15] အိတ်[9,21]");
}

/* Lao ໝ folds to ຫມ: folded first, then cut, so either spelling gives the same words. */
static void test_lao_fold_before_cut(void **state)
{
	(void)state;
	assert_true(same_words("ໝາກໄມ້", TOKENIZE_QUERY, "ຫມາກໄມ້", TOKENIZE_QUERY));
	assert_true(same_words("ໜ້າທີ່", TOKENIZE_QUERY, "ຫນ້າທີ່", TOKENIZE_QUERY));
	assert_string_equal(words("ໝາ", true), "ຫມ[0,3] ມາ[0,6]");
	/* Thai and Lao sara am is nikhahit and aa: the same for both spellings. */
	assert_true(same_words("น้ำ", TOKENIZE_QUERY, "น\u0E49\u0E4D\u0E32", TOKENIZE_QUERY));
	/* Each bigram of the text points at the bytes it came from. */
	assert_string_equal(words("ໝາ", false), "ຫມ[0,3] +ຫ[0,3] ມາ[0,6] +ມ[0,3] າ[3,6]");
}

/* Burmese typed in another order, or in visual order, gives the stored words. */
static void test_burmese_order(void **state)
{
	(void)state;
	/* ကျွန်ုပ်: medial ya before wa; the student typed wa first. */
	assert_true(same_words("ကျွန်", TOKENIZE_QUERY, "ကွျန်", TOKENIZE_QUERY));
	/* Vowel sign i and u typed the other way round. */
	assert_true(same_words("ကို", TOKENIZE_QUERY, "ကုိ", TOKENIZE_QUERY));
	/* Dot below and asat typed the other way round. */
	assert_true(same_words("ကြောင့်", TOKENIZE_QUERY, "ကြောင\u103A\u1037", TOKENIZE_QUERY));
	/* Visual order: "ေ" and "ြ" before their consonant. */
	assert_true(same_words("ချောဆီ", TOKENIZE_QUERY, "\u1031ချာဆီ", TOKENIZE_QUERY));
	assert_true(same_words("ကြောင်း", TOKENIZE_QUERY, "\u1031\u103Cကာင်း", TOKENIZE_QUERY));
	assert_true(same_words("စစ်ဆေးပါ", TOKENIZE_QUERY, "စစ်\u1031ဆးပါ", TOKENIZE_QUERY));
	/* In logical order "ေ" after a consonant stays where it is. */
	assert_true(same_words("ဆေး", TOKENIZE_QUERY, "ဆေး", TOKENIZE_QUERY));
	assert_false(same_words("ကေက", TOKENIZE_QUERY, "ကကေ", TOKENIZE_QUERY));
	/* A kinzi is left alone. */
	assert_string_equal(words("အင်္ဂါ", true), mode_words("အင်္ဂါ", TOKENIZE_EXACT));
}

/* Khmer typed in another order, or "េ" + "ា" for "ោ", gives the stored words. */
static void test_khmer_order(void **state)
{
	(void)state;
	/* Subscript ro after the other subscript: ស្ត្រី typed ស្រ្តី. */
	assert_true(same_words("ស្ត្រី", TOKENIZE_QUERY, "ស្រ្តី", TOKENIZE_QUERY));
	/* Nikahit before vowel u: ុំ typed ំុ. */
	assert_true(same_words("ចុំ", TOKENIZE_QUERY, "ចំុ", TOKENIZE_QUERY));
	/* ោ typed as េ + ា. */
	assert_true(same_words("ចោរ", TOKENIZE_QUERY, "ចេ\u17B6រ", TOKENIZE_QUERY));
}

/* The loose forms: what a student often gets wrong, folded for the second pass. */
static void test_loose_forms(void **state)
{
	(void)state;
	/* Thai: a wrong tone mark, a missing one. */
	assert_true(same_words("ปั้มน้ำ", TOKENIZE_LOOSE, "ปั๊มน้ำ", TOKENIZE_LOOSE));
	assert_true(same_words("นำมันจักร", TOKENIZE_LOOSE, "น้ำมันจักร", TOKENIZE_LOOSE));
	assert_false(same_words("ปั้มน้ำ", TOKENIZE_QUERY, "ปั๊มน้ำ", TOKENIZE_QUERY));
	/* Each loose bigram with its plain form as a synonym. */
	assert_string_equal(mode_words("ปั๊ม", TOKENIZE_LOOSE), "~ปัม[0,12] +ปัม[0,12]");
	/* Lao tone marks. */
	assert_true(same_words("ນ້ຳມັນ", TOKENIZE_LOOSE, "ນຳມັນ", TOKENIZE_LOOSE));
	/* Khmer: subscript da for ta, ឲ for ឱ. */
	assert_true(same_words("ផ្តាច់", TOKENIZE_LOOSE, "ផ្ដាច់", TOKENIZE_LOOSE));
	assert_true(same_words("ឲ្យ", TOKENIZE_LOOSE, "ឱ្យ", TOKENIZE_LOOSE));
	/* Burmese: medial ra for ya, a missing visarga. */
	assert_true(same_words("ချောဆီ", TOKENIZE_LOOSE, "ခြောဆီ", TOKENIZE_LOOSE));
	assert_true(same_words("ဆိုင်းဘုတ်", TOKENIZE_LOOSE, "ဆိုင်ဘုတ်", TOKENIZE_LOOSE));
	/* A text holds the marked loose form a loose query asks for. */
	{
		char q[1024];
		snprintf(q, sizeof(q), "%s", mode_words("ปั้ม", TOKENIZE_LOOSE));
		*strchr(q, '[') = '\0';
		assert_non_null(strstr(words("เรือนปั๊มน้ำ", false), q));
	}
}

static void test_chinese_bigrams(void **state)
{
	(void)state;
	assert_string_equal(words("电气安全", false),
	                    "电气[0,6] +电[0,3] 气安[3,9] +气[3,6] 安全[6,12] +安[6,9] 全[9,12]");
	/* A query gives the bigrams only, which must follow each other as in the text. */
	assert_string_equal(words("气安全", true), "气安[0,6] 安全[3,9]");
	assert_string_equal(words("电", true), "电[0,3]");
	assert_string_equal(words("电", false), "电[0,3]");
	/* Latin and digits between Chinese runs are words of their own. */
	assert_string_equal(words("220伏电压", true), "220[0,3] 伏电[3,9] 电压[6,12]");
}

static void test_bad_bytes(void **state)
{
	(void)state;
	/* Invalid UTF-8 is not a word, and splits a Chinese run. */
	assert_string_equal(words("bad\xff\xfe电气\xff安", false),
	                    "bad[0,3] 电气[5,11] +电[5,8] 气[8,11] 安[12,15]");
	assert_string_equal(words("\xc0\xaf\xed\xa0\x80", false), "");
}

static void test_long_word_is_cut(void **state)
{
	char text[1000];
	char out[TOKEN_MAX];

	(void)state;
	memset(text, 'a', sizeof(text));
	assert_int_equal(tokenizer_fold(text, sizeof(text), out), TOKEN_MAX);
	/* Cut at a character, never inside one. */
	for (size_t i = 0; i + 3 <= sizeof(text); i += 3)
		memcpy(text + i, "ก", 3);
	assert_true(tokenizer_fold(text, 999, out) % 3 == 0);
}

static int stop_after_two(void *ctx, bool colocated, const char *w, size_t n, size_t start,
                          size_t end)
{
	int *count = ctx;

	(void)colocated;
	(void)w;
	(void)n;
	(void)start;
	(void)end;
	return ++*count == 2 ? 7 : 0;
}

static void test_callback_stops(void **state)
{
	struct tokenizer *t = tokenizer_new();
	int count = 0;
	const char *text = "one two three four";

	(void)state;
	assert_int_equal(
	        tokenizer_run(t, text, strlen(text), TOKENIZE_TEXT, stop_after_two, &count), 7);
	assert_int_equal(count, 2);
	tokenizer_free(t);
}

static void test_dictionary_script(void **state)
{
	(void)state;
	assert_true(tokenizer_dictionary_script("ไฟ", strlen("ไฟ")));
	assert_true(tokenizer_dictionary_script("ໄຟ", strlen("ໄຟ")));
	assert_true(tokenizer_dictionary_script("ភ្លើង", strlen("ភ្លើង")));
	assert_true(tokenizer_dictionary_script("မီး", strlen("မီး")));
	assert_false(tokenizer_dictionary_script("fire", 4));
	assert_false(tokenizer_dictionary_script("火", strlen("火")));
	assert_false(tokenizer_dictionary_script("", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latin_words_and_case),
		cmocka_unit_test(test_vietnamese_without_accents),
		cmocka_unit_test(test_compatibility_forms),
		cmocka_unit_test(test_thai_clusters),
		cmocka_unit_test(test_word_found_inside_a_run),
		cmocka_unit_test(test_lao_and_burmese),
		cmocka_unit_test(test_lao_fold_before_cut),
		cmocka_unit_test(test_burmese_order),
		cmocka_unit_test(test_khmer_order),
		cmocka_unit_test(test_loose_forms),
		cmocka_unit_test(test_chinese_bigrams),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_long_word_is_cut),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_dictionary_script),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

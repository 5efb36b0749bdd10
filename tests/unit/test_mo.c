/*
 * test_mo.c - gettext's .mo catalogs read in memory (player/mo.c): lookups with
 * contexts and plural forms, both byte orders, Plural-Forms expressions as
 * libintl evaluates them, and catalogs cut, misordered or pointing outside
 * themselves, refused with a reason.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "mo.h"

/* ---- making catalogs ---- */

struct pair {
	const char *orig, *trans;
	size_t orig_len, trans_len; /* 0: strlen (a string with a NUL inside gives its length) */
};

static void put32(unsigned char *p, uint32_t v, bool big)
{
	for (int i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* A catalog of n pairs, in the order given; *len its size; malloc'd. */
static unsigned char *make_mo(const struct pair *p, size_t n, bool big, size_t *len)
{
	size_t total = 28 + 16 * n, at;
	unsigned char *m;

	for (size_t i = 0; i < n; i++)
		total += (p[i].orig_len ? p[i].orig_len : strlen(p[i].orig)) + 1 +
		         (p[i].trans_len ? p[i].trans_len : strlen(p[i].trans)) + 1;
	m = calloc(1, total);
	assert_non_null(m);
	put32(m, 0x950412de, big);
	put32(m + 8, (uint32_t)n, big);
	put32(m + 12, 28, big);
	put32(m + 16, (uint32_t)(28 + 8 * n), big);
	at = 28 + 16 * n;
	for (size_t i = 0; i < n; i++) {
		size_t ol = p[i].orig_len ? p[i].orig_len : strlen(p[i].orig);
		size_t tl = p[i].trans_len ? p[i].trans_len : strlen(p[i].trans);
		put32(m + 28 + 8 * i, (uint32_t)ol, big);
		put32(m + 28 + 8 * i + 4, (uint32_t)at, big);
		memcpy(m + at, p[i].orig, ol);
		at += ol + 1;
		put32(m + 28 + 8 * n + 8 * i, (uint32_t)tl, big);
		put32(m + 28 + 8 * n + 8 * i + 4, (uint32_t)at, big);
		memcpy(m + at, p[i].trans, tl);
		at += tl + 1;
	}
	*len = total;
	return m;
}

/* A Czech-like catalog: three plural forms, a context, a string without one. */
static const struct pair czech[] = {
	{ "",
	  "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=3; "
	  "plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;\n",
	  0, 0 },
	{ "Hello", "Ahoj", 0, 0 },
	{ "catalog\004Courses", "Kurzy", 0, 0 },
	{ "catalog\004{n} lesson\0{n} lessons", "{n} lekce\0{n} lekce2\0{n} lekcí",
	  sizeof("catalog\004{n} lesson\0{n} lessons") - 1,
	  sizeof("{n} lekce\0{n} lekce2\0{n} lekcí") - 1 },
	{ "empty", "", 0, 0 },
	{ "search\004Courses", "Kurzy ve vyhledávání", 0, 0 },
};

/* ---- plural expressions ---- */

static void plural_expressions_as_libintl_evaluates_them(void **state)
{
	(void)state;
	static const struct {
		const char *expr;
		unsigned long n, want;
	} table[] = {
		{ "0", 5, 0 },
		{ "n != 1", 1, 0 },
		{ "n != 1", 0, 1 },
		{ "(n > 1)", 1, 0 },
		{ "(n > 1)", 2, 1 },
		{ "n==1 ? 0 : n==2 ? 1 : 2", 2, 1 },
		{ "n==1 ? 0 : n==2 ? 1 : 2", 7, 2 },
		/* Russian: one, few, many */
		{ "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 "
		  ": 2)",
		  21, 0 },
		{ "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 "
		  ": 2)",
		  12, 2 },
		{ "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 "
		  ": 2)",
		  23, 1 },
		/* Arabic's six forms */
		{ "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5",
		  105, 3 },
		{ "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5",
		  100, 5 },
		{ "!n", 0, 1 },
		{ "!(n < 3)", 5, 1 },
		{ "n * 2 + 1 - 3 / 3", 4, 8 },
		{ " ( n >= 2 ) || ( n <= 0 ) ", 1, 0 },
		/* the branch not taken may divide by zero, as in C */
		{ "n == 0 ? 0 : 10 / n", 0, 0 },
		{ "n == 0 || 10 / n", 0, 1 },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		unsigned long got = 99;
		if (!mo_plural_eval(table[i].expr, strlen(table[i].expr), table[i].n, &got))
			fail_msg("'%s' for %lu did not evaluate", table[i].expr, table[i].n);
		if (got != table[i].want)
			fail_msg("'%s' for %lu: %lu, not %lu", table[i].expr, table[i].n, got,
			         table[i].want);
	}
}

static void bad_plural_expressions_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"n +",
		"(n",
		"n)",
		"x",
		"n = 1",
		"n | 1",
		"n & 1",
		"10 / (n - n)",
		"n ? 1",
		"99999999999999999999999",
		"n 1",
	};
	unsigned long got;
	char deep[200];
	size_t k = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mo_plural_eval(bad[i], strlen(bad[i]), 3, &got))
			fail_msg("'%s' evaluated to %lu", bad[i], got);
	/* nesting deeper than 32 is refused, not followed down the stack */
	for (; k < 60; k++)
		deep[k] = '(';
	deep[k++] = 'n';
	for (size_t j = 0; j < 60; j++)
		deep[k++] = ')';
	assert_false(mo_plural_eval(deep, k, 1, &got));
	assert_false(mo_plural_eval(NULL, 0, 1, &got));
}

/* ---- catalogs ---- */

static void finds_with_contexts_and_plural_forms(void **state)
{
	(void)state;
	for (int big = 0; big < 2; big++) {
		size_t len;
		unsigned char *m = make_mo(czech, sizeof(czech) / sizeof(czech[0]), big, &len);
		struct mo_catalog c;
		char why[128];

		if (!mo_open(&c, m, len, why, sizeof(why)))
			fail_msg("%s", why);
		assert_int_equal(c.nplurals, 3);
		assert_string_equal(mo_find(&c, NULL, "Hello", false, 0), "Ahoj");
		assert_string_equal(mo_find(&c, "catalog", "Courses", false, 0), "Kurzy");
		assert_string_equal(mo_find(&c, "search", "Courses", false, 0),
		                    "Kurzy ve vyhledávání");
		assert_string_equal(mo_find(&c, "catalog", "{n} lesson", true, 1), "{n} lekce");
		assert_string_equal(mo_find(&c, "catalog", "{n} lesson", true, 3), "{n} lekce2");
		assert_string_equal(mo_find(&c, "catalog", "{n} lesson", true, 5), "{n} lekcí");
		/* not there: another context, no context, an untranslated string */
		assert_null(mo_find(&c, "watch", "Courses", false, 0));
		assert_null(mo_find(&c, NULL, "Courses", false, 0));
		assert_null(mo_find(&c, "catalog", "Course", false, 0));
		assert_null(mo_find(&c, NULL, "empty", false, 0));
		assert_null(mo_find(&c, NULL, "Zebra", false, 0));
		free(m);
	}
}

static void a_catalog_without_plural_forms_uses_germanic_ones(void **state)
{
	(void)state;
	static const struct pair p[] = {
		{ "", "Content-Type: text/plain; charset=UTF-8\n", 0, 0 },
		{ "a\0b", "x\0y", 3, 3 },
	};
	size_t len;
	unsigned char *m = make_mo(p, 2, false, &len);
	struct mo_catalog c;

	assert_true(mo_open(&c, m, len, NULL, 0));
	assert_string_equal(mo_find(&c, NULL, "a", true, 1), "x");
	assert_string_equal(mo_find(&c, NULL, "a", true, 2), "y");
	free(m);
}

static void damaged_catalogs_are_refused(void **state)
{
	(void)state;
	size_t len;
	unsigned char *m = make_mo(czech, sizeof(czech) / sizeof(czech[0]), false, &len);
	unsigned char *copy = malloc(len);
	struct mo_catalog c;
	char why[128];
	static const struct pair unsorted[] = { { "b", "1", 0, 0 }, { "a", "2", 0, 0 } };
	static const struct pair wrong_plural[] = {
		{ "", "Plural-Forms: nplurals=2; plural=n;\n", 0, 0 },
	};
	static const struct pair no_plural[] = {
		{ "", "Plural-Forms: nplurals=0; plural=0;\n", 0, 0 },
	};
	unsigned char *u;
	size_t ulen;

	assert_non_null(copy);
	assert_false(mo_open(&c, m, 10, why, sizeof(why)));
	assert_non_null(strstr(why, "shorter"));
	memcpy(copy, m, len);
	copy[0] ^= 1;
	assert_false(mo_open(&c, copy, len, why, sizeof(why)));
	assert_non_null(strstr(why, "magic"));
	memcpy(copy, m, len);
	put32(copy + 4, 2u << 16, false);
	assert_false(mo_open(&c, copy, len, why, sizeof(why)));
	assert_non_null(strstr(why, "revision"));
	memcpy(copy, m, len);
	put32(copy + 8, 100000, false); /* tables far past the end */
	assert_false(mo_open(&c, copy, len, why, sizeof(why)));
	memcpy(copy, m, len);
	put32(copy + 28 + 8 + 4, (uint32_t)len - 2, false); /* a string past the end */
	assert_false(mo_open(&c, copy, len, why, sizeof(why)));
	assert_non_null(strstr(why, "past the end"));
	memcpy(copy, m, len);
	copy[len - 1] = 'x'; /* the last translation without its NUL */
	assert_false(mo_open(&c, copy, len, why, sizeof(why)));
	/* the catalog cut short anywhere is refused, never read past */
	for (size_t cut = 0; cut < len; cut++)
		assert_false(mo_open(&c, m, cut, NULL, 0));

	u = make_mo(unsorted, 2, false, &ulen);
	assert_false(mo_open(&c, u, ulen, why, sizeof(why)));
	assert_non_null(strstr(why, "order"));
	free(u);
	u = make_mo(wrong_plural, 1, false, &ulen);
	assert_false(mo_open(&c, u, ulen, why, sizeof(why)));
	assert_non_null(strstr(why, "Plural-Forms"));
	free(u);
	u = make_mo(no_plural, 1, false, &ulen);
	assert_false(mo_open(&c, u, ulen, why, sizeof(why)));
	free(u);
	free(copy);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plural_expressions_as_libintl_evaluates_them),
		cmocka_unit_test(bad_plural_expressions_are_refused),
		cmocka_unit_test(finds_with_contexts_and_plural_forms),
		cmocka_unit_test(a_catalog_without_plural_forms_uses_germanic_ones),
		cmocka_unit_test(damaged_catalogs_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

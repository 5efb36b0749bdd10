/* test_sbuf.c - the bounded buffer: its maximum enforced, growth, formatting, hand-over (bundle/sbuf.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

static void sbuf_enforces_its_maximum(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b, 10);
	assert_true(sbuf_add(&b, "hello", 5));
	assert_true(sbuf_adds(&b, "worl"));
	assert_int_equal(b.len, 9);
	assert_false(sbuf_adds(&b, "d!")); /* 11 > 10 */
	assert_int_equal(b.len, 9);
	assert_string_equal(b.data, "helloworl");
	assert_false(sbuf_addf(&b, "%d", 42));
	assert_int_equal(b.len, 9);
	assert_true(sbuf_addf(&b, "%c", 'd'));
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	assert_false(sbuf_add(&b, "x", 1));
	assert_true(sbuf_add(&b, "", 0));
	assert_string_equal(b.data, "helloworld");
	assert_false(sbuf_add(&b, "x", (size_t)-1));
	sbuf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 10);

	sbuf_init(&b, 0);
	assert_false(sbuf_add(&b, "x", 1));
	sbuf_release(&b);
}

static void sbuf_grows_and_formats(void **state)
{
	struct sbuf b;
	char *s;
	size_t len = 0;

	(void)state;
	sbuf_init(&b, 1u << 20);
	for (int i = 0; i < 1000; i++)
		assert_true(sbuf_addf(&b, "%04d|", i));
	assert_int_equal(b.len, 5000);
	assert_int_equal(strlen(b.data), 5000);
	assert_memory_equal(b.data + 4995, "0999|", 5);
	s = sbuf_take(&b, &len);
	assert_int_equal(len, 5000);
	assert_memory_equal(s, "0000|0001|", 10);
	free(s);
}

static void sbuf_take_hands_over_and_empties(void **state)
{
	struct sbuf b;
	char *s;
	size_t len = 99;

	(void)state;
	sbuf_init(&b, 100);
	assert_true(sbuf_adds(&b, "abc"));
	s = sbuf_take(&b, &len);
	assert_string_equal(s, "abc");
	assert_int_equal(len, 3);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 100);
	free(s);
	/* usable again, and an empty buffer gives an empty string */
	s = sbuf_take(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	assert_true(sbuf_adds(&b, "again"));
	s = sbuf_take(&b, NULL);
	assert_string_equal(s, "again");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sbuf_enforces_its_maximum),
		cmocka_unit_test(sbuf_grows_and_formats),
		cmocka_unit_test(sbuf_take_hands_over_and_empties),
	};
	return cmocka_run_group_tests_name("sbuf", tests, NULL, NULL);
}

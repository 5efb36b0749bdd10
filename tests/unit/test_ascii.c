/* test_ascii.c - ASCII case, never the locale's (common/ascii.c). */
#include "testutil.h"

#include <locale.h>

#include "ascii.h"

static void only_a_to_z_change(void **state)
{
	(void)state;
	assert_int_equal(ascii_lower('A'), 'a');
	assert_int_equal(ascii_lower('Z'), 'z');
	assert_int_equal(ascii_lower('a'), 'a');
	assert_int_equal(ascii_lower('@'), '@');
	assert_int_equal(ascii_lower('['), '[');
	assert_int_equal(ascii_lower('\xc3'), '\xc3'); /* the first byte of "Ã" */
	/* a Turkish locale turns I into ı; ASCII case does not */
	setlocale(LC_CTYPE, "tr_TR.UTF-8");
	assert_int_equal(ascii_lower('I'), 'i');
	setlocale(LC_CTYPE, "C");
}

static void a_prefix_in_any_case(void **state)
{
	(void)state;
	assert_true(ascii_starts_with_ci("JavaScript:alert(1)", 19, "javascript:"));
	assert_true(ascii_starts_with_ci("DATA:image/png", 14, "data:"));
	assert_true(ascii_starts_with_ci("href", 4, "href"));
	assert_true(ascii_starts_with_ci("anything", 8, ""));
	assert_false(ascii_starts_with_ci("hre", 3, "href")); /* too short */
	assert_false(ascii_starts_with_ci("href", 3, "href")); /* n counts, not the NUL */
	assert_false(ascii_starts_with_ci("jav\xc3\xa1script:", 13, "javascript:"));
}

/* Hex digits in both cases, and nothing else: not 'g', not a byte above 127. */
static void hex_digits_and_nothing_else(void **state)
{
	(void)state;
	assert_int_equal(ascii_hex_value('0'), 0);
	assert_int_equal(ascii_hex_value('9'), 9);
	assert_int_equal(ascii_hex_value('a'), 10);
	assert_int_equal(ascii_hex_value('F'), 15);
	assert_int_equal(ascii_hex_value('g'), -1);
	assert_int_equal(ascii_hex_value('G'), -1);
	assert_int_equal(ascii_hex_value('/'), -1);
	assert_int_equal(ascii_hex_value(':'), -1);
	assert_int_equal(ascii_hex_value('@'), -1);
	assert_int_equal(ascii_hex_value('`'), -1);
	assert_int_equal(ascii_hex_value('\0'), -1);
	assert_int_equal(ascii_hex_value((char)0xc1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_a_to_z_change),
		cmocka_unit_test(a_prefix_in_any_case),
		cmocka_unit_test(hex_digits_and_nothing_else),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

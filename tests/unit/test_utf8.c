/* test_utf8.c - strict UTF-8 decoding (bundle/utf8.c). */
#include "testutil.h"

#include <string.h>

#include "utf8.h"

static void accepts_well_formed_text(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("lessons/01.html", 15));
	assert_true(utf8_valid("ไฟฟ้า", strlen("ไฟฟ้า")));
	assert_true(utf8_valid("水泵 điện ភ្លើង", strlen("水泵 điện ភ្លើង")));
	assert_true(utf8_valid("\xF0\x9F\x92\xA7", 4)); /* U+1F4A7 */
	assert_true(utf8_valid("\xF4\x8F\xBF\xBF", 4)); /* U+10FFFF */
}

static void refuses_overlongs_surrogates_and_truncation(void **state)
{
	(void)state;
	assert_false(utf8_valid("\xC0\xAF", 2)); /* overlong '/' */
	assert_false(utf8_valid("\xE0\x80\xAF", 3)); /* overlong '/' */
	assert_false(utf8_valid("\xF0\x80\x80\xAF", 4)); /* overlong '/' */
	assert_false(utf8_valid("\xED\xA0\x80", 3)); /* U+D800 surrogate */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
	assert_false(utf8_valid("\xE0\xB8", 2)); /* cut short */
	assert_false(utf8_valid("\x80", 1)); /* lone continuation */
	assert_false(utf8_valid("\xFF", 1));
}

static void next_decodes_and_advances(void **state)
{
	const char *s = "aไ\xF0\x9F\x92\xA7";
	size_t pos = 0, len = strlen(s);
	uint32_t cp;

	(void)state;
	assert_true(utf8_next(s, len, &pos, &cp));
	assert_int_equal(cp, 'a');
	assert_true(utf8_next(s, len, &pos, &cp));
	assert_int_equal(cp, 0x0E44);
	assert_true(utf8_next(s, len, &pos, &cp));
	assert_int_equal(cp, 0x1F4A7);
	assert_int_equal(pos, len);
	assert_false(utf8_next(s, len, &pos, &cp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_well_formed_text),
		cmocka_unit_test(refuses_overlongs_surrogates_and_truncation),
		cmocka_unit_test(next_decodes_and_advances),
	};
	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}

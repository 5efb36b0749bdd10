/*
 * test_strfmt.c - a printf result in memory of its own (common/strfmt.c):
 * any length, a va_list left usable to its caller, and xasprintf built on it.
 */
#include "testutil.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strfmt.h"
#include "xalloc.h"

static void formats_as_printf(void **state)
{
	char *s;

	(void)state;
	s = strfmt("%s/%s", "lessons", "01.md");
	assert_string_equal(s, "lessons/01.md");
	free(s);
	s = strfmt("too many bundles: at most %d are served", 10000);
	assert_string_equal(s, "too many bundles: at most 10000 are served");
	free(s);
	s = strfmt("%s", "");
	assert_string_equal(s, "");
	free(s);
	s = xasprintf("%s %u %s", "ไทย", 3u, "ខ្មែរ");
	assert_string_equal(s, "ไทย 3 ខ្មែរ");
	free(s);
}

static void a_long_result_is_whole(void **state)
{
	char *big = malloc(100001), *s;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 100000);
	big[100000] = '\0';
	s = strfmt("<%s>", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), 100002);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[100001], '>');
	free(s);
	free(big);
}

/* vstrfmt twice on one va_list, each time from a copy: the caller's list stays usable. */
static char *twice(char **second, const char *fmt, ...)
{
	va_list ap, ap2;
	char *first;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	first = vstrfmt(fmt, ap);
	*second = xvasprintf(fmt, ap2);
	va_end(ap2);
	va_end(ap);
	return first;
}

static void a_va_list_is_read_once(void **state)
{
	char *second, *first = twice(&second, "%s=%d", "n", 42);

	(void)state;
	assert_string_equal(first, "n=42");
	assert_string_equal(second, "n=42");
	free(first);
	free(second);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_as_printf),
		cmocka_unit_test(a_long_result_is_whole),
		cmocka_unit_test(a_va_list_is_read_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

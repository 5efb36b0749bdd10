/*
 * test_password.c - a secret key's password (common/password.c): from the
 * first line of a file, in guarded memory, and never asked for where no
 * person is there to type it.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "minisign.h"
#include "password.h"

static char *password_in(const char *dir, const char *content, size_t len)
{
	char *path = tu_path(dir, "pw"), *pw;

	tu_write(path, content, len);
	pw = password_from_file(path);
	free(path);
	return pw;
}

static void the_first_line_of_a_file(void **state)
{
	char *dir = tu_tempdir(), *pw;

	(void)state;
	pw = password_in(dir, "correct horse\nsecond line\n", 26);
	assert_non_null(pw);
	assert_string_equal(pw, "correct horse");
	minisign_secret_free(pw);
	pw = password_in(dir, "windows\r\n", 9); /* a file from Notepad */
	assert_string_equal(pw, "windows");
	minisign_secret_free(pw);
	/* printf '%s' "$pw" >file writes no newline: the password ends with the file */
	pw = password_in(dir, "no newline", 10);
	assert_non_null(pw);
	assert_string_equal(pw, "no newline");
	minisign_secret_free(pw);
	pw = password_in(dir, "รหัสผ่าน\n", strlen("รหัสผ่าน\n"));
	assert_string_equal(pw, "รหัสผ่าน");
	minisign_secret_free(pw);
	tu_rmrf(dir);
	free(dir);
}

static void no_password_from_an_empty_missing_or_huge_file(void **state)
{
	char *dir = tu_tempdir(), *missing = tu_path(dir, "missing"), *big = malloc(4096);

	(void)state;
	assert_null(password_in(dir, "", 0));
	assert_null(password_from_file(missing));
	assert_null(password_from_file(dir)); /* a folder */
	memset(big, 'a', 4096);
	assert_null(password_in(dir, big, 4096)); /* longer than a password can be */
	free(big);
	free(missing);
	tu_rmrf(dir);
	free(dir);
}

static void never_asked_without_a_terminal(void **state)
{
	(void)state;
	/* the tests run with stdin and stderr away from any terminal */
	assert_null(password_ask("Password: ", false));
	assert_null(password_ask("Password for the new key: ", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_first_line_of_a_file),
		cmocka_unit_test(no_password_from_an_empty_missing_or_huge_file),
		cmocka_unit_test(never_asked_without_a_terminal),
	};
	return cmocka_run_group_tests(tests, tu_sodium_setup, NULL);
}

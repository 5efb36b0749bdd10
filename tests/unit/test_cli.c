/*
 * test_cli.c - what every command says and how it ends (common/cli.c):
 * messages in one shape, the exit code of each library status, sizes as
 * people read them, colour only where it can show.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void messages_have_one_shape(void **state)
{
	struct bundle_error err;
	char *said;

	(void)state;
	cli_program = "sampan-build";
	tu_stderr_begin();
	cli_error("%s: cannot read it: %s", "lessons/01.md", "Permission denied");
	cli_warning("media/big.bin: not used by any lesson");
	bundle_error_set(&err, BUNDLE_INVALID, RULE_SIGNATURE_INVALID, NULL, 0, "bad signature");
	assert_int_equal(cli_bundle_error("pump.sampan", &err), EXIT_NO);
	bundle_error_set(&err, BUNDLE_IO, RULE_NONE, NULL, 0, "disk full");
	assert_int_equal(cli_bundle_error(NULL, &err), EXIT_SYSTEM);
	said = tu_stderr_end();
	assert_string_equal(said, "sampan-build: lessons/01.md: cannot read it: Permission denied\n"
	                          "sampan-build: warning: media/big.bin: not used by any lesson\n"
	                          "sampan-build: pump.sampan: bad signature (SIGNATURE_INVALID)\n"
	                          "sampan-build: disk full\n");
	free(said);
}

static void each_status_has_its_exit_code(void **state)
{
	(void)state;
	assert_int_equal(cli_exit_for(BUNDLE_OK), EXIT_YES);
	assert_int_equal(cli_exit_for(BUNDLE_INVALID), EXIT_NO);
	assert_int_equal(cli_exit_for(BUNDLE_ENTRY_BAD), EXIT_NO);
	assert_int_equal(cli_exit_for(BUNDLE_USAGE), EXIT_USAGE);
	assert_int_equal(cli_exit_for(BUNDLE_IO), EXIT_SYSTEM);
	assert_int_equal(cli_exit_for(BUNDLE_NOMEM), EXIT_SYSTEM);
	/* the README's table */
	assert_int_equal(EXIT_YES, 0);
	assert_int_equal(EXIT_NO, 1);
	assert_int_equal(EXIT_USAGE, 2);
	assert_int_equal(EXIT_SYSTEM, 3);
}

static void sizes_read_as_people_say_them(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(cli_size(0, buf, sizeof(buf)), "0 bytes");
	assert_string_equal(cli_size(1, buf, sizeof(buf)), "1 byte");
	assert_string_equal(cli_size(999, buf, sizeof(buf)), "999 bytes");
	assert_string_equal(cli_size(1000, buf, sizeof(buf)), "1.0 kB");
	assert_string_equal(cli_size(1500000, buf, sizeof(buf)), "1.5 MB");
	assert_string_equal(cli_size(5000000000u, buf, sizeof(buf)), "5.0 GB");
	assert_string_equal(cli_size(UINT64_MAX, buf, sizeof(buf)), "18446744.1 TB");
	/* a small buffer is cut, never overrun */
	assert_string_equal(cli_size(1500000, buf, 4), "1.5");
}

static void colour_only_on_a_terminal_without_no_color(void **state)
{
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	assert_false(cli_color(f)); /* a file is no terminal */
	setenv("NO_COLOR", "1", 1);
	assert_false(cli_color(f));
	fclose(f);
	unsetenv("NO_COLOR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(messages_have_one_shape),
		cmocka_unit_test(each_status_has_its_exit_code),
		cmocka_unit_test(sizes_read_as_people_say_them),
		cmocka_unit_test(colour_only_on_a_terminal_without_no_color),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

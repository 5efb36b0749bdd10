/*
 * test_dispatch.c - from argv[1] to one command of a program's table
 * (common/dispatch.c): usage, --help, --version, an unknown command, and
 * the command's own argv.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dispatch.h"

static int ran_argc;
static char ran_first[64], ran_second[64];

static int cmd_pack(int argc, char **argv)
{
	ran_argc = argc;
	snprintf(ran_first, sizeof ran_first, "%s", argv[0]);
	snprintf(ran_second, sizeof ran_second, "%s", argc > 1 ? argv[1] : "");
	return 7;
}

static const struct cli_command table[] = {
	{ "pack", cmd_pack, "pack something" },
	{ "unpack", cmd_pack, "unpack it again" },
};

/* cli_dispatch on words (NULL-terminated, argv[0] first): its code, stdout and stderr. */
static int dispatch(char **out, char **err, const char *const *words)
{
	char *argv[8];
	int argc = 0, rc;

	for (; *words; words++)
		argv[argc++] = (char *)(uintptr_t)*words;
	argv[argc] = NULL;
	tu_capture_begin(STDOUT_FILENO);
	tu_capture_begin(STDERR_FILENO);
	rc = cli_dispatch("sampan-test", "problems found", table, 2, argc, argv);
	*err = tu_capture_end(STDERR_FILENO);
	*out = tu_capture_end(STDOUT_FILENO);
	return rc;
}

static void a_command_runs_with_its_own_argv(void **state)
{
	char *out, *err;

	(void)state;
	ran_argc = 0;
	assert_int_equal(
	        dispatch(&out, &err, (const char *const[]){ "x", "unpack", "--flag", NULL }), 7);
	assert_int_equal(ran_argc, 2);
	assert_string_equal(ran_first, "unpack");
	assert_string_equal(ran_second, "--flag");
	assert_string_equal(cli_program, "sampan-test");
	free(out);
	free(err);
}

static void usage_help_and_version(void **state)
{
	char *out, *err;

	(void)state;
	/* no command: the usage on stderr, exit 2 */
	assert_int_equal(dispatch(&out, &err, (const char *const[]){ "x", NULL }), EXIT_USAGE);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "usage: sampan-test COMMAND [options]"));
	assert_non_null(strstr(err, "  pack     pack something\n"));
	assert_non_null(strstr(err, "  unpack   unpack it again\n"));
	assert_non_null(
	        strstr(err, "Exit status: 0 yes, 1 no (problems found), 2 usage, 3 system"));
	free(out);
	free(err);
	/* --help, -h and help: the same on stdout, exit 0 */
	for (int i = 0; i < 3; i++) {
		const char *word = i == 0 ? "--help" : i == 1 ? "-h" : "help";
		assert_int_equal(dispatch(&out, &err, (const char *const[]){ "x", word, NULL }),
		                 EXIT_YES);
		assert_non_null(strstr(out, "usage: sampan-test COMMAND [options]"));
		assert_string_equal(err, "");
		free(out);
		free(err);
	}
	assert_int_equal(dispatch(&out, &err, (const char *const[]){ "x", "--version", NULL }),
	                 EXIT_YES);
	assert_string_equal(out, "sampan-test " SAMPAN_VERSION " (bundle format 1)\n");
	free(out);
	free(err);
}

static void an_unknown_command_is_a_usage_error(void **state)
{
	char *out, *err;

	(void)state;
	ran_argc = 0;
	assert_int_equal(dispatch(&out, &err, (const char *const[]){ "x", "packs", NULL }),
	                 EXIT_USAGE);
	assert_string_equal(err,
	                    "sampan-test: 'packs' is not a command; see 'sampan-test --help'\n");
	assert_int_equal(ran_argc, 0);
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_command_runs_with_its_own_argv),
		cmocka_unit_test(usage_help_and_version),
		cmocka_unit_test(an_unknown_command_is_a_usage_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

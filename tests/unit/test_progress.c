/*
 * test_progress.c - a long command's progress line (common/progress.c):
 * drawn on a terminal only, never into a pipe, a file or under -q, and in
 * one shape when drawn.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "progress.h"

static void nothing_when_stderr_is_no_terminal(void **state)
{
	struct progress p;
	char *said;

	(void)state;
	tu_stderr_begin();
	progress_start(&p, "Writing");
	assert_false(p.on);
	progress_update(&p, 10, 100);
	progress_update(&p, 100, 100);
	progress_end(&p);
	said = tu_stderr_end();
	assert_string_equal(said, "");
	free(said);
}

static void nothing_under_quiet(void **state)
{
	struct progress p;

	(void)state;
	cli_quiet = true;
	progress_start(&p, "Copying");
	assert_false(p.on);
	cli_quiet = false;
}

static void one_line_rewritten_in_place(void **state)
{
	struct progress p;
	char *said;

	(void)state;
	tu_stderr_begin();
	progress_start(&p, "Verifying");
	p.on = true; /* as on a terminal */
	progress_update(&p, 500000, 2000000);
	progress_update(&p, 600000, 2000000); /* within a tenth of a second: not drawn */
	progress_update(&p, 2000000, 2000000); /* the end is always drawn */
	progress_end(&p);
	progress_update(&p, 2000000, 2000000); /* after the end: nothing */
	said = tu_stderr_end();
	assert_int_equal(strncmp(said, "\r\033[KVerifying  500.0 kB / 2.0 MB  ", 33), 0);
	assert_non_null(strstr(said, " left"));
	assert_null(strstr(said, "600.0 kB"));
	assert_non_null(strstr(said, "\r\033[KVerifying  2.0 MB / 2.0 MB  "));
	/* cleared at the end, and only one clearing */
	assert_int_equal(strcmp(said + strlen(said) - 4, "\r\033[K"), 0);
	free(said);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_when_stderr_is_no_terminal),
		cmocka_unit_test(nothing_under_quiet),
		cmocka_unit_test(one_line_rewritten_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

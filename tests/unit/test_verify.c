/*
 * test_verify.c - `verify`, the one command both programs list
 * (common/verify.c): the report entry by entry, its verdicts and exit codes,
 * and the options and trusted keys it takes.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "trust.h"
#include "verify.h"

static char *dir, *good, *big, *pub1;

static int setup(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	char *text;
	size_t len;

	(void)state;
	if (minisign_init(&err) != BUNDLE_OK)
		return -1;
	dir = tu_tempdir();
	good = tu_path(dir, "good.sampan");
	big = tu_path(dir, "big.sampan");
	pub1 = tu_path(dir, "k1.pub");
	tu_make_bundle(good, 1, 0);
	tu_make_bundle(big, 1, 300000);
	tu_key(1, &sk, &pk);
	if (minisign_pubkey_format(&pk, &text, &len, &err) != BUNDLE_OK)
		return -1;
	tu_write(pub1, text, len);
	free(text);
	minisign_seckey_free(sk);
	setenv("XDG_CONFIG_HOME", dir, 1); /* no sampan/trusted there */
	cli_program = "sampan-play";
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmrf(dir);
	free(dir);
	free(good);
	free(big);
	free(pub1);
	return 0;
}

/* The report of path with key n (1 or 2), on stdout: its exit code, and what it said. */
static int report(const char *path, int n, bool quiet, char **out)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	struct trust t;
	int rc;

	tu_key(n, &sk, &pk);
	trust_init(&t);
	assert_ok(trust_add(&t, &pk, &err), err);
	tu_capture_begin(STDOUT_FILENO);
	rc = verify_report(path, &t, quiet);
	*out = tu_capture_end(STDOUT_FILENO);
	trust_release(&t);
	minisign_seckey_free(sk);
	return rc;
}

static void a_valid_bundle_entry_by_entry(void **state)
{
	char *out, line[512];

	(void)state;
	assert_int_equal(report(good, 1, false, &out), EXIT_YES);
	assert_non_null(strstr(out, "OK    mimetype\n"));
	assert_non_null(strstr(out, "OK    index.html\n"));
	assert_non_null(strstr(out, "OK    lessons/01-intro.html\n"));
	snprintf(line, sizeof line, "%s: valid: course org.example.pump version 1.2, ", good);
	assert_non_null(strstr(out, line));
	free(out);
	assert_int_equal(report(good, 1, true, &out), EXIT_YES);
	assert_null(strstr(out, "OK "));
	assert_non_null(strstr(out, ": valid: "));
	free(out);
}

static void a_changed_byte_fails_its_entry(void **state)
{
	char *copy = tu_path(dir, "changed.sampan"), *out, line[512];
	unsigned char *data;
	size_t len;

	(void)state;
	data = tu_read(big, &len);
	data[len / 2] ^= 0x55; /* inside the stored video */
	tu_write(copy, data, len);
	free(data);
	assert_int_equal(report(copy, 1, false, &out), EXIT_NO);
	assert_non_null(strstr(out, "FAIL  media/video.mp4: "));
	snprintf(line, sizeof line, "%s: INVALID: 1 of ", copy);
	assert_non_null(strstr(out, line));
	free(out);
	free(copy);
}

static void a_bundle_refused_before_its_entries(void **state)
{
	char *missing = tu_path(dir, "missing.sampan"), *out, line[512];

	(void)state;
	assert_int_equal(report(good, 2, false, &out), EXIT_NO);
	snprintf(line, sizeof line, "FAIL  %s: ", good);
	assert_int_equal(strncmp(out, line, strlen(line)), 0);
	assert_non_null(strstr(out, "KEY_UNTRUSTED"));
	assert_null(strstr(out, "OK "));
	free(out);
	assert_int_equal(report(missing, 1, false, &out), EXIT_SYSTEM);
	free(out);
	free(missing);
}

/* verify_command with words (NULL-terminated, after "verify"): its code, stdout and stderr. */
static int command(char **out, char **err, const char *const *words)
{
	char *argv[16];
	int argc = 0, rc;

	argv[argc++] = (char *)(uintptr_t) "verify";
	for (; *words; words++)
		argv[argc++] = (char *)(uintptr_t)*words;
	cli_quiet = false;
	tu_capture_begin(STDERR_FILENO);
	tu_capture_begin(STDOUT_FILENO);
	rc = verify_command(argc, argv);
	*out = tu_capture_end(STDOUT_FILENO);
	*err = tu_capture_end(STDERR_FILENO);
	cli_quiet = false;
	return rc;
}

static void the_command_takes_the_trusted_keys_and_files(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(command(&out, &err,
	                         (const char *const[]){ good, "--trust", pub1, "-q", good, NULL }),
	                 EXIT_YES);
	assert_null(strstr(out, "OK "));
	assert_non_null(strstr(out, ": valid: "));
	free(out);
	free(err);
	/* no key at all: a usage error that says where keys go */
	assert_int_equal(command(&out, &err, (const char *const[]){ good, NULL }), EXIT_USAGE);
	assert_non_null(strstr(err, "sampan-play: no trusted key: give --trust KEY.pub"));
	free(out);
	free(err);
	/* no file */
	assert_int_equal(command(&out, &err, (const char *const[]){ "--trust", pub1, NULL }),
	                 EXIT_USAGE);
	assert_non_null(strstr(err, "verify needs at least one FILE.sampan"));
	free(out);
	free(err);
	/* the worst verdict is the exit code */
	assert_int_equal(
	        command(&out, &err,
	                (const char *const[]){ good, "no-such.sampan", "--trust", pub1, NULL }),
	        EXIT_SYSTEM);
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_valid_bundle_entry_by_entry),
		cmocka_unit_test(a_changed_byte_fails_its_entry),
		cmocka_unit_test(a_bundle_refused_before_its_entries),
		cmocka_unit_test(the_command_takes_the_trusted_keys_and_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

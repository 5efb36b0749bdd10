/*
 * test_options.c - the one option parser of both programs (common/options.c)
 * and the trusted keys of a command line (common/trustopt.c): every
 * spelling of an option, operands in any place, and usage errors that end
 * the command with exit 2 and the usage line.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "trustopt.h"

static const struct opts_help help = {
	.usage = "build SRC -k KEY -o OUT.sampan [options]",
	.about = "About.\n",
	.after = "Exit status: 0 built.\n",
};

/* A word of a command line (opts_parse may reorder argv, never write the words). */
static char *word(const char *s)
{
	return (char *)(uintptr_t)s;
}

struct parsed {
	const char *key, *out, *password_file;
	bool force, no_password;
	int code;
	int n;
	char *argv[16];
};

/* Parse a NULL-terminated list of words (the first is the command's name). */
static void parse(struct parsed *p, const char *const *words)
{
	const struct opt opts[] = {
		OPT_STRING('k', "key", &p->key, "KEY", "the secret key"),
		OPT_STRING('o', "output", &p->out, "OUT.sampan", "the bundle to write"),
		OPT_STRING(0, "password-file", &p->password_file, "FILE", "its password"),
		OPT_BOOL('f', "force", &p->force, "replace"),
		OPT_BOOL(0, "no-password", &p->no_password, "no password"),
		OPT_QUIET("quiet"),
		OPT_END(),
	};
	int argc = 0;

	memset(p, 0, sizeof(*p));
	cli_quiet = false;
	while (words[argc]) {
		p->argv[argc] = (char *)words[argc];
		argc++;
	}
	p->n = opts_parse(argc, p->argv, opts, &help, &p->code);
}

static void every_spelling_of_an_option(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p,
	      (const char *const[]){ "build", "-k", "a.key", "--output", "b.sampan", "src", NULL });
	assert_int_equal(p.n, 1);
	assert_string_equal(p.argv[0], "src");
	assert_string_equal(p.key, "a.key");
	assert_string_equal(p.out, "b.sampan");
	parse(&p, (const char *const[]){ "build", "-ka.key", "--output=b.sampan", "src", NULL });
	assert_string_equal(p.key, "a.key");
	assert_string_equal(p.out, "b.sampan");
	/* a unique prefix of a long option is the option, as getopt_long allows */
	parse(&p, (const char *const[]){ "build", "--pass", "pw", "--no-p", "--out", "x", NULL });
	assert_int_equal(p.n, 0);
	assert_string_equal(p.password_file, "pw");
	assert_true(p.no_password);
	assert_string_equal(p.out, "x");
	/* flags grouped, the last of them taking an argument */
	parse(&p, (const char *const[]){ "build", "-qfk", "k.key", NULL });
	assert_true(cli_quiet);
	assert_true(p.force);
	assert_string_equal(p.key, "k.key");
	/* given twice: the last one counts */
	parse(&p, (const char *const[]){ "build", "-k", "one", "-k", "two", NULL });
	assert_string_equal(p.key, "two");
	cli_quiet = false;
}

static void operands_anywhere_and_after_double_dash(void **state)
{
	struct parsed p;

	(void)state;
	parse(&p, (const char *const[]){ "build", "a", "-k", "k", "b", "--", "-q", "--force", "-",
	                                 NULL });
	assert_int_equal(p.code, EXIT_YES);
	assert_int_equal(p.n, 5);
	assert_string_equal(p.argv[0], "a");
	assert_string_equal(p.argv[1], "b");
	assert_string_equal(p.argv[2], "-q");
	assert_string_equal(p.argv[3], "--force");
	assert_string_equal(p.argv[4], "-");
	assert_false(cli_quiet);
	assert_false(p.force);
}

static void expect_usage_error(const char *const *words, const char *message)
{
	struct parsed p;
	char *said;

	cli_program = "sampan-build";
	tu_stderr_begin();
	parse(&p, words);
	said = tu_stderr_end();
	assert_int_equal(p.n, -1);
	assert_int_equal(p.code, EXIT_USAGE);
	if (!strstr(said, message))
		fail_msg("'%s' not in: %s", message, said);
	assert_non_null(strstr(said, "usage: sampan-build build SRC -k KEY -o OUT.sampan"));
	free(said);
}

static void mistakes_are_usage_errors(void **state)
{
	(void)state;
	expect_usage_error((const char *const[]){ "build", "--frobnicate", NULL },
	                   "sampan-build: build: unknown option '--frobnicate'");
	expect_usage_error((const char *const[]){ "build", "-x", NULL },
	                   "build: unknown option '-x'");
	expect_usage_error((const char *const[]){ "build", "src", "-k", NULL },
	                   "build: option '-k' needs KEY");
	expect_usage_error((const char *const[]){ "build", "--output", NULL },
	                   "build: option '--output' needs OUT.sampan");
	expect_usage_error((const char *const[]){ "build", "--force=yes", NULL },
	                   "build: option '--force' takes no value");
	expect_usage_error((const char *const[]){ "build", "--keys", "x", NULL },
	                   "build: unknown option '--keys'");
}

static void the_count_of_operands_is_checked_when_asked(void **state)
{
	static const struct opts_help two = {
		.usage = "extract FILE.sampan DIR",
		.operands = "extract needs one FILE.sampan and one DIR",
		.operands_min = 2,
		.operands_max = 2,
	};
	static const struct opts_help many = {
		.usage = "verify FILE.sampan...",
		.operands = "verify needs at least one FILE.sampan",
		.operands_min = 1,
		.operands_max = -1,
	};
	const struct opt none[] = { OPT_END() };
	char *argv[5] = { word("extract"), word("a.sampan"), word("dir"), word("extra"), NULL };
	char *said;
	int code;

	(void)state;
	cli_program = "sampan-play";
	assert_int_equal(opts_parse(3, argv, none, &two, &code), 2);
	tu_stderr_begin();
	assert_int_equal(opts_parse(4, argv, none, &two, &code), -1);
	said = tu_stderr_end();
	assert_int_equal(code, EXIT_USAGE);
	assert_non_null(strstr(said, "sampan-play: extract needs one FILE.sampan and one DIR\n"
	                             "usage: sampan-play extract FILE.sampan DIR\n"));
	free(said);
	argv[1] = word("a.sampan");
	assert_int_equal(opts_parse(4, argv, none, &many, &code), 3);
	tu_stderr_begin();
	assert_int_equal(opts_parse(1, argv, none, &many, &code), -1);
	free(tu_stderr_end());
	assert_int_equal(code, EXIT_USAGE);
	/* without a message, no count is checked */
	assert_int_equal(opts_parse(1, argv, none, &help, &code), 0);
}

static void help_and_version_end_the_command(void **state)
{
	struct parsed p;
	char *out;

	(void)state;
	cli_program = "sampan-build";
	tu_capture_begin(STDOUT_FILENO);
	parse(&p, (const char *const[]){ "build", "src", "--help", "--frobnicate", NULL });
	out = tu_capture_end(STDOUT_FILENO);
	assert_int_equal(p.n, -1);
	assert_int_equal(p.code, EXIT_YES);
	/* the help is written from the table: every option, -h and --version too */
	assert_int_equal(strncmp(out, "usage: sampan-build build SRC -k KEY -o OUT.sampan", 50), 0);
	assert_non_null(strstr(out, "\nAbout.\n"));
	assert_non_null(strstr(out, "\n  -k, --key KEY           the secret key\n"));
	assert_non_null(
	        strstr(out, "\n  -o, --output OUT.sampan\n                          the bundle"));
	assert_non_null(strstr(out, "\n      --password-file FILE\n"));
	assert_non_null(strstr(out, "\n  -f, --force             replace\n"));
	assert_non_null(strstr(out, "\n  -h, --help              this help\n"));
	assert_non_null(strstr(out, "\n      --version           "));
	assert_non_null(strstr(out, "\n\nExit status: 0 built.\n"));
	free(out);
	tu_capture_begin(STDOUT_FILENO);
	parse(&p, (const char *const[]){ "build", "--version", NULL });
	out = tu_capture_end(STDOUT_FILENO);
	assert_int_equal(p.n, -1);
	assert_int_equal(p.code, EXIT_YES);
	assert_string_equal(out, "sampan-build " SAMPAN_VERSION " (bundle format 1)\n");
	free(out);
	tu_capture_begin(STDOUT_FILENO);
	parse(&p, (const char *const[]){ "build", "-h", NULL });
	out = tu_capture_end(STDOUT_FILENO);
	assert_int_equal(p.code, EXIT_YES);
	assert_non_null(strstr(out, "usage: "));
	free(out);
}

/* A table with an option named version (import's course version) takes --version itself. */
static void a_table_of_its_own_version(void **state)
{
	const char *version = NULL;
	const struct opt opts[] = {
		OPT_STRING(0, "version", &version, "VERSION", "the course's version"),
		OPT_END(),
	};
	char *argv[] = { word("import"), word("--version"), word("1.2"), word("src"), NULL };
	char *argv2[] = { word("import"), word("--help"), NULL };
	char *out;
	int code, n;

	(void)state;
	n = opts_parse(4, argv, opts, &help, &code);
	assert_int_equal(n, 1);
	assert_string_equal(version, "1.2");
	assert_string_equal(argv[0], "src");
	tu_capture_begin(STDOUT_FILENO);
	n = opts_parse(2, argv2, opts, &help, &code);
	out = tu_capture_end(STDOUT_FILENO);
	assert_int_equal(n, -1);
	/* its help names it once, as the table says it */
	assert_non_null(strstr(out, "--version VERSION"));
	assert_null(strstr(out, "the program's version"));
	free(out);
}

static void a_trusted_key_file_and_folder(void **state)
{
	char *dir = tu_tempdir(), *keys = tu_path(dir, "keys"), *pub = tu_path(dir, "k1.pub");
	char *inkeys = tu_path(keys, "k2.pub"), *bad = tu_path(dir, "bad.pub"), *said;
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	struct trust_opts t;
	const struct opt opts[] = { OPT_TRUST(&t), OPT_TRUST_DIR(&t), OPT_END() };
	char *text, *argv[8];
	size_t len;
	int code;

	(void)state;
	for (int k = 1; k <= 2; k++) {
		tu_key(k, &sk, &pk);
		assert_ok(minisign_pubkey_format(&pk, &text, &len, &err), err);
		tu_write(k == 1 ? pub : inkeys, text, len);
		free(text);
		minisign_seckey_free(sk);
	}
	tu_write(bad, "not a key\n", 10);
	setenv("XDG_CONFIG_HOME", dir, 1); /* no sampan/trusted there: the default adds nothing */

	trust_opts_init(&t);
	argv[0] = word("verify"), argv[1] = word("--trust"), argv[2] = pub;
	argv[3] = word("x.sampan"), argv[4] = word("--trust-dir"), argv[5] = keys;
	assert_int_equal(opts_parse(6, argv, opts, &help, &code), 1);
	assert_int_equal(t.trust.count, 1); /* --trust is read at once */
	assert_int_equal(trust_opts_load(&t, TRUST_NEED_KEY), EXIT_YES);
	assert_int_equal(t.trust.count, 2); /* the folder's when the options are done */
	trust_opts_release(&t);

	/* no key at all: a usage error that says where keys go, or a warning */
	trust_opts_init(&t);
	tu_stderr_begin();
	assert_int_equal(trust_opts_load(&t, TRUST_NEED_KEY), EXIT_USAGE);
	assert_int_equal(trust_opts_load(&t, TRUST_WARN), EXIT_YES);
	assert_int_equal(trust_opts_load(&t, TRUST_OPTIONAL), EXIT_YES);
	said = tu_stderr_end();
	assert_non_null(strstr(said, "no trusted key: give --trust KEY.pub, or put"));
	assert_non_null(strstr(said, "/sampan/trusted"));
	assert_non_null(strstr(said, "warning: no trusted key: every bundle is refused"));
	free(said);
	trust_opts_release(&t);

	/* a file that is not a key is a usage error; one that is not there a system error */
	trust_opts_init(&t);
	argv[0] = word("verify"), argv[1] = word("--trust"), argv[2] = bad;
	tu_stderr_begin();
	assert_int_equal(opts_parse(3, argv, opts, &help, &code), -1);
	assert_int_equal(code, EXIT_USAGE);
	argv[2] = word("no-such.pub");
	assert_int_equal(opts_parse(3, argv, opts, &help, &code), -1);
	assert_int_equal(code, EXIT_SYSTEM);
	free(tu_stderr_end());
	trust_opts_release(&t);

	unsetenv("XDG_CONFIG_HOME");
	free(pub);
	free(inkeys);
	free(bad);
	free(keys);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_spelling_of_an_option),
		cmocka_unit_test(operands_anywhere_and_after_double_dash),
		cmocka_unit_test(mistakes_are_usage_errors),
		cmocka_unit_test(the_count_of_operands_is_checked_when_asked),
		cmocka_unit_test(help_and_version_end_the_command),
		cmocka_unit_test(a_table_of_its_own_version),
		cmocka_unit_test(a_trusted_key_file_and_folder),
	};
	return cmocka_run_group_tests(tests, tu_sodium_setup, NULL);
}

/*
 * options.h - a command's options, declared once in a table and parsed by
 * one function, as git's parse-options.h does: the same option is spelled,
 * checked and explained the same way in every command of both programs,
 * and the help is written from the table.
 *
 *	static int cmd_list(int argc, char **argv)
 *	{
 *		struct trust_opts t;
 *		const struct opt opts[] = {
 *			OPT_TRUST(&t),
 *			OPT_TRUST_DIR(&t),
 *			OPT_END(),
 *		};
 *		int n = opts_parse(argc, argv, opts, &help, &rc);
 *		if (n < 0)
 *			return rc;	(--help, --version, or a usage error, said)
 *		... argv[0, n) are the operands ...
 *	}
 *
 * Every table also takes -h/--help (the help on stdout, exit 0) and
 * --version (the program's version, exit 0).  Options and operands may
 * come in any order; "--" ends the options.  Long options take their
 * argument as "--key FILE" or "--key=FILE", and may be shortened to any
 * unambiguous prefix; short ones as "-k FILE" or "-kFILE", and short flags
 * may be grouped ("-qf").
 */
#ifndef SAMPAN_COMMON_OPTIONS_H
#define SAMPAN_COMMON_OPTIONS_H

#include <stdbool.h>

enum opt_kind {
	OPT_KIND_END,
	OPT_KIND_BOOL, /* no argument: *(bool *)value = true */
	OPT_KIND_STRING, /* an argument: *(const char **)value = it (the last one given counts) */
	OPT_KIND_CALLBACK /* an argument, handed to callback, which may refuse it */
};

struct opt {
	enum opt_kind kind;
	char short_name; /* 0: none */
	const char *long_name; /* NULL: none */
	void *value;
	const char *arg_name; /* in the help: "FILE", "KEY.pub" */
	const char *help; /* '\n' starts another line of it */
	/*
	 * OPT_KIND_CALLBACK: take arg (never NULL) for o; EXIT_YES, or the exit
	 * code once the problem is reported (cli.h).
	 */
	int (*callback)(const struct opt *o, const char *arg);
};

#define OPT_BOOL(s, l, v, h)                                  \
	{                                                     \
		OPT_KIND_BOOL, (s), (l), (v), NULL, (h), NULL \
	}
#define OPT_STRING(s, l, v, a, h)                              \
	{                                                      \
		OPT_KIND_STRING, (s), (l), (v), (a), (h), NULL \
	}
#define OPT_CALLBACK(s, l, v, a, h, f)                          \
	{                                                       \
		OPT_KIND_CALLBACK, (s), (l), (v), (a), (h), (f) \
	}
/* -q, --quiet: sets cli_quiet (cli.h); h says what it silences in this command. */
#define OPT_QUIET(h) OPT_BOOL('q', "quiet", &cli_quiet, (h))
#define OPT_END()                                             \
	{                                                     \
		OPT_KIND_END, 0, NULL, NULL, NULL, NULL, NULL \
	}

/* What the help says around the options. */
struct opts_help {
	/*
	 * After "usage: PROGRAM ": the command and its operands ("verify
	 * FILE.sampan... [options]"); '\n' starts another line, indented.
	 */
	const char *usage;
	const char *about; /* paragraphs before the options, or NULL */
	const char *after; /* paragraphs after them (e.g. the exit status), or NULL */
	/*
	 * When set, the usage error opts_parse gives unless the command has
	 * from operands_min to operands_max operands (-1: no bound).
	 */
	const char *operands;
	int operands_min, operands_max;
};

/*
 * Parse argv[1, argc) (argv[0] is the command's name) against opts.  The
 * operands are moved to argv[0, n), in their order, and n is returned.
 * -1 with *exit_code set when the command is to end now: EXIT_YES after
 * --help or --version; EXIT_USAGE after an unknown option, a missing
 * argument, an argument given to a flag or (help->operands) a count of
 * operands out of bounds, reported with the usage line on stderr; a
 * callback's code when it refused its argument.
 */
int opts_parse(int argc, char **argv, const struct opt *opts, const struct opts_help *help,
               int *exit_code);

/* The whole help (usage, about, the options, after) on stdout, as --help gives it. */
void opts_print_help(const struct opt *opts, const struct opts_help *help);

/*
 * A usage error: "PROGRAM: MESSAGE" and the usage line on stderr; returns
 * EXIT_USAGE.  For what the table cannot tell (operands missing, options
 * that exclude each other).
 */
int opts_usage_error(const struct opts_help *help, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

#endif

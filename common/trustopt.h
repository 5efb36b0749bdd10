/*
 * trustopt.h - the publishers a command trusts, from its command line:
 * --trust KEY.pub (repeatable), and every *.pub of --trust-dir DIR or, by
 * default, of the trust folder ($XDG_CONFIG_HOME/sampan/trusted, else
 * ~/.config/sampan/trusted; a missing folder adds nothing).  The same two
 * options, the same default and the same messages in every command of
 * both programs that checks a signature.
 *
 *	struct trust_opts t;
 *	const struct opt opts[] = { OPT_TRUST(&t), OPT_TRUST_DIR(&t), OPT_END() };
 *
 *	trust_opts_init(&t);
 *	n = opts_parse(argc, argv, opts, &help, &rc);
 *	if (n >= 0)
 *		rc = trust_opts_load(&t, TRUST_NEED_KEY);
 *	... use t.trust ...
 *	trust_opts_release(&t);
 */
#ifndef SAMPAN_COMMON_TRUSTOPT_H
#define SAMPAN_COMMON_TRUSTOPT_H

#include "options.h"
#include "trust.h"

struct trust_opts {
	struct trust trust; /* the --trust keys as they are parsed, then the folder's */
	const char *dir; /* --trust-dir, or NULL for the default folder */
};

/* What a command does when no key at all is trusted. */
enum trust_need {
	TRUST_NEED_KEY, /* a usage error that says where keys go: nothing can pass */
	TRUST_WARN, /* a warning that every bundle will be refused (serve, list) */
	TRUST_OPTIONAL /* nothing said: the command works without (inspect) */
};

void trust_opts_init(struct trust_opts *t);
void trust_opts_release(struct trust_opts *t);

/* --trust: the key file is read at once; a file that is not a key is a usage error. */
int trust_opts_add_file(const struct opt *o, const char *path);
/* --trust-dir: remembered, read by trust_opts_load. */
int trust_opts_set_dir(const struct opt *o, const char *dir);

#define OPT_TRUST(t)                               \
	OPT_CALLBACK('t', "trust", (t), "KEY.pub", \
	             "trust the publisher with this public key (repeatable)", trust_opts_add_file)
#define OPT_TRUST_DIR(t)                                                      \
	OPT_CALLBACK(0, "trust-dir", (t), "DIR",                              \
	             "trust every *.pub in DIR (default: the trust folder,\n" \
	             "$XDG_CONFIG_HOME/sampan/trusted, else\n"                \
	             "~/.config/sampan/trusted; a missing folder adds\n"      \
	             "nothing)",                                              \
	             trust_opts_set_dir)

/* Both: --trust and --trust-dir, as every command that checks a signature takes them. */
#define OPT_TRUSTED_KEYS(t) OPT_TRUST(t), OPT_TRUST_DIR(t)

/*
 * After the options: add the keys of --trust-dir, or of the default folder.
 * EXIT_YES, or the problem reported and its code: EXIT_USAGE for a file
 * there that is not a key, or for no key at all under TRUST_NEED_KEY;
 * EXIT_SYSTEM for a folder or file that cannot be read.
 */
int trust_opts_load(struct trust_opts *t, enum trust_need need);

/*
 * The start of a command that checks signatures: trust_opts_init,
 * opts_parse, then trust_opts_load with need.  The number of operands (in
 * argv[0, n)) with the trusted keys in t->trust, or -1 with *exit_code set
 * (after --help or --version, a usage error, a key that cannot be read).
 * Either way, trust_opts_release(t) at the end.
 */
int trust_opts_parse(struct trust_opts *t, enum trust_need need, int argc, char **argv,
                     const struct opt *opts, const struct opts_help *help, int *exit_code);

#endif

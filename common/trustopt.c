/* trustopt.c - the trusted keys of a command line (trustopt.h). */
#include "trustopt.h"

#include <stdlib.h>

#include "cli.h"
#include "path.h"

void trust_opts_init(struct trust_opts *t)
{
	trust_init(&t->trust);
	t->dir = NULL;
}

void trust_opts_release(struct trust_opts *t)
{
	trust_release(&t->trust);
	t->dir = NULL;
}

int trust_opts_add_file(const struct opt *o, const char *path)
{
	struct trust_opts *t = o->value;
	struct bundle_error err;
	int rc;

	if (trust_add_file(&t->trust, path, &err) == BUNDLE_OK)
		return EXIT_YES;
	rc = cli_bundle_error(NULL, &err);
	return rc == EXIT_NO ? EXIT_USAGE : rc;
}

int trust_opts_set_dir(const struct opt *o, const char *dir)
{
	struct trust_opts *t = o->value;

	t->dir = dir;
	return EXIT_YES;
}

int trust_opts_load(struct trust_opts *t, enum trust_need need)
{
	struct bundle_error err;
	char *def = NULL;
	const char *dir = t->dir, *where;
	int rc = EXIT_YES;

	if (!dir)
		dir = def = path_user_dir("XDG_CONFIG_HOME", ".config", "trusted");
	where = dir ? dir : "a folder given with --trust-dir";
	if (dir && trust_add_dir(&t->trust, dir, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(NULL, &err);
		if (rc == EXIT_NO)
			rc = EXIT_USAGE;
	} else if (t->trust.count == 0 && need == TRUST_NEED_KEY) {
		cli_error("no trusted key: give --trust KEY.pub, or put the publishers' KEY.pub "
		          "files in %s",
		          where);
		rc = EXIT_USAGE;
	} else if (t->trust.count == 0 && need == TRUST_WARN) {
		cli_warning("no trusted key: every bundle is refused (give --trust KEY.pub, or put "
		            "the publishers' KEY.pub files in %s)",
		            where);
	}
	free(def);
	return rc;
}

int trust_opts_parse(struct trust_opts *t, enum trust_need need, int argc, char **argv,
                     const struct opt *opts, const struct opts_help *help, int *exit_code)
{
	int n;

	trust_opts_init(t);
	n = opts_parse(argc, argv, opts, help, exit_code);
	if (n < 0)
		return -1;
	*exit_code = trust_opts_load(t, need);
	return *exit_code == EXIT_YES ? n : -1;
}

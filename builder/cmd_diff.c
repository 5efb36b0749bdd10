/*
 * cmd_diff.c - `sampan-build diff OLD.sampan NEW.sampan -k KEY -o UPDATE`:
 * a signed update file that turns OLD into NEW byte for byte
 * (format-spec/bundle-v1.md, "Update files").
 */
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "bundle.h"
#include "cli.h"
#include "options.h"
#include "trust.h"
#include "update.h"

static const struct opts_help help = {
	.usage = "diff OLD.sampan NEW.sampan -k KEY -o UPDATE.sampan-update",
	.about = "Write a signed update that turns OLD (the version classrooms have) into NEW,\n"
	         "byte for byte, so that a stick carries what changed and not the whole course.\n"
	         "Entries the two versions share are copied from OLD where the update is\n"
	         "applied; entries added or changed travel whole, or as a binary delta when a\n"
	         "large one (a video) changed only in part; removed entries are left out.\n"
	         "Both bundles are verified in full first, with KEY's public half: both\n"
	         "versions must be of one course, signed with KEY, and NEW must be a higher\n"
	         "version.  The update is applied to OLD and checked against NEW before it is\n"
	         "put in place.  Teachers apply it with 'sampan-play install UPDATE'.\n",
	.after = "Exit status: 0 written, 1 a bundle is invalid or the two do not make an update,\n"
	         "2 usage, 3 system error.\n",
	.operands = "diff needs OLD.sampan, NEW.sampan, -k KEY and -o UPDATE",
	.operands_min = 2,
	.operands_max = 2,
};

/* Open and fully verify one of the two versions with the key's public half. */
static int open_version(const char *path, const struct trust *trust, struct bundle **b)
{
	struct bundle_error err;
	enum bundle_status st;

	*b = NULL;
	st = bundle_open(path, b, &err);
	if (st == BUNDLE_OK)
		st = bundle_verify(*b, trust, &err);
	if (st == BUNDLE_OK)
		st = bundle_verify_content(*b, NULL, NULL, &err);
	if (st != BUNDLE_OK) {
		bundle_close(*b);
		*b = NULL;
		return cli_bundle_error(path, &err);
	}
	return EXIT_YES;
}

int cmd_diff(int argc, char **argv)
{
	const char *key = NULL, *out = NULL, *password_file = NULL;
	const struct opt opts[] = {
		OPT_STRING('k', "key", &key, "KEY", "the secret key that signed both versions"),
		OPT_STRING('o', "output", &out, "FILE", "the update to write (.sampan-update)"),
		OPT_STRING(0, "password-file", &password_file, "FILE",
		           "read the key's password from FILE's first line"),
		OPT_QUIET("no summary"),
		OPT_END(),
	};
	struct minisign_seckey *sk = NULL;
	struct minisign_pubkey pk;
	struct bundle *old = NULL, *new = NULL;
	struct update_write_result r;
	struct bundle_error err;
	struct trust trust;
	int n, rc;

	n = opts_parse(argc, argv, opts, &help, &rc);
	if (n < 0)
		return rc;
	if (!key || !out)
		return opts_usage_error(&help, "%s", help.operands);
	trust_init(&trust);
	rc = builder_load_secret_key(key, password_file, &sk);
	if (rc != EXIT_YES)
		return rc;
	minisign_seckey_pubkey(sk, &pk);
	if (trust_add(&trust, &pk, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(key, &err);
		goto done;
	}
	rc = open_version(argv[0], &trust, &old);
	if (rc == EXIT_YES)
		rc = open_version(argv[1], &trust, &new);
	if (rc != EXIT_YES)
		goto done;
	if (update_write(old, new, sk, out, &r, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(out, &err);
		goto done;
	}
	if (!cli_quiet) {
		char a[32], b[32], c[32], d[32];
		const struct manifest *om = bundle_manifest(old), *nm = bundle_manifest(new);
		printf("Wrote %s: %s %s to %s: %zu entries unchanged, %zu changed, %zu added, %zu "
		       "removed\n",
		       out, nm->id, om->version, nm->version, r.unchanged, r.changed, r.added,
		       r.removed);
		printf("  %s for a version of %s (%.2f %%): %s copied from the old version, %s "
		       "carried whole",
		       cli_size(r.file_size, a, sizeof(a)), cli_size(r.target_size, b, sizeof(b)),
		       r.target_size ? 100.0 * (double)r.file_size / (double)r.target_size : 0.0,
		       cli_size(r.copied, c, sizeof(c)), cli_size(r.carried, d, sizeof(d)));
		if (r.deltas)
			printf(", %zu entr%s as deltas of %s", r.deltas,
			       r.deltas == 1 ? "y" : "ies", cli_size(r.delta_bytes, a, sizeof(a)));
		putchar('\n');
	}
done:
	bundle_close(old);
	bundle_close(new);
	trust_release(&trust);
	minisign_seckey_free(sk);
	return rc;
}

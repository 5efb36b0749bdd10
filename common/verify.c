/*
 * verify.c - `PROGRAM verify`, one command for both programs: the full check
 * of format-spec/bundle-v1.md §14, entry by entry, OK or FAIL with the reason
 * (verify.h).
 */
#include "verify.h"

#include <stdio.h>

#include "bundle.h"
#include "cli.h"
#include "options.h"
#include "trustopt.h"

struct report_ctx {
	struct bundle *b;
	bool quiet;
	size_t bad;
};

static void report(void *ctx, size_t index, const struct bundle_error *r)
{
	struct report_ctx *rc = ctx;
	struct bundle_entry e;
	char name[BUNDLE_ERROR_ENTRY_MAX];

	bundle_entry(rc->b, index, &e);
	bundle_quote(name, sizeof(name), e.name, e.name_len);
	if (r->status == BUNDLE_OK) {
		if (!rc->quiet)
			printf("OK    %s\n", name);
		return;
	}
	rc->bad++;
	printf("FAIL  %s: %s\n", name, r->message);
}

int verify_report(const char *path, const struct trust *trust, bool quiet)
{
	struct bundle *b = NULL;
	struct bundle_error err;
	struct report_ctx ctx = { NULL, quiet, 0 };
	enum bundle_status st;
	char id[MINISIGN_KEYID_HEX_SIZE];
	int rc;

	st = bundle_open(path, &b, &err);
	if (st == BUNDLE_OK)
		st = bundle_verify(b, trust, &err);
	if (st != BUNDLE_OK) {
		printf("FAIL  %s: %s\n", path, err.message);
		rc = cli_exit_for(st);
		bundle_close(b);
		return rc;
	}
	/* mimetype and the signed manifest and signature were checked by bundle_verify. */
	if (!quiet) {
		for (size_t i = 0; i < 3 && i < bundle_count(b); i++) {
			struct bundle_entry e;
			bundle_entry(b, i, &e);
			printf("OK    %s\n", e.name);
		}
	}
	ctx.b = b;
	st = bundle_verify_content(b, report, &ctx, &err);
	minisign_keyid_hex(bundle_signer(b), id);
	if (st == BUNDLE_OK) {
		printf("%s: valid: course %s version %s, %zu entries, signed by key %s\n", path,
		       bundle_manifest(b)->id, bundle_manifest(b)->version, bundle_count(b), id);
		rc = EXIT_YES;
	} else if (st == BUNDLE_ENTRY_BAD) {
		printf("%s: INVALID: %zu of %zu entries failed\n", path, ctx.bad, bundle_count(b));
		rc = EXIT_NO;
	} else {
		rc = cli_bundle_error(path, &err);
	}
	bundle_close(b);
	return rc;
}

static const struct opts_help help = {
	.usage = "verify FILE.sampan... [--trust KEY.pub...] [--trust-dir DIR]",
	.about = "Check each bundle completely, as a conformance checker: its ZIP structure\n"
	         "and names, its signature by a trusted publisher, its manifest and metadata,\n"
	         "and every byte of every entry.  Prints one line per entry, OK or FAIL with\n"
	         "the reason, then the verdict.  The same command in sampan-build and\n"
	         "sampan-play, with the same trusted keys as `sampan-play serve`.\n",
	.after = "Exit status: 0 every bundle is valid, 1 one is not, 2 usage (no trusted key),\n"
	         "3 system error.\n",
	.operands = "verify needs at least one FILE.sampan",
	.operands_min = 1,
	.operands_max = -1,
};

int verify_command(int argc, char **argv)
{
	struct trust_opts t;
	const struct opt opts[] = {
		OPT_TRUSTED_KEYS(&t),
		OPT_QUIET("print only failures and the verdicts"),
		OPT_END(),
	};
	int rc, n = trust_opts_parse(&t, TRUST_NEED_KEY, argc, argv, opts, &help, &rc);

	for (int i = 0; i < n; i++) {
		int r = verify_report(argv[i], &t.trust, cli_quiet);
		if (r > rc)
			rc = r;
	}
	trust_opts_release(&t);
	return rc;
}

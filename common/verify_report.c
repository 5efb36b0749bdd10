/* verify_report.c - the entry-by-entry OK/FAIL report of a bundle's full check. */
#include "verify_report.h"

#include <stdio.h>

#include "bundle.h"
#include "cli.h"

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

int cli_verify_report(const char *path, const struct trust *trust, bool quiet)
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

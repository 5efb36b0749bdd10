/*
 * cmd_verify.c - `sampan-build verify FILE.sampan... --trust KEY.pub...`:
 * the full check of format-spec/bundle-v1.md §14, entry by entry, OK or
 * FAIL with the reason; exit 0 when every bundle passes, else 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "bundle.h"
#include "cli.h"
#include "trust.h"

static const char usage[] =
        "usage: sampan-build verify FILE.sampan... --trust KEY.pub [--trust KEY.pub...]\n"
        "\n"
        "Check each bundle completely: its ZIP structure and names, its signature by\n"
        "one of the trusted public keys, its manifest and metadata, and every byte\n"
        "of every entry.  Prints one line per entry, OK or FAIL with the reason.\n"
        "\n"
        "  -t, --trust KEY.pub  trust the publisher with this public key (repeatable)\n"
        "  -q, --quiet          print only failures and the verdict\n"
        "  -h, --help           this help\n"
        "\n"
        "Exit status: 0 every bundle is valid, 1 one is not, 2 usage, 3 system error.\n";

struct report_ctx {
	struct bundle *b;
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
		if (!cli_quiet)
			printf("OK    %s\n", name);
		return;
	}
	rc->bad++;
	printf("FAIL  %s: %s\n", name, r->message);
}

static int verify_one(const char *path, const struct trust *trust)
{
	struct bundle *b = NULL;
	struct bundle_error err;
	struct report_ctx ctx = { NULL, 0 };
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
	if (!cli_quiet) {
		for (size_t i = 0; i < 3; i++) {
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

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trust trust;
	struct bundle_error err;
	int opt, rc = EXIT_YES;

	trust_init(&trust);
	if (minisign_init(&err) != BUNDLE_OK)
		return cli_bundle_error(NULL, &err);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "t:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (trust_add_file(&trust, optarg, &err) != BUNDLE_OK) {
				rc = cli_bundle_error(NULL, &err);
				trust_release(&trust);
				return rc == EXIT_NO ? EXIT_USAGE : rc;
			}
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			trust_release(&trust);
			return EXIT_YES;
		default:
			fputs(usage, stderr);
			trust_release(&trust);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || trust.count == 0) {
		cli_error("verify needs at least one FILE.sampan and one --trust KEY.pub");
		trust_release(&trust);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		int r = verify_one(argv[i], &trust);
		if (r > rc)
			rc = r;
	}
	trust_release(&trust);
	return rc;
}

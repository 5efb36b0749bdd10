/*
 * cmd_verify.c - `sampan-play verify FILE.sampan...`: the conformance report
 * of format-spec/bundle-v1.md §14 with the player's trusted keys, entry by
 * entry, OK or FAIL with the reason, then one verdict line per bundle.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cli.h"
#include "player.h"
#include "trust.h"

enum { OPT_TRUST_DIR = 256 };

static const char usage[] =
        "usage: sampan-play verify FILE.sampan... [--trust KEY.pub...] [--trust-dir DIR]\n"
        "\n"
        "Check each bundle completely, as a conformance checker: its ZIP structure\n"
        "and names, its signature by a trusted publisher, its manifest and metadata,\n"
        "and every byte of every entry.  Prints one line per entry, OK or FAIL with\n"
        "the reason, then the verdict.\n"
        "\n"
        "  -t, --trust KEY.pub  trust the publisher with this public key (repeatable)\n"
        "      --trust-dir DIR  trust every *.pub in DIR (default:\n"
        "                       $XDG_CONFIG_HOME/sampan/trusted, else\n"
        "                       ~/.config/sampan/trusted; a missing folder adds nothing)\n"
        "  -q, --quiet          print only failures and the verdicts\n"
        "  -h, --help           this help\n"
        "\n"
        "Exit status: 0 every bundle is valid, 1 one is not, 2 usage, 3 system error.\n";

/* The trust folder when --trust-dir is not given (XDG: a relative XDG_CONFIG_HOME is ignored). */
static char *default_trust_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	const char *base, *rest;
	char *dir;
	size_t n;

	if (xdg && xdg[0] == '/') {
		base = xdg;
		rest = "/sampan/trusted";
	} else if (home && home[0] == '/') {
		base = home;
		rest = "/.config/sampan/trusted";
	} else {
		return NULL;
	}
	n = strlen(base) + strlen(rest) + 1;
	dir = malloc(n);
	if (!dir)
		cli_oom();
	snprintf(dir, n, "%s%s", base, rest);
	return dir;
}

/* Add the trust folder's keys to t (which holds the --trust keys); at least one key is needed. */
static int load_trust_dir(struct trust *t, const char *dir)
{
	struct bundle_error err;
	char *def = NULL;
	int rc = EXIT_YES;

	if (!dir)
		dir = def = default_trust_dir();
	if (dir && trust_add_dir(t, dir, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(NULL, &err);
		if (rc == EXIT_NO)
			rc = EXIT_USAGE;
	} else if (t->count == 0) {
		cli_error("no trusted key: give --trust KEY.pub, or put the publishers' KEY.pub "
		          "files in %s",
		          dir ? dir : "a folder given with --trust-dir");
		rc = EXIT_USAGE;
	}
	free(def);
	return rc;
}

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
	if (st == BUNDLE_INVALID) {
		/* Steps 1 to 4 of §14.1: the whole bundle is unusable, no entry is read. */
		printf("%s: INVALID: %s\n", path, err.message);
		rc = EXIT_NO;
		goto done;
	}
	if (st != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
		goto done;
	}
	/* mimetype and the signed manifest and signature were checked by bundle_verify. */
	if (!cli_quiet) {
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
done:
	bundle_close(b);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "trust-dir", required_argument, NULL, OPT_TRUST_DIR },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trust trust;
	struct bundle_error err;
	const char *trust_dir = NULL;
	int opt, rc = EXIT_YES;

	trust_init(&trust);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "t:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (trust_add_file(&trust, optarg, &err) != BUNDLE_OK) {
				rc = cli_bundle_error(NULL, &err);
				rc = rc == EXIT_NO ? EXIT_USAGE : rc;
				goto done;
			}
			break;
		case OPT_TRUST_DIR:
			trust_dir = optarg;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			goto done;
		default:
			fputs(usage, stderr);
			rc = EXIT_USAGE;
			goto done;
		}
	}
	if (optind >= argc) {
		cli_error("verify needs at least one FILE.sampan");
		fputs(usage, stderr);
		rc = EXIT_USAGE;
		goto done;
	}
	rc = load_trust_dir(&trust, trust_dir);
	if (rc != EXIT_YES)
		goto done;
	for (int i = optind; i < argc; i++) {
		int r = verify_one(argv[i], &trust);
		if (r > rc)
			rc = r;
	}
done:
	trust_release(&trust);
	return rc;
}

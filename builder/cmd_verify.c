/*
 * cmd_verify.c - `sampan-build verify FILE.sampan... --trust KEY.pub...`:
 * the full check of format-spec/bundle-v1.md §14, entry by entry, OK or
 * FAIL with the reason; exit 0 when every bundle passes, else 1.
 */
#include <getopt.h>
#include <stdio.h>

#include "builder.h"
#include "bundle.h"
#include "cli.h"
#include "trust.h"
#include "verify_report.h"

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
		int r = cli_verify_report(argv[i], &trust, cli_quiet);
		if (r > rc)
			rc = r;
	}
	trust_release(&trust);
	return rc;
}

/*
 * cmd_verify.c - `sampan-play verify FILE.sampan...`: the conformance report
 * of format-spec/bundle-v1.md §14 with the player's trusted keys, entry by
 * entry, OK or FAIL with the reason, then one verdict line per bundle.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "cmdutil.h"
#include "player.h"
#include "trust.h"
#include "verify_report.h"

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
	const char *trust_dir = NULL;
	int opt, rc = EXIT_YES;

	trust_init(&trust);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "t:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			rc = player_trust_add_option(&trust, optarg);
			if (rc != EXIT_YES)
				goto done;
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
	rc = player_trust_load_dir(&trust, trust_dir, true);
	if (rc != EXIT_YES)
		goto done;
	for (int i = optind; i < argc; i++) {
		int r = cli_verify_report(argv[i], &trust, cli_quiet);
		if (r > rc)
			rc = r;
	}
done:
	trust_release(&trust);
	return rc;
}

/* dispatch.c - from argv[1] to one command of a program's table, with its usage and version. */
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "minisign.h"

static void print_usage(FILE *f, const char *no_means, const struct cli_command *cmds, size_t n)
{
	fprintf(f, "usage: %s COMMAND [options]\n\nCommands:\n", cli_program);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
	        "\n'%s COMMAND --help' tells more about one command.\n"
	        "Exit status: 0 yes, 1 no (%s), 2 usage, 3 system error.\n",
	        cli_program, no_means);
}

int cli_dispatch(const char *program, const char *no_means, const struct cli_command *cmds,
                 size_t n, int argc, char **argv)
{
	cli_program = program;
	/*
	 * Without TZ, glibc looks at /etc/localtime again on every time
	 * conversion (libzip makes one per entry): 25,000 stat calls to open 600
	 * bundles.  Naming the file once is the same zone, looked at once.
	 */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
	if (argc < 2) {
		print_usage(stderr, no_means, cmds, n);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_usage(stdout, no_means, cmds, n);
		return EXIT_YES;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("%s %s (bundle format 1)\n", cli_program, SAMPAN_VERSION);
		return EXIT_YES;
	}
	for (size_t i = 0; i < n; i++) {
		struct bundle_error err;
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		/* Before any key or password touches guarded memory. */
		if (minisign_init(&err) != BUNDLE_OK)
			return cli_bundle_error(NULL, &err);
		return cmds[i].run(argc - 1, argv + 1);
	}
	cli_error("'%s' is not a command; see '%s --help'", argv[1], cli_program);
	return EXIT_USAGE;
}

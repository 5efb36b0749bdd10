/*
 * main.c - sampan-play: serve a classroom from signed bundles.  One file
 * per command, listed once in the table below.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "minisign.h"
#include "player.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "serve", cmd_serve, "serve the courses of the bundles in folders or files" },
	{ "verify", cmd_verify, "check bundles completely: the conformance report" },
	{ "list", cmd_list, "list the bundles in a folder, served or refused, and why" },
	{ "install", cmd_install, "verify a bundle and copy it into a library folder" },
	{ "extract", cmd_extract, "verify a bundle and unpack it into a folder" },
};

#define COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *f)
{
	fprintf(f, "usage: sampan-play COMMAND [options]\n\nCommands:\n");
	for (size_t i = 0; i < COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'sampan-play COMMAND --help' tells more about one command.\n"
	           "Exit status: 0 yes, 1 no (invalid bundle), 2 usage, 3 system error.\n");
}

/* Every served bundle keeps its file open: take as many descriptors as allowed. */
static void raise_file_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	cli_program = "sampan-play";
	raise_file_limit();
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_usage(stdout);
		return EXIT_YES;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("sampan-play %s (bundle format 1)\n", SAMPAN_VERSION);
		return EXIT_YES;
	}
	for (size_t i = 0; i < COMMANDS; i++) {
		struct bundle_error err;
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (minisign_init(&err) != BUNDLE_OK)
			return cli_bundle_error(NULL, &err);
		return commands[i].run(argc - 1, argv + 1);
	}
	cli_error("'%s' is not a command; see 'sampan-play --help'", argv[1]);
	return EXIT_USAGE;
}

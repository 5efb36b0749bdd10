/*
 * main.c - sampan-build: from a course folder to a signed bundle.  One
 * file per command, listed once in the table below (git's git.c and
 * builtin/ are the model).
 */
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "cli.h"
#include "minisign.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "start a new course in a folder, with a short guide" },
	{ "check", cmd_check, "check a course folder (or archive) and list every problem" },
	{ "build", cmd_build, "check, render, sign and write a course as one .sampan bundle" },
	{ "keygen", cmd_keygen, "make a key pair for signing courses" },
	{ "inspect", cmd_inspect, "show what a bundle holds" },
	{ "verify", cmd_verify, "check a bundle completely against trusted public keys" },
};

#define COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_usage(FILE *f)
{
	fprintf(f, "usage: sampan-build COMMAND [options]\n\nCommands:\n");
	for (size_t i = 0; i < COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'sampan-build COMMAND --help' tells more about one command.\n"
	           "Exit status: 0 yes, 1 no (problems found), 2 usage, 3 system error.\n");
}

int main(int argc, char **argv)
{
	cli_program = "sampan-build";
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
		printf("sampan-build %s (bundle format 1)\n", SAMPAN_VERSION);
		return EXIT_YES;
	}
	for (size_t i = 0; i < COMMANDS; i++) {
		struct bundle_error err;
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* Before any key or password touches guarded memory. */
		if (minisign_init(&err) != BUNDLE_OK)
			return cli_bundle_error(NULL, &err);
		return commands[i].run(argc - 1, argv + 1);
	}
	cli_error("'%s' is not a command; see 'sampan-build --help'", argv[1]);
	return EXIT_USAGE;
}

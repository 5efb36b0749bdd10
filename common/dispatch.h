/*
 * dispatch.h - the command table of a Sampan program, `PROGRAM COMMAND
 * [options]`, one file per command as git runs its builtins: each program's
 * main.c lists its commands and hands them to cli_dispatch.
 */
#ifndef SAMPAN_COMMON_DISPATCH_H
#define SAMPAN_COMMON_DISPATCH_H

#include <stddef.h>

struct cli_command {
	const char *name;
	/* Takes the command's own argv (argv[0] is its name); returns the exit code (cli.h). */
	int (*run)(int argc, char **argv);
	/* One line for the program's usage. */
	const char *summary;
};

/*
 * The whole of main() for the program named program (which becomes
 * cli_program) and its commands cmds[0, n), by argv[1]:
 *
 *   missing                    the usage on stderr, EXIT_USAGE
 *   --help, -h, help           the usage on stdout, EXIT_YES
 *   --version, version         "PROGRAM VERSION (bundle format 1)", EXIT_YES
 *   a command's name           minisign_init (before any key or password
 *                              touches guarded memory), then the command
 *                              with argv + 1: its exit code
 *   anything else              an error naming it, EXIT_USAGE
 *
 * The usage lists the commands with their summaries, then the exit codes;
 * no_means says what exit 1 means for this program ("problems found").
 */
int cli_dispatch(const char *program, const char *no_means, const struct cli_command *cmds,
                 size_t n, int argc, char **argv);

#endif

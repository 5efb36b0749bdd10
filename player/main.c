/*
 * main.c - sampan-play: serve a classroom from signed bundles.  One file
 * per command, listed once in the table below.
 */
#include <sys/resource.h>

#include "dispatch.h"
#include "player.h"
#include "verify.h"

static const struct cli_command commands[] = {
	{ "serve", cmd_serve, "serve the courses of the bundles in folders or files" },
	{ "verify", verify_command, "check bundles completely against trusted public keys" },
	{ "list", cmd_list, "list the bundles in a folder, served or refused, and why" },
	{ "install", cmd_install, "verify a bundle and copy it into a library folder" },
	{ "extract", cmd_extract, "verify a bundle and unpack it into a folder" },
};

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
	raise_file_limit();
	return cli_dispatch("sampan-play", "invalid bundle", commands,
	                    sizeof(commands) / sizeof(commands[0]), argc, argv);
}

/*
 * main.c - sampan-build: from a course folder to a signed bundle.  One
 * file per command, listed once in the table below (git's git.c and
 * builtin/ are the model).
 */
#include "builder.h"
#include "dispatch.h"
#include "verify.h"

static const struct cli_command commands[] = {
	{ "init", cmd_init, "start a new course in a folder, with a short guide" },
	{ "import", cmd_import, "write a Carpentries, mdBook or MkDocs source as a course folder" },
	{ "check", cmd_check, "check a course folder (or archive) and list every problem" },
	{ "build", cmd_build, "check, render, sign and write a course as one .sampan bundle" },
	{ "keygen", cmd_keygen, "make a key pair for signing courses" },
	{ "inspect", cmd_inspect, "show what a bundle holds" },
	{ "verify", verify_command, "check bundles completely against trusted public keys" },
	{ "diff", cmd_diff, "write a signed update from one version of a course to the next" },
};

int main(int argc, char **argv)
{
	return cli_dispatch("sampan-build", "problems found", commands,
	                    sizeof(commands) / sizeof(commands[0]), argc, argv);
}

/*
 * builder.h - the commands of sampan-build, one file each, listed once in
 * main.c's table; and what several of them share.
 */
#ifndef SAMPAN_BUILDER_BUILDER_H
#define SAMPAN_BUILDER_BUILDER_H

#include "minisign.h"

/* Each takes its own argv (argv[0] is the command's name) and returns the exit code. */
int cmd_init(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);

/*
 * Load the secret key at path; when it is password-protected, the password
 * comes from password_file (its first line) or, in a terminal, a prompt.
 * Reports problems itself; returns the exit code (EXIT_YES on success).
 */
int builder_load_secret_key(const char *path, const char *password_file,
                            struct minisign_seckey **sk);

#endif

/*
 * password.h - the password of a secret key: asked on the terminal without
 * echo, only when a person is there (cli_interactive), or read from the
 * first line of a file (--password-file).  Passwords live in guarded memory
 * (minisign.h): free them with minisign_secret_free, which wipes them.
 */
#ifndef SAMPAN_COMMON_PASSWORD_H
#define SAMPAN_COMMON_PASSWORD_H

#include <stdbool.h>

/*
 * Ask for a password on the terminal with prompt, without echo; with
 * confirm, twice, and the two must match.  NULL when there is no terminal,
 * the reading failed or the two differ.  At most 1023 bytes.
 */
char *password_ask(const char *prompt, bool confirm);

/* The first line of the file at path (without its line ending); NULL when it cannot be read. */
char *password_from_file(const char *path);

#endif

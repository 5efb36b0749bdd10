/*
 * verify.h - the full check of a bundle (format-spec/bundle-v1.md §14) as a
 * report on stdout, entry by entry, and the `verify` command that prints it:
 * one command, listed in the tables of both sampan-build and sampan-play,
 * so that both check a bundle the same way with the same defaults.
 */
#ifndef SAMPAN_COMMON_VERIFY_H
#define SAMPAN_COMMON_VERIFY_H

#include <stdbool.h>

#include "trust.h"

/*
 * Open the bundle at path, check its container, signature by one of the
 * trusted keys, manifest and metadata, then every byte of every entry, and
 * print on stdout:
 *
 *   FAIL  PATH: REASON       the bundle is refused before any entry is read
 *                            (§14.1 steps 1 to 4, or it cannot be opened);
 *                            nothing else is printed for it
 *   OK    NAME               an entry that passes (not when quiet)
 *   FAIL  NAME: REASON       an entry that fails
 *   PATH: valid: course ID version V, N entries, signed by key KEYID
 *   PATH: INVALID: K of N entries failed
 *
 * Names are quoted as bundle_quote does.  An error that stops the check of
 * the entries midway (I/O, memory) is reported on stderr instead of the
 * verdict.  Returns the exit code: EXIT_YES valid, EXIT_NO invalid, else
 * the failure's (cli_exit_for): EXIT_SYSTEM when it could not be read.
 */
int verify_report(const char *path, const struct trust *trust, bool quiet);

/*
 * `PROGRAM verify FILE.sampan... [--trust KEY.pub...] [--trust-dir DIR]
 * [-q]`: verify_report for each file, with the keys of --trust and of
 * --trust-dir or the default trust folder (trustopt.h); no key at all is a
 * usage error.  Returns the worst exit code of the files.
 */
int verify_command(int argc, char **argv);

#endif

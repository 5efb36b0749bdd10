/*
 * cmdutil.h - what the commands of sampan-play share: the full check of a
 * bundle before it is used, and the signals and writes of the commands that
 * change files.  Every function here reports
 * its own problems (cli.h) and returns an exit code where it can fail.
 */
#ifndef SAMPAN_PLAYER_CMDUTIL_H
#define SAMPAN_PLAYER_CMDUTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "bundle.h"
#include "trust.h"

/*
 * Open the bundle at path and check all of it (format-spec/bundle-v1.md
 * §14) with the trusted keys, with progress under label on a terminal,
 * reporting every failed entry as an error.  EXIT_YES with *out the
 * verified bundle, every byte of which passed (close it); else the exit
 * code and *out NULL.
 */
int player_open_checked(const char *path, const struct trust *trust, const char *label,
                        struct bundle **out);

/* The same check of every entry's bytes for b, opened and verified from path. */
int player_check_content(struct bundle *b, const char *path, const char *label);

/*
 * Whether a folder's entry is a bundle to take: *.sampan, or the first
 * part *.sampan.001 of one stored in parts; not hidden (temporary files are).
 */
bool player_is_bundle_name(const char *name);

/* The signals that stop a command (SIGINT, SIGTERM, SIGHUP), to hold back while files change. */
void player_stop_signals(sigset_t *set);
/* Whether one of those is pending: held back, and asking the command to stop. */
bool player_interrupted(void);

/* Write all of p[0, n) to fd, again after EINTR; 0, or -1 with errno set. */
int player_write_all(int fd, const unsigned char *p, size_t n);

#endif

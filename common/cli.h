/*
 * cli.h - what every command of a Sampan program says and how it ends:
 * messages in one shape on stderr, exit codes, sizes as people read them,
 * colour only on a terminal.  Progress bars are in progress.h, passwords in
 * password.h.
 *
 * Exit codes (README, "Exit codes"): 0 yes, 1 no (invalid course, bad
 * signature, tampered entry), 2 usage, 3 system (I/O, disk full, port in use).
 */
#ifndef SAMPAN_COMMON_H
#define SAMPAN_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

enum cli_exit { EXIT_YES = 0, EXIT_NO = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

/* The program's name in messages ("sampan-build"); set once by main. */
extern const char *cli_program;
/* Set by -q: no progress, no summary. */
extern bool cli_quiet;

/* "PROGRAM: MESSAGE" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 1, 2)))
#endif
        ;
/* "PROGRAM: warning: MESSAGE" on stderr. */
void cli_warning(const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 1, 2)))
#endif
        ;
/* "PROGRAM: FILE: MESSAGE" for a library error; returns the exit code it calls for. */
int cli_bundle_error(const char *file, const struct bundle_error *err);
/* The exit code for a library status. */
int cli_exit_for(enum bundle_status st);
/* Colour on f: a terminal, NO_COLOR unset, TERM not "dumb". */
bool cli_color(FILE *f);
/* A person is there: stdin and stderr are terminals. */
bool cli_interactive(void);

/* "1.5 MB" style sizes (SI, one decimal) into buf. */
const char *cli_size(uint64_t bytes, char *buf, size_t size);

#endif

/*
 * outfile.h - the one atomic file writer of the project: output files
 * written whole beside their final name, then put in place, with the mode
 * any program gives a new file: `mode` minus the umask (0666 for bundles,
 * public keys, pages and caches, as `cp` gives; 0600 for secret keys).
 * Works on FAT and exFAT (no hard links).  A reader of path sees the old
 * file or the new one, never a part; a failure or a crash leaves at most a
 * ".NAME.tmp-XXXXXX" beside it, never a half-written NAME.
 *
 * It lives in the bundle library because the bundle writer (writer.c)
 * needs it and the library depends on nothing above it; the programs use
 * the same functions for keys, installed bundles and the player's files.
 *
 * A whole buffer at once:
 *
 *	st = outfile_write("producer.pub", text, len, 0666, false, &existed, &err);
 *
 * Or written piece by piece (or by another library, given the name):
 *
 *	fd = outfile_temp("out/pump.sampan", 0666, &tmp, &err);
 *	... write fd, close it ...
 *	st = outfile_commit(tmp, "out/pump.sampan", true, NULL, &err);
 *	if (st != BUNDLE_OK)
 *		outfile_discard(tmp);
 *	else
 *		free(tmp);
 */
#ifndef SAMPAN_BUNDLE_OUTFILE_H
#define SAMPAN_BUNDLE_OUTFILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/*
 * Create a new empty file beside path, named ".NAME.tmp-..." (NAME: path's
 * last component), with mode minus the umask; never follows or reuses an
 * existing name.  Returns the file open for reading and writing
 * (close-on-exec) and its name in *tmp (malloc'd, the caller frees it), or
 * -1 with err filled (BUNDLE_IO naming path, or BUNDLE_NOMEM) and *tmp NULL.
 */
int outfile_temp(const char *path, mode_t mode, char **tmp, struct bundle_error *err);

/*
 * Put the finished file tmp in place at path: sync it, rename it over path,
 * then sync the folder.  Without replace, path must not exist: its name is
 * first taken with O_EXCL (which FAT honours, unlike link()), so a file
 * that is there is never replaced; then BUNDLE_INVALID, "already exists",
 * and *existed (when not NULL) is set.  On any failure tmp stays for the
 * caller to remove, and path is as it was.
 */
enum bundle_status outfile_commit(const char *tmp, const char *path, bool replace, bool *existed,
                                  struct bundle_error *err);

/* Remove the temporary file tmp (of outfile_temp) and free its name; NULL does nothing. */
void outfile_discard(char *tmp);

/*
 * Write len bytes of data to path through a temporary file: outfile_temp,
 * the writes, outfile_commit (replace and *existed as there).  On any
 * failure err says why (BUNDLE_IO naming path, BUNDLE_NOMEM, or
 * BUNDLE_INVALID when path exists and replace is false), path is as it was
 * and no temporary file is left.
 */
enum bundle_status outfile_write(const char *path, const void *data, size_t len, mode_t mode,
                                 bool replace, bool *existed, struct bundle_error *err);

#endif

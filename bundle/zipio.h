/*
 * zipio.h - the library's door to libzip (the only file that includes
 * <zip.h>): writing bundles, and a second opinion on the archives the
 * strict parser in container.c accepted.
 */
#ifndef SAMPAN_BUNDLE_ZIPIO_H
#define SAMPAN_BUNDLE_ZIPIO_H

#include <stddef.h>
#include <stdint.h>

#include "container.h"
#include "error.h"

struct bfile;

/*
 * Open f (a file or parts, read through a libzip source of our own) with
 * libzip in its strictest mode (ZIP_CHECKCONS) and require it to see
 * exactly the entries of c: names, sizes, CRCs and methods.
 * RULE_ZIP_INVALID when it does not.
 */
enum bundle_status zipio_crosscheck(const struct bfile *f, const struct container *c,
                                    struct bundle_error *err);

struct zipio_item {
	const char *name; /* NUL-terminated, a valid entry name */
	int deflate; /* 1: deflate at level 9; 0: store */
	const char *path; /* read from this file, or ... */
	const void *data; /* ... from these bytes (kept alive until zipio_write returns) */
	const struct bfile *file; /* ... or from len bytes at offset of this file (kept open) */
	uint64_t offset;
	uint64_t len;
};

/* Receives the fraction done, 0..1, while the archive is written. */
typedef void (*zipio_progress)(void *ctx, double done);
/* Asked now and then while the archive is written: non-zero stops it (nothing is left). */
typedef int (*zipio_cancel)(void *ctx);

/*
 * Write a new archive at path (created, or truncated) holding items in
 * the order given, every entry with the same DOS time and date, Unix mode
 * 0644, no extra field, no comment: the format's reproducible profile.
 * libzip writes to its own temporary file and renames it onto path.
 */
enum bundle_status zipio_write(const char *path, const struct zipio_item *items, size_t n,
                               uint16_t dostime, uint16_t dosdate, zipio_progress progress,
                               zipio_cancel cancel, void *ctx, struct bundle_error *err);

#endif

/*
 * bfile.h - the bytes of a bundle (or an update file), from one file or
 * from numbered parts read as one (format-spec/bundle-v1.md, "Bundles
 * stored in parts"): NAME.001, NAME.002, ... whose concatenation is the
 * bundle.
 *
 *	struct bfile f;
 *	if (bfile_open("course.sampan", &f, &err) != BUNDLE_OK)    step 0 failed
 *	bfile_pread(&f, buf, n, off, &err);          across parts as one file
 *	bfile_close(&f);
 *
 * bfile_open takes a file, or NAME when no file NAME exists and NAME.001
 * does, or NAME.001 itself; for parts it performs step 0 of section 20.2
 * (PART_MISSING, PART_EXTRA, PART_SIZE) and keeps every part open.  Reads
 * are pread() on the parts' descriptors: thread-safe, no state kept.
 */
#ifndef SAMPAN_BUNDLE_BFILE_H
#define SAMPAN_BUNDLE_BFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "error.h"

struct bfile_part {
	int fd;
	uint64_t start; /* offset of its first byte in the joined file */
	uint64_t size;
	char *path; /* malloc'd (NULL for bfile_from_fd) */
	struct stat sb; /* as it was opened: for a caller that watches the files */
};

/* Reads len bytes at off of a file that is not on disk (bfile_reader_init). */
typedef enum bundle_status (*bfile_read_fn)(void *ctx, void *buf, size_t len, uint64_t off,
                                            struct bundle_error *err);

struct bfile {
	bfile_read_fn read; /* when not NULL: every read goes through it, and no part is open */
	void *read_ctx;
	void (*release)(void *ctx); /* of read_ctx, by bfile_close (may be NULL) */
	struct bfile_part *part; /* count parts, in order */
	size_t count;
	uint64_t size; /* of the joined file */
	bool split; /* stored as NAME.001, ...: even when there is one part */
	bool owned; /* close the descriptors in bfile_close */
	struct bfile_part one; /* storage for a single file */
};

/*
 * Open the bundle at path (see above).  Errors: BUNDLE_IO naming the file
 * (missing, unreadable, not a regular file); BUNDLE_INVALID with a PART_*
 * rule naming the part; BUNDLE_USAGE for a part other than the first
 * ("give NAME or NAME.001").  Release with bfile_close, also after a failure.
 */
enum bundle_status bfile_open(const char *path, struct bfile *f, struct bundle_error *err);

/* A single file already open on fd, of size bytes; fd stays the caller's. */
void bfile_from_fd(struct bfile *f, int fd, uint64_t size);

/*
 * A file of size bytes read through read(ctx, ...): the bytes a file would
 * hold that is not written yet (update.c: an update's target, from its
 * base and the update's entries).  bfile_close calls release(ctx) when
 * release is not NULL.
 */
void bfile_reader_init(struct bfile *f, uint64_t size, bfile_read_fn read, void *ctx,
                       void (*release)(void *ctx));

/* Read exactly len bytes at off of the joined file; BUNDLE_IO otherwise. */
enum bundle_status bfile_pread(const struct bfile *f, void *buf, size_t len, uint64_t off,
                               struct bundle_error *err);

/* Index of the part holding byte off (off < f->size). */
size_t bfile_part_at(const struct bfile *f, uint64_t off);

void bfile_close(struct bfile *f);

/*
 * Whether name (a file name, no folder) is a part NAME.NNN with NNN from
 * 001 to 999: then *number is NNN and *stem_len the length of NAME.
 */
bool bfile_part_name(const char *name, size_t len, unsigned *number, size_t *stem_len);

/*
 * Write the size bytes of src (a finished bundle file) as parts
 * out_name.001, ... of part_size bytes each, the last shorter (section
 * 20.1): each written beside its final name and renamed into place, the
 * first part last; parts out_name.NNN left from an earlier, longer set are
 * removed first.  *parts receives the count.  Nothing is left behind on
 * failure but what was there before, except when a rename itself fails.
 */
enum bundle_status bfile_split(int src, uint64_t size, uint64_t part_size, const char *out_name,
                               unsigned *parts, struct bundle_error *err);

#endif

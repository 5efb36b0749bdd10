/*
 * hashpipe.h - SHA-256 of a file range, whole and per 1 MiB chunk, on two
 * cores: one thread reads and feeds the whole-range digest, a worker hashes
 * each chunk and keeps the CRC-32.  Writing a bundle and verifying one both
 * need the two digests of every large stored entry; SHA-256 is the cost,
 * so splitting them nearly halves the time.
 */
#ifndef SAMPAN_BUNDLE_HASHPIPE_H
#define SAMPAN_BUNDLE_HASHPIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"

struct bfile;

struct hashpipe_job {
	const struct bfile *file; /* read through this (bfile_from_fd for a plain file) */
	uint64_t offset;
	uint64_t size;
	unsigned char whole[DIGEST_SIZE]; /* out */
	unsigned char *chunks; /* out: ceil(size / 1 MiB) digests of 32 bytes, or NULL */
	uint32_t crc; /* out: CRC-32 of the range */
	unsigned char *copy_to; /* when not NULL, receives the size bytes */
	/* called after each chunk is read (may be NULL); a non-zero return stops the job */
	int (*on_chunk)(void *ctx, uint64_t done, uint64_t size);
	void *ctx;
	/*
	 * A file still being written (may be NULL): called before each read
	 * with the file offset the read ends at, it returns once the bytes
	 * before it are there, false when they never will be (the job stops).
	 */
	bool (*ready)(void *ready_ctx, uint64_t end);
	void *ready_ctx;
};

/*
 * Run the job.  BUNDLE_IO when a read fails (the file shrank, a stick was
 * pulled out), with "interrupted" when on_chunk or ready stopped it;
 * BUNDLE_NOMEM.
 */
enum bundle_status hashpipe_run(struct hashpipe_job *job, struct bundle_error *err);

#endif

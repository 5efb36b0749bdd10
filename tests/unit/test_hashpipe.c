/*
 * test_hashpipe.c - SHA-256 of a file range, whole and per 1 MiB chunk, on
 * two threads (bundle/hashpipe.c): the digests a bundle's manifest and
 * chunks list carry must be those of the bytes, at every size around a
 * chunk's edge and at any offset; a file cut short or a stop asked for is
 * an error, never digests of bytes that were not read.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bfile.h"
#include "digest.h"
#include "format.h"
#include "hashpipe.h"

#define CH BUNDLE_CHUNK_SIZE
#define FILE_SIZE (5 * CH + 123)

static unsigned char *bytes;
static char *dir, *path;

static int setup(void **state)
{
	(void)state;
	bytes = malloc(FILE_SIZE);
	assert_non_null(bytes);
	tu_fill(bytes, FILE_SIZE, 88172645u);
	dir = tu_tempdir();
	path = tu_path(dir, "media.bin");
	tu_write(path, bytes, FILE_SIZE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmrf(dir);
	free(dir);
	free(path);
	free(bytes);
	return 0;
}

static void digests_are_those_of_the_bytes(void **state)
{
	static const struct {
		uint64_t offset, size;
	} rows[] = {
		{ 0, 0 },
		{ 0, 1 },
		{ 0, CH - 1 },
		{ 0, CH },
		{ 0, CH + 1 },
		{ 0, 3 * CH },
		{ 0, FILE_SIZE },
		{ 7, 2 * CH + 5 },
		{ CH, CH },
		{ FILE_SIZE - 1, 1 },
		{ 12345, 4 * CH + 99 },
	};
	int fd = open(path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bfile f;
		struct hashpipe_job job;
		struct bundle_error err;
		size_t n = (size_t)((rows[i].size + CH - 1) / CH);
		unsigned char want[DIGEST_SIZE], *copy = malloc(rows[i].size + 1);
		const unsigned char *range = bytes + rows[i].offset;

		assert_non_null(copy);
		memset(&job, 0, sizeof(job));
		bfile_from_fd(&f, fd, FILE_SIZE);
		job.file = &f;
		job.offset = rows[i].offset;
		job.size = rows[i].size;
		job.chunks = malloc(n * DIGEST_SIZE + 1);
		job.copy_to = copy;
		assert_non_null(job.chunks);
		assert_ok(hashpipe_run(&job, &err), err);
		digest_sha256(range, (size_t)rows[i].size, want);
		if (memcmp(job.whole, want, DIGEST_SIZE) != 0)
			fail_msg("row %zu: whole digest differs", i);
		for (size_t k = 0; k < n; k++) {
			size_t len =
			        rows[i].size - k * CH > CH ? CH : (size_t)(rows[i].size - k * CH);
			digest_sha256(range + k * CH, len, want);
			if (memcmp(job.chunks + k * DIGEST_SIZE, want, DIGEST_SIZE) != 0)
				fail_msg("row %zu: chunk %zu differs", i, k);
		}
		assert_int_equal(job.crc, crc32(0, range, (uInt)rows[i].size));
		assert_memory_equal(copy, range, (size_t)rows[i].size);
		bfile_close(&f);
		free(job.chunks);
		free(copy);
	}
	close(fd);
}

static int stop_after_two(void *ctx, uint64_t done, uint64_t size)
{
	unsigned *calls = ctx;

	(void)size;
	++*calls;
	return done >= 2 * CH;
}

static void a_stop_or_a_short_file_is_an_error(void **state)
{
	int fd = open(path, O_RDONLY);
	struct bfile f;
	struct hashpipe_job job;
	struct bundle_error err;
	unsigned calls = 0;

	(void)state;
	assert_true(fd >= 0);
	/* Ctrl-C while a large video is hashed: stopped after the chunk in hand */
	memset(&job, 0, sizeof(job));
	bfile_from_fd(&f, fd, FILE_SIZE);
	job.file = &f;
	job.size = FILE_SIZE;
	job.on_chunk = stop_after_two;
	job.ctx = &calls;
	assert_rule(hashpipe_run(&job, &err), BUNDLE_IO, err, RULE_NONE);
	assert_string_equal(err.message, "interrupted");
	assert_int_equal(calls, 2);
	bfile_close(&f);

	/* the file was cut short after it was listed (a stick pulled out, a copy unfinished) */
	assert_int_equal(truncate(path, 3 * CH), 0);
	memset(&job, 0, sizeof(job));
	bfile_from_fd(&f, fd, FILE_SIZE);
	job.file = &f;
	job.size = FILE_SIZE;
	assert_rule(hashpipe_run(&job, &err), BUNDLE_IO, err, RULE_NONE);
	bfile_close(&f);
	close(fd);
	tu_write(path, bytes, FILE_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digests_are_those_of_the_bytes),
		cmocka_unit_test(a_stop_or_a_short_file_is_an_error),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

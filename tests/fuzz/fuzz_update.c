/*
 * fuzz_update.c - libFuzzer target: an arbitrary file taken as an update
 * (format-spec/bundle-v1.md, section 21), opened and checked with the test
 * vectors' key, then, when it names the vectors' base, applied to it
 * (deltas through librsync), the path every update from a USB stick takes.
 * Seeds: format-spec/vectors/update.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bundle.h"
#include "update.h"

static struct trust trust;
static struct bundle *base;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bundle_error err;
	const char *key = getenv("SAMPAN_FUZZ_KEY");
	char path[4096], *dir;

	(void)argc;
	(void)argv;
	trust_init(&trust);
	if (!key || trust_add_file(&trust, key, &err) != BUNDLE_OK) {
		fprintf(stderr, "fuzz_update: set SAMPAN_FUZZ_KEY to a public key file\n");
		exit(2);
	}
	/* the base of the update vectors, beside the key: format-spec/vectors/update/library */
	snprintf(path, sizeof(path), "%s", key);
	dir = dirname(path);
	snprintf(path + strlen(dir), sizeof(path) - strlen(dir),
	         "/update/library/course-1.0.sampan");
	if (bundle_open(path, &base, &err) != BUNDLE_OK ||
	    bundle_verify(base, &trust, &err) != BUNDLE_OK) {
		fprintf(stderr, "fuzz_update: %s: %s\n", path, err.message);
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct update *u = NULL;
	struct bundle_error err;
	int fd = memfd_create("update", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (update_open(path, &trust, &u, &err) == BUNDLE_OK) {
		size_t which;
		if (update_find_base(u, &base, 1, &which, &err) == BUNDLE_OK)
			(void)update_apply(u, base, NULL, NULL, NULL, NULL, &err);
		update_close(u);
	}
	close(fd);
	return 0;
}

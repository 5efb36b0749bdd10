/*
 * fuzz_bundle.c - libFuzzer target: open, verify (with the test vectors'
 * key, and as a preview) and read every entry of an arbitrary file, the
 * path every bundle from a USB stick takes.  Seeds: format-spec/vectors.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bundle.h"

static struct trust trust;

static void read_all(struct bundle *b)
{
	struct bundle_error err;

	for (size_t i = 0; i < bundle_count(b); i++) {
		unsigned char *data = NULL;
		size_t len = 0;
		if (bundle_read(b, i, 1 << 20, &data, &len, &err) == BUNDLE_OK)
			free(data);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct bundle_error err;
	const char *key = getenv("SAMPAN_FUZZ_KEY");

	(void)argc;
	(void)argv;
	trust_init(&trust);
	if (!key || trust_add_file(&trust, key, &err) != BUNDLE_OK) {
		fprintf(stderr, "fuzz_bundle: set SAMPAN_FUZZ_KEY to a public key file\n");
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct bundle *b = NULL;
	struct bundle_error err;
	int fd = memfd_create("bundle", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (bundle_open(path, &b, &err) == BUNDLE_OK) {
		if (bundle_verify(b, &trust, &err) == BUNDLE_OK)
			read_all(b);
		bundle_close(b);
	}
	if (bundle_open(path, &b, &err) == BUNDLE_OK) {
		if (bundle_verify_preview(b, &err) == BUNDLE_OK)
			read_all(b);
		bundle_close(b);
	}
	close(fd);
	return 0;
}

/* fuzz_pathname.c - libFuzzer target: the one path checker and its case folding. */
#include <stdint.h>
#include <stdlib.h>

#include "pathname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_error err;
	char *key = NULL;
	size_t key_len = 0;
	const char *name = (const char *)data;

	if (pathname_check(name, size, true, &err) == BUNDLE_OK) {
		/* a name the checker accepts can always be folded */
		if (pathname_fold(name, size, &key, &key_len, &err) != BUNDLE_OK)
			abort();
		free(key);
	}
	(void)pathname_check(name, size, false, &err);
	return 0;
}

/* fuzz_manifest.c - libFuzzer target: META-INF/MANIFEST parsing. */
#include <stdint.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct bundle_error err;

	memset(&m, 0, sizeof(m));
	(void)manifest_parse((const char *)data, size, &m, &err);
	manifest_release(&m); /* also after a failure, as manifest.h says */
	return 0;
}

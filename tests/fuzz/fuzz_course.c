/* fuzz_course.c - libFuzzer target: META-INF/course.json, parsed and written back. */
#include <stdint.h>
#include <stdlib.h>

#include "course.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct course *c = NULL;
	struct bundle_error err;
	char *out = NULL;
	size_t out_len = 0;

	if (course_parse((const char *)data, size, &c, &err) != BUNDLE_OK)
		return 0;
	if (course_format(c, &out, &out_len, &err) == BUNDLE_OK) {
		struct course *again = NULL;
		/* what we write, we read back */
		if (course_parse(out, out_len, &again, &err) != BUNDLE_OK)
			abort();
		course_free(again);
		free(out);
	}
	course_free(c);
	return 0;
}

/* fuzz_courseyml.c - libFuzzer target: a producer's course.yml. */
#include <stdint.h>
#include <string.h>

#include "course_src.h"
#include "courseyml.h"
#include "problems.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct course_src c;
	struct problems p;

	memset(&c, 0, sizeof(c));
	problems_init(&p);
	(void)courseyml_parse((const char *)data, size, &c, &p);
	course_src_release(&c);
	problems_release(&p);
	return 0;
}

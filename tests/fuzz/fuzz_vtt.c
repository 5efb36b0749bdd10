/* fuzz_vtt.c - libFuzzer target: a WebVTT subtitle file beside a course's video. */
#include <stdint.h>

#include "problems.h"
#include "vtt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtt v = { 0 };
	struct problems p;

	problems_init(&p);
	(void)vtt_parse((const char *)data, size, "media/video.en.vtt", &v, &p);
	vtt_release(&v);
	problems_release(&p);
	return 0;
}

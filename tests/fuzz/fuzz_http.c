/*
 * fuzz_http.c - libFuzzer target: what sampan-play reads from a request:
 * the URL path, Range, If-None-Match, If-Range and Accept-Language.  The
 * input is split at NUL bytes into those five values; the last three are
 * also taken as If-Match, If-Modified-Since and Accept-Encoding for the
 * decision of httpcond.h, and the fourth as an HTTP-date, which must read
 * back the same once written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpcond.h"
#include "httputil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "en", "zh", "th", "vi", "km", "lo", "my" };
	char *copy = malloc(size + 1);
	const char *part[5] = { "", "", "", "", "" };
	char *p, *name = NULL;
	uint64_t first, last;
	size_t n = 0;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (p = copy; n < 5 && p <= copy + size; p += strlen(p) + 1)
		part[n++] = p;
	if (urlpath_to_entry(part[0], &name))
		free(name);
	if (range_parse(part[1], (uint64_t)size * 1000, &first, &last) == RANGE_OK &&
	    (first > last || last >= (uint64_t)size * 1000))
		abort();
	(void)etag_none_match(part[2], "\"0123456789abcdef\"");
	(void)etag_if_range(part[3], "\"0123456789abcdef\"");
	(void)accept_language(part[4], langs, sizeof(langs) / sizeof(langs[0]), "en");
	{
		struct httpcond_request rq = { false,   part[4], part[1], part[3],
			                       part[2], part[2], part[3], part[3] };
		struct httpcond_resource rs = { "0123456789abcdef",    NULL,     true, true,
			                        (uint64_t)size * 1000, 784111777 };
		struct httpcond_answer a;
		char date[HTTP_DATE_SIZE];
		int64_t t = http_date_parse(part[3]);

		httpcond_decide(&rq, &rs, &a);
		if (a.status == 206 && (a.first > a.last || a.last >= rs.size))
			abort();
		if (t >= 0) {
			http_date_format(t, date);
			if (http_date_parse(date) != t)
				abort();
		}
	}
	free(copy);
	return 0;
}

/* html.c - the one HTML escaper (see html.h). */
#include "html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD"
#define HTML_MAX (64u << 20)

bool html_escape_into(struct sbuf *b, const char *s)
{
	size_t len, pos = 0, run = 0;

	if (!s)
		return true;
	len = strlen(s);
	while (pos < len) {
		size_t at = pos;
		uint32_t cp = 0;
		const char *rep = NULL;

		if (!utf8_next(s, len, &pos, &cp)) {
			pos = at + 1;
			rep = REPLACEMENT;
		} else if (cp == '&') {
			rep = "&amp;";
		} else if (cp == '<') {
			rep = "&lt;";
		} else if (cp == '>') {
			rep = "&gt;";
		} else if (cp == '"') {
			rep = "&quot;";
		} else if (cp == '\'') {
			rep = "&#39;";
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		           (cp >= 0x7f && cp < 0xa0)) {
			rep = REPLACEMENT;
		}
		if (rep) {
			if (!sbuf_add(b, s + run, at - run) || !sbuf_adds(b, rep))
				return false;
			run = pos;
		}
	}
	return sbuf_add(b, s + run, len - run);
}

char *html_escape(const char *s)
{
	struct sbuf b;

	sbuf_init(&b, HTML_MAX);
	if (!html_escape_into(&b, s)) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_take(&b, NULL);
}

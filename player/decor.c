/*
 * decor.c - the fonts and the preview banner added to a course's pages
 * (decor.h).
 */
#include "decor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"

/* Case-insensitive search for a tag start ("</head", "<body") in the first bytes. */
static const unsigned char *find_tag(const unsigned char *html, size_t len, const char *tag)
{
	size_t t = strlen(tag);

	for (size_t i = 0; i + t <= len; i++)
		if (strncasecmp((const char *)html + i, tag, t) == 0)
			return html + i;
	return NULL;
}

bool decor_needs_fonts(const unsigned char *html, size_t len)
{
	static const char *const langs[] = { "km", "lo", "my" };
	size_t n = len < 2048 ? len : 2048;
	const char *p = (const char *)find_tag(html, n, "<html lang=\"");

	if (!p)
		return false;
	p += 12;
	for (size_t i = 0; i < 3; i++)
		if ((size_t)(p - (const char *)html) + 3 <= n && strncmp(p, langs[i], 2) == 0 &&
		    (p[2] == '"' || p[2] == '-'))
			return true;
	return false;
}

char *decor_page(const unsigned char *html, size_t len, const char *banner, size_t *out_len)
{
	static const char link[] = "<link rel=\"stylesheet\" href=\"/_sampan/decor.css\">\n";
	const unsigned char *head = find_tag(html, len, "</head");
	const unsigned char *body = find_tag(html, len, "<body");
	const unsigned char *body_end =
	        body ? memchr(body, '>', len - (size_t)(body - html)) : NULL;
	char *escaped = banner ? html_escape(banner) : NULL;
	size_t cap = len + sizeof(link) + (escaped ? strlen(escaped) + 80 : 0) + 1, o = 0;
	char *out;

	if (!head || (banner && (!body_end || body_end < head)) || (banner && !escaped)) {
		free(escaped);
		return NULL;
	}
	out = malloc(cap);
	if (!out) {
		free(escaped);
		return NULL;
	}
	memcpy(out, html, (size_t)(head - html));
	o = (size_t)(head - html);
	memcpy(out + o, link, sizeof(link) - 1);
	o += sizeof(link) - 1;
	if (escaped) {
		size_t mid = (size_t)(body_end + 1 - head);
		memcpy(out + o, head, mid);
		o += mid;
		o += (size_t)snprintf(out + o, cap - o,
		                      "\n<p class=\"sampan-preview\" role=\"alert\">%s</p>",
		                      escaped);
		memcpy(out + o, body_end + 1, len - (size_t)(body_end + 1 - html));
		o += len - (size_t)(body_end + 1 - html);
	} else {
		memcpy(out + o, head, len - (size_t)(head - html));
		o += len - (size_t)(head - html);
	}
	out[o] = '\0';
	*out_len = o;
	free(escaped);
	return out;
}

enum decor_kind decor_kind_of(struct lib_course *c, size_t index)
{
	enum decor_kind kind = DECOR_UNKNOWN;

	pthread_mutex_lock(&c->lock);
	if (c->page_kind && index < c->page_kind_count)
		kind = (enum decor_kind)c->page_kind[index];
	pthread_mutex_unlock(&c->lock);
	return kind;
}

void decor_kind_learnt(struct lib_course *c, size_t entries, size_t index, enum decor_kind kind)
{
	pthread_mutex_lock(&c->lock);
	if (!c->page_kind) {
		c->page_kind_count = entries;
		c->page_kind = calloc(c->page_kind_count ? c->page_kind_count : 1, 1);
	}
	if (c->page_kind && index < c->page_kind_count)
		c->page_kind[index] = (unsigned char)kind;
	pthread_mutex_unlock(&c->lock);
}

/*
 * pagebuf.h - writing a page the player draws itself (search results, the
 * watch page) into a struct sbuf: text as it is, text escaped for HTML
 * (common/html.h), a part of a URL path percent-encoded and then escaped
 * for an attribute.  What does not fit in PAGE_MAX, or in memory, is
 * dropped: sbuf_take then gives what was kept, and the page's own checks
 * decide.
 */
#ifndef SAMPAN_PLAYER_PAGEBUF_H
#define SAMPAN_PLAYER_PAGEBUF_H

#include <stdlib.h>

#include "html.h"
#include "httputil.h"
#include "sbuf.h"

#define PAGE_MAX (4 * 1024 * 1024)

static inline void put(struct sbuf *b, const char *s)
{
	sbuf_adds(b, s);
}

static inline void put_html(struct sbuf *b, const char *s)
{
	html_escape_into(b, s);
}

/* s percent-encoded for a URL ('/' kept), then escaped for an attribute. */
static inline void put_url_part(struct sbuf *b, const char *s)
{
	char *e = urlpath_encode(s ? s : "");

	if (e)
		put_html(b, e);
	free(e);
}

#endif

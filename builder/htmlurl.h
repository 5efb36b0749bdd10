/*
 * htmlurl.h - the URLs written in a piece of raw HTML, so that `check` sees
 * a link to another host or to a missing file even in HTML the page will
 * not keep (format-spec/course-source.md, 4.3 "No other host"): the values
 * of href, src, srcset (each candidate), poster, data, action, formaction
 * and background, url(...) in styles, and http://, https:// or //host
 * written anywhere, as in a script.  Text only: it parses no HTML, so it
 * finds URLs in broken markup too.
 */
#ifndef SAMPAN_BUILDER_HTMLURL_H
#define SAMPAN_BUILDER_HTMLURL_H

#include <stddef.h>

/* One URL found: s[at, at + len), without the white space around it; len > 0. */
typedef void (*htmlurl_fn)(void *ctx, size_t at, size_t len);

/* Every URL in s[0, n), in the order they stand. */
void htmlurl_scan(const char *s, size_t n, htmlurl_fn fn, void *ctx);

#endif

/*
 * html.h - the one HTML escaper of the programs: text for HTML content and
 * attribute values (also XML, for SVG), with & < > " ' as references and
 * control characters and bytes that are not UTF-8 as U+FFFD, so that
 * nothing from a bundle or a course can break out of its place in a page.
 */
#ifndef SAMPAN_COMMON_HTML_H
#define SAMPAN_COMMON_HTML_H

#include <stdbool.h>

struct sbuf;

/* Append s (NULL: nothing) to b, escaped; false when b is full or out of memory. */
bool html_escape_into(struct sbuf *b, const char *s);

/* s escaped, malloc'd; NULL when out of memory. */
char *html_escape(const char *s);

#endif

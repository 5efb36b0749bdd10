/*
 * sanitize.h - the HTML of a lesson through an allowlist, parsed by a real
 * HTML5 parser (gumbo, included by sanitize.c alone), never by patterns:
 * what a browser would build from the text is what is checked, then
 * written out again from the tree (format-spec/course-source.md, "Raw
 * HTML").
 *
 * Kept: the elements a lesson needs (text, lists, tables, <details>,
 * <summary>, <kbd>, <figure>, <mark>, media, ...) with their harmless
 * attributes; URLs only to files of the course (relative), #anchors,
 * mailto: and tel:, and data: images in <img>.  Removed: every other
 * element (<script>, <style>, <iframe>, <object>, <svg>, <math>, <form>...
 * with their contents; others such as <font> or <center> keeping their
 * text), every other attribute (on*, style, srcset, target...), comments.
 */
#ifndef SAMPAN_BUILDER_SANITIZE_H
#define SAMPAN_BUILDER_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* One thing the sanitizer removed, at its place in the input; valid during the call only. */
struct sanitize_drop {
	const char *element; /* the element's name as written, lowercase ("img", "foo-bar") */
	const char *attribute; /* the attribute removed, or NULL when the element itself goes */
	bool contents; /* the element went with its contents (else its contents stay) */
	const char *why; /* why, e.g. "event handlers never run in a lesson" */
	unsigned line, col; /* 1-based, in the input */
};

typedef void (*sanitize_report_fn)(void *ctx, const struct sanitize_drop *d);

/*
 * Parse len bytes of HTML as the contents of a page's body, as a browser
 * would, then write back only what the allowlist keeps: every element and
 * attribute in its canonical form (lowercase names, quoted and escaped
 * values, closed elements), text escaped.  report, when not NULL, hears of
 * every element and attribute removed (comments go silently).  malloc'd,
 * NUL-terminated; out of memory ends the program (cli_oom).
 */
char *sanitize_html(const char *html, size_t len, sanitize_report_fn report, void *ctx);

/*
 * The elements of len bytes of HTML, in order, as report hears of removed
 * ones (attribute NULL, why NULL): for telling what raw HTML a lesson loses
 * where raw HTML is off.  Text, comments and end tags are not elements.
 */
void sanitize_elements(const char *html, size_t len, sanitize_report_fn report, void *ctx);

#endif

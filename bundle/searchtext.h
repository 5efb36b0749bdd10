/*
 * searchtext.h - META-INF/search.txt, the text of a course for search:
 * one line per lesson section and per subtitle cue, written by the builder
 * and read by the player's indexer, so the player never parses HTML
 * (format-spec/search-text.md).
 */
#ifndef SAMPAN_BUNDLE_SEARCHTEXT_H
#define SAMPAN_BUNDLE_SEARCHTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SEARCHTEXT_NAME "META-INF/search.txt"

struct sbuf;

struct searchtext_section {
	const char *lesson; /* lesson id */
	const char *page; /* bundle path of the lesson's page */
	const char *anchor; /* an id on the page (a heading's, a box's); "" the top of the page */
	const char *lang;
	const char *heading; /* where: "Section › Challenge: its title › Solution"; "" at the top */
	const char *text;
};

struct searchtext_cue {
	const char *lesson;
	const char *page;
	const char *media; /* bundle path of the video (or audio) */
	const char *track; /* bundle path of the .vtt */
	const char *lang;
	uint64_t start_ms;
	uint64_t end_ms;
	const char *text;
};

/* Writing: the header line, then lines; control characters in fields become spaces. */
enum bundle_status searchtext_begin(struct sbuf *b, struct bundle_error *err);
enum bundle_status searchtext_add_section(struct sbuf *b, const struct searchtext_section *s,
                                          struct bundle_error *err);
enum bundle_status searchtext_add_cue(struct sbuf *b, const struct searchtext_cue *c,
                                      struct bundle_error *err);

typedef void (*searchtext_section_fn)(void *ctx, const struct searchtext_section *s);
typedef void (*searchtext_cue_fn)(void *ctx, const struct searchtext_cue *c);

/*
 * Read a search text: each section and cue is handed to its callback (either
 * may be NULL); the strings live only during the call.  Lines of unknown
 * kinds are skipped.  RULE_INPUT_INVALID when the header is wrong or a line
 * is malformed (with its line number).
 */
enum bundle_status searchtext_parse(const char *text, size_t len, searchtext_section_fn on_section,
                                    searchtext_cue_fn on_cue, void *ctx, struct bundle_error *err);

#endif

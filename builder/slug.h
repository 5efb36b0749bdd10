/*
 * slug.h - the id of a heading in a lesson's page (format-spec/
 * course-source.md, 4.1 "Headings and their ids"): what links to
 * "lesson.md#id" name, made as GitHub and most Markdown previews make them,
 * so that a link written against a preview works in the bundle.
 */
#ifndef SAMPAN_BUILDER_SLUG_H
#define SAMPAN_BUILDER_SLUG_H

#include <stddef.h>

/*
 * A heading's id: lowercase ASCII letters, Unicode letters, marks and
 * digits kept (the cased scripts a course uses lowercased: Latin with
 * Vietnamese, Greek, Cyrillic), spaces and '-' turned into '-', punctuation,
 * symbols and controls dropped; "section" when nothing is left.  malloc'd;
 * NULL when out of memory.
 */
char *slug_make(const char *text);

/* The ids given so far in one document, each with the next suffix to try. */
struct slug_slot {
	const char *key; /* owned by whoever took it from slug_unique */
	unsigned next;
};

struct slug_set {
	struct slug_slot *slots; /* NULL, cap 0: empty (zero it to start) */
	size_t cap, count;
};

/*
 * base (malloc'd, taken) made unique in set as GitHub does: "x", then
 * "x-1", "x-2"...; the result (malloc'd: the caller's, the set only points
 * to it) is recorded in set.  NULL when base is NULL or out of memory
 * (base is freed either way).
 */
char *slug_unique(struct slug_set *set, char *base);

/* The set's own slot for key (its key NULL when key was never given). */
struct slug_slot *slug_find(struct slug_set *set, const char *key);

/* Free the set's table (not the ids, which are the caller's). */
void slug_set_release(struct slug_set *set);

#endif

/*
 * searchpage.h - what a search shows: the results page (works without
 * JavaScript), the same as JSON (/api/search.json), suggestions while
 * typing (/api/suggest.json, read by /_sampan/search.js).  Pure
 * functions of their inputs, in the interface language.
 */
#ifndef SAMPAN_PLAYER_SEARCHPAGE_H
#define SAMPAN_PLAYER_SEARCHPAGE_H

#include <stddef.h>

#include "library.h"
#include "search.h"

#define SEARCH_PAGE_SIZE 10
#define SUGGEST_COUNT 6

enum search_problem {
	SEARCH_FINE,
	SEARCH_BUSY, /* too many searches waiting: answered 503 */
	SEARCH_UNAVAILABLE /* no index (the cache folder cannot be written) */
};

struct search_view {
	const struct lib_snapshot *snap; /* for course and lesson titles */
	const char *ui_lang;
	const char *q; /* what was typed (decoded), or NULL */
	const char *course; /* filter, or NULL */
	const char *lang; /* filter, or NULL */
	size_t page; /* from 1 */
	const struct search_result *r; /* NULL without a query or with a problem */
	enum search_problem problem;
	size_t indexed, total; /* the indexer's progress */
};

/* The results page: a complete HTML document, malloc'd. */
char *searchpage_html(const struct search_view *v);
/* The results as JSON, malloc'd. */
char *searchpage_json(const struct search_view *v);
/* Suggestions as JSON: {"suggestions": [{"title", "course", "url"}]}, malloc'd. */
char *searchpage_suggest_json(const struct search_view *v);

/* The link of a hit: its section in the lesson page, or /watch at its cue. malloc'd. */
char *searchpage_hit_url(const struct search_hit *h);

#endif

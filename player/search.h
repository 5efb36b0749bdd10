/*
 * search.h - the player's search index: every served course's search text
 * (format-spec/search-text.md) in one SQLite FTS5 table in the cache
 * folder, with the words of tokenize.h, so that a student finds lesson
 * sections and subtitle cues in any script.
 *
 * A course is indexed once per signed content (its manifest digest): an
 * unchanged bundle is never indexed again, even after a restart.  Bundles
 * the library no longer serves leave the results at once (search_set_live)
 * and their rows are deleted once unseen for 30 days.  Each indexed bundle
 * is one transaction, so an index interrupted at any point (a kill, a full
 * disk) holds whole courses only.  A database that is not ours, of another
 * version, or damaged is replaced by an empty one.
 *
 * One struct search is one database connection: use it from one thread at
 * a time.  The indexer and each searching thread open their own.
 */
#ifndef SAMPAN_PLAYER_SEARCH_H
#define SAMPAN_PLAYER_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"

#define SEARCH_DB_NAME "search.db"
#define SEARCH_QUERY_MAX 512 /* bytes of a query; longer ones are cut */
#define SEARCH_WORDS_MAX 16 /* words of a query; the rest are ignored */
#define SEARCH_LIMIT_MAX 100 /* results of one page */

struct search;

/* Open (or create) the index at path. */
enum bundle_status search_open(const char *path, struct search **s, struct bundle_error *err);
void search_close(struct search *s);

/* Whether the course with this signed content is indexed. */
bool search_has(struct search *s, const unsigned char digest[DIGEST_SIZE]);

/*
 * Index one course: its search text (len bytes, already checked against
 * the signed digest by the caller).  All or nothing.  A search text that
 * is not one (RULE_INPUT_INVALID) is recorded as an empty course, so it is
 * not read again.
 */
enum bundle_status search_add(struct search *s, const unsigned char digest[DIGEST_SIZE],
                              const char *course_id, const char *text, size_t len,
                              struct bundle_error *err);

/*
 * The courses served now, by signed content: only these are searched.
 * Rows of courses unseen for 30 days are deleted.
 */
enum bundle_status search_set_live(struct search *s, const unsigned char (*digests)[DIGEST_SIZE],
                                   size_t count, struct bundle_error *err);

struct search_query {
	const char *text; /* what the student typed */
	const char *course; /* only this course id, or NULL */
	const char *lang; /* only sections in this language (or its subtags), or NULL */
	size_t offset;
	size_t limit; /* at most SEARCH_LIMIT_MAX */
	bool prefix; /* suggestions: the last word may be the start of a word */
	double budget; /* seconds a query may run (0: 1 s) */
};

struct search_hit {
	char *course; /* course id */
	char *lesson; /* lesson id */
	char *page; /* entry name of the lesson's page */
	char *anchor; /* heading id, or "" */
	char *lang;
	char *heading; /* the section's heading ("" before the first), matches marked */
	char *snippet; /* text around the matches, each between \x01 and \x02 */
	char *media; /* a subtitle cue: the video's entry name; else NULL */
	char *track; /* and the subtitle file's */
	uint64_t start_ms, end_ms;
	bool approximate; /* found by the looser pass, or for the "did you mean" words */
};

struct search_result {
	struct search_hit *hits;
	size_t count;
	bool more; /* another page follows */
	bool timed_out; /* the budget ran out: no hits */
	bool empty_query; /* the text had no word to search for */
	char *did_you_mean; /* words the courses have, close to those typed that found little */
	bool corrected; /* nothing else was found: the hits are those of did_you_mean */
};

/*
 * Run a query.  BUNDLE_OK also when nothing is found or the budget ran out.
 *
 * Results come best first: the words as typed (with their accents, when
 * typed with them), then folded, then other words of the same stem
 * (English, Indonesian and Malay); among those, the words side by side
 * first, then by bm25 (the heading weighs 3).  When the first pass finds
 * fewer than three, a looser pass adds what it finds after them, marked
 * approximate (Thai and Lao tone marks and vowel length, Khmer and Burmese
 * variants, Traditional Chinese as Simplified, Malay and Indonesian
 * spellings), and did_you_mean offers the words of the index closest to
 * those it does not have (edit distance for Latin words, the run sharing
 * most bigrams for the scripts without spaces); when nothing at all was
 * found, its results are shown instead (corrected).
 */
enum bundle_status search_run(struct search *s, const struct search_query *q,
                              struct search_result *r, struct bundle_error *err);
void search_result_free(struct search_result *r);

/*
 * The FTS5 expression for what a student typed, malloc'd ("" when it has
 * no word): each space-separated part a quoted phrase, all of them
 * required; with prefix, the last part may end inside a word.  Exposed for
 * tests.
 */
char *search_expression(const char *text, bool prefix);

#endif

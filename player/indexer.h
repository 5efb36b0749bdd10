/*
 * indexer.h - keeps the search index (search.h) in step with the library:
 * a background thread, at low priority, that indexes each course the
 * library serves once per signed content, and tells the index which
 * courses are served now.  Serving never waits for it.
 */
#ifndef SAMPAN_PLAYER_INDEXER_H
#define SAMPAN_PLAYER_INDEXER_H

#include <stddef.h>

#include "error.h"
#include "library.h"

struct indexer;

/*
 * Open (or make) the index at db_path, then start the thread, which looks
 * at the library at once and whenever indexer_poke is called.
 */
enum bundle_status indexer_start(struct library *lib, const char *db_path, struct indexer **ix,
                                 struct bundle_error *err);

/* Look at the library again, if it changed.  Cheap; thread-safe. */
void indexer_poke(struct indexer *ix);

/* How many of the served courses are indexed now.  Thread-safe. */
void indexer_progress(struct indexer *ix, size_t *indexed, size_t *total);

/* Stop the thread (an unfinished course is rolled back) and close the index. */
void indexer_stop(struct indexer *ix);

#endif

/*
 * indexer.c - the search index kept in step with the library (indexer.h).
 *
 * One thread.  When the library's generation changes it marks the served
 * courses live (so removed ones leave the results at once), then indexes
 * those not indexed yet, one transaction each, reading each course's
 * search text through the library (checked against the signed digest like
 * every byte the player serves).  A write that fails (a full disk) is tried
 * again after RETRY_SECONDS; what was indexed stays.
 */
#define _GNU_SOURCE
#include "indexer.h"

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monotime.h"
#include "search.h"
#include "searchtext.h"

#define RETRY_SECONDS 10
#define SEARCHTEXT_MAX (64 * 1024 * 1024)

struct indexer {
	struct library *lib;
	struct search *s; /* open while there is indexing to do; NULL in between */
	char *path;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* poked or stopping */
	bool poked, stop;
	size_t indexed, total; /* progress (lock) */
};

static bool stopping(struct indexer *ix)
{
	bool stop;

	pthread_mutex_lock(&ix->lock);
	stop = ix->stop;
	pthread_mutex_unlock(&ix->lock);
	return stop;
}

/* Index one course; false when the index could not be written (try again later). */
static bool index_course(struct indexer *ix, struct lib_course *c)
{
	const char *name = c->course->search ? c->course->search : SEARCHTEXT_NAME;
	unsigned char *data = NULL;
	size_t len = 0;
	struct bundle_error err;
	enum bundle_status st;
	bool has_text = false;

	bool was_open;

	/* The lock opens the bundle and counts this reader; the read itself takes none. */
	pthread_mutex_lock(&c->lock);
	was_open = c->b != NULL;
	st = library_use_course(ix->lib, c, &err);
	pthread_mutex_unlock(&c->lock);
	if (st == BUNDLE_OK) {
		size_t i = bundle_find(c->b, name, strlen(name));
		if (i != BUNDLE_NOT_FOUND) {
			st = bundle_read(c->b, i, SEARCHTEXT_MAX, &data, &len, &err);
			has_text = st == BUNDLE_OK;
		}
		/* Opened only to be indexed: closed again, so memory stays flat. */
		pthread_mutex_lock(&c->lock);
		if (was_open)
			library_done_course(c);
		else
			library_done_course_close(c);
		pthread_mutex_unlock(&c->lock);
	}
	if (st != BUNDLE_OK) {
		/* The bundle changed or went since the scan: the next scan decides. */
		fprintf(stderr, "sampan-play: search: %s: %s\n", c->path, err.message);
		return true;
	}
	st = search_add(ix->s, c->manifest_digest, c->id, has_text ? (const char *)data : NULL, len,
	                &err);
	free(data);
	if (st == BUNDLE_INVALID) {
		/* Recorded as a course without search; the course itself is served. */
		fprintf(stderr, "sampan-play: search: %s: %s\n", c->path, err.message);
		return true;
	}
	if (st != BUNDLE_OK) {
		fprintf(stderr, "sampan-play: search: %s\n", err.message);
		return false;
	}
	return true;
}

/* Bring the index in step with snapshot s; false when a write failed. */
static bool follow(struct indexer *ix, const struct lib_snapshot *s)
{
	unsigned char(*live)[DIGEST_SIZE] = calloc(s->count ? s->count : 1, DIGEST_SIZE);
	struct bundle_error err;
	size_t done = 0;
	bool *todo;

	if (!live)
		return false;
	for (size_t i = 0; i < s->count; i++)
		memcpy(live[i], s->courses[i]->manifest_digest, DIGEST_SIZE);
	if (search_set_live(ix->s, (const unsigned char(*)[DIGEST_SIZE])live, s->count, &err) !=
	    BUNDLE_OK) {
		fprintf(stderr, "sampan-play: search: %s\n", err.message);
		free(live);
		return false;
	}
	free(live);
	/* Which courses are new: one look at the index each. */
	todo = calloc(s->count ? s->count : 1, sizeof(*todo));
	if (!todo)
		return false;
	for (size_t i = 0; i < s->count; i++) {
		todo[i] = !search_has(ix->s, s->courses[i]->manifest_digest);
		done += !todo[i];
	}
	pthread_mutex_lock(&ix->lock);
	ix->indexed = done;
	ix->total = s->count;
	pthread_mutex_unlock(&ix->lock);
	for (size_t i = 0; i < s->count && !stopping(ix); i++) {
		struct lib_course *c = s->courses[i];
		if (!todo[i])
			continue;
		if (!index_course(ix, c)) {
			free(todo);
			return false;
		}
		pthread_mutex_lock(&ix->lock);
		ix->indexed++;
		pthread_mutex_unlock(&ix->lock);
	}
	free(todo);
	return !stopping(ix);
}

static void *run(void *arg)
{
	struct indexer *ix = arg;
	uint64_t generation = 0;
	bool first = true;
	double retry_at = 0;

#ifdef __linux__
	/* Below the threads that serve pages: a cold index must not slow a class down. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
	for (;;) {
		struct lib_snapshot *s;
		bool ok;

		pthread_mutex_lock(&ix->lock);
		while (!ix->stop && !ix->poked && !first)
			pthread_cond_wait(&ix->cond, &ix->lock);
		ix->poked = false;
		if (ix->stop) {
			pthread_mutex_unlock(&ix->lock);
			break;
		}
		pthread_mutex_unlock(&ix->lock);
		first = false;
		s = library_snapshot(ix->lib);
		if (s->generation != generation && monotime_now() >= retry_at) {
			struct bundle_error err;
			if (!ix->s && search_open(ix->path, &ix->s, &err) != BUNDLE_OK)
				fprintf(stderr, "sampan-play: search: %s\n", err.message);
			ok = ix->s && follow(ix, s);
			if (ok)
				generation = s->generation;
			else
				retry_at = monotime_now() + RETRY_SECONDS;
			/*
			 * Nothing more to do until the library changes: the connection,
			 * its page cache and its tokenizers go, and what indexing
			 * allocated goes back to the system.
			 */
			search_close(ix->s);
			ix->s = NULL;
#ifdef __GLIBC__
			malloc_trim(0);
#endif
		}
		library_release_snapshot(ix->lib, s);
	}
	return NULL;
}

enum bundle_status indexer_start(struct library *lib, const char *db_path, struct indexer **out,
                                 struct bundle_error *err)
{
	struct indexer *ix = calloc(1, sizeof(*ix));
	struct lib_snapshot *snap;
	enum bundle_status st;

	*out = NULL;
	if (!ix)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	ix->lib = lib;
	ix->path = strdup(db_path);
	/* Made (or repaired) here, before anyone searches it. */
	st = ix->path ? search_open(db_path, &ix->s, err)
	              : bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	if (st != BUNDLE_OK) {
		free(ix->path);
		free(ix);
		return st;
	}
	/*
	 * What is indexed already is counted before the first search: after a
	 * restart every course is searchable at once, and says so, even on a busy
	 * machine where the indexer's thread (below the serving threads) runs late.
	 */
	snap = library_snapshot(lib);
	for (size_t i = 0; i < snap->count; i++)
		ix->indexed += search_has(ix->s, snap->courses[i]->manifest_digest);
	ix->total = snap->count;
	library_release_snapshot(lib, snap);
	pthread_mutex_init(&ix->lock, NULL);
	pthread_cond_init(&ix->cond, NULL);
	if (pthread_create(&ix->thread, NULL, run, ix) != 0) {
		search_close(ix->s);
		pthread_mutex_destroy(&ix->lock);
		pthread_cond_destroy(&ix->cond);
		free(ix->path);
		free(ix);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
		                        "cannot start the search indexer");
	}
	*out = ix;
	return BUNDLE_OK;
}

void indexer_poke(struct indexer *ix)
{
	if (!ix)
		return;
	pthread_mutex_lock(&ix->lock);
	ix->poked = true;
	pthread_cond_broadcast(&ix->cond);
	pthread_mutex_unlock(&ix->lock);
}

void indexer_progress(struct indexer *ix, size_t *indexed, size_t *total)
{
	*indexed = *total = 0;
	if (!ix)
		return;
	pthread_mutex_lock(&ix->lock);
	*indexed = ix->indexed;
	*total = ix->total;
	pthread_mutex_unlock(&ix->lock);
}

void indexer_stop(struct indexer *ix)
{
	if (!ix)
		return;
	pthread_mutex_lock(&ix->lock);
	ix->stop = true;
	pthread_cond_broadcast(&ix->cond);
	pthread_mutex_unlock(&ix->lock);
	pthread_join(ix->thread, NULL);
	search_close(ix->s);
	free(ix->path);
	pthread_mutex_destroy(&ix->lock);
	pthread_cond_destroy(&ix->cond);
	free(ix);
}

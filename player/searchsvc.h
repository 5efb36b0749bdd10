/*
 * searchsvc.h - searches run apart from page and media serving: a queue
 * and one worker thread with its own index connection.  A request thread
 * hands over a job and goes back to serving; the worker runs the query
 * within its time budget, renders the answer, and calls the job's done
 * callback (the server then resumes the waiting connection).  A waiting
 * connection holds no thread, so a class searching together never holds up
 * pages and video; a search that waited too long for its turn is answered
 * "busy, try again" (503).
 */
#ifndef SAMPAN_PLAYER_SEARCHSVC_H
#define SAMPAN_PLAYER_SEARCHSVC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "indexer.h"
#include "library.h"

/*
 * As many as the server has connections: each waits for its own answer, so a
 * class that keeps searching waits its turn instead of being refused.
 */
#define SEARCH_QUEUE_MAX 512
#define SEARCH_WAIT_MAX 10.0 /* seconds a search may wait for its turn; then "busy" (503) */
#define SEARCH_BUDGET 1.0 /* seconds for a search */
#define SUGGEST_BUDGET 0.25 /* and for suggestions */

enum search_job_kind { JOB_PAGE, JOB_JSON, JOB_SUGGEST };

struct search_job {
	enum search_job_kind kind;
	char *q, *course, *lang; /* decoded from the request; NULL when absent */
	const char *ui_lang; /* a static string */
	size_t page; /* from 1 */
	/* Filled by the worker before done is called. */
	unsigned status; /* 200, or 503 when the service stops */
	char *body; /* malloc'd; the caller frees it */
	const char *type; /* its media type */
	void (*done)(struct search_job *j); /* the job must not be touched after this */
	void *ctx; /* the caller's */
	double queued_at; /* monotonic seconds (searchsvc_submit) */
};

struct searchsvc;

/*
 * Start the worker on the index at db_path (made by the indexer).  The
 * worker opens it for the first search, so that a player nobody searches
 * holds no index connection; a search that cannot open it is answered
 * that search is not available.
 */
enum bundle_status searchsvc_start(struct library *lib, struct indexer *ix, const char *db_path,
                                   struct searchsvc **s, struct bundle_error *err);

/* Queue j; false (j untouched) when SEARCH_QUEUE_MAX jobs wait already. */
bool searchsvc_submit(struct searchsvc *s, struct search_job *j);

/*
 * Render j at once without searching: the page with its form and, with
 * busy, the message to try again; without a service, that search is not
 * available.  For the request thread.
 */
void searchsvc_render_problem(struct library *lib, struct indexer *ix, struct search_job *j,
                              bool busy);

/* Stop: jobs still waiting are answered 503 (done is called for each). */
void searchsvc_stop(struct searchsvc *s);

void search_job_free(struct search_job *j);

#endif

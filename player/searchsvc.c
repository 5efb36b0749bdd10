/*
 * searchsvc.c - the search queue and its worker (searchsvc.h).
 */
#include "searchsvc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monotime.h"
#include "search.h"
#include "searchpage.h"

struct searchsvc {
	struct library *lib;
	struct indexer *ix;
	char *db_path;
	struct search *s; /* opened by the worker for the first search (worker only) */
	bool open_failed;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct search_job *queue[SEARCH_QUEUE_MAX]; /* a ring (lock) */
	size_t head, count;
	bool stop;
};

void search_job_free(struct search_job *j)
{
	if (!j)
		return;
	free(j->q);
	free(j->course);
	free(j->lang);
	free(j->body);
	free(j);
}

static void render(struct search_job *j, struct lib_snapshot *snap, const struct search_result *r,
                   enum search_problem problem, struct indexer *ix)
{
	struct search_view v;

	memset(&v, 0, sizeof(v));
	v.snap = snap;
	v.ui_lang = j->ui_lang;
	v.q = j->q;
	v.course = j->course;
	v.lang = j->lang;
	v.page = j->page ? j->page : 1;
	v.r = r;
	v.problem = problem;
	indexer_progress(ix, &v.indexed, &v.total);
	switch (j->kind) {
	case JOB_PAGE:
		j->body = searchpage_html(&v);
		j->type = "text/html; charset=utf-8";
		break;
	case JOB_JSON:
		j->body = searchpage_json(&v);
		j->type = "application/json; charset=utf-8";
		break;
	case JOB_SUGGEST:
		j->body = searchpage_suggest_json(&v);
		j->type = "application/json; charset=utf-8";
		break;
	}
	j->status = problem == SEARCH_BUSY ? 503 : 200;
}

void searchsvc_render_problem(struct library *lib, struct indexer *ix, struct search_job *j,
                              bool busy)
{
	struct lib_snapshot *snap = library_snapshot(lib);

	render(j, snap, NULL, busy ? SEARCH_BUSY : SEARCH_UNAVAILABLE, ix);
	library_release_snapshot(lib, snap);
}

static void run_job(struct searchsvc *svc, struct search_job *j)
{
	struct lib_snapshot *snap = library_snapshot(svc->lib);
	struct search_query q;
	struct search_result r;
	struct bundle_error err;
	bool have = false;

	memset(&q, 0, sizeof(q));
	memset(&r, 0, sizeof(r));
	q.text = j->q;
	q.course = j->course;
	q.lang = j->lang;
	if (j->kind == JOB_SUGGEST) {
		q.limit = SUGGEST_COUNT;
		q.prefix = true;
		q.budget = SUGGEST_BUDGET;
	} else {
		size_t page = j->page ? j->page : 1;
		q.limit = SEARCH_PAGE_SIZE;
		q.offset = (page - 1) * SEARCH_PAGE_SIZE;
		q.budget = SEARCH_BUDGET;
	}
	/*
	 * The index connection (SQLite, and ICU's tokenizers with it) is opened
	 * when a student first searches: a player nobody searches never loads it.
	 */
	if (j->q && *j->q && !svc->s && !svc->open_failed &&
	    search_open(svc->db_path, &svc->s, &err) != BUNDLE_OK) {
		fprintf(stderr, "sampan-play: search is not available: %s\n", err.message);
		svc->open_failed = true;
	}
	if (j->q && *j->q && svc->s) {
		if (search_run(svc->s, &q, &r, &err) == BUNDLE_OK)
			have = true;
		else
			fprintf(stderr, "sampan-play: search: %s\n", err.message);
	}
	render(j, snap, have ? &r : NULL,
	       have || !(j->q && *j->q) ? SEARCH_FINE : SEARCH_UNAVAILABLE, svc->ix);
	search_result_free(&r);
	library_release_snapshot(svc->lib, snap);
}

static void *worker(void *arg)
{
	struct searchsvc *svc = arg;

	for (;;) {
		struct search_job *j;

		pthread_mutex_lock(&svc->lock);
		while (!svc->stop && svc->count == 0)
			pthread_cond_wait(&svc->cond, &svc->lock);
		if (svc->stop) {
			pthread_mutex_unlock(&svc->lock);
			break;
		}
		j = svc->queue[svc->head];
		svc->head = (svc->head + 1) % SEARCH_QUEUE_MAX;
		svc->count--;
		pthread_mutex_unlock(&svc->lock);
		if (monotime_now() - j->queued_at > SEARCH_WAIT_MAX)
			searchsvc_render_problem(svc->lib, svc->ix, j, true);
		else
			run_job(svc, j);
		j->done(j);
	}
	return NULL;
}

enum bundle_status searchsvc_start(struct library *lib, struct indexer *ix, const char *db_path,
                                   struct searchsvc **out, struct bundle_error *err)
{
	struct searchsvc *svc = calloc(1, sizeof(*svc));

	*out = NULL;
	if (!svc)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	svc->lib = lib;
	svc->ix = ix;
	svc->db_path = strdup(db_path);
	if (!svc->db_path) {
		free(svc);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	pthread_mutex_init(&svc->lock, NULL);
	pthread_cond_init(&svc->cond, NULL);
	if (pthread_create(&svc->thread, NULL, worker, svc) != 0) {
		pthread_mutex_destroy(&svc->lock);
		pthread_cond_destroy(&svc->cond);
		free(svc->db_path);
		free(svc);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
		                        "cannot start the search worker");
	}
	*out = svc;
	return BUNDLE_OK;
}

bool searchsvc_submit(struct searchsvc *svc, struct search_job *j)
{
	bool ok = false;

	j->queued_at = monotime_now();
	pthread_mutex_lock(&svc->lock);
	if (!svc->stop && svc->count < SEARCH_QUEUE_MAX) {
		svc->queue[(svc->head + svc->count) % SEARCH_QUEUE_MAX] = j;
		svc->count++;
		ok = true;
		pthread_cond_signal(&svc->cond);
	}
	pthread_mutex_unlock(&svc->lock);
	return ok;
}

void searchsvc_stop(struct searchsvc *svc)
{
	if (!svc)
		return;
	pthread_mutex_lock(&svc->lock);
	svc->stop = true;
	pthread_cond_broadcast(&svc->cond);
	pthread_mutex_unlock(&svc->lock);
	pthread_join(svc->thread, NULL);
	/* Whoever still waits is told the service went away. */
	while (svc->count > 0) {
		struct search_job *j = svc->queue[svc->head];
		svc->head = (svc->head + 1) % SEARCH_QUEUE_MAX;
		svc->count--;
		j->status = 503;
		j->type = "text/plain; charset=utf-8";
		j->body = strdup("the player is stopping\n");
		j->done(j);
	}
	search_close(svc->s);
	pthread_mutex_destroy(&svc->lock);
	pthread_cond_destroy(&svc->cond);
	free(svc->db_path);
	free(svc);
}

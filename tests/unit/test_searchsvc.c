/*
 * test_searchsvc.c - searches run apart from serving (player/searchsvc.c): a job
 * handed over is answered on the worker's thread and its done called; the index
 * is opened for the first search only; an index that cannot be opened, or a
 * queue too long, is answered as a problem, never left waiting.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "searchsvc.h"

struct waiter {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	size_t done;
	pthread_t thread;
};

static struct waiter w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

static void on_done(struct search_job *j)
{
	pthread_mutex_lock(&w.mu);
	w.done++;
	w.thread = pthread_self();
	pthread_cond_broadcast(&w.cond);
	pthread_mutex_unlock(&w.mu);
	(void)j;
}

static struct search_job *job(enum search_job_kind kind, const char *q)
{
	struct search_job *j = calloc(1, sizeof(*j));

	assert_non_null(j);
	j->kind = kind;
	j->q = q ? strdup(q) : NULL;
	j->ui_lang = "en";
	j->page = 1;
	j->done = on_done;
	return j;
}

/* Submit j and wait for its answer. */
static void run(struct searchsvc *svc, struct search_job *j)
{
	size_t before;

	pthread_mutex_lock(&w.mu);
	before = w.done;
	pthread_mutex_unlock(&w.mu);
	assert_true(searchsvc_submit(svc, j));
	pthread_mutex_lock(&w.mu);
	while (w.done == before)
		pthread_cond_wait(&w.cond, &w.mu);
	assert_false(pthread_equal(w.thread, pthread_self())); /* on the worker's thread */
	pthread_mutex_unlock(&w.mu);
}

static struct library *empty_library(void)
{
	struct library_options lo;
	struct library *lib;
	struct bundle_error err;

	memset(&lo, 0, sizeof(lo));
	assert_ok(library_open(&lo, &lib, &err), err);
	return lib;
}

static void jobs_are_answered_by_the_worker(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *db = tu_path(dir, "search.db");
	struct library *lib = empty_library();
	struct searchsvc *svc;
	struct bundle_error err;
	struct search_job *j;

	assert_ok(searchsvc_start(lib, NULL, db, &svc, &err), err);
	/* no query: the page with its form; the index is not even opened */
	j = job(JOB_PAGE, NULL);
	run(svc, j);
	assert_int_equal(j->status, 200);
	assert_string_equal(j->type, "text/html; charset=utf-8");
	assert_non_null(strstr(j->body, "<form class=\"search\""));
	assert_int_equal(access(db, F_OK), -1);
	search_job_free(j);
	/* a query opens the index (made here, empty) and finds nothing */
	j = job(JOB_JSON, "pump");
	run(svc, j);
	assert_int_equal(j->status, 200);
	assert_string_equal(j->type, "application/json; charset=utf-8");
	assert_non_null(strstr(j->body, "\"results\":[]"));
	assert_null(strstr(j->body, "problem"));
	assert_int_equal(access(db, F_OK), 0);
	search_job_free(j);
	j = job(JOB_SUGGEST, "pu");
	run(svc, j);
	assert_non_null(strstr(j->body, "\"suggestions\":[]"));
	search_job_free(j);
	searchsvc_stop(svc);
	library_close(lib);
	tu_rmrf(dir);
	free(db);
	free(dir);
}

static void an_index_that_cannot_open_is_a_problem(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *file = tu_path(dir, "file"), *db = tu_path(file, "search.db");
	struct library *lib = empty_library();
	struct searchsvc *svc;
	struct bundle_error err;
	struct search_job *j;

	tu_write(file, "x", 1); /* a file where the index's folder should be */
	assert_ok(searchsvc_start(lib, NULL, db, &svc, &err), err);
	for (int i = 0; i < 2; i++) { /* tried once, then known */
		j = job(JOB_JSON, "pump");
		run(svc, j);
		assert_int_equal(j->status, 200);
		assert_non_null(strstr(j->body, "\"problem\":\"unavailable\""));
		search_job_free(j);
	}
	searchsvc_stop(svc);
	/* without a service: rendered at once, busy or not available */
	j = job(JOB_PAGE, "pump");
	searchsvc_render_problem(lib, NULL, j, true);
	assert_int_equal(j->status, 503);
	assert_non_null(strstr(j->body, "Many people are searching at once."));
	search_job_free(j);
	j = job(JOB_PAGE, "pump");
	searchsvc_render_problem(lib, NULL, j, false);
	assert_int_equal(j->status, 200);
	assert_non_null(strstr(j->body, "Search is not available on this player."));
	search_job_free(j);
	search_job_free(NULL);
	searchsvc_stop(NULL);
	library_close(lib);
	tu_rmrf(dir);
	free(db);
	free(file);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jobs_are_answered_by_the_worker),
		cmocka_unit_test(an_index_that_cannot_open_is_a_problem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

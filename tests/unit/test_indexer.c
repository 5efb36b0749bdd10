/*
 * test_indexer.c - the search index kept in step with the library
 * (player/indexer.c): every course served is indexed once, in the background,
 * its progress told; a course added is indexed when the library changes; a
 * restart finds them indexed; stopping mid-way leaves a usable index.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "indexer.h"
#include "search.h"
#include "trust.h"
#include "writer.h"

/* A small course of that id, signed with key 1. */
static void make_course(const char *path, const char *id)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	char *cj = tu_course_json(id, "1.0");
	static const char page[] = "<!doctype html><title>x</title><p>A pump moves water.\n";

	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", page, sizeof(page) - 1, &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", page, sizeof(page) - 1, &err),
	          err);
	assert_ok(bundle_writer_write(w, sk, path, NULL, &err), err);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
}

/* Wait (at most 20 s) until the indexer has indexed want of want courses. */
static void wait_for(struct indexer *ix, size_t want)
{
	size_t indexed = 0, total = 0;

	for (int i = 0; i < 2000; i++) {
		indexer_progress(ix, &indexed, &total);
		if (indexed == want && total == want)
			return;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	fail_msg("indexed %zu of %zu, not %zu", indexed, total, want);
}

static void courses_are_indexed_once_in_the_background(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *books = tu_path(dir, "books"), *db = tu_path(dir, "search.db");
	char *one = tu_path(books, "one.sampan"), *two = tu_path(books, "two.sampan");
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct trust trust;
	struct library_options lo;
	struct library *lib;
	struct indexer *ix;
	struct bundle_error err;
	struct search *s;
	const char *paths[1] = { books };
	struct lib_snapshot *snap;

	tu_write(one, "", 0);
	make_course(one, "org.example.one");
	tu_key(1, &sk, &pk);
	minisign_seckey_free(sk);
	trust_init(&trust);
	assert_ok(trust_add(&trust, &pk, &err), err);
	memset(&lo, 0, sizeof(lo));
	lo.paths = paths;
	lo.paths_count = 1;
	lo.trust = &trust;
	assert_ok(library_open(&lo, &lib, &err), err);
	{
		size_t a = 9, b = 9;
		indexer_progress(NULL, &a, &b); /* no indexer: nothing */
		assert_int_equal(a + b, 0);
	}

	assert_ok(indexer_start(lib, db, &ix, &err), err);
	wait_for(ix, 1);
	/* a course added: indexed once the library changed and the indexer was told */
	make_course(two, "org.example.two");
	library_rescan(lib);
	indexer_poke(ix);
	snap = library_snapshot(lib);
	assert_int_equal(snap->count, 2);
	library_release_snapshot(lib, snap);
	wait_for(ix, 2);
	indexer_stop(ix);

	/* what was indexed is in the index, for the served digests */
	assert_ok(search_open(db, &s, &err), err);
	snap = library_snapshot(lib);
	for (size_t i = 0; i < snap->count; i++)
		assert_true(search_has(s, snap->courses[i]->manifest_digest));
	library_release_snapshot(lib, snap);
	search_close(s);

	/*
	 * a restart: nothing to index again, every course counted at once, before
	 * the indexer's own thread has run (the first search may come first)
	 */
	assert_ok(indexer_start(lib, db, &ix, &err), err);
	{
		size_t a = 0, b = 0;
		indexer_progress(ix, &a, &b);
		assert_int_equal(a, 2);
		assert_int_equal(b, 2);
	}
	wait_for(ix, 2);
	indexer_stop(ix);
	indexer_poke(NULL);
	indexer_stop(NULL);

	library_close(lib);
	trust_release(&trust);
	tu_rmrf(dir);
	free(one);
	free(two);
	free(books);
	free(db);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(courses_are_indexed_once_in_the_background),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

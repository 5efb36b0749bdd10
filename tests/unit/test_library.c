/*
 * test_library.c - the player's library (player/library.c): finding
 * bundles in files and folders, verifying them, one version per course,
 * rescans that see what changed and re-verify nothing else, the highest
 * versions remembered across restarts, and snapshots that outlive rescans.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "library.h"
#include "trust.h"
#include "writer.h"

struct fixture {
	char *dir; /* the test's temporary folder */
	char *books; /* dir/books: the folder the library walks */
	char *cache; /* dir/cache */
	struct trust trust; /* key 1 */
	struct minisign_pubkey pk1;
	struct minisign_pubkey pk2;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct minisign_seckey *sk;
	struct bundle_error err;

	assert_non_null(f);
	*state = f;
	f->dir = tu_tempdir();
	f->books = tu_path(f->dir, "books");
	f->cache = tu_path(f->dir, "cache");
	assert_int_equal(mkdir(f->books, 0755), 0);
	tu_key(1, &sk, &f->pk1);
	minisign_seckey_free(sk);
	tu_key(2, &sk, &f->pk2);
	minisign_seckey_free(sk);
	trust_init(&f->trust);
	assert_ok(trust_add(&f->trust, &f->pk1, &err), err);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	trust_release(&f->trust);
	tu_rmrf(f->dir);
	free(f->dir);
	free(f->books);
	free(f->cache);
	free(f);
	return 0;
}

/* Write a bundle of course id at version, signed with key n, to dir/name, with this lesson. */
static char *make_course_with(const char *dir, const char *name, const char *id,
                              const char *version, int key, const char *lesson)
{
	static const char index_html[] = "<!doctype html><title>Course</title><h1>Hello</h1>\n";
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	char *path = tu_path(dir, name);
	char *cj = tu_course_json(id, version);
	char *slash = strrchr(path, '/');

	/* the writer wants an existing folder: tu_write makes the parents */
	*slash = '\0';
	{
		char *probe = tu_path(path, ".probe");
		tu_write(probe, "", 0);
		unlink(probe);
		free(probe);
	}
	*slash = '/';
	tu_key(key, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", index_html, sizeof(index_html) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", lesson, strlen(lesson), &err),
	          err);
	assert_ok(bundle_writer_write(w, sk, path, NULL, &err), err);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
	return path;
}

static char *make_course(const char *dir, const char *name, const char *id, const char *version,
                         int key)
{
	return make_course_with(dir, name, id, version, key,
	                        "<!doctype html><title>Intro</title><p>Water.</p>\n");
}

static void add_course(const char *dir, const char *name, const char *id, const char *version,
                       int key)
{
	free(make_course(dir, name, id, version, key));
}

static struct library *open_paths(struct fixture *f, const char *const *paths, size_t n,
                                  const char *cache, bool allow_unsigned, bool allow_downgrade)
{
	struct library_options o;
	struct library *lib = NULL;
	struct bundle_error err;

	memset(&o, 0, sizeof(o));
	o.paths = paths;
	o.paths_count = n;
	o.trust = &f->trust;
	o.cache_dir = cache;
	o.allow_unsigned = allow_unsigned;
	o.allow_downgrade = allow_downgrade;
	assert_ok(library_open(&o, &lib, &err), err);
	assert_non_null(lib);
	return lib;
}

static struct library *open_books(struct fixture *f)
{
	const char *paths[1];

	paths[0] = f->books;
	return open_paths(f, paths, 1, f->cache, false, false);
}

static const struct lib_refused *find_refused(const struct lib_snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->refused_count; i++)
		if (strcmp(s->refused[i].path, path) == 0)
			return &s->refused[i];
	return NULL;
}

/* Flip one byte of a file in place at off. */
static void flip_byte(const char *path, uint64_t off)
{
	size_t len;
	unsigned char *data = tu_read(path, &len);

	assert_true(off < len);
	data[off] ^= 0x40;
	tu_write(path, data, len);
	free(data);
}

static uint64_t entry_offset(const char *path, size_t i)
{
	struct bundle *b;
	struct bundle_error err;
	struct bundle_entry e;

	assert_ok(bundle_open(path, &b, &err), err);
	bundle_entry(b, i, &e);
	bundle_close(b);
	return e.data_offset + e.comp_size / 2;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- tests ---- */

static void serves_the_bundles_of_a_folder(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	struct lib_course *c;
	struct bundle_error err;
	unsigned char *data;
	size_t len, idx;
	char *b_path, *notes = tu_path(f->books, "notes.txt");

	add_course(f->books, "b.sampan", "org.example.bees", "2.1", 1);
	b_path = make_course(f->books, "sub/a.sampan", "org.example.ants", "1.0", 1);
	tu_write(notes, "x", 1); /* not a bundle's name: ignored */
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 2);
	assert_int_equal(s->refused_count, 0);
	assert_true(s->generation >= 1);
	assert_string_equal(s->courses[0]->id, "org.example.ants");
	assert_string_equal(s->courses[1]->id, "org.example.bees");
	c = library_find(s, "org.example.ants");
	assert_ptr_equal(c, s->courses[0]);
	assert_string_equal(c->version, "1.0");
	assert_string_equal(c->path, b_path);
	assert_memory_equal(c->signer, f->pk1.keyid, MINISIGN_KEYID_SIZE);
	assert_false(c->unsigned_preview);
	assert_string_equal(c->course->id, "org.example.ants");
	assert_int_equal(c->refs, 1);
	assert_null(library_find(s, "org.example.cats"));
	assert_null(library_find(s, "org.example"));
	assert_string_equal(library_find(s, "org.example.bees")->version, "2.1");
	/* the handle request threads use, opened on demand */
	pthread_mutex_lock(&c->lock);
	assert_ok(library_use_course(lib, c, &err), err);
	assert_memory_equal(c->manifest_digest, bundle_manifest_digest(c->b), DIGEST_SIZE);
	idx = bundle_find(c->b, "index.html", 10);
	assert_true(idx != BUNDLE_NOT_FOUND);
	assert_ok(bundle_read(c->b, idx, 1 << 20, &data, &len, &err), err);
	library_done_course(c);
	pthread_mutex_unlock(&c->lock);
	assert_contains((const char *)data, "Hello");
	free(data);
	library_release_snapshot(lib, s);
	library_close(lib);
	free(b_path);
	free(notes);
}

static void refuses_an_untrusted_signer(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	char *path = make_course(f->books, "other.sampan", "org.example.other", "1.0", 2);
	const char *paths[1];

	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->refused_count, 1);
	assert_string_equal(s->refused[0].path, path);
	assert_int_equal(s->refused[0].rule, RULE_KEY_UNTRUSTED);
	assert_contains(s->refused[0].reason, "KEY_UNTRUSTED");
	library_release_snapshot(lib, s);
	library_close(lib);

	/* --allow-unsigned: served as a preview, marked so */
	paths[0] = f->books;
	lib = open_paths(f, paths, 1, NULL, true, false);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_int_equal(s->refused_count, 0);
	assert_string_equal(s->courses[0]->id, "org.example.other");
	assert_true(s->courses[0]->unsigned_preview);
	library_release_snapshot(lib, s);
	library_close(lib);
	free(path);
}

static void refuses_tampered_bundles(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	const struct lib_refused *r;
	char *man = make_course(f->books, "manifest.sampan", "org.example.man", "1.0", 1);
	char *sig = make_course(f->books, "signature.sampan", "org.example.sig", "1.0", 1);

	flip_byte(man, entry_offset(man, 1)); /* META-INF/MANIFEST */
	flip_byte(sig, entry_offset(sig, 2)); /* META-INF/MANIFEST.minisig */
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->refused_count, 2);
	r = find_refused(s, man);
	assert_non_null(r);
	assert_true(r->rule == RULE_SIGNATURE_BAD || r->rule == RULE_CRC_MISMATCH ||
	            r->rule == RULE_DEFLATE_INVALID || r->rule == RULE_SIZE_MISMATCH);
	assert_contains(r->reason, bundle_rule_name(r->rule));
	r = find_refused(s, sig);
	assert_non_null(r);
	assert_true(r->rule != RULE_NONE);
	assert_contains(r->reason, bundle_rule_name(r->rule));
	library_release_snapshot(lib, s);
	library_close(lib);
	free(man);
	free(sig);
}

static void refuses_a_file_that_is_not_a_bundle(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	char *x = tu_path(f->books, "x.sampan");

	tu_write(x, "hello, not a zip\n", 17);
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->refused_count, 1);
	assert_string_equal(s->refused[0].path, x);
	assert_int_equal(s->refused[0].rule, RULE_NOT_ZIP);
	assert_contains(s->refused[0].reason, "NOT_ZIP");
	library_release_snapshot(lib, s);
	library_close(lib);
	free(x);
}

static void serves_the_highest_version(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	const struct lib_refused *r;
	char *a = make_course(f->books, "a.sampan", "org.example.pump", "1.9", 1);
	char *b = make_course(f->books, "b.sampan", "org.example.pump", "1.10", 1);
	char *c = tu_path(f->books, "c.sampan");
	unsigned char *data;
	size_t len;

	data = tu_read(b, &len); /* the same bundle twice */
	tu_write(c, data, len);
	free(data);
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_string_equal(s->courses[0]->version, "1.10");
	assert_string_equal(s->courses[0]->path, b);
	assert_int_equal(s->refused_count, 2);
	r = find_refused(s, a);
	assert_non_null(r);
	assert_string_equal(r->reason, "an older version (1.9) than the one served (1.10)");
	assert_int_equal(r->rule, RULE_NONE);
	r = find_refused(s, c);
	assert_non_null(r);
	assert_string_equal(r->reason, "a copy: version 1.10 is already served from b.sampan");
	library_release_snapshot(lib, s);
	/* nothing changed: the same snapshot, though 1.10 is now remembered */
	library_rescan(lib);
	assert_ptr_equal(library_snapshot(lib), s);
	library_release_snapshot(lib, s);

	/* the winner goes: the next one is served, opened only now */
	assert_int_equal(unlink(b), 0);
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_string_equal(s->courses[0]->path, c);
	assert_non_null(s->courses[0]->course);
	assert_string_equal(find_refused(s, a)->reason,
	                    "an older version (1.9) than the one served (1.10)");
	library_release_snapshot(lib, s);
	library_close(lib);
	free(a);
	free(b);
	free(c);
}

/*
 * Two bundles of one version with other content: a conflict, neither
 * served, each refused naming the other (format-spec/bundle-v1.md, 14.4);
 * the older version is not served in their place.  A copy signed by
 * another trusted key is a copy, not a conflict.
 */
static void refuses_both_of_a_conflict(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	const struct lib_refused *r;
	char *a = make_course(f->books, "a.sampan", "org.example.pump", "2", 1);
	char *b = make_course_with(f->books, "b.sampan", "org.example.pump", "2", 1,
	                           "<!doctype html><title>Intro</title><p>Oil.</p>\n");
	char *old = make_course(f->books, "old.sampan", "org.example.pump", "1", 1);
	char *other = make_course(f->books, "other.sampan", "org.example.valve", "1", 1);
	char *copy = make_course(f->books, "copy.sampan", "org.example.valve", "1", 2);
	struct bundle_error err;

	assert_ok(trust_add(&f->trust, &f->pk2, &err), err); /* both publishers trusted */
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_string_equal(s->courses[0]->id, "org.example.valve");
	assert_string_equal(s->courses[0]->path, copy); /* the first by path */
	assert_int_equal(s->refused_count, 4);
	r = find_refused(s, a);
	assert_non_null(r);
	assert_string_equal(r->reason,
	                    "conflict: version 2 of org.example.pump is also in b.sampan "
	                    "with other content; none is served until one is removed");
	assert_int_equal(r->rule, RULE_NONE);
	r = find_refused(s, b);
	assert_non_null(r);
	assert_string_equal(r->reason,
	                    "conflict: version 2 of org.example.pump is also in a.sampan "
	                    "with other content; none is served until one is removed");
	r = find_refused(s, old);
	assert_non_null(r);
	assert_string_equal(r->reason, "an older version (1) than 2, which is in conflict");
	r = find_refused(s, other);
	assert_non_null(r);
	assert_string_equal(r->reason, "a copy: version 1 is already served from copy.sampan");
	library_release_snapshot(lib, s);

	/* the wrong one taken away: the other is served */
	assert_int_equal(unlink(b), 0);
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 2);
	assert_string_equal(s->courses[0]->path, a);
	library_release_snapshot(lib, s);
	library_close(lib);
	free(a);
	free(b);
	free(old);
	free(other);
	free(copy);
}

static void rescans_see_added_removed_and_replaced_bundles(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	uint64_t gen;
	char *a = make_course(f->books, "a.sampan", "org.example.a", "1.0", 1);
	char *b;

	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	gen = s->generation;
	library_release_snapshot(lib, s);

	b = make_course(f->books, "b.sampan", "org.example.b", "1.0", 1);
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 2);
	assert_true(s->generation > gen);
	gen = s->generation;
	library_release_snapshot(lib, s);

	assert_int_equal(unlink(a), 0);
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_string_equal(s->courses[0]->id, "org.example.b");
	assert_int_equal(s->refused_count, 0);
	assert_true(s->generation > gen);
	gen = s->generation;
	library_release_snapshot(lib, s);

	free(make_course(f->books, "b.sampan", "org.example.b", "1.1", 1)); /* renamed into place */
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_string_equal(s->courses[0]->version, "1.1");
	assert_int_equal(s->refused_count, 0);
	assert_true(s->generation > gen);
	library_release_snapshot(lib, s);
	library_close(lib);
	free(a);
	free(b);
}

#define MANY 200

static void unchanged_rescan_is_stat_only(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s1, *s2;
	struct timespec times[2];
	struct stat sb;
	double t0, t1;
	char name[64], id[64];
	char *victim, *broken = tu_path(f->books, "zz-broken.sampan");

	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "d%d/c%03d.sampan", i % 7, i);
		snprintf(id, sizeof(id), "org.example.c%03d", i);
		add_course(f->books, name, id, "1.0", 1);
	}
	tu_write(broken, "PK", 2);
	lib = open_books(f);
	s1 = library_snapshot(lib);
	assert_int_equal(s1->count, MANY);
	assert_int_equal(s1->refused_count, 1);

	t0 = now_seconds();
	library_rescan(lib);
	t1 = now_seconds();
	print_message("rescan of %d unchanged bundles: %.2f ms\n", MANY + 1, (t1 - t0) * 1000);
	assert_true(t1 - t0 < 2.0);
	s2 = library_snapshot(lib);
	assert_ptr_equal(s1, s2); /* nothing changed: the same snapshot */
	assert_int_equal(s2->generation, s1->generation);
	library_release_snapshot(lib, s2);

	/*
	 * Change a bundle's bytes but keep its size and time: a rescan does not
	 * notice, because it does not read (the lazy content checks would).
	 */
	victim = tu_path(f->books, "d0/c000.sampan");
	assert_int_equal(stat(victim, &sb), 0);
	flip_byte(victim, entry_offset(victim, 1));
	times[0] = sb.st_atim;
	times[1] = sb.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, victim, times, 0), 0);
	library_rescan(lib);
	s2 = library_snapshot(lib);
	assert_ptr_equal(s1, s2);
	library_release_snapshot(lib, s2);
	/* a new time: looked at again, and refused */
	times[1].tv_sec -= 10;
	assert_int_equal(utimensat(AT_FDCWD, victim, times, 0), 0);
	library_rescan(lib);
	s2 = library_snapshot(lib);
	assert_int_equal(s2->count, MANY - 1);
	assert_true(s2->generation > s1->generation);
	assert_non_null(find_refused(s2, victim));
	/* the courses that did not change are the same objects, now in two snapshots */
	assert_ptr_equal(library_find(s2, "org.example.c001"),
	                 library_find(s1, "org.example.c001"));
	assert_int_equal(library_find(s2, "org.example.c001")->refs, 2);
	library_release_snapshot(lib, s2);
	library_release_snapshot(lib, s1);
	library_close(lib);
	free(victim);
	free(broken);
}

static void downgrades_are_remembered(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	char *path = make_course(f->books, "x.sampan", "org.example.x", "2.0", 1);
	char *store = tu_path(f->cache, "versions.tsv");
	char hex[MINISIGN_KEYID_HEX_SIZE];
	char line[128];
	const char *paths[1];
	unsigned char *text;
	struct stat sb;
	struct bundle_error err;

	lib = open_books(f); /* makes the cache folder */
	assert_int_equal(stat(f->cache, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0755);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	library_release_snapshot(lib, s);
	library_close(lib);
	minisign_keyid_hex(f->pk1.keyid, hex);
	snprintf(line, sizeof(line), "org.example.x\t%s\t2.0\n", hex);
	text = tu_read(store, NULL);
	assert_string_equal((char *)text, line);
	free(text);

	free(make_course(f->books, "x.sampan", "org.example.x", "1.0", 1));
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->refused_count, 1);
	assert_string_equal(s->refused[0].path, path);
	assert_string_equal(s->refused[0].reason, "downgrade: version 1.0 is older than 2.0, "
	                                          "seen before");
	assert_int_equal(s->refused[0].rule, RULE_NONE);
	library_release_snapshot(lib, s);
	library_rescan(lib);
	assert_ptr_equal(library_snapshot(lib), s);
	library_release_snapshot(lib, s);
	library_close(lib);

	/* --allow-downgrade serves it, and the memory keeps 2.0 */
	paths[0] = f->books;
	lib = open_paths(f, paths, 1, f->cache, false, true);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_string_equal(s->courses[0]->version, "1.0");
	library_release_snapshot(lib, s);
	library_close(lib);
	text = tu_read(store, NULL);
	assert_string_equal((char *)text, line);
	free(text);

	/* within one library: 3.0 served, then 1.0 put back is refused */
	free(make_course(f->books, "x.sampan", "org.example.x", "3.0", 1));
	lib = open_books(f);
	free(make_course(f->books, "x.sampan", "org.example.x", "1.0", 1));
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_string_equal(s->refused[0].reason, "downgrade: version 1.0 is older than 3.0, "
	                                          "seen before");
	library_release_snapshot(lib, s);
	library_close(lib);

	/* the memory is per signer: key 2's 1.0 is no downgrade of key 1's 3.0 */
	assert_ok(trust_add(&f->trust, &f->pk2, &err), err);
	free(make_course(f->books, "x.sampan", "org.example.x", "1.0", 2));
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_memory_equal(s->courses[0]->signer, f->pk2.keyid, MINISIGN_KEYID_SIZE);
	library_release_snapshot(lib, s);
	library_close(lib);
	free(path);
	free(store);
}

static void the_store_ignores_malformed_lines(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	char *cache = tu_path(f->dir, "deep/er/cache");
	char *store = tu_path(cache, "versions.tsv");
	char hex[MINISIGN_KEYID_HEX_SIZE], lower[MINISIGN_KEYID_HEX_SIZE];
	char text[2048], longline[700];
	const char *paths[1];
	unsigned char *after;

	minisign_keyid_hex(f->pk1.keyid, hex);
	memcpy(lower, hex, sizeof(lower));
	for (size_t i = 0; i < sizeof(lower); i++)
		if (lower[i] >= 'A' && lower[i] <= 'F')
			lower[i] = (char)(lower[i] - 'A' + 'a');
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	snprintf(text, sizeof(text),
	         "no tabs at all\n"
	         "org.example.y\tNOTHEX\t9.0\n"
	         "Bad Id\t%s\t9.0\n"
	         "org.example.y\t%s\t01.0\n"
	         "org.example.y\t%s\t9.0\textra\n"
	         "%s\t%s\t9.0\n"
	         "\n"
	         "org.example.y\t%s\t3.0\r\n"
	         "org.example.z\t%s\t5",
	         hex, hex, hex, longline, hex, lower, hex);
	tu_write(store, text, strlen(text));
	add_course(f->books, "y.sampan", "org.example.y", "2.0", 1);
	add_course(f->books, "z.sampan", "org.example.z", "6.0", 1);
	paths[0] = f->books;
	lib = open_paths(f, paths, 1, cache, false, false);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1); /* z 6.0 */
	assert_string_equal(s->courses[0]->id, "org.example.z");
	assert_int_equal(s->refused_count, 1); /* y 2.0 < 3.0, from the lower-case line */
	assert_string_equal(s->refused[0].reason, "downgrade: version 2.0 is older than 3.0, "
	                                          "seen before");
	library_release_snapshot(lib, s);
	library_close(lib);
	/* rewritten because z rose: only the two good lines remain */
	after = tu_read(store, NULL);
	snprintf(text, sizeof(text), "org.example.y\t%s\t3.0\norg.example.z\t%s\t6.0\n", hex, hex);
	assert_string_equal((char *)after, text);
	free(after);
	free(store);
	free(cache);
}

static void held_snapshots_survive_rescans(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *old, *s;
	struct lib_course *c;
	struct bundle_error err;
	unsigned char *data;
	size_t len;
	char *a = make_course(f->books, "a.sampan", "org.example.a", "1.0", 1);

	lib = open_books(f);
	old = library_snapshot(lib);
	assert_int_equal(old->count, 1);
	/* a response is using the course when its file goes away */
	c = old->courses[0];
	pthread_mutex_lock(&c->lock);
	assert_ok(library_use_course(lib, c, &err), err);
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(unlink(a), 0);
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_true(s->generation > old->generation);
	library_release_snapshot(lib, s);
	library_rescan(lib); /* and once more, with old still held */
	library_close_idle(lib, 0, 64);

	/* the old snapshot, its course and its open bundle are all still there */
	assert_string_equal(c->id, "org.example.a");
	assert_string_equal(c->version, "1.0");
	pthread_mutex_lock(&c->lock);
	assert_ok(
	        bundle_read(c->b, bundle_find(c->b, "index.html", 10), 1 << 20, &data, &len, &err),
	        err);
	library_done_course(c);
	pthread_mutex_unlock(&c->lock);
	free(data);

	/* once closed, a course whose file is gone cannot be used again */
	pthread_mutex_lock(&c->lock);
	bundle_close(c->b);
	c->b = NULL;
	assert_int_not_equal(library_use_course(lib, c, &err), BUNDLE_OK);
	pthread_mutex_unlock(&c->lock);
	assert_contains(err.message, "cannot open");
	library_release_snapshot(lib, old);
	library_close(lib);
	free(a);
}

static void symbolic_link_loops_do_not_hang(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	const struct lib_refused *r;
	char *a = make_course(f->books, "sub/a.sampan", "org.example.a", "1.0", 1);
	char *loop = tu_path(f->books, "loop");
	char *up = tu_path(f->books, "sub/up");
	char *self = tu_path(f->books, "self.sampan");
	char *link = tu_path(f->books, "link.sampan");

	assert_int_equal(symlink(".", loop), 0);
	assert_int_equal(symlink("..", up), 0);
	assert_int_equal(symlink("self.sampan", self), 0);
	assert_int_equal(symlink("sub/a.sampan", link), 0);
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_string_equal(s->courses[0]->path, a);
	assert_int_equal(s->refused_count, 2);
	r = find_refused(s, self);
	assert_non_null(r);
	assert_contains(r->reason, "symbolic link");
	assert_non_null(find_refused(s, link));
	library_release_snapshot(lib, s);
	library_close(lib);
	free(a);
	free(loop);
	free(up);
	free(self);
	free(link);
}

static void a_missing_path_is_refused(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	char *missing = tu_path(f->dir, "no-such-folder");
	const char *paths[2];

	add_course(f->books, "a.sampan", "org.example.a", "1.0", 1);
	paths[0] = missing;
	paths[1] = f->books;
	lib = open_paths(f, paths, 2, NULL, false, false);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 1);
	assert_int_equal(s->refused_count, 1);
	assert_string_equal(s->refused[0].path, missing);
	assert_contains(s->refused[0].reason, strerror(ENOENT));
	assert_int_equal(s->refused[0].rule, RULE_NONE);
	library_release_snapshot(lib, s);
	/* still missing: nothing changed */
	library_rescan(lib);
	s = library_snapshot(lib);
	assert_int_equal(s->generation, 1);
	library_release_snapshot(lib, s);
	library_close(lib);
	free(missing);
}

static void what_a_walk_takes(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	char *direct = make_course(f->dir, "direct.sampan", "org.example.direct", "1.0", 1);
	char *zip = make_course(f->dir, "course.zip", "org.example.zip", "1.0", 1);
	char *upper;
	const char *paths[4];

	add_course(f->books, "d1/d2/d3/deep.sampan", "org.example.deep", "1.0", 1);
	add_course(f->books, "d1/d2/d3/d4/deeper.sampan", "org.example.deeper", "1.0", 1);
	add_course(f->books, ".hidden/h.sampan", "org.example.hidden", "1.0", 1);
	add_course(f->books, ".dot.sampan", "org.example.dot", "1.0", 1);
	upper = make_course(f->books, "UPPER.SAMPAN", "org.example.upper", "1.0", 1);
	add_course(f->books, "other.zip", "org.example.other", "1.0", 1);
	paths[0] = f->books;
	paths[1] = direct;
	paths[2] = zip;
	paths[3] = upper; /* also found in the folder: one candidate */
	lib = open_paths(f, paths, 4, NULL, false, false);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 3);
	assert_non_null(library_find(s, "org.example.deep"));
	assert_non_null(library_find(s, "org.example.direct"));
	assert_non_null(library_find(s, "org.example.upper"));
	assert_int_equal(s->refused_count, 1);
	assert_string_equal(s->refused[0].path, zip);
	assert_contains(s->refused[0].reason, ".sampan");
	library_release_snapshot(lib, s);
	library_close(lib);
	free(direct);
	free(zip);
	free(upper);
}

static void without_trust_everything_is_refused(void **state)
{
	struct fixture *f = *state;
	struct library_options o;
	struct library *lib;
	struct lib_snapshot *s;
	struct bundle_error err;
	const char *paths[1];

	add_course(f->books, "a.sampan", "org.example.a", "1.0", 1);
	paths[0] = f->books;
	memset(&o, 0, sizeof(o));
	o.paths = paths;
	o.paths_count = 1;
	assert_ok(library_open(&o, &lib, &err), err);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->refused[0].rule, RULE_KEY_UNTRUSTED);
	library_release_snapshot(lib, s);
	library_close(lib);

	/* nothing to serve is no error */
	o.paths_count = 0;
	o.trust = &f->trust;
	assert_ok(library_open(&o, &lib, &err), err);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->refused_count, 0);
	library_release_snapshot(lib, s);
	library_close(lib);

	/* a cache folder that cannot be made is the options' problem */
	tu_write(f->cache, "a file", 6);
	o.cache_dir = f->cache;
	assert_int_equal(library_open(&o, &lib, &err), BUNDLE_IO);
	assert_null(lib);
	assert_contains(err.message, f->cache);
}

static void at_most_ten_thousand_bundles(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	char name[64];
	char *path;

	/* not bundles: cheap to refuse, and each counts */
	for (int i = 0; i <= 10000; i++) {
		snprintf(name, sizeof(name), "d%02d/f%05d.sampan", i / 500, i);
		path = tu_path(f->books, name);
		tu_write(path, "x", 1);
		free(path);
	}
	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 0);
	assert_int_equal(s->refused_count, 10001);
	assert_int_equal(s->refused[9999].rule, RULE_NOT_ZIP);
	assert_contains(s->refused[10000].path, "f10000.sampan");
	assert_contains(s->refused[10000].reason, "too many bundles");
	library_release_snapshot(lib, s);
	library_close(lib);
}

struct racer {
	struct library *lib;
	int rounds;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < r->rounds; i++) {
		struct lib_snapshot *s = library_snapshot(r->lib);
		struct lib_course *c = library_find(s, "org.example.a");
		if (i % 3 == 0)
			library_rescan(r->lib);
		if (c && strcmp(c->id, "org.example.a") != 0)
			abort();
		library_release_snapshot(r->lib, s);
	}
	return NULL;
}

static void rescans_and_readers_run_together(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct racer r;
	pthread_t t[4];
	char *b;

	add_course(f->books, "a.sampan", "org.example.a", "1.0", 1);
	lib = open_books(f);
	r.lib = lib;
	r.rounds = 60;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r), 0);
	for (int i = 0; i < 5; i++) {
		char name[32], id[32];
		snprintf(name, sizeof(name), "b%d.sampan", i);
		snprintf(id, sizeof(id), "org.example.b%d", i);
		b = make_course(f->books, name, id, "1.0", 1);
		library_rescan(lib);
		if (i % 2 == 1)
			unlink(b);
		free(b);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	library_rescan(lib);
	{
		struct lib_snapshot *s = library_snapshot(lib);
		assert_int_equal(s->count, 4); /* a, b0, b2, b4 */
		library_release_snapshot(lib, s);
	}
	library_close(lib);
}

/* Bundles are opened when a request needs them and closed again when idle. */
static void opens_lazily_and_closes_idle(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	struct lib_course *c;
	struct bundle_error err;
	char *path = make_course(f->books, "lazy.sampan", "org.example.lazy", "1.0", 1);

	lib = open_books(f);
	s = library_snapshot(lib);
	c = library_find(s, "org.example.lazy");
	assert_non_null(c);
	assert_null(c->b); /* closed after the scan: memory stays flat */
	assert_non_null(c->course);
	assert_string_equal(c->course->id, "org.example.lazy");
	pthread_mutex_lock(&c->lock);
	assert_ok(library_use_course(lib, c, &err), err);
	assert_non_null(c->b);
	assert_int_equal(c->users, 1);
	pthread_mutex_unlock(&c->lock);
	library_close_idle(lib, 0, 64);
	assert_non_null(c->b); /* in use: kept */
	pthread_mutex_lock(&c->lock);
	library_done_course(c);
	pthread_mutex_unlock(&c->lock);
	library_close_idle(lib, 3600, 64);
	assert_non_null(c->b); /* used a moment ago: kept */
	library_close_idle(lib, 0, 64);
	assert_null(c->b);
	/* the file changed since the scan: not reopened until a scan looks again */
	tu_write(path, "changed", 7);
	pthread_mutex_lock(&c->lock);
	assert_int_not_equal(library_use_course(lib, c, &err), BUNDLE_OK);
	assert_contains(err.message, "changed on disk");
	assert_null(c->b);
	pthread_mutex_unlock(&c->lock);
	library_release_snapshot(lib, s);
	library_close(lib);
	free(path);
}

static void at_most_max_open_bundles_stay_open(void **state)
{
	struct fixture *f = *state;
	struct library *lib;
	struct lib_snapshot *s;
	struct lib_course *c[3];
	struct bundle_error err;
	char *paths[3] = {
		make_course(f->books, "x.sampan", "org.example.x", "1.0", 1),
		make_course(f->books, "y.sampan", "org.example.y", "1.0", 1),
		make_course(f->books, "z.sampan", "org.example.z", "1.0", 1),
	};

	lib = open_books(f);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 3);
	/* used in the order z, x, y; y is still in use */
	c[0] = library_find(s, "org.example.z");
	c[1] = library_find(s, "org.example.x");
	c[2] = library_find(s, "org.example.y");
	for (size_t i = 0; i < 3; i++) {
		pthread_mutex_lock(&c[i]->lock);
		assert_ok(library_use_course(lib, c[i], &err), err);
		if (i < 2)
			library_done_course(c[i]);
		pthread_mutex_unlock(&c[i]->lock);
	}
	library_close_idle(lib, 3600, 2);
	assert_null(c[0]->b); /* the longest unused goes first */
	assert_non_null(c[1]->b);
	assert_non_null(c[2]->b);
	library_close_idle(lib, 3600, 0);
	assert_null(c[1]->b);
	assert_non_null(c[2]->b); /* in use: never closed */
	pthread_mutex_lock(&c[2]->lock);
	library_done_course(c[2]);
	pthread_mutex_unlock(&c[2]->lock);
	library_close_idle(lib, 3600, 0);
	assert_null(c[2]->b);
	library_release_snapshot(lib, s);
	library_close(lib);
	for (size_t i = 0; i < 3; i++)
		free(paths[i]);
}

/*
 * With max_open, a visit to every course leaves no more than that open:
 * opening one closes the longest unused, never one in use.
 */
static void opening_past_max_open_closes_the_longest_unused(void **state)
{
	struct fixture *f = *state;
	struct library_options o;
	struct library *lib = NULL;
	struct lib_snapshot *s;
	struct bundle_error err;
	const char *paths[1] = { f->books };
	struct lib_course *held;
	size_t open = 0;

	for (int i = 0; i < 8; i++) {
		char name[32], id[32];
		snprintf(name, sizeof(name), "c%d.sampan", i);
		snprintf(id, sizeof(id), "org.example.c%d", i);
		add_course(f->books, name, id, "1.0", 1);
	}
	memset(&o, 0, sizeof(o));
	o.paths = paths;
	o.paths_count = 1;
	o.trust = &f->trust;
	o.max_open = 2;
	assert_ok(library_open(&o, &lib, &err), err);
	s = library_snapshot(lib);
	assert_int_equal(s->count, 8);
	/* the first is kept in use throughout; the others are used one after another */
	held = s->courses[0];
	pthread_mutex_lock(&held->lock);
	assert_ok(library_use_course(lib, held, &err), err);
	pthread_mutex_unlock(&held->lock);
	for (size_t i = 1; i < s->count; i++) {
		struct lib_course *c = s->courses[i];
		pthread_mutex_lock(&c->lock);
		assert_ok(library_use_course(lib, c, &err), err);
		library_done_course(c);
		pthread_mutex_unlock(&c->lock);
	}
	for (size_t i = 0; i < s->count; i++)
		open += s->courses[i]->b != NULL;
	assert_int_equal(open, 2); /* the one in use, and the one opened last */
	assert_non_null(held->b); /* in use: never closed */
	assert_non_null(s->courses[s->count - 1]->b);
	pthread_mutex_lock(&held->lock);
	library_done_course(held);
	pthread_mutex_unlock(&held->lock);
	library_release_snapshot(lib, s);
	library_close(lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(opening_past_max_open_closes_the_longest_unused,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(opens_lazily_and_closes_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(at_most_max_open_bundles_stay_open, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(serves_the_bundles_of_a_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_both_of_a_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_an_untrusted_signer, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_tampered_bundles, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_a_file_that_is_not_a_bundle, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(serves_the_highest_version, setup, teardown),
		cmocka_unit_test_setup_teardown(rescans_see_added_removed_and_replaced_bundles,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(unchanged_rescan_is_stat_only, setup, teardown),
		cmocka_unit_test_setup_teardown(downgrades_are_remembered, setup, teardown),
		cmocka_unit_test_setup_teardown(the_store_ignores_malformed_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(held_snapshots_survive_rescans, setup, teardown),
		cmocka_unit_test_setup_teardown(symbolic_link_loops_do_not_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(a_missing_path_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(what_a_walk_takes, setup, teardown),
		cmocka_unit_test_setup_teardown(without_trust_everything_is_refused, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(at_most_ten_thousand_bundles, setup, teardown),
		cmocka_unit_test_setup_teardown(rescans_and_readers_run_together, setup, teardown),
	};
	return cmocka_run_group_tests_name("library", tests, NULL, NULL);
}

/*
 * test_entry.c - a course's files served straight out of its bundle
 * (player/entry.c): the bytes sent are the bytes the signed manifest
 * vouches for; a bundle changed in place after it was verified (the same
 * size, the same time) sends none of the changed bytes, only an error;
 * and what is not there, or is no name a bundle may hold, is a 404 or a
 * 400 page.
 */
#define _GNU_SOURCE /* memmem */
#include "testutil.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "entry.h"
#include "library.h"
#include "trust.h"
#include "vcache.h"

#define MiB (1024u * 1024)
#define ID "org.example.pump"

static char *dir, *books, *pump_path;
static struct trust trust;
static struct library *lib;
static struct vcache *vc;

static int setup(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	struct library_options lo;
	const char *paths[1];

	tu_sodium_setup(state);
	dir = tu_tempdir();
	books = tu_path(dir, "books");
	assert_int_equal(mkdir(books, 0755), 0);
	pump_path = tu_path(books, "pump.sampan");
	tu_make_bundle(pump_path, 1, 3 * MiB + 17);
	tu_key(1, &sk, &pk);
	minisign_seckey_free(sk);
	trust_init(&trust);
	assert_ok(trust_add(&trust, &pk, &err), err);
	memset(&lo, 0, sizeof(lo));
	paths[0] = books;
	lo.paths = paths;
	lo.paths_count = 1;
	lo.trust = &trust;
	assert_ok(library_open(&lo, &lib, &err), err);
	vc = vcache_new(8 * MiB);
	assert_non_null(vc);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vcache_free(vc);
	library_close(lib);
	trust_release(&trust);
	tu_rmrf(dir);
	free(dir);
	free(books);
	free(pump_path);
	return 0;
}

static const char *range_value;

static const char *no_arg(const struct request *rq, const char *name)
{
	(void)rq;
	(void)name;
	return NULL;
}

/* Only a Range header, when the test sets one. */
static const char *range_only(const struct request *rq, const char *name)
{
	(void)rq;
	return strcasecmp(name, "Range") == 0 ? range_value : NULL;
}

static void serve(const char *rest, struct reply *r)
{
	struct request rq = { 0 };

	rq.method = "GET";
	rq.url = rest;
	rq.header = range_only;
	rq.arg = no_arg;
	reply_init(r);
	entry_serve(lib, vc, &rq, ID, rest, r);
}

/* What the reply sends, until its end or an error: malloc'd, *len bytes; *broke on an error. */
static unsigned char *sent(struct reply *r, size_t *len, bool *broke)
{
	unsigned char *out = malloc(r->len + 1);
	size_t all;

	assert_non_null(out);
	*broke = false;
	*len = 0;
	if (r->body == REPLY_PIECE) {
		*len = (size_t)r->len;
		memcpy(out, vcache_piece_data(r->piece, &all) + r->off, *len);
	} else if (r->body == REPLY_BUFFER) {
		*len = (size_t)r->len;
		memcpy(out, r->data, *len);
	} else if (r->body == REPLY_STREAM) {
		ssize_t n;
		while ((n = r->read(r->cls, *len, (char *)out + *len, 65536)) > 0)
			*len += (size_t)n;
		*broke = n == REPLY_STREAM_ERROR;
	}
	return out;
}

/* The entry's bytes as the bundle holds them, read and checked apart from the server. */
static unsigned char *checked_bytes(const char *name, size_t *len)
{
	struct bundle *b;
	struct bundle_error err;
	unsigned char *data;
	size_t i;

	assert_ok(bundle_open(pump_path, &b, &err), err);
	assert_ok(bundle_verify(b, &trust, &err), err);
	i = bundle_find(b, name, strlen(name));
	assert_true(i != BUNDLE_NOT_FOUND);
	assert_ok(bundle_read(b, i, 16 * MiB, &data, len, &err), err);
	bundle_close(b);
	return data;
}

static void what_is_sent_is_what_was_checked(void **state)
{
	static const char *const names[] = { "index.html", "lessons/01-intro.html",
		                             "media/video.mp4" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct reply r;
		size_t want_len, len;
		bool broke;
		unsigned char *want = checked_bytes(names[i], &want_len), *got;

		serve(names[i], &r);
		if (r.status != 200)
			fail_msg("%s: status %u", names[i], r.status);
		got = sent(&r, &len, &broke);
		assert_false(broke);
		assert_int_equal(len, want_len);
		assert_memory_equal(got, want, len);
		reply_release(&r);
		free(got);
		free(want);
	}
}

static void missing_or_impossible_names_are_pages(void **state)
{
	static const struct {
		const char *id, *rest;
		unsigned status;
	} rows[] = {
		{ ID, "lessons/99-none.html", 404 },       { ID, "INDEX.HTML", 404 },
		{ "org.example.none", "index.html", 404 }, { ID, "../pump.sampan", 400 },
		{ ID, "lessons/%2e%2e/index.html", 400 },  { ID, "lessons\\01-intro.html", 400 },
		{ ID, "META-INF/MANIFEST.minisig", 404 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct request rq = { 0 };
		struct reply r;

		rq.method = "GET";
		rq.url = rows[i].rest;
		rq.header = range_only;
		rq.arg = no_arg;
		reply_init(&r);
		entry_serve(lib, vc, &rq, rows[i].id, rows[i].rest, &r);
		if (r.status != rows[i].status)
			fail_msg("%s/%s: %u, want %u", rows[i].id, rows[i].rest, r.status,
			         rows[i].status);
		/* a page a person can read, in the interface language */
		assert_non_null(reply_get_header(&r, "Content-Type"));
		assert_true(strncmp(reply_get_header(&r, "Content-Type"), "text/html", 9) == 0);
		reply_release(&r);
	}
}

static void changed_bytes_are_never_sent(void **state)
{
	struct reply r;
	struct stat sb;
	struct timespec times[2];
	size_t want_len, len;
	bool broke;
	unsigned char *want = checked_bytes("media/video.mp4", &want_len), *got, *file;
	size_t file_len, at;
	char *log;

	(void)state;
	/* the third MiB of the video changed in place, its size and time kept */
	assert_int_equal(stat(pump_path, &sb), 0);
	file = tu_read(pump_path, &file_len);
	for (at = 0; at + 64 <= file_len && memcmp(file + at, want + 2 * MiB + 100, 64) != 0; at++)
		;
	assert_true(at + 64 <= file_len);
	file[at] ^= 0xff;
	tu_write(pump_path, file, file_len);
	times[0] = sb.st_atim;
	times[1] = sb.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, pump_path, times, 0), 0);

	/* nothing of the video kept from the tests before: it must be read again */
	vcache_free(vc);
	vc = vcache_new(8 * MiB);
	assert_non_null(vc);
	/* the whole video: what goes out before the changed chunk is right, then it stops */
	tu_stderr_begin();
	serve("media/video.mp4", &r);
	got = sent(&r, &len, &broke);
	log = tu_stderr_end();
	/* and the log says which file, entry and chunk */
	assert_non_null(strstr(log, pump_path));
	assert_non_null(strstr(log, "'media/video.mp4': chunk 2"));
	assert_non_null(strstr(log, "CHUNK_MISMATCH"));
	free(log);
	if (r.status == 200) {
		assert_true(broke);
		assert_true(len <= 2 * MiB + 100);
		assert_memory_equal(got, want, len);
	} else {
		assert_int_equal(r.status, 500);
	}
	reply_release(&r);
	free(got);

	/* a Range in the changed chunk: an error page, none of its bytes */
	range_value = "bytes=2097252-2097300";
	tu_stderr_begin();
	serve("media/video.mp4", &r);
	free(tu_stderr_end());
	assert_int_equal(r.status, 500);
	got = sent(&r, &len, &broke);
	assert_null(memmem(got, len, file + at, 8));
	reply_release(&r);
	free(got);
	range_value = NULL;

	/* the rest of the course is still served */
	serve("index.html", &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	free(file);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_is_sent_is_what_was_checked),
		cmocka_unit_test(missing_or_impossible_names_are_pages),
		cmocka_unit_test(changed_bytes_are_never_sent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

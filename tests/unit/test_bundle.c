/*
 * test_bundle.c - reading bundles (bundle/bundle.c): open, verify, find,
 * read whole, by range and by chunk, raw deflate for gzip from the memory
 * it was checked in, lazy checking that catches a changed byte wherever
 * and whenever it is read (no check is remembered), reads from several
 * threads at once, and every error path of the public functions.
 */
#include "testutil.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bfile.h"
#include "bundle.h"
#include "format.h"
#include "trust.h"

#define VIDEO_SIZE (2 * 1048576 + 4321)

struct fixture {
	char *dir;
	char *path;
	struct trust trust;
	struct minisign_pubkey pk;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct minisign_seckey *sk;
	struct bundle_error err;

	f->dir = tu_tempdir();
	f->path = tu_path(f->dir, "course.sampan");
	tu_make_bundle(f->path, 1, VIDEO_SIZE);
	tu_key(1, &sk, &f->pk);
	minisign_seckey_free(sk);
	trust_init(&f->trust);
	if (trust_add(&f->trust, &f->pk, &err) != BUNDLE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	trust_release(&f->trust);
	tu_rmrf(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static struct bundle *open_verified(const char *path, const struct trust *trust)
{
	struct bundle *b;
	struct bundle_error err;

	assert_ok(bundle_open(path, &b, &err), err);
	assert_ok(bundle_verify(b, trust, &err), err);
	return b;
}

/* The same pseudo-random bytes tu_make_bundle writes. */
static unsigned char *video_bytes(void)
{
	unsigned char *v = malloc(VIDEO_SIZE);
	uint32_t x = 2463534242u;

	assert_non_null(v);
	for (size_t i = 0; i < VIDEO_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		v[i] = (unsigned char)x;
	}
	return v;
}

static void lists_entries_in_format_order(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	static const char *const want[] = {
		"mimetype",
		"META-INF/MANIFEST",
		"META-INF/MANIFEST.minisig",
		"META-INF/chunks",
		"META-INF/course.json",
		"index.html",
		"lessons/01-intro.html",
		"media/video.mp4",
	};
	struct bundle_entry e;

	assert_int_equal(bundle_count(b), 8);
	for (size_t i = 0; i < 8; i++) {
		bundle_entry(b, i, &e);
		assert_string_equal(e.name, want[i]);
		assert_int_equal(bundle_find(b, want[i], strlen(want[i])), i);
	}
	assert_int_equal(bundle_find(b, "nope.html", 9), BUNDLE_NOT_FOUND);
	assert_int_equal(bundle_find(b, "INDEX.HTML", 10), BUNDLE_NOT_FOUND);
	bundle_entry(b, 7, &e);
	assert_string_equal(e.media_type, "video/mp4");
	assert_int_equal(e.method, 0);
	assert_int_equal(e.size, VIDEO_SIZE);
	assert_non_null(e.digest);
	bundle_close(b);
}

static void metadata_after_verify(void **state)
{
	struct fixture *f = *state;
	struct bundle *b;
	struct bundle_error err;
	const struct course *c;

	assert_ok(bundle_open(f->path, &b, &err), err);
	assert_false(bundle_is_verified(b));
	assert_null(bundle_course(b));
	assert_null(bundle_manifest_digest(b));
	assert_ok(bundle_verify(b, &f->trust, &err), err);
	assert_true(bundle_is_verified(b));
	c = bundle_course(b);
	assert_non_null(c);
	assert_string_equal(c->id, "org.example.pump");
	assert_string_equal(c->version, "1.2");
	assert_string_equal(bundle_manifest(b)->id, "org.example.pump");
	assert_string_equal(bundle_manifest(b)->title, "Water pump maintenance");
	assert_memory_equal(bundle_signer(b), f->pk.keyid, MINISIGN_KEYID_SIZE);
	assert_non_null(bundle_manifest_digest(b));
	assert_string_equal(bundle_path(b), f->path);
	assert_true(bundle_fd(b) >= 0);
	assert_true(bundle_file_size(b) > VIDEO_SIZE);
	/* verifying again is harmless */
	assert_ok(bundle_verify(b, &f->trust, &err), err);
	bundle_close(b);
}

static void reads_whole_entries(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_error err;
	unsigned char *data, *video = video_bytes();
	size_t len;

	assert_ok(bundle_read(b, bundle_find(b, "index.html", 10), 1 << 20, &data, &len, &err),
	          err);
	assert_non_null(strstr((char *)data, "<h1>Pumps</h1>"));
	free(data);
	assert_ok(bundle_read(b, 7, VIDEO_SIZE, &data, &len, &err), err);
	assert_int_equal(len, VIDEO_SIZE);
	assert_memory_equal(data, video, VIDEO_SIZE);
	free(data);
	/* a limit smaller than the entry is the caller's mistake */
	assert_int_equal(bundle_read(b, 7, 1000, &data, &len, &err), BUNDLE_USAGE);
	assert_null(data);
	assert_int_equal(bundle_read(b, 99, 1000, &data, &len, &err), BUNDLE_USAGE);
	free(video);
	bundle_close(b);
}

static void reads_ranges_across_chunks(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_error err;
	unsigned char *video = video_bytes(), *buf = malloc(VIDEO_SIZE);
	static const uint64_t offs[] = { 0, 1, 1048575, 1048576, 2097151, VIDEO_SIZE - 1 };

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t len = (size_t)(VIDEO_SIZE - offs[i] < 5000 ? VIDEO_SIZE - offs[i] : 5000);
		assert_ok(bundle_read_range(b, 7, offs[i], len, buf, &err), err);
		assert_memory_equal(buf, video + offs[i], len);
	}
	/* the whole entry as one range */
	assert_ok(bundle_read_range(b, 7, 0, VIDEO_SIZE, buf, &err), err);
	assert_memory_equal(buf, video, VIDEO_SIZE);
	/* a range of a deflated entry */
	assert_ok(bundle_read_range(b, 5, 4, 10, buf, &err), err);
	assert_memory_equal(buf, "ctype html", 10);
	/* outside the entry */
	assert_int_equal(bundle_read_range(b, 7, VIDEO_SIZE - 10, 11, buf, &err), BUNDLE_USAGE);
	assert_int_equal(bundle_read_range(b, 7, VIDEO_SIZE + 1, 0, buf, &err), BUNDLE_USAGE);
	free(buf);
	free(video);
	bundle_close(b);
}

/* Chunks read one by one are the entry's bytes; only chunked entries have them. */
static void reads_chunks(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_error err;
	unsigned char *video = video_bytes(), *buf = malloc(BUNDLE_CHUNK_SIZE);
	size_t n;

	assert_true(bundle_is_chunked(b, 7));
	assert_false(bundle_is_chunked(b, 5)); /* deflated */
	assert_false(bundle_is_chunked(b, 99));
	for (uint64_t k = 0; k < 3; k++) {
		assert_ok(bundle_read_chunk(b, 7, k, buf, &n, &err), err);
		assert_int_equal(n, k < 2 ? BUNDLE_CHUNK_SIZE : 4321);
		assert_memory_equal(buf, video + k * BUNDLE_CHUNK_SIZE, n);
	}
	assert_int_equal(bundle_read_chunk(b, 7, 3, buf, &n, &err), BUNDLE_USAGE);
	assert_int_equal(bundle_read_chunk(b, 5, 0, buf, &n, &err), BUNDLE_USAGE);
	free(buf);
	free(video);
	bundle_close(b);
}

/* The raw deflate bytes plus a gzip header and trailer inflate to the entry. */
static void raw_deflate_makes_valid_gzip(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_error err;
	struct bundle_entry e;
	size_t i = bundle_find(b, "lessons/01-intro.html", 21), len;
	unsigned char *want, *gz, *inflated, out[4096];
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	z_stream z;

	bundle_entry(b, i, &e);
	assert_ok(bundle_read(b, i, 1 << 20, &want, &len, &err), err);
	assert_int_equal(e.size, len);
	assert_true(e.comp_size < e.size);
	gz = malloc(e.comp_size + 18);
	inflated = malloc(e.size);
	/* the raw bytes go straight into the gzip member's place; the inflated ones too */
	assert_ok(bundle_read_deflated(b, i, gz + 10, inflated, &err), err);
	assert_memory_equal(inflated, want, len);
	memcpy(gz, header, 10);
	for (int k = 0; k < 4; k++) {
		gz[10 + e.comp_size + (size_t)k] = (unsigned char)(e.crc >> (8 * k));
		gz[14 + e.comp_size + (size_t)k] = (unsigned char)(e.size >> (8 * k));
	}
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
	z.next_in = gz;
	z.avail_in = (uInt)(e.comp_size + 18);
	z.next_out = out;
	z.avail_out = sizeof(out);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END); /* gzip checks CRC and size */
	assert_int_equal(z.total_out, len);
	assert_memory_equal(out, want, len);
	inflateEnd(&z);
	/* without out: checked all the same */
	memset(gz, 0, e.comp_size + 18);
	assert_ok(bundle_read_deflated(b, i, gz + 10, NULL, &err), err);
	assert_int_equal(inflateInit2(&z, -MAX_WBITS), Z_OK);
	z.next_in = gz + 10;
	z.avail_in = (uInt)e.comp_size;
	z.next_out = out;
	z.avail_out = sizeof(out);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_memory_equal(out, want, len);
	inflateEnd(&z);
	/* stored entries have no raw deflate */
	assert_int_equal(bundle_read_deflated(b, 7, gz, NULL, &err), BUNDLE_USAGE);
	free(inflated);
	free(gz);
	free(want);
	bundle_close(b);
}

/* bundle_read_into fills the caller's buffer, checked, for every kind of entry. */
static void reads_into_a_buffer(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_error err;
	unsigned char *video = video_bytes(), *buf = malloc(VIDEO_SIZE), *want;
	size_t len;

	assert_ok(bundle_read_into(b, 7, buf, &err), err);
	assert_memory_equal(buf, video, VIDEO_SIZE);
	assert_ok(bundle_read(b, 5, 1 << 20, &want, &len, &err), err);
	assert_ok(bundle_read_into(b, 5, buf, &err), err);
	assert_memory_equal(buf, want, len);
	assert_int_equal(bundle_read_into(b, 99, buf, &err), BUNDLE_USAGE);
	free(want);
	free(buf);
	free(video);
	bundle_close(b);
}

/* Overwrite len bytes at off of the file in place: the same file, as an open descriptor sees it. */
static void change_in_place(const char *path, uint64_t off, size_t len)
{
	int fd = open(path, O_RDWR);
	unsigned char *p = malloc(len);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, p, len, (off_t)off), (ssize_t)len);
	for (size_t i = 0; i < len; i++)
		p[i] ^= 0x5a;
	assert_int_equal(pwrite(fd, p, len, (off_t)off), (ssize_t)len);
	close(fd);
	free(p);
}

/*
 * Nothing remembers a check: bytes changed in the file after they were read
 * and checked once fail the next read, whatever entry and way of reading.
 * (A reader that remembered "chunk 1 is good" would send the new bytes.)
 */
static void a_change_after_a_good_read_is_caught(void **state)
{
	struct fixture *f = *state;
	char *copy = tu_path(f->dir, "changing.sampan");
	size_t len, n, page = 6;
	unsigned char *data = tu_read(f->path, &len), *buf = malloc(VIDEO_SIZE), *raw;
	struct bundle *b;
	struct bundle_entry ev, ep;
	struct bundle_error err;

	tu_write(copy, data, len);
	free(data);
	b = open_verified(copy, &f->trust);
	bundle_entry(b, 7, &ev);
	bundle_entry(b, page, &ep);
	raw = malloc(ep.comp_size);
	assert_ok(bundle_read_chunk(b, 7, 1, buf, &n, &err), err);
	assert_ok(bundle_read_range(b, 7, 1048576 + 1000, 16, buf, &err), err);
	assert_ok(bundle_read_deflated(b, page, raw, NULL, &err), err);
	assert_ok(bundle_read_into(b, page, buf, &err), err);
	change_in_place(copy, ev.data_offset + 1048576 + 1000, 16);
	change_in_place(copy, ep.data_offset + ep.comp_size / 2, 4);
	assert_rule(bundle_read_chunk(b, 7, 1, buf, &n, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_CHUNK_MISMATCH);
	assert_rule(bundle_read_range(b, 7, 1048576 + 1000, 16, buf, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_CHUNK_MISMATCH);
	assert_int_equal(bundle_read_into(b, 7, buf, &err), BUNDLE_ENTRY_BAD);
	assert_int_equal(bundle_read_deflated(b, page, raw, NULL, &err), BUNDLE_ENTRY_BAD);
	assert_int_equal(bundle_read_into(b, page, buf, &err), BUNDLE_ENTRY_BAD);
	/* the chunks not changed still read */
	assert_ok(bundle_read_chunk(b, 7, 0, buf, &n, &err), err);
	assert_ok(bundle_read_chunk(b, 7, 2, buf, &n, &err), err);
	bundle_close(b);
	free(raw);
	free(buf);
	free(copy);
}

struct reader_arg {
	const struct bundle *b;
	const unsigned char *video;
	int failures;
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;
	unsigned char *buf = malloc(VIDEO_SIZE), *raw = malloc(1 << 16);
	struct bundle_error err;
	size_t n;

	for (int round = 0; round < 20; round++) {
		uint64_t k = (uint64_t)round % 3;
		if (bundle_read_chunk(a->b, 7, k, buf, &n, &err) != BUNDLE_OK ||
		    memcmp(buf, a->video + k * BUNDLE_CHUNK_SIZE, n) != 0)
			a->failures++;
		if (bundle_read_deflated(a->b, 6, raw, buf, &err) != BUNDLE_OK)
			a->failures++;
		if (round % 5 == 0 && (bundle_read_into(a->b, 7, buf, &err) != BUNDLE_OK ||
		                       memcmp(buf, a->video, VIDEO_SIZE) != 0))
			a->failures++;
	}
	free(raw);
	free(buf);
	return NULL;
}

/* A verified bundle is read by several threads at once, with no lock. */
static void reads_from_several_threads_at_once(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	unsigned char *video = video_bytes();
	struct reader_arg args[4];
	pthread_t t[4];

	for (int i = 0; i < 4; i++) {
		args[i] = (struct reader_arg){ b, video, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, reader_thread, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	free(video);
	bundle_close(b);
}

static void nothing_is_read_before_verify(void **state)
{
	struct fixture *f = *state;
	struct bundle *b;
	struct bundle_error err;
	unsigned char *data, buf[8];
	size_t len;

	assert_ok(bundle_open(f->path, &b, &err), err);
	assert_int_equal(bundle_read(b, 5, 1 << 20, &data, &len, &err), BUNDLE_USAGE);
	assert_int_equal(bundle_read_range(b, 7, 0, 8, buf, &err), BUNDLE_USAGE);
	assert_int_equal(bundle_read_chunk(b, 7, 0, buf, &len, &err), BUNDLE_USAGE);
	assert_int_equal(bundle_read_into(b, 5, buf, &err), BUNDLE_USAGE);
	assert_int_equal(bundle_read_deflated(b, 5, buf, NULL, &err), BUNDLE_USAGE);
	assert_false(bundle_is_chunked(b, 7));
	assert_int_equal(bundle_verify_content(b, NULL, NULL, &err), BUNDLE_USAGE);
	bundle_close(b);
}

static void untrusted_signer_is_refused(void **state)
{
	struct fixture *f = *state;
	struct bundle *b;
	struct bundle_error err;
	struct trust none, other;
	struct minisign_seckey *sk;
	struct minisign_pubkey pk2;

	trust_init(&none);
	trust_init(&other);
	tu_key(2, &sk, &pk2);
	assert_ok(trust_add(&other, &pk2, &err), err);
	assert_ok(bundle_open(f->path, &b, &err), err);
	assert_rule(bundle_verify(b, &none, &err), BUNDLE_INVALID, err, RULE_KEY_UNTRUSTED);
	assert_rule(bundle_verify(b, &other, &err), BUNDLE_INVALID, err, RULE_KEY_UNTRUSTED);
	assert_false(bundle_is_verified(b));
	assert_null(bundle_course(b));
	/* the right key afterwards still works */
	assert_ok(bundle_verify(b, &f->trust, &err), err);
	bundle_close(b);
	minisign_seckey_free(sk);
	trust_release(&none);
	trust_release(&other);
}

/* Copy the bundle and flip one byte at offset off of the copy. */
static char *tampered_copy(const struct fixture *f, uint64_t off)
{
	size_t len;
	unsigned char *data = tu_read(f->path, &len);
	char *copy = tu_path(f->dir, "tampered.sampan");

	assert_true(off < len);
	data[off] ^= 0x40;
	tu_write(copy, data, len);
	free(data);
	return copy;
}

struct report_log {
	size_t calls;
	size_t bad;
	enum bundle_rule last_rule;
};

static void on_report(void *ctx, size_t index, const struct bundle_error *r)
{
	struct report_log *log = ctx;

	(void)index;
	log->calls++;
	if (r->status != BUNDLE_OK) {
		log->bad++;
		log->last_rule = r->rule;
	}
}

static void changed_video_byte_is_caught_where_read(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_entry e;
	struct bundle_error err;
	struct report_log log = { 0, 0, RULE_NONE };
	unsigned char *buf = malloc(4096), *big = malloc(BUNDLE_CHUNK_SIZE);
	size_t n;
	char *copy;

	bundle_entry(b, 7, &e);
	copy = tampered_copy(f, e.data_offset + 1048576 + 10); /* inside chunk 1 */
	bundle_close(b);
	b = open_verified(copy, &f->trust); /* metadata is intact: opens at once */
	assert_ok(bundle_read_range(b, 7, 0, 4096, buf, &err), err); /* chunk 0 is fine */
	assert_rule(bundle_read_range(b, 7, 1048576, 100, buf, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_CHUNK_MISMATCH);
	assert_rule(bundle_read_chunk(b, 7, 1, big, &n, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_CHUNK_MISMATCH);
	assert_ok(bundle_read_chunk(b, 7, 2, big, &n, &err), err); /* chunk 2 is fine */
	assert_rule(bundle_verify_content(b, on_report, &log, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DIGEST_MISMATCH);
	assert_non_null(strstr(err.message, "media/video.mp4"));
	assert_int_equal(log.calls, 5); /* every entry after the first three */
	assert_int_equal(log.bad, 1);
	bundle_close(b);
	free(copy);
	free(buf);
	free(big);
}

/* A copy being written: the bytes before limit are there; the calls and the farthest end asked. */
struct copy_state {
	uint64_t limit;
	size_t calls;
	uint64_t max_end;
};

static bool copy_ready(void *ctx, uint64_t end)
{
	struct copy_state *c = ctx;

	c->calls++;
	if (end > c->max_end)
		c->max_end = end;
	return end <= c->limit;
}

static void verify_copy_checks_the_copy_at_the_bundles_places(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust), *t;
	struct bundle_entry e;
	struct bundle_error err;
	struct report_log log = { 0, 0, RULE_NONE };
	struct copy_state c = { UINT64_MAX, 0, 0 };
	struct bfile copy;
	char *tampered;
	int fd;

	/* the very same bytes verify, every one of them asked for before it is read */
	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	bfile_from_fd(&copy, fd, bundle_file_size(b));
	assert_ok(bundle_verify_copy(b, &copy, copy_ready, &c, on_report, &log, &err), err);
	close(fd);
	assert_int_equal(log.calls, 5);
	assert_int_equal(log.bad, 0);
	assert_int_equal(c.calls, 4 + 3); /* each entry once, but the video chunk by chunk */
	bundle_entry(b, bundle_count(b) - 1, &e);
	assert_int_equal(c.max_end, e.data_offset + e.comp_size);

	/* a changed byte in the copy is caught, though the bundle itself is intact */
	bundle_entry(b, 7, &e);
	tampered = tampered_copy(f, e.data_offset + 1048576 + 10);
	fd = open(tampered, O_RDONLY);
	assert_true(fd >= 0);
	bfile_from_fd(&copy, fd, bundle_file_size(b));
	memset(&log, 0, sizeof(log));
	assert_rule(bundle_verify_copy(b, &copy, copy_ready, &c, on_report, &log, &err),
	            BUNDLE_ENTRY_BAD, err, RULE_DIGEST_MISMATCH);
	assert_int_equal(log.bad, 1);

	/* a copy that stops coming stops the check, before the missing bytes are read */
	c.limit = e.data_offset + 1048576;
	assert_int_equal(bundle_verify_copy(b, &copy, copy_ready, &c, NULL, NULL, &err), BUNDLE_IO);
	close(fd);

	/* the tampered copy has the bundle's layout; another bundle has not */
	t = open_verified(tampered, &f->trust);
	assert_true(bundle_same_layout(b, t));
	assert_true(bundle_same_layout(t, b));
	bundle_close(t);
	tu_make_bundle(tampered, 1, VIDEO_SIZE + 1);
	t = open_verified(tampered, &f->trust);
	assert_false(bundle_same_layout(b, t));
	bundle_close(t);
	bundle_close(b);
	free(tampered);
}

static void changed_page_byte_is_caught(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_entry e;
	struct bundle_error err;
	unsigned char *data, *raw;
	size_t len;
	char *copy;

	bundle_entry(b, 6, &e); /* lessons/01-intro.html, deflated */
	assert_int_equal(e.method, 8);
	copy = tampered_copy(f, e.data_offset + e.comp_size / 2);
	bundle_close(b);
	b = open_verified(copy, &f->trust);
	assert_int_equal(bundle_read(b, 6, 1 << 20, &data, &len, &err), BUNDLE_ENTRY_BAD);
	assert_true(err.rule == RULE_DEFLATE_INVALID || err.rule == RULE_SIZE_MISMATCH ||
	            err.rule == RULE_DIGEST_MISMATCH);
	raw = malloc(e.comp_size);
	assert_int_equal(bundle_read_deflated(b, 6, raw, NULL, &err), BUNDLE_ENTRY_BAD);
	free(raw);
	/* the other page still reads */
	assert_ok(bundle_read(b, 5, 1 << 20, &data, &len, &err), err);
	free(data);
	bundle_close(b);
	free(copy);
}

static void changed_manifest_fails_signature(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = open_verified(f->path, &f->trust);
	struct bundle_entry e;
	struct bundle_error err;
	char *copy;

	bundle_entry(b, 1, &e);
	copy = tampered_copy(f, e.data_offset + 3);
	bundle_close(b);
	/* a changed compressed byte: the deflate stream, its CRC, or the signature fails */
	assert_ok(bundle_open(copy, &b, &err), err);
	assert_int_equal(bundle_verify(b, &f->trust, &err), BUNDLE_INVALID);
	assert_true(err.rule == RULE_SIGNATURE_BAD || err.rule == RULE_CRC_MISMATCH ||
	            err.rule == RULE_DEFLATE_INVALID || err.rule == RULE_SIZE_MISMATCH);
	bundle_close(b);
	free(copy);
}

/* A preview checks everything but the signature, and says it is one. */
static void preview_verifies_all_but_the_signature(void **state)
{
	struct fixture *f = *state;
	char *other = tu_path(f->dir, "other.sampan");
	struct bundle *b;
	struct bundle_error err;
	struct trust none;
	unsigned char *data;
	size_t len;

	trust_init(&none);
	tu_make_bundle(other, 2, 0); /* signed by a key the fixture does not trust */
	assert_ok(bundle_open(other, &b, &err), err);
	assert_rule(bundle_verify(b, &f->trust, &err), BUNDLE_INVALID, err, RULE_KEY_UNTRUSTED);
	assert_ok(bundle_verify_preview(b, &err), err);
	assert_true(bundle_is_verified(b));
	assert_true(bundle_is_preview(b));
	assert_ok(bundle_read(b, bundle_find(b, "index.html", 10), 1 << 20, &data, &len, &err),
	          err);
	free(data);
	bundle_close(b);
	/* a trusted verification is not a preview */
	assert_ok(bundle_open(f->path, &b, &err), err);
	assert_ok(bundle_verify(b, &f->trust, &err), err);
	assert_false(bundle_is_preview(b));
	bundle_close(b);
	/* an empty trust set refuses, as before */
	assert_ok(bundle_open(f->path, &b, &err), err);
	assert_rule(bundle_verify(b, &none, &err), BUNDLE_INVALID, err, RULE_KEY_UNTRUSTED);
	bundle_close(b);
	free(other);
}

static void open_reports_file_problems(void **state)
{
	struct fixture *f = *state;
	struct bundle *b = (struct bundle *)1;
	struct bundle_error err;
	char *missing = tu_path(f->dir, "missing.sampan");
	char *empty = tu_path(f->dir, "empty.sampan");
	char *cut = tu_path(f->dir, "cut.sampan");
	size_t len;
	unsigned char *data = tu_read(f->path, &len);

	assert_int_equal(bundle_open(missing, &b, &err), BUNDLE_IO);
	assert_null(b);
	assert_non_null(strstr(err.message, "No such file"));
	assert_int_equal(bundle_open(f->dir, &b, &err), BUNDLE_IO);
	assert_non_null(strstr(err.message, "not a regular file"));
	tu_write(empty, "", 0);
	assert_rule(bundle_open(empty, &b, &err), BUNDLE_INVALID, err, RULE_NOT_ZIP);
	/* a bundle cut short, as by a stick pulled out during a copy */
	tu_write(cut, data, len / 2);
	assert_rule(bundle_open(cut, &b, &err), BUNDLE_INVALID, err, RULE_NOT_ZIP);
	/* one byte appended */
	data[len] = 'x';
	tu_write(cut, data, len + 1);
	assert_rule(bundle_open(cut, &b, &err), BUNDLE_INVALID, err, RULE_TRAILING_BYTES);
	free(data);
	free(missing);
	free(empty);
	free(cut);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_entries_in_format_order),
		cmocka_unit_test(metadata_after_verify),
		cmocka_unit_test(reads_whole_entries),
		cmocka_unit_test(reads_ranges_across_chunks),
		cmocka_unit_test(reads_chunks),
		cmocka_unit_test(reads_into_a_buffer),
		cmocka_unit_test(a_change_after_a_good_read_is_caught),
		cmocka_unit_test(reads_from_several_threads_at_once),
		cmocka_unit_test(raw_deflate_makes_valid_gzip),
		cmocka_unit_test(nothing_is_read_before_verify),
		cmocka_unit_test(untrusted_signer_is_refused),
		cmocka_unit_test(changed_video_byte_is_caught_where_read),
		cmocka_unit_test(verify_copy_checks_the_copy_at_the_bundles_places),
		cmocka_unit_test(changed_page_byte_is_caught),
		cmocka_unit_test(changed_manifest_fails_signature),
		cmocka_unit_test(preview_verifies_all_but_the_signature),
		cmocka_unit_test(open_reports_file_problems),
	};
	return cmocka_run_group_tests_name("bundle", tests, setup, teardown);
}

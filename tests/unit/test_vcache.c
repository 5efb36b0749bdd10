/*
 * test_vcache.c - the player's verified memory (player/vcache.c): a piece
 * is filled once and shared, the budget is never exceeded, pinned pieces
 * stay, the least recently used go first (and a piece asked for twice
 * outlives one pass through a long video), a failed fill keeps nothing,
 * threads asking at once fill once, and, with a real bundle changed in
 * place, what is sent is either the checked bytes kept from before or
 * nothing: never the changed ones.
 */
#include "testutil.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "format.h"
#include "trust.h"
#include "vcache.h"

/* Piece sizes counted against the budget include a little bookkeeping. */
#define SMALL 1000

struct counter {
	unsigned calls;
	unsigned char byte;
	bool fail;
	unsigned delay_ms;
	pthread_mutex_t mu;
};

static enum bundle_status fill_bytes(void *ctx, unsigned char *buf, size_t len,
                                     struct bundle_error *err)
{
	struct counter *c = ctx;

	pthread_mutex_lock(&c->mu);
	c->calls++;
	pthread_mutex_unlock(&c->mu);
	if (c->delay_ms) {
		struct timespec ts = { 0, (long)c->delay_ms * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (c->fail)
		return bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_CHUNK_MISMATCH, NULL, 0,
		                        "chunk does not match");
	memset(buf, c->byte, len);
	return BUNDLE_OK;
}

static struct vcache_key key(unsigned char bundle, uint64_t entry, uint64_t part)
{
	struct vcache_key k;

	memset(&k, 0, sizeof(k));
	memset(k.bundle, bundle, sizeof(k.bundle));
	k.entry = entry;
	k.part = part;
	k.kind = VCACHE_CHUNK;
	return k;
}

/* Fetch (bundle 1, entry 0, part) of len bytes filled with byte; returns it pinned. */
static struct vcache_piece *get(struct vcache *vc, uint64_t part, size_t len, struct counter *c)
{
	struct vcache_key k = key(1, 0, part);
	struct vcache_piece *p;
	struct bundle_error err;

	assert_ok(vcache_fetch(vc, &k, len, true, fill_bytes, c, &p, &err), err);
	assert_non_null(p);
	return p;
}

static struct counter counter(unsigned char byte)
{
	struct counter c;

	memset(&c, 0, sizeof(c));
	c.byte = byte;
	pthread_mutex_init(&c.mu, NULL);
	return c;
}

static bool held(struct vcache *vc, uint64_t part)
{
	struct vcache_key k = key(1, 0, part);
	struct vcache_piece *p = vcache_get(vc, &k);

	vcache_release(vc, p);
	return p != NULL;
}

static void fills_once_then_shares(void **state)
{
	struct vcache *vc = vcache_new(1 << 20);
	struct counter c = counter('a');
	struct vcache_piece *p, *q;
	struct vcache_stats st;
	const unsigned char *d;
	size_t len;

	(void)state;
	p = get(vc, 0, SMALL, &c);
	q = get(vc, 0, SMALL, &c);
	assert_ptr_equal(p, q);
	assert_int_equal(c.calls, 1);
	d = vcache_piece_data(p, &len);
	assert_int_equal(len, SMALL);
	assert_int_equal(d[0], 'a');
	assert_int_equal(d[SMALL - 1], 'a');
	/* other keys are other pieces: bundle, entry, part, kind */
	{
		struct vcache_key k = key(2, 0, 0);
		struct vcache_piece *r;
		struct bundle_error err;
		assert_ok(vcache_fetch(vc, &k, SMALL, true, fill_bytes, &c, &r, &err), err);
		assert_ptr_not_equal(r, p);
		vcache_release(vc, r);
		k = key(1, 0, 0);
		k.kind = VCACHE_WHOLE;
		assert_ok(vcache_fetch(vc, &k, SMALL, true, fill_bytes, &c, &r, &err), err);
		assert_ptr_not_equal(r, p);
		vcache_release(vc, r);
	}
	assert_int_equal(c.calls, 3);
	vcache_get_stats(vc, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.fills, 3);
	assert_int_equal(st.pinned, 1);
	vcache_release(vc, p);
	vcache_release(vc, q);
	vcache_get_stats(vc, &st);
	assert_int_equal(st.pinned, 0);
	assert_int_equal(st.pieces, 2); /* the whole entry, asked for once, is not kept */
	assert_int_equal(st.once, 1);
	vcache_free(vc);
}

static void keeps_to_the_budget_least_recently_used_first(void **state)
{
	/* room for about five pieces of 100 KB */
	struct vcache *vc = vcache_new(5 * 100000 + 5 * 512);
	struct counter c = counter('b');
	struct vcache_stats st;

	(void)state;
	for (uint64_t i = 0; i < 5; i++)
		vcache_release(vc, get(vc, i, 100000, &c));
	assert_true(held(vc, 0)); /* 0 used again: 1 is now the oldest */
	vcache_release(vc, get(vc, 5, 100000, &c));
	vcache_get_stats(vc, &st);
	assert_true(st.used <= st.budget);
	assert_int_equal(st.evictions, 1);
	assert_false(held(vc, 1));
	assert_true(held(vc, 0));
	assert_true(held(vc, 5));
	/* many more: never over the budget */
	for (uint64_t i = 10; i < 60; i++) {
		vcache_release(vc, get(vc, i, 100000 - i * 7, &c));
		vcache_get_stats(vc, &st);
		assert_true(st.used <= st.budget);
	}
	vcache_free(vc);
}

static void pinned_pieces_stay_and_private_ones_go(void **state)
{
	struct vcache *vc = vcache_new(3 * 100000 + 3 * 512);
	struct counter c = counter('c');
	struct vcache_piece *pin[3], *p;
	struct vcache_key k = key(1, 0, 9);
	struct vcache_stats st;
	struct bundle_error err;
	size_t len;

	(void)state;
	for (uint64_t i = 0; i < 3; i++)
		pin[i] = get(vc, i, 100000, &c);
	/* no room: a caller that reads for itself gets nothing */
	assert_ok(vcache_fetch(vc, &k, 100000, false, fill_bytes, &c, &p, &err), err);
	assert_null(p);
	assert_int_equal(c.calls, 3);
	/* one that may have a private piece gets one, filled, not shared */
	p = get(vc, 9, 100000, &c);
	assert_int_equal(vcache_piece_data(p, &len)[99999], 'c');
	assert_false(held(vc, 9));
	vcache_get_stats(vc, &st);
	assert_int_equal(st.privates, 1);
	assert_int_equal(st.pieces, 3);
	assert_int_equal(st.evictions, 0);
	vcache_release(vc, p); /* freed (ASan would see a leak otherwise) */
	/* a piece larger than the whole budget is always private */
	p = get(vc, 10, 4 * 100000, &c);
	assert_false(held(vc, 10));
	vcache_release(vc, p);
	/* released, the pinned ones can go */
	for (int i = 0; i < 3; i++)
		vcache_release(vc, pin[i]);
	vcache_release(vc, get(vc, 11, 100000, &c));
	assert_true(held(vc, 11));
	vcache_get_stats(vc, &st);
	assert_int_equal(st.evictions, 1);
	vcache_free(vc);
}

/* Fetch a whole entry (not a chunk) of len bytes. */
static struct vcache_piece *get_whole(struct vcache *vc, uint64_t entry, size_t len,
                                      struct counter *c)
{
	struct vcache_key k = key(1, entry, 0);
	struct vcache_piece *p;
	struct bundle_error err;

	k.kind = VCACHE_WHOLE;
	assert_ok(vcache_fetch(vc, &k, len, true, fill_bytes, c, &p, &err), err);
	assert_non_null(p);
	return p;
}

static bool whole_held(struct vcache *vc, uint64_t entry)
{
	struct vcache_key k = key(1, entry, 0);
	struct vcache_piece *p;

	k.kind = VCACHE_WHOLE;
	p = vcache_get(vc, &k);
	vcache_release(vc, p);
	return p != NULL;
}

/*
 * A page (a whole entry) is kept from the second time it is asked for: a
 * teacher opening one page of each of 600 courses keeps nothing, the page a
 * class opens is read twice, then shared.
 */
static void a_page_asked_for_once_is_not_kept(void **state)
{
	struct vcache *vc = vcache_new(1 << 20);
	struct counter c = counter('p');
	struct vcache_stats st;

	(void)state;
	for (uint64_t e = 0; e < 600; e++)
		vcache_release(vc, get_whole(vc, e, 16000, &c));
	vcache_get_stats(vc, &st);
	assert_int_equal(st.pieces, 0);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.once, 600);
	assert_int_equal(c.calls, 600);
	assert_false(whole_held(vc, 7));
	/* asked again: read once more, and kept */
	vcache_release(vc, get_whole(vc, 7, 16000, &c));
	assert_true(whole_held(vc, 7));
	vcache_release(vc, get_whole(vc, 7, 16000, &c));
	assert_int_equal(c.calls, 601);
	vcache_get_stats(vc, &st);
	assert_int_equal(st.pieces, 1);
	/* a chunk of video is kept from the first time */
	vcache_release(vc, get(vc, 0, SMALL, &c));
	assert_true(held(vc, 0));
	vcache_free(vc);
}

/*
 * A page asked for twice outlives a pass through a video larger than the
 * cache, even a pass of a class whose members each ask for every chunk.
 */
static void asked_twice_outlives_one_long_pass(void **state)
{
	struct vcache *vc = vcache_new(8 * 100000 + 8 * 512);
	struct counter c = counter('d');

	(void)state;
	vcache_release(vc, get_whole(vc, 1000, 20000, &c));
	vcache_release(vc, get_whole(vc, 1000, 20000, &c)); /* protected now */
	for (uint64_t i = 0; i < 40; i++) {
		vcache_release(vc, get(vc, i, 100000, &c)); /* a student, then another */
		vcache_release(vc, get(vc, i, 100000, &c));
	}
	assert_true(whole_held(vc, 1000));
	vcache_free(vc);
}

/*
 * Chunks go by recency alone: chunks a class has passed (asked for twice
 * each) leave before the ones just read, so students behind the first read
 * from memory what the first one read.
 */
static void chunks_go_by_recency(void **state)
{
	struct vcache *vc = vcache_new(6 * 100000 + 6 * 512);
	struct counter c = counter('g');

	(void)state;
	for (uint64_t i = 0; i < 3; i++) {
		vcache_release(vc, get(vc, i, 100000, &c));
		vcache_release(vc, get(vc, i, 100000, &c));
	}
	for (uint64_t i = 3; i < 9; i++)
		vcache_release(vc, get(vc, i, 100000, &c));
	/* the six most recent are held, the three asked for twice before them are not */
	for (uint64_t i = 0; i < 3; i++)
		assert_false(held(vc, i));
	for (uint64_t i = 3; i < 9; i++)
		assert_true(held(vc, i));
	vcache_free(vc);
}

static void a_failed_fill_keeps_nothing(void **state)
{
	struct vcache *vc = vcache_new(1 << 20);
	struct counter c = counter('e');
	struct vcache_key k = key(1, 0, 0);
	struct vcache_piece *p = (void *)&c;
	struct vcache_stats st;
	struct bundle_error err;

	(void)state;
	c.fail = true;
	assert_rule(vcache_fetch(vc, &k, SMALL, true, fill_bytes, &c, &p, &err), BUNDLE_ENTRY_BAD,
	            err, RULE_CHUNK_MISMATCH);
	assert_null(p);
	assert_false(held(vc, 0));
	vcache_get_stats(vc, &st);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.pinned, 0);
	/* the next fetch tries again */
	c.fail = false;
	p = get(vc, 0, SMALL, &c);
	assert_int_equal(c.calls, 2);
	vcache_release(vc, p);
	vcache_free(vc);
}

struct racer {
	struct vcache *vc;
	struct counter *c;
	struct vcache_piece *got;
	enum bundle_status st;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct vcache_key k = key(1, 0, 42);
	struct bundle_error err;

	r->st = vcache_fetch(r->vc, &k, 300000, true, fill_bytes, r->c, &r->got, &err);
	return NULL;
}

/* A class starting one video at once: its first chunk is read and checked once. */
static void threads_asking_at_once_fill_once(void **state)
{
	struct vcache *vc = vcache_new(1 << 20);
	struct counter c = counter('f');
	struct racer r[8];
	pthread_t t[8];

	(void)state;
	c.delay_ms = 50;
	for (int i = 0; i < 8; i++) {
		r[i] = (struct racer){ vc, &c, NULL, BUNDLE_OK };
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(c.calls, 1);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(r[i].st, BUNDLE_OK);
		assert_ptr_equal(r[i].got, r[0].got);
		vcache_release(vc, r[i].got);
	}
	/* and when the fill fails, each waiter tries for itself: nothing bad is shared */
	c.fail = true;
	c.calls = 0;
	vcache_free(vc);
	vc = vcache_new(1 << 20);
	for (int i = 0; i < 8; i++) {
		r[i] = (struct racer){ vc, &c, NULL, BUNDLE_OK };
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].st, BUNDLE_ENTRY_BAD);
		assert_null(r[i].got);
	}
	assert_true(c.calls >= 1);
	vcache_free(vc);
}

static void adopt_keeps_made_bytes(void **state)
{
	struct vcache *vc = vcache_new(1 << 20);
	struct vcache_key k = key(3, 7, 1);
	unsigned char *a = malloc(5), *b = malloc(5);
	struct vcache_piece *p, *q;
	size_t len;

	(void)state;
	k.kind = VCACHE_PAGE;
	memcpy(a, "first", 5);
	memcpy(b, "other", 5);
	/* made the first time: served, not kept */
	p = vcache_adopt(vc, &k, malloc(5), 5);
	assert_non_null(p);
	vcache_release(vc, p);
	assert_null(vcache_get(vc, &k));
	p = vcache_adopt(vc, &k, a, 5); /* the second time: kept */
	assert_non_null(p);
	q = vcache_adopt(vc, &k, b, 5); /* held already: b is freed, p returned */
	assert_ptr_equal(p, q);
	assert_memory_equal(vcache_piece_data(q, &len), "first", 5);
	vcache_release(vc, p);
	vcache_release(vc, q);
	p = vcache_get(vc, &k);
	assert_non_null(p);
	vcache_release(vc, p);
	vcache_free(vc);
}

/* ---- with a real bundle, changed in place while pieces of it are kept ---- */

#define VIDEO_SIZE (3 * 1048576 + 100)

struct chunk_ctx {
	const struct bundle *b;
	size_t entry;
	uint64_t k;
};

static enum bundle_status fill_chunk(void *ctx, unsigned char *buf, size_t len,
                                     struct bundle_error *err)
{
	const struct chunk_ctx *c = ctx;
	size_t n;

	(void)len;
	return bundle_read_chunk(c->b, c->entry, c->k, buf, &n, err);
}

static enum bundle_status fetch_chunk(struct vcache *vc, const struct bundle *b, size_t entry,
                                      uint64_t k, struct vcache_piece **p, struct bundle_error *err)
{
	struct vcache_key key;
	struct chunk_ctx c = { b, entry, k };
	struct bundle_entry e;
	uint64_t off = k * BUNDLE_CHUNK_SIZE;

	bundle_entry(b, entry, &e);
	memset(&key, 0, sizeof(key));
	memcpy(key.bundle, bundle_manifest_digest(b), DIGEST_SIZE);
	key.entry = entry;
	key.part = k;
	key.kind = VCACHE_CHUNK;
	return vcache_fetch(
	        vc, &key,
	        (size_t)(e.size - off > BUNDLE_CHUNK_SIZE ? BUNDLE_CHUNK_SIZE : e.size - off), true,
	        fill_chunk, &c, p, err);
}

static void changed_in_place_never_comes_out(void **state)
{
	char *dir = tu_tempdir(), *path = tu_path(dir, "course.sampan");
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct trust trust;
	struct bundle *b;
	struct bundle_entry e;
	struct bundle_error err;
	struct vcache *vc = vcache_new(2 * BUNDLE_CHUNK_SIZE + 8192);
	struct vcache_piece *p;
	unsigned char *before = malloc(BUNDLE_CHUNK_SIZE), *x = malloc(64);
	const unsigned char *d;
	size_t len;
	int fd;

	(void)state;
	tu_make_bundle(path, 1, VIDEO_SIZE);
	tu_key(1, &sk, &pk);
	minisign_seckey_free(sk);
	trust_init(&trust);
	assert_ok(trust_add(&trust, &pk, &err), err);
	assert_ok(bundle_open(path, &b, &err), err);
	assert_ok(bundle_verify(b, &trust, &err), err);
	bundle_entry(b, 7, &e);
	/* chunk 0 read and kept */
	assert_ok(fetch_chunk(vc, b, 7, 0, &p, &err), err);
	d = vcache_piece_data(p, &len);
	memcpy(before, d, len);
	vcache_release(vc, p);
	/* its bytes 1000..1063 changed in the file, in place */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, x, 64, (off_t)(e.data_offset + 1000)), 64);
	for (int i = 0; i < 64; i++)
		x[i] ^= 0xff;
	assert_int_equal(pwrite(fd, x, 64, (off_t)(e.data_offset + 1000)), 64);
	close(fd);
	/* kept: the checked bytes from before, not the new ones */
	assert_ok(fetch_chunk(vc, b, 7, 0, &p, &err), err);
	d = vcache_piece_data(p, &len);
	assert_memory_equal(d, before, len);
	vcache_release(vc, p);
	/* pushed out (chunk 1 being sent while chunk 2 comes in), then asked for again */
	{
		struct vcache_piece *sending;
		assert_ok(fetch_chunk(vc, b, 7, 1, &sending, &err), err);
		assert_ok(fetch_chunk(vc, b, 7, 2, &p, &err), err);
		vcache_release(vc, p);
		vcache_release(vc, sending);
	}
	p = (void *)x;
	assert_rule(fetch_chunk(vc, b, 7, 0, &p, &err), BUNDLE_ENTRY_BAD, err, RULE_CHUNK_MISMATCH);
	assert_null(p);
	assert_rule(fetch_chunk(vc, b, 7, 0, &p, &err), BUNDLE_ENTRY_BAD, err, RULE_CHUNK_MISMATCH);
	bundle_close(b);
	vcache_free(vc);
	trust_release(&trust);
	free(before);
	free(x);
	tu_rmrf(dir);
	free(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fills_once_then_shares),
		cmocka_unit_test(a_page_asked_for_once_is_not_kept),
		cmocka_unit_test(keeps_to_the_budget_least_recently_used_first),
		cmocka_unit_test(pinned_pieces_stay_and_private_ones_go),
		cmocka_unit_test(asked_twice_outlives_one_long_pass),
		cmocka_unit_test(chunks_go_by_recency),
		cmocka_unit_test(a_failed_fill_keeps_nothing),
		cmocka_unit_test(threads_asking_at_once_fill_once),
		cmocka_unit_test(adopt_keeps_made_bytes),
		cmocka_unit_test(changed_in_place_never_comes_out),
	};
	return cmocka_run_group_tests_name("vcache", tests, NULL, NULL);
}

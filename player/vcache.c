/* vcache.c - checked bytes of bundle entries, kept in memory under a budget (vcache.h). */
#define _DEFAULT_SOURCE
#include "vcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Pieces this large get pages of their own (mmap), so that memory given
 * back is given back to the system; an evicted chunk's pages are reused
 * for the next chunk of the same size.
 */
#define MAP_MIN (128u * 1024u)
/*
 * The keys of pages and whole entries asked for once and not kept: one
 * slot per hash, so a key seen once is forgotten when another takes its
 * slot (at worst it is read once more).  8 bytes a slot.
 */
#define GHOSTS 4096u
#define PAGE_ROUND(n) (((n) + 4095u) & ~(size_t)4095u)

enum piece_state {
	PIECE_FILLING, /* in the table, being filled: others wait */
	PIECE_READY, /* in the table and in a segment */
	PIECE_DROPPED, /* out of the table (failed, or private): freed at its last release */
};

enum segment { SEG_NONE = -1, SEG_PROBATION = 0, SEG_PROTECTED = 1 };

struct vcache_piece {
	unsigned char *data;
	size_t len;
	size_t cost; /* what it counts against the budget */
	bool mapped; /* data is an mmap of PAGE_ROUND(len) bytes */
	struct vcache_key key;
	uint64_t hash;
	unsigned pins;
	enum piece_state state;
	enum segment seg;
	struct vcache_piece *prev, *next; /* in its segment, most recent first */
	struct vcache_piece *chain; /* in its table bucket */
};

struct lru {
	struct vcache_piece *head, *tail;
	size_t bytes;
};

struct vcache {
	pthread_mutex_t mu;
	pthread_cond_t filled; /* a piece left PIECE_FILLING */
	size_t budget, used;
	struct vcache_piece **table;
	size_t buckets, count; /* count: pieces in the table */
	struct lru seg[2];
	size_t pinned;
	uint64_t hits, fills, privates, once, evictions;
	uint64_t *ghost; /* GHOSTS slots: the hash of a key asked for once, or 0 */
};

static size_t cost_of(size_t len)
{
	return (len >= MAP_MIN ? PAGE_ROUND(len) : len) + sizeof(struct vcache_piece);
}

static uint64_t key_hash(const struct vcache_key *k)
{
	uint64_t h;

	/* the digest is uniform already: its first bytes, mixed with the rest */
	memcpy(&h, k->bundle, sizeof(h));
	h ^= (k->entry + 1) * 0x9E3779B97F4A7C15u;
	h ^= (k->part + 1) * 0xC2B2AE3D27D4EB4Fu;
	h ^= ((uint64_t)k->kind + 1) * 0x165667B19E3779F9u;
	h ^= h >> 29;
	return h;
}

static bool key_equal(const struct vcache_key *a, const struct vcache_key *b)
{
	return a->entry == b->entry && a->part == b->part && a->kind == b->kind &&
	       memcmp(a->bundle, b->bundle, DIGEST_SIZE) == 0;
}

static unsigned char *data_alloc(size_t len, bool *mapped)
{
	void *p;

	*mapped = len >= MAP_MIN;
	if (!*mapped)
		return malloc(len ? len : 1);
	p = mmap(NULL, PAGE_ROUND(len), PROT_READ | PROT_WRITE,
	         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void data_free(unsigned char *data, size_t len, bool mapped)
{
	if (mapped)
		munmap(data, PAGE_ROUND(len));
	else
		free(data);
}

static void piece_free(struct vcache_piece *p)
{
	if (p->data)
		data_free(p->data, p->len, p->mapped);
	free(p);
}

struct vcache *vcache_new(size_t budget)
{
	struct vcache *vc = calloc(1, sizeof(*vc));

	if (!vc)
		return NULL;
	vc->buckets = 256;
	vc->table = calloc(vc->buckets, sizeof(*vc->table));
	vc->ghost = calloc(GHOSTS, sizeof(*vc->ghost));
	if (!vc->table || !vc->ghost) {
		free(vc->table);
		free(vc->ghost);
		free(vc);
		return NULL;
	}
	vc->budget = budget;
	pthread_mutex_init(&vc->mu, NULL);
	pthread_cond_init(&vc->filled, NULL);
	return vc;
}

void vcache_free(struct vcache *vc)
{
	if (!vc)
		return;
	for (size_t b = 0; b < vc->buckets; b++) {
		struct vcache_piece *p = vc->table[b];
		while (p) {
			struct vcache_piece *next = p->chain;
			piece_free(p);
			p = next;
		}
	}
	free(vc->table);
	free(vc->ghost);
	pthread_cond_destroy(&vc->filled);
	pthread_mutex_destroy(&vc->mu);
	free(vc);
}

/* ---- the table and the segments (vc->mu held) ---- */

static struct vcache_piece *find(struct vcache *vc, const struct vcache_key *k, uint64_t hash)
{
	for (struct vcache_piece *p = vc->table[hash & (vc->buckets - 1)]; p; p = p->chain)
		if (p->hash == hash && key_equal(&p->key, k))
			return p;
	return NULL;
}

static void grow(struct vcache *vc)
{
	size_t n = vc->buckets * 2;
	struct vcache_piece **t = calloc(n, sizeof(*t));

	if (!t)
		return; /* longer chains, nothing worse */
	for (size_t b = 0; b < vc->buckets; b++) {
		struct vcache_piece *p = vc->table[b];
		while (p) {
			struct vcache_piece *next = p->chain;
			p->chain = t[p->hash & (n - 1)];
			t[p->hash & (n - 1)] = p;
			p = next;
		}
	}
	free(vc->table);
	vc->table = t;
	vc->buckets = n;
}

static void table_add(struct vcache *vc, struct vcache_piece *p)
{
	size_t b;

	if (vc->count >= vc->buckets)
		grow(vc);
	b = p->hash & (vc->buckets - 1);
	p->chain = vc->table[b];
	vc->table[b] = p;
	vc->count++;
}

static void table_remove(struct vcache *vc, struct vcache_piece *p)
{
	struct vcache_piece **at = &vc->table[p->hash & (vc->buckets - 1)];

	while (*at && *at != p)
		at = &(*at)->chain;
	if (*at) {
		*at = p->chain;
		vc->count--;
	}
	p->chain = NULL;
}

static void seg_unlink(struct vcache *vc, struct vcache_piece *p)
{
	struct lru *l;

	if (p->seg == SEG_NONE)
		return;
	l = &vc->seg[p->seg];
	if (p->prev)
		p->prev->next = p->next;
	else
		l->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		l->tail = p->prev;
	l->bytes -= p->cost;
	p->prev = p->next = NULL;
	p->seg = SEG_NONE;
}

static void seg_push(struct vcache *vc, struct vcache_piece *p, enum segment s)
{
	struct lru *l = &vc->seg[s];

	p->seg = s;
	p->prev = NULL;
	p->next = l->head;
	if (l->head)
		l->head->prev = p;
	else
		l->tail = p;
	l->head = p;
	l->bytes += p->cost;
}

/* The protected segment kept to three quarters of the budget: its oldest back to probation. */
static void touch_limit(struct vcache *vc, struct vcache_piece *p)
{
	if (p->seg != SEG_PROTECTED)
		return;
	while (vc->seg[SEG_PROTECTED].bytes > vc->budget / 4 * 3 &&
	       vc->seg[SEG_PROTECTED].tail != p) {
		struct vcache_piece *old = vc->seg[SEG_PROTECTED].tail;
		seg_unlink(vc, old);
		seg_push(vc, old, SEG_PROBATION);
	}
}

/*
 * Asked for again: a chunk of a video is kept by recency alone (students
 * watching one video move through it together, and a chunk they have all
 * passed is of no more use); anything else is protected, and the protected
 * segment kept to three quarters of the budget.
 */
static void touch(struct vcache *vc, struct vcache_piece *p)
{
	seg_unlink(vc, p);
	if (p->key.kind == VCACHE_CHUNK) {
		seg_push(vc, p, SEG_PROBATION);
		return;
	}
	seg_push(vc, p, SEG_PROTECTED);
	touch_limit(vc, p);
}

/*
 * Whether a piece not held is kept once it is made.  A chunk of video is:
 * the class watching it asks for it again within seconds.  A page or a
 * whole entry is kept when it is asked for the second time: a library
 * whose courses each get one visit (a teacher looking through them) keeps
 * nothing, while the lesson a class opens is read twice and then kept.
 */
static bool admit(struct vcache *vc, const struct vcache_key *key, uint64_t hash)
{
	uint64_t *slot, mark = hash | 1; /* never 0, an empty slot */

	if (key->kind == VCACHE_CHUNK)
		return true;
	slot = &vc->ghost[(hash >> 32) & (GHOSTS - 1)];
	if (*slot == mark) {
		*slot = 0;
		return true;
	}
	*slot = mark;
	vc->once++;
	return false;
}

static void pin(struct vcache *vc, struct vcache_piece *p)
{
	if (p->pins++ == 0 && p->state != PIECE_DROPPED)
		vc->pinned++;
}

/* The least recently used piece nobody is sending, probation first; NULL when none. */
static struct vcache_piece *victim(struct vcache *vc)
{
	for (int s = SEG_PROBATION; s <= SEG_PROTECTED; s++)
		for (struct vcache_piece *p = vc->seg[s].tail; p; p = p->prev)
			if (p->pins == 0)
				return p;
	return NULL;
}

/*
 * Evict until cost more bytes fit.  When an evicted piece's pages would
 * fit len bytes exactly, they are handed over in *reuse (mapped) instead of
 * being unmapped.  false when pinned pieces leave no room.
 */
static bool make_room(struct vcache *vc, size_t cost, size_t len, unsigned char **reuse)
{
	*reuse = NULL;
	if (cost > vc->budget)
		return false;
	while (vc->used + cost > vc->budget) {
		struct vcache_piece *p = victim(vc);
		if (!p)
			break;
		seg_unlink(vc, p);
		table_remove(vc, p);
		vc->used -= p->cost;
		vc->evictions++;
		if (!*reuse && p->mapped && len >= MAP_MIN &&
		    PAGE_ROUND(p->len) == PAGE_ROUND(len)) {
			*reuse = p->data;
			p->data = NULL;
		}
		piece_free(p);
	}
	if (vc->used + cost <= vc->budget)
		return true;
	if (*reuse) {
		data_free(*reuse, len, true);
		*reuse = NULL;
	}
	return false;
}

/* Unpin with vc->mu held. */
static void unpin(struct vcache *vc, struct vcache_piece *p)
{
	if (--p->pins > 0)
		return;
	if (p->state == PIECE_DROPPED)
		piece_free(p);
	else
		vc->pinned--;
}

/* ---- the public functions ---- */

struct vcache_piece *vcache_get(struct vcache *vc, const struct vcache_key *key)
{
	uint64_t hash = key_hash(key);
	struct vcache_piece *p;

	pthread_mutex_lock(&vc->mu);
	p = find(vc, key, hash);
	if (p && p->state == PIECE_READY) {
		pin(vc, p);
		touch(vc, p);
		vc->hits++;
	} else {
		p = NULL;
	}
	pthread_mutex_unlock(&vc->mu);
	return p;
}

static struct vcache_piece *piece_new(const struct vcache_key *key, uint64_t hash, size_t len)
{
	struct vcache_piece *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->key = *key;
	p->hash = hash;
	p->len = len;
	p->cost = cost_of(len);
	p->seg = SEG_NONE;
	return p;
}

enum bundle_status vcache_fetch(struct vcache *vc, const struct vcache_key *key, size_t len,
                                bool may_be_private, vcache_fill fill, void *ctx,
                                struct vcache_piece **out, struct bundle_error *err)
{
	uint64_t hash = key_hash(key);
	struct vcache_piece *p, *mine;
	unsigned char *reuse = NULL;
	enum bundle_status st;
	bool shared;

	*out = NULL;
	mine = piece_new(key, hash, len);
	if (!mine)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	pthread_mutex_lock(&vc->mu);
	for (;;) {
		p = find(vc, key, hash);
		if (!p)
			break;
		pin(vc, p);
		if (p->state == PIECE_READY) {
			touch(vc, p);
			vc->hits++;
			pthread_mutex_unlock(&vc->mu);
			free(mine);
			*out = p;
			return BUNDLE_OK;
		}
		/* Another thread is filling it: wait, then take it or try again. */
		while (p->state == PIECE_FILLING)
			pthread_cond_wait(&vc->filled, &vc->mu);
		if (p->state == PIECE_READY) {
			touch(vc, p);
			vc->hits++;
			pthread_mutex_unlock(&vc->mu);
			free(mine);
			*out = p;
			return BUNDLE_OK;
		}
		unpin(vc, p);
	}
	shared = admit(vc, key, hash) && make_room(vc, mine->cost, len, &reuse);
	if (!shared && !may_be_private) {
		pthread_mutex_unlock(&vc->mu);
		free(mine);
		return BUNDLE_OK;
	}
	vc->fills++;
	if (shared) {
		mine->state = PIECE_FILLING;
		mine->pins = 1;
		vc->pinned++;
		vc->used += mine->cost;
		table_add(vc, mine);
	} else {
		mine->state = PIECE_DROPPED;
		mine->pins = 1;
		vc->privates++;
	}
	pthread_mutex_unlock(&vc->mu);

	if (reuse) {
		mine->data = reuse;
		mine->mapped = true;
	} else {
		mine->data = data_alloc(len, &mine->mapped);
	}
	st = mine->data ? fill(ctx, mine->data, len, err)
	                : bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");

	pthread_mutex_lock(&vc->mu);
	if (st == BUNDLE_OK) {
		if (shared) {
			mine->state = PIECE_READY;
			/* a page kept has been asked for twice: protected at once */
			seg_push(vc, mine,
			         key->kind == VCACHE_CHUNK ? SEG_PROBATION : SEG_PROTECTED);
			touch_limit(vc, mine);
		}
		*out = mine;
	} else {
		if (shared) {
			table_remove(vc, mine);
			vc->used -= mine->cost;
			mine->state = PIECE_DROPPED;
			vc->pinned--; /* a dropped piece is not counted as pinned */
		}
		unpin(vc, mine);
	}
	if (shared)
		pthread_cond_broadcast(&vc->filled);
	pthread_mutex_unlock(&vc->mu);
	return st;
}

struct vcache_piece *vcache_adopt(struct vcache *vc, const struct vcache_key *key,
                                  unsigned char *data, size_t len)
{
	uint64_t hash = key_hash(key);
	struct vcache_piece *p, *mine = piece_new(key, hash, len);
	unsigned char *reuse;

	if (!mine) {
		free(data);
		return NULL;
	}
	mine->data = data;
	mine->cost = len + sizeof(*mine);
	mine->pins = 1;
	pthread_mutex_lock(&vc->mu);
	p = find(vc, key, hash);
	if (p && p->state == PIECE_READY) {
		pin(vc, p);
		touch(vc, p);
		pthread_mutex_unlock(&vc->mu);
		piece_free(mine);
		return p;
	}
	/* Not held (or being filled by another thread, which will hold it): keep this one. */
	if (!p && admit(vc, key, hash) && make_room(vc, mine->cost, 0, &reuse)) {
		mine->state = PIECE_READY;
		vc->pinned++;
		vc->used += mine->cost;
		table_add(vc, mine);
		seg_push(vc, mine, SEG_PROTECTED);
		touch_limit(vc, mine);
	} else {
		mine->state = PIECE_DROPPED;
		vc->privates++;
	}
	pthread_mutex_unlock(&vc->mu);
	return mine;
}

void vcache_release(struct vcache *vc, struct vcache_piece *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&vc->mu);
	unpin(vc, p);
	pthread_mutex_unlock(&vc->mu);
}

const unsigned char *vcache_piece_data(const struct vcache_piece *p, size_t *len)
{
	*len = p->len;
	return p->data;
}

void vcache_get_stats(struct vcache *vc, struct vcache_stats *st)
{
	pthread_mutex_lock(&vc->mu);
	st->budget = vc->budget;
	st->used = vc->used;
	st->pieces = vc->count;
	st->pinned = vc->pinned;
	st->hits = vc->hits;
	st->fills = vc->fills;
	st->privates = vc->privates;
	st->once = vc->once;
	st->evictions = vc->evictions;
	pthread_mutex_unlock(&vc->mu);
}

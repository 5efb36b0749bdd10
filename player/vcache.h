/*
 * vcache.h - the player's verified memory: bytes of bundle entries checked
 * against the signed digests, kept so that what is sent is the memory that
 * was checked, and shared by every connection, so that a class watching one
 * video hashes each chunk once (format-spec/bundle-v1.md, 12.4).  The
 * model is dm-verity's: a block is checked on its way from the device into
 * memory, and only checked memory is ever used.
 *
 *	struct vcache_piece *p;
 *	vcache_fetch(vc, &key, len, true, fill, ctx, &p, &err)   p pinned: found, or filled once
 *	... send vcache_piece_data(p, &n) ...
 *	vcache_release(vc, p)                                     unpinned: may be evicted
 *
 * A piece is named by the bundle's signed content (its manifest digest),
 * an entry, what it holds and a number (the chunk, or a variant): the same
 * key always means the same bytes, whatever file they were read from, so
 * nothing goes stale.  Only fill functions that check what they read
 * (bundle_read_chunk, bundle_read_into, bundle_read_deflated) or derive
 * bytes from checked ones may put bytes here.
 *
 * Memory: the pieces held, with their bookkeeping, never exceed the budget.
 * A page or whole entry is kept only from the second time it is asked for
 * (the first gets a private piece, freed once sent): a library whose
 * courses each get one visit keeps nothing, the lesson a class opens is
 * kept.  A pinned piece (being sent) is never evicted; the least recently
 * used of the others goes first, in two segments: a page or whole entry
 * kept goes to the protected one (at most three quarters of the budget),
 * so a pass through a long video does not push out the pages a class keeps
 * asking for; chunks of video, kept from the first time, stay in the
 * other, by recency alone, so that a class moving through one video
 * together reads each chunk once, and the chunks all of them have passed
 * go first.  When the budget is full of pinned pieces, a fetch that allows
 * it makes a private piece (not shared, freed when released); one that
 * does not gets no piece, and reads for itself.
 *
 * Thread-safe: one mutex, never held while a piece is filled.  A piece
 * asked for by several threads at once is filled by the first; the others
 * wait for it, and try again themselves if it failed.
 */
#ifndef SAMPAN_PLAYER_VCACHE_H
#define SAMPAN_PLAYER_VCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"

enum vcache_kind {
	VCACHE_CHUNK, /* chunk `part` of a chunked stored entry */
	VCACHE_WHOLE, /* a whole entry, as stored or inflated */
	VCACHE_GZIP, /* a deflated entry as one gzip member: header, its raw bytes, trailer */
	VCACHE_PAGE /* a page as the player decorates it; `part` names the decoration */
};

struct vcache_key {
	unsigned char bundle[DIGEST_SIZE]; /* the manifest digest */
	uint64_t entry;
	uint64_t part;
	enum vcache_kind kind;
};

struct vcache;
struct vcache_piece;

/* A cache of at most budget bytes; NULL when out of memory.  vcache_free accepts NULL. */
struct vcache *vcache_new(size_t budget);
/* Every piece must have been released. */
void vcache_free(struct vcache *vc);

/* Fill len bytes at buf, checked; a status other than BUNDLE_OK drops them. */
typedef enum bundle_status (*vcache_fill)(void *ctx, unsigned char *buf, size_t len,
                                          struct bundle_error *err);

/*
 * The piece for key, pinned, in *out: found, or made here by fill (len
 * bytes, the piece's length).  When the budget has no room for it, a
 * private piece if may_be_private, else *out is NULL (BUNDLE_OK).  fill's
 * failure is returned with its err, and nothing is kept.  BUNDLE_NOMEM.
 */
enum bundle_status vcache_fetch(struct vcache *vc, const struct vcache_key *key, size_t len,
                                bool may_be_private, vcache_fill fill, void *ctx,
                                struct vcache_piece **out, struct bundle_error *err);

/* The piece for key, pinned, when it is held (and not being filled); else NULL. */
struct vcache_piece *vcache_get(struct vcache *vc, const struct vcache_key *key);

/*
 * Keep len bytes made from checked ones (a decorated page), taking data
 * (malloc'd): the piece for key, pinned.  When key is held already data is
 * freed and that piece returned; asked for the first time, or without
 * room, a private piece of data.  NULL only when out of memory (data is freed).
 */
struct vcache_piece *vcache_adopt(struct vcache *vc, const struct vcache_key *key,
                                  unsigned char *data, size_t len);

/* Unpin (p may be NULL). */
void vcache_release(struct vcache *vc, struct vcache_piece *p);

/* The bytes of a pinned piece, valid until it is released. */
const unsigned char *vcache_piece_data(const struct vcache_piece *p, size_t *len);

struct vcache_stats {
	size_t budget;
	size_t used; /* bytes held, bookkeeping included */
	size_t pieces; /* held (shared) */
	size_t pinned; /* of those, being used */
	uint64_t hits; /* fetches and gets that found their piece */
	uint64_t fills; /* pieces filled (shared or private) */
	uint64_t privates; /* of those, private: asked for once, or for want of room */
	uint64_t once; /* pages and whole entries asked for a first time, not kept */
	uint64_t evictions;
};
void vcache_get_stats(struct vcache *vc, struct vcache_stats *st);

#endif

/*
 * chunks.h - META-INF/chunks: the SHA-256 of every 1 MiB chunk of each
 * stored entry larger than 1 MiB, for verified random access
 * (format-spec/bundle-v1.md, "META-INF/chunks").
 */
#ifndef SAMPAN_BUNDLE_CHUNKS_H
#define SAMPAN_BUNDLE_CHUNKS_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"

struct chunk_list {
	const char *name; /* borrowed from the parsed text; not NUL-terminated */
	size_t name_len;
	uint64_t size;
	size_t count; /* ceil(size / 1 MiB) */
	size_t first; /* index of its first digest in struct chunks' store */
};

struct chunks {
	struct chunk_list *lists; /* in bundle order */
	size_t count;
	unsigned char (*store)[DIGEST_SIZE];
	size_t stored;
};

/* Number of chunks of an entry of size bytes. */
uint64_t chunks_count_for(uint64_t size);

/*
 * Parse META-INF/chunks.  Borrows text (keep it alive).  RULE_CHUNKS_INVALID
 * when malformed or out of order.  Release with chunks_release, also after
 * a failure.
 */
enum bundle_status chunks_parse(const char *text, size_t len, struct chunks *c,
                                struct bundle_error *err);
void chunks_release(struct chunks *c);

/* The digest of chunk i of list l. */
const unsigned char *chunks_digest(const struct chunks *c, const struct chunk_list *l, size_t i);

/* Find the list of an entry; NULL when it has none. */
const struct chunk_list *chunks_find(const struct chunks *c, const char *name, size_t len);

/*
 * Writing: chunks_format_begin writes the header into b, then
 * chunks_format_entry one entry (count digests of 32 bytes each, back to
 * back), each in bundle order.
 */
struct sbuf;
enum bundle_status chunks_format_begin(struct sbuf *b, struct bundle_error *err);
enum bundle_status chunks_format_entry(struct sbuf *b, const char *name, size_t name_len,
                                       uint64_t size, const unsigned char *digests, size_t count,
                                       struct bundle_error *err);

#endif

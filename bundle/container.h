/*
 * container.h - the strict ZIP profile of a bundle: end of central
 * directory, ZIP64, central and local headers, layout, names, the mimetype
 * entry and the entry order (format-spec/bundle-v1.md, sections on the ZIP
 * profile, entry names and entry order).
 *
 * This is a small, bounded parser of untrusted bytes written for this
 * profile alone; it runs before any signature is checked, so it trusts
 * nothing, allocates only within the format's limits and refuses on the
 * first broken rule.  It reads through pread() and never seeks.
 */
#ifndef SAMPAN_BUNDLE_CONTAINER_H
#define SAMPAN_BUNDLE_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define CONTAINER_NOT_FOUND ((size_t)-1)

struct container_entry {
	char *name; /* malloc'd, NUL-terminated (names never hold NUL bytes) */
	size_t name_len;
	uint16_t version_made;
	uint16_t version_needed; /* central header */
	uint16_t local_version_needed;
	uint16_t flags;
	uint16_t method; /* 0 stored, 8 deflate */
	uint16_t dostime;
	uint16_t dosdate;
	uint32_t crc;
	uint64_t comp_size;
	uint64_t size;
	uint64_t header_offset; /* local header */
	uint64_t data_offset; /* first byte of the (compressed) data */
	uint16_t central_extra_len;
	uint16_t local_extra_len;
};

enum container_kind {
	CONTAINER_BUNDLE, /* application/vnd.sampan.bundle+zip */
	CONTAINER_UPDATE /* application/vnd.sampan.update+zip (section 21.1) */
};

struct container {
	enum container_kind kind;
	struct container_entry *entries; /* in file order, which is the format's entry order */
	size_t count;
	uint64_t file_size;
	uint64_t cd_offset;
	uint64_t cd_size;
};

struct bfile;

/*
 * Read and check the whole container of f (a bundle, or an update file:
 * kind), parts joined.  On success c holds every entry.  Errors carry the rule of the
 * first check that failed (BUNDLE_INVALID), or BUNDLE_IO / BUNDLE_NOMEM.
 * Release c with container_release, also after a failure.
 */
enum bundle_status container_read(const struct bfile *f, enum container_kind kind,
                                  struct container *c, struct bundle_error *err);
void container_release(struct container *c);

/* Index of the entry with that name, or CONTAINER_NOT_FOUND.  O(log n). */
size_t container_find(const struct container *c, const char *name, size_t len);

/* pread exactly len bytes at off; BUNDLE_IO (with errno or "file shrank") otherwise. */
enum bundle_status container_pread(int fd, void *buf, size_t len, uint64_t off,
                                   struct bundle_error *err);

/*
 * The same, for one part of a bundle in parts: messages name the offset
 * in the whole bundle, shown, not the offset in the part.
 */
enum bundle_status container_pread_shown(int fd, void *buf, size_t len, uint64_t off,
                                         uint64_t shown, struct bundle_error *err);

#endif

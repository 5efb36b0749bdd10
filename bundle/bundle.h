/*
 * bundle.h - reading a Sampan bundle: open, verify, list, read
 * (format-spec/bundle-v1.md, "Reader processing order").
 *
 *	struct bundle *b;
 *	if (bundle_open(path, &b, &err) != BUNDLE_OK)          container refused
 *	if (bundle_verify(b, &trust, &err) != BUNDLE_OK)       signature, manifest, metadata
 *	bundle_read(b, bundle_find(b, "index.html", 10), ...)  bytes checked against the manifest
 *	bundle_close(b);
 *
 * bundle_open checks the whole container (ZIP profile, names, order,
 * limits) and has libzip confirm it; it reads no content.  A path NAME
 * that does not exist while NAME.001 does, or NAME.001 itself, opens the
 * bundle stored in parts (format-spec/bundle-v1.md, section 20): step 0
 * checks the parts, and bundle_verify checks the seams (PART_MISMATCH).  bundle_verify
 * checks the signature against the trusted keys before it parses the
 * manifest, then the manifest, the entry list, course.json and
 * META-INF/chunks.  Content is checked lazily: every read checks what it
 * returns, every time, so a server starts at once; bundle_verify_content
 * checks everything, as a conformance checker.
 *
 * What a read returns is what was checked: the bytes are read once into the
 * caller's memory and their digest is computed over that memory, never
 * over a second read of the file.  Nothing remembers that bytes were
 * checked (a file can change under an open descriptor, and cheap flash can
 * return other bytes on a later read): a caller that wants to send checked
 * bytes again keeps them (format-spec/bundle-v1.md, 12.4).
 *
 * No check depends on the current time.  bundle_open and bundle_verify
 * change the bundle; once it is verified, every read and query is
 * thread-safe (pread on one descriptor, no state kept), until bundle_close.
 * Entry indexes run from 0 to bundle_count() - 1 in the bundle's order.
 */
#ifndef SAMPAN_BUNDLE_BUNDLE_H
#define SAMPAN_BUNDLE_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bfile.h"
#include "course.h"
#include "digest.h"
#include "error.h"
#include "manifest.h"
#include "minisign.h"
#include "trust.h"

#define BUNDLE_NOT_FOUND ((size_t)-1)

struct bundle;

struct bundle_entry {
	const char *name; /* NUL-terminated, valid for the bundle's lifetime */
	size_t name_len;
	uint16_t method; /* 0 stored, 8 deflated */
	uint32_t crc; /* CRC-32 of the uncompressed bytes */
	uint64_t size; /* uncompressed */
	uint64_t comp_size; /* as stored in the file */
	uint64_t header_offset; /* where its local header starts in the file */
	uint64_t data_offset; /* where the (compressed) bytes start in the file */
	const char *media_type;
	const unsigned char *digest; /* SHA-256 from the manifest; NULL before bundle_verify */
};

/* Open and check the container of the bundle at path.  Close with bundle_close. */
enum bundle_status bundle_open(const char *path, struct bundle **b, struct bundle_error *err);

/*
 * The same for a bundle of size bytes that is not on disk, read through
 * read(ctx, ...) (bfile.h; release(ctx), when not NULL, is called when the
 * bundle is closed, or at once if it cannot be opened).  shown names it in
 * messages.  An update's target before it is made (update_target_plan):
 * every check of the container but libzip's, which reads ahead into bytes
 * such a reader may not have.
 */
enum bundle_status bundle_open_reader(const char *shown, uint64_t size, bfile_read_fn read,
                                      void *ctx, void (*release)(void *ctx), struct bundle **b,
                                      struct bundle_error *err);

/*
 * Check the signature with the trusted keys, then the manifest, the entry
 * list, course.json and META-INF/chunks.  Until it succeeds, content cannot
 * be read.  trust may hold any number of keys.
 */
enum bundle_status bundle_verify(struct bundle *b, const struct trust *trust,
                                 struct bundle_error *err);

/*
 * For a producer previewing their own work (`sampan-play serve
 * --allow-unsigned`): every check of bundle_verify but the signature's,
 * which is parsed but not verified against any key.  Nothing proves who
 * made such a bundle or that it was not changed: whoever shows it must say
 * so.  bundle_is_preview tells which kind of verification a bundle had.
 */
enum bundle_status bundle_verify_preview(struct bundle *b, struct bundle_error *err);
bool bundle_is_preview(const struct bundle *b);

/*
 * Called once per entry checked by bundle_verify_content: status BUNDLE_OK,
 * or the entry's failure with its rule and message in result.
 */
typedef void (*bundle_report)(void *ctx, size_t index, const struct bundle_error *result);

/*
 * Check every entry's bytes: digest, chunk digests, size, CRC-32.  Goes on
 * after a bad entry and reports each; returns BUNDLE_ENTRY_BAD with the
 * first failure in err, or BUNDLE_OK.  report may be NULL.
 */
enum bundle_status bundle_verify_content(struct bundle *b, bundle_report report, void *ctx,
                                         struct bundle_error *err);

/*
 * bundle_verify_content for a copy of b's file that is being written (an
 * install): every entry's bytes are read from copy, at b's offsets, as
 * soon as ready(ready_ctx, end) says that the bytes before end are there
 * (it waits until they are; false when they never will be: BUNDLE_IO).
 * What it checks is the copy once the copy, opened and verified as a
 * bundle, has b's layout (bundle_same_layout): then its result is what
 * bundle_verify_content of the copy would give.
 */
enum bundle_status bundle_verify_copy(struct bundle *b, const struct bfile *copy,
                                      bool (*ready)(void *ready_ctx, uint64_t end), void *ready_ctx,
                                      bundle_report report, void *ctx, struct bundle_error *err);

/*
 * Whether two verified bundles are the same file as far as any check
 * goes: the same size, META-INF/MANIFEST and entries at the same places
 * with the same headers' names, methods, sizes and CRC-32s.
 */
bool bundle_same_layout(const struct bundle *a, const struct bundle *b);

size_t bundle_count(const struct bundle *b);
/* Fill e with entry i. */
void bundle_entry(const struct bundle *b, size_t i, struct bundle_entry *e);
/* Index of the entry with that name, or BUNDLE_NOT_FOUND. */
size_t bundle_find(const struct bundle *b, const char *name, size_t len);

/*
 * Read entry i whole, checked (digest, chunks, CRC).  Refused with
 * BUNDLE_USAGE when the entry is larger than max or the bundle is not
 * verified.  *data is malloc'd (NUL-terminated for convenience); free it.
 */
enum bundle_status bundle_read(const struct bundle *b, size_t i, size_t max, unsigned char **data,
                               size_t *len, struct bundle_error *err);

/* The same into buf, which holds the entry's size bytes (bundle_entry). */
enum bundle_status bundle_read_into(const struct bundle *b, size_t i, unsigned char *buf,
                                    struct bundle_error *err);

/*
 * Read len bytes at off of entry i into out.  Stored entries read and check
 * only the chunks the range touches; deflated ones are inflated and checked
 * whole.  The range must lie inside the entry (BUNDLE_USAGE).
 */
enum bundle_status bundle_read_range(const struct bundle *b, size_t i, uint64_t off, size_t len,
                                     unsigned char *out, struct bundle_error *err);

/*
 * Whether entry i is checked by chunks (a stored entry over 1 MiB, listed
 * in META-INF/chunks): such an entry is read a chunk at a time with
 * bundle_read_chunk; every other entry is checked whole.
 */
bool bundle_is_chunked(const struct bundle *b, size_t i);

/*
 * Read chunk k (of BUNDLE_CHUNK_SIZE bytes, the last one shorter) of a
 * chunked entry into buf, which holds BUNDLE_CHUNK_SIZE bytes; *n is its
 * length.  BUNDLE_ENTRY_BAD (CHUNK_MISMATCH) when the bytes in buf do not
 * match META-INF/chunks: buf must not be used then.  BUNDLE_USAGE when the
 * entry is not chunked or has no chunk k.
 */
enum bundle_status bundle_read_chunk(const struct bundle *b, size_t i, uint64_t k,
                                     unsigned char *buf, size_t *n, struct bundle_error *err);

/*
 * For a deflated entry, so a server can answer `Content-Encoding: gzip`
 * without recompressing: read its comp_size raw deflate bytes into raw,
 * inflate them from there (into out, size bytes, when out is not NULL) and
 * check digest, size and CRC-32.  Only on success may raw be sent, as the
 * body of a gzip member whose trailer is the entry's CRC-32 and size
 * (bundle_entry): it holds the very bytes that were inflated and checked.
 * BUNDLE_USAGE for a stored entry.
 */
enum bundle_status bundle_read_deflated(const struct bundle *b, size_t i, unsigned char *raw,
                                        unsigned char *out, struct bundle_error *err);

/*
 * For showing a bundle that cannot be verified here (no trusted key): the
 * signature's key id and trusted comment, parsed but NOT verified, and an
 * entry's bytes checked only against their CRC-32.  Label what these give
 * as unverified; never decide anything on it.  *trusted_comment and *data
 * are malloc'd.
 */
enum bundle_status bundle_peek_signer(struct bundle *b, unsigned char keyid[MINISIGN_KEYID_SIZE],
                                      char **trusted_comment, struct bundle_error *err);
enum bundle_status bundle_read_unverified(const struct bundle *b, size_t i, size_t max,
                                          unsigned char **data, size_t *len,
                                          struct bundle_error *err);

/*
 * The open file, owned by the bundle: for its identity (fstat) or a copy
 * checked again afterwards, never to send entries' bytes from.  For a
 * bundle stored in parts, the first part's; bundle_bfile gives them all.
 */
int bundle_fd(const struct bundle *b);
const struct bfile *bundle_bfile(const struct bundle *b);
const char *bundle_path(const struct bundle *b);
uint64_t bundle_file_size(const struct bundle *b);

/* After bundle_verify: */
const struct course *bundle_course(const struct bundle *b);
const struct manifest *bundle_manifest(const struct bundle *b);
/* SHA-256 of META-INF/MANIFEST: names this exact content (ETags, caches). */
const unsigned char *bundle_manifest_digest(const struct bundle *b);
/* Key id of the signature (valid once bundle_verify has parsed it). */
const unsigned char *bundle_signer(const struct bundle *b);
bool bundle_is_verified(const struct bundle *b);

void bundle_close(struct bundle *b);

#endif

/*
 * writer.h - writing a bundle deterministically: the same files, time and
 * key give the same bytes (format-spec/bundle-v1.md, "Reproducibility").
 *
 *	bundle_writer_new(&w, &err);
 *	bundle_writer_add_data(w, "META-INF/course.json", json, len, &err);
 *	bundle_writer_add_file(w, "index.html", "build/index.html", &err);
 *	bundle_writer_write(w, secret_key, "course.sampan", &result, &err);
 *	bundle_writer_free(w);
 *
 * The writer makes `mimetype`, META-INF/MANIFEST, its signature and
 * META-INF/chunks itself; the caller adds every other entry, including
 * META-INF/course.json.  bundle_writer_write checks every name and the
 * course metadata, orders the entries, hashes them, signs the manifest,
 * writes a temporary file beside the target through libzip, opens and fully
 * verifies it with the signer's key, and only then renames it into place:
 * a failed or interrupted write never leaves a file at the target path.
 */
#ifndef SAMPAN_BUNDLE_WRITER_H
#define SAMPAN_BUNDLE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "minisign.h"

struct bundle_writer;

enum bundle_phase {
	BUNDLE_PHASE_HASH, /* reading and hashing the inputs */
	BUNDLE_PHASE_WRITE, /* writing the ZIP */
	BUNDLE_PHASE_VERIFY /* checking what was written */
};

/* Progress: bytes done of total in the current phase. */
typedef void (*bundle_writer_progress)(void *ctx, enum bundle_phase phase, uint64_t done,
                                       uint64_t total);

struct bundle_write_result {
	size_t entries; /* entries in the bundle, mimetype and META-INF included */
	uint64_t file_size; /* bytes of the bundle file */
	uint64_t stored_bytes; /* bytes of stored entries */
	uint64_t deflated_bytes; /* uncompressed bytes of deflated entries */
	uint64_t deflated_comp; /* their compressed bytes */
	unsigned parts; /* written as this many parts (out.001, ...); 0: one file */
};

enum bundle_status bundle_writer_new(struct bundle_writer **w, struct bundle_error *err);

/* The time written on every entry (UTC, e.g. SOURCE_DATE_EPOCH); default 1980-01-01 00:00:00. */
void bundle_writer_set_time(struct bundle_writer *w, int64_t unix_time);

void bundle_writer_set_progress(struct bundle_writer *w, bundle_writer_progress fn, void *ctx);

/*
 * Store the bundle as parts out.001, out.002, ... of part_size bytes
 * (format-spec section 20) when it is larger than part_size; 0 (the
 * default) never splits.  Written whole, the bundle replaces parts left
 * from an earlier build; written as parts, a whole file of that name.
 */
void bundle_writer_set_split(struct bundle_writer *w, uint64_t part_size);

/*
 * Asked between steps while the bundle is made: non-zero stops the write
 * (BUNDLE_IO, "interrupted"), and nothing is left behind.  For SIGINT.
 */
void bundle_writer_set_cancel(struct bundle_writer *w, int (*cancel)(void *ctx), void *ctx);

/*
 * Add an entry whose bytes are read from the regular file at path when
 * the bundle is written.  The name is checked at once (the path checker);
 * reserved names (mimetype, META-INF/MANIFEST, META-INF/MANIFEST.minisig,
 * META-INF/chunks) are refused with RULE_INPUT_INVALID.
 */
enum bundle_status bundle_writer_add_file(struct bundle_writer *w, const char *name,
                                          const char *path, struct bundle_error *err);

/* Add an entry from len bytes (copied). */
enum bundle_status bundle_writer_add_data(struct bundle_writer *w, const char *name,
                                          const void *data, size_t len, struct bundle_error *err);

/*
 * Write, sign, verify and rename into place.  sk signs; out_path must name
 * a file in an existing folder.  result may be NULL.  A writer writes once;
 * a second call is refused with BUNDLE_USAGE.
 */
enum bundle_status bundle_writer_write(struct bundle_writer *w, const struct minisign_seckey *sk,
                                       const char *out_path, struct bundle_write_result *result,
                                       struct bundle_error *err);

void bundle_writer_free(struct bundle_writer *w);

/* The DOS time and date the writer uses for a Unix time (exposed for tests). */
void bundle_writer_dos_time(int64_t unix_time, uint16_t *dostime, uint16_t *dosdate);

#endif

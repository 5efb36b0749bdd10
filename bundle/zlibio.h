/*
 * zlibio.h - raw deflate streams of deflated entries and CRC-32, with zlib
 * (the only file that includes <zlib.h>).  format-spec/bundle-v1.md,
 * "Compression" and "Content verification".
 */
#ifndef SAMPAN_BUNDLE_ZLIBIO_H
#define SAMPAN_BUNDLE_ZLIBIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Receives inflated bytes in order; a non-OK status stops the inflation. */
typedef enum bundle_status (*zlibio_sink)(void *ctx, const unsigned char *data, size_t len,
                                          struct bundle_error *err);

/*
 * Inflate the comp_size bytes of raw deflate at offset of f, which must
 * give exactly size bytes, and hand them to sink.  *crc receives their
 * CRC-32.  name (name_len bytes) is the entry, for messages.
 * RULE_DEFLATE_INVALID: a corrupt stream, compressed bytes that end before
 * its final block does, or bytes after its end; RULE_SIZE_MISMATCH: the
 * stream gives fewer or more than size bytes.  The first of these in the
 * stream decides; no more than size + 1 bytes are ever inflated.  Memory use
 * is fixed (two 64 KiB buffers and zlib's window).  Thread-safe (pread on
 * fd).
 */
struct bfile;

enum bundle_status zlibio_inflate(const struct bfile *f, uint64_t offset, uint64_t comp_size,
                                  uint64_t size, const char *name, size_t name_len,
                                  zlibio_sink sink, void *ctx, uint32_t *crc,
                                  struct bundle_error *err);

/*
 * The same, from the comp_size raw deflate bytes at raw in memory.  When
 * dst is not NULL the output goes straight into it (size bytes) and sink
 * sees each span where it lies in dst; else through a 64 KiB buffer.
 */
enum bundle_status zlibio_inflate_mem(const unsigned char *raw, uint64_t comp_size, uint64_t size,
                                      unsigned char *dst, const char *name, size_t name_len,
                                      zlibio_sink sink, void *ctx, uint32_t *crc,
                                      struct bundle_error *err);

/* The size of data deflated as the format's writers do (level 9, memLevel 9, raw). */
enum bundle_status zlibio_deflated_size(const void *data, size_t len, uint64_t *comp_size,
                                        struct bundle_error *err);

/*
 * data (at most 64 MiB) as one gzip member (RFC 1952, level 9), malloc'd in
 * *out: for the player's own files that browsers take gzipped.
 */
enum bundle_status zlibio_gzip(const void *data, size_t len, unsigned char **out, size_t *out_len,
                               struct bundle_error *err);

/* Update a CRC-32 (start with 0). */
uint32_t zlibio_crc32(uint32_t crc, const void *data, size_t len);

#endif

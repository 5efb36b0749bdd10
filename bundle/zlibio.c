/* zlibio.c - raw deflate with zlib (RFC 1951) for deflated entries; CRC-32 for the ZIP headers. */
#include "zlibio.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bfile.h"
#include "container.h"

#define IO_CHUNK 65536u

uint32_t zlibio_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len > 0) {
		uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

static enum bundle_status bad(struct bundle_error *err, enum bundle_rule rule, const char *name,
                              size_t name_len, const char *why)
{
	return bundle_error_set(err, BUNDLE_ENTRY_BAD, rule, name, name_len, "%s", why);
}

/* Where the raw deflate bytes come from: a file read in IO_CHUNK pieces, or memory. */
struct zsource {
	const struct bfile *file;
	uint64_t offset;
	const unsigned char *mem; /* when not NULL, the comp_size bytes themselves */
	unsigned char *buf; /* IO_CHUNK bytes, for the file */
};

/*
 * Inflate comp_size bytes from src as one raw deflate stream that must
 * produce exactly size bytes (format-spec/bundle-v1.md, "Content
 * verification"): into dst (size bytes) when it is not NULL, else through
 * a buffer of IO_CHUNK bytes; sink sees every span produced, where it lies.
 * One pass, and the first event decides: a corrupt code (DEFLATE_INVALID);
 * output beyond the declared size (SIZE_MISMATCH, seen with one byte of
 * room past it, so no more is ever made); the end of the final block with
 * output short (SIZE_MISMATCH) or compressed bytes left (DEFLATE_INVALID);
 * the compressed bytes running out before the final block ends
 * (DEFLATE_INVALID).
 */
static enum bundle_status inflate_from(struct zsource *src, uint64_t comp_size, uint64_t size,
                                       unsigned char *dst, const char *name, size_t name_len,
                                       zlibio_sink sink, void *ctx, uint32_t *crc,
                                       struct bundle_error *err)
{
	z_stream z;
	unsigned char *out = NULL, spill[1];
	uint64_t in_done = 0, out_done = 0;
	enum bundle_status st = BUNDLE_OK;
	int zr = Z_OK;

	*crc = 0;
	memset(&z, 0, sizeof(z));
	if (!dst)
		out = malloc(IO_CHUNK);
	if ((!dst && !out) || inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		free(out);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	while (zr != Z_STREAM_END) {
		uint64_t room = size - out_done + 1;
		unsigned char *span;
		size_t produced;

		if (z.avail_in == 0 && in_done < comp_size) {
			uint64_t left = comp_size - in_done;
			size_t n;
			if (src->mem) {
				/* straight from memory, up to 1 GiB at a time (uInt) */
				n = left > 0x40000000u ? 0x40000000u : (size_t)left;
				z.next_in = (Bytef *)(uintptr_t)(src->mem + in_done);
			} else {
				n = left > IO_CHUNK ? IO_CHUNK : (size_t)left;
				st = bfile_pread(src->file, src->buf, n, src->offset + in_done,
				                 err);
				if (st != BUNDLE_OK)
					goto done;
				z.next_in = src->buf;
			}
			in_done += n;
			z.avail_in = (uInt)n;
		}
		if (!dst) {
			span = out;
			z.avail_out = room < IO_CHUNK ? (uInt)room : IO_CHUNK;
		} else if (room > 1) {
			/* straight into dst, up to its end */
			span = dst + out_done;
			z.avail_out = room - 1 > 0x40000000u ? 0x40000000u : (uInt)(room - 1);
		} else {
			/* dst is full: one byte of room past it, to see whether there is more */
			span = spill;
			z.avail_out = 1;
		}
		z.next_out = span;
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr == Z_BUF_ERROR && z.avail_in == 0 && in_done == comp_size) {
			st = bad(err, RULE_DEFLATE_INVALID, name, name_len,
			         "the compressed bytes end before the deflate stream does");
			goto done;
		}
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			st = bad(err, RULE_DEFLATE_INVALID, name, name_len,
			         zr == Z_MEM_ERROR ? "out of memory while inflating"
			                           : "the deflate stream is corrupt");
			goto done;
		}
		produced = (size_t)(z.next_out - span);
		if (produced > size - out_done) {
			st = bad(err, RULE_SIZE_MISMATCH, name, name_len,
			         "inflates to more bytes than its declared size");
			goto done;
		}
		out_done += produced;
		*crc = zlibio_crc32(*crc, span, produced);
		if (produced) {
			st = sink(ctx, span, produced, err);
			if (st != BUNDLE_OK)
				goto done;
		}
	}
	if (out_done != size) {
		st = bad(err, RULE_SIZE_MISMATCH, name, name_len,
		         "inflates to fewer bytes than its declared size");
		goto done;
	}
	if (z.avail_in != 0 || in_done != comp_size) {
		st = bad(err, RULE_DEFLATE_INVALID, name, name_len,
		         "bytes after the end of the deflate stream");
		goto done;
	}
done:
	inflateEnd(&z);
	free(out);
	return st;
}

enum bundle_status zlibio_inflate(const struct bfile *f, uint64_t offset, uint64_t comp_size,
                                  uint64_t size, const char *name, size_t name_len,
                                  zlibio_sink sink, void *ctx, uint32_t *crc,
                                  struct bundle_error *err)
{
	struct zsource src = { f, offset, NULL, malloc(IO_CHUNK) };
	enum bundle_status st;

	if (!src.buf)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	st = inflate_from(&src, comp_size, size, NULL, name, name_len, sink, ctx, crc, err);
	free(src.buf);
	return st;
}

enum bundle_status zlibio_inflate_mem(const unsigned char *raw, uint64_t comp_size, uint64_t size,
                                      unsigned char *dst, const char *name, size_t name_len,
                                      zlibio_sink sink, void *ctx, uint32_t *crc,
                                      struct bundle_error *err)
{
	struct zsource src = { NULL, 0, raw, NULL };

	return inflate_from(&src, comp_size, size, dst, name, name_len, sink, ctx, crc, err);
}

enum bundle_status zlibio_deflated_size(const void *data, size_t len, uint64_t *comp_size,
                                        struct bundle_error *err)
{
	z_stream z;
	unsigned char *out = malloc(IO_CHUNK);
	const unsigned char *p = data;
	size_t left = len;
	int zr = Z_OK;

	memset(&z, 0, sizeof(z));
	if (!out || deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	*comp_size = 0;
	do {
		uInt n = left > 0x40000000u ? 0x40000000u : (uInt)left;
		z.next_in = (Bytef *)(uintptr_t)p;
		z.avail_in = n;
		p += n;
		left -= n;
		do {
			z.next_out = out;
			z.avail_out = IO_CHUNK;
			zr = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
			*comp_size += IO_CHUNK - z.avail_out;
		} while (z.avail_out == 0);
	} while (left > 0 || zr != Z_STREAM_END);
	deflateEnd(&z);
	free(out);
	return BUNDLE_OK;
}

enum bundle_status zlibio_gzip(const void *data, size_t len, unsigned char **out, size_t *out_len,
                               struct bundle_error *err)
{
	z_stream z;
	uLong bound;
	unsigned char *buf;
	int zr;

	*out = NULL;
	*out_len = 0;
	if (len > 64u * 1024 * 1024)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0, "too large to gzip");
	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: a gzip header and trailer around the deflate stream. */
	if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	bound = deflateBound(&z, (uLong)len);
	buf = malloc(bound);
	if (!buf) {
		deflateEnd(&z);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	zr = deflate(&z, Z_FINISH);
	*out_len = (size_t)z.total_out;
	deflateEnd(&z);
	if (zr != Z_STREAM_END) {
		free(buf);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "gzip failed");
	}
	*out = buf;
	return BUNDLE_OK;
}

/* test_zlibio.c - deflate and CRC-32 through zlib: sizes as level 9 gives them, inflation that gives the exact bytes or refuses (bundle/zlibio.c). */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "bfile.h"
#include "error.h"
#include "zlibio.h"

static unsigned char *raw_deflate(const unsigned char *data, size_t len, size_t *out_len)
{
	z_stream z;
	uLong cap;
	unsigned char *out;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, (uLong)len) + 16;
	out = malloc(cap);
	assert_non_null(out);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = (size_t)z.total_out;
	deflateEnd(&z);
	return out;
}

static unsigned char *text_data(size_t n)
{
	static const char words[] = "the pump moves water through the pipe; ";
	unsigned char *d = malloc(n);
	uint32_t x = 7;

	assert_non_null(d);
	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		d[i] = (x >> 28) == 0 ? (unsigned char)('A' + (x >> 20) % 26)
		                      : (unsigned char)words[i % (sizeof(words) - 1)];
	}
	return d;
}

static unsigned char *random_data(size_t n)
{
	unsigned char *d = malloc(n);
	uint32_t x = 2463534242u;

	assert_non_null(d);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		d[i] = (unsigned char)x;
	}
	return d;
}

static void crc32_of_check_string(void **state)
{
	(void)state;
	assert_int_equal(zlibio_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(zlibio_crc32(zlibio_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
	assert_int_equal(zlibio_crc32(0, "", 0), 0);
}

static void deflated_size_matches_zlib_level_9(void **state)
{
	size_t sizes[] = { 0, 1, 3, 1000, 300000 };
	struct bundle_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *t = text_data(sizes[i] ? sizes[i] : 1);
		unsigned char *r = random_data(sizes[i] ? sizes[i] : 1);
		size_t want;
		unsigned char *c;
		uint64_t got = 0;

		c = raw_deflate(t, sizes[i], &want);
		assert_ok(zlibio_deflated_size(t, sizes[i], &got, &err), err);
		assert_int_equal(got, want);
		free(c);
		c = raw_deflate(r, sizes[i], &want);
		assert_ok(zlibio_deflated_size(r, sizes[i], &got, &err), err);
		assert_int_equal(got, want);
		free(c);
		free(t);
		free(r);
	}
}

struct collect {
	unsigned char *buf;
	size_t len, cap;
	int calls;
	bool fail;
};

static enum bundle_status collect_sink(void *ctx, const unsigned char *data, size_t len,
                                       struct bundle_error *err)
{
	struct collect *c = ctx;

	c->calls++;
	if (c->fail)
		return bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_DIGEST_MISMATCH, "sink", 4,
		                        "stopped by the sink");
	if (c->len + len > c->cap) {
		c->cap = (c->len + len) * 2;
		c->buf = realloc(c->buf, c->cap);
		assert_non_null(c->buf);
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return BUNDLE_OK;
}

/* A temp file holding 100 bytes of junk, comp, then 50 bytes of junk; returns an fd. */
struct deflate_file {
	char *dir, *path;
	int fd;
	unsigned char *data, *comp;
	size_t size, comp_size;
};

static void make_deflate_file(struct deflate_file *f, unsigned char *data, size_t size)
{
	unsigned char *all;

	f->data = data;
	f->size = size;
	f->comp = raw_deflate(data, size, &f->comp_size);
	all = malloc(f->comp_size + 150);
	assert_non_null(all);
	memset(all, 0xA5, 100);
	memcpy(all + 100, f->comp, f->comp_size);
	memset(all + 100 + f->comp_size, 0x5A, 50);
	f->dir = tu_tempdir();
	f->path = tu_path(f->dir, "entry.bin");
	tu_write(f->path, all, f->comp_size + 150);
	free(all);
	f->fd = open(f->path, O_RDONLY);
	assert_true(f->fd >= 0);
}

static void free_deflate_file(struct deflate_file *f)
{
	close(f->fd);
	free(f->data);
	free(f->comp);
	free(f->path);
	tu_rmrf(f->dir);
	free(f->dir);
}

static enum bundle_status inflate_as(struct deflate_file *f, uint64_t comp_size, uint64_t size,
                                     struct collect *c, uint32_t *crc, struct bundle_error *err)
{
	struct bfile bf;

	bundle_error_clear(err);
	bfile_from_fd(&bf, f->fd, UINT64_MAX);
	return zlibio_inflate(&bf, 100, comp_size, size, "lessons/01.html", 15, collect_sink, c,
	                      crc, err);
}

static void inflate_gives_exact_bytes_and_crc(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc = 1;

	(void)state;
	make_deflate_file(&f, text_data(300000), 300000);
	assert_true(f.comp_size < f.size / 2);
	assert_ok(inflate_as(&f, f.comp_size, f.size, &c, &crc, &err), err);
	assert_int_equal(c.len, f.size);
	assert_memory_equal(c.buf, f.data, f.size);
	assert_int_equal(crc, zlibio_crc32(0, f.data, f.size));
	assert_true(c.calls >= 5); /* 300,000 bytes come in 64 KiB pieces */
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_of_incompressible_data_larger_than_buffers(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc = 0;

	(void)state;
	make_deflate_file(&f, random_data(200000), 200000);
	assert_true(f.comp_size > 65536);
	assert_ok(inflate_as(&f, f.comp_size, f.size, &c, &crc, &err), err);
	assert_int_equal(c.len, f.size);
	assert_memory_equal(c.buf, f.data, f.size);
	assert_int_equal(crc, zlibio_crc32(0, f.data, f.size));
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_of_empty_stream(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc = 1;

	(void)state;
	make_deflate_file(&f, malloc(1), 0);
	assert_ok(inflate_as(&f, f.comp_size, 0, &c, &crc, &err), err);
	assert_int_equal(c.len, 0);
	assert_int_equal(crc, 0);
	assert_rule(inflate_as(&f, f.comp_size, 1, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_refuses_declared_size_smaller_or_larger(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;

	(void)state;
	make_deflate_file(&f, text_data(300000), 300000);
	assert_rule(inflate_as(&f, f.comp_size, f.size - 1, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	assert_string_equal(err.entry, "lessons/01.html");
	assert_non_null(strstr(err.message, "(SIZE_MISMATCH)"));
	c.len = 0;
	assert_rule(inflate_as(&f, f.comp_size, f.size + 1, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	c.len = 0;
	assert_rule(inflate_as(&f, f.comp_size, 10, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_SIZE_MISMATCH);
	/* never more than the declared size reaches the sink */
	assert_true(c.len <= 10);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_refuses_garbage(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;
	char *dir = tu_tempdir(), *path = tu_path(dir, "garbage.bin");
	unsigned char junk[4096];
	struct bfile bf;
	int fd;

	(void)state;
	memset(junk, 0xFF, sizeof(junk)); /* block type 3 is reserved */
	tu_write(path, junk, sizeof(junk));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	bundle_error_clear(&err);
	bfile_from_fd(&bf, fd, sizeof(junk));
	assert_rule(zlibio_inflate(&bf, 0, sizeof(junk), 1000, "x.html", 6, collect_sink, &c, &crc,
	                           &err),
	            BUNDLE_ENTRY_BAD, err, RULE_DEFLATE_INVALID);
	assert_string_equal(err.entry, "x.html");
	close(fd);
	free(path);
	tu_rmrf(dir);
	free(dir);

	/* a stream cut short */
	make_deflate_file(&f, text_data(300000), 300000);
	assert_rule(inflate_as(&f, f.comp_size - 10, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DEFLATE_INVALID);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_refuses_bytes_after_the_stream_end(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;

	(void)state;
	make_deflate_file(&f, text_data(5000), 5000);
	assert_rule(inflate_as(&f, f.comp_size + 3, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DEFLATE_INVALID);
	assert_string_equal(err.entry, "lessons/01.html");
	c.len = 0;
	assert_rule(inflate_as(&f, f.comp_size + 50, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DEFLATE_INVALID);
	free(c.buf);
	free_deflate_file(&f);
}

static void inflate_stops_when_the_sink_refuses(void **state)
{
	struct deflate_file f;
	struct collect c = { 0 };
	struct bundle_error err;
	uint32_t crc;

	(void)state;
	c.fail = true;
	make_deflate_file(&f, text_data(300000), 300000);
	assert_rule(inflate_as(&f, f.comp_size, f.size, &c, &crc, &err), BUNDLE_ENTRY_BAD, err,
	            RULE_DIGEST_MISMATCH);
	assert_int_equal(c.calls, 1);
	free(c.buf);
	free_deflate_file(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32_of_check_string),
		cmocka_unit_test(deflated_size_matches_zlib_level_9),
		cmocka_unit_test(inflate_gives_exact_bytes_and_crc),
		cmocka_unit_test(inflate_of_incompressible_data_larger_than_buffers),
		cmocka_unit_test(inflate_of_empty_stream),
		cmocka_unit_test(inflate_refuses_declared_size_smaller_or_larger),
		cmocka_unit_test(inflate_refuses_garbage),
		cmocka_unit_test(inflate_refuses_bytes_after_the_stream_end),
		cmocka_unit_test(inflate_stops_when_the_sink_refuses),
	};
	return cmocka_run_group_tests_name("zlibio", tests, NULL, NULL);
}

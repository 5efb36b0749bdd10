/*
 * test_mediainfo.c - image sizes from PNG, GIF, JPEG, WebP and SVG headers,
 * and the box layout of MP4 files, each written by hand in a temporary
 * folder (builder/mediainfo.c).
 */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mediainfo.h"

struct bytes {
	unsigned char d[8192];
	size_t n;
};

static void put(struct bytes *b, const void *data, size_t n)
{
	assert_true(b->n + n <= sizeof(b->d));
	memcpy(b->d + b->n, data, n);
	b->n += n;
}

static void put8(struct bytes *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

static void put16be(struct bytes *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v & 0xFF);
}

static void put32be(struct bytes *b, uint32_t v)
{
	put16be(b, v >> 16);
	put16be(b, v & 0xFFFF);
}

static void put16le(struct bytes *b, unsigned v)
{
	put8(b, v & 0xFF);
	put8(b, v >> 8);
}

static void put24le(struct bytes *b, uint32_t v)
{
	put16le(b, v & 0xFFFF);
	put8(b, v >> 16);
}

static void put32le(struct bytes *b, uint32_t v)
{
	put16le(b, v & 0xFFFF);
	put16le(b, v >> 16);
}

static void zeros(struct bytes *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(b, 0);
}

/* Start a box: its size is patched by box_end. */
static size_t box_begin(struct bytes *b, const char *type)
{
	size_t at = b->n;
	put32be(b, 0);
	put(b, type, 4);
	return at;
}

static void box_end(struct bytes *b, size_t at)
{
	uint32_t size = (uint32_t)(b->n - at);
	b->d[at] = (unsigned char)(size >> 24);
	b->d[at + 1] = (unsigned char)(size >> 16);
	b->d[at + 2] = (unsigned char)(size >> 8);
	b->d[at + 3] = (unsigned char)size;
}

static char *save(const char *name, const void *data, size_t n)
{
	char *path = tu_path(tu_dir, name);
	tu_write(path, data, n);
	return path;
}

static void assert_image(const char *name, const void *data, size_t n, unsigned w, unsigned h)
{
	char *path = save(name, data, n);
	unsigned gw = 0, gh = 0;

	if (!mediainfo_image_size(path, &gw, &gh))
		fail_msg("%s: no size", name);
	if (gw != w || gh != h)
		fail_msg("%s: %ux%u, want %ux%u", name, gw, gh, w, h);
	free(path);
}

static void assert_no_image(const char *name, const void *data, size_t n)
{
	char *path = save(name, data, n);
	unsigned w = 0, h = 0;

	if (mediainfo_image_size(path, &w, &h))
		fail_msg("%s: got %ux%u, want no size", name, w, h);
	free(path);
}

static void test_png(void **state)
{
	struct bytes b = { .n = 0 };

	(void)state;
	put(&b, "\x89PNG\r\n\x1a\n", 8);
	put32be(&b, 13);
	put(&b, "IHDR", 4);
	put32be(&b, 640);
	put32be(&b, 360);
	put(&b, "\x08\x06\x00\x00\x00", 5);
	put32be(&b, 0);
	assert_image("a.png", b.d, b.n, 640, 360);
	/* Cut inside IHDR, or a zero width: no size. */
	assert_no_image("cut.png", b.d, 20);
	b.d[16 + 3] = 0;
	b.d[16 + 2] = 0;
	assert_no_image("zero.png", b.d, b.n);
}

static void test_gif(void **state)
{
	struct bytes b = { .n = 0 };

	(void)state;
	put(&b, "GIF89a", 6);
	put16le(&b, 300);
	put16le(&b, 2);
	zeros(&b, 8);
	assert_image("a.gif", b.d, b.n, 300, 2);
	memcpy(b.d, "GIF87a", 6);
	assert_image("b.gif", b.d, b.n, 300, 2);
}

static void jpeg_sof(struct bytes *b, unsigned marker, unsigned w, unsigned h)
{
	put8(b, 0xFF);
	put8(b, marker);
	put16be(b, 17);
	put8(b, 8);
	put16be(b, h);
	put16be(b, w);
	put8(b, 3);
	zeros(b, 9);
}

static void test_jpeg(void **state)
{
	struct bytes b = { .n = 0 };

	(void)state;
	put(&b, "\xFF\xD8", 2);
	/* APP0 (JFIF), then a DHT (0xC4 is not a frame), fill bytes, then SOF0. */
	put(&b, "\xFF\xE0", 2);
	put16be(&b, 16);
	put(&b, "JFIF\0", 5);
	zeros(&b, 9);
	put(&b, "\xFF\xC4", 2);
	put16be(&b, 5);
	zeros(&b, 3);
	put8(&b, 0xFF);
	jpeg_sof(&b, 0xC0, 1024, 768);
	put(&b, "\xFF\xD9", 2);
	assert_image("a.jpg", b.d, b.n, 1024, 768);

	b.n = 0;
	put(&b, "\xFF\xD8", 2);
	jpeg_sof(&b, 0xC2, 33, 44); /* progressive */
	assert_image("p.jpeg", b.d, b.n, 33, 44);

	/* The scan before any frame header: no size, and no reading past the end. */
	b.n = 0;
	put(&b, "\xFF\xD8\xFF\xDA", 4);
	put16be(&b, 8);
	zeros(&b, 6);
	assert_no_image("sos.jpg", b.d, b.n);
	/* A segment length beyond the file. */
	b.n = 0;
	put(&b, "\xFF\xD8\xFF\xE1\xFF\xFF", 6);
	assert_no_image("long.jpg", b.d, b.n);
}

static void test_webp(void **state)
{
	struct bytes b = { .n = 0 };

	(void)state;
	put(&b, "RIFF", 4);
	put32le(&b, 30);
	put(&b, "WEBPVP8 ", 8);
	put32le(&b, 18);
	zeros(&b, 3);
	put(&b, "\x9D\x01\x2A", 3);
	put16le(&b, 400 | 0x4000); /* the top two bits are a scale */
	put16le(&b, 225);
	zeros(&b, 8);
	assert_image("lossy.webp", b.d, b.n, 400, 225);

	b.n = 0;
	put(&b, "RIFF", 4);
	put32le(&b, 30);
	put(&b, "WEBPVP8L", 8);
	put32le(&b, 10);
	put8(&b, 0x2F);
	put32le(&b, (uint32_t)(799) | (uint32_t)(599) << 14);
	zeros(&b, 8);
	assert_image("lossless.webp", b.d, b.n, 800, 600);

	b.n = 0;
	put(&b, "RIFF", 4);
	put32le(&b, 30);
	put(&b, "WEBPVP8X", 8);
	put32le(&b, 10);
	put8(&b, 0x10);
	zeros(&b, 3);
	put24le(&b, 1919);
	put24le(&b, 1079);
	zeros(&b, 8);
	assert_image("ext.webp", b.d, b.n, 1920, 1080);
}

static void assert_svg(const char *text, unsigned w, unsigned h)
{
	assert_image("a.svg", text, strlen(text), w, h);
}

static void test_svg(void **state)
{
	(void)state;
	assert_svg("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"80\"/>", 120,
	           80);
	assert_svg("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- <svg width=\"1\" height=\"1\"> -->\n"
	           "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n"
	           "<svg\n  stroke-width='3' width='64.4px' height = '31.6px'>",
	           64, 32);
	assert_svg("<svg viewBox=\"0 0 300 150\">", 300, 150);
	assert_svg("<svg viewBox=\"-10,-10,200,100\" width=\"100%\" height=\"50%\">", 200, 100);
	assert_svg("<svg viewBox=\"0 0 300 150\" width=\"600\">", 600, 300);
	assert_svg("<svg viewBox=\"0 0 300 150\" height=\"75\">", 150, 75);
	/* every CSS unit, at 96 px to the inch and 16 px to the em, as a browser draws it */
	assert_svg("<svg width=\"10mm\" height=\"5mm\" viewBox=\"0 0 100 50\">", 38, 19);
	assert_svg("<svg width=\"10mm\" height=\"5mm\">", 38, 19);
	assert_svg("<svg width=\"54.999542mm\" height=\"29.271mm\" viewBox=\"0 0 54.99902 "
	           "29.270101\">",
	           208, 111);
	assert_svg("<svg width=\"10.639929in\" height=\"5.1478114in\" viewBox=\"0 0 766 370\">",
	           1021, 494);
	assert_svg("<svg width=\"2.54cm\" height=\"72pt\">", 96, 96);
	assert_svg("<svg width=\"6pc\" height=\"101.6Q\">", 96, 96);
	assert_svg("<svg width=\"2em\" height=\"4ex\">", 32, 32);
	assert_svg("<svg width=\"1IN\" height=\"48PX\">", 96, 48);
	/* a unit that says nothing of the picture's own size: its viewBox decides */
	assert_svg("<svg width=\"50vw\" height=\"20mm\" viewBox=\"0 0 300 150\">", 151, 76);
	assert_no_image("furlong.svg", "<svg width=\"10fur\" height=\"5fur\">", 34);
	assert_no_image("html.svg", "<html><svg width=\"1\" height=\"1\"/>", 34);
	assert_no_image("text.svg", "hello", 5);
	assert_no_image("unterminated.svg", "<svg width=\"1", 13);
}

static void test_not_an_image(void **state)
{
	char *path;
	unsigned w = 7, h = 7;

	(void)state;
	assert_no_image("empty.png", "", 0);
	assert_no_image("pdf.png", "%PDF-1.4\n", 9);
	path = tu_path(tu_dir, "no-such-file.png");
	assert_false(mediainfo_image_size(path, &w, &h));
	free(path);
}

/* tkhd version 0 with a display size in 16.16 fixed point. */
static void tkhd(struct bytes *b, int version, uint32_t w16, uint32_t h16)
{
	size_t at = box_begin(b, "tkhd");
	put8(b, (unsigned)version);
	zeros(b, 3);
	zeros(b, version == 1 ? 32 : 20);
	zeros(b, 52);
	put32be(b, w16);
	put32be(b, h16);
	box_end(b, at);
}

static void trak(struct bytes *b, int version, uint32_t w16, uint32_t h16)
{
	size_t at = box_begin(b, "trak");
	size_t e = box_begin(b, "edts");
	box_end(b, e);
	tkhd(b, version, w16, h16);
	box_end(b, at);
}

static void ftyp(struct bytes *b)
{
	size_t at = box_begin(b, "ftyp");
	put(b, "isom\0\0\2\0isomiso2mp41", 20);
	box_end(b, at);
}

static void moov(struct bytes *b, int version)
{
	size_t at = box_begin(b, "moov");
	size_t m = box_begin(b, "mvhd");
	zeros(b, 100);
	box_end(b, m);
	trak(b, version, 0, 0); /* audio first: no size */
	trak(b, version, 1280u << 16, (720u << 16) | 0x8000);
	box_end(b, at);
}

static void mdat(struct bytes *b)
{
	size_t at = box_begin(b, "mdat");
	for (int i = 0; i < 256; i++)
		put8(b, (unsigned)i);
	box_end(b, at);
}

static enum mp4_layout layout(const char *name, const struct bytes *b, unsigned *w, unsigned *h)
{
	char *path = save(name, b->d, b->n);
	enum mp4_layout l = mediainfo_mp4(path, w, h);
	free(path);
	return l;
}

static void test_mp4_faststart(void **state)
{
	struct bytes b = { .n = 0 };
	unsigned w = 0, h = 0;

	(void)state;
	ftyp(&b);
	moov(&b, 0);
	mdat(&b);
	assert_int_equal(layout("fast.mp4", &b, &w, &h), MP4_FASTSTART);
	assert_int_equal(w, 1280);
	assert_int_equal(h, 721); /* 720.5 rounds up */

	b.n = 0;
	ftyp(&b);
	moov(&b, 1);
	mdat(&b);
	assert_int_equal(layout("v1.mp4", &b, NULL, NULL), MP4_FASTSTART);
	assert_int_equal(layout("v1.mp4", &b, &w, &h), MP4_FASTSTART);
	assert_int_equal(w, 1280);
}

static void test_mp4_moov_after_mdat(void **state)
{
	struct bytes b = { .n = 0 };
	unsigned w = 0, h = 0;

	(void)state;
	ftyp(&b);
	mdat(&b);
	moov(&b, 0);
	assert_int_equal(layout("slow.mp4", &b, &w, &h), MP4_MOOV_AFTER_MDAT);
	assert_int_equal(w, 1280);
	assert_int_equal(h, 721);
}

static void test_mp4_size_zero_and_largesize(void **state)
{
	struct bytes b = { .n = 0 };

	(void)state;
	/* mdat with size 0 runs to the end of the file: moov never comes. */
	ftyp(&b);
	put32be(&b, 0);
	put(&b, "mdat", 4);
	zeros(&b, 64);
	assert_int_equal(layout("zero.mp4", &b, NULL, NULL), MP4_NO_MOOV);

	/* A 64-bit largesize box, then moov after it. */
	b.n = 0;
	ftyp(&b);
	put32be(&b, 1);
	put(&b, "mdat", 4);
	put32be(&b, 0);
	put32be(&b, 16 + 32);
	zeros(&b, 32);
	moov(&b, 0);
	assert_int_equal(layout("large.mp4", &b, NULL, NULL), MP4_MOOV_AFTER_MDAT);

	/* Free space first, then moov and mdat: still fast. */
	b.n = 0;
	ftyp(&b);
	{
		size_t at = box_begin(&b, "free");
		zeros(&b, 8);
		box_end(&b, at);
	}
	moov(&b, 0);
	mdat(&b);
	assert_int_equal(layout("free.mp4", &b, NULL, NULL), MP4_FASTSTART);
}

static void test_mp4_hostile_sizes(void **state)
{
	struct bytes b = { .n = 0 };
	unsigned w = 9, h = 9;

	(void)state;
	/* mdat claims 4 GB in a 300-byte file: the walk stops at the end of the file. */
	ftyp(&b);
	put32be(&b, 0xFFFFFFF0u);
	put(&b, "mdat", 4);
	zeros(&b, 64);
	assert_int_equal(layout("huge.mp4", &b, &w, &h), MP4_NO_MOOV);
	assert_int_equal(w, 0);

	/* A box size smaller than its header. */
	b.n = 0;
	ftyp(&b);
	put32be(&b, 4);
	put(&b, "moov", 4);
	assert_int_equal(layout("small.mp4", &b, NULL, NULL), MP4_NO_MOOV);

	/* A largesize of 2^63 and a tkhd cut short inside moov. */
	b.n = 0;
	ftyp(&b);
	{
		size_t at = box_begin(&b, "moov");
		size_t t = box_begin(&b, "trak");
		size_t k = box_begin(&b, "tkhd");
		zeros(&b, 10);
		box_end(&b, k);
		box_end(&b, t);
		box_end(&b, at);
	}
	put32be(&b, 1);
	put(&b, "mdat", 4);
	put32be(&b, 0x80000000u);
	put32be(&b, 0);
	assert_int_equal(layout("cut.mp4", &b, &w, &h), MP4_FASTSTART);
	assert_int_equal(w, 0);
	assert_int_equal(h, 0);
}

static void test_not_mp4(void **state)
{
	struct bytes b = { .n = 0 };

	(void)state;
	put(&b, "not a video at all, just text", 29);
	assert_int_equal(layout("text.mp4", &b, NULL, NULL), MP4_NOT_MP4);
	b.n = 0;
	assert_int_equal(layout("empty.mp4", &b, NULL, NULL), MP4_NOT_MP4);
	b.n = 0;
	put(&b, "\x1a\x45\xdf\xa3", 4); /* WebM */
	zeros(&b, 40);
	assert_int_equal(layout("webm.mp4", &b, NULL, NULL), MP4_NOT_MP4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_gif),
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_webp),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_not_an_image),
		cmocka_unit_test(test_mp4_faststart),
		cmocka_unit_test(test_mp4_moov_after_mdat),
		cmocka_unit_test(test_mp4_size_zero_and_largesize),
		cmocka_unit_test(test_mp4_hostile_sizes),
		cmocka_unit_test(test_not_mp4),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}

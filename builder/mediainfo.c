/* mediainfo.c - image sizes and MP4 box layout from the files' headers only, every read bounded. */
#include "mediainfo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define JPEG_SEGMENTS_MAX 4096 /* markers walked before giving up */
#define JPEG_SCAN_MAX (64u << 20) /* bytes walked before giving up */
#define SVG_HEAD_MAX (64u * 1024) /* the root element comes within this */
#define MP4_BOXES_MAX 100000 /* top-level boxes walked */
#define MP4_CHILDREN_MAX 10000 /* children of one box walked */
#define IMAGE_SIDE_MAX 1000000u /* larger is a broken header, not an image */

struct reader {
	FILE *f;
	uint64_t size;
};

static bool reader_open(struct reader *r, const char *path)
{
	struct stat sb;

	r->f = fopen(path, "rb");
	if (!r->f)
		return false;
	if (fstat(fileno(r->f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0) {
		fclose(r->f);
		r->f = NULL;
		return false;
	}
	r->size = (uint64_t)sb.st_size;
	return true;
}

/* Exactly n bytes at off, all inside the file. */
static bool read_at(struct reader *r, uint64_t off, void *buf, size_t n)
{
	if (off > r->size || n > r->size - off)
		return false;
	if (fseeko(r->f, (off_t)off, SEEK_SET) != 0)
		return false;
	return fread(buf, 1, n, r->f) == n;
}

static uint32_t be16(const unsigned char *b)
{
	return (uint32_t)b[0] << 8 | b[1];
}

static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t be64(const unsigned char *b)
{
	return (uint64_t)be32(b) << 32 | be32(b + 4);
}

static uint32_t le16(const unsigned char *b)
{
	return (uint32_t)b[1] << 8 | b[0];
}

static uint32_t le24(const unsigned char *b)
{
	return (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static uint32_t le32(const unsigned char *b)
{
	return (uint32_t)b[3] << 24 | le24(b);
}

static bool set_size(uint64_t w, uint64_t h, unsigned *width, unsigned *height)
{
	if (w == 0 || h == 0 || w > IMAGE_SIDE_MAX || h > IMAGE_SIDE_MAX)
		return false;
	*width = (unsigned)w;
	*height = (unsigned)h;
	return true;
}

/* JPEG: the first start-of-frame marker (SOF0 to SOF15 but DHT, JPG and DAC) before the scan. */
static bool jpeg_size(struct reader *r, unsigned *width, unsigned *height)
{
	uint64_t pos = 2;

	for (int seg = 0; seg < JPEG_SEGMENTS_MAX && pos < JPEG_SCAN_MAX; seg++) {
		unsigned char b[7];
		unsigned m;
		uint32_t len;

		if (!read_at(r, pos, b, 1) || b[0] != 0xFF)
			return false;
		/* Fill bytes: any number of 0xFF before the marker. */
		do {
			pos++;
			if (!read_at(r, pos, b, 1) || pos >= JPEG_SCAN_MAX)
				return false;
		} while (b[0] == 0xFF);
		m = b[0];
		pos++;
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
			continue;
		if (m == 0xD9 || m == 0xDA || m == 0x00)
			return false;
		if (!read_at(r, pos, b, 2))
			return false;
		len = be16(b);
		if (len < 2)
			return false;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (len < 7 || !read_at(r, pos + 2, b, 5))
				return false;
			return set_size(be16(b + 3), be16(b + 1), width, height);
		}
		pos += len;
	}
	return false;
}

/*
 * CSS pixels in one unit of an SVG length, as a browser sizes the picture:
 * 96 px to the inch; em and ex at the default font size (16 px, medium).
 * 0 for a unit the picture's own size cannot come from (%, vw...).
 */
static double svg_unit(const char *u, size_t n)
{
	static const struct {
		const char *name;
		double px;
	} units[] = {
		{ "", 1 },           { "px", 1 },         { "in", 96 },        { "cm", 96 / 2.54 },
		{ "mm", 96 / 25.4 }, { "q", 96 / 101.6 }, { "pt", 96.0 / 72 }, { "pc", 16 },
		{ "em", 16 },        { "ex", 8 },
	};
	size_t i, k;

	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strlen(units[i].name) != n)
			continue;
		for (k = 0; k < n && (u[k] | 0x20) == units[i].name[k]; k++)
			;
		if (k == n)
			return units[i].px;
	}
	return 0;
}

/*
 * A number with an optional fraction, then (with units) an optional CSS
 * unit, in CSS pixels; false for a percentage or junk.
 */
static bool svg_length(const char *s, size_t n, bool units, double *out)
{
	size_t i = 0;
	double v = 0, scale = 1;
	bool digits = false;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i < n && s[i] == '+')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		v = v * 10 + (s[i++] - '0');
		digits = true;
	}
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			scale /= 10;
			v += (s[i++] - '0') * scale;
			digits = true;
		}
	}
	if (!digits)
		return false;
	if (units) {
		size_t u = i;
		double px;

		while (i < n && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
			i++;
		px = svg_unit(s + u, i - u);
		if (px == 0)
			return false;
		v *= px;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	*out = v;
	return i == n;
}

/* viewBox="min-x min-y width height", separated by spaces and/or commas. */
static bool svg_viewbox(const char *s, size_t n, double *w, double *h)
{
	double v[4];
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		size_t start;
		bool neg = false;
		while (i < n &&
		       (s[i] == ' ' || s[i] == ',' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
			i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			neg = s[i++] == '-';
		start = i;
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			i++;
		if (!svg_length(s + start, i - start, false, &v[k]))
			return false;
		if (neg)
			v[k] = -v[k];
	}
	*w = v[2];
	*h = v[3];
	return *w > 0 && *h > 0;
}

static const char *skip_past(const char *s, const char *end, const char *what)
{
	size_t n = strlen(what);

	for (; s + n <= end; s++)
		if (memcmp(s, what, n) == 0)
			return s + n;
	return NULL;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* SVG: the root <svg> element's width and height in any absolute CSS unit or em/ex, else its viewBox. */
static bool svg_size(const char *s, size_t n, unsigned *width, unsigned *height)
{
	const char *end = s + n, *wv = NULL, *hv = NULL, *vb = NULL;
	size_t wn = 0, hn = 0, vbn = 0;
	double w = 0, h = 0, vw = 0, vh = 0;
	bool has_w, has_h, has_vb;

	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	/* Skip the prolog: declaration, comments, processing instructions, doctype. */
	for (;;) {
		while (s < end && is_space(*s))
			s++;
		if (s >= end || *s != '<')
			return false;
		if (end - s >= 4 && memcmp(s, "<!--", 4) == 0)
			s = skip_past(s + 4, end, "-->");
		else if (end - s >= 2 && memcmp(s, "<?", 2) == 0)
			s = skip_past(s + 2, end, "?>");
		else if (end - s >= 2 && memcmp(s, "<!", 2) == 0) {
			const char *gt = memchr(s, '>', (size_t)(end - s));
			const char *br = memchr(s, '[', (size_t)(end - s));
			s = br && gt && br < gt ? skip_past(br, end, "]>") : (gt ? gt + 1 : NULL);
		} else
			break;
		if (!s)
			return false;
	}
	if (end - s < 5 || memcmp(s, "<svg", 4) != 0 ||
	    !(is_space(s[4]) || s[4] == '>' || s[4] == '/'))
		return false;
	s += 4;
	/* The attributes, up to the end of the start tag. */
	while (s < end) {
		const char *name, *val;
		size_t name_len;
		char q;

		while (s < end && is_space(*s))
			s++;
		if (s >= end || *s == '>' || *s == '/')
			break;
		name = s;
		while (s < end && !is_space(*s) && *s != '=' && *s != '>' && *s != '/')
			s++;
		name_len = (size_t)(s - name);
		while (s < end && is_space(*s))
			s++;
		if (s >= end || *s != '=')
			continue;
		s++;
		while (s < end && is_space(*s))
			s++;
		if (s >= end || (*s != '"' && *s != '\''))
			return false;
		q = *s++;
		val = s;
		s = memchr(s, q, (size_t)(end - s));
		if (!s)
			return false;
		if (name_len == 5 && memcmp(name, "width", 5) == 0) {
			wv = val;
			wn = (size_t)(s - val);
		} else if (name_len == 6 && memcmp(name, "height", 6) == 0) {
			hv = val;
			hn = (size_t)(s - val);
		} else if (name_len == 7 && memcmp(name, "viewBox", 7) == 0) {
			vb = val;
			vbn = (size_t)(s - val);
		}
		s++;
	}
	has_w = wv && svg_length(wv, wn, true, &w) && w > 0;
	has_h = hv && svg_length(hv, hn, true, &h) && h > 0;
	has_vb = vb && svg_viewbox(vb, vbn, &vw, &vh);
	if (!(has_w && has_h)) {
		if (!has_vb)
			return false;
		if (has_w)
			h = w * vh / vw;
		else if (has_h)
			w = h * vw / vh;
		else {
			w = vw;
			h = vh;
		}
	}
	if (w > IMAGE_SIDE_MAX || h > IMAGE_SIDE_MAX)
		return false;
	return set_size(w < 1 ? 1 : (uint64_t)(w + 0.5), h < 1 ? 1 : (uint64_t)(h + 0.5), width,
	                height);
}

bool mediainfo_image_size(const char *path, unsigned *width, unsigned *height)
{
	struct reader r;
	char *head = NULL;
	unsigned char *b;
	size_t n;
	bool ok = false;

	if (!reader_open(&r, path))
		return false;
	n = r.size < SVG_HEAD_MAX ? (size_t)r.size : SVG_HEAD_MAX;
	head = malloc(n + 1);
	if (!head || !read_at(&r, 0, head, n))
		goto cleanup;
	b = (unsigned char *)head;
	if (n >= 24 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(b + 12, "IHDR", 4) == 0) {
		if (be32(b + 16) <= 0x7FFFFFFF && be32(b + 20) <= 0x7FFFFFFF)
			ok = set_size(be32(b + 16), be32(b + 20), width, height);
	} else if (n >= 10 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0)) {
		ok = set_size(le16(b + 6), le16(b + 8), width, height);
	} else if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
		ok = jpeg_size(&r, width, height);
	} else if (n >= 30 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0) {
		if (memcmp(b + 12, "VP8 ", 4) == 0 && b[23] == 0x9D && b[24] == 0x01 &&
		    b[25] == 0x2A)
			ok = set_size(le16(b + 26) & 0x3FFF, le16(b + 28) & 0x3FFF, width, height);
		else if (memcmp(b + 12, "VP8L", 4) == 0 && b[20] == 0x2F)
			ok = set_size((le32(b + 21) & 0x3FFF) + 1,
			              ((le32(b + 21) >> 14) & 0x3FFF) + 1, width, height);
		else if (memcmp(b + 12, "VP8X", 4) == 0)
			ok = set_size((uint64_t)le24(b + 24) + 1, (uint64_t)le24(b + 27) + 1, width,
			              height);
	} else {
		ok = svg_size(head, n, width, height);
	}
cleanup:
	free(head);
	fclose(r.f);
	return ok;
}

struct box {
	char type[5];
	uint64_t start; /* of the header */
	uint64_t body; /* of the contents */
	uint64_t end; /* clamped to the parent (or the file) */
	bool truncated; /* the size said more than the parent holds */
};

/* The box header at off, inside [off, limit); false when there is none. */
static bool box_at(struct reader *r, uint64_t off, uint64_t limit, struct box *b)
{
	unsigned char h[16];
	uint64_t size;

	if (limit > r->size)
		limit = r->size;
	if (off >= limit || limit - off < 8 || !read_at(r, off, h, 8))
		return false;
	for (int i = 0; i < 4; i++) {
		if (h[4 + i] < 0x20 || h[4 + i] > 0x7E)
			return false;
		b->type[i] = (char)h[4 + i];
	}
	b->type[4] = '\0';
	b->start = off;
	b->body = off + 8;
	size = be32(h);
	if (size == 1) {
		if (limit - off < 16 || !read_at(r, off + 8, h + 8, 8))
			return false;
		size = be64(h + 8);
		b->body = off + 16;
	} else if (size == 0) {
		size = limit - off;
	}
	if (size < b->body - off)
		return false;
	b->truncated = size > limit - off;
	b->end = b->truncated ? limit : off + size;
	return true;
}

/* tkhd: the track's display width and height, 16.16 fixed point, after fields of either version. */
static bool tkhd_size(struct reader *r, const struct box *b, unsigned *width, unsigned *height)
{
	unsigned char v[8];
	uint64_t off;

	if (!read_at(r, b->body, v, 1))
		return false;
	off = b->body + 4 + (v[0] == 1 ? 32 : 20) + 52;
	if (off + 8 > b->end || !read_at(r, off, v, 8))
		return false;
	if (be32(v) < 0x8000 || be32(v + 4) < 0x8000)
		return false;
	*width = (unsigned)((be32(v) + 0x8000u) >> 16);
	*height = (unsigned)((be32(v + 4) + 0x8000u) >> 16);
	return true;
}

/* The first track of moov with a non-zero size. */
static void moov_size(struct reader *r, const struct box *moov, unsigned *width, unsigned *height)
{
	struct box trak, child;
	uint64_t off = moov->body;

	for (int i = 0; i < MP4_CHILDREN_MAX && box_at(r, off, moov->end, &trak); i++) {
		if (strcmp(trak.type, "trak") == 0) {
			uint64_t coff = trak.body;
			for (int j = 0; j < MP4_CHILDREN_MAX && box_at(r, coff, trak.end, &child);
			     j++) {
				if (strcmp(child.type, "tkhd") == 0 &&
				    tkhd_size(r, &child, width, height))
					return;
				coff = child.end;
			}
		}
		off = trak.end;
	}
}

static bool top_level_type(const char *t)
{
	static const char *const types[] = { "ftyp", "styp", "moov", "mdat", "free", "skip",
		                             "wide", "pdin", "uuid", "junk", "pnot", "sidx" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i]) == 0)
			return true;
	return false;
}

enum mp4_layout mediainfo_mp4(const char *path, unsigned *width, unsigned *height)
{
	struct reader r;
	struct box b;
	uint64_t off = 0;
	bool moov = false, mdat = false, moov_first = false, known = false;
	unsigned w = 0, h = 0;

	if (width)
		*width = 0;
	if (height)
		*height = 0;
	if (!reader_open(&r, path))
		return MP4_NOT_MP4;
	for (int i = 0; i < MP4_BOXES_MAX && box_at(&r, off, r.size, &b); i++) {
		if (i == 0 && !top_level_type(b.type))
			break;
		if (strcmp(b.type, "ftyp") == 0)
			known = true;
		if (strcmp(b.type, "moov") == 0 && !moov) {
			moov = true;
			moov_first = !mdat;
			moov_size(&r, &b, &w, &h);
		} else if (strcmp(b.type, "mdat") == 0) {
			mdat = true;
		}
		if (b.truncated)
			break;
		off = b.end;
	}
	fclose(r.f);
	if (!known && !moov && !mdat)
		return MP4_NOT_MP4;
	if (width)
		*width = w;
	if (height)
		*height = h;
	if (!moov)
		return MP4_NO_MOOV;
	return moov_first ? MP4_FASTSTART : MP4_MOOV_AFTER_MDAT;
}

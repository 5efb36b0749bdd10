/*
 * container.c - the strict ZIP profile (format-spec/bundle-v1.md: "The ZIP
 * profile", "Entry names", "Entry order and the mimetype entry").
 * Byte layouts from PKWARE's APPNOTE 6.3.10, sections 4.3.7, 4.3.12,
 * 4.3.14-4.3.16 and 4.5.3.
 */
#include "container.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bfile.h"
#include "format.h"
#include "manifest.h"
#include "pathname.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_ZIP64_EOCD 0x06064b50u
#define SIG_ZIP64_LOCATOR 0x07064b50u
#define EOCD_SIZE 22u
#define ZIP64_EOCD_SIZE 56u
#define ZIP64_LOCATOR_SIZE 20u
#define CENTRAL_SIZE 46u
#define LOCAL_SIZE 30u
#define MAX_COMMENT 65535u
#define U32_SENTINEL 0xFFFFFFFFu
#define U16_SENTINEL 0xFFFFu
#define HOST_MSDOS 0u
#define HOST_UNIX 3u
/* The CRC-32 of the mimetype entry's content, application/vnd.sampan.bundle+zip. */
#define MIMETYPE_CRC 0xD473753Du
/* ... and of an update file's, application/vnd.sampan.update+zip (section 21.1). */
#define UPDATE_MIMETYPE_CRC 0x77EB197Au

/* Flags: 0 encrypted, 3 data descriptor, 6 strong encryption, 13 masked headers. */
#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_STRONG 0x0040u
#define FLAG_MASKED 0x2000u
#define FLAG_UTF8 0x0800u
#define FLAGS_ALLOWED (0x0002u | 0x0004u | FLAG_UTF8)

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

enum bundle_status container_pread(int fd, void *buf, size_t len, uint64_t off,
                                   struct bundle_error *err)
{
	return container_pread_shown(fd, buf, len, off, off, err);
}

enum bundle_status container_pread_shown(int fd, void *buf, size_t len, uint64_t off,
                                         uint64_t shown, struct bundle_error *err)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                        "read error at offset %llu: %s",
			                        (unsigned long long)shown, strerror(errno));
		if (n == 0)
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                        "file ended at offset %llu (it shrank while being "
			                        "read?)",
			                        (unsigned long long)shown);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
		shown += (uint64_t)n;
	}
	return BUNDLE_OK;
}

static enum bundle_status fail(struct bundle_error *err, enum bundle_rule rule,
                               const struct container_entry *e, const char *msg)
{
	if (e)
		return bundle_error_set(err, BUNDLE_INVALID, rule, e->name, e->name_len, "%s", msg);
	return bundle_error_set(err, BUNDLE_INVALID, rule, NULL, 0, "%s", msg);
}

#define FAIL(rule, e, msg) fail(err, rule, e, msg)

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

struct eocd {
	uint64_t count;
	uint64_t cd_size;
	uint64_t cd_offset;
	uint64_t start; /* where the EOCD (or the ZIP64 EOCD record) begins */
};

static enum bundle_status find_eocd(const struct bfile *f, uint64_t size, unsigned char *rec,
                                    struct bundle_error *err)
{
	size_t tail_len = size < EOCD_SIZE + MAX_COMMENT ? (size_t)size : EOCD_SIZE + MAX_COMMENT;
	unsigned char *tail;
	enum bundle_status st;

	st = bfile_pread(f, rec, EOCD_SIZE, size - EOCD_SIZE, err);
	if (st != BUNDLE_OK)
		return st;
	if (le32(rec) == SIG_EOCD && le16(rec + 20) == 0)
		return BUNDLE_OK;
	tail = malloc(tail_len);
	if (!tail)
		return nomem(err);
	st = bfile_pread(f, tail, tail_len, size - tail_len, err);
	if (st != BUNDLE_OK) {
		free(tail);
		return st;
	}
	/* Any record whose comment reaches the end means a comment; any other, appended bytes. */
	st = FAIL(RULE_NOT_ZIP, NULL, "not a ZIP file: no end of central directory record");
	for (size_t p = tail_len - EOCD_SIZE + 1; p-- > 0;) {
		if (le32(tail + p) != SIG_EOCD)
			continue;
		if (p + EOCD_SIZE + le16(tail + p + 20) == tail_len) {
			st = FAIL(RULE_ZIP_COMMENT, NULL, "the archive has a comment");
			break;
		}
		st = FAIL(RULE_TRAILING_BYTES, NULL,
		          "bytes after the end of central directory record");
	}
	free(tail);
	return st;
}

static enum bundle_status read_eocd(const struct bfile *f, uint64_t size, struct eocd *out,
                                    struct bundle_error *err)
{
	unsigned char rec[EOCD_SIZE];
	unsigned char z[ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE];
	uint16_t disk, cd_disk, n_disk, n_total;
	uint32_t cd_size, cd_offset;
	enum bundle_status st;

	if (size < EOCD_SIZE)
		return FAIL(RULE_NOT_ZIP, NULL, "not a ZIP file: shorter than 22 bytes");
	st = find_eocd(f, size, rec, err);
	if (st != BUNDLE_OK)
		return st;
	disk = le16(rec + 4);
	cd_disk = le16(rec + 6);
	n_disk = le16(rec + 8);
	n_total = le16(rec + 10);
	cd_size = le32(rec + 12);
	cd_offset = le32(rec + 16);
	out->start = size - EOCD_SIZE;
	out->count = n_total;
	out->cd_size = cd_size;
	out->cd_offset = cd_offset;
	if (n_total != U16_SENTINEL && cd_size != U32_SENTINEL && cd_offset != U32_SENTINEL) {
		if (disk != 0 || cd_disk != 0 || n_disk != n_total)
			return FAIL(RULE_ZIP_INVALID, NULL, "multi-disk archives are not allowed");
		if (size >= EOCD_SIZE + ZIP64_LOCATOR_SIZE &&
		    (uint64_t)cd_offset + cd_size < size - EOCD_SIZE) {
			st = bfile_pread(f, z, 4, size - EOCD_SIZE - ZIP64_LOCATOR_SIZE, err);
			if (st != BUNDLE_OK)
				return st;
			if (le32(z) == SIG_ZIP64_LOCATOR)
				return FAIL(RULE_ZIP64_INVALID, NULL,
				            "ZIP64 records without a ZIP64 value to hold");
		}
		return BUNDLE_OK;
	}
	/* ZIP64: locator right before the EOCD, record right before the locator. */
	if (size < EOCD_SIZE + ZIP64_LOCATOR_SIZE + ZIP64_EOCD_SIZE)
		return FAIL(RULE_ZIP64_INVALID, NULL,
		            "ZIP64 values are announced but there is no ZIP64 record");
	st = bfile_pread(f, z, sizeof(z), size - EOCD_SIZE - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE,
	                 err);
	if (st != BUNDLE_OK)
		return st;
	{
		const unsigned char *r = z, *loc = z + ZIP64_EOCD_SIZE;
		uint64_t r_offset = size - EOCD_SIZE - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE;
		uint64_t n64_disk, n64_total, cd64_size, cd64_offset;

		if (le32(loc) != SIG_ZIP64_LOCATOR || le32(loc + 4) != 0 ||
		    le64(loc + 8) != r_offset || le32(loc + 16) != 1)
			return FAIL(RULE_ZIP64_INVALID, NULL,
			            "ZIP64 end of central directory locator missing or wrong");
		if (le32(r) != SIG_ZIP64_EOCD || le64(r + 4) != ZIP64_EOCD_SIZE - 12 ||
		    le32(r + 16) != 0 || le32(r + 20) != 0)
			return FAIL(RULE_ZIP64_INVALID, NULL,
			            "ZIP64 end of central directory record missing or wrong");
		n64_disk = le64(r + 24);
		n64_total = le64(r + 32);
		cd64_size = le64(r + 40);
		cd64_offset = le64(r + 48);
		if (n64_disk != n64_total || disk != 0 || cd_disk != 0)
			return FAIL(RULE_ZIP_INVALID, NULL, "multi-disk archives are not allowed");
		if ((n_total != U16_SENTINEL && n_total != n64_total) ||
		    (n_disk != U16_SENTINEL && n_disk != n64_disk) ||
		    (cd_size != U32_SENTINEL && cd_size != cd64_size) ||
		    (cd_offset != U32_SENTINEL && cd_offset != cd64_offset))
			return FAIL(RULE_ZIP64_INVALID, NULL,
			            "ZIP64 record disagrees with the end of central directory");
		/* A field holds its sentinel only for a value that does not fit. */
		if ((n_total == U16_SENTINEL && n64_total < U16_SENTINEL) ||
		    (n_disk == U16_SENTINEL && n64_disk < U16_SENTINEL) ||
		    (cd_size == U32_SENTINEL && cd64_size < U32_SENTINEL) ||
		    (cd_offset == U32_SENTINEL && cd64_offset < U32_SENTINEL))
			return FAIL(
			        RULE_ZIP64_INVALID, NULL,
			        "ZIP64 used for a value that fits the end of central directory");
		out->count = n64_total;
		out->cd_size = cd64_size;
		out->cd_offset = cd64_offset;
		out->start = r_offset;
	}
	return BUNDLE_OK;
}

static bool name_is(const struct container_entry *e, const char *name)
{
	size_t n = strlen(name);
	return e->name_len == n && memcmp(e->name, name, n) == 0;
}

/*
 * The ZIP64 extended information field of a central header: present iff a
 * field holds its sentinel, holding exactly those fields' 64-bit values.
 */
static enum bundle_status central_extra(const unsigned char *x, uint16_t xlen, uint32_t size32,
                                        uint32_t comp32, uint32_t off32, struct container_entry *e,
                                        struct bundle_error *err)
{
	size_t want = 0, at = 4;

	e->size = size32;
	e->comp_size = comp32;
	e->header_offset = off32;
	want += size32 == U32_SENTINEL;
	want += comp32 == U32_SENTINEL;
	want += off32 == U32_SENTINEL;
	if (want == 0) {
		if (xlen != 0)
			return FAIL(RULE_EXTRA_FIELD, e, "extra field in the central header");
		return BUNDLE_OK;
	}
	if (xlen != 4 + 8 * want || le16(x) != 0x0001 || le16(x + 2) != 8 * want)
		return FAIL(RULE_EXTRA_FIELD, e,
		            "central ZIP64 field missing, or other extra fields present");
	if (size32 == U32_SENTINEL) {
		e->size = le64(x + at);
		at += 8;
	}
	if (comp32 == U32_SENTINEL) {
		e->comp_size = le64(x + at);
		at += 8;
	}
	if (off32 == U32_SENTINEL)
		e->header_offset = le64(x + at);
	if ((size32 == U32_SENTINEL && e->size < U32_SENTINEL) ||
	    (comp32 == U32_SENTINEL && e->comp_size < U32_SENTINEL) ||
	    (off32 == U32_SENTINEL && e->header_offset < U32_SENTINEL))
		return FAIL(RULE_EXTRA_FIELD, e, "ZIP64 field used for a value that fits 32 bits");
	return BUNDLE_OK;
}

static enum bundle_status check_limits(const struct container_entry *e, struct bundle_error *err)
{
	if (name_is(e, BUNDLE_NAME_MANIFEST) && e->size > BUNDLE_MAX_MANIFEST)
		return FAIL(RULE_MANIFEST_TOO_LARGE, e, "manifest larger than 16 MiB");
	if (name_is(e, BUNDLE_NAME_SIGNATURE) && e->size > BUNDLE_MAX_SIGNATURE)
		return FAIL(RULE_SIGNATURE_INVALID, e, "signature file larger than 16 KiB");
	if (name_is(e, BUNDLE_NAME_COURSE) && e->size > BUNDLE_MAX_COURSE_JSON)
		return FAIL(RULE_COURSE_INVALID, e, "course.json larger than 4 MiB");
	if (name_is(e, BUNDLE_NAME_CHUNKS) && e->size > BUNDLE_MAX_CHUNKS)
		return FAIL(RULE_CHUNKS_INVALID, e, "chunks file larger than 64 MiB");
	if (e->method == 8 && e->size > BUNDLE_MAX_DEFLATED_SIZE)
		return FAIL(RULE_ENTRY_TOO_LARGE, e, "deflated entry larger than 64 MiB");
	if (e->method == 0 && e->size > BUNDLE_MAX_STORED_SIZE)
		return FAIL(RULE_ENTRY_TOO_LARGE, e, "stored entry larger than 1 TiB");
	if (e->method == 8 && e->size > 0 &&
	    (e->comp_size == 0 || e->size / BUNDLE_MAX_RATIO > e->comp_size ||
	     (e->size / BUNDLE_MAX_RATIO == e->comp_size && e->size % BUNDLE_MAX_RATIO != 0)))
		return FAIL(RULE_COMPRESSION_RATIO, e,
		            "inflates to more than 200 times its compressed size");
	return BUNDLE_OK;
}

/*
 * External attributes (3.5.2): a host of 0 (MS-DOS) or 3 (Unix); a Unix mode
 * in the high 16 bits, read by tools whatever the host, that is a regular
 * file its owner may read, without set-user-ID, set-group-ID or sticky bit
 * (or no mode at all from an MS-DOS host); no directory or volume label bit.
 */
static enum bundle_status check_attributes(const struct container_entry *e, uint32_t eattr,
                                           struct bundle_error *err)
{
	unsigned host = e->version_made >> 8;
	uint32_t mode = eattr >> 16, type = mode & 0170000u;

	if (host != HOST_MSDOS && host != HOST_UNIX)
		return FAIL(RULE_NOT_REGULAR_FILE, e,
		            "made on a host other than MS-DOS or Unix, whose attributes tools "
		            "read in their own ways");
	if (mode == 0 && host == HOST_UNIX)
		return FAIL(RULE_NOT_REGULAR_FILE, e, "a Unix entry without a file mode");
	if (mode != 0 && type != 0100000u)
		return FAIL(RULE_NOT_REGULAR_FILE, e,
		            type == 0120000u   ? "entry is a symbolic link"
		            : type == 0040000u ? "entry is a directory"
		                               : "entry is not a regular file");
	if (mode != 0 && (mode & 07000u) != 0)
		return FAIL(RULE_NOT_REGULAR_FILE, e,
		            "file mode has the set-user-ID, set-group-ID or sticky bit");
	if (mode != 0 && (mode & 0400u) == 0)
		return FAIL(RULE_NOT_REGULAR_FILE, e, "file mode does not let its owner read it");
	if (eattr & 0x18u)
		return FAIL(RULE_NOT_REGULAR_FILE, e,
		            "entry is marked as a directory or volume label");
	return BUNDLE_OK;
}

/*
 * A window over the central directory, so that a damaged or hostile size
 * never decides how much is allocated: headers are read as they come.
 */
struct cd_window {
	const struct bfile *f;
	uint64_t start; /* file offset of the central directory */
	uint64_t size;
	unsigned char *buf;
	uint64_t buf_pos; /* central-directory offset of buf[0] */
	size_t buf_len;
	size_t buf_cap;
};

#define CD_WINDOW (1024u * 1024u)

/* Point *p at n bytes at central-directory offset pos (pos + n <= size). */
static enum bundle_status cd_bytes(struct cd_window *w, uint64_t pos, size_t n,
                                   const unsigned char **p, struct bundle_error *err)
{
	size_t want;
	enum bundle_status st;

	if (pos >= w->buf_pos && pos + n <= w->buf_pos + w->buf_len) {
		*p = w->buf + (pos - w->buf_pos);
		return BUNDLE_OK;
	}
	want = n > CD_WINDOW ? n : CD_WINDOW;
	if (want > w->size - pos)
		want = (size_t)(w->size - pos);
	if (want > w->buf_cap) {
		unsigned char *nb = realloc(w->buf, want);
		if (!nb)
			return nomem(err);
		w->buf = nb;
		w->buf_cap = want;
	}
	st = bfile_pread(w->f, w->buf, want, w->start + pos, err);
	if (st != BUNDLE_OK)
		return st;
	w->buf_pos = pos;
	w->buf_len = want;
	*p = w->buf;
	return BUNDLE_OK;
}

/* One central header at cd[*pos]; advances *pos. */
static enum bundle_status parse_central(struct cd_window *w, uint64_t *pos, bool first,
                                        struct container_entry *e, struct bundle_error *err)
{
	const unsigned char *h;
	uint16_t nlen, xlen, clen, disk;
	uint32_t eattr;
	enum bundle_status st;

	if (w->size - *pos < CENTRAL_SIZE)
		return FAIL(RULE_ZIP_INVALID, NULL,
		            "central directory is too short for its entries");
	st = cd_bytes(w, *pos, CENTRAL_SIZE, &h, err);
	if (st != BUNDLE_OK)
		return st;
	if (le32(h) != SIG_CENTRAL)
		return FAIL(RULE_ZIP_INVALID, NULL, "central directory header signature missing");
	nlen = le16(h + 28);
	xlen = le16(h + 30);
	clen = le16(h + 32);
	if (w->size - *pos - CENTRAL_SIZE < (uint64_t)nlen + xlen + clen)
		return FAIL(RULE_ZIP_INVALID, NULL, "central directory entry runs past its end");
	st = cd_bytes(w, *pos, CENTRAL_SIZE + (size_t)nlen + xlen + clen, &h, err);
	if (st != BUNDLE_OK)
		return st;
	e->name = malloc((size_t)nlen + 1);
	if (!e->name)
		return nomem(err);
	memcpy(e->name, h + CENTRAL_SIZE, nlen);
	e->name[nlen] = '\0';
	e->name_len = nlen;
	e->version_made = le16(h + 4);
	e->version_needed = le16(h + 6);
	e->flags = le16(h + 8);
	e->method = le16(h + 10);
	e->dostime = le16(h + 12);
	e->dosdate = le16(h + 14);
	e->crc = le32(h + 16);
	e->central_extra_len = xlen;
	disk = le16(h + 34);
	eattr = le32(h + 38);
	*pos += CENTRAL_SIZE + (uint64_t)nlen + xlen + clen;

	if (e->version_needed > 45)
		return FAIL(RULE_ZIP_UNSUPPORTED, e, "needs a ZIP version above 4.5");
	if (e->flags & (FLAG_ENCRYPTED | FLAG_STRONG | FLAG_MASKED))
		return FAIL(RULE_ENCRYPTED, e, "entry is encrypted");
	if (e->flags & FLAG_DESCRIPTOR)
		return FAIL(RULE_DATA_DESCRIPTOR, e, "entry uses a data descriptor");
	if (e->flags &
	    ~(FLAG_ENCRYPTED | FLAG_STRONG | FLAG_MASKED | FLAG_DESCRIPTOR | FLAGS_ALLOWED))
		return FAIL(RULE_ZIP_UNSUPPORTED, e, "unsupported general purpose flags");
	if (e->method == 99)
		return FAIL(RULE_ENCRYPTED, e, "entry is AES-encrypted");
	if (e->method != 0 && e->method != 8)
		return FAIL(RULE_METHOD_UNSUPPORTED, e,
		            "compression method is neither stored nor deflate");
	if (clen != 0)
		return FAIL(RULE_ZIP_COMMENT, e, "entry has a file comment");
	if (disk != 0)
		return FAIL(RULE_ZIP_INVALID, e, "entry starts on another disk");
	st = check_attributes(e, eattr, err);
	if (st != BUNDLE_OK)
		return st;
	if (first && xlen != 0 && name_is(e, BUNDLE_NAME_MIMETYPE))
		return FAIL(RULE_MIMETYPE_INVALID, e, "the mimetype entry has an extra field");
	st = central_extra(h + CENTRAL_SIZE + nlen, xlen, le32(h + 24), le32(h + 20), le32(h + 42),
	                   e, err);
	if (st != BUNDLE_OK)
		return st;
	if (e->method == 0 && e->comp_size != e->size)
		return FAIL(RULE_ZIP_INVALID, e, "stored entry with two different sizes");
	st = pathname_check(e->name, e->name_len, (e->flags & FLAG_UTF8) != 0, err);
	if (st != BUNDLE_OK)
		return st;
	return check_limits(e, err);
}

/* The local header of e must agree with its central header. */
static enum bundle_status check_local(const struct bfile *f, struct container_entry *e,
                                      uint64_t limit, struct bundle_error *err)
{
	unsigned char h[LOCAL_SIZE];
	unsigned char x[20];
	char *name;
	uint16_t nlen, xlen;
	uint32_t size32, comp32;
	uint64_t size, comp;
	enum bundle_status st;

	if (e->header_offset > limit || limit - e->header_offset < LOCAL_SIZE)
		return FAIL(RULE_OVERLAP, e, "local header overlaps the central directory");
	st = bfile_pread(f, h, LOCAL_SIZE, e->header_offset, err);
	if (st != BUNDLE_OK)
		return st;
	if (le32(h) != SIG_LOCAL)
		return FAIL(RULE_ZIP_INVALID, e, "no local header where the central one points");
	nlen = le16(h + 26);
	xlen = le16(h + 28);
	size32 = le32(h + 22);
	comp32 = le32(h + 18);
	/*
	 * The version needed may differ: libzip writes 45 in the central header
	 * of an entry whose offset needs ZIP64, and 10 or 20 in its local one.
	 */
	if (le16(h + 4) > 45)
		return FAIL(RULE_ZIP_UNSUPPORTED, e, "local header needs a ZIP version above 4.5");
	e->local_version_needed = le16(h + 4);
	if (le16(h + 6) != e->flags || le16(h + 8) != e->method || le16(h + 10) != e->dostime ||
	    le16(h + 12) != e->dosdate || le32(h + 14) != e->crc || nlen != e->name_len)
		return FAIL(RULE_LOCAL_MISMATCH, e, "local header disagrees with the central one");
	if (limit - e->header_offset - LOCAL_SIZE < (uint64_t)nlen + xlen)
		return FAIL(RULE_OVERLAP, e, "local header overlaps the central directory");
	name = malloc((size_t)nlen + 1);
	if (!name)
		return nomem(err);
	st = bfile_pread(f, name, nlen, e->header_offset + LOCAL_SIZE, err);
	if (st == BUNDLE_OK && memcmp(name, e->name, nlen) != 0)
		st = FAIL(RULE_LOCAL_MISMATCH, e, "local header has another name");
	free(name);
	if (st != BUNDLE_OK)
		return st;
	size = size32;
	comp = comp32;
	if (size32 == U32_SENTINEL || comp32 == U32_SENTINEL) {
		if (size32 != U32_SENTINEL || comp32 != U32_SENTINEL || xlen != 20)
			return FAIL(RULE_EXTRA_FIELD, e, "local ZIP64 field malformed");
		st = bfile_pread(f, x, sizeof(x), e->header_offset + LOCAL_SIZE + nlen, err);
		if (st != BUNDLE_OK)
			return st;
		if (le16(x) != 0x0001 || le16(x + 2) != 16)
			return FAIL(RULE_EXTRA_FIELD, e, "local ZIP64 field malformed");
		size = le64(x + 4);
		comp = le64(x + 12);
		if (size < U32_SENTINEL && comp < U32_SENTINEL)
			return FAIL(RULE_EXTRA_FIELD, e,
			            "local ZIP64 field used for sizes that fit 32 bits");
	} else if (xlen != 0) {
		if (e->header_offset == 0 && name_is(e, BUNDLE_NAME_MIMETYPE))
			return FAIL(RULE_MIMETYPE_INVALID, e,
			            "the mimetype entry has an extra field");
		return FAIL(RULE_EXTRA_FIELD, e, "extra field in the local header");
	}
	if (size != e->size || comp != e->comp_size)
		return FAIL(RULE_LOCAL_MISMATCH, e, "local sizes disagree with the central ones");
	e->local_extra_len = xlen;
	e->data_offset = e->header_offset + LOCAL_SIZE + nlen + xlen;
	if (limit - e->data_offset < e->comp_size)
		return FAIL(RULE_OVERLAP, e, "entry data runs into the central directory");
	return BUNDLE_OK;
}

static enum bundle_status check_layout(const struct bfile *f, struct container *c,
                                       struct bundle_error *err)
{
	uint64_t expect = 0;

	for (size_t i = 0; i < c->count; i++) {
		struct container_entry *e = &c->entries[i];
		enum bundle_status st;

		if (e->header_offset > expect)
			return FAIL(i == 0 ? RULE_PREFIX_BYTES : RULE_GAP, e,
			            i == 0 ? "bytes before the first entry"
			                   : "unused bytes before this entry");
		if (e->header_offset < expect)
			return FAIL(RULE_OVERLAP, e, "entry overlaps the previous one");
		st = check_local(f, e, c->cd_offset, err);
		if (st != BUNDLE_OK)
			return st;
		expect = e->data_offset + e->comp_size;
	}
	if (expect < c->cd_offset)
		return FAIL(RULE_GAP, NULL, "unused bytes before the central directory");
	return BUNDLE_OK;
}

static enum bundle_status check_names(struct container *c, struct bundle_error *err)
{
	const char **names = malloc(c->count * sizeof(*names));
	size_t *lens = malloc(c->count * sizeof(*lens));
	enum bundle_status st;

	if (!names || !lens) {
		free(names);
		free(lens);
		return nomem(err);
	}
	for (size_t i = 0; i < c->count; i++) {
		names[i] = c->entries[i].name;
		lens[i] = c->entries[i].name_len;
	}
	st = pathname_check_set(names, lens, c->count, err);
	free(names);
	free(lens);
	return st;
}

static size_t find_linear(const struct container *c, const char *name)
{
	for (size_t i = 0; i < c->count; i++)
		if (name_is(&c->entries[i], name))
			return i;
	return CONTAINER_NOT_FOUND;
}

static enum bundle_status check_order(const struct bfile *f, struct container *c,
                                      struct bundle_error *err)
{
	const struct container_entry *m = &c->entries[0];
	char magic[sizeof(BUNDLE_MEDIA_TYPE) - 1];
	bool update = c->kind == CONTAINER_UPDATE;
	const char *type = update ? UPDATE_MEDIA_TYPE : BUNDLE_MEDIA_TYPE;
	enum bundle_status st;

	if (!name_is(m, BUNDLE_NAME_MIMETYPE))
		return FAIL(RULE_MIMETYPE_INVALID, m, "the first entry is not 'mimetype'");
	if (m->method != 0 || m->central_extra_len != 0 || m->local_extra_len != 0 ||
	    m->size != sizeof(magic))
		return FAIL(RULE_MIMETYPE_INVALID, m,
		            "must be stored, without extra field, and hold the media type");
	/* The other file type's media type, named as such (format-spec 21). */
	if (m->crc == (update ? MIMETYPE_CRC : UPDATE_MIMETYPE_CRC))
		return FAIL(RULE_MIMETYPE_INVALID, m,
		            update ? "holds the media type of a bundle, not of an update file"
		                   : "holds the media type of an update file (name it "
		                     ".sampan-update), not of a bundle");
	/* Its local header is fixed but for the time and date: the first 71 bytes (5.3). */
	if (m->version_needed != 10 || m->local_version_needed != 10 || m->flags != 0 ||
	    m->crc != (update ? UPDATE_MIMETYPE_CRC : MIMETYPE_CRC))
		return FAIL(
		        RULE_MIMETYPE_INVALID, m,
		        "must have version needed 10, no flag and the CRC-32 of the media type");
	st = bfile_pread(f, magic, sizeof(magic), m->data_offset, err);
	if (st != BUNDLE_OK)
		return st;
	if (memcmp(magic, type, sizeof(magic)) != 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_MIMETYPE_INVALID, m->name,
		                        m->name_len, "does not hold '%s'", type);
	if (find_linear(c, BUNDLE_NAME_MANIFEST) == CONTAINER_NOT_FOUND)
		return FAIL(RULE_MANIFEST_MISSING, NULL, "no META-INF/MANIFEST entry");
	if (find_linear(c, BUNDLE_NAME_SIGNATURE) == CONTAINER_NOT_FOUND)
		return FAIL(RULE_SIGNATURE_MISSING, NULL, "no META-INF/MANIFEST.minisig entry");
	if (update && find_linear(c, UPDATE_NAME_LIST) == CONTAINER_NOT_FOUND)
		return FAIL(RULE_UPDATE_INVALID, NULL, "no META-INF/update entry");
	if (!update && find_linear(c, BUNDLE_NAME_COURSE) == CONTAINER_NOT_FOUND)
		return FAIL(RULE_COURSE_INVALID, NULL, "no META-INF/course.json entry");
	if (!update && find_linear(c, BUNDLE_NAME_CHUNKS) == CONTAINER_NOT_FOUND)
		return FAIL(RULE_CHUNKS_INVALID, NULL, "no META-INF/chunks entry");
	if (!name_is(&c->entries[1], BUNDLE_NAME_MANIFEST))
		return FAIL(RULE_ENTRY_ORDER, &c->entries[1],
		            "the second entry must be META-INF/MANIFEST");
	if (!name_is(&c->entries[2], BUNDLE_NAME_SIGNATURE))
		return FAIL(RULE_ENTRY_ORDER, &c->entries[2],
		            "the third entry must be META-INF/MANIFEST.minisig");
	for (size_t i = 4; i < c->count; i++) {
		const struct container_entry *a = &c->entries[i - 1], *b = &c->entries[i];
		if (manifest_order_cmp(a->name, a->name_len, b->name, b->name_len) >= 0)
			return FAIL(RULE_ENTRY_ORDER, b,
			            "entries are not in order (META-INF/ first, then byte order)");
	}
	return BUNDLE_OK;
}

enum bundle_status container_read(const struct bfile *f, enum container_kind kind,
                                  struct container *c, struct bundle_error *err)
{
	uint64_t file_size = f->size;
	struct eocd eocd = { 0 };
	struct cd_window win = { 0 };
	uint64_t pos = 0;
	enum bundle_status st;

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->file_size = file_size;
	st = read_eocd(f, file_size, &eocd, err);
	if (st != BUNDLE_OK)
		return st;
	if (eocd.count == 0)
		return FAIL(RULE_MIMETYPE_INVALID, NULL, "the archive is empty");
	if (eocd.count > BUNDLE_MAX_ENTRIES)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_TOO_MANY_ENTRIES, NULL, 0,
		                        "%llu entries; at most %u are allowed",
		                        (unsigned long long)eocd.count, BUNDLE_MAX_ENTRIES);
	if (eocd.cd_offset > eocd.start || eocd.start - eocd.cd_offset < eocd.cd_size)
		return FAIL(RULE_ZIP_INVALID, NULL, "central directory lies outside the file");
	if (eocd.cd_offset + eocd.cd_size < eocd.start)
		return FAIL(RULE_GAP, NULL, "unused bytes after the central directory");
	c->cd_offset = eocd.cd_offset;
	c->cd_size = eocd.cd_size;
	win.f = f;
	win.start = eocd.cd_offset;
	win.size = eocd.cd_size;
	c->entries = calloc((size_t)eocd.count, sizeof(*c->entries));
	if (!c->entries) {
		st = nomem(err);
		goto done;
	}
	for (size_t i = 0; i < eocd.count; i++) {
		struct container_entry *e = &c->entries[i];
		c->count = i + 1;
		st = parse_central(&win, &pos, i == 0, e, err);
		if (st != BUNDLE_OK)
			goto done;
		if (i > 0 && e->header_offset <= c->entries[i - 1].header_offset) {
			st = FAIL(RULE_OVERLAP, e, "entry does not start after the previous one");
			goto done;
		}
	}
	if (pos != eocd.cd_size) {
		st = FAIL(RULE_GAP, NULL, "unused bytes at the end of the central directory");
		goto done;
	}
	st = check_layout(f, c, err);
	if (st != BUNDLE_OK)
		goto done;
	st = check_names(c, err);
	if (st != BUNDLE_OK)
		goto done;
	st = check_order(f, c, err);
done:
	free(win.buf);
	return st;
}

void container_release(struct container *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->count; i++)
		free(c->entries[i].name);
	free(c->entries);
	memset(c, 0, sizeof(*c));
}

size_t container_find(const struct container *c, const char *name, size_t len)
{
	size_t lo = 3, hi = c->count;

	for (size_t i = 0; i < 3 && i < c->count; i++)
		if (c->entries[i].name_len == len && memcmp(c->entries[i].name, name, len) == 0)
			return i;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct container_entry *e = &c->entries[mid];
		int r = manifest_order_cmp(e->name, e->name_len, name, len);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return CONTAINER_NOT_FOUND;
}

/*
 * bundle.c - reading bundles (format-spec/bundle-v1.md, "Reader processing
 * order", "Content verification").
 */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bfile.h"
#include "chunks.h"
#include "container.h"
#include "format.h"
#include "hashpipe.h"
#include "mediatype.h"
#include "zipio.h"
#include "zlibio.h"

/* Set once by bundle_verify, then only read: reads need no lock. */
struct entry_state {
	const unsigned char *digest; /* into manifest lines */
	const struct chunk_list *cl; /* or NULL */
};

struct bundle {
	char *path;
	struct bfile file; /* one file, or parts read as one */
	struct container c;
	struct entry_state *st;
	bool verified;
	bool preview; /* verified without a trusted signature */
	char *manifest_text;
	size_t manifest_len;
	struct manifest manifest;
	unsigned char manifest_digest[DIGEST_SIZE];
	char *chunks_text;
	struct chunks chunks;
	struct course *course;
	unsigned char signer[MINISIGN_KEYID_SIZE];
};

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

static enum bundle_status open_container(struct bundle *b, bool libzip, struct bundle_error *err);

enum bundle_status bundle_open(const char *path, struct bundle **out, struct bundle_error *err)
{
	struct bundle *b;
	enum bundle_status st;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return nomem(err);
	b->path = strdup(path);
	if (!b->path) {
		st = nomem(err);
		goto fail;
	}
	/* Step 0 for a bundle in parts (section 20.2), then the joined bytes as one file. */
	st = bfile_open(path, &b->file, err);
	if (st != BUNDLE_OK)
		goto fail;
	st = open_container(b, true, err);
	if (st != BUNDLE_OK)
		goto fail;
	*out = b;
	return BUNDLE_OK;
fail:
	bundle_close(b);
	return st;
}

enum bundle_status bundle_open_reader(const char *shown, uint64_t size, bfile_read_fn read,
                                      void *ctx, void (*release)(void *ctx), struct bundle **out,
                                      struct bundle_error *err)
{
	struct bundle *b;
	enum bundle_status st;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (!b) {
		if (release)
			release(ctx);
		return nomem(err);
	}
	bfile_reader_init(&b->file, size, read, ctx, release);
	b->path = strdup(shown);
	/*
	 * libzip reads ahead of the headers it checks, into bytes a reader
	 * may not have (an update's patched entries); what such a bundle
	 * becomes is opened from its file, libzip's check included.
	 */
	st = b->path ? open_container(b, false, err) : nomem(err);
	if (st != BUNDLE_OK) {
		bundle_close(b);
		return st;
	}
	*out = b;
	return BUNDLE_OK;
}

/* The container of b->file: the ZIP profile, then (libzip) libzip's view of it. */
static enum bundle_status open_container(struct bundle *b, bool libzip, struct bundle_error *err)
{
	enum bundle_status st;

	st = container_read(&b->file, CONTAINER_BUNDLE, &b->c, err);
	if (st != BUNDLE_OK)
		return st;
	st = libzip ? zipio_crosscheck(&b->file, &b->c, err) : BUNDLE_OK;
	if (st != BUNDLE_OK)
		return st;
	b->st = calloc(b->c.count, sizeof(*b->st));
	return b->st ? BUNDLE_OK : nomem(err);
}

/* Feeds an entry's uncompressed bytes through SHA-256, and optionally into a buffer. */
struct hasher {
	struct digest *whole;
	const struct chunks *chunks;
	const struct chunk_list *cl; /* chunk digests, checked by check_stored_chunked */
	bool chunk_bad;
	unsigned char *buf; /* when collecting */
	size_t len;
};

static enum bundle_status hasher_init(struct hasher *h, const struct chunks *chunks,
                                      const struct chunk_list *cl, unsigned char *buf,
                                      struct bundle_error *err)
{
	memset(h, 0, sizeof(*h));
	h->whole = digest_new();
	h->chunks = chunks;
	h->cl = cl;
	h->buf = buf;
	return h->whole ? BUNDLE_OK : nomem(err);
}

static void hasher_release(struct hasher *h)
{
	digest_free(h->whole);
}

static enum bundle_status hasher_feed(void *ctx, const unsigned char *data, size_t len,
                                      struct bundle_error *err)
{
	struct hasher *h = ctx;

	(void)err;
	digest_update(h->whole, data, len);
	if (h->buf) {
		if (data != h->buf + h->len)
			memcpy(h->buf + h->len, data, len);
		h->len += len;
	}
	return BUNDLE_OK;
}

/*
 * A stored entry with chunk digests: both digests and the CRC-32 on two
 * cores (hashpipe.c); the whole-entry digest goes to whole.
 */
/*
 * Where check_entry reads an entry's bytes: the bundle's own file, or a
 * copy of it still being written (bundle_verify_copy), at the same offsets.
 */
struct source {
	const struct bfile *file;
	bool (*ready)(void *ctx, uint64_t end); /* NULL: every byte is there */
	void *ctx;
};

static enum bundle_status check_stored_chunked(const struct source *src,
                                               const struct container_entry *e, struct hasher *h,
                                               uint32_t *crc, unsigned char whole[DIGEST_SIZE],
                                               struct bundle_error *err)
{
	struct hashpipe_job job;
	enum bundle_status st;

	memset(&job, 0, sizeof(job));
	job.file = src->file;
	job.ready = src->ready;
	job.ready_ctx = src->ctx;
	job.offset = e->data_offset;
	job.size = e->size;
	job.copy_to = h->buf;
	job.chunks = malloc(h->cl->count * DIGEST_SIZE);
	if (!job.chunks)
		return nomem(err);
	st = hashpipe_run(&job, err);
	if (st == BUNDLE_OK) {
		for (size_t k = 0; k < h->cl->count; k++)
			if (memcmp(job.chunks + k * DIGEST_SIZE, chunks_digest(h->chunks, h->cl, k),
			           DIGEST_SIZE) != 0)
				h->chunk_bad = true;
		memcpy(whole, job.whole, DIGEST_SIZE);
		*crc = job.crc;
	}
	free(job.chunks);
	return st;
}

/*
 * Read entry i whole through the hasher; check digest (when not NULL),
 * chunks (cl, when not NULL), size and CRC.  buf (may be NULL) receives
 * the bytes; it must hold size bytes.  raw (deflated entries only; may be
 * NULL) receives the comp_size raw deflate bytes, read into it first and
 * inflated from there, so that what it holds is what was checked.  Every
 * digest is computed over the memory the bytes are returned in.
 */
static enum bundle_status check_entry_in(const struct bundle *b, const struct source *src, size_t i,
                                         const unsigned char *digest, const struct chunk_list *cl,
                                         unsigned char *buf, unsigned char *raw,
                                         struct bundle_error *err)
{
	const struct container_entry *e = &b->c.entries[i];
	const struct bfile *f = src->file;
	struct hasher h;
	unsigned char d[DIGEST_SIZE];
	uint32_t crc = 0;
	enum bundle_status st;

	/* a chunked entry waits chunk by chunk (hashpipe), any other for all its bytes */
	if (src->ready && !cl && !src->ready(src->ctx, e->data_offset + e->comp_size))
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "interrupted");
	st = hasher_init(&h, &b->chunks, cl, buf, err);
	if (st != BUNDLE_OK)
		return st;
	if (e->method == 8 && raw) {
		st = bfile_pread(f, raw, (size_t)e->comp_size, e->data_offset, err);
		if (st == BUNDLE_OK)
			st = zlibio_inflate_mem(raw, e->comp_size, e->size, buf, e->name,
			                        e->name_len, hasher_feed, &h, &crc, err);
	} else if (e->method == 8) {
		st = zlibio_inflate(f, e->data_offset, e->comp_size, e->size, e->name, e->name_len,
		                    hasher_feed, &h, &crc, err);
	} else if (h.cl) {
		st = check_stored_chunked(src, e, &h, &crc, d, err);
	} else {
		/* Into buf when there is one (hashed where it lies), else a piece at a time. */
		unsigned char *piece = buf ? NULL : malloc(BUNDLE_CHUNK_SIZE);
		uint64_t done = 0;
		if (!buf && !piece)
			st = nomem(err);
		while ((buf || piece) && done < e->size) {
			size_t n = e->size - done > BUNDLE_CHUNK_SIZE ? BUNDLE_CHUNK_SIZE
			                                              : (size_t)(e->size - done);
			unsigned char *at = buf ? buf + done : piece;
			st = bfile_pread(f, at, n, e->data_offset + done, err);
			if (st != BUNDLE_OK)
				break;
			hasher_feed(&h, at, n, err);
			crc = zlibio_crc32(crc, at, n);
			done += n;
		}
		free(piece);
	}
	if (st != BUNDLE_OK)
		goto done;
	if (!h.cl)
		digest_final(h.whole, d);
	if (digest && memcmp(d, digest, DIGEST_SIZE) != 0) {
		st = bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_DIGEST_MISMATCH, e->name,
		                      e->name_len,
		                      "content does not match its digest in META-INF/MANIFEST");
		goto done;
	}
	if (h.chunk_bad) {
		st = bundle_error_set(
		        err, BUNDLE_ENTRY_BAD, RULE_CHUNK_MISMATCH, e->name, e->name_len,
		        "content does not match its chunk digests in META-INF/chunks");
		goto done;
	}
	if (crc != e->crc) {
		st = bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_CRC_MISMATCH, e->name,
		                      e->name_len, "CRC-32 does not match the ZIP headers");
		goto done;
	}
done:
	hasher_release(&h);
	return st;
}

static enum bundle_status check_entry(const struct bundle *b, size_t i, const unsigned char *digest,
                                      const struct chunk_list *cl, unsigned char *buf,
                                      unsigned char *raw, struct bundle_error *err)
{
	struct source src = { &b->file, NULL, NULL };

	return check_entry_in(b, &src, i, digest, cl, buf, raw, err);
}

/*
 * Read entry i whole, checked against digest and cl (either may be NULL:
 * before the manifest is known, or for bundle_read_unverified).
 */
static enum bundle_status read_whole_with(const struct bundle *b, size_t i,
                                          const unsigned char *digest, const struct chunk_list *cl,
                                          char **out, size_t *len, struct bundle_error *err)
{
	const struct container_entry *e = &b->c.entries[i];
	unsigned char *buf = malloc((size_t)e->size + 1);
	enum bundle_status st;

	*out = NULL;
	if (!buf)
		return nomem(err);
	st = check_entry(b, i, digest, cl, buf, NULL, err);
	if (st != BUNDLE_OK) {
		free(buf);
		/* A bad META-INF entry makes the whole bundle unusable. */
		if (err && err->status == BUNDLE_ENTRY_BAD)
			err->status = BUNDLE_INVALID;
		return st == BUNDLE_ENTRY_BAD ? BUNDLE_INVALID : st;
	}
	buf[e->size] = '\0';
	*out = (char *)buf;
	*len = (size_t)e->size;
	return BUNDLE_OK;
}

/* Read a small META-INF entry whole (before or after the manifest is known). */
static enum bundle_status read_whole(const struct bundle *b, size_t i, char **out, size_t *len,
                                     struct bundle_error *err)
{
	return read_whole_with(b, i, b->st[i].digest, b->st[i].cl, out, len, err);
}

/*
 * `sampan-bundle:1<TAB>id:ID<TAB>version:V` agreeing with the manifest, then
 * any number of `<TAB>key:value` fields (format-spec/bundle-v1.md, 9.3).
 */
static bool trusted_comment_agrees(const char *tc, size_t len, const struct manifest *m)
{
	char want[512];
	int n = snprintf(want, sizeof(want), "sampan-bundle:%u\tid:%s\tversion:%s", m->format,
	                 m->id, m->version);
	size_t pos;

	if (n < 0 || (size_t)n >= sizeof(want) || len < (size_t)n)
		return false;
	if (memcmp(tc, want, (size_t)n) != 0)
		return false;
	pos = (size_t)n;
	while (pos < len) {
		size_t key = 0;
		if (tc[pos] != '\t')
			return false;
		pos++;
		while (pos + key < len && tc[pos + key] != ':' && tc[pos + key] != '\t')
			key++;
		if (key == 0 || pos + key == len || tc[pos + key] != ':')
			return false;
		pos += key + 1;
		while (pos < len && tc[pos] != '\t')
			pos++;
	}
	return true;
}

static bool entry_exists(void *ctx, const char *name)
{
	const struct bundle *b = ctx;
	return container_find(&b->c, name, strlen(name)) != CONTAINER_NOT_FOUND;
}

/* Every entry but the first three is listed, in the same order, and nothing else. */
static enum bundle_status check_listing(struct bundle *b, struct bundle_error *err)
{
	size_t i = 3, j = 0;

	while (i < b->c.count || j < b->manifest.count) {
		const struct container_entry *e = i < b->c.count ? &b->c.entries[i] : NULL;
		const struct manifest_line *l =
		        j < b->manifest.count ? &b->manifest.lines[j] : NULL;
		int r = !e   ? 1
		        : !l ? -1
		             : manifest_order_cmp(e->name, e->name_len, l->name, l->name_len);
		if (r < 0)
			return bundle_error_set(err, BUNDLE_INVALID, RULE_ENTRY_UNLISTED, e->name,
			                        e->name_len, "not listed in META-INF/MANIFEST");
		if (r > 0)
			return bundle_error_set(
			        err, BUNDLE_INVALID, RULE_ENTRY_MISSING, l->name, l->name_len,
			        "listed in META-INF/MANIFEST but not in the bundle");
		b->st[i].digest = l->digest;
		i++;
		j++;
	}
	return BUNDLE_OK;
}

/* META-INF/chunks lists exactly the stored entries over 1 MiB, with their sizes. */
static enum bundle_status check_chunks(struct bundle *b, struct bundle_error *err)
{
	size_t k = 0;

	for (size_t i = 3; i < b->c.count; i++) {
		const struct container_entry *e = &b->c.entries[i];
		const struct chunk_list *cl = k < b->chunks.count ? &b->chunks.lists[k] : NULL;
		/* The chunk list cannot list itself. */
		bool wants = e->method == 0 && e->size > BUNDLE_CHUNK_SIZE &&
		             strcmp(e->name, BUNDLE_NAME_CHUNKS) != 0;
		bool has = cl && cl->name_len == e->name_len &&
		           memcmp(cl->name, e->name, e->name_len) == 0;

		if (wants && !has)
			return bundle_error_set(err, BUNDLE_INVALID, RULE_CHUNKS_INVALID, e->name,
			                        e->name_len,
			                        "stored entry over 1 MiB without chunk digests");
		if (!wants && has)
			return bundle_error_set(
			        err, BUNDLE_INVALID, RULE_CHUNKS_INVALID, e->name, e->name_len,
			        "chunk digests for an entry that must not have them");
		if (has) {
			if (cl->size != e->size)
				return bundle_error_set(err, BUNDLE_INVALID, RULE_CHUNKS_INVALID,
				                        e->name, e->name_len,
				                        "chunk list size differs from the entry's");
			b->st[i].cl = cl;
			k++;
		}
	}
	if (k != b->chunks.count) {
		const struct chunk_list *cl = &b->chunks.lists[k];
		return bundle_error_set(err, BUNDLE_INVALID, RULE_CHUNKS_INVALID, cl->name,
		                        cl->name_len,
		                        "chunk digests for an entry not in the bundle");
	}
	return BUNDLE_OK;
}

static enum bundle_status read_chunk(const struct bundle *b, size_t i, uint64_t k,
                                     unsigned char *buf, size_t *n, struct bundle_error *err);

/* The entry whose data holds byte off of the file, or CONTAINER_NOT_FOUND. */
static size_t entry_at(const struct bundle *b, uint64_t off)
{
	size_t lo = 0, hi = b->c.count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct container_entry *e = &b->c.entries[mid];
		if (off < e->data_offset)
			hi = mid;
		else if (off - e->data_offset >= e->comp_size)
			lo = mid + 1;
		else
			return mid;
	}
	return CONTAINER_NOT_FOUND;
}

/*
 * A part from another bundle almost never agrees with this one's digests
 * at both its ends: check the chunk (or the whole entry) that holds the
 * byte on each side of every seam.  Bytes in headers and the central
 * directory were checked with the container, those of the first three
 * entries with the signature.
 */
static enum bundle_status check_seams(const struct bundle *b, struct bundle_error *err)
{
	unsigned char *buf = NULL;
	enum bundle_status st = BUNDLE_OK;

	for (size_t k = 1; k < b->file.count && st == BUNDLE_OK; k++) {
		uint64_t seam = b->file.part[k].start;
		size_t last_i = CONTAINER_NOT_FOUND;
		uint64_t last_chunk = UINT64_MAX;
		for (int side = 0; side < 2 && st == BUNDLE_OK; side++) {
			uint64_t off = side == 0 ? seam - 1 : seam;
			size_t i = entry_at(b, off);
			const struct container_entry *e;
			struct bundle_error one;
			uint64_t chunk = 0;
			if (i == CONTAINER_NOT_FOUND || i < 3)
				continue;
			e = &b->c.entries[i];
			if (b->st[i].cl)
				chunk = (off - e->data_offset) / BUNDLE_CHUNK_SIZE;
			if (i == last_i && chunk == last_chunk)
				continue;
			last_i = i;
			last_chunk = chunk;
			if (b->st[i].cl) {
				size_t n;
				if (!buf && !(buf = malloc(BUNDLE_CHUNK_SIZE))) {
					st = nomem(err);
					break;
				}
				st = read_chunk(b, i, chunk, buf, &n, &one);
			} else {
				st = check_entry(b, i, b->st[i].digest, NULL, NULL, NULL, &one);
			}
			if (st == BUNDLE_ENTRY_BAD) {
				char reason[BUNDLE_ERROR_MESSAGE_MAX];
				const char *a = strrchr(b->file.part[k - 1].path, '/');
				const char *c = strrchr(b->file.part[k].path, '/');
				st = bundle_error_set(
				        err, BUNDLE_INVALID, RULE_PART_MISMATCH, NULL, 0,
				        "%s and %s do not join: one of them belongs to another "
				        "bundle "
				        "or is damaged (%s)",
				        a ? a + 1 : b->file.part[k - 1].path,
				        c ? c + 1 : b->file.part[k].path,
				        bundle_error_reason(&one, reason, sizeof(reason)));
			} else if (st != BUNDLE_OK && err) {
				*err = one;
			}
		}
	}
	free(buf);
	return st;
}

/* trust NULL: a preview, everything checked but the signature (bundle_verify_preview). */
static enum bundle_status verify(struct bundle *b, const struct trust *trust,
                                 struct bundle_error *err)
{
	struct minisign_sig sig;
	const struct minisign_pubkey *pk;
	char *sig_text = NULL, *course_text = NULL;
	size_t sig_len, course_len, chunks_len, ci;
	enum bundle_status st;

	memset(&sig, 0, sizeof(sig));
	if (b->verified)
		return BUNDLE_OK;
	/*
	 * 1. the signature, before anything of the manifest is parsed: both
	 * entries read in ZIP order, then the signature file parsed and checked
	 */
	st = read_whole(b, 1, &b->manifest_text, &b->manifest_len, err);
	if (st != BUNDLE_OK)
		goto done;
	st = read_whole(b, 2, &sig_text, &sig_len, err);
	if (st != BUNDLE_OK)
		goto done;
	st = minisign_sig_parse(sig_text, sig_len, &sig, err);
	if (st != BUNDLE_OK)
		goto done;
	memcpy(b->signer, sig.keyid, sizeof(b->signer));
	pk = trust ? trust_find(trust, sig.keyid) : NULL;
	if (trust && !pk) {
		char id[MINISIGN_KEYID_HEX_SIZE];
		minisign_keyid_hex(sig.keyid, id);
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_UNTRUSTED, NULL, 0,
		                      "signed by key %s, which is not trusted", id);
		goto done;
	}
	st = pk ? minisign_sig_verify(&sig, pk, b->manifest_text, b->manifest_len, err) : BUNDLE_OK;
	if (st != BUNDLE_OK)
		goto done;
	digest_sha256(b->manifest_text, b->manifest_len, b->manifest_digest);
	/* 2. the manifest, now authentic */
	st = manifest_parse(b->manifest_text, b->manifest_len, &b->manifest, err);
	if (st != BUNDLE_OK)
		goto done;
	if (!trusted_comment_agrees(sig.trusted_comment, sig.trusted_len, &b->manifest)) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_TRUSTED_COMMENT_MISMATCH, NULL, 0,
		                      "the trusted comment does not say 'sampan-bundle:1', the id "
		                      "and the version of META-INF/MANIFEST");
		goto done;
	}
	st = check_listing(b, err);
	if (st != BUNDLE_OK)
		goto done;
	/*
	 * 3. chunks and course.json in ZIP order, each checked whole: its digest
	 * (with the other content checks), then its syntax and meaning
	 */
	ci = container_find(&b->c, BUNDLE_NAME_CHUNKS, strlen(BUNDLE_NAME_CHUNKS));
	st = read_whole(b, ci, &b->chunks_text, &chunks_len, err);
	if (st != BUNDLE_OK)
		goto done;
	st = chunks_parse(b->chunks_text, chunks_len, &b->chunks, err);
	if (st != BUNDLE_OK)
		goto done;
	st = check_chunks(b, err);
	if (st != BUNDLE_OK)
		goto done;
	ci = container_find(&b->c, BUNDLE_NAME_COURSE, strlen(BUNDLE_NAME_COURSE));
	st = read_whole(b, ci, &course_text, &course_len, err);
	if (st != BUNDLE_OK)
		goto done;
	st = course_parse(course_text, course_len, &b->course, err);
	if (st != BUNDLE_OK)
		goto done;
	st = course_check(b->course, b->manifest.id, b->manifest.version, entry_exists, b, err);
	if (st != BUNDLE_OK)
		goto done;
	/* 4a. for parts, the bytes at each seam (section 20.2, check 5) */
	if (b->file.count > 1) {
		st = check_seams(b, err);
		if (st != BUNDLE_OK)
			goto done;
	}
	b->verified = true;
	b->preview = !trust;
done:
	if (st != BUNDLE_OK) {
		course_free(b->course);
		b->course = NULL;
		manifest_release(&b->manifest);
		free(b->manifest_text);
		b->manifest_text = NULL;
		chunks_release(&b->chunks);
		free(b->chunks_text);
		b->chunks_text = NULL;
		for (size_t i = 0; b->st && i < b->c.count; i++) {
			b->st[i].digest = NULL;
			b->st[i].cl = NULL;
		}
	}
	minisign_sig_release(&sig);
	free(sig_text);
	free(course_text);
	return st;
}

enum bundle_status bundle_verify(struct bundle *b, const struct trust *trust,
                                 struct bundle_error *err)
{
	static const struct trust none = { NULL, 0, 0 };

	return verify(b, trust ? trust : &none, err);
}

enum bundle_status bundle_verify_preview(struct bundle *b, struct bundle_error *err)
{
	return verify(b, NULL, err);
}

bool bundle_is_preview(const struct bundle *b)
{
	return b->preview;
}

static enum bundle_status need_verified(const struct bundle *b, size_t i, struct bundle_error *err)
{
	if (!b->verified)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "the bundle has not been verified");
	if (i >= b->c.count)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "no entry number %zu", i);
	return BUNDLE_OK;
}

static enum bundle_status verify_content_in(struct bundle *b, const struct source *src,
                                            bundle_report report, void *ctx,
                                            struct bundle_error *err)
{
	enum bundle_status first = BUNDLE_OK;
	struct bundle_error one;

	if (!b->verified)
		return need_verified(b, 0, err);
	for (size_t i = 3; i < b->c.count; i++) {
		enum bundle_status st;
		bundle_error_clear(&one);
		st = check_entry_in(b, src, i, b->st[i].digest, b->st[i].cl, NULL, NULL, &one);
		if (report)
			report(ctx, i, &one);
		if (st == BUNDLE_OK)
			continue;
		if (st != BUNDLE_ENTRY_BAD) {
			if (err)
				*err = one;
			return st;
		}
		if (first == BUNDLE_OK) {
			first = st;
			if (err)
				*err = one;
		}
	}
	return first;
}

enum bundle_status bundle_verify_content(struct bundle *b, bundle_report report, void *ctx,
                                         struct bundle_error *err)
{
	struct source src = { &b->file, NULL, NULL };

	return verify_content_in(b, &src, report, ctx, err);
}

enum bundle_status bundle_verify_copy(struct bundle *b, const struct bfile *copy,
                                      bool (*ready)(void *ctx, uint64_t end), void *ready_ctx,
                                      bundle_report report, void *ctx, struct bundle_error *err)
{
	struct source src = { copy, ready, ready_ctx };

	return verify_content_in(b, &src, report, ctx, err);
}

bool bundle_same_layout(const struct bundle *a, const struct bundle *b)
{
	if (a->file.size != b->file.size || a->c.count != b->c.count ||
	    memcmp(a->manifest_digest, b->manifest_digest, DIGEST_SIZE) != 0)
		return false;
	for (size_t i = 0; i < a->c.count; i++) {
		const struct container_entry *x = &a->c.entries[i], *y = &b->c.entries[i];
		if (x->name_len != y->name_len || memcmp(x->name, y->name, x->name_len) != 0 ||
		    x->method != y->method || x->crc != y->crc || x->size != y->size ||
		    x->comp_size != y->comp_size || x->header_offset != y->header_offset ||
		    x->data_offset != y->data_offset)
			return false;
	}
	return true;
}

size_t bundle_count(const struct bundle *b)
{
	return b->c.count;
}

void bundle_entry(const struct bundle *b, size_t i, struct bundle_entry *out)
{
	const struct container_entry *e = &b->c.entries[i];

	out->name = e->name;
	out->name_len = e->name_len;
	out->method = e->method;
	out->crc = e->crc;
	out->size = e->size;
	out->comp_size = e->comp_size;
	out->header_offset = e->header_offset;
	out->data_offset = e->data_offset;
	out->media_type = mediatype_of(e->name, e->name_len)->type;
	out->digest = b->st[i].digest;
}

size_t bundle_find(const struct bundle *b, const char *name, size_t len)
{
	size_t i = container_find(&b->c, name, len);
	return i == CONTAINER_NOT_FOUND ? BUNDLE_NOT_FOUND : i;
}

enum bundle_status bundle_read(const struct bundle *b, size_t i, size_t max, unsigned char **data,
                               size_t *len, struct bundle_error *err)
{
	const struct container_entry *e;
	unsigned char *buf;
	enum bundle_status st;

	*data = NULL;
	st = need_verified(b, i, err);
	if (st != BUNDLE_OK)
		return st;
	e = &b->c.entries[i];
	if (e->size > max)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, e->name, e->name_len,
		                        "entry of %llu bytes is larger than %zu",
		                        (unsigned long long)e->size, max);
	buf = malloc((size_t)e->size + 1);
	if (!buf)
		return nomem(err);
	st = check_entry(b, i, b->st[i].digest, b->st[i].cl, buf, NULL, err);
	if (st != BUNDLE_OK) {
		free(buf);
		return st;
	}
	buf[e->size] = '\0';
	*data = buf;
	*len = (size_t)e->size;
	return BUNDLE_OK;
}

enum bundle_status bundle_read_into(const struct bundle *b, size_t i, unsigned char *buf,
                                    struct bundle_error *err)
{
	enum bundle_status st = need_verified(b, i, err);

	if (st != BUNDLE_OK)
		return st;
	return check_entry(b, i, b->st[i].digest, b->st[i].cl, buf, NULL, err);
}

bool bundle_is_chunked(const struct bundle *b, size_t i)
{
	return b->verified && i < b->c.count && b->st[i].cl != NULL;
}

enum bundle_status bundle_read_chunk(const struct bundle *b, size_t i, uint64_t k,
                                     unsigned char *buf, size_t *n, struct bundle_error *err)
{
	enum bundle_status st = need_verified(b, i, err);

	*n = 0;
	if (st != BUNDLE_OK)
		return st;
	return read_chunk(b, i, k, buf, n, err);
}

static enum bundle_status read_chunk(const struct bundle *b, size_t i, uint64_t k,
                                     unsigned char *buf, size_t *n, struct bundle_error *err)
{
	const struct container_entry *e;
	const struct chunk_list *cl;
	uint64_t off;
	unsigned char d[DIGEST_SIZE];
	enum bundle_status st;

	*n = 0;
	e = &b->c.entries[i];
	cl = b->st[i].cl;
	if (!cl || k >= cl->count)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, e->name, e->name_len,
		                        "no chunk %llu", (unsigned long long)k);
	off = k * BUNDLE_CHUNK_SIZE;
	*n = e->size - off > BUNDLE_CHUNK_SIZE ? BUNDLE_CHUNK_SIZE : (size_t)(e->size - off);
	st = bfile_pread(&b->file, buf, *n, e->data_offset + off, err);
	if (st != BUNDLE_OK)
		return st;
	/* The digest of the very memory returned: checked, then used, never read again. */
	digest_sha256(buf, *n, d);
	if (memcmp(d, chunks_digest(&b->chunks, cl, (size_t)k), DIGEST_SIZE) != 0)
		return bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_CHUNK_MISMATCH, e->name,
		                        e->name_len, "chunk %llu does not match META-INF/chunks",
		                        (unsigned long long)k);
	return BUNDLE_OK;
}

static enum bundle_status check_range(const struct bundle *b, size_t i, uint64_t off, uint64_t len,
                                      struct bundle_error *err)
{
	const struct container_entry *e;
	enum bundle_status st = need_verified(b, i, err);

	if (st != BUNDLE_OK)
		return st;
	e = &b->c.entries[i];
	if (off > e->size || len > e->size - off)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, e->name, e->name_len,
		                        "range %llu+%llu outside the entry",
		                        (unsigned long long)off, (unsigned long long)len);
	return BUNDLE_OK;
}

enum bundle_status bundle_read_range(const struct bundle *b, size_t i, uint64_t off, size_t len,
                                     unsigned char *out, struct bundle_error *err)
{
	const struct container_entry *e;
	unsigned char *buf;
	enum bundle_status st = check_range(b, i, off, len, err);

	if (st != BUNDLE_OK || len == 0)
		return st;
	e = &b->c.entries[i];
	if (!b->st[i].cl) {
		/* Small stored or deflated: check whole, then copy the part. */
		size_t all;
		st = bundle_read(b, i, (size_t)e->size, &buf, &all, err);
		if (st != BUNDLE_OK)
			return st;
		memcpy(out, buf + off, len);
		free(buf);
		return BUNDLE_OK;
	}
	/* Read each touched chunk once, check it, copy from the checked bytes. */
	buf = malloc(BUNDLE_CHUNK_SIZE);
	if (!buf)
		return nomem(err);
	while (len > 0) {
		uint64_t k = off / BUNDLE_CHUNK_SIZE;
		size_t n, at, take;
		st = bundle_read_chunk(b, i, k, buf, &n, err);
		if (st != BUNDLE_OK)
			break;
		at = (size_t)(off - k * BUNDLE_CHUNK_SIZE);
		take = n - at < len ? n - at : len;
		memcpy(out, buf + at, take);
		out += take;
		off += take;
		len -= take;
	}
	free(buf);
	return st;
}

enum bundle_status bundle_read_deflated(const struct bundle *b, size_t i, unsigned char *raw,
                                        unsigned char *out, struct bundle_error *err)
{
	const struct container_entry *e;
	enum bundle_status st = need_verified(b, i, err);

	if (st != BUNDLE_OK)
		return st;
	e = &b->c.entries[i];
	if (e->method != 8)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, e->name, e->name_len,
		                        "not a deflated entry");
	return check_entry(b, i, b->st[i].digest, NULL, out, raw, err);
}

enum bundle_status bundle_peek_signer(struct bundle *b, unsigned char keyid[MINISIGN_KEYID_SIZE],
                                      char **trusted_comment, struct bundle_error *err)
{
	struct minisign_sig sig;
	char *text = NULL;
	size_t len;
	enum bundle_status st;

	*trusted_comment = NULL;
	st = read_whole(b, 2, &text, &len, err);
	if (st != BUNDLE_OK)
		return st;
	st = minisign_sig_parse(text, len, &sig, err);
	free(text);
	if (st != BUNDLE_OK)
		return st;
	memcpy(keyid, sig.keyid, MINISIGN_KEYID_SIZE);
	*trusted_comment = sig.trusted_comment;
	sig.trusted_comment = NULL;
	minisign_sig_release(&sig);
	return BUNDLE_OK;
}

enum bundle_status bundle_read_unverified(const struct bundle *b, size_t i, size_t max,
                                          unsigned char **data, size_t *len,
                                          struct bundle_error *err)
{
	const struct container_entry *e;
	char *text;
	enum bundle_status st;

	*data = NULL;
	if (i >= b->c.count)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "no entry number %zu", i);
	e = &b->c.entries[i];
	if (e->size > max)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, e->name, e->name_len,
		                        "entry of %llu bytes is larger than %zu",
		                        (unsigned long long)e->size, max);
	/* Without the manifest's digest and chunks: the CRC-32 is all that is checked. */
	st = read_whole_with(b, i, NULL, NULL, &text, len, err);
	*data = (unsigned char *)text;
	return st;
}

int bundle_fd(const struct bundle *b)
{
	return b->file.part[0].fd;
}

const struct bfile *bundle_bfile(const struct bundle *b)
{
	return &b->file;
}

const char *bundle_path(const struct bundle *b)
{
	return b->path;
}

uint64_t bundle_file_size(const struct bundle *b)
{
	return b->c.file_size;
}

const struct course *bundle_course(const struct bundle *b)
{
	return b->verified ? b->course : NULL;
}

const struct manifest *bundle_manifest(const struct bundle *b)
{
	return b->verified ? &b->manifest : NULL;
}

const unsigned char *bundle_manifest_digest(const struct bundle *b)
{
	return b->verified ? b->manifest_digest : NULL;
}

const unsigned char *bundle_signer(const struct bundle *b)
{
	return b->signer;
}

bool bundle_is_verified(const struct bundle *b)
{
	return b->verified;
}

void bundle_close(struct bundle *b)
{
	if (!b)
		return;
	bfile_close(&b->file);
	free(b->st);
	container_release(&b->c);
	manifest_release(&b->manifest);
	free(b->manifest_text);
	chunks_release(&b->chunks);
	free(b->chunks_text);
	course_free(b->course);
	free(b->path);
	free(b);
}

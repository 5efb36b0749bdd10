/* writer.c - writing bundles (format-spec/bundle-v1.md, "Compression", "Reproducibility"). */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "bfile.h"
#include "chunks.h"
#include "course.h"
#include "digest.h"
#include "format.h"
#include "hashpipe.h"
#include "manifest.h"
#include "mediatype.h"
#include "outfile.h"
#include "pathname.h"
#include "sbuf.h"
#include "trust.h"
#include "zipio.h"
#include "zlibio.h"

struct item {
	char *name;
	size_t name_len;
	char *path; /* or NULL */
	unsigned char *data; /* owned; or NULL for a file read at write time */
	uint64_t size;
	bool deflate;
	uint64_t comp_size; /* when deflate */
	unsigned char digest[DIGEST_SIZE];
	unsigned char *chunk_digests; /* stored entries over 1 MiB */
	size_t chunk_count;
};

struct bundle_writer {
	struct item *items;
	size_t count, cap;
	uint16_t dostime, dosdate;
	bundle_writer_progress progress;
	void *progress_ctx;
	int (*cancel)(void *ctx);
	void *cancel_ctx;
	uint64_t hash_total, hash_done;
	uint64_t hash_item_done; /* of the file being hashed */
	bool used; /* a writer writes once */
	uint64_t part_size; /* split into parts of this size when larger; 0: never */
};

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

void bundle_writer_dos_time(int64_t unix_time, uint16_t *dostime, uint16_t *dosdate)
{
	struct tm tm;
	time_t t;

	if (unix_time < 315532800) { /* before 1980-01-01T00:00:00Z */
		*dostime = 0;
		*dosdate = (0 << 9) | (1 << 5) | 1;
		return;
	}
	if (unix_time > 4354819198LL) /* 2107-12-31T23:59:58Z */
		unix_time = 4354819198LL;
	t = (time_t)unix_time;
	gmtime_r(&t, &tm);
	*dostime = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	*dosdate = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

enum bundle_status bundle_writer_new(struct bundle_writer **out, struct bundle_error *err)
{
	struct bundle_writer *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return nomem(err);
	bundle_writer_dos_time(0, &w->dostime, &w->dosdate);
	*out = w;
	return BUNDLE_OK;
}

void bundle_writer_set_time(struct bundle_writer *w, int64_t unix_time)
{
	bundle_writer_dos_time(unix_time, &w->dostime, &w->dosdate);
}

void bundle_writer_set_progress(struct bundle_writer *w, bundle_writer_progress fn, void *ctx)
{
	w->progress = fn;
	w->progress_ctx = ctx;
}

void bundle_writer_set_split(struct bundle_writer *w, uint64_t part_size)
{
	w->part_size = part_size;
}

/* Parts out_path.NNN left from an earlier build: they would shadow, or join, the new bundle. */
static enum bundle_status remove_parts(const char *out_path, struct bundle_error *err)
{
	char path[4096];

	for (unsigned k = 1; k <= BUNDLE_MAX_PARTS; k++) {
		if ((size_t)snprintf(path, sizeof(path), "%s.%03u", out_path, k) >= sizeof(path))
			return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
			                        "output name too long");
		if (unlink(path) != 0 && errno != ENOENT)
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, path, strlen(path),
			                        "cannot remove a part left from before: %s",
			                        strerror(errno));
	}
	return BUNDLE_OK;
}

/*
 * The verified bundle tmp as parts of out_path (format-spec 20.1), then
 * the parts read back as one bundle: container, signature, metadata and
 * seams (the bytes were checked whole in tmp, and the parts are copies).
 */
static enum bundle_status write_parts(const char *tmp, uint64_t size, uint64_t part_size,
                                      const char *out_path, const struct minisign_seckey *sk,
                                      unsigned *parts, struct bundle_error *err)
{
	struct minisign_pubkey pk;
	struct trust trust;
	struct bundle *b = NULL;
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);
	enum bundle_status st;

	if (fd < 0)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s", tmp,
		                        strerror(errno));
	st = bfile_split(fd, size, part_size, out_path, parts, err);
	close(fd);
	if (st != BUNDLE_OK)
		return st;
	trust_init(&trust);
	minisign_seckey_pubkey(sk, &pk);
	st = trust_add(&trust, &pk, err);
	if (st == BUNDLE_OK)
		st = bundle_open(out_path, &b, err);
	if (st == BUNDLE_OK)
		st = bundle_verify(b, &trust, err);
	if (st == BUNDLE_OK && bundle_bfile(b)->size != size)
		st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                      "the parts do not add up to the bundle");
	bundle_close(b);
	trust_release(&trust);
	return st;
}

void bundle_writer_set_cancel(struct bundle_writer *w, int (*cancel)(void *ctx), void *ctx)
{
	w->cancel = cancel;
	w->cancel_ctx = ctx;
}

static bool cancelled(const struct bundle_writer *w)
{
	return w->cancel && w->cancel(w->cancel_ctx);
}

static enum bundle_status interrupted(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "interrupted");
}

static int zip_cancel(void *ctx)
{
	return cancelled(ctx);
}

/* The writer's progress goes to zipio as a fraction of the bytes to write. */
struct write_progress {
	struct bundle_writer *w;
	uint64_t total;
};

static void on_written(void *ctx, double done)
{
	struct write_progress *p = ctx;

	if (p->w->progress)
		p->w->progress(p->w->progress_ctx, BUNDLE_PHASE_WRITE,
		               (uint64_t)(done * (double)p->total), p->total);
}

static int on_write_cancel(void *ctx)
{
	struct write_progress *p = ctx;
	return zip_cancel(p->w);
}

static void item_release(struct item *it)
{
	free(it->name);
	free(it->path);
	free(it->data);
	free(it->chunk_digests);
}

void bundle_writer_free(struct bundle_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->count; i++)
		item_release(&w->items[i]);
	free(w->items);
	free(w);
}

static bool reserved(const char *name)
{
	return strcmp(name, BUNDLE_NAME_MIMETYPE) == 0 || strcmp(name, BUNDLE_NAME_MANIFEST) == 0 ||
	       strcmp(name, BUNDLE_NAME_SIGNATURE) == 0 || strcmp(name, BUNDLE_NAME_CHUNKS) == 0;
}

/* A new zeroed item at the end of the list, or NULL when out of memory. */
static struct item *new_item(struct bundle_writer *w)
{
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct item *p = realloc(w->items, cap * sizeof(*p));
		if (!p)
			return NULL;
		w->items = p;
		w->cap = cap;
	}
	memset(&w->items[w->count], 0, sizeof(w->items[0]));
	return &w->items[w->count++];
}

static enum bundle_status add_item(struct bundle_writer *w, const char *name, const char *path,
                                   const void *data, size_t len, struct bundle_error *err)
{
	size_t name_len = strlen(name);
	struct item *it;
	enum bundle_status st;

	st = pathname_check(name, name_len, true, err);
	if (st != BUNDLE_OK)
		return st;
	if (reserved(name))
		return bundle_error_set(err, BUNDLE_USAGE, RULE_INPUT_INVALID, name, name_len,
		                        "this entry is made by the writer itself");
	if (w->count >= BUNDLE_MAX_ENTRIES - 4)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_TOO_MANY_ENTRIES, name, name_len,
		                        "a bundle holds at most %u entries", BUNDLE_MAX_ENTRIES);
	it = new_item(w);
	if (!it)
		return nomem(err);
	it->name = strdup(name);
	it->name_len = name_len;
	if (path) {
		it->path = strdup(path);
	} else {
		it->data = malloc(len ? len : 1);
		if (it->data && len)
			memcpy(it->data, data, len);
		it->size = len;
	}
	if (!it->name || (path && !it->path) || (!path && !it->data)) {
		item_release(it);
		w->count--;
		return nomem(err);
	}
	return BUNDLE_OK;
}

enum bundle_status bundle_writer_add_file(struct bundle_writer *w, const char *name,
                                          const char *path, struct bundle_error *err)
{
	return add_item(w, name, path, NULL, 0, err);
}

enum bundle_status bundle_writer_add_data(struct bundle_writer *w, const char *name,
                                          const void *data, size_t len, struct bundle_error *err)
{
	return add_item(w, name, NULL, data, len, err);
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	return manifest_order_cmp(a->name, a->name_len, b->name, b->name_len);
}

static enum bundle_status io_error(struct bundle_error *err, const char *path, const char *what)
{
	return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s: %s", path, what,
	                        strerror(errno));
}

/* Read a whole (text) file into it->data. */
static enum bundle_status load_file(struct item *it, struct bundle_error *err)
{
	int fd = open(it->path, O_RDONLY | O_CLOEXEC);
	enum bundle_status st;

	if (fd < 0)
		return io_error(err, it->path, "cannot open");
	it->data = malloc(it->size ? (size_t)it->size : 1);
	if (!it->data) {
		close(fd);
		return nomem(err);
	}
	st = container_pread(fd, it->data, (size_t)it->size, 0, err);
	close(fd);
	if (st != BUNDLE_OK)
		bundle_error_prefix(err, "%s", it->path);
	return st;
}

static void report_hash(struct bundle_writer *w, uint64_t n)
{
	w->hash_done += n;
	if (w->progress)
		w->progress(w->progress_ctx, BUNDLE_PHASE_HASH, w->hash_done, w->hash_total);
}

static int on_hashed_chunk(void *ctx, uint64_t done, uint64_t size)
{
	struct bundle_writer *w = ctx;

	(void)size;
	report_hash(w, done - w->hash_item_done);
	w->hash_item_done = done;
	return cancelled(w);
}

/* Stream a stored file: whole digest and, over 1 MiB, the digest of each chunk (two cores). */
static enum bundle_status hash_file(struct bundle_writer *w, struct item *it,
                                    struct bundle_error *err)
{
	struct hashpipe_job job;
	struct bfile bf;
	int fd = open(it->path, O_RDONLY | O_CLOEXEC);
	enum bundle_status st;

	if (fd < 0)
		return io_error(err, it->path, "cannot open");
	memset(&job, 0, sizeof(job));
	if (it->size > BUNDLE_CHUNK_SIZE) {
		it->chunk_count = (size_t)chunks_count_for(it->size);
		it->chunk_digests = malloc(it->chunk_count * DIGEST_SIZE);
		if (!it->chunk_digests) {
			close(fd);
			return nomem(err);
		}
	}
#ifdef POSIX_FADV_SEQUENTIAL
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	bfile_from_fd(&bf, fd, it->size);
	job.file = &bf;
	job.size = it->size;
	job.chunks = it->chunk_digests;
	job.on_chunk = on_hashed_chunk;
	job.ctx = w;
	w->hash_item_done = 0;
	st = hashpipe_run(&job, err);
	close(fd);
	if (st == BUNDLE_OK)
		memcpy(it->digest, job.whole, DIGEST_SIZE);
	else if (st == BUNDLE_IO && err && strcmp(err->message, "interrupted") != 0)
		bundle_error_prefix(err, "%s (did it shrink while being read?)", it->path);
	return st;
}

/* Decide stored or deflated (format rule), and hash. */
static enum bundle_status prepare_item(struct bundle_writer *w, struct item *it,
                                       struct bundle_error *err)
{
	const struct mediatype *mt = mediatype_of(it->name, it->name_len);
	enum bundle_status st;

	if (it->path && !it->data && mt->deflate && it->size <= BUNDLE_MAX_DEFLATED_SIZE) {
		st = load_file(it, err);
		if (st != BUNDLE_OK)
			return st;
	}
	if (!it->data)
		return hash_file(w, it, err);
	digest_sha256(it->data, (size_t)it->size, it->digest);
	report_hash(w, it->size);
	it->deflate = false;
	if (mt->deflate && it->size > 0 && it->size <= BUNDLE_MAX_DEFLATED_SIZE) {
		st = zlibio_deflated_size(it->data, (size_t)it->size, &it->comp_size, err);
		if (st != BUNDLE_OK)
			return st;
		it->deflate = it->comp_size < it->size &&
		              it->size / BUNDLE_MAX_RATIO <= it->comp_size &&
		              !(it->size / BUNDLE_MAX_RATIO == it->comp_size &&
		                it->size % BUNDLE_MAX_RATIO != 0);
	}
	if (!it->deflate && it->size > BUNDLE_CHUNK_SIZE &&
	    strcmp(it->name, BUNDLE_NAME_CHUNKS) != 0) {
		it->chunk_count = (size_t)chunks_count_for(it->size);
		it->chunk_digests = malloc(it->chunk_count * DIGEST_SIZE);
		if (!it->chunk_digests)
			return nomem(err);
		for (size_t k = 0; k < it->chunk_count; k++) {
			uint64_t off = (uint64_t)k * BUNDLE_CHUNK_SIZE;
			size_t n = it->size - off > BUNDLE_CHUNK_SIZE ? BUNDLE_CHUNK_SIZE
			                                              : (size_t)(it->size - off);
			digest_sha256(it->data + off, n, it->chunk_digests + k * DIGEST_SIZE);
		}
	}
	return BUNDLE_OK;
}

static enum bundle_status stat_inputs(struct bundle_writer *w, struct bundle_error *err)
{
	w->hash_total = 0;
	for (size_t i = 0; i < w->count; i++) {
		struct item *it = &w->items[i];
		struct stat sb;
		if (it->path) {
			if (stat(it->path, &sb) != 0)
				return io_error(err, it->path, "cannot read");
			if (!S_ISREG(sb.st_mode))
				return bundle_error_set(err, BUNDLE_INVALID, RULE_NOT_REGULAR_FILE,
				                        it->name, it->name_len,
				                        "'%s' is not a regular file", it->path);
			it->size = (uint64_t)sb.st_size;
		}
		/* libzip 1.7 writes an empty ZIP64 field for this one size. */
		if (it->size == 0xFFFFFFFFu)
			return bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, it->name,
			                        it->name_len,
			                        "a file of exactly 4,294,967,295 bytes cannot be "
			                        "written; add or remove one byte");
		if (it->size > BUNDLE_MAX_STORED_SIZE)
			return bundle_error_set(err, BUNDLE_INVALID, RULE_ENTRY_TOO_LARGE, it->name,
			                        it->name_len, "larger than 1 TiB");
		w->hash_total += it->size;
	}
	return BUNDLE_OK;
}

static enum bundle_status check_names(struct bundle_writer *w, struct bundle_error *err)
{
	const char **names = malloc((w->count + 1) * sizeof(*names));
	size_t *lens = malloc((w->count + 1) * sizeof(*lens));
	enum bundle_status st;

	if (!names || !lens) {
		free(names);
		free(lens);
		return nomem(err);
	}
	for (size_t i = 0; i < w->count; i++) {
		names[i] = w->items[i].name;
		lens[i] = w->items[i].name_len;
	}
	st = pathname_check_set(names, lens, w->count, err);
	free(names);
	free(lens);
	return st;
}

static bool item_exists(void *ctx, const char *name)
{
	const struct bundle_writer *w = ctx;
	for (size_t i = 0; i < w->count; i++)
		if (strcmp(w->items[i].name, name) == 0)
			return true;
	return false;
}

static size_t find_item(const struct bundle_writer *w, const char *name)
{
	for (size_t i = 0; i < w->count; i++)
		if (strcmp(w->items[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

/* A file beside out_path for the temporary bundle (mode 0666 minus the umask); malloc'd. */
static enum bundle_status make_temp(const char *out_path, char **tmp, struct bundle_error *err)
{
	int fd = outfile_temp(out_path, 0666, tmp, err);

	if (fd < 0)
		return err ? err->status : BUNDLE_IO;
	close(fd);
	return BUNDLE_OK;
}

struct verify_ctx {
	struct bundle_writer *w;
	struct bundle *b;
	uint64_t done, total;
};

static void on_verified(void *ctx, size_t index, const struct bundle_error *result)
{
	struct verify_ctx *v = ctx;
	struct bundle_entry e;

	(void)result;
	bundle_entry(v->b, index, &e);
	v->done += e.size;
	if (v->w->progress)
		v->w->progress(v->w->progress_ctx, BUNDLE_PHASE_VERIFY, v->done, v->total);
}

/* Open what was written and check all of it with the signer's key. */
static enum bundle_status verify_written(struct bundle_writer *w, const char *tmp,
                                         const struct minisign_seckey *sk, uint64_t total,
                                         struct bundle_error *err)
{
	struct minisign_pubkey pk;
	struct trust trust;
	struct bundle *b = NULL;
	struct verify_ctx v = { w, NULL, 0, total };
	enum bundle_status st;

	trust_init(&trust);
	minisign_seckey_pubkey(sk, &pk);
	st = trust_add(&trust, &pk, err);
	if (st == BUNDLE_OK)
		st = bundle_open(tmp, &b, err);
	if (st == BUNDLE_OK)
		st = bundle_verify(b, &trust, err);
	if (st == BUNDLE_OK) {
		v.b = b;
		st = bundle_verify_content(b, on_verified, &v, err);
	}
	bundle_close(b);
	trust_release(&trust);
	if (st != BUNDLE_OK && st != BUNDLE_NOMEM && st != BUNDLE_IO) {
		bundle_error_prefix(err, "the written bundle does not verify (did an input change "
		                         "while it was written?)");
		if (err)
			err->status = BUNDLE_INVALID;
		st = BUNDLE_INVALID;
	}
	return st;
}

static bool append_zip_item(struct zipio_item *z, size_t *n, const char *name, const void *data,
                            uint64_t len, const char *path, bool deflate)
{
	z[*n].name = name;
	z[*n].data = data;
	z[*n].len = len;
	z[*n].path = path;
	z[*n].deflate = deflate;
	(*n)++;
	return true;
}

/* Whether a META-INF text file is deflated: the same rule as any entry. */
static enum bundle_status meta_deflate(const char *name, const char *text, size_t len,
                                       bool *deflate, struct bundle_error *err)
{
	uint64_t comp = 0;
	enum bundle_status st;

	*deflate = false;
	if (!mediatype_of(name, strlen(name))->deflate || len == 0)
		return BUNDLE_OK;
	st = zlibio_deflated_size(text, len, &comp, err);
	if (st != BUNDLE_OK)
		return st;
	*deflate = comp < len && len / BUNDLE_MAX_RATIO <= comp &&
	           !(len / BUNDLE_MAX_RATIO == comp && len % BUNDLE_MAX_RATIO != 0);
	return BUNDLE_OK;
}

enum bundle_status bundle_writer_write(struct bundle_writer *w, const struct minisign_seckey *sk,
                                       const char *out_path, struct bundle_write_result *result,
                                       struct bundle_error *err)
{
	struct course *course = NULL;
	struct sbuf chunks_buf;
	struct manifest_line *lines = NULL;
	struct zipio_item *zitems = NULL;
	char *manifest = NULL, *sig = NULL, *tmp = NULL, *chunks_text = NULL;
	size_t manifest_len = 0, sig_len = 0, chunks_len = 0, ci, nz = 0;
	char tc[600], uc[80], keyid[MINISIGN_KEYID_HEX_SIZE];
	struct minisign_pubkey pk;
	bool deflate_manifest, deflate_sig;
	struct write_progress wp = { w, 0 };
	enum bundle_status st;

	sbuf_init(&chunks_buf, BUNDLE_MAX_CHUNKS);
	if (w->used)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "this writer has already written its bundle");
	w->used = true;
	/* 1. names and metadata */
	ci = find_item(w, BUNDLE_NAME_COURSE);
	if (ci == (size_t)-1) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_COURSE_INVALID, NULL, 0,
		                      "no META-INF/course.json was added");
		goto done;
	}
	if ((st = check_names(w, err)) != BUNDLE_OK || (st = stat_inputs(w, err)) != BUNDLE_OK)
		goto done;
	if (!w->items[ci].data) {
		if (w->items[ci].size > BUNDLE_MAX_COURSE_JSON) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_COURSE_INVALID, NULL, 0,
			                      "course.json is larger than 4 MiB");
			goto done;
		}
		if ((st = load_file(&w->items[ci], err)) != BUNDLE_OK)
			goto done;
	}
	st = course_parse((const char *)w->items[ci].data, (size_t)w->items[ci].size, &course, err);
	if (st != BUNDLE_OK)
		goto done;
	st = course_check(course, course->id, course->version, item_exists, w, err);
	if (st != BUNDLE_OK)
		goto done;
	/* 2. order, compression and digests */
	qsort(w->items, w->count, sizeof(*w->items), cmp_items);
	w->hash_done = 0;
	for (size_t i = 0; i < w->count; i++) {
		if (cancelled(w)) {
			st = interrupted(err);
			goto done;
		}
		if ((st = prepare_item(w, &w->items[i], err)) != BUNDLE_OK)
			goto done;
	}
	/* 3. META-INF/chunks, an entry like the others */
	if ((st = chunks_format_begin(&chunks_buf, err)) != BUNDLE_OK)
		goto done;
	for (size_t i = 0; i < w->count; i++) {
		const struct item *it = &w->items[i];
		if (!it->chunk_digests)
			continue;
		st = chunks_format_entry(&chunks_buf, it->name, it->name_len, it->size,
		                         it->chunk_digests, it->chunk_count, err);
		if (st != BUNDLE_OK)
			goto done;
	}
	chunks_text = sbuf_take(&chunks_buf, &chunks_len);
	if (!chunks_text) {
		st = nomem(err);
		goto done;
	}
	{
		struct item *it = new_item(w);
		if (!it) {
			st = nomem(err);
			goto done;
		}
		it->name = strdup(BUNDLE_NAME_CHUNKS);
		it->name_len = strlen(BUNDLE_NAME_CHUNKS);
		it->data = (unsigned char *)chunks_text;
		it->size = chunks_len;
		w->hash_total += chunks_len;
		chunks_text = NULL;
		if (!it->name) {
			st = nomem(err);
			goto done;
		}
		if ((st = prepare_item(w, it, err)) != BUNDLE_OK)
			goto done;
	}
	qsort(w->items, w->count, sizeof(*w->items), cmp_items);
	/* 4. manifest and signature */
	lines = calloc(w->count, sizeof(*lines));
	zitems = calloc(w->count + 3, sizeof(*zitems));
	if (!lines || !zitems) {
		st = nomem(err);
		goto done;
	}
	for (size_t i = 0; i < w->count; i++) {
		lines[i].name = w->items[i].name;
		lines[i].name_len = w->items[i].name_len;
		memcpy(lines[i].digest, w->items[i].digest, DIGEST_SIZE);
	}
	st = manifest_format(course->id, course->version,
	                     course_text_get(&course->title, course->language, course->language),
	                     lines, w->count, &manifest, &manifest_len, err);
	if (st != BUNDLE_OK)
		goto done;
	snprintf(tc, sizeof(tc), "sampan-bundle:%d\tid:%s\tversion:%s", BUNDLE_FORMAT_VERSION,
	         course->id, course->version);
	minisign_seckey_pubkey(sk, &pk);
	minisign_keyid_hex(pk.keyid, keyid);
	snprintf(uc, sizeof(uc), "signature from sampan secret key %s", keyid);
	st = minisign_sign(sk, manifest, manifest_len, uc, tc, &sig, &sig_len, err);
	if (st != BUNDLE_OK)
		goto done;
	if ((st = meta_deflate(BUNDLE_NAME_MANIFEST, manifest, manifest_len, &deflate_manifest,
	                       err)) != BUNDLE_OK ||
	    (st = meta_deflate(BUNDLE_NAME_SIGNATURE, sig, sig_len, &deflate_sig, err)) !=
	            BUNDLE_OK)
		goto done;
	/* 5. the ZIP, in the format's order */
	append_zip_item(zitems, &nz, BUNDLE_NAME_MIMETYPE, BUNDLE_MEDIA_TYPE,
	                strlen(BUNDLE_MEDIA_TYPE), NULL, false);
	append_zip_item(zitems, &nz, BUNDLE_NAME_MANIFEST, manifest, manifest_len, NULL,
	                deflate_manifest);
	append_zip_item(zitems, &nz, BUNDLE_NAME_SIGNATURE, sig, sig_len, NULL, deflate_sig);
	wp.total = manifest_len + sig_len;
	for (size_t i = 0; i < w->count; i++) {
		const struct item *it = &w->items[i];
		append_zip_item(zitems, &nz, it->name, it->data, it->size,
		                it->data ? NULL : it->path, it->deflate);
		wp.total += it->size;
	}
	st = make_temp(out_path, &tmp, err);
	if (st != BUNDLE_OK)
		goto done;
	st = zipio_write(tmp, zitems, nz, w->dostime, w->dosdate, w->progress ? on_written : NULL,
	                 w->cancel ? on_write_cancel : NULL, &wp, err);
	if (st != BUNDLE_OK)
		goto done;
	/* 6. check what was written, then put it in place */
	st = verify_written(w, tmp, sk, wp.total, err);
	if (st != BUNDLE_OK)
		goto done;
	if (cancelled(w)) {
		st = interrupted(err);
		goto done;
	}
	if (result) {
		struct stat sb;
		memset(result, 0, sizeof(*result));
		result->entries = nz;
		if (stat(tmp, &sb) == 0)
			result->file_size = (uint64_t)sb.st_size;
		for (size_t i = 0; i < w->count; i++) {
			const struct item *it = &w->items[i];
			if (it->deflate) {
				result->deflated_bytes += it->size;
				result->deflated_comp += it->comp_size;
			} else {
				result->stored_bytes += it->size;
			}
		}
	}
	{
		struct stat sb;
		if (stat(tmp, &sb) != 0) {
			st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s", tmp,
			                      strerror(errno));
			goto done;
		}
		if (w->part_size && (uint64_t)sb.st_size > w->part_size) {
			unsigned parts = 0;
			st = write_parts(tmp, (uint64_t)sb.st_size, w->part_size, out_path, sk,
			                 &parts, err);
			/* the bundle is now its parts: a whole file of the name would be a second copy */
			if (st == BUNDLE_OK && unlink(out_path) != 0 && errno != ENOENT)
				st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
				                      "%s: cannot remove the earlier bundle: %s",
				                      out_path, strerror(errno));
			if (result)
				result->parts = parts;
			goto done;
		}
	}
	st = outfile_commit(tmp, out_path, true, NULL, err);
	if (st == BUNDLE_OK) {
		free(tmp);
		tmp = NULL;
		st = remove_parts(out_path, err);
		if (result)
			result->parts = 0;
	}
done:
	outfile_discard(tmp);
	sbuf_release(&chunks_buf);
	free(chunks_text);
	free(lines);
	free(zitems);
	free(manifest);
	free(sig);
	course_free(course);
	return st;
}

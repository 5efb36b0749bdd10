/*
 * entry.c - a course's files from the bytes checked in memory (entry.h;
 * format-spec/bundle-v1.md §12.4).
 */
#include "entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "decor.h"
#include "errpage.h"
#include "format.h"
#include "httputil.h"
#include "l10n.h"
#include "represent.h"

#define INFLATE_MAX BUNDLE_MAX_DEFLATED_SIZE

/* What one request for an entry holds while it is answered. */
struct entry_request {
	struct library *lib;
	struct vcache *vc;
	struct lib_snapshot *snap;
	struct lib_course *course; /* counted as a user until finish */
	const struct bundle *b; /* course->b, open while counted */
	size_t index;
	struct bundle_entry e;
};

/* The request is done with the course: one user less, then the snapshot goes. */
static void finish(struct entry_request *q)
{
	pthread_mutex_lock(&q->course->lock);
	library_done_course(q->course);
	pthread_mutex_unlock(&q->course->lock);
	library_release_snapshot(q->lib, q->snap);
}

static void entry_key(const struct entry_request *q, enum vcache_kind kind, uint64_t part,
                      struct vcache_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->bundle, q->course->manifest_digest, DIGEST_SIZE);
	k->entry = q->index;
	k->part = part;
	k->kind = kind;
}

static void log_check(const struct entry_request *q, const struct bundle_error *err)
{
	fprintf(stderr, "sampan-play: %s: %s\n", q->course->path, err->message);
}

/* ---- vcache fills: each reads into the cache's memory and checks it there ---- */

static enum bundle_status fill_whole(void *ctx, unsigned char *buf, size_t len,
                                     struct bundle_error *err)
{
	const struct entry_request *q = ctx;

	(void)len;
	return bundle_read_into(q->b, q->index, buf, err);
}

struct chunk_fill {
	const struct bundle *b;
	size_t index;
	uint64_t k;
};

static enum bundle_status fill_chunk(void *ctx, unsigned char *buf, size_t len,
                                     struct bundle_error *err)
{
	const struct chunk_fill *f = ctx;
	size_t n;
	enum bundle_status st = bundle_read_chunk(f->b, f->index, f->k, buf, &n, err);

	if (st == BUNDLE_OK && n != len)
		st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                      "chunk of %zu bytes, not %zu", n, len);
	return st;
}

/* A gzip member: a 10-byte header, the raw deflate bytes (checked where they lie), CRC-32 and size. */
static enum bundle_status fill_gzip(void *ctx, unsigned char *buf, size_t len,
                                    struct bundle_error *err)
{
	const struct entry_request *q = ctx;
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	unsigned char *trailer = buf + len - 8;
	enum bundle_status st = bundle_read_deflated(q->b, q->index, buf + 10, NULL, err);

	if (st != BUNDLE_OK)
		return st;
	memcpy(buf, header, sizeof(header));
	for (int k = 0; k < 4; k++) {
		trailer[k] = (unsigned char)(q->e.crc >> (8 * k));
		trailer[4 + k] = (unsigned char)(q->e.size >> (8 * k));
	}
	return BUNDLE_OK;
}

static uint64_t chunk_len(const struct bundle_entry *e, uint64_t k)
{
	uint64_t off = k * BUNDLE_CHUNK_SIZE;

	return e->size - off > BUNDLE_CHUNK_SIZE ? BUNDLE_CHUNK_SIZE : e->size - off;
}

/*
 * Chunk k of a chunked entry, pinned; without room, a private one when
 * may_be_private, else NULL (BUNDLE_OK).
 */
static enum bundle_status fetch_chunk(const struct entry_request *q, uint64_t k,
                                      bool may_be_private, struct vcache_piece **out,
                                      struct bundle_error *err)
{
	struct vcache_key key;
	struct chunk_fill f = { q->b, q->index, k };

	entry_key(q, VCACHE_CHUNK, k, &key);
	return vcache_fetch(q->vc, &key, (size_t)chunk_len(&q->e, k), may_be_private, fill_chunk,
	                    &f, out, err);
}

/* ---- a chunked entry streamed a chunk at a time, each from verified memory ---- */

struct chunk_reader {
	struct entry_request q;
	uint64_t first, length; /* the entry's bytes sent */
	struct vcache_piece *cur; /* chunk cur_k, pinned while it is being sent */
	uint64_t cur_k;
	bool failed;
};

static ssize_t chunk_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct chunk_reader *r = cls;
	struct bundle_error err;
	uint64_t at = r->first + pos, k = at / BUNDLE_CHUNK_SIZE;
	size_t off = (size_t)(at % BUNDLE_CHUNK_SIZE), n, len;
	const unsigned char *data;

	if (pos >= r->length)
		return REPLY_STREAM_END;
	if (r->failed)
		return REPLY_STREAM_ERROR;
	n = r->length - pos < max ? (size_t)(r->length - pos) : max;
	if (!r->cur || r->cur_k != k) {
		vcache_release(r->q.vc, r->cur);
		r->cur = NULL;
		if (fetch_chunk(&r->q, k, false, &r->cur, &err) != BUNDLE_OK)
			goto fail;
		r->cur_k = k;
	}
	if (r->cur) {
		data = vcache_piece_data(r->cur, &len);
		if (n > len - off)
			n = len - off;
		memcpy(buf, data + off, n);
		return (ssize_t)n;
	}
	/* No room in the cache (every piece is being sent): this step's bytes alone, checked. */
	{
		unsigned char *tmp = malloc(BUNDLE_CHUNK_SIZE);
		if (!tmp) {
			bundle_error_set(&err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
			goto fail;
		}
		if (bundle_read_chunk(r->q.b, r->q.index, k, tmp, &len, &err) != BUNDLE_OK) {
			free(tmp);
			goto fail;
		}
		if (n > len - off)
			n = len - off;
		memcpy(buf, tmp + off, n);
		free(tmp);
		return (ssize_t)n;
	}
fail:
	/* A chunk that fails is never sent: the response ends here, cut short. */
	log_check(&r->q, &err);
	r->failed = true;
	return REPLY_STREAM_ERROR;
}

static void chunk_reader_done(void *cls)
{
	struct chunk_reader *r = cls;

	vcache_release(r->q.vc, r->cur);
	finish(&r->q);
	free(r);
}

/* ---- decorated pages ---- */

/* The index of an interface language. */
static size_t ui_index(const char *lang)
{
	for (size_t i = 0; i < l10n_languages_count; i++)
		if (strcmp(lang, l10n_languages[i]) == 0)
			return i;
	return 0;
}

/*
 * The page as the player sends it (decor.h: the chrome in the interface
 * language ui, the fonts, a preview's banner), pinned: made once from the
 * checked whole entry and kept.  *whole may hold that entry already
 * (pinned; it is fetched when NULL and kept there).  NULL when it cannot be
 * decorated.
 */
static struct vcache_piece *decorated_page(struct entry_request *q, const char *ui,
                                           struct vcache_piece **whole, struct bundle_error *err,
                                           enum bundle_status *st)
{
	struct vcache_key key;
	struct vcache_piece *p;
	struct decor_view v;
	const unsigned char *html;
	size_t len, dlen = 0;
	char *d;

	*st = BUNDLE_OK;
	entry_key(q, VCACHE_PAGE, 2 * ui_index(ui), &key);
	p = vcache_get(q->vc, &key);
	if (p)
		return p;
	if (!*whole) {
		struct vcache_key wk;
		entry_key(q, VCACHE_WHOLE, 0, &wk);
		*st = vcache_fetch(q->vc, &wk, (size_t)q->e.size, true, fill_whole, q, whole, err);
		if (*st != BUNDLE_OK)
			return NULL;
	}
	html = vcache_piece_data(*whole, &len);
	memset(&v, 0, sizeof(v));
	v.ui = ui;
	v.banner = q->course->unsigned_preview
	                   ? l10n_get(ui, "preview", "Preview: not signed by a trusted publisher")
	                   : NULL;
	v.course_id = q->course->id;
	v.course = q->course->course;
	v.page = q->e.name;
	d = decor_page(html, len, &v, &dlen);
	if (!d)
		return NULL;
	return vcache_adopt(q->vc, &key, (unsigned char *)d, dlen);
}

/*
 * The decorated page as one gzip member, pinned: compressed once and kept
 * beside it, so that phones get pages as small as the producer's bytes
 * would have been.  NULL when memory ran out (the page goes as it is).
 */
static struct vcache_piece *decorated_gzip(struct entry_request *q, const char *ui,
                                           struct vcache_piece *page)
{
	struct vcache_key key;
	struct vcache_piece *p = NULL;
	const unsigned char *data;
	unsigned char *z;
	size_t len;
	z_stream zs;
	uLong bound;

	entry_key(q, VCACHE_PAGE, 2 * ui_index(ui) + 1, &key);
	p = vcache_get(q->vc, &key);
	if (p)
		return p;
	data = vcache_piece_data(page, &len);
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	bound = deflateBound(&zs, (uLong)len);
	z = malloc(bound);
	if (z) {
		zs.next_in = (Bytef *)(uintptr_t)data;
		zs.avail_in = (uInt)len;
		zs.next_out = z;
		zs.avail_out = (uInt)bound;
		if (deflate(&zs, Z_FINISH) == Z_STREAM_END) {
			p = vcache_adopt(q->vc, &key, z, zs.total_out);
			z = NULL; /* taken, or freed */
		}
	}
	deflateEnd(&zs);
	free(z);
	return p;
}

/* ---- the entry ---- */

/* The checked piece p answers: its bytes first..last (or whole), released with the reply. */
static void piece_reply(struct reply *r, struct vcache *vc, struct vcache_piece *p,
                        const struct httpcond_answer *a)
{
	size_t len;

	vcache_piece_data(p, &len);
	r->status = a->status;
	r->body = REPLY_PIECE;
	r->vc = vc;
	r->piece = p;
	if (a->status == 206) {
		r->off = (size_t)a->first;
		r->len = a->last - a->first + 1;
	} else {
		r->off = 0;
		r->len = len;
	}
}

void entry_serve(struct library *lib, struct vcache *vc, const struct request *rq, const char *id,
                 const char *rest, struct reply *r)
{
	struct entry_request q;
	struct httpcond_request hrq;
	struct httpcond_resource rs;
	struct httpcond_answer a;
	struct bundle_error err;
	struct vcache_piece *whole = NULL, *page = NULL, *piece = NULL;
	struct vcache_key key;
	char *name = NULL, *type = NULL, tag[REPRESENT_TAG_SIZE], page_tag[64];
	const char *ui = NULL, *vary_more = NULL, *cache = ENTRY_CACHE;
	enum bundle_status st = BUNDLE_OK;
	uint64_t chunk_base = 0; /* where the piece sent starts in the entry */
	size_t len;

	memset(&q, 0, sizeof(q));
	q.lib = lib;
	q.vc = vc;
	q.snap = library_snapshot(lib);
	q.course = library_find(q.snap, id);
	if (!q.course) {
		library_release_snapshot(lib, q.snap);
		errpage_reply(r, rq, 404, id);
		return;
	}
	if (!urlpath_to_entry(rest, &name)) {
		library_release_snapshot(lib, q.snap);
		errpage_reply(r, rq, 400, "not a valid path");
		return;
	}
	if (course_is_teacher_entry(name))
		cache = ENTRY_CACHE_TEACHER;
	if (course_is_teacher_entry(name) && !rq->teacher) {
		/* teacher pages: only through the gate (teacher.h), whatever the course links */
		free(name);
		library_release_snapshot(lib, q.snap);
		errpage_reply(r, rq, 403,
		              l10n_get(l10n_of_request(rq), "teacher",
		                       "This page is for the class's teacher: open "
		                       "/teacher to enter the code."));
		return;
	}
	/* The lock opens the bundle and counts this request; reads need no lock. */
	pthread_mutex_lock(&q.course->lock);
	st = library_use_course(lib, q.course, &err);
	q.b = q.course->b;
	pthread_mutex_unlock(&q.course->lock);
	if (st != BUNDLE_OK) {
		fprintf(stderr, "sampan-play: %s: %s\n", q.course->path, err.message);
		free(name);
		library_release_snapshot(lib, q.snap);
		/* The next scan looks at the file again: say so, briefly. */
		errpage_reply(r, rq, 503, "this course is being reloaded");
		return;
	}
	q.index = bundle_find(q.b, name, strlen(name));
	if (q.index != BUNDLE_NOT_FOUND)
		bundle_entry(q.b, q.index, &q.e);
	free(name);
	/* Only what the signed manifest lists exists: not mimetype, nor the manifest itself. */
	if (q.index == BUNDLE_NOT_FOUND || !q.e.digest) {
		finish(&q);
		errpage_reply(r, rq, 404, rest);
		return;
	}

	memset(&rs, 0, sizeof(rs));
	etag_tag(q.e.digest, tag);
	rs.tag = tag;
	rs.ranges = true;
	rs.size = q.e.size;
	rs.last_modified = -1; /* an entry's ZIP date says nothing of its content */
	rs.gzip = q.e.method == 8;
	if (strcmp(q.e.media_type, "text/html") == 0 && q.e.size <= INFLATE_MAX &&
	    decor_kind_of(q.course, q.index) != DECOR_CANNOT) {
		/*
		 * A page with the player's chrome is another representation, in the
		 * interface language, of the course as this manifest has it: its own
		 * ETag, and gzip made by the player.
		 */
		ui = l10n_of_request(rq);
		snprintf(page_tag, sizeof(page_tag), "%s-%s%s-%02x%02x%02x%02x", tag,
		         q.course->unsigned_preview ? "p" : "c", ui, q.course->manifest_digest[0],
		         q.course->manifest_digest[1], q.course->manifest_digest[2],
		         q.course->manifest_digest[3]);
		/* A phone whose copy is current gets its 304 before anything is read or made. */
		if (!request_header(rq, "Range")) {
			struct httpcond_resource prs = rs;
			prs.tag = page_tag;
			prs.gzip = true;
			represent_facts(rq, &hrq);
			httpcond_decide(&hrq, &prs, &a);
			if (a.status == 304 || a.status == 412) {
				represent_bodiless(r, &a, &prs, cache, ENTRY_VARY_PAGE);
				goto done;
			}
		}
		page = decorated_page(&q, ui, &whole, &err, &st);
		if (st != BUNDLE_OK)
			goto failed;
		if (page) {
			vcache_piece_data(page, &len);
			rs.size = len;
			rs.gzip = true;
			rs.tag = page_tag;
			vary_more = ENTRY_VARY_PAGE;
		} else {
			decor_kind_learnt(q.course, bundle_count(q.b), q.index, DECOR_CANNOT);
		}
	}
	represent_facts(rq, &hrq);
	httpcond_decide(&hrq, &rs, &a);
	if (a.status != 200 && a.status != 206) {
		represent_bodiless(r, &a, &rs, cache, vary_more);
		goto done;
	}
	type = represent_content_type(q.e.media_type);
	if (!type) {
		r->failed = true;
		goto done;
	}
	if (page && a.rep == HTTPCOND_GZIP) {
		struct vcache_piece *gz = decorated_gzip(&q, ui, page);
		if (!gz) {
			r->failed = true;
			goto done;
		}
		vcache_release(vc, page);
		page = gz;
	}
	if (rq->head) {
		/* what a GET would get, without reading it */
		r->status = a.status;
		r->body = REPLY_HEAD;
		r->len = a.status == 206          ? a.last - a.first + 1
		         : page                   ? (vcache_piece_data(page, &len), len)
		         : a.rep == HTTPCOND_GZIP ? q.e.comp_size + 18
		                                  : rs.size;
		represent_body_headers(r, &a, &rs, type, cache, vary_more);
		goto done;
	}
	if (page) {
		/* the decorated page, from memory */
		piece = page;
		page = NULL;
	} else if (a.rep == HTTPCOND_GZIP) {
		entry_key(&q, VCACHE_GZIP, 0, &key);
		st = vcache_fetch(vc, &key, (size_t)q.e.comp_size + 18, true, fill_gzip, &q, &piece,
		                  &err);
	} else if (bundle_is_chunked(q.b, q.index) && a.status == 206 &&
	           a.first / BUNDLE_CHUNK_SIZE == a.last / BUNDLE_CHUNK_SIZE) {
		/* A range inside one chunk (a player seeking): straight from that chunk's memory. */
		uint64_t k = a.first / BUNDLE_CHUNK_SIZE;
		st = fetch_chunk(&q, k, true, &piece, &err);
		chunk_base = k * BUNDLE_CHUNK_SIZE;
	} else if (bundle_is_chunked(q.b, q.index)) {
		struct chunk_reader *cr = calloc(1, sizeof(*cr));
		if (!cr) {
			r->failed = true;
			goto done;
		}
		cr->q = q;
		cr->first = a.status == 206 ? a.first : 0;
		cr->length = a.status == 206 ? a.last - a.first + 1 : q.e.size;
		/* The first chunk before the answer: a failure can still be a 500. */
		if (cr->length > 0) {
			cr->cur_k = cr->first / BUNDLE_CHUNK_SIZE;
			st = fetch_chunk(&q, cr->cur_k, false, &cr->cur, &err);
			if (st != BUNDLE_OK) {
				free(cr);
				goto failed;
			}
		}
		r->status = a.status;
		r->body = REPLY_STREAM;
		r->len = cr->length;
		r->read = chunk_read;
		r->done = chunk_reader_done;
		r->cls = cr;
		represent_body_headers(r, &a, &rs, type, cache, vary_more);
		free(type);
		vcache_release(vc, whole);
		/* the reader holds the course now (finish in chunk_reader_done) */
		return;
	} else if (whole) {
		piece = whole;
		whole = NULL;
	} else {
		entry_key(&q, VCACHE_WHOLE, 0, &key);
		st = vcache_fetch(vc, &key, (size_t)q.e.size, true, fill_whole, &q, &piece, &err);
	}
	if (st != BUNDLE_OK)
		goto failed;
	/* the range within the piece sent, then as the entry's bytes again for Content-Range */
	a.first -= chunk_base;
	a.last -= chunk_base;
	piece_reply(r, vc, piece, &a);
	piece = NULL; /* the reply holds it */
	a.first += chunk_base;
	a.last += chunk_base;
	represent_body_headers(r, &a, &rs, type, cache, vary_more);
	goto done;
failed:
	log_check(&q, &err);
	errpage_reply(r, rq, st == BUNDLE_NOMEM ? 503 : 500,
	              st == BUNDLE_NOMEM ? "out of memory" : "this file failed its check");
done:
	free(type);
	vcache_release(vc, whole);
	vcache_release(vc, page);
	vcache_release(vc, piece);
	finish(&q);
}

/*
 * server.c - HTTP for the classroom with libmicrohttpd (shared DESIGN,
 * "Serving"; format-spec/bundle-v1.md §12.4: what is sent is what was
 * checked).
 *
 * Keep-alive: nothing is queued on the access handler's first call (a
 * response queued then makes libmicrohttpd close the connection).
 *
 * Entries are sent only from verified memory (vcache.h): a chunk of a large
 * stored entry, a whole smaller entry, or a deflated entry's gzip member
 * (its raw deflate bytes, inflated and hashed where they lie) is read into
 * memory once, checked there, and sent from there, by every connection
 * that asks for it while it is kept; nothing is read from the file again
 * after its check.  Which representation a request gets, its ETag and the
 * status are decided by httpcond_decide.  A request counts as a user of its
 * course (so its bundle stays open) only while it reads from the bundle;
 * the course lock is held only to open the bundle and count users, never
 * through a read.  A request holds a library snapshot until its response
 * is done, so a bundle removed meanwhile stays open until then; a file cut
 * short or changed under a response ends that response, never the server.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "catalog.h"
#include "html.h"
#include "container.h"
#include "format.h"
#include "httpcond.h"
#include "httputil.h"
#include "links.h"
#include "mediatype.h"
#include "searchpage.h"
#include "searchsvc.h"
#include "vcache.h"
#include "zlibio.h"

#define CSP                                                                               \
	"default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "  \
	"font-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; " \
	"base-uri 'none'; form-action 'self'"
#define INFLATE_MAX BUNDLE_MAX_DEFLATED_SIZE
#define FONT_MAX (32u << 20)
#define FONT_COUNT 3
#define TAG_SIZE 33 /* 32 hex digits and a NUL */
/* A phone may keep a lesson a day, then asks again with its ETag. */
#define ENTRY_CACHE "public, max-age=86400"
#define ASSET_CACHE "public, max-age=3600"

/* The player's own files, fixed for the server's life: their bytes and ETag tags. */
enum asset { ASSET_CSS, ASSET_DECOR, ASSET_SEARCH_JS, ASSET_QR, ASSET_COUNT };

struct server {
	struct MHD_Daemon *d;
	struct server_options opt;
	unsigned port;
	/* Searches: NULL without an index; held for reading while a job is handed over. */
	pthread_rwlock_t search_lock;
	struct searchsvc *search;
	/* The fonts gzipped, made once when first asked for (font_lock). */
	pthread_mutex_t font_lock;
	unsigned char *font_gz[FONT_COUNT];
	size_t font_gz_len[FONT_COUNT];
	/* Checked bytes of the courses, shared by every connection. */
	struct vcache *vc;
	char asset_tag[ASSET_COUNT][TAG_SIZE];
};

/* The first call of the access handler only records that the request began. */
static int request_marker;

/* Leave URLs as the client sent them: the player decodes a path exactly once. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void add_common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_SECURITY_POLICY, CSP);
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	add_common_headers(r);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A response that owns body (freed on failure too); NULL when out of memory. */
static struct MHD_Response *text_response(const char *type, char *body, const char *cache)
{
	struct MHD_Response *r;

	if (!body)
		return NULL;
	r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return NULL;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	return r;
}

static enum MHD_Result queue_text(struct MHD_Connection *c, unsigned status, const char *type,
                                  char *body, const char *cache)
{
	return queue(c, status, text_response(type, body, cache));
}

static const char *ui_lang(struct MHD_Connection *c)
{
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");

	for (size_t i = 0; q && i < catalog_ui_languages_count; i++)
		if (strcmp(q, catalog_ui_languages[i]) == 0)
			return catalog_ui_languages[i];
	return accept_language(
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE),
	        catalog_ui_languages, catalog_ui_languages_count, "en");
}

static enum MHD_Result error_page(struct MHD_Connection *c, unsigned status, const char *detail)
{
	return queue_text(c, status, "text/html; charset=utf-8",
	                  catalog_error_page(ui_lang(c), (int)status, detail), "no-store");
}

/* ---- entries ---- */

/* The request is done with the course: one user less, then the snapshot goes. */
static void finish(struct library *lib, struct lib_snapshot *snap, struct lib_course *course)
{
	pthread_mutex_lock(&course->lock);
	library_done_course(course);
	pthread_mutex_unlock(&course->lock);
	library_release_snapshot(lib, snap);
}

/* What one request for an entry holds while it is answered. */
struct entry_request {
	struct server *srv;
	struct library *lib;
	struct lib_snapshot *snap;
	struct lib_course *course; /* counted as a user until finish */
	const struct bundle *b; /* course->b, open while counted */
	size_t index;
	struct bundle_entry e;
};

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

/* vcache fills: each reads into the cache's memory and checks it there. */
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
	return vcache_fetch(q->srv->vc, &key, (size_t)chunk_len(&q->e, k), may_be_private,
	                    fill_chunk, &f, out, err);
}

/* A chunked entry streamed a chunk at a time, each from verified memory. */
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
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (r->failed)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = r->length - pos < max ? (size_t)(r->length - pos) : max;
	if (!r->cur || r->cur_k != k) {
		vcache_release(r->q.srv->vc, r->cur);
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
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void chunk_reader_free(void *cls)
{
	struct chunk_reader *r = cls;

	vcache_release(r->q.srv->vc, r->cur);
	finish(r->q.lib, r->q.snap, r->q.course);
	free(r);
}

/* A response from a pinned piece: the piece is released when the response is done. */
struct piece_hold {
	struct vcache *vc;
	struct vcache_piece *piece;
};

static void piece_hold_free(void *cls)
{
	struct piece_hold *h = cls;

	vcache_release(h->vc, h->piece);
	free(h);
}

/* A response of len bytes at off of piece p, which it takes (released with it, or now). */
static struct MHD_Response *piece_response(struct vcache *vc, struct vcache_piece *p, size_t off,
                                           size_t len)
{
	struct piece_hold *h = malloc(sizeof(*h));
	struct MHD_Response *r;
	size_t all;
	const unsigned char *data = vcache_piece_data(p, &all);

	if (!h) {
		vcache_release(vc, p);
		return NULL;
	}
	h->vc = vc;
	h->piece = p;
	r = MHD_create_response_from_buffer_with_free_callback_cls(
	        len, (void *)(uintptr_t)(data + off), piece_hold_free, h);
	if (!r)
		piece_hold_free(h);
	return r;
}

static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

/* A HEAD answer: the length of the body a GET would get, and no body read at all. */
static struct MHD_Response *head_response(uint64_t size)
{
	return MHD_create_response_from_callback(size, 1024, no_body, NULL, NULL);
}

static char *content_type(const struct bundle_entry *e)
{
	const char *t = e->media_type;
	bool text = strncmp(t, "text/", 5) == 0 || strcmp(t, "application/json") == 0 ||
	            strcmp(t, "image/svg+xml") == 0 || strcmp(t, "application/xml") == 0;
	size_t n = strlen(t) + 20;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s", t, text ? "; charset=utf-8" : "");
	return s;
}

static void request_facts(struct MHD_Connection *c, bool head, struct httpcond_request *rq)
{
	rq->head = head;
	rq->accept_encoding =
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	rq->range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
	rq->if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE);
	rq->if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH);
	rq->if_none_match =
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	rq->if_modified_since =
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	rq->if_unmodified_since = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                                      MHD_HTTP_HEADER_IF_UNMODIFIED_SINCE);
}

/*
 * The headers every answer about a representation carries, 304 included
 * (RFC 9110 §15.4.5): its ETag, Cache-Control, Vary, Last-Modified.
 */
static void validator_headers(struct MHD_Response *r, const struct httpcond_answer *a,
                              const struct httpcond_resource *rs, const char *cache,
                              const char *vary_more)
{
	char vary[64], date[HTTP_DATE_SIZE];

	if (a->etag[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, a->etag);
	if (cache)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	if (a->vary_encoding || vary_more) {
		snprintf(vary, sizeof(vary), "%s%s%s", a->vary_encoding ? "Accept-Encoding" : "",
		         a->vary_encoding && vary_more ? ", " : "", vary_more ? vary_more : "");
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, vary);
	}
	if (rs->last_modified >= 0) {
		http_date_format(rs->last_modified, date);
		MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date);
	}
}

/* 304, 412 or 416: no body. */
static enum MHD_Result queue_bodiless(struct MHD_Connection *c, const struct httpcond_answer *a,
                                      const struct httpcond_resource *rs, const char *cache,
                                      const char *vary_more)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	char cr[64];

	if (!r)
		return MHD_NO;
	if (a->status == MHD_HTTP_NOT_MODIFIED)
		validator_headers(r, a, rs, cache, vary_more);
	if (a->status == MHD_HTTP_RANGE_NOT_SATISFIABLE) {
		snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long)rs->size);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	}
	return queue(c, a->status, r);
}

/* The headers of a 200 or 206 with a body. */
static void body_headers(struct MHD_Response *r, const struct httpcond_answer *a,
                         const struct httpcond_resource *rs, const char *type, const char *cache,
                         const char *vary_more)
{
	char cr[96];

	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	validator_headers(r, a, rs, cache, vary_more);
	if (a->rep == HTTPCOND_GZIP)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (rs->ranges && a->rep == HTTPCOND_IDENTITY)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (a->status == MHD_HTTP_PARTIAL_CONTENT) {
		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long)a->first,
		         (unsigned long long)a->last, (unsigned long long)rs->size);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	}
}

/*
 * Pages the player decorates as it serves them: a lesson in Khmer, Lao or
 * Burmese gets the Noto fonts (phones often lack them), and every page of
 * a preview (--allow-unsigned) says so.  Both through one stylesheet of the
 * player's own, linked from the page's <head>: the CSP allows no inline
 * style.
 */
static const char decor_css[] =
        "@font-face{font-family:\"Noto Sans Khmer\";font-display:swap;"
        "src:local(\"Noto Sans Khmer\"),local(\"NotoSansKhmer-Regular\"),"
        "url(\"/_sampan/fonts/NotoSansKhmer-Regular.ttf\")}\n"
        "@font-face{font-family:\"Noto Sans Lao\";font-display:swap;"
        "src:local(\"Noto Sans Lao\"),local(\"NotoSansLao-Regular\"),"
        "url(\"/_sampan/fonts/NotoSansLao-Regular.ttf\")}\n"
        "@font-face{font-family:\"Noto Sans Myanmar\";font-display:swap;"
        "src:local(\"Noto Sans Myanmar\"),local(\"NotoSansMyanmar-Regular\"),"
        "url(\"/_sampan/fonts/NotoSansMyanmar-Regular.ttf\")}\n"
        ":lang(km){font-family:\"Noto Sans Khmer\",sans-serif}\n"
        ":lang(lo){font-family:\"Noto Sans Lao\",sans-serif}\n"
        ":lang(my){font-family:\"Noto Sans Myanmar\",sans-serif}\n"
        ".sampan-preview{position:sticky;top:0;z-index:9;margin:0;padding:.6em 1em;"
        "background:#ffd84d;color:#000;font-weight:bold;border-bottom:3px solid #000}\n";

/* Case-insensitive search for a tag start ("</head", "<body") in the first bytes. */
static const unsigned char *find_tag(const unsigned char *html, size_t len, const char *tag)
{
	size_t t = strlen(tag);

	for (size_t i = 0; i + t <= len; i++)
		if (strncasecmp((const char *)html + i, tag, t) == 0)
			return html + i;
	return NULL;
}

/* The page's own language (the lang of its <html>), if it is one whose fonts phones lack. */
static bool needs_fonts(const unsigned char *html, size_t len)
{
	static const char *const langs[] = { "km", "lo", "my" };
	size_t n = len < 2048 ? len : 2048;
	const char *p = (const char *)find_tag(html, n, "<html lang=\"");

	if (!p)
		return false;
	p += 12;
	for (size_t i = 0; i < 3; i++)
		if ((size_t)(p - (const char *)html) + 3 <= n && strncmp(p, langs[i], 2) == 0 &&
		    (p[2] == '"' || p[2] == '-'))
			return true;
	return false;
}

/* The page with the stylesheet linked and, for a preview, the banner; malloc'd or NULL. */
static char *decorate(const unsigned char *html, size_t len, const char *banner, size_t *out_len)
{
	static const char link[] = "<link rel=\"stylesheet\" href=\"/_sampan/decor.css\">\n";
	const unsigned char *head = find_tag(html, len, "</head");
	const unsigned char *body = find_tag(html, len, "<body");
	const unsigned char *body_end =
	        body ? memchr(body, '>', len - (size_t)(body - html)) : NULL;
	char *escaped = banner ? html_escape(banner) : NULL;
	size_t cap = len + sizeof(link) + (escaped ? strlen(escaped) + 80 : 0) + 1, o = 0;
	char *out;

	if (!head || (banner && (!body_end || body_end < head)) || (banner && !escaped)) {
		free(escaped);
		return NULL;
	}
	out = malloc(cap);
	if (!out) {
		free(escaped);
		return NULL;
	}
	memcpy(out, html, (size_t)(head - html));
	o = (size_t)(head - html);
	memcpy(out + o, link, sizeof(link) - 1);
	o += sizeof(link) - 1;
	if (escaped) {
		size_t mid = (size_t)(body_end + 1 - head);
		memcpy(out + o, head, mid);
		o += mid;
		o += (size_t)snprintf(out + o, cap - o,
		                      "\n<p class=\"sampan-preview\" role=\"alert\">%s</p>",
		                      escaped);
		memcpy(out + o, body_end + 1, len - (size_t)(body_end + 1 - html));
		o += len - (size_t)(body_end + 1 - html);
	} else {
		memcpy(out + o, head, len - (size_t)(head - html));
		o += len - (size_t)(head - html);
	}
	out[o] = '\0';
	*out_len = o;
	free(escaped);
	return out;
}

/* A page needs the player's fonts or banner: 0 not known yet, 1 no, 2 the fonts. */
static unsigned char page_kind(struct lib_course *c, size_t index)
{
	unsigned char kind = 0;

	pthread_mutex_lock(&c->lock);
	if (c->page_kind && index < c->page_kind_count)
		kind = c->page_kind[index];
	pthread_mutex_unlock(&c->lock);
	return kind;
}

static void page_kind_learnt(struct lib_course *c, const struct bundle *b, size_t index,
                             unsigned char kind)
{
	pthread_mutex_lock(&c->lock);
	if (!c->page_kind) {
		c->page_kind_count = bundle_count(b);
		c->page_kind = calloc(c->page_kind_count ? c->page_kind_count : 1, 1);
	}
	if (c->page_kind && index < c->page_kind_count)
		c->page_kind[index] = kind;
	pthread_mutex_unlock(&c->lock);
}

/* The index of the interface language lang, for a preview's banner. */
static size_t ui_index(const char *lang)
{
	for (size_t i = 0; i < catalog_ui_languages_count; i++)
		if (strcmp(lang, catalog_ui_languages[i]) == 0)
			return i;
	return 0;
}

/*
 * The page as the player sends it, decorated (the fonts, and a preview's
 * banner in the interface language), pinned: made once from the checked
 * whole entry and kept.  *whole may hold that entry already (pinned; it is
 * fetched when NULL and kept there).  NULL when it cannot be decorated.
 */
static struct vcache_piece *decorated_page(struct entry_request *q, const char *ui,
                                           struct vcache_piece **whole, struct bundle_error *err,
                                           enum bundle_status *st)
{
	struct vcache_key key;
	struct vcache_piece *p;
	const unsigned char *html;
	size_t len, dlen = 0;
	char *d;

	*st = BUNDLE_OK;
	entry_key(q, VCACHE_PAGE, q->course->unsigned_preview ? 1 + ui_index(ui) : 0, &key);
	p = vcache_get(q->srv->vc, &key);
	if (p)
		return p;
	if (!*whole) {
		struct vcache_key wk;
		entry_key(q, VCACHE_WHOLE, 0, &wk);
		*st = vcache_fetch(q->srv->vc, &wk, (size_t)q->e.size, true, fill_whole, q, whole,
		                   err);
		if (*st != BUNDLE_OK)
			return NULL;
	}
	html = vcache_piece_data(*whole, &len);
	d = decorate(html, len, q->course->unsigned_preview ? catalog_label(ui, "preview") : NULL,
	             &dlen);
	if (!d)
		return NULL;
	return vcache_adopt(q->srv->vc, &key, (unsigned char *)d, dlen);
}

static void release_pieces(struct server *srv, struct vcache_piece *a, struct vcache_piece *b)
{
	vcache_release(srv->vc, a);
	vcache_release(srv->vc, b);
}

static enum MHD_Result serve_entry(struct MHD_Connection *c, struct server *srv, const char *id,
                                   const char *rest, bool head)
{
	struct entry_request q;
	struct httpcond_request rq;
	struct httpcond_resource rs;
	struct httpcond_answer a;
	struct bundle_error err;
	struct vcache_piece *whole = NULL, *page = NULL, *piece = NULL;
	struct vcache_key key;
	struct MHD_Response *r = NULL;
	char *name = NULL, *type, tag[TAG_SIZE], variant[16];
	const char *ui = NULL, *vary_more = NULL;
	enum bundle_status st = BUNDLE_OK;
	enum MHD_Result ret;
	uint64_t chunk_base = 0; /* where the piece sent starts in the entry */
	size_t len;

	memset(&q, 0, sizeof(q));
	q.srv = srv;
	q.lib = srv->opt.lib;
	q.snap = library_snapshot(q.lib);
	q.course = library_find(q.snap, id);
	if (!q.course) {
		library_release_snapshot(q.lib, q.snap);
		return error_page(c, MHD_HTTP_NOT_FOUND, id);
	}
	if (!urlpath_to_entry(rest, &name)) {
		library_release_snapshot(q.lib, q.snap);
		return error_page(c, MHD_HTTP_BAD_REQUEST, "not a valid path");
	}
	/* The lock opens the bundle and counts this request; reads need no lock. */
	pthread_mutex_lock(&q.course->lock);
	st = library_use_course(q.lib, q.course, &err);
	q.b = q.course->b;
	pthread_mutex_unlock(&q.course->lock);
	if (st != BUNDLE_OK) {
		fprintf(stderr, "sampan-play: %s: %s\n", q.course->path, err.message);
		free(name);
		library_release_snapshot(q.lib, q.snap);
		/* The next scan looks at the file again: say so, briefly. */
		return error_page(c, MHD_HTTP_SERVICE_UNAVAILABLE, "this course is being reloaded");
	}
	q.index = bundle_find(q.b, name, strlen(name));
	if (q.index != BUNDLE_NOT_FOUND)
		bundle_entry(q.b, q.index, &q.e);
	/* Only what the signed manifest lists exists: not mimetype, nor the manifest itself. */
	if (q.index == BUNDLE_NOT_FOUND || !q.e.digest) {
		free(name);
		finish(q.lib, q.snap, q.course);
		return error_page(c, MHD_HTTP_NOT_FOUND, rest);
	}
	free(name);

	memset(&rs, 0, sizeof(rs));
	etag_tag(q.e.digest, tag);
	rs.tag = tag;
	rs.ranges = true;
	rs.size = q.e.size;
	rs.last_modified = -1; /* an entry's ZIP date says nothing of its content */
	rs.gzip = q.e.method == 8;
	if (strcmp(q.e.media_type, "text/html") == 0 && q.e.size <= INFLATE_MAX) {
		/* A page the player decorates is another representation, with its own ETag. */
		unsigned char kind = page_kind(q.course, q.index);
		if (kind == 0 && !q.course->unsigned_preview) {
			entry_key(&q, VCACHE_WHOLE, 0, &key);
			st = vcache_fetch(srv->vc, &key, (size_t)q.e.size, true, fill_whole, &q,
			                  &whole, &err);
			if (st != BUNDLE_OK)
				goto failed;
			{
				const unsigned char *html = vcache_piece_data(whole, &len);
				kind = needs_fonts(html, len) ? 2 : 1;
			}
			page_kind_learnt(q.course, q.b, q.index, kind);
		}
		if (kind == 2 || q.course->unsigned_preview) {
			ui = ui_lang(c);
			page = decorated_page(&q, ui, &whole, &err, &st);
			if (st != BUNDLE_OK)
				goto failed;
			if (page) {
				vcache_piece_data(page, &len);
				rs.size = len;
				rs.gzip = false;
				if (q.course->unsigned_preview) {
					snprintf(variant, sizeof(variant), "p-%s", ui);
					vary_more = "Accept-Language";
				} else {
					snprintf(variant, sizeof(variant), "d");
				}
				rs.variant = variant;
			}
		}
	}
	request_facts(c, head, &rq);
	httpcond_decide(&rq, &rs, &a);
	if (a.status != MHD_HTTP_OK && a.status != MHD_HTTP_PARTIAL_CONTENT) {
		ret = queue_bodiless(c, &a, &rs, ENTRY_CACHE, vary_more);
		goto done;
	}
	type = content_type(&q.e);
	if (head) {
		/* what a GET would get, without reading it */
		uint64_t size = a.status == MHD_HTTP_PARTIAL_CONTENT ? a.last - a.first + 1
		                : a.rep == HTTPCOND_GZIP             ? q.e.comp_size + 18
		                                                     : rs.size;
		r = head_response(size);
		if (r)
			body_headers(r, &a, &rs, type, ENTRY_CACHE, vary_more);
		free(type);
		ret = queue(c, a.status, r);
		goto done;
	}
	if (page) {
		/* the decorated page, from memory */
		piece = page;
		page = NULL;
	} else if (a.rep == HTTPCOND_GZIP) {
		entry_key(&q, VCACHE_GZIP, 0, &key);
		st = vcache_fetch(srv->vc, &key, (size_t)q.e.comp_size + 18, true, fill_gzip, &q,
		                  &piece, &err);
	} else if (bundle_is_chunked(q.b, q.index) && a.status == MHD_HTTP_PARTIAL_CONTENT &&
	           a.first / BUNDLE_CHUNK_SIZE == a.last / BUNDLE_CHUNK_SIZE) {
		/* A range inside one chunk (a player seeking): straight from that chunk's memory. */
		uint64_t k = a.first / BUNDLE_CHUNK_SIZE;
		st = fetch_chunk(&q, k, true, &piece, &err);
		if (st == BUNDLE_OK) {
			a.first -= k * BUNDLE_CHUNK_SIZE;
			a.last -= k * BUNDLE_CHUNK_SIZE;
		}
		chunk_base = k * BUNDLE_CHUNK_SIZE;
	} else if (bundle_is_chunked(q.b, q.index)) {
		struct chunk_reader *cr = calloc(1, sizeof(*cr));
		if (!cr) {
			free(type);
			ret = MHD_NO;
			goto done;
		}
		cr->q = q;
		cr->first = a.status == MHD_HTTP_PARTIAL_CONTENT ? a.first : 0;
		cr->length = a.status == MHD_HTTP_PARTIAL_CONTENT ? a.last - a.first + 1 : q.e.size;
		/* The first chunk before the answer: a failure can still be a 500. */
		if (cr->length > 0) {
			cr->cur_k = cr->first / BUNDLE_CHUNK_SIZE;
			st = fetch_chunk(&q, cr->cur_k, false, &cr->cur, &err);
			if (st != BUNDLE_OK) {
				free(cr);
				free(type);
				goto failed;
			}
		}
		r = MHD_create_response_from_callback(cr->length, 64 * 1024, chunk_read, cr,
		                                      chunk_reader_free);
		if (!r) {
			chunk_reader_free(cr);
			free(type);
			release_pieces(srv, whole, NULL);
			return MHD_NO;
		}
		body_headers(r, &a, &rs, type, ENTRY_CACHE, vary_more);
		free(type);
		vcache_release(srv->vc, whole);
		/* the reader holds the course now (finish in chunk_reader_free) */
		return queue(c, a.status, r);
	} else if (whole) {
		piece = whole;
		whole = NULL;
	} else {
		entry_key(&q, VCACHE_WHOLE, 0, &key);
		st = vcache_fetch(srv->vc, &key, (size_t)q.e.size, true, fill_whole, &q, &piece,
		                  &err);
	}
	if (st != BUNDLE_OK) {
		free(type);
		goto failed;
	}
	vcache_piece_data(piece, &len);
	if (a.status == MHD_HTTP_PARTIAL_CONTENT)
		r = piece_response(srv->vc, piece, (size_t)a.first, (size_t)(a.last - a.first + 1));
	else
		r = piece_response(srv->vc, piece, 0, len);
	piece = NULL; /* the response holds it */
	/* the range as the entry's bytes again, for Content-Range */
	a.first += chunk_base;
	a.last += chunk_base;
	if (r)
		body_headers(r, &a, &rs, type, ENTRY_CACHE, vary_more);
	free(type);
	ret = queue(c, a.status, r);
	goto done;
failed:
	log_check(&q, &err);
	ret = error_page(c,
	                 st == BUNDLE_NOMEM ? MHD_HTTP_SERVICE_UNAVAILABLE
	                                    : MHD_HTTP_INTERNAL_SERVER_ERROR,
	                 st == BUNDLE_NOMEM ? "out of memory" : "this file failed its check");
done:
	release_pieces(srv, whole, page);
	vcache_release(srv->vc, piece);
	finish(q.lib, q.snap, q.course);
	return ret;
}

/* ---- the player's own files ---- */

static const char *const fonts[FONT_COUNT] = { "NotoSansKhmer-Regular.ttf",
	                                       "NotoSansLao-Regular.ttf",
	                                       "NotoSansMyanmar-Regular.ttf" };

/* Font i gzipped (kept for the server's life), or NULL when it cannot be read. */
static const unsigned char *font_gzipped(struct server *srv, size_t i, size_t *len)
{
	const unsigned char *gz;

	pthread_mutex_lock(&srv->font_lock);
	if (!srv->font_gz[i]) {
		char path[4096];
		unsigned char *data = NULL;
		struct stat sb;
		struct bundle_error err;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", srv->opt.fonts_dir, fonts[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size > 0 &&
		    (uint64_t)sb.st_size <= FONT_MAX &&
		    (data = malloc((size_t)sb.st_size)) != NULL &&
		    read(fd, data, (size_t)sb.st_size) == sb.st_size)
			(void)zlibio_gzip(data, (size_t)sb.st_size, &srv->font_gz[i],
			                  &srv->font_gz_len[i], &err);
		free(data);
		if (fd >= 0)
			close(fd);
	}
	gz = srv->font_gz[i];
	*len = srv->font_gz_len[i];
	pthread_mutex_unlock(&srv->font_lock);
	return gz;
}

/*
 * The Noto fonts for Khmer, Lao and Burmese that older phones lack, from
 * Debian's files: gzipped for browsers that take it (a Khmer page's first
 * visit costs 47 KB instead of 113), as they are otherwise.  Validated as a
 * static file server does, by the file's time and size (ETag and
 * Last-Modified), so a phone that has them asks and gets 304.
 */
static enum MHD_Result serve_font(struct MHD_Connection *c, struct server *srv, const char *name,
                                  bool head)
{
	struct MHD_Response *r;
	struct stat sb;
	char path[4096], tag[64];
	struct httpcond_request rq;
	struct httpcond_resource rs;
	struct httpcond_answer a;
	int fd;

	for (size_t i = 0; srv->opt.fonts_dir && i < FONT_COUNT; i++) {
		const unsigned char *gz;
		size_t gz_len;

		if (strcmp(name, fonts[i]) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", srv->opt.fonts_dir, fonts[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &sb) != 0 || (uint64_t)sb.st_size > FONT_MAX) {
			if (fd >= 0)
				close(fd);
			break;
		}
		snprintf(tag, sizeof(tag), "%llx-%llx", (unsigned long long)sb.st_mtime,
		         (unsigned long long)sb.st_size);
		memset(&rs, 0, sizeof(rs));
		rs.tag = tag;
		rs.gzip = true;
		rs.size = (uint64_t)sb.st_size;
		rs.last_modified = (int64_t)sb.st_mtime;
		request_facts(c, head, &rq);
		rq.range = NULL; /* fonts are small: whole, never by range */
		httpcond_decide(&rq, &rs, &a);
		if (a.status != MHD_HTTP_OK) {
			close(fd);
			return queue_bodiless(c, &a, &rs, "public, max-age=604800", NULL);
		}
		if (a.rep == HTTPCOND_GZIP && (gz = font_gzipped(srv, i, &gz_len)) != NULL) {
			close(fd);
			r = MHD_create_response_from_buffer(gz_len, (void *)(uintptr_t)gz,
			                                    MHD_RESPMEM_PERSISTENT);
		} else {
			if (a.rep == HTTPCOND_GZIP) {
				/* not gzipped after all: the file as it is, with its own ETag */
				rs.gzip = false;
				rq.accept_encoding = NULL;
				httpcond_decide(&rq, &rs, &a);
				a.vary_encoding = true;
			}
			r = MHD_create_response_from_fd((size_t)sb.st_size, fd);
			if (!r)
				close(fd);
		}
		if (!r)
			return MHD_NO;
		rs.ranges = false;
		body_headers(r, &a, &rs, "font/ttf", "public, max-age=604800", NULL);
		return queue(c, MHD_HTTP_OK, r);
	}
	return error_page(c, MHD_HTTP_NOT_FOUND, name);
}

/*
 * A body the player makes (its stylesheets and script, the QR code, the
 * catalog): with an ETag from its bytes, so that a browser revalidating it
 * gets 304 instead of the same bytes again.  tag is the body's tag when
 * known (fixed files), else it is computed.  Takes body.
 */
static enum MHD_Result serve_made(struct MHD_Connection *c, bool head, const char *type, char *body,
                                  const char *tag, const char *cache)
{
	struct httpcond_request rq;
	struct httpcond_resource rs;
	struct httpcond_answer a;
	struct MHD_Response *r;
	char own[TAG_SIZE];
	unsigned char d[DIGEST_SIZE];
	size_t len;

	if (!body)
		return MHD_NO;
	len = strlen(body);
	if (!tag) {
		digest_sha256(body, len, d);
		etag_tag(d, own);
		tag = own;
	}
	memset(&rs, 0, sizeof(rs));
	rs.tag = tag;
	rs.size = len;
	rs.last_modified = -1;
	request_facts(c, head, &rq);
	httpcond_decide(&rq, &rs, &a);
	if (a.status != MHD_HTTP_OK) {
		free(body);
		return queue_bodiless(c, &a, &rs, cache, NULL);
	}
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	body_headers(r, &a, &rs, type, cache, NULL);
	return queue(c, MHD_HTTP_OK, r);
}

static enum MHD_Result serve_catalog(struct MHD_Connection *c, struct server *srv, bool head)
{
	struct lib_snapshot *snap = library_snapshot(srv->opt.lib);
	struct catalog_view v;
	char *html;

	v.snap = snap;
	v.ui_lang = ui_lang(c);
	v.filter_lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "filter");
	v.address = srv->opt.address;
	v.qr_svg = srv->opt.qr_svg;
	html = catalog_html(&v);
	library_release_snapshot(srv->opt.lib, snap);
	return serve_made(c, head, "text/html; charset=utf-8", html, NULL, "no-cache");
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to)
{
	struct MHD_Response *r =
	        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, to);
	return queue(c, MHD_HTTP_MOVED_PERMANENTLY, r);
}

/* ---- search ---- */

/* The worker finished a job: the waiting connection goes on (on_request answers). */
static void resume_job(struct search_job *j)
{
	struct MHD_Connection *c = j->ctx;

	MHD_resume_connection(c);
}

static char *query_arg(struct MHD_Connection *c, const char *key)
{
	return query_value_decode(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key),
	                          SEARCH_QUERY_MAX);
}

static enum MHD_Result answer_job(struct MHD_Connection *c, struct search_job *j)
{
	struct MHD_Response *r = text_response(j->type, j->body, "no-store");

	j->body = NULL;
	if (r && j->status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "2");
	return queue(c, j->status, r);
}

/*
 * /search, /api/search.json, /api/suggest.json: the connection waits
 * (suspended) while the search worker runs the query, so request threads
 * keep serving pages and video; on_request is called again once it is done.
 */
static enum MHD_Result serve_search(struct MHD_Connection *c, struct server *srv,
                                    enum search_job_kind kind, void **state)
{
	struct search_job *j;
	const char *page;

	if (*state != &request_marker) /* resumed: the answer is ready */
		return answer_job(c, *state);
	j = calloc(1, sizeof(*j));
	if (!j)
		return MHD_NO;
	j->kind = kind;
	j->q = query_arg(c, "q");
	j->course = query_arg(c, "course");
	j->lang = query_arg(c, "filter");
	j->ui_lang = ui_lang(c);
	page = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page");
	j->page = 1;
	if (page && *page && strspn(page, "0123456789") == strlen(page) && strlen(page) <= 4) {
		unsigned long n = strtoul(page, NULL, 10);
		if (n > 0)
			j->page = (size_t)n;
	}
	j->done = resume_job;
	j->ctx = c;
	pthread_rwlock_rdlock(&srv->search_lock);
	if (!srv->search) {
		enum MHD_Result ret;
		pthread_rwlock_unlock(&srv->search_lock);
		searchsvc_render_problem(srv->opt.lib, srv->opt.indexer, j, false);
		ret = answer_job(c, j);
		search_job_free(j);
		return ret;
	}
	/* From here the job belongs to the request: freed when it completes. */
	*state = j;
	MHD_suspend_connection(c);
	if (!searchsvc_submit(srv->search, j)) {
		/* SEARCH_QUEUE_MAX searches wait (only past the connection limit): say so at once. */
		searchsvc_render_problem(srv->opt.lib, srv->opt.indexer, j, true);
		MHD_resume_connection(c);
	}
	pthread_rwlock_unlock(&srv->search_lock);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	if (*state && *state != &request_marker)
		search_job_free(*state);
	*state = NULL;
}

/* The subtitle files of media in the bundle (links.h: NAME.LANG.vtt beside NAME.EXT). */
static size_t find_tracks(const struct bundle *b, const char *media, char **names, char **langs,
                          size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < bundle_count(b) && n < max; i++) {
		struct bundle_entry e;
		char lang[MEDIA_LANG_MAX];

		bundle_entry(b, i, &e);
		if (!e.digest || !media_track_lang(media, e.name, lang))
			continue;
		names[n] = strdup(e.name);
		langs[n] = strdup(lang);
		if (!names[n] || !langs[n]) {
			free(names[n]);
			free(langs[n]);
			continue;
		}
		n++;
	}
	return n;
}

/* /watch?c=COURSE&m=MEDIA&t=SECONDS&k=TRACK&p=PAGE: a subtitle hit, played from its cue. */
static enum MHD_Result serve_watch(struct MHD_Connection *c, struct server *srv, bool head)
{
	struct library *lib = srv->opt.lib;
	struct lib_snapshot *snap = library_snapshot(lib);
	char *id = query_arg(c, "c"), *media = query_arg(c, "m"), *track = query_arg(c, "k"),
	     *page = query_arg(c, "p"), *t = query_arg(c, "t");
	char *names[16], *langs[16], *lesson_url = NULL, *end = NULL;
	const char *ui = ui_lang(c);
	struct lib_course *course = id ? library_find(snap, id) : NULL;
	struct bundle_error err;
	struct watch_view w;
	size_t n = 0;
	double start = t ? strtod(t, &end) : 0;
	bool ok = false, used;
	enum MHD_Result ret;

	if (!course || !media || !*media) {
		ret = error_page(c, MHD_HTTP_NOT_FOUND, "no such course or video");
		goto done;
	}
	if (!(start >= 0 && start < 1e7) || (end && *end))
		start = 0;
	pthread_mutex_lock(&course->lock);
	used = library_use_course(lib, course, &err) == BUNDLE_OK;
	pthread_mutex_unlock(&course->lock);
	if (used) {
		/* an open bundle is only read: no lock for that */
		size_t i = bundle_find(course->b, media, strlen(media));
		struct bundle_entry e;
		if (i != BUNDLE_NOT_FOUND) {
			bundle_entry(course->b, i, &e);
			ok = e.digest != NULL;
		}
		if (ok)
			n = find_tracks(course->b, media, names, langs, 16);
		pthread_mutex_lock(&course->lock);
		library_done_course(course);
		pthread_mutex_unlock(&course->lock);
	}
	if (!ok) {
		ret = error_page(c, MHD_HTTP_NOT_FOUND, media);
		goto done;
	}
	if (page && *page) {
		char *id_enc = urlpath_encode(course->id), *page_enc = urlpath_encode(page);
		if (id_enc && page_enc) {
			size_t len = strlen(id_enc) + strlen(page_enc) + 5;
			lesson_url = malloc(len);
			if (lesson_url)
				snprintf(lesson_url, len, "/c/%s/%s", id_enc, page_enc);
		}
		free(id_enc);
		free(page_enc);
	}
	memset(&w, 0, sizeof(w));
	w.ui_lang = ui;
	w.course_id = course->id;
	w.course_title = course_text_get(&course->course->title, ui, course->course->language);
	if (!w.course_title)
		w.course_title = course->id;
	w.lesson_url = lesson_url;
	w.media = media;
	w.start = start;
	w.tracks = (const char *const *)names;
	w.track_langs = (const char *const *)langs;
	w.tracks_count = n;
	w.track = track;
	ret = serve_made(c, head, "text/html; charset=utf-8", searchpage_watch_html(&w), NULL,
	                 "no-cache");
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(langs[i]);
	}
done:
	library_release_snapshot(lib, snap);
	free(id);
	free(media);
	free(track);
	free(page);
	free(t);
	free(lesson_url);
	return ret;
}

/* Counts of the headers that frame a request body: Content-Length, Transfer-Encoding. */
static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	unsigned *n = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		n[0]++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		n[1]++;
	return MHD_YES;
}

/*
 * A GET or HEAD has no use for a body.  One framed by Transfer-Encoding or
 * by several Content-Length headers is how requests are smuggled past a
 * proxy that reads the framing differently: refuse it and close the
 * connection, so nothing after it on the wire is taken for a request.
 */
static bool ambiguous_framing(struct MHD_Connection *c)
{
	unsigned n[2] = { 0, 0 };

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, n);
	return n[1] > 0 || n[0] > 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **state)
{
	struct server *srv = cls;
	bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	(void)version;
	(void)upload_data;
	if (*state == NULL) {
		*state = &request_marker;
		if (ambiguous_framing(c)) {
			struct MHD_Response *r =
			        text_response("text/html; charset=utf-8",
			                      catalog_error_page(ui_lang(c), MHD_HTTP_BAD_REQUEST,
			                                         "ambiguous request framing"),
			                      "no-store");
			if (r)
				MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
			return queue(c, MHD_HTTP_BAD_REQUEST, r);
		}
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0; /* a body on GET or HEAD is ignored */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		struct MHD_Response *r =
		        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	}
	if (strcmp(url, "/") == 0)
		return serve_catalog(c, srv, head);
	if (strcmp(url, "/api/catalog.json") == 0) {
		struct lib_snapshot *snap = library_snapshot(srv->opt.lib);
		char *json = catalog_json(snap);
		library_release_snapshot(srv->opt.lib, snap);
		return serve_made(c, head, "application/json; charset=utf-8", json, NULL,
		                  "no-cache");
	}
	if (strcmp(url, "/search") == 0)
		return serve_search(c, srv, JOB_PAGE, state);
	if (strcmp(url, "/api/search.json") == 0)
		return serve_search(c, srv, JOB_JSON, state);
	if (strcmp(url, "/api/suggest.json") == 0)
		return serve_search(c, srv, JOB_SUGGEST, state);
	if (strcmp(url, "/watch") == 0)
		return serve_watch(c, srv, head);
	if (strcmp(url, "/_sampan/search.js") == 0)
		return serve_made(c, head, "text/javascript; charset=utf-8",
		                  strdup(searchpage_script()), srv->asset_tag[ASSET_SEARCH_JS],
		                  ASSET_CACHE);
	if (strcmp(url, "/favicon.ico") == 0) {
		/* Browsers ask on every page: nothing, for a week, rather than a 404 each time. */
		struct MHD_Response *r =
		        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=604800");
		return queue(c, MHD_HTTP_NO_CONTENT, r);
	}
	if (strcmp(url, "/_sampan/player.css") == 0)
		return serve_made(c, head, "text/css; charset=utf-8", strdup(catalog_stylesheet()),
		                  srv->asset_tag[ASSET_CSS], ASSET_CACHE);
	if (strcmp(url, "/_sampan/decor.css") == 0)
		return serve_made(c, head, "text/css; charset=utf-8", strdup(decor_css),
		                  srv->asset_tag[ASSET_DECOR], ASSET_CACHE);
	if (strcmp(url, "/_sampan/qr.svg") == 0 && srv->opt.qr_svg)
		return serve_made(c, head, "image/svg+xml", strdup(srv->opt.qr_svg),
		                  srv->asset_tag[ASSET_QR], "no-cache");
	if (strncmp(url, "/_sampan/fonts/", 15) == 0)
		return serve_font(c, srv, url + 15, head);
	if (strncmp(url, "/c/", 3) == 0) {
		const char *id = url + 3, *slash = strchr(id, '/');
		char idbuf[160];
		size_t n = slash ? (size_t)(slash - id) : strlen(id);

		if (n == 0 || n >= sizeof(idbuf))
			return error_page(c, MHD_HTTP_NOT_FOUND, "no such course");
		memcpy(idbuf, id, n);
		idbuf[n] = '\0';
		if (!slash) {
			char to[200];
			snprintf(to, sizeof(to), "/c/%s/", idbuf);
			return redirect(c, to);
		}
		return serve_entry(c, srv, idbuf, slash + 1, head);
	}
	return error_page(c, MHD_HTTP_NOT_FOUND, url);
}

/* The tags of the player's own files, from their bytes (they change only with the program). */
static void asset_tags(struct server *s)
{
	const char *body[ASSET_COUNT] = { catalog_stylesheet(), decor_css, searchpage_script(),
		                          s->opt.qr_svg ? s->opt.qr_svg : "" };
	unsigned char d[DIGEST_SIZE];

	for (size_t i = 0; i < ASSET_COUNT; i++) {
		digest_sha256(body[i], strlen(body[i]), d);
		etag_tag(d, s->asset_tag[i]);
	}
}

enum bundle_status server_start(const struct server_options *opt, struct server **out,
                                struct bundle_error *err)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	/* Where to listen: an address to bind, or the socket systemd passed. */
	struct MHD_OptionItem where[2] = { { MHD_OPTION_SOCK_ADDR, 0, &ss },
		                           { MHD_OPTION_END, 0, NULL } };

	*out = NULL;
	if (!s)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	s->opt = *opt;
	memset(&ss, 0, sizeof(ss));
	if (opt->listen_fd > 0) {
		socklen_t len = sizeof(ss);
		if (getsockname(opt->listen_fd, (struct sockaddr *)&ss, &len) != 0) {
			free(s);
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                        "the socket passed (file descriptor %d): %s",
			                        opt->listen_fd, strerror(errno));
		}
		if (ss.ss_family == AF_INET6)
			flags |= MHD_USE_IPv6;
		where[0].option = MHD_OPTION_LISTEN_SOCKET;
		where[0].value = opt->listen_fd;
	} else if (!opt->bind) {
		in4->sin_family = AF_INET;
		in4->sin_addr.s_addr = htonl(INADDR_ANY);
		in4->sin_port = htons((uint16_t)opt->port);
	} else if (inet_pton(AF_INET, opt->bind, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)opt->port);
	} else if (inet_pton(AF_INET6, opt->bind, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)opt->port);
		flags |= MHD_USE_IPv6;
	} else {
		free(s);
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "--bind %s: not an IPv4 or IPv6 address", opt->bind);
	}
	pthread_rwlock_init(&s->search_lock, NULL);
	pthread_mutex_init(&s->font_lock, NULL);
	s->vc = vcache_new(opt->cache_bytes ? opt->cache_bytes : SERVER_CACHE_DEFAULT);
	if (!s->vc) {
		pthread_rwlock_destroy(&s->search_lock);
		pthread_mutex_destroy(&s->font_lock);
		free(s);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	asset_tags(s);
	if (opt->search_db) {
		struct bundle_error serr;
		if (searchsvc_start(opt->lib, opt->indexer, opt->search_db, &s->search, &serr) !=
		    BUNDLE_OK)
			fprintf(stderr, "sampan-play: search is not available: %s\n", serr.message);
	}
	s->d = MHD_start_daemon(
	        flags, (uint16_t)opt->port, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, where,
	        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opt->threads ? opt->threads : 4),
	        MHD_OPTION_CONNECTION_LIMIT,
	        (unsigned)(opt->max_connections ? opt->max_connections : 512),
	        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(opt->per_ip ? opt->per_ip : 64),
	        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(opt->timeout ? opt->timeout : 30),
	        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED,
	        on_completed, NULL, MHD_OPTION_END);
	if (!s->d) {
		searchsvc_stop(s->search);
		pthread_rwlock_destroy(&s->search_lock);
		pthread_mutex_destroy(&s->font_lock);
		vcache_free(s->vc);
		free(s);
		if (opt->listen_fd > 0)
			return bundle_error_set(
			        err, BUNDLE_IO, RULE_NONE, NULL, 0,
			        "cannot serve on the socket passed (file descriptor "
			        "%d)",
			        opt->listen_fd);
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                        "cannot listen on port %u (in use, or not allowed)",
		                        opt->port);
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : opt->port;
	if (opt->listen_fd > 0)
		s->port = ntohs(ss.ss_family == AF_INET6 ? in6->sin6_port : in4->sin_port);
	*out = s;
	return BUNDLE_OK;
}

unsigned server_port(const struct server *s)
{
	return s->port;
}

void server_stop(struct server *s)
{
	struct searchsvc *search;

	if (!s)
		return;
	/* Searches first: those waiting are answered, then no new one is taken. */
	pthread_rwlock_wrlock(&s->search_lock);
	search = s->search;
	s->search = NULL;
	pthread_rwlock_unlock(&s->search_lock);
	searchsvc_stop(search);
	MHD_stop_daemon(s->d);
	pthread_rwlock_destroy(&s->search_lock);
	pthread_mutex_destroy(&s->font_lock);
	for (size_t i = 0; i < FONT_COUNT; i++)
		free(s->font_gz[i]);
	vcache_free(s->vc);
	free(s);
}

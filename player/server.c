/*
 * server.c - HTTP for the classroom with libmicrohttpd (shared DESIGN,
 * "Serving"; format-spec/bundle-v1.md §12.4: bytes are checked before
 * they are sent).
 *
 * Keep-alive: nothing is queued on the access handler's first call (a
 * response queued then makes libmicrohttpd close the connection).
 * Stored entries stream through a reader that checks each 1 MiB chunk
 * against META-INF/chunks (once, then cached) just before sending it;
 * deflated entries go as gzip (header, the raw deflate bytes, CRC-32 and
 * size) to clients that accept it, checked whole once, and inflated for
 * the others.  A request holds a library snapshot until its response is
 * done, so a bundle removed meanwhile stays open until then; a file cut
 * short under a response ends that response, never the server.
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
#include "httputil.h"
#include "links.h"
#include "mediatype.h"
#include "searchpage.h"
#include "searchsvc.h"
#include "zlibio.h"

#define CSP                                                                               \
	"default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "  \
	"font-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; " \
	"base-uri 'none'; form-action 'self'"
#define INFLATE_MAX BUNDLE_MAX_DEFLATED_SIZE
#define FONT_MAX (32u << 20)
#define FONT_COUNT 3
#define PAGE_CACHE_SLOTS 64
#define PAGE_CACHE_BYTES (1u << 20) /* all the pages kept, at most */
#define PAGE_CACHE_ENTRY_MAX (128u << 10) /* a larger page is read each time */

/*
 * A lesson page as it is sent, kept by its course's signed content and its
 * entry: the same key always means the same bytes, so nothing goes stale.
 */
struct cached_page {
	unsigned char course[DIGEST_SIZE];
	size_t index;
	bool decorated;
	unsigned char *data; /* NULL: a free slot */
	size_t len;
	uint64_t used;
};

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
	/* Pages checked (and decorated) once, sent from memory after (page_lock). */
	pthread_mutex_t page_lock;
	struct cached_page pages[PAGE_CACHE_SLOTS];
	size_t page_bytes;
	uint64_t page_clock;
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

/* A stored entry streamed from the bundle file, each chunk checked before it goes. */
struct stored_reader {
	struct library *lib;
	struct lib_snapshot *snap;
	struct lib_course *course;
	size_t index;
	uint64_t data_offset; /* of the entry in the file */
	uint64_t first; /* of the entry's bytes sent */
	uint64_t length;
	int fd;
};

static ssize_t stored_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stored_reader *s = cls;
	struct bundle_error err;
	uint64_t at = s->first + pos;
	size_t n;
	ssize_t got;
	enum bundle_status st;

	if (pos >= s->length)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = s->length - pos < max ? (size_t)(s->length - pos) : max;
	/* Never past the chunk being checked: one chunk verified per step. */
	if (n > BUNDLE_CHUNK_SIZE - at % BUNDLE_CHUNK_SIZE)
		n = (size_t)(BUNDLE_CHUNK_SIZE - at % BUNDLE_CHUNK_SIZE);
	pthread_mutex_lock(&s->course->lock);
	st = bundle_verify_range(s->course->b, s->index, at, n, &err);
	pthread_mutex_unlock(&s->course->lock);
	if (st != BUNDLE_OK) {
		fprintf(stderr, "sampan-play: %s: %s\n", s->course->path, err.message);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	got = pread(s->fd, buf, n, (off_t)(s->data_offset + at));
	if (got <= 0)
		return MHD_CONTENT_READER_END_WITH_ERROR; /* the stick was pulled out */
	return got;
}

/* The request is done with the course: one user less, then the snapshot goes. */
static void finish(struct library *lib, struct lib_snapshot *snap, struct lib_course *course)
{
	pthread_mutex_lock(&course->lock);
	library_done_course(course);
	pthread_mutex_unlock(&course->lock);
	library_release_snapshot(lib, snap);
}

static void reader_free(void *cls)
{
	struct stored_reader *s = cls;

	finish(s->lib, s->snap, s->course);
	free(s);
}

/* gzip: a 10-byte header, the raw deflate bytes from the file, CRC-32 and size. */
struct gzip_reader {
	struct stored_reader base; /* base.first/length: the raw bytes */
	unsigned char header[10];
	unsigned char trailer[8];
};

static ssize_t gzip_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct gzip_reader *g = cls;
	uint64_t body = g->base.length, total = body + 18;
	size_t done = 0;

	if (pos >= total)
		return MHD_CONTENT_READER_END_OF_STREAM;
	while (done < max && pos < total) {
		if (pos < 10) {
			size_t n = 10 - (size_t)pos < max - done ? 10 - (size_t)pos : max - done;
			memcpy(buf + done, g->header + pos, n);
			done += n;
			pos += n;
		} else if (pos < 10 + body) {
			size_t n = 10 + body - pos < max - done ? (size_t)(10 + body - pos)
			                                        : max - done;
			ssize_t got = pread(g->base.fd, buf + done, n,
			                    (off_t)(g->base.data_offset + pos - 10));
			if (got <= 0)
				return done ? (ssize_t)done : MHD_CONTENT_READER_END_WITH_ERROR;
			done += (size_t)got;
			pos += (uint64_t)got;
		} else {
			size_t off = (size_t)(pos - 10 - body);
			size_t n = 8 - off < max - done ? 8 - off : max - done;
			memcpy(buf + done, g->trailer + off, n);
			done += n;
			pos += n;
		}
	}
	return (ssize_t)done;
}

/* Accept-Encoding lists gzip (or *) with a q-value above 0 (RFC 9110 §12.5.3). */
static bool accepts_gzip(struct MHD_Connection *c)
{
	const char *p =
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);

	while (p && *p) {
		const char *end = strchr(p, ','), *semi;
		size_t n;
		bool zero = false;

		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		n = (size_t)((semi ? semi : end) - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (semi) {
			const char *q = semi + 1;
			while (q < end && *q == ' ')
				q++;
			/* q=0, q=0.0, q=0.00...: refused */
			if (q + 2 <= end && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
				zero = q[2] == '0';
				for (const char *d = q + 3; zero && d < end && *d != ' '; d++)
					if (*d != '.' && *d != '0')
						zero = false;
			}
		}
		if (((n == 4 && strncasecmp(p, "gzip", 4) == 0) || (n == 1 && *p == '*')) && !zero)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
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

static void entry_headers(struct MHD_Response *r, const struct bundle_entry *e, const char *etag)
{
	char *type = content_type(e);

	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	free(type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	/* A phone may keep a lesson a day, then asks again with its ETag. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400");
}

static enum MHD_Result serve_stored(struct MHD_Connection *c, struct library *lib,
                                    struct lib_snapshot *snap, struct lib_course *course,
                                    size_t index, const struct bundle_entry *e, const char *etag)
{
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
	const char *if_range =
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE);
	uint64_t first = 0, last = e->size ? e->size - 1 : 0;
	enum range_result rr = etag_if_range(if_range, etag)
	                               ? range_parse(range, e->size, &first, &last)
	                               : RANGE_NONE;
	struct stored_reader *s;
	struct MHD_Response *r;
	unsigned status = MHD_HTTP_OK;
	char cr[96];

	if (rr == RANGE_UNSATISFIABLE) {
		finish(lib, snap, course);
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long)e->size);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
		return queue(c, MHD_HTTP_RANGE_NOT_SATISFIABLE, r);
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		finish(lib, snap, course);
		return MHD_NO;
	}
	s->lib = lib;
	s->snap = snap;
	s->course = course;
	s->index = index;
	s->data_offset = e->data_offset;
	s->fd = bundle_fd(course->b);
	if (rr == RANGE_OK) {
		s->first = first;
		s->length = last - first + 1;
		status = MHD_HTTP_PARTIAL_CONTENT;
	} else {
		s->length = e->size;
	}
	r = MHD_create_response_from_callback(s->length, 64 * 1024, stored_read, s, reader_free);
	if (!r) {
		reader_free(s);
		return MHD_NO;
	}
	entry_headers(r, e, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	if (status == MHD_HTTP_PARTIAL_CONTENT) {
		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long)first,
		         (unsigned long long)last, (unsigned long long)e->size);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	}
	return queue(c, status, r);
}

/* A deflated entry as gzip, straight from the file. */
static enum MHD_Result serve_gzip(struct MHD_Connection *c, struct library *lib,
                                  struct lib_snapshot *snap, struct lib_course *course,
                                  const struct bundle_entry *e, const struct bundle_raw *raw,
                                  const unsigned char *digest)
{
	struct gzip_reader *g = calloc(1, sizeof(*g));
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	struct MHD_Response *r;
	char etag[40];

	if (!g) {
		finish(lib, snap, course);
		return MHD_NO;
	}
	g->base.lib = lib;
	g->base.snap = snap;
	g->base.course = course;
	g->base.data_offset = raw->offset;
	g->base.length = raw->comp_size;
	g->base.fd = bundle_fd(course->b);
	memcpy(g->header, header, sizeof(header));
	for (int k = 0; k < 4; k++) {
		g->trailer[k] = (unsigned char)(raw->crc >> (8 * k));
		g->trailer[4 + k] = (unsigned char)(raw->size >> (8 * k));
	}
	r = MHD_create_response_from_callback(raw->comp_size + 18, 64 * 1024, gzip_read, g,
	                                      reader_free);
	if (!r) {
		reader_free(&g->base);
		return MHD_NO;
	}
	etag_make(digest, true, etag);
	entry_headers(r, e, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	return queue(c, MHD_HTTP_OK, r);
}

/* A deflated entry inflated (checked whole), for clients without gzip or with a Range. */
static enum MHD_Result serve_inflated(struct MHD_Connection *c, const unsigned char *data,
                                      size_t len, const struct bundle_entry *e, const char *etag)
{
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
	const char *if_range =
	        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE);
	uint64_t first = 0, last = 0;
	enum range_result rr =
	        etag_if_range(if_range, etag) ? range_parse(range, len, &first, &last) : RANGE_NONE;
	struct MHD_Response *r;
	char cr[96];

	if (rr == RANGE_UNSATISFIABLE) {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		snprintf(cr, sizeof(cr), "bytes */%zu", len);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
		return queue(c, MHD_HTTP_RANGE_NOT_SATISFIABLE, r);
	}
	if (rr == RANGE_OK) {
		r = MHD_create_response_from_buffer((size_t)(last - first + 1),
		                                    (void *)(data + first), MHD_RESPMEM_MUST_COPY);
		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%zu", (unsigned long long)first,
		         (unsigned long long)last, len);
		if (r)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
	} else {
		r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	}
	if (!r)
		return MHD_NO;
	entry_headers(r, e, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	return queue(c, rr == RANGE_OK ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK, r);
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

/* A copy of a kept page, or NULL. */
static unsigned char *page_get(struct server *srv, const unsigned char *course, size_t index,
                               bool decorated, size_t *len)
{
	unsigned char *copy = NULL;

	pthread_mutex_lock(&srv->page_lock);
	for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++) {
		struct cached_page *p = &srv->pages[i];
		if (!p->data || p->index != index || p->decorated != decorated ||
		    memcmp(p->course, course, DIGEST_SIZE) != 0)
			continue;
		copy = malloc(p->len ? p->len : 1);
		if (copy) {
			memcpy(copy, p->data, p->len);
			*len = p->len;
			p->used = ++srv->page_clock;
		}
		break;
	}
	pthread_mutex_unlock(&srv->page_lock);
	return copy;
}

/* Keep a page (copied), making room by dropping the least recently sent. */
static void page_put(struct server *srv, const unsigned char *course, size_t index, bool decorated,
                     const unsigned char *data, size_t len)
{
	unsigned char *copy;

	if (len > PAGE_CACHE_ENTRY_MAX || !(copy = malloc(len ? len : 1)))
		return;
	memcpy(copy, data, len);
	pthread_mutex_lock(&srv->page_lock);
	for (;;) {
		struct cached_page *free_slot = NULL, *oldest = NULL;
		for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++) {
			struct cached_page *p = &srv->pages[i];
			if (!p->data) {
				free_slot = free_slot ? free_slot : p;
				continue;
			}
			if (p->index == index && p->decorated == decorated &&
			    memcmp(p->course, course, DIGEST_SIZE) == 0) {
				free(copy); /* another thread kept it first */
				pthread_mutex_unlock(&srv->page_lock);
				return;
			}
			if (!oldest || p->used < oldest->used)
				oldest = p;
		}
		if (free_slot && srv->page_bytes + len <= PAGE_CACHE_BYTES) {
			memcpy(free_slot->course, course, DIGEST_SIZE);
			free_slot->index = index;
			free_slot->decorated = decorated;
			free_slot->data = copy;
			free_slot->len = len;
			free_slot->used = ++srv->page_clock;
			srv->page_bytes += len;
			break;
		}
		if (!oldest) { /* cannot happen: len <= PAGE_CACHE_BYTES */
			free(copy);
			break;
		}
		srv->page_bytes -= oldest->len;
		free(oldest->data);
		oldest->data = NULL;
	}
	pthread_mutex_unlock(&srv->page_lock);
}

static enum MHD_Result serve_entry(struct MHD_Connection *c, struct server *srv, const char *id,
                                   const char *rest)
{
	struct library *lib = srv->opt.lib;
	struct lib_snapshot *snap = library_snapshot(lib);
	struct lib_course *course = library_find(snap, id);
	struct bundle_entry e;
	struct bundle_error err;
	char *name = NULL, etag[40];
	size_t index;
	enum MHD_Result ret;

	if (!course) {
		library_release_snapshot(lib, snap);
		return error_page(c, MHD_HTTP_NOT_FOUND, id);
	}
	if (!urlpath_to_entry(rest, &name)) {
		library_release_snapshot(lib, snap);
		return error_page(c, MHD_HTTP_BAD_REQUEST, "not a valid path");
	}
	pthread_mutex_lock(&course->lock);
	if (library_use_course(lib, course, &err) != BUNDLE_OK) {
		pthread_mutex_unlock(&course->lock);
		fprintf(stderr, "sampan-play: %s: %s\n", course->path, err.message);
		free(name);
		library_release_snapshot(lib, snap);
		/* The next scan looks at the file again: say so, briefly. */
		return error_page(c, MHD_HTTP_SERVICE_UNAVAILABLE, "this course is being reloaded");
	}
	index = bundle_find(course->b, name, strlen(name));
	if (index != BUNDLE_NOT_FOUND)
		bundle_entry(course->b, index, &e);
	pthread_mutex_unlock(&course->lock);
	/* Only what the signed manifest lists exists: not mimetype, nor the manifest itself. */
	if (index == BUNDLE_NOT_FOUND || !e.digest) {
		free(name);
		finish(lib, snap, course);
		return error_page(c, MHD_HTTP_NOT_FOUND, rest);
	}
	free(name);
	etag_make(e.digest, false, etag);
	if (etag_none_match(
	            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
	            etag)) {
		struct MHD_Response *r =
		        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		finish(lib, snap, course);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400");
		return queue(c, MHD_HTTP_NOT_MODIFIED, r);
	}
	if (strcmp(e.media_type, "text/html") == 0 && e.size <= INFLATE_MAX) {
		unsigned char *data = NULL, kind = 0;
		size_t len = 0;
		enum bundle_status st;
		bool fonts, want_plain;

		/* A page known to need nothing is sent as any entry, without reading it first. */
		pthread_mutex_lock(&course->lock);
		if (course->page_kind && index < course->page_kind_count)
			kind = course->page_kind[index];
		pthread_mutex_unlock(&course->lock);
		want_plain = e.method == 0 || !accepts_gzip(c) ||
		             MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
		if (kind == 1 && !course->unsigned_preview && !(want_plain && e.method != 0))
			goto plain; /* gzip from the file, or the stored entry's checked chunks */
		if (kind != 0 && !course->unsigned_preview &&
		    (data = page_get(srv, course->manifest_digest, index, kind == 2, &len))) {
			if (kind ==
			    2) /* a decorated page is another representation: its own ETag */
				memcpy(etag + strlen(etag) - 1, "-d\"", 4);
			ret = serve_inflated(c, data, len, &e, etag);
			free(data);
			finish(lib, snap, course);
			return ret;
		}
		pthread_mutex_lock(&course->lock);
		st = bundle_read(course->b, index, INFLATE_MAX, &data, &len, &err);
		fonts = st == BUNDLE_OK && needs_fonts(data, len);
		if (st == BUNDLE_OK && !course->page_kind) {
			course->page_kind_count = bundle_count(course->b);
			course->page_kind =
			        calloc(course->page_kind_count ? course->page_kind_count : 1, 1);
		}
		if (st == BUNDLE_OK && course->page_kind && index < course->page_kind_count)
			course->page_kind[index] = fonts ? 2 : 1;
		pthread_mutex_unlock(&course->lock);
		if (st != BUNDLE_OK) {
			fprintf(stderr, "sampan-play: %s: %s\n", course->path, err.message);
			finish(lib, snap, course);
			return error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
			                  "this file failed its check");
		}
		if (course->unsigned_preview || fonts) {
			size_t dlen = 0;
			char *d = decorate(data, len,
			                   course->unsigned_preview
			                           ? catalog_label(ui_lang(c), "preview")
			                           : NULL,
			                   &dlen);
			/* A decorated page is another representation: its own ETag. */
			memcpy(etag + strlen(etag) - 1, "-d\"", 4);
			if (d && !course->unsigned_preview)
				page_put(srv, course->manifest_digest, index, true,
				         (unsigned char *)d, dlen);
			ret = d ? serve_inflated(c, (unsigned char *)d, dlen, &e, etag)
			        : serve_inflated(c, data, len, &e, etag);
			free(d);
			free(data);
			finish(lib, snap, course);
			return ret;
		}
		/* Checked already: send these bytes, unless the gzip from the file is smaller. */
		if (want_plain) {
			if (e.method != 0)
				page_put(srv, course->manifest_digest, index, false, data, len);
			ret = serve_inflated(c, data, len, &e, etag);
			free(data);
			finish(lib, snap, course);
			return ret;
		}
		free(data);
	}
plain:
	if (e.method == 0)
		return serve_stored(c, lib, snap, course, index, &e, etag);
	if (accepts_gzip(c) &&
	    !MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE)) {
		struct bundle_raw raw;
		enum bundle_status st;
		pthread_mutex_lock(&course->lock);
		st = bundle_raw_deflate(course->b, index, &raw, &err);
		pthread_mutex_unlock(&course->lock);
		if (st == BUNDLE_OK)
			return serve_gzip(c, lib, snap, course, &e, &raw, e.digest);
	} else {
		unsigned char *data = NULL;
		size_t len = 0;
		enum bundle_status st;
		pthread_mutex_lock(&course->lock);
		st = bundle_read(course->b, index, INFLATE_MAX, &data, &len, &err);
		pthread_mutex_unlock(&course->lock);
		if (st == BUNDLE_OK) {
			ret = serve_inflated(c, data, len, &e, etag);
			free(data);
			finish(lib, snap, course);
			return ret;
		}
	}
	fprintf(stderr, "sampan-play: %s: %s\n", course->path, err.message);
	finish(lib, snap, course);
	return error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "this file failed its check");
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
 * visit costs 47 KB instead of 113), as they are otherwise.
 */
static enum MHD_Result serve_font(struct MHD_Connection *c, struct server *srv, const char *name)
{
	struct MHD_Response *r;
	struct stat sb;
	char path[4096];
	int fd;

	for (size_t i = 0; srv->opt.fonts_dir && i < FONT_COUNT; i++) {
		const unsigned char *gz;
		size_t gz_len;

		if (strcmp(name, fonts[i]) != 0)
			continue;
		if (accepts_gzip(c) && (gz = font_gzipped(srv, i, &gz_len)) != NULL) {
			r = MHD_create_response_from_buffer(gz_len, (void *)(uintptr_t)gz,
			                                    MHD_RESPMEM_PERSISTENT);
			if (!r)
				return MHD_NO;
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		} else {
			snprintf(path, sizeof(path), "%s/%s", srv->opt.fonts_dir, fonts[i]);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &sb) != 0 || (uint64_t)sb.st_size > FONT_MAX) {
				if (fd >= 0)
					close(fd);
				break;
			}
			r = MHD_create_response_from_fd((size_t)sb.st_size, fd);
			if (!r) {
				close(fd);
				return MHD_NO;
			}
		}
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "font/ttf");
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=604800");
		return queue(c, MHD_HTTP_OK, r);
	}
	return error_page(c, MHD_HTTP_NOT_FOUND, name);
}

static enum MHD_Result serve_catalog(struct MHD_Connection *c, struct server *srv)
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
	return queue_text(c, MHD_HTTP_OK, "text/html; charset=utf-8", html, "no-cache");
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
static size_t find_tracks(struct bundle *b, const char *media, char **names, char **langs,
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
static enum MHD_Result serve_watch(struct MHD_Connection *c, struct server *srv)
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
	bool ok = false;
	enum MHD_Result ret;

	if (!course || !media || !*media) {
		ret = error_page(c, MHD_HTTP_NOT_FOUND, "no such course or video");
		goto done;
	}
	if (!(start >= 0 && start < 1e7) || (end && *end))
		start = 0;
	pthread_mutex_lock(&course->lock);
	if (library_use_course(lib, course, &err) == BUNDLE_OK) {
		size_t i = bundle_find(course->b, media, strlen(media));
		struct bundle_entry e;
		if (i != BUNDLE_NOT_FOUND) {
			bundle_entry(course->b, i, &e);
			ok = e.digest != NULL;
		}
		if (ok)
			n = find_tracks(course->b, media, names, langs, 16);
		library_done_course(course);
	}
	pthread_mutex_unlock(&course->lock);
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
	ret = queue_text(c, MHD_HTTP_OK, "text/html; charset=utf-8", searchpage_watch_html(&w),
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
		return serve_catalog(c, srv);
	if (strcmp(url, "/api/catalog.json") == 0) {
		struct lib_snapshot *snap = library_snapshot(srv->opt.lib);
		char *json = catalog_json(snap);
		library_release_snapshot(srv->opt.lib, snap);
		return queue_text(c, MHD_HTTP_OK, "application/json; charset=utf-8", json,
		                  "no-cache");
	}
	if (strcmp(url, "/search") == 0)
		return serve_search(c, srv, JOB_PAGE, state);
	if (strcmp(url, "/api/search.json") == 0)
		return serve_search(c, srv, JOB_JSON, state);
	if (strcmp(url, "/api/suggest.json") == 0)
		return serve_search(c, srv, JOB_SUGGEST, state);
	if (strcmp(url, "/watch") == 0)
		return serve_watch(c, srv);
	if (strcmp(url, "/_sampan/search.js") == 0)
		return queue_text(c, MHD_HTTP_OK, "text/javascript; charset=utf-8",
		                  strdup(searchpage_script()), "public, max-age=3600");
	if (strcmp(url, "/favicon.ico") == 0) {
		/* Browsers ask on every page: nothing, for a week, rather than a 404 each time. */
		struct MHD_Response *r =
		        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=604800");
		return queue(c, MHD_HTTP_NO_CONTENT, r);
	}
	if (strcmp(url, "/_sampan/player.css") == 0) {
		char *css = strdup(catalog_stylesheet());
		return queue_text(c, MHD_HTTP_OK, "text/css; charset=utf-8", css,
		                  "public, max-age=3600");
	}
	if (strcmp(url, "/_sampan/decor.css") == 0)
		return queue_text(c, MHD_HTTP_OK, "text/css; charset=utf-8", strdup(decor_css),
		                  "public, max-age=3600");
	if (strcmp(url, "/_sampan/qr.svg") == 0 && srv->opt.qr_svg)
		return queue_text(c, MHD_HTTP_OK, "image/svg+xml", strdup(srv->opt.qr_svg),
		                  "no-cache");
	if (strncmp(url, "/_sampan/fonts/", 15) == 0)
		return serve_font(c, srv, url + 15);
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
		return serve_entry(c, srv, idbuf, slash + 1);
	}
	return error_page(c, MHD_HTTP_NOT_FOUND, url);
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

	*out = NULL;
	if (!s)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	s->opt = *opt;
	memset(&ss, 0, sizeof(ss));
	if (!opt->bind) {
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
	pthread_mutex_init(&s->page_lock, NULL);
	if (opt->search_db) {
		struct bundle_error serr;
		if (searchsvc_start(opt->lib, opt->indexer, opt->search_db, &s->search, &serr) !=
		    BUNDLE_OK)
			fprintf(stderr, "sampan-play: search is not available: %s\n", serr.message);
	}
	s->d = MHD_start_daemon(
	        flags, (uint16_t)opt->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	        (unsigned)(opt->threads ? opt->threads : 4), MHD_OPTION_CONNECTION_LIMIT,
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
		pthread_mutex_destroy(&s->page_lock);
		free(s);
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                        "cannot listen on port %u (in use, or not allowed)",
		                        opt->port);
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : opt->port;
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
	for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++)
		free(s->pages[i].data);
	pthread_mutex_destroy(&s->page_lock);
	free(s);
}

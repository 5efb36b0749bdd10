/*
 * test_route.c - the player's addresses and the representation of what they
 * serve, without a socket (player/route.c, entry.c, represent.c): a table of
 * requests against a library of one signed course, each with the status, the
 * headers and the body a browser would get; what every answer carries; a
 * search handed over as a job; HEAD, Range, gzip, ETags and 304; every
 * course page with the player's chrome before its own bytes, in the
 * visitor's language, a representation of its own; the projector page and
 * the devices it counts.
 */
#include "testutil.h"
#include "tu_site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "bundle.h"
#include "library.h"
#include "route.h"
#include "trust.h"
#include "writer.h"

#define ID "org.example.pump"
#define VIDEO_SIZE (2 * 1048576 + 4321)

static const char lesson_km[] =
        "<!doctype html>\n<html lang=\"km\">\n<head>\n<title>km</title>\n</head>\n<body>\n"
        "<p>\xe1\x9e\x80</p>\n</body>\n</html>\n";

/* The sample course, with a Khmer lesson and a video of VIDEO_SIZE bytes, signed with key 1. */
static void make_course(const char *path)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	char *cj = tu_course_json(ID, "1.2");
	static const char index_html[] =
	        "<!doctype html>\n<html lang=\"en\">\n<head>\n<title>Pumps</title>\n</head>\n"
	        "<body>\n<h1>Pumps</h1>\n<p>A pump moves water. A pump moves water.</p>\n</body>\n"
	        "</html>\n";
	static const char style[] = "body { margin: 0; } body { margin: 0; } body { margin: 0; }\n";
	unsigned char *v = malloc(VIDEO_SIZE);

	assert_non_null(v);
	for (size_t i = 0; i < VIDEO_SIZE; i++)
		v[i] = (unsigned char)(i * 7 + i / 4099);
	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", index_html, sizeof(index_html) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", index_html,
	                                 sizeof(index_html) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "lessons/km.html", lesson_km, sizeof(lesson_km) - 1,
	                                 &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "_sampan/style.css", style, sizeof(style) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "media/video.mp4", v, VIDEO_SIZE, &err), err);
	assert_ok(bundle_writer_write(w, sk, path, NULL, &err), err);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
	free(v);
}

static int setup(void **state)
{
	*state = tu_site_open(make_course, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
	return 0;
}

static int teardown(void **state)
{
	tu_site_close(*state);
	return 0;
}

/* ---- a request from a table ---- */

struct fake {
	const char *headers[8][2]; /* name, value */
	const char *args[8][2];
};

static const char *fake_header(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;

	for (size_t i = 0; i < 8 && f->headers[i][0]; i++)
		if (strcasecmp(f->headers[i][0], name) == 0)
			return f->headers[i][1];
	return NULL;
}

static const char *fake_arg(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;

	for (size_t i = 0; i < 8 && f->args[i][0]; i++)
		if (strcmp(f->args[i][0], name) == 0)
			return f->args[i][1];
	return NULL;
}

static void ask(struct tu_site *f, const char *method, const char *url, const struct fake *fk,
                struct reply *r)
{
	static const struct fake none = { { { NULL, NULL } }, { { NULL, NULL } } };
	struct request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = url;
	rq.head = strcmp(method, "HEAD") == 0;
	rq.header = fake_header;
	rq.arg = fake_arg;
	rq.ctx = (void *)(fk ? fk : &none);
	reply_init(r);
	route_request(f->site, &rq, r);
}

/* The bytes of a body (a buffer, a piece or a stream), malloc'd; *len its length. */
static unsigned char *body_of(struct reply *r, size_t *len)
{
	unsigned char *out = malloc(r->len + 1);
	size_t all;

	assert_non_null(out);
	*len = (size_t)r->len;
	switch (r->body) {
	case REPLY_BUFFER:
		memcpy(out, r->data, *len);
		break;
	case REPLY_PIECE:
		memcpy(out, vcache_piece_data(r->piece, &all) + r->off, *len);
		assert_true(r->off + *len <= all);
		break;
	case REPLY_STREAM: {
		uint64_t pos = 0;
		for (;;) {
			ssize_t n = r->read(r->cls, pos, (char *)out + pos, 65536);
			if (n == REPLY_STREAM_END)
				break;
			assert_true(n > 0);
			pos += (uint64_t)n;
		}
		assert_int_equal(pos, r->len);
		break;
	}
	default:
		*len = 0;
	}
	out[*len] = '\0';
	return out;
}

static void assert_header(const struct reply *r, const char *name, const char *want)
{
	const char *v = reply_get_header(r, name);

	if (!want) {
		if (v)
			fail_msg("%s: %s, none wanted", name, v);
		return;
	}
	if (!v)
		fail_msg("no %s (status %u)", name, r->status);
	if (strcmp(v, want) != 0)
		fail_msg("%s: '%s', not '%s'", name, v, want);
}

/* ---- the table ---- */

static void every_address_answers_as_a_browser_expects(void **state)
{
	struct tu_site *f = *state;
	static const struct fake gzip = { { { "Accept-Encoding", "gzip, deflate" } }, { { 0 } } };
	static const struct fake range = { { { "Range", "bytes=10-19" } }, { { 0 } } };
	static const struct fake thai = { { { "Accept-Language", "th-TH,th;q=0.9" } }, { { 0 } } };
	static const struct fake lang_km = { { { 0 } }, { { "lang", "km" } } };
	static const struct {
		const char *method, *url;
		const struct fake *fk;
		unsigned status;
		enum reply_body body;
		const char *type, *cache, *in_body;
	} table[] = {
		{ "GET", "/", NULL, 200, REPLY_BUFFER, "text/html; charset=utf-8", "no-cache",
		  "http://10.0.0.5:8080/" },
		{ "GET", "/", &thai, 200, REPLY_BUFFER, "text/html; charset=utf-8", "no-cache",
		  "<html lang=\"th\">" },
		{ "GET", "/", &lang_km, 200, REPLY_BUFFER, "text/html; charset=utf-8", "no-cache",
		  "<html lang=\"km\">" },
		{ "HEAD", "/", NULL, 200, REPLY_BUFFER, "text/html; charset=utf-8", "no-cache",
		  NULL },
		{ "GET", "/api/catalog.json", NULL, 200, REPLY_BUFFER,
		  "application/json; charset=utf-8", "no-cache", "\"id\":\"" ID "\"" },
		{ "GET", "/favicon.ico", NULL, 204, REPLY_NONE, NULL, "public, max-age=604800",
		  NULL },
		{ "GET", "/_sampan/player.css", NULL, 200, REPLY_BUFFER, "text/css; charset=utf-8",
		  "public, max-age=3600", "@font-face" },
		{ "GET", "/_sampan/decor.css", NULL, 200, REPLY_BUFFER, "text/css; charset=utf-8",
		  "public, max-age=3600", ".sampan-preview" },
		{ "GET", "/_sampan/search.js", NULL, 200, REPLY_BUFFER,
		  "text/javascript; charset=utf-8", "public, max-age=3600", "suggest" },
		{ "GET", "/_sampan/qr.svg", NULL, 200, REPLY_BUFFER, "image/svg+xml", "no-cache",
		  "<svg" },
		{ "GET", "/_sampan/nothing.css", NULL, 404, REPLY_BUFFER,
		  "text/html; charset=utf-8", "no-store", "/_sampan/nothing.css" },
		{ "GET", "/_sampan/fonts/NotoSansKhmer-Regular.ttf", NULL, 404, REPLY_BUFFER,
		  "text/html; charset=utf-8", "no-store", "NotoSansKhmer-Regular.ttf" },
		{ "GET", "/c/" ID, NULL, 301, REPLY_NONE, NULL, NULL, NULL },
		{ "GET", "/c/" ID "/", NULL, 200, REPLY_PIECE, "text/html; charset=utf-8",
		  "public, max-age=86400", "<h1>Pumps</h1>" },
		{ "GET", "/c/" ID "/index.html", &gzip, 200, REPLY_PIECE,
		  "text/html; charset=utf-8", "public, max-age=86400", NULL },
		{ "GET", "/c/" ID "/index.html", &range, 206, REPLY_PIECE,
		  "text/html; charset=utf-8", "public, max-age=86400", "html>\n<htm" },
		{ "HEAD", "/c/" ID "/index.html", NULL, 200, REPLY_HEAD, "text/html; charset=utf-8",
		  "public, max-age=86400", NULL },
		{ "GET", "/c/" ID "/lessons/km.html", NULL, 200, REPLY_PIECE,
		  "text/html; charset=utf-8", "public, max-age=86400",
		  "<link rel=\"stylesheet\" href=\"/_sampan/decor.css\">\n<script "
		  "src=\"/_sampan/progress.js\" defer></script>\n</head>" },
		{ "GET", "/c/" ID "/lessons/01-intro.html", &thai, 200, REPLY_PIECE,
		  "text/html; charset=utf-8", "public, max-age=86400",
		  "<nav class=\"sampan-bar\" aria-label=\"Sampan\" dir=\"ltr\" lang=\"th\"" },
		{ "GET", "/c/" ID "/_sampan/style.css", NULL, 200, REPLY_PIECE,
		  "text/css; charset=utf-8", "public, max-age=86400", "body { margin: 0; }" },
		{ "GET", "/join", NULL, 200, REPLY_BUFFER, "text/html; charset=utf-8", "no-store",
		  "http://10.0.0.5:8080/" },
		{ "GET", "/api/join.json", &thai, 200, REPLY_BUFFER,
		  "application/json; charset=utf-8", "no-store", "{\"devices\":0,\"text\":\"" },
		{ "GET", "/_sampan/progress.js", NULL, 200, REPLY_BUFFER,
		  "text/javascript; charset=utf-8", "public, max-age=3600", "localStorage" },
		{ "GET", "/_sampan/join.js", NULL, 200, REPLY_BUFFER,
		  "text/javascript; charset=utf-8", "public, max-age=3600", "/api/join.json" },
		{ "GET", "/c/" ID "/media/video.mp4", NULL, 200, REPLY_STREAM, "video/mp4",
		  "public, max-age=86400", NULL },
		{ "GET", "/c/" ID "/media/video.mp4", &range, 206, REPLY_PIECE, "video/mp4",
		  "public, max-age=86400", NULL },
		{ "GET", "/c/" ID "/nothing.html", NULL, 404, REPLY_BUFFER,
		  "text/html; charset=utf-8", "no-store", "nothing.html" },
		{ "GET", "/c/" ID "/META-INF/MANIFEST", NULL, 404, REPLY_BUFFER,
		  "text/html; charset=utf-8", "no-store", NULL },
		{ "GET", "/c/" ID "/mimetype", NULL, 404, REPLY_BUFFER, "text/html; charset=utf-8",
		  "no-store", NULL },
		{ "GET", "/c/" ID "/a/%2e%2e/index.html", NULL, 400, REPLY_BUFFER,
		  "text/html; charset=utf-8", "no-store", "not a valid path" },
		{ "GET", "/c/org.example.none/", NULL, 404, REPLY_BUFFER,
		  "text/html; charset=utf-8", "no-store", "org.example.none" },
		{ "GET", "/c//", NULL, 404, REPLY_BUFFER, "text/html; charset=utf-8", "no-store",
		  "no such course" },
		{ "GET", "/watch", NULL, 404, REPLY_BUFFER, "text/html; charset=utf-8", "no-store",
		  "no such course or video" },
		{ "GET", "/nowhere", &thai, 404, REPLY_BUFFER, "text/html; charset=utf-8",
		  "no-store", "<html lang=\"th\">" },
		{ "GET", "/search", NULL, 0, REPLY_JOB, NULL, NULL, NULL },
		{ "GET", "/api/search.json", NULL, 0, REPLY_JOB, NULL, NULL, NULL },
		{ "GET", "/api/suggest.json", NULL, 0, REPLY_JOB, NULL, NULL, NULL },
		{ "POST", "/", NULL, 405, REPLY_NONE, NULL, NULL, NULL },
		{ "DELETE", "/c/" ID "/index.html", NULL, 405, REPLY_NONE, NULL, NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct reply r;
		unsigned char *body;
		size_t len;

		ask(f, table[i].method, table[i].url, table[i].fk, &r);
		if (r.status != table[i].status || r.body != table[i].body || r.failed)
			fail_msg("%s %s: status %u body %d%s, not %u body %d", table[i].method,
			         table[i].url, r.status, r.body, r.failed ? " (failed)" : "",
			         table[i].status, table[i].body);
		assert_header(&r, "Content-Type", table[i].type);
		if (table[i].cache)
			assert_header(&r, "Cache-Control", table[i].cache);
		if (r.body != REPLY_JOB) {
			/* what every answer carries */
			assert_header(&r, "X-Content-Type-Options", "nosniff");
			assert_header(&r, "Referrer-Policy", "no-referrer");
			assert_non_null(strstr(reply_get_header(&r, "Content-Security-Policy"),
			                       "default-src 'self'"));
		}
		body = body_of(&r, &len);
		if (table[i].in_body && !strstr((const char *)body, table[i].in_body))
			fail_msg("%s %s: '%s' not in the body:\n%s", table[i].method, table[i].url,
			         table[i].in_body, body);
		free(body);
		reply_release(&r);
	}
}

static void entries_keep_their_representations_apart(void **state)
{
	struct tu_site *f = *state;
	static const struct fake gzip = { { { "Accept-Encoding", "gzip" } }, { { 0 } } };
	struct reply r;
	unsigned char *body, out[4096];
	char etag[128], etag_gz[128];
	size_t len;
	uLongf out_len = sizeof(out);

	/* as it is: the entry's strong ETag, Accept-Ranges, Vary on the encoding */
	ask(f, "GET", "/c/" ID "/_sampan/style.css", NULL, &r);
	snprintf(etag, sizeof(etag), "%s", reply_get_header(&r, "ETag"));
	assert_true(etag[0] == '"' && strlen(etag) == 34);
	assert_header(&r, "Accept-Ranges", "bytes");
	assert_header(&r, "Vary", "Accept-Encoding");
	assert_header(&r, "Content-Encoding", NULL);
	reply_release(&r);
	/* gzip: the deflate bytes as they are in the bundle, in a gzip member of their own tag */
	ask(f, "GET", "/c/" ID "/_sampan/style.css", &gzip, &r);
	assert_header(&r, "Content-Encoding", "gzip");
	snprintf(etag_gz, sizeof(etag_gz), "%s", reply_get_header(&r, "ETag"));
	assert_true(strncmp(etag_gz, etag, 33) == 0 && strcmp(etag_gz + 33, "-gz\"") == 0);
	body = body_of(&r, &len);
	assert_true(len > 18 && body[0] == 0x1f && body[1] == 0x8b);
	{
		z_stream z;
		memset(&z, 0, sizeof(z));
		assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
		z.next_in = body;
		z.avail_in = (uInt)len;
		z.next_out = out;
		z.avail_out = (uInt)out_len;
		assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
		out_len = z.total_out;
		inflateEnd(&z);
	}
	assert_non_null(strstr((const char *)out, "body { margin: 0; }"));
	free(body);
	reply_release(&r);
	/* revalidating either gets 304, with the validators again and no body */
	{
		struct fake inm = { { { "If-None-Match", etag } }, { { 0 } } };
		ask(f, "GET", "/c/" ID "/_sampan/style.css", &inm, &r);
		assert_int_equal(r.status, 304);
		assert_int_equal(r.body, REPLY_NONE);
		assert_header(&r, "ETag", etag);
		assert_header(&r, "Cache-Control", "public, max-age=86400");
		reply_release(&r);
	}
	{
		struct fake inm = { { { "If-None-Match", etag_gz }, { "Accept-Encoding", "gzip" } },
			            { { 0 } } };
		ask(f, "GET", "/c/" ID "/_sampan/style.css", &inm, &r);
		assert_int_equal(r.status, 304);
		assert_header(&r, "ETag", etag_gz);
		reply_release(&r);
	}
	{
		struct fake im = { { { "If-Match", "\"other\"" } }, { { 0 } } };
		ask(f, "GET", "/c/" ID "/_sampan/style.css", &im, &r);
		assert_int_equal(r.status, 412);
		reply_release(&r);
	}
	{
		struct fake past = { { { "Range", "bytes=99999999-" } }, { { 0 } } };
		char want[64];
		ask(f, "GET", "/c/" ID "/media/video.mp4", &past, &r);
		assert_int_equal(r.status, 416);
		snprintf(want, sizeof(want), "bytes */%d", VIDEO_SIZE);
		assert_header(&r, "Content-Range", want);
		reply_release(&r);
	}
	/* a decorated page is another representation, one per interface language */
	{
		static const struct fake th = { { { "Accept-Language", "th" } }, { { 0 } } };
		static const struct fake th_gz = {
			{ { "Accept-Language", "th" }, { "Accept-Encoding", "gzip" } }, { { 0 } }
		};
		char etag_en[128], etag_th[128];
		unsigned char *plain;
		size_t plain_len;

		ask(f, "GET", "/c/" ID "/lessons/km.html", NULL, &r);
		snprintf(etag_en, sizeof(etag_en), "%s", reply_get_header(&r, "ETag"));
		assert_non_null(strstr(etag_en, "-cen-"));
		assert_header(&r, "Vary", "Accept-Encoding, Accept-Language, Cookie");
		assert_header(&r, "Content-Encoding", NULL);
		reply_release(&r);
		ask(f, "GET", "/c/" ID "/lessons/km.html", &th, &r);
		snprintf(etag_th, sizeof(etag_th), "%s", reply_get_header(&r, "ETag"));
		assert_non_null(strstr(etag_th, "-cth-"));
		assert_string_not_equal(etag_en, etag_th);
		plain = body_of(&r, &plain_len);
		/* the page's own bytes, unchanged, after what the player put in */
		assert_non_null(
		        strstr((const char *)plain,
		               "</nav>\n<span id=\"sampan-after\" tabindex=\"-1\"></span>\n\n"
		               "<p>\xe1\x9e\x80</p>\n</body>"));
		reply_release(&r);
		/* gzip made by the player: the same page */
		ask(f, "GET", "/c/" ID "/lessons/km.html", &th_gz, &r);
		assert_header(&r, "Content-Encoding", "gzip");
		snprintf(etag_gz, sizeof(etag_gz), "%s", reply_get_header(&r, "ETag"));
		assert_true(strncmp(etag_gz, etag_th, strlen(etag_th) - 1) == 0);
		body = body_of(&r, &len);
		{
			z_stream z;
			unsigned char big[16384];
			memset(&z, 0, sizeof(z));
			assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
			z.next_in = body;
			z.avail_in = (uInt)len;
			z.next_out = big;
			z.avail_out = sizeof(big);
			assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
			assert_int_equal(z.total_out, plain_len);
			assert_memory_equal(big, plain, plain_len);
			inflateEnd(&z);
		}
		free(body);
		free(plain);
		reply_release(&r);
		/* HEAD tells the gzip member's length */
		{
			struct fake head_gz = th_gz;
			ask(f, "HEAD", "/c/" ID "/lessons/km.html", &head_gz, &r);
			assert_int_equal(r.body, REPLY_HEAD);
			assert_int_equal(r.len, len);
			reply_release(&r);
		}
		/* revalidating: 304 */
		{
			struct fake inm = { { { "If-None-Match", etag_th },
				              { "Accept-Language", "th" } },
				            { { 0 } } };
			ask(f, "GET", "/c/" ID "/lessons/km.html", &inm, &r);
			assert_int_equal(r.status, 304);
			assert_header(&r, "ETag", etag_th);
			reply_release(&r);
		}
		/* a 304 for a page in a language never made yet: nothing read, nothing made */
		{
			char etag_vi[128];
			struct vcache_stats before, later;
			struct fake inm = { { { "If-None-Match", etag_vi },
				              { "Accept-Language", "vi" } },
				            { { 0 } } };
			snprintf(etag_vi, sizeof(etag_vi), "%s", etag_th);
			memcpy(strstr(etag_vi, "-cth-"), "-cvi-", 5);
			vcache_get_stats(f->site->vc, &before);
			ask(f, "GET", "/c/" ID "/lessons/km.html", &inm, &r);
			vcache_get_stats(f->site->vc, &later);
			assert_int_equal(r.status, 304);
			assert_header(&r, "ETag", etag_vi);
			assert_int_equal(later.fills, before.fills);
			assert_int_equal(later.hits, before.hits);
			reply_release(&r);
			/* the same tag for another page is not its copy: a 200 */
			ask(f, "GET", "/c/" ID "/lessons/01-intro.html", &inm, &r);
			assert_int_equal(r.status, 200);
			reply_release(&r);
		}
	}
}

/*
 * A language picked in the bar (?lang=) is kept in a cookie, and the pages
 * asked for without ?lang= (a link inside the course's own page) are in it;
 * a phone's cached copy in another language is never taken for it.
 */
static void the_language_picked_is_kept_in_a_cookie(void **state)
{
	struct tu_site *f = *state;
	static const struct fake pick_th = { { { "Accept-Language", "en-US,en;q=0.9" } },
		                             { { "lang", "th" } } };
	static const struct fake pick_en = { { { "Accept-Language", "en-US,en;q=0.9" },
		                               { "Cookie", "sampan_lang=th" } },
		                             { { "lang", "en" } } };
	static const struct fake follow = { { { "Accept-Language", "en-US,en;q=0.9" },
		                              { "Cookie", "sampan_lang=th" } },
		                            { { 0 } } };
	static const struct fake bar_link = { { { "Accept-Language", "en-US,en;q=0.9" },
		                                { "Cookie", "sampan_lang=th" } },
		                              { { "lang", "th" } } };
	static const struct fake same = { { { "Accept-Language", "th" } }, { { "lang", "th" } } };
	static const char *const cookie_th =
	        "sampan_lang=th; Path=/; Max-Age=31536000; SameSite=Lax";
	struct reply r;
	char etag_en[128];
	unsigned char *body;
	size_t len;

	/* the English page a phone keeps */
	ask(f, "GET", "/c/" ID "/lessons/01-intro.html", NULL, &r);
	snprintf(etag_en, sizeof(etag_en), "%s", reply_get_header(&r, "ETag"));
	assert_header(&r, "Set-Cookie", NULL);
	reply_release(&r);

	/* Thai picked in the bar: the page in Thai, and the cookie */
	ask(f, "GET", "/c/" ID "/lessons/01-intro.html", &pick_th, &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Set-Cookie", cookie_th);
	assert_header(&r, "Vary", "Accept-Encoding, Accept-Language, Cookie");
	reply_release(&r);
	/* on the catalog's switcher, a redirect and an error page too */
	ask(f, "GET", "/", &pick_th, &r);
	assert_header(&r, "Set-Cookie", cookie_th);
	reply_release(&r);
	ask(f, "GET", "/c/" ID, &pick_th, &r);
	assert_int_equal(r.status, 301);
	assert_header(&r, "Set-Cookie", cookie_th);
	reply_release(&r);
	ask(f, "GET", "/nowhere", &pick_th, &r);
	assert_int_equal(r.status, 404);
	assert_header(&r, "Set-Cookie", cookie_th);
	reply_release(&r);

	/* a link without ?lang=: Thai from the cookie, a Thai ETag, no cookie again */
	ask(f, "GET", "/c/" ID "/lessons/km.html", &follow, &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Set-Cookie", NULL);
	assert_non_null(strstr(reply_get_header(&r, "ETag"), "-cth-"));
	body = body_of(&r, &len);
	assert_non_null(strstr((const char *)body, "dir=\"ltr\" lang=\"th\""));
	free(body);
	reply_release(&r);
	ask(f, "GET", "/", &follow, &r);
	body = body_of(&r, &len);
	assert_non_null(strstr((const char *)body, "<html lang=\"th\">"));
	free(body);
	reply_release(&r);

	/* the English copy the phone kept is not current for it: the Thai page */
	{
		struct fake inm = follow;
		inm.headers[2][0] = "If-None-Match";
		inm.headers[2][1] = etag_en;
		ask(f, "GET", "/c/" ID "/lessons/01-intro.html", &inm, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(reply_get_header(&r, "ETag"), "-cth-"));
		reply_release(&r);
	}

	/* the bar's own links carry ?lang= the cookie already holds: nothing set */
	ask(f, "GET", "/c/" ID "/lessons/01-intro.html", &bar_link, &r);
	assert_header(&r, "Set-Cookie", NULL);
	reply_release(&r);
	/* nor for the language the phone asks for anyway */
	ask(f, "GET", "/c/" ID "/lessons/01-intro.html", &same, &r);
	assert_header(&r, "Set-Cookie", NULL);
	reply_release(&r);
	/* English picked again, against the cookie */
	ask(f, "GET", "/c/" ID "/lessons/01-intro.html", &pick_en, &r);
	assert_header(&r, "Set-Cookie", "sampan_lang=en; Path=/; Max-Age=31536000; SameSite=Lax");
	assert_non_null(strstr(reply_get_header(&r, "ETag"), "-cen-"));
	reply_release(&r);
	/* a method refused, or a search (answered apart), sets nothing */
	ask(f, "POST", "/", &pick_th, &r);
	assert_header(&r, "Set-Cookie", NULL);
	reply_release(&r);
	ask(f, "GET", "/search", &pick_th, &r);
	assert_int_equal(r.body, REPLY_JOB);
	assert_header(&r, "Set-Cookie", NULL);
	reply_release(&r);
}

static void video_ranges_and_head_send_the_right_bytes(void **state)
{
	struct tu_site *f = *state;
	static const struct fake across = { { { "Range", "bytes=1048570-1048589" } }, { { 0 } } };
	static const struct fake last = { { { "Range", "bytes=-5" } }, { { 0 } } };
	struct reply r;
	unsigned char *body;
	size_t len;
	char want[64];

	/* a range across two chunks is streamed chunk by chunk */
	ask(f, "GET", "/c/" ID "/media/video.mp4", &across, &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body, REPLY_STREAM);
	snprintf(want, sizeof(want), "bytes 1048570-1048589/%d", VIDEO_SIZE);
	assert_header(&r, "Content-Range", want);
	body = body_of(&r, &len);
	assert_int_equal(len, 20);
	for (size_t i = 0; i < 20; i++) {
		size_t at = 1048570 + i;
		assert_int_equal(body[i], (unsigned char)(at * 7 + at / 4099));
	}
	free(body);
	reply_release(&r);
	/* inside one chunk: straight from its memory, the Content-Range in the entry's bytes */
	ask(f, "GET", "/c/" ID "/media/video.mp4", &last, &r);
	assert_int_equal(r.body, REPLY_PIECE);
	snprintf(want, sizeof(want), "bytes %d-%d/%d", VIDEO_SIZE - 5, VIDEO_SIZE - 1, VIDEO_SIZE);
	assert_header(&r, "Content-Range", want);
	body = body_of(&r, &len);
	assert_int_equal(len, 5);
	assert_int_equal(body[4], (unsigned char)((VIDEO_SIZE - 1) * 7 + (VIDEO_SIZE - 1) / 4099));
	free(body);
	reply_release(&r);
	/* HEAD: the length a GET would get, nothing read */
	ask(f, "HEAD", "/c/" ID "/media/video.mp4", &last, &r);
	assert_int_equal(r.status, 200); /* Range is for GET alone */
	assert_int_equal(r.body, REPLY_HEAD);
	assert_int_equal(r.len, VIDEO_SIZE);
	reply_release(&r);
}

static void redirects_refusals_and_framing(void **state)
{
	struct tu_site *f = *state;
	struct reply r;
	struct request rq;

	ask(f, "GET", "/c/" ID, NULL, &r);
	assert_header(&r, "Location", "/c/" ID "/");
	reply_release(&r);
	ask(f, "POST", "/c/" ID "/", NULL, &r);
	assert_header(&r, "Allow", "GET, HEAD");
	reply_release(&r);
	/* a request framed two ways: 400, and the connection closed */
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = "/";
	rq.framing_ambiguous = true;
	reply_init(&r);
	route_request(f->site, &rq, &r);
	assert_int_equal(r.status, 400);
	assert_header(&r, "Connection", "close");
	assert_non_null(strstr((const char *)r.data, "ambiguous request framing"));
	reply_release(&r);
	/* an id too long for any course */
	{
		char url[400];
		memset(url, 'a', sizeof(url));
		memcpy(url, "/c/", 3);
		url[sizeof(url) - 2] = '/';
		url[sizeof(url) - 1] = '\0';
		ask(f, "GET", url, NULL, &r);
		assert_int_equal(r.status, 404);
		reply_release(&r);
	}
}

static void a_search_is_a_job_answered_apart(void **state)
{
	struct tu_site *f = *state;
	static const struct fake q = {
		{ { "Accept-Language", "vi" } },
		{ { "q", "b%C6%A1m" }, { "course", ID }, { "filter", "en" }, { "page", "3" } }
	};
	static const struct fake bad_page = { { { 0 } }, { { "q", "x" }, { "page", "99999" } } };
	struct reply r;
	struct search_job *j;

	ask(f, "GET", "/search", &q, &r);
	assert_int_equal(r.body, REPLY_JOB);
	j = r.job;
	assert_int_equal(j->kind, JOB_PAGE);
	assert_string_equal(j->q, "bơm");
	assert_string_equal(j->course, ID);
	assert_string_equal(j->lang, "en");
	assert_string_equal(j->ui_lang, "vi");
	assert_int_equal(j->page, 3);
	reply_release(&r); /* a job never run is freed with its reply */
	ask(f, "GET", "/api/search.json", &bad_page, &r);
	assert_int_equal(((struct search_job *)r.job)->kind, JOB_JSON);
	assert_int_equal(((struct search_job *)r.job)->page, 1);
	j = r.job;
	reply_take_body(&r);
	reply_release(&r);
	/* this site has no search index: answered at once, nothing suspended */
	assert_false(site_search(f->site, j, NULL, NULL));
	reply_init(&r);
	route_job_reply(j, &r);
	assert_int_equal(r.status, 200);
	assert_header(&r, "Content-Type", "application/json; charset=utf-8");
	assert_header(&r, "Cache-Control", "no-store");
	assert_header(&r, "X-Content-Type-Options", "nosniff");
	assert_non_null(strstr((const char *)r.data, "\"problem\":\"unavailable\""));
	reply_release(&r);
	search_job_free(j);
	/* a job answered busy: 503 and when to try again */
	j = calloc(1, sizeof(*j));
	assert_non_null(j);
	j->status = 503;
	j->type = "text/html; charset=utf-8";
	j->body = strdup("busy");
	reply_init(&r);
	route_job_reply(j, &r);
	assert_int_equal(r.status, 503);
	assert_header(&r, "Retry-After", "2");
	assert_null(j->body); /* taken by the reply */
	reply_release(&r);
	search_job_free(j);
}

static void the_projector_counts_the_devices_that_asked(void **state)
{
	struct tu_site *f = *state;
	static const unsigned char phones[3][4] = { { 10, 0, 0, 21 },
		                                    { 10, 0, 0, 22 },
		                                    { 10, 0, 0, 21 } };
	struct request rq;
	struct reply r;

	for (size_t i = 0; i < 3; i++) {
		memset(&rq, 0, sizeof(rq));
		rq.method = "GET";
		rq.url = i == 2 ? "/c/" ID "/media/video.mp4" : "/";
		memcpy(rq.peer, phones[i], 4);
		rq.peer_len = 4;
		reply_init(&r);
		route_request(f->site, &rq, &r);
		reply_release(&r);
	}
	/* the projector on this machine itself is no device in the room */
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = "/join";
	rq.peer[0] = 127;
	rq.peer[3] = 1;
	rq.peer_len = 4;
	reply_init(&r);
	route_request(f->site, &rq, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr((const char *)r.data, "2 devices seen in the last 5 minutes"));
	reply_release(&r);
	ask(f, "GET", "/api/join.json", NULL, &r);
	assert_string_equal((const char *)r.data,
	                    "{\"devices\":2,\"text\":\"2 devices seen in the last 5 minutes\"}\n");
	reply_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_address_answers_as_a_browser_expects, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(entries_keep_their_representations_apart, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(video_ranges_and_head_send_the_right_bytes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_language_picked_is_kept_in_a_cookie, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(redirects_refusals_and_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(a_search_is_a_job_answered_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(the_projector_counts_the_devices_that_asked, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

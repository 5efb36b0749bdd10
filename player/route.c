/*
 * route.c - the player's addresses (route.h; shared DESIGN, "Serving").
 */
#include "route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "catalog.h"
#include "digest.h"
#include "entry.h"
#include "errpage.h"
#include "fonts.h"
#include "httputil.h"
#include "json.h"
#include "l10n.h"
#include "monotime.h"
#include "presence.h"
#include "search.h"
#include "watch.h"

#define CSP                                                                               \
	"default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "  \
	"font-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; " \
	"base-uri 'none'; form-action 'self'"
#define COURSE_ID_MAX 160

/* ---- the site ---- */

enum bundle_status site_open(const struct site_options *opt, struct site **out,
                             struct bundle_error *err)
{
	struct site *s = calloc(1, sizeof(*s));
	unsigned char d[DIGEST_SIZE];

	*out = NULL;
	if (!s)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	s->opt = *opt;
	s->vc = vcache_new(opt->cache_bytes);
	s->fonts = fonts_new(opt->fonts_dir);
	s->presence = presence_new();
	s->gate = teacher_gate_new();
	if (!s->vc || !s->fonts || !s->presence || !s->gate) {
		vcache_free(s->vc);
		fonts_free(s->fonts);
		presence_free(s->presence);
		teacher_gate_free(s->gate);
		free(s);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	pthread_rwlock_init(&s->search_lock, NULL);
	digest_sha256(opt->qr_svg ? opt->qr_svg : "", opt->qr_svg ? strlen(opt->qr_svg) : 0, d);
	etag_tag(d, s->qr_tag);
	if (opt->search_db) {
		struct bundle_error serr;
		if (searchsvc_start(opt->lib, opt->indexer, opt->search_db, &s->search, &serr) !=
		    BUNDLE_OK)
			fprintf(stderr, "sampan-play: search is not available: %s\n", serr.message);
	}
	*out = s;
	return BUNDLE_OK;
}

void site_stop_search(struct site *s)
{
	struct searchsvc *search;

	if (!s)
		return;
	pthread_rwlock_wrlock(&s->search_lock);
	search = s->search;
	s->search = NULL;
	pthread_rwlock_unlock(&s->search_lock);
	searchsvc_stop(search);
}

void site_close(struct site *s)
{
	if (!s)
		return;
	site_stop_search(s);
	pthread_rwlock_destroy(&s->search_lock);
	fonts_free(s->fonts);
	presence_free(s->presence);
	teacher_gate_free(s->gate);
	vcache_free(s->vc);
	free(s);
}

const char *site_teacher_code(const struct site *s)
{
	return teacher_gate_code(s->gate);
}

/* ---- searches ---- */

static void job_free(void *j)
{
	search_job_free(j);
}

static char *query_arg(const struct request *rq, const char *key)
{
	return query_value_decode(request_arg(rq, key), SEARCH_QUERY_MAX);
}

static const char *ui_lang(const struct request *rq)
{
	return l10n_of_request(rq);
}

/*
 * /search, /api/search.json, /api/suggest.json: a job for the search
 * worker, so request threads keep serving pages and video while it runs.
 */
static void search_job(const struct request *rq, enum search_job_kind kind, struct reply *r)
{
	struct search_job *j = calloc(1, sizeof(*j));
	const char *page = request_arg(rq, "page");

	if (!j) {
		r->failed = true;
		return;
	}
	j->kind = kind;
	j->q = query_arg(rq, "q");
	j->course = query_arg(rq, "course");
	j->lang = query_arg(rq, "filter");
	j->ui_lang = ui_lang(rq);
	j->page = 1;
	if (page && *page && strspn(page, "0123456789") == strlen(page) && strlen(page) <= 4) {
		unsigned long n = strtoul(page, NULL, 10);
		if (n > 0)
			j->page = (size_t)n;
	}
	r->body = REPLY_JOB;
	r->job = j;
	r->job_free = job_free;
}

bool site_search(struct site *s, struct search_job *j, void (*suspend)(void *ctx), void *ctx)
{
	pthread_rwlock_rdlock(&s->search_lock);
	if (!s->search) {
		pthread_rwlock_unlock(&s->search_lock);
		searchsvc_render_problem(s->opt.lib, s->opt.indexer, j, false);
		return false;
	}
	suspend(ctx);
	if (!searchsvc_submit(s->search, j)) {
		/* SEARCH_QUEUE_MAX searches wait (only past the connection limit): say so at once. */
		searchsvc_render_problem(s->opt.lib, s->opt.indexer, j, true);
		j->done(j);
	}
	pthread_rwlock_unlock(&s->search_lock);
	return true;
}

static void common_headers(struct reply *r)
{
	reply_header_const(r, "X-Content-Type-Options", "nosniff");
	reply_header_const(r, "Content-Security-Policy", CSP);
	reply_header_const(r, "Referrer-Policy", "no-referrer");
}

void route_job_reply(struct search_job *j, struct reply *r)
{
	reply_text(r, j->status, j->type, j->body, "no-store");
	j->body = NULL;
	if (j->status == 503)
		reply_header_const(r, "Retry-After", "2");
	common_headers(r);
}

/* ---- the routes ---- */

static void route_catalog(struct site *s, const struct request *rq, const char *rest,
                          struct reply *r)
{
	struct lib_snapshot *snap = library_snapshot(s->opt.lib);
	struct catalog_view v;
	char *html;

	(void)rest;
	v.snap = snap;
	v.ui_lang = ui_lang(rq);
	v.filter_lang = request_arg(rq, "filter");
	v.address = s->opt.address;
	v.qr_svg = s->opt.qr_svg;
	html = catalog_html(&v);
	library_release_snapshot(s->opt.lib, snap);
	represent_made(r, rq, "text/html; charset=utf-8", html, html ? strlen(html) : 0, true, NULL,
	               "no-cache");
}

/* /join: the page for the projector. */
static void route_join(struct site *s, const struct request *rq, const char *rest, struct reply *r)
{
	struct catalog_view v;
	char *html;

	(void)rest;
	memset(&v, 0, sizeof(v));
	v.ui_lang = ui_lang(rq);
	v.address = s->opt.address;
	v.qr_svg = s->opt.qr_svg;
	html = catalog_join_html(&v, presence_count(s->presence, monotime_now()));
	reply_text(r, 200, "text/html; charset=utf-8", html, "no-store");
}

/* /api/join.json: the devices seen lately, for the projector page to show without reloading. */
static void route_join_json(struct site *s, const struct request *rq, const char *rest,
                            struct reply *r)
{
	size_t n = presence_count(s->presence, monotime_now());
	char *text = catalog_devices_text(ui_lang(rq), n);
	struct json_out o = { 0 };
	struct json_t *j = json_out_object(&o);

	(void)rest;
	json_out_set(&o, j, "devices", json_out_integer(&o, (int64_t)n));
	json_out_set(&o, j, "text", text ? json_out_string(&o, text) : NULL);
	free(text);
	reply_text(r, 200, "application/json; charset=utf-8", json_out_dump(&o, j), "no-store");
}

static void route_catalog_json(struct site *s, const struct request *rq, const char *rest,
                               struct reply *r)
{
	struct lib_snapshot *snap = library_snapshot(s->opt.lib);
	char *json = catalog_json(snap);

	(void)rest;
	library_release_snapshot(s->opt.lib, snap);
	represent_made(r, rq, "application/json; charset=utf-8", json, json ? strlen(json) : 0,
	               true, NULL, "no-cache");
}

static void route_search_page(struct site *s, const struct request *rq, const char *rest,
                              struct reply *r)
{
	(void)s;
	(void)rest;
	search_job(rq, JOB_PAGE, r);
}

static void route_search_json(struct site *s, const struct request *rq, const char *rest,
                              struct reply *r)
{
	(void)s;
	(void)rest;
	search_job(rq, JOB_JSON, r);
}

static void route_suggest(struct site *s, const struct request *rq, const char *rest,
                          struct reply *r)
{
	(void)s;
	(void)rest;
	search_job(rq, JOB_SUGGEST, r);
}

static void route_watch(struct site *s, const struct request *rq, const char *rest, struct reply *r)
{
	(void)rest;
	watch_serve(s->opt.lib, rq, r);
}

/* Browsers ask on every page: nothing, for a week, rather than a 404 each time. */
static void route_favicon(struct site *s, const struct request *rq, const char *rest,
                          struct reply *r)
{
	(void)s;
	(void)rq;
	(void)rest;
	reply_empty(r, 204);
	reply_header_const(r, "Cache-Control", "public, max-age=604800");
}

static void route_font(struct site *s, const struct request *rq, const char *rest, struct reply *r)
{
	if (!fonts_serve(s->fonts, rq, rest, r))
		errpage_reply(r, rq, 404, rest);
}

static void route_own(struct site *s, const struct request *rq, const char *rest, struct reply *r)
{
	if (strcmp(rest, "qr.svg") == 0 && s->opt.qr_svg)
		represent_made(r, rq, "image/svg+xml", s->opt.qr_svg, strlen(s->opt.qr_svg), false,
		               s->qr_tag, "no-cache");
	else if (!assets_serve(rq, rest, r))
		errpage_reply(r, rq, 404, rq->url);
}

static void route_course(struct site *s, const struct request *rq, const char *rest,
                         struct reply *r)
{
	const char *slash = strchr(rest, '/');
	char id[COURSE_ID_MAX], to[COURSE_ID_MAX + 8];
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);

	if (n == 0 || n >= sizeof(id)) {
		errpage_reply(r, rq, 404, "no such course");
		return;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	if (!slash) {
		snprintf(to, sizeof(to), "/c/%s/", id);
		reply_empty(r, 301);
		reply_header(r, "Location", to);
		return;
	}
	entry_serve(s->opt.lib, s->vc, rq, id, slash + 1, r);
}

static void route_teacher(struct site *s, const struct request *rq, const char *rest,
                          struct reply *r)
{
	teacher_serve(s->gate, s->opt.lib, rq, rest, r);
}

static const struct route {
	const char *path;
	bool prefix; /* the path starts with it; the handler gets what follows */
	void (*answer)(struct site *s, const struct request *rq, const char *rest, struct reply *r);
} routes[] = {
	{ "/", false, route_catalog },
	{ "/api/catalog.json", false, route_catalog_json },
	{ "/join", false, route_join },
	{ "/api/join.json", false, route_join_json },
	{ "/search", false, route_search_page },
	{ "/api/search.json", false, route_search_json },
	{ "/api/suggest.json", false, route_suggest },
	{ "/watch", false, route_watch },
	{ "/favicon.ico", false, route_favicon },
	{ "/_sampan/fonts/", true, route_font },
	{ "/_sampan/", true, route_own },
	{ "/c/", true, route_course },
	{ "/teacher", true, route_teacher },
};

/*
 * A ?lang= that picks another interface language than the phone would get
 * without it is kept in a cookie (l10n.h), so that the links of a
 * course's own pages, which carry no ?lang=, keep it too.
 */
static void keep_language(const struct request *rq, struct reply *r)
{
	char cookie[128];

	if (r->body != REPLY_JOB && !r->failed && l10n_cookie(rq, cookie, sizeof(cookie)))
		reply_header(r, "Set-Cookie", cookie);
}

void route_request(struct site *s, const struct request *rq_in, struct reply *r)
{
	const char *url = rq_in->url ? rq_in->url : "";
	struct request q = *rq_in;
	const struct request *rq = &q;
	size_t i;

	if (rq->peer_len)
		presence_seen(s->presence, rq->peer, rq->peer_len, monotime_now());
	q.teacher = teacher_gate_allows(s->gate, rq_in);
	if (rq->framing_ambiguous) {
		/*
		 * A GET or HEAD has no use for a body.  One framed by Transfer-Encoding
		 * or by several Content-Length headers is how requests are smuggled past
		 * a proxy that reads the framing differently: refuse it and close the
		 * connection, so nothing after it on the wire is taken for a request.
		 */
		errpage_reply(r, rq, 400, "ambiguous request framing");
		reply_header_const(r, "Connection", "close");
	} else if (!rq->method ||
	           (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0)) {
		reply_empty(r, 405);
		reply_header_const(r, "Allow", "GET, HEAD");
	} else {
		for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
			const struct route *t = &routes[i];
			size_t n = strlen(t->path);
			if (t->prefix ? strncmp(url, t->path, n) == 0 : strcmp(url, t->path) == 0) {
				t->answer(s, rq, url + n, r);
				break;
			}
		}
		if (i == sizeof(routes) / sizeof(routes[0]))
			errpage_reply(r, rq, 404, url);
		keep_language(rq, r);
	}
	if (r->body != REPLY_JOB)
		common_headers(r);
}

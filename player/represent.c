/*
 * represent.c - httpcond's answers written as a reply's headers
 * (represent.h; RFC 9110 §15.4.5: a 304 carries the validators a 200
 * would).
 */
#include "represent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "httputil.h"

void represent_facts(const struct request *rq, struct httpcond_request *hrq)
{
	hrq->head = rq->head;
	hrq->accept_encoding = request_header(rq, "Accept-Encoding");
	hrq->range = request_header(rq, "Range");
	hrq->if_range = request_header(rq, "If-Range");
	hrq->if_match = request_header(rq, "If-Match");
	hrq->if_none_match = request_header(rq, "If-None-Match");
	hrq->if_modified_since = request_header(rq, "If-Modified-Since");
	hrq->if_unmodified_since = request_header(rq, "If-Unmodified-Since");
}

/* The headers every answer about a representation carries, 304 included. */
static void validator_headers(struct reply *r, const struct httpcond_answer *a,
                              const struct httpcond_resource *rs, const char *cache,
                              const char *vary_more)
{
	char vary[64], date[HTTP_DATE_SIZE];

	if (a->etag[0])
		reply_header(r, "ETag", a->etag);
	if (cache)
		reply_header(r, "Cache-Control", cache);
	if (a->vary_encoding || vary_more) {
		snprintf(vary, sizeof(vary), "%s%s%s", a->vary_encoding ? "Accept-Encoding" : "",
		         a->vary_encoding && vary_more ? ", " : "", vary_more ? vary_more : "");
		reply_header(r, "Vary", vary);
	}
	if (rs->last_modified >= 0) {
		http_date_format(rs->last_modified, date);
		reply_header(r, "Last-Modified", date);
	}
}

void represent_body_headers(struct reply *r, const struct httpcond_answer *a,
                            const struct httpcond_resource *rs, const char *type, const char *cache,
                            const char *vary_more)
{
	char cr[96];

	if (type)
		reply_header(r, "Content-Type", type);
	validator_headers(r, a, rs, cache, vary_more);
	if (a->rep == HTTPCOND_GZIP)
		reply_header(r, "Content-Encoding", "gzip");
	if (rs->ranges && a->rep == HTTPCOND_IDENTITY)
		reply_header(r, "Accept-Ranges", "bytes");
	if (a->status == 206) {
		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long)a->first,
		         (unsigned long long)a->last, (unsigned long long)rs->size);
		reply_header(r, "Content-Range", cr);
	}
}

void represent_bodiless(struct reply *r, const struct httpcond_answer *a,
                        const struct httpcond_resource *rs, const char *cache,
                        const char *vary_more)
{
	char cr[64];

	reply_empty(r, a->status);
	if (a->status == 304)
		validator_headers(r, a, rs, cache, vary_more);
	if (a->status == 416) {
		snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long)rs->size);
		reply_header(r, "Content-Range", cr);
		reply_header(r, "Accept-Ranges", "bytes");
	}
}

void represent_made(struct reply *r, const struct request *rq, const char *type, const char *body,
                    size_t len, bool owned, const char *tag, const char *cache)
{
	struct httpcond_request hrq;
	struct httpcond_resource rs;
	struct httpcond_answer a;
	char own[REPRESENT_TAG_SIZE];
	unsigned char d[DIGEST_SIZE];

	if (!body) {
		r->failed = true;
		return;
	}
	if (!tag) {
		digest_sha256(body, len, d);
		etag_tag(d, own);
		tag = own;
	}
	memset(&rs, 0, sizeof(rs));
	rs.tag = tag;
	rs.size = len;
	rs.last_modified = -1;
	represent_facts(rq, &hrq);
	httpcond_decide(&hrq, &rs, &a);
	if (a.status != 200) {
		if (owned)
			free((void *)(uintptr_t)body);
		represent_bodiless(r, &a, &rs, cache, NULL);
		return;
	}
	reply_buffer(r, 200, body, len, owned);
	represent_body_headers(r, &a, &rs, type, cache, NULL);
}

char *represent_content_type(const char *t)
{
	bool text = strncmp(t, "text/", 5) == 0 || strcmp(t, "application/json") == 0 ||
	            strcmp(t, "image/svg+xml") == 0 || strcmp(t, "application/xml") == 0;
	size_t n = strlen(t) + 20;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s", t, text ? "; charset=utf-8" : "");
	return s;
}

/* httpcond.c - representation, ETag and status of a GET or HEAD (RFC 9110 §13.2.2, §14). */
#include "httpcond.h"

#include <stdio.h>
#include <string.h>

#include "httputil.h"

/* If-Range: an entity-tag compared strongly with etag, or a date equal to last_modified. */
static bool if_range_holds(const char *header, const char *etag, int64_t last_modified)
{
	int64_t t;

	if (!header)
		return true;
	while (*header == ' ' || *header == '\t')
		header++;
	if (*header == '"' || (header[0] == 'W' && header[1] == '/'))
		return etag && *etag && etag_if_range(header, etag);
	t = http_date_parse(header);
	return t >= 0 && last_modified >= 0 && t == last_modified;
}

void httpcond_decide(const struct httpcond_request *rq, const struct httpcond_resource *rs,
                     struct httpcond_answer *a)
{
	const char *etag;
	int64_t t;

	memset(a, 0, sizeof(*a));
	a->status = 200;
	a->rep = HTTPCOND_IDENTITY;
	a->vary_encoding = rs->gzip;
	if (rs->gzip && !rq->range && accept_encoding_gzip(rq->accept_encoding))
		a->rep = HTTPCOND_GZIP;
	if (rs->tag) {
		if (a->rep == HTTPCOND_GZIP)
			snprintf(a->etag, sizeof(a->etag), "\"%s-gz\"", rs->tag);
		else if (rs->variant)
			snprintf(a->etag, sizeof(a->etag), "\"%s-%s\"", rs->tag, rs->variant);
		else
			snprintf(a->etag, sizeof(a->etag), "\"%s\"", rs->tag);
	}
	etag = rs->tag ? a->etag : NULL;

	/* 1, 2: the client changes nothing here, but a failed precondition is still 412 */
	if (rq->if_match) {
		if (!etag_match_any(rq->if_match, etag, true)) {
			a->status = 412;
			return;
		}
	} else if (rq->if_unmodified_since && rs->last_modified >= 0) {
		t = http_date_parse(rq->if_unmodified_since);
		if (t >= 0 && rs->last_modified > t) {
			a->status = 412;
			return;
		}
	}
	/* 3, 4: what the client holds is current */
	if (rq->if_none_match) {
		if (etag_match_any(rq->if_none_match, etag, false)) {
			a->status = 304;
			return;
		}
	} else if (rq->if_modified_since && rs->last_modified >= 0) {
		t = http_date_parse(rq->if_modified_since);
		if (t >= 0 && rs->last_modified <= t) {
			a->status = 304;
			return;
		}
	}
	/* 5: a range of the representation as it is, unless If-Range says it changed */
	if (rq->head || !rq->range || !rs->ranges || a->rep != HTTPCOND_IDENTITY ||
	    !if_range_holds(rq->if_range, etag, rs->last_modified))
		return;
	switch (range_parse(rq->range, rs->size, &a->first, &a->last)) {
	case RANGE_OK:
		a->status = 206;
		break;
	case RANGE_UNSATISFIABLE:
		a->status = 416;
		break;
	case RANGE_NONE:
		break;
	}
}

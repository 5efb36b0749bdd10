/*
 * reply.c - requests and replies apart from HTTP's library (reply.h).
 */
#include "reply.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "vcache.h"

const char *request_header(const struct request *rq, const char *name)
{
	return rq->header ? rq->header(rq, name) : NULL;
}

const char *request_arg(const struct request *rq, const char *name)
{
	return rq->arg ? rq->arg(rq, name) : NULL;
}

void reply_init(struct reply *r)
{
	/* field by field: the header store (most of the struct) needs no clearing */
	r->status = 0;
	r->headers_count = 0;
	r->body = REPLY_NONE;
	r->len = 0;
	r->data = NULL;
	r->owned = false;
	r->vc = NULL;
	r->piece = NULL;
	r->off = 0;
	r->read = NULL;
	r->done = NULL;
	r->cls = NULL;
	r->fd = -1;
	r->job = NULL;
	r->job_free = NULL;
	r->failed = false;
	r->store_used = 0;
}

void reply_release(struct reply *r)
{
	switch (r->body) {
	case REPLY_BUFFER:
		if (r->owned)
			free((void *)(uintptr_t)r->data);
		break;
	case REPLY_PIECE:
		vcache_release(r->vc, r->piece);
		break;
	case REPLY_STREAM:
		if (r->done)
			r->done(r->cls);
		break;
	case REPLY_FD:
		if (r->fd >= 0)
			close(r->fd);
		break;
	case REPLY_JOB:
		if (r->job_free)
			r->job_free(r->job);
		break;
	case REPLY_NONE:
	case REPLY_HEAD:
		break;
	}
	reply_init(r);
}

void reply_take_body(struct reply *r)
{
	r->owned = false;
	r->piece = NULL;
	r->done = NULL;
	r->fd = -1;
	r->job = NULL;
	r->job_free = NULL;
}

void reply_header(struct reply *r, const char *name, const char *value)
{
	size_t n = strlen(value) + 1;

	if (r->headers_count == REPLY_HEADERS_MAX || n > sizeof(r->store) - r->store_used) {
		r->failed = true;
		return;
	}
	memcpy(r->store + r->store_used, value, n);
	r->headers[r->headers_count].name = name;
	r->headers[r->headers_count].value = r->store + r->store_used;
	r->headers_count++;
	r->store_used += n;
}

void reply_header_const(struct reply *r, const char *name, const char *value)
{
	if (r->headers_count == REPLY_HEADERS_MAX) {
		r->failed = true;
		return;
	}
	r->headers[r->headers_count].name = name;
	r->headers[r->headers_count].value = value;
	r->headers_count++;
}

const char *reply_get_header(const struct reply *r, const char *name)
{
	for (size_t i = 0; i < r->headers_count; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

void reply_buffer(struct reply *r, unsigned status, const void *data, size_t len, bool owned)
{
	r->status = status;
	if (!data) {
		r->failed = true;
		return;
	}
	r->body = REPLY_BUFFER;
	r->data = data;
	r->len = len;
	r->owned = owned;
}

void reply_text(struct reply *r, unsigned status, const char *type, char *body, const char *cache)
{
	reply_buffer(r, status, body, body ? strlen(body) : 0, true);
	reply_header(r, "Content-Type", type);
	reply_header(r, "Cache-Control", cache);
}

void reply_empty(struct reply *r, unsigned status)
{
	r->status = status;
	r->body = REPLY_NONE;
	r->len = 0;
}

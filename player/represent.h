/*
 * represent.h - a representation's answer as headers of a reply: the
 * request's conditional and Range headers handed to httpcond_decide
 * (httpcond.h, the one pure decision), and its answer written back as
 * ETag, Cache-Control, Vary, Last-Modified, Content-Encoding,
 * Accept-Ranges and Content-Range, with a body or without (304, 412,
 * 416).  Shared by every room that serves something with a validator:
 * entries, fonts, the player's own files, the pages it makes.
 */
#ifndef SAMPAN_PLAYER_REPRESENT_H
#define SAMPAN_PLAYER_REPRESENT_H

#include "httpcond.h"
#include "reply.h"

/* 32 hex digits and a NUL: a tag made by etag_tag. */
#define REPRESENT_TAG_SIZE 33

/* The request's headers that httpcond_decide reads. */
void represent_facts(const struct request *rq, struct httpcond_request *hrq);

/*
 * The headers of a 200 or 206 with a body: type (NULL: none), cache
 * (Cache-Control, NULL: none), and vary_more, another header the
 * representation depends on (NULL: only, perhaps, Accept-Encoding).
 */
void represent_body_headers(struct reply *r, const struct httpcond_answer *a,
                            const struct httpcond_resource *rs, const char *type, const char *cache,
                            const char *vary_more);

/* The answer when it has no body (304, 412, 416): status and its headers. */
void represent_bodiless(struct reply *r, const struct httpcond_answer *a,
                        const struct httpcond_resource *rs, const char *cache,
                        const char *vary_more);

/*
 * A body the player makes (a page, a stylesheet, the QR code), whole,
 * with an ETag from its bytes (tag, when known already, else computed),
 * so that a browser revalidating it gets 304.  Takes body (malloc'd; NULL:
 * out of memory, r fails) when owned, else it must outlive the reply.
 */
void represent_made(struct reply *r, const struct request *rq, const char *type, const char *body,
                    size_t len, bool owned, const char *tag, const char *cache);

/* The Content-Type of a media type: "; charset=utf-8" for text.  malloc'd, or NULL. */
char *represent_content_type(const char *media_type);

#endif

/*
 * httpcond.h - what a GET or HEAD of a resource gets, decided in one pure
 * function apart from libmicrohttpd: which representation (as it is, or
 * gzip-encoded), its ETag, and the status, 200, 206, 304, 412 or 416, with
 * the range for a 206.  RFC 9110: the preconditions in the order of
 * §13.2.2 (If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since,
 * then Range with If-Range, §13.1.5 and §14.2), Accept-Encoding (§12.5.3).
 *
 * Every representation has its own strong ETag, made of one opaque tag the
 * representations share: "TAG" as it is, "TAG-VARIANT" when the player
 * changed it (a page with the player's fonts linked: "-d"), "TAG-gz"
 * gzip-encoded.  A 304 or a 412 is decided against the ETag of the
 * representation the request selects, so a browser revalidating what it
 * got gzipped gets 304 as surely as one that got it as it is.  Range
 * applies to the representation as it is: a request with a Range header
 * selects it.
 */
#ifndef SAMPAN_PLAYER_HTTPCOND_H
#define SAMPAN_PLAYER_HTTPCOND_H

#include <stdbool.h>
#include <stdint.h>

/* The request's header values, NULL when absent. */
struct httpcond_request {
	bool head; /* HEAD: no Range (RFC 9110 §14.2 defines it for GET only) */
	const char *accept_encoding;
	const char *range;
	const char *if_range;
	const char *if_match;
	const char *if_none_match;
	const char *if_modified_since;
	const char *if_unmodified_since;
};

struct httpcond_resource {
	const char
	        *tag; /* the shared opaque tag, without quotes (at most 64 etagc); NULL: no ETag */
	const char *variant; /* the suffix of the representation as sent, or NULL */
	bool gzip; /* a gzip-encoded representation exists */
	bool ranges; /* Range is answered (on the representation as it is) */
	uint64_t size; /* the length of the representation as it is */
	int64_t last_modified; /* seconds since 1970, or -1: the resource has no date */
};

enum httpcond_rep {
	HTTPCOND_IDENTITY, /* the representation as it is (with its variant) */
	HTTPCOND_GZIP
};

#define HTTPCOND_ETAG_MAX 96

struct httpcond_answer {
	unsigned status; /* 200, 206, 304, 412 or 416 */
	enum httpcond_rep rep;
	char etag[HTTPCOND_ETAG_MAX]; /* of rep, quoted; "" when the resource has no tag */
	uint64_t first, last; /* 206: the bytes of the representation as it is */
	bool vary_encoding; /* the answer depends on Accept-Encoding: say so (Vary), 304 too */
};

void httpcond_decide(const struct httpcond_request *rq, const struct httpcond_resource *rs,
                     struct httpcond_answer *a);

#endif

/*
 * httputil.h - small pure pieces of HTTP that the player's server needs,
 * each unit-tested on its own (lighttpd's http_range.c and burl.c are the
 * model): the Range header, ETags and conditional requests, and turning a
 * request path into an entry name through the one path checker, and the
 * Accept-Language and Cookie headers.
 */
#ifndef SAMPAN_PLAYER_HTTPUTIL_H
#define SAMPAN_PLAYER_HTTPUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum range_result {
	RANGE_NONE, /* no Range header, or one to ignore (not bytes=, several ranges,
	                        malformed): answer 200 with the whole entity */
	RANGE_OK, /* one satisfiable range: answer 206 with [first, last] */
	RANGE_UNSATISFIABLE /* answer 416 with Content-Range: bytes * / size */
};

/*
 * Parse a Range header value (NULL when absent) for an entity of size
 * bytes (RFC 9110 §14): "bytes=A-B", "bytes=A-", "bytes=-N"; whitespace
 * around the numbers tolerated; B beyond the end is clamped; a single range
 * only (a list of several is answered with the whole entity).
 */
enum range_result range_parse(const char *header, uint64_t size, uint64_t *first, uint64_t *last);

/*
 * A strong ETag for an entry: the first 128 bits of its SHA-256 (from the
 * signed manifest) in hex, quoted, with "-gz" before the closing quote for
 * the gzip-encoded variant.  out holds 40 bytes.
 */
void etag_make(const unsigned char digest[32], bool gzip, char out[40]);
/* The same 32 hex digits alone, unquoted: the tag httpcond.h builds ETags from.  out holds 33. */
void etag_tag(const unsigned char digest[32], char out[33]);

/*
 * True when the header (a list of entity-tags, weak or strong, or "*")
 * holds etag: by weak comparison (If-None-Match) or strong (If-Match: an
 * equal opaque-tag, neither weak; RFC 9110 §8.8.3.2).  "*" matches any
 * etag, NULL too (the resource exists); a malformed element is skipped.
 */
bool etag_match_any(const char *header, const char *etag, bool strong);

/* If-None-Match: etag_match_any(header, etag, false), false for a NULL etag. */
bool etag_none_match(const char *header, const char *etag);

/*
 * If-Range: true when a Range may be honoured: no If-Range header, or it
 * is exactly etag (strong comparison; a date or a weak tag never matches).
 */
bool etag_if_range(const char *header, const char *etag);

/*
 * Accept-Encoding (RFC 9110 §12.5.3): true when gzip (or x-gzip) is
 * acceptable: named with a weight above 0, or, when not named, "*" is.
 * NULL (no header) is false: identity is what such a client expects.
 */
bool accept_encoding_gzip(const char *header);

/*
 * An HTTP-date (RFC 9110 §5.6.7) in any of its three forms (IMF-fixdate,
 * the obsolete RFC 850 and asctime ones) as seconds since 1970, or -1 when
 * it is none of them or before 1970.  http_date_format writes the
 * IMF-fixdate of t (29 characters and a NUL).
 */
#define HTTP_DATE_SIZE 30
int64_t http_date_parse(const char *s);
void http_date_format(int64_t t, char out[HTTP_DATE_SIZE]);

/*
 * Decode a request path below a course ("lessons/01%20intro.html") into an
 * entry name: percent-decoding once (a "%" not followed by two hex digits
 * is refused), then the bundle's path checker (bundle/pathname.h), which
 * refuses NUL, "..", "\", overlong or invalid UTF-8, and the rest.  A
 * trailing "/" means "index.html" in that folder; "" is "index.html".
 * *name is malloc'd.  Returns false for anything not a valid entry name.
 */
bool urlpath_to_entry(const char *path, char **name);

/*
 * Decode a query-string value as a browser's form sends it: "+" is a space,
 * "%XX" a byte (a "%" without two hex digits stays as it is), cut at max
 * bytes without splitting a UTF-8 sequence.  NULL stays NULL.  malloc'd.
 */
char *query_value_decode(const char *raw, size_t max);

/* Percent-encode a string for a URL path (keeps A-Z a-z 0-9 - . _ ~ /).  malloc'd. */
char *urlpath_encode(const char *s);

/*
 * The best language of `available` (count tags) for an Accept-Language
 * header (RFC 9110 §12.5.4: q-values, prefixes: "zh" matches "zh-Hans"),
 * or fallback when none is acceptable.
 */
const char *accept_language(const char *header, const char *const *available, size_t count,
                            const char *fallback);

/*
 * The value of the cookie called name in a Cookie header (RFC 6265 §5.4:
 * "a=1; b=2"), spaces and tabs around it left out, its length in *len;
 * NULL when the header is NULL or has no such cookie.  Not NUL-terminated:
 * it points into header.
 */
const char *cookie_value(const char *header, const char *name, size_t *len);

#endif

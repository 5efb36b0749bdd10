/*
 * reply.h - a request as the player's rooms read it, and the reply they
 * make, both apart from any HTTP library: server.c, the one file that
 * knows libmicrohttpd, fills a struct request from a connection and turns
 * a struct reply into a response, so every room can be tested on a table
 * of requests without a socket.
 *
 *	struct reply r;
 *	reply_init(&r);
 *	route_request(site, &rq, &r);   a status, headers and one body
 *	... send it ...
 *	reply_release(&r);              whatever the body still holds
 *
 * A reply owns its body (a buffer it frees, a pinned piece of the
 * verified cache it releases, a reader it frees, a file it closes) until
 * reply_release, or until the server takes the body over (reply_take_body)
 * to send it.  Header values are copied into the reply.
 */
#ifndef SAMPAN_PLAYER_REPLY_H
#define SAMPAN_PLAYER_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REPLY_HEADERS_MAX 16
#define REPLY_STORE_SIZE 1536

/* A request for GET or HEAD: its header and query values, NULL when absent. */
struct request {
	const char *method;
	const char *url; /* the path as sent, not decoded, without the query */
	bool head; /* HEAD: the headers a GET would get, no body */
	bool framing_ambiguous; /* a Transfer-Encoding, or two Content-Length headers */
	/* A header by name (any case), or a query argument as sent (not decoded). */
	const char *(*header)(const struct request *rq, const char *name);
	const char *(*arg)(const struct request *rq, const char *name);
	void *ctx; /* the caller's, for the two functions */
	/* The client's address (4 bytes IPv4, 16 IPv6, network order), for presence.h; 0: none. */
	unsigned char peer[16];
	size_t peer_len;
	bool loopback; /* the peer is this machine (a loopback address) */
	bool teacher; /* route_request's: the teacher's gate lets it read teacher pages */
};

const char *request_header(const struct request *rq, const char *name);
const char *request_arg(const struct request *rq, const char *name);

enum reply_body {
	REPLY_NONE, /* no body: Content-Length 0 (304, 412, 416, 204, 301, 405) */
	REPLY_HEAD, /* no body, but the length a GET would get (a HEAD's answer) */
	REPLY_BUFFER, /* len bytes at data; freed with free() when owned */
	REPLY_PIECE, /* len bytes at off of a pinned piece of the verified cache */
	REPLY_STREAM, /* len bytes from read(), in steps; done() when the reply ends */
	REPLY_FD, /* the first len bytes of an open file, closed when the reply ends */
	REPLY_JOB /* no answer yet: a search job to run, then route_job_reply */
};

/* What a REPLY_STREAM reader returns past the last byte, or on an error. */
#define REPLY_STREAM_END ((ssize_t)-1)
#define REPLY_STREAM_ERROR ((ssize_t)-2)

struct vcache;
struct vcache_piece;

struct reply_header {
	const char *name; /* a constant */
	const char *value; /* in the reply's store */
};

struct reply {
	unsigned status;
	struct reply_header headers[REPLY_HEADERS_MAX];
	size_t headers_count;
	enum reply_body body;
	uint64_t len;
	/* REPLY_BUFFER */
	const unsigned char *data;
	bool owned;
	/* REPLY_PIECE */
	struct vcache *vc;
	struct vcache_piece *piece;
	size_t off;
	/* REPLY_STREAM: bytes at pos (from 0) into buf, at most max; a count, END or ERROR. */
	ssize_t (*read)(void *cls, uint64_t pos, char *buf, size_t max);
	void (*done)(void *cls);
	void *cls;
	/* REPLY_FD */
	int fd;
	/* REPLY_JOB: the job, and how it is freed when it is never run */
	void *job;
	void (*job_free)(void *job);
	bool failed; /* out of memory making it: the server drops the connection */
	char store[REPLY_STORE_SIZE];
	size_t store_used;
};

void reply_init(struct reply *r);
/* Free or release what the body holds, and make the reply empty again. */
void reply_release(struct reply *r);

/*
 * Add a header (name a constant; value copied).  A reply with more than
 * REPLY_HEADERS_MAX headers, or values larger than its store, is failed.
 */
void reply_header(struct reply *r, const char *name, const char *value);
/* The same for a value that outlives the reply (a constant): not copied. */
void reply_header_const(struct reply *r, const char *name, const char *value);
/* The value of the header called name (any case), or NULL. */
const char *reply_get_header(const struct reply *r, const char *name);

/* A body of len bytes at data: taken (freed with the reply) when owned. NULL data fails r. */
void reply_buffer(struct reply *r, unsigned status, const void *data, size_t len, bool owned);
/* A text body, taken (NULL: out of memory, r fails), with its type and Cache-Control. */
void reply_text(struct reply *r, unsigned status, const char *type, char *body, const char *cache);
/* No body. */
void reply_empty(struct reply *r, unsigned status);

/*
 * The body handed to whoever sends it: the reply no longer frees it.  The
 * fields of the body stay readable until reply_release.
 */
void reply_take_body(struct reply *r);

#endif

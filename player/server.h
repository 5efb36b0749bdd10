/*
 * server.h - the player's HTTP server, on GNU libmicrohttpd (server.c is
 * the only file that includes <microhttpd.h>): it listens, reads each
 * request, and sends what route.h answers: the catalog, the courses'
 * pages and media straight out of the bundles, with Range, ETags, gzip
 * without recompression, and every byte checked against the signed
 * digests before it is sent, from the memory it was checked in
 * (vcache.h); search (searchsvc.h), run apart from the rest.  GET and
 * HEAD only.
 */
#ifndef SAMPAN_PLAYER_SERVER_H
#define SAMPAN_PLAYER_SERVER_H

#include "error.h"
#include "indexer.h"
#include "library.h"

struct server_options {
	const char *bind; /* an IPv4 or IPv6 address; NULL: every interface (IPv4) */
	unsigned port;
	/*
	 * A socket already bound and listening, to serve on instead of opening one (bind and
	 * port are then unused): systemd's socket activation.  0: none.
	 */
	int listen_fd;
	struct library *lib;
	const char *address; /* the address shown on the catalog, e.g. "http://10.0.0.5:8080/" */
	const char *qr_svg; /* its QR code, or NULL */
	const char *fonts_dir; /* where Noto fonts for Khmer, Lao and Burmese are, or NULL */
	unsigned threads; /* worker threads (0: 4) */
	unsigned max_connections; /* (0: 512) */
	unsigned per_ip; /* connections from one address (0: 64) */
	unsigned timeout; /* seconds of silence before a connection is closed (0: 30) */
	const char *search_db; /* the search index (made by the indexer), or NULL: no search */
	struct indexer *indexer; /* its progress, shown with results; or NULL */
	size_t cache_bytes; /* memory for checked bytes kept between requests (0: the default) */
};

/*
 * The default memory for checked bytes, for a Raspberry Pi with 1 GB: an
 * eighth of it, a lesson video of twenty minutes in 720p and every page a
 * class asks for, with room to spare for the system and its own cache of
 * the stick's files.
 */
#define SERVER_CACHE_DEFAULT ((size_t)128 << 20)

struct server;

/* Listen and serve on background threads.  BUNDLE_IO when the port cannot be had. */
enum bundle_status server_start(const struct server_options *opt, struct server **s,
                                struct bundle_error *err);
/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *s);
/* The code that opens teacher pages on other devices (teacher.h). */
const char *server_teacher_code(const struct server *s);
void server_stop(struct server *s);

#endif

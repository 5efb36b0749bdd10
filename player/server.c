/*
 * server.c - the player's HTTP with libmicrohttpd, the one file that
 * includes <microhttpd.h> (shared DESIGN, "Serving"): the listening
 * socket and its threads, a connection read into a struct request, the
 * struct reply that route.c makes turned into a response, and a search's
 * connection suspended while the search worker answers it.
 *
 * Keep-alive: nothing is queued on the access handler's first call (a
 * response queued then makes libmicrohttpd close the connection), but an
 * answer that closes it anyway (ambiguous framing).
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "route.h"

struct server {
	struct MHD_Daemon *d;
	struct site *site;
	unsigned port;
};

/* The first call of the access handler only records that the request began. */
static int request_marker;

/* Leave URLs as the client sent them: the player decodes a path exactly once. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* ---- a connection as a struct request ---- */

static const char *conn_header(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->ctx, MHD_HEADER_KIND, name);
}

static const char *conn_arg(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Counts of the headers that frame a request body: Content-Length, Transfer-Encoding. */
static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
	unsigned *n = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		n[0]++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		n[1]++;
	return MHD_YES;
}

/* The request of c; its framing is looked at on the handler's first call alone (first). */
static void read_request(struct MHD_Connection *c, const char *url, const char *method, bool first,
                         struct request *rq)
{
	unsigned n[2] = { 0, 0 };

	if (first)
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, n);
	rq->method = method;
	rq->url = url;
	rq->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	rq->framing_ambiguous = n[1] > 0 || n[0] > 1;
	rq->header = conn_header;
	rq->arg = conn_arg;
	rq->ctx = c;
	rq->peer_len = 0;
	{
		const union MHD_ConnectionInfo *ci =
		        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const struct sockaddr *sa = ci ? ci->client_addr : NULL;
		if (sa && sa->sa_family == AF_INET) {
			memcpy(rq->peer, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			       4);
			rq->peer_len = 4;
		} else if (sa && sa->sa_family == AF_INET6) {
			memcpy(rq->peer,
			       &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
			rq->peer_len = 16;
		}
	}
	rq->loopback = request_peer_is_loopback(rq->peer, rq->peer_len);
	rq->teacher = false;
}

/* ---- a struct reply as a response ---- */

/* What a body needs once libmicrohttpd holds it: the reply's fields of its kind. */
struct held {
	ssize_t (*read)(void *cls, uint64_t pos, char *buf, size_t max);
	void (*done)(void *cls);
	void *cls;
	struct vcache *vc;
	struct vcache_piece *piece;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct held *body = cls;
	ssize_t n = body->read(body->cls, pos, buf, max);

	if (n == REPLY_STREAM_END)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void stream_done(void *cls)
{
	struct held *body = cls;

	if (body->done)
		body->done(body->cls);
	free(body);
}

static void piece_done(void *cls)
{
	struct held *body = cls;

	vcache_release(body->vc, body->piece);
	free(body);
}

static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static struct held *body_of(const struct reply *r)
{
	struct held *b = malloc(sizeof(*b));

	if (!b)
		return NULL;
	b->read = r->read;
	b->done = r->done;
	b->cls = r->cls;
	b->vc = r->vc;
	b->piece = r->piece;
	return b;
}

/* The response for r, its body taken (or still in r when NULL is returned). */
static struct MHD_Response *response_of(struct reply *r)
{
	struct MHD_Response *m = NULL;
	struct held *b;
	const unsigned char *data;
	size_t all;

	switch (r->body) {
	case REPLY_NONE:
		m = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		break;
	case REPLY_HEAD:
		/* what a GET would get: its length, and no body read at all */
		m = MHD_create_response_from_callback(r->len, 1024, no_body, NULL, NULL);
		break;
	case REPLY_BUFFER:
		m = MHD_create_response_from_buffer((size_t)r->len, (void *)(uintptr_t)r->data,
		                                    r->owned ? MHD_RESPMEM_MUST_FREE
		                                             : MHD_RESPMEM_PERSISTENT);
		if (m)
			reply_take_body(r);
		break;
	case REPLY_PIECE:
		b = body_of(r);
		if (!b)
			break;
		data = vcache_piece_data(r->piece, &all);
		m = MHD_create_response_from_buffer_with_free_callback_cls(
		        (size_t)r->len, (void *)(uintptr_t)(data + r->off), piece_done, b);
		if (m)
			reply_take_body(r);
		else
			free(b);
		break;
	case REPLY_STREAM:
		b = body_of(r);
		if (!b)
			break;
		m = MHD_create_response_from_callback(r->len, 64 * 1024, stream_read, b,
		                                      stream_done);
		if (m)
			reply_take_body(r);
		else
			free(b);
		break;
	case REPLY_FD:
		m = MHD_create_response_from_fd((size_t)r->len, r->fd);
		if (m)
			reply_take_body(r);
		break;
	case REPLY_JOB:
		break;
	}
	return m;
}

/* Send r (then released): MHD_NO, which drops the connection, when it cannot be. */
static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *r)
{
	struct MHD_Response *m = r->failed ? NULL : response_of(r);
	enum MHD_Result ret = MHD_NO;

	if (m) {
		for (size_t i = 0; i < r->headers_count; i++)
			MHD_add_response_header(m, r->headers[i].name, r->headers[i].value);
		ret = MHD_queue_response(c, r->status, m);
		MHD_destroy_response(m);
	}
	reply_release(r);
	return ret;
}

/* ---- searches ---- */

static void suspend_connection(void *ctx)
{
	MHD_suspend_connection(ctx);
}

/* The worker answered a job: the waiting connection goes on (on_request answers). */
static void resume_job(struct search_job *j)
{
	MHD_resume_connection(j->ctx);
}

static enum MHD_Result start_search(struct MHD_Connection *c, struct server *srv, struct reply *r,
                                    void **state)
{
	struct search_job *j = r->job;

	reply_take_body(r);
	reply_release(r);
	j->done = resume_job;
	j->ctx = c;
	/* From here the job belongs to the request: freed when it completes. */
	*state = j;
	if (site_search(srv->site, j, suspend_connection, c))
		return MHD_YES;
	/* answered at once: search is not available */
	*state = &request_marker;
	route_job_reply(j, r);
	search_job_free(j);
	return send_reply(c, r);
}

/* ---- the handler ---- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **state)
{
	struct server *srv = cls;
	struct request rq;
	struct reply r;

	(void)version;
	(void)upload_data;
	reply_init(&r);
	if (*state == NULL) {
		*state = &request_marker;
		read_request(c, url, method, true, &rq);
		if (!rq.framing_ambiguous)
			return MHD_YES;
		route_request(srv->site, &rq, &r);
		return send_reply(c, &r);
	}
	if (*state != &request_marker) {
		/* a search resumed: its answer is ready */
		route_job_reply(*state, &r);
		return send_reply(c, &r);
	}
	if (*upload_size != 0) {
		*upload_size = 0; /* a body on GET or HEAD is ignored */
		return MHD_YES;
	}
	read_request(c, url, method, false, &rq);
	route_request(srv->site, &rq, &r);
	if (r.body == REPLY_JOB && !r.failed)
		return start_search(c, srv, &r, state);
	return send_reply(c, &r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	if (*state && *state != &request_marker)
		search_job_free(*state);
	*state = NULL;
}

/* ---- the listening socket ---- */

enum bundle_status server_start(const struct server_options *opt, struct server **out,
                                struct bundle_error *err)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	struct site_options so;
	enum bundle_status st;
	/* Where to listen: an address to bind, or the socket systemd passed. */
	struct MHD_OptionItem where[2] = { { MHD_OPTION_SOCK_ADDR, 0, &ss },
		                           { MHD_OPTION_END, 0, NULL } };

	*out = NULL;
	if (!s)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	memset(&ss, 0, sizeof(ss));
	if (opt->listen_fd > 0) {
		socklen_t len = sizeof(ss);
		if (getsockname(opt->listen_fd, (struct sockaddr *)&ss, &len) != 0) {
			free(s);
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                        "the socket passed (file descriptor %d): %s",
			                        opt->listen_fd, strerror(errno));
		}
		if (ss.ss_family == AF_INET6)
			flags |= MHD_USE_IPv6;
		where[0].option = MHD_OPTION_LISTEN_SOCKET;
		where[0].value = opt->listen_fd;
	} else if (!opt->bind) {
		in4->sin_family = AF_INET;
		in4->sin_addr.s_addr = htonl(INADDR_ANY);
		in4->sin_port = htons((uint16_t)opt->port);
	} else if (inet_pton(AF_INET, opt->bind, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)opt->port);
	} else if (inet_pton(AF_INET6, opt->bind, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)opt->port);
		flags |= MHD_USE_IPv6;
	} else {
		free(s);
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "--bind %s: not an IPv4 or IPv6 address", opt->bind);
	}
	memset(&so, 0, sizeof(so));
	so.lib = opt->lib;
	so.address = opt->address;
	so.qr_svg = opt->qr_svg;
	so.fonts_dir = opt->fonts_dir;
	so.search_db = opt->search_db;
	so.indexer = opt->indexer;
	so.cache_bytes = opt->cache_bytes ? opt->cache_bytes : SERVER_CACHE_DEFAULT;
	st = site_open(&so, &s->site, err);
	if (st != BUNDLE_OK) {
		free(s);
		return st;
	}
	s->d = MHD_start_daemon(
	        flags, (uint16_t)opt->port, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, where,
	        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opt->threads ? opt->threads : 4),
	        MHD_OPTION_CONNECTION_LIMIT,
	        (unsigned)(opt->max_connections ? opt->max_connections : 512),
	        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(opt->per_ip ? opt->per_ip : 64),
	        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(opt->timeout ? opt->timeout : 30),
	        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED,
	        on_completed, NULL, MHD_OPTION_END);
	if (!s->d) {
		site_close(s->site);
		free(s);
		if (opt->listen_fd > 0)
			return bundle_error_set(
			        err, BUNDLE_IO, RULE_NONE, NULL, 0,
			        "cannot serve on the socket passed (file descriptor %d)",
			        opt->listen_fd);
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                        "cannot listen on port %u (in use, or not allowed)",
		                        opt->port);
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : opt->port;
	if (opt->listen_fd > 0)
		s->port = ntohs(ss.ss_family == AF_INET6 ? in6->sin6_port : in4->sin_port);
	*out = s;
	return BUNDLE_OK;
}

unsigned server_port(const struct server *s)
{
	return s->port;
}

const char *server_teacher_code(const struct server *s)
{
	return site_teacher_code(s->site);
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	/* Searches first: those waiting are answered, then no new one is taken. */
	site_stop_search(s->site);
	MHD_stop_daemon(s->d);
	site_close(s->site);
	free(s);
}

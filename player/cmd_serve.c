/*
 * cmd_serve.c - `sampan-play serve [PATH...]`: serve a classroom from
 * signed bundles on the local network, and follow the library as sticks
 * come and go.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <malloc.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmdutil.h"
#include "indexer.h"
#include "library.h"
#include "monotime.h"
#include "path.h"
#include "player.h"
#include "qr.h"
#include "search.h"
#include "server.h"
#include "trustopt.h"
#include "xalloc.h"

#define RESCAN_SECONDS 2
#define IDLE_SECONDS 30 /* a bundle nobody asked for in that long is closed */
#define MAX_OPEN 64 /* and never more open than this, but for those in use */
#define NOTO_DIR "/usr/share/fonts/truetype/noto"

static const struct opts_help help = {
	.usage = "serve [PATH...] [options]",
	.about = "Serve the courses in the bundles found in each PATH (a .sampan file, or a\n"
	         "folder such as a USB stick's: bundles in it and in its folders), default\n"
	         "the current folder.  Only bundles signed by a trusted publisher are served;\n"
	         "the others are listed on the catalog with the reason.  Bundles copied in or\n"
	         "taken away appear and disappear within seconds; SIGHUP looks at once.\n",
	.after = "Started by systemd with a listening socket (LISTEN_FDS), it serves on that "
	         "socket\n"
	         "and --port and --bind are unused.\n"
	         "\n"
	         "Exit status: 0 stopped by Ctrl-C or SIGTERM, 2 usage, 3 system (e.g. port\n"
	         "in use).\n",
};

#define CACHE_MIN ((size_t)4 << 20)

/* "1048576", "512K", "64M", "1G" (powers of 1024; k, m, g too) into *bytes. */
static bool parse_size(const char *s, size_t *bytes)
{
	unsigned long long n;
	unsigned shift = 0;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (*end || n > (SIZE_MAX >> 1) >> shift)
		return false;
	*bytes = (size_t)(n << shift);
	return true;
}

/*
 * What closed bundles held goes back to the system, rather than stay in
 * the heaps of the threads that opened them.
 */
static void give_back_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static volatile sig_atomic_t stop_by;
static volatile sig_atomic_t rescan_now;

static void on_stop(int sig)
{
	stop_by = sig;
}

static void on_hup(int sig)
{
	(void)sig;
	rescan_now = 1;
}

/*
 * systemd's socket activation (the sd_listen_fds(3) protocol, all of it that a
 * service with one socket needs): when LISTEN_PID is this process, LISTEN_FDS
 * sockets start at file descriptor 3.  Returns that descriptor, 0 when none was
 * passed, -1 (with a message) when what was passed is not a listening socket.
 * The variables are removed either way, so that no child takes them for its own.
 */
static int systemd_socket(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	unsigned long p, n;
	int fd = 0, accepting = 0, type = 0;
	socklen_t len = sizeof(int);
	char *end;

	if (!pid || !fds)
		goto done;
	errno = 0;
	p = strtoul(pid, &end, 10);
	if (errno || *end || p != (unsigned long)getpid())
		goto done;
	n = strtoul(fds, &end, 10);
	if (errno || *end || n == 0)
		goto done;
	if (n > 1)
		cli_warning("systemd passed %lu sockets: serving on the first", n);
	fd = 3;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM ||
	    (len = sizeof(int), getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len)) != 0 ||
	    !accepting) {
		cli_error("LISTEN_FDS: file descriptor 3 is not a listening stream socket");
		fd = -1;
		goto done;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
done:
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return fd;
}

/* The address a passed socket is bound to, numeric, in out; false when it is every address. */
static bool socket_address(int fd, char *out, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return false;
	if (ss.ss_family == AF_INET && in4->sin_addr.s_addr == htonl(INADDR_ANY))
		return false;
	if (ss.ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
		return false;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return false;
	return getnameinfo((struct sockaddr *)&ss, len, out, (socklen_t)size, NULL, 0,
	                   NI_NUMERICHOST) == 0;
}

/*
 * Every address students can reach: the non-loopback IPv4 ones, or the one bound.
 * Port 80 is left out of them, as browsers do.
 */
static size_t addresses(const char *bind, unsigned port, char out[][64], size_t max)
{
	struct ifaddrs *ifa = NULL;
	size_t n = 0;
	char colon_port[8] = "";

	if (port != 80)
		snprintf(colon_port, sizeof(colon_port), ":%u", port);
	if (bind) {
		bool v6 = strchr(bind, ':') != NULL;
		snprintf(out[n++], 64, "http://%s%s%s%s/", v6 ? "[" : "", bind, v6 ? "]" : "",
		         colon_port);
		return n;
	}
	if (getifaddrs(&ifa) == 0) {
		for (struct ifaddrs *i = ifa; i && n < max; i = i->ifa_next) {
			char host[INET6_ADDRSTRLEN];
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
			    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
				continue;
			if (getnameinfo(i->ifa_addr, sizeof(struct sockaddr_in), host, sizeof(host),
			                NULL, 0, NI_NUMERICHOST) == 0)
				snprintf(out[n++], 64, "http://%s%s/", host, colon_port);
		}
		freeifaddrs(ifa);
	}
	if (n == 0)
		snprintf(out[n++], 64, "http://localhost%s/", colon_port);
	return n;
}

static void report(struct library *lib, uint64_t *generation)
{
	struct lib_snapshot *s = library_snapshot(lib);

	if (s->generation != *generation) {
		*generation = s->generation;
		if (!cli_quiet) {
			fprintf(stderr, "%s: library: %zu course%s served, %zu refused\n",
			        cli_program, s->count, s->count == 1 ? "" : "s", s->refused_count);
			for (size_t i = 0; i < s->refused_count; i++)
				fprintf(stderr, "%s: refused %s: %s\n", cli_program,
				        s->refused[i].path, s->refused[i].reason);
		}
	}
	library_release_snapshot(lib, s);
}

/* --port N */
static int take_port(const struct opt *o, const char *arg)
{
	unsigned long *port = o->value;
	char *end;

	errno = 0;
	*port = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || *port > 65535) {
		cli_error("--port %s: not a port number", arg);
		return EXIT_USAGE;
	}
	return EXIT_YES;
}

/* --cache-memory SIZE */
static int take_cache_memory(const struct opt *o, const char *arg)
{
	size_t *bytes = o->value;

	if (!parse_size(arg, bytes) || *bytes < CACHE_MIN) {
		cli_error("--cache-memory %s: not a size of at least 4M (e.g. 64M, 1G)", arg);
		return EXIT_USAGE;
	}
	return EXIT_YES;
}

int cmd_serve(int argc, char **argv)
{
	struct library_options lo;
	struct server_options so;
	struct trust_opts t;
	const char *cache_opt = NULL, *fonts_dir = NULL;
	unsigned long port = 8080;
	const struct opt opts[] = {
		OPT_CALLBACK('p', "port", &port, "N", "the port (default 8080)", take_port),
		OPT_STRING('b', "bind", &so.bind, "ADDRESS",
		           "listen on this address only (default: every\n"
		           "interface, so phones on the network reach it;\n"
		           "127.0.0.1: this machine only)"),
		OPT_TRUSTED_KEYS(&t),
		OPT_STRING(0, "cache", &cache_opt, "DIR",
		           "remember the highest version seen of each course, and\n"
		           "keep the search index, here (default: ~/.cache/sampan)"),
		OPT_STRING(0, "fonts", &fonts_dir, "DIR",
		           "the Noto fonts for Khmer, Lao and Burmese phones lack\n"
		           "(default: " NOTO_DIR ")"),
		OPT_BOOL(0, "allow-downgrade", &lo.allow_downgrade,
		         "serve a course older than one seen before"),
		OPT_BOOL(0, "allow-unsigned", &lo.allow_unsigned,
		         "also serve bundles no trusted key signed, every\n"
		         "page marked as a preview (for producers checking\n"
		         "their work)"),
		OPT_CALLBACK(0, "cache-memory", &so.cache_bytes, "SIZE",
		             "memory for pages and video once checked, shared by\n"
		             "every student (default 128M, for a Raspberry Pi with\n"
		             "1 GB; at least 4M; e.g. 512M keeps a longer video).\n"
		             "Every byte is checked in memory against the signed\n"
		             "digests and sent from that memory",
		             take_cache_memory),
		OPT_QUIET("no QR code, no library changes on the terminal"),
		OPT_END(),
	};
	struct library *lib = NULL;
	struct server *srv = NULL;
	struct indexer *ix = NULL;
	char *search_db = NULL;
	struct bundle_error err;
	struct sigaction sa;
	const char *default_path[] = { "." };
	bool fonts_given;
	char passed_address[INET6_ADDRSTRLEN];
	int listen_fd;
	char *cache = NULL, *qr = NULL;
	char addr[8][64];
	size_t naddr;
	uint64_t generation = 0;
	int n, rc;
	struct stat sb;

	trust_opts_init(&t);
	memset(&lo, 0, sizeof(lo));
	memset(&so, 0, sizeof(so));
	n = opts_parse(argc, argv, opts, &help, &rc);
	if (n < 0)
		goto done;
	rc = EXIT_SYSTEM;
	fonts_given = fonts_dir != NULL;
	if (!fonts_dir)
		fonts_dir = NOTO_DIR;
	cache = cache_opt ? xstrdup(cache_opt) : path_user_dir("XDG_CACHE_HOME", ".cache", "");
	/* Without any key every bundle is refused and listed so on the catalog: warn. */
	if (lo.allow_unsigned)
		cli_warning(
		        "--allow-unsigned: bundles no trusted key signed are served as previews; "
		        "nothing proves who made them, and every page says so");
	rc = trust_opts_load(&t, TRUST_WARN);
	if (rc != EXIT_YES)
		goto done;
	if (fonts_given && (stat(fonts_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
		cli_error("--fonts %s: not a folder", fonts_dir);
		rc = EXIT_USAGE;
		goto done;
	}
	listen_fd = systemd_socket();
	if (listen_fd < 0) {
		rc = EXIT_SYSTEM;
		goto done;
	}
	if (listen_fd > 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		so.listen_fd = listen_fd;
		so.bind = socket_address(listen_fd, passed_address, sizeof(passed_address))
		                  ? passed_address
		                  : NULL;
		if (getsockname(listen_fd, (struct sockaddr *)&ss, &len) == 0)
			port = ntohs(ss.ss_family == AF_INET6
			                     ? ((struct sockaddr_in6 *)&ss)->sin6_port
			                     : ((struct sockaddr_in *)&ss)->sin_port);
	}
	lo.paths = n > 0 ? (const char *const *)argv : default_path;
	lo.paths_count = n > 0 ? (size_t)n : 1;
	lo.trust = &t.trust;
	lo.cache_dir = cache;
	lo.max_open = MAX_OPEN;
	if (library_open(&lo, &lib, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(NULL, &err);
		goto done;
	}
	report(lib, &generation);
	/* Search: indexed in the background, in the cache folder; serving never waits for it. */
	if (cache) {
		search_db = path_join(cache, SEARCH_DB_NAME);
		if (indexer_start(lib, search_db, &ix, &err) != BUNDLE_OK) {
			cli_warning("search is not available: %s", err.message);
			free(search_db);
			search_db = NULL;
		}
	}
	so.search_db = search_db;
	so.indexer = ix;
	naddr = addresses(so.bind, (unsigned)port, addr, 8);
	qr = qr_svg(addr[0]);
	so.port = (unsigned)port;
	so.lib = lib;
	so.address = addr[0];
	so.qr_svg = qr;
	so.fonts_dir = stat(fonts_dir, &sb) == 0 ? fonts_dir : NULL;
	if (server_start(&so, &srv, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(NULL, &err);
		goto done;
	}
	if (port == 0) {
		/*
		 * The system chose the port after the catalog's address and QR code were
		 * made with 0.  Learn it and serve there again with both right: nobody has
		 * been told the address yet, so nobody is cut off.
		 */
		port = server_port(srv);
		server_stop(srv);
		srv = NULL;
		naddr = addresses(so.bind, (unsigned)port, addr, 8);
		free(qr);
		qr = qr_svg(addr[0]);
		so.port = (unsigned)port;
		so.qr_svg = qr;
		if (server_start(&so, &srv, &err) != BUNDLE_OK) {
			rc = cli_bundle_error(NULL, &err);
			goto done;
		}
	}
	for (size_t i = 0; i < naddr; i++)
		printf("Serving at %s\n", addr[i]);
	/* The teacher reads it here, or on /teacher opened on this machine. */
	{
		char at[16] = "";
		if (port != 80)
			snprintf(at, sizeof(at), ":%lu", port);
		printf("Teachers' pages: http://localhost%s/teacher on this computer; on another, "
		       "the code %s\n",
		       at, server_teacher_code(srv));
	}
	fflush(stdout);
	if (!cli_quiet && isatty(STDOUT_FILENO))
		qr_terminal(addr[0], stdout);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	{
		double next = monotime_now() + RESCAN_SECONDS;
		while (!stop_by) {
			struct timespec nap = { 0, 100 * 1000 * 1000 };
			nanosleep(&nap, NULL);
			if (rescan_now || monotime_now() >= next) {
				rescan_now = 0;
				library_rescan(lib);
				if (library_close_idle(lib, IDLE_SECONDS, MAX_OPEN) > 0)
					give_back_memory();
				report(lib, &generation);
				indexer_poke(ix);
				next = monotime_now() + RESCAN_SECONDS;
			}
		}
	}
	if (!cli_quiet)
		fprintf(stderr, "%s: stopping\n", cli_program);
	rc = EXIT_YES;
done:
	server_stop(srv);
	indexer_stop(ix);
	free(search_db);
	library_close(lib);
	trust_opts_release(&t);
	free(cache);
	free(qr);
	return rc;
}

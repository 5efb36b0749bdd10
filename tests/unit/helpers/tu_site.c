/*
 * tu_site.c - a player's site over a library of one signed course (tu_site.h).
 */
#include "tu_site.h"

#include "testutil.h"

#include <stdlib.h>
#include <string.h>

struct tu_site *tu_site_open(void (*make)(const char *path), const char *qr_svg)
{
	struct tu_site *s = calloc(1, sizeof(*s));
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct library_options lo;
	struct site_options so;
	struct bundle_error err;
	struct lib_snapshot *snap;
	char *path;
	const char *paths[1];

	assert_non_null(s);
	s->dir = tu_tempdir();
	s->books = tu_path(s->dir, "books");
	path = tu_path(s->books, "pump.sampan");
	tu_write(path, "", 0);
	make(path);
	free(path);
	tu_key(1, &sk, &pk);
	minisign_seckey_free(sk);
	trust_init(&s->trust);
	assert_ok(trust_add(&s->trust, &pk, &err), err);
	paths[0] = s->books;
	memset(&lo, 0, sizeof(lo));
	lo.paths = paths;
	lo.paths_count = 1;
	lo.trust = &s->trust;
	assert_ok(library_open(&lo, &s->lib, &err), err);
	snap = library_snapshot(s->lib);
	assert_int_equal(snap->count, 1); /* the course make wrote is valid */
	library_release_snapshot(s->lib, snap);
	memset(&so, 0, sizeof(so));
	so.lib = s->lib;
	so.address = "http://10.0.0.5:8080/";
	so.qr_svg = qr_svg;
	so.cache_bytes = 8 << 20;
	assert_ok(site_open(&so, &s->site, &err), err);
	return s;
}

void tu_site_close(struct tu_site *s)
{
	if (!s)
		return;
	site_close(s->site);
	library_close(s->lib);
	trust_release(&s->trust);
	tu_rmrf(s->dir);
	free(s->dir);
	free(s->books);
	free(s);
}

/*
 * tu_site.h - a player's site without a socket, over a library of one signed
 * course, for the unit tests that ask it for addresses (test_route,
 * test_teacher).
 */
#ifndef SAMPAN_TU_SITE_H
#define SAMPAN_TU_SITE_H

#include "library.h"
#include "route.h"
#include "trust.h"

struct tu_site {
	char *dir; /* the temporary folder */
	char *books; /* its books/ folder, the library's one path */
	struct trust trust;
	struct library *lib;
	struct site *site;
};

/*
 * books/pump.sampan written by make (signed with tu_key(1)), a library that
 * trusts key 1 and finds it valid, and a site on it that tells phones the
 * address http://10.0.0.5:8080/ and draws qr_svg (may be NULL).  Fails the
 * test on any error.
 */
struct tu_site *tu_site_open(void (*make)(const char *path), const char *qr_svg);
void tu_site_close(struct tu_site *s);

#endif

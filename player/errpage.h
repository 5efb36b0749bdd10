/*
 * errpage.h - the small page of an error status (400, 404, 500, 503...)
 * in the interface language, with a link back to the catalog.  What it
 * says of the request (a path, a course id) is escaped.
 */
#ifndef SAMPAN_PLAYER_ERRPAGE_H
#define SAMPAN_PLAYER_ERRPAGE_H

#include "reply.h"

/* The page for status in ui (an interface language), detail (or NULL) under its title; malloc'd. */
char *errpage_html(const char *ui, unsigned status, const char *detail);

/* The page as r, in the request's interface language, never kept by a cache (no-store). */
void errpage_reply(struct reply *r, const struct request *rq, unsigned status, const char *detail);

#endif

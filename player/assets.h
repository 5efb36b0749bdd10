/*
 * assets.h - the player's own files under /_sampan/: its stylesheets and
 * script, kept as real files in player/assets/ and carried in the program
 * (embedded.h), each with an ETag made once from its bytes; they change
 * only with the program.  Thread-safe.
 */
#ifndef SAMPAN_PLAYER_ASSETS_H
#define SAMPAN_PLAYER_ASSETS_H

#include <stddef.h>

#include "represent.h"

struct asset {
	const char *name; /* "player.css", "decor.css", "search.js", "quiz.js" */
	const char *type; /* its Content-Type */
	const char *data; /* its bytes, NUL-terminated */
	size_t len;
	char tag[REPRESENT_TAG_SIZE];
};

/* The asset called name, or NULL. */
const struct asset *assets_find(const char *name);

/* /_sampan/NAME for an asset: false when there is none. */
bool assets_serve(const struct request *rq, const char *name, struct reply *r);

#endif

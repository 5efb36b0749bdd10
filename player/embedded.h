/*
 * embedded.h - files the player carries inside itself, written into C at
 * build time by player/tools/embed.c: its stylesheets and script
 * (player/assets/, served by assets.c) and the interface translations
 * compiled from po/ (read by l10n.c).  Constant, for the program's life.
 */
#ifndef SAMPAN_PLAYER_EMBEDDED_H
#define SAMPAN_PLAYER_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* the file's name, without its folder */
	const unsigned char *data; /* its bytes, then a NUL that len does not count */
	size_t len;
};

/* player/assets/: player.css, decor.css, search.js, progress.js, join.js. */
extern const struct embedded_file embedded_assets[];
extern const size_t embedded_assets_count;

/* po/LANG.po compiled by msgfmt: LANG.mo, one per interface language but English. */
extern const struct embedded_file embedded_catalogs[];
extern const size_t embedded_catalogs_count;

/* The file called name in a table, or NULL. */
const struct embedded_file *embedded_find(const struct embedded_file *table, size_t count,
                                          const char *name);

#endif

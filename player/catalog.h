/*
 * catalog.h - the catalog of courses (with the refused bundles and their
 * reasons, a language filter and the QR code of the player's address) as
 * HTML that works without JavaScript, in the interface languages
 * (l10n.h), and as JSON (/api/catalog.json).  Pure functions of a
 * library snapshot.
 */
#ifndef SAMPAN_PLAYER_CATALOG_H
#define SAMPAN_PLAYER_CATALOG_H

#include <stddef.h>

#include "library.h"

struct catalog_view {
	const struct lib_snapshot *snap;
	const char *ui_lang; /* chosen from ?lang= or Accept-Language */
	const char *filter_lang; /* show only courses in this language, or NULL */
	const char *
	        address; /* the player's address for people to type, e.g. "http://10.0.0.5:8080/" */
	const char *qr_svg; /* an SVG of the address's QR code, or NULL */
};

/*
 * The catalog page: every course (title in the interface language when the
 * course has it, else its own; languages; lesson count; size; publisher;
 * a link to /c/ID/), the language filter (links, no script), the refused
 * list with reasons, the address and its QR code, a language switcher.
 * A complete HTML document, malloc'd.
 */
char *catalog_html(const struct catalog_view *v);

/*
 * The projector page (/join): the address as large as the screen allows,
 * its QR code, and how many devices were seen lately (presence.h).
 * malloc'd.
 */
char *catalog_join_html(const struct catalog_view *v, size_t devices);

/* "{n} devices seen in the last 5 minutes" in the interface language, malloc'd. */
char *catalog_devices_text(const char *ui, size_t n);

/* The catalog as JSON: {"courses": [...], "refused": [...]}, malloc'd. */
char *catalog_json(const struct lib_snapshot *snap);

#endif

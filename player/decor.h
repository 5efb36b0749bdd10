/*
 * decor.h - what the player adds to a course's pages as it serves them: a
 * lesson in Khmer, Lao or Burmese gets the Noto fonts that phones often
 * lack, and every page of a preview (--allow-unsigned) a banner that says
 * so.  Both through the player's stylesheet /_sampan/decor.css
 * (player/assets/decor.css), linked from the page's <head>: the
 * Content-Security-Policy allows no inline style.  Pure functions.
 */
#ifndef SAMPAN_PLAYER_DECOR_H
#define SAMPAN_PLAYER_DECOR_H

#include <stdbool.h>
#include <stddef.h>

#include "library.h"

/* What a page needs from the player, learnt once it is checked. */
enum decor_kind {
	DECOR_UNKNOWN, /* not looked at yet */
	DECOR_NONE, /* served as it is */
	DECOR_FONTS /* its language is one whose fonts phones lack */
};

/* Whether the page's own language (its <html lang>, in the first 2 kB) is km, lo or my. */
bool decor_needs_fonts(const unsigned char *html, size_t len);

/*
 * The page with the stylesheet linked before </head> and, with a banner,
 * that text (escaped) in a <p> first thing in the <body>.  malloc'd, its
 * length in *out_len; NULL when the page has no </head> (or no <body>
 * after it, for a banner) or memory ran out.
 */
char *decor_page(const unsigned char *html, size_t len, const char *banner, size_t *out_len);

/* What the page at entry index of course c needs, remembered (c->lock). */
enum decor_kind decor_kind_of(struct lib_course *c, size_t index);
void decor_kind_learnt(struct lib_course *c, size_t entries, size_t index, enum decor_kind kind);

#endif

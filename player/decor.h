/*
 * decor.h - what the player adds to a course's pages as it serves them,
 * around the producer's signed bytes, which stay as they are:
 *
 *  - the chrome, a slim bar first thing in the <body>, in the visitor's
 *    interface language and without JavaScript: the way back to the
 *    catalog, the lesson's place in the course with the previous and next
 *    lessons, a search box for the course, the interface language;
 *  - the Noto fonts a lesson in Khmer, Lao or Burmese needs (and the chrome
 *    in those languages), which phones often lack;
 *  - on every page of a preview (--allow-unsigned), a banner that says so;
 *  - the player's small script (/_sampan/progress.js), which marks the
 *    lessons opened and the quizzes passed on this phone in the course's
 *    contents (the chrome carries its labels); the page works without it;
 *  - on a page with a self-check quiz, the player's quiz script
 *    (/_sampan/quiz.js): a verdict at once, a score, and a quiz passed
 *    recorded through progress.js; bundles carry no script of their own,
 *    and the quiz works without it (its key unfolds).
 *
 * Styled by /_sampan/decor.css (player/assets/decor.css), linked from the
 * page's <head>: the Content-Security-Policy allows no inline style.  A
 * page extracted to disk (sampan-play extract) has none of this and needs
 * none of it.  Pure functions.
 */
#ifndef SAMPAN_PLAYER_DECOR_H
#define SAMPAN_PLAYER_DECOR_H

#include <stdbool.h>
#include <stddef.h>

#include "library.h"

/* What the player learnt of a page once it tried to decorate it. */
enum decor_kind {
	DECOR_UNKNOWN, /* decorated (or not tried yet) */
	DECOR_CANNOT /* has no </head>, or no <body> after it: served as it is */
};

struct course;

/* What the player adds to one page. */
struct decor_view {
	const char *ui; /* the interface language: one of l10n_languages */
	const char *banner; /* a preview's text, or NULL */
	const char *course_id; /* NULL: no chrome, no script (the fonts, and the banner alone) */
	const struct course *course; /* its lessons, for the page's place; or NULL */
	const char *page; /* this page's entry name, e.g. "lessons/03.html" */
	/*
	 * Where the chrome's skip link goes: "main" for a page with <main
	 * id="main"> (every page sampan-build makes), else NULL: to just after
	 * the chrome.  decor_page finds it.
	 */
	const char *skip_to;
};

/* Whether the page holds a quiz as sampan-build writes it (<section class="quiz"). */
bool decor_has_quiz(const unsigned char *html, size_t len);

/*
 * The page with the stylesheet (and, with a course, the scripts: the quiz
 * script too when the page holds a quiz) linked before </head>, and, first thing in the <body>, the banner (escaped) and
 * the chrome.  malloc'd, its length in *out_len; NULL when the page has no
 * </head>, or no <body> after it when something goes there, or memory ran
 * out: it is then served as it is.
 */
char *decor_page(const unsigned char *html, size_t len, const struct decor_view *v,
                 size_t *out_len);

/* The chrome alone (decor_page puts it in the body), malloc'd; NULL when out of memory. */
char *decor_chrome(const struct decor_view *v);

/* What the page at entry index of course c needs, remembered (c->lock). */
enum decor_kind decor_kind_of(struct lib_course *c, size_t index);
void decor_kind_learnt(struct lib_course *c, size_t entries, size_t index, enum decor_kind kind);

#endif

/*
 * page.h - the static pages of a bundle: every lesson page and the course's
 * home page (index.html) share one template, one stylesheet and the
 * course's navigation.  Pages work from disk after a plain unzip: relative
 * links only, no JavaScript, no request to another host; they read well on
 * a 360-pixel phone.
 */
#ifndef SAMPAN_BUILDER_PAGE_H
#define SAMPAN_BUILDER_PAGE_H

#include <stdbool.h>
#include <stddef.h>

/* The builder's own files in the bundle (COURSE_SRC_ASSETS). */
#define PAGE_STYLESHEET "_sampan/style.css"

struct page_link {
	const char *href; /* relative to the page it appears on */
	const char *title;
};

struct page_info {
	const char *lang; /* the page's language (lang attribute) */
	const char *ui_lang; /* language of the labels ("Contents", "Next"...): the course's */
	const char *title; /* the page's title (<title> and <h1>) */
	const char *course_title; /* shown in the header, linked to the home page */
	const char *root; /* relative path from the page to the bundle root: "" or "../" ... */
	const struct page_link *contents; /* every lesson, in order, hrefs relative to this page */
	size_t contents_count;
	/* index of this page in contents, (size_t)-1 (home page) or PAGE_OFF_CONTENTS */
	size_t current;
	const struct page_link *prev; /* or NULL */
	const struct page_link *next; /* or NULL */
	int body_has_title; /* the body starts with its own <h1> (the lesson's first
	                             heading): the page adds none */
};

/* page_info's current of a page that is neither a lesson nor home: a teacher page. */
#define PAGE_OFF_CONTENTS ((size_t)-2)

/*
 * A whole HTML5 document: <html lang>, <head> (charset, viewport, title,
 * the stylesheet via root), a header linking home, the title as <h1>
 * (unless body_has_title), body_html, previous/next links and the contents
 * (none when contents_count is 0: the home page lists the lessons itself).  malloc'd; NULL when out of memory.
 * Every text is HTML-escaped; body_html is inserted as is.
 */
char *page_render(const struct page_info *pi, const char *body_html);

/* The stylesheet, to be stored at PAGE_STYLESHEET. */
const char *page_stylesheet(void);

/* A label in the interface language (e.g. "contents", "previous", "next", "home",
 * "lessons", "licence", "publisher", "subtitles", "download"); English when unknown. */
const char *page_label(const char *ui_lang, const char *key);

#endif

/*
 * markdown.h - lessons in Markdown, with cmark-gfm (only markdown.c and
 * its syntax extensions, mdext.c, include cmark-gfm's headers): parse once, then list the headings and the
 * references the checks need, extract the plain text of each section for
 * search, and render the HTML body of the lesson's page.
 *
 * GitHub-flavoured extensions are on: tables, strikethrough, autolinks,
 * task lists, footnotes; and the Pandoc Markdown that course producers
 * write (mdext.h): fenced divs, attribute blocks, definition lists; and
 * YAML front matter.  Raw HTML is dropped from the rendering unless
 * allow_html; with it, the page body holding it goes through sanitize.h's
 * allowlist.  md_dropped tells what of the raw HTML a page loses, and the
 * rest that `check` warns about in the Markdown.
 */
#ifndef SAMPAN_BUILDER_MARKDOWN_H
#define SAMPAN_BUILDER_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

struct md_doc; /* opaque */

struct md_heading {
	int level; /* 1..6 */
	char *text; /* plain text of the heading */
	char *slug; /* its id in the page, unique in the document (slug.h) */
	unsigned line; /* 1-based line in the Markdown file */
	bool teacher; /* in an instructor div: not on the students' page */
};

enum md_ref_kind {
	MD_REF_LINK, /* [text](url), <url>, autolinks */
	MD_REF_IMAGE, /* ![alt](url) - also how video, audio and other media are embedded */
	MD_REF_HTML /* a URL found in raw HTML (src=, href=, url(...)), checked even when dropped */
};

struct md_ref {
	enum md_ref_kind kind;
	char *url; /* as written */
	bool has_alt; /* images: non-empty alt text, or {alt="..."} */
	bool bare; /* links: an address written as it is (autolink), text and URL alike */
	bool teacher; /* in an instructor div: the teachers' notes, not the students' page */
	unsigned line; /* 1-based */
	unsigned col; /* 1-based, 0 when unknown */
};

/* One of the boxes (fenced divs) a search section sits in, outermost first. */
struct md_aside {
	const char *kind; /* page_label's key: "challenge", "solution", "quiz"... */
	const char *title; /* the heading it opens with ("## Variables in loops"), or NULL */
};

/*
 * The plain text under one heading (or before the first, with slug ""), or
 * of one labelled box (an aside: challenge, solution, callout, quiz...)
 * under it, in the order the page starts them.  A box's text is its own
 * section, not its heading's; a plain box (no known class) stays in the
 * text around it; instructor notes are in none.  A quiz gives its questions
 * and the choices offered, never which is right, the feedback or the
 * accepted short answers.  Sections with no text are not listed.
 */
struct md_section {
	const char *slug; /* where the page opens at it: the box's title or id, else as above */
	const char *heading; /* the heading it is under; "" before the first */
	char *text; /* paragraphs, list items, table cells, code, joined by spaces */
	const struct md_aside *asides; /* the boxes it is in, outermost first */
	size_t asides_count; /* 0: the heading's own text */
};

/*
 * Parse len bytes of Markdown (valid UTF-8 is the caller's check).
 * Returns NULL only when out of memory.  Free with md_free.
 */
struct md_doc *md_parse(const char *text, size_t len, bool allow_html);
void md_free(struct md_doc *doc);

const struct md_heading *md_headings(const struct md_doc *doc, size_t *count);
const struct md_ref *md_refs(const struct md_doc *doc, size_t *count);
const struct md_section *md_sections(const struct md_doc *doc, size_t *count);

/*
 * Where a section is, as the page in lang shows it (malloc'd): its heading,
 * then each box it is in by its label and title, joined by " › ",
 * e.g. "Loops › Challenge: Variables in loops › Solution".  A title
 * that starts with the label ("Solution", "Challenge: ...") stands alone.
 * "" for the text before the first heading.
 */
char *md_section_place(const struct md_section *s, const char *lang);

/*
 * Whether "#id" reaches something on the lesson's page: a heading's id or
 * a bracketed span's ("[term]{#id}").  Those inside instructor divs are on
 * the teachers' notes only: they count when teacher is true (a link that
 * is itself in the notes).
 */
bool md_has_anchor(const struct md_doc *doc, const char *id, bool teacher);

/*
 * Raw HTML the page will not have, at its place in the Markdown: with
 * allow_html, each element and attribute the sanitizer removes; without,
 * each piece of raw HTML (comments and end tags aside); and the other
 * problems of the Markdown (fences, quizzes).  For `check`.
 */
struct md_dropped {
	unsigned line; /* 1-based */
	unsigned col; /* 1-based, 0 when unknown */
	char *message; /* e.g. "raw HTML <img>: attribute 'onerror' removed: ..." */
	bool error; /* an error (a quiz that cannot be answered), not a warning */
};

const struct md_dropped *md_dropped(const struct md_doc *doc, size_t *count);

/*
 * The title of the front matter, else the first heading's text, or NULL:
 * the lesson's title when course.yml gives none.
 */
const char *md_title(const struct md_doc *doc);

/*
 * How the page shows a link or image target; the builder decides (it knows
 * the files), md_render writes the HTML.
 */
enum md_embed {
	MD_EMBED_KEEP, /* leave the element as written (href/src = href below if set) */
	MD_EMBED_IMAGE, /* <img> with width and height when known */
	MD_EMBED_VIDEO, /* <video controls> with <track>s, in a <figure> with the alt text */
	MD_EMBED_AUDIO, /* <audio controls> in a <figure> */
	MD_EMBED_FILE, /* a download link followed by note, e.g. "(PDF, 120 KB)" */
	MD_EMBED_TEXT /* no link: its text, then its address as text, "text (https://...)" */
};

struct md_track {
	const char *src; /* relative URL of the .vtt */
	const char *lang; /* srclang */
	const char *label; /* shown in the player's menu */
};

struct md_target {
	enum md_embed kind;
	char *href; /* the URL to write (malloc'd by the resolver, freed by md_render); NULL: as written */
	unsigned width, height; /* 0 when unknown */
	const struct md_track *tracks; /* valid during the call */
	size_t tracks_count;
	char *note; /* malloc'd by the resolver or NULL; freed by md_render */
};

/* Fill out for one reference (kind MD_REF_LINK or MD_REF_IMAGE) with that URL. */
typedef void (*md_resolve_fn)(void *ctx, enum md_ref_kind kind, const char *url,
                              struct md_target *out);

/*
 * The HTML of the lesson body (no <html>, <head> or <body>): headings carry
 * their slugs as ids; every link and image goes through resolve; fenced
 * divs are boxes labelled in lang (page_label), solutions and spoilers
 * folded; output, errors and warnings labelled.  Instructor divs are not
 * in it: see md_teacher_html.  malloc'd; NULL only when out of memory.
 */
char *md_render(struct md_doc *doc, const char *lang, md_resolve_fn resolve, void *ctx);

/*
 * The teachers' notes of the last md_render: the HTML of the lesson's
 * instructor divs, one box each, in their order, rendered like the page
 * (links resolved, labels in its language), or NULL when it has none.
 * Owned by doc.  The students' page never holds them: whatever shows them
 * (the bundle's teacher pages) takes them from here.
 */
const char *md_teacher_html(const struct md_doc *doc);

#endif

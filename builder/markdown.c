/* markdown.c - lessons in Markdown through cmark-gfm: headings, references, section text, page body (markdown.h). */
#include "markdown.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

#include "cli.h"
#include "embed.h"
#include "html.h"
#include "htmlurl.h"
#include "sanitize.h"
#include "sbuf.h"
#include "slug.h"
#include "strfmt.h"
#include "utf8.h"
#include "xalloc.h"

/* Only a bound for the buffers: no lesson comes near it. */
#define MD_TEXT_MAX ((size_t)1 << 30)

/* Same options for md_parse and md_render, so both see the same tree. */
#define MD_PARSE_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)

struct md_doc {
	char *text;
	size_t len;
	bool allow_html;
	struct md_heading *headings;
	size_t headings_count, headings_cap;
	struct md_ref *refs;
	size_t refs_count, refs_cap;
	struct md_section *sections;
	size_t sections_count, sections_cap;
	struct md_dropped *dropped;
	size_t dropped_count, dropped_cap;
};

/* ---- small helpers ---- */

/*
 * cmark-gfm's allocator aborts when memory runs out; these end the program
 * as every other allocation of sampan-build does (cli_oom: exit 3).  They
 * replace the functions of cmark-gfm's default allocator, which its
 * extensions' registry uses too.
 */
static void *md_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p && n && size)
		xalloc_die();
	return p;
}

static void *md_realloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q && size)
		xalloc_die();
	return q;
}

static void md_use_own_allocator(void)
{
	cmark_mem *mem = cmark_get_default_mem_allocator();

	mem->calloc = md_calloc;
	mem->realloc = md_realloc;
}

static bool grow(void **items, size_t *cap, size_t count, size_t size)
{
	size_t want;
	void *p;

	if (count < *cap)
		return true;
	want = *cap ? *cap * 2 : 16;
	if (want > SIZE_MAX / size)
		return false;
	p = realloc(*items, want * size);
	if (!p)
		return false;
	*items = p;
	*cap = want;
	return true;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	size_t i;

	if (m == 0 || m > n)
		return NULL;
	for (i = 0; i + m <= n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/*
 * Plain text with every run of white space made one space and none at
 * either end: what headings, alt text and search sections want.
 */
struct text {
	struct sbuf b;
	bool space;
	bool oom;
};

static void text_init(struct text *t)
{
	sbuf_init(&t->b, MD_TEXT_MAX);
	t->space = false;
	t->oom = false;
}

static void text_space(struct text *t)
{
	t->space = true;
}

static void text_add(struct text *t, const char *s)
{
	size_t n;

	if (!s)
		return;
	while (*s) {
		if (is_ws(*s)) {
			t->space = true;
			s++;
			continue;
		}
		for (n = 0; s[n] && !is_ws(s[n]); n++)
			;
		if (t->space && t->b.len > 0 && !sbuf_add(&t->b, " ", 1))
			t->oom = true;
		t->space = false;
		if (!sbuf_add(&t->b, s, n))
			t->oom = true;
		s += n;
	}
}

/* The buffer's text (malloc'd, maybe ""), or NULL when out of memory. */
static char *text_take(struct text *t)
{
	char *s = sbuf_take(&t->b, NULL);

	t->space = false;
	if (t->oom) {
		free(s);
		t->oom = false;
		return NULL;
	}
	return s;
}

/* The text of an inline subtree: links' labels, images' alt text, headings. */
static void plain_text(cmark_node *node, struct text *t)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;

	if (!it) {
		t->oom = true;
		return;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			text_add(t, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			text_space(t);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static cmark_parser *new_parser(void)
{
	/* No tagfilter: sanitize.c removes <script>, <iframe>, <style>... and says so. */
	static const char *const names[] = { "table", "strikethrough", "autolink", "tasklist" };
	cmark_parser *p;
	size_t i;

	md_use_own_allocator();
	cmark_gfm_core_extensions_ensure_registered();
	p = cmark_parser_new(MD_PARSE_OPTIONS);
	if (!p)
		return NULL;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);

		if (ext)
			cmark_parser_attach_syntax_extension(p, ext);
	}
	return p;
}

/* ---- md_parse ---- */

struct parse_ctx {
	struct md_doc *doc;
	size_t *line_start; /* byte offset of each line of doc->text */
	size_t lines;
	unsigned cur_line; /* for the inline nodes cmark leaves without a position */
	unsigned col_line; /* where the last column search ended */
	size_t col_from;
	bool in_heading;
	int heading_level;
	unsigned heading_line;
	struct text heading;
	struct text section;
	const char *section_slug, *section_heading;
	struct slug_set slugs;
	bool oom;
};

static bool index_lines(struct parse_ctx *pc)
{
	const char *s = pc->doc->text;
	size_t n = pc->doc->len, i, cap = 0;

	pc->lines = 0;
	if (!grow((void **)&pc->line_start, &cap, pc->lines, sizeof *pc->line_start))
		return false;
	pc->line_start[pc->lines++] = 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '\n' && s[i] != '\r')
			continue;
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			i++;
		if (!grow((void **)&pc->line_start, &cap, pc->lines, sizeof *pc->line_start))
			return false;
		pc->line_start[pc->lines++] = i + 1;
	}
	return true;
}

/* Bounds of 1-based line (without its line ending); false when there is no such line. */
static bool line_bounds(const struct parse_ctx *pc, unsigned line, size_t *b, size_t *e)
{
	const char *s = pc->doc->text;

	if (line == 0 || line > pc->lines)
		return false;
	*b = pc->line_start[line - 1];
	*e = line < pc->lines ? pc->line_start[line] : pc->doc->len;
	while (*e > *b && (s[*e - 1] == '\n' || s[*e - 1] == '\r'))
		(*e)--;
	return true;
}

static void add_ref(struct parse_ctx *pc, enum md_ref_kind kind, const char *url, size_t url_len,
                    bool has_alt, unsigned line, unsigned col)
{
	struct md_doc *d = pc->doc;
	struct md_ref *r;
	char *u;

	if (!grow((void **)&d->refs, &d->refs_cap, d->refs_count, sizeof *d->refs)) {
		pc->oom = true;
		return;
	}
	u = malloc(url_len + 1);
	if (!u) {
		pc->oom = true;
		return;
	}
	memcpy(u, url, url_len);
	u[url_len] = '\0';
	r = &d->refs[d->refs_count++];
	r->kind = kind;
	r->url = u;
	r->has_alt = has_alt;
	r->line = line;
	r->col = col;
}

/*
 * cmark-gfm 0.29 gets the start column of links right but not always that
 * of autolinks (and leaves some without a position): trust a column that
 * points at '[' or '!', else look for the link's text on its line.
 */
static unsigned link_column(struct parse_ctx *pc, cmark_node *node, unsigned line, bool image)
{
	const char *s = pc->doc->text;
	const char *needle = NULL, *hit = NULL;
	cmark_node *child = cmark_node_first_child(node);
	int c = cmark_node_get_start_column(node);
	size_t b, e, m;

	if (!line_bounds(pc, line, &b, &e))
		return 0;
	if (c >= 1 && (size_t)c <= e - b && cmark_node_get_start_line(node) == (int)line) {
		char ch = s[b + (size_t)c - 1];

		if (ch == '[' || (image && ch == '!'))
			return (unsigned)c;
	}
	if (child && cmark_node_get_type(child) == CMARK_NODE_TEXT)
		needle = cmark_node_get_literal(child);
	if (!needle || !*needle)
		needle = cmark_node_get_url(node);
	if (!needle || !*needle)
		return 0;
	m = strlen(needle);
	if (pc->col_line == line && pc->col_from <= e - b)
		hit = find_bytes(s + b + pc->col_from, e - b - pc->col_from, needle, m);
	if (!hit)
		hit = find_bytes(s + b, e - b, needle, m);
	if (!hit)
		return 0;
	pc->col_line = line;
	pc->col_from = (size_t)(hit - (s + b)) + m;
	return (unsigned)(hit - (s + b)) + 1;
}

static void collect_link(struct parse_ctx *pc, cmark_node *node, bool image)
{
	const char *url = cmark_node_get_url(node);
	int l = cmark_node_get_start_line(node);
	unsigned line = l > 0 ? (unsigned)l : pc->cur_line;
	bool has_alt = false;

	if (!url)
		url = "";
	if (image) {
		struct text alt;
		char *a;

		text_init(&alt);
		plain_text(node, &alt);
		a = text_take(&alt);
		if (!a)
			pc->oom = true;
		has_alt = a && *a;
		free(a);
	}
	add_ref(pc, image ? MD_REF_IMAGE : MD_REF_LINK, url, strlen(url), has_alt, line,
	        link_column(pc, node, line, image));
}

/* ---- URLs in raw HTML (htmlurl.h), at their line and column ---- */

struct html_scan {
	struct parse_ctx *pc;
	const char *s;
	unsigned line; /* line of s[0] */
	unsigned col; /* column of s[0], 0 when unknown */
	bool later_cols; /* lines after the first start in column 1 (a top-level block) */
	size_t seen; /* newlines before s[seen] are counted in seen_line... */
	unsigned seen_line;
	size_t seen_line_at; /* ...and the last of them ended at seen_line_at (0: none) */
};

static void html_ref(void *ctx, size_t at, size_t len)
{
	struct html_scan *hs = ctx;
	unsigned col;

	/* URLs come in order: count the lines once */
	for (; hs->seen < at; hs->seen++) {
		if (hs->s[hs->seen] == '\n') {
			hs->seen_line++;
			hs->seen_line_at = hs->seen + 1;
		}
	}
	if (hs->seen_line_at == 0)
		col = hs->col ? hs->col + (unsigned)at : 0;
	else
		col = hs->later_cols ? (unsigned)(at - hs->seen_line_at) + 1 : 0;
	add_ref(hs->pc, MD_REF_HTML, hs->s + at, len, false, hs->seen_line, col);
}

static void scan_html(struct parse_ctx *pc, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	int l = cmark_node_get_start_line(node), c = cmark_node_get_start_column(node);
	struct html_scan hs;

	if (!lit)
		return;
	hs.pc = pc;
	hs.s = lit;
	hs.line = l > 0 ? (unsigned)l : pc->cur_line;
	hs.col = l > 0 && c > 0 ? (unsigned)c : 0;
	hs.seen = 0;
	hs.seen_line = hs.line;
	hs.seen_line_at = 0;
	hs.later_cols = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK &&
	                cmark_node_get_type(cmark_node_parent(node)) == CMARK_NODE_DOCUMENT;
	htmlurl_scan(lit, strlen(lit), html_ref, &hs);
}

/* ---- raw HTML the page will not have ---- */

struct raw_check {
	struct parse_ctx *pc;
	unsigned line, col; /* where the raw HTML starts (col 0: unknown) */
	bool later_cols; /* its later lines start in column 1 (a top-level block) */
	bool reported; /* without allow_html: one report per piece of raw HTML */
};

static void add_dropped(struct raw_check *rc, unsigned line, unsigned col, const char *fmt, ...)
{
	struct md_doc *d = rc->pc->doc;
	struct md_dropped *x;
	unsigned l = rc->line + line - 1, c;
	va_list ap;

	if (line <= 1)
		c = rc->col ? rc->col + col - 1 : 0;
	else
		c = rc->later_cols ? col : 0;
	if (!grow((void **)&d->dropped, &d->dropped_cap, d->dropped_count, sizeof *d->dropped)) {
		rc->pc->oom = true;
		return;
	}
	x = &d->dropped[d->dropped_count];
	x->line = l;
	x->col = c;
	va_start(ap, fmt);
	x->message = vstrfmt(fmt, ap);
	va_end(ap);
	if (!x->message) {
		rc->pc->oom = true;
		return;
	}
	d->dropped_count++;
}

static void on_removed(void *ctx, const struct sanitize_drop *d)
{
	struct raw_check *rc = ctx;

	if (d->attribute)
		add_dropped(rc, d->line, d->col, "raw HTML <%s>: attribute '%s' removed: %s",
		            d->element, d->attribute, d->why);
	else if (d->contents)
		add_dropped(rc, d->line, d->col, "raw HTML <%s> removed with all it holds: %s",
		            d->element, d->why);
	else
		add_dropped(rc, d->line, d->col, "raw HTML <%s> removed, its text kept: %s",
		            d->element, d->why);
}

static void on_element(void *ctx, const struct sanitize_drop *d)
{
	struct raw_check *rc = ctx;

	if (rc->reported)
		return;
	rc->reported = true;
	add_dropped(rc, d->line, d->col,
	            "raw HTML <%s> removed: course.yml does not set 'allow_html: true'",
	            d->element);
}

/*
 * What of this raw HTML the page loses, as the page's sanitizer will find
 * it (md_render): with allow_html, every element and attribute removed;
 * without, the piece of raw HTML itself.
 */
static void check_raw_html(struct parse_ctx *pc, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	int l = cmark_node_get_start_line(node), c = cmark_node_get_start_column(node);
	struct raw_check rc;

	if (!lit)
		return;
	rc.pc = pc;
	rc.line = l > 0 ? (unsigned)l : pc->cur_line;
	rc.col = l > 0 && c > 0 ? (unsigned)c : 0;
	rc.later_cols = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK &&
	                cmark_node_get_type(cmark_node_parent(node)) == CMARK_NODE_DOCUMENT;
	rc.reported = false;
	if (pc->doc->allow_html)
		free(sanitize_html(lit, strlen(lit), on_removed, &rc));
	else
		sanitize_elements(lit, strlen(lit), on_element, &rc);
}

/* ---- headings and sections ---- */

static void end_section(struct parse_ctx *pc)
{
	struct md_doc *d = pc->doc;
	struct md_section *sec;
	char *t = text_take(&pc->section);

	if (!t) {
		pc->oom = true;
		return;
	}
	if (!*t) {
		free(t); /* nothing to find there: the search text has no empty lines */
		return;
	}
	if (!grow((void **)&d->sections, &d->sections_cap, d->sections_count,
	          sizeof *d->sections)) {
		free(t);
		pc->oom = true;
		return;
	}
	sec = &d->sections[d->sections_count++];
	sec->slug = pc->section_slug;
	sec->heading = pc->section_heading;
	sec->text = t;
}

static void end_heading(struct parse_ctx *pc)
{
	struct md_doc *d = pc->doc;
	struct md_heading *h;
	char *t = text_take(&pc->heading), *slug;

	pc->in_heading = false;
	if (!t) {
		pc->oom = true;
		return;
	}
	slug = slug_unique(&pc->slugs, slug_make(t));
	if (!slug || !grow((void **)&d->headings, &d->headings_cap, d->headings_count,
	                   sizeof *d->headings)) {
		free(t);
		if (slug && slug_find(&pc->slugs, slug)->key == slug)
			slug_find(&pc->slugs, slug)->key = NULL; /* never freed twice */
		free(slug);
		pc->oom = true;
		return;
	}
	h = &d->headings[d->headings_count++];
	h->level = pc->heading_level;
	h->text = t;
	h->slug = slug;
	h->line = pc->heading_line;
	end_section(pc);
	pc->section_slug = slug;
	pc->section_heading = t;
}

static void walk(struct parse_ctx *pc, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	if (!it) {
		pc->oom = true;
		return;
	}
	while (!pc->oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		struct text *out = pc->in_heading ? &pc->heading : &pc->section;
		int l = cmark_node_get_start_line(n);

		if ((type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
			text_space(
			        &pc->section); /* paragraphs, items, cells: words never run together */
		if (ev == CMARK_EVENT_EXIT) {
			if (type == CMARK_NODE_HEADING)
				end_heading(pc);
			continue;
		}
		if (l > 0)
			pc->cur_line = (unsigned)l;
		switch (type) {
		case CMARK_NODE_HEADING:
			pc->in_heading = true;
			pc->heading_level = cmark_node_get_heading_level(n);
			pc->heading_line = l > 0 ? (unsigned)l : pc->cur_line;
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
			text_add(out, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			text_space(out);
			pc->cur_line++;
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			collect_link(pc, n, type == CMARK_NODE_IMAGE);
			break;
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			scan_html(pc, n);
			check_raw_html(pc, n);
			break;
		default:
			break;
		}
		if (pc->heading.oom || pc->section.oom)
			pc->oom = true;
	}
	cmark_iter_free(it);
	if (!pc->oom)
		end_section(pc);
}

struct md_doc *md_parse(const char *text, size_t len, bool allow_html)
{
	struct md_doc *doc = calloc(1, sizeof *doc);
	struct parse_ctx pc;
	cmark_parser *parser = NULL;
	cmark_node *root = NULL;
	bool ok = false;

	memset(&pc, 0, sizeof pc);
	text_init(&pc.heading);
	text_init(&pc.section);
	if (!doc)
		goto done;
	doc->allow_html = allow_html;
	doc->len = len;
	doc->text = malloc(len + 1);
	if (!doc->text)
		goto done;
	if (len)
		memcpy(doc->text, text, len);
	doc->text[len] = '\0';
	pc.doc = doc;
	pc.section_slug = "";
	pc.section_heading = "";
	pc.cur_line = 1;
	if (!index_lines(&pc))
		goto done;
	parser = new_parser();
	if (!parser)
		goto done;
	cmark_parser_feed(parser, doc->text, len);
	root = cmark_parser_finish(parser);
	if (!root)
		goto done;
	walk(&pc, root);
	ok = !pc.oom;
done:
	if (root)
		cmark_node_free(root);
	if (parser)
		cmark_parser_free(parser);
	slug_set_release(&pc.slugs); /* the ids themselves belong to the headings */
	free(pc.line_start);
	sbuf_release(&pc.heading.b);
	sbuf_release(&pc.section.b);
	if (!ok) {
		md_free(doc);
		return NULL;
	}
	return doc;
}

void md_free(struct md_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->headings_count; i++) {
		free(doc->headings[i].text);
		free(doc->headings[i].slug);
	}
	for (i = 0; i < doc->refs_count; i++)
		free(doc->refs[i].url);
	for (i = 0; i < doc->sections_count; i++)
		free(doc->sections[i].text);
	for (i = 0; i < doc->dropped_count; i++)
		free(doc->dropped[i].message);
	free(doc->dropped);
	free(doc->headings);
	free(doc->refs);
	free(doc->sections);
	free(doc->text);
	free(doc);
}

const struct md_heading *md_headings(const struct md_doc *doc, size_t *count)
{
	*count = doc ? doc->headings_count : 0;
	return doc ? doc->headings : NULL;
}

const struct md_ref *md_refs(const struct md_doc *doc, size_t *count)
{
	*count = doc ? doc->refs_count : 0;
	return doc ? doc->refs : NULL;
}

const struct md_dropped *md_dropped(const struct md_doc *doc, size_t *count)
{
	*count = doc ? doc->dropped_count : 0;
	return doc ? doc->dropped : NULL;
}

const struct md_section *md_sections(const struct md_doc *doc, size_t *count)
{
	*count = doc ? doc->sections_count : 0;
	return doc ? doc->sections : NULL;
}

const char *md_title(const struct md_doc *doc)
{
	size_t i;

	for (i = 0; doc && i < doc->headings_count; i++)
		if (doc->headings[i].text[0])
			return doc->headings[i].text;
	return NULL;
}

/* ---- md_render ---- */

struct out {
	struct sbuf b;
	bool oom;
};

static void out_add(struct out *o, const char *s)
{
	if (!sbuf_adds(&o->b, s))
		o->oom = true;
}

/* Text or an attribute value: & < > " ' escaped. */
static void out_esc(struct out *o, const char *s)
{
	if (!html_escape_into(&o->b, s))
		o->oom = true;
}

struct render_item {
	cmark_node *node;
	bool image;
	enum md_embed kind;
	bool figure; /* a video or audio alone in its paragraph: a <figure> instead */
	char *href; /* MD_EMBED_KEEP: the URL to write, or NULL for the one written */
	char *html; /* the element that replaces the node; FILE: the opening <a> */
	char *html_end; /* FILE: "</a>" and the note */
};

struct render_ctx {
	struct md_doc *doc;
	cmark_node **headings;
	size_t headings_count, headings_cap;
	cmark_node **tables;
	size_t tables_count, tables_cap;
	cmark_node **tasks;
	size_t tasks_count, tasks_cap;
	cmark_node **html;
	size_t html_count, html_cap;
	struct render_item *items;
	size_t items_count, items_cap;
	bool oom;
};

static void push_node(struct render_ctx *rc, cmark_node ***arr, size_t *count, size_t *cap,
                      cmark_node *n)
{
	if (!grow((void **)arr, cap, *count, sizeof **arr)) {
		rc->oom = true;
		return;
	}
	(*arr)[(*count)++] = n;
}

static void collect_nodes(struct render_ctx *rc, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	if (!it) {
		rc->oom = true;
		return;
	}
	while (!rc->oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (type == CMARK_NODE_HEADING) {
			push_node(rc, &rc->headings, &rc->headings_count, &rc->headings_cap, n);
		} else if (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE) {
			push_node(rc, &rc->html, &rc->html_count, &rc->html_cap, n);
		} else if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
			struct render_item *item;

			if (!grow((void **)&rc->items, &rc->items_cap, rc->items_count,
			          sizeof *rc->items)) {
				rc->oom = true;
				break;
			}
			item = &rc->items[rc->items_count++];
			memset(item, 0, sizeof *item);
			item->node = n;
			item->image = type == CMARK_NODE_IMAGE;
		} else if (strcmp(cmark_node_get_type_string(n), "table") == 0) {
			push_node(rc, &rc->tables, &rc->tables_count, &rc->tables_cap, n);
		} else if (type == CMARK_NODE_ITEM &&
		           strcmp(cmark_node_get_type_string(n), "tasklist") == 0) {
			push_node(rc, &rc->tasks, &rc->tasks_count, &rc->tasks_cap, n);
		}
	}
	cmark_iter_free(it);
}

/* Raw HTML goes before anything else is added, so only the author's is dropped. */
static void drop_html(struct render_ctx *rc)
{
	size_t i;

	for (i = 0; i < rc->html_count; i++) {
		cmark_node *parent = cmark_node_parent(rc->html[i]);

		cmark_node_free(rc->html[i]);
		if (cmark_node_get_type(parent) == CMARK_NODE_PARAGRAPH &&
		    !cmark_node_first_child(parent))
			cmark_node_free(parent);
	}
}

static bool insert_html(cmark_node *before, cmark_node_type type, const char *html)
{
	cmark_node *n = cmark_node_new(type);

	if (!n)
		return false;
	if (!cmark_node_set_literal(n, html) || !cmark_node_insert_before(before, n)) {
		cmark_node_free(n);
		return false;
	}
	return true;
}

static char *out_take(struct out *o, bool *oom)
{
	char *s;

	if (o->oom) {
		sbuf_release(&o->b);
		*oom = true;
		return NULL;
	}
	s = sbuf_take(&o->b, NULL);
	if (!s)
		*oom = true;
	return s;
}

/*
 * Resolve one link or image and write its HTML at once: the resolver's
 * tracks are only valid during the call (the builder reuses them).
 */
static void resolve_item(struct render_ctx *rc, struct render_item *item, md_resolve_fn resolve,
                         void *ctx)
{
	cmark_node *node = item->node, *parent = cmark_node_parent(node);
	const char *written = cmark_node_get_url(node), *title = cmark_node_get_title(node);
	const char *url;
	struct md_target t;
	struct text label;
	struct out o, end;
	char *alt;

	memset(&t, 0, sizeof t);
	t.kind = MD_EMBED_KEEP;
	if (!written)
		written = "";
	if (resolve)
		resolve(ctx, item->image ? MD_REF_IMAGE : MD_REF_LINK, written, &t);
	item->kind = t.kind;
	if (t.kind == MD_EMBED_KEEP || t.kind > MD_EMBED_FILE) {
		item->kind = MD_EMBED_KEEP;
		item->href = t.href;
		free(t.note);
		return;
	}
	url = t.href ? t.href : written;
	if (embed_url_dangerous(url, item->image && t.kind == MD_EMBED_IMAGE))
		url = "";
	item->figure = t.kind != MD_EMBED_IMAGE && t.kind != MD_EMBED_FILE &&
	               cmark_node_get_type(parent) == CMARK_NODE_PARAGRAPH &&
	               cmark_node_first_child(parent) == node &&
	               cmark_node_last_child(parent) == node;
	text_init(&label);
	plain_text(node, &label);
	alt = text_take(&label);
	sbuf_init(&o.b, MD_TEXT_MAX);
	sbuf_init(&end.b, MD_TEXT_MAX);
	o.oom = end.oom = !alt;
	if (alt && t.kind == MD_EMBED_FILE)
		o.oom = end.oom = !embed_download(&o.b, &end.b, &t, url, title,
		                                  cmark_node_first_child(node) != NULL);
	else if (alt)
		o.oom = !embed_media(&o.b, &t, url, alt, title, item->figure);
	item->html = out_take(&o, &rc->oom);
	if (t.kind == MD_EMBED_FILE)
		item->html_end = out_take(&end, &rc->oom);
	else
		sbuf_release(&end.b);
	free(alt);
	free(t.href);
	free(t.note);
}

static bool transform_item(struct render_item *item)
{
	cmark_node *node = item->node, *child;
	const char *url = item->href ? item->href : cmark_node_get_url(node);
	bool ok = true;

	switch (item->kind) {
	case MD_EMBED_KEEP:
		if (item->href && !cmark_node_set_url(node, item->href))
			return false;
		if (url && embed_url_dangerous(url, item->image))
			return cmark_node_set_url(node, "") != 0;
		return true;
	case MD_EMBED_FILE:
		ok = insert_html(node, CMARK_NODE_HTML_INLINE, item->html);
		while (ok && (child = cmark_node_first_child(node)) != NULL)
			ok = cmark_node_insert_before(node, child) != 0;
		ok = ok && insert_html(node, CMARK_NODE_HTML_INLINE, item->html_end);
		break;
	case MD_EMBED_IMAGE:
	case MD_EMBED_VIDEO:
	case MD_EMBED_AUDIO:
		if (item->figure) {
			cmark_node *para = cmark_node_parent(node);

			ok = insert_html(para, CMARK_NODE_HTML_BLOCK, item->html);
			if (ok)
				cmark_node_free(para);
			return ok;
		}
		ok = insert_html(node, CMARK_NODE_HTML_INLINE, item->html);
		break;
	}
	if (ok)
		cmark_node_free(node);
	return ok;
}

/*
 * <hN id="slug">: the heading's inlines move into a custom inline that opens
 * with the id, inside a custom block that writes nothing itself (a custom
 * block would put line breaks inside the tag).  The heading is only
 * unlinked: in cmark-gfm 0.29 its inlines' text points into its buffer, so
 * the caller frees it after rendering.
 */
static bool heading_with_id(cmark_node *heading, const char *slug)
{
	cmark_node *block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	cmark_node *span = cmark_node_new(CMARK_NODE_CUSTOM_INLINE), *child;
	int level = cmark_node_get_heading_level(heading);
	struct out o;
	bool ok = block && span;

	sbuf_init(&o.b, MD_TEXT_MAX);
	o.oom = false;
	if (!sbuf_addf(&o.b, "<h%d id=\"", level))
		o.oom = true;
	out_esc(&o, slug);
	out_add(&o, "\">");
	ok = ok && !o.oom && cmark_node_set_on_enter(span, o.b.data);
	o.b.len = 0;
	if (!sbuf_addf(&o.b, "</h%d>", level))
		o.oom = true;
	ok = ok && !o.oom && cmark_node_set_on_exit(span, o.b.data);
	sbuf_release(&o.b);
	ok = ok && cmark_node_append_child(block, span);
	if (!ok) {
		if (span && !cmark_node_parent(span))
			cmark_node_free(span);
		if (block)
			cmark_node_free(block);
		return false;
	}
	if (!cmark_node_insert_before(heading, block)) {
		cmark_node_free(block);
		return false;
	}
	while ((child = cmark_node_first_child(heading)) != NULL)
		if (!cmark_node_append_child(span, child))
			return false;
	cmark_node_unlink(heading);
	return true;
}

/* Tables scroll sideways inside their own box instead of widening a phone's page. */
static bool wrap_table(cmark_node *table)
{
	cmark_node *box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);

	if (!box)
		return false;
	if (!cmark_node_set_on_enter(box, "<div class=\"table\">") ||
	    !cmark_node_set_on_exit(box, "</div>") || !cmark_node_insert_before(table, box)) {
		cmark_node_free(box);
		return false;
	}
	return cmark_node_append_child(box, table) != 0;
}

/*
 * A task list item's checkbox is named by the item's text, as a screen
 * reader needs: <li><label><input type="checkbox" disabled> text</label></li>.
 * cmark-gfm's own rendering leaves the checkbox without a name.  The item's
 * first paragraph's inlines move into a custom inline that opens with the
 * label and the checkbox; the item then renders as a plain <li>.  An item
 * that does not start with a paragraph keeps cmark-gfm's rendering.
 */
static bool label_task(cmark_node *item)
{
	cmark_node *para = cmark_node_first_child(item);
	cmark_node *label, *child;
	const char *open;

	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH ||
	    !cmark_node_first_child(para))
		return true;
	open = cmark_gfm_extensions_get_tasklist_item_checked(item)
	               ? "<label><input type=\"checkbox\" disabled checked> "
	               : "<label><input type=\"checkbox\" disabled> ";
	label = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	if (!label)
		return false;
	if (!cmark_node_set_on_enter(label, open) || !cmark_node_set_on_exit(label, "</label>") ||
	    !cmark_node_append_child(para, label)) {
		cmark_node_free(label);
		return false;
	}
	while ((child = cmark_node_first_child(para)) != label)
		if (!cmark_node_append_child(label, child))
			return false;
	return cmark_node_set_syntax_extension(item, NULL) != 0;
}

static void render_release(struct render_ctx *rc)
{
	size_t i;

	for (i = 0; i < rc->items_count; i++) {
		free(rc->items[i].href);
		free(rc->items[i].html);
		free(rc->items[i].html_end);
	}
	free(rc->items);
	free(rc->headings);
	free(rc->tables);
	free(rc->tasks);
	free(rc->html);
}

char *md_render(struct md_doc *doc, md_resolve_fn resolve, void *ctx)
{
	struct render_ctx rc;
	cmark_parser *parser = NULL;
	cmark_node *root = NULL;
	char *html = NULL;
	size_t i, detached = 0;

	memset(&rc, 0, sizeof rc);
	rc.doc = doc;
	if (!doc)
		return NULL;
	parser = new_parser();
	if (!parser)
		goto done;
	cmark_parser_feed(parser, doc->text, doc->len);
	root = cmark_parser_finish(parser);
	if (!root)
		goto done;
	collect_nodes(&rc, root);
	if (rc.oom)
		goto done;
	if (!doc->allow_html)
		drop_html(&rc);
	for (i = 0; i < rc.items_count && !rc.oom; i++)
		resolve_item(&rc, &rc.items[i], resolve, ctx);
	if (rc.oom)
		goto done;
	/* last first: a link inside an image's alt text is done before the image goes */
	for (i = rc.items_count; i-- > 0;)
		if (!transform_item(&rc.items[i]))
			goto done;
	for (i = 0; i < rc.headings_count; i++) {
		/* the same text parsed the same way: md_parse saw these headings in this order */
		const char *slug = i < doc->headings_count ? doc->headings[i].slug : "section";

		if (!heading_with_id(rc.headings[i], slug))
			goto done;
		detached++;
	}
	for (i = 0; i < rc.tables_count; i++)
		if (!wrap_table(rc.tables[i]))
			goto done;
	for (i = 0; i < rc.tasks_count; i++)
		if (!label_task(rc.tasks[i]))
			goto done;
	/*
	 * Unsafe only in cmark's sense: the author's raw HTML is gone unless
	 * allowed.  When some is kept, the whole body goes through the
	 * allowlist, the builder's HTML with it: raw HTML can open or close
	 * elements around the rest.  Without any, the body is the builder's
	 * alone, escaped as it was written, and a parse would only cost time.
	 */
	html = cmark_render_html(root, CMARK_OPT_UNSAFE,
	                         cmark_parser_get_syntax_extensions(parser));
	if (html && doc->allow_html && rc.html_count > 0) {
		char *clean = sanitize_html(html, strlen(html), NULL, NULL);
		free(html);
		html = clean;
	}
done:
	if (root)
		cmark_node_free(root);
	for (i = 0; i < detached; i++)
		cmark_node_free(rc.headings[i]);
	if (parser)
		cmark_parser_free(parser);
	render_release(&rc);
	return html;
}

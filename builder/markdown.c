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
#include <yaml.h>

#include "cli.h"
#include "embed.h"
#include "html.h"
#include "htmlurl.h"
#include "mdext.h"
#include "page.h"
#include "problems.h"
#include "sanitize.h"
#include "sbuf.h"
#include "slug.h"
#include "strfmt.h"
#include "utf8.h"
#include "xalloc.h"

/* Only a bound for the buffers: no lesson comes near it. */
#define MD_TEXT_MAX ((size_t)1 << 30)

/* Same options for md_parse and md_render, so both see the same tree. */
#define MD_PARSE_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_FOOTNOTES)

struct md_doc {
	char *text;
	size_t len;
	bool allow_html;
	size_t body_at; /* where the Markdown starts: after the front matter */
	unsigned front_lines; /* lines of the front matter, fed as empty lines */
	char *front_title; /* title: of the front matter, or NULL */
	char *teacher; /* md_render: the instructor divs' HTML, or NULL */
	struct md_heading *headings;
	size_t headings_count, headings_cap;
	struct md_ref *refs;
	size_t refs_count, refs_cap;
	struct md_section *sections;
	size_t sections_count, sections_cap;
	char **kept; /* strings the sections point to: boxes' ids */
	size_t kept_count, kept_cap;
	struct md_dropped *dropped;
	size_t dropped_count, dropped_cap;
	struct md_anchor *anchors; /* bracketed spans' ids */
	size_t anchors_count, anchors_cap;
};

struct md_anchor {
	char *id;
	bool teacher;
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

/*
 * A parser with GitHub's extensions and Pandoc's fenced divs and attribute
 * blocks (mdext.h), whose extensions *xp holds (free it after the parser).
 */
static cmark_parser *new_parser(struct mdext **xp)
{
	/* No tagfilter: sanitize.c removes <script>, <iframe>, <style>... and says so. */
	static const char *const names[] = { "table", "strikethrough", "autolink", "tasklist" };
	cmark_parser *p;
	size_t i;

	md_use_own_allocator();
	cmark_gfm_core_extensions_ensure_registered();
	*xp = mdext_new();
	if (!*xp)
		return NULL;
	p = cmark_parser_new(MD_PARSE_OPTIONS);
	if (!p)
		return NULL;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(names[i]);

		if (ext)
			cmark_parser_attach_syntax_extension(p, ext);
	}
	if (!mdext_attach(*xp, p)) {
		cmark_parser_free(p);
		return NULL;
	}
	return p;
}

/*
 * The lesson to the parser.  YAML front matter is not Markdown (CommonMark
 * would read its fences as a rule and a heading before any extension is
 * asked): the parser gets an empty line for each of its lines instead, so
 * that every line number it gives stays the file's.
 */
static void feed(cmark_parser *p, const struct md_doc *doc)
{
	static const char nl[] = "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n";
	unsigned left = doc->front_lines;

	while (left > 0) {
		unsigned n = left < sizeof nl - 1 ? left : (unsigned)(sizeof nl - 1);

		cmark_parser_feed(p, nl, n);
		left -= n;
	}
	cmark_parser_feed(p, doc->text + doc->body_at, doc->len - doc->body_at);
}

/* ---- fenced divs: what each class of div becomes ---- */

enum div_how {
	DIV_BOX, /* a box with its label */
	DIV_FOLD, /* folded: <details> with the label (or its heading) as <summary> */
	DIV_TEACHER, /* not on the page: the teachers' notes (md_teacher_html) */
	DIV_QUIZ /* a self-check quiz (quiz_build) */
};

struct div_kind {
	const char *cls; /* the div's first class, as the Carpentries and Pandoc write it */
	const char *label; /* page_label's key */
	enum div_how how;
};

static const struct div_kind div_kinds[] = {
	{ "objectives", "objectives", DIV_BOX },
	{ "questions", "questions", DIV_BOX },
	{ "keypoints", "keypoints", DIV_BOX },
	{ "callout", "callout", DIV_BOX },
	{ "challenge", "challenge", DIV_BOX },
	{ "exercise", "exercise", DIV_BOX },
	{ "hint", "hint", DIV_BOX },
	{ "discussion", "discussion", DIV_BOX },
	{ "testimonial", "testimonial", DIV_BOX },
	{ "prereq", "prereq", DIV_BOX },
	{ "solution", "solution", DIV_FOLD },
	{ "spoiler", "spoiler", DIV_FOLD },
	{ "instructor", "instructor", DIV_TEACHER },
	{ "quiz", "quiz", DIV_QUIZ },
};

/* The kind of a div of that class, or NULL (a plain box). */
static const struct div_kind *div_kind_of(const char *cls)
{
	size_t i;

	for (i = 0; cls && i < sizeof div_kinds / sizeof div_kinds[0]; i++)
		if (strcmp(cls, div_kinds[i].cls) == 0)
			return &div_kinds[i];
	return NULL;
}

static bool is_teacher_div(cmark_node *n)
{
	const struct mdext_attrs *a;
	const struct div_kind *k;

	if (cmark_node_get_type(n) != mdext_div_type())
		return false;
	a = mdext_attrs_of(n);
	k = div_kind_of(a ? a->cls : NULL);
	return k && k->how == DIV_TEACHER;
}

/* ---- self-check quizzes: what a quiz div holds ---- */

/*
 * A `quiz` div holds questions.  A question is a paragraph (the prompt),
 * maybe after other blocks that go with it (a picture), followed by a list
 * of its answers: "- [x]" a right choice, "- [ ]" a wrong one, "- [=]" an
 * accepted short answer.  A choice question wants one answer unless its
 * prompt ends with "{.multiple}".  A "> " quote inside an item is that
 * answer's feedback.  md_parse checks them (quiz_check), md_render builds
 * them (quiz_build) from the same reading.
 */
enum answer_mark { MARK_NONE, MARK_RIGHT, MARK_WRONG, MARK_ACCEPT };

#define QUIZ_MULTIPLE "{.multiple}"

struct question {
	cmark_node *first; /* the question's first block */
	cmark_node *prompt; /* its last paragraph before the list, or NULL */
	cmark_node *list; /* the answers, or NULL (a question with none) */
	bool multiple; /* the prompt ends with {.multiple} */
	bool short_answer; /* its items are "[=]" */
	size_t right, wrong, accepted, unmarked;
	cmark_node *unmarked_item; /* the first item with no mark */
};

static bool is_quiz_div(cmark_node *n)
{
	const struct mdext_attrs *a;

	if (!n || cmark_node_get_type(n) != mdext_div_type())
		return false;
	a = mdext_attrs_of(n);
	return a && a->cls && strcmp(a->cls, "quiz") == 0;
}

/* The plain text of a node, malloc'd (xalloc_die when out of memory). */
static char *node_text(cmark_node *n)
{
	struct text t;
	char *s;

	text_init(&t);
	if (n)
		plain_text(n, &t);
	s = text_take(&t);
	if (!s)
		xalloc_die();
	return s;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* What an item says of its answer; *text gets its text (malloc'd) without the mark. */
static enum answer_mark item_mark(cmark_node *item, char **text)
{
	cmark_node *para = cmark_node_first_child(item);
	char *t = NULL;
	enum answer_mark m = MARK_NONE;

	if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH)
		t = node_text(para);
	else
		t = xstrdup("");
	if (strcmp(cmark_node_get_type_string(item), "tasklist") == 0) {
		m = cmark_gfm_extensions_get_tasklist_item_checked(item) ? MARK_RIGHT : MARK_WRONG;
	} else if (strncmp(t, "[=]", 3) == 0) {
		size_t skip = 3;

		while (t[skip] == ' ')
			skip++;
		memmove(t, t + skip, strlen(t + skip) + 1);
		m = MARK_ACCEPT;
	}
	if (text)
		*text = t;
	else
		free(t);
	return m;
}

static void read_answers(struct question *q)
{
	cmark_node *item;

	for (item = cmark_node_first_child(q->list); item; item = cmark_node_next(item)) {
		char *t = NULL;

		switch (item_mark(item, &t)) {
		case MARK_RIGHT:
			q->right++;
			break;
		case MARK_WRONG:
			q->wrong++;
			break;
		case MARK_ACCEPT:
			if (*t)
				q->accepted++;
			q->short_answer = true;
			break;
		case MARK_NONE:
			if (!q->unmarked_item)
				q->unmarked_item = item;
			q->unmarked++;
			break;
		}
		free(t);
	}
	if (q->prompt) {
		char *p = node_text(q->prompt);

		q->multiple = ends_with(p, QUIZ_MULTIPLE);
		free(p);
	}
}

/*
 * The questions of a quiz div, in order (malloc'd, *count of them; the
 * last one may have no list: blocks after the last answers).
 */
static struct question *quiz_questions(cmark_node *quiz, size_t *count)
{
	struct question *qs = NULL, cur;
	size_t n = 0, cap = 0;
	cmark_node *c;

	memset(&cur, 0, sizeof cur);
	for (c = cmark_node_first_child(quiz); c; c = cmark_node_next(c)) {
		cmark_node_type t = cmark_node_get_type(c);

		if (!cur.first)
			cur.first = c;
		if (t == CMARK_NODE_PARAGRAPH)
			cur.prompt = c;
		if (t != CMARK_NODE_LIST)
			continue;
		cur.list = c;
		read_answers(&cur);
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			qs = xreallocarray(qs, cap, sizeof *qs);
		}
		qs[n++] = cur;
		memset(&cur, 0, sizeof cur);
	}
	if (cur.first) {
		if (n == cap)
			qs = xreallocarray(qs, ++cap, sizeof *qs);
		qs[n++] = cur;
	}
	*count = n;
	return qs;
}

/* ---- md_parse ---- */

/* Boxes nested deeper than this are read as the text of the one they are in. */
#define ASIDE_DEPTH 8

/* A search section being read: a heading's (level 0) or a box's. */
struct level {
	struct text text;
	size_t index; /* its entry in doc->sections */
	cmark_node *div; /* the box; NULL for a heading's */
	const char *kind; /* the box's page_label key */
	const char *title; /* the heading's text; a box's opening heading's, or NULL */
	const char *slug; /* where the page opens at it */
	cmark_node *title_node; /* the heading a box opens with, not read yet */
};

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
	struct level levels[ASIDE_DEPTH + 1]; /* [0] the heading's section, then the boxes open */
	size_t depth; /* boxes open */
	struct text scratch; /* text that goes nowhere */
	struct slug_set slugs;
	cmark_node *heading_node;
	unsigned teacher_depth; /* instructor divs open: their text is not the students' */
	unsigned quiz_depth; /* quiz divs open: their text is read by quiz_text */
	unsigned quizzes; /* quiz divs met: the page numbers them the same */
	bool oom;
};

/* The text of the section being read. */
static struct text *cur_text(struct parse_ctx *pc)
{
	return &pc->levels[pc->depth].text;
}

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
	r->bare = false;
	r->teacher = pc->teacher_depth > 0;
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

/* A link whose text is its address (an autolink, <https://...>). */
static bool is_bare(cmark_node *link, const char *url)
{
	cmark_node *t = cmark_node_first_child(link);
	const char *s = t && cmark_node_get_type(t) == CMARK_NODE_TEXT && !cmark_node_next(t)
	                        ? cmark_node_get_literal(t)
	                        : NULL;

	if (!s)
		return false;
	return strcmp(s, url) == 0 ||
	       (strncmp(url, "http://", 7) == 0 && strcmp(s, url + 7) == 0) ||
	       (strncmp(url, "https://", 8) == 0 && strcmp(s, url + 8) == 0) ||
	       (strncmp(url, "mailto:", 7) == 0 && strcmp(s, url + 7) == 0);
}

static void collect_link(struct parse_ctx *pc, cmark_node *node, bool image)
{
	const char *url = cmark_node_get_url(node);
	int l = cmark_node_get_start_line(node);
	unsigned line = l > 0 ? (unsigned)l : pc->cur_line;
	bool has_alt = false;

	if (!url)
		url = "";
	if (image && mdext_attrs_of(node) && mdext_attrs_of(node)->alt) {
		has_alt = mdext_attrs_of(node)->alt[0] != '\0';
	} else if (image) {
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
	if (!image && !pc->oom)
		pc->doc->refs[pc->doc->refs_count - 1].bare = is_bare(node, url);
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

/* One more warning about the Markdown, for `check`; false when out of memory. */
static bool doc_vwarn(struct md_doc *d, unsigned line, unsigned col, bool error, const char *fmt,
                      va_list ap)
{
	struct md_dropped *x;

	if (!grow((void **)&d->dropped, &d->dropped_cap, d->dropped_count, sizeof *d->dropped))
		return false;
	x = &d->dropped[d->dropped_count];
	x->line = line;
	x->col = col;
	x->error = error;
	x->message = vstrfmt(fmt, ap);
	if (!x->message)
		return false;
	d->dropped_count++;
	return true;
}

static void pc_warn(struct parse_ctx *pc, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void pc_warn(struct parse_ctx *pc, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!doc_vwarn(pc->doc, line, 0, false, fmt, ap))
		pc->oom = true;
	va_end(ap);
}

/* One error in the Markdown: `check` fails on it, and so does `build`. */
static void pc_error(struct parse_ctx *pc, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void pc_error(struct parse_ctx *pc, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!doc_vwarn(pc->doc, line, 0, true, fmt, ap))
		pc->oom = true;
	va_end(ap);
}

static void add_dropped(struct raw_check *rc, unsigned line, unsigned col, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void add_dropped(struct raw_check *rc, unsigned line, unsigned col, const char *fmt, ...)
{
	unsigned l = rc->line + line - 1, c;
	va_list ap;

	if (line <= 1)
		c = rc->col ? rc->col + col - 1 : 0;
	else
		c = rc->later_cols ? col : 0;
	va_start(ap, fmt);
	if (!doc_vwarn(rc->pc->doc, l, c, false, fmt, ap))
		rc->pc->oom = true;
	va_end(ap);
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

/* ---- YAML front matter ---- */

/* Length of the line at s[i] without its line ending, and where the next starts. */
static size_t line_at(const char *s, size_t n, size_t i, size_t *next)
{
	size_t e = i;

	while (e < n && s[e] != '\n')
		e++;
	*next = e < n ? e + 1 : n;
	if (e > i && s[e - 1] == '\r')
		e--;
	return e - i;
}

static bool fence_line(const char *s, size_t len, const char *fence)
{
	while (len > 3 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len == 3 && memcmp(s, fence, 3) == 0;
}

static const char *yaml_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "text";
	}
}

/*
 * Front matter: "---" alone on the first line, a YAML mapping, and "---" or
 * "..." alone on a line.  Its title becomes the lesson's; every other field
 * is reported, since nothing else reads it.  A first block that is not a
 * YAML mapping is left to the Markdown (a rule, then text), with a warning
 * when it is broken YAML.
 */
static void front_matter(struct parse_ctx *pc)
{
	struct md_doc *d = pc->doc;
	const char *s = d->text;
	size_t n = d->len, i, next, len, from, to = 0;
	unsigned lines = 1;
	bool closed = false;
	yaml_parser_t yp;
	yaml_document_t yd;
	yaml_node_t *root;
	yaml_node_pair_t *pair;

	/* a byte order mark first (editors on Windows write one) */
	i = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	if (!fence_line(s + i, line_at(s, n, i, &next), "---"))
		return;
	from = i = next;
	while (i < n) {
		len = line_at(s, n, i, &next);
		lines++;
		if (fence_line(s + i, len, "---") || fence_line(s + i, len, "...")) {
			to = i;
			closed = true;
			break;
		}
		i = next;
	}
	if (!closed)
		return;
	if (!yaml_parser_initialize(&yp)) {
		pc->oom = true;
		return;
	}
	yaml_parser_set_input_string(&yp, (const unsigned char *)s + from, to - from);
	if (!yaml_parser_load(&yp, &yd)) {
		pc_warn(pc, (unsigned)yp.problem_mark.line + 2,
		        "lines 1-%u look like YAML front matter but are not valid YAML (%s): "
		        "they are read as Markdown",
		        lines, yp.problem ? yp.problem : "syntax error");
		yaml_parser_delete(&yp);
		return;
	}
	yaml_parser_delete(&yp);
	root = yaml_document_get_root_node(&yd);
	if (root && root->type != YAML_MAPPING_NODE) {
		yaml_document_delete(&yd);
		return;
	}
	d->body_at = next;
	d->front_lines = next < n || (n > 0 && s[n - 1] == '\n') ? lines : lines - 1;
	for (pair = root ? root->data.mapping.pairs.start : NULL;
	     root && pair < root->data.mapping.pairs.top && !pc->oom; pair++) {
		yaml_node_t *k = yaml_document_get_node(&yd, pair->key);
		yaml_node_t *v = yaml_document_get_node(&yd, pair->value);
		const char *key =
		        k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
		unsigned line = k ? (unsigned)k->start_mark.line + 2 : 1;

		if (strcmp(key, "title") == 0 && v && v->type == YAML_SCALAR_NODE &&
		    v->data.scalar.length > 0) {
			free(d->front_title);
			d->front_title = strdup((const char *)v->data.scalar.value);
			if (!d->front_title)
				pc->oom = true;
		} else if (strcmp(key, "title") == 0) {
			pc_warn(pc, line,
			        "front matter 'title' is %s, not text: the lesson's title "
			        "comes from course.yml or its first heading",
			        v && v->type == YAML_SCALAR_NODE ? "empty"
			        : v                              ? yaml_kind(v)
			                                         : "empty");
		} else {
			char q[PROBLEMS_QUOTE_SIZE];

			pc_warn(pc, line,
			        "front matter field '%s' is ignored (a lesson's front matter "
			        "gives only its 'title'; the page does not show the rest)",
			        problems_quote(key, q));
		}
	}
	yaml_document_delete(&yd);
}

/* ---- headings and sections ---- */

/* A string the sections point to, kept until md_free (s is taken); NULL when out of memory. */
static const char *keep(struct parse_ctx *pc, char *s)
{
	struct md_doc *d = pc->doc;

	if (!s || !grow((void **)&d->kept, &d->kept_cap, d->kept_count, sizeof *d->kept)) {
		free(s);
		pc->oom = true;
		return NULL;
	}
	d->kept[d->kept_count++] = s;
	return s;
}

/* A section begins: its entry, in the order the page starts them (its text comes at its end). */
static bool start_level(struct parse_ctx *pc, struct level *lv)
{
	struct md_doc *d = pc->doc;

	if (!grow((void **)&d->sections, &d->sections_cap, d->sections_count,
	          sizeof *d->sections)) {
		pc->oom = true;
		return false;
	}
	lv->index = d->sections_count;
	memset(&d->sections[d->sections_count++], 0, sizeof *d->sections);
	return true;
}

/* The section of levels[depth] ends: its text, where it is and the boxes it is in. */
static void end_level(struct parse_ctx *pc, size_t depth)
{
	struct level *lv = &pc->levels[depth];
	struct md_section *sec = &pc->doc->sections[lv->index];
	char *t = text_take(&lv->text);
	struct md_aside *as;
	size_t i;

	if (!t) {
		pc->oom = true;
		return;
	}
	sec->text = t;
	sec->slug = lv->slug ? lv->slug : "";
	sec->heading = pc->levels[0].title ? pc->levels[0].title : "";
	if (depth == 0)
		return;
	as = calloc(depth, sizeof *as);
	if (!as) {
		pc->oom = true;
		return;
	}
	for (i = 1; i <= depth; i++) {
		as[i - 1].kind = pc->levels[i].kind;
		as[i - 1].title = pc->levels[i].title;
	}
	sec->asides = as;
	sec->asides_count = depth;
}

/* Sections with nothing to find are not listed: the search text has no empty lines. */
static void drop_empty_sections(struct md_doc *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->sections_count; i++) {
		if (d->sections[i].text && d->sections[i].text[0]) {
			d->sections[n++] = d->sections[i];
			continue;
		}
		free(d->sections[i].text);
		free((void *)d->sections[i].asides);
	}
	d->sections_count = n;
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
	{
		const struct mdext_attrs *a = mdext_attrs_of(pc->heading_node);

		/* {#id}: the id as written, made unique like any other */
		slug = slug_unique(&pc->slugs, a && a->id ? strdup(a->id) : slug_make(t));
	}
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
	h->teacher = pc->teacher_depth > 0;
	if (pc->teacher_depth > 0 || pc->quiz_depth > 0)
		return; /* not on the students' page, or a quiz's: the section goes on */
	if (pc->depth > 0) {
		struct level *lv = &pc->levels[pc->depth];

		if (lv->title_node == pc->heading_node) { /* the box's title: where it opens */
			lv->title = t;
			lv->slug = slug;
		} else { /* a heading further in: words of the box */
			text_space(&lv->text);
			text_add(&lv->text, t);
			text_space(&lv->text);
		}
		lv->title_node = NULL;
		return;
	}
	end_level(pc, 0);
	pc->levels[0].slug = slug;
	pc->levels[0].title = t;
	start_level(pc, &pc->levels[0]);
}

/* What a student can find of a quiz: what the page shows before they answer. */
static void quiz_text(cmark_node *quiz, struct text *t)
{
	size_t count = 0, i;
	struct question *qs = quiz_questions(quiz, &count);

	for (i = 0; i < count; i++) {
		cmark_node *c, *item;

		for (c = qs[i].first; c && c != qs[i].list; c = cmark_node_next(c)) {
			char *p = node_text(c);

			if (c == qs[i].prompt && qs[i].multiple) {
				size_t n = strlen(p) - strlen(QUIZ_MULTIPLE);

				while (n > 0 && is_ws(p[n - 1]))
					n--;
				p[n] = '\0';
			}
			text_space(t);
			text_add(t, p);
			free(p);
		}
		/* the choices, not which is right; no feedback, no accepted short answer */
		for (item = qs[i].list ? cmark_node_first_child(qs[i].list) : NULL; item;
		     item = cmark_node_next(item)) {
			char *p = NULL;
			enum answer_mark m = item_mark(item, &p);

			if (m == MARK_RIGHT || m == MARK_WRONG) {
				text_space(t);
				text_add(t, p);
			}
			free(p);
		}
	}
	text_space(t);
	free(qs);
}

/*
 * A labelled box (challenge, solution, callout, quiz...) on the students'
 * page: its own section, which the page opens at its heading or id, else at
 * the one it is in.
 */
static void enter_aside(struct parse_ctx *pc, cmark_node *div)
{
	const struct mdext_attrs *a = mdext_attrs_of(div);
	const struct div_kind *k = div_kind_of(a ? a->cls : NULL);
	struct level *lv;
	cmark_node *first = cmark_node_first_child(div);

	if (!k || k->how == DIV_TEACHER || pc->teacher_depth > 0 || pc->quiz_depth > 0 ||
	    pc->depth == ASIDE_DEPTH)
		return;
	lv = &pc->levels[pc->depth + 1];
	memset(lv, 0, sizeof *lv);
	text_init(&lv->text);
	lv->div = div;
	lv->kind = k->label;
	if (a && a->id)
		lv->slug = keep(pc, strdup(a->id));
	else if (k->how == DIV_QUIZ)
		lv->slug = keep(pc, xasprintf("quiz-%u", pc->quizzes)); /* as build_quiz names it */
	else
		lv->slug = pc->levels[pc->depth].slug;
	if (first && cmark_node_get_type(first) == CMARK_NODE_HEADING)
		lv->title_node = first;
	if (pc->oom || !start_level(pc, lv))
		return;
	pc->depth++;
	if (k->how == DIV_QUIZ) {
		quiz_text(div, &lv->text);
		pc->quiz_depth++;
	}
}

/* The end of a div: the end of its section when it has one. */
static void leave_aside(struct parse_ctx *pc, cmark_node *div)
{
	if (pc->depth == 0 || pc->levels[pc->depth].div != div)
		return;
	if (is_quiz_div(div))
		pc->quiz_depth--;
	end_level(pc, pc->depth);
	pc->depth--;
}

static void check_div(struct parse_ctx *pc, cmark_node *n)
{
	const struct mdext_attrs *a = mdext_attrs_of(n);
	const struct div_kind *k = div_kind_of(a ? a->cls : NULL);
	unsigned line = a && a->line ? a->line : pc->cur_line;
	char q[PROBLEMS_QUOTE_SIZE];

	if (k && k->how == DIV_TEACHER)
		pc->teacher_depth++;
	if (a && !a->closed)
		pc_warn(pc, line, "fenced div '%s' is never closed (end it with a line ':::')",
		        a->cls ? problems_quote(a->cls, q) : "");
	if (!k && a && a->cls)
		pc_warn(pc, line,
		        "fenced div class '%s' is unknown: shown as a plain box (known: "
		        "objectives, "
		        "questions, keypoints, callout, challenge, exercise, hint, discussion, "
		        "testimonial, prereq, solution, spoiler, instructor, quiz)",
		        problems_quote(a->cls, q));
	else if (!k)
		pc_warn(pc, line, "fenced div without a class: shown as a plain box");
}

/* A question's words for a message: its prompt, shortened. */
static const char *question_words(const struct question *q, char *buf)
{
	char *p = node_text(q->prompt);
	size_t n = strlen(p);

	if (q->multiple) {
		n -= strlen(QUIZ_MULTIPLE);
		while (n > 0 && is_ws(p[n - 1]))
			n--;
		p[n] = '\0';
	}
	problems_quote(p, buf);
	free(p);
	return buf;
}

static unsigned node_line(struct parse_ctx *pc, cmark_node *n)
{
	int l = n ? cmark_node_get_start_line(n) : 0;

	return l > 0 ? (unsigned)l : pc->cur_line;
}

/* Errors in a quiz div, at the line of the question they are about. */
static void check_quiz(struct parse_ctx *pc, cmark_node *quiz)
{
	size_t count = 0, i;
	struct question *qs = quiz_questions(quiz, &count);
	char w[PROBLEMS_QUOTE_SIZE];

	if (count == 0)
		pc_error(pc, node_line(pc, quiz),
		         "quiz has no question: write a question, then a list of its answers "
		         "('- [x]' right, '- [ ]' wrong, '- [=]' an accepted short answer)");
	for (i = 0; i < count; i++) {
		const struct question *q = &qs[i];
		unsigned line = node_line(pc, q->prompt ? q->prompt : q->first);

		if (!q->list) {
			if (q->prompt)
				pc_error(pc, line,
				         "quiz question '%s' has no answers: follow it with a list "
				         "('- [x]' right, '- [ ]' wrong, '- [=]' an accepted short "
				         "answer)",
				         question_words(q, w));
			continue;
		}
		if (!q->prompt) {
			pc_error(pc, node_line(pc, q->list),
			         "quiz answers with no question: write the question in a paragraph "
			         "before them");
			continue;
		}
		if (q->unmarked) {
			char *t = node_text(q->unmarked_item);

			pc_error(pc, node_line(pc, q->unmarked_item),
			         "quiz answer '%s' is not marked: start it with '[x]' (right), '[ "
			         "]' "
			         "(wrong) or '[=]' (an accepted short answer)",
			         problems_quote(t, w));
			free(t);
			continue;
		}
		if (q->short_answer && (q->right || q->wrong)) {
			pc_error(pc, line,
			         "quiz question '%s' mixes choices ('[x]', '[ ]') and short "
			         "answers ('[=]'): ask them as two questions",
			         question_words(q, w));
		} else if (q->short_answer) {
			if (q->accepted == 0)
				pc_error(pc, line,
				         "quiz question '%s' is a short answer with no accepted "
				         "answer: write one after '- [=]'",
				         question_words(q, w));
		} else if (q->right == 0) {
			pc_error(pc, line,
			         "quiz question '%s' has no right answer: mark it '- [x]'",
			         question_words(q, w));
		} else if (q->right > 1 && !q->multiple) {
			pc_error(pc, line,
			         "quiz question '%s' has %zu right answers where one is expected: "
			         "mark one '- [x]', or end the question with " QUIZ_MULTIPLE
			         " to ask for every right one",
			         question_words(q, w), q->right);
		}
	}
	free(qs);
}

/* A bracketed span's id: a place "#id" links to. */
static void add_span_anchor(struct parse_ctx *pc, const struct mdext_attrs *a)
{
	struct md_doc *d = pc->doc;
	struct md_anchor *an;

	if (!a->id)
		return;
	if (!grow((void **)&d->anchors, &d->anchors_cap, d->anchors_count, sizeof *d->anchors)) {
		pc->oom = true;
		return;
	}
	an = &d->anchors[d->anchors_count];
	an->id = strdup(a->id);
	if (!an->id) {
		pc->oom = true;
		return;
	}
	an->teacher = pc->teacher_depth > 0;
	d->anchors_count++;
}

/* A paragraph that starts with ":::" is a fence that closes nothing. */
static void check_stray_fence(struct parse_ctx *pc, cmark_node *para)
{
	int l = cmark_node_get_start_line(para);
	const char *s = pc->doc->text;
	size_t b, e;

	if (l <= 0 || !line_bounds(pc, (unsigned)l, &b, &e))
		return;
	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	if (e - b >= 3 && memcmp(s + b, ":::", 3) == 0)
		pc_warn(pc, (unsigned)l,
		        "a line '%.*s' that opens or closes no fenced div: shown as text",
		        (int)(e - b < 60 ? e - b : 60), s + b);
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
		struct text *out = pc->in_heading ? &pc->heading : cur_text(pc);
		int l = cmark_node_get_start_line(n);

		/* paragraphs, items, cells: words never run together */
		if ((type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
			text_space(cur_text(pc));
		/* teachers' notes: not in the students' search; a quiz's: quiz_text's */
		if ((pc->teacher_depth > 0 || pc->quiz_depth > 0) && !pc->in_heading)
			out = &pc->scratch;
		if (ev == CMARK_EVENT_EXIT) {
			if (type == CMARK_NODE_HEADING)
				end_heading(pc);
			if (type == mdext_div_type())
				leave_aside(pc, n);
			if (is_teacher_div(n))
				pc->teacher_depth--;
			continue;
		}
		if (l > 0)
			pc->cur_line = (unsigned)l;
		if (type == mdext_div_type()) {
			check_div(pc, n);
			if (is_quiz_div(n)) {
				check_quiz(pc, n);
				pc->quizzes++;
			}
			enter_aside(pc, n);
			continue;
		}
		if (mdext_span_attrs(n)) {
			add_span_anchor(pc, mdext_span_attrs(n));
			continue;
		}
		switch (type) {
		case CMARK_NODE_PARAGRAPH:
			check_stray_fence(pc, n);
			break;
		case CMARK_NODE_HEADING:
			pc->heading_node = n;
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
		if (pc->heading.oom || cur_text(pc)->oom)
			pc->oom = true;
	}
	cmark_iter_free(it);
	while (!pc->oom && pc->depth > 0)
		leave_aside(pc, pc->levels[pc->depth].div);
	if (!pc->oom)
		end_level(pc, 0);
	if (!pc->oom)
		drop_empty_sections(pc->doc);
}

/* ---- attributes the page does not show ---- */

static bool span_class_known(const char *cls, size_t len);

/* Each space-separated word of words, as " PREFIXword" (or "word=..."), unless a known span class. */
static void add_unshown(struct sbuf *b, const char *words, const char *prefix, bool span)
{
	while (words && *words) {
		size_t len = strcspn(words, " ");

		if (len && !(span && span_class_known(words, len)) &&
		    !sbuf_addf(b, "%s '%s%.*s%s'", b->len ? "," : "", prefix, (int)len, words,
		               prefix[0] ? "" : "=..."))
			return;
		words += len;
		words += *words == ' ';
	}
}

/*
 * An attribute block's parts that the page leaves out, a warning each
 * block: a heading shows its #id, a span its #id and the classes the
 * stylesheet knows, an image its alt; a link and a code span show none.
 */
static void check_attrs(struct parse_ctx *pc, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	struct sbuf b;

	if (!it) {
		pc->oom = true;
		return;
	}
	sbuf_init(&b, 4096);
	while (!pc->oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		const struct mdext_attrs *a = mdext_span_attrs(n);
		const char *what = "span", *shown = "a span shows only its #id and the classes "
		                                    "smallcaps, underline, mark and note";
		int l;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (!a && (type == CMARK_NODE_HEADING || type == CMARK_NODE_IMAGE ||
		           type == CMARK_NODE_LINK || type == CMARK_NODE_CODE)) {
			a = mdext_attrs_of(n);
			what = type == CMARK_NODE_HEADING ? "heading"
			       : type == CMARK_NODE_IMAGE ? "image"
			       : type == CMARK_NODE_LINK  ? "link"
			                                  : "code span";
			shown = type == CMARK_NODE_HEADING ? "a heading shows only its #id"
			        : type == CMARK_NODE_IMAGE ? "an image shows only its alt text"
			                                   : "the page shows none of them";
		}
		if (!a)
			continue;
		b.len = 0;
		if (a->id && strcmp(what, "heading") != 0 && strcmp(what, "span") != 0 &&
		    !sbuf_addf(&b, " '#%s'", a->id))
			break;
		add_unshown(&b, a->classes, ".", strcmp(what, "span") == 0);
		add_unshown(&b, a->keys, "", false);
		if (b.len == 0)
			continue;
		l = cmark_node_get_start_line(n);
		pc_warn(pc,
		        a->line ? a->line
		        : l > 0 ? (unsigned)l
		                : pc->cur_line,
		        "%s attribute%s%s not shown on the page: %s", what,
		        strchr(b.data, ',') ? "s" : "", b.data, shown);
	}
	sbuf_release(&b);
	cmark_iter_free(it);
}

struct md_doc *md_parse(const char *text, size_t len, bool allow_html)
{
	struct md_doc *doc = calloc(1, sizeof *doc);
	struct parse_ctx pc;
	struct mdext *ext = NULL;
	cmark_parser *parser = NULL;
	cmark_node *root = NULL;
	bool ok = false;

	memset(&pc, 0, sizeof pc);
	text_init(&pc.heading);
	text_init(&pc.levels[0].text);
	text_init(&pc.scratch);
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
	pc.levels[0].slug = "";
	pc.levels[0].title = "";
	pc.cur_line = 1;
	if (!index_lines(&pc) || !start_level(&pc, &pc.levels[0]))
		goto done;
	front_matter(&pc);
	if (pc.oom)
		goto done;
	parser = new_parser(&ext);
	if (!parser)
		goto done;
	feed(parser, doc);
	root = cmark_parser_finish(parser);
	if (!root)
		goto done;
	walk(&pc, root);
	if (!pc.oom)
		check_attrs(&pc, root);
	ok = !pc.oom;
done:
	if (root)
		cmark_node_free(root);
	if (parser)
		cmark_parser_free(parser);
	mdext_free(ext);
	sbuf_release(&pc.scratch.b);
	slug_set_release(&pc.slugs); /* the ids themselves belong to the headings */
	free(pc.line_start);
	sbuf_release(&pc.heading.b);
	for (size_t i = 0; i <= pc.depth; i++)
		sbuf_release(&pc.levels[i].text.b);
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
	for (i = 0; i < doc->sections_count; i++) {
		free(doc->sections[i].text);
		free((void *)doc->sections[i].asides);
	}
	for (i = 0; i < doc->kept_count; i++)
		free(doc->kept[i]);
	free(doc->kept);
	for (i = 0; i < doc->dropped_count; i++)
		free(doc->dropped[i].message);
	for (i = 0; i < doc->anchors_count; i++)
		free(doc->anchors[i].id);
	free(doc->anchors);
	free(doc->dropped);
	free(doc->front_title);
	free(doc->teacher);
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

bool md_has_anchor(const struct md_doc *doc, const char *id, bool teacher)
{
	size_t i;

	for (i = 0; doc && i < doc->headings_count; i++)
		if ((teacher || !doc->headings[i].teacher) &&
		    strcmp(doc->headings[i].slug, id) == 0)
			return true;
	for (i = 0; doc && i < doc->anchors_count; i++)
		if ((teacher || !doc->anchors[i].teacher) && strcmp(doc->anchors[i].id, id) == 0)
			return true;
	return false;
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

/* Whether a box's title names it already: "Solution", "Challenge: Loops" for "Challenge". */
static bool names_itself(const char *title, const char *label)
{
	size_t i;

	for (i = 0; label[i]; i++) {
		char a = title[i], b = label[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return !((title[i] >= 'a' && title[i] <= 'z') || (title[i] >= 'A' && title[i] <= 'Z') ||
	         (title[i] >= '0' && title[i] <= '9'));
}

char *md_section_place(const struct md_section *s, const char *lang)
{
	struct sbuf b;
	char *place, *last = xstrdup(s->heading), *name;
	size_t i;
	bool ok;

	sbuf_init(&b, MD_TEXT_MAX);
	ok = sbuf_adds(&b, s->heading);
	for (i = 0; ok && i < s->asides_count; i++) {
		const struct md_aside *a = &s->asides[i];
		const char *label = page_label(lang, a->kind);
		const struct div_kind *k = NULL;
		size_t j;

		for (j = 0; j < sizeof div_kinds / sizeof div_kinds[0]; j++)
			if (strcmp(div_kinds[j].label, a->kind) == 0)
				k = &div_kinds[j];
		/* as the page shows the box: a fold by its summary, a box by its label and title */
		if (a->title && *a->title &&
		    ((k && k->how == DIV_FOLD) || names_itself(a->title, label)))
			name = xstrdup(a->title);
		else if (a->title && *a->title)
			name = xasprintf("%s: %s", label, a->title);
		else
			name = xstrdup(label);
		/* a quiz under the heading "Quiz" is said once */
		if (strcmp(name, last) != 0)
			ok = (b.len == 0 || sbuf_adds(&b, " \xe2\x80\xba ")) && sbuf_adds(&b, name);
		free(last);
		last = name;
	}
	free(last);
	place = ok ? sbuf_take(&b, NULL) : NULL;
	if (!place)
		xalloc_die();
	return place;
}

const char *md_title(const struct md_doc *doc)
{
	size_t i;

	if (doc && doc->front_title)
		return doc->front_title;
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
	const char *lang; /* of the labels */
	cmark_node **divs;
	size_t divs_count, divs_cap;
	cmark_node **codes; /* fenced code blocks of output, errors and warnings */
	size_t codes_count, codes_cap;
	cmark_node **headings;
	size_t headings_count, headings_cap;
	cmark_node **tables;
	size_t tables_count, tables_cap;
	cmark_node **tasks;
	size_t tasks_count, tasks_cap;
	cmark_node **html;
	size_t html_count, html_cap;
	cmark_node **spans;
	size_t spans_count, spans_cap;
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

/*
 * What a fenced code block shows, by its info word, as the Carpentries
 * write them: "output", "error" and "warning" get their own look and a
 * label (md_render); NULL for code.
 */
static const char *code_kind(cmark_node *n)
{
	static const char *const kinds[] = { "output", "error", "warning" };
	const char *info = cmark_node_get_fence_info(n);
	size_t i, len;

	if (!info)
		return NULL;
	len = strcspn(info, " \t{");
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strlen(kinds[i]) == len && strncmp(info, kinds[i], len) == 0)
			return kinds[i];
	return NULL;
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
		} else if (type == mdext_div_type()) {
			push_node(rc, &rc->divs, &rc->divs_count, &rc->divs_cap, n);
		} else if (type == CMARK_NODE_CODE_BLOCK && code_kind(n)) {
			push_node(rc, &rc->codes, &rc->codes_count, &rc->codes_cap, n);
		} else if (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE) {
			push_node(rc, &rc->html, &rc->html_count, &rc->html_cap, n);
		} else if (mdext_span_attrs(n)) {
			push_node(rc, &rc->spans, &rc->spans_count, &rc->spans_cap, n);
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
	if (t.kind == MD_EMBED_TEXT) {
		free(t.href);
		free(t.note);
		return;
	}
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
	if (mdext_attrs_of(node) && mdext_attrs_of(node)->alt)
		text_add(&label, mdext_attrs_of(node)->alt); /* {alt="..."} */
	else
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

/*
 * A link that cannot be followed (to the web): its text, then its address
 * as plain text that a learner can copy, "text (https://...)".  A bare
 * address (an autolink) is only its text.
 */
static bool link_as_text(cmark_node *link)
{
	const char *url = cmark_node_get_url(link);
	cmark_node *child, *addr;
	struct text t;
	char *label, *note;
	bool bare, ok = true;

	text_init(&t);
	plain_text(link, &t);
	label = text_take(&t);
	if (!label || !url)
		return false;
	bare = strcmp(label, url) == 0 ||
	       (strncmp(url, "http://", 7) == 0 && strcmp(label, url + 7) == 0) ||
	       (strncmp(url, "https://", 8) == 0 && strcmp(label, url + 8) == 0) ||
	       (strncmp(url, "mailto:", 7) == 0 && strcmp(label, url + 7) == 0);
	note = bare ? NULL : malloc(strlen(url) + 4);
	if (note)
		snprintf(note, strlen(url) + 4, " (%s)", url);
	while (ok && (child = cmark_node_first_child(link)) != NULL)
		ok = cmark_node_insert_before(link, child) != 0;
	if (ok && note) {
		addr = cmark_node_new(CMARK_NODE_TEXT);
		ok = addr && cmark_node_set_literal(addr, note) &&
		     cmark_node_insert_before(link, addr);
		if (!ok && addr)
			cmark_node_free(addr);
	}
	free(label);
	free(note);
	if (!bare && !note)
		return false;
	if (ok)
		cmark_node_free(link);
	return ok;
}

static bool transform_item(struct render_item *item)
{
	cmark_node *node = item->node, *child;
	const char *url = item->href ? item->href : cmark_node_get_url(node);
	bool ok = true;

	switch (item->kind) {
	case MD_EMBED_TEXT:
		return link_as_text(node);
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

	if (!cmark_node_get_syntax_extension(item))
		return true; /* a quiz's choice: labelled already */
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

/* A custom block that writes open and close around what it will hold, before node. */
static cmark_node *wrapper_before(cmark_node *node, const char *open, const char *close)
{
	cmark_node *box = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);

	if (!box)
		return NULL;
	if (!cmark_node_set_on_enter(box, open) || !cmark_node_set_on_exit(box, close) ||
	    !cmark_node_insert_before(node, box)) {
		cmark_node_free(box);
		return NULL;
	}
	return box;
}

/* Was this block a heading (heading_with_id's block around its <hN>)? */
static bool is_heading_block(cmark_node *n)
{
	cmark_node *span = n ? cmark_node_first_child(n) : NULL;
	const char *open = span ? cmark_node_get_on_enter(span) : NULL;

	return n && cmark_node_get_type(n) == CMARK_NODE_CUSTOM_BLOCK && span &&
	       cmark_node_get_type(span) == CMARK_NODE_CUSTOM_INLINE && open &&
	       strncmp(open, "<h", 2) == 0;
}

/*
 * A fenced div becomes what its class says (div_kinds): a box with its
 * label in the page's language, or <details> whose <summary> is the div's
 * first heading when it starts with one ("## Solution"), else the label.
 * Returns the block that took the div's place, or NULL when out of memory.
 */
static cmark_node *transform_div(struct render_ctx *rc, cmark_node *div)
{
	const struct mdext_attrs *a = mdext_attrs_of(div);
	const struct div_kind *k = div_kind_of(a ? a->cls : NULL);
	const char *label = k ? page_label(rc->lang, k->label) : NULL;
	cmark_node *box, *child, *first;
	struct out o;
	char *open = NULL;
	bool ok;

	sbuf_init(&o.b, MD_TEXT_MAX);
	o.oom = false;
	out_add(&o, k && k->how == DIV_FOLD ? "<details class=\"box " : "<div class=\"box");
	if (k) {
		out_add(&o, k->how == DIV_FOLD ? "" : " ");
		out_esc(&o, k->cls);
	} else if (a && a->classes) {
		out_add(&o, " ");
		out_esc(&o, a->classes);
	}
	out_add(&o, "\"");
	if (a && a->id) {
		out_add(&o, " id=\"");
		out_esc(&o, a->id);
		out_add(&o, "\"");
	}
	out_add(&o, ">");
	if (k && k->how != DIV_FOLD) {
		out_add(&o, "\n<p class=\"box-label\">");
		out_esc(&o, label);
		out_add(&o, "</p>");
	}
	open = out_take(&o, &rc->oom);
	if (!open)
		return NULL;
	box = wrapper_before(div, open, k && k->how == DIV_FOLD ? "</details>" : "</div>");
	free(open);
	if (!box)
		return NULL;
	ok = true;
	while (ok && (child = cmark_node_first_child(div)) != NULL)
		ok = cmark_node_append_child(box, child) != 0;
	if (!ok)
		return NULL;
	cmark_node_free(div);
	if (!k || k->how != DIV_FOLD)
		return box;
	first = cmark_node_first_child(box);
	if (is_heading_block(first)) {
		cmark_node *summary = wrapper_before(first, "<summary>", "</summary>");

		if (!summary || !cmark_node_append_child(summary, first))
			return NULL;
		return box;
	}
	sbuf_init(&o.b, MD_TEXT_MAX);
	out_add(&o, "<summary>");
	out_esc(&o, label);
	out_add(&o, "</summary>");
	open = out_take(&o, &rc->oom);
	if (!open)
		return NULL;
	child = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	ok = child && cmark_node_set_on_enter(child, open) && cmark_node_set_on_exit(child, "") &&
	     (first ? cmark_node_insert_before(first, child) : cmark_node_append_child(box, child));
	free(open);
	if (!ok) {
		if (child)
			cmark_node_free(child);
		return NULL;
	}
	return box;
}

/* ---- self-check quizzes: the page ---- */

static cmark_node *custom_block(const char *open, const char *close)
{
	cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);

	if (!b || !cmark_node_set_on_enter(b, open) || !cmark_node_set_on_exit(b, close))
		xalloc_die();
	return b;
}

static void append(cmark_node *parent, cmark_node *child)
{
	if (!cmark_node_append_child(parent, child))
		xalloc_die();
}

/* "{.multiple}" off the end of the prompt's text (it may span text nodes). */
static void strip_multiple(cmark_node *prompt)
{
	size_t left = strlen(QUIZ_MULTIPLE);
	cmark_node *n = cmark_node_last_child(prompt), *prev;

	while (n && cmark_node_get_type(n) == CMARK_NODE_TEXT) {
		const char *t = cmark_node_get_literal(n);
		size_t len = t ? strlen(t) : 0;
		char *keep;

		while (left == strlen(QUIZ_MULTIPLE) && len > 0 && is_ws(t[len - 1]))
			len--;
		if (left > 0) {
			size_t cut = len < left ? len : left;

			len -= cut;
			left -= cut;
		}
		while (left == 0 && len > 0 && is_ws(t[len - 1]))
			len--;
		prev = cmark_node_previous(n);
		if (len == 0) {
			cmark_node_free(n);
		} else {
			keep = xstrndup(t, len);
			cmark_node_set_literal(n, keep);
			free(keep);
			if (left == 0)
				break;
		}
		n = prev;
	}
}

/* The feedback quotes of an item ("> " inside it), moved into fb (created on demand). */
static cmark_node *take_feedback(cmark_node *item, cmark_node *fb)
{
	cmark_node *c, *next, *q;

	for (c = cmark_node_first_child(item); c; c = next) {
		next = cmark_node_next(c);
		if (cmark_node_get_type(c) != CMARK_NODE_BLOCK_QUOTE)
			continue;
		if (!fb)
			fb = custom_block("<div class=\"feedback\">", "</div>");
		while ((q = cmark_node_first_child(c)) != NULL)
			append(fb, q);
		cmark_node_free(c);
	}
	return fb;
}

/* An item's mark and text: <label><input ...> text</label>, as label_task does. */
static void choice_input(cmark_node *item, const char *type, const char *name, size_t k, bool right)
{
	cmark_node *para = cmark_node_first_child(item), *label, *child;
	struct sbuf b;
	char *open;

	sbuf_init(&b, MD_TEXT_MAX);
	if (!sbuf_addf(&b, "<label><input type=\"%s\" name=\"", type) ||
	    !html_escape_into(&b, name) ||
	    !sbuf_addf(&b, "\" value=\"%zu\"%s> ", k, right ? " data-right" : ""))
		xalloc_die();
	open = sbuf_take(&b, NULL);
	if (!open)
		xalloc_die();
	label = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	if (!label || !cmark_node_set_on_enter(label, open) ||
	    !cmark_node_set_on_exit(label, "</label>"))
		xalloc_die();
	free(open);
	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) {
		para = cmark_node_new(CMARK_NODE_PARAGRAPH);
		if (!para || !cmark_node_prepend_child(item, para))
			xalloc_die();
	}
	append(para, label);
	while ((child = cmark_node_first_child(para)) != label)
		append(label, child);
	cmark_node_set_syntax_extension(item, NULL); /* a plain <li>: label_task leaves it */
}

/* One line of the answer's key: <li class="right">Right: text</li>, and its feedback. */
static cmark_node *key_line(const char *lang, bool right, const char *mark, const char *text,
                            cmark_node *fb)
{
	struct sbuf b;
	cmark_node *li;
	char *open;

	sbuf_init(&b, MD_TEXT_MAX);
	if (!sbuf_addf(&b, "<li class=\"%s\"><p><span class=\"mark\">",
	               right ? "right" : "wrong") ||
	    !html_escape_into(&b, page_label(lang, mark)) || !sbuf_adds(&b, "</span> ") ||
	    !html_escape_into(&b, text) || !sbuf_adds(&b, "</p>"))
		xalloc_die();
	open = sbuf_take(&b, NULL);
	if (!open)
		xalloc_die();
	li = custom_block(open, "</li>");
	free(open);
	if (fb)
		append(li, fb);
	return li;
}

static cmark_node *answer_box(const char *lang)
{
	struct sbuf b;
	cmark_node *box;
	char *open;

	sbuf_init(&b, MD_TEXT_MAX);
	if (!sbuf_adds(&b, "<details class=\"answer\"><summary>") ||
	    !html_escape_into(&b, page_label(lang, "check")) || !sbuf_adds(&b, "</summary>"))
		xalloc_die();
	open = sbuf_take(&b, NULL);
	if (!open)
		xalloc_die();
	box = custom_block(open, "</details>");
	free(open);
	return box;
}

/* A short answer's field: the accepted answers, one a line, for the player's script. */
static cmark_node *short_field(const char *lang, const char *name, const char *accepted)
{
	struct sbuf b;
	cmark_node *field;
	char *open;

	sbuf_init(&b, MD_TEXT_MAX);
	if (!sbuf_adds(&b, "<p class=\"short\"><label>") ||
	    !html_escape_into(&b, page_label(lang, "your_answer")) ||
	    !sbuf_adds(&b, " <input type=\"text\" name=\"") || !html_escape_into(&b, name) ||
	    !sbuf_adds(&b, "\" autocomplete=\"off\" spellcheck=\"false\" data-accept=\"") ||
	    !html_escape_into(&b, accepted) || !sbuf_adds(&b, "\"></label></p>"))
		xalloc_die();
	open = sbuf_take(&b, NULL);
	if (!open)
		xalloc_die();
	field = custom_block(open, "");
	free(open);
	return field;
}

/*
 * One question in place: <fieldset class="question"> with the prompt as
 * its <legend>, the blocks that came with it, the choices (radio buttons,
 * or checkboxes for {.multiple}) or a text field, and a <details> that
 * unfolds the key: every answer marked right or wrong, with its feedback.
 */
static void build_question(const char *lang, const char *quiz_id, size_t number, struct question *q)
{
	const char *kind = q->short_answer ? "short" : q->multiple ? "multiple" : "single";
	cmark_node *fs, *c, *next, *box, *key, *item, *fb_all = NULL;
	char *open, *name;
	struct sbuf accepted;
	size_t k = 0;

	name = xasprintf("%s-q%zu", quiz_id, number);
	sbuf_init(&accepted, MD_TEXT_MAX);
	if (!sbuf_addf(&accepted, "<fieldset class=\"question\" data-kind=\"%s\" id=\"", kind) ||
	    !html_escape_into(&accepted, name) || !sbuf_adds(&accepted, "\">"))
		xalloc_die();
	open = sbuf_take(&accepted, NULL);
	if (!open)
		xalloc_die();
	fs = custom_block(open, "</fieldset>");
	free(open);
	if (!cmark_node_insert_before(q->first, fs))
		xalloc_die();
	if (q->multiple)
		strip_multiple(q->prompt);
	append(fs, q->prompt);
	if (!cmark_node_set_type(q->prompt, CMARK_NODE_CUSTOM_BLOCK) ||
	    !cmark_node_set_on_enter(q->prompt, "<legend>") ||
	    !cmark_node_set_on_exit(q->prompt, "</legend>"))
		xalloc_die();
	for (c = cmark_node_next(fs); c && c != q->list; c = next) {
		next = cmark_node_next(c);
		append(fs, c);
	}
	box = answer_box(lang);
	key = custom_block("<ul class=\"key\">", "</ul>");
	append(box, key);
	sbuf_init(&accepted, MD_TEXT_MAX);
	for (item = cmark_node_first_child(q->list); item; item = cmark_node_next(item)) {
		char *text = NULL;
		enum answer_mark m = item_mark(item, &text);
		cmark_node *fb = take_feedback(item, NULL);

		k++;
		if (m == MARK_ACCEPT) {
			if (*text && ((accepted.len && !sbuf_adds(&accepted, "\n")) ||
			              !sbuf_adds(&accepted, text)))
				xalloc_die();
			if (fb) {
				if (!fb_all)
					fb_all = fb;
				else {
					cmark_node *x;

					while ((x = cmark_node_first_child(fb)) != NULL)
						append(fb_all, x);
					cmark_node_free(fb);
				}
			}
		} else {
			choice_input(item, q->multiple ? "checkbox" : "radio", name, k,
			             m == MARK_RIGHT);
			append(key, key_line(lang, m == MARK_RIGHT,
			                     m == MARK_RIGHT ? "right" : "wrong", text, fb));
		}
		free(text);
	}
	if (q->short_answer) {
		char *acc = sbuf_take(&accepted, NULL);

		if (!acc)
			acc = xstrdup("");
		append(fs, short_field(lang, name, acc));
		{
			/* the key: every accepted answer, one after the other */
			struct sbuf shown;
			const char *p;
			char *line;

			sbuf_init(&shown, MD_TEXT_MAX);
			for (p = acc; *p; p++)
				if (!(*p == '\n' ? sbuf_adds(&shown, " / ")
				                 : sbuf_add(&shown, p, 1)))
					xalloc_die();
			line = sbuf_take(&shown, NULL);
			if (!line)
				line = xstrdup("");
			append(key, key_line(lang, true, "accepted", line, NULL));
			free(line);
		}
		free(acc);
		cmark_node_free(q->list);
		if (fb_all)
			append(box, fb_all);
	} else {
		sbuf_release(&accepted);
		c = custom_block("<div class=\"choices\">", "</div>");
		append(fs, c);
		append(c, q->list);
	}
	append(fs, box);
	free(name);
}

/*
 * A quiz div becomes <section class="quiz">, its label, its questions, and
 * an empty line for the score that the player's script fills in (the
 * words it needs are on the section, in the page's language).  Returns
 * false when out of memory.
 */
static bool build_quiz(struct render_ctx *rc, cmark_node *div, unsigned number)
{
	const struct mdext_attrs *a = mdext_attrs_of(div);
	char *id = a && a->id ? xstrdup(a->id) : xasprintf("quiz-%u", number);
	size_t count = 0, i;
	struct question *qs = quiz_questions(div, &count);
	cmark_node *sec, *child;
	struct sbuf b;
	char *open;
	static const char *const words[] = { "right", "wrong", "score" };
	static const char *const keys[] = { "verdict_right", "verdict_wrong", "score" };

	sbuf_init(&b, MD_TEXT_MAX);
	if (!sbuf_adds(&b, "<section class=\"quiz\" id=\"") || !html_escape_into(&b, id) ||
	    !sbuf_adds(&b, "\" aria-labelledby=\"") || !html_escape_into(&b, id) ||
	    !sbuf_adds(&b, "-label\""))
		xalloc_die();
	for (i = 0; i < 3; i++)
		if (!sbuf_addf(&b, " data-%s=\"", words[i]) ||
		    !html_escape_into(&b, page_label(rc->lang, keys[i])) || !sbuf_adds(&b, "\""))
			xalloc_die();
	if (!sbuf_adds(&b, ">\n<p class=\"box-label\" id=\"") || !html_escape_into(&b, id) ||
	    !sbuf_adds(&b, "-label\">") || !html_escape_into(&b, page_label(rc->lang, "quiz")) ||
	    !sbuf_adds(&b, "</p>"))
		xalloc_die();
	open = sbuf_take(&b, NULL);
	if (!open)
		xalloc_die();
	sec = wrapper_before(div, open,
	                     "<p class=\"score\" role=\"status\" hidden></p>\n</section>");
	free(open);
	if (!sec) {
		free(qs);
		free(id);
		return false;
	}
	for (i = 0; i < count; i++)
		if (qs[i].list && qs[i].prompt && !qs[i].unmarked)
			build_question(rc->lang, id, i + 1, &qs[i]);
	while ((child = cmark_node_first_child(div)) != NULL)
		append(sec, child);
	cmark_node_free(div);
	free(qs);
	free(id);
	return true;
}

/*
 * Span classes the stylesheet gives a look (page.c): Pandoc's own, and the
 * page's quiet note.  Any other class would style nothing on the page.
 */
static const char *const span_classes[] = { "smallcaps", "underline", "mark", "note" };

static bool span_class_known(const char *cls, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof span_classes / sizeof span_classes[0]; i++)
		if (strlen(span_classes[i]) == len && strncmp(cls, span_classes[i], len) == 0)
			return true;
	return false;
}

/*
 * A bracketed span: <span id="..." class="..."> with its id and the
 * classes the stylesheet knows; other classes and key=value pairs are not
 * written.  A span with neither writes no tag, only its text.
 */
static bool span_tags(cmark_node *span)
{
	const struct mdext_attrs *a = mdext_span_attrs(span);
	const char *c = a ? a->classes : NULL;
	struct out o;
	bool any_class = false, ok;

	sbuf_init(&o.b, MD_TEXT_MAX);
	o.oom = false;
	out_add(&o, "<span");
	if (a && a->id) {
		out_add(&o, " id=\"");
		out_esc(&o, a->id);
		out_add(&o, "\"");
	}
	while (c && *c) {
		size_t len = strcspn(c, " ");

		if (span_class_known(c, len)) {
			char *one = xstrndup(c, len);

			out_add(&o, any_class ? " " : " class=\"");
			out_esc(&o, one);
			free(one);
			any_class = true;
		}
		c += len;
		c += *c == ' ';
	}
	if (any_class)
		out_add(&o, "\"");
	out_add(&o, ">");
	if (o.oom) {
		sbuf_release(&o.b);
		return false;
	}
	ok = !(a && a->id) && !any_class ? true /* no tag: the inlines alone */
	                                 : cmark_node_set_on_enter(span, o.b.data) &&
	                                           cmark_node_set_on_exit(span, "</span>");
	sbuf_release(&o.b);
	return ok;
}

/* Output, errors and warnings: their own look, and a label read aloud as the figure's name. */
static bool label_code(struct render_ctx *rc, cmark_node *code)
{
	const char *kind = code_kind(code);
	cmark_node *box;
	struct out o;
	char *open;

	sbuf_init(&o.b, MD_TEXT_MAX);
	o.oom = false;
	out_add(&o, "<figure class=\"code ");
	out_add(&o, kind);
	out_add(&o, "\"><figcaption>");
	out_esc(&o, page_label(rc->lang, kind));
	out_add(&o, "</figcaption>");
	open = out_take(&o, &rc->oom);
	if (!open)
		return false;
	box = wrapper_before(code, open, "</figure>");
	free(open);
	return box && cmark_node_append_child(box, code);
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
	free(rc->divs);
	free(rc->codes);
	free(rc->headings);
	free(rc->tables);
	free(rc->tasks);
	free(rc->html);
	free(rc->spans);
}

/* An instructor div inside another is its notes already. */
static bool teacher_outermost(cmark_node *div)
{
	cmark_node *p;

	if (!is_teacher_div(div))
		return false;
	for (p = cmark_node_parent(div); p; p = cmark_node_parent(p))
		if (is_teacher_div(p))
			return false;
	return true;
}

/* cmark-gfm's label of a footnote's link back to where it is cited, in English. */
#define BACKREF_EN "data-footnote-backref aria-label=\"Back to content\""

/* That label in lang (page.c's "back"); html is freed.  NULL when out of memory. */
static char *label_backrefs(char *html, const char *lang)
{
	const char *label = page_label(lang, "back"), *s = html, *hit;
	struct sbuf b;

	if (!html || !strstr(html, BACKREF_EN) || strcmp(label, "Back to content") == 0)
		return html;
	sbuf_init(&b, MD_TEXT_MAX);
	while ((hit = strstr(s, BACKREF_EN)) != NULL) {
		if (!sbuf_add(&b, s, (size_t)(hit - s)) ||
		    !sbuf_adds(&b, "data-footnote-backref aria-label=\"") ||
		    !html_escape_into(&b, label) || !sbuf_adds(&b, "\""))
			break;
		s = hit + strlen(BACKREF_EN);
	}
	if (!hit && sbuf_adds(&b, s)) {
		free(html);
		return sbuf_take(&b, NULL);
	}
	sbuf_release(&b);
	free(html);
	return NULL;
}

char *md_render(struct md_doc *doc, const char *lang, md_resolve_fn resolve, void *ctx)
{
	struct render_ctx rc;
	struct mdext *ext = NULL;
	cmark_parser *parser = NULL;
	cmark_node *root = NULL;
	cmark_node **teacher = NULL;
	size_t teacher_count = 0;
	bool *outermost = NULL;
	struct sbuf notes;
	char *html = NULL;
	size_t i, detached = 0;
	unsigned quizzes;

	memset(&rc, 0, sizeof rc);
	rc.doc = doc;
	rc.lang = lang;
	sbuf_init(&notes, MD_TEXT_MAX);
	if (!doc)
		return NULL;
	free(doc->teacher);
	doc->teacher = NULL;
	parser = new_parser(&ext);
	if (!parser)
		goto done;
	feed(parser, doc);
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
	for (i = 0, quizzes = 0; i < rc.divs_count; i++) {
		if (!is_quiz_div(rc.divs[i]))
			continue;
		if (!build_quiz(&rc, rc.divs[i], ++quizzes))
			goto done;
		rc.divs[i] = NULL; /* done: no box around it */
	}
	for (i = 0; i < rc.spans_count; i++)
		if (!span_tags(rc.spans[i]))
			goto done;
	for (i = 0; i < rc.tasks_count; i++)
		if (!label_task(rc.tasks[i]))
			goto done;
	for (i = 0; i < rc.codes_count; i++)
		if (!label_code(&rc, rc.codes[i]))
			goto done;
	teacher = calloc(rc.divs_count + 1, sizeof *teacher);
	outermost = calloc(rc.divs_count + 1, sizeof *outermost);
	if (!teacher || !outermost)
		goto done;
	for (i = 0; i < rc.divs_count; i++)
		outermost[i] = rc.divs[i] && teacher_outermost(rc.divs[i]);
	for (i = 0; i < rc.divs_count; i++) {
		cmark_node *box;

		if (!rc.divs[i])
			continue;
		box = transform_div(&rc, rc.divs[i]);

		if (!box)
			goto done;
		if (outermost[i])
			teacher[teacher_count++] = box;
	}
	/*
	 * Instructor divs leave the students' page here.  Their HTML, in the
	 * order of the lesson, is kept for md_teacher_html: the seam where the
	 * teachers' pages take them.
	 */
	for (i = 0; i < teacher_count; i++) {
		char *part = cmark_render_html(teacher[i], CMARK_OPT_UNSAFE,
		                               cmark_parser_get_syntax_extensions(parser));

		if (!part || !sbuf_adds(&notes, part)) {
			free(part);
			goto done;
		}
		free(part);
		cmark_node_free(teacher[i]);
	}
	/*
	 * Unsafe only in cmark's sense: the author's raw HTML is gone unless
	 * allowed.  When some is kept, the whole body goes through the
	 * allowlist, the builder's HTML with it: raw HTML can open or close
	 * elements around the rest.  Without any, the body is the builder's
	 * alone, escaped as it was written, and a parse would only cost time.
	 */
	html = label_backrefs(cmark_render_html(root, CMARK_OPT_UNSAFE,
	                                        cmark_parser_get_syntax_extensions(parser)),
	                      lang);
	if (html && doc->allow_html && rc.html_count > 0) {
		char *clean = sanitize_html(html, strlen(html), NULL, NULL);
		free(html);
		html = clean;
	}
	if (html && notes.len > 0) {
		doc->teacher = sbuf_take(&notes, NULL);
		if (doc->teacher && doc->allow_html && rc.html_count > 0) {
			char *clean = sanitize_html(doc->teacher, strlen(doc->teacher), NULL, NULL);

			free(doc->teacher);
			doc->teacher = clean;
		}
		if (!doc->teacher) {
			free(html);
			html = NULL;
		}
	}
done:
	sbuf_release(&notes);
	free(teacher);
	free(outermost);
	if (root)
		cmark_node_free(root);
	for (i = 0; i < detached; i++)
		cmark_node_free(rc.headings[i]);
	if (parser)
		cmark_parser_free(parser);
	mdext_free(ext);
	render_release(&rc);
	return html;
}

const char *md_teacher_html(const struct md_doc *doc)
{
	return doc ? doc->teacher : NULL;
}

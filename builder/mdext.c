/* mdext.c - Pandoc's fenced divs and attribute blocks as cmark-gfm syntax extensions (mdext.h). */
#include "mdext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-extension_api.h>

#include "sbuf.h"
#include "xalloc.h"

/*
 * Divs nest at most this deep; a deeper fence is text.  Lessons nest two or
 * three; a bound keeps a crafted lesson from costing time with the square
 * of its depth.
 */
#define DIV_DEPTH_MAX 32

/*
 * Bytes read looking for attribute blocks in one lesson: thousands of
 * blocks, while a crafted lesson of "[a](b){'" repeated cannot make each
 * one read ATTRS_MAX bytes.  Past it, braces are text.
 */
#define ATTRS_BUDGET ((size_t)1 << 20)

/* An attribute block longer than this is not one: Pandoc's are a line or two. */
#define ATTRS_MAX 8192

/* Bracketed spans nest at most this deep; deeper ones keep their text, not their attributes. */
#define SPAN_DEPTH_MAX 32

struct mdext {
	cmark_syntax_extension *div; /* owned: freed by mdext_free */
	cmark_syntax_extension *attrs;
	cmark_syntax_extension *deflist;
	struct mdext_attrs **all; /* every attribute set handed out */
	size_t count, cap;
	size_t scan_left; /* bytes attribute blocks may still read (ATTRS_BUDGET) */
	size_t span_steps_left; /* inlines spans may still walk back over (ATTRS_BUDGET) */
	size_t spans; /* bracketed spans made */
};

/* ---- attribute blocks ---- */

static bool attr_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Characters of an #id, a .class or a key: anything but space, quotes, braces, '=', '#', '.'. */
static bool name_char(char c, bool key)
{
	if (attr_space(c) || c == '{' || c == '}' || c == '"' || c == '\'' || c == '\0')
		return false;
	if (key)
		return c != '=' && c != '#' && c != '.';
	return c != '#' && c != '.';
}

static void add_word(char **list, const char *w, size_t n)
{
	char *old = *list;

	*list = old ? xasprintf("%s %.*s", old, (int)n, w) : xstrndup(w, n);
	free(old);
}

void mdext_attrs_release(struct mdext_attrs *a)
{
	if (!a)
		return;
	free(a->id);
	free(a->cls);
	free(a->classes);
	free(a->alt);
	free(a->keys);
	memset(a, 0, sizeof *a);
}

/* A quoted value from s[*i] (the quote), backslash escapes undone; false when unterminated. */
static bool quoted(const char *s, size_t n, size_t *i, char **out)
{
	char q = s[*i];
	struct sbuf b;
	size_t j;

	sbuf_init(&b, ATTRS_MAX);
	for (j = *i + 1; j < n && s[j] != q; j++) {
		if (s[j] == '\\' && j + 1 < n &&
		    (s[j + 1] == q || s[j + 1] == '\\' ||
		     (s[j + 1] > ' ' && s[j + 1] < 0x7f &&
		      strchr("!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~", s[j + 1]))))
			j++;
		if (!sbuf_add(&b, s + j, 1)) {
			sbuf_release(&b);
			return false;
		}
	}
	if (j >= n) {
		sbuf_release(&b);
		return false;
	}
	*i = j + 1;
	*out = sbuf_take(&b, NULL);
	if (!*out)
		xalloc_die();
	return true;
}

size_t mdext_parse_attrs(const char *s, size_t n, struct mdext_attrs *a)
{
	size_t i = 1, b;

	memset(a, 0, sizeof *a);
	if (n == 0 || s[0] != '{')
		return 0;
	if (n > ATTRS_MAX)
		n = ATTRS_MAX;
	for (;;) {
		while (i < n && attr_space(s[i]))
			i++;
		if (i >= n)
			break;
		if (s[i] == '}')
			return i + 1;
		if (s[i] == '#' || s[i] == '.') {
			char kind = s[i++];

			for (b = i; i < n && name_char(s[i], false); i++)
				;
			if (i == b)
				break;
			if (kind == '#') {
				free(a->id);
				a->id = xstrndup(s + b, i - b);
			} else {
				if (!a->cls)
					a->cls = xstrndup(s + b, i - b);
				add_word(&a->classes, s + b, i - b);
			}
		} else if (s[i] == '-' && i + 1 < n && (attr_space(s[i + 1]) || s[i + 1] == '}')) {
			i++;
			add_word(&a->classes, "unnumbered", 10);
		} else {
			char *value = NULL;
			size_t k = i, klen;

			for (; i < n && name_char(s[i], true); i++)
				;
			klen = i - k;
			if (klen == 0 || i >= n || s[i] != '=')
				break;
			i++;
			if (i < n && (s[i] == '"' || s[i] == '\'')) {
				if (!quoted(s, n, &i, &value))
					break;
			} else {
				for (b = i; i < n && !attr_space(s[i]) && s[i] != '}'; i++)
					;
				value = xstrndup(s + b, i - b);
			}
			if (klen == 3 && memcmp(s + k, "alt", 3) == 0) {
				free(a->alt);
				a->alt = value;
			} else {
				add_word(&a->keys, s + k, klen);
				free(value);
			}
		}
	}
	mdext_attrs_release(a);
	return 0;
}

static struct mdext_attrs *keep(struct mdext *x, const struct mdext_attrs *a)
{
	struct mdext_attrs *p = xmalloc(sizeof *p);

	if (x->count == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 16;
		x->all = xreallocarray(x->all, x->cap, sizeof *x->all);
	}
	*p = *a;
	x->all[x->count++] = p;
	return p;
}

const struct mdext_attrs *mdext_attrs_of(cmark_node *node)
{
	return node ? cmark_node_get_user_data(node) : NULL;
}

/* ---- bracketed spans ---- */

/*
 * Pandoc's bracketed spans, "[text]{#id .class}".  To CommonMark "[text]"
 * with no link after it is text: cmark-gfm leaves a "[" and a "]" text
 * node around the inlines between, siblings.  An attribute block right
 * after such a "]" makes a span (a CMARK_NODE_CUSTOM_INLINE carrying the
 * attributes) of what lies between it and the "[" it closes, found by
 * walking back over the siblings, brackets balanced, as cmark-gfm paired
 * them.  The brackets stay in the tree as empty text (cmark-gfm's bracket
 * stack may still point at them); "![" keeps its "!", as in Pandoc.
 */

/* A "[", "![" or "]" cmark-gfm left as text, not escaped: a backslash widens its columns. */
static bool bracket_text(cmark_node *n, const char *lit)
{
	const char *t;

	if (!n || cmark_node_get_type(n) != CMARK_NODE_TEXT)
		return false;
	t = cmark_node_get_literal(n);
	return t && strcmp(t, lit) == 0 &&
	       cmark_node_get_end_column(n) - cmark_node_get_start_column(n) ==
	               (int)strlen(lit) - 1;
}

static bool span_close(cmark_node *n)
{
	return bracket_text(n, "]");
}

static bool span_open(cmark_node *n)
{
	return bracket_text(n, "[") || bracket_text(n, "![");
}

static bool is_span_node(cmark_node *n)
{
	return cmark_node_get_type(n) == CMARK_NODE_CUSTOM_INLINE && cmark_node_get_user_data(n);
}

const struct mdext_attrs *mdext_span_attrs(cmark_node *node)
{
	return node && is_span_node(node) ? cmark_node_get_user_data(node) : NULL;
}

/*
 * The span that close ends, with attributes a (kept by x), or NULL when
 * close opens nothing (or the walk back would cost more than the lesson's
 * budget: then the braces are text).
 */
static cmark_node *span_wrap(struct mdext *x, cmark_node *close, struct mdext_attrs *a)
{
	cmark_node *open, *span, *n, *next;
	size_t depth = 0;

	for (open = cmark_node_previous(close); open; open = cmark_node_previous(open)) {
		if (x->span_steps_left == 0)
			return NULL;
		x->span_steps_left--;
		if (span_close(open))
			depth++;
		else if (span_open(open) && depth-- == 0)
			break;
	}
	if (!open)
		return NULL;
	span = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	if (!span || !cmark_node_set_on_enter(span, "") || !cmark_node_set_on_exit(span, "") ||
	    !cmark_node_insert_after(open, span))
		xalloc_die();
	for (n = cmark_node_next(span); n && n != close; n = next) {
		next = cmark_node_next(n);
		if (!cmark_node_append_child(span, n))
			xalloc_die();
	}
	if (!cmark_node_set_literal(open,
	                            strcmp(cmark_node_get_literal(open), "![") == 0 ? "!" : "") ||
	    !cmark_node_set_literal(close, ""))
		xalloc_die();
	cmark_node_set_user_data(span, keep(x, a));
	x->spans++;
	return span;
}

/* Spans deeper than SPAN_DEPTH_MAX give their inlines to their parent. */
static cmark_node *spans_postprocess(cmark_syntax_extension *ext, cmark_parser *parser,
                                     cmark_node *root)
{
	struct mdext *x = cmark_syntax_extension_get_private(ext);
	cmark_iter *it;
	cmark_node **deep = NULL, *child;
	size_t depth = 0, count = 0, cap = 0, i;
	cmark_event_type ev;

	(void)parser;
	if (x->spans == 0)
		return root;
	it = cmark_iter_new(root);
	if (!it)
		xalloc_die();
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (!is_span_node(n))
			continue;
		if (ev == CMARK_EVENT_EXIT) {
			depth--;
			continue;
		}
		if (++depth <= SPAN_DEPTH_MAX)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			deep = xreallocarray(deep, cap, sizeof *deep);
		}
		deep[count++] = n;
	}
	cmark_iter_free(it);
	for (i = 0; i < count; i++) {
		while ((child = cmark_node_first_child(deep[i])) != NULL)
			if (!cmark_node_insert_before(deep[i], child))
				xalloc_die();
		cmark_node_free(deep[i]);
	}
	free(deep);
	return root;
}

/*
 * Inline: at '{' right after a link, an image or a code span, or ending a
 * heading's text, an attribute block goes onto that node and out of the
 * text.  The block is read from the inline parser's own input, so it may
 * span lines; anything that is not a whole block stays text.
 */
static cmark_node *attrs_match(cmark_syntax_extension *ext, cmark_parser *parser,
                               cmark_node *parent, unsigned char c, cmark_inline_parser *ip)
{
	struct mdext *x = cmark_syntax_extension_get_private(ext);
	int start = cmark_inline_parser_get_offset(ip);
	cmark_node *prev = cmark_node_last_child(parent), *empty;
	cmark_node_type pt = prev ? cmark_node_get_type(prev) : CMARK_NODE_NONE;
	bool in_heading = cmark_node_get_type(parent) == CMARK_NODE_HEADING;
	unsigned char before = start > 0 ? cmark_inline_parser_peek_at(ip, start - 1) : 0;
	struct mdext_attrs a;
	struct sbuf b;
	size_t used = 0;
	bool quote1 = false, quote2 = false, escaped = false, whole = false;
	bool span = before == ']' && span_close(prev);
	char *s;

	(void)parser;
	if (c != '{')
		return NULL;
	if (!span && !in_heading &&
	    !((pt == CMARK_NODE_LINK || pt == CMARK_NODE_IMAGE) &&
	      (before == ')' || before == ']')) &&
	    !(pt == CMARK_NODE_CODE && before == '`'))
		return NULL;
	sbuf_init(&b, ATTRS_MAX);
	while (!cmark_inline_parser_is_eof(ip) && x->scan_left > 0) {
		unsigned char ch = cmark_inline_parser_peek_char(ip);

		x->scan_left--;
		if (!sbuf_add(&b, &ch, 1))
			break;
		cmark_inline_parser_advance_offset(ip);
		if (escaped) {
			escaped = false;
		} else if (ch == '\\' && (quote1 || quote2)) {
			escaped = true;
		} else if (ch == '\'' && !quote2) {
			quote1 = !quote1;
		} else if (ch == '"' && !quote1) {
			quote2 = !quote2;
		} else if (ch == '}' && !quote1 && !quote2) {
			whole = true;
			break;
		}
	}
	s = sbuf_take(&b, &used);
	if (!s)
		xalloc_die();
	memset(&a, 0, sizeof a);
	if (!whole || mdext_parse_attrs(s, used, &a) != used) {
		free(s);
		mdext_attrs_release(&a);
		cmark_inline_parser_set_offset(ip, start);
		return NULL;
	}
	free(s);
	a.line = (unsigned)cmark_inline_parser_get_line(ip);
	if (span && span_wrap(x, prev, &a)) {
		empty = cmark_node_new(CMARK_NODE_TEXT);
		if (!empty || !cmark_node_set_literal(empty, ""))
			xalloc_die();
		return empty;
	}
	if (span && !in_heading) {
		mdext_attrs_release(&a);
		cmark_inline_parser_set_offset(ip, start);
		return NULL;
	}
	if (in_heading) {
		/* a heading's block ends its text: only spaces may follow */
		while (!cmark_inline_parser_is_eof(ip) &&
		       attr_space((char)cmark_inline_parser_peek_char(ip)))
			cmark_inline_parser_advance_offset(ip);
		if (!cmark_inline_parser_is_eof(ip)) {
			mdext_attrs_release(&a);
			cmark_inline_parser_set_offset(ip, start);
			return NULL;
		}
		if (pt == CMARK_NODE_TEXT) { /* "Title {#id}": the page shows "Title" */
			const char *t = cmark_node_get_literal(prev);
			size_t k = t ? strlen(t) : 0;
			char *trim;

			while (k > 0 && attr_space(t[k - 1]))
				k--;
			trim = xstrndup(t ? t : "", k);
			cmark_node_set_literal(prev, trim);
			free(trim);
		}
		prev = parent;
	}
	a.line = (unsigned)cmark_inline_parser_get_line(ip);
	cmark_node_set_user_data(prev, keep(x, &a));
	empty = cmark_node_new(CMARK_NODE_TEXT);
	if (!empty || !cmark_node_set_literal(empty, ""))
		xalloc_die();
	return empty;
}

/* ---- fenced divs ---- */

static cmark_node_type div_type_value;

cmark_node_type mdext_div_type(void)
{
	if (!div_type_value)
		div_type_value = cmark_syntax_extension_add_node(0);
	return div_type_value;
}

/* Colons at s: their count (3 or more), else 0. */
static size_t colons(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == ':')
		i++;
	return i >= 3 ? i : 0;
}

static size_t line_end(const unsigned char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n;
}

static bool only_space(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!attr_space((char)s[i]))
			return false;
	return true;
}

static bool closing_fence(const unsigned char *s, size_t n)
{
	size_t c = colons(s, n);

	return c > 0 && only_space(s + c, n - c);
}

/*
 * An opening fence: colons, a class word or an attribute block, maybe
 * colons again.  Fills a; false when the line is not one.
 */
static bool opening_fence(const unsigned char *s, size_t n, struct mdext_attrs *a)
{
	size_t i = colons(s, n), b, used;

	memset(a, 0, sizeof *a);
	if (i == 0)
		return false;
	while (i < n && attr_space((char)s[i]))
		i++;
	if (i >= n)
		return false;
	if (s[i] == '{') {
		used = mdext_parse_attrs((const char *)s + i, n - i, a);
		if (used == 0)
			return false;
		i += used;
	} else {
		for (b = i; i < n && !attr_space((char)s[i]) && s[i] != ':' && s[i] != '{'; i++)
			;
		if (i == b)
			return false;
		a->cls = xstrndup((const char *)s + b, i - b);
		a->classes = xstrdup(a->cls);
	}
	while (i < n && attr_space((char)s[i]))
		i++;
	while (i < n && s[i] == ':')
		i++;
	if (!only_space(s + i, n - i)) {
		mdext_attrs_release(a);
		return false;
	}
	return true;
}

static cmark_node *div_open(cmark_syntax_extension *ext, int indented, cmark_parser *parser,
                            cmark_node *parent, unsigned char *input, int len)
{
	struct mdext *x = cmark_syntax_extension_get_private(ext);
	int at = cmark_parser_get_first_nonspace(parser);
	size_t n = line_end(input, (size_t)len);
	struct mdext_attrs a;
	struct mdext_attrs *kept;
	cmark_node *div;

	if (indented || at < 0 || (size_t)at >= n || input[at] != ':')
		return NULL;
	{
		size_t depth = 0;
		cmark_node *p;

		for (p = parent; p && depth < DIV_DEPTH_MAX; p = cmark_node_parent(p))
			if (cmark_node_get_type(p) == mdext_div_type())
				depth++;
		if (depth >= DIV_DEPTH_MAX)
			return NULL;
	}
	if (!opening_fence(input + at, n - (size_t)at, &a))
		return NULL;
	div = cmark_parser_add_child(parser, parent, mdext_div_type(),
	                             cmark_parser_get_first_nonspace_column(parser));
	if (!div) {
		mdext_attrs_release(&a);
		return NULL;
	}
	cmark_node_set_syntax_extension(div, ext);
	a.line = (unsigned)cmark_parser_get_line_number(parser);
	kept = keep(x, &a);
	cmark_node_set_user_data(div, kept);
	cmark_parser_advance_offset(parser, (const char *)input,
	                            (int)n - cmark_parser_get_offset(parser), 0);
	return div;
}

/*
 * Whether a closing fence read by div belongs to something inside it: a
 * div still open deeper down, or a fenced code block still open (whose
 * text the fence then is).  Open blocks are the chain of last children; a
 * block that cmark-gfm has closed has its end column set.
 */
static bool inner_open(cmark_node *div)
{
	cmark_node *n;

	for (n = cmark_node_last_child(div); n; n = cmark_node_last_child(n)) {
		cmark_node_type t = cmark_node_get_type(n);

		if (t == mdext_div_type()) {
			const struct mdext_attrs *a = mdext_attrs_of(n);

			return a && !a->closed && cmark_node_get_end_column(n) == 0;
		}
		if (cmark_node_get_end_column(n) != 0)
			return false;
		if (t == CMARK_NODE_CODE_BLOCK) {
			int length, offset;
			char ch;

			return cmark_node_get_fenced(n, &length, &offset, &ch) != 0;
		}
	}
	return false;
}

/*
 * A div goes on until its closing fence: that line is read as a blank line
 * inside it (so a paragraph before it ends), and the div ends at the next.
 */
static int div_match(cmark_syntax_extension *ext, cmark_parser *parser, unsigned char *input,
                     int len, cmark_node *container)
{
	struct mdext_attrs *a = cmark_node_get_user_data(container);
	int at = cmark_parser_get_first_nonspace(parser);
	size_t n = line_end(input, (size_t)len);

	(void)ext;
	if (!a || a->closed)
		return 0;
	if (cmark_parser_get_indent(parser) >= 4 || at < 0 || (size_t)at >= n ||
	    !closing_fence(input + at, n - (size_t)at))
		return 1;
	if (inner_open(container))
		return 1;
	a->closed = true;
	cmark_parser_advance_offset(parser, (const char *)input,
	                            (int)n - cmark_parser_get_offset(parser), 0);
	return 1;
}

static const char *div_type_string(cmark_syntax_extension *ext, cmark_node *node)
{
	(void)ext;
	(void)node;
	return "fenced_div";
}

static int div_can_contain(cmark_syntax_extension *ext, cmark_node *node, cmark_node_type child)
{
	(void)ext;
	(void)node;
	return (child & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && child != CMARK_NODE_ITEM;
}

/* ---- definition lists ---- */

/*
 * Pandoc's definition lists, read from the tree once the inlines are
 * parsed (a definition line is ordinary paragraph text to CommonMark):
 *
 *     Term                 a line of its own,
 *     : Definition         then lines that start with ": " (or ":" and a tab),
 *     more of it           each line after one of them continuing it;
 *
 *     : Another definition a paragraph that starts with ": " after a term
 *                          or a definition list adds to it.
 *
 * The list is a custom block <dl>; the term paragraph becomes <dt> (its
 * inlines' text lives in its buffer, so it stays in the tree), each
 * definition a <dd> holding a paragraph.
 */

static bool is_dl(cmark_node *n)
{
	const char *open = n && cmark_node_get_type(n) == CMARK_NODE_CUSTOM_BLOCK
	                           ? cmark_node_get_on_enter(n)
	                           : NULL;

	return open && strcmp(open, "<dl>") == 0;
}

/* A text node that starts a definition: ": " or ":\t". */
static bool def_start(cmark_node *n)
{
	const char *t =
	        n && cmark_node_get_type(n) == CMARK_NODE_TEXT ? cmark_node_get_literal(n) : NULL;

	return t && t[0] == ':' &&
	       (t[1] == ' ' || t[1] == '\t' || (t[1] == '\0' && cmark_node_next(n)));
}

static bool is_break(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);

	return t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK;
}

/* The paragraph has a line (after its first) that starts a definition. */
static bool has_def_line(cmark_node *para)
{
	cmark_node *n;

	for (n = cmark_node_first_child(para); n; n = cmark_node_next(n))
		if (is_break(n) && def_start(cmark_node_next(n)))
			return true;
	return false;
}

static cmark_node *new_block(const char *open, const char *close)
{
	cmark_node *b = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);

	if (!b || !cmark_node_set_on_enter(b, open) || !cmark_node_set_on_exit(b, close))
		xalloc_die();
	return b;
}

/* Drop ": " from the text node that starts a definition. */
static void strip_marker(cmark_node *text)
{
	const char *t = cmark_node_get_literal(text);
	char *rest;

	t++;
	while (*t == ' ' || *t == '\t')
		t++;
	rest = xstrdup(t);
	cmark_node_set_literal(text, rest);
	free(rest);
}

static cmark_node *new_dd(cmark_node *dl, cmark_node *para)
{
	cmark_node *dd = new_block("<dd>", "</dd>");

	if (!para)
		para = cmark_node_new(CMARK_NODE_PARAGRAPH);
	if (!para || !cmark_node_append_child(dl, dd) || !cmark_node_append_child(dd, para))
		xalloc_die();
	return para;
}

/*
 * The definitions of para, from its text node def on, go into dl: one
 * <dd><p> per definition line and the lines that follow it.  When def
 * starts para, para itself is the first definition's paragraph; the
 * others' text stays in its buffer, which stays in the tree.
 */
static void move_defs(cmark_node *dl, cmark_node *para, cmark_node *def)
{
	cmark_node *p, *n, *next;

	if (def == cmark_node_first_child(para)) {
		p = new_dd(dl, para);
		strip_marker(def);
		n = cmark_node_next(def);
	} else {
		p = new_dd(dl, NULL);
		strip_marker(def);
		n = def;
	}
	for (; n; n = next) {
		next = cmark_node_next(n);
		if (is_break(n) && next && def_start(next)) {
			cmark_node_free(n); /* the line break before the next definition */
			p = new_dd(dl, NULL);
			strip_marker(next);
			continue;
		}
		if (p != para && !cmark_node_append_child(p, n))
			xalloc_die();
	}
}

/* The term paragraph becomes <dt> in a (new or previous) list. */
static cmark_node *term(cmark_node *para)
{
	cmark_node *prev = cmark_node_previous(para), *dl;

	if (is_dl(prev)) {
		dl = prev;
	} else {
		dl = new_block("<dl>", "</dl>");
		if (!cmark_node_insert_before(para, dl))
			xalloc_die();
	}
	if (!cmark_node_append_child(dl, para))
		xalloc_die();
	if (!cmark_node_set_type(para, CMARK_NODE_CUSTOM_BLOCK) ||
	    !cmark_node_set_on_enter(para, "<dt>") || !cmark_node_set_on_exit(para, "</dt>"))
		xalloc_die();
	return dl;
}

static cmark_node *deflist_postprocess(cmark_syntax_extension *ext, cmark_parser *parser,
                                       cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_node **paras = NULL;
	size_t count = 0, cap = 0, i;
	cmark_event_type ev;

	(void)ext;
	(void)parser;
	if (!it)
		xalloc_die();
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);

		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			paras = xreallocarray(paras, cap, sizeof *paras);
		}
		paras[count++] = n;
	}
	cmark_iter_free(it);
	for (i = 0; i < count; i++) {
		cmark_node *p = paras[i], *prev = cmark_node_previous(p), *first, *n;

		if (!cmark_node_first_child(p) || !cmark_node_parent(p))
			continue;
		first = cmark_node_first_child(p);
		if (def_start(first) &&
		    (is_dl(prev) || (prev && cmark_node_get_type(prev) == CMARK_NODE_PARAGRAPH &&
		                     !has_def_line(prev)))) {
			/* ": more" after a list, or after a term in a paragraph of its own */
			move_defs(is_dl(prev) ? prev : term(prev), p, first);
			continue;
		}
		if (def_start(first) || !has_def_line(p))
			continue;
		for (n = first; n && !(is_break(n) && def_start(cmark_node_next(n)));)
			n = cmark_node_next(n);
		{
			cmark_node *def = cmark_node_next(n), *dl = term(p);

			cmark_node_free(n); /* the break between the term and its definition */
			move_defs(dl, p, def);
		}
	}
	free(paras);
	return root;
}

/* ---- the set ---- */

struct mdext *mdext_new(void)
{
	struct mdext *x = calloc(1, sizeof *x);
	cmark_llist *chars;

	if (!x)
		return NULL;
	x->scan_left = ATTRS_BUDGET;
	x->span_steps_left = ATTRS_BUDGET;
	x->div = cmark_syntax_extension_new("sampan-fenced-div");
	x->attrs = cmark_syntax_extension_new("sampan-attributes");
	x->deflist = cmark_syntax_extension_new("sampan-definition-lists");
	if (!x->div || !x->attrs || !x->deflist) {
		mdext_free(x);
		return NULL;
	}
	cmark_syntax_extension_set_private(x->div, x, NULL);
	cmark_syntax_extension_set_open_block_func(x->div, div_open);
	cmark_syntax_extension_set_match_block_func(x->div, div_match);
	cmark_syntax_extension_set_get_type_string_func(x->div, div_type_string);
	cmark_syntax_extension_set_can_contain_func(x->div, div_can_contain);
	cmark_syntax_extension_set_private(x->attrs, x, NULL);
	chars = cmark_llist_append(cmark_get_default_mem_allocator(), NULL, (void *)(uintptr_t)'{');
	cmark_syntax_extension_set_special_inline_chars(x->attrs, chars);
	cmark_syntax_extension_set_match_inline_func(x->attrs, attrs_match);
	cmark_syntax_extension_set_postprocess_func(x->attrs, spans_postprocess);
	cmark_syntax_extension_set_postprocess_func(x->deflist, deflist_postprocess);
	mdext_div_type();
	return x;
}

bool mdext_attach(struct mdext *x, cmark_parser *parser)
{
	return cmark_parser_attach_syntax_extension(parser, x->div) &&
	       cmark_parser_attach_syntax_extension(parser, x->attrs) &&
	       cmark_parser_attach_syntax_extension(parser, x->deflist);
}

void mdext_free(struct mdext *x)
{
	size_t i;

	if (!x)
		return;
	if (x->div)
		cmark_syntax_extension_free(cmark_get_default_mem_allocator(), x->div);
	if (x->attrs)
		cmark_syntax_extension_free(cmark_get_default_mem_allocator(), x->attrs);
	if (x->deflist)
		cmark_syntax_extension_free(cmark_get_default_mem_allocator(), x->deflist);
	for (i = 0; i < x->count; i++) {
		mdext_attrs_release(x->all[i]);
		free(x->all[i]);
	}
	free(x->all);
	free(x);
}

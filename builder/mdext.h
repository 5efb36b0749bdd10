/*
 * mdext.h - the Pandoc Markdown that course producers write, as cmark-gfm
 * syntax extensions: fenced divs (`::: challenge` ... `:::`, nested, with a
 * class word or an attribute block), attribute blocks
 * (`{#id .class key="value"}`) after a heading's text, an image, a link or
 * an inline code span, bracketed spans ("[text]{#id .class}"), and
 * definition lists (a term, then lines that start with ": ").  markdown.c attaches them to every parser it makes.
 *
 * What the extensions find stays on the tree: a fenced div is a block of
 * mdext_div_type() holding its blocks; a node given an attribute block (or a
 * div) carries its struct mdext_attrs as cmark user data.  The attributes
 * belong to the struct mdext that was attached to the parser: they live
 * until mdext_free, whatever happens to the nodes.
 */
#ifndef SAMPAN_BUILDER_MDEXT_H
#define SAMPAN_BUILDER_MDEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <cmark-gfm.h>

struct mdext_attrs {
	char *id; /* #id, or NULL */
	char *cls; /* the first .class (a div's kind), or NULL */
	char *classes; /* every .class, space-separated, or NULL */
	char *alt; /* alt="...", or NULL */
	char *keys; /* the other key=value keys, space-separated (for warnings), or NULL */
	unsigned line; /* 1-based line of the opening fence (divs) */
	bool closed; /* divs: its closing fence has been read */
};

struct mdext; /* per parser: the extensions and what they found */

/* NULL only when out of memory.  Attach before feeding the parser. */
struct mdext *mdext_new(void);
bool mdext_attach(struct mdext *x, cmark_parser *parser);
/* After the tree and the parser are freed. */
void mdext_free(struct mdext *x);

/* The node type of fenced divs (the same for every parser). */
cmark_node_type mdext_div_type(void);

/* The attributes of a node (a fenced div, or a node given a block), or NULL. */
const struct mdext_attrs *mdext_attrs_of(cmark_node *node);

/*
 * A bracketed span, "[text]{#id .class key=value}": a CMARK_NODE_CUSTOM_INLINE
 * around its inlines, writing nothing itself until the renderer sets its
 * tags.  Its attributes when node is one, else NULL.
 */
const struct mdext_attrs *mdext_span_attrs(cmark_node *node);

/*
 * Parse one attribute block, Pandoc's way: s[0] is '{'; on success returns
 * the bytes used (up to and including '}') and fills a (free with
 * mdext_attrs_release).  0 when s does not start an attribute block.
 */
size_t mdext_parse_attrs(const char *s, size_t n, struct mdext_attrs *a);
void mdext_attrs_release(struct mdext_attrs *a);

#endif

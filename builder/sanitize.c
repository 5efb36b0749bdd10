/*
 * sanitize.c - a lesson's HTML through an allowlist on gumbo's HTML5 parser
 * (sanitize.h; format-spec/course-source.md, "Raw HTML").  The only file
 * that includes gumbo.  Modelled on DOMPurify and Bleach: parse as a
 * browser would, keep what is known to be harmless, write it back from the
 * tree.
 */
#include "sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gumbo.h>

#include "cli.h"
#include "sbuf.h"
#include "xalloc.h"

#define OUT_MAX ((size_t)1 << 31)
#define DEPTH_MAX 400 /* gumbo nests at most this deep in practice; deeper is text */

/* ---- gumbo's memory: it never checks for NULL, so running out ends the program ---- */

static void *g_alloc(void *ud, size_t size)
{
	(void)ud;
	return xmalloc(size);
}

static void g_free(void *ud, void *p)
{
	(void)ud;
	free(p);
}

/*
 * A page's body as a browser builds it: the text after "<body>", parsed as
 * a whole document (gumbo's fragment mode reads uninitialised memory, which
 * valgrind sees; this is the same "in body" parse).  Positions on the first
 * line are moved back over the prefix.
 */
#define PREFIX "<body>"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

struct parsed {
	GumboOptions o;
	GumboOutput *g;
	char *buf; /* gumbo's nodes point into it */
};

static void parse(const char *html, size_t len, struct parsed *p)
{
	p->buf = g_alloc(NULL, PREFIX_LEN + len + 1);
	memcpy(p->buf, PREFIX, PREFIX_LEN);
	memcpy(p->buf + PREFIX_LEN, html, len);
	p->buf[PREFIX_LEN + len] = '\0';
	p->o = kGumboDefaultOptions;
	p->o.allocator = g_alloc;
	p->o.deallocator = g_free;
	p->o.tab_stop = 1; /* columns count characters, as the problems' columns do */
	p->o.max_errors = 0;
	p->g = gumbo_parse_with_options(&p->o, p->buf, PREFIX_LEN + len);
}

static void parsed_release(struct parsed *p)
{
	gumbo_destroy_output(&p->o, p->g);
	free(p->buf);
}

static GumboSourcePosition unprefixed(GumboSourcePosition pos)
{
	if (pos.line == 1)
		pos.column = pos.column > PREFIX_LEN ? pos.column - (unsigned)PREFIX_LEN : 1;
	return pos;
}

/* ---- the allowlist ---- */

enum url_kind { URL_NONE, URL_LINK, URL_MEDIA, URL_IMAGE };

struct attr_rule {
	const char *name;
	enum url_kind url;
};

struct element_rule {
	GumboTag tag;
	const struct attr_rule *attrs; /* beside the global ones; NULL-terminated */
};

static const struct attr_rule global_attrs[] = {
	{ "id", URL_NONE },   { "class", URL_NONE }, { "title", URL_NONE },
	{ "lang", URL_NONE }, { "dir", URL_NONE },   { "aria-label", URL_NONE },
	{ NULL, URL_NONE },
};
static const struct attr_rule a_attrs[] = {
	{ "href", URL_LINK }, { "download", URL_NONE }, { "hreflang", URL_NONE }, { NULL, URL_NONE }
};
static const struct attr_rule img_attrs[] = { { "src", URL_IMAGE },    { "alt", URL_NONE },
	                                      { "width", URL_NONE },   { "height", URL_NONE },
	                                      { "loading", URL_NONE }, { NULL, URL_NONE } };
static const struct attr_rule video_attrs[] = {
	{ "src", URL_MEDIA },    { "poster", URL_IMAGE }, { "controls", URL_NONE },
	{ "preload", URL_NONE }, { "width", URL_NONE },   { "height", URL_NONE },
	{ "muted", URL_NONE },   { "loop", URL_NONE },    { "playsinline", URL_NONE },
	{ NULL, URL_NONE },
};
static const struct attr_rule audio_attrs[] = {
	{ "src", URL_MEDIA },  { "controls", URL_NONE }, { "preload", URL_NONE },
	{ "muted", URL_NONE }, { "loop", URL_NONE },     { NULL, URL_NONE },
};
static const struct attr_rule source_attrs[] = { { "src", URL_MEDIA },
	                                         { "type", URL_NONE },
	                                         { NULL, URL_NONE } };
static const struct attr_rule track_attrs[] = {
	{ "src", URL_MEDIA },  { "kind", URL_NONE },    { "srclang", URL_NONE },
	{ "label", URL_NONE }, { "default", URL_NONE }, { NULL, URL_NONE },
};
static const struct attr_rule ol_attrs[] = {
	{ "start", URL_NONE }, { "reversed", URL_NONE }, { "type", URL_NONE }, { NULL, URL_NONE }
};
static const struct attr_rule li_attrs[] = { { "value", URL_NONE }, { NULL, URL_NONE } };
static const struct attr_rule cell_attrs[] = {
	{ "colspan", URL_NONE }, { "rowspan", URL_NONE }, { "align", URL_NONE },
	{ "scope", URL_NONE },   { "abbr", URL_NONE },    { NULL, URL_NONE },
};
static const struct attr_rule span_attrs[] = { { "span", URL_NONE }, { NULL, URL_NONE } };
static const struct attr_rule details_attrs[] = { { "open", URL_NONE }, { NULL, URL_NONE } };
static const struct attr_rule time_attrs[] = { { "datetime", URL_NONE }, { NULL, URL_NONE } };
static const struct attr_rule cite_attrs[] = { { "cite", URL_LINK }, { NULL, URL_NONE } };
static const struct attr_rule edit_attrs[] = { { "cite", URL_LINK },
	                                       { "datetime", URL_NONE },
	                                       { NULL, URL_NONE } };
/*
 * The disabled checkbox of a task list, and a self-check quiz's radio
 * buttons, checkboxes and text fields (its type is checked apart): with no
 * <form> allowed, none of them can send anything anywhere.
 */
static const struct attr_rule input_attrs[] = {
	{ "type", URL_NONE },       { "checked", URL_NONE },    { "disabled", URL_NONE },
	{ "name", URL_NONE },       { "value", URL_NONE },      { "autocomplete", URL_NONE },
	{ "spellcheck", URL_NONE }, { "data-right", URL_NONE }, { "data-accept", URL_NONE },
	{ NULL, URL_NONE }
};
/* A quiz (markdown.c): its label, and the words of the player's script. */
static const struct attr_rule section_attrs[] = { { "aria-labelledby", URL_NONE },
	                                          { "data-right", URL_NONE },
	                                          { "data-wrong", URL_NONE },
	                                          { "data-score", URL_NONE },
	                                          { NULL, URL_NONE } };
static const struct attr_rule fieldset_attrs[] = { { "data-kind", URL_NONE }, { NULL, URL_NONE } };
/* A quiz's score line, filled in by the player's script. */
static const struct attr_rule p_attrs[] = { { "role", URL_NONE },
	                                    { "hidden", URL_NONE },
	                                    { NULL, URL_NONE } };
static const struct attr_rule no_attrs[] = { { NULL, URL_NONE } };

static const struct element_rule elements[] = {
	{ GUMBO_TAG_P, p_attrs },
	{ GUMBO_TAG_SECTION, section_attrs },
	{ GUMBO_TAG_FIELDSET, fieldset_attrs },
	{ GUMBO_TAG_LEGEND, no_attrs },
	{ GUMBO_TAG_BR, no_attrs },
	{ GUMBO_TAG_HR, no_attrs },
	{ GUMBO_TAG_H1, no_attrs },
	{ GUMBO_TAG_H2, no_attrs },
	{ GUMBO_TAG_H3, no_attrs },
	{ GUMBO_TAG_H4, no_attrs },
	{ GUMBO_TAG_H5, no_attrs },
	{ GUMBO_TAG_H6, no_attrs },
	{ GUMBO_TAG_DIV, no_attrs },
	{ GUMBO_TAG_SPAN, no_attrs },
	{ GUMBO_TAG_BLOCKQUOTE, cite_attrs },
	{ GUMBO_TAG_PRE, no_attrs },
	{ GUMBO_TAG_CODE, no_attrs },
	{ GUMBO_TAG_KBD, no_attrs },
	{ GUMBO_TAG_SAMP, no_attrs },
	{ GUMBO_TAG_VAR, no_attrs },
	{ GUMBO_TAG_EM, no_attrs },
	{ GUMBO_TAG_STRONG, no_attrs },
	{ GUMBO_TAG_B, no_attrs },
	{ GUMBO_TAG_I, no_attrs },
	{ GUMBO_TAG_U, no_attrs },
	{ GUMBO_TAG_S, no_attrs },
	{ GUMBO_TAG_DEL, edit_attrs },
	{ GUMBO_TAG_INS, edit_attrs },
	{ GUMBO_TAG_MARK, no_attrs },
	{ GUMBO_TAG_SMALL, no_attrs },
	{ GUMBO_TAG_SUB, no_attrs },
	{ GUMBO_TAG_SUP, no_attrs },
	{ GUMBO_TAG_ABBR, no_attrs },
	{ GUMBO_TAG_CITE, no_attrs },
	{ GUMBO_TAG_Q, cite_attrs },
	{ GUMBO_TAG_DFN, no_attrs },
	{ GUMBO_TAG_TIME, time_attrs },
	{ GUMBO_TAG_BDI, no_attrs },
	{ GUMBO_TAG_BDO, no_attrs },
	{ GUMBO_TAG_RUBY, no_attrs },
	{ GUMBO_TAG_RT, no_attrs },
	{ GUMBO_TAG_RP, no_attrs },
	{ GUMBO_TAG_WBR, no_attrs },
	{ GUMBO_TAG_UL, no_attrs },
	{ GUMBO_TAG_OL, ol_attrs },
	{ GUMBO_TAG_LI, li_attrs },
	{ GUMBO_TAG_DL, no_attrs },
	{ GUMBO_TAG_DT, no_attrs },
	{ GUMBO_TAG_DD, no_attrs },
	{ GUMBO_TAG_TABLE, no_attrs },
	{ GUMBO_TAG_CAPTION, no_attrs },
	{ GUMBO_TAG_COLGROUP, span_attrs },
	{ GUMBO_TAG_COL, span_attrs },
	{ GUMBO_TAG_THEAD, no_attrs },
	{ GUMBO_TAG_TBODY, no_attrs },
	{ GUMBO_TAG_TFOOT, no_attrs },
	{ GUMBO_TAG_TR, no_attrs },
	{ GUMBO_TAG_TH, cell_attrs },
	{ GUMBO_TAG_TD, cell_attrs },
	{ GUMBO_TAG_DETAILS, details_attrs },
	{ GUMBO_TAG_SUMMARY, no_attrs },
	{ GUMBO_TAG_FIGURE, no_attrs },
	{ GUMBO_TAG_FIGCAPTION, no_attrs },
	{ GUMBO_TAG_A, a_attrs },
	{ GUMBO_TAG_IMG, img_attrs },
	{ GUMBO_TAG_VIDEO, video_attrs },
	{ GUMBO_TAG_AUDIO, audio_attrs },
	{ GUMBO_TAG_SOURCE, source_attrs },
	{ GUMBO_TAG_TRACK, track_attrs },
	{ GUMBO_TAG_LABEL, no_attrs },
	{ GUMBO_TAG_INPUT, input_attrs },
};

/* Removed with everything in them: code, frames, foreign content, forms' widgets, metadata. */
static const GumboTag drop_with_contents[] = {
	GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE,     GUMBO_TAG_TEMPLATE, GUMBO_TAG_IFRAME,
	GUMBO_TAG_FRAME,  GUMBO_TAG_FRAMESET,  GUMBO_TAG_OBJECT,   GUMBO_TAG_EMBED,
	GUMBO_TAG_APPLET, GUMBO_TAG_NOSCRIPT,  GUMBO_TAG_NOEMBED,  GUMBO_TAG_NOFRAMES,
	GUMBO_TAG_SVG,    GUMBO_TAG_MATH,      GUMBO_TAG_TITLE,    GUMBO_TAG_TEXTAREA,
	GUMBO_TAG_SELECT, GUMBO_TAG_OPTION,    GUMBO_TAG_OPTGROUP, GUMBO_TAG_DATALIST,
	GUMBO_TAG_XMP,    GUMBO_TAG_PLAINTEXT, GUMBO_TAG_HEAD,     GUMBO_TAG_META,
	GUMBO_TAG_LINK,   GUMBO_TAG_BASE,      GUMBO_TAG_CANVAS,   GUMBO_TAG_MAP,
	GUMBO_TAG_AREA,   GUMBO_TAG_PARAM,     GUMBO_TAG_BUTTON,   GUMBO_TAG_INPUT,
	GUMBO_TAG_KEYGEN, GUMBO_TAG_ISINDEX,   GUMBO_TAG_IMAGE,
};

/* Written without a value when set: the same as name="" to a browser, and the usual form. */
static const char *const boolean_attrs[] = { "controls", "default",     "disabled", "checked",
	                                     "open",     "reversed",    "muted",    "loop",
	                                     "download", "playsinline", "hidden",   "data-right" };

static const struct element_rule *element_rule(const GumboNode *n)
{
	if (n->type != GUMBO_NODE_ELEMENT || n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
		return NULL;
	for (size_t i = 0; i < sizeof(elements) / sizeof(elements[0]); i++)
		if (elements[i].tag == n->v.element.tag)
			return &elements[i];
	return NULL;
}

static bool drops_contents(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_TEMPLATE || n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
		return true; /* <svg>, <math> and all inside them */
	for (size_t i = 0; i < sizeof(drop_with_contents) / sizeof(drop_with_contents[0]); i++)
		if (drop_with_contents[i] == n->v.element.tag)
			return true;
	return false;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_alpha(char c)
{
	c = lower(c);
	return c >= 'a' && c <= 'z';
}

/*
 * Why a URL is refused, or NULL: as a browser reads it (WHATWG URL): C0
 * controls and spaces around it go, tabs and newlines anywhere go, and the
 * scheme is the letters before the first ':' ("java\tscript:" is
 * javascript:).  Entities were decoded by the parser.
 */
static const char *url_refusal(const char *value, enum url_kind kind, char *scheme,
                               size_t scheme_size)
{
	char clean[64];
	size_t n = 0;
	const char *s = value;
	const char *end = value + strlen(value);

	while (s < end && (unsigned char)*s <= 0x20)
		s++;
	while (end > s && (unsigned char)end[-1] <= 0x20)
		end--;
	/* enough of it to read the scheme or the start of a path */
	for (; s < end && n < sizeof(clean) - 1; s++)
		if (*s != '\t' && *s != '\n' && *s != '\r')
			clean[n++] = *s;
	clean[n] = '\0';
	scheme[0] = '\0';
	if (n >= 2 && (clean[0] == '/' || clean[0] == '\\') &&
	    (clean[1] == '/' || clean[1] == '\\'))
		return "a link to another host (classrooms have no internet)";
	if (n > 0 && is_alpha(clean[0])) {
		size_t i = 1;
		while (i < n && (is_alpha(clean[i]) || (clean[i] >= '0' && clean[i] <= '9') ||
		                 clean[i] == '+' || clean[i] == '-' || clean[i] == '.'))
			i++;
		if (i < n && clean[i] == ':') {
			size_t k;
			for (k = 0; k < i && k < scheme_size - 1; k++)
				scheme[k] = lower(clean[k]);
			scheme[k] = '\0';
			if (kind == URL_LINK &&
			    (strcmp(scheme, "mailto") == 0 || strcmp(scheme, "tel") == 0))
				return NULL;
			if (kind == URL_IMAGE && strcmp(scheme, "data") == 0) {
				static const char *const types[] = { "data:image/png",
					                             "data:image/gif",
					                             "data:image/jpeg",
					                             "data:image/webp" };
				for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
					size_t m = strlen(types[t]);
					bool same = n > m && (clean[m] == ';' || clean[m] == ',');
					for (size_t j = 0; same && j < m; j++)
						same = lower(clean[j]) == types[t][j];
					if (same)
						return NULL;
				}
				return "only PNG, GIF, JPEG and WebP images may be data: URLs";
			}
			return kind == URL_LINK
			               ? "a link goes to a file of the course, an #anchor, "
			                 "mailto: or tel:"
			               : "media come from files of the course";
		}
	}
	return NULL;
}

/* ---- writing the tree back ---- */

struct san {
	struct sbuf out;
	sanitize_report_fn report;
	void *ctx;
	char name[64]; /* the current element's name as written, lowercase */
};

static void add(struct san *s, const char *p, size_t n)
{
	if (!sbuf_add(&s->out, p, n))
		xalloc_die();
}

static void adds(struct san *s, const char *p)
{
	add(s, p, strlen(p));
}

/* Text or an attribute value, escaped: &, <, > always, " and ' in values. */
static void add_escaped(struct san *s, const char *p, bool attr)
{
	const char *run = p;

	for (; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = attr ? "&quot;" : NULL;
			break;
		case '\'':
			rep = attr ? "&#39;" : NULL;
			break;
		default:
			break;
		}
		if (!rep)
			continue;
		add(s, run, (size_t)(p - run));
		adds(s, rep);
		run = p + 1;
	}
	add(s, run, (size_t)(p - run));
}

/* The element's name as written (gumbo knows unknown elements only by their text). */
static const char *name_of(const GumboNode *n, char *buf, size_t size)
{
	const char *known = gumbo_normalized_tagname(n->v.element.tag);
	GumboStringPiece t = n->v.element.original_tag;
	size_t k;

	if (n->v.element.tag != GUMBO_TAG_UNKNOWN && known && *known)
		return known;
	if (t.length == 0 || !t.data)
		return "?";
	gumbo_tag_from_original_text(&t);
	for (k = 0; k < t.length && k < size - 1; k++)
		buf[k] = lower(t.data[k]);
	buf[k] = '\0';
	return buf;
}

static void report(struct san *s, const char *element, const char *attribute, bool contents,
                   const char *why, GumboSourcePosition pos)
{
	struct sanitize_drop d;

	if (!s->report)
		return;
	d.element = element;
	d.attribute = attribute;
	d.contents = contents;
	d.why = why;
	pos = unprefixed(pos);
	d.line = pos.line ? pos.line : 1;
	d.col = pos.column ? pos.column : 1;
	s->report(s->ctx, &d);
}

static const struct attr_rule *attr_rule(const struct attr_rule *list, const char *name)
{
	for (; list->name; list++)
		if (strcmp(list->name, name) == 0)
			return list;
	return NULL;
}

static bool is_boolean(const char *name)
{
	for (size_t i = 0; i < sizeof(boolean_attrs) / sizeof(boolean_attrs[0]); i++)
		if (strcmp(boolean_attrs[i], name) == 0)
			return true;
	return false;
}

/* Why an attribute goes, or NULL when it stays. */
static const char *attr_refusal(const struct element_rule *r, const GumboAttribute *a, char *why,
                                size_t why_size)
{
	const struct attr_rule *rule;
	char scheme[16];
	const char *no;

	if (a->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
		return "not allowed in a lesson";
	rule = attr_rule(r->attrs, a->name);
	if (!rule)
		rule = attr_rule(global_attrs, a->name);
	if (!rule) {
		if (a->name[0] == 'o' && a->name[1] == 'n')
			return "event handlers never run in a lesson";
		if (strcmp(a->name, "style") == 0)
			return "styles come from the player, not from lessons";
		return "not allowed in a lesson";
	}
	if (r->tag == GUMBO_TAG_INPUT && strcmp(a->name, "type") == 0)
		return NULL; /* checked with the element */
	if (rule->url == URL_NONE)
		return NULL;
	no = url_refusal(a->value, rule->url, scheme, sizeof(scheme));
	if (no && scheme[0]) {
		snprintf(why, why_size, "'%s:' URLs are not allowed: %s", scheme, no);
		return why;
	}
	return no;
}

static void write_node(struct san *s, const GumboNode *n, unsigned depth);

static void write_children(struct san *s, const GumboVector *children, unsigned depth)
{
	for (unsigned i = 0; i < children->length; i++)
		write_node(s, children->data[i], depth + 1);
}

static bool is_void(GumboTag t)
{
	return t == GUMBO_TAG_BR || t == GUMBO_TAG_HR || t == GUMBO_TAG_IMG || t == GUMBO_TAG_WBR ||
	       t == GUMBO_TAG_COL || t == GUMBO_TAG_SOURCE || t == GUMBO_TAG_TRACK ||
	       t == GUMBO_TAG_INPUT;
}

/* A task list's checkbox, a quiz's radio button or text field: nothing a form could use. */
static bool harmless_input(const GumboNode *n)
{
	const GumboAttribute *type = gumbo_get_attribute(&n->v.element.attributes, "type");

	return type && (strcmp(type->value, "checkbox") == 0 || strcmp(type->value, "radio") == 0 ||
	                strcmp(type->value, "text") == 0);
}

static void write_element(struct san *s, const GumboNode *n, unsigned depth)
{
	const GumboElement *e = &n->v.element;
	const struct element_rule *r = element_rule(n);
	char buf[64], why[160];
	const char *name;

	/* parser-inserted wrappers (<tbody> in a table...) are written like the rest */
	if (r && e->tag == GUMBO_TAG_INPUT && !harmless_input(n))
		r = NULL;
	if (!r) {
		bool contents = n->type == GUMBO_NODE_TEMPLATE || drops_contents(n);
		name = name_of(n, buf, sizeof(buf));
		if (e->original_tag.length > 0) /* written, not inserted by the parser */
			report(s, name, NULL, contents, "not allowed in a lesson", e->start_pos);
		if (!contents)
			write_children(s, &e->children, depth);
		return;
	}
	name = gumbo_normalized_tagname(e->tag);
	add(s, "<", 1);
	adds(s, name);
	for (unsigned i = 0; i < e->attributes.length; i++) {
		const GumboAttribute *a = e->attributes.data[i];
		const char *no = attr_refusal(r, a, why, sizeof(why));
		if (no) {
			report(s, name, a->name, false, no, a->name_start);
			continue;
		}
		add(s, " ", 1);
		adds(s, a->name);
		if (a->value[0] || !is_boolean(a->name)) {
			add(s, "=\"", 2);
			add_escaped(s, a->value, true);
			add(s, "\"", 1);
		}
	}
	add(s, ">", 1);
	if (is_void(e->tag))
		return;
	write_children(s, &e->children, depth);
	add(s, "</", 2);
	adds(s, name);
	add(s, ">", 1);
}

static void write_node(struct san *s, const GumboNode *n, unsigned depth)
{
	if (depth > DEPTH_MAX)
		return; /* the parser's own limit is far lower; a bound all the same */
	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
		add_escaped(s, n->v.text.text, false);
		break;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		write_element(s, n, depth);
		break;
	case GUMBO_NODE_COMMENT: /* never shown: it goes without a word */
	case GUMBO_NODE_CDATA: /* only in <svg> and <math>, which go */
	case GUMBO_NODE_DOCUMENT:
		break;
	}
}

/*
 * The parts of the document: <body>'s children are the page; attributes
 * the text gave <html> or <body> (merged into the parser's own) and a
 * <frameset> in place of the body were the author's, and go.
 */
static void write_document(struct san *s, const GumboNode *root)
{
	const GumboVector *parts = &root->v.element.children;

	for (unsigned i = 0; i < root->v.element.attributes.length; i++) {
		const GumboAttribute *a = root->v.element.attributes.data[i];
		report(s, "html", a->name, false, "not allowed in a lesson", a->name_start);
	}
	for (unsigned i = 0; i < parts->length; i++) {
		const GumboNode *n = parts->data[i];
		if (n->type != GUMBO_NODE_ELEMENT)
			continue;
		if (n->v.element.tag == GUMBO_TAG_BODY) {
			const GumboVector *attrs = &n->v.element.attributes;
			for (unsigned k = 0; k < attrs->length; k++) {
				const GumboAttribute *a = attrs->data[k];
				report(s, "body", a->name, false, "not allowed in a lesson",
				       a->name_start);
			}
			write_children(s, &n->v.element.children, 0);
		} else if (n->v.element.tag != GUMBO_TAG_HEAD) {
			write_node(s, n, 0); /* a <frameset>: removed, and told */
		}
	}
}

char *sanitize_html(const char *html, size_t len, sanitize_report_fn report_fn, void *ctx)
{
	struct parsed p;
	struct san s;
	char *out;

	parse(html, len, &p);
	memset(&s, 0, sizeof(s));
	sbuf_init(&s.out, OUT_MAX);
	s.report = report_fn;
	s.ctx = ctx;
	write_document(&s, p.g->root);
	parsed_release(&p);
	out = sbuf_take(&s.out, NULL);
	if (!out)
		xalloc_die();
	return out;
}

static void each_element(const GumboNode *n, sanitize_report_fn report_fn, void *ctx,
                         unsigned depth)
{
	const GumboVector *children;
	struct sanitize_drop d;
	GumboSourcePosition pos;
	char buf[64];

	if (depth > DEPTH_MAX || (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE))
		return;
	children = &n->v.element.children;
	/* written, not inserted by the parser (nor the <body> put before the text) */
	if (n->v.element.original_tag.length > 0 &&
	    !(n->v.element.tag == GUMBO_TAG_BODY && n->v.element.start_pos.offset == 0)) {
		memset(&d, 0, sizeof(d));
		d.element = name_of(n, buf, sizeof(buf));
		pos = unprefixed(n->v.element.start_pos);
		d.line = pos.line ? pos.line : 1;
		d.col = pos.column ? pos.column : 1;
		report_fn(ctx, &d);
	}
	for (unsigned i = 0; i < children->length; i++)
		each_element(children->data[i], report_fn, ctx, depth + 1);
}

void sanitize_elements(const char *html, size_t len, sanitize_report_fn report_fn, void *ctx)
{
	struct parsed p;
	const GumboVector *parts;

	parse(html, len, &p);
	parts = &p.g->root->v.element.children;
	for (unsigned i = 0; i < parts->length; i++)
		each_element(parts->data[i], report_fn, ctx, 0);
	parsed_release(&p);
}

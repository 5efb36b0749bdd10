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
#include "html.h"
#include "sanitize.h"
#include "sbuf.h"
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

static char lower_ascii(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i]; i++)
		if (i >= n || lower_ascii(s[i]) != prefix[i])
			return false;
	return true;
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

/* ---- slugs ---- */

/*
 * Punctuation, symbols (emoji too), controls and format characters outside
 * ASCII: dropped from ids.  Variation selectors go with the emoji they follow.
 */
static const uint32_t drop_ranges[][2] = {
	{ 0x0080, 0x009F },    { 0x00A1, 0x00A9 },   { 0x00AB, 0x00B4 },   { 0x00B6, 0x00B9 },
	{ 0x00BB, 0x00BF },    { 0x00D7, 0x00D7 },   { 0x00F7, 0x00F7 },   { 0x02C2, 0x02C5 },
	{ 0x02D2, 0x02DF },    { 0x02E5, 0x02EB },   { 0x02ED, 0x02ED },   { 0x02EF, 0x02FF },
	{ 0x0375, 0x0375 },    { 0x037E, 0x037E },   { 0x0384, 0x0385 },   { 0x0387, 0x0387 },
	{ 0x03F6, 0x03F6 },    { 0x0482, 0x0482 },   { 0x055A, 0x055F },   { 0x0589, 0x058A },
	{ 0x058D, 0x058F },    { 0x05BE, 0x05BE },   { 0x05C0, 0x05C0 },   { 0x05C3, 0x05C3 },
	{ 0x05C6, 0x05C6 },    { 0x05F3, 0x05F4 },   { 0x0600, 0x060F },   { 0x061B, 0x061B },
	{ 0x061D, 0x061F },    { 0x066A, 0x066D },   { 0x06D4, 0x06D4 },   { 0x06DD, 0x06DE },
	{ 0x06E9, 0x06E9 },    { 0x06FD, 0x06FE },   { 0x0964, 0x0965 },   { 0x0970, 0x0970 },
	{ 0x0DF4, 0x0DF4 },    { 0x0E3F, 0x0E3F },   { 0x0E4F, 0x0E4F },   { 0x0E5A, 0x0E5B },
	{ 0x0F01, 0x0F17 },    { 0x0F1A, 0x0F1F },   { 0x0F3A, 0x0F3D },   { 0x0F85, 0x0F85 },
	{ 0x0FBE, 0x0FC5 },    { 0x0FC7, 0x0FDA },   { 0x104A, 0x104F },   { 0x109E, 0x109F },
	{ 0x10FB, 0x10FB },    { 0x1360, 0x1368 },   { 0x166D, 0x166E },   { 0x169B, 0x169C },
	{ 0x16EB, 0x16ED },    { 0x17D4, 0x17D6 },   { 0x17D8, 0x17DB },   { 0x1800, 0x180A },
	{ 0x180E, 0x180E },    { 0x1940, 0x1940 },   { 0x1944, 0x1945 },   { 0x19DE, 0x19FF },
	{ 0x1AA0, 0x1AA6 },    { 0x1AA8, 0x1AAD },   { 0x1B5A, 0x1B6A },   { 0x1B74, 0x1B7E },
	{ 0x1CC0, 0x1CC7 },    { 0x1CD3, 0x1CD3 },   { 0x1FBD, 0x1FBD },   { 0x1FBF, 0x1FC1 },
	{ 0x1FCD, 0x1FCF },    { 0x1FDD, 0x1FDF },   { 0x1FED, 0x1FEF },   { 0x1FFD, 0x1FFE },
	{ 0x200B, 0x200B },    { 0x200E, 0x2027 },   { 0x202A, 0x202E },   { 0x2030, 0x205E },
	{ 0x2060, 0x2070 },    { 0x2074, 0x207E },   { 0x2080, 0x208E },   { 0x20A0, 0x20CF },
	{ 0x2100, 0x2101 },    { 0x2103, 0x2106 },   { 0x2108, 0x2109 },   { 0x2114, 0x2114 },
	{ 0x2116, 0x2118 },    { 0x211E, 0x2123 },   { 0x2125, 0x2125 },   { 0x2127, 0x2127 },
	{ 0x2129, 0x2129 },    { 0x212E, 0x212E },   { 0x213A, 0x213B },   { 0x2140, 0x2144 },
	{ 0x214A, 0x214D },    { 0x214F, 0x215F },   { 0x2189, 0x218B },   { 0x2190, 0x2BFF },
	{ 0x2CE5, 0x2CEA },    { 0x2CF9, 0x2CFF },   { 0x2D70, 0x2D70 },   { 0x2E00, 0x2E2E },
	{ 0x2E30, 0x2FFF },    { 0x3001, 0x3004 },   { 0x3008, 0x3020 },   { 0x3030, 0x3030 },
	{ 0x3036, 0x3037 },    { 0x303D, 0x303F },   { 0x309B, 0x309C },   { 0x30A0, 0x30A0 },
	{ 0x30FB, 0x30FB },    { 0x3190, 0x3191 },   { 0x3196, 0x319F },   { 0x31C0, 0x31E3 },
	{ 0x3200, 0x33FF },    { 0x4DC0, 0x4DFF },   { 0xA490, 0xA4C6 },   { 0xA4FE, 0xA4FF },
	{ 0xA60D, 0xA60F },    { 0xA673, 0xA673 },   { 0xA67E, 0xA67E },   { 0xA6F2, 0xA6F7 },
	{ 0xA700, 0xA716 },    { 0xA720, 0xA721 },   { 0xA789, 0xA78A },   { 0xA828, 0xA82B },
	{ 0xA830, 0xA839 },    { 0xA874, 0xA877 },   { 0xA8CE, 0xA8CF },   { 0xA8F8, 0xA8FA },
	{ 0xA8FC, 0xA8FC },    { 0xA92E, 0xA92F },   { 0xA95F, 0xA95F },   { 0xA9C1, 0xA9CD },
	{ 0xA9DE, 0xA9DF },    { 0xAA5C, 0xAA5F },   { 0xAA77, 0xAA79 },   { 0xAADE, 0xAADF },
	{ 0xAAF0, 0xAAF1 },    { 0xAB5B, 0xAB5B },   { 0xAB6A, 0xAB6B },   { 0xABEB, 0xABEB },
	{ 0xE000, 0xF8FF },    { 0xFB29, 0xFB29 },   { 0xFBB2, 0xFBC2 },   { 0xFD3E, 0xFD3F },
	{ 0xFDFC, 0xFDFF },    { 0xFE00, 0xFE19 },   { 0xFE30, 0xFE6B },   { 0xFEFF, 0xFEFF },
	{ 0xFF01, 0xFF0F },    { 0xFF1A, 0xFF20 },   { 0xFF3B, 0xFF40 },   { 0xFF5B, 0xFF65 },
	{ 0xFFE0, 0xFFEE },    { 0xFFF9, 0xFFFF },   { 0x10100, 0x1013F }, { 0x1D000, 0x1D24F },
	{ 0x1D300, 0x1D35F },  { 0x1EC70, 0x1ECBF }, { 0x1F000, 0x1FBEF }, { 0xE0000, 0xE0FFF },
	{ 0xF0000, 0x10FFFF },
};

static bool slug_drops(uint32_t cp)
{
	size_t lo = 0, hi = sizeof drop_ranges / sizeof drop_ranges[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < drop_ranges[mid][0])
			hi = mid;
		else if (cp > drop_ranges[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool is_unicode_space(uint32_t cp)
{
	return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/*
 * Simple lowercase for the cased scripts a course is likely to use (Latin
 * with Vietnamese, Greek, Cyrillic), so ids match what GitHub and most
 * Markdown previews produce; other scripts have no case.
 */
static uint32_t lower_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (uint32_t)(unsigned char)lower_ascii((char)cp);
	if ((cp >= 0x00C0 && cp <= 0x00DE && cp != 0x00D7) || (cp >= 0x0391 && cp <= 0x03AB) ||
	    (cp >= 0x0410 && cp <= 0x042F))
		return cp == 0x03A2 ? cp : cp + 0x20;
	if (cp >= 0x0400 && cp <= 0x040F)
		return cp + 0x50;
	if (cp == 0x0178)
		return 0x00FF;
	if (cp == 0x0130)
		return 'i';
	if ((cp >= 0x0100 && cp <= 0x012F) || (cp >= 0x0132 && cp <= 0x0137) ||
	    (cp >= 0x014A && cp <= 0x0177) || (cp >= 0x0460 && cp <= 0x0481) ||
	    (cp >= 0x048A && cp <= 0x04BF) || (cp >= 0x04D0 && cp <= 0x052F) ||
	    (cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF))
		return (cp % 2 == 0) ? cp + 1 : cp;
	if ((cp >= 0x0139 && cp <= 0x0148) || (cp >= 0x0179 && cp <= 0x017E) ||
	    (cp >= 0x04C1 && cp <= 0x04CE))
		return (cp % 2 == 1) ? cp + 1 : cp;
	if (cp == 0x01A0 || cp == 0x01AF) /* Vietnamese O and U with horn */
		return cp + 1;
	return cp;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

char *md_slug(const char *text)
{
	size_t len = text ? strlen(text) : 0, pos = 0, n = 0;
	char *out = malloc(len + sizeof "section");
	uint32_t cp;

	if (!out)
		return NULL;
	while (pos < len) {
		if (!utf8_next(text, len, &pos, &cp)) {
			pos++; /* a stray byte is nobody's letter */
			continue;
		}
		if (cp == ' ' || cp == '\t' || cp == '-' || is_unicode_space(cp)) {
			out[n++] = '-';
		} else if (cp < 0x80) {
			char c = lower_ascii((char)cp);

			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				out[n++] = c;
		} else if (!slug_drops(cp)) {
			/* lowercasing never lengthens these scripts' UTF-8 */
			n += put_utf8(out + n, lower_cp(cp));
		}
	}
	if (n == 0) {
		memcpy(out, "section", sizeof "section");
		return out;
	}
	out[n] = '\0';
	return out;
}

/* The ids already given in a document, each with the next suffix to try. */
struct slug_slot {
	const char *key;
	unsigned next;
};

struct slug_set {
	struct slug_slot *slots;
	size_t cap, count;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

static struct slug_slot *slug_find(struct slug_set *set, const char *key)
{
	size_t i = (size_t)hash_str(key) & (set->cap - 1);

	while (set->slots[i].key && strcmp(set->slots[i].key, key) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slots[i];
}

static bool slug_reserve(struct slug_set *set)
{
	struct slug_slot *old = set->slots;
	size_t old_cap = set->cap, i;

	if (set->cap && (set->count + 1) * 2 <= set->cap)
		return true;
	set->cap = old_cap ? old_cap * 2 : 64;
	set->slots = calloc(set->cap, sizeof *set->slots);
	if (!set->slots) {
		set->slots = old;
		set->cap = old_cap;
		return false;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i].key)
			*slug_find(set, old[i].key) = old[i];
	free(old);
	return true;
}

/* base (malloc'd, taken) made unique as GitHub does: x, x-1, x-2... */
static char *slug_unique(struct slug_set *set, char *base)
{
	struct slug_slot *slot;
	char *cand;
	size_t size;
	unsigned n;

	if (!base || !slug_reserve(set)) {
		free(base);
		return NULL;
	}
	slot = slug_find(set, base);
	if (!slot->key) {
		slot->key = base;
		slot->next = 1;
		set->count++;
		return base;
	}
	size = strlen(base) + 16;
	cand = malloc(size);
	if (!cand) {
		free(base);
		return NULL;
	}
	for (n = slot->next;; n++) {
		snprintf(cand, size, "%s-%u", base, n);
		if (!slug_find(set, cand)->key)
			break;
	}
	slot->next = n + 1;
	free(base);
	slot = slug_find(set, cand);
	slot->key = cand;
	slot->next = 1;
	set->count++;
	return cand;
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

/* ---- URLs in raw HTML ---- */

static bool html_name_boundary(const char *s, size_t i)
{
	char p;

	if (i == 0)
		return true;
	p = s[i - 1];
	return is_ws(p) || p == '/' || p == ':' || p == '"' || p == '\'';
}

static bool is_url_end(char c)
{
	return is_ws(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == ')' || c == '\0';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

struct html_scan {
	struct parse_ctx *pc;
	const char *s;
	size_t n;
	unsigned line; /* line of s[0] */
	unsigned col; /* column of s[0], 0 when unknown */
	bool later_cols; /* lines after the first start in column 1 (a top-level block) */
	size_t seen; /* newlines before s[seen] are counted in seen_line... */
	unsigned seen_line;
	size_t seen_line_at; /* ...and the last of them ended at seen_line_at (0: none) */
};

static void html_ref(struct html_scan *hs, size_t at, size_t len)
{
	unsigned col;

	while (len > 0 && is_ws(hs->s[at])) {
		at++;
		len--;
	}
	while (len > 0 && is_ws(hs->s[at + len - 1]))
		len--;
	if (len == 0)
		return;
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

/* srcset="a.png 1x, b.png 2x": each candidate's URL. */
static void html_srcset(struct html_scan *hs, size_t at, size_t end)
{
	while (at < end) {
		size_t u;

		while (at < end && (is_ws(hs->s[at]) || hs->s[at] == ','))
			at++;
		u = at;
		while (at < end && !is_ws(hs->s[at]))
			at++;
		if (at > u) {
			size_t ue = at;

			while (ue > u && hs->s[ue - 1] == ',')
				ue--;
			html_ref(hs, u, ue - u);
		}
		while (at < end && hs->s[at] != ',')
			at++;
	}
}

/* An attribute holding a URL at s[i]: record its value and return the index after it, or i. */
static size_t html_attr(struct html_scan *hs, size_t i)
{
	static const char *const names[] = { "href", "src",    "srcset",     "poster",
		                             "data", "action", "formaction", "background" };
	const char *s = hs->s;
	size_t n = hs->n, k, j, v, ve;

	if (!html_name_boundary(s, i))
		return i;
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		size_t m = strlen(names[k]);

		if (!starts_with_ci(s + i, n - i, names[k]))
			continue;
		j = i + m;
		while (j < n && is_ws(s[j]))
			j++;
		if (j >= n || s[j] != '=')
			continue;
		j++;
		while (j < n && is_ws(s[j]))
			j++;
		if (j < n && (s[j] == '"' || s[j] == '\'')) {
			char q = s[j];

			v = j + 1;
			for (ve = v; ve < n && s[ve] != q; ve++)
				;
			j = ve < n ? ve + 1 : ve;
		} else {
			v = j;
			for (ve = v; ve < n && !is_ws(s[ve]) && s[ve] != '>'; ve++)
				;
			j = ve;
		}
		if (strcmp(names[k], "srcset") == 0)
			html_srcset(hs, v, ve);
		else
			html_ref(hs, v, ve - v);
		return j;
	}
	return i;
}

/* url(...) in a style: record it and return the index after it, or i. */
static size_t html_css_url(struct html_scan *hs, size_t i)
{
	const char *s = hs->s;
	size_t n = hs->n, v, ve;

	if ((i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '-')) ||
	    !starts_with_ci(s + i, n - i, "url("))
		return i;
	v = i + 4;
	while (v < n && is_ws(s[v]))
		v++;
	if (v < n && (s[v] == '"' || s[v] == '\'')) {
		char q = s[v++];

		for (ve = v; ve < n && s[ve] != q; ve++)
			;
	} else {
		for (ve = v; ve < n && s[ve] != ')'; ve++)
			;
	}
	html_ref(hs, v, ve - v);
	while (ve < n && s[ve] != ')')
		ve++;
	return ve;
}

/* http://, https:// or //host written anywhere in the HTML, e.g. in a script. */
static size_t html_bare_url(struct html_scan *hs, size_t i)
{
	const char *s = hs->s;
	size_t n = hs->n, e;

	if (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '/' || s[i - 1] == ':'))
		return i;
	if (starts_with_ci(s + i, n - i, "http://") || starts_with_ci(s + i, n - i, "https://")) {
		/* the scheme's own "//" is not a second URL */
	} else if (i + 2 < n && s[i] == '/' && s[i + 1] == '/' && is_alnum(s[i + 2])) {
		/* protocol-relative: another host too */
	} else {
		return i;
	}
	for (e = i; e < n && !is_url_end(s[e]); e++)
		;
	html_ref(hs, i, e - i);
	return e;
}

static void scan_html(struct parse_ctx *pc, cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	int l = cmark_node_get_start_line(node), c = cmark_node_get_start_column(node);
	struct html_scan hs;
	size_t i;

	if (!lit)
		return;
	hs.pc = pc;
	hs.s = lit;
	hs.n = strlen(lit);
	hs.line = l > 0 ? (unsigned)l : pc->cur_line;
	hs.col = l > 0 && c > 0 ? (unsigned)c : 0;
	hs.seen = 0;
	hs.seen_line = hs.line;
	hs.seen_line_at = 0;
	hs.later_cols = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK &&
	                cmark_node_get_type(cmark_node_parent(node)) == CMARK_NODE_DOCUMENT;
	for (i = 0; i < hs.n;) {
		size_t j = html_attr(&hs, i);

		if (j == i)
			j = html_css_url(&hs, i);
		if (j == i)
			j = html_bare_url(&hs, i);
		i = j > i ? j : i + 1;
	}
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
	int n;

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
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	x->message = n < 0 ? NULL : malloc((size_t)n + 1);
	if (!x->message) {
		rc->pc->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(x->message, (size_t)n + 1, fmt, ap);
	va_end(ap);
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
	slug = slug_unique(&pc->slugs, md_slug(t));
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
	free(pc.slugs.slots); /* the ids themselves belong to the headings */
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

static void out_addn(struct out *o, const char *s, size_t n)
{
	if (!sbuf_add(&o->b, s, n))
		o->oom = true;
}

static void out_uint(struct out *o, const char *name, unsigned v)
{
	if (v && !sbuf_addf(&o->b, " %s=\"%u\"", name, v))
		o->oom = true;
}

/* Text or an attribute value: & < > " ' escaped. */
static void out_esc(struct out *o, const char *s)
{
	if (!html_escape_into(&o->b, s))
		o->oom = true;
}

/* A URL in an attribute: what browsers would strip or choke on is percent-encoded. */
static void out_url(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' ||
		    c == '`') {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };

			out_addn(o, enc, 3);
		} else if (c == '&') {
			out_add(o, "&amp;");
		} else if (c == '\'') {
			out_add(o, "&#39;");
		} else {
			out_addn(o, s, 1);
		}
	}
}

/* The schemes cmark's safe mode blanks (javascript:, vbscript:, file:, most data:). */
static bool url_dangerous(const char *u, bool image)
{
	size_t n = strlen(u);

	if (starts_with_ci(u, n, "javascript:") || starts_with_ci(u, n, "vbscript:") ||
	    starts_with_ci(u, n, "file:"))
		return true;
	if (!starts_with_ci(u, n, "data:"))
		return false;
	return !(image && (starts_with_ci(u, n, "data:image/png") ||
	                   starts_with_ci(u, n, "data:image/gif") ||
	                   starts_with_ci(u, n, "data:image/jpeg") ||
	                   starts_with_ci(u, n, "data:image/webp")));
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

static void media_fallback(struct out *o, const char *url, const char *alt)
{
	out_add(o, "<a href=\"");
	out_url(o, url);
	out_add(o, "\">");
	out_esc(o, *alt ? alt : url);
	out_add(o, "</a>");
}

static void embed_html(struct out *o, const struct md_target *t, const char *url, const char *alt,
                       const char *title, bool figure)
{
	size_t i;

	if (t->kind == MD_EMBED_IMAGE) {
		out_add(o, "<img src=\"");
		out_url(o, url);
		out_add(o, "\" alt=\"");
		out_esc(o, alt);
		out_add(o, "\"");
		if (title && *title) {
			out_add(o, " title=\"");
			out_esc(o, title);
			out_add(o, "\"");
		}
		out_uint(o, "width", t->width);
		out_uint(o, "height", t->height);
		out_add(o, " loading=\"lazy\">");
		return;
	}
	if (figure)
		out_add(o, "<figure class=\"media\">");
	out_add(o, t->kind == MD_EMBED_VIDEO ? "<video" : "<audio");
	out_add(o, " controls preload=\"metadata\" src=\"");
	out_url(o, url);
	out_add(o, "\"");
	if (t->kind == MD_EMBED_VIDEO) {
		out_uint(o, "width", t->width);
		out_uint(o, "height", t->height);
	}
	if (!figure && *alt) {
		out_add(o, " aria-label=\"");
		out_esc(o, alt);
		out_add(o, "\"");
	}
	out_add(o, ">");
	for (i = 0; t->kind == MD_EMBED_VIDEO && t->tracks && i < t->tracks_count; i++) {
		const struct md_track *tr = &t->tracks[i];

		if (!tr->src)
			continue;
		out_add(o, "<track kind=\"subtitles\" src=\"");
		out_url(o, tr->src);
		out_add(o, "\"");
		if (tr->lang && *tr->lang) {
			out_add(o, " srclang=\"");
			out_esc(o, tr->lang);
			out_add(o, "\"");
		}
		out_add(o, " label=\"");
		out_esc(o, tr->label && *tr->label ? tr->label : tr->lang ? tr->lang : "");
		out_add(o, i == 0 ? "\" default>" : "\">");
	}
	media_fallback(o, url, alt);
	out_add(o, t->kind == MD_EMBED_VIDEO ? "</video>" : "</audio>");
	if (figure) {
		if (*alt) {
			out_add(o, "<figcaption>");
			out_esc(o, alt);
			out_add(o, "</figcaption>");
		}
		out_add(o, "</figure>");
	}
}

/* The two raw HTML pieces around a download link's label (which stays Markdown). */
static void file_html(struct out *open, struct out *close, const struct md_target *t,
                      const char *url, const char *title, bool has_label)
{
	out_add(open, "<a href=\"");
	out_url(open, url);
	out_add(open, "\"");
	if (title && *title) {
		out_add(open, " title=\"");
		out_esc(open, title);
		out_add(open, "\"");
	}
	out_add(open, " download>");
	if (!has_label)
		out_esc(open, url);
	out_add(close, "</a>");
	if (t->note && *t->note) {
		out_add(close, " <span class=\"note\">");
		out_esc(close, t->note);
		out_add(close, "</span>");
	}
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
	if (url_dangerous(url, item->image && t.kind == MD_EMBED_IMAGE))
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
		file_html(&o, &end, &t, url, title, cmark_node_first_child(node) != NULL);
	else if (alt)
		embed_html(&o, &t, url, alt, title, item->figure);
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
		if (url && url_dangerous(url, item->image))
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

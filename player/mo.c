/*
 * mo.c - gettext's .mo catalogs read in memory (mo.h).
 *
 * The layout (GNU gettext manual, "The Format of GNU MO Files"): a magic
 * number that also gives the byte order, a revision, the number of
 * messages N, the offsets of two tables of N (length, offset) pairs, the
 * original strings and their translations.  An original is
 * "CONTEXT\4MSGID" with a context, and "MSGID\0PLURAL" with plural forms,
 * whose translation holds the forms one after another, each ended by a
 * NUL.  msgfmt sorts the originals, so a lookup is a binary search.
 */
#include "mo.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MO_MAGIC 0x950412deu
#define MO_HEADER 28
#define MO_NPLURALS_MAX 16
#define MO_DEPTH_MAX 32
/* The n tried when a catalog is opened: every form an expression picks must exist. */
#define MO_PLURAL_TRIES 1000

static uint32_t read32(const unsigned char *p, bool big_endian)
{
	if (big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* String i of the table at offset table: its bytes and length (the NUL not counted). */
static const char *entry(const struct mo_catalog *c, uint32_t table, uint32_t i, size_t *len)
{
	const unsigned char *p = c->data + table + (size_t)i * 8;

	*len = read32(p, c->big_endian);
	return (const char *)c->data + read32(p + 4, c->big_endian);
}

/* ---- plural expressions ---- */

struct pexp {
	const char *p, *end;
	unsigned long n;
	int depth;
	bool bad;
};

static void skip_space(struct pexp *e)
{
	while (e->p < e->end && (*e->p == ' ' || *e->p == '\t' || *e->p == '\n' || *e->p == '\r'))
		e->p++;
}

/* The operator tok comes next (not followed by any of not_after): take it. */
static bool take(struct pexp *e, const char *tok, const char *not_after)
{
	size_t k = strlen(tok);

	skip_space(e);
	if ((size_t)(e->end - e->p) < k || memcmp(e->p, tok, k) != 0)
		return false;
	if (not_after && e->p + k < e->end && strchr(not_after, e->p[k]))
		return false;
	e->p += k;
	return true;
}

static unsigned long p_ternary(struct pexp *e, bool live);

static unsigned long p_primary(struct pexp *e, bool live)
{
	unsigned long v = 0;

	skip_space(e);
	if (e->p >= e->end) {
		e->bad = true;
		return 0;
	}
	if (*e->p == 'n') {
		e->p++;
		return e->n;
	}
	if (*e->p >= '0' && *e->p <= '9') {
		while (e->p < e->end && *e->p >= '0' && *e->p <= '9') {
			if (v > (unsigned long)-1 / 10 - 1) {
				e->bad = true;
				return 0;
			}
			v = v * 10 + (unsigned long)(*e->p++ - '0');
		}
		return v;
	}
	if (*e->p == '(') {
		e->p++;
		v = p_ternary(e, live);
		if (!take(e, ")", NULL))
			e->bad = true;
		return v;
	}
	e->bad = true;
	return 0;
}

static unsigned long p_unary(struct pexp *e, bool live)
{
	unsigned long v;

	if (take(e, "!", "=")) {
		if (++e->depth > MO_DEPTH_MAX) {
			e->bad = true;
			return 0;
		}
		v = !p_unary(e, live);
		e->depth--;
		return v;
	}
	return p_primary(e, live);
}

static unsigned long p_mul(struct pexp *e, bool live)
{
	unsigned long v = p_unary(e, live);

	while (!e->bad) {
		char op;
		unsigned long r;

		if (take(e, "*", NULL))
			op = '*';
		else if (take(e, "/", NULL))
			op = '/';
		else if (take(e, "%", NULL))
			op = '%';
		else
			break;
		r = p_unary(e, live);
		if (op == '*') {
			v *= r;
		} else if (r == 0) {
			if (live)
				e->bad = true;
			v = 0;
		} else {
			v = op == '/' ? v / r : v % r;
		}
	}
	return v;
}

static unsigned long p_add(struct pexp *e, bool live)
{
	unsigned long v = p_mul(e, live);

	while (!e->bad) {
		if (take(e, "+", NULL))
			v += p_mul(e, live);
		else if (take(e, "-", NULL))
			v -= p_mul(e, live);
		else
			break;
	}
	return v;
}

static unsigned long p_rel(struct pexp *e, bool live)
{
	unsigned long v = p_add(e, live);

	while (!e->bad) {
		if (take(e, "<=", NULL))
			v = v <= p_add(e, live);
		else if (take(e, ">=", NULL))
			v = v >= p_add(e, live);
		else if (take(e, "<", NULL))
			v = v < p_add(e, live);
		else if (take(e, ">", NULL))
			v = v > p_add(e, live);
		else
			break;
	}
	return v;
}

static unsigned long p_eq(struct pexp *e, bool live)
{
	unsigned long v = p_rel(e, live);

	while (!e->bad) {
		if (take(e, "==", NULL))
			v = v == p_rel(e, live);
		else if (take(e, "!=", NULL))
			v = v != p_rel(e, live);
		else
			break;
	}
	return v;
}

static unsigned long p_and(struct pexp *e, bool live)
{
	unsigned long v = p_eq(e, live);

	while (!e->bad && take(e, "&&", NULL)) {
		unsigned long r = p_eq(e, live && v);
		v = v && r;
	}
	return v;
}

static unsigned long p_or(struct pexp *e, bool live)
{
	unsigned long v = p_and(e, live);

	while (!e->bad && take(e, "||", NULL)) {
		unsigned long r = p_and(e, live && !v);
		v = v || r;
	}
	return v;
}

static unsigned long p_ternary(struct pexp *e, bool live)
{
	unsigned long c, a, b;

	if (++e->depth > MO_DEPTH_MAX) {
		e->bad = true;
		return 0;
	}
	c = p_or(e, live);
	if (!e->bad && take(e, "?", NULL)) {
		a = p_ternary(e, live && c);
		if (!take(e, ":", NULL))
			e->bad = true;
		b = p_ternary(e, live && !c);
		c = c ? a : b;
	}
	e->depth--;
	return c;
}

bool mo_plural_eval(const char *expr, size_t len, unsigned long n, unsigned long *form)
{
	struct pexp e = { expr, expr + len, n, 0, false };
	unsigned long v;

	if (!expr || len == 0 || len > MO_PLURAL_MAX)
		return false;
	v = p_ternary(&e, true);
	skip_space(&e);
	if (e.bad || e.p != e.end)
		return false;
	*form = v;
	return true;
}

/* ---- the catalog ---- */

/*
 * Compare the original "ctx\4msgid" (or "msgid") with s, as strcmp would
 * compare the two strings.
 */
static int key_cmp(const char *ctx, const char *msgid, const char *s)
{
	const unsigned char *k = (const unsigned char *)(ctx ? ctx : msgid);
	const unsigned char *t = (const unsigned char *)s;
	int part = ctx ? 0 : 2; /* 0 the context, 1 the \4, 2 the msgid */

	for (;;) {
		unsigned char a;
		if (part == 1)
			a = 4;
		else
			a = *k;
		if (part == 0 && a == 0) {
			part = 1;
			continue;
		}
		if (a != *t)
			return a < *t ? -1 : 1;
		if (a == 0)
			return 0;
		t++;
		if (part == 1) {
			part = 2;
			k = (const unsigned char *)msgid;
		} else {
			k++;
		}
	}
}

/* The value of the Plural-Forms header field of the header hdr, or false. */
static bool plural_forms(const char *hdr, size_t len, unsigned long *nplurals, const char **expr,
                         size_t *expr_len)
{
	const char *end = hdr + len, *p = hdr, *line_end, *q;

	while (p < end) {
		line_end = memchr(p, '\n', (size_t)(end - p));
		if (!line_end)
			line_end = end;
		if ((size_t)(line_end - p) > 13 && memcmp(p, "Plural-Forms:", 13) == 0)
			break;
		p = line_end + 1;
	}
	if (p >= end)
		return false;
	q = p + 13;
	/* "nplurals=N; plural=EXPR;" */
	while (q < line_end && *q == ' ')
		q++;
	if ((size_t)(line_end - q) < 9 || memcmp(q, "nplurals=", 9) != 0)
		return false;
	q += 9;
	*nplurals = 0;
	if (q >= line_end || *q < '0' || *q > '9')
		return false;
	while (q < line_end && *q >= '0' && *q <= '9' && *nplurals <= MO_NPLURALS_MAX)
		*nplurals = *nplurals * 10 + (unsigned long)(*q++ - '0');
	while (q < line_end && (*q == ' ' || *q == ';'))
		q++;
	if ((size_t)(line_end - q) < 7 || memcmp(q, "plural=", 7) != 0)
		return false;
	q += 7;
	*expr = q;
	while (q < line_end && *q != ';')
		q++;
	*expr_len = (size_t)(q - *expr);
	return true;
}

#if defined(__GNUC__)
#define MO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MO_PRINTF(f, a)
#endif

static bool fail(char *why, size_t size, const char *fmt, ...) MO_PRINTF(3, 4);

static bool fail(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool mo_open(struct mo_catalog *c, const unsigned char *data, size_t len, char *why,
             size_t why_size)
{
	uint32_t magic, revision;
	const char *prev = NULL;

	memset(c, 0, sizeof(*c));
	if (!data || len < MO_HEADER)
		return fail(why, why_size, "shorter than a catalog's header");
	magic = read32(data, false);
	if (magic == MO_MAGIC)
		c->big_endian = false;
	else if (read32(data, true) == MO_MAGIC)
		c->big_endian = true;
	else
		return fail(why, why_size, "not a .mo catalog (no magic number)");
	c->data = data;
	c->len = len;
	revision = read32(data + 4, c->big_endian);
	if (revision >> 16 > 1)
		return fail(why, why_size, "revision %u.%u, not 0 or 1", (unsigned)(revision >> 16),
		            (unsigned)(revision & 0xffff));
	c->count = read32(data + 8, c->big_endian);
	c->originals = read32(data + 12, c->big_endian);
	c->translations = read32(data + 16, c->big_endian);
	if ((uint64_t)c->originals + (uint64_t)c->count * 8 > len ||
	    (uint64_t)c->translations + (uint64_t)c->count * 8 > len)
		return fail(why, why_size, "its tables of %u messages end past its %zu bytes",
		            (unsigned)c->count, len);
	for (uint32_t i = 0; i < c->count; i++) {
		for (int t = 0; t < 2; t++) {
			const unsigned char *p =
			        data + (t ? c->translations : c->originals) + (size_t)i * 8;
			uint64_t slen = read32(p, c->big_endian),
			         off = read32(p + 4, c->big_endian);
			if (off + slen >= len || data[off + slen] != 0)
				return fail(why, why_size, "message %u: its %s ends past the end",
				            (unsigned)i, t ? "translation" : "original");
		}
		{
			size_t olen;
			const char *o = entry(c, c->originals, i, &olen);
			if (prev && strcmp(prev, o) >= 0)
				return fail(why, why_size,
				            "message %u: the originals are not in order",
				            (unsigned)i);
			prev = o;
		}
	}
	/* The header is the translation of "" (msgfmt puts it first). */
	c->nplurals = 2;
	c->plural = "n != 1";
	c->plural_len = 6;
	if (c->count > 0) {
		size_t olen, hlen;
		const char *hdr;
		entry(c, c->originals, 0, &olen);
		hdr = entry(c, c->translations, 0, &hlen);
		if (olen == 0 &&
		    plural_forms(hdr, hlen, &c->nplurals, &c->plural, &c->plural_len) &&
		    (c->nplurals == 0 || c->nplurals > MO_NPLURALS_MAX))
			return fail(why, why_size, "Plural-Forms: nplurals=%lu, not 1 to %d",
			            c->nplurals, MO_NPLURALS_MAX);
	}
	for (unsigned long n = 0; n <= MO_PLURAL_TRIES; n++) {
		unsigned long form;
		if (!mo_plural_eval(c->plural, c->plural_len, n, &form))
			return fail(why, why_size, "Plural-Forms: plural=%.*s does not parse",
			            (int)(c->plural_len > 80 ? 80 : c->plural_len), c->plural);
		if (form >= c->nplurals)
			return fail(why, why_size, "Plural-Forms: form %lu for n=%lu, of %lu", form,
			            n, c->nplurals);
	}
	return true;
}

const char *mo_find(const struct mo_catalog *c, const char *ctx, const char *msgid, bool plural,
                    unsigned long n)
{
	uint32_t lo = 0, hi;
	size_t len;

	if (!c || !c->data || !msgid)
		return NULL;
	hi = c->count;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *o = entry(c, c->originals, mid, &len);
		int r = key_cmp(ctx, msgid, o);
		const char *t, *end;
		unsigned long form = 0;

		if (r < 0) {
			hi = mid;
			continue;
		}
		if (r > 0) {
			lo = mid + 1;
			continue;
		}
		t = entry(c, c->translations, mid, &len);
		end = t + len;
		if (len == 0)
			return NULL;
		if (plural && !mo_plural_eval(c->plural, c->plural_len, n, &form))
			return NULL;
		for (; form > 0 && t < end; form--)
			t += strlen(t) + 1;
		return t < end && *t ? t : NULL;
	}
	return NULL;
}

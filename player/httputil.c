/* httputil.c - Range (RFC 9110 §14), ETags (§8.8.3, §13.1), request paths, Accept-Language. */
#include "httputil.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "format.h"
#include "pathname.h"

/* Accept-Language ranges looked at; a browser sends a handful. */
#define LANG_MAX_RANGES 32

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_ows(const char *p)
{
	while (is_ows(*p))
		p++;
	return p;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive comparison of n bytes (no locale). */
static bool same_ci(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * 1*DIGIT into *v; NULL when there is no digit or the number does not fit
 * in 64 bits (such a range is ignored rather than guessed at).
 */
static const char *parse_u64(const char *p, uint64_t *v)
{
	uint64_t n = 0;

	if (!is_digit(*p))
		return NULL;
	for (; is_digit(*p); p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (n > (UINT64_MAX - d) / 10)
			return NULL;
		n = n * 10 + d;
	}
	*v = n;
	return p;
}

/* One range-spec at p: "A-B", "A-" or "-N".  Returns the end, or NULL when malformed. */
static const char *parse_range_spec(const char *p, bool *suffix, uint64_t *a, uint64_t *b,
                                    bool *has_b)
{
	*has_b = false;
	if (*p == '-') {
		*suffix = true;
		return parse_u64(skip_ows(p + 1), a);
	}
	*suffix = false;
	p = parse_u64(p, a);
	if (!p)
		return NULL;
	p = skip_ows(p);
	if (*p != '-')
		return NULL;
	p = skip_ows(p + 1);
	if (is_digit(*p)) {
		*has_b = true;
		return parse_u64(p, b);
	}
	return p;
}

enum range_result range_parse(const char *header, uint64_t size, uint64_t *first, uint64_t *last)
{
	const char *p;
	bool suffix = false, has_b = false;
	uint64_t a = 0, b = 0;
	int count = 0;

	*first = 0;
	*last = 0;
	if (!header)
		return RANGE_NONE;
	p = skip_ows(header);
	/* same_ci stops at the first difference, so never reads past a short header's NUL */
	if (!same_ci(p, "bytes", 5))
		return RANGE_NONE;
	p = skip_ows(p + 5);
	if (*p != '=')
		return RANGE_NONE;
	p++;
	/* 1#range-spec: empty list elements are allowed (RFC 9110 §5.6.1.2) */
	for (;;) {
		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p)
			break;
		if (++count > 1)
			return RANGE_NONE;
		p = parse_range_spec(p, &suffix, &a, &b, &has_b);
		if (!p)
			return RANGE_NONE;
		p = skip_ows(p);
		if (*p && *p != ',')
			return RANGE_NONE;
	}
	if (count != 1)
		return RANGE_NONE;

	if (suffix) {
		if (a == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = a >= size ? 0 : size - a;
		*last = size - 1;
		return RANGE_OK;
	}
	if (has_b && a > b)
		return RANGE_NONE; /* invalid, so ignored (§14.1.1) */
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	*first = a;
	*last = (!has_b || b >= size) ? size - 1 : b;
	return RANGE_OK;
}

void etag_make(const unsigned char digest[32], bool gzip, char out[40])
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	out[n++] = '"';
	for (size_t i = 0; i < 16; i++) {
		out[n++] = hex[digest[i] >> 4];
		out[n++] = hex[digest[i] & 0x0F];
	}
	if (gzip) {
		memcpy(out + n, "-gz", 3);
		n += 3;
	}
	out[n++] = '"';
	out[n] = '\0';
}

/* etagc = %x21 / %x23-7E / obs-text */
static bool is_etagc(char c)
{
	unsigned char u = (unsigned char)c;

	return u == 0x21 || (u >= 0x23 && u <= 0x7E) || u >= 0x80;
}

/*
 * entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE at p.  *tag and *len give the
 * opaque-tag with its quotes.  Returns the end, or NULL when malformed.
 */
static const char *parse_etag(const char *p, bool *weak, const char **tag, size_t *len)
{
	const char *q;

	*weak = false;
	if (p[0] == 'W' && p[1] == '/') {
		*weak = true;
		p += 2;
	}
	if (*p != '"')
		return NULL;
	for (q = p + 1; is_etagc(*q); q++)
		;
	if (*q != '"')
		return NULL;
	*tag = p;
	*len = (size_t)(q + 1 - p);
	return q + 1;
}

bool etag_none_match(const char *header, const char *etag)
{
	const char *p, *mine, *tag;
	size_t mine_len, len;
	bool mine_weak, weak;

	if (!header || !etag)
		return false;
	p = parse_etag(etag, &mine_weak, &mine, &mine_len);
	if (!p || *p)
		mine = NULL;
	p = header;
	while (*p) {
		const char *end;

		p = skip_ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p)
			break;
		if (*p == '*') {
			end = skip_ows(p + 1);
			if (!*end || *end == ',')
				return true;
		}
		end = parse_etag(p, &weak, &tag, &len);
		if (end) {
			end = skip_ows(end);
			/* weak comparison: the W/ prefixes do not matter */
			if ((!*end || *end == ',') && mine && len == mine_len &&
			    memcmp(tag, mine, len) == 0)
				return true;
		}
		/* a malformed element is skipped up to the next comma */
		p = end ? end : p;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

bool etag_if_range(const char *header, const char *etag)
{
	const char *p, *mine, *tag;
	size_t mine_len, len;
	bool mine_weak, weak;

	if (!header)
		return true;
	if (!etag)
		return false;
	p = parse_etag(etag, &mine_weak, &mine, &mine_len);
	if (!p || *p || mine_weak)
		return false;
	/* anything but one strong entity-tag (a date, a weak tag, a list) never matches */
	p = parse_etag(skip_ows(header), &weak, &tag, &len);
	if (!p || weak || *skip_ows(p))
		return false;
	return len == mine_len && memcmp(tag, mine, len) == 0;
}

bool urlpath_to_entry(const char *path, char **name)
{
	static const char index_html[] = "index.html";
	struct bundle_error err;
	size_t in_len, n = 0;
	char *out;

	*name = NULL;
	if (!path)
		return false;
	/* every byte of a valid name takes at most three characters of the URL */
	in_len = strnlen(path, 3 * (size_t)BUNDLE_MAX_NAME + 1);
	if (in_len > 3 * (size_t)BUNDLE_MAX_NAME)
		return false;
	out = malloc(in_len + sizeof(index_html));
	if (!out)
		return false;
	for (size_t i = 0; i < in_len; i++) {
		if (path[i] != '%') {
			out[n++] = path[i];
			continue;
		}
		int hi = hex_value(path[i + 1]);
		int lo = hi < 0 ? -1 : hex_value(path[i + 2]);
		if (lo < 0 || (hi == 0 && lo == 0))
			goto fail;
		out[n++] = (char)(hi * 16 + lo);
		i += 2;
	}
	if (n == 0 || out[n - 1] == '/') {
		memcpy(out + n, index_html, sizeof(index_html) - 1);
		n += sizeof(index_html) - 1;
	}
	out[n] = '\0';
	bundle_error_clear(&err);
	if (pathname_check(out, n, true, &err) != BUNDLE_OK)
		goto fail;
	*name = out;
	return true;
fail:
	free(out);
	return false;
}

char *urlpath_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len, n = 0;
	char *out;

	if (!s)
		return NULL;
	len = strlen(s);
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(3 * len + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_alpha(s[i]) || is_digit(s[i]) || c == '-' || c == '.' || c == '_' ||
		    c == '~' || c == '/') {
			out[n++] = s[i];
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0x0F];
		}
	}
	out[n] = '\0';
	return out;
}

struct lang_range {
	const char *tag;
	size_t len;
	unsigned q; /* thousandths */
};

/* language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*" (lengths not enforced) */
static bool valid_lang_range(const char *s, size_t len)
{
	bool start = true;

	if (len == 1 && s[0] == '*')
		return true;
	if (len == 0 || !is_alpha(s[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-') {
			if (start)
				return false;
			start = true;
		} else if (is_alpha(s[i]) || is_digit(s[i])) {
			start = false;
		} else {
			return false;
		}
	}
	return !start;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), exactly [p, end). */
static bool parse_qvalue(const char *p, const char *end, unsigned *q)
{
	unsigned v, scale = 100;

	if (p == end || (*p != '0' && *p != '1'))
		return false;
	v = (unsigned)(*p++ - '0') * 1000;
	if (p == end)
		goto done;
	if (*p++ != '.')
		return false;
	for (int i = 0; p < end; i++, p++) {
		if (i == 3 || !is_digit(*p))
			return false;
		v += (unsigned)(*p - '0') * scale;
		scale /= 10;
	}
	if (v > 1000)
		return false;
done:
	*q = v;
	return true;
}

/* One element [s, e) of the list: language-range [ OWS ";" OWS "q=" qvalue ]. */
static bool parse_lang_element(const char *s, const char *e, struct lang_range *r)
{
	const char *t;

	while (s < e && is_ows(*s))
		s++;
	while (e > s && is_ows(e[-1]))
		e--;
	for (t = s; t < e && !is_ows(*t) && *t != ';'; t++)
		;
	if (!valid_lang_range(s, (size_t)(t - s)))
		return false;
	r->tag = s;
	r->len = (size_t)(t - s);
	r->q = 1000;
	while (t < e && is_ows(*t))
		t++;
	if (t == e)
		return true;
	if (*t++ != ';')
		return false;
	while (t < e && is_ows(*t))
		t++;
	if (e - t < 2 || lower(t[0]) != 'q' || t[1] != '=')
		return false;
	return parse_qvalue(t + 2, e, &r->q);
}

/* The range equals the tag, or is a prefix of it at a '-' ("zh" and "zh-Hans"). */
static bool lang_covers(const struct lang_range *r, const char *tag, size_t len)
{
	return r->len <= len && same_ci(r->tag, tag, r->len) &&
	       (r->len == len || tag[r->len] == '-');
}

/*
 * An available tag is refused by a "q=0" range that covers it ("*;q=0"
 * covers no tag: it only refuses what no other range names).
 */
static bool lang_excluded(const struct lang_range *ranges, size_t n, const char *tag)
{
	size_t len = strlen(tag);

	for (size_t i = 0; i < n; i++)
		if (ranges[i].q == 0 && lang_covers(&ranges[i], tag, len))
			return true;
	return false;
}

/*
 * How well available tag matches range r: 0 none; an exact match beats a
 * more specific tag ("zh" -> "zh-Hans"), which beats a less specific one
 * ("th-TH" -> "th"), the longest of those first.
 */
static size_t lang_score(const struct lang_range *r, const char *tag)
{
	size_t len = strlen(tag);

	if (len == r->len && same_ci(r->tag, tag, len))
		return SIZE_MAX;
	if (lang_covers(r, tag, len))
		return SIZE_MAX - 1;
	if (len < r->len && same_ci(r->tag, tag, len) && r->tag[len] == '-')
		return len;
	/* Browsers name Chinese by region: these regions write it simplified, those traditional. */
	if (r->len >= 5 && same_ci(r->tag, "zh-", 3) && (r->len == 5 || r->tag[5] == '-')) {
		static const char *const hans[] = { "CN", "SG", "MY" }, *const hant[] = { "TW",
			                                                                  "HK",
			                                                                  "MO" };
		const char *script = NULL;
		for (size_t i = 0; i < 3; i++) {
			if (same_ci(r->tag + 3, hans[i], 2))
				script = "zh-Hans";
			if (same_ci(r->tag + 3, hant[i], 2))
				script = "zh-Hant";
		}
		if (script && len == 7 && same_ci(tag, script, 7))
			return SIZE_MAX - 2;
	}
	return 0;
}

const char *accept_language(const char *header, const char *const *available, size_t count,
                            const char *fallback)
{
	struct lang_range ranges[LANG_MAX_RANGES];
	size_t n = 0;
	const char *p;

	if (!header || !available)
		return fallback;
	for (p = header; *p && n < LANG_MAX_RANGES;) {
		const char *e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		if (parse_lang_element(p, e, &ranges[n]))
			n++;
		p = *e ? e + 1 : e;
	}
	/* highest q first; a stable insertion sort keeps the header's order on a tie */
	for (size_t i = 1; i < n; i++) {
		struct lang_range r = ranges[i];
		size_t j = i;
		for (; j > 0 && ranges[j - 1].q < r.q; j--)
			ranges[j] = ranges[j - 1];
		ranges[j] = r;
	}
	for (size_t i = 0; i < n && ranges[i].q > 0; i++) {
		const char *best = NULL;
		size_t best_score = 0;
		bool star = ranges[i].len == 1 && ranges[i].tag[0] == '*';

		for (size_t k = 0; k < count; k++) {
			size_t score;
			if (!available[k] || lang_excluded(ranges, n, available[k]))
				continue;
			if (star)
				return available[k];
			score = lang_score(&ranges[i], available[k]);
			if (score > best_score) {
				best = available[k];
				best_score = score;
			}
		}
		if (best)
			return best;
	}
	return fallback;
}

char *query_value_decode(const char *raw, size_t max)
{
	size_t n = 0;
	char *out;

	if (!raw)
		return NULL;
	out = malloc(strlen(raw) + 1);
	if (!out)
		return NULL;
	for (const char *p = raw; *p; p++) {
		int hi, lo;
		if (*p == '+') {
			out[n++] = ' ';
		} else if (*p == '%' && (hi = hex_value(p[1])) >= 0 &&
		           (lo = hex_value(p[2])) >= 0) {
			out[n++] = (char)(hi * 16 + lo);
			p += 2;
		} else {
			out[n++] = *p;
		}
	}
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80)
			n--;
	}
	out[n] = '\0';
	return out;
}

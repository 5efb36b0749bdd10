/* httputil.c - Range (RFC 9110 §14), ETags (§8.8.3, §13.1), paths, Accept-Language, Cookie. */
#include "httputil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
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

/* ASCII case-insensitive comparison of n bytes (no locale). */
static bool same_ci(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
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

void etag_tag(const unsigned char digest[32], char out[33])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < 16; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0x0F];
	}
	out[32] = '\0';
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

bool etag_match_any(const char *header, const char *etag, bool strong)
{
	const char *p, *mine = NULL, *tag;
	size_t mine_len = 0, len;
	bool mine_weak = false, weak;

	if (!header)
		return false;
	if (etag) {
		p = parse_etag(etag, &mine_weak, &mine, &mine_len);
		if (!p || *p)
			mine = NULL;
	}
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
			/* weak comparison: the W/ prefixes do not matter; strong: neither may be weak */
			if ((!*end || *end == ',') && mine && len == mine_len &&
			    memcmp(tag, mine, len) == 0 && (!strong || (!weak && !mine_weak)))
				return true;
		}
		/* a malformed element is skipped up to the next comma */
		p = end ? end : p;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

bool etag_none_match(const char *header, const char *etag)
{
	return etag && etag_match_any(header, etag, false);
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
		int hi = ascii_hex_value(path[i + 1]);
		int lo = hi < 0 ? -1 : ascii_hex_value(path[i + 2]);
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
	if (e - t < 2 || ascii_lower(t[0]) != 'q' || t[1] != '=')
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
		} else if (*p == '%' && (hi = ascii_hex_value(p[1])) >= 0 &&
		           (lo = ascii_hex_value(p[2])) >= 0) {
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

bool accept_encoding_gzip(const char *header)
{
	unsigned gzip_q = 0, star_q = 0;
	bool gzip_named = false, star_named = false;
	const char *p = header;

	while (p && *p) {
		const char *e = strchr(p, ',');
		const char *s = p, *t;
		unsigned q = 1000;

		if (!e)
			e = p + strlen(p);
		p = *e ? e + 1 : e;
		while (s < e && is_ows(*s))
			s++;
		for (t = s; t < e && !is_ows(*t) && *t != ';'; t++)
			;
		if (t == s)
			continue;
		/* [ OWS ";" OWS "q=" qvalue ]: a malformed weight drops the element */
		{
			const char *w = t, *end = e;
			while (w < end && is_ows(*w))
				w++;
			while (end > w && is_ows(end[-1]))
				end--;
			if (w < end) {
				if (*w++ != ';')
					continue;
				while (w < end && is_ows(*w))
					w++;
				if (end - w < 2 || ascii_lower(w[0]) != 'q' || w[1] != '=' ||
				    !parse_qvalue(w + 2, end, &q))
					continue;
			}
		}
		if ((t - s == 4 && same_ci(s, "gzip", 4)) ||
		    (t - s == 6 && same_ci(s, "x-gzip", 6))) {
			/* the highest weight given to it counts */
			if (!gzip_named || q > gzip_q)
				gzip_q = q;
			gzip_named = true;
		} else if (t - s == 1 && *s == '*') {
			if (!star_named || q > star_q)
				star_q = q;
			star_named = true;
		}
	}
	/* gzip named outright decides; otherwise "*" stands for it */
	return gzip_named ? gzip_q > 0 : star_named && star_q > 0;
}

/* ---- HTTP-date (RFC 9110 §5.6.7) ---- */

static const char day_names[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
static const char month_names[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : n[m - 1];
}

/* n digits at p into *v; false unless all are digits. */
static bool digits(const char *p, size_t n, unsigned *v)
{
	unsigned x = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		x = x * 10 + (unsigned)(p[i] - '0');
	}
	*v = x;
	return true;
}

static bool month_of(const char *p, unsigned *m)
{
	for (unsigned i = 0; i < 12; i++)
		if (strncmp(p, month_names[i], 3) == 0) {
			*m = i + 1;
			return true;
		}
	return false;
}

/* "HH:MM:SS" at p. */
static bool time_of_day(const char *p, unsigned *h, unsigned *mi, unsigned *s)
{
	return digits(p, 2, h) && p[2] == ':' && digits(p + 3, 2, mi) && p[5] == ':' &&
	       digits(p + 6, 2, s) && *h < 24 && *mi < 60 && *s < 61;
}

int64_t http_date_parse(const char *s)
{
	unsigned d, m, y, h, mi, sec;
	const char *p;
	size_t n;

	if (!s)
		return -1;
	n = strlen(s);
	p = strchr(s, ' ');
	if (n == 29 && s[3] == ',' && s[4] == ' ') {
		/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		if (!digits(s + 5, 2, &d) || s[7] != ' ' || !month_of(s + 8, &m) || s[11] != ' ' ||
		    !digits(s + 12, 4, &y) || s[16] != ' ' || !time_of_day(s + 17, &h, &mi, &sec) ||
		    strcmp(s + 25, " GMT") != 0)
			return -1;
	} else if (p && p > s && p[-1] == ',' && strlen(p) == 23) {
		/* rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT" */
		p++;
		if (!digits(p, 2, &d) || p[2] != '-' || !month_of(p + 3, &m) || p[6] != '-' ||
		    !digits(p + 7, 2, &y) || p[9] != ' ' || !time_of_day(p + 10, &h, &mi, &sec) ||
		    strcmp(p + 18, " GMT") != 0)
			return -1;
		/* two digits: the century that puts it in the past, as browsers did */
		y += y < 70 ? 2000 : 1900;
	} else if (n == 24 && s[3] == ' ' && s[7] == ' ') {
		/* asctime-date: "Sun Nov  6 08:49:37 1994" */
		if (!month_of(s + 4, &m) ||
		    !(s[8] == ' ' ? digits(s + 9, 1, &d) : digits(s + 8, 2, &d)) || s[10] != ' ' ||
		    !time_of_day(s + 11, &h, &mi, &sec) || s[19] != ' ' || !digits(s + 20, 4, &y))
			return -1;
	} else {
		return -1;
	}
	if (d == 0 || d > days_in_month(y, m) || y < 1970)
		return -1;
	if (sec == 60)
		sec = 59; /* a leap second: the second before it */
	return days_from_civil(y, m, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec;
}

void http_date_format(int64_t t, char out[HTTP_DATE_SIZE])
{
	int64_t days, z, era, y;
	unsigned doe, yoe, doy, mp, d, m, secs;

	char tmp[96];

	/* 1970 to 9999: an HTTP-date has four digits of year */
	if (t < 0)
		t = 0;
	if (t > INT64_C(253402300799))
		t = INT64_C(253402300799);
	days = t / 86400;
	secs = (unsigned)(t % 86400);
	/* civil_from_days */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(tmp, sizeof(tmp), "%s, %02u %s %04lld %02u:%02u:%02u GMT", day_names[days % 7], d,
	         month_names[m - 1], (long long)y, secs / 3600, secs / 60 % 60, secs % 60);
	memcpy(out, tmp, HTTP_DATE_SIZE - 1);
	out[HTTP_DATE_SIZE - 1] = '\0';
}

const char *cookie_value(const char *header, const char *name, size_t *len)
{
	size_t n = strlen(name);
	const char *p = header;

	while (p && *p) {
		p += strspn(p, " \t;");
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			p += n + 1;
			*len = strcspn(p, ";");
			while (*len && (p[*len - 1] == ' ' || p[*len - 1] == '\t'))
				(*len)--;
			return p;
		}
		p = strchr(p, ';');
	}
	return NULL;
}

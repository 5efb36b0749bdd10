/*
 * pathname.c - the one path checker (format-spec/bundle-v1.md, "Entry names").
 * The only file that includes ICU: NFC checking and case folding.
 */
#include "pathname.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "format.h"
#include "utf8.h"

/*
 * Windows' reserved device names (rule 6), as UTF-8: COM and LPT with a
 * digit 0 to 9 or a superscript one, two or three (U+00B9, U+00B2, U+00B3).
 */
static const char *const device_names[] = {
	"CON",  "PRN",         "AUX",         "NUL",         "CONIN$",      "CONOUT$", "COM0",
	"COM1", "COM2",        "COM3",        "COM4",        "COM5",        "COM6",    "COM7",
	"COM8", "COM9",        "COM\xC2\xB9", "COM\xC2\xB2", "COM\xC2\xB3", "LPT0",    "LPT1",
	"LPT2", "LPT3",        "LPT4",        "LPT5",        "LPT6",        "LPT7",    "LPT8",
	"LPT9", "LPT\xC2\xB9", "LPT\xC2\xB2", "LPT\xC2\xB3",
};

/*
 * The Unicode version whose assignments decide rule 4 and, through them,
 * rules 8 and 4.2 (format-spec/bundle-v1.md, section 4.1).
 */
#define NAME_UNICODE_MAJOR 15
#define NAME_UNICODE_MINOR 0

static bool ascii_ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char ca = a[i], cb = b[i];
		if (ca >= 'a' && ca <= 'z')
			ca = (char)(ca - 'a' + 'A');
		if (cb >= 'a' && cb <= 'z')
			cb = (char)(cb - 'a' + 'A');
		if (ca != cb)
			return false;
	}
	return true;
}

static bool forbidden_cp(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return true;
	switch (cp) {
	case '\\':
	case ':':
	case '*':
	case '?':
	case '"':
	case '<':
	case '>':
	case '|':
		return true;
	default:
		break;
	}
	if (cp >= 0xFDD0 && cp <= 0xFDEF)
		return true;
	if ((cp & 0xFFFE) == 0xFFFE)
		return true;
	if (cp >= 0xE000 && cp <= 0xF8FF)
		return true;
	if (cp >= 0xF0000)
		return true;
	return false;
}

/*
 * Assigned in Unicode 15.0: assigned in the ICU in use (not General_Category
 * Cn) and no younger than 15.0 by its Age, so that a newer ICU refuses what
 * Unicode 16 and later added, as an ICU of 15.0 does.
 */
static bool assigned_in_pinned_unicode(uint32_t cp)
{
	UVersionInfo age;

	if (cp < 0x80)
		return true;
	if (u_charType((UChar32)cp) == U_UNASSIGNED)
		return false;
	u_charAge((UChar32)cp, age);
	return age[0] < NAME_UNICODE_MAJOR ||
	       (age[0] == NAME_UNICODE_MAJOR && age[1] <= NAME_UNICODE_MINOR);
}

static enum bundle_status check_segment(const char *name, size_t len, const char *seg,
                                        size_t seg_len, struct bundle_error *err)
{
	if (seg_len == 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
		                        "empty path segment (leading, trailing or double '/')");
	if ((seg_len == 1 && seg[0] == '.') || (seg_len == 2 && seg[0] == '.' && seg[1] == '.'))
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
		                        "'.' or '..' path segment");
	if (seg_len > BUNDLE_MAX_SEGMENT)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
		                        "path segment longer than %u bytes", BUNDLE_MAX_SEGMENT);
	return BUNDLE_OK;
}

static enum bundle_status check_segment_late(const char *name, size_t len, const char *seg,
                                             size_t seg_len, bool first, struct bundle_error *err)
{
	size_t stem = 0, digits = seg_len;

	if (seg[seg_len - 1] == '.' || seg[seg_len - 1] == ' ')
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
		                        "path segment ends with a dot or a space");
	/* Info-ZIP's unzip drops a final ';' and the digits after it (VMS versions). */
	while (digits > 0 && seg[digits - 1] >= '0' && seg[digits - 1] <= '9')
		digits--;
	if (digits > 0 && seg[digits - 1] == ';')
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
		                        "path segment ends with ';' and digits, which unzip "
		                        "removes");
	/* The part before the first dot, less the spaces Windows drops before it. */
	while (stem < seg_len && seg[stem] != '.')
		stem++;
	while (stem > 0 && seg[stem - 1] == ' ')
		stem--;
	for (size_t i = 0; i < sizeof(device_names) / sizeof(device_names[0]); i++)
		if (ascii_ieq(seg, stem, device_names[i]))
			return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
			                        "'%s' is a reserved device name on Windows",
			                        device_names[i]);
	if (first && ascii_ieq(seg, seg_len, "META-INF") && memcmp(seg, "META-INF", 8) != 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
		                        "first segment must be spelled 'META-INF' exactly");
	return BUNDLE_OK;
}

/* UTF-8 -> UTF-16; *out is malloc'd. */
static enum bundle_status to_utf16(const char *s, size_t len, UChar **out, int32_t *out_len,
                                   struct bundle_error *err)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t cap = (int32_t)len + 1;
	UChar *buf = malloc((size_t)cap * sizeof(UChar));

	if (!buf)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	u_strFromUTF8(buf, cap, out_len, s, (int32_t)len, &st);
	if (U_FAILURE(st)) {
		free(buf);
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_NOT_UTF8, s, len,
		                        "not valid UTF-8");
	}
	*out = buf;
	return BUNDLE_OK;
}

enum bundle_status pathname_check(const char *name, size_t len, bool utf8_flag,
                                  struct bundle_error *err)
{
	size_t pos = 0, seg_start = 0;
	bool ascii = true;
	enum bundle_status st;

	/* 1. UTF-8 */
	while (pos < len) {
		uint32_t cp;
		if (!utf8_next(name, len, &pos, &cp))
			return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_NOT_UTF8, name, len,
			                        "name is not valid UTF-8");
		if (cp >= 0x80)
			ascii = false;
	}
	if (!ascii && !utf8_flag)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_NOT_UTF8, name, len,
		                        "non-ASCII name without the UTF-8 flag (bit 11)");
	/* 2. length */
	if (len == 0 || len > BUNDLE_MAX_NAME)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
		                        "name length %zu is not between 1 and %u bytes", len,
		                        BUNDLE_MAX_NAME);
	/* 3. segments */
	for (size_t i = 0; i <= len; i++) {
		if (i == len || name[i] == '/') {
			st = check_segment(name, len, name + seg_start, i - seg_start, err);
			if (st != BUNDLE_OK)
				return st;
			seg_start = i + 1;
		}
	}
	/* 4. forbidden code points */
	pos = 0;
	while (pos < len) {
		uint32_t cp;
		utf8_next(name, len, &pos, &cp);
		if (forbidden_cp(cp)) {
			if (cp < 0x80 && cp >= 0x20)
				return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID,
				                        name, len, "forbidden character '%c'",
				                        (char)cp);
			return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
			                        "forbidden character U+%04X", (unsigned)cp);
		}
		if (!assigned_in_pinned_unicode(cp))
			return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name, len,
			                        "U+%04X is not a character of Unicode %d.%d",
			                        (unsigned)cp, NAME_UNICODE_MAJOR,
			                        NAME_UNICODE_MINOR);
	}
	/* 5-7. trailing dot or space, device names, META-INF spelling */
	seg_start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || name[i] == '/') {
			st = check_segment_late(name, len, name + seg_start, i - seg_start,
			                        seg_start == 0, err);
			if (st != BUNDLE_OK)
				return st;
			seg_start = i + 1;
		}
	}
	/* 8. NFC */
	if (!ascii) {
		UErrorCode ust = U_ZERO_ERROR;
		const UNormalizer2 *nfc = unorm2_getNFCInstance(&ust);
		UChar *u;
		int32_t ulen;
		UBool normal;

		if (U_FAILURE(ust))
			return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
			                        "Unicode data unavailable: %s", u_errorName(ust));
		st = to_utf16(name, len, &u, &ulen, err);
		if (st != BUNDLE_OK)
			return st;
		normal = unorm2_isNormalized(nfc, u, ulen, &ust);
		free(u);
		if (U_FAILURE(ust))
			return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
			                        "Unicode normalization failed: %s",
			                        u_errorName(ust));
		if (!normal)
			return bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_NOT_NFC, name, len,
			                        "name is not in Unicode Normalization Form C");
	}
	return BUNDLE_OK;
}

/* Apply one UTF-16 -> UTF-16 transformation, growing the output as ICU asks. */
static UChar *transform(const UNormalizer2 *norm, bool fold, const UChar *in, int32_t in_len,
                        int32_t *out_len)
{
	int32_t cap = in_len * 3 + 8;

	for (int attempt = 0; attempt < 3; attempt++) {
		UErrorCode st = U_ZERO_ERROR;
		UChar *out = malloc((size_t)cap * sizeof(UChar));
		int32_t n;

		if (!out)
			return NULL;
		if (fold)
			n = u_strFoldCase(out, cap, in, in_len, U_FOLD_CASE_DEFAULT, &st);
		else
			n = unorm2_normalize(norm, in, in_len, out, cap, &st);
		if (st == U_BUFFER_OVERFLOW_ERROR) {
			free(out);
			cap = n + 1;
			continue;
		}
		if (U_FAILURE(st)) {
			free(out);
			return NULL;
		}
		*out_len = n;
		return out;
	}
	return NULL;
}

enum bundle_status pathname_fold(const char *name, size_t len, char **key, size_t *key_len,
                                 struct bundle_error *err)
{
	UErrorCode ust = U_ZERO_ERROR;
	const UNormalizer2 *nfd = unorm2_getNFDInstance(&ust);
	UChar *u = NULL, *a = NULL, *b = NULL, *c = NULL;
	int32_t ulen, alen, blen, clen, n8 = 0;
	char *out = NULL;
	enum bundle_status st;

	*key = NULL;
	if (U_FAILURE(ust))
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
		                        "Unicode data unavailable: %s", u_errorName(ust));
	st = to_utf16(name, len, &u, &ulen, err);
	if (st != BUNDLE_OK)
		return st;
	st = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	a = transform(nfd, false, u, ulen, &alen);
	if (!a)
		goto cleanup;
	b = transform(NULL, true, a, alen, &blen);
	if (!b)
		goto cleanup;
	c = transform(nfd, false, b, blen, &clen);
	if (!c)
		goto cleanup;
	ust = U_ZERO_ERROR;
	u_strToUTF8(NULL, 0, &n8, c, clen, &ust);
	out = malloc((size_t)n8 + 1);
	if (!out)
		goto cleanup;
	ust = U_ZERO_ERROR;
	u_strToUTF8(out, n8 + 1, &n8, c, clen, &ust);
	if (U_FAILURE(ust)) {
		free(out);
		out = NULL;
		goto cleanup;
	}
	*key = out;
	*key_len = (size_t)n8;
	bundle_error_clear(err);
	st = BUNDLE_OK;
cleanup:
	free(u);
	free(a);
	free(b);
	free(c);
	return st;
}

int pathname_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;

	if (r != 0)
		return r;
	return (alen > blen) - (alen < blen);
}

struct keyed {
	const char *name;
	size_t len;
	char *key;
	size_t key_len;
};

static int cmp_by_name(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	return pathname_cmp(a->name, a->len, b->name, b->len);
}

static int cmp_by_key(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int r = pathname_cmp(a->key, a->key_len, b->key, b->key_len);
	return r ? r : cmp_by_name(pa, pb);
}

static int cmp_key_to_prefix(const void *pk, const void *pe)
{
	const struct keyed *k = pk, *e = pe;
	return pathname_cmp(k->key, k->key_len, e->key, e->key_len);
}

enum bundle_status pathname_check_set(const char *const *names, const size_t *lens, size_t n,
                                      struct bundle_error *err)
{
	struct keyed *v;
	enum bundle_status st = BUNDLE_OK;
	size_t made = 0;

	if (n < 2)
		return BUNDLE_OK;
	v = calloc(n, sizeof(*v));
	if (!v)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	for (size_t i = 0; i < n; i++) {
		v[i].name = names[i];
		v[i].len = lens[i];
	}
	qsort(v, n, sizeof(*v), cmp_by_name);
	for (size_t i = 1; i < n; i++)
		if (cmp_by_name(&v[i - 1], &v[i]) == 0) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_DUPLICATE, v[i].name,
			                      v[i].len, "name appears more than once");
			goto cleanup;
		}
	for (made = 0; made < n; made++) {
		st = pathname_fold(v[made].name, v[made].len, &v[made].key, &v[made].key_len, err);
		if (st != BUNDLE_OK)
			goto cleanup;
	}
	qsort(v, n, sizeof(*v), cmp_by_key);
	for (size_t i = 1; i < n; i++)
		if (pathname_cmp(v[i - 1].key, v[i - 1].key_len, v[i].key, v[i].key_len) == 0) {
			char other[BUNDLE_ERROR_ENTRY_MAX];
			bundle_quote(other, sizeof(other), v[i - 1].name, v[i - 1].len);
			st = bundle_error_set(
			        err, BUNDLE_INVALID, RULE_NAME_CASE_COLLISION, v[i].name, v[i].len,
			        "same name as '%s' on a case-insensitive disk", other);
			goto cleanup;
		}
	/* Every directory prefix of every key must not be the key of a file. */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < v[i].key_len; j++) {
			struct keyed probe = { 0 }, *hit;
			if (v[i].key[j] != '/')
				continue;
			probe.key = v[i].key;
			probe.key_len = j;
			hit = bsearch(&probe, v, n, sizeof(*v), cmp_key_to_prefix);
			if (hit) {
				char other[BUNDLE_ERROR_ENTRY_MAX];
				bundle_quote(other, sizeof(other), hit->name, hit->len);
				st = bundle_error_set(
				        err, BUNDLE_INVALID, RULE_NAME_FILE_DIR_CONFLICT, v[i].name,
				        v[i].len, "its folder '%s' is also a file", other);
				goto cleanup;
			}
		}
	}
cleanup:
	for (size_t i = 0; i < n; i++)
		free(v[i].key);
	free(v);
	return st;
}

/*
 * tokenize.c - the words of a text for search, in every script
 * (tokenize.h): ICU's word break iterator over the UTF-8 text itself (a
 * UText, so its boundaries are byte offsets) for the scripts written with
 * spaces; runs of the others folded first (each code point remembering the
 * bytes it came from), put in one order, then cut into units and bigrams.
 */
#include "tokenize.h"

#include "utf8.h"
#include "variants.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utext.h>

/* Folding works on at most this many bytes of a word, in UTF-16 buffers of FOLD_UNITS. */
#define FOLD_IN_MAX 256
#define FOLD_UNITS 1024

static const UChar no_text[1] = { 0 };

/* A folded code point of a run, and the bytes [s, e) of the text it came from. */
struct fcp {
	uint32_t c;
	size_t s, e;
};

/* A unit of a folded run: bytes [fs, fe) of the folded text, [s, e) of the original. */
struct unit {
	size_t fs, fe, s, e;
};

struct tokenizer {
	UBreakIterator *bi; /* words */
	UBreakIterator *ci; /* characters (grapheme clusters) */
	/* Scratch for one run, grown as needed. */
	struct fcp *cp;
	size_t cp_cap;
	struct unit *units;
	size_t units_cap;
	char *buf; /* the folded run, UTF-8 */
	size_t buf_cap;
	int stem; /* the stemmer of the texts' language (enum stem_lang), or -1 */
	struct variants *var; /* its stemmers, made when first needed */
};

struct tokenizer *tokenizer_new(void)
{
	UErrorCode st = U_ZERO_ERROR;
	struct tokenizer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->stem = -1;
	/* The root locale: ICU picks the dictionary by script, whatever the language. */
	t->bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
	t->ci = ubrk_open(UBRK_CHARACTER, "", NULL, 0, &st);
	if (U_FAILURE(st) || !t->bi || !t->ci) {
		tokenizer_free(t);
		return NULL;
	}
	return t;
}

void tokenizer_free(struct tokenizer *t)
{
	if (!t)
		return;
	if (t->bi)
		ubrk_close(t->bi);
	if (t->ci)
		ubrk_close(t->ci);
	free(t->cp);
	free(t->units);
	free(t->buf);
	variants_free(t->var);
	free(t);
}

void tokenizer_set_lang(struct tokenizer *t, const char *lang)
{
	t->stem = variants_stems(STEM_EN, lang)   ? STEM_EN
	          : variants_stems(STEM_ID, lang) ? STEM_ID
	                                          : -1;
}

/* The stem of a folded word into out, TOKEN_STEM and the stemmer's letter first; 0: none. */
static size_t stem_of(struct tokenizer *t, enum stem_lang lang, const char *w, size_t n,
                      char out[TOKEN_MAX + 2])
{
	size_t m;

	if (!t->var && !(t->var = variants_new()))
		return 0;
	m = variants_stem(t->var, lang, w, n, out + 2);
	if (m == 0)
		return 0;
	out[0] = TOKEN_STEM;
	out[1] = lang == STEM_EN ? 'e' : 'i';
	return m + 2;
}

/* Make room for n elements of size in *p (capacity *cap). */
static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c = *cap ? *cap : 64;

	if (n <= *cap)
		return true;
	while (c < n)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

static bool is_mark(uint32_t c)
{
	int8_t t = u_charType((UChar32)c);

	return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
}

static bool letter_or_mark(UChar32 c)
{
	int8_t t = u_charType(c);

	return (t >= U_UPPERCASE_LETTER && t <= U_OTHER_LETTER) || is_mark((uint32_t)c);
}

/* Cut s (len bytes of UTF-8) to at most max bytes without splitting a character. */
static size_t cut_utf8(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

/* c as UTF-8 into out (4 bytes at most); the length. */
static size_t put_utf8(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* A Latin word folded (accents: false) or as typed but for case and compatibility forms. */
static size_t fold_word(const char *word, size_t len, char out[TOKEN_MAX], bool accents)
{
	UChar a[FOLD_UNITS], b[FOLD_UNITS];
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *nfkc_cf, *nfd, *nfc;
	int32_t alen, blen, olen;
	size_t i, n;
	bool ascii = true;

	for (i = 0; i < len && ascii; i++)
		ascii = (unsigned char)word[i] < 0x80;
	if (ascii) {
		n = len < TOKEN_MAX ? len : TOKEN_MAX;
		for (i = 0; i < n; i++) {
			char c = word[i];
			out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		return n;
	}
	len = cut_utf8(word, len, FOLD_IN_MAX);
	nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
	nfd = unorm2_getNFDInstance(&st);
	nfc = unorm2_getNFCInstance(&st);
	u_strFromUTF8WithSub(a, FOLD_UNITS, &alen, word, (int32_t)len, 0xFFFD, NULL, &st);
	blen = unorm2_normalize(nfkc_cf, a, alen, b, FOLD_UNITS, &st);
	alen = unorm2_normalize(nfd, b, blen, a, FOLD_UNITS, &st);
	if (U_FAILURE(st)) {
		/* Cannot happen within these sizes; the word then stands as it is. */
		n = cut_utf8(word, len, TOKEN_MAX);
		memcpy(out, word, n);
		return n;
	}
	/* The accents of Latin letters go; Vietnamese đ has no decomposition. */
	blen = 0;
	for (int32_t k = 0; k < alen; k++) {
		if (!accents && a[k] >= 0x0300 && a[k] <= 0x036F)
			continue;
		b[blen++] = !accents && a[k] == 0x0111 ? (UChar)'d' : a[k];
	}
	alen = unorm2_normalize(nfc, b, blen, a, FOLD_UNITS, &st);
	{
		char tmp[FOLD_UNITS * 3];
		u_strToUTF8(tmp, (int32_t)sizeof(tmp), &olen, a, alen, &st);
		if (U_FAILURE(st) || olen < 0)
			return 0;
		n = cut_utf8(tmp, (size_t)olen, TOKEN_MAX);
		memcpy(out, tmp, n);
	}
	return n;
}

size_t tokenizer_fold(const char *word, size_t len, char out[TOKEN_MAX])
{
	return fold_word(word, len, out, false);
}

/* ---- the loose forms ---- */

/* The loose form of one code point: itself, another, or 0 (it goes). */
static uint32_t loose_cp(uint32_t c)
{
	switch (c) {
	/* Thai: maitaikhu, tone marks, thanthakhat; long vowels to short. */
	case 0x0E47:
	case 0x0E48:
	case 0x0E49:
	case 0x0E4A:
	case 0x0E4B:
	case 0x0E4C:
		return 0;
	case 0x0E35:
		return 0x0E34;
	case 0x0E37:
		return 0x0E36;
	case 0x0E39:
		return 0x0E38;
	/* Lao: tone marks and the cancellation mark; long vowels to short. */
	case 0x0EC8:
	case 0x0EC9:
	case 0x0ECA:
	case 0x0ECB:
	case 0x0ECC:
		return 0;
	case 0x0EB5:
		return 0x0EB4;
	case 0x0EB7:
		return 0x0EB6;
	case 0x0EB9:
		return 0x0EB8;
	/* Khmer: subscript da is ta below a coeng (see loose_fold); ឲ is ឱ; shifters go. */
	case 0x17B2:
		return 0x17B1;
	case 0x17C9:
	case 0x17CA:
		return 0;
	case 0x17B8:
		return 0x17B7;
	case 0x17BA:
		return 0x17B9;
	case 0x17BC:
		return 0x17BB;
	/* Burmese: dot below and visarga go; medial ra is medial ya; long vowels to short. */
	case 0x1037:
	case 0x1038:
		return 0;
	case 0x103C:
		return 0x103B;
	case 0x102E:
		return 0x102D;
	case 0x1030:
		return 0x102F;
	default:
		return c;
	}
}

/* The loose form of folded text that follows the code point prev (0: none). */
static size_t loose_fold_after(uint32_t prev, const char *folded, size_t len, char out[TOKEN_MAX])
{
	size_t pos = 0, n = 0;
	uint32_t c;

	while (pos < len) {
		char tmp[4];
		size_t k;
		if (!utf8_next(folded, len, &pos, &c)) {
			pos++;
			continue;
		}
		/* Khmer subscript da (coeng + da) looks like subscript ta: one form. */
		if (prev == 0x17D2 && c == 0x178A)
			c = 0x178F;
		prev = c;
		c = loose_cp(c);
		if (c == 0)
			continue;
		k = put_utf8(c, tmp);
		if (n + k > TOKEN_MAX)
			break;
		memcpy(out + n, tmp, k);
		n += k;
	}
	return n;
}

size_t tokenizer_loose_fold(const char *folded, size_t len, char out[TOKEN_MAX])
{
	return loose_fold_after(0, folded, len, out);
}

/* ---- the order of marks: what the reader cannot see is folded ---- */

/*
 * The rank of the item (a mark, or a coeng/virama with its consonant) at
 * cp[i] of a Burmese, Khmer, Thai or Lao run, and its length in *len: 0
 * for a base, which starts a new cluster; marks after a base are put in
 * the order of their ranks.
 */
static int mark_rank(const struct fcp *cp, size_t i, size_t n, size_t *len)
{
	uint32_t c = cp[i].c, next = i + 1 < n ? cp[i + 1].c : 0;

	*len = 1;
	if (c >= 0x1000 && c <= 0x109F) { /* Myanmar, UTN #11 */
		if (c == 0x1039 && next >= 0x1000 && next <= 0x1021) {
			*len = 2;
			return 1; /* a stacked consonant */
		}
		switch (c) {
		case 0x103B:
			return 2;
		case 0x103C:
			return 3;
		case 0x103D:
			return 4;
		case 0x103E:
			return 5;
		case 0x1031:
			return 6;
		case 0x102D:
		case 0x102E:
		case 0x1032:
			return 7;
		case 0x102F:
		case 0x1030:
			return 8;
		case 0x102B:
		case 0x102C:
			return 9;
		case 0x1036:
			return 10;
		case 0x1037:
			return 11;
		case 0x103A:
			return 12;
		case 0x1038:
			return 13;
		default:
			return 0;
		}
	}
	if (c >= 0x1780 && c <= 0x17FF) { /* Khmer */
		if (c == 0x17D2 && next >= 0x1780 && next <= 0x17A2) {
			*len = 2;
			return next == 0x179A ? 2 : 1; /* subscript ro after the others */
		}
		if (c == 0x17C9 || c == 0x17CA || c == 0x17CC)
			return 3;
		if (c >= 0x17B6 && c <= 0x17C5)
			return 4;
		if ((c >= 0x17C6 && c <= 0x17D1) || c == 0x17D3 || c == 0x17DD)
			return 5;
		return 0;
	}
	if (c >= 0x0E00 && c <= 0x0EFF) { /* Thai and Lao: vowels above and below, then tones */
		uint32_t o = c & 0x7F;
		if (o == 0x31 || (o >= 0x34 && o <= 0x3A) || o == 0x47 || o == 0x3B || o == 0x3C)
			return 1;
		if (o >= 0x48 && o <= 0x4B)
			return 2;
		if (o == 0x4C || o == 0x4D)
			return 3;
		return 0;
	}
	return 0;
}

/* A Burmese consonant (one that a vowel sign or medial may follow). */
static bool my_consonant(uint32_t c)
{
	return (c >= 0x1000 && c <= 0x1021) || c == 0x103F || (c >= 0x1050 && c <= 0x1055) ||
	       (c >= 0x105A && c <= 0x105D) || c == 0x1061 || c == 0x1065 || c == 0x1066 ||
	       (c >= 0x106E && c <= 0x1070) || (c >= 0x1075 && c <= 0x1081) || c == 0x108E;
}

/*
 * Burmese typed in visual order: "ေ" (and "ြ") before the consonant they
 * follow in Unicode's order.  Where the code point before cannot carry
 * them (it is no consonant or medial) and a consonant follows, they move
 * behind it; the sort then puts them in place among its marks.
 */
static void burmese_visual_order(struct fcp *cp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t prev = i > 0 ? cp[i - 1].c : 0;
		size_t j = i;

		if (cp[i].c != 0x1031 && cp[i].c != 0x103C)
			continue;
		if (my_consonant(prev) || (prev >= 0x103B && prev <= 0x103E))
			continue;
		while (j < n && (cp[j].c == 0x1031 || cp[j].c == 0x103C))
			j++;
		if (j < n && my_consonant(cp[j].c)) {
			struct fcp base = cp[j];
			memmove(cp + i + 1, cp + i, (j - i) * sizeof(*cp));
			cp[i] = base;
			i = j;
		}
	}
}

struct mark_item {
	size_t at, len;
	int rank;
};

/* The marks after each base in rank order (stable); a Burmese kinzi is left as it is. */
static void sort_marks(struct fcp *cp, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len, start, end, items = 0;
		struct mark_item item[32];
		bool kinzi = false, sorted = true;

		if (mark_rank(cp, i, n, &len) == 0) {
			i++;
			continue;
		}
		/* A cluster's marks: cp[start, end). */
		start = i;
		while (i < n && items < 32) {
			int r = mark_rank(cp, i, n, &len);
			if (r == 0)
				break;
			if (cp[i].c == 0x103A && i + 1 < n && cp[i + 1].c == 0x1039)
				kinzi = true;
			item[items].at = i;
			item[items].len = len;
			item[items].rank = r;
			if (items > 0 && item[items - 1].rank > r)
				sorted = false;
			items++;
			i += len;
		}
		end = i;
		if (sorted || kinzi)
			continue;
		{
			struct fcp tmp[64];
			size_t k = 0;
			/* Insertion sort of the items, then copied back. */
			for (size_t a = 1; a < items; a++)
				for (size_t b = a; b > 0 && item[b - 1].rank > item[b].rank; b--) {
					struct mark_item x = item[b];
					item[b] = item[b - 1];
					item[b - 1] = x;
				}
			for (size_t a = 0; a < items; a++)
				for (size_t b = 0; b < item[a].len; b++)
					tmp[k++] = cp[item[a].at + b];
			if (k == end - start)
				memcpy(cp + start, tmp, k * sizeof(*cp));
		}
	}
}

/* Khmer "េ" + "ា" is "ោ", "េ" + "ី" is "ើ": one code point, the bytes of both. */
static size_t khmer_compose(struct fcp *cp, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (cp[i].c == 0x17C1 && i + 1 < n &&
		    (cp[i + 1].c == 0x17B6 || cp[i + 1].c == 0x17B8)) {
			cp[w].c = cp[i + 1].c == 0x17B6 ? 0x17C4 : 0x17BE;
			cp[w].s = cp[i].s;
			cp[w].e = cp[i + 1].e;
			w++;
			i++;
			continue;
		}
		cp[w++] = cp[i];
	}
	return w;
}

/* Canonical order: runs of marks with a combining class, stably by it (as NFD does). */
static void canonical_order(struct fcp *cp, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint8_t cc = u_getCombiningClass((UChar32)cp[i].c);
		if (cc == 0)
			continue;
		for (size_t b = i; b > 0; b--) {
			uint8_t pc = u_getCombiningClass((UChar32)cp[b - 1].c);
			struct fcp x;
			if (pc <= cc)
				break;
			x = cp[b];
			cp[b] = cp[b - 1];
			cp[b - 1] = x;
		}
	}
}

/* ---- runs ---- */

struct run {
	struct tokenizer *t;
	const char *text;
	enum tokenize_mode mode;
	token_fn fn;
	void *ctx;
};

/*
 * One Latin (or other spaced-script) word: folded; in a text, its exact
 * form and its stem beside it; in a stem query, its stems by both
 * stemmers, and the plain stems as synonyms.
 */
static int emit_word(const struct run *r, size_t start, size_t end)
{
	char folded[TOKEN_MAX], exact[TOKEN_MAX], stem[TOKEN_MAX + 2];
	size_t n, m;
	int rc;

	if (r->mode == TOKENIZE_EXACT) {
		n = fold_word(r->text + start, end - start, exact, true);
		return n ? r->fn(r->ctx, false, exact, n, start, end) : 0;
	}
	n = fold_word(r->text + start, end - start, folded, false);
	if (n == 0)
		return 0;
	if (r->mode == TOKENIZE_STEM) {
		char other[TOKEN_MAX + 2];
		size_t k = stem_of(r->t, STEM_EN, folded, n, stem);
		size_t l = stem_of(r->t, STEM_ID, folded, n, other);
		if (k == 0 && l == 0)
			return r->fn(r->ctx, false, folded, n, start, end);
		rc = k ? r->fn(r->ctx, false, stem, k, start, end) : 0;
		if (rc == 0 && l)
			rc = r->fn(r->ctx, k > 0, other, l, start, end);
		if (rc == 0 && k)
			rc = r->fn(r->ctx, true, stem + 2, k - 2, start, end);
		if (rc == 0 && l && (l != k || memcmp(other + 2, stem + 2, l - 2) != 0))
			rc = r->fn(r->ctx, true, other + 2, l - 2, start, end);
		return rc;
	}
	rc = r->fn(r->ctx, false, folded, n, start, end);
	if (rc || r->mode != TOKENIZE_TEXT)
		return rc;
	m = fold_word(r->text + start, end - start, exact, true);
	if (m > 0 && (m != n || memcmp(folded, exact, n) != 0))
		rc = r->fn(r->ctx, true, exact, m, start, end);
	if (rc == 0 && r->t->stem >= 0 &&
	    (m = stem_of(r->t, (enum stem_lang)r->t->stem, folded, n, stem)) > 0 &&
	    (m - 2 != n || memcmp(stem + 2, folded, n) != 0))
		rc = r->fn(r->ctx, true, stem, m, start, end);
	return rc;
}

bool tokenizer_dictionary_script(const char *word, size_t len)
{
	size_t pos = 0;
	uint32_t c;

	if (!utf8_next(word, len, &pos, &c))
		return false;
	return (c >= 0x0E00 && c <= 0x0EFF) || /* Thai, Lao */
	       (c >= 0x1000 && c <= 0x109F) || /* Myanmar */
	       (c >= 0x1780 && c <= 0x17FF) || /* Khmer */
	       (c >= 0x19E0 && c <= 0x19FF) || /* Khmer symbols */
	       (c >= 0xA9E0 && c <= 0xA9FF) || /* Myanmar extended-B */
	       (c >= 0xAA60 && c <= 0xAA7F); /* Myanmar extended-A */
}

static bool ideographic_cp(uint32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) || /* kana */
	       (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || /* Han */
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F) || c == 0x3005;
}

bool tokenizer_ideographic(const char *word, size_t len)
{
	size_t pos = 0;
	uint32_t c;

	return utf8_next(word, len, &pos, &c) && ideographic_cp(c);
}

/*
 * Fold the run [start, end) into t->cp: each code point's compatibility
 * decomposition (Chinese and Japanese: composed again, one unit per code
 * point), with the bytes it came from; then the marks in one order.  The
 * number of code points, or (size_t)-1 when memory runs out.
 */
static size_t fold_run(const struct run *r, size_t start, size_t end, bool clusters)
{
	struct tokenizer *t = r->t;
	UErrorCode st = U_ZERO_ERROR;
	const UNormalizer2 *norm =
	        clusters ? unorm2_getNFKDInstance(&st) : unorm2_getNFKCCasefoldInstance(&st);
	size_t pos = start, n = 0;

	if (U_FAILURE(st))
		return (size_t)-1;
	while (pos < end) {
		size_t s = pos;
		uint32_t c;
		UChar in[2], out[32];
		int32_t inlen = 0, olen;

		if (!utf8_next(r->text, end, &pos, &c)) {
			pos = s + 1; /* not in a run: kind_at saw to it */
			continue;
		}
		if (c >= 0x10000) {
			in[inlen++] = (UChar)(0xD800 + ((c - 0x10000) >> 10));
			in[inlen++] = (UChar)(0xDC00 + ((c - 0x10000) & 0x3FF));
		} else {
			in[inlen++] = (UChar)c;
		}
		st = U_ZERO_ERROR;
		olen = unorm2_normalize(norm, in, inlen, out, 32, &st);
		if (U_FAILURE(st) || olen <= 0) {
			out[0] = in[0];
			out[1] = in[1];
			olen = inlen;
		}
		if (!grow((void **)&t->cp, &t->cp_cap, n + (size_t)olen, sizeof(*t->cp)))
			return (size_t)-1;
		for (int32_t k = 0; k < olen; k++) {
			uint32_t d = out[k];
			if (U16_IS_LEAD(d) && k + 1 < olen && U16_IS_TRAIL(out[k + 1])) {
				d = ((d - 0xD800) << 10) + ((uint32_t)out[k + 1] - 0xDC00) +
				    0x10000;
				k++;
			}
			t->cp[n].c = d;
			t->cp[n].s = s;
			t->cp[n].e = pos;
			n++;
		}
	}
	if (clusters) {
		canonical_order(t->cp, n);
		burmese_visual_order(t->cp, n);
		sort_marks(t->cp, n);
		n = khmer_compose(t->cp, n);
	}
	return n;
}

/*
 * Cut the folded run (t->cp[0, n)) into units: code points, or grapheme
 * clusters of the folded text.  The folded text goes to t->buf.  The
 * number of units, or (size_t)-1.
 */
static size_t cut_units(struct tokenizer *t, size_t n, bool clusters)
{
	size_t blen = 0, units = 0;
	size_t *at;

	if (!grow((void **)&t->buf, &t->buf_cap, 4 * n + 1, 1) ||
	    !grow((void **)&t->units, &t->units_cap, n + 1, sizeof(*t->units)))
		return (size_t)-1;
	/* Each code point's offset in buf: kept in the units array's room first. */
	at = malloc((n + 1) * sizeof(*at));
	if (!at)
		return (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		at[i] = blen;
		blen += put_utf8(t->cp[i].c, t->buf + blen);
	}
	at[n] = blen;
	if (!clusters) {
		for (size_t i = 0; i < n; i++)
			t->units[units++] =
			        (struct unit){ at[i], at[i + 1], t->cp[i].s, t->cp[i].e };
	} else {
		UErrorCode st = U_ZERO_ERROR;
		UText ut = UTEXT_INITIALIZER;
		int32_t from, to;
		size_t i = 0;

		utext_openUTF8(&ut, t->buf, (int64_t)blen, &st);
		ubrk_setUText(t->ci, &ut, &st);
		if (U_FAILURE(st)) {
			utext_close(&ut);
			free(at);
			return (size_t)-1;
		}
		from = ubrk_first(t->ci);
		while ((to = ubrk_next(t->ci)) != UBRK_DONE) {
			struct unit u = { (size_t)from, (size_t)to, SIZE_MAX, 0 };
			bool mark = i < n && is_mark(t->cp[i].c);
			/* The code points of [from, to): the bytes they came from, first to last. */
			for (; i < n && at[i] < (size_t)to; i++) {
				u.s = t->cp[i].s < u.s ? t->cp[i].s : u.s;
				u.e = t->cp[i].e > u.e ? t->cp[i].e : u.e;
			}
			from = to;
			if (u.s == SIZE_MAX)
				continue;
			/*
			 * A mark alone (ICU cuts Burmese visarga from an asat) belongs
			 * to the unit before, so that a missing mark leaves the units
			 * as they were.
			 */
			if (mark && units > 0) {
				struct unit *p = &t->units[units - 1];
				p->fe = u.fe;
				p->s = u.s < p->s ? u.s : p->s;
				p->e = u.e > p->e ? u.e : p->e;
				continue;
			}
			t->units[units++] = u;
		}
		st = U_ZERO_ERROR;
		ubrk_setText(t->ci, no_text, 0, &st);
		utext_close(&ut);
	}
	free(at);
	return units;
}

/* Units [a, b] of the folded run as one word: its bytes, at most TOKEN_MAX. */
static size_t unit_bytes(const struct tokenizer *t, size_t a, size_t b, const char **w)
{
	*w = t->buf + t->units[a].fs;
	return cut_utf8(*w, t->units[b].fe - t->units[a].fs, TOKEN_MAX);
}

static size_t min_s(const struct unit *u, size_t a, size_t b)
{
	return u[a].s < u[b].s ? u[a].s : u[b].s;
}

static size_t max_e(const struct unit *u, size_t a, size_t b)
{
	return u[a].e > u[b].e ? u[a].e : u[b].e;
}

/* The loose form of units [a, b], with TOKEN_LOOSE before it when marked; 0: none. */
static size_t loose_of(const struct tokenizer *t, size_t a, size_t b, bool marked,
                       char out[TOKEN_MAX + 1])
{
	const char *w;
	size_t n = unit_bytes(t, a, b, &w), m;
	/* A Khmer coeng ends the unit before: ICU cuts between it and its consonant. */
	uint32_t prev = w - t->buf >= 3 && memcmp(w - 3, "\xe1\x9f\x92", 3) == 0 ? 0x17D2 : 0;

	m = loose_fold_after(prev, w, n, out + 1);
	if (m == 0)
		return 0;
	if (!marked) {
		memmove(out, out + 1, m);
		return m;
	}
	out[0] = TOKEN_LOOSE;
	return m + 1;
}

/*
 * A run [start, end) of Chinese or Japanese characters (units: code
 * points), or of Thai, Lao, Khmer or Burmese letters (units: grapheme
 * clusters of the folded run).  In a text, at each unit the bigram it
 * starts (a primary word), the unit itself and the bigram's loose form
 * when it differs (colocated); the last unit alone.  In a query, the
 * bigrams only, or the one unit of a run of one.
 */
static int grams(const struct run *r, size_t start, size_t end, bool clusters)
{
	struct tokenizer *t = r->t;
	size_t n = fold_run(r, start, end, clusters), units;
	int rc = 0;

	if (n == (size_t)-1)
		return -1;
	units = cut_units(t, n, clusters);
	if (units == (size_t)-1)
		return -1;
	for (size_t i = 0; rc == 0 && i < units; i++) {
		const struct unit *u = t->units;
		const char *w;
		size_t len;
		char loose[TOKEN_MAX + 1], plain[TOKEN_MAX + 1];
		size_t ll, pl;

		if (i + 1 == units) {
			/* The last unit: alone in a text, or a query of one unit. */
			if (r->mode == TOKENIZE_TEXT || units == 1) {
				len = unit_bytes(t, i, i, &w);
				if (r->mode == TOKENIZE_LOOSE && clusters &&
				    (ll = loose_of(t, i, i, false, loose)) > 0)
					rc = r->fn(r->ctx, false, loose, ll, u[i].s, u[i].e);
				else
					rc = r->fn(r->ctx, false, w, len, u[i].s, u[i].e);
			}
			break;
		}
		len = unit_bytes(t, i, i + 1, &w);
		if (r->mode == TOKENIZE_LOOSE && clusters) {
			/* The marked loose form, and the plain one for texts where it is the word. */
			ll = loose_of(t, i, i + 1, true, loose);
			pl = loose_of(t, i, i + 1, false, plain);
			if (ll == 0) {
				rc = r->fn(r->ctx, false, w, len, min_s(u, i, i + 1),
				           max_e(u, i, i + 1));
				continue;
			}
			rc = r->fn(r->ctx, false, loose, ll, min_s(u, i, i + 1),
			           max_e(u, i, i + 1));
			if (rc == 0)
				rc = r->fn(r->ctx, true, plain, pl, min_s(u, i, i + 1),
				           max_e(u, i, i + 1));
			continue;
		}
		rc = r->fn(r->ctx, false, w, len, min_s(u, i, i + 1), max_e(u, i, i + 1));
		if (rc || r->mode != TOKENIZE_TEXT)
			continue;
		{
			const char *single;
			size_t sl = unit_bytes(t, i, i, &single);
			rc = r->fn(r->ctx, true, single, sl, u[i].s, u[i].e);
		}
		if (rc == 0 && clusters && (ll = loose_of(t, i, i + 1, true, loose)) > 0 &&
		    (ll - 1 != len || memcmp(loose + 1, w, len) != 0))
			rc = r->fn(r->ctx, true, loose, ll, min_s(u, i, i + 1), max_e(u, i, i + 1));
	}
	return rc;
}

enum run_kind { RUN_NONE, RUN_IDEO, RUN_DICT };

/* What the code point at pos belongs to; its end in *next (pos + 1 for a broken byte). */
static enum run_kind kind_at(const char *text, size_t len, size_t pos, size_t *next)
{
	uint32_t c;

	*next = pos;
	if (!utf8_next(text, len, next, &c)) {
		*next = pos + 1;
		return RUN_NONE;
	}
	if (ideographic_cp(c))
		return letter_or_mark((UChar32)c) ? RUN_IDEO : RUN_NONE;
	if (tokenizer_dictionary_script(text + pos, *next - pos))
		return letter_or_mark((UChar32)c) ? RUN_DICT : RUN_NONE;
	return RUN_NONE;
}

/* The words ICU's word break iterator finds in [start, end): no run of the scripts above. */
static int words(const struct run *r, size_t start, size_t end)
{
	UErrorCode st = U_ZERO_ERROR;
	UText ut = UTEXT_INITIALIZER;
	int32_t from, to;
	int rc = 0;

	utext_openUTF8(&ut, r->text + start, (int64_t)(end - start), &st);
	ubrk_setUText(r->t->bi, &ut, &st);
	if (U_FAILURE(st)) {
		utext_close(&ut);
		return -1;
	}
	from = ubrk_first(r->t->bi);
	while (rc == 0 && (to = ubrk_next(r->t->bi)) != UBRK_DONE) {
		if (ubrk_getRuleStatus(r->t->bi) >= UBRK_WORD_NONE_LIMIT)
			rc = emit_word(r, start + (size_t)from, start + (size_t)to);
		from = to;
	}
	st = U_ZERO_ERROR;
	ubrk_setText(r->t->bi, no_text, 0, &st);
	utext_close(&ut);
	return rc;
}

/*
 * Runs of Chinese and Japanese characters and of Thai, Lao, Khmer and
 * Burmese letters are found here by their code points and become bigrams;
 * ICU's word break iterator splits the rest.  So ICU never consults its
 * dictionaries of those scripts: they would cost 2 MiB of memory and give
 * nothing the bigrams do not.
 */
int tokenizer_run(struct tokenizer *t, const char *text, size_t len, enum tokenize_mode mode,
                  token_fn fn, void *ctx)
{
	struct run r = { t, text, mode, fn, ctx };
	size_t pos = 0;
	int rc = 0;

	if (len == 0)
		return 0;
	if (len > INT32_MAX)
		return -1;
	while (rc == 0 && pos < len) {
		size_t start = pos, next;
		enum run_kind kind = kind_at(text, len, pos, &next);

		pos = next;
		while (pos < len && kind_at(text, len, pos, &next) == kind)
			pos = next;
		rc = kind == RUN_NONE ? words(&r, start, pos)
		                      : grams(&r, start, pos, kind == RUN_DICT);
	}
	return rc;
}

/*
 * tokenize.c - the words of a text for search, in every script
 * (tokenize.h): ICU's word break iterator over the UTF-8 text itself (a
 * UText, so its boundaries are byte offsets), bigrams for Chinese and
 * Japanese runs, and one fold for every word.
 */
#include "tokenize.h"

#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

/* Folding works on at most this many bytes of a word, in UTF-16 buffers of FOLD_UNITS. */
#define FOLD_IN_MAX 256
#define FOLD_UNITS 1024

static const UChar no_text[1] = { 0 };

struct tokenizer {
	UBreakIterator *bi; /* words */
	UBreakIterator *ci; /* characters (grapheme clusters) */
};

struct tokenizer *tokenizer_new(void)
{
	UErrorCode st = U_ZERO_ERROR;
	struct tokenizer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
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
	free(t);
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

size_t tokenizer_fold(const char *word, size_t len, char out[TOKEN_MAX])
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
		if (a[k] >= 0x0300 && a[k] <= 0x036F)
			continue;
		b[blen++] = a[k] == 0x0111 ? (UChar)'d' : a[k];
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

struct run {
	struct tokenizer *t;
	const char *text;
	bool query;
	token_fn fn;
	void *ctx;
};

static int emit(const struct run *r, bool colocated, size_t start, size_t end)
{
	char folded[TOKEN_MAX];
	size_t n = tokenizer_fold(r->text + start, end - start, folded);

	if (n == 0)
		return 0;
	return r->fn(r->ctx, colocated, folded, n, start, end);
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

/* The end of the unit (character, or grapheme cluster) at pos < end; 0 for a broken byte. */
static size_t unit_end(const struct run *r, size_t pos, size_t end, bool clusters)
{
	uint32_t c;
	size_t next = pos;

	if (!utf8_next(r->text, end, &next, &c))
		return 0;
	if (clusters) {
		int32_t b = ubrk_following(r->t->ci, (int32_t)pos);
		if (b != UBRK_DONE && (size_t)b > next)
			next = (size_t)b <= end ? (size_t)b : end;
	}
	return next;
}

/*
 * A run [start, end) of Chinese or Japanese characters (units: code
 * points), or of Thai, Lao, Khmer or Burmese letters (units: grapheme
 * clusters): in a text, at each unit the bigram it starts (a primary word)
 * and the unit itself (colocated); the last unit alone.  In a query, the
 * bigrams only, or the one unit of a run of one.
 */
static int grams(const struct run *r, size_t start, size_t end, bool clusters)
{
	size_t prev_s = 0, prev_e = 0, count = 0, pos = start;
	int rc;

	while (pos < end) {
		size_t s = pos, e = unit_end(r, pos, end, clusters);

		if (e == 0) {
			pos = s + 1;
			count = 0; /* a broken byte ends the run */
			continue;
		}
		pos = e;
		if (count > 0) {
			rc = emit(r, false, prev_s, pos);
			if (rc == 0 && !r->query)
				rc = emit(r, true, prev_s, prev_e);
			if (rc)
				return rc;
		}
		prev_s = s;
		prev_e = pos;
		count++;
	}
	if (count > 0 && (!r->query || count == 1))
		return emit(r, false, prev_s, prev_e);
	return 0;
}

enum run_kind { RUN_NONE, RUN_IDEO, RUN_DICT };

static bool letter_or_mark(UChar32 c)
{
	int8_t t = u_charType(c);

	return (t >= U_UPPERCASE_LETTER && t <= U_OTHER_LETTER) || t == U_NON_SPACING_MARK ||
	       t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
}

/* What the code point at pos belongs to; its end in *next (pos + 1 for a broken byte). */
static enum run_kind kind_at(const char *text, size_t len, size_t pos, size_t *next)
{
	uint32_t c;

	*next = pos;
	if (!utf8_next(text, len, next, &c)) {
		*next = pos + 1;
		return RUN_NONE;
	}
	if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) || /* kana */
	    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || /* Han */
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F) || c == 0x3005)
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
			rc = emit(r, false, start + (size_t)from, start + (size_t)to);
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
int tokenizer_run(struct tokenizer *t, const char *text, size_t len, bool query, token_fn fn,
                  void *ctx)
{
	UErrorCode st = U_ZERO_ERROR;
	UText ut = UTEXT_INITIALIZER;
	struct run r = { t, text, query, fn, ctx };
	size_t pos = 0;
	int rc = 0;

	if (len == 0)
		return 0;
	if (len > INT32_MAX)
		return -1;
	utext_openUTF8(&ut, text, (int64_t)len, &st);
	ubrk_setUText(t->ci, &ut, &st);
	if (U_FAILURE(st)) {
		utext_close(&ut);
		return -1;
	}
	while (rc == 0 && pos < len) {
		size_t start = pos, next;
		enum run_kind kind = kind_at(text, len, pos, &next);

		pos = next;
		while (pos < len && kind_at(text, len, pos, &next) == kind)
			pos = next;
		rc = kind == RUN_NONE ? words(&r, start, pos)
		                      : grams(&r, start, pos, kind == RUN_DICT);
	}
	/* The iterator must not keep a pointer to text once we return. */
	st = U_ZERO_ERROR;
	ubrk_setText(t->ci, no_text, 0, &st);
	utext_close(&ut);
	return rc;
}

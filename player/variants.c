/*
 * variants.c - the other forms of a word (variants.h): libstemmer's
 * Snowball stemmers, ICU's Traditional-to-Simplified transliterator, a
 * table of Malay and Indonesian spellings, an edit distance.
 *
 * libstemmer is opened (dlopen) when a text or a search needs a stem, and
 * closed with its last stemmer (the indexer's, once it is done), not
 * linked: linked, the loader's relocations alone kept 0.7 MiB of its pages
 * resident in every player.  ICU's transliterator is not loaded
 * at all: the build runs it once over every CJK character
 * (tools/hans-table.c) and the player holds the result, 2,853 pairs.
 */
#define _GNU_SOURCE
#include "variants.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "hans-table.h" /* made at build time by tools/hans-table.c */
#include "langname.h"
#include "utf8.h"

/* Debian's libstemmer0d. */
#define STEMMER_LIB "libstemmer.so.0d"

/* libstemmer, open while some stemmer is (users, under lock). */
static struct {
	pthread_mutex_t lock;
	void *lib;
	size_t users;
	struct sb_stemmer *(*open)(const char *, const char *);
	void (*close)(struct sb_stemmer *);
	const sb_symbol *(*stem)(struct sb_stemmer *, const sb_symbol *, int);
	int (*length)(struct sb_stemmer *);
} stemmer = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, NULL, NULL, NULL, NULL };

/* The library's symbol into *fn (a function pointer's storage); false when missing. */
static bool sym(void *lib, const char *name, void *fn)
{
	void *p = dlsym(lib, name);

	memcpy(fn, &p, sizeof(p));
	return p != NULL;
}

/* A stemmer for algorithm, libstemmer opened first when no other is; NULL when it cannot be. */
static struct sb_stemmer *stemmer_new(const char *algorithm)
{
	struct sb_stemmer *st = NULL;

	pthread_mutex_lock(&stemmer.lock);
	if (!stemmer.lib) {
		stemmer.lib = dlopen(STEMMER_LIB, RTLD_NOW | RTLD_LOCAL);
		if (stemmer.lib && !(sym(stemmer.lib, "sb_stemmer_new", &stemmer.open) &&
		                     sym(stemmer.lib, "sb_stemmer_delete", &stemmer.close) &&
		                     sym(stemmer.lib, "sb_stemmer_stem", &stemmer.stem) &&
		                     sym(stemmer.lib, "sb_stemmer_length", &stemmer.length))) {
			dlclose(stemmer.lib);
			stemmer.lib = NULL;
		}
	}
	if (stemmer.lib && (st = stemmer.open(algorithm, "UTF_8")) != NULL)
		stemmer.users++;
	if (stemmer.lib && stemmer.users == 0) {
		dlclose(stemmer.lib);
		stemmer.lib = NULL;
	}
	pthread_mutex_unlock(&stemmer.lock);
	return st;
}

/* The last stemmer closed closes libstemmer: the indexer's go when it is done. */
static void stemmer_delete(struct sb_stemmer *st)
{
	pthread_mutex_lock(&stemmer.lock);
	stemmer.close(st);
	if (--stemmer.users == 0) {
		dlclose(stemmer.lib);
		stemmer.lib = NULL;
	}
	pthread_mutex_unlock(&stemmer.lock);
}

struct variants {
	struct sb_stemmer *stem[STEM_LANGS];
	bool stem_failed[STEM_LANGS];
};

struct variants *variants_new(void)
{
	return calloc(1, sizeof(struct variants));
}

void variants_free(struct variants *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < STEM_LANGS; i++)
		if (v->stem[i])
			stemmer_delete(v->stem[i]);
	free(v);
}

size_t variants_stem(struct variants *v, enum stem_lang lang, const char *word, size_t len,
                     char out[TOKEN_MAX])
{
	static const char *const algorithm[STEM_LANGS] = { "english", "indonesian" };
	const sb_symbol *s;
	int n;

	for (size_t i = 0; i < len; i++)
		if (!(word[i] >= 'a' && word[i] <= 'z') && word[i] != '\'')
			return 0; /* Snowball's stemmers are for words of letters */
	if (len < 3 || len >= TOKEN_MAX)
		return 0;
	if (!v->stem[lang] && !v->stem_failed[lang]) {
		v->stem[lang] = stemmer_new(algorithm[lang]);
		v->stem_failed[lang] = v->stem[lang] == NULL;
	}
	if (!v->stem[lang])
		return 0;
	s = stemmer.stem(v->stem[lang], (const sb_symbol *)word, (int)len);
	n = stemmer.length(v->stem[lang]);
	if (!s || n <= 0 || (size_t)n >= TOKEN_MAX)
		return 0;
	memcpy(out, s, (size_t)n);
	return (size_t)n;
}

/* Whether tag is lang or one of its subtags ("en", "en-GB"). */
bool variants_stems(enum stem_lang stem, const char *lang)
{
	if (!lang)
		return false;
	if (stem == STEM_EN)
		return langname_primary_is(lang, "en");
	/* Filipino and Vietnamese are not stemmed: no Snowball stemmer fits them. */
	return langname_primary_is(lang, "id") || langname_primary_is(lang, "ms");
}

/* The Simplified form of a Traditional character, or the character itself. */
static uint32_t simplified(uint32_t c)
{
	size_t lo = 0, hi = sizeof(hans_table) / sizeof(hans_table[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (hans_table[mid][0] == c)
			return hans_table[mid][1];
		if (hans_table[mid][0] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return c;
}

char *variants_simplified(struct variants *v, const char *text, size_t len)
{
	char *out = malloc(len + 1);
	size_t pos = 0, n = 0;
	bool changed = false;

	(void)v;
	if (!out)
		return NULL;
	while (pos < len) {
		size_t start = pos;
		uint32_t c, d;
		if (!utf8_next(text, len, &pos, &c)) {
			out[n++] = text[pos++];
			continue;
		}
		d = simplified(c);
		/* Both in the same planes: the same number of bytes. */
		if (d != c && (c < 0x10000) == (d < 0x10000)) {
			char tmp[4];
			size_t k = 0;
			if (d < 0x10000) {
				tmp[k++] = (char)(0xE0 | (d >> 12));
			} else {
				tmp[k++] = (char)(0xF0 | (d >> 18));
				tmp[k++] = (char)(0x80 | ((d >> 12) & 0x3F));
			}
			tmp[k++] = (char)(0x80 | ((d >> 6) & 0x3F));
			tmp[k++] = (char)(0x80 | (d & 0x3F));
			if (k == pos - start) {
				memcpy(out + n, tmp, k);
				n += k;
				changed = true;
				continue;
			}
		}
		memcpy(out + n, text + start, pos - start);
		n += pos - start;
	}
	out[n] = '\0';
	if (!changed) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Malay (Malaysia, Brunei, Singapore) and Indonesian spell many of the
 * same words differently, mostly loanwords that came through English and
 * through Dutch.  The pairs below are words of technical and vocational
 * courses; a word found on either side finds the other in the looser pass.
 * Words that differ (litar and sirkuit, circuit) are not spellings and are
 * not here.
 */
static const char *const malay_pairs[][2] = {
	{ "aktiviti", "aktivitas" },
	{ "automatik", "otomatis" },
	{ "automotif", "otomotif" },
	{ "bas", "bus" },
	{ "bateri", "baterai" },
	{ "diod", "dioda" },
	{ "doktor", "dokter" },
	{ "elektrod", "elektroda" },
	{ "fasiliti", "fasilitas" },
	{ "fizik", "fisika" },
	{ "hidraulik", "hidrolik" },
	{ "kalendar", "kalender" },
	{ "kapasiti", "kapasitas" },
	{ "kenderaan", "kendaraan" },
	{ "kerana", "karena" },
	{ "kualiti", "kualitas" },
	{ "matematik", "matematika" },
	{ "mekanikal", "mekanis" },
	{ "minit", "menit" },
	{ "muzik", "musik" },
	{ "pakej", "paket" },
	{ "paip", "pipa" },
	{ "pam", "pompa" },
	{ "polis", "polisi" },
	{ "praktikal", "praktis" },
	{ "projek", "proyek" },
	{ "sirkit", "sirkuit" },
	{ "sistematik", "sistematis" },
	{ "standard", "standar" },
	{ "stesen", "stasiun" },
	{ "teknikal", "teknis" },
	{ "teksi", "taksi" },
	{ "televisyen", "televisi" },
	{ "transformer", "transformator" },
	{ "ubat", "obat" },
	{ "universiti", "universitas" },
	{ "voltan", "voltase" },
	{ "wang", "uang" },
	{ "asetilena", "asetilen" },
};

const char *variants_malay_pair(const char *folded, size_t len)
{
	for (size_t i = 0; i < sizeof(malay_pairs) / sizeof(malay_pairs[0]); i++)
		for (int side = 0; side < 2; side++) {
			const char *w = malay_pairs[i][side];
			if (strlen(w) == len && memcmp(w, folded, len) == 0)
				return malay_pairs[i][1 - side];
		}
	return NULL;
}

/* The code points of s, at most max; their number. */
static size_t code_points(const char *s, size_t len, uint32_t *out, size_t max)
{
	size_t pos = 0, n = 0;

	while (pos < len && n < max) {
		uint32_t c;
		if (!utf8_next(s, len, &pos, &c)) {
			c = 0xFFFD;
			pos++;
		}
		out[n++] = c;
	}
	return n;
}

size_t variants_distance(const char *a, size_t alen, const char *b, size_t blen, size_t max)
{
	uint32_t x[64], y[64];
	size_t n = code_points(a, alen, x, 64), m = code_points(b, blen, y, 64);
	size_t d[3][65]; /* rows i - 2, i - 1, i */

	if ((n > m ? n - m : m - n) > max)
		return max + 1;
	for (size_t j = 0; j <= m; j++)
		d[1][j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t *row = d[(i + 1) % 3], *up = d[i % 3], *up2 = d[(i + 2) % 3];
		size_t best = i; /* the row's smallest, row[0] included ("ab" to "" is 2) */
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
			size_t v = up[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (up[j - 1] + cost < v)
				v = up[j - 1] + cost;
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
			    up2[j - 2] + 1 < v)
				v = up2[j - 2] + 1;
			row[j] = v;
			best = v < best ? v : best;
		}
		if (best > max)
			return max + 1;
	}
	return d[(n + 1) % 3][m] > max ? max + 1 : d[(n + 1) % 3][m];
}

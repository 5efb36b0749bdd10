/*
 * variants.h - the other forms of a word that search forgives: the stem of
 * an English or Indonesian (and Malay) word by Snowball (libstemmer),
 * Traditional Chinese as Simplified (a table made by ICU's "Hant-Hans"
 * transliterator),
 * the other spelling of a Malay or Indonesian word (a small table), and
 * the edit distance between two words.
 *
 * The stemmers are made the first time a text or a search needs them;
 * the Chinese table is made by ICU's Hant-Hans transliterator when the
 * player is built (tools/hans-table.c), so that the player never loads
 * the transliterator (5.6 MiB of memory).  One struct variants per thread.
 */
#ifndef SAMPAN_PLAYER_VARIANTS_H
#define SAMPAN_PLAYER_VARIANTS_H

#include <stdbool.h>
#include <stddef.h>

#include "tokenize.h"

/* The languages with a stemmer: English, and Indonesian (which serves Malay too). */
enum stem_lang { STEM_EN, STEM_ID, STEM_LANGS };

struct variants;

struct variants *variants_new(void);
void variants_free(struct variants *v);

/*
 * The stem of a folded word (lower case, no accents) into out; its length,
 * 0 when the word has no stem (not letters, or the stemmer cannot load).
 */
size_t variants_stem(struct variants *v, enum stem_lang lang, const char *word, size_t len,
                     char out[TOKEN_MAX]);

/* Whether texts in language tag lang are stemmed by lang's stemmer (en, id and ms). */
bool variants_stems(enum stem_lang stem, const char *lang);

/* Text (UTF-8) with Traditional Chinese characters as Simplified, malloc'd; NULL: the same. */
char *variants_simplified(struct variants *v, const char *text, size_t len);

/* The Malay or Indonesian spelling of the same word ("kenderaan": "kendaraan"), or NULL. */
const char *variants_malay_pair(const char *folded, size_t len);

/*
 * The edit distance (insertions, deletions, substitutions and swaps of
 * two neighbours) between a and b, counted in characters; max + 1 when it
 * is more than max.
 */
size_t variants_distance(const char *a, size_t alen, const char *b, size_t blen, size_t max);

#endif

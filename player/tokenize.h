/*
 * tokenize.h - the words of a text for search, in every script: one
 * tokenizer, used both when the player indexes a course and when a student
 * searches, so that the two always agree.
 *
 * Runs of Chinese and Japanese characters, and runs of Thai, Lao, Khmer
 * and Burmese letters, are found by their code points; ICU's word break
 * iterator finds the words and numbers of the rest (Latin, Vietnamese,
 * Malay and the other scripts written with spaces).  A run is folded
 * first, then cut into units (a unit is a character in Chinese, a grapheme
 * cluster in the others, so a vowel sign never leaves its consonant): the
 * fold may change the units (Lao "ໝ" folds to "ຫມ", two of them), and
 * cutting after it gives the same units whichever form was typed.  The
 * units become overlapping pairs (bigrams), each with its single unit at
 * the same position: a word of any length is then found inside a longer
 * run as a chain of bigrams, whatever a dictionary would have made of the
 * run.  (ICU's dictionaries segment the same word differently in different
 * sentences: Lao "ຟອງອາກາດ", air bubbles, is one word alone and three in
 * "ບໍ່ມີຟອງອາກາດປ້ຳ", so words from the dictionary would miss it; and they
 * hold 2 MiB of memory.)
 *
 * The fold: Unicode compatibility forms and case (NFKC_Casefold), canonical
 * order of combining marks, and the accents of Latin letters (U+0300 to
 * U+036F, and "đ" to "d"), so that "dien" finds "điện".  Differences no
 * reader can see are folded too: the order in which Burmese medials,
 * vowel signs and tone marks were typed (UTN #11's order), a Burmese "ေ"
 * or "ြ" typed before its consonant (visual order), the order of Khmer
 * subscripts, register shifters and vowel signs, and Khmer "េ" + "ា" typed
 * for "ោ" (and "េ" + "ី" for "ើ").  The marks of Thai, Lao, Khmer and
 * Burmese that change a word (tone marks, vowel signs) are letters and
 * stay.
 *
 * Beside each folded word the index holds more forms at the same
 * position, where they differ: the exact form of a Latin word (its accents
 * kept: "lốc" beside "loc"), so that a student who types accents gets the
 * accented word first; its Snowball stem in English, Indonesian and Malay
 * texts (tokenizer_set_lang), marked with TOKEN_STEM; and the loose form of a bigram of Thai, Lao, Khmer
 * or Burmese, marked with TOKEN_LOOSE, for the second, looser pass of a
 * search (tokenizer_loose_fold: tone marks and vowel length folded, Khmer
 * subscript and vowel variants, Burmese medials ya and ra).
 */
#ifndef SAMPAN_PLAYER_TOKENIZE_H
#define SAMPAN_PLAYER_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Bump when the words of a text change: the player then indexes every course again. */
#define TOKENIZE_VERSION 4

/* The longest word kept, in bytes once folded: longer ones are cut there. */
#define TOKEN_MAX 192

/* The first byte of a loose form in the index: no word begins with a control character. */
#define TOKEN_LOOSE '\x1e'
/* The first byte of a stem in the index, then 'e' (English) or 'i' (Indonesian, Malay). */
#define TOKEN_STEM '\x1f'

struct tokenizer;

/*
 * What the words are for.  TOKENIZE_TEXT: a text to index (every form, see
 * above).  The others are the words of a search, where a run gives its
 * bigrams only (a run of one unit: itself), so that they must follow each
 * other as in the text: TOKENIZE_QUERY the folded words, TOKENIZE_EXACT
 * Latin words with their accents kept, TOKENIZE_LOOSE the loose forms (each
 * bigram with its plain loose form as a synonym at the same position, for
 * texts where it has no other), TOKENIZE_STEM the stems of Latin words by
 * both stemmers (with the plain stems as synonyms, for texts where the
 * word is its own stem).
 */
enum tokenize_mode { TOKENIZE_TEXT, TOKENIZE_QUERY, TOKENIZE_EXACT, TOKENIZE_LOOSE, TOKENIZE_STEM };

/*
 * One word: its folded form (not NUL-terminated), and the bytes
 * [start, end) of the text it came from.  colocated: at the same position
 * as the word before (the single unit under a bigram, an exact or loose
 * form, a synonym).  Return non-zero to stop.
 */
typedef int (*token_fn)(void *ctx, bool colocated, const char *word, size_t len, size_t start,
                        size_t end);

/* A tokenizer holds ICU break iterators: one per thread.  NULL when ICU fails. */
struct tokenizer *tokenizer_new(void);
void tokenizer_free(struct tokenizer *t);

/*
 * The language of the texts tokenized next (a tag, or NULL): the Latin
 * words of English texts get their English stem beside them (TOKEN_STEM
 * 'e'), those of Indonesian and Malay texts their Indonesian stem ('i'),
 * where it differs from the word.  Other languages are not stemmed.
 */
void tokenizer_set_lang(struct tokenizer *t, const char *lang);

/*
 * The words of text (UTF-8; invalid bytes are not words).  Returns what fn
 * returned when it stopped, else 0; -1 when ICU fails or memory runs out.
 */
int tokenizer_run(struct tokenizer *t, const char *text, size_t len, enum tokenize_mode mode,
                  token_fn fn, void *ctx);

/* True when word begins in Thai, Lao, Khmer or Burmese: scripts written without spaces. */
bool tokenizer_dictionary_script(const char *word, size_t len);

/* True when word begins with a Chinese or Japanese character. */
bool tokenizer_ideographic(const char *word, size_t len);

/* The folded form of one word into out (at most TOKEN_MAX bytes); its length. */
size_t tokenizer_fold(const char *word, size_t len, char out[TOKEN_MAX]);

/*
 * The loose form of folded text (one unit or more) into out (at most
 * TOKEN_MAX bytes); its length.  Thai and Lao: tone marks, maitaikhu and
 * the cancellation mark go, long vowels i, ue, u become short.  Khmer:
 * subscript da becomes subscript ta, "ឲ" becomes "ឱ", the register
 * shifters go, long vowels i, ue, u become short.  Burmese: dot below and
 * visarga go, medial ra becomes medial ya, long vowels i, u become short.
 */
size_t tokenizer_loose_fold(const char *folded, size_t len, char out[TOKEN_MAX]);

#endif

/*
 * tokenize.h - the words of a text for search, in every script: one
 * tokenizer, used both when the player indexes a course and when a student
 * searches, so that the two always agree.
 *
 * Runs of Chinese and Japanese characters, and runs of Thai, Lao, Khmer
 * and Burmese letters, are found by their code points; ICU's word break
 * iterator finds the words and numbers of the rest (Latin, Vietnamese,
 * Malay and the other scripts written with spaces).  The runs become
 * overlapping pairs of units (bigrams; a unit is a character in Chinese, a
 * grapheme cluster in the others, so a vowel sign never leaves its
 * consonant), each with its single unit at the same position: a word of
 * any length is then found inside a longer run as a chain of bigrams,
 * whatever a dictionary would have made of the run.  (ICU's dictionaries
 * segment the same word differently in different sentences: Lao
 * "ຟອງອາກາດ", air bubbles, is one word alone and three in
 * "ບໍ່ມີຟອງອາກາດປ້ຳ", so words from the dictionary would miss it; and they
 * hold 2 MiB of memory.)  Every word is folded: Unicode compatibility
 * forms and case (NFKC_Casefold), and the accents of Latin letters (U+0300
 * to U+036F, and "đ" to "d"), so that "dien" finds "điện"; the marks of
 * other scripts (Thai tone marks, Khmer vowel signs) are letters and stay.
 */
#ifndef SAMPAN_PLAYER_TOKENIZE_H
#define SAMPAN_PLAYER_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Bump when the words of a text change: the player then indexes every course again. */
#define TOKENIZE_VERSION 3

/* The longest word kept, in bytes once folded: longer ones are cut there. */
#define TOKEN_MAX 192

struct tokenizer;

/*
 * One word: its folded form (not NUL-terminated), and the bytes
 * [start, end) of the text it came from.  colocated: at the same position
 * as the word before (the single character under a bigram).  Return
 * non-zero to stop.
 */
typedef int (*token_fn)(void *ctx, bool colocated, const char *word, size_t len, size_t start,
                        size_t end);

/* A tokenizer holds an ICU break iterator: one per thread.  NULL when ICU fails. */
struct tokenizer *tokenizer_new(void);
void tokenizer_free(struct tokenizer *t);

/*
 * The words of text (UTF-8; invalid bytes are not words).  query: the
 * words of a search, where a run gives its bigrams only (a single unit:
 * itself), so that they must follow each other as in the text.
 * Returns what fn returned when it stopped, else 0; -1 when ICU fails.
 */
int tokenizer_run(struct tokenizer *t, const char *text, size_t len, bool query, token_fn fn,
                  void *ctx);

/* True when word begins in Thai, Lao, Khmer or Burmese: scripts written without spaces. */
bool tokenizer_dictionary_script(const char *word, size_t len);

/* The folded form of one word into out (at most TOKEN_MAX bytes); its length. */
size_t tokenizer_fold(const char *word, size_t len, char out[TOKEN_MAX]);

#endif

/*
 * langname.h - a language's name in itself ("ไทย" for th, "English" for
 * en), the one table for the builder's subtitle menus and the player's
 * catalog, so that a language is named the same everywhere.
 */
#ifndef SAMPAN_COMMON_LANGNAME_H
#define SAMPAN_COMMON_LANGNAME_H

#include <stdbool.h>

/*
 * The name of the language of tag (a BCP 47 tag, ASCII case and '_' for '-'
 * ignored): the tag itself when the table has it ("zh-Hant", "pt-BR"),
 * else its primary language ("en" for "en-GB"); NULL when the table knows
 * neither.  Static strings, UTF-8.
 */
const char *langname_of(const char *tag);

/* Whether a and b are one tag, ASCII case and '_' for '-' ignored ("zh_hans" is "zh-Hans"). */
bool langname_same_tag(const char *a, const char *b);

/*
 * Whether tag's primary subtag (before '-' or '_') is primary, given in
 * lowercase; ASCII case ignored ("EN-gb" is en, "english" is not).
 */
bool langname_primary_is(const char *tag, const char *primary);

/* Whether a and b have one primary subtag, ASCII case ignored ("zh-Hans" and "ZH_tw"). */
bool langname_same_primary(const char *a, const char *b);

#endif

/*
 * l10n.h - the interface in ten languages: English, Chinese (simplified),
 * Thai, Vietnamese, Khmer, Lao, Burmese, Malay, Indonesian and Filipino,
 * chosen per request.
 *
 * The strings are English in the code, marked by the calls below, which
 * xgettext reads into po/sampan.pot; translators keep po/LANG.po with
 * the tools they know (Poedit, Weblate); msgfmt --check compiles each at
 * build time and the player carries the catalogs inside itself
 * (embedded.h), read once (mo.h) and shared read-only by every thread.
 * A string a catalog lacks (or marks fuzzy, which msgfmt leaves out) is
 * shown in English.
 *
 *	l10n_get(ui, "catalog", "Courses")
 *	l10n_nget(ui, "catalog", "{n} lesson", "{n} lessons", count)
 *
 * The context (msgctxt) says where a string appears; a comment starting
 * "TRANSLATORS:" just above a call reaches the translator too.  Every
 * function is thread-safe.
 */
#ifndef SAMPAN_PLAYER_L10N_H
#define SAMPAN_PLAYER_L10N_H

#include <stdbool.h>
#include <stddef.h>

/* The interface languages as BCP 47 tags, English first. */
extern const char *const l10n_languages[];
extern const size_t l10n_languages_count;

/*
 * The interface language for a tag: the same (case aside), else by its
 * first subtag ("zh-CN" is zh-Hans, "en-GB" English, "tl" Filipino), else
 * English.  One of l10n_languages.
 */
const char *l10n_language(const char *tag);

/*
 * The interface language a phone chose: the cookie that keeps it, set
 * by the player when ?lang= asks for another language than the phone
 * would get without it (l10n_cookie), so that a link inside a course's
 * signed page, which carries no ?lang=, keeps it.  The value is the
 * language's tag alone: nothing about a person.
 */
#define L10N_COOKIE "sampan_lang"

/*
 * The interface language of a request: its ?lang= when that is one of
 * l10n_languages exactly, else the same of its sampan_lang cookie, else
 * the best of its Accept-Language header (any may be NULL), else English.
 */
const char *l10n_choose(const char *lang_arg, const char *cookie_lang, const char *accept_language);

struct request;

/* l10n_choose with the request's ?lang=, its Cookie header's sampan_lang and its Accept-Language. */
const char *l10n_of_request(const struct request *rq);

/*
 * The Set-Cookie value that keeps the request's ?lang= ("sampan_lang=th;
 * Path=/; Max-Age=...; SameSite=Lax"), into out (size bytes, 128 are
 * enough): true when ?lang= is one of l10n_languages and asks for another
 * language than its cookie or its Accept-Language would give; false, and
 * nothing to set, otherwise.
 */
bool l10n_cookie(const struct request *rq, char *out, size_t size);

/* msgid in context ctx, in the interface language for lang; msgid itself when untranslated. */
const char *l10n_get(const char *lang, const char *ctx, const char *msgid);

/* The same for a message with plural forms: the form for n (English: msgid for 1, else plural). */
const char *l10n_nget(const char *lang, const char *ctx, const char *msgid, const char *plural,
                      unsigned long n);

/*
 * The translation lang's catalog holds, or NULL (English has no catalog:
 * always NULL).  For the test that every string exists in every language.
 */
const char *l10n_find(const char *lang, const char *ctx, const char *msgid, bool plural,
                      unsigned long n);

/*
 * Whether every language but English has its catalog, and every catalog
 * reads; false with the first problem in why.  A language whose catalog
 * is missing or broken is shown in English.
 */
bool l10n_check(char *why, size_t why_size);

#endif

/*
 * l10n.c - the interface strings of ten languages, from the catalogs
 * compiled from po/ and carried in the program (l10n.h).
 *
 * Why not libintl's gettext itself: it takes the language from the
 * process's locale, which every thread shares, so one request switching it
 * would change the language of another's page; glibc's per-thread locale
 * (uselocale) needs each language's locale installed, which a classroom's
 * Raspberry Pi does not have.  The catalogs are the files msgfmt writes
 * for libintl; only the choice of catalog is per request.
 */
#include "l10n.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "embedded.h"
#include "httputil.h"
#include "langname.h"
#include "mo.h"
#include "reply.h"

const char *const l10n_languages[] = { "en", "zh-Hans", "th", "vi", "km",
	                               "lo", "my",      "ms", "id", "fil" };
const size_t l10n_languages_count = sizeof(l10n_languages) / sizeof(l10n_languages[0]);

#define L10N_COUNT (sizeof(l10n_languages) / sizeof(l10n_languages[0]))

static struct mo_catalog catalogs[L10N_COUNT]; /* [0], English, stays empty */
static bool loaded[L10N_COUNT];
static char problem[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	for (size_t i = 1; i < L10N_COUNT; i++) {
		char name[32], why[160];
		const struct embedded_file *f;
		size_t k;

		/* po/zh_Hans.po for zh-Hans: gettext's way of writing a tag */
		snprintf(name, sizeof(name), "%s.mo", l10n_languages[i]);
		for (k = 0; name[k]; k++)
			if (name[k] == '-')
				name[k] = '_';
		f = embedded_find(embedded_catalogs, embedded_catalogs_count, name);
		if (!f) {
			if (!problem[0])
				snprintf(problem, sizeof(problem), "%s: not built into the program",
				         name);
			continue;
		}
		if (!mo_open(&catalogs[i], f->data, f->len, why, sizeof(why))) {
			if (!problem[0])
				snprintf(problem, sizeof(problem), "%s: %s", name, why);
			continue;
		}
		loaded[i] = true;
	}
}

/* The language of tag: the same tag, else the same primary language; Tagalog's is Filipino. */
static size_t language_index(const char *tag)
{
	if (!tag || !*tag)
		return 0;
	for (size_t i = 0; i < L10N_COUNT; i++)
		if (langname_same_tag(l10n_languages[i], tag))
			return i;
	if (langname_primary_is(tag, "tl"))
		return language_index("fil");
	for (size_t i = 0; i < L10N_COUNT; i++)
		if (langname_same_primary(l10n_languages[i], tag))
			return i;
	return 0;
}

const char *l10n_language(const char *tag)
{
	return l10n_languages[language_index(tag)];
}

/* The table's own string for a tag given exactly (len bytes), or NULL. */
static const char *exactly(const char *tag, size_t len)
{
	for (size_t i = 0; tag && i < L10N_COUNT; i++)
		if (strlen(l10n_languages[i]) == len && memcmp(tag, l10n_languages[i], len) == 0)
			return l10n_languages[i];
	return NULL;
}

const char *l10n_choose(const char *lang_arg, const char *cookie_lang, const char *accept)
{
	const char *l = exactly(lang_arg, lang_arg ? strlen(lang_arg) : 0);

	if (!l)
		l = exactly(cookie_lang, cookie_lang ? strlen(cookie_lang) : 0);
	return l ? l : accept_language(accept, l10n_languages, L10N_COUNT, "en");
}

/* The language the request's cookie keeps, when it is one of the table's; else NULL. */
static const char *cookie_language(const struct request *rq)
{
	size_t len = 0;
	const char *v = cookie_value(request_header(rq, "Cookie"), L10N_COOKIE, &len);

	return v ? exactly(v, len) : NULL;
}

const char *l10n_of_request(const struct request *rq)
{
	return l10n_choose(request_arg(rq, "lang"), cookie_language(rq),
	                   request_header(rq, "Accept-Language"));
}

bool l10n_cookie(const struct request *rq, char *out, size_t size)
{
	const char *arg = request_arg(rq, "lang");
	const char *chosen = exactly(arg, arg ? strlen(arg) : 0);

	/* the language the phone would get anyway is not written down */
	if (!chosen ||
	    chosen == l10n_choose(NULL, cookie_language(rq), request_header(rq, "Accept-Language")))
		return false;
	/* a year: the phone keeps its language until someone picks another */
	return snprintf(out, size, "%s=%s; Path=/; Max-Age=31536000; SameSite=Lax", L10N_COOKIE,
	                chosen) < (int)size;
}

const char *l10n_find(const char *lang, const char *ctx, const char *msgid, bool plural,
                      unsigned long n)
{
	size_t i = language_index(lang);

	pthread_once(&load_once, load);
	if (i == 0 || !loaded[i])
		return NULL;
	return mo_find(&catalogs[i], ctx, msgid, plural, n);
}

const char *l10n_get(const char *lang, const char *ctx, const char *msgid)
{
	const char *s = l10n_find(lang, ctx, msgid, false, 0);

	return s ? s : msgid;
}

const char *l10n_nget(const char *lang, const char *ctx, const char *msgid, const char *plural,
                      unsigned long n)
{
	const char *s = l10n_find(lang, ctx, msgid, true, n);

	return s ? s : n == 1 ? msgid : plural;
}

bool l10n_check(char *why, size_t why_size)
{
	pthread_once(&load_once, load);
	if (problem[0] && why && why_size)
		snprintf(why, why_size, "%s", problem);
	return !problem[0];
}

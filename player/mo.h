/*
 * mo.h - a reader of gettext's compiled message catalogs (.mo, the format
 * msgfmt writes: the GNU gettext manual, "The Format of GNU MO Files"),
 * for catalogs held in memory, read-only, and so usable by any number of
 * threads at once.
 *
 *	struct mo_catalog c;
 *	if (mo_open(&c, bytes, len, why, sizeof(why)))
 *		s = mo_find(&c, "catalog", "Courses", NULL, 0);   NULL: not translated
 *
 * glibc's libintl reads the same files, but picks their language from the
 * process's locale (or the thread's, with uselocale, which needs each
 * language's locale installed on the machine): a server answering each
 * request in its visitor's language needs a lookup by language instead.
 * Contexts (msgctxt) and plural forms (msgid_plural, with the catalog's
 * Plural-Forms expression) are read as libintl reads them.  The bytes are
 * not copied: they must outlive the catalog.
 */
#ifndef SAMPAN_PLAYER_MO_H
#define SAMPAN_PLAYER_MO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A plural expression longer than this is refused (gettext's are under 200 bytes). */
#define MO_PLURAL_MAX 512

struct mo_catalog {
	const unsigned char *data;
	size_t len;
	bool big_endian;
	uint32_t count; /* messages, the header's included */
	uint32_t originals, translations; /* offsets of the two tables */
	unsigned long nplurals;
	const char *plural; /* the Plural-Forms expression, inside data, plural_len bytes */
	size_t plural_len;
};

/*
 * Check len bytes as a catalog and fill c: every table and string inside
 * the bytes, NUL-terminated, the messages in the order msgfmt sorts them
 * (lookup is a binary search), and a Plural-Forms expression that parses
 * and picks a form below nplurals for every n tried.  False with a reason
 * in why (why_size bytes) otherwise.
 */
bool mo_open(struct mo_catalog *c, const unsigned char *data, size_t len, char *why,
             size_t why_size);

/*
 * The translation of msgid in context ctx (NULL: none); for a message with
 * plural forms, msgid is the singular and the form for n is returned.
 * NULL when the catalog has no translation for it.
 */
const char *mo_find(const struct mo_catalog *c, const char *ctx, const char *msgid, bool plural,
                    unsigned long n);

/*
 * Evaluate a Plural-Forms expression of len bytes (C's operators on
 * unsigned integers and n, as libintl accepts them) for n.  False when it
 * does not parse, divides by zero, or nests deeper than 32.
 */
bool mo_plural_eval(const char *expr, size_t len, unsigned long n, unsigned long *form);

#endif

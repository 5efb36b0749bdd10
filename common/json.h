/*
 * json.h - the one door through which the programs write JSON (jansson
 * underneath; bundle/ reads and writes course.json with jansson itself, as
 * the format's own business: docs/ARCHITECTURE.md).
 *
 * A document is built from values made through a struct json_out.  A
 * value that cannot be made for want of memory marks the document failed
 * instead of leaving a key out, and json_out_dump then gives NULL, for
 * the caller to answer (the player writes its JSON while serving, where
 * running out of memory must not end the program).  Strings are copied;
 * bytes in them that are not UTF-8 become U+FFFD, so nothing from a bundle
 * or a request can break the document.  The text is compact, its keys in
 * the order they were set, and ends with a newline: the same values give
 * the same bytes.
 */
#ifndef SAMPAN_COMMON_JSON_H
#define SAMPAN_COMMON_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct json_t; /* jansson's value: only json.c looks inside */

struct json_out {
	bool failed;
};

struct json_t *json_out_object(struct json_out *o);
struct json_t *json_out_array(struct json_out *o);
/* s as a JSON string; NULL s gives null. */
struct json_t *json_out_string(struct json_out *o, const char *s);
struct json_t *json_out_integer(struct json_out *o, int64_t v);
struct json_t *json_out_real(struct json_out *o, double v);
struct json_t *json_out_bool(struct json_out *o, bool v);

/* object[key] = value, taking value (NULL: the document fails). */
void json_out_set(struct json_out *o, struct json_t *object, const char *key, struct json_t *value);
/* value appended to array, taking value (NULL: the document fails). */
void json_out_append(struct json_out *o, struct json_t *array, struct json_t *value);

/*
 * The text of root, malloc'd (free it), and root freed; NULL when anything
 * of the document could not be made or the text does not fit in memory.
 */
char *json_out_dump(struct json_out *o, struct json_t *root);

#endif

/* json.c - the one door through which the programs write JSON (see json.h). */
#include "json.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD"

static json_t *made(struct json_out *o, json_t *j)
{
	if (!j)
		o->failed = true;
	return j;
}

json_t *json_out_object(struct json_out *o)
{
	return made(o, json_object());
}

json_t *json_out_array(struct json_out *o)
{
	return made(o, json_array());
}

/* s with every byte that does not start a UTF-8 character as U+FFFD; NULL when out of memory. */
static char *utf8_cleaned(const char *s, size_t len)
{
	char *t;
	size_t pos = 0, n = 0;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	t = malloc(len * 3 + 1);
	if (!t)
		return NULL;
	while (pos < len) {
		size_t at = pos;
		uint32_t cp;

		if (utf8_next(s, len, &pos, &cp)) {
			memcpy(t + n, s + at, pos - at);
			n += pos - at;
		} else {
			pos = at + 1;
			memcpy(t + n, REPLACEMENT, 3);
			n += 3;
		}
	}
	t[n] = '\0';
	return t;
}

json_t *json_out_string(struct json_out *o, const char *s)
{
	size_t len;
	char *clean;
	json_t *j;

	if (!s)
		return made(o, json_null());
	len = strlen(s);
	if (utf8_valid(s, len))
		return made(o, json_stringn(s, len));
	clean = utf8_cleaned(s, len);
	j = clean ? json_string(clean) : NULL;
	free(clean);
	return made(o, j);
}

json_t *json_out_integer(struct json_out *o, int64_t v)
{
	return made(o, json_integer((json_int_t)v));
}

json_t *json_out_real(struct json_out *o, double v)
{
	return made(o, json_real(v));
}

json_t *json_out_bool(struct json_out *o, bool v)
{
	return made(o, json_boolean(v));
}

void json_out_set(struct json_out *o, json_t *object, const char *key, json_t *value)
{
	/* jansson takes value even when it fails (NULL object included). */
	if (json_object_set_new(object, key, value) != 0)
		o->failed = true;
}

void json_out_append(struct json_out *o, json_t *array, json_t *value)
{
	if (json_array_append_new(array, value) != 0)
		o->failed = true;
}

char *json_out_dump(struct json_out *o, json_t *root)
{
	char *text = NULL, *t;
	size_t len;

	/* Keys stay in the order they were set (jansson 2.8 and later always keeps it). */
	if (root && !o->failed)
		text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!text)
		return NULL;
	len = strlen(text);
	t = realloc(text, len + 2);
	if (!t) {
		free(text);
		return NULL;
	}
	t[len] = '\n';
	t[len + 1] = '\0';
	return t;
}

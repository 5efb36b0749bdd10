/* choose.c - which bundle of each course is served (choose.h; format-spec/bundle-v1.md, 14.4). */
#include "choose.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "strfmt.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* By id, then the highest version first, then by path. */
static int item_cmp(const void *a, const void *b)
{
	const struct choose_item *x = *(const struct choose_item *const *)a;
	const struct choose_item *y = *(const struct choose_item *const *)b;
	int c = strcmp(x->id, y->id);

	if (c == 0)
		c = -manifest_version_cmp(x->version, y->version);
	if (c == 0)
		c = strcmp(x->path, y->path);
	return c;
}

static bool set_reason(struct choose_item *it, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	it->reason = vstrfmt(fmt, ap);
	va_end(ap);
	return it->reason != NULL;
}

static bool same_content(const struct choose_item *a, const struct choose_item *b)
{
	return memcmp(a->manifest_digest, b->manifest_digest, DIGEST_SIZE) == 0;
}

/* One course: v[0..n) sorted, the highest version first. */
static bool choose_course(struct choose_item **v, size_t n)
{
	struct choose_item *top = NULL, *other = NULL;
	bool ok = true;

	for (size_t k = 0; k < n && !top; k++)
		if (!v[k]->seen)
			top = v[k];
	/* another file of the same version with other content: a conflict */
	for (size_t k = 0; top && k < n && !other; k++)
		if (v[k] != top && !v[k]->seen &&
		    manifest_version_cmp(v[k]->version, top->version) == 0 &&
		    !same_content(v[k], top))
			other = v[k];
	for (size_t k = 0; k < n && ok; k++) {
		struct choose_item *x = v[k];
		int c = top ? manifest_version_cmp(x->version, top->version) : 1;

		x->served = false;
		if (top && c < 0 && other) {
			ok = set_reason(x, "an older version (%s) than %s, which is in conflict",
			                x->version, top->version);
		} else if (top && c < 0) {
			ok = set_reason(x, "an older version (%s) than the one served (%s)",
			                x->version, top->version);
		} else if (x->seen) {
			ok = set_reason(x, "downgrade: version %s is older than %s, seen before",
			                x->version, x->seen);
		} else if (other) {
			/* name a file with other content than this one */
			const struct choose_item *y = same_content(x, top) ? other : top;
			ok = set_reason(x,
			                CHOOSE_CONFLICT
			                ": version %s of %s is also in %s with other "
			                "content; none is served until one is removed",
			                x->version, x->id, base_name(y->path));
		} else if (x != top) {
			ok = set_reason(x, "a copy: version %s is already served from %s",
			                x->version, base_name(top->path));
		} else {
			x->served = true;
		}
	}
	return ok;
}

bool choose_served(struct choose_item *items, size_t n)
{
	struct choose_item **v;
	size_t i = 0;
	bool ok = true;

	for (size_t k = 0; k < n; k++) {
		items[k].served = false;
		items[k].reason = NULL;
	}
	if (n == 0)
		return true;
	v = malloc(n * sizeof(*v));
	if (!v)
		return false;
	for (size_t k = 0; k < n; k++)
		v[k] = &items[k];
	qsort(v, n, sizeof(*v), item_cmp);
	while (i < n && ok) {
		size_t end = i + 1;

		while (end < n && strcmp(v[end]->id, v[i]->id) == 0)
			end++;
		ok = choose_course(v + i, end - i);
		i = end;
	}
	free(v);
	return ok;
}

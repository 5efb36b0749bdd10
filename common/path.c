/* path.c - joined file names and the user's folders (path.h). */
#include "path.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

char *path_join_try(const char *dir, const char *name)
{
	size_t nd = strlen(dir), nn = strlen(name);
	bool slash = nd > 0 && dir[nd - 1] != '/';
	char *p = malloc(nd + slash + nn + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, nd);
	if (slash)
		p[nd] = '/';
	memcpy(p + nd + slash, name, nn + 1);
	return p;
}

char *path_join(const char *dir, const char *name)
{
	char *p = path_join_try(dir, name);

	if (!p)
		xalloc_die();
	return p;
}

char *path_user_dir(const char *xdg_var, const char *home_fallback, const char *sub)
{
	const char *xdg = getenv(xdg_var), *home = getenv("HOME");
	const char *sep = *sub ? "/" : "";

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/sampan%s%s", xdg, sep, sub);
	if (!home || home[0] != '/')
		return NULL;
	return xasprintf("%s/%s/sampan%s%s", home, home_fallback, sep, sub);
}

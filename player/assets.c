/*
 * assets.c - the player's stylesheets and script (assets.h).
 */
#include "assets.h"

#include <pthread.h>
#include <string.h>

#include "digest.h"
#include "embedded.h"
#include "httputil.h"

#define ASSET_CACHE "public, max-age=3600"

static struct asset assets[] = {
	{ "player.css", "text/css; charset=utf-8", NULL, 0, "" },
	{ "decor.css", "text/css; charset=utf-8", NULL, 0, "" },
	{ "search.js", "text/javascript; charset=utf-8", NULL, 0, "" },
	{ "progress.js", "text/javascript; charset=utf-8", NULL, 0, "" },
	{ "join.js", "text/javascript; charset=utf-8", NULL, 0, "" },
	{ "quiz.js", "text/javascript; charset=utf-8", NULL, 0, "" },
};

#define ASSET_COUNT (sizeof(assets) / sizeof(assets[0]))

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	for (size_t i = 0; i < ASSET_COUNT; i++) {
		const struct embedded_file *f =
		        embedded_find(embedded_assets, embedded_assets_count, assets[i].name);
		unsigned char d[DIGEST_SIZE];

		/* The Makefile embeds every one of them: an empty one would be seen in any test. */
		assets[i].data = f ? (const char *)f->data : "";
		assets[i].len = f ? f->len : 0;
		digest_sha256(assets[i].data, assets[i].len, d);
		etag_tag(d, assets[i].tag);
	}
}

const struct asset *assets_find(const char *name)
{
	pthread_once(&once, load);
	for (size_t i = 0; name && i < ASSET_COUNT; i++)
		if (strcmp(assets[i].name, name) == 0)
			return &assets[i];
	return NULL;
}

bool assets_serve(const struct request *rq, const char *name, struct reply *r)
{
	const struct asset *a = assets_find(name);

	if (!a)
		return false;
	represent_made(r, rq, a->type, a->data, a->len, false, a->tag, ASSET_CACHE);
	return true;
}

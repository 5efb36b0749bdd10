/*
 * library.c - the courses a player serves and the snapshots request
 * threads read (library.h; DESIGN.md "Serving"; format-spec/bundle-v1.md
 * §12.4): each course's bundle opened when a request needs it, verified
 * again, shared, and closed once idle.  The folder scan that makes the
 * snapshots is scan.c; the memory of versions served, versions.c.
 */
#include "library_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"

static const struct trust empty_trust = { NULL, 0, 0 };
/* ---- courses and snapshots ---- */

void course_release(struct lib_course *c)
{
	if (!c)
		return;
	bundle_close(c->b);
	course_free(c->course);
	free(c->page_kind);
	pthread_mutex_destroy(&c->lock);
	free(c->id);
	free(c->version);
	free(c->path);
	free(c);
}

struct lib_course *course_make(struct bundle *b, const char *path, const struct stat *sb)
{
	struct lib_course *c = calloc(1, sizeof(*c));
	const struct manifest *m = bundle_manifest(b);

	if (!c) {
		bundle_close(b);
		return NULL;
	}
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		bundle_close(b);
		return NULL;
	}
	c->id = strdup(m->id);
	c->version = strdup(m->version);
	c->path = strdup(path);
	c->course = course_dup(bundle_course(b)); /* the catalog keeps it once b is closed */
	if (!c->id || !c->version || !c->path || !c->course) {
		bundle_close(b);
		course_release(c);
		return NULL;
	}
	c->dev = sb->st_dev;
	c->ino = sb->st_ino;
	c->size = sb->st_size;
	c->mtime = sb->st_mtim;
	c->bytes = bundle_file_size(b);
	memcpy(c->signer, bundle_signer(b), MINISIGN_KEYID_SIZE);
	c->unsigned_preview = bundle_is_preview(b);
	memcpy(c->manifest_digest, bundle_manifest_digest(b), DIGEST_SIZE);
	/* Opened lazily: the first request opens it again (library_use_course). */
	bundle_close(b);
	return c;
}

void snapshot_free(struct lib_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->refused_count; i++) {
		free(s->refused[i].path);
		free(s->refused[i].reason);
	}
	free(s->refused);
	free(s->courses);
	free(s);
}

/*
 * Drop one reference to s.  When it was the last, the courses no other
 * snapshot holds are freed with it (outside the lock: nothing can reach
 * them any more).
 */
static void snapshot_unref(struct library *lib, struct lib_snapshot *s)
{
	bool dead;

	if (!s)
		return;
	pthread_mutex_lock(&lib->mu);
	dead = --s->refs == 0;
	if (dead) {
		for (size_t i = 0; i < s->count; i++)
			if (--s->courses[i]->refs != 0)
				s->courses[i] = NULL;
	}
	pthread_mutex_unlock(&lib->mu);
	if (!dead)
		return;
	for (size_t i = 0; i < s->count; i++)
		course_release(s->courses[i]);
	snapshot_free(s);
}

bool snapshot_same(const struct lib_snapshot *a, const struct lib_snapshot *b)
{
	if (a->count != b->count || a->refused_count != b->refused_count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (a->courses[i] != b->courses[i])
			return false;
	for (size_t i = 0; i < a->refused_count; i++) {
		const struct lib_refused *x = &a->refused[i], *y = &b->refused[i];
		if (x->rule != y->rule || strcmp(x->path, y->path) != 0 ||
		    strcmp(x->reason, y->reason) != 0)
			return false;
	}
	return true;
}

void library_publish(struct library *lib, struct lib_snapshot *s)
{
	struct lib_snapshot *old;

	s->refs = 1;
	pthread_mutex_lock(&lib->mu);
	for (size_t i = 0; i < s->count; i++)
		s->courses[i]->refs++;
	old = lib->current;
	lib->current = s;
	pthread_mutex_unlock(&lib->mu);
	snapshot_unref(lib, old);
}

/* ---- the public functions ---- */

static void library_free(struct library *lib)
{
	for (size_t i = 0; i < lib->paths_count; i++)
		free(lib->paths[i]);
	free(lib->paths);
	free(lib->cache_dir);
	library_files_release(lib);
	versions_release(&lib->store);
	free(lib);
}

enum bundle_status library_open(const struct library_options *opt, struct library **out,
                                struct bundle_error *err)
{
	struct library *lib;
	enum bundle_status rc;

	*out = NULL;
	if (!opt || (opt->paths_count > 0 && !opt->paths))
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "library_open: no paths");
	if (opt->cache_dir && !*opt->cache_dir)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "library_open: the cache folder is an empty name");
	for (size_t i = 0; i < opt->paths_count; i++)
		if (!opt->paths[i])
			return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
			                        "library_open: path %zu is NULL", i);
	lib = calloc(1, sizeof(*lib));
	if (!lib)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	lib->trust = opt->trust ? opt->trust : &empty_trust;
	lib->allow_unsigned = opt->allow_unsigned;
	lib->allow_downgrade = opt->allow_downgrade;
	lib->max_open = opt->max_open;
	lib->paths = calloc(opt->paths_count ? opt->paths_count : 1, sizeof(*lib->paths));
	if (!lib->paths)
		goto nomem;
	for (; lib->paths_count < opt->paths_count; lib->paths_count++) {
		lib->paths[lib->paths_count] = strdup(opt->paths[lib->paths_count]);
		if (!lib->paths[lib->paths_count])
			goto nomem;
	}
	if (opt->cache_dir) {
		lib->cache_dir = strdup(opt->cache_dir);
		if (!lib->cache_dir)
			goto nomem;
		rc = versions_open(&lib->store, lib->cache_dir, err);
		if (rc != BUNDLE_OK) {
			library_free(lib);
			return rc;
		}
	}
	if (pthread_mutex_init(&lib->mu, NULL) != 0) {
		library_free(lib);
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "cannot make a mutex");
	}
	if (pthread_mutex_init(&lib->scan_mu, NULL) != 0) {
		pthread_mutex_destroy(&lib->mu);
		library_free(lib);
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "cannot make a mutex");
	}
	if (library_scan(lib) != BUNDLE_OK) {
		library_close(lib);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	*out = lib;
	return BUNDLE_OK;
nomem:
	library_free(lib);
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

void library_rescan(struct library *lib)
{
	pthread_mutex_lock(&lib->scan_mu);
	(void)library_scan(lib); /* out of memory: the current snapshot stays */
	pthread_mutex_unlock(&lib->scan_mu);
}

struct lib_snapshot *library_snapshot(struct library *lib)
{
	struct lib_snapshot *s;

	pthread_mutex_lock(&lib->mu);
	s = lib->current;
	s->refs++;
	pthread_mutex_unlock(&lib->mu);
	return s;
}

void library_release_snapshot(struct library *lib, struct lib_snapshot *s)
{
	snapshot_unref(lib, s);
}

static bool same_file(const struct lib_course *c, const struct stat *sb)
{
	return sb->st_dev == c->dev && sb->st_ino == c->ino && sb->st_size == c->size &&
	       sb->st_mtim.tv_sec == c->mtime.tv_sec && sb->st_mtim.tv_nsec == c->mtime.tv_nsec;
}

/*
 * A bundle was opened: every so often (a quarter of max_open opens), look
 * how many are, and close the longest unused past max_open.
 */
static bool time_to_look(struct library *lib)
{
	bool look;

	pthread_mutex_lock(&lib->mu);
	look = ++lib->opened > lib->max_open / 4;
	if (look)
		lib->opened = 0;
	pthread_mutex_unlock(&lib->mu);
	return look;
}

enum bundle_status library_use_course(struct library *lib, struct lib_course *c,
                                      struct bundle_error *err)
{
	struct bundle *b = NULL;
	struct stat sb;
	enum bundle_status st;

	if (!c->b) {
		/* Before opening, for the clearer message; after, for the file we hold. */
		if (stat(c->path, &sb) == 0 && !same_file(c, &sb))
			return bundle_error_set(err, BUNDLE_INVALID, RULE_NONE, NULL, 0,
			                        "the file changed on disk since it was checked");
		st = bundle_open(c->path, &b, err);
		if (st == BUNDLE_OK && (fstat(bundle_fd(b), &sb) != 0 || !same_file(c, &sb)))
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_NONE, NULL, 0,
			                      "the file changed on disk since it was checked");
		if (st == BUNDLE_OK)
			st = c->unsigned_preview ? bundle_verify_preview(b, err)
			                         : bundle_verify(b, lib->trust, err);
		if (st == BUNDLE_OK &&
		    memcmp(bundle_manifest_digest(b), c->manifest_digest, DIGEST_SIZE) != 0)
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_NONE, NULL, 0,
			                      "the file holds other content than was checked");
		if (st != BUNDLE_OK) {
			bundle_close(b);
			return st;
		}
		c->b = b;
		/* c->lock is held: c, in use, is never the one closed */
		if (lib->max_open && time_to_look(lib))
			(void)library_close_idle(lib, HUGE_VAL, lib->max_open);
	}
	c->users++;
	c->last_used = monotime_now();
	return BUNDLE_OK;
}

void library_done_course(struct lib_course *c)
{
	if (c->users > 0)
		c->users--;
	c->last_used = monotime_now();
}

void library_done_course_close(struct lib_course *c)
{
	library_done_course(c);
	if (c->users == 0 && c->b) {
		bundle_close(c->b);
		c->b = NULL;
	}
}

struct idle_course {
	struct lib_course *c;
	double last_used;
};

static int by_last_use(const void *a, const void *b)
{
	double x = ((const struct idle_course *)a)->last_used;
	double y = ((const struct idle_course *)b)->last_used;

	return (x > y) - (x < y);
}

/* Close c's bundle if no response is using it. */
static bool close_unused(struct lib_course *c)
{
	bool closed = false;

	if (pthread_mutex_trylock(&c->lock) != 0)
		return false; /* in use right now */
	if (c->b && c->users == 0) {
		bundle_close(c->b);
		c->b = NULL;
		closed = true;
	}
	pthread_mutex_unlock(&c->lock);
	return closed;
}

size_t library_close_idle(struct library *lib, double idle, size_t max_open)
{
	struct lib_snapshot *s = library_snapshot(lib);
	struct idle_course *unused = calloc(s->count ? s->count : 1, sizeof(*unused));
	double now = monotime_now();
	size_t n = 0, still_open = 0, closed = 0;

	for (size_t i = 0; i < s->count; i++) {
		struct lib_course *c = s->courses[i];
		if (pthread_mutex_trylock(&c->lock) != 0) {
			still_open++; /* in use right now */
			continue;
		}
		if (c->b && c->users == 0 && now - c->last_used >= idle) {
			bundle_close(c->b);
			c->b = NULL;
			closed++;
		} else if (c->b) {
			still_open++;
			if (unused && c->users == 0)
				unused[n++] = (struct idle_course){ c, c->last_used };
		}
		pthread_mutex_unlock(&c->lock);
	}
	/* Over the limit: close the longest unused first. */
	if (unused && still_open > max_open) {
		qsort(unused, n, sizeof(*unused), by_last_use);
		for (size_t i = 0; i < n && still_open > max_open; i++)
			if (close_unused(unused[i].c)) {
				still_open--;
				closed++;
			}
	}
	free(unused);
	library_release_snapshot(lib, s);
	return closed;
}

struct lib_course *library_find(const struct lib_snapshot *s, const char *id)
{
	size_t lo = 0, hi = s->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->courses[mid]->id, id);
		if (c == 0)
			return s->courses[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void library_close(struct library *lib)
{
	struct lib_snapshot *s;

	if (!lib)
		return;
	pthread_mutex_lock(&lib->mu);
	s = lib->current;
	lib->current = NULL;
	pthread_mutex_unlock(&lib->mu);
	snapshot_unref(lib, s);
	pthread_mutex_destroy(&lib->scan_mu);
	pthread_mutex_destroy(&lib->mu);
	library_free(lib);
}

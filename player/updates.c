/*
 * updates.c - update files in the player: writing a target beside its
 * place and putting it there only once it verifies, for `install` and for
 * `serve` (format-spec/bundle-v1.md, "Applying an update").
 */
#define _GNU_SOURCE /* sync_file_range */
#include "updates.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bfile.h"
#include "cli.h"
#include "cmdutil.h"
#include "format.h"
#include "outfile.h"
#include "path.h"
#include "progress.h"
#include "strfmt.h"

bool player_is_update_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 14 && strcmp(name + len - 14, ".sampan-update") == 0;
}

bool player_is_bundle_name_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len, stem;
	unsigned k;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (bfile_part_name(base, len, &k, &stem))
		len = stem;
	return len >= 7 && strncmp(base + len - 7, ".sampan", 7) == 0;
}

bool player_is_update_file(const char *path)
{
	char head[71];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return player_is_update_name(path);
	n = pread(fd, head, sizeof(head), 0);
	close(fd);
	/* bytes 38..70 of every bundle and update hold its media type (format-spec 5.3, 21) */
	return n == (ssize_t)sizeof(head) &&
	       memcmp(head + 38, UPDATE_MEDIA_TYPE, sizeof(head) - 38) == 0;
}

/* Write-behind in steps of this many bytes: the disk works while the rest is written. */
#define BEHIND_STEP (8u << 20)

void player_sync_init(struct player_sync *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
}

void player_write_behind(struct player_sync *s, uint64_t written)
{
	if (written - s->behind < BEHIND_STEP)
		return;
#ifdef SYNC_FILE_RANGE_WRITE
	/*
	 * Only starts the writing out (no wait, no promise): the fsync at the
	 * end is still what makes the file durable.  Failures show there.
	 */
	(void)sync_file_range(s->fd, (off_t)s->behind, (off_t)(written - s->behind),
	                      SYNC_FILE_RANGE_WRITE);
#endif
	s->behind = written;
}

static void *sync_thread(void *arg)
{
	struct player_sync *s = arg;

	s->rc = fsync(s->fd);
	s->saved_errno = s->rc != 0 ? errno : 0;
	return NULL;
}

void player_sync_start(struct player_sync *s)
{
	s->started = pthread_create(&s->th, NULL, sync_thread, s) == 0;
	if (!s->started)
		sync_thread(s);
}

int player_sync_wait(struct player_sync *s)
{
	if (s->started) {
		pthread_join(s->th, NULL);
		s->started = false;
	}
	if (s->rc != 0)
		errno = s->saved_errno;
	return s->rc;
}

static bool behind_ready(void *ctx, uint64_t end)
{
	struct player_check_behind *c = ctx;
	bool ok;

	pthread_mutex_lock(&c->mu);
	while (c->written < end && !c->given_up)
		pthread_cond_wait(&c->cv, &c->mu);
	ok = c->written >= end;
	pthread_mutex_unlock(&c->mu);
	return ok;
}

static void behind_set(struct player_check_behind *c, uint64_t written, bool given_up)
{
	pthread_mutex_lock(&c->mu);
	c->written = written;
	c->given_up = c->given_up || given_up;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void *behind_thread(void *arg)
{
	struct player_check_behind *c = arg;

	c->st = bundle_verify_copy(c->layout, &c->file, behind_ready, c, NULL, NULL, &c->err);
	return NULL;
}

void player_check_behind_start(struct player_check_behind *c, struct bundle *layout, int fd)
{
	memset(c, 0, sizeof(*c));
	c->layout = layout;
	bfile_from_fd(&c->file, fd, bundle_file_size(layout));
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->started = pthread_create(&c->th, NULL, behind_thread, c) == 0;
}

void player_check_behind_advance(struct player_check_behind *c, uint64_t written)
{
	behind_set(c, written, false);
}

void player_check_behind_finish(struct player_check_behind *c, bool written_all)
{
	behind_set(c, c->written, !written_all);
	if (c->started)
		pthread_join(c->th, NULL);
	else if (written_all) /* no thread could start: the check runs now */
		behind_thread(c);
	else
		c->st = bundle_error_set(&c->err, BUNDLE_IO, RULE_NONE, NULL, 0, "interrupted");
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
}

struct fd_sink {
	int fd;
	const char *dest;
	struct progress bar;
	struct player_sync sync;
	uint64_t written;
	struct player_check_behind *check; /* or NULL */
};

static enum bundle_status write_fd(void *ctx, const void *data, size_t len,
                                   struct bundle_error *err)
{
	struct fd_sink *s = ctx;

	if (player_write_all(s->fd, data, len) != 0)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: cannot write: %s",
		                        s->dest, strerror(errno));
	s->written += len;
	player_write_behind(&s->sync, s->written);
	if (s->check)
		player_check_behind_advance(s->check, s->written);
	return BUNDLE_OK;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct fd_sink *s = ctx;

	progress_update(&s->bar, done, total);
}

/*
 * The target at tmp, fully verified, and the update's target, not another
 * bundle.  With plan (update_target_plan), the entries were verified while
 * they were written (check): the file must have plan's layout.
 */
static enum bundle_status check_target(const struct update *u, const char *tmp,
                                       const struct trust *trust, const struct bundle *plan,
                                       const struct player_check_behind *check,
                                       struct bundle_error *err)
{
	struct bundle *b = NULL;
	enum bundle_status st = bundle_open(tmp, &b, err);

	if (st == BUNDLE_OK)
		st = bundle_verify(b, trust, err);
	if (st == BUNDLE_OK && plan && !bundle_same_layout(b, plan))
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_RESULT_MISMATCH, NULL, 0,
		                      "the version made is not laid out as the update's target");
	if (st == BUNDLE_OK && plan) {
		st = check->st;
		if (st != BUNDLE_OK && err)
			*err = check->err;
	} else if (st == BUNDLE_OK) {
		st = bundle_verify_content(b, NULL, NULL, err);
	}
	if (st == BUNDLE_OK)
		st = update_check_result(u, b, err);
	bundle_close(b);
	return st;
}

enum bundle_status player_update_write(const struct update *u, const struct bundle *base,
                                       const char *dest, const struct trust *trust, bool progress,
                                       struct bundle_error *err)
{
	struct fd_sink s;
	struct player_check_behind check;
	struct bundle *plan = NULL;
	char *tmp = NULL;
	enum bundle_status st;

	memset(&s, 0, sizeof(s));
	s.dest = dest;
	s.fd = outfile_temp(dest, 0666, &tmp, err);
	if (s.fd < 0)
		return err ? err->status : BUNDLE_IO;
	player_sync_init(&s.sync, s.fd);
	/*
	 * Where the target's entries will lie, from its central directory
	 * before it is written: then they are verified behind the writing.
	 * Without it (a patch gives those bytes), once the target is written.
	 */
	if (update_target_plan(u, base, trust, &plan, NULL) == BUNDLE_OK) {
		player_check_behind_start(&check, plan, s.fd);
		s.check = &check;
	}
	if (progress)
		progress_start(&s.bar, "Applying");
	st = update_apply(u, base, write_fd, &s, progress ? on_progress : NULL, &s, err);
	if (progress)
		progress_end(&s.bar);
	/* The sync runs beside the verification: both must succeed. */
	if (st == BUNDLE_OK)
		player_sync_start(&s.sync);
	if (s.check)
		player_check_behind_finish(&check, st == BUNDLE_OK);
	/* What takes the base's place passes every check of the format first. */
	if (st == BUNDLE_OK)
		st = check_target(u, tmp, trust, plan, &check, err);
	/* (a sync never started waits for nothing) */
	if (player_sync_wait(&s.sync) != 0 && st == BUNDLE_OK)
		st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: cannot sync: %s",
		                      dest, strerror(errno));
	bundle_close(plan);
	if (close(s.fd) != 0 && st == BUNDLE_OK)
		st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: cannot write: %s",
		                      dest, strerror(errno));
	if (st == BUNDLE_OK)
		st = outfile_commit(tmp, dest, true, NULL, err);
	if (st != BUNDLE_OK)
		unlink(tmp);
	free(tmp);
	return st;
}

/* dest holds u's target already (made by an earlier scan). */
static bool made_before(const struct update *u, const char *dest, const struct trust *trust)
{
	const struct update_info *in = update_info(u);
	struct bundle *b = NULL;
	struct bundle_error err;
	struct stat sb;
	bool same;

	if (stat(dest, &sb) != 0 || (uint64_t)sb.st_size != in->target_size)
		return false;
	if (bundle_open(dest, &b, &err) != BUNDLE_OK ||
	    bundle_verify(b, trust, &err) != BUNDLE_OK) {
		bundle_close(b);
		return false;
	}
	same = memcmp(bundle_manifest_digest(b), in->target_manifest, DIGEST_SIZE) == 0;
	bundle_close(b);
	return same;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

size_t player_update_base(const struct update_info *in, const struct update_candidate *cands,
                          size_t n, enum bundle_rule *rule, char **reason)
{
	const char *seen = NULL;
	struct bundle_error err;

	*reason = NULL;
	*rule = RULE_NONE;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cands[i].id, in->id) != 0)
			continue;
		if (memcmp(cands[i].digest, in->from_manifest, DIGEST_SIZE) == 0)
			return i;
		seen = cands[i].path;
	}
	bundle_error_set(&err, BUNDLE_INVALID, seen ? RULE_BASE_MISMATCH : RULE_BASE_MISSING, NULL,
	                 0,
	                 seen ? "base missing: the update to version %s applies to the build of "
	                        "version %s it was made from, not to %s"
	                      : "base missing: the update to version %s applies to version %s of "
	                        "%s, which is not here",
	                 in->to, in->from, seen ? seen : in->id);
	*rule = err.rule;
	*reason = strdup(err.message);
	return n;
}

enum bundle_status player_update_for_serve(const char *path, const struct trust *trust,
                                           const struct update_candidate *cands, size_t n,
                                           const char *cache_dir, char **result, char **reason,
                                           enum bundle_rule *rule)
{
	struct update *u = NULL;
	struct bundle *base = NULL;
	struct bundle_error err;
	const struct update_info *in;
	size_t found = n;
	char *dir = NULL, *name, *dest = NULL;
	enum bundle_status st;

	*result = *reason = NULL;
	*rule = RULE_NONE;
	bundle_error_clear(&err);
	st = update_open(path, trust, &u, &err);
	if (st != BUNDLE_OK)
		goto refuse;
	in = update_info(u);
	found = player_update_base(in, cands, n, rule, reason);
	if (found == n) {
		st = *reason ? BUNDLE_OK : BUNDLE_NOMEM;
		goto done;
	}
	if (!cache_dir) {
		st = bundle_error_set(&err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                      "no cache folder to apply the update in");
		goto refuse;
	}
	/* the id and version grammars make a safe file name: [a-z0-9.-] */
	dir = path_join_try(cache_dir, "updates");
	name = strfmt("%s-%s.sampan", in->id, in->to);
	dest = dir && name ? path_join_try(dir, name) : NULL;
	free(name);
	if (!dest) {
		st = BUNDLE_NOMEM;
		goto done;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		st = bundle_error_set(&err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s", dir,
		                      strerror(errno));
		goto refuse;
	}
	if (!made_before(u, dest, trust)) {
		st = bundle_open(cands[found].path, &base, &err);
		if (st == BUNDLE_OK)
			st = bundle_verify(base, trust, &err);
		if (st == BUNDLE_OK)
			st = update_check_base(u, base, &err);
		if (st == BUNDLE_OK)
			st = player_update_write(u, base, dest, trust, false, &err);
		if (st != BUNDLE_OK)
			goto refuse;
	}
	*result = dest;
	dest = NULL;
	st = BUNDLE_OK;
	goto done;
refuse:
	if (st == BUNDLE_NOMEM)
		goto done;
	*rule = err.rule;
	*reason = dup_or_null(err.message);
	st = *reason ? BUNDLE_OK : BUNDLE_NOMEM;
done:
	bundle_close(base);
	update_close(u);
	free(dir);
	free(dest);
	return st;
}

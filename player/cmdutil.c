/* cmdutil.c - the user folders, trusted keys, full checks and writes of sampan-play commands. */
#include "cmdutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "path.h"
#include "progress.h"
#include "xalloc.h"

struct check_ctx {
	struct bundle *b;
	const char *path;
	size_t bad;
	uint64_t done, total;
	struct progress progress;
};

static void on_checked(void *ctx, size_t index, const struct bundle_error *r)
{
	struct check_ctx *c = ctx;
	struct bundle_entry e;

	bundle_entry(c->b, index, &e);
	if (r->status != BUNDLE_OK) {
		progress_end(&c->progress);
		cli_error("%s: %s", c->path, r->message);
		c->bad++;
	}
	c->done += e.size;
	progress_update(&c->progress, c->done, c->total);
}

int player_check_content(struct bundle *b, const char *path, const char *label)
{
	struct bundle_error err;
	struct check_ctx ctx;
	enum bundle_status st;
	int rc = EXIT_YES;

	memset(&ctx, 0, sizeof(ctx));
	ctx.b = b;
	ctx.path = path;
	for (size_t i = 0; i < bundle_count(b); i++) {
		struct bundle_entry e;
		bundle_entry(b, i, &e);
		ctx.total += e.size;
	}
	progress_start(&ctx.progress, label);
	st = bundle_verify_content(b, on_checked, &ctx, &err);
	progress_end(&ctx.progress);
	if (st == BUNDLE_ENTRY_BAD) {
		cli_error("%s: %zu of %zu entries failed verification", path, ctx.bad,
		          bundle_count(b));
		rc = EXIT_NO;
	} else if (st != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
	}
	return rc;
}

int player_open_checked(const char *path, const struct trust *trust, const char *label,
                        struct bundle **out)
{
	struct bundle *b = NULL;
	struct bundle_error err;
	enum bundle_status st;
	int rc;

	*out = NULL;
	st = bundle_open(path, &b, &err);
	if (st == BUNDLE_OK)
		st = bundle_verify(b, trust, &err);
	if (st != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
		bundle_close(b);
		return rc;
	}
	rc = player_check_content(b, path, label);
	if (rc != EXIT_YES)
		bundle_close(b);
	else
		*out = b;
	return rc;
}

bool player_is_bundle_name(const char *name)
{
	size_t len = strlen(name);

	if (name[0] == '.')
		return false;
	/* the first part of a bundle stored in parts reads as the whole bundle */
	if (len > 11 && strcmp(name + len - 4, ".001") == 0)
		len -= 4;
	return len > 7 && strncmp(name + len - 7, ".sampan", 7) == 0;
}

void player_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

bool player_interrupted(void)
{
	sigset_t pending;

	if (sigpending(&pending) != 0)
		return false;
	return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1 ||
	       sigismember(&pending, SIGHUP) == 1;
}

int player_write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

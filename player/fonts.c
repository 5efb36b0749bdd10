/*
 * fonts.c - the player's Noto fonts, from Debian's files (fonts.h).
 */
#include "fonts.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "represent.h"
#include "zlibio.h"

#define FONT_MAX (32u << 20)
#define FONT_COUNT 3
#define FONT_CACHE "public, max-age=604800"

static const char *const names[FONT_COUNT] = { "NotoSansKhmer-Regular.ttf",
	                                       "NotoSansLao-Regular.ttf",
	                                       "NotoSansMyanmar-Regular.ttf" };

struct fonts {
	char *dir;
	/* Each font gzipped, made once when first asked for (lock). */
	pthread_mutex_t lock;
	unsigned char *gz[FONT_COUNT];
	size_t gz_len[FONT_COUNT];
};

struct fonts *fonts_new(const char *dir)
{
	struct fonts *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	if (dir && !(f->dir = strdup(dir))) {
		free(f);
		return NULL;
	}
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void fonts_free(struct fonts *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < FONT_COUNT; i++)
		free(f->gz[i]);
	pthread_mutex_destroy(&f->lock);
	free(f->dir);
	free(f);
}

/* Font i gzipped (kept for the server's life), or NULL when it cannot be read. */
static const unsigned char *gzipped(struct fonts *f, size_t i, size_t *len)
{
	const unsigned char *gz;

	pthread_mutex_lock(&f->lock);
	if (!f->gz[i]) {
		char path[4096];
		unsigned char *data = NULL;
		struct stat sb;
		struct bundle_error err;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size > 0 &&
		    (uint64_t)sb.st_size <= FONT_MAX &&
		    (data = malloc((size_t)sb.st_size)) != NULL &&
		    read(fd, data, (size_t)sb.st_size) == sb.st_size)
			(void)zlibio_gzip(data, (size_t)sb.st_size, &f->gz[i], &f->gz_len[i], &err);
		free(data);
		if (fd >= 0)
			close(fd);
	}
	gz = f->gz[i];
	*len = f->gz_len[i];
	pthread_mutex_unlock(&f->lock);
	return gz;
}

bool fonts_serve(struct fonts *f, const struct request *rq, const char *name, struct reply *r)
{
	struct stat sb;
	char path[4096], tag[64];
	struct httpcond_request hrq;
	struct httpcond_resource rs;
	struct httpcond_answer a;
	const unsigned char *gz;
	size_t gz_len, i;
	int fd;

	for (i = 0; i < FONT_COUNT; i++)
		if (strcmp(name, names[i]) == 0)
			break;
	if (!f || !f->dir || i == FONT_COUNT)
		return false;
	snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0 || (uint64_t)sb.st_size > FONT_MAX) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	snprintf(tag, sizeof(tag), "%llx-%llx", (unsigned long long)sb.st_mtime,
	         (unsigned long long)sb.st_size);
	memset(&rs, 0, sizeof(rs));
	rs.tag = tag;
	rs.gzip = true;
	rs.size = (uint64_t)sb.st_size;
	rs.last_modified = (int64_t)sb.st_mtime;
	represent_facts(rq, &hrq);
	hrq.range = NULL; /* fonts are small: whole, never by range */
	httpcond_decide(&hrq, &rs, &a);
	if (a.status != 200) {
		close(fd);
		represent_bodiless(r, &a, &rs, FONT_CACHE, NULL);
		return true;
	}
	if (a.rep == HTTPCOND_GZIP && (gz = gzipped(f, i, &gz_len)) != NULL) {
		close(fd);
		reply_buffer(r, 200, gz, gz_len, false);
	} else {
		if (a.rep == HTTPCOND_GZIP) {
			/* not gzipped after all: the file as it is, with its own ETag */
			rs.gzip = false;
			hrq.accept_encoding = NULL;
			httpcond_decide(&hrq, &rs, &a);
			a.vary_encoding = true;
		}
		r->status = 200;
		r->body = REPLY_FD;
		r->fd = fd;
		r->len = (uint64_t)sb.st_size;
	}
	rs.ranges = false;
	represent_body_headers(r, &a, &rs, "font/ttf", FONT_CACHE, NULL);
	return true;
}

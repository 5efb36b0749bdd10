/*
 * bfile.c - a bundle's bytes from one file or from numbered parts
 * (format-spec/bundle-v1.md, "Bundles stored in parts", step 0).
 */
#define _GNU_SOURCE /* copy_file_range */
#include "bfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "format.h"
#include "outfile.h"

#define EOCD_SIZE 22u
#define COPY_PIECE (8u << 20)

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

bool bfile_part_name(const char *name, size_t len, unsigned *number, size_t *stem_len)
{
	unsigned n = 0;

	if (len < 5 || name[len - 4] != '.')
		return false;
	for (size_t i = len - 3; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		n = n * 10 + (unsigned)(name[i] - '0');
	}
	if (n == 0)
		return false;
	*number = n;
	*stem_len = len - 4;
	return true;
}

void bfile_from_fd(struct bfile *f, int fd, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->one.fd = fd;
	f->one.size = size;
	f->part = &f->one;
	f->count = 1;
	f->size = size;
}

void bfile_reader_init(struct bfile *f, uint64_t size, bfile_read_fn read, void *ctx,
                       void (*release)(void *ctx))
{
	memset(f, 0, sizeof(*f));
	f->read = read;
	f->read_ctx = ctx;
	f->release = release;
	f->size = size;
}

size_t bfile_part_at(const struct bfile *f, uint64_t off)
{
	size_t lo = 0, hi = f->count;

	/* the last part whose start is <= off */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->part[mid].start <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

enum bundle_status bfile_pread(const struct bfile *f, void *buf, size_t len, uint64_t off,
                               struct bundle_error *err)
{
	unsigned char *p = buf;
	size_t k;

	if (f->read) {
		if (off > f->size || len > f->size - off)
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                        "read past the end at offset %llu",
			                        (unsigned long long)off);
		return f->read(f->read_ctx, buf, len, off, err);
	}
	if (f->count == 1)
		return container_pread_shown(f->part[0].fd, p, len, off, off, err);
	if (len == 0)
		return BUNDLE_OK;
	if (off >= f->size || len > f->size - off)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                        "read past the end of the parts at offset %llu",
		                        (unsigned long long)off);
	k = bfile_part_at(f, off);
	while (len > 0) {
		const struct bfile_part *pt = &f->part[k];
		uint64_t in = off - pt->start;
		size_t n = pt->size - in < len ? (size_t)(pt->size - in) : len;
		enum bundle_status st = container_pread_shown(pt->fd, p, n, in, off, err);
		if (st != BUNDLE_OK)
			return st;
		p += n;
		off += n;
		len -= n;
		k++;
	}
	return BUNDLE_OK;
}

void bfile_close(struct bfile *f)
{
	if (!f)
		return;
	for (size_t i = 0; f->part && i < f->count; i++) {
		if (f->owned && f->part[i].fd >= 0)
			close(f->part[i].fd);
		free(f->part[i].path);
	}
	if (f->part && f->part != &f->one)
		free(f->part);
	if (f->release)
		f->release(f->read_ctx);
	memset(f, 0, sizeof(*f));
}

static enum bundle_status open_one(const char *path, struct bfile_part *pt,
                                   struct bundle_error *err)
{
	pt->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pt->fd < 0)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "cannot open: %s",
		                        strerror(errno));
	if (fstat(pt->fd, &pt->sb) != 0)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "cannot stat: %s",
		                        strerror(errno));
	if (!S_ISREG(pt->sb.st_mode))
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "not a regular file");
	pt->size = (uint64_t)pt->sb.st_size;
	return BUNDLE_OK;
}

/* Whether the 22 bytes ending at end (> 22) are an EOCD without a comment (3.2, step 2). */
static enum bundle_status ends_with_eocd(const struct bfile *f, uint64_t end, bool *yes,
                                         struct bundle_error *err)
{
	unsigned char r[EOCD_SIZE];
	enum bundle_status st;

	*yes = false;
	if (end < EOCD_SIZE)
		return BUNDLE_OK;
	st = bfile_pread(f, r, sizeof(r), end - EOCD_SIZE, err);
	if (st == BUNDLE_OK)
		*yes = r[0] == 0x50 && r[1] == 0x4B && r[2] == 5 && r[3] == 6 && r[20] == 0 &&
		       r[21] == 0;
	return st;
}

static enum bundle_status part_fail(struct bundle_error *err, enum bundle_rule rule,
                                    const char *stem, unsigned k, const char *why)
{
	const char *base = strrchr(stem, '/');
	char name[BUNDLE_ERROR_ENTRY_MAX];

	bundle_quote(name, sizeof(name) - 4, base ? base + 1 : stem,
	             strlen(base ? base + 1 : stem));
	return bundle_error_set(err, BUNDLE_INVALID, rule, NULL, 0, "part %s.%03u %s", name, k,
	                        why);
}

/*
 * The numbers of stem's parts in dir: have[k] for k in 1..999.  The
 * folder's listing, not a probe of names one by one, so a gap is seen.
 */
static enum bundle_status list_parts(const char *dir, const char *stem, bool *have, unsigned *max,
                                     struct bundle_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t slen = strlen(stem);

	*max = 0;
	if (!d)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                        "cannot list the folder of the parts: %s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		unsigned k;
		size_t stem_len, len = strlen(de->d_name);
		if (!bfile_part_name(de->d_name, len, &k, &stem_len) || stem_len != slen ||
		    memcmp(de->d_name, stem, slen) != 0)
			continue;
		have[k] = true;
		if (k > *max)
			*max = k;
	}
	closedir(d);
	return BUNDLE_OK;
}

static enum bundle_status open_parts(const char *name, struct bfile *f, struct bundle_error *err)
{
	char *copy = strdup(name), *slash, *stem;
	const char *dir;
	bool have[BUNDLE_MAX_PARTS + 1] = { false };
	unsigned n = 0;
	uint64_t p_size;
	bool eocd;
	enum bundle_status st;

	if (!copy)
		return nomem(err);
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		stem = slash + 1;
	} else {
		dir = ".";
		stem = copy;
	}
	st = list_parts(dir, stem, have, &n, err);
	if (st != BUNDLE_OK)
		goto done;
	for (unsigned k = 1; k <= n + 1; k++)
		if (!have[k] && k <= n) {
			st = part_fail(err, RULE_PART_MISSING, name, k,
			               "is missing: the parts must be numbered from .001 without a "
			               "gap");
			goto done;
		}
	if (n == 0) {
		st = part_fail(err, RULE_PART_MISSING, name, 1, "is missing");
		goto done;
	}
	f->part = calloc(n, sizeof(*f->part));
	if (!f->part) {
		st = nomem(err);
		goto done;
	}
	f->owned = true;
	f->split = true;
	for (unsigned k = 1; k <= n; k++) {
		struct bfile_part *pt = &f->part[k - 1];
		char path[PATH_MAX + 8];
		pt->fd = -1;
		f->count = k;
		snprintf(path, sizeof(path), "%s.%03u", name, k);
		pt->path = strdup(path);
		if (!pt->path) {
			st = nomem(err);
			goto done;
		}
		st = open_one(path, pt, err);
		if (st != BUNDLE_OK) {
			bundle_error_prefix(err, "%s", path);
			goto done;
		}
		pt->start = f->size;
		f->size += pt->size;
	}
	/* Check 2: a bundle that ends before the last part. */
	for (unsigned k = 1; k < n; k++) {
		const struct bfile_part *pt = &f->part[k - 1];
		st = ends_with_eocd(f, pt->start + pt->size, &eocd, err);
		if (st != BUNDLE_OK)
			goto done;
		if (eocd) {
			char why[PATH_MAX + 64];
			const char *last = strrchr(f->part[k - 1].path, '/');
			snprintf(why, sizeof(why),
			         "is not part of the bundle, which ends at the end of %s: a part "
			         "left from another bundle?",
			         last ? last + 1 : f->part[k - 1].path);
			st = part_fail(err, RULE_PART_EXTRA, name, k + 1, why);
			goto done;
		}
	}
	/* Check 3: sizes. */
	p_size = f->part[0].size;
	for (unsigned k = 1; k <= n; k++) {
		uint64_t sz = f->part[k - 1].size;
		if (sz == 0 || (k < n && sz != p_size) || sz > p_size) {
			char why[160];
			snprintf(why, sizeof(why),
			         "has %llu bytes, the first part %llu: a part cut short, or from "
			         "another bundle?",
			         (unsigned long long)sz, (unsigned long long)p_size);
			st = part_fail(err, RULE_PART_SIZE, name, k, why);
			goto done;
		}
	}
	/* Check 4: a bundle that goes on past the last part. */
	st = ends_with_eocd(f, f->size, &eocd, err);
	if (st != BUNDLE_OK)
		goto done;
	if (!eocd && f->part[n - 1].size == p_size && n < BUNDLE_MAX_PARTS) {
		st = part_fail(err, RULE_PART_MISSING, name, n + 1,
		               "is missing: the bundle does not end in the last part found");
		goto done;
	}
done:
	free(copy);
	return st;
}

enum bundle_status bfile_open(const char *path, struct bfile *f, struct bundle_error *err)
{
	struct stat sb;
	const char *base = strrchr(path, '/');
	size_t len = strlen(path), stem_len;
	unsigned k;
	enum bundle_status st;

	memset(f, 0, sizeof(*f));
	f->one.fd = -1;
	base = base ? base + 1 : path;
	if (bfile_part_name(base, strlen(base), &k, &stem_len)) {
		char *stem = strndup(path, len - 4);
		if (!stem)
			return nomem(err);
		if (k != 1)
			st = bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
			                      "is part %u of %s: give %s or its first part, .001",
			                      k, stem, stem);
		else
			st = open_parts(stem, f, err);
		free(stem);
		return st;
	}
	if (stat(path, &sb) != 0 && errno == ENOENT) {
		char first[PATH_MAX + 8];
		snprintf(first, sizeof(first), "%s.001", path);
		if (stat(first, &sb) == 0)
			return open_parts(path, f, err);
	}
	f->part = &f->one;
	f->count = 1;
	f->owned = true;
	st = open_one(path, &f->one, err);
	f->size = f->one.size;
	return st;
}

static enum bundle_status copy_range(int src, int dst, uint64_t off, uint64_t len,
                                     struct bundle_error *err)
{
	loff_t in = (loff_t)off, out = 0;
	unsigned char *buf = NULL;

	while (len > 0) {
		size_t want = len > COPY_PIECE ? COPY_PIECE : (size_t)len;
		ssize_t n = copy_file_range(src, &in, dst, &out, want, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 &&
		    (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
			/* file systems that cannot: read and write */
			if (!buf && !(buf = malloc(COPY_PIECE)))
				return nomem(err);
			n = pread(src, buf, want, in);
			if (n > 0) {
				ssize_t w = pwrite(dst, buf, (size_t)n, out);
				if (w != n) {
					free(buf);
					return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
					                        "write error: %s",
					                        w < 0 ? strerror(errno)
					                              : "short write");
				}
				in += n;
				out += n;
			}
		} else if (n > 0) {
			/* copy_file_range moved the offsets */
		}
		if (n <= 0) {
			free(buf);
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                        "copy error: %s",
			                        n < 0 ? strerror(errno) : "the bundle shrank");
		}
		len -= (uint64_t)n;
	}
	free(buf);
	return BUNDLE_OK;
}

enum bundle_status bfile_split(int src, uint64_t size, uint64_t part_size, const char *out_name,
                               unsigned *parts, struct bundle_error *err)
{
	unsigned n;
	char **tmp;
	char path[PATH_MAX + 8];
	enum bundle_status st = BUNDLE_OK;

	*parts = 0;
	if (part_size == 0 || size == 0)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0, "empty part size");
	if ((size + part_size - 1) / part_size > BUNDLE_MAX_PARTS)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "%llu bytes in parts of %llu would make more than %u parts",
		                        (unsigned long long)size, (unsigned long long)part_size,
		                        BUNDLE_MAX_PARTS);
	n = (unsigned)((size + part_size - 1) / part_size);
	tmp = calloc(n, sizeof(*tmp));
	if (!tmp)
		return nomem(err);
	for (unsigned k = 1; k <= n && st == BUNDLE_OK; k++) {
		uint64_t off = (uint64_t)(k - 1) * part_size;
		uint64_t len = size - off < part_size ? size - off : part_size;
		int fd;
		snprintf(path, sizeof(path), "%s.%03u", out_name, k);
		fd = outfile_temp(path, 0666, &tmp[k - 1], err);
		if (fd < 0) {
			st = err ? err->status : BUNDLE_IO;
			break;
		}
		st = copy_range(src, fd, off, len, err);
		if (close(fd) != 0 && st == BUNDLE_OK)
			st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, path, strlen(path),
			                      "cannot write: %s", strerror(errno));
	}
	if (st == BUNDLE_OK) {
		/* Parts of an earlier, longer set would be PART_EXTRA: they go first. */
		for (unsigned k = n + 1; k <= BUNDLE_MAX_PARTS; k++) {
			snprintf(path, sizeof(path), "%s.%03u", out_name, k);
			if (unlink(path) != 0 && errno != ENOENT) {
				st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, path, strlen(path),
				                      "cannot remove a part left from before: %s",
				                      strerror(errno));
				break;
			}
		}
	}
	/* The first part last: until it is in place, the old set's first part stands. */
	for (unsigned k = n; k >= 1 && st == BUNDLE_OK; k--) {
		snprintf(path, sizeof(path), "%s.%03u", out_name, k);
		st = outfile_commit(tmp[k - 1], path, true, NULL, err);
		if (st == BUNDLE_OK) {
			free(tmp[k - 1]);
			tmp[k - 1] = NULL;
		}
	}
	for (unsigned k = 0; k < n; k++) {
		if (tmp[k])
			unlink(tmp[k]);
		free(tmp[k]);
	}
	free(tmp);
	if (st == BUNDLE_OK)
		*parts = n;
	return st;
}

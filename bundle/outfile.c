/* outfile.c - output files written beside their final name and put in place whole (outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TRIES 100

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

static enum bundle_status io_error(struct bundle_error *err, const char *path, const char *what,
                                   int e)
{
	return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s: %s", path, what,
	                        strerror(e));
}

/* The folder part of path ("." when it has none), malloc'd. */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	if (!slash)
		memcpy(d, ".", 1);
	else if (n == 0)
		memcpy(d, "/", (n = 1));
	else
		memcpy(d, path, n);
	d[n] = '\0';
	return d;
}

int outfile_temp(const char *path, mode_t mode, char **tmp, struct bundle_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 48;
	static atomic_uint counter;
	struct timespec ts;
	char *name;
	int e = 0;

	*tmp = NULL;
	name = malloc(n);
	if (!name) {
		nomem(err);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	/*
	 * Six letters or digits, as mkstemp makes: O_EXCL makes the name ours,
	 * whoever guesses it, and the mix of process, time and a counter only
	 * makes a clash with another writer unlikely.  The mode is the
	 * caller's, and the umask applies, as for any file a program creates
	 * (mkstemp's 0600 would survive the rename).
	 */
	for (unsigned i = 0; i < TRIES; i++) {
		static const char digits[] =
		        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
		uint64_t v = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^
		             ((uint64_t)ts.tv_sec << 20) ^
		             ((uint64_t)atomic_fetch_add(&counter, 1u) * 0x9E3779B97F4A7C15u);
		char suffix[7];
		int fd;

		for (size_t k = 0; k < 6; k++) {
			suffix[k] = digits[v % 62];
			v /= 62;
		}
		suffix[6] = '\0';
		snprintf(name, n, "%.*s.%s.tmp-%s", (int)dir_len, path, path + dir_len, suffix);
		fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0) {
			*tmp = name;
			return fd;
		}
		e = errno;
		if (e != EEXIST)
			break;
	}
	io_error(err, path, "cannot create a file beside it", e);
	free(name);
	return -1;
}

static void sync_folder(const char *path)
{
	char *dir = folder_of(path);
	int dfd;

	if (!dir)
		return; /* only durability is lost, and only if the power goes now */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
}

enum bundle_status outfile_commit(const char *tmp, const char *path, bool replace, bool *existed,
                                  struct bundle_error *err)
{
	int fd = open(tmp, O_RDONLY | O_CLOEXEC);

	if (existed)
		*existed = false;
	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return io_error(err, tmp, "cannot sync", e);
	}
	close(fd);
	if (!replace) {
		/*
		 * Take the name first: O_EXCL fails when anything is there, on
		 * every file system (link() does not exist on FAT).  The rename
		 * then only ever replaces this empty file of ours.
		 */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			int e = errno;
			if (e == EEXIST) {
				if (existed)
					*existed = true;
				return bundle_error_set(err, BUNDLE_INVALID, RULE_NONE, NULL, 0,
				                        "%s: already exists", path);
			}
			return io_error(err, path, "cannot create", e);
		}
		close(fd);
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		if (!replace)
			unlink(path); /* the empty file taken above */
		return io_error(err, path, "cannot rename into place", e);
	}
	sync_folder(path);
	return BUNDLE_OK;
}

void outfile_discard(char *tmp)
{
	if (!tmp)
		return;
	unlink(tmp);
	free(tmp);
}

enum bundle_status outfile_write(const char *path, const void *data, size_t len, mode_t mode,
                                 bool replace, bool *existed, struct bundle_error *err)
{
	const unsigned char *p = data;
	enum bundle_status st;
	char *tmp = NULL;
	int fd = outfile_temp(path, mode, &tmp, err);

	if (existed)
		*existed = false;
	if (fd < 0)
		return err ? err->status : BUNDLE_IO;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			outfile_discard(tmp);
			return io_error(err, path, "cannot write", e);
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0) {
		int e = errno;
		outfile_discard(tmp);
		return io_error(err, path, "cannot write", e);
	}
	st = outfile_commit(tmp, path, replace, existed, err);
	if (st != BUNDLE_OK)
		outfile_discard(tmp);
	else
		free(tmp);
	return st;
}

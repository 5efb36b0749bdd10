/*
 * killat.c - an LD_PRELOAD library for the tests: the program is killed
 * (SIGKILL, as by a power cut or kill -9) just before its Nth call that
 * changes a file, so that a test can stop it at every stage of its work.
 *
 *   SAMPAN_KILL_AT=N      SIGKILL before the Nth call of write, pwrite,
 *                         fsync, fdatasync, rename, renameat, unlink,
 *                         unlinkat, ftruncate (counted from load)
 *   SAMPAN_KILL_COUNT=1   print "killat: N calls" at exit: how far to go
 *
 * Built without sanitizers; run sanitized programs with
 * ASAN_OPTIONS=verify_asan_link_order=0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static long calls, kill_at = -1;
static int count_at_exit;

static ssize_t (*next_write)(int, const void *, size_t);
static ssize_t (*next_pwrite)(int, const void *, size_t, off_t);
static int (*next_fsync)(int);
static int (*next_fdatasync)(int);
static int (*next_rename)(const char *, const char *);
static int (*next_renameat)(int, const char *, int, const char *);
static int (*next_unlink)(const char *);
static int (*next_unlinkat)(int, const char *, int);
static int (*next_ftruncate)(int, off_t);

/* dlsym's object pointer into a function pointer, without a cast ISO C forbids. */
static void resolve(void *fp, size_t size, const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	memcpy(fp, &p, size);
}

#define RESOLVE(name) resolve(&next_##name, sizeof(next_##name), #name)

static void report(void)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "killat: %ld calls\n", calls);

	if (n > 0 && next_write(2, buf, (size_t)n) < 0)
		return;
}

__attribute__((constructor)) static void init(void)
{
	const char *at = getenv("SAMPAN_KILL_AT"), *count = getenv("SAMPAN_KILL_COUNT");

	RESOLVE(write);
	RESOLVE(pwrite);
	RESOLVE(fsync);
	RESOLVE(fdatasync);
	RESOLVE(rename);
	RESOLVE(renameat);
	RESOLVE(unlink);
	RESOLVE(unlinkat);
	RESOLVE(ftruncate);

	if (at)
		kill_at = strtol(at, NULL, 10);
	count_at_exit = count && *count == '1';
	if (count_at_exit)
		atexit(report);
}

static void step(void)
{
	if (++calls == kill_at)
		kill(getpid(), SIGKILL);
}

ssize_t write(int fd, const void *p, size_t n)
{
	step();
	return next_write(fd, p, n);
}

ssize_t pwrite(int fd, const void *p, size_t n, off_t off)
{
	step();
	return next_pwrite(fd, p, n, off);
}

int fsync(int fd)
{
	step();
	return next_fsync(fd);
}

int fdatasync(int fd)
{
	step();
	return next_fdatasync(fd);
}

int rename(const char *a, const char *b)
{
	step();
	return next_rename(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
	step();
	return next_renameat(da, a, db, b);
}

int unlink(const char *path)
{
	step();
	return next_unlink(path);
}

int unlinkat(int dfd, const char *path, int flags)
{
	step();
	return next_unlinkat(dfd, path, flags);
}

int ftruncate(int fd, off_t len)
{
	step();
	return next_ftruncate(fd, len);
}

/*
 * failmalloc.c - an LD_PRELOAD library for the tests: memory allocations
 * fail on demand, so that a real program can be run out of memory.
 *
 *   SAMPAN_FAIL_MALLOC_MIN=BYTES    every allocation of at least BYTES fails
 *   SAMPAN_FAIL_MALLOC_AFTER=N      every allocation after the first N fails
 *                                   (counted from when this library is loaded)
 *   SAMPAN_FAIL_MALLOC_COUNT=1      print "failmalloc: N allocations" at exit: how far
 *                                   to go with SAMPAN_FAIL_MALLOC_AFTER
 *   SAMPAN_FAIL_MALLOC_TRACE=1      print where the first failure happened (under
 *                                   a sanitizer: the stack) to find what ignored it
 *
 * malloc, calloc, realloc, aligned_alloc, posix_memalign and memalign
 * return NULL (errno ENOMEM) when told to; everything else goes to the next
 * allocator (libc's, or the sanitizer's: run those with
 * ASAN_OPTIONS=verify_asan_link_order=0).  Built without sanitizers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);
void *memalign(size_t align, size_t size);
void free(void *p);

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_memalign)(size_t, size_t);
static void (*next_free)(void *);

static size_t fail_min = SIZE_MAX;
static unsigned long fail_after = (unsigned long)-1, count;
static bool ready, trace, report;
static int traced;

void __sanitizer_print_stack_trace(void) __attribute__((weak));

/* dlsym may allocate before calloc is found: a little memory from here. */
static _Alignas(16) char boot[4096];
static size_t boot_used;

static void *boot_alloc(size_t size)
{
	size_t n = (size + 15) & ~(size_t)15;
	void *p;

	if (n > sizeof(boot) - boot_used)
		return NULL;
	p = boot + boot_used;
	boot_used += n;
	return p;
}

static unsigned long parse(const char *s, unsigned long dflt)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoul(s, &end, 10);
	return errno || *end ? dflt : v;
}

/*
 * Find the next allocator.  Also called by the first allocation when a
 * library's constructor allocates before this library's (libgomp, which
 * librsync's BLAKE2 library brings, does): dlsym's own allocations meanwhile
 * come from boot.
 */
/* dlsym's object pointer into a function pointer, without a cast ISO C forbids. */
static void resolve_one(void *fp, size_t size, const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	memcpy(fp, &p, size);
}

#define RESOLVE(name) resolve_one(&next_##name, sizeof(next_##name), #name)

static void resolve(void)
{
	static bool resolving;

	if (resolving || next_malloc)
		return;
	resolving = true;
	RESOLVE(calloc);
	RESOLVE(realloc);
	RESOLVE(aligned_alloc);
	RESOLVE(posix_memalign);
	RESOLVE(memalign);
	RESOLVE(free);
	RESOLVE(malloc); /* last: a set next_malloc says that all are found */
}

__attribute__((constructor)) static void init(void)
{
	resolve();
	fail_min = (size_t)parse(getenv("SAMPAN_FAIL_MALLOC_MIN"), (unsigned long)SIZE_MAX);
	fail_after = parse(getenv("SAMPAN_FAIL_MALLOC_AFTER"), (unsigned long)-1);
	trace = getenv("SAMPAN_FAIL_MALLOC_TRACE") != NULL;
	report = getenv("SAMPAN_FAIL_MALLOC_COUNT") != NULL;
	ready = true;
}

__attribute__((destructor)) static void fini(void)
{
	char buf[64], digits[24];
	size_t n = 0, k = 0;
	unsigned long v = __atomic_load_n(&count, __ATOMIC_RELAXED);

	if (!report)
		return;
	do
		digits[k++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && k < sizeof(digits));
	memcpy(buf, "failmalloc: ", 12);
	n = 12;
	while (k > 0)
		buf[n++] = digits[--k];
	memcpy(buf + n, " allocations\n", 13);
	n += 13;
	(void)!write(2, buf, n);
}

static bool fails(size_t size)
{
	bool fail;

	if (!ready)
		return false;
	fail = size >= fail_min || __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED) > fail_after;
	if (fail && trace && __atomic_exchange_n(&traced, 1, __ATOMIC_RELAXED) == 0) {
		static const char msg[] = "failmalloc: the first allocation fails here\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		if (__sanitizer_print_stack_trace)
			__sanitizer_print_stack_trace();
	}
	return fail;
}

static bool from_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

void *malloc(size_t size)
{
	if (!next_malloc)
		resolve();
	if (!next_malloc)
		return boot_alloc(size);
	if (fails(size)) {
		errno = ENOMEM;
		return NULL;
	}
	return next_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	size_t total = n * size;

	if (size && total / size != n) {
		errno = ENOMEM;
		return NULL;
	}
	if (!next_malloc)
		resolve();
	if (!next_malloc)
		return boot_alloc(total); /* static memory is zero */
	if (fails(total)) {
		errno = ENOMEM;
		return NULL;
	}
	return next_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	if (!next_malloc)
		resolve();
	if (from_boot(p)) {
		void *q = malloc(size);
		size_t room = (size_t)(boot + sizeof(boot) - (char *)p);
		if (q)
			memcpy(q, p, size < room ? size : room);
		return q;
	}
	if (!next_realloc)
		return boot_alloc(size);
	if (size && fails(size)) {
		errno = ENOMEM;
		return NULL;
	}
	return next_realloc(p, size);
}

void *aligned_alloc(size_t align, size_t size)
{
	if (!next_malloc)
		resolve();
	if (fails(size)) {
		errno = ENOMEM;
		return NULL;
	}
	return next_aligned_alloc(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (!next_malloc)
		resolve();
	if (fails(size))
		return ENOMEM;
	return next_posix_memalign(out, align, size);
}

void *memalign(size_t align, size_t size)
{
	if (!next_malloc)
		resolve();
	if (fails(size)) {
		errno = ENOMEM;
		return NULL;
	}
	return next_memalign(align, size);
}

void free(void *p)
{
	if (!p || from_boot(p))
		return; /* the few boot blocks are never given back */
	if (next_free)
		next_free(p);
}

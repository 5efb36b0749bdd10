/*
 * testutil.h - shared helpers for the unit tests: temporary folders, files,
 * the deterministic test keys and a small sample bundle.
 */
#ifndef SAMPAN_TESTUTIL_H
#define SAMPAN_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "minisign.h"

/* The repository's top folder (from $SAMPAN_TOP, else "."). */
const char *tu_top(void);

/* A new empty folder under $TMPDIR; malloc'd path.  tu_rmrf removes it. */
char *tu_tempdir(void);
void tu_rmrf(const char *path);

/*
 * The temporary folder of each test of a group, as cmocka fixtures:
 * tu_dir_setup makes tu_dir, tu_dir_teardown removes it.
 */
extern char *tu_dir;
int tu_dir_setup(void **state);
int tu_dir_teardown(void **state);
/* Write text into tu_dir/name (creating folders); fails the test on error. */
void tu_dir_put(const char *name, const char *text);

/* path = dir + "/" + name; malloc'd. */
char *tu_path(const char *dir, const char *name);

/* Write len bytes to path (creating folders); fails the test on error. */
void tu_write(const char *path, const void *data, size_t len);
/* Read a whole file; malloc'd, NUL-terminated; fails the test on error. */
unsigned char *tu_read(const char *path, size_t *len);

/*
 * What a piece of code writes on stdout or stderr: tu_capture_begin sends
 * fd (STDOUT_FILENO or STDERR_FILENO, each at most once at a time) to a
 * temporary file, tu_capture_end puts it back and returns what was written
 * (malloc'd, NUL-terminated).  tu_stderr_begin/end: the same for stderr.
 */
void tu_capture_begin(int fd);
char *tu_capture_end(int fd);
#define tu_stderr_begin() tu_capture_begin(2)
#define tu_stderr_end() tu_capture_end(2)

/* A group's setup for tests that touch keys or passwords: libsodium started (minisign_init). */
int tu_sodium_setup(void **state);

/* The deterministic test key pair number n (1 or 2). */
void tu_key(int n, struct minisign_seckey **sk, struct minisign_pubkey *pk);

/* n bytes that look random (xorshift from seed): the same for the same seed. */
void tu_fill(unsigned char *p, size_t n, uint32_t seed);

/* A minimal valid course.json for id/version with the given lesson pages. */
char *tu_course_json(const char *id, const char *version);

/*
 * Write a small valid bundle to path, signed with key n: course.json,
 * index.html, lessons/01-intro.html, and, when big is non-zero, a stored
 * media/video.mp4 of big pseudo-random bytes.
 */
void tu_make_bundle(const char *path, int key, size_t big);
/* The same bundle for course id at version (org.example.pump 1.2 above). */
void tu_make_course(const char *path, const char *id, const char *version, int key, size_t big);

/* Assert a status and, when rule is not RULE_NONE, the rule of err. */
#define assert_rule(st, want_st, err, want_rule)                                            \
	do {                                                                                \
		enum bundle_status st_ = (st);                                              \
		if (st_ != (want_st) || (err).rule != (want_rule))                          \
			fail_msg("got status %d rule %s (%s), want status %d rule %s", st_, \
			         bundle_rule_name((err).rule), (err).message, (want_st),    \
			         bundle_rule_name(want_rule));                              \
	} while (0)

#define assert_ok(st, err)                                             \
	do {                                                           \
		enum bundle_status st_ = (st);                         \
		if (st_ != BUNDLE_OK)                                  \
			fail_msg("status %d: %s", st_, (err).message); \
	} while (0)

/* Fail the test, showing the text, when needle is not in hay (or is, for assert_lacks). */
#define assert_contains(hay, needle)                                         \
	do {                                                                 \
		if (!strstr((hay), (needle)))                                \
			fail_msg("'%s' not found in:\n%s", (needle), (hay)); \
	} while (0)

#define assert_lacks(hay, needle)                                                     \
	do {                                                                          \
		if (strstr((hay), (needle)))                                          \
			fail_msg("'%s' unexpectedly found in:\n%s", (needle), (hay)); \
	} while (0)

/* How many times needle stands in hay, overlapping ones counted. */
size_t tu_count_of(const char *hay, const char *needle);

#endif

/* testutil.c - shared helpers for the unit tests. */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "writer.h"

const char *tu_top(void)
{
	const char *t = getenv("SAMPAN_TOP");
	return t && *t ? t : ".";
}

char *tu_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;
	size_t n;

	if (!base || !*base)
		base = "/tmp";
	n = strlen(base) + 32;
	p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/sampan-test-XXXXXX", base);
	assert_non_null(mkdtemp(p));
	return p;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmrf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void make_parents(const char *path)
{
	char *p = strdup(path);

	assert_non_null(p);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		*s = '/';
	}
	free(p);
}

void tu_write(const char *path, const void *data, size_t len)
{
	FILE *f;

	make_parents(path);
	f = fopen(path, "wb");
	if (!f) {
		fail_msg("cannot write %s: %s", path, strerror(errno));
		return;
	}
	if (len && fwrite(data, 1, len, f) != len)
		fail_msg("short write to %s", path);
	fclose(f);
}

char *tu_dir;

int tu_dir_setup(void **state)
{
	(void)state;
	tu_dir = tu_tempdir();
	return 0;
}

int tu_dir_teardown(void **state)
{
	(void)state;
	tu_rmrf(tu_dir);
	free(tu_dir);
	tu_dir = NULL;
	return 0;
}

void tu_dir_put(const char *name, const char *text)
{
	char *path = tu_path(tu_dir, name);

	tu_write(path, text, strlen(text));
	free(path);
}

unsigned char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f) {
		fail_msg("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	if (n && fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read of %s", path);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The captures of stdout (1) and stderr (2): the fd put aside, and the file taking its place. */
static int saved_fd[3] = { -1, -1, -1 };
static FILE *captured[3];

void tu_capture_begin(int fd)
{
	assert_true(fd == 1 || fd == 2);
	assert_null(captured[fd]);
	fflush(stdout);
	fflush(stderr);
	captured[fd] = tmpfile();
	assert_non_null(captured[fd]);
	saved_fd[fd] = dup(fd);
	assert_true(saved_fd[fd] >= 0);
	assert_true(dup2(fileno(captured[fd]), fd) >= 0);
}

char *tu_capture_end(int fd)
{
	FILE *f;
	long n;
	char *s;

	assert_true(fd == 1 || fd == 2);
	f = captured[fd];
	assert_non_null(f);
	fflush(stdout);
	fflush(stderr);
	assert_true(dup2(saved_fd[fd], fd) >= 0);
	close(saved_fd[fd]);
	saved_fd[fd] = -1;
	n = ftell(f);
	assert_true(n >= 0);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	captured[fd] = NULL;
	return s;
}

int tu_sodium_setup(void **state)
{
	struct bundle_error err;

	(void)state;
	return minisign_init(&err) == BUNDLE_OK ? 0 : -1;
}

void tu_key(int n, struct minisign_seckey **sk, struct minisign_pubkey *pk)
{
	unsigned char seed[32], keyid[8];
	struct bundle_error err;

	assert_int_equal(minisign_init(&err), BUNDLE_OK);
	for (int i = 0; i < 32; i++)
		seed[i] = (unsigned char)(n * 31 + i);
	for (int i = 0; i < 8; i++)
		keyid[i] = (unsigned char)(n * 17 + i + 1);
	assert_int_equal(minisign_key_from_seed(seed, keyid, sk, pk, &err), BUNDLE_OK);
}

char *tu_course_json(const char *id, const char *version)
{
	static const char fmt[] =
	        "{\n"
	        "  \"sampan-bundle\": 1,\n"
	        "  \"id\": \"%s\",\n"
	        "  \"version\": \"%s\",\n"
	        "  \"language\": \"en\",\n"
	        "  \"languages\": [\"en\", \"th\"],\n"
	        "  \"title\": {\"en\": \"Water pump maintenance\", \"th\": \"การบำรุงรักษาปั๊มน้ำ\"},\n"
	        "  \"publisher\": {\"name\": \"Example TVET College\"},\n"
	        "  \"licence\": \"CC-BY-4.0\",\n"
	        "  \"start\": \"index.html\",\n"
	        "  \"lessons\": [\n"
	        "    {\"id\": \"01-intro\", \"title\": {\"en\": \"Introduction\"},\n"
	        "     \"page\": \"lessons/01-intro.html\"}\n"
	        "  ]\n"
	        "}\n";
	size_t n = sizeof(fmt) + strlen(id) + strlen(version);
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, fmt, id, version);
	return s;
}

void tu_fill(unsigned char *p, size_t n, uint32_t seed)
{
	uint32_t x = seed ? seed : 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
}

void tu_make_bundle(const char *path, int key, size_t big)
{
	tu_make_course(path, "org.example.pump", "1.2", key, big);
}

void tu_make_course(const char *path, const char *id, const char *version, int key, size_t big)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	char *cj = tu_course_json(id, version);
	static const char index_html[] = "<!doctype html><title>Pumps</title><h1>Pumps</h1>\n";
	static const char lesson[] = "<!doctype html><title>Intro</title><p>A pump moves water.</p>"
	                             "<p>A pump moves water.</p><p>A pump moves water.</p>\n";

	tu_key(key, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", index_html, sizeof(index_html) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", lesson, sizeof(lesson) - 1,
	                                 &err),
	          err);
	if (big) {
		unsigned char *v = malloc(big);
		assert_non_null(v);
		tu_fill(v, big, 2463534242u);
		assert_ok(bundle_writer_add_data(w, "media/video.mp4", v, big, &err), err);
		free(v);
	}
	assert_ok(bundle_writer_write(w, sk, path, NULL, &err), err);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
}

size_t tu_count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

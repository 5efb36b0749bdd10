/*
 * test_zipio.c - the library's door to libzip (bundle/zipio.c): an archive
 * written in the order given, each entry stored or deflated as asked, from
 * memory, a file or a range of another, every entry with the one time
 * given (the same items give the same bytes), and accepted by the strict
 * profile (container.c) and by libzip's own strict reading; a cancelled or
 * failed write leaves no file; the cross-check refuses what libzip does
 * not see alike.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bfile.h"
#include "container.h"
#include "format.h"
#include "zipio.h"

#define DOSTIME 0x6000 /* 12:00:00 */
#define DOSDATE 0x5a21 /* 2025-01-01 */

static const char lesson[] = "<!doctype html><title>Pumps</title><p>A pump moves water.</p>"
                             "<p>A pump moves water.</p><p>A pump moves water.</p>\n";
static unsigned char media[300000];

struct written {
	char *dir, *path, *source, *other;
	int other_fd;
	struct bfile other_file;
};

/* Write the sample archive of every kind of item to w->path; the status. */
static enum bundle_status write_sample(struct written *w, zipio_cancel cancel,
                                       struct bundle_error *err)
{
	struct zipio_item items[] = {
		{ "mimetype", 0, NULL, BUNDLE_MEDIA_TYPE, NULL, 0, sizeof(BUNDLE_MEDIA_TYPE) - 1 },
		{ "META-INF/MANIFEST", 1, NULL, "manifest\n", NULL, 0, 9 },
		{ "META-INF/MANIFEST.minisig", 0, NULL, "sig\n", NULL, 0, 4 },
		{ "META-INF/chunks", 0, NULL, "", NULL, 0, 0 },
		{ "META-INF/course.json", 1, NULL, "{}\n", NULL, 0, 3 },
		{ "index.html", 1, w->source, NULL, NULL, 0, 0 },
		{ "media/video.mp4", 0, NULL, NULL, &w->other_file, 1000, sizeof(media) - 2000 },
	};

	return zipio_write(w->path, items, sizeof(items) / sizeof(items[0]), DOSTIME, DOSDATE, NULL,
	                   cancel, NULL, err);
}

static void open_sample(struct written *w)
{
	tu_fill(media, sizeof(media), 7u);
	w->dir = tu_tempdir();
	w->path = tu_path(w->dir, "out.sampan");
	w->source = tu_path(w->dir, "index.html");
	w->other = tu_path(w->dir, "video.bin");
	tu_write(w->source, lesson, sizeof(lesson) - 1);
	tu_write(w->other, media, sizeof(media));
	w->other_fd = open(w->other, O_RDONLY);
	assert_true(w->other_fd >= 0);
	bfile_from_fd(&w->other_file, w->other_fd, sizeof(media));
}

static void close_sample(struct written *w)
{
	bfile_close(&w->other_file);
	close(w->other_fd);
	tu_rmrf(w->dir);
	free(w->dir);
	free(w->path);
	free(w->source);
	free(w->other);
}

static void entries_are_written_as_asked(void **state)
{
	static const struct {
		const char *name;
		uint16_t method;
		const void *data;
		size_t size;
	} want[] = {
		{ "mimetype", 0, BUNDLE_MEDIA_TYPE, sizeof(BUNDLE_MEDIA_TYPE) - 1 },
		{ "META-INF/MANIFEST", 8, "manifest\n", 9 },
		{ "META-INF/MANIFEST.minisig", 0, "sig\n", 4 },
		{ "META-INF/chunks", 0, "", 0 },
		{ "META-INF/course.json", 8, "{}\n", 3 },
		{ "index.html", 8, lesson, sizeof(lesson) - 1 },
		{ "media/video.mp4", 0, media + 1000, sizeof(media) - 2000 },
	};
	struct written w;
	struct bfile f;
	struct container c;
	struct bundle_error err;
	unsigned char *first, *again;
	size_t first_len, again_len;

	(void)state;
	open_sample(&w);
	assert_ok(write_sample(&w, NULL, &err), err);
	assert_ok(bfile_open(w.path, &f, &err), err);
	memset(&c, 0, sizeof(c));
	assert_ok(container_read(&f, CONTAINER_BUNDLE, &c, &err), err);
	assert_int_equal(c.count, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < c.count; i++) {
		const struct container_entry *e = &c.entries[i];

		assert_string_equal(e->name, want[i].name);
		assert_int_equal(e->method, want[i].method);
		assert_int_equal(e->size, want[i].size);
		assert_int_equal(e->dostime, DOSTIME);
		assert_int_equal(e->dosdate, DOSDATE);
		assert_int_equal(e->crc, crc32(0, want[i].data, (uInt)want[i].size));
		if (e->method == 0 && e->size) {
			unsigned char *got = malloc(e->size);
			assert_non_null(got);
			assert_ok(bfile_pread(&f, got, e->size, e->data_offset, &err), err);
			assert_memory_equal(got, want[i].data, e->size);
			free(got);
		}
	}
	/* libzip in its strictest mode sees the same entries */
	assert_ok(zipio_crosscheck(&f, &c, &err), err);
	/* and refuses an archive that differs from what the profile read (here: one CRC) */
	c.entries[5].crc ^= 1;
	assert_rule(zipio_crosscheck(&f, &c, &err), BUNDLE_INVALID, err, RULE_ZIP_INVALID);
	container_release(&c);
	bfile_close(&f);

	/* the same items give the same bytes */
	first = tu_read(w.path, &first_len);
	assert_ok(write_sample(&w, NULL, &err), err);
	again = tu_read(w.path, &again_len);
	assert_int_equal(first_len, again_len);
	assert_memory_equal(first, again, first_len);
	free(first);
	free(again);
	close_sample(&w);
}

static int cancel_now(void *ctx)
{
	(void)ctx;
	return 1;
}

static void a_write_that_fails_leaves_nothing(void **state)
{
	struct written w;
	struct bundle_error err;

	(void)state;
	open_sample(&w);
	/* Ctrl-C while the archive is written */
	assert_true(write_sample(&w, cancel_now, &err) != BUNDLE_OK);
	assert_int_equal(access(w.path, F_OK), -1);
	/* a file to add that went away */
	assert_int_equal(unlink(w.source), 0);
	assert_true(write_sample(&w, NULL, &err) != BUNDLE_OK);
	if (!strstr(err.message, "index.html"))
		fail_msg("'%s' does not name the file", err.message);
	assert_int_equal(access(w.path, F_OK), -1);
	close_sample(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_are_written_as_asked),
		cmocka_unit_test(a_write_that_fails_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_container.c - the strict ZIP profile of a bundle (bundle/container.c),
 * read before any signature is checked: a bundle's entries in file order and
 * found by name; and the rule named for a file that was cut short, grew
 * bytes before or after, is no ZIP at all, or is another kind of file.  The
 * format's vectors (test_vectors.c) hold a case for every rule; this table
 * is what a copy gone wrong on a stick does to a real bundle.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bfile.h"
#include "container.h"

static char *good;
static unsigned char *good_bytes;
static size_t good_len;

/* A test's own folder (tu_dir) with a real bundle, pump.sampan, and its bytes. */
static int setup(void **state)
{
	tu_sodium_setup(state);
	tu_dir_setup(state);
	good = tu_path(tu_dir, "pump.sampan");
	tu_make_bundle(good, 1, 100000);
	good_bytes = tu_read(good, &good_len);
	return 0;
}

static int teardown(void **state)
{
	free(good);
	free(good_bytes);
	return tu_dir_teardown(state);
}

static enum bundle_status read_file(const char *path, enum container_kind kind, struct container *c,
                                    struct bundle_error *err)
{
	struct bfile f;
	enum bundle_status st;

	memset(c, 0, sizeof(*c));
	st = bfile_open(path, &f, err);
	if (st != BUNDLE_OK)
		return st;
	st = container_read(&f, kind, c, err);
	bfile_close(&f);
	return st;
}

static void a_bundle_reads_in_order_and_by_name(void **state)
{
	static const char *const names[] = { "mimetype", "META-INF/MANIFEST",
		                             "META-INF/MANIFEST.minisig", "META-INF/chunks",
		                             "META-INF/course.json" };
	struct container c;
	struct bundle_error err;

	(void)state;
	assert_ok(read_file(good, CONTAINER_BUNDLE, &c, &err), err);
	assert_int_equal(c.kind, CONTAINER_BUNDLE);
	assert_int_equal(c.file_size, good_len);
	assert_true(c.count >= 8);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(c.entries[i].name, names[i]);
	for (size_t i = 0; i < c.count; i++) {
		const struct container_entry *e = &c.entries[i];
		assert_int_equal(container_find(&c, e->name, e->name_len), i);
		/* every entry's data lies inside the file, before the central directory */
		assert_true(e->data_offset + e->comp_size <= c.cd_offset);
	}
	assert_int_equal(container_find(&c, "media/video.mp4", 15) != CONTAINER_NOT_FOUND, 1);
	assert_int_equal(container_find(&c, "media/video.mp", 14), CONTAINER_NOT_FOUND);
	assert_int_equal(container_find(&c, "MEDIA/VIDEO.MP4", 15), CONTAINER_NOT_FOUND);
	assert_int_equal(container_find(&c, "", 0), CONTAINER_NOT_FOUND);
	container_release(&c);
}

static void a_damaged_copy_names_its_rule(void **state)
{
	static const struct {
		const char *what;
		size_t cut; /* bytes kept from the end: 0 keeps all */
		const char *before, *after; /* bytes added */
		enum container_kind kind;
		enum bundle_rule rule;
	} rows[] = {
		{ "an empty file", (size_t)-1, NULL, NULL, CONTAINER_BUNDLE, RULE_NOT_ZIP },
		{ "cut in its last byte", 1, NULL, NULL, CONTAINER_BUNDLE, RULE_NOT_ZIP },
		{ "cut in its central directory", 200, NULL, NULL, CONTAINER_BUNDLE, RULE_NOT_ZIP },
		{ "cut in half", 50000, NULL, NULL, CONTAINER_BUNDLE, RULE_NOT_ZIP },
		{ "bytes after it", 0, NULL, "\n", CONTAINER_BUNDLE, RULE_TRAILING_BYTES },
		/* its offsets unchanged (a shifted prefix is the vectors' PREFIX_BYTES) */
		{ "bytes before it", 0, "#!/bin/sh\n", NULL, CONTAINER_BUNDLE, RULE_GAP },
		{ "a bundle read as an update", 0, NULL, NULL, CONTAINER_UPDATE,
		  RULE_MIMETYPE_INVALID },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *path = tu_path(tu_dir, "copy.sampan");
		size_t keep = rows[i].cut == (size_t)-1 ? 0 : good_len - rows[i].cut;
		size_t bl = rows[i].before ? strlen(rows[i].before) : 0;
		size_t al = rows[i].after ? strlen(rows[i].after) : 0;
		unsigned char *bytes = malloc(bl + good_len + al + 1);
		struct container c;
		struct bundle_error err;
		enum bundle_status st;

		assert_non_null(bytes);
		memcpy(bytes, rows[i].before ? rows[i].before : "", bl);
		memcpy(bytes + bl, good_bytes, keep);
		memcpy(bytes + bl + keep, rows[i].after ? rows[i].after : "", al);
		tu_write(path, bytes, bl + keep + al);
		st = read_file(path, rows[i].kind, &c, &err);
		if (st != BUNDLE_INVALID || err.rule != rows[i].rule)
			fail_msg("%s: status %d rule %s (%s), want %s", rows[i].what, st,
			         bundle_rule_name(err.rule), err.message,
			         bundle_rule_name(rows[i].rule));
		/* the message says what is wrong in words too */
		assert_true(strlen(err.message) > 10);
		container_release(&c);
		free(bytes);
		free(path);
	}
}

static void a_read_past_the_end_is_an_io_error(void **state)
{
	int fd = open(good, O_RDONLY);
	unsigned char buf[64];
	struct bundle_error err;

	(void)state;
	assert_true(fd >= 0);
	assert_ok(container_pread(fd, buf, sizeof(buf), 0, &err), err);
	assert_memory_equal(buf, good_bytes, sizeof(buf));
	assert_ok(container_pread(fd, buf, 10, good_len - 10, &err), err);
	assert_rule(container_pread(fd, buf, 10, good_len - 5, &err), BUNDLE_IO, err, RULE_NONE);
	assert_non_null(strstr(err.message, "shrank"));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_bundle_reads_in_order_and_by_name, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_damaged_copy_names_its_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(a_read_past_the_end_is_an_io_error, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

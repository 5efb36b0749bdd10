/*
 * test_outfile.c - the one atomic file writer (bundle/outfile.c): a file
 * appears whole with the mode a new file gets, an existing one is replaced
 * only when asked, and a failure leaves nothing behind.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

/* How many names dir holds, "." and ".." aside. */
static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void a_new_file_appears_whole_with_its_mode(void **state)
{
	char *dir = tu_tempdir(), *path = tu_path(dir, "producer.pub"),
	     *key = tu_path(dir, "k.key");
	struct bundle_error err;
	struct stat sb;
	unsigned char *got;
	size_t len;
	bool existed = true;
	mode_t old = umask(022);

	(void)state;
	assert_ok(outfile_write(path, "public\n", 7, 0666, false, &existed, &err), err);
	assert_false(existed);
	got = tu_read(path, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(got, "public\n", 7);
	free(got);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	assert_ok(outfile_write(key, "secret\n", 7, 0600, false, NULL, &err), err);
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	umask(002);
	assert_ok(outfile_write(path, "", 0, 0666, true, NULL, &err), err);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0664);
	assert_int_equal(sb.st_size, 0);
	umask(old);
	assert_int_equal(count_entries(dir), 2); /* no temporary file left */
	free(path);
	free(key);
	tu_rmrf(dir);
	free(dir);
}

static void an_existing_file_is_replaced_only_when_asked(void **state)
{
	char *dir = tu_tempdir(), *path = tu_path(dir, "k.pub");
	struct bundle_error err;
	unsigned char *got;
	size_t len;
	bool existed = false;

	(void)state;
	tu_write(path, "old", 3);
	assert_rule(outfile_write(path, "new", 3, 0666, false, &existed, &err), BUNDLE_INVALID, err,
	            RULE_NONE);
	assert_true(existed);
	assert_non_null(strstr(err.message, "already exists"));
	got = tu_read(path, &len);
	assert_memory_equal(got, "old", 3);
	free(got);
	assert_int_equal(count_entries(dir), 1);
	assert_ok(outfile_write(path, "new", 3, 0666, true, &existed, &err), err);
	assert_false(existed);
	got = tu_read(path, &len);
	assert_memory_equal(got, "new", 3);
	free(got);
	assert_int_equal(count_entries(dir), 1);
	free(path);
	tu_rmrf(dir);
	free(dir);
}

static void a_failure_names_the_file_and_leaves_nothing(void **state)
{
	char *dir = tu_tempdir(), *path = tu_path(dir, "missing/out.sampan");
	struct bundle_error err;

	(void)state;
	assert_rule(outfile_write(path, "x", 1, 0666, true, NULL, &err), BUNDLE_IO, err, RULE_NONE);
	assert_non_null(strstr(err.message, path));
	assert_int_equal(count_entries(dir), 0);
	free(path);
	tu_rmrf(dir);
	free(dir);
}

static void pieces_then_commit_or_discard(void **state)
{
	char *dir = tu_tempdir(), *path = tu_path(dir, "pump.sampan"), *tmp = NULL;
	struct bundle_error err;
	int fd;

	(void)state;
	fd = outfile_temp(path, 0666, &tmp, &err);
	assert_true(fd >= 0);
	assert_non_null(strstr(tmp, "/.pump.sampan.tmp-"));
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(access(path, F_OK), -1); /* not there before the commit */
	outfile_discard(tmp);
	assert_int_equal(count_entries(dir), 0);
	fd = outfile_temp(path, 0666, &tmp, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_ok(outfile_commit(tmp, path, true, NULL, &err), err);
	free(tmp);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(count_entries(dir), 1);
	outfile_discard(NULL);
	free(path);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_file_appears_whole_with_its_mode),
		cmocka_unit_test(an_existing_file_is_replaced_only_when_asked),
		cmocka_unit_test(a_failure_names_the_file_and_leaves_nothing),
		cmocka_unit_test(pieces_then_commit_or_discard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

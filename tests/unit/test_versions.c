/*
 * test_versions.c - the memory of the highest versions served (player/versions.c):
 * only ever raised, per course and signer; written and read back; a file some
 * person or stick changed read for what it still says; the folder made.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "versions.h"

static const unsigned char key_a[MINISIGN_KEYID_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const unsigned char key_b[MINISIGN_KEYID_SIZE] = { 8, 7, 6, 5, 4, 3, 2, 1 };

static void raised_never_lowered_per_signer(void **state)
{
	(void)state;
	struct versions v;

	memset(&v, 0, sizeof(v));
	assert_null(versions_get(&v, "org.example.pump", key_a));
	assert_true(versions_raise(&v, "org.example.pump", key_a, "1.2"));
	assert_true(v.dirty);
	assert_true(versions_raise(&v, "org.example.pump", key_a, "1.10"));
	assert_string_equal(versions_get(&v, "org.example.pump", key_a), "1.10");
	v.dirty = false;
	assert_true(versions_raise(&v, "org.example.pump", key_a, "1.9"));
	assert_false(v.dirty); /* lower: nothing changes */
	assert_string_equal(versions_get(&v, "org.example.pump", key_a), "1.10");
	/* another signer's course of the same id is another course */
	assert_null(versions_get(&v, "org.example.pump", key_b));
	assert_true(versions_raise(&v, "org.example.pump", key_b, "0.1"));
	assert_string_equal(versions_get(&v, "org.example.pump", key_b), "0.1");
	/* many, in any order: found again */
	for (int i = 0; i < 200; i++) {
		char id[32];
		snprintf(id, sizeof(id), "org.example.c%03d", (i * 37) % 200);
		assert_true(versions_raise(&v, id, key_a, "2.0"));
	}
	assert_int_equal(v.count, 202);
	assert_string_equal(versions_get(&v, "org.example.c123", key_a), "2.0");
	versions_release(&v);
}

static void written_and_read_back(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *cache = tu_path(dir, "a/b/cache"), *file;
	struct versions v, w;
	struct bundle_error err;
	struct stat sb;
	unsigned char *text;

	memset(&v, 0, sizeof(v));
	assert_ok(versions_open(&v, cache, &err), err); /* the folders are made */
	assert_int_equal(stat(cache, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(v.count, 0);
	assert_true(versions_raise(&v, "org.example.pump", key_a, "1.2"));
	assert_true(versions_raise(&v, "org.example.weld", key_b, "3.0.1"));
	assert_true(versions_save(&v, cache));
	file = tu_path(cache, "versions.tsv");
	text = tu_read(file, NULL);
	assert_non_null(strstr((char *)text, "org.example.pump\t"));
	assert_non_null(strstr((char *)text, "\t1.2\n"));
	free(text);
	memset(&w, 0, sizeof(w));
	assert_ok(versions_open(&w, cache, &err), err);
	assert_int_equal(w.count, 2);
	assert_false(w.dirty);
	assert_string_equal(versions_get(&w, "org.example.pump", key_a), "1.2");
	assert_string_equal(versions_get(&w, "org.example.weld", key_b), "3.0.1");
	versions_release(&w);
	versions_release(&v);
	/* a folder that cannot be made: an error naming it */
	tu_write(file, "x", 1);
	{
		char *under = tu_path(file, "sub");
		memset(&v, 0, sizeof(v));
		assert_int_equal(versions_open(&v, under, &err), BUNDLE_IO);
		assert_non_null(strstr(err.message, "versions.tsv"));
		versions_release(&v);
		free(under);
	}
	tu_rmrf(dir);
	free(file);
	free(cache);
	free(dir);
}

static void a_changed_file_is_read_for_what_it_still_says(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *file = tu_path(dir, "versions.tsv");
	struct versions v;
	struct bundle_error err;
	static const char text[] =
	        "org.example.good\t0807060504030201\t1.5\r\n"
	        "no tabs at all\n"
	        "org.example.short\t0102\t1.0\n"
	        "org.example.badkey\tzz07060504030201\t1.0\n"
	        "org.example.badver\t0807060504030201\tnot a version!\n"
	        "Bad Id With Spaces\t0807060504030201\t1.0\n"
	        "\n"
	        "org.example.last\t0807060504030201\t2.0"; /* no newline at the end */

	tu_write(file, text, sizeof(text) - 1);
	memset(&v, 0, sizeof(v));
	assert_ok(versions_open(&v, dir, &err), err);
	assert_int_equal(v.count, 2);
	assert_string_equal(versions_get(&v, "org.example.good", key_a), "1.5");
	assert_string_equal(versions_get(&v, "org.example.last", key_a), "2.0");
	versions_release(&v);
	tu_rmrf(dir);
	free(file);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raised_never_lowered_per_signer),
		cmocka_unit_test(written_and_read_back),
		cmocka_unit_test(a_changed_file_is_read_for_what_it_still_says),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

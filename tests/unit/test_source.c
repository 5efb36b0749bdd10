/*
 * test_source.c - a course given as a folder or an archive of one
 * (builder/source.c): the course folder found at the archive's root or in its
 * single top folder, extracted safely, and removed again; hostile archives
 * refused with the entry named.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

static int setup(void **state)
{
	tu_dir_setup(state);
	tu_dir_put("course/course.yml", "id: org.example.x\n");
	tu_dir_put("course/lessons/01.md", "# One\n");
	return 0;
}

/* Run a shell command in tu_dir; fails the test when it fails. */
static void sh(const char *cmd)
{
	char line[2048];

	snprintf(line, sizeof line, "cd '%s' && %s >/dev/null 2>&1", tu_dir, cmd);
	assert_int_equal(system(line), 0);
}

static void a_folder_is_the_course_itself(void **state)
{
	char *course = tu_path(tu_dir, "course");
	struct bundle_error err;
	struct source s;

	(void)state;
	assert_ok(source_open(course, &s, &err), err);
	assert_string_equal(s.dir, course);
	assert_null(s.tmp);
	source_close(&s);
	free(course);
}

/* The archive at name (in tu_dir) opens to a folder holding course.yml and lessons/01.md. */
static void expect_course_in(const char *name)
{
	char *path = tu_path(tu_dir, name), *yml, *tmp;
	struct bundle_error err;
	struct source s;
	struct stat sb;

	assert_ok(source_open(path, &s, &err), err);
	assert_non_null(s.tmp);
	yml = tu_path(s.dir, "lessons/01.md");
	assert_int_equal(stat(yml, &sb), 0);
	free(yml);
	tmp = strdup(s.tmp);
	source_close(&s);
	assert_int_equal(stat(tmp, &sb), -1); /* the temporary folder is gone */
	free(tmp);
	free(path);
}

static void an_archive_of_the_folder_or_of_its_contents(void **state)
{
	(void)state;
	sh("tar -czf top.tar.gz course");
	expect_course_in("top.tar.gz");
	sh("cd course && tar -cJf ../root.tar.xz .");
	expect_course_in("root.tar.xz");
	sh("cd course && zip -qr ../root.zip .");
	expect_course_in("root.zip");
}

static void expect_refused(const char *name, const char *reason)
{
	char *path = tu_path(tu_dir, name);
	struct bundle_error err;
	struct source s;

	assert_int_equal(source_open(path, &s, &err), BUNDLE_INVALID);
	if (!strstr(err.message, reason))
		fail_msg("%s: '%s' not in '%s'", name, reason, err.message);
	free(path);
}

static void hostile_and_other_files_are_refused(void **state)
{
	char *outside;
	struct bundle_error err;
	struct source s;

	(void)state;
	/* an entry that climbs out of the folder */
	sh("python3 -c 'import io, tarfile\n"
	   "t = tarfile.open(\"dotdot.tar.gz\", \"w:gz\")\n"
	   "t.add(\"course/course.yml\", \"course.yml\")\n"
	   "i = tarfile.TarInfo(\"../escape.txt\"); i.size = 1\n"
	   "t.addfile(i, io.BytesIO(b\"x\"))\n"
	   "t.close()'");
	expect_refused("dotdot.tar.gz", "escape");
	/* a symbolic link */
	sh("mkdir -p linked && cp -r course/* linked/ && ln -s /etc linked/media && "
	   "tar -czf symlink.tar.gz linked");
	expect_refused("symlink.tar.gz", "not a regular file");
	/* not an archive at all */
	sh("echo text >notes.txt");
	expect_refused("notes.txt", "neither a folder nor an archive");
	/* nothing was written outside the folder it is extracted into, in $TMPDIR */
	outside = tu_path(getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
	                  "escape.txt");
	assert_int_equal(access(outside, F_OK), -1);
	free(outside);
	/* a path that is not there */
	outside = tu_path(tu_dir, "no-such-course");
	assert_int_equal(source_open(outside, &s, &err), BUNDLE_IO);
	free(outside);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_folder_is_the_course_itself),
		cmocka_unit_test(an_archive_of_the_folder_or_of_its_contents),
		cmocka_unit_test(hostile_and_other_files_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, tu_dir_teardown);
}

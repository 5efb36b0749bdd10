/*
 * test_links.c - what a URL in a lesson points at, relative URLs between
 * bundle paths, subtitle tracks beside a video and media kinds
 * (builder/links.c).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "links.h"

/* A course in memory: files sorted by path, as course_src_load leaves them. */
static const char *const file_names[] = {
	"lessons/01-intro.md",     "lessons/02-tools.md",
	"lessons/img/diagram.png", "lessons/notes.md",
	"media/pump a#1.png",      "media/pump.TH.vtt",
	"media/pump.en.vtt",       "media/pump.mp4",
	"media/pump.old.en.vtt",   "media/pump.th.vtt",
	"media/pump.zh-Hans.vtt",  "media/pumpkin.en.vtt",
	"media/sub/pump.en.vtt",   "media/\xe0\xb8\x9b\xe0\xb8\xb1\xe0\xb9\x8a\xe0\xb8\xa1.png",
};

static struct course_src course;

static char *dup(const char *s)
{
	char *d = strdup(s);
	assert_non_null(d);
	return d;
}

static int setup(void **state)
{
	static const char *const lesson_files[] = { "lessons/01-intro.md", "lessons/02-tools.md" };
	size_t n = sizeof(file_names) / sizeof(file_names[0]);

	(void)state;
	memset(&course, 0, sizeof(course));
	course.root = dup("/nonexistent");
	course.language = dup("th");
	course.files = calloc(n, sizeof(*course.files));
	course.lessons = calloc(2, sizeof(*course.lessons));
	assert_non_null(course.files);
	assert_non_null(course.lessons);
	for (size_t i = 0; i < n; i++) {
		course.files[i].path = dup(file_names[i]);
		course.files[i].size = 10;
	}
	course.files_count = n;
	for (size_t i = 0; i < 2; i++) {
		char page[64];
		snprintf(page, sizeof(page), "%.*s.html", (int)strlen(lesson_files[i]) - 3,
		         lesson_files[i]);
		course.lessons[i].file = dup(lesson_files[i]);
		course.lessons[i].page = dup(page);
		course.lessons[i].id = dup(lesson_files[i] + 8);
	}
	course.lessons_count = 2;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	course_src_release(&course);
	return 0;
}

static void set_language(const char *lang)
{
	free(course.language);
	course.language = dup(lang);
}

#define FROM "lessons/01-intro.md"

static void expect(const char *url, enum link_kind kind, const char *path, const char *fragment)
{
	struct link l;

	link_resolve(&course, FROM, url, &l);
	if (l.kind != kind)
		fail_msg("'%s': kind %d, want %d", url, l.kind, kind);
	if ((path == NULL) != (l.path == NULL) || (path && strcmp(path, l.path) != 0))
		fail_msg("'%s': path '%s', want '%s'", url, l.path ? l.path : "(null)",
		         path ? path : "(null)");
	if ((fragment == NULL) != (l.fragment == NULL) ||
	    (fragment && strcmp(fragment, l.fragment) != 0))
		fail_msg("'%s': fragment '%s', want '%s'", url, l.fragment ? l.fragment : "(null)",
		         fragment ? fragment : "(null)");
	link_release(&l);
}

static void test_anchors_and_lessons(void **state)
{
	struct link l;

	(void)state;
	expect("#safety-rules", LINK_ANCHOR, NULL, "safety-rules");
	expect("#%E0%B8%9B", LINK_ANCHOR, NULL, "\xe0\xb8\x9b");
	expect("#", LINK_ANCHOR, NULL, "");
	expect("02-tools.md", LINK_LESSON, "lessons/02-tools.md", NULL);
	expect("02-tools.md#fuses", LINK_LESSON, "lessons/02-tools.md", "fuses");
	expect("./02-tools.md", LINK_LESSON, "lessons/02-tools.md", NULL);
	expect("../lessons/img/../02-tools.md", LINK_LESSON, "lessons/02-tools.md", NULL);
	expect("01-intro.md#x", LINK_LESSON, "lessons/01-intro.md", "x");
	link_resolve(&course, FROM, "02-tools.md#a", &l);
	assert_ptr_equal(l.lesson, &course.lessons[1]);
	assert_ptr_equal(l.file, &course.files[1]);
	link_release(&l);
}

static void test_files_and_decoding(void **state)
{
	struct link l;

	(void)state;
	expect("../media/pump.mp4", LINK_FILE, "media/pump.mp4", NULL);
	expect("../media/pump.mp4#t=10", LINK_FILE, "media/pump.mp4", "t=10");
	expect("../media/pump%20a%231.png", LINK_FILE, "media/pump a#1.png", NULL);
	expect("img/diagram.png", LINK_FILE, "lessons/img/diagram.png", NULL);
	/* Non-ASCII as written or percent-encoded. */
	expect("../media/\xe0\xb8\x9b\xe0\xb8\xb1\xe0\xb9\x8a\xe0\xb8\xa1.png", LINK_FILE,
	       "media/\xe0\xb8\x9b\xe0\xb8\xb1\xe0\xb9\x8a\xe0\xb8\xa1.png", NULL);
	expect("../media/%E0%B8%9B%E0%B8%B1%E0%B9%8A%E0%B8%A1.png", LINK_FILE,
	       "media/\xe0\xb8\x9b\xe0\xb8\xb1\xe0\xb9\x8a\xe0\xb8\xa1.png", NULL);
	/* An unlisted .md is a file, not a lesson. */
	link_resolve(&course, FROM, "notes.md", &l);
	assert_int_equal(l.kind, LINK_FILE);
	assert_null(l.lesson);
	assert_ptr_equal(l.file, &course.files[3]);
	link_release(&l);
}

static void test_teacher_pages(void **state)
{
	struct link l;

	(void)state;
	/* notes.md listed under course.yml's teacher: a teacher page, not a file. */
	course.teachers = calloc(1, sizeof(*course.teachers));
	assert_non_null(course.teachers);
	course.teachers[0].file = dup("lessons/notes.md");
	course.teachers[0].page = dup("teacher/lessons/notes.html");
	course.teachers[0].teacher = true;
	course.teachers_count = 1;
	link_resolve(&course, FROM, "notes.md#answers", &l);
	assert_int_equal(l.kind, LINK_TEACHER);
	assert_ptr_equal(l.lesson, &course.teachers[0]);
	assert_ptr_equal(l.file, &course.files[3]);
	assert_string_equal(l.fragment, "answers");
	link_release(&l);
	expect("02-tools.md", LINK_LESSON, "lessons/02-tools.md", NULL);
	/* A page of the lesson folder, made relative from the teacher page's place. */
	{
		char *href =
		        link_relative("teacher/lessons/notes.html", "lessons/02-tools.html", NULL);
		assert_string_equal(href, "../../lessons/02-tools.html");
		free(href);
	}
	free(course.teachers[0].file);
	free(course.teachers[0].page);
	free(course.teachers);
	course.teachers = NULL;
	course.teachers_count = 0;
}

static void test_missing(void **state)
{
	(void)state;
	expect("../media/pump.webm", LINK_MISSING, "media/pump.webm", NULL);
	expect("03-more.md#x", LINK_MISSING, "lessons/03-more.md", "x");
	expect("../Media/pump.mp4", LINK_MISSING, "Media/pump.mp4", NULL);
	expect("02-tools.html", LINK_MISSING, "lessons/02-tools.html", NULL);
}

static void test_external_and_contact(void **state)
{
	(void)state;
	expect("http://example.org/x.png", LINK_EXTERNAL, NULL, NULL);
	expect("HTTPS://example.org", LINK_EXTERNAL, NULL, NULL);
	expect("//cdn.example.org/x.js", LINK_EXTERNAL, NULL, NULL);
	expect("ftp://example.org/f", LINK_EXTERNAL, NULL, NULL);
	expect("javascript:alert(1)", LINK_EXTERNAL, NULL, NULL);
	expect("data:image/png;base64,AAAA", LINK_EXTERNAL, NULL, NULL);
	expect("file:///C:/Users/me/pump.png", LINK_EXTERNAL, NULL, NULL);
	expect("mailto:media@example.org", LINK_CONTACT, NULL, NULL);
	expect("tel:+66-2-000-0000", LINK_CONTACT, NULL, NULL);
	expect("MailTo:x@example.org", LINK_CONTACT, NULL, NULL);
}

static void test_invalid(void **state)
{
	(void)state;
	expect("", LINK_INVALID, NULL, NULL);
	expect("../../etc/passwd", LINK_INVALID, NULL, NULL);
	expect("..", LINK_INVALID, NULL, NULL);
	expect("../", LINK_INVALID, NULL, NULL);
	expect("/media/pump.mp4", LINK_INVALID, NULL, NULL);
	expect("..\\media\\pump.mp4", LINK_INVALID, NULL, NULL);
	expect("../media/pump.mp4?x=1", LINK_INVALID, NULL, NULL);
	expect("../media/%zz.png", LINK_INVALID, NULL, NULL);
	expect("../media/a%00.png", LINK_INVALID, NULL, NULL);
	expect("../media/a%2", LINK_INVALID, NULL, NULL);
	expect("../media//pump.mp4", LINK_INVALID, NULL, NULL);
	expect("../media/", LINK_INVALID, NULL, NULL);
	expect("../media/con.png", LINK_INVALID, NULL, NULL);
	expect("%2E%2E/%2E%2E/x", LINK_INVALID, NULL, NULL);
}

static void expect_relative(const char *from, const char *to, const char *frag, const char *want)
{
	char *got = link_relative(from, to, frag);

	if (strcmp(got, want) != 0)
		fail_msg("%s -> %s: '%s', want '%s'", from, to, got, want);
	free(got);
}

static void test_relative(void **state)
{
	(void)state;
	expect_relative("lessons/01.html", "lessons/02.html", NULL, "02.html");
	expect_relative("lessons/01.html", "lessons/02.html", "fuses", "02.html#fuses");
	expect_relative("lessons/01.html", "lessons/01.html", "fuses", "#fuses");
	expect_relative("lessons/01.html", "lessons/01.html", NULL, "01.html");
	expect_relative("lessons/01.html", "media/pump.mp4", NULL, "../media/pump.mp4");
	expect_relative("lessons/a/b/01.html", "lessons/x/y.png", NULL, "../../x/y.png");
	expect_relative("index.html", "lessons/01.html", NULL, "lessons/01.html");
	expect_relative("lessons/01.html", "index.html", NULL, "../index.html");
	expect_relative("lessons/01.html", "lessonsX/a.png", NULL, "../lessonsX/a.png");
	expect_relative("lessons/01.html", "lessons/img/a.png", NULL, "img/a.png");
	expect_relative("index.html", "_sampan/style.css", NULL, "_sampan/style.css");
	expect_relative("lessons/01.html", "media/pump a#1%?.png", "a b#c",
	                "../media/pump%20a%231%25%3F.png#a%20b%23c");
	expect_relative("lessons/01.html", "media/\xe0\xb8\x9b.png", "\xe0\xb8\x81",
	                "../media/\xe0\xb8\x9b.png#\xe0\xb8\x81");
}

static void test_tracks(void **state)
{
	struct media_track *t;
	size_t n;

	(void)state;
	n = media_tracks(&course, "media/pump.mp4", &t);
	/* th (the course's language) first, then en, zh-Hans; not pump.TH, pump.old.en,
	 * pumpkin.en or sub/pump.en. */
	assert_int_equal(n, 3);
	assert_string_equal(t[0].lang, "th");
	assert_string_equal(t[0].path, "media/pump.th.vtt");
	assert_string_equal(t[1].lang, "en");
	assert_string_equal(t[1].path, "media/pump.en.vtt");
	assert_string_equal(t[2].lang, "zh-Hans");
	media_tracks_free(t, n);

	set_language("zh-Hans");
	n = media_tracks(&course, "media/pump.mp4", &t);
	assert_int_equal(n, 3);
	assert_string_equal(t[0].lang, "zh-Hans");
	assert_string_equal(t[1].lang, "en");
	assert_string_equal(t[2].lang, "th");
	media_tracks_free(t, n);
	set_language("th");

	n = media_tracks(&course, "media/other.mp4", &t);
	assert_int_equal(n, 0);
	media_tracks_free(t, n);
}

static void test_media_kinds(void **state)
{
	(void)state;
	assert_true(media_is_video("media/a.mp4"));
	assert_true(media_is_video("media/a.M4V"));
	assert_true(media_is_video("a.webm"));
	assert_true(media_is_video("a.ogv"));
	assert_false(media_is_video("a.mp3"));
	assert_false(media_is_video("mp4"));
	assert_false(media_is_video("media.mp4/a"));
	assert_true(media_is_audio("a.mp3"));
	assert_true(media_is_audio("a.opus"));
	assert_true(media_is_audio("a.WAV"));
	assert_false(media_is_audio("a.mp4"));
	assert_true(media_is_image("a.svg"));
	assert_true(media_is_image("a.JPEG"));
	assert_true(media_is_image("a.avif"));
	assert_false(media_is_image("a.pdf"));
	assert_false(media_is_image(".png"));
	assert_false(media_is_image("a.pngx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anchors_and_lessons),
		cmocka_unit_test(test_files_and_decoding),
		cmocka_unit_test(test_teacher_pages),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_external_and_contact),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_tracks),
		cmocka_unit_test(test_media_kinds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_lint.c - every check of `sampan-build check` on course folders built
 * in a temporary folder: a clean course gives no problem, each planted
 * problem is reported at its file, line and level; and the check command's
 * output and exit codes (builder/lint.c, builder/cmd_check.c).
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "course_src.h"
#include "lint.h"
#include "problems.h"

static void put_bytes(const char *name, const void *data, size_t n)
{
	char *path = tu_path(tu_dir, name);
	tu_write(path, data, n);
	free(path);
}

static void put(const char *name, const char *text)
{
	put_bytes(name, text, strlen(text));
}

/* ---- media written by hand ---- */

static void png(const char *name)
{
	static const unsigned char b[] = { 0x89, 'P',  'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0,
		                           13,   'I',  'H', 'D', 'R',  0,    0,    1,    0, 0, 0,
		                           0,    0x80, 8,   6,   0,    0,    0,    0,    0, 0, 0 };
	put_bytes(name, b, sizeof(b));
}

struct bytes {
	unsigned char d[1024];
	size_t n;
};

static void box(struct bytes *b, const char *type, size_t payload)
{
	uint32_t size = (uint32_t)(8 + payload);

	assert_true(b->n + 8 + payload <= sizeof(b->d));
	b->d[b->n++] = (unsigned char)(size >> 24);
	b->d[b->n++] = (unsigned char)(size >> 16);
	b->d[b->n++] = (unsigned char)(size >> 8);
	b->d[b->n++] = (unsigned char)size;
	memcpy(b->d + b->n, type, 4);
	b->n += 4;
	memset(b->d + b->n, 0, payload);
	b->n += payload;
}

/* ftyp, then moov and mdat in that order (fast) or the other (slow). */
static void mp4(const char *name, bool fast)
{
	struct bytes b = { .n = 0 };

	box(&b, "ftyp", 16);
	memcpy(b.d + 8, "isom", 4);
	if (fast)
		box(&b, "moov", 8);
	box(&b, "mdat", 64);
	if (!fast)
		box(&b, "moov", 8);
	put_bytes(name, b.d, b.n);
}

/* ---- courses ---- */

static const char clean_yml[] = "id: org.example.safety\n"
                                "version: '1.0'\n"
                                "language: th\n"
                                "title: {th: ความปลอดภัย, en: Safety}\n"
                                "publisher: {name: Example College}\n"
                                "licence: CC-BY-4.0\n"
                                "lessons:\n"
                                "  - lessons/01-safety.md\n"
                                "  - lessons/02-tools.md\n";

static const char lesson1[] = "# Safety rules\n"
                              "\n"
                              "See [the fuses](02-tools.md#fuses) and [below](#ppe).\n"
                              "\n"
                              "![Voltage tester](../media/tester.png)\n"
                              "\n"
                              "![Changing a seal](../media/pump.mp4)\n"
                              "\n"
                              "[Worksheet](../media/work%20sheet.pdf), "
                              "[mail us](mailto:a@example.org).\n"
                              "\n"
                              "## PPE\n"
                              "\n"
                              "Wear gloves.\n";

static const char lesson2[] = "# Tools\n"
                              "\n"
                              "## Fuses\n"
                              "\n"
                              "Back to [safety](./01-safety.md#safety-rules).\n";

static void make_clean(void)
{
	tu_rmrf(tu_dir);
	free(tu_dir);
	tu_dir = tu_tempdir();
	put("course.yml", clean_yml);
	put("lessons/01-safety.md", lesson1);
	put("lessons/02-tools.md", lesson2);
	png("media/tester.png");
	mp4("media/pump.mp4", true);
	put("media/pump.th.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nปิดวาล์ว\n");
	put("media/pump.en.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nClose the valve\n");
	put("media/work sheet.pdf", "%PDF-1.4\n");
}

static void dump(const struct problems *p)
{
	for (size_t i = 0; i < p->count; i++)
		print_message("  %s:%u:%u: %s: %s\n", p->v[i].file, p->v[i].line, p->v[i].col,
		              p->v[i].level == PROBLEM_ERROR ? "error" : "warning",
		              p->v[i].message);
}

static void run_lint_as(struct problems *p, bool strict)
{
	struct course_src c;

	problems_init(p);
	assert_true(course_src_load(tu_dir, &c, p));
	lint_course(&c, strict, p);
	course_src_release(&c);
	problems_sort(p);
}

static void run_lint(struct problems *p)
{
	run_lint_as(p, false);
}

/* The problem at file:line whose message contains text, or a failure; it is marked found. */
static void expect(struct problems *p, enum problem_level level, const char *file, unsigned line,
                   const char *text)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->v[i].level == level && strcmp(p->v[i].file, file) == 0 &&
		    p->v[i].line == line && strstr(p->v[i].message, text)) {
			p->v[i].col = 9999; /* found */
			return;
		}
	dump(p);
	fail_msg("no %s at %s:%u containing '%s'", level == PROBLEM_ERROR ? "error" : "warning",
	         file, line, text);
}

/* Every problem was expected. */
static void expect_no_more(const struct problems *p)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->v[i].col != 9999) {
			dump(p);
			fail_msg("unexpected: %s:%u: %s", p->v[i].file, p->v[i].line,
			         p->v[i].message);
		}
}

static void test_clean_course(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	run_lint(&p);
	if (p.count)
		dump(&p);
	assert_int_equal(p.count, 0);
	problems_release(&p);
}

static void test_links_and_media(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("lessons/01-safety.md", "# Safety\n" /* 1 */
	                            "\n" /* 2 */
	                            "[missing lesson](03-none.md)\n" /* 3 */
	                            "[bad anchor](02-tools.md#nowhere)\n" /* 4 */
	                            "[self anchor](#nope)\n" /* 5 */
	                            "![](../media/tester.png)\n" /* 6 */
	                            "![Seal](../media/slow.mp4)\n" /* 7 */
	                            "[web](https://example.org/pump)\n" /* 8 */
	                            "<img src=\"//cdn.example.org/x.png\">\n" /* 9 */
	                            "\n" /* 10 */
	                            "[notes](notes.md)\n" /* 11 */
	                            "![gone](../media/gone.png)\n" /* 12 */
	                            "[abs](/media/tester.png)\n" /* 13 */
	                            "[page](02-tools.html)\n" /* 14 */
	                            "[js](javascript:alert(1))\n" /* 15 */
	                            "[case](../media/Tester.png)\n" /* 16 */
	                            "![Pump](../media/pump.mp4)\n" /* 17: has subtitles */
	                            "[escape](../../outside.png)\n"); /* 18 */
	put("lessons/notes.md", "# Notes\n");
	mp4("media/slow.mp4", false);
	run_lint(&p);
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 3,
	       "link to 'lessons/03-none.md': no such file");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 4,
	       "link to 'lessons/02-tools.md#nowhere': no heading 'nowhere' in "
	       "lessons/02-tools.md");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 5,
	       "link to '#nope': no heading 'nope' in this lesson");
	expect(&p, PROBLEM_WARNING, "lessons/01-safety.md", 6,
	       "image 'media/tester.png' has no alt text");
	expect(&p, PROBLEM_WARNING, "lessons/01-safety.md", 7,
	       "video 'media/slow.mp4' has no subtitles (add 'media/slow.th.vtt' beside it)");
	expect(&p, PROBLEM_ERROR, "media/slow.mp4", 0,
	       "the index (moov) comes after the media data: the video cannot start or seek "
	       "until it has fully downloaded; fix with: ffmpeg -i 'media/slow.mp4' -c copy "
	       "-movflags +faststart");
	expect(&p, PROBLEM_WARNING, "lessons/01-safety.md", 8,
	       "link to the web: 'https://example.org/pump' (classrooms have no internet: the "
	       "page shows its text and the address as text)");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 9,
	       "link to another host: '//cdn.example.org/x.png'");
	expect(&p, PROBLEM_WARNING, "lessons/01-safety.md", 9,
	       "raw HTML <img> removed: course.yml does not set 'allow_html: true'");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 11,
	       "links to 'lessons/notes.md', which is not a lesson listed in course.yml");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 12,
	       "link to 'media/gone.png': no such file");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 13, "an absolute path");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 14,
	       "link to 'lessons/02-tools.html': no such file (link to the lesson's source, "
	       "'lessons/02-tools.md')");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 15, "'javascript:' URLs are not allowed");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 16,
	       "no such file (names differ in case: 'media/tester.png')");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 18, "'../../outside.png'");
	/* Lesson 2 links to a heading lesson 1 no longer has; lesson 1 no longer uses the PDF. */
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 5,
	       "link to 'lessons/01-safety.md#safety-rules': no heading 'safety-rules' in "
	       "lessons/01-safety.md");
	expect(&p, PROBLEM_WARNING, "media/work sheet.pdf", 0, "not used by any lesson");
	expect_no_more(&p);
	problems_release(&p);
}

static void test_columns_of_links(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("lessons/02-tools.md", "# Tools\n\n## Fuses\n\nSee [a](gone.md) and [b](#x).\n"
	                           "[back](01-safety.md)\n");
	run_lint(&p);
	assert_int_equal(p.count, 2);
	assert_int_equal(p.v[0].line, 5);
	assert_int_equal(p.v[0].col, 5);
	assert_int_equal(p.v[1].line, 5);
	assert_int_equal(p.v[1].col, 22);
	problems_release(&p);
}

static void test_lessons_and_text(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("course.yml", "id: org.example.safety\n"
	                  "version: '1.0'\n"
	                  "language: th\n"
	                  "title: {th: ความปลอดภัย}\n"
	                  "publisher: {name: Example College}\n"
	                  "licence: CC-BY-4.0\n"
	                  "lessons:\n"
	                  "  - lessons/01-safety.md\n" /* 8 */
	                  "  - lessons/02-tools.md\n" /* 9 */
	                  "  - lessons/03-gone.md\n" /* 10 */
	                  "  - lessons/04-untitled.md\n"); /* 11 */
	put("lessons/02-tools.md", "# Tools\n\n## Fuses\n\nbad \xff byte\n");
	put("lessons/04-untitled.md", "No heading here.\n");
	put("lessons/05-draft.md", "# Draft\n");
	put("lessons/01-safety.md", "# Safety\n\n[tools](02-tools.md#anything)\n\n## PPE\n"
	                            "![Seal](../media/pump.mp4) ![Tester](../media/tester.png) "
	                            "[w](../media/work%20sheet.pdf)\n");
	run_lint(&p);
	expect(&p, PROBLEM_ERROR, "course.yml", 10, "lesson 'lessons/03-gone.md': no such file");
	expect(&p, PROBLEM_ERROR, "course.yml", 11, "lesson 'lessons/04-untitled.md' has no title");
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 5, "invalid UTF-8");
	expect(&p, PROBLEM_WARNING, "lessons/05-draft.md", 0, "course.yml does not list it");
	/* A lesson with a byte that is not UTF-8 is still checked, and linked into. */
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 3, "no heading 'anything'");
	expect_no_more(&p);
	problems_release(&p);
}

static void test_teacher_pages(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("course.yml", "id: org.example.safety\n"
	                  "version: '1.0'\n"
	                  "language: th\n"
	                  "title: {th: ความปลอดภัย}\n"
	                  "publisher: {name: Example College}\n"
	                  "licence: CC-BY-4.0\n"
	                  "lessons:\n"
	                  "  - lessons/01-safety.md\n"
	                  "  - lessons/02-tools.md\n"
	                  "teacher:\n"
	                  "  - {file: notes/timing.md, lesson: 01-safety}\n"
	                  "  - notes/answers.md\n"
	                  "  - notes/gone.md\n" /* 13 */
	                  "  - notes/untitled.md\n"); /* 14 */
	put("lessons/01-safety.md", "# Safety\n\n![Tester](../media/tester.png)\n\n"
	                            "See [the timing](../notes/timing.md).\n\n" /* 5 */
	                            "::: instructor\n"
	                            "The [answers](../notes/answers.md#fuses).\n" /* 8 */
	                            ":::\n");
	put("lessons/02-tools.md", "# Tools\n\n## Fuses\n\n"
	                           "[Answers][a]\n\n" /* 5 */
	                           "[a]: ../notes/answers.md\n");
	put("notes/timing.md", "# Timing\n\nThen [the tools](../lessons/02-tools.md#fuses), "
	                       "[the answers](answers.md#fuses) and [here](#timing).\n\n"
	                       "![Worksheet](../media/sheet.png)\n\n" /* 5 */
	                       "[Nowhere](answers.md#nowhere) [gone](nothing.md)\n"); /* 7 */
	put("notes/answers.md", "# Answers\n\n## Fuses\n\n"
	                        "::: instructor\n"
	                        "[back](timing.md)\n"
	                        ":::\n");
	put("notes/untitled.md", "No heading.\n");
	png("media/sheet.png");
	run_lint(&p);
	/* A student's page may not link to a teacher page, an instructor note may. */
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 5,
	       "link to 'notes/timing.md': a teacher page, which a student can never open");
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 5,
	       "link to 'notes/answers.md': a teacher page, which a student can never open");
	/* Teacher pages are checked like lessons. */
	expect(&p, PROBLEM_ERROR, "course.yml", 13, "teacher page 'notes/gone.md': no such file");
	expect(&p, PROBLEM_ERROR, "course.yml", 14,
	       "teacher page 'notes/untitled.md' has no title");
	expect(&p, PROBLEM_ERROR, "notes/timing.md", 7, "no heading 'nowhere' in notes/answers.md");
	expect(&p, PROBLEM_ERROR, "notes/timing.md", 7, "link to 'notes/nothing.md': no such file");
	/* media/sheet.png is used by a teacher page: not reported as unused, unlike these. */
	expect(&p, PROBLEM_WARNING, "media/pump.mp4", 0, "not used by any lesson");
	expect(&p, PROBLEM_WARNING, "media/work sheet.pdf", 0, "not used by any lesson");
	expect(&p, PROBLEM_WARNING, "media/pump.th.vtt", 0, "which no lesson shows");
	expect(&p, PROBLEM_WARNING, "media/pump.en.vtt", 0, "which no lesson shows");
	expect_no_more(&p);
	problems_release(&p);
}

static void test_subtitles_and_unused_media(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("media/pump.en.vtt", "WEBVTT\n\n00:01 --> 00:02\nno milliseconds\n");
	put("media/pump.th.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n\xe0\xb8\n");
	put("media/extra.vtt", "Subtitles\n");
	put("media/pump.english.vtt", "WEBVTT\n");
	put("media/pump.subs_v2.vtt", "WEBVTT\n");
	png("media/unused.png");
	png("media/deep/er/unused.png");
	put("notes/readme.txt", "outside media: not in the bundle, no warning");
	run_lint(&p);
	expect(&p, PROBLEM_ERROR, "media/pump.en.vtt", 3,
	       "malformed timing line '00:01 --> 00:02'");
	expect(&p, PROBLEM_ERROR, "media/pump.th.vtt", 4, "invalid UTF-8");
	expect(&p, PROBLEM_ERROR, "media/extra.vtt", 1, "not a WebVTT file");
	expect(&p, PROBLEM_WARNING, "media/extra.vtt", 0,
	       "subtitles of no video: name them like their video with a language tag before "
	       "'.vtt'");
	expect(&p, PROBLEM_WARNING, "media/unused.png", 0, "not used by any lesson");
	expect(&p, PROBLEM_WARNING, "media/deep/er/unused.png", 0, "not used by any lesson");
	expect(&p, PROBLEM_WARNING, "media/pump.english.vtt", 0,
	       "'english' in the name is not a language tag, so these are not subtitles of "
	       "'media/pump.mp4': rename it 'media/pump.en.vtt'");
	expect(&p, PROBLEM_WARNING, "media/pump.subs_v2.vtt", 0,
	       "'subs_v2' in the name is not a language tag");
	expect_no_more(&p);
	problems_release(&p);
}

static void test_mp4_layouts(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("media/fake.mp4", "not a video");
	mp4("media/slow.m4v", false);
	put("lessons/02-tools.md", "# Tools\n\n## Fuses\n\n![a](../media/fake.mp4)\n"
	                           "![b](../media/slow.m4v)\n");
	run_lint(&p);
	expect(&p, PROBLEM_WARNING, "media/fake.mp4", 0, "not an MP4 file");
	expect(&p, PROBLEM_ERROR, "media/slow.m4v", 0,
	       "-movflags +faststart 'media/slow-faststart.m4v'");
	expect(&p, PROBLEM_WARNING, "lessons/02-tools.md", 5, "no subtitles");
	expect(&p, PROBLEM_WARNING, "lessons/02-tools.md", 6, "no subtitles");
	expect_no_more(&p);
	problems_release(&p);
}

static void test_raw_html_checked_even_when_dropped(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("lessons/02-tools.md", "# Tools\n\n## Fuses\n\n"
	                           "<div style=\"background: url(http://example.org/bg.png)\">\n"
	                           "<a href=\"../media/none.pdf\">x</a></div>\n");
	run_lint(&p);
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 5,
	       "link to another host: 'http://example.org/bg.png'");
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 6,
	       "link to 'media/none.pdf': no such file");
	/* without allow_html the block is not on the page: never silently */
	expect(&p, PROBLEM_WARNING, "lessons/02-tools.md", 5,
	       "raw HTML <div> removed: course.yml does not set 'allow_html: true'");
	expect_no_more(&p);
	problems_release(&p);
}

/* The problem at file:line:col whose message is text, or a failure; it is marked found. */
static void expect_at(struct problems *p, const char *file, unsigned line, unsigned col,
                      const char *text)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->v[i].level == PROBLEM_WARNING && strcmp(p->v[i].file, file) == 0 &&
		    p->v[i].line == line && p->v[i].col == col &&
		    strcmp(p->v[i].message, text) == 0) {
			p->v[i].col = 9999; /* found */
			return;
		}
	dump(p);
	fail_msg("no warning at %s:%u:%u: %s", file, line, col, text);
}

/* With allow_html, every element and attribute the sanitizer removes is told at file:line:col. */
static void test_raw_html_removed_parts_are_reported(void **state)
{
	struct problems p;
	char yml[sizeof(clean_yml) + 32];

	(void)state;
	make_clean();
	snprintf(yml, sizeof(yml), "%sallow_html: true\n", clean_yml);
	put("course.yml", yml);
	put("lessons/02-tools.md",
	    "# Tools\n" /* 1 */
	    "\n" /* 2 */
	    "Press <kbd>Ctrl</kbd> and <img src=\"../media/tester.png\" alt=\"t\" " /* 3 */
	    "onerror=\"alert(1)\">.\n" /* 3 */
	    "\n" /* 4 */
	    "<details open>\n" /* 5 */
	    "<summary>More</summary>\n" /* 6 */
	    "<script>alert(2)</script>\n" /* 7 */
	    "<p style=\"color:red\"><font color=red>Red</font>\n" /* 8 */
	    "<a\n" /* 9 */
	    "  href=\"jav&#x61;script:alert(3)\">x</a></p>\n" /* 10 */
	    "</details>\n"); /* 11 */
	run_lint(&p);
	expect_at(&p, "lessons/02-tools.md", 3, 66,
	          "raw HTML <img>: attribute 'onerror' removed: event handlers never run in a "
	          "lesson");
	expect_at(&p, "lessons/02-tools.md", 7, 1,
	          "raw HTML <script> removed with all it holds: not allowed in a lesson");
	expect_at(&p, "lessons/02-tools.md", 8, 4,
	          "raw HTML <p>: attribute 'style' removed: styles come from the player, not from "
	          "lessons");
	expect_at(&p, "lessons/02-tools.md", 8, 22,
	          "raw HTML <font> removed, its text kept: not allowed in a lesson");
	expect_at(&p, "lessons/02-tools.md", 10, 3,
	          "raw HTML <a>: attribute 'href' removed: 'javascript:' URLs are not allowed: a "
	          "link goes to a file of the course, an #anchor, mailto: or tel:");
	/* the link checker reads the same link (and finds no such file) */
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 10, "link to 'lessons/jav&'");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 3, "no heading 'fuses'");
	expect_no_more(&p);
	problems_release(&p);
}

/*
 * Links to the web are warnings (the page shows them as text), errors with
 * --strict; an address written in the text is neither.  What the Markdown
 * holds that the page does not show is told at its line.
 */
static void test_web_links_and_pandoc_markdown(void **state)
{
	struct problems p;

	(void)state;
	make_clean();
	put("lessons/02-tools.md",
	    "---\n" /* 1 */
	    "title: Tools\n" /* 2 */
	    "teaching: 25\n" /* 3 */
	    "---\n" /* 4 */
	    "\n" /* 5 */
	    "See [the manual](https://www.gnu.org/manual/) or https://example.org.\n" /* 6 */
	    "\n" /* 7 */
	    "::: sidebar\n" /* 8 */
	    "Aside.\n" /* 9 */
	    ":::\n" /* 10 */
	    "\n" /* 11 */
	    "![](../media/tester.png){alt='A tester'}\n" /* 12 */
	    "\n" /* 13 */
	    "::::: challenge\n" /* 14 */
	    "Never closed.\n" /* 15 */
	    "![A pump](https://example.org/p.png)\n"); /* 16 */
	run_lint(&p);
	expect(&p, PROBLEM_WARNING, "lessons/02-tools.md", 3,
	       "front matter field 'teaching' is ignored");
	expect(&p, PROBLEM_WARNING, "lessons/02-tools.md", 6,
	       "link to the web: 'https://www.gnu.org/manual/' (classrooms have no internet: the "
	       "page shows its text and the address as text)");
	expect(&p, PROBLEM_WARNING, "lessons/02-tools.md", 8,
	       "fenced div class 'sidebar' is unknown: shown as a plain box");
	expect(&p, PROBLEM_WARNING, "lessons/02-tools.md", 14,
	       "fenced div 'challenge' is never closed");
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 16,
	       "link to another host: 'https://example.org/p.png' (classrooms have no internet: "
	       "put the file into the course");
	expect(&p, PROBLEM_ERROR, "lessons/01-safety.md", 3, "no heading 'fuses'");
	expect_no_more(&p); /* no "no alt text", nothing for the bare address */
	problems_release(&p);

	run_lint_as(&p, true);
	expect(&p, PROBLEM_ERROR, "lessons/02-tools.md", 6,
	       "link to the web: 'https://www.gnu.org/manual/'");
	problems_release(&p);
}

/* ---- the command ---- */

/* Run `check ARGS...` with stderr and stdout caught; returns the exit code. */
static int run_check(char **out, char **err, int argc, const char **args)
{
	char *argv[8];
	char *tmp = tu_tempdir();
	char *opath = tu_path(tmp, "out.txt"), *epath = tu_path(tmp, "err.txt");
	int saved_out = dup(1), saved_err = dup(2), fo, fe, rc;
	size_t n;

	assert_true(argc < 7);
	argv[0] = (char *)"check";
	for (int i = 0; i < argc; i++)
		argv[i + 1] = (char *)args[i];
	argv[argc + 1] = NULL;
	fflush(stdout);
	fflush(stderr);
	fo = open(opath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fe = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fo >= 0 && fe >= 0);
	dup2(fo, 1);
	dup2(fe, 2);
	rc = cmd_check(argc + 1, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	close(fo);
	close(fe);
	*out = (char *)tu_read(opath, &n);
	*err = (char *)tu_read(epath, &n);
	tu_rmrf(tmp);
	free(tmp);
	free(opath);
	free(epath);
	return rc;
}

static void test_check_command(void **state)
{
	const char *saved = cli_program;
	char *out, *err;
	const char *args[3];

	(void)state;
	cli_program = "sampan-build";
	setenv("NO_COLOR", "1", 1);

	make_clean();
	args[0] = tu_dir;
	assert_int_equal(run_check(&out, &err, 1, args), EXIT_YES);
	assert_string_equal(err, "0 errors, 0 warnings\n");
	assert_string_equal(out, "");
	free(out);
	free(err);

	/* Warnings only: still a yes. */
	png("media/unused.png");
	assert_int_equal(run_check(&out, &err, 1, args), EXIT_YES);
	assert_string_equal(err, "sampan-build: media/unused.png: warning: not used by any lesson\n"
	                         "0 errors, 1 warning\n");
	free(out);
	free(err);

	/* An error: every problem, sorted, then a no. */
	put("lessons/02-tools.md", "# Tools\n\n## Fuses\n\n[x](ftp://example.org)\n");
	assert_int_equal(run_check(&out, &err, 1, args), EXIT_NO);
	assert_string_equal(err, "sampan-build: lessons/02-tools.md:5:1: error: link to another "
	                         "host: 'ftp://example.org' (classrooms have no internet)\n"
	                         "sampan-build: media/unused.png: warning: not used by any lesson\n"
	                         "1 error, 1 warning\n");
	free(out);
	free(err);

	/* -q: errors only, no summary. */
	args[0] = "-q";
	args[1] = tu_dir;
	assert_int_equal(run_check(&out, &err, 2, args), EXIT_NO);
	assert_string_equal(err, "sampan-build: lessons/02-tools.md:5:1: error: link to another "
	                         "host: 'ftp://example.org' (classrooms have no internet)\n");
	free(out);
	free(err);

	/* A YAML error alone. */
	put("course.yml", "id: [\n");
	args[0] = tu_dir;
	assert_int_equal(run_check(&out, &err, 1, args), EXIT_NO);
	assert_non_null(strstr(err, "sampan-build: course.yml:2:1: error: "));
	free(out);
	free(err);

	cli_program = saved;
}

static void test_check_usage(void **state)
{
	const char *saved = cli_program;
	char *out, *err, *file;
	const char *args[3];

	(void)state;
	cli_program = "sampan-build"; /* as main sets it: the usage names the program */
	make_clean();
	assert_int_equal(run_check(&out, &err, 0, args), EXIT_USAGE);
	assert_non_null(strstr(err, "which course?"));
	free(out);
	free(err);

	args[0] = "--help";
	assert_int_equal(run_check(&out, &err, 1, args), EXIT_YES);
	assert_non_null(strstr(out, "usage: sampan-build check"));
	assert_string_equal(err, "");
	free(out);
	free(err);

	args[0] = "--bogus";
	args[1] = tu_dir;
	assert_int_equal(run_check(&out, &err, 2, args), EXIT_USAGE);
	assert_non_null(strstr(err, "unknown option '--bogus'"));
	free(out);
	free(err);

	args[0] = tu_dir;
	args[1] = tu_dir;
	assert_int_equal(run_check(&out, &err, 2, args), EXIT_USAGE);
	free(out);
	free(err);

	file = tu_path(tu_dir, "no-such-folder");
	args[0] = file;
	assert_int_equal(run_check(&out, &err, 1, args), EXIT_USAGE);
	assert_non_null(strstr(err, "no-such-folder: No such file or directory"));
	free(out);
	free(err);
	free(file);

	/* A folder without course.yml. */
	file = tu_path(tu_dir, "media");
	args[0] = file;
	assert_int_equal(run_check(&out, &err, 1, args), EXIT_NO);
	assert_non_null(strstr(err, "course.yml: error: no such file"));
	free(out);
	free(err);
	free(file);
	cli_program = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_course),
		cmocka_unit_test(test_links_and_media),
		cmocka_unit_test(test_columns_of_links),
		cmocka_unit_test(test_lessons_and_text),
		cmocka_unit_test(test_teacher_pages),
		cmocka_unit_test(test_subtitles_and_unused_media),
		cmocka_unit_test(test_mp4_layouts),
		cmocka_unit_test(test_raw_html_checked_even_when_dropped),
		cmocka_unit_test(test_raw_html_removed_parts_are_reported),
		cmocka_unit_test(test_web_links_and_pandoc_markdown),
		cmocka_unit_test(test_check_command),
		cmocka_unit_test(test_check_usage),
	};
	return cmocka_run_group_tests(tests, tu_dir_setup, tu_dir_teardown);
}

/*
 * test_mdsections.c - the search sections of a lesson (builder/markdown.c,
 * md_sections and md_section_place): labelled boxes as sections of their
 * own, where each is and where its link lands, quizzes without their marks
 * or answers, and no instructor notes.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"

static struct md_doc *parse(const char *text)
{
	struct md_doc *doc = md_parse(text, strlen(text), false);

	assert_non_null(doc);
	return doc;
}

/* Section i's place in lang equals want. */
static void expect_place(const struct md_section *s, const char *lang, const char *want)
{
	char *place = md_section_place(s, lang);

	assert_string_equal(place, want);
	free(place);
}

/* Every section's link lands on an id of the page (or on the page itself). */
static void expect_anchors_on_page(struct md_doc *doc, const char *lang)
{
	char *html = md_render(doc, lang, NULL, NULL);
	const struct md_section *s;
	size_t n;

	assert_non_null(html);
	s = md_sections(doc, &n);
	for (size_t i = 0; i < n; i++) {
		char id[256];

		if (!s[i].slug[0])
			continue;
		snprintf(id, sizeof(id), "id=\"%s\"", s[i].slug);
		assert_contains(html, id);
	}
	free(html);
}

static const char lesson[] = "# Loops\n"
                             "\n"
                             "Intro text.\n"
                             "\n"
                             "## Variables in loops\n"
                             "\n"
                             "Text before.\n"
                             "\n"
                             "::: challenge\n"
                             "## Print each name\n"
                             "\n"
                             "Write a loop.\n"
                             "\n"
                             "### A hint inside\n"
                             "\n"
                             "Use echo.\n"
                             "\n"
                             ":::: solution\n"
                             "## Solution\n"
                             "\n"
                             "Use `for name in list`.\n"
                             "::::\n"
                             ":::\n"
                             "\n"
                             "Text after the box.\n"
                             "\n"
                             "::: callout\n"
                             "## Note: mind the quotes\n"
                             "\n"
                             "Quote names with spaces.\n"
                             ":::\n"
                             "\n"
                             "::: sidebar\n"
                             "Plain box words.\n"
                             ":::\n"
                             "\n"
                             "::: keypoints\n"
                             "- Loops repeat.\n"
                             ":::\n";

static void boxes_are_sections_of_their_own(void **state)
{
	struct md_doc *doc = parse(lesson);
	const struct md_section *s;
	size_t n;

	(void)state;
	s = md_sections(doc, &n);
	assert_int_equal(n, 6);
	/* the heading's own text, around the boxes; a plain box is part of it */
	assert_string_equal(s[0].slug, "loops");
	assert_string_equal(s[0].text, "Intro text.");
	assert_int_equal(s[0].asides_count, 0);
	expect_place(&s[0], "en", "Loops");
	assert_string_equal(s[1].slug, "variables-in-loops");
	assert_string_equal(s[1].text, "Text before. Text after the box. Plain box words.");
	expect_place(&s[1], "en", "Variables in loops");
	/* the challenge: its heading is its title and its link; a heading further in is its text */
	assert_string_equal(s[2].slug, "print-each-name");
	assert_string_equal(s[2].heading, "Variables in loops");
	assert_string_equal(s[2].text, "Write a loop. A hint inside Use echo.");
	assert_int_equal(s[2].asides_count, 1);
	assert_string_equal(s[2].asides[0].kind, "challenge");
	assert_string_equal(s[2].asides[0].title, "Print each name");
	expect_place(&s[2], "en", "Variables in loops › Challenge: Print each name");
	/* the solution inside it: a fold, shown by its heading */
	assert_string_equal(s[3].slug, "solution");
	assert_string_equal(s[3].text, "Use for name in list.");
	expect_place(&s[3], "en", "Variables in loops › Challenge: Print each name › Solution");
	/* a title that names its box already is not labelled twice */
	assert_string_equal(s[4].slug, "note-mind-the-quotes");
	expect_place(&s[4], "en", "Variables in loops › Note: mind the quotes");
	/* a box without a heading or id: the link lands on the heading it is under */
	assert_string_equal(s[5].slug, "variables-in-loops");
	assert_string_equal(s[5].text, "Loops repeat.");
	expect_place(&s[5], "en", "Variables in loops › Key points");
	/* no section says its heading's words again */
	for (size_t i = 0; i < n; i++)
		assert_lacks(s[i].text, "Print each name");
	expect_anchors_on_page(doc, "en");
	md_free(doc);
}

/* The labels are the page's, in the course's language. */
static void boxes_are_labelled_in_the_course_language(void **state)
{
	const char *thai = "## การต่อสายดิน\n"
	                   "\n"
	                   "ต่อสายดินก่อนจ่ายไฟ\n"
	                   "\n"
	                   "::: challenge\n"
	                   "ลองต่อสายดินของเต้ารับเอง\n"
	                   "\n"
	                   ":::: solution\n"
	                   "ใช้สายสีเขียวแถบเหลือง\n"
	                   "::::\n"
	                   ":::\n";
	struct md_doc *doc = parse(thai);
	const struct md_section *s;
	size_t n;

	(void)state;
	s = md_sections(doc, &n);
	assert_int_equal(n, 3);
	assert_string_equal(s[2].text, "ใช้สายสีเขียวแถบเหลือง");
	expect_place(&s[1], "th", "การต่อสายดิน › โจทย์ท้าทาย");
	expect_place(&s[2], "th", "การต่อสายดิน › โจทย์ท้าทาย › เฉลย");
	expect_place(&s[2], "vi", "การต่อสายดิน › Thử thách › Lời giải");
	expect_place(&s[2], "en", "การต่อสายดิน › Challenge › Solution");
	/* both land on the heading: the boxes have no id of their own */
	assert_string_equal(s[1].slug, s[0].slug);
	assert_string_equal(s[2].slug, s[0].slug);
	md_free(doc);

	/* before any heading: the box alone; with an id, the link is the id */
	doc = parse(
	        "::: {.objectives #goals}\n- Wire a plug.\n:::\n\n::: hint\nStrip 8 mm.\n:::\n");
	s = md_sections(doc, &n);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].slug, "goals");
	expect_place(&s[0], "vi", "Mục tiêu");
	assert_string_equal(s[1].slug, "");
	expect_place(&s[1], "th", "คำใบ้");
	expect_anchors_on_page(doc, "th");
	md_free(doc);
}

/* A quiz: its questions and the choices offered; no marks, no right answer, no feedback. */
static void quizzes_without_marks_or_answers(void **state)
{
	const char *text = "## Check yourself\n"
	                   "\n"
	                   "::: quiz\n"
	                   "Which tools prove a circuit is dead? {.multiple}\n"
	                   "\n"
	                   "- [x] A two-pole tester\n"
	                   "  > Right: it measures between the poles.\n"
	                   "- [ ] A neon screwdriver\n"
	                   "  > Wrong: it cannot prove there is no voltage.\n"
	                   "- [x] A multimeter\n"
	                   "\n"
	                   "What comes after switching off?\n"
	                   "\n"
	                   "- [=] lock off\n"
	                   "- [=] locking off\n"
	                   ":::\n"
	                   "\n"
	                   "## Quiz\n"
	                   "\n"
	                   "::: quiz\n"
	                   "![a plug](plug.png)\n"
	                   "\n"
	                   "Is this plug safe?\n"
	                   "\n"
	                   "- [ ] Yes\n"
	                   "- [x] No\n"
	                   "  > The earth pin is bent.\n"
	                   ":::\n";
	struct md_doc *doc = parse(text);
	const struct md_section *s;
	size_t n;

	(void)state;
	s = md_sections(doc, &n);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].text,
	                    "Which tools prove a circuit is dead? A two-pole tester A neon "
	                    "screwdriver A multimeter What comes after switching off?");
	assert_string_equal(s[0].slug, "quiz-1");
	expect_place(&s[0], "en", "Check yourself › Quiz");
	expect_place(&s[0], "th", "Check yourself › แบบทดสอบ");
	/* under a heading that says "Quiz" already, the place says it once */
	assert_string_equal(s[1].text, "a plug Is this plug safe? Yes No");
	assert_string_equal(s[1].slug, "quiz-2");
	expect_place(&s[1], "en", "Quiz");
	for (size_t i = 0; i < n; i++) {
		assert_lacks(s[i].text, "[");
		assert_lacks(s[i].text, "{");
		assert_lacks(s[i].text, "Right:");
		assert_lacks(s[i].text, "Wrong:");
		assert_lacks(s[i].text, "lock off");
		assert_lacks(s[i].text, "earth pin");
	}
	expect_anchors_on_page(doc, "en");
	md_free(doc);
}

/* Instructor notes are in no section: in a box, around one, or holding a quiz. */
static void instructor_notes_are_never_searched(void **state)
{
	const char *text = "## Loops\n"
	                   "\n"
	                   "::: challenge\n"
	                   "## Print names\n"
	                   "\n"
	                   "Try it.\n"
	                   "\n"
	                   ":::: instructor\n"
	                   "## Common mistake\n"
	                   "Forgetting the secret quotes.\n"
	                   "::::\n"
	                   "\n"
	                   "Then run it.\n"
	                   ":::\n"
	                   "\n"
	                   "::: instructor\n"
	                   ":::: solution\n"
	                   "Secret solution.\n"
	                   "::::\n"
	                   "\n"
	                   ":::: quiz\n"
	                   "Secret question?\n"
	                   "\n"
	                   "- [x] Secret answer\n"
	                   "::::\n"
	                   ":::\n"
	                   "\n"
	                   "After the notes.\n";
	struct md_doc *doc = parse(text);
	const struct md_section *s;
	size_t n;

	(void)state;
	s = md_sections(doc, &n);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].text, "After the notes.");
	assert_string_equal(s[1].text, "Try it. Then run it.");
	expect_place(&s[1], "en", "Loops › Challenge: Print names");
	for (size_t i = 0; i < n; i++) {
		assert_lacks(s[i].text, "ecret");
		assert_lacks(s[i].text, "mistake");
		assert_lacks(s[i].heading, "mistake");
	}
	md_free(doc);
}

/* Boxes nested past the bound are read as the text of the deepest one kept. */
static void deep_boxes_are_bounded(void **state)
{
	char text[4096];
	size_t len = 0;
	struct md_doc *doc;
	const struct md_section *s;
	size_t n;

	(void)state;
	for (int i = 0; i < 12; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%.*s hint\nlevel%d\n\n",
		                        40 - i * 2, "::::::::::::::::::::::::::::::::::::::::", i);
	for (int i = 11; i >= 0; i--)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%.*s\n\n", 40 - i * 2,
		                        "::::::::::::::::::::::::::::::::::::::::");
	doc = parse(text);
	s = md_sections(doc, &n);
	assert_true(n >= 1 && n <= 8);
	assert_contains(s[n - 1].text, "level11");
	md_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boxes_are_sections_of_their_own),
		cmocka_unit_test(boxes_are_labelled_in_the_course_language),
		cmocka_unit_test(quizzes_without_marks_or_answers),
		cmocka_unit_test(instructor_notes_are_never_searched),
		cmocka_unit_test(deep_boxes_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

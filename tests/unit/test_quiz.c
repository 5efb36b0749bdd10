/* test_quiz.c - self-check quizzes in lessons: their Markdown, their page, and what `check` tells (builder/markdown.c). */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"

static struct md_doc *parse_html(const char *text, bool allow_html)
{
	struct md_doc *doc = md_parse(text, strlen(text), allow_html);

	assert_non_null(doc);
	return doc;
}

static char *render(const char *text, const char *lang, bool allow_html)
{
	struct md_doc *doc = parse_html(text, allow_html);
	char *html = md_render(doc, lang, NULL, NULL);

	assert_non_null(html);
	md_free(doc);
	return html;
}

static size_t errors_of(const struct md_doc *doc)
{
	size_t n, errors = 0;
	const struct md_dropped *d = md_dropped(doc, &n);

	for (size_t i = 0; i < n; i++)
		errors += d[i].error;
	return errors;
}

/* The error at line whose message contains text, or a failure. */
static void expect_error(const struct md_doc *doc, unsigned line, const char *text)
{
	size_t n;
	const struct md_dropped *d = md_dropped(doc, &n);

	for (size_t i = 0; i < n; i++)
		if (d[i].line == line && d[i].error && strstr(d[i].message, text))
			return;
	for (size_t i = 0; i < n; i++)
		print_message("  %u: %s%s\n", d[i].line, d[i].error ? "error: " : "", d[i].message);
	fail_msg("no error at line %u saying '%s'", line, text);
}

static const char good[] = "# Wires\n"
                           "\n"
                           "::: quiz\n"
                           "Which colour is the earth wire?\n"
                           "\n"
                           "- [ ] Blue\n"
                           "  > Blue is the neutral wire.\n"
                           "- [x] Green and yellow\n"
                           "  > Green and yellow is always earth.\n"
                           "- [ ] Brown\n"
                           "\n"
                           "Which steps isolate a pump? {.multiple}\n"
                           "\n"
                           "- [x] Switch off at the isolator\n"
                           "- [x] Lock it off\n"
                           "- [ ] Close a valve\n"
                           "\n"
                           "Mains voltage here is 220 V.\n"
                           "\n"
                           "- [x] True\n"
                           "- [ ] False\n"
                           "\n"
                           "What is the tag on a locked isolator called?\n"
                           "\n"
                           "- [=] danger tag\n"
                           "- [=] lockout tag\n"
                           "  > Either name is used on site.\n"
                           ":::\n";

static void a_good_quiz_has_no_problem(void **state)
{
	struct md_doc *doc = parse_html(good, false);
	size_t n;

	(void)state;
	md_dropped(doc, &n);
	assert_int_equal(n, 0);
	md_free(doc);
}

static void single_choice_is_radio_buttons_with_a_folded_key(void **state)
{
	char *html = render(good, "en", false);

	(void)state;
	assert_contains(html,
	                "<section class=\"quiz\" id=\"quiz-1\" aria-labelledby=\"quiz-1-label\"");
	assert_contains(html, "<p class=\"box-label\" id=\"quiz-1-label\">Quiz</p>");
	assert_contains(html,
	                "<fieldset class=\"question\" data-kind=\"single\" id=\"quiz-1-q1\">");
	assert_contains(html, "<legend>\nWhich colour is the earth wire?\n</legend>");
	assert_contains(html, "<label><input type=\"radio\" name=\"quiz-1-q1\" value=\"1\"> "
	                      "Blue</label>");
	assert_contains(html, "<label><input type=\"radio\" name=\"quiz-1-q1\" value=\"2\" "
	                      "data-right> Green and yellow</label>");
	assert_contains(html, "<details class=\"answer\"><summary>Check your answer</summary>");
	assert_contains(html, "<li class=\"wrong\"><p><span class=\"mark\">Wrong</span> Blue</p>\n"
	                      "<div class=\"feedback\">\n<p>Blue is the neutral wire.</p>\n</div>");
	assert_contains(html, "<li class=\"right\"><p><span class=\"mark\">Right</span> Green and "
	                      "yellow</p>\n<div class=\"feedback\">\n<p>Green and yellow is always "
	                      "earth.</p>");
	/* the feedback is in the key alone, not beside the choices */
	assert_int_equal(tu_count_of(html, "Blue is the neutral wire."), 1);
	assert_lacks(html, "<blockquote>");
	/* no form: nothing can be submitted, the answers stay on the phone */
	assert_lacks(html, "<form");
	assert_lacks(html, "<button");
	assert_lacks(html, "<script");
	assert_contains(html, "<p class=\"score\" role=\"status\" hidden></p>\n</section>");
	free(html);
}

static void multiple_choice_is_checkboxes(void **state)
{
	char *html = render(good, "en", false);

	(void)state;
	assert_contains(html,
	                "<fieldset class=\"question\" data-kind=\"multiple\" id=\"quiz-1-q2\">");
	assert_contains(html, "<legend>\nWhich steps isolate a pump?\n</legend>");
	assert_lacks(html, "{.multiple}");
	assert_int_equal(tu_count_of(html, "type=\"checkbox\" name=\"quiz-1-q2\""), 3);
	assert_int_equal(tu_count_of(html, "name=\"quiz-1-q2\" value=\"1\" data-right"), 1);
	assert_int_equal(tu_count_of(html, "name=\"quiz-1-q2\" value=\"2\" data-right"), 1);
	assert_int_equal(tu_count_of(html, "name=\"quiz-1-q2\" value=\"3\">"), 1);
	/* true or false: one right answer of two */
	assert_contains(html, "<input type=\"radio\" name=\"quiz-1-q3\" value=\"1\" data-right> "
	                      "True");
	free(html);
}

static void short_answers_are_a_text_field(void **state)
{
	char *html = render(good, "en", false);

	(void)state;
	assert_contains(html, "<fieldset class=\"question\" data-kind=\"short\" id=\"quiz-1-q4\">");
	assert_contains(html, "<p class=\"short\"><label>Your answer <input type=\"text\" "
	                      "name=\"quiz-1-q4\" autocomplete=\"off\" spellcheck=\"false\" "
	                      "data-accept=\"danger tag\nlockout tag\"></label></p>");
	assert_contains(html, "<span class=\"mark\">Accepted answers</span> danger tag / lockout "
	                      "tag</p>");
	assert_contains(html, "<div class=\"feedback\">\n<p>Either name is used on site.</p>");
	assert_lacks(html, "[=]");
	free(html);
}

static void labels_are_in_the_lesson_s_language(void **state)
{
	char *html = render(good, "th", false);

	(void)state;
	assert_contains(html, ">แบบทดสอบ</p>");
	assert_contains(html, "<summary>ตรวจคำตอบ</summary>");
	assert_contains(html, "data-score=\"ถูก {n} จาก {count} ข้อ\"");
	assert_contains(html, "<span class=\"mark\">ถูก</span>");
	free(html);
	html = render(good, "km", false);
	assert_contains(html, "<summary>ពិនិត្យចម្លើយ</summary>");
	free(html);
}

/* With raw HTML allowed, the page goes through the allowlist: the quiz stays whole. */
static void the_allowlist_keeps_a_quiz(void **state)
{
	char *text = NULL;
	char *html;

	(void)state;
	assert_true(asprintf(&text,
	                     "Some <b>raw</b> HTML <form action=x><input type=submit></form>\n\n%s",
	                     good) > 0);
	html = render(text, "en", true);
	assert_lacks(html, "<form");
	assert_lacks(html, "submit");
	assert_contains(html,
	                "<section class=\"quiz\" id=\"quiz-1\" aria-labelledby=\"quiz-1-label\"");
	assert_contains(html, "<fieldset class=\"question\" data-kind=\"single\"");
	assert_contains(html, "<input type=\"radio\" name=\"quiz-1-q1\" value=\"2\" data-right>");
	assert_contains(html, "data-accept=\"danger tag\nlockout tag\"");
	assert_contains(html, "<p class=\"score\" role=\"status\" hidden></p>");
	free(html);
	free(text);
}

static void a_quiz_s_own_id_names_its_questions(void **state)
{
	char *html = render("::: {.quiz #safety}\nOK?\n\n- [x] yes\n- [ ] no\n:::\n\n"
	                    "::: quiz\nAgain?\n\n- [x] yes\n:::\n",
	                    "en", false);

	(void)state;
	assert_contains(html, "<section class=\"quiz\" id=\"safety\"");
	assert_contains(html, "name=\"safety-q1\"");
	assert_contains(html, "<section class=\"quiz\" id=\"quiz-2\"");
	assert_contains(html, "name=\"quiz-2-q1\"");
	free(html);
}

static void check_tells_what_cannot_be_answered(void **state)
{
	static const char bad[] = "# Bad\n" /* 1 */
	                          "\n" /* 2 */
	                          "::: quiz\n" /* 3 */
	                          "None right?\n" /* 4 */
	                          "\n" /* 5 */
	                          "- [ ] a\n" /* 6 */
	                          "- [ ] b\n" /* 7 */
	                          "\n" /* 8 */
	                          "Two right?\n" /* 9 */
	                          "\n" /* 10 */
	                          "- [x] a\n" /* 11 */
	                          "- [x] b\n" /* 12 */
	                          "\n" /* 13 */
	                          "Short, empty?\n" /* 14 */
	                          "\n" /* 15 */
	                          "- [=]\n" /* 16 */
	                          "\n" /* 17 */
	                          "Unmarked?\n" /* 18 */
	                          "\n" /* 19 */
	                          "- [x] a\n" /* 20 */
	                          "- b\n" /* 21 */
	                          "\n" /* 22 */
	                          "Mixed?\n" /* 23 */
	                          "\n" /* 24 */
	                          "- [x] a\n" /* 25 */
	                          "- [=] b\n" /* 26 */
	                          "\n" /* 27 */
	                          "Dangling?\n" /* 28 */
	                          ":::\n" /* 29 */
	                          "\n" /* 30 */
	                          "::: quiz\n" /* 31 */
	                          "- [x] no question\n" /* 32 */
	                          ":::\n" /* 33 */
	                          "\n" /* 34 */
	                          "::: quiz\n" /* 35 */
	                          ":::\n"; /* 36 */
	struct md_doc *doc = parse_html(bad, false);
	char *html;

	(void)state;
	expect_error(doc, 4, "quiz question 'None right?' has no right answer: mark it '- [x]'");
	expect_error(doc, 9,
	             "quiz question 'Two right?' has 2 right answers where one is "
	             "expected: mark one '- [x]', or end the question with {.multiple}");
	expect_error(doc, 14,
	             "quiz question 'Short, empty?' is a short answer with no accepted "
	             "answer");
	expect_error(doc, 21,
	             "quiz answer 'b' is not marked: start it with '[x]' (right), '[ ]' "
	             "(wrong) or '[=]'");
	expect_error(doc, 23, "quiz question 'Mixed?' mixes choices");
	expect_error(doc, 28, "quiz question 'Dangling?' has no answers");
	expect_error(doc, 32, "quiz answers with no question");
	expect_error(doc, 35, "quiz has no question");
	assert_int_equal(errors_of(doc), 8);
	/* the page is still made: what could not be read stays as it was written */
	html = md_render(doc, "en", NULL, NULL);
	assert_non_null(html);
	assert_contains(html, "<section class=\"quiz\"");
	free(html);
	md_free(doc);
}

static void multiple_with_one_or_none_right(void **state)
{
	struct md_doc *doc = parse_html("::: quiz\nPick all {.multiple}\n\n- [x] a\n- [ ] b\n\n"
	                                "Pick all again {.multiple}\n\n- [ ] a\n- [ ] b\n:::\n",
	                                false);

	(void)state;
	expect_error(doc, 7, "quiz question 'Pick all again' has no right answer");
	assert_int_equal(errors_of(doc), 1);
	md_free(doc);
}

/* Other blocks go with the question after them; the key's text is escaped. */
static void a_question_may_show_a_picture_first(void **state)
{
	char *html = render("::: quiz\n![A fuse](fuse.png)\n\nIs `<b>` & this a fuse?\n\n"
	                    "- [x] Yes <i>\n- [ ] No\n:::\n",
	                    "en", false);

	(void)state;
	assert_contains(html,
	                "<fieldset class=\"question\" data-kind=\"single\" id=\"quiz-1-q1\">\n"
	                "<legend>\nIs <code>&lt;b&gt;</code> &amp; this a fuse?\n</legend>\n"
	                "<p><img src=\"fuse.png\" alt=\"A fuse\" /></p>");
	assert_contains(html, "<span class=\"mark\">Right</span> Yes</p>");
	free(html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_good_quiz_has_no_problem),
		cmocka_unit_test(single_choice_is_radio_buttons_with_a_folded_key),
		cmocka_unit_test(multiple_choice_is_checkboxes),
		cmocka_unit_test(short_answers_are_a_text_field),
		cmocka_unit_test(labels_are_in_the_lesson_s_language),
		cmocka_unit_test(the_allowlist_keeps_a_quiz),
		cmocka_unit_test(a_quiz_s_own_id_names_its_questions),
		cmocka_unit_test(check_tells_what_cannot_be_answered),
		cmocka_unit_test(multiple_with_one_or_none_right),
		cmocka_unit_test(a_question_may_show_a_picture_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

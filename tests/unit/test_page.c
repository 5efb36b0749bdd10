/* test_page.c - the bundle's static pages: template, labels, stylesheet (builder/page.c). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "page.h"

static const struct page_link lessons[] = {
	{ "01-safety.html", "Safety rules" },
	{ "02-tools.html", "Tools" },
	{ "03-repair.html", "Repair" },
};

/* The second lesson's page, one folder below the root. */
static struct page_info lesson_page(void)
{
	struct page_info pi;

	memset(&pi, 0, sizeof pi);
	pi.lang = "en";
	pi.ui_lang = "en";
	pi.title = "Tools";
	pi.course_title = "Water pump maintenance";
	pi.root = "../";
	pi.contents = lessons;
	pi.contents_count = 3;
	pi.current = 1;
	pi.prev = &lessons[0];
	pi.next = &lessons[2];
	return pi;
}

static void lesson_page_is_a_whole_document(void **state)
{
	struct page_info pi = lesson_page();
	char *html = page_render(&pi, "<p>The <em>body</em>.</p>\n");

	(void)state;
	assert_non_null(html);
	assert_true(strncmp(html, "<!doctype html>\n<html lang=\"en\">", 32) == 0);
	assert_contains(html, "<meta charset=\"utf-8\">");
	assert_contains(html,
	                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
	assert_contains(html, "<title>Tools · Water pump maintenance</title>");
	assert_contains(html, "<link rel=\"stylesheet\" href=\"../_sampan/style.css\">");
	assert_contains(html, "<a class=\"course\" href=\"../index.html\">Water pump "
	                      "maintenance</a>");
	assert_contains(html, "<main id=\"main\"");
	assert_contains(html, "<a class=\"skip\" href=\"#main\">Skip to content</a>");
	assert_contains(html, "<h1>Tools</h1>\n<p>The <em>body</em>.</p>\n</main>");
	assert_contains(html, "<header");
	assert_contains(html, "<nav class=\"contents\"");
	assert_contains(html, "<details>");
	assert_contains(html, "</html>\n");
	/* no script, nothing from another host */
	assert_lacks(html, "<script");
	assert_lacks(html, "http");
	assert_lacks(html, "//");
	free(html);
}

static void root_page_and_home_page(void **state)
{
	struct page_info pi = lesson_page();
	char *html;

	(void)state;
	pi.root = "";
	html = page_render(&pi, "");
	assert_contains(html, "<link rel=\"stylesheet\" href=\"_sampan/style.css\">");
	assert_contains(html, "href=\"index.html\"");
	free(html);

	/* the home page: the course's title alone, the header link is the current page */
	memset(&pi, 0, sizeof pi);
	pi.lang = "th";
	pi.ui_lang = "th";
	pi.title = "การบำรุงรักษาปั๊มน้ำ";
	pi.course_title = "การบำรุงรักษาปั๊มน้ำ";
	pi.root = "";
	pi.current = (size_t)-1;
	pi.next = &lessons[0];
	html = page_render(&pi, "<ol class=\"lessons\"></ol>");
	assert_non_null(html);
	assert_contains(html, "<html lang=\"th\">");
	assert_contains(html, "<title>การบำรุงรักษาปั๊มน้ำ</title>");
	assert_contains(html, "href=\"index.html\" aria-current=\"page\"");
	assert_contains(html, "<ol class=\"lessons\"></ol>\n</main>");
	assert_lacks(html, "<nav class=\"contents\"");
	assert_lacks(html, "rel=\"prev\"");
	assert_contains(html, "<a rel=\"next\" href=\"01-safety.html\">");
	free(html);
}

static void body_with_its_own_title_gets_no_second_h1(void **state)
{
	struct page_info pi = lesson_page();
	char *html;

	(void)state;
	pi.body_has_title = 1;
	html = page_render(&pi, "<h1 id=\"tools\">Tools</h1>\n<p>x</p>\n");
	assert_int_equal(tu_count_of(html, "<h1"), 1);
	assert_contains(html, "<title>Tools · Water pump maintenance</title>");
	free(html);
}

static void previous_and_next_only_when_given(void **state)
{
	struct page_info pi = lesson_page();
	char *html = page_render(&pi, "");

	(void)state;
	assert_contains(html, "<a rel=\"prev\" href=\"01-safety.html\">");
	assert_contains(html, "Previous</span> <span class=\"title\">Safety rules</span>");
	assert_contains(html, "<a rel=\"next\" href=\"03-repair.html\">");
	assert_contains(html, "Next →</span> <span class=\"title\">Repair</span>");
	assert_contains(html, "Lesson 2 of 3");
	free(html);

	pi.current = 0;
	pi.prev = NULL;
	pi.next = &lessons[1];
	html = page_render(&pi, "");
	assert_lacks(html, "rel=\"prev\"");
	assert_contains(html, "rel=\"next\"");
	assert_contains(html, "Lesson 1 of 3");
	free(html);

	pi.current = 2;
	pi.prev = &lessons[1];
	pi.next = NULL;
	html = page_render(&pi, "");
	assert_contains(html, "rel=\"prev\"");
	assert_lacks(html, "rel=\"next\"");
	free(html);
}

static void contents_mark_the_current_lesson(void **state)
{
	struct page_info pi = lesson_page();
	char *html = page_render(&pi, "");

	(void)state;
	assert_int_equal(tu_count_of(html, "aria-current=\"page\""), 1);
	assert_contains(html, "<li><a href=\"02-tools.html\" aria-current=\"page\">Tools</a></li>");
	assert_contains(html, "<li><a href=\"01-safety.html\">Safety rules</a></li>");
	assert_contains(html, "<li><a href=\"03-repair.html\">Repair</a></li>");
	free(html);

	pi.contents_count = 0;
	html = page_render(&pi, "");
	assert_lacks(html, "<nav class=\"contents\"");
	assert_lacks(html, "aria-current");
	free(html);
}

static void every_text_is_escaped(void **state)
{
	static const struct page_link evil[] = {
		{ "a.html\"><script>x</script>", "<script>alert(1)</script>" },
		{ "b.html", "Tom & \"Jerry\" 'quoted'" },
	};
	struct page_info pi = lesson_page();
	char *html;

	(void)state;
	pi.lang = "en\"><script>";
	pi.title = "<script>alert('t')</script>";
	pi.course_title = "A & B <i>";
	pi.root = "\"><script>/";
	pi.contents = evil;
	pi.contents_count = 2;
	pi.current = 1;
	pi.prev = &evil[0];
	pi.next = &evil[1];
	html = page_render(&pi, "<p>kept as is</p>");
	assert_non_null(html);
	assert_int_equal(tu_count_of(html, "<script"), 0);
	assert_lacks(html, "<i>");
	assert_contains(html, "<html lang=\"en&quot;&gt;&lt;script&gt;\">");
	assert_contains(html, "<title>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; · A &amp; B "
	                      "&lt;i&gt;</title>");
	assert_contains(html, "Tom &amp; &quot;Jerry&quot; &#39;quoted&#39;");
	assert_contains(html, "href=\"a.html&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"");
	assert_contains(html, "<p>kept as is</p>");
	free(html);
}

static void labels_speak_the_course_language(void **state)
{
	static const char *const keys[] = { "contents", "previous", "next",      "home",
		                            "lessons",  "licence",  "publisher", "subtitles",
		                            "download", "skip",     "lesson_of", "back" };
	static const char *const langs[] = { "th", "km", "zh-Hans", "vi", "lo",
		                             "my", "ms", "id",      "fil" };

	(void)state;
	for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			const char *en = page_label("en", keys[k]);
			const char *t = page_label(langs[l], keys[k]);

			assert_non_null(t);
			assert_true(t[0] != '\0');
			/* Thai and Khmer differ from English everywhere; the others at least mostly */
			if ((strcmp(langs[l], "th") == 0 || strcmp(langs[l], "km") == 0) &&
			    strcmp(en, t) == 0)
				fail_msg("%s label '%s' is the English one", langs[l], keys[k]);
		}
		assert_string_not_equal(page_label(langs[l], "contents"),
		                        page_label("en", "contents"));
		assert_non_null(strstr(page_label(langs[l], "lesson_of"), "{n}"));
		assert_non_null(strstr(page_label(langs[l], "lesson_of"), "{count}"));
	}
	assert_string_equal(page_label("th", "next"), "ถัดไป");
	assert_string_equal(page_label("km", "contents"), "មាតិកា");
	/* tags as written in the wild */
	assert_string_equal(page_label("TH", "next"), page_label("th", "next"));
	assert_string_equal(page_label("th-TH", "next"), page_label("th", "next"));
	assert_string_equal(page_label("zh", "next"), page_label("zh-Hans", "next"));
	assert_string_equal(page_label("tl", "next"), page_label("fil", "next"));
	/* unknown language: English; unknown key: the key */
	assert_string_equal(page_label("xx", "next"), "Next");
	assert_string_equal(page_label(NULL, "next"), "Next");
	assert_string_equal(page_label("en", "licence"), "Licence");
	assert_string_equal(page_label("th", "no-such-key"), "no-such-key");
}

static void labels_on_a_page_in_another_language(void **state)
{
	struct page_info pi = lesson_page();
	char *html;

	(void)state;
	pi.lang = "en"; /* an English lesson in a Thai course */
	pi.ui_lang = "th";
	html = page_render(&pi, "");
	assert_contains(html, "<html lang=\"en\">");
	assert_contains(html, "<summary><span lang=\"th\">สารบัญ</span></summary>");
	assert_contains(html, "บทที่ 2 จาก 3");
	assert_lacks(html, "Contents");
	free(html);

	pi.lang = "km";
	pi.ui_lang = "km";
	html = page_render(&pi, "");
	assert_contains(html, "<summary>មាតិកា</summary>");
	assert_contains(html, "មេរៀនទី 2 នៃ 3");
	free(html);
}

static void stylesheet_is_small_local_and_responsive(void **state)
{
	const char *css = page_stylesheet();

	(void)state;
	assert_true(strlen(css) > 1000);
	assert_true(strlen(css) < 8192);
	assert_ptr_equal(page_stylesheet(), css);
	assert_lacks(css, "http");
	assert_lacks(css, "@import");
	assert_lacks(css, "url(");
	assert_lacks(css, "@font-face");
	assert_contains(css, "\"Noto Sans Thai\"");
	assert_contains(css, "\"Noto Sans Khmer\"");
	assert_contains(css, "\"Noto Sans Lao\"");
	assert_contains(css, "\"Noto Sans Myanmar\"");
	assert_contains(css, "\"Noto Sans CJK SC\"");
	assert_contains(css, "max-width:100%;height:auto");
	assert_contains(css, ".table{overflow-x:auto");
	assert_contains(css, ":focus-visible{outline:");
	assert_contains(css, "@media (prefers-color-scheme:dark)");
	assert_contains(css, "@media print");
	assert_int_equal(tu_count_of(css, "{"), tu_count_of(css, "}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lesson_page_is_a_whole_document),
		cmocka_unit_test(root_page_and_home_page),
		cmocka_unit_test(body_with_its_own_title_gets_no_second_h1),
		cmocka_unit_test(previous_and_next_only_when_given),
		cmocka_unit_test(contents_mark_the_current_lesson),
		cmocka_unit_test(every_text_is_escaped),
		cmocka_unit_test(labels_speak_the_course_language),
		cmocka_unit_test(labels_on_a_page_in_another_language),
		cmocka_unit_test(stylesheet_is_small_local_and_responsive),
	};
	return cmocka_run_group_tests_name("page", tests, NULL, NULL);
}

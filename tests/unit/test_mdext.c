/* test_mdext.c - the Pandoc Markdown producers write: front matter, fenced divs, attributes, definition lists, footnotes, output, web links (builder/mdext.c, builder/markdown.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "mdext.h"
#include "sbuf.h"

static struct md_doc *parse(const char *text)
{
	struct md_doc *doc = md_parse(text, strlen(text), false);

	assert_non_null(doc);
	return doc;
}

/* Pictures are pictures, web addresses text, the rest as written: as the builder does. */
static void resolve(void *ctx, enum md_ref_kind kind, const char *url, struct md_target *out)
{
	(void)ctx;
	memset(out, 0, sizeof *out);
	out->kind = MD_EMBED_KEEP;
	if (strncmp(url, "http", 4) == 0)
		out->kind = MD_EMBED_TEXT;
	else if (kind == MD_REF_IMAGE && strstr(url, ".png")) {
		out->kind = MD_EMBED_IMAGE;
		out->width = 800;
		out->height = 600;
	}
}

static char *render(struct md_doc *doc, const char *lang)
{
	char *html = md_render(doc, lang, resolve, NULL);

	assert_non_null(html);
	return html;
}

static char *render_text(const char *text, const char *lang)
{
	struct md_doc *doc = parse(text);
	char *html = render(doc, lang);

	md_free(doc);
	return html;
}

/* The warning at line whose message contains text, or a failure. */
static void expect_warning(const struct md_doc *doc, unsigned line, const char *text)
{
	size_t n;
	const struct md_dropped *w = md_dropped(doc, &n);

	for (size_t i = 0; i < n; i++)
		if (w[i].line == line && strstr(w[i].message, text))
			return;
	for (size_t i = 0; i < n; i++)
		print_error("  %u: %s\n", w[i].line, w[i].message);
	fail_msg("no warning at line %u: %s", line, text);
}

static size_t warnings(const struct md_doc *doc)
{
	size_t n;

	md_dropped(doc, &n);
	return n;
}

/* ---- front matter ---- */

static void front_matter_gives_the_title_and_is_never_shown(void **state)
{
	const char *text = "---\n"
	                   "title: 'Pipes and Filters'\n"
	                   "teaching: 25\n"
	                   "exercises: 10\n"
	                   "---\n"
	                   "\n"
	                   "## Counting\n";
	struct md_doc *doc = parse(text);
	const struct md_heading *h;
	size_t n;
	char *html;

	(void)state;
	assert_string_equal(md_title(doc), "Pipes and Filters");
	expect_warning(doc, 3, "front matter field 'teaching' is ignored");
	expect_warning(doc, 4, "front matter field 'exercises' is ignored");
	assert_int_equal(warnings(doc), 2);
	h = md_headings(doc, &n);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].line, 7); /* the file's own line numbers */
	html = render(doc, "en");
	assert_lacks(html, "title");
	assert_lacks(html, "teaching");
	assert_lacks(html, "<hr");
	assert_string_equal(html, "<h2 id=\"counting\">Counting</h2>\n");
	free(html);
	md_free(doc);

	/* "..." ends it too; CRLF lines, a byte order mark; no title: the first heading's */
	doc = parse("\xEF\xBB\xBF---\r\nlayout: page\r\n...\r\n# Intro\r\n");
	assert_string_equal(md_title(doc), "Intro");
	expect_warning(doc, 2, "'layout' is ignored");
	md_free(doc);
}

static void a_rule_and_text_are_not_front_matter(void **state)
{
	struct md_doc *doc;
	char *html;

	(void)state;
	/* text between two rules is no YAML mapping: Markdown as ever */
	doc = parse("---\nJust a line.\n\n---\n");
	html = render(doc, "en");
	assert_contains(html, "<hr />");
	assert_contains(html, "<p>Just a line.</p>");
	assert_int_equal(warnings(doc), 0);
	free(html);
	md_free(doc);
	/* broken YAML: said, and read as Markdown */
	doc = parse("---\ntitle: [unclosed\n---\n\nText.\n");
	expect_warning(doc, 3, "lines 1-3 look like YAML front matter but are not valid YAML");
	md_free(doc);
	/* never closed: not front matter */
	doc = parse("---\ntitle: x\n");
	assert_int_equal(warnings(doc), 0);
	md_free(doc);
}

/* ---- fenced divs ---- */

static void fenced_divs_are_labelled_boxes(void **state)
{
	static const struct {
		const char *cls, *label;
	} boxes[] = {
		{ "objectives", "Objectives" },
		{ "questions", "Questions" },
		{ "keypoints", "Key points" },
		{ "callout", "Note" },
		{ "challenge", "Challenge" },
		{ "exercise", "Exercise" },
		{ "hint", "Hint" },
		{ "discussion", "Discussion" },
		{ "testimonial", "Testimonial" },
	};
	char text[256], want[256], *html;

	(void)state;
	for (size_t i = 0; i < sizeof boxes / sizeof boxes[0]; i++) {
		/* both forms: a class word and an attribute block */
		snprintf(text, sizeof text, "::: %s\nInside *it*.\n:::\n\n::: {.%s}\nAgain.\n:::\n",
		         boxes[i].cls, boxes[i].cls);
		html = render_text(text, "en");
		snprintf(want, sizeof want,
		         "<div class=\"box %s\">\n<p class=\"box-label\">%s</p>\n<p>Inside "
		         "<em>it</em>.</p>\n</div>\n",
		         boxes[i].cls, boxes[i].label);
		assert_contains(html, want);
		assert_lacks(html, ":::");
		free(html);
	}
	/* the label is in the page's language */
	html = render_text("::: challenge\nลองทำ\n:::\n", "th");
	assert_contains(html, "<p class=\"box-label\">โจทย์ท้าทาย</p>");
	free(html);
	html = render_text("::: keypoints\nx\n:::\n", "km");
	assert_contains(html, "<p class=\"box-label\">ចំណុចសំខាន់</p>");
	free(html);
}

static void fenced_divs_nest_and_end_where_pandoc_ends_them(void **state)
{
	const char *text = "::::::::::::::::::::::::::::::::::::::: challenge\n" /* 1 */
	                   "\n"
	                   "## Sorting\n"
	                   "\n"
	                   "Which is first?\n" /* 5 */
	                   "\n"
	                   ":::::::::::::::  solution\n"
	                   "\n"
	                   "```bash\n"
	                   ":::\n" /* 10: code, not a fence */
	                   "```\n"
	                   "\n"
	                   ":::::::::::::::::::::::::\n" /* 13: ends the solution */
	                   "After the solution.\n"
	                   "::::::::::::::::::::::::::::::::::::::::::::::::::\n" /* 15 */
	                   "\n"
	                   "Outside.\n";
	struct md_doc *doc = parse(text);
	char *html = render(doc, "en");

	(void)state;
	assert_int_equal(warnings(doc), 0);
	assert_contains(html,
	                "<div class=\"box challenge\">\n<p class=\"box-label\">Challenge</p>\n"
	                "<h2 id=\"sorting\">Sorting</h2>\n<p>Which is first?</p>\n"
	                "<details class=\"box solution\">\n<summary>Solution</summary>\n"
	                "<pre><code class=\"language-bash\">:::\n</code></pre>\n"
	                "</details>\n<p>After the solution.</p>\n</div>\n<p>Outside.</p>\n");
	free(html);
	md_free(doc);
}

static void solutions_and_spoilers_fold(void **state)
{
	char *html;

	(void)state;
	/* a heading that opens it is its summary, with its id */
	html = render_text("::: solution\n## Solution\n\nThe answer.\n:::\n", "en");
	assert_contains(html, "<details class=\"box solution\">\n<summary>\n"
	                      "<h2 id=\"solution\">Solution</h2>\n</summary>\n<p>The answer.</p>\n"
	                      "</details>");
	assert_lacks(html, "<script");
	free(html);
	/* else the label, in the page's language */
	html = render_text("::: spoiler\nMore.\n:::\n", "vi");
	assert_contains(html, "<details class=\"box spoiler\">\n<summary>Xem chi tiết</summary>\n"
	                      "<p>More.</p>\n</details>");
	free(html);
}

static void unknown_unclosed_and_stray_fences_are_told(void **state)
{
	const char *text = "::: sidebar\n"
	                   "Aside.\n"
	                   ":::\n"
	                   "\n"
	                   "::: {#only-an-id}\n"
	                   "x\n"
	                   ":::\n"
	                   "\n"
	                   ":::\n" /* 9: closes nothing */
	                   "\n"
	                   "::::: challenge\n" /* 11 */
	                   "Never closed.\n";
	struct md_doc *doc = parse(text);
	char *html = render(doc, "en");

	(void)state;
	expect_warning(doc, 1, "fenced div class 'sidebar' is unknown: shown as a plain box");
	expect_warning(doc, 5, "fenced div without a class");
	expect_warning(doc, 9, "a line ':::' that opens or closes no fenced div");
	expect_warning(doc, 11, "fenced div 'challenge' is never closed");
	assert_int_equal(warnings(doc), 4);
	assert_contains(html, "<div class=\"box sidebar\">\n<p>Aside.</p>\n</div>");
	assert_contains(html, "<div class=\"box\" id=\"only-an-id\">\n<p>x</p>\n</div>");
	free(html);
	md_free(doc);
}

static void instructor_notes_never_reach_the_page(void **state)
{
	const char *text = "# Loops\n"
	                   "\n"
	                   "Students read this.\n"
	                   "\n"
	                   "::: instructor\n"
	                   "## For teachers\n"
	                   "Secret teaching tip.\n"
	                   ":::\n"
	                   "\n"
	                   "Students read this too.\n"
	                   "\n"
	                   "::: challenge\n"
	                   "Try it.\n"
	                   "\n"
	                   ":::: instructor\n"
	                   "Common mistake: quoting.\n"
	                   "::::\n"
	                   ":::\n";
	struct md_doc *doc = parse(text);
	const struct md_section *s;
	size_t n;
	char *html;

	(void)state;
	html = render(doc, "en");
	assert_lacks(html, "Secret");
	assert_lacks(html, "Common mistake");
	assert_lacks(html, "instructor");
	assert_contains(html, "Try it.");
	assert_non_null(md_teacher_html(doc));
	assert_string_equal(md_teacher_html(doc),
	                    "<div class=\"box instructor\">\n<p class=\"box-label\">Instructor "
	                    "note</p>\n<h2 id=\"for-teachers\">For teachers</h2>\n<p>Secret "
	                    "teaching tip.</p>\n</div>\n"
	                    "<div class=\"box instructor\">\n<p class=\"box-label\">Instructor "
	                    "note</p>\n<p>Common mistake: quoting.</p>\n</div>\n");
	/* nor the students' search, whose sections are the page's */
	s = md_sections(doc, &n);
	assert_int_equal(n, 2);
	assert_string_equal(s[0].slug, "loops");
	assert_string_equal(s[0].text, "Students read this. Students read this too.");
	assert_string_equal(s[1].text, "Try it."); /* the challenge, a section of its own */
	for (size_t i = 0; i < n; i++) {
		assert_lacks(s[i].text, "Secret");
		assert_lacks(s[i].text, "mistake");
	}
	free(html);
	md_free(doc);
	/* a lesson without notes has none */
	doc = parse("Nothing for teachers.\n");
	html = render(doc, "en");
	assert_null(md_teacher_html(doc));
	free(html);
	md_free(doc);
}

/* A crafted lesson of fences nested thousands deep: boxes to a bound, then text, in time. */
static void deep_nesting_is_bounded(void **state)
{
	struct sbuf b;
	struct md_doc *doc;
	char *text, *html;
	size_t n;

	(void)state;
	sbuf_init(&b, 1 << 24);
	for (int i = 0; i < 20000; i++)
		assert_true(sbuf_adds(&b, "::: challenge\n"));
	assert_true(sbuf_adds(&b, "deep\n"));
	for (int i = 0; i < 20000; i++)
		assert_true(sbuf_adds(&b, ":::\n"));
	text = sbuf_take(&b, &n);
	doc = md_parse(text, n, false);
	assert_non_null(doc);
	html = md_render(doc, "en", NULL, NULL);
	assert_non_null(html);
	assert_int_equal(tu_count_of(html, "<div class=\"box challenge\">"), 32);
	free(html);
	md_free(doc);
	free(text);
}

/* ---- attribute blocks ---- */

static void attribute_blocks_are_read_pandoc_s_way(void **state)
{
	struct mdext_attrs a;
	const char *s;

	(void)state;
	s = "{#fig-1 .wide .dark alt='A \\'quoted\\' \\*star' width=50% -}";
	assert_int_equal(mdext_parse_attrs(s, strlen(s), &a), strlen(s));
	assert_string_equal(a.id, "fig-1");
	assert_string_equal(a.cls, "wide");
	assert_string_equal(a.classes, "wide dark unnumbered");
	assert_string_equal(a.alt, "A 'quoted' *star");
	assert_string_equal(a.keys, "width");
	mdext_attrs_release(&a);
	s = "{alt=\"two\nlines\"}";
	assert_int_equal(mdext_parse_attrs(s, strlen(s), &a), strlen(s));
	assert_string_equal(a.alt, "two\nlines");
	mdext_attrs_release(&a);
	/* not attribute blocks */
	assert_int_equal(mdext_parse_attrs("{braces}", 8, &a), 0);
	assert_int_equal(mdext_parse_attrs("{#}", 3, &a), 0);
	assert_int_equal(mdext_parse_attrs("{alt='open}", 11, &a), 0);
	assert_int_equal(mdext_parse_attrs("{.a", 3, &a), 0);
	assert_null(a.id);
}

static void attributes_go_on_headings_images_links_and_code(void **state)
{
	const char *text = "## Tab completion {#tab .callout}\n" /* 1 */
	                   "\n"
	                   "![](fig/tree.png){alt='A directory tree: \"/Users\" holds \"nelle\"'}\n"
	                   "\n"
	                   "[the manual](manual.md){target=\"_blank\"} and `ls`{.bash}.\n" /* 5 */
	                   "\n"
	                   "A {brace} and ${name} stay text.\n"
	                   "\n"
	                   "## Title {#not-last} here\n";
	struct md_doc *doc = parse(text);
	const struct md_heading *h;
	const struct md_ref *r;
	size_t n;
	char *html;

	(void)state;
	h = md_headings(doc, &n);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].text, "Tab completion");
	assert_string_equal(h[0].slug, "tab");
	assert_string_equal(h[1].slug, "title-not-last-here");
	r = md_refs(doc, &n);
	assert_int_equal(n, 2);
	assert_true(r[0].has_alt); /* no "image has no alt text" */
	assert_int_equal(r[0].line, 3);
	html = render(doc, "en");
	assert_contains(html, "<h2 id=\"tab\">Tab completion</h2>");
	assert_contains(html,
	                "alt=\"A directory tree: &quot;/Users&quot; holds &quot;nelle&quot;\"");
	assert_contains(html, "<a href=\"manual.md\">the manual</a> and <code>ls</code>.");
	assert_contains(html, "<p>A {brace} and ${name} stay text.</p>");
	assert_contains(html, "Title {#not-last} here</h2>");
	assert_lacks(html, "{alt");
	assert_lacks(html, "target");
	assert_lacks(html, "{.bash}");
	free(html);
	/* What the page leaves out is told at its line; what it shows is not. */
	expect_warning(doc, 1,
	               "heading attribute '.callout' not shown on the page: a heading shows only "
	               "its #id");
	expect_warning(doc, 5, "link attribute 'target=...' not shown on the page");
	expect_warning(doc, 5, "code span attribute '.bash' not shown on the page");
	assert_int_equal(warnings(doc), 3); /* nothing about the image's alt */
	md_free(doc);
	doc = parse("![A pump](p.png){#pump .wide width=50%}\n\n"
	            "A [term]{#term .mark .big lang=en} and [x]{.smallcaps}.\n");
	expect_warning(doc, 1, "image attributes '#pump', '.wide', 'width=...' not shown");
	expect_warning(doc, 3,
	               "span attributes '.big', 'lang=...' not shown on the page: a span "
	               "shows only its #id and the classes smallcaps");
	assert_int_equal(warnings(doc), 2);
	md_free(doc);
}

/*
 * Braces after links that never close: each could be read as far as an
 * attribute block may go; a bound on the whole lesson keeps the page's
 * time linear.  The braces stay text.
 */
static void unclosed_attribute_blocks_are_bounded(void **state)
{
	struct sbuf b;
	struct md_doc *doc;
	char *text, *html;
	size_t n;

	(void)state;
	sbuf_init(&b, 1 << 24);
	for (int i = 0; i < 20000; i++)
		assert_true(sbuf_adds(&b, "[a](b){'"));
	text = sbuf_take(&b, &n);
	doc = md_parse(text, n, false);
	assert_non_null(doc);
	html = md_render(doc, "en", NULL, NULL);
	assert_non_null(html);
	assert_int_equal(tu_count_of(html, "<a href=\"b\">a</a>{'"), 20000);
	free(html);
	md_free(doc);
	free(text);
}

/* The Workbench's prerequisite box: a box of its own, labelled in the course's language. */
static void prerequisites_are_labelled_boxes(void **state)
{
	struct md_doc *doc = parse("::: prereq\n## Prerequisites\nA terminal.\n:::\n");
	char *html;

	(void)state;
	assert_int_equal(warnings(doc), 0);
	html = render(doc, "en");
	assert_contains(html,
	                "<div class=\"box prereq\">\n<p class=\"box-label\">Prerequisite</p>");
	free(html);
	html = render(doc, "th");
	assert_contains(html, "ความรู้พื้นฐานที่ต้องมี");
	free(html);
	md_free(doc);
}

/* ---- bracketed spans ---- */

static void spans_carry_an_id_and_the_classes_the_page_styles(void **state)
{
	const char *text = "[absolute path]{#absolute-path}\n"
	                   ":   A [path](#path) from the root.\n"
	                   "\n"
	                   "[path]{#path .smallcaps .wide lang=en}\n"
	                   ": Where a file is.\n"
	                   "\n"
	                   "A [quiet aside]{.note} and [**bold** `code`]{.mark}.\n"
	                   "\n"
	                   "[Nothing kept]{.wide key=value}.\n"
	                   "\n"
	                   "## See [the loop]{#loop-term} {#loops}\n";
	struct md_doc *doc = parse(text);
	const struct md_heading *h;
	size_t n;
	char *html;

	(void)state;
	assert_true(md_has_anchor(doc, "absolute-path", false));
	assert_true(md_has_anchor(doc, "path", false));
	assert_true(md_has_anchor(doc, "loop-term", false));
	assert_true(md_has_anchor(doc, "loops", false));
	assert_false(md_has_anchor(doc, "wide", false));
	h = md_headings(doc, &n);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].text, "See the loop");
	html = render(doc, "en");
	assert_contains(html, "<dt>\n<span id=\"absolute-path\">absolute path</span>\n</dt>");
	assert_contains(html, "<a href=\"#path\">path</a>");
	assert_contains(html, "<span id=\"path\" class=\"smallcaps\">path</span>");
	assert_contains(html, "A <span class=\"note\">quiet aside</span> and <span "
	                      "class=\"mark\"><strong>bold</strong> <code>code</code></span>.");
	assert_contains(html, "<p>Nothing kept.</p>");
	assert_contains(html, "<h2 id=\"loops\">See <span id=\"loop-term\">the loop</span></h2>");
	assert_lacks(html, "wide");
	assert_lacks(html, "value");
	assert_lacks(html, "{");
	assert_lacks(html, "[");
	free(html);
	md_free(doc);
}

static void brackets_without_a_block_escaped_or_unclosed_stay_text(void **state)
{
	char *html;

	(void)state;
	html = render_text("plain [text], a [link](to.md){#l .x} and [ref] text.\n\n"
	                   "[ref]: ref.md\n",
	                   "en");
	assert_string_equal(html, "<p>plain [text], a <a href=\"to.md\">link</a> and <a "
	                          "href=\"ref.md\">ref</a> text.</p>\n");
	free(html);
	/* escaped brackets, a block that never closes, a "]" that opens nothing */
	html = render_text("\\[esc]{#a} [esc\\]{#b} [open]{#c and] x]{#d} [a]{#\n", "en");
	assert_string_equal(html, "<p>[esc]{#a} [esc]{#b} [open]{#c and] x]{#d} [a]{#</p>\n");
	free(html);
	/* nested brackets pair as CommonMark pairs them; an image's "!" is kept */
	html = render_text("[a [b] [c]{.mark} d]{#out} and ![no picture]{#p}\n", "en");
	assert_string_equal(html, "<p><span id=\"out\">a [b] <span class=\"mark\">c</span> "
	                          "d</span> and !<span id=\"p\">no picture</span></p>\n");
	free(html);
	/* a link inside a span, a span inside a link */
	html = render_text("[see [it](x.md) here]{#s} and [the [term]{.mark}](y.md)\n", "en");
	assert_string_equal(html,
	                    "<p><span id=\"s\">see <a href=\"x.md\">it</a> here</span> and "
	                    "<a href=\"y.md\">the <span class=\"mark\">term</span></a></p>\n");
	free(html);
}

/* An anchor in the teachers' notes is no place a student's link can reach. */
static void anchors_in_instructor_notes_are_the_notes_own(void **state)
{
	struct md_doc *doc = parse("# Page\n\n[here]{#seen}\n\n"
	                           "::: instructor\n## Tip {#tip}\n\n[there]{#hidden}\n:::\n");

	(void)state;
	assert_true(md_has_anchor(doc, "seen", false));
	assert_true(md_has_anchor(doc, "page", false));
	assert_false(md_has_anchor(doc, "hidden", false));
	assert_false(md_has_anchor(doc, "tip", false));
	assert_true(md_has_anchor(doc, "hidden", true));
	assert_true(md_has_anchor(doc, "tip", true));
	md_free(doc);
}

/* Spans nested thousands deep: spans to a bound, the text always; in time. */
static void deep_spans_are_bounded(void **state)
{
	struct sbuf b;
	struct md_doc *doc;
	char *text, *html;
	size_t n;

	(void)state;
	sbuf_init(&b, 1 << 24);
	for (int i = 0; i < 5000; i++)
		assert_true(sbuf_adds(&b, "["));
	assert_true(sbuf_adds(&b, "deep"));
	for (int i = 0; i < 5000; i++)
		assert_true(sbuf_adds(&b, "]{.mark}"));
	text = sbuf_take(&b, &n);
	doc = md_parse(text, n, false);
	assert_non_null(doc);
	html = md_render(doc, "en", NULL, NULL);
	assert_non_null(html);
	assert_int_equal(tu_count_of(html, "<span class=\"mark\">"), 32);
	assert_int_equal(tu_count_of(html, "</span>"), 32);
	assert_contains(html, "deep");
	assert_lacks(html, "[");
	free(html);
	md_free(doc);
	free(text);
}

/*
 * "]" after "]" with no "[" to close, thousands of times: each walk back
 * could cross the whole paragraph; the lesson's budget (a million inlines,
 * as attribute blocks have a million bytes) keeps it linear, and past it
 * the braces are text.
 */
static void spans_walking_back_are_bounded(void **state)
{
	struct sbuf b;
	struct md_doc *doc;
	char *text, *html;
	size_t n;

	(void)state;
	sbuf_init(&b, 1 << 24);
	for (int i = 0; i < 40000; i++)
		assert_true(sbuf_adds(&b, "a]{#x} "));
	assert_true(sbuf_adds(&b, "[last]{#end}\n"));
	text = sbuf_take(&b, &n);
	doc = md_parse(text, n, false);
	assert_non_null(doc);
	html = md_render(doc, "en", NULL, NULL);
	assert_non_null(html);
	assert_int_equal(tu_count_of(html, "a]{#x}"), 40000);
	assert_false(md_has_anchor(doc, "x", false));
	/* the budget spent: the last span is text too */
	assert_contains(html, "[last]{#end}");
	free(html);
	md_free(doc);
	free(text);
}

/* ---- definition lists, footnotes ---- */

static void definition_lists(void **state)
{
	char *html;

	(void)state;
	html = render_text("Intro.\n\n"
	                   "Shell\n"
	                   ": A program that runs commands\n"
	                   "typed by a user.\n"
	                   ": Also: a seashell.\n"
	                   "\n"
	                   "Pipe\n"
	                   "\n"
	                   ":   Joins two commands.\n",
	                   "en");
	assert_contains(html, "<p>Intro.</p>\n<dl>\n<dt>\nShell\n</dt>\n<dd>\n<p>A program that "
	                      "runs commands\ntyped by a user.</p>\n</dd>\n<dd>\n<p>Also: a "
	                      "seashell.</p>\n</dd>\n<dt>\nPipe\n</dt>\n<dd>\n<p>Joins two "
	                      "commands.</p>\n</dd>\n</dl>\n");
	free(html);
	/* a colon inside a line is only text */
	html = render_text("Note: this is no list.\n", "en");
	assert_string_equal(html, "<p>Note: this is no list.</p>\n");
	free(html);
}

static void footnotes(void **state)
{
	char *html = render_text("A claim.[^src]\n\n[^src]: Where it comes from.\n", "en");

	(void)state;
	assert_contains(html, "<sup class=\"footnote-ref\"><a href=\"#fn-src\" id=\"fnref-src\"");
	assert_contains(html, "<li id=\"fn-src\">\n<p>Where it comes from.");
	assert_lacks(html, "[^src]");
	assert_contains(html, "class=\"footnote-backref\" data-footnote-backref "
	                      "aria-label=\"Back to content\"");
	free(html);
	/* The way back is read out in the course's language, every one of them. */
	html = render_text("ข้อความ[^a] และ[^a]\n\n[^a]: ที่มา\n", "th");
	assert_int_equal(tu_count_of(html, "aria-label=\"กลับไปที่เนื้อหา\""), 2);
	assert_lacks(html, "Back to content");
	free(html);
}

/* ---- commands and their output ---- */

static void output_and_errors_are_labelled(void **state)
{
	char *html = render_text("```bash\n$ ls\n```\n\n```output\nfile.txt\n```\n\n"
	                         "```error\nls: cannot access\n```\n\n```warning\ncareful\n```\n",
	                         "en");

	(void)state;
	assert_contains(html, "<pre><code class=\"language-bash\">$ ls\n</code></pre>\n"
	                      "<figure class=\"code output\"><figcaption>Output</figcaption>\n"
	                      "<pre><code class=\"language-output\">file.txt\n</code></pre>\n"
	                      "</figure>\n");
	assert_contains(html, "<figure class=\"code error\"><figcaption>Error</figcaption>");
	assert_contains(html, "<figure class=\"code warning\"><figcaption>Warning</figcaption>");
	free(html);
	html = render_text("```output\nx\n```\n", "zh");
	assert_contains(html, "<figcaption>输出</figcaption>");
	free(html);
}

/* ---- links to the web ---- */

static void web_links_become_copyable_text(void **state)
{
	struct md_doc *doc = parse("Read [the Bash manual](https://www.gnu.org/software/bash/) "
	                           "or https://example.org/x today.\n");
	const struct md_ref *r;
	size_t n;
	char *html;

	(void)state;
	r = md_refs(doc, &n);
	assert_int_equal(n, 2);
	assert_false(r[0].bare);
	assert_true(r[1].bare);
	html = render(doc, "en");
	assert_string_equal(html, "<p>Read the Bash manual (https://www.gnu.org/software/bash/) or "
	                          "https://example.org/x today.</p>\n");
	free(html);
	md_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(front_matter_gives_the_title_and_is_never_shown),
		cmocka_unit_test(a_rule_and_text_are_not_front_matter),
		cmocka_unit_test(fenced_divs_are_labelled_boxes),
		cmocka_unit_test(fenced_divs_nest_and_end_where_pandoc_ends_them),
		cmocka_unit_test(solutions_and_spoilers_fold),
		cmocka_unit_test(unknown_unclosed_and_stray_fences_are_told),
		cmocka_unit_test(instructor_notes_never_reach_the_page),
		cmocka_unit_test(deep_nesting_is_bounded),
		cmocka_unit_test(attribute_blocks_are_read_pandoc_s_way),
		cmocka_unit_test(attributes_go_on_headings_images_links_and_code),
		cmocka_unit_test(unclosed_attribute_blocks_are_bounded),
		cmocka_unit_test(prerequisites_are_labelled_boxes),
		cmocka_unit_test(spans_carry_an_id_and_the_classes_the_page_styles),
		cmocka_unit_test(brackets_without_a_block_escaped_or_unclosed_stay_text),
		cmocka_unit_test(anchors_in_instructor_notes_are_the_notes_own),
		cmocka_unit_test(deep_spans_are_bounded),
		cmocka_unit_test(spans_walking_back_are_bounded),
		cmocka_unit_test(definition_lists),
		cmocka_unit_test(footnotes),
		cmocka_unit_test(output_and_errors_are_labelled),
		cmocka_unit_test(web_links_become_copyable_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

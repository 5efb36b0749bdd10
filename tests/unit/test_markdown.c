/* test_markdown.c - lessons in Markdown: headings, references, sections, the page body (builder/markdown.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"

static struct md_doc *parse(const char *text, bool allow_html)
{
	struct md_doc *doc = md_parse(text, strlen(text), allow_html);

	assert_non_null(doc);
	return doc;
}

static char *dup_text(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/* Render with no resolver: every link and image as written. */
static char *render_plain(const char *text, bool allow_html)
{
	struct md_doc *doc = parse(text, allow_html);
	char *html = md_render(doc, "en", NULL, NULL);

	assert_non_null(html);
	md_free(doc);
	return html;
}

/* ---- headings and ids ---- */

static void headings_get_unique_ids_and_lines(void **state)
{
	const char *text = "# Pump *maintenance*\n"
	                   "\n"
	                   "Intro.\n"
	                   "\n"
	                   "## Safety\n"
	                   "\n"
	                   "## Safety\n"
	                   "\n"
	                   "Setext, too!\n"
	                   "------------\n"
	                   "\n"
	                   "### Safety\n"
	                   "\n"
	                   "## Safety-1\n"
	                   "\n"
	                   "## ความปลอดภัย\n"
	                   "\n"
	                   "> ## 水泵 `code`\n";
	struct md_doc *doc = parse(text, false);
	const struct md_heading *h;
	size_t n;

	(void)state;
	h = md_headings(doc, &n);
	assert_int_equal(n, 8);
	assert_int_equal(h[0].level, 1);
	assert_string_equal(h[0].text, "Pump maintenance");
	assert_string_equal(h[0].slug, "pump-maintenance");
	assert_int_equal(h[0].line, 1);
	assert_string_equal(h[1].slug, "safety");
	assert_int_equal(h[1].line, 5);
	assert_string_equal(h[2].slug, "safety-1");
	assert_int_equal(h[2].line, 7);
	assert_string_equal(h[3].text, "Setext, too!");
	assert_string_equal(h[3].slug, "setext-too");
	assert_int_equal(h[3].level, 2);
	assert_int_equal(h[3].line, 9);
	assert_string_equal(h[4].slug, "safety-2");
	assert_int_equal(h[4].level, 3);
	/* a heading that spells an id already given still gets its own */
	assert_string_equal(h[5].slug, "safety-1-1");
	assert_string_equal(h[6].slug, "ความปลอดภัย");
	assert_int_equal(h[6].line, 16);
	assert_string_equal(h[7].text, "水泵 code");
	assert_string_equal(h[7].slug, "水泵-code");
	assert_int_equal(h[7].line, 18);
	assert_string_equal(md_title(doc), "Pump maintenance");
	md_free(doc);
}

static void heading_ids_are_rendered(void **state)
{
	const char *text = "# Pump\n\n## Safety\n\n## Safety\n\n<h2>Raw</h2>\n\n## ไฟฟ้า & น้ำ\n";
	char *html;

	(void)state;
	html = render_plain(text, false);
	assert_contains(html, "<h1 id=\"pump\">Pump</h1>");
	assert_contains(html, "<h2 id=\"safety\">Safety</h2>");
	assert_contains(html, "<h2 id=\"safety-1\">Safety</h2>");
	assert_contains(html, "<h2 id=\"ไฟฟ้า--น้ำ\">ไฟฟ้า &amp; น้ำ</h2>");
	assert_lacks(html, "Raw");
	free(html);

	/* raw <h2> kept by allow_html does not shift the ids of the real headings */
	html = render_plain(text, true);
	assert_contains(html, "<h2>Raw</h2>");
	assert_contains(html, "<h2 id=\"safety-1\">Safety</h2>");
	assert_contains(html, "<h2 id=\"ไฟฟ้า--น้ำ\">ไฟฟ้า &amp; น้ำ</h2>");
	assert_int_equal(tu_count_of(html, " id=\""), 4);
	free(html);
}

static void no_heading_no_title(void **state)
{
	struct md_doc *doc = parse("Just text.\n", false);
	size_t n;

	(void)state;
	assert_null(md_title(doc));
	md_headings(doc, &n);
	assert_int_equal(n, 0);
	md_free(doc);

	doc = md_parse("", 0, false);
	assert_non_null(doc);
	assert_null(md_title(doc));
	md_refs(doc, &n);
	assert_int_equal(n, 0);
	md_sections(doc, &n);
	assert_int_equal(n, 0);
	md_free(doc);
}

/* ---- references ---- */

static void links_and_images_with_lines_and_columns(void **state)
{
	const char *text = "# Tools\n"
	                   "\n"
	                   "See [the rules](01-safety.md#fuses) and\n"
	                   "the picture ![A tester](../media/tester.png \"Tester\").\n"
	                   "\n"
	                   "![](../media/no-alt.png) then <http://example.org/a> and\n"
	                   "www.example.com/b or https://example.net/c.\n"
	                   "\n"
	                   "| part | picture |\n"
	                   "|------|---------|\n"
	                   "| [seal](#seal) | ![Seal](seal.svg) |\n"
	                   "\n"
	                   "[ref]: ../media/worksheet.pdf\n"
	                   "\n"
	                   "- [Worksheet][ref]\n";
	struct md_doc *doc = parse(text, false);
	const struct md_ref *r;
	size_t n;

	(void)state;
	r = md_refs(doc, &n);
	assert_int_equal(n, 9);
	assert_int_equal(r[0].kind, MD_REF_LINK);
	assert_string_equal(r[0].url, "01-safety.md#fuses");
	assert_int_equal(r[0].line, 3);
	assert_int_equal(r[0].col, 5);
	assert_false(r[0].has_alt);
	assert_int_equal(r[1].kind, MD_REF_IMAGE);
	assert_string_equal(r[1].url, "../media/tester.png");
	assert_true(r[1].has_alt);
	assert_int_equal(r[1].line, 4);
	assert_int_equal(r[1].col, 13);
	assert_int_equal(r[2].kind, MD_REF_IMAGE);
	assert_false(r[2].has_alt);
	assert_int_equal(r[2].line, 6);
	assert_int_equal(r[2].col, 1);
	/* autolinks: <...>, www. and bare URLs */
	assert_int_equal(r[3].kind, MD_REF_LINK);
	assert_string_equal(r[3].url, "http://example.org/a");
	assert_int_equal(r[3].line, 6);
	assert_int_equal(r[3].col, 32);
	assert_string_equal(r[4].url, "http://www.example.com/b");
	assert_int_equal(r[4].line, 7);
	assert_int_equal(r[4].col, 1);
	assert_string_equal(r[5].url, "https://example.net/c");
	assert_int_equal(r[5].line, 7);
	assert_int_equal(r[5].col, 22);
	/* in a table */
	assert_string_equal(r[6].url, "#seal");
	assert_int_equal(r[6].line, 11);
	assert_int_equal(r[6].col, 3);
	assert_string_equal(r[7].url, "seal.svg");
	assert_int_equal(r[7].kind, MD_REF_IMAGE);
	assert_int_equal(r[7].line, 11);
	assert_int_equal(r[7].col, 19);
	/* a reference link: where it is used, with the definition's URL */
	assert_string_equal(r[8].url, "../media/worksheet.pdf");
	assert_int_equal(r[8].line, 15);
	assert_int_equal(r[8].col, 3);
	md_free(doc);
}

static void urls_in_raw_html_are_found_even_when_dropped(void **state)
{
	const char *text = "# Page\n"
	                   "\n"
	                   "<div class=\"x\">\n"
	                   "<img src=\"../media/a.png\" data-src=\"not-me.png\"\n"
	                   "     srcset=\"b.png 1x, c.png 2x\">\n"
	                   "<video poster='poster.jpg'></video>\n"
	                   "<script src=//cdn.example.com/lib.js></script>\n"
	                   "<p style=\"background: url(bg.png)\">see http://example.org/x</p>\n"
	                   "</div>\n"
	                   "\n"
	                   "Text <a href=\"other.md\">inline</a> here.\n";
	static const char *const want[][2] = {
		{ "../media/a.png", "4" },
		{ "b.png", "5" },
		{ "c.png", "5" },
		{ "poster.jpg", "6" },
		{ "//cdn.example.com/lib.js", "7" },
		{ "bg.png", "8" },
		{ "http://example.org/x", "8" },
		{ "other.md", "11" },
	};

	(void)state;
	for (int allow = 0; allow <= 1; allow++) {
		struct md_doc *doc = parse(text, allow != 0);
		const struct md_ref *r;
		size_t n;

		r = md_refs(doc, &n);
		assert_int_equal(n, sizeof want / sizeof want[0]);
		for (size_t i = 0; i < n; i++) {
			char line[16];

			snprintf(line, sizeof line, "%u", r[i].line);
			assert_int_equal(r[i].kind, MD_REF_HTML);
			assert_string_equal(r[i].url, want[i][0]);
			assert_string_equal(line, want[i][1]);
		}
		assert_int_equal(r[0].col, 11);
		assert_int_equal(r[1].col, 14);
		assert_int_equal(r[7].col, 15);
		md_free(doc);
	}
}

/* ---- sections ---- */

static void sections_hold_the_text_under_each_heading(void **state)
{
	const char *text = "Before the\n"
	                   "first heading.\n"
	                   "\n"
	                   "# Pump\n"
	                   "\n"
	                   "## Empty\n"
	                   "\n"
	                   "## Parts\n"
	                   "\n"
	                   "The *seal* and\n"
	                   "the `shaft`.\n"
	                   "\n"
	                   "- one\n"
	                   "- two\n"
	                   "\n"
	                   "| a | b |\n"
	                   "|---|---|\n"
	                   "| c | d |\n"
	                   "\n"
	                   "```\n"
	                   "make  check\n"
	                   "```\n"
	                   "\n"
	                   "<p>raw</p>\n"
	                   "\n"
	                   "![Seal](seal.png)\n";
	struct md_doc *doc = parse(text, false);
	const struct md_section *s;
	size_t n;

	(void)state;
	s = md_sections(doc, &n);
	assert_int_equal(n, 2); /* "Pump" and "Empty" have no text of their own */
	assert_string_equal(s[0].slug, "");
	assert_string_equal(s[0].heading, "");
	assert_string_equal(s[0].text, "Before the first heading.");
	assert_string_equal(s[1].slug, "parts");
	assert_string_equal(s[1].heading, "Parts");
	assert_string_equal(s[1].text, "The seal and the shaft. one two a b c d make check Seal");
	md_free(doc);
}

/* ---- rendering ---- */

static void gfm_extensions_are_rendered(void **state)
{
	const char *text = "| Part | Price |\n"
	                   "|:-----|------:|\n"
	                   "| seal | 10 |\n"
	                   "\n"
	                   "~~old~~ new\n"
	                   "\n"
	                   "- [ ] clean\n"
	                   "- [x] dry\n";
	char *html = render_plain(text, false);

	(void)state;
	assert_contains(html, "<div class=\"table\">\n<table>");
	assert_contains(html, "</table>\n</div>");
	assert_contains(html, "<th");
	assert_contains(html, ">seal</td>");
	assert_contains(html, "<del>old</del> new");
	assert_contains(html, "<label><input type=\"checkbox\" disabled> clean</label>");
	assert_contains(html, "<label><input type=\"checkbox\" disabled checked> dry</label>");
	free(html);
}

static void raw_html_is_dropped_unless_allowed(void **state)
{
	const char *text = "Hello <b>bold</b> world.\n"
	                   "\n"
	                   "<script>alert(1)</script>\n"
	                   "\n"
	                   "<iframe src=\"x.html\"></iframe>\n"
	                   "\n"
	                   "[js](javascript:alert(2))\n";
	char *html = render_plain(text, false);

	(void)state;
	assert_contains(html, "Hello bold world.");
	assert_lacks(html, "<b>");
	assert_lacks(html, "<script");
	assert_lacks(html, "alert(1)");
	assert_lacks(html, "<iframe");
	assert_lacks(html, "javascript:");
	assert_lacks(html, "raw HTML");
	free(html);

	/* allow_html keeps markup, but never a script or a frame: the sanitizer removes them. */
	html = render_plain(text, true);
	assert_contains(html, "<b>bold</b>");
	assert_lacks(html, "script");
	assert_lacks(html, "alert(1)");
	assert_lacks(html, "iframe");
	assert_lacks(html, "javascript:");
	free(html);
}

/*
 * Kept raw HTML goes through the allowlist with the page around it: it may
 * wrap Markdown (<details>), lose its handlers, and never close the page's
 * own elements with a stray end tag.
 */
static void raw_html_is_sanitized_with_its_page(void **state)
{
	const char *text = "<details>\n<summary>More</summary>\n\n"
	                   "**Bold** and <img src=\"a.png\" alt=\"a\" onerror=\"alert(1)\">\n\n"
	                   "</details>\n\n"
	                   "</div></main></body>\n\n"
	                   "<p style=\"color:red\">Red <kbd>Ctrl</kbd></p>\n";
	char *html = render_plain(text, true);
	struct md_doc *doc = parse(text, true);
	const struct md_dropped *d;
	size_t n;

	(void)state;
	assert_contains(html, "<details>\n<summary>More</summary>\n<p><strong>Bold</strong> and "
	                      "<img src=\"a.png\" alt=\"a\"></p>\n</details>");
	assert_contains(html, "<p>Red <kbd>Ctrl</kbd></p>");
	assert_lacks(html, "onerror");
	assert_lacks(html, "style");
	assert_lacks(html, "</div>");
	assert_lacks(html, "</main>");
	assert_lacks(html, "</body>");
	free(html);
	/* and what went is told, where it was */
	d = md_dropped(doc, &n);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].line, 4);
	assert_int_equal(d[0].col, 39);
	assert_string_equal(d[0].message, "raw HTML <img>: attribute 'onerror' removed: event "
	                                  "handlers never run in a lesson");
	assert_int_equal(d[1].line, 10);
	assert_int_equal(d[1].col, 4);
	md_free(doc);
}

/* A resolver like the builder's: it decides by extension and frees the tracks it gave at its next call. */
struct fake_builder {
	struct md_track *tracks;
	char **srcs;
	size_t calls;
	enum md_ref_kind kinds[16];
	char urls[16][64];
};

static void fake_release(struct fake_builder *fb)
{
	if (fb->srcs) {
		free(fb->srcs[0]);
		free(fb->srcs[1]);
	}
	free(fb->srcs);
	free(fb->tracks);
	fb->srcs = NULL;
	fb->tracks = NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void fake_resolve(void *ctx, enum md_ref_kind kind, const char *url, struct md_target *out)
{
	struct fake_builder *fb = ctx;

	fake_release(fb);
	if (fb->calls < 16) {
		fb->kinds[fb->calls] = kind;
		snprintf(fb->urls[fb->calls], sizeof fb->urls[0], "%s", url);
	}
	fb->calls++;
	memset(out, 0, sizeof *out);
	if (ends_with(url, ".mp4")) {
		fb->tracks = calloc(2, sizeof *fb->tracks);
		fb->srcs = calloc(2, sizeof *fb->srcs);
		assert_non_null(fb->tracks);
		assert_non_null(fb->srcs);
		fb->srcs[0] = dup_text("../media/pump.th.vtt");
		fb->srcs[1] = dup_text("../media/pump.en.vtt");
		fb->tracks[0] = (struct md_track){ fb->srcs[0], "th", "ไทย" };
		fb->tracks[1] = (struct md_track){ fb->srcs[1], "en", "English" };
		out->kind = MD_EMBED_VIDEO;
		out->href = dup_text("../media/pump.mp4");
		out->width = 640;
		out->height = 360;
		out->tracks = fb->tracks;
		out->tracks_count = 2;
	} else if (ends_with(url, ".mp3")) {
		out->kind = MD_EMBED_AUDIO;
	} else if (ends_with(url, ".png")) {
		out->kind = MD_EMBED_IMAGE;
		out->width = 320;
		out->height = 240;
	} else if (ends_with(url, ".pdf")) {
		out->kind = MD_EMBED_FILE;
		out->href = dup_text("../media/worksheet.pdf");
		out->note = dup_text("(PDF, 120 KB)");
	} else if (strstr(url, ".md")) {
		out->href = dup_text("02-tools.html");
	}
}

static char *render_with(const char *text, struct fake_builder *fb)
{
	struct md_doc *doc = parse(text, false);
	char *html;

	memset(fb, 0, sizeof *fb);
	html = md_render(doc, "en", fake_resolve, fb);
	fake_release(fb);
	assert_non_null(html);
	md_free(doc);
	return html;
}

static void resolver_decides_how_targets_are_shown(void **state)
{
	const char *text =
	        "# Pump\n"
	        "\n"
	        "![Changing a seal](pump.mp4)\n"
	        "\n"
	        "![Pump noise](noise.mp3)\n"
	        "\n"
	        "Look: ![The tester](tester.png) and read [the tools](02-tools.md#fuses).\n"
	        "\n"
	        "Print [the **worksheet**](worksheet.pdf).\n"
	        "\n"
	        "Write to [us](mailto:media@example.org).\n";
	struct fake_builder fb;
	char *html = render_with(text, &fb);

	(void)state;
	assert_int_equal(fb.calls, 6);
	assert_int_equal(fb.kinds[0], MD_REF_IMAGE);
	assert_string_equal(fb.urls[0], "pump.mp4");
	assert_int_equal(fb.kinds[3], MD_REF_LINK);
	assert_string_equal(fb.urls[3], "02-tools.md#fuses");
	/* video: a figure with every track, the first the default, the alt text as caption */
	assert_contains(html, "<figure class=\"media\"><video controls preload=\"metadata\" "
	                      "src=\"../media/pump.mp4\" width=\"640\" height=\"360\">");
	assert_contains(html, "<track kind=\"subtitles\" src=\"../media/pump.th.vtt\" "
	                      "srclang=\"th\" label=\"ไทย\" default>");
	assert_contains(html, "<track kind=\"subtitles\" src=\"../media/pump.en.vtt\" "
	                      "srclang=\"en\" label=\"English\">");
	assert_int_equal(tu_count_of(html, " default>"), 1);
	assert_contains(html, "</video><figcaption>Changing a seal</figcaption></figure>");
	assert_lacks(html, "<p><figure");
	/* audio */
	assert_contains(html, "<figure class=\"media\"><audio controls preload=\"metadata\" "
	                      "src=\"noise.mp3\">");
	assert_contains(html, "</audio><figcaption>Pump noise</figcaption></figure>");
	/* image with its size */
	assert_contains(html, "<img src=\"tester.png\" alt=\"The tester\" width=\"320\" "
	                      "height=\"240\" loading=\"lazy\">");
	/* kept link, href rewritten */
	assert_contains(html, "<a href=\"02-tools.html\">the tools</a>");
	/* download link: the label keeps its Markdown */
	assert_contains(html, "<a href=\"../media/worksheet.pdf\" download>the "
	                      "<strong>worksheet</strong></a> <span class=\"note\">(PDF, 120 "
	                      "KB)</span>");
	assert_contains(html, "<a href=\"mailto:media@example.org\">us</a>");
	assert_contains(html, "<h1 id=\"pump\">Pump</h1>");
	/* the renderer adds no other host of its own */
	assert_lacks(html, "http");
	assert_lacks(html, "//");
	free(html);
}

/* A checklist's checkboxes are named by their items' text (an unnamed one fails axe-core). */
static void task_list_checkboxes_are_labelled(void **state)
{
	const char *text = "- [ ] Valves *closed*\n"
	                   "- [x] Isolator locked\n"
	                   "\n"
	                   "Loose:\n"
	                   "\n"
	                   "- [ ] Drain open\n"
	                   "\n"
	                   "  Then wait.\n";
	struct fake_builder fb;
	char *html = render_with(text, &fb);

	(void)state;
	assert_contains(html, "<li><label><input type=\"checkbox\" disabled> Valves "
	                      "<em>closed</em></label></li>");
	assert_contains(html, "<li><label><input type=\"checkbox\" disabled checked> Isolator "
	                      "locked</label></li>");
	assert_contains(html, "<p><label><input type=\"checkbox\" disabled> Drain "
	                      "open</label></p>\n<p>Then wait.</p>");
	assert_int_equal(tu_count_of(html, "<input"), 3);
	assert_int_equal(tu_count_of(html, "</label>"), 3);
	free(html);
}

static void media_inside_tables_and_text_stay_inline(void **state)
{
	const char *text = "| clip | sheet |\n"
	                   "|------|-------|\n"
	                   "| ![Seal](seal.mp4) | [Sheet](s.pdf) |\n"
	                   "\n"
	                   "Watch ![this](pump.mp4) now.\n";
	struct fake_builder fb;
	char *html = render_with(text, &fb);

	(void)state;
	assert_int_equal(fb.calls, 3);
	assert_contains(html, "<td><video controls preload=\"metadata\" src=\"../media/pump.mp4\"");
	assert_contains(html, "aria-label=\"Seal\">");
	assert_contains(html, "<td><a href=\"../media/worksheet.pdf\" download>Sheet</a> "
	                      "<span class=\"note\">(PDF, 120 KB)</span></td>");
	assert_contains(html, "<p>Watch <video controls");
	assert_lacks(html, "<figure");
	assert_int_equal(tu_count_of(html, "<track "), 4);
	free(html);
}

static void attacker_text_is_escaped(void **state)
{
	const char *text = "![x\" onerror=\"alert(1)&lt;script&gt;](evil.png)\n"
	                   "\n"
	                   "![a'b\"&lt;script&gt;](clip.mp4)\n"
	                   "\n"
	                   "[k](<x\" onclick=\"alert(1).txt>) [m](<we ird\" x.md>)\n"
	                   "\n"
	                   "![p](javascript:alert(1).png)\n";
	struct fake_builder fb;
	char *html = render_with(text, &fb);

	(void)state;
	assert_lacks(html, "<script");
	assert_lacks(html, "onerror=\"");
	assert_lacks(html, "onclick=\"");
	assert_lacks(html, "javascript:");
	assert_contains(html, "alt=\"x&quot; onerror=&quot;alert(1)&lt;script&gt;\"");
	assert_contains(html, "<figcaption>a&#39;b&quot;&lt;script&gt;</figcaption>");
	assert_contains(html, "<a href=\"02-tools.html\">m</a>");
	free(html);
}

static void hostile_resolve(void *ctx, enum md_ref_kind kind, const char *url,
                            struct md_target *out)
{
	static const struct md_track tracks[] = {
		{ "t.vtt\" onload=\"x", "th\"><script>", "<b>label</b>" },
	};

	(void)ctx;
	(void)kind;
	memset(out, 0, sizeof *out);
	if (ends_with(url, ".mp4")) {
		out->kind = MD_EMBED_VIDEO;
		out->tracks = tracks;
		out->tracks_count = 1;
	} else if (ends_with(url, ".pdf")) {
		out->kind = MD_EMBED_FILE;
		out->note = dup_text("<img src=x onerror=alert(1)>");
	} else {
		out->kind = MD_EMBED_IMAGE;
	}
	out->href = dup_text("a b\"c'd<e>.x");
}

static void attacker_urls_from_the_resolver_are_escaped(void **state)
{
	struct md_doc *doc = parse("![v](v.mp4)\n\n![i](i.png)\n\n[f](f.pdf)\n", false);
	char *html = md_render(doc, "en", hostile_resolve, NULL);

	(void)state;
	assert_non_null(html);
	assert_lacks(html, "<script");
	assert_lacks(html, "<b>");
	assert_lacks(html, "<img src=x");
	assert_lacks(html, "onload=\"");
	assert_contains(html, "src=\"a%20b%22c&#39;d%3Ce%3E.x\"");
	assert_contains(html, "srclang=\"th&quot;&gt;&lt;script&gt;\"");
	assert_contains(html, "label=\"&lt;b&gt;label&lt;/b&gt;\"");
	assert_contains(html, "<span class=\"note\">&lt;img src=x onerror=alert(1)&gt;</span>");
	free(html);
	md_free(doc);
}

static void rendering_twice_gives_the_same_page(void **state)
{
	const char *text = "# A\n\n## A\n\n![v](pump.mp4)\n\n[t](02.md)\n\n| x |\n|---|\n| y |\n";
	struct md_doc *doc = parse(text, false);
	struct fake_builder fb;
	char *one, *two;

	(void)state;
	memset(&fb, 0, sizeof fb);
	one = md_render(doc, "en", fake_resolve, &fb);
	two = md_render(doc, "en", fake_resolve, &fb);
	fake_release(&fb);
	assert_non_null(one);
	assert_non_null(two);
	assert_string_equal(one, two);
	assert_int_equal(fb.calls, 4);
	free(one);
	free(two);
	md_free(doc);
}

static void a_large_document_parses(void **state)
{
	const char *block =
	        "## Step\n\nTurn the [valve](02.md#valve) and check ![the gauge](g.png).\n"
	        "<img src=\"x.png\">\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n";
	size_t blen = strlen(block), reps = (1u << 20) / blen + 1, len = blen * reps;
	char *text = malloc(len + 1), *html;
	const struct md_heading *h;
	const struct md_ref *r;
	struct md_doc *doc;
	size_t n;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < reps; i++)
		memcpy(text + i * blen, block, blen);
	text[len] = '\0';
	doc = md_parse(text, len, false);
	assert_non_null(doc);
	h = md_headings(doc, &n);
	assert_int_equal(n, reps);
	assert_string_equal(h[0].slug, "step");
	{
		char want[32];

		snprintf(want, sizeof want, "step-%zu", reps - 1);
		assert_string_equal(h[reps - 1].slug, want);
	}
	assert_int_equal(h[reps - 1].line, 1 + 9 * (reps - 1));
	r = md_refs(doc, &n);
	assert_int_equal(n, 3 * reps);
	assert_int_equal(r[3 * reps - 1].kind, MD_REF_HTML);
	assert_int_equal(r[3 * reps - 1].line, 4 + 9 * (reps - 1));
	html = md_render(doc, "en", NULL, NULL);
	assert_non_null(html);
	assert_true(strlen(html) > len / 2);
	free(html);
	md_free(doc);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(headings_get_unique_ids_and_lines),
		cmocka_unit_test(heading_ids_are_rendered),
		cmocka_unit_test(no_heading_no_title),
		cmocka_unit_test(links_and_images_with_lines_and_columns),
		cmocka_unit_test(urls_in_raw_html_are_found_even_when_dropped),
		cmocka_unit_test(sections_hold_the_text_under_each_heading),
		cmocka_unit_test(gfm_extensions_are_rendered),
		cmocka_unit_test(raw_html_is_dropped_unless_allowed),
		cmocka_unit_test(raw_html_is_sanitized_with_its_page),
		cmocka_unit_test(resolver_decides_how_targets_are_shown),
		cmocka_unit_test(media_inside_tables_and_text_stay_inline),
		cmocka_unit_test(task_list_checkboxes_are_labelled),
		cmocka_unit_test(attacker_text_is_escaped),
		cmocka_unit_test(attacker_urls_from_the_resolver_are_escaped),
		cmocka_unit_test(rendering_twice_gives_the_same_page),
		cmocka_unit_test(a_large_document_parses),
	};
	return cmocka_run_group_tests_name("markdown", tests, NULL, NULL);
}

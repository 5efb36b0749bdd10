/*
 * test_import.c - `import` (builder/import*.c, layout.c): which tool a
 * folder was written for, and Carpentries Workbench, mdBook and MkDocs
 * sources made here, written out as course folders: the order of lessons,
 * nesting, drafts, includes with line ranges and anchors, escaped \{{,
 * folders in nav and no nav, links and figures fixed, teachers' pages kept
 * apart.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import.h"
#include "layout.h"
#include "problems.h"

static char *dir, *src, *out;

static int setup(void **state)
{
	(void)state;
	dir = tu_tempdir();
	src = tu_path(dir, "src");
	out = tu_path(dir, "out");
	mkdir(src, 0755);
	mkdir(out, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmrf(dir);
	free(dir);
	free(src);
	free(out);
	return 0;
}

static void put(const char *rel, const char *text)
{
	char *p = tu_path(src, rel);
	tu_write(p, text, strlen(text));
	free(p);
}

/* The text of the course folder's file rel (freed at the next call). */
static const char *got(const char *rel)
{
	static unsigned char *last;
	char *p = tu_path(out, rel);
	size_t len;

	free(last);
	last = tu_read(p, &len);
	free(p);
	return (const char *)last;
}

static bool exists(const char *rel)
{
	char *p = tu_path(out, rel);
	struct stat sb;
	bool ok = stat(p, &sb) == 0;

	free(p);
	return ok;
}

static bool has(const struct problems *p, const char *file, unsigned line, const char *part)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->v[i].file, file) == 0 && (!line || p->v[i].line == line) &&
		    strstr(p->v[i].message, part))
			return true;
	return false;
}

#define assert_has(p, f_, l_, part)                                                              \
	do {                                                                                     \
		if (!has((p), (f_), (l_), (part))) {                                             \
			for (size_t i_ = 0; i_ < (p)->count; i_++)                               \
				print_message("  %s:%u: %s\n", (p)->v[i_].file, (p)->v[i_].line, \
				              (p)->v[i_].message);                               \
			fail_msg("no '%s' at %s:%u", (part), (f_), (unsigned)(l_));              \
		}                                                                                \
	} while (0)

/* Import src into out; the lessons' files in order into files (a "|"-joined list). */
static void run(enum layout l, struct problems *p, struct problems *log, char *files, size_t size)
{
	struct import im;
	struct import_opts o = { 0 };

	problems_init(p);
	problems_init(log);
	assert_int_equal(layout_detect(src, NULL), l);
	import_init(&im, src, l, p, log);
	im.name_hint = strdup("made-here");
	assert_true(import_read(&im));
	assert_true(import_write(&im, out, &o));
	files[0] = '\0';
	for (size_t i = 0, n = 0; i < im.pages_count; i++) {
		if (im.pages[i].role != IMPORT_LESSON)
			continue;
		n += (size_t)snprintf(files + n, size - n, "%s%s", n ? "|" : "", im.pages[i].out);
		assert_true(n < size);
	}
	import_release(&im);
}

static void layouts_are_told_by_their_files(void **state)
{
	(void)state;
	assert_int_equal(layout_detect(src, NULL), LAYOUT_NONE);
	put("config.yaml", "title: x\n");
	/* config.yaml alone is many tools' file: the Workbench has episodes/ too */
	assert_int_equal(layout_detect(src, NULL), LAYOUT_NONE);
	put("episodes/a.md", "# A\n");
	assert_int_equal(layout_detect(src, NULL), LAYOUT_WORKBENCH);
	tu_rmrf(src);
	put("book.toml", "[book]\n");
	assert_int_equal(layout_detect(src, NULL), LAYOUT_MDBOOK);
	tu_rmrf(src);
	put("mkdocs.yml", "site_name: x\n");
	assert_int_equal(layout_detect(src, NULL), LAYOUT_MKDOCS);
	put("course.yml", "id: x\n");
	assert_int_equal(layout_detect(src, NULL), LAYOUT_SAMPAN);
}

static void workbench_lesson(void **state)
{
	struct problems p, log;
	char files[1024];
	const char *t;

	(void)state;
	put("config.yaml", "carpentry: 'swc'\ntitle: 'The Unix Shell'\nlicense: 'CC-BY 4.0'\n"
	                   "contact: 'team@example.org'\nlang: es\n"
	                   "keywords: 'software, data,, The Carpentries '\n"
	                   "source: 'https://example.org/shell-novice'\n"
	                   "episodes:\n- 02-second.md\n- 01-first.md\n- 03-r.Rmd\n"
	                   "learners:\ninstructors:\nprofiles:\n");
	put("index.md",
	    "---\nsite: sandpaper::sandpaper_site\n---\n\nThe shell is old.\nIt lives.\n");
	put("episodes/01-first.md", "---\ntitle: First\nteaching: 5\n---\n\n"
	                            "::: challenge\n![](fig/a.svg){alt='A'}\n:::\n"
	                            "See [setup](../learners/setup.md#linux) and [next][n].\n"
	                            "```bash\n[not](fig/a.svg)\n```\n`[code](fig/a.svg)`\n");
	put("episodes/02-second.md",
	    "---\ntitle: Second\n---\n\n<img src=\"fig/b.png\" alt=\"B\">\n\n"
	    "Ask [the *notes*](../instructors/notes.md#a) or ![x](fig/b.png).\n");
	put("episodes/99-unlisted.md", "---\ntitle: Unlisted\n---\n");
	put("episodes/03-r.Rmd", "---\ntitle: R\n---\n```{r}\n1 + 1\n```\n");
	put("episodes/fig/a.svg", "<svg/>");
	put("episodes/fig/b.png", "png");
	put("episodes/fig/unused.odg", "odg");
	put("learners/setup.md",
	    "---\ntitle: Setup\n---\n\n## Linux\n[data][z]\n\n[z]: data/d.zip\n");
	put("learners/reference.md", "---\ntitle: Glossary\n---\n![](fig/a.svg)\n");
	put("episodes/data/d.zip", "zip");
	put("instructors/notes.md", "---\ntitle: Notes\n---\n[ep](../episodes/01-first.md)\n");
	put("profiles/who.md", "---\ntitle: Who\n---\n");
	put("links.md", "[n]: 02-second.md\n");
	run(LAYOUT_WORKBENCH, &p, &log, files, sizeof files);

	/* config.yaml's order, summary and setup first, learners' pages after */
	assert_string_equal(files, "lessons/index.md|lessons/setup.md|lessons/02-second.md|"
	                           "lessons/01-first.md|lessons/03-r.md|lessons/reference.md");
	assert_has(&p, "episodes/03-r.Rmd", 0, "R Markdown");
	assert_contains(got("lessons/03-r.md"), "```{r}\n1 + 1\n```\n");
	t = got("lessons/01-first.md");
	/* Markdown kept as written; only targets change */
	assert_contains(t, "---\ntitle: First\nteaching: 5\n---\n\n::: challenge\n");
	assert_contains(t, "![](../media/fig/a.svg){alt='A'}");
	assert_contains(t, "[setup](setup.md#linux)");
	assert_contains(t, "```bash\n[not](fig/a.svg)\n```\n`[code](fig/a.svg)`\n");
	/* links.md at the end of every lesson, its targets fixed too */
	assert_contains(t, "[n]: 02-second.md\n");
	assert_contains(got("lessons/02-second.md"), "<img src=\"../media/fig/b.png\" alt=\"B\">");
	assert_contains(got("lessons/setup.md"), "[z]: ../media/data/d.zip");
	/* fig/ from learners/ is the episodes' fig/, as the Workbench serves it */
	assert_contains(got("lessons/reference.md"), "![](../media/fig/a.svg)");
	assert_true(exists("media/fig/a.svg"));
	assert_true(exists("media/fig/b.png"));
	assert_true(exists("media/data/d.zip"));
	assert_false(exists("media/fig/unused.odg"));
	assert_has(&log, "episodes/fig/unused.odg", 0, "not copied: no page uses it");
	/* teachers' pages apart, their links to lessons fixed */
	assert_contains(got("instructors/notes.md"), "[ep](../lessons/01-first.md)");
	assert_true(exists("instructors/who.md"));
	assert_has(&p, "episodes/99-unlisted.md", 0, "not in config.yaml's episodes");
	assert_has(&log, "episodes/01-first.md", 7, "-> '../media/fig/a.svg'");
	t = got("course.yml");
	assert_contains(t, "title: \"The Unix Shell\"\n");
	assert_contains(t, "language: \"es\"\n");
	assert_contains(t, "licence: \"CC-BY-4.0\"\n");
	assert_contains(t, "subjects:\n  - \"software\"\n  - \"data\"\n  - \"The Carpentries\"\n");
	assert_contains(t, "name: \"Software Carpentry\"\n  contact: \"team@example.org\"\n");
	assert_contains(t, "description: \"The shell is old. It lives.\"\n");
	assert_contains(t, "  - file: \"lessons/02-second.md\"\n    title: \"Second\"\n");
	assert_contains(t, "  guessed:\n    id: \"shell-novice\"\n    version: \"1\"\n");
	/* teachers' pages: course.yml's teacher: list, instructors/ then profiles/ */
	assert_contains(t, "teacher:\n  - file: \"instructors/notes.md\"\n    title: \"Notes\"\n"
	                   "  - file: \"instructors/who.md\"\n    title: \"Who\"\nimported:");
	assert_true(strstr(t, "teacher:") > strstr(t, "lessons/reference.md"));
	/* a lesson's link to one: its text alone, said at its line */
	assert_contains(got("lessons/02-second.md"),
	                "Ask the *notes* or ![x](../media/fig/b.png).\n");
	assert_has(&p, "episodes/02-second.md", 7,
	           "a teacher page, which students never get; the "
	           "lesson shows the link's text alone");
	assert_has(&log, "instructors/notes.md", 0, "teacher page instructors/notes.md \"Notes\"");
	problems_release(&p);
	problems_release(&log);
}

static void mdbook_summary_order_nesting_drafts(void **state)
{
	struct problems p, log;
	char files[1024];

	(void)state;
	put("book.toml", "[book]\ntitle = \"Pump \\\"book\\\"\"\nauthors = [\"Ann\", 'Bo']\n"
	                 "language = \"vi\"\n\n[output.html]\ntitle = \"no\"\n");
	put("src/SUMMARY.md", "# Summary\n\n[Intro](README.md)\n\n# Part one\n\n"
	                      "- [Chapter 1](ch1/index.md)\n"
	                      "    - [Nested](ch1/Nested_Page.md)\n"
	                      "    - [Draft]()\n"
	                      "- [Chapter 2](ch2.md)\n\n---\n\n[Thanks](thanks.md)\n");
	put("src/README.md", "# Intro\n");
	put("src/ch1/index.md", "# One\n[two](../ch2.md#top) ![p](img/p.png)\n");
	put("src/ch1/Nested_Page.md", "# Nested\n");
	put("src/ch1/img/p.png", "png");
	put("src/ch2.md", "# Two\n");
	put("src/thanks.md", "# Thanks\n");
	put("src/orphan.md", "# Orphan\n");
	run(LAYOUT_MDBOOK, &p, &log, files, sizeof files);
	assert_string_equal(files, "lessons/readme.md|lessons/ch1/index.md|"
	                           "lessons/ch1/nested-page.md|lessons/ch2.md|lessons/thanks.md");
	assert_has(&p, "src/SUMMARY.md", 9, "draft chapter 'Draft'");
	assert_has(&log, "src/orphan.md", 0, "not in SUMMARY.md");
	assert_has(&log, "src/SUMMARY.md", 5, "part 'Part one'");
	assert_contains(got("lessons/ch1/index.md"),
	                "[two](../ch2.md#top) ![p](../../media/ch1/img/p.png)");
	assert_true(exists("media/ch1/img/p.png"));
	assert_contains(got("course.yml"), "title: \"Pump \\\"book\\\"\"\n");
	assert_contains(got("course.yml"), "language: \"vi\"\n");
	assert_contains(got("course.yml"), "name: \"Ann, Bo\"\n");
	assert_contains(got("course.yml"), "  - file: \"lessons/ch1/nested-page.md\"\n"
	                                   "    title: \"Nested\"\n");
	problems_release(&p);
	problems_release(&log);
}

static void mdbook_includes_ranges_anchors_escapes(void **state)
{
	struct problems p, log;
	char files[256];
	const char *t;

	(void)state;
	put("book.toml", "[book]\ntitle = \"B\"\nsrc = \"text\"\n");
	put("text/SUMMARY.md", "- [Code](code.md)\n");
	put("text/code.md", "# Code\n"
	                    "```\n{{#include lines.txt:2:3}}\n```\n"
	                    "```\n{{#include lines.txt:4:}}\n```\n"
	                    "```\n{{#include lines.txt::1}}\n```\n"
	                    "```\n{{#include lines.txt:2}}\n```\n"
	                    "```\n{{#include lines.txt:part}}\n```\n"
	                    "Literal: \\{{#include lines.txt}}\n"
	                    "{{#title The window title}}\n"
	                    "{{#include part.md}}\n"
	                    "{{#include missing.md}}\n");
	put("text/lines.txt",
	    "one\ntwo\nthree\nfour\n// ANCHOR: part\nin part\n"
	    "// ANCHOR: other\nalso\n// ANCHOR_END: other\n// ANCHOR_END: part\n");
	put("text/part.md", "![fig](fig.png) {{#include deeper/d.md}}\n");
	put("text/deeper/d.md", "deep");
	put("text/fig.png", "png");
	run(LAYOUT_MDBOOK, &p, &log, files, sizeof files);
	t = got("lessons/code.md");
	assert_contains(t, "```\ntwo\nthree\n```\n");
	assert_contains(t, "```\nfour\n// ANCHOR: part\nin part\n");
	assert_contains(t, "```\none\n```\n");
	assert_contains(t, "```\ntwo\n```\n");
	assert_contains(t, "```\nin part\nalso\n```\n");
	assert_contains(t, "Literal: {{#include lines.txt}}\n");
	assert_false(strstr(t, "#title"));
	/* an included page's links are the including chapter's; nested includes follow */
	assert_contains(t, "![fig](../media/fig.png) deep\n");
	assert_contains(t, "{{#include missing.md}}\n");
	assert_has(&p, "text/code.md", 20, "missing.md");
	assert_has(&log, "text/code.md", 18, "{{#title The window title}}");
	problems_release(&p);
	problems_release(&log);
}

/* What the source gets wrong: a language that is no tag, a chapter without a name. */
static void mdbook_bad_metadata(void **state)
{
	struct problems p, log;
	char files[256];
	const char *t;

	(void)state;
	put("book.toml", "[book]\ntitle = \"B\"\nlanguage = \"English\"\n");
	put("src/SUMMARY.md", "- [](a.md)\n");
	put("src/a.md", "# Heading of A\n");
	run(LAYOUT_MDBOOK, &p, &log, files, sizeof files);
	assert_has(&p, ".", 0, "the source's language 'English' is not a language tag");
	t = got("course.yml");
	assert_contains(t, "language: \"en\"\n");
	assert_contains(t, "    title: \"Heading of A\"\n");
	assert_contains(t, "    language: \"en\"\n");
	problems_release(&p);
	problems_release(&log);
}

/* Includes that would never end, or reach outside the source: bounded and reported. */
static void mdbook_hostile_includes(void **state)
{
	struct problems p, log;
	char files[256], many[1024] = "";
	const char *t;

	(void)state;
	for (int i = 0; i < 20; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "{{#include loop.md}}");
	put("book.toml", "[book]\ntitle = \"B\"\n");
	put("src/SUMMARY.md", "- [A](a.md)\n- [B](b.md)\n");
	put("src/a.md", "{{#include ../../../etc/passwd}}\n{{#include loop.md}}\n");
	put("src/loop.md", many);
	put("src/b.md", "{{#include self.md}}\n");
	put("src/self.md", "x{{#include self.md}}");
	run(LAYOUT_MDBOOK, &p, &log, files, sizeof files);
	assert_has(&p, "src/loop.md", 1, "more than 10000 includes in one page");
	assert_has(&p, "src/a.md", 1, "outside the source folder");
	assert_contains(got("lessons/a.md"), "{{#include ../../../etc/passwd}}\n");
	assert_has(&p, "src/self.md", 1, "nested more than 10 deep");
	t = got("lessons/b.md");
	assert_contains(t, "xxxxxxxxxx{{#include self.md}}");
	problems_release(&p);
	problems_release(&log);
}

static void mkdocs_nav_sections_folders(void **state)
{
	struct problems p, log;
	char files[1024];

	(void)state;
	put("mkdocs.yml", "site_name: Site\nsite_author: Team\ndocs_dir: pages\n"
	                  "theme:\n  name: material\n  language: th\n"
	                  "markdown_extensions:\n  - pymdownx.emoji:\n"
	                  "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
	                  "nav:\n  - Home: index.md\n  - about.md\n"
	                  "  - Guide:\n    - Start: guide/start.md\n    - guide/more/\n"
	                  "  - Web: https://example.org/\n");
	put("pages/index.md", "# Welcome\n[Start](guide/start.md) [folder](guide/more/)\n");
	put("pages/about.md", "---\ntitle: About us\n---\ntext\n");
	put("pages/guide/start.md", "no heading\n");
	put("pages/guide/more/b.md", "# B\n");
	put("pages/guide/more/a.md", "# A\n");
	put("pages/guide/more/index.md", "# More\n");
	put("pages/guide/more/sub/z.md", "# Z\n");
	put("pages/left-over.md", "# Left\n");
	run(LAYOUT_MKDOCS, &p, &log, files, sizeof files);
	assert_string_equal(files, "lessons/index.md|lessons/about.md|lessons/guide/start.md|"
	                           "lessons/guide/more/index.md|lessons/guide/more/a.md|"
	                           "lessons/guide/more/b.md|lessons/guide/more/sub/z.md");
	assert_contains(got("course.yml"), "    title: \"Home\"\n");
	/* two lessons named index: the second gets an id of its path */
	assert_contains(got("course.yml"), "  - file: \"lessons/guide/more/index.md\"\n"
	                                   "    id: \"guide.more.index\"\n");
	assert_contains(got("course.yml"), "    title: \"About us\"\n");
	assert_contains(got("course.yml"), "    title: \"Start\"\n");
	assert_contains(got("course.yml"), "language: \"th\"\n");
	assert_contains(got("course.yml"), "name: \"Team\"\n");
	assert_contains(got("lessons/index.md"),
	                "[Start](guide/start.md) [folder](guide/more/index.md)");
	assert_has(&p, "mkdocs.yml", 16, "another site");
	assert_has(&p, "pages/left-over.md", 0, "not in mkdocs.yml's nav");
	problems_release(&p);
	problems_release(&log);
}

static void mkdocs_without_nav(void **state)
{
	struct problems p, log;
	char files[1024];

	(void)state;
	put("mkdocs.yml", "site_name: Site\n");
	put("docs/README.md", "# Read me\n[top](../) [b](./b.md) [x](a/)\n[s](.secret/key)\n");
	put("docs/.secret/key", "secret");
	put("docs/b.md", "# B\n");
	put("docs/a/x.md", "# X\n");
	put("docs/c_page.md", "plain\n");
	run(LAYOUT_MKDOCS, &p, &log, files, sizeof files);
	assert_string_equal(files,
	                    "lessons/readme.md|lessons/b.md|lessons/c-page.md|lessons/a/x.md");
	assert_contains(got("course.yml"), "    title: \"C page\"\n");
	/* the source's own top is no page: reported, kept */
	assert_contains(got("lessons/readme.md"), "[top](../) [b](b.md) [x](a/)\n");
	assert_has(&p, "docs/README.md", 2, "link to '../': no such file");
	assert_has(&p, "docs/README.md", 2, "link to 'a/': no such file");
	assert_has(&p, "docs/README.md", 3, "a hidden file, never copied");
	assert_false(exists("media/.secret/key"));
	assert_contains(got("course.yml"), "    version: \"1\"\n    language: \"en\"\n");
	problems_release(&p);
	problems_release(&log);
}

static void spdx_ids_and_course_ids(void **state)
{
	char *s;

	(void)state;
	assert_string_equal(s = import_spdx("CC-BY 4.0"), "CC-BY-4.0");
	free(s);
	assert_string_equal(s = import_spdx("cc by-sa 4.0"), "CC-BY-SA-4.0");
	free(s);
	assert_string_equal(s = import_spdx("CC0"), "CC0-1.0");
	free(s);
	assert_string_equal(s = import_spdx("Public domain"), "Public domain");
	free(s);
	assert_string_equal(s = import_id_of("Shell Novice!"), "shell-novice");
	free(s);
	assert_string_equal(s = import_id_of("___"), "course");
	free(s);
	assert_null(import_resolve("a.md", "../x"));
	assert_string_equal(s = import_resolve("a/b.md", "./../c/./d.md"), "c/d.md");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(layouts_are_told_by_their_files, setup, teardown),
		cmocka_unit_test_setup_teardown(workbench_lesson, setup, teardown),
		cmocka_unit_test_setup_teardown(mdbook_summary_order_nesting_drafts, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(mdbook_includes_ranges_anchors_escapes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(mdbook_hostile_includes, setup, teardown),
		cmocka_unit_test_setup_teardown(mdbook_bad_metadata, setup, teardown),
		cmocka_unit_test_setup_teardown(mkdocs_nav_sections_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(mkdocs_without_nav, setup, teardown),
		cmocka_unit_test(spdx_ids_and_course_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

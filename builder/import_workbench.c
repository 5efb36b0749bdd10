/*
 * import_workbench.c - a Carpentries Workbench lesson (config.yaml,
 * episodes/, learners/, instructors/, profiles/) read for `import`
 * (format-spec/course-source.md, section 11.1).
 */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "yamldoc.h"

#define CONFIG_MAX (1u << 20)

static const char *publisher_of(const char *carpentry)
{
	static const char *const names[][2] = {
		{ "swc", "Software Carpentry" },
		{ "dc", "Data Carpentry" },
		{ "lc", "Library Carpentry" },
		{ "cp", "The Carpentries" },
		{ "incubator", "The Carpentries Incubator" },
		{ "lab", "The Carpentries Lab" },
	};

	for (size_t i = 0; carpentry && i < sizeof names / sizeof *names; i++)
		if (strcmp(carpentry, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

/* The first paragraph of index.md's text, as one line; NULL when it has none. */
static char *first_paragraph(const char *text)
{
	const char *s = text;
	char *out = xmalloc(strlen(text) + 1);
	size_t n = 0;

	if (strncmp(s, "---", 3) == 0) {
		const char *end = strstr(s + 3, "\n---");
		s = end ? strchr(end + 1, '\n') : NULL;
		if (!s)
			s = text + strlen(text);
	}
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		bool blank = true;
		for (size_t i = 0; i < l; i++)
			if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
				blank = false;
		if (blank) {
			if (n)
				break;
		} else if (!n && strchr(":#<!-*>|`{[", s[0])) {
			/* not a plain paragraph: look further */
			while (nl && nl[1] && nl[1] != '\n')
				nl = strchr(nl + 1, '\n');
			l = nl ? (size_t)(nl - s) : strlen(s);
		} else {
			if (n)
				out[n++] = ' ';
			while (l && (s[l - 1] == '\r' || s[l - 1] == ' '))
				l--;
			memcpy(out + n, s, l);
			n += l;
		}
		if (!nl)
			break;
		s = nl + 1;
	}
	out[n] = '\0';
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

/* The pages of one folder: config.yaml's list, or the folder's files when the list is empty. */
static void add_folder(struct import *im, const struct ynode *cfg, const char *folder,
                       const char *out_dir, enum import_role role, const char *skip)
{
	const struct ynode *list = ynode_get(cfg, folder);
	char rel[4096];

	if (list && list->kind == YNODE_SEQ && list->count) {
		for (size_t i = 0; i < list->count; i++) {
			const struct ynode *it = list->items[i];
			struct import_page *pg;
			char *text, err[256];
			size_t len;
			if (it->kind != YNODE_SCALAR) {
				problems_add(im->problems, PROBLEM_WARNING, "config.yaml", it->line,
				             0, "%s: an item that is not a file name; left out",
				             folder);
				continue;
			}
			snprintf(rel, sizeof rel, "%s/%s", folder, it->value);
			if (skip && strcmp(rel, skip) == 0)
				continue;
			pg = import_add_page(im, rel, NULL, out_dir, role, "config.yaml", it->line);
			if (!pg)
				continue;
			text = import_read_file(im, rel, IMPORT_PAGE_MAX, &len, err, sizeof err);
			if (text)
				pg->title = import_page_title(text, len);
			free(text);
		}
		/* The Workbench leaves out the folder's other pages: say which. */
		{
			size_t n;
			char **all = import_list_md(im, folder, false, &n);
			for (size_t i = 0; i < n; i++)
				if (!import_page_by_src(im, all[i]) &&
				    (!skip || strcmp(all[i], skip)))
					problems_add(
					        im->problems, PROBLEM_WARNING, all[i], 0, 0,
					        "not in config.yaml's %s: list; left out, as the "
					        "Workbench does",
					        folder);
			import_strv_free(all, n);
		}
		return;
	}
	{
		size_t n;
		char **all = import_list_md(im, folder, false, &n);
		/* The Workbench orders a folder without a list by file name. */
		for (size_t i = 0; i < n; i++) {
			struct import_page *pg;
			char *text, err[256];
			size_t len;
			if (skip && strcmp(all[i], skip) == 0)
				continue;
			pg = import_add_page(im, all[i], NULL, out_dir, role, NULL, 0);
			if (!pg)
				continue;
			text = import_read_file(im, all[i], IMPORT_PAGE_MAX, &len, err, sizeof err);
			if (text)
				pg->title = import_page_title(text, len);
			free(text);
		}
		import_strv_free(all, n);
	}
}

bool import_workbench(struct import *im)
{
	char err[256], msg[256], *text;
	size_t len;
	unsigned line;
	struct ydoc *doc;
	const struct ynode *cfg;
	const char *v;
	struct import_page *pg;

	text = import_read_file(im, "config.yaml", CONFIG_MAX, &len, err, sizeof err);
	if (!text) {
		problems_add(im->problems, PROBLEM_ERROR, "config.yaml", 0, 0, "%s", err);
		return false;
	}
	doc = yamldoc_parse(text, len, &line, msg, sizeof msg);
	free(text);
	if (!doc || yamldoc_root(doc)->kind != YNODE_MAP) {
		problems_add(im->problems, PROBLEM_ERROR, "config.yaml", line, 0, "%s",
		             doc ? "not a mapping of keys" : msg);
		yamldoc_free(doc);
		return false;
	}
	cfg = yamldoc_root(doc);
	if ((v = ynode_str(cfg, "title")) != NULL)
		im->title = xstrdup(v);
	if ((v = ynode_str(cfg, "contact")) != NULL)
		im->contact = xstrdup(v);
	if ((v = ynode_str(cfg, "license")) != NULL)
		im->licence = xstrdup(v);
	if ((v = ynode_str(cfg, "keywords")) != NULL)
		im->keywords = xstrdup(v);
	if ((v = ynode_str(cfg, "lang")) != NULL)
		im->language = xstrdup(v);
	if ((v = publisher_of(ynode_str(cfg, "carpentry"))) != NULL)
		im->publisher = xstrdup(v);
	if ((v = ynode_str(cfg, "source")) != NULL || (v = ynode_str(cfg, "url")) != NULL) {
		const char *end = v + strlen(v), *b;
		while (end > v && end[-1] == '/')
			end--;
		b = end;
		while (b > v && b[-1] != '/')
			b--;
		if (end > b) {
			free(im->name_hint);
			im->name_hint = xstrndup(b, (size_t)(end - b));
		}
	}
	if (import_is_file(im, "links.md"))
		im->append = xstrdup("links.md");

	/* What a student reads, in the Workbench's order: the summary and setup, the
	   episodes, the learners' pages; then the licence.  Instructors' pages and
	   learner profiles are teachers' material. */
	if (import_is_file(im, "index.md")) {
		pg = import_add_page(im, "index.md", NULL, "lessons", IMPORT_LESSON, NULL, 0);
		text = import_read_file(im, "index.md", IMPORT_PAGE_MAX, &len, err, sizeof err);
		if (pg) {
			char *t = text ? import_page_title(text, len) : NULL;
			if (t)
				pg->title = t;
			else if (!im->language || strncmp(im->language, "en", 2) == 0)
				pg->title = xstrdup("Summary and Setup");
			else if (im->title)
				pg->title = xstrdup(im->title);
		}
		if (text)
			im->description = first_paragraph(text);
		free(text);
	}
	if (import_is_file(im, "learners/setup.md")) {
		pg = import_add_page(im, "learners/setup.md", NULL, "lessons", IMPORT_LESSON, NULL,
		                     0);
		text = import_read_file(im, "learners/setup.md", IMPORT_PAGE_MAX, &len, err,
		                        sizeof err);
		if (pg && text)
			pg->title = import_page_title(text, len);
		free(text);
	}
	add_folder(im, cfg, "episodes", "lessons", IMPORT_LESSON, NULL);
	add_folder(im, cfg, "learners", "lessons", IMPORT_LESSON, "learners/setup.md");
	for (int i = 0; i < 3; i++) {
		static const char *const extra[] = { "LICENSE.md", "CODE_OF_CONDUCT.md",
			                             "CITATION.md" };
		if (!import_is_file(im, extra[i]))
			continue;
		pg = import_add_page(im, extra[i], NULL, "lessons", IMPORT_LESSON, NULL, 0);
		text = import_read_file(im, extra[i], IMPORT_PAGE_MAX, &len, err, sizeof err);
		if (pg && text)
			pg->title = import_page_title(text, len);
		free(text);
	}
	add_folder(im, cfg, "instructors", "instructors", IMPORT_TEACHER, NULL);
	add_folder(im, cfg, "profiles", "instructors", IMPORT_TEACHER, NULL);
	yamldoc_free(doc);
	for (size_t i = 0; i < im->pages_count; i++)
		if (im->pages[i].role == IMPORT_LESSON)
			return true;
	problems_add(im->problems, PROBLEM_ERROR, "config.yaml", 0, 0,
	             "no episode to import: episodes/ has no Markdown page");
	return false;
}

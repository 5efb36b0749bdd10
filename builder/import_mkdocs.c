/*
 * import_mkdocs.c - a MkDocs site (mkdocs.yml, docs/) read for `import`
 * (format-spec/course-source.md, section 11.3): the pages in `nav` order,
 * sections flattened in place, a folder named in nav expanded as MkDocs
 * lists a folder; without nav, the docs folder in that order.
 */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "xalloc.h"
#include "yamldoc.h"

#define CONFIG_MAX (1u << 20)

/* MkDocs' title of a page without one: its file name, '-' and '_' as spaces, capitalised. */
static char *title_from_name(const char *rel)
{
	const char *base = strrchr(rel, '/');
	char *t;

	base = base ? base + 1 : rel;
	t = xstrndup(base, strlen(base) - (strlen(base) > 3 ? 3 : 0));
	for (char *c = t; *c; c++)
		if (*c == '-' || *c == '_')
			*c = ' ';
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

static void add(struct import *im, const char *rel, const char *title, unsigned line)
{
	struct import_page *pg;
	char err[256], *text;
	size_t len;

	pg = import_add_page(im, rel, im->content, "lessons", IMPORT_LESSON,
	                     line ? "mkdocs.yml" : NULL, line);
	if (!pg)
		return;
	if (title && title[0]) {
		pg->title = xstrdup(title);
		return;
	}
	text = import_read_file(im, rel, IMPORT_PAGE_MAX, &len, err, sizeof err);
	pg->title = text ? import_page_title(text, len) : NULL;
	if (!pg->title)
		pg->title = title_from_name(rel);
	free(text);
}

static void add_folder(struct import *im, const char *rel, unsigned line)
{
	size_t n;
	char **all = import_list_md(im, rel, true, &n);

	problems_add(im->log, PROBLEM_WARNING, "mkdocs.yml", line, 0,
	             "folder '%s': %zu page%s in MkDocs' order", rel, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		add(im, all[i], NULL, 0);
	import_strv_free(all, n);
}

/* One nav entry: a path, a URL, or a folder, with its title or none. */
static void nav_target(struct import *im, const char *title, const struct ynode *v)
{
	char *rel, *tmp;

	if (v->kind != YNODE_SCALAR)
		return;
	if (strstr(v->value, "://") || strncmp(v->value, "mailto:", 7) == 0) {
		problems_add(im->problems, PROBLEM_WARNING, "mkdocs.yml", v->line, 0,
		             "'%s' links to another site: left out of the lessons", v->value);
		return;
	}
	tmp = path_join(im->content[0] ? im->content : ".", "x");
	rel = import_resolve(tmp, v->value);
	free(tmp);
	if (!rel) {
		problems_add(im->problems, PROBLEM_WARNING, "mkdocs.yml", v->line, 0,
		             "'%s' leaves the docs folder: left out", v->value);
		return;
	}
	if (import_is_dir(im, rel))
		add_folder(im, rel, v->line);
	else
		add(im, rel, title, v->line);
	free(rel);
}

static void nav_list(struct import *im, const struct ynode *nav, int depth)
{
	if (depth > 32 || nav->kind != YNODE_SEQ)
		return;
	for (size_t i = 0; i < nav->count; i++) {
		const struct ynode *it = nav->items[i];
		if (it->kind == YNODE_SCALAR) {
			nav_target(im, NULL, it);
		} else if (it->kind == YNODE_MAP) {
			for (size_t k = 0; k + 1 < it->count; k += 2) {
				const struct ynode *key = it->items[k], *v = it->items[k + 1];
				const char *title = key->kind == YNODE_SCALAR ? key->value : NULL;
				if (v->kind == YNODE_SEQ) {
					problems_add(im->log, PROBLEM_WARNING, "mkdocs.yml",
					             key->line, 0,
					             "section '%s': its pages follow in order",
					             title ? title : "");
					nav_list(im, v, depth + 1);
				} else {
					nav_target(im, title, v);
				}
			}
		}
	}
}

bool import_mkdocs(struct import *im)
{
	const char *cfg_name = import_is_file(im, "mkdocs.yml") ? "mkdocs.yml" : "mkdocs.yaml";
	char err[256], msg[256], *text;
	size_t len;
	unsigned line;
	struct ydoc *doc;
	const struct ynode *cfg, *nav, *theme;
	const char *v;

	text = import_read_file(im, cfg_name, CONFIG_MAX, &len, err, sizeof err);
	if (!text) {
		problems_add(im->problems, PROBLEM_ERROR, cfg_name, 0, 0, "%s", err);
		return false;
	}
	doc = yamldoc_parse(text, len, &line, msg, sizeof msg);
	free(text);
	if (!doc || yamldoc_root(doc)->kind != YNODE_MAP) {
		problems_add(im->problems, PROBLEM_ERROR, cfg_name, line, 0, "%s",
		             doc ? "not a mapping of keys" : msg);
		yamldoc_free(doc);
		return false;
	}
	cfg = yamldoc_root(doc);
	if ((v = ynode_str(cfg, "site_name")) != NULL)
		im->title = xstrdup(v);
	if ((v = ynode_str(cfg, "site_description")) != NULL)
		im->description = xstrdup(v);
	if ((v = ynode_str(cfg, "site_author")) != NULL)
		im->publisher = xstrdup(v);
	theme = ynode_get(cfg, "theme");
	if ((v = ynode_str(theme, "language")) != NULL)
		im->language = xstrdup(v);
	free(im->content);
	im->content = xstrdup((v = ynode_str(cfg, "docs_dir")) != NULL ? v : "docs");
	{
		/* docs_dir is relative to mkdocs.yml's folder: the top. */
		char *rel = import_resolve("mkdocs.yml", im->content);
		free(im->content);
		im->content = rel ? rel : xstrdup("docs");
	}
	if (!import_is_dir(im, im->content)) {
		problems_add(im->problems, PROBLEM_ERROR, cfg_name, 0, 0,
		             "no docs folder '%s' (docs_dir)", im->content);
		yamldoc_free(doc);
		return false;
	}
	nav = ynode_get(cfg, "nav");
	if (nav && nav->kind == YNODE_SEQ && nav->count) {
		size_t n;
		char **all;
		nav_list(im, nav, 0);
		all = import_list_md(im, im->content, true, &n);
		for (size_t i = 0; i < n; i++)
			if (!import_page_by_src(im, all[i]))
				problems_add(im->problems, PROBLEM_WARNING, all[i], 0, 0,
				             "not in mkdocs.yml's nav: left out of the lessons");
		import_strv_free(all, n);
	} else {
		size_t n;
		char **all = import_list_md(im, im->content, true, &n);
		problems_add(im->log, PROBLEM_WARNING, cfg_name, 0, 0,
		             "no nav: the pages of %s in MkDocs' order", im->content);
		for (size_t i = 0; i < n; i++)
			add(im, all[i], NULL, 0);
		import_strv_free(all, n);
	}
	yamldoc_free(doc);
	if (!im->pages_count) {
		problems_add(im->problems, PROBLEM_ERROR, cfg_name, 0, 0, "no page to import in %s",
		             im->content);
		return false;
	}
	return true;
}

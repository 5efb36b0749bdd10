/* layout.c - the tool a course source was written for (layout.h), by the files at its top. */
#include "layout.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "path.h"

static bool is(const char *dir, const char *name, bool folder)
{
	char *p = path_join(dir, name);
	struct stat sb;
	bool ok = p && lstat(p, &sb) == 0 && (folder ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode));

	free(p);
	return ok;
}

enum layout layout_detect(const char *dir, const char **marker)
{
	const char *m = NULL;
	enum layout l = LAYOUT_NONE;

	if (is(dir, "course.yml", false)) {
		l = LAYOUT_SAMPAN;
		m = "course.yml";
	} else if (is(dir, "config.yaml", false) && is(dir, "episodes", true)) {
		l = LAYOUT_WORKBENCH;
		m = "config.yaml";
	} else if (is(dir, "book.toml", false)) {
		l = LAYOUT_MDBOOK;
		m = "book.toml";
	} else if (is(dir, "mkdocs.yml", false)) {
		l = LAYOUT_MKDOCS;
		m = "mkdocs.yml";
	} else if (is(dir, "mkdocs.yaml", false)) {
		l = LAYOUT_MKDOCS;
		m = "mkdocs.yaml";
	}
	if (marker)
		*marker = m;
	return l;
}

const char *layout_name(enum layout l)
{
	switch (l) {
	case LAYOUT_SAMPAN:
		return "Sampan course";
	case LAYOUT_WORKBENCH:
		return "Carpentries Workbench lesson";
	case LAYOUT_MDBOOK:
		return "mdBook book";
	case LAYOUT_MKDOCS:
		return "MkDocs site";
	case LAYOUT_NONE:
		break;
	}
	return "unknown";
}

const char *layout_key(enum layout l)
{
	switch (l) {
	case LAYOUT_SAMPAN:
		return "sampan";
	case LAYOUT_WORKBENCH:
		return "carpentries-workbench";
	case LAYOUT_MDBOOK:
		return "mdbook";
	case LAYOUT_MKDOCS:
		return "mkdocs";
	case LAYOUT_NONE:
		break;
	}
	return "unknown";
}

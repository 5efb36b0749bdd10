/*
 * layout.h - which tool a source folder was written for, from the file that
 * tool keeps at its top: a Carpentries Workbench lesson (config.yaml with
 * episodes/), an mdBook book (book.toml), a MkDocs site (mkdocs.yml or
 * mkdocs.yaml).  `import` converts them; `check` and `build` use it to say
 * that a folder without course.yml wants `import` first.
 */
#ifndef SAMPAN_BUILDER_LAYOUT_H
#define SAMPAN_BUILDER_LAYOUT_H

#include <stdbool.h>

enum layout { LAYOUT_NONE, LAYOUT_SAMPAN, LAYOUT_WORKBENCH, LAYOUT_MDBOOK, LAYOUT_MKDOCS };

/*
 * The layout of folder dir.  A course.yml makes it LAYOUT_SAMPAN whatever
 * else is there.  *marker (may be NULL) gets the file that told, relative to
 * dir ("config.yaml"), or NULL for LAYOUT_NONE.
 */
enum layout layout_detect(const char *dir, const char **marker);

/* "Carpentries Workbench lesson", "mdBook book", "MkDocs site", "Sampan course", "unknown". */
const char *layout_name(enum layout l);

/* The short name written in course.yml's `imported: from:` ("carpentries-workbench"...). */
const char *layout_key(enum layout l);

#endif

/*
 * import.h - a course written for another tool, turned into a Sampan course
 * folder (format-spec/course-source.md, "Importing"): `sampan-build import`.
 *
 * A layout reader (import_workbench, import_mdbook, import_mkdocs) fills a
 * struct import from the source's own configuration: the metadata it has,
 * and the pages in reading order with where each goes.  import_write then
 * writes the course into an empty folder: every page converted (links and
 * paths fixed for the new layout; for mdBook, {{#include}} and {{#title}}
 * done as mdBook does them), the files the pages use copied under media/,
 * and course.yml.  What is converted goes to log, what could not be to
 * problems, each at the source's file and line.  The source is only read:
 * never a write, never a symbolic link followed, never a path outside it.
 */
#ifndef SAMPAN_BUILDER_IMPORT_H
#define SAMPAN_BUILDER_IMPORT_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>

#include "layout.h"
#include "problems.h"

#define IMPORT_PAGE_MAX (16u << 20) /* a page after its includes, as a lesson's limit */
#define IMPORT_PAGES_MAX 10000
#define IMPORT_INCLUDE_DEPTH 10 /* mdBook's own limit on nested includes */
#define IMPORT_INCLUDES_MAX 10000 /* includes done in one page, nested ones counted */

enum import_role {
	IMPORT_LESSON, /* a lesson, in course.yml's list */
	IMPORT_TEACHER /* teachers' material: kept in the folder, never published */
};

struct import_page {
	char *src; /* relative to the source folder, '/'-separated */
	char *out; /* relative to the course folder */
	char *id; /* explicit lesson id for course.yml, or NULL (the file's name gives it) */
	char *title; /* or NULL (the page's first heading) */
	enum import_role role;
	char *listed_in; /* where the source names it ("config.yaml"), or NULL */
	unsigned line; /* its line there */
};

struct import_media {
	char *src;
	char *out;
};

struct import {
	char *root; /* the source folder on disk */
	enum layout layout;
	char *content; /* the source's folder of pages ("src", "docs"; "" for the top) */
	/* The source's own metadata; NULL where it has none. */
	char *title, *description, *language, *licence, *publisher, *contact;
	char *keywords; /* comma-separated, for course.yml's subjects */
	char *name_hint; /* a name for the id when the source gives none */
	char *append; /* a file whose text every page gets at its end (Workbench links.md), or NULL */
	struct import_page *pages;
	size_t pages_count;
	struct import_media *media;
	size_t media_count;
	struct problems *problems; /* what could not be converted */
	struct problems *log; /* what was converted (level unused) */
	/* When set and non-zero (a signal came), import_write stops and returns false. */
	volatile const sig_atomic_t *stop;
};

/* What the producer said on the command line; NULL for "the source's, else a default". */
struct import_opts {
	const char *id, *version, *language, *publisher, *licence;
};

/* Start on the source folder root of layout l; import_release frees. */
void import_init(struct import *im, const char *root, enum layout l, struct problems *problems,
                 struct problems *log);
void import_release(struct import *im);

/*
 * Read the source's configuration and list its pages.  False when nothing
 * can be imported (a configuration that cannot be read, no page at all);
 * the reasons are in im->problems.
 */
bool import_workbench(struct import *im);
bool import_mdbook(struct import *im);
bool import_mkdocs(struct import *im);
/* The reader for im->layout. */
bool import_read(struct import *im);

/*
 * Add a page: src (relative to the source folder) becomes out_dir/NAME,
 * NAME being src's path under under (or its last part when under is NULL)
 * made a valid lesson file name.  Returns the page, or NULL (reported) when
 * src is no regular file or is listed already.
 */
struct import_page *import_add_page(struct import *im, const char *src, const char *under,
                                    const char *out_dir, enum import_role role,
                                    const char *listed_in, unsigned line);
/* The page made from src, or NULL. */
struct import_page *import_page_by_src(const struct import *im, const char *src);

/*
 * Read the source file rel (relative to the source folder): at most max
 * bytes, a regular file inside the folder reached through no symbolic link.
 * NULL when it cannot be (why in err).  malloc'd, NUL-terminated.
 */
char *import_read_file(const struct import *im, const char *rel, size_t max, size_t *len, char *err,
                       size_t err_size);
/*
 * The path on disk of rel (relative to the source folder) with its lstat in
 * *sb, when it exists inside the folder and neither it nor a folder on the
 * way is a symbolic link; else NULL.  malloc'd.
 */
char *import_path(const struct import *im, const char *rel, struct stat *sb);
/* rel names a regular file (exists, inside, no link); dir: a folder instead. */
bool import_is_file(const struct import *im, const char *rel);
bool import_is_dir(const struct import *im, const char *rel);

/*
 * The folder's Markdown files (.md), relative to the source folder, in the
 * order MkDocs lists a folder: index.md or README.md first, then the files
 * by name, then each sub-folder the same way.  *count of them; malloc'd
 * array of malloc'd strings (free with import_strv_free).
 */
char **import_list_md(const struct import *im, const char *dir, bool recurse, size_t *count);
/* Every regular file below dir that is not a page (.md, .Rmd), sorted; hidden ones left out. */
char **import_list_files(const struct import *im, const char *dir, size_t *count);
void import_strv_free(char **v, size_t count);

/* The Workbench's four folders of pages: episodes, learners, instructors, profiles. */
extern const char *const import_workbench_dirs[4];

/*
 * The text of page pg as the course has it (import_links.c): its links
 * fixed, mdBook's directives done, im->append added; what changed goes to
 * im->log.  NULL when the page cannot be read or is too large (reported).
 * malloc'd, *len bytes.
 */
char *import_convert(struct import *im, const struct import_page *pg, size_t *len);

/*
 * The title a page gives itself: its YAML front matter's `title`, else its
 * first "# " heading; NULL when it has neither.  malloc'd.
 */
char *import_page_title(const char *text, size_t len);

/*
 * Resolve path (relative, '/'-separated, maybe with "." and "..") against
 * the folder of from (both relative to the source folder).  NULL when it
 * leaves the source folder.  malloc'd.
 */
char *import_resolve(const char *from, const char *path);

/* Write the course into out (an existing empty folder).  False on a system error (reported). */
bool import_write(struct import *im, const char *out, const struct import_opts *o);

/* A licence as SPDX writes it when it is one of the common ones ("CC-BY 4.0" -> "CC-BY-4.0"). */
char *import_spdx(const char *licence);

/* A course id made of a name: "Shell Novice!" -> "shell-novice"; "course" when nothing is left. */
char *import_id_of(const char *name);

#endif

/*
 * source.h - a course given as a folder or as an archive of one (tar.gz,
 * tar.xz, zip, 7z...).  An archive is extracted with libarchive (the only
 * file that includes <archive.h>) into a temporary folder, safely: no
 * absolute paths, no "..", nothing through a symbolic link, regular files
 * and folders only, bounded in size.  A folder and its archive then give
 * byte-identical bundles.
 */
#ifndef SAMPAN_BUILDER_SOURCE_H
#define SAMPAN_BUILDER_SOURCE_H

#include "error.h"

struct source {
	char *dir; /* the course folder: src itself, or inside tmp */
	char *tmp; /* the temporary folder to remove, or NULL */
};

/*
 * Open src.  For an archive, the course folder is the archive's root when
 * it holds course.yml, else its single top folder.  Errors name the archive
 * entry and the reason: BUNDLE_INVALID (not an archive, an unsafe or
 * non-regular entry, too large), BUNDLE_IO.  Close with source_close, which
 * removes any temporary folder.
 */
enum bundle_status source_open(const char *src, struct source *s, struct bundle_error *err);
void source_close(struct source *s);

/*
 * The same for `import`: the source folder is the archive's root, or its
 * single top folder, when it holds the file of a layout.h layout
 * (config.yaml, book.toml, mkdocs.yml, course.yml).
 */
enum bundle_status source_open_import(const char *src, struct source *s, struct bundle_error *err);

#endif

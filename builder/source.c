/* source.c - course folders and archives of them (libarchive, secure extraction). */
#define _GNU_SOURCE
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "layout.h"
#include "path.h"

#define MAX_ENTRIES 200000
#define MAX_TOTAL (64ull << 30) /* 64 GiB of course */
#define MIN_FREE (256ull << 20) /* stop before the disk is full */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void source_close(struct source *s)
{
	if (s->tmp) {
		nftw(s->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(s->tmp);
	}
	free(s->dir);
	s->dir = NULL;
	s->tmp = NULL;
}

static bool has_course_yml(const char *dir)
{
	char *p = path_join(dir, "course.yml");
	struct stat sb;
	bool ok = p && lstat(p, &sb) == 0 && S_ISREG(sb.st_mode);

	free(p);
	return ok;
}

static bool has_layout(const char *dir)
{
	return layout_detect(dir, NULL) != LAYOUT_NONE;
}

/* The course folder inside an extracted archive: its root, or its single top folder. */
static char *course_root(const char *tmp, bool (*is_root)(const char *))
{
	DIR *d;
	struct dirent *de;
	char *only = NULL;
	int n = 0;

	if (is_root(tmp))
		return strdup(tmp);
	d = opendir(tmp);
	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		free(only);
		only = path_join(tmp, de->d_name);
	}
	closedir(d);
	if (n == 1 && only && is_root(only))
		return only;
	free(only);
	return NULL;
}

static enum bundle_status extract(const char *src, const char *tmp, struct bundle_error *err)
{
	struct archive *a = archive_read_new(), *disk = archive_write_disk_new();
	struct archive_entry *entry;
	uint64_t total = 0;
	size_t count = 0;
	enum bundle_status st = BUNDLE_OK;
	int r;

	if (!a || !disk) {
		st = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
		goto done;
	}
	/* Only the formats and filters a course comes in: fewer parsers, fewer bugs. */
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_write_disk_set_options(
	        disk, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
	                      ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_NO_OVERWRITE);
	if (archive_read_open_filename(a, src, 65536) != ARCHIVE_OK) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
		                      "neither a folder nor an archive libarchive can read: %s",
		                      archive_error_string(a));
		goto done;
	}
	while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
		/* A copy, for messages after libarchive has moved on. */
		char name[4096];
		mode_t type = archive_entry_filetype(entry);
		struct statvfs vfs;

		snprintf(name, sizeof(name), "%s",
		         archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
		if (++count > MAX_ENTRIES) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
			                      "more than %d entries", MAX_ENTRIES);
			goto done;
		}
		if ((type != AE_IFREG && type != AE_IFDIR) || archive_entry_hardlink(entry)) {
			st = bundle_error_set(
			        err, BUNDLE_INVALID, RULE_NOT_REGULAR_FILE, name, strlen(name),
			        "not a regular file or folder: a course holds files only");
			goto done;
		}
		if (type == AE_IFREG) {
			uint64_t size = (uint64_t)archive_entry_size(entry);
			total += size;
			if (total > MAX_TOTAL) {
				st = bundle_error_set(err, BUNDLE_INVALID, RULE_ENTRY_TOO_LARGE,
				                      name, strlen(name),
				                      "the archive holds more than 64 GiB");
				goto done;
			}
			if (statvfs(tmp, &vfs) == 0 &&
			    (uint64_t)vfs.f_bavail * vfs.f_frsize < size + MIN_FREE) {
				st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, name, strlen(name),
				                      "not enough free space to unpack it");
				goto done;
			}
		}
		/* Files 0644, folders 0755, whatever the archive says. */
		archive_entry_set_perm(entry, type == AE_IFDIR ? 0755 : 0644);
		if (archive_write_header(disk, entry) != ARCHIVE_OK) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_NAME_INVALID, name,
			                      strlen(name), "refused: %s",
			                      archive_error_string(disk));
			goto done;
		}
		if (type == AE_IFREG) {
			const void *buf;
			size_t len;
			la_int64_t off;
			while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
				if (archive_write_data_block(disk, buf, len, off) != ARCHIVE_OK) {
					st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, name,
					                      strlen(name), "cannot write: %s",
					                      archive_error_string(disk));
					goto done;
				}
			}
			if (r != ARCHIVE_EOF) {
				st = bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, name,
				                      strlen(name), "cannot read: %s",
				                      archive_error_string(a));
				goto done;
			}
		}
		if (archive_write_finish_entry(disk) != ARCHIVE_OK) {
			st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, name, strlen(name),
			                      "cannot write: %s", archive_error_string(disk));
			goto done;
		}
	}
	if (r != ARCHIVE_EOF)
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
		                      "damaged archive: %s", archive_error_string(a));
done:
	if (a)
		archive_read_free(a);
	if (disk)
		archive_write_free(disk);
	return st;
}

static enum bundle_status open_with(const char *src, struct source *s, struct bundle_error *err,
                                    bool (*is_root)(const char *))
{
	struct stat sb;
	const char *base = getenv("TMPDIR");
	enum bundle_status st;
	size_t n;

	s->dir = NULL;
	s->tmp = NULL;
	if (stat(src, &sb) != 0)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s", strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		s->dir = strdup(src);
		return s->dir ? BUNDLE_OK
		              : bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
		                                 "out of memory");
	}
	if (!S_ISREG(sb.st_mode))
		return bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
		                        "neither a folder nor an archive");
	if (!base || !*base)
		base = "/tmp";
	n = strlen(base) + 32;
	s->tmp = malloc(n);
	if (!s->tmp)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	snprintf(s->tmp, n, "%s/sampan-source-XXXXXX", base);
	if (!mkdtemp(s->tmp)) {
		st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
		                      "cannot make a temporary folder in %s: %s", base,
		                      strerror(errno));
		free(s->tmp);
		s->tmp = NULL;
		return st;
	}
	/* libarchive writes relative to the current folder: go into tmp and back. */
	{
		int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char *abs_src = realpath(src, NULL);
		if (here < 0 || !abs_src || chdir(s->tmp) != 0) {
			st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s",
			                      strerror(errno));
		} else {
			st = extract(abs_src, ".", err);
			if (fchdir(here) != 0 && st == BUNDLE_OK)
				st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
				                      "cannot return to the working folder: %s",
				                      strerror(errno));
		}
		if (here >= 0)
			close(here);
		free(abs_src);
	}
	if (st == BUNDLE_OK) {
		s->dir = course_root(s->tmp, is_root);
		if (!s->dir && is_root == has_layout) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
			                      "no config.yaml, book.toml or mkdocs.yml at the "
			                      "archive's root or in its single top folder");
		} else if (!s->dir) {
			char *other = course_root(s->tmp, has_layout);
			const char *marker = NULL;
			enum layout l = other ? layout_detect(other, &marker) : LAYOUT_NONE;
			if (l != LAYOUT_NONE)
				st = bundle_error_set(
				        err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
				        "no course.yml: the archive holds a %s (%s), not a Sampan "
				        "course: run `sampan-build import` on it first",
				        layout_name(l), marker);
			else
				st = bundle_error_set(
				        err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
				        "no course.yml at the archive's root or in its single "
				        "top folder");
			free(other);
		}
	}
	if (st != BUNDLE_OK)
		source_close(s);
	return st;
}

enum bundle_status source_open(const char *src, struct source *s, struct bundle_error *err)
{
	return open_with(src, s, err, has_course_yml);
}

enum bundle_status source_open_import(const char *src, struct source *s, struct bundle_error *err)
{
	return open_with(src, s, err, has_layout);
}

/*
 * cmd_import.c - `sampan-build import SRC OUT`: a Carpentries Workbench
 * lesson, an mdBook book or a MkDocs site (a folder or an archive of one)
 * written as a Sampan course folder (format-spec/course-source.md, section
 * 11).  SRC is only read.  OUT is made whole or not at all: the course is
 * written in a temporary folder beside it, then renamed into place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "course.h"
#include "import.h"
#include "layout.h"
#include "manifest.h"
#include "options.h"
#include "path.h"
#include "problems.h"
#include "source.h"
#include "xalloc.h"

static const struct opts_help help = {
	.usage = "import SRC OUT [--id ID] [--version VERSION] [--language LANG] [options]",
	.about = "Write the course material in SRC as a Sampan course folder OUT (course.yml,\n"
	         "lessons/, media/) to read, edit, check and build.  SRC is a folder or an\n"
	         "archive of one (tar.xz, tar.gz, zip, 7z) holding a Carpentries Workbench\n"
	         "lesson (config.yaml, episodes/), an mdBook book (book.toml, src/SUMMARY.md)\n"
	         "or a MkDocs site (mkdocs.yml, docs/).  Pages keep their Markdown; links and\n"
	         "paths are fixed for the new layout, the files pages use are copied into\n"
	         "media/, and instructors' pages go to instructors/, which is never published.\n"
	         "What was converted is listed on stdout, what could not be on stderr, each as\n"
	         "FILE:LINE.  SRC is never written; OUT must not exist or be empty.\n",
	.after = "Metadata the source lacks is guessed and listed under `imported: guessed:` in\n"
	         "course.yml; `check` warns about each until it is set.\n"
	         "\n"
	         "Exit status: 0 imported (warnings allowed), 1 nothing to import or a source\n"
	         "that cannot be read, 2 usage, 3 system.\n",
	.operands = "import: needs SRC and OUT",
	.operands_min = 2,
	.operands_max = 2,
};

static volatile sig_atomic_t interrupted_by, stop;

static void on_signal(int sig)
{
	interrupted_by = sig;
	stop = 1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir is a folder with nothing in it. */
static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

/* a is b or inside it (both real paths). */
static bool within(const char *a, const char *b)
{
	size_t n = strlen(b);
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' || strcmp(b, "/") == 0);
}

static void print_log(const struct problems *log)
{
	for (size_t i = 0; i < log->count; i++) {
		const struct problem *p = &log->v[i];
		if (p->line)
			printf("%s:%u: %s\n", p->file, p->line, p->message);
		else
			printf("%s: %s\n", p->file, p->message);
	}
}

/* Put the finished folder tmp at out; *old gets what was there when force replaced it. */
static int put_in_place(const char *tmp, const char *out, bool existed)
{
	if (!existed) {
		if (rename(tmp, out) == 0)
			return EXIT_YES;
	} else if (dir_empty(out)) {
		if (rename(tmp, out) == 0) /* rename(2) replaces an empty folder */
			return EXIT_YES;
	} else {
		char *old = xasprintf("%s.old", tmp);
		if (rename(out, old) == 0) {
			if (rename(tmp, out) == 0) {
				rm_tree(old);
				free(old);
				return EXIT_YES;
			}
			if (rename(old, out) != 0)
				cli_error("%s: the replaced course is kept as %s", out, old);
		}
		free(old);
	}
	cli_error("%s: cannot put the course in place: %s", out, strerror(errno));
	return EXIT_SYSTEM;
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o = { 0 };
	bool force = false;
	const struct opt opts[] = {
		OPT_STRING(0, "id", &o.id, "ID",
		           "the course's id (default: from the source's name; check warns)"),
		OPT_STRING(0, "version", &o.version, "VERSION",
		           "the course's version (default: 1; check warns)"),
		OPT_STRING(0, "language", &o.language, "LANG",
		           "the course's language (default: the source's, else en)"),
		OPT_STRING(0, "publisher", &o.publisher, "NAME",
		           "the publisher (default: the source's authors or organisation)"),
		OPT_STRING(0, "licence", &o.licence, "LICENCE",
		           "the licence (default: the source's, as an SPDX identifier)"),
		OPT_BOOL('f', "force", &force, "replace OUT when it is not empty"),
		OPT_QUIET("list nothing on stdout; print errors only, no summary"),
		OPT_END(),
	};
	struct source s = { NULL, NULL };
	struct bundle_error err;
	struct problems problems, log;
	struct import im;
	struct stat sb, src_sb;
	struct sigaction sa;
	const char *src, *out, *marker = NULL;
	char *real_src = NULL, *parent = NULL, *real_parent = NULL, *base = NULL, *tmp = NULL;
	bool existed = false, imported = false;
	enum layout l;
	int n, rc;

	n = opts_parse(argc, argv, opts, &help, &rc);
	if (n < 0)
		return rc;
	src = argv[0];
	out = argv[1];
	if (o.id && !manifest_id_valid(o.id, strlen(o.id)))
		return opts_usage_error(&help,
		                        "import: --id '%s': not a course id (lowercase "
		                        "letters, digits and '-', parts joined by dots)",
		                        o.id);
	if (o.version && !manifest_version_valid(o.version, strlen(o.version)))
		return opts_usage_error(&help,
		                        "import: --version '%s': not a course version (1 to 4 "
		                        "numbers joined by dots: 1, 1.2, 2.0.10)",
		                        o.version);
	if (o.language && !course_lang_valid(o.language))
		return opts_usage_error(&help,
		                        "import: --language '%s': not a language tag (en, "
		                        "th, vi, zh-Hans...)",
		                        o.language);
	if (stat(src, &src_sb) != 0) {
		cli_error("%s: %s", src, strerror(errno));
		return EXIT_USAGE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	real_src = realpath(src, NULL);
	/* OUT: absent or an empty folder (or --force); never inside SRC, never holding it. */
	{
		char *copy = xstrdup(out), *copy2 = xstrdup(out);
		parent = xstrdup(dirname(copy));
		base = xstrdup(basename(copy2));
		free(copy);
		free(copy2);
	}
	real_parent = realpath(parent, NULL);
	if (!real_src || !real_parent) {
		cli_error("%s: %s", real_src ? parent : src, strerror(errno));
		rc = EXIT_USAGE;
		goto done;
	}
	if (lstat(out, &sb) == 0) {
		existed = true;
		if (!S_ISDIR(sb.st_mode)) {
			cli_error("%s: exists and is not a folder", out);
			rc = EXIT_NO;
			goto done;
		}
		if (!dir_empty(out) && !force) {
			cli_error("%s: not empty: import writes a new course folder (--force "
			          "replaces it)",
			          out);
			rc = EXIT_NO;
			goto done;
		}
	}
	{
		char *out_path = path_join(real_parent, base);
		bool bad = within(out_path, real_src) || (existed && within(real_src, out_path));
		free(out_path);
		if (bad || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
		    strcmp(base, "/") == 0) {
			cli_error("%s: OUT must be a new folder outside SRC (%s)", out, src);
			rc = EXIT_USAGE;
			goto done;
		}
	}

	bundle_error_clear(&err);
	if (source_open_import(src, &s, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(src, &err);
		goto done;
	}
	l = layout_detect(s.dir, &marker);
	if (l == LAYOUT_SAMPAN) {
		cli_error("%s: already a Sampan course (course.yml): check and build it as it is",
		          src);
		rc = EXIT_NO;
		goto done;
	}
	if (l == LAYOUT_NONE) {
		cli_error(
		        "%s: not a layout import reads: no config.yaml with episodes/ (Carpentries "
		        "Workbench), book.toml (mdBook) or mkdocs.yml (MkDocs) at its top",
		        src);
		rc = EXIT_NO;
		goto done;
	}

	tmp = xasprintf("%s/.%s.import-XXXXXX", real_parent, base);
	if (!mkdtemp(tmp)) {
		cli_error("%s: cannot make a temporary folder: %s", parent, strerror(errno));
		free(tmp);
		tmp = NULL;
		rc = EXIT_SYSTEM;
		goto done;
	}
	/* mkdtemp makes it 0700: give it the mode mkdir gives, as the files get cp's. */
	{
		mode_t um = umask(0);
		umask(um);
		chmod(tmp, 0777 & ~um);
	}
	problems_init(&problems);
	problems_init(&log);
	import_init(&im, s.dir, l, &problems, &log);
	im.stop = &stop;
	{
		/* The id's default: the source's own name, else the folder's or archive's. */
		const char *name = src + strlen(src);
		while (name > src && name[-1] == '/')
			name--;
		while (name > src && name[-1] != '/')
			name--;
		rc = EXIT_NO;
		if (import_read(&im)) {
			if (!im.name_hint) {
				size_t len = strcspn(name, "/");
				char *nm = xstrndup(name, len);
				char *dot = strchr(nm, '.');
				if (dot && dot != nm && S_ISREG(src_sb.st_mode))
					*dot = '\0';
				im.name_hint = nm;
			}
			if (!import_write(&im, tmp, &o))
				rc = EXIT_SYSTEM;
			else if (problems.errors == 0)
				imported = true;
		}
	}
	if (!cli_quiet)
		print_log(&log);
	problems_print(&problems, stderr, cli_color(stderr));
	if (imported && !interrupted_by) {
		rc = put_in_place(tmp, out, existed);
		if (rc == EXIT_YES) {
			free(tmp);
			tmp = NULL;
		}
	}
	if (!cli_quiet && rc == EXIT_YES) {
		size_t lessons = 0, teacher = 0;
		for (size_t i = 0; i < im.pages_count; i++)
			if (im.pages[i].role == IMPORT_LESSON)
				lessons++;
			else
				teacher++;
		fprintf(stderr,
		        "%s imported into %s: %zu lesson%s, %zu file%s in media/, %zu teachers' "
		        "page%s; %zu warning%s\n",
		        layout_name(l), out, lessons, lessons == 1 ? "" : "s", im.media_count,
		        im.media_count == 1 ? "" : "s", teacher, teacher == 1 ? "" : "s",
		        problems.warnings, problems.warnings == 1 ? "" : "s");
	} else if (!cli_quiet && rc == EXIT_NO) {
		fprintf(stderr, "nothing written: %zu error%s\n", problems.errors,
		        problems.errors == 1 ? "" : "s");
	}
	import_release(&im);
	problems_release(&problems);
	problems_release(&log);
done:
	if (tmp) {
		rm_tree(tmp);
		free(tmp);
	}
	source_close(&s);
	free(real_src);
	free(real_parent);
	free(parent);
	free(base);
	if (interrupted_by) {
		cli_error("interrupted: nothing written");
		signal(interrupted_by, SIG_DFL);
		raise(interrupted_by);
	}
	return rc;
}

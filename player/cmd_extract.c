/*
 * cmd_extract.c - `sampan-play extract FILE.sampan DIR`: a fully verified
 * bundle (format-spec/bundle-v1.md §14) written out as files, every entry
 * with META-INF/ included, so that `sha256sum -c META-INF/MANIFEST` and
 * minisign can audit the result (§8.8).
 *
 * Not through libarchive: the issue asked for "verified extraction with
 * libarchive's secure flags", but libarchive would read the ZIP a second
 * time, its own way, with its own idea of names.  The bundle library has
 * already refused every name the one path checker refuses (bundle/
 * pathname.h: "..", absolute, backslash, NUL, device names, case and
 * file/folder collisions...) and every non-regular entry, and its reads
 * check every byte they return against the signed digests.  So the bytes
 * written are the bytes checked, under the names checked.  Writing is
 * confined to DIR besides: relative to DIR's descriptor, each folder opened
 * with O_NOFOLLOW, each file created with O_EXCL|O_NOFOLLOW, so that a
 * symbolic link planted in DIR cannot redirect a write.
 *
 * Teacher pages (entries under teacher/, bundle-v1.md 11.7) land in their
 * own folder, DIR/teacher/, which a copy for students leaves out; with
 * --no-teacher they are not written at all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "cmdutil.h"
#include "course.h"
#include "format.h"
#include "path.h"
#include "pathname.h"
#include "player.h"
#include "progress.h"
#include "trustopt.h"
#include "xalloc.h"

/* Entries up to this size are read (and checked) whole; larger stored ones a piece at a time. */
#define READ_WHOLE_MAX ((size_t)BUNDLE_MAX_DEFLATED_SIZE)
#define READ_PIECE ((size_t)BUNDLE_CHUNK_SIZE)

static const struct opts_help help = {
	.usage = "extract FILE.sampan DIR [--trust KEY.pub...]\n"
	         "        [--trust-dir DIR]",
	.about = "Verify the bundle completely, then write every one of its files into DIR,\n"
	         "which must not exist or be empty.  META-INF/ is written too, so that\n"
	         "`sha256sum -c --strict META-INF/MANIFEST` in DIR checks the files against\n"
	         "the signed manifest.  An invalid bundle is refused and nothing is\n"
	         "written; a failure midway removes what was written.\n"
	         "\n"
	         "The course's teacher pages (its teachers' notes) go into DIR/teacher/:\n"
	         "leave that folder out of a copy for students, or extract with\n"
	         "--no-teacher (the manifest check then needs --ignore-missing).\n",
	.after = "Exit status: 0 extracted, 1 refused (invalid bundle, DIR not empty), 2 usage,\n"
	         "3 system error.\n",
	.operands = "extract needs one FILE.sampan and one DIR",
	.operands_min = 2,
	.operands_max = 2,
};

/* What was created under DIR, in order, to remove it all on a failure. */
struct made {
	char *path; /* relative to DIR */
	bool dir;
};

struct extract {
	struct bundle *b;
	const char *dir; /* as given, for messages */
	int root; /* DIR */
	bool made_root; /* DIR itself was created */
	struct made *made;
	size_t made_count, made_cap;
	int cur; /* the folder of the last file, or -1 */
	char *cur_path; /* its path relative to DIR */
	size_t cur_len;
	size_t files;
	size_t teacher; /* teacher entries written */
	bool no_teacher; /* --no-teacher: none written */
	uint64_t done, total;
	struct progress progress;
};

static void remember(struct extract *x, const char *path, size_t len, bool dir)
{
	if (x->made_count == x->made_cap) {
		size_t ncap = x->made_cap ? x->made_cap * 2 : 64;
		x->made = xreallocarray(x->made, ncap, sizeof(*x->made));
		x->made_cap = ncap;
	}
	x->made[x->made_count].path = xstrndup(path, len);
	x->made[x->made_count].dir = dir;
	x->made_count++;
}

/*
 * Open the folder path[0, len) below DIR, one segment at a time, never
 * following a symbolic link; with create, make the missing folders (0777 minus the umask)
 * and remember them.  Returns the descriptor, or -1 with errno set.
 */
static int open_folder(struct extract *x, const char *path, size_t len, bool create)
{
	int fd = dup(x->root);
	size_t at = 0;

	while (fd >= 0 && at < len) {
		const char *slash = memchr(path + at, '/', len - at);
		size_t end = slash ? (size_t)(slash - path) : len;
		char seg[BUNDLE_MAX_SEGMENT + 1];
		bool there = true;
		int next = -1, e;

		if (end - at == 0 || end - at > BUNDLE_MAX_SEGMENT) {
			errno = EINVAL;
		} else {
			memcpy(seg, path + at, end - at);
			seg[end - at] = '\0';
			if (create) {
				if (mkdirat(fd, seg, 0777) == 0)
					remember(x, path, end, true);
				else if (errno != EEXIST)
					there = false;
			}
			/* An existing folder is ours (DIR was empty); a link there fails here. */
			if (there)
				next = openat(fd, seg,
				              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		e = errno;
		close(fd);
		errno = e;
		fd = next;
		at = end + 1;
	}
	return fd;
}

/* Remove what was made, files and folders, the last first; then DIR when it was made. */
static void undo(struct extract *x)
{
	for (size_t i = x->made_count; i-- > 0;) {
		const char *p = x->made[i].path, *slash = strrchr(p, '/');
		size_t plen = slash ? (size_t)(slash - p) : 0;
		int fd = open_folder(x, p, plen, false);
		if (fd < 0)
			continue;
		unlinkat(fd, slash ? slash + 1 : p, x->made[i].dir ? AT_REMOVEDIR : 0);
		close(fd);
	}
	if (x->made_root && rmdir(x->dir) != 0)
		cli_warning("%s: cannot remove: %s", x->dir, strerror(errno));
}

static void extract_release(struct extract *x)
{
	for (size_t i = 0; i < x->made_count; i++)
		free(x->made[i].path);
	free(x->made);
	free(x->cur_path);
	if (x->cur >= 0)
		close(x->cur);
	if (x->root >= 0)
		close(x->root);
}

/* Write the checked bytes of entry i to fd: whole, or a checked piece at a time. */
static int write_entry(struct extract *x, size_t i, const struct bundle_entry *e, int fd,
                       const char *shown)
{
	struct bundle_error err;
	unsigned char *data = NULL;
	size_t len;
	int rc = EXIT_YES;

	if (e->size <= READ_WHOLE_MAX || e->method != 0) {
		/* Deflated entries are at most 64 MiB (§3.8): bundle_read refuses more. */
		if (bundle_read(x->b, i, READ_WHOLE_MAX, &data, &len, &err) != BUNDLE_OK) {
			progress_end(&x->progress);
			return cli_bundle_error(bundle_path(x->b), &err);
		}
		if (player_write_all(fd, data, len) != 0) {
			progress_end(&x->progress);
			cli_error("%s: cannot write: %s", shown, strerror(errno));
			rc = EXIT_SYSTEM;
		}
		free(data);
		x->done += len;
		progress_update(&x->progress, x->done, x->total);
		return rc;
	}
	/* A large stored entry: bundle_read_range checks each chunk it reads against META-INF/chunks. */
	data = xmalloc(READ_PIECE);
	for (uint64_t off = 0; off < e->size && rc == EXIT_YES;) {
		size_t n = e->size - off > READ_PIECE ? READ_PIECE : (size_t)(e->size - off);
		if (player_interrupted()) {
			progress_end(&x->progress);
			cli_error("%s: interrupted", shown);
			rc = EXIT_SYSTEM;
		} else if (bundle_read_range(x->b, i, off, n, data, &err) != BUNDLE_OK) {
			progress_end(&x->progress);
			rc = cli_bundle_error(bundle_path(x->b), &err);
		} else if (player_write_all(fd, data, n) != 0) {
			progress_end(&x->progress);
			cli_error("%s: cannot write: %s", shown, strerror(errno));
			rc = EXIT_SYSTEM;
		}
		off += n;
		x->done += n;
		progress_update(&x->progress, x->done, x->total);
	}
	free(data);
	return rc;
}

/* Write entry i as a new file below DIR. */
static int extract_entry(struct extract *x, size_t i)
{
	struct bundle_entry e;
	struct bundle_error err;
	const char *slash;
	size_t plen;
	char *shown;
	int fd, rc;

	bundle_entry(x->b, i, &e);
	/* The reader checked every name already; the extractor asks the one path checker again. */
	if (pathname_check(e.name, e.name_len, true, &err) != BUNDLE_OK) {
		progress_end(&x->progress);
		return cli_bundle_error(bundle_path(x->b), &err);
	}
	slash = strrchr(e.name, '/');
	plen = slash ? (size_t)(slash - e.name) : 0;
	shown = path_join(x->dir, e.name);
	/* Entries come sorted, so that neighbours mostly share their folder. */
	if (x->cur < 0 || plen != x->cur_len || memcmp(e.name, x->cur_path, plen) != 0) {
		if (x->cur >= 0)
			close(x->cur);
		free(x->cur_path);
		x->cur_path = NULL;
		x->cur = open_folder(x, e.name, plen, true);
		if (x->cur < 0) {
			progress_end(&x->progress);
			cli_error("%s: cannot make its folder: %s", shown, strerror(errno));
			free(shown);
			return EXIT_SYSTEM;
		}
		x->cur_path = xmalloc(plen + 1);
		memcpy(x->cur_path, e.name, plen);
		x->cur_path[plen] = '\0';
		x->cur_len = plen;
	}
	fd = openat(x->cur, slash ? slash + 1 : e.name,
	            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		progress_end(&x->progress);
		cli_error("%s: cannot create: %s", shown, strerror(errno));
		free(shown);
		return EXIT_SYSTEM;
	}
	remember(x, e.name, e.name_len, false);
	rc = write_entry(x, i, &e, fd, shown);
	if (close(fd) != 0 && rc == EXIT_YES) {
		progress_end(&x->progress);
		cli_error("%s: cannot write: %s", shown, strerror(errno));
		rc = EXIT_SYSTEM;
	}
	if (rc == EXIT_YES)
		x->files++;
	free(shown);
	return rc;
}

/*
 * Whether dir can receive the files: missing, or an empty folder.  Not a
 * guarantee (see make_root), but a refusal before a long verification.
 */
static int check_target(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		if (errno == ENOENT)
			return EXIT_YES;
		if (errno == ENOTDIR) {
			cli_error("%s: not a folder", dir);
			return EXIT_NO;
		}
		cli_error("%s: cannot read: %s", dir, strerror(errno));
		return EXIT_SYSTEM;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			closedir(d);
			cli_error("%s: not empty", dir);
			return EXIT_NO;
		}
	}
	closedir(d);
	return EXIT_YES;
}

/* Make DIR, or take it if it is an empty folder; open it. */
static int make_root(struct extract *x)
{
	int rc;

	if (mkdir(x->dir, 0777) == 0) {
		x->made_root = true;
	} else if (errno != EEXIST) {
		cli_error("%s: cannot make the folder: %s", x->dir, strerror(errno));
		return EXIT_SYSTEM;
	} else {
		rc = check_target(x->dir);
		if (rc != EXIT_YES)
			return rc;
	}
	x->root = open(x->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x->root < 0) {
		cli_error("%s: cannot open: %s", x->dir, strerror(errno));
		if (x->made_root)
			rmdir(x->dir);
		x->made_root = false;
		return EXIT_SYSTEM;
	}
	return EXIT_YES;
}

static int extract(const char *path, const char *dir, const struct trust *trust, bool no_teacher)
{
	struct extract x;
	sigset_t stop, old;
	int rc;

	memset(&x, 0, sizeof(x));
	x.dir = dir;
	x.root = -1;
	x.cur = -1;
	x.no_teacher = no_teacher;
	rc = check_target(dir);
	if (rc != EXIT_YES)
		return rc;
	rc = player_open_checked(path, trust, "Verifying", &x.b);
	if (rc != EXIT_YES)
		return rc;
	/* Held back while files are written, so that an interrupted extraction removes them. */
	player_stop_signals(&stop);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	rc = make_root(&x);
	if (rc != EXIT_YES)
		goto done;
	for (size_t i = 0; i < bundle_count(x.b); i++) {
		struct bundle_entry e;
		bundle_entry(x.b, i, &e);
		if (!(no_teacher && course_is_teacher_entry(e.name)))
			x.total += e.size;
	}
	progress_start(&x.progress, "Extracting");
	for (size_t i = 0; i < bundle_count(x.b) && rc == EXIT_YES; i++) {
		if (player_interrupted()) {
			progress_end(&x.progress);
			cli_error("%s: interrupted", dir);
			rc = EXIT_SYSTEM;
			break;
		}
		struct bundle_entry e;
		bundle_entry(x.b, i, &e);
		if (course_is_teacher_entry(e.name)) {
			if (no_teacher)
				continue;
			x.teacher++;
		}
		rc = extract_entry(&x, i);
	}
	progress_end(&x.progress);
	if (rc != EXIT_YES) {
		undo(&x);
		goto done;
	}
	if (!cli_quiet)
		printf("Extracted %zu files from %s into %s\n", x.files, path, dir);
	if (!cli_quiet && x.teacher)
		printf("%zu of them are for the teacher, in %s/teacher/: leave that folder out of "
		       "a "
		       "copy for students\n",
		       x.teacher, dir);
done:
	extract_release(&x);
	bundle_close(x.b);
	fflush(stdout);
	/* A signal held back is delivered here and ends the program, with nothing half written. */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int cmd_extract(int argc, char **argv)
{
	struct trust_opts t;
	bool no_teacher = false;
	const struct opt opts[] = {
		OPT_TRUSTED_KEYS(&t),
		OPT_BOOL(0, "no-teacher", &no_teacher,
		         "leave out the teacher pages (teacher/): a copy for students"),
		OPT_QUIET("print nothing but errors"),
		OPT_END(),
	};
	int rc;

	if (trust_opts_parse(&t, TRUST_NEED_KEY, argc, argv, opts, &help, &rc) == 2)
		rc = extract(argv[0], argv[1], &t.trust, no_teacher);
	trust_opts_release(&t);
	return rc;
}

/*
 * cmd_install.c - `sampan-play install FILE.sampan --library DIR`: put a
 * fully verified bundle (format-spec/bundle-v1.md §14) into a player's
 * library folder as ID-VERSION.sampan, atomically, refusing a downgrade
 * (DESIGN "Trust": rollback), and remove the versions it replaces.
 *
 * The bundle's container, signature and manifest are checked first; the
 * copy is written to .ID-VERSION.sampan.tmp-XXXXXX beside its place,
 * verified in full (each entry read back as soon as it is written, the
 * last ones while the disk syncs the file), opened to confirm it is the
 * bundle checked, and only then renamed into place: a failure or an interruption at any point
 * leaves no new or partial bundle in the library.  Only kill -9 can leave
 * the temporary file; the next install removes those older than an hour.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bfile.h"
#include "bundle.h"
#include "cli.h"
#include "cmdutil.h"
#include "outfile.h"
#include "path.h"
#include "player.h"
#include "progress.h"
#include "trustopt.h"
#include "updates.h"
#include "xalloc.h"

#define COPY_PIECE (1024u * 1024u)
/* A temporary file untouched for this long belongs to no running install. */
#define STALE_SECONDS 3600

static const struct opts_help help = {
	.usage = "install FILE.sampan --library DIR [--force]\n"
	         "install UPDATE.sampan-update --library DIR\n"
	         "        [--trust KEY.pub...] [--trust-dir DIR]",
	.about = "Check the bundle's signature and manifest, copy it into the library folder\n"
	         "DIR as ID-VERSION.sampan, verify every byte of the copy, and only then put\n"
	         "it in place and remove the other versions of the same course there.  A\n"
	         "higher version already in DIR is kept and the install refused, unless\n"
	         "--force.  A bundle that does not verify is refused, its bad entries named;\n"
	         "a failure leaves the library as it was.  A bundle stored in parts\n"
	         "(FILE.sampan.001, .002, ...) is installed as one file.\n"
	         "\n"
	         "Given an update (made by `sampan-build diff`), find the version it applies\n"
	         "to in DIR, by course, version and manifest, make the new version from it as\n"
	         "ID-VERSION.sampan, verify it completely, and only then remove the old one:\n"
	         "a failure or a power cut at any moment leaves the old version or the new.\n",
	.after = "Exit status: 0 installed, 1 refused (invalid bundle, downgrade), 2 usage,\n"
	         "3 system error.\n",
	.operands = "install needs one FILE.sampan and --library DIR (FILE may be an update, "
	            "FILE.sampan-update)",
	.operands_min = 1,
	.operands_max = 1,
};

/* Whether name is a temporary copy of an install (or of sampan-build): .NAME.sampan.tmp-XXXXXX */
static bool is_temp_name(const char *name)
{
	return name[0] == '.' && strstr(name, ".sampan.tmp-") != NULL;
}

/* Remove the temporary files that installs killed midway left in the library. */
static void remove_stale(int dfd, const char *lib)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	time_t now = time(NULL);

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		if (!is_temp_name(de->d_name))
			continue;
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode) || now - sb.st_mtime < STALE_SECONDS)
			continue;
		if (unlinkat(dfd, de->d_name, 0) != 0)
			cli_warning("%s/%s: cannot remove a stale temporary file: %s", lib,
			            de->d_name, strerror(errno));
	}
	closedir(d);
}

/* A bundle of the same course already in the library. */
struct installed {
	char *name;
	char *version;
};

static int cmp_installed(const void *a, const void *b)
{
	return strcmp(((const struct installed *)a)->name, ((const struct installed *)b)->name);
}

/*
 * Find the bundles of course id in the library folder: every *.sampan there
 * that opens and verifies with the trusted keys and has that id.  Others,
 * including those that do not verify, are never touched.
 */
static int find_installed(const char *lib, const struct trust *trust, const char *id,
                          struct installed **out, size_t *count)
{
	DIR *d = opendir(lib);
	struct dirent *de;
	struct installed *v = NULL;
	size_t n = 0, cap = 0;
	int rc = EXIT_YES;

	*out = NULL;
	*count = 0;
	if (!d) {
		cli_error("%s: cannot read the library folder: %s", lib, strerror(errno));
		return EXIT_SYSTEM;
	}
	for (;;) {
		struct bundle *b = NULL;
		struct bundle_error err;
		char *path;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno != 0) {
				cli_error("%s: cannot read the library folder: %s", lib,
				          strerror(errno));
				rc = EXIT_SYSTEM;
			}
			break;
		}
		if (!player_is_bundle_name(de->d_name))
			continue;
		path = path_join(lib, de->d_name);
		if (bundle_open(path, &b, &err) == BUNDLE_OK &&
		    bundle_verify(b, trust, &err) == BUNDLE_OK &&
		    strcmp(bundle_manifest(b)->id, id) == 0) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				struct installed *p = xrealloc(v, ncap * sizeof(*p));
				v = p;
				cap = ncap;
			}
			v[n].name = xstrdup(de->d_name);
			v[n].version = xstrdup(bundle_manifest(b)->version);
			n++;
		}
		bundle_close(b);
		free(path);
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_installed);
	*out = v;
	*count = n;
	return rc;
}

/*
 * Copy the verified bundle's own file (its open descriptor: the bytes that
 * were checked, even if its path changed since) to the file of sync, the
 * disk writing behind and c verifying behind.  shown names the target in
 * messages.
 */
static int copy_bundle(struct bundle *b, struct player_sync *sync, struct player_check_behind *c,
                       const char *shown)
{
	uint64_t size = bundle_file_size(b), off = 0;
	unsigned char *buf = xmalloc(COPY_PIECE);
	struct progress progress;
	struct bundle_error err;
	int rc = EXIT_YES;

	progress_start(&progress, "Copying");
	while (off < size) {
		size_t n = size - off > COPY_PIECE ? COPY_PIECE : (size_t)(size - off);

		if (player_interrupted()) {
			progress_end(&progress);
			cli_error("%s: interrupted", shown);
			rc = EXIT_SYSTEM;
			break;
		}
		/* through the parts of a bundle stored in parts, as one file */
		if (bfile_pread(bundle_bfile(b), buf, n, off, &err) != BUNDLE_OK) {
			progress_end(&progress);
			cli_error("%s: cannot read: %s", bundle_path(b), err.message);
			rc = EXIT_SYSTEM;
			break;
		}
		if (player_write_all(sync->fd, buf, n) != 0) {
			progress_end(&progress);
			cli_error("%s: cannot write: %s", shown, strerror(errno));
			rc = EXIT_SYSTEM;
			break;
		}
		off += n;
		player_check_behind_advance(c, off);
		player_write_behind(sync, off);
		progress_update(&progress, off, size);
	}
	progress_end(&progress);
	free(buf);
	return rc;
}

/*
 * The copy, opened and verified as a bundle, must be the very bundle that
 * was verified, byte for byte where any check looks, and every entry must
 * have passed c's checks.  Only the source's signature and manifest were
 * checked before the copy: when an entry of the copy is bad, the source is
 * checked in full to tell a bad bundle (refused, its bad entries named)
 * from a bad copy (a failing disk).
 */
static int check_copy(const char *tmp, const char *shown, const struct trust *trust,
                      struct bundle *src, const char *src_path, const struct player_check_behind *c)
{
	struct bundle *b = NULL;
	struct bundle_error err;
	enum bundle_status st;
	int rc = EXIT_YES;

	st = bundle_open(tmp, &b, &err);
	if (st == BUNDLE_OK)
		st = bundle_verify(b, trust, &err);
	if (st == BUNDLE_OK && !bundle_same_layout(b, src)) {
		cli_error("%s: the copy differs from %s (did it change while it was copied?)",
		          shown, bundle_path(src));
		bundle_close(b);
		return EXIT_SYSTEM;
	}
	if (st == BUNDLE_OK) {
		st = c->st;
		err = c->err;
	}
	if (st == BUNDLE_NOMEM)
		xalloc_die();
	if (st == BUNDLE_ENTRY_BAD)
		rc = player_check_content(src, src_path, "Verifying");
	if (rc == EXIT_YES && st != BUNDLE_OK) {
		cli_error("%s: the copy does not verify (a failing disk?): %s", shown, err.message);
		rc = EXIT_SYSTEM;
	}
	bundle_close(b);
	return rc;
}

/*
 * Copy, check and rename into place; then remove the other versions.
 * Signals that stop the program are held back meanwhile and delivered once
 * the library is consistent again.
 */
static int put_in_place(struct bundle *b, const char *path, int dfd, const char *lib,
                        const char *base, const struct trust *trust, const struct installed *others,
                        size_t others_count)
{
	const struct manifest *m = bundle_manifest(b);
	char *tmp = NULL, *dest = path_join(lib, base);
	struct bundle_error err;
	struct player_sync sync;
	struct player_check_behind check;
	sigset_t stop, old;
	int fd = -1, rc = EXIT_YES;
	bool placed = false;

	player_stop_signals(&stop);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	/* 0666 minus the umask, as cp gives: the player may run as another user than the teacher. */
	fd = outfile_temp(dest, 0666, &tmp, &err);
	if (fd < 0) {
		rc = cli_bundle_error(NULL, &err);
		goto done;
	}
	player_sync_init(&sync, fd);
	player_check_behind_start(&check, b, fd);
	rc = copy_bundle(b, &sync, &check, dest);
	/* the sync runs beside the last of the verification: both must succeed */
	if (rc == EXIT_YES)
		player_sync_start(&sync);
	player_check_behind_finish(&check, rc == EXIT_YES);
	if (rc != EXIT_YES)
		goto done;
	rc = check_copy(tmp, dest, trust, b, path, &check);
	if (player_sync_wait(&sync) != 0 && rc == EXIT_YES) {
		cli_error("%s: cannot sync: %s", dest, strerror(errno));
		rc = EXIT_SYSTEM;
	}
	if (close(fd) != 0 && rc == EXIT_YES) {
		cli_error("%s: cannot write: %s", dest, strerror(errno));
		rc = EXIT_SYSTEM;
	}
	fd = -1;
	if (rc == EXIT_YES && player_interrupted()) {
		cli_error("%s: interrupted", dest);
		rc = EXIT_SYSTEM;
	}
	if (rc != EXIT_YES)
		goto done;
	if (outfile_commit(tmp, dest, true, NULL, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(NULL, &err);
		goto done;
	}
	placed = true;
	if (fsync(dfd) != 0) {
		cli_error("%s: cannot sync the library folder: %s", lib, strerror(errno));
		rc = EXIT_SYSTEM;
		goto done;
	}
	if (!cli_quiet)
		printf("Installed %s version %s as %s\n", m->id, m->version, dest);
	for (size_t i = 0; i < others_count; i++) {
		if (strcmp(others[i].name, base) == 0)
			continue;
		if (unlinkat(dfd, others[i].name, 0) != 0) {
			cli_error("%s/%s: cannot remove version %s: %s", lib, others[i].name,
			          others[i].version, strerror(errno));
			rc = EXIT_SYSTEM;
		} else if (!cli_quiet) {
			printf("Removed %s/%s (version %s)\n", lib, others[i].name,
			       others[i].version);
		}
	}
	if (fsync(dfd) != 0 && rc == EXIT_YES) {
		cli_error("%s: cannot sync the library folder: %s", lib, strerror(errno));
		rc = EXIT_SYSTEM;
	}
done:
	if (fd >= 0)
		close(fd);
	if (!placed)
		outfile_discard(tmp);
	else
		free(tmp);
	free(dest);
	fflush(stdout);
	/* A signal held back is delivered here and ends the program, the library consistent. */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static int install(const char *path, const char *lib, bool force, const struct trust *trust)
{
	struct bundle *b = NULL;
	struct installed *others = NULL;
	size_t others_count = 0;
	const struct manifest *m;
	char *base = NULL;
	int dfd, rc;

	dfd = open(lib, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		cli_error("%s: cannot open the library folder: %s", lib, strerror(errno));
		return EXIT_SYSTEM;
	}
	remove_stale(dfd, lib);
	/*
	 * The container, signature, manifest and metadata now; every byte is
	 * checked in the copy, before it takes its place (check_copy).
	 */
	{
		struct bundle_error err;
		enum bundle_status st = bundle_open(path, &b, &err);
		if (st == BUNDLE_OK)
			st = bundle_verify(b, trust, &err);
		if (st != BUNDLE_OK) {
			rc = cli_bundle_error(path, &err);
			goto done;
		}
	}
	m = bundle_manifest(b);
	rc = find_installed(lib, trust, m->id, &others, &others_count);
	if (rc != EXIT_YES)
		goto done;
	for (size_t i = 0; i < others_count && !force; i++) {
		if (manifest_version_cmp(others[i].version, m->version) > 0) {
			cli_error("%s: downgrade: %s/%s has version %s (--force installs version "
			          "%s over it)",
			          path, lib, others[i].name, others[i].version, m->version);
			rc = EXIT_NO;
			goto done;
		}
	}
	/* Both grammars (manifest.h) make a safe file name: [a-z0-9.-] and [0-9.]. */
	base = xasprintf("%s-%s.sampan", m->id, m->version);
	rc = put_in_place(b, path, dfd, lib, base, trust, others, others_count);
done:
	for (size_t i = 0; i < others_count; i++) {
		free(others[i].name);
		free(others[i].version);
	}
	free(others);
	free(base);
	bundle_close(b);
	close(dfd);
	return rc;
}

/* The verified bundles of the library folder: candidates for an update's base. */
static int open_library(const char *lib, const struct trust *trust, struct bundle ***out,
                        size_t *count)
{
	DIR *d = opendir(lib);
	struct dirent *de;
	struct bundle **v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	if (!d) {
		cli_error("%s: cannot read the library folder: %s", lib, strerror(errno));
		return EXIT_SYSTEM;
	}
	while ((de = readdir(d)) != NULL) {
		struct bundle *b = NULL;
		struct bundle_error err;
		char *path;
		if (!player_is_bundle_name(de->d_name))
			continue;
		path = path_join(lib, de->d_name);
		if (bundle_open(path, &b, &err) == BUNDLE_OK &&
		    bundle_verify(b, trust, &err) == BUNDLE_OK) {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				v = xreallocarray(v, ncap, sizeof(*v));
				cap = ncap;
			}
			v[n++] = b;
		} else {
			bundle_close(b);
		}
		free(path);
	}
	closedir(d);
	*out = v;
	*count = n;
	return EXIT_YES;
}

/* Remove the base, whole or in parts, once its successor is in place. */
static int remove_base(int dfd, const char *lib, const struct bundle *base)
{
	const struct bfile *f = bundle_bfile(base);
	int rc = EXIT_YES;

	for (size_t k = 0; k < f->count; k++) {
		const char *path = f->split ? f->part[k].path : bundle_path(base);
		if (unlink(path) != 0 && errno != ENOENT) {
			cli_error("%s: cannot remove the old version: %s", path, strerror(errno));
			rc = EXIT_SYSTEM;
		}
	}
	if (fsync(dfd) != 0 && rc == EXIT_YES) {
		cli_error("%s: cannot sync the library folder: %s", lib, strerror(errno));
		rc = EXIT_SYSTEM;
	}
	return rc;
}

/*
 * Apply an update (format-spec 21.6) to the version in the library: the
 * new version is written beside it, verified in full and renamed into
 * place before the old one is removed, so that at every moment the folder
 * holds the old version or the new, whole.
 */
static int install_update(const char *path, const char *lib, bool force, const struct trust *trust)
{
	struct update *u = NULL;
	struct bundle **have = NULL;
	size_t n = 0, which = 0;
	struct bundle_error err;
	const struct update_info *in;
	char *dest = NULL, *name = NULL;
	sigset_t stop, old;
	int dfd, rc;

	dfd = open(lib, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		cli_error("%s: cannot open the library folder: %s", lib, strerror(errno));
		return EXIT_SYSTEM;
	}
	remove_stale(dfd, lib);
	if (update_open(path, trust, &u, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
		goto done;
	}
	in = update_info(u);
	rc = open_library(lib, trust, &have, &n);
	if (rc != EXIT_YES)
		goto done;
	if (update_find_base(u, have, n, &which, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
		goto done;
	}
	for (size_t i = 0; i < n && !force; i++) {
		const struct manifest *m = bundle_manifest(have[i]);
		if (strcmp(m->id, in->id) == 0 && manifest_version_cmp(m->version, in->to) >= 0) {
			cli_error("%s: %s has version %s already (--force makes version %s anyway)",
			          path, bundle_path(have[i]), m->version, in->to);
			rc = EXIT_NO;
			goto done;
		}
	}
	name = xasprintf("%s-%s.sampan", in->id, in->to);
	dest = path_join(lib, name);
	free(name);
	name = NULL;
	player_stop_signals(&stop);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	if (player_update_write(u, have[which], dest, trust, !cli_quiet, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
	} else {
		if (!cli_quiet)
			printf("Installed %s version %s as %s (updated from version %s)\n", in->id,
			       in->to, dest, in->from);
		/* the new version is in place and synced: only now does the old one go */
		rc = remove_base(dfd, lib, have[which]);
		if (rc == EXIT_YES && !cli_quiet)
			printf("Removed %s (version %s)\n", bundle_path(have[which]), in->from);
	}
	fflush(stdout);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
done:
	for (size_t i = 0; i < n; i++)
		bundle_close(have[i]);
	free(have);
	free(dest);
	update_close(u);
	close(dfd);
	return rc;
}

int cmd_install(int argc, char **argv)
{
	struct trust_opts t;
	const char *lib = NULL;
	bool force = false;
	const struct opt opts[] = {
		OPT_STRING('l', "library", &lib, "DIR",
		           "the player's library folder (it must exist)"),
		OPT_BOOL('f', "force", &force,
		         "install even over a higher version (which is removed)"),
		OPT_TRUSTED_KEYS(&t),
		OPT_QUIET("print nothing but errors"),
		OPT_END(),
	};
	int rc;

	if (trust_opts_parse(&t, TRUST_NEED_KEY, argc, argv, opts, &help, &rc) == 1) {
		if (!lib || !*lib)
			rc = opts_usage_error(&help, "%s", help.operands);
		/* an update by its bytes, unless it is named as a bundle: then it is refused as one */
		else if (!player_is_bundle_name_path(argv[0]) && player_is_update_file(argv[0]))
			rc = install_update(argv[0], lib, force, &t.trust);
		else
			rc = install(argv[0], lib, force, &t.trust);
	}
	trust_opts_release(&t);
	return rc;
}

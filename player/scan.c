/*
 * scan.c - the folder scan of the library (library.h; DESIGN.md "Serving"
 * and "Trust"; format-spec/bundle-v1.md §14): find the candidate files,
 * verify them, pick one version per course, and publish the snapshot.
 *
 * A scan stats every candidate file; a file whose identity (device, inode,
 * size, modification time) has not changed since the last scan keeps its
 * earlier verdict, so warm rescans open nothing.  The verdicts live in a
 * private cache beside the snapshot because struct lib_refused has no room
 * for a file's identity, and because a bundle refused for its version must
 * be reconsidered (without re-verifying) when the version it lost to goes.
 */
#include "library_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bfile.h"
#include "choose.h"
#include "strfmt.h"
#include "updates.h"

#define LIB_BUNDLES_MAX 10000
/* Walking stops collecting here: a folder of a million files must not exhaust memory. */
#define LIB_CANDIDATES_MAX 100000
#define LIB_PATH_MAX 4096
#define LIB_DEPTH_MAX 4
#define LIB_SUFFIX ".sampan"
#define LIB_SUFFIX_LEN 7

struct scan {
	struct library *lib;
	struct lib_file *f;
	size_t count;
	size_t cap;
	bool nomem;
};

static bool has_suffix(const char *name)
{
	size_t n = strlen(name);
	const char *s;

	if (n < LIB_SUFFIX_LEN)
		return false;
	s = name + n - LIB_SUFFIX_LEN;
	for (size_t i = 0; i < LIB_SUFFIX_LEN; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != LIB_SUFFIX[i])
			return false;
	}
	return true;
}

/*
 * Names walked besides *.sampan (format-spec 20, 21): the first part of a
 * bundle stored in parts stands for the bundle; later parts are read
 * through it; an update file is applied when its base is served.
 */
enum name_kind { NAME_OTHER, NAME_BUNDLE, NAME_LATER_PART, NAME_UPDATE };

static enum name_kind name_kind(const char *name)
{
	size_t n = strlen(name), stem;
	unsigned k;
	char *copy;
	bool bundle;

	if (has_suffix(name))
		return NAME_BUNDLE;
	if (player_is_update_name(name))
		return NAME_UPDATE;
	if (!bfile_part_name(name, n, &k, &stem))
		return NAME_OTHER;
	copy = strndup(name, stem);
	bundle = copy && has_suffix(copy);
	free(copy);
	if (!bundle)
		return NAME_OTHER;
	return k == 1 ? NAME_BUNDLE : NAME_LATER_PART;
}

static bool same_identity(const struct lib_file *a, const struct lib_file *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void set_identity(struct lib_file *f, const struct stat *sb)
{
	f->known = true;
	f->dev = sb->st_dev;
	f->ino = sb->st_ino;
	f->size = sb->st_size;
	f->mtime = sb->st_mtim;
}

/* ---- finding the candidate files ---- */

static void file_release(struct lib_file *f)
{
	free(f->path);
	free(f->reason);
	free(f->id);
	free(f->version);
	free(f->refusal);
	if (f->fresh)
		course_release(f->course);
	memset(f, 0, sizeof(*f));
}

/* A new candidate with a copy of path; NULL (scan->nomem) when out of memory. */
static struct lib_file *scan_add(struct scan *sc, const char *path)
{
	struct lib_file *f;

	if (sc->nomem)
		return NULL;
	if (sc->count == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 64;
		struct lib_file *nf = realloc(sc->f, cap * sizeof(*nf));
		if (!nf) {
			sc->nomem = true;
			return NULL;
		}
		sc->f = nf;
		sc->cap = cap;
	}
	f = &sc->f[sc->count];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path) {
		sc->nomem = true;
		return NULL;
	}
	sc->count++;
	return f;
}

static void scan_refuse(struct scan *sc, const char *path, const char *fmt, ...)
        STRFMT_PRINTF(3, 4);

/* A candidate refused before it is opened (I/O, not a regular file...), not remembered. */
static void scan_refuse(struct scan *sc, const char *path, const char *fmt, ...)
{
	struct lib_file *f = scan_add(sc, path);
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	f->reason = vstrfmt(fmt, ap);
	va_end(ap);
	if (!f->reason)
		sc->nomem = true;
}

static void scan_take(struct scan *sc, const char *path, const struct stat *sb)
{
	struct lib_file *f = scan_add(sc, path);

	if (f)
		set_identity(f, sb);
}

/*
 * A later part of a bundle stored in parts: nothing, when a lower part of
 * its set is there (the set is read through its first part, which names
 * what is missing); else the set is listed as missing its first part.
 */
static void orphan_part(struct scan *sc, int dfd, const char *dir, const char *name, bool slash)
{
	size_t n = strlen(name), stem;
	unsigned k;
	char lower[LIB_PATH_MAX];
	struct stat sb;
	char *path;

	if (!bfile_part_name(name, n, &k, &stem) || stem + 5 > sizeof(lower))
		return;
	for (unsigned j = 1; j < k; j++) {
		snprintf(lower, sizeof(lower), "%.*s.%03u", (int)stem, name, j);
		if (fstatat(dfd, lower, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			return;
	}
	path = strfmt(slash ? "%s%.*s" : "%s/%.*s", dir, (int)stem, name);
	if (!path) {
		sc->nomem = true;
		return;
	}
	scan_refuse(sc, path, "part %.*s.001 is missing (PART_MISSING)", (int)stem, name);
	if (sc->count > 0 && strcmp(sc->f[sc->count - 1].path, path) == 0)
		sc->f[sc->count - 1].rule = RULE_PART_MISSING;
	free(path);
}

static void walk(struct scan *sc, int dfd, const char *dir, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	size_t dir_len = strlen(dir);
	bool slash = dir_len > 0 && dir[dir_len - 1] == '/';

	if (!d) {
		scan_refuse(sc, dir, "cannot read the folder: %s", strerror(errno));
		close(dfd);
		return;
	}
	for (;;) {
		struct stat sb;
		char *path;
		bool is_dir;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno != 0)
				scan_refuse(sc, dir, "cannot read the folder: %s", strerror(errno));
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if (sc->nomem || sc->count >= LIB_CANDIDATES_MAX)
			break;
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT) /* gone since readdir */
				continue;
			path = strfmt(slash ? "%s%s" : "%s/%s", dir, de->d_name);
			if (!path) {
				sc->nomem = true;
				break;
			}
			if (name_kind(de->d_name) != NAME_OTHER)
				scan_refuse(sc, path, "cannot stat: %s", strerror(errno));
			free(path);
			continue;
		}
		is_dir = S_ISDIR(sb.st_mode);
		if (!is_dir && name_kind(de->d_name) == NAME_OTHER)
			continue;
		if (!is_dir && name_kind(de->d_name) == NAME_LATER_PART) {
			/* read through its first part; alone, it is a bundle missing a part */
			orphan_part(sc, dfd, dir, de->d_name, slash);
			continue;
		}
		if (is_dir && depth >= LIB_DEPTH_MAX)
			continue;
		path = strfmt(slash ? "%s%s" : "%s/%s", dir, de->d_name);
		if (!path) {
			sc->nomem = true;
			break;
		}
		if (strlen(path) >= LIB_PATH_MAX) {
			scan_refuse(sc, path, "the path is longer than %d bytes", LIB_PATH_MAX - 1);
		} else if (is_dir) {
			int cfd = openat(dfd, de->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0)
				scan_refuse(sc, path, "cannot open the folder: %s",
				            strerror(errno));
			else
				walk(sc, cfd, path, depth + 1);
		} else if (S_ISREG(sb.st_mode)) {
			scan_take(sc, path, &sb);
			if (sc->count > 0 && name_kind(de->d_name) == NAME_UPDATE &&
			    strcmp(sc->f[sc->count - 1].path, path) == 0)
				sc->f[sc->count - 1].update = true;
		} else if (S_ISLNK(sb.st_mode)) {
			scan_refuse(sc, path, "a symbolic link, not followed inside a folder");
		} else {
			scan_refuse(sc, path, "not a regular file");
		}
		free(path);
	}
	closedir(d);
}

/* One path the player was given: a bundle file, or a folder walked for them. */
static void collect(struct scan *sc, const char *path)
{
	struct stat sb;
	int dfd;

	if (strlen(path) >= LIB_PATH_MAX) {
		scan_refuse(sc, path, "the path is longer than %d bytes", LIB_PATH_MAX - 1);
		return;
	}
	/* the paths given are followed: the user named them */
	if (stat(path, &sb) != 0) {
		scan_refuse(sc, path, "cannot read: %s", strerror(errno));
		return;
	}
	if (S_ISREG(sb.st_mode)) {
		const char *base = strrchr(path, '/');
		enum name_kind kind = name_kind(base ? base + 1 : path);
		if (kind == NAME_BUNDLE || kind == NAME_UPDATE) {
			scan_take(sc, path, &sb);
			if (kind == NAME_UPDATE && sc->count > 0)
				sc->f[sc->count - 1].update = true;
		} else {
			scan_refuse(sc, path, "not a bundle: the name does not end in .sampan");
		}
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		scan_refuse(sc, path, "neither a regular file nor a folder");
		return;
	}
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		scan_refuse(sc, path, "cannot open the folder: %s", strerror(errno));
		return;
	}
	walk(sc, dfd, path, 1);
}

static int file_path_cmp(const void *a, const void *b)
{
	const struct lib_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* ---- verifying ---- */

/*
 * Open and verify f's file.  On success f is verified with a fresh course;
 * otherwise f->reason says why.  A verdict about the bundle's bytes is
 * remembered with the identity of the file opened; an I/O failure is not
 * (it may pass: too many open files, a stick being mounted).
 */
static void examine(struct library *lib, struct lib_file *f, bool *nomem)
{
	struct bundle *b = NULL;
	struct bundle_error err;
	enum bundle_status st;
	struct stat sb;
	const struct manifest *m;

	bundle_error_clear(&err);
	st = bundle_open(f->path, &b, &err);
	if (st == BUNDLE_OK) {
		if (fstat(bundle_fd(b), &sb) == 0)
			set_identity(f, &sb); /* the file verified, whatever the path names now */
		else
			st = bundle_error_set(&err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                      "cannot stat: %s", strerror(errno));
	}
	if (st == BUNDLE_OK)
		st = bundle_verify(b, lib->trust, &err);
	/* A producer's preview: signed, but by a key nobody here trusts. */
	if (st == BUNDLE_INVALID && err.rule == RULE_KEY_UNTRUSTED && lib->allow_unsigned)
		st = bundle_verify_preview(b, &err);
	if (st != BUNDLE_OK) {
		bundle_close(b);
		if (st == BUNDLE_NOMEM) {
			*nomem = true;
			return;
		}
		if (st == BUNDLE_IO || st == BUNDLE_USAGE)
			f->known = false;
		f->rule = err.rule;
		f->reason = strdup(err.message);
		if (!f->reason)
			*nomem = true;
		return;
	}
	m = bundle_manifest(b);
	f->verified = true;
	f->id = strdup(m->id);
	f->version = strdup(m->version);
	memcpy(f->signer, bundle_signer(b), MINISIGN_KEYID_SIZE);
	memcpy(f->digest, bundle_manifest_digest(b), DIGEST_SIZE);
	f->course = course_make(b, f->path, &sb);
	f->fresh = f->course != NULL;
	if (!f->id || !f->version || !f->course)
		*nomem = true;
}

/* Take the last scan's verdict for f when its file has not changed. */
static bool reuse(struct library *lib, struct lib_file *f, bool *nomem)
{
	struct lib_file *old;

	if (lib->files_count == 0)
		return false;
	old = bsearch(f, lib->files, lib->files_count, sizeof(*f), file_path_cmp);
	if (!old || !same_identity(old, f))
		return false;
	f->verified = old->verified;
	f->rule = old->rule;
	if (!old->verified) {
		f->reason = strdup(old->reason);
		if (!f->reason)
			*nomem = true;
		return true;
	}
	f->id = strdup(old->id);
	f->version = strdup(old->version);
	if (!f->id || !f->version)
		*nomem = true;
	memcpy(f->signer, old->signer, MINISIGN_KEYID_SIZE);
	memcpy(f->digest, old->digest, DIGEST_SIZE);
	f->course = old->course; /* held by the current snapshot, or NULL */
	f->fresh = false;
	return true;
}

static int course_id_cmp(const void *a, const void *b)
{
	const struct lib_course *x = *(struct lib_course *const *)a;
	const struct lib_course *y = *(struct lib_course *const *)b;

	return strcmp(x->id, y->id);
}

/* A version lower than the highest this signer's course was served at before. */
static const char *downgrade_of(const struct library *lib, const struct lib_file *f)
{
	const char *seen;

	if (lib->allow_downgrade)
		return NULL;
	seen = versions_get(&lib->store, f->id, f->signer);
	return seen && manifest_version_cmp(f->version, seen) < 0 ? seen : NULL;
}

/*
 * Decide which verified files are served, by the rule `list` follows too
 * (choose.h: a downgrade is refused; the highest version is served unless
 * two files of it differ, a conflict).  The reasons of the others depend
 * only on the files and the memory, so that an unchanged folder gives the
 * same snapshot again.
 */
static void choose_versions(struct library *lib, struct lib_file **v, size_t n, bool *nomem)
{
	struct choose_item *items = calloc(n ? n : 1, sizeof(*items));

	if (!items) {
		*nomem = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		items[i].id = v[i]->id;
		items[i].version = v[i]->version;
		items[i].manifest_digest = v[i]->digest;
		items[i].path = v[i]->path;
		items[i].seen = downgrade_of(lib, v[i]);
	}
	if (!choose_served(items, n))
		*nomem = true;
	for (size_t i = 0; i < n; i++) {
		v[i]->served = items[i].served;
		v[i]->refusal = items[i].reason; /* taken */
		if (!items[i].served && !items[i].reason)
			*nomem = true;
	}
	free(items);
}

/* The snapshot of a scan's results: served courses by id, every other file by path. */
static struct lib_snapshot *build_snapshot(struct scan *sc)
{
	struct lib_snapshot *s = calloc(1, sizeof(*s));
	size_t nc = 0, nr = 0;

	if (!s)
		return NULL;
	for (size_t i = 0; i < sc->count; i++) {
		if (sc->f[i].applied)
			continue; /* shown as the course it made */
		if (sc->f[i].served)
			nc++;
		else
			nr++;
	}
	s->courses = calloc(nc ? nc : 1, sizeof(*s->courses));
	s->refused = calloc(nr ? nr : 1, sizeof(*s->refused));
	if (!s->courses || !s->refused)
		goto fail;
	for (size_t i = 0; i < sc->count; i++) {
		struct lib_file *f = &sc->f[i];
		struct lib_refused *r;
		if (f->applied)
			continue;
		if (f->served) {
			s->courses[s->count++] = f->course;
			continue;
		}
		r = &s->refused[s->refused_count];
		r->path = strdup(f->path);
		r->reason = strdup(f->verified ? f->refusal : f->reason);
		r->rule = f->verified ? RULE_NONE : f->rule;
		s->refused_count++;
		if (!r->path || !r->reason)
			goto fail;
	}
	qsort(s->courses, s->count, sizeof(*s->courses), course_id_cmp);
	return s;
fail:
	snapshot_free(s);
	return NULL;
}

static void scan_release(struct scan *sc)
{
	for (size_t i = 0; i < sc->count; i++)
		file_release(&sc->f[i]);
	free(sc->f);
	sc->f = NULL;
	sc->count = sc->cap = 0;
}

void library_files_release(struct library *lib)
{
	for (size_t i = 0; i < lib->files_count; i++) {
		lib->files[i].fresh = false; /* courses belong to snapshots */
		file_release(&lib->files[i]);
	}
	free(lib->files);
	lib->files = NULL;
	lib->files_count = 0;
}

/*
 * The update files of the scan (format-spec 21.6): each whose base is a
 * verified candidate has its target made in the cache folder (once) and
 * added as a candidate of its own; the others are refused with the reason
 * (BASE_MISSING ...).  Returns the number of candidates added verified;
 * the candidates stay sorted by path.
 */
static size_t apply_updates(struct library *lib, struct scan *sc)
{
	struct update_candidate *cands;
	char **made = NULL;
	size_t nc = 0, nu = 0, nm = 0, added = 0;

	for (size_t i = 0; i < sc->count; i++)
		nu += sc->f[i].update;
	if (nu == 0)
		return 0;
	cands = calloc(sc->count, sizeof(*cands));
	made = calloc(nu, sizeof(*made));
	if (!cands || !made) {
		sc->nomem = true;
		goto done;
	}
	for (size_t i = 0; i < sc->count; i++)
		if (sc->f[i].verified)
			cands[nc++] = (struct update_candidate){ sc->f[i].path, sc->f[i].id,
				                                 sc->f[i].digest };
	for (size_t i = 0; i < sc->count && !sc->nomem; i++) {
		struct lib_file *f = &sc->f[i];
		char *result = NULL, *reason = NULL;
		if (!f->update)
			continue;
		f->known = false; /* looked at again every scan: its base may come or go */
		if (player_update_for_serve(f->path, lib->trust, cands, nc, lib->cache_dir, &result,
		                            &reason, &f->rule) != BUNDLE_OK) {
			sc->nomem = true;
			break;
		}
		if (result) {
			f->applied = true;
			made[nm++] = result;
		} else {
			f->reason = reason;
		}
	}
	for (size_t i = 0; i < nm && !sc->nomem; i++) {
		struct stat sb;
		struct lib_file *f;
		if (stat(made[i], &sb) != 0)
			continue;
		f = scan_add(sc, made[i]);
		if (!f)
			break;
		set_identity(f, &sb);
		if (!reuse(lib, f, &sc->nomem))
			examine(lib, f, &sc->nomem);
		added += f->verified;
	}
	if (!sc->nomem && sc->count > 1)
		qsort(sc->f, sc->count, sizeof(*sc->f), file_path_cmp);
done:
	for (size_t i = 0; i < nm; i++)
		free(made[i]);
	free(made);
	free(cands);
	return added;
}

enum bundle_status library_scan(struct library *lib)
{
	struct scan sc = { lib, NULL, 0, 0, false };
	struct lib_file **v = NULL;
	struct lib_snapshot *s = NULL, *cur = lib->current;
	size_t taken = 0, nv = 0, kept = 0;
	enum bundle_status rc = BUNDLE_NOMEM;

	for (size_t i = 0; i < lib->paths_count && !sc.nomem; i++)
		collect(&sc, lib->paths[i]);
	if (sc.nomem)
		goto done;
	if (sc.count > 1)
		qsort(sc.f, sc.count, sizeof(*sc.f), file_path_cmp);
	/* a file named twice (a folder and a file in it) is one candidate */
	for (size_t i = 0; i < sc.count; i++) {
		if (kept > 0 && strcmp(sc.f[kept - 1].path, sc.f[i].path) == 0) {
			file_release(&sc.f[i]);
			continue;
		}
		if (kept != i) {
			sc.f[kept] = sc.f[i];
			memset(&sc.f[i], 0, sizeof(sc.f[i]));
		}
		kept++;
	}
	sc.count = kept;

	for (size_t i = 0; i < sc.count && !sc.nomem; i++) {
		struct lib_file *f = &sc.f[i];
		if (!f->known || f->update)
			continue;
		if (++taken > LIB_BUNDLES_MAX) {
			f->known = false;
			f->reason =
			        strfmt("too many bundles: at most %d are served", LIB_BUNDLES_MAX);
			if (!f->reason)
				sc.nomem = true;
			continue;
		}
		if (!reuse(lib, f, &sc.nomem))
			examine(lib, f, &sc.nomem);
		if (f->verified)
			nv++;
	}
	if (sc.nomem)
		goto done;

	nv += apply_updates(lib, &sc);
	if (sc.nomem)
		goto done;

	v = malloc((nv ? nv : 1) * sizeof(*v));
	if (!v)
		goto done;
	nv = 0;
	for (size_t i = 0; i < sc.count; i++)
		if (sc.f[i].verified)
			v[nv++] = &sc.f[i];
	choose_versions(lib, v, nv, &sc.nomem);
	if (sc.nomem)
		goto done;

	/* A winner refused last time (older then) has no open bundle: open it now. */
	for (size_t i = 0; i < sc.count && !sc.nomem; i++) {
		struct lib_file *f = &sc.f[i];
		char *want_id = f->id, *want_version = f->version;
		if (!f->served || f->course)
			continue;
		f->id = f->version = NULL;
		f->verified = f->served = false;
		examine(lib, f, &sc.nomem);
		if (sc.nomem) {
			free(want_id);
			free(want_version);
			break;
		}
		if (f->verified && strcmp(f->id, want_id) == 0 &&
		    strcmp(f->version, want_version) == 0) {
			f->served = true;
		} else if (f->verified) {
			/* not what the last scan verified: look again next time */
			course_release(f->course);
			f->course = NULL;
			f->fresh = f->verified = f->known = false;
			f->reason = strdup("the bundle changed while it was being read");
			if (!f->reason)
				sc.nomem = true;
		}
		free(want_id);
		free(want_version);
	}
	if (sc.nomem)
		goto done;
	/* Courses made for files refused by version: their bundles need not stay open. */
	for (size_t i = 0; i < sc.count; i++) {
		struct lib_file *f = &sc.f[i];
		if (f->verified && !f->served) {
			if (f->fresh)
				course_release(f->course);
			f->course = NULL;
			f->fresh = false;
		}
	}

	s = build_snapshot(&sc);
	if (!s)
		goto done;
	/* Remember the versions served (only ever higher) before the snapshot can show them. */
	for (size_t i = 0; i < sc.count; i++) {
		struct lib_file *f = &sc.f[i];
		if (f->served && !versions_raise(&lib->store, f->id, f->signer, f->version))
			goto done;
	}

	if (cur && snapshot_same(cur, s)) {
		snapshot_free(s);
	} else {
		s->generation = cur ? cur->generation + 1 : 1;
		library_publish(lib, s);
	}
	s = NULL;
	for (size_t i = 0; i < sc.count; i++)
		sc.f[i].fresh = false; /* now owned by the snapshot */

	/* Keep what the next scan may reuse: files whose identity is known. */
	library_files_release(lib);
	kept = 0;
	for (size_t i = 0; i < sc.count; i++) {
		if (!sc.f[i].known) {
			file_release(&sc.f[i]);
			continue;
		}
		if (!sc.f[i].served)
			sc.f[i].course = NULL;
		free(sc.f[i].refusal);
		sc.f[i].refusal = NULL;
		sc.f[i].served = false;
		sc.f[kept++] = sc.f[i];
	}
	lib->files = sc.f;
	lib->files_count = kept;
	sc.f = NULL;
	sc.count = 0;

	if (lib->store.dirty && lib->cache_dir && versions_save(&lib->store, lib->cache_dir))
		lib->store.dirty = false;
	rc = BUNDLE_OK;
done:
	free(v);
	snapshot_free(s);
	scan_release(&sc);
	return rc;
}

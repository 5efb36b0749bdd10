/*
 * library.c - the bundles a player serves (DESIGN.md "Serving" and "Trust";
 * format-spec/bundle-v1.md §12.4, §14): find them, verify them, pick one
 * version per course, and publish immutable snapshots for request threads.
 *
 * A scan stats every candidate file; a file whose identity (device, inode,
 * size, modification time) has not changed since the last scan keeps its
 * earlier verdict, so warm rescans open nothing.  The verdicts live in a
 * private cache beside the snapshot because struct lib_refused has no room
 * for a file's identity, and because a bundle refused for its version must
 * be reconsidered (without re-verifying) when the version it lost to goes.
 */
#include "library.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "choose.h"
#include "cli.h"
#include "outfile.h"

#define LIB_BUNDLES_MAX 10000
/* Walking stops collecting here: a folder of a million files must not exhaust memory. */
#define LIB_CANDIDATES_MAX 100000
#define LIB_PATH_MAX 4096
#define LIB_DEPTH_MAX 4
#define LIB_SUFFIX ".sampan"
#define LIB_SUFFIX_LEN 7

#define STORE_NAME "versions.tsv"
#define STORE_FILE_MAX (16 * 1024 * 1024)
#define STORE_LINE_MAX 512
#define STORE_ID_MAX 128
#define STORE_VERSION_MAX 64

/* The highest version served so far of one course id by one signer. */
struct lib_seen {
	char *id;
	unsigned char signer[MINISIGN_KEYID_SIZE];
	char *version;
};

struct lib_store {
	struct lib_seen *v; /* sorted by id, then signer */
	size_t count;
	size_t cap;
	bool dirty; /* changed since last written */
};

/*
 * One candidate file of a scan and what is known about it.  The records of
 * a scan whose identity is known (known) become the cache the next scan
 * consults.
 */
struct lib_file {
	char *path;
	bool known; /* dev..mtime are valid and the verdict may be reused */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool verified;
	/* not verified: why (the verifier's message, or an I/O reason) */
	char *reason;
	enum bundle_rule rule;
	/* verified */
	char *id;
	char *version;
	unsigned char signer[MINISIGN_KEYID_SIZE];
	unsigned char digest[DIGEST_SIZE];
	struct lib_course *course; /* open bundle: served now, or made in this scan */
	bool fresh; /* course was made in this scan (not yet in any snapshot) */
	/* this scan's verdict for a verified file */
	bool served;
	char *refusal;
};

struct library {
	char **paths;
	size_t paths_count;
	char *cache_dir;
	const struct trust *trust;
	bool allow_unsigned;
	bool allow_downgrade;

	pthread_mutex_t mu; /* current, snapshot refs, course refs */
	struct lib_snapshot *current;

	pthread_mutex_t scan_mu; /* one scan at a time; guards what follows */
	struct lib_file *files; /* the last scan's known files, sorted by path */
	size_t files_count;
	struct lib_store store;
};

struct scan {
	struct library *lib;
	struct lib_file *f;
	size_t count;
	size_t cap;
	bool nomem;
};

static const struct trust empty_trust = { NULL, 0, 0 };

/* ---- small helpers ---- */

#if defined(__GNUC__)
#define LIB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LIB_PRINTF(f, a)
#endif

static char *vformat_string(const char *fmt, va_list ap) LIB_PRINTF(1, 0);
static char *format_string(const char *fmt, ...) LIB_PRINTF(1, 2);

/* A malloc'd printf result, or NULL. */
static char *vformat_string(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *format_string(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat_string(fmt, ap);
	va_end(ap);
	return s;
}

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

static int signer_cmp(const unsigned char *a, const unsigned char *b)
{
	return memcmp(a, b, MINISIGN_KEYID_SIZE);
}

/* The inverse of minisign_keyid_hex (which prints the id's bytes last first). */
static bool keyid_from_hex(const char *hex, size_t len, unsigned char keyid[MINISIGN_KEYID_SIZE])
{
	if (len != 2 * MINISIGN_KEYID_SIZE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = hex[i];
		unsigned v;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (i % 2 == 0)
			keyid[MINISIGN_KEYID_SIZE - 1 - i / 2] = (unsigned char)(v << 4);
		else
			keyid[MINISIGN_KEYID_SIZE - 1 - i / 2] |= (unsigned char)v;
	}
	return true;
}

/* ---- courses and snapshots ---- */

/* A course of its own, through course.json: the catalog keeps it when the bundle is closed. */
static struct course *course_copy(const struct course *from)
{
	struct bundle_error err;
	struct course *c = NULL;
	char *json = NULL;
	size_t len = 0;

	if (course_format(from, &json, &len, &err) == BUNDLE_OK)
		course_parse(json, len, &c, &err);
	free(json);
	return c;
}

static void course_release(struct lib_course *c)
{
	if (!c)
		return;
	bundle_close(c->b);
	course_free(c->course);
	free(c->page_kind);
	pthread_mutex_destroy(&c->lock);
	free(c->id);
	free(c->version);
	free(c->path);
	free(c);
}

/* A course for a verified bundle; takes b (closes it on failure). */
static struct lib_course *course_make(struct bundle *b, const char *path, const struct stat *sb)
{
	struct lib_course *c = calloc(1, sizeof(*c));
	const struct manifest *m = bundle_manifest(b);

	if (!c) {
		bundle_close(b);
		return NULL;
	}
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		bundle_close(b);
		return NULL;
	}
	c->id = strdup(m->id);
	c->version = strdup(m->version);
	c->path = strdup(path);
	c->course = course_copy(bundle_course(b));
	if (!c->id || !c->version || !c->path || !c->course) {
		bundle_close(b);
		course_release(c);
		return NULL;
	}
	c->dev = sb->st_dev;
	c->ino = sb->st_ino;
	c->size = sb->st_size;
	c->mtime = sb->st_mtim;
	memcpy(c->signer, bundle_signer(b), MINISIGN_KEYID_SIZE);
	c->unsigned_preview = bundle_is_preview(b);
	memcpy(c->manifest_digest, bundle_manifest_digest(b), DIGEST_SIZE);
	/* Opened lazily: the first request opens it again (library_use_course). */
	bundle_close(b);
	return c;
}

static void snapshot_free(struct lib_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->refused_count; i++) {
		free(s->refused[i].path);
		free(s->refused[i].reason);
	}
	free(s->refused);
	free(s->courses);
	free(s);
}

/*
 * Drop one reference to s.  When it was the last, the courses no other
 * snapshot holds are freed with it (outside the lock: nothing can reach
 * them any more).
 */
static void snapshot_unref(struct library *lib, struct lib_snapshot *s)
{
	bool dead;

	if (!s)
		return;
	pthread_mutex_lock(&lib->mu);
	dead = --s->refs == 0;
	if (dead) {
		for (size_t i = 0; i < s->count; i++)
			if (--s->courses[i]->refs != 0)
				s->courses[i] = NULL;
	}
	pthread_mutex_unlock(&lib->mu);
	if (!dead)
		return;
	for (size_t i = 0; i < s->count; i++)
		course_release(s->courses[i]);
	snapshot_free(s);
}

static bool snapshot_same(const struct lib_snapshot *a, const struct lib_snapshot *b)
{
	if (a->count != b->count || a->refused_count != b->refused_count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (a->courses[i] != b->courses[i])
			return false;
	for (size_t i = 0; i < a->refused_count; i++) {
		const struct lib_refused *x = &a->refused[i], *y = &b->refused[i];
		if (x->rule != y->rule || strcmp(x->path, y->path) != 0 ||
		    strcmp(x->reason, y->reason) != 0)
			return false;
	}
	return true;
}

/* ---- the store of highest versions seen ---- */

static void store_release(struct lib_store *st)
{
	for (size_t i = 0; i < st->count; i++) {
		free(st->v[i].id);
		free(st->v[i].version);
	}
	free(st->v);
	memset(st, 0, sizeof(*st));
}

/* Index of (id, signer), or where it would go (*found false). */
static size_t store_search(const struct lib_store *st, const char *id, const unsigned char *signer,
                           bool *found)
{
	size_t lo = 0, hi = st->count;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(st->v[mid].id, id);
		if (c == 0)
			c = signer_cmp(st->v[mid].signer, signer);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *store_get(const struct lib_store *st, const char *id,
                             const unsigned char *signer)
{
	bool found;
	size_t i = store_search(st, id, signer, &found);

	return found ? st->v[i].version : NULL;
}

/* Remember version for (id, signer) unless a higher one is remembered.  False: no memory. */
static bool store_raise(struct lib_store *st, const char *id, const unsigned char *signer,
                        const char *version)
{
	bool found;
	size_t i = store_search(st, id, signer, &found);
	char *v;

	if (found) {
		if (manifest_version_cmp(version, st->v[i].version) <= 0)
			return true;
		v = strdup(version);
		if (!v)
			return false;
		free(st->v[i].version);
		st->v[i].version = v;
		st->dirty = true;
		return true;
	}
	if (st->count == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 64;
		struct lib_seen *nv = realloc(st->v, cap * sizeof(*nv));
		if (!nv)
			return false;
		st->v = nv;
		st->cap = cap;
	}
	{
		char *nid = strdup(id);
		v = strdup(version);
		if (!nid || !v) {
			free(nid);
			free(v);
			return false;
		}
		memmove(&st->v[i + 1], &st->v[i], (st->count - i) * sizeof(*st->v));
		st->v[i].id = nid;
		st->v[i].version = v;
		memcpy(st->v[i].signer, signer, MINISIGN_KEYID_SIZE);
		st->count++;
		st->dirty = true;
	}
	return true;
}

/* One line `ID<TAB>KEYID<TAB>VERSION`; malformed lines are ignored (true). */
static bool store_parse_line(struct lib_store *st, char *line, size_t len)
{
	char *tab1, *tab2;
	unsigned char signer[MINISIGN_KEYID_SIZE];
	size_t id_len, key_len, ver_len;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	tab1 = memchr(line, '\t', len);
	if (!tab1)
		return true;
	tab2 = memchr(tab1 + 1, '\t', len - (size_t)(tab1 + 1 - line));
	if (!tab2)
		return true;
	id_len = (size_t)(tab1 - line);
	key_len = (size_t)(tab2 - tab1 - 1);
	ver_len = len - (size_t)(tab2 + 1 - line);
	if (id_len > STORE_ID_MAX || ver_len > STORE_VERSION_MAX ||
	    !manifest_id_valid(line, id_len) || !keyid_from_hex(tab1 + 1, key_len, signer) ||
	    !manifest_version_valid(tab2 + 1, ver_len))
		return true;
	*tab1 = '\0';
	return store_raise(st, line, signer, tab2 + 1);
}

/* The last '\n' of buf, or NULL (memrchr is a GNU extension). */
static char *memrchr_compat(char *buf, size_t len)
{
	while (len > 0)
		if (buf[--len] == '\n')
			return buf + len;
	return NULL;
}

static enum bundle_status store_load(struct lib_store *st, const char *dir,
                                     struct bundle_error *err)
{
	char *path = format_string("%s/%s", dir, STORE_NAME);
	char *buf = NULL;
	enum bundle_status rc = BUNDLE_OK;
	size_t len = 0, start = 0;
	ssize_t n;
	int fd = -1;

	if (!path)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			rc = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                      "%s: cannot open: %s", path, strerror(errno));
		goto done;
	}
	buf = malloc(STORE_FILE_MAX + 1);
	if (!buf) {
		rc = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
		goto done;
	}
	/* only the first STORE_FILE_MAX bytes count: a longer file is not ours */
	while (len < STORE_FILE_MAX) {
		n = read(fd, buf + len, STORE_FILE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                      "%s: cannot read: %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (len == STORE_FILE_MAX) { /* cut: the last line may be cut too */
		char *nl = memrchr_compat(buf, len);
		len = nl ? (size_t)(nl - buf) + 1 : 0;
	}
	while (start < len) {
		char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		buf[end] = '\0';
		if (end - start <= STORE_LINE_MAX &&
		    !store_parse_line(st, buf + start, end - start)) {
			rc = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
			                      "out of memory");
			goto done;
		}
		start = end + 1;
	}
	st->dirty = false;
done:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	return rc;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Write the store beside its old file and rename it into place.  False on any failure. */
static bool store_save(const struct lib_store *st, const char *dir)
{
	char *path = format_string("%s/%s", dir, STORE_NAME), *tmp = NULL;
	bool ok = false, made = false;
	int fd = -1, dfd;

	if (!path)
		goto done;
	fd = outfile_temp(path, 0666, &tmp, NULL); /* 0666 minus the umask, as cp gives */
	if (fd < 0)
		goto done;
	made = true;
	for (size_t i = 0; i < st->count; i++) {
		char hex[MINISIGN_KEYID_HEX_SIZE];
		char *line;
		bool wrote;
		minisign_keyid_hex(st->v[i].signer, hex);
		line = format_string("%s\t%s\t%s\n", st->v[i].id, hex, st->v[i].version);
		if (!line)
			goto done;
		wrote = write_all(fd, line, strlen(line));
		free(line);
		if (!wrote)
			goto done;
	}
	if (fsync(fd) != 0)
		goto done;
	if (close(fd) != 0) {
		fd = -1;
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto done;
	made = false;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd); /* the rename is durable once the folder is */
		close(dfd);
	}
	ok = true;
done:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	free(path);
	free(tmp);
	return ok;
}

/* mkdir -p dir with mode 0777 minus the umask. */
static enum bundle_status make_dirs(const char *dir, struct bundle_error *err)
{
	char *p = strdup(dir);
	enum bundle_status rc = BUNDLE_OK;
	struct stat sb;

	if (!p)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	for (char *s = p + 1;; s++) {
		bool last = *s == '\0';
		if (!last && *s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			rc = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                      "%s: cannot create the folder: %s", p,
			                      strerror(errno));
			goto done;
		}
		if (last)
			break;
		*s = '/';
	}
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		rc = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: not a folder", dir);
done:
	free(p);
	return rc;
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

static void scan_refuse(struct scan *sc, const char *path, const char *fmt, ...) LIB_PRINTF(3, 4);

/* A candidate refused before it is opened (I/O, not a regular file...), not remembered. */
static void scan_refuse(struct scan *sc, const char *path, const char *fmt, ...)
{
	struct lib_file *f = scan_add(sc, path);
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	f->reason = vformat_string(fmt, ap);
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
			path = format_string(slash ? "%s%s" : "%s/%s", dir, de->d_name);
			if (!path) {
				sc->nomem = true;
				break;
			}
			if (has_suffix(de->d_name))
				scan_refuse(sc, path, "cannot stat: %s", strerror(errno));
			free(path);
			continue;
		}
		is_dir = S_ISDIR(sb.st_mode);
		if (!is_dir && !has_suffix(de->d_name))
			continue;
		if (is_dir && depth >= LIB_DEPTH_MAX)
			continue;
		path = format_string(slash ? "%s%s" : "%s/%s", dir, de->d_name);
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
		if (has_suffix(path))
			scan_take(sc, path, &sb);
		else
			scan_refuse(sc, path, "not a bundle: the name does not end in .sampan");
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
	seen = store_get(&lib->store, f->id, f->signer);
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

static void files_release(struct library *lib)
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
 * Put s in place of the current snapshot, each of its courses held once
 * more.  The old snapshot goes when its last reader lets it go.
 */
static void publish(struct library *lib, struct lib_snapshot *s)
{
	struct lib_snapshot *old;

	s->refs = 1;
	pthread_mutex_lock(&lib->mu);
	for (size_t i = 0; i < s->count; i++)
		s->courses[i]->refs++;
	old = lib->current;
	lib->current = s;
	pthread_mutex_unlock(&lib->mu);
	snapshot_unref(lib, old);
}

/* One scan, under scan_mu.  Out of memory: nothing changes (the old snapshot stays). */
static enum bundle_status scan_locked(struct library *lib)
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
		if (!f->known)
			continue;
		if (++taken > LIB_BUNDLES_MAX) {
			f->known = false;
			f->reason = format_string("too many bundles: at most %d are served",
			                          LIB_BUNDLES_MAX);
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
		if (f->served && !store_raise(&lib->store, f->id, f->signer, f->version))
			goto done;
	}

	if (cur && snapshot_same(cur, s)) {
		snapshot_free(s);
	} else {
		s->generation = cur ? cur->generation + 1 : 1;
		publish(lib, s);
	}
	s = NULL;
	for (size_t i = 0; i < sc.count; i++)
		sc.f[i].fresh = false; /* now owned by the snapshot */

	/* Keep what the next scan may reuse: files whose identity is known. */
	files_release(lib);
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

	if (lib->store.dirty && lib->cache_dir && store_save(&lib->store, lib->cache_dir))
		lib->store.dirty = false;
	rc = BUNDLE_OK;
done:
	free(v);
	snapshot_free(s);
	scan_release(&sc);
	return rc;
}

/* ---- the public functions ---- */

static void library_free(struct library *lib)
{
	for (size_t i = 0; i < lib->paths_count; i++)
		free(lib->paths[i]);
	free(lib->paths);
	free(lib->cache_dir);
	files_release(lib);
	store_release(&lib->store);
	free(lib);
}

enum bundle_status library_open(const struct library_options *opt, struct library **out,
                                struct bundle_error *err)
{
	struct library *lib;
	enum bundle_status rc;

	*out = NULL;
	if (!opt || (opt->paths_count > 0 && !opt->paths))
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "library_open: no paths");
	if (opt->cache_dir && !*opt->cache_dir)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "library_open: the cache folder is an empty name");
	for (size_t i = 0; i < opt->paths_count; i++)
		if (!opt->paths[i])
			return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
			                        "library_open: path %zu is NULL", i);
	lib = calloc(1, sizeof(*lib));
	if (!lib)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	lib->trust = opt->trust ? opt->trust : &empty_trust;
	lib->allow_unsigned = opt->allow_unsigned;
	lib->allow_downgrade = opt->allow_downgrade;
	lib->paths = calloc(opt->paths_count ? opt->paths_count : 1, sizeof(*lib->paths));
	if (!lib->paths)
		goto nomem;
	for (; lib->paths_count < opt->paths_count; lib->paths_count++) {
		lib->paths[lib->paths_count] = strdup(opt->paths[lib->paths_count]);
		if (!lib->paths[lib->paths_count])
			goto nomem;
	}
	if (opt->cache_dir) {
		lib->cache_dir = strdup(opt->cache_dir);
		if (!lib->cache_dir)
			goto nomem;
		rc = make_dirs(lib->cache_dir, err);
		if (rc == BUNDLE_OK)
			rc = store_load(&lib->store, lib->cache_dir, err);
		if (rc != BUNDLE_OK) {
			library_free(lib);
			return rc;
		}
	}
	if (pthread_mutex_init(&lib->mu, NULL) != 0) {
		library_free(lib);
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "cannot make a mutex");
	}
	if (pthread_mutex_init(&lib->scan_mu, NULL) != 0) {
		pthread_mutex_destroy(&lib->mu);
		library_free(lib);
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "cannot make a mutex");
	}
	if (scan_locked(lib) != BUNDLE_OK) {
		library_close(lib);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	*out = lib;
	return BUNDLE_OK;
nomem:
	library_free(lib);
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

void library_rescan(struct library *lib)
{
	pthread_mutex_lock(&lib->scan_mu);
	(void)scan_locked(lib); /* out of memory: the current snapshot stays */
	pthread_mutex_unlock(&lib->scan_mu);
}

struct lib_snapshot *library_snapshot(struct library *lib)
{
	struct lib_snapshot *s;

	pthread_mutex_lock(&lib->mu);
	s = lib->current;
	s->refs++;
	pthread_mutex_unlock(&lib->mu);
	return s;
}

void library_release_snapshot(struct library *lib, struct lib_snapshot *s)
{
	snapshot_unref(lib, s);
}

static bool same_file(const struct lib_course *c, const struct stat *sb)
{
	return sb->st_dev == c->dev && sb->st_ino == c->ino && sb->st_size == c->size &&
	       sb->st_mtim.tv_sec == c->mtime.tv_sec && sb->st_mtim.tv_nsec == c->mtime.tv_nsec;
}

enum bundle_status library_use_course(struct library *lib, struct lib_course *c,
                                      struct bundle_error *err)
{
	struct bundle *b = NULL;
	struct stat sb;
	enum bundle_status st;

	if (!c->b) {
		/* Before opening, for the clearer message; after, for the file we hold. */
		if (stat(c->path, &sb) == 0 && !same_file(c, &sb))
			return bundle_error_set(err, BUNDLE_INVALID, RULE_NONE, NULL, 0,
			                        "the file changed on disk since it was checked");
		st = bundle_open(c->path, &b, err);
		if (st == BUNDLE_OK && (fstat(bundle_fd(b), &sb) != 0 || !same_file(c, &sb)))
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_NONE, NULL, 0,
			                      "the file changed on disk since it was checked");
		if (st == BUNDLE_OK)
			st = c->unsigned_preview ? bundle_verify_preview(b, err)
			                         : bundle_verify(b, lib->trust, err);
		if (st == BUNDLE_OK &&
		    memcmp(bundle_manifest_digest(b), c->manifest_digest, DIGEST_SIZE) != 0)
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_NONE, NULL, 0,
			                      "the file holds other content than was checked");
		if (st != BUNDLE_OK) {
			bundle_close(b);
			return st;
		}
		c->b = b;
	}
	c->users++;
	c->last_used = cli_now();
	return BUNDLE_OK;
}

void library_done_course(struct lib_course *c)
{
	if (c->users > 0)
		c->users--;
	c->last_used = cli_now();
}

void library_done_course_close(struct lib_course *c)
{
	library_done_course(c);
	if (c->users == 0 && c->b) {
		bundle_close(c->b);
		c->b = NULL;
	}
}

struct idle_course {
	struct lib_course *c;
	double last_used;
};

static int by_last_use(const void *a, const void *b)
{
	double x = ((const struct idle_course *)a)->last_used;
	double y = ((const struct idle_course *)b)->last_used;

	return (x > y) - (x < y);
}

/* Close c's bundle if no response is using it. */
static bool close_unused(struct lib_course *c)
{
	bool closed = false;

	if (pthread_mutex_trylock(&c->lock) != 0)
		return false; /* in use right now */
	if (c->b && c->users == 0) {
		bundle_close(c->b);
		c->b = NULL;
		closed = true;
	}
	pthread_mutex_unlock(&c->lock);
	return closed;
}

void library_close_idle(struct library *lib, double idle, size_t max_open)
{
	struct lib_snapshot *s = library_snapshot(lib);
	struct idle_course *unused = calloc(s->count ? s->count : 1, sizeof(*unused));
	double now = cli_now();
	size_t n = 0, still_open = 0;

	for (size_t i = 0; i < s->count; i++) {
		struct lib_course *c = s->courses[i];
		if (pthread_mutex_trylock(&c->lock) != 0) {
			still_open++; /* in use right now */
			continue;
		}
		if (c->b && c->users == 0 && now - c->last_used >= idle) {
			bundle_close(c->b);
			c->b = NULL;
		} else if (c->b) {
			still_open++;
			if (unused && c->users == 0)
				unused[n++] = (struct idle_course){ c, c->last_used };
		}
		pthread_mutex_unlock(&c->lock);
	}
	/* Over the limit: close the longest unused first. */
	if (unused && still_open > max_open) {
		qsort(unused, n, sizeof(*unused), by_last_use);
		for (size_t i = 0; i < n && still_open > max_open; i++)
			if (close_unused(unused[i].c))
				still_open--;
	}
	free(unused);
	library_release_snapshot(lib, s);
}

struct lib_course *library_find(const struct lib_snapshot *s, const char *id)
{
	size_t lo = 0, hi = s->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->courses[mid]->id, id);
		if (c == 0)
			return s->courses[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void library_close(struct library *lib)
{
	struct lib_snapshot *s;

	if (!lib)
		return;
	pthread_mutex_lock(&lib->mu);
	s = lib->current;
	lib->current = NULL;
	pthread_mutex_unlock(&lib->mu);
	snapshot_unref(lib, s);
	pthread_mutex_destroy(&lib->scan_mu);
	pthread_mutex_destroy(&lib->mu);
	library_free(lib);
}

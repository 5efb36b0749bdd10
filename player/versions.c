/*
 * versions.c - the highest version served of each course by each signer,
 * remembered in the cache folder (versions.h; format-spec/bundle-v1.md
 * §14: a lower version never replaces a higher one).
 */
#include "versions.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ascii.h"
#include "manifest.h"
#include "outfile.h"
#include "sbuf.h"
#include "strfmt.h"

#define STORE_NAME "versions.tsv"
#define STORE_FILE_MAX (16 * 1024 * 1024)
#define STORE_LINE_MAX 512
#define STORE_ID_MAX 128
#define STORE_VERSION_MAX 64

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
		int d = ascii_hex_value(hex[i]);
		unsigned v;
		if (d < 0)
			return false;
		v = (unsigned)d;
		if (i % 2 == 0)
			keyid[MINISIGN_KEYID_SIZE - 1 - i / 2] = (unsigned char)(v << 4);
		else
			keyid[MINISIGN_KEYID_SIZE - 1 - i / 2] |= (unsigned char)v;
	}
	return true;
}

void versions_release(struct versions *st)
{
	for (size_t i = 0; i < st->count; i++) {
		free(st->v[i].id);
		free(st->v[i].version);
	}
	free(st->v);
	memset(st, 0, sizeof(*st));
}

/* Index of (id, signer), or where it would go (*found false). */
static size_t versions_search(const struct versions *st, const char *id,
                              const unsigned char *signer, bool *found)
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

const char *versions_get(const struct versions *st, const char *id, const unsigned char *signer)
{
	bool found;
	size_t i = versions_search(st, id, signer, &found);

	return found ? st->v[i].version : NULL;
}

bool versions_raise(struct versions *st, const char *id, const unsigned char *signer,
                    const char *version)
{
	bool found;
	size_t i = versions_search(st, id, signer, &found);
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
static bool parse_line(struct versions *st, char *line, size_t len)
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
	return versions_raise(st, line, signer, tab2 + 1);
}

/* The last '\n' of buf, or NULL (memrchr is a GNU extension). */
static char *memrchr_compat(char *buf, size_t len)
{
	while (len > 0)
		if (buf[--len] == '\n')
			return buf + len;
	return NULL;
}

static enum bundle_status load(struct versions *st, const char *dir, struct bundle_error *err)
{
	char *path = strfmt("%s/%s", dir, STORE_NAME);
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
		if (end - start <= STORE_LINE_MAX && !parse_line(st, buf + start, end - start)) {
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

/* Write the store beside its old file and put it in place whole (outfile.h). */
bool versions_save(const struct versions *st, const char *dir)
{
	char *path = strfmt("%s/%s", dir, STORE_NAME);
	struct sbuf text;
	bool ok = path != NULL;

	sbuf_init(&text, STORE_FILE_MAX);
	for (size_t i = 0; ok && i < st->count; i++) {
		char hex[MINISIGN_KEYID_HEX_SIZE];

		minisign_keyid_hex(st->v[i].signer, hex);
		ok = sbuf_addf(&text, "%s\t%s\t%s\n", st->v[i].id, hex, st->v[i].version);
	}
	/* 0666 minus the umask, as cp gives */
	ok = ok && outfile_write(path, text.data ? text.data : "", text.len, 0666, true, NULL,
	                         NULL) == BUNDLE_OK;
	sbuf_release(&text);
	free(path);
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

enum bundle_status versions_open(struct versions *st, const char *dir, struct bundle_error *err)
{
	enum bundle_status rc = make_dirs(dir, err);

	return rc == BUNDLE_OK ? load(st, dir, err) : rc;
}

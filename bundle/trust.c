/* trust.c - trusted publisher keys. */
#include "trust.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYFILE_MAX 4096

void trust_init(struct trust *t)
{
	memset(t, 0, sizeof(*t));
}

void trust_release(struct trust *t)
{
	free(t->keys);
	trust_init(t);
}

const struct minisign_pubkey *trust_find(const struct trust *t,
                                         const unsigned char keyid[MINISIGN_KEYID_SIZE])
{
	for (size_t i = 0; i < t->count; i++)
		if (memcmp(t->keys[i].keyid, keyid, MINISIGN_KEYID_SIZE) == 0)
			return &t->keys[i];
	return NULL;
}

enum bundle_status trust_add(struct trust *t, const struct minisign_pubkey *pk,
                             struct bundle_error *err)
{
	const struct minisign_pubkey *old = trust_find(t, pk->keyid);

	if (old) {
		char id[MINISIGN_KEYID_HEX_SIZE];
		if (memcmp(old->pk, pk->pk, MINISIGN_PUBLIC_SIZE) == 0)
			return BUNDLE_OK;
		minisign_keyid_hex(pk->keyid, id);
		return bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                        "two different keys share the key id %s", id);
	}
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct minisign_pubkey *p = realloc(t->keys, cap * sizeof(*p));
		if (!p)
			return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
			                        "out of memory");
		t->keys = p;
		t->cap = cap;
	}
	t->keys[t->count++] = *pk;
	return BUNDLE_OK;
}

enum bundle_status trust_add_file(struct trust *t, const char *path, struct bundle_error *err)
{
	char buf[KEYFILE_MAX + 1];
	struct minisign_pubkey pk;
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	enum bundle_status st;

	if (fd < 0)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s", path,
		                        strerror(errno));
	while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0)
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s", path,
		                        strerror(errno));
	if (len > KEYFILE_MAX)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_INVALID, NULL, 0,
		                        "%s: too large for a public key file", path);
	st = minisign_pubkey_parse(buf, len, &pk, err);
	if (st != BUNDLE_OK) {
		bundle_error_prefix(err, "%s", path);
		return st;
	}
	return trust_add(t, &pk, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum bundle_status trust_add_dir(struct trust *t, const char *dir, struct bundle_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	enum bundle_status st = BUNDLE_OK;

	if (!d) {
		if (errno == ENOENT)
			return BUNDLE_OK;
		return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "%s: %s", dir,
		                        strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".pub") != 0 || de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **p = realloc(names, ncap * sizeof(*p));
			if (!p)
				goto oom;
			names = p;
			cap = ncap;
		}
		names[n] = malloc(strlen(dir) + len + 2);
		if (!names[n])
			goto oom;
		snprintf(names[n], strlen(dir) + len + 2, "%s/%s", dir, de->d_name);
		n++;
	}
	/* Sorted, so that errors and duplicates come out the same on every machine. */
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && st == BUNDLE_OK; i++)
		st = trust_add_file(t, names[i], err);
	goto done;
oom:
	st = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return st;
}

/*
 * test_vectors.c - every conformance vector of format-spec/vectors/ gets the
 * verdict its .txt states: valid ones are accepted whole (container,
 * signature, metadata, every byte), each invalid one is refused with the
 * rule named on the first line of its .txt, and nothing earlier.  Every
 * deflated entry of a vector that verifies also gets the same verdict
 * whichever way a server reads it: inflated from the file, or its raw
 * bytes read into memory and inflated from there (for gzip).
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "trust.h"

struct vector {
	char *path;
	char *name;
	enum bundle_rule want; /* RULE_NONE for a valid vector */
	char want_name[64];
};

static struct trust trust;

/* Run the whole reader pipeline; return the first failure's rule. */
static enum bundle_status full_check(const char *path, struct bundle_error *err)
{
	struct bundle *b = NULL;
	enum bundle_status st = bundle_open(path, &b, err);

	if (st == BUNDLE_OK)
		st = bundle_verify(b, &trust, err);
	if (st == BUNDLE_OK)
		st = bundle_verify_content(b, NULL, NULL, err);
	bundle_close(b);
	return st;
}

/*
 * Each deflated entry: bundle_read_into (inflated from the file) and
 * bundle_read_deflated (raw bytes in memory, inflated from there, into a
 * buffer or not) agree on status and rule, and on the bytes.
 */
static void same_verdict_every_read(const struct vector *v)
{
	struct bundle *b = NULL;
	struct bundle_error err;

	if (bundle_open(v->path, &b, &err) != BUNDLE_OK ||
	    bundle_verify(b, &trust, &err) != BUNDLE_OK) {
		bundle_close(b);
		return;
	}
	for (size_t i = 0; i < bundle_count(b); i++) {
		struct bundle_entry e;
		struct bundle_error e1, e2, e3;
		unsigned char *a, *c, *raw;
		enum bundle_status s1, s2, s3;

		bundle_entry(b, i, &e);
		if (e.method != 8 || !e.digest)
			continue;
		a = malloc(e.size + 1);
		c = malloc(e.size + 1);
		raw = malloc(e.comp_size + 1);
		assert_true(a && c && raw);
		bundle_error_clear(&e1);
		bundle_error_clear(&e2);
		bundle_error_clear(&e3);
		s1 = bundle_read_into(b, i, a, &e1);
		s2 = bundle_read_deflated(b, i, raw, c, &e2);
		s3 = bundle_read_deflated(b, i, raw, NULL, &e3);
		if (s1 != s2 || s1 != s3 || e1.rule != e2.rule || e1.rule != e3.rule)
			fail_msg("vector %s, %s: from the file %s, from memory %s and %s", v->name,
			         e.name, bundle_rule_name(e1.rule), bundle_rule_name(e2.rule),
			         bundle_rule_name(e3.rule));
		if (s1 == BUNDLE_OK)
			assert_memory_equal(a, c, e.size);
		free(a);
		free(c);
		free(raw);
	}
	bundle_close(b);
}

static void check_vector(void **state)
{
	const struct vector *v = *state;
	struct bundle_error err;
	enum bundle_status st;

	bundle_error_clear(&err);
	same_verdict_every_read(v);
	st = full_check(v->path, &err);
	if (v->want == RULE_NONE) {
		if (st != BUNDLE_OK)
			fail_msg("valid vector %s refused: %s", v->name, err.message);
		return;
	}
	if (st == BUNDLE_OK)
		fail_msg("invalid vector %s accepted (expected %s)", v->name, v->want_name);
	if (st == BUNDLE_NOMEM || st == BUNDLE_USAGE)
		fail_msg("vector %s: status %d: %s", v->name, st, err.message);
	if (err.rule != v->want)
		fail_msg("vector %s: refused with %s (%s), expected %s", v->name,
		         bundle_rule_name(err.rule), err.message, v->want_name);
	/* The message names the rule, as every refusal must. */
	assert_non_null(strstr(err.message, v->want_name));
}

static int cmp_vec(const void *a, const void *b)
{
	return strcmp(((const struct vector *)a)->name, ((const struct vector *)b)->name);
}

static size_t load(const char *dir, int valid, struct vector **vs, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t start = n;

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		struct vector *v;
		char *txt, *first;
		size_t txt_len;

		if (len < 8 || strcmp(de->d_name + len - 7, ".sampan") != 0)
			continue;
		*vs = realloc(*vs, (n + 1) * sizeof(**vs));
		assert_non_null(*vs);
		v = &(*vs)[n++];
		memset(v, 0, sizeof(*v));
		v->path = tu_path(dir, de->d_name);
		v->name = malloc(len + 16);
		assert_non_null(v->name);
		snprintf(v->name, len + 16, "%s/%.*s", valid ? "valid" : "invalid", (int)(len - 7),
		         de->d_name);
		first = strdup(v->path);
		assert_non_null(first);
		memcpy(first + strlen(first) - 7, ".txt\0\0\0", 7);
		txt = (char *)tu_read(first, &txt_len);
		free(first);
		txt[strcspn(txt, "\r\n")] = '\0';
		snprintf(v->want_name, sizeof(v->want_name), "%s", txt);
		if (valid) {
			if (strcmp(txt, "VALID") != 0)
				fail_msg("%s: first line of its .txt is not VALID", v->path);
			v->want = RULE_NONE;
		} else {
			v->want = bundle_rule_from_name(txt);
			if (v->want == RULE_NONE)
				fail_msg("%s: unknown rule '%s' in its .txt", v->path, txt);
		}
		free(txt);
	}
	closedir(d);
	qsort(*vs + start, n - start, sizeof(**vs), cmp_vec);
	return n;
}

int main(void)
{
	struct vector *vs = NULL;
	struct CMUnitTest *tests;
	struct bundle_error err;
	char *valid = tu_path(tu_top(), "format-spec/vectors/valid");
	char *invalid = tu_path(tu_top(), "format-spec/vectors/invalid");
	char *pub = tu_path(tu_top(), "format-spec/vectors/test.pub");
	size_t n = 0, n_valid, rules_seen = 0;
	bool seen[RULE_COUNT] = { false };
	int rc;

	trust_init(&trust);
	if (minisign_init(&err) != BUNDLE_OK || trust_add_file(&trust, pub, &err) != BUNDLE_OK) {
		fprintf(stderr, "test.pub: %s\n", err.message);
		return 1;
	}
	n = load(valid, 1, &vs, 0);
	n_valid = n;
	n = load(invalid, 0, &vs, n);
	for (size_t i = n_valid; i < n; i++)
		if (!seen[vs[i].want]) {
			seen[vs[i].want] = true;
			rules_seen++;
		}
	/* The spec promises at least one valid and twenty invalid vectors. */
	if (n_valid < 1 || n - n_valid < 20 || rules_seen < 20) {
		fprintf(stderr, "too few vectors: %zu valid, %zu invalid, %zu rules\n", n_valid,
		        n - n_valid, rules_seen);
		return 1;
	}
	tests = calloc(n, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = vs[i].name;
		tests[i].test_func = check_vector;
		tests[i].initial_state = &vs[i];
	}
	rc = _cmocka_run_group_tests("vectors", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		free(vs[i].path);
		free(vs[i].name);
	}
	free(vs);
	free(tests);
	free(valid);
	free(invalid);
	free(pub);
	trust_release(&trust);
	return rc;
}

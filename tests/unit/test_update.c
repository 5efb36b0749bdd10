/*
 * test_update.c - update files and bundles stored in parts against their
 * vectors (format-spec/vectors/update/, parts/): every valid update gives
 * its target byte for byte, every invalid one is refused with the rule its
 * .txt names; the parts vectors likewise.  And the writers: an update
 * written from two versions applies to give the newer one's exact bytes
 * (with a delta for a video changed in part), and a bundle split into
 * parts reads back as the same bundle.
 */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bfile.h"
#include "bundle.h"
#include "trust.h"
#include "update.h"

static struct trust trust; /* test.pub and other.pub */
static char *vectors;

struct collect {
	unsigned char *p;
	size_t len, cap;
};

static enum bundle_status collect(void *ctx, const void *data, size_t len, struct bundle_error *err)
{
	struct collect *c = ctx;

	(void)err;
	if (c->len + len > c->cap) {
		c->cap = (c->len + len) * 2;
		c->p = realloc(c->p, c->cap);
		assert_non_null(c->p);
	}
	memcpy(c->p + c->len, data, len);
	c->len += len;
	return BUNDLE_OK;
}

static enum bundle_status open_verified(const char *path, struct bundle **b,
                                        struct bundle_error *err)
{
	enum bundle_status st = bundle_open(path, b, err);

	if (st == BUNDLE_OK)
		st = bundle_verify(*b, &trust, err);
	return st;
}

/*
 * The whole of 21.6 as a reader with the library's bundles does it: open
 * the update, find and check its base, apply it into memory, then verify
 * the result in full.  *out gets the target's bytes on success.
 */
static size_t planned; /* results also verified through update_target_plan */

/*
 * The player's way to the same verdict: the target's plan, opened before
 * the target is made, has the result's layout, and checking the result's
 * bytes at the plan's places gives what bundle_verify_content gives.
 */
static void check_through_plan(struct bundle *plan, struct bundle *result, const char *res,
                               enum bundle_status want)
{
	struct bundle_error err;
	struct bfile f;
	int fd = open(res, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(bundle_same_layout(result, plan));
	bfile_from_fd(&f, fd, bundle_file_size(result));
	assert_int_equal(bundle_verify_copy(plan, &f, NULL, NULL, NULL, NULL, &err), want);
	close(fd);
	planned++;
}

static enum bundle_status apply_all(const char *update, struct collect *out,
                                    struct bundle_error *err)
{
	char *lib = tu_path(vectors, "update/library/course-1.0.sampan");
	char *dir = NULL, *res = NULL;
	struct update *u = NULL;
	struct bundle *base = NULL, *result = NULL, *plan = NULL;
	struct bundle_error plan_err;
	size_t which = 0;
	enum bundle_status st;

	memset(out, 0, sizeof(*out));
	st = update_open(update, &trust, &u, err);
	if (st == BUNDLE_OK)
		st = open_verified(lib, &base, err);
	if (st == BUNDLE_OK)
		st = update_find_base(u, &base, 1, &which, err);
	if (st == BUNDLE_OK && update_target_plan(u, base, &trust, &plan, &plan_err) != BUNDLE_OK)
		plan = NULL;
	if (st == BUNDLE_OK)
		st = update_apply(u, base, collect, out, NULL, NULL, err);
	if (st == BUNDLE_OK) {
		dir = tu_tempdir();
		res = tu_path(dir, "result.sampan");
		tu_write(res, out->p, out->len);
		st = open_verified(res, &result, err);
		if (st == BUNDLE_OK)
			st = bundle_verify_content(result, NULL, NULL, err);
		if (plan && result)
			check_through_plan(plan, result, res, st);
		if (st == BUNDLE_OK)
			st = update_check_result(u, result, err);
	}
	bundle_close(plan);
	bundle_close(result);
	bundle_close(base);
	update_close(u);
	if (dir)
		tu_rmrf(dir);
	free(dir);
	free(res);
	free(lib);
	return st;
}

static char *first_line(const char *txt_path)
{
	size_t len;
	char *text = (char *)tu_read(txt_path, &len);
	char *nl = strchr(text, '\n');

	if (nl)
		*nl = '\0';
	return text;
}

/* Every file of dir ending in ext, sorted; count in *n. */
static char **list(const char *dir, const char *ext, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name), el = strlen(ext);
		if (de->d_name[0] == '.' || l <= el || strcmp(de->d_name + l - el, ext) != 0)
			continue;
		if (*n == cap) {
			char **w;
			cap = cap ? cap * 2 : 16;
			w = realloc(v, cap * sizeof(*v));
			assert_non_null(w);
			v = w;
		}
		v[(*n)++] = strndup(de->d_name, l - el);
	}
	closedir(d);
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static void valid_updates_give_their_target_byte_for_byte(void **state)
{
	char *dir = tu_path(vectors, "update/valid");
	size_t n;
	char **names = list(dir, ".sampan-update", &n);

	(void)state;
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		char file[512], target[512];
		struct collect out;
		struct bundle_error err;
		size_t want_len;
		unsigned char *want;
		snprintf(file, sizeof(file), "%s/%s.sampan-update", dir, names[i]);
		snprintf(target, sizeof(target), "%s/%s.sampan", dir, names[i]);
		if (apply_all(file, &out, &err) != BUNDLE_OK)
			fail_msg("%s: %s", names[i], err.message);
		want = tu_read(target, &want_len);
		assert_int_equal(out.len, want_len);
		assert_memory_equal(out.p, want, want_len);
		free(want);
		free(out.p);
		free(names[i]);
	}
	assert_int_equal(planned, n); /* the targets' layouts are known before they are made */
	free(names);
	free(dir);
}

/* The plan reads only what copy steps and stored entries give: a patch's bytes are not at hand. */
static void a_targets_plan_has_no_patched_bytes(void **state)
{
	char *lib = tu_path(vectors, "update/library/course-1.0.sampan");
	char *upd = tu_path(vectors, "update/valid/video-delta.sampan-update");
	struct update *u = NULL;
	struct bundle *base = NULL, *plan = NULL;
	struct bundle_error err;
	unsigned char *data = NULL;
	size_t len, patched = 0;

	(void)state;
	assert_ok(update_open(upd, &trust, &u, &err), err);
	assert_ok(open_verified(lib, &base, &err), err);
	assert_ok(update_target_plan(u, base, &trust, &plan, &err), err);
	for (size_t i = 3; i < bundle_count(plan); i++) {
		enum bundle_status st = bundle_read(plan, i, SIZE_MAX, &data, &len, &err);
		if (st == BUNDLE_USAGE && strstr(err.message, "come from a patch"))
			patched++;
		else
			assert_ok(st, err);
		free(data);
		data = NULL;
	}
	assert_int_equal(patched, 1);
	bundle_close(plan);
	bundle_close(base);
	update_close(u);
	free(upd);
	free(lib);
}

static void invalid_updates_are_refused_with_their_rule(void **state)
{
	char *dir = tu_path(vectors, "update/invalid");
	size_t n;
	char **names = list(dir, ".sampan-update", &n);

	(void)state;
	assert_true(n >= 9);
	for (size_t i = 0; i < n; i++) {
		char file[512], txt[512];
		struct collect out;
		struct bundle_error err;
		char *want;
		enum bundle_status st;
		snprintf(file, sizeof(file), "%s/%s.sampan-update", dir, names[i]);
		snprintf(txt, sizeof(txt), "%s/%s.txt", dir, names[i]);
		want = first_line(txt);
		bundle_error_clear(&err);
		st = apply_all(file, &out, &err);
		free(out.p);
		if (st == BUNDLE_OK)
			fail_msg("%s: applied, want %s", names[i], want);
		if (strcmp(bundle_rule_name(err.rule), want) != 0)
			fail_msg("%s: refused with %s (%s), want %s", names[i],
			         bundle_rule_name(err.rule), err.message, want);
		free(want);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static void parts_vectors_get_their_verdict(void **state)
{
	static const char *const kinds[] = { "valid", "invalid" };

	(void)state;
	for (int k = 0; k < 2; k++) {
		char *dir = tu_path(vectors, k == 0 ? "parts/valid" : "parts/invalid");
		size_t n;
		char **names = list(dir, ".txt", &n);
		assert_true(n >= (k == 0 ? 2u : 5u));
		for (size_t i = 0; i < n; i++) {
			char path[512], txt[512];
			struct bundle *b = NULL;
			struct bundle_error err;
			char *want;
			enum bundle_status st;
			snprintf(path, sizeof(path), "%s/%s/course.sampan", dir, names[i]);
			snprintf(txt, sizeof(txt), "%s/%s.txt", dir, names[i]);
			want = first_line(txt);
			bundle_error_clear(&err);
			st = open_verified(path, &b, &err);
			if (st == BUNDLE_OK)
				st = bundle_verify_content(b, NULL, NULL, &err);
			bundle_close(b);
			if (strcmp(want, "VALID") == 0) {
				if (st != BUNDLE_OK)
					fail_msg("%s/%s: %s", kinds[k], names[i], err.message);
			} else if (st == BUNDLE_OK ||
			           strcmp(bundle_rule_name(err.rule), want) != 0) {
				fail_msg("%s/%s: got %s (%s), want %s", kinds[k], names[i],
				         st == BUNDLE_OK ? "VALID" : bundle_rule_name(err.rule),
				         err.message, want);
			}
			free(want);
			free(names[i]);
		}
		free(names);
		free(dir);
	}
}

static void load_test_key(struct minisign_seckey **sk)
{
	char *path = tu_path(vectors, "test.key");
	size_t len;
	char *text = (char *)tu_read(path, &len);
	struct bundle_error err;

	assert_ok(minisign_seckey_parse(text, len, NULL, sk, &err), err);
	free(text);
	free(path);
}

/* sampan-build diff's library call, from the base to each valid target: applies to the target. */
static void written_updates_apply_to_the_exact_target(void **state)
{
	static const char *const targets[] = { "text-change", "video-delta" };
	struct minisign_seckey *sk;
	char *tmp = tu_tempdir();

	(void)state;
	load_test_key(&sk);
	for (int i = 0; i < 2; i++) {
		char target[512], *base_path = tu_path(vectors, "update/library/course-1.0.sampan");
		char *out = tu_path(tmp, "u.sampan-update");
		struct bundle *base = NULL, *new = NULL;
		struct update_write_result r;
		struct collect got;
		struct bundle_error err;
		unsigned char *want;
		size_t want_len;
		snprintf(target, sizeof(target), "%s/update/valid/%s.sampan", vectors, targets[i]);
		assert_ok(open_verified(base_path, &base, &err), err);
		assert_ok(open_verified(target, &new, &err), err);
		assert_ok(update_write(base, new, sk, out, &r, &err), err);
		/* the video is carried as a delta when only part of it changed */
		assert_int_equal(r.deltas, i == 1 ? 1 : 0);
		assert_true(r.file_size < r.target_size / 10);
		bundle_close(base);
		bundle_close(new);
		/* and a reader applies it (library/ holds the same base) */
		assert_ok(apply_all(out, &got, &err), err);
		want = tu_read(target, &want_len);
		assert_int_equal(got.len, want_len);
		assert_memory_equal(got.p, want, want_len);
		free(want);
		free(got.p);
		free(out);
		free(base_path);
	}
	minisign_seckey_free(sk);
	tu_rmrf(tmp);
	free(tmp);
}

static void a_downgrade_or_another_signer_is_not_written(void **state)
{
	struct minisign_seckey *sk, *other;
	struct minisign_pubkey opk;
	char *tmp = tu_tempdir(), *out = tu_path(tmp, "u.sampan-update");
	char *base_path = tu_path(vectors, "update/library/course-1.0.sampan");
	char *target = tu_path(vectors, "update/valid/text-change.sampan");
	struct bundle *base = NULL, *new = NULL;
	struct bundle_error err;
	struct stat sb;

	(void)state;
	load_test_key(&sk);
	tu_key(2, &other, &opk);
	assert_ok(open_verified(base_path, &base, &err), err);
	assert_ok(open_verified(target, &new, &err), err);
	assert_rule(update_write(new, base, sk, out, NULL, &err), BUNDLE_INVALID, err,
	            RULE_UPDATE_DOWNGRADE);
	assert_rule(update_write(base, new, other, out, NULL, &err), BUNDLE_INVALID, err,
	            RULE_UPDATE_SIGNER);
	assert_int_equal(stat(out, &sb), -1);
	bundle_close(base);
	bundle_close(new);
	minisign_seckey_free(sk);
	minisign_seckey_free(other);
	tu_rmrf(tmp);
	free(tmp);
	free(out);
	free(base_path);
	free(target);
}

/* bfile_split writes parts that read back as the same bundle; a shorter set removes the rest. */
static void a_bundle_split_into_parts_reads_as_one(void **state)
{
	char *tmp = tu_tempdir(), *whole = tu_path(tmp, "whole.sampan");
	char *name = tu_path(tmp, "course.sampan"), *p4 = tu_path(tmp, "course.sampan.004");
	struct bundle *b = NULL;
	struct bundle_error err;
	unsigned parts = 0;
	unsigned char *bytes, *back;
	size_t len;
	struct stat sb;
	int fd;

	(void)state;
	tu_make_bundle(whole, 1, 3u << 20);
	bytes = tu_read(whole, &len);
	tu_write(p4, "stale", 5);
	fd = open(whole, O_RDONLY);
	assert_true(fd >= 0);
	assert_ok(bfile_split(fd, len, 1u << 20, name, &parts, &err), err);
	close(fd);
	assert_int_equal(parts, (len + (1u << 20) - 1) >> 20);
	assert_int_equal(stat(p4, &sb), parts >= 4 ? 0 : -1);
	/* opened by its name alone, and verified across the seams */
	assert_ok(bundle_open(name, &b, &err), err);
	{
		struct minisign_seckey *sk;
		struct minisign_pubkey pk;
		struct trust t;
		tu_key(1, &sk, &pk);
		trust_init(&t);
		assert_ok(trust_add(&t, &pk, &err), err);
		assert_ok(bundle_verify(b, &t, &err), err);
		assert_ok(bundle_verify_content(b, NULL, NULL, &err), err);
		trust_release(&t);
		minisign_seckey_free(sk);
	}
	assert_int_equal(bundle_bfile(b)->count, parts);
	back = malloc(len);
	assert_non_null(back);
	assert_ok(bfile_pread(bundle_bfile(b), back, len, 0, &err), err);
	assert_memory_equal(back, bytes, len);
	bundle_close(b);
	/* a later part given alone is a usage mistake, naming the first */
	{
		char *p2 = tu_path(tmp, "course.sampan.002");
		assert_int_equal(bundle_open(p2, &b, &err), BUNDLE_USAGE);
		assert_non_null(strstr(err.message, ".001"));
		free(p2);
	}
	free(back);
	free(bytes);
	tu_rmrf(tmp);
	free(tmp);
	free(whole);
	free(name);
	free(p4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_updates_give_their_target_byte_for_byte),
		cmocka_unit_test(a_targets_plan_has_no_patched_bytes),
		cmocka_unit_test(invalid_updates_are_refused_with_their_rule),
		cmocka_unit_test(parts_vectors_get_their_verdict),
		cmocka_unit_test(written_updates_apply_to_the_exact_target),
		cmocka_unit_test(a_downgrade_or_another_signer_is_not_written),
		cmocka_unit_test(a_bundle_split_into_parts_reads_as_one),
	};
	struct bundle_error err;
	char *a, *b;
	int rc;

	vectors = tu_path(tu_top(), "format-spec/vectors");
	a = tu_path(vectors, "test.pub");
	b = tu_path(vectors, "other.pub");
	trust_init(&trust);
	if (minisign_init(&err) != BUNDLE_OK || trust_add_file(&trust, a, &err) != BUNDLE_OK ||
	    trust_add_file(&trust, b, &err) != BUNDLE_OK) {
		fprintf(stderr, "keys: %s\n", err.message);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	trust_release(&trust);
	free(a);
	free(b);
	free(vectors);
	return rc;
}

/* test_trust.c - trusted keys: a key file, every *.pub of a folder, a missing folder, shared key ids and bad files (bundle/trust.c). */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trust.h"

static char *write_pubkey(const char *dir, const char *file, int n, struct minisign_pubkey *pk)
{
	struct minisign_seckey *sk;
	struct bundle_error err;
	char *text = NULL, *path = tu_path(dir, file);
	size_t len;

	tu_key(n, &sk, pk);
	minisign_seckey_free(sk);
	assert_ok(minisign_pubkey_format(pk, &text, &len, &err), err);
	tu_write(path, text, len);
	free(text);
	return path;
}

static void trust_adds_one_key_file(void **state)
{
	char *dir = tu_tempdir(), *path;
	struct minisign_pubkey pk1, pk2;
	struct minisign_seckey *sk2;
	struct trust t;
	struct bundle_error err;
	const struct minisign_pubkey *found;

	(void)state;
	path = write_pubkey(dir, "publisher.pub", 1, &pk1);
	trust_init(&t);
	assert_int_equal(t.count, 0);
	assert_ok(trust_add_file(&t, path, &err), err);
	assert_int_equal(t.count, 1);
	found = trust_find(&t, pk1.keyid);
	assert_non_null(found);
	assert_memory_equal(found, &pk1, sizeof(pk1));
	tu_key(2, &sk2, &pk2);
	minisign_seckey_free(sk2);
	assert_null(trust_find(&t, pk2.keyid));
	/* the same key again is ignored */
	assert_ok(trust_add_file(&t, path, &err), err);
	assert_int_equal(t.count, 1);
	trust_release(&t);
	assert_int_equal(t.count, 0);
	assert_null(t.keys);
	free(path);
	tu_rmrf(dir);
	free(dir);
}

static void trust_adds_every_pub_file_of_a_folder(void **state)
{
	char *dir = tu_tempdir(), *p1, *p2, *other, *bak;
	struct minisign_pubkey pk1, pk2;
	struct trust t;
	struct bundle_error err;

	(void)state;
	p1 = write_pubkey(dir, "one.pub", 1, &pk1);
	p2 = write_pubkey(dir, "two.pub", 2, &pk2);
	other = tu_path(dir, "notes.txt");
	tu_write(other, "not a key\n", 10);
	bak = tu_path(dir, "old.pub.bak");
	tu_write(bak, "not a key either\n", 17);
	trust_init(&t);
	assert_ok(trust_add_dir(&t, dir, &err), err);
	assert_int_equal(t.count, 2);
	assert_non_null(trust_find(&t, pk1.keyid));
	assert_memory_equal(trust_find(&t, pk1.keyid)->pk, pk1.pk, MINISIGN_PUBLIC_SIZE);
	assert_non_null(trust_find(&t, pk2.keyid));
	assert_memory_equal(trust_find(&t, pk2.keyid)->pk, pk2.pk, MINISIGN_PUBLIC_SIZE);
	trust_release(&t);
	free(p1);
	free(p2);
	free(other);
	free(bak);
	tu_rmrf(dir);
	free(dir);
}

static void trust_missing_folder_adds_nothing(void **state)
{
	char *dir = tu_tempdir(), *missing = tu_path(dir, "no-such-folder");
	struct trust t;
	struct bundle_error err;

	(void)state;
	trust_init(&t);
	assert_ok(trust_add_dir(&t, missing, &err), err);
	assert_int_equal(t.count, 0);
	trust_release(&t);
	free(missing);
	tu_rmrf(dir);
	free(dir);
}

static void trust_refuses_key_id_shared_by_another_key(void **state)
{
	char *dir = tu_tempdir(), *p1, *p2;
	struct minisign_pubkey pk1, pk2, clash;
	struct trust t;
	struct bundle_error err;

	(void)state;
	trust_init(&t);
	p1 = write_pubkey(dir, "a.pub", 1, &pk1);
	p2 = write_pubkey(dir, "b.pub", 2, &pk2);
	clash = pk2;
	memcpy(clash.keyid, pk1.keyid, MINISIGN_KEYID_SIZE);
	assert_ok(trust_add(&t, &pk1, &err), err);
	assert_rule(trust_add(&t, &clash, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
	assert_int_equal(t.count, 1);
	assert_memory_equal(trust_find(&t, pk1.keyid)->pk, pk1.pk, MINISIGN_PUBLIC_SIZE);
	trust_release(&t);

	/* the same through a folder */
	{
		char *text = NULL, *p3 = tu_path(dir, "c.pub");
		size_t len;
		assert_ok(minisign_pubkey_format(&clash, &text, &len, &err), err);
		tu_write(p3, text, len);
		free(text);
		trust_init(&t);
		assert_rule(trust_add_dir(&t, dir, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
		trust_release(&t);
		free(p3);
	}
	free(p1);
	free(p2);
	tu_rmrf(dir);
	free(dir);
}

static void trust_refuses_bad_and_missing_files(void **state)
{
	char *dir = tu_tempdir(), *bad = tu_path(dir, "bad.pub"), *missing = tu_path(dir, "x.pub");
	struct trust t;
	struct bundle_error err;

	(void)state;
	tu_write(bad, "untrusted comment: x\nnot base64\n", 32);
	trust_init(&t);
	assert_rule(trust_add_file(&t, bad, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
	assert_non_null(strstr(err.message, bad));
	assert_int_equal(trust_add_file(&t, missing, &err), BUNDLE_IO);
	assert_non_null(strstr(err.message, missing));
	assert_rule(trust_add_dir(&t, dir, &err), BUNDLE_INVALID, err, RULE_KEY_INVALID);
	assert_int_equal(t.count, 0);
	trust_release(&t);
	free(bad);
	free(missing);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trust_adds_one_key_file),
		cmocka_unit_test(trust_adds_every_pub_file_of_a_folder),
		cmocka_unit_test(trust_missing_folder_adds_nothing),
		cmocka_unit_test(trust_refuses_key_id_shared_by_another_key),
		cmocka_unit_test(trust_refuses_bad_and_missing_files),
	};
	return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}

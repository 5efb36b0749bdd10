/*
 * test_scan.c - the player's folder scan (player/scan.c), as a teacher's
 * stick meets it: which courses are served and which files are refused,
 * with the rule named, for a folder with a valid bundle, a damaged one,
 * one signed by a stranger, a bundle stored in parts, parts with one
 * missing, and an update beside its base (applied into the cache folder)
 * or without it.  One table; each row a folder.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "library.h"
#include "trust.h"

#define MiB (1024u * 1024)

static char *books, *cache, *dir;

/* tu_dir/name of a bundle made aside, split into parts of part bytes as NAME.001, ... in books. */
static void split_into_parts(const char *made, const char *name, size_t part, int skip)
{
	size_t len;
	unsigned char *data = tu_read(made, &len);
	int k = 1;

	for (size_t off = 0; off < len; off += part, k++) {
		char pname[256];
		char *p;
		if (k == skip)
			continue;
		snprintf(pname, sizeof(pname), "%s.%03d", name, k);
		p = tu_path(books, pname);
		tu_write(p, data + off, len - off < part ? len - off : part);
		free(p);
	}
	free(data);
}

static void make(const char *name, const char *id, const char *version, int key, size_t big)
{
	char *p = tu_path(books, name);

	tu_make_course(p, id, version, key, big);
	free(p);
}

/* One byte in the middle of name's signed manifest (its second entry) changed. */
static void flip_manifest_byte(const char *name)
{
	char *p = tu_path(books, name);
	struct bundle *b;
	struct bundle_error err;
	struct bundle_entry e;
	size_t len;
	unsigned char *data;

	assert_ok(bundle_open(p, &b, &err), err);
	bundle_entry(b, 1, &e);
	assert_string_equal(e.name, "META-INF/MANIFEST");
	bundle_close(b);
	data = tu_read(p, &len);
	data[e.data_offset + e.comp_size / 2] ^= 0x40;
	tu_write(p, data, len);
	free(data);
	free(p);
}

static void copy_vector(const char *from, const char *name)
{
	char *src = tu_path(tu_top(), from), *dst = tu_path(books, name);
	size_t len;
	unsigned char *data = tu_read(src, &len);

	tu_write(dst, data, len);
	free(data);
	free(src);
	free(dst);
}

static void folder_valid(void)
{
	make("pump.sampan", "org.example.pump", "1.2", 1, 0);
}

static void folder_damaged_beside_valid(void)
{
	make("pump.sampan", "org.example.pump", "1.2", 1, 0);
	make("bees.sampan", "org.example.bees", "1.0", 1, 0);
	flip_manifest_byte("bees.sampan");
}

static void folder_stranger(void)
{
	make("pump.sampan", "org.example.pump", "1.2", 2, 0);
}

static void folder_parts(void)
{
	char *made = tu_path(dir, "video.sampan");

	tu_make_course(made, "org.example.video", "3.0", 1, 5 * MiB);
	split_into_parts(made, "video.sampan", 2 * MiB, 0);
	free(made);
}

static void folder_parts_gap(void)
{
	char *made = tu_path(dir, "video.sampan");

	tu_make_course(made, "org.example.video", "3.0", 1, 5 * MiB);
	split_into_parts(made, "video.sampan", 2 * MiB, 2);
	free(made);
}

static void folder_update_with_base(void)
{
	copy_vector("format-spec/vectors/update/library/course-1.0.sampan", "course-1.0.sampan");
	copy_vector("format-spec/vectors/update/valid/text-change.sampan-update",
	            "text-change.sampan-update");
}

static void folder_update_alone(void)
{
	copy_vector("format-spec/vectors/update/valid/text-change.sampan-update",
	            "text-change.sampan-update");
}

static void folder_not_a_bundle(void)
{
	char *p = tu_path(books, "notes.sampan");

	tu_write(p, "not a zip", 9);
	free(p);
	make("pump.sampan", "org.example.pump", "1.2", 1, 0);
}

/* "served ID VERSION FILE; ...| refused FILE RULE; ..." of the snapshot, file names without folder. */
static char *summary(const struct lib_snapshot *s)
{
	char *out = calloc(1, 4096);
	size_t n = 0;

	assert_non_null(out);
	for (size_t i = 0; i < s->count; i++) {
		const char *base = strrchr(s->courses[i]->path, '/');
		n += (size_t)snprintf(out + n, 4096 - n, "served %s %s %s; ", s->courses[i]->id,
		                      s->courses[i]->version,
		                      base ? base + 1 : s->courses[i]->path);
	}
	n += (size_t)snprintf(out + n, 4096 - n, "|");
	for (size_t i = 0; i < s->refused_count; i++) {
		const char *base = strrchr(s->refused[i].path, '/');
		n += (size_t)snprintf(out + n, 4096 - n, " refused %s %s;",
		                      base ? base + 1 : s->refused[i].path,
		                      bundle_rule_name(s->refused[i].rule));
	}
	return out;
}

static void what_a_folder_gives(void **state)
{
	static const struct {
		const char *what;
		void (*fill)(void);
		const char *want;
	} rows[] = {
		{ "a valid bundle", folder_valid, "served org.example.pump 1.2 pump.sampan; |" },
		{ "a bundle whose signed manifest changed, beside a valid one",
		  folder_damaged_beside_valid,
		  "served org.example.pump 1.2 pump.sampan; | refused bees.sampan "
		  "SIZE_MISMATCH;" },
		{ "a bundle no trusted key signed", folder_stranger,
		  "| refused pump.sampan KEY_UNTRUSTED;" },
		{ "a file named like a bundle that is none", folder_not_a_bundle,
		  "served org.example.pump 1.2 pump.sampan; | refused notes.sampan NOT_ZIP;" },
		{ "a bundle in three parts", folder_parts,
		  "served org.example.video 3.0 video.sampan.001; |" },
		{ "parts with the second missing", folder_parts_gap,
		  "| refused video.sampan.001 PART_MISSING;" },
		{ "an update beside its base: the newer version, made in the cache",
		  folder_update_with_base,
		  "served org.example.update 1.1 org.example.update-1.1.sampan; |"
		  " refused course-1.0.sampan NONE;" },
		{ "an update without its base", folder_update_alone,
		  "| refused text-change.sampan-update BASE_MISSING;" },
	};
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct trust trust;
	struct bundle_error err;
	char *vkey = tu_path(tu_top(), "format-spec/vectors/test.pub");

	(void)state;
	tu_key(1, &sk, &pk);
	minisign_seckey_free(sk);
	trust_init(&trust);
	assert_ok(trust_add(&trust, &pk, &err), err);
	assert_ok(trust_add_file(&trust, vkey, &err), err);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *paths[1];
		struct library_options opt = { 0 };
		struct library *lib = NULL;
		struct lib_snapshot *s;
		char *got;

		dir = tu_tempdir();
		books = tu_path(dir, "books");
		cache = tu_path(dir, "cache");
		assert_int_equal(mkdir(books, 0755), 0);
		assert_int_equal(mkdir(cache, 0755), 0);
		rows[i].fill();
		paths[0] = books;
		opt.paths = paths;
		opt.paths_count = 1;
		opt.trust = &trust;
		opt.cache_dir = cache;
		assert_ok(library_open(&opt, &lib, &err), err);
		s = library_snapshot(lib);
		got = summary(s);
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("%s:\n got  %s\n want %s", rows[i].what, got, rows[i].want);
		free(got);
		library_release_snapshot(lib, s);
		/* A second look at the same folder finds the same. */
		library_rescan(lib);
		s = library_snapshot(lib);
		got = summary(s);
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("%s, rescanned:\n got  %s\n want %s", rows[i].what, got,
			         rows[i].want);
		free(got);
		library_release_snapshot(lib, s);
		library_close(lib);
		tu_rmrf(dir);
		free(dir);
		free(books);
		free(cache);
	}
	trust_release(&trust);
	free(vkey);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(what_a_folder_gives, tu_sodium_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

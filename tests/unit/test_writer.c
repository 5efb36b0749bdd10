/*
 * test_writer.c - writing bundles (bundle/writer.c): deterministic output,
 * the format's compression rules, refusal of bad input with no file left
 * behind, and byte-for-byte agreement with the independent writer that
 * made format-spec/vectors/valid.
 */
#define _DEFAULT_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "format.h"
#include "trust.h"
#include "writer.h"

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void same_input_gives_same_bytes(void **state)
{
	char *dir = tu_tempdir(), *a = tu_path(dir, "a.sampan"), *b = tu_path(dir, "b.sampan");
	unsigned char *x, *y;
	size_t xl, yl;

	(void)state;
	tu_make_bundle(a, 1, 1500000);
	tu_make_bundle(b, 1, 1500000);
	x = tu_read(a, &xl);
	y = tu_read(b, &yl);
	assert_int_equal(xl, yl);
	assert_memory_equal(x, y, xl);
	free(x);
	free(y);
	free(a);
	free(b);
	tu_rmrf(dir);
	free(dir);
}

static void another_key_gives_another_bundle(void **state)
{
	char *dir = tu_tempdir(), *a = tu_path(dir, "a.sampan"), *b = tu_path(dir, "b.sampan");
	unsigned char *x, *y;
	size_t xl, yl;

	(void)state;
	tu_make_bundle(a, 1, 0);
	tu_make_bundle(b, 2, 0);
	x = tu_read(a, &xl);
	y = tu_read(b, &yl);
	assert_true(xl != yl || memcmp(x, y, xl) != 0);
	free(x);
	free(y);
	free(a);
	free(b);
	tu_rmrf(dir);
	free(dir);
}

/* Build a bundle from files on disk or from memory: the same bytes. */
static void files_and_buffers_give_same_bytes(void **state)
{
	char *dir = tu_tempdir();
	char *src = tu_path(dir, "src"), *p_course, *p_index, *p_lesson, *p_video;
	char *out1 = tu_path(dir, "1.sampan"), *out2 = tu_path(dir, "2.sampan");
	char *cj = tu_course_json("org.example.files", "3");
	static const char index_html[] = "<h1>Index</h1>\n";
	static const char lesson[] = "<p>Lesson one</p>\n<p>Lesson one</p>\n";
	unsigned char *video = malloc(3 * 1048576 + 17), *x, *y;
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	size_t xl, yl;

	(void)state;
	assert_non_null(video);
	for (size_t i = 0; i < 3 * 1048576 + 17; i++)
		video[i] = (unsigned char)(i * 2654435761u >> 13);
	p_course = tu_path(src, "course.json");
	p_index = tu_path(src, "index.html");
	p_lesson = tu_path(src, "lessons/01-intro.html");
	p_video = tu_path(src, "media/v.mp4");
	tu_write(p_course, cj, strlen(cj));
	tu_write(p_index, index_html, sizeof(index_html) - 1);
	tu_write(p_lesson, lesson, sizeof(lesson) - 1);
	tu_write(p_video, video, 3 * 1048576 + 17);
	tu_key(1, &sk, &pk);

	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_file(w, "media/v.mp4", p_video, &err), err);
	assert_ok(bundle_writer_add_file(w, "META-INF/course.json", p_course, &err), err);
	assert_ok(bundle_writer_add_file(w, "lessons/01-intro.html", p_lesson, &err), err);
	assert_ok(bundle_writer_add_file(w, "index.html", p_index, &err), err);
	assert_ok(bundle_writer_write(w, sk, out1, NULL, &err), err);
	bundle_writer_free(w);

	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", index_html, sizeof(index_html) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", lesson, sizeof(lesson) - 1,
	                                 &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "media/v.mp4", video, 3 * 1048576 + 17, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_write(w, sk, out2, NULL, &err), err);
	bundle_writer_free(w);

	x = tu_read(out1, &xl);
	y = tu_read(out2, &yl);
	assert_int_equal(xl, yl);
	assert_memory_equal(x, y, xl);
	free(x);
	free(y);
	minisign_seckey_free(sk);
	free(video);
	free(cj);
	free(p_course);
	free(p_index);
	free(p_lesson);
	free(p_video);
	free(src);
	free(out1);
	free(out2);
	tu_rmrf(dir);
	free(dir);
}

static struct bundle *open_verified(const char *path, const struct minisign_pubkey *pk)
{
	struct trust trust;
	struct bundle *b;
	struct bundle_error err;

	trust_init(&trust);
	assert_ok(trust_add(&trust, pk, &err), err);
	assert_ok(bundle_open(path, &b, &err), err);
	assert_ok(bundle_verify(b, &trust, &err), err);
	assert_ok(bundle_verify_content(b, NULL, NULL, &err), err);
	trust_release(&trust);
	return b;
}

static void text_is_deflated_and_media_stored(void **state)
{
	char *dir = tu_tempdir(), *out = tu_path(dir, "c.sampan");
	char *cj = tu_course_json("org.example.compress", "1");
	char text[4000], zeros[100000] = { 0 };
	unsigned char noise[2000];
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	struct bundle_entry e;
	struct bundle *b;

	(void)state;
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "water pump impeller "[i % 20];
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)((i * 7919u) ^ (i >> 3) * 104729u);
	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", text, sizeof(text), &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", text, 100, &err), err);
	assert_ok(bundle_writer_add_data(w, "media/photo.jpg", text, sizeof(text), &err), err);
	assert_ok(bundle_writer_add_data(w, "media/empty.txt", "", 0, &err), err);
	assert_ok(bundle_writer_add_data(w, "media/noise.txt", noise, sizeof(noise), &err), err);
	assert_ok(bundle_writer_add_data(w, "media/zeros.txt", zeros, sizeof(zeros), &err), err);
	assert_ok(bundle_writer_write(w, sk, out, NULL, &err), err);
	bundle_writer_free(w);
	b = open_verified(out, &pk);

	bundle_entry(b, bundle_find(b, "index.html", 10), &e);
	assert_int_equal(e.method, 8); /* text: deflated */
	assert_string_equal(e.media_type, "text/html");
	bundle_entry(b, bundle_find(b, "media/photo.jpg", 15), &e);
	assert_int_equal(e.method, 0); /* media: stored, even though it would shrink */
	bundle_entry(b, bundle_find(b, "media/empty.txt", 15), &e);
	assert_int_equal(e.method, 0); /* deflate cannot shrink nothing */
	bundle_entry(b, bundle_find(b, "media/noise.txt", 15), &e);
	assert_int_equal(e.method, 0); /* deflate did not shrink it */
	bundle_entry(b, bundle_find(b, "media/zeros.txt", 15), &e);
	assert_int_equal(e.method, 0); /* a ratio over 200 would be a bomb to readers */
	bundle_entry(b, 0, &e);
	assert_string_equal(e.name, "mimetype");
	assert_int_equal(e.method, 0);
	assert_int_equal(e.data_offset, 38);
	bundle_close(b);
	minisign_seckey_free(sk);
	free(cj);
	free(out);
	tu_rmrf(dir);
	free(dir);
}

static void dos_time_follows_source_date_epoch(void **state)
{
	uint16_t t, d;

	(void)state;
	bundle_writer_dos_time(0, &t, &d);
	assert_int_equal(t, 0);
	assert_int_equal(d, 0x0021); /* 1980-01-01 */
	bundle_writer_dos_time(1764374400, &t, &d); /* 2025-11-29T00:00:00Z */
	assert_int_equal(d, (45 << 9) | (11 << 5) | 29);
	assert_int_equal(t, 0);
	bundle_writer_dos_time(1764374400 + 13 * 3600 + 5 * 60 + 7, &t, &d);
	assert_int_equal(t, (13 << 11) | (5 << 5) | 3); /* seconds halved, rounded down */
	bundle_writer_dos_time(9999999999LL, &t, &d);
	assert_int_equal(d >> 9, 127); /* clamped to 2107 */
}

/* A refused write: the rule, and no file at all in the output folder. */
static void expect_refused(struct bundle_writer *w, const char *dir, enum bundle_rule rule)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_error err;
	char *out = tu_path(dir, "out.sampan");
	enum bundle_status st;

	tu_key(1, &sk, &pk);
	st = bundle_writer_write(w, sk, out, NULL, &err);
	assert_int_not_equal(st, BUNDLE_OK);
	if (err.rule != rule)
		fail_msg("refused with %s (%s), want %s", bundle_rule_name(err.rule), err.message,
		         bundle_rule_name(rule));
	assert_int_equal(count_files(dir), 0);
	minisign_seckey_free(sk);
	free(out);
}

static void refuses_bad_input_and_leaves_nothing(void **state)
{
	char *dir = tu_tempdir();
	char *cj = tu_course_json("org.example.bad", "1");
	char *bad_id = tu_course_json("Org_Bad", "1");
	struct bundle_writer *w;
	struct bundle_error err;

	(void)state;
	/* no course.json */
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", "x", 1, &err), err);
	expect_refused(w, dir, RULE_COURSE_INVALID);
	bundle_writer_free(w);
	/* course.json names a page that is not there */
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", "x", 1, &err), err);
	expect_refused(w, dir, RULE_COURSE_INVALID);
	bundle_writer_free(w);
	/* invalid course id */
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", bad_id, strlen(bad_id), &err),
	          err);
	expect_refused(w, dir, RULE_COURSE_INVALID);
	bundle_writer_free(w);
	/* names that collide on a case-insensitive stick */
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", "x", 1, &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", "x", 1, &err), err);
	assert_ok(bundle_writer_add_data(w, "Index.html", "y", 1, &err), err);
	expect_refused(w, dir, RULE_NAME_CASE_COLLISION);
	bundle_writer_free(w);
	/* an input that is not a regular file */
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", "x", 1, &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", "x", 1, &err), err);
	assert_ok(bundle_writer_add_file(w, "media/dir.png", "/", &err), err);
	expect_refused(w, dir, RULE_NOT_REGULAR_FILE);
	bundle_writer_free(w);

	free(cj);
	free(bad_id);
	tu_rmrf(dir);
	free(dir);
}

static void refuses_bad_names_at_once(void **state)
{
	struct bundle_writer *w;
	struct bundle_error err;

	(void)state;
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_rule(bundle_writer_add_data(w, "../evil.html", "x", 1, &err), BUNDLE_INVALID, err,
	            RULE_NAME_INVALID);
	assert_rule(bundle_writer_add_data(w, "mimetype", "x", 1, &err), BUNDLE_USAGE, err,
	            RULE_INPUT_INVALID);
	assert_rule(bundle_writer_add_data(w, "META-INF/MANIFEST", "x", 1, &err), BUNDLE_USAGE, err,
	            RULE_INPUT_INVALID);
	assert_rule(bundle_writer_add_data(w, "META-INF/chunks", "x", 1, &err), BUNDLE_USAGE, err,
	            RULE_INPUT_INVALID);
	assert_rule(bundle_writer_add_data(w, "a\\b.html", "x", 1, &err), BUNDLE_INVALID, err,
	            RULE_NAME_INVALID);
	/* names that unzip would shorten, new device names, characters after Unicode 15.0 */
	assert_rule(bundle_writer_add_data(w, "notes.md;2", "x", 1, &err), BUNDLE_INVALID, err,
	            RULE_NAME_INVALID);
	assert_rule(bundle_writer_add_data(w, "media/CON .png", "x", 1, &err), BUNDLE_INVALID, err,
	            RULE_NAME_INVALID);
	assert_rule(bundle_writer_add_data(w, "COM\xC2\xB2.txt", "x", 1, &err), BUNDLE_INVALID, err,
	            RULE_NAME_INVALID);
	assert_rule(bundle_writer_add_data(w, "\xE1\xB2\x89.html", "x", 1, &err), BUNDLE_INVALID,
	            err, RULE_NAME_INVALID);
	bundle_writer_free(w);
}

static void missing_output_folder_is_an_io_error(void **state)
{
	char *dir = tu_tempdir(), *out = tu_path(dir, "no/such/folder/x.sampan");
	char *cj = tu_course_json("org.example.io", "1");
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;

	(void)state;
	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", "x", 1, &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", "x", 1, &err), err);
	assert_int_equal(bundle_writer_write(w, sk, out, NULL, &err), BUNDLE_IO);
	assert_non_null(strstr(err.message, "no/such/folder"));
	assert_int_equal(count_files(dir), 0);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
	free(out);
	tu_rmrf(dir);
	free(dir);
}

static void result_counts_what_was_written(void **state)
{
	char *dir = tu_tempdir(), *out = tu_path(dir, "r.sampan");
	char *cj = tu_course_json("org.example.count", "1");
	char html[3000];
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	struct bundle_write_result r;
	struct stat sb;

	(void)state;
	memset(html, 'a', sizeof(html));
	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", html, sizeof(html), &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", "x", 1, &err), err);
	assert_ok(bundle_writer_write(w, sk, out, &r, &err), err);
	assert_int_equal(r.entries, 7); /* mimetype, MANIFEST, sig, chunks, course, 2 pages */
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(r.file_size, (uint64_t)sb.st_size);
	assert_true(r.deflated_bytes >= sizeof(html));
	assert_true(r.deflated_comp < r.deflated_bytes);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
	free(out);
	tu_rmrf(dir);
	free(dir);
}

/* Whether the .txt beside a valid vector calls it a reader acceptance test. */
static bool reader_acceptance(const char *sampan)
{
	char *txt = strdup(sampan);
	unsigned char *text;
	size_t len;
	bool yes;

	assert_non_null(txt);
	memcpy(txt + strlen(txt) - 7, ".txt\0\0\0", 7);
	text = tu_read(txt, &len);
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			text[i] = ' ';
	yes = strstr((char *)text, "reader acceptance test") != NULL;
	free(text);
	free(txt);
	return yes;
}

/*
 * Rebuild each valid vector from its own entries with the test key: the
 * C writer and the spec's independent Python writer agree to the byte.
 */
static void rebuilds_valid_vectors_byte_for_byte(void **state)
{
	char *vdir = tu_path(tu_top(), "format-spec/vectors/valid");
	char *keyp = tu_path(tu_top(), "format-spec/vectors/test.key");
	char *pubp = tu_path(tu_top(), "format-spec/vectors/test.pub");
	char *tmp = tu_tempdir();
	struct minisign_seckey *sk;
	struct bundle_error err;
	struct trust trust;
	unsigned char *key_text;
	size_t key_len;
	DIR *d;
	struct dirent *de;
	int n = 0, m = 0, bad = 0;

	(void)state;
	key_text = tu_read(keyp, &key_len);
	assert_ok(minisign_seckey_parse((char *)key_text, key_len, NULL, &sk, &err), err);
	trust_init(&trust);
	assert_ok(trust_add_file(&trust, pubp, &err), err);
	d = opendir(vdir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *path, *out;
		struct bundle *b;
		struct bundle_writer *w;
		unsigned char *orig, *mine, head[14];
		size_t orig_len, mine_len;
		FILE *f;

		if (len < 8 || strcmp(de->d_name + len - 7, ".sampan") != 0)
			continue;
		path = tu_path(vdir, de->d_name);
		out = tu_path(tmp, de->d_name);
		assert_ok(bundle_open(path, &b, &err), err);
		assert_ok(bundle_verify(b, &trust, &err), err);
		assert_ok(bundle_writer_new(&w, &err), err);
		/* The DOS time of the vector, back to a Unix time. */
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
		fclose(f);
		{
			unsigned dt = (unsigned)(head[10] | head[11] << 8);
			unsigned dd = (unsigned)(head[12] | head[13] << 8);
			struct tm tm = { 0 };
			tm.tm_year = (int)(dd >> 9) + 80;
			tm.tm_mon = (int)((dd >> 5) & 15) - 1;
			tm.tm_mday = (int)(dd & 31);
			tm.tm_hour = (int)(dt >> 11);
			tm.tm_min = (int)((dt >> 5) & 63);
			tm.tm_sec = (int)(dt & 31) * 2;
			bundle_writer_set_time(w, (int64_t)timegm(&tm));
		}
		for (size_t i = 0; i < bundle_count(b); i++) {
			struct bundle_entry e;
			unsigned char *data;
			size_t dlen;
			bundle_entry(b, i, &e);
			if (strcmp(e.name, "mimetype") == 0 ||
			    strcmp(e.name, "META-INF/MANIFEST") == 0 ||
			    strcmp(e.name, "META-INF/MANIFEST.minisig") == 0 ||
			    strcmp(e.name, "META-INF/chunks") == 0)
				continue;
			assert_ok(bundle_read(b, i, 1u << 30, &data, &dlen, &err), err);
			assert_ok(bundle_writer_add_data(w, e.name, data, dlen, &err), err);
			free(data);
		}
		bundle_close(b);
		assert_ok(bundle_writer_write(w, sk, out, NULL, &err), err);
		bundle_writer_free(w);
		orig = tu_read(path, &orig_len);
		mine = tu_read(out, &mine_len);
		/*
		 * Some vectors hold what a writer never makes (CRLF signature
		 * lines, unknown keys, other attributes, other deflate streams...)
		 * to show that readers accept it; their .txt says "reader
		 * acceptance test".  They cannot be rebuilt.
		 */
		if (reader_acceptance(path)) {
			assert_true(orig_len != mine_len || memcmp(orig, mine, orig_len) != 0);
			m++;
		} else if (orig_len != mine_len || memcmp(orig, mine, orig_len) != 0) {
			fprintf(stderr, "%s: rebuilt bundle differs (%zu vs %zu bytes)\n",
			        de->d_name, mine_len, orig_len);
			bad++;
		} else {
			n++;
		}
		free(orig);
		free(mine);
		free(path);
		free(out);
	}
	closedir(d);
	assert_int_equal(bad, 0);
	assert_true(n >= 5);
	assert_true(m >= 2);
	trust_release(&trust);
	minisign_seckey_free(sk);
	free(key_text);
	free(vdir);
	free(keyp);
	free(pubp);
	tu_rmrf(tmp);
	free(tmp);
}

struct progress_log {
	uint64_t last[3];
	int calls[3];
	bool backwards;
	const char *change_path; /* rewritten at the end of hashing, when set */
};

static void on_progress(void *ctx, enum bundle_phase phase, uint64_t done, uint64_t total)
{
	struct progress_log *log = ctx;

	assert_true(phase <= BUNDLE_PHASE_VERIFY);
	assert_true(done <= total);
	if (done < log->last[phase])
		log->backwards = true;
	log->last[phase] = done;
	log->calls[phase]++;
	if (phase == BUNDLE_PHASE_HASH && done == total && log->change_path) {
		/* A producer saves a new photo (same size) while the build runs. */
		tu_write(log->change_path, "PNG-BYTES-EDITED", 16);
		log->change_path = NULL;
	}
}

static struct bundle_writer *writer_with_file_page(const char *dir, char **page_path)
{
	char *cj = tu_course_json("org.example.progress", "1");
	struct bundle_writer *w;
	struct bundle_error err;

	*page_path = tu_path(dir, "src/photo.png");
	tu_write(*page_path, "PNG-BYTES-ORIGIN", 16); /* stored: libzip reads the file itself */
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", "<h1>x</h1>", 10, &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", "<p>x</p>", 8, &err), err);
	assert_ok(bundle_writer_add_file(w, "media/photo.png", *page_path, &err), err);
	free(cj);
	return w;
}

static void reports_progress_in_three_phases(void **state)
{
	char *dir = tu_tempdir(), *out = tu_path(dir, "p.sampan"), *page;
	struct progress_log log;
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w = writer_with_file_page(dir, &page);
	struct bundle_error err;

	(void)state;
	memset(&log, 0, sizeof(log));
	tu_key(1, &sk, &pk);
	bundle_writer_set_progress(w, on_progress, &log);
	assert_ok(bundle_writer_write(w, sk, out, NULL, &err), err);
	assert_true(log.calls[BUNDLE_PHASE_HASH] > 0);
	assert_true(log.calls[BUNDLE_PHASE_WRITE] > 0);
	assert_true(log.calls[BUNDLE_PHASE_VERIFY] > 0);
	assert_false(log.backwards);
	/* a writer writes once */
	assert_int_equal(bundle_writer_write(w, sk, out, NULL, &err), BUNDLE_USAGE);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(page);
	free(out);
	tu_rmrf(dir);
	free(dir);
}

/* An input that changes while the bundle is written fails the check of the written file. */
static void input_changed_during_write_leaves_no_bundle(void **state)
{
	char *dir = tu_tempdir(), *outdir = tu_path(dir, "out"), *out, *page;
	struct progress_log log;
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w = writer_with_file_page(dir, &page);
	struct bundle_error err;
	enum bundle_status st;

	(void)state;
	tu_write(outdir, "", 0); /* a file, replaced below by a folder */
	remove(outdir);
	assert_int_equal(mkdir(outdir, 0755), 0);
	out = tu_path(outdir, "course.sampan");
	memset(&log, 0, sizeof(log));
	log.change_path = page;
	tu_key(1, &sk, &pk);
	bundle_writer_set_progress(w, on_progress, &log);
	st = bundle_writer_write(w, sk, out, NULL, &err);
	assert_int_equal(st, BUNDLE_INVALID);
	assert_int_equal(err.rule, RULE_DIGEST_MISMATCH);
	assert_non_null(strstr(err.message, "does not verify"));
	assert_int_equal(count_files(outdir), 0);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(page);
	free(out);
	free(outdir);
	tu_rmrf(dir);
	free(dir);
}

static void refuses_more_entries_than_the_format_allows(void **state)
{
	struct bundle_writer *w;
	struct bundle_error err;
	char name[32];
	size_t i;

	(void)state;
	assert_ok(bundle_writer_new(&w, &err), err);
	/* 65,000 in all, four of which the writer makes itself */
	for (i = 0; i < BUNDLE_MAX_ENTRIES - 4; i++) {
		snprintf(name, sizeof(name), "p/%05zu.txt", i);
		assert_ok(bundle_writer_add_data(w, name, "x", 1, &err), err);
	}
	snprintf(name, sizeof(name), "p/%05zu.txt", i);
	assert_rule(bundle_writer_add_data(w, name, "x", 1, &err), BUNDLE_INVALID, err,
	            RULE_TOO_MANY_ENTRIES);
	bundle_writer_free(w);
}

/* libzip 1.7 writes an empty ZIP64 field for an entry of exactly 0xFFFFFFFF bytes. */
static void refuses_the_one_size_libzip_gets_wrong(void **state)
{
	char *dir = tu_tempdir(), *big = tu_path(dir, "big.mp4"), *out = tu_path(dir, "o.sampan");
	char *cj = tu_course_json("org.example.size", "1");
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	FILE *f;

	(void)state;
	f = fopen(big, "wb");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)0xFFFFFFFFu), 0); /* sparse */
	fclose(f);
	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", cj, strlen(cj), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", "x", 1, &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", "x", 1, &err), err);
	assert_ok(bundle_writer_add_file(w, "media/big.mp4", big, &err), err);
	assert_rule(bundle_writer_write(w, sk, out, NULL, &err), BUNDLE_INVALID, err,
	            RULE_INPUT_INVALID);
	assert_non_null(strstr(err.message, "media/big.mp4"));
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
	free(big);
	free(out);
	tu_rmrf(dir);
	free(dir);
}

struct cancel_ctx {
	enum bundle_phase at; /* cancel once this phase has reported progress */
	bool seen;
};

static void cancel_progress(void *ctx, enum bundle_phase phase, uint64_t done, uint64_t total)
{
	struct cancel_ctx *c = ctx;

	(void)done;
	(void)total;
	if (phase == c->at)
		c->seen = true;
}

static int cancel_now(void *ctx)
{
	return ((struct cancel_ctx *)ctx)->seen;
}

/* Ctrl-C while hashing or while writing: "interrupted", and no file of any kind left. */
static void cancel_leaves_nothing(void **state)
{
	static const enum bundle_phase phases[] = { BUNDLE_PHASE_HASH, BUNDLE_PHASE_WRITE };

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		char *dir = tu_tempdir(), *outdir = tu_path(dir, "out"), *out, *page;
		struct cancel_ctx c = { phases[k], false };
		struct minisign_seckey *sk;
		struct minisign_pubkey pk;
		struct bundle_writer *w = writer_with_file_page(dir, &page);
		struct bundle_error err;

		assert_int_equal(mkdir(outdir, 0755), 0);
		out = tu_path(outdir, "course.sampan");
		tu_key(1, &sk, &pk);
		bundle_writer_set_progress(w, cancel_progress, &c);
		bundle_writer_set_cancel(w, cancel_now, &c);
		assert_int_equal(bundle_writer_write(w, sk, out, NULL, &err), BUNDLE_IO);
		assert_string_equal(err.message, "interrupted");
		assert_int_equal(count_files(outdir), 0);
		bundle_writer_free(w);
		minisign_seckey_free(sk);
		free(page);
		free(out);
		free(outdir);
		tu_rmrf(dir);
		free(dir);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_input_gives_same_bytes),
		cmocka_unit_test(another_key_gives_another_bundle),
		cmocka_unit_test(files_and_buffers_give_same_bytes),
		cmocka_unit_test(text_is_deflated_and_media_stored),
		cmocka_unit_test(dos_time_follows_source_date_epoch),
		cmocka_unit_test(refuses_bad_input_and_leaves_nothing),
		cmocka_unit_test(refuses_bad_names_at_once),
		cmocka_unit_test(missing_output_folder_is_an_io_error),
		cmocka_unit_test(result_counts_what_was_written),
		cmocka_unit_test(rebuilds_valid_vectors_byte_for_byte),
		cmocka_unit_test(reports_progress_in_three_phases),
		cmocka_unit_test(input_changed_during_write_leaves_no_bundle),
		cmocka_unit_test(refuses_more_entries_than_the_format_allows),
		cmocka_unit_test(refuses_the_one_size_libzip_gets_wrong),
		cmocka_unit_test(cancel_leaves_nothing),
	};
	return cmocka_run_group_tests_name("writer", tests, NULL, NULL);
}

/*
 * test_cmdutil.c - what the commands of sampan-play share (player/cmdutil.c):
 * a bundle checked in full before install or extract uses it (the exit code
 * and the message a teacher sees), which names in a folder are bundles,
 * the stop signals held back while files change, and whole writes.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmdutil.h"
#include "trust.h"

#define MiB (1024u * 1024)

static void assert_has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' does not say '%s'", text, part);
}

/* One byte in the middle of the file changed: inside its stored video, past every header. */
static void flip_middle(const char *path)
{
	size_t len;
	unsigned char *data = tu_read(path, &len);

	data[len / 2] ^= 0x01;
	tu_write(path, data, len);
	free(data);
}

static void a_bundle_is_checked_in_full(void **state)
{
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct trust trust;
	struct bundle_error err;
	char *dir = tu_tempdir(), *good = tu_path(dir, "good.sampan"),
	     *video = tu_path(dir, "video.sampan"), *stranger = tu_path(dir, "stranger.sampan"),
	     *missing = tu_path(dir, "missing.sampan"), *said;
	static const struct {
		const char *file;
		int rc;
		const char *says, *says_too; /* on stderr, after the file's name */
	} rows[] = {
		{ "good.sampan", EXIT_YES, NULL, NULL },
		{ "video.sampan", EXIT_NO, "entry 'media/video.mp4'",
		  ": 1 of 8 entries failed verification" },
		{ "stranger.sampan", EXIT_NO, "KEY_UNTRUSTED", "KEY_UNTRUSTED" },
		{ "missing.sampan", EXIT_SYSTEM, "missing.sampan", "No such file" },
	};

	(void)state;
	cli_program = "sampan-play";
	tu_key(1, &sk, &pk);
	minisign_seckey_free(sk);
	trust_init(&trust);
	assert_ok(trust_add(&trust, &pk, &err), err);
	tu_make_bundle(good, 1, 0);
	tu_make_bundle(video, 1, 3 * MiB);
	flip_middle(video);
	tu_make_bundle(stranger, 2, 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *path = tu_path(dir, rows[i].file);
		struct bundle *b = (struct bundle *)&trust; /* must be reset */
		int rc;

		tu_stderr_begin();
		rc = player_open_checked(path, &trust, "Checking", &b);
		said = tu_stderr_end();
		if (rc != rows[i].rc)
			fail_msg("%s: exit %d, want %d (%s)", rows[i].file, rc, rows[i].rc, said);
		if (rows[i].rc == EXIT_YES) {
			assert_non_null(b);
			assert_int_equal(bundle_count(b), 7);
			/* quiet when all is well, and no progress under a test (no terminal) */
			assert_string_equal(said, "");
			bundle_close(b);
		} else {
			assert_null(b);
			assert_has(said, "sampan-play: ");
			assert_has(said, path);
			assert_has(said, rows[i].says);
			assert_has(said, rows[i].says_too);
		}
		free(said);
		free(path);
	}
	trust_release(&trust);
	tu_rmrf(dir);
	free(dir);
	free(good);
	free(video);
	free(stranger);
	free(missing);
}

static void which_names_are_bundles(void **state)
{
	static const struct {
		const char *name;
		bool bundle;
	} rows[] = {
		{ "pump.sampan", true },
		{ "ปั๊มน้ำ.sampan", true },
		{ "video.sampan.001", true }, /* the first part stands for the bundle */
		{ "video.sampan.002", false },
		{ "x.sampan.001", true },
		{ ".sampan", false },
		{ ".pump.sampan", false }, /* hidden: a temporary file being written */
		{ ".sampan.001", false },
		{ "pump.sampan-update", false },
		{ "pump.SAMPAN", false },
		{ "pump.sampan.txt", false },
		{ "sampan", false },
		{ "pump.001", false },
		{ "", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (player_is_bundle_name(rows[i].name) != rows[i].bundle)
			fail_msg("'%s': want %s", rows[i].name,
			         rows[i].bundle ? "a bundle" : "none");
}

static void stop_signals_wait_until_asked(void **state)
{
	sigset_t stop, old;
	struct timespec now = { 0, 0 };

	(void)state;
	player_stop_signals(&stop);
	assert_int_equal(sigismember(&stop, SIGINT), 1);
	assert_int_equal(sigismember(&stop, SIGTERM), 1);
	assert_int_equal(sigismember(&stop, SIGHUP), 1);
	assert_int_equal(sigismember(&stop, SIGPIPE), 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, &stop, &old), 0);
	assert_false(player_interrupted());
	/* Ctrl-C while a file is renamed into place: held back, and seen */
	assert_int_equal(raise(SIGINT), 0);
	assert_true(player_interrupted());
	assert_int_equal(sigtimedwait(&stop, NULL, &now), SIGINT);
	assert_false(player_interrupted());
	assert_int_equal(raise(SIGTERM), 0);
	assert_true(player_interrupted());
	assert_int_equal(sigtimedwait(&stop, NULL, &now), SIGTERM);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

static void writes_are_whole(void **state)
{
	char *dir = tu_tempdir(), *path = tu_path(dir, "out");
	size_t n = 5 * MiB + 3, len;
	unsigned char *p = malloc(n), *back;
	int fd;

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + i / 251);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(player_write_all(fd, p, n), 0);
	assert_int_equal(player_write_all(fd, p, 0), 0);
	close(fd);
	back = tu_read(path, &len);
	assert_int_equal(len, n);
	assert_memory_equal(back, p, n);
	free(back);
	/* a descriptor that cannot be written: -1 and errno, never a short success */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(player_write_all(fd, p, 10), -1);
	assert_int_equal(errno, EBADF);
	close(fd);
	free(p);
	tu_rmrf(dir);
	free(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_bundle_is_checked_in_full, tu_sodium_setup),
		cmocka_unit_test(which_names_are_bundles),
		cmocka_unit_test(stop_signals_wait_until_asked),
		cmocka_unit_test(writes_are_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_xalloc.c - allocation that ends the program when memory runs out
 * (common/xalloc.c): what it returns, and that running out says so and
 * exits 3, never aborts and never returns NULL.  malloc itself failing in
 * the real programs is tests/scripts' out-of-memory check.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "xalloc.h"

static void copies_and_formats(void **state)
{
	char *s;

	(void)state;
	s = xstrdup("ไฟฟ้า");
	assert_string_equal(s, "ไฟฟ้า");
	free(s);
	s = xstrndup("pump.mp4", 4);
	assert_string_equal(s, "pump");
	free(s);
	s = xstrndup("ab", 10); /* n past the end: the string as it is */
	assert_string_equal(s, "ab");
	free(s);
	s = xasprintf("%s-%u.sampan", "org.example.pump", 2u);
	assert_string_equal(s, "org.example.pump-2.sampan");
	free(s);
	s = xasprintf("%s", "");
	assert_string_equal(s, "");
	free(s);
}

static void zero_sizes_give_a_pointer_of_their_own(void **state)
{
	void *a = xmalloc(0), *b = xcalloc(0, 8), *c = xrealloc(NULL, 0);
	unsigned char *z = xcalloc(16, 4);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_ptr_not_equal(a, b);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(z[i], 0);
	z = xreallocarray(z, 32, 4);
	z[127] = 1;
	free(a);
	free(b);
	free(c);
	free(z);
}

/* Run f in a child with stderr in a pipe: its exit status and what it said. */
static int in_child(void (*f)(void), char *said, size_t size)
{
	int fds[2], status = 0;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		cli_program = "sampan-test";
		f();
		_exit(0);
	}
	close(fds[1]);
	while (got + 1 < size && (n = read(fds[0], said + got, size - 1 - got)) > 0)
		got += (size_t)n;
	said[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void overflow(void)
{
	(void)xreallocarray(NULL, SIZE_MAX / 2, 4);
}

static void running_out_exits_3_with_a_message(void **state)
{
	char said[256];

	(void)state;
	assert_int_equal(in_child(overflow, said, sizeof(said)), EXIT_SYSTEM);
	assert_string_equal(said, "sampan-test: out of memory\n");
	assert_int_equal(in_child(xalloc_die, said, sizeof(said)), EXIT_SYSTEM);
	assert_string_equal(said, "sampan-test: out of memory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copies_and_formats),
		cmocka_unit_test(zero_sizes_give_a_pointer_of_their_own),
		cmocka_unit_test(running_out_exits_3_with_a_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
